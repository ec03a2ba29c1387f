/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SSTP control messages and attributes (MS-SSTP 2.2.3-2.2.17), on the
 * framing of kmod/proto/sstp.h. Pure code: no allocation, no I/O.
 *
 * Decoders take one whole packet and never read outside it. Functions
 * returning int give a length or 0 on success and a negative
 * enum azc_sstp_err on failure.
 */

#ifndef AZC_SSTP_CTRL_H
#define AZC_SSTP_CTRL_H

#include "proto/sstp.h"

#define AZC_SSTP_ATTR_HDR_LEN		4

/* Message types (2.2.3) */
#define AZC_SSTP_MSG_CALL_CONNECT_REQUEST	0x0001
#define AZC_SSTP_MSG_CALL_CONNECT_ACK		0x0002
#define AZC_SSTP_MSG_CALL_CONNECT_NAK		0x0003
#define AZC_SSTP_MSG_CALL_CONNECTED		0x0004
#define AZC_SSTP_MSG_CALL_ABORT			0x0005
#define AZC_SSTP_MSG_CALL_DISCONNECT		0x0006
#define AZC_SSTP_MSG_CALL_DISCONNECT_ACK	0x0007
#define AZC_SSTP_MSG_ECHO_REQUEST		0x0008
#define AZC_SSTP_MSG_ECHO_RESPONSE		0x0009

/* Attribute IDs (2.2.4); 0 is SSTP_ATTRIB_NO_ERROR in a Status Info */
#define AZC_SSTP_ATTR_NO_ERROR			0x00
#define AZC_SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID	0x01
#define AZC_SSTP_ATTR_STATUS_INFO		0x02
#define AZC_SSTP_ATTR_CRYPTO_BINDING		0x03
#define AZC_SSTP_ATTR_CRYPTO_BINDING_REQ	0x04

/* Attribute lengths, 4-byte attribute header included */
#define AZC_SSTP_ATTR_PROTO_LEN		6
#define AZC_SSTP_ATTR_STATUS_MIN	12
#define AZC_SSTP_ATTR_CB_REQ_LEN	40
#define AZC_SSTP_ATTR_CB_LEN		104

#define AZC_SSTP_PROTO_PPP		0x0001

/* Crypto binding hash protocols: bitmask in the request, value in reply */
#define AZC_SSTP_HASH_SHA1		0x01
#define AZC_SSTP_HASH_SHA256		0x02

#define AZC_SSTP_NONCE_LEN		32
#define AZC_SSTP_HASH_LEN		32

/* CALL_CONNECTED: whole message length and where the compound MAC is */
#define AZC_SSTP_CONNECTED_LEN		112
#define AZC_SSTP_CONNECTED_MAC_OFF	80

/* Largest AttribValue this code sends in a Status Info */
#define AZC_SSTP_STATUS_VALUE_MAX	64

/* Status Info status codes (2.2.8) */
#define AZC_SSTP_STATUS_NO_ERROR			0x0
#define AZC_SSTP_STATUS_DUPLICATE_ATTRIBUTE		0x1
#define AZC_SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE		0x2
#define AZC_SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH	0x3
#define AZC_SSTP_STATUS_VALUE_NOT_SUPPORTED		0x4
#define AZC_SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED	0x5
#define AZC_SSTP_STATUS_RETRY_COUNT_EXCEEDED		0x6
#define AZC_SSTP_STATUS_INVALID_FRAME_RECEIVED		0x7
#define AZC_SSTP_STATUS_NEGOTIATION_TIMEOUT		0x8
#define AZC_SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG	0x9
#define AZC_SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING	0xa
#define AZC_SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG 0xb

struct azc_sstp_status_info {
	u8 attr_id;			/* attribute the status is about */
	u32 status;
	const u8 *value;		/* points into the decoded packet */
	u16 value_len;
};

struct azc_sstp_crypto_binding_req {
	u8 hash_bitmask;
	u8 nonce[AZC_SSTP_NONCE_LEN];
};

struct azc_sstp_crypto_binding {
	u8 hash_proto;
	u8 nonce[AZC_SSTP_NONCE_LEN];
	u8 cert_hash[AZC_SSTP_HASH_LEN];
	u8 mac[AZC_SSTP_HASH_LEN];
};

struct azc_sstp_ctrl {
	u16 type;
	u16 num_attrs;
	u32 present;			/* BIT(attribute id) of those seen */
	u16 proto_id;
	unsigned int n_status;		/* NAK may carry several */
	struct azc_sstp_status_info status;	/* the first one */
	struct azc_sstp_crypto_binding_req cb_req;
	struct azc_sstp_crypto_binding cb;
	/* On an attribute error: the offending attribute, for a Status Info */
	u8 err_attr_id;
	const u8 *err_attr_value;
	u16 err_attr_len;
};

const char *azc_sstp_strerror(int err);
/* MS-SSTP status code for a decode error, or -1 if none applies */
int azc_sstp_err_status(int err);
const char *azc_sstp_msg_name(u16 type);

/* One whole control packet into @msg. */
int azc_sstp_ctrl_decode(const u8 *buf, size_t len, struct azc_sstp_ctrl *msg);

/* Control messages; each returns the number of bytes written. */
int azc_sstp_enc_connect_request(u8 *buf, size_t size);
int azc_sstp_enc_connect_ack(u8 *buf, size_t size, u8 hash_bitmask,
			     const u8 *nonce);
int azc_sstp_enc_connect_nak(u8 *buf, size_t size,
			     const struct azc_sstp_status_info *si);
int azc_sstp_enc_connected(u8 *buf, size_t size,
			   const struct azc_sstp_crypto_binding *cb);
/* @si may be NULL for no attribute (the spec says SHOULD have one) */
int azc_sstp_enc_abort(u8 *buf, size_t size,
		       const struct azc_sstp_status_info *si);
int azc_sstp_enc_disconnect(u8 *buf, size_t size,
			    const struct azc_sstp_status_info *si);
int azc_sstp_enc_disconnect_ack(u8 *buf, size_t size);
int azc_sstp_enc_echo_request(u8 *buf, size_t size);
int azc_sstp_enc_echo_response(u8 *buf, size_t size);

#endif /* AZC_SSTP_CTRL_H */
