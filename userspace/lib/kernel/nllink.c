// SPDX-License-Identifier: GPL-2.0-only
/* Links of azconnect devices over generic netlink (see nllink.h). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "base/util.h"
#include "nllink.h"

static struct nla_policy azc_link_top_policy[AZCONNECT_A_MAX + 1] = {
	[AZCONNECT_A_IFINDEX] = { .type = NLA_U32 },
	[AZCONNECT_A_LINK] = { .type = NLA_NESTED },
	[AZCONNECT_A_CTRL] = { .type = NLA_NESTED },
};

static struct nla_policy azc_link_policy[AZCONNECT_A_LINK_MAX + 1] = {
	[AZCONNECT_A_LINK_ID] = { .type = NLA_U32 },
	[AZCONNECT_A_LINK_LOCAL_IID] = { .minlen = AZCONNECT_IID_LEN },
	[AZCONNECT_A_LINK_PEER_IID] = { .minlen = AZCONNECT_IID_LEN },
	[AZCONNECT_A_LINK_PEER_ADDR] = { .minlen = 16 },
	[AZCONNECT_A_LINK_MRU] = { .type = NLA_U16 },
	[AZCONNECT_A_LINK_STATE] = { .type = NLA_U32 },
	[AZCONNECT_A_LINK_DOWN_REASON] = { .type = NLA_U32 },
	[AZCONNECT_A_LINK_RX_PACKETS] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_BYTES] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_ERRORS] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_DROPPED] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_TX_PACKETS] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_TX_BYTES] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_TX_DROPPED] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_LAST_ERROR] = { .type = NLA_U32 },
	[AZCONNECT_A_LINK_RX_BAD_SSTP] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_BAD_PPP] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_BAD_IPV6] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_SPOOFED] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_DEV_DOWN] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_NOMEM] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_CTRL_LOST] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_TX_TOO_BIG] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_TX_QUEUE_FULL] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_TX_NOMEM] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_TX_LINK_DOWN] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_TX_SEND_ERROR] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_OUTSIDE] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_LOCAL_REFUSED] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_ESP_MALFORMED] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_ESP_BAD_ICV] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_ESP_UNKNOWN_SPI] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_ESP_REPLAY] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_RX_ESP_REQUIRED] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_TX_ESP_NO_SA] = { .type = NLA_U64 },
	[AZCONNECT_A_LINK_TX_ESP_SEQ_EXHAUSTED] = { .type = NLA_U64 },
};

static const char *const azc_drop_names[AZC_LINK_DROPS] = {
	"rx_bad_sstp", "rx_bad_ppp", "rx_bad_ipv6", "rx_spoofed",
	"rx_dev_down", "rx_nomem", "rx_ctrl_lost", "tx_too_big",
	"tx_queue_full", "tx_nomem", "tx_link_down", "tx_send_error",
	"rx_outside", "rx_local_refused", "rx_esp_malformed",
	"rx_esp_bad_icv", "rx_esp_unknown_spi", "rx_esp_replay",
	"rx_esp_required", "tx_esp_no_sa", "tx_esp_seq_exhausted",
};

void azc_link_format_down(const struct azc_link_info *l, char *buf,
			  size_t size)
{
	snprintf(buf, size, "%s%s%s", azc_link_down_reason_name(l->down_reason),
		 l->last_error ? ", " : "",
		 l->last_error ? strerror((int)l->last_error) : "");
}

const char *azc_link_drop_name(size_t i)
{
	return i < AZC_LINK_DROPS ? azc_drop_names[i] : "unknown";
}

void azc_link_format_drops(const struct azc_link_info *l, char *buf,
			   size_t size)
{
	size_t i, off = 0;
	int n;

	snprintf(buf, size, "none");
	for (i = 0; i < AZC_LINK_DROPS; i++) {
		if (!l->drops[i] || off >= size)
			continue;
		n = snprintf(buf + off, size - off, "%s%s %llu",
			     off ? ", " : "", azc_drop_names[i],
			     (unsigned long long)l->drops[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

void azc_link_format_counters(const struct azc_link_info *l, const char *sep,
			      char *buf, size_t size)
{
	size_t i, off = 0;
	int n;

	n = snprintf(buf, size,
		     "rx_packets=%llu%srx_bytes=%llu%srx_errors=%llu%srx_dropped=%llu%stx_packets=%llu%stx_bytes=%llu%stx_dropped=%llu",
		     (unsigned long long)l->rx_packets, sep,
		     (unsigned long long)l->rx_bytes, sep,
		     (unsigned long long)l->rx_errors, sep,
		     (unsigned long long)l->rx_dropped, sep,
		     (unsigned long long)l->tx_packets, sep,
		     (unsigned long long)l->tx_bytes, sep,
		     (unsigned long long)l->tx_dropped);
	for (i = 0; n >= 0 && i < AZC_LINK_DROPS; i++) {
		off += (size_t)n;
		n = 0;
		if (l->drops[i] && off < size)
			n = snprintf(buf + off, size - off, "%sdrop_%s=%llu",
				     sep, azc_drop_names[i],
				     (unsigned long long)l->drops[i]);
	}
	off += n > 0 ? (size_t)n : 0;
	if (l->last_error && off < size)
		snprintf(buf + off, size - off, "%slast_error=%s", sep,
			 strerror((int)l->last_error));
}

static struct nla_policy azc_ctrl_policy[AZCONNECT_A_CTRL_MAX + 1] = {
	[AZCONNECT_A_CTRL_LINK_ID] = { .type = NLA_U32 },
	[AZCONNECT_A_CTRL_KIND] = { .type = NLA_U32 },
	[AZCONNECT_A_CTRL_FRAME] = { .maxlen = AZCONNECT_SSTP_MAX_LEN },
};

static const char *const azc_down_reasons[] = {
	[AZCONNECT_LINK_DOWN_REASON_USERSPACE] = "userspace",
	[AZCONNECT_LINK_DOWN_REASON_TEARDOWN] = "teardown",
	[AZCONNECT_LINK_DOWN_REASON_PEER_CLOSED] = "peer-closed",
	[AZCONNECT_LINK_DOWN_REASON_TRANSPORT_ERROR] = "transport-error",
	[AZCONNECT_LINK_DOWN_REASON_TLS_ALERT] = "tls-alert",
	[AZCONNECT_LINK_DOWN_REASON_KEEPALIVE_TIMEOUT] = "keepalive-timeout",
	[AZCONNECT_LINK_DOWN_REASON_PROTOCOL_ERROR] = "protocol-error",
	[AZCONNECT_LINK_DOWN_REASON_SEND_TIMEOUT] = "send-timeout",
	[AZCONNECT_LINK_DOWN_REASON_TRUNCATED] = "truncated",
	[AZCONNECT_LINK_DOWN_REASON_TLS_HANDSHAKE] = "tls-handshake",
	[AZCONNECT_LINK_DOWN_REASON_REPLACED] = "replaced",
	[AZCONNECT_LINK_DOWN_REASON_REVOKED] = "revoked",
};

const char *azc_link_down_reason_name(uint32_t reason)
{
	return reason < AZC_ARRAY_SIZE(azc_down_reasons) ?
	       azc_down_reasons[reason] : "unknown";
}

const char *azc_link_state_name(uint32_t state)
{
	switch (state) {
	case AZCONNECT_LINK_STATE_UP:
		return "up";
	case AZCONNECT_LINK_STATE_DOWN:
		return "down";
	}
	return "unknown";
}

int azc_link_open(struct azc_nl *nl)
{
	int ret = azc_nl_open(nl);

	if (!ret)
		ret = azc_nl_enable_events(nl);
	if (!ret)
		ret = azc_nl_subscribe(nl, AZCONNECT_MCGRP_EVENTS);
	if (ret)
		azc_nl_close(nl);
	return ret;
}

/* A request for @cmd on @ifindex with a nest @nest_type started. */
static struct nl_msg *azc_link_msg(struct azc_nl *nl, int cmd, int flags,
				   uint32_t ifindex, int nest_type,
				   struct nlattr **nest)
{
	struct nl_msg *msg = azc_nl_msg(nl, cmd, flags);

