/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SSTP packet framing (MS-SSTP 2.2): the 4-byte header that every packet
 * starts with, for the kernel's data path and user space alike. Control
 * messages are user space's: userspace/lib/engine/sstp_ctrl.h.
 *
 * Decoders take one whole packet and never read outside it. Functions
 * returning int give a length or 0 on success and a negative
 * enum azc_sstp_err on failure.
 */

#ifndef _AZC_PROTO_SSTP_H
#define _AZC_PROTO_SSTP_H

#include "proto.h"

#define AZC_SSTP_VERSION		0x10
#define AZC_SSTP_HDR_LEN		4
#define AZC_SSTP_CTRL_HDR_LEN		8
#define AZC_SSTP_MAX_LEN		4095
#define AZC_SSTP_MAX_DATA		(AZC_SSTP_MAX_LEN - AZC_SSTP_HDR_LEN)
#define AZC_SSTP_LEN_MASK		0x0fff
#define AZC_SSTP_C_BIT			0x01

enum azc_sstp_err {
	AZC_SSTP_OK,
	AZC_SSTP_E_SHORT,		/* fewer bytes than a header */
	AZC_SSTP_E_VERSION,		/* version is not 0x10 */
	AZC_SSTP_E_BAD_LENGTH,		/* length field below the minimum */
	AZC_SSTP_E_LENGTH_MISMATCH,	/* length field != bytes given */
	AZC_SSTP_E_NOT_CONTROL,		/* C bit clear where control expected */
	AZC_SSTP_E_MSG_TYPE,		/* unknown message type */
	AZC_SSTP_E_ATTR_OVERFLOW,	/* attribute runs past the packet */
	AZC_SSTP_E_TRAILING,		/* bytes after the last attribute */
	AZC_SSTP_E_ATTR_DUPLICATE,
	AZC_SSTP_E_ATTR_UNKNOWN,
	AZC_SSTP_E_ATTR_LENGTH,		/* wrong length for its type */
	AZC_SSTP_E_ATTR_VALUE,		/* value not supported */
	AZC_SSTP_E_ATTR_NOT_IN_MSG,	/* attribute not allowed here */
	AZC_SSTP_E_STATUS_NOT_IN_MSG,	/* Status Info not allowed here */
	AZC_SSTP_E_ATTR_MISSING,	/* required attribute absent */
	AZC_SSTP_E_TOO_BIG,		/* encode: over 4095 bytes */
	AZC_SSTP_E_NOSPACE,		/* encode: output buffer too small */
	AZC_SSTP_E_INVAL,		/* encode: bad argument */
	AZC_SSTP_E_MAX
};

struct azc_sstp_hdr {
	bool control;
	u16 len;			/* whole packet, header included */
};

/*
 * Stream reassembly: given the first @avail bytes of the next packet,
 * returns the packet's total length (more than @avail: read more; 4 when
 * the header is incomplete) or a negative error when the stream cannot
 * be delineated; the connection must then be dropped (MS-SSTP 3.1.5.1).
 */
int azc_sstp_frame_need(const u8 *buf, size_t avail);

/* Header of exactly one packet of @len bytes. */
int azc_sstp_hdr_decode(const u8 *buf, size_t len, struct azc_sstp_hdr *hdr);

/* Writes the header of a packet of @len bytes, control or data. */
void azc_sstp_put_hdr(u8 *buf, bool control, u16 len);

/* Data packet: writes the 4-byte header for @payload_len bytes of PPP. */
int azc_sstp_enc_data_hdr(u8 *buf, size_t size, size_t payload_len);

#endif /* _AZC_PROTO_SSTP_H */
