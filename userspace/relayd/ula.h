/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The deployment's private network: an RFC 4193 unique local /48 (fd00::/8
 * and a random 40-bit Global ID), made on the relay's first start and kept
 * in its state directory, and the /64 of the overlay inside it.
 */

#ifndef AZC_ULA_H
#define AZC_ULA_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define AZC_ULA_FILE		"ula-prefix"
#define AZC_ULA_STRLEN		64

/* A new fdXX:XXXX:XXXX::/48 from random bytes; 0 or -EIO. */
int azc_ula_generate(struct in6_addr *p48);

/*
 * "ADDR/48" or "ADDR/64" (bits past the length must be 0) into @prefix
 * and @plen; -EINVAL otherwise.
 */
int azc_prefix_parse(const char *s, struct in6_addr *prefix,
		     unsigned int *plen);

/* "fd12:3456:789a::/48" into @buf (AZC_ULA_STRLEN) */
void azc_prefix_format(const struct in6_addr *prefix, unsigned int plen,
		       char *buf, size_t size);

/*
 * The /48 in @dir/AZC_ULA_FILE, made on first use; 0 or -errno with a
 * message in @err.
 */
int azc_ula_load(const char *dir, struct in6_addr *p48, char *err,
		 size_t errlen);

/* Subnet @subnet_id of a /48: the overlay /64. */
void azc_ula_subnet(const struct in6_addr *p48, uint16_t subnet_id,
		    struct in6_addr *p64);

#endif /* AZC_ULA_H */
