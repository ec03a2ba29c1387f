// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: the relay's name service (queries and DNS UPDATE). */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "noise/noise.h"
#include "relayd/names.h"
#include "testutil.h"

#define ZONE		"azconnect.internal."
#define PREFIX		"fd12:3456:789a:1::"
#define NS_ADDR		"fd12:3456:789a:1::53"
#define EP1_ADDR	"fd12:3456:789a:1::1"
#define EP2_ADDR	"fd12:3456:789a:1::2"
#define OUT_ADDR	"fd12:3456:789a:1::99"
#define REV_ZONE	"1.0.0.0.a.9.8.7.6.5.4.3.2.1.d.f.ip6.arpa"
#define REV		REV_ZONE "."
#define IID0		"0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
#define EP1_REV		"1." IID0 REV
#define EP2_REV		"2." IID0 REV
#define SERIAL		1000
#define GRACE		5000
#define ID		0x4242

/* NULL-terminated lists of records, as text, for mkupdate() */
#define RRS(...)	((const char *const[]){ __VA_ARGS__, NULL })

static const char *const ep1_aliases[] = { "www", "db" };
static struct azc_names_sender ep1 = {
	.endpoint = "ep1", .aliases = ep1_aliases, .n_aliases = 2,
};
static struct azc_names_sender ep2 = { .endpoint = "ep2" };
static struct azc_names_sender outsider;	/* not an endpoint */

static int64_t now_ms = 1000;
static int last_len;		/* of the last answer */
static char logline[1024];
static uint8_t out[AZC_NAMES_MAX_MSG];

static struct azc_names *zone_new(int64_t grace)
{
	struct azc_names_cfg cfg = {
		.zone = "AzConnect.Internal",	/* any case will do */
		.serial = SERIAL,
		.grace_ms = grace,
	};
	char err[128];
	struct azc_names *z;

	inet_pton(AF_INET6, PREFIX, &cfg.prefix);
	inet_pton(AF_INET6, NS_ADDR, &cfg.ns_addr);
	z = azc_names_new(&cfg, err, sizeof(err));
	assert_non_null(z);
	return z;
}

static int setup(void **state)
{
	inet_pton(AF_INET6, EP1_ADDR, &ep1.addr);
	inet_pton(AF_INET6, EP2_ADDR, &ep2.addr);
	inet_pton(AF_INET6, OUT_ADDR, &outsider.addr);
	*state = zone_new(GRACE);
	return 0;
}

static int teardown(void **state)
{
	azc_names_free(*state);
	return 0;
}

/*
 * "NAME TTL CLASS TYPE [DATA]". ldns wants data after the type: the empty
 * records of UPDATE (class ANY and NONE) are made by hand.
 */
static ldns_rr *mkrr(const char *s)
{
	char name[256], cls[16], type[16];
	unsigned int ttl;
	ldns_rr *rr;

	if (ldns_rr_new_frm_str(&rr, s, 0, NULL, NULL) == LDNS_STATUS_OK)
		return rr;
	assert_int_equal(sscanf(s, "%255s %u %15s %15s", name, &ttl, cls,
				type), 4);
	rr = ldns_rr_new();
	assert_non_null(rr);
	ldns_rr_set_owner(rr, ldns_dname_new_frm_str(name));
	ldns_rr_set_ttl(rr, ttl);
	ldns_rr_set_class(rr, ldns_get_rr_class_by_name(cls));
	ldns_rr_set_type(rr, ldns_get_rr_type_by_name(type));
	assert_true(ldns_rr_get_class(rr) && ldns_rr_get_type(rr));
	return rr;
}

static ldns_pkt *mkquery(const char *name, ldns_rr_type type,
			 ldns_rr_class cls)
{
	ldns_pkt *q = ldns_pkt_query_new(ldns_dname_new_frm_str(name), type,
					 cls, LDNS_RD);

	assert_non_null(q);
	ldns_pkt_set_id(q, ID);
	return q;
}

static ldns_pkt *mkupdate(const char *zone, const char *const *pre,
			  const char *const *ups)
{
	ldns_rr_list *p = ldns_rr_list_new(), *u = ldns_rr_list_new();
	ldns_pkt *q;

	for (; pre && *pre; pre++)
		assert_true(ldns_rr_list_push_rr(p, mkrr(*pre)));
	for (; ups && *ups; ups++)
		assert_true(ldns_rr_list_push_rr(u, mkrr(*ups)));
	q = ldns_update_pkt_new(ldns_dname_new_frm_str(zone),
				LDNS_RR_CLASS_IN, p, u, NULL);
	assert_non_null(q);
	ldns_rr_list_deep_free(p);
	ldns_rr_list_deep_free(u);
	ldns_pkt_set_id(q, ID);
	return q;
}

/*
 * Hands @wire to the zone: what azc_names_handle() returns, and the answer
 * parsed in *@a (NULL when there is none).
 */
static int send_wire(struct azc_names *z, const uint8_t *wire, size_t len,
		     bool tcp, const struct azc_names_sender *from,
		     ldns_pkt **a)
{
	int ret;

	*a = NULL;
	memset(logline, 'X', sizeof(logline));
	ret = azc_names_handle(z, wire, len, tcp, from, now_ms, out,
			       sizeof(out), logline, sizeof(logline));
	assert_true(ret >= 0);
	last_len = ret;
	if (!tcp)
		assert_true(ret <= AZC_NAMES_EDNS_SIZE);
	if (ret > 0) {
		assert_int_equal(ldns_wire2pkt(a, out, ret), LDNS_STATUS_OK);
		assert_true(ldns_pkt_qr(*a));
		assert_int_equal(ldns_pkt_id(*a), LDNS_ID_WIRE(wire));
		assert_int_equal(ldns_pkt_get_opcode(*a),
				 LDNS_OPCODE_WIRE(wire));
		assert_false(ldns_pkt_ra(*a));
	}
	return ret;
}

/* The same for a message made with ldns (freed). */
static ldns_pkt *send_pkt(struct azc_names *z, ldns_pkt *q, bool tcp,
			  const struct azc_names_sender *from)
{
	ldns_pkt *a;
	uint8_t *wire;
	size_t len;

	assert_int_equal(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	assert_true(send_wire(z, wire, len, tcp, from, &a) > 0);
	free(wire);
	ldns_pkt_free(q);
	return a;
}

/* A query over UDP, without EDNS, from a non-endpoint. */
static ldns_pkt *ask(struct azc_names *z, const char *name,
		     ldns_rr_type type)
{
	ldns_pkt *a = send_pkt(z, mkquery(name, type, LDNS_RR_CLASS_IN),
			       false, &outsider);

	assert_false(ldns_pkt_edns(a));
	assert_int_equal(ldns_pkt_qdcount(a), 1);
	assert_string_equal(logline, "");
	return a;
}

/* An UPDATE over UDP: the answer's rcode. */
static int update(struct azc_names *z, const struct azc_names_sender *from,
		  const char *zone, const char *const *pre,
		  const char *const *ups)
{
	ldns_pkt *a = send_pkt(z, mkupdate(zone, pre, ups), false, from);
	int rcode = ldns_pkt_get_rcode(a);

	assert_int_equal(ldns_pkt_get_opcode(a), LDNS_PACKET_UPDATE);
	assert_int_equal(ldns_pkt_qdcount(a), 1);
	assert_int_equal(ldns_pkt_ancount(a) + ldns_pkt_nscount(a), 0);
	assert_non_null(strstr(logline, "UPDATE from "));
	assert_null(strchr(logline, '\n'));
	ldns_pkt_free(a);
	return rcode;
}

/* @l holds @s ("NAME TTL CLASS TYPE DATA"), TTL included. */
static bool has_rr(const ldns_rr_list *l, const char *s)
{
	ldns_rr *want = mkrr(s);
	bool found = false;
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);

		if (!ldns_rr_compare(rr, want) &&
		    ldns_rr_ttl(rr) == ldns_rr_ttl(want))
			found = true;
	}
	ldns_rr_free(want);
	return found;
}

