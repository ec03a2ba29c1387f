// SPDX-License-Identifier: GPL-2.0-only
/*
 * azc-linkprobe: hands a kTLS socket to azconnect.ko (link-new) without
 * SSTP or PPP negotiation, for the guest tests of the kernel data path
 * (tests/guest/85-datapath.sh). The kernel frames packets but never
 * negotiates, so two probes joined by TLS make a working link.
 *
 *   azc-linkprobe server --listen ADDR:PORT --state-dir DIR LINK-OPTIONS
 *                        [--pre HEX]
 *   azc-linkprobe client --connect ADDR:PORT --fingerprint FP LINK-OPTIONS
 *                        [--pre-read N]
 *   LINK-OPTIONS: --dev IFNAME --local-iid HEX16 --peer-iid HEX16
 *                 [--peer-addr IPV6] [--mru N] [--no-pending] [--keep-fd]
 *                 [--sock-netns PATH] [--sndtimeo MS] [--no-link]
 *                 [--rcvbuf BYTES]
 *   azc-linkprobe many --dev IFNAME --count N --prefix IPV6 [--local-iid HEX16]
 *
 * With --sock-netns the TCP socket is made in that network namespace (a
 * file such as /run/netns/NAME) and everything else in the probe's own, so
 * the device may live in another namespace than the socket.
 *
 * The server writes the bytes of --pre through TLS right after the
 * handshake; a client with --pre-read N reads N bytes through OpenSSL
 * first, so that the rest of that record stays in OpenSSL's buffer: both
 * parts go to the kernel as pending (unless --no-pending). Then:
 *   "link ID" once the kernel took the socket,
 *   "ctrl sstp|ppp HEX" for each ctrl-ntf,
 *   "down REASON" for the link's link-del-ntf (and exit 0),
 *   "error ERRNO MESSAGE" for a failed request (link-new: exit 1).
 * Commands on stdin: "sstp HEX" and "ppp HEX" (ctrl-send), "del [REASON]"
 * (link-del, with down-reason REASON, a number), "get" (link-get: "stats rx_packets=N ..."), "raw HEX"
 * (written straight into the kTLS socket the kernel owns, as a hostile
 * peer would: "wrote N"), "rec TYPE HEX" (a TLS record of content type
 * TYPE, e.g. 22 handshake or 21 alert, sent through kTLS: "wrote N"),
 * "fin" (TCP FIN without a TLS close_notify: "fin"), "relink IFNAME"
 * (link-new again with the same socket on IFNAME, which the kernel must
 * refuse and leave the socket as it was). --sndtimeo sets SO_SNDTIMEO
 * before the hand-off; "sndtimeo MS" is printed after link-new and after
 * each relink, read back from the socket. With --no-link the probe stops
 * after the TLS hand-off (kTLS on, no link-new): a peer that never reads,
 * whose commands raw, rec and fin still work. Standard input at EOF
 * leaves the probe running until its link goes down.
 *
 * "many" makes N links at once on a relay device, for tests of scale:
 * N TCP connections over loopback in the probe's namespace, kTLS set with
 * fixed keys on both ends (nothing is ever sent on them), the accepted
 * ends handed to the kernel with peer-iid 02:00:00:00:00:00:I:I and
 * peer-addr PREFIX::that. It prints "links N" and keeps every socket until
 * standard input ends.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/tls.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "uapi/azconnect.h"
#include "kernel/nllink.h"
#include "tls/tls.h"

#define TIMEOUT_MS	60000

static struct {
	const char *state_dir, *fingerprint, *dev, *pre, *peer_addr;
	const char *sock_netns;
	int pre_read;
	bool no_pending, keep_fd, no_link;
	int sndtimeo_ms, count, rcvbuf;
	const char *prefix;
	unsigned int mru;
	uint8_t local_iid[8], peer_iid[8];
	bool have_local, have_peer;
} o;

static struct nl_sock *nl;
static int family, ifindex;
static uint32_t link_id;
static bool relink;	/* link-new again: the answer should be an error */
static bool new_reply;	/* link-new's reply arrived */

