// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: Noise_IK_25519_AESGCM_SHA256 (userspace/lib/noise).
 *
 * The published test vectors for that protocol name, copied verbatim
 * (prologue, static and ephemeral keys, payloads, ciphertexts and, where
 * given, the handshake hash) from:
 *
 *   cacophony: https://github.com/haskell-cryptography/cacophony
 *     vectors/cacophony.txt, at commit
 *     8ee9d41e34a1a596cfa3ab12aa4069ff87dc1247 (the file last changed in
 *     18b7348c54fd61fcd0c220298883de0d09c8364d), the entry whose
 *     "protocol_name" is "Noise_IK_25519_AESGCM_SHA256".
 *   snow: https://github.com/mcginty/snow
 *     tests/vectors/snow.txt, at commit
 *     8ac60f51cfe3e010c84f0a454cc575ad9204fa12 (the file last changed in
 *     d00b360cc61a7fe519ce7539974dca4f36c4654a), the same protocol name
 *     (no handshake hash in that file).
 *
 * The vectors' messages alternate: 0 and 1 are the handshake, then the
 * initiator sends the even ones with c1 and the responder the odd ones
 * with c2. Every byte of every message is checked, on both sides.
 *
 * The other known answers (REKEY, MixKeyAndHash, the hashed protocol name,
 * the ESP keys of azc_noise_split_sa for the cacophony handshake) were
 * computed independently with python3-dissononce 0.34.3, Python's hmac
 * and the cryptography package's AESGCM; the Noise HKDF is checked
 * against RFC 5869's test case 3 (a zero salt is the HMAC key of 32 zero
 * bytes, the chaining key here).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "noise/noise.h"

struct vector {
	const char *name;
	const char *prologue;
	const char *init_static, *init_ephemeral, *init_remote_static;
	const char *resp_static, *resp_ephemeral;
	const char *handshake_hash;	/* NULL: not given */
	struct {
		const char *payload, *ciphertext;
	} msg[6];
	unsigned int nmsg;
};

static const struct vector vectors[] = {
	{
		.name = "cacophony",
		.prologue = "4a6f686e2047616c74",
		.init_static = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1",
		.init_ephemeral = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a",
		.init_remote_static = "31e0303fd6418d2f8c0e78b91f22e8caed0fbe48656dcf4767e4834f701b8f62",
		.resp_static = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893",
		.resp_ephemeral = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b",
		.handshake_hash = "669c8640d9e42a3cda2f232f78597ceefb01daa6e3df81181ccce6fc6b5026bf",
		.msg = {
			{ "4c756477696720766f6e204d69736573",
			  "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444e417bc55c7a8166c993356c1be41ef67818a292426f301556c7f26b21d25ddb097153891a9a956cff47b83e63ad8d701c1342c209cff1ca5ecd43402762ac249e3bd3a4c0a145fe07cb5dae28ea13a3" },
			{ "4d757272617920526f746862617264",
			  "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843af2ccf9972e22afc67aeafcd25162f7f98c363b7762e3e4cb7d272e39f27a5" },
			{ "462e20412e20486179656b",
			  "66acfc92e3197de166809e6d4d5d003dcc819a84bc3522ca53c9d9" },
			{ "4361726c204d656e676572",
			  "71f89aa6533a6de70b0826864dd75f60806ee40170c16290189eb3" },
			{ "4a65616e2d426170746973746520536179",
			  "4795a3423550c8bf00386bd496a3e2c76c10669d2a75ab8f79b5094c5412a25705" },
			{ "457567656e2042f6686d20766f6e2042617765726b",
			  "aa0bb39097555c918e40be82abc2b909eb79d9eb87adb07e268fc37323a6cf904fd01fb391" },
		},
		.nmsg = 6,
	},
	{
		.name = "snow",
		.prologue = "5468657265206973206e6f20726967687420616e642077726f6e672e2054686572652773206f6e6c792066756e20616e6420626f72696e672e",
		.init_static = "98faebfdc44a30b111d755708980f247e06f6fd40909fec3d675508952a3f615",
		.init_ephemeral = "01fed814d96619ca317a6011dab28db5f32cb9a29d9bdad0eaca9eb48d7b57c4",
		.init_remote_static = "229acb57fac29aef3ac9337bd1f323cb48c30f9483471975f4e6aa8bf02e7e77",
		.resp_static = "bf6aaf9bc0cd92c4c5f93ef0797f02b3bec9498cfb4a3b338f34b4d682112154",
		.resp_ephemeral = "9af33ff27f261005a3e57f7a32a6abd17f57834b74b22bb7b7633abe80cd1f95",
		.handshake_hash = NULL,
		.msg = {
			{ "8cb1797838a7e55bee256343e843befa874c504eb42eabcc843d26707fb3f051",
			  "c3b79ee926435e045ffe4b100c9b7fd2548df6dbe26cdaf9ba7672e094abd46944b359dc54c040932dc7a5797b0efb1624fefa0161ef1fce7c196d06ae9ad1925c1d1127ae542bf18e8f5a4e3c0b7ba242e47b9dd5779de7ed251fac157c5957d33db53bb9e8d6f31ec0b0dc8f79855a139129acacdcea89ee8e29943c8fcde9" },
			{ "43365623b9d678439fe922abb9b75c2ded28fbaaa0ef2c0155b650bb3eca706d",
			  "24ad0a9c3e786b299f8d2bd2edb4af785d5ffa432cb278a66234cf8e8f0a902c09a740060f734f0be6b91f563e4384a8da2e34bcc077ab29a017407dfae20a8386bb50d3df38dbfd2b57d39e6f7f667f" },
			{ "b9eed3d18bae1234e8180140025344e29b72d32db52ca89b142a1ac47295c91e",
			  "1bb7ca95b86a472beac1fe0a203b3b1f0f0238669e89ac18819674ea34f158bd613721e58ea4339772aaff3f060086db" },
			{ "8a0724a71789f642fc06a2af90be6dded6bf2b5ab1a32e210ef19945cd0b9b68",
			  "c57711be5a672510e6025bc0089a60d8abe47f6ae56bc7f794b8ec3d632f7a4378450ba76584ca1f23b9ae92cb72a1e0" },
		},
		.nmsg = 4,
	},
};

