// SPDX-License-Identifier: GPL-2.0-only
/*
 * SSTP packet framing (MS-SSTP 2.2.1, 2.2.2): what the kernel needs to
 * delineate the stream and to frame data. Control messages are user
 * space's (userspace/lib/engine/sstp_ctrl.c).
 */

#include "sstp.h"

int azc_sstp_frame_need(const u8 *buf, size_t avail)
{
	u16 len;

	if (avail >= 1 && buf[0] != AZC_SSTP_VERSION)
		return -AZC_SSTP_E_VERSION;
	if (avail < AZC_SSTP_HDR_LEN)
		return AZC_SSTP_HDR_LEN;
	len = azc_get_be16(buf + 2) & AZC_SSTP_LEN_MASK;
	if (len < AZC_SSTP_HDR_LEN)
		return -AZC_SSTP_E_BAD_LENGTH;
	return len;
}

int azc_sstp_hdr_decode(const u8 *buf, size_t len, struct azc_sstp_hdr *hdr)
{
	u16 plen;

	if (len < AZC_SSTP_HDR_LEN)
		return -AZC_SSTP_E_SHORT;
	if (buf[0] != AZC_SSTP_VERSION)
		return -AZC_SSTP_E_VERSION;
	plen = azc_get_be16(buf + 2) & AZC_SSTP_LEN_MASK;
	if (plen < AZC_SSTP_HDR_LEN)
		return -AZC_SSTP_E_BAD_LENGTH;
	if (plen != len)
		return -AZC_SSTP_E_LENGTH_MISMATCH;
	hdr->control = buf[1] & AZC_SSTP_C_BIT;
	hdr->len = plen;
	return 0;
}

void azc_sstp_put_hdr(u8 *buf, bool control, u16 len)
{
	buf[0] = AZC_SSTP_VERSION;
	buf[1] = control ? AZC_SSTP_C_BIT : 0;
	azc_put_be16(buf + 2, len);
}

int azc_sstp_enc_data_hdr(u8 *buf, size_t size, size_t payload_len)
{
	if (payload_len > AZC_SSTP_MAX_DATA)
		return -AZC_SSTP_E_TOO_BIG;
	if (size < AZC_SSTP_HDR_LEN)
		return -AZC_SSTP_E_NOSPACE;
	azc_sstp_put_hdr(buf, false, AZC_SSTP_HDR_LEN + payload_len);
	return AZC_SSTP_HDR_LEN;
}
