/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sockets for the guest test tools to hand to the kernel: connected
 * loopback TCP pairs, and kTLS set on them by hand with fixed keys (the
 * same both ways and on both ends, no handshake), so that one end can
 * read what the other end's kernel link sends.
 */
#ifndef AZC_TESTS_SOCKPAIR_H
#define AZC_TESTS_SOCKPAIR_H

#include <stdbool.h>

/* A connected loopback TCP pair over IPv6 or IPv4: 0, or -1 with errno. */
int azt_tcp_pair(int *a, int *b, bool v6);

/* The "tls" ULP, then the TX and RX keys, each when asked: 0 or -1. */
int azt_ktls_on(int fd, bool ulp, bool tx, bool rx);

/* A loopback pair with kTLS both ways on both ends: 0, or -1 with errno. */
int azt_ktls_pair(int *a, int *b, bool v6);

#endif
