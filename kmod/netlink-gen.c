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

const struct genl_ops azc_nl_ops[2] = {
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
};

const struct genl_multicast_group azc_nl_mcgrps[1] = {
	[AZC_NLGRP_EVENTS] = { .name = AZCONNECT_MCGRP_EVENTS, },
};
