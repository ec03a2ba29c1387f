// SPDX-License-Identifier: GPL-2.0-only
/*
 * Configuration files: a small "key = value" / "[section]" parser and the
 * two configurations built on it (relayd, azconnectctl).
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#define CFG_LINE_MAX	4096
#define CFG_FILE_MAX	(1 << 20)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Unquotes @v in place; strips a trailing comment. */
static int parse_value(char *v, char *err, size_t errlen)
{
	char *r, *w;

	if (*v != '"') {
		for (r = v; *r; r++)
			if ((*r == '#' || *r == ';') &&
			    (r == v || isspace((unsigned char)r[-1]))) {
				*r = '\0';
				break;
			}
		trim(v);
		return 0;
	}
	for (r = v + 1, w = v; *r && *r != '"'; r++) {
		if (*r == '\\') {
			r++;
			if (*r != '"' && *r != '\\') {
				snprintf(err, errlen,
					 "invalid escape in quoted value (only \\\" and \\\\)");
				return -EINVAL;
			}
		}
		*w++ = *r;
	}
	if (*r != '"') {
		snprintf(err, errlen, "unterminated quoted value");
		return -EINVAL;
	}
	*w = '\0';
	r = trim(r + 1);
	if (*r && *r != '#' && *r != ';') {
		snprintf(err, errlen, "text after the quoted value");
		return -EINVAL;
	}
	return 0;
}

static int parse_line(char *line, char *section, size_t seclen,
		      const struct azc_cfg_ops *ops, void *ctx,
		      char *err, size_t errlen)
{
	char *s = trim(line), *eq, *key, *val;
	size_t n;

	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		n = strlen(s);
		if (s[n - 1] != ']') {
			snprintf(err, errlen, "section header without ']'");
			return -EINVAL;
		}
		s[n - 1] = '\0';
		s = trim(s + 1);
		if (strlen(s) >= seclen) {
			snprintf(err, errlen, "section name too long");
			return -EINVAL;
		}
		strcpy(section, s);
		return ops->sect ? ops->sect(ctx, section, err, errlen) : 0;
	}
	eq = strchr(s, '=');
	if (!eq) {
		snprintf(err, errlen, "expected 'key = value' or '[section]'");
		return -EINVAL;
	}
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (!*key) {
		snprintf(err, errlen, "missing key before '='");
		return -EINVAL;
	}
	if (parse_value(val, err, errlen))
		return -EINVAL;
	return ops->kv(ctx, section, key, val, err, errlen);
}

int azc_cfg_parse(const char *text, const char *fname,
		  const struct azc_cfg_ops *ops, void *ctx,
		  char *err, size_t errlen)
{
	char line[CFG_LINE_MAX], section[AZC_CFG_NAME_MAX + 32] = "";
	char msg[AZC_CFG_ERR_LEN];
	unsigned int lineno = 0;
	const char *p = text, *nl;
	size_t n;
	int ret;

	while (*p) {
		lineno++;
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		msg[0] = '\0';
		if (n >= sizeof(line)) {
			snprintf(msg, sizeof(msg), "line too long");
			ret = -EINVAL;
		} else {
			memcpy(line, p, n);
			line[n] = '\0';
			ret = parse_line(line, section, sizeof(section), ops,
					 ctx, msg, sizeof(msg));
		}
		if (ret) {
			snprintf(err, errlen, "%s:%u: %s", fname ? fname : "config",
				 lineno, msg[0] ? msg : strerror(-ret));
			return ret;
		}
		p += n + (nl ? 1 : 0);
	}
	return 0;
}

static char *read_file(const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(CFG_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	while ((n = read(fd, buf + len, CFG_FILE_MAX - len)) > 0)
		len += n;
	close(fd);
	if (n < 0 || len >= CFG_FILE_MAX) {
		snprintf(err, errlen, "%s: %s", path,
			 n < 0 ? strerror(errno) : "file too large");
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	if (memchr(buf, '\0', len)) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(buf);
		return NULL;
	}
	return buf;
}

int azc_cfg_parse_file(const char *path, const struct azc_cfg_ops *ops,
		       void *ctx, char *err, size_t errlen)
{
	char *text = read_file(path, err, errlen);
	int ret;

	if (!text)
		return -errno ? -errno : -EIO;
	ret = azc_cfg_parse(text, path, ops, ctx, err, errlen);
	free(text);
	return ret;
}

/* Helpers for the typed configurations */

static int set_str(char *dst, size_t size, const char *key, const char *v,
		   char *err, size_t errlen)
{
	if (strlen(v) >= size) {
		snprintf(err, errlen, "%s: value too long (at most %zu bytes)",
			 key, size - 1);
		return -EINVAL;
	}
	strcpy(dst, v);
	return 0;
}

static int set_uint(unsigned int *dst, const char *key, const char *v,
		    unsigned long min, unsigned long max,
		    char *err, size_t errlen)
{
	unsigned long x;
	char *end;

	errno = 0;
	x = strtoul(v, &end, 10);
	if (!*v || *end || errno || x < min || x > max || *v == '-') {
		snprintf(err, errlen, "%s: expected a number from %lu to %lu, got '%s'",
			 key, min, max, v);
		return -EINVAL;
	}
	*dst = x;
	return 0;
}

static int dup_check(unsigned int *seen, unsigned int bit, const char *key,
		     char *err, size_t errlen)
{
	if (*seen & bit) {
		snprintf(err, errlen, "duplicate key '%s'", key);
		return -EINVAL;
	}
	*seen |= bit;
	return 0;
}

/* A duration of 1 to 3600 seconds, kept in milliseconds. */
static int set_seconds(unsigned int *ms, const char *key, const char *v,
		       char *err, size_t errlen)
{
	unsigned int s;

	if (set_uint(&s, key, v, 1, 3600, err, errlen))
		return -EINVAL;
	*ms = s * 1000;
	return 0;
}

/* SSTP keepalive: unanswered ECHO_REQUESTs before the peer counts as dead. */
#define AZC_CFG_ECHO_RETRIES_MAX	100

/* azconnect-relayd */

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
	c->tls_timeout_ms = 10000;
}

