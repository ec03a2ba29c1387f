// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: SSTP packets and control messages (kmod/proto/sstp.c). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "engine/sstp_ctrl.h"

/* MS-SSTP 4.7 (Crypto Binding example): the messages on the wire. */
#define SPEC_REQUEST "10 01 00 0E 00 01 00 01 00 01 00 06 00 01"
#define SPEC_NONCE "41 2B 48 9A EB D7 EC C7 D0 89 66 F2 6B E7 CD 72 " \
		   "B2 31 A0 E9 21 0D 7C 91 B3 08 86 2B 03 44 C4 35"
#define SPEC_CERT_HASH "79 93 EF 31 4C 49 3D AC E9 F0 2D 60 E7 E6 1C 84 " \
		       "B6 69 0A AF E9 D7 AE EA 92 CB BE 8A D5 99 42 2D"
#define SPEC_MAC "52 A6 8E FD 8C FF BF 52 77 0B 8F 0F E8 EC 73 71 " \
		 "65 83 AF 6D 61 1E B6 D1 79 B3 B2 08 40 98 54 49"
#define SPEC_ACK "10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 02 " SPEC_NONCE
#define SPEC_CONNECTED "10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 02 " \
		       SPEC_NONCE SPEC_CERT_HASH SPEC_MAC

static int decode_hex(const char *s, struct azc_sstp_ctrl *m)
{
	static u8 buf[4096];	/* decoded pointers stay valid */

	return azc_sstp_ctrl_decode(buf, unhex(s, buf), m);
}

static void test_hdr_decode(void **state)
{
	struct azc_sstp_hdr h;
	u8 b[16];

	(void)state;
	assert_int_equal(azc_sstp_hdr_decode(b, unhex("10 00 00 06 ff 03", b),
					     &h), 0);
	assert_false(h.control);
	assert_int_equal(h.len, 6);
	/* Reserved bits are ignored on receipt. */
	assert_int_equal(azc_sstp_hdr_decode(b, unhex("10 fd f0 08 00 08 00 00",
						      b), &h), 0);
	assert_true(h.control);
	assert_int_equal(h.len, 8);

	assert_int_equal(azc_sstp_hdr_decode(b, unhex("10 01 00", b), &h),
			 -AZC_SSTP_E_SHORT);
	assert_int_equal(azc_sstp_hdr_decode(b, 0, &h), -AZC_SSTP_E_SHORT);
	assert_int_equal(azc_sstp_hdr_decode(b, unhex("11 01 00 04", b), &h),
			 -AZC_SSTP_E_VERSION);
	assert_int_equal(azc_sstp_hdr_decode(b, unhex("20 01 00 04", b), &h),
			 -AZC_SSTP_E_VERSION);
	assert_int_equal(azc_sstp_hdr_decode(b, unhex("10 01 00 03", b), &h),
			 -AZC_SSTP_E_BAD_LENGTH);
	assert_int_equal(azc_sstp_hdr_decode(b, unhex("10 01 00 00", b), &h),
			 -AZC_SSTP_E_BAD_LENGTH);
	assert_int_equal(azc_sstp_hdr_decode(b, unhex("10 01 00 09 00 08 00 00",
						      b), &h),
			 -AZC_SSTP_E_LENGTH_MISMATCH);
	assert_int_equal(azc_sstp_hdr_decode(b, unhex("10 01 00 07 00 08 00 00",
						      b), &h),
			 -AZC_SSTP_E_LENGTH_MISMATCH);
}

static void test_frame_need(void **state)
{
	u8 b[8] = { 0 };

	(void)state;
	assert_int_equal(azc_sstp_frame_need(b, 0), AZC_SSTP_HDR_LEN);
	assert_int_equal(azc_sstp_frame_need(b, unhex("10", b)), 4);
	assert_int_equal(azc_sstp_frame_need(b, unhex("10 01 00", b)), 4);
	assert_int_equal(azc_sstp_frame_need(b, unhex("10 01 00 0e", b)), 14);
	assert_int_equal(azc_sstp_frame_need(b, unhex("10 00 0f ff 00", b)),
			 AZC_SSTP_MAX_LEN);
	assert_int_equal(azc_sstp_frame_need(b, unhex("10 00 f0 04", b)), 4);
	/* Cannot be delineated: drop the connection. */
	assert_int_equal(azc_sstp_frame_need(b, unhex("16", b)),
			 -AZC_SSTP_E_VERSION);	/* a TLS record, say */
	assert_int_equal(azc_sstp_frame_need(b, unhex("47 45 54 20", b)),
			 -AZC_SSTP_E_VERSION);
	assert_int_equal(azc_sstp_frame_need(b, unhex("10 01 00 02", b)),
			 -AZC_SSTP_E_BAD_LENGTH);
	assert_int_equal(azc_sstp_frame_need(b, unhex("10 01 f0 00", b)),
			 -AZC_SSTP_E_BAD_LENGTH);
}

