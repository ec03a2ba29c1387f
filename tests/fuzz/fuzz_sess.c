// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the session engine (userspace/lib/sess*.c).
 *
 * First byte: bit 0 server (else client), bit 1 pair mode, bits 2-7 the
 * chunk size. Single mode feeds the rest as the stream from the peer to
 * one engine (a client gets a valid HTTP 200 first), in chunks, with the
 * clock advancing 700 ms per chunk and timers run. Pair mode wires a
 * client and a server back to back and lets the input corrupt their
 * stream: 8 mutations (2-byte offset, xor, direction), then the rest is
 * injected into the server once the pair is up. Checks: no crash, no
 * leak, bounded output, consistent state.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "engine/sstp_ctrl.h"
#include "engine/sess.h"

#define OUT_MAX 32768
#define NMUT 8

static uint8_t cert[200];
static const char http_200[] =
	"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n";

struct fz {
	uint64_t rng;
};

static int fz_random(void *ctx, uint8_t *buf, size_t len)
{
	struct fz *f = ctx;
	size_t i;

	for (i = 0; i < len; i++) {
		f->rng = f->rng * 6364136223846793005ULL + 1442695040888963407ULL;
		buf[i] = f->rng >> 56;
	}
	return 0;
}

static int fz_lookup(void *ctx, const char *name, char *secret, size_t size)
{
	(void)ctx;
	if (strcmp(name, "web1"))
		return -1;
	snprintf(secret, size, "token-web1");
	return 0;
}

static void fz_rx(void *ctx, const uint8_t *pkt, size_t len)
{
	(void)ctx;
	CHECK(len <= 4091 && (len == 0 || pkt));
}

static struct azc_sess *fz_new(struct fz *f, enum azc_sess_role role)
{
	struct azc_sess_cfg c = {
		.role = role,
		.name = role == AZC_SESS_SERVER ? "relay" : "web1",
		.secret = "token-web1",
		.host = "relay",
		.cert_der = cert,
		.cert_der_len = sizeof(cert),
		.ctx = f,
		.lookup_secret = fz_lookup,
		.rx_ipv6 = fz_rx,
		.random = fz_random,
	};
	struct azc_sess *s = azc_sess_new(&c);

	CHECK(s);
	CHECK(azc_sess_start(s, 0) == 0);
	return s;
}

static void check(struct azc_sess *s)
{
	const struct azc_sess_error *e = azc_sess_error(s);
	enum azc_sess_state st = azc_sess_state(s);
	size_t n;

	azc_sess_out_peek(s, &n);
	CHECK(n <= OUT_MAX);
	CHECK(st <= AZC_SESS_FAILED);
	if (st == AZC_SESS_FAILED)
		CHECK(e && e->code != AZC_SESS_E_NONE);
	if (e) {
		CHECK(e->code < AZC_SESS_E_MAX);
		CHECK(memchr(e->msg, 0, sizeof(e->msg)));
		CHECK(e->msg[0]);
		if (e->drop)
			CHECK(n == 0 && st == AZC_SESS_FAILED);
	}
	if (st == AZC_SESS_CLOSED || st == AZC_SESS_FAILED)
		CHECK(azc_sess_next_deadline(s) == -1);
}

/* Feeds @len bytes in chunks, draining and ticking. */
static void feed(struct azc_sess *s, const uint8_t *p, size_t len,
		 size_t chunk, int64_t *now)
{
	size_t off = 0, c, n;
	ssize_t k;
	int64_t t;
	int stuck = 0;

	while (off < len && stuck < 2) {
		c = len - off < chunk ? len - off : chunk;
		k = azc_sess_input(s, p + off, c, *now);
		CHECK(k >= 0 && (size_t)k <= c);
		off += k;
		stuck = k ? 0 : stuck + 1;
		check(s);
		azc_sess_out_peek(s, &n);
		azc_sess_out_consume(s, n);
		*now += 700;
		t = azc_sess_next_deadline(s);
		if (t >= 0 && t <= *now)
			azc_sess_tick(s, *now);
		check(s);
	}
}

