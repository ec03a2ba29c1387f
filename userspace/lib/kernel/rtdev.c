// SPDX-License-Identifier: GPL-2.0-only
/* azconnect devices over rtnetlink (see rtdev.h). */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/msg.h>

#include "uapi/azconnect.h"
#include "dev.h"
#include "rtdev.h"

/* "@what: strerror: extack" into @err. */
static void azc_rtdev_msg(char *err, size_t errlen, const char *what, int ret,
			  const struct azc_nl *nl)
{
	snprintf(err, errlen, "%s: %s%s%s", what, strerror(-ret),
		 nl && nl->extack[0] ? ": " : "", nl ? nl->extack : "");
}

/* Sends @msg (consumed) over a new rtnetlink socket. */
static int azc_rtdev_request(struct nl_msg *msg, const char *what, char *err,
			     size_t errlen)
{
	struct azc_nl rt;
	int ret;

	if (!msg) {
		azc_rtdev_msg(err, errlen, what, -ENOMEM, NULL);
		return -ENOMEM;
	}
	ret = azc_nl_open_route(&rt);
	if (ret) {
		nlmsg_free(msg);
		azc_rtdev_msg(err, errlen, "cannot open an rtnetlink socket",
			      ret, NULL);
		return ret;
	}
	ret = azc_nl_request(&rt, msg, NULL, NULL);
	if (ret)
		azc_rtdev_msg(err, errlen, what, ret, &rt);
	azc_nl_close(&rt);
	return ret;
}

/* RTM_NEWLINK with an ifinfomsg; NULL when out of memory. */
static struct nl_msg *azc_rtdev_link_msg(int flags, const struct ifinfomsg *ifi)
{
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, flags);

	if (msg && nlmsg_append(msg, (void *)ifi, sizeof(*ifi),
				NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int azc_rtdev_add(struct azc_nl *rt, const char *name, uint32_t mode)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *info, *data;
	struct nl_msg *msg;

	msg = azc_rtdev_link_msg(NLM_F_CREATE | NLM_F_EXCL, &ifi);
	if (!msg || nla_put_string(msg, IFLA_IFNAME, name))
		goto nomem;
	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (!info || nla_put_string(msg, IFLA_INFO_KIND, AZCONNECT_LINK_KIND))
		goto nomem;
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	if (!data || nla_put_u32(msg, IFLA_AZCONNECT_MODE, mode))
		goto nomem;
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return azc_nl_request(rt, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

/* dev-get of @name into @info. */
static int azc_rtdev_get(const char *name, struct azc_dev_info *info,
			 char *err, size_t errlen)
{
	struct azc_dev_list list = { 0 };
	struct nl_msg *msg;
	struct azc_nl nl;
	int ret;

	ret = azc_nl_open(&nl);
	if (ret) {
		snprintf(err, errlen, "%s", ret == -ENOENT ?
			 "the azconnect kernel module is not loaded and cannot be loaded" :
			 "cannot talk to the kernel over generic netlink");
		return ret;
	}
	msg = azc_nl_msg(&nl, AZCONNECT_CMD_DEV_GET, 0);
	if (!msg || nla_put_string(msg, AZCONNECT_A_IFNAME, name)) {
		nlmsg_free(msg);
		ret = -ENOMEM;
	} else {
		ret = azc_nl_request(&nl, msg, azc_dev_list_add, &list);
	}
	if (!ret && list.n != 1)
		ret = -EIO;
	if (ret)
		azc_rtdev_msg(err, errlen, name, ret, &nl);
	else
		*info = list.devs[0];
	azc_dev_list_free(&list);
	azc_nl_close(&nl);
	return ret;
}

int azc_rtdev_ensure(const char *name, uint32_t mode, uint32_t *ifindex,
		     char *err, size_t errlen)
{
	struct azc_dev_info info;
	struct azc_nl rt;
	char what[64];
	int ret;

	if (!*name || strlen(name) >= IF_NAMESIZE) {
		snprintf(err, errlen, "invalid device name '%s'", name);
		return -EINVAL;
	}
	ret = azc_rtdev_get(name, &info, err, errlen);
	if (ret == -ENODEV) {
		ret = azc_nl_open_route(&rt);
		if (ret) {
			azc_rtdev_msg(err, errlen, "rtnetlink", ret, NULL);
			return ret;
		}
		ret = azc_rtdev_add(&rt, name, mode);
		snprintf(what, sizeof(what), "cannot create device %s", name);
		if (ret)
			azc_rtdev_msg(err, errlen, what, ret, &rt);
		azc_nl_close(&rt);
		if (!ret)
			ret = azc_rtdev_get(name, &info, err, errlen);
	}
	if (ret)
		return ret;
	if (info.mode != mode) {
		snprintf(err, errlen, "device %s is in %s mode, not %s ('azconnectctl set %s mode %s' while it has no link)",
			 name, azc_dev_mode_name(info.mode),
			 azc_dev_mode_name(mode), name, azc_dev_mode_name(mode));
		return -EBUSY;
	}
	*ifindex = info.ifindex;
	return 0;
}

static int azc_rtdev_gen_mode_none(uint32_t ifindex, char *err, size_t errlen)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
				 .ifi_index = (int)ifindex };
	struct nlattr *spec, *in6;
	struct nl_msg *msg = azc_rtdev_link_msg(0, &ifi);

	if (!msg)
		goto nomem;
	spec = nla_nest_start(msg, IFLA_AF_SPEC);
	in6 = spec ? nla_nest_start(msg, AF_INET6) : NULL;
	if (!in6 || nla_put_u8(msg, IFLA_INET6_ADDR_GEN_MODE,
			       IN6_ADDR_GEN_MODE_NONE))
		goto nomem;
	nla_nest_end(msg, in6);
	nla_nest_end(msg, spec);
	return azc_rtdev_request(msg, "addr_gen_mode none", err, errlen);
nomem:
	nlmsg_free(msg);
	return azc_rtdev_request(NULL, "addr_gen_mode none", err, errlen);
}

static int azc_rtdev_up(uint32_t ifindex, char *err, size_t errlen)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = (int)ifindex,
		.ifi_flags = IFF_UP,
		.ifi_change = IFF_UP,
	};

	return azc_rtdev_request(azc_rtdev_link_msg(0, &ifi),
				 "cannot set the device up", err, errlen);
}

