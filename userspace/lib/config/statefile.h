/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small files kept in a daemon's state directory (the relay's IID salt,
 * its ULA prefix): made once, on first start, and read ever after.
 */

#ifndef AZC_STATEFILE_H
#define AZC_STATEFILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * The path of @name in @dir, made (mode 0700) when missing. 0, or -errno
 * with "DIR: why" in @err.
 */
int azc_state_path(const char *dir, const char *name, char *path,
		   size_t size, char *err, size_t errlen);

/*
 * Creates @path with @mode and the @len bytes of @buf; never replaces a
 * file, and removes what it wrote on failure. 0 or -errno (-EEXIST when
 * the file exists).
 */
int azc_state_create(const char *path, const void *buf, size_t len,
		     mode_t mode);

#endif /* AZC_STATEFILE_H */
