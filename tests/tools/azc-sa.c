// SPDX-License-Identifier: GPL-2.0-only
/*
 * azc-sa: ESP security associations of an azconnect endpoint device by
 * hand, for the guest tests (the keying of azconnectctl is not there yet),
 * through lib/kernel/sa.c as azconnectctl uses it.
 *
 *   azc-sa add DEV in|out SPI PEER 128|256 KEYHEX [LIMIT VALUE]...
 *       LIMIT: soft-packets hard-packets soft-bytes hard-bytes
 *              soft-seconds hard-seconds seq-soft
 *   azc-sa del DEV in|out SPI
 *   azc-sa get DEV in|out SPI [--raw]
 *   azc-sa dump DEV [--raw]
 *   azc-sa esp DEV off|required|xfrm
 *   azc-sa listen [SECONDS [COUNT]]
 *
 * get and dump print one line per SA, "dir=out spi=4096 peer=fd.. ...";
 * --raw adds the whole message in hex (raw=...), for a test to look for
 * key bytes that must not be there. listen joins the events group and
 * prints "acquire ifindex=N peer=ADDR" and "expire ifindex=N dir=D spi=S
 * expire=soft|hard limit=L" lines until SECONDS (default 10) pass or
 * COUNT events came; it prints "listening" first. Errors: "error
 * ERRNO-NAME: EXTACK" and exit status 1.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/attr.h>
#include <openssl/crypto.h>

#include "uapi/azconnect.h"
#include "base/util.h"
#include "kernel/dev.h"
#include "kernel/nl.h"
#include "kernel/sa.h"

static bool raw;

/* The limits of add, and where each goes in struct azc_sa_params. */
static const struct {
	const char *name;
	size_t off;
	bool u32;
} limits[] = {
	{ "soft-packets", offsetof(struct azc_sa_params, soft_packets), false },
	{ "hard-packets", offsetof(struct azc_sa_params, hard_packets), false },
	{ "soft-bytes", offsetof(struct azc_sa_params, soft_bytes), false },
	{ "hard-bytes", offsetof(struct azc_sa_params, hard_bytes), false },
	{ "soft-seconds", offsetof(struct azc_sa_params, soft_seconds), true },
	{ "hard-seconds", offsetof(struct azc_sa_params, hard_seconds), true },
	{ "seq-soft", offsetof(struct azc_sa_params, seq_soft), false },
};

static int fail(struct azc_nl *nl, int ret)
{
	printf("error %s: %s\n", strerrorname_np(-ret) ?: "?",
	       nl->extack[0] ? nl->extack : "(no extack message)");
	return 1;
}

static int parse_dir(const char *s)
{
	if (!strcmp(s, "in"))
		return AZCONNECT_SA_DIR_IN;
	if (!strcmp(s, "out"))
		return AZCONNECT_SA_DIR_OUT;
	return -1;
}

static int ifindex_of(const char *dev)
{
	unsigned int i = if_nametoindex(dev);

	if (!i) {
		fprintf(stderr, "azc-sa: no device %s\n", dev);
		exit(2);
	}
	return (int)i;
}

/* @hex into @buf; the byte count, or -1. */
static int unhex(const char *hex, uint8_t *buf, size_t size)
{
	size_t n = strlen(hex) / 2, i;
	unsigned int b;

	if (strlen(hex) % 2 || n > size)
		return -1;
	for (i = 0; i < n; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		buf[i] = (uint8_t)b;
	}
	return (int)n;
}

/*
 * Whether the reply carries a key attribute, which azc_sa_parse() has no
 * room for: the kernel must never send one back.
 */
static bool has_key(struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = genlmsg_hdr(nlh);
	struct nlattr *sa = nla_find(genlmsg_attrdata(g, 0),
				     genlmsg_attrlen(g, 0), AZCONNECT_A_SA);

	return sa && nla_find(nla_data(sa), nla_len(sa), AZCONNECT_A_SA_KEY);
}

