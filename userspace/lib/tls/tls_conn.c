// SPDX-License-Identifier: GPL-2.0-only
/*
 * TLS connections (see tls.h): the non-blocking handshake, reads and
 * writes, the connection's facts for the status, and the hand-off of the
 * socket to kernel TLS with whatever OpenSSL had already read.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "base/util.h"
#include "tls_priv.h"
#include "tls_cert.h"

struct azc_tls *azc_tls_new(struct azc_tls_ctx *ctx, int fd, const char *host,
			    char *err, size_t errlen)
{
	struct azc_tls *t;
	unsigned char addr[16];
	size_t len;

	err[0] = '\0';
	if (fd < 0 || (!ctx->server && !host && !ctx->pinned)) {
		snprintf(err, errlen, fd < 0 ? "no socket" :
			 "the relay's host name is needed to verify its certificate");
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->ctx = ctx;
	ctx->refs++;
	t->fd = fd;
	if (!ctx->server && host) {
		len = strlen(host);
		if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
			host++;
			len -= 2;
		}
		if (!len || len >= sizeof(t->host)) {
			snprintf(err, errlen, "bad relay host name");
			goto fail;
		}
		memcpy(t->host, host, len);
		t->host[len] = '\0';
		t->host_is_ip = inet_pton(AF_INET, t->host, addr) == 1 ||
				inet_pton(AF_INET6, t->host, addr) == 1;
	}
	t->ssl = SSL_new(ctx->ssl_ctx);
	/* A socket BIO with BIO_NOCLOSE: the descriptor stays ours. */
	if (!t->ssl || !SSL_set_fd(t->ssl, fd) || !SSL_set_app_data(t->ssl, t)) {
		azc_tls_ossl_fail(err, errlen, "TLS connection");
		goto fail;
	}
	if (ctx->server) {
		SSL_set_accept_state(t->ssl);
		return t;
	}
	SSL_set_connect_state(t->ssl);
	if (t->host[0] && !t->host_is_ip &&
	    !SSL_set_tlsext_host_name(t->ssl, t->host)) {
		azc_tls_ossl_fail(err, errlen, "bad relay host name for SNI");
		goto fail;
	}
	if (!ctx->pinned) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(t->ssl);

		SSL_set_hostflags(t->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (t->host_is_ip ? !X509_VERIFY_PARAM_set1_ip_asc(vp, t->host) :
		    !SSL_set1_host(t->ssl, t->host)) {
			azc_tls_ossl_fail(err, errlen, "bad relay host name");
			goto fail;
		}
	}
	return t;
fail:
	azc_tls_free(t);
	return NULL;
}

void azc_tls_free(struct azc_tls *t)
{
	if (!t)
		return;
	/* SSL_free() sends nothing and its BIO does not close the fd. */
	SSL_free(t->ssl);
	azc_tls_ctx_free(t->ctx);
	free(t->der);
	free(t);
}

const char *azc_tls_error(const struct azc_tls *t)
{
	return t->err[0] ? t->err : "no error";
}

int azc_tls_want(const struct azc_tls *t)
{
	return t->want ? t->want : AZC_TLS_WANT_READ;
}

size_t azc_tls_pending(const struct azc_tls *t)
{
	int n = t->ssl && t->done ? SSL_pending(t->ssl) : 0;

	return n > 0 ? (size_t)n : 0;
}

static const char *alert_hint(int reason)
{
	switch (reason) {
	case SSL_R_WRONG_VERSION_NUMBER:
	case SSL_R_PACKET_LENGTH_TOO_LONG:
	case SSL_R_HTTP_REQUEST:
		return " (the peer does not speak TLS here)";
	case SSL_R_NO_SHARED_CIPHER:
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_NO_PROTOCOLS_AVAILABLE:
	case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
	case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
		return " (no common TLS version or cipher? azconnect needs TLS 1.2 or later with ECDHE and AES-GCM)";
	case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
	case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
	case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
	case SSL_R_TLSV1_ALERT_DECRYPT_ERROR:
		return " (the peer rejected our certificate)";
	}
	return "";
}

/*
 * Maps a failed SSL call to our return codes: AZC_TLS_WANT_* (the caller
 * turns it into -EAGAIN for data calls), 0 for close_notify, or a negative
 * errno with t->err set. @what names the operation in messages.
 */
