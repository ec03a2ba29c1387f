// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the SSTP session engine on the wire, byte by byte, against
 * scripted peers: a relay that behaves like SoftEther (EAP first, rejects
 * the magic number, SHA-256 binding only) in front of our client, a
 * client that behaves like sstp-client + pppd (asyncmap, PFC, ACFC,
 * IPCP, random IPv6 identifier) in front of our relay, and hostile input.
 * The scripted peers compute MS-CHAPv2 and the crypto binding with the
 * libraries, independently of the engine.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "engine/cryptobind.h"
#include "engine/mschapv2.h"
#include "engine/chap.h"
#include "engine/sstp_ctrl.h"
#include "engine/sess.h"
#include "engine/sstp_http.h"

#define T0 5000

struct ep {
	struct azc_sess *s;
	uint64_t rng;
	char log[32768];
	size_t log_len;
	int rx_count;
	size_t rx_len;
};

static uint8_t cert[300];
static const uint8_t ASSIGNED[8] = { 0, 0, 0, 0, 0, 0, 0x0a, 0x01 };

static void ep_log(void *ctx, enum azc_sess_log_level level,
		   const char *msg)
{
	struct ep *e = ctx;
	size_t n = strlen(msg);

	if (getenv("AZC_TEST_VERBOSE"))
		fprintf(stderr, "# %d %s\n", level, msg);
	if (e->log_len + n + 2 > sizeof(e->log))
		return;
	memcpy(e->log + e->log_len, msg, n);
	e->log_len += n;
	e->log[e->log_len++] = '\n';
	e->log[e->log_len] = '\0';
}

static int ep_random(void *ctx, uint8_t *buf, size_t len)
{
	struct ep *e = ctx;
	size_t i;

	for (i = 0; i < len; i++) {
		e->rng = e->rng * 6364136223846793005ULL + 1;
		buf[i] = e->rng >> 40;
	}
	return 0;
}

static int ep_lookup(void *ctx, const char *name, char *secret, size_t size)
{
	(void)ctx;
	if (strcmp(name, "web1"))
		return -ENOENT;
	snprintf(secret, size, "token-web1");
	return 0;
}

static int ep_assign(void *ctx, const char *name, uint8_t *iid)
{
	(void)ctx;
	(void)name;
	memcpy(iid, ASSIGNED, 8);
	return 0;
}

static void ep_rx(void *ctx, const uint8_t *pkt, size_t len)
{
	struct ep *e = ctx;

	(void)pkt;
	e->rx_count++;
	e->rx_len = len;
}

static void ep_new(struct ep *e, enum azc_sess_role role, uint8_t hash)
{
	struct azc_sess_cfg c = {
		.role = role,
		.name = role == AZC_SESS_SERVER ? "relay" : "web1",
		.secret = "token-web1",
		.host = "relay.example.net",
		.cert_der = cert,
		.cert_der_len = sizeof(cert),
		.hash_mask = hash,
		.ctx = e,
		.log = ep_log,
		.lookup_secret = ep_lookup,
		.assign_iid = ep_assign,
		.rx_ipv6 = ep_rx,
		.random = ep_random,
	};

	memset(e, 0, sizeof(*e));
	e->rng = 0x1234567 + role;
	e->s = azc_sess_new(&c);
	assert_non_null(e->s);
	assert_int_equal(azc_sess_start(e->s, T0), 0);
}

static bool logged(const struct ep *e, const char *what)
{
	return strstr(e->log, what) != NULL;
}

/* One packet of the engine's output, decoded */
struct pk {
	bool ctrl;
	struct azc_sstp_ctrl m;
	uint16_t proto;
	struct azc_ppp_cp cp;		/* for control protocols */
	const uint8_t *info;		/* PPP information field */
	size_t info_len;
	uint8_t raw[4096];
	size_t len;
};

#define MAXPK 32
static struct pk pks[MAXPK];
static int npk;

/* Decodes and consumes all output; the packets go to pks[]. */
static int collect(struct azc_sess *s)
{
	const uint8_t *out;
	struct azc_ppp_frame f;
	struct pk *p;
	size_t n, off = 0;
	int need;

	out = azc_sess_out_peek(s, &n);
	npk = 0;
	/* An HTTP header block first: skipped */
	if (n && out[0] != AZC_SSTP_VERSION) {
		while (off + 4 <= n && memcmp(out + off, "\r\n\r\n", 4))
			off++;
		off += 4;
	}
	while (off < n) {
		need = azc_sstp_frame_need(out + off, n - off);
		assert_true(need >= 4 && (size_t)need <= n - off);
		assert_true(npk < MAXPK);
		p = &pks[npk++];
		memset(p, 0, sizeof(*p));
		memcpy(p->raw, out + off, need);
		p->len = need;
		p->ctrl = p->raw[1] & 1;
		if (p->ctrl) {
			assert_int_equal(azc_sstp_ctrl_decode(p->raw, need,
							      &p->m), 0);
		} else {
			assert_int_equal(azc_ppp_frame_decode(p->raw + 4,
							      need - 4, &f),
					 0);
			p->proto = f.proto;
			p->info = f.data;
			p->info_len = f.len;
			if (azc_ppp_is_cp(f.proto))
				assert_int_equal(azc_ppp_cp_decode(f.proto,
								   f.data,
								   f.len,
								   &p->cp), 0);
		}
		off += need;
	}
	azc_sess_out_consume(s, n);
	return npk;
}

/* A copy of a packet that outlives the next collect() */
static void keep(struct pk *dst, const struct pk *src)
{
	*dst = *src;
	if (src->info)
		dst->info = dst->raw + (src->info - src->raw);
	if (src->cp.data)
		dst->cp.data = dst->raw + (src->cp.data - src->raw);
}

static struct pk *find_cp(uint16_t proto, uint8_t code)
{
	int i;

	for (i = 0; i < npk; i++)
		if (!pks[i].ctrl && pks[i].proto == proto &&
		    pks[i].cp.code == code)
			return &pks[i];
	fail_msg("no packet of protocol 0x%04x code %u", proto, code);
	return NULL;
}

static bool has_cp(uint16_t proto, uint8_t code)
{
	int i;

	for (i = 0; i < npk; i++)
		if (!pks[i].ctrl && pks[i].proto == proto &&
		    pks[i].cp.code == code)
			return true;
	return false;
}

static struct pk *find_ctrl(uint16_t type)
{
	int i;

	for (i = 0; i < npk; i++)
		if (pks[i].ctrl && pks[i].m.type == type)
			return &pks[i];
	fail_msg("no SSTP %s", azc_sstp_msg_name(type));
	return NULL;
}

static void assert_cp_data(const struct pk *p, const void *want,
			   size_t len)
{
	assert_int_equal(p->cp.data_len, len);
	assert_memory_equal(p->cp.data, want, len);
}

