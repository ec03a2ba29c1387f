/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ESP (RFC 4303) in transport mode with AES-GCM as RFC 4106, between two
 * endpoints: the packet's framing, its trailer, extended sequence numbers,
 * the anti-replay window and the sender's sequence number. The cipher
 * itself is the caller's (the kernel's rfc4106(gcm(aes)), OpenSSL in the
 * tests).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Security Parameters Index (SPI)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Sequence Number (low 32 bits of the 64)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             Explicit IV (8 bytes, RFC 4106 3.1)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~      Ciphertext: payload, padding, pad length, next header    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 ICV (16 bytes, RFC 4106 3.3)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The explicit IV is the packet's 64-bit sequence number, big-endian.
 * RFC 4106 3.1 lets the sender choose the IV as long as it never repeats
 * under one key, and names a counter as the obvious choice; the sequence
 * number is one, unique within the SA because it never cycles
 * (azc_esp_seq_next() refuses to), and costs no random bytes. The nonce
 * is the SA's 4-byte salt followed by that IV (RFC 4106 4). A receiver
 * takes the IV from the packet and assumes nothing about it. (The
 * kernel's rfc4106(gcm(aes)) builds the nonce itself: the salt is the
 * last 4 bytes of its key, the IV comes as the request's IV and again
 * after the AAD in the associated data, whose length is then 16 or 20.)
 *
 * Functions returning int give a length, 0 or 1 on success and a negative
 * enum azc_esp_err on failure. Decoders never read outside the bytes they
 * are given.
 */

#ifndef _AZC_PROTO_ESP_H
#define _AZC_PROTO_ESP_H

#include "proto.h"

#define AZC_ESP_HDR_LEN		8	/* SPI and sequence number */
#define AZC_ESP_IV_LEN		8
#define AZC_ESP_ICV_LEN		16	/* of the 8, 12 or 16 RFC 4106 allows */
#define AZC_ESP_SALT_LEN	4
#define AZC_ESP_NONCE_LEN	(AZC_ESP_SALT_LEN + AZC_ESP_IV_LEN)
#define AZC_ESP_AAD_LEN		8	/* SPI, sequence number */
#define AZC_ESP_AAD_ESN_LEN	12	/* SPI, high and low 32 bits */
#define AZC_ESP_AAD_MAX		AZC_ESP_AAD_ESN_LEN
#define AZC_ESP_TRAILER_MIN	2	/* pad length, next header */
#define AZC_ESP_ALIGN		4	/* RFC 4303 2.4; GCM needs no more */
#define AZC_ESP_PAD_MAX		255
/* Header and IV before the ciphertext; the shortest packet; the most
 * that ESP adds to a payload (for the MTU), padding to 4 bytes included.
 */
#define AZC_ESP_CT_OFF		(AZC_ESP_HDR_LEN + AZC_ESP_IV_LEN)
#define AZC_ESP_MIN_LEN		(AZC_ESP_CT_OFF + AZC_ESP_ALIGN + AZC_ESP_ICV_LEN)
#define AZC_ESP_OVERHEAD_MAX	(AZC_ESP_CT_OFF + AZC_ESP_ALIGN - 1 + \
				 AZC_ESP_TRAILER_MIN + AZC_ESP_ICV_LEN)
/* A whole ESP packet is an IPv6 payload: 16-bit length. The longest
 * payload it can carry then.
 */
#define AZC_ESP_LEN_MAX		65535
#define AZC_ESP_PAYLOAD_MAX	(AZC_ESP_LEN_MAX - AZC_ESP_OVERHEAD_MAX)

/* SPIs 0 (local use) and 1-255 (reserved by IANA) never name an SA. */
#define AZC_ESP_SPI_MIN		256

/* IPv6 next header for "no next header": a dummy packet (RFC 4303 2.6),
 * which the receiver discards after the checks.
 */
#define AZC_ESP_NEXTHDR_NONE	59

/* Anti-replay window (RFC 4303 3.4.3) in packets, and the bitmap behind
 * it: a ring of 64-bit blocks as in RFC 6479, one more than the window
 * spans (rounded to a power of two), so that sliding the window clears
 * whole blocks.
 */
#define AZC_ESP_REPLAY_WINDOW	2048
#define AZC_ESP_REPLAY_BLOCKS	64

