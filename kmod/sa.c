// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SA table of an endpoint device: creation, lookup, limits, deletion,
 * packets held for a transmit SA, and the work that notifies the owner.
 * Life cycle and locking in sa.h.
 */

#include <crypto/aead.h>
#include <linux/jhash.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/ipv6.h>

#include "device.h"
#include "link.h"
#include "netlink.h"
#include "queueing.h"
#include "sa.h"

/* What a held packet remembers, in skb->cb. */
struct azc_sa_held_cb {
	unsigned long since;
	struct in6_addr peer;
};

static struct azc_sa_held_cb *azc_held_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct azc_sa_held_cb) > sizeof(skb->cb));
	return (struct azc_sa_held_cb *)skb->cb;
}

static u32 azc_peer_hash(const struct in6_addr *addr)
{
	return jhash2((const u32 *)addr, 4, 0);
}

static void azc_sa_free_work(struct work_struct *work)
{
	struct azc_sa *sa = container_of(to_rcu_work(work), struct azc_sa,
					 free_work);

	/* The tfm frees its key schedule with kfree_sensitive(). */
	crypto_free_aead(sa->aead);
	kfree_sensitive(sa);
}

static struct azc_sa_peer *azc_sa_peer_find(struct azc_sa_table *t,
					    const struct in6_addr *addr)
{
	struct azc_sa_peer *p;

	hash_for_each_possible_rcu(t->peers, p, node, azc_peer_hash(addr))
		if (ipv6_addr_equal(&p->addr, addr))
			return p;
	return NULL;
}

/* Take @sa out of the tables and free it after RCU; the mutex held. */
static void azc_sa_unlink(struct azc_sa_table *t, struct azc_sa *sa)
{
	struct azc_sa_peer *p = sa->peer;
	int i;

	lockdep_assert_held(&t->lock);
	for (i = 0; i < 2; i++) {
		if (rcu_access_pointer(p->out[i]) == sa)
			RCU_INIT_POINTER(p->out[i], NULL);
		if (p->in[i] == sa)
			p->in[i] = NULL;
	}
	if (sa->dir == AZCONNECT_SA_DIR_IN)
		hash_del_rcu(&sa->spi_node);
	list_del(&sa->list);
	t->n_sa--;
	if (!p->in[0] && !p->in[1] && !rcu_access_pointer(p->out[0]) &&
	    !rcu_access_pointer(p->out[1])) {
		hash_del_rcu(&p->node);
		kfree_rcu(p, rcu);
	}
	INIT_RCU_WORK(&sa->free_work, azc_sa_free_work);
	queue_rcu_work(azc_wq, &sa->free_work);
}

struct azc_sa *azc_sa_find(struct azc_device *azc, u8 dir, u32 spi)
{
	struct azc_sa *sa;

	lockdep_assert_held(&azc->sa.lock);
	list_for_each_entry(sa, &azc->sa.list, list)
		if (sa->dir == dir && sa->spi == spi)
			return sa;
	return NULL;
}

static struct crypto_aead *azc_sa_aead(const struct azc_sa_cfg *cfg,
				       struct netlink_ext_ack *extack)
{
	struct crypto_aead *aead;
	int ret;

	/* Synchronous only: see sa.h. */
	aead = crypto_alloc_aead("rfc4106(gcm(aes))", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(aead)) {
		NL_SET_ERR_MSG(extack, "the kernel has no rfc4106(gcm(aes))");
		return aead;
	}
	ret = crypto_aead_setauthsize(aead, AZC_ESP_ICV_LEN);
	if (!ret)
		ret = crypto_aead_setkey(aead, cfg->key, cfg->key_len);
	if (ret) {
		crypto_free_aead(aead);
		NL_SET_ERR_MSG(extack, "the AEAD refused the key");
		return ERR_PTR(ret);
	}
	return aead;
}

static struct azc_sa *azc_sa_alloc(const struct azc_sa_cfg *cfg,
				   struct netlink_ext_ack *extack)
{
	struct azc_sa *sa;