/* Hex of any length into a fresh buffer of 1024 bytes */
struct bytes {
	uint8_t b[1024];
	size_t n;
};

static struct bytes hexb(const char *s)
{
	struct bytes r;

	assert_true(strlen(s) / 2 <= sizeof(r.b));
	r.n = unhex(s, r.b);
	return r;
}

static void assert_bytes(const uint8_t *got, size_t n, const char *want_hex)
{
	struct bytes w = hexb(want_hex);

	assert_int_equal(n, w.n);
	assert_memory_equal(got, w.b, n);
}

/* Both sides of a vector's handshake, initialized */
static void vec_init(const struct vector *v, struct azc_noise_hs *i,
		     struct azc_noise_hs *r)
{
	struct bytes pro = hexb(v->prologue), is = hexb(v->init_static);
	struct bytes ie = hexb(v->init_ephemeral);
	struct bytes rrs = hexb(v->init_remote_static);
	struct bytes rst = hexb(v->resp_static), re = hexb(v->resp_ephemeral);
	uint8_t pub[32];

	/* The vector's remote static key is the responder's public key */
	assert_int_equal(azc_noise_pubkey(rst.b, pub), 0);
	assert_memory_equal(pub, rrs.b, 32);
	assert_int_equal(azc_noise_hs_init(i, true, pro.b, pro.n, is.b, rrs.b),
			 0);
	assert_int_equal(azc_noise_hs_set_ephemeral(i, ie.b), 0);
	assert_int_equal(azc_noise_hs_init(r, false, pro.b, pro.n, rst.b, NULL),
			 0);
	assert_int_equal(azc_noise_hs_set_ephemeral(r, re.b), 0);
}

/* The vector's handshake, message by message, with both sides */
static void vec_handshake(const struct vector *v, struct azc_noise_hs *i,
			  struct azc_noise_hs *r)
{
	struct bytes p0 = hexb(v->msg[0].payload), p1 = hexb(v->msg[1].payload);
	uint8_t out[1024], pay[1024], rs[32], hi[32], hr[32];
	size_t n, pn;

	assert_int_equal(azc_noise_hs_remote_static(r, rs), -EAGAIN);
	assert_int_equal(azc_noise_hs_write(i, p0.b, p0.n, out, sizeof(out),
					    &n), 0);
	assert_bytes(out, n, v->msg[0].ciphertext);
	assert_int_equal(n, p0.n + AZC_NOISE_MSG1_OVERHEAD);
	assert_int_equal(azc_noise_hs_read(r, out, n, pay, sizeof(pay), &pn),
			 0);
	assert_bytes(pay, pn, v->msg[0].payload);
	/* The responder learnt the initiator's static key */
	assert_int_equal(azc_noise_hs_remote_static(r, rs), 0);
	assert_int_equal(azc_noise_pubkey(hexb(v->init_static).b, hi), 0);
	assert_memory_equal(rs, hi, 32);

	assert_int_equal(azc_noise_hs_write(r, p1.b, p1.n, out, sizeof(out),
					    &n), 0);
	assert_bytes(out, n, v->msg[1].ciphertext);
	assert_int_equal(n, p1.n + AZC_NOISE_MSG2_OVERHEAD);
	assert_int_equal(azc_noise_hs_read(i, out, n, pay, sizeof(pay), &pn),
			 0);
	assert_bytes(pay, pn, v->msg[1].payload);

	assert_int_equal(i->step, AZC_NOISE_DONE);
	assert_int_equal(r->step, AZC_NOISE_DONE);
	azc_noise_hs_hash(i, hi);
	azc_noise_hs_hash(r, hr);
	assert_memory_equal(hi, hr, 32);
	if (v->handshake_hash)
		assert_bytes(hi, 32, v->handshake_hash);
}

