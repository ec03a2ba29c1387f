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

/* The last reference went: what the link holds goes, the link after RCU. */
static void azc_link_free(struct azc_link *link)
{
	netdev_put(link->azc->dev, &link->dev_tracker);
	put_net(link->cfg.owner_net);
	sock_put(link->cfg.owner_sk);
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
 * The link @id that netlink socket @owner made on the device it knew as
 * @ifindex, wherever that device lives now; with a reference.
 */
struct azc_link *azc_link_get_by_owner(struct sock *owner, int ifindex,
				       u32 id)
{
	struct azc_link *link, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(link, &azc_links, node) {
		if (link->id == id && azc_link_owned_by(link, owner) &&
		    link->cfg.owner_ifindex == ifindex &&
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

static void azc_link_teardown(struct work_struct *work);
static void azc_link_release_work(struct work_struct *work);

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
	atomic_set(&link->state, AZC_LINK_STATE_NEW);
	refcount_set(&link->refcnt, 1);
	INIT_WORK(&link->rx_work, azc_rx_work);
	INIT_WORK(&link->tx_work, azc_tx_work);
	INIT_DELAYED_WORK(&link->tx_watchdog, azc_tx_watchdog);
	INIT_WORK(&link->del_work, azc_link_teardown);
	INIT_WORK(&link->fin_work, azc_link_release_work);
	INIT_HLIST_NODE(&link->iid_node);
	INIT_LIST_HEAD(&link->node);
	INIT_LIST_HEAD(&link->dying);
	skb_queue_head_init(&link->tx_queue);
	return link;
}

/*
 * Make @link reachable, in one step under the device's lock: the tables of
 * the transmit path, the list of every link, the id's entry, and last its
 * state. Until the state says up, no callback queues work and nothing can
 * take it down; from then on its teardown waits for this lock.
 */
static void azc_link_publish(struct azc_link *link)
{
	struct azc_device *azc = link->azc;

	lockdep_assert_held(&azc->lock);
	if (azc->mode == AZCONNECT_DEV_MODE_ENDPOINT)
		rcu_assign_pointer(azc->uplink, link);
	else
		hash_add_rcu(azc->by_iid, &link->iid_node,
			     azc_iid_key(link->cfg.peer_iid));
	azc->n_links++;
	netif_carrier_on(azc->dev);

	spin_lock_bh(&azc_links_lock);
	list_add_tail_rcu(&link->node, &azc_links);
	spin_unlock_bh(&azc_links_lock);

	/* The reserved id's entry: cannot fail, it needs no memory. */
	WARN_ON(xa_is_err(xa_store(&azc->links, link->id, link, GFP_KERNEL)));
	atomic_set(&link->state, AZCONNECT_LINK_STATE_UP);
	/*
	 * Parse what user space handed over, and read on. Queued under the
	 * lock that the teardown takes before it cancels this work: a
	 * teardown that starts at once still finds it queued, and cancels it.
	 */
	queue_work(azc_wq, &link->rx_work);
}

/*
 * Create a link from @cfg and start it. The caller holds RTNL, so the
 * device cannot begin to unregister meanwhile. The link is built
 * completely (its references, a reserved id, the socket's callbacks)
 * before azc_link_publish() makes it reachable. On success the link owns
 * @cfg->sock's reference and has taken one on @cfg->owner_net and
 * @cfg->owner_sk, and the caller gets a reference to the link; on failure
 * the socket's reference stays with the caller and the socket is as it
 * was.
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
	netdev_hold(dev, &link->dev_tracker, GFP_KERNEL);
	get_net(link->cfg.owner_net);
	sock_hold(link->cfg.owner_sk);
	/* The tables' reference, and the caller's. */
	refcount_inc(&link->refcnt);

	mutex_lock(&azc->lock);
	ret = azc_link_admit(azc, cfg, extack);
	if (ret)
		goto err_unlock;
	/* A reserved id: lookups and dumps see nothing there yet. */
	ret = xa_alloc_cyclic(&azc->links, &link->id, NULL,
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
	azc_link_publish(link);
	mutex_unlock(&azc->lock);
	return link;

err_unlock:
	mutex_unlock(&azc->lock);
	/* Never reachable: both references go, the link after RCU anyway. */
	refcount_set(&link->refcnt, 1);
	azc_link_put(link);
	return ERR_PTR(ret);
}

/*
 * Mark @link down for @reason and queue its teardown; only the first call
 * counts, and says so. Safe in any context. The read-side section spans
 * the change of state and the queueing: once a grace period has passed
 * after a link was seen down, its teardown is queued.
 */
bool azc_link_down(struct azc_link *link,
		   enum azconnect_link_down_reason reason)
{
	bool first;

	rcu_read_lock();
	first = atomic_cmpxchg(&link->state, AZCONNECT_LINK_STATE_UP,
			       AZCONNECT_LINK_STATE_DOWN) ==
		AZCONNECT_LINK_STATE_UP;
	if (first) {
		link->down_reason = reason;
		queue_work(azc_wq, &link->del_work);
	}
	rcu_read_unlock();
	return first;
}

/* Take @link down and wait until it is gone; process context. */
void azc_link_del(struct azc_link *link,
		  enum azconnect_link_down_reason reason)
{
	/* Down by another caller, whose queue_work() may be still to come */
	if (!azc_link_down(link, reason))
		synchronize_rcu();
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

/*
 * After the grace period no transmit path, netlink request or socket
 * callback can see @link any more: its workers stop.
 */
static void azc_link_stop_workers(struct azc_link *link)
{
	cancel_work_sync(&link->rx_work);
	cancel_work_sync(&link->tx_work);
	cancel_delayed_work_sync(&link->tx_watchdog);
}

/*
 * Whether a link that went down for @reason tells its peer with a TLS
 * close_notify: when this end chose to end it, not when the connection
 * or the peer's TLS failed, or the peer closed it already.
 */
static bool azc_link_closes_cleanly(enum azconnect_link_down_reason reason)
{
	switch (reason) {
	case AZCONNECT_LINK_DOWN_REASON_PEER_CLOSED:
	case AZCONNECT_LINK_DOWN_REASON_TRUNCATED:
	case AZCONNECT_LINK_DOWN_REASON_TRANSPORT_ERROR:
	case AZCONNECT_LINK_DOWN_REASON_TLS_ALERT:
	case AZCONNECT_LINK_DOWN_REASON_SEND_TIMEOUT:
		return false;
	default:
		return true;
	}
}

/*
 * The rest, with nothing running for @link: its connection is shut down
 * and given back, the owner and the events group are told, and the
 * tables' reference goes.
 */
static void azc_link_release(struct azc_link *link)
{
	struct socket *sock = link->cfg.sock;

	azc_tx_purge(link);
	if (azc_link_closes_cleanly(link->down_reason))
		azc_sock_close_notify(link);
	kernel_sock_shutdown(sock, SHUT_RDWR);
	azc_nl_link_del_ntf(link);
	sockfd_put(sock);
	xa_erase(&link->azc->links, link->id);
	azc_link_put(link);
}

static void azc_link_teardown(struct work_struct *work)
{
	struct azc_link *link = container_of(work, struct azc_link, del_work);

	azc_link_unpublish(link);
	azc_sock_detach(link);
	synchronize_rcu();
	azc_link_stop_workers(link);
	azc_link_release(link);
}

/* azc_link_release() for azc_link_del_all(), whose reference goes too. */
static void azc_link_release_work(struct work_struct *work)
{
	struct azc_link *link = container_of(work, struct azc_link, fin_work);

	azc_link_release(link);
	azc_link_put(link);
}

/*
 * Remove every link of a device that is going away, and wait for the
 * teardowns already under way; RTNL held. The links that are up go down
 * together here, with one RCU grace period for them all, not one each;
 * shutting their connections down and the rest of azc_link_release()
 * run on azc_wq after RTNL: each link holds the device, whose
 * unregistration waits for them outside RTNL (netdev_run_todo()).
 */
void azc_link_del_all(struct azc_device *azc)
{
	struct azc_link *link, *tmp;
	unsigned long id;
	LIST_HEAD(dying);

	ASSERT_RTNL();
	/* No link-new can run (RTNL); a teardown may, on its own. */
	rcu_read_lock();
	xa_for_each(&azc->links, id, link) {
		if (!refcount_inc_not_zero(&link->refcnt))
			continue;
		if (atomic_cmpxchg(&link->state, AZCONNECT_LINK_STATE_UP,
				   AZCONNECT_LINK_STATE_DOWN) ==
		    AZCONNECT_LINK_STATE_UP) {
			link->down_reason = AZCONNECT_LINK_DOWN_REASON_TEARDOWN;
			list_add_tail(&link->dying, &dying);
		} else {
			/* Down already: its own teardown is queued. */
			list_add_tail(&link->dying, &dying);
			link->dying_queued = true;
		}
	}
	rcu_read_unlock();

	if (list_empty(&dying))
		return;
	list_for_each_entry(link, &dying, dying) {
		if (link->dying_queued)
			continue;
		azc_link_unpublish(link);
		azc_sock_detach(link);
	}
	/*
	 * Once for all: no reader sees the links taken off, and the links
	 * found down already have their teardown queued (azc_link_down()).
	 */
	synchronize_rcu();
	list_for_each_entry_safe(link, tmp, &dying, dying) {
		list_del(&link->dying);
		if (link->dying_queued) {
			flush_work(&link->del_work);
			azc_link_put(link);
		} else {
			azc_link_stop_workers(link);
			queue_work(azc_wq, &link->fin_work);
		}
	}
}

/*
 * The netlink socket @portid in @net was released: remove the links it
 * owns. The port id may be another socket's already; the released socket
 * is the one that is dead.
 */
void azc_link_release_owner(struct net *net, u32 portid)
{
	struct azc_link *link;

	rcu_read_lock();
	list_for_each_entry_rcu(link, &azc_links, node) {
		if (link->cfg.owner_portid == portid &&
		    net_eq(link->cfg.owner_net, net) &&
		    sock_flag(link->cfg.owner_sk, SOCK_DEAD)) {
			WRITE_ONCE(link->owner_gone, true);
			azc_link_down(link, AZCONNECT_LINK_DOWN_REASON_USERSPACE);
		}
	}
	rcu_read_unlock();
}