static void test_connect_request(void **state)
{
	struct azc_sstp_ctrl m;
	u8 out[64], want[64];
	size_t n = unhex(SPEC_REQUEST, want);

	(void)state;
	assert_int_equal(azc_sstp_enc_connect_request(out, sizeof(out)), n);
	assert_memory_equal(out, want, n);
	assert_int_equal(azc_sstp_ctrl_decode(out, n, &m), 0);
	assert_int_equal(m.type, AZC_SSTP_MSG_CALL_CONNECT_REQUEST);
	assert_int_equal(m.num_attrs, 1);
	assert_int_equal(m.proto_id, AZC_SSTP_PROTO_PPP);
	assert_string_equal(azc_sstp_msg_name(m.type), "CALL_CONNECT_REQUEST");
	assert_int_equal(azc_sstp_enc_connect_request(out, n - 1),
			 -AZC_SSTP_E_NOSPACE);
}

static void test_connect_ack(void **state)
{
	u8 out[64], want[64], nonce[32];
	struct azc_sstp_ctrl m;
	size_t n = unhex(SPEC_ACK, want);

	(void)state;
	assert_int_equal(n, 48);
	unhex(SPEC_NONCE, nonce);
	assert_int_equal(azc_sstp_enc_connect_ack(out, sizeof(out),
						  AZC_SSTP_HASH_SHA256, nonce),
			 48);
	assert_memory_equal(out, want, 48);
	assert_int_equal(azc_sstp_ctrl_decode(out, 48, &m), 0);
	assert_int_equal(m.type, AZC_SSTP_MSG_CALL_CONNECT_ACK);
	assert_int_equal(m.cb_req.hash_bitmask, AZC_SSTP_HASH_SHA256);
	assert_memory_equal(m.cb_req.nonce, nonce, 32);

	assert_int_equal(azc_sstp_enc_connect_ack(out, sizeof(out), 3, nonce),
			 48);
	assert_int_equal(out[15], 3);
	assert_int_equal(azc_sstp_enc_connect_ack(out, sizeof(out), 0, nonce),
			 -AZC_SSTP_E_INVAL);
	assert_int_equal(azc_sstp_enc_connect_ack(out, sizeof(out), 4, nonce),
			 -AZC_SSTP_E_INVAL);
	assert_int_equal(azc_sstp_enc_connect_ack(out, 47, 2, nonce),
			 -AZC_SSTP_E_NOSPACE);
}

static void test_connected(void **state)
{
	struct azc_sstp_crypto_binding cb = { .hash_proto = 2 };
	u8 out[128], want[128];
	struct azc_sstp_ctrl m;
	size_t n = unhex(SPEC_CONNECTED, want);

	(void)state;
	assert_int_equal(n, AZC_SSTP_CONNECTED_LEN);
	unhex(SPEC_NONCE, cb.nonce);
	unhex(SPEC_CERT_HASH, cb.cert_hash);
	unhex(SPEC_MAC, cb.mac);
	assert_int_equal(azc_sstp_enc_connected(out, sizeof(out), &cb), 112);
	assert_memory_equal(out, want, 112);
	assert_memory_equal(out + AZC_SSTP_CONNECTED_MAC_OFF, cb.mac, 32);

	assert_int_equal(azc_sstp_ctrl_decode(want, n, &m), 0);
	assert_int_equal(m.type, AZC_SSTP_MSG_CALL_CONNECTED);
	assert_int_equal(m.cb.hash_proto, AZC_SSTP_HASH_SHA256);
	assert_memory_equal(m.cb.nonce, cb.nonce, 32);
	assert_memory_equal(m.cb.cert_hash, cb.cert_hash, 32);
	assert_memory_equal(m.cb.mac, cb.mac, 32);

	cb.hash_proto = 3;
	assert_int_equal(azc_sstp_enc_connected(out, sizeof(out), &cb),
			 -AZC_SSTP_E_INVAL);
	cb.hash_proto = 1;
	assert_int_equal(azc_sstp_enc_connected(out, 111, &cb),
			 -AZC_SSTP_E_NOSPACE);
}

