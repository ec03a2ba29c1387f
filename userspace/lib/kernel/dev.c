// SPDX-License-Identifier: GPL-2.0-only
/* Decoding and presenting azconnect device state. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <arpa/inet.h>

#include "uapi/azconnect.h"
#include "dev.h"
#include "json.h"
#include "base/util.h"

static struct nla_policy azc_top_policy[AZCONNECT_A_MAX + 1] = {
	[AZCONNECT_A_IFINDEX] = { .type = NLA_U32 },
	[AZCONNECT_A_DEV] = { .type = NLA_NESTED },
};

static struct nla_policy azc_dev_policy[AZCONNECT_A_DEV_MAX + 1] = {
	[AZCONNECT_A_DEV_IFINDEX] = { .type = NLA_U32 },
	[AZCONNECT_A_DEV_IFNAME] = { .type = NLA_STRING, .maxlen = IF_NAMESIZE },
	[AZCONNECT_A_DEV_MODE] = { .type = NLA_U32 },
	[AZCONNECT_A_DEV_MTU] = { .type = NLA_U32 },
	[AZCONNECT_A_DEV_CARRIER] = { .type = NLA_U8 },
	[AZCONNECT_A_DEV_LINKS] = { .type = NLA_U32 },
	[AZCONNECT_A_DEV_RX_PACKETS] = { .type = NLA_U64 },
	[AZCONNECT_A_DEV_RX_BYTES] = { .type = NLA_U64 },
	[AZCONNECT_A_DEV_RX_ERRORS] = { .type = NLA_U64 },
	[AZCONNECT_A_DEV_RX_DROPPED] = { .type = NLA_U64 },
	[AZCONNECT_A_DEV_TX_PACKETS] = { .type = NLA_U64 },
	[AZCONNECT_A_DEV_TX_BYTES] = { .type = NLA_U64 },
	[AZCONNECT_A_DEV_TX_ERRORS] = { .type = NLA_U64 },
	[AZCONNECT_A_DEV_TX_DROPPED] = { .type = NLA_U64 },
};

static uint64_t azc_get_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

int azc_dev_parse(const struct nlmsghdr *nlh, struct azc_dev_info *info)
{
	struct nlattr *top[AZCONNECT_A_MAX + 1];
	struct nlattr *d[AZCONNECT_A_DEV_MAX + 1];

	memset(info, 0, sizeof(*info));
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, top, AZCONNECT_A_MAX,
			  azc_top_policy) < 0 || !top[AZCONNECT_A_DEV])
		return -EINVAL;
	if (nla_parse_nested(d, AZCONNECT_A_DEV_MAX, top[AZCONNECT_A_DEV],
			     azc_dev_policy) < 0)
		return -EINVAL;
	if (!d[AZCONNECT_A_DEV_IFINDEX] || !d[AZCONNECT_A_DEV_IFNAME])
		return -EINVAL;

	info->ifindex = nla_get_u32(d[AZCONNECT_A_DEV_IFINDEX]);
	nla_strlcpy(info->ifname, d[AZCONNECT_A_DEV_IFNAME], sizeof(info->ifname));
	if (d[AZCONNECT_A_DEV_MODE])
		info->mode = nla_get_u32(d[AZCONNECT_A_DEV_MODE]);
	if (d[AZCONNECT_A_DEV_MTU])
		info->mtu = nla_get_u32(d[AZCONNECT_A_DEV_MTU]);
	if (d[AZCONNECT_A_DEV_CARRIER])
		info->carrier = nla_get_u8(d[AZCONNECT_A_DEV_CARRIER]);
	if (d[AZCONNECT_A_DEV_LINKS])
		info->links = nla_get_u32(d[AZCONNECT_A_DEV_LINKS]);
	info->rx_packets = azc_get_u64(d[AZCONNECT_A_DEV_RX_PACKETS]);
	info->rx_bytes = azc_get_u64(d[AZCONNECT_A_DEV_RX_BYTES]);
	info->rx_errors = azc_get_u64(d[AZCONNECT_A_DEV_RX_ERRORS]);
	info->rx_dropped = azc_get_u64(d[AZCONNECT_A_DEV_RX_DROPPED]);
	info->tx_packets = azc_get_u64(d[AZCONNECT_A_DEV_TX_PACKETS]);
	info->tx_bytes = azc_get_u64(d[AZCONNECT_A_DEV_TX_BYTES]);
	info->tx_errors = azc_get_u64(d[AZCONNECT_A_DEV_TX_ERRORS]);
	info->tx_dropped = azc_get_u64(d[AZCONNECT_A_DEV_TX_DROPPED]);
	return 0;
}

int azc_dev_list_add(struct nlmsghdr *nlh, void *arg)
{
	struct azc_dev_list *list = arg;
	int ret;

	if (list->n == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 8;
		struct azc_dev_info *d = realloc(list->devs, cap * sizeof(*d));

		if (!d)
			return -ENOMEM;
		list->devs = d;
		list->cap = cap;
	}
	memset(&list->devs[list->n], 0, sizeof(list->devs[0]));
	ret = azc_dev_parse(nlh, &list->devs[list->n]);
	if (ret)
		return ret;
	list->n++;
	return 0;
}

void azc_dev_list_free(struct azc_dev_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++) {
		azc_link_list_free(&list->devs[i].link_list);
		azc_sa_list_free(&list->devs[i].sa_list);
	}
	free(list->devs);
	memset(list, 0, sizeof(*list));
}

static const char *const azc_mode_names[] = {
	[AZCONNECT_DEV_MODE_ENDPOINT] = "endpoint",
	[AZCONNECT_DEV_MODE_RELAY] = "relay",
};

/* "    RX: 1 packets 2 bytes 3 errors 4 dropped", @errors when known */
static void azc_dev_print_counts(FILE *f, const char *what, uint64_t packets,
				 uint64_t bytes, const uint64_t *errors,
				 uint64_t dropped)
{
	fprintf(f, "%s: %llu packets %llu bytes ", what,
		(unsigned long long)packets, (unsigned long long)bytes);
	if (errors)
		fprintf(f, "%llu errors ", (unsigned long long)*errors);
	fprintf(f, "%llu dropped\n", (unsigned long long)dropped);
}