void azc_relay_cfg_free(struct azc_relay_cfg *c)
{
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
		if (dup_check(&p->seen_ep, 1, key, err, errlen))
			return -EINVAL;
		if (!*v) {
			snprintf(err, errlen, "token: must not be empty");
			return -EINVAL;
		}
		return set_str(ep->token, sizeof(ep->token), key, v, err, errlen);
	}
	if (!strcmp(key, "group")) {
		if (dup_check(&p->seen_ep, 2, key, err, errlen))
			return -EINVAL;
		return set_str(ep->group, sizeof(ep->group), key, v, err, errlen);
	}
	snprintf(err, errlen, "unknown key '%s' in an endpoint section (token, group)",
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
	};
	struct relay_parse *p = ctx;
	struct azc_relay_cfg *c = p->c;
	unsigned int i;

	if (*section)
		return relay_ep_kv(p, key, v, err, errlen);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i]))
			break;
	if (i == ARRAY_SIZE(keys)) {
		snprintf(err, errlen, "unknown key '%s'", key);
		return -EINVAL;
	}
	if (dup_check(&p->seen_global, 1u << i, key, err, errlen))
		return -EINVAL;
	switch (i) {
	case 0:
		return set_str(c->cert, sizeof(c->cert), key, v, err, errlen);
	case 1:
		return set_str(c->key, sizeof(c->key), key, v, err, errlen);
	case 2:
		return set_str(c->state_dir, sizeof(c->state_dir), key, v, err,
			       errlen);
	case 3:
		return set_uint(&c->max_sessions, key, v, 1, 1000000, err,
				errlen);
	case 4:
		return set_uint(&c->handshake_rate, key, v, 1, 1000000, err,
				errlen);
	case 5:
		return set_uint(&c->handshake_burst, key, v, 1, 1000000, err,
				errlen);
	case 6:
		return set_seconds(&c->tls_timeout_ms, key, v, err, errlen);
	case 7:
		return set_seconds(&c->negotiation_ms, key, v, err, errlen);
	case 8:
		return set_str(c->device, sizeof(c->device), key, v, err,
			       errlen);
	case 9:
		return set_str(c->prefix, sizeof(c->prefix), key, v, err,
			       errlen);
	case 10:
		return set_uint(&c->subnet_id, key, v, 0, 65535, err, errlen);
	case 11:
		return set_seconds(&c->echo_ms, key, v, err, errlen);
	default:
		return set_uint(&c->echo_retries, key, v, 1,
				AZC_CFG_ECHO_RETRIES_MAX, err, errlen);
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

int azc_relay_cfg_load(struct azc_relay_cfg *c, const char *path,
		       char *err, size_t errlen)
{
	struct relay_parse p = { .c = c };
	int ret = azc_cfg_parse_file(path, &relay_ops, &p, err, errlen);

	return ret ? ret : relay_check(c, path, err, errlen);
}

/* azconnectctl */

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
	};
	unsigned int i;

	(void)section;
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		if (strcmp(key, f[i].key))
			continue;
		if (dup_check(&p->seen, 1u << i, key, err, errlen))
			return -EINVAL;
		return set_str(f[i].dst, f[i].size, key, v, err, errlen);
	}
	/* The numbers, after the strings in p->seen. */
	if (!strcmp(key, "echo_interval"))
		return dup_check(&p->seen, 1u << i, key, err, errlen) ?:
		       set_seconds(&c->echo_ms, key, v, err, errlen);
	if (!strcmp(key, "echo_retries"))
		return dup_check(&p->seen, 1u << (i + 1), key, err, errlen) ?:
		       set_uint(&c->echo_retries, key, v, 1,
				AZC_CFG_ECHO_RETRIES_MAX, err, errlen);
	snprintf(err, errlen, "unknown key '%s' (relay, name, token, fingerprint, ca, device, echo_interval, echo_retries)",
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

	return azc_cfg_parse_file(path, &client_ops, &p, err, errlen);
}
