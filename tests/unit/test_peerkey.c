// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: a peer's public key from the name service
 * (azconnectctl/peerkey.c): the query, the answer from the relay's own
 * name service (relayd/names.c) and from hand-made messages, and the
 * lookup over UDP, over TCP after a truncated answer, and its time limit,
 * against a server on the loopback.
 */

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "azconnectctl/peerkey.h"
#include "base/util.h"
#include "noise/keyrec.h"
#include "relayd/names.h"

#define PREFIX		"fd12:3456:789a:1::"
#define EP1_ADDR	"fd12:3456:789a:1::1"
#define EP2_ADDR	"fd12:3456:789a:1::2"
#define EP1_REV		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.a.9.8.7.6.5.4.3.2.1.d.f.ip6.arpa."
#define REV_ZONE	"1.0.0.0.a.9.8.7.6.5.4.3.2.1.d.f.ip6.arpa."
#define K1_B64		"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
#define K2_B64		"3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="
#define ID		0x1234

static struct in6_addr ep1_addr, ep2_addr;
static uint8_t out[AZC_NAMES_MAX_MSG];
static char err[512];

/* A name service holding ep1's PTR and key K1 */
static struct azc_names *zone_new(void)
{
	struct azc_names_cfg cfg = { .zone = "azconnect.internal" };
	struct azc_names_sender ep1 = { .endpoint = "ep1" };
	ldns_rr_list *u = ldns_rr_list_new();
	char log[512];
	struct azc_names *z;
	uint8_t *wire;
	ldns_pkt *q;
	ldns_rr *rr;
	size_t len;