static void feed(struct azc_sess *s, const void *buf, size_t len)
{
	assert_int_equal(azc_sess_input(s, buf, len, T0), (ssize_t)len);
}

/* One PPP frame in an SSTP data packet */
static void feed_frame(struct azc_sess *s, const uint8_t *ppp, size_t len)
{
	uint8_t pkt[4100];

	assert_int_equal(azc_sstp_enc_data_hdr(pkt, sizeof(pkt), len), 4);
	memcpy(pkt + 4, ppp, len);
	feed(s, pkt, len + 4);
}

static void feed_cp(struct azc_sess *s, uint16_t proto, uint8_t code,
		    uint8_t id, const void *data, size_t len)
{
	uint8_t ppp[4096];
	int n;

	n = azc_ppp_cp_encode(ppp, sizeof(ppp), proto, code, id, data, len);
	assert_true(n > 0);
	feed_frame(s, ppp, n);
}

static void feed_ipv6(struct azc_sess *s)
{
	static const uint8_t v6[] = { 0xff, 0x03, 0x00, 0x57, 0x60, 0, 0, 0,
				      0, 0, 0x3b, 0x40 };

	feed_frame(s, v6, sizeof(v6));
}

static const char http_200[] =
	"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\nServer: Microsoft-HTTPAPI/2.0\r\n\r\n";

static const char sstpc_request[] =
	"SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\nHost: relay.example.net\r\nSSTPCORRELATIONID: {1234567-89AB-CDEF-0123-456789ABCDEF}\r\nContent-Length: 18446744073709551615\r\n\r\n";

static const uint8_t connect_req[] = { 0x10, 0x01, 0x00, 0x0e, 0x00, 0x01,
				       0x00, 0x01, 0x00, 0x01, 0x00, 0x06,
				       0x00, 0x01 };
static const uint8_t echo_req[] = { 0x10, 0x01, 0x00, 0x08,
				    0x00, 0x08, 0x00, 0x00 };
static const uint8_t echo_resp[] = { 0x10, 0x01, 0x00, 0x08,
				     0x00, 0x09, 0x00, 0x00 };

static void nt_hash_of(const char *token, uint8_t *h)
{
	assert_int_equal(azc_mschap_nt_hash(token, h), 0);
}

/*
 * Our client against a relay that behaves like SoftEther: EAP first,
 * rejects the magic number, sends no magic, SHA-256 only, IPV6CP with an
 * identifier Nak.
 */
static void test_client_vs_softether(void **state)
{
	static const uint8_t nonce[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const uint8_t chal[16] = { 0xc0, 0xff, 0xee, 0x01 };
	static const uint8_t S[8] = { 0x02, 0xac, 0, 0, 0, 0, 0, 0x01 };
	uint8_t req_eap[] = { 1, 4, 0x05, 0xdc, 3, 4, 0xc2, 0x27 };
	uint8_t req_pap[] = { 1, 4, 0x05, 0xdc, 3, 4, 0xc0, 0x23 };
	uint8_t req_ms[] = { 1, 4, 0x05, 0xdc, 3, 5, 0xc2, 0x23, 0x81 };
	uint8_t nak_auth[] = { 3, 5, 0xc2, 0x23, 0x81 };
	uint8_t buf[512], h[16], nt[24], send[16], recv[16], hlak[32];
	uint8_t iid_opt[10] = { 1, 10 };
	struct azc_chap_challenge c = { .name = (const uint8_t *)"softether",
					.name_len = 9 };
	struct azc_chap_success ok = { 0 };
	struct azc_chap_response r;
	const struct azc_sess_info *i;
	struct pk *p, cr;
	const uint8_t *out;
	size_t n;
	int len;
	struct ep e;

	(void)state;
	ep_new(&e, AZC_SESS_CLIENT, 0);
	out = azc_sess_out_peek(e.s, &n);
	assert_true(n > 60 && !memcmp(out,
				      "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\nHost: relay.example.net\r\n",
				      90));
	azc_sess_out_consume(e.s, n);
	/* 200: CALL_CONNECT_REQUEST, as in MS-SSTP */
	feed(e.s, http_200, sizeof(http_200) - 1);
	assert_int_equal(collect(e.s), 1);
	assert_int_equal(pks[0].len, sizeof(connect_req));
	assert_memory_equal(pks[0].raw, connect_req, sizeof(connect_req));
	/* CALL_CONNECT_ACK: PPP starts; LCP request: MRU, magic */
	len = azc_sstp_enc_connect_ack(buf, sizeof(buf), AZC_SSTP_HASH_SHA256,
				       nonce);
	feed(e.s, buf, len);
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_REQ);
	assert_int_equal(p->cp.data_len, 10);
	assert_memory_equal(p->cp.data, "\x01\x04\x05\xdc\x05\x06", 6);
	assert_memory_equal(p->raw + 4, "\xff\x03\xc0\x21", 4);
	keep(&cr, p);
	/* The relay asks for EAP, then PAP: Nak with MS-CHAPv2 each time */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 1, req_eap,
		sizeof(req_eap));
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_NAK);
	assert_int_equal(p->cp.id, 1);
	assert_cp_data(p, nak_auth, sizeof(nak_auth));
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 7, req_pap,
		sizeof(req_pap));
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_NAK);
	assert_int_equal(p->cp.id, 7);
	assert_cp_data(p, nak_auth, sizeof(nak_auth));
	assert_true(logged(&e, "the relay asks for PAP, suggesting MS-CHAPv2"));
	/* Rejects our magic number: a new request without it */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REJ, cr.cp.id,
		cr.cp.data + 4, 6);
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_REQ);
	assert_int_not_equal(p->cp.id, cr.cp.id);
	assert_cp_data(p, "\x01\x04\x05\xdc", 4);
	keep(&cr, p);
	/* Asks for MS-CHAPv2: Ack; Acks ours: LCP opened */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 2, req_ms, sizeof(req_ms));
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_ACK);
	assert_cp_data(p, req_ms, sizeof(req_ms));
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_ACK, cr.cp.id, "\x01\x04\x05\xdc",
		4);
	assert_int_equal(collect(e.s), 0);
	/* MS-CHAPv2: the response is what RFC 2759 says */
	memcpy(c.challenge, chal, 16);
	len = azc_chap_enc_challenge(buf, sizeof(buf), 0x42, &c);
	feed_frame(e.s, buf, len);
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_CHAP, AZC_CHAP_RESPONSE);
	assert_int_equal(p->cp.id, 0x42);
	assert_int_equal(azc_chap_dec_response(&p->cp, &r), 0);
	assert_int_equal(r.name_len, 4);
	assert_memory_equal(r.name, "web1", 4);
	nt_hash_of("token-web1", h);
	assert_int_equal(azc_mschap_nt_response(chal, r.peer_challenge, "web1",
						4, h, nt), 0);
	assert_memory_equal(nt, r.nt_response, 24);
	/* Success: CALL_CONNECTED with a binding the relay can verify */
	assert_int_equal(azc_mschap_auth_response(h, nt, r.peer_challenge,
						  chal, "web1", 4,
						  ok.auth_response), 0);
	len = azc_chap_enc_success(buf, sizeof(buf), 0x42, &ok);
	feed_frame(e.s, buf, len);
	assert_int_equal(collect(e.s), 2);
	p = find_ctrl(AZC_SSTP_MSG_CALL_CONNECTED);
	assert_int_equal(p->len, AZC_SSTP_CONNECTED_LEN);
	assert_int_equal(p->m.cb.hash_proto, AZC_SSTP_HASH_SHA256);
	assert_int_equal(azc_mschap_start_keys(h, nt, true, send, recv), 0);
	azc_cb_hlak(send, recv, true, hlak);
	assert_int_equal(azc_cb_verify_connected(p->raw, p->len,
						 AZC_SSTP_HASH_SHA256, nonce,
						 cert, sizeof(cert), hlak), 0);
	assert_int_equal(azc_sess_hlak(e.s, buf), 0);
	assert_memory_equal(buf, hlak, 32);
	/* IPV6CP: the relay Naks our identifier with the assigned one */
	p = find_cp(AZC_PPP_IPV6CP, AZC_PPP_CONF_REQ);
	assert_int_equal(p->cp.data_len, 10);
	keep(&cr, p);
	memcpy(iid_opt + 2, S, 8);
	feed_cp(e.s, AZC_PPP_IPV6CP, AZC_PPP_CONF_REQ, 9, iid_opt, 10);
	assert_int_equal(collect(e.s), 1);
	assert_cp_data(find_cp(AZC_PPP_IPV6CP, AZC_PPP_CONF_ACK), iid_opt, 10);
	memcpy(iid_opt + 2, ASSIGNED, 8);
	feed_cp(e.s, AZC_PPP_IPV6CP, AZC_PPP_CONF_NAK, cr.cp.id, iid_opt, 10);
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_IPV6CP, AZC_PPP_CONF_REQ);
	assert_cp_data(p, iid_opt, 10);
	assert_int_equal(azc_sess_state(e.s), AZC_SESS_NEGOTIATING);
	feed_cp(e.s, AZC_PPP_IPV6CP, AZC_PPP_CONF_ACK, p->cp.id, iid_opt, 10);
	assert_int_equal(azc_sess_state(e.s), AZC_SESS_CONNECTED);
	i = azc_sess_info(e.s);
	assert_memory_equal(i->local_iid, ASSIGNED, 8);
	assert_memory_equal(i->peer_iid, S, 8);
	assert_int_equal(i->local_magic, 0);
	assert_int_equal(i->peer_magic, 0);
	assert_int_equal(i->hash_proto, AZC_SSTP_HASH_SHA256);
	assert_int_equal(i->auth, AZC_SESS_AUTH_MSCHAPV2);
	/* LCP Echo-Request: Echo-Reply, magic 0 (not negotiated) */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_ECHO_REQ, 5, "\0\0\0\0xyz", 7);
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_ECHO_REPLY);
	assert_int_equal(p->cp.id, 5);
	assert_cp_data(p, "\0\0\0\0xyz", 7);
	/* SSTP echo, IPv6 data */
	feed(e.s, echo_req, sizeof(echo_req));
	assert_int_equal(collect(e.s), 1);
	assert_memory_equal(pks[0].raw, echo_resp, sizeof(echo_resp));
	feed_ipv6(e.s);
	assert_int_equal(e.rx_count, 1);
	assert_int_equal(e.rx_len, 8);
	azc_sess_free(e.s);
}