	if (!msg)
		return NULL;
	if (nla_put_u32(msg, AZCONNECT_A_IFINDEX, ifindex))
		goto err;
	if (!nest_type)
		return msg;
	*nest = nla_nest_start(msg, nest_type);
	if (*nest)
		return msg;
err:
	nlmsg_free(msg);
	return NULL;
}

static int azc_link_put_params(struct nl_msg *msg,
			       const struct azc_link_params *p)
{
	if (nla_put_u32(msg, AZCONNECT_A_LINK_SOCKET, (uint32_t)p->sockfd) ||
	    nla_put(msg, AZCONNECT_A_LINK_LOCAL_IID, AZCONNECT_IID_LEN,
		    p->local_iid) ||
	    nla_put(msg, AZCONNECT_A_LINK_PEER_IID, AZCONNECT_IID_LEN,
		    p->peer_iid))
		return -ENOMEM;
	if (p->pending_len &&
	    nla_put(msg, AZCONNECT_A_LINK_PENDING, (int)p->pending_len,
		    p->pending))
		return -ENOMEM;
	if (p->peer_addr &&
	    nla_put(msg, AZCONNECT_A_LINK_PEER_ADDR, 16, p->peer_addr))
		return -ENOMEM;
	if (p->mru && nla_put_u16(msg, AZCONNECT_A_LINK_MRU, p->mru))
		return -ENOMEM;
	return 0;
}