static void test_vectors(void **state)
{
	struct azc_noise_hs i, r;
	struct azc_noise_transport ti, tr;
	uint8_t out[1024], pay[1024];
	unsigned int k, m;
	size_t n, pn;

	(void)state;
	for (k = 0; k < sizeof(vectors) / sizeof(vectors[0]); k++) {
		const struct vector *v = &vectors[k];

		vec_init(v, &i, &r);
		vec_handshake(v, &i, &r);
		assert_int_equal(azc_noise_hs_split(&i, &ti), 0);
		assert_int_equal(azc_noise_hs_split(&r, &tr), 0);
		if (v->handshake_hash) {
			assert_bytes(ti.h, 32, v->handshake_hash);
			assert_bytes(tr.h, 32, v->handshake_hash);
		}
		/* Split wiped the handshake */
		assert_int_equal(azc_noise_hs_split(&i, &ti), -ECANCELED);

		for (m = 2; m < v->nmsg; m++) {
			struct bytes p = hexb(v->msg[m].payload);
			struct azc_noise_transport *tx = m % 2 ? &tr : &ti;
			struct azc_noise_transport *rx = m % 2 ? &ti : &tr;

			assert_int_equal(azc_noise_encrypt(&tx->send, NULL, 0,
							   p.b, p.n, out,
							   sizeof(out), &n),
					 0);
			assert_bytes(out, n, v->msg[m].ciphertext);
			assert_int_equal(azc_noise_decrypt(&rx->recv, NULL, 0,
							   out, n, pay,
							   sizeof(pay), &pn),
					 0);
			assert_bytes(pay, pn, v->msg[m].payload);
		}
		azc_noise_transport_clear(&ti);
		azc_noise_transport_clear(&tr);
	}
}

