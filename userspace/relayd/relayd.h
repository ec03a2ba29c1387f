/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * azconnect-relayd: the relay's event loop, connections and limits.
 */

#ifndef AZC_RELAYD_H
#define AZC_RELAYD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include "base/util.h"
#include "relayd_cfg.h"
#include "iid.h"
#include "keypin.h"
#include "kernel/nl.h"
#include "engine/sess.h"
#include "tls/tls.h"

#define RELAYD_MAX_LISTEN	16
#define RELAYD_MAX_CERT_NAMES	16	/* cert_names */
#define RELAYD_ACCEPT_PAUSE_MS	250	/* listeners rest when out of fds */
#define RELAYD_RL_SLOTS		4096	/* rate-limit buckets */
#define RELAYD_KERN_CHECK_MS	1000	/* the device checked this often */

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
	int64_t last_mcast_ra;		/* the last all-nodes RA */
	int64_t ucast_window;		/* solicited unicast RAs this second */
	unsigned int ucast_sent;
	struct rlink *links;		/* doubly linked list */
	unsigned int n_links;
	bool lost;			/* the device went; retried */
	bool recover_logged;
	int64_t next_check;		/* is the device still there? */
};

/* The name service's transport (dns.c); its zones are names.c's. */
#define RELAYD_DNS_TCP_MAX	16	/* connections; the oldest makes room */
#define RELAYD_DNS_TCP_IDLE_MS	10000	/* RFC 7766 6.2.3: seconds, not more */
#define RELAYD_DNS_UDP_BURST	64	/* messages per wake-up */
#define RELAYD_DNS_RATE		100	/* messages a second per endpoint, */
#define RELAYD_DNS_BURST	200	/* ... with this burst */

struct dns_tcp;
struct azc_names;

/* A sender's budget of messages to the name service (token bucket). */
struct dns_bucket {
	double tokens;
	int64_t last;
	bool used;
	bool dropping;			/* it ran out, and said so */
	uint64_t dropped;
};

struct relay_dns {
	struct azc_names *names;	/* NULL: no name service */
	struct in6_addr addr;		/* the relay's overlay address */
	int udpfd, tcpfd;		/* -1 while the device is gone */
	struct dns_tcp *tcp;		/* RELAYD_DNS_TCP_MAX slots */
	unsigned int n_tcp;
	uint64_t messages, changes;
	struct dns_bucket others;	/* senders that are no endpoint */
};

struct relay_primary;

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
	int epfd, sigfd, ctlfd;
	int lfd[RELAYD_MAX_LISTEN];
	size_t n_lfd;
	struct conn *conns;		/* doubly linked list */
	struct conn *dead;		/* closed in this loop iteration */
	unsigned int n_conns;
	uint64_t next_id;
	int64_t accept_resume;		/* listeners paused until then; 0 */
	unsigned int accept_pauses;
	bool stopping;
	int64_t stop_deadline;
	uint64_t data_dropped;		/* IPv6 frames received, not forwarded */
	struct rl_bucket *rl;
	struct evp_mac_ctx_st *rl_mac;	/* SipHash, keyed at start */
	struct relay_kern k;
	struct relay_dns dns;
	struct relay_primary *prim;	/* NULL: no dns_update */
	struct azc_keypins pins;	/* endpoint keys pinned at first sight */
};

/* main.c */
/* Descriptors beyond one per session: listeners, netlink, control... */
#define RELAYD_FD_RESERVE	64
/*
 * RLIMIT_NOFILE raised to what @c needs (max_sessions + the reserve), or
 * -EMFILE with why in @err when the hard limit is lower.
 */
int relayd_check_limits(const struct azc_relay_cfg *c, char *err,
			size_t errlen);

/* log.c */
extern bool relayd_use_syslog;
void relayd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The configuration's warnings, a log line each. */
void relayd_log_warnings(const struct azc_relay_cfg *c);

/* Log lines about one peer: at most this many a minute, the rest counted */
#define RELAYD_PEER_LOG_LINES		40
#define RELAYD_PEER_LOG_WINDOW_MS	60000

struct peer_log {
	uint64_t id;			/* the connection's number */
	char peer[INET6_ADDRSTRLEN + 8];	/* its address and port */
	int64_t window;
	unsigned int lines, dropped;
};

void peer_log_init(struct peer_log *pl, uint64_t id, const char *peer);
/*
 * "[id peer] message"; @always for the lines that must not be lost to the
 * limit (how a session ended), which still count.
 */
void peer_log(struct peer_log *pl, bool always, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* loop.c */
int relayd_listen(struct relayd *r, const char *spec);
int relayd_run(struct relayd *r);
/* The sessions of endpoint @name end at once: it may no longer connect. */
void relayd_revoke(struct relayd *r, const char *name, const char *why);
void relayd_pause_accept(struct relayd *r, int err);
/* Listeners on or off: off while there is no data path for sessions */
void relayd_accepting(struct relayd *r, bool on);

/* conn.c */
void conn_accept(struct relayd *r, int lfd);
void conn_event(struct relayd *r, struct conn *c, uint32_t events);
int64_t conn_deadline(const struct conn *c);
void conn_timer(struct relayd *r, struct conn *c, int64_t now);
void conn_stop(struct relayd *r, struct conn *c, int64_t now);
void conn_free_all(struct relayd *r);
/* Ends the sessions in user space of endpoint @name, logged with @why. */
unsigned int conn_revoke(struct relayd *r, const char *name, const char *why);
/* A line per session in user space, and one for those not authenticated */
void conn_list(struct relayd *r, FILE *out);
void conn_reap(struct relayd *r);
struct conn *conn_next(const struct conn *c);
bool conn_dead(const struct conn *c);

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
	       const uint8_t *unread, size_t unread_len,
	       const struct peer_log *log);
