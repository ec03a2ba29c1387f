// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transmit: start_xmit picks the link, puts the SSTP and PPP headers in
 * front of the IPv6 packet and queues it; the link's worker writes the
 * queue to the kTLS socket in process context, since kTLS's sendmsg takes
 * a mutex. Packets queued back to back share TLS records (MSG_MORE).
 *
 * The worker never blocks on the peer: it sends with MSG_DONTWAIT, keeps
 * a packet the socket took only part of, and goes on from the socket's
 * write_space callback. A link that can send nothing for
 * AZC_TX_STALL_TIMEOUT while it has something to send goes down
 * (send-timeout), so a peer that stops reading holds nothing for long.
 *
 * Back-pressure: the device never stops its queue (it has none: noqueue,
 * as WireGuard's); a link whose queue is full drops (tx-queue-full), so a
 * slow peer holds up neither the stack nor the relay's other links, and
 * TCP above sees the loss and slows down.
 */

#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/addrconf.h>
#include <net/ipv6.h>

#include "compat.h"
#include "esp.h"
#include "link.h"
#include "queueing.h"
#include "sa.h"
#include "socket.h"
#include "proto/ppp.h"
#include "proto/sstp.h"

/* A packet with no link to go to: counted on the device only. */
static void azc_tx_drop_dev(struct net_device *dev, struct sk_buff *skb)
{
	DEV_STATS_INC(dev, tx_dropped);
	kfree_skb(skb);
}

static void azc_tx_drop(struct net_device *dev, struct azc_link *link,
			struct sk_buff *skb, enum azc_drop why)
{
	azc_link_count_drop(link, why);
	azc_tx_drop_dev(dev, skb);
}

/* The SSTP data header and the PPP header of an IPv6 packet. */
static int azc_encap(struct sk_buff *skb)
{
	unsigned int len = skb->len;

	if (skb_cow_head(skb, AZC_ENCAP_HLEN))
		return -ENOMEM;
	skb_push(skb, AZC_ENCAP_HLEN);
	azc_sstp_enc_data_hdr(skb->data, AZC_SSTP_HDR_LEN, AZC_PPP_HDR_LEN + len);
	azc_ppp_put_hdr(skb->data + AZC_SSTP_HDR_LEN, AZC_PPP_HDR_LEN, AZC_PPP_IPV6);
	return 0;
}

/* Queue one IPv6 packet on @link; the caller holds rcu_read_lock(). */
static void azc_xmit_link(struct azc_link *link, struct sk_buff *skb)
{
	struct net_device *dev = link->azc->dev;

	if (unlikely(skb->len > link->cfg.mru)) {
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, link->cfg.mru);
		azc_tx_drop(dev, link, skb, AZC_DROP_TX_TOO_BIG);
		return;
	}
	if (unlikely(skb_queue_len(&link->tx_queue) >= AZC_TX_QUEUE_LEN)) {
		azc_tx_drop(dev, link, skb, AZC_DROP_TX_QUEUE_FULL);
		return;
	}
	if (unlikely(azc_encap(skb))) {
		azc_tx_drop(dev, link, skb, AZC_DROP_TX_NOMEM);
		return;
	}
	skb_dst_drop(skb);
	skb_queue_tail(&link->tx_queue, skb);
	queue_work(azc_wq, &link->tx_work);
}

/*
 * An endpoint's packet to another endpoint (esp.h says which): ESP with
 * the peer's transmit SA; without one, clear text unless the device
 * requires ESP, which holds it and asks for an SA; the key exchange's
 * packets always in clear. A device in esp xfrm sends every packet as the
 * stack made it (the kernel's IPsec has done its own ESP). Returns the
 * packet to queue on @link, or NULL when it was held or dropped. The
 * caller holds rcu_read_lock().
 *
 * The MTU: an inner packet whose ESP packet would not fit the link's MRU
 * gets an ICMPv6 Packet Too Big with the size that fits
 * (azc_esp_max_inner()), so that the stack lowers the path MTU to that
 * peer alone and keeps the device's MTU for the relay and for clear text.
 */
static struct sk_buff *azc_xmit_esp(struct azc_link *link,
				    struct sk_buff *skb)
{
	struct azc_device *azc = link->azc;
	enum azconnect_esp_mode mode = READ_ONCE(azc->esp);
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	unsigned int max, len = skb->len;
	struct sk_buff *esp;
	struct azc_sa *sa;
	u64 seq;
	int ret;

