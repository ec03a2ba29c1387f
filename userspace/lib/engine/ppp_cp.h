/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PPP control protocol packets and options (RFC 1661, RFC 1332, RFC 5072),
 * on the frames of kmod/proto/ppp.h. Pure code: no allocation, no I/O.
 *
 * Functions returning int give a length, 0 or 1 on success and a negative
 * enum azc_ppp_err on failure.
 */

#ifndef AZC_PPP_CP_H
#define AZC_PPP_CP_H

#include "proto/ppp.h"

#define AZC_PPP_CP_HDR_LEN	4	/* code, identifier, length */

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

enum azc_ppp_auth {
	AZC_PPP_AUTH_NONE,
	AZC_PPP_AUTH_PAP,
	AZC_PPP_AUTH_MSCHAPV2,
	AZC_PPP_AUTH_CHAP_MD5,
	AZC_PPP_AUTH_EAP,
	AZC_PPP_AUTH_OTHER,
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

#endif /* AZC_PPP_CP_H */
