// SPDX-License-Identifier: GPL-2.0-only
/*
 * The relay's control socket, for its operator ("azconnectctl relay"): a
 * Unix stream socket, mode 0600 in a 0700 directory, that takes one
 * command line per connection and answers with lines, then closes:
 *   sessions             a line per session, "name=... state=..."
 *   disconnect NAME      ends NAME's sessions at once: "disconnected N"
 *   reset-key NAME       forgets the public key pinned for NAME at first
 *                        sight and withdraws its key record: the next
 *                        key it publishes is pinned (dns_reset_key)
 *   status               the name service and its primary (dns_update):
 *                        "names=on records=N serial=N messages=N changes=N"
 *                        and "primary=SERVER key=NAME state=ok|waiting|
 *                        refused|unreachable queued=N sent=N ... [last_error
 *                        ="..."]", or "primary=none"
 * Only root, or the relay's own user, may connect (the file's mode, and
 * SO_PEERCRED checked too). A client has one second to send its line: an
 * operator's tool does, and nothing else may hold the loop.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "relayd.h"
#include "names.h"

#define CONTROL_LINE_MAX	512

const char *relayd_control_path(const struct relayd *r)
{
	return r->cfg.control[0] ? r->cfg.control : AZC_RELAY_CONTROL;
}

int control_open(struct relayd *r)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &r->ctlfd };
	const char *path = relayd_control_path(r);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		relayd_log("control socket %s: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	strcpy(dir, path);
	if (mkdir(dirname(dir), 0700) && errno != EEXIST) {
		relayd_log("control socket %s: %s", path, strerror(errno));
		return -errno;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Another relay's, alive: left to it. A former relay's goes. */
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		relayd_log("control socket %s: another relay answers there; this one has none (set control = PATH)",
			   path);
		close(fd);
		return -EADDRINUSE;
	}
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	old = umask(077);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8) ||
	    epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		umask(old);
		relayd_log("control socket %s: %s", path, strerror(errno));
		close(fd);
		return -errno;
	}
	umask(old);
	r->ctlfd = fd;
	relayd_log("control socket %s", path);
	return 0;
}

void control_close(struct relayd *r)
{
	if (r->ctlfd < 0)
		return;
	close(r->ctlfd);
	unlink(relayd_control_path(r));
	r->ctlfd = -1;
}

/* The peer is root or the relay's own user. */
static bool control_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) &&
	       (cred.uid == 0 || cred.uid == geteuid());
}

static void control_command(struct relayd *r, FILE *out, char *line)
{
	unsigned int n;

	line[strcspn(line, "\r\n")] = '\0';
	if (!strcmp(line, "sessions")) {
		conn_list(r, out);
		kern_list(r, out);
		return;
	}
	if (!strncmp(line, "disconnect ", 11) && line[11]) {
		n = conn_revoke(r, line + 11, "disconnected by the relay's operator");
		n += kern_disconnect(r, line + 11,
				     "disconnected by the relay's operator");
		fprintf(out, "disconnected %u\n", n);
		return;
	}
	if (!strncmp(line, "reset-key ", 10) && line[10]) {
		dns_reset_key(r, line + 10, out);
		return;
	}
	if (!strcmp(line, "status")) {
		if (r->dns.names)
			fprintf(out, "names=on records=%zu serial=%u messages=%llu changes=%llu\n",
				azc_names_count(r->dns.names),
				azc_names_serial(r->dns.names),
				(unsigned long long)r->dns.messages,
				(unsigned long long)r->dns.changes);
		else
			fprintf(out, "names=off\n");
		primary_status(r, out);
		return;
	}
	fprintf(out, "error: unknown command (sessions, disconnect NAME, reset-key NAME, status)\n");
}

void control_event(struct relayd *r)
{
	struct timeval tv = { .tv_sec = 1 };
	char line[CONTROL_LINE_MAX];
	ssize_t n;
	FILE *out;
	int fd;

	fd = accept4(r->ctlfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!control_allowed(fd)) {
		close(fd);
		return;
	}
	n = recv(fd, line, sizeof(line) - 1, 0);
	if (n <= 0) {
		close(fd);
		return;
	}
	line[n] = '\0';
	out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		return;
	}
	control_command(r, out, line);
	fclose(out);
}
