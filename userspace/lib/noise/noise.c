// SPDX-License-Identifier: GPL-2.0-only
/*
 * Noise_IK_25519_AESGCM_SHA256 (see noise.h), on OpenSSL 3.0. The section
 * numbers are those of the Noise Protocol Framework, revision 34.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "noise.h"

/* ---- Crypto functions (section 4), each on OpenSSL ---- */

static EVP_PKEY *x25519_priv(const uint8_t priv[AZC_NOISE_KEYLEN])
{
	return EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
					    AZC_NOISE_KEYLEN);
}

int azc_noise_pubkey(const uint8_t priv[AZC_NOISE_KEYLEN],
		     uint8_t pub[AZC_NOISE_KEYLEN])
{
	EVP_PKEY *k;
	size_t n = AZC_NOISE_KEYLEN;
	int ok;

	if (!priv || !pub)
		return -EINVAL;
	k = x25519_priv(priv);
	if (!k)
		return -ENOMEM;
	ok = EVP_PKEY_get_raw_public_key(k, pub, &n) == 1 &&
	     n == AZC_NOISE_KEYLEN;
	EVP_PKEY_free(k);
	return ok ? 0 : -EIO;
}

/* GENERATE_KEYPAIR() */
int azc_noise_keygen(uint8_t priv[AZC_NOISE_KEYLEN],
		     uint8_t pub[AZC_NOISE_KEYLEN])
{
	EVP_PKEY *k;
	size_t n = AZC_NOISE_KEYLEN, m = AZC_NOISE_KEYLEN;
	int ok;

	if (!priv || !pub)
		return -EINVAL;
	k = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	if (!k)
		return -ENOMEM;
	ok = EVP_PKEY_get_raw_private_key(k, priv, &n) == 1 &&
	     n == AZC_NOISE_KEYLEN &&
	     EVP_PKEY_get_raw_public_key(k, pub, &m) == 1 &&
	     m == AZC_NOISE_KEYLEN;
	EVP_PKEY_free(k);
	if (!ok) {
		OPENSSL_cleanse(priv, AZC_NOISE_KEYLEN);
		return -EIO;
	}
	return 0;
}

/*
 * DH(key_pair, public_key). OpenSSL refuses an all-zero result (a
 * low-order public key), which section 12.1 allows: -EKEYREJECTED.
 */
static int dh(const uint8_t priv[AZC_NOISE_KEYLEN],
	      const uint8_t pub[AZC_NOISE_KEYLEN], uint8_t out[AZC_NOISE_KEYLEN])
{
	EVP_PKEY *sk = x25519_priv(priv);
	EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, pub,
						   AZC_NOISE_KEYLEN);
	EVP_PKEY_CTX *ctx = sk && pk ? EVP_PKEY_CTX_new(sk, NULL) : NULL;
	size_t n = AZC_NOISE_KEYLEN;
	int ret;

	if (!ctx)
		ret = -ENOMEM;
	else if (EVP_PKEY_derive_init(ctx) != 1)
		ret = -EIO;
	else if (EVP_PKEY_derive_set_peer(ctx, pk) != 1 ||
		 EVP_PKEY_derive(ctx, out, &n) != 1 || n != AZC_NOISE_KEYLEN)
		ret = -EKEYREJECTED;
	else
		ret = 0;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	EVP_PKEY_free(sk);
	if (ret)
		OPENSSL_cleanse(out, AZC_NOISE_KEYLEN);
	return ret;
}

/* The 96-bit AES-GCM nonce of section 12.4: 32 zero bits, n big-endian */
static void gcm_nonce(uint64_t n, uint8_t iv[12])
{
	int i;

	memset(iv, 0, 4);
	for (i = 0; i < 8; i++)
		iv[4 + i] = (uint8_t)(n >> (56 - 8 * i));
}

