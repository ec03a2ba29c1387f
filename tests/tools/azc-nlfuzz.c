// SPDX-License-Identifier: GPL-2.0-only
/*
 * azc-nlfuzz: sends thousands of malformed, truncated and random requests
 * to the azconnect generic netlink family and to the rtnetlink link kind
 * "azconnect", and checks only that the kernel keeps answering.
 *
 *   azc-nlfuzz [--seed N] [--count N] [--timeout SECONDS] [--verbose]
 *              [--force]
 *
 * Run it as root in a network namespace of its own (it refuses the initial
 * one without --force). Each request is built by hand from a grammar of
 * the real attributes (docs/netlink/azconnect.yaml): a valid template, then
 * mutations while it is built (attributes left out, duplicated, of the
 * wrong type or width, truncated or extended, interesting and random
 * values, random bytes, extra levels of nesting, nests flattened) and of
 * its bytes afterwards (attribute lengths, the message length, flags, the
 * generic netlink header, truncation, bit flips, several messages in one
 * send). Every command is sent, unknown numbers too, as do and as dump,
 * with and without NLM_F_ACK. link-new gets descriptors of every kind:
 * closed, not sockets, UDP, Unix and netlink sockets, unconnected,
 * listening and connected TCP sockets without kTLS, kTLS one way only,
 * kTLS on a closed connection, sockets that already carry a link, and
 * working kTLS sockets (loopback TCP pairs with kTLS keys set by hand, no
 * handshake), whose links the fuzzer then owns: their peer ends write
 * valid and broken SSTP, TLS alerts and other records, close, and the
 * fuzzer's netlink socket is closed and opened again (the owner going
 * away). rtnetlink gets RTM_NEWLINK, RTM_SETLINK, RTM_DELLINK and
 * RTM_GETLINK with IFLA_LINKINFO of kind azconnect and mutated
 * IFLA_INFO_DATA.
 *
 * The fuzzer alters only devices it made (named azf0 to azf7): a request
 * that, as the kernel parses it, would change or delete another device
 * (by ifindex or name; or by group, or in another namespace), or create a
 * device of another name or kind, is generated again. Other devices of
 * the namespace (a test's live links) still get every read-only request,
 * link-new and ctrl-send.
 *
 * Every reply is read after each request (a NLMSG_NOOP with NLM_F_ACK
 * sent behind it marks the end; dumps are read to NLMSG_DONE), so the
 * socket never overruns. Error codes are not judged: they are counted by
 * errno, per request kind, in the summary. The fuzzer fails (exit 1) only
 * when the kernel does not answer within --timeout seconds (default 10)
 * or the family disappears; it prints the last requests it sent then.
 * The seed and count are printed first, so that a run can be replayed.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/tls.h>

#include "base/util.h"
#include "sockpair.h"
#include "uapi/azconnect.h"

#ifndef SOL_TLS
#define SOL_TLS		282
#endif
#ifndef TCP_ULP
#define TCP_ULP		31
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP	262
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK	12
#endif

#define DEFAULT_SEED	1
#define DEFAULT_COUNT	20000
#define DEFAULT_TIMEOUT	10

#define MSG_MAX		(64 * 1024)
#define RBUF_LEN	(256 * 1024)
#define SYNC_SEQ_BASE	0xf0000000u
#define MAX_DEVREFS	64
#define MAX_LINKREFS	64
#define MAX_PAIRS	8
#define MAX_OUT		8
#define OWN_DEVS	8	/* azf0 .. azf7 */


/* ------------------------------------------------------------------------ */
/* Options, random numbers, failure */

static struct {
	uint64_t seed;
	unsigned long count;
	int timeout_s;
	bool verbose, force;
} opt = { DEFAULT_SEED, DEFAULT_COUNT, DEFAULT_TIMEOUT, false, false };

static uint64_t rng;

static uint64_t rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

static bool chance(unsigned int pct)
{
	return rnd(100) < pct;
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd64();
}

static unsigned long iteration;

static void last_sent_dump(void);

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "azc-nlfuzz: FAIL at request %lu (seed %" PRIu64 ", count %lu): ",
		iteration, opt.seed, opt.count);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	last_sent_dump();
	exit(1);
}

/* ------------------------------------------------------------------------ */
/* Statistics: per request kind, by class of reply */

enum { T_GENL = 0, T_GENL_UNKNOWN = 256, T_RT_NEW, T_RT_SET, T_RT_DEL,
       T_RT_GET, T_NUM };

struct tstat {
	unsigned long sent, ack, data, done, silent, lost, unsafe;
	unsigned long err[160];		/* by errno; [0]: errno out of range */
};

static struct tstat tstats[T_NUM];
static struct {
	unsigned long ntf, stray, trunc, overrun, senderr, rejected, batches;
	unsigned long links, pairs, peer_ops, reopen, refresh;
} st;

static const char *target_name(int t, char *buf, size_t len)
{
	static const char *const genl[] = {
		[0] = "cmd-0",
		[AZCONNECT_CMD_DEV_GET] = "dev-get",
		[AZCONNECT_CMD_DEV_SET] = "dev-set",
		[AZCONNECT_CMD_LINK_NEW] = "link-new",
		[AZCONNECT_CMD_LINK_DEL] = "link-del",
		[AZCONNECT_CMD_LINK_GET] = "link-get",
		[AZCONNECT_CMD_LINK_DEL_NTF] = "link-del-ntf",
		[AZCONNECT_CMD_CTRL_SEND] = "ctrl-send",
		[AZCONNECT_CMD_CTRL_NTF] = "ctrl-ntf",
	};

	if (t < (int)AZC_ARRAY_SIZE(genl))
		return genl[t];
	switch (t) {
	case T_GENL_UNKNOWN: return "unknown commands";
	case T_RT_NEW: return "RTM_NEWLINK";
	case T_RT_SET: return "RTM_SETLINK";
	case T_RT_DEL: return "RTM_DELLINK";
	case T_RT_GET: return "RTM_GETLINK";
	}
	snprintf(buf, len, "cmd-%d", t);
	return buf;
}

/* ------------------------------------------------------------------------ */
/* Message building */

struct msg {
	uint8_t d[MSG_MAX];
	size_t len;
	size_t attrs[512];	/* offsets of the attribute headers written */
	unsigned int n_attrs;
	bool full;
};

static void *put(struct msg *m, const void *p, size_t n)
{
	size_t pad = (4 - (n & 3)) & 3;
	uint8_t *at;

	if (m->len + n + pad > MSG_MAX - 64) {
		m->full = true;
		return NULL;
	}
	at = m->d + m->len;
	if (p)
		memcpy(at, p, n);
	else
		memset(at, 0, n);
	memset(at + n, 0, pad);
	m->len += n + pad;
	return at;
}

/* An attribute; returns its offset. Payloads over 64 KiB are cut. */
static size_t attr(struct msg *m, uint16_t type, const void *p, size_t n)
{
	struct nlattr a;
	size_t off = m->len;

	if (n > MSG_MAX / 2)
		n = MSG_MAX / 2;
	a.nla_len = (uint16_t)(NLA_HDRLEN + n);
	a.nla_type = type;
	if (m->len + NLA_HDRLEN + n + 4 > MSG_MAX - 64) {
		m->full = true;
		return off;
	}
	put(m, &a, sizeof(a));
	if (n)
		put(m, p, n);
	if (m->n_attrs < AZC_ARRAY_SIZE(m->attrs))
		m->attrs[m->n_attrs++] = off;
	return off;
}

static size_t nest_open(struct msg *m, uint16_t type)
{
	return attr(m, type, NULL, 0);
}

static void nest_close(struct msg *m, size_t off)
{
	struct nlattr *a = (struct nlattr *)(m->d + off);
	size_t len = m->len - off;

	if (off + NLA_HDRLEN > m->len)
		return;
	a->nla_len = (uint16_t)(len > 0xffff ? 0xffff : len);
}

/* ------------------------------------------------------------------------ */
/* Mutating emitters: with probability mut_pct each attribute is broken. */

static unsigned int mut_pct;

static const uint64_t interesting[] = {
	0, 1, 2, 3, 7, 8, 9, 15, 16, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000,
	0xffff, 0x10000, 1279, 1280, 1500, 4087, 4088, 4091, 4095, 4096,
	24576, 24577, 32768, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xffffffffffffffffull,
};

static uint64_t pick_interesting(void)
{
	return interesting[rnd(AZC_ARRAY_SIZE(interesting))];
}

static uint16_t mut_type(uint16_t type, int maxtype)
{
	switch (rnd(6)) {
	case 0: return (uint16_t)rnd((uint32_t)maxtype + 4);
	case 1: return 0;
	case 2: return (uint16_t)(type | NLA_F_NESTED);
	case 3: return (uint16_t)(type | NLA_F_NET_BYTEORDER);
	case 4: return (uint16_t)rnd(0x4000);
	default: return (uint16_t)(type + 1);
	}
}

