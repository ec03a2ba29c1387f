// SPDX-License-Identifier: GPL-2.0-only
/*
 * The split-DNS forwarder: see dnsfwd.h.
 */

#define _GNU_SOURCE	/* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <ldns/ldns.h>

#include "base/util.h"
#include "dnsfwd.h"

#define FWD_TRY_MS	1500	/* then the next server */
#define FWD_GIVEUP_MS	5000	/* then SERVFAIL */
#define FWD_TCP_IDLE_MS	10000
#define FWD_MSG_MAX	65535
#define FWD_UDP_BATCH	64	/* messages per wake-up */

/* epoll data: kind << 32 | index */
enum { EV_UDP = 1, EV_LISTEN, EV_CLIENT, EV_PENDING };

struct client {
	int fd;			/* -1: free */
	unsigned int gen;	/* tells a pending query its client went */
	uint8_t *buf;		/* FWD_MSG_MAX + 2 */
	size_t got;
	int64_t last;		/* activity, for the idle limit */
};

struct pending {
	int fd;			/* to the server; -1: free */
	bool tcp;		/* to the server, as the client asked */
	int client;		/* TCP client index, or -1 (UDP) */
	unsigned int gen;
	struct sockaddr_storage from;
	socklen_t fromlen;
	uint8_t *q;
	size_t qlen;
	int target;		/* upstream index, or -1: the name service */
	int64_t start, next;	/* when it came; when to try another */
	uint64_t seq;		/* arrival order, for eviction */
	/* TCP to the server */
	bool sent;
	uint8_t *a;
	size_t got;
};

struct azc_fwd {
	int ep, udp, listen;
	struct sockaddr_storage up[3];
	int n_up;
	bool have_ns;
	struct sockaddr_in6 ns;
	ldns_rdf *zones[AZC_FWD_MAX_ZONES];
	int n_zones;
	struct client cl[AZC_FWD_MAX_TCP];
	struct pending pq[AZC_FWD_MAX_PENDING];
	uint64_t seq;
	struct azc_fwd_stats st;
	uint8_t rbuf[FWD_MSG_MAX + 2];
};

static int ep_add(struct azc_fwd *f, int fd, uint32_t events, int kind,
		  int idx)
{
	struct epoll_event ev = {
		.events = events,
		.data.u64 = (uint64_t)kind << 32 | (uint32_t)idx,
	};

	return epoll_ctl(f->ep, EPOLL_CTL_ADD, fd, &ev);
}

static void ep_mod(struct azc_fwd *f, int fd, uint32_t events, int kind,
		   int idx)
{
	struct epoll_event ev = {
		.events = events,
		.data.u64 = (uint64_t)kind << 32 | (uint32_t)idx,
	};

	epoll_ctl(f->ep, EPOLL_CTL_MOD, fd, &ev);
}

/* SERVFAIL for @q, the question kept (ldns); its length or 0. */
static size_t servfail(const uint8_t *q, size_t qlen, uint8_t *out,
		       size_t outsize)
{
	ldns_pkt *p = NULL;
	uint8_t *w = NULL;
	size_t n = 0;

	if (ldns_wire2pkt(&p, q, qlen) != LDNS_STATUS_OK)
		return 0;
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_aa(p, false);
	ldns_pkt_set_rcode(p, LDNS_RCODE_SERVFAIL);
	ldns_rr_list_deep_free(ldns_pkt_answer(p));
	ldns_rr_list_deep_free(ldns_pkt_authority(p));
	ldns_pkt_set_answer(p, ldns_rr_list_new());
	ldns_pkt_set_authority(p, ldns_rr_list_new());
	ldns_pkt_set_ancount(p, 0);
	ldns_pkt_set_nscount(p, 0);
	if (ldns_pkt2wire(&w, p, &n) != LDNS_STATUS_OK || n > outsize)
		n = 0;
	else
		memcpy(out, w, n);
	free(w);
	ldns_pkt_free(p);
	return n;
}

static void client_close(struct azc_fwd *f, int i)
{
	struct client *c = &f->cl[i];

	if (c->fd < 0)
		return;
	close(c->fd);
	c->fd = -1;
	c->gen++;
	c->got = 0;
}

