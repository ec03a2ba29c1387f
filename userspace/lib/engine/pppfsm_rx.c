// SPDX-License-Identifier: GPL-2.0-only
/*
 * The receive events of the PPP automaton (RFC 1661 4.1: RCR+, RCR-,
 * RCA, RCN, RTR, RTA, RUC, RXJ+, RXJ-): the peer's Configure-Request
 * judged option by option into an Ack, Nak or Reject, the replies to our
 * own request checked against it, Terminate and Code-Reject.
 */

#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "pppfsm_priv.h"

static void azc_fsm_append(u8 *buf, size_t *len, size_t size, const u8 *p,
			   size_t n)
{
	if (n > size - *len)
		return;
	memcpy(buf + *len, p, n);
	*len += n;
}

/*
 * Judges the peer's options; returns the reply code, -1 to drop a
 * malformed request or -2 after a fatal verdict.
 */
static int azc_fsm_check_req(struct azc_fsm *f, const u8 *opts, size_t len,
			     struct azc_fsm_reply *r)
{
	struct azc_ppp_opt_iter it;
	struct azc_ppp_opt opt;
	enum azc_fsm_verdict v;

	if (azc_ppp_opts_validate(opts, len) < 0)
		return -1;
	r->missing = false;
	r->rej_len = r->nak_len = r->conv_len = 0;
	azc_ppp_opt_iter_init(&it, opts, len);
	while (azc_ppp_opt_next(&it, &opt) > 0) {
		r->cur = &opt;
		v = f->ops->check_opt(f, &opt, r);
		if (v == AZC_FSM_FATAL)
			return -2;
		if (v == AZC_FSM_REJ)
			azc_fsm_append(r->rej, &r->rej_len, sizeof(r->rej),
				       opt.data - 2, opt.len);
		else if (v == AZC_FSM_NAK)
			azc_fsm_append(r->conv, &r->conv_len, sizeof(r->conv),
				       opt.data - 2, opt.len);
	}
	r->cur = NULL;
	if (f->ops->check_done && f->ops->check_done(f, r) == AZC_FSM_FATAL)
		return -2;
	if (r->rej_len)
		return AZC_PPP_CONF_REJ;
	if (!r->nak_len)
		return AZC_PPP_CONF_ACK;
	if (f->naks_sent < f->max_failure)
		return AZC_PPP_CONF_NAK;
	/* Max-Failure: what would be Nak'ed is rejected */
	if (r->missing || !r->conv_len) {
		azc_fsm_fail(f,
			     "%s: negotiation does not converge: the peer ignored %u Configure-Naks",
			     f->name,
			     f->naks_sent);
		return -2;
	}
	memcpy(r->rej, r->conv, r->conv_len);
	r->rej_len = r->conv_len;
	return AZC_PPP_CONF_REJ;
}

/* sca or scn; true for an Ack */
static bool azc_fsm_reply(struct azc_fsm *f, int code, u8 id,
			  const struct azc_ppp_cp *cp,
			  const struct azc_fsm_reply *r)
{
	switch (code) {
	case AZC_PPP_CONF_ACK:
		f->naks_sent = 0;
		azc_fsm_send_cp(f, AZC_PPP_CONF_ACK, id, cp->data,
				cp->data_len);
		return true;
	case AZC_PPP_CONF_NAK:
		f->naks_sent++;
		f->tx_nak++;
		azc_fsm_send_cp(f, AZC_PPP_CONF_NAK, id, r->nak, r->nak_len);
		return false;
	default:
		f->tx_rej++;
		azc_fsm_send_cp(f, AZC_PPP_CONF_REJ, id, r->rej, r->rej_len);
		return false;
	}
}

static void azc_fsm_rcr(struct azc_fsm *f, const struct azc_ppp_cp *cp)
{
	struct azc_fsm_reply r;
	bool ack;
	int code;

	switch (f->state) {
	case AZC_FSM_CLOSED:
		azc_fsm_sta(f, cp->id);
		return;
	case AZC_FSM_CLOSING:
	case AZC_FSM_STOPPING:
		return;
	default:
		break;
	}
	code = azc_fsm_check_req(f, cp->data, cp->data_len, &r);
	if (code == -1) {
		azc_fsm_log(f, "%s dropped a malformed Configure-Request",
			    f->name);
		return;
	}
	if (code == -2) {
		azc_fsm_give_up(f);
		return;
	}
	switch (f->state) {
	case AZC_FSM_STOPPED:
		azc_fsm_irc(f, false);
		azc_fsm_set_state(f, AZC_FSM_REQ_SENT);
		azc_fsm_scr(f, false);
		break;
	case AZC_FSM_OPENED:
		azc_fsm_renegotiate(f);
		break;
	case AZC_FSM_ACK_RCVD:
		if (azc_fsm_reply(f, code, cp->id, cp, &r)) {
			azc_fsm_set_state(f, AZC_FSM_OPENED);
			azc_fsm_tlu(f);
		}
		return;
	case AZC_FSM_REQ_SENT:
	case AZC_FSM_ACK_SENT:
		break;
	default:
		return;
	}
	/* sca/8 or scn/6 */
	ack = azc_fsm_reply(f, code, cp->id, cp, &r);
	azc_fsm_set_state(f, ack ? AZC_FSM_ACK_SENT : AZC_FSM_REQ_SENT);
}

