// SPDX-License-Identifier: GPL-2.0-only
/*
 * azc-noise: one side of a Noise_IK_25519_AESGCM_SHA256 handshake
 * (userspace/lib/noise) over stdin and stdout, for the interop test
 * against python3-dissononce (tests/host/noise-interop).
 *
 *   azc-noise genkey FILE         a new private key file; prints "public B64"
 *   azc-noise pubkey FILE         prints "public B64" of an existing one
 *   azc-noise initiator FILE PEER-B64 [options]
 *   azc-noise responder FILE [--expect-peer B64] [options]
 *     --prologue HEX   the prologue (default none)
 *     --payload HEX    this side's handshake payload (default none)
 *     --send HEX       this side's transport message (default "azc-noise
 *                      initiator" or "azc-noise responder" in ASCII)
 *
 * Every line read is a message in hex (its last word: "msg1 HEX" is read
 * as HEX); every line written is "WORD VALUE...". The initiator writes
 * "msg1 HEX", reads message 2, then writes "payload HEX" (the responder's
 * handshake payload), "hash HEX" (the handshake hash), the ESP keys of
 * azc_noise_split_sa ("esp128|esp256 i2r|r2i KEY SALT"), "transport HEX"
 * (its transport message, sent with c1, nonce 0), reads the responder's
 * transport message and writes "received HEX". The responder reads
 * message 1, writes "payload HEX" and "peer B64" (the initiator's static
 * key; with --expect-peer another one is refused), "msg2 HEX", "hash",
 * the ESP keys, reads the initiator's transport message, writes
 * "received HEX" and then its own "transport HEX".
 *
 * Exit status: 0 done, 1 a failure ("error WHAT: WHY" on stderr), 2 usage.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "noise/noise.h"

static uint8_t buf[AZC_NOISE_MAX_MSG], out[AZC_NOISE_MAX_MSG];

static void usage(void)
{
	fprintf(stderr,
		"usage: azc-noise genkey FILE | pubkey FILE\n"
		"       azc-noise initiator FILE PEER-B64 [--prologue HEX] [--payload HEX] [--send HEX]\n"
		"       azc-noise responder FILE [--expect-peer B64] [--prologue HEX] [--payload HEX] [--send HEX]\n");
	exit(2);
}

static void fail(const char *what, int err)
{
	fprintf(stderr, "error %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static void print_hex(const uint8_t *p, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		printf("%02x", p[k]);
}

static void put_hex(const char *word, const uint8_t *p, size_t n)
{
	printf("%s ", word);
	print_hex(p, n);
	putchar('\n');
	fflush(stdout);
}

/* Hex (whole bytes) into @o: its length, or -1 */
static long unhex(const char *s, uint8_t *o, size_t cap)
{
	size_t n = 0;
	unsigned int v;

	while (s[0] && s[1]) {
		if (n == cap || sscanf(s, "%2x", &v) != 1 ||
		    !strchr("0123456789abcdefABCDEF", s[0]) ||
		    !strchr("0123456789abcdefABCDEF", s[1]))
			return -1;
		o[n++] = (uint8_t)v;
		s += 2;
	}
	return s[0] ? -1 : (long)n;
}

/* The next message from stdin: the last word of a line, in hex */
static size_t read_msg(const char *what)
{
	static char line[2 * AZC_NOISE_MAX_MSG + 64];
	char *word, *end;
	long n;

	if (!fgets(line, sizeof(line), stdin))
		fail(what, feof(stdin) ? EPIPE : errno);
	end = line + strlen(line);
	while (end > line && (end[-1] == '\n' || end[-1] == '\r' ||
			      end[-1] == ' '))
		*--end = 0;
	word = strrchr(line, ' ');
	word = word ? word + 1 : line;
	n = unhex(word, buf, sizeof(buf));
	if (n < 0)
		fail(what, EINVAL);
	return (size_t)n;
}

static void arg_hex(const char *s, uint8_t *o, size_t cap, size_t *n)
{
	long l = unhex(s, o, cap);

	if (l < 0)
		usage();
	*n = (size_t)l;
}

/* "esp128 i2r KEY SALT" */
static void put_esp(unsigned int bits, const char *dir,
		    const struct azc_noise_esp_key *e)
{
	printf("esp%u %s ", bits, dir);
	print_hex(e->key, e->key_len);
	putchar(' ');
	print_hex(e->salt, sizeof(e->salt));
	putchar('\n');
	fflush(stdout);
}

static void print_esp(const struct azc_noise_transport *t)
{
	struct azc_noise_esp_key i2r, r2i;
	unsigned int bits;
	int ret;

	for (bits = 128; bits <= 256; bits += 128) {
		ret = azc_noise_split_sa(t, bits, &i2r, &r2i);
		if (ret)
			fail("split_sa", ret);
		put_esp(bits, "i2r", &i2r);
		put_esp(bits, "r2i", &r2i);
		azc_noise_esp_key_clear(&i2r);
		azc_noise_esp_key_clear(&r2i);
	}
}

