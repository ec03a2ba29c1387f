// SPDX-License-Identifier: GPL-2.0-only
/*
 * The name service's transport (the zones are names.c's): DNS over UDP and
 * TCP port 53 on the relay's overlay address, on sockets bound to the
 * relay device, so that only packets that came in through an endpoint's
 * link reach them, never the relay's internet-facing addresses. The
 * relay's kernel lets endpoints reach that address and port and nothing
 * else of the relay but ICMPv6, and drops what an endpoint sends from an
 * address not its own: the source of a message names its endpoint, which
 * is what an UPDATE is authorized by.
 *
 * TCP (RFC 7766): at most RELAYD_DNS_TCP_MAX connections, the oldest
 * closed when a new one needs its place; one message at a time, answered
 * before the next is read; closed after RELAYD_DNS_TCP_IDLE_MS without a
 * whole message. UDP: at most RELAYD_DNS_UDP_BURST messages per wake-up,
 * so that a flood cannot hold the loop. Every message, UDP or TCP, comes
 * out of its sender's budget (RELAYD_DNS_RATE a second per endpoint):
 * beyond it messages are dropped unanswered, which costs little, so that
 * the socket's queue drains and one endpoint's flood does not crowd out
 * the others' queries. Nothing here blocks.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "relayd.h"
#include "names.h"
#include "noise/keyrec.h"
#include "ula.h"


/* One TCP connection: a message in, its answer out, length-prefixed. */
struct dns_tcp {
	int fd;				/* -1: the slot is free */
	struct sockaddr_in6 peer;
	int64_t deadline;		/* idle or stuck: closed then */
	size_t in_len;			/* bytes of in[] read */
	size_t out_len, out_off;	/* answer being written */
	uint8_t in[2 + AZC_NAMES_MAX_MSG];
	uint8_t out[2 + AZC_NAMES_MAX_MSG];
};

static int dns_watch(struct relayd *r, int fd, void *key, uint32_t events,
		     int op)
{
	struct epoll_event ev = { .events = events, .data.ptr = key };

	return epoll_ctl(r->epfd, op, fd, &ev) ? -errno : 0;
}

int dns_init(struct relayd *r)
{
	struct azc_names_cfg nc = {
		.zone = r->cfg.zone,
		.prefix = r->k.p64,
		.serial = (uint32_t)time(NULL),
		.grace_ms = r->cfg.names_grace_ms,
	};
	char err[256];
	size_t i;

	r->dns.udpfd = r->dns.tcpfd = -1;
	if (!r->k.on)
		return 0;	/* no overlay: nobody to serve */
	azc_prefix_addr(&r->k.p64, r->iids.relay_iid, &r->dns.addr);
	nc.ns_addr = r->dns.addr;
	r->dns.names = azc_names_new(&nc, err, sizeof(err));
	if (!r->dns.names) {
		relayd_log("name service: %s", err);
		return -ENOMEM;
	}
	r->dns.tcp = calloc(RELAYD_DNS_TCP_MAX, sizeof(*r->dns.tcp));
	if (!r->dns.tcp)
		return -ENOMEM;
	for (i = 0; i < RELAYD_DNS_TCP_MAX; i++)
		r->dns.tcp[i].fd = -1;
	/* Without its sockets the relay still carries packets: logged. */
	dns_open(r);
	return 0;
}

/* A socket of @type on [overlay address]:53, bound to the relay device. */
static int dns_socket(struct relayd *r, int type)
{
	struct sockaddr_in6 sa = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(AZC_DNS_PORT),
		.sin6_addr = r->dns.addr,
	};
	int fd, one = 1;

	fd = socket(AF_INET6, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, r->cfg.device,
		       strlen(r->cfg.device)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    (type == SOCK_STREAM && listen(fd, 16))) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

