// SPDX-License-Identifier: GPL-2.0-only
/*
 * TLS contexts for azconnectctl and azconnect-relayd, set up for a
 * hand-off to kernel TLS: the protocol and cipher policy, the relay's
 * credentials, and the verification of the relay by an endpoint (a CA with
 * a host-name check, or a pinned SHA-256 fingerprint). See tls.h.
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

/*
 * TLS 1.2: ECDHE (forward secrecy) with AES-GCM only, the suites both
 * OpenSSL 3.0 and the kernel (TLS_CIPHER_AES_GCM_128/256) offload in both
 * directions; AES-128 first (cheaper, and kTLS's most used path).
 */
#define TLS12_CIPHERS	"ECDHE-ECDSA-AES128-GCM-SHA256:" \
			"ECDHE-RSA-AES128-GCM-SHA256:" \
			"ECDHE-ECDSA-AES256-GCM-SHA384:" \
			"ECDHE-RSA-AES256-GCM-SHA384"
#define TLS13_SUITES	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384"
#define TLS_GROUPS	"X25519:P-256:P-384"
/* First OpenSSL release that gives TLS 1.3 receive keys to the kernel */
#define OSSL_TLS13_KTLS_RX	0x30200000UL

bool azc_tls_tls13_ktls_ok(void)
{
	return OpenSSL_version_num() >= OSSL_TLS13_KTLS_RX;
}

/* ---- fingerprints ---------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int azc_tls_parse_fingerprint(const char *s, uint8_t out[AZC_TLS_SHA256_LEN])
{
	size_t i;

	if (!strncasecmp(s, "SHA256:", 7))
		s += 7;
	else if (!strncasecmp(s, "SHA-256:", 8))
		s += 8;
	for (i = 0; i < AZC_TLS_SHA256_LEN; i++) {
		int hi, lo;

		if (i && *s == ':')
			s++;
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return *s ? -EINVAL : 0;
}

void azc_tls_format_fingerprint(const uint8_t fp[AZC_TLS_SHA256_LEN],
				char *buf)
{
	static const char hex[] = "0123456789ABCDEF";
	char *p = buf + 7;
	size_t i;

	memcpy(buf, "SHA256:", 7);
	for (i = 0; i < AZC_TLS_SHA256_LEN; i++) {
		if (i)
			*p++ = ':';
		*p++ = hex[fp[i] >> 4];
		*p++ = hex[fp[i] & 15];
	}
	*p = '\0';
}

static void cert_fingerprint(const X509 *x, char *buf)
{
	uint8_t d[AZC_TLS_SHA256_LEN];

	if (azc_tls_cert_digest(x, d, NULL))
		snprintf(buf, AZC_TLS_FP_STRLEN, "(unknown)");
	else
		azc_tls_format_fingerprint(d, buf);
}

/* ---- contexts ---------------------------------------------------------- */

int azc_tls_ossl_fail(char *err, size_t errlen, const char *what)
{
	char why[256];

	azc_tls_ossl_error(why, sizeof(why), "unknown error");
	snprintf(err, errlen, "%s: %s", what, why);
	return -EINVAL;
}

/* A file OpenSSL is about to open: errno-based message when unreadable */
static int readable(const char *file, const char *what, char *err,
		    size_t errlen)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot load %s %s: %s", what, file,
			 strerror(e));
		return -e;
	}
	close(fd);
	return 0;
}

static int apply_policy(SSL_CTX *c, char *err, size_t errlen)
{
	int max = azc_tls_tls13_ktls_ok() ? TLS1_3_VERSION : TLS1_2_VERSION;

	if (!SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(c, max) ||
	    !SSL_CTX_set_cipher_list(c, TLS12_CIPHERS) ||
	    !SSL_CTX_set_ciphersuites(c, TLS13_SUITES) ||
	    !SSL_CTX_set1_groups_list(c, TLS_GROUPS))
		return azc_tls_ossl_fail(err, errlen, "TLS policy");
	SSL_CTX_set_options(c, SSL_OP_ENABLE_KTLS | SSL_OP_NO_RENEGOTIATION |
			    SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET |
			    SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* kTLS RX needs OpenSSL to stop reading at record boundaries. */
	SSL_CTX_set_read_ahead(c, 0);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	if (!SSL_CTX_set_num_tickets(c, 0))
		return azc_tls_ossl_fail(err, errlen, "TLS policy");
	SSL_CTX_set_mode(c, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_clear_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE |
			   SSL_MODE_RELEASE_BUFFERS);
	return 0;
}

static struct azc_tls *tls_of(X509_STORE_CTX *xs)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs,
				SSL_get_ex_data_X509_STORE_CTX_idx());

	return ssl ? SSL_get_app_data(ssl) : NULL;
}

/*
 * Pinned mode: replaces X509_verify_cert() for the whole chain. The
 * handshake still proves that the peer holds the leaf's private key.
 */
