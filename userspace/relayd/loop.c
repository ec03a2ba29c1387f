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

static void reload(struct relayd *r)
{
	struct azc_relay_cfg nc;
	char err[AZC_CFG_ERR_LEN];

	azc_relay_cfg_init(&nc);
	if (azc_relay_cfg_load(&nc, r->config_path, err, sizeof(err))) {
		relayd_log("SIGHUP: %s not loaded, accounts unchanged: %s",
			   r->config_path, err);
		azc_relay_cfg_free(&nc);
		return;
	}
	/* Accounts and limits; listeners and certificate stay. */
	azc_relay_cfg_free(&r->cfg);
	r->cfg.ep = nc.ep;
	r->cfg.n_ep = nc.n_ep;
	r->cfg.max_sessions = nc.max_sessions;
	r->cfg.handshake_rate = nc.handshake_rate;
	r->cfg.handshake_burst = nc.handshake_burst;
	r->cfg.tls_timeout_ms = nc.tls_timeout_ms;
	r->cfg.negotiation_ms = nc.negotiation_ms;
	r->cfg.echo_ms = nc.echo_ms;
	r->cfg.echo_retries = nc.echo_retries;
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

	for (c = r->conns; c; c = conn_next(c)) {
		d = conn_deadline(c);
		if (d >= 0 && (best < 0 || d < best))
			best = d;
	}
	if (r->stopping && (best < 0 || r->stop_deadline < best))
		best = r->stop_deadline;
	if (azc_nl_has_events(&r->k.nl))
		best = now;
	if (best < 0)
		return -1;
	return best <= now ? 0 : (int)(best - now > 60000 ? 60000 : best - now);
}

static void run_timers(struct relayd *r)
{
	int64_t now = azc_now_ms(), d;
	struct conn *c, *next;

	for (c = r->conns; c; c = next) {
		next = conn_next(c);
		d = conn_deadline(c);
		if (d >= 0 && d <= now)
			conn_timer(r, c, now);
	}
	kern_timers(r, now);
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
	return 0;
}
