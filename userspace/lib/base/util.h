/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers that every part of the user-space code uses, each written once:
 * array sizes, the monotonic clock, text from a peer made safe for logs
 * and error messages, interface identifiers as text, DNS labels.
 */

#ifndef AZC_UTIL_H
#define AZC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

#define AZC_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* CLOCK_MONOTONIC in milliseconds: timers and deadlines. */
int64_t azc_now_ms(void);

/*
 * @len bytes of untrusted text into @out (@size bytes, NUL-terminated):
 * printable ASCII as is, anything else (control characters, newlines,
 * bytes over 0x7e) as \xNN, so that a peer can neither forge log lines
 * nor hide text. Truncated to fit, never in the middle of an escape.
 * A backslash is escaped too (\x5c), so the result reads back exactly.
 */
void azc_escape(const void *in, size_t len, char *out, size_t size);
/*
 * The same for a whole log line, except backslashes: the line may hold
 * text escaped already, which must not be escaped twice.
 */
void azc_escape_line(const char *in, char *out, size_t size);

/* "xxxx:xxxx:xxxx:xxxx" and its NUL */
#define AZC_IID_STRLEN		20

/* An 8-byte interface identifier as the last 64 bits of an address. */
void azc_iid_format(const uint8_t iid[8], char *buf, size_t size);

/* @p64 (a /64 prefix) with the interface identifier @iid */
void azc_prefix_addr(const struct in6_addr *p64, const uint8_t iid[8],
		     struct in6_addr *addr);

/* DNS, where the name service and every forwarder listen */
#define AZC_DNS_PORT		53
#define AZC_DNS_LABEL_MAX	63
#define AZC_DNS_NAME_MAX	253

/*
 * @len bytes at @s are a DNS label of letters, digits and hyphens (1 to
 * 63, no hyphen at either end), as host names are (RFC 952, 1123): what
 * an endpoint may register in the name service.
 */
bool azc_dns_label_ok(const char *s, size_t len);

#endif /* AZC_UTIL_H */
