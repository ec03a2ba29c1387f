// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: PPP frames, control packets and options (kmod/proto/ppp.c). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "engine/ppp_cp.h"

/* pppd's first LCP Configure-Request: ACCM, magic, PFC, ACFC */
#define PPPD_LCP_REQ "ff 03 c0 21 01 01 00 14 02 06 00 00 00 00 " \
		     "05 06 5e 63 0a b8 07 02 08 02"

static void test_frame_decode(void **state)
{
	struct azc_ppp_frame f;
	u8 b[64];
	size_t n = unhex(PPPD_LCP_REQ, b);

	(void)state;
	assert_int_equal(azc_ppp_frame_decode(b, n, &f), 0);
	assert_int_equal(f.proto, AZC_PPP_LCP);
	assert_ptr_equal(f.data, b + 4);
	assert_int_equal(f.len, n - 4);
	assert_int_equal(azc_ppp_frame_decode(b, unhex("ff 03 00 57", b), &f),
			 0);
	assert_int_equal(f.proto, AZC_PPP_IPV6);
	assert_int_equal(f.len, 0);

	assert_int_equal(azc_ppp_frame_decode(b, unhex("ff 03 c0", b), &f),
			 -AZC_PPP_E_SHORT);
	assert_int_equal(azc_ppp_frame_decode(b, 0, &f), -AZC_PPP_E_SHORT);
	/* ACFC-compressed and wrong address/control */
	assert_int_equal(azc_ppp_frame_decode(b, unhex("c0 21 01 01 00 04", b),
					      &f), -AZC_PPP_E_ADDR_CTRL);
	assert_int_equal(azc_ppp_frame_decode(b, unhex("ff 13 c0 21", b), &f),
			 -AZC_PPP_E_ADDR_CTRL);
	/* PFC-compressed (one-byte protocol) and even protocol numbers */
	assert_int_equal(azc_ppp_frame_decode(b, unhex("ff 03 57 60 00 00", b),
					      &f), -AZC_PPP_E_PROTO);
	assert_int_equal(azc_ppp_frame_decode(b, unhex("ff 03 c0 22", b), &f),
			 -AZC_PPP_E_PROTO);
	assert_int_equal(azc_ppp_frame_decode(b, unhex("ff 03 c1 21", b), &f),
			 -AZC_PPP_E_PROTO);
}

static void test_cp_decode(void **state)
{
	struct azc_ppp_cp cp;
	u8 b[64];
	size_t n = unhex(PPPD_LCP_REQ, b);

	(void)state;
	assert_int_equal(azc_ppp_cp_decode(AZC_PPP_LCP, b + 4, n - 4, &cp), 0);
	assert_int_equal(cp.code, AZC_PPP_CONF_REQ);
	assert_int_equal(cp.id, 1);
	assert_int_equal(cp.len, 20);
	assert_int_equal(cp.data_len, 16);
	assert_ptr_equal(cp.data, b + 8);
	/* Padding after Length is ignored */
	n = unhex("06 07 00 04 00 00 00", b);
	assert_int_equal(azc_ppp_cp_decode(AZC_PPP_IPV6CP, b, n, &cp), 0);
	assert_int_equal(cp.code, AZC_PPP_TERM_ACK);
	assert_int_equal(cp.data_len, 0);

	assert_int_equal(azc_ppp_cp_decode(AZC_PPP_LCP, b, 3, &cp),
			 -AZC_PPP_E_SHORT);
	assert_int_equal(azc_ppp_cp_decode(AZC_PPP_LCP, b,
					   unhex("01 01 00 03", b), &cp),
			 -AZC_PPP_E_LENGTH);
	assert_int_equal(azc_ppp_cp_decode(AZC_PPP_LCP, b,
					   unhex("01 01 00 00", b), &cp),
			 -AZC_PPP_E_LENGTH);
	assert_int_equal(azc_ppp_cp_decode(AZC_PPP_CHAP, b,
					   unhex("01 01 00 09 10 00", b), &cp),
			 -AZC_PPP_E_LENGTH);
	assert_int_equal(azc_ppp_cp_decode(AZC_PPP_IPV6, b,
					   unhex("01 01 00 04", b), &cp),
			 -AZC_PPP_E_PROTO);

	assert_true(azc_ppp_is_cp(AZC_PPP_PAP));
	assert_true(azc_ppp_is_cp(AZC_PPP_IPCP));
	assert_false(azc_ppp_is_cp(AZC_PPP_EAP));
	assert_false(azc_ppp_is_cp(AZC_PPP_IPV4));
	assert_true(azc_ppp_code_known(AZC_PPP_LCP, AZC_PPP_DISCARD_REQ));
	assert_true(azc_ppp_code_known(AZC_PPP_LCP, 12));
	assert_false(azc_ppp_code_known(AZC_PPP_LCP, 0));
	assert_false(azc_ppp_code_known(AZC_PPP_LCP, 14));
	assert_true(azc_ppp_code_known(AZC_PPP_IPV6CP, AZC_PPP_CODE_REJ));
	assert_false(azc_ppp_code_known(AZC_PPP_IPV6CP, AZC_PPP_PROTO_REJ));
	assert_false(azc_ppp_code_known(AZC_PPP_IPCP, AZC_PPP_ECHO_REQ));
	assert_true(azc_ppp_code_known(AZC_PPP_CHAP, 4));
	assert_false(azc_ppp_code_known(AZC_PPP_CHAP, 5));
	assert_false(azc_ppp_code_known(AZC_PPP_PAP, 4));
	assert_false(azc_ppp_code_known(AZC_PPP_IPV6, 1));
}

