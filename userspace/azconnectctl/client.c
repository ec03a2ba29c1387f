// SPDX-License-Identifier: GPL-2.0-only
/*
 * Endpoint connection to a relay (see client.h).
 */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "base/util.h"
#include "client.h"

#define CLIENT_DEF_MS	10000

static int split_relay(struct azc_client *c, const char *relay, char *err,
		       size_t errlen)
{
	const char *p, *port = AZC_CLIENT_PORT;
	size_t hl;

	if (*relay == '[') {
		p = strchr(relay, ']');
		if (!p || (p[1] && p[1] != ':'))
			goto bad;
		hl = p - relay - 1;
		relay++;
		if (p[1])
			port = p + 2;
	} else {
		p = strchr(relay, ':');
		if (p && strchr(p + 1, ':'))
			p = NULL;	/* a bare IPv6 address */
		hl = p ? (size_t)(p - relay) : strlen(relay);
		if (p)
			port = p + 1;
	}
	if (!hl || hl >= sizeof(c->host) || !*port ||
	    strlen(port) >= sizeof(c->port))
		goto bad;
	memcpy(c->host, relay, hl);
	c->host[hl] = '\0';
	strcpy(c->port, port);
	return 0;
bad:
	snprintf(err, errlen, "invalid relay '%s': expected HOST, HOST:PORT or [IPV6]:PORT",
		 relay);
	return -EINVAL;
}

static void addr_str(const struct addrinfo *ai, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned int port;

	if (ai->ai_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ai->ai_addr;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		port = ntohs(s->sin_port);
		snprintf(buf, size, "%s:%u", a, port);
	} else {
		const struct sockaddr_in6 *s = (const void *)ai->ai_addr;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		port = ntohs(s->sin6_port);
		snprintf(buf, size, "[%s]:%u", a, port);
	}
}

/* One address: 0 with c->fd connected (non-blocking), or -errno. */
static int tcp_one(struct azc_client *c, const struct addrinfo *ai, int ms,
		   int stop_fd)
{
	struct pollfd pfd[2] = { { .events = POLLOUT },
				 { .fd = stop_fd, .events = POLLIN } };
	socklen_t sl = sizeof(int);
	int fd, soerr = 0, n;

	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS) {
		soerr = errno;
		goto fail;
	}
	pfd[0].fd = fd;
	do
		n = poll(pfd, stop_fd >= 0 ? 2 : 1, ms);
	while (n < 0 && errno == EINTR);
	if (n == 0) {
		soerr = ETIMEDOUT;
		goto fail;
	}
	if (n > 0 && stop_fd >= 0 && (pfd[1].revents & POLLIN)) {
		soerr = EINTR;
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) || soerr)
		goto fail;
	c->fd = fd;
	return 0;
fail:
	close(fd);
	return -(soerr ? soerr : EIO);
}

static int tcp_connect(struct azc_client *c, unsigned int ms, int stop_fd,
		       char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int ret, last = -EHOSTUNREACH;
	size_t off = 0;

	ret = getaddrinfo(c->host, c->port, &hints, &res);
	if (ret) {
		snprintf(err, errlen, "cannot resolve relay '%s': %s", c->host,
			 ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret));
		return -EHOSTUNREACH;
	}
	off = snprintf(err, errlen, "cannot connect to relay '%s':", c->host);
	for (ai = res; ai; ai = ai->ai_next) {
		addr_str(ai, c->addr, sizeof(c->addr));
		last = tcp_one(c, ai, ms, stop_fd);
		if (!last || last == -EINTR)
			break;
		if (off < errlen)
			off += snprintf(err + off, errlen - off, " %s: %s%s",
					c->addr, last == -ETIMEDOUT ?
					"timed out after " : strerror(-last),
					last == -ETIMEDOUT ? "" : ";");
		if (last == -ETIMEDOUT && off < errlen)
			off += snprintf(err + off, errlen - off, "%u ms;", ms);
	}
	freeaddrinfo(res);
	if (last == -EINTR)
		snprintf(err, errlen, "interrupted while connecting to relay '%s'",
			 c->host);
	else if (!last)
		err[0] = '\0';
	else if (off && off < errlen && err[off - 1] == ';')
		err[off - 1] = '\0';
	return last;
}

