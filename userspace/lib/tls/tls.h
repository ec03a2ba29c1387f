/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TLS layer of azconnectctl (client) and azconnect-relayd (server):
 * OpenSSL 3 set up so that, after the handshake, the kernel can take the
 * TCP socket over with kernel TLS (kTLS) active in both directions.
 *
 * Protocol policy (both roles):
 *  - OpenSSL < 3.2 (Debian 12 has 3.0): TLS 1.2 only, ECDHE with
 *    AES-128-GCM first, then AES-256-GCM (ECDSA or RSA certificates).
 *    OpenSSL 3.0 hands TLS 1.2 keys to the kernel for send and receive but
 *    TLS 1.3 keys for send only, and the kernel's TLS_TX/TLS_RX support
 *    both AES-GCM suites.
 *  - OpenSSL >= 3.2 (checked at run time): TLS 1.3 is allowed as well
 *    (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384), since it offloads
 *    TLS 1.3 receive too.
 *  - SSL_OP_ENABLE_KTLS. The kernel module "tls" must be loaded (or
 *    loadable) before the handshake, otherwise OpenSSL silently stays in
 *    user space; azc_tls_get_info() tells.
 *  - No renegotiation (SSL_OP_NO_RENEGOTIATION: kTLS cannot rekey a TLS
 *    1.2 session), no compression, read-ahead off (OpenSSL must not read
 *    past the record that switches keys, or kTLS receive is refused).
 *  - No session resumption: tickets off (SSL_OP_NO_TICKET, and no TLS 1.3
 *    NewSessionTicket from the server), session caches off. A TLS 1.2
 *    NewSessionTicket travels inside the handshake and would not disturb
 *    kTLS, but a connection lives for days and is never resumed, so
 *    tickets only add key material to protect. A TLS 1.3 ticket arrives
 *    after the handshake as a non-data record that the kernel consumer
 *    would have to skip; our server sends none.
 *  - TLS 1.3 KeyUpdate cannot be turned off; we never send one, and a
 *    kTLS socket on Linux 6.1 cannot follow a peer's (the session breaks
 *    and the endpoint reconnects). Only relevant with OpenSSL >= 3.2.
 *
 * The client verifies the relay's certificate, by default against the
 * system CA store (or --ca FILE) with a host-name or IP-address check and
 * SNI for names, or, with a pinned SHA-256 fingerprint of the relay's leaf
 * certificate, by comparing that fingerprint (constant time) instead of
 * verifying a chain (self-signed relays): the pin is the whole trust, as
 * with SSH host keys, so names and validity dates are not checked then.
 * A relay's self-signed certificate also works as --ca FILE, with the
 * name check. The server does not need SNI (sstp-client sends none) and
 * asks for no client certificate.
 *
 * Everything works on non-blocking sockets for an event loop: operations
 * return AZC_TLS_WANT_READ/WANT_WRITE (or -EAGAIN with azc_tls_want()) and
 * are called again when the descriptor is ready; deadlines are the
 * caller's. Blocking helpers with a time limit exist for simple clients.
 * The socket descriptor always belongs to the caller: nothing here closes
 * it. Writes on a socket the peer has closed raise SIGPIPE: callers ignore
 * that signal.
 *
 * Functions returning int return 0 (or a count) on success and a negative
 * errno on failure; messages for an administrator are in the @err buffer
 * given to the ctx constructors, or in azc_tls_error() for a connection.
 */

#ifndef AZC_TLS_H
#define AZC_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define AZC_TLS_SHA256_LEN	32
#define AZC_TLS_SHA1_LEN	20
/* "SHA256:" and 32 colon-separated hex pairs, NUL included */
#define AZC_TLS_FP_STRLEN	(7 + 3 * AZC_TLS_SHA256_LEN)
/* Room for any message of this layer */
#define AZC_TLS_ERR_LEN		1024

/* Files in the server's state directory */
#define AZC_TLS_STATE_CERT	"relay.crt"
#define AZC_TLS_STATE_KEY	"relay.key"

struct azc_tls_ctx;	/* role, policy, credentials: one per configuration */
struct azc_tls;		/* one connection */

struct azc_tls_client_opts {
	/*
	 * SHA-256 fingerprint of the relay's leaf certificate, as
	 * azc_tls_parse_fingerprint() accepts it. When set it replaces
	 * chain and name verification. NULL: verify the chain and the name.
	 */
	const char *fingerprint;
	/* PEM file of trusted CAs; NULL: the system store */
	const char *ca_file;
};

enum azc_tls_key_type {
	AZC_TLS_KEY_EC_P256,	/* default */
	AZC_TLS_KEY_RSA_2048,
};

