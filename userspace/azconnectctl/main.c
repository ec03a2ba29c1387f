// SPDX-License-Identifier: GPL-2.0-only
/*
 * azconnectctl: the administrator's tool. This file reads the command
 * line and dispatches: device commands are in cmd_dev.c, "up" in
 * cmd_up.c (with client.c, the connection, and eplink.c, its link in the
 * kernel), "down" and "status" in runstate.c with the run-state files.
 */

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kernel/nl.h"
#include "ctl.h"

const char *ctl_prog = "azconnectctl";
bool ctl_json;

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
		"  up [OPTIONS]             connect to a relay and keep the session\n"
		"                           ('up --help' for its options)\n"
		"  down NAME                end the session of endpoint NAME\n"
		"  status [NAME]            sessions started with 'up'\n"
		"  dns status [NAME]        their split DNS: mode, servers, domains\n"
		"  dns key ADDRESS          the public key the endpoint at overlay\n"
		"                           ADDRESS published in the name service\n"
		"  relay sessions           a relay's sessions, by endpoint name\n"
		"  relay disconnect NAME    end endpoint NAME's session at the relay\n"
		"  relay reset-key NAME     let the relay pin a new public key for NAME\n"
		"  relay status             the relay's name service and its primary\n"
		"\n"
		"Options:\n"
		"  -j, --json               machine-readable output (show)\n"
		"  -h, --help               this help\n"
		"  -V, --version            print the version\n"
		"\n"
		"'ip link add DEV type azconnect' also creates a device.\n",
		ctl_prog);
}

/* Explain a failed request in terms an administrator can act on. */
void ctl_report(const char *what, int err, const struct azc_nl *nl)
{
	if (err == -EPERM) {
		fprintf(stderr,
			"%s: %s: permission denied: CAP_NET_ADMIN is required (run as root)\n",
			ctl_prog, what);
		return;
	}
	if (nl && nl->extack[0])
		fprintf(stderr, "%s: %s: %s: %s\n", ctl_prog, what, strerror(-err),
			nl->extack);
	else
		fprintf(stderr, "%s: %s: %s\n", ctl_prog, what, strerror(-err));
}

int ctl_open_family(struct azc_nl *nl)
{
	int ret = azc_nl_open(nl);

	if (ret == -ENOENT)
		fprintf(stderr,
			"%s: the azconnect kernel module is not loaded and could not be loaded automatically\n"
			"%s: load it with 'modprobe azconnect' (installed by 'make install' or 'make dkms-install')\n",
			ctl_prog, ctl_prog);
	else if (ret)
		ctl_report("cannot talk to the kernel over generic netlink", ret, NULL);
	return ret;
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

	/* The session commands have their own options. */
	if (argc > 1 && !strcmp(argv[1], "up"))
		return cmd_up(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "down"))
		return cmd_down(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "status"))
		return cmd_status(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "dns"))
		return cmd_dns(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "relay"))
		return cmd_relay(argc - 1, argv + 1);

	while ((c = getopt_long(argc, argv, "jhV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctl_json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", ctl_prog, AZC_VERSION);
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

	fprintf(stderr, "%s: unknown command '%s'\n", ctl_prog, argv[0]);
	usage(stderr);
	return 2;
}
