// SPDX-License-Identifier: GPL-2.0-only
/*
 * "dns status [NAME]": each session's split DNS, as its state file says
 * and as the system has it now (resolv.conf, or systemd-resolved's
 * settings of the device, asked over D-Bus). "dns key ADDRESS": the
 * public key another endpoint published (peerkey.c), as the handshake
 * looks it up.
 */

#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "base/util.h"
#include "ctl.h"
#include "noise/keyrec.h"
#include "peerkey.h"
#include "resolvconf.h"
#include "resolved.h"
#include "splitdns.h"

static int dns_usage(FILE *f)
{
	fprintf(f, "Usage: %s dns status [NAME] [--run-dir DIR]\n"
		"       %s dns key ADDRESS [--server ADDR] [--timeout MS] [--run-dir DIR]\n"
		"\n"
		"status shows the split DNS of each session (or endpoint NAME's): the\n"
		"mode (resolved, resolv.conf or off), the name service, the domains that\n"
		"go to it, the servers every other name goes to, and whether the system\n"
		"has it so now.\n"
		"\n"
		"key looks up the public key that the endpoint with overlay ADDRESS\n"
		"published in the name service (TXT at its reverse name), as the\n"
		"handshake does: from the name service of a session of this machine\n"
		"(or at --server), over UDP and TCP, in at most --timeout ms (%d).\n",
		ctl_prog, ctl_prog, AZC_PEERKEY_TIMEOUT_MS);
	return f == stdout ? 0 : 2;
}

/* Whether session @name is live and has a name service: in @a. */
static int session_server(const char *dir, const char *name, void *a)
{
	char path[4200], v[INET6_ADDRSTRLEN + 1];

	ctl_state_path(dir, name, path, sizeof(path));
	return ctl_state_live(dir, name) &&
	       !ctl_state_get(path, "name_server", v, sizeof(v)) &&
	       inet_pton(AF_INET6, v, a) == 1;
}

/* The name service of a live session in @dir: 0, or -1. */
static int dns_session_server(const char *dir, struct in6_addr *a)
{
	return ctl_state_each(dir, session_server, a) ? 0 : -1;
}

/* "dns key ADDRESS": the peer key lookup of the handshake, by hand. */
static int dns_key(const char *dir, const char *server, int timeout_ms,
		   const char *addr)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_port = htons(AZC_DNS_PORT) };
	char err[512], b64[AZC_NOISE_KEY_B64LEN], fp[AZC_KEYREC_FP_LEN];
	struct in6_addr peer;
	uint8_t key[32];

	if (inet_pton(AF_INET6, addr, &peer) != 1) {
		fprintf(stderr, "%s: dns key: '%s' is not an IPv6 address\n",
			ctl_prog, addr);
		return 2;
	}
	if (server && inet_pton(AF_INET6, server, &sa.sin6_addr) != 1) {
		fprintf(stderr, "%s: dns key: --server '%s' is not an IPv6 address\n",
			ctl_prog, server);
		return 2;
	}
	if (!server && dns_session_server(dir, &sa.sin6_addr)) {
		fprintf(stderr, "%s: dns key: no session with a name service in %s: give --server\n",
			ctl_prog, dir);
		return 1;
	}
	if (azc_peerkey_lookup(&peer, &sa, timeout_ms, key, err,
			       sizeof(err))) {
		fprintf(stderr, "%s: dns key: %s\n", ctl_prog, err);
		return 1;
	}
	azc_noise_key_to_b64(key, b64);
	azc_keyrec_fingerprint(key, fp);
	printf("public_key=%s\nkey_fingerprint=%s\n", b64, fp);
	return 0;
}

/* What /etc/resolv.conf says now. */
static void now_resolvconf(const char *name)
{
	static char buf[AZC_RC_MAX + 8192];
	char owner[256], link[PATH_MAX];
	size_t len;
	long pid;

	/* One that cannot be read whole is judged by what could be. */
	azc_sdns_rc_read(buf, sizeof(buf), &len, link, sizeof(link));
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

/* "dns status": one live session of the scan, a blank line between two. */
static int dns_each(const char *dir, const char *name, void *ctx)
{
	int *n = ctx;

	if (!ctl_state_live(dir, name))
		return 0;
	if ((*n)++)
		printf("\n");
	dns_one(dir, name);
	return 0;
}

int cmd_dns(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "run-dir", required_argument, NULL, 'd' },
		{ "server", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = CTL_RUN_DIR, *name = NULL, *server = NULL;
	int c, n = 0, timeout_ms = 0;
	char *end;

	while ((c = getopt_long(argc, argv, "d:s:t:h", lo, NULL)) != -1) {
		if (c == 'd') {
			dir = optarg;
		} else if (c == 's') {
			server = optarg;
		} else if (c == 't') {
			timeout_ms = (int)strtol(optarg, &end, 10);
			if (*end || timeout_ms <= 0 || timeout_ms > 60000)
				return dns_usage(stderr);
		} else {
			return dns_usage(c == 'h' ? stdout : stderr);
		}
	}
	if (optind + 2 == argc && !strcmp(argv[optind], "key"))
		return dns_key(dir, server, timeout_ms, argv[optind + 1]);
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
	ctl_state_each(dir, dns_each, &n);
	if (!n)
		printf("no sessions\n");
	return 0;
}
