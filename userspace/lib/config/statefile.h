/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small files kept in a daemon's state directory (the relay's IID salt,
 * its ULA prefix, its self-signed certificate and key): made on first
 * start and read ever after, written so that a crash never leaves a part.
 */

#ifndef AZC_STATEFILE_H
#define AZC_STATEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The path of @name in @dir, made (mode 0700) when missing. 0, or -errno
 * with "DIR: why" in @err.
 */
int azc_state_path(const char *dir, const char *name, char *path,
		   size_t size, char *err, size_t errlen);

/*
 * Writes the @len bytes of @buf to @path with @mode, atomically: through a
 * temporary file in the same directory, synced, then moved into place and
 * the directory synced, so that a crash leaves the old file or the new one
 * whole, never an empty or a partial one. With @replace false an existing
 * file stays: -EEXIST. 0 or -errno.
 */
int azc_state_write(const char *path, const void *buf, size_t len,
		    mode_t mode, bool replace);

#endif /* AZC_STATEFILE_H */