	if (mode == AZCONNECT_ESP_MODE_XFRM ||
	    !azc_esp_is_peer(link, &ip6->daddr) || azc_esp_is_handshake(skb))
		return skb;
	sa = azc_sa_lookup_out(azc, &ip6->daddr);
	if (!sa) {
		if (mode != AZCONNECT_ESP_MODE_REQUIRED)
			return skb;
		azc_sa_hold(azc, skb, &ip6->daddr);
		return NULL;
	}
	max = azc_esp_max_inner(link->cfg.mru);
	if (unlikely(len > max)) {
		/*
		 * The route's own PMTU too: a Packet Too Big to this host
		 * arrives on loopback, and for packets of no socket (the
		 * kernel's echo replies) updates no route of this device.
		 */
		skb_dst_update_pmtu_no_confirm(skb, max);
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, max);
		azc_tx_drop(azc->dev, link, skb, AZC_DROP_TX_TOO_BIG);
		return NULL;
	}
	spin_lock_bh(&sa->lock);
	ret = azc_esp_tx_next(&sa->tx, &seq);
	spin_unlock_bh(&sa->lock);
	if (unlikely(ret < 0)) {
		azc_sa_expire_seq(azc, sa, true);
		azc_tx_drop(azc->dev, link, skb, AZC_DROP_TX_ESP_SEQ_EXHAUSTED);
		return NULL;
	}
	if (unlikely(ret == 1))
		azc_sa_expire_seq(azc, sa, false);
	esp = azc_esp_encrypt(sa, skb, seq);
	if (unlikely(!esp)) {
		azc_tx_drop(azc->dev, link, skb, AZC_DROP_TX_NOMEM);
		return NULL;
	}
	azc_sa_count(azc, sa, len);
	consume_skb(skb);
	return esp;
}

/* A relay sends packets to all nodes to every link, others nowhere. */
static void azc_xmit_multicast(struct azc_device *azc, struct sk_buff *skb)
{
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	struct azc_link *link;
	struct sk_buff *copy;
	unsigned int bkt;

	if (!ipv6_addr_is_ll_all_nodes(&ip6->daddr)) {
		azc_tx_drop_dev(azc->dev, skb);
		return;
	}
	hash_for_each_rcu(azc->by_iid, bkt, link, iid_node) {
		if (!azc_link_is_up(link))
			continue;
		copy = skb_copy(skb, GFP_ATOMIC);
		if (!copy) {
			azc_tx_drop(azc->dev, link, NULL, AZC_DROP_TX_NOMEM);
			continue;
		}
		azc_xmit_link(link, copy);
	}
	consume_skb(skb);
}

netdev_tx_t azc_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct azc_device *azc = netdev_priv(dev);
	const struct ipv6hdr *ip6;
	struct azc_link *link;

	if (unlikely(skb->protocol != htons(ETH_P_IPV6) ||
		     !pskb_network_may_pull(skb, sizeof(*ip6)))) {
		azc_tx_drop_dev(dev, skb);
		return NETDEV_TX_OK;
	}
	ip6 = ipv6_hdr(skb);

	rcu_read_lock();
	if (READ_ONCE(azc->mode) == AZCONNECT_DEV_MODE_ENDPOINT) {
		link = rcu_dereference(azc->uplink);
		if (likely(link && azc_link_is_up(link))) {
			skb = azc_xmit_esp(link, skb);
			if (!skb)
				goto out;
		}
	} else if (ipv6_addr_is_multicast(&ip6->daddr)) {
		azc_xmit_multicast(azc, skb);
		goto out;
	} else {
		link = azc_link_lookup_dst(azc, &ip6->daddr);
	}
	if (likely(link && azc_link_is_up(link)))
		azc_xmit_link(link, skb);
	else
		azc_tx_drop_dev(dev, skb);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

/*
 * Queue a control packet from user space (a whole SSTP packet). Control
 * may exceed the data limit a little, as it must not be lost to a burst
 * of data; the caller holds rcu_read_lock() and checked the link is up.
 */
int azc_send_ctrl(struct azc_link *link, struct sk_buff *skb)
{
	if (skb_queue_len(&link->tx_queue) >= 2 * AZC_TX_QUEUE_LEN)
		return -ENOBUFS;
	skb_queue_tail(&link->tx_queue, skb);
	queue_work(azc_wq, &link->tx_work);
	return 0;
}

