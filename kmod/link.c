// SPDX-License-Identifier: GPL-2.0-only
/*
 * Links: creation from link-new, the device's tables (by id; the single
 * uplink of an endpoint; a relay's links by peer interface identifier),
 * lookup on the transmit path, and teardown.
 */

#include <linux/hash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "compat.h"
#include "link.h"
#include "netlink.h"
#include "queueing.h"
#include "socket.h"

struct workqueue_struct *azc_wq;

/* Every link of every device, for the netlink release notifier. */
static LIST_HEAD(azc_links);
static DEFINE_SPINLOCK(azc_links_lock);

static u64 azc_iid_key(const u8 *iid)
{
	u64 key;

	memcpy(&key, iid, sizeof(key));
	return key;
}

static void azc_link_free(struct azc_link *link)
{
	netdev_put(link->azc->dev, &link->dev_tracker);
	put_net(link->cfg.owner_net);
	kvfree(link->rx_buf);
	kfree_rcu(link, rcu);
}

void azc_link_put(struct azc_link *link)
{
	if (refcount_dec_and_test(&link->refcnt))
		azc_link_free(link);
}

/* A reference to the link @id of @azc, or NULL. */
struct azc_link *azc_link_get_by_id(struct azc_device *azc, u32 id)
{
	struct azc_link *link;

	rcu_read_lock();
	link = xa_load(&azc->links, id);
	if (link && !refcount_inc_not_zero(&link->refcnt))
		link = NULL;
	rcu_read_unlock();
	return link;
}

/*
 * The link @id that netlink socket @portid in @net made on the device it
 * knew as @ifindex, wherever that device lives now; with a reference.
 */
