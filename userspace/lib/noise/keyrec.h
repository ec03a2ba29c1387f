/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An endpoint's public key as the name service publishes it (issue 11):
 * one TXT record at the reverse name of the endpoint's overlay address,
 *
 *   <32 nibbles>.ip6.arpa. 60 IN TXT "v=azc1 k=x25519 p=BASE64"
 *
 * with one character-string exactly in that spelling: the version, the
 * key type, and the 32-byte X25519 public key in standard base64 with its
 * padding (44 characters, the one spelling azc_noise_key_to_b64 writes).
 * IPSECKEY (RFC 4025) would be the natural type, as RFC 4322 publishes
 * keys in the reverse zone, but IANA's IPSECKEY algorithm registry has
 * no key-agreement algorithm (1 DSA, 2 RSA, 3 ECDSA, 4 EdDSA since
 * RFC 9373, all signature keys): a documented TXT record is what fits.
 * At the reverse name, because the handshake's responder knows only the
 * initiator's source overlay address: one query (TXT at its reverse
 * name) gives the key, and only the holder of that address may write
 * there (the relay authorizes UPDATEs by their source address).
 *
 * Pure functions: no I/O, no DNS library.
 */

#ifndef AZC_KEYREC_H
#define AZC_KEYREC_H

#include <stddef.h>
#include <stdint.h>

#include "noise.h"

#define AZC_KEYREC_PREFIX	"v=azc1 k=x25519 p="
/* The record's text: the prefix and the key's base64, with its NUL */
#define AZC_KEYREC_TXT_LEN	(sizeof(AZC_KEYREC_PREFIX) - 1 + AZC_NOISE_KEY_B64LEN)
/* "SHA256:" and the unpadded base64 of SHA-256(key), with its NUL */
#define AZC_KEYREC_FP_LEN	(7 + 43 + 1)

/* The record's text for public key @pub. */
void azc_keyrec_format(const uint8_t pub[AZC_NOISE_KEYLEN],
		       char txt[AZC_KEYREC_TXT_LEN]);

/*
 * The public key that the record's text (@len bytes, no NUL needed)
 * spells: 0; -EINVAL when it is not a record of this format (another
 * version, another key type, base64 of something else, anything more);
 * -EKEYREJECTED for a low-order X25519 point, which no key pair has (the
 * all-zero key among them: azc_keyrec_weak).
 */
int azc_keyrec_parse(const char *txt, size_t len,
		     uint8_t pub[AZC_NOISE_KEYLEN]);

/*
 * Whether @pub is one of the X25519 points of small order (libsodium's
 * list, the top bit ignored as X25519 does): a DH with it gives a value
 * that does not depend on the other side's private key.
 */
bool azc_keyrec_weak(const uint8_t pub[AZC_NOISE_KEYLEN]);

/* "SHA256:" and the SHA-256 of @pub in base64 without padding */
void azc_keyrec_fingerprint(const uint8_t pub[AZC_NOISE_KEYLEN],
			    char fp[AZC_KEYREC_FP_LEN]);

#endif /* AZC_KEYREC_H */
