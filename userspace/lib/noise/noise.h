/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Noise_IK_25519_AESGCM_SHA256, as the Noise Protocol Framework
 * specification (revision 34, 2018-07-11) defines it, on OpenSSL 3.0's
 * X25519, AES-256-GCM, SHA-256 and HMAC: the handshake two endpoints run to
 * key end-to-end ESP between them (issue 11).
 *
 *   IK:
 *     <- s
 *     ...
 *     -> e, es, s, ss
 *     <- e, ee, se
 *
 * Sans-I/O: no sockets, no clock, no files in noise.c (the key file
 * helpers at the end are in noise_key.c). Every state is a plain
 * caller-owned struct: nothing to free, only to wipe
 * (azc_noise_hs_clear(), azc_noise_cipher_clear(),
 * azc_noise_transport_clear()). OpenSSL allocates its contexts inside
 * each call and frees them before it returns.
 *
 * Errors are negative errno values:
 *   -EINVAL       a bad argument, or a call out of turn (a responder that
 *                 writes first, a split before the handshake is done)
 *   -EPROTO       a message shorter than its pattern's fixed part
 *                 (message 1: 96 bytes, message 2: 48 bytes; transport: 16)
 *   -EMSGSIZE     a message or payload over the 65535-byte Noise limit
 *   -ENOBUFS      the caller's output buffer is too small
 *   -EBADMSG      AEAD authentication failed: a forged or damaged message,
 *                 or one made for another static key or another prologue
 *   -EKEYREJECTED the peer's public key makes an all-zero DH (low order)
 *   -EOVERFLOW    the CipherState's nonce reached 2^64-1 (reserved)
 *   -ECANCELED    the handshake failed earlier and cannot be used again
 *   -ENOMEM, -EIO OpenSSL failed for another reason
 * Any error from azc_noise_hs_write() or azc_noise_hs_read() leaves the
 * handshake failed and its secrets wiped: every later call on it returns
 * -ECANCELED, so a forged message can never be retried against the same
 * state. Start over with a new azc_noise_hs_init().
 */

#ifndef AZC_NOISE_H
#define AZC_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AZC_NOISE_PROTOCOL	"Noise_IK_25519_AESGCM_SHA256"
#define AZC_NOISE_KEYLEN	32	/* X25519 keys, cipher keys (DHLEN) */
#define AZC_NOISE_HASHLEN	32	/* SHA-256 */
#define AZC_NOISE_TAGLEN	16	/* AES-GCM tag */
#define AZC_NOISE_MAX_MSG	65535	/* the spec's limit on any message */
/* Message 1: e, encrypted s (with its tag), the payload's tag */
#define AZC_NOISE_MSG1_OVERHEAD	(2 * AZC_NOISE_KEYLEN + 2 * AZC_NOISE_TAGLEN)
/* Message 2: e, the payload's tag */
#define AZC_NOISE_MSG2_OVERHEAD	(AZC_NOISE_KEYLEN + AZC_NOISE_TAGLEN)
/* The largest payloads of each message */
#define AZC_NOISE_MSG1_MAX_PAYLOAD (AZC_NOISE_MAX_MSG - AZC_NOISE_MSG1_OVERHEAD)
#define AZC_NOISE_MSG2_MAX_PAYLOAD (AZC_NOISE_MAX_MSG - AZC_NOISE_MSG2_OVERHEAD)
#define AZC_NOISE_MAX_TRANSPORT_PAYLOAD (AZC_NOISE_MAX_MSG - AZC_NOISE_TAGLEN)
/* Base64 of a 32-byte key, with its NUL */
#define AZC_NOISE_KEY_B64LEN	45

/* ---- CipherState (spec 5.1) ---- */

struct azc_noise_cipher {
	uint8_t k[AZC_NOISE_KEYLEN];
	uint64_t n;
	bool has_key;
};

