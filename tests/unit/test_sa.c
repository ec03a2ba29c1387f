// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: decoding sa-get replies, sa-expire-ntf and sa-acquire-ntf
 * (messages built with libnl as the kernel sends them), and presenting
 * SAs in "azconnectctl show", text and JSON.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <netlink/genl/genl.h>

#include "uapi/azconnect.h"
#include "kernel/dev.h"
#include "kernel/sa.h"

#define PEER "fd00:a2c::2"
#define KEY_HEX "c0ffee00112233445566778899aabbccddeeff01"

/* What a test message has; the defaults make a good sa-get reply. */
struct sa_msg {
	uint8_t cmd;
	bool no_ifindex, no_nest, no_dir, no_spi;
	int peer_len;		/* 16; 0: none */
	bool counters;		/* age, packets, ... as sa-get sends them */
	int packets_len;	/* 8; another length makes it malformed */
	bool expire, limit;
	bool key;		/* a key attribute the kernel must never send */
	uint32_t dir, spi, cipher;
};

static const struct sa_msg good = {
	.cmd = AZCONNECT_CMD_SA_GET, .peer_len = 16, .counters = true,
	.packets_len = 8, .dir = AZCONNECT_SA_DIR_OUT, .spi = 0x1234abcd,
	.cipher = AZCONNECT_SA_CIPHER_AES_GCM_256,
};

static struct nl_msg *build(const struct sa_msg *m)
{
	struct nl_msg *msg = nlmsg_alloc();
	uint8_t peer[17] = { 0 }, key[20];
	struct nlattr *nest;
	uint64_t packets = 10;
	size_t i;

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 1, 1, 0x20, 0, 0, m->cmd, 1));
	assert_int_equal(inet_pton(AF_INET6, PEER, peer), 1);
	if (!m->no_ifindex)
		assert_int_equal(nla_put_u32(msg, AZCONNECT_A_IFINDEX, 7), 0);
	if (m->no_nest)
		return msg;
	nest = nla_nest_start(msg, AZCONNECT_A_SA);
	assert_non_null(nest);
	if (!m->no_dir)
		assert_int_equal(nla_put_u32(msg, AZCONNECT_A_SA_DIR, m->dir), 0);
	if (!m->no_spi)
		assert_int_equal(nla_put_u32(msg, AZCONNECT_A_SA_SPI, m->spi), 0);
	if (m->peer_len)
		assert_int_equal(nla_put(msg, AZCONNECT_A_SA_PEER, m->peer_len, peer), 0);
	if (m->cmd != AZCONNECT_CMD_SA_ACQUIRE_NTF)
		assert_int_equal(nla_put_u32(msg, AZCONNECT_A_SA_CIPHER, m->cipher), 0);
	if (m->key) {
		for (i = 0; i < sizeof(key); i++)
			assert_int_equal(sscanf(KEY_HEX + 2 * i, "%2hhx", &key[i]), 1);
		assert_int_equal(nla_put(msg, AZCONNECT_A_SA_KEY, sizeof(key), key), 0);
	}
	if (m->counters) {
		assert_int_equal(nla_put_u64(msg, AZCONNECT_A_SA_SOFT_PACKETS, 3), 0);
		assert_int_equal(nla_put_u32(msg, AZCONNECT_A_SA_HARD_SECONDS, 60), 0);
		assert_int_equal(nla_put_u64(msg, AZCONNECT_A_SA_AGE, 12), 0);
		assert_int_equal(nla_put(msg, AZCONNECT_A_SA_PACKETS, m->packets_len,
					 &packets), 0);
		assert_int_equal(nla_put_u64(msg, AZCONNECT_A_SA_BYTES, 1ULL << 40), 0);
		assert_int_equal(nla_put_u64(msg, AZCONNECT_A_SA_REPLAY_DROPS, 4), 0);
		assert_int_equal(nla_put_u64(msg, AZCONNECT_A_SA_BAD_ICV_DROPS, 5), 0);
		assert_int_equal(nla_put_u64(msg, AZCONNECT_A_SA_SEQ, 11), 0);
	}
	if (m->expire)
		assert_int_equal(nla_put_u32(msg, AZCONNECT_A_SA_EXPIRE,
					     AZCONNECT_SA_EXPIRE_HARD), 0);
	if (m->limit)
		assert_int_equal(nla_put_u32(msg, AZCONNECT_A_SA_LIMIT,
					     AZCONNECT_SA_LIMIT_SEQ), 0);
	nla_nest_end(msg, nest);
	return msg;
}