static void test_options(void **state)
{
	struct azc_ppp_opt_iter it;
	struct azc_ppp_opt o;
	enum azc_ppp_auth auth;
	u8 b[64];
	size_t n = unhex(PPPD_LCP_REQ, b);
	u32 magic;
	u16 mru;

	(void)state;
	assert_int_equal(azc_ppp_opts_validate(b + 8, n - 8), 4);
	azc_ppp_opt_iter_init(&it, b + 8, n - 8);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(o.type, AZC_LCP_OPT_ACCM);
	assert_int_equal(o.data_len, 4);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(azc_lcp_opt_magic(&o, &magic), 0);
	assert_int_equal(magic, 0x5e630ab8);
	assert_int_equal(azc_lcp_opt_mru(&o, &mru), -AZC_PPP_E_INVAL);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_true(azc_lcp_opt_always_reject(o.type));
	assert_int_equal(o.len, 2);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_true(azc_lcp_opt_always_reject(o.type));
	assert_int_equal(azc_ppp_opt_next(&it, &o), 0);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 0);
	assert_false(azc_lcp_opt_always_reject(AZC_LCP_OPT_MRU));
	assert_false(azc_lcp_opt_always_reject(AZC_LCP_OPT_AUTH));

	/* Windows' options: MRU, auth MS-CHAPv2 */
	n = unhex("01 04 05 78 03 05 c2 23 81", b);
	azc_ppp_opt_iter_init(&it, b, n);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(azc_lcp_opt_mru(&o, &mru), 0);
	assert_int_equal(mru, 1400);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(azc_lcp_opt_auth(&o, &auth), 0);
	assert_int_equal(auth, AZC_PPP_AUTH_MSCHAPV2);

	/* Malformed lists */
	assert_int_equal(azc_ppp_opts_validate(b, unhex("01 00", b)),
			 -AZC_PPP_E_OPT_LEN);
	assert_int_equal(azc_ppp_opts_validate(b, unhex("05 01 00 00", b)),
			 -AZC_PPP_E_OPT_LEN);
	assert_int_equal(azc_ppp_opts_validate(b, unhex("01 04 05 78 01", b)),
			 -AZC_PPP_E_OPT_TRUNC);
	assert_int_equal(azc_ppp_opts_validate(b, unhex("01 05 05 78", b)),
			 -AZC_PPP_E_OPT_OVERFLOW);
	assert_int_equal(azc_ppp_opts_validate(b, unhex("07 02 01 ff 05", b)),
			 -AZC_PPP_E_OPT_OVERFLOW);
	assert_int_equal(azc_ppp_opts_validate(b, 0), 0);
	assert_int_equal(azc_ppp_opts_validate(b, unhex("03 01", b)),
			 -AZC_PPP_E_OPT_LEN);
	/* One byte too long: rejected at once */
	azc_ppp_opt_iter_init(&it, b, unhex("01 05 05 78", b));
	assert_int_equal(azc_ppp_opt_next(&it, &o), -AZC_PPP_E_OPT_OVERFLOW);
	/* The iterator stops at the error and stays there */
	n = unhex("07 02 08 00", b);
	azc_ppp_opt_iter_init(&it, b, n);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(azc_ppp_opt_next(&it, &o), -AZC_PPP_E_OPT_LEN);
	assert_int_equal(azc_ppp_opt_next(&it, &o), -AZC_PPP_E_OPT_LEN);
}

