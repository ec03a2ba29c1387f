// SPDX-License-Identifier: GPL-2.0-only
/*
 * Configuration files: a small "key = value" / "[section]" parser and
 * typed values for the configurations built on it (relayd_cfg.c,
 * ctl_cfg.c).
 */

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#define CFG_LINE_MAX	4096
#define CFG_FILE_MAX	(1 << 20)

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

/* Helpers for the typed configurations (see config.h) */

int azc_cfg_set_str(char *dst, size_t size, const char *key, const char *v,
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

int azc_cfg_set_uint(unsigned int *dst, const char *key, const char *v,
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

int azc_cfg_dup_check(unsigned int *seen, unsigned int bit, const char *key,
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
int azc_cfg_set_seconds(unsigned int *ms, const char *key, const char *v,
		       char *err, size_t errlen)
{
	unsigned int s;

	if (azc_cfg_set_uint(&s, key, v, 1, 3600, err, errlen))
		return -EINVAL;
	*ms = s * 1000;
	return 0;
}

int azc_cfg_secret_mode(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		snprintf(err, errlen,
			 "%s holds secrets and every user of this machine may %s it (mode %04o): chmod 600 %s",
			 path, st.st_mode & S_IROTH ? "read" : "change",
			 (unsigned int)(st.st_mode & 07777), path);
		return -EPERM;
	}
	if (st.st_mode & (S_IRGRP | S_IWGRP)) {
		snprintf(err, errlen,
			 "warning: %s holds secrets and its group may %s it (mode %04o): chmod 600 %s",
			 path, st.st_mode & S_IRGRP ? "read" : "change",
			 (unsigned int)(st.st_mode & 07777), path);
		return 1;
	}
	return 0;
}

unsigned int azc_cfg_token_bits(const char *token)
{
	bool lower = false, upper = false, digit = false, other = false;
	unsigned int pool, k = 0, log2_100;
	const char *p;

	for (p = token; *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			lower = true;
		else if (*p >= 'A' && *p <= 'Z')
			upper = true;
		else if (*p >= '0' && *p <= '9')
			digit = true;
		else
			other = true;
	}
	pool = 26 * lower + 26 * upper + 10 * digit + 33 * other;
	if (pool < 2)
		return 0;
	/* log2(pool) in hundredths: k + log2(1 + f) ~ k + f, a bit less */
	while (pool >> (k + 1))
		k++;
	log2_100 = k * 100 + ((pool - (1u << k)) * 100 >> k);
	return (unsigned int)(strlen(token) * log2_100 / 100);
}