/*
 * ENCRYPT(k, n, ad, plaintext) or DECRYPT(k, n, ad, ciphertext) with
 * AES-256-GCM; @in and @out are @len bytes (the tag apart, in @tag).
 */
static int gcm(bool enc, const uint8_t k[AZC_NOISE_KEYLEN], uint64_t n,
	       const uint8_t *ad, size_t adlen, const uint8_t *in, size_t len,
	       uint8_t *out, uint8_t tag[AZC_NOISE_TAGLEN])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t iv[12], none[AZC_NOISE_TAGLEN];
	/* GCM's final step writes nothing; @out is NULL for an empty one */
	uint8_t *fin = len ? out + len : none;
	int l, ret = -EIO;

	if (!ctx)
		return -ENOMEM;
	gcm_nonce(n, iv);
	if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, k, iv, enc) != 1)
		goto out;
	if (adlen && EVP_CipherUpdate(ctx, NULL, &l, ad, (int)adlen) != 1)
		goto out;
	if (len && EVP_CipherUpdate(ctx, out, &l, in, (int)len) != 1)
		goto out;
	if (enc) {
		if (EVP_CipherFinal_ex(ctx, fin, &l) != 1 ||
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
					AZC_NOISE_TAGLEN, tag) != 1)
			goto out;
	} else {
		if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
					AZC_NOISE_TAGLEN, tag) != 1)
			goto out;
		if (EVP_CipherFinal_ex(ctx, fin, &l) != 1) {
			ret = -EBADMSG;
			goto out;
		}
	}
	ret = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	if (ret && len)
		OPENSSL_cleanse(out, len);
	return ret;
}

