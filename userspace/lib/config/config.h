/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The configuration file format of azconnect-relayd and azconnectctl, and
 * typed values; each program's keys are in its own folder (relayd_cfg.h,
 * ctl_cfg.h).
 *
 * Syntax (both files):
 *	# comment (also "; comment"; "#" after a value, outside quotes)
 *	key = value
 *	key = "quoted value with \" and \\ escapes"
 *	[endpoint NAME]		(relayd: a section per endpoint)
 *
 * A key given twice in the same section, an unknown key or section, and a
 * malformed line are errors reported as "FILE:LINE: message".
 */

#ifndef AZC_CONFIG_H
#define AZC_CONFIG_H

#include <stddef.h>

#define AZC_CFG_NAME_MAX	255
#define AZC_CFG_TOKEN_MAX	256
#define AZC_CFG_PATH_MAX	4096
#define AZC_CFG_ERR_LEN		512
#define AZC_CFG_DEV_MAX		16	/* IFNAMSIZ */
#define AZC_CFG_PREFIX_MAX	64

/* The relay's control socket: the relay listens, azconnectctl relay asks */
#define AZC_RELAY_CONTROL	"/run/azconnect-relayd/control"

/*
 * The generic parser: calls @kv for every "key = value" with the current
 * section ("" before any, else the text between the brackets) and @sect
 * for every section header. Callbacks return 0 or a negative errno with
 * a message (without the line number) in @err.
 */
struct azc_cfg_ops {
	int (*sect)(void *ctx, const char *section, char *err, size_t errlen);
	int (*kv)(void *ctx, const char *section, const char *key,
		  const char *value, char *err, size_t errlen);
};

int azc_cfg_parse(const char *text, const char *fname,
		  const struct azc_cfg_ops *ops, void *ctx,
		  char *err, size_t errlen);
/* Reads the file (at most 1 MiB) and parses it; -errno. */
int azc_cfg_parse_file(const char *path, const struct azc_cfg_ops *ops,
		       void *ctx, char *err, size_t errlen);

/*
 * Typed values for the configurations built on the parser; each returns 0
 * or -EINVAL with "KEY: what was expected" in @err.
 */
int azc_cfg_set_str(char *dst, size_t size, const char *key, const char *v,
		    char *err, size_t errlen);
int azc_cfg_set_uint(unsigned int *dst, const char *key, const char *v,
		     unsigned long min, unsigned long max, char *err,
		     size_t errlen);
/* A duration of 1 to 3600 seconds, kept in milliseconds. */
int azc_cfg_set_seconds(unsigned int *ms, const char *key, const char *v,
			char *err, size_t errlen);
/* A key given twice in one section: @bit already in *@seen. */
int azc_cfg_dup_check(unsigned int *seen, unsigned int bit, const char *key,
		      char *err, size_t errlen);

/*
 * A file that holds secrets (tokens): -EPERM when other users may read or
 * change it, 1 with a warning in @err when its group may, 0 when only its
 * owner may (as wg-quick judges its files); -errno when it cannot be read.
 */
int azc_cfg_secret_mode(const char *path, char *err, size_t errlen);

/*
 * A rough estimate of a token's strength in bits: its length times log2
 * of the classes of characters it uses (lower case, upper case, digits,
 * others). Tokens under AZC_CFG_TOKEN_MIN_BITS deserve a warning.
 */
unsigned int azc_cfg_token_bits(const char *token);
#define AZC_CFG_TOKEN_MIN_BITS	128

/* SSTP keepalive: unanswered ECHO_REQUESTs before the peer counts as dead. */
#define AZC_CFG_ECHO_RETRIES_MAX	100

#endif /* AZC_CONFIG_H */