int azc_rtdev_addr_add(uint32_t ifindex, const struct in6_addr *addr,
		       unsigned int plen, char *err, size_t errlen)
{
	struct ifaddrmsg ifa = {
		.ifa_family = AF_INET6,
		.ifa_prefixlen = (uint8_t)plen,
		.ifa_flags = IFA_F_NODAD,
		.ifa_index = ifindex,
	};
	char a[INET6_ADDRSTRLEN], what[96];
	struct nl_msg *msg;

	ifa.ifa_scope = IN6_IS_ADDR_LINKLOCAL(addr) ? RT_SCOPE_LINK :
			RT_SCOPE_UNIVERSE;
	inet_ntop(AF_INET6, addr, a, sizeof(a));
	snprintf(what, sizeof(what), "cannot add address %s/%u", a, plen);
	msg = nlmsg_alloc_simple(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
	if (msg && (nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0 ||
		    nla_put(msg, IFA_LOCAL, 16, addr) ||
		    nla_put(msg, IFA_ADDRESS, 16, addr) ||
		    nla_put_u32(msg, IFA_FLAGS, IFA_F_NODAD))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return azc_rtdev_request(msg, what, err, errlen);
}

int azc_rtdev_setup(uint32_t ifindex, const uint8_t iid[8], char *err,
		    size_t errlen)
{
	struct in6_addr ll = { .s6_addr = { 0xfe, 0x80 } };
	int ret;

	memcpy(ll.s6_addr + 8, iid, 8);
	ret = azc_rtdev_gen_mode_none(ifindex, err, errlen);
	if (!ret)
		ret = azc_rtdev_addr_add(ifindex, &ll, 64, err, errlen);
	if (!ret)
		ret = azc_rtdev_up(ifindex, err, errlen);
	return ret;
}

bool azc_module_live(void)
{
	char buf[16] = "";
	FILE *f = fopen("/sys/module/azconnect/initstate", "re");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return !strcmp(buf, "live\n");
}
