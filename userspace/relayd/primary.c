// SPDX-License-Identifier: GPL-2.0-only
/*
 * Forwarding the name service's changes to a primary name server
 * (dns_update, dns_tsig; the messages are primary_msg.c's, primary.h).
 *
 * names.c tells of every RRset that changed (an owner and a type); such
 * an RRset joins a queue, once however often it changes while it waits.
 * One UPDATE is in flight at a time: up to PRIMARY_BATCH RRsets of one
 * zone from the head of the queue, each replaced with what the name
 * service serves when the message is built. Unanswered, it is built and
 * sent again (a new id, a new signature) after 1, 2, 4 ... s, at most
 * PRIMARY_RETRY_MAX_MS apart, for as long as it takes; after
 * PRIMARY_UNREACHABLE_TRIES the primary counts as unreachable, said once.
 * The queue holds PRIMARY_QUEUE RRsets: beyond, the oldest goes, said in
 * the log, and a resync follows the next answer.
 *
 * A resync queues every RRset an endpoint of the configuration may have
 * (its names' AAAA, its address's PTR and key TXT), as the name service
 * has them then: those it does not serve are deleted at the primary. It runs once the
 * grace period (names_grace) after the start, so that the primary keeps
 * what endpoints held before a restart of the relay while they reconnect,
 * and again after the primary was unreachable or RRsets were dropped.
 *
 * An answer counts when it comes from the primary's address and port
 * (the socket is connected), carries the UPDATE's id and verifies with
 * the key; a refusal is logged, counted and shown with the control
 * socket's "status", and its RRsets are not sent again (a wrong key would
 * only be refused again; the resync after a restart repairs the rest).
 * Nothing here blocks the loop.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "relayd.h"
#include "names.h"
#include "primary.h"
#include "ula.h"

#define PRIMARY_QUEUE		1024	/* RRsets waiting */
#define PRIMARY_BATCH		8	/* RRsets in one UPDATE, at most */
#define PRIMARY_RETRY_MS	1000	/* the first wait for an answer */
#define PRIMARY_RETRY_MAX_MS	30000
#define PRIMARY_UNREACHABLE_TRIES 4	/* 1 + 2 + 4 + 8 s unanswered */
#define PRIMARY_RECV_BURST	16

struct pent {
	ldns_rdf *owner;
	ldns_rr_type type;
	bool rev;		/* in the reverse zone */
};

struct relay_primary {
	int fd;
	bool connected;
	char server[64];	/* as configured, for logs */
	struct pent q[PRIMARY_QUEUE];
	size_t n_q;
	/* the UPDATE in flight */
	struct pent fl[PRIMARY_BATCH];
	size_t n_fl;
	uint16_t id;
	ldns_rdf *mac;
	unsigned int tries;
	int64_t retry_at;	/* 0: nothing in flight */
	/* the state, for logs and "status" */
	bool unreachable, refused_state;
	bool need_resync;	/* at the next answer */
	int64_t resync_at;	/* 0: none planned */
	bool resyncing;
	size_t resync_next;	/* the next endpoint of the configuration */
	bool icmp_logged;
	uint64_t sent, answered, refused, retries, dropped, ignored, resyncs;
	char last_error[320];
	time_t last_error_at;
};

static void set_error(struct relay_primary *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(struct relay_primary *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->last_error, sizeof(p->last_error), fmt, ap);
	va_end(ap);
	p->last_error_at = time(NULL);
}

static void pent_free(struct pent *e)
{
	ldns_rdf_deep_free(e->owner);
	e->owner = NULL;
}

/* "name type", escaped, for logs */
static void pent_str(const struct pent *e, char *buf, size_t size)
{
	char *s = ldns_rdf2str(e->owner);
	char line[300];

	/* ldns escapes names (\DDD); the rest as names.c does */
	snprintf(line, sizeof(line), "%.260s %s", s ? s : "?",
		 e->type == LDNS_RR_TYPE_PTR ? "PTR" :
		 e->type == LDNS_RR_TYPE_TXT ? "TXT" : "AAAA");
	azc_escape_line(line, buf, size);
	free(s);
}

