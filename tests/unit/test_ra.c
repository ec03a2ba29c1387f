// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: Router Advertisements and the overlay prefix. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "base/util.h"
#include "relayd/ra.h"
#include "relayd/ula.h"
#include "testutil.h"

static void test_ra_bytes(void **state)
{
	struct azc_ra_params p = {
		.mtu = 1400,
		.valid_lft = AZC_RA_VALID_LFT,
		.preferred_lft = AZC_RA_PREFERRED_LFT,
	};
	uint8_t buf[64];

	(void)state;
	inet_pton(AF_INET6, "fd12:3456:789a:1::", &p.prefix);
	assert_int_equal(azc_ra_build(buf, sizeof(buf), &p), 56);
	assert_hex(buf,
		   /* RA, code 0, checksum 0, hop limit 64, no flags,
		    * router lifetime 0, reachable 0, retrans 0 */
		   "86 00 0000 40 00 0000 00000000 00000000"
		   /* Prefix Information: /64, L A, 86400 s, 14400 s */
		   "03 04 40 c0 00015180 00003840 00000000"
		   "fd12 3456 789a 0001 0000 0000 0000 0000"
		   /* MTU 1400 */
		   "05 01 0000 00000578");
	assert_int_equal(azc_ra_build(buf, 55, &p), -ENOSPC);
	p.mtu = 0;
	assert_int_equal(azc_ra_build(buf, 48, &p), 48);
}

static void test_ra_dns(void **state)
{
	struct in6_addr ns;
	struct azc_ra_params p = {
		.mtu = 1400,
		.valid_lft = AZC_RA_VALID_LFT,
		.preferred_lft = AZC_RA_PREFERRED_LFT,
		.rdnss = &ns,
		.dnssl = "azconnect.internal",
		.dns_lft = AZC_RA_DNS_LFT,
	};
	uint8_t buf[AZC_RA_MAX_LEN];

	(void)state;
	inet_pton(AF_INET6, "fd12:3456:789a:1::", &p.prefix);
	inet_pton(AF_INET6, "fd12:3456:789a:1::53", &ns);
	assert_int_equal(azc_ra_build(buf, sizeof(buf), &p), 56 + 24 + 32);
	assert_hex(buf + 56,
		   /* RDNSS: 3 x 8 bytes, reserved, 1800 s, one address */
		   "19 03 0000 00000708"
		   "fd12 3456 789a 0001 0000 0000 0000 0053"
		   /* DNSSL: 4 x 8 bytes, reserved, 1800 s, labels, padding */
		   "1f 04 0000 00000708"
		   "09 617a636f6e6e656374 08 696e7465726e616c 00"
		   "00 0000 0000");
	/* A trailing dot is the same domain; no room is ENOSPC */
	p.dnssl = "azconnect.internal.";
	assert_int_equal(azc_ra_build(buf, sizeof(buf), &p), 56 + 24 + 32);
	assert_int_equal(azc_ra_build(buf, 56 + 24 + 31, &p), -ENOSPC);
	assert_int_equal(azc_ra_build(buf, 56 + 23, &p), -ENOSPC);
	/* Only one of them; the root is no search domain */
	p.rdnss = NULL;
	assert_int_equal(azc_ra_build(buf, sizeof(buf), &p), 56 + 32);
	assert_int_equal(buf[56], 31);
	p.dnssl = ".";
	assert_int_equal(azc_ra_build(buf, sizeof(buf), &p), -EINVAL);
	p.dnssl = "a..b";
	assert_int_equal(azc_ra_build(buf, sizeof(buf), &p), -EINVAL);
	p.dnssl = NULL;
	p.rdnss = &ns;
	assert_int_equal(azc_ra_build(buf, sizeof(buf), &p), 56 + 24);
}

static void test_rs(void **state)
{
	uint8_t rs[16];

	(void)state;
	unhex("85 00 1234 00000000", rs);
	assert_int_equal(azc_rs_check(rs, 8, 255), 0);
	assert_int_equal(azc_rs_check(rs, 8, 254), -EINVAL);
	assert_int_equal(azc_rs_check(rs, 7, 255), -EINVAL);
	/* A Source Link-Layer Address option of 8 bytes */
	unhex("85 00 1234 00000000 01 01 020304050607", rs);
	assert_int_equal(azc_rs_check(rs, 16, 255), 0);
	/* Options of length 0 or running past the end */
	rs[9] = 0;
	assert_int_equal(azc_rs_check(rs, 16, 255), -EINVAL);
	rs[9] = 2;
	assert_int_equal(azc_rs_check(rs, 16, 255), -EINVAL);
	assert_int_equal(azc_rs_check(rs, 9, 255), -EINVAL);
	rs[0] = 134;
	assert_int_equal(azc_rs_check(rs, 8, 255), -EINVAL);
	unhex("85 01 1234 00000000", rs);
	assert_int_equal(azc_rs_check(rs, 8, 255), -EINVAL);
}

static void test_prefix(void **state)
{
	static const uint8_t iid[8] = { 0x02, 0, 0, 0, 0, 0, 0, 0x42 };
	struct in6_addr p, s, a;
	unsigned int plen;
	char buf[AZC_ULA_STRLEN];

	(void)state;
	assert_int_equal(azc_prefix_parse("fd12:3456:789a::/48", &p, &plen), 0);
	assert_int_equal(plen, 48);
	azc_ula_subnet(&p, 0x0102, &s);
	azc_prefix_format(&s, 64, buf, sizeof(buf));
	assert_string_equal(buf, "fd12:3456:789a:102::/64");
	azc_prefix_addr(&s, iid, &a);
	inet_ntop(AF_INET6, &a, buf, sizeof(buf));
	assert_string_equal(buf, "fd12:3456:789a:102:200::42");
	assert_int_equal(azc_prefix_parse("fd12:3456:789a:1::/64", &p, &plen), 0);
	assert_int_equal(plen, 64);
	assert_int_equal(azc_prefix_parse("fd12:3456:789a:1::/48", &p, &plen),
			 -EINVAL);
	assert_int_equal(azc_prefix_parse("fd12::/56", &p, &plen), -EINVAL);
	assert_int_equal(azc_prefix_parse("fd12::", &p, &plen), -EINVAL);
	assert_int_equal(azc_prefix_parse("nonsense/48", &p, &plen), -EINVAL);
}

static void test_ula_state(void **state)
{
	char dir[] = "/tmp/azc-ula.XXXXXX", path[256], err[256], line[64];
	struct in6_addr a, b;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(azc_ula_load(dir, &a, err, sizeof(err)), 0);
	assert_int_equal(a.s6_addr[0], 0xfd);
	assert_memory_equal(a.s6_addr + 6, "\0\0\0\0\0\0\0\0\0\0", 10);
	assert_int_equal(azc_ula_load(dir, &b, err, sizeof(err)), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	snprintf(path, sizeof(path), "%s/%s", dir, AZC_ULA_FILE);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_non_null(strstr(line, "::/48\n"));
	f = fopen(path, "w");
	fputs("garbage\n", f);
	fclose(f);
	assert_int_equal(azc_ula_load(dir, &b, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not an IPv6 /48 prefix"));
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ra_bytes),
		cmocka_unit_test(test_ra_dns),
		cmocka_unit_test(test_rs),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_ula_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
