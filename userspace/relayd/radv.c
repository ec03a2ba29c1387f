// SPDX-License-Identifier: GPL-2.0-only
/*
 * Router Advertisements on the relay device: a raw ICMPv6 socket bound
 * to it that sees only Router Solicitations, answered with a unicast RA;
 * an RA to all nodes when a link comes up and every 10 minutes. The
 * messages themselves are built and checked in ra.c.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ra.h"
#include "relayd.h"

static int radv_opt(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

static int radv_sockopts(struct relayd *r, int fd)
{
	struct ipv6_mreq mr = { .ipv6mr_interface = r->k.ifindex };
	struct icmp6_filter f;

	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &f);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, r->cfg.device,
		       strlen(r->cfg.device)) ||
	    setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) ||
	    radv_opt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) ||
	    radv_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS,
		     AZC_ND_HOP_LIMIT) ||
	    radv_opt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, AZC_ND_HOP_LIMIT) ||
	    radv_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, (int)r->k.ifindex) ||
	    radv_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0))
		return -errno;
	/* Solicitations go to all routers; forwarding joins it too. */
	inet_pton(AF_INET6, "ff02::2", &mr.ipv6mr_multiaddr);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr,
		       sizeof(mr)) && errno != EADDRINUSE)
		return -errno;
	return 0;
}

int radv_open(struct relayd *r)
{
	int fd, ret;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_ICMPV6);
	if (fd < 0) {
		relayd_log("router advertisements: socket: %s",
			   strerror(errno));
		return -errno;
	}
	ret = radv_sockopts(r, fd);
	if (ret) {
		relayd_log("router advertisements on %s: %s", r->cfg.device,
			   strerror(-ret));
		close(fd);
		return ret;
	}
	r->k.rafd = fd;
	r->k.next_ra = azc_now_ms();
	return 0;
}

static uint32_t radv_mtu(struct relayd *r)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", r->cfg.device);
	return ioctl(r->k.rafd, SIOCGIFMTU, &ifr) ? 0 : (uint32_t)ifr.ifr_mtu;
}

/*
 * RFC 4861 6.2.6: all-nodes RAs no closer than MIN_DELAY_BETWEEN_RAS, so a
 * relay never answers a flood of solicitations, or of links coming up, with
 * a flood copied to every link: an RA due sooner goes at the earliest time
 * allowed. Solicited unicast RAs, 1:1, have a budget per second.
 */
void radv_multicast(struct relayd *r)
{
	int64_t now = azc_now_ms(), at = r->k.last_mcast_ra + RELAYD_RA_MIN_DELAY_MS;

	if (!r->k.last_mcast_ra || now >= at)
		radv_send(r, NULL);
	else if (r->k.next_ra > at)
		r->k.next_ra = at;
}

static bool radv_unicast_allowed(struct relayd *r)
{
	int64_t now = azc_now_ms();

	if (now - r->k.ucast_window >= 1000) {
		r->k.ucast_window = now;
		r->k.ucast_sent = 0;
	}
	return r->k.ucast_sent++ < RELAYD_RA_UNICAST_PER_S;
}

void radv_send(struct relayd *r, const struct sockaddr_in6 *to)
{
	struct azc_ra_params p = {
		.prefix = r->k.p64,
		.mtu = radv_mtu(r),
		.valid_lft = AZC_RA_VALID_LFT,
		.preferred_lft = AZC_RA_PREFERRED_LFT,
	};
	/* The name service, while it listens (RFC 8106) */
	if (r->dns.udpfd >= 0) {
		p.rdnss = &r->dns.addr;
		p.dnssl = r->cfg.zone;
		p.dns_lft = AZC_RA_DNS_LFT;
	}
	struct sockaddr_in6 all = {
		.sin6_family = AF_INET6,
		.sin6_scope_id = r->k.ifindex,
	};
	char a[INET6_ADDRSTRLEN];
	uint8_t buf[AZC_RA_MAX_LEN];
	int n;

	n = azc_ra_build(buf, sizeof(buf), &p);
	if (!to) {
		inet_pton(AF_INET6, "ff02::1", &all.sin6_addr);
		to = &all;
		r->k.last_mcast_ra = azc_now_ms();
		r->k.next_ra = r->k.last_mcast_ra + AZC_RA_INTERVAL_MS;
	}
	if (n > 0 && sendto(r->k.rafd, buf, (size_t)n, 0,
			    (const struct sockaddr *)to, sizeof(*to)) < 0) {
		inet_ntop(AF_INET6, &to->sin6_addr, a, sizeof(a));
		relayd_log("router advertisement to %s: %s", a,
			   strerror(errno));
	}
}

/* One received message: its hop limit from the control data, or -1. */
static int radv_hoplimit(struct msghdr *m)
{
	struct cmsghdr *c;
	int v;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_HOPLIMIT &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			return v;
		}
	}
	return -1;
}

void kern_ra_event(struct relayd *r)
{
	uint8_t buf[1500], cbuf[CMSG_SPACE(sizeof(int)) * 4];
	struct sockaddr_in6 from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = {
		.msg_name = &from,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
	};
	ssize_t n;

	for (;;) {
		m.msg_namelen = sizeof(from);
		m.msg_controllen = sizeof(cbuf);
		n = recvmsg(r->k.rafd, &m, 0);
		if (n < 0)
			return;
		if (azc_rs_check(buf, (size_t)n, radv_hoplimit(&m)))
			continue;
		/* RFC 4861 6.2.6: unicast to the solicitor's address */
		from.sin6_scope_id = r->k.ifindex;
		if (IN6_IS_ADDR_UNSPECIFIED(&from.sin6_addr))
			radv_multicast(r);
		else if (radv_unicast_allowed(r))
			radv_send(r, &from);
	}
}

void radv_close(struct relayd *r)
{
	if (r->k.rafd >= 0)
		close(r->k.rafd);
	r->k.rafd = -1;
}
