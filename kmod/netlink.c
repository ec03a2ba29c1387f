// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generic netlink command handlers and family. Every request is validated
 * by the policies that scripts/nlgen generates from the spec
 * (docs/netlink/azconnect.yaml) into netlink-gen.c before a handler runs;
 * handlers add what the generated policies cannot express (the request
 * subsets of the spec: which attributes of a nest each request takes, and
 * the max-len of binary attributes; and that a request without attributes
 * in the spec takes none) and explain every error through extack.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "device.h"
#include "link.h"
#include "netlink.h"
#include "queueing.h"
#include "sa.h"
#include "socket.h"
#include "proto/ppp.h"
#include "proto/sstp.h"

/*
 * The generated policies, operations and multicast groups. They are
 * compiled here rather than on their own because ynl-gen-c makes the
 * multicast group array static, for a family struct in the same file.
 */
#include "netlink-gen.c"

static struct genl_family azc_nl_family;

/*
 * What each request takes in its nest: the request subsets of the spec,
 * named after the operation and the nest. The generated policy of a nest
 * accepts its whole attribute set, which requests and replies share.
 */
#define AZC_NL_DEV_SET_DEV	(BIT_ULL(AZCONNECT_A_DEV_MODE) |	\
				 BIT_ULL(AZCONNECT_A_DEV_ESP))
#define AZC_NL_LINK_NEW_LINK	(BIT_ULL(AZCONNECT_A_LINK_SOCKET) |	\
				 BIT_ULL(AZCONNECT_A_LINK_PENDING) |	\
				 BIT_ULL(AZCONNECT_A_LINK_LOCAL_IID) |	\
				 BIT_ULL(AZCONNECT_A_LINK_PEER_IID) |	\
				 BIT_ULL(AZCONNECT_A_LINK_PEER_ADDR) |	\
				 BIT_ULL(AZCONNECT_A_LINK_MRU))
#define AZC_NL_LINK_DEL_LINK	(BIT_ULL(AZCONNECT_A_LINK_ID) |	\
				 BIT_ULL(AZCONNECT_A_LINK_DOWN_REASON))
#define AZC_NL_LINK_GET_LINK	BIT_ULL(AZCONNECT_A_LINK_ID)
#define AZC_NL_CTRL_SEND_CTRL	(BIT_ULL(AZCONNECT_A_CTRL_LINK_ID) |	\
				 BIT_ULL(AZCONNECT_A_CTRL_KIND) |	\
				 BIT_ULL(AZCONNECT_A_CTRL_FRAME))
#define AZC_NL_SA_NEW_SA	(BIT_ULL(AZCONNECT_A_SA_DIR) |		\
				 BIT_ULL(AZCONNECT_A_SA_SPI) |		\
				 BIT_ULL(AZCONNECT_A_SA_PEER) |		\
				 BIT_ULL(AZCONNECT_A_SA_CIPHER) |	\
				 BIT_ULL(AZCONNECT_A_SA_KEY) |		\
				 BIT_ULL(AZCONNECT_A_SA_SOFT_PACKETS) |	\
				 BIT_ULL(AZCONNECT_A_SA_HARD_PACKETS) |	\
				 BIT_ULL(AZCONNECT_A_SA_SOFT_BYTES) |	\
				 BIT_ULL(AZCONNECT_A_SA_HARD_BYTES) |	\
				 BIT_ULL(AZCONNECT_A_SA_SOFT_SECONDS) |	\
				 BIT_ULL(AZCONNECT_A_SA_HARD_SECONDS) |	\
				 BIT_ULL(AZCONNECT_A_SA_SEQ_SOFT))
#define AZC_NL_SA_DEL_SA	(BIT_ULL(AZCONNECT_A_SA_DIR) |		\
				 BIT_ULL(AZCONNECT_A_SA_SPI))
#define AZC_NL_SA_GET_SA	(BIT_ULL(AZCONNECT_A_SA_DIR) |		\
				 BIT_ULL(AZCONNECT_A_SA_SPI))

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
	    nla_put_u32(skb, AZCONNECT_A_DEV_ESP, READ_ONCE(azc->esp)) ||
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

/*
 * Refuse every attribute of a request whose spec lists none. ynl-gen-c gives
 * such a request no policy, and the generic netlink of Linux 6.2 and later
 * then validates nothing (6.1 applies the do's policy to the dump).
 */
static int azc_nl_no_attrs(const struct nlmsghdr *nlh,
			   struct netlink_ext_ack *extack)
{
	if (!nlmsg_attrlen(nlh, GENL_HDRLEN))
		return 0;
	NL_SET_ERR_MSG(extack, "this request takes no attributes");
	return -EINVAL;
}

int azconnect_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
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

int azconnect_nl_dev_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	long skip = cb->args[0], idx = 0;
	struct net_device *dev;
	int ret;

	ret = azc_nl_no_attrs(cb->nlh, cb->extack);
	if (ret)
		return ret;
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

/*
 * Parse the nest @type of a request into @tb, which has @maxtype + 1 slots,
 * with @policy, the generated policy of its attribute set; then refuse the
 * attributes of the set that the request does not take: those not in
 * @subset, a mask of BIT_ULL(attribute type). The operation's policy
 * already validated the nest.
 */
static int azc_nl_nest(struct genl_info *info, int type, struct nlattr **tb,
		       int maxtype, const struct nla_policy *policy, u64 subset)
{
	int i, ret;

	if (!info->attrs[type]) {
		NL_SET_ERR_MSG(info->extack, "a nested attribute is required");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, type);
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, maxtype, info->attrs[type], policy,
			       info->extack);
	if (ret)
		return ret;
	for (i = 1; i <= maxtype; i++) {
		if (tb[i] && !(subset & BIT_ULL(i))) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i],
					    "attribute not taken by this request");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Whether the binary attribute @type of the parsed nest @tb is at most @max
 * bytes long, says why not in @extack: the max-len checks of the request
 * subsets, which ynl-gen-c 6.12 does not render into policies.
 */
