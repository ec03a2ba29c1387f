// SPDX-License-Identifier: GPL-2.0-only
/* PPP control protocol packets (RFC 1661 5) and their options. */

#include "ppp_cp.h"

#define AZC_PPP_IDENTIFICATION	12	/* RFC 1570; Windows sends it */
#define AZC_PPP_TIME_REMAINING	13	/* RFC 1570 */
#define AZC_PPP_CP_MAX_LEN	0xffff
#define AZC_PPP_OPT_MAX_LEN	0xff

static const char * const azc_ppp_errs[AZC_PPP_E_MAX] = {
	[AZC_PPP_OK] = "success",
	[AZC_PPP_E_SHORT] = "shorter than a PPP header",
	[AZC_PPP_E_ADDR_CTRL] = "no FF 03 address and control fields",
	[AZC_PPP_E_PROTO] = "malformed or unexpected protocol number",
	[AZC_PPP_E_LENGTH] = "length field below 4 or past the frame",
	[AZC_PPP_E_CODE] = "unexpected code",
	[AZC_PPP_E_OPT_TRUNC] = "truncated option",
	[AZC_PPP_E_OPT_LEN] = "invalid option length",
	[AZC_PPP_E_OPT_OVERFLOW] = "option runs past the packet",
	[AZC_PPP_E_FORMAT] = "malformed authentication message",
	[AZC_PPP_E_NOSPACE] = "output buffer too small",
	[AZC_PPP_E_INVAL] = "invalid argument",
};

const char *azc_ppp_strerror(int err)
{
	unsigned int e = err < 0 ? -(unsigned int)err : (unsigned int)err;

	return e < AZC_PPP_E_MAX ? azc_ppp_errs[e] : "unknown PPP error";
}

bool azc_ppp_is_cp(u16 proto)
{
	switch (proto) {
	case AZC_PPP_LCP:
	case AZC_PPP_PAP:
	case AZC_PPP_CHAP:
	case AZC_PPP_IPCP:
	case AZC_PPP_IPV6CP:
		return true;
	}
	return false;
}

bool azc_ppp_code_known(u16 proto, u8 code)
{
	switch (proto) {
	case AZC_PPP_LCP:
		return code >= AZC_PPP_CONF_REQ &&
		       code <= AZC_PPP_TIME_REMAINING;
	case AZC_PPP_IPCP:
	case AZC_PPP_IPV6CP:
		return code >= AZC_PPP_CONF_REQ && code <= AZC_PPP_CODE_REJ;
	case AZC_PPP_PAP:
		return code >= 1 && code <= 3;
	case AZC_PPP_CHAP:
		return code >= 1 && code <= 4;
	}
	return false;
}

int azc_ppp_cp_decode(u16 proto, const u8 *buf, size_t len,
		      struct azc_ppp_cp *cp)
{
	u16 plen;

	if (!azc_ppp_is_cp(proto))
		return -AZC_PPP_E_PROTO;
	if (len < AZC_PPP_CP_HDR_LEN)
		return -AZC_PPP_E_SHORT;
	plen = azc_get_be16(buf + 2);
	if (plen < AZC_PPP_CP_HDR_LEN || plen > len)
		return -AZC_PPP_E_LENGTH;
	cp->code = buf[0];
	cp->id = buf[1];
	cp->len = plen;
	cp->data = buf + AZC_PPP_CP_HDR_LEN;
	cp->data_len = plen - AZC_PPP_CP_HDR_LEN;
	return 0;
}

/* Checks that a packet with @data_len bytes of data fits in @size. */
static int azc_ppp_cp_room(size_t size, size_t data_len)
{
	if (data_len > AZC_PPP_CP_MAX_LEN - AZC_PPP_CP_HDR_LEN)
		return -AZC_PPP_E_INVAL;
	if (size < AZC_PPP_HDR_LEN + AZC_PPP_CP_HDR_LEN ||
	    size - AZC_PPP_HDR_LEN - AZC_PPP_CP_HDR_LEN < data_len)
		return -AZC_PPP_E_NOSPACE;
	return 0;
}

/*
 * Frame and control header; returns 8. Callers move their data into place
 * first: it may lie in @buf, as when rejecting a received packet in place.
 */
static int azc_ppp_cp_put_hdr(u8 *buf, u16 proto, u8 code, u8 id,
			      size_t data_len)
{
	buf[0] = AZC_PPP_ADDRESS;
	buf[1] = AZC_PPP_CONTROL;
	azc_put_be16(buf + 2, proto);
	buf[4] = code;
	buf[5] = id;
	azc_put_be16(buf + 6, AZC_PPP_CP_HDR_LEN + data_len);
	return AZC_PPP_HDR_LEN + AZC_PPP_CP_HDR_LEN;
}

int azc_ppp_cp_encode(u8 *buf, size_t size, u16 proto, u8 code, u8 id,
		      const u8 *data, size_t data_len)
{
	int ret;

	if (data_len && !data)
		return -AZC_PPP_E_INVAL;
	ret = azc_ppp_cp_room(size, data_len);
	if (ret < 0)
		return ret;
	if (data_len)
		memmove(buf + AZC_PPP_HDR_LEN + AZC_PPP_CP_HDR_LEN, data,
			data_len);
	return azc_ppp_cp_put_hdr(buf, proto, code, id, data_len) + data_len;
}