static int ssl_result(struct azc_tls *t, int r, const char *what)
{
	int sys = errno;	/* before anything else may change it */
	int e = SSL_get_error(t->ssl, r);
	unsigned long code;
	int reason;
	char why[256];

	switch (e) {
	case SSL_ERROR_WANT_READ:
		t->want = AZC_TLS_WANT_READ;
		return AZC_TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		t->want = AZC_TLS_WANT_WRITE;
		return AZC_TLS_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		snprintf(t->err, sizeof(t->err), "%s: the peer closed the TLS session",
			 what);
		return 0;
	case SSL_ERROR_SYSCALL:
		ERR_clear_error();
		if (!sys || sys == EPIPE || sys == ECONNRESET) {
			snprintf(t->err, sizeof(t->err),
				 "%s: connection closed by the peer", what);
			t->fatal = -ECONNRESET;
		} else {
			snprintf(t->err, sizeof(t->err), "%s: %s", what,
				 strerror(sys));
			t->fatal = -sys;
		}
		return t->fatal;
	case SSL_ERROR_SSL:
		break;
	default:
		ERR_clear_error();
		snprintf(t->err, sizeof(t->err), "%s: TLS error %d", what, e);
		t->fatal = -EPROTO;
		return t->fatal;
	}

	code = ERR_peek_error();
	reason = ERR_GET_LIB(code) == ERR_LIB_SSL ? ERR_GET_REASON(code) : 0;
	if (t->verr[0] &&
	    (reason == SSL_R_CERTIFICATE_VERIFY_FAILED || !reason)) {
		ERR_clear_error();
		snprintf(t->err, sizeof(t->err), "%s", t->verr);
		t->fatal = -EACCES;
		return t->fatal;
	}
	if (reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		ERR_clear_error();
		snprintf(t->err, sizeof(t->err),
			 "%s: connection closed by the peer%s", what,
			 t->done ? " without TLS close_notify" : "");
		t->fatal = -ECONNRESET;
		return t->fatal;
	}
	azc_tls_ossl_error(why, sizeof(why), "unknown error");
	if (reason == SSL_R_CERTIFICATE_VERIFY_FAILED) {
		snprintf(t->err, sizeof(t->err),
			 "TLS verification failed: certificate for %s: %s",
			 t->host[0] ? t->host : "the relay",
			 X509_verify_cert_error_string(SSL_get_verify_result(t->ssl)));
		t->fatal = -EACCES;
		return t->fatal;
	}
	snprintf(t->err, sizeof(t->err), "%s failed: %s%s", what, why,
		 alert_hint(reason));
	t->fatal = -EPROTO;
	return t->fatal;
}

static int finish_handshake(struct azc_tls *t)
{
	X509 *x = t->ctx->server ? SSL_get_certificate(t->ssl) :
		  SSL_get0_peer_certificate(t->ssl);
	unsigned char *p;
	int len;

	if (!x) {
		snprintf(t->err, sizeof(t->err),
			 "TLS handshake: no server certificate");
		return -EPROTO;
	}
	if (t->ctx->pinned) {
		/* Belt and braces: the callback already compared it. */
		uint8_t d[AZC_TLS_SHA256_LEN];

		if (azc_tls_cert_digest(x, d, NULL) ||
		    CRYPTO_memcmp(d, t->ctx->pin, sizeof(d))) {
			snprintf(t->err, sizeof(t->err),
				 "fingerprint mismatch after the handshake");
			return -EACCES;
		}
	}
	len = i2d_X509(x, NULL);
	if (len <= 0)
		return -ENOMEM;
	t->der = malloc((size_t)len);
	if (!t->der)
		return -ENOMEM;
	p = t->der;
	if (i2d_X509(x, &p) != len) {
		free(t->der);
		t->der = NULL;
		return -ENOMEM;
	}
	t->der_len = (size_t)len;
	t->done = true;
	return 0;
}

int azc_tls_handshake(struct azc_tls *t)
{
	int r;

	if (t->done)
		return 0;
	if (t->fatal)
		return t->fatal;
	ERR_clear_error();
	errno = 0;
	r = SSL_do_handshake(t->ssl);
	if (r == 1) {
		r = finish_handshake(t);
		if (r)
			t->fatal = r;
		return r;
	}
	r = ssl_result(t, r, "TLS handshake");
	if (r == 0) {
		t->fatal = -ECONNRESET;
		return t->fatal;
	}
	return r;
}

