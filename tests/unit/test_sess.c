// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the SSTP session engine (userspace/lib/sess*.c).
 *
 * A client and a server engine wired back to back in memory, the stream
 * cut into random chunks, a fake clock; and scripted peers that speak
 * like SoftEther (to the client) and like sstp-client + pppd (to the
 * server), computing MS-CHAPv2 and the crypto binding on their own.
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

#define T0 100000
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One end: its engine, its callbacks' state */
struct ep {
	struct azc_sess *s;
	uint64_t rng;
	char log[32768];
	size_t log_len;
	char info_log[8192];	/* INFO and above: what a relay shows */
	size_t info_len;
	int rx_count;
	uint8_t rx_last[2048];
	size_t rx_last_len;
	int assign_calls;
};

static const uint8_t ASSIGNED[8] = { 0x00, 0x00, 0x00, 0x00,
				     0x00, 0x00, 0x0a, 0x01 };

static uint8_t cert_a[320], cert_b[320];

static void ep_log(void *ctx, enum azc_sess_log_level level,
		   const char *msg)
{
	struct ep *e = ctx;
	size_t n = strlen(msg);

	if (getenv("AZC_TEST_VERBOSE"))
		fprintf(stderr, "# [%p] %d %s\n", ctx, level, msg);
	if (level >= AZC_SESS_LOG_INFO && e->info_len + n + 2 <= sizeof(e->info_log)) {
		memcpy(e->info_log + e->info_len, msg, n);
		e->info_len += n;
		e->info_log[e->info_len++] = '\n';
		e->info_log[e->info_len] = '\0';
	}
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
		e->rng ^= e->rng << 13;
		e->rng ^= e->rng >> 7;
		e->rng ^= e->rng << 17;
		buf[i] = e->rng >> 24;
	}
	return 0;
}

static int ep_lookup(void *ctx, const char *name, char *secret, size_t size)
{
	(void)ctx;
	if (!strcmp(name, "web1"))
		snprintf(secret, size, "token-web1");
	else if (!strcmp(name, "CORP\\db1"))
		snprintf(secret, size, "sécret-db1");
	else
		return -2;
	return 0;
}

static int ep_assign(void *ctx, const char *name, uint8_t *iid)
{
	struct ep *e = ctx;

	e->assign_calls++;
	if (!strcmp(name, "nobody-assigns-me"))
		return -1;
	memcpy(iid, ASSIGNED, 8);
	iid[7] += strlen(name) & 0x0f;
	return 0;
}

static void ep_rx(void *ctx, const uint8_t *pkt, size_t len)
{
	struct ep *e = ctx;

	e->rx_count++;
	e->rx_last_len = len < sizeof(e->rx_last) ? len : sizeof(e->rx_last);
	memcpy(e->rx_last, pkt, e->rx_last_len);
}

static bool logged(const struct ep *e, const char *what)
{
	return strstr(e->log, what) != NULL;
}

/* How many INFO (or higher) lines contain @what. */
static int logged_info(const struct ep *e, const char *what)
{
	const char *p = e->info_log;
	int n = 0;

	while ((p = strstr(p, what))) {
		n++;
		p += strlen(what);
	}
	return n;
}

static struct azc_sess_cfg client_cfg(struct ep *e)
{
	struct azc_sess_cfg c = {
		.role = AZC_SESS_CLIENT,
		.name = "web1",
		.secret = "token-web1",
		.host = "relay.example.net",
		.cert_der = cert_a,
		.cert_der_len = sizeof(cert_a),
		.ctx = e,
		.log = ep_log,
		.rx_ipv6 = ep_rx,
		.random = ep_random,
	};

	return c;
}

static struct azc_sess_cfg server_cfg(struct ep *e)
{
	struct azc_sess_cfg c = {
		.role = AZC_SESS_SERVER,
		.name = "relay",
		.cert_der = cert_a,
		.cert_der_len = sizeof(cert_a),
		.ctx = e,
		.log = ep_log,
		.lookup_secret = ep_lookup,
		.assign_iid = ep_assign,
		.rx_ipv6 = ep_rx,
		.random = ep_random,
	};

	return c;
}

static void ep_new(struct ep *e, const struct azc_sess_cfg *cfg,
		   uint64_t seed)
{
	struct azc_sess_cfg c = *cfg;

	memset(e, 0, sizeof(*e));
	e->rng = seed | 1;
	c.ctx = e;
	e->s = azc_sess_new(&c);
	assert_non_null(e->s);
	assert_int_equal(azc_sess_start(e->s, T0), 0);
}

static void ep_free(struct ep *e)
{
	azc_sess_free(e->s);
	e->s = NULL;
}

/* The wire between two engines */
struct pipe {
	struct ep *c, *sv;
	uint64_t rng;
	size_t max_chunk;
	int64_t now;
	/* Optional: changes whole output buffers in flight */
	void (*tamper)(bool to_server, uint8_t *buf, size_t len);
	size_t moved;
};

