// SPDX-License-Identifier: GPL-2.0-only
/*
 * LCP (RFC 1661) inside the SSTP session, on the RFC 1661 automaton: MRU,
 * magic number and the Authentication-Protocol option (MS-CHAPv2 only),
 * Echo, Protocol-Reject. Everything else is Configure-Rejected: frames
 * always carry FF 03, so PFC and ACFC are refused, as are ACCM, quality
 * protocol, callback, MRRU, endpoint discriminator and unknown options.
 */

#include <stdio.h>
#include <string.h>

#include "sess_priv.h"

/* LCP */

static int azc_lcp_build_req(struct azc_fsm *f, u8 *buf, size_t size)
{
	struct azc_sess *s = azc_fsm_sess(f);
	int n = 0, ret;

	if (s->send_mru) {
		ret = azc_lcp_opt_put_mru(buf + n, size - n, s->mru);
		n += ret > 0 ? ret : 0;
	}
	if (s->server) {
		ret = azc_lcp_opt_put_auth(buf + n, size - n,
					   AZC_PPP_AUTH_MSCHAPV2);
		n += ret > 0 ? ret : 0;
	}
	if (s->send_magic) {
		ret = azc_lcp_opt_put_magic(buf + n, size - n, s->magic);
		n += ret > 0 ? ret : 0;
	}
	return n;
}

/* Client: the server asks us to authenticate with @opt. */
static enum azc_fsm_verdict azc_lcp_check_auth(struct azc_sess *s,
					       const struct azc_ppp_opt *opt,
					       struct azc_fsm_reply *r)
{
	const enum azc_ppp_auth want = AZC_PPP_AUTH_MSCHAPV2;
	enum azc_ppp_auth a;
	u8 buf[8];
	int n;

	if (s->server || azc_lcp_opt_auth(opt, &a) < 0)
		return AZC_FSM_REJ;	/* we do not authenticate ourselves */
	if (a == want) {
		s->peer_tent.auth = a;
		return AZC_FSM_ACK;
	}
	azc_sess_log(s, AZC_SESS_LOG_INFO,
		     "LCP: the relay asks for %s, suggesting %s",
		     azc_sess_auth_name(a), azc_sess_auth_name(want));
	n = azc_lcp_opt_put_auth(buf, sizeof(buf), want);
	if (n < 0)
		return AZC_FSM_REJ;
	azc_fsm_nak_opt(r, AZC_LCP_OPT_AUTH, buf + 2, n - 2);
	return AZC_FSM_NAK;
}

static enum azc_fsm_verdict azc_lcp_check_magic(struct azc_sess *s,
						const struct azc_ppp_opt *opt,
						struct azc_fsm_reply *r)
{
	u8 v[4];
	u32 m;

	if (azc_lcp_opt_magic(opt, &m) < 0)
		return AZC_FSM_REJ;
	if (m && !(s->send_magic && m == s->magic)) {
		s->peer_tent.magic = m;
		return AZC_FSM_ACK;
	}
	if (m && ++s->loops >= s->lcp.max_failure) {
		azc_fsm_fail(&s->lcp,
			     "LCP: the link is looped back (the peer uses our magic number)");
		return AZC_FSM_FATAL;
	}
	/* RFC 1661 6.4: new magic numbers for both */
	if ((m && !azc_sess_rand_u32(s, &s->magic)) || !azc_sess_rand_u32(s, &m))
		return AZC_FSM_REJ;
	azc_put_be32(v, m);
	azc_fsm_nak_opt(r, AZC_LCP_OPT_MAGIC, v, sizeof(v));
	return AZC_FSM_NAK;
}

static enum azc_fsm_verdict azc_lcp_check_opt(struct azc_fsm *f,
					      const struct azc_ppp_opt *opt,
					      struct azc_fsm_reply *r)
{
	struct azc_sess *s = azc_fsm_sess(f);
	u8 v[2];
	u16 mru;

	switch (opt->type) {
	case AZC_LCP_OPT_MRU:
		if (azc_lcp_opt_mru(opt, &mru) < 0)
			return AZC_FSM_REJ;
		/*
		 * Below IPv6's minimum, or above what an SSTP packet holds
		 * (the kernel would refuse the link): Nak with the bound.
		 */
		if (mru < AZC_SESS_MRU_MIN || mru > AZC_SESS_MRU_MAX) {
			azc_put_be16(v, mru < AZC_SESS_MRU_MIN ?
				     AZC_SESS_MRU_MIN : AZC_SESS_MRU_MAX);
			azc_fsm_nak_opt(r, AZC_LCP_OPT_MRU, v, sizeof(v));
			return AZC_FSM_NAK;
		}
		s->peer_tent.mru = mru;
		return AZC_FSM_ACK;
	case AZC_LCP_OPT_AUTH:
		return azc_lcp_check_auth(s, opt, r);
	case AZC_LCP_OPT_MAGIC:
		return azc_lcp_check_magic(s, opt, r);
	default:
		/* ACCM, PFC, ACFC, callback, MRRU, discriminator, unknown */
		return AZC_FSM_REJ;
	}
}

