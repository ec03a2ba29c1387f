// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run-state files: RUN_DIR/NAME.state describes the process that keeps the
 * session of endpoint NAME ("key=value" lines, the process id first).
 * "up" writes it; "down" signals the process it names, which ends the
 * session with CALL_DISCONNECT; "status" prints it with the live link.
 */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/msg.h>

#include "uapi/azconnect.h"
#include "base/util.h"
#include "kernel/dev.h"
#include "kernel/nl.h"
#include "kernel/rtdev.h"
#include "ctl.h"
#include "client.h"
#include "noise/keyrec.h"

void ctl_state_path(const char *dir, const char *name, char *buf,
		       size_t size)
{
	snprintf(buf, size, "%s/%s.state", dir, name);
}

static void lock_path(const char *dir, const char *name, char *buf,
		      size_t size)
{
	snprintf(buf, size, "%s/%s.lock", dir, name);
}

bool ctl_name_ok(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	if (!*p || *p == '.' || strlen(name) > AZC_CFG_NAME_MAX)
		return false;
	for (; *p; p++)
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

int ctl_state_lock(const char *dir, const char *name)
{
	char path[4200];
	int fd;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	lock_path(dir, name, path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	}
	return fd;
}

/*
 * Whether a process holds NAME's lock: its session is alive. The lock is
 * root's alone (a user holding it could keep "up" from starting): for
 * other users, whether the process the state file names exists.
 */
static bool state_live(const char *dir, const char *name)
{
	char path[4200];
	bool live;
	pid_t pid;
	int fd;

	lock_path(dir, name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == EACCES) {
		ctl_state_path(dir, name, path, sizeof(path));
		pid = ctl_state_pid(path);
		return pid > 0 && (!kill(pid, 0) || errno == EPERM);
	}
	if (fd < 0)
		return false;
	live = flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK;
	close(fd);
	return live;
}

bool ctl_state_live(const char *dir, const char *name)
{
	return state_live(dir, name);
}

int ctl_state_get(const char *path, const char *key, char *buf, size_t size)
{
	char line[1024];
	size_t kl = strlen(key);
	int ret = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (ret && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, kl) || line[kl] != '=')
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, size, "%s", line + kl + 1);
		ret = 0;
	}
	fclose(f);
	return ret;
}

void ctl_state_remove(const char *dir, const char *name)
{
	char path[4200];

	ctl_state_path(dir, name, path, sizeof(path));
	unlink(path);
	lock_path(dir, name, path, sizeof(path));
	unlink(path);
}

/* "key=value" lines; the session's process id first. */
void ctl_state_print(FILE *f, const struct up_opts *o,
			const struct azc_client *c, pid_t pid)
{
	const struct azc_sess_info *i;
	char a[AZC_IID_STRLEN], b[AZC_IID_STRLEN];

	fprintf(f, "pid=%ld\nname=%s\nrelay=%s\n", (long)pid, o->cfg.name,
		o->cfg.relay);
	if (o->has_key) {
		char b64[AZC_NOISE_KEY_B64LEN], fp[AZC_KEYREC_FP_LEN];

		azc_noise_key_to_b64(o->pub, b64);
		azc_keyrec_fingerprint(o->pub, fp);
		fprintf(f, "public_key=%s\nkey_fingerprint=%s\nkey_file=%s\n",
			b64, fp, o->key_path);
	}
	if (o->kernel)
		fprintf(f, "device=%s\nlink=%s\n", o->cfg.device,
			c->sess ? "up" : "down");
	if (o->last_down[0])
		fprintf(f, "last_down=%s\n", o->last_down);
	if (!c->sess) {
		fprintf(f, "state=reconnecting\n");
		return;
	}
	i = azc_sess_info(c->sess);
	azc_iid_format(i->local_iid, a, sizeof(a));
	azc_iid_format(i->peer_iid, b, sizeof(b));
	fprintf(f,
		"address=%s\nstate=%s\n"
		"tls=%s\ncipher=%s\nktls_send=%s\nktls_recv=%s\n"
		"fingerprint=%s\nverified=%s\nlocal_iid=%s\npeer_iid=%s\n"
		"mru=%u\npeer_mru=%u\nauth=%s\n",
		c->addr, azc_sess_state_name(azc_sess_state(c->sess)),
		c->tinfo.version, c->tinfo.cipher,
		c->tinfo.ktls_send ? "on" : "off",
		c->tinfo.ktls_recv ? "on" : "off",
		c->tinfo.fingerprint, c->tinfo.pinned ? "pin" : "ca",
		a, b, i->mru, i->peer_mru,
		i->auth == AZC_SESS_AUTH_MSCHAPV2 ? "MS-CHAPv2" : "none");
	if (o->kernel)
		fprintf(f, "link_id=%u\n", o->link.link_id);
	if (o->kernel && o->link.reg.msg[0])
		fprintf(f, "names=%s\n", o->link.reg.msg);
	if (o->kernel && o->link.reg.key_msg[0])
		fprintf(f, "key=%s\n", o->link.reg.key_msg);
	if (o->kernel && !IN6_IS_ADDR_UNSPECIFIED(&o->link.reg.ns)) {
		char ns[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &o->link.reg.ns, ns, sizeof(ns));
		fprintf(f, "name_server=%s\n", ns);
	}
	if (o->kernel) {
		azc_sdns_print(&((struct up_opts *)o)->dns, f);
		azc_keyd_print(&((struct up_opts *)o)->esp, f);
	}
}