static void put_width(struct msg *m, uint16_t type, uint64_t v, int width)
{
	uint8_t b[8];

	switch (width) {
	case 1: b[0] = (uint8_t)v; break;
	case 2: { uint16_t x = (uint16_t)v; memcpy(b, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(b, &x, 4); break; }
	default: memcpy(b, &v, 8); width = 8; break;
	}
	attr(m, type, b, (size_t)width);
}

static void emit_bin(struct msg *m, uint16_t type, const void *p, size_t n,
		     int maxtype);

static void emit_scalar(struct msg *m, uint16_t type, uint64_t v, int width,
			int maxtype)
{
	static const int widths[] = { 0, 1, 2, 3, 4, 5, 8, 12 };
	uint8_t junk[24];
	size_t off;
	int w;

	if (!chance(mut_pct)) {
		put_width(m, type, v, width);
		return;
	}
	switch (rnd(11)) {
	case 0:			/* left out */
		return;
	case 1:			/* wrong width */
		do {
			w = widths[rnd(AZC_ARRAY_SIZE(widths))];
		} while (w == width);
		if (w == 3 || w == 5 || w == 12 || w == 0) {
			memcpy(junk, &v, 8);
			memset(junk + 8, 0, sizeof(junk) - 8);
			attr(m, type, junk, (size_t)w);
		} else {
			put_width(m, type, v, w);
		}
		return;
	case 2:			/* interesting value */
		put_width(m, type, pick_interesting(), width);
		return;
	case 3:			/* random bytes */
		rnd_bytes(junk, sizeof(junk));
		attr(m, type, junk, rnd(sizeof(junk) + 1));
		return;
	case 4:			/* duplicated */
		put_width(m, type, v, width);
		put_width(m, type, rnd(2) ? v : pick_interesting(), width);
		return;
	case 5:			/* another type */
		put_width(m, mut_type(type, maxtype), v, width);
		return;
	case 6:			/* in a nest of its own */
		off = nest_open(m, (uint16_t)(type | NLA_F_NESTED));
		put_width(m, type, v, width);
		nest_close(m, off);
		return;
	case 7:
		put_width(m, (uint16_t)(type | NLA_F_NET_BYTEORDER), v, width);
		return;
	case 8:
		put_width(m, type, ~0ull, width);
		return;
	case 9:
		put_width(m, type, 0, width);
		return;
	default:		/* random value */
		put_width(m, type, rnd64(), width);
		return;
	}
}

static uint8_t big[MSG_MAX];

static void emit_bin(struct msg *m, uint16_t type, const void *p, size_t n,
		     int maxtype)
{
	size_t len;

	if (!chance(mut_pct)) {
		attr(m, type, p, n);
		return;
	}
	switch (rnd(10)) {
	case 0:
		return;
	case 1:			/* one byte short, or empty */
		attr(m, type, p, n ? (rnd(2) ? n - 1 : 0) : 0);
		return;
	case 2:			/* longer */
		len = n + 1 + rnd(rnd(4) ? 16 : 4096);
		if (len > sizeof(big))
			len = sizeof(big);
		memcpy(big, p, n);
		rnd_bytes(big + n, len - n);
		attr(m, type, big, len);
		return;
	case 3:			/* random bytes, same length */
		if (n > sizeof(big))
			n = sizeof(big);
		rnd_bytes(big, n);
		attr(m, type, big, n);
		return;
	case 4:
		attr(m, type, p, n);
		attr(m, type, p, n ? rnd((uint32_t)n) : 0);
		return;
	case 5:
		attr(m, mut_type(type, maxtype), p, n);
		return;
	case 6:			/* a 4-byte number instead */
		put_width(m, type, pick_interesting(), 4);
		return;
	case 7:			/* huge */
		len = 4000 + rnd(30000);
		rnd_bytes(big, len);
		attr(m, type, big, len);
		return;
	case 8:			/* bit flips */
		if (n > sizeof(big))
			n = sizeof(big);
		memcpy(big, p, n);
		if (n)
			big[rnd((uint32_t)n)] ^= (uint8_t)(1u << rnd(8));
		attr(m, type, big, n);
		return;
	default: {
		size_t off = nest_open(m, (uint16_t)(type | NLA_F_NESTED));

		attr(m, type, p, n);
		nest_close(m, off);
		return;
	}
	}
}

/* A string as the kernel's NLA_NUL_STRING / NLA_STRING policies see it. */
static void emit_str(struct msg *m, uint16_t type, const char *s, int maxtype)
{
	char b[64];
	size_t n = strlen(s);

	if (!chance(mut_pct)) {
		attr(m, type, s, n + 1);
		return;
	}
	switch (rnd(8)) {
	case 0:
		attr(m, type, s, n);		/* no NUL */
		return;
	case 1:					/* too long */
		memset(b, 'a', sizeof(b));
		memcpy(b, s, n < sizeof(b) ? n : sizeof(b));
		n = 15 + rnd(4) + (rnd(4) ? 0 : 30);
		b[n] = 0;
		attr(m, type, b, n + 1);
		return;
	case 2:
		attr(m, type, "", 1);
		return;
	case 3:					/* NUL inside */
		snprintf(b, sizeof(b), "%s", s);
		b[rnd((uint32_t)n + 1)] = 0;
		attr(m, type, b, n + 1);
		return;
	case 4:
		attr(m, type, s, n + 1);
		attr(m, type, s, n + 1);
		return;
	default:
		emit_bin(m, type, s, n + 1, maxtype);
		return;
	}
}

/* A nest, maybe wrapped in more nests, flattened, or unflagged. */
struct nest {
	size_t off[48];
	int n;
};

static void emit_nest_open(struct msg *m, struct nest *t, uint16_t type,
			   int maxtype)
{
	int extra = 0, i;

	t->n = 0;
	if (chance(mut_pct)) {
		switch (rnd(5)) {
		case 0:			/* flattened: the content at this level */
			return;
		case 1:
			type &= (uint16_t)~NLA_F_NESTED;
			break;
		case 2:
			type = mut_type(type, maxtype);
			break;
		default:		/* deeper */
			extra = 1 + (int)rnd(rnd(4) ? 4 : 40);
			break;
		}
	}
	for (i = 0; i < extra && t->n < (int)AZC_ARRAY_SIZE(t->off) - 1; i++)
		t->off[t->n++] = nest_open(m, type);
	t->off[t->n++] = nest_open(m, type);
}

static void emit_nest_close(struct msg *m, struct nest *t)
{
	while (t->n)
		nest_close(m, t->off[--t->n]);
}

/* ------------------------------------------------------------------------ */
/* Netlink sockets and the reply reader */

struct nls {
	int fd;
	int proto;
	uint32_t portid;
	const char *name;
};

static struct nls gn = { -1, NETLINK_GENERIC, 0, "genl" };
static struct nls rt = { -1, NETLINK_ROUTE, 0, "rtnl" };
static uint16_t family;
static uint32_t events_grp;
static uint32_t seq_next = 1, sync_next = SYNC_SEQ_BASE;

typedef void (*reply_cb)(const struct nlmsghdr *nlh, void *arg);

struct outstanding {
	uint32_t seq;
	int target;		/* tstats index, -1: a request of our own */
	bool sync, finished, multi, any;
	int error;
	reply_cb cb;
	void *arg;
};

static struct outstanding outq[MAX_OUT];
static int n_out;

static void nls_open(struct nls *s)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);
	int one = 1, cap = (int)rnd(2), size = 8 << 20;

	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, s->proto);
	if (s->fd < 0)
		die("%s socket: %s", s->name, strerror(errno));
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &cap, sizeof(cap));
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(s->fd, (struct sockaddr *)&sa, &sl))
		die("%s bind: %s", s->name, strerror(errno));
	s->portid = sa.nl_pid;
}

/* The last requests sent, for the report of a failure. */
static struct {
	uint8_t d[512];
	size_t len, full_len;
	const char *sock;
} last_sent[4];
static unsigned int last_i;

static void last_sent_dump(void)
{
	unsigned int i, k;
	size_t j;

	for (k = 0; k < AZC_ARRAY_SIZE(last_sent); k++) {
		i = (last_i + k) % AZC_ARRAY_SIZE(last_sent);
		if (!last_sent[i].sock)
			continue;
		fprintf(stderr, "azc-nlfuzz: sent on %s (%zu bytes):", last_sent[i].sock,
			last_sent[i].full_len);
		for (j = 0; j < last_sent[i].len; j++)
			fprintf(stderr, "%s%02x", j % 32 ? "" : "\n  ", last_sent[i].d[j]);
		fprintf(stderr, "%s\n", last_sent[i].full_len > last_sent[i].len ? " ..." : "");
	}
}

static void nls_send(struct nls *s, const void *buf, size_t len, int target)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	unsigned int i = last_i++ % AZC_ARRAY_SIZE(last_sent);
	ssize_t n;

	last_sent[i].sock = s->name;
	last_sent[i].full_len = len;
	last_sent[i].len = len < sizeof(last_sent[i].d) ? len : sizeof(last_sent[i].d);
	memcpy(last_sent[i].d, buf, last_sent[i].len);
	if (opt.verbose) {
		size_t j;

		printf("# %lu %s %zu:", iteration, s->name, len);
		for (j = 0; j < len && j < 256; j++)
			printf("%02x", ((const uint8_t *)buf)[j]);
		printf("\n");
	}
	n = sendto(s->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa));
	if (n < 0) {
		st.senderr++;
		if (target >= 0 && opt.verbose)
			printf("# send: %s\n", strerror(errno));
		if (errno == ECONNREFUSED || errno == EBADF || errno == ENOTSOCK)
			die("%s send: %s", s->name, strerror(errno));
	}
}

static struct outstanding *out_add(uint32_t seq, int target)
{
	struct outstanding *o;

	if (n_out == MAX_OUT)
		die("internal: too many outstanding requests");
	o = &outq[n_out++];
	memset(o, 0, sizeof(*o));
	o->seq = seq;
	o->target = target;
	return o;
}

static void count_error(int target, int err)
{
	unsigned int e = (unsigned int)-err;

	if (target < 0)
		return;
	if (e >= AZC_ARRAY_SIZE(tstats[0].err))
		e = 0;
	tstats[target].err[e]++;
}

static uint8_t rbuf[RBUF_LEN];

static void send_sync(struct nls *s)
{
	struct nlmsghdr h = {
		.nlmsg_len = NLMSG_HDRLEN,
		.nlmsg_type = NLMSG_NOOP,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		.nlmsg_seq = sync_next++,
	};
	struct outstanding *o = out_add(h.nlmsg_seq, -1);

	if (sync_next < SYNC_SEQ_BASE)
		sync_next = SYNC_SEQ_BASE;
	o->sync = true;
	if (sendto(s->fd, &h, sizeof(h), 0, (struct sockaddr *)&(struct sockaddr_nl){
		   .nl_family = AF_NETLINK }, sizeof(struct sockaddr_nl)) < 0)
		die("%s send: %s", s->name, strerror(errno));
}

