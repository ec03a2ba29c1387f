/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Plain reference models of the ESP receive side (kmod/proto/esp.c), shared
 * by tests/unit/test_esp.c and tests/fuzz/fuzz_esp.c: the anti-replay window
 * as a bit per number below the top, and the extended sequence number of
 * RFC 4303 A2.2 in closed form.
 */
#ifndef AZC_TESTS_ESP_MODEL_H
#define AZC_TESTS_ESP_MODEL_H

#include <stdbool.h>
#include <string.h>

#include "proto/esp.h"

struct esp_model {
	u64 top;
	bool seen[AZC_ESP_REPLAY_WINDOW];	/* seen[i]: top - i */
};

static inline int model_check(const struct esp_model *m, u64 s)
{
	if (!s)
		return -AZC_ESP_E_TOO_OLD;
	if (s > m->top)
		return 0;
	if (m->top - s >= AZC_ESP_REPLAY_WINDOW)
		return -AZC_ESP_E_TOO_OLD;
	return m->seen[m->top - s] ? -AZC_ESP_E_REPLAY : 0;
}

static inline int model_update(struct esp_model *m, u64 s)
{
	int ret = model_check(m, s);
	u64 d;

	if (ret)
		return ret;
	if (s > m->top) {
		d = s - m->top;
		if (d >= AZC_ESP_REPLAY_WINDOW) {
			memset(m->seen, 0, sizeof(m->seen));
		} else {
			memmove(m->seen + d, m->seen,
				AZC_ESP_REPLAY_WINDOW - d);
			memset(m->seen, 0, d);
		}
		m->top = s;
	}
	m->seen[m->top - s] = true;
	return 0;
}

/* RFC 4303 A2.2 in closed form: the one number with low bits @seql in
 * [T - W + 1, T - W + 1 + 2^32), or 0 outside 1..2^64-1.
 */
static inline u64 infer_ref(u64 top, u32 seql)
{
	__int128 b = (__int128)top - AZC_ESP_REPLAY_WINDOW + 1;
	__int128 s = b + (u32)(seql - (u32)b);

	if (s < 1 || s > (__int128)~0ULL)
		return 0;
	return (u64)s;
}

#endif
