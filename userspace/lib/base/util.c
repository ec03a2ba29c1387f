// SPDX-License-Identifier: GPL-2.0-only
/* Helpers every part of the user-space code uses (see util.h). */

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

int64_t azc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void escape(const void *in, size_t len, char *out, size_t size,
		   bool backslash)
{
	const unsigned char *p = in;
	size_t i, o = 0;

	if (!size)
		return;
	for (i = 0; i < len && o + 1 < size; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && (p[i] != '\\' || !backslash)) {
			out[o++] = (char)p[i];
			continue;
		}
		if (o + 5 > size)
			break;
		snprintf(out + o, size - o, "\\x%02x", p[i]);
		o += 4;
	}
	out[o] = '\0';
}

void azc_escape(const void *in, size_t len, char *out, size_t size)
{
	escape(in, len, out, size, true);
}

void azc_escape_line(const char *in, char *out, size_t size)
{
	escape(in, strlen(in), out, size, false);
}

void azc_iid_format(const uint8_t iid[8], char *buf, size_t size)
{
	snprintf(buf, size, "%02x%02x:%02x%02x:%02x%02x:%02x%02x", iid[0],
		 iid[1], iid[2], iid[3], iid[4], iid[5], iid[6], iid[7]);
}

bool azc_dns_label_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len > AZC_DNS_LABEL_MAX || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

void azc_prefix_addr(const struct in6_addr *p64, const uint8_t iid[8],
		     struct in6_addr *addr)
{
	memcpy(addr->s6_addr, p64->s6_addr, 8);
	memcpy(addr->s6_addr + 8, iid, 8);
}
