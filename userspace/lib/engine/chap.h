/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PPP authentication packets: MS-CHAPv2 (RFC 2759) in CHAP (0xC223), the
 * only method azconnect offers or accepts.
 *
 * Decoders take a control packet from azc_ppp_cp_decode(); pointers they
 * return point into it. Encoders write whole frames (FF 03, protocol,
 * packet) and return their length. Errors are negative enum azc_ppp_err.
 */

#ifndef AZC_CHAP_H
#define AZC_CHAP_H

#include "ppp_cp.h"

#define AZC_CHAP_CHALLENGE	1
#define AZC_CHAP_RESPONSE	2
#define AZC_CHAP_SUCCESS	3
#define AZC_CHAP_FAILURE	4

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

#endif /* AZC_CHAP_H */