/* A negative answer: @rcode, no records, the zone's SOA for 60 s. */
static void assert_negative(ldns_pkt *a, int rcode, const char *apex)
{
	const ldns_rr *soa;
	ldns_rdf *d = ldns_dname_new_frm_str(apex);

	assert_int_equal(ldns_pkt_get_rcode(a), rcode);
	assert_true(ldns_pkt_aa(a));
	assert_int_equal(ldns_pkt_ancount(a), 0);
	assert_int_equal(ldns_pkt_nscount(a), 1);
	soa = ldns_rr_list_rr(ldns_pkt_authority(a), 0);
	assert_int_equal(ldns_rr_get_type(soa), LDNS_RR_TYPE_SOA);
	assert_int_equal(ldns_rr_ttl(soa), AZC_NAMES_TTL);
	assert_int_equal(ldns_dname_compare(ldns_rr_owner(soa), d), 0);
	ldns_rdf_deep_free(d);
	ldns_pkt_free(a);
}

/* The SOA serial the zone at @apex answers. */
static uint32_t served_serial(struct azc_names *z, const char *apex)
{
	ldns_pkt *a = ask(z, apex, LDNS_RR_TYPE_SOA);
	uint32_t serial;

	assert_int_equal(ldns_pkt_ancount(a), 1);
	serial = ldns_rdf2native_int32(
		ldns_rr_rdf(ldns_rr_list_rr(ldns_pkt_answer(a), 0), 2));
	ldns_pkt_free(a);
	return serial;
}

/* How many records of @type @name has. */
static size_t count_rrs(struct azc_names *z, const char *name,
			ldns_rr_type type)
{
	ldns_pkt *a = ask(z, name, type);
	size_t n = ldns_pkt_ancount(a);

	ldns_pkt_free(a);
	return n;
}

static void test_new(void **state)
{
	struct azc_names_cfg cfg = { .zone = "" };
	struct azc_names *z = *state;
	char err[128];

	assert_null(azc_names_new(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "not a valid domain name"));
	cfg.zone = "a..b";
	assert_null(azc_names_new(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "'a..b' is not a valid domain name"));
	cfg.zone = ".";
	assert_null(azc_names_new(&cfg, err, sizeof(err)));
	cfg.zone = "ip6.arpa";
	inet_pton(AF_INET6, PREFIX, &cfg.prefix);
	assert_null(azc_names_new(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "overlaps the reverse zone " REV));
	cfg.zone = NULL;	/* the default */
	azc_names_free(azc_names_new(&cfg, err, sizeof(err)));

	assert_int_equal(azc_names_serial(z), SERIAL);
	assert_int_equal(azc_names_count(z), 0);
	assert_int_equal(azc_names_deadline(z), -1);
	assert_int_equal(azc_names_expire(z, 1 << 30), 0);
}

static void test_soa_ns(void **state)
{
	struct azc_names *z = *state;
	const ldns_rr *soa;
	ldns_pkt *a;

	a = ask(z, ZONE, LDNS_RR_TYPE_SOA);
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_NOERROR);
	assert_true(ldns_pkt_aa(a));
	assert_true(ldns_pkt_rd(a));
	assert_false(ldns_pkt_tc(a));
	assert_true(has_rr(ldns_pkt_answer(a),
			   ZONE " 60 IN SOA relay." ZONE " hostmaster." ZONE
			   " 1000 3600 600 86400 60"));
	soa = ldns_rr_list_rr(ldns_pkt_answer(a), 0);
	assert_int_equal(ldns_rdf2native_int32(ldns_rr_rdf(soa, 2)), SERIAL);
	ldns_pkt_free(a);

	a = ask(z, ZONE, LDNS_RR_TYPE_NS);
	assert_int_equal(ldns_pkt_ancount(a), 1);
	assert_true(has_rr(ldns_pkt_answer(a), ZONE " 60 IN NS relay." ZONE));
	assert_true(has_rr(ldns_pkt_additional(a),
			   "relay." ZONE " 60 IN AAAA " NS_ADDR));
	ldns_pkt_free(a);

	a = ask(z, "relay." ZONE, LDNS_RR_TYPE_AAAA);
	assert_int_equal(ldns_pkt_ancount(a), 1);
	assert_true(has_rr(ldns_pkt_answer(a),
			   "relay." ZONE " 60 IN AAAA " NS_ADDR));
	ldns_pkt_free(a);

	a = ask(z, REV, LDNS_RR_TYPE_SOA);
	assert_true(ldns_pkt_aa(a));
	assert_true(has_rr(ldns_pkt_answer(a),
			   REV " 60 IN SOA relay." ZONE " hostmaster." ZONE
			   " 1000 3600 600 86400 60"));
	ldns_pkt_free(a);
	a = ask(z, REV, LDNS_RR_TYPE_NS);
	assert_true(has_rr(ldns_pkt_answer(a), REV " 60 IN NS relay." ZONE));
	ldns_pkt_free(a);

	/* ANY at the apex: the SOA and the NS */
	a = ask(z, ZONE, LDNS_RR_TYPE_ANY);
	assert_int_equal(ldns_pkt_ancount(a), 2);
	assert_true(has_rr(ldns_pkt_answer(a), ZONE " 60 IN NS relay." ZONE));
	ldns_pkt_free(a);
}

static void test_negative(void **state)
{
	struct azc_names *z = *state;

	assert_negative(ask(z, "nothere." ZONE, LDNS_RR_TYPE_AAAA),
			LDNS_RCODE_NXDOMAIN, ZONE);
	assert_negative(ask(z, "a.relay." ZONE, LDNS_RR_TYPE_AAAA),
			LDNS_RCODE_NXDOMAIN, ZONE);
	/* NODATA: the name exists, not with that type */
	assert_negative(ask(z, "relay." ZONE, LDNS_RR_TYPE_TXT),
			LDNS_RCODE_NOERROR, ZONE);
	assert_negative(ask(z, ZONE, LDNS_RR_TYPE_AAAA),
			LDNS_RCODE_NOERROR, ZONE);
	assert_negative(ask(z, EP1_REV, LDNS_RR_TYPE_PTR),
			LDNS_RCODE_NXDOMAIN, REV);

	/* ancestors of a name with records are empty non-terminals */
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP1_REV " 60 IN PTR ep1." ZONE)),
			 LDNS_RCODE_NOERROR);
	assert_negative(ask(z, IID0 REV, LDNS_RR_TYPE_PTR),
			LDNS_RCODE_NOERROR, REV);
	assert_negative(ask(z, "0." REV, LDNS_RR_TYPE_ANY),
			LDNS_RCODE_NOERROR, REV);
	assert_negative(ask(z, "1.0." REV, LDNS_RR_TYPE_PTR),
			LDNS_RCODE_NXDOMAIN, REV);
	assert_negative(ask(z, EP2_REV, LDNS_RR_TYPE_PTR),
			LDNS_RCODE_NXDOMAIN, REV);
	assert_negative(ask(z, EP1_REV, LDNS_RR_TYPE_AAAA),
			LDNS_RCODE_NOERROR, REV);
}

