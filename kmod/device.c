// SPDX-License-Identifier: GPL-2.0-only
/*
 * The azconnect net_device: a point-to-point, header-less IPv6 interface
 * whose packets travel as PPP frames in SSTP over a kernel TLS socket.
 */

#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "device.h"
#include "link.h"
#include "queueing.h"

/*
 * Runs once the last reference is gone, so that netlink handlers holding a
 * reference may still read the statistics of an unregistering device.
 */
static void azc_dev_destruct(struct net_device *dev)
{
	struct azc_device *azc = netdev_priv(dev);

	free_percpu(dev->tstats);
	xa_destroy(&azc->links);
	mutex_destroy(&azc->sa.lock);
	mutex_destroy(&azc->lock);
}

static int azc_dev_init(struct net_device *dev)
{
	struct azc_device *azc = netdev_priv(dev);

	return gro_cells_init(&azc->gro_cells, dev);
}

/* The device is unregistering (RTNL held): its links go first. */
static void azc_dev_uninit(struct net_device *dev)
{
	struct azc_device *azc = netdev_priv(dev);

	azc_link_del_all(azc);
	azc_sa_table_destroy(azc);
	gro_cells_destroy(&azc->gro_cells);
}

/*
 * The queue is never stopped (send.c drops per link instead): a noqueue
 * device that stops its queue makes the core drop and complain.
 */
static int azc_dev_open(struct net_device *dev)
{
	netif_start_queue(dev);
	return 0;
}

static const struct net_device_ops azc_netdev_ops = {
	.ndo_init		= azc_dev_init,
	.ndo_uninit		= azc_dev_uninit,
	.ndo_open		= azc_dev_open,
	.ndo_start_xmit		= azc_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

static const struct device_type azc_device_type = {
	.name = AZCONNECT_LINK_KIND,
};

bool azc_dev_is_azc(const struct net_device *dev)
{
	return dev->netdev_ops == &azc_netdev_ops;
}

int azc_dev_set_mode(struct azc_device *azc, enum azconnect_dev_mode mode,
		     struct netlink_ext_ack *extack)
{
	int ret = 0;

	mutex_lock(&azc->lock);
	if (azc->mode == mode)
		goto out;
	if (azc->n_links) {
		NL_SET_ERR_MSG(extack,
			       "cannot change the mode of a device with links");
		ret = -EBUSY;
		goto out;
	}
	WRITE_ONCE(azc->mode, mode);
out:
	mutex_unlock(&azc->lock);
	/* A relay has no SAs: those of the endpoint it was go. */
	if (!ret && mode == AZCONNECT_DEV_MODE_RELAY)
		azc_sa_table_flush(azc);
	return ret;
}

static void azc_setup(struct net_device *dev)
{
	struct azc_device *azc = netdev_priv(dev);

	dev->netdev_ops = &azc_netdev_ops;
	dev->header_ops = NULL;
	SET_NETDEV_DEVTYPE(dev, &azc_device_type);

	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = AZC_ENCAP_HLEN;
	dev->mtu = AZC_DEFAULT_MTU;
	dev->min_mtu = AZC_MIN_MTU;
	dev->max_mtu = AZC_MAX_MTU;
	dev->needs_free_netdev = true;
	/*
	 * start_xmit sees the packet's route, to lower its path MTU for
	 * ESP (send.c); it drops the route before it queues the packet.
	 */
	netif_keep_dst(dev);

	memset(azc, 0, sizeof(*azc));
	azc->dev = dev;
	azc->mode = AZCONNECT_DEV_MODE_ENDPOINT;
	mutex_init(&azc->lock);
	xa_init_flags(&azc->links, XA_FLAGS_ALLOC1);
	hash_init(azc->by_iid);
	azc_sa_table_init(azc);
}

static const struct nla_policy azc_link_policy[IFLA_AZCONNECT_MAX + 1] = {
	[IFLA_AZCONNECT_MODE] = NLA_POLICY_MAX(NLA_U32, AZCONNECT_DEV_MODE_MAX),
};

static int azc_newlink(struct net_device *dev,
		       struct rtnl_newlink_params *params,
		       struct netlink_ext_ack *extack)
{
	struct azc_device *azc = netdev_priv(dev);
	struct nlattr **data = params->data;
	int ret;

	if (data && data[IFLA_AZCONNECT_MODE])
		azc->mode = nla_get_u32(data[IFLA_AZCONNECT_MODE]);

	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;

	ret = register_netdevice(dev);
	if (ret < 0) {
		free_percpu(dev->tstats);
		dev->tstats = NULL;
		NL_SET_ERR_MSG(extack, "cannot register the azconnect device");
		return ret;
	}
	/* From here on the destructor releases what newlink allocated. */
	dev->priv_destructor = azc_dev_destruct;

	/* Carrier comes with the first link. */
	netif_carrier_off(dev);
	return 0;
}

AZC_RTNL_NEWLINK_ADAPTER(azc_newlink)

static size_t azc_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32));	/* IFLA_AZCONNECT_MODE */
}

static int azc_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct azc_device *azc = netdev_priv(dev);

	if (nla_put_u32(skb, IFLA_AZCONNECT_MODE, READ_ONCE(azc->mode)))
		return -EMSGSIZE;
	return 0;
}

struct rtnl_link_ops azc_link_ops __read_mostly = {
	.kind		= AZCONNECT_LINK_KIND,
	.priv_size	= sizeof(struct azc_device),
	.maxtype	= IFLA_AZCONNECT_MAX,
	.policy		= azc_link_policy,
	.setup		= azc_setup,
	.newlink	= AZC_RTNL_NEWLINK(azc_newlink),
	.get_size	= azc_get_size,
	.fill_info	= azc_fill_info,
};

int __init azc_device_init(void)
{
	return rtnl_link_register(&azc_link_ops);
}

void azc_device_uninit(void)
{
	/* Deletes every azconnect device left in any namespace. */
	rtnl_link_unregister(&azc_link_ops);
}