struct azc_tls_server_opts {
	/* Certificate (PEM, leaf first, chain may follow) and key files... */
	const char *cert_file;
	const char *key_file;
	/*
	 * ...or neither, and a self-signed pair kept in state_dir
	 * (AZC_TLS_STATE_CERT, AZC_TLS_STATE_KEY mode 0600), made on first
	 * use. The directory is created (mode 0700) when missing.
	 */
	const char *state_dir;
	/*
	 * For a new self-signed certificate: host names and IP addresses
	 * (subjectAltName; the first one is also the CN). None: the host
	 * name of this machine. An existing certificate is kept as it is
	 * (its fingerprint is what endpoints pin): remove both files to
	 * make a new pair.
	 */
	const char *const *names;
	size_t n_names;
	enum azc_tls_key_type key_type;
};

/* Contexts. Return NULL with a message in @err on failure. */
struct azc_tls_ctx *azc_tls_ctx_client(const struct azc_tls_client_opts *o,
				       char *err, size_t errlen);
struct azc_tls_ctx *azc_tls_ctx_server(const struct azc_tls_server_opts *o,
				       char *err, size_t errlen);
/*
 * Drops the owner's reference: the context goes with its last connection
 * (a relay that loads a new certificate frees the old context while
 * handshakes made with it go on).
 */
void azc_tls_ctx_free(struct azc_tls_ctx *ctx);

/*
 * Server: fingerprint of its certificate ("SHA256:AB:CD:...", what
 * endpoints pin) and the certificate's DER hashes.
 */
const char *azc_tls_ctx_fingerprint(const struct azc_tls_ctx *ctx);
void azc_tls_ctx_cert_hash(const struct azc_tls_ctx *ctx,
			   uint8_t sha256[AZC_TLS_SHA256_LEN],
			   uint8_t sha1[AZC_TLS_SHA1_LEN]);

/*
 * Fingerprints: parse "SHA256:AB:CD:..", "ab:cd:..", "ABCD.." (64 hex
 * digits, colons between pairs optional, any case, "SHA256:" prefix
 * optional) into 32 bytes; -EINVAL when malformed. Format 32 bytes as
 * "SHA256:AB:CD:..." into @buf of AZC_TLS_FP_STRLEN bytes.
 */
int azc_tls_parse_fingerprint(const char *s,
			      uint8_t out[AZC_TLS_SHA256_LEN]);
void azc_tls_format_fingerprint(const uint8_t fp[AZC_TLS_SHA256_LEN],
				char *buf);

/*
 * A connection on the connected TCP socket @fd (blocking or not), which
 * stays the caller's. Client: @host is the relay's name or IP address
 * literal as the user gave it ("relay.example.com", "192.0.2.1",
 * "2001:db8::1" or "[2001:db8::1]"): a name is sent as SNI and checked
 * against the certificate, an address is checked against its IP
 * subjectAltNames (no SNI). Server: @host is NULL.
 * Returns NULL with a message in @err on failure.
 */
struct azc_tls *azc_tls_new(struct azc_tls_ctx *ctx, int fd, const char *host,
			    char *err, size_t errlen);
/*
 * Frees the connection without sending anything (no close_notify) and
 * without closing the descriptor. Use azc_tls_shutdown() first for an
 * orderly close of a connection that was not handed off.
 */
void azc_tls_free(struct azc_tls *t);

enum {
	AZC_TLS_WANT_READ = 1,	/* call again when the fd is readable */
	AZC_TLS_WANT_WRITE = 2,	/* call again when the fd is writable */
};

/*
 * One handshake step: 0 when complete, AZC_TLS_WANT_READ/WRITE, or
 *  -EACCES       the relay's certificate was rejected (chain, name, pin)
 *  -EPROTO       TLS failure (alert from the peer, no common protocol or
 *                cipher, not TLS at all)
 *  -ECONNRESET   the peer closed the connection
 *  -errno        socket error
 * azc_tls_error() then says what happened, for an administrator.
 */
int azc_tls_handshake(struct azc_tls *t);
/*
 * The same to completion, waiting for the descriptor with poll() for at
 * most @timeout_ms in all (-1: no limit); -ETIMEDOUT when over.
 */
int azc_tls_handshake_wait(struct azc_tls *t, int timeout_ms);
/* The same, ended early (-EINTR) once @stop_fd (-1: none) is readable. */
int azc_tls_handshake_until(struct azc_tls *t, int timeout_ms, int stop_fd);

/*
 * Application data (the HTTP and SSTP/PPP negotiation, before the
 * hand-off). Read returns a count, 0 when the peer closed with
 * close_notify, -ECONNRESET when it closed without one, -EAGAIN when the
 * call must be repeated once azc_tls_want() is ready, or -EPROTO/-errno.
 * A read may leave bytes in OpenSSL (azc_tls_pending()) that no readiness
 * event will announce: read until -EAGAIN. Write sends all of @len (one
 * record when @len <= 16 KiB) or returns -EAGAIN: then repeat it with the
 * same bytes before any hand-off.
 */
