// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the endpoints' key exchange (userspace/lib/noise/keyx.c),
 * both sides run against each other in memory: the SAs' keys agree
 * crosswise, and every way a message can be wrong is refused.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "uapi/azconnect.h"
#include "noise/keyx.h"

struct side {
	uint8_t priv[32], pub[32];
	struct in6_addr addr;
};

static struct side A, B, C;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(azc_noise_keygen(A.priv, A.pub), 0);
	assert_int_equal(azc_noise_keygen(B.priv, B.pub), 0);
	assert_int_equal(azc_noise_keygen(C.priv, C.pub), 0);
	inet_pton(AF_INET6, "fd00:1:2:3::a", &A.addr);
	inet_pton(AF_INET6, "fd00:1:2:3::b", &B.addr);
	inet_pton(AF_INET6, "fd00:1:2:3::c", &C.addr);
	return 0;
}

struct run {
	struct azc_keyx i, r;
	uint8_t m1[AZC_KEYX_INIT_LEN], m2[AZC_KEYX_RESP_LEN];
	uint8_t m3[AZC_KEYX_CONFIRM_LEN];
	size_t l1, l2, l3;
};

static void msg1(struct run *x, uint32_t cipher)
{
	assert_int_equal(azc_keyx_initiate(&x->i, A.priv, B.pub, &A.addr,
					   &B.addr, cipher, 0x1001, 77,
					   x->m1, &x->l1), 0);
	assert_int_equal(x->l1, AZC_KEYX_INIT_LEN);
}

static void full(struct run *x, uint32_t cipher)
{
	msg1(x, cipher);
	assert_int_equal(azc_keyx_accept(&x->r, B.priv, &B.addr, &A.addr,
					 x->m1, x->l1), 0);
	assert_memory_equal(x->r.rs, A.pub, 32);
	assert_int_equal(x->r.spi_i, 0x1001);
	assert_int_equal(x->r.ts, 77);
	assert_int_equal(x->r.cipher, cipher);
	assert_int_equal(azc_keyx_respond(&x->r, 0x2002, x->m2, &x->l2), 0);
	assert_int_equal(x->l2, AZC_KEYX_RESP_LEN);
	assert_int_equal(azc_keyx_finish(&x->i, x->m2, x->l2, x->m3, &x->l3), 0);
	assert_int_equal(x->l3, AZC_KEYX_CONFIRM_LEN);
}

static void test_exchange(void **state)
{
	static const uint32_t ciphers[] = { AZCONNECT_SA_CIPHER_AES_GCM_128,
					    AZCONNECT_SA_CIPHER_AES_GCM_256 };
	struct run x;
	size_t k;

	(void)state;
	for (k = 0; k < 2; k++) {
		full(&x, ciphers[k]);
		assert_int_equal(azc_keyx_confirmed(&x.r, x.m3, x.l3), 0);
		assert_true(x.i.done && x.r.done);
		assert_int_equal(x.i.spi_r, 0x2002);
		assert_int_equal(x.i.key_out.key_len, k ? 32 : 16);
		/* what one sends with, the other receives with */
		assert_memory_equal(&x.i.key_out, &x.r.key_in, sizeof(x.i.key_out));
		assert_memory_equal(&x.i.key_in, &x.r.key_out, sizeof(x.i.key_in));
		assert_memory_not_equal(x.i.key_in.key, x.i.key_out.key, 16);
		azc_keyx_clear(&x.i);
		azc_keyx_clear(&x.r);
	}
}

static void test_two_runs_differ(void **state)
{
	struct run x, y;

	(void)state;
	full(&x, AZCONNECT_SA_CIPHER_AES_GCM_256);
	full(&y, AZCONNECT_SA_CIPHER_AES_GCM_256);
	/* fresh ephemeral keys: fresh SA keys (forward secrecy) */
	assert_memory_not_equal(x.i.key_out.key, y.i.key_out.key, 32);
}

/* Message 1 made for B, read by C: C cannot decrypt B's static. */
static void test_wrong_responder(void **state)
{
	struct run x;

	(void)state;
	msg1(&x, AZCONNECT_SA_CIPHER_AES_GCM_256);
	assert_int_equal(azc_keyx_accept(&x.r, C.priv, &B.addr, &A.addr,
					 x.m1, x.l1), -EBADMSG);
}

/* The prologue binds both addresses. */
static void test_other_addresses(void **state)
{
	struct run x;

	(void)state;
	msg1(&x, AZCONNECT_SA_CIPHER_AES_GCM_256);
	assert_int_equal(azc_keyx_accept(&x.r, B.priv, &B.addr, &C.addr,
					 x.m1, x.l1), -EBADMSG);
	assert_int_equal(azc_keyx_accept(&x.r, B.priv, &C.addr, &A.addr,
					 x.m1, x.l1), -EBADMSG);
}

