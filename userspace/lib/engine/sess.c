// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SSTP session engine (see sess.h): its API and configuration, the
 * log and the error that ends a session, the output buffer, the timers,
 * and the input loop that hands bytes to the HTTP stage (sess_http.c) and
 * then to SSTP (sess_sstp.c).
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "base/util.h"
#include "sess_priv.h"

static const char * const azc_sess_states[] = {
	[AZC_SESS_NEGOTIATING] = "negotiating",
	[AZC_SESS_CONNECTED] = "connected",
	[AZC_SESS_CLOSING] = "closing",
	[AZC_SESS_CLOSED] = "closed",
	[AZC_SESS_FAILED] = "failed",
};

const char *azc_sess_state_name(enum azc_sess_state st)
{
	if ((unsigned int)st >= AZC_ARRAY_SIZE(azc_sess_states))
		return "?";
	return azc_sess_states[st];
}

const char *azc_sess_hash_name(u8 hash)
{
	switch (hash) {
	case AZC_SSTP_HASH_SHA1:
		return "SHA-1";
	case AZC_SSTP_HASH_SHA256:
		return "SHA-256";
	case AZC_SSTP_HASH_SHA1 | AZC_SSTP_HASH_SHA256:
		return "SHA-256 and SHA-1";
	}
	return "none";
}

const char *azc_sess_who(const struct azc_sess *s)
{
	return s->server ? "client" : "relay";
}

void azc_sess_set_log(struct azc_sess *s,
		      void (*log)(void *ctx, enum azc_sess_log_level level,
				  const char *msg), void *ctx)
{
	s->cfg.log = log;
	s->cfg.log_ctx = ctx;
}

void azc_sess_orphan(struct azc_sess *s)
{
	s->cfg.ctx = NULL;
	s->cfg.lookup_secret = NULL;
	s->cfg.assign_iid = NULL;
	s->cfg.rx_ipv6 = NULL;
	s->cfg.random = NULL;
}