/* poll() for @want until @deadline (ms, CLOCK_MONOTONIC; -1 none) */
/* poll() for @want until @deadline (-1: none); -EINTR once @stop_fd is readable */
static int wait_fd(int fd, int want, long long deadline, int stop_fd)
{
	struct pollfd p[2] = {
		{
			.fd = fd,
			.events = want == AZC_TLS_WANT_WRITE ? POLLOUT : POLLIN,
		},
		{ .fd = stop_fd, .events = POLLIN },
	};
	int r, ms;

	for (;;) {
		if (deadline < 0) {
			ms = -1;
		} else {
			long long left = deadline - azc_now_ms();

			if (left <= 0)
				return -ETIMEDOUT;
			ms = left > 1000000000 ? 1000000000 : (int)left;
		}
		r = poll(p, stop_fd >= 0 ? 2 : 1, ms);
		if (r > 0 && stop_fd >= 0 && (p[1].revents & POLLIN))
			return -EINTR;
		if (r > 0)
			return 0;	/* ready, or an error the call reports */
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

int azc_tls_wait(const struct azc_tls *t, int timeout_ms)
{
	return wait_fd(t->fd, azc_tls_want(t),
		       timeout_ms < 0 ? -1 : azc_now_ms() + timeout_ms, -1);
}

int azc_tls_handshake_wait(struct azc_tls *t, int timeout_ms)
{
	return azc_tls_handshake_until(t, timeout_ms, -1);
}

int azc_tls_handshake_until(struct azc_tls *t, int timeout_ms, int stop_fd)
{
	long long deadline = timeout_ms < 0 ? -1 : azc_now_ms() + timeout_ms;
	int r;

	for (;;) {
		r = azc_tls_handshake(t);
		if (r <= 0)
			return r;
		r = wait_fd(t->fd, r, deadline, stop_fd);
		if (r == -ETIMEDOUT) {
			snprintf(t->err, sizeof(t->err),
				 "TLS handshake: no answer within %d ms",
				 timeout_ms);
			return r;
		}
		if (r) {
			snprintf(t->err, sizeof(t->err), "TLS handshake: %s",
				 r == -EINTR ? "interrupted" : strerror(-r));
			return r;
		}
	}
}

static int usable(struct azc_tls *t)
{
	if (t->handed_off) {
		snprintf(t->err, sizeof(t->err),
			 "the connection was handed to the kernel");
		return -EBADFD;
	}
	if (t->fatal)
		return t->fatal;
	if (!t->done) {
		snprintf(t->err, sizeof(t->err), "TLS handshake not complete");
		return -ENOTCONN;
	}
	return 0;
}

ssize_t azc_tls_read(struct azc_tls *t, void *buf, size_t len)
{
	size_t n = 0;
	int r = usable(t);

	if (r)
		return r;
	if (!len)
		return -EINVAL;
	ERR_clear_error();
	errno = 0;
	if (SSL_read_ex(t->ssl, buf, len, &n) == 1)
		return (ssize_t)n;
	r = ssl_result(t, 0, "TLS read");
	return r > 0 ? -EAGAIN : r;
}

ssize_t azc_tls_write(struct azc_tls *t, const void *buf, size_t len)
{
	size_t n = 0;
	int r = usable(t);

	if (r)
		return r;
	if (!len)
		return 0;
	ERR_clear_error();
	errno = 0;
	if (SSL_write_ex(t->ssl, buf, len, &n) == 1) {
		t->write_blocked = false;
		return (ssize_t)n;
	}
	r = ssl_result(t, 0, "TLS write");
	if (r > 0) {
		t->write_blocked = true;
		return -EAGAIN;
	}
	return r ? r : -ECONNRESET;
}

int azc_tls_shutdown(struct azc_tls *t)
{
	int r = usable(t);

	if (r)
		return r;
	ERR_clear_error();
	errno = 0;
	r = SSL_shutdown(t->ssl);
	if (r >= 0)
		return 0;	/* close_notify sent; the peer's not awaited */
	r = ssl_result(t, r, "TLS shutdown");
	return r == AZC_TLS_WANT_WRITE ? r : r > 0 ? 0 : r;
}

int azc_tls_get_info(const struct azc_tls *t, struct azc_tls_info *info)
{
	uint8_t d[AZC_TLS_SHA256_LEN];
	const char *sni;

	memset(info, 0, sizeof(*info));
	if (!t->done)
		return -EINVAL;
	info->version = SSL_get_version(t->ssl);
	info->cipher = SSL_CIPHER_get_name(SSL_get_current_cipher(t->ssl));
	info->ktls_send = BIO_get_ktls_send(SSL_get_wbio(t->ssl));
	info->ktls_recv = BIO_get_ktls_recv(SSL_get_rbio(t->ssl));
	info->pinned = !t->ctx->server && t->ctx->pinned;
	if (!azc_tls_server_cert_hash(t, d, NULL))
		azc_tls_format_fingerprint(d, info->fingerprint);
	sni = t->ctx->server ?
	      SSL_get_servername(t->ssl, TLSEXT_NAMETYPE_host_name) : NULL;
	if (sni)
		azc_escape(sni, strlen(sni), info->sni,
				 sizeof(info->sni));
	return 0;
}

void azc_tls_info_str(const struct azc_tls_info *info, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s, kTLS send %s, receive %s",
		 info->version ? info->version : "?",
		 info->cipher ? info->cipher : "?",
		 info->ktls_send ? "on" : "off",
		 info->ktls_recv ? "on" : "off");
}

const uint8_t *azc_tls_server_cert_der(const struct azc_tls *t, size_t *len)
{
	if (len)
		*len = t->der ? t->der_len : 0;
	return t->der;
}

int azc_tls_server_cert_hash(const struct azc_tls *t,
			     uint8_t sha256[AZC_TLS_SHA256_LEN],
			     uint8_t sha1[AZC_TLS_SHA1_LEN])
{
	if (!t->der)
		return -EINVAL;
	if (sha256 && !EVP_Digest(t->der, t->der_len, sha256, NULL,
				  EVP_sha256(), NULL))
		return -EIO;
	if (sha1 && !EVP_Digest(t->der, t->der_len, sha1, NULL, EVP_sha1(),
				NULL))
		return -EIO;
	return 0;
}

/* ---- hand-off ------------------------------------------------------------ */

int azc_tls_take_pending(struct azc_tls *t, uint8_t **buf, size_t *len)
{
	uint8_t *p = NULL, *q;
	size_t n = 0, got;
	int avail, r;

	*buf = NULL;
	*len = 0;
	r = usable(t);
	if (r)
		return r;
	/*
	 * SSL_read() returns buffered plaintext without touching the socket
	 * as long as SSL_pending() says there is some.
	 */
	while ((avail = SSL_pending(t->ssl)) > 0) {
		q = realloc(p, n + (size_t)avail);
		if (!q) {
			free(p);
			return -ENOMEM;
		}
		p = q;
		ERR_clear_error();
		errno = 0;
		if (SSL_read_ex(t->ssl, p + n, (size_t)avail, &got) != 1) {
			free(p);
			r = ssl_result(t, 0, "TLS read of buffered data");
			return r < 0 ? r : -EPROTO;
		}
		n += got;
	}
	if (SSL_has_pending(t->ssl)) {
		/* Undecrypted bytes in OpenSSL: no kernel could take them. */
		free(p);
		snprintf(t->err, sizeof(t->err),
			 "OpenSSL holds TLS data it has not processed yet");
		return -EBUSY;
	}
	*buf = p;
	*len = n;
	return 0;
}

int azc_tls_handoff(struct azc_tls *t, struct azc_tls_handoff *h)
{
	bool tx, rx;
	int r;

	memset(h, 0, sizeof(*h));
	h->fd = -1;
	r = usable(t);
	if (r)
		return r;
	if (t->write_blocked) {
		snprintf(t->err, sizeof(t->err),
			 "a TLS write is still in progress: finish it before the hand-off");
		return -EBUSY;
	}
	tx = BIO_get_ktls_send(SSL_get_wbio(t->ssl));
	rx = BIO_get_ktls_recv(SSL_get_rbio(t->ssl));
	if (!tx || !rx) {
		const char *why;

		if (!tx && !rx)
			why = "is the kernel's tls module loaded (modprobe tls)?";
		else if (SSL_version(t->ssl) == TLS1_3_VERSION && tx)
			why = "this OpenSSL gives TLS 1.3 receive keys to the kernel only from 3.2 on";
		else
			why = "the kernel refused the keys";
		snprintf(t->err, sizeof(t->err),
			 "kernel TLS is not active for %s (%s %s): %s",
			 !tx && !rx ? "send and receive" : !tx ? "send" :
			 "receive", SSL_get_version(t->ssl),
			 SSL_CIPHER_get_name(SSL_get_current_cipher(t->ssl)),
			 why);
		return -EOPNOTSUPP;
	}
	r = azc_tls_take_pending(t, &h->pending, &h->pending_len);
	if (r)
		return r;
	h->fd = t->fd;
	t->handed_off = true;
	SSL_set_quiet_shutdown(t->ssl, 1);
	return 0;
}