int dns_open(struct relayd *r)
{
	char a[INET6_ADDRSTRLEN];
	int ret;

	if (!r->dns.names || r->dns.udpfd >= 0)
		return 0;
	inet_ntop(AF_INET6, &r->dns.addr, a, sizeof(a));
	r->dns.udpfd = dns_socket(r, SOCK_DGRAM);
	if (r->dns.udpfd < 0) {
		ret = r->dns.udpfd;
		goto fail;
	}
	r->dns.tcpfd = dns_socket(r, SOCK_STREAM);
	if (r->dns.tcpfd < 0) {
		ret = r->dns.tcpfd;
		goto fail;
	}
	ret = dns_watch(r, r->dns.udpfd, &r->dns.udpfd, EPOLLIN,
			EPOLL_CTL_ADD);
	if (!ret)
		ret = dns_watch(r, r->dns.tcpfd, &r->dns.tcpfd, EPOLLIN,
				EPOLL_CTL_ADD);
	if (ret)
		goto fail;
	relayd_log("name service for %s on [%s]:%d (UDP and TCP)",
		   r->cfg.zone, a, AZC_DNS_PORT);
	return 0;
fail:
	relayd_log("name service on [%s]:%d: %s; endpoints cannot register their names",
		   a, AZC_DNS_PORT, strerror(-ret));
	dns_close(r);
	return ret;
}

static void dns_tcp_close(struct relayd *r, struct dns_tcp *t)
{
	if (t->fd < 0)
		return;
	close(t->fd);		/* leaves the epoll set with it */
	t->fd = -1;
	r->dns.n_tcp--;
}

void dns_close(struct relayd *r)
{
	size_t i;

	if (r->dns.tcp)
		for (i = 0; i < RELAYD_DNS_TCP_MAX; i++)
			dns_tcp_close(r, &r->dns.tcp[i]);
	if (r->dns.udpfd >= 0)
		close(r->dns.udpfd);
	if (r->dns.tcpfd >= 0)
		close(r->dns.tcpfd);
	r->dns.udpfd = r->dns.tcpfd = -1;
}

void dns_free(struct relayd *r)
{
	dns_close(r);
	free(r->dns.tcp);
	r->dns.tcp = NULL;
	azc_names_free(r->dns.names);
	r->dns.names = NULL;
}

/*
 * Who sent a message from @a: the endpoint of @l when @a is its overlay
 * address (@l NULL: none).
 */
static void dns_sender(struct relayd *r, const struct rlink *l,
		       const struct in6_addr *a, struct azc_names_sender *s,
		       const char **al)
{
	const struct azc_relay_endpoint *ep;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->addr = *a;
	if (!l)
		return;
	s->endpoint = kern_link_endpoint(l);
	ep = azc_relay_cfg_find(&r->cfg, s->endpoint);
	if (!ep)
		return;
	for (i = 0; i < ep->n_alias; i++)
		al[i] = ep->alias[i];
	s->aliases = al;
	s->n_aliases = ep->n_alias;
	/* the key relayd.conf pins, else the one pinned at first sight */
	if (ep->has_public_key) {
		s->key_pin = ep->public_key;
		s->key_configured = true;
	} else {
		s->key_pin = azc_keypins_find(&r->pins, s->endpoint);
	}
}

/* An endpoint's name, escaped for a log line */
static void dns_esc(const char *name, char *buf, size_t size)
{
	azc_escape(name, strlen(name), buf, size);
}

/*
 * After an UPDATE that changed the zones: an endpoint without a pinned
 * key that publishes one now has it pinned (first sight), logged.
 */
static void dns_pin_first(struct relayd *r, const struct azc_names_sender *s)
{
	char fp[AZC_KEYREC_FP_LEN], esc[4 * AZC_CFG_NAME_MAX + 1];
	char err[AZC_CFG_PATH_MAX + 128];
	uint8_t key[AZC_NOISE_KEYLEN];

	if (!s->endpoint || s->key_pin ||
	    azc_names_key_of(r->dns.names, s->endpoint, key))
		return;
	azc_keyrec_fingerprint(key, fp);
	dns_esc(s->endpoint, esc, sizeof(esc));
	if (azc_keypins_set(&r->pins, s->endpoint, key, err, sizeof(err)))
		relayd_log("name service: endpoint '%s': key %s pinned (first seen), but not saved: %s; it holds until the relay stops",
			   esc, fp, err);
	else
		relayd_log("name service: endpoint '%s': key %s pinned (first seen)",
			   esc, fp);
}

