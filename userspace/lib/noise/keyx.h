/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The key exchange two endpoints run over UDP on the overlay, port
 * AZCONNECT_ESP_HANDSHAKE_PORT (4500), to key one ESP SA each way
 * (issue 11): Noise IK (noise.h) in three messages.
 *
 *   initiator                                            responder
 *   1 init     hdr(1, SPI_i, 0)     || IK message 1 {payload 1}  ->
 *                                    (the responder checks the
 *                                     initiator's static key against
 *                                     the name service, installs its
 *                                     receive SA SPI_r)
 *   2 resp   <- hdr(2, SPI_r, SPI_i) || IK message 2 {payload 2}
 *      (the initiator installs its receive SA SPI_i, then its transmit
 *       SA SPI_r: what waited for it leaves)
 *   3 confirm  hdr(3, SPI_i, SPI_r) || transport message {payload 3} ->
 *                                    (the responder installs its
 *                                     transmit SA SPI_i)
 *
 * hdr is 12 bytes: type (1 byte), version (1), two zero bytes, the
 * sender's index (the SPI it will receive ESP on) and the receiver's
 * index (0 in message 1), both big-endian. Each SPI is chosen by the
 * side that receives on it. The header is in the clear for routing a
 * message to its handshake; the authenticated payloads repeat it:
 *
 *   payload 1: version 1, cipher (AZCONNECT_SA_CIPHER_*), 0, 0, SPI_i,
 *              timestamp (u64, ns since the epoch, strictly increasing
 *              per initiator: a replayed message 1 is refused)   16 bytes
 *   payload 2: version 1, cipher (the initiator's), 0, 0, SPI_r, SPI_i
 *                                                                12 bytes
 *   payload 3: SPI_i, SPI_r, encrypted with Split()'s c1 (nonce 0),
 *              the header as associated data                     8 bytes
 *
 * The prologue binds the handshake to both overlay addresses:
 * "azconnect keyx v1" || initiator's address || responder's address
 * (16 bytes each). A message relayed to another endpoint, or between
 * other addresses, fails to decrypt.
 *
 * The confirm is what lets the responder transmit: until it arrives the
 * initiator may not have its receive SA yet. The ESP keys come from
 * azc_noise_split_sa() on the same split; its h binds them to everything
 * above.
 *
 * Pure: no sockets, no clock, no kernel (the caller gives the
 * timestamp and the SPIs). Errors are negative errno values: -EPROTO for
 * a message that is not of this protocol or not in turn, -EBADMSG for
 * one that does not authenticate, others from noise.h.
 */

#ifndef AZC_KEYX_H
#define AZC_KEYX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "noise.h"

#define AZC_KEYX_VERSION	1
#define AZC_KEYX_HDR_LEN	12
#define AZC_KEYX_PROLOGUE	"azconnect keyx v1"

enum azc_keyx_type {
	AZC_KEYX_INIT = 1,
	AZC_KEYX_RESP = 2,
	AZC_KEYX_CONFIRM = 3,
};

#define AZC_KEYX_PAYLOAD1_LEN	16
#define AZC_KEYX_PAYLOAD2_LEN	12
#define AZC_KEYX_PAYLOAD3_LEN	8
#define AZC_KEYX_INIT_LEN	(AZC_KEYX_HDR_LEN + AZC_NOISE_MSG1_OVERHEAD + \
				 AZC_KEYX_PAYLOAD1_LEN)
#define AZC_KEYX_RESP_LEN	(AZC_KEYX_HDR_LEN + AZC_NOISE_MSG2_OVERHEAD + \
				 AZC_KEYX_PAYLOAD2_LEN)
#define AZC_KEYX_CONFIRM_LEN	(AZC_KEYX_HDR_LEN + AZC_NOISE_TAGLEN + \
				 AZC_KEYX_PAYLOAD3_LEN)
#define AZC_KEYX_MSG_MAX	AZC_KEYX_INIT_LEN

struct azc_keyx_hdr {
	uint8_t type, version;
	uint32_t sender, receiver;
};

/* The header of @msg: 0, or -EPROTO (short, another version, type). */
int azc_keyx_hdr_parse(const uint8_t *msg, size_t len,
		       struct azc_keyx_hdr *h);

/*
 * One handshake, on either side. The SAs it gives, once done:
 * @spi_in/@key_in for the SA this side receives on, @spi_out/@key_out
 * for the one it transmits on.
 */
struct azc_keyx {
	struct azc_noise_hs hs;
	struct azc_noise_transport t;
	bool initiator, done;
	uint32_t cipher;		/* AZCONNECT_SA_CIPHER_* */
	uint32_t spi_i, spi_r;
	uint64_t ts;			/* message 1's timestamp */
	uint8_t rs[AZC_NOISE_KEYLEN];	/* the peer's static key */
	struct azc_noise_esp_key key_in, key_out;
};

/*
 * Initiator: message 1 to the responder at @peer, whose static key is
 * @rs, from @self, with SA index @spi_i and @timestamp, asking for
 * @cipher. @out has room for AZC_KEYX_INIT_LEN bytes.
 */
int azc_keyx_initiate(struct azc_keyx *x, const uint8_t s_priv[32],
		      const uint8_t rs[32], const struct in6_addr *self,
		      const struct in6_addr *peer, uint32_t cipher,
		      uint32_t spi_i, uint64_t timestamp, uint8_t *out,
		      size_t *outlen);

/*
 * Responder, first half: reads message 1 from @peer to @self. Then
 * x->rs is the initiator's static key, x->spi_i, x->cipher and x->ts its
 * choices: the caller checks the key and the timestamp before it calls
 * azc_keyx_respond().
 */
int azc_keyx_accept(struct azc_keyx *x, const uint8_t s_priv[32],
		    const struct in6_addr *self, const struct in6_addr *peer,
		    const uint8_t *msg, size_t len);

/*
 * Responder, second half: message 2 with its SA index @spi_r
 * (AZC_KEYX_RESP_LEN bytes into @out); the SAs' keys are then in @x
 * (x->done).
 */
int azc_keyx_respond(struct azc_keyx *x, uint32_t spi_r, uint8_t *out,
		     size_t *outlen);

/*
 * Initiator: reads message 2 (its SAs' keys are then in @x, x->done),
 * and writes message 3 (AZC_KEYX_CONFIRM_LEN bytes into @out).
 */
int azc_keyx_finish(struct azc_keyx *x, const uint8_t *msg, size_t len,
		    uint8_t *out, size_t *outlen);

/* Responder: checks message 3. 0 or -EBADMSG/-EPROTO. */
int azc_keyx_confirmed(struct azc_keyx *x, const uint8_t *msg, size_t len);

/* Every secret in @x wiped. */
void azc_keyx_clear(struct azc_keyx *x);

#endif /* AZC_KEYX_H */