static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("error 0 ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	return 1;
}

static int unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned int b;

	while (*s) {
		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		if (n == max || sscanf(s, "%2x", &b) != 1 || !s[1])
			return -1;
		out[n++] = (uint8_t)b;
		s += 2;
	}
	return (int)n;
}

static void hexdump(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		printf("%02x", p[i]);
}

static int tcp_socket(const char *hostport, bool server)
{
	char host[256], *colon;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int fd, one = 1, l;

	snprintf(host, sizeof(host), "%s", hostport);
	colon = strrchr(host, ':');
	if (!colon)
		return -1;
	*colon = 0;
	if (getaddrinfo(host, colon + 1, &hints, &ai))
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* Before connect(), so that the window scale follows it. */
	if (fd >= 0 && o.rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o.rcvbuf,
			   sizeof(o.rcvbuf));
	if (fd >= 0 && server) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 1)) {
			close(fd);
			fd = -1;
		} else {
			printf("listening\n");
			fflush(stdout);
			l = fd;
			fd = accept(l, NULL, NULL);
			close(l);
		}
	} else if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static int tls_io(struct azc_tls *t, uint8_t *buf, size_t len, bool wr)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = wr ? azc_tls_write(t, buf + done, len - done) :
			 azc_tls_read(t, buf + done, len - done);
		if (n == -EAGAIN) {
			if (azc_tls_wait(t, TIMEOUT_MS))
				return -1;
			continue;
		}
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* Handshake on @fd, the --pre exchange, hand-off: fills @fd and @pending. */
static int tls_session(int fd, bool server, uint8_t *pending, size_t *plen)
{
	struct azc_tls_server_opts so = { .state_dir = o.state_dir };
	struct azc_tls_client_opts co = { .fingerprint = o.fingerprint };
	uint8_t buf[AZCONNECT_PENDING_MAX_LEN];
	struct azc_tls_handoff h;
	struct azc_tls_ctx *ctx;
	struct azc_tls *t;
	char err[512];
	int n;

	ctx = server ? azc_tls_ctx_server(&so, err, sizeof(err)) :
		       azc_tls_ctx_client(&co, err, sizeof(err));
	if (!ctx)
		return fail("%s", err);
	t = azc_tls_new(ctx, fd, server ? NULL : "relay", err, sizeof(err));
	if (!t || azc_tls_handshake_wait(t, TIMEOUT_MS))
		return fail("TLS: %s", t ? azc_tls_error(t) : err);
	*plen = 0;
	if (server && o.pre) {
		n = unhex(o.pre, buf, sizeof(buf));
		if (n < 0 || tls_io(t, buf, (size_t)n, true))
			return fail("--pre: %s", azc_tls_error(t));
	}
	if (!server && o.pre_read > 0) {
		if (tls_io(t, pending, (size_t)o.pre_read, false))
			return fail("--pre-read: %s", azc_tls_error(t));
		*plen = (size_t)o.pre_read;
	}
	if (azc_tls_handoff(t, &h))
		return fail("hand-off: %s", azc_tls_error(t));
	if (h.pending_len > AZCONNECT_PENDING_MAX_LEN - *plen)
		return fail("too much pending");
	memcpy(pending + *plen, h.pending, h.pending_len);
	*plen += h.pending_len;
	printf("pending %zu\n", *plen);
	free(h.pending);
	azc_tls_free(t);
	azc_tls_ctx_free(ctx);
	return 0;
}

static struct nl_msg *request(int cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, 1);
	nla_put_u32(m, AZCONNECT_A_IFINDEX, (uint32_t)ifindex);
	return m;
}

static void print_error(struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = nlmsg_data(nlh);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};
	size_t off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		nla_parse(tb, NLMSGERR_ATTR_MAX,
			  (struct nlattr *)((char *)e + off),
			  (int)(nlh->nlmsg_len - NLMSG_HDRLEN - off), NULL);
	printf("error %d %s\n", -e->error,
	       tb[NLMSGERR_ATTR_MSG] ? nla_get_string(tb[NLMSGERR_ATTR_MSG]) :
	       strerror(-e->error));
}

