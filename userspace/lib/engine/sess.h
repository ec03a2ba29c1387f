/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SSTP session engine: the negotiation that brings one TLS connection
 * from its first plaintext byte to "SSTP Call Connected with IPV6CP
 * opened", in either role (azconnectctl is the client, azconnect-relayd
 * the server). It is sans-I/O: the caller feeds it the bytes read from
 * TLS and the time, writes out what it produces and calls it back at its
 * deadline. Nothing in it blocks or sleeps; the only clock it reads is
 * time(2), for the Date header of the relay's HTTP response.
 *
 *	s = azc_sess_new(&cfg);
 *	azc_sess_start(s, now);
 *	loop:
 *		write azc_sess_out_peek() bytes to TLS, azc_sess_out_consume()
 *		on bytes read: n = azc_sess_input(s, buf, len, now)
 *		          (n < len: write the output first, then retry the rest)
 *		at azc_sess_next_deadline(): azc_sess_tick(s, now)
 *		on EOF: azc_sess_eof(s, now)
 *	until azc_sess_state() is CLOSED or FAILED, or CONNECTED (handoff:
 *	write out the output one last time, then hand the socket over with
 *	azc_sess_take_pending() and the input not consumed).
 *
 * Layers: HTTP (SSTP_DUPLEX_POST / 200), SSTP (MS-SSTP 3: connect,
 * crypto binding, echo, abort, disconnect), PPP (RFC 1661 LCP, MS-CHAPv2,
 * RFC 5072 IPV6CP; IPCP and other protocols are Protocol-Rejected). Input is untrusted: every buffer is bounded, an
 * SSTP packet is at most 4095 bytes and the HTTP header 4 KiB.
 */

#ifndef AZC_SESS_H
#define AZC_SESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/ppp.h"

#define AZC_SESS_IID_LEN	8
#define AZC_SESS_NAME_MAX	255	/* endpoint names, PPP peer names */
#define AZC_SESS_SECRET_MAX	256	/* tokens, UTF-8 */
#define AZC_SESS_MRU_MIN	AZC_PPP_MRU_MIN
#define AZC_SESS_MRU_MAX	AZC_PPP_MRU_MAX
#define AZC_SESS_CERT_MAX	16384

/* Authentication methods: MS-CHAPv2, the only one offered or accepted */
#define AZC_SESS_AUTH_MSCHAPV2	0x1

/* Defaults, milliseconds */
#define AZC_SESS_NEGOTIATION_MS	60000
#define AZC_SESS_ECHO_MS	60000
#define AZC_SESS_ECHO_MAX	5
#define AZC_SESS_ABORT1_MS	3000
#define AZC_SESS_ABORT2_MS	1000
#define AZC_SESS_DISC1_MS	5000
#define AZC_SESS_DISC2_MS	1000

enum azc_sess_role {
	AZC_SESS_CLIENT,
	AZC_SESS_SERVER,
};

enum azc_sess_state {
	AZC_SESS_NEGOTIATING,
	AZC_SESS_CONNECTED,	/* Call Connected and IPV6CP opened */
	AZC_SESS_CLOSING,	/* CALL_ABORT/CALL_DISCONNECT exchange */
	AZC_SESS_CLOSED,	/* ended in order */
	AZC_SESS_FAILED,	/* see azc_sess_error() */
};

enum azc_sess_err {
	AZC_SESS_E_NONE,
	AZC_SESS_E_HTTP,		/* HTTP request/response refused */
	AZC_SESS_E_FRAMING,		/* SSTP stream not delineable */
	AZC_SESS_E_PROTOCOL,		/* invalid or unexpected SSTP message */
	AZC_SESS_E_CONNECT_NAK,		/* CALL_CONNECT_NAK */
	AZC_SESS_E_PEER_ABORT,		/* CALL_ABORT from the peer */
	AZC_SESS_E_PEER_DISCONNECT,	/* CALL_DISCONNECT from the peer */
	AZC_SESS_E_TIMEOUT,		/* negotiation timer */
	AZC_SESS_E_ECHO_TIMEOUT,	/* ECHO_REQUESTs unanswered */
	AZC_SESS_E_LCP,			/* LCP failed or terminated */
	AZC_SESS_E_AUTH,		/* name or token refused */
	AZC_SESS_E_AUTH_METHOD,		/* no acceptable auth protocol */
	AZC_SESS_E_MUTUAL_AUTH,		/* the relay's S= proof is wrong */
	AZC_SESS_E_IPV6CP,		/* IPV6CP failed or terminated */
	AZC_SESS_E_BINDING,		/* crypto binding refused */
	AZC_SESS_E_EOF,			/* TCP/TLS closed by the peer */
	AZC_SESS_E_LOCAL,		/* azc_sess_close() */
	AZC_SESS_E_POLICY,		/* refused by a server callback */
	AZC_SESS_E_INTERNAL,		/* crypto, randomness, output */
	AZC_SESS_E_MAX
};

