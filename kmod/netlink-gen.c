// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/azconnect.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/azconnect.h>

/* Common nested types */
const struct nla_policy azconnect_ctrl_nl_policy[AZCONNECT_A_CTRL_FRAME + 1] = {
	[AZCONNECT_A_CTRL_LINK_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_CTRL_KIND] = NLA_POLICY_MAX(NLA_U32, 1),
	[AZCONNECT_A_CTRL_FRAME] = { .type = NLA_BINARY, },
};

const struct nla_policy azconnect_dev_nl_policy[AZCONNECT_A_DEV_ESP + 1] = {
	[AZCONNECT_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[AZCONNECT_A_DEV_MODE] = NLA_POLICY_MAX(NLA_U32, 1),
	[AZCONNECT_A_DEV_MTU] = { .type = NLA_U32, },
	[AZCONNECT_A_DEV_CARRIER] = NLA_POLICY_MAX(NLA_U8, 1),
	[AZCONNECT_A_DEV_LINKS] = { .type = NLA_U32, },
	[AZCONNECT_A_DEV_RX_PACKETS] = { .type = NLA_U64, },
	[AZCONNECT_A_DEV_RX_BYTES] = { .type = NLA_U64, },
	[AZCONNECT_A_DEV_RX_ERRORS] = { .type = NLA_U64, },
	[AZCONNECT_A_DEV_RX_DROPPED] = { .type = NLA_U64, },
	[AZCONNECT_A_DEV_TX_PACKETS] = { .type = NLA_U64, },
	[AZCONNECT_A_DEV_TX_BYTES] = { .type = NLA_U64, },
	[AZCONNECT_A_DEV_TX_ERRORS] = { .type = NLA_U64, },
	[AZCONNECT_A_DEV_TX_DROPPED] = { .type = NLA_U64, },
	[AZCONNECT_A_DEV_ESP] = NLA_POLICY_MAX(NLA_U32, 2),
};

const struct nla_policy azconnect_link_nl_policy[AZCONNECT_A_LINK_TX_ESP_SEQ_EXHAUSTED + 1] = {
	[AZCONNECT_A_LINK_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_LINK_SOCKET] = { .type = NLA_U32, },
	[AZCONNECT_A_LINK_PENDING] = { .type = NLA_BINARY, },
	[AZCONNECT_A_LINK_LOCAL_IID] = NLA_POLICY_EXACT_LEN(AZCONNECT_IID_LEN),
	[AZCONNECT_A_LINK_PEER_IID] = NLA_POLICY_EXACT_LEN(AZCONNECT_IID_LEN),
	[AZCONNECT_A_LINK_PEER_ADDR] = NLA_POLICY_EXACT_LEN(16),
	[AZCONNECT_A_LINK_MRU] = NLA_POLICY_RANGE(NLA_U16, 1280, 4087),
	[AZCONNECT_A_LINK_STATE] = NLA_POLICY_MAX(NLA_U32, 1),
	[AZCONNECT_A_LINK_DOWN_REASON] = NLA_POLICY_MAX(NLA_U32, 11),
	[AZCONNECT_A_LINK_RX_PACKETS] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_BYTES] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_ERRORS] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_DROPPED] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_TX_PACKETS] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_TX_BYTES] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_TX_DROPPED] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_LAST_ERROR] = { .type = NLA_U32, },
	[AZCONNECT_A_LINK_RX_BAD_SSTP] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_BAD_PPP] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_BAD_IPV6] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_SPOOFED] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_DEV_DOWN] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_NOMEM] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_CTRL_LOST] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_TX_TOO_BIG] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_TX_QUEUE_FULL] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_TX_NOMEM] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_TX_LINK_DOWN] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_TX_SEND_ERROR] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_OUTSIDE] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_LOCAL_REFUSED] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_ESP_MALFORMED] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_ESP_BAD_ICV] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_ESP_UNKNOWN_SPI] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_ESP_REPLAY] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_RX_ESP_REQUIRED] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_TX_ESP_NO_SA] = { .type = NLA_U64, },
	[AZCONNECT_A_LINK_TX_ESP_SEQ_EXHAUSTED] = { .type = NLA_U64, },
};

