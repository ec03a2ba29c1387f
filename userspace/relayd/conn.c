// SPDX-License-Identifier: GPL-2.0-only
/*
 * One relay connection: non-blocking TLS handshake under a deadline, then
 * the SSTP/PPP engine in the server role until the session ends. Nothing
 * here blocks: every step returns when the socket would.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "relayd.h"

#define CONN_BUF	16384

enum conn_state {
	CONN_TLS,	/* TLS handshake */
	CONN_SESS,	/* engine running */
};

struct conn {
	struct conn *prev, *next;
	struct relayd *r;
	struct peer_log log;		/* "[id address]" and its limit */
	int fd;
	enum conn_state state;
	struct azc_tls *tls;
	struct azc_sess *sess;
	int64_t tls_deadline;
	/* One deadline from accept to authenticated, whatever the stage */
	int64_t accepted, auth_deadline;
	bool authenticated;
	bool connected_logged;
	bool handoff;	/* to the kernel once connected */
	/* Why the kernel cannot take it once connected, or NULL */
	const char *no_path;
	uint64_t data_frames;
	/* unconsumed input, pending output chunk */
	uint8_t in[CONN_BUF];
	size_t in_off, in_len;
	uint8_t out[CONN_BUF];
	size_t out_len;
	uint32_t events;
	bool dead;	/* closed, freed by conn_reap() */
};

#define conn_log(c, ...)	peer_log(&(c)->log, false, __VA_ARGS__)
/* How a connection ended: never lost to the limit */
#define conn_log_end(c, ...)	peer_log(&(c)->log, true, __VA_ARGS__)

static void peer_str(const struct sockaddr_storage *ss, char *buf,
		     size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?";
	const struct sockaddr_in *a4 = (const void *)ss;
	const struct sockaddr_in6 *a6 = (const void *)ss;

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &a4->sin_addr, a, sizeof(a));
		snprintf(buf, size, "%s:%u", a, ntohs(a4->sin_port));
	} else {
		inet_ntop(AF_INET6, &a6->sin6_addr, a, sizeof(a));
		snprintf(buf, size, "[%s]:%u", a, ntohs(a6->sin6_port));
	}
}

/* Closes the socket; the caller has logged why, in one line. */
static void conn_close(struct conn *c)
{
	struct relayd *r = c->r;

	if (c->prev)
		c->prev->next = c->next;
	else
		r->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	r->n_conns--;
	azc_sess_free(c->sess);
	azc_tls_free(c->tls);
	close(c->fd);	/* also leaves the epoll set */
	c->sess = NULL;
	c->tls = NULL;
	/* Events for it may follow in this batch: freed after it. */
	c->dead = true;
	c->prev = NULL;
	c->next = r->dead;
	r->dead = c;
}

void conn_reap(struct relayd *r)
{
	struct conn *c;

	while (r->dead) {
		c = r->dead;
		r->dead = c->next;
		free(c);
	}
}

struct conn *conn_next(const struct conn *c)
{
	return c->next;
}

bool conn_dead(const struct conn *c)
{
	return c->dead;
}

/* Engine callbacks */

static void cb_log(void *ctx, enum azc_sess_log_level level, const char *msg)
{
	struct conn *c = ctx;

	if (level >= AZC_SESS_LOG_INFO)
		conn_log(c, "%s", msg);
}

/*
 * Once handed to the kernel the session outlives its connection: it logs
 * in its own name (keepalives; kern.c reports how it ends).
 */
static void cb_log_adopted(void *ctx, enum azc_sess_log_level level,
			   const char *msg)
{
	const struct azc_sess *s = ctx;

	if (level >= AZC_SESS_LOG_INFO)
		relayd_log("[endpoint '%s'] %s", azc_sess_info(s)->peer_name,
			   msg);
}

static int cb_secret(void *ctx, const char *name, char *secret, size_t size)
{
	struct conn *c = ctx;
	const struct azc_relay_endpoint *ep =
		azc_relay_cfg_find(&c->r->cfg, name);

	if (!ep || strlen(ep->token) >= size) {
		conn_log(c, "unknown endpoint '%s'", name);
		return -ENOENT;
	}
	strcpy(secret, ep->token);
	return 0;
}

