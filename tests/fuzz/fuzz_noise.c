// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the Noise IK handshake (userspace/lib/noise) reading
 * what a peer sends. The input is a 16-bit big-endian length, that many
 * bytes for message 1 (read by a responder), and the rest for message 2
 * (read by an initiator that has sent its own message 1). All keys,
 * ephemeral ones too, are fixed, so the genuine messages are too.
 *
 * Properties: a refused message gives one of the documented errors and
 * leaves the handshake dead (-ECANCELED from then on); an accepted
 * message 1 carries the initiator's static key (no other key can be
 * authenticated without its private half); an accepted message 2 is,
 * byte for byte, the one the genuine responder writes with that payload,
 * and both sides then split to the same keys.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "noise/noise.h"

/* The keys of the cacophony test vector (tests/unit/test_noise.c) */
static const uint8_t init_static[32] = {
	0xe6, 0x1e, 0xf9, 0x91, 0x9c, 0xde, 0x45, 0xdd, 0x5f, 0x82, 0x16,
	0x64, 0x04, 0xbd, 0x08, 0xe3, 0x8b, 0xce, 0xb5, 0xdf, 0xdf, 0xde,
	0xd0, 0xa3, 0x4c, 0x8d, 0xf7, 0xed, 0x54, 0x22, 0x14, 0xd1,
};
static const uint8_t init_ephemeral[32] = {
	0x89, 0x3e, 0x28, 0xb9, 0xdc, 0x6c, 0xa8, 0xd6, 0x11, 0xab, 0x66,
	0x47, 0x54, 0xb8, 0xce, 0xb7, 0xba, 0xc5, 0x11, 0x73, 0x49, 0xa4,
	0x43, 0x9a, 0x6b, 0x05, 0x69, 0xda, 0x97, 0x7c, 0x46, 0x4a,
};
static const uint8_t resp_static[32] = {
	0x4a, 0x3a, 0xcb, 0xfd, 0xb1, 0x63, 0xde, 0xc6, 0x51, 0xdf, 0xa3,
	0x19, 0x4d, 0xec, 0xe6, 0x76, 0xd4, 0x37, 0x02, 0x9c, 0x62, 0xa4,
	0x08, 0xb4, 0xc5, 0xea, 0x91, 0x14, 0x24, 0x6e, 0x48, 0x93,
};
static const uint8_t resp_ephemeral[32] = {
	0xbb, 0xdb, 0x4c, 0xdb, 0xd3, 0x09, 0xf1, 0xa1, 0xf2, 0xe1, 0x45,
	0x69, 0x67, 0xfe, 0x28, 0x8c, 0xad, 0xd6, 0xf7, 0x12, 0xd6, 0x5d,
	0xc7, 0xb7, 0x79, 0x3d, 0x5e, 0x63, 0xda, 0x6b, 0x37, 0x5b,
};
static const uint8_t prologue[] = "John Galt";

static uint8_t pay[AZC_NOISE_MAX_MSG], out[AZC_NOISE_MAX_MSG];

static void refused(struct azc_noise_hs *hs, int ret)
{
	uint8_t rs[32];
	size_t n;

	CHECK(ret == -EPROTO || ret == -EMSGSIZE || ret == -EBADMSG ||
	      ret == -EKEYREJECTED);
	CHECK(hs->step == AZC_NOISE_FAILED);
	CHECK(azc_noise_hs_read(hs, out, 100, pay, sizeof(pay), &n) ==
	      -ECANCELED);
	CHECK(azc_noise_hs_write(hs, NULL, 0, out, sizeof(out), &n) ==
	      -ECANCELED);
	CHECK(azc_noise_hs_remote_static(hs, rs) == -ECANCELED);
}

static void init(struct azc_noise_hs *hs, bool initiator)
{
	static uint8_t resp_pub[32];
	static bool have_pub;

	if (!have_pub) {
		CHECK(azc_noise_pubkey(resp_static, resp_pub) == 0);
		have_pub = true;
	}
	CHECK(azc_noise_hs_init(hs, initiator, prologue, sizeof(prologue) - 1,
				initiator ? init_static : resp_static,
				initiator ? resp_pub : NULL) == 0);
	CHECK(azc_noise_hs_set_ephemeral(hs, initiator ? init_ephemeral :
					 resp_ephemeral) == 0);
}

/* The responder reads message 1 and, when it takes it, answers */
static void responder(const uint8_t *m1, size_t len)
{
	uint8_t rs[32], ipub[32];
	struct azc_noise_hs r;
	size_t n;
	int ret;

	init(&r, false);
	ret = azc_noise_hs_read(&r, m1, len, pay, sizeof(pay), &n);
	if (ret) {
		refused(&r, ret);
		return;
	}
	CHECK(n == len - AZC_NOISE_MSG1_OVERHEAD);
	CHECK(r.step == AZC_NOISE_MSG2);
	CHECK(azc_noise_hs_remote_static(&r, rs) == 0);
	CHECK(azc_noise_pubkey(init_static, ipub) == 0);
	CHECK(!memcmp(rs, ipub, 32));
	CHECK(azc_noise_hs_write(&r, pay, n, out, sizeof(out), &n) == 0);
	CHECK(r.step == AZC_NOISE_DONE);
	azc_noise_hs_clear(&r);
}

/* The initiator sends its message 1 and reads @m2 */
static void initiator(const uint8_t *m2, size_t len)
{
	static uint8_t m1[AZC_NOISE_MSG1_OVERHEAD], genuine[AZC_NOISE_MAX_MSG];
	struct azc_noise_transport ti, tr;
	struct azc_noise_hs i, r;
	size_t n, m, g;
	int ret;

	init(&i, true);
	CHECK(azc_noise_hs_write(&i, NULL, 0, m1, sizeof(m1), &n) == 0);
	CHECK(n == sizeof(m1));
	ret = azc_noise_hs_read(&i, m2, len, pay, sizeof(pay), &m);
	if (ret) {
		refused(&i, ret);
		return;
	}
	CHECK(i.step == AZC_NOISE_DONE);
	CHECK(m == len - AZC_NOISE_MSG2_OVERHEAD);
	/* The genuine responder, with the same payload, wrote just that */
	init(&r, false);
	CHECK(azc_noise_hs_read(&r, m1, sizeof(m1), out, sizeof(out), &n) ==
	      0);
	CHECK(n == 0);
	CHECK(azc_noise_hs_write(&r, pay, m, genuine, sizeof(genuine), &g) ==
	      0);
	CHECK(g == len && !memcmp(genuine, m2, len));
	CHECK(azc_noise_hs_split(&i, &ti) == 0);
	CHECK(azc_noise_hs_split(&r, &tr) == 0);
	CHECK(!memcmp(ti.send.k, tr.recv.k, 32));
	CHECK(!memcmp(ti.recv.k, tr.send.k, 32));
	CHECK(!memcmp(ti.h, tr.h, 32));
	azc_noise_transport_clear(&ti);
	azc_noise_transport_clear(&tr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n1;

	if (size < 2)
		return 0;
	n1 = (size_t)data[0] << 8 | data[1];
	data += 2;
	size -= 2;
	if (n1 > size)
		n1 = size;
	responder(data, n1);
	initiator(data + n1, size - n1);
	return 0;
}
