// SPDX-License-Identifier: GPL-2.0-only
/* MS-CHAPv2 packet layouts (RFC 2759 3-6). */

#include "chap.h"

#define AZC_PPP_BODY_OFF	(AZC_PPP_HDR_LEN + AZC_PPP_CP_HDR_LEN)
#define AZC_SUCCESS_HEX_LEN	(2 * AZC_MSCHAP_AUTH_RESPONSE_LEN)
#define AZC_FAILURE_HEX_LEN	(2 * AZC_MSCHAP_CHALLENGE_LEN)

/* Bounded writer for the body of a packet being encoded. */
struct azc_wr {
	u8 *p;
	size_t left;
	size_t len;
	bool overflow;
	bool inval;
};

static void azc_wr_init(struct azc_wr *w, u8 *buf, size_t size)
{
	w->p = buf + AZC_PPP_BODY_OFF;
	w->left = size > AZC_PPP_BODY_OFF ? size - AZC_PPP_BODY_OFF : 0;
	w->len = 0;
	w->overflow = false;
	w->inval = false;
}

static void azc_wr_bytes(struct azc_wr *w, const void *data, size_t n)
{
	if (n && !data)
		w->inval = true;
	if (w->inval || w->overflow || n > w->left) {
		w->overflow = true;
		return;
	}
	if (n)
		memmove(w->p + w->len, data, n);
	w->len += n;
	w->left -= n;
}

static void azc_wr_u8(struct azc_wr *w, u8 v)
{
	azc_wr_bytes(w, &v, 1);
}

static void azc_wr_str(struct azc_wr *w, const char *s)
{
	azc_wr_bytes(w, s, strlen(s));
}

static void azc_wr_hex(struct azc_wr *w, const u8 *v, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		azc_wr_u8(w, digits[v[i] >> 4]);
		azc_wr_u8(w, digits[v[i] & 0xf]);
	}
}