/* Noise's HKDF against RFC 5869 test case 3 (SHA-256, zero salt) */
static void test_hkdf(void **state)
{
	uint8_t ck[32] = { 0 }, ikm[22], o1[32], o2[32], o3[32], o[64];

	(void)state;
	memset(ikm, 0x0b, sizeof(ikm));
	assert_int_equal(azc_noise_hkdf(ck, ikm, sizeof(ikm), 2, o1, o2, NULL),
			 0);
	memcpy(o, o1, 32);
	memcpy(o + 32, o2, 32);
	assert_hex(o, "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
	/* The third output extends the same stream; the first two stay */
	assert_int_equal(azc_noise_hkdf(ck, ikm, sizeof(ikm), 3, o, o + 32, o3),
			 0);
	assert_memory_equal(o, o1, 32);
	assert_memory_equal(o + 32, o2, 32);
	assert_int_equal(azc_noise_hkdf(ck, ikm, sizeof(ikm), 4, o1, o2, o3),
			 -EINVAL);
	assert_int_equal(azc_noise_hkdf(ck, ikm, sizeof(ikm), 3, o1, o2, NULL),
			 -EINVAL);
}

static void test_symmetric(void **state)
{
	struct azc_noise_symmetric ss;
	uint8_t ikm[32], out[64], pt[64];
	size_t n;
	int k;

	(void)state;
	/* A name longer than HASHLEN is hashed */
	assert_int_equal(azc_noise_sym_init(&ss,
		"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s_long_name"), 0);
	assert_hex(ss.h, "0ba77052bce21482e648c47055de3ac7f7b73c1bdb95f55de360abdc9b1c0f1b");
	assert_memory_equal(ss.ck, ss.h, 32);

	/* Without a key, EncryptAndHash is MixHash of the plaintext */
	assert_int_equal(azc_noise_sym_init(&ss, AZC_NOISE_PROTOCOL), 0);
	assert_false(ss.cs.has_key);
	assert_int_equal(azc_noise_sym_encrypt_and_hash(&ss,
		(const uint8_t *)"hello", 5, out, sizeof(out), &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "hello", 5);

	/* MixKeyAndHash, then EncryptAndHash (dissononce's answer) */
	assert_int_equal(azc_noise_sym_init(&ss, AZC_NOISE_PROTOCOL), 0);
	for (k = 0; k < 32; k++)
		ikm[k] = (uint8_t)(k + 1);
	assert_int_equal(azc_noise_sym_mix_key_and_hash(&ss, ikm, 32), 0);
	assert_true(ss.cs.has_key);
	assert_int_equal(azc_noise_sym_encrypt_and_hash(&ss,
		(const uint8_t *)"hello", 5, out, sizeof(out), &n), 0);
	assert_bytes(out, n, "35adbe0e84bb353336766935f90de9e72b302acdc3");
	assert_hex(ss.h, "4ef54cc153246507e5dc46ba869d430ef0a2489c84d3c7971111057aaa08b564");

	/* And back, on a copy of the state before */
	assert_int_equal(azc_noise_sym_init(&ss, AZC_NOISE_PROTOCOL), 0);
	assert_int_equal(azc_noise_sym_mix_key_and_hash(&ss, ikm, 32), 0);
	assert_int_equal(azc_noise_sym_decrypt_and_hash(&ss, out, n, pt,
							sizeof(pt), &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(pt, "hello", 5);
	assert_hex(ss.h, "4ef54cc153246507e5dc46ba869d430ef0a2489c84d3c7971111057aaa08b564");
	azc_noise_sym_clear(&ss);
}

static void test_rekey(void **state)
{
	struct azc_noise_cipher a, b;
	uint8_t key[32], out[64], pt[64];
	size_t n;
	int k;

	(void)state;
	for (k = 0; k < 32; k++)
		key[k] = (uint8_t)k;
	azc_noise_cipher_init(&a, key);
	azc_noise_cipher_set_nonce(&a, 7);
	assert_int_equal(azc_noise_cipher_rekey(&a), 0);
	/* first 32 bytes of AES-GCM(k, nonce 2^64-1, "", 32 zeros) */
	assert_hex(a.k, "0201675c87335949b909793da5bb4d92fcf6d44b92a6e0792b6ae48b1881259d");
	assert_int_equal(a.n, 7);	/* n is kept */
	/* Both ends rekeyed still understand each other */
	azc_noise_cipher_init(&b, key);
	azc_noise_cipher_set_nonce(&b, 7);
	assert_int_equal(azc_noise_cipher_rekey(&b), 0);
	assert_int_equal(azc_noise_encrypt(&a, NULL, 0, (const uint8_t *)"x", 1,
					   out, sizeof(out), &n), 0);
	assert_int_equal(azc_noise_decrypt(&b, NULL, 0, out, n, pt, sizeof(pt),
					   &n), 0);
	/* No key, no rekey */
	azc_noise_cipher_init(&a, NULL);
	assert_int_equal(azc_noise_cipher_rekey(&a), -EINVAL);
}

/* Nonce 2^64-1 is reserved: never used to encrypt or decrypt */
static void test_nonce_exhaustion(void **state)
{
	struct azc_noise_cipher a, b;
	uint8_t key[32] = { 1 }, out[64], pt[64];
	size_t n, m;

	(void)state;
	azc_noise_cipher_init(&a, key);
	azc_noise_cipher_init(&b, key);
	azc_noise_cipher_set_nonce(&a, UINT64_MAX - 1);
	azc_noise_cipher_set_nonce(&b, UINT64_MAX - 1);
	assert_int_equal(azc_noise_encrypt(&a, NULL, 0, (const uint8_t *)"last",
					   4, out, sizeof(out), &n), 0);
	assert_int_equal(a.n, UINT64_MAX);
	assert_int_equal(azc_noise_decrypt(&b, NULL, 0, out, n, pt, sizeof(pt),
					   &m), 0);
	assert_int_equal(b.n, UINT64_MAX);
	assert_int_equal(azc_noise_encrypt(&a, NULL, 0, (const uint8_t *)"more",
					   4, out, sizeof(out), &n),
			 -EOVERFLOW);
	assert_int_equal(a.n, UINT64_MAX);
	assert_int_equal(azc_noise_decrypt(&b, NULL, 0, out, 20, pt,
					   sizeof(pt), &m), -EOVERFLOW);
	/* The nonce is 32 zero bits and n big-endian: n = 1 and n = 2^32 */
	azc_noise_cipher_init(&a, key);
	azc_noise_cipher_init(&b, key);
	azc_noise_cipher_set_nonce(&a, 1);
	azc_noise_cipher_set_nonce(&b, (uint64_t)1 << 32);
	assert_int_equal(azc_noise_encrypt(&a, NULL, 0, (const uint8_t *)"x", 1,
					   out, sizeof(out), &n), 0);
	assert_int_equal(azc_noise_decrypt(&b, NULL, 0, out, n, pt, sizeof(pt),
					   &m), -EBADMSG);
	azc_noise_cipher_set_nonce(&b, 1);
	assert_int_equal(azc_noise_decrypt(&b, NULL, 0, out, n, pt, sizeof(pt),
					   &m), 0);
}

/* A failed transport decryption leaves n (section 5.1); ad counts */
static void test_transport_errors(void **state)
{
	struct azc_noise_cipher a, b;
	static uint8_t big[AZC_NOISE_MAX_MSG + 1];
	uint8_t key[32] = { 2 }, out[64], pt[64];
	size_t n, m;

	(void)state;
	azc_noise_cipher_init(&a, key);
	azc_noise_cipher_init(&b, key);
	assert_int_equal(azc_noise_encrypt(&a, (const uint8_t *)"ad", 2,
					   (const uint8_t *)"data", 4, out,
					   sizeof(out), &n), 0);
	assert_int_equal(n, 20);
	assert_int_equal(azc_noise_decrypt(&b, (const uint8_t *)"AD", 2, out,
					   n, pt, sizeof(pt), &m), -EBADMSG);
	assert_int_equal(b.n, 0);
	out[0] ^= 1;
	assert_int_equal(azc_noise_decrypt(&b, (const uint8_t *)"ad", 2, out,
					   n, pt, sizeof(pt), &m), -EBADMSG);
	out[0] ^= 1;
	assert_int_equal(azc_noise_decrypt(&b, (const uint8_t *)"ad", 2, out,
					   15, pt, sizeof(pt), &m), -EPROTO);
	assert_int_equal(azc_noise_decrypt(&b, (const uint8_t *)"ad", 2, out,
					   n, pt, 3, &m), -ENOBUFS);
	assert_int_equal(b.n, 0);
	/* In place */
	assert_int_equal(azc_noise_decrypt(&b, (const uint8_t *)"ad", 2, out,
					   n, out, sizeof(out), &m), 0);
	assert_int_equal(m, 4);
	assert_memory_equal(out, "data", 4);
	assert_int_equal(b.n, 1);
	/* Output too small; over the Noise limit */
	assert_int_equal(azc_noise_encrypt(&a, NULL, 0, (const uint8_t *)"data",
					   4, out, 19, &n), -ENOBUFS);
	assert_int_equal(azc_noise_encrypt(&a, NULL, 0, big,
					   AZC_NOISE_MAX_TRANSPORT_PAYLOAD + 1,
					   out, sizeof(out), &n), -EMSGSIZE);
	assert_int_equal(azc_noise_decrypt(&b, NULL, 0, big,
					   AZC_NOISE_MAX_MSG + 1, pt,
					   sizeof(pt), &m), -EMSGSIZE);
	assert_int_equal(a.n, 1);
}

/* A handshake between random keys, with both sides' transport states */
static void handshake(const uint8_t *pro, size_t plen, bool wrong_key,
		      struct azc_noise_transport *ti,
		      struct azc_noise_transport *tr)
{
	uint8_t is[32], ip[32], rsec[32], rp[32], wp[32], ws[32];
	uint8_t m[256], pay[256];
	struct azc_noise_hs i, r;
	size_t n, pn;

	assert_int_equal(azc_noise_keygen(is, ip), 0);
	assert_int_equal(azc_noise_keygen(rsec, rp), 0);
	assert_int_equal(azc_noise_keygen(ws, wp), 0);
	assert_int_equal(azc_noise_hs_init(&i, true, pro, plen, is,
					   wrong_key ? wp : rp), 0);
	assert_int_equal(azc_noise_hs_init(&r, false, pro, plen, rsec, NULL),
			 0);
	assert_int_equal(azc_noise_hs_write(&i, NULL, 0, m, sizeof(m), &n), 0);
	assert_int_equal(n, AZC_NOISE_MSG1_OVERHEAD);
	if (wrong_key) {
		assert_int_equal(azc_noise_hs_read(&r, m, n, pay, sizeof(pay),
						   &pn), -EBADMSG);
		return;
	}
	assert_int_equal(azc_noise_hs_read(&r, m, n, pay, sizeof(pay), &pn), 0);
	assert_int_equal(pn, 0);
	assert_int_equal(azc_noise_hs_write(&r, NULL, 0, m, sizeof(m), &n), 0);
	assert_int_equal(n, AZC_NOISE_MSG2_OVERHEAD);
	assert_int_equal(azc_noise_hs_read(&i, m, n, NULL, 0, &pn), 0);
	assert_int_equal(azc_noise_hs_split(&i, ti), 0);
	assert_int_equal(azc_noise_hs_split(&r, tr), 0);
}

static void test_random_keys(void **state)
{
	struct azc_noise_transport ti, tr;
	uint8_t m[64], p[64];
	size_t n, pn;

	(void)state;
	handshake(NULL, 0, false, &ti, &tr);
	assert_true(ti.initiator);
	assert_false(tr.initiator);
	assert_memory_equal(ti.h, tr.h, 32);
	assert_memory_equal(ti.send.k, tr.recv.k, 32);
	assert_memory_equal(ti.recv.k, tr.send.k, 32);
	assert_memory_not_equal(ti.send.k, ti.recv.k, 32);
	assert_int_equal(azc_noise_encrypt(&tr.send, NULL, 0,
					   (const uint8_t *)"pong", 4, m,
					   sizeof(m), &n), 0);
	assert_int_equal(azc_noise_decrypt(&ti.recv, NULL, 0, m, n, p,
					   sizeof(p), &pn), 0);
	assert_memory_equal(p, "pong", 4);
}

/* The initiator has the wrong key for the responder: message 1 fails */
static void test_wrong_responder_key(void **state)
{
	(void)state;
	handshake((const uint8_t *)"p", 1, true, NULL, NULL);
}

static void test_wrong_prologue(void **state)
{
	const struct vector *v = &vectors[0];
	struct azc_noise_hs i, r;
	struct bytes p0 = hexb(v->msg[0].payload), rst = hexb(v->resp_static);
	uint8_t out[256], pay[256];
	size_t n, pn;

	(void)state;
	vec_init(v, &i, &r);
	assert_int_equal(azc_noise_hs_init(&r, false, (const uint8_t *)"John",
					   4, rst.b, NULL), 0);
	assert_int_equal(azc_noise_hs_write(&i, p0.b, p0.n, out, sizeof(out),
					    &n), 0);
	assert_int_equal(azc_noise_hs_read(&r, out, n, pay, sizeof(pay), &pn),
			 -EBADMSG);
}

/*
 * Every byte of message @which (1 or 2) of the cacophony vector flipped
 * in turn: the reader refuses it, with its payload buffer wiped, and the
 * handshake is dead after (no second try with the same state).
 */
static void tamper(unsigned int which)
{
	const struct vector *v = &vectors[0];
	struct bytes good = hexb(v->msg[which - 1].ciphertext), bad;
	struct bytes p0 = hexb(v->msg[0].payload);
	struct azc_noise_hs i, r, *rd;
	uint8_t out[256], pay[256];
	size_t k, n, pn;
	int ret;

	for (k = 0; k < good.n; k++) {
		vec_init(v, &i, &r);
		if (which == 2) {
			assert_int_equal(azc_noise_hs_write(&i, p0.b, p0.n, out,
							    sizeof(out), &n),
					 0);
		}
		rd = which == 1 ? &r : &i;
		bad = good;
		bad.b[k] ^= (uint8_t)(1u << (k % 8));
		memset(pay, 0x5a, sizeof(pay));
		ret = azc_noise_hs_read(rd, bad.b, bad.n, pay, sizeof(pay),
					&pn);
		/* A flipped e may make a low-order point: also refused */
		if (ret != -EKEYREJECTED)
			assert_int_equal(ret, -EBADMSG);
		assert_int_equal(rd->step, AZC_NOISE_FAILED);
		/* The genuine message finds the state dead */
		assert_int_equal(azc_noise_hs_read(rd, good.b, good.n, pay,
						   sizeof(pay), &pn),
				 -ECANCELED);
		assert_int_equal(azc_noise_hs_write(rd, NULL, 0, out,
						    sizeof(out), &n),
				 -ECANCELED);
		assert_int_equal(azc_noise_hs_remote_static(rd, out),
				 -ECANCELED);
	}
}

static void test_tampered_msg1(void **state)
{
	(void)state;
	tamper(1);
}

static void test_tampered_msg2(void **state)
{
	(void)state;
	tamper(2);
}

/* Every length short of the whole message is refused */
static void test_truncated(void **state)
{
	const struct vector *v = &vectors[0];
	struct bytes m1 = hexb(v->msg[0].ciphertext);
	struct bytes m2 = hexb(v->msg[1].ciphertext);
	struct bytes p0 = hexb(v->msg[0].payload);
	struct azc_noise_hs i, r;
	uint8_t out[256], pay[256];
	size_t k, n, pn;

	(void)state;
	for (k = 0; k < m1.n; k++) {
		vec_init(v, &i, &r);
		assert_int_equal(azc_noise_hs_read(&r, m1.b, k, pay,
						   sizeof(pay), &pn),
				 k < AZC_NOISE_MSG1_OVERHEAD ? -EPROTO :
				 -EBADMSG);
		assert_int_equal(r.step, AZC_NOISE_FAILED);
	}
	for (k = 0; k < m2.n; k++) {
		vec_init(v, &i, &r);
		assert_int_equal(azc_noise_hs_write(&i, p0.b, p0.n, out,
						    sizeof(out), &n), 0);
		assert_int_equal(azc_noise_hs_read(&i, m2.b, k, pay,
						   sizeof(pay), &pn),
				 k < AZC_NOISE_MSG2_OVERHEAD ? -EPROTO :
				 -EBADMSG);
		assert_int_equal(i.step, AZC_NOISE_FAILED);
	}
	/* Appended bytes are refused as well (the tag is no longer last) */
	vec_init(v, &i, &r);
	m1.b[m1.n] = 0;
	assert_int_equal(azc_noise_hs_read(&r, m1.b, m1.n + 1, pay,
					   sizeof(pay), &pn), -EBADMSG);
	/* Over the Noise limit */
	vec_init(v, &i, &r);
	assert_int_equal(azc_noise_hs_read(&r, m1.b, AZC_NOISE_MAX_MSG + 1,
					   pay, sizeof(pay), &pn), -EMSGSIZE);
}

/* A low-order ephemeral key: the all-zero DH is refused */
static void test_low_order(void **state)
{
	const struct vector *v = &vectors[0];
	struct bytes m1 = hexb(v->msg[0].ciphertext);
	struct azc_noise_hs i, r;
	uint8_t pay[256];
	size_t pn;

	(void)state;
	vec_init(v, &i, &r);
	memset(m1.b, 0, 32);
	assert_int_equal(azc_noise_hs_read(&r, m1.b, m1.n, pay, sizeof(pay),
					   &pn), -EKEYREJECTED);
	assert_int_equal(r.step, AZC_NOISE_FAILED);
}

/* Calls out of turn, bad arguments, small buffers */
static void test_misuse(void **state)
{
	const struct vector *v = &vectors[0];
	struct bytes m1 = hexb(v->msg[0].ciphertext);
	struct bytes rst = hexb(v->resp_static), is = hexb(v->init_static);
	struct azc_noise_hs i, r;
	struct azc_noise_transport t;
	static uint8_t big[AZC_NOISE_MAX_MSG + 1], big2[AZC_NOISE_MAX_MSG];
	uint8_t out[256], pay[256];
	size_t n, pn;

	(void)state;
	/* The initiator needs rs, the responder has none */
	assert_int_equal(azc_noise_hs_init(&i, true, NULL, 0, is.b, NULL),
			 -EINVAL);
	assert_int_equal(i.step, AZC_NOISE_FAILED);
	assert_int_equal(azc_noise_hs_init(&r, false, NULL, 0, rst.b, rst.b),
			 -EINVAL);
	assert_int_equal(azc_noise_hs_init(&r, false, NULL, 3, rst.b, NULL),
			 -EINVAL);

	/* The responder does not write first, the initiator not read */
	vec_init(v, &i, &r);
	assert_int_equal(azc_noise_hs_write(&r, NULL, 0, out, sizeof(out), &n),
			 -EINVAL);
	assert_int_equal(azc_noise_hs_read(&i, m1.b, m1.n, pay, sizeof(pay),
					   &pn), -EINVAL);
	assert_int_equal(azc_noise_hs_write(&i, NULL, 0, out, sizeof(out), &n),
			 -ECANCELED);

	/* No split before the end */
	vec_init(v, &i, &r);
	assert_int_equal(azc_noise_hs_split(&i, &t), -EINVAL);
	assert_int_equal(azc_noise_hs_set_ephemeral(&i, rst.b), -EINVAL);

	/* Buffers */
	vec_init(v, &i, &r);
	assert_int_equal(azc_noise_hs_write(&i, (const uint8_t *)"x", 1, out,
					    AZC_NOISE_MSG1_OVERHEAD, &n),
			 -ENOBUFS);
	vec_init(v, &i, &r);
	memset(big, 0, sizeof(big));
	assert_int_equal(azc_noise_hs_write(&i, big,
					    AZC_NOISE_MSG1_MAX_PAYLOAD + 1,
					    big, sizeof(big), &n), -EMSGSIZE);
	vec_init(v, &i, &r);
	/* The payload inside the output: refused */
	assert_int_equal(azc_noise_hs_write(&i, out + 8, 4, out, sizeof(out),
					    &n), -EINVAL);
	vec_init(v, &i, &r);
	assert_int_equal(azc_noise_hs_read(&r, m1.b, m1.n, pay,
					   m1.n - AZC_NOISE_MSG1_OVERHEAD - 1,
					   &pn), -ENOBUFS);
	/* The largest payload fits, and the other side reads it */
	vec_init(v, &i, &r);
	assert_int_equal(azc_noise_hs_write(&i, big,
					    AZC_NOISE_MSG1_MAX_PAYLOAD, big2,
					    sizeof(big2), &n), 0);
	assert_int_equal(n, AZC_NOISE_MAX_MSG);
	assert_int_equal(azc_noise_hs_read(&r, big2, n, big, sizeof(big),
					   &pn), 0);
	assert_int_equal(pn, AZC_NOISE_MSG1_MAX_PAYLOAD);
	azc_noise_hs_clear(&i);
	azc_noise_hs_clear(&r);
}

/* ESP keys: the same on both sides, and what Python computed */
static void test_split_sa(void **state)
{
	const struct vector *v = &vectors[0];
	struct azc_noise_esp_key ai, ar, bi, br;
	struct azc_noise_transport ti, tr;
	struct azc_noise_hs i, r;

	(void)state;
	vec_init(v, &i, &r);
	vec_handshake(v, &i, &r);
	assert_int_equal(azc_noise_hs_split(&i, &ti), 0);
	assert_int_equal(azc_noise_hs_split(&r, &tr), 0);
	assert_hex(ti.send.k, "d28b5904149a13cc80158a21960bee5b5b0f46962742477801119d00fd0e55d4");
	assert_hex(ti.recv.k, "e6c1b7e4711d67c4e85b455af04c6255305ff88ac9a02806f9e15b1f0c341c55");

	assert_int_equal(azc_noise_split_sa(&ti, 256, &ai, &ar), 0);
	assert_int_equal(azc_noise_split_sa(&tr, 256, &bi, &br), 0);
	assert_int_equal(ai.key_len, 32);
	assert_memory_equal(&ai, &bi, sizeof(ai));
	assert_memory_equal(&ar, &br, sizeof(ar));
	assert_hex(ai.key, "bb479db7c37049fac5cbfe77fb8b0f9daa0be1301c1595b50a2ec69d9bb2e977");
	assert_hex(ai.salt, "03798efc");
	assert_hex(ar.key, "9eaacf9ae15fe3c700abb59315c88efd7ad98719fa897b1e79e958aa0023effb");
	assert_hex(ar.salt, "a44660b9");

	assert_int_equal(azc_noise_split_sa(&tr, 128, &bi, &br), 0);
	assert_int_equal(bi.key_len, 16);
	assert_hex(bi.key, "e2500263f89113ae5ed68428a34431c3");
	assert_hex(bi.salt, "49f6f6a2");
	assert_hex(br.key, "87f959e43d46f69fff37b8ac0e6828d6");
	assert_hex(br.salt, "9176e3e8");

	assert_int_equal(azc_noise_split_sa(&tr, 192, &bi, &br), -EINVAL);
	azc_noise_transport_clear(&tr);
	assert_int_equal(azc_noise_split_sa(&tr, 256, &bi, &br), -EINVAL);
	azc_noise_esp_key_clear(&ai);
	azc_noise_esp_key_clear(&ar);
	azc_noise_transport_clear(&ti);
}

static void test_keys_b64(void **state)
{
	uint8_t priv[32], pub[32], again[32], k[32];
	char b64[AZC_NOISE_KEY_B64LEN], s[80];

	(void)state;
	assert_int_equal(azc_noise_keygen(priv, pub), 0);
	assert_int_equal(azc_noise_pubkey(priv, again), 0);
	assert_memory_equal(pub, again, 32);
	azc_noise_key_to_b64(pub, b64);
	assert_int_equal(strlen(b64), 44);
	assert_int_equal(azc_noise_key_from_b64(b64, k), 0);
	assert_memory_equal(k, pub, 32);
	snprintf(s, sizeof(s), "  %s\n", b64);
	assert_int_equal(azc_noise_key_from_b64(s, k), 0);

	/* RFC 7748 6.1: Alice's key pair */
	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", k);
	assert_int_equal(azc_noise_pubkey(k, pub), 0);
	assert_hex(pub, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	azc_noise_key_to_b64(pub, b64);
	assert_string_equal(b64, "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=");

	assert_int_equal(azc_noise_key_from_b64("", k), -EINVAL);
	assert_int_equal(azc_noise_key_from_b64("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo", k),
			 -EINVAL);
	assert_int_equal(azc_noise_key_from_b64("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTm==", k),
			 -EINVAL);
	/* Not the canonical spelling (low bits in the last character) */
	assert_int_equal(azc_noise_key_from_b64("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmp=", k),
			 -EINVAL);
	assert_int_equal(azc_noise_key_from_b64("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066Spjqqb*mo=", k),
			 -EINVAL);
	assert_int_equal(azc_noise_key_from_b64("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=x", k),
			 -EINVAL);
}

static char dir[] = "/tmp/azc-noise-XXXXXX";

static void test_key_file(void **state)
{
	uint8_t priv[32], pub[32], k[32];
	char path[128], err[256];
	struct stat st;
	mode_t old;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/endpoint.key", dir);
	assert_int_equal(azc_noise_keygen(priv, pub), 0);
	/* 0600 whatever the umask */
	old = umask(0);
	assert_int_equal(azc_noise_key_save(path, priv, false, err,
					    sizeof(err)), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 45);
	assert_int_equal(azc_noise_key_load(path, k, err, sizeof(err)), 0);
	assert_memory_equal(k, priv, 32);
	/* An existing key stays unless replaced */
	assert_int_equal(azc_noise_key_save(path, pub, false, err,
					    sizeof(err)), -EEXIST);
	assert_int_equal(azc_noise_key_load(path, k, err, sizeof(err)), 0);
	assert_memory_equal(k, priv, 32);
	assert_int_equal(azc_noise_key_save(path, pub, true, err, sizeof(err)),
			 0);
	assert_int_equal(azc_noise_key_load(path, k, err, sizeof(err)), 0);
	assert_memory_equal(k, pub, 32);

	/* Readable (or writable) by the group or by others: refused */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(azc_noise_key_load(path, k, err, sizeof(err)),
			 -EPERM);
	assert_non_null(strstr(err, "chmod 600"));
	assert_int_equal(chmod(path, 0620), 0);
	assert_int_equal(azc_noise_key_load(path, k, err, sizeof(err)),
			 -EPERM);
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(azc_noise_key_load(path, k, err, sizeof(err)),
			 -EPERM);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(azc_noise_key_load(path, k, err, sizeof(err)), 0);

	/* Not a key */
	assert_int_equal(chmod(path, 0600), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is not a key\n", f);
	fclose(f);
	assert_int_equal(azc_noise_key_load(path, k, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "base64"));
	unlink(path);
	assert_int_equal(azc_noise_key_load(path, k, err, sizeof(err)),
			 -ENOENT);
	/* A directory */
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(azc_noise_key_load(dir, k, err, sizeof(err)),
			 -EINVAL);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_hkdf),
		cmocka_unit_test(test_symmetric),
		cmocka_unit_test(test_rekey),
		cmocka_unit_test(test_nonce_exhaustion),
		cmocka_unit_test(test_transport_errors),
		cmocka_unit_test(test_random_keys),
		cmocka_unit_test(test_wrong_responder_key),
		cmocka_unit_test(test_wrong_prologue),
		cmocka_unit_test(test_tampered_msg1),
		cmocka_unit_test(test_tampered_msg2),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_low_order),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_split_sa),
		cmocka_unit_test(test_keys_b64),
		cmocka_unit_test(test_key_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