static size_t pipe_chunk(struct pipe *p, size_t n)
{
	size_t c;

	if (p->max_chunk >= n)
		return n;
	p->rng = p->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	c = 1 + (p->rng >> 33) % p->max_chunk;
	return c < n ? c : n;
}

static bool xfer(struct pipe *p, struct ep *from, struct ep *to,
		 bool to_server)
{
	static uint8_t buf[65536];
	const uint8_t *out;
	size_t n, chunk;
	ssize_t k;

	out = azc_sess_out_peek(from->s, &n);
	if (!n)
		return false;
	chunk = pipe_chunk(p, n);
	memcpy(buf, out, chunk);
	if (p->tamper && chunk == n)
		p->tamper(to_server, buf, chunk);
	k = azc_sess_input(to->s, buf, chunk, p->now);
	assert_true(k >= 0 && (size_t)k <= chunk);
	azc_sess_out_consume(from->s, k);
	p->moved += k;
	return k > 0;
}

static void pump(struct pipe *p)
{
	int guard = 0;
	bool a, b;

	do {
		a = xfer(p, p->c, p->sv, true);
		b = xfer(p, p->sv, p->c, false);
		assert_true(++guard < 2000000);
	} while (a || b);
}

static int64_t min_deadline(const struct pipe *p)
{
	int64_t a = azc_sess_next_deadline(p->c->s);
	int64_t b = azc_sess_next_deadline(p->sv->s);

	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* Runs both engines and the clock until nothing is left to do. */
static void run_to_end(struct pipe *p)
{
	int64_t t;
	int i;

	for (i = 0; i < 1000; i++) {
		pump(p);
		t = min_deadline(p);
		if (t < 0)
			return;
		assert_true(t >= p->now);
		p->now = t;
		azc_sess_tick(p->c->s, t);
		azc_sess_tick(p->sv->s, t);
	}
	fail_msg("engines never settle");
}

static void pipe_init(struct pipe *p, struct ep *c, struct ep *sv,
		      size_t max_chunk, uint64_t seed)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->sv = sv;
	p->max_chunk = max_chunk;
	p->rng = seed;
	p->now = T0;
}

static void check_connected(struct ep *c, struct ep *sv, unsigned int auth,
			    uint8_t hash)
{
	const struct azc_sess_info *ci = azc_sess_info(c->s);
	const struct azc_sess_info *si = azc_sess_info(sv->s);
	uint8_t hc[32], hs[32], zero[32] = { 0 }, want[8];

	assert_null(azc_sess_error(c->s));
	assert_null(azc_sess_error(sv->s));
	assert_int_equal(azc_sess_state(c->s), AZC_SESS_CONNECTED);
	assert_int_equal(azc_sess_state(sv->s), AZC_SESS_CONNECTED);
	/* The relay assigned the client's identifier */
	memcpy(want, ASSIGNED, 8);
	want[7] += strlen(si->peer_name) & 0x0f;
	assert_memory_equal(ci->local_iid, want, 8);
	assert_memory_equal(si->peer_iid, want, 8);
	assert_memory_equal(ci->peer_iid, si->local_iid, 8);
	assert_memory_not_equal(ci->peer_iid, ci->local_iid, 8);
	assert_int_equal(ci->mru, si->peer_mru);
	assert_int_equal(ci->peer_mru, si->mru);
	assert_int_equal(ci->auth, auth);
	assert_int_equal(si->auth, auth);
	assert_int_equal(ci->hash_proto, hash);
	assert_int_equal(si->hash_proto, hash);
	assert_int_equal(ci->local_magic, si->peer_magic);
	assert_int_equal(ci->peer_magic, si->local_magic);
	/* Both hold the same HLAK, from the MS-CHAPv2 keys */
	assert_int_equal(azc_sess_hlak(c->s, hc), 0);
	assert_int_equal(azc_sess_hlak(sv->s, hs), 0);
	assert_memory_equal(hc, hs, 32);
	assert_memory_not_equal(hc, zero, 32);
	assert_int_equal(ci->rx_data_dropped, 0);
	assert_int_equal(si->rx_data_dropped, 0);
}

static void connect_pair(struct ep *c, struct ep *sv,
			 const struct azc_sess_cfg *cc,
			 const struct azc_sess_cfg *sc, size_t chunk,
			 uint64_t seed, struct pipe *p)
{
	ep_new(c, cc, seed * 7 + 1);
	ep_new(sv, sc, seed * 13 + 5);
	pipe_init(p, c, sv, chunk, seed);
	pump(p);
}

