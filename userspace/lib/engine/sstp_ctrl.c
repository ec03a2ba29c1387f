// SPDX-License-Identifier: GPL-2.0-only
/*
 * SSTP control messages and their attributes (MS-SSTP 2.2.3-2.2.17):
 * decoding with the rules of each message, encoding, and names for
 * errors and messages. Framing is kmod/proto/sstp.c, shared with the
 * kernel.
 */

#include "sstp_ctrl.h"

#define AZC_SSTP_MSG_LAST	AZC_SSTP_MSG_ECHO_RESPONSE

#define AZC_ATTR_BIT(id)	(1u << (id))
#define AZC_A_PROTO	AZC_ATTR_BIT(AZC_SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID)
#define AZC_A_STATUS		AZC_ATTR_BIT(AZC_SSTP_ATTR_STATUS_INFO)
#define AZC_A_CB		AZC_ATTR_BIT(AZC_SSTP_ATTR_CRYPTO_BINDING)
#define AZC_A_CB_REQ		AZC_ATTR_BIT(AZC_SSTP_ATTR_CRYPTO_BINDING_REQ)

/*
 * Which attributes each message may carry and must carry (2.2.9-2.2.17).
 * A request may hold a Status Info (3.3.1.1.1); the server refuses it when
 * that status is not 0, which is the caller's check.
 */
struct azc_sstp_msg_rule {
	const char *name;
	u32 allowed;
	u32 required;
};

static const struct azc_sstp_msg_rule azc_sstp_rules[AZC_SSTP_MSG_LAST + 1] = {
	[AZC_SSTP_MSG_CALL_CONNECT_REQUEST] = {
		"CALL_CONNECT_REQUEST", AZC_A_PROTO | AZC_A_STATUS,
		AZC_A_PROTO },
	[AZC_SSTP_MSG_CALL_CONNECT_ACK] = {
		"CALL_CONNECT_ACK", AZC_A_CB_REQ, AZC_A_CB_REQ },
	[AZC_SSTP_MSG_CALL_CONNECT_NAK] = {
		"CALL_CONNECT_NAK", AZC_A_STATUS, AZC_A_STATUS },
	[AZC_SSTP_MSG_CALL_CONNECTED] = {
		"CALL_CONNECTED", AZC_A_CB, AZC_A_CB },
	[AZC_SSTP_MSG_CALL_ABORT] = { "CALL_ABORT", AZC_A_STATUS, 0 },
	[AZC_SSTP_MSG_CALL_DISCONNECT] = { "CALL_DISCONNECT", AZC_A_STATUS, 0 },
	[AZC_SSTP_MSG_CALL_DISCONNECT_ACK] = { "CALL_DISCONNECT_ACK", 0, 0 },
	[AZC_SSTP_MSG_ECHO_REQUEST] = { "ECHO_REQUEST", 0, 0 },
	[AZC_SSTP_MSG_ECHO_RESPONSE] = { "ECHO_RESPONSE", 0, 0 },
};

static const char * const azc_sstp_errs[AZC_SSTP_E_MAX] = {
	[AZC_SSTP_OK] = "success",
	[AZC_SSTP_E_SHORT] = "shorter than an SSTP header",
	[AZC_SSTP_E_VERSION] = "unsupported SSTP version",
	[AZC_SSTP_E_BAD_LENGTH] = "length field below the minimum",
	[AZC_SSTP_E_LENGTH_MISMATCH] = "length field does not match the packet",
	[AZC_SSTP_E_NOT_CONTROL] = "not a control packet",
	[AZC_SSTP_E_MSG_TYPE] = "unknown message type",
	[AZC_SSTP_E_ATTR_OVERFLOW] = "attribute runs past the packet",
	[AZC_SSTP_E_TRAILING] = "bytes after the last attribute",
	[AZC_SSTP_E_ATTR_DUPLICATE] = "duplicate attribute",
	[AZC_SSTP_E_ATTR_UNKNOWN] = "unrecognized attribute",
	[AZC_SSTP_E_ATTR_LENGTH] = "invalid attribute value length",
	[AZC_SSTP_E_ATTR_VALUE] = "attribute value not supported",
	[AZC_SSTP_E_ATTR_NOT_IN_MSG] = "attribute not supported in message",
	[AZC_SSTP_E_STATUS_NOT_IN_MSG] = "status info not supported in message",
	[AZC_SSTP_E_ATTR_MISSING] = "required attribute missing",
	[AZC_SSTP_E_TOO_BIG] = "packet over 4095 bytes",
	[AZC_SSTP_E_NOSPACE] = "output buffer too small",
	[AZC_SSTP_E_INVAL] = "invalid argument",
};

