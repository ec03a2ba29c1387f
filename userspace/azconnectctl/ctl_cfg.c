// SPDX-License-Identifier: GPL-2.0-only
/*
 * azconnectctl's configuration file, /etc/azconnect/azconnect.conf (see
 * ctl_cfg.h), on the parser of lib/config.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ctl_cfg.h"
#include "keyd.h"

static const char *const mode_names[] = {
	[AZC_DNS_AUTO] = "auto",
	[AZC_DNS_RESOLVED] = "resolved",
	[AZC_DNS_RESOLVCONF] = "resolv.conf",
	[AZC_DNS_OFF] = "off",
};

int azc_dns_mode_parse(const char *s, enum azc_dns_mode *m)
{
	unsigned int i;

	for (i = 0; i < AZC_ARRAY_SIZE(mode_names); i++)
		if (!strcmp(s, mode_names[i])) {
			*m = (enum azc_dns_mode)i;
			return 0;
		}
	return -EINVAL;
}

const char *azc_dns_mode_name(enum azc_dns_mode m)
{
	return m < AZC_ARRAY_SIZE(mode_names) ? mode_names[m] : "?";
}

struct client_parse {
	struct azc_client_cfg *c;
	unsigned int seen;
};

static int client_sect(void *ctx, const char *section, char *err,
		       size_t errlen)
{
	(void)ctx;
	snprintf(err, errlen, "unknown section '[%s]'", section);
	return -EINVAL;
}

static int client_kv(void *ctx, const char *section, const char *key,
		     const char *v, char *err, size_t errlen)
{
	struct client_parse *p = ctx;
	struct azc_client_cfg *c = p->c;
	enum azc_dns_mode mode;
	struct {
		const char *key;
		char *dst;
		size_t size;
	} f[] = {
		{ "relay", c->relay, sizeof(c->relay) },
		{ "name", c->name, sizeof(c->name) },
		{ "token", c->token, sizeof(c->token) },
		{ "fingerprint", c->fingerprint, sizeof(c->fingerprint) },
		{ "ca", c->ca, sizeof(c->ca) },
		{ "device", c->device, sizeof(c->device) },
		{ "zone", c->zone, sizeof(c->zone) },
		{ "dns", c->dns, sizeof(c->dns) },
		{ "key_file", c->key_file, sizeof(c->key_file) },
		{ "esp", c->esp, sizeof(c->esp) },
	};
	unsigned int i;

	(void)section;
	for (i = 0; i < AZC_ARRAY_SIZE(f); i++) {
		if (strcmp(key, f[i].key))
			continue;
		if (azc_cfg_dup_check(&p->seen, 1u << i, key, err, errlen))
			return -EINVAL;
		if (f[i].dst == c->dns && azc_dns_mode_parse(v, &mode)) {
			snprintf(err, errlen, "dns: '%s' is not auto, resolved, resolv.conf or off",
				 v);
			return -EINVAL;
		}
		if (f[i].dst == c->esp && strcmp(v, "required") &&
		    strcmp(v, "off")) {
			snprintf(err, errlen, "esp: '%s' is not required or off", v);
			return -EINVAL;
		}
		return azc_cfg_set_str(f[i].dst, f[i].size, key, v, err, errlen);
	}
	/* The numbers, after the strings in p->seen. */
	if (!strcmp(key, "echo_interval"))
		return azc_cfg_dup_check(&p->seen, 1u << i, key, err, errlen) ?:
		       azc_cfg_set_seconds(&c->echo_ms, key, v, err, errlen);
	if (!strcmp(key, "echo_retries"))
		return azc_cfg_dup_check(&p->seen, 1u << (i + 1), key, err, errlen) ?:
		       azc_cfg_set_uint(&c->echo_retries, key, v, 1,
				AZC_CFG_ECHO_RETRIES_MAX, err, errlen);
	if (!strcmp(key, "esp_rekey"))
		return azc_cfg_dup_check(&p->seen, 1u << (i + 2), key, err, errlen) ?:
		       azc_cfg_set_uint(&c->esp_rekey, key, v, AZC_KEYD_REKEY_MIN,
				AZC_KEYD_REKEY_MAX, err, errlen);
	snprintf(err, errlen, "unknown key '%s' (relay, name, token, fingerprint, ca, device, zone, dns, key_file, esp, esp_rekey, echo_interval, echo_retries)",
		 key);
	return -EINVAL;
}

static const struct azc_cfg_ops client_ops = {
	.sect = client_sect,
	.kv = client_kv,
};

int azc_client_cfg_parse(struct azc_client_cfg *c, const char *text,
			 const char *fname, char *err, size_t errlen)
{
	struct client_parse p = { .c = c };

	return azc_cfg_parse(text, fname, &client_ops, &p, err, errlen);
}

int azc_client_cfg_load(struct azc_client_cfg *c, const char *path,
			char *err, size_t errlen)
{
	struct client_parse p = { .c = c };
	int ret;

	c->warning[0] = '\0';
	ret = azc_cfg_parse_file(path, &client_ops, &p, err, errlen);
	if (ret || !c->token[0])
		return ret;
	/* It holds the token: only its owner may read it. */
	ret = azc_cfg_secret_mode(path, err, errlen);
	if (ret == 1) {
		snprintf(c->warning, sizeof(c->warning), "%s", err);
		ret = 0;
	}
	return ret;
}