static void azc_wr_dec(struct azc_wr *w, u32 v)
{
	u8 d[10];
	int n = 0;

	do {
		d[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		azc_wr_u8(w, d[--n]);
}

/* Frames the body written through @w as a @proto packet. */
static int azc_wr_finish(struct azc_wr *w, u8 *buf, size_t size, u16 proto,
			 u8 code, u8 id)
{
	if (w->inval)
		return -AZC_PPP_E_INVAL;
	if (w->overflow)
		return -AZC_PPP_E_NOSPACE;
	return azc_ppp_cp_encode(buf, size, proto, code, id,
				 buf + AZC_PPP_BODY_OFF, w->len);
}

static int azc_hex_nibble(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly 2 * @n hex digits at @s into @out. */
static int azc_parse_hex(const u8 *s, size_t len, u8 *out, size_t n)
{
	size_t i;
	int hi, lo;

	if (len != 2 * n)
		return -AZC_PPP_E_FORMAT;
	for (i = 0; i < n; i++) {
		hi = azc_hex_nibble(s[2 * i]);
		lo = azc_hex_nibble(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -AZC_PPP_E_FORMAT;
		out[i] = hi << 4 | lo;
	}
	return 0;
}

/* A decimal u32 of 1 to 10 digits, the whole of @s. */
static int azc_parse_dec(const u8 *s, size_t len, u32 *v)
{
	u64 acc = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -AZC_PPP_E_FORMAT;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -AZC_PPP_E_FORMAT;
		acc = acc * 10 + (s[i] - '0');
	}
	if (acc > 0xffffffffULL)
		return -AZC_PPP_E_FORMAT;
	*v = acc;
	return 0;
}

int azc_chap_dec_challenge(const struct azc_ppp_cp *cp,
			   struct azc_chap_challenge *c)
{
	const u8 *d = cp->data;

	if (cp->code != AZC_CHAP_CHALLENGE)
		return -AZC_PPP_E_CODE;
	if (cp->data_len < 1 + AZC_MSCHAP_CHALLENGE_LEN ||
	    d[0] != AZC_MSCHAP_CHALLENGE_LEN)
		return -AZC_PPP_E_FORMAT;
	memcpy(c->challenge, d + 1, AZC_MSCHAP_CHALLENGE_LEN);
	c->name = d + 1 + AZC_MSCHAP_CHALLENGE_LEN;
	c->name_len = cp->data_len - 1 - AZC_MSCHAP_CHALLENGE_LEN;
	return 0;
}

int azc_chap_dec_response(const struct azc_ppp_cp *cp,
			  struct azc_chap_response *r)
{
	const u8 *d = cp->data;

	if (cp->code != AZC_CHAP_RESPONSE)
		return -AZC_PPP_E_CODE;
	if (cp->data_len < 1 + AZC_MSCHAP_RESPONSE_LEN ||
	    d[0] != AZC_MSCHAP_RESPONSE_LEN)
		return -AZC_PPP_E_FORMAT;
	/* Peer-Challenge, 8 reserved bytes, NT-Response, Flags */
	memcpy(r->peer_challenge, d + 1, AZC_MSCHAP_CHALLENGE_LEN);
	memcpy(r->nt_response, d + 25, AZC_MSCHAP_NT_RESPONSE_LEN);
	r->flags = d[49];
	r->name = d + 1 + AZC_MSCHAP_RESPONSE_LEN;
	r->name_len = cp->data_len - 1 - AZC_MSCHAP_RESPONSE_LEN;
	return 0;
}

int azc_chap_dec_success(const struct azc_ppp_cp *cp,
			 struct azc_chap_success *s)
{
	const u8 *d = cp->data;
	size_t n = cp->data_len;
	int ret;

	if (cp->code != AZC_CHAP_SUCCESS)
		return -AZC_PPP_E_CODE;
	if (n < 2 + AZC_SUCCESS_HEX_LEN || d[0] != 'S' || d[1] != '=')
		return -AZC_PPP_E_FORMAT;
	ret = azc_parse_hex(d + 2, AZC_SUCCESS_HEX_LEN, s->auth_response,
			    AZC_MSCHAP_AUTH_RESPONSE_LEN);
	if (ret < 0)
		return ret;
	d += 2 + AZC_SUCCESS_HEX_LEN;
	n -= 2 + AZC_SUCCESS_HEX_LEN;
	s->msg = NULL;
	s->msg_len = 0;
	if (n == 0)
		return 0;
	if (n < 3 || memcmp(d, " M=", 3))
		return -AZC_PPP_E_FORMAT;
	s->msg = d + 3;
	s->msg_len = n - 3;
	return 0;
}

/* One "K=value" field of a Failure message (RFC 2759 6). */
static int azc_chap_failure_field(struct azc_chap_failure *f, u8 key,
				  const u8 *v, size_t vlen, bool *seen_e)
{
	switch (key) {
	case 'E':
		*seen_e = true;
		return azc_parse_dec(v, vlen, &f->error);
	case 'R':
		if (vlen != 1 || (v[0] != '0' && v[0] != '1'))
			return -AZC_PPP_E_FORMAT;
		f->retry = v[0] == '1';
		return 0;
	case 'C':
		f->has_challenge = true;
		return azc_parse_hex(v, vlen, f->challenge,
				     AZC_MSCHAP_CHALLENGE_LEN);
	case 'V':
		return azc_parse_dec(v, vlen, &f->version);
	}
	return 0;	/* unknown fields are ignored */
}

int azc_chap_dec_failure(const struct azc_ppp_cp *cp,
			 struct azc_chap_failure *f)
{
	const u8 *p = cp->data, *end = cp->data + cp->data_len, *t;
	bool seen_e = false;
	int ret;

	if (cp->code != AZC_CHAP_FAILURE)
		return -AZC_PPP_E_CODE;
	memset(f, 0, sizeof(*f));
	while (p < end) {
		if (end - p < 2 || p[1] != '=')
			return -AZC_PPP_E_FORMAT;
		if (p[0] == 'M') {
			f->msg = p + 2;
			f->msg_len = end - p - 2;
			break;
		}
		for (t = p + 2; t < end && *t != ' '; t++)
			;
		ret = azc_chap_failure_field(f, p[0], p + 2, t - p - 2,
					     &seen_e);
		if (ret < 0)
			return ret;
		p = t < end ? t + 1 : t;
	}
	return seen_e ? 0 : -AZC_PPP_E_FORMAT;
}

int azc_chap_enc_challenge(u8 *buf, size_t size, u8 id,
			   const struct azc_chap_challenge *c)
{
	struct azc_wr w;

	azc_wr_init(&w, buf, size);
	azc_wr_u8(&w, AZC_MSCHAP_CHALLENGE_LEN);
	azc_wr_bytes(&w, c->challenge, AZC_MSCHAP_CHALLENGE_LEN);
	azc_wr_bytes(&w, c->name, c->name_len);
	return azc_wr_finish(&w, buf, size, AZC_PPP_CHAP, AZC_CHAP_CHALLENGE,
			     id);
}

int azc_chap_enc_response(u8 *buf, size_t size, u8 id,
			  const struct azc_chap_response *r)
{
	static const u8 reserved[8];
	struct azc_wr w;

	azc_wr_init(&w, buf, size);
	azc_wr_u8(&w, AZC_MSCHAP_RESPONSE_LEN);
	azc_wr_bytes(&w, r->peer_challenge, AZC_MSCHAP_CHALLENGE_LEN);
	azc_wr_bytes(&w, reserved, sizeof(reserved));
	azc_wr_bytes(&w, r->nt_response, AZC_MSCHAP_NT_RESPONSE_LEN);
	azc_wr_u8(&w, r->flags);
	azc_wr_bytes(&w, r->name, r->name_len);
	return azc_wr_finish(&w, buf, size, AZC_PPP_CHAP, AZC_CHAP_RESPONSE,
			     id);
}

int azc_chap_enc_success(u8 *buf, size_t size, u8 id,
			 const struct azc_chap_success *s)
{
	struct azc_wr w;

	azc_wr_init(&w, buf, size);
	azc_wr_str(&w, "S=");
	azc_wr_hex(&w, s->auth_response, AZC_MSCHAP_AUTH_RESPONSE_LEN);
	if (s->msg) {
		azc_wr_str(&w, " M=");
		azc_wr_bytes(&w, s->msg, s->msg_len);
	}
	return azc_wr_finish(&w, buf, size, AZC_PPP_CHAP, AZC_CHAP_SUCCESS,
			     id);
}

int azc_chap_enc_failure(u8 *buf, size_t size, u8 id,
			 const struct azc_chap_failure *f)
{
	struct azc_wr w;

	azc_wr_init(&w, buf, size);
	azc_wr_str(&w, "E=");
	azc_wr_dec(&w, f->error);
	azc_wr_str(&w, f->retry ? " R=1" : " R=0");
	if (f->has_challenge) {
		azc_wr_str(&w, " C=");
		azc_wr_hex(&w, f->challenge, AZC_MSCHAP_CHALLENGE_LEN);
	}
	if (f->version) {
		azc_wr_str(&w, " V=");
		azc_wr_dec(&w, f->version);
	}
	if (f->msg) {
		azc_wr_str(&w, " M=");
		azc_wr_bytes(&w, f->msg, f->msg_len);
	}
	return azc_wr_finish(&w, buf, size, AZC_PPP_CHAP, AZC_CHAP_FAILURE,
			     id);
}