static const signed char azc_sstp_err_statuses[AZC_SSTP_E_MAX] = {
	[AZC_SSTP_OK] = AZC_SSTP_STATUS_NO_ERROR,
	[AZC_SSTP_E_SHORT] = AZC_SSTP_STATUS_INVALID_FRAME_RECEIVED,
	[AZC_SSTP_E_VERSION] = AZC_SSTP_STATUS_INVALID_FRAME_RECEIVED,
	[AZC_SSTP_E_BAD_LENGTH] = AZC_SSTP_STATUS_INVALID_FRAME_RECEIVED,
	[AZC_SSTP_E_LENGTH_MISMATCH] = AZC_SSTP_STATUS_INVALID_FRAME_RECEIVED,
	[AZC_SSTP_E_NOT_CONTROL] = AZC_SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED,
	[AZC_SSTP_E_MSG_TYPE] = AZC_SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED,
	[AZC_SSTP_E_ATTR_OVERFLOW] = AZC_SSTP_STATUS_INVALID_FRAME_RECEIVED,
	[AZC_SSTP_E_TRAILING] = AZC_SSTP_STATUS_INVALID_FRAME_RECEIVED,
	[AZC_SSTP_E_ATTR_DUPLICATE] = AZC_SSTP_STATUS_DUPLICATE_ATTRIBUTE,
	[AZC_SSTP_E_ATTR_UNKNOWN] = AZC_SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE,
	[AZC_SSTP_E_ATTR_LENGTH] = AZC_SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH,
	[AZC_SSTP_E_ATTR_VALUE] = AZC_SSTP_STATUS_VALUE_NOT_SUPPORTED,
	[AZC_SSTP_E_ATTR_NOT_IN_MSG] =
		AZC_SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG,
	[AZC_SSTP_E_STATUS_NOT_IN_MSG] =
		AZC_SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG,
	[AZC_SSTP_E_ATTR_MISSING] = AZC_SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING,
	[AZC_SSTP_E_TOO_BIG] = -1,
	[AZC_SSTP_E_NOSPACE] = -1,
	[AZC_SSTP_E_INVAL] = -1,
};

static unsigned int azc_sstp_err_index(int err)
{
	unsigned int e = err < 0 ? -(unsigned int)err : (unsigned int)err;

	return e < AZC_SSTP_E_MAX ? e : AZC_SSTP_E_MAX;
}

const char *azc_sstp_strerror(int err)
{
	unsigned int e = azc_sstp_err_index(err);

	return e < AZC_SSTP_E_MAX ? azc_sstp_errs[e] : "unknown SSTP error";
}

int azc_sstp_err_status(int err)
{
	unsigned int e = azc_sstp_err_index(err);

	return e < AZC_SSTP_E_MAX ? azc_sstp_err_statuses[e] : -1;
}

static const struct azc_sstp_msg_rule *azc_sstp_rule(u16 type)
{
	if (type == 0 || type > AZC_SSTP_MSG_LAST)
		return NULL;
	return &azc_sstp_rules[type];
}

const char *azc_sstp_msg_name(u16 type)
{
	const struct azc_sstp_msg_rule *r = azc_sstp_rule(type);

	return r ? r->name : "UNKNOWN";
}

