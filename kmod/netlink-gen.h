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

#define AZC_NL_N_OPS	6

extern const struct nla_policy azc_dev_nl_policy[AZCONNECT_A_DEV_MAX + 1];
extern const struct nla_policy azc_link_new_nl_policy[AZCONNECT_A_LINK_MRU + 1];
extern const struct nla_policy azc_link_id_nl_policy[AZCONNECT_A_LINK_ID + 1];
extern const struct nla_policy azc_link_del_nl_policy[AZCONNECT_A_LINK_DOWN_REASON + 1];
extern const struct nla_policy azc_ctrl_nl_policy[AZCONNECT_A_CTRL_FRAME + 1];

extern const struct genl_ops azc_nl_ops[AZC_NL_N_OPS];
extern const struct genl_multicast_group azc_nl_mcgrps[1];

enum {
	AZC_NLGRP_EVENTS,
};

int azc_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int azc_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int azc_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info);
int azc_nl_link_new_doit(struct sk_buff *skb, struct genl_info *info);
int azc_nl_link_del_doit(struct sk_buff *skb, struct genl_info *info);
int azc_nl_link_get_doit(struct sk_buff *skb, struct genl_info *info);
int azc_nl_link_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int azc_nl_ctrl_send_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _AZC_NETLINK_GEN_H */
