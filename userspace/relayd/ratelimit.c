// SPDX-License-Identifier: GPL-2.0-only
/*
 * Handshake rate per source prefix (/32 for IPv4, /64 for IPv6 by default:
 * what one customer, or one attacker, typically holds): a token bucket per
 * prefix in a fixed table (RELAYD_RL_SLOTS). Slots are chosen by SipHash
 * under a key drawn at start, so nobody can pick addresses that land in a
 * victim's slot; a newcomer takes over a slot whose bucket has refilled,
 * otherwise it shares the older prefix's bucket. Memory stays bounded
 * whatever arrives.
 */

#include <string.h>
#include <netinet/in.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "relayd.h"

/* The source's prefix, as an IPv4-mapped or IPv6 address. */
static void prefix_key(const struct relayd *r,
		       const struct sockaddr_storage *ss, uint8_t key[16])
{
	const struct sockaddr_in *a4 = (const void *)ss;
	const struct sockaddr_in6 *a6 = (const void *)ss;
	unsigned int bits, i;

	memset(key, 0, 16);
	if (ss->ss_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &a4->sin_addr, 4);
		bits = 96 + r->cfg.source_prefix_v4;
	} else {
		memcpy(key, &a6->sin6_addr, 16);
		bits = r->cfg.source_prefix_v6;
	}
	for (i = bits; i < 128; i++)
		key[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

int relayd_rl_init(struct relayd *r)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
	size_t out_len = 8;	/* SipHash-2-4-64; the default is 128 bits */
	uint8_t k[16];
	OSSL_PARAM p[] = {
		OSSL_PARAM_size_t(OSSL_MAC_PARAM_SIZE, &out_len),
		OSSL_PARAM_octet_string(OSSL_MAC_PARAM_KEY, k, sizeof(k)),
		OSSL_PARAM_END,
	};
	int ok;

	if (!mac)
		return -1;
	r->rl_mac = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	ok = r->rl_mac && RAND_bytes(k, sizeof(k)) == 1 &&
	     EVP_MAC_CTX_set_params(r->rl_mac, p);
	OPENSSL_cleanse(k, sizeof(k));
	return ok ? 0 : -1;
}

void relayd_rl_free(struct relayd *r)
{
	EVP_MAC_CTX_free(r->rl_mac);
	r->rl_mac = NULL;
}

static unsigned int prefix_slot(struct relayd *r, const uint8_t key[16])
{
	EVP_MAC_CTX *c = EVP_MAC_CTX_dup(r->rl_mac);
	uint8_t out[8] = { 0 };
	size_t n = 0;
	uint64_t h;

	if (!c || !EVP_MAC_init(c, NULL, 0, NULL) ||
	    !EVP_MAC_update(c, key, 16) ||
	    !EVP_MAC_final(c, out, &n, sizeof(out)) || n != sizeof(out))
		memset(out, 0, sizeof(out));	/* slot 0: bounded, shared */
	EVP_MAC_CTX_free(c);
	memcpy(&h, out, sizeof(h));
	return (unsigned int)(h % RELAYD_RL_SLOTS);
}

static void refill(struct rl_bucket *b, const struct azc_relay_cfg *cfg,
		   int64_t now)
{
	b->tokens += (double)(now - b->last_ms) * cfg->handshake_rate / 1000.0;
	if (b->tokens > cfg->handshake_burst)
		b->tokens = cfg->handshake_burst;
	b->last_ms = now;
}

bool relayd_rl_allow(struct relayd *r, const struct sockaddr_storage *ss,
		     int64_t now)
{
	struct rl_bucket *b;
	uint8_t key[16];

	prefix_key(r, ss, key);
	b = &r->rl[prefix_slot(r, key)];
	if (b->used)
		refill(b, &r->cfg, now);
	if (!b->used || (memcmp(b->addr, key, 16) &&
			 b->tokens >= r->cfg.handshake_burst)) {
		memcpy(b->addr, key, 16);
		b->tokens = r->cfg.handshake_burst;
		b->last_ms = now;
		b->used = true;
	}
	if (b->tokens < 1.0)
		return false;
	b->tokens -= 1.0;
	return true;
}
