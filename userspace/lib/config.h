/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Configuration files of azconnect-relayd and azconnectctl.
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

/* azconnect-relayd */
struct azc_relay_endpoint {
	char name[AZC_CFG_NAME_MAX + 1];
	char token[AZC_CFG_TOKEN_MAX + 1];
	char group[AZC_CFG_NAME_MAX + 1];
};

struct azc_relay_cfg {
	char cert[AZC_CFG_PATH_MAX];
	char key[AZC_CFG_PATH_MAX];
	char state_dir[AZC_CFG_PATH_MAX];
	unsigned int max_sessions;	/* default 1024 */
	unsigned int handshake_rate;	/* per source address, per s; 10 */
	unsigned int handshake_burst;	/* 20 */
	unsigned int tls_timeout_ms;	/* 10000 */
	unsigned int negotiation_ms;	/* 0: the engine's 60 s */
	char device[AZC_CFG_DEV_MAX];	/* the relay device; "azc-relay" */
	char prefix[AZC_CFG_PREFIX_MAX];	/* "": the state dir's ULA */
	unsigned int subnet_id;		/* the overlay /64 in a /48; 0 */
	unsigned int echo_ms;		/* SSTP keepalive; 0: the engine's */
	unsigned int echo_retries;	/* 0: the engine's */
	struct azc_relay_endpoint *ep;
	size_t n_ep;
};

#define AZC_RELAY_CONF		"/etc/azconnect/relayd.conf"
#define AZC_RELAY_STATE_DIR	"/var/lib/azconnect-relayd"
#define AZC_RELAY_DEVICE	"azc-relay"

void azc_relay_cfg_init(struct azc_relay_cfg *c);
void azc_relay_cfg_free(struct azc_relay_cfg *c);
int azc_relay_cfg_parse(struct azc_relay_cfg *c, const char *text,
			const char *fname, char *err, size_t errlen);
int azc_relay_cfg_load(struct azc_relay_cfg *c, const char *path,
		       char *err, size_t errlen);
const struct azc_relay_endpoint *
azc_relay_cfg_find(const struct azc_relay_cfg *c, const char *name);

/* azconnectctl: /etc/azconnect/azconnect.conf */
struct azc_client_cfg {
	char relay[AZC_CFG_NAME_MAX + 1];
	char name[AZC_CFG_NAME_MAX + 1];
	char token[AZC_CFG_TOKEN_MAX + 1];
	char fingerprint[128];
	char ca[AZC_CFG_PATH_MAX];
	char device[AZC_CFG_DEV_MAX];	/* "": AZC_CLIENT_DEVICE */
	unsigned int echo_ms;		/* SSTP keepalive; 0: the engine's */
	unsigned int echo_retries;	/* 0: the engine's */
};

#define AZC_CLIENT_DEVICE	"azc0"
#define AZC_CLIENT_CONF		"/etc/azconnect/azconnect.conf"

int azc_client_cfg_parse(struct azc_client_cfg *c, const char *text,
			 const char *fname, char *err, size_t errlen);
int azc_client_cfg_load(struct azc_client_cfg *c, const char *path,
			char *err, size_t errlen);

#endif /* AZC_CONFIG_H */
