// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: MS-CHAPv2 and MPPE start keys (userspace/lib/mschapv2.c),
 * against the samples of RFC 2759 9.2 and RFC 3079 3.5.3.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include <errno.h>
#include <openssl/provider.h>

#include "engine/mschapv2.h"

/* RFC 2759 9.2 */
#define USER "User"
#define PASSWORD "clientPass"
#define AUTH_CHALLENGE "5B5D7C7D7B3F2F3E3C2C602132262628"
#define PEER_CHALLENGE "21402324255E262A28295F2B3A337C7E"
#define NT_HASH "44EBBA8D5312B8D611474411F56989AE"
#define CHALLENGE_HASH "D02E4386BCE91226"
#define NT_RESPONSE "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"
#define AUTH_RESPONSE "407A5589115FD0D6209F510FE9C04566932CDA56"
/* RFC 3079 3.5.3 */
#define MASTER_KEY "FDECE3717A8C838CB388E527AE3CDD31"
/* SendStartKey128 there is the server's send key (Magic3) */
#define SERVER_SEND_KEY "8B7CDC149B993A1BA118CB153F56DCCB"
/*
 * The other direction (Magic2), from the RFC's MasterKey, computed
 * independently with Python's hashlib.
 */
#define CLIENT_SEND_KEY "D5F0E9521E3EA9589645E86051C82226"

struct sample {
	uint8_t auth[16], peer[16], nt_hash[16], nt_resp[24];
};

static void sample(struct sample *s)
{
	unhex(AUTH_CHALLENGE, s->auth);
	unhex(PEER_CHALLENGE, s->peer);
	unhex(NT_HASH, s->nt_hash);
	unhex(NT_RESPONSE, s->nt_resp);
}

static void test_nt_hash(void **state)
{
	uint8_t h[16];

	(void)state;
	assert_int_equal(azc_mschap_nt_hash(PASSWORD, h), 0);
	assert_hex(h, NT_HASH);
	/* MD4("") (RFC 1320) */
	assert_int_equal(azc_mschap_nt_hash("", h), 0);
	assert_hex(h, "31D6CFE0D16AE931B73C59D7E0C089C0");
}

static void test_nt_hash_unicode(void **state)
{
	char pw[4 * 130 + 1];
	uint8_t h[16];
	int i;

	(void)state;
	/*
	 * "Pässwörd€" and U+1F600 (a surrogate pair in UTF-16); expected value
	 * from Python's UTF-16LE encoder and "openssl dgst -md4".
	 */
	assert_int_equal(azc_mschap_nt_hash("P\xc3\xa4ssw\xc3\xb6rd\xe2\x82\xac"
					    "\xf0\x9f\x98\x80", h), 0);
	assert_hex(h, "CB8E3352DB8E27C08E8260FC36AFC39D");

	/* Invalid UTF-8: truncated, overlong, surrogate, too large, stray */
	assert_int_equal(azc_mschap_nt_hash("a\xc3", h), -EINVAL);
	assert_int_equal(azc_mschap_nt_hash("\xc0\xaf", h), -EINVAL);
	assert_int_equal(azc_mschap_nt_hash("\xe0\x80\xaf", h), -EINVAL);
	assert_int_equal(azc_mschap_nt_hash("\xed\xa0\x80", h), -EINVAL);
	assert_int_equal(azc_mschap_nt_hash("\xf4\x90\x80\x80", h), -EINVAL);
	assert_int_equal(azc_mschap_nt_hash("\xff", h), -EINVAL);
	assert_int_equal(azc_mschap_nt_hash("\x80", h), -EINVAL);
	assert_int_equal(azc_mschap_nt_hash("\xe2\x82", h), -EINVAL);

	/* At most 256 UTF-16 code units */
	memset(pw, 'a', 256);
	pw[256] = '\0';
	assert_int_equal(azc_mschap_nt_hash(pw, h), 0);
	pw[256] = 'a';
	pw[257] = '\0';
	assert_int_equal(azc_mschap_nt_hash(pw, h), -EINVAL);
	for (i = 0; i < 128; i++)
		memcpy(pw + 4 * i, "\xf0\x9f\x98\x80", 4);
	pw[4 * 128] = '\0';
	assert_int_equal(azc_mschap_nt_hash(pw, h), 0);
	memcpy(pw + 4 * 128, "\xf0\x9f\x98\x80", 5);
	assert_int_equal(azc_mschap_nt_hash(pw, h), -EINVAL);
}