static void test_connect_mschapv2(void **state)
{
	const size_t chunks[] = { 1, 2, 3, 7, 64, 1000, 100000 };
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		cc = client_cfg(&c);
		sc = server_cfg(&sv);
		connect_pair(&c, &sv, &cc, &sc, chunks[i], i + 1, &p);
		check_connected(&c, &sv, AZC_SESS_AUTH_MSCHAPV2,
				AZC_SSTP_HASH_SHA256);
		assert_string_equal(azc_sess_info(sv.s)->peer_name, "web1");
		assert_int_equal(azc_sess_info(c.s)->mru, 1500);
		assert_int_equal(sv.assign_calls, 1);
		/* Echo timers run from the last byte received */
		assert_int_equal(azc_sess_next_deadline(c.s), T0 + 60000);
		assert_true(logged(&sv, "crypto binding verified (SHA-256)"));
		assert_true(logged(&sv, "endpoint 'web1' authenticated"));
		assert_true(logged(&c, "relay proved it knows the token"));
		ep_free(&c);
		ep_free(&sv);
	}
}

/* Random chunking over many seeds, OpenSSL's RNG on one side */
static void test_connect_random_chunks(void **state)
{
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;
	uint64_t seed;

	(void)state;
	for (seed = 100; seed < 130; seed++) {
		cc = client_cfg(&c);
		sc = server_cfg(&sv);
		if (seed & 1)
			sc.random = NULL;
		connect_pair(&c, &sv, &cc, &sc, 1 + seed % 40, seed, &p);
		check_connected(&c, &sv, AZC_SESS_AUTH_MSCHAPV2,
				AZC_SSTP_HASH_SHA256);
		ep_free(&c);
		ep_free(&sv);
	}
}

static void test_connect_sha1(void **state)
{
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;

	(void)state;
	/* The relay offers SHA-1 only */
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	sc.hash_mask = AZC_SSTP_HASH_SHA1;
	connect_pair(&c, &sv, &cc, &sc, 5, 3, &p);
	check_connected(&c, &sv, AZC_SESS_AUTH_MSCHAPV2, AZC_SSTP_HASH_SHA1);
	ep_free(&c);
	ep_free(&sv);
	/* The client accepts SHA-1 only from a relay offering both */
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	cc.hash_mask = AZC_SSTP_HASH_SHA1;
	connect_pair(&c, &sv, &cc, &sc, 9, 4, &p);
	check_connected(&c, &sv, AZC_SESS_AUTH_MSCHAPV2, AZC_SSTP_HASH_SHA1);
	ep_free(&c);
	ep_free(&sv);
	/* No common hash: the client refuses */
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	cc.hash_mask = AZC_SSTP_HASH_SHA256;
	sc.hash_mask = AZC_SSTP_HASH_SHA1;
	connect_pair(&c, &sv, &cc, &sc, 100, 5, &p);
	run_to_end(&p);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_FAILED);
	assert_int_equal(azc_sess_error(c.s)->code, AZC_SESS_E_BINDING);
	assert_non_null(strstr(azc_sess_error(c.s)->msg,
			       "relay offers crypto binding SHA-1"));
	assert_int_equal(azc_sess_error(sv.s)->code, AZC_SESS_E_PEER_ABORT);
	ep_free(&c);
	ep_free(&sv);
}

/* Different MRUs, a user name with a domain and a non-ASCII token */
static void test_connect_mru_domain(void **state)
{
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;

	(void)state;
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	cc.name = "CORP\\db1";
	cc.secret = "sécret-db1";
	cc.mru = 1400;
	sc.mru = 4000;
	connect_pair(&c, &sv, &cc, &sc, 33, 11, &p);
	check_connected(&c, &sv, AZC_SESS_AUTH_MSCHAPV2, AZC_SSTP_HASH_SHA256);
	assert_int_equal(azc_sess_info(c.s)->mru, 1400);
	assert_int_equal(azc_sess_info(sv.s)->mru, 4000);
	assert_string_equal(azc_sess_info(sv.s)->peer_name, "CORP\\db1");
	ep_free(&c);
	ep_free(&sv);
}

