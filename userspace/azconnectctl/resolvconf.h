/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /etc/resolv.conf for split DNS without systemd-resolved: pure text
 * logic, no files (splitdns.c reads and writes them).
 *
 * While a session runs, resolv.conf names only the session's forwarder
 * (dnsfwd.c, AZC_RC_STUB) and keeps the original's search, domain,
 * options and sortlist lines; the original itself is carried inside, one
 * "#azc-orig " comment per line (or "#azc-orig-link TARGET" for a
 * symbolic link), so that it is put back byte for byte by "down", by the
 * next "up" after a crash, or after a reboot, with no state kept
 * elsewhere. "#azc-owner PID NAME" says whose it is.
 */

#ifndef AZC_RESOLVCONF_H
#define AZC_RESOLVCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define AZC_RC_PATH		"/etc/resolv.conf"
#define AZC_RC_MAX		(64 * 1024)	/* larger: left alone */
#define AZC_RC_MAXNS		3		/* glibc's MAXNS */
#define AZC_RC_STUB		"127.0.0.153"	/* the forwarder */

/*
 * The name servers of @text (@len bytes), in order, at most @max, as
 * glibc reads them (port 53; IPv6 with %scope); the forwarder's own
 * address is skipped. How many.
 */
int azc_rc_servers(const char *text, size_t len,
		   struct sockaddr_storage *out, int max);

/* Whether @text is one written by azc_rc_build(): its owner's pid and name. */
bool azc_rc_owner(const char *text, size_t len, long *pid, char *name,
		  size_t namesize);

/*
 * The managed file for endpoint @name (process @pid), from the original
 * @orig (@orig_len bytes; @link: the symbolic link's target, or NULL)
 * with @zones (for the comment). Its length, or -EINVAL (@orig has a NUL
 * byte), -ENOSPC.
 */
int azc_rc_build(char *out, size_t outsize, const char *orig,
		 size_t orig_len, const char *link, const char *name,
		 long pid, const char *zones);

/*
 * The original in a managed @text: its bytes in @out (*@olen), or the
 * link's target in @link (*@olen 0, @link non-empty). 0, -ENOENT (not a
 * managed file), -EINVAL (damaged), -ENOSPC.
 */
int azc_rc_original(const char *text, size_t len, char *out, size_t outsize,
		    size_t *olen, char *link, size_t linksize);

#endif /* AZC_RESOLVCONF_H */
