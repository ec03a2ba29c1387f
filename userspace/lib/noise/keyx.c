// SPDX-License-Identifier: GPL-2.0-only
/*
 * The endpoints' key exchange: Noise IK in three messages (keyx.h).
 */

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "uapi/azconnect.h"
#include "keyx.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void hdr_put(uint8_t *p, uint8_t type, uint32_t sender,
		    uint32_t receiver)
{
	p[0] = type;
	p[1] = AZC_KEYX_VERSION;
	p[2] = 0;
	p[3] = 0;
	put32(p + 4, sender);
	put32(p + 8, receiver);
}

int azc_keyx_hdr_parse(const uint8_t *msg, size_t len,
		       struct azc_keyx_hdr *h)
{
	if (len < AZC_KEYX_HDR_LEN || msg[1] != AZC_KEYX_VERSION ||
	    msg[2] || msg[3])
		return -EPROTO;
	h->type = msg[0];
	h->version = msg[1];
	h->sender = get32(msg + 4);
	h->receiver = get32(msg + 8);
	switch (h->type) {
	case AZC_KEYX_INIT:
		return len == AZC_KEYX_INIT_LEN && !h->receiver && h->sender ?
		       0 : -EPROTO;
	case AZC_KEYX_RESP:
		return len == AZC_KEYX_RESP_LEN && h->receiver && h->sender ?
		       0 : -EPROTO;
	case AZC_KEYX_CONFIRM:
		return len == AZC_KEYX_CONFIRM_LEN && h->receiver && h->sender ?
		       0 : -EPROTO;
	default:
		return -EPROTO;
	}
}

static void prologue(uint8_t *p, const struct in6_addr *ini,
		     const struct in6_addr *resp)
{
	size_t n = sizeof(AZC_KEYX_PROLOGUE) - 1;

	memcpy(p, AZC_KEYX_PROLOGUE, n);
	memcpy(p + n, ini, 16);
	memcpy(p + n + 16, resp, 16);
}

#define PROLOGUE_LEN	(sizeof(AZC_KEYX_PROLOGUE) - 1 + 32)

static bool cipher_ok(uint32_t c)
{
	return c == AZCONNECT_SA_CIPHER_AES_GCM_128 ||
	       c == AZCONNECT_SA_CIPHER_AES_GCM_256;
}

int azc_keyx_initiate(struct azc_keyx *x, const uint8_t s_priv[32],
		      const uint8_t rs[32], const struct in6_addr *self,
		      const struct in6_addr *peer, uint32_t cipher,
		      uint32_t spi_i, uint64_t timestamp, uint8_t *out,
		      size_t *outlen)
{
	uint8_t pro[PROLOGUE_LEN], pay[AZC_KEYX_PAYLOAD1_LEN];
	size_t n;
	int ret;

	if (!cipher_ok(cipher) || !spi_i)
		return -EINVAL;
	memset(x, 0, sizeof(*x));
	x->initiator = true;
	x->cipher = cipher;
	x->spi_i = spi_i;
	x->ts = timestamp;
	memcpy(x->rs, rs, 32);
	prologue(pro, self, peer);
	ret = azc_noise_hs_init(&x->hs, true, pro, sizeof(pro), s_priv, rs);
	if (ret)
		return ret;
	memset(pay, 0, sizeof(pay));
	pay[0] = AZC_KEYX_VERSION;
	pay[1] = (uint8_t)cipher;
	put32(pay + 4, spi_i);
	put64(pay + 8, timestamp);
	hdr_put(out, AZC_KEYX_INIT, spi_i, 0);
	ret = azc_noise_hs_write(&x->hs, pay, sizeof(pay),
				 out + AZC_KEYX_HDR_LEN,
				 AZC_KEYX_INIT_LEN - AZC_KEYX_HDR_LEN, &n);
	if (ret)
		return ret;
	*outlen = AZC_KEYX_HDR_LEN + n;
	return 0;
}

int azc_keyx_accept(struct azc_keyx *x, const uint8_t s_priv[32],
		    const struct in6_addr *self, const struct in6_addr *peer,
		    const uint8_t *msg, size_t len)
{
	uint8_t pro[PROLOGUE_LEN], pay[AZC_KEYX_PAYLOAD1_LEN];
	struct azc_keyx_hdr h;
	size_t n;
	int ret;

	memset(x, 0, sizeof(*x));
	if (azc_keyx_hdr_parse(msg, len, &h) || h.type != AZC_KEYX_INIT)
		return -EPROTO;
	prologue(pro, peer, self);
	ret = azc_noise_hs_init(&x->hs, false, pro, sizeof(pro), s_priv, NULL);
	if (ret)
		return ret;
	ret = azc_noise_hs_read(&x->hs, msg + AZC_KEYX_HDR_LEN,
				len - AZC_KEYX_HDR_LEN, pay, sizeof(pay), &n);
	if (ret)
		return ret;
	if (n != sizeof(pay) || pay[0] != AZC_KEYX_VERSION || pay[2] ||
	    pay[3] || !cipher_ok(pay[1]) || get32(pay + 4) != h.sender)
		ret = -EPROTO;
	else
		ret = azc_noise_hs_remote_static(&x->hs, x->rs);
	if (ret) {
		azc_keyx_clear(x);
		return ret;
	}
	x->cipher = pay[1];
	x->spi_i = h.sender;
	x->ts = get64(pay + 8);
	return 0;
}