static void test_lcp_option_helpers(void **state)
{
	struct azc_ppp_opt_iter it;
	struct azc_ppp_opt o;
	enum azc_ppp_auth auth;
	u8 b[64], want[64];
	u16 mru;
	int n = 0;

	(void)state;
	n += azc_lcp_opt_put_mru(b + n, sizeof(b) - n, 1500);
	n += azc_lcp_opt_put_magic(b + n, sizeof(b) - n, 0x01020304);
	n += azc_lcp_opt_put_auth(b + n, sizeof(b) - n, AZC_PPP_AUTH_MSCHAPV2);
	n += azc_lcp_opt_put_auth(b + n, sizeof(b) - n, AZC_PPP_AUTH_PAP);
	n += azc_lcp_opt_put_auth(b + n, sizeof(b) - n, AZC_PPP_AUTH_EAP);
	n += azc_lcp_opt_put_auth(b + n, sizeof(b) - n, AZC_PPP_AUTH_CHAP_MD5);
	assert_int_equal(n, unhex("01 04 05 dc 05 06 01 02 03 04 03 05 c2 23 81 "
				  "03 04 c0 23 03 04 c2 27 03 05 c2 23 05", want));
	assert_memory_equal(b, want, n);
	assert_int_equal(azc_lcp_opt_put_auth(b, sizeof(b), AZC_PPP_AUTH_NONE),
			 -AZC_PPP_E_INVAL);
	assert_int_equal(azc_lcp_opt_put_mru(b, 3, 1500), -AZC_PPP_E_NOSPACE);
	assert_int_equal(azc_lcp_opt_put_magic(b, 5, 1), -AZC_PPP_E_NOSPACE);

	azc_ppp_opt_iter_init(&it, want, n);
	azc_ppp_opt_next(&it, &o);
	azc_ppp_opt_next(&it, &o);
	azc_ppp_opt_next(&it, &o);
	assert_int_equal(azc_lcp_opt_auth(&o, &auth), 0);
	assert_int_equal(auth, AZC_PPP_AUTH_MSCHAPV2);
	azc_ppp_opt_next(&it, &o);
	assert_int_equal(azc_lcp_opt_auth(&o, &auth), 0);
	assert_int_equal(auth, AZC_PPP_AUTH_PAP);
	azc_ppp_opt_next(&it, &o);
	assert_int_equal(azc_lcp_opt_auth(&o, &auth), 0);
	assert_int_equal(auth, AZC_PPP_AUTH_EAP);
	azc_ppp_opt_next(&it, &o);
	assert_int_equal(azc_lcp_opt_auth(&o, &auth), 0);
	assert_int_equal(auth, AZC_PPP_AUTH_CHAP_MD5);

	/* Wrong lengths for their type */
	azc_ppp_opt_iter_init(&it, b, unhex("03 04 c2 23 03 05 c0 23 00 "
					    "03 03 c0 01 03 05 03 04 ff 01",
					    b));
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(azc_lcp_opt_auth(&o, &auth), -AZC_PPP_E_OPT_LEN);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(azc_lcp_opt_auth(&o, &auth), -AZC_PPP_E_OPT_LEN);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(azc_lcp_opt_auth(&o, &auth), -AZC_PPP_E_OPT_LEN);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(azc_lcp_opt_mru(&o, &mru), -AZC_PPP_E_OPT_LEN);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(azc_lcp_opt_auth(&o, &auth), 0);
	assert_int_equal(auth, AZC_PPP_AUTH_OTHER);
}

static void test_ipv6cp_iid(void **state)
{
	const u8 iid[8] = { 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };
	struct azc_ppp_opt_iter it;
	struct azc_ppp_opt o;
	u8 b[64], want[64], got[8], zero[8] = { 0 };
	int n;

	(void)state;
	n = azc_ipv6cp_opt_put_iid(b, sizeof(b), iid);
	assert_int_equal(n, 10);
	unhex("01 0a 02 11 22 ff fe 33 44 55", want);
	assert_memory_equal(b, want, 10);
	azc_ppp_opt_iter_init(&it, b, n);
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(azc_ipv6cp_opt_iid(&o, got), 0);
	assert_memory_equal(got, iid, 8);
	assert_false(azc_ipv6cp_iid_is_zero(got));
	assert_true(azc_ipv6cp_iid_is_zero(zero));
	assert_int_equal(azc_ipv6cp_opt_put_iid(b, 9, iid), -AZC_PPP_E_NOSPACE);

	/* Length 8 instead of 10 */
	azc_ppp_opt_iter_init(&it, b, unhex("01 08 02 11 22 ff fe 33", b));
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(azc_ipv6cp_opt_iid(&o, got), -AZC_PPP_E_OPT_LEN);
	azc_ppp_opt_iter_init(&it, b, unhex("02 04 00 2d", b));
	assert_int_equal(azc_ppp_opt_next(&it, &o), 1);
	assert_int_equal(azc_ipv6cp_opt_iid(&o, got), -AZC_PPP_E_INVAL);
}