static void test_wrong_token(void **state)
{
	struct ep c, sv, c2, sv2;
	struct azc_sess_cfg cc, sc, cc2;
	struct pipe p, p2;
	const struct azc_sess_error *e;

	(void)state;
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	cc.secret = "not-the-token";
	cc2 = client_cfg(&c2);
	/* Two sessions of one relay configuration, interleaved */
	ep_new(&c, &cc, 12);
	ep_new(&sv, &sc, 13);
	ep_new(&c2, &cc2, 14);
	ep_new(&sv2, &sc, 15);
	pipe_init(&p, &c, &sv, 7, 12);
	pipe_init(&p2, &c2, &sv2, 5, 13);
	for (;;) {
		int moved = xfer(&p, &c, &sv, true);

		moved += xfer(&p, &sv, &c, false);
		moved += xfer(&p2, &c2, &sv2, true);
		moved += xfer(&p2, &sv2, &c2, false);
		if (!moved)
			break;
	}
	check_connected(&c2, &sv2, AZC_SESS_AUTH_MSCHAPV2,
			AZC_SSTP_HASH_SHA256);
	run_to_end(&p);
	e = azc_sess_error(c.s);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_FAILED);
	assert_non_null(e);
	assert_int_equal(e->code, AZC_SESS_E_AUTH);
	assert_false(e->drop);
	assert_non_null(strstr(e->msg,
			       "PPP authentication failed: the relay rejected the name or token (E=691): Authentication failure"));
	e = azc_sess_error(sv.s);
	assert_int_equal(azc_sess_state(sv.s), AZC_SESS_FAILED);
	assert_int_equal(e->code, AZC_SESS_E_AUTH);
	assert_string_equal(e->msg,
			    "MS-CHAPv2 authentication failed for endpoint 'web1': wrong token");
	assert_true(logged(&sv, "authentication failed for endpoint 'web1'"));
	assert_int_equal(sv.assign_calls, 0);
	/* The other session is unaffected */
	assert_int_equal(azc_sess_state(sv2.s), AZC_SESS_CONNECTED);
	ep_free(&c);
	ep_free(&sv);
	ep_free(&c2);
	ep_free(&sv2);
}

static void test_unknown_name_and_pap_refused(void **state)
{
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;

	(void)state;
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	cc.name = "intruder";
	connect_pair(&c, &sv, &cc, &sc, 100, 15, &p);
	run_to_end(&p);
	assert_string_equal(azc_sess_error(sv.s)->msg,
			    "MS-CHAPv2 authentication failed for endpoint 'intruder': unknown endpoint name");
	assert_int_equal(azc_sess_error(c.s)->code, AZC_SESS_E_AUTH);
	ep_free(&c);
	ep_free(&sv);


}

static int lookup_any(void *ctx, const char *name, char *secret,
		      size_t size)
{
	(void)ctx;
	(void)name;
	snprintf(secret, size, "token-web1");
	return 0;
}

static void test_assign_refused(void **state)
{
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;

	(void)state;
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	cc.name = "nobody-assigns-me";
	sc.lookup_secret = lookup_any;
	connect_pair(&c, &sv, &cc, &sc, 100, 18, &p);
	run_to_end(&p);
	assert_int_equal(azc_sess_error(sv.s)->code, AZC_SESS_E_POLICY);
	assert_string_equal(azc_sess_error(sv.s)->msg,
			    "no interface identifier for endpoint 'nobody-assigns-me'");
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_FAILED);
	assert_int_equal(azc_sess_error(c.s)->code,
			 AZC_SESS_E_PEER_DISCONNECT);
	ep_free(&c);
	ep_free(&sv);
	/* Without a callback the relay picks a random identifier */
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	sc.assign_iid = NULL;
	connect_pair(&c, &sv, &cc, &sc, 100, 19, &p);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_CONNECTED);
	assert_memory_equal(azc_sess_info(c.s)->local_iid,
			    azc_sess_info(sv.s)->peer_iid, 8);
	ep_free(&c);
	ep_free(&sv);
}

/* Changes one byte of the first message of a type in a buffer */
static uint8_t *find_bytes(uint8_t *buf, size_t len, const void *pat,
			   size_t plen)
{
	size_t i;

	for (i = 0; i + plen <= len; i++)
		if (!memcmp(buf + i, pat, plen))
			return buf + i;
	return NULL;
}

static const uint8_t connected_hdr[] = { 0x10, 0x01, 0x00, 0x70, 0x00, 0x04 };
static int tamper_off;
static uint8_t tamper_xor;

static void tamper_connected(bool to_server, uint8_t *buf, size_t len)
{
	uint8_t *m;

	if (!to_server)
		return;
	m = find_bytes(buf, len, connected_hdr, sizeof(connected_hdr));
	if (m && m + tamper_off < buf + len)
		m[tamper_off] ^= tamper_xor;
}

static void binding_failure(const char *cert_what, int off, uint8_t x,
			    const char *expect)
{
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;
	const struct azc_sess_error *e;

	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	if (cert_what)
		cc.cert_der = cert_b;	/* what a MITM would present */
	sc.hash_mask = AZC_SSTP_HASH_SHA256;
	ep_new(&c, &cc, 21);
	ep_new(&sv, &sc, 22);
	pipe_init(&p, &c, &sv, (size_t)-1, 1);
	tamper_off = off;
	tamper_xor = x;
	p.tamper = off ? tamper_connected : NULL;
	run_to_end(&p);
	e = azc_sess_error(sv.s);
	assert_non_null(e);
	assert_int_equal(azc_sess_state(sv.s), AZC_SESS_FAILED);
	assert_int_equal(e->code, AZC_SESS_E_BINDING);
	assert_non_null(strstr(e->msg, expect));
	assert_non_null(strstr(e->msg, ", endpoint web1"));
	e = azc_sess_error(c.s);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_FAILED);
	assert_int_equal(e->code, AZC_SESS_E_PEER_ABORT);
	assert_string_equal(e->msg,
			    "the relay aborted the call: status VALUE_NOT_SUPPORTED (attribute CRYPTO_BINDING)");
	ep_free(&c);
	ep_free(&sv);
}