/* The answer @a to the client of @p: by UDP, or framed on its connection. */
static void reply(struct azc_fwd *f, struct pending *p, const uint8_t *a,
		  size_t alen)
{
	struct client *c;
	uint8_t hdr[2];
	struct iovec iov[2];
	ssize_t n;

	if (!alen)
		return;
	if (p->client < 0) {
		sendto(f->udp, a, alen, MSG_DONTWAIT, (struct sockaddr *)&p->from,
		       p->fromlen);
		return;
	}
	c = &f->cl[p->client];
	if (c->fd < 0 || c->gen != p->gen)
		return;
	hdr[0] = (uint8_t)(alen >> 8);
	hdr[1] = (uint8_t)alen;
	iov[0] = (struct iovec){ hdr, 2 };
	iov[1] = (struct iovec){ (void *)a, alen };
	n = writev(c->fd, iov, 2);
	/* A client that does not take its answer at once loses it and us. */
	if (n != (ssize_t)alen + 2)
		client_close(f, p->client);
}

static void pending_free(struct azc_fwd *f, struct pending *p)
{
	(void)f;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	free(p->q);
	free(p->a);
	p->q = p->a = NULL;
	p->qlen = p->got = 0;
}

static void pending_fail(struct azc_fwd *f, struct pending *p)
{
	size_t n = servfail(p->q, p->qlen, f->rbuf, sizeof(f->rbuf));

	f->st.servfail++;
	reply(f, p, f->rbuf, n);
	pending_free(f, p);
}

/* A socket to @p's server, the query on its way: 0 or -errno. */
static int pending_send(struct azc_fwd *f, struct pending *p, int idx)
{
	const struct sockaddr *sa;
	socklen_t salen;
	int fd;

	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->sent = false;
	p->got = 0;
	if (p->target < 0) {
		sa = (const struct sockaddr *)&f->ns;
		salen = sizeof(f->ns);
	} else {
		sa = (const struct sockaddr *)&f->up[p->target];
		salen = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						    sizeof(struct sockaddr_in);
	}
	fd = socket(sa->sa_family, (p->tcp ? SOCK_STREAM : SOCK_DGRAM) |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, sa, salen) && errno != EINPROGRESS) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	if (!p->tcp && send(fd, p->q, p->qlen, 0) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	p->fd = fd;
	if (ep_add(f, fd, p->tcp ? EPOLLOUT : EPOLLIN, EV_PENDING, idx)) {
		int ret = -errno;

		close(fd);
		p->fd = -1;
		return ret;
	}
	if (p->target < 0)
		f->st.overlay++;
	else
		f->st.upstream++;
	return 0;
}

/* On to the next upstream server, if any; else SERVFAIL. */
static void pending_next(struct azc_fwd *f, struct pending *p, int idx,
			 int64_t now)
{
	while (p->target >= 0 && p->target + 1 < f->n_up) {
		p->target++;
		p->next = now + FWD_TRY_MS;
		if (!pending_send(f, p, idx))
			return;
	}
	pending_fail(f, p);
}

/*
 * Whether the one question of @q asks for a name in one of the overlay's
 * zones or below one. Only the question is read: its name, and the type
 * and class after it.
 */
static bool overlay_name(const struct azc_fwd *f, const uint8_t *q,
			 size_t qlen)
{
	size_t pos = LDNS_HEADER_SIZE;
	ldns_rdf *name = NULL;
	bool ours = false;
	int i;

	if (!f->n_zones || qlen < LDNS_HEADER_SIZE || LDNS_QDCOUNT(q) != 1 ||
	    ldns_wire2dname(&name, q, qlen, &pos) != LDNS_STATUS_OK)
		return false;
	if (qlen - pos >= 4)
		for (i = 0; i < f->n_zones && !ours; i++)
			ours = !ldns_dname_compare(name, f->zones[i]) ||
			       ldns_dname_is_subdomain(name, f->zones[i]);
	ldns_rdf_deep_free(name);
	return ours;
}

static struct pending *pending_slot(struct azc_fwd *f, int *idx)
{
	struct pending *old = NULL;
	int i, oi = 0;