static void test_encoders(void **state)
{
	const u8 opts[] = { 0x01, 0x0a, 0, 0, 0, 0, 0, 0, 0, 1 };
	u8 b[128], want[128];
	size_t n;

	(void)state;
	n = unhex("ff 03 80 57 01 05 00 0e 01 0a 00 00 00 00 00 00 00 01", want);
	assert_int_equal(azc_ppp_enc_configure(b, sizeof(b), AZC_PPP_IPV6CP,
					       AZC_PPP_CONF_REQ, 5, opts,
					       sizeof(opts)), n);
	assert_memory_equal(b, want, n);
	want[4] = AZC_PPP_CONF_NAK;
	assert_int_equal(azc_ppp_enc_configure(b, sizeof(b), AZC_PPP_IPV6CP,
					       AZC_PPP_CONF_NAK, 5, opts,
					       sizeof(opts)), n);
	assert_memory_equal(b, want, n);
	assert_int_equal(azc_ppp_enc_configure(b, sizeof(b), AZC_PPP_IPV6CP,
					       AZC_PPP_TERM_REQ, 5, opts,
					       sizeof(opts)), -AZC_PPP_E_INVAL);
	assert_int_equal(azc_ppp_enc_configure(b, n - 1, AZC_PPP_IPV6CP,
					       AZC_PPP_CONF_ACK, 5, opts,
					       sizeof(opts)), -AZC_PPP_E_NOSPACE);

	/* Empty Configure-Ack and Terminate-Request with data */
	n = unhex("ff 03 c0 21 02 09 00 04", want);
	assert_int_equal(azc_ppp_enc_configure(b, sizeof(b), AZC_PPP_LCP,
					       AZC_PPP_CONF_ACK, 9, NULL, 0), n);
	assert_memory_equal(b, want, n);
	n = unhex("ff 03 c0 21 05 02 00 08 62 79 65 00", want);
	assert_int_equal(azc_ppp_enc_terminate(b, sizeof(b), AZC_PPP_LCP,
					       AZC_PPP_TERM_REQ, 2,
					       (const u8 *)"bye", 4), n);
	assert_memory_equal(b, want, n);
	n = unhex("ff 03 80 21 06 03 00 04", want);
	assert_int_equal(azc_ppp_enc_terminate(b, sizeof(b), AZC_PPP_IPCP,
					       AZC_PPP_TERM_ACK, 3, NULL, 0), n);
	assert_memory_equal(b, want, n);
	assert_int_equal(azc_ppp_enc_terminate(b, sizeof(b), AZC_PPP_IPCP,
					       AZC_PPP_CONF_ACK, 3, NULL, 0),
			 -AZC_PPP_E_INVAL);

	/* Echo-Request/Reply and Discard-Request */
	n = unhex("ff 03 c0 21 09 07 00 0a 11 22 33 44 ab cd", want);
	assert_int_equal(azc_ppp_enc_echo(b, sizeof(b), AZC_PPP_ECHO_REQ, 7,
					  0x11223344, want + 12, 2), n);
	assert_memory_equal(b, want, n);
	n = unhex("ff 03 c0 21 0a 07 00 08 00 00 00 00", want);
	assert_int_equal(azc_ppp_enc_echo(b, sizeof(b), AZC_PPP_ECHO_REPLY, 7,
					  0, NULL, 0), n);
	assert_memory_equal(b, want, n);
	n = unhex("ff 03 c0 21 0b 01 00 08 de ad be ef", want);
	assert_int_equal(azc_ppp_enc_echo(b, sizeof(b), AZC_PPP_DISCARD_REQ, 1,
					  0xdeadbeef, NULL, 0), n);
	assert_memory_equal(b, want, n);
	assert_int_equal(azc_ppp_enc_echo(b, sizeof(b), AZC_PPP_CODE_REJ, 1,
					  0, NULL, 0), -AZC_PPP_E_INVAL);
	assert_int_equal(azc_ppp_enc_echo(b, 11, AZC_PPP_ECHO_REQ, 1, 0,
					  NULL, 0), -AZC_PPP_E_NOSPACE);
	assert_int_equal(azc_ppp_cp_encode(b, sizeof(b), AZC_PPP_LCP, 1, 1,
					   NULL, 3), -AZC_PPP_E_INVAL);
	assert_int_equal(azc_ppp_put_hdr(b, 3, AZC_PPP_LCP), -AZC_PPP_E_NOSPACE);
}