static bool azc_nl_max_len(struct netlink_ext_ack *extack, struct nlattr **tb,
			   int type, int max)
{
	if (!tb[type] || nla_len(tb[type]) <= max)
		return true;
	NL_SET_ERR_MSG_ATTR(extack, tb[type], "attribute is too long");
	return false;
}

int azconnect_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attrs[ARRAY_SIZE(azconnect_dev_nl_policy)];
	struct azc_device *azc;
	struct net_device *dev;
	int ret;

	if (!info->attrs[AZCONNECT_A_DEV]) {
		NL_SET_ERR_MSG(info->extack, "the dev attribute is required");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, AZCONNECT_A_DEV);
		return -EINVAL;
	}
	ret = azc_nl_nest(info, AZCONNECT_A_DEV, attrs, ARRAY_SIZE(attrs) - 1,
			  azconnect_dev_nl_policy, AZC_NL_DEV_SET_DEV);
	if (ret)
		return ret;

	rtnl_lock();
	dev = azc_nl_dev_find(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto out;
	}
	azc = netdev_priv(dev);

	if (!attrs[AZCONNECT_A_DEV_MODE] && !attrs[AZCONNECT_A_DEV_ESP]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[AZCONNECT_A_DEV],
				    "nothing to set: mode and esp are the settable attributes");
		ret = -EINVAL;
		goto out;
	}
	if (attrs[AZCONNECT_A_DEV_MODE]) {
		ret = azc_dev_set_mode(azc,
				       nla_get_u32(attrs[AZCONNECT_A_DEV_MODE]),
				       info->extack);
		if (ret)
			goto out;
	}
	if (attrs[AZCONNECT_A_DEV_ESP])
		WRITE_ONCE(azc->esp, nla_get_u32(attrs[AZCONNECT_A_DEV_ESP]));
	netdev_state_change(dev);
out:
	rtnl_unlock();
	return ret;
}

/*
 * Whether the parsed nest @tb (from attribute @nest) has @type; if not,
 * says @msg (a literal) in @extack.
 */
#define azc_nl_need(extack, nest, tb, type, msg) ({			\
	struct netlink_ext_ack *azc_ext = (extack);			\
	int azc_type = (type);						\
	bool azc_present = !!(tb)[azc_type];				\
									\
	if (!azc_present) {						\
		NL_SET_ERR_MSG(azc_ext, msg);				\
		NL_SET_ERR_ATTR_MISS(azc_ext, nest, azc_type);		\
	}								\
	azc_present;							\
})

static int azc_nl_put_link_stat(struct sk_buff *skb, int attr, u64 v)
{
	return nla_put_u64_64bit(skb, attr, v, AZCONNECT_A_LINK_PAD);
}

static int azc_nl_link_fill(struct sk_buff *skb, struct azc_link *link,
			    u32 portid, u32 seq, int flags, u8 cmd)
{
	struct azc_link_stats *st = &link->stats;
	struct nlattr *nest;
	void *hdr;
	int i;

	hdr = genlmsg_put(skb, portid, seq, &azc_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, AZCONNECT_A_IFINDEX, link->azc->dev->ifindex))
		goto err;
	nest = nla_nest_start(skb, AZCONNECT_A_LINK);
	if (!nest)
		goto err;
	if (nla_put_u32(skb, AZCONNECT_A_LINK_ID, link->id) ||
	    nla_put(skb, AZCONNECT_A_LINK_LOCAL_IID, AZCONNECT_IID_LEN,
		    link->cfg.local_iid) ||
	    nla_put(skb, AZCONNECT_A_LINK_PEER_IID, AZCONNECT_IID_LEN,
		    link->cfg.peer_iid) ||
	    (!ipv6_addr_any(&link->cfg.peer_addr) &&
	     nla_put_in6_addr(skb, AZCONNECT_A_LINK_PEER_ADDR,
			      &link->cfg.peer_addr)) ||
	    nla_put_u16(skb, AZCONNECT_A_LINK_MRU, link->cfg.mru) ||
	    nla_put_u32(skb, AZCONNECT_A_LINK_STATE, atomic_read(&link->state)) ||
	    (cmd == AZCONNECT_CMD_LINK_DEL_NTF &&
	     nla_put_u32(skb, AZCONNECT_A_LINK_DOWN_REASON, link->down_reason)) ||
	    azc_nl_put_link_stat(skb, AZCONNECT_A_LINK_RX_PACKETS,
				 atomic64_read(&st->rx_packets)) ||
	    azc_nl_put_link_stat(skb, AZCONNECT_A_LINK_RX_BYTES,
				 atomic64_read(&st->rx_bytes)) ||
	    azc_nl_put_link_stat(skb, AZCONNECT_A_LINK_RX_ERRORS,
				 azc_link_drops(link, AZC_DROP_RX_BAD_SSTP,
						AZC_DROP_RX_BAD_IPV6) +
				 azc_link_drops(link, AZC_DROP_RX_ESP_MALFORMED,
						AZC_DROP_RX_ESP_BAD_ICV)) ||
	    azc_nl_put_link_stat(skb, AZCONNECT_A_LINK_RX_DROPPED,
				 azc_link_drops(link, AZC_DROP_RX_SPOOFED,
						AZC_DROP_RX_CTRL_LOST) +
				 azc_link_drops(link, AZC_DROP_RX_OUTSIDE,
						AZC_DROP_RX_LOCAL_REFUSED) +
				 azc_link_drops(link, AZC_DROP_RX_ESP_UNKNOWN_SPI,
						AZC_DROP_RX_ESP_REQUIRED)) ||
	    azc_nl_put_link_stat(skb, AZCONNECT_A_LINK_TX_PACKETS,
				 atomic64_read(&st->tx_packets)) ||
	    azc_nl_put_link_stat(skb, AZCONNECT_A_LINK_TX_BYTES,
				 atomic64_read(&st->tx_bytes)) ||
	    azc_nl_put_link_stat(skb, AZCONNECT_A_LINK_TX_DROPPED,
				 azc_link_drops(link, AZC_DROP_TX_TOO_BIG,
						AZC_DROP_TX_SEND_ERROR) +
				 azc_link_drops(link, AZC_DROP_TX_ESP_NO_SA,
						AZC_DROP_TX_ESP_SEQ_EXHAUSTED)) ||
	    nla_put_u32(skb, AZCONNECT_A_LINK_LAST_ERROR,
			READ_ONCE(link->last_error)))
		goto err_nest;
	/* One counter per reason, in the order of the attributes. */
	BUILD_BUG_ON(AZCONNECT_A_LINK_TX_ESP_SEQ_EXHAUSTED - AZCONNECT_A_LINK_RX_BAD_SSTP !=
		     AZC_DROP_TX_ESP_SEQ_EXHAUSTED - AZC_DROP_RX_BAD_SSTP);
	BUILD_BUG_ON(AZC_DROP_TX_ESP_SEQ_EXHAUSTED + 1 != AZC_DROP_NUM);
	for (i = 0; i < AZC_DROP_NUM; i++)
		if (azc_nl_put_link_stat(skb, AZCONNECT_A_LINK_RX_BAD_SSTP + i,
					 atomic64_read(&st->drops[i])))
			goto err_nest;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
