// SPDX-License-Identifier: GPL-2.0-only
/*
 * PPP inside the SSTP session: the frame dispatch to LCP (sess_lcp.c),
 * authentication (sess_auth.c) and IPV6CP (sess_ipv6cp.c), Protocol-Reject
 * of everything else (IPCP once the network phase is reached), the PPP
 * timers and the progress text. Interoperability notes: docs sstp.md.
 */

#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "sess_priv.h"

void azc_fsm_sess_send(struct azc_fsm *f, const u8 *frame, size_t len)
{
	azc_sess_send_ppp(azc_fsm_sess(f), frame, len);
}

void azc_fsm_sess_log(struct azc_fsm *f, const char *msg)
{
	azc_sess_log(azc_fsm_sess(f), AZC_SESS_LOG_DEBUG, "%s", msg);
}

bool azc_sess_rand_u32(struct azc_sess *s, u32 *v)
{
	do {
		if (!azc_sess_random(s, v, sizeof(*v)))
			return false;
	} while (!*v);
	return true;
}

/*
 * After a Terminate-Request of LCP or IPV6CP was acknowledged. From
 * Opened the automaton waits in Stopping (3 s) for the peer to end the
 * call with CALL_DISCONNECT, as sstp-client does after pppd terminated,
 * and reports through finished if it does not. During negotiation the
 * peer has given up: end now.
 */
static void azc_sess_terminated(struct azc_sess *s, struct azc_fsm *f)
{
	if (!f->term_rcvd || f->state == AZC_FSM_STOPPING ||
	    s->ppp_closing || azc_sess_closing(s) || s->sst == AZC_SST_DONE)
		return;
	azc_sess_ppp_failed(s, f == &s->lcp ? AZC_SESS_E_LCP :
			    AZC_SESS_E_IPV6CP,
			    "the %s terminated %s (Terminate-Request: %s)",
			    s->server ? "client" : "relay",
			    f == &s->lcp ? "PPP" : "IPV6CP",
			    f->peer_reason[0] ? f->peer_reason : "no reason");
}

/* PPP dispatch */

static void azc_sess_proto_reject(struct azc_sess *s, u16 proto,
				  const u8 *info, size_t len)
{
	u8 frame[AZC_FSM_FRAME_MAX];
	size_t mru = s->lcp.peer_mru;
	int n;

	if (!azc_fsm_is_opened(&s->lcp))
		return;
	if (mru > AZC_SESS_MRU_MAX)
		mru = AZC_SESS_MRU_MAX;
	n = azc_ppp_enc_proto_reject(frame, sizeof(frame), s->lcp.next_id++,
				     proto, info, len, mru);
	if (n < 0)
		return;
	s->info.proto_rejects++;
	azc_sess_log(s, AZC_SESS_LOG_DEBUG,
		     "LCP sent Protocol-Reject of protocol 0x%04x", proto);
	azc_sess_send_ppp(s, frame, n);
}

static void azc_sess_rx_data(struct azc_sess *s, u16 proto, const u8 *p,
			     size_t len)
{
	if (proto == AZC_PPP_IPV6 && s->up) {
		s->info.rx_ipv6++;
		if (s->cfg.rx_ipv6)
			s->cfg.rx_ipv6(s->cfg.ctx, p, len);
		return;
	}
	if (s->info.rx_data_dropped++ == 0)
		azc_sess_log(s, AZC_SESS_LOG_INFO,
			     "PPP data (protocol 0x%04x) dropped, further ones counted only: %s",
			     proto,
			     s->up ? "IPv4 is not negotiated" :
			     "not connected yet");
}

static bool azc_sess_auth_proto(const struct azc_sess *s, u16 proto)
{
	return proto == AZC_PPP_CHAP && s->auth == AZC_PPP_AUTH_MSCHAPV2;
}

void azc_sess_ppp_input(struct azc_sess *s, const u8 *frame, size_t len)
{
	struct azc_ppp_frame f;

	if (azc_ppp_frame_decode(frame, len, &f) < 0) {
		if (s->info.rx_bad_frames++ == 0)
			azc_sess_log(s, AZC_SESS_LOG_WARN,
				     "PPP frame without FF 03 or with a bad protocol number dropped");
		return;
	}
	switch (f.proto) {
	case AZC_PPP_LCP:
		azc_fsm_input(&s->lcp, f.data, f.len, s->now);
		azc_sess_terminated(s, &s->lcp);
		return;
	case AZC_PPP_IPV6:
	case AZC_PPP_IPV4:
		azc_sess_rx_data(s, f.proto, f.data, f.len);
		return;
	case AZC_PPP_IPV6CP:
		if (s->phase != AZC_PHASE_NETWORK)
			return;
		azc_fsm_input(&s->ipv6cp, f.data, f.len, s->now);
		azc_sess_terminated(s, &s->ipv6cp);
		return;
	}
	if (azc_sess_auth_proto(s, f.proto)) {
		if (s->phase >= AZC_PHASE_AUTH)
			azc_sess_auth_input(s, f.proto, f.data, f.len);
		return;
	}
	/* IPCP, CCP, ...: only once NCPs may run (RFC 1661 3.4) */
	if (f.proto == AZC_PPP_IPCP && s->phase != AZC_PHASE_NETWORK)
		return;
	azc_sess_proto_reject(s, f.proto, f.data, f.len);
}

