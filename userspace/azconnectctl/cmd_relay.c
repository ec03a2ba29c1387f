// SPDX-License-Identifier: GPL-2.0-only
/*
 * "relay": the relay operator's commands, over azconnect-relayd's control
 * socket (a Unix socket only root may use): its sessions by endpoint
 * name, disconnecting one, resetting the public key the relay pinned for
 * one, and the state of its name service and of the primary name server
 * it sends its names to.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

static int relay_usage(void)
{
	fprintf(stderr,
		"%s: usage: relay sessions [--control PATH]\n"
		"       %s relay disconnect NAME [--control PATH]\n"
		"       %s relay reset-key NAME [--control PATH]\n"
		"       %s relay status [--control PATH]\n"
		"(the relay's control socket, default %s)\n",
		ctl_prog, ctl_prog, ctl_prog, ctl_prog, AZC_RELAY_CONTROL);
	return 2;
}

/* Sends @line, copies the answer to stdout; 0 or 1 (said why). */
static int relay_ask(const char *path, const char *line)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	int fd, ret = 0;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "%s: relay: %s: path too long\n", ctl_prog, path);
		return 1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "%s: relay: cannot reach the relay at %s: %s%s\n",
			ctl_prog, path, strerror(errno),
			errno == EACCES ? " (only root may)" :
			errno == ENOENT || errno == ECONNREFUSED ?
			" (is azconnect-relayd running?)" : "");
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "%s: relay: %s\n", ctl_prog, strerror(errno));
		close(fd);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		if (!strncmp(buf, "error", 5))
			ret = 1;
	}
	if (n < 0) {
		fprintf(stderr, "%s: relay: %s\n", ctl_prog, strerror(errno));
		ret = 1;
	}
	close(fd);
	return ret;
}

int cmd_relay(int argc, char **argv)
{
	const char *path = AZC_RELAY_CONTROL, *name = NULL;
	char line[300];
	int i;

	if (argc < 2)
		return relay_usage();
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--control") && i + 1 < argc)
			path = argv[++i];
		else if (!name && argv[i][0] != '-')
			name = argv[i];
		else
			return relay_usage();
	}
	if (!strcmp(argv[1], "sessions") && !name)
		return relay_ask(path, "sessions\n");
	if (!strcmp(argv[1], "status") && !name)
		return relay_ask(path, "status\n");
	if ((strcmp(argv[1], "disconnect") && strcmp(argv[1], "reset-key")) ||
	    !name)
		return relay_usage();
	if (!ctl_name_ok(name)) {
		fprintf(stderr, "%s: relay: invalid endpoint name\n", ctl_prog);
		return 2;
	}
	snprintf(line, sizeof(line), "%s %s\n", argv[1], name);
	return relay_ask(path, line);
}
