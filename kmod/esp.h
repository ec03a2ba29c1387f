/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ESP on an endpoint device, per packet (esp.c): which packets are between
 * endpoints, the key exchange's exemption, the MTU left for an inner
 * packet, and encryption and decryption with an SA's AEAD. The policy
 * (hold, drop, count) is the transmit and receive paths' (send.c,
 * receive.c); the framing is proto/esp.c's.
 *
 * Transport mode: the ESP header goes right after the IPv6 base header,
 * whose next header moves into the ESP trailer; extension headers the
 * stack put after the base header (a fragment header when it fragmented
 * for the MTU this file reports) are inside the encrypted payload. The
 * receiver puts them back the same way.
 */

#ifndef _AZC_ESP_H
#define _AZC_ESP_H

#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/math.h>
#include <linux/skbuff.h>

#include "proto/esp.h"

struct azc_link;
struct azc_sa;

/*
 * Whether @addr, the other end of a packet on an endpoint's link, is
 * another endpoint: a global unicast address on the overlay /64 (the
 * prefix of an address of the device, which SLAAC gave it from the
 * relay's advertisement) whose interface identifier is neither the
 * relay's (the link's peer-iid) nor zero (the subnet-router anycast
 * address, the relay's too). Anything else routed to the device is for
 * the relay, in clear text, and the relay drops what it may not forward.
 */
bool azc_esp_is_peer(const struct azc_link *link, const struct in6_addr *addr);

/* A UDP packet from and to AZCONNECT_ESP_HANDSHAKE_PORT, right after the
 * IPv6 base header: the key exchange, clear text by design.
 */
bool azc_esp_is_handshake(struct sk_buff *skb);

/*
 * The longest inner packet whose ESP packet fits @mru: the IPv6 header,
 * ESP header and IV, the payload and trailer padded to 4, the ICV.
 */
static inline unsigned int azc_esp_max_inner(unsigned int mru)
{
	unsigned int room = mru - sizeof(struct ipv6hdr) - AZC_ESP_CT_OFF -
			    AZC_ESP_ICV_LEN;

	return round_down(room, AZC_ESP_ALIGN) + sizeof(struct ipv6hdr) -
	       AZC_ESP_TRAILER_MIN;
}

/*
 * The ESP packet of @skb (an IPv6 packet) under @sa with sequence number
 * @seq, in a new skb with headroom for the link's headers; NULL when no
 * memory or the AEAD failed. @skb stays the caller's. Any context.
 */
struct sk_buff *azc_esp_encrypt(struct azc_sa *sa, struct sk_buff *skb,
				u64 seq);

/*
 * Decrypt and verify, in place, the ESP packet after the IPv6 base header
 * of @skb (linear, parsed as @pkt) with @sa and the full sequence number
 * @seq. 0, -EBADMSG when the ICV does not verify, -ENOMEM.
 */
int azc_esp_decrypt(struct azc_sa *sa, struct sk_buff *skb,
		    const struct azc_esp_pkt *pkt, u64 seq);

#endif /* _AZC_ESP_H */
