// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the relay's name service. Each input is a DNS message
 * handled over UDP and over TCP, from an endpoint and from an address that
 * is not one, by one zone that lives across inputs; the endpoint's session
 * ends, resumes and expires as the inputs go by.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <ldns/ldns.h>

#include "fuzz.h"
#include "base/util.h"
#include "relayd/names.h"

#define ZONE		"azconnect.internal."
#define PREFIX		"fd12:3456:789a:1::"
#define REV		"1.0.0.0.a.9.8.7.6.5.4.3.2.1.d.f.ip6.arpa."
#define EP_REV		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0." REV
#define GRACE_MS	16000
#define STEP_MS		1000	/* time between two inputs */
#define CYCLE		64	/* inputs from one session end to the next */

static const char *const aliases[] = { "www", "db" };
static struct azc_names_sender ep = {
	.endpoint = "ep1", .aliases = aliases, .n_aliases = 2,
};
static struct azc_names_sender outsider;
static struct azc_names *zone;
static uint8_t out[AZC_NAMES_MAX_MSG];
static char logline[512];
static int64_t now = 1000;
static unsigned long n_inputs;

/* An answer: none, or a response to @msg that ldns reads. */
static void check_answer(const uint8_t *msg, size_t len, bool tcp,
			 size_t outsize, int ret)
{
	ldns_pkt *p;
	size_t i;

	CHECK(ret >= 0 && (size_t)ret <= outsize);
	CHECK(tcp || ret <= AZC_NAMES_EDNS_SIZE);
	/* one line, escaped: printable ASCII only */
	for (i = 0; logline[i]; i++)
		CHECK(logline[i] >= 0x20 && logline[i] < 0x7f);
	CHECK(i < sizeof(logline));
	if (!ret)
		return;
	CHECK(len >= LDNS_HEADER_SIZE && !LDNS_QR_WIRE(msg));
	CHECK(ldns_wire2pkt(&p, out, ret) == LDNS_STATUS_OK);
	CHECK(ldns_pkt_qr(p));
	CHECK(ldns_pkt_id(p) == LDNS_ID_WIRE(msg));
	CHECK(ldns_pkt_get_opcode(p) == LDNS_OPCODE_WIRE(msg));
	CHECK(!ldns_pkt_ra(p));
	/* truncated: no records */
	CHECK(!ldns_pkt_tc(p) ||
	      ldns_pkt_ancount(p) + ldns_pkt_nscount(p) == 0);
	ldns_pkt_free(p);
}

static int handle_n(const uint8_t *msg, size_t len, bool tcp,
		    const struct azc_names_sender *from, size_t outsize)
{
	int ret = azc_names_handle(zone, msg, len, tcp, from, now, out,
				   outsize, logline, sizeof(logline));

	check_answer(msg, len, tcp, outsize, ret);
	return ret;
}

static int handle(const uint8_t *msg, size_t len, bool tcp,
		  const struct azc_names_sender *from)
{
	return handle_n(msg, len, tcp, from, sizeof(out));
}

/* The endpoint's records, added with an UPDATE as its client would. */
static void add_records(void)
{
	static const char *const rrs[] = {
		"ep1." ZONE " 60 IN AAAA " PREFIX "1",
		"www." ZONE " 60 IN AAAA " PREFIX "1",
		EP_REV " 60 IN PTR ep1." ZONE,
	};
	ldns_rr_list *l;
	ldns_pkt *q, *a;
	uint8_t *wire;
	size_t i, len;
	int ret;

	for (i = 0; i < AZC_ARRAY_SIZE(rrs); i++) {
		ldns_rr *rr;

		l = ldns_rr_list_new();
		CHECK(l);
		CHECK(ldns_rr_new_frm_str(&rr, rrs[i], 0, NULL, NULL) ==
		      LDNS_STATUS_OK);
		CHECK(ldns_rr_list_push_rr(l, rr));
		q = ldns_update_pkt_new(ldns_dname_new_frm_str(i < 2 ? ZONE :
							       REV),
					LDNS_RR_CLASS_IN, NULL, l, NULL);
		CHECK(q);
		CHECK(ldns_pkt2wire(&wire, q, &len) == LDNS_STATUS_OK);
		ret = handle(wire, len, false, &ep);
		CHECK(ret > 0);
		CHECK(ldns_wire2pkt(&a, out, ret) == LDNS_STATUS_OK);
		CHECK(ldns_pkt_get_rcode(a) == LDNS_RCODE_NOERROR);
		ldns_pkt_free(a);
		free(wire);
		ldns_pkt_free(q);
		ldns_rr_list_deep_free(l);
	}
}

static void init(void)
{
	struct azc_names_cfg cfg = {
		.zone = ZONE, .serial = 1, .grace_ms = GRACE_MS,
	};
	char err[128];

	inet_pton(AF_INET6, PREFIX, &cfg.prefix);
	inet_pton(AF_INET6, PREFIX "53", &cfg.ns_addr);
	inet_pton(AF_INET6, PREFIX "1", &ep.addr);
	inet_pton(AF_INET6, PREFIX "99", &outsider.addr);
	zone = azc_names_new(&cfg, err, sizeof(err));
	CHECK(zone);
	add_records();
	CHECK(azc_names_count(zone) == 3);
}

/*
 * The endpoint's session ends at the start of each cycle of inputs; in
 * every other cycle it comes back before its grace runs out, in the others
 * its records go, and come back a while later.
 */
static void move_time(void)
{
	unsigned long step = n_inputs % CYCLE, cycle = n_inputs / CYCLE;
	uint32_t serial = azc_names_serial(zone);
	int64_t deadline;

	now += STEP_MS;
	if (step == 0)
		azc_names_endpoint_down(zone, ep.endpoint, now);
	if (step == CYCLE / 8 && cycle % 2)
		azc_names_endpoint_up(zone, ep.endpoint);
	azc_names_expire(zone, now);
	deadline = azc_names_deadline(zone);
	CHECK(deadline == -1 || (deadline > now &&
				 deadline <= now + GRACE_MS));
	if (step == CYCLE / 2 && !azc_names_count(zone)) {
		azc_names_endpoint_up(zone, ep.endpoint);
		add_records();
	}
	/* nothing wraps in a run: it only goes up */
	CHECK(azc_names_serial(zone) - serial < 1u << 31);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *msg = malloc(size ? size : 1);

	CHECK(msg);
	if (!zone)
		init();
	/* a copy of its own, so that reading past it is caught */
	memcpy(msg, data, size);
	handle(msg, size, false, &ep);
	handle(msg, size, true, &ep);
	handle(msg, size, false, &outsider);
	handle(msg, size, true, &outsider);
	handle(msg, size, false, NULL);
	/* and into a buffer that may be too small for the answer */
	handle_n(msg, size, true, &outsider, size % 600);
	free(msg);

	CHECK(azc_names_count(zone) <= AZC_NAMES_MAX_PER_EP);
	n_inputs++;
	move_time();
	return 0;
}
