// SPDX-License-Identifier: GPL-2.0-only
/*
 * The relay's configuration file, /etc/azconnect/relayd.conf (see
 * relayd_cfg.h), on the parser of lib/config.
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "base/util.h"
#include "noise/keyrec.h"
#include "relayd_cfg.h"

struct relay_parse {
	struct azc_relay_cfg *c;
	unsigned int seen_global, seen_ep;
};

void azc_relay_cfg_init(struct azc_relay_cfg *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->state_dir, AZC_RELAY_STATE_DIR);
	strcpy(c->device, AZC_RELAY_DEVICE);
	c->max_sessions = 1024;
	c->handshake_rate = 10;
	c->handshake_burst = 20;
	c->source_prefix_v4 = 32;
	c->source_prefix_v6 = 64;
	c->tls_timeout_ms = 10000;
	c->auth_timeout_ms = 30000;
	strcpy(c->zone, AZC_RELAY_ZONE);
	c->names_grace_ms = 300000;
}

/* zone = a domain name of such labels, stored in lower case, no final dot. */
static int relay_set_zone(struct azc_relay_cfg *c, const char *v, char *err,
			  size_t errlen)
{
	size_t len = strlen(v), i, start = 0;

	if (len && v[len - 1] == '.')
		len--;
	if (!len || len > AZC_DNS_NAME_MAX)
		goto bad;
	for (i = 0; i <= len; i++) {
		if (i < len && v[i] != '.')
			continue;
		if (!azc_dns_label_ok(v + start, i - start))
			goto bad;
		start = i + 1;
	}
	for (i = 0; i < len; i++)
		c->zone[i] = (char)tolower((unsigned char)v[i]);
	c->zone[len] = '\0';
	return 0;
bad:
	snprintf(err, errlen, "zone: '%s' is not a domain name of letters, digits and hyphens",
		 v);
	return -EINVAL;
}

/* aliases = "www, api": labels separated by commas or blanks. */
static int relay_set_aliases(struct azc_relay_endpoint *ep, const char *v,
			     char *err, size_t errlen)
{
	const char *p = v;
	size_t n, i;

	ep->n_alias = 0;
	for (;;) {
		p += strspn(p, ", \t");
		if (!*p)
			return 0;
		n = strcspn(p, ", \t");
		if (!azc_dns_label_ok(p, n)) {
			snprintf(err, errlen, "aliases: '%.*s' is not a DNS label (letters, digits, hyphens; 1 to 63)",
				 (int)(n > 64 ? 64 : n), p);
			return -EINVAL;
		}
		if (ep->n_alias == AZC_RELAY_ALIASES_MAX) {
			snprintf(err, errlen, "aliases: at most %d", AZC_RELAY_ALIASES_MAX);
			return -EINVAL;
		}
		for (i = 0; i < n; i++)
			ep->alias[ep->n_alias][i] = (char)tolower((unsigned char)p[i]);
		ep->alias[ep->n_alias][n] = '\0';
		ep->n_alias++;
		p += n;
	}
}

int azc_relay_parse_server(const char *v, struct sockaddr_storage *ss,
			   socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN];
	const char *port = NULL, *end;
	unsigned long p = AZC_DNS_PORT;
	size_t n;
	char *e;

	memset(ss, 0, sizeof(*ss));
	if (*v == '[') {
		end = strchr(v, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -EINVAL;
		n = (size_t)(end - v - 1);
		v++;
		port = end[1] ? end + 2 : NULL;
	} else {
		end = strchr(v, ':');
		/* more than one colon: an IPv6 address without a port */
		if (end && !strchr(end + 1, ':')) {
			n = (size_t)(end - v);
			port = end + 1;
		} else {
			n = strlen(v);
		}
	}
	if (!n || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, v, n);
	host[n] = '\0';
	if (port) {
		errno = 0;
		p = strtoul(port, &e, 10);
		if (!*port || *e || errno || !p || p > 65535 ||
		    !isdigit((unsigned char)*port))
			return -EINVAL;
	}
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*s6);
		return 0;
	}
	return -EINVAL;
}

