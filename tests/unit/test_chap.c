// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: MS-CHAPv2 packets (userspace/lib/engine/chap.c). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "engine/chap.h"

/* RFC 2759 9.2 sample values */
#define AUTH_CHALLENGE "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28"
#define PEER_CHALLENGE "21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E"
#define NT_RESPONSE "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 " \
		    "42 33 11 4A 3D 85 D6 DF"
#define AUTH_RESPONSE "40 7A 55 89 11 5F D0 D6 20 9F 51 0F E9 C0 45 66 " \
		      "93 2C DA 56"

/* A frame, decoded as far as its control packet. */
static void frame_cp(const u8 *b, size_t n, u16 proto, struct azc_ppp_cp *cp)
{
	struct azc_ppp_frame f;

	assert_int_equal(azc_ppp_frame_decode(b, n, &f), 0);
	assert_int_equal(f.proto, proto);
	assert_int_equal(azc_ppp_cp_decode(f.proto, f.data, f.len, cp), 0);
}

/* A CHAP packet of @code with @text as its data. */
static struct azc_ppp_cp *text_cp(u8 code, const char *text,
				  struct azc_ppp_cp *cp)
{
	cp->code = code;
	cp->id = 1;
	cp->data = (const u8 *)text;
	cp->data_len = strlen(text);
	cp->len = 4 + cp->data_len;
	return cp;
}

static int success(const char *text, struct azc_chap_success *s)
{
	struct azc_ppp_cp cp;

	return azc_chap_dec_success(text_cp(AZC_CHAP_SUCCESS, text, &cp), s);
}

static int failure(const char *text, struct azc_chap_failure *f)
{
	struct azc_ppp_cp cp;

	return azc_chap_dec_failure(text_cp(AZC_CHAP_FAILURE, text, &cp), f);
}

static void test_challenge(void **state)
{
	struct azc_chap_challenge c = { .name = (const u8 *)"Srv",
					.name_len = 3 }, d;
	struct azc_ppp_cp cp;
	u8 b[64], want[64];
	size_t n;

	(void)state;
	unhex(AUTH_CHALLENGE, c.challenge);
	n = unhex("ff 03 c2 23 01 07 00 18 10 " AUTH_CHALLENGE " 53 72 76",
		  want);
	assert_int_equal(azc_chap_enc_challenge(b, sizeof(b), 7, &c), n);
	assert_memory_equal(b, want, n);
	frame_cp(b, n, AZC_PPP_CHAP, &cp);
	assert_int_equal(cp.id, 7);
	assert_int_equal(azc_chap_dec_challenge(&cp, &d), 0);
	assert_memory_equal(d.challenge, c.challenge, 16);
	assert_int_equal(d.name_len, 3);
	assert_memory_equal(d.name, "Srv", 3);
	assert_int_equal(azc_chap_enc_challenge(b, n - 1, 7, &c),
			 -AZC_PPP_E_NOSPACE);

	/* Value-Size other than 16, too short, wrong code */
	b[8] = 8;
	frame_cp(b, n, AZC_PPP_CHAP, &cp);
	assert_int_equal(azc_chap_dec_challenge(&cp, &d), -AZC_PPP_E_FORMAT);
	n = unhex("ff 03 c2 23 01 07 00 08 10 00 00 00", b);
	frame_cp(b, n, AZC_PPP_CHAP, &cp);
	assert_int_equal(azc_chap_dec_challenge(&cp, &d), -AZC_PPP_E_FORMAT);
	cp.code = AZC_CHAP_RESPONSE;
	assert_int_equal(azc_chap_dec_challenge(&cp, &d), -AZC_PPP_E_CODE);
	c.name = NULL;
	assert_int_equal(azc_chap_enc_challenge(b, sizeof(b), 7, &c),
			 -AZC_PPP_E_INVAL);
}

static void test_response(void **state)
{
	struct azc_chap_response r = { .name = (const u8 *)"User",
				       .name_len = 4 }, d;
	struct azc_ppp_cp cp;
	u8 b[128], want[128];
	size_t n;

	(void)state;
	unhex(PEER_CHALLENGE, r.peer_challenge);
	unhex(NT_RESPONSE, r.nt_response);
	n = unhex("ff 03 c2 23 02 07 00 3a 31 " PEER_CHALLENGE
		  " 00 00 00 00 00 00 00 00 " NT_RESPONSE " 00 55 73 65 72",
		  want);
	assert_int_equal(azc_chap_enc_response(b, sizeof(b), 7, &r), n);
	assert_memory_equal(b, want, n);
	frame_cp(b, n, AZC_PPP_CHAP, &cp);
	assert_int_equal(azc_chap_dec_response(&cp, &d), 0);
	assert_memory_equal(d.peer_challenge, r.peer_challenge, 16);
	assert_memory_equal(d.nt_response, r.nt_response, 24);
	assert_int_equal(d.flags, 0);
	assert_int_equal(d.name_len, 4);
	assert_memory_equal(d.name, "User", 4);

	b[8] = 48;
	frame_cp(b, n, AZC_PPP_CHAP, &cp);
	assert_int_equal(azc_chap_dec_response(&cp, &d), -AZC_PPP_E_FORMAT);
	b[8] = 49;
	b[7] = 0x35;	/* Length cuts the response short */
	frame_cp(b, n, AZC_PPP_CHAP, &cp);
	assert_int_equal(azc_chap_dec_response(&cp, &d), -AZC_PPP_E_FORMAT);
	assert_int_equal(azc_chap_dec_success(&cp, NULL), -AZC_PPP_E_CODE);
}

#define S_HEX "407A5589115FD0D6209F510FE9C04566932CDA56"