static void test_tampered(void **state)
{
	struct run x;
	uint8_t m[AZC_KEYX_RESP_LEN];
	size_t i;

	(void)state;
	/* any byte of message 1 after the header */
	for (i = AZC_KEYX_HDR_LEN; i < AZC_KEYX_INIT_LEN; i += 7) {
		msg1(&x, AZCONNECT_SA_CIPHER_AES_GCM_256);
		x.m1[i] ^= 0x40;
		assert_int_not_equal(azc_keyx_accept(&x.r, B.priv, &B.addr,
						     &A.addr, x.m1, x.l1), 0);
	}
	/* the clear header's index must match the payload's */
	msg1(&x, AZCONNECT_SA_CIPHER_AES_GCM_256);
	x.m1[7] ^= 1;
	assert_int_equal(azc_keyx_accept(&x.r, B.priv, &B.addr, &A.addr,
					 x.m1, x.l1), -EPROTO);
	/* message 2 */
	for (i = 0; i < AZC_KEYX_RESP_LEN; i += 5) {
		msg1(&x, AZCONNECT_SA_CIPHER_AES_GCM_128);
		assert_int_equal(azc_keyx_accept(&x.r, B.priv, &B.addr,
						 &A.addr, x.m1, x.l1), 0);
		assert_int_equal(azc_keyx_respond(&x.r, 0x2002, m, &x.l2), 0);
		m[i] ^= 0x10;
		assert_int_not_equal(azc_keyx_finish(&x.i, m, x.l2, x.m3,
						     &x.l3), 0);
	}
	/* message 3 */
	full(&x, AZCONNECT_SA_CIPHER_AES_GCM_256);
	x.m3[AZC_KEYX_HDR_LEN + 3] ^= 1;
	assert_int_equal(azc_keyx_confirmed(&x.r, x.m3, x.l3), -EBADMSG);
	x.m3[AZC_KEYX_HDR_LEN + 3] ^= 1;
	x.m3[0] = AZC_KEYX_RESP;
	assert_int_equal(azc_keyx_confirmed(&x.r, x.m3, x.l3), -EPROTO);
	x.m3[0] = AZC_KEYX_CONFIRM;
	/* after a failed try the right one still passes */
	assert_int_equal(azc_keyx_confirmed(&x.r, x.m3, x.l3), 0);
}

/* A confirm from another run of the same two endpoints is refused. */
static void test_confirm_of_other_run(void **state)
{
	struct run x, y;

	(void)state;
	full(&x, AZCONNECT_SA_CIPHER_AES_GCM_256);
	full(&y, AZCONNECT_SA_CIPHER_AES_GCM_256);
	assert_int_equal(azc_keyx_confirmed(&x.r, y.m3, y.l3), -EBADMSG);
}

static void test_header(void **state)
{
	struct azc_keyx_hdr h;
	struct run x;

	(void)state;
	full(&x, AZCONNECT_SA_CIPHER_AES_GCM_256);
	assert_int_equal(azc_keyx_hdr_parse(x.m1, x.l1, &h), 0);
	assert_int_equal(h.type, AZC_KEYX_INIT);
	assert_int_equal(h.sender, 0x1001);
	assert_int_equal(azc_keyx_hdr_parse(x.m2, x.l2, &h), 0);
	assert_int_equal(h.sender, 0x2002);
	assert_int_equal(h.receiver, 0x1001);
	/* wrong length, version, reserved bytes, type, a zero index */
	assert_int_equal(azc_keyx_hdr_parse(x.m1, x.l1 - 1, &h), -EPROTO);
	assert_int_equal(azc_keyx_hdr_parse(x.m1, 3, &h), -EPROTO);
	x.m1[1] = 2;
	assert_int_equal(azc_keyx_hdr_parse(x.m1, x.l1, &h), -EPROTO);
	x.m1[1] = 1;
	x.m1[3] = 1;
	assert_int_equal(azc_keyx_hdr_parse(x.m1, x.l1, &h), -EPROTO);
	x.m1[3] = 0;
	x.m1[0] = 9;
	assert_int_equal(azc_keyx_hdr_parse(x.m1, x.l1, &h), -EPROTO);
	x.m2[4] = x.m2[5] = x.m2[6] = x.m2[7] = 0;
	assert_int_equal(azc_keyx_hdr_parse(x.m2, x.l2, &h), -EPROTO);
	/* out of turn */
	assert_int_equal(azc_keyx_respond(&x.i, 5, x.m2, &x.l2), -EINVAL);
	assert_int_equal(azc_keyx_finish(&x.r, x.m2, x.l2, x.m3, &x.l3), -EINVAL);
	assert_int_equal(azc_keyx_initiate(&x.i, A.priv, B.pub, &A.addr,
					   &B.addr, 7, 1, 1, x.m1, &x.l1),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exchange),
		cmocka_unit_test(test_two_runs_differ),
		cmocka_unit_test(test_wrong_responder),
		cmocka_unit_test(test_other_addresses),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_confirm_of_other_run),
		cmocka_unit_test(test_header),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