/* sstp-client's server side: HTTP, connect request, pppd's LCP */
static void pppd_until_lcp(struct ep *e, uint8_t *nonce, struct pk *srv_req)
{
	static const uint8_t pppd_lcp[] = { 2, 6, 0, 0, 0, 0,
					    5, 6, 0x5e, 0x63, 0x0a, 0xb8,
					    7, 2, 8, 2 };
	static const uint8_t rejected[] = { 2, 6, 0, 0, 0, 0, 7, 2, 8, 2 };
	const uint8_t *out;
	struct pk *p;
	size_t n;

	ep_new(e, AZC_SESS_SERVER, 0);
	feed(e->s, sstpc_request, sizeof(sstpc_request) - 1);
	/* One response, few headers, nothing after it */
	out = azc_sess_out_peek(e->s, &n);
	assert_true(n > 40 && n < 200);
	assert_memory_equal(out, "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n", 55);
	assert_memory_equal(out + n - 4, "\r\n\r\n", 4);
	azc_sess_out_consume(e->s, n);
	assert_true(logged(e, "correlation id {1234567-89AB"));
	/* CALL_CONNECT_ACK (both hashes, a nonce), then LCP */
	feed(e->s, connect_req, sizeof(connect_req));
	assert_int_equal(collect(e->s), 2);
	p = find_ctrl(AZC_SSTP_MSG_CALL_CONNECT_ACK);
	assert_int_equal(p->m.cb_req.hash_bitmask, 3);
	memcpy(nonce, p->m.cb_req.nonce, 32);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_REQ);
	assert_int_equal(p->cp.data_len, 4 + 5 + 6);
	assert_memory_equal(p->cp.data, "\x01\x04\x05\xdc\x03\x05\xc2\x23\x81\x05\x06", 11);
	keep(srv_req, p);
	/* pppd: asyncmap, magic, PFC, ACFC: three rejected */
	feed_cp(e->s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 1, pppd_lcp,
		sizeof(pppd_lcp));
	assert_int_equal(collect(e->s), 1);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_REJ);
	assert_int_equal(p->cp.id, 1);
	assert_cp_data(p, rejected, sizeof(rejected));
	feed_cp(e->s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 2, pppd_lcp + 6, 6);
	assert_int_equal(collect(e->s), 1);
	assert_cp_data(find_cp(AZC_PPP_LCP, AZC_PPP_CONF_ACK), pppd_lcp + 6,
		       6);
}