err_nest:
	nla_nest_cancel(skb, nest);
err:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* The link-new request in @tb, as a configuration; takes the socket. */
static int azc_nl_link_cfg(struct sk_buff *skb, struct genl_info *info,
			   struct nlattr **tb, struct azc_link_cfg *cfg)
{
	struct nlattr *nest = info->attrs[AZCONNECT_A_LINK];
	struct socket *sock;

	if (!azc_nl_need(info->extack, nest, tb, AZCONNECT_A_LINK_SOCKET,
			 "the socket to hand over is required") ||
	    !azc_nl_need(info->extack, nest, tb, AZCONNECT_A_LINK_LOCAL_IID,
			 "local-iid, this side's IPV6CP interface identifier, is required") ||
	    !azc_nl_need(info->extack, nest, tb, AZCONNECT_A_LINK_PEER_IID,
			 "peer-iid, the peer's IPV6CP interface identifier, is required"))
		return -EINVAL;

	memset(cfg, 0, sizeof(*cfg));
	if (tb[AZCONNECT_A_LINK_PENDING]) {
		cfg->pending = nla_data(tb[AZCONNECT_A_LINK_PENDING]);
		cfg->pending_len = nla_len(tb[AZCONNECT_A_LINK_PENDING]);
	}
	nla_memcpy(cfg->local_iid, tb[AZCONNECT_A_LINK_LOCAL_IID],
		   AZCONNECT_IID_LEN);
	nla_memcpy(cfg->peer_iid, tb[AZCONNECT_A_LINK_PEER_IID],
		   AZCONNECT_IID_LEN);
	if (tb[AZCONNECT_A_LINK_PEER_ADDR])
		cfg->peer_addr = nla_get_in6_addr(tb[AZCONNECT_A_LINK_PEER_ADDR]);
	cfg->mru = tb[AZCONNECT_A_LINK_MRU] ?
		   nla_get_u16(tb[AZCONNECT_A_LINK_MRU]) : AZC_PPP_DEFAULT_MRU;
	cfg->owner_portid = info->snd_portid;
	cfg->owner_sk = NETLINK_CB(skb).sk;
	cfg->owner_net = genl_info_net(info);

	sock = azc_sock_lookup(nla_get_u32(tb[AZCONNECT_A_LINK_SOCKET]),
			       info->extack);
	if (IS_ERR(sock)) {
		NL_SET_BAD_ATTR(info->extack, tb[AZCONNECT_A_LINK_SOCKET]);
		return PTR_ERR(sock);
	}
	cfg->sock = sock;
	return 0;
}

int azconnect_nl_link_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(azconnect_link_nl_policy)];
	struct azc_link_cfg cfg;
	struct net_device *dev;
	struct azc_link *link;
	struct sk_buff *msg;
	int ret;

	ret = azc_nl_nest(info, AZCONNECT_A_LINK, tb, ARRAY_SIZE(tb) - 1,
			  azconnect_link_nl_policy, AZC_NL_LINK_NEW_LINK);
	if (ret)
		return ret;
	if (!azc_nl_max_len(info->extack, tb, AZCONNECT_A_LINK_PENDING,
			    AZCONNECT_PENDING_MAX_LEN))
		return -ERANGE;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = azc_nl_link_cfg(skb, info, tb, &cfg);
	if (ret)
		goto err_free;

	rtnl_lock();
	dev = azc_nl_dev_find(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto err_unlock;
	}
	cfg.owner_ifindex = dev->ifindex;
	link = azc_link_new(netdev_priv(dev), &cfg, info->extack);
	if (IS_ERR(link)) {
		ret = PTR_ERR(link);
		goto err_unlock;
	}
	ret = azc_nl_link_fill(msg, link, info->snd_portid, info->snd_seq, 0,
			       AZCONNECT_CMD_LINK_NEW);
	rtnl_unlock();
	azc_link_put(link);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);

err_unlock:
	rtnl_unlock();
	sockfd_put(cfg.sock);
err_free:
	nlmsg_free(msg);
	return ret;
}

/*
 * The link @id on the device the request names, with a reference. The
 * device is looked up in the requester's namespace; failing that, the link
 * its owner made on the device it knew by that ifindex, wherever the device
 * has gone since (ip link set DEV netns NS).
 */
static struct azc_link *azc_nl_link_lookup(struct sk_buff *skb,
					   struct genl_info *info,
					   struct nlattr *id_attr)
{
	struct nlattr *ifindex = info->attrs[AZCONNECT_A_IFINDEX];
	struct net *net = genl_info_net(info);
	u32 id = nla_get_u32(id_attr);
	struct net_device *dev;
	struct azc_link *link = NULL;

	rtnl_lock();
	dev = azc_nl_dev_find(net, info->attrs, NULL);
	if (!IS_ERR(dev))
		link = azc_link_get_by_id(netdev_priv(dev), id);
	rtnl_unlock();
	if (!link && ifindex)
		link = azc_link_get_by_owner(NETLINK_CB(skb).sk,
					     nla_get_u32(ifindex), id);
	if (link)
		return link;

