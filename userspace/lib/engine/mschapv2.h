/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MS-CHAPv2 (RFC 2759) and its MPPE start keys (RFC 3079), on OpenSSL 3.
 *
 * MD4 and DES come from OpenSSL's legacy provider, loaded into a library
 * context of this module's own: the process's default context is left as
 * it is. Functions return 0 or a negative errno: -EINVAL for bad input,
 * -ENOTSUP when the providers cannot be loaded, -EIO on a crypto failure.
 */

#ifndef AZC_MSCHAPV2_H
#define AZC_MSCHAPV2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chap.h"

#define AZC_MSCHAP_NT_HASH_LEN		16
#define AZC_MSCHAP_CHALLENGE_HASH_LEN	8
#define AZC_MSCHAP_MASTER_KEY_LEN	16
#define AZC_MSCHAP_START_KEY_LEN	16
/* Longest password in UTF-16 code units (RFC 2759: 256 characters) */
#define AZC_MSCHAP_PASSWORD_MAX		256

/*
 * NtPasswordHash: MD4 of the UTF-16LE form of a UTF-8 password. -EINVAL
 * for invalid UTF-8 or a password over AZC_MSCHAP_PASSWORD_MAX.
 */
int azc_mschap_nt_hash(const char *password, uint8_t *nt_hash);

/* ChallengeHash: @user is the user name without any domain. */
int azc_mschap_challenge_hash(const uint8_t *peer_challenge,
			      const uint8_t *auth_challenge,
			      const void *user, size_t user_len,
			      uint8_t *out);

/* GenerateNTResponse, from the password's NT hash. */
int azc_mschap_nt_response(const uint8_t *auth_challenge,
			   const uint8_t *peer_challenge,
			   const void *user, size_t user_len,
			   const uint8_t *nt_hash, uint8_t *nt_response);

/* GenerateAuthenticatorResponse: the 20 bytes shown as "S=<hex>". */
int azc_mschap_auth_response(const uint8_t *nt_hash,
			     const uint8_t *nt_response,
			     const uint8_t *peer_challenge,
			     const uint8_t *auth_challenge,
			     const void *user, size_t user_len,
			     uint8_t *auth_response);

/*
 * CheckAuthenticatorResponse, in constant time: 0 when @received matches,
 * -EACCES when it does not.
 */
int azc_mschap_auth_response_check(const uint8_t *nt_hash,
				   const uint8_t *nt_response,
				   const uint8_t *peer_challenge,
				   const uint8_t *auth_challenge,
				   const void *user, size_t user_len,
				   const uint8_t *received);

/* RFC 3079 3.4 GetMasterKey */
int azc_mschap_master_key(const uint8_t *nt_hash, const uint8_t *nt_response,
			  uint8_t *master_key);

/* RFC 3079 3.4 GetAsymmetricStartKey, 16-byte keys */
int azc_mschap_start_key(const uint8_t *master_key, bool is_send,
			 bool is_server, uint8_t *key);

/* Both start keys of one side: its MasterSendKey and MasterReceiveKey. */
int azc_mschap_start_keys(const uint8_t *nt_hash, const uint8_t *nt_response,
			  bool is_server, uint8_t *send_key,
			  uint8_t *recv_key);

#endif /* AZC_MSCHAPV2_H */