/* Our relay against sstp-client + pppd (MS-CHAPv2, IPCP, +ipv6) */
static void test_server_vs_pppd(void **state)
{
	static const uint8_t ipcp[] = { 3, 6, 0, 0, 0, 0 };
	static const uint8_t peer_chal[16] = { 0x21, 0x40, 0x23, 0x24 };
	uint8_t nonce[32], h[16], nt[24], send[16], recv[16], hlak[32];
	uint8_t buf[512], iid_opt[10] = { 1, 10, 0x5c, 0x1e, 7, 7, 7, 7, 7, 7 };
	uint8_t echo[11] = { 0x5e, 0x63, 0x0a, 0xb8, 'a', 'b', 'c' };
	struct azc_chap_response r = { .name = (const uint8_t *)"web1",
				       .name_len = 4 };
	struct azc_chap_challenge c;
	struct azc_chap_success ok;
	const struct azc_sess_info *i;
	struct pk srv, *p;
	uint8_t s_iid[8], auth[20];
	uint32_t magic;
	int len;
	struct ep e;

	(void)state;
	pppd_until_lcp(&e, nonce, &srv);
	magic = azc_get_be32(srv.cp.data + 11);
	/* pppd Acks: LCP opened, the challenge comes */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_ACK, srv.cp.id, srv.cp.data,
		srv.cp.data_len);
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_CHAP, AZC_CHAP_CHALLENGE);
	assert_int_equal(azc_chap_dec_challenge(&p->cp, &c), 0);
	assert_int_equal(c.name_len, 5);
	assert_memory_equal(c.name, "relay", 5);
	/* IPCP and data before the network phase: silently dropped */
	feed_cp(e.s, AZC_PPP_IPCP, AZC_PPP_CONF_REQ, 1, ipcp, sizeof(ipcp));
	feed_ipv6(e.s);
	assert_int_equal(collect(e.s), 0);
	assert_int_equal(azc_sess_info(e.s)->rx_data_dropped, 1);
	/* pppd's response */
	nt_hash_of("token-web1", h);
	memcpy(r.peer_challenge, peer_chal, 16);
	assert_int_equal(azc_mschap_nt_response(c.challenge, peer_chal, "web1",
						4, h, r.nt_response), 0);
	memcpy(nt, r.nt_response, 24);
	len = azc_chap_enc_response(buf, sizeof(buf), p->cp.id, &r);
	feed_frame(e.s, buf, len);
	assert_int_equal(collect(e.s), 2);
	p = find_cp(AZC_PPP_CHAP, AZC_CHAP_SUCCESS);
	assert_int_equal(azc_chap_dec_success(&p->cp, &ok), 0);
	assert_int_equal(azc_mschap_auth_response(h, nt, peer_chal,
						  c.challenge, "web1", 4,
						  auth), 0);
	assert_memory_equal(ok.auth_response, auth, 20);
	assert_int_equal(ok.msg_len, 14);
	assert_memory_equal(ok.msg, "Access granted", 14);
	p = find_cp(AZC_PPP_IPV6CP, AZC_PPP_CONF_REQ);
	assert_int_equal(p->cp.data_len, 10);
	memcpy(s_iid, p->cp.data + 2, 8);
	keep(&srv, p);
	/* IPCP now: LCP Protocol-Reject with the packet */
	feed_cp(e.s, AZC_PPP_IPCP, AZC_PPP_CONF_REQ, 1, ipcp, sizeof(ipcp));
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_PROTO_REJ);
	assert_cp_data(p, "\x80\x21\x01\x01\x00\x0a\x03\x06\x00\x00\x00\x00",
		       12);
	/* CCP and an unknown protocol too */
	feed_cp(e.s, 0x80fd, AZC_PPP_CONF_REQ, 1, NULL, 0);
	feed_frame(e.s, (const uint8_t *)"\xff\x03\x82\x81\x01\x02", 6);
	assert_int_equal(collect(e.s), 2);
	assert_memory_equal(pks[0].cp.data, "\x80\xfd", 2);
	assert_cp_data(&pks[1], "\x82\x81\x01\x02", 4);
	assert_int_equal(azc_sess_info(e.s)->proto_rejects, 3);
	/* pppd proposes a random identifier: Nak with the assigned one */
	feed_cp(e.s, AZC_PPP_IPV6CP, AZC_PPP_CONF_REQ, 1, iid_opt, 10);
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_IPV6CP, AZC_PPP_CONF_NAK);
	memcpy(iid_opt + 2, ASSIGNED, 8);
	assert_cp_data(p, iid_opt, 10);
	feed_cp(e.s, AZC_PPP_IPV6CP, AZC_PPP_CONF_REQ, 2, iid_opt, 10);
	assert_int_equal(collect(e.s), 1);
	assert_cp_data(find_cp(AZC_PPP_IPV6CP, AZC_PPP_CONF_ACK), iid_opt, 10);
	feed_cp(e.s, AZC_PPP_IPV6CP, AZC_PPP_CONF_ACK, srv.cp.id, srv.cp.data,
		10);
	/* IPV6CP is open, CALL_CONNECTED is still missing */
	assert_int_equal(azc_sess_state(e.s), AZC_SESS_NEGOTIATING);
	feed_ipv6(e.s);
	assert_int_equal(azc_sess_info(e.s)->rx_data_dropped, 2);
	assert_int_equal(e.rx_count, 0);
	/* sstp-client's CALL_CONNECTED */
	assert_int_equal(azc_mschap_start_keys(h, nt, false, send, recv), 0);
	azc_cb_hlak(send, recv, false, hlak);
	assert_int_equal(azc_cb_build_connected(AZC_SSTP_HASH_SHA256, hlak,
						nonce, cert, sizeof(cert),
						buf), 0);
	feed(e.s, buf, AZC_SSTP_CONNECTED_LEN);
	assert_int_equal(azc_sess_state(e.s), AZC_SESS_CONNECTED);
	i = azc_sess_info(e.s);
	assert_string_equal(i->peer_name, "web1");
	assert_memory_equal(i->peer_iid, ASSIGNED, 8);
	assert_memory_equal(i->local_iid, s_iid, 8);
	assert_int_equal(i->peer_magic, 0x5e630ab8);
	assert_int_equal(i->local_magic, magic);
	assert_int_equal(i->hash_proto, AZC_SSTP_HASH_SHA256);
	feed_ipv6(e.s);
	assert_int_equal(e.rx_count, 1);
	/* LCP Echo-Request: answered with our magic and the data */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_ECHO_REQ, 3, echo, 7);
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_ECHO_REPLY);
	assert_int_equal(p->cp.id, 3);
	assert_int_equal(azc_get_be32(p->cp.data), magic);
	assert_cp_data(p, p->cp.data, 7);
	assert_memory_equal(p->cp.data + 4, "abc", 3);
	/* Our own magic comes back: looped, not answered */
	azc_put_be32(echo, magic);
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_ECHO_REQ, 4, echo, 4);
	assert_int_equal(collect(e.s), 0);
	assert_true(logged(&e, "looped back?"));
	/* Discard-Request: nothing; an unknown code: Code-Reject */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_DISCARD_REQ, 5, echo, 4);
	assert_int_equal(collect(e.s), 0);
	feed_cp(e.s, AZC_PPP_LCP, 0x20, 6, NULL, 0);
	assert_int_equal(collect(e.s), 1);
	assert_cp_data(find_cp(AZC_PPP_LCP, AZC_PPP_CODE_REJ),
		       "\x20\x06\x00\x04", 4);
	/* pppd exits: Terminate-Request, then sstp-client's disconnect */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_TERM_REQ, 7, "User request", 12);
	assert_int_equal(collect(e.s), 1);
	assert_int_equal(find_cp(AZC_PPP_LCP, AZC_PPP_TERM_ACK)->cp.id, 7);
	feed(e.s,
	     "\x10\x01\x00\x14\x00\x06\x00\x01\x00\x02\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00",
	     20);
	assert_int_equal(collect(e.s), 1);
	find_ctrl(AZC_SSTP_MSG_CALL_DISCONNECT_ACK);
	assert_int_equal(azc_sess_state(e.s), AZC_SESS_CLOSING);
	azc_sess_tick(e.s, T0 + 1000);
	assert_int_equal(azc_sess_state(e.s), AZC_SESS_CLOSED);
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "the client disconnected: status NO_ERROR (after CONNECTED; PPP terminated: User request)");
	azc_sess_free(e.s);
}

