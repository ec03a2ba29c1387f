/* SPDX-License-Identifier: GPL-2.0-only */

#ifndef _AZC_DEVICE_H
#define _AZC_DEVICE_H

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/xarray.h>
#include <net/gro_cells.h>
#include "uapi/azconnect.h"
#include "proto/ppp.h"
#include "sa.h"

struct azc_link;

/*
 * IPv6 rides in PPP (4-byte header: FF 03 00 57) inside an SSTP data packet
 * (4-byte header) whose 12-bit length covers the whole packet: the MTU is
 * PPP's negotiable MRU, from the IPv6 minimum to what that length leaves.
 */
#define AZC_ENCAP_HLEN		(AZC_SSTP_HDR_LEN + AZC_PPP_HDR_LEN)
#define AZC_MIN_MTU		AZC_PPP_MRU_MIN
#define AZC_MAX_MTU		AZC_PPP_MRU_MAX
/*
 * Default MTU: PPP's default MRU (RFC 1661), which every SSTP peer takes
 * without negotiation. SSTP rides a TCP stream, so the path's MTU does not
 * bound it; bigger packets mean fewer TLS records per byte, and
 * scripts/bench measured 1500 ahead of 1400 and 1280.
 */
#define AZC_DEFAULT_MTU		AZC_PPP_DEFAULT_MRU

#define AZC_IID_HASH_BITS	8

/**
 * struct azc_device - private state of an azconnect net_device
 * @dev: the net_device this state belongs to
 * @lock: serialises configuration changes (mode, links)
 * @mode: endpoint (one link, to the relay) or relay (one link per endpoint)
 * @n_links: number of links attached to the device
 * @links: the links by id; readers use RCU, writers also hold @lock
 * @next_id: where the cyclic allocation of link ids goes on
 * @uplink: an endpoint's single link, which takes every packet (RCU)
 * @by_iid: a relay's links by their peer's interface identifier (RCU)
 * @gro_cells: hand received packets to the stack with GRO
 * @esp: enum azconnect_esp_mode of an endpoint (dev-set; READ_ONCE)
 * @sa: an endpoint's security associations (sa.h)
 */
struct azc_device {
	struct net_device *dev;
	struct mutex lock; /* protects mode, n_links and link insertion */
	enum azconnect_dev_mode mode;
	unsigned int n_links;
	struct xarray links;
	u32 next_id;
	struct azc_link __rcu *uplink;
	DECLARE_HASHTABLE(by_iid, AZC_IID_HASH_BITS);
	struct gro_cells gro_cells;
	enum azconnect_esp_mode esp;
	struct azc_sa_table sa;
};

extern struct rtnl_link_ops azc_link_ops;

int azc_device_init(void);
void azc_device_uninit(void);
bool azc_dev_is_azc(const struct net_device *dev);
int azc_dev_set_mode(struct azc_device *azc, enum azconnect_dev_mode mode,
		     struct netlink_ext_ack *extack);

#endif /* _AZC_DEVICE_H */