static void test_case(void **state)
{
	static const char asked[] = "EP1.AzConnect.INTERNAL.";
	struct azc_names *z = *state;
	ldns_rdf *d = ldns_dname_new_frm_str(asked);
	ldns_pkt *a;

	assert_int_equal(update(z, &ep1, "AZCONNECT.internal.", NULL,
				RRS("Ep1." ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOERROR);
	a = ask(z, asked, LDNS_RR_TYPE_AAAA);
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_NOERROR);
	assert_true(has_rr(ldns_pkt_answer(a),
			   "ep1." ZONE " 60 IN AAAA " EP1_ADDR));
	/* the question as asked, byte for byte */
	assert_int_equal(ldns_rdf_compare(ldns_rr_owner(ldns_rr_list_rr(
				ldns_pkt_question(a), 0)), d), 0);
	ldns_pkt_free(a);
	ldns_rdf_deep_free(d);
	assert_int_equal(count_rrs(z, "RELAY.azconnect.internal.",
				   LDNS_RR_TYPE_AAAA), 1);
	assert_int_equal(count_rrs(z, "1.0.0.0.A.9.8.7.6.5.4.3.2.1.D.F.IP6."
				   "ARPA.", LDNS_RR_TYPE_SOA), 1);
}

/* Refused, not authoritative, nothing else. */
static void assert_refused(ldns_pkt *a)
{
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_REFUSED);
	assert_false(ldns_pkt_aa(a));
	assert_int_equal(ldns_pkt_qdcount(a), 1);
	assert_int_equal(ldns_pkt_ancount(a) + ldns_pkt_nscount(a) +
			 ldns_pkt_arcount(a), 0);
	ldns_pkt_free(a);
}

static void test_refused(void **state)
{
	struct azc_names *z = *state;

	assert_refused(ask(z, "example.com.", LDNS_RR_TYPE_AAAA));
	assert_refused(ask(z, "internal.", LDNS_RR_TYPE_SOA));
	assert_refused(ask(z, ".", LDNS_RR_TYPE_NS));
	assert_refused(ask(z, "2.1.d.f.ip6.arpa.", LDNS_RR_TYPE_PTR));
	assert_refused(ask(z, ZONE, LDNS_RR_TYPE_AXFR));
	assert_refused(ask(z, ZONE, LDNS_RR_TYPE_IXFR));
	assert_refused(send_pkt(z, mkquery(ZONE, LDNS_RR_TYPE_SOA,
					   LDNS_RR_CLASS_CH), false,
				&outsider));
	assert_refused(send_pkt(z, mkquery(ZONE, LDNS_RR_TYPE_SOA,
					   LDNS_RR_CLASS_ANY), true,
				&outsider));
}

/* @q (freed) in wire form in @buf (512 bytes): its length. */
static size_t to_wire(ldns_pkt *q, uint8_t *buf)
{
	uint8_t *wire;
	size_t len;

	assert_int_equal(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	assert_true(len <= 512);
	memcpy(buf, wire, len);
	free(wire);
	ldns_pkt_free(q);
	return len;
}

/* A query for the apex's SOA in @buf. */
static size_t query_wire(uint8_t *buf, bool edns)
{
	ldns_pkt *q = mkquery(ZONE, LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN);

	if (edns)
		ldns_pkt_set_edns_udp_size(q, 4096);
	return to_wire(q, buf);
}

/* Only a header comes back: @rcode, @buf's id and opcode, no sections. */
static void assert_header_only(struct azc_names *z, const uint8_t *buf,
			       size_t len, int rcode)
{
	ldns_pkt *a;

	assert_int_equal(send_wire(z, buf, len, false, &ep1, &a), 12);
	assert_int_equal(ldns_pkt_get_rcode(a), rcode);
	assert_int_equal(ldns_pkt_qdcount(a), 0);
	ldns_pkt_free(a);
}

static void test_malformed(void **state)
{
	struct azc_names *z = *state;
	uint8_t buf[512];
	size_t len;
	ldns_pkt *q, *a;

	/* NOTIFY and STATUS are not implemented, whatever follows */
	len = query_wire(buf, false);
	buf[2] = (buf[2] & ~0x78) | LDNS_PACKET_NOTIFY << 3;
	assert_header_only(z, buf, len, LDNS_RCODE_NOTIMPL);
	buf[2] = (buf[2] & ~0x78) | LDNS_PACKET_STATUS << 3;
	assert_header_only(z, buf, 12, LDNS_RCODE_NOTIMPL);

	/* a cut question; an answer the header counts but is not there */
	len = query_wire(buf, false);
	assert_header_only(z, buf, len - 3, LDNS_RCODE_FORMERR);
	buf[7] = 1;	/* ANCOUNT 1, no answer there */
	assert_header_only(z, buf, len, LDNS_RCODE_FORMERR);

	/* two questions */
	q = mkquery(ZONE, LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN);
	assert_true(ldns_pkt_push_rr(q, LDNS_SECTION_QUESTION,
		ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q), 0))));
	a = send_pkt(z, q, false, &outsider);
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_FORMERR);
	assert_int_equal(ldns_pkt_qdcount(a), 0);
	ldns_pkt_free(a);
	/* no question */
	query_wire(buf, false);
	buf[5] = 0;
	assert_header_only(z, buf, 12, LDNS_RCODE_FORMERR);

	/* responses and fragments of headers: no answer at all */
	len = query_wire(buf, false);
	buf[2] |= 0x80;
	assert_int_equal(send_wire(z, buf, len, false, &ep1, &a), 0);
	assert_null(a);
	buf[2] &= ~0x80;
	assert_int_equal(send_wire(z, buf, 11, false, &ep1, &a), 0);
	assert_int_equal(send_wire(z, buf, 0, true, &ep1, &a), 0);

	/* two OPT records (RFC 6891 6.1.1) */
	len = query_wire(buf, true);
	len += unhex("00 0029 1000 00000000 0000", buf + len);
	buf[11] = 2;
	assert_header_only(z, buf, len, LDNS_RCODE_FORMERR);
	/* two TSIG records: ldns would keep one and leak the other */
	len = query_wire(buf, false);
	len += unhex("00 00fa 00ff 00000000 0011 00 000000000000 012c 0000"
		     " 4242 0000 0000", buf + len);
	len += unhex("00 00fa 00ff 00000000 0011 00 000000000000 012c 0000"
		     " 4242 0000 0000", buf + len);
	buf[11] = 2;
	assert_header_only(z, buf, len, LDNS_RCODE_FORMERR);
	buf[11] = 1;	/* one is ignored */
	assert_true(send_wire(z, buf, len - 28, false, &ep1, &a) > 0);
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_ancount(a), 1);
	ldns_pkt_free(a);
}