/* HASH(a || b) with SHA-256 */
static int sha256_2(const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen, uint8_t out[AZC_NOISE_HASHLEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;
	int ok;

	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	     (!alen || EVP_DigestUpdate(ctx, a, alen) == 1) &&
	     (!blen || EVP_DigestUpdate(ctx, b, blen) == 1) &&
	     EVP_DigestFinal_ex(ctx, out, &n) == 1 && n == AZC_NOISE_HASHLEN;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

/* HMAC-HASH(key, data) (section 4.3), with a 32-byte key */
static int hmac(const uint8_t key[AZC_NOISE_HASHLEN], const uint8_t *data,
		size_t len, uint8_t out[AZC_NOISE_HASHLEN])
{
	static const uint8_t none;
	unsigned int n = 0;

	if (!HMAC(EVP_sha256(), key, AZC_NOISE_HASHLEN, len ? data : &none,
		  len, out, &n) || n != AZC_NOISE_HASHLEN)
		return -EIO;
	return 0;
}

/* HKDF(chaining_key, input_key_material, num_outputs) (section 4.3) */
int azc_noise_hkdf(const uint8_t ck[AZC_NOISE_HASHLEN], const uint8_t *ikm,
		   size_t len, unsigned int n, uint8_t out1[AZC_NOISE_HASHLEN],
		   uint8_t out2[AZC_NOISE_HASHLEN],
		   uint8_t out3[AZC_NOISE_HASHLEN])
{
	uint8_t temp_key[AZC_NOISE_HASHLEN], buf[AZC_NOISE_HASHLEN + 1];
	int ret;

	if (!ck || (!ikm && len) || (n != 2 && n != 3) || !out1 || !out2 ||
	    (n == 3 && !out3))
		return -EINVAL;
	/* temp_key = HMAC-HASH(chaining_key, input_key_material) */
	ret = hmac(ck, ikm, len, temp_key);
	/* output1 = HMAC-HASH(temp_key, byte(0x01)) */
	buf[0] = 0x01;
	if (!ret)
		ret = hmac(temp_key, buf, 1, out1);
	/* output2 = HMAC-HASH(temp_key, output1 || byte(0x02)) */
	if (!ret) {
		memcpy(buf, out1, AZC_NOISE_HASHLEN);
		buf[AZC_NOISE_HASHLEN] = 0x02;
		ret = hmac(temp_key, buf, sizeof(buf), out2);
	}
	/* output3 = HMAC-HASH(temp_key, output2 || byte(0x03)) */
	if (!ret && n == 3) {
		memcpy(buf, out2, AZC_NOISE_HASHLEN);
		buf[AZC_NOISE_HASHLEN] = 0x03;
		ret = hmac(temp_key, buf, sizeof(buf), out3);
	}
	OPENSSL_cleanse(temp_key, sizeof(temp_key));
	OPENSSL_cleanse(buf, sizeof(buf));
	if (ret) {
		OPENSSL_cleanse(out1, AZC_NOISE_HASHLEN);
		OPENSSL_cleanse(out2, AZC_NOISE_HASHLEN);
		if (n == 3)
			OPENSSL_cleanse(out3, AZC_NOISE_HASHLEN);
	}
	return ret;
}

/* ---- CipherState (section 5.1) ---- */

void azc_noise_cipher_init(struct azc_noise_cipher *c, const uint8_t *key)
{
	if (key)
		memcpy(c->k, key, AZC_NOISE_KEYLEN);
	else
		OPENSSL_cleanse(c->k, AZC_NOISE_KEYLEN);
	c->has_key = key != NULL;
	c->n = 0;
}

void azc_noise_cipher_set_nonce(struct azc_noise_cipher *c, uint64_t n)
{
	c->n = n;
}

void azc_noise_cipher_clear(struct azc_noise_cipher *c)
{
	OPENSSL_cleanse(c, sizeof(*c));
}

int azc_noise_encrypt(struct azc_noise_cipher *c, const uint8_t *ad,
		      size_t adlen, const uint8_t *pt, size_t len,
		      uint8_t *out, size_t outcap, size_t *outlen)
{
	size_t need;
	int ret;

	if (!c || (!ad && adlen) || (!pt && len) || !outlen ||
	    (!out && outcap) || adlen > INT_MAX)
		return -EINVAL;
	need = len + (c->has_key ? AZC_NOISE_TAGLEN : 0);
	if (len > AZC_NOISE_MAX_MSG || need > AZC_NOISE_MAX_MSG)
		return -EMSGSIZE;
	if (outcap < need)
		return -ENOBUFS;
	if (!c->has_key) {
		/* EncryptWithAd() returns the plaintext without a key */
		if (len && out != pt)
			memmove(out, pt, len);
		*outlen = len;
		return 0;
	}
	if (c->n == UINT64_MAX)
		return -EOVERFLOW;
	ret = gcm(true, c->k, c->n, ad, adlen, pt, len, out, out + len);
	if (ret)
		return ret;
	c->n++;
	*outlen = need;
	return 0;
}

int azc_noise_decrypt(struct azc_noise_cipher *c, const uint8_t *ad,
		      size_t adlen, const uint8_t *ct, size_t len,
		      uint8_t *out, size_t outcap, size_t *outlen)
{
	uint8_t tag[AZC_NOISE_TAGLEN];
	size_t plen;
	int ret;

	if (!c || (!ad && adlen) || (!ct && len) || !outlen ||
	    (!out && outcap) || adlen > INT_MAX)
		return -EINVAL;
	if (len > AZC_NOISE_MAX_MSG)
		return -EMSGSIZE;
	if (!c->has_key) {
		if (outcap < len)
			return -ENOBUFS;
		if (len && out != ct)
			memmove(out, ct, len);
		*outlen = len;
		return 0;
	}
	if (len < AZC_NOISE_TAGLEN)
		return -EPROTO;
	plen = len - AZC_NOISE_TAGLEN;
	if (outcap < plen)
		return -ENOBUFS;
	if (c->n == UINT64_MAX)
		return -EOVERFLOW;
	memcpy(tag, ct + plen, AZC_NOISE_TAGLEN);
	ret = gcm(false, c->k, c->n, ad, adlen, ct, plen, out, tag);
	if (ret)
		return ret;	/* n is not incremented (section 5.1) */
	c->n++;
	*outlen = plen;
	return 0;
}

int azc_noise_cipher_rekey(struct azc_noise_cipher *c)
{
	uint8_t zeros[AZC_NOISE_KEYLEN] = { 0 }, out[AZC_NOISE_KEYLEN];
	uint8_t tag[AZC_NOISE_TAGLEN];
	int ret;

	if (!c || !c->has_key)
		return -EINVAL;
	/* REKEY(k): ENCRYPT(k, maxnonce, zerolen, zeros), first 32 bytes */
	ret = gcm(true, c->k, UINT64_MAX, NULL, 0, zeros, sizeof(zeros), out,
		  tag);
	if (!ret)
		memcpy(c->k, out, AZC_NOISE_KEYLEN);
	OPENSSL_cleanse(out, sizeof(out));
	return ret;
}

/* ---- SymmetricState (section 5.2) ---- */

int azc_noise_sym_init(struct azc_noise_symmetric *ss, const char *name)
{
	size_t len;
	int ret = 0;

	if (!ss || !name)
		return -EINVAL;
	len = strlen(name);
	memset(ss->h, 0, sizeof(ss->h));
	/* Padded with zeros to HASHLEN, or hashed when longer */
	if (len <= AZC_NOISE_HASHLEN)
		memcpy(ss->h, name, len);
	else
		ret = sha256_2((const uint8_t *)name, len, NULL, 0, ss->h);
	memcpy(ss->ck, ss->h, AZC_NOISE_HASHLEN);
	azc_noise_cipher_init(&ss->cs, NULL);
	return ret;
}

int azc_noise_sym_mix_key(struct azc_noise_symmetric *ss,
			  const uint8_t *ikm, size_t len)
{
	uint8_t ck[AZC_NOISE_HASHLEN], temp_k[AZC_NOISE_HASHLEN];
	int ret;

	ret = azc_noise_hkdf(ss->ck, ikm, len, 2, ck, temp_k, NULL);
	if (!ret) {
		memcpy(ss->ck, ck, AZC_NOISE_HASHLEN);
		/* HASHLEN is 32: temp_k is not truncated */
		azc_noise_cipher_init(&ss->cs, temp_k);
	}
	OPENSSL_cleanse(ck, sizeof(ck));
	OPENSSL_cleanse(temp_k, sizeof(temp_k));
	return ret;
}

int azc_noise_sym_mix_hash(struct azc_noise_symmetric *ss,
			   const uint8_t *data, size_t len)
{
	if (!data && len)
		return -EINVAL;
	return sha256_2(ss->h, AZC_NOISE_HASHLEN, data, len, ss->h);
}

int azc_noise_sym_mix_key_and_hash(struct azc_noise_symmetric *ss,
				   const uint8_t *ikm, size_t len)
{
	uint8_t ck[AZC_NOISE_HASHLEN], temp_h[AZC_NOISE_HASHLEN];
	uint8_t temp_k[AZC_NOISE_HASHLEN];
	int ret;

	ret = azc_noise_hkdf(ss->ck, ikm, len, 3, ck, temp_h, temp_k);
	if (!ret)
		ret = azc_noise_sym_mix_hash(ss, temp_h, sizeof(temp_h));
	if (!ret) {
		memcpy(ss->ck, ck, AZC_NOISE_HASHLEN);
		azc_noise_cipher_init(&ss->cs, temp_k);
	}
	OPENSSL_cleanse(ck, sizeof(ck));
	OPENSSL_cleanse(temp_h, sizeof(temp_h));
	OPENSSL_cleanse(temp_k, sizeof(temp_k));
	return ret;
}

int azc_noise_sym_encrypt_and_hash(struct azc_noise_symmetric *ss,
				   const uint8_t *pt, size_t len, uint8_t *out,
				   size_t outcap, size_t *outlen)
{
	int ret;

	ret = azc_noise_encrypt(&ss->cs, ss->h, AZC_NOISE_HASHLEN, pt, len,
				out, outcap, outlen);
	if (!ret)
		ret = azc_noise_sym_mix_hash(ss, out, *outlen);
	return ret;
}

int azc_noise_sym_decrypt_and_hash(struct azc_noise_symmetric *ss,
				   const uint8_t *ct, size_t len, uint8_t *out,
				   size_t outcap, size_t *outlen)
{
	uint8_t h[AZC_NOISE_HASHLEN];
	int ret;

	/* MixHash(ciphertext) comes after, and @out may be @ct */
	ret = sha256_2(ss->h, AZC_NOISE_HASHLEN, ct, len, h);
	if (!ret)
		ret = azc_noise_decrypt(&ss->cs, ss->h, AZC_NOISE_HASHLEN, ct,
					len, out, outcap, outlen);
	if (!ret)
		memcpy(ss->h, h, AZC_NOISE_HASHLEN);
	return ret;
}

int azc_noise_sym_split(const struct azc_noise_symmetric *ss,
			struct azc_noise_cipher *c1,
			struct azc_noise_cipher *c2)
{
	uint8_t k1[AZC_NOISE_HASHLEN], k2[AZC_NOISE_HASHLEN];
	int ret;

	/* temp_k1, temp_k2 = HKDF(ck, zerolen, 2) */
	ret = azc_noise_hkdf(ss->ck, NULL, 0, 2, k1, k2, NULL);
	if (!ret) {
		azc_noise_cipher_init(c1, k1);
		azc_noise_cipher_init(c2, k2);
	}
	OPENSSL_cleanse(k1, sizeof(k1));
	OPENSSL_cleanse(k2, sizeof(k2));
	return ret;
}

void azc_noise_sym_clear(struct azc_noise_symmetric *ss)
{
	OPENSSL_cleanse(ss, sizeof(*ss));
}

/* ---- HandshakeState (section 5.3) for IK (section 7.5) ---- */

void azc_noise_hs_clear(struct azc_noise_hs *hs)
{
	OPENSSL_cleanse(hs, sizeof(*hs));
	hs->step = AZC_NOISE_FAILED;
}

/* Any error: the handshake is over, its secrets wiped */
static int hs_fail(struct azc_noise_hs *hs, int err)
{
	azc_noise_hs_clear(hs);
	return err;
}

int azc_noise_hs_init(struct azc_noise_hs *hs, bool initiator,
		      const uint8_t *prologue, size_t plen,
		      const uint8_t s_priv[AZC_NOISE_KEYLEN],
		      const uint8_t *rs)
{
	int ret;

	if (!hs)
		return -EINVAL;
	azc_noise_hs_clear(hs);
	if (!s_priv || (!prologue && plen) || initiator != (rs != NULL))
		return -EINVAL;
	hs->initiator = initiator;
	memcpy(hs->s_priv, s_priv, AZC_NOISE_KEYLEN);
	ret = azc_noise_pubkey(s_priv, hs->s_pub);
	if (!ret)
		ret = azc_noise_sym_init(&hs->ss, AZC_NOISE_PROTOCOL);
	if (!ret)
		ret = azc_noise_sym_mix_hash(&hs->ss, prologue, plen);
	/* The pre-message "<- s": the responder's static key */
	if (!ret && initiator) {
		memcpy(hs->rs, rs, AZC_NOISE_KEYLEN);
		hs->has_rs = true;
		ret = azc_noise_sym_mix_hash(&hs->ss, hs->rs, AZC_NOISE_KEYLEN);
	} else if (!ret) {
		ret = azc_noise_sym_mix_hash(&hs->ss, hs->s_pub,
					     AZC_NOISE_KEYLEN);
	}
	if (ret)
		return hs_fail(hs, ret);
	hs->step = AZC_NOISE_MSG1;
	return 0;
}

int azc_noise_hs_set_ephemeral(struct azc_noise_hs *hs,
			       const uint8_t e_priv[AZC_NOISE_KEYLEN])
{
	int ret;

	if (!hs || !e_priv)
		return -EINVAL;
	if (hs->step == AZC_NOISE_FAILED)
		return -ECANCELED;
	/* Before the side's own message: the responder's is the second */
	if ((hs->initiator && hs->step != AZC_NOISE_MSG1) ||
	    hs->step == AZC_NOISE_DONE || hs->has_e)
		return -EINVAL;
	ret = azc_noise_pubkey(e_priv, hs->e_pub);
	if (ret)
		return ret;
	memcpy(hs->e_priv, e_priv, AZC_NOISE_KEYLEN);
	hs->has_e = true;
	return 0;
}

/* A DH token: MixKey(DH(priv, pub)) */
static int mix_dh(struct azc_noise_hs *hs, const uint8_t *priv,
		  const uint8_t *pub)
{
	uint8_t shared[AZC_NOISE_KEYLEN];
	int ret;

	ret = dh(priv, pub, shared);
	if (!ret)
		ret = azc_noise_sym_mix_key(&hs->ss, shared, sizeof(shared));
	OPENSSL_cleanse(shared, sizeof(shared));
	return ret;
}

/* The "e" token on the writing side */
static int write_e(struct azc_noise_hs *hs, uint8_t *out)
{
	int ret;

	if (!hs->has_e) {
		ret = azc_noise_keygen(hs->e_priv, hs->e_pub);
		if (ret)
			return ret;
		hs->has_e = true;
	}
	memcpy(out, hs->e_pub, AZC_NOISE_KEYLEN);
	return azc_noise_sym_mix_hash(&hs->ss, hs->e_pub, AZC_NOISE_KEYLEN);
}

int azc_noise_hs_write(struct azc_noise_hs *hs, const uint8_t *payload,
		       size_t plen, uint8_t *out, size_t outcap,
		       size_t *outlen)
{
	size_t over, n;
	uint8_t *p;
	int ret;

	if (!hs)
		return -EINVAL;
	if (hs->step == AZC_NOISE_FAILED)
		return -ECANCELED;
	if (!out || !outlen || (!payload && plen))
		return hs_fail(hs, -EINVAL);
	if (hs->initiator && hs->step == AZC_NOISE_MSG1)
		over = AZC_NOISE_MSG1_OVERHEAD;
	else if (!hs->initiator && hs->step == AZC_NOISE_MSG2)
		over = AZC_NOISE_MSG2_OVERHEAD;
	else
		return hs_fail(hs, -EINVAL);
	if (plen > AZC_NOISE_MAX_MSG - over)
		return hs_fail(hs, -EMSGSIZE);
	if (outcap < plen + over)
		return hs_fail(hs, -ENOBUFS);
	if (plen && (uintptr_t)payload < (uintptr_t)out + outcap &&
	    (uintptr_t)out < (uintptr_t)payload + plen)
		return hs_fail(hs, -EINVAL);

	p = out;
	/* e */
	ret = write_e(hs, p);
	p += AZC_NOISE_KEYLEN;
	if (hs->initiator) {
		/* -> e, es, s, ss */
		if (!ret)
			ret = mix_dh(hs, hs->e_priv, hs->rs);
		if (!ret)
			ret = azc_noise_sym_encrypt_and_hash(&hs->ss, hs->s_pub,
				AZC_NOISE_KEYLEN, p, AZC_NOISE_KEYLEN +
				AZC_NOISE_TAGLEN, &n);
		p += AZC_NOISE_KEYLEN + AZC_NOISE_TAGLEN;
		if (!ret)
			ret = mix_dh(hs, hs->s_priv, hs->rs);
	} else {
		/* <- e, ee, se */
		if (!ret)
			ret = mix_dh(hs, hs->e_priv, hs->re);
		if (!ret)
			ret = mix_dh(hs, hs->e_priv, hs->rs);
	}
	if (!ret)
		ret = azc_noise_sym_encrypt_and_hash(&hs->ss, payload, plen, p,
						     plen + AZC_NOISE_TAGLEN,
						     &n);
	if (ret) {
		OPENSSL_cleanse(out, plen + over);
		return hs_fail(hs, ret);
	}
	*outlen = plen + over;
	hs->step = hs->initiator ? AZC_NOISE_MSG2 : AZC_NOISE_DONE;
	return 0;
}

int azc_noise_hs_read(struct azc_noise_hs *hs, const uint8_t *msg,
		      size_t len, uint8_t *payload, size_t paycap,
		      size_t *paylen)
{
	uint8_t rs[AZC_NOISE_KEYLEN];
	size_t over, n;
	int ret;

	if (!hs)
		return -EINVAL;
	if (hs->step == AZC_NOISE_FAILED)
		return -ECANCELED;
	if ((!msg && len) || !paylen || (!payload && paycap))
		return hs_fail(hs, -EINVAL);
	if (!hs->initiator && hs->step == AZC_NOISE_MSG1)
		over = AZC_NOISE_MSG1_OVERHEAD;
	else if (hs->initiator && hs->step == AZC_NOISE_MSG2)
		over = AZC_NOISE_MSG2_OVERHEAD;
	else
		return hs_fail(hs, -EINVAL);
	if (len > AZC_NOISE_MAX_MSG)
		return hs_fail(hs, -EMSGSIZE);
	if (len < over)
		return hs_fail(hs, -EPROTO);
	if (paycap < len - over)
		return hs_fail(hs, -ENOBUFS);

	/* e */
	memcpy(hs->re, msg, AZC_NOISE_KEYLEN);
	ret = azc_noise_sym_mix_hash(&hs->ss, hs->re, AZC_NOISE_KEYLEN);
	msg += AZC_NOISE_KEYLEN;
	if (!hs->initiator) {
		/* -> e, es, s, ss */
		if (!ret)
			ret = mix_dh(hs, hs->s_priv, hs->re);
		if (!ret)
			ret = azc_noise_sym_decrypt_and_hash(&hs->ss, msg,
				AZC_NOISE_KEYLEN + AZC_NOISE_TAGLEN, rs,
				sizeof(rs), &n);
		msg += AZC_NOISE_KEYLEN + AZC_NOISE_TAGLEN;
		if (!ret) {
			memcpy(hs->rs, rs, AZC_NOISE_KEYLEN);
			hs->has_rs = true;
			ret = mix_dh(hs, hs->s_priv, hs->rs);
		}
	} else {
		/* <- e, ee, se */
		if (!ret)
			ret = mix_dh(hs, hs->e_priv, hs->re);
		if (!ret)
			ret = mix_dh(hs, hs->s_priv, hs->re);
	}
	if (!ret)
		ret = azc_noise_sym_decrypt_and_hash(&hs->ss, msg,
			len - (over - AZC_NOISE_TAGLEN), payload, paycap,
			paylen);
	OPENSSL_cleanse(rs, sizeof(rs));
	if (ret)
		return hs_fail(hs, ret);
	hs->step = hs->initiator ? AZC_NOISE_DONE : AZC_NOISE_MSG2;
	return 0;
}

int azc_noise_hs_remote_static(const struct azc_noise_hs *hs,
			       uint8_t rs[AZC_NOISE_KEYLEN])
{
	if (!hs || !rs)
		return -EINVAL;
	if (hs->step == AZC_NOISE_FAILED)
		return -ECANCELED;
	if (!hs->has_rs)
		return -EAGAIN;
	memcpy(rs, hs->rs, AZC_NOISE_KEYLEN);
	return 0;
}

void azc_noise_hs_hash(const struct azc_noise_hs *hs,
		       uint8_t h[AZC_NOISE_HASHLEN])
{
	memcpy(h, hs->ss.h, AZC_NOISE_HASHLEN);
}

int azc_noise_hs_split(struct azc_noise_hs *hs,
		       struct azc_noise_transport *t)
{
	struct azc_noise_cipher c1, c2;
	int ret;

	if (!hs || !t)
		return -EINVAL;
	if (hs->step == AZC_NOISE_FAILED)
		return -ECANCELED;
	if (hs->step != AZC_NOISE_DONE)
		return -EINVAL;
	ret = azc_noise_sym_split(&hs->ss, &c1, &c2);
	if (!ret) {
		t->initiator = hs->initiator;
		t->send = hs->initiator ? c1 : c2;
		t->recv = hs->initiator ? c2 : c1;
		memcpy(t->h, hs->ss.h, AZC_NOISE_HASHLEN);
	}
	azc_noise_cipher_clear(&c1);
	azc_noise_cipher_clear(&c2);
	azc_noise_hs_clear(hs);
	return ret;
}

void azc_noise_transport_clear(struct azc_noise_transport *t)
{
	OPENSSL_cleanse(t, sizeof(*t));
}

/* ---- ESP keys from the split (noise.h) ---- */

/* RFC 5869 HKDF-SHA256 with OpenSSL's KDF */
static int hkdf_sha256(const uint8_t *salt, size_t slen, const uint8_t *ikm,
		       size_t ilen, const char *info, uint8_t *out,
		       size_t olen)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[5];
	int ok;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						     (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						      (void *)ikm, ilen);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
						      (void *)salt, slen);
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
						      (void *)info,
						      strlen(info));
	params[4] = OSSL_PARAM_construct_end();
	ok = ctx && EVP_KDF_derive(ctx, out, olen, params) == 1;
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	if (!ok)
		OPENSSL_cleanse(out, olen);
	return ok ? 0 : (ctx ? -EIO : -ENOMEM);
}