static int parse(const struct sa_msg *m, struct azc_sa_info *s)
{
	struct nl_msg *msg = build(m);
	int ret;

	memset(s, 0xa5, sizeof(*s));
	ret = azc_sa_parse(nlmsg_hdr(msg), s);
	nlmsg_free(msg);
	return ret;
}

static void assert_peer(const struct in6_addr *a)
{
	char p[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(AF_INET6, a, p, sizeof(p)));
	assert_string_equal(p, PEER);
}

static void test_parse_get(void **state)
{
	struct azc_sa_info s;

	(void)state;
	assert_int_equal(parse(&good, &s), 0);
	assert_int_equal(s.ifindex, 7);
	assert_int_equal(s.dir, AZCONNECT_SA_DIR_OUT);
	assert_int_equal(s.spi, 0x1234abcd);
	assert_peer(&s.peer);
	assert_int_equal(s.cipher, AZCONNECT_SA_CIPHER_AES_GCM_256);
	assert_int_equal(s.age, 12);
	assert_int_equal(s.packets, 10);
	assert_true(s.bytes == 1ULL << 40);
	assert_int_equal(s.replay_drops, 4);
	assert_int_equal(s.bad_icv_drops, 5);
	assert_int_equal(s.seq, 11);
	assert_false(s.has_expire);
	assert_int_equal(s.expire, 0);
	assert_int_equal(s.limit, 0);
}

static void test_parse_expire(void **state)
{
	struct sa_msg m = good;
	struct azc_sa_info s;

	(void)state;
	m.cmd = AZCONNECT_CMD_SA_EXPIRE_NTF;
	m.expire = m.limit = true;
	assert_int_equal(parse(&m, &s), 0);
	assert_true(s.has_expire);
	assert_int_equal(s.expire, AZCONNECT_SA_EXPIRE_HARD);
	assert_int_equal(s.limit, AZCONNECT_SA_LIMIT_SEQ);
	assert_int_equal(s.spi, 0x1234abcd);
	assert_int_equal(s.packets, 10);
	/* An expiry without the limit that ran out is malformed. */
	m.limit = false;
	assert_int_equal(parse(&m, &s), -EINVAL);
}

/* sa-acquire-ntf: the device, the direction and the peer, no more. */
static void test_parse_acquire(void **state)
{
	struct sa_msg m = { .cmd = AZCONNECT_CMD_SA_ACQUIRE_NTF, .no_spi = true,
			    .peer_len = 16, .dir = AZCONNECT_SA_DIR_OUT };
	struct azc_sa_info s;

	(void)state;
	assert_int_equal(parse(&m, &s), 0);
	assert_int_equal(s.ifindex, 7);
	assert_int_equal(s.dir, AZCONNECT_SA_DIR_OUT);
	assert_peer(&s.peer);
	assert_int_equal(s.spi, 0);
	assert_int_equal(s.packets, 0);
	assert_false(s.has_expire);
}

static void test_parse_malformed(void **state)
{
	struct sa_msg bad[8];
	struct azc_sa_info s;
	size_t i;

	(void)state;
	for (i = 0; i < 8; i++)
		bad[i] = good;
	bad[0].no_nest = true;
	bad[1].no_ifindex = true;
	bad[2].no_dir = true;
	bad[3].peer_len = 0;
	bad[4].peer_len = 15;
	bad[5].peer_len = 17;
	bad[6].packets_len = 4;		/* a u64 counter in 4 bytes */
	bad[7].limit = true;		/* a limit with no expiry is fine... */
	for (i = 0; i < 7; i++) {
		print_message("case %zu\n", i);
		assert_int_equal(parse(&bad[i], &s), -EINVAL);
	}
	assert_int_equal(parse(&bad[7], &s), 0);
	assert_false(s.has_expire);
}

