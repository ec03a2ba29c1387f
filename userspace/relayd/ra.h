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
 */

#ifndef AZC_RA_H
#define AZC_RA_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define AZC_RA_LEN		56	/* header, prefix, MTU */
#define AZC_RA_VALID_LFT	86400
#define AZC_RA_PREFERRED_LFT	14400
#define AZC_RA_INTERVAL_MS	600000	/* unsolicited, every 10 minutes */
#define AZC_ND_HOP_LIMIT	255

struct azc_ra_params {
	struct in6_addr prefix;		/* a /64 */
	uint32_t mtu;			/* 0: no MTU option */
	uint32_t valid_lft;		/* seconds */
	uint32_t preferred_lft;
};

/* The RA into @buf; its length, or -ENOSPC. */
int azc_ra_build(uint8_t *buf, size_t size, const struct azc_ra_params *p);

/*
 * 0 when @buf (@len bytes, received with hop limit @hoplimit) is a valid
 * Router Solicitation, -EINVAL otherwise (and for other ICMPv6 types).
 */
int azc_rs_check(const uint8_t *buf, size_t len, int hoplimit);

#endif /* AZC_RA_H */
