/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the unit tests. Include after <cmocka.h>. */

#ifndef AZC_TESTUTIL_H
#define AZC_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Hex digits, spaces ignored, into @out; returns the byte count. */
static inline size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned int v;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* @got must start with the bytes that @want_hex spells. */
static inline void assert_hex(const uint8_t *got, const char *want_hex)
{
	uint8_t want[128];
	size_t n = unhex(want_hex, want);

	assert_memory_equal(got, want, n);
}

#endif /* AZC_TESTUTIL_H */