/* A truncated message: the nest says it is longer than the message. */
static void test_parse_truncated(void **state)
{
	struct nl_msg *msg = build(&good);
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct azc_sa_info s;

	(void)state;
	assert_int_equal(azc_sa_parse(nlh, &s), 0);
	nlh->nlmsg_len -= 12;
	assert_int_equal(azc_sa_parse(nlh, &s), -EINVAL);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;	/* not even a genl header */
	assert_int_equal(azc_sa_parse(nlh, &s), -EINVAL);
	nlmsg_free(msg);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(azc_sa_dir_name(AZCONNECT_SA_DIR_IN), "in");
	assert_string_equal(azc_sa_dir_name(AZCONNECT_SA_DIR_OUT), "out");
	assert_string_equal(azc_sa_dir_name(2), "unknown");
	assert_string_equal(azc_sa_cipher_name(AZCONNECT_SA_CIPHER_AES_GCM_128),
			    "aes-gcm-128");
	assert_string_equal(azc_sa_cipher_name(AZCONNECT_SA_CIPHER_AES_GCM_256),
			    "aes-gcm-256");
	assert_string_equal(azc_sa_cipher_name(0xffffffff), "unknown");
	assert_string_equal(azc_sa_expire_name(AZCONNECT_SA_EXPIRE_SOFT), "soft");
	assert_string_equal(azc_sa_expire_name(AZCONNECT_SA_EXPIRE_HARD), "hard");
	assert_string_equal(azc_sa_expire_name(2), "unknown");
	assert_string_equal(azc_sa_limit_name(AZCONNECT_SA_LIMIT_PACKETS), "packets");
	assert_string_equal(azc_sa_limit_name(AZCONNECT_SA_LIMIT_SEQ), "seq");
	assert_string_equal(azc_sa_limit_name(4), "unknown");
}

/* One endpoint device with the SA of @m (when not NULL). */
static void make_dev(struct azc_dev_list *list, const struct sa_msg *m,
		     bool listed, int err)
{
	struct azc_dev_info *d;
	struct nl_msg *msg;

	list->devs = calloc(1, sizeof(*list->devs));
	assert_non_null(list->devs);
	list->n = list->cap = 1;
	d = &list->devs[0];
	d->ifindex = 7;
	strcpy(d->ifname, "azc0");
	d->mode = AZCONNECT_DEV_MODE_ENDPOINT;
	d->mtu = 1400;
	d->sa_listed = listed;
	d->sa_err = err;
	if (!m)
		return;
	d->sa_list.sas = calloc(2, sizeof(*d->sa_list.sas));
	assert_non_null(d->sa_list.sas);
	d->sa_list.cap = 2;
	msg = build(m);
	assert_int_equal(azc_sa_parse(nlmsg_hdr(msg), &d->sa_list.sas[0]), 0);
	nlmsg_free(msg);
	d->sa_list.n = 1;
}

static char *text_of(const struct azc_dev_list *list)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	azc_dev_print_text(f, list);
	fclose(f);
	return buf;
}

static char *json_of(const struct azc_dev_list *list)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(azc_dev_print_json(f, list), 0);
	fclose(f);
	return buf;
}

static void test_text(void **state)
{
	struct sa_msg m = good;
	struct azc_dev_list list = { 0 };
	char *buf;

	(void)state;
	m.key = true;
	make_dev(&list, &m, true, 0);
	buf = text_of(&list);
	assert_non_null(strstr(buf, "\n    sa out spi 0x1234abcd peer " PEER
			       " aes-gcm-256 age 12s packets 10 bytes 1099511627776 seq 11 replay-drops 4 bad-icv-drops 5\n"));
	assert_null(strstr(buf, "note:"));
	assert_null(strcasestr(buf, KEY_HEX));
	assert_null(strcasestr(buf, "c0ffee"));
	free(buf);
	azc_dev_list_free(&list);

	/* An SA with a small SPI is padded as tcpdump shows it. */
	m = good;
	m.dir = AZCONNECT_SA_DIR_IN;
	m.spi = 4097;
	m.cipher = AZCONNECT_SA_CIPHER_AES_GCM_128;
	make_dev(&list, &m, true, 0);
	buf = text_of(&list);
	assert_non_null(strstr(buf, "    sa in spi 0x00001001 peer " PEER " aes-gcm-128 age 12s"));
	free(buf);
	azc_dev_list_free(&list);
}