static int azc_link_id_cb(struct nlmsghdr *nlh, void *arg)
{
	struct azc_link_info info;

	if (azc_link_parse(nlh, &info) || !info.id)
		return -EINVAL;
	*(uint32_t *)arg = info.id;
	return 0;
}

int azc_link_new(struct azc_nl *nl, uint32_t ifindex,
		 const struct azc_link_params *p, uint32_t *id)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	if (p->pending_len > AZCONNECT_PENDING_MAX_LEN)
		return -E2BIG;
	msg = azc_link_msg(nl, AZCONNECT_CMD_LINK_NEW, 0, ifindex,
			   AZCONNECT_A_LINK, &nest);
	if (!msg)
		return -ENOMEM;
	if (azc_link_put_params(msg, p)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	*id = 0;
	return azc_nl_request(nl, msg, azc_link_id_cb, id);
}

int azc_link_del(struct azc_nl *nl, uint32_t ifindex, uint32_t id,
		 uint32_t reason)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	msg = azc_link_msg(nl, AZCONNECT_CMD_LINK_DEL, 0, ifindex,
			   AZCONNECT_A_LINK, &nest);
	if (!msg || nla_put_u32(msg, AZCONNECT_A_LINK_ID, id) ||
	    nla_put_u32(msg, AZCONNECT_A_LINK_DOWN_REASON, reason)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return azc_nl_request(nl, msg, NULL, NULL);
}