	/* Neither: say why, as the device lookup sees it. */
	rtnl_lock();
	dev = azc_nl_dev_find(net, info->attrs, info->extack);
	rtnl_unlock();
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	NL_SET_ERR_MSG_ATTR(info->extack, id_attr,
			    "the device has no link with this id");
	return ERR_PTR(-ENOENT);
}

/*
 * The link a link-del or link-get request names, with a reference; the
 * link nest parsed into @tb (ARRAY_SIZE(azconnect_link_nl_policy) slots),
 * taking the attributes in @subset.
 */
static struct azc_link *azc_nl_link_find(struct sk_buff *skb,
					 struct genl_info *info,
					 struct nlattr **tb, u64 subset)
{
	int ret;

	ret = azc_nl_nest(info, AZCONNECT_A_LINK, tb,
			  ARRAY_SIZE(azconnect_link_nl_policy) - 1,
			  azconnect_link_nl_policy, subset);
	if (ret)
		return ERR_PTR(ret);
	if (!azc_nl_need(info->extack, info->attrs[AZCONNECT_A_LINK], tb,
			 AZCONNECT_A_LINK_ID,
			 "the id of the link is required"))
		return ERR_PTR(-EINVAL);
	return azc_nl_link_lookup(skb, info, tb[AZCONNECT_A_LINK_ID]);
}

/* The reasons user space may give: what it can see and the kernel cannot. */
static bool azc_nl_user_reason(u32 reason)
{
	switch (reason) {
	case AZCONNECT_LINK_DOWN_REASON_USERSPACE:
	case AZCONNECT_LINK_DOWN_REASON_KEEPALIVE_TIMEOUT:
	case AZCONNECT_LINK_DOWN_REASON_PROTOCOL_ERROR:
	case AZCONNECT_LINK_DOWN_REASON_REPLACED:
	case AZCONNECT_LINK_DOWN_REASON_REVOKED:
		return true;
	}
	return false;
}

int azconnect_nl_link_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(azconnect_link_nl_policy)];
	u32 reason = AZCONNECT_LINK_DOWN_REASON_USERSPACE;
	struct azc_link *link;

	link = azc_nl_link_find(skb, info, tb, AZC_NL_LINK_DEL_LINK);
	if (IS_ERR(link))
		return PTR_ERR(link);
	if (tb[AZCONNECT_A_LINK_DOWN_REASON]) {
		reason = nla_get_u32(tb[AZCONNECT_A_LINK_DOWN_REASON]);
		if (!azc_nl_user_reason(reason)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[AZCONNECT_A_LINK_DOWN_REASON],
					    "user space may only give userspace, keepalive-timeout, protocol-error, replaced or revoked");
			azc_link_put(link);
			return -EINVAL;
		}
	}
	azc_link_del(link, reason);
	azc_link_put(link);
	return 0;
}

int azconnect_nl_link_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(azconnect_link_nl_policy)];
	struct azc_link *link;
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	link = azc_nl_link_find(skb, info, tb, AZC_NL_LINK_GET_LINK);
	if (IS_ERR(link)) {
		nlmsg_free(msg);
		return PTR_ERR(link);
	}
	ret = azc_nl_link_fill(msg, link, info->snd_portid, info->snd_seq, 0,
			       AZCONNECT_CMD_LINK_GET);
	azc_link_put(link);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/*
 * The azconnect device a dump of links (@cmd AZCONNECT_CMD_LINK_GET) or of
 * SAs (AZCONNECT_CMD_SA_GET) names by its required AZCONNECT_A_IFINDEX, or
 * an ERR_PTR with the reason in the dump's extack. The caller holds RCU or
 * RTNL, which keeps the device.
 */
static struct azc_device *azc_nl_dump_dev(struct sk_buff *skb,
					  struct netlink_callback *cb, u8 cmd)
{
	struct nlattr *ifindex = azc_genl_dump_attrs(cb)[AZCONNECT_A_IFINDEX];
	struct net_device *dev;

	if (!ifindex) {
		if (cmd == AZCONNECT_CMD_SA_GET)
			NL_SET_ERR_MSG(cb->extack,
				       "a dump of SAs needs the ifindex of the device");
		else
			NL_SET_ERR_MSG(cb->extack,
				       "a dump of links needs the ifindex of the device");
		NL_SET_ERR_ATTR_MISS(cb->extack, NULL, AZCONNECT_A_IFINDEX);
		return ERR_PTR(-EINVAL);
	}
	rcu_read_lock();
	dev = dev_get_by_index_rcu(sock_net(skb->sk), nla_get_u32(ifindex));
	rcu_read_unlock();
	if (!dev || !azc_dev_is_azc(dev)) {
		NL_SET_ERR_MSG_ATTR(cb->extack, ifindex,
				    "no azconnect device with this ifindex");
		return ERR_PTR(-ENODEV);
	}
	return netdev_priv(dev);
}

int azconnect_nl_link_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	unsigned long id = cb->args[0];
	struct azc_device *azc;
	struct azc_link *link;
	int ret = 0;

	rcu_read_lock();
	azc = azc_nl_dump_dev(skb, cb, AZCONNECT_CMD_LINK_GET);
	if (IS_ERR(azc)) {
		rcu_read_unlock();
		return PTR_ERR(azc);
	}
	xa_for_each_start(&azc->links, id, link, cb->args[0]) {
		ret = azc_nl_link_fill(skb, link, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI,
				       AZCONNECT_CMD_LINK_GET);
		if (ret)
			break;
		cb->args[0] = id + 1;
	}
	rcu_read_unlock();
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

/*
 * A control frame from user space as an skb holding the SSTP packet to
 * send, or an ERR_PTR with the reason in extack.
 */
static struct sk_buff *azc_nl_ctrl_skb(struct genl_info *info,
				       struct nlattr *frame, u32 kind)
{
	unsigned int len = nla_len(frame), hlen = 0;
	const u8 *data = nla_data(frame);
	struct azc_sstp_hdr hdr;
	struct azc_ppp_frame f;
	struct sk_buff *skb;

