// SPDX-License-Identifier: GPL-2.0-only
/*
 * Certificates for the TLS layer: the relay's self-signed pair, digests
 * and descriptions. See tls_cert.h.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "base/util.h"
#include "config/statefile.h"
#include "tls_cert.h"

#define CERT_DAYS	3650
#define SERIAL_BITS	159	/* positive, fits the 20 octets of RFC 5280 */

/* OpenSSL's "PEM lib", "system lib"...: a layer, not a cause */
static bool generic_reason(const char *r)
{
	size_t len = strlen(r);

	return len > 4 && !strcmp(r + len - 4, " lib");
}

void azc_tls_ossl_error(char *buf, size_t size, const char *fallback)
{
	unsigned long e;
	size_t o = 0;
	int n;

	buf[0] = '\0';
	while ((e = ERR_get_error()) != 0) {
		const char *r = ERR_SYSTEM_ERROR(e) ?
				strerror(ERR_GET_REASON(e)) :
				ERR_reason_error_string(e);
		char num[32];

		if (!r) {
			snprintf(num, sizeof(num), "error %#lx", e);
			r = num;
		}
		/* Skip repeated and generic reasons. */
		if ((o && strstr(buf, r)) || generic_reason(r))
			continue;
		if (o >= size)
			continue;
		n = snprintf(buf + o, size - o, "%s%s", o ? ": " : "", r);
		if (n > 0)
			o += (size_t)n;
	}
	if (!buf[0])
		snprintf(buf, size, "%s", fallback);
}

EVP_PKEY *azc_tls_cert_keygen(enum azc_tls_key_type type)
{
	if (type == AZC_TLS_KEY_RSA_2048)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/* @name without brackets around an IPv6 address, in @buf */
static const char *unbracket(const char *name, char *buf, size_t size)
{
	size_t len = strlen(name);

	if (len >= 2 && name[0] == '[' && name[len - 1] == ']' &&
	    len - 2 < size) {
		memcpy(buf, name + 1, len - 2);
		buf[len - 2] = '\0';
		return buf;
	}
	return name;
}

static bool is_ip(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

static bool valid_dns_name(const char *s)
{
	size_t len = strlen(s), i;

	if (!len || len > 253)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (!(c == '-' || c == '.' || c == '_' || c == '*' ||
		      (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z')))
			return false;
	}
	return true;
}

static int add_san(X509 *x, const char *const *names, size_t n, char *err,
		   size_t errlen)
{
	GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
	char buf[INET6_ADDRSTRLEN + 1];
	int ret = -ENOMEM;
	size_t i;

	if (!gens)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const char *name = unbracket(names[i], buf, sizeof(buf));
		GENERAL_NAME *gn;

		if (is_ip(name)) {
			ASN1_OCTET_STRING *ip = a2i_IPADDRESS(name);

			gn = GENERAL_NAME_new();
			if (!ip || !gn) {
				ASN1_OCTET_STRING_free(ip);
				GENERAL_NAME_free(gn);
				goto out;
			}
			GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
		} else {
			ASN1_IA5STRING *s;

			if (!valid_dns_name(name)) {
				char safe[128];

				azc_escape(name, strlen(name), safe,
						 sizeof(safe));
				snprintf(err, errlen,
					 "not a host name or IP address: \"%s\"",
					 safe);
				ret = -EINVAL;
				goto out;
			}
			s = ASN1_IA5STRING_new();
			gn = GENERAL_NAME_new();
			if (!s || !gn ||
			    !ASN1_STRING_set(s, name, (int)strlen(name))) {
				ASN1_IA5STRING_free(s);
				GENERAL_NAME_free(gn);
				goto out;
			}
			GENERAL_NAME_set0_value(gn, GEN_DNS, s);
		}
		if (!sk_GENERAL_NAME_push(gens, gn)) {
			GENERAL_NAME_free(gn);
			goto out;
		}
	}
	if (X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0,
			      X509V3_ADD_DEFAULT) == 1)
		ret = 0;
out:
	GENERAL_NAMES_free(gens);
	return ret;
}

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_nconf_nid(NULL, &v3, nid, value);
	if (!ext)
		return -ENOMEM;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -ENOMEM;
}

X509 *azc_tls_cert_selfsigned(EVP_PKEY *key, const char *const *names,
			      size_t n_names, char *err, size_t errlen)
{
	char host[HOST_NAME_MAX + 1], buf[INET6_ADDRSTRLEN + 1];
	const char *self[1] = { host };
	X509_NAME *subj;
	BIGNUM *serial = NULL;
	X509 *x;
	int ret;

	err[0] = '\0';
	if (!n_names) {
		/*
		 * The host name, unless it is unset ("(none)" in containers
		 * and minimal VMs) or no DNS name: then a fixed one. Endpoints
		 * pin the fingerprint of a self-signed certificate anyway.
		 */
		if (gethostname(host, sizeof(host)) || !host[0])
			host[0] = '\0';
		host[sizeof(host) - 1] = '\0';
		if (!valid_dns_name(host) && !is_ip(host))
			snprintf(host, sizeof(host), "%s", AZC_TLS_DEFAULT_NAME);
		names = self;
		n_names = 1;
	}
	x = X509_new();
	serial = BN_new();
	subj = X509_NAME_new();
	if (!x || !serial || !subj)
		goto fail;
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !BN_rand(serial, SERIAL_BITS, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) ||
	    !BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), CERT_DAYS, 0, NULL))
		goto fail;
	if (!X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_UTF8,
					(const unsigned char *)
					unbracket(names[0], buf, sizeof(buf)),
					-1, -1, 0) ||
	    !X509_set_subject_name(x, subj) || !X509_set_issuer_name(x, subj) ||
	    !X509_set_pubkey(x, key))
		goto fail;
	ret = add_san(x, names, n_names, err, errlen);
	if (ret)
		goto fail;
	if (add_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
	    add_ext(x, NID_key_usage, EVP_PKEY_is_a(key, "RSA") ?
		    "critical,digitalSignature,keyEncipherment" :
		    "critical,digitalSignature") ||
	    add_ext(x, NID_ext_key_usage, "serverAuth") ||
	    add_ext(x, NID_subject_key_identifier, "hash"))
		goto fail;
	if (!X509_sign(x, key, EVP_sha256()))
		goto fail;
	BN_free(serial);
	X509_NAME_free(subj);
	return x;
