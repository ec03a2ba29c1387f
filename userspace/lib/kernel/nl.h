/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small layer over libnl-3 for the azconnect generic netlink family:
 * resolves the family, turns on extended acks and returns the kernel's
 * extack message with every error.
 */

#ifndef AZC_NL_H
#define AZC_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

struct azc_nl_event;

struct azc_nl {
	struct nl_sock *sk;
	int family;
	/*
	 * Events (messages that answer no request: the kernel's unicast
	 * ctrl-ntf, multicast notifications) that arrived while a request
	 * waited for its reply, kept for azc_nl_read_events(); only with
	 * azc_nl_enable_events().
	 */
	bool events;
	struct azc_nl_event *evq, *evq_tail;
	size_t evq_len;
	uint64_t evq_dropped;
	/* Filled from the kernel's extended ack of the last failed request. */
	char extack[256];
	int extack_offset;	/* byte offset of the offending attribute, or -1 */
	int extack_miss;	/* attribute type reported missing, or -1 */
};

/*
 * Open a socket and resolve the family. Returns 0 or a negative errno:
 * -ENOENT when the family is unknown (module absent and not loadable).
 */
int azc_nl_open(struct azc_nl *nl);
/* Open an rtnetlink socket (for link creation); nl->family is unused. */
int azc_nl_open_route(struct azc_nl *nl);
void azc_nl_close(struct azc_nl *nl);

/* Allocate a request for @cmd; @flags are netlink flags such as NLM_F_DUMP. */
struct nl_msg *azc_nl_msg(struct azc_nl *nl, int cmd, int flags);

typedef int (*azc_nl_reply_cb)(struct nlmsghdr *nlh, void *arg);

/*
 * Send @msg (consumed) and wait for its acknowledgement, calling @cb for
 * each reply. Returns 0 or a negative errno; on error nl->extack holds the
 * kernel's explanation when it gave one. -EINTR means a dump was
 * interrupted by changes and should be repeated.
 */
int azc_nl_request(struct azc_nl *nl, struct nl_msg *msg, azc_nl_reply_cb cb,
		   void *arg);

/*
 * Turn @nl into a socket that also receives events: non-blocking (requests
 * still wait for their reply with poll()), a large receive buffer, and
 * messages that are not the reply to the request in progress are queued
 * instead of dropped. 0 or a negative errno.
 */
int azc_nl_enable_events(struct azc_nl *nl);
/* Join multicast group @group of the family; 0, -ENOENT or -errno. */
int azc_nl_subscribe(struct azc_nl *nl, const char *group);

typedef void (*azc_nl_event_cb)(struct nlmsghdr *nlh, void *arg);

/*
 * Calls @cb for each queued event, then for each message that can be read
 * from the socket without blocking. Returns 0, -ENOBUFS when the kernel
 * dropped messages for lack of room (some events were lost), or -EIO.
 */
int azc_nl_read_events(struct azc_nl *nl, azc_nl_event_cb cb, void *arg);
/*
 * True when events were queued during a request: they are not announced
 * by the socket's readiness, so the caller reads them without waiting.
 */
bool azc_nl_has_events(const struct azc_nl *nl);

/*
 * Parse the NLMSGERR_ATTR_* TLVs of an error or ack message into @nl.
 * Exposed for unit tests.
 */
void azc_nl_parse_ext_ack(struct azc_nl *nl, const struct nlmsghdr *nlh);

#endif /* AZC_NL_H */