/* One line per link, then its counters, indented under the device */
static void azc_dev_print_links(FILE *f, const struct azc_link_list *list)
{
	char a[AZC_IID_STRLEN], b[AZC_IID_STRLEN], p[INET6_ADDRSTRLEN] = "-";
	char drops[512];
	const struct azc_link_info *l;
	size_t i;

	for (i = 0; i < list->n; i++) {
		l = &list->links[i];
		azc_iid_format(l->local_iid, a, sizeof(a));
		azc_iid_format(l->peer_iid, b, sizeof(b));
		if (l->has_peer_addr)
			inet_ntop(AF_INET6, &l->peer_addr, p, sizeof(p));
		fprintf(f, "    link %u: %s peer %s iid %s local iid %s mru %u\n",
			l->id, azc_link_state_name(l->state), p, b, a, l->mru);
		azc_dev_print_counts(f, "        RX", l->rx_packets, l->rx_bytes,
				     &l->rx_errors, l->rx_dropped);
		azc_dev_print_counts(f, "        TX", l->tx_packets, l->tx_bytes,
				     NULL, l->tx_dropped);
		azc_link_format_drops(l, drops, sizeof(drops));
		fprintf(f, "        drops: %s\n", drops);
		if (l->last_error)
			fprintf(f, "        last error: %s\n",
				strerror((int)l->last_error));
	}
}

int azc_dev_set_u32(struct azc_nl *nl, uint32_t ifindex, const char *ifname,
		    int attr, uint32_t value)
{
	struct nl_msg *msg = azc_nl_msg(nl, AZCONNECT_CMD_DEV_SET, 0);
	struct nlattr *nest;

	if (!msg)
		return -ENOMEM;
	if (ifindex ? nla_put_u32(msg, AZCONNECT_A_IFINDEX, ifindex) :
		      nla_put_string(msg, AZCONNECT_A_IFNAME, ifname))
		goto err;
	nest = nla_nest_start(msg, AZCONNECT_A_DEV);
	if (!nest || nla_put_u32(msg, attr, value))
		goto err;
	nla_nest_end(msg, nest);
	return azc_nl_request(nl, msg, NULL, NULL);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

const char *azc_dev_mode_name(uint32_t mode)
{
	if (mode < AZC_ARRAY_SIZE(azc_mode_names))
		return azc_mode_names[mode];
	return "unknown";
}

int azc_dev_mode_parse(const char *name)
{
	size_t i;

	for (i = 0; i < AZC_ARRAY_SIZE(azc_mode_names); i++)
		if (!strcmp(name, azc_mode_names[i]))
			return (int)i;
	return -1;
}

void azc_dev_print_text(FILE *f, const struct azc_dev_list *list)
{
	size_t i, j;

	for (i = 0; i < list->n; i++) {
		const struct azc_dev_info *d = &list->devs[i];

		fprintf(f, "%u: %s: mode %s mtu %u carrier %s links %u\n",
			d->ifindex, d->ifname, azc_dev_mode_name(d->mode), d->mtu,
			d->carrier ? "on" : "off", d->links);
		azc_dev_print_counts(f, "    RX", d->rx_packets, d->rx_bytes,
				     &d->rx_errors, d->rx_dropped);
		azc_dev_print_counts(f, "    TX", d->tx_packets, d->tx_bytes,
				     &d->tx_errors, d->tx_dropped);
		azc_dev_print_links(f, &d->link_list);
		for (j = 0; d->sa_listed && j < d->sa_list.n; j++)
			azc_sa_print_text(f, "    ", &d->sa_list.sas[j]);
		if (d->sa_err == -EPERM)
			fprintf(f, "    note: SAs not shown, listing them needs CAP_NET_ADMIN\n");
	}
}

static struct json_object *azc_dev_stats_json(uint64_t packets, uint64_t bytes,
					      uint64_t errors, uint64_t dropped);

/* Every drop reason with its count, zeros too: scripts may rely on them. */
static struct json_object *azc_drops_json(const struct azc_link_info *l)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; o && i < AZC_LINK_DROPS; i++) {
		if (azc_json_add(o, azc_link_drop_name(i),
				 json_object_new_uint64(l->drops[i]))) {
			json_object_put(o);
			return NULL;
		}
	}
	return o;
}

