/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A link: one SSTP session, carrying one PPP session, over one TCP socket
 * with kTLS active both ways. An endpoint device has one link (to the
 * relay); a relay device has one per endpoint.
 *
 * Life of a link: link-new creates it with one reference, held by the
 * device's tables. Whoever finds a fault (the receive worker, the transmit
 * worker, a netlink request, the owner's netlink socket going away, the
 * device going away) calls azc_link_down(), which marks it down once and
 * queues its teardown on azc_wq. The teardown takes the link out of the
 * tables, gives the socket back its callbacks and shuts it down, waits for
 * an RCU grace period and for the workers, tells user space (link-del-ntf)
 * and drops the tables' reference. Readers on the transmit path find links
 * under RCU without a reference; netlink readers take one.
 */

#ifndef _AZC_LINK_H
#define _AZC_LINK_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "device.h"

/* Packets waiting for the transmit worker, per link. */
#define AZC_TX_QUEUE_LEN	256

/*
 * Receive buffer: a whole TLS record (16 KiB at most) read at once, after
 * the unparsed start of an SSTP packet, which is shorter than 4 KiB; also
 * big enough for what user space hands over in link-new.
 */
#define AZC_RX_BUF_LEN		(32 * 1024)

/*
 * Why a link dropped a packet or counted an error; each has a counter of
 * its own, reported with the link (netlink attribute in parentheses). The
 * link's totals are sums of ranges of them: rx-errors from RX_BAD_SSTP to
 * RX_BAD_IPV6, rx-dropped from RX_SPOOFED to RX_CTRL_LOST, tx-dropped from
 * TX_TOO_BIG to TX_SEND_ERROR (azc_link_drops()).
 */
enum azc_drop {
	AZC_DROP_RX_BAD_SSTP,		/* rx-bad-sstp: broken SSTP header */
	AZC_DROP_RX_BAD_PPP,		/* rx-bad-ppp: not a PPP frame */
	AZC_DROP_RX_BAD_IPV6,		/* rx-bad-ipv6: not an IPv6 packet */
	AZC_DROP_RX_SPOOFED,		/* rx-spoofed: not the peer's source */
	AZC_DROP_RX_DEV_DOWN,		/* rx-dev-down: device administratively down */
	AZC_DROP_RX_NOMEM,		/* rx-nomem: no buffer */
	AZC_DROP_RX_CTRL_LOST,		/* rx-ctrl-lost: owner did not take it */
	AZC_DROP_TX_TOO_BIG,		/* tx-too-big: over the peer's MRU */
	AZC_DROP_TX_QUEUE_FULL,		/* tx-queue-full */
	AZC_DROP_TX_NOMEM,		/* tx-nomem: no buffer */
	AZC_DROP_TX_LINK_DOWN,		/* tx-link-down: queued when it went down */
	AZC_DROP_TX_SEND_ERROR,		/* tx-send-error: the socket failed */
	AZC_DROP_NUM
};

/**
 * struct azc_link_stats - counters of one link
 *
 * Each is written by one worker at a time (receive or transmit) or from
 * the transmit path under the device's queue lock; atomics keep reads from
 * netlink consistent without a seqcount.
 */
struct azc_link_stats {
	atomic64_t rx_packets;
	atomic64_t rx_bytes;
	atomic64_t tx_packets;
	atomic64_t tx_bytes;
	atomic64_t drops[AZC_DROP_NUM];
};

/**
 * struct azc_link_cfg - what link-new says about a new link
 * @sock: the TCP socket, with a file reference the link takes over
 * @pending: bytes user space read past the last packet it handled
 * @pending_len: length of @pending
 * @local_iid: this side's IPV6CP interface identifier
 * @peer_iid: the peer's IPV6CP interface identifier
 * @peer_addr: the peer's private-network address, or ::
 * @mru: largest IPv6 packet the peer takes
 * @owner_portid: netlink port of the owner, which gets the control frames
 * @owner_net: network namespace of the owner's netlink socket
 * @owner_ifindex: the device's ifindex in @owner_net at link-new, by which
 *	the owner names it even after the device moved to another namespace
 */