	inet_pton(AF_INET6, PREFIX, &cfg.prefix);
	inet_pton(AF_INET6, PREFIX "53", &cfg.ns_addr);
	z = azc_names_new(&cfg, err, sizeof(err));
	assert_non_null(z);
	ep1.addr = ep1_addr;
	assert_int_equal(ldns_rr_new_frm_str(&rr, EP1_REV " 60 IN TXT \"v=azc1 k=x25519 p=" K1_B64 "\"",
					     0, NULL, NULL), LDNS_STATUS_OK);
	ldns_rr_list_push_rr(u, rr);
	q = ldns_update_pkt_new(ldns_dname_new_frm_str(REV_ZONE),
				LDNS_RR_CLASS_IN, NULL, u, NULL);
	assert_int_equal(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	assert_true(azc_names_handle(z, wire, len, false, &ep1, 0, out,
				     sizeof(out), log, sizeof(log)) > 0);
	assert_non_null(strstr(log, "accepted"));
	free(wire);
	ldns_pkt_free(q);
	ldns_rr_list_deep_free(u);
	return z;
}

static int setup(void **state)
{
	inet_pton(AF_INET6, EP1_ADDR, &ep1_addr);
	inet_pton(AF_INET6, EP2_ADDR, &ep2_addr);
	*state = zone_new();
	return 0;
}

static int teardown(void **state)
{
	azc_names_free(*state);
	return 0;
}

/* The name service's answer to the query for @peer with @id. */
static int ask_zone(struct azc_names *z, const struct in6_addr *peer,
		    uint16_t id, bool tcp)
{
	struct azc_names_sender nobody = { 0 };
	uint8_t *q;
	size_t qlen;
	int n;

	assert_int_equal(azc_peerkey_query(peer, id, &q, &qlen), 0);
	n = azc_names_handle(z, q, qlen, tcp, &nobody, 0, out, sizeof(out),
			     NULL, 0);
	free(q);
	assert_true(n > 0);
	return n;
}

static void test_query(void **state)
{
	ldns_rdf *want = ldns_dname_new_frm_str(EP1_REV);
	const ldns_rr *qrr;
	ldns_pkt *p;
	uint8_t *q;
	size_t len;

	(void)state;
	assert_int_equal(azc_peerkey_query(&ep1_addr, ID, &q, &len), 0);
	assert_int_equal(ldns_wire2pkt(&p, q, len), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_id(p), ID);
	assert_false(ldns_pkt_qr(p));
	assert_false(ldns_pkt_rd(p));
	assert_int_equal(ldns_pkt_qdcount(p), 1);
	qrr = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	assert_int_equal(ldns_rr_get_type(qrr), LDNS_RR_TYPE_TXT);
	assert_int_equal(ldns_rr_get_class(qrr), LDNS_RR_CLASS_IN);
	assert_int_equal(ldns_dname_compare(ldns_rr_owner(qrr), want), 0);
	ldns_pkt_free(p);
	ldns_rdf_deep_free(want);
	free(q);
}

static void test_answer_names(void **state)
{
	struct azc_names *z = *state;
	uint8_t key[32], k1[32];
	struct in6_addr outside;
	bool tc;
	int n;

	assert_int_equal(azc_noise_key_from_b64(K1_B64, k1), 0);
	n = ask_zone(z, &ep1_addr, ID, false);
	assert_int_equal(azc_peerkey_answer(out, (size_t)n, ID, &ep1_addr, key,
					    &tc, err, sizeof(err)), 0);
	assert_memory_equal(key, k1, 32);
	assert_false(tc);
	/* over TCP alike */
	n = ask_zone(z, &ep1_addr, ID, true);
	assert_int_equal(azc_peerkey_answer(out, (size_t)n, ID, &ep1_addr, key,
					    &tc, err, sizeof(err)), 0);
	/* another id, another peer's question */
	assert_int_equal(azc_peerkey_answer(out, (size_t)n, ID + 1, &ep1_addr,
					    key, &tc, err, sizeof(err)),
			 -EPROTO);
	assert_int_equal(azc_peerkey_answer(out, (size_t)n, ID, &ep2_addr, key,
					    &tc, err, sizeof(err)), -EPROTO);
	assert_non_null(strstr(err, "not one to the query"));
	/* nobody there: NXDOMAIN */
	n = ask_zone(z, &ep2_addr, ID, false);
	assert_int_equal(azc_peerkey_answer(out, (size_t)n, ID, &ep2_addr, key,
					    &tc, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "no key published for " EP2_ADDR " (NXDOMAIN)");
	/* outside the zones: REFUSED */
	inet_pton(AF_INET6, "2001:db8::1", &outside);
	n = ask_zone(z, &outside, ID, false);
	assert_int_equal(azc_peerkey_answer(out, (size_t)n, ID, &outside, key,
					    &tc, err, sizeof(err)), -EREMOTEIO);
	assert_non_null(strstr(err, "REFUSED"));
	/* garbage */
	assert_int_equal(azc_peerkey_answer(out, 5, ID, &ep1_addr, key, &tc,
					    err, sizeof(err)), -EPROTO);
}

/* An answer to ep1's query with the TXT records @txt (NULL-terminated) */
static size_t mkanswer(const char *const *txt, bool tc, unsigned int rcode)
{
	ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str(EP1_REV),
					 LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN, 0);
	char line[300];
	uint8_t *wire;
	ldns_rr *rr;
	size_t len;

	ldns_pkt_set_id(p, ID);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_tc(p, tc);
	ldns_pkt_set_rcode(p, (uint8_t)rcode);
	for (; txt && *txt; txt++) {
		snprintf(line, sizeof(line), EP1_REV " 60 IN TXT %s", *txt);
		assert_int_equal(ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL),
				 LDNS_STATUS_OK);
		assert_true(ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr));
	}
	assert_int_equal(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	memcpy(out, wire, len);
	free(wire);
	ldns_pkt_free(p);
	return len;
}

#define TXTS(...)	((const char *const[]){ __VA_ARGS__, NULL })

