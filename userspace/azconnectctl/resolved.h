/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * systemd-resolved over D-Bus (sd-bus from libsystemd), for split DNS:
 * the endpoint device's DNS server is the relay's name service, its
 * domains the overlay's zones as routing-only domains (~zone), and it is
 * never the default route, so only those names go there and the rest of
 * the machine's DNS is untouched. LLMNR and mDNS are off on it.
 * resolved's own policy says who may do this: root, or CAP_NET_ADMIN, or
 * what polkit allows.
 */

#ifndef AZC_RESOLVED_H
#define AZC_RESOLVED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define AZC_RESOLVED_STUB	"127.0.0.53"
#define AZC_RESOLVED_MAX_DOMAINS 4

struct azc_resolved;

/*
 * The system bus, watching for resolved to (re)appear. NULL with why in
 * @err (no bus).
 */
struct azc_resolved *azc_resolved_open(char *err, size_t errlen);
void azc_resolved_close(struct azc_resolved *r);

/* Whether resolved is on the bus now. */
bool azc_resolved_running(struct azc_resolved *r);

int azc_resolved_apply(struct azc_resolved *r, uint32_t ifindex,
		       const struct in6_addr *ns, const char *const *domains,
		       int n, char *err, size_t errlen);
/* The link's settings back to resolved's defaults. */
int azc_resolved_revert(struct azc_resolved *r, uint32_t ifindex, char *err,
			size_t errlen);

/*
 * What resolved has for the link now: its DNS servers and domains
 * ("~" before routing-only ones), space-separated, and DefaultRoute.
 */
int azc_resolved_link(struct azc_resolved *r, uint32_t ifindex, char *dns,
		      size_t dnssize, char *domains, size_t domsize,
		      bool *default_route, char *err, size_t errlen);

/* For poll(): the bus's fd, events and next timeout (ms, -1: none). */
int azc_resolved_fd(struct azc_resolved *r);
short azc_resolved_events(struct azc_resolved *r);
int azc_resolved_timeout_ms(struct azc_resolved *r);
/*
 * Processes the bus: true when resolved came (back) on the bus, so the
 * link's settings must be applied again.
 */
bool azc_resolved_process(struct azc_resolved *r);

#endif /* AZC_RESOLVED_H */