struct azc_link *azc_link_get_by_owner(struct net *net, u32 portid,
				       int ifindex, u32 id)
{
	struct azc_link *link, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(link, &azc_links, node) {
		if (link->id == id && link->cfg.owner_portid == portid &&
		    link->cfg.owner_ifindex == ifindex &&
		    net_eq(link->cfg.owner_net, net) &&
		    refcount_inc_not_zero(&link->refcnt)) {
			found = link;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/* The relay's link for @dst; the caller holds rcu_read_lock(). */
struct azc_link *azc_link_lookup_dst(struct azc_device *azc,
				     const struct in6_addr *dst)
{
	struct azc_link *link;

	hash_for_each_possible_rcu(azc->by_iid, link, iid_node,
				   azc_iid_key(&dst->s6_addr[8])) {
		if (ipv6_addr_equal(dst, &link->cfg.peer_addr) ||
		    ipv6_addr_equal(dst, &link->peer_ll))
			return link;
	}
	return NULL;
}

/* Check @cfg against the device's mode and links; azc->lock held. */
static int azc_link_admit(struct azc_device *azc,
			  const struct azc_link_cfg *cfg,
			  struct netlink_ext_ack *extack)
{
	struct azc_link *other;

	if (azc->mode == AZCONNECT_DEV_MODE_ENDPOINT) {
		if (azc->n_links) {
			NL_SET_ERR_MSG(extack, "an endpoint device has a link already");
			return -EBUSY;
		}
		return 0;
	}
	if (ipv6_addr_any(&cfg->peer_addr)) {
		NL_SET_ERR_MSG(extack, "a link of a relay device needs peer-addr");
		return -EINVAL;
	}
	if (memcmp(&cfg->peer_addr.s6_addr[8], cfg->peer_iid,
		   AZCONNECT_IID_LEN)) {
		NL_SET_ERR_MSG(extack, "on a relay, peer-addr must end in peer-iid");
		return -EINVAL;
	}
	/* peer-addr and the link-local address both end in the IID. */
	hash_for_each_possible(azc->by_iid, other, iid_node,
			       azc_iid_key(cfg->peer_iid)) {
		if (!memcmp(other->cfg.peer_iid, cfg->peer_iid,
			    AZCONNECT_IID_LEN)) {
			NL_SET_ERR_MSG(extack, "another link of the device has this peer-iid");
			return -EEXIST;
		}
	}
	return 0;
}

static struct azc_link *azc_link_alloc(struct azc_device *azc,
				       const struct azc_link_cfg *cfg)
{
	struct azc_link *link;

	link = kzalloc(sizeof(*link), GFP_KERNEL);
	if (!link)
		return NULL;
	link->rx_buf = kvmalloc(AZC_RX_BUF_LEN, GFP_KERNEL);
	if (!link->rx_buf) {
		kfree(link);
		return NULL;
	}
	link->azc = azc;
	link->cfg = *cfg;
	memcpy(link->rx_buf, cfg->pending, cfg->pending_len);
	link->rx_len = cfg->pending_len;
	link->cfg.pending = NULL;
	link->cfg.pending_len = 0;
	ipv6_addr_set(&link->peer_ll, htonl(0xfe800000), 0, 0, 0);
	memcpy(&link->peer_ll.s6_addr[8], cfg->peer_iid, AZCONNECT_IID_LEN);
	atomic_set(&link->state, AZCONNECT_LINK_STATE_UP);
	refcount_set(&link->refcnt, 1);
	INIT_WORK(&link->rx_work, azc_rx_work);
	INIT_WORK(&link->tx_work, azc_tx_work);
	skb_queue_head_init(&link->tx_queue);
	return link;
}

static void azc_link_teardown(struct work_struct *work);

/*
 * Create a link from @cfg and start it. The caller holds RTNL, so the
 * device cannot begin to unregister meanwhile. On success the link owns
 * @cfg->sock's reference and has taken one on @cfg->owner_net, and the
 * caller gets a reference to the link; on failure the socket's reference
 * stays with the caller.
 */
struct azc_link *azc_link_new(struct azc_device *azc,
			      const struct azc_link_cfg *cfg,
			      struct netlink_ext_ack *extack)
{
	struct net_device *dev = azc->dev;
	struct azc_link *link;
	int ret;

	ASSERT_RTNL();
	if (dev->reg_state != NETREG_REGISTERED) {
		NL_SET_ERR_MSG(extack, "the device is going away");
		return ERR_PTR(-ENODEV);
	}
	link = azc_link_alloc(azc, cfg);
	if (!link)
		return ERR_PTR(-ENOMEM);
	INIT_WORK(&link->del_work, azc_link_teardown);

	mutex_lock(&azc->lock);
	ret = azc_link_admit(azc, cfg, extack);
	if (ret)
		goto err_unlock;
	ret = xa_alloc_cyclic(&azc->links, &link->id, link,
			      XA_LIMIT(1, U32_MAX), &azc->next_id, GFP_KERNEL);
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "no free link id");
		goto err_unlock;
	}
	ret = azc_sock_attach(link, extack);
	if (ret) {
		xa_erase(&azc->links, link->id);
		goto err_unlock;
	}

	/* Committed: from here on the link owns the socket reference. */
	netdev_hold(dev, &link->dev_tracker, GFP_KERNEL);
	get_net(link->cfg.owner_net);
	if (azc->mode == AZCONNECT_DEV_MODE_ENDPOINT)
		rcu_assign_pointer(azc->uplink, link);
	else
		hash_add_rcu(azc->by_iid, &link->iid_node,
			     azc_iid_key(link->cfg.peer_iid));
	azc->n_links++;
	netif_carrier_on(dev);
	mutex_unlock(&azc->lock);

	spin_lock_bh(&azc_links_lock);
	list_add_tail_rcu(&link->node, &azc_links);
	spin_unlock_bh(&azc_links_lock);

	/* A reference for the caller, then parse what user space handed
	 * over and read on.
	 */
	refcount_inc(&link->refcnt);
	queue_work(azc_wq, &link->rx_work);
	return link;

err_unlock:
	mutex_unlock(&azc->lock);
	kvfree(link->rx_buf);
	kfree(link);
	return ERR_PTR(ret);
}

/*
 * Mark @link down for @reason and queue its teardown; only the first call
 * counts. Safe in any context.
 */
void azc_link_down(struct azc_link *link,
		   enum azconnect_link_down_reason reason)
{
	if (atomic_cmpxchg(&link->state, AZCONNECT_LINK_STATE_UP,
			   AZCONNECT_LINK_STATE_DOWN) !=
	    AZCONNECT_LINK_STATE_UP)
		return;
	link->down_reason = reason;
	queue_work(azc_wq, &link->del_work);
}

/* Take @link down and wait until it is gone; process context. */
void azc_link_del(struct azc_link *link,
		  enum azconnect_link_down_reason reason)
{
	azc_link_down(link, reason);
	flush_work(&link->del_work);
}

/*
 * Take @link off the transmit path and the carrier count. It stays in the
 * table of ids, where link-get sees it down, until its teardown ends: a
 * device going away waits for that.
 */
static void azc_link_unpublish(struct azc_link *link)
{
	struct azc_device *azc = link->azc;

	mutex_lock(&azc->lock);
	if (rcu_access_pointer(azc->uplink) == link)
		RCU_INIT_POINTER(azc->uplink, NULL);
	if (!hlist_unhashed(&link->iid_node))
		hash_del_rcu(&link->iid_node);
	if (!--azc->n_links)
		netif_carrier_off(azc->dev);
	mutex_unlock(&azc->lock);

	spin_lock_bh(&azc_links_lock);
	list_del_rcu(&link->node);
	spin_unlock_bh(&azc_links_lock);
}

static void azc_link_teardown(struct work_struct *work)
{
	struct azc_link *link = container_of(work, struct azc_link, del_work);
	struct socket *sock = link->cfg.sock;

	azc_link_unpublish(link);
	azc_sock_detach(link);
	/* No transmit path, netlink request or callback can see it now. */
	synchronize_rcu();
	cancel_work_sync(&link->rx_work);
	cancel_work_sync(&link->tx_work);
	azc_tx_purge(link);
	azc_nl_link_del_ntf(link);
	sockfd_put(sock);
	xa_erase(&link->azc->links, link->id);
	azc_link_put(link);
}

/*
 * Remove every link of a device that is going away, and wait for the
 * teardowns already under way; RTNL held.
 */
void azc_link_del_all(struct azc_device *azc)
{
	struct azc_link *link;
	unsigned long id;

	for (;;) {
		id = 0;
		rcu_read_lock();
		link = xa_find(&azc->links, &id, ULONG_MAX, XA_PRESENT);
		if (!link) {
			rcu_read_unlock();
			break;
		}
		/* Fails only after the teardown took it out of the table. */
		if (!refcount_inc_not_zero(&link->refcnt)) {
			rcu_read_unlock();
			continue;
		}
		rcu_read_unlock();
		azc_link_del(link, AZCONNECT_LINK_DOWN_REASON_TEARDOWN);
		azc_link_put(link);
	}
}

/* The netlink socket @portid in @net closed: remove the links it owns. */
void azc_link_release_owner(struct net *net, u32 portid)
{
	struct azc_link *link;

	rcu_read_lock();
	list_for_each_entry_rcu(link, &azc_links, node) {
		if (link->cfg.owner_portid == portid &&
		    net_eq(link->cfg.owner_net, net))
			azc_link_down(link, AZCONNECT_LINK_DOWN_REASON_USERSPACE);
	}
	rcu_read_unlock();
}
