// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SSTP session engine: the API, the HTTP exchange, SSTP framing and
 * control messages (MS-SSTP 3.1-3.3), timers and the output buffer. PPP
 * lives in sess_ppp.c.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "sess_priv.h"

static const char * const azc_sess_states[] = {
	[AZC_SESS_NEGOTIATING] = "negotiating",
	[AZC_SESS_CONNECTED] = "connected",
	[AZC_SESS_CLOSING] = "closing",
	[AZC_SESS_CLOSED] = "closed",
	[AZC_SESS_FAILED] = "failed",
};

static const char * const azc_sstp_statuses[] = {
	"NO_ERROR", "DUPLICATE_ATTRIBUTE", "UNRECOGNIZED_ATTRIBUTE",
	"INVALID_ATTRIB_VALUE_LENGTH", "VALUE_NOT_SUPPORTED",
	"UNACCEPTED_FRAME_RECEIVED", "RETRY_COUNT_EXCEEDED",
	"INVALID_FRAME_RECEIVED", "NEGOTIATION_TIMEOUT",
	"ATTRIB_NOT_SUPPORTED_IN_MSG", "REQUIRED_ATTRIBUTE_MISSING",
	"STATUS_INFO_NOT_SUPPORTED_IN_MSG",
};

static const char * const azc_sstp_attrs[] = {
	"NO_ERROR", "ENCAPSULATED_PROTOCOL_ID", "STATUS_INFO",
	"CRYPTO_BINDING", "CRYPTO_BINDING_REQ",
};

#define AZC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *azc_sess_state_name(enum azc_sess_state st)
{
	if ((unsigned int)st >= AZC_ARRAY_SIZE(azc_sess_states))
		return "?";
	return azc_sess_states[st];
}

static const char *azc_status_name(u32 status)
{
	return status < AZC_ARRAY_SIZE(azc_sstp_statuses) ?
	       azc_sstp_statuses[status] : "unknown status";
}

static const char *azc_attr_name(u8 id)
{
	return id < AZC_ARRAY_SIZE(azc_sstp_attrs) ? azc_sstp_attrs[id] :
	       "unknown attribute";
}

static const char *azc_hash_name(u8 hash)
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