	if (kind == AZCONNECT_CTRL_KIND_SSTP) {
		if (azc_sstp_hdr_decode(data, len, &hdr) || !hdr.control ||
		    len < AZC_SSTP_CTRL_HDR_LEN) {
			NL_SET_ERR_MSG_ATTR(info->extack, frame,
					    "not an SSTP control packet (version 1.0, C bit, length of the frame)");
			return ERR_PTR(-EINVAL);
		}
	} else {
		if (len > AZC_SSTP_MAX_DATA || azc_ppp_frame_decode(data, len, &f)) {
			NL_SET_ERR_MSG_ATTR(info->extack, frame,
					    "not a PPP frame (ff 03, protocol; at most 4091 bytes)");
			return ERR_PTR(-EINVAL);
		}
		if (f.proto == AZC_PPP_IPV6) {
			NL_SET_ERR_MSG_ATTR(info->extack, frame,
					    "IPv6 data goes through the device, not ctrl-send");
			return ERR_PTR(-EINVAL);
		}
		hlen = AZC_SSTP_HDR_LEN;
	}
	skb = alloc_skb(hlen + len, GFP_KERNEL);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	if (hlen)
		azc_sstp_enc_data_hdr(skb_put(skb, hlen), hlen, len);
	skb_put_data(skb, data, len);
	return skb;
}

static int azc_nl_ctrl_queue(struct sk_buff *req, struct genl_info *info,
			     struct nlattr *id, struct sk_buff *skb)
{
	struct azc_link *link;
	int ret;

	link = azc_nl_link_lookup(req, info, id);
	if (IS_ERR(link))
		return PTR_ERR(link);
	rcu_read_lock();
	if (!azc_link_owned_by(link, NETLINK_CB(req).sk)) {
		NL_SET_ERR_MSG_ATTR(info->extack, id, "only the owner of the link may send on it");
		ret = -EPERM;
	} else if (!azc_link_is_up(link)) {
		NL_SET_ERR_MSG_ATTR(info->extack, id, "the link is down");
		ret = -ENOTCONN;
	} else {
		ret = azc_send_ctrl(link, skb);
		if (ret)
			NL_SET_ERR_MSG(info->extack, "the transmit queue of the link is full");
	}
	rcu_read_unlock();
	azc_link_put(link);
	return ret;
}

int azconnect_nl_ctrl_send_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[AZCONNECT_A_CTRL];
	struct nlattr *tb[ARRAY_SIZE(azconnect_ctrl_nl_policy)];
	struct sk_buff *frame;
	int ret;

	ret = azc_nl_nest(info, AZCONNECT_A_CTRL, tb, ARRAY_SIZE(tb) - 1,
			  azconnect_ctrl_nl_policy, AZC_NL_CTRL_SEND_CTRL);
	if (ret)
		return ret;
	if (!azc_nl_max_len(info->extack, tb, AZCONNECT_A_CTRL_FRAME,
			    AZCONNECT_SSTP_MAX_LEN))
		return -ERANGE;
	if (!azc_nl_need(info->extack, nest, tb, AZCONNECT_A_CTRL_LINK_ID,
			 "the link-id of the link to send on is required") ||
	    !azc_nl_need(info->extack, nest, tb, AZCONNECT_A_CTRL_KIND,
			 "the kind of the frame is required") ||
	    !azc_nl_need(info->extack, nest, tb, AZCONNECT_A_CTRL_FRAME,
			 "the frame is required"))
		return -EINVAL;
	frame = azc_nl_ctrl_skb(info, tb[AZCONNECT_A_CTRL_FRAME],
				nla_get_u32(tb[AZCONNECT_A_CTRL_KIND]));
	if (IS_ERR(frame))
		return PTR_ERR(frame);

	ret = azc_nl_ctrl_queue(skb, info, tb[AZCONNECT_A_CTRL_LINK_ID], frame);
	if (ret)
		kfree_skb(frame);
	return ret;
}

/*
 * Pass a control frame received on @link to its owner. Returns 0, or the
 * error of the unicast: -ECONNREFUSED when the owner's socket is gone.
 */
