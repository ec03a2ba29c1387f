// SPDX-License-Identifier: GPL-2.0-only
/*
 * azconnectctl: control tool for azconnect devices.
 *
 * This is the thin user-space side of azconnect: it talks to azconnect.ko
 * over the "azconnect" generic netlink family.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/msg.h>

#include "uapi/azconnect.h"
#include "dev.h"
#include "nl.h"

static const char *prog = "azconnectctl";
static bool opt_json;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  add DEV [mode MODE]      create a device (MODE: endpoint, the default,\n"
		"                           or relay)\n"
		"  del DEV                  delete a device\n"
		"  show [DEV]               list azconnect devices and their state\n"
		"  set DEV mode MODE        set a device's mode: endpoint or relay\n"
		"                           (only while the device has no links)\n"
		"\n"
		"Options:\n"
		"  -j, --json               machine-readable output (show)\n"
		"  -h, --help               this help\n"
		"  -V, --version            print the version\n"
		"\n"
		"'ip link add DEV type azconnect' also creates a device.\n",
		prog);
}

/* Explain a failed request in terms an administrator can act on. */
static void report(const char *what, int err, const struct azc_nl *nl)
{
	if (err == -EPERM) {
		fprintf(stderr,
			"%s: %s: permission denied: CAP_NET_ADMIN is required (run as root)\n",
			prog, what);
		return;
	}
	if (nl && nl->extack[0])
		fprintf(stderr, "%s: %s: %s: %s\n", prog, what, strerror(-err),
			nl->extack);
	else
		fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(-err));
}

static int open_family(struct azc_nl *nl)
{
	int ret = azc_nl_open(nl);

	if (ret == -ENOENT)
		fprintf(stderr,
			"%s: the azconnect kernel module is not loaded and could not be loaded automatically\n"
			"%s: load it with 'modprobe azconnect' (installed by 'make install' or 'make dkms-install')\n",
			prog, prog);
	else if (ret)
		report("cannot talk to the kernel over generic netlink", ret, NULL);
	return ret;
}

static int put_dev_name(struct nl_msg *msg, int attr, const char *name)
{
	if (!*name || strlen(name) >= IF_NAMESIZE) {
		fprintf(stderr, "%s: invalid device name '%s' (1 to %d characters)\n",
			prog, name, IF_NAMESIZE - 1);
		return -EINVAL;
	}
	return nla_put_string(msg, attr, name) ? -ENOMEM : 0;
}

static int cmd_show(int argc, char **argv)
{
	struct azc_dev_list list = { 0 };
	const char *dev = NULL;
	struct nl_msg *msg;
	struct azc_nl nl;
	int ret, tries;

	if (argc > 1) {
		fprintf(stderr, "%s: show takes at most one device\n", prog);
		return 2;
	}
	if (argc == 1)
		dev = argv[0];

	if (open_family(&nl))
		return 1;

	/* A dump that devices changed under is repeated. */
	for (tries = 0; tries < 5; tries++) {
		azc_dev_list_free(&list);
		msg = azc_nl_msg(&nl, AZCONNECT_CMD_DEV_GET, dev ? 0 : NLM_F_DUMP);
		if (!msg) {
			ret = -ENOMEM;
			goto out;
		}
		if (dev) {
			ret = put_dev_name(msg, AZCONNECT_A_IFNAME, dev);
			if (ret) {
				nlmsg_free(msg);
				goto out;
			}
		}
		ret = azc_nl_request(&nl, msg, azc_dev_list_add, &list);
		if (ret != -EINTR)
			break;
	}
	if (ret) {
		report(dev ? dev : "show", ret, &nl);
		goto out;
	}

	if (opt_json)
		ret = azc_dev_print_json(stdout, &list);
	else
		azc_dev_print_text(stdout, &list);
out:
	azc_dev_list_free(&list);
	azc_nl_close(&nl);
	return ret ? 1 : 0;
}

static int parse_mode(const char *name)
{
	int mode = azc_dev_mode_parse(name);

	if (mode < 0)
		fprintf(stderr, "%s: unknown mode '%s' (endpoint or relay)\n",
			prog, name);
	return mode;
}

