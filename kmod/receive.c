// SPDX-License-Identifier: GPL-2.0-only
/*
 * Receive: a link's worker reads whole TLS records from the kTLS socket
 * without blocking, checks their content type, reassembles SSTP packets
 * across records and dispatches them: IPv6 in PPP goes to the stack (on a
 * relay, only from the link's endpoint and only to the overlay), anything
 * else (SSTP control, LCP, IPV6CP, unknown protocols) goes to the owner of
 * the link as a ctrl-ntf.
 *
 * A broken SSTP header leaves no way to find the next packet, so it takes
 * the link down; a broken PPP frame or IPv6 packet inside a well-framed
 * SSTP packet is counted and dropped.
 */

#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/addrconf.h>
#include <net/gro_cells.h>
#include <net/ipv6.h>

#include "compat.h"
#include "esp.h"
#include "link.h"
#include "netlink.h"
#include "queueing.h"
#include "sa.h"
#include "socket.h"
#include "proto/ppp.h"
#include "proto/sstp.h"

/* Reads per worker run before it lets other links' workers go first. */
#define AZC_RX_BUDGET		64

/* TLS alert close_notify: level warning (1), description 0. */
/* Handshake message types (RFC 8446 4): type, then a 24-bit length. */
#define AZC_TLS_HS_HDR_LEN	4
#define AZC_TLS_NEW_SESSION_TICKET	4

static void azc_rx_error(struct azc_link *link, enum azc_drop why)
{
	azc_link_count_drop(link, why);
	DEV_STATS_INC(link->azc->dev, rx_errors);
}

static void azc_rx_dropped(struct azc_link *link, enum azc_drop why)
{
	azc_link_count_drop(link, why);
	DEV_STATS_INC(link->azc->dev, rx_dropped);
}

/*
 * On a relay, a link may only carry packets from its own endpoint: its
 * private-network address, its link-local address, or the unspecified
 * address towards multicast (duplicate address detection, MLD).
 */
static bool azc_rx_src_ok(const struct azc_link *link,
			  const struct ipv6hdr *ip6)
{
	if (ipv6_addr_equal(&ip6->saddr, &link->peer_ll))
		return true;
	if (!ipv6_addr_any(&link->cfg.peer_addr) &&
	    ipv6_addr_equal(&ip6->saddr, &link->cfg.peer_addr))
		return true;
	return ipv6_addr_any(&ip6->saddr) &&
	       ipv6_addr_is_multicast(&ip6->daddr);
}

/*
 * Whether @dst, in the overlay /64, is another endpoint's: a link of the
 * device has it. Anything else there (the relay's own addresses, its
 * subnet-router anycast address, an address nobody holds) is for the
 * relay, if for anyone.
 */
static bool azc_rx_to_endpoint(const struct azc_link *link,
			       const struct in6_addr *dst)
{
	bool found;

	if (!memcmp(&dst->s6_addr[8], link->cfg.local_iid, AZCONNECT_IID_LEN))
		return false;
	rcu_read_lock();
	found = azc_link_lookup_dst(link->azc, dst);
	rcu_read_unlock();
	return found;
}

/*
 * The relay's own service on its overlay address: the name service, DNS
 * over UDP and TCP (port 53 is at the same offset in both headers). Not a
 * later fragment, whose first bytes are no transport header.
 */
static bool azc_rx_to_name_service(const struct azc_link *link,
				   struct sk_buff *skb,
				   const struct in6_addr *dst, u8 nexthdr,
				   int thoff, __be16 frag_off)
{
	__be16 _port, *port;

	if ((nexthdr != IPPROTO_UDP && nexthdr != IPPROTO_TCP) ||
	    (frag_off & htons(IP6_OFFSET)) ||
	    memcmp(&dst->s6_addr[8], link->cfg.local_iid, AZCONNECT_IID_LEN) ||
	    !ipv6_prefix_equal(dst, &link->cfg.peer_addr, 64))
		return false;
	port = skb_header_pointer(skb, thoff + 2, sizeof(_port), &_port);
	return port && *port == htons(AZC_NAME_SERVICE_PORT);
}

/*
 * On a relay, where a link's packet may go: to another endpoint's address
 * (a link of the device holds it), or to the relay itself for what the
 * overlay needs (router and neighbor discovery, MLD, ping: ICMPv6; to the
 * relay's addresses, link-local ones, link-scope multicast, or any other
 * address of the overlay /64), and to its name service. Anything else is
 * dropped with its reason: the relay is not a router into its host's
 * other networks, nor a way to its host's other services.
 */
static enum azc_drop azc_rx_dst_check(const struct azc_link *link,
				      struct sk_buff *skb)
{
	const struct in6_addr *dst = &ipv6_hdr(skb)->daddr;
	int type = ipv6_addr_type(dst);
	__be16 frag_off;
	u8 nexthdr;
	int thoff;