const struct nla_policy azconnect_sa_nl_policy[AZCONNECT_A_SA_PAD + 1] = {
	[AZCONNECT_A_SA_DIR] = NLA_POLICY_MAX(NLA_U32, 1),
	[AZCONNECT_A_SA_SPI] = NLA_POLICY_MIN(NLA_U32, 256),
	[AZCONNECT_A_SA_PEER] = NLA_POLICY_EXACT_LEN(16),
	[AZCONNECT_A_SA_CIPHER] = NLA_POLICY_MAX(NLA_U32, 1),
	[AZCONNECT_A_SA_KEY] = { .type = NLA_BINARY, },
	[AZCONNECT_A_SA_SOFT_PACKETS] = { .type = NLA_U64, },
	[AZCONNECT_A_SA_HARD_PACKETS] = { .type = NLA_U64, },
	[AZCONNECT_A_SA_SOFT_BYTES] = { .type = NLA_U64, },
	[AZCONNECT_A_SA_HARD_BYTES] = { .type = NLA_U64, },
	[AZCONNECT_A_SA_SOFT_SECONDS] = { .type = NLA_U32, },
	[AZCONNECT_A_SA_HARD_SECONDS] = { .type = NLA_U32, },
	[AZCONNECT_A_SA_SEQ_SOFT] = NLA_POLICY_MIN(NLA_U64, 1),
	[AZCONNECT_A_SA_AGE] = { .type = NLA_U64, },
	[AZCONNECT_A_SA_PACKETS] = { .type = NLA_U64, },
	[AZCONNECT_A_SA_BYTES] = { .type = NLA_U64, },
	[AZCONNECT_A_SA_REPLAY_DROPS] = { .type = NLA_U64, },
	[AZCONNECT_A_SA_BAD_ICV_DROPS] = { .type = NLA_U64, },
	[AZCONNECT_A_SA_SEQ] = { .type = NLA_U64, },
	[AZCONNECT_A_SA_EXPIRE] = NLA_POLICY_MAX(NLA_U32, 1),
	[AZCONNECT_A_SA_LIMIT] = NLA_POLICY_MAX(NLA_U32, 3),
};

/* AZCONNECT_CMD_DEV_GET - do */
static const struct nla_policy azconnect_dev_get_nl_policy[AZCONNECT_A_IFNAME + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* AZCONNECT_CMD_DEV_SET - do */
static const struct nla_policy azconnect_dev_set_nl_policy[AZCONNECT_A_DEV + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[AZCONNECT_A_DEV] = NLA_POLICY_NESTED(azconnect_dev_nl_policy),
};

/* AZCONNECT_CMD_LINK_NEW - do */
static const struct nla_policy azconnect_link_new_nl_policy[AZCONNECT_A_LINK + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_LINK] = NLA_POLICY_NESTED(azconnect_link_nl_policy),
};

/* AZCONNECT_CMD_LINK_DEL - do */
static const struct nla_policy azconnect_link_del_nl_policy[AZCONNECT_A_LINK + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_LINK] = NLA_POLICY_NESTED(azconnect_link_nl_policy),
};

/* AZCONNECT_CMD_LINK_GET - do */
static const struct nla_policy azconnect_link_get_do_nl_policy[AZCONNECT_A_LINK + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_LINK] = NLA_POLICY_NESTED(azconnect_link_nl_policy),
};

/* AZCONNECT_CMD_LINK_GET - dump */
static const struct nla_policy azconnect_link_get_dump_nl_policy[AZCONNECT_A_IFINDEX + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* AZCONNECT_CMD_CTRL_SEND - do */
static const struct nla_policy azconnect_ctrl_send_nl_policy[AZCONNECT_A_CTRL + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_CTRL] = NLA_POLICY_NESTED(azconnect_ctrl_nl_policy),
};

