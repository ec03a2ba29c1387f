/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/azconnect.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_AZCONNECT_GEN_H
#define _LINUX_AZCONNECT_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/azconnect.h>

/* Common nested types */
extern const struct nla_policy azconnect_ctrl_nl_policy[AZCONNECT_A_CTRL_FRAME + 1];
extern const struct nla_policy azconnect_dev_nl_policy[AZCONNECT_A_DEV_ESP + 1];
extern const struct nla_policy azconnect_link_nl_policy[AZCONNECT_A_LINK_TX_ESP_SEQ_EXHAUSTED + 1];
extern const struct nla_policy azconnect_sa_nl_policy[AZCONNECT_A_SA_PAD + 1];

/* Ops table for azconnect */
extern const struct genl_split_ops azconnect_nl_ops[12];

int azconnect_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int azconnect_nl_dev_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int azconnect_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info);
int azconnect_nl_link_new_doit(struct sk_buff *skb, struct genl_info *info);
int azconnect_nl_link_del_doit(struct sk_buff *skb, struct genl_info *info);
int azconnect_nl_link_get_doit(struct sk_buff *skb, struct genl_info *info);
int azconnect_nl_link_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);
int azconnect_nl_ctrl_send_doit(struct sk_buff *skb, struct genl_info *info);
int azconnect_nl_sa_new_doit(struct sk_buff *skb, struct genl_info *info);
int azconnect_nl_sa_del_doit(struct sk_buff *skb, struct genl_info *info);
int azconnect_nl_sa_get_doit(struct sk_buff *skb, struct genl_info *info);
int azconnect_nl_sa_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);

enum {
	AZCONNECT_NLGRP_EVENTS,
};

#endif /* _LINUX_AZCONNECT_GEN_H */