int azc_nl_ctrl_ntf(struct azc_link *link, enum azconnect_ctrl_kind kind,
		    const u8 *frame, unsigned int len)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	if (!azc_link_owner_alive(link))
		return -ECONNREFUSED;
	msg = genlmsg_new(nla_total_size(sizeof(u32)) * 3 +
			  nla_total_size(len) + nla_total_size(0), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &azc_nl_family, 0, AZCONNECT_CMD_CTRL_NTF);
	if (!hdr)
		goto err;
	if (nla_put_u32(msg, AZCONNECT_A_IFINDEX, link->azc->dev->ifindex))
		goto err;
	nest = nla_nest_start(msg, AZCONNECT_A_CTRL);
	if (!nest ||
	    nla_put_u32(msg, AZCONNECT_A_CTRL_LINK_ID, link->id) ||
	    nla_put_u32(msg, AZCONNECT_A_CTRL_KIND, kind) ||
	    nla_put(msg, AZCONNECT_A_CTRL_FRAME, len, frame))
		goto err;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_unicast(link->cfg.owner_net, msg,
			       link->cfg.owner_portid);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static struct sk_buff *azc_nl_link_del_msg(struct azc_link *link)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (msg &&
	    azc_nl_link_fill(msg, link, 0, 0, 0, AZCONNECT_CMD_LINK_DEL_NTF)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Tell the events group of the device's namespace that @link is gone, with
 * its last counters; and its owner too when that lives in another one (the
 * device was moved, or its namespace is going away).
 */
void azc_nl_link_del_ntf(struct azc_link *link)
{
	struct net *net = dev_net(link->azc->dev);
	struct sk_buff *msg;

	if (!net_eq(link->cfg.owner_net, net) && azc_link_owner_alive(link)) {
		msg = azc_nl_link_del_msg(link);
		if (msg)
			genlmsg_unicast(link->cfg.owner_net, msg,
					link->cfg.owner_portid);
	}
	msg = azc_nl_link_del_msg(link);
	if (msg)
		genlmsg_multicast_netns(&azc_nl_family, net, msg, 0,
					AZCONNECT_NLGRP_EVENTS, GFP_KERNEL);
}

/* ---- Security associations ---- */

static int azc_nl_put_sa_u64(struct sk_buff *skb, int attr, u64 v)
{
	return nla_put_u64_64bit(skb, attr, v, AZCONNECT_A_SA_PAD);
}

/* @sa as sa-get reports it, never its key; the table's mutex held. */
static int azc_nl_sa_fill(struct sk_buff *skb, struct azc_device *azc,
			  struct azc_sa *sa, u32 portid, u32 seq, int flags,
			  u8 cmd, int expire, int limit)
{
	struct nlattr *nest;
	u64 last;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &azc_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, AZCONNECT_A_IFINDEX, azc->dev->ifindex))
		goto err;
	nest = nla_nest_start(skb, AZCONNECT_A_SA);
	if (!nest)
		goto err;
	spin_lock_bh(&sa->lock);
	last = sa->dir == AZCONNECT_SA_DIR_IN ? sa->replay.top : sa->tx.seq;
	spin_unlock_bh(&sa->lock);
	if (nla_put_u32(skb, AZCONNECT_A_SA_DIR, sa->dir) ||
	    nla_put_u32(skb, AZCONNECT_A_SA_SPI, sa->spi) ||
	    nla_put_in6_addr(skb, AZCONNECT_A_SA_PEER, &sa->peer->addr) ||
	    nla_put_u32(skb, AZCONNECT_A_SA_CIPHER, sa->cipher) ||
	    (sa->soft_packets &&
	     azc_nl_put_sa_u64(skb, AZCONNECT_A_SA_SOFT_PACKETS, sa->soft_packets)) ||
	    (sa->hard_packets &&
	     azc_nl_put_sa_u64(skb, AZCONNECT_A_SA_HARD_PACKETS, sa->hard_packets)) ||
	    (sa->soft_bytes &&
	     azc_nl_put_sa_u64(skb, AZCONNECT_A_SA_SOFT_BYTES, sa->soft_bytes)) ||
	    (sa->hard_bytes &&
	     azc_nl_put_sa_u64(skb, AZCONNECT_A_SA_HARD_BYTES, sa->hard_bytes)) ||
	    (sa->soft_secs &&
	     nla_put_u32(skb, AZCONNECT_A_SA_SOFT_SECONDS, sa->soft_secs)) ||
	    (sa->hard_secs &&
	     nla_put_u32(skb, AZCONNECT_A_SA_HARD_SECONDS, sa->hard_secs)) ||
	    (sa->dir == AZCONNECT_SA_DIR_OUT &&
	     azc_nl_put_sa_u64(skb, AZCONNECT_A_SA_SEQ_SOFT, sa->tx.soft)) ||
	    azc_nl_put_sa_u64(skb, AZCONNECT_A_SA_AGE,
			      ktime_get_seconds() - sa->created) ||
	    azc_nl_put_sa_u64(skb, AZCONNECT_A_SA_PACKETS,
			      atomic64_read(&sa->packets)) ||
	    azc_nl_put_sa_u64(skb, AZCONNECT_A_SA_BYTES,
			      atomic64_read(&sa->bytes)) ||
	    azc_nl_put_sa_u64(skb, AZCONNECT_A_SA_REPLAY_DROPS,
			      atomic64_read(&sa->replay_drops)) ||
	    azc_nl_put_sa_u64(skb, AZCONNECT_A_SA_BAD_ICV_DROPS,
			      atomic64_read(&sa->bad_icv_drops)) ||
	    azc_nl_put_sa_u64(skb, AZCONNECT_A_SA_SEQ, last) ||
	    (expire >= 0 &&
	     (nla_put_u32(skb, AZCONNECT_A_SA_EXPIRE, expire) ||
	      nla_put_u32(skb, AZCONNECT_A_SA_LIMIT, limit)))) {
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

/*
 * The endpoint device a request names, for the SA operations; RTNL held.
 * A relay has no SAs.
 */
static struct azc_device *azc_nl_sa_dev(struct genl_info *info)
{
	struct net_device *dev;
	struct azc_device *azc;

	dev = azc_nl_dev_find(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	azc = netdev_priv(dev);
	if (READ_ONCE(azc->mode) != AZCONNECT_DEV_MODE_ENDPOINT) {
		NL_SET_ERR_MSG(info->extack,
			       "not an endpoint device: only endpoints have SAs");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return azc;
}

/* The key length each cipher takes: the AES key and the 4-byte salt. */
static unsigned int azc_nl_sa_key_len(u32 cipher)
{
	return (cipher == AZCONNECT_SA_CIPHER_AES_GCM_256 ? 32 : 16) +
	       AZC_ESP_SALT_LEN;
}

static u64 azc_nl_get_u64_or0(struct nlattr *attr)
{
	return attr ? nla_get_u64(attr) : 0;
}

static u32 azc_nl_get_u32_or0(struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

/* The sa-new request in @tb as a configuration, or why not. */
static int azc_nl_sa_cfg(struct genl_info *info, struct nlattr **tb,
			 struct azc_sa_cfg *cfg)
{
	struct nlattr *nest = info->attrs[AZCONNECT_A_SA];
	struct netlink_ext_ack *extack = info->extack;
	int type;

	if (!azc_nl_need(extack, nest, tb, AZCONNECT_A_SA_DIR,
			 "dir, the direction of the SA, is required") ||
	    !azc_nl_need(extack, nest, tb, AZCONNECT_A_SA_SPI,
			 "the spi of the SA is required") ||
	    !azc_nl_need(extack, nest, tb, AZCONNECT_A_SA_PEER,
			 "the peer's address is required") ||
	    !azc_nl_need(extack, nest, tb, AZCONNECT_A_SA_CIPHER,
			 "the cipher of the SA is required") ||
	    !azc_nl_need(extack, nest, tb, AZCONNECT_A_SA_KEY,
			 "the key of the SA is required"))
		return -EINVAL;
	memset(cfg, 0, sizeof(*cfg));
	cfg->dir = nla_get_u32(tb[AZCONNECT_A_SA_DIR]);
	cfg->spi = nla_get_u32(tb[AZCONNECT_A_SA_SPI]);
	cfg->peer = nla_get_in6_addr(tb[AZCONNECT_A_SA_PEER]);
	cfg->cipher = nla_get_u32(tb[AZCONNECT_A_SA_CIPHER]);
	cfg->key = nla_data(tb[AZCONNECT_A_SA_KEY]);
	cfg->key_len = nla_len(tb[AZCONNECT_A_SA_KEY]);
	if (cfg->key_len != azc_nl_sa_key_len(cfg->cipher)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[AZCONNECT_A_SA_KEY],
				    "bad key length for the cipher: 20 bytes for aes-gcm-128, 36 for aes-gcm-256 (key and 4-byte salt)");
		return -EINVAL;
	}
	type = ipv6_addr_type(&cfg->peer);
	if (!(type & IPV6_ADDR_UNICAST) ||
	    (type & (IPV6_ADDR_LINKLOCAL | IPV6_ADDR_LOOPBACK |
		     IPV6_ADDR_MAPPED))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[AZCONNECT_A_SA_PEER],
				    "the peer must be a global unicast address, another endpoint's");
		return -EINVAL;
	}
	if (cfg->dir == AZCONNECT_SA_DIR_IN && tb[AZCONNECT_A_SA_SEQ_SOFT]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[AZCONNECT_A_SA_SEQ_SOFT],
				    "seq-soft is for transmit SAs");
		return -EINVAL;
	}
	cfg->soft_packets = azc_nl_get_u64_or0(tb[AZCONNECT_A_SA_SOFT_PACKETS]);
	cfg->hard_packets = azc_nl_get_u64_or0(tb[AZCONNECT_A_SA_HARD_PACKETS]);
	cfg->soft_bytes = azc_nl_get_u64_or0(tb[AZCONNECT_A_SA_SOFT_BYTES]);
	cfg->hard_bytes = azc_nl_get_u64_or0(tb[AZCONNECT_A_SA_HARD_BYTES]);
	cfg->soft_secs = azc_nl_get_u32_or0(tb[AZCONNECT_A_SA_SOFT_SECONDS]);
	cfg->hard_secs = azc_nl_get_u32_or0(tb[AZCONNECT_A_SA_HARD_SECONDS]);
	cfg->seq_soft = azc_nl_get_u64_or0(tb[AZCONNECT_A_SA_SEQ_SOFT]);
	if ((cfg->hard_packets && cfg->soft_packets > cfg->hard_packets) ||
	    (cfg->hard_bytes && cfg->soft_bytes > cfg->hard_bytes) ||
	    (cfg->hard_secs && cfg->soft_secs > cfg->hard_secs)) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a soft limit is above its hard limit");
		return -EINVAL;
	}
	return 0;
}