/*
 * A reply to our Configure-Request: in Closed and Stopped a Terminate-Ack
 * answers it (returns false); otherwise it must carry the identifier of
 * our last request, not yet answered.
 */
static bool azc_fsm_reply_expected(struct azc_fsm *f,
				   const struct azc_ppp_cp *cp)
{
	switch (f->state) {
	case AZC_FSM_CLOSED:
	case AZC_FSM_STOPPED:
		azc_fsm_sta(f, cp->id);
		return false;
	case AZC_FSM_CLOSING:
	case AZC_FSM_STOPPING:
		return false;
	default:
		break;
	}
	if (cp->id != f->req_id || f->req_answered) {
		azc_fsm_log(f, "%s ignored %s id %u (expected id %u)", f->name,
			    azc_fsm_code_name(cp->code), cp->id, f->req_id);
		return false;
	}
	return true;
}

static void azc_fsm_rca(struct azc_fsm *f, const struct azc_ppp_cp *cp)
{
	if (!azc_fsm_reply_expected(f, cp))
		return;
	if (cp->data_len != f->req_len ||
	    memcmp(cp->data, f->req, f->req_len)) {
		azc_fsm_log(f, "%s ignored a Configure-Ack that differs from our request", f->name);
		return;
	}
	f->req_answered = true;
	f->naks_rcvd = 0;
	switch (f->state) {
	case AZC_FSM_REQ_SENT:
		azc_fsm_irc(f, false);
		azc_fsm_set_state(f, AZC_FSM_ACK_RCVD);
		break;
	case AZC_FSM_ACK_RCVD:
		azc_fsm_set_state(f, AZC_FSM_REQ_SENT);
		azc_fsm_scr(f, false);
		break;
	case AZC_FSM_ACK_SENT:
		azc_fsm_irc(f, false);
		azc_fsm_set_state(f, AZC_FSM_OPENED);
		azc_fsm_tlu(f);
		break;
	case AZC_FSM_OPENED:
		azc_fsm_renegotiate(f);
		break;
	default:
		break;
	}
}

/* Every rejected option is one of our request's, unchanged, in order. */
static bool azc_fsm_rej_valid(const struct azc_fsm *f, const u8 *opts,
			      size_t len)
{
	struct azc_ppp_opt_iter it, mine;
	struct azc_ppp_opt opt, m;
	bool found;

	azc_ppp_opt_iter_init(&mine, f->req, f->req_len);
	azc_ppp_opt_iter_init(&it, opts, len);
	while (azc_ppp_opt_next(&it, &opt) > 0) {
		found = false;
		while (!found && azc_ppp_opt_next(&mine, &m) > 0)
			found = m.len == opt.len &&
				!memcmp(m.data - 2, opt.data - 2, opt.len);
		if (!found)
			return false;
	}
	return true;
}

/* Applies a Nak or Reject to our options; false after a fatal one. */
static bool azc_fsm_apply(struct azc_fsm *f, const struct azc_ppp_cp *cp)
{
	bool nak = cp->code == AZC_PPP_CONF_NAK, as_rej = false;
	struct azc_ppp_opt_iter it;
	struct azc_ppp_opt opt;
	int ret = 0;

	if (nak) {
		f->rx_nak++;
		as_rej = ++f->naks_rcvd > f->max_failure;
	} else {
		f->rx_rej++;
	}
	azc_ppp_opt_iter_init(&it, cp->data, cp->data_len);
	while (ret == 0 && azc_ppp_opt_next(&it, &opt) > 0)
		ret = nak ? f->ops->got_nak(f, &opt, as_rej) :
			f->ops->got_rej(f, &opt);
	return ret == 0;
}