static void test_edns(void **state)
{
	struct azc_names *z = *state;
	uint8_t buf[512];
	ldns_pkt *q, *a;
	size_t len;

	q = mkquery(ZONE, LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN);
	ldns_pkt_set_edns_udp_size(q, 4096);
	ldns_pkt_set_edns_do(q, true);
	a = send_pkt(z, q, false, &outsider);
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_NOERROR);
	assert_true(ldns_pkt_edns(a));
	assert_int_equal(ldns_pkt_edns_udp_size(a), AZC_NAMES_EDNS_SIZE);
	assert_int_equal(ldns_pkt_edns_version(a), 0);
	assert_int_equal(ldns_pkt_edns_extended_rcode(a), 0);
	assert_true(ldns_pkt_edns_do(a));
	assert_int_equal(ldns_pkt_ancount(a), 1);
	ldns_pkt_free(a);

	/* an OPT with nothing in it, not even a payload size: EDNS */
	len = to_wire(mkquery("nothere." ZONE, LDNS_RR_TYPE_SOA,
			      LDNS_RR_CLASS_IN), buf);
	len += unhex("00 0029 0000 00000000 0000", buf + len);
	buf[11] = 1;
	assert_true(send_wire(z, buf, len, false, &outsider, &a) > 0);
	assert_true(ldns_pkt_edns(a));
	assert_int_equal(ldns_pkt_edns_udp_size(a), AZC_NAMES_EDNS_SIZE);
	assert_false(ldns_pkt_edns_do(a));
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_NXDOMAIN);
	ldns_pkt_free(a);

	/* version 1: BADVERS, 16, of which the OPT holds the high bits */
	q = mkquery(ZONE, LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN);
	ldns_pkt_set_edns_udp_size(q, 1232);
	ldns_pkt_set_edns_version(q, 1);
	a = send_pkt(z, q, false, &outsider);
	assert_int_equal(ldns_pkt_get_rcode(a), 0);
	assert_false(ldns_pkt_cd(a));
	assert_int_equal(ldns_pkt_edns_extended_rcode(a), 1);
	assert_int_equal(ldns_pkt_edns_version(a), 0);
	assert_int_equal(ldns_pkt_ancount(a), 0);
	ldns_pkt_free(a);

	/* an UPDATE too */
	q = mkupdate(ZONE, NULL, RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR));
	ldns_pkt_set_edns_udp_size(q, 1232);
	ldns_pkt_set_edns_version(q, 2);
	a = send_pkt(z, q, false, &ep1);
	assert_int_equal(ldns_pkt_edns_extended_rcode(a), 1);
	ldns_pkt_free(a);
	assert_non_null(strstr(logline, "refused: EDNS version 2 (BADVERS)"));
	assert_int_equal(azc_names_count(z), 0);
}

/* A PTR record for each of 16 aliases of 63 characters. */
static void test_truncation(void **state)
{
	static const char rev[] = "b.b.0.0.0.0.0.0.0.0.0.0.0.0.0.0." REV;
	static char names[16][64], ups[16][200];
	static const char *aliases[16], *upl[17];
	struct azc_names_sender big = {
		.endpoint = "big", .aliases = aliases, .n_aliases = 16,
	};
	struct azc_names *z = *state;
	ldns_pkt *q, *a;
	unsigned int i;
	size_t len;
	uint8_t wire[512];
	int ret;

	inet_pton(AF_INET6, PREFIX "bb", &big.addr);
	for (i = 0; i < 16; i++) {
		snprintf(names[i], sizeof(names[i]), "%02u%061u", i, 0);
		snprintf(ups[i], sizeof(ups[i]), "%s 60 IN PTR %s." ZONE,
			 rev, names[i]);
		aliases[i] = names[i];
		upl[i] = ups[i];
	}
	assert_int_equal(update(z, &big, REV, NULL, upl), LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_count(z), 16);

	/* over TCP, all of it */
	a = send_pkt(z, mkquery(rev, LDNS_RR_TYPE_PTR, LDNS_RR_CLASS_IN),
		     true, &outsider);
	assert_false(ldns_pkt_tc(a));
	assert_int_equal(ldns_pkt_ancount(a), 16);
	ldns_pkt_free(a);

	/* over UDP, more than 512 bytes, and even more than 1232 */
	for (i = 0; i < 2; i++) {
		q = mkquery(rev, LDNS_RR_TYPE_PTR, LDNS_RR_CLASS_IN);
		if (i)
			ldns_pkt_set_edns_udp_size(q, 4096);
		a = send_pkt(z, q, false, &outsider);
		assert_true(ldns_pkt_tc(a));
		assert_true(ldns_pkt_aa(a));
		assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_NOERROR);
		assert_int_equal(ldns_pkt_qdcount(a), 1);
		assert_int_equal(ldns_pkt_ancount(a) + ldns_pkt_nscount(a), 0);
		assert_int_equal(ldns_pkt_edns(a), i);
		assert_true(last_len <= (i ? AZC_NAMES_EDNS_SIZE : 512));
		ldns_pkt_free(a);
	}

	/* 8 of them: more than 512 bytes, less than 1232 */
	for (i = 0; i < 8; i++)
		snprintf(ups[i], sizeof(ups[i]), "%s 0 NONE PTR %s." ZONE,
			 rev, names[i]);
	upl[8] = NULL;
	assert_int_equal(update(z, &big, REV, NULL, upl), LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_count(z), 8);
	for (i = 0; i < 3; i++) {
		static const uint16_t sizes[] = { 0, 4096, 600 };

		q = mkquery(rev, LDNS_RR_TYPE_PTR, LDNS_RR_CLASS_IN);
		if (sizes[i])
			ldns_pkt_set_edns_udp_size(q, sizes[i]);
		a = send_pkt(z, q, false, &outsider);
		assert_int_equal(ldns_pkt_tc(a), i != 1);
		assert_int_equal(ldns_pkt_ancount(a), i == 1 ? 8 : 0);
		assert_true(last_len > 512 || i != 1);
		ldns_pkt_free(a);
	}

	/* what fits 512 bytes is not truncated */
	q = mkquery("nothere." ZONE, LDNS_RR_TYPE_PTR, LDNS_RR_CLASS_IN);
	ldns_pkt_set_edns_udp_size(q, 100);	/* below 512: 512 */
	a = send_pkt(z, q, false, &outsider);
	assert_false(ldns_pkt_tc(a));
	ldns_pkt_free(a);

	/* a buffer too small even for the header: nothing */
	len = to_wire(mkquery(rev, LDNS_RR_TYPE_PTR, LDNS_RR_CLASS_IN), wire);
	ret = azc_names_handle(z, wire, len, true, &outsider, now_ms, out,
			       len - 1, logline, sizeof(logline));
	assert_int_equal(ret, 0);
	ret = azc_names_handle(z, wire, len, true, &outsider, now_ms, out,
			       len, logline, sizeof(logline));
	assert_int_equal(ret, len);
	assert_true(LDNS_TC_WIRE(out));
}