static void print_link(struct nlattr *nest)
{
	static const char *const names[] = {
		[AZCONNECT_A_LINK_RX_PACKETS] = "rx_packets",
		[AZCONNECT_A_LINK_RX_BYTES] = "rx_bytes",
		[AZCONNECT_A_LINK_RX_ERRORS] = "rx_errors",
		[AZCONNECT_A_LINK_RX_DROPPED] = "rx_dropped",
		[AZCONNECT_A_LINK_TX_PACKETS] = "tx_packets",
		[AZCONNECT_A_LINK_TX_BYTES] = "tx_bytes",
		[AZCONNECT_A_LINK_TX_DROPPED] = "tx_dropped",
	};
	struct nlattr *tb[AZCONNECT_A_LINK_MAX + 1];
	int i;

	nla_parse_nested(tb, AZCONNECT_A_LINK_MAX, nest, NULL);
	if (tb[AZCONNECT_A_LINK_ID])
		link_id = nla_get_u32(tb[AZCONNECT_A_LINK_ID]);
	printf("stats id=%u", link_id);
	if (tb[AZCONNECT_A_LINK_STATE])
		printf(" state=%s", nla_get_u32(tb[AZCONNECT_A_LINK_STATE]) ?
		       "down" : "up");
	if (tb[AZCONNECT_A_LINK_MRU])
		printf(" mru=%u", nla_get_u16(tb[AZCONNECT_A_LINK_MRU]));
	for (i = AZCONNECT_A_LINK_RX_PACKETS; i <= AZCONNECT_A_LINK_TX_DROPPED; i++)
		if (tb[i])
			printf(" %s=%llu", names[i],
			       (unsigned long long)nla_get_u64(tb[i]));
	if (tb[AZCONNECT_A_LINK_LAST_ERROR])
		printf(" last_error=%u",
		       nla_get_u32(tb[AZCONNECT_A_LINK_LAST_ERROR]));
	for (i = 0; i < AZC_LINK_DROPS; i++)
		if (tb[AZCONNECT_A_LINK_RX_BAD_SSTP + i])
			printf(" %s=%llu", azc_link_drop_name((size_t)i),
			       (unsigned long long)nla_get_u64(
				       tb[AZCONNECT_A_LINK_RX_BAD_SSTP + i]));
	printf("\n");
}

static bool done;

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[AZCONNECT_A_MAX + 1], *c[AZCONNECT_A_CTRL_MAX + 1];
	struct nlattr *l[AZCONNECT_A_LINK_MAX + 1];
	uint32_t r;

	(void)arg;
	if (genlmsg_parse(nlh, 0, tb, AZCONNECT_A_MAX, NULL))
		return NL_SKIP;
	switch (g->cmd) {
	case AZCONNECT_CMD_CTRL_NTF:
		nla_parse_nested(c, AZCONNECT_A_CTRL_MAX, tb[AZCONNECT_A_CTRL], NULL);
		printf("ctrl %s ", nla_get_u32(c[AZCONNECT_A_CTRL_KIND]) ==
		       AZCONNECT_CTRL_KIND_SSTP ? "sstp" : "ppp");
		hexdump(nla_data(c[AZCONNECT_A_CTRL_FRAME]),
			(size_t)nla_len(c[AZCONNECT_A_CTRL_FRAME]));
		printf("\n");
		break;
	case AZCONNECT_CMD_LINK_DEL_NTF:
		nla_parse_nested(l, AZCONNECT_A_LINK_MAX, tb[AZCONNECT_A_LINK], NULL);
		if (nla_get_u32(tb[AZCONNECT_A_IFINDEX]) != (uint32_t)ifindex ||
		    nla_get_u32(l[AZCONNECT_A_LINK_ID]) != link_id)
			break;
		print_link(tb[AZCONNECT_A_LINK]);
		r = nla_get_u32(l[AZCONNECT_A_LINK_DOWN_REASON]);
		printf("down %s\n", azc_link_down_reason_name(r));
		done = true;
		break;
	case AZCONNECT_CMD_LINK_NEW:
		new_reply = true;
		if (relink) {
			printf("relinked\n");
			break;
		}
		print_link(tb[AZCONNECT_A_LINK]);
		break;
	case AZCONNECT_CMD_LINK_GET:
		print_link(tb[AZCONNECT_A_LINK]);
		break;
	}
	fflush(stdout);
	return NL_OK;
}