void azc_ppp_opt_iter_init(struct azc_ppp_opt_iter *it, const u8 *opts,
			   size_t len)
{
	it->p = opts;
	it->left = len;
}

int azc_ppp_opt_next(struct azc_ppp_opt_iter *it, struct azc_ppp_opt *opt)
{
	u8 olen;

	if (it->left == 0)
		return 0;
	if (it->left < 2)
		return -AZC_PPP_E_OPT_TRUNC;
	olen = it->p[1];
	if (olen < 2)
		return -AZC_PPP_E_OPT_LEN;
	if (olen > it->left)
		return -AZC_PPP_E_OPT_OVERFLOW;
	opt->type = it->p[0];
	opt->len = olen;
	opt->data = it->p + 2;
	opt->data_len = olen - 2;
	it->p += olen;
	it->left -= olen;
	return 1;
}

int azc_ppp_opts_validate(const u8 *opts, size_t len)
{
	struct azc_ppp_opt_iter it;
	struct azc_ppp_opt opt;
	int n = 0, ret;

	azc_ppp_opt_iter_init(&it, opts, len);
	while ((ret = azc_ppp_opt_next(&it, &opt)) > 0)
		n++;
	return ret < 0 ? ret : n;
}

int azc_ppp_opt_put(u8 *buf, size_t size, u8 type, const u8 *data,
		    size_t data_len)
{
	if (data_len > AZC_PPP_OPT_MAX_LEN - 2 || (data_len && !data))
		return -AZC_PPP_E_INVAL;
	if (size < 2 + data_len)
		return -AZC_PPP_E_NOSPACE;
	if (data_len)
		memmove(buf + 2, data, data_len);
	buf[0] = type;
	buf[1] = 2 + data_len;
	return 2 + data_len;
}

int azc_ppp_enc_configure(u8 *buf, size_t size, u16 proto, u8 code, u8 id,
			  const u8 *opts, size_t opts_len)
{
	if (code < AZC_PPP_CONF_REQ || code > AZC_PPP_CONF_REJ)
		return -AZC_PPP_E_INVAL;
	return azc_ppp_cp_encode(buf, size, proto, code, id, opts, opts_len);
}

int azc_ppp_enc_terminate(u8 *buf, size_t size, u16 proto, u8 code, u8 id,
			  const u8 *data, size_t data_len)
{
	if (code != AZC_PPP_TERM_REQ && code != AZC_PPP_TERM_ACK)
		return -AZC_PPP_E_INVAL;
	return azc_ppp_cp_encode(buf, size, proto, code, id, data, data_len);
}

int azc_ppp_enc_code_reject(u8 *buf, size_t size, u16 proto, u8 id,
			    const u8 *rej, size_t rej_len, size_t mru)
{
	/* RFC 1661 5.6: truncated to the peer's MRU */
	if (mru < AZC_PPP_CP_HDR_LEN)
		return -AZC_PPP_E_INVAL;
	if (rej_len > mru - AZC_PPP_CP_HDR_LEN)
		rej_len = mru - AZC_PPP_CP_HDR_LEN;
	return azc_ppp_cp_encode(buf, size, proto, AZC_PPP_CODE_REJ, id,
				 rej, rej_len);
}

int azc_ppp_enc_proto_reject(u8 *buf, size_t size, u8 id, u16 rej_proto,
			     const u8 *info, size_t info_len, size_t mru)
{
	u8 *d = buf + AZC_PPP_HDR_LEN + AZC_PPP_CP_HDR_LEN;
	int ret;

	/* RFC 1661 5.7: truncated to the peer's MRU */
	if (mru < AZC_PPP_CP_HDR_LEN + 2 || (info_len && !info))
		return -AZC_PPP_E_INVAL;
	if (info_len > mru - AZC_PPP_CP_HDR_LEN - 2)
		info_len = mru - AZC_PPP_CP_HDR_LEN - 2;
	ret = azc_ppp_cp_room(size, 2 + info_len);
	if (ret < 0)
		return ret;
	if (info_len)
		memmove(d + 2, info, info_len);
	azc_put_be16(d, rej_proto);
	return azc_ppp_cp_put_hdr(buf, AZC_PPP_LCP, AZC_PPP_PROTO_REJ, id,
				  2 + info_len) + 2 + info_len;
}

int azc_ppp_enc_echo(u8 *buf, size_t size, u8 code, u8 id, u32 magic,
		     const u8 *data, size_t data_len)
{
	u8 *d = buf + AZC_PPP_HDR_LEN + AZC_PPP_CP_HDR_LEN;
	int ret;

	if (code != AZC_PPP_ECHO_REQ && code != AZC_PPP_ECHO_REPLY &&
	    code != AZC_PPP_DISCARD_REQ)
		return -AZC_PPP_E_INVAL;
	if ((data_len && !data) || data_len > AZC_PPP_CP_MAX_LEN)
		return -AZC_PPP_E_INVAL;
	ret = azc_ppp_cp_room(size, 4 + data_len);
	if (ret < 0)
		return ret;
	if (data_len)
		memmove(d + 4, data, data_len);
	azc_put_be32(d, magic);
	return azc_ppp_cp_put_hdr(buf, AZC_PPP_LCP, code, id, 4 + data_len) +
	       4 + data_len;
}