static void test_empty_messages(void **state)
{
	struct azc_sstp_ctrl m;
	u8 out[16], want[16];

	(void)state;
	unhex("10 01 00 08 00 07 00 00", want);
	assert_int_equal(azc_sstp_enc_disconnect_ack(out, sizeof(out)), 8);
	assert_memory_equal(out, want, 8);
	assert_int_equal(azc_sstp_ctrl_decode(out, 8, &m), 0);
	assert_int_equal(m.type, AZC_SSTP_MSG_CALL_DISCONNECT_ACK);

	unhex("10 01 00 08 00 08 00 00", want);
	assert_int_equal(azc_sstp_enc_echo_request(out, sizeof(out)), 8);
	assert_memory_equal(out, want, 8);
	assert_int_equal(azc_sstp_ctrl_decode(out, 8, &m), 0);
	assert_int_equal(m.type, AZC_SSTP_MSG_ECHO_REQUEST);

	unhex("10 01 00 08 00 09 00 00", want);
	assert_int_equal(azc_sstp_enc_echo_response(out, sizeof(out)), 8);
	assert_memory_equal(out, want, 8);
	assert_int_equal(azc_sstp_ctrl_decode(out, 8, &m), 0);
	assert_int_equal(m.type, AZC_SSTP_MSG_ECHO_RESPONSE);

	assert_int_equal(azc_sstp_enc_echo_request(out, 7),
			 -AZC_SSTP_E_NOSPACE);
}

static void test_status_messages(void **state)
{
	const u8 proto_val[2] = { 0x00, 0x02 };
	struct azc_sstp_status_info si = {
		.attr_id = AZC_SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID,
		.status = AZC_SSTP_STATUS_VALUE_NOT_SUPPORTED,
		.value = proto_val, .value_len = 2,
	};
	u8 out[128], want[128], big[AZC_SSTP_STATUS_VALUE_MAX + 1] = { 0 };
	struct azc_sstp_ctrl m;
	size_t n;

	(void)state;
	/* NAK of a request for protocol 2 */
	n = unhex("10 01 00 16 00 03 00 01 00 02 00 0E 00 00 00 01 "
		  "00 00 00 04 00 02", want);
	assert_int_equal(azc_sstp_enc_connect_nak(out, sizeof(out), &si), n);
	assert_memory_equal(out, want, n);
	assert_int_equal(azc_sstp_ctrl_decode(out, n, &m), 0);
	assert_int_equal(m.type, AZC_SSTP_MSG_CALL_CONNECT_NAK);
	assert_int_equal(m.n_status, 1);
	assert_int_equal(m.status.attr_id, 1);
	assert_int_equal(m.status.status, 4);
	assert_int_equal(m.status.value_len, 2);
	assert_memory_equal(m.status.value, proto_val, 2);
	assert_int_equal(azc_sstp_enc_connect_nak(out, sizeof(out), NULL),
			 -AZC_SSTP_E_INVAL);

	/* CALL_ABORT, invalid frame received */
	si.attr_id = AZC_SSTP_ATTR_NO_ERROR;
	si.status = AZC_SSTP_STATUS_INVALID_FRAME_RECEIVED;
	si.value = NULL;
	si.value_len = 0;
	n = unhex("10 01 00 14 00 05 00 01 00 02 00 0C 00 00 00 00 "
		  "00 00 00 07", want);
	assert_int_equal(azc_sstp_enc_abort(out, sizeof(out), &si), n);
	assert_memory_equal(out, want, n);
	assert_int_equal(azc_sstp_ctrl_decode(out, n, &m), 0);
	assert_int_equal(m.type, AZC_SSTP_MSG_CALL_ABORT);
	assert_int_equal(m.status.status, 7);
	assert_int_equal(m.status.value_len, 0);

	/* CALL_DISCONNECT, no error; and without any attribute */
	si.status = AZC_SSTP_STATUS_NO_ERROR;
	n = unhex("10 01 00 14 00 06 00 01 00 02 00 0C 00 00 00 00 "
		  "00 00 00 00", want);
	assert_int_equal(azc_sstp_enc_disconnect(out, sizeof(out), &si), n);
	assert_memory_equal(out, want, n);
	assert_int_equal(azc_sstp_ctrl_decode(out, n, &m), 0);
	assert_int_equal(m.type, AZC_SSTP_MSG_CALL_DISCONNECT);
	n = unhex("10 01 00 08 00 06 00 00", want);
	assert_int_equal(azc_sstp_enc_disconnect(out, sizeof(out), NULL), n);
	assert_memory_equal(out, want, n);
	assert_int_equal(azc_sstp_ctrl_decode(out, n, &m), 0);
	assert_int_equal(m.n_status, 0);

	si.value = big;
	si.value_len = sizeof(big);
	assert_int_equal(azc_sstp_enc_abort(out, sizeof(out), &si),
			 -AZC_SSTP_E_INVAL);
	si.value_len = sizeof(big) - 1;
	assert_int_equal(azc_sstp_enc_abort(out, sizeof(out), &si),
			 8 + 12 + AZC_SSTP_STATUS_VALUE_MAX);
	assert_int_equal(azc_sstp_enc_abort(out, 8 + 12, &si),
			 -AZC_SSTP_E_NOSPACE);
}