/* Queues @owner's RRset of @type unless it waits already (taken over). */
static void enqueue(struct relayd *r, ldns_rdf *owner, ldns_rr_type type)
{
	struct relay_primary *p = r->prim;
	char what[300];
	size_t i;

	if (!owner)
		return;		/* no memory: a resync will do */
	for (i = 0; i < p->n_q; i++) {
		if (p->q[i].type == type &&
		    !ldns_dname_compare(p->q[i].owner, owner)) {
			ldns_rdf_deep_free(owner);
			return;
		}
	}
	if (p->n_q == PRIMARY_QUEUE) {
		pent_str(&p->q[0], what, sizeof(what));
		if (!p->dropped++ || !(p->dropped % 1000))
			relayd_log("primary %s: queue full (%d changes): the oldest, %s, dropped (%llu so far); a resync follows the next answer",
				   p->server, PRIMARY_QUEUE, what,
				   (unsigned long long)p->dropped);
		pent_free(&p->q[0]);
		memmove(p->q, p->q + 1, (p->n_q - 1) * sizeof(p->q[0]));
		p->n_q--;
		p->need_resync = true;
	}
	p->q[p->n_q].owner = owner;
	p->q[p->n_q].type = type;
	/* PTR and the key's TXT are the reverse zone's, AAAA the forward's */
	p->q[p->n_q].rev = type != LDNS_RR_TYPE_AAAA;
	p->n_q++;
}

/* names.c's hook: an RRset changed. */
static void on_change(void *ctx, const ldns_rdf *owner, uint16_t type)
{
	enqueue(ctx, ldns_rdf_clone(owner), (ldns_rr_type)type);
}

/* LABEL.zone, lower case, or NULL */
static ldns_rdf *name_under(const char *label, const ldns_rdf *zone)
{
	ldns_rdf *d;

	if (!azc_dns_label_ok(label, strlen(label)))
		return NULL;
	d = ldns_dname_new_frm_str(label);
	if (d && ldns_dname_cat(d, zone) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(d);
		return NULL;
	}
	if (d)
		ldns_dname2canonical(d);
	return d;
}

/* Every RRset endpoint @ep may have, queued. */
static void enqueue_endpoint(struct relayd *r,
			     const struct azc_relay_endpoint *ep)
{
	const ldns_rdf *fwd = azc_names_apex(r->dns.names, false);
	uint8_t iid[AZC_IID_LEN];
	struct in6_addr a;
	ldns_rdf *ad, *rev;
	size_t i;

	if (azc_dns_label_ok(ep->name, strlen(ep->name)))
		enqueue(r, name_under(ep->name, fwd), LDNS_RR_TYPE_AAAA);
	for (i = 0; i < ep->n_alias; i++)
		enqueue(r, name_under(ep->alias[i], fwd), LDNS_RR_TYPE_AAAA);
	/* its address is the one its links get: the prefix and its IID */
	if (azc_iid_assign(&r->iids, ep->name, iid))
		return;
	azc_prefix_addr(&r->k.p64, iid, &a);
	ad = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, sizeof(a), &a);
	rev = ad ? ldns_rdf_address_reverse(ad) : NULL;
	ldns_rdf_deep_free(ad);
	if (rev)
		ldns_dname2canonical(rev);
	enqueue(r, rev ? ldns_rdf_clone(rev) : NULL, LDNS_RR_TYPE_TXT);
	enqueue(r, rev, LDNS_RR_TYPE_PTR);
}

static void resync_start(struct relayd *r, const char *why)
{
	struct relay_primary *p = r->prim;

	p->resync_at = 0;
	p->need_resync = false;
	p->resyncing = true;
	p->resync_next = 0;
	p->resyncs++;
	relayd_log("primary %s: resync of the names of %zu endpoints (%s)",
		   p->server, r->cfg.n_ep, why);
}

