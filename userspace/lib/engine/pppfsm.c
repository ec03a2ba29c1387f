// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PPP option negotiation automaton (RFC 1661 4): its state, the
 * actions of RFC 1661 4.4, the events that come from the owner (Up, Down,
 * Open, Close) and the restart timer. The events of received packets are
 * in pppfsm_rx.c. The event handlers follow the state transition table of
 * RFC 1661 4.1 row by row; the passive and restart options are not
 * implemented.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "pppfsm_priv.h"

static const char * const azc_fsm_states[] = {
	[AZC_FSM_INITIAL] = "Initial",
	[AZC_FSM_STARTING] = "Starting",
	[AZC_FSM_CLOSED] = "Closed",
	[AZC_FSM_STOPPED] = "Stopped",
	[AZC_FSM_CLOSING] = "Closing",
	[AZC_FSM_STOPPING] = "Stopping",
	[AZC_FSM_REQ_SENT] = "Req-Sent",
	[AZC_FSM_ACK_RCVD] = "Ack-Rcvd",
	[AZC_FSM_ACK_SENT] = "Ack-Sent",
	[AZC_FSM_OPENED] = "Opened",
};

static const char * const azc_fsm_codes[] = {
	[AZC_PPP_CONF_REQ] = "Configure-Request",
	[AZC_PPP_CONF_ACK] = "Configure-Ack",
	[AZC_PPP_CONF_NAK] = "Configure-Nak",
	[AZC_PPP_CONF_REJ] = "Configure-Reject",
	[AZC_PPP_TERM_REQ] = "Terminate-Request",
	[AZC_PPP_TERM_ACK] = "Terminate-Ack",
	[AZC_PPP_CODE_REJ] = "Code-Reject",
	[AZC_PPP_PROTO_REJ] = "Protocol-Reject",
	[AZC_PPP_ECHO_REQ] = "Echo-Request",
	[AZC_PPP_ECHO_REPLY] = "Echo-Reply",
	[AZC_PPP_DISCARD_REQ] = "Discard-Request",
};

const char *azc_fsm_state_name(enum azc_fsm_state st)
{
	if ((unsigned int)st >= AZC_ARRAY_SIZE(azc_fsm_states))
		return "?";
	return azc_fsm_states[st];
}

const char *azc_fsm_code_name(u8 code)
{
	if (code >= AZC_ARRAY_SIZE(azc_fsm_codes) ||
	    !azc_fsm_codes[code])
		return "unknown code";
	return azc_fsm_codes[code];
}

/* Bounded string builder for log lines */
struct azc_fsm_str {
	char *p;
	size_t size, len;
};