/* The values of an acceptable request take effect; reset for the next. */
static enum azc_fsm_verdict azc_lcp_check_done(struct azc_fsm *f,
					       struct azc_fsm_reply *r)
{
	struct azc_sess *s = azc_fsm_sess(f);

	if (!r->rej_len && !r->nak_len)
		s->peer = s->peer_tent;
	s->peer_tent = (struct azc_lcp_peer){ .mru = AZC_PPP_DEFAULT_MRU };
	return AZC_FSM_ACK;
}

/*
 * Server: the client Nak'ed or rejected MS-CHAPv2, the only method a relay
 * offers.
 */
static int azc_lcp_auth_naked(struct azc_sess *s,
			      const struct azc_ppp_opt *opt)
{
	enum azc_ppp_auth a;

	if (azc_lcp_opt_auth(opt, &a) < 0)
		a = AZC_PPP_AUTH_OTHER;
	azc_fsm_fail(&s->lcp,
		     "the client refuses MS-CHAPv2, the only authentication protocol this relay allows (it asks for %s)",
		     azc_sess_auth_name(a));
	s->auth = AZC_PPP_AUTH_OTHER;
	return -1;
}

static int azc_lcp_got_nak(struct azc_fsm *f, const struct azc_ppp_opt *opt,
			   bool as_rej)
{
	struct azc_sess *s = azc_fsm_sess(f);
	u16 mru;

	switch (opt->type) {
	case AZC_LCP_OPT_MRU:
		if (as_rej)
			s->send_mru = false;
		else if (azc_lcp_opt_mru(opt, &mru) == 0 &&
			 mru >= AZC_SESS_MRU_MIN && mru <= AZC_SESS_MRU_MAX)
			s->mru = mru;
		return 0;
	case AZC_LCP_OPT_MAGIC:
		if (as_rej)
			s->send_magic = false;
		else if (!azc_sess_rand_u32(s, &s->magic))
			s->send_magic = false;
		return 0;
	case AZC_LCP_OPT_AUTH:
		return s->server ? azc_lcp_auth_naked(s, opt) : 0;
	}
	return 0;
}

static int azc_lcp_got_rej(struct azc_fsm *f, const struct azc_ppp_opt *opt)
{
	struct azc_sess *s = azc_fsm_sess(f);

	switch (opt->type) {
	case AZC_LCP_OPT_MRU:
		s->send_mru = false;
		break;
	case AZC_LCP_OPT_MAGIC:
		s->send_magic = false;
		break;
	case AZC_LCP_OPT_AUTH:
		azc_fsm_fail(f,
			     "the client refuses to authenticate (Configure-Reject of the Authentication-Protocol option)");
		s->auth = AZC_PPP_AUTH_OTHER;
		return -1;
	}
	return 0;
}

static void azc_sess_proto_rejected(struct azc_sess *s, u16 proto)
{
	azc_sess_log(s, AZC_SESS_LOG_INFO,
		     "LCP Protocol-Reject of protocol 0x%04x", proto);
	switch (proto) {
	case AZC_PPP_IPV6CP:
	case AZC_PPP_IPV6:
		azc_fsm_proto_rejected(&s->ipv6cp, s->now);
		break;
	case AZC_PPP_CHAP:
		if (s->phase == AZC_PHASE_AUTH)
			azc_sess_ppp_failed(s, AZC_SESS_E_AUTH_METHOD,
					    "the %s rejected the %s protocol",
					    s->server ? "client" : "relay",
					    azc_sess_auth_name(s->auth));
		break;
	}
}

static void azc_lcp_echo(struct azc_sess *s, const struct azc_ppp_cp *cp)
{
	u8 frame[AZC_FSM_FRAME_MAX];
	u32 magic = s->info.local_magic;
	int n;

	if (!azc_fsm_is_opened(&s->lcp) || cp->data_len < 4)
		return;
	if (magic && azc_get_be32(cp->data) == magic) {
		azc_sess_log(s, AZC_SESS_LOG_WARN,
			     "LCP Echo-Request with our magic number: looped back?");
		return;
	}
	n = azc_ppp_enc_echo(frame, sizeof(frame), AZC_PPP_ECHO_REPLY, cp->id,
			     magic, cp->data + 4, cp->data_len - 4);
	if (n > 0)
		azc_sess_send_ppp(s, frame, n);
}

