// SPDX-License-Identifier: GPL-2.0-only
/*
 * The relay's kernel data path: the relay device and its addresses, and
 * the links, one per connected endpoint. After the hand-off the kernel
 * carries the endpoint's IPv6 packets; its control frames reach the
 * session engine over netlink (kframe.c), whose timers still run here.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "engine/kframe.h"
#include "kernel/handoff.h"
#include "kernel/nllink.h"
#include "relayd.h"
#include "kernel/rtdev.h"
#include "ula.h"

struct rlink {
	struct rlink *prev, *next;
	struct relayd *r;
	struct peer_log log;		/* the connection's, and its limit */
	int64_t since;			/* handed to the kernel */
	uint32_t link_id;
	struct azc_sess *sess;
	struct azc_kframe kf;
	bool deleting;			/* link-del sent */
	struct dns_bucket dns;		/* its budget at the name service */
};

#define link_log(l, ...)	peer_log(&(l)->log, false, __VA_ARGS__)
/* How a link ended: never lost to the limit */
#define link_log_end(l, ...)	peer_log(&(l)->log, true, __VA_ARGS__)

static void link_sess_log(void *ctx, enum azc_sess_log_level level,
			  const char *msg)
{
	struct rlink *l = ctx;

	if (level >= AZC_SESS_LOG_INFO)
		link_log(l, "%s", msg);
}

/* The overlay /64: configured, or a subnet of the state directory's ULA. */
static int kern_prefix(struct relayd *r)
{
	struct in6_addr p;
	unsigned int plen = 48;
	char err[AZC_CFG_ERR_LEN], s[AZC_ULA_STRLEN];

	if (r->cfg.prefix[0]) {
		if (azc_prefix_parse(r->cfg.prefix, &p, &plen)) {
			relayd_log("prefix '%s': expected an IPv6 /48 or /64 (\"fdXX:XXXX:XXXX::/48\")",
				   r->cfg.prefix);
			return -EINVAL;
		}
	} else if (azc_ula_load(r->cfg.state_dir, &p, err, sizeof(err))) {
		relayd_log("%s", err);
		return -EIO;
	}
	if (plen == 48)
		azc_ula_subnet(&p, (uint16_t)r->cfg.subnet_id, &r->k.p64);
	else
		r->k.p64 = p;
	azc_prefix_format(&r->k.p64, 64, s, sizeof(s));
	relayd_log("overlay prefix %s", s);
	return 0;
}

/* The device up with fe80::IID/64 and PREFIX::IID/64, forwarding on. */
static int kern_device(struct relayd *r)
{
	const uint8_t *iid = r->iids.relay_iid;
	char err[AZC_RTDEV_ERR_LEN], a[INET6_ADDRSTRLEN];
	struct in6_addr addr;

	azc_prefix_addr(&r->k.p64, iid, &addr);
	if (azc_rtdev_setup(r->k.ifindex, iid, err, sizeof(err)) ||
	    azc_rtdev_addr_add(r->k.ifindex, &addr, 64, err, sizeof(err)) ||
	    relayd_forwarding(r, err, sizeof(err))) {
		relayd_log("device %s: %s", r->cfg.device, err);
		return -EIO;
	}
	inet_ntop(AF_INET6, &addr, a, sizeof(a));
	relayd_log("device %s (index %u) up: %s/64, IPv6 forwarding enabled",
		   r->cfg.device, r->k.ifindex, a);
	return 0;
}

static int kern_watch(struct relayd *r, int fd, int *key)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = key };

	*key = fd;
	return epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/* The links' netlink socket and the RA socket, watched by the loop. */
static int kern_open(struct relayd *r)
{
	int ret;

	ret = kern_device(r);
	if (ret)
		return ret;
	ret = azc_link_open(&r->k.nl);
	if (ret) {
		relayd_log("cannot open the links' netlink socket: %s",
			   strerror(-ret));
		return ret;
	}
	ret = kern_watch(r, nl_socket_get_fd(r->k.nl.sk), &r->k.nlfd);
	if (!ret)
		ret = radv_open(r);
	if (!ret)
		ret = kern_watch(r, r->k.rafd, &r->k.rafd);
	r->k.on = !ret;
	r->k.next_check = azc_now_ms() + RELAYD_KERN_CHECK_MS;
	return ret;
}