void azc_relay_cfg_free(struct azc_relay_cfg *c)
{
	azc_tsig_key_wipe(&c->tsig);
	free(c->ep);
	c->ep = NULL;
	c->n_ep = 0;
}

const struct azc_relay_endpoint *
azc_relay_cfg_find(const struct azc_relay_cfg *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_ep; i++)
		if (!strcmp(c->ep[i].name, name))
			return &c->ep[i];
	return NULL;
}

static int relay_sect(void *ctx, const char *section, char *err,
		      size_t errlen)
{
	struct relay_parse *p = ctx;
	struct azc_relay_cfg *c = p->c;
	struct azc_relay_endpoint *ep;
	const char *name;

	if (strncmp(section, "endpoint", 8) ||
	    !isspace((unsigned char)section[8])) {
		snprintf(err, errlen, "unknown section '[%s]' (expected '[endpoint NAME]')",
			 section);
		return -EINVAL;
	}
	name = section + 9;
	while (isspace((unsigned char)*name))
		name++;
	if (!*name || strlen(name) > AZC_CFG_NAME_MAX) {
		snprintf(err, errlen, "endpoint name must be 1 to %d bytes",
			 AZC_CFG_NAME_MAX);
		return -EINVAL;
	}
	if (azc_relay_cfg_find(c, name)) {
		snprintf(err, errlen, "duplicate endpoint '%s'", name);
		return -EINVAL;
	}
	ep = realloc(c->ep, (c->n_ep + 1) * sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	c->ep = ep;
	ep = &c->ep[c->n_ep++];
	memset(ep, 0, sizeof(*ep));
	strcpy(ep->name, name);
	p->seen_ep = 0;
	return 0;
}

static int relay_ep_kv(struct relay_parse *p, const char *key, const char *v,
		       char *err, size_t errlen)
{
	struct azc_relay_endpoint *ep = &p->c->ep[p->c->n_ep - 1];

	if (!strcmp(key, "token")) {
		if (azc_cfg_dup_check(&p->seen_ep, 1, key, err, errlen))
			return -EINVAL;
		if (!*v) {
			snprintf(err, errlen, "token: must not be empty");
			return -EINVAL;
		}
		return azc_cfg_set_str(ep->token, sizeof(ep->token), key, v, err, errlen);
	}
	if (!strcmp(key, "group")) {
		if (azc_cfg_dup_check(&p->seen_ep, 2, key, err, errlen))
			return -EINVAL;
		return azc_cfg_set_str(ep->group, sizeof(ep->group), key, v, err, errlen);
	}
	if (!strcmp(key, "aliases")) {
		if (azc_cfg_dup_check(&p->seen_ep, 4, key, err, errlen))
			return -EINVAL;
		return relay_set_aliases(ep, v, err, errlen);
	}
	if (!strcmp(key, "public_key")) {
		if (azc_cfg_dup_check(&p->seen_ep, 8, key, err, errlen))
			return -EINVAL;
		if (azc_noise_key_from_b64(v, ep->public_key)) {
			snprintf(err, errlen, "public_key: expected an X25519 public key in base64 (44 characters, as 'azconnectctl status' shows it)");
			return -EINVAL;
		}
		if (azc_keyrec_weak(ep->public_key)) {
			snprintf(err, errlen, "public_key: a low-order X25519 point, not a public key");
			return -EINVAL;
		}
		ep->has_public_key = true;
		return 0;
	}
	snprintf(err, errlen, "unknown key '%s' in an endpoint section (token, group, aliases, public_key)",
		 key);
	return -EINVAL;
}

static int relay_kv(void *ctx, const char *section, const char *key,
		    const char *v, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"cert", "key", "state_dir", "max_sessions", "handshake_rate",
		"handshake_burst", "tls_timeout", "negotiation_timeout",
		"device", "prefix", "subnet_id", "echo_interval", "echo_retries",
		"source_prefix_v4", "source_prefix_v6", "auth_timeout",
		"control", "cert_names", "zone", "names_grace", "dns_update",
		"dns_tsig",
	};
	struct relay_parse *p = ctx;
	struct azc_relay_cfg *c = p->c;
	unsigned int i;

	if (*section)
		return relay_ep_kv(p, key, v, err, errlen);
	for (i = 0; i < AZC_ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i]))
			break;
	if (i == AZC_ARRAY_SIZE(keys)) {
		snprintf(err, errlen, "unknown key '%s'", key);
		return -EINVAL;
	}
	if (azc_cfg_dup_check(&p->seen_global, 1u << i, key, err, errlen))
		return -EINVAL;
	switch (i) {
	case 0:
		return azc_cfg_set_str(c->cert, sizeof(c->cert), key, v, err, errlen);
	case 1:
		return azc_cfg_set_str(c->key, sizeof(c->key), key, v, err, errlen);
	case 2:
		return azc_cfg_set_str(c->state_dir, sizeof(c->state_dir), key, v, err,
			       errlen);
	case 3:
		return azc_cfg_set_uint(&c->max_sessions, key, v, 1, 1000000, err,
				errlen);
	case 4:
		return azc_cfg_set_uint(&c->handshake_rate, key, v, 1, 1000000, err,
				errlen);
	case 5:
		return azc_cfg_set_uint(&c->handshake_burst, key, v, 1, 1000000, err,
				errlen);
	case 6:
		return azc_cfg_set_seconds(&c->tls_timeout_ms, key, v, err, errlen);
	case 7:
		return azc_cfg_set_seconds(&c->negotiation_ms, key, v, err, errlen);
	case 8:
		return azc_cfg_set_str(c->device, sizeof(c->device), key, v, err,
			       errlen);
	case 9:
		return azc_cfg_set_str(c->prefix, sizeof(c->prefix), key, v, err,
			       errlen);
	case 10:
		return azc_cfg_set_uint(&c->subnet_id, key, v, 0, 65535, err, errlen);
	case 11:
		return azc_cfg_set_seconds(&c->echo_ms, key, v, err, errlen);
	case 12:
		return azc_cfg_set_uint(&c->echo_retries, key, v, 1,
				AZC_CFG_ECHO_RETRIES_MAX, err, errlen);
	case 13:
		return azc_cfg_set_uint(&c->source_prefix_v4, key, v, 1, 32, err,
					errlen);
	case 14:
		return azc_cfg_set_uint(&c->source_prefix_v6, key, v, 1, 128, err,
					errlen);
	case 15:
		return azc_cfg_set_seconds(&c->auth_timeout_ms, key, v, err,
					   errlen);
	case 16:
		return azc_cfg_set_str(c->control, sizeof(c->control), key, v,
				       err, errlen);
	case 17:
		return azc_cfg_set_str(c->cert_names, sizeof(c->cert_names), key,
				       v, err, errlen);
	case 18:
		return relay_set_zone(c, v, err, errlen);
	case 20:
		if (strlen(v) >= sizeof(c->dns_update) ||
		    azc_relay_parse_server(v, &c->dns_server,
					   &c->dns_server_len)) {
			snprintf(err, errlen, "dns_update: expected ADDR, ADDR:PORT or [V6ADDR]:PORT (a numeric address of the primary name server), not '%.64s'",
				 v);
			return -EINVAL;
		}
		strcpy(c->dns_update, v);
		return 0;
	case 21:
		if (!*v) {
			snprintf(err, errlen, "dns_tsig: expected a key file");
			return -EINVAL;
		}
		return azc_cfg_set_str(c->dns_tsig, sizeof(c->dns_tsig), key, v,
				       err, errlen);
	default:
		return azc_cfg_set_seconds(&c->names_grace_ms, key, v, err,
					   errlen);
	}
}

