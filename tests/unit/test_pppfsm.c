// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the RFC 1661 automaton (userspace/lib/pppfsm.c) with a toy
 * protocol: option 1 (one byte, the value the peer wants), option 2
 * (always rejected by the peer), on the IPV6CP protocol number.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/pppfsm.h"

#define MAXQ 64

struct pkt {
	u8 code, id;
	size_t len;		/* options/data length */
	u8 data[512];
};

struct toy {
	struct azc_fsm f;
	u8 mine;		/* our value of option 1 */
	u8 want;		/* the value we want the peer's option 1 */
	bool send_opt1, send_opt2;
	bool insist;		/* ignore Naks of option 1 */
	bool nak_missing;	/* Nak a request without option 1 */
	int ups, downs, starts, finishes;
	bool last_as_rej;
	struct pkt q[MAXQ];	/* frames sent */
	int nq;
};

static struct toy *toy_of(struct azc_fsm *f)
{
	return f->ctx;
}

static int toy_build(struct azc_fsm *f, u8 *buf, size_t size)
{
	struct toy *t = toy_of(f);
	int n = 0;

	if (t->send_opt1)
		n += azc_ppp_opt_put(buf + n, size - n, 1, &t->mine, 1);
	if (t->send_opt2)
		n += azc_ppp_opt_put(buf + n, size - n, 2, NULL, 0);
	return n;
}

static bool toy_saw1;

static enum azc_fsm_verdict toy_check(struct azc_fsm *f,
				      const struct azc_ppp_opt *opt,
				      struct azc_fsm_reply *r)
{
	struct toy *t = toy_of(f);

	if (opt->type == 1 && opt->data_len == 1) {
		toy_saw1 = true;
		if (opt->data[0] == t->want)
			return AZC_FSM_ACK;
		azc_fsm_nak_opt(r, 1, &t->want, 1);
		return AZC_FSM_NAK;
	}
	if (opt->type == 9) {
		azc_fsm_fail(f, "toy: option 9 is fatal");
		return AZC_FSM_FATAL;
	}
	return AZC_FSM_REJ;
}

static enum azc_fsm_verdict toy_done(struct azc_fsm *f,
				     struct azc_fsm_reply *r)
{
	struct toy *t = toy_of(f);

	if (t->nak_missing && !toy_saw1)
		azc_fsm_nak_opt(r, 1, &t->want, 1);
	toy_saw1 = false;
	return AZC_FSM_ACK;
}

static int toy_nak(struct azc_fsm *f, const struct azc_ppp_opt *opt,
		   bool as_rej)
{
	struct toy *t = toy_of(f);

	t->last_as_rej = as_rej;
	if (opt->type != 1)
		return 0;
	if (as_rej)
		t->send_opt1 = false;
	else if (!t->insist && opt->data_len == 1)
		t->mine = opt->data[0];
	return 0;
}

static int toy_rej(struct azc_fsm *f, const struct azc_ppp_opt *opt)
{
	struct toy *t = toy_of(f);

	if (opt->type == 1)
		t->send_opt1 = false;
	if (opt->type == 2)
		t->send_opt2 = false;
	return 0;
}

static void toy_up(struct azc_fsm *f)
{
	toy_of(f)->ups++;
}

static void toy_down(struct azc_fsm *f)
{
	toy_of(f)->downs++;
}

static void toy_started(struct azc_fsm *f)
{
	toy_of(f)->starts++;
}

static void toy_finished(struct azc_fsm *f)
{
	toy_of(f)->finishes++;
}

static void toy_send(struct azc_fsm *f, const u8 *frame, size_t len)
{
	struct toy *t = toy_of(f);
	struct azc_ppp_frame fr;
	struct azc_ppp_cp cp;
	struct pkt *p;

	assert_int_equal(azc_ppp_frame_decode(frame, len, &fr), 0);
	assert_int_equal(fr.proto, AZC_PPP_IPV6CP);
	assert_int_equal(azc_ppp_cp_decode(fr.proto, fr.data, fr.len, &cp), 0);
	assert_true(t->nq < MAXQ);
	p = &t->q[t->nq++];
	p->code = cp.code;
	p->id = cp.id;
	p->len = cp.data_len < sizeof(p->data) ? cp.data_len : sizeof(p->data);
	memcpy(p->data, cp.data, p->len);
}

