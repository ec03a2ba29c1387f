// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stable interface identifiers for endpoints (see iid.h).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "iid.h"
#include "config/statefile.h"

#define IID_UL_BIT	0x02	/* RFC 4291 appendix A, first byte */

int azc_iid_derive(const uint8_t salt[AZC_IID_SALT_LEN], const char *name,
		   uint32_t counter, uint8_t iid[AZC_IID_LEN])
{
	uint8_t md[EVP_MAX_MD_SIZE], ctr[4];
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int mdlen = 0;
	int ok;

	if (!c)
		return -ENOMEM;
	ctr[0] = counter >> 24;
	ctr[1] = counter >> 16;
	ctr[2] = counter >> 8;
	ctr[3] = counter;
	ok = EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(c, salt, AZC_IID_SALT_LEN) &&
	     EVP_DigestUpdate(c, ctr, sizeof(ctr)) &&
	     EVP_DigestUpdate(c, name, strlen(name)) &&
	     EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	if (!ok || mdlen < AZC_IID_LEN)
		return -EIO;
	memcpy(iid, md, AZC_IID_LEN);
	iid[0] &= ~IID_UL_BIT;
	return 0;
}

void azc_iid_init(struct azc_iid_table *t,
		  const uint8_t salt[AZC_IID_SALT_LEN])
{
	memset(t, 0, sizeof(*t));
	memcpy(t->salt, salt, AZC_IID_SALT_LEN);
	/* The empty name is no endpoint's; zero is refused anyway. */
	if (azc_iid_derive(salt, "", 0, t->relay_iid))
		memset(t->relay_iid, 0, AZC_IID_LEN);
}

void azc_iid_free(struct azc_iid_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->e[i].name);
	free(t->e);
	t->e = NULL;
	t->n = 0;
}

static bool iid_usable(const struct azc_iid_table *t, const uint8_t *iid)
{
	static const uint8_t zero[AZC_IID_LEN];
	size_t i;

	if (!memcmp(iid, zero, AZC_IID_LEN) ||
	    !memcmp(iid, t->relay_iid, AZC_IID_LEN))
		return false;
	for (i = 0; i < t->n; i++)
		if (!memcmp(iid, t->e[i].iid, AZC_IID_LEN))
			return false;
	return true;
}

int azc_iid_assign(struct azc_iid_table *t, const char *name,
		   uint8_t iid[AZC_IID_LEN])
{
	struct azc_iid_entry *e;
	uint8_t cand[AZC_IID_LEN];
	uint32_t ctr;
	size_t i;
	int ret;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].name, name)) {
			memcpy(iid, t->e[i].iid, AZC_IID_LEN);
			return 0;
		}
	for (ctr = 0;; ctr++) {
		ret = azc_iid_derive(t->salt, name, ctr, cand);
		if (ret)
			return ret;
		if (iid_usable(t, cand))
			break;
		if (ctr == UINT32_MAX)
			return -ENOSPC;
	}
	e = realloc(t->e, (t->n + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	t->e = e;
	e = &t->e[t->n];
	e->name = strdup(name);
	if (!e->name)
		return -ENOMEM;
	memcpy(e->iid, cand, AZC_IID_LEN);
	t->n++;
	memcpy(iid, cand, AZC_IID_LEN);
	return 0;
}

static int salt_read(const char *path, uint8_t *salt)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, salt, AZC_IID_SALT_LEN);
	close(fd);
	return n == AZC_IID_SALT_LEN ? 0 : -EINVAL;
}

static int salt_create(const char *path, uint8_t *salt)
{
	if (RAND_bytes(salt, AZC_IID_SALT_LEN) != 1)
		return -EIO;
	return azc_state_write(path, salt, AZC_IID_SALT_LEN, 0600, false);
}

int azc_iid_salt_load(const char *dir, uint8_t salt[AZC_IID_SALT_LEN],
		      char *err, size_t errlen)
{
	char path[4200];
	int ret;

	ret = azc_state_path(dir, AZC_IID_SALT_FILE, path, sizeof(path), err,
			     errlen);
	if (ret)
		return ret;
	ret = salt_read(path, salt);
	if (ret == -ENOENT)
		ret = salt_create(path, salt);
	if (ret)
		snprintf(err, errlen, "%s: %s", path,
			 ret == -EINVAL ? "not a 32-byte salt" : strerror(-ret));
	return ret;
}