static void test_binding_mitm(void **state)
{
	(void)state;
	binding_failure(
			"mitm",
			0, 0, "crypto binding mismatch: certificate hash (the client saw another certificate");
	/*
	 * CALL_CONNECTED: 8-byte header, attribute header, 3 reserved,
	 * hash protocol (15), nonce (16), cert hash (48), MAC (80)
	 */
	binding_failure(NULL, 16 + 3, 1, "crypto binding mismatch: nonce");
	binding_failure(NULL, 48 + 31, 1, "crypto binding mismatch: certificate hash");
	binding_failure(NULL, AZC_SSTP_CONNECTED_MAC_OFF + 7, 1,
			"crypto binding mismatch: compound MAC");
	binding_failure(NULL, 15, 3, "hash protocol not offered");
}

static void tamper_success(bool to_server, uint8_t *buf, size_t len)
{
	static const uint8_t succ[] = { 0xc2, 0x23, 0x03 };
	uint8_t *m;

	if (to_server)
		return;
	m = find_bytes(buf, len, succ, sizeof(succ));
	if (m && m + 8 < buf + len)
		m[8] = m[8] == '0' ? '1' : '0';	/* first hex digit of S= */
}

static void test_mutual_auth(void **state)
{
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;
	uint8_t hlak[32];

	(void)state;
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	ep_new(&c, &cc, 23);
	ep_new(&sv, &sc, 24);
	pipe_init(&p, &c, &sv, (size_t)-1, 1);
	p.tamper = tamper_success;
	run_to_end(&p);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_FAILED);
	assert_int_equal(azc_sess_error(c.s)->code, AZC_SESS_E_MUTUAL_AUTH);
	assert_non_null(strstr(azc_sess_error(c.s)->msg,
			       "does not prove it knows this endpoint's token"));
	assert_int_equal(azc_sess_hlak(c.s, hlak), -EAGAIN);
	/* The relay sees the client go away during negotiation */
	assert_int_equal(azc_sess_state(sv.s), AZC_SESS_FAILED);
	assert_int_equal(azc_sess_error(sv.s)->code,
			 AZC_SESS_E_PEER_DISCONNECT);
	ep_free(&c);
	ep_free(&sv);
}

/* Timers */

static void test_negotiation_timeout_http(void **state)
{
	struct azc_sess_cfg cc;
	struct ep c;
	size_t n;

	(void)state;
	cc = client_cfg(&c);
	ep_new(&c, &cc, 31);
	azc_sess_out_peek(c.s, &n);
	assert_true(n > 100);			/* the HTTP request */
	azc_sess_out_consume(c.s, n);
	assert_int_equal(azc_sess_next_deadline(c.s), T0 + 60000);
	azc_sess_tick(c.s, T0 + 59999);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_NEGOTIATING);
	azc_sess_tick(c.s, T0 + 60000);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_FAILED);
	assert_int_equal(azc_sess_error(c.s)->code, AZC_SESS_E_TIMEOUT);
	assert_string_equal(azc_sess_error(c.s)->msg,
			    "negotiation timed out after 60 s in state: waiting for the HTTP response");
	azc_sess_out_peek(c.s, &n);
	assert_int_equal(n, 0);			/* no SSTP yet: nothing */
	assert_int_equal(azc_sess_next_deadline(c.s), -1);
	ep_free(&c);
}

static const char http_200[] =
	"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\nServer: Microsoft-HTTPAPI/2.0\r\n\r\n";

static void feed(struct azc_sess *s, const void *buf, size_t len,
		 int64_t now)
{
	assert_int_equal(azc_sess_input(s, buf, len, now), (ssize_t)len);
}

static void drain(struct azc_sess *s)
{
	size_t n;

	azc_sess_out_peek(s, &n);
	azc_sess_out_consume(s, n);
}

static bool out_is(struct azc_sess *s, const uint8_t *want, size_t len)
{
	const uint8_t *out;
	size_t n;

	out = azc_sess_out_peek(s, &n);
	return n == len && !memcmp(out, want, len);
}