	sa = kzalloc(sizeof(*sa), GFP_KERNEL);
	if (!sa)
		return ERR_PTR(-ENOMEM);
	sa->aead = azc_sa_aead(cfg, extack);
	if (IS_ERR(sa->aead)) {
		int ret = PTR_ERR(sa->aead);

		kfree(sa);
		return ERR_PTR(ret);
	}
	sa->dir = cfg->dir;
	sa->cipher = cfg->cipher;
	sa->spi = cfg->spi;
	spin_lock_init(&sa->lock);
	if (sa->dir == AZCONNECT_SA_DIR_IN)
		azc_esp_replay_init(&sa->replay);
	else
		azc_esp_tx_init(&sa->tx, true, cfg->seq_soft);
	sa->created = ktime_get_seconds();
	sa->soft_packets = cfg->soft_packets;
	sa->hard_packets = cfg->hard_packets;
	sa->soft_bytes = cfg->soft_bytes;
	sa->hard_bytes = cfg->hard_bytes;
	sa->soft_secs = cfg->soft_secs;
	sa->hard_secs = cfg->hard_secs;
	INIT_HLIST_NODE(&sa->spi_node);
	INIT_LIST_HEAD(&sa->list);
	return sa;
}

static void azc_sa_kick(struct azc_sa_table *t, unsigned long delay)
{
	if (!READ_ONCE(t->dying))
		mod_delayed_work(azc_wq, &t->work, delay);
}

/* Send what waits for @peer, now that it has a transmit SA. */
static void azc_sa_release_held(struct azc_device *azc,
				const struct in6_addr *peer)
{
	struct azc_sa_table *t = &azc->sa;
	struct sk_buff *skb, *tmp;
	struct sk_buff_head out;
	int i;

	__skb_queue_head_init(&out);
	spin_lock_bh(&t->hold_lock);
	skb_queue_walk_safe(&t->held, skb, tmp) {
		if (ipv6_addr_equal(&azc_held_cb(skb)->peer, peer)) {
			__skb_unlink(skb, &t->held);
			__skb_queue_tail(&out, skb);
		}
	}
	for (i = 0; i < AZC_ESP_ACQUIRE_SLOTS; i++)
		if (ipv6_addr_equal(&t->acq[i].peer, peer))
			t->acq[i].pending = false;
	spin_unlock_bh(&t->hold_lock);

	while ((skb = __skb_dequeue(&out))) {
		memset(skb->cb, 0, sizeof(skb->cb));
		local_bh_disable();
		azc_xmit(skb, azc->dev);
		local_bh_enable();
	}
}

int azc_sa_new(struct azc_device *azc, const struct azc_sa_cfg *cfg,
	       struct netlink_ext_ack *extack)
{
	struct azc_sa_table *t = &azc->sa;
	struct azc_sa_peer *p, *newp = NULL;
	struct azc_sa *sa;
	int ret = 0, slot = -1, i;

	sa = azc_sa_alloc(cfg, extack);
	if (IS_ERR(sa))
		return PTR_ERR(sa);
	newp = kzalloc(sizeof(*newp), GFP_KERNEL);
	if (!newp) {
		ret = -ENOMEM;
		goto err_free;
	}

	mutex_lock(&t->lock);
	if (t->dying) {
		NL_SET_ERR_MSG(extack, "the device is going away");
		ret = -ENODEV;
		goto err_unlock;
	}
	if (t->n_sa >= AZCONNECT_SA_MAX) {
		NL_SET_ERR_MSG(extack, "the device has the most SAs it may have (sa-max)");
		ret = -ENOSPC;
		goto err_unlock;
	}
	if (azc_sa_find(azc, cfg->dir, cfg->spi)) {
		NL_SET_ERR_MSG(extack, "the device has an SA with this direction and SPI");
		ret = -EEXIST;
		goto err_unlock;
	}
	p = azc_sa_peer_find(t, &cfg->peer);
	if (p) {
		for (i = 0; i < 2; i++) {
			if (cfg->dir == AZCONNECT_SA_DIR_IN ? !p->in[i] :
			    !rcu_access_pointer(p->out[i])) {
				slot = i;
				break;
			}
		}
		if (slot < 0) {
			NL_SET_ERR_MSG(extack,
				       "the peer has two SAs in this direction: delete one first");
			ret = -EBUSY;
			goto err_unlock;
		}
	} else {
		p = newp;
		newp = NULL;
		p->addr = cfg->peer;
		hash_add_rcu(t->peers, &p->node, azc_peer_hash(&p->addr));
		slot = 0;
	}
	sa->peer = p;
	sa->gen = ++t->next_gen;
	list_add_tail(&sa->list, &t->list);
	t->n_sa++;
	/* Built: now reachable. */
	if (cfg->dir == AZCONNECT_SA_DIR_IN) {
		p->in[slot] = sa;
		hash_add_rcu(t->by_spi, &sa->spi_node, sa->spi);
	} else {
		rcu_assign_pointer(p->out[slot], sa);
	}
	if (sa->soft_secs || sa->hard_secs)
		azc_sa_kick(t, HZ);
	mutex_unlock(&t->lock);
	kfree(newp);
	if (cfg->dir == AZCONNECT_SA_DIR_OUT)
		azc_sa_release_held(azc, &cfg->peer);
	return 0;

err_unlock:
	mutex_unlock(&t->lock);
	kfree(newp);
err_free:
	crypto_free_aead(sa->aead);
	kfree_sensitive(sa);
	return ret;
}

