// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the engine after the hand-off (userspace/lib/kframe.c).
 * A relay engine negotiates with an endpoint engine in memory, stops at
 * CONNECTED for the hand-off, and then exchanges control frames the way
 * the kernel's ctrl-ntf and ctrl-send carry them.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uapi/azconnect.h"
#include "engine/kframe.h"
#include "engine/sstp_http.h"
#include "testutil.h"

#define T0 50000

static uint8_t cert[200];

/* What "ctrl-send" got */
struct sent {
	int n;
	uint32_t kind[8];
	uint8_t frame[8][256];
	size_t len[8];
	int fail;		/* errno to return */
};

static int rec_send(void *ctx, uint32_t kind, const uint8_t *frame,
		    size_t len)
{
	struct sent *s = ctx;

	if (s->fail)
		return -s->fail;
	assert_true(s->n < 8 && len <= sizeof(s->frame[0]));
	s->kind[s->n] = kind;
	memcpy(s->frame[s->n], frame, len);
	s->len[s->n++] = len;
	return 0;
}

static int lookup(void *ctx, const char *name, char *secret, size_t size)
{
	(void)ctx;
	(void)name;
	snprintf(secret, size, "kframe-token");
	return 0;
}

static struct azc_sess *relay_new(int64_t now)
{
	struct azc_sess_cfg c = {
		.role = AZC_SESS_SERVER,
		.cert_der = cert,
		.cert_der_len = sizeof(cert),
		.lookup_secret = lookup,
		.echo_ms = 1000,
		.handoff = true,
	};
	struct azc_sess *s = azc_sess_new(&c);

	assert_non_null(s);
	assert_int_equal(azc_sess_start(s, now), 0);
	return s;
}

/* Moves all of @from's output into @to; false when nothing moved. */
static bool move(struct azc_sess *from, struct azc_sess *to)
{
	const uint8_t *p;
	size_t n;
	ssize_t k;

	p = azc_sess_out_peek(from, &n);
	if (!n)
		return false;
	k = azc_sess_input(to, p, n, T0);
	azc_sess_out_consume(from, (size_t)k);
	return k > 0;
}

/* A relay engine at CONNECTED, stopped for the hand-off. */
static struct azc_sess *relay_connected(struct azc_sess **client)
{
	struct azc_sess_cfg cc = {
		.role = AZC_SESS_CLIENT,
		.name = "web1",
		.secret = "kframe-token",
		.host = "relay.test",
		.cert_der = cert,
		.cert_der_len = sizeof(cert),
	};
	struct azc_sess *sv = relay_new(T0);
	bool up, down;
	int i;

	*client = azc_sess_new(&cc);
	assert_non_null(*client);
	assert_int_equal(azc_sess_start(*client, T0), 0);
	for (i = 0; i < 100; i++) {
		up = move(*client, sv);
		down = move(sv, *client);
		if (!up && !down)
			break;
	}
	assert_int_equal(azc_sess_state(sv), AZC_SESS_CONNECTED);
	assert_int_equal(azc_sess_state(*client), AZC_SESS_CONNECTED);
	return sv;
}

static void start(struct azc_kframe *k, struct azc_sess *sv, struct sent *out)
{
	const uint8_t *p;
	uint8_t *pend;
	size_t n;

	/* The relay's last output went out over TLS before the hand-off. */
	azc_sess_out_peek(sv, &n);
	azc_sess_out_consume(sv, n);
	assert_int_equal(azc_kframe_pending(sv, NULL, 0, NULL, 0, &pend, &n), 0);
	assert_null(pend);
	assert_int_equal(n, 0);
	memset(out, 0, sizeof(*out));
	assert_int_equal(azc_kframe_start(k, sv, rec_send, out), 0);
	assert_int_equal(out->n, 0);
	p = azc_sess_out_peek(sv, &n);
	(void)p;
	assert_int_equal(n, 0);
}

