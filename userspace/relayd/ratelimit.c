// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-source-address handshake rate: a token bucket per address in a
 * fixed table (RELAYD_RL_SLOTS, hashed; a newcomer takes over a slot
 * whose bucket has refilled, otherwise the older address keeps it and the
 * newcomer shares its bucket). Memory stays bounded whatever arrives.
 */

#include <string.h>
#include <netinet/in.h>

#include "relayd.h"

static void addr_key(const struct sockaddr_storage *ss, uint8_t key[16])
{
	const struct sockaddr_in *a4 = (const void *)ss;
	const struct sockaddr_in6 *a6 = (const void *)ss;

	memset(key, 0, 16);
	if (ss->ss_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &a4->sin_addr, 4);
	} else {
		memcpy(key, &a6->sin6_addr, 16);
	}
}

static unsigned int addr_hash(const uint8_t key[16])
{
	uint32_t h = 2166136261u;	/* FNV-1a: spreads, not a secret */
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % RELAYD_RL_SLOTS;
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

	addr_key(ss, key);
	b = &r->rl[addr_hash(key)];
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