static int relay_check(struct azc_relay_cfg *c, const char *fname, char *err,
		       size_t errlen)
{
	size_t i;

	if (!!c->cert[0] != !!c->key[0]) {
		snprintf(err, errlen, "%s: 'cert' and 'key' go together",
			 fname ? fname : "config");
		return -EINVAL;
	}
	/* Unsigned UPDATEs to a primary: not something to ship. */
	if (c->dns_update[0] && !c->dns_tsig[0]) {
		snprintf(err, errlen, "%s: dns_update needs dns_tsig: the relay signs its updates to the primary with a TSIG key (tsig-keygen or keymgr -t makes one)",
			 fname ? fname : "config");
		return -EINVAL;
	}
	if (c->dns_tsig[0] && !c->dns_update[0]) {
		snprintf(err, errlen, "%s: dns_tsig without dns_update (the primary name server)",
			 fname ? fname : "config");
		return -EINVAL;
	}
	for (i = 0; i < c->n_ep; i++)
		if (!c->ep[i].token[0]) {
			snprintf(err, errlen, "%s: endpoint '%s' has no token",
				 fname ? fname : "config", c->ep[i].name);
			return -EINVAL;
		}
	return 0;
}

static const struct azc_cfg_ops relay_ops = {
	.sect = relay_sect,
	.kv = relay_kv,
};