/* SSTP echo: a kind sstp frame in, the whole response out as sstp. */
static void test_sstp_echo(void **state)
{
	static const uint8_t req[] = { 0x10, 0x01, 0x00, 0x08,
				       0x00, 0x08, 0x00, 0x00 };
	struct azc_sess *cl, *sv = relay_connected(&cl);
	struct azc_kframe k;
	struct sent out;

	(void)state;
	start(&k, sv, &out);
	assert_int_equal(azc_kframe_input(&k, AZCONNECT_CTRL_KIND_SSTP, req,
					  sizeof(req), T0 + 10), 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.kind[0], AZCONNECT_CTRL_KIND_SSTP);
	assert_int_equal(out.len[0], 8);
	assert_hex(out.frame[0], "10 01 00 08 00 09 00 00");
	/* A frame whose length field disagrees is refused. */
	assert_int_equal(azc_kframe_input(&k, AZCONNECT_CTRL_KIND_SSTP, req, 7,
					  T0 + 10), -EINVAL);
	assert_int_equal(azc_kframe_input(&k, 7, req, 8, T0), -EINVAL);
	azc_sess_free(sv);
	azc_sess_free(cl);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* LCP echo: a kind ppp frame in, the reply out as ppp, no SSTP header. */
static void test_lcp_echo(void **state)
{
	uint8_t req[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x2a, 0x00, 0x0a,
			  0, 0, 0, 0, 0xab, 0xcd };
	uint8_t want[14] = { 0xff, 0x03, 0xc0, 0x21, 0x0a, 0x2a, 0x00, 0x0a,
			     0, 0, 0, 0, 0xab, 0xcd };
	struct azc_sess *cl, *sv = relay_connected(&cl);
	const struct azc_sess_info *i = azc_sess_info(sv);
	struct azc_kframe k;
	struct sent out;

	(void)state;
	start(&k, sv, &out);
	put_be32(req + 8, i->peer_magic);
	put_be32(want + 8, i->local_magic);
	assert_int_equal(azc_kframe_input(&k, AZCONNECT_CTRL_KIND_PPP, req,
					  sizeof(req), T0 + 10), 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.kind[0], AZCONNECT_CTRL_KIND_PPP);
	assert_int_equal(out.len[0], sizeof(want));
	assert_memory_equal(out.frame[0], want, sizeof(want));
	azc_sess_free(sv);
	azc_sess_free(cl);
}

/* Timers run again after the hand-off; a close sends both layers' ends. */
static void test_tick_and_close(void **state)
{
	struct azc_sess *cl, *sv = relay_connected(&cl);
	struct azc_kframe k;
	struct sent out;
	int64_t d;

	(void)state;
	start(&k, sv, &out);
	d = azc_sess_next_deadline(sv);
	assert_true(d > T0 && d <= T0 + 1000);
	assert_int_equal(azc_kframe_tick(&k, d), 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.kind[0], AZCONNECT_CTRL_KIND_SSTP);
	assert_hex(out.frame[0], "10 01 00 08 00 08 00 00");

	out.n = 0;
	azc_sess_close(sv, "test", d + 1);
	assert_int_equal(azc_kframe_flush(&k), 0);
	assert_int_equal(out.n, 2);
	/* LCP Terminate-Request, then CALL_DISCONNECT */
	assert_int_equal(out.kind[0], AZCONNECT_CTRL_KIND_PPP);
	assert_hex(out.frame[0], "ff 03 c0 21 05");
	assert_int_equal(out.kind[1], AZCONNECT_CTRL_KIND_SSTP);
	assert_hex(out.frame[1], "10 01 00 14 00 06 00 01 00 02 00 0c");
	assert_int_equal(out.len[1], 20);

	/* The acknowledgement ends the session. */
	assert_int_equal(azc_kframe_input(&k, AZCONNECT_CTRL_KIND_SSTP,
					  (const uint8_t *)"\x10\x01\x00\x08\x00\x07\x00\x00",
					  8, d + 2), 0);
	assert_int_equal(azc_sess_state(sv), AZC_SESS_CLOSED);
	azc_sess_free(sv);
	azc_sess_free(cl);
}

/* A failing send is reported; the engine's output is still consumed. */
static void test_send_error(void **state)
{
	struct azc_sess *cl, *sv = relay_connected(&cl);
	struct azc_kframe k;
	struct sent out;
	size_t n;

	(void)state;
	start(&k, sv, &out);
	out.fail = ENOBUFS;
	azc_sess_close(sv, "test", T0 + 1);
	assert_int_equal(azc_kframe_flush(&k), -ENOBUFS);
	azc_sess_out_peek(sv, &n);
	assert_int_equal(n, 0);
	azc_sess_free(sv);
	azc_sess_free(cl);
}

/* pending: the engine's partial packet, then unread bytes, then TLS's. */
static void test_pending(void **state)
{
	static const uint8_t guid[16] = { 1 };
	struct azc_sess *sv = relay_new(T0);
	uint8_t *pend, big[AZCONNECT_PENDING_MAX_LEN];
	char http[512];
	size_t n;
	int len;

	(void)state;
	len = azc_http_build_request_guid(http, sizeof(http), "relay.test",
					  guid);
	assert_true(len > 0);
	assert_int_equal(azc_sess_input(sv, http, (size_t)len, T0), len);
	/* Three bytes of a CALL_CONNECT_REQUEST */
	assert_int_equal(azc_sess_input(sv, "\x10\x01\x00", 3, T0), 3);
	assert_int_equal(azc_kframe_pending(sv, (const uint8_t *)"\x0e\x00",
					    2, (const uint8_t *)"\x01\x00\x01",
					    3, &pend, &n), 0);
	assert_int_equal(n, 8);
	assert_hex(pend, "10 01 00 0e 00 01 00 01");
	free(pend);
	assert_int_equal(azc_kframe_pending(sv, big, sizeof(big), big, 1,
					    &pend, &n), -E2BIG);
	assert_null(pend);
	azc_sess_free(sv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sstp_echo),
		cmocka_unit_test(test_lcp_echo),
		cmocka_unit_test(test_tick_and_close),
		cmocka_unit_test(test_send_error),
		cmocka_unit_test(test_pending),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