static void dispatch(const struct nlmsghdr *nlh)
{
	struct outstanding *o = NULL;
	int i;

	for (i = 0; i < n_out; i++)
		if (outq[i].seq == nlh->nlmsg_seq && !outq[i].finished)
			o = &outq[i];
	if (!o) {
		if (nlh->nlmsg_seq == 0)
			st.ntf++;	/* ctrl-ntf, link-del-ntf */
		else
			st.stray++;
		return;
	}
	o->any = true;
	if (nlh->nlmsg_flags & NLM_F_MULTI)
		o->multi = true;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nlh);
		int err = nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) ? e->error : -EBADMSG;

		o->finished = true;
		o->error = err;
		if (o->target >= 0) {
			if (err)
				count_error(o->target, err);
			else
				tstats[o->target].ack++;
		}
		return;
	}
	if (nlh->nlmsg_type == NLMSG_DONE) {
		int err = 0;

		if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
			memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
		o->finished = true;
		o->error = err < 0 ? err : 0;
		if (o->target >= 0) {
			if (err < 0)
				count_error(o->target, err);
			else
				tstats[o->target].done++;
		}
		return;
	}
	if (o->target >= 0)
		tstats[o->target].data++;
	if (o->cb)
		o->cb(nlh, o->arg);
}

/* Lost to an overrun: give up on what is outstanding, sync again. */
static void overrun(struct nls *s)
{
	int i, keep = 0;

	st.overrun++;
	for (i = 0; i < n_out; i++) {
		if (outq[i].finished)
			continue;
		if (outq[i].target >= 0 && !outq[i].any)
			tstats[outq[i].target].lost++;
		outq[i].finished = true;
		outq[i].error = -ENOBUFS;
		if (outq[i].sync)
			keep = 1;
	}
	if (keep)
		send_sync(s);
}

static bool all_done(void)
{
	int i;

	for (i = 0; i < n_out; i++) {
		if (outq[i].finished)
			continue;
		/* Requests without a sync behind them need their answer. */
		if (outq[i].sync || outq[i].multi || outq[i].target < 0)
			return false;
	}
	return true;
}

/* Read until every outstanding request is answered; reads the other socket too. */
static void read_replies(struct nls *s)
{
	int64_t deadline = azc_now_ms() + (int64_t)opt.timeout_s * 1000;
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	const struct nlmsghdr *nlh;
	ssize_t n;
	int left, r;

	while (!all_done()) {
		left = (int)(deadline - azc_now_ms());
		if (left <= 0)
			die("the kernel did not answer on the %s socket within %d s",
			    s->name, opt.timeout_s);
		r = poll(&p, 1, left);
		if (r < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (r <= 0)
			continue;
		n = recv(s->fd, rbuf, sizeof(rbuf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno == ENOBUFS) {
				overrun(s);
				continue;
			}
			if (errno == EAGAIN || errno == EINTR)
				continue;
			die("%s recv: %s", s->name, strerror(errno));
		}
		if ((size_t)n > sizeof(rbuf)) {
			st.trunc++;
			n = sizeof(rbuf);
		}
		for (nlh = (const struct nlmsghdr *)rbuf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n))
			dispatch(nlh);
	}
}

/* Read whatever is queued on @s (notifications) without waiting. */
static void drain(struct nls *s)
{
	const struct nlmsghdr *nlh;
	ssize_t n;
	int i;

	for (i = 0; i < 64; i++) {
		n = recv(s->fd, rbuf, sizeof(rbuf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno == ENOBUFS) {
				st.overrun++;
				continue;
			}
			return;
		}
		if ((size_t)n > sizeof(rbuf))
			n = sizeof(rbuf);
		for (nlh = (const struct nlmsghdr *)rbuf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n))
			dispatch(nlh);
	}
}

/* A request of our own (not fuzzed): its error, or 0. */
static int request(struct nls *s, struct msg *m, reply_cb cb, void *arg)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->d;
	struct outstanding *o;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		n_out = 0;
		drain(s);	/* and so finish a dump still running */
		h->nlmsg_len = (uint32_t)m->len;
		h->nlmsg_seq = seq_next++;
		h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
		o = out_add(h->nlmsg_seq, -1);
		o->cb = cb;
		o->arg = arg;
		nls_send(s, m->d, m->len, -1);
		read_replies(s);
		/* Lost to an overrun, or a dump of the fuzzer's still runs. */
		if (outq[0].error != -ENOBUFS &&
		    (outq[0].error != -EBUSY || !(h->nlmsg_flags & NLM_F_DUMP)))
			break;
		usleep(1000);
	}
	return outq[0].error;
}

static void msg_init(struct msg *m, uint16_t type, uint16_t flags)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = flags };

	m->len = 0;
	m->n_attrs = 0;
	m->full = false;
	put(m, &h, sizeof(h));
}

static void genl_init(struct msg *m, uint16_t type, uint16_t flags, uint8_t cmd,
		      uint8_t version)
{
	struct genlmsghdr g = { .cmd = cmd, .version = version };

	msg_init(m, type, flags);
	put(m, &g, sizeof(g));
}

/* Walk the attributes of [p, p+len) as the kernel's nla_for_each_attr does. */
#define for_each_nla(a, p, len, rem)					\
	for ((a) = (const struct nlattr *)(p), (rem) = (int)(len);	\
	     (rem) >= (int)NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN &&	\
	     (a)->nla_len <= (rem);					\
	     (rem) -= NLA_ALIGN((a)->nla_len),				\
	     (a) = (const struct nlattr *)((const uint8_t *)(a) + NLA_ALIGN((a)->nla_len)))

static const struct nlattr *nla_find_in(const void *p, int len, uint16_t type)
{
	const struct nlattr *a, *found = NULL;
	int rem;

	for_each_nla(a, p, len, rem)
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			found = a;	/* the kernel keeps the last */
	return found;
}

static const void *nla_payload(const struct nlattr *a)
{
	return (const uint8_t *)a + NLA_HDRLEN;
}

static int nla_plen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static uint32_t nla_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (nla_plen(a) >= 4)
		memcpy(&v, nla_payload(a), 4);
	return v;
}

/* A string attribute as nla_strscpy() copies it into a char[IFNAMSIZ]. */
static void nla_name(const struct nlattr *a, char *out, size_t size)
{
	size_t n = (size_t)nla_plen(a);
	const char *s = nla_payload(a);

	if (n > size - 1)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = 0;
}

/* ------------------------------------------------------------------------ */
/* What the namespace holds: devices and links */

struct dev {
	int ifindex;
	char name[IFNAMSIZ];
	bool azc, own;
};

static struct dev devs[MAX_DEVREFS];
static int n_devs;

struct linkref {
	int ifindex;
	uint32_t id;
};

static struct linkref links[MAX_LINKREFS];
static int n_links;

static bool own_name(const char *s)
{
	return !strncmp(s, "azf", 3) && s[3] >= '0' && s[3] < '0' + OWN_DEVS &&
	       !s[4];
}

static struct dev *dev_find(int ifindex)
{
	int i;

	for (i = 0; i < n_devs; i++)
		if (devs[i].ifindex == ifindex)
			return &devs[i];
	return NULL;
}

static void link_note(int ifindex, uint32_t id)
{
	int i;

	for (i = 0; i < n_links; i++)
		if (links[i].ifindex == ifindex && links[i].id == id)
			return;
	if (n_links == MAX_LINKREFS)
		memmove(links, links + 1, sizeof(links[0]) * --n_links);
	links[n_links].ifindex = ifindex;
	links[n_links++].id = id;
}

/* Whether @ifindex or @name may be changed or deleted: only ours. */
static bool protected_index(int ifindex)
{
	struct dev *d = dev_find(ifindex);

	return d && !d->own;
}

static bool protected_name(const char *name)
{
	int i;

	for (i = 0; i < n_devs; i++)
		if (!devs[i].own && !strcmp(devs[i].name, name))
			return true;
	return false;
}

static void on_rtlink(const struct nlmsghdr *nlh, void *arg)
{
	const struct ifinfomsg *ifm = NLMSG_DATA(nlh);
	const struct nlattr *a, *li, *kind;
	struct dev *d;
	char name[IFNAMSIZ] = "";
	int len = (int)nlh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifm));

	(void)arg;
	if (nlh->nlmsg_type != RTM_NEWLINK || len < 0 || n_devs == MAX_DEVREFS)
		return;
	a = nla_find_in((const uint8_t *)ifm + NLMSG_ALIGN(sizeof(*ifm)), len,
			IFLA_IFNAME);
	if (a)
		nla_name(a, name, sizeof(name));
	d = &devs[n_devs++];
	memset(d, 0, sizeof(*d));
	d->ifindex = ifm->ifi_index;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->own = own_name(name);
	li = nla_find_in((const uint8_t *)ifm + NLMSG_ALIGN(sizeof(*ifm)), len,
			 IFLA_LINKINFO);
	if (li) {
		kind = nla_find_in(nla_payload(li), nla_plen(li), IFLA_INFO_KIND);
		if (kind) {
			char k[32];

			nla_name(kind, k, sizeof(k));
			d->azc = !strcmp(k, AZCONNECT_LINK_KIND);
		}
	}
}

static void on_link_reply(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const struct nlattr *ifi, *l, *id;
	int len = (int)nlh->nlmsg_len - (int)NLMSG_LENGTH(GENL_HDRLEN);

	(void)arg;
	if (nlh->nlmsg_type != family || len < 0)
		return;
	ifi = nla_find_in((const uint8_t *)g + GENL_HDRLEN, len, AZCONNECT_A_IFINDEX);
	l = nla_find_in((const uint8_t *)g + GENL_HDRLEN, len, AZCONNECT_A_LINK);
	if (!ifi || !l)
		return;
	id = nla_find_in(nla_payload(l), nla_plen(l), AZCONNECT_A_LINK_ID);
	if (id) {
		link_note((int)nla_u32(ifi), nla_u32(id));
		if (g->cmd == AZCONNECT_CMD_LINK_NEW)
			st.links++;
	}
}

static struct msg req;	/* requests of our own */

