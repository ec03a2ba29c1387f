// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the endpoints' key exchange (userspace/lib/noise/
 * keyx.c) reading what a peer sends over UDP port 4500. One genuine
 * exchange is run once at start; each input is then read, as it came, by
 * a fresh copy of the state the genuine message met: the first byte
 * chooses which (message 1 by a responder, message 2 by the initiator,
 * message 3 by the responder), the rest is the message.
 *
 * Properties: the header parser and every reader return 0 or a
 * documented error; a reader accepts only the genuine message (nothing
 * else authenticates: the fuzzer holds no key), and then its SPIs and
 * keys are the genuine ones.
 */

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "fuzz.h"
#include "uapi/azconnect.h"
#include "noise/keyx.h"

static struct {
	bool ready;
	uint8_t ipriv[32], ipub[32], rpriv[32], rpub[32];
	struct in6_addr ia, ra;
	struct azc_keyx ini, resp, resp_done, ini_done;
	uint8_t m1[AZC_KEYX_INIT_LEN], m2[AZC_KEYX_RESP_LEN];
	uint8_t m3[AZC_KEYX_CONFIRM_LEN];
	size_t l1, l2, l3;
} g;

static void setup(void)
{
	struct azc_keyx x;

	CHECK(!azc_noise_keygen(g.ipriv, g.ipub));
	CHECK(!azc_noise_keygen(g.rpriv, g.rpub));
	inet_pton(AF_INET6, "fd00::1", &g.ia);
	inet_pton(AF_INET6, "fd00::2", &g.ra);
	CHECK(!azc_keyx_initiate(&g.ini, g.ipriv, g.rpub, &g.ia, &g.ra,
				 AZCONNECT_SA_CIPHER_AES_GCM_256, 0x1234, 99,
				 g.m1, &g.l1));
	CHECK(!azc_keyx_accept(&g.resp, g.rpriv, &g.ra, &g.ia, g.m1, g.l1));
	g.resp_done = g.resp;
	CHECK(!azc_keyx_respond(&g.resp_done, 0x5678, g.m2, &g.l2));
	x = g.ini;
	CHECK(!azc_keyx_finish(&x, g.m2, g.l2, g.m3, &g.l3));
	g.ini_done = x;
	g.ready = true;
}

static bool documented(int ret)
{
	return ret == -EPROTO || ret == -EBADMSG || ret == -EKEYREJECTED ||
	       ret == -EMSGSIZE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[AZC_KEYX_MSG_MAX];
	struct azc_keyx_hdr h;
	struct azc_keyx x;
	size_t n;
	int ret;

	if (!g.ready)
		setup();
	if (size < 1)
		return 0;
	ret = azc_keyx_hdr_parse(data + 1, size - 1, &h);
	CHECK(ret == 0 || ret == -EPROTO);
	switch (data[0] % 3) {
	case 0:
		ret = azc_keyx_accept(&x, g.rpriv, &g.ra, &g.ia, data + 1,
				      size - 1);
		CHECK(ret == 0 || documented(ret));
		if (!ret)
			CHECK(size - 1 == g.l1 && !memcmp(data + 1, g.m1, g.l1) &&
			      !memcmp(x.rs, g.ipub, 32) && x.spi_i == 0x1234);
		break;
	case 1:
		x = g.ini;
		ret = azc_keyx_finish(&x, data + 1, size - 1, out, &n);
		CHECK(ret == 0 || documented(ret));
		if (!ret)
			CHECK(size - 1 == g.l2 && !memcmp(data + 1, g.m2, g.l2) &&
			      x.spi_r == 0x5678 &&
			      !memcmp(&x.key_out, &g.ini_done.key_out,
				      sizeof(x.key_out)));
		break;
	default:
		x = g.resp_done;
		ret = azc_keyx_confirmed(&x, data + 1, size - 1);
		CHECK(ret == 0 || documented(ret));
		if (!ret)
			CHECK(size - 1 == g.l3 && !memcmp(data + 1, g.m3, g.l3));
		break;
	}
	azc_keyx_clear(&x);
	return 0;
}