static struct json_object *azc_link_json(const struct azc_link_info *l)
{
	struct json_object *o = json_object_new_object();
	char a[AZC_IID_STRLEN], b[AZC_IID_STRLEN], p[INET6_ADDRSTRLEN] = "";

	if (!o)
		return NULL;
	azc_iid_format(l->local_iid, a, sizeof(a));
	azc_iid_format(l->peer_iid, b, sizeof(b));
	if (l->has_peer_addr)
		inet_ntop(AF_INET6, &l->peer_addr, p, sizeof(p));
	if (azc_json_add(o, "id", json_object_new_int64(l->id)) ||
	    azc_json_add(o, "state",
			 json_object_new_string(azc_link_state_name(l->state))) ||
	    azc_json_add(o, "local_iid", json_object_new_string(a)) ||
	    azc_json_add(o, "peer_iid", json_object_new_string(b)) ||
	    (p[0] && azc_json_add(o, "peer_addr", json_object_new_string(p))) ||
	    azc_json_add(o, "mru", json_object_new_int64(l->mru)) ||
	    azc_json_add(o, "rx", azc_dev_stats_json(l->rx_packets, l->rx_bytes,
						     l->rx_errors, l->rx_dropped)) ||
	    azc_json_add(o, "tx", azc_dev_stats_json(l->tx_packets, l->tx_bytes,
						     0, l->tx_dropped)) ||
	    azc_json_add(o, "drops", azc_drops_json(l)) ||
	    azc_json_add(o, "last_errno", json_object_new_int64(l->last_error)) ||
	    azc_json_add(o, "last_error", json_object_new_string(
			 l->last_error ? strerror((int)l->last_error) : ""))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *azc_link_json_item(const void *item)
{
	return azc_link_json(item);
}

static struct json_object *azc_links_json(const struct azc_link_list *list)
{
	return azc_json_array(list->links, list->n, sizeof(*list->links),
			      azc_link_json_item);
}

static struct json_object *azc_dev_stats_json(uint64_t packets, uint64_t bytes,
					      uint64_t errors, uint64_t dropped)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (azc_json_add(o, "packets", json_object_new_uint64(packets)) ||
	    azc_json_add(o, "bytes", json_object_new_uint64(bytes)) ||
	    azc_json_add(o, "errors", json_object_new_uint64(errors)) ||
	    azc_json_add(o, "dropped", json_object_new_uint64(dropped))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *azc_dev_json(const struct azc_dev_info *d)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (azc_json_add(o, "ifindex", json_object_new_int64(d->ifindex)) ||
	    azc_json_add(o, "ifname", json_object_new_string(d->ifname)) ||
	    azc_json_add(o, "mode",
			 json_object_new_string(azc_dev_mode_name(d->mode))) ||
	    azc_json_add(o, "mtu", json_object_new_int64(d->mtu)) ||
	    azc_json_add(o, "carrier", json_object_new_boolean(d->carrier)) ||
	    azc_json_add(o, "links", json_object_new_int64(d->links)) ||
	    azc_json_add(o, "rx", azc_dev_stats_json(d->rx_packets, d->rx_bytes,
						     d->rx_errors, d->rx_dropped)) ||
	    azc_json_add(o, "tx", azc_dev_stats_json(d->tx_packets, d->tx_bytes,
						     d->tx_errors, d->tx_dropped)) ||
	    (d->link_list.n &&
	     azc_json_add(o, "link_list", azc_links_json(&d->link_list))) ||
	    (d->sa_listed &&
	     azc_json_add(o, "sas", azc_sa_list_json(&d->sa_list)))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int azc_dev_print_json(FILE *f, const struct azc_dev_list *list)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	if (!arr)
		return -ENOMEM;
	for (i = 0; i < list->n; i++) {
		struct json_object *o = azc_dev_json(&list->devs[i]);

		if (!o || json_object_array_add(arr, o)) {
			json_object_put(o);
			json_object_put(arr);
			return -ENOMEM;
		}
	}
	fprintf(f, "%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
	json_object_put(arr);
	return 0;
}
