// SPDX-License-Identifier: GPL-2.0-only
/*
 * SSTP inside the session (MS-SSTP 3.1-3.3): packets out of the stream,
 * control messages in both roles (call connect, abort, disconnect, echo),
 * the crypto binding of CALL_CONNECTED, the negotiation and echo timers'
 * messages, and PPP frames handed to sess_ppp.c.
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

void azc_sess_send_ctrl(struct azc_sess *s, const u8 *msg, int len)
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
	va_list ap;

	va_start(ap, fmt);
	azc_sess_vset_error(s, code, fmt, ap);
	va_end(ap);
	azc_sess_send_abort(s, AZC_SSTP_ATTR_NO_ERROR, status, NULL, 0);
}

/* Sends CALL_DISCONNECT and waits for its acknowledgment. */
void azc_sess_disconnect(struct azc_sess *s)
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
	va_list ap;

	va_start(ap, fmt);
	azc_sess_vset_error(s, code, fmt, ap);
	va_end(ap);
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
			   azc_sess_who(s), why);
	s->err.drop = s->err.code == AZC_SESS_E_FRAMING;
	s->out_head = s->out_len = 0;
	azc_sess_done(s);
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
		     azc_sess_hash_name(s->hash_proto));
}

/* SSTP control messages */

/* Abort for a control message that does not decode (3.1.5.1). */
static void azc_sess_ctrl_invalid(struct azc_sess *s, int err,
				  const struct azc_sstp_ctrl *m)
{
	int st = azc_sstp_err_status(err);

	azc_sess_set_error(s, AZC_SESS_E_PROTOCOL,
			   "invalid SSTP control packet from the %s (%s): %s",
			   azc_sess_who(s), azc_sstp_msg_name(m->type),
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
		       azc_sstp_msg_name(m->type), azc_sess_who(s),
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
		     azc_sess_hash_name(s->hash_offered));
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
				   azc_sess_hash_name(m->cb_req.hash_bitmask & 3),
				   azc_sess_hash_name(s->cfg.hash_mask));
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
		     azc_sess_hash_name(m->cb_req.hash_bitmask & 3));
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
		     azc_sess_hash_name(m->cb.hash_proto));
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
				   "the %s aborted the call: status %s (attribute %s)", azc_sess_who(s),
				   azc_status_name(m->status.status),
				   azc_attr_name(m->status.attr_id));
	else
		azc_sess_set_error(s, AZC_SESS_E_PEER_ABORT,
				   "the %s aborted the call", azc_sess_who(s));
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
			   "the %s disconnected%s%s (%s%s%s)", azc_sess_who(s),
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
			     azc_sess_who(s));
		return true;
	case AZC_SSTP_MSG_ECHO_RESPONSE:
		s->info.echo_responses++;
		azc_sess_log(s, azc_sess_echo_level(s),
			     "SSTP ECHO_RESPONSE received from the %s",
			     azc_sess_who(s));
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
size_t azc_sess_sstp_input(struct azc_sess *s, const u8 *p, size_t n)
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

/* Timers */

void azc_sess_echo_timer(struct azc_sess *s)
{
	u8 buf[AZC_SSTP_CTRL_HDR_LEN];

	if (s->echo_unanswered >= s->cfg.echo_max) {
		azc_sess_abort(s, AZC_SESS_E_ECHO_TIMEOUT,
			       AZC_SSTP_STATUS_RETRY_COUNT_EXCEEDED,
			       "the %s does not answer: %u ECHO_REQUESTs unanswered",
			       azc_sess_who(s), s->echo_unanswered);
		return;
	}
	s->echo_unanswered++;
	s->info.echo_requests++;
	s->t_echo = s->now + s->cfg.echo_ms;
	azc_sess_log(s, AZC_SESS_LOG_INFO,
		     "SSTP ECHO_REQUEST sent: nothing received from the %s for %u s",
		     azc_sess_who(s), s->cfg.echo_ms / 1000 * s->echo_unanswered);
	azc_sess_send_ctrl(s, buf, azc_sstp_enc_echo_request(buf,
							      sizeof(buf)));
}

void azc_sess_nego_timeout(struct azc_sess *s)
{
	azc_sess_abort(s, AZC_SESS_E_TIMEOUT,
		       AZC_SSTP_STATUS_NEGOTIATION_TIMEOUT,
		       "negotiation timed out after %u s in state: %s",
		       s->cfg.negotiation_ms / 1000, azc_sess_ppp_progress(s));
}