/* The SAs' keys from the finished handshake. */
static int keyx_split(struct azc_keyx *x)
{
	struct azc_noise_esp_key i2r, r2i;
	unsigned int bits = x->cipher == AZCONNECT_SA_CIPHER_AES_GCM_128 ?
			    128 : 256;
	int ret;

	ret = azc_noise_hs_split(&x->hs, &x->t);
	if (!ret)
		ret = azc_noise_split_sa(&x->t, bits, &i2r, &r2i);
	if (ret)
		return ret;
	x->key_out = x->initiator ? i2r : r2i;
	x->key_in = x->initiator ? r2i : i2r;
	azc_noise_esp_key_clear(&i2r);
	azc_noise_esp_key_clear(&r2i);
	x->done = true;
	return 0;
}

int azc_keyx_respond(struct azc_keyx *x, uint32_t spi_r, uint8_t *out,
		     size_t *outlen)
{
	uint8_t pay[AZC_KEYX_PAYLOAD2_LEN];
	size_t n;
	int ret;

	if (x->initiator || x->done || !spi_r)
		return -EINVAL;
	x->spi_r = spi_r;
	memset(pay, 0, sizeof(pay));
	pay[0] = AZC_KEYX_VERSION;
	pay[1] = (uint8_t)x->cipher;
	put32(pay + 4, spi_r);
	put32(pay + 8, x->spi_i);
	hdr_put(out, AZC_KEYX_RESP, spi_r, x->spi_i);
	ret = azc_noise_hs_write(&x->hs, pay, sizeof(pay),
				 out + AZC_KEYX_HDR_LEN,
				 AZC_KEYX_RESP_LEN - AZC_KEYX_HDR_LEN, &n);
	if (!ret)
		ret = keyx_split(x);
	if (ret)
		return ret;
	*outlen = AZC_KEYX_HDR_LEN + n;
	return 0;
}

int azc_keyx_finish(struct azc_keyx *x, const uint8_t *msg, size_t len,
		    uint8_t *out, size_t *outlen)
{
	uint8_t pay[AZC_KEYX_PAYLOAD2_LEN], conf[AZC_KEYX_PAYLOAD3_LEN];
	struct azc_keyx_hdr h;
	size_t n;
	int ret;

	if (!x->initiator || x->done)
		return -EINVAL;
	if (azc_keyx_hdr_parse(msg, len, &h) || h.type != AZC_KEYX_RESP ||
	    h.receiver != x->spi_i)
		return -EPROTO;
	ret = azc_noise_hs_read(&x->hs, msg + AZC_KEYX_HDR_LEN,
				len - AZC_KEYX_HDR_LEN, pay, sizeof(pay), &n);
	if (ret)
		return ret;
	if (n != sizeof(pay) || pay[0] != AZC_KEYX_VERSION ||
	    pay[1] != x->cipher || pay[2] || pay[3] ||
	    get32(pay + 4) != h.sender || get32(pay + 8) != x->spi_i)
		return -EPROTO;
	x->spi_r = h.sender;
	ret = keyx_split(x);
	if (ret)
		return ret;
	put32(conf, x->spi_i);
	put32(conf + 4, x->spi_r);
	hdr_put(out, AZC_KEYX_CONFIRM, x->spi_i, x->spi_r);
	ret = azc_noise_encrypt(&x->t.send, out, AZC_KEYX_HDR_LEN, conf,
				sizeof(conf), out + AZC_KEYX_HDR_LEN,
				AZC_KEYX_CONFIRM_LEN - AZC_KEYX_HDR_LEN, &n);
	if (ret)
		return ret;
	*outlen = AZC_KEYX_HDR_LEN + n;
	return 0;
}

int azc_keyx_confirmed(struct azc_keyx *x, const uint8_t *msg, size_t len)
{
	uint8_t conf[AZC_KEYX_PAYLOAD3_LEN];
	struct azc_keyx_hdr h;
	size_t n;
	int ret;

	if (x->initiator || !x->done)
		return -EINVAL;
	if (azc_keyx_hdr_parse(msg, len, &h) || h.type != AZC_KEYX_CONFIRM ||
	    h.sender != x->spi_i || h.receiver != x->spi_r)
		return -EPROTO;
	/* Its nonce is always 0: a failed try must not move it. */
	azc_noise_cipher_set_nonce(&x->t.recv, 0);
	ret = azc_noise_decrypt(&x->t.recv, msg, AZC_KEYX_HDR_LEN,
				msg + AZC_KEYX_HDR_LEN, len - AZC_KEYX_HDR_LEN,
				conf, sizeof(conf), &n);
	if (ret)
		return ret;
	if (n != sizeof(conf) || get32(conf) != x->spi_i ||
	    get32(conf + 4) != x->spi_r)
		return -EPROTO;
	return 0;
}

void azc_keyx_clear(struct azc_keyx *x)
{
	OPENSSL_cleanse(x, sizeof(*x));
}