struct azc_link_cfg {
	struct socket *sock;
	const u8 *pending;
	unsigned int pending_len;
	u8 local_iid[AZCONNECT_IID_LEN];
	u8 peer_iid[AZCONNECT_IID_LEN];
	struct in6_addr peer_addr;
	u16 mru;
	u32 owner_portid;
	struct net *owner_net;
	int owner_ifindex;
};

/**
 * struct azc_link - one SSTP session of a device
 * @azc: the device the link belongs to
 * @dev_tracker: tracks the reference on the device's net_device
 * @id: identifier within the device, never 0
 * @cfg: what link-new gave; @cfg.sock is the socket the link owns
 * @peer_ll: the peer's link-local address, fe80::@cfg.peer_iid
 * @state: AZCONNECT_LINK_STATE_UP until azc_link_down()
 * @down_reason: why the link went down, set by azc_link_down()
 * @last_error: the last error the socket returned (a positive errno), or 0
 * @refcnt: references; the device's tables hold one until teardown
 * @saved_data_ready: the socket's callback before the link took it over
 * @saved_state_change: likewise
 * @saved_error_report: likewise
 * @rx_work: reads and parses the stream
 * @tx_work: writes the transmit queue to the socket
 * @del_work: the teardown
 * @tx_queue: SSTP packets to send, data and control in order
 * @rx_buf: received bytes not yet parsed (an incomplete SSTP packet)
 * @rx_len: bytes in @rx_buf
 * @iid_node: in the device's by_iid table (relay)
 * @node: in the list of every link, for the netlink release notifier
 * @stats: counters
 * @rcu: frees the link after a grace period
 */
struct azc_link {
	struct azc_device *azc;
	netdevice_tracker dev_tracker;
	u32 id;
	struct azc_link_cfg cfg;
	struct in6_addr peer_ll;
	atomic_t state;
	enum azconnect_link_down_reason down_reason;
	int last_error;
	refcount_t refcnt;

	void (*saved_data_ready)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
	void (*saved_error_report)(struct sock *sk);

	struct work_struct rx_work;
	struct work_struct tx_work;
	struct work_struct del_work;
	struct sk_buff_head tx_queue;
	u8 *rx_buf;
	unsigned int rx_len;

	struct hlist_node iid_node;
	struct list_head node;
	struct azc_link_stats stats;
	struct rcu_head rcu;
};

extern struct workqueue_struct *azc_wq;

struct azc_link *azc_link_new(struct azc_device *azc,
			      const struct azc_link_cfg *cfg,
			      struct netlink_ext_ack *extack);
void azc_link_down(struct azc_link *link,
		   enum azconnect_link_down_reason reason);
void azc_link_del(struct azc_link *link,
		  enum azconnect_link_down_reason reason);
void azc_link_del_all(struct azc_device *azc);
void azc_link_put(struct azc_link *link);
struct azc_link *azc_link_get_by_id(struct azc_device *azc, u32 id);
struct azc_link *azc_link_get_by_owner(struct net *net, u32 portid,
				       int ifindex, u32 id);
struct azc_link *azc_link_lookup_dst(struct azc_device *azc,
				     const struct in6_addr *dst);
void azc_link_release_owner(struct net *net, u32 portid);

static inline bool azc_link_is_up(const struct azc_link *link)
{
	return atomic_read(&link->state) == AZCONNECT_LINK_STATE_UP;
}

static inline void azc_link_count_drop(struct azc_link *link,
				       enum azc_drop why)
{
	atomic64_inc(&link->stats.drops[why]);
}

/* The sum of the drop counters @first to @last. */
static inline u64 azc_link_drops(struct azc_link *link, enum azc_drop first,
				 enum azc_drop last)
{
	u64 sum = 0;

	while (first <= last)
		sum += atomic64_read(&link->stats.drops[first++]);
	return sum;
}

static inline bool azc_link_is_relay(const struct azc_link *link)
{
	return READ_ONCE(link->azc->mode) == AZCONNECT_DEV_MODE_RELAY;
}

#endif /* _AZC_LINK_H */