static void toy_log(struct azc_fsm *f, const char *msg)
{
	(void)f;
	if (getenv("AZC_TEST_VERBOSE"))
		fprintf(stderr, "# %s\n", msg);
}

static const struct azc_fsm_ops toy_ops = {
	.build_req = toy_build,
	.check_opt = toy_check,
	.check_done = toy_done,
	.got_nak = toy_nak,
	.got_rej = toy_rej,
	.up = toy_up,
	.down = toy_down,
	.started = toy_started,
	.finished = toy_finished,
	.send = toy_send,
	.log = toy_log,
};

static void toy_init(struct toy *t, u8 first_id)
{
	memset(t, 0, sizeof(*t));
	azc_fsm_init(&t->f, AZC_PPP_IPV6CP, "TOY", &toy_ops, t, first_id);
	t->mine = 'a';
	t->want = 'a';
	t->send_opt1 = true;
}

/* Feeds a packet to @t as the peer would send it. */
static void feed(struct toy *t, u8 code, u8 id, const void *data,
		 size_t len, int64_t now)
{
	u8 frame[600];
	int n;

	n = azc_ppp_cp_encode(frame, sizeof(frame), AZC_PPP_IPV6CP, code, id,
			      data, len);
	assert_true(n > 0);
	azc_fsm_input(&t->f, frame + AZC_PPP_HDR_LEN, n - AZC_PPP_HDR_LEN,
		      now);
}

/* Delivers everything queued between two automata until quiet. */
static void exchange(struct toy *a, struct toy *b, int64_t now)
{
	struct pkt p;
	int progress;

	do {
		progress = 0;
		while (a->nq) {
			p = a->q[0];
			memmove(a->q, a->q + 1, --a->nq * sizeof(p));
			feed(b, p.code, p.id, p.data, p.len, now);
			progress = 1;
		}
		while (b->nq) {
			p = b->q[0];
			memmove(b->q, b->q + 1, --b->nq * sizeof(p));
			feed(a, p.code, p.id, p.data, p.len, now);
			progress = 1;
		}
	} while (progress);
}

static struct pkt *last(struct toy *t)
{
	assert_true(t->nq > 0);
	return &t->q[t->nq - 1];
}

static void test_open_back_to_back(void **state)
{
	struct toy a, b;

	(void)state;
	toy_init(&a, 1);
	toy_init(&b, 100);
	b.mine = 'b';
	a.want = 'b';
	b.want = 'x';			/* a will be Nak'ed to 'x' */
	a.send_opt2 = true;		/* rejected by b */
	azc_fsm_open(&a.f, 0);
	assert_int_equal(a.f.state, AZC_FSM_STARTING);
	assert_int_equal(a.starts, 1);
	azc_fsm_up(&a.f, 0);
	azc_fsm_open(&b.f, 0);
	azc_fsm_up(&b.f, 0);
	assert_int_equal(a.f.state, AZC_FSM_REQ_SENT);
	assert_int_equal(azc_fsm_deadline(&a.f), AZC_FSM_RESTART_MS);
	exchange(&a, &b, 10);
	assert_int_equal(a.f.state, AZC_FSM_OPENED);
	assert_int_equal(b.f.state, AZC_FSM_OPENED);
	assert_int_equal(a.ups, 1);
	assert_int_equal(b.ups, 1);
	assert_int_equal(a.mine, 'x');
	assert_false(a.send_opt2);
	assert_int_equal(a.f.rx_nak, 1);
	assert_int_equal(a.f.rx_rej, 1);
	assert_int_equal(b.f.tx_nak, 1);
	assert_int_equal(b.f.tx_rej, 1);
	assert_int_equal(azc_fsm_deadline(&a.f), -1);
	assert_int_equal(azc_fsm_deadline(&b.f), -1);
	assert_string_equal(azc_fsm_state_name(AZC_FSM_ACK_SENT), "Ack-Sent");
}