/* Windows' LCP options: callback, MRRU, endpoint discriminator, ... */
static void test_server_lcp_rejects(void **state)
{
	static const uint8_t win[] = {
		1, 4, 0x05, 0x78, 5, 6, 0x12, 0x34, 0x56, 0x78,
		7, 2, 8, 2, 0x0d, 3, 6, 0x11, 4, 0x05, 0x78,
		0x13, 9, 1, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
		4, 4, 0xc0, 0x25, 0x63, 2 };
	static const uint8_t rej[] = {
		7, 2, 8, 2, 0x0d, 3, 6, 0x11, 4, 0x05, 0x78,
		0x13, 9, 1, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
		4, 4, 0xc0, 0x25, 0x63, 2 };
	struct ep e;
	struct pk *p;

	(void)state;
	ep_new(&e, AZC_SESS_SERVER, 0);
	feed(e.s, sstpc_request, sizeof(sstpc_request) - 1);
	feed(e.s, connect_req, sizeof(connect_req));
	collect(e.s);
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 1, win, sizeof(win));
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_REJ);
	assert_cp_data(p, rej, sizeof(rej));
	/* MRU below IPv6's minimum: Nak 1280; then the rest is Acked */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 2, "\x01\x04\x02\x00", 4);
	assert_int_equal(collect(e.s), 1);
	assert_cp_data(find_cp(AZC_PPP_LCP, AZC_PPP_CONF_NAK),
		       "\x01\x04\x05\x00", 4);
	/*
	 * Above what an SSTP packet holds (the kernel would refuse the
	 * link after the whole negotiation): Nak 4087
	 */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 2, "\x01\x04\x23\x28", 4);
	assert_int_equal(collect(e.s), 1);
	assert_cp_data(find_cp(AZC_PPP_LCP, AZC_PPP_CONF_NAK),
		       "\x01\x04\x0f\xf7", 4);
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 2, "\x01\x04\x0f\xf8", 4);
	assert_int_equal(collect(e.s), 1);
	assert_cp_data(find_cp(AZC_PPP_LCP, AZC_PPP_CONF_NAK),
		       "\x01\x04\x0f\xf7", 4);
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 2, "\x01\x04\x0f\xf7", 4);
	assert_int_equal(collect(e.s), 1);
	assert_cp_data(find_cp(AZC_PPP_LCP, AZC_PPP_CONF_ACK),
		       "\x01\x04\x0f\xf7", 4);
	/* A malformed option list gets no answer at all */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 3, "\x01\x09\x05", 3);
	assert_int_equal(collect(e.s), 0);
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 4, win, 10);
	assert_int_equal(collect(e.s), 1);
	assert_cp_data(find_cp(AZC_PPP_LCP, AZC_PPP_CONF_ACK), win, 10);
	/* Magic 0 is always Nak'ed */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, 5, "\x05\x06\0\0\0\0", 6);
	assert_int_equal(collect(e.s), 1);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_NAK);
	assert_int_equal(p->cp.data_len, 6);
	assert_int_not_equal(azc_get_be32(p->cp.data + 2), 0);
	azc_sess_free(e.s);
}

/* Max-Failure towards a peer that Naks forever or refuses */
static void test_server_lcp_naks(void **state)
{
	struct ep e;
	struct pk *p;
	int k;

	(void)state;
	ep_new(&e, AZC_SESS_SERVER, 0);
	feed(e.s, sstpc_request, sizeof(sstpc_request) - 1);
	feed(e.s, connect_req, sizeof(connect_req));
	collect(e.s);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_REQ);
	/* A Nak of the MRU with a value we cannot take, forever */
	for (k = 0; k < 6; k++) {
		feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_NAK, p->cp.id,
			"\x01\x04\x00\x64", 4);
		assert_int_equal(collect(e.s), 1);
		p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_REQ);
		if (k < 5)
			assert_memory_equal(p->cp.data, "\x01\x04\x05\xdc", 4);
	}
	/* the sixth was taken as a Reject: no MRU any more */
	assert_int_equal(p->cp.data[0], AZC_LCP_OPT_AUTH);
	/* A Nak of MS-CHAPv2 asking for EAP: nothing else is allowed */
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_NAK, p->cp.id,
		"\x03\x04\xc2\x27", 4);
	assert_int_equal(azc_sess_state(e.s), AZC_SESS_CLOSING);
	assert_int_equal(azc_sess_error(e.s)->code, AZC_SESS_E_AUTH_METHOD);
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "the client refuses MS-CHAPv2, the only authentication protocol this relay allows (it asks for EAP)");
	/* A Terminate-Request went out, then CALL_DISCONNECT */
	assert_int_equal(collect(e.s), 2);
	assert_int_equal(pks[0].cp.code, AZC_PPP_TERM_REQ);
	find_ctrl(AZC_SSTP_MSG_CALL_DISCONNECT);
	azc_sess_free(e.s);

	/* A Nak asking for PAP: refused as well (PAP is never offered) */
	ep_new(&e, AZC_SESS_SERVER, 0);
	feed(e.s, sstpc_request, sizeof(sstpc_request) - 1);
	feed(e.s, connect_req, sizeof(connect_req));
	collect(e.s);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_REQ);
	assert_memory_equal(p->cp.data + 4, "\x03\x05\xc2\x23\x81", 5);
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_NAK, p->cp.id,
		"\x03\x04\xc0\x23", 4);
	assert_int_equal(azc_sess_error(e.s)->code, AZC_SESS_E_AUTH_METHOD);
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "the client refuses MS-CHAPv2, the only authentication protocol this relay allows (it asks for PAP)");
	azc_sess_free(e.s);

	/* A Reject of the Authentication-Protocol option ends it too */
	ep_new(&e, AZC_SESS_SERVER, 0);
	feed(e.s, sstpc_request, sizeof(sstpc_request) - 1);
	feed(e.s, connect_req, sizeof(connect_req));
	collect(e.s);
	p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_REQ);
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REJ, p->cp.id,
		"\x03\x05\xc2\x23\x81", 5);
	assert_int_equal(azc_sess_error(e.s)->code, AZC_SESS_E_AUTH_METHOD);
	assert_non_null(strstr(azc_sess_error(e.s)->msg,
			       "refuses to authenticate"));
	azc_sess_free(e.s);

	/* Looped back: the peer uses our magic number, again and again */
	ep_new(&e, AZC_SESS_SERVER, 0);
	feed(e.s, sstpc_request, sizeof(sstpc_request) - 1);
	feed(e.s, connect_req, sizeof(connect_req));
	collect(e.s);
	for (k = 0; k < 5; k++) {
		p = find_cp(AZC_PPP_LCP, AZC_PPP_CONF_REQ);
		feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_REQ, p->cp.id,
			p->cp.data + 9, 6);
		collect(e.s);
		if (k < 4) {
			assert_true(has_cp(AZC_PPP_LCP, AZC_PPP_CONF_NAK));
			/* our reply to our own request: a Nak */
			feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_CONF_NAK, p->cp.id,
				find_cp(AZC_PPP_LCP,
					AZC_PPP_CONF_NAK)->cp.data, 6);
			collect(e.s);
		}
	}
	assert_int_equal(azc_sess_error(e.s)->code, AZC_SESS_E_LCP);
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "LCP: the link is looped back (the peer uses our magic number)");
	azc_sess_free(e.s);
}

