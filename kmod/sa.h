/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Security associations of an endpoint device: ESP (RFC 4303) in transport
 * mode with the other endpoints, AES-GCM as RFC 4106 (proto/esp.h has the
 * wire format; esp.c the per-packet crypto).
 *
 * Tables: receive SAs by SPI, and peers by overlay address, each peer with
 * two key slots per direction (the current SA and the previous or next
 * one, so that a rekey loses no packet); of a peer's two transmit SAs the
 * newer sends. All SAs of a device are also on a list for netlink.
 *
 * Life of an SA: sa-new builds it completely (its AEAD keyed, its limits,
 * its counters) before it publishes it, under the table's mutex, in the
 * SPI hash (in) or its peer's slot (out); from then on the data path finds
 * it under RCU without a reference. Writers (sa-new, sa-del, the table's
 * work, the device going away) hold the mutex; they unpublish an SA and
 * free it after a grace period in process context (queue_rcu_work() on
 * azc_wq: crypto_free_aead() may sleep), wiping the salt; the AEAD wipes
 * its key schedule itself (crypto_destroy_tfm() frees with
 * kfree_sensitive()). A peer entry goes with its last SA, after RCU.
 *
 * The data path marks an SA whose hard limit it reached dead (it sends or
 * accepts nothing more) and flags soft limits; the table's work, which
 * also runs once a second while the table has SAs with time limits or
 * holds packets, sends the notifications (sa-expire-ntf, sa-acquire-ntf)
 * and deletes dead SAs, in process context.
 *
 * The AEAD is allocated synchronous (CRYPTO_ALG_ASYNC masked out): the
 * transmit path encrypts in start_xmit (softirq) and the receive path
 * decrypts in the link's receive worker, each waiting for nothing. A
 * synchronous implementation may run in either context.
 *
 * Packets held for a peer without a transmit SA (esp required): at most
 * AZC_ESP_HOLD_PER_PEER per peer and AZC_ESP_HOLD_MAX per device, the
 * oldest dropped first, each for AZC_ESP_HOLD_TIME at most (tx-esp-no-sa),
 * under the hold lock (a spinlock: start_xmit takes it); one
 * sa-acquire-ntf per peer and AZC_ESP_ACQUIRE_INTERVAL.
 */

#ifndef _AZC_SA_H
#define _AZC_SA_H

#include <linux/hashtable.h>
#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "uapi/azconnect.h"
#include "proto/esp.h"

struct azc_device;
struct crypto_aead;
struct netlink_ext_ack;

#define AZC_SA_HASH_BITS		8
#define AZC_ESP_HOLD_PER_PEER		4
#define AZC_ESP_HOLD_MAX		64
#define AZC_ESP_HOLD_TIME		(3 * HZ)
#define AZC_ESP_ACQUIRE_INTERVAL	HZ
/* Peers remembered for the acquire rate limit. */
#define AZC_ESP_ACQUIRE_SLOTS		16

/* Flags of an SA (bit numbers). */
enum {
	AZC_SA_DEAD,		/* a hard limit ran out: unused, to delete */
	AZC_SA_SOFT_SENT,	/* the soft notification was flagged */
	AZC_SA_NTF_SOFT,	/* a soft notification to send */
	AZC_SA_NTF_HARD,	/* a hard notification to send */
};

/**
 * struct azc_sa - one security association
 * @spi_node: in the table's by_spi hash (in)
 * @list: in the table's list of every SA (writers, netlink)
 * @peer: the peer entry whose slot holds it
 * @dir: AZCONNECT_SA_DIR_IN or _OUT
 * @cipher: enum azconnect_sa_cipher
 * @spi: the SPI, in host order
 * @gen: order of creation in the table: the newer transmit SA sends
 * @aead: rfc4106(gcm(aes)), keyed, synchronous
 * @lock: serialises @replay (in) or @tx (out)
 * @replay: the anti-replay window (in)
 * @tx: the sequence counter (out)
 * @created: ktime_get_seconds() at sa-new
 * @soft_packets: limits; 0 for none
 * @hard_packets: likewise
 * @soft_bytes: likewise
 * @hard_bytes: likewise
 * @soft_secs: likewise
 * @hard_secs: likewise
 * @flags: AZC_SA_*
 * @soft_limit: which limit the soft notification is for (enum
 *	azconnect_sa_limit)
 * @hard_limit: likewise for the hard one
 * @packets: packets protected or accepted
 * @bytes: their inner length
 * @replay_drops: replayed or too old (in)
 * @bad_icv_drops: failed the integrity check (in)
 * @free_work: frees it after a grace period, in process context
 */