int azc_sa_del(struct azc_device *azc, u8 dir, u32 spi)
{
	struct azc_sa *sa;
	int ret = 0;

	mutex_lock(&azc->sa.lock);
	sa = azc_sa_find(azc, dir, spi);
	if (sa)
		azc_sa_unlink(&azc->sa, sa);
	else
		ret = -ENOENT;
	mutex_unlock(&azc->sa.lock);
	return ret;
}

struct azc_sa *azc_sa_lookup_in(struct azc_device *azc, u32 spi)
{
	struct azc_sa *sa;

	hash_for_each_possible_rcu(azc->sa.by_spi, sa, spi_node, spi)
		if (sa->spi == spi)
			return sa;
	return NULL;
}

/* Of the peer's transmit SAs that still work, the newer. */
struct azc_sa *azc_sa_lookup_out(struct azc_device *azc,
				 const struct in6_addr *peer)
{
	struct azc_sa *a, *b;
	struct azc_sa_peer *p;

	p = azc_sa_peer_find(&azc->sa, peer);
	if (!p)
		return NULL;
	a = rcu_dereference(p->out[0]);
	b = rcu_dereference(p->out[1]);
	if (a && !azc_sa_usable(a))
		a = NULL;
	if (b && !azc_sa_usable(b))
		b = NULL;
	if (a && b)
		return a->gen > b->gen ? a : b;
	return a ?: b;
}

static void azc_sa_flag(struct azc_device *azc, struct azc_sa *sa, bool hard,
			u8 limit)
{
	if (hard) {
		if (test_and_set_bit(AZC_SA_DEAD, &sa->flags))
			return;
		sa->hard_limit = limit;
		set_bit(AZC_SA_NTF_HARD, &sa->flags);
	} else {
		if (test_and_set_bit(AZC_SA_SOFT_SENT, &sa->flags))
			return;
		sa->soft_limit = limit;
		set_bit(AZC_SA_NTF_SOFT, &sa->flags);
	}
	azc_sa_kick(&azc->sa, 0);
}

/* A packet of @len bytes went through @sa: count it, check the limits. */
void azc_sa_count(struct azc_device *azc, struct azc_sa *sa, unsigned int len)
{
	u64 packets = atomic64_inc_return(&sa->packets);
	u64 bytes = atomic64_add_return(len, &sa->bytes);

	if ((sa->hard_packets && packets >= sa->hard_packets) ||
	    (sa->hard_bytes && bytes >= sa->hard_bytes))
		azc_sa_flag(azc, sa, true,
			    sa->hard_packets && packets >= sa->hard_packets ?
			    AZCONNECT_SA_LIMIT_PACKETS : AZCONNECT_SA_LIMIT_BYTES);
	if ((sa->soft_packets && packets >= sa->soft_packets) ||
	    (sa->soft_bytes && bytes >= sa->soft_bytes))
		azc_sa_flag(azc, sa, false,
			    sa->soft_packets && packets >= sa->soft_packets ?
			    AZCONNECT_SA_LIMIT_PACKETS : AZCONNECT_SA_LIMIT_BYTES);
}

