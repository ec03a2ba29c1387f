// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: the shared helpers (userspace/lib/base/util.c). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/util.h"

static void test_iid_format(void **state)
{
	static const uint8_t iid[8] = { 0x02, 0x11, 0, 0xff, 1, 2, 3, 4 };
	char buf[AZC_IID_STRLEN], small[8];

	(void)state;
	azc_iid_format(iid, buf, sizeof(buf));
	assert_string_equal(buf, "0211:00ff:0102:0304");
	assert_int_equal(strlen(buf) + 1, AZC_IID_STRLEN);
	azc_iid_format(iid, small, sizeof(small));
	assert_string_equal(small, "0211:00");
}

static void test_escape(void **state)
{
	static const char forged[] = "web1\nMar  1 relayd: accepted\r\x1b[2J";
	char out[128];

	(void)state;
	azc_escape("plain text", 10, out, sizeof(out));
	assert_string_equal(out, "plain text");
	/* A peer cannot start a new log line or drive a terminal. */
	azc_escape(forged, sizeof(forged) - 1, out, sizeof(out));
	assert_string_equal(out,
			    "web1\\x0aMar  1 relayd: accepted\\x0d\\x1b[2J");
	/* Nor pass off an escape of its own, nor hide bytes after a NUL. */
	azc_escape("a\\x41\0b\xff", 8, out, sizeof(out));
	assert_string_equal(out, "a\\x5cx41\\x00b\\xff");
}

static void test_escape_line(void **state)
{
	char once[64], line[96], out[128];

	(void)state;
	/* A message that quotes an escaped name reads the same in the log. */
	azc_escape("a\nb", 3, once, sizeof(once));
	snprintf(line, sizeof(line), "name '%s'\n", once);
	azc_escape_line(line, out, sizeof(out));
	assert_string_equal(out, "name 'a\\x0ab'\\x0a");
}

static void test_escape_truncates(void **state)
{
	char out[6];

	(void)state;
	azc_escape("abcdefgh", 8, out, sizeof(out));
	assert_string_equal(out, "abcde");
	/* Never half an escape */
	azc_escape("abc\n", 4, out, sizeof(out));
	assert_string_equal(out, "abc");
	azc_escape("abc", 3, out, 0);
	azc_escape("abc", 3, out, 1);
	assert_string_equal(out, "");
}

static void test_clock(void **state)
{
	int64_t a, b;

	(void)state;
	a = azc_now_ms();
	b = azc_now_ms();
	assert_true(a > 0);
	assert_true(b >= a);
	assert_int_equal(AZC_ARRAY_SIZE((int[7]){ 0 }), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iid_format),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_line),
		cmocka_unit_test(test_escape_truncates),
		cmocka_unit_test(test_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
