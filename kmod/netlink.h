/* SPDX-License-Identifier: GPL-2.0-only */

#ifndef _AZC_NETLINK_H
#define _AZC_NETLINK_H

int azc_nl_init(void);
void azc_nl_uninit(void);

#endif /* _AZC_NETLINK_H */
