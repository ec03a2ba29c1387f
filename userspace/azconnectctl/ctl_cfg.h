/* SPDX-License-Identifier: GPL-2.0-only */
/* azconnectctl's configuration: /etc/azconnect/azconnect.conf. */

#ifndef AZC_CTL_CFG_H
#define AZC_CTL_CFG_H

#include "base/util.h"
#include "config/config.h"

struct azc_client_cfg {
	char relay[AZC_CFG_NAME_MAX + 1];
	char name[AZC_CFG_NAME_MAX + 1];
	char token[AZC_CFG_TOKEN_MAX + 1];
	char fingerprint[128];
	char ca[AZC_CFG_PATH_MAX];
	char device[AZC_CFG_DEV_MAX];	/* "": AZC_CLIENT_DEVICE */
	char zone[AZC_DNS_NAME_MAX + 1];	/* the name service's; "": the default */
	char dns[16];			/* split DNS: auto, resolved, resolv.conf, off */
	char key_file[AZC_CFG_PATH_MAX];	/* "": AZC_CLIENT_KEY_DIR/NAME.key */
	char esp[16];			/* ESP between endpoints: required, off */
	unsigned int esp_rekey;		/* seconds; 0: AZC_KEYD_REKEY_DEFAULT */
	unsigned int echo_ms;		/* SSTP keepalive; 0: the engine's */
	unsigned int echo_retries;	/* 0: the engine's */
	char warning[AZC_CFG_ERR_LEN];	/* from load: the file's mode */
};

/* Split DNS (splitdns.h): the config key dns and "up --dns" */
enum azc_dns_mode {
	AZC_DNS_AUTO,
	AZC_DNS_RESOLVED,
	AZC_DNS_RESOLVCONF,
	AZC_DNS_OFF,
};

/* "auto", "resolved", "resolv.conf", "off": 0 or -EINVAL. */
int azc_dns_mode_parse(const char *s, enum azc_dns_mode *m);
const char *azc_dns_mode_name(enum azc_dns_mode m);

#define AZC_CLIENT_DEVICE	"azc0"
#define AZC_CLIENT_CONF		"/etc/azconnect/azconnect.conf"
/* The endpoints' private keys: NAME.key, 0600, in this 0700 directory */
#define AZC_CLIENT_KEY_DIR	"/var/lib/azconnect"

int azc_client_cfg_parse(struct azc_client_cfg *c, const char *text,
			 const char *fname, char *err, size_t errlen);
/*
 * Reads @path: refused when it holds a token and other users may read it;
 * its group may: c->warning.
 */
int azc_client_cfg_load(struct azc_client_cfg *c, const char *path,
			char *err, size_t errlen);

#endif /* AZC_CTL_CFG_H */