void dns_reset_key(struct relayd *r, const char *name, FILE *out)
{
	const struct azc_relay_endpoint *ep = azc_relay_cfg_find(&r->cfg, name);
	char fp[AZC_KEYREC_FP_LEN], esc[4 * AZC_CFG_NAME_MAX + 1];
	char err[AZC_CFG_PATH_MAX + 128];
	uint8_t old[AZC_NOISE_KEYLEN];
	bool dropped;
	int ret;

	dns_esc(name, esc, sizeof(esc));
	if (ep && ep->has_public_key) {
		fprintf(out, "error: endpoint '%s' has its key in %s (public_key): change it there and reload (SIGHUP)\n",
			esc, r->config_path);
		return;
	}
	ret = azc_keypins_reset(&r->pins, name, old, err, sizeof(err));
	dropped = r->dns.names && azc_names_drop_key(r->dns.names, name);
	if (dropped)
		r->dns.changes++;
	if (ret == 0) {
		relayd_log("control: reset-key '%s': no key pinned%s", esc,
			   dropped ? "; its key record withdrawn" : "");
		fprintf(out, "no key pinned for '%s'%s\n", esc,
			dropped ? " (its key record withdrawn)" : "");
		return;
	}
	azc_keyrec_fingerprint(old, fp);
	relayd_log("control: endpoint '%s': pinned key %s reset by the operator%s; the next key it publishes is pinned%s%s",
		   esc, fp, dropped ? ", its key record withdrawn" : "",
		   ret < 0 ? "; the pin file not saved: " : "",
		   ret < 0 ? err : "");
	fprintf(out, "reset '%s': key %s no longer pinned%s; the next key it publishes is (at its next connection: 'azconnectctl relay disconnect %s' makes that now)\n",
		esc, fp, dropped ? ", its record withdrawn" : "", esc);
	if (ret < 0)
		fprintf(out, "error: the pin file was not saved: %s\n", err);
}

void dns_check_keys(struct relayd *r)
{
	char fp[AZC_KEYREC_FP_LEN], cfp[AZC_KEYREC_FP_LEN];
	char esc[4 * AZC_CFG_NAME_MAX + 1];
	uint8_t key[AZC_NOISE_KEYLEN];
	size_t i;

	for (i = 0; r->dns.names && i < r->cfg.n_ep; i++) {
		const struct azc_relay_endpoint *ep = &r->cfg.ep[i];

		if (!ep->has_public_key ||
		    azc_names_key_of(r->dns.names, ep->name, key) ||
		    !memcmp(key, ep->public_key, sizeof(key)))
			continue;
		azc_names_drop_key(r->dns.names, ep->name);
		r->dns.changes++;
		azc_keyrec_fingerprint(key, fp);
		azc_keyrec_fingerprint(ep->public_key, cfp);
		dns_esc(ep->name, esc, sizeof(esc));
		relayd_log("name service: endpoint '%s': its key record %s withdrawn: %s pins %s (public_key)",
			   esc, fp, r->config_path, cfp);
	}
}

bool dns_bucket_take(struct dns_bucket *b, int64_t now)
{
	if (!b->used) {
		b->used = true;
		b->tokens = RELAYD_DNS_BURST;
	} else {
		b->tokens += (double)(now - b->last) * RELAYD_DNS_RATE / 1000.0;
		if (b->tokens > RELAYD_DNS_BURST)
			b->tokens = RELAYD_DNS_BURST;
	}
	b->last = now;
	if (b->tokens < 1.0) {
		b->dropped++;
		return false;
	}
	b->tokens -= 1.0;
	return true;
}

/*
 * The answer to @msg from @peer in @out, logged if an UPDATE; its length,
 * 0 for none (a sender over its budget gets none).
 */
