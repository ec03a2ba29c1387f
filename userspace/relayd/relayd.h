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

#include "config.h"
#include "iid.h"
#include "sess.h"
#include "tls.h"

#define RELAYD_MAX_LISTEN	16
#define RELAYD_RL_SLOTS		4096	/* rate-limit buckets */

struct conn;

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
};

int64_t relayd_now(void);
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

/* ratelimit.c */
bool relayd_rl_allow(struct relayd *r, const struct sockaddr_storage *ss,
		     int64_t now);

#endif /* AZC_RELAYD_H */
