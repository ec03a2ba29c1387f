// SPDX-License-Identifier: GPL-2.0-only
/*
 * ESP (RFC 4303) with AES-GCM (RFC 4106): framing, trailer, extended
 * sequence numbers and the anti-replay window, for the kernel's data path
 * and the host's tests alike. The layout and the choice of IV are in
 * esp.h.
 */

#include "esp.h"

#define AZC_ESP_BLOCK_SHIFT	6
#define AZC_ESP_BLOCK_BITS	64	/* 1 << AZC_ESP_BLOCK_SHIFT */
#define AZC_ESP_BLOCK_MASK	(AZC_ESP_REPLAY_BLOCKS - 1)

/* The ring must hold the window and one block more, and be a power of 2. */
#if AZC_ESP_REPLAY_BLOCKS * AZC_ESP_BLOCK_BITS < \
	AZC_ESP_REPLAY_WINDOW + AZC_ESP_BLOCK_BITS || \
	(AZC_ESP_REPLAY_BLOCKS & AZC_ESP_BLOCK_MASK)
#error "AZC_ESP_REPLAY_BLOCKS does not fit AZC_ESP_REPLAY_WINDOW"
#endif

static void azc_put_be64(u8 *p, u64 v)
{
	azc_put_be32(p, v >> 32);
	azc_put_be32(p + 4, v & 0xffffffff);
}

int azc_esp_parse(const u8 *buf, size_t len, struct azc_esp_pkt *pkt)
{
	size_t ct_len;

	if (len < AZC_ESP_CT_OFF + AZC_ESP_TRAILER_MIN + AZC_ESP_ICV_LEN)
		return -AZC_ESP_E_SHORT;
	if (len > AZC_ESP_LEN_MAX)
		return -AZC_ESP_E_TOO_LONG;
	ct_len = len - AZC_ESP_CT_OFF - AZC_ESP_ICV_LEN;
	if (ct_len % AZC_ESP_ALIGN)
		return -AZC_ESP_E_ALIGN;
	pkt->spi = azc_get_be32(buf);
	if (!azc_esp_spi_valid(pkt->spi))
		return -AZC_ESP_E_SPI;
	pkt->seq_low = azc_get_be32(buf + 4);
	pkt->iv_off = AZC_ESP_HDR_LEN;
	pkt->ct_off = AZC_ESP_CT_OFF;
	pkt->ct_len = ct_len;
	pkt->icv_off = AZC_ESP_CT_OFF + ct_len;
	return 0;
}

int azc_esp_put_hdr(u8 *buf, size_t size, u32 spi, u64 seq)
{
	if (!azc_esp_spi_valid(spi))
		return -AZC_ESP_E_INVAL;
	if (size < AZC_ESP_CT_OFF)
		return -AZC_ESP_E_NOSPACE;
	azc_put_be32(buf, spi);
	azc_put_be32(buf + 4, seq & 0xffffffff);
	azc_put_be64(buf + AZC_ESP_HDR_LEN, seq);
	return AZC_ESP_CT_OFF;
}

int azc_esp_put_trailer(u8 *payload, size_t size, size_t payload_len,
			u8 next_hdr)
{
	unsigned int pad, i;
	size_t len;

	if (payload_len > AZC_ESP_PAYLOAD_MAX)
		return -AZC_ESP_E_INVAL;
	pad = azc_esp_pad_len(payload_len);
	len = payload_len + pad + AZC_ESP_TRAILER_MIN;
	if (size < len)
		return -AZC_ESP_E_NOSPACE;
	for (i = 0; i < pad; i++)
		payload[payload_len + i] = i + 1;
	payload[len - 2] = pad;
	payload[len - 1] = next_hdr;
	return len;
}

int azc_esp_check_trailer(const u8 *pt, size_t len, u8 *next_hdr)
{
	size_t payload_len;
	unsigned int pad, i;

	if (len < AZC_ESP_TRAILER_MIN)
		return -AZC_ESP_E_SHORT;
	if (len > AZC_ESP_LEN_MAX)
		return -AZC_ESP_E_TOO_LONG;
	pad = pt[len - 2];
	if (pad > len - AZC_ESP_TRAILER_MIN)
		return -AZC_ESP_E_PAD_LEN;
	payload_len = len - AZC_ESP_TRAILER_MIN - pad;
	/* RFC 4303 2.4: the default padding, which the receiver checks. */
	for (i = 0; i < pad; i++)
		if (pt[payload_len + i] != i + 1)
			return -AZC_ESP_E_PAD_CONTENT;
	*next_hdr = pt[len - 1];
	return payload_len;
}

void azc_esp_nonce(u8 *nonce, const u8 *salt, const u8 *iv)
{
	memcpy(nonce, salt, AZC_ESP_SALT_LEN);
	memcpy(nonce + AZC_ESP_SALT_LEN, iv, AZC_ESP_IV_LEN);
}

int azc_esp_aad(u8 *aad, u32 spi, u64 seq, bool esn)
{
	azc_put_be32(aad, spi);
	if (!esn) {
		azc_put_be32(aad + 4, seq & 0xffffffff);
		return AZC_ESP_AAD_LEN;
	}
	azc_put_be64(aad + 4, seq);
	return AZC_ESP_AAD_ESN_LEN;
}

void azc_esp_replay_init(struct azc_esp_replay *r)
{
	memset(r, 0, sizeof(*r));
}