int azc_relay_cfg_parse(struct azc_relay_cfg *c, const char *text,
			const char *fname, char *err, size_t errlen)
{
	struct relay_parse p = { .c = c };
	int ret = azc_cfg_parse(text, fname, &relay_ops, &p, err, errlen);

	return ret ? ret : relay_check(c, fname, err, errlen);
}

/* A line for the caller to log; the first ones when there are many. */
static void relay_warn(struct azc_relay_cfg *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void relay_warn(struct azc_relay_cfg *c, const char *fmt, ...)
{
	size_t n = strlen(c->warnings);
	va_list ap;

	if (n + 2 >= sizeof(c->warnings))
		return;
	if (n)
		c->warnings[n++] = '\n';
	va_start(ap, fmt);
	vsnprintf(c->warnings + n, sizeof(c->warnings) - n, fmt, ap);
	va_end(ap);
}

int azc_relay_cfg_load(struct azc_relay_cfg *c, const char *path,
		       char *err, size_t errlen)
{
	struct relay_parse p = { .c = c };
	unsigned int bits;
	size_t i;
	int ret;

	c->warnings[0] = '\0';
	ret = azc_cfg_parse_file(path, &relay_ops, &p, err, errlen);
	if (!ret)
		ret = relay_check(c, path, err, errlen);
	if (!ret && c->n_ep) {
		/* The endpoints' tokens: only the relay's owner may read them. */
		ret = azc_cfg_secret_mode(path, err, errlen);
		if (ret == 1) {
			relay_warn(c, "%s", err);
			ret = 0;
		}
	}
	if (!ret && c->dns_tsig[0]) {
		char warn[AZC_CFG_ERR_LEN];

		ret = azc_tsig_key_load(&c->tsig, c->dns_tsig, warn,
					sizeof(warn), err, errlen);
		if (ret == 1) {
			relay_warn(c, "%s", warn);
			ret = 0;
		}
	}
	for (i = 0; !ret && i < c->n_ep; i++) {
		bits = azc_cfg_token_bits(c->ep[i].token);
		if (bits < AZC_CFG_TOKEN_MIN_BITS)
			relay_warn(c, "warning: endpoint '%s': its token is weak (about %u bits, fewer than %u): make one with azconnect-relayd --gen-token",
				   c->ep[i].name, bits, AZC_CFG_TOKEN_MIN_BITS);
		if (!azc_dns_label_ok(c->ep[i].name, strlen(c->ep[i].name)))
			relay_warn(c, "warning: endpoint '%s': its name is not a DNS label (letters, digits, hyphens; 1 to 63), so it cannot register it in the name service; its aliases it can",
				   c->ep[i].name);
	}
	return ret;
}