static int cb_iid(void *ctx, const char *name, uint8_t *iid)
{
	struct conn *c = ctx;

	return azc_iid_assign(&c->r->iids, name, iid);
}

static void cb_rx(void *ctx, const uint8_t *pkt, size_t len)
{
	struct conn *c = ctx;

	(void)pkt;
	(void)len;
	c->data_frames++;
	c->r->data_dropped++;
}

static int conn_start_sess(struct conn *c, int64_t now)
{
	struct azc_sess_cfg sc = {
		.role = AZC_SESS_SERVER,
		.name = "azconnect",
		.negotiation_ms = c->r->cfg.negotiation_ms,
		.echo_ms = c->r->cfg.echo_ms,
		.echo_max = c->r->cfg.echo_retries,
		.ctx = c,
		.log = cb_log,
		.lookup_secret = cb_secret,
		.assign_iid = cb_iid,
		.rx_ipv6 = cb_rx,
	};
	struct azc_tls_info info;
	char s[256];

	if (!azc_tls_get_info(c->tls, &info)) {
		azc_tls_info_str(&info, s, sizeof(s));
		conn_log(c, "TLS handshake done: %s", s);
		c->handoff = c->r->k.on && info.ktls_send && info.ktls_recv;
	}
	/*
	 * A session negotiated with no kernel data path would carry nothing:
	 * it ends once connected, with the reason, and the endpoint comes
	 * back. Only a relay that never had the module keeps such sessions.
	 */
	if (c->r->k.lost)
		c->no_path = "the relay's device is gone (deleted, or the module unloaded): no kernel data path until it is back";
	else if (c->r->k.on && !c->handoff)
		c->no_path = "kernel TLS is not active both ways (is the tls module loaded?): no kernel data path";
	sc.handoff = c->handoff;
	sc.cert_der = azc_tls_server_cert_der(c->tls, &sc.cert_der_len);
	memcpy(sc.iid, c->r->iids.relay_iid, AZC_IID_LEN);
	c->sess = azc_sess_new(&sc);
	if (!c->sess || azc_sess_start(c->sess, now)) {
		conn_log(c, "cannot start the SSTP session");
		return -ENOMEM;
	}
	c->state = CONN_SESS;
	return 0;
}

/* Writes pending engine output; -EAGAIN when the socket is full. */
static int conn_flush(struct conn *c)
{
	const uint8_t *p;
	size_t len;
	ssize_t n;

	for (;;) {
		if (!c->out_len) {
			p = azc_sess_out_peek(c->sess, &len);
			if (!len)
				return 0;
			c->out_len = len < CONN_BUF ? len : CONN_BUF;
			memcpy(c->out, p, c->out_len);
			azc_sess_out_consume(c->sess, c->out_len);
		}
		n = azc_tls_write(c->tls, c->out, c->out_len);
		if (n < 0)
			return (int)n;
		c->out_len = 0;
	}
}

static bool sess_ended(const struct conn *c)
{
	enum azc_sess_state st = azc_sess_state(c->sess);

	return st == AZC_SESS_CLOSED || st == AZC_SESS_FAILED;
}

static void log_connected(struct conn *c)
{
	const struct azc_sess_info *i = azc_sess_info(c->sess);
	char a[AZC_IID_STRLEN], b[AZC_IID_STRLEN];

	if (c->connected_logged || azc_sess_state(c->sess) != AZC_SESS_CONNECTED)
		return;
	c->connected_logged = true;
	azc_iid_format(i->peer_iid, a, sizeof(a));
	azc_iid_format(i->local_iid, b, sizeof(b));
	conn_log(c, "endpoint '%s' connected: IID %s (relay %s), MRU %u/%u",
		 i->peer_name, a, b, i->mru, i->peer_mru);
}