struct azc_sess_error {
	enum azc_sess_err code;
	/* Close the connection now and send nothing (MS-SSTP 3.1.5.1). */
	bool drop;
	char msg[256];
};

enum azc_sess_log_level {
	AZC_SESS_LOG_DEBUG,
	AZC_SESS_LOG_INFO,
	AZC_SESS_LOG_WARN,
	AZC_SESS_LOG_ERR,
};

struct azc_sess_cfg {
	enum azc_sess_role role;
	/*
	 * Our name: the client's endpoint name (PPP peer name), the server's
	 * name in MS-CHAPv2 challenges (default "azconnect").
	 */
	const char *name;
	const char *secret;		/* client: the endpoint's token */
	const char *host;		/* client: Host header */
	/*
	 * The relay's leaf certificate, DER: as the client saw it over TLS,
	 * the server's own. Copied. Its SHA-1/SHA-256 hash is bound.
	 */
	const uint8_t *cert_der;
	size_t cert_der_len;
	/* AZC_SSTP_HASH_*: server offers, client accepts (SHA-256 first) */
	uint8_t hash_mask;		/* 0: SHA-1 and SHA-256 */
	uint16_t mru;			/* 0: 1500 */
	uint8_t iid[AZC_SESS_IID_LEN];	/* ours; all zero: random */
	unsigned int negotiation_ms;	/* 0: 60 s */
	unsigned int echo_ms;		/* silence before ECHO_REQUEST; 60 s */
	unsigned int echo_max;		/* unanswered before abort; 5 */
	/*
	 * Stop at CONNECTED: consume no input past the frame that completed
	 * the negotiation, run no timer. See azc_sess_take_pending().
	 */
	bool handoff;

	void *ctx;			/* passed to every callback */
	/*
	 * Each negotiation step and, once CONNECTED, each SSTP keepalive
	 * (INFO), one line without newline. Why the session ended is not
	 * logged here (DEBUG only): read it from azc_sess_error().
	 */
	void (*log)(void *ctx, enum azc_sess_log_level level,
		    const char *msg);
	void *log_ctx;			/* log's context; NULL: ctx */
	/*
	 * Server: the token of endpoint @name into @secret (NUL-terminated),
	 * 0; or a negative errno for an unknown name. Required.
	 */
	int (*lookup_secret)(void *ctx, const char *name, char *secret,
			     size_t size);
	/*
	 * Server: the interface identifier of authenticated endpoint @name,
	 * 0; negative to refuse. NULL: random.
	 */
	int (*assign_iid)(void *ctx, const char *name, uint8_t *iid);
	/* IPv6 packets received once CONNECTED (without handoff). */
	void (*rx_ipv6)(void *ctx, const uint8_t *pkt, size_t len);
	/* Random bytes, 0 on success; NULL: OpenSSL RAND_bytes. */
	int (*random)(void *ctx, uint8_t *buf, size_t len);
};