/* InitializeKey(key): @key NULL empties k. n = 0. */
void azc_noise_cipher_init(struct azc_noise_cipher *c, const uint8_t *key);
/* SetNonce(nonce) */
void azc_noise_cipher_set_nonce(struct azc_noise_cipher *c, uint64_t n);
void azc_noise_cipher_clear(struct azc_noise_cipher *c);

/*
 * EncryptWithAd(ad, plaintext) into @out (@len + 16 bytes when k is set,
 * @len without a key: then the plaintext is copied). @out may be @pt
 * itself (in place) but must not overlap it otherwise. -EOVERFLOW when
 * n is 2^64-1: the nonce the spec reserves is never used.
 */
int azc_noise_encrypt(struct azc_noise_cipher *c, const uint8_t *ad,
		      size_t adlen, const uint8_t *pt, size_t len,
		      uint8_t *out, size_t outcap, size_t *outlen);
/*
 * DecryptWithAd(ad, ciphertext): -EBADMSG on authentication failure,
 * with n left as it was (spec 5.1); -EPROTO when @len is shorter than
 * the tag. Same aliasing rule as azc_noise_encrypt().
 */
int azc_noise_decrypt(struct azc_noise_cipher *c, const uint8_t *ad,
		      size_t adlen, const uint8_t *ct, size_t len,
		      uint8_t *out, size_t outcap, size_t *outlen);
/*
 * Rekey(): k = REKEY(k), the first 32 bytes of ENCRYPT(k, 2^64-1, "",
 * 32 zero bytes) (spec 4.2 and 11.3); n is unchanged. -EINVAL without k.
 */
int azc_noise_cipher_rekey(struct azc_noise_cipher *c);

/* ---- SymmetricState (spec 5.2) ---- */

struct azc_noise_symmetric {
	struct azc_noise_cipher cs;
	uint8_t ck[AZC_NOISE_HASHLEN];
	uint8_t h[AZC_NOISE_HASHLEN];
};

/* InitializeSymmetric(protocol_name), for names of any length */
int azc_noise_sym_init(struct azc_noise_symmetric *ss, const char *name);
int azc_noise_sym_mix_key(struct azc_noise_symmetric *ss,
			  const uint8_t *ikm, size_t len);
int azc_noise_sym_mix_hash(struct azc_noise_symmetric *ss,
			   const uint8_t *data, size_t len);
int azc_noise_sym_mix_key_and_hash(struct azc_noise_symmetric *ss,
				   const uint8_t *ikm, size_t len);
/* EncryptAndHash / DecryptAndHash: as azc_noise_encrypt/decrypt, ad = h */
int azc_noise_sym_encrypt_and_hash(struct azc_noise_symmetric *ss,
				   const uint8_t *pt, size_t len, uint8_t *out,
				   size_t outcap, size_t *outlen);
int azc_noise_sym_decrypt_and_hash(struct azc_noise_symmetric *ss,
				   const uint8_t *ct, size_t len, uint8_t *out,
				   size_t outcap, size_t *outlen);
/* Split(): c1 (initiator to responder) and c2 (the other way) */
int azc_noise_sym_split(const struct azc_noise_symmetric *ss,
			struct azc_noise_cipher *c1,
			struct azc_noise_cipher *c2);
void azc_noise_sym_clear(struct azc_noise_symmetric *ss);

/*
 * HKDF(chaining_key, input_key_material, num_outputs) of spec 4.3 on
 * HMAC-SHA256: @n is 2 or 3 (@out3 NULL for 2).
 */
int azc_noise_hkdf(const uint8_t ck[AZC_NOISE_HASHLEN], const uint8_t *ikm,
		   size_t len, unsigned int n, uint8_t out1[AZC_NOISE_HASHLEN],
		   uint8_t out2[AZC_NOISE_HASHLEN],
		   uint8_t out3[AZC_NOISE_HASHLEN]);

/* ---- HandshakeState (spec 5.3), the IK pattern only ---- */