static void test_challenge_hash(void **state)
{
	struct sample s;
	uint8_t h[8];

	(void)state;
	sample(&s);
	assert_int_equal(azc_mschap_challenge_hash(s.peer, s.auth, USER, 4, h),
			 0);
	assert_hex(h, CHALLENGE_HASH);
}

static void test_nt_response(void **state)
{
	struct sample s;
	uint8_t r[24], h[16];

	(void)state;
	sample(&s);
	assert_int_equal(azc_mschap_nt_hash(PASSWORD, h), 0);
	assert_int_equal(azc_mschap_nt_response(s.auth, s.peer, USER, 4, h, r),
			 0);
	assert_hex(r, NT_RESPONSE);
	/* The user name is part of the challenge hash */
	assert_int_equal(azc_mschap_nt_response(s.auth, s.peer, "user", 4, h,
						r), 0);
	assert_memory_not_equal(r, s.nt_resp, 24);
}

static void test_auth_response(void **state)
{
	struct sample s;
	uint8_t a[20];

	(void)state;
	sample(&s);
	assert_int_equal(azc_mschap_auth_response(s.nt_hash, s.nt_resp, s.peer,
						  s.auth, USER, 4, a), 0);
	assert_hex(a, AUTH_RESPONSE);
	assert_int_equal(azc_mschap_auth_response_check(s.nt_hash, s.nt_resp,
							s.peer, s.auth, USER,
							4, a), 0);
	a[19] ^= 1;
	assert_int_equal(azc_mschap_auth_response_check(s.nt_hash, s.nt_resp,
							s.peer, s.auth, USER,
							4, a), -EACCES);
	a[19] ^= 1;
	assert_int_equal(azc_mschap_auth_response_check(s.nt_hash, s.nt_resp,
							s.peer, s.auth, "Use",
							3, a), -EACCES);
	s.nt_hash[0] ^= 0x80;
	assert_int_equal(azc_mschap_auth_response_check(s.nt_hash, s.nt_resp,
							s.peer, s.auth, USER,
							4, a), -EACCES);
}

static void test_master_and_start_keys(void **state)
{
	uint8_t mk[16], k[16], send[16], recv[16], ssend[16], srecv[16];
	struct sample s;

	(void)state;
	sample(&s);
	assert_int_equal(azc_mschap_master_key(s.nt_hash, s.nt_resp, mk), 0);
	assert_hex(mk, MASTER_KEY);

	assert_int_equal(azc_mschap_start_key(mk, true, true, k), 0);
	assert_hex(k, SERVER_SEND_KEY);
	assert_int_equal(azc_mschap_start_key(mk, false, false, k), 0);
	assert_hex(k, SERVER_SEND_KEY);
	assert_int_equal(azc_mschap_start_key(mk, true, false, k), 0);
	assert_hex(k, CLIENT_SEND_KEY);
	assert_int_equal(azc_mschap_start_key(mk, false, true, k), 0);
	assert_hex(k, CLIENT_SEND_KEY);

	assert_int_equal(azc_mschap_start_keys(s.nt_hash, s.nt_resp, false,
					       send, recv), 0);
	assert_hex(send, CLIENT_SEND_KEY);
	assert_hex(recv, SERVER_SEND_KEY);
	assert_int_equal(azc_mschap_start_keys(s.nt_hash, s.nt_resp, true,
					       ssend, srecv), 0);
	assert_memory_equal(ssend, recv, 16);
	assert_memory_equal(srecv, send, 16);
}

/* The legacy provider is loaded into a context of our own only. */
static void test_default_context_untouched(void **state)
{
	int before = OSSL_PROVIDER_available(NULL, "legacy");
	uint8_t h[16];

	(void)state;
	assert_int_equal(azc_mschap_nt_hash(PASSWORD, h), 0);
	assert_int_equal(OSSL_PROVIDER_available(NULL, "legacy"), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_context_untouched),
		cmocka_unit_test(test_nt_hash),
		cmocka_unit_test(test_nt_hash_unicode),
		cmocka_unit_test(test_challenge_hash),
		cmocka_unit_test(test_nt_response),
		cmocka_unit_test(test_auth_response),
		cmocka_unit_test(test_master_and_start_keys),
	};

	return cmocka_run_group_tests_name("mschapv2", tests, NULL, NULL);
}