/* RTM_NEWLINK for kind azconnect, with IFLA_AZCONNECT_MODE. */
static int cmd_add(int argc, char **argv)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *info, *data;
	struct nl_msg *msg;
	struct azc_nl nl;
	int mode = AZCONNECT_DEV_MODE_ENDPOINT, ret;

	if (argc != 1 && (argc != 3 || strcmp(argv[1], "mode"))) {
		fprintf(stderr, "%s: usage: add DEV [mode endpoint|relay]\n", prog);
		return 2;
	}
	if (argc == 3 && (mode = parse_mode(argv[2])) < 0)
		return 2;

	ret = azc_nl_open_route(&nl);
	if (ret) {
		report("cannot open an rtnetlink socket", ret, NULL);
		return 1;
	}
	msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		ret = -ENOMEM;
		goto err_msg;
	}
	ret = put_dev_name(msg, IFLA_IFNAME, argv[0]);
	if (ret)
		goto err_msg;
	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (!info || nla_put_string(msg, IFLA_INFO_KIND, AZCONNECT_LINK_KIND))
		goto err_nomem;
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	if (!data || nla_put_u32(msg, IFLA_AZCONNECT_MODE, (uint32_t)mode))
		goto err_nomem;
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);

	ret = azc_nl_request(&nl, msg, NULL, NULL);
	if (ret)
		report(argv[0], ret, &nl);
	azc_nl_close(&nl);
	return ret ? 1 : 0;

err_nomem:
	ret = -ENOMEM;
err_msg:
	nlmsg_free(msg);
	if (ret == -ENOMEM)
		report(argv[0], ret, NULL);
	azc_nl_close(&nl);
	return ret == -EINVAL ? 2 : 1;
}

/* RTM_DELLINK, once the kernel confirmed that DEV is an azconnect device. */
static int cmd_del(int argc, char **argv)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg;
	struct azc_nl nl;
	int ret;

	if (argc != 1) {
		fprintf(stderr, "%s: usage: del DEV\n", prog);
		return 2;
	}

	if (open_family(&nl))
		return 1;
	msg = azc_nl_msg(&nl, AZCONNECT_CMD_DEV_GET, 0);
	if (!msg) {
		azc_nl_close(&nl);
		return 1;
	}
	ret = put_dev_name(msg, AZCONNECT_A_IFNAME, argv[0]);
	if (ret) {
		nlmsg_free(msg);
		azc_nl_close(&nl);
		return 2;
	}
	ret = azc_nl_request(&nl, msg, NULL, NULL);
	azc_nl_close(&nl);
	if (ret) {
		report(argv[0], ret, &nl);
		return 1;
	}

	ret = azc_nl_open_route(&nl);
	if (ret) {
		report("cannot open an rtnetlink socket", ret, NULL);
		return 1;
	}
	msg = nlmsg_alloc_simple(RTM_DELLINK, 0);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, argv[0])) {
		nlmsg_free(msg);
		azc_nl_close(&nl);
		report(argv[0], -ENOMEM, NULL);
		return 1;
	}
	ret = azc_nl_request(&nl, msg, NULL, NULL);
	if (ret)
		report(argv[0], ret, &nl);
	azc_nl_close(&nl);
	return ret ? 1 : 0;
}

static int cmd_set(int argc, char **argv)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	struct azc_nl nl;
	int mode, ret;

	if (argc != 3 || strcmp(argv[1], "mode")) {
		fprintf(stderr, "%s: usage: set DEV mode endpoint|relay\n", prog);
		return 2;
	}
	mode = parse_mode(argv[2]);
	if (mode < 0)
		return 2;

	if (open_family(&nl))
		return 1;
	msg = azc_nl_msg(&nl, AZCONNECT_CMD_DEV_SET, 0);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	ret = put_dev_name(msg, AZCONNECT_A_IFNAME, argv[0]);
	nest = nla_nest_start(msg, AZCONNECT_A_DEV);
	if (ret || !nest ||
	    nla_put_u32(msg, AZCONNECT_A_DEV_MODE, (uint32_t)mode)) {
		nlmsg_free(msg);
		ret = ret ?: -ENOMEM;
		goto out;
	}
	nla_nest_end(msg, nest);

	ret = azc_nl_request(&nl, msg, NULL, NULL);
	if (ret)
		report(argv[0], ret, &nl);
out:
	azc_nl_close(&nl);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "jhV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt_json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", prog, AZC_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	if (argc == 0 || !strcmp(argv[0], "show"))
		return cmd_show(argc ? argc - 1 : 0, argv + 1);
	if (!strcmp(argv[0], "set"))
		return cmd_set(argc - 1, argv + 1);
	if (!strcmp(argv[0], "add"))
		return cmd_add(argc - 1, argv + 1);
	if (!strcmp(argv[0], "del"))
		return cmd_del(argc - 1, argv + 1);
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return 0;
	}

	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[0]);
	usage(stderr);
	return 2;
}
