/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The option negotiation automaton of RFC 1661 section 4, shared by the
 * PPP control protocols (LCP, IPV6CP). It is sans-I/O: frames go out
 * through ops->send, time comes in as a millisecond clock on every call,
 * and the owner runs azc_fsm_tick() at azc_fsm_deadline().
 *
 * A protocol plugs in through struct azc_fsm_ops: it builds the options
 * of its Configure-Request, judges the peer's options one by one (ack,
 * Nak with a suggestion, reject) and applies the peer's Naks and Rejects
 * of its own. The automaton does the rest: identifiers, the restart
 * timer and counters (Max-Configure, Max-Terminate, Max-Failure both
 * ways), Terminate, Code-Reject and the checks that a reply matches the
 * request it answers.
 */

#ifndef AZC_PPPFSM_H
#define AZC_PPPFSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp_cp.h"

#define AZC_FSM_RESTART_MS	3000
#define AZC_FSM_MAX_CONFIGURE	10
#define AZC_FSM_MAX_TERMINATE	2
#define AZC_FSM_MAX_FAILURE	5

/* Largest frame sent (FF 03, protocol, packet): SSTP's 4095 less 4 */
#define AZC_FSM_FRAME_MAX	4091
#define AZC_FSM_OPTS_MAX	(AZC_FSM_FRAME_MAX - AZC_PPP_HDR_LEN - \
				 AZC_PPP_CP_HDR_LEN)
/* Largest option list of our own Configure-Request */
#define AZC_FSM_REQ_MAX		128

enum azc_fsm_state {
	AZC_FSM_INITIAL,
	AZC_FSM_STARTING,
	AZC_FSM_CLOSED,
	AZC_FSM_STOPPED,
	AZC_FSM_CLOSING,
	AZC_FSM_STOPPING,
	AZC_FSM_REQ_SENT,
	AZC_FSM_ACK_RCVD,
	AZC_FSM_ACK_SENT,
	AZC_FSM_OPENED,
};

/* The decision on one option of the peer's Configure-Request */
enum azc_fsm_verdict {
	AZC_FSM_ACK,
	AZC_FSM_NAK,	/* suggestion added with azc_fsm_nak_opt() */
	AZC_FSM_REJ,
	AZC_FSM_FATAL,	/* give up; azc_fsm_fail() said why */
};

/*
 * The reply being built to a Configure-Request. After Max-Failure Naks
 * sent without an Ack in between, the options that would be Nak'ed are
 * rejected instead (RFC 1661 4.6); a Nak that suggests an option the peer
 * did not send cannot be turned into a Reject and ends the negotiation.
 */
struct azc_fsm_reply {
	const struct azc_ppp_opt *cur;	/* option being checked, or NULL */
	bool missing;			/* a Nak adds an option */
	size_t rej_len, nak_len, conv_len;
	u8 rej[AZC_FSM_OPTS_MAX];
	u8 nak[AZC_FSM_OPTS_MAX];
	u8 conv[AZC_FSM_OPTS_MAX];	/* the Nak'ed options as received */
};

struct azc_fsm;

struct azc_fsm_ops {
	/* Options of our Configure-Request: their length, or -1. */
	int (*build_req)(struct azc_fsm *f, u8 *buf, size_t size);
	/* One option of the peer's Configure-Request. */
	enum azc_fsm_verdict (*check_opt)(struct azc_fsm *f,
					  const struct azc_ppp_opt *opt,
					  struct azc_fsm_reply *r);
	/* Optional: after all options, e.g. to Nak a missing one. */
	enum azc_fsm_verdict (*check_done)(struct azc_fsm *f,
					   struct azc_fsm_reply *r);
	/*
	 * The peer Nak'ed one option of our request (@opt is its suggestion)
	 * or rejected it. @as_rej: more than Max-Failure Naks in a row, give
	 * the option up if possible. 0, or -1 after azc_fsm_fail().
	 */
	int (*got_nak)(struct azc_fsm *f, const struct azc_ppp_opt *opt,
		       bool as_rej);
	int (*got_rej)(struct azc_fsm *f, const struct azc_ppp_opt *opt);
	/*
	 * Optional: codes past Code-Reject (LCP's Protocol-Reject, Echo...).
	 * True when the code is known; false sends a Code-Reject.
	 */
	bool (*other_code)(struct azc_fsm *f, const struct azc_ppp_cp *cp);
	/* This-Layer-Up/-Down/-Started/-Finished; all optional. */
	void (*up)(struct azc_fsm *f);
	void (*down)(struct azc_fsm *f);
	void (*started)(struct azc_fsm *f);
	void (*finished)(struct azc_fsm *f);
	/* A whole frame: FF 03, protocol, packet. */
	void (*send)(struct azc_fsm *f, const u8 *frame, size_t len);
	/* Optional: one line about a negotiation step. */
	void (*log)(struct azc_fsm *f, const char *msg);
	/* Optional: an option for that line ("mru 1500"); its length. */
	int (*fmt_opt)(struct azc_fsm *f, const struct azc_ppp_opt *opt,
		       char *buf, size_t size);
};