static void azc_fsm_rcn(struct azc_fsm *f, const struct azc_ppp_cp *cp)
{
	if (!azc_fsm_reply_expected(f, cp))
		return;
	if (azc_ppp_opts_validate(cp->data, cp->data_len) < 0 ||
	    (cp->code == AZC_PPP_CONF_REJ &&
	     !azc_fsm_rej_valid(f, cp->data, cp->data_len))) {
		azc_fsm_log(f, "%s ignored a malformed %s", f->name,
			    azc_fsm_code_name(cp->code));
		return;
	}
	f->req_answered = true;
	if (!azc_fsm_apply(f, cp)) {
		azc_fsm_give_up(f);
		return;
	}
	switch (f->state) {
	case AZC_FSM_REQ_SENT:
	case AZC_FSM_ACK_SENT:
		azc_fsm_irc(f, false);
		azc_fsm_scr(f, false);
		break;
	case AZC_FSM_ACK_RCVD:
		azc_fsm_set_state(f, AZC_FSM_REQ_SENT);
		azc_fsm_scr(f, false);
		break;
	case AZC_FSM_OPENED:
		azc_fsm_renegotiate(f);
		break;
	default:
		break;
	}
}

static void azc_fsm_rtr(struct azc_fsm *f, const struct azc_ppp_cp *cp)
{
	azc_escape(cp->data, cp->data_len, f->peer_reason,
		   sizeof(f->peer_reason));
	f->term_rcvd = true;
	switch (f->state) {
	case AZC_FSM_REQ_SENT:
	case AZC_FSM_ACK_RCVD:
	case AZC_FSM_ACK_SENT:
		azc_fsm_sta(f, cp->id);
		azc_fsm_set_state(f, AZC_FSM_REQ_SENT);
		break;
	case AZC_FSM_OPENED:
		snprintf(f->reason, sizeof(f->reason),
			 "%s terminated by the peer (%s)", f->name,
			 f->peer_reason[0] ? f->peer_reason : "no reason");
		azc_fsm_tld(f);
		azc_fsm_set_state(f, AZC_FSM_STOPPING);
		azc_fsm_zrc(f);
		azc_fsm_sta(f, cp->id);
		break;
	default:
		azc_fsm_sta(f, cp->id);
		break;
	}
}

static void azc_fsm_rta(struct azc_fsm *f)
{
	switch (f->state) {
	case AZC_FSM_CLOSING:
		azc_fsm_set_state(f, AZC_FSM_CLOSED);
		azc_fsm_tlf(f);
		break;
	case AZC_FSM_STOPPING:
		azc_fsm_set_state(f, AZC_FSM_STOPPED);
		azc_fsm_tlf(f);
		break;
	case AZC_FSM_ACK_RCVD:
		azc_fsm_set_state(f, AZC_FSM_REQ_SENT);
		break;
	case AZC_FSM_OPENED:
		azc_fsm_renegotiate(f);
		break;
	default:
		break;
	}
}

/* Code-Reject: fatal when it rejects a code the automaton needs. */
static void azc_fsm_rxj(struct azc_fsm *f, const struct azc_ppp_cp *cp)
{
	u8 code = cp->data_len ? cp->data[0] : 0;

	if (code < AZC_PPP_CONF_REQ || code > AZC_PPP_CODE_REJ) {
		azc_fsm_log(f, "%s: the peer does not know %s", f->name,
			    azc_fsm_code_name(code));
		return;
	}
	snprintf(f->reason, sizeof(f->reason),
		 "%s: the peer Code-Rejected our %s", f->name,
		 azc_fsm_code_name(code));
	azc_fsm_rxj_fatal(f);
}

void azc_fsm_input(struct azc_fsm *f, const u8 *info, size_t len,
		   int64_t now)
{
	struct azc_ppp_cp cp;

	f->now = now;
	if (azc_ppp_cp_decode(f->proto, info, len, &cp) < 0) {
		azc_fsm_log(f, "%s dropped a malformed packet", f->name);
		return;
	}
	if (f->state == AZC_FSM_INITIAL || f->state == AZC_FSM_STARTING) {
		azc_fsm_log(f, "%s dropped %s: not started", f->name,
			    azc_fsm_code_name(cp.code));
		return;
	}
	if (cp.code <= AZC_PPP_CONF_REJ)
		azc_fsm_log_pkt(f, "received", cp.code, cp.id, cp.data,
				cp.data_len);
	switch (cp.code) {
	case AZC_PPP_CONF_REQ:
		azc_fsm_rcr(f, &cp);
		break;
	case AZC_PPP_CONF_ACK:
		azc_fsm_rca(f, &cp);
		break;
	case AZC_PPP_CONF_NAK:
	case AZC_PPP_CONF_REJ:
		azc_fsm_rcn(f, &cp);
		break;
	case AZC_PPP_TERM_REQ:
		azc_fsm_rtr(f, &cp);
		break;
	case AZC_PPP_TERM_ACK:
		azc_fsm_rta(f);
		break;
	case AZC_PPP_CODE_REJ:
		azc_fsm_rxj(f, &cp);
		break;
	default:
		if (!f->ops->other_code || !f->ops->other_code(f, &cp))
			azc_fsm_scj(f, info, cp.len);
		break;
	}
}