static int pin_verify_cb(X509_STORE_CTX *xs, void *arg)
{
	struct azc_tls_ctx *ctx = arg;
	struct azc_tls *t = tls_of(xs);
	X509 *leaf = X509_STORE_CTX_get0_cert(xs);
	uint8_t d[AZC_TLS_SHA256_LEN];
	char want[AZC_TLS_FP_STRLEN], got[AZC_TLS_FP_STRLEN];
	char names[256];

	if (leaf && !azc_tls_cert_digest(leaf, d, NULL) &&
	    !CRYPTO_memcmp(d, ctx->pin, sizeof(d))) {
		X509_STORE_CTX_set_error(xs, X509_V_OK);
		return 1;
	}
	/* "certificate rejected": the relay gets a bad_certificate alert */
	X509_STORE_CTX_set_error(xs, X509_V_ERR_CERT_REJECTED);
	if (!t || t->verr[0])
		return 0;
	azc_tls_format_fingerprint(ctx->pin, want);
	if (!leaf) {
		snprintf(t->verr, sizeof(t->verr),
			 "fingerprint mismatch: expected %s, the relay sent no certificate",
			 want);
		return 0;
	}
	azc_tls_format_fingerprint(d, got);
	azc_tls_cert_describe(leaf, names, sizeof(names));
	snprintf(t->verr, sizeof(t->verr),
		 "fingerprint mismatch: expected %s, got %s (certificate for %s)",
		 want, got, names);
	return 0;
}

