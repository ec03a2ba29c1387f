// SPDX-License-Identifier: GPL-2.0-only
/* Small files in a state directory (see statefile.h). */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

int azc_state_create(const char *path, const void *buf, size_t len,
		     mode_t mode)
{
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len)
		ret = -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	if (ret)
		unlink(path);
	return ret;
}