int azconnect_nl_sa_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(azconnect_sa_nl_policy)];
	struct azc_device *azc;
	struct azc_sa_cfg cfg;
	int ret;

	ret = azc_nl_nest(info, AZCONNECT_A_SA, tb, ARRAY_SIZE(tb) - 1,
			  azconnect_sa_nl_policy, AZC_NL_SA_NEW_SA);
	if (ret)
		return ret;
	if (!azc_nl_max_len(info->extack, tb, AZCONNECT_A_SA_KEY,
			    AZCONNECT_SA_KEY_MAX_LEN))
		return -ERANGE;
	ret = azc_nl_sa_cfg(info, tb, &cfg);
	if (ret)
		return ret;
	rtnl_lock();
	azc = azc_nl_sa_dev(info);
	if (IS_ERR(azc))
		ret = PTR_ERR(azc);
	else
		ret = azc_sa_new(azc, &cfg, info->extack);
	rtnl_unlock();
	return ret;
}

/* The dir and spi a request names, from the nest parsed into @tb. */
static int azc_nl_sa_id(struct genl_info *info, struct nlattr **tb, u64 subset,
			u8 *dir, u32 *spi)
{
	struct nlattr *nest = info->attrs[AZCONNECT_A_SA];
	int ret;

	ret = azc_nl_nest(info, AZCONNECT_A_SA, tb,
			  ARRAY_SIZE(azconnect_sa_nl_policy) - 1,
			  azconnect_sa_nl_policy, subset);
	if (ret)
		return ret;
	if (!azc_nl_need(info->extack, nest, tb, AZCONNECT_A_SA_DIR,
			 "dir, the direction of the SA, is required") ||
	    !azc_nl_need(info->extack, nest, tb, AZCONNECT_A_SA_SPI,
			 "the spi of the SA is required"))
		return -EINVAL;
	*dir = nla_get_u32(tb[AZCONNECT_A_SA_DIR]);
	*spi = nla_get_u32(tb[AZCONNECT_A_SA_SPI]);
	return 0;
}

int azconnect_nl_sa_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(azconnect_sa_nl_policy)];
	struct azc_device *azc;
	u32 spi;
	u8 dir;
	int ret;

	ret = azc_nl_sa_id(info, tb, AZC_NL_SA_DEL_SA, &dir, &spi);
	if (ret)
		return ret;
	rtnl_lock();
	azc = azc_nl_sa_dev(info);
	if (IS_ERR(azc)) {
		ret = PTR_ERR(azc);
	} else {
		ret = azc_sa_del(azc, dir, spi);
		if (ret)
			NL_SET_ERR_MSG_ATTR(info->extack, tb[AZCONNECT_A_SA_SPI],
					    "the device has no SA with this direction and SPI");
	}
	rtnl_unlock();
	return ret;
}

int azconnect_nl_sa_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ARRAY_SIZE(azconnect_sa_nl_policy)];
	struct azc_device *azc;
	struct sk_buff *msg;
	struct azc_sa *sa;
	u32 spi;
	u8 dir;
	int ret;

	ret = azc_nl_sa_id(info, tb, AZC_NL_SA_GET_SA, &dir, &spi);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	azc = azc_nl_sa_dev(info);
	if (IS_ERR(azc)) {
		ret = PTR_ERR(azc);
		goto out;
	}
	mutex_lock(&azc->sa.lock);
	sa = azc_sa_find(azc, dir, spi);
	if (sa) {
		ret = azc_nl_sa_fill(msg, azc, sa, info->snd_portid,
				     info->snd_seq, 0, AZCONNECT_CMD_SA_GET,
				     -1, 0);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[AZCONNECT_A_SA_SPI],
				    "the device has no SA with this direction and SPI");
		ret = -ENOENT;
	}
	mutex_unlock(&azc->sa.lock);