enum azc_noise_step {
	AZC_NOISE_MSG1,		/* the initiator writes, the responder reads */
	AZC_NOISE_MSG2,		/* the responder writes, the initiator reads */
	AZC_NOISE_DONE,		/* azc_noise_hs_split() may be called */
	AZC_NOISE_FAILED,	/* unusable: -ECANCELED from now on */
};

struct azc_noise_hs {
	struct azc_noise_symmetric ss;
	uint8_t s_priv[AZC_NOISE_KEYLEN], s_pub[AZC_NOISE_KEYLEN];
	uint8_t e_priv[AZC_NOISE_KEYLEN], e_pub[AZC_NOISE_KEYLEN];
	uint8_t rs[AZC_NOISE_KEYLEN], re[AZC_NOISE_KEYLEN];
	bool initiator;
	bool has_e;		/* e set (azc_noise_hs_set_ephemeral) */
	bool has_rs;
	enum azc_noise_step step;
};

/*
 * Initialize(IK, @initiator, prologue, s, e = empty, rs, re = empty):
 * @s_priv is the local static private key (X25519, 32 bytes). The
 * initiator must give the responder's static public key @rs; the
 * responder gives NULL and learns the initiator's from message 1
 * (azc_noise_hs_remote_static). @prologue may be NULL when @plen is 0;
 * both sides must use the same prologue or message 1 fails (-EBADMSG).
 */
int azc_noise_hs_init(struct azc_noise_hs *hs, bool initiator,
		      const uint8_t *prologue, size_t plen,
		      const uint8_t s_priv[AZC_NOISE_KEYLEN],
		      const uint8_t *rs);
/*
 * For test vectors and fuzzing only: use @e_priv as the ephemeral key
 * instead of a fresh random one. Any time before the side's own write
 * (the responder may set it before it reads message 1).
 */
int azc_noise_hs_set_ephemeral(struct azc_noise_hs *hs,
			       const uint8_t e_priv[AZC_NOISE_KEYLEN]);
/*
 * WriteMessage(payload, message_buffer): the next message (1 from the
 * initiator, 2 from the responder) with @payload (@plen bytes, may be 0)
 * into @out, which must not overlap @payload; its length in *@outlen.
 * @outcap must be at least @plen + the message's overhead.
 */
int azc_noise_hs_write(struct azc_noise_hs *hs, const uint8_t *payload,
		       size_t plen, uint8_t *out, size_t outcap,
		       size_t *outlen);
/*
 * ReadMessage(message, payload_buffer): the peer's next message; its
 * payload into @payload (@paycap bytes, may be 0 when none is expected;
 * it must not overlap @msg) and its length into *@paylen. A responder must check
 * azc_noise_hs_remote_static() before it answers.
 */
int azc_noise_hs_read(struct azc_noise_hs *hs, const uint8_t *msg,
		      size_t len, uint8_t *payload, size_t paycap,
		      size_t *paylen);
/* The peer's static public key: -EAGAIN while the responder has none */
int azc_noise_hs_remote_static(const struct azc_noise_hs *hs,
			       uint8_t rs[AZC_NOISE_KEYLEN]);
/* The handshake hash h so far (the final one once AZC_NOISE_DONE) */
void azc_noise_hs_hash(const struct azc_noise_hs *hs,
		       uint8_t h[AZC_NOISE_HASHLEN]);
void azc_noise_hs_clear(struct azc_noise_hs *hs);

/* ---- After the handshake ---- */

/*
 * What Split() gives one side: the CipherState it sends with and the one
 * it receives with (the initiator sends with c1, the responder with c2),
 * and the handshake hash (a channel binding; not secret).
 */
struct azc_noise_transport {
	struct azc_noise_cipher send, recv;
	uint8_t h[AZC_NOISE_HASHLEN];
	bool initiator;
};