static void azc_tx_count(struct azc_link *link, const struct sk_buff *skb)
{
	unsigned int len = skb->len - AZC_ENCAP_HLEN;

	if (skb->protocol != htons(ETH_P_IPV6))
		return;		/* a control packet */
	atomic64_inc(&link->stats.tx_packets);
	atomic64_add(len, &link->stats.tx_bytes);
	local_bh_disable();
	dev_sw_netstats_tx_add(link->azc->dev, 1, len);
	local_bh_enable();
}

/* Sending stopped for want of room: the watchdog starts counting. */
static void azc_tx_stall(struct azc_link *link)
{
	if (READ_ONCE(link->tx_stalled))
		return;
	WRITE_ONCE(link->tx_stalled, jiffies | 1);
	mod_delayed_work(azc_wq, &link->tx_watchdog, AZC_TX_STALL_TIMEOUT);
}

/* The socket failed: the link goes down with the packet being sent. */
static void azc_tx_error(struct azc_link *link, int err)
{
	WRITE_ONCE(link->last_error, -err);
	azc_link_count_drop(link, AZC_DROP_TX_SEND_ERROR);
	DEV_STATS_INC(link->azc->dev, tx_errors);
	kfree_skb(link->tx_skb);
	link->tx_skb = NULL;
	azc_link_down(link, err == -EPIPE ?
		      AZCONNECT_LINK_DOWN_REASON_PEER_CLOSED :
		      AZCONNECT_LINK_DOWN_REASON_TRANSPORT_ERROR);
}

/*
 * Write the packet being sent and then the queue, as far as the socket
 * takes them; the rest waits for write_space. Only this worker touches
 * tx_skb and tx_off.
 */
void azc_tx_work(struct work_struct *work)
{
	struct azc_link *link = container_of(work, struct azc_link, tx_work);
	struct net_device *dev = link->azc->dev;
	struct sk_buff *skb;
	int ret;

	for (;;) {
		if (!link->tx_skb) {
			link->tx_skb = skb_dequeue(&link->tx_queue);
			link->tx_off = 0;
			if (!link->tx_skb)
				break;
		}
		skb = link->tx_skb;
		if (!azc_link_is_up(link)) {
			link->tx_skb = NULL;
			azc_tx_drop(dev, link, skb, AZC_DROP_TX_LINK_DOWN);
			continue;
		}
		ret = azc_sock_send(link, skb->data + link->tx_off,
				    skb->len - link->tx_off,
				    !skb_queue_empty(&link->tx_queue));
		if (ret == -EAGAIN) {
			azc_tx_stall(link);
			return;
		}
		if (ret < 0) {
			azc_tx_error(link, ret);
			continue;
		}
		if (ret > 0) {	/* progress; 0 bytes is none */
			WRITE_ONCE(link->tx_stalled, 0);
			link->tx_off += ret;
		}
		if (link->tx_off < skb->len) {
			/* The rest at once: -EAGAIN says when to wait. */
			if (ret > 0)
				continue;
			azc_tx_stall(link);
			return;
		}
		link->tx_skb = NULL;
		azc_tx_count(link, skb);
		consume_skb(skb);
		cond_resched();
	}
}

/*
 * Runs AZC_TX_STALL_TIMEOUT after sending stopped; progress since then
 * clears tx_stalled and a new stall restarts the count.
 */
void azc_tx_watchdog(struct work_struct *work)
{
	struct azc_link *link = container_of(to_delayed_work(work),
					     struct azc_link, tx_watchdog);
	unsigned long since = READ_ONCE(link->tx_stalled), now = jiffies;

	if (!since)
		return;
	if (time_after_eq(now, since + AZC_TX_STALL_TIMEOUT)) {
		azc_link_down(link, AZCONNECT_LINK_DOWN_REASON_SEND_TIMEOUT);
		return;
	}
	mod_delayed_work(azc_wq, &link->tx_watchdog,
			 since + AZC_TX_STALL_TIMEOUT - now);
}

/*
 * Drop what is still queued, and the packet being sent; the link is down
 * and its workers stopped.
 */
void azc_tx_purge(struct azc_link *link)
{
	struct sk_buff *skb;

	if (link->tx_skb) {
		azc_tx_drop(link->azc->dev, link, link->tx_skb,
			    AZC_DROP_TX_LINK_DOWN);
		link->tx_skb = NULL;
	}
	while ((skb = skb_dequeue(&link->tx_queue)))
		azc_tx_drop(link->azc->dev, link, skb, AZC_DROP_TX_LINK_DOWN);
}
