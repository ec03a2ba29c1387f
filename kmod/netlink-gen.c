// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/*
 * Policies and operations of the azconnect generic netlink family, written
 * to follow docs/netlink/azconnect.yaml. Only implemented commands are
 * registered; the others answer EOPNOTSUPP from the genetlink core.
 */

#include <linux/if.h>

#include "netlink-gen.h"

/* Attributes a device request may carry: only the mode is writable. */
const struct nla_policy azc_dev_nl_policy[AZCONNECT_A_DEV_MAX + 1] = {
	[AZCONNECT_A_DEV_MODE] = NLA_POLICY_MAX(NLA_U32, AZCONNECT_DEV_MODE_MAX),
};

/* Attributes of a link in link-new. */
const struct nla_policy azc_link_new_nl_policy[AZCONNECT_A_LINK_MRU + 1] = {
	[AZCONNECT_A_LINK_SOCKET] = { .type = NLA_U32, },
	[AZCONNECT_A_LINK_PENDING] = { .type = NLA_BINARY, .len = AZCONNECT_PENDING_MAX_LEN, },
	[AZCONNECT_A_LINK_LOCAL_IID] = NLA_POLICY_EXACT_LEN(AZCONNECT_IID_LEN),
	[AZCONNECT_A_LINK_PEER_IID] = NLA_POLICY_EXACT_LEN(AZCONNECT_IID_LEN),
	[AZCONNECT_A_LINK_PEER_ADDR] = NLA_POLICY_EXACT_LEN(16),
	[AZCONNECT_A_LINK_MRU] = NLA_POLICY_RANGE(NLA_U16, 1280, 4087),
};

/* Attributes of a link in link-get: its id alone. */
const struct nla_policy azc_link_id_nl_policy[AZCONNECT_A_LINK_ID + 1] = {
	[AZCONNECT_A_LINK_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* Attributes of a link in link-del: its id, and why it goes. */
const struct nla_policy azc_link_del_nl_policy[AZCONNECT_A_LINK_DOWN_REASON + 1] = {
	[AZCONNECT_A_LINK_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_LINK_DOWN_REASON] =
		NLA_POLICY_MAX(NLA_U32, AZCONNECT_LINK_DOWN_REASON_PROTOCOL_ERROR),
};

/* Attributes of a control frame in ctrl-send. */
const struct nla_policy azc_ctrl_nl_policy[AZCONNECT_A_CTRL_FRAME + 1] = {
	[AZCONNECT_A_CTRL_LINK_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_CTRL_KIND] = NLA_POLICY_MAX(NLA_U32, AZCONNECT_CTRL_KIND_PPP),
	[AZCONNECT_A_CTRL_FRAME] = { .type = NLA_BINARY, .len = AZCONNECT_SSTP_MAX_LEN, },
};

/* AZCONNECT_CMD_DEV_GET - do */
static const struct nla_policy azc_dev_get_nl_policy[AZCONNECT_A_IFNAME + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

/* AZCONNECT_CMD_DEV_SET - do */
static const struct nla_policy azc_dev_set_nl_policy[AZCONNECT_A_DEV + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[AZCONNECT_A_DEV] = NLA_POLICY_NESTED(azc_dev_nl_policy),
};

/* AZCONNECT_CMD_LINK_NEW - do */
static const struct nla_policy azc_link_new_op_nl_policy[AZCONNECT_A_LINK + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_LINK] = NLA_POLICY_NESTED(azc_link_new_nl_policy),
};

/* AZCONNECT_CMD_LINK_DEL - do */
static const struct nla_policy azc_link_del_op_nl_policy[AZCONNECT_A_LINK + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_LINK] = NLA_POLICY_NESTED(azc_link_del_nl_policy),
};

/* AZCONNECT_CMD_LINK_GET - do and dump */
static const struct nla_policy azc_link_id_op_nl_policy[AZCONNECT_A_LINK + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_LINK] = NLA_POLICY_NESTED(azc_link_id_nl_policy),
};

/* AZCONNECT_CMD_CTRL_SEND - do */
static const struct nla_policy azc_ctrl_send_nl_policy[AZCONNECT_A_CTRL + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_CTRL] = NLA_POLICY_NESTED(azc_ctrl_nl_policy),
};

const struct genl_ops azc_nl_ops[AZC_NL_N_OPS] = {
	{
		.cmd		= AZCONNECT_CMD_DEV_GET,
		.doit		= azc_nl_dev_get_doit,
		.dumpit		= azc_nl_dev_get_dumpit,
		.policy		= azc_dev_get_nl_policy,
		.maxattr	= AZCONNECT_A_IFNAME,
	},
	{
		.cmd		= AZCONNECT_CMD_DEV_SET,
		.doit		= azc_nl_dev_set_doit,
		.policy		= azc_dev_set_nl_policy,
		.maxattr	= AZCONNECT_A_DEV,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= AZCONNECT_CMD_LINK_NEW,
		.doit		= azc_nl_link_new_doit,
		.policy		= azc_link_new_op_nl_policy,
		.maxattr	= AZCONNECT_A_LINK,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= AZCONNECT_CMD_LINK_DEL,
		.doit		= azc_nl_link_del_doit,
		.policy		= azc_link_del_op_nl_policy,
		.maxattr	= AZCONNECT_A_LINK,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= AZCONNECT_CMD_LINK_GET,
		.doit		= azc_nl_link_get_doit,
		.dumpit		= azc_nl_link_get_dumpit,
		.policy		= azc_link_id_op_nl_policy,
		.maxattr	= AZCONNECT_A_LINK,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= AZCONNECT_CMD_CTRL_SEND,
		.doit		= azc_nl_ctrl_send_doit,
		.policy		= azc_ctrl_send_nl_policy,
		.maxattr	= AZCONNECT_A_CTRL,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};

const struct genl_multicast_group azc_nl_mcgrps[1] = {
	[AZC_NLGRP_EVENTS] = { .name = AZCONNECT_MCGRP_EVENTS, },
};