/* Default sequence number at which the sender asks for a rekey. */
#define AZC_ESP_SEQ_SOFT_ESN	0x8000000000000000ULL	/* 2^63 */
#define AZC_ESP_SEQ_SOFT_32	0x80000000ULL		/* 2^31 */

/*
 * Errors, and the drop counter each one is for. The SPI lookup itself is
 * the caller's; a reserved SPI is unknown to every SA table.
 */
enum azc_esp_err {
	AZC_ESP_OK,
	AZC_ESP_E_SHORT,	/* malformed: shorter than the minimum */
	AZC_ESP_E_TOO_LONG,	/* malformed: over AZC_ESP_LEN_MAX */
	AZC_ESP_E_ALIGN,	/* malformed: ciphertext not a multiple of 4 */
	AZC_ESP_E_SPI,		/* unknown SPI: 0-255, reserved */
	AZC_ESP_E_PAD_LEN,	/* malformed: pad length beyond the payload */
	AZC_ESP_E_PAD_CONTENT,	/* malformed: padding not 1, 2, 3, ... */
	AZC_ESP_E_REPLAY,	/* replay: this number was received already */
	AZC_ESP_E_TOO_OLD,	/* replay: below the window, or not a number
				 * this SA can have sent
				 */
	AZC_ESP_E_SEQ_EXHAUSTED, /* send: no number left, a new SA is due */
	AZC_ESP_E_NOSPACE,	/* encode: output buffer too small */
	AZC_ESP_E_INVAL,	/* encode: bad argument */
	AZC_ESP_E_MAX
};

/* An ESP packet as azc_esp_parse() finds it; offsets from its start. */
struct azc_esp_pkt {
	u32 spi;
	u32 seq_low;		/* the 32 bits on the wire */
	size_t iv_off;		/* AZC_ESP_IV_LEN bytes */
	size_t ct_off;		/* ciphertext: payload and trailer */
	size_t ct_len;		/* a multiple of 4, at least 4 */
	size_t icv_off;		/* AZC_ESP_ICV_LEN bytes, to the end */
};

/*
 * Receive side's anti-replay state, embedded in the SA; all zero (or
 * azc_esp_replay_init()) before the first packet. @top is the highest
 * sequence number that passed the integrity check; the bitmap holds one
 * bit per number, number n at bit n % 64 of block (n / 64) % BLOCKS.
 * Callers serialise azc_esp_replay_update() per SA.
 */
struct azc_esp_replay {
	u64 top;
	u64 bitmap[AZC_ESP_REPLAY_BLOCKS];
};

/* Sender's sequence number, in the SA; azc_esp_tx_init() first. */
struct azc_esp_tx {
	u64 seq;		/* last number handed out, 0 before the first */
	u64 soft;		/* azc_esp_tx_next() returns 1 with this one */
	bool esn;		/* 64-bit numbers, else 32 */
};

/* Whether @spi may name an SA: not 0-255. */
static inline bool azc_esp_spi_valid(u32 spi)
{
	return spi >= AZC_ESP_SPI_MIN;
}

/* ---- Packet framing ---- */

/*
 * Checks the lengths of an ESP packet of @len bytes (the whole packet)
 * and its SPI, and fills @pkt. Of @buf it reads only the header, the
 * first AZC_ESP_HDR_LEN bytes, and only once the lengths passed: for a
 * socket buffer, those must be linear. A packet that passed is at least
 * AZC_ESP_MIN_LEN long.
 */
int azc_esp_parse(const u8 *buf, size_t len, struct azc_esp_pkt *pkt);

/*
 * Writes SPI, the low 32 bits of @seq and the explicit IV (@seq) at
 * @buf; returns AZC_ESP_CT_OFF. The ciphertext follows.
 */
int azc_esp_put_hdr(u8 *buf, size_t size, u32 spi, u64 seq);

/* ---- Trailer (RFC 4303 2.4-2.6) ---- */

/* Padding that aligns @payload_len bytes and the 2-byte trailer to 4. */
static inline unsigned int azc_esp_pad_len(size_t payload_len)
{
	return (AZC_ESP_ALIGN - (payload_len + AZC_ESP_TRAILER_MIN) %
		AZC_ESP_ALIGN) % AZC_ESP_ALIGN;
}

/* Padding, pad length and next header after @payload_len bytes. */
static inline unsigned int azc_esp_trailer_len(size_t payload_len)
{
	return azc_esp_pad_len(payload_len) + AZC_ESP_TRAILER_MIN;
}