static void test_negotiation_timeout_sstp(void **state)
{
	static const uint8_t abort_timeout[] = {
		0x10, 0x01, 0x00, 0x14, 0x00, 0x05, 0x00, 0x01,
		0x00, 0x02, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x08 };
	static const uint8_t peer_abort[] = {
		0x10, 0x01, 0x00, 0x08, 0x00, 0x05, 0x00, 0x00 };
	struct azc_sess_cfg cc;
	struct ep c;

	(void)state;
	cc = client_cfg(&c);
	ep_new(&c, &cc, 32);
	drain(c.s);
	feed(c.s, http_200, sizeof(http_200) - 1, T0 + 500);
	drain(c.s);				/* CALL_CONNECT_REQUEST */
	assert_int_equal(azc_sess_next_deadline(c.s), T0 + 60500);
	azc_sess_tick(c.s, T0 + 60500);
	assert_true(out_is(c.s, abort_timeout, sizeof(abort_timeout)));
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_CLOSING);
	assert_string_equal(azc_sess_error(c.s)->msg,
			    "negotiation timed out after 60 s in state: waiting for CALL_CONNECT_ACK");
	/* Call_Abort_Pending: 3 s for the peer's CALL_ABORT, then 1 s */
	assert_int_equal(azc_sess_next_deadline(c.s), T0 + 63500);
	feed(c.s, peer_abort, sizeof(peer_abort), T0 + 61000);
	assert_int_equal(azc_sess_next_deadline(c.s), T0 + 62000);
	azc_sess_tick(c.s, T0 + 61999);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_CLOSING);
	azc_sess_tick(c.s, T0 + 62000);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_FAILED);
	assert_int_equal(azc_sess_error(c.s)->code, AZC_SESS_E_TIMEOUT);
	ep_free(&c);

	/* No CALL_ABORT from the peer: done after 3 s */
	cc = client_cfg(&c);
	ep_new(&c, &cc, 33);
	feed(c.s, http_200, sizeof(http_200) - 1, T0);
	azc_sess_tick(c.s, T0 + 60000);
	assert_int_equal(azc_sess_next_deadline(c.s), T0 + 63000);
	azc_sess_tick(c.s, T0 + 63000);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_FAILED);
	ep_free(&c);
}

/* The relay's LCP gets no answer: 10 Configure-Requests, 3 s apart */
static void test_lcp_no_answer(void **state)
{
	static const uint8_t req[] = { 0x10, 0x01, 0x00, 0x0e, 0x00, 0x01,
				       0x00, 0x01, 0x00, 0x01, 0x00, 0x06,
				       0x00, 0x01 };
	struct azc_sess_cfg sc;
	struct ep sv;
	char http[512];
	int n, i;
	int64_t now = T0;

	(void)state;
	sc = server_cfg(&sv);
	ep_new(&sv, &sc, 34);
	n = azc_http_build_request(http, sizeof(http), "relay");
	feed(sv.s, http, n, now);
	feed(sv.s, req, sizeof(req), now);
	drain(sv.s);
	for (i = 1; i < 10; i++) {
		assert_int_equal(azc_sess_next_deadline(sv.s), now + 3000);
		now += 3000;
		azc_sess_tick(sv.s, now);
		assert_int_equal(azc_sess_state(sv.s), AZC_SESS_NEGOTIATING);
	}
	now += 3000;
	azc_sess_tick(sv.s, now);
	assert_int_equal(azc_sess_state(sv.s), AZC_SESS_CLOSING);
	assert_int_equal(azc_sess_error(sv.s)->code, AZC_SESS_E_LCP);
	assert_string_equal(azc_sess_error(sv.s)->msg,
			    "LCP: no Configure-Ack to 10 Configure-Requests");
	/* CALL_DISCONNECT, 5 s for its acknowledgment */
	assert_int_equal(azc_sess_next_deadline(sv.s), now + 5000);
	azc_sess_tick(sv.s, now + 5000);
	assert_int_equal(azc_sess_state(sv.s), AZC_SESS_FAILED);
	ep_free(&sv);
}

static const uint8_t echo_req[] = { 0x10, 0x01, 0x00, 0x08,
				    0x00, 0x08, 0x00, 0x00 };
static const uint8_t echo_resp[] = { 0x10, 0x01, 0x00, 0x08,
				     0x00, 0x09, 0x00, 0x00 };