/* After authentication: pppd without +ipv6, or insisting on its IID */
static void server_authenticated(struct ep *e, struct pk *ipv6cp_req)
{
	static const uint8_t peer_chal[16] = { 1 };
	struct azc_chap_response r = { .name = (const uint8_t *)"web1",
				       .name_len = 4 };
	struct azc_chap_challenge c;
	uint8_t nonce[32], h[16], buf[256];
	struct pk srv, *p;
	int len;

	pppd_until_lcp(e, nonce, &srv);
	feed_cp(e->s, AZC_PPP_LCP, AZC_PPP_CONF_ACK, srv.cp.id, srv.cp.data,
		srv.cp.data_len);
	collect(e->s);
	p = find_cp(AZC_PPP_CHAP, AZC_CHAP_CHALLENGE);
	assert_int_equal(azc_chap_dec_challenge(&p->cp, &c), 0);
	nt_hash_of("token-web1", h);
	memcpy(r.peer_challenge, peer_chal, 16);
	assert_int_equal(azc_mschap_nt_response(c.challenge, peer_chal, "web1",
						4, h, r.nt_response), 0);
	len = azc_chap_enc_response(buf, sizeof(buf), p->cp.id, &r);
	feed_frame(e->s, buf, len);
	/* The same response again: the same Success again */
	feed_frame(e->s, buf, len);
	collect(e->s);
	assert_int_equal(pks[0].cp.code, AZC_CHAP_SUCCESS);
	assert_int_equal(pks[2].cp.code, AZC_CHAP_SUCCESS);
	assert_int_equal(pks[0].len, pks[2].len);
	assert_memory_equal(pks[0].raw, pks[2].raw, pks[0].len);
	keep(ipv6cp_req, find_cp(AZC_PPP_IPV6CP, AZC_PPP_CONF_REQ));
}

static void test_server_ipv6cp_failures(void **state)
{
	uint8_t iid_opt[10] = { 1, 10, 9, 9, 9, 9, 9, 9, 9, 9 };
	struct ep e;
	struct pk req, *p;
	int k;

	(void)state;
	server_authenticated(&e, &req);
	feed_cp(e.s, AZC_PPP_LCP, AZC_PPP_PROTO_REJ, 9,
		"\x80\x57\x01\x01\x00\x0e", 6);
	assert_int_equal(azc_sess_error(e.s)->code, AZC_SESS_E_IPV6CP);
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "the client rejected IPV6CP: IPv6 is not enabled on it (pppd: +ipv6)");
	assert_int_equal(azc_sess_state(e.s), AZC_SESS_CLOSING);
	azc_sess_free(e.s);

	server_authenticated(&e, &req);
	for (k = 0; k < 5; k++) {
		feed_cp(e.s, AZC_PPP_IPV6CP, AZC_PPP_CONF_REQ, k, iid_opt, 10);
		assert_int_equal(collect(e.s), 1);
		find_cp(AZC_PPP_IPV6CP, AZC_PPP_CONF_NAK);
	}
	feed_cp(e.s, AZC_PPP_IPV6CP, AZC_PPP_CONF_REQ, 5, iid_opt, 10);
	assert_int_equal(azc_sess_error(e.s)->code, AZC_SESS_E_IPV6CP);
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "IPV6CP: the client insists on interface identifier 0909:0909:0909:0909 instead of the assigned 0000:0000:0000:0a01");
	azc_sess_free(e.s);

	/* The client rejects our identifier option */
	server_authenticated(&e, &req);
	feed_cp(e.s, AZC_PPP_IPV6CP, AZC_PPP_CONF_REJ, req.cp.id, req.cp.data,
		10);
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "IPV6CP: the client rejected the Interface-Identifier option");
	azc_sess_free(e.s);

	/* The relay keeps its own identifier when Nak'ed, then gives up */
	server_authenticated(&e, &req);
	memset(iid_opt + 2, 0x33, 8);
	for (k = 0; k < 5; k++) {
		feed_cp(e.s, AZC_PPP_IPV6CP, AZC_PPP_CONF_NAK, req.cp.id,
			iid_opt, 10);
		assert_int_equal(collect(e.s), 1);
		p = find_cp(AZC_PPP_IPV6CP, AZC_PPP_CONF_REQ);
		assert_memory_equal(p->cp.data, req.cp.data, 10);
		keep(&req, p);
	}
	feed_cp(e.s, AZC_PPP_IPV6CP, AZC_PPP_CONF_NAK, req.cp.id, iid_opt, 10);
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "IPV6CP: the client keeps refusing our interface identifier");
	azc_sess_free(e.s);

	/* A request without an identifier: Nak adding the assigned one */
	server_authenticated(&e, &req);
	feed_cp(e.s, AZC_PPP_IPV6CP, AZC_PPP_CONF_REQ, 1, NULL, 0);
	assert_int_equal(collect(e.s), 1);
	memcpy(iid_opt + 2, ASSIGNED, 8);
	assert_cp_data(find_cp(AZC_PPP_IPV6CP, AZC_PPP_CONF_NAK), iid_opt, 10);
	azc_sess_free(e.s);
}

/* Hostile input */