/* Checks one attribute's length and value and stores it in @msg. */
static int azc_sstp_attr_value(struct azc_sstp_ctrl *msg, u8 id,
			       const u8 *a, u16 alen)
{
	switch (id) {
	case AZC_SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID:
		if (alen != AZC_SSTP_ATTR_PROTO_LEN)
			return -AZC_SSTP_E_ATTR_LENGTH;
		msg->proto_id = azc_get_be16(a + 4);
		if (msg->proto_id != AZC_SSTP_PROTO_PPP)
			return -AZC_SSTP_E_ATTR_VALUE;
		return 0;
	case AZC_SSTP_ATTR_STATUS_INFO:
		if (alen < AZC_SSTP_ATTR_STATUS_MIN)
			return -AZC_SSTP_E_ATTR_LENGTH;
		if (msg->n_status++ == 0) {
			msg->status.attr_id = a[7];
			msg->status.status = azc_get_be32(a + 8);
			msg->status.value = a + AZC_SSTP_ATTR_STATUS_MIN;
			msg->status.value_len = alen - AZC_SSTP_ATTR_STATUS_MIN;
		}
		return 0;
	case AZC_SSTP_ATTR_CRYPTO_BINDING_REQ:
		if (alen != AZC_SSTP_ATTR_CB_REQ_LEN)
			return -AZC_SSTP_E_ATTR_LENGTH;
		msg->cb_req.hash_bitmask = a[7];
		memcpy(msg->cb_req.nonce, a + 8, AZC_SSTP_NONCE_LEN);
		if (!(a[7] & (AZC_SSTP_HASH_SHA1 | AZC_SSTP_HASH_SHA256)))
			return -AZC_SSTP_E_ATTR_VALUE;
		return 0;
	case AZC_SSTP_ATTR_CRYPTO_BINDING:
		if (alen != AZC_SSTP_ATTR_CB_LEN)
			return -AZC_SSTP_E_ATTR_LENGTH;
		msg->cb.hash_proto = a[7];
		memcpy(msg->cb.nonce, a + 8, AZC_SSTP_NONCE_LEN);
		memcpy(msg->cb.cert_hash, a + 40, AZC_SSTP_HASH_LEN);
		memcpy(msg->cb.mac, a + 72, AZC_SSTP_HASH_LEN);
		if (a[7] != AZC_SSTP_HASH_SHA1 && a[7] != AZC_SSTP_HASH_SHA256)
			return -AZC_SSTP_E_ATTR_VALUE;
		return 0;
	}
	return -AZC_SSTP_E_ATTR_UNKNOWN;
}

/* Decodes the attribute at @a (@left bytes remain); returns its length. */
static int azc_sstp_attr(struct azc_sstp_ctrl *msg,
			 const struct azc_sstp_msg_rule *rule,
			 const u8 *a, size_t left)
{
	u16 alen;
	u8 id;
	int ret;

	if (left < AZC_SSTP_ATTR_HDR_LEN)
		return -AZC_SSTP_E_ATTR_OVERFLOW;
	id = a[1];
	alen = azc_get_be16(a + 2) & AZC_SSTP_LEN_MASK;
	msg->err_attr_id = id;
	msg->err_attr_value = a + AZC_SSTP_ATTR_HDR_LEN;
	msg->err_attr_len = 0;
	if (alen < AZC_SSTP_ATTR_HDR_LEN)
		return -AZC_SSTP_E_ATTR_LENGTH;
	msg->err_attr_len = (alen < left ? alen : left) - AZC_SSTP_ATTR_HDR_LEN;
	if (alen > left)
		return -AZC_SSTP_E_ATTR_OVERFLOW;
	if (id < AZC_SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID ||
	    id > AZC_SSTP_ATTR_CRYPTO_BINDING_REQ)
		return -AZC_SSTP_E_ATTR_UNKNOWN;
	if (!(rule->allowed & AZC_ATTR_BIT(id)))
		return id == AZC_SSTP_ATTR_STATUS_INFO ?
			-AZC_SSTP_E_STATUS_NOT_IN_MSG :
			-AZC_SSTP_E_ATTR_NOT_IN_MSG;
	/* Only a NAK lists several Status Info attributes (2.2.12). */
	if ((msg->present & AZC_ATTR_BIT(id)) &&
	    !(id == AZC_SSTP_ATTR_STATUS_INFO &&
	      msg->type == AZC_SSTP_MSG_CALL_CONNECT_NAK))
		return -AZC_SSTP_E_ATTR_DUPLICATE;
	msg->present |= AZC_ATTR_BIT(id);
	ret = azc_sstp_attr_value(msg, id, a, alen);
	return ret < 0 ? ret : alen;
}

