// SPDX-License-Identifier: GPL-2.0-only
/* Static keys in base64 and in their file (see noise.h). */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "config/config.h"
#include "config/statefile.h"
#include "noise.h"

void azc_noise_key_to_b64(const uint8_t key[AZC_NOISE_KEYLEN],
			  char b64[AZC_NOISE_KEY_B64LEN])
{
	EVP_EncodeBlock((unsigned char *)b64, key, AZC_NOISE_KEYLEN);
}

int azc_noise_key_from_b64(const char *s, uint8_t key[AZC_NOISE_KEYLEN])
{
	char in[AZC_NOISE_KEY_B64LEN], again[AZC_NOISE_KEY_B64LEN];
	uint8_t raw[AZC_NOISE_KEYLEN + 3];
	size_t len;
	int n, ret = -EINVAL;

	if (!s || !key)
		return -EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (len != AZC_NOISE_KEY_B64LEN - 1)
		return -EINVAL;
	memcpy(in, s, len);
	in[len] = 0;
	/* 32 bytes and the zero that the padding stands for */
	n = EVP_DecodeBlock(raw, (const unsigned char *)in, (int)len);
	if (n == AZC_NOISE_KEYLEN + 1 && in[len - 1] == '=' &&
	    in[len - 2] != '=') {
		/* One spelling only: what encoding the bytes gives back */
		azc_noise_key_to_b64(raw, again);
		if (!strcmp(again, in)) {
			memcpy(key, raw, AZC_NOISE_KEYLEN);
			ret = 0;
		}
		OPENSSL_cleanse(again, sizeof(again));
	}
	OPENSSL_cleanse(in, sizeof(in));
	OPENSSL_cleanse(raw, sizeof(raw));
	return ret;
}

int azc_noise_key_save(const char *path, const uint8_t priv[AZC_NOISE_KEYLEN],
		       bool replace, char *err, size_t errlen)
{
	char line[AZC_NOISE_KEY_B64LEN + 1];
	int ret;

	if (!path || !priv)
		return -EINVAL;
	azc_noise_key_to_b64(priv, line);
	line[AZC_NOISE_KEY_B64LEN - 1] = '\n';
	ret = azc_state_write(path, line, AZC_NOISE_KEY_B64LEN, 0600, replace);
	OPENSSL_cleanse(line, sizeof(line));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	return ret;
}

int azc_noise_key_load(const char *path, uint8_t priv[AZC_NOISE_KEYLEN],
		       char *err, size_t errlen)
{
	char buf[128];
	struct stat st;
	ssize_t n;
	int fd, ret;

	if (!path || !priv)
		return -EINVAL;
	ret = azc_cfg_secret_mode(path, err, errlen);
	if (ret < 0)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	/* Again on what was opened; its group may not read it either */
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	} else if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		snprintf(err, errlen, "%s: not a regular file", path);
	} else if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		ret = -EPERM;
		snprintf(err, errlen,
			 "%s holds a private key that its owner alone may read (mode %04o): chmod 600 %s",
			 path, (unsigned int)(st.st_mode & 07777), path);
	} else {
		do
			n = read(fd, buf, sizeof(buf) - 1);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		} else {
			buf[n] = 0;
			ret = azc_noise_key_from_b64(buf, priv);
			if (ret)
				snprintf(err, errlen,
					 "%s: not an X25519 private key in base64 (one line of 44 characters)",
					 path);
		}
	}
	close(fd);
	OPENSSL_cleanse(buf, sizeof(buf));
	return ret;
}