static void test_text_eperm(void **state)
{
	struct azc_dev_list list = { 0 };
	char *buf;

	(void)state;
	make_dev(&list, NULL, false, -EPERM);
	buf = text_of(&list);
	assert_non_null(strstr(buf, "7: azc0: mode endpoint"));
	assert_non_null(strstr(buf, "\n    note: SAs not shown, listing them needs CAP_NET_ADMIN\n"));
	assert_null(strstr(buf, " sa "));
	free(buf);
	azc_dev_list_free(&list);

	/* Another failure (the device went away): no SAs and no note. */
	make_dev(&list, NULL, false, -ENODEV);
	buf = text_of(&list);
	assert_null(strstr(buf, "note:"));
	free(buf);
	azc_dev_list_free(&list);
}

static struct json_object *member(struct json_object *o, const char *key,
				  enum json_type type)
{
	struct json_object *v;

	print_message("key %s\n", key);
	assert_true(json_object_object_get_ex(o, key, &v));
	assert_int_equal(json_object_get_type(v), type);
	return v;
}

static void test_json(void **state)
{
	struct azc_dev_list list = { 0 };
	struct json_object *arr, *sas, *o;
	struct sa_msg m = good;
	char *buf;

	(void)state;
	m.key = true;
	make_dev(&list, &m, true, 0);
	buf = json_of(&list);
	assert_null(strcasestr(buf, "c0ffee"));
	arr = json_tokener_parse(buf);
	assert_non_null(arr);
	sas = member(json_object_array_get_idx(arr, 0), "sas", json_type_array);
	assert_int_equal(json_object_array_length(sas), 1);
	o = json_object_array_get_idx(sas, 0);
	assert_string_equal(json_object_get_string(member(o, "dir", json_type_string)), "out");
	assert_int_equal(json_object_get_int64(member(o, "spi", json_type_int)), 0x1234abcd);
	assert_string_equal(json_object_get_string(member(o, "peer", json_type_string)), PEER);
	assert_string_equal(json_object_get_string(member(o, "cipher", json_type_string)),
			    "aes-gcm-256");
	assert_int_equal(json_object_get_uint64(member(o, "age", json_type_int)), 12);
	assert_int_equal(json_object_get_uint64(member(o, "packets", json_type_int)), 10);
	assert_true(json_object_get_uint64(member(o, "bytes", json_type_int)) == 1ULL << 40);
	assert_int_equal(json_object_get_uint64(member(o, "seq", json_type_int)), 11);
	assert_int_equal(json_object_get_uint64(member(o, "replay_drops", json_type_int)), 4);
	assert_int_equal(json_object_get_uint64(member(o, "bad_icv_drops", json_type_int)), 5);
	assert_int_equal(json_object_object_length(o), 10);
	json_object_put(arr);
	free(buf);
	azc_dev_list_free(&list);
}

/* Listed and none: "sas": []; not listed (EPERM, a relay): no key. */
static void test_json_empty_and_absent(void **state)
{
	struct azc_dev_list list = { 0 };
	struct json_object *arr, *v;
	char *buf;

	(void)state;
	make_dev(&list, NULL, true, 0);
	buf = json_of(&list);
	arr = json_tokener_parse(buf);
	v = member(json_object_array_get_idx(arr, 0), "sas", json_type_array);
	assert_int_equal(json_object_array_length(v), 0);
	json_object_put(arr);
	free(buf);
	azc_dev_list_free(&list);

	make_dev(&list, NULL, false, -EPERM);
	buf = json_of(&list);
	arr = json_tokener_parse(buf);
	assert_non_null(arr);
	assert_false(json_object_object_get_ex(json_object_array_get_idx(arr, 0),
					       "sas", &v));
	assert_null(strstr(buf, "note"));
	json_object_put(arr);
	free(buf);
	azc_dev_list_free(&list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_get),
		cmocka_unit_test(test_parse_expire),
		cmocka_unit_test(test_parse_acquire),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_eperm),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_empty_and_absent),
	};

	return cmocka_run_group_tests_name("sa", tests, NULL, NULL);
}