static int tls_connect(struct azc_client *c, const struct azc_client_opts *o,
		       char *err, size_t errlen)
{
	struct azc_tls_client_opts to = {
		.fingerprint = o->fingerprint,
		.ca_file = o->ca_file,
	};
	char e[AZC_TLS_ERR_LEN];
	int ret;

	c->tctx = azc_tls_ctx_client(&to, e, sizeof(e));
	if (!c->tctx) {
		snprintf(err, errlen, "%s", e);
		return -EINVAL;
	}
	c->tls = azc_tls_new(c->tctx, c->fd, c->host, e, sizeof(e));
	if (!c->tls) {
		snprintf(err, errlen, "%s", e);
		return -EPROTO;
	}
	ret = azc_tls_handshake_until(c->tls, o->tls_ms ? (int)o->tls_ms :
				      CLIENT_DEF_MS, o->stop_fd);
	if (ret) {
		snprintf(err, errlen, "TLS with %s (%s): %s", c->host, c->addr,
			 ret == -ETIMEDOUT ? "handshake timed out" :
			 azc_tls_error(c->tls));
		return ret;
	}
	azc_tls_get_info(c->tls, &c->tinfo);
	return 0;
}

static void sess_log(void *ctx, enum azc_sess_log_level level,
		     const char *msg)
{
	struct azc_client *c = ctx;

	if (c->log && level >= AZC_SESS_LOG_INFO)
		c->log(c->log_ctx, msg);
}

static int flush(struct azc_client *c)
{
	const uint8_t *p;
	size_t len;
	ssize_t n;

	for (;;) {
		p = azc_sess_out_peek(c->sess, &len);
		if (!len)
			return 0;
		if (len > 16384)
			len = 16384;
		n = azc_tls_write(c->tls, p, len);
		if (n == -EAGAIN) {
			if (azc_tls_wait(c->tls, 10000))
				return -ETIMEDOUT;
			continue;
		}
		if (n < 0)
			return (int)n;
		azc_sess_out_consume(c->sess, len);
	}
}

static bool ended(const struct azc_client *c)
{
	enum azc_sess_state st = azc_sess_state(c->sess);

	return st == AZC_SESS_CLOSED || st == AZC_SESS_FAILED;
}

/* Feeds buffered input, flushing between; 0 or -errno. */
static int feed(struct azc_client *c)
{
	ssize_t n;
	int ret;

	while (c->in_len && !ended(c)) {
		n = azc_sess_input(c->sess, c->in + c->in_off, c->in_len,
				   azc_now_ms());
		c->in_off += n;
		c->in_len -= n;
		ret = flush(c);
		if (ret)
			return ret;
		if (!n)
			break;
	}
	return 0;
}

/*
 * Waits for input, @stop_fd or the engine's deadline; reads or ticks.
 * 1 when @stop_fd fired, 0 to go on, -errno on a transport error.
 */
static int wait_and_read(struct azc_client *c, int stop_fd)
{
	struct pollfd p[2] = {
		{ .fd = c->fd, .events = POLLIN },
		{ .fd = stop_fd, .events = POLLIN },
	};
	int64_t d = azc_sess_next_deadline(c->sess), now = azc_now_ms();
	int tmo = d < 0 ? -1 : (d <= now ? 0 : (int)(d - now));
	ssize_t n;

	if (!azc_tls_pending(c->tls)) {
		if (azc_tls_want(c->tls) == AZC_TLS_WANT_WRITE)
			p[0].events = POLLOUT;
		if (poll(p, stop_fd >= 0 ? 2 : 1, tmo) < 0 && errno != EINTR)
			return -errno;
		if (stop_fd >= 0 && (p[1].revents & POLLIN))
			return 1;
		if (!p[0].revents) {
			azc_sess_tick(c->sess, azc_now_ms());
			return flush(c);
		}
	}
	n = azc_tls_read(c->tls, c->in, sizeof(c->in));
	if (n == -EAGAIN)
		return 0;
	if (n <= 0) {
		azc_sess_eof(c->sess, azc_now_ms());
		return 0;
	}
	c->in_off = 0;
	c->in_len = n;
	return feed(c);
}

