// SPDX-License-Identifier: GPL-2.0-only
/* Small files in a state directory (see statefile.h). */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "statefile.h"

int azc_state_path(const char *dir, const char *name, char *path,
		   size_t size, char *err, size_t errlen)
{
	int ret;

	if (mkdir(dir, 0700) && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(-ret));
		return ret;
	}
	if ((size_t)snprintf(path, size, "%s/%s", dir, name) >= size) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The directory of @path synced, so that its new entry survives a crash. */
static void sync_dir(const char *path)
{
	char copy[PATH_MAX];
	int dfd;

	snprintf(copy, sizeof(copy), "%s", path);
	dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
}

int azc_state_write(const char *path, const void *buf, size_t len,
		    mode_t mode, bool replace)
{
	char tmp[PATH_MAX];
	int fd, ret;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	ret = fchmod(fd, mode) ? -errno : write_all(fd, buf, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	/* Into place whole: rename replaces, link never does. */
	if (!ret && (replace ? rename(tmp, path) : link(tmp, path)))
		ret = -errno;
	if (ret || !replace)
		unlink(tmp);
	if (!ret)
		sync_dir(path);
	return ret;
}
