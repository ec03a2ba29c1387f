// SPDX-License-Identifier: GPL-2.0-only
/*
 * PPP inside the SSTP session: LCP and IPV6CP on the RFC 1661 automaton,
 * MS-CHAPv2 (RFC 2759) or PAP authentication with the RFC 3079 keys that
 * feed the crypto binding, Protocol-Reject of everything else.
 *
 * Interoperability choices (see docs sstp.md): frames always carry FF 03;
 * PFC, ACFC, ACCM, quality protocol, callback, MRRU, endpoint
 * discriminator and anything unknown are Configure-Rejected; both sides
 * send their own Interface-Identifier (pppd requires it); the server
 * assigns the client's identifier with a Configure-Nak; IPCP is
 * Protocol-Rejected once the network phase is reached.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sess_priv.h"

static const enum azc_ppp_auth azc_auth_order[] = {
	AZC_PPP_AUTH_MSCHAPV2, AZC_PPP_AUTH_PAP,
};

static const char * const azc_mschap_errors[] = {
	[AZC_MSCHAP_E_RESTRICTED_LOGON_HOURS - 646] =
		"the relay refused logon at this time",
	[AZC_MSCHAP_E_ACCT_DISABLED - 646] =
		"the relay has disabled this endpoint",
	[AZC_MSCHAP_E_PASSWD_EXPIRED - 646] =
		"the token of this endpoint has expired",
	[AZC_MSCHAP_E_NO_DIALIN_PERMISSION - 646] =
		"this endpoint may not connect to the relay",
};

#define AZC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct azc_sess *azc_fsm_sess(struct azc_fsm *f)
{
	return f->ctx;
}

const char *azc_sess_auth_name(enum azc_ppp_auth a)
{
	switch (a) {
	case AZC_PPP_AUTH_NONE:
		return "none";
	case AZC_PPP_AUTH_PAP:
		return "PAP";
	case AZC_PPP_AUTH_MSCHAPV2:
		return "MS-CHAPv2";
	case AZC_PPP_AUTH_CHAP_MD5:
		return "CHAP-MD5";
	case AZC_PPP_AUTH_EAP:
		return "EAP";
	default:
		return "unknown";
	}
}

static unsigned int azc_auth_bit(enum azc_ppp_auth a)
{
	switch (a) {
	case AZC_PPP_AUTH_MSCHAPV2:
		return AZC_SESS_AUTH_MSCHAPV2;
	case AZC_PPP_AUTH_PAP:
		return AZC_SESS_AUTH_PAP;
	default:
		return 0;
	}
}

/* The idx-th method of ours, in order of preference; NONE past the end */
static enum azc_ppp_auth azc_auth_nth(const struct azc_sess *s,
				      unsigned int idx)
{
	unsigned int i;

	for (i = 0; i < AZC_ARRAY_SIZE(azc_auth_order); i++)
		if ((s->cfg.auth & azc_auth_bit(azc_auth_order[i])) &&
		    idx-- == 0)
			return azc_auth_order[i];
	return AZC_PPP_AUTH_NONE;
}

static const char *azc_auth_list(const struct azc_sess *s)
{
	switch (s->cfg.auth) {
	case AZC_SESS_AUTH_MSCHAPV2:
		return "MS-CHAPv2";
	case AZC_SESS_AUTH_PAP:
		return "PAP";
	}
	return "MS-CHAPv2, PAP";
}

static void azc_fsm_sess_send(struct azc_fsm *f, const u8 *frame, size_t len)
{
	azc_sess_send_ppp(azc_fsm_sess(f), frame, len);
}

static void azc_fsm_sess_log(struct azc_fsm *f, const char *msg)
{
	azc_sess_log(azc_fsm_sess(f), AZC_SESS_LOG_DEBUG, "%s", msg);
}

static bool azc_rand_u32(struct azc_sess *s, u32 *v)
{
	do {
		if (!azc_sess_random(s, v, sizeof(*v)))
			return false;
	} while (!*v);
	return true;
}

/* A random identifier, not zero and unlike @other (may be NULL). */
static bool azc_rand_iid(struct azc_sess *s, u8 *iid, const u8 *other)
{
	do {
		if (!azc_sess_random(s, iid, AZC_IPV6CP_IID_LEN))
			return false;
		iid[0] &= ~0x02;	/* "u" bit clear: not a global EUI */
	} while (azc_ipv6cp_iid_is_zero(iid) ||
		 (other && !memcmp(iid, other, AZC_IPV6CP_IID_LEN)));
	return true;
}

