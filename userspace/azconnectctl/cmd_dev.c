// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device commands: show (devices, their links and SAs), add, del, set, over
 * generic netlink and rtnetlink.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/msg.h>

#include "uapi/azconnect.h"
#include "base/util.h"
#include "kernel/dev.h"
#include "kernel/nl.h"
#include "kernel/rtdev.h"
#include "kernel/sa.h"
#include "ctl.h"

static bool dev_name_ok(const char *name)
{
	if (*name && strlen(name) < IF_NAMESIZE)
		return true;
	fprintf(stderr, "%s: invalid device name '%s' (1 to %d characters)\n",
		ctl_prog, name, IF_NAMESIZE - 1);
	return false;
}

static int put_dev_name(struct nl_msg *msg, int attr, const char *name)
{
	if (!dev_name_ok(name))
		return -EINVAL;
	return nla_put_string(msg, attr, name) ? -ENOMEM : 0;
}

/* Each device's links, where this user may see them (CAP_NET_ADMIN). */
static void show_links(struct azc_nl *nl, struct azc_dev_list *list)
{
	struct azc_dev_info *d;
	size_t i;

	for (i = 0; i < list->n; i++) {
		d = &list->devs[i];
		if (d->links &&
		    azc_link_dump(nl, d->ifindex, &d->link_list) == -EPERM)
			return;
	}
}

/*
 * The ESP SAs of each endpoint device, where this user may see them
 * (sa-get needs CAP_NET_ADMIN): without it every endpoint device is marked
 * -EPERM, for a note. A device gone meanwhile shows none.
 */
static void show_sas(struct azc_nl *nl, struct azc_dev_list *list)
{
	struct azc_dev_info *d;
	int err = 0;
	size_t i;

	for (i = 0; i < list->n; i++) {
		d = &list->devs[i];
		if (d->mode != AZCONNECT_DEV_MODE_ENDPOINT)
			continue;
		if (err != -EPERM)
			err = azc_sa_dump(nl, d->ifindex, &d->sa_list);
		d->sa_listed = !err;
		d->sa_err = err;
	}
}

int cmd_show(int argc, char **argv)
{
	struct azc_dev_list list = { 0 };
	const char *dev = NULL;
	struct nl_msg *msg;
	struct azc_nl nl;
	int ret, tries;

	if (argc > 1) {
		fprintf(stderr, "%s: show takes at most one device\n", ctl_prog);
		return 2;
	}
	if (argc == 1)
		dev = argv[0];

	if (ctl_open_family(&nl))
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
		ctl_report(dev ? dev : "show", ret, &nl);
		goto out;
	}
	show_links(&nl, &list);
	show_sas(&nl, &list);

	if (ctl_json)
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
			ctl_prog, name);
	return mode;
}

/* RTM_NEWLINK for kind azconnect, with IFLA_AZCONNECT_MODE. */
int cmd_add(int argc, char **argv)
{
	struct azc_nl nl;
	int mode = AZCONNECT_DEV_MODE_ENDPOINT, ret;

	if (argc != 1 && (argc != 3 || strcmp(argv[1], "mode"))) {
		fprintf(stderr, "%s: usage: add DEV [mode endpoint|relay]\n", ctl_prog);
		return 2;
	}
	if (argc == 3 && (mode = parse_mode(argv[2])) < 0)
		return 2;
	if (!*argv[0] || strlen(argv[0]) >= IF_NAMESIZE) {
		fprintf(stderr, "%s: invalid device name '%s' (1 to %d characters)\n",
			ctl_prog, argv[0], IF_NAMESIZE - 1);
		return 2;
	}

	ret = azc_nl_open_route(&nl);
	if (ret) {
		ctl_report("cannot open an rtnetlink socket", ret, NULL);
		return 1;
	}
	ret = azc_rtdev_add(&nl, argv[0], (uint32_t)mode);
	if (ret)
		ctl_report(argv[0], ret, &nl);
	azc_nl_close(&nl);
	return ret ? 1 : 0;
}

/* RTM_DELLINK, once the kernel confirmed that DEV is an azconnect device. */
int cmd_del(int argc, char **argv)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg;
	struct azc_nl nl;
	int ret;

	if (argc != 1) {
		fprintf(stderr, "%s: usage: del DEV\n", ctl_prog);
		return 2;
	}

	if (ctl_open_family(&nl))
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
		ctl_report(argv[0], ret, &nl);
		return 1;
	}

	ret = azc_nl_open_route(&nl);
	if (ret) {
		ctl_report("cannot open an rtnetlink socket", ret, NULL);
		return 1;
	}
	msg = nlmsg_alloc_simple(RTM_DELLINK, 0);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, argv[0])) {
		nlmsg_free(msg);
		azc_nl_close(&nl);
		ctl_report(argv[0], -ENOMEM, NULL);
		return 1;
	}
	ret = azc_nl_request(&nl, msg, NULL, NULL);
	if (ret)
		ctl_report(argv[0], ret, &nl);
	azc_nl_close(&nl);
	return ret ? 1 : 0;
}

int cmd_set(int argc, char **argv)
{
	struct azc_nl nl;
	int mode, ret;

	if (argc != 3 || strcmp(argv[1], "mode")) {
		fprintf(stderr, "%s: usage: set DEV mode endpoint|relay\n", ctl_prog);
		return 2;
	}
	mode = parse_mode(argv[2]);
	if (mode < 0)
		return 2;
	if (!dev_name_ok(argv[0]))
		return 1;

	if (ctl_open_family(&nl))
		return 1;
	ret = azc_dev_set_u32(&nl, 0, argv[0], AZCONNECT_A_DEV_MODE,
			      (uint32_t)mode);
	if (ret)
		ctl_report(argv[0], ret, &nl);
	azc_nl_close(&nl);
	return ret ? 1 : 0;
}