	if (type & IPV6_ADDR_MULTICAST) {
		if (IPV6_ADDR_MC_SCOPE(dst) != IPV6_ADDR_SCOPE_LINKLOCAL)
			return AZC_DROP_RX_OUTSIDE;
	} else if (!(type & IPV6_ADDR_LINKLOCAL)) {
		if (ipv6_prefix_equal(dst, &link->cfg.peer_addr, 64) == 0)
			return AZC_DROP_RX_OUTSIDE;
		if (azc_rx_to_endpoint(link, dst))
			return AZC_DROP_NUM;	/* routed */
	}
	/* For the relay itself */
	nexthdr = ipv6_hdr(skb)->nexthdr;
	thoff = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr,
				 &frag_off);
	if (thoff < 0)
		return AZC_DROP_RX_LOCAL_REFUSED;
	if (nexthdr == IPPROTO_ICMPV6 ||
	    azc_rx_to_name_service(link, skb, dst, nexthdr, thoff, frag_off))
		return AZC_DROP_NUM;
	return AZC_DROP_RX_LOCAL_REFUSED;
}

/*
 * Decrypt the ESP packet @skb from another endpoint in place into its
 * inner packet: its SA by SPI (of that peer), the anti-replay check before
 * and its update after the ICV verified, the trailer. Returns AZC_DROP_NUM
 * when @skb is now the inner packet, else why to drop it.
 */
static enum azc_drop azc_rx_esp_decrypt(struct azc_link *link,
					struct sk_buff *skb)
{
	const unsigned int hlen = sizeof(struct ipv6hdr);
	struct azc_device *azc = link->azc;
	struct azc_esp_pkt pkt;
	enum azc_drop why = AZC_DROP_NUM;
	struct ipv6hdr *ip6;
	struct azc_sa *sa;
	int ret, plen;
	u8 nexthdr;
	u64 seq;

	ip6 = ipv6_hdr(skb);
	if (ntohs(ip6->payload_len) > skb->len - hlen)
		return AZC_DROP_RX_ESP_MALFORMED;
	skb_trim(skb, hlen + ntohs(ip6->payload_len));
	ret = azc_esp_parse(skb->data + hlen, skb->len - hlen, &pkt);
	if (ret)
		return ret == -AZC_ESP_E_SPI ? AZC_DROP_RX_ESP_UNKNOWN_SPI :
		       AZC_DROP_RX_ESP_MALFORMED;

	rcu_read_lock();
	sa = azc_sa_lookup_in(azc, pkt.spi);
	if (!sa || !azc_sa_usable(sa) ||
	    !ipv6_addr_equal(&sa->peer->addr, &ip6->saddr)) {
		why = AZC_DROP_RX_ESP_UNKNOWN_SPI;
		goto out;
	}
	spin_lock_bh(&sa->lock);
	ret = azc_esp_replay_seq(&sa->replay, pkt.seq_low, true, &seq);
	spin_unlock_bh(&sa->lock);
	if (ret) {
		atomic64_inc(&sa->replay_drops);
		why = AZC_DROP_RX_ESP_REPLAY;
		goto out;
	}
	ret = azc_esp_decrypt(sa, skb, &pkt, seq);
	if (ret) {
		if (ret == -EBADMSG)
			atomic64_inc(&sa->bad_icv_drops);
		why = ret == -EBADMSG ? AZC_DROP_RX_ESP_BAD_ICV : AZC_DROP_RX_NOMEM;
		goto out;
	}
	plen = azc_esp_check_trailer(skb->data + hlen + pkt.ct_off,
				     pkt.ct_len, &nexthdr);
	if (plen < 0) {
		why = AZC_DROP_RX_ESP_MALFORMED;
		goto out;
	}
	/* Only now, authenticated: of two copies, the first wins. */
	spin_lock_bh(&sa->lock);
	ret = azc_esp_replay_update(&sa->replay, seq);
	spin_unlock_bh(&sa->lock);
	if (ret) {
		atomic64_inc(&sa->replay_drops);
		why = AZC_DROP_RX_ESP_REPLAY;
		goto out;
	}
	azc_sa_count(azc, sa, hlen + plen);

	/* The base header moves up to the payload, which keeps its place. */
	memmove(skb->data + AZC_ESP_CT_OFF, skb->data, hlen);
	skb_pull(skb, AZC_ESP_CT_OFF);
	skb_trim(skb, hlen + plen);
	skb_reset_network_header(skb);
	ip6 = ipv6_hdr(skb);
	ip6->nexthdr = nexthdr;
	ip6->payload_len = htons(plen);
out:
	rcu_read_unlock();
	return why;
}