int ctl_state_write(const struct up_opts *o, const struct azc_client *c,
		       pid_t pid)
{
	char path[4200], tmp[4300];
	FILE *f;

	if (mkdir(o->run_dir, 0755) && errno != EEXIST)
		goto fail;
	ctl_state_path(o->run_dir, o->cfg.name, path, sizeof(path));
	/* The session's parent and child may both write it at once. */
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f)
		goto fail;
	ctl_state_print(f, o, c, pid);
	if (fclose(f) || rename(tmp, path))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "%s: cannot write the state to %s: %s\n", ctl_prog,
		o->run_dir, strerror(errno));
	return -errno;
}

pid_t ctl_state_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = 0;

	if (!f)
		return -errno;
	if (fscanf(f, "pid=%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid > 0 ? (pid_t)pid : 0;
}

/* "[NAME] [--run-dir DIR]": 0, or -1 for anything else. */
static int args(int argc, char **argv, const char **dir, const char **name)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--run-dir") && i + 1 < argc)
			*dir = argv[++i];
		else if (!*name && argv[i][0] != '-')
			*name = argv[i];
		else
			return -1;
	}
	return 0;
}

static int down_usage(void)
{
	fprintf(stderr, "%s: usage: down NAME [--run-dir DIR]\n", ctl_prog);
	return 2;
}

int cmd_down(int argc, char **argv)
{
	const char *dir = CTL_RUN_DIR, *name = NULL;
	char path[4200];
	pid_t pid;
	int i;

	if (args(argc, argv, &dir, &name) || !name)
		return down_usage();
	if (!ctl_name_ok(name)) {
		fprintf(stderr, "%s: down: invalid endpoint name\n", ctl_prog);
		return 2;
	}
	ctl_state_path(dir, name, path, sizeof(path));
	/*
	 * Only a live session holds the lock: a pid from a stale state file
	 * may be another process's by now, and is never signalled.
	 */
	if (!state_live(dir, name)) {
		char dev[IF_NAMESIZE] = "";

		fprintf(stderr, "%s: down: endpoint '%s' has no session%s\n",
			ctl_prog, name, access(path, F_OK) ? "" :
			" (a stale state file, removed)");
		/* Its split DNS, if it died without undoing it. */
		ctl_state_get(path, "device", dev, sizeof(dev));
		azc_sdns_undo_stale(name, dev[0] ? dev : NULL);
		ctl_state_remove(dir, name);
		return 1;
	}
	pid = ctl_state_pid(path);
	if (pid <= 0 || kill(pid, SIGTERM)) {
		fprintf(stderr, "%s: down: cannot signal the session of '%s': %s\n",
			ctl_prog, name, pid < 0 ? strerror(-pid) :
			pid == 0 ? "bad state file" : strerror(errno));
		return 1;
	}
	for (i = 0; i < 100 && state_live(dir, name); i++)
		usleep(100000);
	if (state_live(dir, name)) {
		fprintf(stderr, "%s: down: process %ld did not stop in 10 s\n",
			ctl_prog, (long)pid);
		return 1;
	}
	printf("%s: session ended\n", name);
	return 0;
}