struct azc_sa {
	struct hlist_node spi_node;
	struct list_head list;
	struct azc_sa_peer *peer;
	u8 dir;
	u8 cipher;
	u32 spi;
	u64 gen;
	struct crypto_aead *aead;
	spinlock_t lock; /* protects replay or tx */
	union {
		struct azc_esp_replay replay;
		struct azc_esp_tx tx;
	};
	time64_t created;
	u64 soft_packets, hard_packets, soft_bytes, hard_bytes;
	u32 soft_secs, hard_secs;
	unsigned long flags;
	u8 soft_limit, hard_limit;
	atomic64_t packets, bytes, replay_drops, bad_icv_drops;
	struct rcu_work free_work;
};

/**
 * struct azc_sa_peer - another endpoint the device has SAs with
 * @node: in the table's peers hash
 * @addr: its overlay address
 * @out: transmit slots (RCU; writers hold the table's mutex)
 * @in: receive slots (writers only)
 * @rcu: frees it after a grace period
 */
struct azc_sa_peer {
	struct hlist_node node;
	struct in6_addr addr;
	struct azc_sa __rcu *out[2];
	struct azc_sa *in[2];
	struct rcu_head rcu;
};

/* An address the acquire rate limit remembers. */
struct azc_sa_acquire {
	struct in6_addr peer;
	unsigned long sent;	/* jiffies of the last notification, 0: never */
	bool pending;		/* one to send */
};

/**
 * struct azc_sa_table - the SAs of a device, in struct azc_device
 * @lock: serialises writers: sa-new, sa-del, the work, the teardown
 * @by_spi: receive SAs by SPI (RCU)
 * @peers: peers by address (RCU)
 * @list: every SA, for netlink and the work
 * @n_sa: SAs in the table
 * @next_gen: for struct azc_sa.gen
 * @work: notifications, lifetimes and held packets' expiry
 * @dying: the device is going away: the work must not rearm
 * @hold_lock: protects @held and @acq
 * @held: packets waiting for a transmit SA, oldest first
 * @acq: the acquire rate limit
 */
struct azc_sa_table {
	struct mutex lock; /* protects the tables' writers and list */
	DECLARE_HASHTABLE(by_spi, AZC_SA_HASH_BITS);
	DECLARE_HASHTABLE(peers, AZC_SA_HASH_BITS);
	struct list_head list;
	unsigned int n_sa;
	u64 next_gen;
	struct delayed_work work;
	bool dying;
	spinlock_t hold_lock; /* protects held and acq */
	struct sk_buff_head held;
	struct azc_sa_acquire acq[AZC_ESP_ACQUIRE_SLOTS];
};

/* What sa-new asks for. */
struct azc_sa_cfg {
	u8 dir;
	u8 cipher;
	u32 spi;
	struct in6_addr peer;
	const u8 *key;
	unsigned int key_len;
	u64 soft_packets, hard_packets, soft_bytes, hard_bytes, seq_soft;
	u32 soft_secs, hard_secs;
};

void azc_sa_table_init(struct azc_device *azc);
void azc_sa_table_flush(struct azc_device *azc);
void azc_sa_table_destroy(struct azc_device *azc);

int azc_sa_new(struct azc_device *azc, const struct azc_sa_cfg *cfg,
	       struct netlink_ext_ack *extack);
int azc_sa_del(struct azc_device *azc, u8 dir, u32 spi);
/* The SA @dir/@spi; the caller holds the table's mutex. */
struct azc_sa *azc_sa_find(struct azc_device *azc, u8 dir, u32 spi);

/* Data path, under rcu_read_lock(). */
struct azc_sa *azc_sa_lookup_in(struct azc_device *azc, u32 spi);
struct azc_sa *azc_sa_lookup_out(struct azc_device *azc,
				 const struct in6_addr *peer);
void azc_sa_count(struct azc_device *azc, struct azc_sa *sa,
		  unsigned int len);
void azc_sa_expire_seq(struct azc_device *azc, struct azc_sa *sa, bool hard);
void azc_sa_hold(struct azc_device *azc, struct sk_buff *skb,
		 const struct in6_addr *peer);

static inline bool azc_sa_usable(const struct azc_sa *sa)
{
	return !test_bit(AZC_SA_DEAD, &sa->flags);
}

#endif /* _AZC_SA_H */
