/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PPP frames as carried in SSTP data packets, and the packet layouts of
 * the PPP control protocols (RFC 1661, RFC 1332, RFC 5072).
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

#define AZC_PPP_ADDRESS		0xff
#define AZC_PPP_CONTROL		0x03
#define AZC_PPP_HDR_LEN		4	/* FF 03 + protocol */
#define AZC_PPP_CP_HDR_LEN	4	/* code, identifier, length */
#define AZC_PPP_DEFAULT_MRU	1500

/* Protocol numbers */
#define AZC_PPP_IPV4		0x0021
#define AZC_PPP_IPV6		0x0057
#define AZC_PPP_IPCP		0x8021
#define AZC_PPP_IPV6CP		0x8057
#define AZC_PPP_LCP		0xc021
#define AZC_PPP_PAP		0xc023
#define AZC_PPP_CHAP		0xc223
#define AZC_PPP_EAP		0xc227

/* Control protocol codes (RFC 1661 5) */
#define AZC_PPP_CONF_REQ	1
#define AZC_PPP_CONF_ACK	2
#define AZC_PPP_CONF_NAK	3
#define AZC_PPP_CONF_REJ	4
#define AZC_PPP_TERM_REQ	5
#define AZC_PPP_TERM_ACK	6
#define AZC_PPP_CODE_REJ	7
#define AZC_PPP_PROTO_REJ	8	/* LCP only */
#define AZC_PPP_ECHO_REQ	9	/* LCP only */
#define AZC_PPP_ECHO_REPLY	10	/* LCP only */
#define AZC_PPP_DISCARD_REQ	11	/* LCP only */

/* LCP options */
#define AZC_LCP_OPT_MRU		1
#define AZC_LCP_OPT_ACCM	2
#define AZC_LCP_OPT_AUTH	3
#define AZC_LCP_OPT_QUALITY	4
#define AZC_LCP_OPT_MAGIC	5
#define AZC_LCP_OPT_PFC		7
#define AZC_LCP_OPT_ACFC	8
#define AZC_LCP_OPT_CALLBACK	13
#define AZC_LCP_OPT_MRRU	17
#define AZC_LCP_OPT_ENDPOINT	19

#define AZC_CHAP_ALG_MD5	0x05
#define AZC_CHAP_ALG_MSCHAPV2	0x81

/* IPV6CP option (RFC 5072 4.1) */
#define AZC_IPV6CP_OPT_IID	1
#define AZC_IPV6CP_IID_LEN	8

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

enum azc_ppp_auth {
	AZC_PPP_AUTH_NONE,
	AZC_PPP_AUTH_PAP,
	AZC_PPP_AUTH_MSCHAPV2,
	AZC_PPP_AUTH_CHAP_MD5,
	AZC_PPP_AUTH_EAP,
	AZC_PPP_AUTH_OTHER,
};

struct azc_ppp_frame {
	u16 proto;
	const u8 *data;		/* information field */
	size_t len;
};

/* A control protocol packet; @data excludes the header and any padding. */
struct azc_ppp_cp {
	u8 code;
	u8 id;
	u16 len;		/* Length field */
	const u8 *data;
	size_t data_len;
};

struct azc_ppp_opt {
	u8 type;
	u8 len;			/* whole option, type and length included */
	const u8 *data;
	u8 data_len;
};

struct azc_ppp_opt_iter {
	const u8 *p;
	size_t left;
};

const char *azc_ppp_strerror(int err);

/* Whole PPP frame (FF 03, protocol, information) of @len bytes. */
int azc_ppp_frame_decode(const u8 *buf, size_t len, struct azc_ppp_frame *f);

/* Writes FF 03 and @proto; returns 4. */
int azc_ppp_put_hdr(u8 *buf, size_t size, u16 proto);

/* True for LCP, PAP, CHAP, IPCP and IPV6CP. */
bool azc_ppp_is_cp(u16 proto);

/* True when @code is defined for @proto's packets. */
bool azc_ppp_code_known(u16 proto, u8 code);

/*
 * Control packet header of @proto's information field. Bytes past the
 * Length field are padding and ignored (RFC 1661 5).
 */
int azc_ppp_cp_decode(u16 proto, const u8 *buf, size_t len,
		      struct azc_ppp_cp *cp);

/*
 * Whole frame: FF 03, @proto, @code, @id, Length, then @data. Returns the
 * frame length.
 */
int azc_ppp_cp_encode(u8 *buf, size_t size, u16 proto, u8 code, u8 id,
		      const u8 *data, size_t data_len);

/* Option iteration: 1 with @opt filled, 0 at the end, or an error. */
void azc_ppp_opt_iter_init(struct azc_ppp_opt_iter *it, const u8 *opts,
			   size_t len);
int azc_ppp_opt_next(struct azc_ppp_opt_iter *it, struct azc_ppp_opt *opt);
/* Checks a whole option list; returns the number of options. */
int azc_ppp_opts_validate(const u8 *opts, size_t len);

/* Appends one option; returns its length. */
int azc_ppp_opt_put(u8 *buf, size_t size, u8 type, const u8 *data,
		    size_t data_len);

/* Configure-Request/Ack/Nak/Reject with an option list. */
int azc_ppp_enc_configure(u8 *buf, size_t size, u16 proto, u8 code, u8 id,
			  const u8 *opts, size_t opts_len);
/* Terminate-Request/Ack, with optional data. */
int azc_ppp_enc_terminate(u8 *buf, size_t size, u16 proto, u8 code, u8 id,
			  const u8 *data, size_t data_len);
/* Code-Reject of @rej (a control packet), truncated to fit @mru. */
int azc_ppp_enc_code_reject(u8 *buf, size_t size, u16 proto, u8 id,
			    const u8 *rej, size_t rej_len, size_t mru);
/* LCP Protocol-Reject of a frame's information field, truncated to @mru. */
int azc_ppp_enc_proto_reject(u8 *buf, size_t size, u8 id, u16 rej_proto,
			     const u8 *info, size_t info_len, size_t mru);
/* LCP Echo-Request/Reply or Discard-Request: magic number, then data. */
int azc_ppp_enc_echo(u8 *buf, size_t size, u8 code, u8 id, u32 magic,
		     const u8 *data, size_t data_len);

/* LCP options */
int azc_lcp_opt_put_mru(u8 *buf, size_t size, u16 mru);
int azc_lcp_opt_put_magic(u8 *buf, size_t size, u32 magic);
int azc_lcp_opt_put_auth(u8 *buf, size_t size, enum azc_ppp_auth auth);
int azc_lcp_opt_mru(const struct azc_ppp_opt *opt, u16 *mru);
int azc_lcp_opt_magic(const struct azc_ppp_opt *opt, u32 *magic);
/* Classifies an Authentication-Protocol option into @auth. */
int azc_lcp_opt_auth(const struct azc_ppp_opt *opt, enum azc_ppp_auth *auth);
/* Options azconnect always Configure-Rejects: PFC and ACFC. */
bool azc_lcp_opt_always_reject(u8 type);

/* IPV6CP Interface-Identifier */
int azc_ipv6cp_opt_put_iid(u8 *buf, size_t size, const u8 *iid);
int azc_ipv6cp_opt_iid(const struct azc_ppp_opt *opt, u8 *iid);
bool azc_ipv6cp_iid_is_zero(const u8 *iid);

#endif /* _AZC_PROTO_PPP_H */