static void test_rejects(void **state)
{
	u8 b[128], want[128], pkt[64];
	size_t n, pn;

	(void)state;
	/* Code-Reject of an unknown LCP code 0x20 */
	pn = unhex("20 04 00 06 aa bb", pkt);
	n = unhex("ff 03 c0 21 07 09 00 0a 20 04 00 06 aa bb", want);
	assert_int_equal(azc_ppp_enc_code_reject(b, sizeof(b), AZC_PPP_LCP, 9,
						 pkt, pn, 1500), n);
	assert_memory_equal(b, want, n);
	/* Truncated to the peer's MRU (the whole LCP packet fits in it) */
	assert_int_equal(azc_ppp_enc_code_reject(b, sizeof(b), AZC_PPP_LCP, 9,
						 pkt, pn, 8), 4 + 8);
	assert_int_equal(b[7], 8);
	assert_memory_equal(b + 8, pkt, 4);
	assert_int_equal(azc_ppp_enc_code_reject(b, sizeof(b), AZC_PPP_LCP, 9,
						 pkt, pn, 3), -AZC_PPP_E_INVAL);

	/* Protocol-Reject of an IPCP frame: rejected protocol, information */
	pn = unhex("01 01 00 0a 03 06 00 00 00 00", pkt);
	n = unhex("ff 03 c0 21 08 0c 00 10 80 21 01 01 00 0a 03 06 00 00 00 00",
		  want);
	assert_int_equal(azc_ppp_enc_proto_reject(b, sizeof(b), 12,
						  AZC_PPP_IPCP, pkt, pn, 1500),
			 n);
	assert_memory_equal(b, want, n);
	assert_int_equal(azc_ppp_enc_proto_reject(b, sizeof(b), 12,
						  AZC_PPP_IPCP, pkt, pn, 10),
			 4 + 10);
	assert_int_equal(b[7], 10);
	assert_memory_equal(b + 8, want + 8, 6);
	assert_int_equal(azc_ppp_enc_proto_reject(b, sizeof(b), 12,
						  AZC_PPP_IPCP, pkt, pn, 5),
			 -AZC_PPP_E_INVAL);
	assert_int_equal(azc_ppp_enc_proto_reject(b, 13, 12, AZC_PPP_IPCP,
						  pkt, pn, 1500),
			 -AZC_PPP_E_NOSPACE);

	/* Protocol-Reject in place: the received frame is overwritten */
	n = unhex("ff 03 80 21 01 01 00 0a 03 06 00 00 00 00", b);
	assert_int_equal(azc_ppp_enc_proto_reject(b, sizeof(b), 12,
						  AZC_PPP_IPCP, b + 4, n - 4,
						  1500), 20);
	assert_memory_equal(b, want, 20);
	/* Code-Reject in place */
	n = unhex("ff 03 c0 21 20 04 00 06 aa bb", b);
	assert_int_equal(azc_ppp_enc_code_reject(b, sizeof(b), AZC_PPP_LCP, 9,
						 b + 4, n - 4, 1500), 14);
	unhex("ff 03 c0 21 07 09 00 0a 20 04 00 06 aa bb", want);
	assert_memory_equal(b, want, 14);
}

static void test_strerror(void **state)
{
	int e;

	(void)state;
	for (e = 0; e < AZC_PPP_E_MAX; e++)
		assert_string_not_equal(azc_ppp_strerror(-e),
					"unknown PPP error");
	assert_string_equal(azc_ppp_strerror(-AZC_PPP_E_MAX),
			    "unknown PPP error");
	assert_string_equal(azc_ppp_strerror(-AZC_PPP_E_OPT_LEN),
			    "invalid option length");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_decode),
		cmocka_unit_test(test_cp_decode),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_lcp_option_helpers),
		cmocka_unit_test(test_ipv6cp_iid),
		cmocka_unit_test(test_encoders),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests_name("ppp", tests, NULL, NULL);
}
