// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: a PPP frame as carried in an SSTP data packet; its
 * control packet, LCP/IPCP/IPV6CP options, and MS-CHAPv2 messages.
 * What decodes is re-encoded and compared with the input.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "engine/chap.h"

#define OUT_SIZE (AZC_PPP_HDR_LEN + 0x10000)

static u8 out[OUT_SIZE], out2[OUT_SIZE];

/* A typed option helper agrees with the option's own bytes. */
static void typed_option(u16 proto, const struct azc_ppp_opt *o)
{
	const u8 *raw = o->data - 2;
	enum azc_ppp_auth auth;
	u8 tmp[16], iid[8];
	u32 magic;
	u16 mru;
	int r;

	if (proto == AZC_PPP_LCP && o->type == AZC_LCP_OPT_MRU) {
		r = azc_lcp_opt_mru(o, &mru);
		CHECK(r == 0 ? o->len == 4 : r == -AZC_PPP_E_OPT_LEN);
		if (!r)
			CHECK(azc_lcp_opt_put_mru(tmp, sizeof(tmp), mru) == 4 &&
			      !memcmp(tmp, raw, 4));
	} else if (proto == AZC_PPP_LCP && o->type == AZC_LCP_OPT_MAGIC) {
		r = azc_lcp_opt_magic(o, &magic);
		CHECK(r == 0 ? o->len == 6 : r == -AZC_PPP_E_OPT_LEN);
		if (!r)
			CHECK(azc_lcp_opt_put_magic(tmp, sizeof(tmp), magic) == 6 &&
			      !memcmp(tmp, raw, 6));
	} else if (proto == AZC_PPP_LCP && o->type == AZC_LCP_OPT_AUTH) {
		r = azc_lcp_opt_auth(o, &auth);
		CHECK(r == 0 || r == -AZC_PPP_E_OPT_LEN);
		if (!r && auth != AZC_PPP_AUTH_OTHER)
			CHECK(azc_lcp_opt_put_auth(tmp, sizeof(tmp), auth) ==
			      o->len && !memcmp(tmp, raw, o->len));
	} else if (proto == AZC_PPP_IPV6CP && o->type == AZC_IPV6CP_OPT_IID) {
		r = azc_ipv6cp_opt_iid(o, iid);
		CHECK(r == 0 ? o->len == 10 : r == -AZC_PPP_E_OPT_LEN);
		if (!r)
			CHECK(azc_ipv6cp_opt_put_iid(tmp, sizeof(tmp), iid) == 10 &&
			      !memcmp(tmp, raw, 10));
	}
}

/* Iterates an option list and rebuilds it option by option. */
static void options(u16 proto, const u8 *opts, size_t len)
{
	struct azc_ppp_opt_iter it;
	struct azc_ppp_opt o;
	size_t w = 0;
	int ret, n, count = 0;

	azc_ppp_opt_iter_init(&it, opts, len);
	while ((ret = azc_ppp_opt_next(&it, &o)) > 0) {
		count++;
		CHECK(o.len >= 2 && o.data_len == o.len - 2);
		CHECK(o.data - 2 >= opts && o.data + o.data_len <= opts + len);
		typed_option(proto, &o);
		n = azc_ppp_opt_put(out + w, sizeof(out) - w, o.type, o.data,
				    o.data_len);
		CHECK(n == o.len);
		w += n;
	}
	CHECK(ret == 0 || ret == -AZC_PPP_E_OPT_TRUNC ||
	      ret == -AZC_PPP_E_OPT_LEN || ret == -AZC_PPP_E_OPT_OVERFLOW);
	CHECK(azc_ppp_opts_validate(opts, len) == (ret ? ret : count));
	if (!ret)
		CHECK(w == len && !memcmp(out, opts, len));
}

static void chap(const struct azc_ppp_cp *cp)
{
	struct azc_chap_challenge c, c2;
	struct azc_chap_response r, r2;
	struct azc_chap_success s, s2;
	struct azc_chap_failure f, f2;
	struct azc_ppp_frame fr;
	struct azc_ppp_cp cp2;
	int n;

	if (!azc_chap_dec_challenge(cp, &c)) {
		n = azc_chap_enc_challenge(out, sizeof(out), cp->id, &c);
		/* Value-Size is fixed, so the encoding is the input */
		CHECK(n == AZC_PPP_HDR_LEN + cp->len &&
		      !memcmp(out + 8, cp->data, cp->data_len));
		CHECK(!azc_ppp_frame_decode(out, n, &fr) &&
		      !azc_ppp_cp_decode(fr.proto, fr.data, fr.len, &cp2) &&
		      !azc_chap_dec_challenge(&cp2, &c2));
		CHECK(!memcmp(c.challenge, c2.challenge, 16) &&
		      c.name_len == c2.name_len);
	}
	if (!azc_chap_dec_response(cp, &r)) {
		n = azc_chap_enc_response(out, sizeof(out), cp->id, &r);
		CHECK(n == AZC_PPP_HDR_LEN + cp->len);
		CHECK(!azc_ppp_frame_decode(out, n, &fr) &&
		      !azc_ppp_cp_decode(fr.proto, fr.data, fr.len, &cp2) &&
		      !azc_chap_dec_response(&cp2, &r2));
		CHECK(!memcmp(r.peer_challenge, r2.peer_challenge, 16) &&
		      !memcmp(r.nt_response, r2.nt_response, 24) &&
		      r.flags == r2.flags && r.name_len == r2.name_len &&
		      !memcmp(r.name, r2.name, r.name_len));
	}
	if (!azc_chap_dec_success(cp, &s)) {
		n = azc_chap_enc_success(out, sizeof(out), cp->id, &s);
		CHECK(n == AZC_PPP_HDR_LEN + cp->len);
		CHECK(!azc_ppp_frame_decode(out, n, &fr) &&
		      !azc_ppp_cp_decode(fr.proto, fr.data, fr.len, &cp2) &&
		      !azc_chap_dec_success(&cp2, &s2));
		CHECK(!memcmp(s.auth_response, s2.auth_response, 20) &&
		      !s.msg == !s2.msg && s.msg_len == s2.msg_len &&
		      (!s.msg_len || !memcmp(s.msg, s2.msg, s.msg_len)));
	}
	if (!azc_chap_dec_failure(cp, &f)) {
		n = azc_chap_enc_failure(out, sizeof(out), cp->id, &f);
		CHECK(n > 8);
		CHECK(!azc_ppp_frame_decode(out, n, &fr) &&
		      !azc_ppp_cp_decode(fr.proto, fr.data, fr.len, &cp2) &&
		      !azc_chap_dec_failure(&cp2, &f2));
		CHECK(f.error == f2.error && f.retry == f2.retry &&
		      f.has_challenge == f2.has_challenge &&
		      f.version == f2.version && !f.msg == !f2.msg &&
		      f.msg_len == f2.msg_len);
		CHECK(!f.has_challenge ||
		      !memcmp(f.challenge, f2.challenge, 16));
		CHECK(!f.msg_len || !memcmp(f.msg, f2.msg, f.msg_len));
	}
}