int kern_setup(struct relayd *r)
{
	char err[AZC_RTDEV_ERR_LEN];
	int ret;

	r->k.nlfd = r->k.rafd = -1;
	ret = azc_rtdev_ensure(r->cfg.device, AZCONNECT_DEV_MODE_RELAY,
			       &r->k.ifindex, err, sizeof(err));
	if (ret == -ENOENT) {
		relayd_log("no kernel data path (%s): sessions are negotiated but carry no packets",
			   err);
		return 0;
	}
	if (ret) {
		relayd_log("device %s: %s", r->cfg.device, err);
		return ret;
	}
	ret = kern_prefix(r);
	if (ret)
		return ret;
	return kern_open(r);
}

static struct rlink *kern_find(struct relayd *r, uint32_t link_id)
{
	struct rlink *l;

	for (l = r->k.links; l; l = l->next)
		if (l->link_id == link_id)
			return l;
	return NULL;
}

static int link_send(void *ctx, uint32_t kind, const uint8_t *frame,
		     size_t len)
{
	struct rlink *l = ctx;
	struct relayd *r = l->r;
	int ret;

	ret = azc_ctrl_send(&r->k.nl, r->k.ifindex, l->link_id, kind, frame,
			    len);
	if (ret)
		link_log(l, "ctrl-send on link %u: %s%s%s", l->link_id,
			 strerror(-ret), r->k.nl.extack[0] ? ": " : "",
			 r->k.nl.extack);
	return ret;
}

/* Whether endpoint @name has a link other than @but that is not ending. */
static bool kern_has_link(struct relayd *r, const char *name,
			  const struct rlink *but)
{
	const struct rlink *l;

	for (l = r->k.links; l; l = l->next)
		if (l != but && !l->deleting &&
		    !strcmp(azc_sess_info(l->sess)->peer_name, name))
			return true;
	return false;
}

struct rlink *kern_link_of(struct relayd *r, const struct in6_addr *a,
			   bool *overlay)
{
	const struct azc_sess_info *i;
	struct rlink *l;

	*overlay = !memcmp(a->s6_addr, r->k.p64.s6_addr, 8);
	if (!*overlay && !IN6_IS_ADDR_LINKLOCAL(a))
		return NULL;
	for (l = r->k.links; l; l = l->next) {
		i = azc_sess_info(l->sess);
		if (!l->deleting && !memcmp(a->s6_addr + 8, i->peer_iid, 8))
			return l;
	}
	return NULL;
}

const char *kern_link_endpoint(const struct rlink *l)
{
	return azc_sess_info(l->sess)->peer_name;
}

bool kern_dns_allow(struct relayd *r, struct rlink *owner,
		    const struct in6_addr *a, int64_t now)
{
	struct dns_bucket *b = &r->dns.others;
	char s[INET6_ADDRSTRLEN];
	bool ok;

	if (owner)
		b = &owner->dns;
	ok = dns_bucket_take(b, now);
	if (ok || b->dropping) {
		/* The episode ends when the budget has filled up again. */
		if (ok && b->tokens >= RELAYD_DNS_BURST - 1)
			b->dropping = false;
		return ok;
	}
	b->dropping = true;
	inet_ntop(AF_INET6, a, s, sizeof(s));
	if (owner)
		link_log(owner, "name service: endpoint '%s' (%s) sends more than %d messages a second: the rest go unanswered",
			 azc_sess_info(owner->sess)->peer_name, s,
			 RELAYD_DNS_RATE);
	else
		relayd_log("name service: senders that are no endpoint (now %s) send more than %d messages a second: the rest go unanswered",
			   s, RELAYD_DNS_RATE);
	return false;
}

static void link_free(struct rlink *l)
{
	struct relayd *r = l->r;
	const char *name = azc_sess_info(l->sess)->peer_name;

	/* Its names stay for a grace period, for a reconnect. */
	if (!kern_has_link(r, name, l))
		dns_endpoint_down(r, name);

	if (l->prev)
		l->prev->next = l->next;
	else
		r->k.links = l->next;
	if (l->next)
		l->next->prev = l->prev;
	r->k.n_links--;
	azc_sess_free(l->sess);
	free(l);
}