/* Takes the links of endpoint @name down at once (revoked), logged. */
void kern_revoke(struct relayd *r, const char *name, const char *why);
/* The same at the operator's request: down-reason userspace; how many */
unsigned int kern_disconnect(struct relayd *r, const char *name,
			     const char *why);
/* A line per link: "name=... state=linked link=N address=... ..." */
void kern_list(struct relayd *r, FILE *out);
void kern_nl_event(struct relayd *r);
void kern_ra_event(struct relayd *r);
int64_t kern_deadline(const struct relayd *r);
void kern_timers(struct relayd *r, int64_t now);
/*
 * The live link of the endpoint whose overlay or link-local address is @a
 * (by its interface identifier), or NULL; *@overlay: @a is in the overlay
 * /64 (an endpoint's own address there, when the link is found).
 */
struct rlink *kern_link_of(struct relayd *r, const struct in6_addr *a,
			   bool *overlay);
/* The name of @l's endpoint. */
const char *kern_link_endpoint(const struct rlink *l);
/*
 * Whether the name service may take a message from @a, whose endpoint's
 * link is @owner (kern_link_of(), or NULL), at @now: one budget per
 * endpoint (its overlay and link-local addresses share it), one for all
 * other senders. Running out is logged once per episode.
 */
bool kern_dns_allow(struct relayd *r, struct rlink *owner,
		    const struct in6_addr *a, int64_t now);
void kern_stop(struct relayd *r, int64_t now);
void kern_free(struct relayd *r);

/*
 * forward.c: IPv6 forwarding on, every interface that took router
 * advertisements (accept_ra 1) made to keep taking them (2).
 */
int relayd_forwarding(const struct relayd *r, char *err, size_t errlen);

/* radv.c: Router Advertisements on the relay device */
int radv_open(struct relayd *r);
#define RELAYD_RA_MIN_DELAY_MS	3000	/* MIN_DELAY_BETWEEN_RAS */
#define RELAYD_RA_UNICAST_PER_S	20
/* An RA to @to, or to all nodes (ff02::1) when NULL; reschedules. */
void radv_send(struct relayd *r, const struct sockaddr_in6 *to);
/* An RA to all nodes now, or as soon as RFC 4861 allows. */
void radv_multicast(struct relayd *r);
void radv_close(struct relayd *r);

/*
 * dns.c: the name service on the overlay address. dns_init once the data
 * path is set up (nothing without it); dns_close when the device goes,
 * dns_open when it is back (the records stay meanwhile).
 */
int dns_init(struct relayd *r);
int dns_open(struct relayd *r);
void dns_close(struct relayd *r);
void dns_free(struct relayd *r);
void dns_udp_event(struct relayd *r);
void dns_tcp_accept(struct relayd *r);
bool dns_tcp_owns(const struct relayd *r, const void *p);
void dns_tcp_event(struct relayd *r, struct dns_tcp *t, uint32_t events);
int64_t dns_deadline(const struct relayd *r);
void dns_timers(struct relayd *r, int64_t now);
/* An endpoint's link is up; its last one is gone (records then expire). */
void dns_endpoint_up(struct relayd *r, const char *name);
void dns_endpoint_down(struct relayd *r, const char *name);
/*
 * The operator resets endpoint @name's pinned key: the pin goes, and its
 * key record with it; its next key is pinned. A line for the operator in
 * @out; logged.
 */
void dns_reset_key(struct relayd *r, const char *name, FILE *out);
/* After a reload: key records that relayd.conf's public_key refuses go. */
void dns_check_keys(struct relayd *r);
/* Takes one message from @b's budget: false when there is none left. */
bool dns_bucket_take(struct dns_bucket *b, int64_t now);

/*
 * primary.c: the name service's changes forwarded to a primary name
 * server (dns_update); primary_init after dns_init, primary_free before
 * dns_free. "status" on the control socket shows primary_status.
 */
int primary_init(struct relayd *r);
bool primary_owns(const struct relayd *r, const void *p);
void primary_event(struct relayd *r);
int64_t primary_deadline(const struct relayd *r);
void primary_timers(struct relayd *r, int64_t now);
void primary_status(struct relayd *r, FILE *out);
void primary_free(struct relayd *r);

/* control.c: the operator's control socket */
const char *relayd_control_path(const struct relayd *r);
int control_open(struct relayd *r);
void control_event(struct relayd *r);
void control_close(struct relayd *r);

/* ratelimit.c: handshakes per source prefix */
int relayd_rl_init(struct relayd *r);
void relayd_rl_free(struct relayd *r);
bool relayd_rl_allow(struct relayd *r, const struct sockaddr_storage *ss,
		     int64_t now);

#endif /* AZC_RELAYD_H */