static bool azc_lcp_other_code(struct azc_fsm *f, const struct azc_ppp_cp *cp)
{
	struct azc_sess *s = azc_fsm_sess(f);

	switch (cp->code) {
	case AZC_PPP_PROTO_REJ:
		if (cp->data_len >= 2 && azc_fsm_is_opened(f))
			azc_sess_proto_rejected(s, azc_get_be16(cp->data));
		return true;
	case AZC_PPP_ECHO_REQ:
		azc_lcp_echo(s, cp);
		return true;
	case AZC_PPP_ECHO_REPLY:
	case AZC_PPP_DISCARD_REQ:
	case 12:	/* Identification (RFC 1570) */
	case 13:	/* Time-Remaining */
		return true;
	}
	return false;
}

static void azc_lcp_up(struct azc_fsm *f)
{
	struct azc_sess *s = azc_fsm_sess(f);

	s->info.mru = s->send_mru ? s->mru : AZC_PPP_DEFAULT_MRU;
	s->info.peer_mru = s->peer.mru;
	s->info.local_magic = s->send_magic ? s->magic : 0;
	s->info.peer_magic = s->peer.magic;
	s->lcp.peer_mru = s->ipv6cp.peer_mru = s->peer.mru;
	s->auth = s->server ? AZC_PPP_AUTH_MSCHAPV2 : s->peer.auth;
	s->info.auth = s->auth == AZC_PPP_AUTH_MSCHAPV2 ?
		       AZC_SESS_AUTH_MSCHAPV2 : 0;
	azc_sess_log(s, AZC_SESS_LOG_INFO,
		     "LCP opened: MRU %u, peer MRU %u, authentication %s",
		     s->info.mru, s->info.peer_mru,
		     azc_sess_auth_name(s->auth));
	azc_sess_auth_start(s);
}

static void azc_lcp_down(struct azc_fsm *f)
{
	struct azc_sess *s = azc_fsm_sess(f);

	/*
	 * A failure is reported by finished, a Terminate-Request after
	 * its Terminate-Ack went out (azc_sess_ppp_input)
	 */
	if (s->ppp_closing || azc_sess_closing(s) || f->failed ||
	    f->term_rcvd)
		return;
	azc_sess_ppp_failed(s, AZC_SESS_E_LCP,
			    "the %s restarted LCP negotiation, which is not supported",
			    s->server ? "client" : "relay");
}

static void azc_lcp_finished(struct azc_fsm *f)
{
	struct azc_sess *s = azc_fsm_sess(f);
	enum azc_sess_err code = AZC_SESS_E_LCP;

	if (s->ppp_closing || azc_sess_closing(s))
		return;
	if (s->auth == AZC_PPP_AUTH_OTHER)
		code = AZC_SESS_E_AUTH_METHOD;
	azc_sess_ppp_failed(s, code, "%s",
			    f->reason[0] ? f->reason : "LCP failed");
}

static int azc_lcp_fmt_opt(struct azc_fsm *f, const struct azc_ppp_opt *opt,
			   char *buf, size_t size)
{
	enum azc_ppp_auth a;
	u32 m;
	u16 mru;

	(void)f;
	switch (opt->type) {
	case AZC_LCP_OPT_MRU:
		if (azc_lcp_opt_mru(opt, &mru) == 0)
			return snprintf(buf, size, "mru %u", mru);
		break;
	case AZC_LCP_OPT_AUTH:
		if (azc_lcp_opt_auth(opt, &a) == 0)
			return snprintf(buf, size, "auth %s",
					azc_sess_auth_name(a));
		break;
	case AZC_LCP_OPT_MAGIC:
		if (azc_lcp_opt_magic(opt, &m) == 0)
			return snprintf(buf, size, "magic 0x%08x", m);
		break;
	case AZC_LCP_OPT_ACCM:
		return snprintf(buf, size, "accm");
	case AZC_LCP_OPT_PFC:
		return snprintf(buf, size, "pfc");
	case AZC_LCP_OPT_ACFC:
		return snprintf(buf, size, "acfc");
	case AZC_LCP_OPT_CALLBACK:
		return snprintf(buf, size, "callback");
	case AZC_LCP_OPT_MRRU:
		return snprintf(buf, size, "mrru");
	case AZC_LCP_OPT_ENDPOINT:
		return snprintf(buf, size, "endpoint-discriminator");
	}
	return 0;
}

const struct azc_fsm_ops azc_lcp_ops = {
	.build_req = azc_lcp_build_req,
	.check_opt = azc_lcp_check_opt,
	.check_done = azc_lcp_check_done,
	.got_nak = azc_lcp_got_nak,
	.got_rej = azc_lcp_got_rej,
	.other_code = azc_lcp_other_code,
	.up = azc_lcp_up,
	.down = azc_lcp_down,
	.finished = azc_lcp_finished,
	.send = azc_fsm_sess_send,
	.log = azc_fsm_sess_log,
	.fmt_opt = azc_lcp_fmt_opt,
};