static int keycmd(bool gen, const char *path)
{
	uint8_t priv[AZC_NOISE_KEYLEN], pub[AZC_NOISE_KEYLEN];
	char err[512], b64[AZC_NOISE_KEY_B64LEN];
	int ret;

	ret = gen ? azc_noise_keygen(priv, pub) : 0;
	if (!ret)
		ret = gen ? azc_noise_key_save(path, priv, false, err,
					       sizeof(err)) :
			    azc_noise_key_load(path, priv, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "keygen");
	if (!ret)
		ret = azc_noise_pubkey(priv, pub);
	if (ret) {
		fprintf(stderr, "error %s\n", err);
		return 1;
	}
	azc_noise_key_to_b64(pub, b64);
	printf("public %s\n", b64);
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t prologue[1024], payload[4096], send[4096];
	size_t plen = 0, paylen = 0, sendlen, n, m;
	uint8_t priv[AZC_NOISE_KEYLEN], peer[AZC_NOISE_KEYLEN];
	uint8_t expect[AZC_NOISE_KEYLEN], h[AZC_NOISE_HASHLEN];
	struct azc_noise_transport t;
	struct azc_noise_hs hs;
	char err[512], b64[AZC_NOISE_KEY_B64LEN];
	bool initiator, has_expect = false;
	const char *def;
	int k, ret;

	if (argc == 3 && !strcmp(argv[1], "genkey"))
		return keycmd(true, argv[2]);
	if (argc == 3 && !strcmp(argv[1], "pubkey"))
		return keycmd(false, argv[2]);
	if (argc < 3)
		usage();
	if (!strcmp(argv[1], "initiator"))
		initiator = true;
	else if (!strcmp(argv[1], "responder"))
		initiator = false;
	else
		usage();
	def = initiator ? "azc-noise initiator" : "azc-noise responder";
	sendlen = strlen(def);
	memcpy(send, def, sendlen);
	k = 3;
	if (initiator) {
		if (argc < 4 || azc_noise_key_from_b64(argv[3], peer))
			usage();
		k = 4;
	}
	for (; k < argc; k += 2) {
		if (k + 1 >= argc)
			usage();
		if (!strcmp(argv[k], "--prologue"))
			arg_hex(argv[k + 1], prologue, sizeof(prologue), &plen);
		else if (!strcmp(argv[k], "--payload"))
			arg_hex(argv[k + 1], payload, sizeof(payload), &paylen);
		else if (!strcmp(argv[k], "--send"))
			arg_hex(argv[k + 1], send, sizeof(send), &sendlen);
		else if (!initiator && !strcmp(argv[k], "--expect-peer") &&
			 !azc_noise_key_from_b64(argv[k + 1], expect))
			has_expect = true;
		else
			usage();
	}

	ret = azc_noise_key_load(argv[2], priv, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "error %s\n", err);
		return 1;
	}
	ret = azc_noise_hs_init(&hs, initiator, prologue, plen, priv,
				initiator ? peer : NULL);
	memset(priv, 0, sizeof(priv));
	if (ret)
		fail("init", ret);

	if (initiator) {
		ret = azc_noise_hs_write(&hs, payload, paylen, out, sizeof(out),
					 &n);
		if (ret)
			fail("message 1", ret);
		put_hex("msg1", out, n);
		n = read_msg("message 2");
		ret = azc_noise_hs_read(&hs, buf, n, out, sizeof(out), &m);
		if (ret)
			fail("message 2", ret);
		put_hex("payload", out, m);
	} else {
		n = read_msg("message 1");
		ret = azc_noise_hs_read(&hs, buf, n, out, sizeof(out), &m);
		if (ret)
			fail("message 1", ret);
		put_hex("payload", out, m);
		ret = azc_noise_hs_remote_static(&hs, peer);
		if (ret)
			fail("remote static", ret);
		azc_noise_key_to_b64(peer, b64);
		printf("peer %s\n", b64);
		fflush(stdout);
		if (has_expect && memcmp(peer, expect, sizeof(peer))) {
			azc_noise_hs_clear(&hs);
			fail("peer", EKEYREJECTED);
		}
		ret = azc_noise_hs_write(&hs, payload, paylen, out, sizeof(out),
					 &n);
		if (ret)
			fail("message 2", ret);
		put_hex("msg2", out, n);
	}
	azc_noise_hs_hash(&hs, h);
	put_hex("hash", h, sizeof(h));
	ret = azc_noise_hs_split(&hs, &t);
	if (ret)
		fail("split", ret);
	print_esp(&t);

	for (k = 0; k < 2; k++) {
		if (initiator == (k == 0)) {
			ret = azc_noise_encrypt(&t.send, NULL, 0, send, sendlen,
						out, sizeof(out), &n);
			if (ret)
				fail("transport send", ret);
			put_hex("transport", out, n);
		} else {
			n = read_msg("transport");
			ret = azc_noise_decrypt(&t.recv, NULL, 0, buf, n, out,
						sizeof(out), &m);
			if (ret)
				fail("transport receive", ret);
			put_hex("received", out, m);
		}
	}
	azc_noise_transport_clear(&t);
	return 0;
}
