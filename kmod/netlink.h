/* SPDX-License-Identifier: GPL-2.0-only */

#ifndef _AZC_NETLINK_H
#define _AZC_NETLINK_H

#include <linux/types.h>

#include "uapi/azconnect.h"

struct azc_link;

int azc_nl_init(void);
void azc_nl_uninit(void);
int azc_nl_ctrl_ntf(struct azc_link *link, enum azconnect_ctrl_kind kind,
		    const u8 *frame, unsigned int len);
void azc_nl_link_del_ntf(struct azc_link *link);

#endif /* _AZC_NETLINK_H */