/* AZCONNECT_CMD_SA_NEW - do */
static const struct nla_policy azconnect_sa_new_nl_policy[AZCONNECT_A_SA + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_SA] = NLA_POLICY_NESTED(azconnect_sa_nl_policy),
};

/* AZCONNECT_CMD_SA_DEL - do */
static const struct nla_policy azconnect_sa_del_nl_policy[AZCONNECT_A_SA + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_SA] = NLA_POLICY_NESTED(azconnect_sa_nl_policy),
};

/* AZCONNECT_CMD_SA_GET - do */
static const struct nla_policy azconnect_sa_get_do_nl_policy[AZCONNECT_A_SA + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[AZCONNECT_A_SA] = NLA_POLICY_NESTED(azconnect_sa_nl_policy),
};

/* AZCONNECT_CMD_SA_GET - dump */
static const struct nla_policy azconnect_sa_get_dump_nl_policy[AZCONNECT_A_IFINDEX + 1] = {
	[AZCONNECT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
};

/* Ops table for azconnect */
const struct genl_split_ops azconnect_nl_ops[12] = {
	{
		.cmd		= AZCONNECT_CMD_DEV_GET,
		.doit		= azconnect_nl_dev_get_doit,
		.policy		= azconnect_dev_get_nl_policy,
		.maxattr	= AZCONNECT_A_IFNAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= AZCONNECT_CMD_DEV_GET,
		.dumpit	= azconnect_nl_dev_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= AZCONNECT_CMD_DEV_SET,
		.doit		= azconnect_nl_dev_set_doit,
		.policy		= azconnect_dev_set_nl_policy,
		.maxattr	= AZCONNECT_A_DEV,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= AZCONNECT_CMD_LINK_NEW,
		.doit		= azconnect_nl_link_new_doit,
		.policy		= azconnect_link_new_nl_policy,
		.maxattr	= AZCONNECT_A_LINK,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= AZCONNECT_CMD_LINK_DEL,
		.doit		= azconnect_nl_link_del_doit,
		.policy		= azconnect_link_del_nl_policy,
		.maxattr	= AZCONNECT_A_LINK,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= AZCONNECT_CMD_LINK_GET,
		.doit		= azconnect_nl_link_get_doit,
		.policy		= azconnect_link_get_do_nl_policy,
		.maxattr	= AZCONNECT_A_LINK,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= AZCONNECT_CMD_LINK_GET,
		.dumpit		= azconnect_nl_link_get_dumpit,
		.policy		= azconnect_link_get_dump_nl_policy,
		.maxattr	= AZCONNECT_A_IFINDEX,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= AZCONNECT_CMD_CTRL_SEND,
		.doit		= azconnect_nl_ctrl_send_doit,
		.policy		= azconnect_ctrl_send_nl_policy,
		.maxattr	= AZCONNECT_A_CTRL,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= AZCONNECT_CMD_SA_NEW,
		.doit		= azconnect_nl_sa_new_doit,
		.policy		= azconnect_sa_new_nl_policy,
		.maxattr	= AZCONNECT_A_SA,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= AZCONNECT_CMD_SA_DEL,
		.doit		= azconnect_nl_sa_del_doit,
		.policy		= azconnect_sa_del_nl_policy,
		.maxattr	= AZCONNECT_A_SA,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= AZCONNECT_CMD_SA_GET,
		.doit		= azconnect_nl_sa_get_doit,
		.policy		= azconnect_sa_get_do_nl_policy,
		.maxattr	= AZCONNECT_A_SA,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= AZCONNECT_CMD_SA_GET,
		.dumpit		= azconnect_nl_sa_get_dumpit,
		.policy		= azconnect_sa_get_dump_nl_policy,
		.maxattr	= AZCONNECT_A_IFINDEX,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group azconnect_nl_mcgrps[] = {
	[AZCONNECT_NLGRP_EVENTS] = { "events", },
};
