/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PPP authentication packets: MS-CHAPv2 (RFC 2759) in CHAP (0xC223) and
 * PAP (RFC 1334, 0xC023).
 *
 * Decoders take a control packet from azc_ppp_cp_decode(); pointers they
 * return point into it. Encoders write whole frames (FF 03, protocol,
 * packet) and return their length. Errors are negative enum azc_ppp_err.
 */

#ifndef _AZC_PROTO_PPP_AUTH_H
#define _AZC_PROTO_PPP_AUTH_H

#include "ppp.h"

#define AZC_CHAP_CHALLENGE	1
#define AZC_CHAP_RESPONSE	2
#define AZC_CHAP_SUCCESS	3
#define AZC_CHAP_FAILURE	4

#define AZC_PAP_AUTH_REQ	1
#define AZC_PAP_AUTH_ACK	2
#define AZC_PAP_AUTH_NAK	3

#define AZC_MSCHAP_CHALLENGE_LEN	16
#define AZC_MSCHAP_NT_RESPONSE_LEN	24
#define AZC_MSCHAP_AUTH_RESPONSE_LEN	20
#define AZC_MSCHAP_RESPONSE_LEN		49	/* Value-Size of a Response */

/* Failure E= codes (RFC 2759 6) */
#define AZC_MSCHAP_E_RESTRICTED_LOGON_HOURS	646
#define AZC_MSCHAP_E_ACCT_DISABLED		647
#define AZC_MSCHAP_E_PASSWD_EXPIRED		648
#define AZC_MSCHAP_E_NO_DIALIN_PERMISSION	649
#define AZC_MSCHAP_E_AUTHENTICATION_FAILURE	691
#define AZC_MSCHAP_E_CHANGING_PASSWORD		709

struct azc_chap_challenge {
	u8 challenge[AZC_MSCHAP_CHALLENGE_LEN];
	const u8 *name;
	size_t name_len;
};

struct azc_chap_response {
	u8 peer_challenge[AZC_MSCHAP_CHALLENGE_LEN];
	u8 nt_response[AZC_MSCHAP_NT_RESPONSE_LEN];
	u8 flags;
	const u8 *name;
	size_t name_len;
};

/* "S=<40 hex digits>" and an optional " M=<message>" */
struct azc_chap_success {
	u8 auth_response[AZC_MSCHAP_AUTH_RESPONSE_LEN];
	const u8 *msg;
	size_t msg_len;
};

/* "E=<error> R=<0|1> C=<32 hex digits> V=<version> M=<message>" */
struct azc_chap_failure {
	u32 error;
	bool retry;
	bool has_challenge;
	u8 challenge[AZC_MSCHAP_CHALLENGE_LEN];
	u32 version;
	const u8 *msg;
	size_t msg_len;
};

struct azc_pap_request {
	const u8 *peer_id;
	u8 peer_id_len;
	const u8 *passwd;
	u8 passwd_len;
};

int azc_chap_dec_challenge(const struct azc_ppp_cp *cp,
			   struct azc_chap_challenge *c);
int azc_chap_dec_response(const struct azc_ppp_cp *cp,
			  struct azc_chap_response *r);
int azc_chap_dec_success(const struct azc_ppp_cp *cp,
			 struct azc_chap_success *s);
int azc_chap_dec_failure(const struct azc_ppp_cp *cp,
			 struct azc_chap_failure *f);

int azc_chap_enc_challenge(u8 *buf, size_t size, u8 id,
			   const struct azc_chap_challenge *c);
int azc_chap_enc_response(u8 *buf, size_t size, u8 id,
			  const struct azc_chap_response *r);
int azc_chap_enc_success(u8 *buf, size_t size, u8 id,
			 const struct azc_chap_success *s);
int azc_chap_enc_failure(u8 *buf, size_t size, u8 id,
			 const struct azc_chap_failure *f);

int azc_pap_dec_request(const struct azc_ppp_cp *cp,
			struct azc_pap_request *r);
/* Authenticate-Ack or -Nak: the message and its length */
int azc_pap_dec_reply(const struct azc_ppp_cp *cp, const u8 **msg,
		      u8 *msg_len);

int azc_pap_enc_request(u8 *buf, size_t size, u8 id,
			const struct azc_pap_request *r);
int azc_pap_enc_reply(u8 *buf, size_t size, u8 code, u8 id, const u8 *msg,
		      u8 msg_len);

#endif /* _AZC_PROTO_PPP_AUTH_H */
