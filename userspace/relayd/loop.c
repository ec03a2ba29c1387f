// SPDX-License-Identifier: GPL-2.0-only
/*
 * The relay's event loop: listeners, signals (signalfd) and connections
 * in one epoll set; the nearest connection deadline bounds each wait.
 */

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "relayd.h"

#define STOP_GRACE_MS	6000

/* "ADDR:PORT", "[V6ADDR]:PORT", "*:PORT" or "PORT" */
static int split_spec(char *s, char **host, char **port)
{
	char *colon;

	if (*s == '[') {
		colon = strchr(s, ']');
		if (!colon || colon[1] != ':')
			return -EINVAL;
		*colon = '\0';
		*host = s + 1;
		*port = colon + 2;
		return 0;
	}
	colon = strrchr(s, ':');
	if (!colon) {
		*host = NULL;
		*port = s;
		return 0;
	}
	*colon = '\0';
	*host = (!*s || !strcmp(s, "*")) ? NULL : s;
	*port = colon + 1;
	return 0;
}

static int listen_ai(struct relayd *r, const struct addrinfo *ai,
		     const char *spec)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int one = 1, zero = 0, fd;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 128)) {
		fprintf(stderr, "azconnect-relayd: listen on %s: %s\n", spec,
			strerror(errno));
		close(fd);
		return -EADDRNOTAVAIL;
	}
	r->lfd[r->n_lfd] = fd;
	ev.data.ptr = &r->lfd[r->n_lfd];
	r->n_lfd++;
	return epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

int relayd_listen(struct relayd *r, const char *spec)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
	};
	struct addrinfo *res;
	char buf[256], *host, *port;
	int ret;

	if (r->n_lfd >= RELAYD_MAX_LISTEN || strlen(spec) >= sizeof(buf))
		return -E2BIG;
	strcpy(buf, spec);
	if (split_spec(buf, &host, &port) || !*port)
		goto bad;
	if (!host)
		host = "::";
	ret = getaddrinfo(host, port, &hints, &res);
	if (ret)
		goto bad;
	ret = listen_ai(r, res, spec);
	freeaddrinfo(res);
	return ret;
bad:
	fprintf(stderr, "azconnect-relayd: --listen %s: expected ADDR:PORT, [V6ADDR]:PORT or PORT (numeric)\n",
		spec);
	return -EINVAL;
}

static int open_signals(struct relayd *r)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &r->sigfd };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	r->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (r->sigfd < 0)
		return -errno;
	return epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->sigfd, &ev) ? -errno : 0;
}

void relayd_revoke(struct relayd *r, const char *name, const char *why)
{
	relayd_log("endpoint '%s' revoked: %s", name, why);
	conn_revoke(r, name, why);
	kern_revoke(r, name, why);
}

/*
 * Sessions of endpoints that @nc no longer lets in (removed, or another
 * token) end at once: what was revoked must not keep a live session.
 */
static void revoke_changed(struct relayd *r, const struct azc_relay_cfg *nc)
{
	const struct azc_relay_endpoint *old, *now;
	size_t i;

	for (i = 0; i < r->cfg.n_ep; i++) {
		old = &r->cfg.ep[i];
		now = azc_relay_cfg_find(nc, old->name);
		if (now && !strcmp(now->token, old->token))
			continue;
		relayd_revoke(r, old->name, now ? "its token changed" :
			      "it is no longer in the configuration");
	}
}

/* A CA-issued certificate and key, read again; the old ones on failure. */
static void reload_cert(struct relayd *r, const struct azc_relay_cfg *nc)
{
	struct azc_tls_server_opts to = {
		.cert_file = nc->cert, .key_file = nc->key,
		.state_dir = r->cfg.state_dir,
	};
	char err[AZC_TLS_ERR_LEN];
	struct azc_tls_ctx *tls;

	if (!nc->cert[0])
		return;
	tls = azc_tls_ctx_server(&to, err, sizeof(err));
	if (!tls) {
		relayd_log("SIGHUP: certificate %s not loaded, the old one stays: %s",
			   nc->cert, err);
		return;
	}
	/* Handshakes under way keep the old one until they end. */
	azc_tls_ctx_free(r->tls);
	r->tls = tls;
	relayd_log("SIGHUP: certificate %s loaded, fingerprint %s", nc->cert,
		   azc_tls_ctx_fingerprint(r->tls));
}

