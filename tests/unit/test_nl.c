// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: decoding the kernel's extended acks. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <linux/netlink.h>

#include "kernel/nl.h"

/* Build an NLMSG_ERROR the way the kernel does, into @buf. */
static struct nlmsghdr *build_err(char *buf, size_t size, int error, bool capped,
				  const char *text, int offs, int miss)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e;
	size_t off, req_payload = capped ? 0 : 24;
	struct nlattr *a;

	memset(buf, 0, size);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0);
	e = NLMSG_DATA(nlh);
	e->error = error;
	e->msg.nlmsg_len = NLMSG_HDRLEN + req_payload;
	off = NLMSG_HDRLEN + sizeof(*e) + req_payload;

	if (text) {
		a = (struct nlattr *)(buf + off);
		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = NLA_HDRLEN + strlen(text) + 1;
		memcpy((char *)a + NLA_HDRLEN, text, strlen(text) + 1);
		off += NLA_ALIGN(a->nla_len);
	}
	if (offs >= 0) {
		a = (struct nlattr *)(buf + off);
		a->nla_type = NLMSGERR_ATTR_OFFS;
		a->nla_len = NLA_HDRLEN + 4;
		memcpy((char *)a + NLA_HDRLEN, &offs, 4);
		off += NLA_ALIGN(a->nla_len);
	}
	if (miss >= 0) {
		a = (struct nlattr *)(buf + off);
		a->nla_type = NLMSGERR_ATTR_MISS_TYPE;
		a->nla_len = NLA_HDRLEN + 4;
		memcpy((char *)a + NLA_HDRLEN, &miss, 4);
		off += NLA_ALIGN(a->nla_len);
	}
	nlh->nlmsg_len = off;
	assert_true(off <= size);
	return nlh;
}

static void test_capped(void **state)
{
	char buf[256];
	struct azc_nl nl;

	(void)state;
	azc_nl_parse_ext_ack(&nl, build_err(buf, sizeof(buf), -22, true,
					    "ifindex or ifname is required", -1, 1));
	assert_string_equal(nl.extack, "ifindex or ifname is required");
	assert_int_equal(nl.extack_offset, -1);
	assert_int_equal(nl.extack_miss, 1);
}

static void test_uncapped_skips_request(void **state)
{
	char buf[256];
	struct azc_nl nl;

	(void)state;
	azc_nl_parse_ext_ack(&nl, build_err(buf, sizeof(buf), -19, false,
					    "no device with this ifindex", 20, -1));
	assert_string_equal(nl.extack, "no device with this ifindex");
	assert_int_equal(nl.extack_offset, 20);
}

static void test_no_tlvs(void **state)
{
	char buf[256];
	struct azc_nl nl;
	struct nlmsghdr *nlh = build_err(buf, sizeof(buf), -1, true, NULL, -1, -1);

	(void)state;
	nlh->nlmsg_flags = 0;
	memset(&nl, 0x55, sizeof(nl));
	azc_nl_parse_ext_ack(&nl, nlh);
	assert_string_equal(nl.extack, "");
	assert_int_equal(nl.extack_offset, -1);
	assert_int_equal(nl.extack_miss, -1);
}

static void test_truncated_and_long(void **state)
{
	char buf[1024], text[600];
	struct azc_nl nl;
	struct nlmsghdr *nlh;

	(void)state;
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	nlh = build_err(buf, sizeof(buf), -22, true, text, -1, -1);
	azc_nl_parse_ext_ack(&nl, nlh);
	assert_int_equal(strlen(nl.extack), sizeof(nl.extack) - 1);

	/* An uncapped error whose echoed request runs past the message. */
	nlh = build_err(buf, sizeof(buf), -22, false, "m", -1, -1);
	((struct nlmsgerr *)NLMSG_DATA(nlh))->msg.nlmsg_len = 4000;
	azc_nl_parse_ext_ack(&nl, nlh);
	assert_string_equal(nl.extack, "");

	/* A TLV whose length runs past the message is ignored. */
	nlh = build_err(buf, sizeof(buf), -22, true, "hello", -1, -1);
	nlh->nlmsg_len -= 4;
	azc_nl_parse_ext_ack(&nl, nlh);
	assert_string_equal(nl.extack, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capped),
		cmocka_unit_test(test_uncapped_skips_request),
		cmocka_unit_test(test_no_tlvs),
		cmocka_unit_test(test_truncated_and_long),
	};

	return cmocka_run_group_tests_name("nl", tests, NULL, NULL);
}