static int on_err(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	(void)who;
	if (e->error) {
		print_error((struct nlmsghdr *)((char *)e - NLMSG_HDRLEN));
		fflush(stdout);
		if (arg)
			*(int *)arg = e->error;
	}
	return NL_SKIP;
}

static int nl_setup(void)
{
	int one = 1, grp;

	nl = nl_socket_alloc();
	if (!nl || genl_connect(nl))
		return -1;
	setsockopt(nl_socket_get_fd(nl), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	family = genl_ctrl_resolve(nl, AZCONNECT_FAMILY_NAME);
	grp = genl_ctrl_resolve_grp(nl, AZCONNECT_FAMILY_NAME,
				    AZCONNECT_MCGRP_EVENTS);
	if (family < 0 || grp < 0 || nl_socket_add_membership(nl, grp))
		return -1;
	nl_socket_disable_seq_check(nl);
	nl_socket_disable_auto_ack(nl);
	nl_socket_modify_cb(nl, NL_CB_VALID, NL_CB_CUSTOM, on_msg, NULL);
	return 0;
}

static int link_new(int fd, const uint8_t *pending, size_t plen)
{
	struct nl_msg *m = request(AZCONNECT_CMD_LINK_NEW, NLM_F_ACK);
	struct nlattr *nest = nla_nest_start(m, AZCONNECT_A_LINK);
	struct in6_addr a;
	int err = 0;

	nla_put_u32(m, AZCONNECT_A_LINK_SOCKET, (uint32_t)fd);
	if (plen && !o.no_pending)
		nla_put(m, AZCONNECT_A_LINK_PENDING, (int)plen, pending);
	nla_put(m, AZCONNECT_A_LINK_LOCAL_IID, 8, o.local_iid);
	nla_put(m, AZCONNECT_A_LINK_PEER_IID, 8, o.peer_iid);
	if (o.peer_addr) {
		if (inet_pton(AF_INET6, o.peer_addr, &a) != 1)
			return fail("bad --peer-addr");
		nla_put(m, AZCONNECT_A_LINK_PEER_ADDR, 16, &a);
	}
	if (o.mru)
		nla_put_u16(m, AZCONNECT_A_LINK_MRU, (uint16_t)o.mru);
	nla_nest_end(m, nest);
	nl_socket_modify_err_cb(nl, NL_CB_CUSTOM, on_err, &err);
	new_reply = false;
	if (nl_send_auto(nl, m) < 0)
		return fail("netlink send");
	nlmsg_free(m);
	/* The reply, maybe after control frames found in pending. */
	while (!new_reply && !err)
		if (nl_recvmsgs_default(nl) < 0 && !err)
			return fail("netlink receive");
	nl_socket_modify_err_cb(nl, NL_CB_CUSTOM, on_err, NULL);
	if (err || relink)
		return 1;
	printf("link %u\n", link_id);
	fflush(stdout);
	return 0;
}

/* Kept with --keep-fd for "raw"; closed otherwise, as azconnectctl does. */
static int sock_fd = -1;

static void print_sndtimeo(int fd)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);

	if (getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &len))
		printf("sndtimeo error %d\n", errno);
	else
		printf("sndtimeo %lld\n",
		       (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000);
}

