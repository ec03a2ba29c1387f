// SPDX-License-Identifier: GPL-2.0-only
/*
 * azc-tlsprobe: drives userspace/lib/tls.c over a real TCP connection for
 * the guest tests (tests/guest/70-ktls.sh), where kernel TLS exists.
 *
 *   azc-tlsprobe keygen --state-dir DIR [--name NAME]...
 *   azc-tlsprobe server --listen ADDR:PORT (--state-dir DIR [--name NAME]...
 *                       | --cert FILE --key FILE) [--no-handoff]
 *   azc-tlsprobe client --connect ADDR:PORT --host NAME
 *                       (--fingerprint FP | --ca FILE) [--no-handoff]
 *
 * After the handshake each side prints "key value" lines: version,
 * cipher, ktls_send, ktls_recv, fingerprint (and sni on the server). Then
 * the server sends two records, "CHUNK-A" and "CHUNK-B"; the client waits
 * until both have arrived and reads 7 bytes ("tls_read CHUNK-A"). Both
 * sides hand the socket off (azc_tls_handoff; "pending N DATA" prints what
 * OpenSSL had buffered), free the TLS object (which must send nothing and
 * leave the socket open) and go on with plain read()/write() on the
 * descriptor, which kTLS encrypts: the client writes "C2S-KERNEL", the
 * server reads it ("kernel_read C2S-KERNEL") and answers "S2C-KERNEL";
 * the client prints everything it got after "CHUNK-A", pending bytes
 * first ("stream CHUNK-BS2C-KERNEL"). With --no-handoff the same goes
 * through OpenSSL (for hosts without kTLS).
 *
 * Exit status: 0 done, 1 TLS or connection failure ("error MESSAGE"),
 * 2 usage.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tls/tls.h"

#define TIMEOUT_MS	60000	/* TCG guests are slow */
#define MAX_NAMES	8

static const char *state_dir, *cert, *key, *fingerprint, *ca, *host;
static const char *names[MAX_NAMES];
static size_t n_names;
static bool handoff = true;

static void usage(void)
{
	fprintf(stderr,
		"usage: azc-tlsprobe keygen --state-dir DIR [--name NAME]...\n"
		"       azc-tlsprobe server --listen ADDR:PORT (--state-dir DIR [--name NAME]... | --cert FILE --key FILE) [--no-handoff]\n"
		"       azc-tlsprobe client --connect ADDR:PORT --host NAME (--fingerprint FP | --ca FILE) [--no-handoff]\n");
	exit(2);
}

__attribute__((format(printf, 1, 2)))
static int fail(const char *fmt, ...);

static int fail(const char *fmt, ...)
{
	va_list ap;

	printf("error ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return 1;
}

static int resolve(const char *hostport, struct addrinfo **ai, bool passive)
{
	char buf[256], *port;
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = passive ? AI_PASSIVE : 0,
	};
	char *h = buf;

	snprintf(buf, sizeof(buf), "%s", hostport);
	port = strrchr(buf, ':');
	if (!port)
		return -1;
	*port++ = '\0';
	if (*h == '[' && port - h >= 2 && port[-2] == ']') {
		h++;
		port[-2] = '\0';
	}
	return getaddrinfo(h, port, &hints, ai) ? -1 : 0;
}

static void print_info(struct azc_tls *t, bool server)
{
	struct azc_tls_info i;

	if (azc_tls_get_info(t, &i))
		return;
	printf("version %s\ncipher %s\nktls_send %d\nktls_recv %d\n"
	       "fingerprint %s\n", i.version, i.cipher, i.ktls_send,
	       i.ktls_recv, i.fingerprint);
	if (!i.sni[0])
		snprintf(i.sni, sizeof(i.sni), "-");
	if (server)
		printf("sni %s\n", i.sni);
	fflush(stdout);
}

static int wait_fd(int fd, short ev)
{
	struct pollfd p = { .fd = fd, .events = ev };

	return poll(&p, 1, TIMEOUT_MS) == 1 ? 0 : -ETIMEDOUT;
}