static bool issuer_unknown(int e)
{
	return e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	       e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	       e == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

/* CA mode: keeps OpenSSL's verdict and describes the first failure. */
static int ca_verify_cb(int ok, X509_STORE_CTX *xs)
{
	struct azc_tls *t = tls_of(xs);
	X509 *leaf = X509_STORE_CTX_get0_cert(xs);
	X509 *cur = X509_STORE_CTX_get_current_cert(xs);
	int e = X509_STORE_CTX_get_error(xs);
	int depth = X509_STORE_CTX_get_error_depth(xs);
	char fp[AZC_TLS_FP_STRLEN], names[384], where[448];
	const char *hint = "";

	if (ok || !t || t->verr[0] || !leaf)
		return ok;
	if (e == X509_V_ERR_HOSTNAME_MISMATCH ||
	    e == X509_V_ERR_IP_ADDRESS_MISMATCH) {
		azc_tls_cert_describe(leaf, names, sizeof(names));
		snprintf(t->verr, sizeof(t->verr),
			 "certificate name mismatch: expected %s, certificate is for %s",
			 t->host, names);
		return ok;
	}
	cert_fingerprint(leaf, fp);
	where[0] = '\0';
	if (depth > 0 && cur && cur != leaf) {
		azc_tls_cert_describe(cur, names, sizeof(names));
		snprintf(where, sizeof(where), " (chain certificate %d: %s)",
			 depth, names);
	}
	if (e == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
		hint = "; pin its fingerprint with --fingerprint ";
	else if (issuer_unknown(e))
		hint = " (self-signed certificate or private CA?); give the CA with --ca FILE or pin its fingerprint with --fingerprint ";
	else if (e == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
		hint = "; give the CA with --ca FILE or pin its fingerprint with --fingerprint ";
	snprintf(t->verr, sizeof(t->verr),
		 "TLS verification failed: certificate for %s: %s%s%s%s",
		 t->host[0] ? t->host : "the relay",
		 X509_verify_cert_error_string(e), where, hint,
		 hint[0] ? fp : "");
	return ok;
}

struct azc_tls_ctx *azc_tls_ctx_client(const struct azc_tls_client_opts *o,
				       char *err, size_t errlen)
{
	struct azc_tls_ctx *ctx = calloc(1, sizeof(*ctx));

	err[0] = '\0';
	if (!ctx) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ctx->refs = 1;
	if (o->fingerprint && o->ca_file) {
		snprintf(err, errlen,
			 "a pinned fingerprint replaces CA verification: give either a CA file or a fingerprint");
		goto fail;
	}
	if (o->fingerprint) {
		if (azc_tls_parse_fingerprint(o->fingerprint, ctx->pin)) {
			snprintf(err, errlen,
				 "not a SHA-256 fingerprint: %.120s (want 64 hex digits, colons allowed, e.g. SHA256:AB:CD:...)",
				 o->fingerprint);
			goto fail;
		}
		ctx->pinned = true;
	}
	ctx->ssl_ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx->ssl_ctx) {
		azc_tls_ossl_fail(err, errlen, "TLS client context");
		goto fail;
	}
	if (apply_policy(ctx->ssl_ctx, err, errlen))
		goto fail;
	if (ctx->pinned) {
		SSL_CTX_set_verify(ctx->ssl_ctx, SSL_VERIFY_PEER, NULL);
		SSL_CTX_set_cert_verify_callback(ctx->ssl_ctx, pin_verify_cb,
						 ctx);
	} else {
		if (o->ca_file) {
			char what[300];

			snprintf(what, sizeof(what), "cannot load CA file %s",
				 o->ca_file);
			if (readable(o->ca_file, "CA file", err, errlen))
				goto fail;
			if (!SSL_CTX_load_verify_file(ctx->ssl_ctx,
						      o->ca_file)) {
				azc_tls_ossl_fail(err, errlen, what);
				goto fail;
			}
		} else if (!SSL_CTX_set_default_verify_paths(ctx->ssl_ctx)) {
			azc_tls_ossl_fail(err, errlen, "cannot load the system CA store");
			goto fail;
		}
		SSL_CTX_set_verify(ctx->ssl_ctx, SSL_VERIFY_PEER, ca_verify_cb);
	}
	return ctx;
fail:
	azc_tls_ctx_free(ctx);
	return NULL;
}

struct azc_tls_ctx *azc_tls_ctx_server(const struct azc_tls_server_opts *o,
				       char *err, size_t errlen)
{
	struct azc_tls_ctx *ctx = calloc(1, sizeof(*ctx));
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	const X509 *own;
	char what[300];

	err[0] = '\0';
	if (!ctx) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ctx->refs = 1;
	ctx->server = true;
	ctx->ssl_ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx->ssl_ctx) {
		azc_tls_ossl_fail(err, errlen, "TLS server context");
		goto fail;
	}
	if (apply_policy(ctx->ssl_ctx, err, errlen))
		goto fail;
	SSL_CTX_set_verify(ctx->ssl_ctx, SSL_VERIFY_NONE, NULL);

	if (o->cert_file || o->key_file) {
		if (!o->cert_file || !o->key_file) {
			snprintf(err, errlen,
				 "a certificate file needs its key file and the other way round");
			goto fail;
		}
		if (readable(o->cert_file, "certificate", err, errlen) ||
		    readable(o->key_file, "private key", err, errlen))
			goto fail;
		snprintf(what, sizeof(what), "cannot load certificate %s",
			 o->cert_file);
		if (!SSL_CTX_use_certificate_chain_file(ctx->ssl_ctx,
							o->cert_file)) {
			azc_tls_ossl_fail(err, errlen, what);
			goto fail;
		}
		if (!SSL_CTX_use_PrivateKey_file(ctx->ssl_ctx, o->key_file,
						 SSL_FILETYPE_PEM)) {
			if (ERR_GET_REASON(ERR_peek_last_error()) ==
			    X509_R_KEY_VALUES_MISMATCH) {
				ERR_clear_error();
				snprintf(err, errlen,
					 "private key %s does not belong to certificate %s",
					 o->key_file, o->cert_file);
				goto fail;
			}
			snprintf(what, sizeof(what),
				 "cannot load private key %s", o->key_file);
			azc_tls_ossl_fail(err, errlen, what);
			goto fail;
		}
	} else if (o->state_dir) {
		if (azc_tls_cert_state(o->state_dir, o->names, o->n_names,
				       o->key_type, &cert, &key, err, errlen))
			goto fail;
		if (!SSL_CTX_use_certificate(ctx->ssl_ctx, cert) ||
		    !SSL_CTX_use_PrivateKey(ctx->ssl_ctx, key)) {
			azc_tls_ossl_fail(err, errlen, "cannot use the relay's certificate");
			goto fail;
		}
		X509_free(cert);
		EVP_PKEY_free(key);
		cert = NULL;
		key = NULL;
	} else {
		snprintf(err, errlen,
			 "no certificate: give a certificate and key file, or a state directory for a self-signed one");
		goto fail;
	}
	if (!SSL_CTX_check_private_key(ctx->ssl_ctx)) {
		azc_tls_ossl_fail(err, errlen,
			  "the private key does not match the certificate");
		goto fail;
	}
	own = SSL_CTX_get0_certificate(ctx->ssl_ctx);
	if (!own || azc_tls_cert_digest(own, ctx->sha256, ctx->sha1)) {
		snprintf(err, errlen, "cannot hash the certificate");
		goto fail;
	}
	azc_tls_format_fingerprint(ctx->sha256, ctx->fingerprint);
	return ctx;
fail:
	X509_free(cert);
	EVP_PKEY_free(key);
	azc_tls_ctx_free(ctx);
	return NULL;
}

void azc_tls_ctx_free(struct azc_tls_ctx *ctx)
{
	if (!ctx || --ctx->refs)
		return;
	SSL_CTX_free(ctx->ssl_ctx);
	OPENSSL_cleanse(ctx->pin, sizeof(ctx->pin));
	free(ctx);
}

const char *azc_tls_ctx_fingerprint(const struct azc_tls_ctx *ctx)
{
	return ctx->server ? ctx->fingerprint : "";
}

void azc_tls_ctx_cert_hash(const struct azc_tls_ctx *ctx,
			   uint8_t sha256[AZC_TLS_SHA256_LEN],
			   uint8_t sha1[AZC_TLS_SHA1_LEN])
{
	if (sha256)
		memcpy(sha256, ctx->sha256, AZC_TLS_SHA256_LEN);
	if (sha1)
		memcpy(sha1, ctx->sha1, AZC_TLS_SHA1_LEN);
}