/* The session ended: the link goes; link-del-ntf frees it. */
static void link_end(struct rlink *l)
{
	const struct azc_sess_error *e = azc_sess_error(l->sess);
	struct relayd *r = l->r;
	int ret;

	if (l->deleting)
		return;
	l->deleting = true;
	link_log_end(l, "endpoint '%s' session ended: %s",
		     azc_sess_info(l->sess)->peer_name, e ? e->msg : "closed");
	ret = azc_link_del(&r->k.nl, r->k.ifindex, l->link_id,
			   azc_kframe_down_reason(l->sess));
	if (ret) {
		link_log(l, "link-del of link %u: %s%s%s", l->link_id,
			 strerror(-ret), r->k.nl.extack[0] ? ": " : "",
			 r->k.nl.extack);
		link_free(l);
	}
}

static bool link_ended(const struct rlink *l)
{
	enum azc_sess_state st = azc_sess_state(l->sess);

	return st == AZC_SESS_CLOSED || st == AZC_SESS_FAILED;
}

static void kern_link_up(struct relayd *r, struct rlink *l)
{
	const struct azc_sess_info *i = azc_sess_info(l->sess);
	char a[INET6_ADDRSTRLEN];
	struct in6_addr addr;

	azc_prefix_addr(&r->k.p64, i->peer_iid, &addr);
	inet_ntop(AF_INET6, &addr, a, sizeof(a));
	link_log(l, "endpoint '%s' handed to the kernel: link %u, %s, MRU %u",
		 i->peer_name, l->link_id, a, i->peer_mru);
	dns_endpoint_up(r, i->peer_name);
	/* The endpoint learns the prefix now, not in 10 minutes. */
	radv_multicast(r);
}

/*
 * Links of the endpoint @name that a newer session replaces (it
 * reconnected before its old link was found dead) or that the relay
 * revokes: taken down at once with @reason, which the kernel reports.
 */
static unsigned int kern_drop_endpoint(struct relayd *r, const char *name,
				       uint32_t reason, const char *why)
{
	unsigned int n = 0;
	struct rlink *l;
	int ret;

	for (l = r->k.links; l; l = l->next) {
		if (l->deleting || strcmp(azc_sess_info(l->sess)->peer_name, name))
			continue;
		l->deleting = true;
		link_log_end(l, "endpoint '%s': link %u taken down: %s", name,
			     l->link_id, why);
		ret = azc_link_del(&r->k.nl, r->k.ifindex, l->link_id, reason);
		if (ret)
			link_log_end(l, "link-del of link %u: %s%s%s", l->link_id,
				     strerror(-ret), r->k.nl.extack[0] ? ": " : "",
				     r->k.nl.extack);
		n++;
	}
	return n;
}

void kern_revoke(struct relayd *r, const char *name, const char *why)
{
	if (r->k.on)
		kern_drop_endpoint(r, name, AZCONNECT_LINK_DOWN_REASON_REVOKED,
				   why);
}

unsigned int kern_disconnect(struct relayd *r, const char *name,
			     const char *why)
{
	return r->k.on ? kern_drop_endpoint(r, name,
					    AZCONNECT_LINK_DOWN_REASON_USERSPACE,
					    why) : 0;
}

void kern_list(struct relayd *r, FILE *out)
{
	const struct azc_sess_info *i;
	int64_t now = azc_now_ms();
	char a[INET6_ADDRSTRLEN];
	struct in6_addr addr;
	const struct rlink *l;

	for (l = r->k.links; l; l = l->next) {
		i = azc_sess_info(l->sess);
		azc_prefix_addr(&r->k.p64, i->peer_iid, &addr);
		inet_ntop(AF_INET6, &addr, a, sizeof(a));
		fprintf(out, "name=%s state=%s link=%u address=%s peer=%s since=%llds\n",
			i->peer_name, l->deleting ? "closing" : "linked",
			l->link_id, a, l->log.peer,
			(long long)(now - l->since) / 1000);
	}
}

