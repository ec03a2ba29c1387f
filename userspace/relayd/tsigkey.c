// SPDX-License-Identifier: GPL-2.0-only
/* TSIG key files: BIND's and Knot's formats (see tsigkey.h). */

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "config/config.h"
#include "tsigkey.h"

#define KEYFILE_MAX	65536
#define TOKEN_MAX	(AZC_TSIG_SECRET_MAX + 2)

struct kparse {
	const char *p;
	const char *fname;
	unsigned int line;
	char *err;
	size_t errlen;
};

static int kerr(struct kparse *kp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int kerr(struct kparse *kp, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(kp->err, kp->errlen, "%s:%u: %s", kp->fname, kp->line, msg);
	return -EINVAL;
}

/* Text from the file, for an error message: escaped, cut short. */
static const char *shown(const char *s, char *buf, size_t size)
{
	azc_escape(s, strnlen(s, 40), buf, size);
	return buf;
}

/* The fields once read: checked and stored in @k. */
static int key_set(struct kparse *kp, struct azc_tsig_key *k,
		   const char *name, const char *alg, const char *secret)
{
	static const char *const algs[] = {
		"hmac-sha256", "hmac-sha384", "hmac-sha512",
	};
	char a[16], buf[180];
	ldns_rdf *d = NULL;
	size_t i, n, got;

	if (!name[0] || !alg[0] || !secret[0])
		return kerr(kp, "the key lacks its %s",
			    !name[0] ? "name" : !alg[0] ? "algorithm" : "secret");
	if (strlen(name) > AZC_DNS_NAME_MAX ||
	    ldns_str2rdf_dname(&d, name) != LDNS_STATUS_OK ||
	    ldns_dname_label_count(d) == 0) {
		ldns_rdf_deep_free(d);
		return kerr(kp, "key name '%s' is not a domain name",
			    shown(name, buf, sizeof(buf)));
	}
	ldns_rdf_deep_free(d);
	d = NULL;
	n = strlen(alg);
	if (n && alg[n - 1] == '.')
		n--;
	snprintf(a, sizeof(a), "%.*s", (int)(n < 15 ? n : 15), alg);
	for (i = 0; i < AZC_ARRAY_SIZE(algs); i++)
		if (!strcasecmp(a, algs[i]))
			break;
	if (i == AZC_ARRAY_SIZE(algs))
		return kerr(kp, "algorithm '%s' is not supported (hmac-sha256, hmac-sha384 or hmac-sha512)",
			    shown(alg, buf, sizeof(buf)));
	if (strlen(secret) > AZC_TSIG_SECRET_MAX)
		return kerr(kp, "the secret is longer than %d characters",
			    AZC_TSIG_SECRET_MAX);
	/* ldns keeps its base64 decoder to itself but for this */
	if (ldns_str2rdf_b64(&d, secret) != LDNS_STATUS_OK || !d) {
		ldns_rdf_deep_free(d);
		return kerr(kp, "the secret is not base64");
	}
	got = ldns_rdf_size(d);
	explicit_bzero(ldns_rdf_data(d), got);
	ldns_rdf_deep_free(d);
	if (got < AZC_TSIG_SECRET_MIN)
		return kerr(kp, "the secret is %zu bytes, fewer than %d: make one with tsig-keygen or keymgr -t",
			    got, AZC_TSIG_SECRET_MIN);
	snprintf(k->name, sizeof(k->name), "%s%s", name,
		 name[strlen(name) - 1] == '.' ? "" : ".");
	for (i = 0; k->name[i]; i++)
		k->name[i] = (char)tolower((unsigned char)k->name[i]);
	for (i = 0; a[i]; i++)
		a[i] = (char)tolower((unsigned char)a[i]);
	memcpy(k->algorithm, a, strlen(a));
	k->algorithm[strlen(a)] = '.';
	snprintf(k->secret, sizeof(k->secret), "%s", secret);
	return 0;
}

/* ---- BIND: key "NAME" { algorithm ALG; secret "B64"; }; ---- */

enum tok { T_END, T_WORD, T_STRING, T_OPEN, T_CLOSE, T_SEMI, T_BAD };

/* The next token in @buf; T_BAD with the error made. */
static enum tok next(struct kparse *kp, char *buf)
{
	const char *p;
	size_t n = 0;

	for (;;) {
		while (isspace((unsigned char)*kp->p))
			kp->line += *kp->p++ == '\n';
		if (*kp->p == '#' || (kp->p[0] == '/' && kp->p[1] == '/')) {
			kp->p += strcspn(kp->p, "\n");
			continue;
		}
		if (kp->p[0] == '/' && kp->p[1] == '*') {
			p = strstr(kp->p + 2, "*/");
			if (!p) {
				kerr(kp, "a comment is not closed");
				return T_BAD;
			}
			for (; kp->p < p; kp->p++)
				kp->line += *kp->p == '\n';
			kp->p += 2;
			continue;
		}
		break;
	}
	switch (*kp->p) {
	case '\0':
		return T_END;
	case '{':
		kp->p++;
		return T_OPEN;
	case '}':
		kp->p++;
		return T_CLOSE;
	case ';':
		kp->p++;
		return T_SEMI;
	case '"':
		for (p = kp->p + 1; *p && *p != '"' && *p != '\n'; p++) {
			if (n == TOKEN_MAX) {
				kerr(kp, "a string is too long");
				return T_BAD;
			}
			buf[n++] = *p;
		}
		if (*p != '"') {
			kerr(kp, "a string is not closed on its line");
			return T_BAD;
		}
		buf[n] = '\0';
		kp->p = p + 1;
		return T_STRING;
	}
	for (p = kp->p; *p && !isspace((unsigned char)*p) &&
	     !strchr("{};\"#", *p); p++) {
		if (n == TOKEN_MAX) {
			kerr(kp, "a word is too long");
			return T_BAD;
		}
		buf[n++] = *p;
	}
	buf[n] = '\0';
	kp->p = p;
	return T_WORD;
}

static int expect(struct kparse *kp, char *buf, enum tok want,
		  const char *what)
{
	enum tok t = next(kp, buf);

	if (t == T_BAD)
		return -EINVAL;
	if (t != want)
		return kerr(kp, "expected %s", what);
	return 0;
}

static int parse_bind(struct kparse *kp, struct azc_tsig_key *k)
{
	char name[TOKEN_MAX + 1] = "", alg[TOKEN_MAX + 1] = "";
	char secret[TOKEN_MAX + 1] = "", tok[TOKEN_MAX + 1], shown_buf[180];
	unsigned int line = 0, keys = 0;
	enum tok t;
	int ret = -EINVAL;

	for (;;) {
		t = next(kp, tok);
		if (t == T_END)
			break;
		if (t == T_BAD)
			goto out;
		if (t != T_WORD || strcmp(tok, "key")) {
			kerr(kp, "expected 'key \"NAME\" { ... };', not '%s'",
			     t == T_WORD || t == T_STRING ?
			     shown(tok, shown_buf, sizeof(shown_buf)) : "?");
			goto out;
		}
		if (keys++) {
			kerr(kp, "more than one key: the relay takes one");
			goto out;
		}
		line = kp->line;
		t = next(kp, name);
		if (t == T_BAD)
			goto out;
		if (t != T_WORD && t != T_STRING) {
			kerr(kp, "expected the key's name after 'key'");
			goto out;
		}
		if (expect(kp, tok, T_OPEN, "'{' after the key's name"))
			goto out;
		for (;;) {
			char *dst;

			t = next(kp, tok);
			if (t == T_BAD)
				goto out;
			if (t == T_CLOSE)
				break;
			if (t != T_WORD) {
				kerr(kp, "expected 'algorithm', 'secret' or '}'");
				goto out;
			}
			if (!strcmp(tok, "algorithm")) {
				dst = alg;
			} else if (!strcmp(tok, "secret")) {
				dst = secret;
			} else {
				kerr(kp, "unknown statement '%s' in the key",
				     shown(tok, shown_buf, sizeof(shown_buf)));
				goto out;
			}
			if (*dst) {
				kerr(kp, "'%s' given twice", tok);
				goto out;
			}
			t = next(kp, dst);
			if (t == T_BAD)
				goto out;
			if ((t != T_WORD && t != T_STRING) || !*dst) {
				kerr(kp, "expected a value after '%s'",
				     dst == alg ? "algorithm" : "secret");
				goto out;
			}
			if (expect(kp, tok, T_SEMI, "';' after a value"))
				goto out;
		}
		if (expect(kp, tok, T_SEMI, "';' after the key's '}'"))
			goto out;
	}
	if (!keys) {
		kerr(kp, "no key in the file (expected 'key \"NAME\" { algorithm hmac-sha256; secret \"BASE64\"; };')");
		goto out;
	}
	kp->line = line;
	ret = key_set(kp, k, name, alg, secret);
out:
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(tok, sizeof(tok));
	return ret;
}

/* ---- Knot (keymgr -t): a YAML "key:" list with one item ---- */

/* "  - id: VALUE  # comment" -> "id", "VALUE"; false: no such line */
static bool yaml_field(char *line, char **key, char **val)
{
	char *p = line, *c, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-' && (p[1] == ' ' || p[1] == '\t'))
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
	c = strchr(p, ':');
	if (!c)
		return false;
	*c = '\0';
	*key = p;
	for (p = c + 1; *p == ' ' || *p == '\t'; p++)
		;
	e = p + strcspn(p, "#");
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	*e = '\0';
	if (e - p >= 2 && ((*p == '"' && e[-1] == '"') ||
			   (*p == '\'' && e[-1] == '\''))) {
		e[-1] = '\0';
		p++;
	}
	*val = p;
	return true;
}

static int parse_knot(struct kparse *kp, struct azc_tsig_key *k)
{
	char line[TOKEN_MAX + 64], name[TOKEN_MAX + 1] = "";
	char alg[TOKEN_MAX + 1] = "", secret[TOKEN_MAX + 1] = "";
	char shown_buf[180], *key, *val, *dst;
	bool in_key = false;
	unsigned int items = 0, line_no = 0;
	size_t n;
	int ret = -EINVAL;

	for (; *kp->p; kp->p += n + (kp->p[n] == '\n')) {
		n = strcspn(kp->p, "\n");
		kp->line++;
		if (n >= sizeof(line)) {
			kerr(kp, "line too long");
			goto out;
		}
		memcpy(line, kp->p, n);
		line[n] = '\0';
		val = line + strspn(line, " \t\r");
		if (!*val || *val == '#')
			continue;
		if (line[0] != ' ' && line[0] != '\t' && line[0] != '-') {
			in_key = !strncmp(line, "key:", 4) && !line[4 + strspn(line + 4, " \t\r")];
			if (!in_key) {
				kerr(kp, "expected 'key:' (Knot's format) or 'key \"NAME\" {' (BIND's)");
				goto out;
			}
			continue;
		}
		if (!in_key || !yaml_field(line, &key, &val)) {
			kerr(kp, "expected 'id:', 'algorithm:' or 'secret:' under 'key:'");
			goto out;
		}
		if (!strcmp(key, "id")) {
			if (items++) {
				kerr(kp, "more than one key: the relay takes one");
				goto out;
			}
			line_no = kp->line;
			dst = name;
		} else if (!strcmp(key, "algorithm")) {
			dst = alg;
		} else if (!strcmp(key, "secret")) {
			dst = secret;
		} else {
			kerr(kp, "unknown field '%s' in the key",
			     shown(key, shown_buf, sizeof(shown_buf)));
			goto out;
		}
		if (*dst) {
			kerr(kp, "'%s' given twice", key);
			goto out;
		}
		if (strlen(val) > TOKEN_MAX) {
			kerr(kp, "'%s' is too long", key);
			goto out;
		}
		strcpy(dst, val);
	}
	kp->line = line_no ? line_no : kp->line;
	ret = key_set(kp, k, name, alg, secret);
out:
	explicit_bzero(line, sizeof(line));
	explicit_bzero(secret, sizeof(secret));
	return ret;
}

int azc_tsig_key_parse(struct azc_tsig_key *k, const char *text,
		       const char *fname, char *err, size_t errlen)
{
	struct kparse kp = { .p = text, .fname = fname ? fname : "key file",
			     .line = 1, .err = err, .errlen = errlen };
	const char *p = text;

	memset(k, 0, sizeof(*k));
	/* Knot's: the first line that is no comment starts "key:" */
	for (;;) {
		p += strspn(p, " \t\r\n");
		if (*p != '#')
			break;
		p += strcspn(p, "\n");
	}
	if (!strncmp(p, "key:", 4)) {
		kp.line = 0;
		return parse_knot(&kp, k);
	}
	return parse_bind(&kp, k);
}

int azc_tsig_key_load(struct azc_tsig_key *k, const char *path, char *warn,
		      size_t warnlen, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	azc_tsig_key_wipe(k);
	if (warnlen)
		warn[0] = '\0';
	ret = azc_cfg_secret_mode(path, err, errlen);
	if (ret < 0)
		return ret;
	if (ret == 1)
		snprintf(warn, warnlen, "%s", err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	text = malloc(KEYFILE_MAX + 1);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	while (len < KEYFILE_MAX &&
	       (n = read(fd, text + len, KEYFILE_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (len == KEYFILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes: not a key file",
			 path, KEYFILE_MAX);
		ret = -EFBIG;
	} else if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "%s: not a text file", path);
		ret = -EINVAL;
	} else {
		text[len] = '\0';
		ret = azc_tsig_key_parse(k, text, path, err, errlen);
		if (!ret && warnlen && warn[0])
			ret = 1;
	}
	explicit_bzero(text, len);
	free(text);
	if (ret < 0)
		azc_tsig_key_wipe(k);
	return ret;
}

void azc_tsig_key_wipe(struct azc_tsig_key *k)
{
	explicit_bzero(k, sizeof(*k));
}
