// SPDX-License-Identifier: GPL-2.0-only
/*
 * azc-espinject: capture ESP packets on a relay's azconnect device and
 * send them again, as they were or tampered with, for the guest test of
 * the receive side's anti-replay window and integrity check (97-esp-replay).
 *
 *   azc-espinject capture DEV FILE [--count N] [--skip K] [--timeout S]
 *                                  [--spi SPI]
 *       records the K+1-th to K+N-th IPv6 packets carrying ESP (next
 *       header 50) that DEV receives (not those it sends), with SPI only
 *       if given; defaults N 1, K 0, S 10. Prints "listening" once the
 *       socket is bound, then "captured N" once FILE is written (one
 *       packet a line, in hex; mode 0600).
 *   azc-espinject send DEV FILE [--index I] [--flip OFFSET]... [--trunc LEN]
 *       sends the packets of FILE (only the I-th, from 0, with --index)
 *       out of DEV as they are, or with the byte at OFFSET of the IPv6
 *       packet XORed with 0xff (--flip may be repeated), or cut to LEN
 *       bytes (the IPv6 payload length set to match); prints "sent N".
 *       FILE may hold any IPv6 packets: 99-esp-keying sends a key
 *       exchange message again with it.
 *
 * DEV is an azconnect device, which has no link-layer header: the packets
 * are whole IPv6 packets both ways (AF_PACKET, SOCK_DGRAM). A relay's
 * device sends a packet to the link of its destination, as if the relay
 * had forwarded it. Exit status: 0 done, 1 a failure ("azc-espinject:
 * WHAT: WHY" on stderr), 2 usage.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IP6_HLEN	40
#define NEXTHDR_ESP	50
#define PKT_MAX		65575	/* IPv6 header and a 16-bit payload */
#define PKTS_MAX	4096
#define FLIPS_MAX	16

static uint8_t buf[PKT_MAX];

static void usage(void)
{
	fprintf(stderr,
		"usage: azc-espinject capture DEV FILE [--count N] [--skip K] [--timeout S] [--spi SPI]\n"
		"       azc-espinject send DEV FILE [--index I] [--flip OFFSET]... [--trunc LEN]\n");
	exit(2);
}

static void die(const char *what, int err)
{
	fprintf(stderr, "azc-espinject: %s: %s\n", what, strerror(err));
	exit(1);
}

static long num(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < 0 || v > max)
		usage();
	return v;
}

static int packet_socket(const char *dev, struct sockaddr_ll *sll,
			 uint16_t proto)
{
	int fd;

	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(ETH_P_IPV6);
	sll->sll_ifindex = if_nametoindex(dev);
	if (!sll->sll_ifindex)
		die(dev, errno);
	/* Protocol 0: nothing arrives before the bind names the device. */
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket(AF_PACKET)", errno);
	if (proto && bind(fd, (struct sockaddr *)sll, sizeof(*sll)))
		die("bind", errno);
	return fd;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* An IPv6 packet whose next header is ESP (no extension headers), SPI
 * @spi unless it is -1.
 */
static int is_esp(const uint8_t *p, size_t len, long spi)
{
	if (len < IP6_HLEN + 8 || (p[0] >> 4) != 6 || p[6] != NEXTHDR_ESP)
		return 0;
	return spi < 0 || (uint32_t)spi == ((uint32_t)p[40] << 24 |
					    (uint32_t)p[41] << 16 |
					    (uint32_t)p[42] << 8 | p[43]);
}

static int capture(const char *dev, const char *file, int argc, char **argv)
{
	long count = 1, skip = 0, timeout = 10, spi = -1, got = 0, seen = 0;
	static uint8_t *pkts[PKTS_MAX];
	static size_t lens[PKTS_MAX];
	struct sockaddr_ll sll, from;
	double deadline;
	FILE *out;
	int fd, i;

	for (i = 0; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--count"))
			count = num(argv[++i], PKTS_MAX);
		else if (!strcmp(argv[i], "--skip"))
			skip = num(argv[++i], 1000000);
		else if (!strcmp(argv[i], "--timeout"))
			timeout = num(argv[++i], 3600);
		else if (!strcmp(argv[i], "--spi"))
			spi = num(argv[++i], 0xffffffffL);
		else
			usage();
	}
	if (!count)
		usage();
	fd = packet_socket(dev, &sll, ETH_P_IPV6);
	printf("listening\n");
	fflush(stdout);
	deadline = now() + timeout;
	while (got < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		socklen_t fl = sizeof(from);
		double left = deadline - now();
		ssize_t n;

		if (left <= 0) {
			fprintf(stderr,
				"azc-espinject: timeout: %ld of %ld ESP packets after skipping %ld (saw %ld)\n",
				got, count, skip, seen);
			return 1;
		}
		n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n < 0 && errno != EINTR)
			die("poll", errno);
		if (n <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), MSG_TRUNC,
			     (struct sockaddr *)&from, &fl);
		if (n < 0)
			die("recvfrom", errno);
		if ((size_t)n > sizeof(buf) ||
		    from.sll_ifindex != sll.sll_ifindex ||
		    from.sll_pkttype == PACKET_OUTGOING ||
		    !is_esp(buf, n, spi))
			continue;
		if (seen++ < skip)
			continue;
		pkts[got] = malloc(n);
		if (!pkts[got])
			die("malloc", errno);
		memcpy(pkts[got], buf, n);
		lens[got++] = n;
	}
	close(fd);
	i = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (i < 0 || !(out = fdopen(i, "w")))
		die(file, errno);
	for (i = 0; i < got; i++) {
		size_t k;

		for (k = 0; k < lens[i]; k++)
			fprintf(out, "%02x", pkts[i][k]);
		fputc('\n', out);
		free(pkts[i]);
	}
	if (fclose(out))
		die(file, errno);
	printf("captured %ld\n", got);
	return 0;
}

