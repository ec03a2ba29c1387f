// SPDX-License-Identifier: GPL-2.0-only
/* SSTP crypto binding (MS-SSTP 3.2.5.2) with OpenSSL 3 EVP_MAC/EVP_Digest. */

#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "cryptobind.h"

static const char azc_cb_label[] = "SSTP inner method derived CMK";

/* Digest name and output length of a hash protocol, or NULL. */
static const char *azc_cb_md(int hash, size_t *len)
{
	switch (hash) {
	case AZC_SSTP_HASH_SHA1:
		*len = 20;
		return "SHA1";
	case AZC_SSTP_HASH_SHA256:
		*len = 32;
		return "SHA256";
	}
	return NULL;
}

static int azc_cb_hmac(const char *md, const uint8_t *key, size_t key_len,
		       const uint8_t *data, size_t len, uint8_t *out)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)md, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
	size_t n;
	int ok;

	ok = c && EVP_MAC_init(c, key, key_len, params) &&
	     EVP_MAC_update(c, data, len) &&
	     EVP_MAC_final(c, out, &n, EVP_MAX_MD_SIZE);
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
	return ok ? 0 : -EIO;
}

void azc_cb_hlak(const uint8_t *send_key, const uint8_t *recv_key,
		 bool is_server, uint8_t *hlak)
{
	const size_t half = AZC_CB_HLAK_LEN / 2;

	if (!send_key || !recv_key) {
		memset(hlak, 0, AZC_CB_HLAK_LEN);
		return;
	}
	memcpy(hlak, is_server ? recv_key : send_key, half);
	memcpy(hlak + half, is_server ? send_key : recv_key, half);
}

int azc_cb_cmk(int hash, const uint8_t *hlak, uint8_t *cmk)
{
	uint8_t seed[sizeof(azc_cb_label) - 1 + 3];
	uint8_t out[EVP_MAX_MD_SIZE];
	const char *md;
	size_t len;
	int ret;

	md = azc_cb_md(hash, &len);
	if (!md)
		return -EINVAL;
	memcpy(seed, azc_cb_label, sizeof(azc_cb_label) - 1);
	seed[sizeof(seed) - 3] = len & 0xff;
	seed[sizeof(seed) - 2] = len >> 8;
	seed[sizeof(seed) - 1] = 0x01;
	ret = azc_cb_hmac(md, hlak, AZC_CB_HLAK_LEN, seed, sizeof(seed), out);
	if (ret)
		return ret;
	memset(cmk, 0, AZC_CB_KEY_LEN);
	memcpy(cmk, out, len);
	OPENSSL_cleanse(out, sizeof(out));
	return (int)len;
}

int azc_cb_compound_mac(int hash, const uint8_t *cmk, size_t cmk_len,
			const uint8_t *connected, uint8_t *mac)
{
	uint8_t msg[AZC_SSTP_CONNECTED_LEN], out[EVP_MAX_MD_SIZE];
	const char *md;
	size_t len;
	int ret;

	md = azc_cb_md(hash, &len);
	if (!md || cmk_len > AZC_CB_KEY_LEN)
		return -EINVAL;
	memcpy(msg, connected, sizeof(msg));
	memset(msg + AZC_SSTP_CONNECTED_MAC_OFF, 0, AZC_CB_KEY_LEN);
	ret = azc_cb_hmac(md, cmk, cmk_len, msg, sizeof(msg), out);
	if (ret)
		return ret;
	memset(mac, 0, AZC_CB_KEY_LEN);
	memcpy(mac, out, len);
	return 0;
}

int azc_cb_cert_hash(int hash, const uint8_t *der, size_t der_len,
		     uint8_t *out)
{
	uint8_t md_out[EVP_MAX_MD_SIZE];
	EVP_MD *md;
	const char *name;
	size_t len;
	int ok;

	name = azc_cb_md(hash, &len);
	if (!name)
		return -EINVAL;
	md = EVP_MD_fetch(NULL, name, NULL);
	ok = md && EVP_Digest(der, der_len, md_out, NULL, md, NULL);
	EVP_MD_free(md);
	if (!ok)
		return -EIO;
	memset(out, 0, AZC_CB_KEY_LEN);
	memcpy(out, md_out, len);
	return 0;
}

int azc_cb_build_connected(int hash, const uint8_t *hlak,
			   const uint8_t *nonce, const uint8_t *cert_der,
			   size_t cert_len, uint8_t *out)
{
	struct azc_sstp_crypto_binding cb = { .hash_proto = hash };
	uint8_t cmk[AZC_CB_KEY_LEN];
	int ret, cmk_len;

	memcpy(cb.nonce, nonce, AZC_SSTP_NONCE_LEN);
	ret = azc_cb_cert_hash(hash, cert_der, cert_len, cb.cert_hash);
	if (ret)
		return ret;
	if (azc_sstp_enc_connected(out, AZC_SSTP_CONNECTED_LEN, &cb) < 0)
		return -EINVAL;
	cmk_len = azc_cb_cmk(hash, hlak, cmk);
	if (cmk_len < 0)
		return cmk_len;
	ret = azc_cb_compound_mac(hash, cmk, cmk_len, out,
				  out + AZC_SSTP_CONNECTED_MAC_OFF);
	OPENSSL_cleanse(cmk, sizeof(cmk));
	return ret;
}

int azc_cb_verify_connected(const uint8_t *msg, size_t len,
			    uint8_t hash_mask, const uint8_t *nonce,
			    const uint8_t *cert_der, size_t cert_len,
			    const uint8_t *hlak)
{
	uint8_t cert_hash[AZC_CB_KEY_LEN], cmk[AZC_CB_KEY_LEN];
	uint8_t mac[AZC_CB_KEY_LEN];
	struct azc_sstp_ctrl m;
	int ret, cmk_len;

	if (azc_sstp_ctrl_decode(msg, len, &m) ||
	    m.type != AZC_SSTP_MSG_CALL_CONNECTED)
		return -EPROTO;
	if (!(m.cb.hash_proto & hash_mask))
		return -ENOTSUP;
	if (CRYPTO_memcmp(m.cb.nonce, nonce, AZC_SSTP_NONCE_LEN))
		return -EBADMSG;
	ret = azc_cb_cert_hash(m.cb.hash_proto, cert_der, cert_len, cert_hash);
	if (ret)
		return ret;
	if (CRYPTO_memcmp(m.cb.cert_hash, cert_hash, AZC_CB_KEY_LEN))
		return -EBADMSG;
	cmk_len = azc_cb_cmk(m.cb.hash_proto, hlak, cmk);
	if (cmk_len < 0)
		return cmk_len;
	ret = azc_cb_compound_mac(m.cb.hash_proto, cmk, cmk_len, msg, mac);
	OPENSSL_cleanse(cmk, sizeof(cmk));
	if (ret)
		return ret;
	return CRYPTO_memcmp(m.cb.mac, mac, AZC_CB_KEY_LEN) ? -EACCES : 0;
}
