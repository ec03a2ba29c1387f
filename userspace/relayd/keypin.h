/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The endpoints' public keys the relay pinned at first sight (issue 11):
 * the first key an endpoint publishes in the name service is kept, and
 * another one is refused until the operator resets the pin ("reset-key"
 * on the control socket). An endpoint whose relayd.conf section has
 * public_key = is pinned there instead, and never here.
 *
 * Kept in STATE_DIR/endpoint-keys (AZC_KEYPIN_FILE), so that the pins
 * survive restarts: mode 0644 (public keys are no secret; the state
 * directory is 0700 anyway), written atomically at every change; a line
 *   BASE64 NAME
 * per endpoint (NAME is the rest of the line: endpoint names may hold
 * blanks, never a newline), '#' comments. A file that does not parse is
 * refused at start rather than its pins forgotten.
 *
 * Memory and a file only: no sockets, no logging (the caller logs).
 */

#ifndef AZC_KEYPIN_H
#define AZC_KEYPIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "noise/noise.h"

#define AZC_KEYPIN_FILE		"endpoint-keys"
#define AZC_KEYPIN_MAX		65536	/* pins in all */

struct azc_keypin {
	char name[AZC_CFG_NAME_MAX + 1];
	uint8_t key[AZC_NOISE_KEYLEN];
};

struct azc_keypins {
	struct azc_keypin *v;
	size_t n;
	char path[AZC_CFG_PATH_MAX];	/* "": in memory only */
};

/*
 * Reads @path (a missing file: no pins) into @p, which keeps the path to
 * save to: 0, or -errno with "PATH: line N: why" in @err.
 */
int azc_keypins_load(struct azc_keypins *p, const char *path, char *err,
		     size_t errlen);
/* Parses the file's text (@len bytes): the same without the file. */
int azc_keypins_parse(struct azc_keypins *p, const char *text, size_t len,
		      char *err, size_t errlen);
void azc_keypins_free(struct azc_keypins *p);

/* The key pinned for endpoint @name, or NULL. */
const uint8_t *azc_keypins_find(const struct azc_keypins *p,
				const char *name);

/*
 * Pins @key for @name (replacing a pin it had) and saves the file: 0, or
 * -errno with why in @err. The pin holds in memory even when the file
 * could not be written.
 */
int azc_keypins_set(struct azc_keypins *p, const char *name,
		    const uint8_t key[AZC_NOISE_KEYLEN], char *err,
		    size_t errlen);
/*
 * Removes @name's pin, its key copied to @old, and saves the file: 1
 * when it had one, 0 when not, -errno (the pin gone all the same) with
 * why in @err.
 */
int azc_keypins_reset(struct azc_keypins *p, const char *name,
		      uint8_t old[AZC_NOISE_KEYLEN], char *err, size_t errlen);

#endif /* AZC_KEYPIN_H */
