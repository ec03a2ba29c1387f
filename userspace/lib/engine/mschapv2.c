// SPDX-License-Identifier: GPL-2.0-only
/* MS-CHAPv2 (RFC 2759) and MPPE start keys (RFC 3079) on OpenSSL 3. */

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "mschapv2.h"

/* A library context with the legacy provider (MD4, DES) of our own. */
static struct {
	OSSL_LIB_CTX *ctx;
	EVP_MD *md4;
	EVP_MD *sha1;
	EVP_CIPHER *des;
} azc_legacy;
static CRYPTO_ONCE azc_legacy_once = CRYPTO_ONCE_STATIC_INIT;

static void azc_legacy_init(void)
{
	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();

	if (!ctx)
		return;
	if (!OSSL_PROVIDER_load(ctx, "legacy") ||
	    !OSSL_PROVIDER_load(ctx, "default"))
		goto fail;
	azc_legacy.md4 = EVP_MD_fetch(ctx, "MD4", NULL);
	azc_legacy.sha1 = EVP_MD_fetch(ctx, "SHA1", NULL);
	azc_legacy.des = EVP_CIPHER_fetch(ctx, "DES-ECB", NULL);
	if (!azc_legacy.md4 || !azc_legacy.sha1 || !azc_legacy.des)
		goto fail;
	azc_legacy.ctx = ctx;
	return;
fail:
	EVP_MD_free(azc_legacy.md4);
	EVP_MD_free(azc_legacy.sha1);
	EVP_CIPHER_free(azc_legacy.des);
	memset(&azc_legacy, 0, sizeof(azc_legacy));
	OSSL_LIB_CTX_free(ctx);
}

static int azc_legacy_ready(void)
{
	if (!CRYPTO_THREAD_run_once(&azc_legacy_once, azc_legacy_init) ||
	    !azc_legacy.ctx)
		return -ENOTSUP;
	return 0;
}

struct azc_part {
	const void *p;
	size_t n;
};

/* @md over the concatenation of @n parts. */
static int azc_digest(const EVP_MD *md, const struct azc_part *parts, int n,
		      uint8_t *out)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int i, ok;

	ok = c && EVP_DigestInit_ex2(c, md, NULL);
	for (i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(c, parts[i].p, parts[i].n);
	ok = ok && EVP_DigestFinal_ex(c, out, NULL);
	EVP_MD_CTX_free(c);
	return ok ? 0 : -EIO;
}

/* Strict UTF-8 to UTF-16LE; returns the number of bytes written. */
static int azc_utf8_to_utf16le(const char *s, uint8_t *out, size_t max_units)
{
	static const uint32_t min_cp[4] = { 0, 0x80, 0x800, 0x10000 };
	const unsigned char *p = (const unsigned char *)s;
	size_t units = 0;
	uint32_t cp;
	int i, n;

	while (*p) {
		if (*p < 0x80) {
			cp = *p;
			n = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			n = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			n = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			cp = *p & 0x07;
			n = 3;
		} else {
			return -EINVAL;
		}
		p++;
		for (i = 0; i < n; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return -EINVAL;
			cp = cp << 6 | (*p & 0x3f);
		}
		if (cp < min_cp[n] || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return -EINVAL;
		if (units + (cp >= 0x10000 ? 2 : 1) > max_units)
			return -EINVAL;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			out[2 * units] = (0xd800 | cp >> 10) & 0xff;
			out[2 * units + 1] = (0xd800 | cp >> 10) >> 8;
			units++;
			cp = 0xdc00 | (cp & 0x3ff);
		}
		out[2 * units] = cp & 0xff;
		out[2 * units + 1] = cp >> 8;
		units++;
	}
	return (int)(2 * units);
}

int azc_mschap_nt_hash(const char *password, uint8_t *nt_hash)
{
	uint8_t utf16[2 * AZC_MSCHAP_PASSWORD_MAX];
	struct azc_part part;
	int ret, len;

	ret = azc_legacy_ready();
	if (ret)
		return ret;
	len = azc_utf8_to_utf16le(password, utf16, AZC_MSCHAP_PASSWORD_MAX);
	if (len < 0)
		return len;
	part = (struct azc_part){ utf16, (size_t)len };
	ret = azc_digest(azc_legacy.md4, &part, 1, nt_hash);
	OPENSSL_cleanse(utf16, sizeof(utf16));
	return ret;
}