/*
 * RFC 4303 A2.2, in its terms: T = Th:Tl the highest authenticated
 * number, W the window, Bl = Tl - W + 1 (mod 2^32) the low 32 bits of its
 * bottom, Seql the received low bits. Case A, the window within one
 * subspace (Tl >= W - 1): Seqh = Th if Seql >= Bl, else Th + 1. Case B,
 * the window across two (Tl < W - 1): Seqh = Th - 1 if Seql >= Bl, else
 * Th. Where Seqh would be Th - 1 at Th = 0 or Th + 1 at Th = 2^32 - 1,
 * the number is not one of the SA's and 0 says so.
 */
u64 azc_esp_seq_infer(const struct azc_esp_replay *r, u32 seq_low, bool esn)
{
	const u32 w = AZC_ESP_REPLAY_WINDOW;
	u32 th = r->top >> 32, tl = r->top & 0xffffffff;
	u32 bl = tl - w + 1;
	u32 seqh;

	if (!esn)
		return seq_low;
	if (tl >= w - 1) {
		if (seq_low >= bl) {
			seqh = th;
		} else {
			if (th == 0xffffffff)
				return 0;
			seqh = th + 1;
		}
	} else {
		if (seq_low >= bl) {
			if (th == 0)
				return 0;
			seqh = th - 1;
		} else {
			seqh = th;
		}
	}
	return (u64)seqh << 32 | seq_low;
}

/* Where number @seq's bit is: block and bit in it. */
static unsigned int azc_esp_replay_idx(u64 seq)
{
	return (seq >> AZC_ESP_BLOCK_SHIFT) & AZC_ESP_BLOCK_MASK;
}

static u64 azc_esp_replay_bit(u64 seq)
{
	return 1ULL << (seq & (AZC_ESP_BLOCK_BITS - 1));
}

int azc_esp_replay_check(const struct azc_esp_replay *r, u64 seq)
{
	if (!seq)
		return -AZC_ESP_E_TOO_OLD;
	if (seq > r->top)
		return 0;
	if (r->top - seq >= AZC_ESP_REPLAY_WINDOW)
		return -AZC_ESP_E_TOO_OLD;
	if (r->bitmap[azc_esp_replay_idx(seq)] & azc_esp_replay_bit(seq))
		return -AZC_ESP_E_REPLAY;
	return 0;
}

int azc_esp_replay_update(struct azc_esp_replay *r, u64 seq)
{
	u64 top_block, new_block, n;
	int ret;

	ret = azc_esp_replay_check(r, seq);
	if (ret)
		return ret;
	if (seq > r->top) {
		/* Clear the blocks the window slides into: at most the ring. */
		top_block = r->top >> AZC_ESP_BLOCK_SHIFT;
		new_block = seq >> AZC_ESP_BLOCK_SHIFT;
		n = new_block - top_block;
		if (n >= AZC_ESP_REPLAY_BLOCKS) {
			memset(r->bitmap, 0, sizeof(r->bitmap));
		} else {
			while (n--)
				r->bitmap[++top_block & AZC_ESP_BLOCK_MASK] = 0;
		}
		r->top = seq;
	}
	r->bitmap[azc_esp_replay_idx(seq)] |= azc_esp_replay_bit(seq);
	return 0;
}

int azc_esp_replay_seq(const struct azc_esp_replay *r, u32 seq_low, bool esn,
		       u64 *seq)
{
	*seq = azc_esp_seq_infer(r, seq_low, esn);
	return azc_esp_replay_check(r, *seq);
}

int azc_esp_seq_next(u64 last, bool esn, u64 *next)
{
	if (last >= azc_esp_seq_max(esn))
		return -AZC_ESP_E_SEQ_EXHAUSTED;
	*next = last + 1;
	return 0;
}

void azc_esp_tx_init(struct azc_esp_tx *tx, bool esn, u64 soft)
{
	tx->seq = 0;
	tx->esn = esn;
	if (!soft)
		soft = esn ? AZC_ESP_SEQ_SOFT_ESN : AZC_ESP_SEQ_SOFT_32;
	tx->soft = soft;
}

int azc_esp_tx_next(struct azc_esp_tx *tx, u64 *seq)
{
	int ret;

	ret = azc_esp_seq_next(tx->seq, tx->esn, seq);
	if (ret)
		return ret;
	tx->seq = *seq;
	return *seq == tx->soft;
}

const char *azc_esp_strerror(int err)
{
	switch (-err) {
	case AZC_ESP_OK:
		return "success";
	case AZC_ESP_E_SHORT:
		return "ESP packet too short";
	case AZC_ESP_E_TOO_LONG:
		return "ESP packet longer than an IPv6 payload";
	case AZC_ESP_E_ALIGN:
		return "ESP ciphertext not a multiple of 4 bytes";
	case AZC_ESP_E_SPI:
		return "reserved SPI";
	case AZC_ESP_E_PAD_LEN:
		return "ESP pad length beyond the payload";
	case AZC_ESP_E_PAD_CONTENT:
		return "ESP padding not 1, 2, 3, ...";
	case AZC_ESP_E_REPLAY:
		return "replayed sequence number";
	case AZC_ESP_E_TOO_OLD:
		return "sequence number below the replay window";
	case AZC_ESP_E_SEQ_EXHAUSTED:
		return "sequence numbers exhausted";
	case AZC_ESP_E_NOSPACE:
		return "no space in output buffer";
	case AZC_ESP_E_INVAL:
		return "invalid argument";
	}
	return "unknown ESP error";
}