	for (i = 0; i < AZC_FWD_MAX_PENDING; i++) {
		if (!f->pq[i].q) {
			*idx = i;
			return &f->pq[i];
		}
		if (!old || f->pq[i].seq < old->seq) {
			old = &f->pq[i];
			oi = i;
		}
	}
	pending_fail(f, old);
	*idx = oi;
	return old;
}

/* A query from a client: on its way, or answered SERVFAIL. */
static void query(struct azc_fwd *f, const uint8_t *q, size_t qlen,
		  int client, const struct sockaddr_storage *from,
		  socklen_t fromlen, int64_t now)
{
	struct pending *p;
	int idx;

	/* Too short for a header, or a response: not for us. */
	if (qlen < LDNS_HEADER_SIZE || LDNS_QR_WIRE(q)) {
		f->st.dropped++;
		return;
	}
	p = pending_slot(f, &idx);
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->q = malloc(qlen);
	if (!p->q) {
		f->st.dropped++;
		return;
	}
	memcpy(p->q, q, qlen);
	p->qlen = qlen;
	p->client = client;
	p->tcp = client >= 0;
	p->gen = client >= 0 ? f->cl[client].gen : 0;
	if (from) {
		memcpy(&p->from, from, fromlen);
		p->fromlen = fromlen;
	}
	p->start = now;
	p->next = now + FWD_TRY_MS;
	p->seq = ++f->seq;
	if (overlay_name(f, q, qlen)) {
		p->target = -1;
		if (!f->have_ns || pending_send(f, p, idx))
			pending_fail(f, p);
		return;
	}
	p->target = 0;
	if (!f->n_up)
		pending_fail(f, p);
	else if (pending_send(f, p, idx))
		pending_next(f, p, idx, now);
}

static void udp_read(struct azc_fwd *f, int64_t now)
{
	struct sockaddr_storage from;
	socklen_t fl;
	ssize_t n;
	int i;

	for (i = 0; i < FWD_UDP_BATCH; i++) {
		fl = sizeof(from);
		n = recvfrom(f->udp, f->rbuf, FWD_MSG_MAX, MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		query(f, f->rbuf, (size_t)n, -1, &from, fl, now);
	}
}

static void tcp_accept(struct azc_fwd *f, int64_t now)
{
	int fd, i, free_i = -1, old = 0;

	fd = accept4(f->listen, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < AZC_FWD_MAX_TCP; i++) {
		if (f->cl[i].fd < 0 && free_i < 0)
			free_i = i;
		if (f->cl[i].last < f->cl[old].last)
			old = i;
	}
	if (free_i < 0) {
		client_close(f, old);
		free_i = old;
	}
	if (!f->cl[free_i].buf)
		f->cl[free_i].buf = malloc(FWD_MSG_MAX + 2);
	if (!f->cl[free_i].buf || ep_add(f, fd, EPOLLIN, EV_CLIENT, free_i)) {
		close(fd);
		return;
	}
	f->cl[free_i].fd = fd;
	f->cl[free_i].got = 0;
	f->cl[free_i].last = now;
}

static void tcp_client_read(struct azc_fwd *f, int i, int64_t now)
{
	struct client *c = &f->cl[i];
	size_t need;
	ssize_t n;

	n = read(c->fd, c->buf + c->got, FWD_MSG_MAX + 2 - c->got);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			client_close(f, i);
		return;
	}
	c->got += (size_t)n;
	c->last = now;
	while (c->fd >= 0 && c->got >= 2) {
		need = (size_t)c->buf[0] << 8 | c->buf[1];
		if (c->got < need + 2)
			break;
		query(f, c->buf + 2, need, i, NULL, 0, now);
		memmove(c->buf, c->buf + 2 + need, c->got - 2 - need);
		c->got -= 2 + need;
	}
}

