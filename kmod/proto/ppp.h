/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PPP frames as carried in SSTP data packets (RFC 1661 2). The control
 * protocols are user space's: userspace/lib/engine/ppp_cp.h.
 *
 * In SSTP a data packet holds one bare PPP frame: no flags, no escaping,
 * no FCS. Frames always start with FF 03 and a 2-byte protocol: azconnect
 * Configure-Rejects Protocol-Field-Compression and Address-and-Control-
 * Field-Compression, so a conforming peer never omits them, and LCP
 * packets must carry them in any case (RFC 1661 6.5, 6.6). A frame without
 * them is rejected.
 *
 * Functions returning int give a length, 0 or 1 on success and a negative
 * enum azc_ppp_err on failure.
 */

#ifndef _AZC_PROTO_PPP_H
#define _AZC_PROTO_PPP_H

#include "proto.h"
#include "sstp.h"

#define AZC_PPP_ADDRESS		0xff
#define AZC_PPP_CONTROL		0x03
#define AZC_PPP_HDR_LEN		4	/* FF 03 + protocol */
#define AZC_PPP_DEFAULT_MRU	1500	/* RFC 1661 6.1 */
/* Negotiable MRU: the IPv6 minimum link MTU, and what SSTP's 12-bit length
 * leaves after its own header and FF 03 plus the protocol.
 */
#define AZC_PPP_MRU_MIN		1280
#define AZC_PPP_MRU_MAX		(AZC_SSTP_MAX_DATA - AZC_PPP_HDR_LEN)

/* Protocol numbers */
#define AZC_PPP_IPV4		0x0021
#define AZC_PPP_IPV6		0x0057
#define AZC_PPP_IPCP		0x8021
#define AZC_PPP_IPV6CP		0x8057
#define AZC_PPP_LCP		0xc021
#define AZC_PPP_PAP		0xc023
#define AZC_PPP_CHAP		0xc223
#define AZC_PPP_EAP		0xc227

enum azc_ppp_err {
	AZC_PPP_OK,
	AZC_PPP_E_SHORT,	/* fewer bytes than the header needs */
	AZC_PPP_E_ADDR_CTRL,	/* frame does not start with FF 03 */
	AZC_PPP_E_PROTO,	/* malformed or unexpected protocol number */
	AZC_PPP_E_LENGTH,	/* Length field below 4 or past the frame */
	AZC_PPP_E_CODE,		/* code not valid for this packet */
	AZC_PPP_E_OPT_TRUNC,	/* one byte left: no room for an option */
	AZC_PPP_E_OPT_LEN,	/* option length below 2 or wrong for type */
	AZC_PPP_E_OPT_OVERFLOW,	/* option runs past the packet */
	AZC_PPP_E_FORMAT,	/* malformed authentication message */
	AZC_PPP_E_NOSPACE,	/* encode: output buffer too small */
	AZC_PPP_E_INVAL,	/* encode: bad argument */
	AZC_PPP_E_MAX
};

struct azc_ppp_frame {
	u16 proto;
	const u8 *data;		/* information field */
	size_t len;
};

/* Whole PPP frame (FF 03, protocol, information) of @len bytes. */
int azc_ppp_frame_decode(const u8 *buf, size_t len, struct azc_ppp_frame *f);

/* Writes FF 03 and @proto; returns 4. */
int azc_ppp_put_hdr(u8 *buf, size_t size, u16 proto);

#endif /* _AZC_PROTO_PPP_H */