/*
 * Split() once the handshake is done (-EINVAL before). The handshake
 * state is wiped and left AZC_NOISE_FAILED: it has nothing more to give.
 */
int azc_noise_hs_split(struct azc_noise_hs *hs,
		       struct azc_noise_transport *t);
void azc_noise_transport_clear(struct azc_noise_transport *t);

/*
 * ESP keys (RFC 4106 AES-GCM: the key, then the 4-byte salt the nonce
 * starts with) for each direction, derived from Split()'s two keys:
 *
 *   okm = HKDF-SHA256 (RFC 5869)
 *           salt = h, the handshake hash (32 bytes)
 *           IKM  = k1 for initiator->responder, k2 for responder->initiator
 *                  (the keys of Split()'s c1 and c2: call it before any
 *                  azc_noise_cipher_rekey() of @t's CipherStates)
 *           info = "azconnect esp v1 aes-gcm-" BITS " " DIR
 *                  BITS "128" or "256", DIR "i2r" or "r2i";
 *                  ASCII, no NUL: e.g. "azconnect esp v1 aes-gcm-256 i2r"
 *           L    = BITS / 8 + 4
 *   key = okm[0 .. BITS/8), salt = okm[BITS/8 .. BITS/8 + 4)
 *
 * Both sides get the same two pairs; each transmits with its own
 * direction's (the initiator with i2r). One handshake gives one SA pair:
 * a rekey is a new handshake. @bits is 128 or 256 (-EINVAL otherwise).
 */
struct azc_noise_esp_key {
	uint8_t key[32];
	uint8_t salt[4];
	unsigned int key_len;	/* 16 or 32 */
};

int azc_noise_split_sa(const struct azc_noise_transport *t,
		       unsigned int bits, struct azc_noise_esp_key *i2r,
		       struct azc_noise_esp_key *r2i);
void azc_noise_esp_key_clear(struct azc_noise_esp_key *k);

/* ---- Static keys ---- */

/* A fresh X25519 key pair from OpenSSL's random generator (noise.c) */
int azc_noise_keygen(uint8_t priv[AZC_NOISE_KEYLEN],
		     uint8_t pub[AZC_NOISE_KEYLEN]);
/* The public key of @priv (noise.c) */
int azc_noise_pubkey(const uint8_t priv[AZC_NOISE_KEYLEN],
		     uint8_t pub[AZC_NOISE_KEYLEN]);
/* Base64 and files: noise_key.c */

/* A key in standard base64 with padding: 44 characters and a NUL */
void azc_noise_key_to_b64(const uint8_t key[AZC_NOISE_KEYLEN],
			  char b64[AZC_NOISE_KEY_B64LEN]);
/*
 * The 32-byte key that @s spells in base64 (44 characters, one '=';
 * leading and trailing white space ignored): 0, or -EINVAL.
 */
int azc_noise_key_from_b64(const char *s, uint8_t key[AZC_NOISE_KEYLEN]);

/*
 * The private key file: one line, the raw 32-byte X25519 private key in
 * base64 (as azc_noise_key_to_b64 writes it) and a newline, the format of
 * WireGuard's private keys (wg genkey).
 *
 * azc_noise_key_save() writes it atomically (azc_state_write) with mode
 * 0600 whatever the umask; with @replace false an existing file stays
 * (-EEXIST). azc_noise_key_load() refuses (-EPERM, the reason in @err) a
 * file that its group or others may read or write
 * (azc_cfg_secret_mode), a file that is not a regular one, and one whose
 * content is not a key (-EINVAL). 0 or -errno with "PATH: why" in @err.
 */
int azc_noise_key_save(const char *path, const uint8_t priv[AZC_NOISE_KEYLEN],
		       bool replace, char *err, size_t errlen);
int azc_noise_key_load(const char *path, uint8_t priv[AZC_NOISE_KEYLEN],
		       char *err, size_t errlen);

#endif /* AZC_NOISE_H */