/* The server's answer: relayed when it is one to our query. */
static void pending_event(struct azc_fwd *f, int idx, uint32_t events,
			  int64_t now)
{
	struct pending *p = &f->pq[idx];
	uint8_t hdr[2];
	ssize_t n;

	if (p->fd < 0)
		return;
	if (!p->tcp) {
		n = recv(p->fd, f->rbuf, FWD_MSG_MAX, MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN) {
			pending_next(f, p, idx, now);	/* refused */
			return;
		}
		if (n < LDNS_HEADER_SIZE || !LDNS_QR_WIRE(f->rbuf) ||
		    LDNS_ID_WIRE(f->rbuf) != LDNS_ID_WIRE(p->q))
			return;
		reply(f, p, f->rbuf, (size_t)n);
		pending_free(f, p);
		return;
	}
	if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
		pending_next(f, p, idx, now);
		return;
	}
	if (!p->sent) {
		struct iovec iov[2];

		hdr[0] = (uint8_t)(p->qlen >> 8);
		hdr[1] = (uint8_t)p->qlen;
		iov[0] = (struct iovec){ hdr, 2 };
		iov[1] = (struct iovec){ p->q, p->qlen };
		n = writev(p->fd, iov, 2);
		if (n != (ssize_t)p->qlen + 2) {
			pending_next(f, p, idx, now);
			return;
		}
		p->sent = true;
		ep_mod(f, p->fd, EPOLLIN, EV_PENDING, idx);
		return;
	}
	if (!p->a) {
		p->a = malloc(FWD_MSG_MAX + 2);
		if (!p->a) {
			pending_fail(f, p);
			return;
		}
	}
	n = read(p->fd, p->a + p->got, FWD_MSG_MAX + 2 - p->got);
	if (n <= 0) {
		if (n == 0 || errno != EAGAIN)
			pending_next(f, p, idx, now);
		return;
	}
	p->got += (size_t)n;
	if (p->got >= 2) {
		size_t need = (size_t)p->a[0] << 8 | p->a[1];

		if (p->got < need + 2)
			return;
		if (need < LDNS_HEADER_SIZE || !LDNS_QR_WIRE(p->a + 2) ||
		    LDNS_ID_WIRE(p->a + 2) != LDNS_ID_WIRE(p->q)) {
			pending_next(f, p, idx, now);
			return;
		}
		reply(f, p, p->a + 2, need);
		pending_free(f, p);
	}
}

int64_t azc_fwd_deadline(const struct azc_fwd *f)
{
	int64_t d = -1, t;
	int i;

	for (i = 0; i < AZC_FWD_MAX_PENDING; i++) {
		const struct pending *p = &f->pq[i];

		if (!p->q)
			continue;
		t = p->start + FWD_GIVEUP_MS;
		if (p->target >= 0 && p->target + 1 < f->n_up && p->next < t)
			t = p->next;
		if (d < 0 || t < d)
			d = t;
	}
	for (i = 0; i < AZC_FWD_MAX_TCP; i++)
		if (f->cl[i].fd >= 0 &&
		    (d < 0 || f->cl[i].last + FWD_TCP_IDLE_MS < d))
			d = f->cl[i].last + FWD_TCP_IDLE_MS;
	return d;
}

static void timers(struct azc_fwd *f, int64_t now)
{
	int i;

	for (i = 0; i < AZC_FWD_MAX_PENDING; i++) {
		struct pending *p = &f->pq[i];

		if (!p->q)
			continue;
		if (now >= p->start + FWD_GIVEUP_MS)
			pending_fail(f, p);
		else if (p->target >= 0 && p->target + 1 < f->n_up &&
			 now >= p->next)
			pending_next(f, p, i, now);
	}
	for (i = 0; i < AZC_FWD_MAX_TCP; i++)
		if (f->cl[i].fd >= 0 && now >= f->cl[i].last + FWD_TCP_IDLE_MS)
			client_close(f, i);
}

void azc_fwd_run(struct azc_fwd *f, int64_t now)
{
	struct epoll_event ev[32];
	int n, i;

	n = epoll_wait(f->ep, ev, AZC_ARRAY_SIZE(ev), 0);
	for (i = 0; i < n; i++) {
		int kind = (int)(ev[i].data.u64 >> 32);
		int idx = (int)(uint32_t)ev[i].data.u64;

		switch (kind) {
		case EV_UDP:
			udp_read(f, now);
			break;
		case EV_LISTEN:
			tcp_accept(f, now);
			break;
		case EV_CLIENT:
			if (f->cl[idx].fd >= 0)
				tcp_client_read(f, idx, now);
			break;
		case EV_PENDING:
			pending_event(f, idx, ev[i].events, now);
			break;
		}
	}
	timers(f, now);
}

