/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the session engine, shared by its files: sess.c (the API,
 * timers, the output buffer), sess_http.c (the HTTP stage), sess_sstp.c
 * (SSTP control messages and the crypto binding), sess_ppp.c (PPP
 * dispatch), sess_lcp.c, sess_auth.c and sess_ipv6cp.c, and kframe.c
 * (control frames after the hand-off).
 */

#ifndef AZC_SESS_PRIV_H
#define AZC_SESS_PRIV_H

#include <stdarg.h>

#include "chap.h"
#include "cryptobind.h"
#include "mschapv2.h"
#include "pppfsm.h"
#include "sstp_ctrl.h"
#include "sess.h"
#include "sstp_http.h"

#define AZC_SESS_OUT_MAX	32768
/* Input stops while less than this is free in the output buffer */
#define AZC_SESS_OUT_RESERVE	12288
#define AZC_SESS_MAX_CONNECT_NAKS	3
#define AZC_SESS_AUTH_RESTART_MS	3000
#define AZC_SESS_AUTH_MAX_TRIES		10

/* SSTP call states (MS-SSTP 3.2.1.1.1, 3.3.1.1.1, 3.1.1.1) */
enum azc_sst {
	AZC_SST_IDLE,
	AZC_SST_HTTP,			/* HTTP request/response pending */
	AZC_SST_CONNECT_PENDING,	/* request sent / awaited */
	AZC_SST_CONNECTED_PENDING,	/* PPP running, no CALL_CONNECTED */
	AZC_SST_CALL_CONNECTED,
	AZC_SST_ABORT_PENDING,		/* we sent CALL_ABORT (3 s) */
	AZC_SST_ABORT_TIMEOUT,		/* CALL_ABORT exchanged (1 s) */
	AZC_SST_DISC_ACK_PENDING,	/* we sent CALL_DISCONNECT (5 s) */
	AZC_SST_DISC_TIMEOUT,		/* we acknowledged one (1 s) */
	AZC_SST_DONE,
};

/* PPP phases (RFC 1661 3.2) */
enum azc_phase {
	AZC_PHASE_DEAD,
	AZC_PHASE_ESTABLISH,
	AZC_PHASE_AUTH,
	AZC_PHASE_NETWORK,
};

/* What the peer's last acceptable Configure-Request said */
struct azc_lcp_peer {
	u16 mru;
	u32 magic;
	enum azc_ppp_auth auth;
};

struct azc_sess {
	struct azc_sess_cfg cfg;	/* strings point to the copies below */
	char name[AZC_SESS_NAME_MAX + 1];
	char secret[AZC_SESS_SECRET_MAX + 1];
	char host[AZC_HTTP_HOST_MAX + 1];
	u8 *cert;
	size_t cert_len;
	bool server;

	enum azc_sst sst;
	bool up;			/* CONNECTED */
	bool was_up;
	bool stopped;			/* handoff reached */
	bool failed;
	struct azc_sess_error err;
	struct azc_sess_info info;
	char progress[128];
	int64_t now;

	/* Timers, absolute ms, -1 when stopped */
	int64_t t_nego, t_echo, t_sstp, t_auth;
	unsigned int echo_unanswered;
	unsigned int connect_naks;

	/* SSTP crypto binding */
	u8 nonce[AZC_SSTP_NONCE_LEN];
	u8 hash_offered;		/* server: bitmask sent */
	u8 hash_proto;			/* client: chosen */

	/* PPP */
	enum azc_phase phase;
	bool ppp_closing;		/* we close LCP ourselves */
	struct azc_fsm lcp, ipv6cp;
	u16 mru;			/* ours */
	bool send_mru, send_magic;
	u32 magic;
	unsigned int loops;
	struct azc_lcp_peer peer, peer_tent;
	u8 iid[AZC_SESS_IID_LEN];	/* ours */
	u8 peer_iid[AZC_SESS_IID_LEN], peer_iid_tent[AZC_SESS_IID_LEN];
	bool peer_iid_seen;
	u8 assigned[AZC_SESS_IID_LEN];	/* server: the client's */

	/* Authentication */
	enum azc_ppp_auth auth;		/* in use */
	bool auth_sent;			/* client: response/request sent */
	bool auth_replied;		/* server: Success/Failure sent */
	bool auth_ok;
	unsigned int auth_tries;
	u8 auth_id;
	u8 challenge[AZC_MSCHAP_CHALLENGE_LEN];
	u8 peer_challenge[AZC_MSCHAP_CHALLENGE_LEN];
	u8 nt_response[AZC_MSCHAP_NT_RESPONSE_LEN];
	u8 nt_hash[AZC_MSCHAP_NT_HASH_LEN];
	bool have_nt_hash;
	u8 hlak[AZC_CB_HLAK_LEN];
	u8 auth_frame[512];		/* last auth packet, to resend */
	size_t auth_frame_len;