void azc_sess_log(struct azc_sess *s, enum azc_sess_log_level level,
		  const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	if (!s->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->cfg.log(s->cfg.log_ctx ? s->cfg.log_ctx : s->cfg.ctx, level, msg);
}

/* The first error is the one reported. */
void azc_sess_vset_error(struct azc_sess *s, enum azc_sess_err code,
			 const char *fmt, va_list ap)
{
	if (s->err.code != AZC_SESS_E_NONE)
		return;
	s->err.code = code;
	vsnprintf(s->err.msg, sizeof(s->err.msg), fmt, ap);
	/* Ending in order: a local close, or the peer's after CONNECTED */
	s->failed = !(code == AZC_SESS_E_LOCAL ||
		      (code == AZC_SESS_E_PEER_DISCONNECT && s->was_up));
	/* The caller reports it once, from azc_sess_error(), at the end */
	azc_sess_log(s, AZC_SESS_LOG_DEBUG, "%s", s->err.msg);
}

void azc_sess_set_error(struct azc_sess *s, enum azc_sess_err code,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	azc_sess_vset_error(s, code, fmt, ap);
	va_end(ap);
}

bool azc_sess_random(struct azc_sess *s, void *buf, size_t len)
{
	int ok;

	if (s->cfg.random)
		ok = s->cfg.random(s->cfg.ctx, buf, len) == 0;
	else
		ok = RAND_bytes(buf, (int)len) == 1;
	if (!ok)
		azc_sess_set_error(s, AZC_SESS_E_INTERNAL,
				   "no random bytes available");
	return ok;
}

bool azc_sess_closing(const struct azc_sess *s)
{
	return s->sst >= AZC_SST_ABORT_PENDING;
}

/* Output buffer */

void azc_sess_done(struct azc_sess *s)
{
	s->sst = AZC_SST_DONE;
	s->up = false;
	s->t_nego = s->t_echo = s->t_sstp = s->t_auth = -1;
	azc_sess_log(s, AZC_SESS_LOG_DEBUG, "session %s",
		     s->failed ? "failed" : "closed");
}

bool azc_sess_room(struct azc_sess *s, size_t n)
{
	if (AZC_SESS_OUT_MAX - s->out_head - s->out_len >= n)
		return true;
	memmove(s->out, s->out + s->out_head, s->out_len);
	s->out_head = 0;
	if (AZC_SESS_OUT_MAX - s->out_len >= n)
		return true;
	azc_sess_set_error(s, AZC_SESS_E_INTERNAL,
			   "output buffer full: the %s does not read",
			   azc_sess_who(s));
	return false;
}

void azc_sess_put(struct azc_sess *s, const void *p, size_t n)
{
	memcpy(s->out + s->out_head + s->out_len, p, n);
	s->out_len += n;
	s->info.tx_bytes += n;
}

bool azc_sess_push(struct azc_sess *s, const void *p, size_t n)
{
	if (!azc_sess_room(s, n)) {
		azc_sess_done(s);
		return false;
	}
	azc_sess_put(s, p, n);
	return true;
}

const uint8_t *azc_sess_out_peek(const struct azc_sess *s, size_t *len)
{
	*len = s->out_len;
	return s->out + s->out_head;
}

void azc_sess_out_consume(struct azc_sess *s, size_t n)
{
	if (n > s->out_len)
		n = s->out_len;
	s->out_head += n;
	s->out_len -= n;
	if (!s->out_len)
		s->out_head = 0;
}

void azc_sess_close(struct azc_sess *s, const char *reason, int64_t now_ms)
{
	s->now = now_ms;
	if (azc_sess_closing(s))
		return;
	azc_sess_set_error(s, AZC_SESS_E_LOCAL, "closed locally: %s",
			   reason ? reason : "no reason given");
	azc_sess_ppp_close(s, reason ? reason : "closed");
	azc_sess_disconnect(s);
}

void azc_sess_eof(struct azc_sess *s, int64_t now_ms)
{
	s->now = now_ms;
	if (s->sst == AZC_SST_DONE)
		return;
	if (!azc_sess_closing(s) && s->up)
		azc_sess_set_error(s, AZC_SESS_E_EOF,
				   "the %s closed the connection without CALL_DISCONNECT",
				   azc_sess_who(s));
	else if (!azc_sess_closing(s))
		azc_sess_set_error(s, AZC_SESS_E_EOF,
				   "the %s closed the connection (%s)",
				   azc_sess_who(s), azc_sess_ppp_progress(s));
	azc_sess_done(s);
}

/* Connected: Call Connected and IPV6CP opened */
void azc_sess_check_connected(struct azc_sess *s)
{
	const struct azc_sess_info *i = &s->info;
	char l[AZC_IID_STRLEN], p[AZC_IID_STRLEN];

	if (s->up || s->sst != AZC_SST_CALL_CONNECTED ||
	    !azc_fsm_is_opened(&s->ipv6cp))
		return;
	s->up = s->was_up = true;
	s->t_nego = -1;
	s->t_echo = s->now + s->cfg.echo_ms;
	s->echo_unanswered = 0;
	azc_iid_format(i->local_iid, l, sizeof(l));
	azc_iid_format(i->peer_iid, p, sizeof(p));
	azc_sess_log(s, AZC_SESS_LOG_INFO,
		     "connected%s%s: MS-CHAPv2, crypto binding %s, MRU %u/%u, fe80::%s <-> fe80::%s",
		     i->peer_name[0] ? " endpoint " : "", i->peer_name,
		     azc_sess_hash_name(i->hash_proto), i->mru, i->peer_mru, l, p);
	if (s->cfg.handoff)
		s->stopped = true;
}

static bool azc_sess_can_consume(const struct azc_sess *s)
{
	return s->sst != AZC_SST_IDLE && s->sst != AZC_SST_DONE &&
	       !s->stopped &&
	       AZC_SESS_OUT_MAX - s->out_len >= AZC_SESS_OUT_RESERVE;
}

ssize_t azc_sess_input(struct azc_sess *s, const void *buf, size_t len,
		       int64_t now_ms)
{
	const u8 *p = buf;
	size_t used = 0;

	s->now = now_ms;
	while (used < len && azc_sess_can_consume(s)) {
		if (s->sst == AZC_SST_HTTP)
			used += azc_sess_http_input(s, p + used, len - used);
		else
			used += azc_sess_sstp_input(s, p + used, len - used);
	}
	s->info.rx_bytes += used;
	if (used && s->up) {
		s->t_echo = s->now + s->cfg.echo_ms;
		s->echo_unanswered = 0;
	}
	return (ssize_t)used;
}

static bool azc_expired(int64_t t, int64_t now)
{
	return t >= 0 && now >= t;
}

void azc_sess_tick(struct azc_sess *s, int64_t now_ms)
{
	s->now = now_ms;
	if (s->sst == AZC_SST_DONE || s->stopped)
		return;
	if (azc_sess_closing(s)) {
		if (azc_expired(s->t_sstp, now_ms))
			azc_sess_done(s);
		return;
	}
	azc_sess_ppp_tick(s);
	if (azc_sess_closing(s) || s->sst == AZC_SST_DONE)
		return;
	if (azc_expired(s->t_nego, now_ms))
		azc_sess_nego_timeout(s);
	else if (azc_expired(s->t_echo, now_ms))
		azc_sess_echo_timer(s);
}

static int64_t azc_min_deadline(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

int64_t azc_sess_next_deadline(const struct azc_sess *s)
{
	int64_t t;

	if (s->sst == AZC_SST_DONE || s->stopped)
		return -1;
	if (azc_sess_closing(s))
		return s->t_sstp;
	t = azc_min_deadline(s->t_nego, s->t_echo);
	return azc_min_deadline(t, azc_sess_ppp_deadline(s));
}

/* API */

enum azc_sess_state azc_sess_state(const struct azc_sess *s)
{
	if (s->sst == AZC_SST_DONE)
		return s->failed ? AZC_SESS_FAILED : AZC_SESS_CLOSED;
	if (azc_sess_closing(s))
		return AZC_SESS_CLOSING;
	return s->up ? AZC_SESS_CONNECTED : AZC_SESS_NEGOTIATING;
}

bool azc_sess_authenticated(const struct azc_sess *s)
{
	return s->auth_ok;
}

const struct azc_sess_error *azc_sess_error(const struct azc_sess *s)
{
	return s->err.code == AZC_SESS_E_NONE ? NULL : &s->err;
}

const struct azc_sess_info *azc_sess_info(const struct azc_sess *s)
{
	return &s->info;
}

int azc_sess_hlak(const struct azc_sess *s, uint8_t *hlak)
{
	if (!s->auth_ok)
		return -EAGAIN;
	memcpy(hlak, s->hlak, AZC_CB_HLAK_LEN);
	return 0;
}

int azc_sess_send_ipv6(struct azc_sess *s, const void *pkt, size_t len)
{
	u8 frame[AZC_SSTP_MAX_DATA];
	size_t max = s->info.peer_mru;

	if (!s->up || s->stopped)
		return -ENOTCONN;
	if (max > AZC_SESS_MRU_MAX)
		max = AZC_SESS_MRU_MAX;
	if (len > max)
		return -EMSGSIZE;
	if (AZC_SESS_OUT_MAX - s->out_len < len + 8)
		return -ENOBUFS;
	azc_ppp_put_hdr(frame, sizeof(frame), AZC_PPP_IPV6);
	memcpy(frame + AZC_PPP_HDR_LEN, pkt, len);
	return azc_sess_send_ppp(s, frame, AZC_PPP_HDR_LEN + len) ? 0 :
	       -ENOBUFS;
}

size_t azc_sess_take_pending(struct azc_sess *s, const uint8_t **data)
{
	size_t n = s->sst == AZC_SST_HTTP ? 0 : s->rx_len;

	*data = s->rx;
	s->rx_len = 0;
	s->stopped = true;
	return n;
}

int azc_sess_start(struct azc_sess *s, int64_t now_ms)
{
	u8 guid[16], ids[2];
	char buf[512];
	int n;

	if (s->sst != AZC_SST_IDLE)
		return -EALREADY;
	s->now = now_ms;
	if (!azc_sess_random(s, ids, sizeof(ids))) {
		azc_sess_done(s);
		return -EIO;
	}
	azc_sess_ppp_init(s, ids[0], ids[1]);
	if (s->sst == AZC_SST_DONE)
		return -EIO;
	s->sst = AZC_SST_HTTP;
	s->t_nego = now_ms + s->cfg.negotiation_ms;
	if (s->server)
		return 0;
	if (!azc_sess_random(s, guid, sizeof(guid))) {
		azc_sess_done(s);
		return -EIO;
	}
	guid[6] = (guid[6] & 0x0f) | 0x40;
	guid[8] = (guid[8] & 0x3f) | 0x80;
	n = azc_http_build_request_guid(buf, sizeof(buf), s->host, guid);
	if (n < 0)
		return -EINVAL;
	azc_sess_push(s, buf, n);
	azc_sess_log(s, AZC_SESS_LOG_INFO, "HTTP SSTP_DUPLEX_POST to %s",
		     s->host);
	return 0;
}

/* Copies @src (may be NULL) into @dst; false when it does not fit. */
static bool azc_copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		return false;
	memcpy(dst, src ? src : "", n + 1);
	return true;
}

static bool azc_sess_cfg_ok(const struct azc_sess_cfg *c)
{
	const u8 hashes = AZC_SSTP_HASH_SHA1 | AZC_SSTP_HASH_SHA256;

	if (c->role != AZC_SESS_CLIENT && c->role != AZC_SESS_SERVER)
		return false;
	if (c->hash_mask & ~hashes)
		return false;
	if (c->mru && (c->mru < AZC_SESS_MRU_MIN || c->mru > AZC_SESS_MRU_MAX))
		return false;
	if (!c->cert_der || !c->cert_der_len ||
	    c->cert_der_len > AZC_SESS_CERT_MAX)
		return false;
	if (c->role == AZC_SESS_SERVER)
		return c->lookup_secret;
	return c->name && c->name[0] && c->secret && c->host;
}

/* Defaults and private copies of the configuration. */
static int azc_sess_setup(struct azc_sess *s, const struct azc_sess_cfg *c)
{
	s->cfg = *c;
	s->server = c->role == AZC_SESS_SERVER;
	if (!azc_copy_str(s->name, sizeof(s->name),
			  c->name ? c->name : (s->server ? "azconnect" : "")) ||
	    !azc_copy_str(s->secret, sizeof(s->secret), c->secret) ||
	    !azc_copy_str(s->host, sizeof(s->host), c->host))
		return -EINVAL;
	s->cfg.name = s->name;
	s->cfg.secret = s->secret;
	s->cfg.host = s->host;
	if (!s->cfg.hash_mask)
		s->cfg.hash_mask = AZC_SSTP_HASH_SHA1 | AZC_SSTP_HASH_SHA256;
	if (!s->cfg.mru)
		s->cfg.mru = AZC_PPP_DEFAULT_MRU;
	if (!s->cfg.negotiation_ms)
		s->cfg.negotiation_ms = AZC_SESS_NEGOTIATION_MS;
	if (!s->cfg.echo_ms)
		s->cfg.echo_ms = AZC_SESS_ECHO_MS;
	if (!s->cfg.echo_max)
		s->cfg.echo_max = AZC_SESS_ECHO_MAX;
	s->cert = malloc(c->cert_der_len);
	if (!s->cert)
		return -ENOMEM;
	memcpy(s->cert, c->cert_der, c->cert_der_len);
	s->cert_len = c->cert_der_len;
	s->cfg.cert_der = s->cert;
	if (s->server)
		return 0;
	/* The client's NtPasswordHash; checks the token is UTF-8 */
	if (azc_mschap_nt_hash(s->secret, s->nt_hash))
		return -EINVAL;
	s->have_nt_hash = true;
	return 0;
}

struct azc_sess *azc_sess_new(const struct azc_sess_cfg *cfg)
{
	struct azc_sess *s;
	int ret;

	if (!cfg || !azc_sess_cfg_ok(cfg)) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->t_nego = s->t_echo = s->t_sstp = s->t_auth = -1;
	ret = azc_sess_setup(s, cfg);
	if (ret) {
		azc_sess_free(s);
		errno = -ret;
		return NULL;
	}
	return s;
}

void azc_sess_free(struct azc_sess *s)
{
	if (!s)
		return;
	free(s->cert);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}
