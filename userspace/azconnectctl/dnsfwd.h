/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The split-DNS forwarder, for machines without systemd-resolved: a DNS
 * server on AZC_RC_STUB (loopback only), port 53, UDP and TCP, which
 * resolv.conf names while a session runs (splitdns.c). Queries for the
 * overlay's zones go to the relay's name service over the overlay; every
 * other query goes to the servers the original resolv.conf named, in
 * order (the next one after FWD_TRY_MS without an answer), so the rest of
 * the machine's DNS works as before. Each query gets a connected socket
 * of its own (a fresh source port); an answer must come from that server
 * with the query's ID. No answer in FWD_GIVEUP_MS, or no way to send it:
 * SERVFAIL. Messages are read and made with ldns.
 *
 * Single-threaded and non-blocking: the caller polls azc_fwd_fd() and
 * calls azc_fwd_run() when it is readable or azc_fwd_deadline() is due.
 */

#ifndef AZC_DNSFWD_H
#define AZC_DNSFWD_H

#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define AZC_FWD_MAX_PENDING	256	/* more: the oldest gets SERVFAIL */
#define AZC_FWD_MAX_TCP		16	/* client connections; more: oldest goes */
#define AZC_FWD_MAX_ZONES	4

struct azc_fwd;

struct azc_fwd_stats {
	uint64_t overlay;	/* queries sent to the name service */
	uint64_t upstream;	/* ... to the original servers */
	uint64_t servfail;	/* answered SERVFAIL by us */
	uint64_t dropped;	/* malformed, or not a query */
};

/*
 * Listens on @listen (UDP and TCP) and forwards to @up (@n_up servers,
 * none: SERVFAIL but for the overlay). NULL with why in @err.
 */
struct azc_fwd *azc_fwd_new(const struct sockaddr_in *listen,
			    const struct sockaddr_storage *up, int n_up,
			    char *err, size_t errlen);
void azc_fwd_free(struct azc_fwd *f);

/*
 * Names in @zones (and below) go to the name service at @ns on the device
 * @ifindex; @ns NULL: not reachable now (SERVFAIL for them). 0, -EINVAL
 * (a zone that is no domain name).
 */
int azc_fwd_set_overlay(struct azc_fwd *f, const struct in6_addr *ns,
			uint32_t ifindex, const char *const *zones,
			int n_zones);

int azc_fwd_fd(const struct azc_fwd *f);
/* When azc_fwd_run() has a timer due (ms, azc_now_ms()'s clock), or -1. */
int64_t azc_fwd_deadline(const struct azc_fwd *f);
void azc_fwd_run(struct azc_fwd *f, int64_t now);
void azc_fwd_get_stats(const struct azc_fwd *f, struct azc_fwd_stats *s);

#endif /* AZC_DNSFWD_H */
