// SPDX-License-Identifier: GPL-2.0-only
/*
 * azc-sstpclient: one SSTP/PPP negotiation with a relay, as azconnectctl's
 * client does it, but with whatever name and token it is given (control
 * bytes included): for the tests of what a relay does with hostile
 * endpoints' names. Prints "connected" or "failed: WHY" and exits 0 or 1.
 *
 *   azc-sstpclient --relay HOST:PORT --fingerprint SHA256:... --name NAME
 *                  --token TOKEN [--echo-flood N]
 *
 * --echo-flood N: once connected, N SSTP ECHO_REQUESTs at once (each one a
 * log line on a relay that logs keepalives), then the disconnect.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "azconnectctl/client.h"
#include "tls/tls.h"

/* N ECHO_REQUESTs (SSTP control, no attributes); 0 or -errno. */
static int echo_flood(struct azc_client *c, unsigned int n)
{
	static const unsigned char echo[] = {
		0x10, 0x01, 0x00, 0x08, 0x00, 0x08, 0x00, 0x00,
	};
	ssize_t w;

	while (n--) {
		do {
			w = azc_tls_write(c->tls, echo, sizeof(echo));
			if (w == -EAGAIN && azc_tls_wait(c->tls, 5000))
				return -ETIMEDOUT;
		} while (w == -EAGAIN);
		if (w < 0)
			return (int)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "relay", required_argument, NULL, 'r' },
		{ "fingerprint", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "token", required_argument, NULL, 't' },
		{ "echo-flood", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct azc_client_opts o = { .stop_fd = -1 };
	char err[AZC_CLIENT_ERR_LEN];
	struct azc_client c;
	unsigned int flood = 0;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'r':
			o.relay = optarg;
			break;
		case 'p':
			o.fingerprint = optarg;
			break;
		case 'n':
			o.name = optarg;
			break;
		case 't':
			o.token = optarg;
			break;
		case 'e':
			flood = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		default:
			return 2;
		}
	}
	if (!o.relay || !o.fingerprint || !o.name || !o.token) {
		fprintf(stderr, "usage: see the comment at the top of %s\n",
			__FILE__);
		return 2;
	}
	ret = azc_client_connect(&c, &o, err, sizeof(err));
	if (ret) {
		printf("failed: %s\n", err);
	} else {
		printf("connected\n");
		if (flood && echo_flood(&c, flood))
			printf("echo flood cut short\n");
		azc_client_disconnect(&c, "azc-sstpclient done");
	}
	azc_client_free(&c);
	return ret ? 1 : 0;
}