/* One TLS record of content type @type, through kTLS (cmsg). */
static ssize_t send_record(int fd, unsigned char type, const void *p,
			   size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(type))] = { 0 };
	struct iovec iov = { .iov_base = (void *)p, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_TLS;
	c->cmsg_type = TLS_SET_RECORD_TYPE;
	c->cmsg_len = CMSG_LEN(sizeof(type));
	*CMSG_DATA(c) = type;
	return sendmsg(fd, &msg, 0);
}

static void command(char *line)
{
	uint8_t frame[AZCONNECT_SSTP_MAX_LEN];
	struct nl_msg *m;
	struct nlattr *nest;
	bool sstp = !strncmp(line, "sstp ", 5);
	int n;

	line[strcspn(line, "\n")] = 0;
	if (!strncmp(line, "rec ", 4) || !strcmp(line, "fin") ||
	    !strncmp(line, "relink ", 7)) {
		char *hex;
		long type;

		if (sock_fd < 0) {
			fail("%s needs --keep-fd", line);
			return;
		}
		if (!strcmp(line, "fin")) {
			printf("fin %d\n", shutdown(sock_fd, SHUT_WR) ? errno : 0);
			return;
		}
		if (line[1] == 'e' && line[2] == 'l') {
			int old = ifindex;

			ifindex = (int)if_nametoindex(line + 7);
			relink = true;
			link_new(sock_fd, NULL, 0);
			relink = false;
			ifindex = old;
			print_sndtimeo(sock_fd);
			return;
		}
		type = strtol(line + 4, &hex, 0);
		n = unhex(hex, frame, sizeof(frame));
		if (n < 0 || type < 0 || type > 255) {
			fail("rec TYPE HEX");
			return;
		}
		printf("wrote %zd\n", send_record(sock_fd, (unsigned char)type,
						 frame, (size_t)n));
		return;
	}
	if (!strncmp(line, "raw ", 4)) {
		if (sock_fd < 0) {
			fail("raw needs --keep-fd");
			return;
		}
		n = unhex(line + 4, frame, sizeof(frame));
		if (n < 0) {
			fail("bad hex");
			return;
		}
		/* One write, so one record and no kernel packet inside it. */
		printf("wrote %zd\n", write(sock_fd, frame, (size_t)n));
		return;
	}
	if (!strcmp(line, "del") || !strncmp(line, "del ", 4) ||
	    !strcmp(line, "get")) {
		m = request(line[0] == 'd' ? AZCONNECT_CMD_LINK_DEL :
			    AZCONNECT_CMD_LINK_GET, 0);
		nest = nla_nest_start(m, AZCONNECT_A_LINK);
		nla_put_u32(m, AZCONNECT_A_LINK_ID, link_id);
		if (line[3] == ' ')
			nla_put_u32(m, AZCONNECT_A_LINK_DOWN_REASON,
				    (uint32_t)strtoul(line + 4, NULL, 0));
	} else if (sstp || !strncmp(line, "ppp ", 4)) {
		n = unhex(line + (sstp ? 5 : 4), frame, sizeof(frame));
		if (n < 0) {
			fail("bad hex");
			return;
		}
		m = request(AZCONNECT_CMD_CTRL_SEND, 0);
		nest = nla_nest_start(m, AZCONNECT_A_CTRL);
		nla_put_u32(m, AZCONNECT_A_CTRL_LINK_ID, link_id);
		nla_put_u32(m, AZCONNECT_A_CTRL_KIND, sstp ?
			    AZCONNECT_CTRL_KIND_SSTP : AZCONNECT_CTRL_KIND_PPP);
		nla_put(m, AZCONNECT_A_CTRL_FRAME, n, frame);
	} else {
		fail("unknown command '%s'", line);
		return;
	}
	nla_nest_end(m, nest);
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_ACK;
	nl_send_auto(nl, m);
	nlmsg_free(m);
}