int azc_mschap_challenge_hash(const uint8_t *peer_challenge,
			      const uint8_t *auth_challenge,
			      const void *user, size_t user_len,
			      uint8_t *out)
{
	const struct azc_part parts[] = {
		{ peer_challenge, AZC_MSCHAP_CHALLENGE_LEN },
		{ auth_challenge, AZC_MSCHAP_CHALLENGE_LEN },
		{ user, user_len },
	};
	uint8_t md[EVP_MAX_MD_SIZE];
	int ret;

	ret = azc_legacy_ready();
	if (ret)
		return ret;
	ret = azc_digest(azc_legacy.sha1, parts, 3, md);
	if (!ret)
		memcpy(out, md, AZC_MSCHAP_CHALLENGE_HASH_LEN);
	return ret;
}

/* Spreads 56 key bits over 8 bytes; DES ignores the low (parity) bits. */
static void azc_des_key(const uint8_t *in, uint8_t *out)
{
	int i;

	out[0] = in[0] >> 1;
	out[1] = (in[0] & 0x01) << 6 | in[1] >> 2;
	out[2] = (in[1] & 0x03) << 5 | in[2] >> 3;
	out[3] = (in[2] & 0x07) << 4 | in[3] >> 4;
	out[4] = (in[3] & 0x0f) << 3 | in[4] >> 5;
	out[5] = (in[4] & 0x1f) << 2 | in[5] >> 6;
	out[6] = (in[5] & 0x3f) << 1 | in[6] >> 7;
	out[7] = in[6] & 0x7f;
	for (i = 0; i < 8; i++)
		out[i] <<= 1;
}

/* DesEncrypt: one DES-ECB block under a 7-byte key. */
static int azc_des_encrypt(const uint8_t *clear, const uint8_t *key7,
			   uint8_t *cypher)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t key[8];
	int n, ok;

	azc_des_key(key7, key);
	ok = c && EVP_EncryptInit_ex2(c, azc_legacy.des, key, NULL, NULL) &&
	     EVP_CIPHER_CTX_set_padding(c, 0) &&
	     EVP_EncryptUpdate(c, cypher, &n, clear, 8) && n == 8 &&
	     EVP_EncryptFinal_ex(c, cypher + 8, &n) && n == 0;
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(key, sizeof(key));
	return ok ? 0 : -EIO;
}

int azc_mschap_nt_response(const uint8_t *auth_challenge,
			   const uint8_t *peer_challenge,
			   const void *user, size_t user_len,
			   const uint8_t *nt_hash, uint8_t *nt_response)
{
	uint8_t challenge[AZC_MSCHAP_CHALLENGE_HASH_LEN], zhash[21] = { 0 };
	int i, ret;

	ret = azc_mschap_challenge_hash(peer_challenge, auth_challenge, user,
					user_len, challenge);
	if (ret)
		return ret;
	/* ChallengeResponse: the hash zero-padded to 21 bytes, in thirds */
	memcpy(zhash, nt_hash, AZC_MSCHAP_NT_HASH_LEN);
	for (i = 0; i < 3 && !ret; i++)
		ret = azc_des_encrypt(challenge, zhash + 7 * i,
				      nt_response + 8 * i);
	OPENSSL_cleanse(zhash, sizeof(zhash));
	return ret;
}

int azc_mschap_auth_response(const uint8_t *nt_hash,
			     const uint8_t *nt_response,
			     const uint8_t *peer_challenge,
			     const uint8_t *auth_challenge,
			     const void *user, size_t user_len,
			     uint8_t *auth_response)
{
	static const char magic1[] = "Magic server to client signing constant";
	static const char magic2[] =
		"Pad to make it do more than one iteration";
	uint8_t hash_hash[EVP_MAX_MD_SIZE], digest[EVP_MAX_MD_SIZE];
	uint8_t challenge[AZC_MSCHAP_CHALLENGE_HASH_LEN];
	struct azc_part nt = { nt_hash, AZC_MSCHAP_NT_HASH_LEN };
	struct azc_part p1[] = {
		{ hash_hash, AZC_MSCHAP_NT_HASH_LEN },
		{ nt_response, AZC_MSCHAP_NT_RESPONSE_LEN },
		{ magic1, sizeof(magic1) - 1 },
	};
	struct azc_part p2[] = {
		{ digest, AZC_MSCHAP_AUTH_RESPONSE_LEN },
		{ challenge, sizeof(challenge) },
		{ magic2, sizeof(magic2) - 1 },
	};
	int ret;

	ret = azc_mschap_challenge_hash(peer_challenge, auth_challenge, user,
					user_len, challenge);
	if (!ret)
		ret = azc_digest(azc_legacy.md4, &nt, 1, hash_hash);
	if (!ret)
		ret = azc_digest(azc_legacy.sha1, p1, 3, digest);
	if (!ret)
		ret = azc_digest(azc_legacy.sha1, p2, 3, digest);
	if (!ret)
		memcpy(auth_response, digest, AZC_MSCHAP_AUTH_RESPONSE_LEN);
	OPENSSL_cleanse(hash_hash, sizeof(hash_hash));
	return ret;
}