static void test_data_header(void **state)
{
	u8 out[4], want[4];

	(void)state;
	assert_int_equal(azc_sstp_enc_data_hdr(out, 4, 32), 4);
	unhex("10 00 00 24", want);
	assert_memory_equal(out, want, 4);
	assert_int_equal(azc_sstp_enc_data_hdr(out, 4, AZC_SSTP_MAX_DATA), 4);
	unhex("10 00 0f ff", want);
	assert_memory_equal(out, want, 4);
	assert_int_equal(azc_sstp_enc_data_hdr(out, 4, AZC_SSTP_MAX_DATA + 1),
			 -AZC_SSTP_E_TOO_BIG);
	assert_int_equal(azc_sstp_enc_data_hdr(out, 4, 70000),
			 -AZC_SSTP_E_TOO_BIG);
	assert_int_equal(azc_sstp_enc_data_hdr(out, 3, 10),
			 -AZC_SSTP_E_NOSPACE);
}

static void test_decode_packet_errors(void **state)
{
	struct azc_sstp_ctrl m;

	(void)state;
	assert_int_equal(decode_hex("10 00 00 08 00 08 00 00", &m),
			 -AZC_SSTP_E_NOT_CONTROL);
	assert_int_equal(decode_hex("10 01 00 06 00 08", &m),
			 -AZC_SSTP_E_BAD_LENGTH);
	assert_int_equal(decode_hex("10 01 00 08 00 0a 00 00", &m),
			 -AZC_SSTP_E_MSG_TYPE);
	assert_int_equal(decode_hex("10 01 00 08 00 00 00 00", &m),
			 -AZC_SSTP_E_MSG_TYPE);
	assert_int_equal(decode_hex("10 01 00 08 ff ff 00 00", &m),
			 -AZC_SSTP_E_MSG_TYPE);
	assert_int_equal(decode_hex("11 01 00 08 00 08 00 00", &m),
			 -AZC_SSTP_E_VERSION);
	assert_int_equal(decode_hex("10 01 00 09 00 08 00 00 00", &m),
			 -AZC_SSTP_E_TRAILING);
	assert_int_equal(decode_hex("10 01 00 0e 00 01 00 01 00 01 00 06 00 01 00",
				    &m), -AZC_SSTP_E_LENGTH_MISMATCH);
	assert_int_equal(decode_hex("10 01 00 10 00 01 00 01 00 01 00 06 00 01 00 00",
				    &m), -AZC_SSTP_E_TRAILING);
}