static void test_echo(void **state)
{
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;
	int64_t t;
	int i;

	(void)state;
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	cc.echo_max = 3;
	connect_pair(&c, &sv, &cc, &sc, 100, 41, &p);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_CONNECTED);
	/* Every ECHO_REQUEST is answered, and logged once CONNECTED */
	for (i = 0; i < 3; i++) {
		feed(sv.s, echo_req, sizeof(echo_req), p.now);
		assert_true(out_is(sv.s, echo_resp, sizeof(echo_resp)));
		drain(sv.s);
	}
	assert_int_equal(logged_info(&sv, "SSTP ECHO_REQUEST from the client answered"), 3);
	/* 60 s of silence: the client asks */
	t = azc_sess_next_deadline(c.s);
	assert_int_equal(t, T0 + 60000);
	p.now = t;
	azc_sess_tick(c.s, t);
	assert_true(out_is(c.s, echo_req, sizeof(echo_req)));
	assert_int_equal(logged_info(&c, "SSTP ECHO_REQUEST sent: nothing received from the relay for 60 s"), 1);
	pump(&p);				/* answered */
	assert_int_equal(azc_sess_info(c.s)->echo_responses, 1);
	assert_int_equal(logged_info(&sv, "SSTP ECHO_REQUEST from the client answered"), 4);
	assert_int_equal(logged_info(&c, "SSTP ECHO_RESPONSE received from the relay"), 1);
	assert_int_equal(azc_sess_next_deadline(c.s), t + 60000);
	/* Now the relay goes silent: 3 unanswered requests, then abort */
	for (i = 0; i < 3; i++) {
		t = azc_sess_next_deadline(c.s);
		assert_int_equal(t, T0 + 60000 * (i + 2));
		azc_sess_tick(c.s, t);
		assert_true(out_is(c.s, echo_req, sizeof(echo_req)));
		drain(c.s);
		assert_int_equal(azc_sess_state(c.s), AZC_SESS_CONNECTED);
	}
	t = azc_sess_next_deadline(c.s);
	assert_int_equal(t, T0 + 60000 * 5);
	azc_sess_tick(c.s, t);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_CLOSING);
	assert_int_equal(azc_sess_error(c.s)->code, AZC_SESS_E_ECHO_TIMEOUT);
	assert_string_equal(azc_sess_error(c.s)->msg,
			    "the relay does not answer: 3 ECHO_REQUESTs unanswered");
	assert_int_equal(logged_info(&c, "nothing received from the relay for 180 s"), 1);
	azc_sess_tick(c.s, t + 3000);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_FAILED);
	/* The caller reports the end from azc_sess_error(): not logged */
	assert_int_equal(logged_info(&c, "does not answer"), 0);
	assert_int_equal(logged_info(&c, "session failed"), 0);
	assert_int_equal(azc_sess_info(c.s)->echo_requests, 4);
	ep_free(&c);
	ep_free(&sv);
}

static void test_disconnect(void **state)
{
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;

	(void)state;
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	connect_pair(&c, &sv, &cc, &sc, 100, 42, &p);
	azc_sess_close(c.s, "administrator request", p.now);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_CLOSING);
	assert_int_equal(azc_sess_next_deadline(c.s), p.now + 5000);
	pump(&p);
	/* Acknowledged: closed at once; the relay waits its 1 s */
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_CLOSED);
	assert_int_equal(azc_sess_error(c.s)->code, AZC_SESS_E_LOCAL);
	assert_string_equal(azc_sess_error(c.s)->msg,
			    "closed locally: administrator request");
	assert_int_equal(azc_sess_state(sv.s), AZC_SESS_CLOSING);
	assert_int_equal(azc_sess_next_deadline(sv.s), p.now + 1000);
	azc_sess_tick(sv.s, p.now + 1000);
	assert_int_equal(azc_sess_state(sv.s), AZC_SESS_CLOSED);
	assert_int_equal(azc_sess_error(sv.s)->code,
			 AZC_SESS_E_PEER_DISCONNECT);
	assert_string_equal(azc_sess_error(sv.s)->msg,
			    "the client disconnected: status NO_ERROR (after CONNECTED; PPP terminated: administrator request)");
	ep_free(&c);
	ep_free(&sv);

	/* Unanswered CALL_DISCONNECT: closed after 5 s */
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	connect_pair(&c, &sv, &cc, &sc, 100, 43, &p);
	azc_sess_close(sv.s, NULL, p.now);
	azc_sess_tick(sv.s, p.now + 4999);
	assert_int_equal(azc_sess_state(sv.s), AZC_SESS_CLOSING);
	azc_sess_tick(sv.s, p.now + 5000);
	assert_int_equal(azc_sess_state(sv.s), AZC_SESS_CLOSED);
	/* The transport closing while connected is a failure */
	azc_sess_eof(c.s, p.now);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_FAILED);
	assert_int_equal(azc_sess_error(c.s)->code, AZC_SESS_E_EOF);
	assert_string_equal(azc_sess_error(c.s)->msg,
			    "the relay closed the connection without CALL_DISCONNECT");
	ep_free(&c);
	ep_free(&sv);
}

static void test_data_after_connect(void **state)
{
	uint8_t pkt[1280];
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;
	unsigned int i;

	(void)state;
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	connect_pair(&c, &sv, &cc, &sc, 100, 44, &p);
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = i * 7;
	pkt[0] = 0x60;
	assert_int_equal(azc_sess_send_ipv6(sv.s, pkt, sizeof(pkt)), 0);
	assert_int_equal(azc_sess_send_ipv6(sv.s, pkt, 1501), -EMSGSIZE);
	pump(&p);
	assert_int_equal(c.rx_count, 1);
	assert_int_equal(c.rx_last_len, sizeof(pkt));
	assert_memory_equal(c.rx_last, pkt, sizeof(pkt));
	assert_int_equal(azc_sess_info(c.s)->rx_ipv6, 1);
	ep_free(&c);
	ep_free(&sv);
	/* Not before CONNECTED */
	cc = client_cfg(&c);
	ep_new(&c, &cc, 45);
	assert_int_equal(azc_sess_send_ipv6(c.s, pkt, 100), -ENOTCONN);
	ep_free(&c);
}

