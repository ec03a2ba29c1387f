/* SPDX-License-Identifier: GPL-2.0-only */
/* Device state as reported by AZCONNECT_CMD_DEV_GET, and its presentation. */

#ifndef AZC_DEV_H
#define AZC_DEV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/netlink.h>
#include <net/if.h>

#include "nl.h"
#include "nllink.h"
#include "sa.h"

struct azc_dev_info {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint32_t mode;
	uint32_t mtu;
	bool carrier;
	uint32_t links;
	uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;
	/* Its links when they were asked for (link-get), else empty */
	struct azc_link_list link_list;
	/*
	 * Its ESP SAs (endpoint devices) when they were asked for: sa_listed
	 * once the sa-get dump succeeded, else sa_err says why not (-EPERM:
	 * the user lacks CAP_NET_ADMIN; 0: not asked).
	 */
	bool sa_listed;
	int sa_err;
	struct azc_sa_list sa_list;
};

struct azc_dev_list {
	struct azc_dev_info *devs;
	size_t n, cap;
};

/* Decode one DEV_GET reply. Returns 0, or -EINVAL for a malformed reply. */
int azc_dev_parse(const struct nlmsghdr *nlh, struct azc_dev_info *info);

/* azc_nl_reply_cb that appends each reply to a struct azc_dev_list. */
int azc_dev_list_add(struct nlmsghdr *nlh, void *list);
void azc_dev_list_free(struct azc_dev_list *list);

/*
 * dev-set with one u32 attribute of the AZCONNECT_A_DEV nest (@attr: _MODE,
 * _ESP...), the device named by @ifindex, or by @ifname when @ifindex is
 * 0. Returns 0 or a negative errno; nl->extack says why the kernel
 * refused.
 */
int azc_dev_set_u32(struct azc_nl *nl, uint32_t ifindex, const char *ifname,
		    int attr, uint32_t value);

const char *azc_dev_mode_name(uint32_t mode);
/* Returns the mode for @name, or -1. */
int azc_dev_mode_parse(const char *name);

/*
 * Each device, its counters, its links and its SAs ("    sa ..." lines,
 * azc_sa_print_text()); a device whose SAs were refused (-EPERM) gets a
 * note line instead.
 */
void azc_dev_print_text(FILE *f, const struct azc_dev_list *list);
/*
 * Prints a JSON array; returns 0 or -ENOMEM. A device whose SAs were
 * listed has "sas", an array of azc_sa_json() objects (empty when it has
 * none); one whose SAs were not (a relay, an unprivileged user) has no
 * "sas" key.
 */
int azc_dev_print_json(FILE *f, const struct azc_dev_list *list);

#endif /* AZC_DEV_H */
