// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generic netlink command handlers. Every request is validated by the
 * policies in netlink-gen.c before a handler runs; handlers add what a
 * policy cannot express and explain every error through extack.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "device.h"
#include "netlink.h"
#include "netlink-gen.h"

static struct genl_family azc_nl_family;

/*
 * Find the azconnect device a request names by AZCONNECT_A_IFINDEX or
 * AZCONNECT_A_IFNAME (both must agree when both are given). The caller holds
 * RTNL; the device stays valid until it releases it.
 */
static struct net_device *azc_nl_dev_find(struct net *net, struct nlattr **attrs,
					  struct netlink_ext_ack *extack)
{
	struct nlattr *ifindex = attrs[AZCONNECT_A_IFINDEX];
	struct nlattr *ifname = attrs[AZCONNECT_A_IFNAME];
	struct net_device *dev;

	ASSERT_RTNL();

	if (ifindex) {
		dev = __dev_get_by_index(net, nla_get_u32(ifindex));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, ifindex,
					    "no device with this ifindex");
			return ERR_PTR(-ENODEV);
		}
		if (ifname && nla_strcmp(ifname, dev->name)) {
			NL_SET_ERR_MSG_ATTR(extack, ifname,
					    "ifname and ifindex name different devices");
			return ERR_PTR(-EINVAL);
		}
	} else if (ifname) {
		dev = __dev_get_by_name(net, nla_data(ifname));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, ifname,
					    "no device with this name");
			return ERR_PTR(-ENODEV);
		}
	} else {
		NL_SET_ERR_MSG(extack, "ifindex or ifname is required");
		NL_SET_ERR_ATTR_MISS(extack, NULL, AZCONNECT_A_IFINDEX);
		return ERR_PTR(-EINVAL);
	}

	if (!azc_dev_is_azc(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname,
				    "not an azconnect device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return dev;
}

static int azc_nl_put_stat(struct sk_buff *skb, int attr, u64 value)
{
	return nla_put_u64_64bit(skb, attr, value, AZCONNECT_A_DEV_PAD);
}

/* @cb is set when filling a dump, to flag dumps the device list changed under. */
static int azc_nl_dev_fill(struct sk_buff *skb, struct net_device *dev,
			   u32 portid, u32 seq, int flags,
			   struct netlink_callback *cb)
{
	struct azc_device *azc = netdev_priv(dev);
	struct rtnl_link_stats64 st;
	struct nlattr *nest;
	void *hdr;

	ASSERT_RTNL();

	hdr = genlmsg_put(skb, portid, seq, &azc_nl_family, flags,
			  AZCONNECT_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (nla_put_u32(skb, AZCONNECT_A_IFINDEX, dev->ifindex))
		goto err;

	nest = nla_nest_start(skb, AZCONNECT_A_DEV);
	if (!nest)
		goto err;

	dev_get_stats(dev, &st);
	if (nla_put_u32(skb, AZCONNECT_A_DEV_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, AZCONNECT_A_DEV_IFNAME, dev->name) ||
	    nla_put_u32(skb, AZCONNECT_A_DEV_MODE, READ_ONCE(azc->mode)) ||
	    nla_put_u32(skb, AZCONNECT_A_DEV_MTU, READ_ONCE(dev->mtu)) ||
	    nla_put_u8(skb, AZCONNECT_A_DEV_CARRIER, netif_carrier_ok(dev)) ||
	    nla_put_u32(skb, AZCONNECT_A_DEV_LINKS, READ_ONCE(azc->n_links)) ||
	    azc_nl_put_stat(skb, AZCONNECT_A_DEV_RX_PACKETS, st.rx_packets) ||
	    azc_nl_put_stat(skb, AZCONNECT_A_DEV_RX_BYTES, st.rx_bytes) ||
	    azc_nl_put_stat(skb, AZCONNECT_A_DEV_RX_ERRORS, st.rx_errors) ||
	    azc_nl_put_stat(skb, AZCONNECT_A_DEV_RX_DROPPED, st.rx_dropped) ||
	    azc_nl_put_stat(skb, AZCONNECT_A_DEV_TX_PACKETS, st.tx_packets) ||
	    azc_nl_put_stat(skb, AZCONNECT_A_DEV_TX_BYTES, st.tx_bytes) ||
	    azc_nl_put_stat(skb, AZCONNECT_A_DEV_TX_ERRORS, st.tx_errors) ||
	    azc_nl_put_stat(skb, AZCONNECT_A_DEV_TX_DROPPED, st.tx_dropped)) {
		nla_nest_cancel(skb, nest);
		goto err;
	}
	nla_nest_end(skb, nest);

	genlmsg_end(skb, hdr);
	return 0;

err:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

int azc_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rtnl_lock();
	dev = azc_nl_dev_find(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto err_unlock;
	}
	ret = azc_nl_dev_fill(msg, dev, info->snd_portid, info->snd_seq, 0,
			      NULL);
	if (ret) {
		NL_SET_ERR_MSG(info->extack, "device state does not fit a message");
		goto err_unlock;
	}
	rtnl_unlock();

	return genlmsg_reply(msg, info);

err_unlock:
	rtnl_unlock();
	nlmsg_free(msg);
	return ret;
}

int azc_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	long skip = cb->args[0], idx = 0;
	struct net_device *dev;
	int ret = 0;

	rtnl_lock();
	cb->seq = net->dev_base_seq;
	for_each_netdev(net, dev) {
		if (!azc_dev_is_azc(dev))
			continue;
		if (idx++ < skip)
			continue;
		ret = azc_nl_dev_fill(skb, dev, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI, cb);
		if (ret) {
			idx--;
			break;
		}
	}
	rtnl_unlock();

	cb->args[0] = idx;
	/* A full buffer means "come back for more", not an error. */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

int azc_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attrs[AZCONNECT_A_DEV_MAX + 1];
	struct azc_device *azc;
	struct net_device *dev;
	int ret;

	if (!info->attrs[AZCONNECT_A_DEV]) {
		NL_SET_ERR_MSG(info->extack, "the dev attribute is required");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, AZCONNECT_A_DEV);
		return -EINVAL;
	}
	ret = nla_parse_nested(attrs, AZCONNECT_A_DEV_MAX, info->attrs[AZCONNECT_A_DEV],
			       azc_dev_nl_policy, info->extack);
	if (ret)
		return ret;

	rtnl_lock();
	dev = azc_nl_dev_find(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto out;
	}
	azc = netdev_priv(dev);

	if (!attrs[AZCONNECT_A_DEV_MODE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[AZCONNECT_A_DEV],
				    "nothing to set: the mode is the only settable attribute");
		ret = -EINVAL;
		goto out;
	}
	ret = azc_dev_set_mode(azc, nla_get_u32(attrs[AZCONNECT_A_DEV_MODE]),
			       info->extack);
	if (!ret)
		netdev_state_change(dev);
out:
	rtnl_unlock();
	return ret;
}

static struct genl_family azc_nl_family __ro_after_init = {
	.name		= AZCONNECT_FAMILY_NAME,
	.version	= AZCONNECT_FAMILY_VERSION,
	.maxattr	= AZCONNECT_A_MAX,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= azc_nl_ops,
	.n_ops		= ARRAY_SIZE(azc_nl_ops),
	.resv_start_op	= AZCONNECT_CMD_MAX + 1,
	.mcgrps		= azc_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(azc_nl_mcgrps),
};

int __init azc_nl_init(void)
{
	return genl_register_family(&azc_nl_family);
}

void azc_nl_uninit(void)
{
	genl_unregister_family(&azc_nl_family);
}