/* Rejecting the frame, as a peer that does not know it would. */
static void rejects(const struct azc_ppp_frame *f, const struct azc_ppp_cp *cp,
		    size_t mru)
{
	struct azc_ppp_frame fr;
	struct azc_ppp_cp rej;
	int n;

	n = azc_ppp_enc_proto_reject(out, sizeof(out), 1, f->proto, f->data,
				     f->len, mru);
	CHECK(n >= 10 && (size_t)n <= AZC_PPP_HDR_LEN + mru);
	CHECK(!azc_ppp_frame_decode(out, n, &fr) &&
	      !azc_ppp_cp_decode(fr.proto, fr.data, fr.len, &rej));
	CHECK(rej.code == AZC_PPP_PROTO_REJ &&
	      azc_get_be16(rej.data) == f->proto &&
	      !memcmp(rej.data + 2, f->data, rej.data_len - 2));
	if (!cp)
		return;
	n = azc_ppp_enc_code_reject(out, sizeof(out), f->proto, 2,
				    f->data, cp->len, mru);
	CHECK(n >= 8 && (size_t)n <= AZC_PPP_HDR_LEN + mru);
	CHECK(!azc_ppp_frame_decode(out, n, &fr) &&
	      !azc_ppp_cp_decode(fr.proto, fr.data, fr.len, &rej));
	CHECK(rej.code == AZC_PPP_CODE_REJ &&
	      !memcmp(rej.data, f->data, rej.data_len));
}

static void frame(const u8 *buf, size_t size)
{
	struct azc_ppp_frame f;
	struct azc_ppp_cp cp;
	size_t mru;
	int n, ret;

	ret = azc_ppp_frame_decode(buf, size, &f);
	CHECK(azc_ppp_strerror(ret));
	if (ret) {
		CHECK(ret == -AZC_PPP_E_SHORT || ret == -AZC_PPP_E_ADDR_CTRL ||
		      ret == -AZC_PPP_E_PROTO);
		return;
	}
	CHECK(f.data == buf + 4 && f.len == size - 4);
	mru = 6 + (size > 4 ? buf[size - 1] : 0);
	ret = azc_ppp_cp_decode(f.proto, f.data, f.len, &cp);
	if (ret) {
		CHECK(ret == -AZC_PPP_E_PROTO || ret == -AZC_PPP_E_SHORT ||
		      ret == -AZC_PPP_E_LENGTH);
		CHECK(ret != -AZC_PPP_E_PROTO || !azc_ppp_is_cp(f.proto));
		rejects(&f, NULL, mru);
		return;
	}
	CHECK(cp.len >= 4 && cp.len <= f.len && cp.data_len == cp.len - 4u);
	/* The packet re-encodes to the input, padding aside */
	n = azc_ppp_cp_encode(out, sizeof(out), f.proto, cp.code, cp.id,
			      cp.data, cp.data_len);
	CHECK(n == AZC_PPP_HDR_LEN + cp.len && !memcmp(out, buf, n));
	CHECK(azc_ppp_cp_encode(out2, n - 1, f.proto, cp.code, cp.id, cp.data,
				cp.data_len) == -AZC_PPP_E_NOSPACE);
	rejects(&f, &cp, mru);

	switch (f.proto) {
	case AZC_PPP_CHAP:
		chap(&cp);
		return;
	}
	if (cp.code >= AZC_PPP_CONF_REQ && cp.code <= AZC_PPP_CONF_REJ)
		options(f.proto, cp.data, cp.data_len);
	if (f.proto == AZC_PPP_LCP && cp.code >= AZC_PPP_ECHO_REQ &&
	    cp.code <= AZC_PPP_DISCARD_REQ && cp.data_len >= 4) {
		n = azc_ppp_enc_echo(out, sizeof(out), cp.code, cp.id,
				     azc_get_be32(cp.data), cp.data + 4,
				     cp.data_len - 4);
		CHECK(n == AZC_PPP_HDR_LEN + cp.len && !memcmp(out, buf, n));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *buf = malloc(size ? size : 1);

	CHECK(buf);
	memcpy(buf, data, size);
	frame(buf, size);
	free(buf);
	return 0;
}