ssize_t azc_tls_read(struct azc_tls *t, void *buf, size_t len);
ssize_t azc_tls_write(struct azc_tls *t, const void *buf, size_t len);
/* AZC_TLS_WANT_READ or AZC_TLS_WANT_WRITE after -EAGAIN or a WANT step */
int azc_tls_want(const struct azc_tls *t);
/* Waits up to @timeout_ms for azc_tls_want(); 0, -ETIMEDOUT or -errno. */
int azc_tls_wait(const struct azc_tls *t, int timeout_ms);
/* Decrypted bytes OpenSSL holds that azc_tls_read() has not returned */
size_t azc_tls_pending(const struct azc_tls *t);

/*
 * Orderly close: sends close_notify (once, without waiting for the
 * peer's). 0, AZC_TLS_WANT_WRITE or a negative errno. Not after a
 * hand-off.
 */
int azc_tls_shutdown(struct azc_tls *t);

/* The message of the last failure of @t */
const char *azc_tls_error(const struct azc_tls *t);

struct azc_tls_info {
	const char *version;	/* "TLSv1.2", static */
	const char *cipher;	/* "ECDHE-ECDSA-AES128-GCM-SHA256", static */
	bool ktls_send;		/* kernel encrypts what is written */
	bool ktls_recv;		/* kernel decrypts what is read */
	bool pinned;		/* client: pin checked, not a CA chain */
	/* The server's leaf certificate (the relay's on the client) */
	char fingerprint[AZC_TLS_FP_STRLEN];
	/* Server: the SNI the client sent, "" for none */
	char sni[256];
};

/* After the handshake; -EINVAL before. */
int azc_tls_get_info(const struct azc_tls *t, struct azc_tls_info *info);
/* "TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256, kTLS send on, receive on" */
void azc_tls_info_str(const struct azc_tls_info *info, char *buf,
		      size_t size);

/*
 * The server's leaf certificate for the SSTP crypto binding (MS-SSTP
 * 3.2.5.2.4): on the client the relay's certificate as received, on the
 * server its own. DER bytes valid until azc_tls_free(), NULL before the
 * handshake completed; and their SHA-256 and SHA-1 (either may be NULL).
 */
const uint8_t *azc_tls_server_cert_der(const struct azc_tls *t,
				       size_t *len);
int azc_tls_server_cert_hash(const struct azc_tls *t,
			     uint8_t sha256[AZC_TLS_SHA256_LEN],
			     uint8_t sha1[AZC_TLS_SHA1_LEN]);

/*
 * Hand-off to the kernel.
 *
 * With kTLS receive, OpenSSL reads decrypted data from the kernel in
 * blocks of up to its buffer size, and the kernel joins consecutive
 * application data records in one read: OpenSSL may hold bytes the peer
 * sent after the last azc_tls_read() (say the next SSTP packets after the
 * HTTP response). Nothing else is buffered: OpenSSL never reads ahead
 * (read-ahead off), and everything not yet read by OpenSSL is still in the
 * kernel's kTLS receive queue, where the kernel consumer finds it.
 *
 * azc_tls_handoff() checks that the handshake is complete and kTLS is
 * active for both send and receive (-EOPNOTSUPP otherwise, with the reason
 * in azc_tls_error()), then moves OpenSSL's buffered plaintext into
 * @h->pending (malloc()ed, the caller frees it; NULL when none) without
 * reading from the socket. These bytes precede everything the kernel will
 * read: the caller consumes the complete SSTP packets among them itself
 * and passes the rest (at most one partial packet) with the socket.
 * After it, @t refuses reads, writes and shutdown (-EBADFD): the caller
 * passes h->fd to the kernel (link-new, which takes its own reference to
 * the socket), then calls azc_tls_free(), which sends no close_notify and
 * leaves the descriptor open; closing it is the caller's business once
 * the kernel holds the socket.
 */
struct azc_tls_handoff {
	int fd;
	uint8_t *pending;
	size_t pending_len;
};

int azc_tls_handoff(struct azc_tls *t, struct azc_tls_handoff *h);
/*
 * Only the draining part: moves OpenSSL's buffered plaintext to
 * the returned buffer (malloc()ed, NULL/0 when none) without reading the socket
 * and without the kTLS check. The connection remains usable.
 */
int azc_tls_take_pending(struct azc_tls *t, uint8_t **buf, size_t *len);

/* True when this OpenSSL offloads TLS 1.3 receive (>= 3.2, run time) */
bool azc_tls_tls13_ktls_ok(void);

#endif /* AZC_TLS_H */