/* Feeds buffered input; -EAGAIN when output must drain first. */
static int conn_feed(struct conn *c, int64_t now)
{
	ssize_t n;
	int ret;

	while (c->in_len && !sess_ended(c)) {
		n = azc_sess_input(c->sess, c->in + c->in_off, c->in_len, now);
		c->in_off += n;
		c->in_len -= n;
		ret = conn_flush(c);
		if (ret)
			return ret;
		if (!n && c->in_len)
			return sess_ended(c) ? 0 : -EAGAIN;
	}
	return 0;
}

/* Runs the session as far as the socket allows; false: close it. */
static bool conn_pump(struct conn *c, int64_t now)
{
	ssize_t n;
	int ret;

	for (;;) {
		ret = conn_flush(c);
		if (!ret)
			ret = conn_feed(c, now);
		log_connected(c);
		if (sess_ended(c))
			return false;
		if (ret == -EAGAIN)
			return true;
		if (ret)
			break;
		n = azc_tls_read(c->tls, c->in, sizeof(c->in));
		if (n == -EAGAIN)
			return true;
		if (n <= 0) {
			azc_sess_eof(c->sess, now);
			break;
		}
		c->in_off = 0;
		c->in_len = n;
	}
	conn_flush(c);
	return !sess_ended(c);
}

/*
 * The one line that says how a session ended: "endpoint 'NAME'
 * disconnected: WHY" once it was connected, else "session failed: WHY".
 */
static void log_end(struct conn *c, const struct azc_sess_error *e)
{
	const struct azc_sess_info *i = azc_sess_info(c->sess);
	char extra[96] = "";

	if (c->data_frames)
		snprintf(extra, sizeof(extra),
			 " (%llu data frames dropped: no forwarding yet)",
			 (unsigned long long)c->data_frames);
	if (c->connected_logged)
		conn_log_end(c, "endpoint '%s' disconnected: %s%s",
			     i->peer_name, e ? e->msg : "session ended", extra);
	else
		conn_log_end(c, "session %s: %s%s",
			     azc_sess_state_name(azc_sess_state(c->sess)),
			     e ? e->msg : "ended", extra);
}

static void conn_end(struct conn *c)
{
	const struct azc_sess_error *e = azc_sess_error(c->sess);

	log_end(c, e);
	if (!e || !e->drop) {
		conn_flush(c);
		azc_tls_shutdown(c->tls);
	}
	conn_close(c);
}

