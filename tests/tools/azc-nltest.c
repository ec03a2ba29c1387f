// SPDX-License-Identifier: GPL-2.0-only
/*
 * azc-nltest: send hand-built, possibly malformed, requests to the azconnect
 * generic netlink family and print how the kernel answered. Used by the
 * guest tests to check policy validation and extack messages.
 *
 *   azc-nltest [--dump] CMD [ATTR ...]
 *
 * CMD is a command number or one of dev-get, dev-set, link-new, ...
 * ATTR is TYPE:ID=VALUE with TYPE one of u8, u16, u32, u64, str (with NUL),
 * raw (string without NUL), hex (binary), empty (a nest with no content,
 * which libnl would otherwise trim), or "nest:ID" opening a nest that a
 * lone "end" closes.
 *
 * Prints "ok N" (N replies) or "error ERRNO-NAME: EXTACK-MESSAGE" plus the
 * offending offset or missing attribute when reported. Exits 0 on success,
 * 1 when the kernel refused the request, 2 on a usage or local error.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/azconnect.h"
#include "base/util.h"
#include "kernel/nl.h"

static const char *const cmd_names[] = {
	[AZCONNECT_CMD_DEV_GET] = "dev-get",
	[AZCONNECT_CMD_DEV_SET] = "dev-set",
	[AZCONNECT_CMD_LINK_NEW] = "link-new",
	[AZCONNECT_CMD_LINK_DEL] = "link-del",
	[AZCONNECT_CMD_LINK_GET] = "link-get",
	[AZCONNECT_CMD_CTRL_SEND] = "ctrl-send",
	[AZCONNECT_CMD_SA_NEW] = "sa-new",
	[AZCONNECT_CMD_SA_DEL] = "sa-del",
	[AZCONNECT_CMD_SA_GET] = "sa-get",
};

static int parse_cmd(const char *s)
{
	unsigned int i;
	char *end;
	long v;

	for (i = 0; i < AZC_ARRAY_SIZE(cmd_names); i++)
		if (cmd_names[i] && !strcmp(s, cmd_names[i]))
			return (int)i;
	v = strtol(s, &end, 0);
	if (*s && !*end && v >= 0 && v < 256)
		return (int)v;
	return -1;
}

static int put_hex(struct nl_msg *msg, int id, const char *hex)
{
	size_t n = strlen(hex) / 2, i;
	unsigned char *buf;
	int ret;

	if (strlen(hex) % 2)
		return -EINVAL;
	buf = malloc(n ? n : 1);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1) {
			free(buf);
			return -EINVAL;
		}
		buf[i] = (unsigned char)b;
	}
	ret = nla_put(msg, id, (int)n, buf);
	free(buf);
	return ret ? -EMSGSIZE : 0;
}

static int put_attr(struct nl_msg *msg, const char *spec)
{
	char type[8];
	int id, n = 0;
	const char *val;
	unsigned long long v;

	if (sscanf(spec, "%7[a-z0-9]:%d%n", type, &id, &n) != 2)
		return -EINVAL;
	if (spec[n] != '=')
		return -EINVAL;
	val = spec + n + 1;

	if (!strcmp(type, "str"))
		return nla_put_string(msg, id, val) ? -EMSGSIZE : 0;
	if (!strcmp(type, "raw"))
		return nla_put(msg, id, (int)strlen(val), val) ? -EMSGSIZE : 0;
	if (!strcmp(type, "hex"))
		return put_hex(msg, id, val);
	if (!strcmp(type, "empty"))
		return nla_put(msg, id | NLA_F_NESTED, 0, NULL) ? -EMSGSIZE : 0;

	v = strtoull(val, NULL, 0);
	if (!strcmp(type, "u8"))
		return nla_put_u8(msg, id, (uint8_t)v) ? -EMSGSIZE : 0;
	if (!strcmp(type, "u16"))
		return nla_put_u16(msg, id, (uint16_t)v) ? -EMSGSIZE : 0;
	if (!strcmp(type, "u32"))
		return nla_put_u32(msg, id, (uint32_t)v) ? -EMSGSIZE : 0;
	if (!strcmp(type, "u64"))
		return nla_put_u64(msg, id, (uint64_t)v) ? -EMSGSIZE : 0;
	return -EINVAL;
}

static int count_reply(struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(int *)arg)++;
	return 0;
}

int main(int argc, char **argv)
{
	struct nlattr *nests[8];
	int depth = 0, flags = 0, cmd, i, ret, replies = 0;
	struct nl_msg *msg;
	struct azc_nl nl;

	i = 1;
	if (i < argc && !strcmp(argv[i], "--dump")) {
		flags = NLM_F_DUMP;
		i++;
	}
	if (i >= argc || (cmd = parse_cmd(argv[i])) < 0) {
		fprintf(stderr, "usage: azc-nltest [--dump] CMD [TYPE:ID=VALUE | nest:ID | end]...\n");
		return 2;
	}
	i++;

	ret = azc_nl_open(&nl);
	if (ret) {
		fprintf(stderr, "azc-nltest: cannot open the azconnect family: %s\n",
			strerror(-ret));
		return 2;
	}
	msg = azc_nl_msg(&nl, cmd, flags);
	if (!msg)
		goto local_err;

	for (; i < argc; i++) {
		int id;

		if (!strcmp(argv[i], "end")) {
			if (!depth)
				goto usage_err;
			nla_nest_end(msg, nests[--depth]);
			continue;
		}
		if (sscanf(argv[i], "nest:%d", &id) == 1) {
			if (depth == (int)(AZC_ARRAY_SIZE(nests)))
				goto usage_err;
			nests[depth] = nla_nest_start(msg, id);
			if (!nests[depth++])
				goto usage_err;
			continue;
		}
		if (put_attr(msg, argv[i])) {
			fprintf(stderr, "azc-nltest: bad attribute '%s'\n", argv[i]);
			goto usage_err;
		}
	}
	while (depth)
		nla_nest_end(msg, nests[--depth]);

	ret = azc_nl_request(&nl, msg, count_reply, &replies);
	if (!ret) {
		printf("ok %d\n", replies);
		azc_nl_close(&nl);
		return 0;
	}
	printf("error %s: %s", strerrorname_np(-ret) ?: "?",
	       nl.extack[0] ? nl.extack : "(no extack message)");
	if (nl.extack_offset >= 0)
		printf(" [offset %d]", nl.extack_offset);
	if (nl.extack_miss >= 0)
		printf(" [missing %d]", nl.extack_miss);
	printf("\n");
	azc_nl_close(&nl);
	return 1;

usage_err:
	nlmsg_free(msg);
	azc_nl_close(&nl);
	return 2;
local_err:
	azc_nl_close(&nl);
	return 2;
}