static int dns_answer(struct relayd *r, const struct sockaddr_in6 *peer,
		      const uint8_t *msg, size_t len, bool tcp, uint8_t *out,
		      size_t outsize)
{
	const char *al[AZC_RELAY_ALIASES_MAX];
	struct azc_names_sender s;
	char log[1024] = "";
	unsigned int before = azc_names_serial(r->dns.names);
	struct rlink *l;
	bool overlay;
	int n;

	/* One walk of the links serves the budget and the sender's name. */
	l = kern_link_of(r, &peer->sin6_addr, &overlay);
	if (!kern_dns_allow(r, l, &peer->sin6_addr, azc_now_ms()))
		return 0;
	dns_sender(r, overlay ? l : NULL, &peer->sin6_addr, &s, al);
	n = azc_names_handle(r->dns.names, msg, len, tcp, &s, azc_now_ms(),
			     out, outsize, log, sizeof(log));
	if (log[0])
		relayd_log("name service: %s", log);
	if (azc_names_serial(r->dns.names) != before) {
		r->dns.changes++;
		dns_pin_first(r, &s);
	}
	r->dns.messages++;
	return n;
}

void dns_udp_event(struct relayd *r)
{
	static uint8_t in[AZC_NAMES_MAX_MSG], out[AZC_NAMES_EDNS_SIZE];
	struct sockaddr_in6 peer;
	socklen_t pl;
	ssize_t got;
	int i, n;

	for (i = 0; i < RELAYD_DNS_UDP_BURST; i++) {
		pl = sizeof(peer);
		got = recvfrom(r->dns.udpfd, in, sizeof(in), MSG_TRUNC,
			       (struct sockaddr *)&peer, &pl);
		if (got < 0)
			return;		/* EAGAIN, or nothing to do about it */
		if (pl != sizeof(peer) || peer.sin6_family != AF_INET6 ||
		    (size_t)got > sizeof(in))
			continue;
		n = dns_answer(r, &peer, in, (size_t)got, false, out,
			       sizeof(out));
		if (n > 0)
			sendto(r->dns.udpfd, out, (size_t)n, MSG_DONTWAIT,
			       (struct sockaddr *)&peer, sizeof(peer));
	}
}

/* A free TCP slot, or the oldest connection's, closed. */
static struct dns_tcp *dns_tcp_slot(struct relayd *r)
{
	struct dns_tcp *t, *old = NULL;
	size_t i;

	for (i = 0; i < RELAYD_DNS_TCP_MAX; i++) {
		t = &r->dns.tcp[i];
		if (t->fd < 0)
			return t;
		if (!old || t->deadline < old->deadline)
			old = t;
	}
	dns_tcp_close(r, old);
	return old;
}