static void conn_want(struct conn *c)
{
	struct epoll_event ev = { .data.ptr = c };
	int w = azc_tls_want(c->tls);

	ev.events = w == AZC_TLS_WANT_WRITE ? EPOLLOUT : EPOLLIN;
	if (c->state == CONN_SESS && c->out_len)
		ev.events |= EPOLLOUT;
	if (ev.events == c->events)
		return;
	c->events = ev.events;
	epoll_ctl(c->r->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/*
 * Connected: the kernel takes the socket (the session goes with it), or
 * the session ends when kTLS is off and the kernel cannot. True when @c
 * is gone.
 */
static bool conn_to_kernel(struct relayd *r, struct conn *c, int64_t now)
{
	if (azc_sess_state(c->sess) != AZC_SESS_CONNECTED || c->out_len)
		return false;
	if (c->no_path) {
		azc_sess_close(c->sess, c->no_path, now);
		c->no_path = NULL;
		if (conn_pump(c, now))
			return false;
		conn_end(c);
		return true;
	}
	if (!c->handoff)
		return false;
	epoll_ctl(r->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	/* The session outlives @c: nothing of it may point at @c. */
	azc_sess_orphan(c->sess);
	azc_sess_set_log(c->sess, cb_log_adopted, c->sess);
	if (!kern_adopt(r, c->sess, c->tls, c->in + c->in_off, c->in_len,
			&c->log))
		c->sess = NULL;	/* the link's now */
	conn_close(c);
	return true;
}

/*
 * Authenticated: any other session of the same endpoint that is still in
 * user space goes (the endpoint reconnected; its links in the kernel are
 * replaced at the hand-off, kern.c).
 */
static void conn_authenticated(struct relayd *r, struct conn *c)
{
	const char *name = azc_sess_info(c->sess)->peer_name;
	struct conn *o, *next;

	c->authenticated = true;
	for (o = r->conns; o; o = next) {
		next = o->next;
		if (o == c || !o->authenticated || !o->sess ||
		    strcmp(azc_sess_info(o->sess)->peer_name, name))
			continue;
		conn_log_end(o, "endpoint '%s' replaced by a new session [%llu %s]",
			     name, (unsigned long long)c->log.id, c->log.peer);
		conn_close(o);
	}
}

static void conn_step(struct relayd *r, struct conn *c, int64_t now)
{
	int ret;

	if (c->state == CONN_TLS) {
		ret = azc_tls_handshake(c->tls);
		if (ret > 0) {
			conn_want(c);
			return;
		}
		if (ret < 0) {
			conn_log_end(c, "TLS handshake failed: %s",
				     azc_tls_error(c->tls));
			conn_close(c);
			return;
		}
		if (conn_start_sess(c, now)) {
			conn_close(c);
			return;
		}
		if (r->stopping)
			azc_sess_close(c->sess, "relay shutting down", now);
	}
	if (!conn_pump(c, now)) {
		conn_end(c);
		return;
	}
	if (!c->authenticated && azc_sess_authenticated(c->sess))
		conn_authenticated(r, c);
	if (conn_to_kernel(r, c, now))
		return;
	conn_want(c);
}

void conn_event(struct relayd *r, struct conn *c, uint32_t events)
{
	(void)events;
	if (c->dead)
		return;
	conn_step(r, c, azc_now_ms());
}

static int64_t earliest(int64_t a, int64_t b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

int64_t conn_deadline(const struct conn *c)
{
	int64_t d = c->authenticated ? -1 : c->auth_deadline;

	if (c->state == CONN_TLS)
		return earliest(d, c->tls_deadline);
	return earliest(d, azc_sess_next_deadline(c->sess));
}

void conn_timer(struct relayd *r, struct conn *c, int64_t now)
{
	if (!c->authenticated && now >= c->auth_deadline) {
		conn_log_end(c, "dropped: not authenticated within %u s of the connection (auth_timeout)",
			     r->cfg.auth_timeout_ms / 1000);
		conn_close(c);
		return;
	}
	if (c->state == CONN_TLS) {
		if (now < c->tls_deadline)
			return;
		conn_log(c, "TLS handshake timed out after %u ms",
			 r->cfg.tls_timeout_ms);
		conn_close(c);
		return;
	}
	azc_sess_tick(c->sess, now);
	conn_step(r, c, now);
}

/* Shutdown: CALL_DISCONNECT on sessions, drop handshakes. */
void conn_stop(struct relayd *r, struct conn *c, int64_t now)
{
	if (c->state == CONN_TLS) {
		conn_log(c, "TLS handshake dropped: relay shutting down");
		conn_close(c);
		return;
	}
	if (!sess_ended(c))
		azc_sess_close(c->sess, "relay shutting down", now);
	conn_step(r, c, now);
}

unsigned int conn_revoke(struct relayd *r, const char *name, const char *why)
{
	struct conn *c, *next;
	unsigned int n = 0;

	for (c = r->conns; c; c = next) {
		next = c->next;
		if (!c->authenticated || !c->sess ||
		    strcmp(azc_sess_info(c->sess)->peer_name, name))
			continue;
		conn_log_end(c, "endpoint '%s' disconnected: %s", name, why);
		conn_close(c);
		n++;
	}
	return n;
}

void conn_list(struct relayd *r, FILE *out)
{
	int64_t now = azc_now_ms();
	unsigned int pending = 0;
	const struct conn *c;

	for (c = r->conns; c; c = c->next) {
		if (!c->authenticated) {
			pending++;
			continue;
		}
		fprintf(out, "name=%s state=%s peer=%s since=%llds\n",
			azc_sess_info(c->sess)->peer_name,
			azc_sess_state_name(azc_sess_state(c->sess)), c->log.peer,
			(long long)(now - c->accepted) / 1000);
	}
	fprintf(out, "unauthenticated=%u\n", pending);
}

void conn_free_all(struct relayd *r)
{
	while (r->conns)
		conn_close(r->conns);
	conn_reap(r);
}

static struct conn *conn_new(struct relayd *r, int fd,
			     const struct sockaddr_storage *ss)
{
	struct conn *c = calloc(1, sizeof(*c));
	char err[AZC_TLS_ERR_LEN], peer[INET6_ADDRSTRLEN + 8];

	if (!c)
		return NULL;
	c->r = r;
	c->fd = fd;
	peer_str(ss, peer, sizeof(peer));
	peer_log_init(&c->log, ++r->next_id, peer);
	c->tls = azc_tls_new(r->tls, fd, NULL, err, sizeof(err));
	if (!c->tls) {
		conn_log(c, "%s", err);
		free(c);
		return NULL;
	}
	c->tls_deadline = azc_now_ms() + r->cfg.tls_timeout_ms;
	c->accepted = azc_now_ms();
	c->auth_deadline = c->accepted + r->cfg.auth_timeout_ms;
	c->next = r->conns;
	if (r->conns)
		r->conns->prev = c;
	r->conns = c;
	r->n_conns++;
	return c;
}

/*
 * Room for one more connection when the relay is full: the oldest
 * connection that has not authenticated yet goes (sshd's MaxStartups
 * idea), never an authenticated one. False when there is none.
 */
static bool conn_make_room(struct relayd *r, const char *peer)
{
	struct conn *c, *oldest = NULL;

	for (c = r->conns; c; c = c->next)
		if (!c->authenticated)
			oldest = c;	/* the list is newest first */
	if (!oldest)
		return false;
	conn_log_end(oldest, "dropped: the relay is full (max_sessions %u), the oldest unauthenticated connection goes for %s",
		     r->cfg.max_sessions, peer);
	conn_close(oldest);
	return true;
}

static bool conn_admit(struct relayd *r, const struct sockaddr_storage *ss)
{
	char peer[INET6_ADDRSTRLEN + 8];

	if (r->stopping)
		return false;
	peer_str(ss, peer, sizeof(peer));
	if (!relayd_rl_allow(r, ss, azc_now_ms())) {
		relayd_log("[- %s] refused: handshake rate over %u/s from its /%u", peer,
			   r->cfg.handshake_rate, ss->ss_family == AF_INET ?
			   r->cfg.source_prefix_v4 : r->cfg.source_prefix_v6);
		return false;
	}
	if (r->n_conns + r->k.n_links >= r->cfg.max_sessions &&
	    !conn_make_room(r, peer)) {
		relayd_log("[- %s] refused: %u sessions, all authenticated (max_sessions)",
			   peer, r->n_conns + r->k.n_links);
		return false;
	}
	return true;
}

/*
 * New connections on listener @lfd, a burst of them. Out of descriptors
 * (EMFILE, ENFILE), the listeners pause for a while: retrying at once
 * would spin, as the connection stays in the queue.
 */
void conn_accept(struct relayd *r, int lfd)
{
	struct sockaddr_storage ss;
	struct epoll_event ev = { .events = EPOLLIN };
	socklen_t sl = sizeof(ss);
	struct conn *c;
	int fd, i;

	for (i = 0; i < 64; i++) {	/* a burst, then the others' turn */
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				relayd_pause_accept(r, errno);
			return;
		}
		if (!conn_admit(r, &ss)) {
			close(fd);
			continue;
		}
		c = conn_new(r, fd, &ss);
		if (!c) {
			close(fd);
			continue;
		}
		conn_log(c, "accepted");
		ev.data.ptr = c;
		c->events = EPOLLIN;
		if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			conn_log_end(c, "closed: cannot watch the socket");
			conn_close(c);
			continue;
		}
		conn_step(r, c, azc_now_ms());
	}
}