/* Max-Configure: 10 requests 3 s apart, then TO- and This-Layer-Finished */
static void test_restart_timer(void **state)
{
	struct toy a;
	int64_t now = 1000;
	int i;

	(void)state;
	toy_init(&a, 7);
	azc_fsm_open(&a.f, now);
	azc_fsm_up(&a.f, now);
	assert_int_equal(a.nq, 1);
	for (i = 1; i < AZC_FSM_MAX_CONFIGURE; i++) {
		assert_int_equal(azc_fsm_deadline(&a.f), now + 3000);
		azc_fsm_tick(&a.f, now + 2999);		/* not yet */
		assert_int_equal(a.nq, i);
		now += 3000;
		azc_fsm_tick(&a.f, now);
		assert_int_equal(a.nq, i + 1);
		/* a retransmission keeps its identifier */
		assert_int_equal(a.q[i].id, a.q[0].id);
		assert_int_equal(a.q[i].code, AZC_PPP_CONF_REQ);
	}
	assert_int_equal(a.f.state, AZC_FSM_REQ_SENT);
	assert_int_equal(a.finishes, 0);
	now += 3000;
	azc_fsm_tick(&a.f, now);
	assert_int_equal(a.nq, AZC_FSM_MAX_CONFIGURE);
	assert_int_equal(a.f.state, AZC_FSM_STOPPED);
	assert_int_equal(a.finishes, 1);
	assert_non_null(strstr(a.f.reason, "no Configure-Ack to 10"));
	assert_int_equal(azc_fsm_deadline(&a.f), -1);
}

/* The peer Naks forever: after Max-Failure Naks, treat them as Rejects */
static void test_nak_forever_received(void **state)
{
	struct toy a;
	u8 opt[3] = { 1, 3, 'z' };
	int i;

	(void)state;
	toy_init(&a, 1);
	a.insist = true;
	azc_fsm_open(&a.f, 0);
	azc_fsm_up(&a.f, 0);
	for (i = 0; i < AZC_FSM_MAX_FAILURE; i++) {
		feed(&a, AZC_PPP_CONF_NAK, last(&a)->id, opt, sizeof(opt), 0);
		assert_false(a.last_as_rej);
		assert_int_equal(last(&a)->code, AZC_PPP_CONF_REQ);
		assert_int_equal(last(&a)->len, 3);	/* still option 1 */
	}
	feed(&a, AZC_PPP_CONF_NAK, last(&a)->id, opt, sizeof(opt), 0);
	assert_true(a.last_as_rej);
	/* Given up: the next request no longer carries option 1 */
	assert_int_equal(last(&a)->code, AZC_PPP_CONF_REQ);
	assert_int_equal(last(&a)->len, 0);
	assert_int_equal(a.f.state, AZC_FSM_REQ_SENT);
	/* An Ack resets the count */
	feed(&a, AZC_PPP_CONF_ACK, last(&a)->id, NULL, 0, 0);
	assert_int_equal(a.f.naks_rcvd, 0);
	assert_int_equal(a.f.state, AZC_FSM_ACK_RCVD);
}

/* The peer ignores our Naks: after Max-Failure we reject instead */
static void test_nak_forever_sent(void **state)
{
	struct toy a;
	u8 opt[3] = { 1, 3, 'q' };
	int i;

	(void)state;
	toy_init(&a, 1);
	azc_fsm_open(&a.f, 0);
	azc_fsm_up(&a.f, 0);
	for (i = 0; i < AZC_FSM_MAX_FAILURE; i++) {
		feed(&a, AZC_PPP_CONF_REQ, 50 + i, opt, sizeof(opt), 0);
		assert_int_equal(last(&a)->code, AZC_PPP_CONF_NAK);
		assert_int_equal(last(&a)->id, 50 + i);
		assert_int_equal(last(&a)->data[2], 'a');
	}
	feed(&a, AZC_PPP_CONF_REQ, 60, opt, sizeof(opt), 0);
	assert_int_equal(last(&a)->code, AZC_PPP_CONF_REJ);
	assert_int_equal(last(&a)->len, 3);
	assert_memory_equal(last(&a)->data, opt, 3);
	assert_int_equal(a.finishes, 0);
	/* An acceptable request resets the count */
	opt[2] = 'a';
	feed(&a, AZC_PPP_CONF_REQ, 61, opt, sizeof(opt), 0);
	assert_int_equal(last(&a)->code, AZC_PPP_CONF_ACK);
	assert_int_equal(a.f.naks_sent, 0);
	assert_int_equal(a.f.state, AZC_FSM_ACK_SENT);
}