/* The resync's next endpoints, while the queue has room. */
static void resync_fill(struct relayd *r)
{
	struct relay_primary *p = r->prim;

	while (p->resyncing && p->n_q + 2 + AZC_RELAY_ALIASES_MAX <
	       PRIMARY_QUEUE / 2) {
		if (p->resync_next >= r->cfg.n_ep) {
			p->resyncing = false;
			break;
		}
		enqueue_endpoint(r, &r->cfg.ep[p->resync_next++]);
	}
}

static void flight_free(struct relay_primary *p)
{
	size_t i;

	for (i = 0; i < p->n_fl; i++)
		pent_free(&p->fl[i]);
	p->n_fl = 0;
	ldns_rdf_deep_free(p->mac);
	p->mac = NULL;
	p->retry_at = 0;
	p->tries = 0;
}

/* "a AAAA, b AAAA" of the UPDATE in flight, for logs */
static void flight_str(const struct relay_primary *p, char *buf,
		       size_t size)
{
	char one[300];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < p->n_fl && n + 1 < size; i++) {
		pent_str(&p->fl[i], one, sizeof(one));
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
				      one);
	}
}

/* Builds the UPDATE in flight from what is served now, and sends it. */
static void flight_send(struct relayd *r, int64_t now)
{
	struct relay_primary *p = r->prim;
	struct azc_primary_rrset sets[PRIMARY_BATCH];
	ldns_rr_list *lists[PRIMARY_BATCH] = { NULL };
	size_t n = p->n_fl, i;
	uint8_t *wire = NULL;
	size_t len = 0;
	int ret = -ENOMEM;
	int64_t wait;

	ldns_rdf_deep_free(p->mac);
	p->mac = NULL;
	for (;;) {
		for (i = 0; i < n; i++) {
			lists[i] = ldns_rr_list_new();
			if (!lists[i] ||
			    azc_names_rrset(r->dns.names, p->fl[i].owner,
					    p->fl[i].type, now, lists[i]))
				goto built;
			sets[i].owner = p->fl[i].owner;
			sets[i].type = p->fl[i].type;
			sets[i].rrs = lists[i];
		}
		if (getrandom(&p->id, sizeof(p->id), GRND_NONBLOCK) !=
		    sizeof(p->id))
			p->id = (uint16_t)(p->id * 31421u + 6927u);
		ret = azc_primary_build(azc_names_apex(r->dns.names,
						       p->fl[0].rev),
					sets, n, p->id, &r->cfg.tsig, &wire,
					&len, &p->mac);
		if (ret != -E2BIG || n == 1)
			break;
		/* too large for one datagram: half of it now, the rest back */
		for (i = 0; i < n; i++) {
			ldns_rr_list_deep_free(lists[i]);
			lists[i] = NULL;
		}
		while (n > (p->n_fl + 1) / 2) {
			n--;
			if (p->n_q == PRIMARY_QUEUE) {
				/* filled while this waited: a resync */
				pent_free(&p->fl[n]);
				p->dropped++;
				p->need_resync = true;
				continue;
			}
			memmove(p->q + 1, p->q, p->n_q * sizeof(p->q[0]));
			p->q[0] = p->fl[n];
			p->n_q++;
		}
		p->n_fl = n;
	}
built:
	for (i = 0; i < p->n_fl; i++)
		ldns_rr_list_deep_free(lists[i]);
	if (ret) {
		char what[1024];

		flight_str(p, what, sizeof(what));
		relayd_log("primary %s: the update of %s cannot be made (%s): dropped",
			   p->server, what, strerror(-ret));
		p->dropped += p->n_fl;
		p->need_resync = true;
		flight_free(p);
		return;
	}
	if (!p->connected)
		p->connected = !connect(p->fd,
					(struct sockaddr *)&r->cfg.dns_server,
					r->cfg.dns_server_len);
	if (p->connected && send(p->fd, wire, len, MSG_DONTWAIT) == (ssize_t)len)
		p->sent++;
	free(wire);
	if (p->tries)
		p->retries++;
	wait = (int64_t)PRIMARY_RETRY_MS << (p->tries < 5 ? p->tries : 5);
	if (wait > PRIMARY_RETRY_MAX_MS)
		wait = PRIMARY_RETRY_MAX_MS;
	p->tries++;
	p->retry_at = now + wait;
}

