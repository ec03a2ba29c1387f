/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Differences between the kernels azconnect supports (Debian 12's 6.1,
 * bookworm-backports' 6.12, and the newest kernels of Debian unstable and
 * experimental, see scripts/kernel-src), in one place. The code is written
 * against the newest API; this file adapts it to older kernels. Features
 * are detected by kmod/Kbuild from the headers of the kernel built for
 * (AZC_HAVE_*), not from version numbers, which distributions' backports
 * make unreliable.
 */

#ifndef _AZC_COMPAT_H
#define _AZC_COMPAT_H

#include <net/genetlink.h>
#include <net/rtnetlink.h>

/*
 * Multicast groups that need CAP_NET_ADMIN to join: Linux 6.7, and the
 * stable kernels it went back to (Debian's 6.1 and 6.12 have it). Without
 * it, any user could read the events group.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "the kernel lacks GENL_MCAST_CAP_NET_ADMIN (Linux 6.7 or its stable backports)"
#endif

/* The attributes of a dump request, parsed by the operation's policy. */
static inline struct nlattr **azc_genl_dump_attrs(struct netlink_callback *cb)
{
#ifdef AZC_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * rtnl_link_ops.newlink takes (dev, params, extack) since Linux 6.15, params
 * holding the namespaces and attributes that were separate arguments
 * before. A newlink FN is written once, against the new signature, and
 * followed by AZC_RTNL_NEWLINK_ADAPTER(FN); the ops take
 * AZC_RTNL_NEWLINK(FN). Older kernels get FN##_adapter, with the old
 * signature; their params know no link_net or peer_net (NULL: use
 * params->src_net).
 */
#ifdef AZC_HAVE_RTNL_NEWLINK_PARAMS
/* No adapter: only a reference, discarded at link time. */
#define AZC_RTNL_NEWLINK_ADAPTER(fn)	__ADDRESSABLE(fn)
#define AZC_RTNL_NEWLINK(fn)	fn
#else
struct rtnl_newlink_params {
	struct net *src_net;
	struct net *link_net;
	struct net *peer_net;
	struct nlattr **tb;
	struct nlattr **data;
};

#define AZC_RTNL_NEWLINK_ADAPTER(fn)					\
static int fn##_adapter(struct net *src_net, struct net_device *dev,	\
			struct nlattr *tb[], struct nlattr *data[],	\
			struct netlink_ext_ack *extack)			\
{									\
	struct rtnl_newlink_params params = {				\
		.src_net = src_net,					\
		.tb = tb,						\
		.data = data,						\
	};								\
									\
	return fn(dev, &params, extack);				\
}

#define AZC_RTNL_NEWLINK(fn)	fn##_adapter
#endif

/*
 * Split operations (a do and a dump entry per command, each with its own
 * policy), which scripts/nlgen generates, came with Linux 6.2. The
 * generated table goes to the family through azc_genl_set_split_ops(),
 * before it is registered. On older kernels it is declared with a
 * stand-in struct that has the members the generator fills in, and merged
 * into @merged (as many entries as the table): one struct genl_ops per
 * command, with the do's policy for both (tests/spec/check-spec checks
 * that the spec's do requests take every attribute of their dumps).
 */
#ifdef AZC_HAVE_GENL_SPLIT_OPS
static inline void azc_genl_set_split_ops(struct genl_family *family,
					  const struct genl_split_ops *ops,
					  unsigned int n,
					  struct genl_ops *merged)
{
	family->split_ops = ops;
	family->n_split_ops = n;
}
#else
struct genl_split_ops {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 flags;
	u8 validate;
};

static inline void azc_genl_set_split_ops(struct genl_family *family,
					  const struct genl_split_ops *ops,
					  unsigned int n,
					  struct genl_ops *merged)
{
	struct genl_ops *op = NULL;
	unsigned int i, n_ops = 0;

	for (i = 0; i < n; i++) {
		if (!op || op->cmd != ops[i].cmd)
			op = &merged[n_ops++];
		op->cmd = ops[i].cmd;
		op->flags = ops[i].flags & ~(GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP);
		op->validate |= ops[i].validate;
		if (ops[i].flags & GENL_CMD_CAP_DO)
			op->doit = ops[i].doit;
		else
			op->dumpit = ops[i].dumpit;
		if ((ops[i].flags & GENL_CMD_CAP_DO) || !op->policy) {
			op->policy = ops[i].policy;
			op->maxattr = ops[i].maxattr;
		}
	}
	family->ops = merged;
	family->n_ops = n_ops;
}
#endif

#endif /* _AZC_COMPAT_H */
