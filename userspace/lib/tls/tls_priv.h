/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the TLS layer shared by tls_ctx.c (contexts: policy,
 * credentials, verification) and tls_conn.c (connections: handshake,
 * I/O, the hand-off to kernel TLS).
 */

#ifndef AZC_TLS_PRIV_H
#define AZC_TLS_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "tls.h"

struct azc_tls_ctx {
	unsigned int refs;		/* its owner's and each connection's */
	SSL_CTX *ssl_ctx;
	bool server;
	bool pinned;
	uint8_t pin[AZC_TLS_SHA256_LEN];
	/* Server: its own certificate */
	uint8_t sha256[AZC_TLS_SHA256_LEN];
	uint8_t sha1[AZC_TLS_SHA1_LEN];
	char fingerprint[AZC_TLS_FP_STRLEN];
};

struct azc_tls {
	struct azc_tls_ctx *ctx;
	SSL *ssl;
	int fd;
	int want;
	int fatal;		/* negative errno once the session is dead */
	bool done;		/* handshake complete */
	bool handed_off;
	bool write_blocked;	/* an SSL_write returned WANT_WRITE */
	bool host_is_ip;
	char host[256];
	/* The server's leaf certificate, once the handshake completed */
	uint8_t *der;
	size_t der_len;
	/* First certificate verification failure, set by the callbacks */
	char verr[AZC_TLS_ERR_LEN];
	char err[AZC_TLS_ERR_LEN];
};

/* "@what: OpenSSL's reasons" into @err; returns -EINVAL. */
int azc_tls_ossl_fail(char *err, size_t errlen, const char *what);

#endif /* AZC_TLS_PRIV_H */