/* The next UPDATE, if none is in flight: RRsets of the head's zone. */
static void kick(struct relayd *r, int64_t now)
{
	struct relay_primary *p = r->prim;
	size_t i, k;
	bool rev;

	if (p->retry_at)
		return;
	resync_fill(r);
	if (!p->n_q)
		return;
	rev = p->q[0].rev;
	for (i = k = 0; i < p->n_q; i++) {
		/* an owner waits once: the order among owners is free */
		if (p->q[i].rev == rev && p->n_fl < PRIMARY_BATCH)
			p->fl[p->n_fl++] = p->q[i];
		else
			p->q[k++] = p->q[i];
	}
	p->n_q = k;
	flight_send(r, now);
}

int primary_init(struct relayd *r)
{
	struct relay_primary *p;

	if (!r->cfg.dns_update[0])
		return 0;
	if (!r->dns.names) {
		relayd_log("dns_update %s: no name service without the kernel data path: nothing to forward",
			   r->cfg.dns_update);
		return 0;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	snprintf(p->server, sizeof(p->server), "%s", r->cfg.dns_update);
	p->fd = socket(r->cfg.dns_server.ss_family,
		       SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		relayd_log("primary %s: %s", p->server, strerror(errno));
		free(p);
		return -errno;
	}
	/* answers only from there; ICMP errors as ECONNREFUSED */
	p->connected = !connect(p->fd, (struct sockaddr *)&r->cfg.dns_server,
				r->cfg.dns_server_len);
	{
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = p };

		if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, p->fd, &ev)) {
			relayd_log("primary %s: epoll: %s", p->server,
				   strerror(errno));
			close(p->fd);
			free(p);
			return -errno;
		}
	}
	r->prim = p;
	azc_names_set_hook(r->dns.names, on_change, r);
	p->resync_at = azc_now_ms() + r->cfg.names_grace_ms;
	relayd_log("primary %s: the name service's changes go there as UPDATEs signed with key %s (%s); resync of all names in %u s",
		   p->server, r->cfg.tsig.name, r->cfg.tsig.algorithm,
		   r->cfg.names_grace_ms / 1000);
	return 0;
}

bool primary_owns(const struct relayd *r, const void *ptr)
{
	return r->prim && ptr == (const void *)r->prim;
}

static void on_answer(struct relayd *r, const uint8_t *msg, size_t len)
{
	struct relay_primary *p = r->prim;
	enum azc_primary_verdict v;
	char why[256], what[1024];

	if (!p->retry_at)
		return;		/* late: its UPDATE was answered */
	v = azc_primary_answer(msg, len, p->id, &r->cfg.tsig, p->mac,
			       time(NULL), why, sizeof(why));
	if (v == AZC_PRIMARY_IGNORED) {
		/* an earlier try's answer, or not one at all */
		if (len >= LDNS_HEADER_SIZE && LDNS_ID_WIRE(msg) != p->id)
			return;
		p->ignored++;
		relayd_log("primary %s: answer ignored: %s", p->server, why);
		set_error(p, "answer ignored: %s", why);
		return;
	}
	p->answered++;
	flight_str(p, what, sizeof(what));
	if (p->unreachable)
		relayd_log("primary %s: answers again", p->server);
	p->unreachable = false;
	p->icmp_logged = false;
	if (v == AZC_PRIMARY_REFUSED) {
		p->refused++;
		p->refused_state = true;
		relayd_log("primary %s: refused the update of %s: %s",
			   p->server, what, why);
		set_error(p, "refused the update of %s: %s", what, why);
	} else {
		p->refused_state = false;
	}
	flight_free(p);
	if (p->need_resync)
		resync_start(r, "after the primary answered again");
}

