// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: interface identifier assignment (userspace/relayd/iid.c).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>

#include "relayd/iid.h"

static const uint8_t salt1[AZC_IID_SALT_LEN] = { 1, 2, 3 };
static const uint8_t salt2[AZC_IID_SALT_LEN] = { 9, 8, 7 };
static const uint8_t zero[AZC_IID_LEN];

static void test_stable(void **state)
{
	struct azc_iid_table a, b;
	uint8_t x[AZC_IID_LEN], y[AZC_IID_LEN], z[AZC_IID_LEN];

	(void)state;
	azc_iid_init(&a, salt1);
	azc_iid_init(&b, salt1);
	assert_int_equal(azc_iid_assign(&a, "other", x), 0);
	assert_int_equal(azc_iid_assign(&a, "web1", x), 0);
	assert_int_equal(azc_iid_assign(&a, "web1", y), 0);
	assert_memory_equal(x, y, AZC_IID_LEN);
	/* another relay run, another order: same IID */
	assert_int_equal(azc_iid_assign(&b, "web1", y), 0);
	assert_memory_equal(x, y, AZC_IID_LEN);
	/* what the derivation says, counter 0 */
	assert_int_equal(azc_iid_derive(salt1, "web1", 0, z), 0);
	assert_memory_equal(x, z, AZC_IID_LEN);
	/* another salt: another IID */
	assert_int_equal(azc_iid_derive(salt2, "web1", 0, z), 0);
	assert_memory_not_equal(x, z, AZC_IID_LEN);
	azc_iid_free(&a);
	azc_iid_free(&b);
}

static void test_ul_bit_nonzero(void **state)
{
	struct azc_iid_table t;
	uint8_t x[AZC_IID_LEN];
	char name[32];
	int i;

	(void)state;
	azc_iid_init(&t, salt1);
	assert_int_equal(t.relay_iid[0] & 0x02, 0);
	assert_memory_not_equal(t.relay_iid, zero, AZC_IID_LEN);
	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "ep%d", i);
		assert_int_equal(azc_iid_assign(&t, name, x), 0);
		assert_int_equal(x[0] & 0x02, 0);
		assert_memory_not_equal(x, zero, AZC_IID_LEN);
		assert_memory_not_equal(x, t.relay_iid, AZC_IID_LEN);
	}
	azc_iid_free(&t);
}

/* Forced collisions: the slot an IID would take is already used. */
static void test_collision(void **state)
{
	struct azc_iid_table t;
	uint8_t c0[AZC_IID_LEN], c1[AZC_IID_LEN], c2[AZC_IID_LEN];
	uint8_t x[AZC_IID_LEN], y[AZC_IID_LEN];
	size_t i;

	(void)state;
	azc_iid_init(&t, salt1);
	assert_int_equal(azc_iid_derive(salt1, "web1", 0, c0), 0);
	assert_int_equal(azc_iid_derive(salt1, "web1", 1, c1), 0);
	assert_int_equal(azc_iid_derive(salt1, "web1", 2, c2), 0);
	/* "intruder" holds web1's first candidate */
	t.e = calloc(1, sizeof(*t.e));
	t.e[0].name = strdup("intruder");
	memcpy(t.e[0].iid, c0, AZC_IID_LEN);
	t.n = 1;
	/* and the relay's own IID is web1's second candidate */
	memcpy(t.relay_iid, c1, AZC_IID_LEN);
	assert_int_equal(azc_iid_assign(&t, "web1", x), 0);
	assert_memory_equal(x, c2, AZC_IID_LEN);
	assert_int_equal(azc_iid_assign(&t, "web1", y), 0);
	assert_memory_equal(x, y, AZC_IID_LEN);
	/* unique across the table */
	assert_int_equal(azc_iid_assign(&t, "web2", y), 0);
	for (i = 0; i + 1 < t.n; i++)
		assert_memory_not_equal(t.e[i].iid, t.e[t.n - 1].iid,
					AZC_IID_LEN);
	azc_iid_free(&t);
}

static void test_salt_file(void **state)
{
	char dir[] = "/tmp/azc-test-iid-XXXXXX", path[64], err[256];
	uint8_t s1[AZC_IID_SALT_LEN], s2[AZC_IID_SALT_LEN];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(azc_iid_salt_load(dir, s1, err, sizeof(err)), 0);
	assert_int_equal(azc_iid_salt_load(dir, s2, err, sizeof(err)), 0);
	assert_memory_equal(s1, s2, AZC_IID_SALT_LEN);
	snprintf(path, sizeof(path), "%s/%s", dir, AZC_IID_SALT_FILE);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_ul_bit_nonzero),
		cmocka_unit_test(test_collision),
		cmocka_unit_test(test_salt_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
