/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Split DNS on the endpoint, for the life of a session: names in the
 * overlay's zones (the zone, azconnect.internal by default, and the
 * reverse zone of the overlay /64) go to the relay's name service over
 * the overlay; every other name keeps going where it went before.
 *
 *   resolved     systemd-resolved runs and glibc asks it (resolv.conf
 *                names 127.0.0.53): the device's link gets the name
 *                service as its DNS server and the zones as routing-only
 *                domains over D-Bus (resolved.c), again whenever resolved
 *                restarts; reverted at the end.
 *   resolv.conf  otherwise: a forwarder on 127.0.0.153 (dnsfwd.c) that
 *                resolv.conf names instead of the servers it named, which
 *                the forwarder uses for every other name; the original is
 *                kept inside and put back at the end (resolvconf.c).
 *   off          neither.
 * "auto" (the default) picks the first that fits. The work runs in a
 * thread of its own, so that DNS keeps being answered while the session
 * is (re)connecting. What is in force is in the state file (dns_* lines)
 * for "azconnectctl dns status".
 */

#ifndef AZC_SPLITDNS_H
#define AZC_SPLITDNS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "base/util.h"
#include "ctl_cfg.h"


struct azc_fwd;
struct azc_resolved;

struct azc_sdns {
	enum azc_dns_mode mode;		/* in force: RESOLVED, RESOLVCONF, OFF */
	char endpoint[256];
	char zone[AZC_DNS_NAME_MAX + 1];
	pthread_t th;
	bool thread;
	int kick;			/* eventfd: the thread has news */
	struct azc_fwd *fwd;		/* the thread's, once it runs */
	struct azc_resolved *rd;	/* likewise */
	char *rc;			/* resolv.conf as read; start to stop */
	pthread_mutex_t mu;
	/* Under mu */
	bool stop, changed, have_ns, applied;
	uint32_t ifindex;
	struct in6_addr ns;
	char rzone[80];			/* the /64's ip6.arpa zone */
	char upstream[192];		/* resolv.conf: the original's servers */
	char msg[320];			/* the last failure, or "" */
};


/*
 * Split DNS as @want says, for endpoint @name's session (this process),
 * in @zone (NULL: the default); @live tells whether another endpoint's
 * session is alive (resolv.conf already taken by it: left alone). A
 * failure is not fatal to the session: d->mode is then OFF and d->msg
 * says why (also printed). Call after any fork().
 */
void azc_sdns_start(struct azc_sdns *d, enum azc_dns_mode want,
		    const char *name, const char *zone,
		    bool (*live)(const char *name, void *ctx), void *ctx);
/* The name service is at @ns on device @ifindex (once the link is up). */
void azc_sdns_set(struct azc_sdns *d, uint32_t ifindex,
		  const struct in6_addr *ns);
/* "dns_*=" lines for the state file. */
void azc_sdns_print(struct azc_sdns *d, FILE *f);
/* Everything put back as it was; idempotent. */
void azc_sdns_stop(struct azc_sdns *d);

/*
 * What a session of @name that died left behind, undone: resolv.conf
 * given back, and resolved's settings of device @dev (NULL: none)
 * reverted. Messages to stderr.
 */
void azc_sdns_undo_stale(const char *name, const char *dev);

/*
 * resolv.conf (AZC_RC_PATH) in @buf, *@len bytes (what was read, also on
 * an error), and whether it is a symbolic link: its target in @link, else
 * "". 0 (also when there is none: *@len 0), -EFBIG when it fills @size,
 * or -errno.
 */
int azc_sdns_rc_read(char *buf, size_t size, size_t *len, char *link,
		     size_t linksize);

#endif /* AZC_SPLITDNS_H */
