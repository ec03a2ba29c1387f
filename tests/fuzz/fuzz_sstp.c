// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: SSTP stream delineation, packet headers, control
 * messages and their attributes. Whatever decodes must re-encode, and the
 * re-encoding must decode to the same message.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "engine/sstp_ctrl.h"

/* Encodes @m as this code would send it; 0 when it has no encoding. */
static int encode(const struct azc_sstp_ctrl *m, u8 *buf, size_t size)
{
	const struct azc_sstp_status_info *si = m->n_status ? &m->status : NULL;

	switch (m->type) {
	case AZC_SSTP_MSG_CALL_CONNECT_REQUEST:
		return azc_sstp_enc_connect_request(buf, size);
	case AZC_SSTP_MSG_CALL_CONNECT_ACK:
		return azc_sstp_enc_connect_ack(buf, size,
						m->cb_req.hash_bitmask & 3,
						m->cb_req.nonce);
	case AZC_SSTP_MSG_CALL_CONNECT_NAK:
		return azc_sstp_enc_connect_nak(buf, size, si);
	case AZC_SSTP_MSG_CALL_CONNECTED:
		return azc_sstp_enc_connected(buf, size, &m->cb);
	case AZC_SSTP_MSG_CALL_ABORT:
		return azc_sstp_enc_abort(buf, size, si);
	case AZC_SSTP_MSG_CALL_DISCONNECT:
		return azc_sstp_enc_disconnect(buf, size, si);
	case AZC_SSTP_MSG_CALL_DISCONNECT_ACK:
		return azc_sstp_enc_disconnect_ack(buf, size);
	case AZC_SSTP_MSG_ECHO_REQUEST:
		return azc_sstp_enc_echo_request(buf, size);
	case AZC_SSTP_MSG_ECHO_RESPONSE:
		return azc_sstp_enc_echo_response(buf, size);
	}
	CHECK(0);
	return 0;
}

static void same_status(const struct azc_sstp_status_info *a,
			const struct azc_sstp_status_info *b)
{
	CHECK(a->attr_id == b->attr_id && a->status == b->status);
	CHECK(a->value_len == b->value_len);
	CHECK(!a->value_len || !memcmp(a->value, b->value, a->value_len));
}

static void round_trip(const struct azc_sstp_ctrl *m)
{
	u8 enc[AZC_SSTP_MAX_LEN], enc2[AZC_SSTP_MAX_LEN];
	struct azc_sstp_ctrl m2, m3;
	int n, n2;

	n = encode(m, enc, sizeof(enc));
	if (n == -AZC_SSTP_E_INVAL) {
		/* Only a Status Info value longer than we send */
		CHECK(m->n_status && m->status.value_len >
		      AZC_SSTP_STATUS_VALUE_MAX);
		return;
	}
	CHECK(n >= AZC_SSTP_CTRL_HDR_LEN && n <= AZC_SSTP_MAX_LEN);
	CHECK(azc_sstp_frame_need(enc, n) == n);
	CHECK(azc_sstp_ctrl_decode(enc, n, &m2) == 0);
	CHECK(m2.type == m->type);
	CHECK(m2.num_attrs <= 1);
	switch (m->type) {
	case AZC_SSTP_MSG_CALL_CONNECT_REQUEST:
		CHECK(m2.proto_id == m->proto_id);
		break;
	case AZC_SSTP_MSG_CALL_CONNECT_ACK:
		CHECK(m2.cb_req.hash_bitmask == (m->cb_req.hash_bitmask & 3));
		CHECK(!memcmp(m2.cb_req.nonce, m->cb_req.nonce, 32));
		break;
	case AZC_SSTP_MSG_CALL_CONNECTED:
		CHECK(n == AZC_SSTP_CONNECTED_LEN);
		CHECK(!memcmp(&m2.cb, &m->cb, sizeof(m->cb)));
		break;
	case AZC_SSTP_MSG_CALL_CONNECT_NAK:
	case AZC_SSTP_MSG_CALL_ABORT:
	case AZC_SSTP_MSG_CALL_DISCONNECT:
		CHECK(m2.n_status == (m->n_status ? 1 : 0));
		if (m->n_status)
			same_status(&m->status, &m2.status);
		break;
	}
	/* Encoding is canonical: a second round gives the same bytes. */
	n2 = encode(&m2, enc2, sizeof(enc2));
	CHECK(n2 == n && !memcmp(enc, enc2, n));
	CHECK(azc_sstp_ctrl_decode(enc2, n2, &m3) == 0);
	/* And no output buffer one byte short is overrun. */
	CHECK(encode(&m2, enc2, n - 1) == -AZC_SSTP_E_NOSPACE);
}

/* One packet, in a buffer of its exact size so ASan sees any overread. */
static void packet(const u8 *data, size_t size)
{
	u8 *p = malloc(size ? size : 1);
	struct azc_sstp_ctrl m;
	struct azc_sstp_hdr h;
	int ret, st;

	CHECK(p);
	memcpy(p, data, size);
	ret = azc_sstp_hdr_decode(p, size, &h);
	if (ret == 0)
		CHECK(h.len == size && size >= AZC_SSTP_HDR_LEN);
	ret = azc_sstp_ctrl_decode(p, size, &m);
	CHECK(azc_sstp_strerror(ret));
	st = azc_sstp_err_status(ret);
	CHECK(st >= -1 && st <= AZC_SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG);
	if (ret == 0) {
		CHECK(h.control);
		if (m.n_status)
			CHECK(m.status.value >= p &&
			      m.status.value + m.status.value_len <= p + size);
		round_trip(&m);
	} else {
		CHECK(ret < 0 && ret > -AZC_SSTP_E_MAX);
		CHECK(ret != -AZC_SSTP_E_NOSPACE && ret != -AZC_SSTP_E_INVAL &&
		      ret != -AZC_SSTP_E_TOO_BIG);
		if (m.err_attr_value)
			CHECK(m.err_attr_value >= p &&
			      m.err_attr_value + m.err_attr_len <= p + size);
	}
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	int need;

	/* The input as a stream of packets, delineated as a reader would. */
	while (off < size) {
		need = azc_sstp_frame_need(data + off, size - off);
		if (need < 0) {
			CHECK(need == -AZC_SSTP_E_VERSION ||
			      need == -AZC_SSTP_E_BAD_LENGTH);
			break;
		}
		CHECK(need >= AZC_SSTP_HDR_LEN && need <= AZC_SSTP_MAX_LEN);
		if ((size_t)need > size - off)
			break;
		packet(data + off, need);
		off += need;
	}
	/* And the whole input as one packet. */
	packet(data, size);
	return 0;
}