static void print_sa(struct nlmsghdr *nlh, const char *what)
{
	const struct genlmsghdr *g = genlmsg_hdr(nlh);
	char addr[INET6_ADDRSTRLEN] = "?";
	struct azc_sa_info s;
	size_t i;

	if (azc_sa_parse(nlh, &s)) {
		printf("%s unparsable\n", what);
		return;
	}
	inet_ntop(AF_INET6, &s.peer, addr, sizeof(addr));
	printf("%s%sifindex=%u dir=%s", what, *what ? " " : "", s.ifindex,
	       azc_sa_dir_name(s.dir));
	/* sa-acquire-ntf names the direction and the peer alone. */
	if (g->cmd != AZCONNECT_CMD_SA_ACQUIRE_NTF)
		printf(" spi=%u", s.spi);
	printf(" peer=%s", addr);
	if (g->cmd != AZCONNECT_CMD_SA_ACQUIRE_NTF)
		printf(" cipher=%s age=%llu packets=%llu bytes=%llu seq=%llu replay_drops=%llu bad_icv_drops=%llu",
		       azc_sa_cipher_name(s.cipher), (unsigned long long)s.age,
		       (unsigned long long)s.packets, (unsigned long long)s.bytes,
		       (unsigned long long)s.seq,
		       (unsigned long long)s.replay_drops,
		       (unsigned long long)s.bad_icv_drops);
	if (s.has_expire)
		printf(" expire=%s limit=%s", azc_sa_expire_name(s.expire),
		       azc_sa_limit_name(s.limit));
	if (has_key(nlh))
		printf(" KEY-PRESENT");
	if (raw) {
		printf(" raw=");
		for (i = 0; i < nlh->nlmsg_len; i++)
			printf("%02x", ((const uint8_t *)nlh)[i]);
	}
	printf("\n");
}

static int print_reply(struct nlmsghdr *nlh, void *arg)
{
	(void)arg;
	print_sa(nlh, "");
	return 0;
}

static int do_add(struct azc_nl *nl, int argc, char **argv)
{
	struct azc_sa_params p = { 0 };
	uint8_t key[AZCONNECT_SA_KEY_MAX_LEN];
	int dir, i, n, ret;
	size_t t;

	if (argc < 8 || (dir = parse_dir(argv[3])) < 0 ||
	    inet_pton(AF_INET6, argv[5], &p.peer) != 1 ||
	    (strcmp(argv[6], "128") && strcmp(argv[6], "256")))
		return 2;
	p.ifindex = (uint32_t)ifindex_of(argv[2]);
	p.dir = (uint32_t)dir;
	p.spi = (uint32_t)strtoul(argv[4], NULL, 0);
	p.cipher = strcmp(argv[6], "256") ? AZCONNECT_SA_CIPHER_AES_GCM_128 :
		   AZCONNECT_SA_CIPHER_AES_GCM_256;
	for (i = 8; i + 1 < argc; i += 2) {
		for (t = 0; t < AZC_ARRAY_SIZE(limits); t++)
			if (!strcmp(argv[i], limits[t].name))
				break;
		if (t == AZC_ARRAY_SIZE(limits))
			return 2;
		if (limits[t].u32)
			*(uint32_t *)((char *)&p + limits[t].off) =
				(uint32_t)strtoul(argv[i + 1], NULL, 0);
		else
			*(uint64_t *)((char *)&p + limits[t].off) =
				strtoull(argv[i + 1], NULL, 0);
	}
	if (i != argc)
		return 2;
	n = unhex(argv[7], key, sizeof(key));
	if (n <= 0) {
		OPENSSL_cleanse(key, sizeof(key));
		return 2;
	}
	p.key = key;
	p.key_len = (size_t)n;
	ret = azc_sa_add(nl, &p);
	OPENSSL_cleanse(key, sizeof(key));
	if (ret)
		return fail(nl, ret);
	printf("ok\n");
	return 0;
}

static int do_id(struct azc_nl *nl, int cmd, int argc, char **argv)
{
	uint32_t ifindex, spi;
	int dir, ret;

	if (argc < 5 || (dir = parse_dir(argv[3])) < 0)
		return 2;
	raw = argc > 5 && !strcmp(argv[5], "--raw");
	ifindex = (uint32_t)ifindex_of(argv[2]);
	spi = (uint32_t)strtoul(argv[4], NULL, 0);
	if (cmd == AZCONNECT_CMD_SA_DEL)
		ret = azc_sa_del(nl, ifindex, (uint32_t)dir, spi);
	else
		ret = azc_sa_get(nl, ifindex, (uint32_t)dir, spi, print_reply,
				 NULL);
	if (ret)
		return fail(nl, ret);
	if (cmd == AZCONNECT_CMD_SA_DEL)
		printf("ok\n");
	return 0;
}