static void test_success(void **state)
{
	const char *text = "S=" S_HEX " M=Access granted";
	struct azc_chap_success s, d;
	struct azc_ppp_cp cp;
	u8 b[128], want[20];

	(void)state;
	unhex(AUTH_RESPONSE, want);
	assert_int_equal(success(text, &s), 0);
	assert_memory_equal(s.auth_response, want, 20);
	assert_int_equal(s.msg_len, 14);
	assert_memory_equal(s.msg, "Access granted", 14);
	assert_int_equal(azc_chap_enc_success(b, sizeof(b), 9, &s),
			 8 + strlen(text));
	assert_memory_equal(b + 8, text, strlen(text));
	assert_memory_equal(b, "\xff\x03\xc2\x23\x03\x09\x00\x3f", 8);
	frame_cp(b, 8 + strlen(text), AZC_PPP_CHAP, &cp);
	assert_int_equal(azc_chap_dec_success(&cp, &d), 0);
	assert_memory_equal(d.auth_response, want, 20);

	/* Without a message; lower-case hex */
	assert_int_equal(success("S=407a5589115fd0d6209f510fe9c04566932cda56",
				 &s), 0);
	assert_memory_equal(s.auth_response, want, 20);
	assert_null(s.msg);
	assert_int_equal(azc_chap_enc_success(b, sizeof(b), 9, &s), 8 + 42);
	assert_memory_equal(b + 8, "S=" S_HEX, 42);

	/* Short, not hex, no space before M=, trailing space, not S= */
	assert_int_equal(success("S=407A5589115FD0D6209F510FE9C04566932CDA5", &s),
			 -AZC_PPP_E_FORMAT);
	assert_int_equal(success("S=407A5589115FD0D6209F510FE9C04566932CDA5G",
				 &s), -AZC_PPP_E_FORMAT);
	assert_int_equal(success("S=" S_HEX "M=x", &s), -AZC_PPP_E_FORMAT);
	assert_int_equal(success("S=" S_HEX " ", &s), -AZC_PPP_E_FORMAT);
	assert_int_equal(success("T=" S_HEX, &s), -AZC_PPP_E_FORMAT);
	assert_int_equal(success("", &s), -AZC_PPP_E_FORMAT);
	assert_int_equal(azc_chap_dec_success(text_cp(AZC_CHAP_FAILURE, "S=",
						      &cp), &s),
			 -AZC_PPP_E_CODE);
}

static void test_failure(void **state)
{
	const char *text = "E=691 R=1 C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3 "
			   "M=Authentication failed";
	struct azc_chap_failure f, d;
	struct azc_ppp_cp cp;
	u8 b[160], chal[16];

	(void)state;
	unhex(AUTH_CHALLENGE, chal);
	assert_int_equal(failure(text, &f), 0);
	assert_int_equal(f.error, AZC_MSCHAP_E_AUTHENTICATION_FAILURE);
	assert_true(f.retry);
	assert_true(f.has_challenge);
	assert_memory_equal(f.challenge, chal, 16);
	assert_int_equal(f.version, 3);
	assert_int_equal(f.msg_len, 21);
	assert_memory_equal(f.msg, "Authentication failed", 21);
	assert_int_equal(azc_chap_enc_failure(b, sizeof(b), 2, &f),
			 8 + strlen(text));
	assert_memory_equal(b + 8, text, strlen(text));
	frame_cp(b, 8 + strlen(text), AZC_PPP_CHAP, &cp);
	assert_int_equal(azc_chap_dec_failure(&cp, &d), 0);
	assert_int_equal(d.error, 691);

	/* MS-CHAPv1 style, and a message with spaces and '=' */
	assert_int_equal(failure("E=649 R=0", &f), 0);
	assert_int_equal(f.error, AZC_MSCHAP_E_NO_DIALIN_PERMISSION);
	assert_false(f.retry);
	assert_false(f.has_challenge);
	assert_null(f.msg);
	assert_int_equal(azc_chap_enc_failure(b, sizeof(b), 2, &f), 8 + 9);
	assert_memory_equal(b + 8, "E=649 R=0", 9);
	assert_int_equal(failure("E=4294967295 M=a b=c", &f), 0);
	assert_int_equal(f.error, 4294967295u);
	assert_int_equal(f.msg_len, 5);
	/* Unknown fields are skipped */
	assert_int_equal(failure("E=691 X=1 R=1", &f), 0);
	assert_true(f.retry);

	/* Out of range, empty, not decimal, bad R and C, no E, extra space */
	assert_int_equal(failure("E=4294967296", &f), -AZC_PPP_E_FORMAT);
	assert_int_equal(failure("E=12345678901", &f), -AZC_PPP_E_FORMAT);
	assert_int_equal(failure("E=", &f), -AZC_PPP_E_FORMAT);
	assert_int_equal(failure("E=6x1", &f), -AZC_PPP_E_FORMAT);
	assert_int_equal(failure("E=691 R=2", &f), -AZC_PPP_E_FORMAT);
	assert_int_equal(failure("E=691 R=1 C=5B5D7C7D7B3F2F3E3C2C60213226262",
				 &f), -AZC_PPP_E_FORMAT);
	assert_int_equal(failure("R=1 V=3", &f), -AZC_PPP_E_FORMAT);
	assert_int_equal(failure("E=691  R=1", &f), -AZC_PPP_E_FORMAT);
	assert_int_equal(failure("E", &f), -AZC_PPP_E_FORMAT);
	assert_int_equal(failure("", &f), -AZC_PPP_E_FORMAT);
	assert_int_equal(azc_chap_dec_failure(text_cp(AZC_CHAP_SUCCESS, "E=691",
						      &cp), &f),
			 -AZC_PPP_E_CODE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenge),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_failure),
	};

	return cmocka_run_group_tests_name("ppp_auth", tests, NULL, NULL);
}