/*
 * Handoff: the client stops at CONNECTED; bytes after the frame that
 * completed the negotiation stay with the caller.
 */
static void test_handoff(void **state)
{
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;
	const uint8_t *out, *pend;
	uint8_t pkt[64] = { 0x60 };
	size_t n, before;

	(void)state;
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	cc.handoff = true;
	connect_pair(&c, &sv, &cc, &sc, 1, 46, &p);
	assert_int_equal(azc_sess_state(c.s), AZC_SESS_CONNECTED);
	assert_int_equal(azc_sess_state(sv.s), AZC_SESS_CONNECTED);
	assert_int_equal(azc_sess_next_deadline(c.s), -1);
	assert_int_equal(azc_sess_send_ipv6(c.s, pkt, sizeof(pkt)),
			 -ENOTCONN);
	/* The relay sends data: the client no longer consumes anything */
	azc_sess_out_peek(sv.s, &before);
	assert_int_equal(azc_sess_send_ipv6(sv.s, pkt, sizeof(pkt)), 0);
	out = azc_sess_out_peek(sv.s, &n);
	assert_int_equal(n, before + 4 + 4 + sizeof(pkt));
	assert_int_equal(azc_sess_input(c.s, out, n, p.now), 0);
	assert_memory_equal(out + n - sizeof(pkt), pkt, sizeof(pkt));
	assert_int_equal(azc_sess_take_pending(c.s, &pend), 0);
	assert_int_equal(c.rx_count, 0);
	ep_free(&c);
	ep_free(&sv);

	/* Bytes of an unfinished packet are handed over */
	cc = client_cfg(&c);
	ep_new(&c, &cc, 47);
	feed(c.s, http_200, sizeof(http_200) - 1, T0);
	feed(c.s, echo_req, 3, T0);
	n = azc_sess_take_pending(c.s, &pend);
	assert_int_equal(n, 3);
	assert_memory_equal(pend, echo_req, 3);
	assert_int_equal(azc_sess_input(c.s, echo_req + 3, 5, T0), 0);
	ep_free(&c);
}

/* The whole connection in one input call, with data behind it */
static void test_handoff_one_read(void **state)
{
	struct ep c, sv;
	struct azc_sess_cfg cc, sc;
	struct pipe p;
	uint8_t tail[] = { 0x10, 0x00, 0x00, 0x0c, 0xff, 0x03, 0x00, 0x57,
			   0x60, 0x00, 0x00, 0x00 };
	const uint8_t *out;
	uint8_t buf[8192];
	size_t n;
	ssize_t k;

	(void)state;
	/* A relay with handoff; the client's stream recorded in a run */
	cc = client_cfg(&c);
	sc = server_cfg(&sv);
	sc.handoff = true;
	connect_pair(&c, &sv, &cc, &sc, (size_t)-1, 48, &p);
	assert_int_equal(azc_sess_state(sv.s), AZC_SESS_CONNECTED);
	/* The relay never read past what completed its negotiation */
	out = azc_sess_out_peek(c.s, &n);
	assert_true(n + sizeof(tail) < sizeof(buf));
	memcpy(buf, out, n);
	memcpy(buf + n, tail, sizeof(tail));
	k = azc_sess_input(sv.s, buf, n + sizeof(tail), p.now);
	assert_int_equal(k, 0);
	ep_free(&c);
	ep_free(&sv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_mschapv2),
		cmocka_unit_test(test_connect_random_chunks),
		cmocka_unit_test(test_connect_sha1),
		cmocka_unit_test(test_connect_mru_domain),
		cmocka_unit_test(test_wrong_token),
		cmocka_unit_test(test_unknown_name_and_pap_refused),
		cmocka_unit_test(test_assign_refused),
		cmocka_unit_test(test_binding_mitm),
		cmocka_unit_test(test_mutual_auth),
		cmocka_unit_test(test_negotiation_timeout_http),
		cmocka_unit_test(test_negotiation_timeout_sstp),
		cmocka_unit_test(test_lcp_no_answer),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_disconnect),
		cmocka_unit_test(test_data_after_connect),
		cmocka_unit_test(test_handoff),
		cmocka_unit_test(test_handoff_one_read),
	};
	unsigned int i;

	for (i = 0; i < sizeof(cert_a); i++)
		cert_a[i] = cert_b[i] = (uint8_t)(i * 31 + 7);
	cert_b[200] ^= 0x40;
	return cmocka_run_group_tests_name("sess", tests, NULL, NULL);
}