static void sess_error(const struct azc_client *c, char *err, size_t errlen)
{
	const struct azc_sess_error *e = azc_sess_error(c->sess);
	const char *what;

	if (!e) {
		snprintf(err, errlen, "session with %s ended", c->host);
		return;
	}
	switch (e->code) {
	case AZC_SESS_E_AUTH:
		what = "authentication refused";
		break;
	case AZC_SESS_E_HTTP:
		what = "HTTP handshake refused";
		break;
	case AZC_SESS_E_CONNECT_NAK:
		what = "SSTP call refused (CALL_CONNECT_NAK)";
		break;
	case AZC_SESS_E_PEER_ABORT:
		what = "SSTP call aborted by the relay (CALL_ABORT)";
		break;
	case AZC_SESS_E_PEER_DISCONNECT:
		what = "relay disconnected (CALL_DISCONNECT)";
		break;
	case AZC_SESS_E_TIMEOUT:
		what = "negotiation timed out";
		break;
	case AZC_SESS_E_EOF:
		what = "relay closed the connection";
		break;
	default:
		what = "session failed";
		break;
	}
	snprintf(err, errlen, "%s: %s: %s", c->host, what, e->msg);
}

/* Why the session ended (@ret: the last I/O error); -ECONNABORTED. */
static int ended_why(const struct azc_client *c, int ret, char *err,
		     size_t errlen)
{
	if (ret && !ended(c))
		snprintf(err, errlen, "%s: connection failed: %s", c->host,
			 strerror(-ret));
	else
		sess_error(c, err, errlen);
	return -ECONNABORTED;
}
static int negotiate(struct azc_client *c, const struct azc_client_opts *o,
		     char *err, size_t errlen)
{
	struct azc_sess_cfg sc = {
		.role = AZC_SESS_CLIENT,
		.name = o->name,
		.secret = o->token,
		.host = c->host,
		.ctx = c,
		.log = sess_log,
		.handoff = o->handoff,
		.echo_ms = o->echo_ms,
		.echo_max = o->echo_max,
	};
	int ret;

	sc.cert_der = azc_tls_server_cert_der(c->tls, &sc.cert_der_len);
	c->sess = azc_sess_new(&sc);
	if (!c->sess || azc_sess_start(c->sess, azc_now_ms())) {
		snprintf(err, errlen, "cannot start the session: %s",
			 strerror(errno ? errno : ENOMEM));
		return -EINVAL;
	}
	ret = flush(c);
	while (!ret && azc_sess_state(c->sess) == AZC_SESS_NEGOTIATING)
		ret = wait_and_read(c, o->stop_fd);
	if (azc_sess_state(c->sess) == AZC_SESS_CONNECTED)
		return 0;
	if (ret == 1) {
		snprintf(err, errlen, "interrupted while negotiating with the relay");
		return -EINTR;
	}
	return ended_why(c, ret, err, errlen);
}

int azc_client_connect(struct azc_client *c, const struct azc_client_opts *o,
		       char *err, size_t errlen)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->log = o->log;
	c->log_ctx = o->ctx;
	ret = split_relay(c, o->relay, err, errlen);
	if (!ret)
		ret = tcp_connect(c, o->connect_ms ? o->connect_ms :
				  CLIENT_DEF_MS, o->stop_fd, err, errlen);
	if (!ret)
		ret = tls_connect(c, o, err, errlen);
	if (!ret)
		ret = negotiate(c, o, err, errlen);
	return ret;
}

int azc_client_serve(struct azc_client *c, int stop_fd, char *err,
		     size_t errlen)
{
	int ret = 0;

	while (!ret && !ended(c))
		ret = wait_and_read(c, stop_fd);
	if (ret == 1)
		return 0;
	return ended_why(c, ret, err, errlen);
}

void azc_client_disconnect(struct azc_client *c, const char *reason)
{
	int64_t end = azc_now_ms() + 6000;

	if (!c->sess || ended(c))
		return;
	azc_sess_close(c->sess, reason, azc_now_ms());
	if (flush(c))
		return;
	while (!ended(c) && azc_now_ms() < end)
		if (wait_and_read(c, -1))
			break;
	azc_tls_shutdown(c->tls);
}

void azc_client_free(struct azc_client *c)
{
	azc_sess_free(c->sess);
	azc_tls_free(c->tls);
	azc_tls_ctx_free(c->tctx);
	if (c->fd >= 0)
		close(c->fd);
	c->sess = NULL;
	c->tls = NULL;
	c->tctx = NULL;
	c->fd = -1;
}