static int azc_link_list_add(struct nlmsghdr *nlh, void *arg)
{
	struct azc_link_list *list = arg;

	if (list->n == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 8;
		struct azc_link_info *l = realloc(list->links,
						  cap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		list->links = l;
		list->cap = cap;
	}
	if (azc_link_parse(nlh, &list->links[list->n]))
		return -EINVAL;
	list->n++;
	return 0;
}

int azc_link_dump(struct azc_nl *nl, uint32_t ifindex,
		  struct azc_link_list *list)
{
	struct nl_msg *msg;
	size_t n0 = list->n;
	int ret, tries;

	for (tries = 0; tries < 5; tries++) {
		list->n = n0;
		msg = azc_link_msg(nl, AZCONNECT_CMD_LINK_GET, NLM_F_DUMP,
				   ifindex, 0, NULL);
		if (!msg)
			return -ENOMEM;
		ret = azc_nl_request(nl, msg, azc_link_list_add, list);
		if (ret != -EINTR)
			break;
	}
	return ret;
}

void azc_link_list_free(struct azc_link_list *list)
{
	free(list->links);
	memset(list, 0, sizeof(*list));
}

int azc_ctrl_send(struct azc_nl *nl, uint32_t ifindex, uint32_t id,
		  uint32_t kind, const uint8_t *frame, size_t len)
{
	struct nlattr *nest;
	struct nl_msg *msg;

	if (!len || len > AZCONNECT_SSTP_MAX_LEN)
		return -EMSGSIZE;
	msg = azc_link_msg(nl, AZCONNECT_CMD_CTRL_SEND, 0, ifindex,
			   AZCONNECT_A_CTRL, &nest);
	if (!msg || nla_put_u32(msg, AZCONNECT_A_CTRL_LINK_ID, id) ||
	    nla_put_u32(msg, AZCONNECT_A_CTRL_KIND, kind) ||
	    nla_put(msg, AZCONNECT_A_CTRL_FRAME, (int)len, frame)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return azc_nl_request(nl, msg, NULL, NULL);
}

static uint64_t azc_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static void azc_link_counters(struct nlattr **l, struct azc_link_info *info)
{
	size_t i;

	info->rx_packets = azc_u64(l[AZCONNECT_A_LINK_RX_PACKETS]);
	info->rx_bytes = azc_u64(l[AZCONNECT_A_LINK_RX_BYTES]);
	info->rx_errors = azc_u64(l[AZCONNECT_A_LINK_RX_ERRORS]);
	info->rx_dropped = azc_u64(l[AZCONNECT_A_LINK_RX_DROPPED]);
	info->tx_packets = azc_u64(l[AZCONNECT_A_LINK_TX_PACKETS]);
	info->tx_bytes = azc_u64(l[AZCONNECT_A_LINK_TX_BYTES]);
	info->tx_dropped = azc_u64(l[AZCONNECT_A_LINK_TX_DROPPED]);
	if (l[AZCONNECT_A_LINK_LAST_ERROR])
		info->last_error = nla_get_u32(l[AZCONNECT_A_LINK_LAST_ERROR]);
	for (i = 0; i < AZC_LINK_DROPS; i++)
		info->drops[i] = azc_u64(l[AZCONNECT_A_LINK_RX_BAD_SSTP + i]);
}

static void azc_link_ids(struct nlattr **l, struct azc_link_info *info)
{
	if (l[AZCONNECT_A_LINK_LOCAL_IID])
		memcpy(info->local_iid, nla_data(l[AZCONNECT_A_LINK_LOCAL_IID]),
		       AZCONNECT_IID_LEN);
	if (l[AZCONNECT_A_LINK_PEER_IID])
		memcpy(info->peer_iid, nla_data(l[AZCONNECT_A_LINK_PEER_IID]),
		       AZCONNECT_IID_LEN);
	info->has_peer_addr = l[AZCONNECT_A_LINK_PEER_ADDR];
	if (info->has_peer_addr)
		memcpy(&info->peer_addr,
		       nla_data(l[AZCONNECT_A_LINK_PEER_ADDR]), 16);
}

int azc_link_parse(const struct nlmsghdr *nlh, struct azc_link_info *info)
{
	struct nlattr *top[AZCONNECT_A_MAX + 1];
	struct nlattr *l[AZCONNECT_A_LINK_MAX + 1];

	memset(info, 0, sizeof(*info));
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, top, AZCONNECT_A_MAX,
			  azc_link_top_policy) < 0 || !top[AZCONNECT_A_LINK] ||
	    !top[AZCONNECT_A_IFINDEX])
		return -EINVAL;
	if (nla_parse_nested(l, AZCONNECT_A_LINK_MAX, top[AZCONNECT_A_LINK],
			     azc_link_policy) < 0 || !l[AZCONNECT_A_LINK_ID])
		return -EINVAL;
	info->ifindex = nla_get_u32(top[AZCONNECT_A_IFINDEX]);
	info->id = nla_get_u32(l[AZCONNECT_A_LINK_ID]);
	azc_link_ids(l, info);
	if (l[AZCONNECT_A_LINK_MRU])
		info->mru = nla_get_u16(l[AZCONNECT_A_LINK_MRU]);
	if (l[AZCONNECT_A_LINK_STATE])
		info->state = nla_get_u32(l[AZCONNECT_A_LINK_STATE]);
	info->has_down_reason = l[AZCONNECT_A_LINK_DOWN_REASON];
	if (info->has_down_reason)
		info->down_reason = nla_get_u32(l[AZCONNECT_A_LINK_DOWN_REASON]);
	azc_link_counters(l, info);
	return 0;
}

