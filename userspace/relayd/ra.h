/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Router Advertisements of the relay and the Router Solicitations they
 * answer (RFC 4861 4.1, 4.2, 4.6.2, 4.6.4, 6.1.1), as ICMPv6 messages
 * for a raw socket: the kernel fills in the checksum on send and checks
 * it on receive.
 *
 * The relay is not a default router (router lifetime 0): endpoints route
 * only the overlay prefix to it, which they learn from the one Prefix
 * Information option (on-link, autonomous: SLAAC), with the device MTU.
 * With a name service, RDNSS and DNSSL options (RFC 8106) name its
 * address and its zone.
 */

#ifndef AZC_RA_H
#define AZC_RA_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define AZC_RA_LEN		56	/* header, prefix, MTU */
#define AZC_RA_MAX_LEN		(AZC_RA_LEN + 24 + 8 + 256)	/* + RDNSS, DNSSL */
/* RFC 8106 5.1: at least 3 x MaxRtrAdvInterval (600 s here) */
#define AZC_RA_DNS_LFT		1800
#define AZC_RA_VALID_LFT	86400
#define AZC_RA_PREFERRED_LFT	14400
#define AZC_RA_INTERVAL_MS	600000	/* unsolicited, every 10 minutes */
#define AZC_ND_HOP_LIMIT	255

struct azc_ra_params {
	struct in6_addr prefix;		/* a /64 */
	uint32_t mtu;			/* 0: no MTU option */
	uint32_t valid_lft;		/* seconds */
	uint32_t preferred_lft;
	const struct in6_addr *rdnss;	/* NULL: no RDNSS option */
	const char *dnssl;		/* a domain; NULL: no DNSSL option */
	uint32_t dns_lft;		/* both options' lifetime, seconds */
};

/* The RA into @buf; its length, -ENOSPC, or -EINVAL for a bad domain. */
int azc_ra_build(uint8_t *buf, size_t size, const struct azc_ra_params *p);

/*
 * 0 when @buf (@len bytes, received with hop limit @hoplimit) is a valid
 * Router Solicitation, -EINVAL otherwise (and for other ICMPv6 types).
 */
int azc_rs_check(const uint8_t *buf, size_t len, int hoplimit);

#endif /* AZC_RA_H */