int azc_sstp_ctrl_decode(const u8 *buf, size_t len, struct azc_sstp_ctrl *msg)
{
	const struct azc_sstp_msg_rule *rule;
	struct azc_sstp_hdr hdr;
	size_t off;
	unsigned int i;
	int ret;

	memset(msg, 0, sizeof(*msg));
	ret = azc_sstp_hdr_decode(buf, len, &hdr);
	if (ret < 0)
		return ret;
	if (!hdr.control)
		return -AZC_SSTP_E_NOT_CONTROL;
	if (len < AZC_SSTP_CTRL_HDR_LEN)
		return -AZC_SSTP_E_BAD_LENGTH;
	msg->type = azc_get_be16(buf + 4);
	msg->num_attrs = azc_get_be16(buf + 6);
	rule = azc_sstp_rule(msg->type);
	if (!rule)
		return -AZC_SSTP_E_MSG_TYPE;

	off = AZC_SSTP_CTRL_HDR_LEN;
	for (i = 0; i < msg->num_attrs; i++) {
		ret = azc_sstp_attr(msg, rule, buf + off, len - off);
		if (ret < 0)
			return ret;
		off += ret;
	}
	msg->err_attr_id = 0;
	msg->err_attr_value = NULL;
	msg->err_attr_len = 0;
	if (off != len)
		return -AZC_SSTP_E_TRAILING;
	if ((msg->present & rule->required) != rule->required)
		return -AZC_SSTP_E_ATTR_MISSING;
	return 0;
}

static void azc_sstp_put_ctrl(u8 *buf, u16 len, u16 type, u16 num_attrs)
{
	azc_sstp_put_hdr(buf, true, len);
	azc_put_be16(buf + 4, type);
	azc_put_be16(buf + 6, num_attrs);
}

static void azc_sstp_put_attr(u8 *a, u8 id, u16 len)
{
	a[0] = 0;
	a[1] = id;
	azc_put_be16(a + 2, len);
}

int azc_sstp_enc_connect_request(u8 *buf, size_t size)
{
	const u16 len = AZC_SSTP_CTRL_HDR_LEN + AZC_SSTP_ATTR_PROTO_LEN;
	u8 *a = buf + AZC_SSTP_CTRL_HDR_LEN;

	if (size < len)
		return -AZC_SSTP_E_NOSPACE;
	azc_sstp_put_ctrl(buf, len, AZC_SSTP_MSG_CALL_CONNECT_REQUEST, 1);
	azc_sstp_put_attr(a, AZC_SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID,
			  AZC_SSTP_ATTR_PROTO_LEN);
	azc_put_be16(a + 4, AZC_SSTP_PROTO_PPP);
	return len;
}

int azc_sstp_enc_connect_ack(u8 *buf, size_t size, u8 hash_bitmask,
			     const u8 *nonce)
{
	const u16 len = AZC_SSTP_CTRL_HDR_LEN + AZC_SSTP_ATTR_CB_REQ_LEN;
	const u8 known = AZC_SSTP_HASH_SHA1 | AZC_SSTP_HASH_SHA256;
	u8 *a = buf + AZC_SSTP_CTRL_HDR_LEN;

	if (!(hash_bitmask & known) || (hash_bitmask & ~known) || !nonce)
		return -AZC_SSTP_E_INVAL;
	if (size < len)
		return -AZC_SSTP_E_NOSPACE;
	azc_sstp_put_ctrl(buf, len, AZC_SSTP_MSG_CALL_CONNECT_ACK, 1);
	azc_sstp_put_attr(a, AZC_SSTP_ATTR_CRYPTO_BINDING_REQ,
			  AZC_SSTP_ATTR_CB_REQ_LEN);
	memset(a + 4, 0, 3);
	a[7] = hash_bitmask;
	memcpy(a + 8, nonce, AZC_SSTP_NONCE_LEN);
	return len;
}

