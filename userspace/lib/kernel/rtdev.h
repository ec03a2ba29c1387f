/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * azconnect devices from the outside: creation over rtnetlink (the
 * "azconnect" link kind), IPv6 addressing without the kernel's automatic
 * link-local address, bringing them up, and the IPv6 forwarding switch.
 * Functions return 0 or a negative errno with a message for an
 * administrator in @err (the kernel's extack included).
 */

#ifndef AZC_RTDEV_H
#define AZC_RTDEV_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "nl.h"

#define AZC_RTDEV_ERR_LEN	512

/* RTM_NEWLINK: a new device @name of kind azconnect in @mode. */
int azc_rtdev_add(struct azc_nl *rt, const char *name, uint32_t mode);

/*
 * The azconnect device @name in @mode, created when missing; its index
 * in @ifindex. A device of another kind or mode is an error.
 */
int azc_rtdev_ensure(const char *name, uint32_t mode, uint32_t *ifindex,
		     char *err, size_t errlen);

/*
 * Prepares @ifindex for IPv6: addr_gen_mode none (no random link-local
 * address from the kernel), then fe80::@iid/64, then up.
 */
int azc_rtdev_setup(uint32_t ifindex, const uint8_t iid[8], char *err,
		    size_t errlen);

/* Adds @addr/@plen to @ifindex (no DAD; an existing one is kept). */
int azc_rtdev_addr_add(uint32_t ifindex, const struct in6_addr *addr,
		       unsigned int plen, char *err, size_t errlen);

/*
 * Whether the azconnect module is loaded and done loading: not while it
 * unloads (its devices go first) nor while it loads.
 */
bool azc_module_live(void);

#endif /* AZC_RTDEV_H */