static void test_decode_attr_errors(void **state)
{
	struct azc_sstp_ctrl m;

	(void)state;
	/* Attribute length past the packet */
	assert_int_equal(decode_hex("10 01 00 0e 00 01 00 01 00 01 00 08 00 01",
				    &m), -AZC_SSTP_E_ATTR_OVERFLOW);
	assert_int_equal(m.err_attr_id, 1);
	assert_int_equal(m.err_attr_len, 2);
	assert_int_equal(decode_hex("10 01 00 0e 00 01 00 01 00 01 0f ff 00 01",
				    &m), -AZC_SSTP_E_ATTR_OVERFLOW);
	/* More attributes announced than present */
	assert_int_equal(decode_hex("10 01 00 0e 00 01 00 02 00 01 00 06 00 01",
				    &m), -AZC_SSTP_E_ATTR_OVERFLOW);
	assert_int_equal(decode_hex("10 01 00 0a 00 01 00 01 00 01", &m),
			 -AZC_SSTP_E_ATTR_OVERFLOW);
	assert_int_equal(decode_hex("10 01 00 08 00 01 ff ff", &m),
			 -AZC_SSTP_E_ATTR_OVERFLOW);
	/* Attribute length below its header */
	assert_int_equal(decode_hex("10 01 00 0c 00 01 00 01 00 01 00 03", &m),
			 -AZC_SSTP_E_ATTR_LENGTH);
	assert_int_equal(decode_hex("10 01 00 0c 00 01 00 01 00 01 00 00", &m),
			 -AZC_SSTP_E_ATTR_LENGTH);
	/* Duplicate protocol id */
	assert_int_equal(decode_hex("10 01 00 14 00 01 00 02 00 01 00 06 00 01 "
				    "00 01 00 06 00 01", &m),
			 -AZC_SSTP_E_ATTR_DUPLICATE);
	assert_int_equal(m.err_attr_id, 1);
	assert_int_equal(azc_sstp_err_status(-AZC_SSTP_E_ATTR_DUPLICATE),
			 AZC_SSTP_STATUS_DUPLICATE_ATTRIBUTE);
	/* Unknown attribute ids */
	assert_int_equal(decode_hex("10 01 00 0e 00 01 00 01 00 05 00 06 00 01",
				    &m), -AZC_SSTP_E_ATTR_UNKNOWN);
	assert_int_equal(m.err_attr_id, 5);
	assert_int_equal(decode_hex("10 01 00 0e 00 01 00 01 00 00 00 06 00 01",
				    &m), -AZC_SSTP_E_ATTR_UNKNOWN);
	/* Wrong lengths for the type */
	assert_int_equal(decode_hex("10 01 00 10 00 01 00 01 00 01 00 08 00 01 00 00",
				    &m), -AZC_SSTP_E_ATTR_LENGTH);
	assert_int_equal(decode_hex("10 01 00 0d 00 01 00 01 00 01 00 05 00", &m),
			 -AZC_SSTP_E_ATTR_LENGTH);
	assert_int_equal(decode_hex("10 01 00 2f 00 02 00 01 00 04 00 27 00 00 00 02 "
				    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 "
				    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
				    &m), -AZC_SSTP_E_ATTR_LENGTH);
	assert_int_equal(decode_hex("10 01 00 13 00 03 00 01 00 02 00 0b 00 00 00 01 "
				    "00 00 00", &m), -AZC_SSTP_E_ATTR_LENGTH);
	/* Values not supported */
	assert_int_equal(decode_hex("10 01 00 0e 00 01 00 01 00 01 00 06 00 02",
				    &m), -AZC_SSTP_E_ATTR_VALUE);
	assert_int_equal(m.type, AZC_SSTP_MSG_CALL_CONNECT_REQUEST);
	assert_int_equal(m.proto_id, 2);
	assert_int_equal(m.err_attr_id, AZC_SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID);
	assert_int_equal(m.err_attr_len, 2);
	assert_int_equal(m.err_attr_value[1], 2);
	assert_int_equal(azc_sstp_err_status(-AZC_SSTP_E_ATTR_VALUE),
			 AZC_SSTP_STATUS_VALUE_NOT_SUPPORTED);
	assert_int_equal(decode_hex("10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 04 "
				    SPEC_NONCE, &m), -AZC_SSTP_E_ATTR_VALUE);
	assert_int_equal(decode_hex("10 01 00 70 00 04 00 01 00 03 00 68 00 00 00 03 "
				    SPEC_NONCE SPEC_CERT_HASH SPEC_MAC, &m),
			 -AZC_SSTP_E_ATTR_VALUE);
}

