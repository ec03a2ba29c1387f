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

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

struct azc_nl {
	struct nl_sock *sk;
	int family;
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
 * Parse the NLMSGERR_ATTR_* TLVs of an error or ack message into @nl.
 * Exposed for unit tests.
 */
void azc_nl_parse_ext_ack(struct azc_nl *nl, const struct nlmsghdr *nlh);

#endif /* AZC_NL_H */
