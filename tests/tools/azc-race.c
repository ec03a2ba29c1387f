// SPDX-License-Identifier: GPL-2.0-only
/*
 * azc-race: races link creation against everything else on one azconnect
 * device, for tests/guest/89-races.sh.
 *
 *   azc-race --dev IFNAME [--seconds N] [--stop-file PATH] [--seed N]
 *            [--hammer] [--check-phantoms] [--timeout SECONDS]
 *
 * Threads, each with a generic netlink socket of its own, for N seconds
 * (default 10) or until PATH exists:
 *   maker    link-new with working kTLS sockets (loopback TCP pairs with
 *            kTLS keys set by hand, no handshake) and with sockets that
 *            fail the hand-off after the link got its id: already carrying
 *            a link (EBUSY), not established (ENOTCONN), without kTLS
 *            (EINVAL); link-del of its links; closes the peers of some
 *            (peer-closed) and, now and then, its own netlink socket (the
 *            owner goes away); reads what its links send.
 *   dumper   link-get dumps and dev-get dumps, one a millisecond.
 *   hammer   with --hammer, for a relay: link-new again and again with
 *            the socket of a live link of its own, refused (EBUSY) by the
 *            hand-off, which comes after the new link got its id; a
 *            feeder thread keeps that link's receive worker busy (and so
 *            the socket's lock taken), which the hand-off waits for.
 *   garbler  the moment a socket is handed over, from its peer: garbage
 *            (a broken SSTP header: protocol-error), a TLS alert, a
 *            shutdown, or nothing, after a random delay of 0 to 50 us.
 * The device may be an endpoint (one link at a time) or a relay (unique
 * peer-iids); it may be deleted, re-created or moved away meanwhile (the
 * maker looks it up by name each time and takes any error in its stride).
 *
 * With --check-phantoms (only for a device no other process makes links
 * on): every link a dump showed must be one that link-new reported made.
 * A link that link-new refused but a dump showed was reachable before it
 * was built and freed while a dump could read it.
 *
 * Exit status 0; 1 when the kernel did not answer within --timeout seconds
 * (default 10), or a phantom link was seen; 2 on a usage or local error.
 * Prints what it did.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tls.h>

#include "uapi/azconnect.h"
#include "base/util.h"
#include "sockpair.h"

#ifndef SOL_TLS
#define SOL_TLS		282
#endif
#ifndef TCP_ULP
#define TCP_ULP		31
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUF_LEN		(64 * 1024)
#define MAX_PAIRS	16
#define MAX_SEEN	65536

static struct {
	const char *dev, *stop_file;
	int seconds, timeout_s;
	uint64_t seed;
	bool check_phantoms, hammer;
} opt = { NULL, NULL, 10, 10, 1, false, false };

static uint16_t family;
static atomic_bool stop;
static int64_t deadline_ms;

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "azc-race: FAIL (%s): ", opt.dev ? opt.dev : "?");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* A per-thread random generator (splitmix64). */
static uint64_t rnd64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(rnd64(s) % n) : 0;
}

/* ------------------------------------------------------------------------ */
/* Netlink: one socket per thread, synchronous requests */

struct nl {
	int fd;
	uint32_t seq;
	uint8_t buf[BUF_LEN];
	uint8_t req[1024];
	size_t len;
};

typedef void (*reply_cb)(const struct nlmsghdr *nlh, void *arg);