/* Learn the devices (all of them, to know which are not ours) and links. */
static void refresh(void)
{
	struct ifinfomsg ifm = { .ifi_family = AF_UNSPEC };
	int i;

	st.refresh++;
	n_devs = 0;
	msg_init(&req, RTM_GETLINK, NLM_F_DUMP);
	put(&req, &ifm, sizeof(ifm));
	if (request(&rt, &req, on_rtlink, NULL))
		die("RTM_GETLINK dump failed");
	n_links = 0;
	for (i = 0; i < n_devs; i++) {
		uint32_t idx = (uint32_t)devs[i].ifindex;

		if (!devs[i].azc)
			continue;
		genl_init(&req, family, NLM_F_DUMP, AZCONNECT_CMD_LINK_GET, 1);
		attr(&req, AZCONNECT_A_IFINDEX, &idx, 4);
		request(&gn, &req, on_link_reply, NULL);
	}
}

/* ------------------------------------------------------------------------ */
/* The family: resolved at start, checked on the way */

static void on_family(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a, *grps, *g;
	int len = (int)nlh->nlmsg_len - (int)NLMSG_LENGTH(GENL_HDRLEN);
	const uint8_t *p = (const uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	int rem;

	(void)arg;
	if (nlh->nlmsg_type != GENL_ID_CTRL || len < 0)
		return;
	a = nla_find_in(p, len, CTRL_ATTR_FAMILY_ID);
	if (a && nla_plen(a) >= 2) {
		uint16_t id;

		memcpy(&id, nla_payload(a), 2);
		if (family && id != family)
			die("the family's id changed from %u to %u", family, id);
		family = id;
	}
	grps = nla_find_in(p, len, CTRL_ATTR_MCAST_GROUPS);
	if (!grps)
		return;
	for_each_nla(g, nla_payload(grps), nla_plen(grps), rem) {
		const struct nlattr *nm = nla_find_in(nla_payload(g), nla_plen(g),
						      CTRL_ATTR_MCAST_GRP_NAME);
		const struct nlattr *id = nla_find_in(nla_payload(g), nla_plen(g),
						      CTRL_ATTR_MCAST_GRP_ID);
		char name[32];

		if (!nm || !id)
			continue;
		nla_name(nm, name, sizeof(name));
		if (!strcmp(name, AZCONNECT_MCGRP_EVENTS))
			events_grp = nla_u32(id);
	}
}

static void check_family(void)
{
	int err;

	genl_init(&req, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	attr(&req, CTRL_ATTR_FAMILY_NAME, AZCONNECT_FAMILY_NAME,
	     sizeof(AZCONNECT_FAMILY_NAME));
	err = request(&gn, &req, on_family, NULL);
	if (err)
		die("the azconnect family is gone: %s", strerror(-err));
	if (!family)
		die("no family id in the controller's answer");
}

static void genl_open(void)
{
	nls_open(&gn);
	check_family();
	if (events_grp)
		setsockopt(gn.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &events_grp,
			   sizeof(events_grp));
}

/* ------------------------------------------------------------------------ */
/* Sockets for link-new */

struct pair {
	int user;	/* the end handed to the kernel */
	int peer;	/* the other end, kept by the fuzzer */
};

static struct pair pairs[MAX_PAIRS];
static int n_pairs;
static bool ktls_ok = true;
static int ktls_errno;

static void pair_close(int i)
{
	if (pairs[i].user >= 0)
		close(pairs[i].user);
	if (pairs[i].peer >= 0)
		close(pairs[i].peer);
	pairs[i] = pairs[--n_pairs];
}

static void pair_keep(int user, int peer)
{
	if (n_pairs == MAX_PAIRS)
		pair_close((int)rnd(MAX_PAIRS));
	pairs[n_pairs].user = user;
	pairs[n_pairs++].peer = peer;
	st.pairs++;
}

/* A working kTLS pair, kept in pairs[]; the user end, or -1. */
static int ktls_pair(void)
{
	int a, b;

	if (!ktls_ok || azt_tcp_pair(&a, &b, chance(30)))
		return -1;
	if (azt_ktls_on(a, true, true, true) ||
	    azt_ktls_on(b, true, true, true)) {
		if (st.pairs == 0) {
			ktls_ok = false;
			ktls_errno = errno;
		}
		close(a);
		close(b);
		return -1;
	}
	pair_keep(a, b);
	return a;
}

enum sock_kind {
	SK_CLOSED, SK_FILE, SK_PIPE, SK_UDP, SK_UDP6, SK_UNIX, SK_NETLINK,
	SK_RAW, SK_TCP_UNCONN, SK_TCP_LISTEN, SK_TCP_CONN, SK_TCP_ULP_ONLY,
	SK_TCP_TX_ONLY, SK_TCP_RX_ONLY, SK_KTLS_PEER_GONE, SK_MPTCP,
	SK_ATTACHED, SK_PEER_END, SK_KTLS, SK_NUMBER, SK_NUM
};

/* Descriptors to close once the request that names them is answered. */
static int closing[16];
static int n_closing;

static void close_later(int fd)
{
	if (fd < 0)
		return;
	if (n_closing == (int)AZC_ARRAY_SIZE(closing))
		close(fd);
	else
		closing[n_closing++] = fd;
}

static void close_all_later(void)
{
	while (n_closing)
		close(closing[--n_closing]);
}

/* A descriptor of @kind for link-new, closed after the request. */
static int make_sock(enum sock_kind kind)
{
	int a = -1, b = -1, p[2];

	switch (kind) {
	case SK_CLOSED:
		a = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (a >= 0)
			close(a);
		return a >= 0 ? a : 1000;
	case SK_FILE:
		a = open("/dev/null", O_RDONLY | O_CLOEXEC);
		break;
	case SK_PIPE:
		if (pipe2(p, O_CLOEXEC))
			return -1;
		close(p[1]);
		a = p[0];
		break;
	case SK_UDP:
		a = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		break;
	case SK_UDP6:
		a = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		break;
	case SK_UNIX:
		a = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		break;
	case SK_NETLINK:
		return rnd(2) ? gn.fd : rt.fd;
	case SK_RAW:
		a = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
		break;
	case SK_TCP_UNCONN:
		a = socket(rnd(2) ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
		break;
	case SK_TCP_LISTEN: {
		struct sockaddr_in sa = { .sin_family = AF_INET,
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

		a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (a >= 0 && (bind(a, (struct sockaddr *)&sa, sizeof(sa)) || listen(a, 1))) {
			close(a);
			a = -1;
		}
		break;
	}
	case SK_TCP_CONN:
	case SK_TCP_ULP_ONLY:
	case SK_TCP_TX_ONLY:
	case SK_TCP_RX_ONLY:
	case SK_KTLS_PEER_GONE:
		if (azt_tcp_pair(&a, &b, chance(30)))
			return -1;
		if (kind == SK_TCP_ULP_ONLY)
			azt_ktls_on(a, true, false, false);
		else if (kind == SK_TCP_TX_ONLY)
			azt_ktls_on(a, true, true, false);
		else if (kind == SK_TCP_RX_ONLY)
			azt_ktls_on(a, true, false, true);
		else if (kind == SK_KTLS_PEER_GONE)
			azt_ktls_on(a, true, true, true);
		/* Established, or in CLOSE_WAIT when the peer went first. */
		if (kind == SK_KTLS_PEER_GONE || chance(30)) {
			close(b);
			usleep(500);
		} else {
			close_later(b);
		}
		break;
	case SK_MPTCP:
		a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
		break;
	case SK_ATTACHED:
	case SK_PEER_END:
		if (n_pairs) {
			struct pair *pr = &pairs[rnd((uint32_t)n_pairs)];

			return kind == SK_ATTACHED ? pr->user : pr->peer;
		}
		/* fall through */
	case SK_KTLS:
		return ktls_pair();
	case SK_NUMBER:
	default:
		return (int)(uint32_t)pick_interesting();
	}
	close_later(a);
	return a;
}

/* ------------------------------------------------------------------------ */
/* Payloads: SSTP packets, PPP frames, IPv6 */

/* An SSTP control packet: echo, abort, disconnect, with attributes. */
static size_t gen_sstp_ctrl(uint8_t *b, size_t max)
{
	static const uint16_t types[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0xffff };
	size_t n = 8, na = rnd(3), i;

	if (max < 8)
		return 0;
	b[0] = 0x10;
	b[1] = 0x01;
	b[4] = 0;
	b[5] = (uint8_t)types[rnd(AZC_ARRAY_SIZE(types))];
	b[6] = 0;
	b[7] = (uint8_t)na;
	for (i = 0; i < na && n + 8 <= max; i++) {
		b[n] = 0;
		b[n + 1] = (uint8_t)rnd(8);
		b[n + 2] = 0;
		b[n + 3] = 8;
		rnd_bytes(b + n + 4, 4);
		n += 8;
	}
	b[2] = (uint8_t)(n >> 8);
	b[3] = (uint8_t)n;
	return n;
}

/* A PPP frame (ff 03, protocol, information) of various protocols. */
static size_t gen_ppp(uint8_t *b, size_t max)
{
	static const uint16_t protos[] = { 0xc021, 0x8057, 0xc223, 0xc023,
					   0x0057, 0x0021, 0x8021, 0x0001,
					   0xffff, 0x0000 };
	uint16_t proto = protos[rnd(AZC_ARRAY_SIZE(protos))];
	size_t n = 4 + rnd(rnd(8) ? 16 : 600);

	if (n > max)
		n = max;
	if (n < 4)
		return 0;
	b[0] = 0xff;
	b[1] = 0x03;
	b[2] = (uint8_t)(proto >> 8);
	b[3] = (uint8_t)proto;
	rnd_bytes(b + 4, n - 4);
	if (n >= 8) {			/* LCP/IPV6CP-shaped: code, id, length */
		b[4] = (uint8_t)(1 + rnd(11));
		b[6] = (uint8_t)((n - 4) >> 8);
		b[7] = (uint8_t)(n - 4);
	}
	if (chance(10))			/* not ff 03 */
		b[rnd(2)] ^= 0x5a;
	return n;
}

/* An IPv6 packet (maybe broken) for a PPP frame of protocol 0x0057. */
static size_t gen_ipv6(uint8_t *b, size_t max)
{
	size_t plen = rnd(rnd(8) ? 64 : 1500), n = 40 + plen;

	if (n > max)
		n = max;
	if (n < 40)
		return 0;
	plen = n - 40;
	memset(b, 0, 40);
	b[0] = chance(90) ? 0x60 : (uint8_t)rnd64();
	b[4] = (uint8_t)(plen >> 8);
	b[5] = (uint8_t)plen;
	if (chance(10))
		b[5] ^= 0x1f;
	b[6] = chance(70) ? 59 : (uint8_t)rnd(256);	/* no next header */
	b[7] = 64;
	/* Source: link-local, unspecified or random; destination: all nodes. */
	if (chance(50)) {
		b[8] = 0xfe;
		b[9] = 0x80;
		rnd_bytes(b + 16, 8);
	} else if (chance(50)) {
		rnd_bytes(b + 8, 16);
	}
	if (chance(60)) {
		b[24] = 0xff;
		b[25] = 0x02;
		b[39] = 1;
	} else {
		rnd_bytes(b + 24, 16);
	}
	rnd_bytes(b + 40, plen);
	return n;
}

/* An SSTP data packet holding a PPP frame, IPv6 or anything. */
static size_t gen_sstp_data(uint8_t *b, size_t max)
{
	size_t n;

	if (max < 8)
		return 0;
	switch (rnd(4)) {
	case 0:
	case 1:
		n = gen_ppp(b + 4, max - 4);
		break;
	case 2:
		b[4] = 0xff;
		b[5] = 0x03;
		b[6] = 0x00;
		b[7] = 0x57;
		n = 4 + gen_ipv6(b + 8, max - 8);
		break;
	default:
		n = rnd((uint32_t)(max - 4 < 64 ? max - 4 : 64));
		rnd_bytes(b + 4, n);
		break;
	}
	n += 4;
	if (n > AZCONNECT_SSTP_MAX_LEN)
		n = AZCONNECT_SSTP_MAX_LEN;
	b[0] = 0x10;
	b[1] = 0x00;
	b[2] = (uint8_t)(n >> 8);
	b[3] = (uint8_t)n;
	return n;
}

/* A byte stream for pending or a peer: packets, broken or not, maybe cut. */
static size_t gen_stream(uint8_t *b, size_t max)
{
	size_t n = 0, k, cnt = rnd(7);

	while (cnt-- && n + 16 < max) {
		switch (rnd(10)) {
		case 0: case 1: case 2:
			k = gen_sstp_ctrl(b + n, max - n);
			break;
		case 3: case 4: case 5: case 6:
			k = gen_sstp_data(b + n, max - n);
			break;
		case 7:			/* a broken SSTP header */
			k = 4 + rnd(8);
			rnd_bytes(b + n, k);
			if (chance(50))
				b[n] = 0x10;
			break;
		case 8:			/* random bytes */
			k = rnd((uint32_t)(max - n < 64 ? max - n : 64));
			rnd_bytes(b + n, k);
			break;
		default:		/* a header that promises more */
			k = 4;
			b[n] = 0x10;
			b[n + 1] = (uint8_t)rnd(2);
			b[n + 2] = (uint8_t)rnd(16);
			b[n + 3] = (uint8_t)rnd(256);
			break;
		}
		n += k;
	}
	if (n && chance(20))		/* cut inside the last packet */
		n -= rnd((uint32_t)n);
	if (chance(3)) {		/* very long: up to and over the limit */
		k = AZCONNECT_PENDING_MAX_LEN - 8 + rnd(16);
		if (k > max)
			k = max;
		if (k > n) {
			rnd_bytes(b + n, k - n);
			n = k;
		}
	}
	return n;
}

/* ------------------------------------------------------------------------ */
/* Generic netlink requests */

static uint32_t pick_ifindex(bool destructive)
{
	int i, tries;

	switch (rnd(10)) {
	case 0:
		return 1;			/* lo: not ours, not azconnect */
	case 1:
		return (uint32_t)pick_interesting();
	case 2:
		return 0x7ffffff0u;		/* no such device */
	default:
		for (tries = 0; tries < 8 && n_devs; tries++) {
			i = (int)rnd((uint32_t)n_devs);
			if (devs[i].azc && (!destructive || devs[i].own))
				return (uint32_t)devs[i].ifindex;
		}
		return 2 + rnd(8);
	}
}

static const char *pick_ifname(bool destructive)
{
	static char name[IFNAMSIZ];
	int i, tries;

	switch (rnd(8)) {
	case 0:
		return "lo";
	case 1:
		return "nosuch0";
	case 2:
		snprintf(name, sizeof(name), "azf%u", rnd(OWN_DEVS));
		return name;
	default:
		for (tries = 0; tries < 8 && n_devs; tries++) {
			i = (int)rnd((uint32_t)n_devs);
			if (devs[i].azc && (!destructive || devs[i].own))
				return devs[i].name;
		}
		return "azf0";
	}
}

static void put_target(struct msg *m, bool destructive)
{
	uint32_t idx = pick_ifindex(destructive);

	switch (rnd(10)) {
	case 0:
	case 1:
		emit_str(m, AZCONNECT_A_IFNAME, pick_ifname(destructive), AZCONNECT_A_MAX);
		break;
	case 2:			/* both, agreeing or not */
		emit_scalar(m, AZCONNECT_A_IFINDEX, idx, 4, AZCONNECT_A_MAX);
		emit_str(m, AZCONNECT_A_IFNAME, pick_ifname(destructive), AZCONNECT_A_MAX);
		break;
	case 3:
		if (chance(50))
			break;	/* neither */
		/* fall through */
	default:
		emit_scalar(m, AZCONNECT_A_IFINDEX, idx, 4, AZCONNECT_A_MAX);
		break;
	}
}

static uint32_t pick_link_id(void)
{
	if (n_links && chance(70))
		return links[rnd((uint32_t)n_links)].id;
	if (chance(70))
		return 1 + rnd(8);
	return (uint32_t)pick_interesting();
}

/* Attributes of any set, at random: for unknown commands and extras. */
static void put_junk_attrs(struct msg *m, int max)
{
	int i, n = (int)rnd((uint32_t)max + 1);
	uint8_t b[32];

	for (i = 0; i < n; i++) {
		uint16_t type = (uint16_t)rnd(AZCONNECT_A_LINK_MAX + 3);

		if (chance(30)) {
			size_t off = nest_open(m, (uint16_t)(rnd(AZCONNECT_A_MAX + 2) | NLA_F_NESTED));

			put_width(m, type, rnd64(), 4);
			nest_close(m, off);
		} else {
			rnd_bytes(b, sizeof(b));
			attr(m, type, b, rnd(sizeof(b) + 1));
		}
	}
}

static void gen_dev(struct msg *m)
{
	struct nest t;

	emit_nest_open(m, &t, AZCONNECT_A_DEV | NLA_F_NESTED, AZCONNECT_A_MAX);
	if (chance(85))
		emit_scalar(m, AZCONNECT_A_DEV_MODE, rnd(2), 4, AZCONNECT_A_DEV_MAX);
	if (chance(10))		/* read-only attributes of the set */
		emit_scalar(m, (uint16_t)(1 + rnd(AZCONNECT_A_DEV_MAX)), rnd64(),
			    rnd(2) ? 4 : 8, AZCONNECT_A_DEV_MAX);
	emit_nest_close(m, &t);
}

static uint8_t pending_buf[AZCONNECT_PENDING_MAX_LEN + 64];

static void gen_link_new(struct msg *m)
{
	static const uint8_t prefix[8] = { 0xfd, 0, 0, 0x99, 0, 0, 0, 0 };
	enum sock_kind kind;
	uint8_t liid[8], piid[8], addr[16];
	struct nest t;
	size_t plen;
	int fd;

	put_target(m, false);
	kind = chance(50) ? SK_KTLS : (enum sock_kind)rnd(SK_NUM);
	fd = make_sock(kind);
	rnd_bytes(liid, 8);
	rnd_bytes(piid, 8);
	if (chance(10))
		memset(piid, 0, 8);
	memcpy(addr, prefix, 8);
	memcpy(addr + 8, piid, 8);
	if (chance(10))
		addr[15] ^= 1;		/* does not end in peer-iid */
	emit_nest_open(m, &t, AZCONNECT_A_LINK | NLA_F_NESTED, AZCONNECT_A_MAX);
	if (chance(95))
		emit_scalar(m, AZCONNECT_A_LINK_SOCKET, (uint32_t)fd, 4, AZCONNECT_A_LINK_MAX);
	if (chance(50)) {
		plen = gen_stream(pending_buf, sizeof(pending_buf));
		emit_bin(m, AZCONNECT_A_LINK_PENDING, pending_buf, plen, AZCONNECT_A_LINK_MAX);
	}
	if (chance(95))
		emit_bin(m, AZCONNECT_A_LINK_LOCAL_IID, liid, 8, AZCONNECT_A_LINK_MAX);
	if (chance(95))
		emit_bin(m, AZCONNECT_A_LINK_PEER_IID, piid, 8, AZCONNECT_A_LINK_MAX);
	if (chance(85))
		emit_bin(m, AZCONNECT_A_LINK_PEER_ADDR, addr, 16, AZCONNECT_A_LINK_MAX);
	if (chance(50))
		emit_scalar(m, AZCONNECT_A_LINK_MRU, 1280 + rnd(4087 - 1280 + 1), 2,
			    AZCONNECT_A_LINK_MAX);
	if (chance(5))		/* attributes link-new does not take */
		emit_scalar(m, (uint16_t)(AZCONNECT_A_LINK_ID + rnd(AZCONNECT_A_LINK_MAX)),
			    rnd64(), 4, AZCONNECT_A_LINK_MAX);
	emit_nest_close(m, &t);
}

static void gen_link_named(struct msg *m, bool destructive, bool reason)
{
	struct nest t;

	put_target(m, destructive);
	emit_nest_open(m, &t, AZCONNECT_A_LINK | NLA_F_NESTED, AZCONNECT_A_MAX);
	if (chance(90))
		emit_scalar(m, AZCONNECT_A_LINK_ID, pick_link_id(), 4, AZCONNECT_A_LINK_MAX);
	if (reason && chance(50))
		emit_scalar(m, AZCONNECT_A_LINK_DOWN_REASON, rnd(8), 4,
			    AZCONNECT_A_LINK_MAX);
	if (chance(5))
		emit_scalar(m, (uint16_t)(1 + rnd(AZCONNECT_A_LINK_MAX)), rnd64(),
			    rnd(2) ? 4 : 8, AZCONNECT_A_LINK_MAX);
	emit_nest_close(m, &t);
}

static void gen_ctrl_send(struct msg *m)
{
	uint8_t frame[AZCONNECT_SSTP_MAX_LEN + 16];
	struct nest t;
	uint32_t kind = rnd(2);
	size_t n;

	put_target(m, false);
	if (kind == AZCONNECT_CTRL_KIND_SSTP && chance(85)) {
		n = gen_sstp_ctrl(frame, sizeof(frame));
	} else if (chance(85)) {
		n = gen_ppp(frame, sizeof(frame));
	} else {
		n = rnd(chance(80) ? 32 : sizeof(frame));
		rnd_bytes(frame, n);
	}
	if (chance(10))
		kind = rnd(2) ? 1 - kind : rnd(5);
	emit_nest_open(m, &t, AZCONNECT_A_CTRL | NLA_F_NESTED, AZCONNECT_A_MAX);
	if (chance(90))
		emit_scalar(m, AZCONNECT_A_CTRL_LINK_ID, pick_link_id(), 4,
			    AZCONNECT_A_CTRL_MAX);
	if (chance(90))
		emit_scalar(m, AZCONNECT_A_CTRL_KIND, kind, 4, AZCONNECT_A_CTRL_MAX);
	if (chance(90))
		emit_bin(m, AZCONNECT_A_CTRL_FRAME, frame, n, AZCONNECT_A_CTRL_MAX);
	emit_nest_close(m, &t);
}

/* ------------------------------------------------------------------------ */
/* Byte-level mutations of a finished message */

/* How broken the next message is: a third valid, a third a little, a third a lot. */
static unsigned int pick_mut_pct(void)
{
	switch (rnd(3)) {
	case 0: return 0;
	case 1: return 2 + rnd(7);
	default: return 15 + rnd(50);
	}
}

static void mutate_bytes(struct msg *m, size_t hdrlen)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->d;
	size_t i, k;

	h->nlmsg_len = (uint32_t)m->len;
	if (!mut_pct || chance(50))
		return;

	if (m->n_attrs && chance(25)) {		/* an attribute's length */
		struct nlattr *a = (struct nlattr *)(m->d + m->attrs[rnd(m->n_attrs)]);
		static const uint16_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 0xffff, 0x8000 };

		switch (rnd(4)) {
		case 0: a->nla_len = lens[rnd(AZC_ARRAY_SIZE(lens))]; break;
		case 1: a->nla_len = (uint16_t)(a->nla_len + 1 + rnd(8)); break;
		case 2: a->nla_len = (uint16_t)(a->nla_len - 1 - rnd(4)); break;
		default: a->nla_len = (uint16_t)(m->len - m->attrs[0] + 4 * rnd(4)); break;
		}
	}
	if (chance(10)) {			/* flips in the attributes */
		k = 1 + rnd(8);
		for (i = 0; i < k && m->len > hdrlen; i++)
			m->d[hdrlen + rnd((uint32_t)(m->len - hdrlen))] ^= (uint8_t)(1u << rnd(8));
	}
	if (chance(5) && m->len > NLMSG_HDRLEN) {	/* the protocol header */
		k = NLMSG_HDRLEN + rnd((uint32_t)(hdrlen - NLMSG_HDRLEN));
		m->d[k] = (uint8_t)rnd64();
	}
	if (chance(8)) {			/* truncated */
		k = rnd((uint32_t)m->len + 1);
		m->len = k < sizeof(*h) ? sizeof(*h) : k;
	}
	h->nlmsg_len = (uint32_t)m->len;
	if (chance(5)) {			/* a length that lies */
		static const uint32_t lens[] = { 0, 1, 15, 16, 17, 19, 20, 0xffffffff };

		switch (rnd(3)) {
		case 0: h->nlmsg_len = lens[rnd(AZC_ARRAY_SIZE(lens))]; break;
		case 1: h->nlmsg_len = (uint32_t)m->len + 1 + rnd(64); break;
		default: h->nlmsg_len = (uint32_t)m->len - rnd((uint32_t)m->len); break;
		}
	}
	if (chance(3)) {			/* trailing garbage */
		k = 1 + rnd(32);
		if (m->len + k < MSG_MAX) {
			rnd_bytes(m->d + m->len, k);
			m->len += k;
			if (chance(50))
				h->nlmsg_len = (uint32_t)m->len;
		}
	}
}

static uint16_t pick_flags(bool dump_likely)
{
	uint16_t f = NLM_F_REQUEST;

	if (chance(50))
		f |= NLM_F_ACK;
	if (chance(dump_likely ? 50 : 12))
		f |= NLM_F_DUMP;
	if (chance(5))
		f |= (uint16_t)(rnd(2) ? NLM_F_ROOT : NLM_F_MATCH);
	if (chance(5))
		f |= NLM_F_ECHO;
	if (chance(3))
		f = (uint16_t)rnd64();
	if (chance(2))
		f &= (uint16_t)~NLM_F_REQUEST;
	return f;
}

/* One generic netlink request into @m; returns its tstats index. */
static int gen_genl(struct msg *m)
{
	static const uint8_t cmds[] = {
		AZCONNECT_CMD_DEV_GET, AZCONNECT_CMD_DEV_GET, AZCONNECT_CMD_DEV_SET,
		AZCONNECT_CMD_LINK_NEW, AZCONNECT_CMD_LINK_NEW, AZCONNECT_CMD_LINK_NEW,
		AZCONNECT_CMD_LINK_DEL, AZCONNECT_CMD_LINK_DEL, AZCONNECT_CMD_LINK_GET,
		AZCONNECT_CMD_LINK_GET, AZCONNECT_CMD_CTRL_SEND, AZCONNECT_CMD_CTRL_SEND,
		AZCONNECT_CMD_LINK_DEL_NTF, AZCONNECT_CMD_CTRL_NTF, 0, 255,
	};
	uint8_t cmd = cmds[rnd(AZC_ARRAY_SIZE(cmds))];
	uint8_t version = chance(95) ? 1 : (uint8_t)rnd(256);

	if (cmd == 255)
		cmd = (uint8_t)(AZCONNECT_CMD_MAX + 1 + rnd(256 - AZCONNECT_CMD_MAX - 1));
	mut_pct = pick_mut_pct();
	genl_init(m, family, pick_flags(cmd == AZCONNECT_CMD_DEV_GET ||
					cmd == AZCONNECT_CMD_LINK_GET),
		  cmd, version);
	switch (cmd) {
	case AZCONNECT_CMD_DEV_GET:
		if (chance(70))
			put_target(m, false);
		break;
	case AZCONNECT_CMD_DEV_SET:
		put_target(m, true);
		if (chance(90))
			gen_dev(m);
		break;
	case AZCONNECT_CMD_LINK_NEW:
		gen_link_new(m);
		break;
	case AZCONNECT_CMD_LINK_DEL:
		gen_link_named(m, true, true);
		break;
	case AZCONNECT_CMD_LINK_GET:
		gen_link_named(m, false, false);
		break;
	case AZCONNECT_CMD_CTRL_SEND:
		gen_ctrl_send(m);
		break;
	default:
		put_target(m, false);
		put_junk_attrs(m, 4);
		break;
	}
	if (chance(5))
		put_junk_attrs(m, 3);
	mutate_bytes(m, NLMSG_HDRLEN + GENL_HDRLEN);
	return cmd <= AZCONNECT_CMD_MAX ? T_GENL + cmd : T_GENL_UNKNOWN;
}

/*
 * Whether the generic netlink message @h (@len bytes available) could
 * change a device that is not ours: dev-set or link-del naming it.
 */
static bool genl_unsafe(const struct nlmsghdr *h, size_t len)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);
	const struct nlattr *a;
	char name[IFNAMSIZ];
	int rem;

	if (len < NLMSG_LENGTH(GENL_HDRLEN))
		return false;
	if (g->cmd != AZCONNECT_CMD_DEV_SET && g->cmd != AZCONNECT_CMD_LINK_DEL)
		return false;
	for_each_nla(a, (const uint8_t *)g + GENL_HDRLEN,
		     len - NLMSG_LENGTH(GENL_HDRLEN), rem) {
		uint16_t type = a->nla_type & NLA_TYPE_MASK;

		if (type == AZCONNECT_A_IFINDEX && nla_plen(a) >= 4 &&
		    protected_index((int)nla_u32(a)))
			return true;
		if (type == AZCONNECT_A_IFNAME) {
			nla_name(a, name, sizeof(name));
			if (protected_name(name))
				return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------------ */
/* rtnetlink requests */

static void gen_linkinfo(struct msg *m)
{
	struct nest li, data;
	static const char *const kinds[] = { AZCONNECT_LINK_KIND, "" };

	emit_nest_open(m, &li, IFLA_LINKINFO | NLA_F_NESTED, IFLA_MAX);
	if (chance(95))
		emit_str(m, IFLA_INFO_KIND, kinds[chance(97) ? 0 : 1], IFLA_INFO_MAX);
	if (chance(75)) {
		emit_nest_open(m, &data, IFLA_INFO_DATA | NLA_F_NESTED, IFLA_INFO_MAX);
		if (chance(90))
			emit_scalar(m, IFLA_AZCONNECT_MODE, chance(80) ? rnd(2) : rnd64(),
				    4, IFLA_AZCONNECT_MAX + 2);
		if (chance(10))
			put_junk_attrs(m, 3);
		emit_nest_close(m, &data);
	}
	if (chance(5))
		emit_scalar(m, (uint16_t)(IFLA_INFO_XSTATS + rnd(4)), rnd64(), 4,
			    IFLA_INFO_MAX);
	emit_nest_close(m, &li);
}

/* Extra IFLA attributes that change a device of ours. */
static void gen_ifla_extra(struct msg *m)
{
	static const uint16_t types[] = { IFLA_MTU, IFLA_TXQLEN, IFLA_MTU,
					  IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES,
					  IFLA_ADDRESS, IFLA_CARRIER, IFLA_OPERSTATE,
					  IFLA_LINKMODE, IFLA_GSO_MAX_SIZE };
	static const uint32_t mtus[] = { 0, 68, 1279, 1280, 1400, 1500, 4087,
					 4088, 65535 };
	static const uint32_t queues[] = { 0, 1, 2, 8, 64, 4097, 0xffffffff };
	uint16_t type = types[rnd(AZC_ARRAY_SIZE(types))];
	uint8_t b[8];

	switch (type) {
	case IFLA_MTU:
		emit_scalar(m, type, mtus[rnd(AZC_ARRAY_SIZE(mtus))], 4, IFLA_MAX);
		break;
	case IFLA_NUM_TX_QUEUES:
	case IFLA_NUM_RX_QUEUES:
		emit_scalar(m, type, queues[rnd(AZC_ARRAY_SIZE(queues))], 4, IFLA_MAX);
		break;
	case IFLA_ADDRESS:
		rnd_bytes(b, sizeof(b));
		emit_bin(m, type, b, rnd(9), IFLA_MAX);
		break;
	case IFLA_CARRIER:
	case IFLA_OPERSTATE:
	case IFLA_LINKMODE:
		emit_scalar(m, type, rnd(8), 1, IFLA_MAX);
		break;
	default:
		emit_scalar(m, type, pick_interesting(), 4, IFLA_MAX);
		break;
	}
}

static int gen_rtnl(struct msg *m)
{
	struct ifinfomsg ifm = { .ifi_family = AF_UNSPEC };
	uint16_t type, flags;
	char name[IFNAMSIZ];
	int t, i, n;

	mut_pct = pick_mut_pct();
	snprintf(name, sizeof(name), "azf%u", rnd(OWN_DEVS));
	switch (rnd(10)) {
	case 0: case 1: case 2: case 3:
		type = RTM_NEWLINK;
		t = T_RT_NEW;
		break;
	case 4: case 5:
		type = RTM_SETLINK;
		t = T_RT_SET;
		break;
	case 6: case 7:
		type = RTM_DELLINK;
		t = T_RT_DEL;
		break;
	default:
		type = RTM_GETLINK;
		t = T_RT_GET;
		break;
	}
	flags = NLM_F_REQUEST;
	if (chance(50))
		flags |= NLM_F_ACK;
	if (type == RTM_NEWLINK && chance(80))
		flags |= NLM_F_CREATE | (chance(70) ? NLM_F_EXCL : 0);
	if (chance(5))
		flags |= NLM_F_REPLACE;
	if (type == RTM_GETLINK && chance(50))
		flags |= NLM_F_DUMP;
	if (chance(5))
		flags |= NLM_F_ECHO;
	if (chance(3))
		flags = (uint16_t)(rnd64() | NLM_F_REQUEST);
	msg_init(m, type, flags);

	/* The device: by index (ours, or any for RTM_GETLINK), or by name. */
	if (type != RTM_NEWLINK || !(flags & NLM_F_CREATE) || chance(10)) {
		if (chance(60) && n_devs) {
			for (i = 0; i < 8; i++) {
				n = (int)rnd((uint32_t)n_devs);
				if (devs[n].own || (type == RTM_GETLINK && devs[n].azc))
					break;
			}
			if (i < 8)
				ifm.ifi_index = devs[n].ifindex;
		} else if (chance(20)) {
			ifm.ifi_index = (int)(uint32_t)pick_interesting();
		}
	}
	if (type == RTM_SETLINK || (type == RTM_NEWLINK && chance(30))) {
		ifm.ifi_change = chance(50) ? IFF_UP : (unsigned int)rnd64();
		ifm.ifi_flags = chance(50) ? IFF_UP : 0;
	}
	if (chance(3))
		ifm.ifi_family = (unsigned char)(rnd(2) ? AF_INET6 : AF_BRIDGE);
	put(m, &ifm, sizeof(ifm));

	if (!ifm.ifi_index || chance(20))
		emit_str(m, IFLA_IFNAME, name, IFLA_MAX);
	if (type != RTM_GETLINK || chance(50))
		if (chance(90))
			gen_linkinfo(m);
	if (type == RTM_GETLINK && chance(50))
		emit_scalar(m, IFLA_EXT_MASK, rnd(16), 4, IFLA_MAX);
	if (type != RTM_GETLINK && type != RTM_DELLINK)
		for (i = (int)rnd(3); i > 0; i--)
			gen_ifla_extra(m);
	mutate_bytes(m, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifm)));
	return t;
}

/*
 * Whether the rtnetlink message @h (@len bytes available) could change a
 * device that is not ours, make one of another name or kind, or reach out
 * of the namespace.
 */
static bool rtnl_unsafe(const struct nlmsghdr *h, size_t len)
{
	const struct ifinfomsg *ifm = NLMSG_DATA(h);
	const size_t hdr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*ifm));
	const struct nlattr *a, *li, *kind;
	bool named = false;
	char name[IFNAMSIZ];
	int rem;

	if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_SETLINK &&
	    h->nlmsg_type != RTM_DELLINK)
		return false;
	if (len < NLMSG_HDRLEN + sizeof(*ifm))
		return false;
	if (ifm->ifi_index > 0 && protected_index(ifm->ifi_index))
		return true;
	if (len < hdr)
		return false;
	for_each_nla(a, (const uint8_t *)h + hdr, len - hdr, rem) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case IFLA_IFNAME:
		case IFLA_ALT_IFNAME:
			nla_name(a, name, sizeof(name));
			if (!own_name(name))
				return true;
			named = true;
			break;
		case IFLA_GROUP:
		case IFLA_NET_NS_PID:
		case IFLA_NET_NS_FD:
		case IFLA_TARGET_NETNSID:
		case IFLA_MASTER:
		case IFLA_LINK:
		case IFLA_LINK_NETNSID:
			return true;
		}
	}
	if (h->nlmsg_type != RTM_NEWLINK)
		return false;
	if ((h->nlmsg_flags & NLM_F_CREATE) && !named)
		return true;	/* may make a device named azconnect%d */
	li = nla_find_in((const uint8_t *)h + hdr, (int)(len - hdr), IFLA_LINKINFO);
	if (li) {
		kind = nla_find_in(nla_payload(li), nla_plen(li), IFLA_INFO_KIND);
		if (kind) {
			char k[IFNAMSIZ * 4];

			nla_name(kind, k, sizeof(k));
			if (*k && strcmp(k, AZCONNECT_LINK_KIND))
				return true;	/* another kind: a module to load */
		}
	}
	return false;
}