static int do_dump(struct azc_nl *nl, int argc, char **argv)
{
	int ret;

	if (argc < 3)
		return 2;
	raw = argc > 3 && !strcmp(argv[3], "--raw");
	ret = azc_sa_dump_cb(nl, (uint32_t)ifindex_of(argv[2]), print_reply,
			     NULL);
	return ret ? fail(nl, ret) : 0;
}

static int do_esp(struct azc_nl *nl, int argc, char **argv)
{
	uint32_t mode;
	int ret;

	if (argc < 4)
		return 2;
	if (!strcmp(argv[3], "off"))
		mode = AZCONNECT_ESP_MODE_OFF;
	else if (!strcmp(argv[3], "required"))
		mode = AZCONNECT_ESP_MODE_REQUIRED;
	else if (!strcmp(argv[3], "xfrm"))
		mode = AZCONNECT_ESP_MODE_XFRM;
	else
		return 2;
	ret = azc_dev_set_u32(nl, (uint32_t)ifindex_of(argv[2]), NULL,
			      AZCONNECT_A_DEV_ESP, mode);
	if (ret)
		return fail(nl, ret);
	printf("ok\n");
	return 0;
}

struct listen_ctx {
	int family;
	long seen;
};

static void on_event(struct nlmsghdr *nlh, void *arg)
{
	struct listen_ctx *c = arg;
	struct genlmsghdr *g = nlmsg_data(nlh);

	if (nlh->nlmsg_type != c->family)
		return;
	if (g->cmd == AZCONNECT_CMD_SA_ACQUIRE_NTF) {
		print_sa(nlh, "acquire");
		c->seen++;
	} else if (g->cmd == AZCONNECT_CMD_SA_EXPIRE_NTF) {
		print_sa(nlh, "expire");
		c->seen++;
	}
	fflush(stdout);
}

static int do_listen(struct azc_nl *nl, int argc, char **argv)
{
	long secs = argc > 2 ? strtol(argv[2], NULL, 0) : 10;
	long count = argc > 3 ? strtol(argv[3], NULL, 0) : 0;
	struct listen_ctx c = { .family = nl->family };
	struct pollfd p;
	time_t end = time(NULL) + secs;
	int ret;

	ret = azc_nl_enable_events(nl);
	if (!ret)
		ret = azc_nl_subscribe(nl, "events");
	if (ret)
		return fail(nl, ret);
	printf("listening\n");
	fflush(stdout);
	p.fd = nl_socket_get_fd(nl->sk);
	p.events = POLLIN;
	while (time(NULL) < end && (!count || c.seen < count)) {
		if (poll(&p, 1, 200) > 0)
			azc_nl_read_events(nl, on_event, &c);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct azc_nl nl;
	int ret = 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		goto usage;
	ret = azc_nl_open(&nl);
	if (ret) {
		fprintf(stderr, "azc-sa: cannot open the azconnect family: %s\n",
			strerror(-ret));
		return 2;
	}
	if (!strcmp(argv[1], "add"))
		ret = do_add(&nl, argc, argv);
	else if (!strcmp(argv[1], "del"))
		ret = do_id(&nl, AZCONNECT_CMD_SA_DEL, argc, argv);
	else if (!strcmp(argv[1], "get"))
		ret = do_id(&nl, AZCONNECT_CMD_SA_GET, argc, argv);
	else if (!strcmp(argv[1], "dump"))
		ret = do_dump(&nl, argc, argv);
	else if (!strcmp(argv[1], "esp"))
		ret = do_esp(&nl, argc, argv);
	else if (!strcmp(argv[1], "listen"))
		ret = do_listen(&nl, argc, argv);
	else
		ret = 2;
	azc_nl_close(&nl);
	if (ret != 2)
		return ret;
usage:
	fprintf(stderr, "usage: azc-sa add DEV in|out SPI PEER 128|256 KEYHEX [LIMIT N]... |\n"
		"       del|get DEV in|out SPI | dump DEV [--raw] | esp DEV off|required|xfrm |\n"
		"       listen [SECONDS [COUNT]]\n");
	return 2;
}