static void nl_open(struct nl *n)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int size = 4 << 20, one = 1;

	n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (n->fd < 0 || bind(n->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "azc-race: netlink socket: %s\n", strerror(errno));
		exit(2);
	}
	if (setsockopt(n->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(n->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(n->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

static void msg_start(struct nl *n, uint16_t type, uint16_t flags, uint8_t cmd)
{
	struct nlmsghdr *h = (struct nlmsghdr *)n->req;
	struct genlmsghdr *g = (struct genlmsghdr *)(h + 1);

	memset(h, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	h->nlmsg_type = type;
	h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	g->cmd = cmd;
	g->version = 1;
	n->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

static size_t put_attr(struct nl *n, uint16_t type, const void *p, size_t len)
{
	struct nlattr *a = (struct nlattr *)(n->req + n->len);
	size_t off = n->len;

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy(a + 1, p, len);
	memset((uint8_t *)(a + 1) + len, 0, NLA_ALIGN(len) - len);
	n->len += NLA_HDRLEN + NLA_ALIGN(len);
	return off;
}

static void put_u32(struct nl *n, uint16_t type, uint32_t v)
{
	put_attr(n, type, &v, 4);
}

static void nest_end(struct nl *n, size_t off)
{
	((struct nlattr *)(n->req + off))->nla_len = (uint16_t)(n->len - off);
}

/*
 * Send the request being built and read to its end (the ACK or error, or
 * NLMSG_DONE of a dump); 0 or the kernel's negative errno. Messages of
 * other sequence numbers (notifications) are skipped.
 */
static int nl_request(struct nl *n, reply_cb cb, void *arg)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *h = (struct nlmsghdr *)n->req;
	struct pollfd p = { .fd = n->fd, .events = POLLIN };
	int64_t end = azc_now_ms() + (int64_t)opt.timeout_s * 1000;
	uint32_t seq = ++n->seq;
	const struct nlmsghdr *r;
	ssize_t len;

	h->nlmsg_len = (uint32_t)n->len;
	h->nlmsg_seq = seq;
	if (sendto(n->fd, n->req, n->len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("netlink send: %s", strerror(errno));
	for (;;) {
		int left = (int)(end - azc_now_ms());

		if (left <= 0)
			die("the kernel did not answer within %d s (command %u)",
			    opt.timeout_s, ((struct genlmsghdr *)(h + 1))->cmd);
		if (poll(&p, 1, left) <= 0)
			continue;
		len = recv(n->fd, n->buf, sizeof(n->buf), MSG_DONTWAIT);
		if (len < 0) {
			if (errno == ENOBUFS)	/* notifications lost: no matter */
				continue;
			if (errno == EAGAIN || errno == EINTR)
				continue;
			die("netlink recv: %s", strerror(errno));
		}
		for (r = (const struct nlmsghdr *)n->buf; NLMSG_OK(r, (size_t)len);
		     r = NLMSG_NEXT(r, len)) {
			if (r->nlmsg_seq != seq)
				continue;
			if (r->nlmsg_type == NLMSG_ERROR)
				return ((const struct nlmsgerr *)NLMSG_DATA(r))->error;
			if (r->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				memcpy(&err, NLMSG_DATA(r), sizeof(err));
				return err < 0 ? err : 0;
			}
			if (cb)
				cb(r, arg);
		}
	}
}

/* The attribute @type among [p, p+len), or NULL. */
static const struct nlattr *find(const void *p, int len, uint16_t type)
{
	const struct nlattr *a = p;

	while (len >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		len -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const uint8_t *)a + NLA_ALIGN(a->nla_len));
	}
	return NULL;
}

static uint32_t get_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, a + 1, 4);
	return v;
}

/* The link nest of a family message: ifindex and id; false if none. */
static bool link_of(const struct nlmsghdr *r, uint32_t *ifindex, uint32_t *id,
		    uint32_t *state)
{
	int len = (int)r->nlmsg_len - (int)NLMSG_LENGTH(GENL_HDRLEN);
	const uint8_t *p = (const uint8_t *)NLMSG_DATA(r) + GENL_HDRLEN;
	const struct nlattr *ifi, *l, *i, *s;

	if (r->nlmsg_type != family || len < 0)
		return false;
	ifi = find(p, len, AZCONNECT_A_IFINDEX);
	l = find(p, len, AZCONNECT_A_LINK);
	if (!ifi || !l)
		return false;
	i = find(l + 1, l->nla_len - NLA_HDRLEN, AZCONNECT_A_LINK_ID);
	s = find(l + 1, l->nla_len - NLA_HDRLEN, AZCONNECT_A_LINK_STATE);
	if (!i)
		return false;
	*ifindex = get_u32(ifi);
	*id = get_u32(i);
	*state = s ? get_u32(s) : 99;
	return true;
}

static void on_family(const struct nlmsghdr *r, void *arg)
{
	int len = (int)r->nlmsg_len - (int)NLMSG_LENGTH(GENL_HDRLEN);
	const struct nlattr *a;

	(void)arg;
	a = find((const uint8_t *)NLMSG_DATA(r) + GENL_HDRLEN, len, CTRL_ATTR_FAMILY_ID);
	if (a)
		memcpy(&family, a + 1, 2);
}

/* ------------------------------------------------------------------------ */
/* Links made and links seen */

struct key_set {
	pthread_mutex_t lock;
	uint64_t keys[MAX_SEEN];	/* ifindex << 32 | id; 0: free */
	unsigned int n;
};

static struct key_set made = { .lock = PTHREAD_MUTEX_INITIALIZER };
static struct key_set seen = { .lock = PTHREAD_MUTEX_INITIALIZER };
static struct key_set before = { .lock = PTHREAD_MUTEX_INITIALIZER };

static bool set_has(struct key_set *s, uint64_t k)
{
	unsigned int i = (unsigned int)(k * 0x9e3779b97f4a7c15ull >> 48) % MAX_SEEN;
	bool found = false;

	pthread_mutex_lock(&s->lock);
	while (s->keys[i]) {
		if (s->keys[i] == k) {
			found = true;
			break;
		}
		i = (i + 1) % MAX_SEEN;
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

static void set_add(struct key_set *s, uint64_t k)
{
	unsigned int i = (unsigned int)(k * 0x9e3779b97f4a7c15ull >> 48) % MAX_SEEN;

	pthread_mutex_lock(&s->lock);
	while (s->keys[i] && s->keys[i] != k)
		i = (i + 1) % MAX_SEEN;
	if (!s->keys[i] && s->n < MAX_SEEN * 3 / 4) {
		s->keys[i] = k;
		s->n++;
	}
	pthread_mutex_unlock(&s->lock);
}

static uint64_t key(uint32_t ifindex, uint32_t id)
{
	return (uint64_t)ifindex << 32 | id;
}

/* The first links seen by a dump that were never made, with their state. */
static struct {
	pthread_mutex_t lock;
	uint64_t keys[8];
	uint32_t state[8];
	unsigned int n;
} seen_state = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* ------------------------------------------------------------------------ */
/* The garbler: acts on the peer of the socket being handed over */

static atomic_int hot_peer = -1;
static atomic_ulong garbled;
static int hot_event = -1;	/* eventfd: a peer is hot */

static void *garbler(void *arg)
{
	uint64_t rs = opt.seed * 3 + 1;
	static const uint8_t junk[] = { 0x20, 0x00, 0x00, 0x04, 0x10, 0x00, 0x00, 0x02 };
	int fd;

	(void)arg;
	while (!atomic_load(&stop)) {
		uint64_t ev;
		struct pollfd p = { .fd = hot_event, .events = POLLIN };

		if (poll(&p, 1, 100) <= 0 || read(hot_event, &ev, sizeof(ev)) < 0)
			continue;
		fd = atomic_exchange(&hot_peer, -1);
		if (fd < 0)
			continue;
		if (rnd(&rs, 2))
			usleep(rnd(&rs, 50));
		switch (rnd(&rs, 5)) {
		case 0:		/* a broken SSTP header */
		case 1:
			send(fd, junk + 4 * rnd(&rs, 2), 4, MSG_DONTWAIT | MSG_NOSIGNAL);
			break;
		case 2: {	/* a fatal TLS alert */
			uint8_t al[2] = { 2, 40 };
			char cbuf[CMSG_SPACE(1)] = { 0 };
			struct iovec iov = { .iov_base = al, .iov_len = 2 };
			struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
					     .msg_control = cbuf,
					     .msg_controllen = sizeof(cbuf) };
			struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

			c->cmsg_level = SOL_TLS;
			c->cmsg_type = TLS_SET_RECORD_TYPE;
			c->cmsg_len = CMSG_LEN(1);
			*CMSG_DATA(c) = 21;
			sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
			break;
		}
		case 3:		/* the peer goes: FIN, or FIN both ways */
			shutdown(fd, rnd(&rs, 2) ? SHUT_WR : SHUT_RDWR);
			break;
		default:
			break;
		}
		atomic_fetch_add(&garbled, 1);
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* The dumper */

static atomic_ulong dumps, dumped_links;

static void on_dumped(const struct nlmsghdr *r, void *arg)
{
	uint32_t ifindex, id, state;

	(void)arg;
	if (!link_of(r, &ifindex, &id, &state))
		return;
	atomic_fetch_add(&dumped_links, 1);
	set_add(&seen, key(ifindex, id));
	pthread_mutex_lock(&seen_state.lock);
	if (seen_state.n < ARRAY_SIZE(seen_state.keys) && !set_has(&made, key(ifindex, id))) {
		/* Not made yet, or never: decided at the end. */
		unsigned int i;

		for (i = 0; i < seen_state.n; i++)
			if (seen_state.keys[i] == key(ifindex, id))
				break;
		if (i == seen_state.n) {
			seen_state.keys[seen_state.n] = key(ifindex, id);
			seen_state.state[seen_state.n++] = state;
		}
	}
	pthread_mutex_unlock(&seen_state.lock);
}

static void *dumper(void *arg)
{
	static struct nl n;
	unsigned int ifindex;
	unsigned long i = 0;

	(void)arg;
	nl_open(&n);
	while (!atomic_load(&stop)) {
		ifindex = if_nametoindex(opt.dev);
		if (!ifindex) {
			usleep(1000);
			continue;
		}
		if (i++ % 8 == 7) {
			msg_start(&n, family, NLM_F_DUMP, AZCONNECT_CMD_DEV_GET);
			nl_request(&n, NULL, NULL);
			continue;
		}
		msg_start(&n, family, NLM_F_DUMP, AZCONNECT_CMD_LINK_GET);
		put_u32(&n, AZCONNECT_A_IFINDEX, ifindex);
		nl_request(&n, on_dumped, NULL);
		atomic_fetch_add(&dumps, 1);
		usleep(1000);	/* leave others some of the genl mutex */
	}
	close(n.fd);
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* The maker */

struct pair {
	int user, peer;
	uint32_t ifindex, id;	/* id 0: no link on it */
};

static struct pair pairs[MAX_PAIRS];
static int n_pairs;

static struct {
	unsigned long made, refused[140], deleted, peer_closed, reopened;
	unsigned long attempts;
} ms;

static void pair_close(int i)
{
	close(pairs[i].user);
	close(pairs[i].peer);
	pairs[i] = pairs[--n_pairs];
}

static void on_made(const struct nlmsghdr *r, void *arg)
{
	uint32_t ifindex, id, state;

	if (link_of(r, &ifindex, &id, &state)) {
		set_add(&made, key(ifindex, id));
		*(uint32_t *)arg = id;
	}
}

static int link_new(struct nl *n, uint32_t ifindex, int fd, uint64_t iid,
		    uint32_t *id)
{
	uint8_t liid[8] = { 0, 0, 0, 0, 0, 0, 0, 1 }, piid[8], addr[16] = { 0xfd, 0, 0, 0x77 };
	size_t nest;

	memcpy(piid, &iid, 8);
	memcpy(addr + 8, piid, 8);
	msg_start(n, family, 0, AZCONNECT_CMD_LINK_NEW);
	put_u32(n, AZCONNECT_A_IFINDEX, ifindex);
	nest = put_attr(n, AZCONNECT_A_LINK | NLA_F_NESTED, NULL, 0);
	put_u32(n, AZCONNECT_A_LINK_SOCKET, (uint32_t)fd);
	put_attr(n, AZCONNECT_A_LINK_LOCAL_IID, liid, 8);
	put_attr(n, AZCONNECT_A_LINK_PEER_IID, piid, 8);
	put_attr(n, AZCONNECT_A_LINK_PEER_ADDR, addr, 16);
	nest_end(n, nest);
	*id = 0;
	return nl_request(n, on_made, id);
}

static int link_del(struct nl *n, uint32_t ifindex, uint32_t id)
{
	size_t nest;

	msg_start(n, family, 0, AZCONNECT_CMD_LINK_DEL);
	put_u32(n, AZCONNECT_A_IFINDEX, ifindex);
	nest = put_attr(n, AZCONNECT_A_LINK | NLA_F_NESTED, NULL, 0);
	put_u32(n, AZCONNECT_A_LINK_ID, id);
	nest_end(n, nest);
	return nl_request(n, NULL, NULL);
}

static void count_result(int err)
{
	unsigned int e = (unsigned int)-err;

	if (!err)
		ms.made++;
	else
		ms.refused[e < ARRAY_SIZE(ms.refused) ? e : 0]++;
}

static void drain_peers(void)
{
	static uint8_t b[16384];
	int i;

	for (i = 0; i < n_pairs; i++)
		while (recv(pairs[i].peer, b, sizeof(b), MSG_DONTWAIT) > 0)
			;
}

static void maker(void)
{
	static struct nl n;
	uint64_t rs = opt.seed * 7 + 5, iid_next = (uint64_t)getpid() << 24;
	unsigned long g0;
	unsigned int ifindex;
	bool hot;
	int a, b, err, i;
	uint32_t id;

	nl_open(&n);
	while (azc_now_ms() < deadline_ms) {
		if (opt.stop_file && !access(opt.stop_file, F_OK))
			break;
		ms.attempts++;
		if (ms.attempts % 32 == 0)
			drain_peers();
		ifindex = if_nametoindex(opt.dev);
		if (!ifindex) {
			usleep(1000);
			continue;
		}
		switch (rnd(&rs, 10)) {
		case 0:		/* a link on a socket that carries one: EBUSY */
			for (i = 0; i < n_pairs && !pairs[i].id; i++)
				;
			if (i == n_pairs)
				break;
			count_result(link_new(&n, ifindex, pairs[i].user, ++iid_next, &id));
			break;
		case 1:		/* established, without kTLS: EINVAL */
			if (azt_tcp_pair(&a, &b, false))
				break;
			count_result(link_new(&n, ifindex, a, ++iid_next, &id));
			close(a);
			close(b);
			break;
		case 2:		/* kTLS, the peer gone first: ENOTCONN */
			if (azt_ktls_pair(&a, &b, false))
				break;
			close(b);
			usleep(200);
			count_result(link_new(&n, ifindex, a, ++iid_next, &id));
			close(a);
			break;
		case 3:		/* link-del of one of ours */
			if (!n_pairs)
				break;
			i = (int)rnd(&rs, (uint32_t)n_pairs);
			if (!pairs[i].id)
				break;
			err = link_del(&n, pairs[i].ifindex, pairs[i].id);
			if (!err)
				ms.deleted++;
			pair_close(i);
			break;
		case 4:		/* the peer closes */
			if (!n_pairs)
				break;
			pair_close((int)rnd(&rs, (uint32_t)n_pairs));
			ms.peer_closed++;
			break;
		case 5:		/* the owner goes away, now and then */
			if (rnd(&rs, 20))
				break;
			close(n.fd);
			nl_open(&n);
			ms.reopened++;
			break;
		default:	/* a working link, the garbler on its peer */
			if (azt_ktls_pair(&a, &b, false)) {
				if (errno == ENOENT || errno == ENOPROTOOPT)
					die("kTLS is not available: %s", strerror(errno));
				break;
			}
			g0 = atomic_load(&garbled);
			hot = rnd(&rs, 2);
			if (hot) {
				uint64_t one = 1;

				atomic_store(&hot_peer, b);
				if (write(hot_event, &one, sizeof(one)) < 0)
					die("eventfd: %s", strerror(errno));
			}
			err = link_new(&n, ifindex, a, ++iid_next, &id);
			/* The garbler took it: wait until it is done with it. */
			if (hot && atomic_exchange(&hot_peer, -1) < 0)
				while (atomic_load(&garbled) == g0 && !atomic_load(&stop))
					sched_yield();
			count_result(err);
			if (n_pairs == MAX_PAIRS)
				pair_close((int)rnd(&rs, MAX_PAIRS));
			pairs[n_pairs].user = a;
			pairs[n_pairs].peer = b;
			pairs[n_pairs].ifindex = ifindex;
			pairs[n_pairs++].id = err ? 0 : id;
			break;
		}
	}
	while (n_pairs)
		pair_close(0);
	close(n.fd);
}

/* ------------------------------------------------------------------------ */
/*
 * The hammer (relay devices): link-new again and again with the socket of
 * a live link of its own, refused when the hand-off finds the socket taken
 * (EBUSY), after the new link got its id: as fast as netlink goes.
 */

static atomic_ulong hammered, fed;

/*
 * The peer of the hammer's link, which the feeder keeps writing to: the
 * link's receive worker then holds the socket's lock much of the time,
 * and the refused hand-offs wait for it with their link in the table.
 */
static pthread_mutex_t feed_lock = PTHREAD_MUTEX_INITIALIZER;
static int feed_fd = -1;

static void *feeder(void *arg)
{
	/* SSTP data packets of 4095 bytes that hold no PPP frame: counted
	 * (rx-bad-ppp) and dropped; the link stays up.
	 */
	static uint8_t buf[4 * 4095];
	struct pollfd p = { .events = POLLOUT };
	ssize_t r;
	int i;

	(void)arg;
	for (i = 0; i < 4; i++) {
		buf[i * 4095] = 0x10;
		buf[i * 4095 + 2] = 0x0f;
		buf[i * 4095 + 3] = 0xff;
	}
	while (!atomic_load(&stop)) {
		pthread_mutex_lock(&feed_lock);
		p.fd = feed_fd;
		r = p.fd < 0 ? -1 : send(p.fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
		pthread_mutex_unlock(&feed_lock);
		if (r > 0) {
			atomic_fetch_add(&fed, (unsigned long)r);
			usleep(500);
		} else if (p.fd < 0 || errno != EAGAIN)
			usleep(2000);
		else
			poll(&p, 1, 10);
	}
	return NULL;
}

static void feed(int fd)
{
	pthread_mutex_lock(&feed_lock);
	feed_fd = fd;
	pthread_mutex_unlock(&feed_lock);
}

static void *hammer(void *arg)
{
	static struct nl n;
	uint64_t iid = ((uint64_t)getpid() << 24) | 0xf00000000000ull;
	unsigned int ifindex = 0;
	int a = -1, b = -1, err;
	uint32_t id;

	(void)arg;
	nl_open(&n);
	while (!atomic_load(&stop)) {
		if (a < 0) {
			ifindex = if_nametoindex(opt.dev);
			if (!ifindex || azt_ktls_pair(&a, &b, false)) {
				usleep(1000);
				continue;
			}
			err = link_new(&n, ifindex, a, ++iid, &id);
			if (err) {	/* the device went */
				close(a);
				close(b);
				a = -1;
				usleep(1000);
				continue;
			}
			feed(b);
		}
		err = link_new(&n, ifindex, a, ++iid, &id);
		atomic_fetch_add(&hammered, 1);
		if (atomic_load(&hammered) % 4 == 0)	/* and of RTNL */
			usleep(1000);
		if (err != -EBUSY) {	/* made (?!), or the device went */
			feed(-1);
			close(a);
			close(b);
			a = -1;
		}
	}
	feed(-1);
	if (a >= 0) {
		close(a);
		close(b);
	}
	close(n.fd);
	return NULL;
}

/* ------------------------------------------------------------------------ */

static void on_before(const struct nlmsghdr *r, void *arg)
{
	uint32_t ifindex, id, state;

	(void)arg;
	if (link_of(r, &ifindex, &id, &state))
		set_add(&before, key(ifindex, id));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "seconds", required_argument, NULL, 's' },
		{ "stop-file", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 't' },
		{ "check-phantoms", no_argument, NULL, 'p' },
		{ "hammer", no_argument, NULL, 'h' },
		{}
	};
	static const char *const states[] = { "up", "down" };
	static struct nl n;
	pthread_t tg, td, th, tf;
	unsigned int i, phantoms = 0, ifindex;
	char line[1024];
	size_t len;
	int c, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': opt.dev = optarg; break;
		case 's': opt.seconds = atoi(optarg); break;
		case 'f': opt.stop_file = optarg; break;
		case 'S': opt.seed = strtoull(optarg, NULL, 0); break;
		case 't': opt.timeout_s = atoi(optarg); break;
		case 'p': opt.check_phantoms = true; break;
		case 'h': opt.hammer = true; break;
		default: goto usage;
		}
	}
	if (!opt.dev || optind != argc || opt.seconds <= 0 || opt.timeout_s <= 0)
		goto usage;
	signal(SIGPIPE, SIG_IGN);

	nl_open(&n);
	msg_start(&n, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	put_attr(&n, CTRL_ATTR_FAMILY_NAME, AZCONNECT_FAMILY_NAME,
		 sizeof(AZCONNECT_FAMILY_NAME));
	err = nl_request(&n, on_family, NULL);
	if (err || !family) {
		fprintf(stderr, "azc-race: no azconnect family: %s\n", strerror(-err));
		return 2;
	}
	ifindex = if_nametoindex(opt.dev);
	if (ifindex) {		/* links made before us are no phantoms */
		msg_start(&n, family, NLM_F_DUMP, AZCONNECT_CMD_LINK_GET);
		put_u32(&n, AZCONNECT_A_IFINDEX, ifindex);
		nl_request(&n, on_before, NULL);
	}
	close(n.fd);

	hot_event = eventfd(0, EFD_CLOEXEC);
	if (hot_event < 0) {
		fprintf(stderr, "azc-race: eventfd: %s\n", strerror(errno));
		return 2;
	}
	deadline_ms = azc_now_ms() + (int64_t)opt.seconds * 1000;
	if (pthread_create(&tg, NULL, garbler, NULL) ||
	    pthread_create(&td, NULL, dumper, NULL) ||
	    (opt.hammer && (pthread_create(&th, NULL, hammer, NULL) ||
			    pthread_create(&tf, NULL, feeder, NULL)))) {
		fprintf(stderr, "azc-race: threads: %s\n", strerror(errno));
		return 2;
	}
	maker();
	atomic_store(&stop, true);
	pthread_join(tg, NULL);
	pthread_join(td, NULL);
	if (opt.hammer) {
		pthread_join(th, NULL);
		pthread_join(tf, NULL);
	}

	len = (size_t)snprintf(line, sizeof(line),
			       "azc-race %s: %lu attempts: %lu links made, %lu deleted, %lu peers closed, %lu owner reopens; refused:",
			       opt.dev, ms.attempts, ms.made, ms.deleted, ms.peer_closed,
			       ms.reopened);
	for (i = 0; i < ARRAY_SIZE(ms.refused); i++)
		if (ms.refused[i] && len < sizeof(line))
			len += (size_t)snprintf(line + len, sizeof(line) - len, " %s %lu",
						i ? strerrorname_np((int)i) ?: "?" : "other",
						ms.refused[i]);
	printf("%s\n", line);
	printf("azc-race %s: %lu dumps showed %lu links; %lu hand-offs garbled; %lu refused hand-offs hammered, %lu KiB fed meanwhile\n",
	       opt.dev, atomic_load(&dumps), atomic_load(&dumped_links),
	       atomic_load(&garbled), atomic_load(&hammered), atomic_load(&fed) / 1024);
	if (!opt.check_phantoms)
		return 0;
	for (i = 0; i < MAX_SEEN; i++) {
		uint64_t k = seen.keys[i];

		if (!k || set_has(&made, k) || set_has(&before, k))
			continue;
		if (phantoms++ < 5)
			printf("azc-race %s: a dump showed link %u (ifindex %u), which link-new refused\n",
			       opt.dev, (uint32_t)k, (uint32_t)(k >> 32));
	}
	for (i = 0; i < seen_state.n; i++) {
		uint64_t k = seen_state.keys[i];

		if (!set_has(&made, k) && !set_has(&before, k))
			printf("azc-race %s: ... link %u was dumped in state %s\n", opt.dev,
			       (uint32_t)k, seen_state.state[i] < 2 ?
			       states[seen_state.state[i]] : "?");
	}
	if (phantoms) {
		printf("azc-race %s: FAIL: %u links seen in dumps were never made (a link is reachable from a link-get dump before link-new finished it, and freed at once when the hand-off fails)\n",
		       opt.dev, phantoms);
		return 1;
	}
	printf("azc-race %s: no phantom link\n", opt.dev);
	return 0;
usage:
	fprintf(stderr, "usage: azc-race --dev IFNAME [--seconds N] [--stop-file PATH] [--seed N] [--hammer] [--check-phantoms] [--timeout SECONDS]\n");
	return 2;
}
