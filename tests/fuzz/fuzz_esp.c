// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: ESP packets (kmod/proto/esp.c). The input is parsed
 * as a packet and its ciphertext checked as a decrypted trailer; whatever
 * passes must re-encode to something that passes the same way. Then the
 * input drives a receive window and a sender's counter, each step checked
 * against a plain model: the window against a bit per number below the
 * top, the extended sequence number against the closed form of RFC 4303
 * A2.2.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/esp_model.h"
#include "fuzz.h"
#include "proto/esp.h"

#define W AZC_ESP_REPLAY_WINDOW

static void trailer(const u8 *pt, size_t len)
{
	u8 *b, nh = 0, nh2 = 0;
	int n, n2;

	n = azc_esp_check_trailer(pt, len, &nh);
	if (n < 0) {
		CHECK(n == -AZC_ESP_E_SHORT || n == -AZC_ESP_E_TOO_LONG ||
		      n == -AZC_ESP_E_PAD_LEN || n == -AZC_ESP_E_PAD_CONTENT);
		CHECK(n != -AZC_ESP_E_SHORT || len < AZC_ESP_TRAILER_MIN);
		CHECK(n != -AZC_ESP_E_PAD_LEN || pt[len - 2] > len - 2);
		return;
	}
	CHECK(len >= AZC_ESP_TRAILER_MIN);
	CHECK((size_t)n + pt[len - 2] + AZC_ESP_TRAILER_MIN == len);
	CHECK(nh == pt[len - 1]);

	/* Re-encoded with the least padding, it reads back the same; with
	 * the same padding, it is the same bytes.
	 */
	if (n > AZC_ESP_PAYLOAD_MAX)
		return;
	b = malloc(n + AZC_ESP_TRAILER_MIN + AZC_ESP_ALIGN);
	CHECK(b);
	memcpy(b, pt, n);
	n2 = azc_esp_put_trailer(b, n + azc_esp_trailer_len(n), n, nh);
	CHECK(n2 >= 0 && n2 % AZC_ESP_ALIGN == 0);
	CHECK((size_t)n2 == n + azc_esp_trailer_len(n));
	CHECK(azc_esp_check_trailer(b, n2, &nh2) == n && nh2 == nh);
	if (pt[len - 2] == azc_esp_pad_len(n))
		CHECK((size_t)n2 == len && !memcmp(b, pt, len));
	CHECK(azc_esp_put_trailer(b, n2 - 1, n, nh) == -AZC_ESP_E_NOSPACE);
	free(b);
}

/* The input as one packet, in a buffer of its exact size. */
static void packet(const u8 *data, size_t size)
{
	u8 *p = malloc(size ? size : 1);
	struct azc_esp_pkt pkt;
	u8 hdr[AZC_ESP_CT_OFF];
	int ret;

	CHECK(p);
	memcpy(p, data, size);
	ret = azc_esp_parse(p, size, &pkt);
	if (ret) {
		CHECK(ret == -AZC_ESP_E_SHORT || ret == -AZC_ESP_E_ALIGN ||
		      ret == -AZC_ESP_E_SPI || ret == -AZC_ESP_E_TOO_LONG);
		CHECK(ret != -AZC_ESP_E_TOO_LONG || size > AZC_ESP_LEN_MAX);
		CHECK(ret != -AZC_ESP_E_SHORT ||
		      size < AZC_ESP_CT_OFF + 2 + AZC_ESP_ICV_LEN);
		CHECK(ret != -AZC_ESP_E_SPI || size >= AZC_ESP_MIN_LEN);
	} else {
		CHECK(size >= AZC_ESP_MIN_LEN);
		CHECK(azc_esp_spi_valid(pkt.spi));
		CHECK(pkt.spi == azc_get_be32(p) &&
		      pkt.seq_low == azc_get_be32(p + 4));
		CHECK(pkt.iv_off == AZC_ESP_HDR_LEN &&
		      pkt.ct_off == AZC_ESP_CT_OFF);
		CHECK(pkt.ct_len >= AZC_ESP_ALIGN &&
		      pkt.ct_len % AZC_ESP_ALIGN == 0);
		CHECK(pkt.icv_off == pkt.ct_off + pkt.ct_len &&
		      pkt.icv_off + AZC_ESP_ICV_LEN == size);
		/* The header re-encodes to the same bytes, the IV aside */
		CHECK(azc_esp_put_hdr(hdr, sizeof(hdr), pkt.spi,
				      pkt.seq_low) == AZC_ESP_CT_OFF);
		CHECK(!memcmp(hdr, p, AZC_ESP_HDR_LEN));
		trailer(p + pkt.ct_off, pkt.ct_len);
	}
	trailer(p, size);
	free(p);
}

