/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A TSIG key (RFC 8945) from a key file, for the UPDATEs the relay sends
 * to a primary name server (dns_tsig in relayd.conf; see primary.h).
 *
 * Formats read:
 *  - BIND's, as tsig-keygen writes it and nsupdate -k and knsupdate -k
 *    read it (comments #, // and C-style; exactly one key statement):
 *	key "NAME" { algorithm hmac-sha256; secret "BASE64"; };
 *  - Knot's, as keymgr -t writes it (YAML):
 *	key:
 *	  - id: NAME
 *	    algorithm: hmac-sha256
 *	    secret: BASE64
 * Algorithms: hmac-sha256 (what both tools make by default), hmac-sha384,
 * hmac-sha512; not the weak hmac-md5 and hmac-sha1. The secret is at
 * least 16 bytes. Errors say FILE:LINE and never quote the secret.
 */

#ifndef AZC_TSIGKEY_H
#define AZC_TSIGKEY_H

#include <stddef.h>

#include "base/util.h"

#define AZC_TSIG_SECRET_MAX	256	/* base64 characters */
#define AZC_TSIG_SECRET_MIN	16	/* bytes, decoded */

struct azc_tsig_key {
	char name[AZC_DNS_NAME_MAX + 2];	/* lower case, final dot */
	char algorithm[24];			/* "hmac-sha256." */
	char secret[AZC_TSIG_SECRET_MAX + 1];	/* base64, as in the file */
};

/* Parses @text (the file @fname): 0, or -EINVAL with "FNAME:LINE: why". */
int azc_tsig_key_parse(struct azc_tsig_key *k, const char *text,
		       const char *fname, char *err, size_t errlen);
/*
 * Reads @path: -EPERM when other users may read or change it, 1 with a
 * warning in @warn when its group may (azc_cfg_secret_mode), else 0;
 * -errno with why in @err when it cannot be read or parsed.
 */
int azc_tsig_key_load(struct azc_tsig_key *k, const char *path, char *warn,
		      size_t warnlen, char *err, size_t errlen);
/* Forgets the secret (explicit_bzero). */
void azc_tsig_key_wipe(struct azc_tsig_key *k);

#endif /* AZC_TSIGKEY_H */
