// SPDX-License-Identifier: GPL-2.0-only
/*
 * azc-sa: ESP security associations of an azconnect endpoint device by
 * hand, for the guest tests (the keying of azconnectctl is not there yet).
 *
 *   azc-sa add DEV in|out SPI PEER 128|256 KEYHEX [LIMIT VALUE]...
 *       LIMIT: soft-packets hard-packets soft-bytes hard-bytes
 *              soft-seconds hard-seconds seq-soft
 *   azc-sa del DEV in|out SPI
 *   azc-sa get DEV in|out SPI [--raw]
 *   azc-sa dump DEV [--raw]
 *   azc-sa esp DEV off|required
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/attr.h>

#include "uapi/azconnect.h"
#include "base/util.h"
#include "kernel/nl.h"

static bool raw;

static const char *const limit_names[] = {
	[AZCONNECT_A_SA_SOFT_PACKETS] = "soft-packets",
	[AZCONNECT_A_SA_HARD_PACKETS] = "hard-packets",
	[AZCONNECT_A_SA_SOFT_BYTES] = "soft-bytes",
	[AZCONNECT_A_SA_HARD_BYTES] = "hard-bytes",
	[AZCONNECT_A_SA_SOFT_SECONDS] = "soft-seconds",
	[AZCONNECT_A_SA_HARD_SECONDS] = "hard-seconds",
	[AZCONNECT_A_SA_SEQ_SOFT] = "seq-soft",
};

static const char *const sa_limit_names[] = {
	[AZCONNECT_SA_LIMIT_PACKETS] = "packets",
	[AZCONNECT_SA_LIMIT_BYTES] = "bytes",
	[AZCONNECT_SA_LIMIT_SECONDS] = "seconds",
	[AZCONNECT_SA_LIMIT_SEQ] = "seq",
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

static int put_hex(struct nl_msg *msg, int id, const char *hex)
{
	uint8_t buf[256];
	size_t n = strlen(hex) / 2, i;
	unsigned int b;

	if (strlen(hex) % 2 || n > sizeof(buf))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -EINVAL;
		buf[i] = (uint8_t)b;
	}
	return nla_put(msg, id, (int)n, buf) ? -EMSGSIZE : 0;
}

static uint64_t u64_or0(struct nlattr **a, int t)
{
	return a[t] ? nla_get_u64(a[t]) : 0;
}

static void print_sa(struct nlmsghdr *nlh, const char *what)
{
	struct nlattr *top[AZCONNECT_A_MAX + 1], *sa[AZCONNECT_A_SA_MAX + 1];
	char addr[INET6_ADDRSTRLEN] = "?";
	size_t i;

	if (genlmsg_parse(nlh, 0, top, AZCONNECT_A_MAX, NULL) < 0 ||
	    !top[AZCONNECT_A_SA] ||
	    nla_parse_nested(sa, AZCONNECT_A_SA_MAX, top[AZCONNECT_A_SA], NULL) < 0) {
		printf("%s unparsable\n", what);
		return;
	}
	if (sa[AZCONNECT_A_SA_PEER] && nla_len(sa[AZCONNECT_A_SA_PEER]) == 16)
		inet_ntop(AF_INET6, nla_data(sa[AZCONNECT_A_SA_PEER]), addr,
			  sizeof(addr));
	printf("%s%sifindex=%u", what, *what ? " " : "",
	       top[AZCONNECT_A_IFINDEX] ? nla_get_u32(top[AZCONNECT_A_IFINDEX]) : 0);
	if (sa[AZCONNECT_A_SA_DIR])
		printf(" dir=%s", nla_get_u32(sa[AZCONNECT_A_SA_DIR]) ==
		       AZCONNECT_SA_DIR_IN ? "in" : "out");
	if (sa[AZCONNECT_A_SA_SPI])
		printf(" spi=%u", nla_get_u32(sa[AZCONNECT_A_SA_SPI]));
	printf(" peer=%s", addr);
	if (sa[AZCONNECT_A_SA_CIPHER])
		printf(" cipher=%s", nla_get_u32(sa[AZCONNECT_A_SA_CIPHER]) ==
		       AZCONNECT_SA_CIPHER_AES_GCM_256 ? "aes-gcm-256" : "aes-gcm-128");
	if (sa[AZCONNECT_A_SA_AGE])
		printf(" age=%llu packets=%llu bytes=%llu seq=%llu replay_drops=%llu bad_icv_drops=%llu",
		       (unsigned long long)u64_or0(sa, AZCONNECT_A_SA_AGE),
		       (unsigned long long)u64_or0(sa, AZCONNECT_A_SA_PACKETS),
		       (unsigned long long)u64_or0(sa, AZCONNECT_A_SA_BYTES),
		       (unsigned long long)u64_or0(sa, AZCONNECT_A_SA_SEQ),
		       (unsigned long long)u64_or0(sa, AZCONNECT_A_SA_REPLAY_DROPS),
		       (unsigned long long)u64_or0(sa, AZCONNECT_A_SA_BAD_ICV_DROPS));
	if (sa[AZCONNECT_A_SA_EXPIRE])
		printf(" expire=%s", nla_get_u32(sa[AZCONNECT_A_SA_EXPIRE]) ==
		       AZCONNECT_SA_EXPIRE_HARD ? "hard" : "soft");
	if (sa[AZCONNECT_A_SA_LIMIT] &&
	    nla_get_u32(sa[AZCONNECT_A_SA_LIMIT]) < AZC_ARRAY_SIZE(sa_limit_names))
		printf(" limit=%s", sa_limit_names[nla_get_u32(sa[AZCONNECT_A_SA_LIMIT])]);
	if (sa[AZCONNECT_A_SA_KEY])
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
	struct in6_addr peer;
	struct nlattr *nest;
	struct nl_msg *msg;
	int dir, i, t, ret;

	if (argc < 8 || (dir = parse_dir(argv[3])) < 0 ||
	    inet_pton(AF_INET6, argv[5], &peer) != 1 ||
	    (strcmp(argv[6], "128") && strcmp(argv[6], "256")))
		return 2;
	msg = azc_nl_msg(nl, AZCONNECT_CMD_SA_NEW, 0);
	if (!msg)
		return 2;
	nla_put_u32(msg, AZCONNECT_A_IFINDEX, (uint32_t)ifindex_of(argv[2]));
	nest = nla_nest_start(msg, AZCONNECT_A_SA);
	nla_put_u32(msg, AZCONNECT_A_SA_DIR, (uint32_t)dir);
	nla_put_u32(msg, AZCONNECT_A_SA_SPI, (uint32_t)strtoul(argv[4], NULL, 0));
	nla_put(msg, AZCONNECT_A_SA_PEER, 16, &peer);
	nla_put_u32(msg, AZCONNECT_A_SA_CIPHER, strcmp(argv[6], "256") ?
		    AZCONNECT_SA_CIPHER_AES_GCM_128 : AZCONNECT_SA_CIPHER_AES_GCM_256);
	if (put_hex(msg, AZCONNECT_A_SA_KEY, argv[7])) {
		nlmsg_free(msg);
		return 2;
	}
	for (i = 8; i + 1 < argc; i += 2) {
		for (t = 0; t < (int)AZC_ARRAY_SIZE(limit_names); t++)
			if (limit_names[t] && !strcmp(argv[i], limit_names[t]))
				break;
		if (t == (int)AZC_ARRAY_SIZE(limit_names)) {
			nlmsg_free(msg);
			return 2;
		}
		if (t == AZCONNECT_A_SA_SOFT_SECONDS || t == AZCONNECT_A_SA_HARD_SECONDS)
			nla_put_u32(msg, t, (uint32_t)strtoul(argv[i + 1], NULL, 0));
		else
			nla_put_u64(msg, t, strtoull(argv[i + 1], NULL, 0));
	}
	if (i != argc) {
		nlmsg_free(msg);
		return 2;
	}
	nla_nest_end(msg, nest);
	ret = azc_nl_request(nl, msg, NULL, NULL);
	if (ret)
		return fail(nl, ret);
	printf("ok\n");
	return 0;
}

static int do_id(struct azc_nl *nl, int cmd, int argc, char **argv)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int dir, ret;

	if (argc < 5 || (dir = parse_dir(argv[3])) < 0)
		return 2;
	raw = argc > 5 && !strcmp(argv[5], "--raw");
	msg = azc_nl_msg(nl, cmd, 0);
	if (!msg)
		return 2;
	nla_put_u32(msg, AZCONNECT_A_IFINDEX, (uint32_t)ifindex_of(argv[2]));
	nest = nla_nest_start(msg, AZCONNECT_A_SA);
	nla_put_u32(msg, AZCONNECT_A_SA_DIR, (uint32_t)dir);
	nla_put_u32(msg, AZCONNECT_A_SA_SPI, (uint32_t)strtoul(argv[4], NULL, 0));
	nla_nest_end(msg, nest);
	ret = azc_nl_request(nl, msg, print_reply, NULL);
	if (ret)
		return fail(nl, ret);
	if (cmd == AZCONNECT_CMD_SA_DEL)
		printf("ok\n");
	return 0;
}

static int do_dump(struct azc_nl *nl, int argc, char **argv)
{
	struct nl_msg *msg;
	int ret;

	if (argc < 3)
		return 2;
	raw = argc > 3 && !strcmp(argv[3], "--raw");
	msg = azc_nl_msg(nl, AZCONNECT_CMD_SA_GET, NLM_F_DUMP);
	if (!msg)
		return 2;
	nla_put_u32(msg, AZCONNECT_A_IFINDEX, (uint32_t)ifindex_of(argv[2]));
	ret = azc_nl_request(nl, msg, print_reply, NULL);
	return ret ? fail(nl, ret) : 0;
}

static int do_esp(struct azc_nl *nl, int argc, char **argv)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int ret;

	if (argc < 4 || (strcmp(argv[3], "off") && strcmp(argv[3], "required")))
		return 2;
	msg = azc_nl_msg(nl, AZCONNECT_CMD_DEV_SET, 0);
	if (!msg)
		return 2;
	nla_put_u32(msg, AZCONNECT_A_IFINDEX, (uint32_t)ifindex_of(argv[2]));
	nest = nla_nest_start(msg, AZCONNECT_A_DEV);
	nla_put_u32(msg, AZCONNECT_A_DEV_ESP, strcmp(argv[3], "off") ?
		    AZCONNECT_ESP_MODE_REQUIRED : AZCONNECT_ESP_MODE_OFF);
	nla_nest_end(msg, nest);
	ret = azc_nl_request(nl, msg, NULL, NULL);
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
		"       del|get DEV in|out SPI | dump DEV [--raw] | esp DEV off|required |\n"
		"       listen [SECONDS [COUNT]]\n");
	return 2;
}
