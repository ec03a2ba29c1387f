// SPDX-License-Identifier: GPL-2.0-only
/*
 * PPP frames in SSTP data packets: the header the kernel checks and
 * writes. Control protocols are user space's
 * (userspace/lib/engine/ppp_cp.c).
 */

#include "ppp.h"

int azc_ppp_frame_decode(const u8 *buf, size_t len, struct azc_ppp_frame *f)
{
	if (len < AZC_PPP_HDR_LEN)
		return -AZC_PPP_E_SHORT;
	if (buf[0] != AZC_PPP_ADDRESS || buf[1] != AZC_PPP_CONTROL)
		return -AZC_PPP_E_ADDR_CTRL;
	/* RFC 1661 2: the protocol number is odd, its high octet even. */
	if (!(buf[3] & 1) || (buf[2] & 1))
		return -AZC_PPP_E_PROTO;
	f->proto = azc_get_be16(buf + 2);
	f->data = buf + AZC_PPP_HDR_LEN;
	f->len = len - AZC_PPP_HDR_LEN;
	return 0;
}

int azc_ppp_put_hdr(u8 *buf, size_t size, u16 proto)
{
	if (size < AZC_PPP_HDR_LEN)
		return -AZC_PPP_E_NOSPACE;
	buf[0] = AZC_PPP_ADDRESS;
	buf[1] = AZC_PPP_CONTROL;
	azc_put_be16(buf + 2, proto);
	return AZC_PPP_HDR_LEN;
}
