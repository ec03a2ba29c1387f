// SPDX-License-Identifier: GPL-2.0-only
/* The deployment's unique local prefix (see ula.h). */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include <openssl/rand.h>

#include "config/statefile.h"
#include "ula.h"

int azc_ula_generate(struct in6_addr *p48)
{
	memset(p48, 0, sizeof(*p48));
	/* RFC 4193 3.2: fd00::/8 (L = 1), then 40 random bits */
	if (RAND_bytes(p48->s6_addr + 1, 5) != 1)
		return -EIO;
	p48->s6_addr[0] = 0xfd;
	return 0;
}

/* True when the bits of @a past @plen are all 0 */
static bool azc_prefix_clean(const struct in6_addr *a, unsigned int plen)
{
	unsigned int i;

	for (i = plen / 8; i < 16; i++)
		if (a->s6_addr[i])
			return false;
	return true;
}

int azc_prefix_parse(const char *s, struct in6_addr *prefix,
		     unsigned int *plen)
{
	char buf[AZC_ULA_STRLEN], *slash, *end;
	unsigned long n;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	n = strtoul(slash + 1, &end, 10);
	if (*end || (n != 48 && n != 64) ||
	    inet_pton(AF_INET6, buf, prefix) != 1 ||
	    !azc_prefix_clean(prefix, (unsigned int)n))
		return -EINVAL;
	*plen = (unsigned int)n;
	return 0;
}

void azc_prefix_format(const struct in6_addr *prefix, unsigned int plen,
		       char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, prefix, a, sizeof(a));
	snprintf(buf, size, "%s/%u", a, plen);
}

static int azc_ula_read(const char *path, struct in6_addr *p48)
{
	char buf[AZC_ULA_STRLEN + 1];
	unsigned int plen;
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return -errno;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	if (!ok)
		return -EINVAL;
	buf[strcspn(buf, " \t\r\n")] = '\0';
	if (azc_prefix_parse(buf, p48, &plen) || plen != 48)
		return -EINVAL;
	return 0;
}

static int azc_ula_create(const char *path, struct in6_addr *p48)
{
	char buf[AZC_ULA_STRLEN];

	if (azc_ula_generate(p48))
		return -EIO;
	azc_prefix_format(p48, 48, buf, sizeof(buf));
	strcat(buf, "\n");
	return azc_state_write(path, buf, strlen(buf), 0644, false);
}

int azc_ula_load(const char *dir, struct in6_addr *p48, char *err,
		 size_t errlen)
{
	char path[4200];
	int ret;

	ret = azc_state_path(dir, AZC_ULA_FILE, path, sizeof(path), err,
			     errlen);
	if (ret)
		return ret;
	ret = azc_ula_read(path, p48);
	if (ret == -ENOENT)
		ret = azc_ula_create(path, p48);
	if (ret)
		snprintf(err, errlen, "%s: %s", path, ret == -EINVAL ?
			 "not an IPv6 /48 prefix (\"fdXX:XXXX:XXXX::/48\")" :
			 strerror(-ret));
	return ret;
}

void azc_ula_subnet(const struct in6_addr *p48, uint16_t subnet_id,
		    struct in6_addr *p64)
{
	memset(p64, 0, sizeof(*p64));
	memcpy(p64->s6_addr, p48->s6_addr, 6);
	p64->s6_addr[6] = subnet_id >> 8;
	p64->s6_addr[7] = subnet_id & 0xff;
}

