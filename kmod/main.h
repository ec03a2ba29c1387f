/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * azconnect: IPv6 over SSTP/PPP over kernel TLS.
 *
 * Layout, one concern per file:
 *   main.c          module init and exit
 *   device.c        the net_device, its rtnl link kind and statistics
 *   link.c          links (one SSTP session each): tables, lookup, teardown
 *   socket.c        the kTLS socket under a link: checks, callbacks, I/O
 *   send.c          transmit: start_xmit, per-link queue and worker
 *   receive.c       receive: the worker that reads and splits the stream
 *   sa.c            an endpoint's ESP security associations
 *   esp.c           ESP per packet: which packets, the MTU, the AEAD
 *   netlink.c       generic netlink command handlers and notifications
 *   netlink-gen.c   generic netlink policies and operations, from the spec
 *                   in docs/netlink/azconnect.yaml
 */

#ifndef _AZC_MAIN_H
#define _AZC_MAIN_H

#define AZC_VERSION "0.1.0"

#endif /* _AZC_MAIN_H */