out:
	rtnl_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Every SA of a device, in the order of the table's list; cb->args[0]
 * counts the SAs sent already (SAs made or deleted between two parts of a
 * dump may be missed or sent twice, as the dump marks).
 */
int azconnect_nl_sa_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	long skip = cb->args[0], idx = 0;
	struct azc_device *azc;
	struct azc_sa *sa;
	int ret = 0;

	rtnl_lock();
	azc = azc_nl_dump_dev(skb, cb, AZCONNECT_CMD_SA_GET);
	if (IS_ERR(azc)) {
		rtnl_unlock();
		return PTR_ERR(azc);
	}
	mutex_lock(&azc->sa.lock);
	list_for_each_entry(sa, &azc->sa.list, list) {
		if (idx++ < skip)
			continue;
		ret = azc_nl_sa_fill(skb, azc, sa, NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq, NLM_F_MULTI,
				     AZCONNECT_CMD_SA_GET, -1, 0);
		if (ret) {
			idx--;
			break;
		}
	}
	mutex_unlock(&azc->sa.lock);
	rtnl_unlock();
	cb->args[0] = idx;
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

/*
 * A notification about @azc's SAs: to the events group of the device's
 * namespace, and to the owner of the device's link when that lives in
 * another one (as link-del-ntf). Process context.
 */
static void azc_nl_sa_send(struct azc_device *azc, struct sk_buff *msg)
{
	struct net *net = dev_net(azc->dev);
	struct azc_link *link;
	struct sk_buff *copy;

	rcu_read_lock();
	link = rcu_dereference(azc->uplink);
	if (link && !net_eq(link->cfg.owner_net, net) &&
	    azc_link_owner_alive(link)) {
		copy = skb_clone(msg, GFP_ATOMIC);
		if (copy)
			genlmsg_unicast(link->cfg.owner_net, copy,
					link->cfg.owner_portid);
	}
	rcu_read_unlock();
	genlmsg_multicast_netns(&azc_nl_family, net, msg, 0,
				AZCONNECT_NLGRP_EVENTS, GFP_KERNEL);
}

/* The table's mutex held. */
void azc_nl_sa_expire_ntf(struct azc_device *azc, struct azc_sa *sa,
			  enum azconnect_sa_expire expire,
			  enum azconnect_sa_limit limit)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (azc_nl_sa_fill(msg, azc, sa, 0, 0, 0, AZCONNECT_CMD_SA_EXPIRE_NTF,
			   expire, limit)) {
		nlmsg_free(msg);
		return;
	}
	azc_nl_sa_send(azc, msg);
}

void azc_nl_sa_acquire_ntf(struct azc_device *azc, const struct in6_addr *peer)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &azc_nl_family, 0,
			  AZCONNECT_CMD_SA_ACQUIRE_NTF);
	if (!hdr)
		goto err;
	if (nla_put_u32(msg, AZCONNECT_A_IFINDEX, azc->dev->ifindex))
		goto err;
	nest = nla_nest_start(msg, AZCONNECT_A_SA);
	if (!nest || nla_put_u32(msg, AZCONNECT_A_SA_DIR, AZCONNECT_SA_DIR_OUT) ||
	    nla_put_in6_addr(msg, AZCONNECT_A_SA_PEER, peer))
		goto err;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	azc_nl_sa_send(azc, msg);
	return;
err:
	nlmsg_free(msg);
}

static int azc_nl_notify(struct notifier_block *nb, unsigned long state,
			 void *ptr)
{
	struct netlink_notify *n = ptr;

	if (state == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC)
		azc_link_release_owner(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block azc_nl_notifier __read_mostly = {
	.notifier_call = azc_nl_notify,
};

/*
 * The generated groups, with the capability to join them: link-del-ntf
 * carries addresses and counters that link-get keeps for admins.
 * ynl-gen-c renders no group flags.
 */
static struct genl_multicast_group azc_nl_mcgrps[ARRAY_SIZE(azconnect_nl_mcgrps)]
	__ro_after_init;

static struct genl_family azc_nl_family __ro_after_init = {
	.name		= AZCONNECT_FAMILY_NAME,
	.version	= AZCONNECT_FAMILY_VERSION,
	.maxattr	= AZCONNECT_A_MAX,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.resv_start_op	= AZCONNECT_CMD_MAX + 1,
	.mcgrps		= azc_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(azc_nl_mcgrps),
};

/* Where Linux 6.1 gets the generated split operations merged. */
static struct genl_ops azc_nl_merged_ops[ARRAY_SIZE(azconnect_nl_ops)]
	__ro_after_init;

int __init azc_nl_init(void)
{
	unsigned int i;
	int ret;

	/* The request subsets are masks of BIT_ULL(attribute type). */
	BUILD_BUG_ON(AZCONNECT_A_DEV_MAX >= 64 || AZCONNECT_A_LINK_MAX >= 64 ||
		     AZCONNECT_A_CTRL_MAX >= 64 || AZCONNECT_A_SA_MAX >= 64);
	for (i = 0; i < ARRAY_SIZE(azc_nl_mcgrps); i++) {
		azc_nl_mcgrps[i] = azconnect_nl_mcgrps[i];
		azc_nl_mcgrps[i].flags = GENL_MCAST_CAP_NET_ADMIN;
	}
	azc_genl_set_split_ops(&azc_nl_family, azconnect_nl_ops,
			       ARRAY_SIZE(azconnect_nl_ops), azc_nl_merged_ops);
	ret = genl_register_family(&azc_nl_family);
	if (ret)
		return ret;
	ret = netlink_register_notifier(&azc_nl_notifier);
	if (ret)
		genl_unregister_family(&azc_nl_family);
	return ret;
}

void azc_nl_uninit(void)
{
	netlink_unregister_notifier(&azc_nl_notifier);
	genl_unregister_family(&azc_nl_family);
}
