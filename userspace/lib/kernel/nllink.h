/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Links of azconnect devices over generic netlink (docs/netlink/
 * azconnect.yaml): link-new hands a kTLS socket to the kernel, link-del
 * and link-get manage and report links, ctrl-send and ctrl-ntf carry the
 * control frames that stay in user space, link-del-ntf tells why a link
 * went down.
 *
 * The netlink socket that calls link-new owns the link: the kernel sends
 * the link's ctrl-ntf to it alone, with sequence number 0, and removes
 * the link when it closes. Such a socket is opened with azc_link_open(),
 * which also joins the "events" group for link-del-ntf; requests and
 * events then share it (see azc_nl_enable_events()).
 *
 * Functions return 0 or a negative errno; after a refusal nl->extack
 * holds the kernel's explanation when it gave one.
 */

#ifndef AZC_NLLINK_H
#define AZC_NLLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "uapi/azconnect.h"
#include "nl.h"

struct azc_link_params {
	int sockfd;			/* connected TCP, kTLS both ways */
	const uint8_t *pending;		/* stream bytes already read, or NULL */
	size_t pending_len;		/* at most AZCONNECT_PENDING_MAX_LEN */
	const uint8_t *local_iid;	/* AZCONNECT_IID_LEN bytes */
	const uint8_t *peer_iid;
	const struct in6_addr *peer_addr;	/* or NULL (endpoint) */
	uint16_t mru;			/* the peer's; 0: kernel default */
};

/* Drop reasons, in the order of their attributes (rx-bad-sstp ...). */
#define AZC_LINK_DROPS \
	(AZCONNECT_A_LINK_TX_ESP_SEQ_EXHAUSTED - AZCONNECT_A_LINK_RX_BAD_SSTP + 1)

struct azc_link_info {
	uint32_t ifindex;
	uint32_t id;
	uint8_t local_iid[AZCONNECT_IID_LEN];
	uint8_t peer_iid[AZCONNECT_IID_LEN];
	bool has_peer_addr;
	struct in6_addr peer_addr;
	uint16_t mru;
	uint32_t state;			/* enum azconnect_link_state */
	bool has_down_reason;
	uint32_t down_reason;		/* enum azconnect_link_down_reason */
	uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_dropped;
	uint32_t last_error;		/* errno of the socket's last error */
	uint64_t drops[AZC_LINK_DROPS];	/* by reason, azc_link_drop_name() */
};

struct azc_link_list {
	struct azc_link_info *links;
	size_t n, cap;
};

/* A link owner's socket: family resolved, events enabled and joined. */
int azc_link_open(struct azc_nl *nl);

/* link-new on device @ifindex; the kernel's id of the link in @id. */
int azc_link_new(struct azc_nl *nl, uint32_t ifindex,
		 const struct azc_link_params *p, uint32_t *id);
/* link-del; @reason: userspace, keepalive-timeout or protocol-error. */
int azc_link_del(struct azc_nl *nl, uint32_t ifindex, uint32_t id,
		 uint32_t reason);
/* Every link of @ifindex, appended to @list (azc_link_list_free()). */
int azc_link_dump(struct azc_nl *nl, uint32_t ifindex,
		  struct azc_link_list *list);
void azc_link_list_free(struct azc_link_list *list);

/* ctrl-send: @kind is AZCONNECT_CTRL_KIND_SSTP or _PPP. */
int azc_ctrl_send(struct azc_nl *nl, uint32_t ifindex, uint32_t id,
		  uint32_t kind, const uint8_t *frame, size_t len);

struct azc_link_events {
	/* ctrl-ntf: a control frame the link received. */
	void (*ctrl)(void *ctx, uint32_t ifindex, uint32_t id, uint32_t kind,
		     const uint8_t *frame, size_t len);
	/* link-del-ntf: the link is gone; @info has its last counters. */
	void (*del)(void *ctx, const struct azc_link_info *info);
	void *ctx;
};

/*
 * Delivers the events that are pending on @nl, without blocking. -ENOBUFS
 * when some were lost (the caller may resynchronise with azc_link_dump()).
 */
int azc_link_read_events(struct azc_nl *nl, const struct azc_link_events *ev);

/* Decoders, exposed for unit tests: 0 or -EINVAL. */
int azc_link_parse(const struct nlmsghdr *nlh, struct azc_link_info *info);
int azc_ctrl_parse(const struct nlmsghdr *nlh, uint32_t *ifindex,
		   uint32_t *id, uint32_t *kind, const uint8_t **frame,
		   size_t *len);

/* "peer-closed", "transport-error", ... */
const char *azc_link_down_reason_name(uint32_t reason);
const char *azc_link_state_name(uint32_t state);
/* "peer-closed", or "transport-error, Connection reset by peer", in @buf. */
void azc_link_format_down(const struct azc_link_info *l, char *buf,
			  size_t size);
/* "rx_bad_sstp", ... for drops[@i]. */
const char *azc_link_drop_name(size_t i);
/*
 * The counters of @l as "name=value" items separated by @sep: packets,
 * bytes, errors and drops each way, each non-zero drop reason as
 * "drop_REASON=N", and the socket's last error as "last_error=TEXT".
 */
void azc_link_format_counters(const struct azc_link_info *l, const char *sep,
			      char *buf, size_t size);
/*
 * The reasons with a count, "rx_spoofed 2, tx_too_big 1", in @buf ("none"
 * when there is none); truncated to @size.
 */
void azc_link_format_drops(const struct azc_link_info *l, char *buf,
			   size_t size);

#endif /* AZC_NLLINK_H */