static const char *azc_who(const struct azc_sess *s)
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
void azc_sess_set_error(struct azc_sess *s, enum azc_sess_err code,
			const char *fmt, ...)
{
	va_list ap;

	if (s->err.code != AZC_SESS_E_NONE)
		return;
	s->err.code = code;
	va_start(ap, fmt);
	vsnprintf(s->err.msg, sizeof(s->err.msg), fmt, ap);
	va_end(ap);
	/* Ending in order: a local close, or the peer's after CONNECTED */
	s->failed = !(code == AZC_SESS_E_LOCAL ||
		      (code == AZC_SESS_E_PEER_DISCONNECT && s->was_up));
	/* The caller reports it once, from azc_sess_error(), at the end */
	azc_sess_log(s, AZC_SESS_LOG_DEBUG, "%s", s->err.msg);
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

static void azc_sess_done(struct azc_sess *s)
{
	s->sst = AZC_SST_DONE;
	s->up = false;
	s->t_nego = s->t_echo = s->t_sstp = s->t_auth = -1;
	azc_sess_log(s, AZC_SESS_LOG_DEBUG, "session %s",
		     s->failed ? "failed" : "closed");
}

static bool azc_sess_room(struct azc_sess *s, size_t n)
{
	if (AZC_SESS_OUT_MAX - s->out_head - s->out_len >= n)
		return true;
	memmove(s->out, s->out + s->out_head, s->out_len);
	s->out_head = 0;
	if (AZC_SESS_OUT_MAX - s->out_len >= n)
		return true;
	azc_sess_set_error(s, AZC_SESS_E_INTERNAL,
			   "output buffer full: the %s does not read",
			   azc_who(s));
	return false;
}

static void azc_sess_put(struct azc_sess *s, const void *p, size_t n)
{
	memcpy(s->out + s->out_head + s->out_len, p, n);
	s->out_len += n;
	s->info.tx_bytes += n;
}

static bool azc_sess_push(struct azc_sess *s, const void *p, size_t n)
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

/* A PPP frame in an SSTP data packet, when the call state allows it. */
bool azc_sess_send_ppp(struct azc_sess *s, const u8 *frame, size_t len)
{
	u8 hdr[AZC_SSTP_HDR_LEN];

	if (s->sst != AZC_SST_CONNECTED_PENDING &&
	    s->sst != AZC_SST_CALL_CONNECTED)
		return false;
	if (azc_sstp_enc_data_hdr(hdr, sizeof(hdr), len) < 0)
		return false;
	if (!azc_sess_room(s, sizeof(hdr) + len)) {
		azc_sess_done(s);
		return false;
	}
	azc_sess_put(s, hdr, sizeof(hdr));
	azc_sess_put(s, frame, len);
	return true;
}

static void azc_sess_send_ctrl(struct azc_sess *s, const u8 *msg, int len)
{
	struct azc_sstp_ctrl m;

	if (len <= 0)
		return;
	if (azc_sstp_ctrl_decode(msg, len, &m) == 0)
		azc_sess_log(s, AZC_SESS_LOG_DEBUG, "SSTP sent %s",
			     azc_sstp_msg_name(m.type));
	azc_sess_push(s, msg, len);
}

/* Ending the call (MS-SSTP 3.1.5.1, 3.2.5.3.4-6) */

static void azc_sess_enter(struct azc_sess *s, enum azc_sst st,
			   unsigned int ms)
{
	s->sst = st;
	s->up = false;
	s->phase = AZC_PHASE_DEAD;
	s->t_nego = s->t_echo = s->t_auth = -1;
	s->t_sstp = s->now + ms;
}

/* Sends CALL_ABORT with one Status Info and waits for the peer's. */
static void azc_sess_send_abort(struct azc_sess *s, u8 attr, u32 status,
				const u8 *value, size_t vlen)
{
	struct azc_sstp_status_info si = {
		.attr_id = attr,
		.status = status,
		.value = value,
		.value_len = vlen > AZC_SSTP_STATUS_VALUE_MAX ?
			     AZC_SSTP_STATUS_VALUE_MAX : vlen,
	};
	u8 buf[AZC_SSTP_CTRL_HDR_LEN + AZC_SSTP_ATTR_STATUS_MIN +
	       AZC_SSTP_STATUS_VALUE_MAX];

	if (azc_sess_closing(s))
		return;
	if (s->sst <= AZC_SST_HTTP) {
		azc_sess_done(s);
		return;
	}
	azc_sess_send_ctrl(s, buf, azc_sstp_enc_abort(buf, sizeof(buf), &si));
	if (s->sst != AZC_SST_DONE)
		azc_sess_enter(s, AZC_SST_ABORT_PENDING, AZC_SESS_ABORT1_MS);
}

static void azc_sess_abort(struct azc_sess *s, enum azc_sess_err code,
			   u32 status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void azc_sess_abort(struct azc_sess *s, enum azc_sess_err code,
			   u32 status, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	azc_sess_set_error(s, code, "%s", msg);
	azc_sess_send_abort(s, AZC_SSTP_ATTR_NO_ERROR, status, NULL, 0);
}

/* Sends CALL_DISCONNECT and waits for its acknowledgment. */
static void azc_sess_disconnect(struct azc_sess *s)
{
	struct azc_sstp_status_info si = { .status = AZC_SSTP_STATUS_NO_ERROR };
	u8 buf[AZC_SSTP_CTRL_HDR_LEN + AZC_SSTP_ATTR_STATUS_MIN];

	if (azc_sess_closing(s))
		return;
	if (s->sst <= AZC_SST_HTTP) {
		azc_sess_done(s);
		return;
	}
	azc_sess_send_ctrl(s, buf,
			   azc_sstp_enc_disconnect(buf, sizeof(buf), &si));
	if (s->sst != AZC_SST_DONE)
		azc_sess_enter(s, AZC_SST_DISC_ACK_PENDING, AZC_SESS_DISC1_MS);
}

void azc_sess_ppp_failed(struct azc_sess *s, enum azc_sess_err code,
			 const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	azc_sess_set_error(s, code, "%s", msg);
	azc_sess_disconnect(s);
}

/*
 * MS-SSTP 3.1.5.1: close without sending anything more. When another
 * error came first (a call already ending) that one stays reported.
 */
static void azc_sess_drop(struct azc_sess *s, const char *why)
{
	azc_sess_set_error(s, AZC_SESS_E_FRAMING,
			   "SSTP stream from the %s cannot be delineated (%s): dropping the connection",
			   azc_who(s), why);
	s->err.drop = s->err.code == AZC_SESS_E_FRAMING;
	s->out_head = s->out_len = 0;
	azc_sess_done(s);
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
				   azc_who(s));
	else if (!azc_sess_closing(s))
		azc_sess_set_error(s, AZC_SESS_E_EOF,
				   "the %s closed the connection (%s)",
				   azc_who(s), azc_sess_ppp_progress(s));
	azc_sess_done(s);
}

/* Connected: Call Connected and IPV6CP opened */
void azc_sess_check_connected(struct azc_sess *s)
{
	const struct azc_sess_info *i = &s->info;

	if (s->up || s->sst != AZC_SST_CALL_CONNECTED ||
	    !azc_fsm_is_opened(&s->ipv6cp))
		return;
	s->up = s->was_up = true;
	s->t_nego = -1;
	s->t_echo = s->now + s->cfg.echo_ms;
	s->echo_unanswered = 0;
	azc_sess_log(s, AZC_SESS_LOG_INFO,
		     "connected%s%s: %s, crypto binding %s, MRU %u/%u, fe80::%02x%02x:%02x%02x:%02x%02x:%02x%02x <-> fe80::%02x%02x:%02x%02x:%02x%02x:%02x%02x",
		     i->peer_name[0] ? " endpoint " : "", i->peer_name,
		     i->auth == AZC_SESS_AUTH_PAP ? "PAP" : "MS-CHAPv2",
		     azc_hash_name(i->hash_proto), i->mru, i->peer_mru,
		     i->local_iid[0], i->local_iid[1], i->local_iid[2],
		     i->local_iid[3], i->local_iid[4], i->local_iid[5],
		     i->local_iid[6], i->local_iid[7], i->peer_iid[0],
		     i->peer_iid[1], i->peer_iid[2], i->peer_iid[3],
		     i->peer_iid[4], i->peer_iid[5], i->peer_iid[6],
		     i->peer_iid[7]);
	if (s->cfg.handoff)
		s->stopped = true;
}

/* Client: CALL_CONNECTED with the crypto binding, after PPP auth. */
void azc_sess_send_connected(struct azc_sess *s)
{
	u8 msg[AZC_SSTP_CONNECTED_LEN];

	if (s->server || s->sst != AZC_SST_CONNECTED_PENDING)
		return;
	if (azc_cb_build_connected(s->hash_proto, s->hlak, s->nonce, s->cert,
				   s->cert_len, msg)) {
		azc_sess_abort(s, AZC_SESS_E_INTERNAL,
			       AZC_SSTP_STATUS_NO_ERROR,
			       "cannot compute the crypto binding");
		return;
	}
	azc_sess_send_ctrl(s, msg, sizeof(msg));
	if (s->sst == AZC_SST_DONE)
		return;
	s->sst = AZC_SST_CALL_CONNECTED;
	s->info.hash_proto = s->hash_proto;
	azc_sess_log(s, AZC_SESS_LOG_INFO,
		     "SSTP sent CALL_CONNECTED (crypto binding %s)",
		     azc_hash_name(s->hash_proto));
}

/* HTTP */

static void azc_sess_http_failed(struct azc_sess *s, int ret,
				 const struct azc_http_response *resp)
{
	char buf[256];
	int n, st;

	if (!s->server) {
		if (ret == -AZC_HTTP_E_STATUS)
			azc_sess_set_error(s, AZC_SESS_E_HTTP,
					   "the relay answered HTTP %d to SSTP_DUPLEX_POST (not an SSTP relay, or SSTP disabled)",
					   resp->status);
		else
			azc_sess_set_error(s, AZC_SESS_E_HTTP,
					   "malformed HTTP response from the relay: %s",
					   azc_http_strerror(ret));
		azc_sess_done(s);
		return;
	}
	st = azc_http_err_status(ret);
	n = azc_http_build_error(buf, sizeof(buf), st ? st : 400);
	if (n > 0)
		azc_sess_push(s, buf, n);
	azc_sess_set_error(s, AZC_SESS_E_HTTP,
			   "HTTP request refused (%d): %s", st ? st : 400,
			   azc_http_strerror(ret));
	azc_sess_done(s);
}

static void azc_sess_http_done(struct azc_sess *s,
			       const struct azc_http_request *req)
{
	char buf[256];
	u8 msg[AZC_SSTP_CTRL_HDR_LEN + AZC_SSTP_ATTR_PROTO_LEN];
	int n;

	s->sst = AZC_SST_CONNECT_PENDING;
	s->t_nego = s->now + s->cfg.negotiation_ms;
	if (s->server) {
		azc_sess_log(s, AZC_SESS_LOG_INFO,
			     "HTTP SSTP_DUPLEX_POST for host %s, correlation id %s", req->host,
			     req->correlation_id[0] ? req->correlation_id :
			     "none");
		n = azc_http_build_response(buf, sizeof(buf), time(NULL));
		if (n > 0)
			azc_sess_push(s, buf, n);
		return;
	}
	azc_sess_log(s, AZC_SESS_LOG_INFO, "HTTP 200 from the relay");
	azc_sess_send_ctrl(s, msg,
			   azc_sstp_enc_connect_request(msg, sizeof(msg)));
}

static size_t azc_sess_http_input(struct azc_sess *s, const u8 *p, size_t n)
{
	struct azc_http_response resp = { 0 };
	struct azc_http_request req = { 0 };
	size_t prev = s->http_len, take;
	int ret;

	take = sizeof(s->http) - prev;
	if (take > n)
		take = n;
	memcpy(s->http + prev, p, take);
	s->http_len += take;
	if (s->server)
		ret = azc_http_parse_request((const char *)s->http,
					     s->http_len, &req);
	else
		ret = azc_http_parse_response((const char *)s->http,
					      s->http_len, &resp);
	if (ret == -AZC_HTTP_E_NEED_MORE)
		return take;
	if (ret < 0) {
		azc_sess_http_failed(s, ret, &resp);
		return take;
	}
	/* Bytes past the header block are SSTP: not consumed here */
	azc_sess_http_done(s, &req);
	return (size_t)ret - prev;
}

/* SSTP control messages */

/* Abort for a control message that does not decode (3.1.5.1). */
static void azc_sess_ctrl_invalid(struct azc_sess *s, int err,
				  const struct azc_sstp_ctrl *m)
{
	int st = azc_sstp_err_status(err);

	azc_sess_set_error(s, AZC_SESS_E_PROTOCOL,
			   "invalid SSTP control packet from the %s (%s): %s",
			   azc_who(s), azc_sstp_msg_name(m->type),
			   azc_sstp_strerror(err));
	azc_sess_send_abort(s, m->err_attr_id,
			    st < 0 ? AZC_SSTP_STATUS_INVALID_FRAME_RECEIVED : st,
			    m->err_attr_value, m->err_attr_len);
}

static void azc_sess_unexpected(struct azc_sess *s,
				const struct azc_sstp_ctrl *m)
{
	azc_sess_abort(s, AZC_SESS_E_PROTOCOL,
		       AZC_SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED,
		       "unexpected SSTP %s from the %s (%s)",
		       azc_sstp_msg_name(m->type), azc_who(s),
		       azc_sess_ppp_progress(s));
}

/* An error in an attribute of a CALL_CONNECT_REQUEST earns a NAK. */
static bool azc_attr_err(int err)
{
	switch (-err) {
	case AZC_SSTP_E_ATTR_DUPLICATE:
	case AZC_SSTP_E_ATTR_UNKNOWN:
	case AZC_SSTP_E_ATTR_LENGTH:
	case AZC_SSTP_E_ATTR_VALUE:
	case AZC_SSTP_E_ATTR_NOT_IN_MSG:
	case AZC_SSTP_E_STATUS_NOT_IN_MSG:
	case AZC_SSTP_E_ATTR_MISSING:
		return true;
	}
	return false;
}

/* Server: CALL_CONNECT_NAK, a few times, then abort (3.3.5.2.2). */
static void azc_sess_connect_nak(struct azc_sess *s,
				 const struct azc_sstp_status_info *si)
{
	u8 buf[AZC_SSTP_CTRL_HDR_LEN + AZC_SSTP_ATTR_STATUS_MIN +
	       AZC_SSTP_STATUS_VALUE_MAX];

	if (++s->connect_naks > AZC_SESS_MAX_CONNECT_NAKS) {
		azc_sess_abort(s, AZC_SESS_E_PROTOCOL,
			       AZC_SSTP_STATUS_RETRY_COUNT_EXCEEDED,
			       "the client sent %u unacceptable CALL_CONNECT_REQUESTs",
			       s->connect_naks);
		return;
	}
	azc_sess_log(s, AZC_SESS_LOG_WARN,
		     "SSTP CALL_CONNECT_REQUEST refused: %s (attribute %s)",
		     azc_status_name(si->status), azc_attr_name(si->attr_id));
	azc_sess_send_ctrl(s, buf, azc_sstp_enc_connect_nak(buf, sizeof(buf),
							     si));
}

static void azc_sess_bad_connect_request(struct azc_sess *s, int err,
					 const struct azc_sstp_ctrl *m)
{
	struct azc_sstp_status_info si = {
		.attr_id = m->err_attr_id,
		.status = azc_sstp_err_status(err),
		.value = m->err_attr_value,
		.value_len = m->err_attr_len > AZC_SSTP_STATUS_VALUE_MAX ?
			     AZC_SSTP_STATUS_VALUE_MAX : m->err_attr_len,
	};

	if (err == -AZC_SSTP_E_ATTR_MISSING)
		si.attr_id = AZC_SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID;
	azc_sess_connect_nak(s, &si);
}

static void azc_sess_connect_request(struct azc_sess *s,
				     const struct azc_sstp_ctrl *m)
{
	struct azc_sstp_status_info si = {
		.attr_id = AZC_SSTP_ATTR_STATUS_INFO,
		.status = AZC_SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG,
	};
	u8 buf[AZC_SSTP_CTRL_HDR_LEN + AZC_SSTP_ATTR_CB_REQ_LEN];

	if (m->n_status && m->status.status != AZC_SSTP_STATUS_NO_ERROR) {
		azc_sess_connect_nak(s, &si);
		return;
	}
	if (!azc_sess_random(s, s->nonce, sizeof(s->nonce))) {
		azc_sess_abort(s, AZC_SESS_E_INTERNAL,
			       AZC_SSTP_STATUS_NO_ERROR, "no random nonce");
		return;
	}
	s->hash_offered = s->cfg.hash_mask;
	azc_sess_send_ctrl(s, buf,
			   azc_sstp_enc_connect_ack(buf, sizeof(buf),
						    s->hash_offered, s->nonce));
	if (s->sst == AZC_SST_DONE)
		return;
	azc_sess_log(s, AZC_SESS_LOG_INFO,
		     "SSTP CALL_CONNECT_REQUEST accepted, CALL_CONNECT_ACK sent (crypto binding %s)",
		     azc_hash_name(s->hash_offered));
	s->sst = AZC_SST_CONNECTED_PENDING;
	s->t_nego = s->now + s->cfg.negotiation_ms;
	azc_sess_ppp_start(s);
}

static void azc_sess_connect_ack(struct azc_sess *s,
				 const struct azc_sstp_ctrl *m)
{
	u8 usable = m->cb_req.hash_bitmask & s->cfg.hash_mask;

	if (!usable) {
		azc_sess_set_error(s, AZC_SESS_E_BINDING,
				   "the relay offers crypto binding %s, this endpoint accepts %s",
				   azc_hash_name(m->cb_req.hash_bitmask & 3),
				   azc_hash_name(s->cfg.hash_mask));
		azc_sess_send_abort(s, AZC_SSTP_ATTR_CRYPTO_BINDING_REQ,
				    AZC_SSTP_STATUS_VALUE_NOT_SUPPORTED, NULL,
				    0);
		return;
	}
	s->hash_proto = usable & AZC_SSTP_HASH_SHA256 ? AZC_SSTP_HASH_SHA256 :
			AZC_SSTP_HASH_SHA1;
	memcpy(s->nonce, m->cb_req.nonce, sizeof(s->nonce));
	azc_sess_log(s, AZC_SESS_LOG_INFO,
		     "SSTP CALL_CONNECT_ACK (relay offers %s), starting PPP",
		     azc_hash_name(m->cb_req.hash_bitmask & 3));
	s->sst = AZC_SST_CONNECTED_PENDING;
	s->t_nego = s->now + s->cfg.negotiation_ms;
	azc_sess_ppp_start(s);
}

static void azc_sess_connect_naked(struct azc_sess *s,
				   const struct azc_sstp_ctrl *m)
{
	azc_sess_abort(s, AZC_SESS_E_CONNECT_NAK,
		       AZC_SSTP_STATUS_RETRY_COUNT_EXCEEDED,
		       "SSTP CALL_CONNECT_NAK from relay: status %s (attribute %s)",
		       azc_status_name(m->status.status),
		       azc_attr_name(m->status.attr_id));
}

/* Which part of a CALL_CONNECTED differs; NULL when it is valid. */
static const char *azc_sess_binding_check(struct azc_sess *s,
					  const u8 *pkt,
					  const struct azc_sstp_ctrl *m)
{
	u8 hash[AZC_CB_KEY_LEN], cmk[AZC_CB_KEY_LEN], mac[AZC_CB_KEY_LEN];
	u8 h = m->cb.hash_proto;
	size_t hlen = h == AZC_SSTP_HASH_SHA1 ? 20 : 32;
	int cmk_len, ret;

	if (!(h & s->hash_offered))
		return "hash protocol not offered";
	if (CRYPTO_memcmp(m->cb.nonce, s->nonce, AZC_SSTP_NONCE_LEN))
		return "nonce (not the one this relay sent)";
	if (azc_cb_cert_hash(h, s->cert, s->cert_len, hash))
		return "cannot hash the certificate";
	if (CRYPTO_memcmp(m->cb.cert_hash, hash, hlen))
		return "certificate hash (the client saw another certificate: TLS interception?)";
	cmk_len = azc_cb_cmk(h, s->hlak, cmk);
	ret = cmk_len < 0 ? cmk_len :
	      azc_cb_compound_mac(h, cmk, cmk_len, pkt, mac);
	OPENSSL_cleanse(cmk, sizeof(cmk));
	if (ret)
		return "cannot compute the compound MAC";
	if (CRYPTO_memcmp(m->cb.mac, mac, hlen))
		return "compound MAC (keys differ: man-in-the-middle?)";
	return NULL;
}

static void azc_sess_call_connected(struct azc_sess *s, const u8 *pkt,
				    const struct azc_sstp_ctrl *m)
{
	const char *bad;

	if (!s->auth_ok) {
		azc_sess_abort(s, AZC_SESS_E_PROTOCOL,
			       AZC_SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED,
			       "CALL_CONNECTED before PPP authentication completed");
		return;
	}
	bad = azc_sess_binding_check(s, pkt, m);
	if (bad) {
		azc_sess_set_error(s, AZC_SESS_E_BINDING,
				   "crypto binding mismatch: %s%s%s", bad,
				   s->info.peer_name[0] ? ", endpoint " : "",
				   s->info.peer_name);
		azc_sess_send_abort(s, AZC_SSTP_ATTR_CRYPTO_BINDING,
				    AZC_SSTP_STATUS_VALUE_NOT_SUPPORTED, NULL,
				    0);
		return;
	}
	s->sst = AZC_SST_CALL_CONNECTED;
	s->info.hash_proto = m->cb.hash_proto;
	azc_sess_log(s, AZC_SESS_LOG_INFO,
		     "SSTP CALL_CONNECTED: crypto binding verified (%s)",
		     azc_hash_name(m->cb.hash_proto));
	azc_sess_check_connected(s);
}

static void azc_sess_peer_abort(struct azc_sess *s,
				const struct azc_sstp_ctrl *m)
{
	u8 buf[AZC_SSTP_CTRL_HDR_LEN + AZC_SSTP_ATTR_STATUS_MIN];
	struct azc_sstp_status_info si = { .status = 0 };

	switch (s->sst) {
	case AZC_SST_ABORT_PENDING:
		s->t_sstp = s->now + AZC_SESS_ABORT2_MS;
		s->sst = AZC_SST_ABORT_TIMEOUT;
		return;
	case AZC_SST_ABORT_TIMEOUT:
	case AZC_SST_DISC_TIMEOUT:
		return;
	default:
		break;
	}
	if (m->n_status)
		azc_sess_set_error(s, AZC_SESS_E_PEER_ABORT,
				   "the %s aborted the call: status %s (attribute %s)", azc_who(s),
				   azc_status_name(m->status.status),
				   azc_attr_name(m->status.attr_id));
	else
		azc_sess_set_error(s, AZC_SESS_E_PEER_ABORT,
				   "the %s aborted the call", azc_who(s));
	azc_sess_send_ctrl(s, buf, azc_sstp_enc_abort(buf, sizeof(buf), &si));
	if (s->sst != AZC_SST_DONE)
		azc_sess_enter(s, AZC_SST_ABORT_TIMEOUT, AZC_SESS_ABORT2_MS);
}

static void azc_sess_peer_disconnect(struct azc_sess *s,
				     const struct azc_sstp_ctrl *m)
{
	u8 buf[AZC_SSTP_CTRL_HDR_LEN];

	if (s->sst == AZC_SST_ABORT_PENDING ||
	    s->sst == AZC_SST_ABORT_TIMEOUT || s->sst == AZC_SST_DISC_TIMEOUT)
		return;
	azc_sess_set_error(s, AZC_SESS_E_PEER_DISCONNECT,
			   "the %s disconnected%s%s (%s%s%s)", azc_who(s),
			   m->n_status ? ": status " : "",
			   m->n_status ? azc_status_name(m->status.status) : "",
			   s->was_up ? "after CONNECTED" :
			   azc_sess_ppp_progress(s),
			   s->lcp.term_rcvd ? "; PPP terminated: " : "",
			   s->lcp.term_rcvd ? s->lcp.peer_reason : "");
	azc_sess_send_ctrl(s, buf,
			   azc_sstp_enc_disconnect_ack(buf, sizeof(buf)));
	if (s->sst != AZC_SST_DONE)
		azc_sess_enter(s, AZC_SST_DISC_TIMEOUT, AZC_SESS_DISC2_MS);
}

/*
 * Keepalives are logged once CONNECTED (one line a minute at most from a
 * well-behaved peer); before that, a peer that is not yet authenticated
 * could fill the log with them.
 */
static enum azc_sess_log_level azc_sess_echo_level(const struct azc_sess *s)
{
	return s->up ? AZC_SESS_LOG_INFO : AZC_SESS_LOG_DEBUG;
}

/* Messages valid in any state of a live call (and the closing ones). */
static bool azc_sess_common_ctrl(struct azc_sess *s, const u8 *pkt,
				 const struct azc_sstp_ctrl *m)
{
	u8 buf[AZC_SSTP_CTRL_HDR_LEN];

	(void)pkt;
	switch (m->type) {
	case AZC_SSTP_MSG_CALL_ABORT:
		azc_sess_peer_abort(s, m);
		return true;
	case AZC_SSTP_MSG_CALL_DISCONNECT:
		azc_sess_peer_disconnect(s, m);
		return true;
	case AZC_SSTP_MSG_CALL_DISCONNECT_ACK:
		if (s->sst == AZC_SST_DISC_ACK_PENDING)
			azc_sess_done(s);
		else if (!azc_sess_closing(s))
			azc_sess_unexpected(s, m);
		return true;
	}
	if (azc_sess_closing(s))
		return true;	/* everything else is ignored now */
	switch (m->type) {
	case AZC_SSTP_MSG_ECHO_REQUEST:
		azc_sess_send_ctrl(s, buf,
				   azc_sstp_enc_echo_response(buf,
							      sizeof(buf)));
		azc_sess_log(s, azc_sess_echo_level(s),
			     "SSTP ECHO_REQUEST from the %s answered",
			     azc_who(s));
		return true;
	case AZC_SSTP_MSG_ECHO_RESPONSE:
		s->info.echo_responses++;
		azc_sess_log(s, azc_sess_echo_level(s),
			     "SSTP ECHO_RESPONSE received from the %s",
			     azc_who(s));
		return true;
	}
	return false;
}

static void azc_sess_server_ctrl(struct azc_sess *s, const u8 *pkt,
				 const struct azc_sstp_ctrl *m)
{
	if (m->type == AZC_SSTP_MSG_CALL_CONNECT_REQUEST &&
	    s->sst == AZC_SST_CONNECT_PENDING)
		azc_sess_connect_request(s, m);
	else if (m->type == AZC_SSTP_MSG_CALL_CONNECTED &&
		 s->sst == AZC_SST_CONNECTED_PENDING)
		azc_sess_call_connected(s, pkt, m);
	else
		azc_sess_unexpected(s, m);
}

static void azc_sess_client_ctrl(struct azc_sess *s,
				 const struct azc_sstp_ctrl *m)
{
	if (m->type == AZC_SSTP_MSG_CALL_CONNECT_ACK &&
	    s->sst == AZC_SST_CONNECT_PENDING)
		azc_sess_connect_ack(s, m);
	else if (m->type == AZC_SSTP_MSG_CALL_CONNECT_NAK &&
		 s->sst == AZC_SST_CONNECT_PENDING)
		azc_sess_connect_naked(s, m);
	else
		azc_sess_unexpected(s, m);
}

static void azc_sess_ctrl(struct azc_sess *s, const u8 *pkt, size_t len)
{
	struct azc_sstp_ctrl m;
	int ret;

	ret = azc_sstp_ctrl_decode(pkt, len, &m);
	if (ret < 0) {
		if (azc_sess_closing(s))
			return;
		if (s->server && s->sst == AZC_SST_CONNECT_PENDING &&
		    m.type == AZC_SSTP_MSG_CALL_CONNECT_REQUEST &&
		    azc_attr_err(ret))
			azc_sess_bad_connect_request(s, ret, &m);
		else
			azc_sess_ctrl_invalid(s, ret, &m);
		return;
	}
	azc_sess_log(s, AZC_SESS_LOG_DEBUG, "SSTP received %s",
		     azc_sstp_msg_name(m.type));
	if (azc_sess_common_ctrl(s, pkt, &m))
		return;
	if (s->server)
		azc_sess_server_ctrl(s, pkt, &m);
	else
		azc_sess_client_ctrl(s, &m);
}

static void azc_sess_packet(struct azc_sess *s, const u8 *pkt, size_t len)
{
	if (pkt[1] & 0x01) {
		azc_sess_ctrl(s, pkt, len);
		return;
	}
	if (s->sst == AZC_SST_CONNECTED_PENDING ||
	    s->sst == AZC_SST_CALL_CONNECTED) {
		azc_sess_ppp_input(s, pkt + AZC_SSTP_HDR_LEN,
				   len - AZC_SSTP_HDR_LEN);
		return;
	}
	/* Counted; logged once, so that a flood does not flood the log. */
	if (!azc_sess_closing(s) && s->info.rx_data_dropped++ == 0)
		azc_sess_log(s, AZC_SESS_LOG_INFO,
			     "SSTP data packet before CALL_CONNECT_ACK dropped (further ones are counted only)");
}

/* Reads up to one SSTP packet; returns the bytes consumed. */
static size_t azc_sess_sstp_input(struct azc_sess *s, const u8 *p, size_t n)
{
	size_t used = 0, take;
	int need;

	for (;;) {
		need = azc_sstp_frame_need(s->rx, s->rx_len);
		if (need < 0) {
			azc_sess_drop(s, azc_sstp_strerror(need));
			return used;
		}
		if (s->rx_len == (size_t)need)
			break;
		if (used == n)
			return used;
		take = need - s->rx_len;
		if (take > n - used)
			take = n - used;
		memcpy(s->rx + s->rx_len, p + used, take);
		s->rx_len += take;
		used += take;
	}
	s->rx_len = 0;
	azc_sess_packet(s, s->rx, need);
	return used;
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

/* Timers */

static void azc_sess_echo_timer(struct azc_sess *s)
{
	u8 buf[AZC_SSTP_CTRL_HDR_LEN];

	if (s->echo_unanswered >= s->cfg.echo_max) {
		azc_sess_abort(s, AZC_SESS_E_ECHO_TIMEOUT,
			       AZC_SSTP_STATUS_RETRY_COUNT_EXCEEDED,
			       "the %s does not answer: %u ECHO_REQUESTs unanswered",
			       azc_who(s), s->echo_unanswered);
		return;
	}
	s->echo_unanswered++;
	s->info.echo_requests++;
	s->t_echo = s->now + s->cfg.echo_ms;
	azc_sess_log(s, AZC_SESS_LOG_INFO,
		     "SSTP ECHO_REQUEST sent: nothing received from the %s for %u s",
		     azc_who(s), s->cfg.echo_ms / 1000 * s->echo_unanswered);
	azc_sess_send_ctrl(s, buf, azc_sstp_enc_echo_request(buf,
							      sizeof(buf)));
}

static void azc_sess_nego_timeout(struct azc_sess *s)
{
	azc_sess_abort(s, AZC_SESS_E_TIMEOUT,
		       AZC_SSTP_STATUS_NEGOTIATION_TIMEOUT,
		       "negotiation timed out after %u s in state: %s",
		       s->cfg.negotiation_ms / 1000, azc_sess_ppp_progress(s));
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
	const unsigned int auths = AZC_SESS_AUTH_MSCHAPV2 | AZC_SESS_AUTH_PAP;
	const u8 hashes = AZC_SSTP_HASH_SHA1 | AZC_SSTP_HASH_SHA256;

	if (c->role != AZC_SESS_CLIENT && c->role != AZC_SESS_SERVER)
		return false;
	if ((c->auth & ~auths) || (c->hash_mask & ~hashes))
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
	if (!s->cfg.auth)
		s->cfg.auth = AZC_SESS_AUTH_MSCHAPV2;
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
	if (s->server || !(s->cfg.auth & AZC_SESS_AUTH_MSCHAPV2))
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
