// SPDX-License-Identifier: GPL-2.0-only
/*
 * azc-keyx-xfrm: the responder side of the endpoints' key exchange
 * (lib/noise/keyx.h) whose SAs go to the kernel's own IPsec (XFRM) instead
 * of azconnect.ko, for the interoperability test (tests/guest/
 * 99-esp-xfrm.sh): an azconnect endpoint keyed by azconnectctl talks ESP
 * with an endpoint whose device is "esp xfrm".
 *
 *   azc-keyx-xfrm DEV KEYFILE NAMESERVER [--timeout S]
 *
 * Listens on UDP [::]:4500 bound to DEV. For each message 1: reads it
 * with the static key in KEYFILE (lib/noise/noise_key.c), refuses a
 * replayed one (its timestamp), asks the name service at NAMESERVER
 * (ADDR or [ADDR]:PORT, port 53 by default) for the initiator's key
 * (azconnectctl/peerkey.c) and refuses a key that differs; then picks a
 * random SPI above 255, loads the receive SA into XFRM, with the policies
 * (below), and answers with message 2. At message 3 it loads the transmit
 * SA. The SAs: ESP, transport mode, rfc4106(gcm(aes)) with a 128-bit ICV,
 * 64-bit extended sequence numbers (flag esn, a 128-packet replay window),
 * as azconnect.ko's. The policies, for the two overlay addresses: ESP in
 * transport mode for all traffic each way (priority 1000), and clear text
 * for UDP port 4500 each way (priority 100, before them), which the
 * exchange needs. Keys go to "ip -batch -" on its standard input, never
 * in argv; what ip says is printed with any key blanked.
 *
 * It answers every exchange until the time limit (default 600 s) or
 * SIGTERM/SIGINT: a later exchange with the same peer (a rekey, or a
 * session that came back) replaces that peer's states once confirmed.
 * At the end it deletes the states and policies it loaded.
 *
 * Prints "listening" once bound, "keyed in=SPI out=SPI peer=ADDR" (SPIs
 * in decimal, as azc-sa dump prints them) at each confirm, and a line
 * "refused ..." or "error ..." for what fails. Exit status: 0 when at
 * least one exchange was keyed, 1 otherwise, 2 usage.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "uapi/azconnect.h"
#include "base/util.h"
#include "noise/keyrec.h"
#include "noise/keyx.h"
#include "azconnectctl/peerkey.h"

#define PEERS_MAX	16
#define CONFIRM_MS	5000	/* how long a receive SA waits for message 3 */
#define PRIO_ESP	1000
#define PRIO_BYPASS	100
#define SCRIPT_MAX	4096

struct peer {
	struct in6_addr addr, self;	/* the initiator, us */
	char a[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN];
	uint64_t last_ts;		/* the newest message 1 answered */
	struct azc_keyx *pend;		/* answered, waiting for message 3 */
	int64_t deadline;
	uint32_t in, out;		/* the keyed states' SPIs, 0: none */
	bool policies;
};

static struct peer peers[PEERS_MAX];
static unsigned int npeers;
static volatile sig_atomic_t stop;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* "0x" and @k's key and salt in hex: the keying material of ip xfrm. */
static void key_hex(const struct azc_noise_esp_key *k, char *o)
{
	static const char x[] = "0123456789abcdef";
	uint8_t b[36];
	size_t n = k->key_len + 4, i;

	memcpy(b, k->key, k->key_len);
	memcpy(b + k->key_len, k->salt, 4);
	*o++ = '0';
	*o++ = 'x';
	for (i = 0; i < n; i++) {
		*o++ = x[b[i] >> 4];
		*o++ = x[b[i] & 15];
	}
	*o = 0;
	OPENSSL_cleanse(b, sizeof(b));
}

/* @buf with every @secret in it blanked. */
static void redact(char *buf, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	char *p;

	if (!n)
		return;
	while ((p = strstr(buf, secret)))
		memset(p, '*', n);
}