static void test_update_add(void **state)
{
	struct azc_names *z = *state;
	ldns_pkt *a;

	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 3600 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOERROR);
	assert_string_equal(logline,
		"UPDATE from " EP1_ADDR " (endpoint 'ep1') for "
		"azconnect.internal: accepted: add ep1.azconnect.internal. "
		"AAAA " EP1_ADDR);
	assert_int_equal(azc_names_serial(z), SERIAL + 1);
	assert_int_equal(served_serial(z, ZONE), SERIAL + 1);
	assert_int_equal(served_serial(z, REV), SERIAL + 1);
	assert_int_equal(azc_names_count(z), 1);
	a = ask(z, "ep1." ZONE, LDNS_RR_TYPE_AAAA);
	assert_true(ldns_pkt_aa(a));
	assert_int_equal(ldns_pkt_ancount(a), 1);
	/* the TTL capped */
	assert_true(has_rr(ldns_pkt_answer(a),
			   "ep1." ZONE " 60 IN AAAA " EP1_ADDR));
	ldns_pkt_free(a);
	a = ask(z, "ep1." ZONE, LDNS_RR_TYPE_ANY);
	assert_int_equal(ldns_pkt_ancount(a), 1);
	ldns_pkt_free(a);

	/* again: nothing changes */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("EP1." ZONE " 10 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOERROR);
	assert_non_null(strstr(logline, ": accepted: add EP1." ZONE " AAAA "
			       EP1_ADDR " (no change)"));
	assert_int_equal(azc_names_serial(z), SERIAL + 1);
	assert_int_equal(azc_names_count(z), 1);

	/* an alias, over TCP; a smaller TTL is kept */
	a = send_pkt(z, mkupdate(ZONE, NULL,
				 RRS("db." ZONE " 30 IN AAAA " EP1_ADDR)),
		     true, &ep1);
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_NOERROR);
	ldns_pkt_free(a);
	assert_int_equal(azc_names_serial(z), SERIAL + 2);
	a = ask(z, "db." ZONE, LDNS_RR_TYPE_AAAA);
	assert_true(has_rr(ldns_pkt_answer(a),
			   "db." ZONE " 30 IN AAAA " EP1_ADDR));
	ldns_pkt_free(a);

	/* another endpoint, its own name: both are there */
	assert_int_equal(update(z, &ep2, ZONE, NULL,
				RRS("ep2." ZONE " 60 IN AAAA " EP2_ADDR)),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_count(z), 3);

	/* prerequisites only: accepted, nothing to do */
	assert_int_equal(update(z, &ep1, ZONE,
				RRS("ep2." ZONE " 0 ANY AAAA"), NULL),
			 LDNS_RCODE_NOERROR);
	assert_non_null(strstr(logline, "accepted: no updates"));
	assert_int_equal(azc_names_serial(z), SERIAL + 3);
}

static void test_update_refused(void **state)
{
	struct azc_names *z = *state;

	/* another endpoint's name */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep2." ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_REFUSED);
	assert_string_equal(logline,
		"UPDATE from " EP1_ADDR " (endpoint 'ep1') for "
		"azconnect.internal: refused: ep2.azconnect.internal. is not "
		"a name of endpoint 'ep1'");
	/* its own name, another address */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN AAAA " EP2_ADDR)),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "refused: ep1." ZONE " AAAA " EP2_ADDR
			       ": not the address of endpoint 'ep1'"));
	/* not from an endpoint */
	assert_int_equal(update(z, &outsider, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN AAAA " OUT_ADDR)),
			 LDNS_RCODE_REFUSED);
	assert_string_equal(logline,
		"UPDATE from " OUT_ADDR " (not an endpoint) for "
		"azconnect.internal: refused: not an endpoint");
	assert_int_equal(update(z, NULL, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN AAAA " OUT_ADDR)),
			 LDNS_RCODE_REFUSED);
	/* other types */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN TXT \"hello\"")),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "refused: ep1." ZONE " TXT: only AAAA"
			       " records in " ZONE));
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN A 192.0.2.1")),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN PTR ep1." ZONE)),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 0 ANY TXT")),
			 LDNS_RCODE_REFUSED);
	/* the apex, the name server's name, a name below one's own */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS(ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("relay." ZONE " 0 ANY ANY")),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("a.ep1." ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_REFUSED);

	assert_int_equal(azc_names_serial(z), SERIAL);
	assert_int_equal(azc_names_count(z), 0);
	assert_int_equal(count_rrs(z, "relay." ZONE, LDNS_RR_TYPE_AAAA), 1);
}

static void test_update_ptr(void **state)
{
	struct azc_names *z = *state;
	ldns_pkt *a;

	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP1_REV " 60 IN PTR ep1." ZONE,
				    EP1_REV " 60 IN PTR WWW." ZONE)),
			 LDNS_RCODE_NOERROR);
	assert_non_null(strstr(logline, " for " REV_ZONE ": accepted: add "
			       EP1_REV " PTR ep1." ZONE ", add " EP1_REV
			       " PTR WWW." ZONE));
	assert_int_equal(azc_names_count(z), 2);
	assert_int_equal(azc_names_serial(z), SERIAL + 1);
	a = ask(z, EP1_REV, LDNS_RR_TYPE_PTR);
	assert_int_equal(ldns_pkt_ancount(a), 2);
	assert_true(has_rr(ldns_pkt_answer(a), EP1_REV " 60 IN PTR www." ZONE));
	ldns_pkt_free(a);

	/* to another endpoint's name, for another address, to outside */
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP1_REV " 60 IN PTR ep2." ZONE)),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "refused: " EP1_REV " PTR ep2." ZONE
			       ": ep2." ZONE " is not a name of endpoint "
			       "'ep1'"));
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP2_REV " 60 IN PTR ep1." ZONE)),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "refused: " EP2_REV
			       " is not the reverse name of " EP1_ADDR));
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP1_REV " 60 IN PTR ep1.example.com.")),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP1_REV " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(REV " 0 ANY ANY")),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(azc_names_count(z), 2);

	/* its reverse name, cleared */
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP1_REV " 0 ANY ANY")),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_count(z), 0);
	assert_int_equal(azc_names_serial(z), SERIAL + 2);
}

/* Public keys (RFC 7748 6.1, Alice's and Bob's) and their records */
#define K1_B64	"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
#define K1_FP	"SHA256:MAyclgO5Kks57TlYv5JAEUgE20/TcwEsDKR0MtY0Ja4"
#define K2_B64	"3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="
#define K2_FP	"SHA256:815WFhYKML88bnn6c8V21AIF6Pw7pOHG3Pk+a5joV7Q"
#define KREC(owner, b64) owner " 60 IN TXT \"v=azc1 k=x25519 p=" b64 "\""

static void b64key(const char *b64, uint8_t *k)
{
	assert_int_equal(azc_noise_key_from_b64(b64, k), 0);
}

static void test_update_key(void **state)
{
	struct azc_names *z = *state;
	uint8_t k1[32], k2[32], got[32];
	ldns_pkt *a;

	b64key(K1_B64, k1);
	b64key(K2_B64, k2);
	assert_int_equal(azc_names_key_of(z, "ep1", got), -ENOENT);
	/* its key at its reverse name, next to its PTR */
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP1_REV " 60 IN PTR ep1." ZONE,
				    KREC(EP1_REV, K1_B64))),
			 LDNS_RCODE_NOERROR);
	assert_non_null(strstr(logline, "accepted: add " EP1_REV " PTR ep1."
			       ZONE ", add " EP1_REV " TXT \"v=azc1 k=x25519 p="
			       K1_B64 "\""));
	assert_int_equal(azc_names_key_of(z, "ep1", got), 0);
	assert_memory_equal(got, k1, 32);
	assert_int_equal(azc_names_key_of(z, "ep2", got), -ENOENT);
	a = ask(z, EP1_REV, LDNS_RR_TYPE_TXT);
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_ancount(a), 1);
	assert_true(has_rr(ldns_pkt_answer(a), KREC(EP1_REV, K1_B64)));
	ldns_pkt_free(a);

	/* one key per endpoint: a second one is refused... */
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(KREC(EP1_REV, K2_B64))),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "refused: endpoint 'ep1' would "
			       "publish 2 keys, one at most"));
	/* ... a replacement (no pin held) is not */
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP1_REV " 0 ANY TXT",
				    KREC(EP1_REV, K2_B64))),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_key_of(z, "ep1", got), 0);
	assert_memory_equal(got, k2, 32);
	assert_int_equal(count_rrs(z, EP1_REV, LDNS_RR_TYPE_TXT), 1);

	/* not key records */
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP1_REV " 0 ANY TXT",
				    EP1_REV " 60 IN TXT \"hello\"")),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "TXT \"hello\": not a key record"));
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP1_REV " 60 IN TXT \"v=azc1 k=x25519 p=\" \""
				    K1_B64 "\"")),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "not a key record"));
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(KREC(EP1_REV, "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTm=="))),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP1_REV " 0 ANY TXT",
				    KREC(EP1_REV, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "a low-order X25519 point"));
	assert_int_equal(azc_names_key_of(z, "ep1", got), 0);
	assert_memory_equal(got, k2, 32);

	/* another endpoint's reverse name, or its forward name */
	assert_int_equal(update(z, &ep2, REV, NULL,
				RRS(EP1_REV " 0 ANY TXT",
				    KREC(EP1_REV, K1_B64))),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "refused: " EP1_REV
			       " is not the reverse name of " EP2_ADDR));
	assert_int_equal(update(z, &ep2, ZONE, NULL,
				RRS(KREC("ep1." ZONE, K1_B64))),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "only AAAA records"));
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS(KREC("ep1." ZONE, K1_B64))),
			 LDNS_RCODE_REFUSED);
	/* nor delete it */
	assert_int_equal(update(z, &ep2, REV, NULL,
				RRS(EP1_REV " 0 ANY TXT")),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(azc_names_key_of(z, "ep1", got), 0);
	assert_memory_equal(got, k2, 32);
	assert_int_equal(azc_names_count(z), 2);
}