/* The transmit SA reached its soft sequence number, or has none left. */
void azc_sa_expire_seq(struct azc_device *azc, struct azc_sa *sa, bool hard)
{
	azc_sa_flag(azc, sa, hard, AZCONNECT_SA_LIMIT_SEQ);
}

/* Count a held packet's drop on the device and its link. */
static void azc_sa_drop_held(struct azc_device *azc, struct sk_buff *skb)
{
	struct azc_link *link;

	rcu_read_lock();
	link = rcu_dereference(azc->uplink);
	if (link)
		azc_link_count_drop(link, AZC_DROP_TX_ESP_NO_SA);
	rcu_read_unlock();
	DEV_STATS_INC(azc->dev, tx_dropped);
	kfree_skb(skb);
}

/*
 * Hold @skb for @peer, which has no transmit SA, and ask for one (at most
 * once per peer and AZC_ESP_ACQUIRE_INTERVAL). Any context.
 */
void azc_sa_hold(struct azc_device *azc, struct sk_buff *skb,
		 const struct in6_addr *peer)
{
	struct azc_sa_table *t = &azc->sa;
	struct sk_buff *drop = NULL, *it, *first = NULL;
	struct azc_sa_acquire *slot = NULL, *oldest = NULL;
	unsigned int n = 0;
	bool kick = false;
	int i;

	skb_dst_drop(skb);
	azc_held_cb(skb)->since = jiffies;
	azc_held_cb(skb)->peer = *peer;
	spin_lock_bh(&t->hold_lock);
	if (READ_ONCE(t->dying)) {
		spin_unlock_bh(&t->hold_lock);
		azc_sa_drop_held(azc, skb);
		return;
	}
	skb_queue_walk(&t->held, it) {
		if (ipv6_addr_equal(&azc_held_cb(it)->peer, peer)) {
			if (!first)
				first = it;
			n++;
		}
	}
	if (n >= AZC_ESP_HOLD_PER_PEER)
		drop = first;
	else if (skb_queue_len(&t->held) >= AZC_ESP_HOLD_MAX)
		drop = skb_peek(&t->held);
	if (drop)
		__skb_unlink(drop, &t->held);
	__skb_queue_tail(&t->held, skb);

	/* This peer's slot, else a free one, else the least recent. */
	for (i = 0; i < AZC_ESP_ACQUIRE_SLOTS; i++) {
		struct azc_sa_acquire *a = &t->acq[i];

		if (a->sent && ipv6_addr_equal(&a->peer, peer)) {
			slot = a;
			break;
		}
		if (!oldest || (oldest->sent &&
				(!a->sent || time_before(a->sent, oldest->sent))))
			oldest = a;
	}
	if (!slot) {
		slot = oldest;
		slot->peer = *peer;
		slot->sent = 0;
	}
	if (!slot->sent ||
	    time_after_eq(jiffies, slot->sent + AZC_ESP_ACQUIRE_INTERVAL)) {
		slot->sent = jiffies | 1;
		slot->pending = true;
		kick = true;
	}
	spin_unlock_bh(&t->hold_lock);

	if (drop)
		azc_sa_drop_held(azc, drop);
	if (kick)
		azc_sa_kick(t, 0);
	else
		azc_sa_kick(t, AZC_ESP_HOLD_TIME);
}

/* Drop the held packets that waited too long; whether some still wait. */
static bool azc_sa_expire_held(struct azc_device *azc)
{
	struct azc_sa_table *t = &azc->sa;
	struct sk_buff_head old;
	struct sk_buff *skb, *tmp;
	bool left;

	__skb_queue_head_init(&old);
	spin_lock_bh(&t->hold_lock);
	skb_queue_walk_safe(&t->held, skb, tmp) {
		if (time_after_eq(jiffies,
				  azc_held_cb(skb)->since + AZC_ESP_HOLD_TIME)) {
			__skb_unlink(skb, &t->held);
			__skb_queue_tail(&old, skb);
		}
	}
	left = !skb_queue_empty(&t->held);
	spin_unlock_bh(&t->hold_lock);
	while ((skb = __skb_dequeue(&old)))
		azc_sa_drop_held(azc, skb);
	return left;
}