static void test_decode_attr_rules(void **state)
{
	struct azc_sstp_ctrl m;

	(void)state;
	/* Crypto binding in a request */
	assert_int_equal(decode_hex("10 01 00 30 00 01 00 01 00 04 00 28 00 00 00 02 "
				    SPEC_NONCE, &m), -AZC_SSTP_E_ATTR_NOT_IN_MSG);
	assert_int_equal(azc_sstp_err_status(-AZC_SSTP_E_ATTR_NOT_IN_MSG),
			 AZC_SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG);
	/* Status info in an ACK and in an echo */
	assert_int_equal(decode_hex("10 01 00 14 00 02 00 01 00 02 00 0c 00 00 00 00 "
				    "00 00 00 00", &m),
			 -AZC_SSTP_E_STATUS_NOT_IN_MSG);
	assert_int_equal(decode_hex("10 01 00 14 00 08 00 01 00 02 00 0c 00 00 00 00 "
				    "00 00 00 00", &m),
			 -AZC_SSTP_E_STATUS_NOT_IN_MSG);
	assert_int_equal(azc_sstp_err_status(-AZC_SSTP_E_STATUS_NOT_IN_MSG),
			 AZC_SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG);
	assert_int_equal(decode_hex("10 01 00 0e 00 09 00 01 00 01 00 06 00 01",
				    &m), -AZC_SSTP_E_ATTR_NOT_IN_MSG);
	/* Required attributes missing */
	assert_int_equal(decode_hex("10 01 00 08 00 01 00 00", &m),
			 -AZC_SSTP_E_ATTR_MISSING);
	assert_int_equal(decode_hex("10 01 00 08 00 02 00 00", &m),
			 -AZC_SSTP_E_ATTR_MISSING);
	assert_int_equal(decode_hex("10 01 00 08 00 03 00 00", &m),
			 -AZC_SSTP_E_ATTR_MISSING);
	assert_int_equal(decode_hex("10 01 00 08 00 04 00 00", &m),
			 -AZC_SSTP_E_ATTR_MISSING);
	assert_int_equal(azc_sstp_err_status(-AZC_SSTP_E_ATTR_MISSING),
			 AZC_SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING);
	/* A request may carry a Status Info next to its protocol id */
	assert_int_equal(decode_hex("10 01 00 1a 00 01 00 02 00 01 00 06 00 01 "
				    "00 02 00 0c 00 00 00 00 00 00 00 00", &m), 0);
	assert_int_equal(m.n_status, 1);
	/* Only a NAK lists several Status Info attributes */
	assert_int_equal(decode_hex("10 01 00 20 00 03 00 02 "
				    "00 02 00 0c 00 00 00 01 00 00 00 04 "
				    "00 02 00 0c 00 00 00 03 00 00 00 02", &m), 0);
	assert_int_equal(m.n_status, 2);
	assert_int_equal(m.status.attr_id, 1);
	assert_int_equal(m.status.status, 4);
	assert_int_equal(decode_hex("10 01 00 20 00 05 00 02 "
				    "00 02 00 0c 00 00 00 01 00 00 00 04 "
				    "00 02 00 0c 00 00 00 03 00 00 00 02", &m),
			 -AZC_SSTP_E_ATTR_DUPLICATE);
	/* Attribute reserved bits are ignored */
	assert_int_equal(decode_hex("10 01 00 0e 00 01 00 01 ff 01 f0 06 00 01",
				    &m), 0);
}

static void test_strerror(void **state)
{
	int e;

	(void)state;
	for (e = 0; e < AZC_SSTP_E_MAX; e++) {
		assert_non_null(azc_sstp_strerror(-e));
		assert_string_not_equal(azc_sstp_strerror(-e),
					"unknown SSTP error");
	}
	assert_string_equal(azc_sstp_strerror(-AZC_SSTP_E_MAX),
			    "unknown SSTP error");
	assert_string_equal(azc_sstp_strerror(-AZC_SSTP_E_ATTR_DUPLICATE),
			    azc_sstp_strerror(AZC_SSTP_E_ATTR_DUPLICATE));
	assert_int_equal(azc_sstp_err_status(-AZC_SSTP_E_VERSION),
			 AZC_SSTP_STATUS_INVALID_FRAME_RECEIVED);
	assert_int_equal(azc_sstp_err_status(-AZC_SSTP_E_ATTR_UNKNOWN),
			 AZC_SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE);
	assert_int_equal(azc_sstp_err_status(-AZC_SSTP_E_ATTR_LENGTH),
			 AZC_SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH);
	assert_int_equal(azc_sstp_err_status(-AZC_SSTP_E_NOSPACE), -1);
	assert_int_equal(azc_sstp_err_status(-1000), -1);
	assert_string_equal(azc_sstp_msg_name(0x55), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdr_decode),
		cmocka_unit_test(test_frame_need),
		cmocka_unit_test(test_connect_request),
		cmocka_unit_test(test_connect_ack),
		cmocka_unit_test(test_connected),
		cmocka_unit_test(test_empty_messages),
		cmocka_unit_test(test_status_messages),
		cmocka_unit_test(test_data_header),
		cmocka_unit_test(test_decode_packet_errors),
		cmocka_unit_test(test_decode_attr_errors),
		cmocka_unit_test(test_decode_attr_rules),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests_name("sstp", tests, NULL, NULL);
}