/* Whether any message of the batch in @m is unsafe, as the kernel splits it. */
static bool batch_unsafe(const struct msg *m, bool genl)
{
	const uint8_t *p = m->d;
	size_t left = m->len, msglen;
	const struct nlmsghdr *h;

	while (left >= NLMSG_HDRLEN) {
		h = (const struct nlmsghdr *)p;
		if (h->nlmsg_len < NLMSG_HDRLEN || left < h->nlmsg_len)
			return false;
		/* Only ours: a message cut short makes one of its tail. */
		if ((h->nlmsg_flags & NLM_F_REQUEST) && h->nlmsg_type >= NLMSG_MIN_TYPE &&
		    (genl ? h->nlmsg_type != family :
		     h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_SETLINK &&
		     h->nlmsg_type != RTM_DELLINK && h->nlmsg_type != RTM_GETLINK))
			return true;
		if (genl ? genl_unsafe(h, h->nlmsg_len) : rtnl_unsafe(h, h->nlmsg_len))
			return true;
		msglen = NLMSG_ALIGN(h->nlmsg_len);
		if (msglen > left)
			msglen = left;
		p += msglen;
		left -= msglen;
	}
	return false;
}

/* ------------------------------------------------------------------------ */
/* The peers of the fuzzer's kTLS links */