/* A Nak that adds a missing option cannot become a Reject: fatal */
static void test_nak_missing_fatal(void **state)
{
	struct toy a;
	int i;

	(void)state;
	toy_init(&a, 1);
	a.nak_missing = true;
	azc_fsm_open(&a.f, 0);
	azc_fsm_up(&a.f, 0);
	for (i = 0; i < AZC_FSM_MAX_FAILURE; i++) {
		feed(&a, AZC_PPP_CONF_REQ, i, NULL, 0, 0);
		assert_int_equal(last(&a)->code, AZC_PPP_CONF_NAK);
	}
	feed(&a, AZC_PPP_CONF_REQ, 9, NULL, 0, 0);
	assert_true(a.f.failed);
	assert_int_equal(a.finishes, 1);
	assert_non_null(strstr(a.f.reason, "does not converge"));
	/* It closes: a Terminate-Request carrying the reason */
	assert_int_equal(last(&a)->code, AZC_PPP_TERM_REQ);
	assert_int_equal(a.f.state, AZC_FSM_CLOSING);
	/* The later This-Layer-Finished is not reported twice */
	azc_fsm_tick(&a.f, 3000);
	azc_fsm_tick(&a.f, 6000);
	assert_int_equal(a.f.state, AZC_FSM_CLOSED);
	assert_int_equal(a.finishes, 1);
}

static void test_fatal_option(void **state)
{
	struct toy a;
	u8 opt[2] = { 9, 2 };

	(void)state;
	toy_init(&a, 1);
	azc_fsm_open(&a.f, 0);
	azc_fsm_up(&a.f, 0);
	feed(&a, AZC_PPP_CONF_REQ, 3, opt, sizeof(opt), 0);
	assert_true(a.f.failed);
	assert_int_equal(a.finishes, 1);
	assert_string_equal(a.f.reason, "toy: option 9 is fatal");
	assert_int_equal(last(&a)->code, AZC_PPP_TERM_REQ);
	assert_memory_equal(last(&a)->data, "toy: option 9", 13);
}

static void open_pair(struct toy *a, struct toy *b)
{
	toy_init(a, 1);
	toy_init(b, 100);
	azc_fsm_open(&a->f, 0);
	azc_fsm_up(&a->f, 0);
	azc_fsm_open(&b->f, 0);
	azc_fsm_up(&b->f, 0);
	exchange(a, b, 0);
	assert_int_equal(a->f.state, AZC_FSM_OPENED);
	assert_int_equal(b->f.state, AZC_FSM_OPENED);
}

static void test_terminate_by_peer(void **state)
{
	struct toy a, b;

	(void)state;
	open_pair(&a, &b);
	feed(&a, AZC_PPP_TERM_REQ, 77, "bye", 3, 5000);
	assert_int_equal(last(&a)->code, AZC_PPP_TERM_ACK);
	assert_int_equal(last(&a)->id, 77);
	assert_int_equal(a.downs, 1);
	assert_true(a.f.term_rcvd);
	assert_string_equal(a.f.peer_reason, "bye");
	assert_int_equal(a.f.state, AZC_FSM_STOPPING);
	assert_int_equal(azc_fsm_deadline(&a.f), 8000);
	azc_fsm_tick(&a.f, 8000);
	assert_int_equal(a.f.state, AZC_FSM_STOPPED);
	assert_int_equal(a.finishes, 1);
}

