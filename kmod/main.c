// SPDX-License-Identifier: GPL-2.0-only
/*
 * azconnect: IPv6 over SSTP/PPP over kernel TLS, between the endpoints of a
 * private network and the relay that routes between them.
 */

#include <net/genetlink.h>
#include <linux/module.h>
#include <net/rtnetlink.h>

#include "device.h"
#include "link.h"
#include "main.h"
#include "netlink.h"

static int __init azc_mod_init(void)
{
	int ret;

	/* Link workers may sleep in kTLS's sendmsg: not the system queue. */
	azc_wq = alloc_workqueue("azconnect", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!azc_wq)
		return -ENOMEM;

	ret = azc_nl_init();
	if (ret)
		goto err_wq;

	ret = azc_device_init();
	if (ret)
		goto err_nl;

	pr_info("azconnect " AZC_VERSION " loaded\n");
	return 0;

err_nl:
	azc_nl_uninit();
err_wq:
	destroy_workqueue(azc_wq);
	return ret;
}

/* Devices and their links go first, telling user space through netlink. */
static void __exit azc_mod_exit(void)
{
	azc_device_uninit();
	azc_nl_uninit();
	/* SAs freed after a grace period queue their last work on azc_wq. */
	rcu_barrier();
	destroy_workqueue(azc_wq);
}

module_init(azc_mod_init);
module_exit(azc_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IPv6 over SSTP/PPP over kernel TLS (Azure Connect design)");
MODULE_AUTHOR("The azconnect developers");
MODULE_VERSION(AZC_VERSION);
MODULE_ALIAS_RTNL_LINK(AZCONNECT_LINK_KIND);
MODULE_ALIAS_GENL_FAMILY(AZCONNECT_FAMILY_NAME);
