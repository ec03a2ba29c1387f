// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the TLS layer (userspace/lib/tls.c, tls_cert.c) over
 * loopback TCP. The build host has no kernel TLS, so OpenSSL stays in
 * user space and kTLS must be reported off (or on, where the kernel
 * offers the "tls" ULP); tests/guest/70-ktls.sh covers kTLS itself.
 * A test CA and its certificates are made here with OpenSSL directly.
 */

#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "tls/tls.h"
#include "tls/tls_cert.h"

#define HOST "relay.example.com"
#define ZERO_FP "0000000000000000000000000000000000000000000000000000000000000000"
#define PIN_HEX "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define PIN_COLONS \
	"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"

static char tmpdir[64];
static char state_dir[128];	/* self-signed EC pair for HOST */
static char ca_file[128];	/* test CA */
static char ca_cert[128];	/* HOST and 127.0.0.1, issued by the CA */
static char ca_key[128];
static char errbuf[AZC_TLS_ERR_LEN];

/* ---- helpers ------------------------------------------------------------- */

static void path(char *buf, size_t size, const char *name)
{
	assert_true(snprintf(buf, size, "%s/%s", tmpdir, name) < (int)size);
}

static void set_nonblock(int fd)
{
	assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK),
			 0);
}

/* A connected loopback TCP pair, both ends non-blocking. */
static void tcp_pair(int *cfd, int *sfd)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(l >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	*cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(*cfd >= 0);
	assert_int_equal(connect(*cfd, (struct sockaddr *)&a, sizeof(a)), 0);
	*sfd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	assert_true(*sfd >= 0);
	close(l);
	set_nonblock(*cfd);
	set_nonblock(*sfd);
}

static void wait_both(int a, int b)
{
	struct pollfd p[2] = { { .fd = a, .events = POLLIN },
			       { .fd = b, .events = POLLIN } };

	poll(p, 2, 10);
}

/*
 * Steps both handshakes until both ended (or one failed and the other
 * had time to see the alert).
 */
static void handshake_pair(struct azc_tls *c, struct azc_tls *s, int cfd,
			   int sfd, int *rc, int *rs)
{
	int i, grace = 50;

	*rc = 1;
	*rs = 1;
	for (i = 0; i < 500 && (*rc > 0 || *rs > 0); i++) {
		if (*rc > 0)
			*rc = azc_tls_handshake(c);
		if (*rs > 0)
			*rs = azc_tls_handshake(s);
		if ((*rc < 0 || *rs < 0) && !grace--)
			break;
		wait_both(cfd, sfd);
	}
}

struct conn {
	struct azc_tls_ctx *cctx, *sctx;
	struct azc_tls *c, *s;
	int cfd, sfd;
	int rc, rs;
};

/* A connection to a server from @sctx, the client made with @co for @host. */
static void conn_open(struct conn *k, const struct azc_tls_client_opts *co,
		      struct azc_tls_ctx *sctx, const char *host)
{
	memset(k, 0, sizeof(*k));
	k->sctx = sctx;
	k->cctx = azc_tls_ctx_client(co, errbuf, sizeof(errbuf));
	if (!k->cctx)
		fail_msg("client ctx: %s", errbuf);
	tcp_pair(&k->cfd, &k->sfd);
	k->c = azc_tls_new(k->cctx, k->cfd, host, errbuf, sizeof(errbuf));
	if (!k->c)
		fail_msg("client: %s", errbuf);
	k->s = azc_tls_new(sctx, k->sfd, NULL, errbuf, sizeof(errbuf));
	if (!k->s)
		fail_msg("server: %s", errbuf);
	handshake_pair(k->c, k->s, k->cfd, k->sfd, &k->rc, &k->rs);
}

static void conn_close(struct conn *k)
{
	azc_tls_free(k->c);
	azc_tls_free(k->s);
	azc_tls_ctx_free(k->cctx);
	close(k->cfd);
	close(k->sfd);
}

static struct azc_tls_ctx *server_state(const char *dir)
{
	static const char *const names[] = { HOST, "192.0.2.1" };
	struct azc_tls_server_opts so = {
		.state_dir = dir, .names = names, .n_names = 2,
	};
	struct azc_tls_ctx *ctx = azc_tls_ctx_server(&so, errbuf,
						     sizeof(errbuf));

	if (!ctx)
		fail_msg("server ctx: %s", errbuf);
	return ctx;
}

static struct azc_tls_ctx *server_files(void)
{
	struct azc_tls_server_opts so = {
		.cert_file = ca_cert, .key_file = ca_key,
	};
	struct azc_tls_ctx *ctx = azc_tls_ctx_server(&so, errbuf,
						     sizeof(errbuf));

	if (!ctx)
		fail_msg("server ctx: %s", errbuf);
	return ctx;
}