/*
 * On an endpoint: ESP from another endpoint is decrypted; clear text
 * from another endpoint passes unless the device requires ESP (the key
 * exchange's packets always pass); anything with the relay itself is
 * clear text and passes. A device in esp xfrm passes everything: ESP is
 * for the kernel's IPsec, whose policies judge clear text. AZC_DROP_NUM,
 * or why to drop.
 */
static enum azc_drop azc_rx_esp(struct azc_link *link, struct sk_buff *skb)
{
	enum azconnect_esp_mode mode = READ_ONCE(link->azc->esp);
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);

	if (mode == AZCONNECT_ESP_MODE_XFRM ||
	    !azc_esp_is_peer(link, &ip6->saddr))
		return AZC_DROP_NUM;
	if (ip6->nexthdr == IPPROTO_ESP)
		return azc_rx_esp_decrypt(link, skb);
	if (mode == AZCONNECT_ESP_MODE_REQUIRED &&
	    !azc_esp_is_handshake(skb))
		return AZC_DROP_RX_ESP_REQUIRED;
	return AZC_DROP_NUM;
}

/* Malformed input counts as an error, anything else as dropped. */
static void azc_rx_drop_why(struct azc_link *link, enum azc_drop why)
{
	if (why == AZC_DROP_RX_ESP_MALFORMED || why == AZC_DROP_RX_ESP_BAD_ICV)
		azc_rx_error(link, why);
	else
		azc_rx_dropped(link, why);
}

static void azc_rx_ipv6(struct azc_link *link, const u8 *data,
			unsigned int len)
{
	struct azc_device *azc = link->azc;
	struct net_device *dev = azc->dev;
	const struct ipv6hdr *ip6 = (const struct ipv6hdr *)data;
	struct sk_buff *skb;
	enum azc_drop why;

	if (len < sizeof(*ip6) || ip6->version != 6) {
		azc_rx_error(link, AZC_DROP_RX_BAD_IPV6);
		return;
	}
	if (azc_link_is_relay(link) && !azc_rx_src_ok(link, ip6)) {
		azc_rx_dropped(link, AZC_DROP_RX_SPOOFED);
		return;
	}
	if (!(dev->flags & IFF_UP)) {
		azc_rx_dropped(link, AZC_DROP_RX_DEV_DOWN);
		return;
	}
	skb = netdev_alloc_skb(dev, len);
	if (!skb) {
		azc_rx_dropped(link, AZC_DROP_RX_NOMEM);
		return;
	}
	skb_put_data(skb, data, len);
	skb->protocol = htons(ETH_P_IPV6);
	skb->pkt_type = PACKET_HOST;
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	why = azc_link_is_relay(link) ? azc_rx_dst_check(link, skb) :
	      azc_rx_esp(link, skb);
	if (why != AZC_DROP_NUM) {
		kfree_skb(skb);
		azc_rx_drop_why(link, why);
		return;
	}
	len = skb->len;

	atomic64_inc(&link->stats.rx_packets);
	atomic64_add(len, &link->stats.rx_bytes);
	local_bh_disable();
	dev_sw_netstats_rx_add(dev, len);
	gro_cells_receive(&azc->gro_cells, skb);
	local_bh_enable();
}

static void azc_rx_ctrl(struct azc_link *link, enum azconnect_ctrl_kind kind,
			const u8 *frame, unsigned int len)
{
	int ret = azc_nl_ctrl_ntf(link, kind, frame, len);

	if (ret == -ECONNREFUSED)	/* the owner is gone */
		azc_link_down(link, AZCONNECT_LINK_DOWN_REASON_USERSPACE);
	else if (ret)
		azc_rx_dropped(link, AZC_DROP_RX_CTRL_LOST);
}

/* One whole SSTP packet of @len bytes, its header checked. */
static void azc_rx_packet(struct azc_link *link, const u8 *pkt,
			  unsigned int len)
{
	struct azc_ppp_frame f;
	struct azc_sstp_hdr hdr;

	if (azc_sstp_hdr_decode(pkt, len, &hdr)) {
		azc_rx_error(link, AZC_DROP_RX_BAD_SSTP);
		return;
	}
	if (hdr.control) {
		azc_rx_ctrl(link, AZCONNECT_CTRL_KIND_SSTP, pkt, len);
		return;
	}
	pkt += AZC_SSTP_HDR_LEN;
	len -= AZC_SSTP_HDR_LEN;
	if (azc_ppp_frame_decode(pkt, len, &f)) {
		azc_rx_error(link, AZC_DROP_RX_BAD_PPP);
		return;
	}
	if (f.proto == AZC_PPP_IPV6)
		azc_rx_ipv6(link, f.data, f.len);
	else
		azc_rx_ctrl(link, AZCONNECT_CTRL_KIND_PPP, pkt, len);
}

/*
 * Dispatch the whole packets at the start of the buffer and keep the
 * incomplete one. Returns 0, or a negative value when the stream does not
 * look like SSTP any more.
 */