	/* Input reassembly and output */
	size_t http_len, rx_len;
	size_t out_head, out_len;
	u8 http[AZC_HTTP_MAX_HEADER];
	u8 rx[AZC_SSTP_MAX_LEN];
	u8 out[AZC_SESS_OUT_MAX];
};

/* sess.c */
/* "client" or "relay": the peer, in messages */
const char *azc_sess_who(const struct azc_sess *s);
const char *azc_sess_hash_name(u8 hash);
/* The session is over: timers stopped, state DONE. */
void azc_sess_done(struct azc_sess *s);
/* Output: room for @n more bytes (false: failed, the peer does not read) */
bool azc_sess_room(struct azc_sess *s, size_t n);
void azc_sess_put(struct azc_sess *s, const void *p, size_t n);
/* Both; the session ends when there is no room. */
bool azc_sess_push(struct azc_sess *s, const void *p, size_t n);
void azc_sess_log(struct azc_sess *s, enum azc_sess_log_level level,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The error that ends the session; only the first one counts. */
void azc_sess_set_error(struct azc_sess *s, enum azc_sess_err code,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void azc_sess_vset_error(struct azc_sess *s, enum azc_sess_err code,
			 const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
bool azc_sess_random(struct azc_sess *s, void *buf, size_t len);
/* An abort or disconnect exchange is under way. */
bool azc_sess_closing(const struct azc_sess *s);
/* Connected once Call Connected and IPV6CP opened are both true. */
void azc_sess_check_connected(struct azc_sess *s);

/* sess_http.c: the HTTP stage; returns the bytes consumed. */
size_t azc_sess_http_input(struct azc_sess *s, const u8 *p, size_t n);

/* sess_sstp.c */
/* A PPP frame in an SSTP data packet; false when the session ended. */
bool azc_sess_send_ppp(struct azc_sess *s, const u8 *frame, size_t len);
void azc_sess_send_ctrl(struct azc_sess *s, const u8 *msg, int len);
/* CALL_DISCONNECT, then DISC_ACK_PENDING */
void azc_sess_disconnect(struct azc_sess *s);
/* SSTP packets out of the stream; returns the bytes consumed. */
size_t azc_sess_sstp_input(struct azc_sess *s, const u8 *p, size_t n);
void azc_sess_echo_timer(struct azc_sess *s);
void azc_sess_nego_timeout(struct azc_sess *s);
/* A PPP failure: records it and sends CALL_DISCONNECT. */
void azc_sess_ppp_failed(struct azc_sess *s, enum azc_sess_err code,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Client: authentication done, send CALL_CONNECTED. */
void azc_sess_send_connected(struct azc_sess *s);

static inline struct azc_sess *azc_fsm_sess(struct azc_fsm *f)
{
	return f->ctx;
}

/* sess_ppp.c */
void azc_fsm_sess_send(struct azc_fsm *f, const u8 *frame, size_t len);
void azc_fsm_sess_log(struct azc_fsm *f, const char *msg);
/* A random non-zero number; false (the session failed) without one. */
bool azc_sess_rand_u32(struct azc_sess *s, u32 *v);
void azc_sess_ppp_init(struct azc_sess *s, u8 lcp_id, u8 ipv6cp_id);
void azc_sess_ppp_start(struct azc_sess *s);
void azc_sess_ppp_input(struct azc_sess *s, const u8 *frame, size_t len);
void azc_sess_ppp_tick(struct azc_sess *s);
int64_t azc_sess_ppp_deadline(const struct azc_sess *s);
void azc_sess_ppp_close(struct azc_sess *s, const char *reason);
const char *azc_sess_ppp_progress(struct azc_sess *s);

/* sess_lcp.c, sess_ipv6cp.c: the automatons' callbacks */
extern const struct azc_fsm_ops azc_lcp_ops;
extern const struct azc_fsm_ops azc_ipv6cp_ops;
/* A random identifier, not zero and unlike @other (may be NULL). */
bool azc_sess_rand_iid(struct azc_sess *s, u8 *iid, const u8 *other);

/* sess_auth.c */
const char *azc_sess_auth_name(enum azc_ppp_auth a);
/* LCP opened: the relay sends its challenge, the endpoint waits for it. */
void azc_sess_auth_start(struct azc_sess *s);
void azc_sess_auth_input(struct azc_sess *s, u16 proto, const u8 *info,
			 size_t len);
void azc_sess_auth_timer(struct azc_sess *s);

#endif /* AZC_SESS_PRIV_H */
