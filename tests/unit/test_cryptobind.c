// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: SSTP crypto binding (userspace/lib/cryptobind.c), against
 * the example of MS-SSTP 4.7 and values computed independently with
 * Python's hmac module.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include <errno.h>

#include "engine/cryptobind.h"

/* MS-SSTP 4.7: the client's MS-CHAPv2 start keys and CALL_CONNECTED */
#define SEND_KEY "2A1BB40D55AB0F5EF32F06F2B3CC73C4"
#define RECV_KEY "8FD3FAC41D7A1315A19228D9024CA164"
#define SPEC_NONCE "412B489AEBD7ECC7D08966F26BE7CD72B231A0E9210D7C91B308862B0344C435"
#define SPEC_CERT_HASH "7993EF314C493DACE9F02D60E7E61C84B6690AAFE9D7AEEA92CBBE8AD599422D"
#define SPEC_MAC "52A68EFD8CFFBF52770B8F0FE8EC73716583AF6D611EB6D179B3B20840985449"
#define SPEC_CONNECTED "10010070000400010003006800000002" SPEC_NONCE \
		       SPEC_CERT_HASH SPEC_MAC
/* Independent values (Python hmac/hashlib) */
#define SPEC_CMK "ECF59AC9FE155CF0A9E7D66ADC1B363C1AD7BA91A9217F0CEC2A534298828DF6"
#define SHA1_CMK "C66969C82DD08BF075E320694ED27BF70E5DF145"
#define SHA1_MAC "0DC155A55D1779363CF5766A55FAA252A062E371"
#define ZERO_HLAK_MAC \
	"37350A9168E4697495F2F535721AF42BE80A185D6DC4C4DC929F8F87E304A616"
/* FIPS 180 "abc" */
#define SHA1_ABC "A9993E364706816ABA3E25717850C26C9CD0D89D"
#define SHA256_ABC \
	"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"

static void client_hlak(uint8_t *hlak)
{
	uint8_t send[16], recv[16];

	unhex(SEND_KEY, send);
	unhex(RECV_KEY, recv);
	azc_cb_hlak(send, recv, false, hlak);
}

static void test_hlak(void **state)
{
	uint8_t send[16], recv[16], c[32], s[32], z[32] = { 0 };

	(void)state;
	unhex(SEND_KEY, send);
	unhex(RECV_KEY, recv);
	azc_cb_hlak(send, recv, false, c);
	assert_hex(c, SEND_KEY RECV_KEY);
	/* The server's send key is the client's receive key */
	azc_cb_hlak(recv, send, true, s);
	assert_memory_equal(s, c, 32);
	memset(s, 0x55, sizeof(s));
	azc_cb_hlak(NULL, NULL, false, s);
	assert_memory_equal(s, z, 32);
}

static void test_spec_example(void **state)
{
	uint8_t hlak[32], cmk[32], mac[32], msg[112];

	(void)state;
	client_hlak(hlak);
	assert_int_equal(azc_cb_cmk(AZC_SSTP_HASH_SHA256, hlak, cmk), 32);
	assert_hex(cmk, SPEC_CMK);
	assert_int_equal(unhex(SPEC_CONNECTED, msg), 112);
	assert_int_equal(azc_cb_compound_mac(AZC_SSTP_HASH_SHA256, cmk, 32,
					     msg, mac), 0);
	assert_hex(mac, SPEC_MAC);
	/* The MAC field's content does not enter the computation */
	memset(msg + AZC_SSTP_CONNECTED_MAC_OFF, 0xee, 32);
	assert_int_equal(azc_cb_compound_mac(AZC_SSTP_HASH_SHA256, cmk, 32,
					     msg, mac), 0);
	assert_hex(mac, SPEC_MAC);
	/* Every other byte does */
	msg[20] ^= 1;
	assert_int_equal(azc_cb_compound_mac(AZC_SSTP_HASH_SHA256, cmk, 32,
					     msg, mac), 0);
	assert_memory_not_equal(mac, msg + AZC_SSTP_CONNECTED_MAC_OFF, 32);
	msg[20] ^= 1;
	unhex(SPEC_CONNECTED, msg);
	hlak[0] ^= 1;
	azc_cb_cmk(AZC_SSTP_HASH_SHA256, hlak, cmk);
	azc_cb_compound_mac(AZC_SSTP_HASH_SHA256, cmk, 32, msg, mac);
	assert_memory_not_equal(mac, msg + AZC_SSTP_CONNECTED_MAC_OFF, 32);
}

static void test_pap_zero_hlak(void **state)
{
	uint8_t hlak[32], cmk[32], mac[32], msg[112];

	(void)state;
	azc_cb_hlak(NULL, NULL, false, hlak);
	unhex(SPEC_CONNECTED, msg);
	assert_int_equal(azc_cb_cmk(AZC_SSTP_HASH_SHA256, hlak, cmk), 32);
	assert_int_equal(azc_cb_compound_mac(AZC_SSTP_HASH_SHA256, cmk, 32,
					     msg, mac), 0);
	assert_hex(mac, ZERO_HLAK_MAC);
}