static void test_answer_made(void **state)
{
	uint8_t key[32], k2[32];
	size_t n;
	bool tc;

	(void)state;
	assert_int_equal(azc_noise_key_from_b64(K2_B64, k2), 0);
	/* other TXT records are not keys: ignored */
	n = mkanswer(TXTS("\"hello\"", "\"v=azc1 k=x25519 p=" K2_B64 "\""),
		     false, 0);
	assert_int_equal(azc_peerkey_answer(out, n, ID, &ep1_addr, key, &tc,
					    err, sizeof(err)), 0);
	assert_memory_equal(key, k2, 32);
	/* the same key twice is one key */
	n = mkanswer(TXTS("\"v=azc1 k=x25519 p=" K2_B64 "\"",
			  "\"v=azc1 k=x25519 p=" K2_B64 "\""), false, 0);
	assert_int_equal(azc_peerkey_answer(out, n, ID, &ep1_addr, key, &tc,
					    err, sizeof(err)), 0);
	/* two keys: none */
	n = mkanswer(TXTS("\"v=azc1 k=x25519 p=" K1_B64 "\"",
			  "\"v=azc1 k=x25519 p=" K2_B64 "\""), false, 0);
	assert_int_equal(azc_peerkey_answer(out, n, ID, &ep1_addr, key, &tc,
					    err, sizeof(err)), -ENOTUNIQ);
	/* a key record that is not well-formed, a low-order point */
	n = mkanswer(TXTS("\"v=azc1 k=x25519 p=AAAA\""), false, 0);
	assert_int_equal(azc_peerkey_answer(out, n, ID, &ep1_addr, key, &tc,
					    err, sizeof(err)), -EBADMSG);
	n = mkanswer(TXTS("\"v=azc1 k=x25519 p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\""),
		     false, 0);
	assert_int_equal(azc_peerkey_answer(out, n, ID, &ep1_addr, key, &tc,
					    err, sizeof(err)), -EBADMSG);
	n = mkanswer(TXTS("\"v=azc1 k=x25519 p=\" \"" K2_B64 "\""), false, 0);
	assert_int_equal(azc_peerkey_answer(out, n, ID, &ep1_addr, key, &tc,
					    err, sizeof(err)), -EBADMSG);
	/* NODATA */
	n = mkanswer(TXTS("\"something else\""), false, 0);
	assert_int_equal(azc_peerkey_answer(out, n, ID, &ep1_addr, key, &tc,
					    err, sizeof(err)), -ENOENT);
	/* truncated: ask again over TCP */
	n = mkanswer(NULL, true, 0);
	assert_int_equal(azc_peerkey_answer(out, n, ID, &ep1_addr, key, &tc,
					    err, sizeof(err)), -EPROTO);
	assert_true(tc);
	n = mkanswer(NULL, false, LDNS_RCODE_SERVFAIL);
	assert_int_equal(azc_peerkey_answer(out, n, ID, &ep1_addr, key, &tc,
					    err, sizeof(err)), -EREMOTEIO);
	assert_false(tc);
}

/* ---- a name service on the loopback ---- */

struct server {
	struct azc_names *z;
	int udp, tcp;
	bool truncate;		/* UDP answers with TC and no records */
	bool mute;		/* no answers at all */
	struct sockaddr_in6 sa;
	pthread_t th;
};

static void *serve(void *arg)
{
	struct server *s = arg;
	struct azc_names_sender nobody = { 0 };
	struct sockaddr_in6 from;
	socklen_t fl = sizeof(from);
	uint8_t in[1024], ans[2048], hdr[2];
	ssize_t got;
	int n, c;

	got = recvfrom(s->udp, in, sizeof(in), 0, (struct sockaddr *)&from,
		       &fl);
	if (got <= 0 || s->mute)
		return NULL;
	n = azc_names_handle(s->z, in, (size_t)got, false, &nobody, 0, ans,
			     sizeof(ans), NULL, 0);
	if (n <= 0)
		return NULL;
	if (s->truncate) {
		ldns_pkt *p;
		uint8_t *w;
		size_t wl;

		assert_int_equal(ldns_wire2pkt(&p, ans, (size_t)n), LDNS_STATUS_OK);
		ldns_rr_list_deep_free(ldns_pkt_answer(p));
		ldns_pkt_set_answer(p, ldns_rr_list_new());
		ldns_pkt_set_ancount(p, 0);
		ldns_pkt_set_tc(p, true);
		assert_int_equal(ldns_pkt2wire(&w, p, &wl), LDNS_STATUS_OK);
		sendto(s->udp, w, wl, 0, (struct sockaddr *)&from, fl);
		free(w);
		ldns_pkt_free(p);
		c = accept(s->tcp, NULL, NULL);
		if (c < 0)
			return NULL;
		if (recv(c, hdr, 2, MSG_WAITALL) == 2 &&
		    recv(c, in, (size_t)(hdr[0] << 8 | hdr[1]), MSG_WAITALL) ==
		    (hdr[0] << 8 | hdr[1])) {
			n = azc_names_handle(s->z, in, (size_t)(hdr[0] << 8 | hdr[1]),
					     true, &nobody, 0, ans + 2,
					     sizeof(ans) - 2, NULL, 0);
			ans[0] = (uint8_t)(n >> 8);
			ans[1] = (uint8_t)n;
			send(c, ans, (size_t)n + 2, MSG_NOSIGNAL);
		}
		close(c);
		return NULL;
	}
	sendto(s->udp, ans, (size_t)n, 0, (struct sockaddr *)&from, fl);
	return NULL;
}