void primary_event(struct relayd *r)
{
	struct relay_primary *p = r->prim;
	static uint8_t buf[65536];
	ssize_t n;
	int i;

	for (i = 0; i < PRIMARY_RECV_BURST; i++) {
		n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/* ICMP: nobody at that port, no route... */
			if (!p->icmp_logged) {
				relayd_log("primary %s: %s; retrying",
					   p->server, strerror(errno));
				p->icmp_logged = true;
			}
			set_error(p, "%s", strerror(errno));
			continue;
		}
		on_answer(r, buf, (size_t)n);
	}
	kick(r, azc_now_ms());
}

int64_t primary_deadline(const struct relayd *r)
{
	const struct relay_primary *p = r->prim;
	int64_t best = -1;

	if (!p)
		return -1;
	if (p->retry_at)
		best = p->retry_at;
	if (p->resync_at && (best < 0 || p->resync_at < best))
		best = p->resync_at;
	/* queued changes go at once (the hook cannot send) */
	if (!p->retry_at && (p->n_q || p->resyncing))
		best = azc_now_ms();
	return best;
}

void primary_timers(struct relayd *r, int64_t now)
{
	struct relay_primary *p = r->prim;
	char what[1024];

	if (!p)
		return;
	if (p->resync_at && now >= p->resync_at)
		resync_start(r, "at start, after the grace period");
	if (p->retry_at && now >= p->retry_at) {
		if (p->tries == PRIMARY_UNREACHABLE_TRIES && !p->unreachable) {
			flight_str(p, what, sizeof(what));
			p->unreachable = true;
			p->need_resync = true;
			relayd_log("primary %s: no answer to %u tries of the update of %s: unreachable; trying again every %d s at most, a resync follows",
				   p->server, p->tries, what,
				   PRIMARY_RETRY_MAX_MS / 1000);
			set_error(p, "no answer to %u tries", p->tries);
		}
		flight_send(r, now);
	}
	kick(r, now);
}

void primary_status(struct relayd *r, FILE *out)
{
	struct relay_primary *p = r->prim;
	char when[32] = "";
	struct tm tm;

	if (!p) {
		fprintf(out, "primary=none\n");
		return;
	}
	if (p->last_error_at && gmtime_r(&p->last_error_at, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(out, "primary=%s key=%s state=%s queued=%zu sent=%llu answered=%llu refused=%llu retries=%llu dropped=%llu ignored=%llu resyncs=%llu",
		p->server, r->cfg.tsig.name,
		p->unreachable ? "unreachable" :
		p->refused_state ? "refused" :
		p->answered ? "ok" : "waiting",
		p->n_q + p->n_fl, (unsigned long long)p->sent,
		(unsigned long long)p->answered,
		(unsigned long long)p->refused,
		(unsigned long long)p->retries,
		(unsigned long long)p->dropped,
		(unsigned long long)p->ignored,
		(unsigned long long)p->resyncs);
	if (p->last_error[0])
		fprintf(out, " last_error_at=%s last_error=\"%s\"", when,
			p->last_error);
	fputc('\n', out);
}

void primary_free(struct relayd *r)
{
	struct relay_primary *p = r->prim;
	size_t i;

	if (!p)
		return;
	if (r->dns.names)
		azc_names_set_hook(r->dns.names, NULL, NULL);
	if (p->n_q || p->n_fl)
		relayd_log("primary %s: %zu changes not sent (the next start's resync sends them)",
			   p->server, p->n_q + p->n_fl);
	flight_free(p);
	for (i = 0; i < p->n_q; i++)
		pent_free(&p->q[i]);
	close(p->fd);
	free(p);
	r->prim = NULL;
}