static void test_key_pin(void **state)
{
	struct azc_names *z = *state;
	struct azc_names_sender pinned = ep1;
	uint32_t serial;
	uint8_t k1[32], got[32];

	b64key(K1_B64, k1);
	pinned.key_pin = k1;
	/* the pinned key: accepted */
	assert_int_equal(update(z, &pinned, REV, NULL,
				RRS(KREC(EP1_REV, K1_B64))),
			 LDNS_RCODE_NOERROR);
	/* another: refused, both fingerprints said, nothing changed */
	assert_int_equal(update(z, &pinned, REV, NULL,
				RRS(EP1_REV " 0 ANY TXT",
				    KREC(EP1_REV, K2_B64))),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "refused: endpoint 'ep1' publishes key "
			       K2_FP ", but its key is pinned to " K1_FP
			       ", first seen ('azconnectctl relay reset-key "
			       "ep1' lets a new one in)"));
	pinned.key_configured = true;
	assert_int_equal(update(z, &pinned, REV, NULL,
				RRS(EP1_REV " 0 ANY TXT",
				    KREC(EP1_REV, K2_B64))),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "refused: endpoint 'ep1' publishes key "
			       K2_FP ", but relayd.conf pins " K1_FP
			       " (public_key)"));
	assert_int_equal(azc_names_key_of(z, "ep1", got), 0);
	assert_memory_equal(got, k1, 32);
	/* the pin does not keep it from deleting its key */
	assert_int_equal(update(z, &pinned, REV, NULL,
				RRS(EP1_REV " 0 ANY TXT")),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_key_of(z, "ep1", got), -ENOENT);

	/* withdrawn by the relay (the operator reset the pin) */
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(EP1_REV " 60 IN PTR ep1." ZONE,
				    KREC(EP1_REV, K2_B64))),
			 LDNS_RCODE_NOERROR);
	serial = azc_names_serial(z);
	assert_true(azc_names_drop_key(z, "ep1"));
	assert_int_equal(azc_names_serial(z), serial + 1);
	assert_int_equal(azc_names_key_of(z, "ep1", got), -ENOENT);
	assert_int_equal(count_rrs(z, EP1_REV, LDNS_RR_TYPE_TXT), 0);
	assert_int_equal(count_rrs(z, EP1_REV, LDNS_RR_TYPE_PTR), 1);
	assert_false(azc_names_drop_key(z, "ep1"));
	assert_int_equal(azc_names_serial(z), serial + 1);

	/* kept through the grace period, like its other records */
	assert_int_equal(update(z, &ep1, REV, NULL,
				RRS(KREC(EP1_REV, K2_B64))),
			 LDNS_RCODE_NOERROR);
	azc_names_endpoint_down(z, "ep1", now_ms);
	assert_int_equal(azc_names_key_of(z, "ep1", got), 0);
	assert_int_equal(azc_names_expire(z, now_ms + GRACE), 2);
	assert_int_equal(azc_names_key_of(z, "ep1", got), -ENOENT);
}

static void test_update_delete(void **state)
{
	struct azc_names *z = *state;

	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR,
				    "www." ZONE " 60 IN AAAA " EP1_ADDR,
				    "db." ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(update(z, &ep2, ZONE, NULL,
				RRS("ep2." ZONE " 60 IN AAAA " EP2_ADDR)),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_count(z), 4);
	assert_int_equal(azc_names_serial(z), SERIAL + 2);

	/* an RRset */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 0 ANY AAAA")),
			 LDNS_RCODE_NOERROR);
	assert_non_null(strstr(logline, "accepted: delete ep1." ZONE " AAAA"));
	assert_int_equal(count_rrs(z, "ep1." ZONE, LDNS_RR_TYPE_AAAA), 0);
	assert_int_equal(azc_names_count(z), 3);
	assert_int_equal(azc_names_serial(z), SERIAL + 3);
	/* one record; then one that is not there */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("www." ZONE " 0 NONE AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOERROR);
	assert_non_null(strstr(logline, "accepted: delete www." ZONE " AAAA "
			       EP1_ADDR));
	assert_int_equal(azc_names_count(z), 2);
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("db." ZONE " 0 NONE AAAA ::1")),
			 LDNS_RCODE_NOERROR);
	assert_non_null(strstr(logline, "(no change)"));
	assert_int_equal(azc_names_count(z), 2);
	assert_int_equal(azc_names_serial(z), SERIAL + 4);
	/* a whole name */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("db." ZONE " 0 ANY ANY")),
			 LDNS_RCODE_NOERROR);
	assert_non_null(strstr(logline, "accepted: delete db." ZONE));
	assert_int_equal(azc_names_count(z), 1);
	/* not another's */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep2." ZONE " 0 ANY ANY")),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep2." ZONE " 0 NONE AAAA " EP2_ADDR)),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(count_rrs(z, "ep2." ZONE, LDNS_RR_TYPE_AAAA), 1);

	/* delete and add back in one message: the same records */
	assert_int_equal(update(z, &ep2, ZONE, NULL,
				RRS("ep2." ZONE " 0 ANY ANY",
				    "ep2." ZONE " 60 IN AAAA " EP2_ADDR)),
			 LDNS_RCODE_NOERROR);
	assert_non_null(strstr(logline, "(no change)"));
	assert_int_equal(azc_names_count(z), 1);
	/* add and delete: none */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR,
				    "ep1." ZONE " 0 NONE AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_count(z), 1);
}