static int esp_key(const uint8_t h[AZC_NOISE_HASHLEN],
		   const uint8_t k[AZC_NOISE_KEYLEN], unsigned int bits,
		   const char *dir, struct azc_noise_esp_key *out)
{
	uint8_t okm[32 + 4];
	char info[48];
	size_t klen = bits / 8;
	int ret;

	snprintf(info, sizeof(info), "azconnect esp v1 aes-gcm-%u %s", bits,
		 dir);
	ret = hkdf_sha256(h, AZC_NOISE_HASHLEN, k, AZC_NOISE_KEYLEN, info,
			  okm, klen + 4);
	if (!ret) {
		memset(out, 0, sizeof(*out));
		memcpy(out->key, okm, klen);
		memcpy(out->salt, okm + klen, 4);
		out->key_len = (unsigned int)klen;
	}
	OPENSSL_cleanse(okm, sizeof(okm));
	return ret;
}

int azc_noise_split_sa(const struct azc_noise_transport *t,
		       unsigned int bits, struct azc_noise_esp_key *i2r,
		       struct azc_noise_esp_key *r2i)
{
	const struct azc_noise_cipher *c1, *c2;
	int ret;

	if (!t || !i2r || !r2i || (bits != 128 && bits != 256))
		return -EINVAL;
	c1 = t->initiator ? &t->send : &t->recv;
	c2 = t->initiator ? &t->recv : &t->send;
	if (!c1->has_key || !c2->has_key)
		return -EINVAL;
	ret = esp_key(t->h, c1->k, bits, "i2r", i2r);
	if (!ret)
		ret = esp_key(t->h, c2->k, bits, "r2i", r2i);
	if (ret) {
		azc_noise_esp_key_clear(i2r);
		azc_noise_esp_key_clear(r2i);
	}
	return ret;
}

void azc_noise_esp_key_clear(struct azc_noise_esp_key *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}