struct azc_fsm {
	const struct azc_fsm_ops *ops;
	void *ctx;			/* the owner's */
	const char *name;		/* "LCP", "IPV6CP" */
	u16 proto;
	enum azc_fsm_state state;

	/* Tunables, defaults from azc_fsm_init() */
	unsigned int restart_ms;
	unsigned int max_configure;
	unsigned int max_terminate;
	unsigned int max_failure;
	u16 peer_mru;			/* Code-Reject truncation */

	int64_t now;
	int64_t deadline;		/* restart timer, -1 when stopped */
	unsigned int restart;		/* Restart counter */
	unsigned int naks_sent;		/* without an Ack sent in between */
	unsigned int naks_rcvd;		/* without an Ack received */
	u8 next_id;
	u8 req_id;			/* of our last Configure-Request */
	bool req_answered;		/* an Ack/Nak/Rej for req_id came */
	u8 term_id;
	u8 req[AZC_FSM_REQ_MAX];	/* options of our last request */
	size_t req_len;

	bool failed;			/* azc_fsm_fail() was called */
	bool term_rcvd;			/* the peer sent Terminate-Request */
	bool finish_reported;		/* ops->finished ran since the failure */
	char reason[160];		/* why it went down or failed */
	char term_reason[64];		/* sent in our Terminate-Request */
	char peer_reason[64];		/* the peer's Terminate-Request text */
	/* Counters */
	unsigned int tx_req, rx_nak, rx_rej, tx_nak, tx_rej;
};

void azc_fsm_init(struct azc_fsm *f, u16 proto, const char *name,
		  const struct azc_fsm_ops *ops, void *ctx, u8 first_id);

/* Events from the owner (RFC 1661 4.1): Up, Down, Open, Close. */
void azc_fsm_up(struct azc_fsm *f, int64_t now);
void azc_fsm_down(struct azc_fsm *f, int64_t now);
void azc_fsm_open(struct azc_fsm *f, int64_t now);
void azc_fsm_close(struct azc_fsm *f, const char *reason, int64_t now);

/* The information field of a received frame of f->proto. */
void azc_fsm_input(struct azc_fsm *f, const u8 *info, size_t len,
		   int64_t now);

/* LCP Protocol-Reject of f->proto: the RXJ- event. */
void azc_fsm_proto_rejected(struct azc_fsm *f, int64_t now);

/* Restart timer: the deadline (-1: none) and its expiry. */
int64_t azc_fsm_deadline(const struct azc_fsm *f);
void azc_fsm_tick(struct azc_fsm *f, int64_t now);

/*
 * From a callback that returns AZC_FSM_FATAL or -1: records why. The
 * automaton then closes (Terminate-Request) and calls ops->finished at
 * once; f->failed stays set.
 */
void azc_fsm_fail(struct azc_fsm *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* From check_opt/check_done: adds a suggested option to the Nak. */
int azc_fsm_nak_opt(struct azc_fsm_reply *r, u8 type, const void *data,
		    size_t len);

const char *azc_fsm_state_name(enum azc_fsm_state st);

static inline bool azc_fsm_is_opened(const struct azc_fsm *f)
{
	return f->state == AZC_FSM_OPENED;
}

#endif /* AZC_PPPFSM_H */