static int tls_write(struct azc_tls *t, const char *s)
{
	ssize_t n;

	while ((n = azc_tls_write(t, s, strlen(s))) == -EAGAIN)
		if (azc_tls_wait(t, TIMEOUT_MS))
			return fail("write timed out");
	return n == (ssize_t)strlen(s) ? 0 : fail("%s", azc_tls_error(t));
}

/* Reads exactly @len bytes through TLS. */
static int tls_read(struct azc_tls *t, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = azc_tls_read(t, buf + got, len - got);
		if (n == -EAGAIN) {
			if (azc_tls_wait(t, TIMEOUT_MS))
				return fail("read timed out");
			continue;
		}
		if (n <= 0)
			return fail("%s", n ? azc_tls_error(t) : "closed");
		got += (size_t)n;
	}
	buf[got] = '\0';
	return 0;
}

/* Reads exactly @len bytes with read(): kTLS decrypts. */
static int fd_read(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EAGAIN) {
			if (wait_fd(fd, POLLIN))
				return fail("kernel read timed out");
			continue;
		}
		if (n <= 0)
			return fail("kernel read: %s",
				    n ? strerror(errno) : "end of stream");
		got += (size_t)n;
	}
	buf[got] = '\0';
	return 0;
}

static int fd_write(int fd, const char *s)
{
	size_t len = strlen(s);
	ssize_t n = write(fd, s, len);

	return n == (ssize_t)len ? 0 :
	       fail("kernel write: %s", n < 0 ? strerror(errno) : "short");
}

/*
 * Hands *@t off and frees it as a tool does once the kernel holds the
 * socket: no close_notify, the descriptor stays open. The pending bytes
 * go to @buf (NUL-terminated, < 64).
 */
static int do_handoff(struct azc_tls **t, char *buf, size_t *len)
{
	struct azc_tls_handoff h;
	int r = azc_tls_handoff(*t, &h);

	if (r)
		return fail("%s", azc_tls_error(*t));
	azc_tls_free(*t);
	*t = NULL;
	if (h.pending_len >= 64) {
		free(h.pending);
		return fail("%zu pending bytes", h.pending_len);
	}
	if (h.pending_len)
		memcpy(buf, h.pending, h.pending_len);
	buf[h.pending_len] = '\0';
	*len = h.pending_len;
	printf("pending %zu %s\n", h.pending_len, h.pending_len ? buf : "-");
	fflush(stdout);
	free(h.pending);
	return 0;
}

static int keygen(void)
{
	struct azc_tls_server_opts so = {
		.state_dir = state_dir, .names = names, .n_names = n_names,
	};
	char err[AZC_TLS_ERR_LEN];
	struct azc_tls_ctx *ctx;

	if (!state_dir)
		usage();
	ctx = azc_tls_ctx_server(&so, err, sizeof(err));
	if (!ctx)
		return fail("%s", err);
	printf("fingerprint %s\n", azc_tls_ctx_fingerprint(ctx));
	azc_tls_ctx_free(ctx);
	return 0;
}

static int server(const char *listen_at)
{
	struct azc_tls_server_opts so = {
		.cert_file = cert, .key_file = key, .state_dir = state_dir,
		.names = names, .n_names = n_names,
	};
	char err[AZC_TLS_ERR_LEN], buf[64];
	struct azc_tls_ctx *ctx;
	struct addrinfo *ai;
	struct azc_tls *t;
	int l, fd, r, one = 1;
	size_t plen;

	ctx = azc_tls_ctx_server(&so, err, sizeof(err));
	if (!ctx)
		return fail("%s", err);
	printf("fingerprint %s\n", azc_tls_ctx_fingerprint(ctx));
	if (resolve(listen_at, &ai, true))
		return fail("cannot resolve %s", listen_at);
	l = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, ai->ai_addr, ai->ai_addrlen) || listen(l, 1))
		return fail("listen %s: %s", listen_at, strerror(errno));
	freeaddrinfo(ai);
	printf("listening\n");
	fflush(stdout);
	if (wait_fd(l, POLLIN))
		return fail("no client");
	fd = accept4(l, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	close(l);
	if (fd < 0)
		return fail("accept: %s", strerror(errno));

	/* The relay's way: non-blocking steps driven by readiness. */
	t = azc_tls_new(ctx, fd, NULL, err, sizeof(err));
	if (!t)
		return fail("%s", err);
	while ((r = azc_tls_handshake(t)) > 0)
		if (wait_fd(fd, r == AZC_TLS_WANT_READ ? POLLIN : POLLOUT))
			return fail("handshake timed out");
	if (r)
		return fail("%s", azc_tls_error(t));
	print_info(t, true);
	if (tls_write(t, "CHUNK-A") || tls_write(t, "CHUNK-B"))
		return 1;
	if (handoff) {
		if (do_handoff(&t, buf, &plen))
			return 1;
		if (plen)
			return fail("unexpected pending bytes on the server");
		if (fd_read(fd, buf, 10))
			return 1;
		printf("kernel_read %s\n", buf);
		fflush(stdout);
		if (fd_write(fd, "S2C-KERNEL"))
			return 1;
	} else {
		if (tls_read(t, buf, 10))
			return 1;
		printf("tls_read %s\n", buf);
		if (tls_write(t, "S2C-KERNEL"))
			return 1;
	}
	/* Let the client read before the connection goes. */
	wait_fd(fd, POLLIN);
	azc_tls_free(t);
	close(fd);
	azc_tls_ctx_free(ctx);
	return 0;
}

