/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The packet paths: transmit (send.c: the device's start_xmit, the
 * per-link queue and its worker) and receive (receive.c: the worker that
 * reads a link's stream and splits it into SSTP packets).
 */

#ifndef _AZC_QUEUEING_H
#define _AZC_QUEUEING_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>

struct azc_link;

netdev_tx_t azc_xmit(struct sk_buff *skb, struct net_device *dev);
void azc_tx_work(struct work_struct *work);
void azc_tx_watchdog(struct work_struct *work);
int azc_send_ctrl(struct azc_link *link, struct sk_buff *skb);
void azc_tx_purge(struct azc_link *link);

void azc_rx_work(struct work_struct *work);

#endif /* _AZC_QUEUEING_H */
