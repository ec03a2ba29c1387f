/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A link: one SSTP session, carrying one PPP session, over one TCP socket
 * with kTLS active both ways. An endpoint device has one link (to the
 * relay); a relay device has one per endpoint.
 *
 * Life of a link: link-new builds it completely (its references, a
 * reserved id, the socket's callbacks) while nothing can reach it, then
 * publishes it in one step under the device's lock: the device's tables,
 * the list of every link, the id's entry, and last its state, up. The
 * tables hold one reference. Whoever finds a fault (the receive worker,
 * the transmit worker or its watchdog, a netlink request, the owner's
 * netlink socket going away, the device going away) calls azc_link_down(),
 * which marks an up link down once and queues its teardown on azc_wq; a
 * link that is not up yet cannot go down. The teardown takes the link out
 * of the tables, gives the socket back its callbacks and shuts it down,
 * waits for an RCU grace period and for the workers, tells user space
 * (link-del-ntf) and drops the tables' reference. A device going away
 * takes all its links down at once and waits for one grace period for
 * them all. Readers on the transmit path find links under RCU without a
 * reference; netlink readers take one.
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
#include <net/sock.h>

#include "device.h"

/* Packets waiting for the transmit worker, per link. */
#define AZC_TX_QUEUE_LEN	256

/*
 * How long a link may fail to send anything while it has something to
 * send (the peer's receive window stays closed) before it goes down with
 * send-timeout.
 */
#define AZC_TX_STALL_TIMEOUT	(30 * HZ)

/* A link between link-new's start and its publication: not up yet. */
#define AZC_LINK_STATE_NEW	(AZCONNECT_LINK_STATE_DOWN + 1)

/*
 * Receive buffer: a whole TLS record (16 KiB at most) read at once, after
 * the unparsed start of an SSTP packet, which is shorter than 4 KiB; also
 * big enough for what user space hands over in link-new.
 */
#define AZC_RX_BUF_LEN		(32 * 1024)

/* The relay's name service, on its overlay address (relayd: dns.c) */
#define AZC_NAME_SERVICE_PORT	53

/*
 * Why a link dropped a packet or counted an error; each has a counter of
 * its own, reported with the link (netlink attribute in parentheses, in
 * the same order). The link's totals are sums of ranges of them: rx-errors
 * from RX_BAD_SSTP to RX_BAD_IPV6 and from RX_ESP_MALFORMED to
 * RX_ESP_BAD_ICV, rx-dropped from RX_SPOOFED to RX_CTRL_LOST, from
 * RX_OUTSIDE to RX_LOCAL_REFUSED and from RX_ESP_UNKNOWN_SPI to
 * RX_ESP_REQUIRED, tx-dropped from TX_TOO_BIG to TX_SEND_ERROR and from
 * TX_ESP_NO_SA to TX_ESP_SEQ_EXHAUSTED (azc_link_drops()). The ESP ones
 * are an endpoint's, the link being its only one.
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
	AZC_DROP_RX_OUTSIDE,		/* rx-outside: not for the overlay */
	AZC_DROP_RX_LOCAL_REFUSED,	/* rx-local-refused: not for the relay */
	AZC_DROP_RX_ESP_MALFORMED,	/* rx-esp-malformed: broken ESP */
	AZC_DROP_RX_ESP_BAD_ICV,	/* rx-esp-bad-icv: failed the ICV */
	AZC_DROP_RX_ESP_UNKNOWN_SPI,	/* rx-esp-unknown-spi: no such SA */
	AZC_DROP_RX_ESP_REPLAY,		/* rx-esp-replay: seen or too old */
	AZC_DROP_RX_ESP_REQUIRED,	/* rx-esp-required: clear text */
	AZC_DROP_TX_ESP_NO_SA,		/* tx-esp-no-sa: held in vain */
	AZC_DROP_TX_ESP_SEQ_EXHAUSTED,	/* tx-esp-seq-exhausted */
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
 * @owner_sk: the owner's netlink socket, with a reference: ownership is
 *	bound to the socket, not to a port id that another socket may bind
 *	once the owner released it
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
	struct sock *owner_sk;
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
 * @state: AZC_LINK_STATE_NEW until published, AZCONNECT_LINK_STATE_UP,
 *	then AZCONNECT_LINK_STATE_DOWN from azc_link_down() on
 * @down_reason: why the link went down, set by azc_link_down()
 * @last_error: the last error the socket returned (a positive errno), or 0
 * @refcnt: references; the device's tables hold one until teardown
 * @saved_data_ready: the socket's callback before the link took it over
 * @saved_state_change: likewise
 * @saved_error_report: likewise
 * @saved_write_space: likewise
 * @owner_gone: the owner's netlink socket was released
 * @rx_work: reads and parses the stream
 * @tx_work: writes the transmit queue to the socket without blocking
 * @tx_watchdog: takes the link down when sending stalls too long
 * @del_work: the teardown
 * @fin_work: the end of a teardown that a device's deletion began
 * @tx_queue: SSTP packets to send, data and control in order
 * @tx_skb: the packet being sent, taken off @tx_queue (transmit worker)
 * @tx_off: how much of @tx_skb the socket took already
 * @tx_stalled: jiffies when sending last stopped for want of room, 0 while
 *	it makes progress
 * @rx_buf: received bytes not yet parsed (an incomplete SSTP packet)
 * @rx_len: bytes in @rx_buf
 * @rx_hs_left: bytes of a TLS NewSessionTicket still to come in the next
 *	handshake records (a message may span records)
 * @iid_node: in the device's by_iid table (relay)
 * @node: in the list of every link, for the netlink release notifier
 * @dying: in the list of links a device takes down at once
 * @dying_queued: on that list, but down before: its own teardown runs
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
	void (*saved_write_space)(struct sock *sk);
	bool owner_gone;

	struct work_struct rx_work;
	struct work_struct tx_work;
	struct delayed_work tx_watchdog;
	struct work_struct del_work;
	struct work_struct fin_work;
	struct sk_buff_head tx_queue;
	struct sk_buff *tx_skb;
	unsigned int tx_off;
	unsigned long tx_stalled;
	u8 *rx_buf;
	unsigned int rx_len;
	u32 rx_hs_left;

	struct hlist_node iid_node;
	struct list_head node;
	struct list_head dying;
	bool dying_queued;
	struct azc_link_stats stats;
	struct rcu_head rcu;
};