static void after_http(struct ep *e, enum azc_sess_role role)
{
	ep_new(e, role, 0);
	if (role == AZC_SESS_SERVER)
		feed(e->s, sstpc_request, sizeof(sstpc_request) - 1);
	else
		feed(e->s, http_200, sizeof(http_200) - 1);
	collect(e->s);
	assert_int_equal(azc_sess_state(e->s), AZC_SESS_NEGOTIATING);
}

static void expect_drop(struct ep *e, const void *bytes, size_t len)
{
	size_t n;

	assert_int_equal(azc_sess_input(e->s, bytes, len, T0), (ssize_t)len);
	assert_int_equal(azc_sess_state(e->s), AZC_SESS_FAILED);
	assert_int_equal(azc_sess_error(e->s)->code, AZC_SESS_E_FRAMING);
	assert_true(azc_sess_error(e->s)->drop);
	azc_sess_out_peek(e->s, &n);
	assert_int_equal(n, 0);
	assert_int_equal(azc_sess_next_deadline(e->s), -1);
	/* Nothing more is consumed */
	assert_int_equal(azc_sess_input(e->s, bytes, len, T0), 0);
}

static void test_bad_framing(void **state)
{
	struct ep e;

	(void)state;
	after_http(&e, AZC_SESS_SERVER);
	expect_drop(&e, "\x11\x01\x00\x08", 4);
	assert_non_null(strstr(azc_sess_error(e.s)->msg,
			       "cannot be delineated (unsupported SSTP version): dropping the connection"));
	azc_sess_free(e.s);
	/* Bad length; the output pending (an ECHO_RESPONSE) is dropped too */
	after_http(&e, AZC_SESS_SERVER);
	feed(e.s, echo_req, sizeof(echo_req));
	feed(e.s, "\x10", 1);
	feed(e.s, "\x01\x00", 2);
	expect_drop(&e, "\x03", 1);
	azc_sess_free(e.s);
	/* The client, in the middle of PPP */
	after_http(&e, AZC_SESS_CLIENT);
	feed(e.s, "\x10\x01\x00\x30\x00\x02\x00\x01\x00\x04\x00\x28\x00\x00\x00\x02", 16);
	feed(e.s, "0123456789abcdef0123456789abcdef", 32);
	collect(e.s);
	expect_drop(&e, "\x20\x00\x00\x00", 4);
	azc_sess_free(e.s);
}

static void test_bad_control(void **state)
{
	static const uint8_t ack_short[] = {
		0x10, 0x01, 0x00, 0x2c, 0x00, 0x02, 0x00, 0x01,
		0x00, 0x04, 0x00, 0x24, 0, 0, 0, 2,
		1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8,
		1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4 };
	static const uint8_t abort_len[] = {
		0x10, 0x01, 0x00, 0x34, 0x00, 0x05, 0x00, 0x01,
		0x00, 0x02, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x04,
		0x00, 0x00, 0x00, 0x03 };
	struct ep e;
	struct pk *p;

	(void)state;
	/* A CRYPTO_BINDING_REQ of the wrong length: abort, saying so */
	after_http(&e, AZC_SESS_CLIENT);
	feed(e.s, ack_short, sizeof(ack_short));
	assert_int_equal(azc_sess_state(e.s), AZC_SESS_CLOSING);
	assert_int_equal(azc_sess_error(e.s)->code, AZC_SESS_E_PROTOCOL);
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "invalid SSTP control packet from the relay (CALL_CONNECT_ACK): invalid attribute value length");
	assert_int_equal(collect(e.s), 1);
	p = find_ctrl(AZC_SSTP_MSG_CALL_ABORT);
	assert_memory_equal(p->raw, abort_len, sizeof(abort_len));
	/* The offending attribute's value follows, 32 bytes of it */
	assert_int_equal(p->m.status.value_len, 32);
	/* In Call_Abort_Pending everything but CALL_ABORT is ignored */
	feed(e.s, echo_req, sizeof(echo_req));
	assert_int_equal(collect(e.s), 0);
	azc_sess_free(e.s);

	/* An unknown message type */
	after_http(&e, AZC_SESS_CLIENT);
	feed(e.s, "\x10\x01\x00\x08\x00\x42\x00\x00", 8);
	collect(e.s);
	p = find_ctrl(AZC_SSTP_MSG_CALL_ABORT);
	assert_int_equal(p->m.status.status,
			 AZC_SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED);
	azc_sess_free(e.s);

	/* A message that makes no sense here */
	after_http(&e, AZC_SESS_CLIENT);
	feed(e.s, connect_req, sizeof(connect_req));
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "unexpected SSTP CALL_CONNECT_REQUEST from the relay (waiting for CALL_CONNECT_ACK)");
	azc_sess_free(e.s);

	/* CALL_CONNECT_NAK */
	after_http(&e, AZC_SESS_CLIENT);
	feed(e.s,
	     "\x10\x01\x00\x16\x00\x03\x00\x01\x00\x02\x00\x0e\x00\x00\x00\x01\x00\x00\x00\x04\x00\x01",
	     22);
	assert_int_equal(azc_sess_error(e.s)->code, AZC_SESS_E_CONNECT_NAK);
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "SSTP CALL_CONNECT_NAK from relay: status VALUE_NOT_SUPPORTED (attribute ENCAPSULATED_PROTOCOL_ID)");
	azc_sess_free(e.s);

	/* The relay: CALL_CONNECTED before authentication */
	after_http(&e, AZC_SESS_SERVER);
	feed(e.s, connect_req, sizeof(connect_req));
	collect(e.s);
	{
		uint8_t m[AZC_SSTP_CONNECTED_LEN], hlak[32] = { 0 };
		uint8_t nonce[32] = { 0 };

		assert_int_equal(azc_cb_build_connected(AZC_SSTP_HASH_SHA256,
							hlak, nonce, cert,
							sizeof(cert), m), 0);
		feed(e.s, m, sizeof(m));
	}
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "CALL_CONNECTED before PPP authentication completed");
	azc_sess_free(e.s);
}