static void server_start(struct server *s, struct azc_names *z)
{
	socklen_t sl = sizeof(s->sa);
	struct sockaddr_in6 t;
	int one = 1;

	memset(&s->sa, 0, sizeof(s->sa));
	s->z = z;
	s->sa.sin6_family = AF_INET6;
	s->sa.sin6_addr = in6addr_loopback;
	s->udp = socket(AF_INET6, SOCK_DGRAM, 0);
	assert_true(s->udp >= 0);
	assert_int_equal(bind(s->udp, (struct sockaddr *)&s->sa, sizeof(s->sa)), 0);
	assert_int_equal(getsockname(s->udp, (struct sockaddr *)&s->sa, &sl), 0);
	s->tcp = socket(AF_INET6, SOCK_STREAM, 0);
	assert_true(s->tcp >= 0);
	setsockopt(s->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	t = s->sa;
	assert_int_equal(bind(s->tcp, (struct sockaddr *)&t, sizeof(t)), 0);
	assert_int_equal(listen(s->tcp, 1), 0);
	assert_int_equal(pthread_create(&s->th, NULL, serve, s), 0);
}

static void server_stop(struct server *s)
{
	pthread_join(s->th, NULL);
	close(s->udp);
	close(s->tcp);
}

static void test_lookup(void **state)
{
	struct server s = { 0 };
	uint8_t key[32], k1[32];
	int64_t t0;

	assert_int_equal(azc_noise_key_from_b64(K1_B64, k1), 0);
	/* over UDP */
	server_start(&s, *state);
	assert_int_equal(azc_peerkey_lookup(&ep1_addr, &s.sa, 2000, key, err,
					    sizeof(err)), 0);
	server_stop(&s);
	assert_memory_equal(key, k1, 32);
	/* truncated over UDP: then over TCP */
	memset(key, 0, sizeof(key));
	s.truncate = true;
	server_start(&s, *state);
	assert_int_equal(azc_peerkey_lookup(&ep1_addr, &s.sa, 2000, key, err,
					    sizeof(err)), 0);
	server_stop(&s);
	assert_memory_equal(key, k1, 32);
	/* no key for that one */
	s.truncate = false;
	server_start(&s, *state);
	assert_int_equal(azc_peerkey_lookup(&ep2_addr, &s.sa, 2000, key, err,
					    sizeof(err)), -ENOENT);
	server_stop(&s);
	/* no answer: the time limit holds */
	s.mute = true;
	server_start(&s, *state);
	t0 = azc_now_ms();
	assert_int_equal(azc_peerkey_lookup(&ep1_addr, &s.sa, 400, key, err,
					    sizeof(err)), -ETIMEDOUT);
	assert_true(azc_now_ms() - t0 < 1500);
	assert_non_null(strstr(err, "no answer in time"));
	server_stop(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_query),
		T(test_answer_names),
		T(test_answer_made),
		T(test_lookup),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
