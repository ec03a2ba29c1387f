// SPDX-License-Identifier: GPL-2.0-only
/*
 * IPV6CP (RFC 5072) inside the SSTP session: the interface identifiers.
 * Both sides send their own (pppd requires it); the relay assigns the
 * client's with a Configure-Nak and keeps its own, as it is the router.
 */

#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "sess_priv.h"

/* A random identifier, not zero and unlike @other (may be NULL). */
bool azc_sess_rand_iid(struct azc_sess *s, u8 *iid, const u8 *other)
{
	do {
		if (!azc_sess_random(s, iid, AZC_IPV6CP_IID_LEN))
			return false;
		iid[0] &= ~0x02;	/* "u" bit clear: not a global EUI */
	} while (azc_ipv6cp_iid_is_zero(iid) ||
		 (other && !memcmp(iid, other, AZC_IPV6CP_IID_LEN)));
	return true;
}

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
	char a[AZC_IID_STRLEN], p[AZC_IID_STRLEN];

	if (s->ipv6cp.naks_sent >= s->ipv6cp.max_failure) {
		azc_iid_format(s->assigned, a, sizeof(a));
		if (proposed)
			azc_iid_format(proposed, p, sizeof(p));
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
		if (!azc_sess_rand_iid(s, iid, s->iid))
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
	return azc_sess_rand_iid(s, s->iid, s->peer_iid) ? 0 : -1;
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
	char l[AZC_IID_STRLEN], p[AZC_IID_STRLEN];

	memcpy(s->info.local_iid, s->iid, AZC_IPV6CP_IID_LEN);
	memcpy(s->info.peer_iid, s->peer_iid, AZC_IPV6CP_IID_LEN);
	azc_iid_format(s->iid, l, sizeof(l));
	azc_iid_format(s->peer_iid, p, sizeof(p));
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
	char t[AZC_IID_STRLEN];

	(void)f;
	if (azc_ipv6cp_opt_iid(opt, iid) < 0)
		return 0;
	azc_iid_format(iid, t, sizeof(t));
	return snprintf(buf, size, "iid %s", t);
}

const struct azc_fsm_ops azc_ipv6cp_ops = {
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