extern struct workqueue_struct *azc_wq;

struct azc_link *azc_link_new(struct azc_device *azc,
			      const struct azc_link_cfg *cfg,
			      struct netlink_ext_ack *extack);
bool azc_link_down(struct azc_link *link,
		   enum azconnect_link_down_reason reason);
void azc_link_del(struct azc_link *link,
		  enum azconnect_link_down_reason reason);
void azc_link_del_all(struct azc_device *azc);
void azc_link_put(struct azc_link *link);
struct azc_link *azc_link_get_by_id(struct azc_device *azc, u32 id);
struct azc_link *azc_link_get_by_owner(struct sock *owner, int ifindex,
				       u32 id);
struct azc_link *azc_link_lookup_dst(struct azc_device *azc,
				     const struct in6_addr *dst);
void azc_link_release_owner(struct net *net, u32 portid);

/* Whether @sk, a request's netlink socket, owns @link. */
static inline bool azc_link_owned_by(const struct azc_link *link,
				     const struct sock *sk)
{
	return link->cfg.owner_sk == sk && !READ_ONCE(link->owner_gone);
}

/*
 * Whether the owner may still get unicasts: messages go by port id, which
 * another socket may bind once the owner released it. A window remains:
 * netlink_release() frees the port id before it marks the socket dead, and
 * a socket that binds the id right then may get one message meant for the
 * owner. Netlink has no unicast to a given socket that would close it.
 */
static inline bool azc_link_owner_alive(const struct azc_link *link)
{
	return !READ_ONCE(link->owner_gone) &&
	       !sock_flag(link->cfg.owner_sk, SOCK_DEAD);
}

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
