/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the session engine, shared by sess.c (HTTP, SSTP, timers,
 * the API) and sess_ppp.c (LCP, authentication, IPV6CP).
 */

#ifndef AZC_SESS_PRIV_H
#define AZC_SESS_PRIV_H

#include "cryptobind.h"
#include "mschapv2.h"
#include "pppfsm.h"
#include "proto/ppp_auth.h"
#include "proto/sstp.h"
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
	unsigned int auth_idx;		/* server: method offered */
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
void azc_sess_log(struct azc_sess *s, enum azc_sess_log_level level,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void azc_sess_set_error(struct azc_sess *s, enum azc_sess_err code,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool azc_sess_random(struct azc_sess *s, void *buf, size_t len);
bool azc_sess_send_ppp(struct azc_sess *s, const u8 *frame, size_t len);
bool azc_sess_closing(const struct azc_sess *s);
/* A PPP failure: records it and sends CALL_DISCONNECT. */
void azc_sess_ppp_failed(struct azc_sess *s, enum azc_sess_err code,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Client: authentication done, send CALL_CONNECTED. */
void azc_sess_send_connected(struct azc_sess *s);
void azc_sess_check_connected(struct azc_sess *s);

/* sess_ppp.c */
void azc_sess_ppp_init(struct azc_sess *s, u8 lcp_id, u8 ipv6cp_id);
void azc_sess_ppp_start(struct azc_sess *s);
void azc_sess_ppp_input(struct azc_sess *s, const u8 *frame, size_t len);
void azc_sess_ppp_tick(struct azc_sess *s);
int64_t azc_sess_ppp_deadline(const struct azc_sess *s);
void azc_sess_ppp_close(struct azc_sess *s, const char *reason);
const char *azc_sess_ppp_progress(struct azc_sess *s);
const char *azc_sess_auth_name(enum azc_ppp_auth a);

#endif /* AZC_SESS_PRIV_H */