static void peer_action(void)
{
	uint8_t b[8192];
	struct pair *p;
	size_t n;
	int i = (int)rnd((uint32_t)n_pairs);

	if (!n_pairs)
		return;
	p = &pairs[i];
	st.peer_ops++;
	switch (rnd(12)) {
	case 0: case 1: case 2: case 3:		/* a stream, maybe broken */
		n = gen_stream(b, sizeof(b));
		if (send(p->peer, b, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN)
			pair_close(i);
		break;
	case 4: {				/* an alert or another record type */
		static const uint8_t types[] = { 21, 21, 22, 20, 24, 99 };
		char cbuf[CMSG_SPACE(1)] = { 0 };
		struct iovec iov = { .iov_base = b, .iov_len = 2 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

		c->cmsg_level = SOL_TLS;
		c->cmsg_type = TLS_SET_RECORD_TYPE;
		c->cmsg_len = CMSG_LEN(1);
		*CMSG_DATA(c) = types[rnd(AZC_ARRAY_SIZE(types))];
		b[0] = chance(50) ? 1 : 2;
		b[1] = chance(50) ? 0 : (uint8_t)rnd(256);
		sendmsg(p->peer, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		break;
	}
	case 5:
		shutdown(p->peer, rnd(2) ? SHUT_WR : SHUT_RDWR);
		break;
	case 6:
		pair_close(i);
		break;
	case 7:					/* the owner writes: a hostile user */
		n = gen_stream(b, sizeof(b));
		send(p->user, b, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		break;
	case 8:					/* ... or reads */
		recv(p->user, b, sizeof(b), MSG_DONTWAIT);
		break;
	default:				/* read what the link sent */
		for (n = 0; n < 16; n++) {
			ssize_t r = recv(p->peer, b, sizeof(b), MSG_DONTWAIT);

			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
				pair_close(i);
				break;
			}
			if (r < 0)
				break;
		}
		break;
	}
}

/* Read what the links sent, so that their senders do not wait forever. */
static void peers_drain(void)
{
	uint8_t b[16384];
	int i;

	for (i = 0; i < n_pairs; i++)
		while (recv(pairs[i].peer, b, sizeof(b), MSG_DONTWAIT) > 0)
			;
}

/* ------------------------------------------------------------------------ */

static struct msg fm;		/* the fuzzed batch */
static struct msg single;	/* one message of it */

static void fuzz_one(void)
{
	int targets[4], n, i, tries, added;
	bool genl = chance(72);
	struct nls *s = genl ? &gn : &rt;
	const struct nlmsghdr *h;
	const uint8_t *p;
	size_t left, ml;

	for (tries = 0; ; tries++) {
		fm.len = 0;
		n = chance(4) ? 2 + (int)rnd(2) : 1;
		for (i = 0; i < n; i++) {
			targets[i] = genl ? gen_genl(&single) : gen_rtnl(&single);
			((struct nlmsghdr *)single.d)->nlmsg_seq = seq_next++;
			if (fm.len + NLMSG_ALIGN(single.len) > MSG_MAX)
				break;
			memcpy(fm.d + fm.len, single.d, single.len);
			fm.len += i < n - 1 ? NLMSG_ALIGN(single.len) : single.len;
		}
		n = i;
		if (!batch_unsafe(&fm, genl))
			break;
		st.rejected++;
		for (i = 0; i < n; i++)
			tstats[targets[i]].unsafe++;
		close_all_later();
		if (tries == 50)
			return;
	}
	if (n > 1)
		st.batches++;
	for (i = 0; i < n; i++)
		tstats[targets[i]].sent++;

	/* What the kernel will see: the messages as their lengths split them. */
	n_out = 0;
	for (p = fm.d, left = fm.len, added = 0;
	     left >= NLMSG_HDRLEN && n_out < MAX_OUT - 1; added++) {
		struct outstanding *o;

		h = (const struct nlmsghdr *)p;
		if (h->nlmsg_len < NLMSG_HDRLEN || left < h->nlmsg_len)
			break;
		o = out_add(h->nlmsg_seq, added < n ? targets[added] : targets[n - 1]);
		if (genl)
			o->cb = on_link_reply;
		ml = NLMSG_ALIGN(h->nlmsg_len);
		if (ml > left)
			ml = left;
		p += ml;
		left -= ml;
	}
	for (i = added; i < n; i++)
		tstats[targets[i]].silent++;
	nls_send(s, fm.d, fm.len, targets[0]);
	send_sync(s);
	read_replies(s);
	for (i = 0; i < n_out; i++)
		if (!outq[i].sync && !outq[i].any && outq[i].target >= 0 &&
		    outq[i].error != -ENOBUFS)
			tstats[outq[i].target].silent++;
	close_all_later();
	drain(genl ? &rt : &gn);
}

/* Our own devices at the start: an endpoint and a relay, up. */
static void make_own_devices(void)
{
	struct ifinfomsg ifm = { .ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP,
				 .ifi_change = IFF_UP };
	size_t li, data;
	uint32_t mode;
	int i;

	for (i = 0; i < 2; i++) {
		char name[IFNAMSIZ];

		snprintf(name, sizeof(name), "azf%d", i);
		mode = (uint32_t)i;
		msg_init(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
		put(&req, &ifm, sizeof(ifm));
		attr(&req, IFLA_IFNAME, name, strlen(name) + 1);
		li = nest_open(&req, IFLA_LINKINFO | NLA_F_NESTED);
		attr(&req, IFLA_INFO_KIND, AZCONNECT_LINK_KIND, sizeof(AZCONNECT_LINK_KIND));
		data = nest_open(&req, IFLA_INFO_DATA | NLA_F_NESTED);
		attr(&req, IFLA_AZCONNECT_MODE, &mode, 4);
		nest_close(&req, data);
		nest_close(&req, li);
		request(&rt, &req, NULL, NULL);
	}
}

/* At the end: our devices go (and with them the links on them). */
static void delete_own_devices(void)
{
	struct ifinfomsg ifm = { .ifi_family = AF_UNSPEC };
	int i;

	refresh();
	for (i = 0; i < n_devs; i++) {
		if (!devs[i].own)
			continue;
		ifm.ifi_index = devs[i].ifindex;
		msg_init(&req, RTM_DELLINK, 0);
		put(&req, &ifm, sizeof(ifm));
		request(&rt, &req, NULL, NULL);
	}
}

static void on_dev(const struct nlmsghdr *nlh, void *arg)
{
	if (nlh->nlmsg_type == family)
		(*(int *)arg)++;
}

static void summary(double secs)
{
	static const char *const cls[] = { "ok", "reply", "dump-done", "silent", "lost",
					   "(regenerated as unsafe" };
	unsigned long total = 0, errs[AZC_ARRAY_SIZE(tstats[0].err)] = { 0 };
	char line[2048], nb[32];
	size_t len;
	int t, e, c;

	printf("azc-nlfuzz: summary (%.1f s): requests by kind, replies by class and errno:\n",
	       secs);
	for (t = 0; t < T_NUM; t++) {
		struct tstat *s = &tstats[t];
		unsigned long v[6] = { s->ack, s->data, s->done, s->silent, s->lost,
				       s->unsafe };

		if (!s->sent && !s->unsafe)
			continue;
		total += s->sent;
		len = (size_t)snprintf(line, sizeof(line), "  %-16s %6lu:",
				       target_name(t, nb, sizeof(nb)), s->sent);
		for (c = 0; c < 5; c++)
			if (v[c] && len < sizeof(line))
				len += (size_t)snprintf(line + len, sizeof(line) - len,
							" %s %lu", cls[c], v[c]);
		if (v[5] && len < sizeof(line))
			len += (size_t)snprintf(line + len, sizeof(line) - len,
						" %s %lu)", cls[5], v[5]);
		for (e = 0; e < (int)AZC_ARRAY_SIZE(s->err); e++) {
			if (!s->err[e] || len >= sizeof(line))
				continue;
			errs[e] += s->err[e];
			len += (size_t)snprintf(line + len, sizeof(line) - len, " %s %lu",
						e ? strerrorname_np(e) ?: "E?" : "E-other",
						s->err[e]);
		}
		printf("%s\n", line);
	}
	len = (size_t)snprintf(line, sizeof(line), "  errors:");
	for (e = 0; e < (int)AZC_ARRAY_SIZE(errs); e++)
		if (errs[e] && len < sizeof(line))
			len += (size_t)snprintf(line + len, sizeof(line) - len, " %s %lu",
						e ? strerrorname_np(e) ?: "E?" : "E-other",
						errs[e]);
	printf("%s\n", line);
	printf("  total %lu requests (%lu batches of several, %lu regenerated as unsafe);"
	       " %lu notifications, %lu stray, %lu truncated, %lu overruns, %lu send errors\n",
	       total, st.batches, st.rejected, st.ntf, st.stray, st.trunc, st.overrun,
	       st.senderr);
	printf("  links made %lu; kTLS pairs %lu%s; peer actions %lu; owner socket reopened %lu;"
	       " refreshes %lu\n", st.links, st.pairs,
	       ktls_ok ? "" : " (kTLS unavailable)", st.peer_ops, st.reopen, st.refresh);
}

/* Not in the initial network namespace: this deletes and renames devices. */
static bool in_init_netns(void)
{
	struct stat a, b;

	if (stat("/proc/self/ns/net", &a) || stat("/proc/1/ns/net", &b))
		return false;
	return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: azc-nlfuzz [--seed N] [--count N] [--timeout SECONDS] [--verbose] [--force]\n"
		"  defaults: --seed %d --count %d --timeout %d; run as root in a network\n"
		"  namespace of its own (--force: even in the initial one)\n",
		DEFAULT_SEED, DEFAULT_COUNT, DEFAULT_TIMEOUT);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int64_t start;
	int c, devcount = 0;
	char *end;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt.seed = strtoull(optarg, &end, 0);
			if (*end || !*optarg)
				goto bad;
			break;
		case 'c':
			opt.count = strtoul(optarg, &end, 0);
			if (*end || !*optarg)
				goto bad;
			break;
		case 't':
			opt.timeout_s = atoi(optarg);
			if (opt.timeout_s <= 0)
				goto bad;
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'f':
			opt.force = true;
			break;
		case 'h':
			usage();
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;
	printf("azc-nlfuzz: seed %" PRIu64 " count %lu timeout %d s (defaults: seed %d count %d)\n",
	       opt.seed, opt.count, opt.timeout_s, DEFAULT_SEED, DEFAULT_COUNT);
	if (in_init_netns() && !opt.force) {
		fprintf(stderr, "azc-nlfuzz: refusing to run in the initial network namespace (--force)\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	rng = opt.seed;
	start = azc_now_ms();

	nls_open(&rt);
	genl_open();
	make_own_devices();
	refresh();
	printf("azc-nlfuzz: family %u, events group %u, %d devices, %d links at start\n",
	       family, events_grp, n_devs, n_links);

	for (iteration = 0; iteration < opt.count; iteration++) {
		if (iteration % 200 == 0)
			refresh();
		if (iteration % 1000 == 999) {
			check_family();
			printf("azc-nlfuzz: %lu requests, %.1f s\n", iteration + 1,
			       (double)(azc_now_ms() - start) / 1000);
		}
		if (chance(4))
			peer_action();
		if (iteration % 16 == 0)
			peers_drain();
		if (chance(1) && chance(25)) {		/* the owner goes away */
			close(gn.fd);
			genl_open();
			st.reopen++;
		}
		if (chance(2)) {			/* strict checks on rtnetlink */
			int on = (int)rnd(2);

			setsockopt(rt.fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &on, sizeof(on));
		}
		fuzz_one();
	}

	/* Still answering: the family is there and a dev-get dump answers. */
	check_family();
	genl_init(&req, family, NLM_F_DUMP, AZCONNECT_CMD_DEV_GET, 1);
	if (request(&gn, &req, on_dev, &devcount))
		die("a dev-get dump failed after the run");
	printf("azc-nlfuzz: after the run: the family answers, dev-get dump: %d devices\n",
	       devcount);
	while (n_pairs)
		pair_close(0);
	delete_own_devices();
	summary((double)(azc_now_ms() - start) / 1000);
	printf("azc-nlfuzz: done, seed %" PRIu64 " count %lu\n", opt.seed, opt.count);
	close(gn.fd);
	close(rt.fd);
	return 0;
bad:
	usage();
	return 2;
}
