// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: decoding and presenting DEV_GET replies. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <netlink/genl/genl.h>

#include "uapi/azconnect.h"
#include "kernel/dev.h"

struct dev_attrs {
	bool ifindex, ifname, nest;
	int mode_len;	/* 4 normally; other values make it malformed */
};

static struct nl_msg *build_reply(const struct dev_attrs *a, uint32_t ifindex,
				  const char *name)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 1, 1, 0x20, 0, 0, AZCONNECT_CMD_DEV_GET, 1));
	assert_int_equal(nla_put_u32(msg, AZCONNECT_A_IFINDEX, ifindex), 0);
	if (!a->nest)
		return msg;
	nest = nla_nest_start(msg, AZCONNECT_A_DEV);
	if (a->ifindex)
		nla_put_u32(msg, AZCONNECT_A_DEV_IFINDEX, ifindex);
	if (a->ifname)
		nla_put_string(msg, AZCONNECT_A_DEV_IFNAME, name);
	if (a->mode_len == 4) {
		nla_put_u32(msg, AZCONNECT_A_DEV_MODE, AZCONNECT_DEV_MODE_RELAY);
	} else if (a->mode_len) {
		static const char junk[8];

		nla_put(msg, AZCONNECT_A_DEV_MODE, a->mode_len, junk);
	}
	nla_put_u32(msg, AZCONNECT_A_DEV_MTU, 1400);
	nla_put_u8(msg, AZCONNECT_A_DEV_CARRIER, 1);
	nla_put_u32(msg, AZCONNECT_A_DEV_LINKS, 3);
	nla_put_u64(msg, AZCONNECT_A_DEV_RX_PACKETS, 10);
	nla_put_u64(msg, AZCONNECT_A_DEV_RX_BYTES, 1ULL << 40);
	nla_put_u64(msg, AZCONNECT_A_DEV_TX_DROPPED, 7);
	nla_nest_end(msg, nest);
	return msg;
}

static void test_parse_full(void **state)
{
	const struct dev_attrs a = { true, true, true, 4 };
	struct nl_msg *msg = build_reply(&a, 42, "azc0");
	struct azc_dev_info d;

	(void)state;
	assert_int_equal(azc_dev_parse(nlmsg_hdr(msg), &d), 0);
	assert_int_equal(d.ifindex, 42);
	assert_string_equal(d.ifname, "azc0");
	assert_int_equal(d.mode, AZCONNECT_DEV_MODE_RELAY);
	assert_int_equal(d.mtu, 1400);
	assert_true(d.carrier);
	assert_int_equal(d.links, 3);
	assert_int_equal(d.rx_packets, 10);
	assert_true(d.rx_bytes == 1ULL << 40);
	assert_int_equal(d.tx_dropped, 7);
	assert_int_equal(d.tx_packets, 0);
	nlmsg_free(msg);
}

static void test_parse_malformed(void **state)
{
	static const struct dev_attrs bad[] = {
		{ true, true, false, 4 },	/* no dev nest */
		{ false, true, true, 4 },	/* no ifindex */
		{ true, false, true, 4 },	/* no ifname */
		{ true, true, true, 2 },	/* mode too short */
	};
	struct azc_dev_info d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nl_msg *msg = build_reply(&bad[i], 5, "azc1");

		assert_int_equal(azc_dev_parse(nlmsg_hdr(msg), &d), -EINVAL);
		nlmsg_free(msg);
	}
}

static void test_parse_long_name_truncated(void **state)
{
	const struct dev_attrs a = { true, true, true, 4 };
	struct nl_msg *msg = build_reply(&a, 1, "abcdefghijklmno");
	struct azc_dev_info d;

	(void)state;
	assert_int_equal(azc_dev_parse(nlmsg_hdr(msg), &d), 0);
	assert_int_equal(strlen(d.ifname), 15);
	nlmsg_free(msg);
}

static void test_list_and_json(void **state)
{
	const struct dev_attrs a = { true, true, true, 4 };
	struct azc_dev_list list = { 0 };
	struct json_object *arr, *o, *v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int i;

	(void)state;
	for (i = 0; i < 20; i++) {
		char name[16];
		struct nl_msg *msg;

		snprintf(name, sizeof(name), "azc\"%d", i);
		msg = build_reply(&a, (uint32_t)i + 1, name);
		assert_int_equal(azc_dev_list_add(nlmsg_hdr(msg), &list), 0);
		nlmsg_free(msg);
	}
	assert_int_equal(list.n, 20);

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(azc_dev_print_json(f, &list), 0);
	fclose(f);

	arr = json_tokener_parse(buf);
	assert_non_null(arr);
	assert_int_equal(json_object_array_length(arr), 20);
	o = json_object_array_get_idx(arr, 19);
	assert_true(json_object_object_get_ex(o, "ifname", &v));
	assert_string_equal(json_object_get_string(v), "azc\"19");
	assert_true(json_object_object_get_ex(o, "mode", &v));
	assert_string_equal(json_object_get_string(v), "relay");
	assert_true(json_object_object_get_ex(o, "rx", &v));
	assert_true(json_object_object_get_ex(v, "bytes", &v));
	assert_true(json_object_get_uint64(v) == 1ULL << 40);
	json_object_put(arr);
	free(buf);
	azc_dev_list_free(&list);
	assert_null(list.devs);
}

static void test_empty_json(void **state)
{
	struct azc_dev_list list = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(azc_dev_print_json(f, &list), 0);
	fclose(f);
	assert_string_equal(buf, "[]\n");
	free(buf);
}

static void test_text(void **state)
{
	const struct dev_attrs a = { true, true, true, 4 };
	struct nl_msg *msg = build_reply(&a, 9, "azc9");
	struct azc_dev_list list = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(azc_dev_list_add(nlmsg_hdr(msg), &list), 0);
	nlmsg_free(msg);
	f = open_memstream(&buf, &len);
	azc_dev_print_text(f, &list);
	fclose(f);
	assert_non_null(strstr(buf, "9: azc9: mode relay mtu 1400 carrier on links 3\n"));
	assert_non_null(strstr(buf, "TX: 0 packets 0 bytes 0 errors 7 dropped"));
	free(buf);
	azc_dev_list_free(&list);
}

static void test_mode_names(void **state)
{
	(void)state;
	assert_int_equal(azc_dev_mode_parse("endpoint"), AZCONNECT_DEV_MODE_ENDPOINT);
	assert_int_equal(azc_dev_mode_parse("relay"), AZCONNECT_DEV_MODE_RELAY);
	assert_int_equal(azc_dev_mode_parse("Relay"), -1);
	assert_int_equal(azc_dev_mode_parse(""), -1);
	assert_string_equal(azc_dev_mode_name(AZCONNECT_DEV_MODE_RELAY), "relay");
	assert_string_equal(azc_dev_mode_name(99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_long_name_truncated),
		cmocka_unit_test(test_list_and_json),
		cmocka_unit_test(test_empty_json),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_mode_names),
	};

	return cmocka_run_group_tests_name("dev", tests, NULL, NULL);
}