static void azc_fmt_iid(const u8 *iid, char *buf, size_t size)
{
	snprintf(buf, size, "%02x%02x:%02x%02x:%02x%02x:%02x%02x", iid[0],
		 iid[1], iid[2], iid[3], iid[4], iid[5], iid[6], iid[7]);
}

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
					   azc_auth_nth(s, s->auth_idx));
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
	enum azc_ppp_auth a, want = azc_auth_nth(s, 0);
	u8 buf[8];
	int n;

	if (s->server || azc_lcp_opt_auth(opt, &a) < 0)
		return AZC_FSM_REJ;	/* we do not authenticate ourselves */
	if (s->cfg.auth & azc_auth_bit(a)) {
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
	if ((m && !azc_rand_u32(s, &s->magic)) || !azc_rand_u32(s, &m))
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
		if (mru < AZC_SESS_MRU_MIN) {
			azc_put_be16(v, AZC_SESS_MRU_MIN);
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

/* Server: the client Nak'ed our authentication protocol. */
static int azc_lcp_auth_naked(struct azc_sess *s,
			      const struct azc_ppp_opt *opt, bool as_rej)
{
	enum azc_ppp_auth a = AZC_PPP_AUTH_OTHER, cur;
	unsigned int i;

	cur = azc_auth_nth(s, s->auth_idx);
	if (azc_lcp_opt_auth(opt, &a) < 0)
		a = AZC_PPP_AUTH_OTHER;
	if (!as_rej && a != cur && (s->cfg.auth & azc_auth_bit(a))) {
		for (i = 0; azc_auth_nth(s, i) != a; i++)
			;
		s->auth_idx = i;
		return 0;
	}
	if (!as_rej && azc_auth_nth(s, s->auth_idx + 1) != AZC_PPP_AUTH_NONE) {
		s->auth_idx++;
		return 0;
	}
	azc_fsm_fail(&s->lcp,
		     "the client refuses every authentication protocol this relay allows (%s; it asks for %s)",
		     azc_auth_list(s), azc_sess_auth_name(a));
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
		else if (!azc_rand_u32(s, &s->magic))
			s->send_magic = false;
		return 0;
	case AZC_LCP_OPT_AUTH:
		return s->server ? azc_lcp_auth_naked(s, opt, as_rej) : 0;
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
	case AZC_PPP_PAP:
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

static void azc_sess_auth_start(struct azc_sess *s);

static void azc_lcp_up(struct azc_fsm *f)
{
	struct azc_sess *s = azc_fsm_sess(f);

	s->info.mru = s->send_mru ? s->mru : AZC_PPP_DEFAULT_MRU;
	s->info.peer_mru = s->peer.mru;
	s->info.local_magic = s->send_magic ? s->magic : 0;
	s->info.peer_magic = s->peer.magic;
	s->lcp.peer_mru = s->ipv6cp.peer_mru = s->peer.mru;
	s->auth = s->server ? azc_auth_nth(s, s->auth_idx) : s->peer.auth;
	s->info.auth = azc_auth_bit(s->auth);
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

static const struct azc_fsm_ops azc_lcp_ops = {
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

/* IPV6CP */

static int azc_ipv6cp_build_req(struct azc_fsm *f, u8 *buf, size_t size)
{
	return azc_ipv6cp_opt_put_iid(buf, size, azc_fsm_sess(f)->iid);
}

/* Server: the client's identifier must be the assigned one. */
static enum azc_fsm_verdict azc_ipv6cp_assign(struct azc_sess *s,
					      struct azc_fsm_reply *r,
					      const u8 *proposed)
{
	char a[24], p[24];

	if (s->ipv6cp.naks_sent >= s->ipv6cp.max_failure) {
		azc_fmt_iid(s->assigned, a, sizeof(a));
		if (proposed)
			azc_fmt_iid(proposed, p, sizeof(p));
		azc_fsm_fail(&s->ipv6cp,
			     "IPV6CP: the client insists on interface identifier %s instead of the assigned %s",
			     proposed ? p : "(none)", a);
		return AZC_FSM_FATAL;
	}
	azc_fsm_nak_opt(r, AZC_IPV6CP_OPT_IID, s->assigned,
			AZC_IPV6CP_IID_LEN);
	return AZC_FSM_NAK;
}

static enum azc_fsm_verdict azc_ipv6cp_check_opt(struct azc_fsm *f,
						 const struct azc_ppp_opt *opt,
						 struct azc_fsm_reply *r)
{
	struct azc_sess *s = azc_fsm_sess(f);
	u8 iid[AZC_IPV6CP_IID_LEN];

	if (opt->type != AZC_IPV6CP_OPT_IID ||
	    azc_ipv6cp_opt_iid(opt, iid) < 0)
		return AZC_FSM_REJ;
	s->peer_iid_seen = true;
	memcpy(s->peer_iid_tent, iid, sizeof(iid));
	if (s->server) {
		if (memcmp(iid, s->assigned, sizeof(iid)))
			return azc_ipv6cp_assign(s, r, iid);
		return AZC_FSM_ACK;
	}
	/* RFC 5072 4.1: zero, or equal to ours: suggest another */
	if (azc_ipv6cp_iid_is_zero(iid) || !memcmp(iid, s->iid, sizeof(iid))) {
		if (!azc_rand_iid(s, iid, s->iid))
			return AZC_FSM_REJ;
		azc_fsm_nak_opt(r, AZC_IPV6CP_OPT_IID, iid, sizeof(iid));
		return AZC_FSM_NAK;
	}
	return AZC_FSM_ACK;
}

static enum azc_fsm_verdict azc_ipv6cp_check_done(struct azc_fsm *f,
						  struct azc_fsm_reply *r)
{
	struct azc_sess *s = azc_fsm_sess(f);
	enum azc_fsm_verdict v = AZC_FSM_ACK;

	/* pppd needs the peer's identifier; ours assigns the client's */
	if (s->server && !s->peer_iid_seen && !r->rej_len)
		v = azc_ipv6cp_assign(s, r, NULL);
	if (v != AZC_FSM_FATAL && !r->rej_len && !r->nak_len)
		memcpy(s->peer_iid, s->peer_iid_tent, AZC_IPV6CP_IID_LEN);
	memset(s->peer_iid_tent, 0, AZC_IPV6CP_IID_LEN);
	s->peer_iid_seen = false;
	return v;
}

static int azc_ipv6cp_got_nak(struct azc_fsm *f,
			      const struct azc_ppp_opt *opt, bool as_rej)
{
	struct azc_sess *s = azc_fsm_sess(f);
	u8 iid[AZC_IPV6CP_IID_LEN];

	/* The relay keeps its configured identifier: it is the router */
	if (opt->type != AZC_IPV6CP_OPT_IID || (s->server && !as_rej))
		return 0;
	if (as_rej) {
		azc_fsm_fail(f,
			     "IPV6CP: the %s keeps refusing our interface identifier",
			     s->server ? "client" : "relay");
		return -1;
	}
	if (azc_ipv6cp_opt_iid(opt, iid) == 0 &&
	    !azc_ipv6cp_iid_is_zero(iid) &&
	    memcmp(iid, s->peer_iid, sizeof(iid))) {
		memcpy(s->iid, iid, sizeof(iid));
		return 0;
	}
	return azc_rand_iid(s, s->iid, s->peer_iid) ? 0 : -1;
}

static int azc_ipv6cp_got_rej(struct azc_fsm *f, const struct azc_ppp_opt *opt)
{
	struct azc_sess *s = azc_fsm_sess(f);

	if (opt->type != AZC_IPV6CP_OPT_IID)
		return 0;
	azc_fsm_fail(f,
		     "IPV6CP: the %s rejected the Interface-Identifier option",
		     s->server ? "client" : "relay");
	return -1;
}

static void azc_ipv6cp_up(struct azc_fsm *f)
{
	struct azc_sess *s = azc_fsm_sess(f);
	char l[24], p[24];

	memcpy(s->info.local_iid, s->iid, AZC_IPV6CP_IID_LEN);
	memcpy(s->info.peer_iid, s->peer_iid, AZC_IPV6CP_IID_LEN);
	azc_fmt_iid(s->iid, l, sizeof(l));
	azc_fmt_iid(s->peer_iid, p, sizeof(p));
	azc_sess_log(s, AZC_SESS_LOG_INFO,
		     "IPV6CP opened: local fe80::%s, peer fe80::%s", l, p);
	azc_sess_check_connected(s);
}

static void azc_ipv6cp_down(struct azc_fsm *f)
{
	struct azc_sess *s = azc_fsm_sess(f);

	if (s->ppp_closing || azc_sess_closing(s) || f->failed ||
	    f->term_rcvd)
		return;
	azc_sess_ppp_failed(s, AZC_SESS_E_IPV6CP,
			    "the %s restarted IPV6CP negotiation, which is not supported",
			    s->server ? "client" : "relay");
}

static void azc_ipv6cp_finished(struct azc_fsm *f)
{
	struct azc_sess *s = azc_fsm_sess(f);

	if (s->ppp_closing || azc_sess_closing(s))
		return;
	if (f->failed && !strncmp(f->reason, "the peer rejected protocol", 26))
		azc_sess_ppp_failed(s, AZC_SESS_E_IPV6CP,
				    "the %s rejected IPV6CP: IPv6 is not enabled on it (pppd: +ipv6)",
				    s->server ? "client" : "relay");
	else
		azc_sess_ppp_failed(s, AZC_SESS_E_IPV6CP, "%s",
				    f->reason[0] ? f->reason :
				    "IPV6CP failed");
}

static int azc_ipv6cp_fmt_opt(struct azc_fsm *f,
			      const struct azc_ppp_opt *opt, char *buf,
			      size_t size)
{
	u8 iid[AZC_IPV6CP_IID_LEN];
	char t[24];

	(void)f;
	if (azc_ipv6cp_opt_iid(opt, iid) < 0)
		return 0;
	azc_fmt_iid(iid, t, sizeof(t));
	return snprintf(buf, size, "iid %s", t);
}

static const struct azc_fsm_ops azc_ipv6cp_ops = {
	.build_req = azc_ipv6cp_build_req,
	.check_opt = azc_ipv6cp_check_opt,
	.check_done = azc_ipv6cp_check_done,
	.got_nak = azc_ipv6cp_got_nak,
	.got_rej = azc_ipv6cp_got_rej,
	.up = azc_ipv6cp_up,
	.down = azc_ipv6cp_down,
	.finished = azc_ipv6cp_finished,
	.send = azc_fsm_sess_send,
	.log = azc_fsm_sess_log,
	.fmt_opt = azc_ipv6cp_fmt_opt,
};

/* Authentication */

/* Keeps and sends an authentication packet (resent on demand). */
static void azc_auth_send(struct azc_sess *s, const u8 *frame, int len)
{
	if (len <= 0 || (size_t)len > sizeof(s->auth_frame))
		return;
	memcpy(s->auth_frame, frame, len);
	s->auth_frame_len = len;
	azc_sess_send_ppp(s, frame, len);
}

static void azc_auth_resend(struct azc_sess *s)
{
	if (s->auth_frame_len)
		azc_sess_send_ppp(s, s->auth_frame, s->auth_frame_len);
}

/* ChallengeHash takes the user name without its domain (RFC 2759 4). */
static const char *azc_user_part(const char *name, size_t *len)
{
	const char *b = strrchr(name, '\\');

	if (b)
		name = b + 1;
	*len = strlen(name);
	return name;
}

/* Server: the client's identifier, once authenticated. */
static bool azc_sess_assign(struct azc_sess *s)
{
	const char *name = s->info.peer_name;

	if (!s->cfg.assign_iid)
		return azc_rand_iid(s, s->assigned, s->iid);
	if (s->cfg.assign_iid(s->cfg.ctx, name, s->assigned) < 0) {
		azc_sess_ppp_failed(s, AZC_SESS_E_POLICY,
				    "no interface identifier for endpoint '%s'", name);
		return false;
	}
	if (azc_ipv6cp_iid_is_zero(s->assigned) ||
	    !memcmp(s->assigned, s->iid, AZC_IPV6CP_IID_LEN)) {
		azc_sess_ppp_failed(s, AZC_SESS_E_POLICY,
				    "invalid interface identifier for endpoint '%s' (zero, or the relay's own)",
				    name);
		return false;
	}
	return true;
}

/* Authentication complete: network phase. */
static void azc_auth_done(struct azc_sess *s)
{
	s->auth_ok = true;
	s->t_auth = -1;
	s->phase = AZC_PHASE_NETWORK;
	if (s->server) {
		azc_sess_log(s, AZC_SESS_LOG_INFO,
			     "%s: endpoint '%s' authenticated",
			     azc_sess_auth_name(s->auth), s->info.peer_name);
		if (!azc_sess_assign(s))
			return;
	} else {
		azc_sess_log(s, AZC_SESS_LOG_INFO,
			     "%s: authenticated to the relay%s",
			     azc_sess_auth_name(s->auth),
			     s->auth == AZC_PPP_AUTH_MSCHAPV2 ?
			     " (relay proved it knows the token)" : "");
		azc_sess_send_connected(s);
		if (azc_sess_closing(s) || s->sst == AZC_SST_DONE)
			return;
	}
	azc_fsm_up(&s->ipv6cp, s->now);
}

/* Server: refuses the client and ends the call (MS-SSTP 3.3.7.1). */
static void azc_auth_refused(struct azc_sess *s, const char *why)
{
	s->t_auth = -1;
	azc_sess_set_error(s, AZC_SESS_E_AUTH,
			   "%s authentication failed for endpoint '%s': %s",
			   azc_sess_auth_name(s->auth), s->info.peer_name, why);
	azc_sess_ppp_close(s, "Authentication failed");
	azc_sess_ppp_failed(s, AZC_SESS_E_AUTH, "authentication failed");
}

/* Copies a peer name; false when empty, too long or holding a NUL. */
static bool azc_peer_name(struct azc_sess *s, const u8 *p, size_t n)
{
	if (!n || n > AZC_SESS_NAME_MAX || memchr(p, 0, n))
		return false;
	memcpy(s->info.peer_name, p, n);
	s->info.peer_name[n] = '\0';
	return true;
}

/* The token of info.peer_name into @secret, or a reason it has none. */
static const char *azc_lookup(struct azc_sess *s, char *secret, size_t size)
{
	secret[0] = '\0';
	if (!s->cfg.lookup_secret)
		return "no authentication after the hand-off";
	if (s->cfg.lookup_secret(s->cfg.ctx, s->info.peer_name, secret,
				 size) < 0)
		return "unknown endpoint name";
	secret[size - 1] = '\0';
	return NULL;
}

static void azc_chap_challenge_send(struct azc_sess *s)
{
	struct azc_chap_challenge c = {
		.name = (const u8 *)s->name,
		.name_len = strlen(s->name),
	};
	u8 frame[AZC_FSM_FRAME_MAX];

	memcpy(c.challenge, s->challenge, sizeof(c.challenge));
	azc_auth_send(s, frame, azc_chap_enc_challenge(frame, sizeof(frame),
						       s->auth_id, &c));
}

/* Server: checks an NT-Response; NULL when good, else why not. */
static const char *azc_chap_verify(struct azc_sess *s,
				   const struct azc_chap_response *r,
				   u8 *nt_hash)
{
	char secret[AZC_SESS_SECRET_MAX + 1];
	u8 expect[AZC_MSCHAP_NT_RESPONSE_LEN];
	const char *why, *user;
	size_t ulen;

	why = azc_lookup(s, secret, sizeof(secret));
	if (!why && azc_mschap_nt_hash(secret, nt_hash))
		why = "the configured token is not valid UTF-8";
	OPENSSL_cleanse(secret, sizeof(secret));
	if (why)
		return why;
	user = azc_user_part(s->info.peer_name, &ulen);
	if (azc_mschap_nt_response(s->challenge, r->peer_challenge, user,
				   ulen, nt_hash, expect))
		return "cannot compute the NT-Response (no MD4/DES)";
	if (CRYPTO_memcmp(expect, r->nt_response, sizeof(expect)))
		return "wrong token";
	return NULL;
}

static void azc_chap_failure_send(struct azc_sess *s)
{
	static const char msg[] = "Authentication failure";
	struct azc_chap_failure fl = {
		.error = AZC_MSCHAP_E_AUTHENTICATION_FAILURE,
		.has_challenge = true,
		.version = 3,
		.msg = (const u8 *)msg,
		.msg_len = sizeof(msg) - 1,
	};
	u8 frame[256];

	memcpy(fl.challenge, s->challenge, sizeof(fl.challenge));
	azc_auth_send(s, frame, azc_chap_enc_failure(frame, sizeof(frame),
						     s->auth_id, &fl));
}

/* Server: Success with the authenticator response, and the keys. */
static bool azc_chap_success_send(struct azc_sess *s,
				  const struct azc_chap_response *r,
				  const u8 *nt_hash)
{
	static const char msg[] = "Access granted";
	struct azc_chap_success ok = {
		.msg = (const u8 *)msg,
		.msg_len = sizeof(msg) - 1,
	};
	u8 frame[256], send[16], recv[16];
	const char *user;
	size_t ulen;
	int ret;

	user = azc_user_part(s->info.peer_name, &ulen);
	ret = azc_mschap_auth_response(nt_hash, r->nt_response,
				       r->peer_challenge, s->challenge, user,
				       ulen, ok.auth_response);
	if (!ret)
		ret = azc_mschap_start_keys(nt_hash, r->nt_response, true,
					    send, recv);
	if (ret)
		return false;
	azc_cb_hlak(send, recv, true, s->hlak);
	OPENSSL_cleanse(send, sizeof(send));
	OPENSSL_cleanse(recv, sizeof(recv));
	azc_auth_send(s, frame, azc_chap_enc_success(frame, sizeof(frame),
						     s->auth_id, &ok));
	return true;
}

static void azc_chap_server_input(struct azc_sess *s,
				  const struct azc_ppp_cp *cp)
{
	struct azc_chap_response r;
	u8 nt_hash[AZC_MSCHAP_NT_HASH_LEN];
	const char *why = NULL;

	if (cp->code != AZC_CHAP_RESPONSE || cp->id != s->auth_id)
		return;
	if (s->auth_replied) {
		azc_auth_resend(s);	/* our reply was lost */
		return;
	}
	if (azc_chap_dec_response(cp, &r) < 0) {
		azc_sess_log(s, AZC_SESS_LOG_WARN,
			     "MS-CHAPv2: malformed Response ignored");
		return;
	}
	s->auth_replied = true;
	s->t_auth = -1;
	if (!azc_peer_name(s, r.name, r.name_len))
		why = "invalid name";
	else
		why = azc_chap_verify(s, &r, nt_hash);
	if (!why && !azc_chap_success_send(s, &r, nt_hash))
		why = "cannot compute the keys";
	OPENSSL_cleanse(nt_hash, sizeof(nt_hash));
	if (why) {
		azc_chap_failure_send(s);
		azc_auth_refused(s, why);
		return;
	}
	azc_auth_done(s);
}

static void azc_pap_server_input(struct azc_sess *s,
				 const struct azc_ppp_cp *cp)
{
	static const char granted[] = "Access granted";
	static const char denied[] = "Authentication failure";
	char secret[AZC_SESS_SECRET_MAX + 1];
	struct azc_pap_request r;
	const char *why;
	u8 frame[128];
	bool ok;

	if (cp->code != AZC_PAP_AUTH_REQ)
		return;
	if (s->auth_replied) {
		if (cp->id == s->auth_id)
			azc_auth_resend(s);
		return;
	}
	if (azc_pap_dec_request(cp, &r) < 0) {
		azc_sess_log(s, AZC_SESS_LOG_WARN,
			     "PAP: malformed Authenticate-Request ignored");
		return;
	}
	s->auth_replied = true;
	s->auth_id = cp->id;
	why = azc_peer_name(s, r.peer_id, r.peer_id_len) ?
	      azc_lookup(s, secret, sizeof(secret)) : "invalid name";
	if (!why && (strlen(secret) != r.passwd_len ||
		     CRYPTO_memcmp(secret, r.passwd, r.passwd_len)))
		why = "wrong token";
	OPENSSL_cleanse(secret, sizeof(secret));
	ok = !why;
	azc_auth_send(s, frame,
		      azc_pap_enc_reply(frame, sizeof(frame),
					ok ? AZC_PAP_AUTH_ACK :
					AZC_PAP_AUTH_NAK, cp->id,
					(const u8 *)(ok ? granted : denied),
					ok ? sizeof(granted) - 1 :
					sizeof(denied) - 1));
	if (!ok) {
		azc_auth_refused(s, why);
		return;
	}
	memset(s->hlak, 0, sizeof(s->hlak));
	azc_auth_done(s);
}

/* Client: answers a Challenge; the same one again gets the same answer. */
static void azc_chap_respond(struct azc_sess *s, const struct azc_ppp_cp *cp)
{
	struct azc_chap_challenge c;
	struct azc_chap_response r = {
		.name = (const u8 *)s->name,
		.name_len = strlen(s->name),
	};
	u8 frame[AZC_FSM_FRAME_MAX];
	const char *user;
	size_t ulen;

	if (azc_chap_dec_challenge(cp, &c) < 0)
		return;
	if (s->auth_sent && cp->id == s->auth_id &&
	    !memcmp(c.challenge, s->challenge, sizeof(c.challenge))) {
		azc_auth_resend(s);
		return;
	}
	if (!s->have_nt_hash ||
	    !azc_sess_random(s, s->peer_challenge, sizeof(s->peer_challenge)))
		return;
	memcpy(s->challenge, c.challenge, sizeof(s->challenge));
	user = azc_user_part(s->name, &ulen);
	if (azc_mschap_nt_response(s->challenge, s->peer_challenge, user, ulen,
				   s->nt_hash, s->nt_response)) {
		azc_sess_ppp_failed(s, AZC_SESS_E_INTERNAL,
				    "cannot compute the MS-CHAPv2 response (OpenSSL legacy provider missing?)");
		return;
	}
	memcpy(r.peer_challenge, s->peer_challenge, sizeof(r.peer_challenge));
	memcpy(r.nt_response, s->nt_response, sizeof(r.nt_response));
	s->auth_id = cp->id;
	s->auth_sent = true;
	azc_auth_send(s, frame, azc_chap_enc_response(frame, sizeof(frame),
						      cp->id, &r));
}

/* Client: the relay's Success must prove it knows the token. */
static void azc_chap_success(struct azc_sess *s, const struct azc_ppp_cp *cp)
{
	struct azc_chap_success ok;
	u8 send[16], recv[16];
	const char *user;
	size_t ulen;

	user = azc_user_part(s->name, &ulen);
	if (azc_chap_dec_success(cp, &ok) < 0 ||
	    azc_mschap_auth_response_check(s->nt_hash, s->nt_response,
					   s->peer_challenge, s->challenge,
					   user, ulen, ok.auth_response)) {
		azc_sess_ppp_failed(s, AZC_SESS_E_MUTUAL_AUTH,
				    "the relay's MS-CHAPv2 Success does not prove it knows this endpoint's token (bad authenticator response): wrong relay or man-in-the-middle");
		return;
	}
	if (azc_mschap_start_keys(s->nt_hash, s->nt_response, false, send,
				  recv)) {
		azc_sess_ppp_failed(s, AZC_SESS_E_INTERNAL,
				    "cannot compute the MS-CHAPv2 keys");
		return;
	}
	azc_cb_hlak(send, recv, false, s->hlak);
	OPENSSL_cleanse(send, sizeof(send));
	OPENSSL_cleanse(recv, sizeof(recv));
	azc_auth_done(s);
}

/* Printable text of a message from the peer, for an error */
static void azc_printable(char *dst, size_t size, const u8 *p, size_t n)
{
	size_t i, j = 0;

	for (i = 0; i < n && j + 1 < size; i++)
		if (p[i] >= 0x20 && p[i] < 0x7f)
			dst[j++] = p[i];
	dst[j] = '\0';
}

static void azc_chap_failure(struct azc_sess *s, const struct azc_ppp_cp *cp)
{
	struct azc_chap_failure fl;
	const char *what = "the relay rejected the name or token";
	char msg[96] = "";

	if (azc_chap_dec_failure(cp, &fl) < 0) {
		azc_sess_ppp_failed(s, AZC_SESS_E_AUTH,
				    "PPP authentication failed: malformed MS-CHAPv2 Failure from the relay");
		return;
	}
	if (fl.error >= 646 && fl.error - 646 < AZC_ARRAY_SIZE(azc_mschap_errors)
	    && azc_mschap_errors[fl.error - 646])
		what = azc_mschap_errors[fl.error - 646];
	else if (fl.error == AZC_MSCHAP_E_CHANGING_PASSWORD)
		what = "the relay wants the token changed";
	if (fl.msg)
		azc_printable(msg, sizeof(msg), fl.msg, fl.msg_len);
	azc_sess_ppp_failed(s, AZC_SESS_E_AUTH,
			    "PPP authentication failed: %s (E=%u)%s%s", what,
			    fl.error, msg[0] ? ": " : "", msg);
}

static void azc_chap_client_input(struct azc_sess *s,
				  const struct azc_ppp_cp *cp)
{
	switch (cp->code) {
	case AZC_CHAP_CHALLENGE:
		azc_chap_respond(s, cp);
		break;
	case AZC_CHAP_SUCCESS:
		if (s->auth_sent && cp->id == s->auth_id)
			azc_chap_success(s, cp);
		break;
	case AZC_CHAP_FAILURE:
		if (s->auth_sent && cp->id == s->auth_id)
			azc_chap_failure(s, cp);
		break;
	}
}

static void azc_pap_request_send(struct azc_sess *s)
{
	struct azc_pap_request r = {
		.peer_id = (const u8 *)s->name,
		.peer_id_len = strlen(s->name),
		.passwd = (const u8 *)s->secret,
		.passwd_len = strlen(s->secret),
	};
	u8 frame[600];

	if (strlen(s->secret) > 255) {
		azc_sess_ppp_failed(s, AZC_SESS_E_AUTH_METHOD,
				    "the token is too long for PAP");
		return;
	}
	s->auth_sent = true;
	azc_auth_send(s, frame, azc_pap_enc_request(frame, sizeof(frame),
						    s->auth_id, &r));
	OPENSSL_cleanse(frame, sizeof(frame));
}

static void azc_pap_client_input(struct azc_sess *s,
				 const struct azc_ppp_cp *cp)
{
	char msg[96] = "";
	const u8 *m;
	u8 mlen;

	if (!s->auth_sent || cp->id != s->auth_id ||
	    azc_pap_dec_reply(cp, &m, &mlen) < 0)
		return;
	if (cp->code == AZC_PAP_AUTH_ACK) {
		memset(s->hlak, 0, sizeof(s->hlak));
		azc_auth_done(s);
		return;
	}
	azc_printable(msg, sizeof(msg), m, mlen);
	azc_sess_ppp_failed(s, AZC_SESS_E_AUTH,
			    "PPP authentication failed: the relay rejected the name or token (PAP%s%s)",
			    msg[0] ? ": " : "", msg);
}

static void azc_sess_auth_start(struct azc_sess *s)
{
	s->phase = AZC_PHASE_AUTH;
	s->auth_tries = 1;
	switch (s->auth) {
	case AZC_PPP_AUTH_MSCHAPV2:
		if (!s->server)
			return;		/* waiting for the challenge */
		if (!azc_sess_random(s, s->challenge, sizeof(s->challenge))) {
			azc_sess_ppp_failed(s, AZC_SESS_E_INTERNAL,
					    "no random challenge");
			return;
		}
		s->auth_id++;
		azc_chap_challenge_send(s);
		s->t_auth = s->now + AZC_SESS_AUTH_RESTART_MS;
		return;
	case AZC_PPP_AUTH_PAP:
		if (s->server)
			return;		/* waiting for the request */
		s->auth_id++;
		azc_pap_request_send(s);
		s->t_auth = s->now + AZC_SESS_AUTH_RESTART_MS;
		return;
	default:
		azc_sess_ppp_failed(s, AZC_SESS_E_AUTH_METHOD,
				    "the relay did not ask this endpoint to authenticate; refusing an unauthenticated link");
		return;
	}
}

static void azc_auth_timer(struct azc_sess *s)
{
	if (s->auth_tries >= AZC_SESS_AUTH_MAX_TRIES) {
		s->t_auth = -1;
		azc_sess_ppp_failed(s, AZC_SESS_E_AUTH,
				    "%s: no answer from the %s to %u %s",
				    azc_sess_auth_name(s->auth),
				    s->server ? "client" : "relay",
				    s->auth_tries,
				    s->server ? "challenges" :
				    "Authenticate-Requests");
		return;
	}
	s->auth_tries++;
	s->t_auth = s->now + AZC_SESS_AUTH_RESTART_MS;
	azc_auth_resend(s);
}

static void azc_sess_auth_input(struct azc_sess *s, u16 proto,
				const u8 *info, size_t len)
{
	struct azc_ppp_cp cp;

	if (azc_ppp_cp_decode(proto, info, len, &cp) < 0) {
		s->info.rx_bad_frames++;
		return;
	}
	if (proto == AZC_PPP_CHAP && s->server)
		azc_chap_server_input(s, &cp);
	else if (proto == AZC_PPP_CHAP)
		azc_chap_client_input(s, &cp);
	else if (s->server)
		azc_pap_server_input(s, &cp);
	else
		azc_pap_client_input(s, &cp);
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
	return (proto == AZC_PPP_CHAP && s->auth == AZC_PPP_AUTH_MSCHAPV2) ||
	       (proto == AZC_PPP_PAP && s->auth == AZC_PPP_AUTH_PAP);
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
		azc_auth_timer(s);
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
	if (!azc_rand_u32(s, &s->magic) ||
	    (azc_ipv6cp_iid_is_zero(s->iid) && !azc_rand_iid(s, s->iid, NULL)) ||
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