static int azc_rx_parse(struct azc_link *link)
{
	unsigned int off = 0, avail;
	int need;

	while (off < link->rx_len) {
		avail = link->rx_len - off;
		need = azc_sstp_frame_need(link->rx_buf + off, avail);
		if (need < 0) {
			azc_rx_error(link, AZC_DROP_RX_BAD_SSTP);
			return need;
		}
		if (need > avail)
			break;
		azc_rx_packet(link, link->rx_buf + off, need);
		off += need;
	}
	if (off) {
		link->rx_len -= off;
		memmove(link->rx_buf, link->rx_buf + off, link->rx_len);
	}
	return 0;
}

static enum azconnect_link_down_reason azc_rx_errno_reason(int err)
{
	switch (err) {
	case -EBADMSG:		/* a record that did not authenticate */
	case -EMSGSIZE:		/* a record over the size limit */
	case -EIO:
	case -EINVAL:
		return AZCONNECT_LINK_DOWN_REASON_TLS_ALERT;
	}
	return AZCONNECT_LINK_DOWN_REASON_TRANSPORT_ERROR;
}

/*
 * A TLS handshake record after the hand-off: NewSessionTicket messages
 * (TLS 1.3 servers send them at any time) are of no use to the kernel and
 * skipped, also when one spans records; anything else, a KeyUpdate above
 * all (the peer's next records use keys the kernel does not have), ends
 * the link. So does a message header split across records, which no TLS
 * stack sends for a ticket.
 */
static bool azc_rx_handshake_ok(struct azc_link *link, const u8 *data,
				u32 len)
{
	u32 skip = min(len, link->rx_hs_left), mlen;

	link->rx_hs_left -= skip;
	data += skip;
	len -= skip;
	while (len) {
		if (len < AZC_TLS_HS_HDR_LEN ||
		    data[0] != AZC_TLS_NEW_SESSION_TICKET)
			return false;
		mlen = (u32)data[1] << 16 | (u32)data[2] << 8 | data[3];
		data += AZC_TLS_HS_HDR_LEN;
		len -= AZC_TLS_HS_HDR_LEN;
		skip = min(len, mlen);
		link->rx_hs_left = mlen - skip;
		data += skip;
		len -= skip;
	}
	return true;
}

/*
 * A record that is not application data: an alert ends the link (a
 * close_notify in order), a handshake record unless it only brings session
 * tickets, and any other type (the peer broke TLS). Returns true when the
 * link goes on.
 */
static bool azc_rx_record(struct azc_link *link, u8 type, const u8 *data,
			  int len)
{
	switch (type) {
	case AZC_TLS_ALERT:
		if (len >= 2 && data[0] == AZC_TLS_ALERT_WARNING &&
		    data[1] == AZC_TLS_CLOSE_NOTIFY)
			azc_link_down(link, AZCONNECT_LINK_DOWN_REASON_PEER_CLOSED);
		else
			azc_link_down(link, AZCONNECT_LINK_DOWN_REASON_TLS_ALERT);
		return false;
	case AZC_TLS_HANDSHAKE:
		if (azc_rx_handshake_ok(link, data, len))
			return true;
		azc_link_down(link, AZCONNECT_LINK_DOWN_REASON_TLS_HANDSHAKE);
		return false;
	default:
		azc_link_down(link, AZCONNECT_LINK_DOWN_REASON_PROTOCOL_ERROR);
		return false;
	}
}

void azc_rx_work(struct work_struct *work)
{
	struct azc_link *link = container_of(work, struct azc_link, rx_work);
	u8 *buf;
	int i, ret;
	u8 type;

	for (i = 0; i < AZC_RX_BUDGET; i++) {
		if (!azc_link_is_up(link))
			return;
		if (azc_rx_parse(link)) {
			azc_link_down(link, AZCONNECT_LINK_DOWN_REASON_PROTOCOL_ERROR);
			return;
		}
		buf = link->rx_buf + link->rx_len;
		ret = azc_sock_recv(link, buf, AZC_RX_BUF_LEN - link->rx_len,
				    &type);
		if (ret == -EAGAIN)
			return;
		if (ret == 0) {
			/* A close_notify would have come first (an alert). */
			azc_link_down(link, AZCONNECT_LINK_DOWN_REASON_TRUNCATED);
			return;
		}
		if (ret < 0) {
			WRITE_ONCE(link->last_error, -ret);
			azc_link_down(link, azc_rx_errno_reason(ret));
			return;
		}
		if (type != AZC_TLS_DATA) {
			if (!azc_rx_record(link, type, buf, ret))
				return;
			continue;
		}
		link->rx_len += ret;
	}
	/* Budget spent: parse what was read, then go round again later. */
	queue_work(azc_wq, &link->rx_work);
}
