// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the public key record of the name service
 * (userspace/lib/noise/keyrec.c). The key is RFC 7748 6.1's Alice's
 * public key; its base64 and fingerprint were computed with Python's
 * base64 and hashlib.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "noise/keyrec.h"
#include "testutil.h"

#define ALICE_HEX "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
#define ALICE_B64 "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
#define ALICE_FP  "SHA256:MAyclgO5Kks57TlYv5JAEUgE20/TcwEsDKR0MtY0Ja4"
#define REC(b64)  "v=azc1 k=x25519 p=" b64

static int parse(const char *s, uint8_t *pub)
{
	return azc_keyrec_parse(s, strlen(s), pub);
}

static void test_format(void **state)
{
	uint8_t k[32], back[32];
	char txt[AZC_KEYREC_TXT_LEN];

	(void)state;
	unhex(ALICE_HEX, k);
	azc_keyrec_format(k, txt);
	assert_string_equal(txt, REC(ALICE_B64));
	assert_int_equal(strlen(txt), AZC_KEYREC_TXT_LEN - 1);
	assert_int_equal(parse(txt, back), 0);
	assert_memory_equal(back, k, 32);
}

static void test_parse_strict(void **state)
{
	static const char *const bad[] = {
		"",
		"v=azc1 k=x25519 p=",
		"v=azc2 k=x25519 p=" ALICE_B64,
		"v=azc1 k=ed25519 p=" ALICE_B64,
		"V=azc1 k=x25519 p=" ALICE_B64,
		"v=azc1  k=x25519 p=" ALICE_B64,
		" v=azc1 k=x25519 p=" ALICE_B64,
		REC(ALICE_B64) " ",
		REC(ALICE_B64) "x",
		/* without its padding, or with a character too many */
		"v=azc1 k=x25519 p=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo",
		"v=azc1 k=x25519 p=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo==",
		/* another spelling of the same bits (the last digit's spare bits) */
		"v=azc1 k=x25519 p=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmp=",
		/* not base64, and base64url */
		"v=azc1 k=x25519 p=hSDwCYkwp1R0i33ctD73Wg2*Og0mOBr066SpjqqbTmo=",
		"v=azc1 k=x25519 p=hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo=",
		/* 33 bytes, 31 bytes */
		"v=azc1 k=x25519 p=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmoA",
		"v=azc1 k=x25519 p=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTg==",
		"v=azc1 k=x25519 p= SDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=",
	};
	uint8_t k[32], keep[32];
	char nul[] = REC(ALICE_B64);
	size_t i;

	(void)state;
	memset(k, 0xaa, sizeof(k));
	memcpy(keep, k, sizeof(k));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], k) != -EINVAL)
			fail_msg("accepted: '%s'", bad[i]);
		assert_memory_equal(k, keep, 32);
	}
	/* a NUL inside the string (TXT data may hold one) */
	nul[20] = '\0';
	assert_int_equal(azc_keyrec_parse(nul, sizeof(nul) - 1, k), -EINVAL);
	assert_int_equal(azc_keyrec_parse(NULL, 0, k), -EINVAL);
	/* the length given, not the NUL, ends it */
	assert_int_equal(azc_keyrec_parse(REC(ALICE_B64) "junk",
					  AZC_KEYREC_TXT_LEN - 1, k), 0);
}

static void test_weak(void **state)
{
	static const char *const weak[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		/* the same with bit 255 set, which X25519 ignores */
		"0000000000000000000000000000000000000000000000000000000000000080",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
	};
	char txt[AZC_KEYREC_TXT_LEN];
	uint8_t k[32], pub[32], priv[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		unhex(weak[i], k);
		assert_true(azc_keyrec_weak(k));
		azc_keyrec_format(k, txt);
		assert_int_equal(parse(txt, pub), -EKEYREJECTED);
	}
	unhex(ALICE_HEX, k);
	assert_false(azc_keyrec_weak(k));
	/* fresh keys are fine */
	for (i = 0; i < 16; i++) {
		assert_int_equal(azc_noise_keygen(priv, k), 0);
		assert_false(azc_keyrec_weak(k));
		azc_keyrec_format(k, txt);
		assert_int_equal(parse(txt, pub), 0);
		assert_memory_equal(pub, k, 32);
	}
}

static void test_fingerprint(void **state)
{
	char fp[AZC_KEYREC_FP_LEN], fp2[AZC_KEYREC_FP_LEN];
	uint8_t k[32];

	(void)state;
	unhex(ALICE_HEX, k);
	azc_keyrec_fingerprint(k, fp);
	assert_string_equal(fp, ALICE_FP);
	assert_int_equal(strlen(fp), AZC_KEYREC_FP_LEN - 1);
	k[0] ^= 1;
	azc_keyrec_fingerprint(k, fp2);
	assert_string_not_equal(fp, fp2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse_strict),
		cmocka_unit_test(test_weak),
		cmocka_unit_test(test_fingerprint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