static void test_close(void **state)
{
	struct toy a, b;
	int n;

	(void)state;
	open_pair(&a, &b);
	n = a.nq;
	azc_fsm_close(&a.f, "admin", 1000);
	assert_int_equal(a.downs, 1);
	assert_int_equal(a.f.state, AZC_FSM_CLOSING);
	assert_int_equal(a.nq, n + 1);
	assert_int_equal(last(&a)->code, AZC_PPP_TERM_REQ);
	assert_memory_equal(last(&a)->data, "admin", 5);
	/* Max-Terminate 2: one retransmission, then Closed */
	azc_fsm_tick(&a.f, 4000);
	assert_int_equal(a.nq, n + 2);
	azc_fsm_tick(&a.f, 7000);
	assert_int_equal(a.nq, n + 2);
	assert_int_equal(a.f.state, AZC_FSM_CLOSED);
	assert_int_equal(a.finishes, 1);
	/* Closed answers a Configure-Request with Terminate-Ack */
	feed(&a, AZC_PPP_CONF_REQ, 5, NULL, 0, 8000);
	assert_int_equal(last(&a)->code, AZC_PPP_TERM_ACK);

	/* And a Terminate-Ack ends Closing at once */
	open_pair(&a, &b);
	azc_fsm_close(&a.f, NULL, 0);
	exchange(&a, &b, 0);
	assert_int_equal(a.f.state, AZC_FSM_CLOSED);
	assert_int_equal(b.f.state, AZC_FSM_STOPPING);
}

static void test_code_reject(void **state)
{
	u8 pkt[] = { 0x20, 0x05, 0x00, 0x06, 0xaa, 0xbb };
	u8 req[2] = { 0x01, 0x01 };
	struct toy a, b;
	u8 big[400];

	(void)state;
	open_pair(&a, &b);
	/* An unknown code is Code-Rejected with the packet */
	azc_fsm_input(&a.f, pkt, sizeof(pkt), 0);
	assert_int_equal(last(&a)->code, AZC_PPP_CODE_REJ);
	assert_int_equal(last(&a)->len, sizeof(pkt));
	assert_memory_equal(last(&a)->data, pkt, sizeof(pkt));
	assert_int_equal(a.f.state, AZC_FSM_OPENED);
	/* Truncated to the peer's MRU */
	memset(big, 0x5a, sizeof(big));
	big[0] = 0x21;
	big[2] = sizeof(big) >> 8;
	big[3] = sizeof(big) & 0xff;
	a.f.peer_mru = 100;
	azc_fsm_input(&a.f, big, sizeof(big), 0);
	assert_int_equal(last(&a)->code, AZC_PPP_CODE_REJ);
	assert_int_equal(last(&a)->len, 96);
	/* RXJ+: the peer does not know a code we need not */
	feed(&a, AZC_PPP_CODE_REJ, 1, (u8[]){ 9, 1, 0, 4 }, 4, 0);
	assert_int_equal(a.f.state, AZC_FSM_OPENED);
	assert_false(a.f.failed);
	/* RXJ-: Configure-Request rejected is catastrophic */
	feed(&a, AZC_PPP_CODE_REJ, 2, req, sizeof(req), 0);
	assert_true(a.f.failed);
	assert_int_equal(a.f.state, AZC_FSM_STOPPING);
	assert_int_equal(a.finishes, 1);
	assert_non_null(strstr(a.f.reason, "Code-Rejected our Configure-Req"));
}