int azc_ctrl_parse(const struct nlmsghdr *nlh, uint32_t *ifindex,
		   uint32_t *id, uint32_t *kind, const uint8_t **frame,
		   size_t *len)
{
	struct nlattr *top[AZCONNECT_A_MAX + 1];
	struct nlattr *c[AZCONNECT_A_CTRL_MAX + 1];

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, top, AZCONNECT_A_MAX,
			  azc_link_top_policy) < 0 || !top[AZCONNECT_A_CTRL] ||
	    !top[AZCONNECT_A_IFINDEX])
		return -EINVAL;
	if (nla_parse_nested(c, AZCONNECT_A_CTRL_MAX, top[AZCONNECT_A_CTRL],
			     azc_ctrl_policy) < 0 ||
	    !c[AZCONNECT_A_CTRL_LINK_ID] || !c[AZCONNECT_A_CTRL_KIND] ||
	    !c[AZCONNECT_A_CTRL_FRAME])
		return -EINVAL;
	*ifindex = nla_get_u32(top[AZCONNECT_A_IFINDEX]);
	*id = nla_get_u32(c[AZCONNECT_A_CTRL_LINK_ID]);
	*kind = nla_get_u32(c[AZCONNECT_A_CTRL_KIND]);
	*frame = nla_data(c[AZCONNECT_A_CTRL_FRAME]);
	*len = (size_t)nla_len(c[AZCONNECT_A_CTRL_FRAME]);
	return 0;
}

struct azc_link_evr {
	const struct azc_link_events *ev;
	int family;
};

/* One event: anything else than ctrl-ntf and link-del-ntf is ignored. */
static void azc_link_event(struct nlmsghdr *nlh, void *arg)
{
	const struct azc_link_evr *r = arg;
	const struct azc_link_events *ev = r->ev;
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct azc_link_info info;
	uint32_t ifindex, id, kind;
	const uint8_t *frame;
	size_t len;

	if (nlh->nlmsg_type != r->family ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return;
	if (g->cmd == AZCONNECT_CMD_CTRL_NTF && ev->ctrl &&
	    !azc_ctrl_parse(nlh, &ifindex, &id, &kind, &frame, &len))
		ev->ctrl(ev->ctx, ifindex, id, kind, frame, len);
	else if (g->cmd == AZCONNECT_CMD_LINK_DEL_NTF && ev->del &&
		 !azc_link_parse(nlh, &info))
		ev->del(ev->ctx, &info);
}

int azc_link_read_events(struct azc_nl *nl, const struct azc_link_events *ev)
{
	struct azc_link_evr r = { .ev = ev, .family = nl->family };

	return azc_nl_read_events(nl, azc_link_event, &r);
}