/* ---- Window, sequence numbers ---- */

static struct azc_esp_replay r;
static struct esp_model m;

/* One received number: inferred (ESN or not), checked, and recorded
 * when @ok (its ICV verified).
 */
static void receive(u64 seq, bool from_low, bool esn, bool ok)
{
	u64 s = seq;
	int ret;

	if (from_low) {
		s = azc_esp_seq_infer(&r, (u32)seq, esn);
		CHECK(s == (esn ? infer_ref(r.top, (u32)seq) : (u32)seq));
		CHECK(!s || (u32)s == (u32)seq);
		CHECK(azc_esp_replay_seq(&r, (u32)seq, esn, &seq) ==
		      model_check(&m, s) && seq == s);
	}
	ret = azc_esp_replay_check(&r, s);
	CHECK(ret == model_check(&m, s));
	CHECK(ret == 0 || ret == -AZC_ESP_E_REPLAY ||
	      ret == -AZC_ESP_E_TOO_OLD);
	if (ok) {
		ret = azc_esp_replay_update(&r, s);
		CHECK(ret == model_update(&m, s));
		if (!ret)
			CHECK(azc_esp_replay_check(&r, s) ==
			      -AZC_ESP_E_REPLAY);
	}
	CHECK(r.top == m.top);
}

static void tx(u32 v, bool esn, u8 op)
{
	u64 max = azc_esp_seq_max(esn), seq = 0, seq2 = 0;
	struct azc_esp_tx t;
	int ret, ret2;

	azc_esp_tx_init(&t, esn, op & 1 ? v : 0);
	CHECK(t.soft == (op & 1 && v ? v :
			 esn ? AZC_ESP_SEQ_SOFT_ESN : AZC_ESP_SEQ_SOFT_32));
	/* Somewhere near the start, the soft limit or the end */
	switch (op >> 1 & 3) {
	case 0:
		t.seq = v;
		break;
	case 1:
		t.seq = max - (v & 0xffff);
		break;
	case 2:
		t.seq = t.soft - (v & 3);
		break;
	default:
		t.seq = (u64)v << 32 | v;
		break;
	}
	for (int i = 0; i < 4; i++) {
		u64 last = t.seq;

		ret2 = azc_esp_seq_next(last, esn, &seq2);
		ret = azc_esp_tx_next(&t, &seq);
		if (last >= max) {
			CHECK(ret == -AZC_ESP_E_SEQ_EXHAUSTED && ret2 == ret);
			CHECK(t.seq == last);
			continue;
		}
		CHECK(!ret2 && seq2 == last + 1 && seq == seq2);
		CHECK(t.seq == seq && seq <= max);
		CHECK(ret == (seq == t.soft));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u64 starts[4] = {
		0, 0xffffffffULL - W, 0x87654320fffff000ULL, ~0ULL - 3 * W,
	};
	size_t off;
	bool esn;
	u8 op;
	u32 v;

	packet(data, size);

	/* Window: first byte ESN and where the window starts, then steps
	 * of an opcode and a 32-bit value.
	 */
	if (size < 1)
		return 0;
	esn = data[0] & 1;
	azc_esp_replay_init(&r);
	memset(&m, 0, sizeof(m));
	if (esn) {
		/* Near 0, 2^32, the first vector's 2^32 * 0x87654321, or the
		 * end; nothing seen yet
		 */
		r.top = starts[data[0] >> 1 & 3];
		m.top = r.top;
	}
	for (off = 1; off + 5 <= size; off += 5) {
		op = data[off];
		v = azc_get_be32(data + off + 1);
		switch (op & 3) {
		case 0:		/* low 32 bits as they come */
			receive(v, true, esn, op & 4);
			break;
		case 1:		/* low bits near the top, +-2^15 */
			receive((u32)(r.top + (int16_t)v), true, esn, op & 4);
			break;
		case 2:		/* a 64-bit number, far or near */
			if (op & 8)
				receive(r.top + ((u64)v << (op >> 4)), false,
					esn, op & 4);
			else
				receive(r.top - ((u64)(v & 0xffff) <<
						 (op >> 4)), false, esn,
					op & 4);
			break;
		default:
			tx(v, esn, op >> 2);
			break;
		}
	}
	/* The whole window agrees with the model */
	for (u64 i = 0; i <= W + 1 && i <= r.top; i++)
		CHECK(azc_esp_replay_check(&r, r.top - i) ==
		      model_check(&m, r.top - i));
	return 0;
}