static void test_bad_replies(void **state)
{
	u8 other[3] = { 1, 3, 'z' }, notmine[2] = { 2, 2 };
	struct toy a;
	u8 id;

	(void)state;
	toy_init(&a, 1);
	azc_fsm_open(&a.f, 0);
	azc_fsm_up(&a.f, 0);
	id = last(&a)->id;
	/* Wrong identifier, options differing from our request */
	feed(&a, AZC_PPP_CONF_ACK, id + 1, last(&a)->data, 3, 0);
	assert_int_equal(a.f.state, AZC_FSM_REQ_SENT);
	feed(&a, AZC_PPP_CONF_ACK, id, other, sizeof(other), 0);
	assert_int_equal(a.f.state, AZC_FSM_REQ_SENT);
	/* A Reject of an option we did not send */
	feed(&a, AZC_PPP_CONF_REJ, id, notmine, sizeof(notmine), 0);
	assert_true(a.send_opt1);
	assert_int_equal(a.f.rx_rej, 0);
	/* Malformed options */
	feed(&a, AZC_PPP_CONF_NAK, id, (u8[]){ 1, 9, 0 }, 3, 0);
	assert_int_equal(a.f.rx_nak, 0);
	feed(&a, AZC_PPP_CONF_REQ, 4, (u8[]){ 1, 1 }, 2, 0);
	assert_int_equal(a.nq, 1);
	/* The right Ack, then the same again: ignored */
	feed(&a, AZC_PPP_CONF_ACK, id, last(&a)->data, 3, 0);
	assert_int_equal(a.f.state, AZC_FSM_ACK_RCVD);
	feed(&a, AZC_PPP_CONF_ACK, id, a.q[0].data, 3, 0);
	assert_int_equal(a.f.state, AZC_FSM_ACK_RCVD);
	/* Packets shorter than their header or before Up are dropped */
	azc_fsm_input(&a.f, (u8[]){ 1, 1, 0 }, 3, 0);
	assert_int_equal(a.nq, 1);
}

static void test_not_started_and_proto_reject(void **state)
{
	struct toy a, b;

	(void)state;
	toy_init(&a, 1);
	feed(&a, AZC_PPP_CONF_REQ, 1, NULL, 0, 0);
	assert_int_equal(a.nq, 0);
	azc_fsm_open(&a.f, 0);
	feed(&a, AZC_PPP_CONF_REQ, 1, NULL, 0, 0);
	assert_int_equal(a.nq, 0);		/* Starting: no reply */
	azc_fsm_proto_rejected(&a.f, 0);
	assert_int_equal(a.finishes, 0);
	open_pair(&a, &b);
	azc_fsm_proto_rejected(&a.f, 0);
	assert_true(a.f.failed);
	assert_int_equal(a.finishes, 1);
	assert_int_equal(a.downs, 1);
	assert_non_null(strstr(a.f.reason, "rejected protocol TOY"));
	/* Down from Opened goes to Starting with tld */
	open_pair(&a, &b);
	azc_fsm_down(&a.f, 0);
	assert_int_equal(a.f.state, AZC_FSM_STARTING);
	assert_int_equal(a.downs, 1);
	azc_fsm_up(&a.f, 0);
	assert_int_equal(a.f.state, AZC_FSM_REQ_SENT);
}

/* Renegotiation: a Configure-Request in Opened takes the layer down */
static void test_renegotiation(void **state)
{
	struct toy a, b;
	u8 opt[3] = { 1, 3, 'a' };

	(void)state;
	open_pair(&a, &b);
	feed(&a, AZC_PPP_CONF_REQ, 42, opt, sizeof(opt), 0);
	assert_int_equal(a.downs, 1);
	assert_int_equal(a.f.state, AZC_FSM_ACK_SENT);
	assert_int_equal(last(&a)->code, AZC_PPP_CONF_ACK);
	assert_int_equal(a.q[a.nq - 2].code, AZC_PPP_CONF_REQ);
	exchange(&a, &b, 0);
	assert_int_equal(a.f.state, AZC_FSM_OPENED);
	assert_int_equal(a.ups, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_back_to_back),
		cmocka_unit_test(test_restart_timer),
		cmocka_unit_test(test_nak_forever_received),
		cmocka_unit_test(test_nak_forever_sent),
		cmocka_unit_test(test_nak_missing_fatal),
		cmocka_unit_test(test_fatal_option),
		cmocka_unit_test(test_terminate_by_peer),
		cmocka_unit_test(test_close),
		cmocka_unit_test(test_code_reject),
		cmocka_unit_test(test_bad_replies),
		cmocka_unit_test(test_not_started_and_proto_reject),
		cmocka_unit_test(test_renegotiation),
	};

	return cmocka_run_group_tests_name("pppfsm", tests, NULL, NULL);
}