static void test_connect_request_nak(void **state)
{
	static const uint8_t not_ppp[] = { 0x10, 0x01, 0x00, 0x0e, 0x00, 0x01,
					   0x00, 0x01, 0x00, 0x01, 0x00, 0x06,
					   0x00, 0x02 };
	static const uint8_t nak[] = { 0x10, 0x01, 0x00, 0x16, 0x00, 0x03,
				       0x00, 0x01, 0x00, 0x02, 0x00, 0x0e,
				       0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
				       0x00, 0x04, 0x00, 0x02 };
	static const uint8_t bad_status[] = {
		0x10, 0x01, 0x00, 0x1a, 0x00, 0x01, 0x00, 0x02,
		0x00, 0x01, 0x00, 0x06, 0x00, 0x01,
		0x00, 0x02, 0x00, 0x0c, 0, 0, 0, 1, 0, 0, 0, 7 };
	struct ep e;
	int k;

	(void)state;
	after_http(&e, AZC_SESS_SERVER);
	for (k = 0; k < 3; k++) {
		feed(e.s, not_ppp, sizeof(not_ppp));
		assert_int_equal(collect(e.s), 1);
		assert_int_equal(pks[0].len, sizeof(nak));
		assert_memory_equal(pks[0].raw, nak, sizeof(nak));
	}
	/* A status that is not NO_ERROR: not supported in a request */
	feed(e.s, bad_status, sizeof(bad_status));
	collect(e.s);
	find_ctrl(AZC_SSTP_MSG_CALL_ABORT);
	assert_int_equal(pks[0].m.status.status,
			 AZC_SSTP_STATUS_RETRY_COUNT_EXCEEDED);
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "the client sent 4 unacceptable CALL_CONNECT_REQUESTs");
	azc_sess_free(e.s);

	after_http(&e, AZC_SESS_SERVER);
	feed(e.s, bad_status, sizeof(bad_status));
	collect(e.s);
	assert_int_equal(find_ctrl(AZC_SSTP_MSG_CALL_CONNECT_NAK)->m.status.status,
			 AZC_SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG);
	/* Then a good one is accepted */
	feed(e.s, connect_req, sizeof(connect_req));
	collect(e.s);
	find_ctrl(AZC_SSTP_MSG_CALL_CONNECT_ACK);
	azc_sess_free(e.s);
}

static void test_http_refused(void **state)
{
	char big[5000];
	const uint8_t *out;
	struct ep e;
	size_t n;

	(void)state;
	ep_new(&e, AZC_SESS_SERVER, 0);
	feed(e.s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
	out = azc_sess_out_peek(e.s, &n);
	assert_true(n > 20 && !memcmp(out, "HTTP/1.1 405 ", 13));
	assert_int_equal(azc_sess_state(e.s), AZC_SESS_FAILED);
	assert_int_equal(azc_sess_error(e.s)->code, AZC_SESS_E_HTTP);
	azc_sess_free(e.s);

	ep_new(&e, AZC_SESS_SERVER, 0);
	memset(big, 'A', sizeof(big));
	assert_int_equal(azc_sess_input(e.s, big, sizeof(big), T0),
			 AZC_HTTP_MAX_HEADER);
	out = azc_sess_out_peek(e.s, &n);
	assert_true(n > 20 && !memcmp(out, "HTTP/1.1 431 ", 13));
	azc_sess_free(e.s);

	ep_new(&e, AZC_SESS_CLIENT, 0);
	collect(e.s);
	feed(e.s, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 45);
	assert_int_equal(azc_sess_state(e.s), AZC_SESS_FAILED);
	assert_string_equal(azc_sess_error(e.s)->msg,
			    "the relay answered HTTP 404 to SSTP_DUPLEX_POST (not an SSTP relay, or SSTP disabled)");
	azc_sess_free(e.s);
}

/* The header and the first SSTP packets in one read */
static void test_pipelined(void **state)
{
	char buf[512];
	struct ep e;
	size_t n = sizeof(sstpc_request) - 1;

	(void)state;
	ep_new(&e, AZC_SESS_SERVER, 0);
	memcpy(buf, sstpc_request, n);
	memcpy(buf + n, connect_req, sizeof(connect_req));
	memcpy(buf + n + sizeof(connect_req), echo_req, sizeof(echo_req));
	feed(e.s, buf, n + sizeof(connect_req) + sizeof(echo_req));
	azc_sess_out_peek(e.s, &n);
	assert_true(n > 100);
	azc_sess_free(e.s);
}

/* The output fills: input stops until it is drained; nothing is lost */
static void test_backpressure(void **state)
{
	static uint8_t flood[8 * 10000];
	size_t off = 0, n, total = 0;
	ssize_t k;
	struct ep e;
	int i, rounds = 0;

	(void)state;
	after_http(&e, AZC_SESS_SERVER);
	for (i = 0; i < 10000; i++)
		memcpy(flood + 8 * i, echo_req, 8);
	while (off < sizeof(flood)) {
		k = azc_sess_input(e.s, flood + off, sizeof(flood) - off, T0);
		assert_true(k > 0);
		off += k;
		azc_sess_out_peek(e.s, &n);
		assert_true(n <= 32768);
		assert_int_equal(n % 8, 0);
		total += n;
		azc_sess_out_consume(e.s, n);
		rounds++;
	}
	assert_true(rounds > 2);
	assert_int_equal(total, sizeof(flood));
	assert_int_equal(azc_sess_state(e.s), AZC_SESS_NEGOTIATING);
	azc_sess_free(e.s);
}

static void test_bad_config(void **state)
{
	struct azc_sess_cfg c = {
		.role = AZC_SESS_CLIENT, .name = "web1", .secret = "t",
		.host = "h", .cert_der = cert, .cert_der_len = sizeof(cert),
	};
	struct azc_sess *s;
	char longname[300];

	(void)state;
	s = azc_sess_new(&c);
	assert_non_null(s);
	assert_int_equal(azc_sess_start(s, 0), 0);
	assert_int_equal(azc_sess_start(s, 0), -EALREADY);
	azc_sess_free(s);
	c.secret = "\xff\xfe";			/* not UTF-8 */
	assert_null(azc_sess_new(&c));
	assert_int_equal(errno, EINVAL);
	c.secret = "t";
	c.mru = 1000;
	assert_null(azc_sess_new(&c));
	c.mru = 0;
	c.hash_mask = 4;
	assert_null(azc_sess_new(&c));
	c.hash_mask = 0;
	c.cert_der = NULL;
	assert_null(azc_sess_new(&c));
	c.cert_der = cert;
	memset(longname, 'a', sizeof(longname));
	longname[sizeof(longname) - 1] = '\0';
	c.name = longname;
	assert_null(azc_sess_new(&c));
	c.name = "web1";
	c.role = AZC_SESS_SERVER;
	assert_null(azc_sess_new(&c));		/* no secret lookup */
	assert_null(azc_sess_new(NULL));
	assert_string_equal(azc_sess_state_name(AZC_SESS_CLOSING), "closing");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_vs_softether),
		cmocka_unit_test(test_server_vs_pppd),
		cmocka_unit_test(test_server_lcp_rejects),
		cmocka_unit_test(test_server_lcp_naks),
		cmocka_unit_test(test_server_ipv6cp_failures),
		cmocka_unit_test(test_bad_framing),
		cmocka_unit_test(test_bad_control),
		cmocka_unit_test(test_connect_request_nak),
		cmocka_unit_test(test_http_refused),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_backpressure),
		cmocka_unit_test(test_bad_config),
	};
	unsigned int i;

	for (i = 0; i < sizeof(cert); i++)
		cert[i] = (uint8_t)(i * 13 + 1);
	return cmocka_run_group_tests_name("sess_wire", tests, NULL, NULL);
}
