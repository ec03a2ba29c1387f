/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Differences between the kernels azconnect supports (Debian 12's 6.1 and
 * bookworm-backports' 6.12), in one place.
 */

#ifndef _AZC_COMPAT_H
#define _AZC_COMPAT_H

#include <linux/version.h>

#endif /* _AZC_COMPAT_H */
