/* SPDX-License-Identifier: GPL-2.0-only */

#ifndef _AZC_NETLINK_H
#define _AZC_NETLINK_H

#include <linux/types.h>

#include "uapi/azconnect.h"

struct azc_device;
struct azc_link;
struct azc_sa;
struct in6_addr;

int azc_nl_init(void);
void azc_nl_uninit(void);
int azc_nl_ctrl_ntf(struct azc_link *link, enum azconnect_ctrl_kind kind,
		    const u8 *frame, unsigned int len);
void azc_nl_link_del_ntf(struct azc_link *link);
void azc_nl_sa_expire_ntf(struct azc_device *azc, struct azc_sa *sa,
			  enum azconnect_sa_expire expire,
			  enum azconnect_sa_limit limit);
void azc_nl_sa_acquire_ntf(struct azc_device *azc,
			   const struct in6_addr *peer);

#endif /* _AZC_NETLINK_H */
