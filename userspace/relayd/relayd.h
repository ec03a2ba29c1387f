/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * azconnect-relayd: the relay's event loop, connections and limits.
 */

#ifndef AZC_RELAYD_H
#define AZC_RELAYD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include "base/util.h"
#include "relayd_cfg.h"
#include "iid.h"
#include "kernel/nl.h"
#include "engine/sess.h"
#include "tls/tls.h"

#define RELAYD_MAX_LISTEN	16
#define RELAYD_RL_SLOTS		4096	/* rate-limit buckets */

struct conn;
struct rlink;

/*
 * The kernel data path: the relay device, the netlink socket that owns
 * every link, Router Advertisements. Off when the module is missing: then
 * sessions are negotiated and kept in user space, carrying no packets.
 */
struct relay_kern {
	bool on;
	uint32_t ifindex;
	struct azc_nl nl;
	int nlfd, rafd;
	struct in6_addr p64;		/* the overlay prefix */
	int64_t next_ra;
	struct rlink *links;		/* doubly linked list */
	unsigned int n_links;
};

struct rl_bucket {
	uint8_t addr[16];
	double tokens;
	int64_t last_ms;
	bool used;
};

struct relayd {
	const char *config_path;
	struct azc_relay_cfg cfg;
	struct azc_tls_ctx *tls;
	struct azc_iid_table iids;
	int epfd, sigfd;
	int lfd[RELAYD_MAX_LISTEN];
	size_t n_lfd;
	struct conn *conns;		/* doubly linked list */
	struct conn *dead;		/* closed in this loop iteration */
	unsigned int n_conns;
	uint64_t next_id;
	bool stopping;
	int64_t stop_deadline;
	uint64_t data_dropped;		/* IPv6 frames received, not forwarded */
	struct rl_bucket *rl;
	struct relay_kern k;
};

void relayd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* loop.c */
int relayd_listen(struct relayd *r, const char *spec);
int relayd_run(struct relayd *r);

/* conn.c */
void conn_accept(struct relayd *r, int lfd);
void conn_event(struct relayd *r, struct conn *c, uint32_t events);
int64_t conn_deadline(const struct conn *c);
void conn_timer(struct relayd *r, struct conn *c, int64_t now);
void conn_stop(struct relayd *r, struct conn *c, int64_t now);
void conn_free_all(struct relayd *r);
void conn_reap(struct relayd *r);
struct conn *conn_next(const struct conn *c);

/* kern.c */
int kern_setup(struct relayd *r);
/*
 * Hands a connected session (engine stopped for the hand-off, TLS with
 * kTLS both ways, @unread bytes read and not consumed) to the kernel: 0
 * when the kernel took it (the session is the link's now), or -errno,
 * logged, when the connection is lost. Either way the caller then frees
 * the TLS object and closes its descriptor.
 */
int kern_adopt(struct relayd *r, struct azc_sess *sess, struct azc_tls *tls,
	       const uint8_t *unread, size_t unread_len, uint64_t id,
	       const char *peer);
void kern_nl_event(struct relayd *r);
void kern_ra_event(struct relayd *r);
int64_t kern_deadline(const struct relayd *r);
void kern_timers(struct relayd *r, int64_t now);
void kern_stop(struct relayd *r, int64_t now);
void kern_free(struct relayd *r);

/* radv.c: Router Advertisements on the relay device */
int radv_open(struct relayd *r);
/* An RA to @to, or to all nodes (ff02::1) when NULL; reschedules. */
void radv_send(struct relayd *r, const struct sockaddr_in6 *to);
void radv_close(struct relayd *r);

/* ratelimit.c */
bool relayd_rl_allow(struct relayd *r, const struct sockaddr_storage *ss,
		     int64_t now);

#endif /* AZC_RELAYD_H */