void azc_sess_ppp_tick(struct azc_sess *s)
{
	if (s->phase == AZC_PHASE_DEAD)
		return;
	azc_fsm_tick(&s->lcp, s->now);
	if (azc_sess_closing(s) || s->sst == AZC_SST_DONE)
		return;
	azc_fsm_tick(&s->ipv6cp, s->now);
	if (azc_sess_closing(s) || s->sst == AZC_SST_DONE)
		return;
	if (s->t_auth >= 0 && s->now >= s->t_auth)
		azc_sess_auth_timer(s);
}

int64_t azc_sess_ppp_deadline(const struct azc_sess *s)
{
	int64_t t = -1, c;
	const int64_t ts[] = {
		azc_fsm_deadline(&s->lcp), azc_fsm_deadline(&s->ipv6cp),
		s->t_auth,
	};
	unsigned int i;

	if (s->phase == AZC_PHASE_DEAD)
		return -1;
	for (i = 0; i < AZC_ARRAY_SIZE(ts); i++) {
		c = ts[i];
		if (c >= 0 && (t < 0 || c < t))
			t = c;
	}
	return t;
}

/* Our own LCP Terminate-Request, before CALL_DISCONNECT. */
void azc_sess_ppp_close(struct azc_sess *s, const char *reason)
{
	if (s->phase == AZC_PHASE_DEAD || azc_sess_closing(s))
		return;
	s->ppp_closing = true;
	azc_fsm_close(&s->lcp, reason, s->now);
}

void azc_sess_ppp_start(struct azc_sess *s)
{
	s->phase = AZC_PHASE_ESTABLISH;
	azc_fsm_open(&s->lcp, s->now);
	azc_fsm_up(&s->lcp, s->now);
	azc_fsm_open(&s->ipv6cp, s->now);
}

void azc_sess_ppp_init(struct azc_sess *s, u8 lcp_id, u8 ipv6cp_id)
{
	azc_fsm_init(&s->lcp, AZC_PPP_LCP, "LCP", &azc_lcp_ops, s, lcp_id);
	azc_fsm_init(&s->ipv6cp, AZC_PPP_IPV6CP, "IPV6CP", &azc_ipv6cp_ops, s,
		     ipv6cp_id);
	s->mru = s->cfg.mru;
	s->send_mru = s->send_magic = true;
	s->peer.mru = s->peer_tent.mru = AZC_PPP_DEFAULT_MRU;
	s->info.mru = s->info.peer_mru = AZC_PPP_DEFAULT_MRU;
	memcpy(s->iid, s->cfg.iid, AZC_IPV6CP_IID_LEN);
	if (!azc_sess_rand_u32(s, &s->magic) ||
	    (azc_ipv6cp_iid_is_zero(s->iid) && !azc_sess_rand_iid(s, s->iid, NULL)) ||
	    !azc_sess_random(s, &s->auth_id, 1))
		s->sst = AZC_SST_DONE;
}

const char *azc_sess_ppp_progress(struct azc_sess *s)
{
	const char *p = s->progress;

	switch (s->sst) {
	case AZC_SST_IDLE:
		return "not started";
	case AZC_SST_HTTP:
		return s->server ? "waiting for the HTTP request" :
		       "waiting for the HTTP response";
	case AZC_SST_CONNECT_PENDING:
		return s->server ? "waiting for CALL_CONNECT_REQUEST" :
		       "waiting for CALL_CONNECT_ACK";
	case AZC_SST_CONNECTED_PENDING:
	case AZC_SST_CALL_CONNECTED:
		break;
	default:
		return "closing";
	}
	switch (s->phase) {
	case AZC_PHASE_ESTABLISH:
		snprintf(s->progress, sizeof(s->progress),
			 "LCP negotiation (LCP %s)",
			 azc_fsm_state_name(s->lcp.state));
		return p;
	case AZC_PHASE_AUTH:
		snprintf(s->progress, sizeof(s->progress), "%s %s",
			 azc_sess_auth_name(s->auth),
			 s->server ? (s->auth_replied ? "result sent" :
				      "waiting for the client") :
			 (s->auth_sent ? "waiting for the relay's verdict" :
			  "waiting for the relay's challenge"));
		return p;
	case AZC_PHASE_NETWORK:
		if (!azc_fsm_is_opened(&s->ipv6cp)) {
			snprintf(s->progress, sizeof(s->progress),
				 "IPV6CP negotiation (IPV6CP %s)",
				 azc_fsm_state_name(s->ipv6cp.state));
			return p;
		}
		return s->sst == AZC_SST_CALL_CONNECTED ? "connected" :
		       "waiting for CALL_CONNECTED";
	default:
		return "PPP not started";
	}
}