static void single(const uint8_t *data, size_t size, uint8_t mode)
{
	bool server = mode & 1;
	struct azc_sess *s;
	struct fz f = { .rng = size };
	int64_t now = 0;
	size_t chunk = 1 + (mode >> 2) * 37;
	int64_t t;
	int i;

	s = fz_new(&f, server ? AZC_SESS_SERVER : AZC_SESS_CLIENT);
	if (!server)
		feed(s, (const uint8_t *)http_200, sizeof(http_200) - 1,
		     sizeof(http_200), &now);
	feed(s, data, size, chunk, &now);
	/* Then time passes: every timer must lead somewhere */
	for (i = 0; i < 64; i++) {
		t = azc_sess_next_deadline(s);
		if (t < 0)
			break;
		now = t > now ? t : now;
		azc_sess_tick(s, now);
		check(s);
	}
	CHECK(azc_sess_next_deadline(s) < 0 ||
	      azc_sess_state(s) == AZC_SESS_CONNECTED);
	azc_sess_eof(s, now);
	check(s);
	azc_sess_free(s);
}

/* Flips bits of the byte at @off of one direction's stream */
struct mut {
	size_t off;
	uint8_t x;
};

/* Moves one direction, applying the mutations that fall in it. */
static bool move(struct azc_sess *from, struct azc_sess *to, size_t *pos,
		 const struct mut *m, int64_t now, size_t chunk)
{
	static uint8_t buf[OUT_MAX];
	const uint8_t *out;
	size_t n, i;
	ssize_t k;

	out = azc_sess_out_peek(from, &n);
	if (!n)
		return false;
	n = n < chunk ? n : chunk;
	memcpy(buf, out, n);
	for (i = 0; i < NMUT; i++)
		if (m[i].x && m[i].off >= *pos && m[i].off < *pos + n)
			buf[m[i].off - *pos] ^= m[i].x;
	k = azc_sess_input(to, buf, n, now);
	CHECK(k >= 0 && (size_t)k <= n);
	azc_sess_out_consume(from, k);
	*pos += k;
	return k > 0;
}

static void pair(const uint8_t *data, size_t size, uint8_t mode)
{
	struct mut up[NMUT] = { { 0 } }, down[NMUT] = { { 0 } };
	struct fz fc = { .rng = 1 }, fs = { .rng = 2 };
	size_t chunk = 1 + (mode >> 2) * 61, i, pc = 0, ps = 0;
	struct azc_sess *c, *s;
	int64_t now = 0, t;
	int rounds;

	for (i = 0; i < NMUT && size >= 4; i++, data += 4, size -= 4) {
		struct mut *m = data[3] & 1 ? &up[i] : &down[i];

		m->off = data[0] | data[1] << 8;
		m->x = data[2];
	}
	c = fz_new(&fc, AZC_SESS_CLIENT);
	s = fz_new(&fs, AZC_SESS_SERVER);
	/* Until quiet, then the next timer; a few dozen timer rounds */
	for (rounds = 0; rounds < 64; rounds++) {
		for (;;) {
			bool a = move(c, s, &pc, up, now, chunk);
			bool b = move(s, c, &ps, down, now, chunk);

			check(c);
			check(s);
			if (!a && !b)
				break;
		}
		t = azc_sess_next_deadline(c);
		if (t < 0 || (azc_sess_next_deadline(s) >= 0 &&
			      azc_sess_next_deadline(s) < t))
			t = azc_sess_next_deadline(s);
		if (t < 0)
			break;
		now = t > now ? t : now;
		azc_sess_tick(c, now);
		azc_sess_tick(s, now);
	}
	/* The rest of the input: hostile bytes from a connected client */
	feed(s, data, size, chunk, &now);
	azc_sess_close(c, "fuzz", now);
	check(c);
	azc_sess_free(c);
	azc_sess_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	size_t i;

	if (!init) {
		for (i = 0; i < sizeof(cert); i++)
			cert[i] = i * 7;
		init = true;
	}
	if (!size)
		return 0;
	if (data[0] & 2)
		pair(data + 1, size - 1, data[0]);
	else
		single(data + 1, size - 1, data[0]);
	return 0;
}
