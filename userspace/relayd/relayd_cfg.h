/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The relay's configuration: /etc/azconnect/relayd.conf, global keys and
 * an [endpoint NAME] section per endpoint (see README and --help).
 */

#ifndef AZC_RELAYD_CFG_H
#define AZC_RELAYD_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "base/util.h"
#include "config/config.h"
#include "tsigkey.h"

#define AZC_RELAY_ALIASES_MAX	8	/* more names an endpoint may register */

struct azc_relay_endpoint {
	char name[AZC_CFG_NAME_MAX + 1];
	char token[AZC_CFG_TOKEN_MAX + 1];
	char group[AZC_CFG_NAME_MAX + 1];
	/* aliases = "www, api": single DNS labels under the zone */
	char alias[AZC_RELAY_ALIASES_MAX][AZC_DNS_LABEL_MAX + 1];
	size_t n_alias;
	/*
	 * public_key = BASE64: the only key it may publish in the name
	 * service (X25519, 32 bytes); first-seen pinning does not apply
	 */
	uint8_t public_key[32];
	bool has_public_key;
};

struct azc_relay_cfg {
	char cert[AZC_CFG_PATH_MAX];
	char key[AZC_CFG_PATH_MAX];
	char state_dir[AZC_CFG_PATH_MAX];
	unsigned int max_sessions;	/* default 1024 */
	unsigned int handshake_rate;	/* per source prefix, per s; 10 */
	unsigned int handshake_burst;	/* 20 */
	unsigned int source_prefix_v4;	/* the source prefix: 32 */
	unsigned int source_prefix_v6;	/* 64 */
	unsigned int tls_timeout_ms;	/* 10000 */
	unsigned int auth_timeout_ms;	/* accept to authenticated: 30000 */
	unsigned int negotiation_ms;	/* 0: the engine's 60 s */
	char device[AZC_CFG_DEV_MAX];	/* the relay device; "azc-relay" */
	char prefix[AZC_CFG_PREFIX_MAX];	/* "": the state dir's ULA */
	unsigned int subnet_id;		/* the overlay /64 in a /48; 0 */
	unsigned int echo_ms;		/* SSTP keepalive; 0: the engine's */
	unsigned int echo_retries;	/* 0: the engine's */
	char control[AZC_CFG_PATH_MAX];	/* control socket; "": default */
	char cert_names[AZC_CFG_PATH_MAX];	/* self-signed SANs, blank-separated */
	char zone[AZC_DNS_NAME_MAX + 1];	/* the name service's; lower case */
	unsigned int names_grace_ms;	/* records kept after a session: 300 s */
	/*
	 * dns_update = SERVER[:PORT]: the primary name server the name
	 * service's changes go to (primary.h); dns_tsig = FILE: the TSIG key
	 * they are signed with, read by azc_relay_cfg_load (required).
	 */
	char dns_update[64];		/* as given; "": none */
	struct sockaddr_storage dns_server;
	socklen_t dns_server_len;
	char dns_tsig[AZC_CFG_PATH_MAX];
	struct azc_tsig_key tsig;	/* the secret: wiped by _free */
	struct azc_relay_endpoint *ep;
	size_t n_ep;
	/* What load found worth saying, a line each: file mode, weak tokens */
	char warnings[2048];
};

#define AZC_RELAY_CONF		"/etc/azconnect/relayd.conf"
#define AZC_RELAY_STATE_DIR	"/var/lib/azconnect-relayd"
#define AZC_RELAY_DEVICE	"azc-relay"
#define AZC_RELAY_ZONE		"azconnect.internal"

void azc_relay_cfg_init(struct azc_relay_cfg *c);
void azc_relay_cfg_free(struct azc_relay_cfg *c);
int azc_relay_cfg_parse(struct azc_relay_cfg *c, const char *text,
			const char *fname, char *err, size_t errlen);
/*
 * Reads @path: refused when other users may read it (it holds tokens);
 * its group may, and weak tokens, go to c->warnings. The dns_tsig key
 * file is read too, on the same terms.
 */
int azc_relay_cfg_load(struct azc_relay_cfg *c, const char *path,
		       char *err, size_t errlen);
/* "ADDR", "ADDR:PORT", "[V6ADDR]" or "[V6ADDR]:PORT" (port 53) */
int azc_relay_parse_server(const char *v, struct sockaddr_storage *ss,
			   socklen_t *len);
const struct azc_relay_endpoint *
azc_relay_cfg_find(const struct azc_relay_cfg *c, const char *name);

#endif /* AZC_RELAYD_CFG_H */