static int client(const char *connect_to)
{
	struct azc_tls_client_opts co = {
		.fingerprint = fingerprint, .ca_file = ca,
	};
	char err[AZC_TLS_ERR_LEN], buf[64], stream[128];
	struct azc_tls_ctx *ctx;
	struct addrinfo *ai;
	struct azc_tls *t;
	size_t plen = 0;
	int fd;

	ctx = azc_tls_ctx_client(&co, err, sizeof(err));
	if (!ctx)
		return fail("%s", err);
	if (resolve(connect_to, &ai, false))
		return fail("cannot resolve %s", connect_to);
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen))
		return fail("connect %s: %s", connect_to, strerror(errno));
	freeaddrinfo(ai);

	/* The endpoint's way: one blocking call on a blocking socket. */
	t = azc_tls_new(ctx, fd, host, err, sizeof(err));
	if (!t)
		return fail("%s", err);
	if (azc_tls_handshake_wait(t, TIMEOUT_MS))
		return fail("%s", azc_tls_error(t));
	print_info(t, false);

	/* Both records in the socket before the first read. */
	if (wait_fd(fd, POLLIN))
		return fail("no data");
	usleep(500000);
	if (tls_read(t, buf, 7))
		return 1;
	printf("tls_read %s\n", buf);
	fflush(stdout);
	if (handoff) {
		if (do_handoff(&t, stream, &plen))
			return 1;
		if (fd_write(fd, "C2S-KERNEL") ||
		    fd_read(fd, buf, 17 - plen))
			return 1;
	} else {
		if (tls_write(t, "C2S-KERNEL") || tls_read(t, buf, 17))
			return 1;
	}
	snprintf(stream + plen, sizeof(stream) - plen, "%s", buf);
	printf("stream %s\n", stream);
	azc_tls_free(t);
	close(fd);
	azc_tls_ctx_free(ctx);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "listen", required_argument, NULL, 'l' },
		{ "connect", required_argument, NULL, 'C' },
		{ "host", required_argument, NULL, 'h' },
		{ "fingerprint", required_argument, NULL, 'f' },
		{ "ca", required_argument, NULL, 'a' },
		{ "no-handoff", no_argument, NULL, 'N' },
		{ 0 }
	};
	const char *listen_at = NULL, *connect_to = NULL, *cmd;
	int o;

	if (argc < 2)
		usage();
	cmd = argv[1];
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			state_dir = optarg;
			break;
		case 'n':
			if (n_names == MAX_NAMES)
				usage();
			names[n_names++] = optarg;
			break;
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'l':
			listen_at = optarg;
			break;
		case 'C':
			connect_to = optarg;
			break;
		case 'h':
			host = optarg;
			break;
		case 'f':
			fingerprint = optarg;
			break;
		case 'a':
			ca = optarg;
			break;
		case 'N':
			handoff = false;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "keygen"))
		return keygen();
	if (!strcmp(cmd, "server") && listen_at)
		return server(listen_at);
	if (!strcmp(cmd, "client") && connect_to && host)
		return client(connect_to);
	usage();
	return 2;
}