int kern_adopt(struct relayd *r, struct azc_sess *sess, struct azc_tls *tls,
	       const uint8_t *unread, size_t unread_len,
	       const struct peer_log *log)
{
	const char *name = azc_sess_info(sess)->peer_name;
	char err[AZC_HANDOFF_ERR_LEN], why[96];
	struct in6_addr addr;
	struct rlink *l;
	int ret;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->r = r;
	l->log = *log;
	if (!r->k.on) {
		link_log_end(l, "endpoint '%s' dropped: device %s is gone",
			     name, r->cfg.device);
		free(l);
		return -ENODEV;
	}
	l->sess = sess;
	l->since = azc_now_ms();
	/* Its interface identifier is the old link's: that link goes first. */
	snprintf(why, sizeof(why), "replaced by a new session [%llu %s]",
		 (unsigned long long)log->id, log->peer);
	kern_drop_endpoint(r, name, AZCONNECT_LINK_DOWN_REASON_REPLACED, why);
	azc_prefix_addr(&r->k.p64, azc_sess_info(sess)->peer_iid, &addr);
	ret = azc_handoff(&r->k.nl, r->k.ifindex, sess, tls, unread,
			  unread_len, &addr, &l->link_id, err, sizeof(err));
	if (ret) {
		link_log_end(l, "%s: %s", r->cfg.device, err);
		link_log_end(l, "endpoint '%s' dropped: the kernel did not take its connection",
			     name);
		free(l);
		return ret;
	}
	/* The session's log lines keep the connection's "[id peer]". */
	azc_sess_set_log(sess, link_sess_log, l);
	l->next = r->k.links;
	if (r->k.links)
		r->k.links->prev = l;
	r->k.links = l;
	r->k.n_links++;
	kern_link_up(r, l);
	azc_kframe_start(&l->kf, sess, link_send, l);
	if (r->stopping)
		azc_sess_close(sess, "relay shutting down", azc_now_ms());
	azc_kframe_flush(&l->kf);
	return 0;
}

static void on_ctrl(void *ctx, uint32_t ifindex, uint32_t id, uint32_t kind,
		    const uint8_t *frame, size_t len)
{
	struct relayd *r = ctx;
	struct rlink *l = ifindex == r->k.ifindex ? kern_find(r, id) : NULL;

	if (!l || l->deleting)
		return;
	if (azc_kframe_input(&l->kf, kind, frame, len, azc_now_ms()) == -EINVAL)
		link_log(l, "malformed control frame from the kernel (kind %u, %zu bytes)",
			 kind, len);
	if (link_ended(l))
		link_end(l);
}

static void on_del(void *ctx, const struct azc_link_info *i)
{
	struct relayd *r = ctx;
	struct rlink *l = i->ifindex == r->k.ifindex ? kern_find(r, i->id) :
			  NULL;
	char counters[1024], why[128];

	if (!l)
		return;
	if (!l->deleting && azc_sess_error(l->sess))
		link_log_end(l, "endpoint '%s': %s",
			     azc_sess_info(l->sess)->peer_name,
			     azc_sess_error(l->sess)->msg);
	azc_link_format_down(i, why, sizeof(why));
	azc_link_format_counters(i, " ", counters, sizeof(counters));
	link_log_end(l, "link %u of endpoint '%s' down: %s; %s", l->link_id,
		     azc_sess_info(l->sess)->peer_name, why, counters);
	link_free(l);
}

/* Links that the kernel no longer has (link-del-ntf lost) are freed. */
static void kern_resync(struct relayd *r)
{
	struct azc_link_list list = { 0 };
	struct rlink *l, *next;
	size_t i;

	if (azc_link_dump(&r->k.nl, r->k.ifindex, &list))
		return;
	for (l = r->k.links; l; l = next) {
		next = l->next;
		for (i = 0; i < list.n && list.links[i].id != l->link_id; i++)
			;
		if (i == list.n) {
			link_log_end(l, "link %u is gone (its notification was lost)",
				     l->link_id);
			link_free(l);
		}
	}
	azc_link_list_free(&list);
}

void kern_nl_event(struct relayd *r)
{
	const struct azc_link_events ev = {
		.ctrl = on_ctrl,
		.del = on_del,
		.ctx = r,
	};
	int ret = azc_link_read_events(&r->k.nl, &ev);

	if (ret == -ENOBUFS) {
		relayd_log("netlink events lost (socket overrun): checking the links");
		kern_resync(r);
	} else if (ret) {
		relayd_log("netlink events: %s", strerror(-ret));
	}
}