static void azc_fsm_strf(struct azc_fsm_str *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void azc_fsm_strf(struct azc_fsm_str *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->len + 1 >= s->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->p + s->len, s->size - s->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len += (size_t)n < s->size - s->len ? (size_t)n :
			  s->size - s->len - 1;
}

void azc_fsm_log(struct azc_fsm *f, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!f->ops->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->ops->log(f, msg);
}

/* "LCP sent Configure-Request id 1: mru 1500 magic 0x..." */
void azc_fsm_log_pkt(struct azc_fsm *f, const char *dir, u8 code, u8 id,
		     const u8 *data, size_t len)
{
	struct azc_ppp_opt_iter it;
	struct azc_ppp_opt opt;
	char msg[512], one[96];
	struct azc_fsm_str s = { msg, sizeof(msg), 0 };

	if (!f->ops->log)
		return;
	azc_fsm_strf(&s, "%s %s %s id %u", f->name, dir,
		     azc_fsm_code_name(code), id);
	if (code >= AZC_PPP_CONF_REQ && code <= AZC_PPP_CONF_REJ) {
		azc_fsm_strf(&s, ":");
		azc_ppp_opt_iter_init(&it, data, len);
		while (azc_ppp_opt_next(&it, &opt) > 0) {
			if (!f->ops->fmt_opt ||
			    f->ops->fmt_opt(f, &opt, one, sizeof(one)) <= 0)
				snprintf(one, sizeof(one), "option %u len %u",
					 opt.type, opt.len);
			azc_fsm_strf(&s, " [%s]", one);
		}
	}
	f->ops->log(f, msg);
}

void azc_fsm_init(struct azc_fsm *f, u16 proto, const char *name,
		  const struct azc_fsm_ops *ops, void *ctx, u8 first_id)
{
	memset(f, 0, sizeof(*f));
	f->ops = ops;
	f->ctx = ctx;
	f->name = name;
	f->proto = proto;
	f->state = AZC_FSM_INITIAL;
	f->restart_ms = AZC_FSM_RESTART_MS;
	f->max_configure = AZC_FSM_MAX_CONFIGURE;
	f->max_terminate = AZC_FSM_MAX_TERMINATE;
	f->max_failure = AZC_FSM_MAX_FAILURE;
	f->peer_mru = AZC_PPP_DEFAULT_MRU;
	f->deadline = -1;
	f->next_id = first_id;
}

void azc_fsm_fail(struct azc_fsm *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
	f->failed = true;
}

int azc_fsm_nak_opt(struct azc_fsm_reply *r, u8 type, const void *data,
		    size_t len)
{
	int n = azc_ppp_opt_put(r->nak + r->nak_len,
				sizeof(r->nak) - r->nak_len, type, data, len);

	if (n < 0)
		return n;
	r->nak_len += n;
	if (!r->cur)
		r->missing = true;
	return 0;
}

int64_t azc_fsm_deadline(const struct azc_fsm *f)
{
	return f->deadline;
}

/* States in which the restart timer runs */
static bool azc_fsm_timed(enum azc_fsm_state st)
{
	return st == AZC_FSM_CLOSING || st == AZC_FSM_STOPPING ||
	       st == AZC_FSM_REQ_SENT || st == AZC_FSM_ACK_RCVD ||
	       st == AZC_FSM_ACK_SENT;
}

void azc_fsm_set_state(struct azc_fsm *f, enum azc_fsm_state st)
{
	if (f->state != st)
		azc_fsm_log(f, "%s %s -> %s", f->name,
			    azc_fsm_state_name(f->state),
			    azc_fsm_state_name(st));
	f->state = st;
	if (!azc_fsm_timed(st))
		f->deadline = -1;
}

void azc_fsm_send_cp(struct azc_fsm *f, u8 code, u8 id, const u8 *data,
		     size_t len)
{
	u8 frame[AZC_FSM_FRAME_MAX];
	int n;

	n = azc_ppp_cp_encode(frame, sizeof(frame), f->proto, code, id, data,
			      len);
	if (n < 0)
		return;
	azc_fsm_log_pkt(f, "sent", code, id, data, len);
	f->ops->send(f, frame, n);
}

/* Actions (RFC 1661 4.4) */

void azc_fsm_tlu(struct azc_fsm *f)
{
	f->reason[0] = '\0';
	if (f->ops->up)
		f->ops->up(f);
}

void azc_fsm_tld(struct azc_fsm *f)
{
	if (f->ops->down)
		f->ops->down(f);
}

static void azc_fsm_tls(struct azc_fsm *f)
{
	if (f->ops->started)
		f->ops->started(f);
}

void azc_fsm_tlf(struct azc_fsm *f)
{
	if (f->finish_reported)
		return;
	if (f->failed)
		f->finish_reported = true;
	if (f->ops->finished)
		f->ops->finished(f);
}

void azc_fsm_irc(struct azc_fsm *f, bool terminate)
{
	f->restart = terminate ? f->max_terminate : f->max_configure;
}

void azc_fsm_zrc(struct azc_fsm *f)
{
	f->restart = 0;
	f->deadline = f->now + f->restart_ms;
}

/* Send-Configure-Request; a retransmission keeps the identifier. */
void azc_fsm_scr(struct azc_fsm *f, bool retransmit)
{
	int n;

	if (!retransmit || f->req_answered) {
		n = f->ops->build_req(f, f->req, sizeof(f->req));
		f->req_len = n > 0 ? n : 0;
		f->req_id = f->next_id++;
		f->req_answered = false;
	}
	if (f->restart > 0)
		f->restart--;
	f->tx_req++;
	azc_fsm_send_cp(f, AZC_PPP_CONF_REQ, f->req_id, f->req, f->req_len);
	f->deadline = f->now + f->restart_ms;
}

static void azc_fsm_str(struct azc_fsm *f)
{
	if (f->restart > 0)
		f->restart--;
	f->term_id = f->next_id++;
	azc_fsm_send_cp(f, AZC_PPP_TERM_REQ, f->term_id,
			(const u8 *)f->term_reason, strlen(f->term_reason));
	f->deadline = f->now + f->restart_ms;
}

void azc_fsm_sta(struct azc_fsm *f, u8 id)
{
	azc_fsm_send_cp(f, AZC_PPP_TERM_ACK, id, NULL, 0);
}

void azc_fsm_scj(struct azc_fsm *f, const u8 *pkt, size_t len)
{
	u8 frame[AZC_FSM_FRAME_MAX];
	size_t mru = f->peer_mru;
	u8 id = f->next_id++;
	int n;

	if (mru > AZC_FSM_FRAME_MAX - AZC_PPP_HDR_LEN)
		mru = AZC_FSM_FRAME_MAX - AZC_PPP_HDR_LEN;
	n = azc_ppp_enc_code_reject(frame, sizeof(frame), f->proto, id, pkt,
				    len, mru);
	if (n < 0)
		return;
	azc_fsm_log(f, "%s sent Code-Reject id %u of code %u", f->name, id,
		    len ? pkt[0] : 0);
	f->ops->send(f, frame, n);
}

/*
 * A packet in Opened that restarts the negotiation (the tld/scr/6 entries
 * of RFC 1661 4.1): down, then a new Configure-Request.
 */
void azc_fsm_renegotiate(struct azc_fsm *f)
{
	azc_fsm_tld(f);
	azc_fsm_set_state(f, AZC_FSM_REQ_SENT);
	azc_fsm_scr(f, false);
}

/* The Close event, also the way out after a failure. */
static void azc_fsm_close_ev(struct azc_fsm *f)
{
	switch (f->state) {
	case AZC_FSM_STARTING:
		azc_fsm_set_state(f, AZC_FSM_INITIAL);
		azc_fsm_tlf(f);
		break;
	case AZC_FSM_STOPPED:
		azc_fsm_set_state(f, AZC_FSM_CLOSED);
		break;
	case AZC_FSM_STOPPING:
		azc_fsm_set_state(f, AZC_FSM_CLOSING);
		break;
	case AZC_FSM_OPENED:
		azc_fsm_tld(f);
		/* fall through */
	case AZC_FSM_REQ_SENT:
	case AZC_FSM_ACK_RCVD:
	case AZC_FSM_ACK_SENT:
		azc_fsm_irc(f, true);
		azc_fsm_set_state(f, AZC_FSM_CLOSING);
		azc_fsm_str(f);
		break;
	default:
		break;
	}
}

/* Copies a string, truncated to fit. */
static void azc_fsm_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* After azc_fsm_fail(): terminate and tell the owner now. */
void azc_fsm_give_up(struct azc_fsm *f)
{
	f->failed = true;
	azc_fsm_copy(f->term_reason, sizeof(f->term_reason), f->reason);
	azc_fsm_log(f, "%s failed: %s", f->name, f->reason);
	azc_fsm_close_ev(f);
	azc_fsm_tlf(f);
}

/* The RXJ- event, or a Protocol-Reject of the whole protocol */
void azc_fsm_rxj_fatal(struct azc_fsm *f)
{
	f->failed = true;
	switch (f->state) {
	case AZC_FSM_CLOSED:
	case AZC_FSM_STOPPED:
		azc_fsm_tlf(f);
		break;
	case AZC_FSM_CLOSING:
		azc_fsm_set_state(f, AZC_FSM_CLOSED);
		azc_fsm_tlf(f);
		break;
	case AZC_FSM_STOPPING:
	case AZC_FSM_REQ_SENT:
	case AZC_FSM_ACK_RCVD:
	case AZC_FSM_ACK_SENT:
		azc_fsm_set_state(f, AZC_FSM_STOPPED);
		azc_fsm_tlf(f);
		break;
	case AZC_FSM_OPENED:
		azc_fsm_tld(f);
		azc_fsm_irc(f, true);
		azc_fsm_set_state(f, AZC_FSM_STOPPING);
		azc_fsm_str(f);
		azc_fsm_tlf(f);
		break;
	default:
		break;
	}
}

/* Events from the owner */

void azc_fsm_up(struct azc_fsm *f, int64_t now)
{
	f->now = now;
	switch (f->state) {
	case AZC_FSM_INITIAL:
		azc_fsm_set_state(f, AZC_FSM_CLOSED);
		break;
	case AZC_FSM_STARTING:
		azc_fsm_irc(f, false);
		azc_fsm_set_state(f, AZC_FSM_REQ_SENT);
		azc_fsm_scr(f, false);
		break;
	default:
		break;
	}
}

void azc_fsm_down(struct azc_fsm *f, int64_t now)
{
	f->now = now;
	switch (f->state) {
	case AZC_FSM_CLOSED:
	case AZC_FSM_CLOSING:
		azc_fsm_set_state(f, AZC_FSM_INITIAL);
		break;
	case AZC_FSM_STOPPED:
		azc_fsm_set_state(f, AZC_FSM_STARTING);
		azc_fsm_tls(f);
		break;
	case AZC_FSM_OPENED:
		azc_fsm_tld(f);
		/* fall through */
	case AZC_FSM_STOPPING:
	case AZC_FSM_REQ_SENT:
	case AZC_FSM_ACK_RCVD:
	case AZC_FSM_ACK_SENT:
		azc_fsm_set_state(f, AZC_FSM_STARTING);
		break;
	default:
		break;
	}
}

void azc_fsm_open(struct azc_fsm *f, int64_t now)
{
	f->now = now;
	switch (f->state) {
	case AZC_FSM_INITIAL:
		azc_fsm_set_state(f, AZC_FSM_STARTING);
		azc_fsm_tls(f);
		break;
	case AZC_FSM_CLOSED:
		azc_fsm_irc(f, false);
		azc_fsm_set_state(f, AZC_FSM_REQ_SENT);
		azc_fsm_scr(f, false);
		break;
	case AZC_FSM_CLOSING:
		azc_fsm_set_state(f, AZC_FSM_STOPPING);
		break;
	default:
		break;
	}
}

void azc_fsm_close(struct azc_fsm *f, const char *reason, int64_t now)
{
	f->now = now;
	azc_fsm_copy(f->term_reason, sizeof(f->term_reason),
		     reason ? reason : "");
	azc_fsm_close_ev(f);
}

void azc_fsm_proto_rejected(struct azc_fsm *f, int64_t now)
{
	f->now = now;
	if (f->state == AZC_FSM_INITIAL || f->state == AZC_FSM_STARTING)
		return;
	snprintf(f->reason, sizeof(f->reason),
		 "the peer rejected protocol %s (LCP Protocol-Reject)",
		 f->name);
	azc_fsm_rxj_fatal(f);
}

void azc_fsm_tick(struct azc_fsm *f, int64_t now)
{
	if (f->deadline < 0 || now < f->deadline)
		return;
	f->now = now;
	f->deadline = -1;
	if (f->restart > 0) {
		/* TO+ */
		switch (f->state) {
		case AZC_FSM_CLOSING:
		case AZC_FSM_STOPPING:
			azc_fsm_str(f);
			break;
		case AZC_FSM_REQ_SENT:
		case AZC_FSM_ACK_RCVD:
			azc_fsm_set_state(f, AZC_FSM_REQ_SENT);
			azc_fsm_scr(f, true);
			break;
		case AZC_FSM_ACK_SENT:
			azc_fsm_scr(f, true);
			break;
		default:
			break;
		}
		return;
	}
	/* TO- */
	switch (f->state) {
	case AZC_FSM_CLOSING:
		azc_fsm_set_state(f, AZC_FSM_CLOSED);
		azc_fsm_tlf(f);
		break;
	case AZC_FSM_STOPPING:
		azc_fsm_set_state(f, AZC_FSM_STOPPED);
		azc_fsm_tlf(f);
		break;
	case AZC_FSM_REQ_SENT:
	case AZC_FSM_ACK_RCVD:
	case AZC_FSM_ACK_SENT:
		snprintf(f->reason, sizeof(f->reason),
			 f->state == AZC_FSM_ACK_RCVD ?
			 "%s: the peer accepted our options but sent no acceptable Configure-Request of its own (%u tries)" :
			 "%s: no Configure-Ack to %u Configure-Requests",
			 f->name, f->max_configure);
		azc_fsm_set_state(f, AZC_FSM_STOPPED);
		azc_fsm_tlf(f);
		break;
	default:
		break;
	}
}
