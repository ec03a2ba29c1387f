// SPDX-License-Identifier: GPL-2.0-only
/*
 * "dns status [NAME]": each session's split DNS, as its state file says
 * and as the system has it now (resolv.conf, or systemd-resolved's
 * settings of the device, asked over D-Bus).
 */

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "ctl.h"
#include "resolvconf.h"
#include "resolved.h"

static int dns_usage(FILE *f)
{
	fprintf(f, "Usage: %s dns status [NAME] [--run-dir DIR]\n"
		"\n"
		"Shows the split DNS of each session (or endpoint NAME's): the mode\n"
		"(resolved, resolv.conf or off), the name service, the domains that go\n"
		"to it, the servers every other name goes to, and whether the system\n"
		"has it so now.\n", ctl_prog);
	return f == stdout ? 0 : 2;
}

/* What /etc/resolv.conf says now. */
static void now_resolvconf(const char *name)
{
	static char buf[AZC_RC_MAX + 8192];
	char owner[256];
	size_t len = 0;
	long pid;
	FILE *f = fopen(AZC_RC_PATH, "r");

	if (f) {
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	if (azc_rc_owner(buf, len, &pid, owner, sizeof(owner)) &&
	    !strcmp(owner, name))
		printf("  in force:     yes (%s names the forwarder)\n",
		       AZC_RC_PATH);
	else
		printf("  in force:     NO: %s was changed by something else\n",
		       AZC_RC_PATH);
}

/* What systemd-resolved has for the device now. */
static void now_resolved(const char *dev)
{
	char err[320], dns[256], dom[512];
	struct azc_resolved *r;
	unsigned int ifindex = if_nametoindex(dev);
	bool dr;

	r = azc_resolved_open(err, sizeof(err));
	if (!r || !ifindex ||
	    azc_resolved_link(r, ifindex, dns, sizeof(dns), dom, sizeof(dom),
			      &dr, err, sizeof(err))) {
		printf("  in force:     unknown: %s\n",
		       !ifindex ? "no such device" : err);
	} else {
		printf("  resolved has: %s: DNS %s, domains %s, default route %s\n",
		       dev, dns[0] ? dns : "none", dom[0] ? dom : "none",
		       dr ? "yes" : "no");
	}
	azc_resolved_close(r);
}

static void dns_one(const char *dir, const char *name)
{
	char path[4200], mode[32] = "", v[512], dev[IF_NAMESIZE] = "";
	static const struct {
		const char *key, *label;
	} rows[] = {
		{ "dns_server", "name service" },
		{ "dns_domains", "domains" },
		{ "dns_forwarder", "forwarder" },
		{ "dns_upstream", "other names" },
		{ "dns_state", "state" },
		{ "dns_error", "error" },
	};
	unsigned int i;

	ctl_state_path(dir, name, path, sizeof(path));
	if (!ctl_state_live(dir, name)) {
		printf("endpoint %s: no session\n", name);
		return;
	}
	ctl_state_get(path, "dns_mode", mode, sizeof(mode));
	ctl_state_get(path, "device", dev, sizeof(dev));
	printf("endpoint %s: split DNS %s%s\n", name, mode[0] ? mode : "off",
	       !strcmp(mode, "resolved") ? " (systemd-resolved)" :
	       !strcmp(mode, "resolv.conf") ? " (forwarder in " AZC_RC_PATH ")" :
	       "");
	for (i = 0; i < AZC_ARRAY_SIZE(rows); i++)
		if (!ctl_state_get(path, rows[i].key, v, sizeof(v)))
			printf("  %s:%*s%s\n", rows[i].label,
			       (int)(13 - strlen(rows[i].label)), "",
			       v[0] ? v : "none");
	if (!strcmp(mode, "resolv.conf"))
		now_resolvconf(name);
	else if (!strcmp(mode, "resolved") && dev[0])
		now_resolved(dev);
}

int cmd_dns(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "run-dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = CTL_RUN_DIR, *name = NULL;
	char buf[256];
	struct dirent *de;
	DIR *d;
	int c, n = 0;

	while ((c = getopt_long(argc, argv, "d:h", lo, NULL)) != -1) {
		if (c == 'd')
			dir = optarg;
		else
			return dns_usage(c == 'h' ? stdout : stderr);
	}
	if (optind >= argc || strcmp(argv[optind], "status"))
		return dns_usage(stderr);
	if (optind + 1 < argc)
		name = argv[optind + 1];
	if (optind + 2 < argc)
		return dns_usage(stderr);
	if (name) {
		if (!ctl_name_ok(name)) {
			fprintf(stderr, "%s: dns: invalid endpoint name\n",
				ctl_prog);
			return 2;
		}
		if (!ctl_state_live(dir, name)) {
			fprintf(stderr, "%s: dns: endpoint '%s' has no session\n",
				ctl_prog, name);
			return 1;
		}
		dns_one(dir, name);
		return 0;
	}
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 7 || strcmp(de->d_name + l - 6, ".state"))
			continue;
		snprintf(buf, sizeof(buf), "%.*s", (int)(l - 6), de->d_name);
		if (!ctl_state_live(dir, buf))
			continue;
		if (n++)
			printf("\n");
		dns_one(dir, buf);
	}
	if (d)
		closedir(d);
	if (!n)
		printf("no sessions\n");
	return 0;
}
