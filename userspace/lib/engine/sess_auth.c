// SPDX-License-Identifier: GPL-2.0-only
/*
 * PPP authentication inside the SSTP session: MS-CHAPv2 (RFC 2759) in
 * both roles, the only method azconnect offers or accepts, with the
 * RFC 3079 keys that feed the crypto binding (the HLAK). The relay checks
 * the endpoint's token; the endpoint checks the relay's authenticator
 * response, which proves the relay knows the token too.
 */

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/util.h"
#include "sess_priv.h"

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
		return azc_sess_rand_iid(s, s->assigned, s->iid);
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
			     "%s: authenticated to the relay (relay proved it knows the token)",
			     azc_sess_auth_name(s->auth));
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

/*
 * Copies a peer name; false when empty, too long, or holding control
 * bytes (a NUL, a newline: nobody's name, and a way to forge log lines).
 */
static bool azc_peer_name(struct azc_sess *s, const u8 *p, size_t n)
{
	size_t i;

	if (!n || n > AZC_SESS_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
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
	if (!azc_peer_name(s, r.name, r.name_len)) {
		/* Said escaped, as the peer chose the bytes. */
		azc_escape(r.name, r.name_len, s->info.peer_name,
			   sizeof(s->info.peer_name));
		why = "invalid name (empty, too long or with control bytes)";
	} else
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
		azc_escape(fl.msg, fl.msg_len, msg, sizeof(msg));
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

void azc_sess_auth_start(struct azc_sess *s)
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
	default:
		azc_sess_ppp_failed(s, AZC_SESS_E_AUTH_METHOD,
				    "the relay did not ask this endpoint to authenticate; refusing an unauthenticated link");
		return;
	}
}

void azc_sess_auth_timer(struct azc_sess *s)
{
	if (s->auth_tries >= AZC_SESS_AUTH_MAX_TRIES) {
		s->t_auth = -1;
		azc_sess_ppp_failed(s, AZC_SESS_E_AUTH,
				    "%s: no answer from the %s to %u %s",
				    azc_sess_auth_name(s->auth),
				    s->server ? "client" : "relay",
				    s->auth_tries,
				    s->server ? "challenges" : "responses");
		return;
	}
	s->auth_tries++;
	s->t_auth = s->now + AZC_SESS_AUTH_RESTART_MS;
	azc_auth_resend(s);
}

void azc_sess_auth_input(struct azc_sess *s, u16 proto,
				const u8 *info, size_t len)
{
	struct azc_ppp_cp cp;

	if (azc_ppp_cp_decode(proto, info, len, &cp) < 0) {
		s->info.rx_bad_frames++;
		return;
	}
	if (proto != AZC_PPP_CHAP)
		return;
	if (s->server)
		azc_chap_server_input(s, &cp);
	else
		azc_chap_client_input(s, &cp);
}