void dns_tcp_accept(struct relayd *r)
{
	struct sockaddr_in6 peer;
	socklen_t pl = sizeof(peer);
	struct dns_tcp *t;
	int fd;

	fd = accept4(r->dns.tcpfd, (struct sockaddr *)&peer, &pl,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	t = dns_tcp_slot(r);
	t->fd = fd;
	t->peer = peer;
	t->in_len = t->out_len = t->out_off = 0;
	t->deadline = azc_now_ms() + RELAYD_DNS_TCP_IDLE_MS;
	if (dns_watch(r, fd, t, EPOLLIN, EPOLL_CTL_ADD)) {
		close(fd);
		t->fd = -1;
		return;
	}
	r->dns.n_tcp++;
}

bool dns_tcp_owns(const struct relayd *r, const void *p)
{
	return r->dns.tcp && p >= (void *)r->dns.tcp &&
	       p < (void *)(r->dns.tcp + RELAYD_DNS_TCP_MAX);
}

/* Writes what it can of the answer; then reads again. 0, or -1: closed. */
static int dns_tcp_write(struct relayd *r, struct dns_tcp *t)
{
	ssize_t n;

	while (t->out_off < t->out_len) {
		n = send(t->fd, t->out + t->out_off, t->out_len - t->out_off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return dns_watch(r, t->fd, t, EPOLLOUT,
						 EPOLL_CTL_MOD) ? -1 : 0;
			return -1;
		}
		t->out_off += (size_t)n;
	}
	t->out_len = t->out_off = 0;
	t->deadline = azc_now_ms() + RELAYD_DNS_TCP_IDLE_MS;
	return dns_watch(r, t->fd, t, EPOLLIN, EPOLL_CTL_MOD) ? -1 : 0;
}

static bool dns_tcp_whole(const struct dns_tcp *t)
{
	return t->in_len >= 2 &&
	       t->in_len >= 2 + ((size_t)t->in[0] << 8 | t->in[1]);
}

/* A whole message in in[]: its answer out, and what follows it kept. */
static int dns_tcp_message(struct relayd *r, struct dns_tcp *t)
{
	size_t mlen = (size_t)t->in[0] << 8 | t->in[1];
	int n;

	n = dns_answer(r, &t->peer, t->in + 2, mlen, true, t->out + 2,
		       sizeof(t->out) - 2);
	memmove(t->in, t->in + 2 + mlen, t->in_len - 2 - mlen);
	t->in_len -= 2 + mlen;
	if (n <= 0)
		return n < 0 ? -1 : 0;
	t->out[0] = (uint8_t)(n >> 8);
	t->out[1] = (uint8_t)n;
	t->out_len = (size_t)n + 2;
	t->out_off = 0;
	return dns_tcp_write(r, t);
}

/*
 * Answers the whole messages read, in order, until one's answer waits for
 * room: at most 64 KiB of them, so little time. 0, or -1: to be closed.
 */
static int dns_tcp_serve(struct relayd *r, struct dns_tcp *t)
{
	while (!t->out_len && dns_tcp_whole(t))
		if (dns_tcp_message(r, t))
			return -1;
	return 0;
}

void dns_tcp_event(struct relayd *r, struct dns_tcp *t, uint32_t events)
{
	ssize_t n;

	if (t->fd < 0)
		return;
	if (t->out_len) {
		if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) &&
		    (dns_tcp_write(r, t) || dns_tcp_serve(r, t)))
			dns_tcp_close(r, t);
		return;
	}
	/* Whole messages are answered: a part of one leaves room. */
	n = recv(t->fd, t->in + t->in_len, sizeof(t->in) - t->in_len,
		 MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
		dns_tcp_close(r, t);
		return;
	}
	if (n > 0)
		t->in_len += (size_t)n;
	if (dns_tcp_serve(r, t))
		dns_tcp_close(r, t);
}

int64_t dns_deadline(const struct relayd *r)
{
	int64_t best = r->dns.names ? azc_names_deadline(r->dns.names) : -1;
	size_t i;

	for (i = 0; r->dns.tcp && i < RELAYD_DNS_TCP_MAX; i++)
		if (r->dns.tcp[i].fd >= 0 &&
		    (best < 0 || r->dns.tcp[i].deadline < best))
			best = r->dns.tcp[i].deadline;
	return best;
}

void dns_timers(struct relayd *r, int64_t now)
{
	struct dns_tcp *t;
	unsigned int gone;
	size_t i;

	if (!r->dns.names)
		return;
	gone = azc_names_expire(r->dns.names, now);
	if (gone)
		relayd_log("name service: %u records of endpoints gone for %u s withdrawn",
			   gone, r->cfg.names_grace_ms / 1000);
	for (i = 0; i < RELAYD_DNS_TCP_MAX; i++) {
		t = &r->dns.tcp[i];
		if (t->fd >= 0 && t->deadline <= now)
			dns_tcp_close(r, t);
	}
}

void dns_endpoint_up(struct relayd *r, const char *name)
{
	if (r->dns.names)
		azc_names_endpoint_up(r->dns.names, name);
}

void dns_endpoint_down(struct relayd *r, const char *name)
{
	if (r->dns.names)
		azc_names_endpoint_down(r->dns.names, name, azc_now_ms());
}