/*
 * The relay device went away under the relay: deleted, or with the module
 * unloaded. Its links went with it; so do their sessions, the sockets
 * bound to it and the listeners, since no new session could be carried.
 */
static void kern_lost(struct relayd *r)
{
	bool unloaded = !azc_module_live();

	relayd_log("device %s is gone (%s): not accepting sessions until %s",
		   r->cfg.device, unloaded ? "the azconnect module was unloaded" :
		   "it was deleted", unloaded ?
		   "the module is loaded again" : "it is made again");
	while (r->k.links) {
		link_log_end(r->k.links, "link %u of endpoint '%s' is gone with the device",
			     r->k.links->link_id,
			     azc_sess_info(r->k.links->sess)->peer_name);
		link_free(r->k.links);
	}
	radv_close(r);
	dns_close(r);
	azc_nl_close(&r->k.nl);
	r->k.nlfd = -1;
	r->k.on = false;
	r->k.lost = true;
	relayd_accepting(r, false);
}

/* The module is there (again): the device is made anew, as at start. */
static void kern_recover(struct relayd *r)
{
	char err[AZC_RTDEV_ERR_LEN];

	if (!azc_module_live())
		return;
	if (azc_rtdev_ensure(r->cfg.device, AZCONNECT_DEV_MODE_RELAY,
			     &r->k.ifindex, err, sizeof(err))) {
		if (!r->k.recover_logged)
			relayd_log("device %s: %s", r->cfg.device, err);
		r->k.recover_logged = true;
		return;
	}
	if (kern_open(r)) {
		r->k.recover_logged = true;
		radv_close(r);
		azc_nl_close(&r->k.nl);
		r->k.nlfd = -1;
		r->k.on = false;
		return;
	}
	r->k.lost = false;
	r->k.recover_logged = false;
	relayd_log("kernel data path back on %s: accepting sessions again",
		   r->cfg.device);
	dns_open(r);
	relayd_accepting(r, true);
}

/* Once a second: is the device still there (or back)? */
static void kern_check(struct relayd *r, int64_t now)
{
	char name[IF_NAMESIZE];

	r->k.next_check = now + RELAYD_KERN_CHECK_MS;
	if (r->k.lost)
		kern_recover(r);
	else if (!if_indextoname(r->k.ifindex, name) ||
		 strcmp(name, r->cfg.device))
		kern_lost(r);
}

int64_t kern_deadline(const struct relayd *r)
{
	const struct rlink *l;
	int64_t best = r->k.on ? r->k.next_ra : -1, d;

	if ((r->k.on || r->k.lost) && (best < 0 || r->k.next_check < best))
		best = r->k.next_check;

	for (l = r->k.links; l; l = l->next) {
		d = l->deleting ? -1 : azc_sess_next_deadline(l->sess);
		if (d >= 0 && (best < 0 || d < best))
			best = d;
	}
	return best;
}

void kern_timers(struct relayd *r, int64_t now)
{
	struct rlink *l, *next;
	int64_t d;

	if ((r->k.on || r->k.lost) && now >= r->k.next_check)
		kern_check(r, now);
	if (!r->k.on)
		return;
	if (now >= r->k.next_ra)
		radv_send(r, NULL);
	for (l = r->k.links; l; l = next) {
		next = l->next;
		d = azc_sess_next_deadline(l->sess);
		if (l->deleting || d < 0 || d > now)
			continue;
		azc_kframe_tick(&l->kf, now);
		if (link_ended(l))
			link_end(l);
	}
}

/* Shutdown: CALL_DISCONNECT on every link; each goes once answered. */
void kern_stop(struct relayd *r, int64_t now)
{
	struct rlink *l, *next;

	for (l = r->k.links; l; l = next) {
		next = l->next;
		if (l->deleting)
			continue;
		azc_sess_close(l->sess, "relay shutting down", now);
		azc_kframe_flush(&l->kf);
		if (link_ended(l))
			link_end(l);
	}
}

void kern_free(struct relayd *r)
{
	struct rlink *l;

	while (r->k.links) {
		l = r->k.links;
		if (!l->deleting)
			link_end(l);
		if (r->k.links == l)
			link_free(l);	/* its notification is not awaited */
	}
	radv_close(r);
	azc_nl_close(&r->k.nl);
}
