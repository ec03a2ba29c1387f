/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The endpoint side of a relay connection for azconnectctl: name
 * resolution, TCP connect, TLS with verification, then the session engine
 * in the client role up to "Call Connected, IPV6CP opened", and serving
 * the session (echo keepalives) until told to stop. Blocking, with poll()
 * and deadlines. Errors are for an administrator, in @err.
 */

#ifndef AZC_CLIENT_H
#define AZC_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/sess.h"
#include "tls/tls.h"

#define AZC_CLIENT_ERR_LEN	1024
#define AZC_CLIENT_PORT		"443"

struct azc_client_opts {
	const char *relay;		/* HOST, HOST:PORT, [V6]:PORT */
	const char *name;
	const char *token;
	const char *fingerprint;	/* or NULL */
	const char *ca_file;		/* or NULL */
	unsigned int connect_ms;	/* TCP, per address; 0: 10 s */
	unsigned int tls_ms;		/* 0: 10 s */
	unsigned int echo_ms;		/* SSTP keepalive; 0: 60 s */
	unsigned int echo_max;		/* unanswered echoes; 0: 5 */
	/* Stop at CONNECTED for a hand-off to the kernel (eplink.h) */
	bool handoff;
	/* Readable (a stop signal): give up at once, -EINTR; -1: none */
	int stop_fd;
	/* Each negotiation step (NULL: none) */
	void (*log)(void *ctx, const char *msg);
	void *ctx;
};

struct azc_client {
	int fd;
	char host[256], port[16];
	char addr[80];			/* "192.0.2.1:443" connected to */
	struct azc_tls_ctx *tctx;
	struct azc_tls *tls;
	struct azc_sess *sess;
	struct azc_tls_info tinfo;
	void (*log)(void *ctx, const char *msg);
	void *log_ctx;
	uint8_t in[16384];
	size_t in_off, in_len;
};

/*
 * Up to CONNECTED: 0, or -errno with a message in @err (-EINTR when
 * o->stop_fd became readable on the way).
 */
int azc_client_connect(struct azc_client *c, const struct azc_client_opts *o,
		       char *err, size_t errlen);
/*
 * Serves the session until @stop_fd is readable (0: then
 * azc_client_disconnect()) or the session ends (-errno and @err).
 */
int azc_client_serve(struct azc_client *c, int stop_fd, char *err,
		     size_t errlen);
/* CALL_DISCONNECT and wait for the relay's answer (5 s at most). */
void azc_client_disconnect(struct azc_client *c, const char *reason);
void azc_client_free(struct azc_client *c);

#endif /* AZC_CLIENT_H */
