/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The transport: a TCP socket that user space connected and on which it
 * enabled kernel TLS for both directions. The kernel reads and writes it
 * from workqueues, never blocking on the peer: reads and sends use
 * MSG_DONTWAIT and resume from the socket's data_ready and write_space
 * callbacks, as kTLS's other kernel users and ovpn's TCP code do; a kTLS
 * socket takes no second ULP and (on 6.1) no strparser.
 */

#ifndef _AZC_SOCKET_H
#define _AZC_SOCKET_H

#include <linux/net.h>
#include <linux/netlink.h>

struct azc_link;

/* TLS record content types (RFC 5246 section 6.2.1). */
#define AZC_TLS_ALERT		21
#define AZC_TLS_HANDSHAKE	22
#define AZC_TLS_DATA		23
/* An alert's level and description (RFC 8446 section 6) */
#define AZC_TLS_ALERT_WARNING	1
#define AZC_TLS_CLOSE_NOTIFY	0

struct socket *azc_sock_lookup(int fd, struct netlink_ext_ack *extack);
int azc_sock_attach(struct azc_link *link, struct netlink_ext_ack *extack);
void azc_sock_detach(struct azc_link *link);
int azc_sock_recv(struct azc_link *link, void *buf, size_t len, u8 *type);
int azc_sock_send(struct azc_link *link, const void *buf, size_t len,
		  bool more);
void azc_sock_close_notify(struct azc_link *link);

#endif /* _AZC_SOCKET_H */