static void reload(struct relayd *r)
{
	struct azc_tsig_key old_key = r->cfg.tsig;
	struct azc_relay_cfg nc;
	char err[AZC_CFG_ERR_LEN];

	azc_relay_cfg_init(&nc);
	if (azc_relay_cfg_load(&nc, r->config_path, err, sizeof(err)) ||
	    relayd_check_limits(&nc, err, sizeof(err))) {
		relayd_log("SIGHUP: %s not loaded, accounts unchanged: %s",
			   r->config_path, err);
		azc_tsig_key_wipe(&old_key);
		azc_relay_cfg_free(&nc);
		return;
	}
	relayd_log_warnings(&nc);
	revoke_changed(r, &nc);
	reload_cert(r, &nc);
	/*
	 * The primary's key is read again (a new secret in the same file);
	 * another server or key file waits for a restart.
	 */
	if (strcmp(nc.dns_update, r->cfg.dns_update) ||
	    strcmp(nc.dns_tsig, r->cfg.dns_tsig))
		relayd_log("SIGHUP: dns_update and dns_tsig take effect at the next start: %s unchanged",
			   r->cfg.dns_update[0] ? r->cfg.dns_update : "none");
	else
		old_key = nc.tsig;
	/* Accounts, limits and the certificate; listeners stay. */
	azc_relay_cfg_free(&r->cfg);
	r->cfg.tsig = old_key;
	azc_tsig_key_wipe(&old_key);
	azc_tsig_key_wipe(&nc.tsig);
	r->cfg.ep = nc.ep;
	r->cfg.n_ep = nc.n_ep;
	memcpy(r->cfg.cert, nc.cert, sizeof(nc.cert));
	memcpy(r->cfg.key, nc.key, sizeof(nc.key));
	r->cfg.max_sessions = nc.max_sessions;
	r->cfg.handshake_rate = nc.handshake_rate;
	r->cfg.handshake_burst = nc.handshake_burst;
	r->cfg.source_prefix_v4 = nc.source_prefix_v4;
	r->cfg.source_prefix_v6 = nc.source_prefix_v6;
	r->cfg.tls_timeout_ms = nc.tls_timeout_ms;
	r->cfg.auth_timeout_ms = nc.auth_timeout_ms;
	r->cfg.negotiation_ms = nc.negotiation_ms;
	r->cfg.echo_ms = nc.echo_ms;
	r->cfg.echo_retries = nc.echo_retries;
	dns_check_keys(r);
	relayd_log("reloaded %s: %zu endpoints", r->config_path, r->cfg.n_ep);
}

static void stop(struct relayd *r)
{
	struct conn *c, *next;
	int64_t now = azc_now_ms();

	if (r->stopping)
		return;
	r->stopping = true;
	r->stop_deadline = now + STOP_GRACE_MS;
	relayd_log("shutting down: disconnecting %u sessions",
		   r->n_conns + r->k.n_links);
	for (c = r->conns; c; c = next) {
		next = conn_next(c);
		conn_stop(r, c, now);
	}
	kern_stop(r, now);
}