static void test_cert_hash(void **state)
{
	uint8_t h[32], z[12] = { 0 };

	(void)state;
	assert_int_equal(azc_cb_cert_hash(AZC_SSTP_HASH_SHA256,
					  (const uint8_t *)"abc", 3, h), 0);
	assert_hex(h, SHA256_ABC);
	memset(h, 0x55, sizeof(h));
	assert_int_equal(azc_cb_cert_hash(AZC_SSTP_HASH_SHA1,
					  (const uint8_t *)"abc", 3, h), 0);
	assert_hex(h, SHA1_ABC);
	assert_memory_equal(h + 20, z, 12);
	assert_int_equal(azc_cb_cert_hash(3, (const uint8_t *)"abc", 3, h),
			 -EINVAL);
	assert_int_equal(azc_cb_cert_hash(0, (const uint8_t *)"abc", 3, h),
			 -EINVAL);
}

/* SHA-1 binding with the example's keys and nonce and "abc" as cert. */
static void test_sha1_build(void **state)
{
	uint8_t hlak[32], nonce[32], out[112], cmk[32];

	(void)state;
	client_hlak(hlak);
	unhex(SPEC_NONCE, nonce);
	assert_int_equal(azc_cb_cmk(AZC_SSTP_HASH_SHA1, hlak, cmk), 20);
	assert_hex(cmk, SHA1_CMK "000000000000000000000000");
	assert_int_equal(azc_cb_build_connected(AZC_SSTP_HASH_SHA1, hlak, nonce,
						(const uint8_t *)"abc", 3,
						out), 0);
	assert_hex(out, "10010070000400010003006800000001" SPEC_NONCE
		   SHA1_ABC "000000000000000000000000"
		   SHA1_MAC "000000000000000000000000");
	assert_int_equal(azc_cb_build_connected(7, hlak, nonce,
						(const uint8_t *)"abc", 3,
						out), -EINVAL);
}

static void test_verify(void **state)
{
	const uint8_t *cert = (const uint8_t *)"a DER certificate";
	uint8_t hlak[32], nonce[32], msg[128], other[32];
	const size_t clen = strlen((const char *)cert);
	int h;

	(void)state;
	client_hlak(hlak);
	unhex(SPEC_NONCE, nonce);
	for (h = AZC_SSTP_HASH_SHA1; h <= AZC_SSTP_HASH_SHA256; h++) {
		assert_int_equal(azc_cb_build_connected(h, hlak, nonce, cert,
							clen, msg), 0);
		assert_int_equal(azc_cb_verify_connected(msg, 112, 3, nonce,
							 cert, clen, hlak), 0);
		assert_int_equal(azc_cb_verify_connected(msg, 112, h, nonce,
							 cert, clen, hlak), 0);
		/* Hash protocol the server did not offer */
		assert_int_equal(azc_cb_verify_connected(msg, 112, 3 - h, nonce,
							 cert, clen, hlak),
				 -ENOTSUP);
		/* Another nonce, another certificate, another HLAK */
		memcpy(other, nonce, 32);
		other[31] ^= 1;
		assert_int_equal(azc_cb_verify_connected(msg, 112, 3, other,
							 cert, clen, hlak),
				 -EBADMSG);
		assert_int_equal(azc_cb_verify_connected(msg, 112, 3, nonce,
							 cert, clen - 1, hlak),
				 -EBADMSG);
		memcpy(other, hlak, 32);
		other[0] ^= 1;
		assert_int_equal(azc_cb_verify_connected(msg, 112, 3, nonce,
							 cert, clen, other),
				 -EACCES);
		/* A MAC byte, and the SHA-1 padding, changed in transit */
		msg[AZC_SSTP_CONNECTED_MAC_OFF + 5] ^= 0x10;
		assert_int_equal(azc_cb_verify_connected(msg, 112, 3, nonce,
							 cert, clen, hlak),
				 -EACCES);
		msg[AZC_SSTP_CONNECTED_MAC_OFF + 5] ^= 0x10;
		msg[111] ^= 1;
		assert_int_equal(azc_cb_verify_connected(msg, 112, 3, nonce,
							 cert, clen, hlak),
				 -EACCES);
		msg[111] ^= 1;
		/* Malformed or not a CALL_CONNECTED */
		assert_int_equal(azc_cb_verify_connected(msg, 111, 3, nonce,
							 cert, clen, hlak),
				 -EPROTO);
		msg[5] = AZC_SSTP_MSG_CALL_CONNECT_ACK;
		assert_int_equal(azc_cb_verify_connected(msg, 112, 3, nonce,
							 cert, clen, hlak),
				 -EPROTO);
	}
	assert_int_equal(azc_sstp_enc_echo_request(msg, sizeof(msg)), 8);
	assert_int_equal(azc_cb_verify_connected(msg, 8, 3, nonce, cert, clen,
						 hlak), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hlak),
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_pap_zero_hlak),
		cmocka_unit_test(test_cert_hash),
		cmocka_unit_test(test_sha1_build),
		cmocka_unit_test(test_verify),
	};

	return cmocka_run_group_tests_name("cryptobind", tests, NULL, NULL);
}
