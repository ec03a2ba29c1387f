/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Certificates for the TLS layer (tls.c): the relay's self-signed pair in
 * its state directory, fingerprints, and certificate descriptions for
 * error messages. Internal to tls.c and its tests.
 */

#ifndef AZC_TLS_CERT_H
#define AZC_TLS_CERT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "tls.h"

/* A new key pair of @type; NULL on failure (OpenSSL error queue). */
EVP_PKEY *azc_tls_cert_keygen(enum azc_tls_key_type type);

/* The self-signed certificate's name when the host has no usable one */
#define AZC_TLS_DEFAULT_NAME	"azconnect-relay"

/*
 * A self-signed X509v3 server certificate for @key: random serial,
 * SHA-256 signature, valid from an hour ago for 10 years, CN @names[0],
 * subjectAltName DNS or IP for each of @names (an IPv6 address may be in
 * brackets); no names: the host name, or AZC_TLS_DEFAULT_NAME when it is
 * unset or not a DNS name. NULL with a message in @err on failure.
 */
X509 *azc_tls_cert_selfsigned(EVP_PKEY *key, const char *const *names,
			      size_t n_names, char *err, size_t errlen);

/*
 * The pair in @dir: loaded when both files exist, else made (a missing
 * certificate is made for an existing key, which has not been pinned by
 * anyone yet). The key is written with mode 0600 and refused when group
 * or others may access it. Returns 0 or a negative errno with @err set.
 */
int azc_tls_cert_state(const char *dir, const char *const *names,
		       size_t n_names, enum azc_tls_key_type type,
		       X509 **cert, EVP_PKEY **key, char *err, size_t errlen);

/* SHA-256 and SHA-1 of the DER encoding; either may be NULL. */
int azc_tls_cert_digest(const X509 *x, uint8_t *sha256, uint8_t *sha1);

/*
 * "CN (SAN: DNS:a, IP:192.0.2.1)" for an error message, control and
 * non-ASCII bytes escaped. @cn alone when there is no SAN; a SAN alone
 * when there is no CN.
 */
void azc_tls_cert_describe(const X509 *x, char *buf, size_t size);

/*
 * The reasons in OpenSSL's error queue ("no such file" etc.), emptying
 * it; @fallback when empty.
 */
void azc_tls_ossl_error(char *buf, size_t size, const char *fallback);

#endif /* AZC_TLS_CERT_H */