int azc_sstp_enc_connected(u8 *buf, size_t size,
			   const struct azc_sstp_crypto_binding *cb)
{
	u8 *a = buf + AZC_SSTP_CTRL_HDR_LEN;

	if (!cb || (cb->hash_proto != AZC_SSTP_HASH_SHA1 &&
		    cb->hash_proto != AZC_SSTP_HASH_SHA256))
		return -AZC_SSTP_E_INVAL;
	if (size < AZC_SSTP_CONNECTED_LEN)
		return -AZC_SSTP_E_NOSPACE;
	azc_sstp_put_ctrl(buf, AZC_SSTP_CONNECTED_LEN,
			  AZC_SSTP_MSG_CALL_CONNECTED, 1);
	azc_sstp_put_attr(a, AZC_SSTP_ATTR_CRYPTO_BINDING,
			  AZC_SSTP_ATTR_CB_LEN);
	memset(a + 4, 0, 3);
	a[7] = cb->hash_proto;
	memcpy(a + 8, cb->nonce, AZC_SSTP_NONCE_LEN);
	memcpy(a + 40, cb->cert_hash, AZC_SSTP_HASH_LEN);
	memcpy(a + 72, cb->mac, AZC_SSTP_HASH_LEN);
	return AZC_SSTP_CONNECTED_LEN;
}

/* A message with one Status Info attribute, or none when @si is NULL. */
static int azc_sstp_enc_status_msg(u8 *buf, size_t size, u16 type,
				   const struct azc_sstp_status_info *si)
{
	u16 alen, len;
	u8 *a = buf + AZC_SSTP_CTRL_HDR_LEN;

	if (!si) {
		if (size < AZC_SSTP_CTRL_HDR_LEN)
			return -AZC_SSTP_E_NOSPACE;
		azc_sstp_put_ctrl(buf, AZC_SSTP_CTRL_HDR_LEN, type, 0);
		return AZC_SSTP_CTRL_HDR_LEN;
	}
	if (si->value_len > AZC_SSTP_STATUS_VALUE_MAX ||
	    (si->value_len && !si->value))
		return -AZC_SSTP_E_INVAL;
	alen = AZC_SSTP_ATTR_STATUS_MIN + si->value_len;
	len = AZC_SSTP_CTRL_HDR_LEN + alen;
	if (size < len)
		return -AZC_SSTP_E_NOSPACE;
	azc_sstp_put_ctrl(buf, len, type, 1);
	azc_sstp_put_attr(a, AZC_SSTP_ATTR_STATUS_INFO, alen);
	memset(a + 4, 0, 3);
	a[7] = si->attr_id;
	azc_put_be32(a + 8, si->status);
	if (si->value_len)
		memcpy(a + AZC_SSTP_ATTR_STATUS_MIN, si->value, si->value_len);
	return len;
}

int azc_sstp_enc_connect_nak(u8 *buf, size_t size,
			     const struct azc_sstp_status_info *si)
{
	if (!si)
		return -AZC_SSTP_E_INVAL;
	return azc_sstp_enc_status_msg(buf, size, AZC_SSTP_MSG_CALL_CONNECT_NAK,
				       si);
}

int azc_sstp_enc_abort(u8 *buf, size_t size,
		       const struct azc_sstp_status_info *si)
{
	return azc_sstp_enc_status_msg(buf, size, AZC_SSTP_MSG_CALL_ABORT, si);
}

int azc_sstp_enc_disconnect(u8 *buf, size_t size,
			    const struct azc_sstp_status_info *si)
{
	return azc_sstp_enc_status_msg(buf, size, AZC_SSTP_MSG_CALL_DISCONNECT,
				       si);
}

int azc_sstp_enc_disconnect_ack(u8 *buf, size_t size)
{
	return azc_sstp_enc_status_msg(buf, size,
				       AZC_SSTP_MSG_CALL_DISCONNECT_ACK, NULL);
}

int azc_sstp_enc_echo_request(u8 *buf, size_t size)
{
	return azc_sstp_enc_status_msg(buf, size, AZC_SSTP_MSG_ECHO_REQUEST,
				       NULL);
}

int azc_sstp_enc_echo_response(u8 *buf, size_t size)
{
	return azc_sstp_enc_status_msg(buf, size, AZC_SSTP_MSG_ECHO_RESPONSE,
				       NULL);
}