/* The negotiated results and counters. */
struct azc_sess_info {
	uint16_t mru;			/* what we receive */
	uint16_t peer_mru;		/* what the peer receives */
	uint8_t local_iid[AZC_SESS_IID_LEN];
	uint8_t peer_iid[AZC_SESS_IID_LEN];
	char peer_name[AZC_SESS_NAME_MAX + 1];	/* server: authenticated */
	unsigned int auth;		/* AZC_SESS_AUTH_* used, 0 none */
	uint8_t hash_proto;		/* AZC_SSTP_HASH_* of the binding */
	uint32_t local_magic, peer_magic;	/* 0: not negotiated */
	uint64_t rx_bytes, tx_bytes;
	uint64_t rx_data_dropped;	/* SSTP/PPP data before it may flow */
	uint64_t rx_bad_frames;		/* PPP frames that do not decode */
	uint64_t proto_rejects;		/* LCP Protocol-Rejects sent */
	uint64_t echo_requests, echo_responses;	/* SSTP, sent/received */
	uint64_t rx_ipv6;		/* delivered to rx_ipv6 */
};

struct azc_sess;

/* NULL with errno EINVAL for a bad configuration, ENOMEM. */
struct azc_sess *azc_sess_new(const struct azc_sess_cfg *cfg);

/*
 * Another log callback and context (NULL: none), e.g. when the session
 * outlives the object its cfg.ctx was: the others stay.
 */
void azc_sess_set_log(struct azc_sess *s,
		      void (*log)(void *ctx, enum azc_sess_log_level level,
				  const char *msg), void *ctx);
/*
 * The object cfg.ctx pointed to is gone (the relay's connection, after the
 * hand-off): drop ctx and every callback but log. A peer that tries to
 * authenticate again is refused, an IPV6CP identifier is drawn at random.
 */
void azc_sess_orphan(struct azc_sess *s);
void azc_sess_free(struct azc_sess *s);

/* Client: queues the HTTP request. Both: starts the negotiation timer. */
int azc_sess_start(struct azc_sess *s, int64_t now_ms);

/*
 * Bytes read from the connection; the stream may be split anywhere.
 * Returns how many were consumed: fewer than @len when the output must
 * be drained first, when the session ended, or at CONNECTED with
 * handoff. Never negative.
 */
ssize_t azc_sess_input(struct azc_sess *s, const void *buf, size_t len,
		       int64_t now_ms);

/* The transport reached EOF or broke. */
void azc_sess_eof(struct azc_sess *s, int64_t now_ms);

/*
 * Bytes to send, contiguous: write them in one TLS record when possible
 * (sstp-client reads the HTTP response from one record).
 */
const uint8_t *azc_sess_out_peek(const struct azc_sess *s, size_t *len);
void azc_sess_out_consume(struct azc_sess *s, size_t n);

/* Absolute time of the next timer, or -1 when none runs. */
int64_t azc_sess_next_deadline(const struct azc_sess *s);
void azc_sess_tick(struct azc_sess *s, int64_t now_ms);

enum azc_sess_state azc_sess_state(const struct azc_sess *s);
/* Server: the peer proved it holds its endpoint's token. */
bool azc_sess_authenticated(const struct azc_sess *s);
const char *azc_sess_state_name(enum azc_sess_state st);

/* Why the session failed or ended; NULL while there is nothing to say. */
const struct azc_sess_error *azc_sess_error(const struct azc_sess *s);

const struct azc_sess_info *azc_sess_info(const struct azc_sess *s);

/*
 * The 32-byte HLAK of the crypto binding; -EAGAIN before
 * authentication completed.
 */
int azc_sess_hlak(const struct azc_sess *s, uint8_t *hlak);

/*
 * Graceful end: LCP Terminate-Request and CALL_DISCONNECT, then CLOSED
 * once acknowledged (5 s at most). @reason goes to the error.
 */
void azc_sess_close(struct azc_sess *s, const char *reason, int64_t now_ms);

/* Sends one IPv6 packet once CONNECTED; -ENOTCONN, -EMSGSIZE, -ENOBUFS. */
int azc_sess_send_ipv6(struct azc_sess *s, const void *pkt, size_t len);

/*
 * Handoff: the bytes the engine buffered but did not process (the start
 * of the next SSTP packet). Together with what azc_sess_input() did not
 * consume they are the stream past the last negotiated frame. The
 * engine forgets them and consumes no more input.
 */
size_t azc_sess_take_pending(struct azc_sess *s, const uint8_t **data);

#endif /* AZC_SESS_H */