static void write_all(struct azc_tls *t, const char *s, size_t len)
{
	ssize_t n;

	while ((n = azc_tls_write(t, s, len)) == -EAGAIN)
		assert_int_equal(azc_tls_wait(t, 2000), 0);
	assert_int_equal(n, (ssize_t)len);
}

/* Reads exactly @len bytes. */
static void read_n(struct azc_tls *t, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = azc_tls_read(t, buf + got, len - got);
		if (n == -EAGAIN) {
			assert_int_equal(azc_tls_wait(t, 2000), 0);
			continue;
		}
		if (n <= 0)
			fail_msg("read: %zd %s", n, azc_tls_error(t));
		got += (size_t)n;
	}
}

/* Whether this kernel offers the "tls" TCP ULP (after use: autoloaded). */
static bool ktls_available(void)
{
	char buf[256] = "";
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_ulp", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	return strstr(buf, "tls");
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* ---- the test CA ------------------------------------------------------- */

static X509 *make_cert(EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
		       const char *cn, const char *san, bool ca)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	static long serial = 1;

	assert_non_null(x);
	assert_true(X509_set_version(x, X509_VERSION_3));
	assert_true(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++));
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), -60));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
	assert_true(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
					       (const unsigned char *)cn, -1,
					       -1, 0));
	assert_true(X509_set_subject_name(x, n));
	assert_true(X509_set_issuer_name(x, issuer ?
					 X509_get_subject_name(issuer) : n));
	assert_true(X509_set_pubkey(x, key));
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_nconf_nid(NULL, &v3, NID_basic_constraints,
				   ca ? "critical,CA:TRUE" : "CA:FALSE");
	assert_non_null(ext);
	assert_true(X509_add_ext(x, ext, -1));
	X509_EXTENSION_free(ext);
	if (san) {
		ext = X509V3_EXT_nconf_nid(NULL, &v3, NID_subject_alt_name,
					   san);
		assert_non_null(ext);
		assert_true(X509_add_ext(x, ext, -1));
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()));
	X509_NAME_free(n);
	return x;
}

static void write_pem(const char *file, X509 *x, EVP_PKEY *key)
{
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	if (x)
		assert_true(PEM_write_X509(f, x));
	else
		assert_true(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL,
						 NULL));
	fclose(f);
}

