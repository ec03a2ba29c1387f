// SPDX-License-Identifier: GPL-2.0-only
/*
 * The relay host's IPv6 forwarding, which the overlay needs (the relay
 * routes between its endpoints' links; the module lets nothing else
 * through, see kmod/receive.c), without costing the host its own
 * addresses: with forwarding on, an interface whose accept_ra is 1 stops
 * taking router advertisements (it is a router now) and loses its
 * RA-learned default route and SLAAC addresses; 2 keeps them. So every
 * interface at 1, and the default for new ones, goes to 2 first.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "relayd.h"

#define CONF_DIR	"/proc/sys/net/ipv6/conf"

static int sysctl_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* One digit, written alone: 6.12 reports "1\n" written as 1 byte. */
static int sysctl_write(const char *path, char v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, &v, 1);
	int ret = n == 1 ? 0 : n < 0 ? -errno : -EIO;

	if (fd >= 0)
		close(fd);
	return ret;
}

/* accept_ra 1 -> 2 on @ifname ("default" too), said in the log. */
static void keep_router_advertisements(const char *ifname)
{
	char path[300], v[16];
	int ret;

	snprintf(path, sizeof(path), CONF_DIR "/%s/accept_ra", ifname);
	if (sysctl_read(path, v, sizeof(v)) || strcmp(v, "1\n"))
		return;
	ret = sysctl_write(path, '2');
	if (ret)
		relayd_log("%s: cannot set accept_ra to 2: %s", ifname,
			   strerror(-ret));
	else
		relayd_log("%s: accept_ra 1 -> 2, so that it keeps taking router advertisements with forwarding on",
			   ifname);
}

int relayd_forwarding(const struct relayd *r, char *err, size_t errlen)
{
	struct dirent *de;
	DIR *d;
	int ret;

	d = opendir(CONF_DIR);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "all") ||
		    !strcmp(de->d_name, "lo") ||
		    !strcmp(de->d_name, r->cfg.device))
			continue;
		keep_router_advertisements(de->d_name);
	}
	if (d)
		closedir(d);
	ret = sysctl_write(CONF_DIR "/all/forwarding", '1');
	if (ret)
		snprintf(err, errlen, "cannot enable IPv6 forwarding (%s): %s",
			 CONF_DIR "/all/forwarding", strerror(-ret));
	return ret;
}