int azc_mschap_auth_response_check(const uint8_t *nt_hash,
				   const uint8_t *nt_response,
				   const uint8_t *peer_challenge,
				   const uint8_t *auth_challenge,
				   const void *user, size_t user_len,
				   const uint8_t *received)
{
	uint8_t expected[AZC_MSCHAP_AUTH_RESPONSE_LEN];
	int ret;

	ret = azc_mschap_auth_response(nt_hash, nt_response, peer_challenge,
				       auth_challenge, user, user_len,
				       expected);
	if (ret)
		return ret;
	return CRYPTO_memcmp(expected, received, sizeof(expected)) ?
		-EACCES : 0;
}

int azc_mschap_master_key(const uint8_t *nt_hash, const uint8_t *nt_response,
			  uint8_t *master_key)
{
	static const char magic1[] = "This is the MPPE Master Key";
	uint8_t hash_hash[EVP_MAX_MD_SIZE], digest[EVP_MAX_MD_SIZE];
	struct azc_part nt = { nt_hash, AZC_MSCHAP_NT_HASH_LEN };
	struct azc_part parts[] = {
		{ hash_hash, AZC_MSCHAP_NT_HASH_LEN },
		{ nt_response, AZC_MSCHAP_NT_RESPONSE_LEN },
		{ magic1, sizeof(magic1) - 1 },
	};
	int ret;

	ret = azc_legacy_ready();
	if (!ret)
		ret = azc_digest(azc_legacy.md4, &nt, 1, hash_hash);
	if (!ret)
		ret = azc_digest(azc_legacy.sha1, parts, 3, digest);
	if (!ret)
		memcpy(master_key, digest, AZC_MSCHAP_MASTER_KEY_LEN);
	OPENSSL_cleanse(hash_hash, sizeof(hash_hash));
	OPENSSL_cleanse(digest, sizeof(digest));
	return ret;
}

int azc_mschap_start_key(const uint8_t *master_key, bool is_send,
			 bool is_server, uint8_t *key)
{
	static const char magic2[] =
		"On the client side, this is the send key; "
		"on the server side, it is the receive key.";
	static const char magic3[] =
		"On the client side, this is the receive key; "
		"on the server side, it is the send key.";
	static const uint8_t pad1[40];
	uint8_t pad2[40], digest[EVP_MAX_MD_SIZE];
	/* RFC 3079 3.4: Magic2 for client send and server receive */
	const char *s = is_send == is_server ? magic3 : magic2;
	struct azc_part parts[] = {
		{ master_key, AZC_MSCHAP_MASTER_KEY_LEN },
		{ pad1, sizeof(pad1) },
		{ s, strlen(s) },
		{ pad2, sizeof(pad2) },
	};
	int ret;

	memset(pad2, 0xf2, sizeof(pad2));
	ret = azc_legacy_ready();
	if (!ret)
		ret = azc_digest(azc_legacy.sha1, parts, 4, digest);
	if (!ret)
		memcpy(key, digest, AZC_MSCHAP_START_KEY_LEN);
	OPENSSL_cleanse(digest, sizeof(digest));
	return ret;
}

int azc_mschap_start_keys(const uint8_t *nt_hash, const uint8_t *nt_response,
			  bool is_server, uint8_t *send_key, uint8_t *recv_key)
{
	uint8_t master[AZC_MSCHAP_MASTER_KEY_LEN];
	int ret;

	ret = azc_mschap_master_key(nt_hash, nt_response, master);
	if (!ret)
		ret = azc_mschap_start_key(master, true, is_server, send_key);
	if (!ret)
		ret = azc_mschap_start_key(master, false, is_server, recv_key);
	OPENSSL_cleanse(master, sizeof(master));
	return ret;
}