int azc_fwd_set_overlay(struct azc_fwd *f, const struct in6_addr *ns,
			uint32_t ifindex, const char *const *zones,
			int n_zones)
{
	ldns_rdf *z[AZC_FWD_MAX_ZONES];
	int i;

	if (n_zones > AZC_FWD_MAX_ZONES)
		return -EINVAL;
	for (i = 0; i < n_zones; i++) {
		z[i] = ldns_dname_new_frm_str(zones[i]);
		if (!z[i]) {
			while (i--)
				ldns_rdf_deep_free(z[i]);
			return -EINVAL;
		}
		ldns_dname2canonical(z[i]);
	}
	for (i = 0; i < f->n_zones; i++)
		ldns_rdf_deep_free(f->zones[i]);
	memcpy(f->zones, z, sizeof(z[0]) * (size_t)n_zones);
	f->n_zones = n_zones;
	f->have_ns = ns;
	if (ns) {
		memset(&f->ns, 0, sizeof(f->ns));
		f->ns.sin6_family = AF_INET6;
		f->ns.sin6_port = htons(AZC_DNS_PORT);
		f->ns.sin6_addr = *ns;
		if (IN6_IS_ADDR_LINKLOCAL(ns))
			f->ns.sin6_scope_id = ifindex;
	}
	return 0;
}

struct azc_fwd *azc_fwd_new(const struct sockaddr_in *listen_at,
			    const struct sockaddr_storage *up, int n_up,
			    char *err, size_t errlen)
{
	struct azc_fwd *f = calloc(1, sizeof(*f));
	char a[INET_ADDRSTRLEN];
	int one = 1, i;

	if (!f) {
		snprintf(err, errlen, "no memory");
		return NULL;
	}
	f->udp = f->listen = -1;
	for (i = 0; i < AZC_FWD_MAX_PENDING; i++)
		f->pq[i].fd = -1;
	for (i = 0; i < AZC_FWD_MAX_TCP; i++)
		f->cl[i].fd = -1;
	f->n_up = n_up > 3 ? 3 : n_up;
	memcpy(f->up, up, sizeof(up[0]) * (size_t)f->n_up);
	inet_ntop(AF_INET, &listen_at->sin_addr, a, sizeof(a));
	f->ep = epoll_create1(EPOLL_CLOEXEC);
	f->udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	f->listen = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			   0);
	if (f->ep < 0 || f->udp < 0 || f->listen < 0)
		goto fail;
	setsockopt(f->listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(f->udp, (const struct sockaddr *)listen_at,
		 sizeof(*listen_at)) ||
	    bind(f->listen, (const struct sockaddr *)listen_at,
		 sizeof(*listen_at)) ||
	    listen(f->listen, 16) ||
	    ep_add(f, f->udp, EPOLLIN, EV_UDP, 0) ||
	    ep_add(f, f->listen, EPOLLIN, EV_LISTEN, 0))
		goto fail;
	return f;
fail:
	snprintf(err, errlen, "DNS forwarder on %s port %u: %s", a,
		 ntohs(listen_at->sin_port), strerror(errno));
	azc_fwd_free(f);
	return NULL;
}

void azc_fwd_free(struct azc_fwd *f)
{
	int i;

	if (!f)
		return;
	for (i = 0; i < AZC_FWD_MAX_PENDING; i++)
		pending_free(f, &f->pq[i]);
	for (i = 0; i < AZC_FWD_MAX_TCP; i++) {
		client_close(f, i);
		free(f->cl[i].buf);
	}
	for (i = 0; i < f->n_zones; i++)
		ldns_rdf_deep_free(f->zones[i]);
	if (f->udp >= 0)
		close(f->udp);
	if (f->listen >= 0)
		close(f->listen);
	if (f->ep >= 0)
		close(f->ep);
	free(f);
}

int azc_fwd_fd(const struct azc_fwd *f)
{
	return f->ep;
}

void azc_fwd_get_stats(const struct azc_fwd *f, struct azc_fwd_stats *s)
{
	*s = f->st;
}