static void test_prereqs(void **state)
{
	struct azc_names *z = *state;
	const char *const *add = RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR);

	/* name in use */
	assert_int_equal(update(z, &ep1, ZONE, RRS("ep1." ZONE " 0 ANY ANY"),
				add), LDNS_RCODE_NXDOMAIN);
	assert_non_null(strstr(logline, "refused: prerequisite failed: ep1."
			       ZONE " is not in use (NXDOMAIN)"));
	/* name not in use */
	assert_int_equal(update(z, &ep1, ZONE,
				RRS("relay." ZONE " 0 NONE ANY"), add),
			 LDNS_RCODE_YXDOMAIN);
	assert_int_equal(update(z, &ep1, ZONE, RRS(ZONE " 0 NONE ANY"), add),
			 LDNS_RCODE_YXDOMAIN);
	/* RRset exists */
	assert_int_equal(update(z, &ep1, ZONE, RRS("ep1." ZONE " 0 ANY AAAA"),
				add), LDNS_RCODE_NXRRSET);
	assert_int_equal(update(z, &ep1, ZONE, RRS("relay." ZONE " 0 ANY MX"),
				add), LDNS_RCODE_NXRRSET);
	/* RRset does not exist */
	assert_int_equal(update(z, &ep1, ZONE,
				RRS("relay." ZONE " 0 NONE AAAA"), add),
			 LDNS_RCODE_YXRRSET);
	assert_non_null(strstr(logline, "prerequisite failed: relay." ZONE
			       " AAAA exists (YXRRSET)"));
	/* RRset exists with these data, and only these */
	assert_int_equal(update(z, &ep1, ZONE,
				RRS("relay." ZONE " 0 IN AAAA ::1"), add),
			 LDNS_RCODE_NXRRSET);
	assert_int_equal(update(z, &ep1, ZONE,
				RRS("relay." ZONE " 0 IN AAAA " NS_ADDR,
				    "relay." ZONE " 0 IN AAAA ::1"), add),
			 LDNS_RCODE_NXRRSET);
	/* malformed ones */
	assert_int_equal(update(z, &ep1, ZONE,
				RRS("relay." ZONE " 60 ANY AAAA"), add),
			 LDNS_RCODE_FORMERR);
	assert_int_equal(update(z, &ep1, ZONE,
				RRS("relay." ZONE " 0 NONE AAAA ::1"), add),
			 LDNS_RCODE_FORMERR);
	assert_int_equal(update(z, &ep1, ZONE,
				RRS("relay." ZONE " 0 CH AAAA ::1"), add),
			 LDNS_RCODE_FORMERR);
	assert_int_equal(update(z, &ep1, ZONE,
				RRS("relay.example. 0 ANY ANY"), add),
			 LDNS_RCODE_NOTZONE);
	assert_int_equal(azc_names_count(z), 0);
	assert_int_equal(azc_names_serial(z), SERIAL);

	/* met: applied */
	assert_int_equal(update(z, &ep1, ZONE,
				RRS("ep1." ZONE " 0 NONE ANY",
				    "relay." ZONE " 0 IN AAAA " NS_ADDR,
				    "relay." ZONE " 0 ANY AAAA",
				    ZONE " 0 ANY SOA"), add),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_count(z), 1);
	assert_int_equal(update(z, &ep1, ZONE,
				RRS("EP1." ZONE " 0 IN AAAA " EP1_ADDR,
				    "ep1." ZONE " 0 ANY ANY"),
				RRS("ep1." ZONE " 0 ANY ANY")),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_count(z), 0);
}

static void test_notzone_notauth(void **state)
{
	struct azc_names *z = *state;
	ldns_pkt *q, *a;

	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1.example.com. 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOTZONE);
	assert_non_null(strstr(logline, "refused: ep1.example.com. is outside "
			       ZONE " (NOTZONE)"));
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS(EP1_REV " 60 IN PTR ep1." ZONE)),
			 LDNS_RCODE_NOTZONE);
	assert_int_equal(update(z, &ep1, "example.com.", NULL,
				RRS("ep1.example.com. 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOTAUTH);
	assert_string_equal(logline,
		"UPDATE from " EP1_ADDR " (endpoint 'ep1') for example.com: "
		"refused: not a zone of ours (NOTAUTH)");
	/* a name in the zone is not a zone */
	assert_int_equal(update(z, &ep1, "ep1." ZONE, NULL,
				RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOTAUTH);
	/* another class */
	q = mkupdate(ZONE, NULL, RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR));
	ldns_rr_set_class(ldns_rr_list_rr(ldns_pkt_question(q), 0),
			  LDNS_RR_CLASS_CH);
	a = send_pkt(z, q, false, &ep1);
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_NOTAUTH);
	ldns_pkt_free(a);
	/* a zone section of another type */
	q = mkupdate(ZONE, NULL, RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR));
	ldns_rr_set_type(ldns_rr_list_rr(ldns_pkt_question(q), 0),
			 LDNS_RR_TYPE_NS);
	a = send_pkt(z, q, false, &ep1);
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_FORMERR);
	ldns_pkt_free(a);
	/* malformed updates */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 ANY AAAA")),
			 LDNS_RCODE_FORMERR);
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN ANY")),
			 LDNS_RCODE_FORMERR);
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 0 NONE ANY")),
			 LDNS_RCODE_FORMERR);
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 0 CH AAAA " EP1_ADDR)),
			 LDNS_RCODE_FORMERR);
	assert_int_equal(azc_names_count(z), 0);
}

static void test_update_malformed(void **state)
{
	struct azc_names *z = *state;
	uint8_t *wire;
	size_t len;
	ldns_pkt *q, *a;

	q = mkupdate(ZONE, NULL, RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR));
	assert_int_equal(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	assert_int_equal(send_wire(z, wire, len - 1, false, &ep1, &a), 12);
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_FORMERR);
	assert_int_equal(ldns_pkt_get_opcode(a), LDNS_PACKET_UPDATE);
	ldns_pkt_free(a);
	assert_string_equal(logline,
		"UPDATE from " EP1_ADDR " (endpoint 'ep1'): refused: "
		"malformed message (FORMERR)");
	free(wire);

	/* two zones */
	assert_true(ldns_pkt_push_rr(q, LDNS_SECTION_QUESTION,
		ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q), 0))));
	a = send_pkt(z, q, false, &ep1);
	assert_int_equal(ldns_pkt_get_rcode(a), LDNS_RCODE_FORMERR);
	ldns_pkt_free(a);
	assert_non_null(strstr(logline, "refused: 2 zones (FORMERR)"));
	assert_int_equal(azc_names_count(z), 0);
}

static void test_atomic(void **state)
{
	struct azc_names *z = *state;

	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("www." ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR,
				    "ep2." ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("www." ZONE " 0 ANY ANY",
				    "ep1." ZONE " 60 IN AAAA " EP1_ADDR,
				    "ep1." ZONE " 60 IN TXT \"x\"")),
			 LDNS_RCODE_REFUSED);
	assert_int_equal(update(z, &ep1, ZONE,
				RRS("www." ZONE " 0 ANY AAAA"),
				RRS("www." ZONE " 0 ANY ANY",
				    "ep1.example. 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOTZONE);
	assert_int_equal(azc_names_count(z), 1);
	assert_int_equal(azc_names_serial(z), SERIAL + 1);
	assert_int_equal(count_rrs(z, "www." ZONE, LDNS_RR_TYPE_AAAA), 1);
	assert_int_equal(count_rrs(z, "ep1." ZONE, LDNS_RR_TYPE_AAAA), 0);
}

static void test_limits(void **state)
{
	static char names[20][8], ups[20][80];
	static const char *aliases[20], *one[2], *upl[21];
	struct azc_names_sender many = {
		.endpoint = "many", .aliases = aliases, .n_aliases = 20,
	};
	struct azc_names *z = *state;
	unsigned int i;

	inet_pton(AF_INET6, PREFIX "77", &many.addr);
	for (i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "a%u", i);
		snprintf(ups[i], sizeof(ups[i]), "a%u." ZONE " 60 IN AAAA "
			 PREFIX "77", i);
		aliases[i] = names[i];
		upl[i] = ups[i];
	}
	/* 17 at once */
	upl[17] = NULL;
	assert_int_equal(update(z, &many, ZONE, NULL, upl),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "refused: endpoint 'many' would hold "
			       "more than 16 records"));
	assert_int_equal(azc_names_count(z), 0);
	/* 16, then one more */
	upl[16] = NULL;
	assert_int_equal(update(z, &many, ZONE, NULL, upl),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_count(z), 16);
	one[0] = ups[16];
	assert_int_equal(update(z, &many, ZONE, NULL, one),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "refused: endpoint 'many' would hold "
			       "17 records (limit 16)"));
	/* others are not limited by it */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOERROR);
	/* one out, one in */
	assert_int_equal(update(z, &many, ZONE, NULL,
				RRS("a0." ZONE " 0 ANY ANY", ups[16])),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_count(z), 17);
	assert_int_equal(count_rrs(z, "a16." ZONE, LDNS_RR_TYPE_AAAA), 1);
	assert_int_equal(count_rrs(z, "a0." ZONE, LDNS_RR_TYPE_AAAA), 0);
}

