/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SSTP crypto binding (MS-SSTP 3.2.5.2): the compound MAC of the
 * CALL_CONNECTED message, which binds PPP authentication to the TLS
 * connection through the server certificate's hash.
 *
 * @hash is AZC_SSTP_HASH_SHA1 or AZC_SSTP_HASH_SHA256. SHA-1 values are
 * zero-padded to 32 bytes. Functions return 0 (or a length) or a negative
 * errno.
 */

#ifndef AZC_CRYPTOBIND_H
#define AZC_CRYPTOBIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sstp_ctrl.h"

#define AZC_CB_HLAK_LEN		32
#define AZC_CB_KEY_LEN		32	/* CMK, MAC and cert hash fields */

/*
 * HLAK from the MS-CHAPv2 start keys of this side (RFC 3079):
 * client MasterSendKey | MasterReceiveKey, server the other way round;
 * both sides get the same bytes. With no keys (PAP) HLAK is 32 zeros:
 * pass NULL keys.
 */
void azc_cb_hlak(const uint8_t *send_key, const uint8_t *recv_key,
		 bool is_server, uint8_t *hlak);

/*
 * CMK = HMAC-H(HLAK, "SSTP inner method derived CMK" | LEN | 0x01), LEN
 * the u16 little-endian output length; returns that length (20 or 32).
 */
int azc_cb_cmk(int hash, const uint8_t *hlak, uint8_t *cmk);

/* HMAC-H(CMK, the 112-byte CALL_CONNECTED with the MAC field zeroed). */
int azc_cb_compound_mac(int hash, const uint8_t *cmk, size_t cmk_len,
			const uint8_t *connected, uint8_t *mac);

/* H(DER of the server's certificate), zero-padded to 32 bytes. */
int azc_cb_cert_hash(int hash, const uint8_t *der, size_t der_len,
		     uint8_t *out);

/*
 * Client: the whole CALL_CONNECTED, compound MAC included, for the
 * server's @nonce and certificate. Writes AZC_SSTP_CONNECTED_LEN bytes.
 */
int azc_cb_build_connected(int hash, const uint8_t *hlak,
			   const uint8_t *nonce, const uint8_t *cert_der,
			   size_t cert_len, uint8_t *out);

/*
 * Server: checks a received CALL_CONNECTED against the nonce it sent, the
 * hash protocols it offered (@hash_mask), its certificate and the HLAK.
 * Returns 0, or -EPROTO (malformed), -ENOTSUP (hash not offered),
 * -EBADMSG (nonce or certificate hash differs), -EACCES (MAC differs).
 * Comparisons run in constant time.
 */
int azc_cb_verify_connected(const uint8_t *msg, size_t len,
			    uint8_t hash_mask, const uint8_t *nonce,
			    const uint8_t *cert_der, size_t cert_len,
			    const uint8_t *hlak);

#endif /* AZC_CRYPTOBIND_H */