fail:
	if (!err[0]) {
		char why[256];

		azc_tls_ossl_error(why, sizeof(why), "out of memory");
		snprintf(err, errlen, "cannot make a certificate: %s", why);
	}
	BN_free(serial);
	X509_NAME_free(subj);
	X509_free(x);
	return NULL;
}

int azc_tls_cert_digest(const X509 *x, uint8_t *sha256, uint8_t *sha1)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	int ok = 1;

	if (len <= 0)
		return -ENOMEM;
	if (sha256)
		ok &= EVP_Digest(der, (size_t)len, sha256, NULL, EVP_sha256(),
				 NULL);
	if (sha1)
		ok &= EVP_Digest(der, (size_t)len, sha1, NULL, EVP_sha1(),
				 NULL);
	OPENSSL_free(der);
	return ok ? 0 : -EIO;
}

/* Appends printf output to @buf at *@o, truncating silently. */
__attribute__((format(printf, 4, 5)))
static void append(char *buf, size_t size, size_t *o, const char *fmt, ...);

static void append(char *buf, size_t size, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *o, size - *o, fmt, ap);
	va_end(ap);
	if (n > 0)
		*o = *o + (size_t)n < size ? *o + (size_t)n : size;
}

void azc_tls_cert_describe(const X509 *x, char *buf, size_t size)
{
	const X509_NAME *subj = X509_get_subject_name(x);
	GENERAL_NAMES *gens;
	bool paren = false;
	char safe[256];
	size_t o = 0;
	int i, n = 0;

	buf[0] = '\0';
	i = subj ? X509_NAME_get_index_by_NID(subj, NID_commonName, -1) : -1;
	if (i >= 0) {
		const ASN1_STRING *d =
			X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i));

		azc_escape((const char *)ASN1_STRING_get0_data(d),
				 (size_t)ASN1_STRING_length(d), safe,
				 sizeof(safe));
		append(buf, size, &o, "%s", safe);
	}
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(gens, i);
		const char *sep = n ? ", " : o ? " (SAN: " : "SAN: ";
		const unsigned char *p;
		int len;

		if (gn->type == GEN_DNS) {
			p = ASN1_STRING_get0_data(gn->d.dNSName);
			len = ASN1_STRING_length(gn->d.dNSName);
			azc_escape((const char *)p, (size_t)len, safe,
					 sizeof(safe));
			append(buf, size, &o, "%sDNS:%s", sep, safe);
		} else if (gn->type == GEN_IPADD) {
			p = ASN1_STRING_get0_data(gn->d.iPAddress);
			len = ASN1_STRING_length(gn->d.iPAddress);
			if (len == 4 || len == 16) {
				inet_ntop(len == 4 ? AF_INET : AF_INET6, p,
					  safe, sizeof(safe));
				append(buf, size, &o, "%sIP:%s", sep, safe);
			} else {
				continue;
			}
		} else {
			continue;
		}
		if (sep[1] == '(')
			paren = true;
		n++;
	}
	GENERAL_NAMES_free(gens);
	if (paren)
		append(buf, size, &o, ")");
	if (!buf[0])
		snprintf(buf, size, "no name");
}

/* @dir/@name written whole (azc_state_write), or why not in @err. */
static int write_file(const char *dir, const char *name, const void *data,
		      size_t len, mode_t mode, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int ret;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	ret = azc_state_write(path, data, len, mode, true);
	if (ret)
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(-ret));
	return ret;
}