/* tcp_socket(), in the namespace of --sock-netns if given. */
static int sock_in_netns(const char *where, bool server)
{
	int self, other, fd, err;

	if (!o.sock_netns)
		return tcp_socket(where, server);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	other = open(o.sock_netns, O_RDONLY | O_CLOEXEC);
	if (self < 0 || other < 0 || setns(other, CLONE_NEWNET)) {
		fd = -1;
		goto out;
	}
	fd = tcp_socket(where, server);
	err = errno;
	if (setns(self, CLONE_NEWNET)) {
		fprintf(stderr, "azc-linkprobe: cannot return to its namespace\n");
		exit(1);
	}
	errno = err;
out:
	if (self >= 0)
		close(self);
	if (other >= 0)
		close(other);
	return fd;
}

static int serve(void);

static int run(bool server, const char *where)
{
	uint8_t pending[AZCONNECT_PENDING_MAX_LEN];
	size_t plen = 0;
	int fd;

	ifindex = (int)if_nametoindex(o.dev ? o.dev : "");
	if (!ifindex || !o.have_local || !o.have_peer)
		return fail("need --dev (existing), --local-iid, --peer-iid");
	if (nl_setup())
		return fail("azconnect generic netlink family not available");
	fd = sock_in_netns(where, server);
	if (fd < 0)
		return fail("TCP %s: %s", where, strerror(errno));
	if (o.sndtimeo_ms) {
		struct timeval tv = {
			.tv_sec = o.sndtimeo_ms / 1000,
			.tv_usec = (o.sndtimeo_ms % 1000) * 1000,
		};

		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (tls_session(fd, server, pending, &plen))
		return 1;
	if (o.no_link) {
		printf("ready\n");
		fflush(stdout);
		sock_fd = fd;
		return serve();
	}
	if (link_new(fd, pending, plen))
		return 1;
	if (o.sndtimeo_ms)
		print_sndtimeo(fd);
	if (o.keep_fd)
		sock_fd = fd;
	else
		close(fd);
	return serve();
}

/* Commands on stdin and events, until the link goes down. */
static int serve(void)
{
	char line[2 * AZCONNECT_SSTP_MAX_LEN + 16];
	struct pollfd p[2];

	p[0].fd = nl_socket_get_fd(nl);
	p[0].events = POLLIN;
	p[1].fd = 0;
	p[1].events = POLLIN;
	while (!done) {
		if (poll(p, 2, -1) < 0)
			return fail("poll");
		if (p[0].revents)
			nl_recvmsgs_default(nl);
		if (p[1].revents) {
			if (!fgets(line, sizeof(line), stdin))
				p[1].fd = -1;
			else
				command(line);
		}
	}
	nl_socket_free(nl);
	return 0;
}

/* kTLS on @fd with fixed keys, both ways (nothing is ever sent). */
static int ktls_fixed(int fd)
{
	struct tls12_crypto_info_aes_gcm_128 ci = {
		.info.version = TLS_1_2_VERSION,
		.info.cipher_type = TLS_CIPHER_AES_GCM_128,
	};

	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")) ||
	    setsockopt(fd, SOL_TLS, TLS_TX, &ci, sizeof(ci)) ||
	    setsockopt(fd, SOL_TLS, TLS_RX, &ci, sizeof(ci)))
		return -1;
	return 0;
}

/* A connected pair over loopback: *a accepted, *b connected. */
static int tcp_pair(int lfd, const struct sockaddr_in *sa, int *a, int *b)
{
	*b = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*b < 0 || connect(*b, (const struct sockaddr *)sa, sizeof(*sa)))
		return -1;
	*a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	return *a < 0 ? -1 : 0;
}