/*
 * Runs "ip -batch -" with @script on its standard input. What ip writes
 * is printed, @secret (if any) blanked. 0, or -1 when ip failed.
 */
static int run_ip(const char *script, const char *secret)
{
	int in[2], err[2], st;
	char out[8192];
	size_t got = 0, len = strlen(script);
	ssize_t n;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC)) {
		say("error pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(err, O_CLOEXEC)) {
		say("error pipe: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		say("error fork: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		close(err[0]);
		close(err[1]);
		return -1;
	}
	if (!pid) {
		if (dup2(in[0], 0) < 0 || dup2(err[1], 1) < 0 ||
		    dup2(err[1], 2) < 0)
			_exit(127);
		execlp("ip", "ip", "-batch", "-", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(err[1]);
	while (len) {
		n = write(in[1], script, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		script += n;
		len -= (size_t)n;
	}
	close(in[1]);
	while (got < sizeof(out) - 1) {
		n = read(err[0], out + got, sizeof(out) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	out[got] = 0;
	close(err[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	redact(out, secret);
	if (got)
		printf("%s%s", out, out[got - 1] == '\n' ? "" : "\n");
	OPENSSL_cleanse(out, sizeof(out));
	fflush(stdout);
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

/* Appends a line to @buf (SCRIPT_MAX bytes). */
static void addf(char *buf, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, SCRIPT_MAX - n, fmt, ap);
	va_end(ap);
}

/*
 * Loads the state from @src to @dst with @spi and key @k, and with @pol the
 * policies between the two addresses. 0 or -1.
 */
static int state_add(const char *src, const char *dst, uint32_t spi,
		     const struct azc_noise_esp_key *k, const struct peer *p,
		     bool pol)
{
	char script[SCRIPT_MAX] = "", hex[2 + 72 + 1];
	const char *a = p->a, *s = p->s;
	int ret;

	key_hex(k, hex);
	addf(script, "xfrm state add src %s dst %s proto esp spi 0x%08x mode transport replay-window 128 flag esn aead rfc4106(gcm(aes)) %s 128\n",
	     src, dst, spi, hex);
	if (pol) {
		addf(script, "xfrm policy update src %s/128 dst %s/128 proto udp dport %d dir in priority %d\n",
		     a, s, AZCONNECT_ESP_HANDSHAKE_PORT, PRIO_BYPASS);
		addf(script, "xfrm policy update src %s/128 dst %s/128 proto udp sport %d dir in priority %d\n",
		     a, s, AZCONNECT_ESP_HANDSHAKE_PORT, PRIO_BYPASS);
		addf(script, "xfrm policy update src %s/128 dst %s/128 proto udp dport %d dir out priority %d\n",
		     s, a, AZCONNECT_ESP_HANDSHAKE_PORT, PRIO_BYPASS);
		addf(script, "xfrm policy update src %s/128 dst %s/128 proto udp sport %d dir out priority %d\n",
		     s, a, AZCONNECT_ESP_HANDSHAKE_PORT, PRIO_BYPASS);
		addf(script, "xfrm policy update src %s/128 dst %s/128 dir in priority %d tmpl src %s dst %s proto esp mode transport\n",
		     a, s, PRIO_ESP, a, s);
		addf(script, "xfrm policy update src %s/128 dst %s/128 dir out priority %d tmpl src %s dst %s proto esp mode transport\n",
		     s, a, PRIO_ESP, s, a);
	}
	ret = run_ip(script, hex);
	OPENSSL_cleanse(script, sizeof(script));
	OPENSSL_cleanse(hex, sizeof(hex));
	return ret;
}

static void state_del(const char *src, const char *dst, uint32_t spi)
{
	char script[SCRIPT_MAX] = "";

	addf(script, "xfrm state delete src %s dst %s proto esp spi 0x%08x\n",
	     src, dst, spi);
	run_ip(script, NULL);
}

static void pend_drop(struct peer *p, bool del)
{
	if (!p->pend)
		return;
	if (del)
		state_del(p->a, p->s, p->pend->spi_r);
	azc_keyx_clear(p->pend);
	free(p->pend);
	p->pend = NULL;
}

/* Everything loaded for @p goes. */
static void peer_flush(struct peer *p)
{
	char script[SCRIPT_MAX] = "";
	const char *a = p->a, *s = p->s;

	pend_drop(p, true);
	if (p->in)
		state_del(a, s, p->in);
	if (p->out)
		state_del(s, a, p->out);
	p->in = p->out = 0;
	if (!p->policies)
		return;
	addf(script, "xfrm policy delete src %s/128 dst %s/128 dir in\n", a, s);
	addf(script, "xfrm policy delete src %s/128 dst %s/128 dir out\n", s, a);
	addf(script, "xfrm policy delete src %s/128 dst %s/128 proto udp dport %d dir in\n",
	     a, s, AZCONNECT_ESP_HANDSHAKE_PORT);
	addf(script, "xfrm policy delete src %s/128 dst %s/128 proto udp sport %d dir in\n",
	     a, s, AZCONNECT_ESP_HANDSHAKE_PORT);
	addf(script, "xfrm policy delete src %s/128 dst %s/128 proto udp dport %d dir out\n",
	     s, a, AZCONNECT_ESP_HANDSHAKE_PORT);
	addf(script, "xfrm policy delete src %s/128 dst %s/128 proto udp sport %d dir out\n",
	     s, a, AZCONNECT_ESP_HANDSHAKE_PORT);
	run_ip(script, NULL);
	p->policies = false;
}

static struct peer *peer_find(const struct in6_addr *a,
			      const struct in6_addr *self)
{
	unsigned int i;

	for (i = 0; i < npeers; i++)
		if (IN6_ARE_ADDR_EQUAL(&peers[i].addr, a) &&
		    IN6_ARE_ADDR_EQUAL(&peers[i].self, self))
			return &peers[i];
	return NULL;
}

static struct peer *peer_get(const struct in6_addr *a,
			     const struct in6_addr *self)
{
	struct peer *p = peer_find(a, self);

	if (p)
		return p;
	if (npeers == PEERS_MAX)
		return NULL;
	p = &peers[npeers++];
	memset(p, 0, sizeof(*p));
	p->addr = *a;
	p->self = *self;
	inet_ntop(AF_INET6, a, p->a, sizeof(p->a));
	inet_ntop(AF_INET6, self, p->s, sizeof(p->s));
	return p;
}

static bool spi_taken(uint32_t spi)
{
	unsigned int i;

	for (i = 0; i < npeers; i++)
		if (peers[i].in == spi ||
		    (peers[i].pend && peers[i].pend->spi_r == spi))
			return true;
	return false;
}

/* A random SPI above the reserved 1-255, or 0. */
static uint32_t new_spi(void)
{
	uint32_t spi;

	do {
		if (RAND_bytes((unsigned char *)&spi, sizeof(spi)) != 1)
			return 0;
	} while (spi < 256 || spi_taken(spi));
	return spi;
}

/* Message 1 from @from to @self. */
static void on_init(int fd, const uint8_t priv[32],
		    const struct sockaddr_in6 *ns, const struct sockaddr_in6 *from,
		    const struct in6_addr *self, const uint8_t *m, size_t len)
{
	char a[INET6_ADDRSTRLEN], err[256];
	char fp1[AZC_KEYREC_FP_LEN], fp2[AZC_KEYREC_FP_LEN];
	uint8_t out[AZC_KEYX_MSG_MAX], key[32];
	struct azc_keyx *x;
	struct peer *p;
	size_t olen;
	uint32_t spi;
	int ret;

	inet_ntop(AF_INET6, &from->sin6_addr, a, sizeof(a));
	x = calloc(1, sizeof(*x));
	if (!x)
		return;
	ret = azc_keyx_accept(x, priv, self, &from->sin6_addr, m, len);
	if (ret) {
		say("refused a handshake from %s: %s", a,
		    ret == -EBADMSG ? "it was not made for this endpoint's key" :
		    strerror(-ret));
		goto out;
	}
	p = peer_get(&from->sin6_addr, self);
	if (!p) {
		say("error too many peers: %s refused", a);
		goto out;
	}
	if (x->ts <= p->last_ts) {
		say("refused a handshake from %s: a replayed first message", a);
		goto out;
	}
	ret = azc_peerkey_lookup(&from->sin6_addr, ns, 0, key, err, sizeof(err));
	if (ret) {
		say("refused a handshake from %s: its key: %s", a, err);
		goto out;
	}
	if (CRYPTO_memcmp(key, x->rs, 32)) {
		azc_keyrec_fingerprint(x->rs, fp1);
		azc_keyrec_fingerprint(key, fp2);
		say("refused %s's handshake: it holds key %s, the name service has %s",
		    a, fp1, fp2);
		goto out;
	}
	spi = new_spi();
	ret = spi ? azc_keyx_respond(x, spi, out, &olen) : -EIO;
	if (ret) {
		say("error handshake with %s: %s", a, strerror(-ret));
		goto out;
	}
	/* an earlier try's receive state, never confirmed */
	pend_drop(p, true);
	/* the receive state first: message 2 lets the peer send on it */
	if (state_add(p->a, p->s, x->spi_r, &x->key_in, p, !p->policies)) {
		say("error cannot load the receive state for %s", a);
		goto out;
	}
	p->policies = true;
	p->last_ts = x->ts;
	p->pend = x;
	p->deadline = azc_now_ms() + CONFIRM_MS;
	x = NULL;
	if (sendto(fd, out, olen, 0, (const struct sockaddr *)from,
		   sizeof(*from)) < 0)
		say("error cannot answer %s: %s", a, strerror(errno));
out:
	OPENSSL_cleanse(key, sizeof(key));
	if (x) {
		azc_keyx_clear(x);
		free(x);
	}
}

/* Message 3 from @from: the transmit state, and the old states go. */
static int on_confirm(const struct sockaddr_in6 *from,
		      const struct in6_addr *self, const struct azc_keyx_hdr *h,
		      const uint8_t *m, size_t len)
{
	struct peer *p = peer_find(&from->sin6_addr, self);
	struct azc_keyx *x;
	uint32_t old_in, old_out;

	if (!p || !p->pend || h->receiver != p->pend->spi_r)
		return 0;	/* not ours, or an older try's */
	x = p->pend;
	if (azc_keyx_confirmed(x, m, len)) {
		say("refused a confirm from %s that does not authenticate",
		    p->a);
		return 0;
	}
	if (state_add(p->s, p->a, x->spi_i, &x->key_out, p, false)) {
		say("error cannot load the transmit state for %s", p->a);
		pend_drop(p, true);
		return 0;
	}
	old_in = p->in;
	old_out = p->out;
	p->in = x->spi_r;
	p->out = x->spi_i;
	pend_drop(p, false);
	/* the peer sends on the new SA from message 2 on; so do we now */
	if (old_out)
		state_del(p->s, p->a, old_out);
	if (old_in)
		state_del(p->a, p->s, old_in);
	say("keyed in=%u out=%u peer=%s", p->in, p->out, p->a);
	return 1;
}

static int parse_ns(const char *s, struct sockaddr_in6 *ns)
{
	char buf[INET6_ADDRSTRLEN + 2];
	const char *port = NULL;
	char *end;
	long v;

	memset(ns, 0, sizeof(*ns));
	ns->sin6_family = AF_INET6;
	ns->sin6_port = htons(53);
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end || (size_t)(end - s - 1) >= sizeof(buf))
			return -1;
		memcpy(buf, s + 1, (size_t)(end - s - 1));
		buf[end - s - 1] = 0;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return -1;
	} else {
		if (strlen(s) >= sizeof(buf))
			return -1;
		strcpy(buf, s);
	}
	if (inet_pton(AF_INET6, buf, &ns->sin6_addr) != 1)
		return -1;
	if (port) {
		v = strtol(port, &end, 10);
		if (*end || end == port || v < 1 || v > 65535)
			return -1;
		ns->sin6_port = htons((uint16_t)v);
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: azc-keyx-xfrm DEV KEYFILE NAMESERVER [--timeout S]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 ns, sa = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(AZCONNECT_ESP_HANDSHAKE_PORT),
	};
	uint8_t priv[32], m[AZC_KEYX_MSG_MAX + 1];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cm;
	struct sigaction sig = { .sa_handler = on_signal };
	long timeout = 600;
	int64_t end, now, next;
	char err[256], *e;
	unsigned int i, keyed = 0;
	int fd, one = 1;

	if (argc != 4 && argc != 6)
		usage();
	if (argc == 6) {
		if (strcmp(argv[4], "--timeout"))
			usage();
		timeout = strtol(argv[5], &e, 10);
		if (*e || e == argv[5] || timeout < 1 || timeout > 86400)
			usage();
	}
	if (parse_ns(argv[3], &ns))
		usage();
	if (azc_noise_key_load(argv[2], priv, err, sizeof(err))) {
		say("error %s", err);
		return 1;
	}
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, argv[1],
		       (socklen_t)strlen(argv[1])) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		say("error cannot listen on UDP port %d of %s: %s",
		    AZCONNECT_ESP_HANDSHAKE_PORT, argv[1], strerror(errno));
		OPENSSL_cleanse(priv, sizeof(priv));
		return 1;
	}
	sigaction(SIGTERM, &sig, NULL);
	sigaction(SIGINT, &sig, NULL);
	signal(SIGPIPE, SIG_IGN);
	say("listening");
	end = azc_now_ms() + timeout * 1000;
	while (!stop && (now = azc_now_ms()) < end) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		struct iovec iov = { .iov_base = m, .iov_len = sizeof(m) };
		struct sockaddr_in6 from;
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cm.buf, .msg_controllen = sizeof(cm.buf),
		};
		struct in6_addr self = in6addr_any;
		struct azc_keyx_hdr h;
		struct cmsghdr *c;
		ssize_t n;

		next = end;
		for (i = 0; i < npeers; i++) {
			if (peers[i].pend && peers[i].deadline <= now) {
				say("refused %s's handshake: no confirm in time",
				    peers[i].a);
				pend_drop(&peers[i], true);
			}
			if (peers[i].pend && peers[i].deadline < next)
				next = peers[i].deadline;
		}
		if (poll(&pf, 1, (int)(next - now)) <= 0)
			continue;
		n = recvmsg(fd, &mh, 0);
		if (n < 0)
			continue;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == IPPROTO_IPV6 &&
			    c->cmsg_type == IPV6_PKTINFO)
				memcpy(&self, &((struct in6_pktinfo *)
						CMSG_DATA(c))->ipi6_addr,
				       sizeof(self));
		if (IN6_IS_ADDR_LINKLOCAL(&from.sin6_addr) ||
		    IN6_IS_ADDR_MULTICAST(&from.sin6_addr) ||
		    IN6_IS_ADDR_UNSPECIFIED(&self) ||
		    IN6_IS_ADDR_MULTICAST(&self) ||
		    azc_keyx_hdr_parse(m, (size_t)n, &h))
			continue;	/* not of this protocol */
		if (h.type == AZC_KEYX_INIT)
			on_init(fd, priv, &ns, &from, &self, m, (size_t)n);
		else if (h.type == AZC_KEYX_CONFIRM)
			keyed += on_confirm(&from, &self, &h, m, (size_t)n);
	}
	OPENSSL_cleanse(priv, sizeof(priv));
	for (i = 0; i < npeers; i++)
		peer_flush(&peers[i]);
	close(fd);
	say("done keyed=%u", keyed);
	return keyed ? 0 : 1;
}
