// SPDX-License-Identifier: GPL-2.0-only
/* The endpoints' pinned public keys (see keypin.h). */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/statefile.h"
#include "keypin.h"

#define KEYPIN_FILE_MAX	(AZC_KEYPIN_MAX * (AZC_NOISE_KEY_B64LEN + AZC_CFG_NAME_MAX + 2))

void azc_keypins_free(struct azc_keypins *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

const uint8_t *azc_keypins_find(const struct azc_keypins *p,
				const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, name))
			return p->v[i].key;
	return NULL;
}

/* A new pin (not saved): 0, -E2BIG beyond the limit, -ENOMEM. */
static int pin_add(struct azc_keypins *p, const char *name,
		   const uint8_t key[AZC_NOISE_KEYLEN])
{
	struct azc_keypin *v;

	if (p->n == AZC_KEYPIN_MAX)
		return -E2BIG;
	v = realloc(p->v, (p->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	p->v = v;
	snprintf(v[p->n].name, sizeof(v[p->n].name), "%s", name);
	memcpy(v[p->n].key, key, AZC_NOISE_KEYLEN);
	p->n++;
	return 0;
}

int azc_keypins_parse(struct azc_keypins *p, const char *text, size_t len,
		      char *err, size_t errlen)
{
	char b64[AZC_NOISE_KEY_B64LEN], name[AZC_CFG_NAME_MAX + 1];
	const char *line = text, *end = text + len, *nl, *sp;
	uint8_t key[AZC_NOISE_KEYLEN];
	unsigned int lineno = 0;
	size_t n;
	int ret;

	azc_keypins_free(p);
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "%s: not text", p->path);
		return -EINVAL;
	}
	for (; line < end; line = nl + 1) {
		lineno++;
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		n = (size_t)(nl - line);
		if (!n || line[0] == '#')
			continue;
		sp = memchr(line, ' ', n);
		if (!sp || (size_t)(sp - line) != AZC_NOISE_KEY_B64LEN - 1 ||
		    n - (size_t)(sp - line) - 1 == 0 ||
		    n - (size_t)(sp - line) - 1 > AZC_CFG_NAME_MAX) {
			snprintf(err, errlen, "%s: line %u: expected 'BASE64-KEY ENDPOINT-NAME'",
				 p->path, lineno);
			goto bad;
		}
		memcpy(b64, line, AZC_NOISE_KEY_B64LEN - 1);
		b64[AZC_NOISE_KEY_B64LEN - 1] = '\0';
		n -= AZC_NOISE_KEY_B64LEN;
		memcpy(name, sp + 1, n);
		name[n] = '\0';
		if (azc_noise_key_from_b64(b64, key)) {
			snprintf(err, errlen, "%s: line %u: not a public key in base64",
				 p->path, lineno);
			goto bad;
		}
		if (azc_keypins_find(p, name)) {
			snprintf(err, errlen, "%s: line %u: a second key for one endpoint",
				 p->path, lineno);
			goto bad;
		}
		ret = pin_add(p, name, key);
		if (ret) {
			snprintf(err, errlen, "%s: %s", p->path,
				 ret == -E2BIG ? "too many keys" :
				 strerror(-ret));
			azc_keypins_free(p);
			return ret;
		}
	}
	return 0;
bad:
	azc_keypins_free(p);
	return -EINVAL;
}

int azc_keypins_load(struct azc_keypins *p, const char *path, char *err,
		     size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t got;
	int fd, ret;

	snprintf(p->path, sizeof(p->path), "%s", path);
	azc_keypins_free(p);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st)) {
		ret = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > KEYPIN_FILE_MAX) {
		ret = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto fail;
	}
	while (len < (size_t)st.st_size) {
		got = read(fd, buf + len, (size_t)st.st_size - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	ret = azc_keypins_parse(p, buf, len, err, errlen);
	free(buf);
	return ret;
fail:
	if (fd >= 0)
		close(fd);
	snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	return ret;
}

/* Writes every pin to the file, if there is one: 0 or -errno. */
static int pins_save(const struct azc_keypins *p, char *err, size_t errlen)
{
	static const char head[] =
		"# azconnect-relayd: the endpoints' public keys, pinned at first sight.\n"
		"# 'azconnectctl relay reset-key NAME' removes one; do not edit while\n"
		"# the relay runs.\n";
	char b64[AZC_NOISE_KEY_B64LEN];
	size_t cap = sizeof(head) + p->n * (AZC_NOISE_KEY_B64LEN + AZC_CFG_NAME_MAX + 2);
	size_t len = sizeof(head) - 1, i;
	char *buf;
	int ret;

	if (!p->path[0])
		return 0;
	buf = malloc(cap);
	if (!buf) {
		snprintf(err, errlen, "%s: %s", p->path, strerror(ENOMEM));
		return -ENOMEM;
	}
	memcpy(buf, head, len);
	for (i = 0; i < p->n; i++) {
		azc_noise_key_to_b64(p->v[i].key, b64);
		len += (size_t)snprintf(buf + len, cap - len, "%s %s\n", b64,
					p->v[i].name);
	}
	ret = azc_state_write(p->path, buf, len, 0644, true);
	free(buf);
	if (ret)
		snprintf(err, errlen, "%s: %s", p->path, strerror(-ret));
	return ret;
}

int azc_keypins_set(struct azc_keypins *p, const char *name,
		    const uint8_t key[AZC_NOISE_KEYLEN], char *err,
		    size_t errlen)
{
	size_t i;
	int ret;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, name))
			break;
	if (i < p->n) {
		memcpy(p->v[i].key, key, AZC_NOISE_KEYLEN);
	} else {
		ret = pin_add(p, name, key);
		if (ret) {
			snprintf(err, errlen, "%s", ret == -E2BIG ?
				 "too many pinned keys" : strerror(-ret));
			return ret;
		}
	}
	return pins_save(p, err, errlen);
}

int azc_keypins_reset(struct azc_keypins *p, const char *name,
		      uint8_t old[AZC_NOISE_KEYLEN], char *err, size_t errlen)
{
	size_t i;
	int ret;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, name))
			break;
	if (i == p->n)
		return 0;
	memcpy(old, p->v[i].key, AZC_NOISE_KEYLEN);
	memmove(p->v + i, p->v + i + 1, (p->n - i - 1) * sizeof(*p->v));
	p->n--;
	ret = pins_save(p, err, errlen);
	return ret ? ret : 1;
}