/*
 * Writes the trailer after the @payload_len bytes of payload at @payload:
 * padding 1, 2, 3, ..., its length and @next_hdr. @size is the room from
 * @payload on. Returns the length to encrypt, payload and trailer.
 */
int azc_esp_put_trailer(u8 *payload, size_t size, size_t payload_len,
			u8 next_hdr);

/*
 * Checks the trailer at the end of @len decrypted bytes (to be called
 * only once the ICV verified): pad length within the payload, padding
 * 1, 2, 3, ... Returns the payload's length and sets @next_hdr.
 */
int azc_esp_check_trailer(const u8 *pt, size_t len, u8 *next_hdr);

/* ---- RFC 4106 nonce and AAD ---- */

/* @nonce: the SA's salt, then the packet's explicit IV (RFC 4106 4). */
void azc_esp_nonce(u8 *nonce, const u8 *salt, const u8 *iv);

/*
 * The AAD of RFC 4106 5: SPI and the 32-bit sequence number, or with
 * extended sequence numbers SPI, high 32 bits, low 32 bits. Returns its
 * length, AZC_ESP_AAD_LEN or AZC_ESP_AAD_ESN_LEN.
 */
int azc_esp_aad(u8 *aad, u32 spi, u64 seq, bool esn);

/* ---- Receive: sequence numbers and the anti-replay window ---- */

void azc_esp_replay_init(struct azc_esp_replay *r);

/*
 * The 64-bit sequence number of a packet carrying @seq_low, for the
 * window @r (RFC 4303 A2.2, with W = AZC_ESP_REPLAY_WINDOW): the one
 * number with those low bits from the window's bottom on. Without ESN it
 * is @seq_low. Returns 0, which no packet carries, when that number is
 * outside 1..2^64-1 (below the start of the sequence space, or past its
 * end): the caller then drops the packet as too old, before decrypting.
 * A3's resynchronisation after 2^32 packets lost in a row is not done:
 * such an SA fails its ICV checks and is rekeyed.
 */
u64 azc_esp_seq_infer(const struct azc_esp_replay *r, u32 seq_low, bool esn);

/*
 * Whether @seq may be new: 0 when it is above the window or inside it and
 * not yet seen, -AZC_ESP_E_REPLAY when seen, -AZC_ESP_E_TOO_OLD when below
 * the window (or 0). Changes nothing.
 */
int azc_esp_replay_check(const struct azc_esp_replay *r, u64 seq);

/*
 * Records @seq, only once the packet's ICV verified (RFC 4303 3.4.3),
 * sliding the window when @seq is above it. Checks again first and
 * records nothing when the check fails, so that of two copies that both
 * passed azc_esp_replay_check() on different CPUs only the first counts.
 */
int azc_esp_replay_update(struct azc_esp_replay *r, u64 seq);

/* azc_esp_seq_infer() then azc_esp_replay_check(): the packet's number. */
int azc_esp_replay_seq(const struct azc_esp_replay *r, u32 seq_low, bool esn,
		       u64 *seq);

/* ---- Send: sequence numbers ---- */

/* The last number an SA may send: 2^64 - 1, or 2^32 - 1 without ESN. */
static inline u64 azc_esp_seq_max(bool esn)
{
	return esn ? ~0ULL : 0xffffffffULL;
}

/*
 * The number after @last in @next, or -AZC_ESP_E_SEQ_EXHAUSTED when
 * @last was the last one (RFC 4303 3.3.3: the counter never cycles).
 * Pure, for a caller that keeps the counter itself (cmpxchg).
 */
int azc_esp_seq_next(u64 last, bool esn, u64 *next);

/* @soft: the number at which to ask for a rekey; 0 for the default,
 * AZC_ESP_SEQ_SOFT_ESN or AZC_ESP_SEQ_SOFT_32.
 */
void azc_esp_tx_init(struct azc_esp_tx *tx, bool esn, u64 soft);

/*
 * Hands out the next number in @seq: returns 0, or 1 when it is the soft
 * limit (exactly once: time to rekey), or -AZC_ESP_E_SEQ_EXHAUSTED, from
 * then on, when none is left.
 */
int azc_esp_tx_next(struct azc_esp_tx *tx, u64 *seq);

const char *azc_esp_strerror(int err);

#endif /* _AZC_PROTO_ESP_H */
