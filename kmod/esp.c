// SPDX-License-Identifier: GPL-2.0-only
/*
 * ESP per packet on an endpoint device: the AEAD calls (RFC 4106 with the
 * kernel's rfc4106(gcm(aes)), synchronous, see sa.h) and the IPv6 header
 * around them. What esp.h says.
 *
 * rfc4106(gcm(aes)) takes the associated data followed by the 8-byte IV
 * (assoclen 20 with extended sequence numbers: SPI, high and low 32 bits,
 * IV), the IV again as the request's IV, and builds the nonce from the
 * salt at the end of its key. The associated data is not contiguous in
 * the packet (the high 32 bits are not sent), so it lives in the request's
 * buffer, a first scatterlist entry before the packet's ciphertext.
 */

#include <crypto/aead.h>
#include <linux/ipv6.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/ipv6.h>

#include "device.h"
#include "esp.h"
#include "link.h"
#include "sa.h"

#define AZC_ESP_AD_LEN	(AZC_ESP_AAD_ESN_LEN + AZC_ESP_IV_LEN)

bool azc_esp_is_peer(const struct azc_link *link, const struct in6_addr *addr)
{
	int type = ipv6_addr_type(addr);

	if (!(type & IPV6_ADDR_UNICAST) ||
	    (type & (IPV6_ADDR_LINKLOCAL | IPV6_ADDR_LOOPBACK |
		     IPV6_ADDR_MAPPED | IPV6_ADDR_SITELOCAL)))
		return false;
	if (!addr->s6_addr32[2] && !addr->s6_addr32[3])
		return false;
	if (!memcmp(&addr->s6_addr[8], link->cfg.peer_iid, AZCONNECT_IID_LEN))
		return false;
	return ipv6_chk_prefix(addr, link->azc->dev);
}

bool azc_esp_is_handshake(struct sk_buff *skb)
{
	struct udphdr _uh;
	const struct udphdr *uh;

	if (ipv6_hdr(skb)->nexthdr != IPPROTO_UDP)
		return false;
	uh = skb_header_pointer(skb, skb_network_offset(skb) +
				sizeof(struct ipv6hdr), sizeof(_uh), &_uh);
	return uh && uh->source == htons(AZCONNECT_ESP_HANDSHAKE_PORT) &&
	       uh->dest == htons(AZCONNECT_ESP_HANDSHAKE_PORT);
}

/*
 * Encrypt or decrypt @len bytes at @ct (the ICV follows) in place: the ESP
 * header and IV are at @esp.
 */
static int azc_esp_crypt(struct azc_sa *sa, const u8 *esp, u8 *ct,
			 unsigned int len, u64 seq, bool enc)
{
	struct crypto_aead *aead = sa->aead;
	struct aead_request *req;
	struct scatterlist *sg;
	unsigned int reqlen;
	u8 *buf, *ad, *iv;
	int ret;

	reqlen = ALIGN(sizeof(*req) + crypto_aead_reqsize(aead),
		       __alignof__(struct scatterlist));
	buf = kmalloc(reqlen + 2 * sizeof(*sg) + AZC_ESP_AD_LEN +
		      AZC_ESP_IV_LEN, GFP_ATOMIC);
	if (!buf)
		return -ENOMEM;
	req = (struct aead_request *)buf;
	sg = (struct scatterlist *)(buf + reqlen);
	ad = (u8 *)(sg + 2);
	iv = ad + AZC_ESP_AD_LEN;

	azc_esp_aad(ad, sa->spi, seq, true);
	memcpy(ad + AZC_ESP_AAD_ESN_LEN, esp + AZC_ESP_HDR_LEN, AZC_ESP_IV_LEN);
	memcpy(iv, esp + AZC_ESP_HDR_LEN, AZC_ESP_IV_LEN);
	sg_init_table(sg, 2);
	sg_set_buf(&sg[0], ad, AZC_ESP_AD_LEN);
	sg_set_buf(&sg[1], ct, len + AZC_ESP_ICV_LEN);

	aead_request_set_tfm(req, aead);
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, AZC_ESP_AD_LEN);
	aead_request_set_crypt(req, sg, sg, enc ? len : len + AZC_ESP_ICV_LEN,
			       iv);
	ret = enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	/* The request's context held GCM's state under this key. */
	kfree_sensitive(buf);
	return ret;
}

struct sk_buff *azc_esp_encrypt(struct azc_sa *sa, struct sk_buff *skb,
				u64 seq)
{
	unsigned int hlen = sizeof(struct ipv6hdr);
	unsigned int plen = skb->len - hlen;
	unsigned int ctlen = plen + azc_esp_trailer_len(plen);
	unsigned int len = hlen + AZC_ESP_CT_OFF + ctlen + AZC_ESP_ICV_LEN;
	struct ipv6hdr *ip6;
	struct sk_buff *n;
	u8 *d, nexthdr;

	if (plen > AZC_ESP_PAYLOAD_MAX)
		return NULL;
	n = alloc_skb(LL_MAX_HEADER + AZC_ENCAP_HLEN + len, GFP_ATOMIC);
	if (!n)
		return NULL;
	skb_reserve(n, LL_MAX_HEADER + AZC_ENCAP_HLEN);
	d = skb_put(n, len);
	if (skb_copy_bits(skb, 0, d, hlen) ||
	    skb_copy_bits(skb, hlen, d + hlen + AZC_ESP_CT_OFF, plen))
		goto err;
	ip6 = (struct ipv6hdr *)d;
	nexthdr = ip6->nexthdr;
	ip6->nexthdr = IPPROTO_ESP;
	ip6->payload_len = htons(len - hlen);
	if (azc_esp_put_hdr(d + hlen, AZC_ESP_CT_OFF, sa->spi, seq) < 0 ||
	    azc_esp_put_trailer(d + hlen + AZC_ESP_CT_OFF, ctlen, plen,
				nexthdr) < 0)
		goto err;
	if (azc_esp_crypt(sa, d + hlen, d + hlen + AZC_ESP_CT_OFF, ctlen, seq,
			  true))
		goto err;
	n->protocol = htons(ETH_P_IPV6);
	skb_reset_network_header(n);
	return n;
err:
	kfree_skb(n);
	return NULL;
}

int azc_esp_decrypt(struct azc_sa *sa, struct sk_buff *skb,
		    const struct azc_esp_pkt *pkt, u64 seq)
{
	u8 *esp = skb->data + sizeof(struct ipv6hdr);
	int ret;

	ret = azc_esp_crypt(sa, esp, esp + pkt->ct_off, pkt->ct_len, seq,
			    false);
	return ret == -EBADMSG || ret == -ENOMEM ? ret : ret ? -EBADMSG : 0;
}