static int pem_out(const char *dir, const char *name, X509 *x, EVP_PKEY *key,
		   char *err, size_t errlen)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long len;
	int ret;

	if (!b)
		return -ENOMEM;
	if (x)
		ret = PEM_write_bio_X509(b, x);
	else
		ret = PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL,
					       NULL);
	len = BIO_get_mem_data(b, &data);
	if (ret != 1 || len <= 0) {
		BIO_free(b);
		snprintf(err, errlen, "cannot encode %s", name);
		return -ENOMEM;
	}
	ret = write_file(dir, name, data, (size_t)len, x ? 0644 : 0600, err,
			 errlen);
	BIO_free(b);
	return ret;
}

/* Opens @path for OpenSSL, with errno-based messages. */
static int open_in(const char *path, struct stat *st, BIO **b, char *err,
		   size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int e;

	if (fd < 0 || fstat(fd, st)) {
		e = errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	*b = BIO_new_fd(fd, BIO_CLOSE);
	if (!*b) {
		close(fd);
		snprintf(err, errlen, "cannot read %s: out of memory", path);
		return -ENOMEM;
	}
	return 0;
}

/* "PATH: not a usable WHAT: OpenSSL's reason" */
static int pem_unusable(const char *path, const char *what, char *err,
			size_t errlen)
{
	char why[256];

	azc_tls_ossl_error(why, sizeof(why), "no PEM data");
	snprintf(err, errlen, "%s: not a usable %s: %s", path, what, why);
	return -EINVAL;
}

static int load_key(const char *path, EVP_PKEY **key, char *err,
		    size_t errlen)
{
	struct stat st;
	BIO *b = NULL;
	int ret = open_in(path, &st, &b, err, errlen);

	if (ret)
		return ret;
	if (st.st_mode & 077) {
		BIO_free(b);
		snprintf(err, errlen,
			 "%s: private key accessible to group or others (mode %04o); chmod 600 it",
			 path, (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	*key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	return *key ? 0 : pem_unusable(path, "private key", err, errlen);
}

static int load_cert(const char *path, X509 **x, char *err, size_t errlen)
{
	struct stat st;
	BIO *b = NULL;
	int ret = open_in(path, &st, &b, err, errlen);

	if (ret)
		return ret;
	*x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	return *x ? 0 : pem_unusable(path, "certificate", err, errlen);
}

int azc_tls_cert_state(const char *dir, const char *const *names,
		       size_t n_names, enum azc_tls_key_type type,
		       X509 **cert, EVP_PKEY **key, char *err, size_t errlen)
{
	char cpath[PATH_MAX], kpath[PATH_MAX];
	bool have_cert, have_key;
	int ret;

	*cert = NULL;
	*key = NULL;
	if (snprintf(cpath, sizeof(cpath), "%s/%s", dir, AZC_TLS_STATE_CERT) >=
	    (int)sizeof(cpath) ||
	    snprintf(kpath, sizeof(kpath), "%s/%s", dir, AZC_TLS_STATE_KEY) >=
	    (int)sizeof(kpath)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "cannot create %s: %s", dir,
			 strerror(errno));
		return ret;
	}
	have_cert = access(cpath, F_OK) == 0;
	have_key = access(kpath, F_OK) == 0;
	if (have_cert && !have_key) {
		snprintf(err, errlen,
			 "%s exists without %s: restore the key, or remove the certificate to make a new pair (endpoints must then pin the new fingerprint)",
			 cpath, kpath);
		return -ENOENT;
	}

	if (have_key) {
		ret = load_key(kpath, key, err, errlen);
		if (ret)
			return ret;
	} else {
		*key = azc_tls_cert_keygen(type);
		if (!*key) {
			char why[256];

			azc_tls_ossl_error(why, sizeof(why), "unknown error");
			snprintf(err, errlen, "cannot make a key pair: %s",
				 why);
			return -ENOMEM;
		}
		ret = pem_out(dir, AZC_TLS_STATE_KEY, NULL, *key, err, errlen);
		if (ret)
			goto fail;
	}

	if (have_cert) {
		ret = load_cert(cpath, cert, err, errlen);
		if (ret)
			goto fail;
		if (X509_check_private_key(*cert, *key) != 1) {
			ERR_clear_error();
			snprintf(err, errlen,
				 "%s does not belong to the key %s", cpath,
				 kpath);
			ret = -EINVAL;
			goto fail;
		}
		return 0;
	}
	*cert = azc_tls_cert_selfsigned(*key, names, n_names, err, errlen);
	if (!*cert) {
		ret = -EINVAL;
		goto fail;
	}
	ret = pem_out(dir, AZC_TLS_STATE_CERT, *cert, NULL, err, errlen);
	if (ret)
		goto fail;
	return 0;
fail:
	X509_free(*cert);
	EVP_PKEY_free(*key);
	*cert = NULL;
	*key = NULL;
	return ret;
}