/* The next packet of @in into buf: its length, 0 at the end. */
static size_t read_pkt(FILE *in, const char *file)
{
	size_t len = 0;
	int c, hi = -1;

	while ((c = fgetc(in)) != EOF && c != '\n') {
		int v = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0 || (hi < 0 && len >= sizeof(buf)))
			die(file, EINVAL);
		if (hi < 0) {
			hi = v;
		} else {
			buf[len++] = hi << 4 | v;
			hi = -1;
		}
	}
	if (hi >= 0 || (c == '\n' && !len))
		die(file, EINVAL);
	return len;
}

static int send_pkts(const char *dev, const char *file, int argc, char **argv)
{
	long index = -1, trunc = -1, sent = 0, k, flip[FLIPS_MAX];
	int fd, i, j, flips = 0;
	struct sockaddr_ll sll;
	size_t len;
	FILE *in;

	for (i = 0; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--index"))
			index = num(argv[++i], PKTS_MAX);
		else if (!strcmp(argv[i], "--flip") && flips < FLIPS_MAX)
			flip[flips++] = num(argv[++i], PKT_MAX - 1);
		else if (!strcmp(argv[i], "--trunc"))
			trunc = num(argv[++i], PKT_MAX);
		else
			usage();
	}
	if (trunc >= 0 && trunc < IP6_HLEN) {
		fprintf(stderr, "azc-espinject: --trunc below the IPv6 header\n");
		return 2;
	}
	in = fopen(file, "re");
	if (!in)
		die(file, errno);
	fd = packet_socket(dev, &sll, 0);
	for (k = 0; (len = read_pkt(in, file)); k++) {
		if (index >= 0 && k != index)
			continue;
		if (len < IP6_HLEN)
			die(file, EINVAL);
		for (j = 0; j < flips; j++) {
			if ((size_t)flip[j] >= len) {
				fprintf(stderr, "azc-espinject: --flip %ld beyond the %zu-byte packet\n",
					flip[j], len);
				return 1;
			}
			buf[flip[j]] ^= 0xff;
		}
		if (trunc >= 0) {
			if ((size_t)trunc >= len) {
				fprintf(stderr, "azc-espinject: --trunc %ld does not shorten the %zu-byte packet\n",
					trunc, len);
				return 1;
			}
			len = trunc;
			buf[4] = (len - IP6_HLEN) >> 8;
			buf[5] = (len - IP6_HLEN) & 0xff;
		}
		if (sendto(fd, buf, len, 0, (struct sockaddr *)&sll,
			   sizeof(sll)) != (ssize_t)len)
			die("sendto", errno);
		sent++;
	}
	fclose(in);
	close(fd);
	if (!sent) {
		fprintf(stderr, "azc-espinject: %s: no such packet\n", file);
		return 1;
	}
	printf("sent %ld\n", sent);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4)
		usage();
	if (!strcmp(argv[1], "capture"))
		return capture(argv[2], argv[3], argc - 4, argv + 4);
	if (!strcmp(argv[1], "send"))
		return send_pkts(argv[2], argv[3], argc - 4, argv + 4);
	usage();
	return 2;
}