static int rm_entry(const char *p, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	EVP_PKEY *cakey, *key;
	X509 *ca, *leaf;

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/azc-test-tls.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	path(state_dir, sizeof(state_dir), "state");
	path(ca_file, sizeof(ca_file), "ca.pem");
	path(ca_cert, sizeof(ca_cert), "leaf.pem");
	path(ca_key, sizeof(ca_key), "leaf.key");

	cakey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (!cakey || !key)
		return -1;
	ca = make_cert(cakey, NULL, NULL, "azconnect test CA", NULL, true);
	leaf = make_cert(key, ca, cakey, HOST,
			 "DNS:" HOST ",IP:127.0.0.1", false);
	write_pem(ca_file, ca, NULL);
	write_pem(ca_cert, leaf, NULL);
	write_pem(ca_key, NULL, key);
	X509_free(ca);
	X509_free(leaf);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(key);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_fingerprint_parse(void **state)
{
	static const char *const good[] = {
		"a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b7279",
		"sha256:a0:A7:ae:B5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b72:79",
		"SHA-256:A0A7AEB5BCC3CAD1D8DFE6EDF4FB020910171E252C333A41484F565D646B7279",
	};
	static const char *const bad[] = {
		"",
		"SHA256:A0:A7",
		"a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b727900",
		"g0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b7279",
		"a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b727:",
		":a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b7279",
		"a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b727 ",
		"a0::a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b7279",
		"SHA1:a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b7279",
	};
	uint8_t fp[32], want[32];
	char s[AZC_TLS_FP_STRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < 32; i++)
		want[i] = (uint8_t)(i * 7 + 0xa0);
	azc_tls_format_fingerprint(want, s);
	assert_int_equal(strlen(s), AZC_TLS_FP_STRLEN - 1);
	assert_memory_equal(s, "SHA256:A0:A7:AE:B5:", 19);
	assert_int_equal(azc_tls_parse_fingerprint(s, fp), 0);
	assert_memory_equal(fp, want, 32);
	/* without prefix, lower case, no colons, mixed */
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(fp, 0, sizeof(fp));
		assert_int_equal(azc_tls_parse_fingerprint(good[i], fp), 0);
		assert_memory_equal(fp, want, 32);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(azc_tls_parse_fingerprint(bad[i], fp),
				 -EINVAL);
}

static void check_cert_file(const char *file, int key_nid)
{
	FILE *f = fopen(file, "r");
	X509 *x;
	const ASN1_TIME *na;
	int days, secs;
	char desc[256];

	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	assert_int_equal(X509_get_version(x), X509_VERSION_3);
	assert_int_equal(X509_get_signature_nid(x),
			 key_nid == EVP_PKEY_EC ? NID_ecdsa_with_SHA256 :
			 NID_sha256WithRSAEncryption);
	assert_int_equal(X509_check_host(x, HOST, 0, 0, NULL), 1);
	assert_int_equal(X509_check_ip_asc(x, "192.0.2.1", 0), 1);
	assert_int_equal(X509_check_host(x, "other.example.com", 0, 0, NULL),
			 0);
	assert_true(ASN1_INTEGER_get(X509_get0_serialNumber(x)) != 0 ||
		    ASN1_STRING_length(X509_get0_serialNumber(x)) > 8);
	na = X509_get0_notAfter(x);
	assert_true(ASN1_TIME_diff(&days, &secs, NULL, na));
	assert_in_range(days, 3640, 3660);
	assert_int_equal(X509_check_purpose(x, X509_PURPOSE_SSL_SERVER, 0),
			 1);
	azc_tls_cert_describe(x, desc, sizeof(desc));
	assert_string_equal(desc,
			    HOST " (SAN: DNS:" HOST ", IP:192.0.2.1)");
	X509_free(x);
}

/* A pinned connection to @sctx negotiates @cipher (on OpenSSL < 3.2). */
static void assert_pinned_cipher(struct azc_tls_ctx *sctx, const char *cipher)
{
	struct azc_tls_client_opts co = {
		.fingerprint = azc_tls_ctx_fingerprint(sctx),
	};
	struct azc_tls_info info;
	struct conn k;

	conn_open(&k, &co, sctx, HOST);
	assert_int_equal(k.rc, 0);
	assert_int_equal(k.rs, 0);
	assert_int_equal(azc_tls_get_info(k.c, &info), 0);
	if (!azc_tls_tls13_ktls_ok()) {
		assert_string_equal(info.version, "TLSv1.2");
		assert_string_equal(info.cipher, cipher);
	}
	conn_close(&k);
}

static void test_selfsigned_state(void **state)
{
	static const char *const names[] = { HOST, "192.0.2.1" };
	struct azc_tls_server_opts so = {
		.state_dir = state_dir, .names = names, .n_names = 2,
	};
	char fp[AZC_TLS_FP_STRLEN], file[192], rsadir[128];
	struct azc_tls_ctx *a, *b;
	struct stat st;

	(void)state;
	a = azc_tls_ctx_server(&so, errbuf, sizeof(errbuf));
	if (!a)
		fail_msg("%s", errbuf);
	snprintf(fp, sizeof(fp), "%s", azc_tls_ctx_fingerprint(a));
	assert_int_equal(strlen(fp), AZC_TLS_FP_STRLEN - 1);
	assert_memory_equal(fp, "SHA256:", 7);

	snprintf(file, sizeof(file), "%s/relay.key", state_dir);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(file, sizeof(file), "%s/relay.crt", state_dir);
	assert_int_equal(stat(file, &st), 0);
	check_cert_file(file, EVP_PKEY_EC);

	/* Second start: the same pair, the same fingerprint. */
	b = azc_tls_ctx_server(&so, errbuf, sizeof(errbuf));
	if (!b)
		fail_msg("%s", errbuf);
	assert_string_equal(azc_tls_ctx_fingerprint(b), fp);
	azc_tls_ctx_free(a);
	azc_tls_ctx_free(b);

	/* A key others may read is refused, with what to do. */
	snprintf(file, sizeof(file), "%s/relay.key", state_dir);
	assert_int_equal(chmod(file, 0644), 0);
	assert_null(azc_tls_ctx_server(&so, errbuf, sizeof(errbuf)));
	assert_contains(errbuf, "relay.key: private key accessible to group or others (mode 0644); chmod 600");
	assert_int_equal(chmod(file, 0600), 0);

	/* RSA-2048 on request, in a directory that does not exist yet. */
	path(rsadir, sizeof(rsadir), "rsa");
	so.state_dir = rsadir;
	so.key_type = AZC_TLS_KEY_RSA_2048;
	a = azc_tls_ctx_server(&so, errbuf, sizeof(errbuf));
	if (!a)
		fail_msg("%s", errbuf);
	assert_string_not_equal(azc_tls_ctx_fingerprint(a), fp);
	snprintf(file, sizeof(file), "%s/relay.crt", rsadir);
	check_cert_file(file, EVP_PKEY_RSA);
	assert_int_equal(stat(rsadir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	/* ... which gives ECDHE-RSA with AES-128-GCM. */
	assert_pinned_cipher(a, "ECDHE-RSA-AES128-GCM-SHA256");
	azc_tls_ctx_free(a);

	/* A certificate without its key is not replaced silently. */
	snprintf(file, sizeof(file), "%s/relay.key", rsadir);
	assert_int_equal(unlink(file), 0);
	assert_null(azc_tls_ctx_server(&so, errbuf, sizeof(errbuf)));
	assert_contains(errbuf, "relay.crt exists without");
	/* A key without certificate gets a new certificate. */
	snprintf(file, sizeof(file), "%s/relay.crt", rsadir);
	assert_int_equal(unlink(file), 0);
	a = azc_tls_ctx_server(&so, errbuf, sizeof(errbuf));
	assert_non_null(a);
	azc_tls_ctx_free(a);
}

static void test_ctx_errors(void **state)
{
	struct azc_tls_client_opts co = { 0 };
	struct azc_tls_server_opts so = { 0 };
	char file[192];

	(void)state;
	co.fingerprint = "SHA256:12:34";
	assert_null(azc_tls_ctx_client(&co, errbuf, sizeof(errbuf)));
	assert_contains(errbuf, "not a SHA-256 fingerprint: SHA256:12:34");
	co.fingerprint = NULL;
	path(file, sizeof(file), "nosuch.pem");
	co.ca_file = file;
	assert_null(azc_tls_ctx_client(&co, errbuf, sizeof(errbuf)));
	assert_contains(errbuf, "cannot load CA file ");
	assert_contains(errbuf, "nosuch.pem: No such file or directory");
	co.fingerprint = ZERO_FP;
	assert_null(azc_tls_ctx_client(&co, errbuf, sizeof(errbuf)));
	assert_contains(errbuf, "either a CA file or a fingerprint");

	assert_null(azc_tls_ctx_server(&so, errbuf, sizeof(errbuf)));
	assert_contains(errbuf, "no certificate");
	so.cert_file = ca_cert;
	assert_null(azc_tls_ctx_server(&so, errbuf, sizeof(errbuf)));
	assert_contains(errbuf, "needs its key file");
	so.key_file = file;
	assert_null(azc_tls_ctx_server(&so, errbuf, sizeof(errbuf)));
	assert_contains(errbuf, "cannot load private key ");
	assert_contains(errbuf, "nosuch.pem: No such file or directory");
	/* The wrong key for the certificate. */
	snprintf(file, sizeof(file), "%s/relay.key", state_dir);
	so.key_file = file;
	assert_null(azc_tls_ctx_server(&so, errbuf, sizeof(errbuf)));
	assert_contains(errbuf, "relay.key does not belong to certificate ");
	/* Not PEM */
	so.cert_file = file;
	so.key_file = ca_cert;
	assert_null(azc_tls_ctx_server(&so, errbuf, sizeof(errbuf)));
	assert_contains(errbuf, "cannot load certificate ");
}

static void test_pinned(void **state)
{
	struct azc_tls_ctx *sctx = server_state(state_dir);
	struct azc_tls_client_opts co = {
		.fingerprint = azc_tls_ctx_fingerprint(sctx),
	};
	struct azc_tls_info ci, si;
	char buf[64], line[160];
	struct conn k;

	(void)state;
	conn_open(&k, &co, sctx, HOST);
	if (k.rc || k.rs)
		fail_msg("handshake %d/%d: %s / %s", k.rc, k.rs,
			 azc_tls_error(k.c), azc_tls_error(k.s));
	assert_int_equal(azc_tls_get_info(k.c, &ci), 0);
	assert_int_equal(azc_tls_get_info(k.s, &si), 0);
	assert_true(ci.pinned);
	assert_false(si.pinned);
	assert_string_equal(ci.fingerprint, azc_tls_ctx_fingerprint(sctx));
	assert_string_equal(si.fingerprint, azc_tls_ctx_fingerprint(sctx));
	/* The client sends SNI for a name. */
	assert_string_equal(si.sni, HOST);
	assert_string_equal(ci.sni, "");
	/* OpenSSL 3.0: TLS 1.2, ECDHE, AES-128-GCM first. */
	if (!azc_tls_tls13_ktls_ok()) {
		assert_string_equal(ci.version, "TLSv1.2");
		assert_string_equal(ci.cipher,
				    "ECDHE-ECDSA-AES128-GCM-SHA256");
		assert_string_equal(si.cipher, ci.cipher);
	}
	/* kTLS as this kernel allows: off on the build host. */
	assert_int_equal(ci.ktls_send, ktls_available());
	assert_int_equal(ci.ktls_recv, ktls_available());
	assert_int_equal(si.ktls_send, ktls_available());
	assert_int_equal(si.ktls_recv, ktls_available());
	azc_tls_info_str(&ci, line, sizeof(line));
	if (!ktls_available() && !azc_tls_tls13_ktls_ok())
		assert_string_equal(line,
				    "TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256, kTLS send off, receive off");

	/* Data both ways. */
	write_all(k.c, "ping", 4);
	read_n(k.s, buf, 4);
	assert_memory_equal(buf, "ping", 4);
	write_all(k.s, "pong!", 5);
	read_n(k.c, buf, 5);
	assert_memory_equal(buf, "pong!", 5);
	/* Nothing to read: -EAGAIN and wait for reading. */
	assert_int_equal(azc_tls_read(k.c, buf, sizeof(buf)), -EAGAIN);
	assert_int_equal(azc_tls_want(k.c), AZC_TLS_WANT_READ);
	assert_int_equal(azc_tls_wait(k.c, 20), -ETIMEDOUT);

	/* Orderly close: close_notify reads as 0. */
	assert_int_equal(azc_tls_shutdown(k.s), 0);
	while (azc_tls_read(k.c, buf, sizeof(buf)) == -EAGAIN)
		assert_int_equal(azc_tls_wait(k.c, 2000), 0);
	assert_int_equal(azc_tls_read(k.c, buf, sizeof(buf)), 0);
	conn_close(&k);
	azc_tls_ctx_free(sctx);
}

static void test_pinned_wrong(void **state)
{
	struct azc_tls_ctx *sctx = server_state(state_dir);
	const char *pin = "SHA256:" PIN_COLONS;
	struct azc_tls_client_opts co = { .fingerprint = PIN_HEX };
	char want[512];
	struct conn k;

	(void)state;
	conn_open(&k, &co, sctx, HOST);
	assert_int_equal(k.rc, -EACCES);
	assert_int_equal(k.rs, -EPROTO);
	assert_string_equal(azc_tls_error(k.s),
			    "TLS handshake failed: sslv3 alert bad certificate (the peer rejected our certificate)");
	snprintf(want, sizeof(want),
		 "fingerprint mismatch: expected %s, got %s (certificate for "
		 HOST " (SAN: DNS:" HOST ", IP:192.0.2.1))",
		 pin, azc_tls_ctx_fingerprint(sctx));
	assert_string_equal(azc_tls_error(k.c), want);
	/* Failed for good: nothing more happens. */
	assert_int_equal(azc_tls_handshake(k.c), -EACCES);
	assert_int_equal(azc_tls_write(k.c, "x", 1), -EACCES);
	conn_close(&k);
	azc_tls_ctx_free(sctx);
}

static void test_default_verify_selfsigned(void **state)
{
	struct azc_tls_ctx *sctx = server_state(state_dir);
	struct azc_tls_client_opts co = { 0 };
	char want[512];
	struct conn k;

	(void)state;
	conn_open(&k, &co, sctx, HOST);
	assert_int_equal(k.rc, -EACCES);
	assert_true(k.rs < 0);
	snprintf(want, sizeof(want),
		 "TLS verification failed: certificate for " HOST
		 ": self-signed certificate; pin its fingerprint with --fingerprint %s",
		 azc_tls_ctx_fingerprint(sctx));
	assert_string_equal(azc_tls_error(k.c), want);
	/* The relay learns why. */
	assert_contains(azc_tls_error(k.s), "TLS handshake failed");
	conn_close(&k);
	azc_tls_ctx_free(sctx);
}

/* The self-signed certificate itself may serve as --ca instead of a pin. */
static void test_selfsigned_as_ca(void **state)
{
	struct azc_tls_ctx *sctx = server_state(state_dir);
	char file[192];
	struct azc_tls_client_opts co = { .ca_file = file };
	struct conn k;

	(void)state;
	snprintf(file, sizeof(file), "%s/relay.crt", state_dir);
	conn_open(&k, &co, sctx, HOST);
	if (k.rc || k.rs)
		fail_msg("handshake %d/%d: %s / %s", k.rc, k.rs,
			 azc_tls_error(k.c), azc_tls_error(k.s));
	conn_close(&k);
	conn_open(&k, &co, sctx, "192.0.2.1");
	assert_int_equal(k.rc, 0);
	conn_close(&k);
	azc_tls_ctx_free(sctx);
}

static void test_default_verify_private_ca(void **state)
{
	struct azc_tls_ctx *sctx = server_files();
	struct azc_tls_client_opts co = { 0 };
	struct conn k;

	(void)state;
	conn_open(&k, &co, sctx, HOST);
	assert_int_equal(k.rc, -EACCES);
	assert_contains(azc_tls_error(k.c),
			"TLS verification failed: certificate for " HOST
			": unable to get local issuer certificate (self-signed certificate or private CA?); give the CA with --ca FILE or pin its fingerprint with --fingerprint SHA256:");
	assert_contains(azc_tls_error(k.c), azc_tls_ctx_fingerprint(sctx));
	conn_close(&k);
	azc_tls_ctx_free(sctx);
}

static void test_ca(void **state)
{
	struct azc_tls_ctx *sctx = server_files();
	struct azc_tls_client_opts co = { .ca_file = ca_file };
	struct azc_tls_info ci, si;
	struct conn k;

	(void)state;
	/* The right name */
	conn_open(&k, &co, sctx, HOST);
	if (k.rc || k.rs)
		fail_msg("handshake %d/%d: %s / %s", k.rc, k.rs,
			 azc_tls_error(k.c), azc_tls_error(k.s));
	assert_int_equal(azc_tls_get_info(k.c, &ci), 0);
	assert_false(ci.pinned);
	conn_close(&k);

	/* Another name */
	conn_open(&k, &co, sctx, "other.example.com");
	assert_int_equal(k.rc, -EACCES);
	assert_string_equal(azc_tls_error(k.c),
			    "certificate name mismatch: expected other.example.com, certificate is for "
			    HOST " (SAN: DNS:" HOST ", IP:127.0.0.1)");
	conn_close(&k);

	/* An IP literal: checked against IP SANs, no SNI sent. */
	conn_open(&k, &co, sctx, "127.0.0.1");
	if (k.rc || k.rs)
		fail_msg("handshake %d/%d: %s / %s", k.rc, k.rs,
			 azc_tls_error(k.c), azc_tls_error(k.s));
	assert_int_equal(azc_tls_get_info(k.s, &si), 0);
	assert_string_equal(si.sni, "");
	conn_close(&k);

	conn_open(&k, &co, sctx, "[::1]");
	assert_int_equal(k.rc, -EACCES);
	assert_contains(azc_tls_error(k.c),
			"certificate name mismatch: expected ::1, certificate is for");
	conn_close(&k);
	azc_tls_ctx_free(sctx);
}

static void test_cert_hash(void **state)
{
	struct azc_tls_ctx *sctx = server_files();
	struct azc_tls_client_opts co = { .ca_file = ca_file };
	uint8_t a256[32], a1[20], b256[32], b1[20], c256[32], c1[20];
	unsigned char w256[32], w1[20], *der = NULL;
	unsigned int len;
	const uint8_t *p;
	size_t dlen;
	struct conn k;
	FILE *f;
	X509 *x;
	int n;

	(void)state;
	f = fopen(ca_cert, "r");
	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	assert_true(X509_digest(x, EVP_sha256(), w256, &len));
	assert_int_equal(len, 32);
	assert_true(X509_digest(x, EVP_sha1(), w1, &len));
	assert_int_equal(len, 20);
	n = i2d_X509(x, &der);
	assert_true(n > 0);

	conn_open(&k, &co, sctx, HOST);
	assert_int_equal(k.rc, 0);
	assert_int_equal(k.rs, 0);
	/* Client: the relay's certificate; server: its own. */
	assert_int_equal(azc_tls_server_cert_hash(k.c, a256, a1), 0);
	assert_int_equal(azc_tls_server_cert_hash(k.s, b256, b1), 0);
	azc_tls_ctx_cert_hash(sctx, c256, c1);
	assert_memory_equal(a256, w256, 32);
	assert_memory_equal(b256, w256, 32);
	assert_memory_equal(c256, w256, 32);
	assert_memory_equal(a1, w1, 20);
	assert_memory_equal(b1, w1, 20);
	assert_memory_equal(c1, w1, 20);
	p = azc_tls_server_cert_der(k.c, &dlen);
	assert_int_equal(dlen, (size_t)n);
	assert_memory_equal(p, der, dlen);
	p = azc_tls_server_cert_der(k.s, &dlen);
	assert_int_equal(dlen, (size_t)n);
	assert_memory_equal(p, der, dlen);
	conn_close(&k);
	OPENSSL_free(der);
	X509_free(x);
	azc_tls_ctx_free(sctx);
}

static void test_pending_handoff(void **state)
{
	struct azc_tls_ctx *sctx = server_state(state_dir);
	struct azc_tls_client_opts co = {
		.fingerprint = azc_tls_ctx_fingerprint(sctx),
	};
	static const char resp[] = "HTTP/1.1 200 OK\r\n\r\n";
	static const char pkt[] = "\x10\x01\x00\x08\x00\x08\x00\x00";
	struct azc_tls_handoff h;
	char buf[64];
	uint8_t *rest;
	size_t len;
	struct conn k;
	int r;

	(void)state;
	conn_open(&k, &co, sctx, HOST);
	assert_int_equal(k.rc, 0);
	assert_int_equal(k.rs, 0);

	/*
	 * Two chunks in one record, as kTLS receive hands OpenSSL several
	 * records at once: the client reads the first only.
	 */
	memcpy(buf, resp, sizeof(resp) - 1);
	memcpy(buf + sizeof(resp) - 1, pkt, sizeof(pkt) - 1);
	write_all(k.s, buf, sizeof(resp) - 1 + sizeof(pkt) - 1);
	read_n(k.c, buf, sizeof(resp) - 1);
	assert_memory_equal(buf, resp, sizeof(resp) - 1);
	assert_int_equal(azc_tls_pending(k.c), sizeof(pkt) - 1);

	r = azc_tls_handoff(k.c, &h);
	if (ktls_available()) {
		assert_int_equal(r, 0);
		assert_int_equal(h.fd, k.cfd);
		assert_int_equal(h.pending_len, sizeof(pkt) - 1);
		assert_memory_equal(h.pending, pkt, sizeof(pkt) - 1);
		free(h.pending);
		assert_int_equal(azc_tls_read(k.c, buf, 1), -EBADFD);
		conn_close(&k);
		azc_tls_ctx_free(sctx);
		return;
	}
	/* No kTLS here: refused, with the reason, and nothing lost. */
	assert_int_equal(r, -EOPNOTSUPP);
	assert_int_equal(h.fd, -1);
	assert_null(h.pending);
	assert_contains(azc_tls_error(k.c),
			"kernel TLS is not active for send and receive (TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256): is the kernel's tls module loaded (modprobe tls)?");
	assert_int_equal(azc_tls_pending(k.c), sizeof(pkt) - 1);
	assert_int_equal(azc_tls_take_pending(k.c, &rest, &len), 0);
	assert_int_equal(len, sizeof(pkt) - 1);
	assert_memory_equal(rest, pkt, len);
	free(rest);
	assert_int_equal(azc_tls_pending(k.c), 0);

	/*
	 * Two records; part of the first read: the rest of it is returned,
	 * the second stays in the socket and the connection goes on.
	 */
	write_all(k.s, "AAAAAAAAAA", 10);
	write_all(k.s, "BBBB", 4);
	read_n(k.c, buf, 3);
	assert_int_equal(azc_tls_take_pending(k.c, &rest, &len), 0);
	assert_int_equal(len, 7);
	assert_memory_equal(rest, "AAAAAAA", 7);
	free(rest);
	read_n(k.c, buf, 4);
	assert_memory_equal(buf, "BBBB", 4);
	/* Nothing buffered: NULL, 0. */
	assert_int_equal(azc_tls_take_pending(k.c, &rest, &len), 0);
	assert_null(rest);
	assert_int_equal(len, 0);
	conn_close(&k);
	azc_tls_ctx_free(sctx);
}

static void test_states(void **state)
{
	struct azc_tls_ctx *sctx = server_state(state_dir);
	struct azc_tls_client_opts co = { .ca_file = ca_file };
	struct azc_tls_ctx *cctx = azc_tls_ctx_client(&co, errbuf,
						      sizeof(errbuf));
	struct azc_tls_handoff h;
	struct azc_tls_info info;
	struct azc_tls *c;
	uint8_t *p;
	size_t n;
	char buf[4];
	int cfd, sfd;

	(void)state;
	assert_non_null(cctx);
	/* A client without host name and without pin cannot verify. */
	assert_null(azc_tls_new(cctx, 0, NULL, errbuf, sizeof(errbuf)));
	assert_contains(errbuf, "host name is needed");

	tcp_pair(&cfd, &sfd);
	c = azc_tls_new(cctx, cfd, HOST, errbuf, sizeof(errbuf));
	assert_non_null(c);
	assert_int_equal(azc_tls_get_info(c, &info), -EINVAL);
	assert_null(azc_tls_server_cert_der(c, &n));
	assert_int_equal(n, 0);
	assert_int_equal(azc_tls_server_cert_hash(c, NULL, NULL), -EINVAL);
	assert_int_equal(azc_tls_read(c, buf, 1), -ENOTCONN);
	assert_int_equal(azc_tls_take_pending(c, &p, &n), -ENOTCONN);
	assert_int_equal(azc_tls_handoff(c, &h), -ENOTCONN);
	assert_int_equal(h.fd, -1);
	/* Client hello sent, no answer. */
	assert_int_equal(azc_tls_handshake(c), AZC_TLS_WANT_READ);
	assert_int_equal(azc_tls_handshake_wait(c, 50), -ETIMEDOUT);
	assert_contains(azc_tls_error(c), "no answer within 50 ms");
	/* The peer goes away. */
	close(sfd);
	assert_int_equal(azc_tls_handshake_wait(c, 2000), -ECONNRESET);
	assert_contains(azc_tls_error(c), "connection closed by the peer");
	azc_tls_free(c);
	close(cfd);

	/* Not TLS at all */
	tcp_pair(&cfd, &sfd);
	c = azc_tls_new(cctx, cfd, HOST, errbuf, sizeof(errbuf));
	assert_non_null(c);
	assert_int_equal(azc_tls_handshake(c), AZC_TLS_WANT_READ);
	assert_int_equal(write(sfd, "HTTP/1.0 400 Bad Request\r\n\r\n", 28),
			 28);
	assert_int_equal(azc_tls_handshake_wait(c, 2000), -EPROTO);
	assert_contains(azc_tls_error(c), "(the peer does not speak TLS here)");
	azc_tls_free(c);
	close(cfd);
	close(sfd);
	azc_tls_ctx_free(cctx);
	azc_tls_ctx_free(sctx);
}

/* After the handshake: close without close_notify, and a dead peer. */
static void test_eof(void **state)
{
	struct azc_tls_ctx *sctx = server_state(state_dir);
	struct azc_tls_client_opts co = {
		.fingerprint = azc_tls_ctx_fingerprint(sctx),
	};
	char buf[8];
	ssize_t n;
	struct conn k;

	(void)state;
	conn_open(&k, &co, sctx, HOST);
	assert_int_equal(k.rc, 0);
	assert_int_equal(k.rs, 0);
	write_all(k.s, "last", 4);
	shutdown(k.sfd, SHUT_RDWR);
	read_n(k.c, buf, 4);
	while ((n = azc_tls_read(k.c, buf, sizeof(buf))) == -EAGAIN)
		assert_int_equal(azc_tls_wait(k.c, 2000), 0);
	assert_int_equal(n, -ECONNRESET);
	assert_string_equal(azc_tls_error(k.c),
			    "TLS read: connection closed by the peer without TLS close_notify");
	/* Writing to it fails too (SIGPIPE is ignored). */
	n = azc_tls_write(k.c, "x", 1);
	assert_true(n < 0 && n != -EAGAIN);
	conn_close(&k);
	azc_tls_ctx_free(sctx);
}

struct srv_arg {
	struct azc_tls_ctx *ctx;
	int fd;
	int ret;
};

static void *server_thread(void *arg)
{
	struct srv_arg *a = arg;
	struct azc_tls *s = azc_tls_new(a->ctx, a->fd, NULL, errbuf,
					sizeof(errbuf));
	char buf[5];
	size_t got = 0;
	ssize_t n;

	a->ret = s ? azc_tls_handshake_wait(s, 5000) : -1;
	while (!a->ret && got < 5) {
		n = azc_tls_read(s, buf + got, 5 - got);
		if (n == -EAGAIN)
			a->ret = azc_tls_wait(s, 5000);
		else if (n <= 0)
			a->ret = -EIO;
		else
			got += (size_t)n;
	}
	if (!a->ret && azc_tls_write(s, buf, 5) != 5)
		a->ret = -EIO;
	azc_tls_free(s);
	return NULL;
}

/* The client's blocking path, on a blocking socket. */
static void test_blocking_client(void **state)
{
	struct azc_tls_ctx *sctx = server_state(state_dir);
	struct azc_tls_client_opts co = {
		.fingerprint = azc_tls_ctx_fingerprint(sctx),
	};
	struct azc_tls_ctx *cctx = azc_tls_ctx_client(&co, errbuf,
						      sizeof(errbuf));
	struct srv_arg a = { .ctx = sctx };
	struct azc_tls *c;
	pthread_t th;
	char buf[5];
	int cfd;

	(void)state;
	assert_non_null(cctx);
	tcp_pair(&cfd, &a.fd);
	assert_int_equal(fcntl(cfd, F_SETFL, 0), 0);
	assert_int_equal(pthread_create(&th, NULL, server_thread, &a), 0);
	c = azc_tls_new(cctx, cfd, HOST, errbuf, sizeof(errbuf));
	assert_non_null(c);
	assert_int_equal(azc_tls_handshake_wait(c, 5000), 0);
	assert_int_equal(azc_tls_write(c, "hello", 5), 5);
	read_n(c, buf, 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(a.ret, 0);
	azc_tls_free(c);
	close(cfd);
	close(a.fd);
	azc_tls_ctx_free(cctx);
	azc_tls_ctx_free(sctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint_parse),
		cmocka_unit_test(test_selfsigned_state),
		cmocka_unit_test(test_ctx_errors),
		cmocka_unit_test(test_pinned),
		cmocka_unit_test(test_pinned_wrong),
		cmocka_unit_test(test_default_verify_selfsigned),
		cmocka_unit_test(test_selfsigned_as_ca),
		cmocka_unit_test(test_default_verify_private_ca),
		cmocka_unit_test(test_ca),
		cmocka_unit_test(test_cert_hash),
		cmocka_unit_test(test_pending_handoff),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_eof),
		cmocka_unit_test(test_blocking_client),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