/* The addresses of @dev outside fe80::/10: the overlay address. */
static void status_addrs(const char *dev)
{
	struct ifaddrs *ifa, *i;
	char a[INET6_ADDRSTRLEN];
	const struct sockaddr_in6 *s6;

	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		s6 = (const void *)i->ifa_addr;
		if (!s6 || s6->sin6_family != AF_INET6 ||
		    strcmp(i->ifa_name, dev) ||
		    IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
			continue;
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		printf("overlay_address=%s\n", a);
	}
	freeifaddrs(ifa);
}

/* The live state of the link with id @id on @dev (link-get). */
static void status_link(const char *dev, unsigned int id)
{
	struct azc_link_list list = { 0 };
	uint32_t ifindex = if_nametoindex(dev);
	char counters[1024];
	struct azc_nl nl;
	size_t i;

	if (!ifindex || azc_nl_open(&nl))
		return;
	if (!azc_link_dump(&nl, ifindex, &list)) {
		for (i = 0; i < list.n; i++) {
			if (list.links[i].id != id)
				continue;
			azc_link_format_counters(&list.links[i], "\n",
						 counters, sizeof(counters));
			printf("link_state=%s\n%s\n",
			       azc_link_state_name(list.links[i].state),
			       counters);
		}
	}
	azc_link_list_free(&list);
	azc_nl_close(&nl);
}

static void status_one(const char *dir, const char *name)
{
	char line[512], dev[IF_NAMESIZE] = "", path[4200];
	unsigned int id = 0;
	bool live;
	FILE *f;

	ctl_state_path(dir, name, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return;
	live = state_live(dir, name);
	if (!live)
		printf("(stale: process gone)\n");
	while (fgets(line, sizeof(line), f)) {
		fputs(line, stdout);
		sscanf(line, "device=%15s", dev);
		sscanf(line, "link_id=%u", &id);
	}
	fclose(f);
	if (live && dev[0]) {
		status_addrs(dev);
		if (id)
			status_link(dev, id);
	}
}

int ctl_state_each(const char *dir,
		   int (*fn)(const char *dir, const char *name, void *ctx),
		   void *ctx)
{
	char name[256];
	struct dirent *de;
	int ret = 0;
	DIR *d = opendir(dir);

	while (!ret && d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 7 || strcmp(de->d_name + l - 6, ".state"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(l - 6), de->d_name);
		ret = fn(dir, name, ctx);
	}
	if (d)
		closedir(d);
	return ret;
}

/* "status": one session of the scan, a blank line between two. */
static int status_each(const char *dir, const char *name, void *ctx)
{
	int *n = ctx;

	if ((*n)++)
		printf("\n");
	status_one(dir, name);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	const char *dir = CTL_RUN_DIR, *name = NULL;
	char path[4200];
	int n = 0;

	if (args(argc, argv, &dir, &name)) {
		fprintf(stderr, "%s: usage: status [NAME] [--run-dir DIR]\n",
			ctl_prog);
		return 2;
	}
	if (name) {
		if (!ctl_name_ok(name)) {
			fprintf(stderr, "%s: status: invalid endpoint name\n",
				ctl_prog);
			return 2;
		}
		ctl_state_path(dir, name, path, sizeof(path));
		if (access(path, F_OK)) {
			fprintf(stderr, "%s: status: endpoint '%s' has no session\n",
				ctl_prog, name);
			return 1;
		}
		status_one(dir, name);
		return 0;
	}
	ctl_state_each(dir, status_each, &n);
	if (!n)
		printf("no sessions\n");
	return 0;
}
