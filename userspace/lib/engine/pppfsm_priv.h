/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the PPP automaton shared by pppfsm.c (state, actions,
 * events from the owner, timer) and pppfsm_rx.c (received packets). The
 * actions are those of RFC 1661 4.4, named as there.
 */

#ifndef AZC_PPPFSM_PRIV_H
#define AZC_PPPFSM_PRIV_H

#include "pppfsm.h"

const char *azc_fsm_code_name(u8 code);
void azc_fsm_log(struct azc_fsm *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "LCP sent Configure-Request id 1: [mru 1500] [magic 0x...]" */
void azc_fsm_log_pkt(struct azc_fsm *f, const char *dir, u8 code, u8 id,
		     const u8 *data, size_t len);
void azc_fsm_set_state(struct azc_fsm *f, enum azc_fsm_state st);
void azc_fsm_send_cp(struct azc_fsm *f, u8 code, u8 id, const u8 *data,
		     size_t len);

/* This-Layer-Up, -Down, -Finished */
void azc_fsm_tlu(struct azc_fsm *f);
void azc_fsm_tld(struct azc_fsm *f);
void azc_fsm_tlf(struct azc_fsm *f);
/* Initialize-Restart-Count (for a Terminate-Request or not), Zero-... */
void azc_fsm_irc(struct azc_fsm *f, bool terminate);
void azc_fsm_zrc(struct azc_fsm *f);
/* Send-Configure-Request; a retransmission keeps the identifier. */
void azc_fsm_scr(struct azc_fsm *f, bool retransmit);
/* Send-Terminate-Ack, Send-Code-Reject */
void azc_fsm_sta(struct azc_fsm *f, u8 id);
void azc_fsm_scj(struct azc_fsm *f, const u8 *pkt, size_t len);
/* Opened and renegotiating: tld, scr, Req-Sent */
void azc_fsm_renegotiate(struct azc_fsm *f);
/* After azc_fsm_fail(): terminate and tell the owner now. */
void azc_fsm_give_up(struct azc_fsm *f);
/* The RXJ- event, or a Protocol-Reject of the whole protocol */
void azc_fsm_rxj_fatal(struct azc_fsm *f);

#endif /* AZC_PPPFSM_PRIV_H */
