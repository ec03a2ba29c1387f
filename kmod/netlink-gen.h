/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * Policies and operations of the azconnect generic netlink family, written
 * to follow docs/netlink/azconnect.yaml.
 */

#ifndef _AZC_NETLINK_GEN_H
#define _AZC_NETLINK_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include "uapi/azconnect.h"

extern const struct nla_policy azc_dev_nl_policy[AZCONNECT_A_DEV_MAX + 1];

extern const struct genl_ops azc_nl_ops[2];
extern const struct genl_multicast_group azc_nl_mcgrps[1];

enum {
	AZC_NLGRP_EVENTS,
};

int azc_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int azc_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int azc_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _AZC_NETLINK_GEN_H */
