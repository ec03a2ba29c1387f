// SPDX-License-Identifier: GPL-2.0-only
/* Router Advertisements and Solicitations (see ra.h). */

#include <errno.h>
#include <string.h>

#include <ldns/ldns.h>

#include "ra.h"

#define ND_RS			133
#define ND_RA			134
#define ND_OPT_PREFIX		3
#define ND_OPT_MTU		5
#define ND_OPT_RDNSS		25
#define ND_OPT_DNSSL		31
#define ND_PI_L			0x80
#define ND_PI_A			0x40
#define RA_HDR_LEN		16
#define RA_CUR_HOP_LIMIT	64

static void azc_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * RFC 8106 5.1, 5.2: one recursive DNS server; one search domain, in DNS
 * wire format (uncompressed labels, ldns makes them), zero-padded to
 * 8 bytes. At @o; their length, or a negative errno.
 */
static int azc_ra_dns_opts(uint8_t *o, size_t room,
			   const struct azc_ra_params *p)
{
	size_t len = 0, dlen, olen;
	ldns_rdf *d;

	if (p->rdnss) {
		if (room < 24)
			return -ENOSPC;
		memset(o, 0, 24);
		o[0] = ND_OPT_RDNSS;
		o[1] = 3;
		azc_put_be32(o + 4, p->dns_lft);
		memcpy(o + 8, p->rdnss->s6_addr, 16);
		len = 24;
	}
	if (p->dnssl) {
		if (ldns_str2rdf_dname(&d, p->dnssl) != LDNS_STATUS_OK)
			return -EINVAL;
		dlen = ldns_rdf_size(d);
		olen = (8 + dlen + 7) / 8 * 8;
		if (dlen <= 1 || room - len < olen) {
			ldns_rdf_deep_free(d);
			return dlen <= 1 ? -EINVAL : -ENOSPC;
		}
		memset(o + len, 0, olen);
		o[len] = ND_OPT_DNSSL;
		o[len + 1] = (uint8_t)(olen / 8);
		azc_put_be32(o + len + 4, p->dns_lft);
		memcpy(o + len + 8, ldns_rdf_data(d), dlen);
		ldns_rdf_deep_free(d);
		len += olen;
	}
	return (int)len;
}

int azc_ra_build(uint8_t *buf, size_t size, const struct azc_ra_params *p)
{
	uint8_t *o = buf + RA_HDR_LEN;
	size_t len = AZC_RA_LEN - (p->mtu ? 0 : 8);
	int dns;

	if (size < len)
		return -ENOSPC;
	dns = azc_ra_dns_opts(buf + len, size - len, p);
	if (dns < 0)
		return dns;
	memset(buf, 0, len);
	buf[0] = ND_RA;
	buf[4] = RA_CUR_HOP_LIMIT;
	/* flags, router lifetime, reachable time, retrans timer: 0 */

	o[0] = ND_OPT_PREFIX;
	o[1] = 4;
	o[2] = 64;
	o[3] = ND_PI_L | ND_PI_A;
	azc_put_be32(o + 4, p->valid_lft);
	azc_put_be32(o + 8, p->preferred_lft);
	memcpy(o + 16, p->prefix.s6_addr, 8);	/* the rest stays 0 */
	if (p->mtu) {
		o += 32;
		o[0] = ND_OPT_MTU;
		o[1] = 1;
		azc_put_be32(o + 4, p->mtu);
	}
	return (int)(len + (size_t)dns);
}

int azc_rs_check(const uint8_t *buf, size_t len, int hoplimit)
{
	size_t off = 8, olen;

	if (hoplimit != AZC_ND_HOP_LIMIT || len < 8 || buf[0] != ND_RS ||
	    buf[1] != 0)
		return -EINVAL;
	while (off < len) {
		if (len - off < 2 || !buf[off + 1])
			return -EINVAL;
		olen = (size_t)buf[off + 1] * 8;
		if (olen > len - off)
			return -EINVAL;
		off += olen;
	}
	return 0;
}