static int run_many(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct rlimit rl;
	socklen_t slen = sizeof(sa);
	struct in6_addr base, a;
	char addr[INET6_ADDRSTRLEN];
	int lfd, fa, fb, i;

	ifindex = (int)if_nametoindex(o.dev ? o.dev : "");
	if (!ifindex || o.count <= 0 || !o.prefix ||
	    inet_pton(AF_INET6, o.prefix, &base) != 1)
		return fail("many needs --dev (existing), --count N, --prefix IPV6");
	rl.rlim_cur = rl.rlim_max = (rlim_t)o.count * 2 + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return fail("RLIMIT_NOFILE %d: %s", o.count * 2 + 64,
			    strerror(errno));
	if (nl_setup())
		return fail("azconnect generic netlink family not available");
	if (!o.have_local)
		memcpy(o.local_iid, "\x02\x00\x00\x00\x00\x00\xff\xff", 8);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 64) || getsockname(lfd, (struct sockaddr *)&sa, &slen))
		return fail("listen: %s", strerror(errno));
	for (i = 1; i <= o.count; i++) {
		if (tcp_pair(lfd, &sa, &fa, &fb) || ktls_fixed(fa) ||
		    ktls_fixed(fb))
			return fail("connection %d: %s", i, strerror(errno));
		memcpy(o.peer_iid, "\x02\x00\x00\x00\x00\x00", 6);
		o.peer_iid[6] = (uint8_t)(i >> 8);
		o.peer_iid[7] = (uint8_t)i;
		a = base;
		memcpy(&a.s6_addr[8], o.peer_iid, 8);
		inet_ntop(AF_INET6, &a, addr, sizeof(addr));
		o.peer_addr = addr;
		link_id = 0;
		if (link_new(fa, NULL, 0))
			return 1;
		close(fa);	/* the link has it; fb stays open */
	}
	printf("links %d\n", o.count);
	fflush(stdout);
	while (getchar() != EOF)
		;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "connect", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "fingerprint", required_argument, NULL, 'f' },
		{ "dev", required_argument, NULL, 'd' },
		{ "local-iid", required_argument, NULL, 'L' },
		{ "peer-iid", required_argument, NULL, 'P' },
		{ "peer-addr", required_argument, NULL, 'a' },
		{ "mru", required_argument, NULL, 'm' },
		{ "pre", required_argument, NULL, 'p' },
		{ "pre-read", required_argument, NULL, 'r' },
		{ "no-pending", no_argument, NULL, 'n' },
		{ "keep-fd", no_argument, NULL, 'k' },
		{ "sock-netns", required_argument, NULL, 'N' },
		{ "sndtimeo", required_argument, NULL, 't' },
		{ "no-link", no_argument, NULL, 'x' },
		{ "rcvbuf", required_argument, NULL, 'R' },
		{ "count", required_argument, NULL, 'C' },
		{ "prefix", required_argument, NULL, 'F' },
		{}
	};
	const char *where = NULL;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Unbuffered: lines left in a stdio buffer would not wake poll(). */
	setvbuf(stdin, NULL, _IONBF, 0);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
		case 'c':
			where = optarg;
			break;
		case 's':
			o.state_dir = optarg;
			break;
		case 'f':
			o.fingerprint = optarg;
			break;
		case 'd':
			o.dev = optarg;
			break;
		case 'L':
			o.have_local = unhex(optarg, o.local_iid, 8) == 8;
			break;
		case 'P':
			o.have_peer = unhex(optarg, o.peer_iid, 8) == 8;
			break;
		case 'a':
			o.peer_addr = optarg;
			break;
		case 'm':
			o.mru = (unsigned int)atoi(optarg);
			break;
		case 'p':
			o.pre = optarg;
			break;
		case 'r':
			o.pre_read = atoi(optarg);
			break;
		case 'n':
			o.no_pending = true;
			break;
		case 'k':
			o.keep_fd = true;
			break;
		case 'N':
			o.sock_netns = optarg;
			break;
		case 't':
			o.sndtimeo_ms = atoi(optarg);
			break;
		case 'x':
			o.no_link = true;
			break;
		case 'R':
			o.rcvbuf = atoi(optarg);
			break;
		case 'C':
			o.count = atoi(optarg);
			break;
		case 'F':
			o.prefix = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind == argc - 1 && !strcmp(argv[optind], "many"))
		return run_many();
	if (optind != argc - 1 || !where ||
	    (strcmp(argv[optind], "server") && strcmp(argv[optind], "client"))) {
		fprintf(stderr, "usage: see the comment at the top of %s\n", __FILE__);
		return 2;
	}
	return run(!strcmp(argv[optind], "server"), where);
}