int azc_lcp_opt_put_mru(u8 *buf, size_t size, u16 mru)
{
	u8 v[2];

	azc_put_be16(v, mru);
	return azc_ppp_opt_put(buf, size, AZC_LCP_OPT_MRU, v, sizeof(v));
}

int azc_lcp_opt_put_magic(u8 *buf, size_t size, u32 magic)
{
	u8 v[4];

	azc_put_be32(v, magic);
	return azc_ppp_opt_put(buf, size, AZC_LCP_OPT_MAGIC, v, sizeof(v));
}

int azc_lcp_opt_put_auth(u8 *buf, size_t size, enum azc_ppp_auth auth)
{
	u8 v[3];
	size_t n = 2;

	switch (auth) {
	case AZC_PPP_AUTH_PAP:
		azc_put_be16(v, AZC_PPP_PAP);
		break;
	case AZC_PPP_AUTH_EAP:
		azc_put_be16(v, AZC_PPP_EAP);
		break;
	case AZC_PPP_AUTH_MSCHAPV2:
		azc_put_be16(v, AZC_PPP_CHAP);
		v[n++] = AZC_CHAP_ALG_MSCHAPV2;
		break;
	case AZC_PPP_AUTH_CHAP_MD5:
		azc_put_be16(v, AZC_PPP_CHAP);
		v[n++] = AZC_CHAP_ALG_MD5;
		break;
	default:
		return -AZC_PPP_E_INVAL;
	}
	return azc_ppp_opt_put(buf, size, AZC_LCP_OPT_AUTH, v, n);
}

int azc_lcp_opt_mru(const struct azc_ppp_opt *opt, u16 *mru)
{
	if (opt->type != AZC_LCP_OPT_MRU)
		return -AZC_PPP_E_INVAL;
	if (opt->data_len != 2)
		return -AZC_PPP_E_OPT_LEN;
	*mru = azc_get_be16(opt->data);
	return 0;
}

int azc_lcp_opt_magic(const struct azc_ppp_opt *opt, u32 *magic)
{
	if (opt->type != AZC_LCP_OPT_MAGIC)
		return -AZC_PPP_E_INVAL;
	if (opt->data_len != 4)
		return -AZC_PPP_E_OPT_LEN;
	*magic = azc_get_be32(opt->data);
	return 0;
}

int azc_lcp_opt_auth(const struct azc_ppp_opt *opt, enum azc_ppp_auth *auth)
{
	u16 proto;

	if (opt->type != AZC_LCP_OPT_AUTH)
		return -AZC_PPP_E_INVAL;
	if (opt->data_len < 2)
		return -AZC_PPP_E_OPT_LEN;
	proto = azc_get_be16(opt->data);
	switch (proto) {
	case AZC_PPP_PAP:
	case AZC_PPP_EAP:
		if (opt->data_len != 2)
			return -AZC_PPP_E_OPT_LEN;
		*auth = proto == AZC_PPP_PAP ? AZC_PPP_AUTH_PAP :
			AZC_PPP_AUTH_EAP;
		return 0;
	case AZC_PPP_CHAP:
		if (opt->data_len != 3)
			return -AZC_PPP_E_OPT_LEN;
		if (opt->data[2] == AZC_CHAP_ALG_MSCHAPV2)
			*auth = AZC_PPP_AUTH_MSCHAPV2;
		else if (opt->data[2] == AZC_CHAP_ALG_MD5)
			*auth = AZC_PPP_AUTH_CHAP_MD5;
		else
			*auth = AZC_PPP_AUTH_OTHER;
		return 0;
	}
	*auth = AZC_PPP_AUTH_OTHER;
	return 0;
}

bool azc_lcp_opt_always_reject(u8 type)
{
	return type == AZC_LCP_OPT_PFC || type == AZC_LCP_OPT_ACFC;
}

int azc_ipv6cp_opt_put_iid(u8 *buf, size_t size, const u8 *iid)
{
	return azc_ppp_opt_put(buf, size, AZC_IPV6CP_OPT_IID, iid,
			       AZC_IPV6CP_IID_LEN);
}

int azc_ipv6cp_opt_iid(const struct azc_ppp_opt *opt, u8 *iid)
{
	if (opt->type != AZC_IPV6CP_OPT_IID)
		return -AZC_PPP_E_INVAL;
	if (opt->data_len != AZC_IPV6CP_IID_LEN)
		return -AZC_PPP_E_OPT_LEN;
	memcpy(iid, opt->data, AZC_IPV6CP_IID_LEN);
	return 0;
}

bool azc_ipv6cp_iid_is_zero(const u8 *iid)
{
	unsigned int i;

	for (i = 0; i < AZC_IPV6CP_IID_LEN; i++)
		if (iid[i])
			return false;
	return true;
}
