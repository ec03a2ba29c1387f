// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loopback TCP pairs and hand-set kTLS for the guest test tools: see
 * sockpair.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <linux/tls.h>

#include "sockpair.h"

int azt_tcp_pair(int *a, int *b, bool v6)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int l, e;

	*a = *b = -1;
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*s4);
	}
	l = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0)
		return -1;
	if (bind(l, (struct sockaddr *)&ss, sl) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&ss, &sl))
		goto err;
	*a = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*a < 0 || connect(*a, (struct sockaddr *)&ss, sl))
		goto err;
	*b = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (*b < 0)
		goto err;
	close(l);
	return 0;
err:
	e = errno;
	close(l);
	if (*a >= 0)
		close(*a);
	*a = -1;
	errno = e;
	return -1;
}

int azt_ktls_on(int fd, bool ulp, bool tx, bool rx)
{
	struct tls12_crypto_info_aes_gcm_128 ci;

	memset(&ci, 0, sizeof(ci));
	ci.info.version = TLS_1_2_VERSION;
	ci.info.cipher_type = TLS_CIPHER_AES_GCM_128;
	memset(ci.key, 0x4b, sizeof(ci.key));
	memset(ci.iv, 0x17, sizeof(ci.iv));
	memset(ci.salt, 0x5a, sizeof(ci.salt));
	if (ulp && setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")))
		return -1;
	if (tx && setsockopt(fd, SOL_TLS, TLS_TX, &ci, sizeof(ci)))
		return -1;
	if (rx && setsockopt(fd, SOL_TLS, TLS_RX, &ci, sizeof(ci)))
		return -1;
	return 0;
}

int azt_ktls_pair(int *a, int *b, bool v6)
{
	int e;

	if (azt_tcp_pair(a, b, v6))
		return -1;
	if (azt_ktls_on(*a, true, true, true) ||
	    azt_ktls_on(*b, true, true, true)) {
		e = errno;
		close(*a);
		close(*b);
		*a = *b = -1;
		errno = e;
		return -1;
	}
	return 0;
}