/* Send the acquires that are due, outside the spinlock. */
static void azc_sa_send_acquires(struct azc_device *azc)
{
	struct azc_sa_table *t = &azc->sa;
	struct in6_addr peer;
	bool found;
	int i;

	for (i = 0; i < AZC_ESP_ACQUIRE_SLOTS; i++) {
		spin_lock_bh(&t->hold_lock);
		found = t->acq[i].pending;
		t->acq[i].pending = false;
		peer = t->acq[i].peer;
		spin_unlock_bh(&t->hold_lock);
		if (found)
			azc_nl_sa_acquire_ntf(azc, &peer);
	}
}

static void azc_sa_work(struct work_struct *work)
{
	struct azc_sa_table *t = container_of(to_delayed_work(work),
					      struct azc_sa_table, work);
	struct azc_device *azc = container_of(t, struct azc_device, sa);
	time64_t now = ktime_get_seconds(), age;
	struct azc_sa *sa, *tmp;
	bool again;

	azc_sa_send_acquires(azc);
	again = azc_sa_expire_held(azc);

	mutex_lock(&t->lock);
	list_for_each_entry_safe(sa, tmp, &t->list, list) {
		age = now - sa->created;
		if (sa->hard_secs && age >= sa->hard_secs)
			azc_sa_flag(azc, sa, true, AZCONNECT_SA_LIMIT_SECONDS);
		else if (sa->soft_secs && age >= sa->soft_secs)
			azc_sa_flag(azc, sa, false, AZCONNECT_SA_LIMIT_SECONDS);
		if (test_and_clear_bit(AZC_SA_NTF_SOFT, &sa->flags))
			azc_nl_sa_expire_ntf(azc, sa, AZCONNECT_SA_EXPIRE_SOFT,
					     sa->soft_limit);
		if (test_and_clear_bit(AZC_SA_NTF_HARD, &sa->flags))
			azc_nl_sa_expire_ntf(azc, sa, AZCONNECT_SA_EXPIRE_HARD,
					     sa->hard_limit);
		if (test_bit(AZC_SA_DEAD, &sa->flags)) {
			azc_sa_unlink(t, sa);
			continue;
		}
		if ((sa->hard_secs && age < sa->hard_secs) ||
		    (sa->soft_secs && !test_bit(AZC_SA_SOFT_SENT, &sa->flags)))
			again = true;
	}
	mutex_unlock(&t->lock);
	/* Flagged meanwhile: mod_delayed_work() ran us again already. */
	if (again && !READ_ONCE(t->dying))
		queue_delayed_work(azc_wq, &t->work, HZ);
}

/* Everything goes: the device is going away or becomes a relay. RTNL. */
void azc_sa_table_flush(struct azc_device *azc)
{
	struct azc_sa_table *t = &azc->sa;
	struct sk_buff_head held;
	struct sk_buff *skb;
	struct azc_sa *sa, *tmp;

	__skb_queue_head_init(&held);
	spin_lock_bh(&t->hold_lock);
	skb_queue_splice_init(&t->held, &held);
	memset(t->acq, 0, sizeof(t->acq));
	spin_unlock_bh(&t->hold_lock);
	while ((skb = __skb_dequeue(&held)))
		azc_sa_drop_held(azc, skb);

	mutex_lock(&t->lock);
	list_for_each_entry_safe(sa, tmp, &t->list, list)
		azc_sa_unlink(t, sa);
	mutex_unlock(&t->lock);
}

/* The device is going away (ndo_uninit, its links gone): stop, flush. */
void azc_sa_table_destroy(struct azc_device *azc)
{
	struct azc_sa_table *t = &azc->sa;

	mutex_lock(&t->lock);
	WRITE_ONCE(t->dying, true);
	mutex_unlock(&t->lock);
	cancel_delayed_work_sync(&t->work);
	azc_sa_table_flush(azc);
}

void azc_sa_table_init(struct azc_device *azc)
{
	struct azc_sa_table *t = &azc->sa;

	mutex_init(&t->lock);
	INIT_DELAYED_WORK(&t->work, azc_sa_work);
	hash_init(t->by_spi);
	hash_init(t->peers);
	INIT_LIST_HEAD(&t->list);
	spin_lock_init(&t->hold_lock);
	__skb_queue_head_init(&t->held);
}