static void test_expire(void **state)
{
	struct azc_names *z = *state;
	int64_t t = 100000;

	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR,
				    "www." ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(update(z, &ep2, ZONE, NULL,
				RRS("ep2." ZONE " 60 IN AAAA " EP2_ADDR)),
			 LDNS_RCODE_NOERROR);
	assert_int_equal(azc_names_serial(z), SERIAL + 2);
	assert_int_equal(azc_names_deadline(z), -1);

	/* down, back up in time: kept */
	azc_names_endpoint_down(z, "ep1", t);
	assert_int_equal(azc_names_deadline(z), t + GRACE);
	azc_names_endpoint_down(z, "ep1", t + 10);	/* no later */
	assert_int_equal(azc_names_deadline(z), t + GRACE);
	assert_int_equal(azc_names_expire(z, t + GRACE - 1), 0);
	azc_names_endpoint_up(z, "ep1");
	assert_int_equal(azc_names_deadline(z), -1);
	assert_int_equal(azc_names_expire(z, t + GRACE), 0);
	assert_int_equal(azc_names_count(z), 3);
	assert_int_equal(azc_names_serial(z), SERIAL + 2);

	/* down for good: gone after the grace, the others stay */
	azc_names_endpoint_down(z, "ep1", t);
	azc_names_endpoint_down(z, "nobody", t);
	assert_int_equal(azc_names_expire(z, t + GRACE - 1), 0);
	assert_int_equal(azc_names_expire(z, t + GRACE), 2);
	assert_int_equal(azc_names_count(z), 1);
	assert_int_equal(azc_names_serial(z), SERIAL + 3);
	assert_int_equal(azc_names_deadline(z), -1);
	assert_int_equal(count_rrs(z, "ep1." ZONE, LDNS_RR_TYPE_AAAA), 0);
	assert_int_equal(count_rrs(z, "ep2." ZONE, LDNS_RR_TYPE_AAAA), 1);

	/* past its grace, a record is not served, even before expire() */
	azc_names_endpoint_down(z, "ep2", t);
	now_ms = t + GRACE - 1;
	assert_int_equal(count_rrs(z, "ep2." ZONE, LDNS_RR_TYPE_AAAA), 1);
	now_ms = t + GRACE;
	assert_negative(ask(z, "ep2." ZONE, LDNS_RR_TYPE_AAAA),
			LDNS_RCODE_NXDOMAIN, ZONE);
	assert_int_equal(update(z, &ep1, ZONE, RRS("ep2." ZONE " 0 ANY ANY"),
				NULL), LDNS_RCODE_NXDOMAIN);
	now_ms = 1000;
	/* which counts it when it goes */
	assert_int_equal(azc_names_count(z), 1);
	assert_int_equal(azc_names_serial(z), SERIAL + 3);
	assert_int_equal(azc_names_expire(z, t + GRACE), 1);
	assert_int_equal(azc_names_count(z), 0);
	assert_int_equal(azc_names_serial(z), SERIAL + 4);
}

static void test_default_grace(void **state)
{
	struct azc_names *z = zone_new(0);

	(void)state;
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_NOERROR);
	azc_names_endpoint_down(z, "ep1", 7);
	assert_int_equal(azc_names_deadline(z), 7 + AZC_NAMES_GRACE_MS);
	assert_int_equal(azc_names_expire(z, 7 + AZC_NAMES_GRACE_MS), 1);
	azc_names_free(z);
}

static void test_log_escape(void **state)
{
	static const char *const aliases[] = { "bad\\name", "ok'" };
	struct azc_names_sender odd = {
		.endpoint = "ep\x01\xe9x", .aliases = aliases, .n_aliases = 2,
	};
	struct azc_names *z = *state;
	char small[32];
	ldns_pkt *q;
	uint8_t *wire;
	size_t len;

	odd.addr = ep1.addr;
	/* not DNS labels: they name nothing */
	assert_int_equal(update(z, &odd, ZONE, NULL,
				RRS("ep\\001\\233x." ZONE " 60 IN AAAA "
				    EP1_ADDR)),
			 LDNS_RCODE_REFUSED);
	assert_string_equal(logline,
		"UPDATE from " EP1_ADDR " (endpoint 'ep\\x01\\xe9x') for "
		"azconnect.internal: refused: ep\\001\\233x.azconnect.internal."
		" is not a name of endpoint 'ep\\x01\\xe9x'");
	assert_int_equal(update(z, &odd, ZONE, NULL,
				RRS("ok\\'." ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "(endpoint 'ep\\x01\\xe9x')"));
	odd.endpoint = "a\\b";
	assert_int_equal(update(z, &odd, ZONE, NULL,
				RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR)),
			 LDNS_RCODE_REFUSED);
	assert_non_null(strstr(logline, "(endpoint 'a\\x5cb')"));
	/* data as ldns writes it, and what it leaves, a tab, escaped */
	assert_int_equal(update(z, &ep1, ZONE, NULL,
				RRS("ep1." ZONE " 60 NONE TXT \"a\tb\\001\"")),
			 LDNS_RCODE_FORMERR);
	assert_non_null(strstr(logline, "refused: bad update ep1." ZONE
			       " TXT \"a\\x09b\\001\" (class 254, TTL 60)"));

	/* a short log buffer: cut, terminated */
	q = mkupdate(ZONE, NULL, RRS("ep1." ZONE " 60 IN AAAA " EP1_ADDR));
	assert_int_equal(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	ldns_pkt_free(q);
	assert_true(azc_names_handle(z, wire, len, false, &ep1, now_ms, out,
				     sizeof(out), small, sizeof(small)) > 0);
	assert_string_equal(small, "UPDATE from " EP1_ADDR);
	assert_true(azc_names_handle(z, wire, len, false, &ep1, now_ms, out,
				     sizeof(out), NULL, 0) > 0);
	free(wire);
	assert_int_equal(azc_names_count(z), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_new),
		T(test_soa_ns),
		T(test_negative),
		T(test_case),
		T(test_refused),
		T(test_malformed),
		T(test_edns),
		T(test_truncation),
		T(test_update_add),
		T(test_update_refused),
		T(test_update_ptr),
		T(test_update_key),
		T(test_key_pin),
		T(test_update_delete),
		T(test_prereqs),
		T(test_notzone_notauth),
		T(test_update_malformed),
		T(test_atomic),
		T(test_limits),
		T(test_expire),
		T(test_default_grace),
		T(test_log_escape),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
