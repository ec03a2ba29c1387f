/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Differences between the kernels azconnect supports (Debian 12's 6.1 and
 * bookworm-backports' 6.12), in one place. Features are detected by
 * kmod/Kbuild from the headers of the kernel built for (AZC_HAVE_*), not
 * from version numbers, which distributions' backports make unreliable.
 */

#ifndef _AZC_COMPAT_H
#define _AZC_COMPAT_H

#include <net/genetlink.h>

/* The attributes of a dump request, parsed by the operation's policy. */
static inline struct nlattr **azc_genl_dump_attrs(struct netlink_callback *cb)
{
#ifdef AZC_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _AZC_COMPAT_H */