static void on_signal(struct relayd *r)
{
	struct signalfd_siginfo si;

	while (read(r->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload(r);
		else
			stop(r);
	}
}

static int wait_ms(struct relayd *r, int64_t now)
{
	int64_t best = kern_deadline(r), d;
	const struct conn *c;

	d = dns_deadline(r);
	if (d >= 0 && (best < 0 || d < best))
		best = d;
	d = primary_deadline(r);
	if (d >= 0 && (best < 0 || d < best))
		best = d;

	for (c = r->conns; c; c = conn_next(c)) {
		d = conn_deadline(c);
		if (d >= 0 && (best < 0 || d < best))
			best = d;
	}
	if (r->stopping && (best < 0 || r->stop_deadline < best))
		best = r->stop_deadline;
	if (r->accept_resume && (best < 0 || r->accept_resume < best))
		best = r->accept_resume;
	if (azc_nl_has_events(&r->k.nl))
		best = now;
	if (best < 0)
		return -1;
	return best <= now ? 0 : (int)(best - now > 60000 ? 60000 : best - now);
}

static void listeners_want(struct relayd *r, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	size_t i;

	for (i = 0; i < r->n_lfd; i++) {
		ev.data.ptr = &r->lfd[i];
		epoll_ctl(r->epfd, EPOLL_CTL_MOD, r->lfd[i], &ev);
	}
}

/*
 * accept() failed for want of descriptors or memory: the listeners rest
 * RELAYD_ACCEPT_PAUSE_MS instead of waking the loop again at once (the
 * connection waits in the queue, so a level-triggered listener would
 * spin). Said once per episode.
 */
void relayd_pause_accept(struct relayd *r, int err)
{
	if (r->accept_resume)
		return;
	r->accept_resume = azc_now_ms() + RELAYD_ACCEPT_PAUSE_MS;
	listeners_want(r, 0);
	if (!r->accept_pauses++)
		relayd_log("cannot accept connections: %s; pausing the listeners %d ms at a time",
			   strerror(err), RELAYD_ACCEPT_PAUSE_MS);
}

void relayd_accepting(struct relayd *r, bool on)
{
	if (!on || !r->accept_resume)
		listeners_want(r, on ? EPOLLIN : 0);
}

static void run_timers(struct relayd *r)
{
	int64_t now = azc_now_ms(), d;
	struct conn *c, *next;

	if (r->accept_resume && now >= r->accept_resume) {
		r->accept_resume = 0;
		if (!r->k.lost)
			listeners_want(r, EPOLLIN);
	}
	for (c = r->conns; c; c = next) {
		next = conn_next(c);
		if (conn_dead(c))
			continue;
		d = conn_deadline(c);
		if (d >= 0 && d <= now)
			conn_timer(r, c, now);
	}
	kern_timers(r, now);
	dns_timers(r, now);
	primary_timers(r, now);
}

static void dispatch(struct relayd *r, struct epoll_event *ev)
{
	void *p = ev->data.ptr;

	if (p == &r->sigfd) {
		on_signal(r);
		return;
	}
	if (p >= (void *)r->lfd && p < (void *)(r->lfd + r->n_lfd)) {
		conn_accept(r, *(int *)p);
		return;
	}
	if (p == &r->k.nlfd) {
		kern_nl_event(r);
		return;
	}
	if (p == &r->k.rafd) {
		kern_ra_event(r);
		return;
	}
	if (p == &r->ctlfd) {
		control_event(r);
		return;
	}
	if (p == &r->dns.udpfd) {
		dns_udp_event(r);
		return;
	}
	if (p == &r->dns.tcpfd) {
		dns_tcp_accept(r);
		return;
	}
	if (primary_owns(r, p)) {
		primary_event(r);
		return;
	}
	if (dns_tcp_owns(r, p)) {
		dns_tcp_event(r, p, ev->events);
		return;
	}
	conn_event(r, p, ev->events);
}

int relayd_run(struct relayd *r)
{
	struct epoll_event ev[64];
	int n, i, ret;

	ret = open_signals(r);
	if (ret)
		return ret;
	while (!r->stopping || ((r->conns || r->k.links) &&
				azc_now_ms() < r->stop_deadline)) {
		n = epoll_wait(r->epfd, ev, 64, wait_ms(r, azc_now_ms()));
		if (n < 0 && errno != EINTR)
			return -errno;
		for (i = 0; i < n; i++)
			dispatch(r, &ev[i]);
		if (azc_nl_has_events(&r->k.nl))
			kern_nl_event(r);
		run_timers(r);
		conn_reap(r);
	}
	if (r->conns || r->k.links)
		relayd_log("%u sessions did not finish in time",
			   r->n_conns + r->k.n_links);
	conn_free_all(r);
	kern_free(r);
	primary_free(r);
	dns_free(r);
	return 0;
}
