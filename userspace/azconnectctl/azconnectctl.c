// SPDX-License-Identifier: GPL-2.0-only
/*
 * azconnectctl: control tool for azconnect devices.
 *
 * This is the thin user-space side of azconnect: it talks to azconnect.ko
 * over the "azconnect" generic netlink family.
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
#include <sys/stat.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/msg.h>

#include "uapi/azconnect.h"
#include "client.h"
#include "config.h"
#include "dev.h"
#include "eplink.h"
#include "iid.h"
#include "nl.h"
#include "ula.h"
#include "rtdev.h"

static const char *prog = "azconnectctl";
static bool opt_json;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  add DEV [mode MODE]      create a device (MODE: endpoint, the default,\n"
		"                           or relay)\n"
		"  del DEV                  delete a device\n"
		"  show [DEV]               list azconnect devices and their state\n"
		"  set DEV mode MODE        set a device's mode: endpoint or relay\n"
		"                           (only while the device has no links)\n"
		"  up [OPTIONS]             connect to a relay and keep the session\n"
		"                           ('up --help' for its options)\n"
		"  down NAME                end the session of endpoint NAME\n"
		"  status [NAME]            sessions started with 'up'\n"
		"\n"
		"Options:\n"
		"  -j, --json               machine-readable output (show)\n"
		"  -h, --help               this help\n"
		"  -V, --version            print the version\n"
		"\n"
		"'ip link add DEV type azconnect' also creates a device.\n",
		prog);
}

/* Explain a failed request in terms an administrator can act on. */
static void report(const char *what, int err, const struct azc_nl *nl)
{
	if (err == -EPERM) {
		fprintf(stderr,
			"%s: %s: permission denied: CAP_NET_ADMIN is required (run as root)\n",
			prog, what);
		return;
	}
	if (nl && nl->extack[0])
		fprintf(stderr, "%s: %s: %s: %s\n", prog, what, strerror(-err),
			nl->extack);
	else
		fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(-err));
}

static int open_family(struct azc_nl *nl)
{
	int ret = azc_nl_open(nl);

	if (ret == -ENOENT)
		fprintf(stderr,
			"%s: the azconnect kernel module is not loaded and could not be loaded automatically\n"
			"%s: load it with 'modprobe azconnect' (installed by 'make install' or 'make dkms-install')\n",
			prog, prog);
	else if (ret)
		report("cannot talk to the kernel over generic netlink", ret, NULL);
	return ret;
}

static int put_dev_name(struct nl_msg *msg, int attr, const char *name)
{
	if (!*name || strlen(name) >= IF_NAMESIZE) {
		fprintf(stderr, "%s: invalid device name '%s' (1 to %d characters)\n",
			prog, name, IF_NAMESIZE - 1);
		return -EINVAL;
	}
	return nla_put_string(msg, attr, name) ? -ENOMEM : 0;
}

/* Each device's links, where this user may see them (CAP_NET_ADMIN). */
static void show_links(struct azc_nl *nl, struct azc_dev_list *list)
{
	struct azc_dev_info *d;
	size_t i;

	for (i = 0; i < list->n; i++) {
		d = &list->devs[i];
		if (d->links &&
		    azc_link_dump(nl, d->ifindex, &d->link_list) == -EPERM)
			return;
	}
}

static int cmd_show(int argc, char **argv)
{
	struct azc_dev_list list = { 0 };
	const char *dev = NULL;
	struct nl_msg *msg;
	struct azc_nl nl;
	int ret, tries;

	if (argc > 1) {
		fprintf(stderr, "%s: show takes at most one device\n", prog);
		return 2;
	}
	if (argc == 1)
		dev = argv[0];

	if (open_family(&nl))
		return 1;

	/* A dump that devices changed under is repeated. */
	for (tries = 0; tries < 5; tries++) {
		azc_dev_list_free(&list);
		msg = azc_nl_msg(&nl, AZCONNECT_CMD_DEV_GET, dev ? 0 : NLM_F_DUMP);
		if (!msg) {
			ret = -ENOMEM;
			goto out;
		}
		if (dev) {
			ret = put_dev_name(msg, AZCONNECT_A_IFNAME, dev);
			if (ret) {
				nlmsg_free(msg);
				goto out;
			}
		}
		ret = azc_nl_request(&nl, msg, azc_dev_list_add, &list);
		if (ret != -EINTR)
			break;
	}
	if (ret) {
		report(dev ? dev : "show", ret, &nl);
		goto out;
	}
	show_links(&nl, &list);

	if (opt_json)
		ret = azc_dev_print_json(stdout, &list);
	else
		azc_dev_print_text(stdout, &list);
out:
	azc_dev_list_free(&list);
	azc_nl_close(&nl);
	return ret ? 1 : 0;
}

static int parse_mode(const char *name)
{
	int mode = azc_dev_mode_parse(name);

	if (mode < 0)
		fprintf(stderr, "%s: unknown mode '%s' (endpoint or relay)\n",
			prog, name);
	return mode;
}

/* RTM_NEWLINK for kind azconnect, with IFLA_AZCONNECT_MODE. */
static int cmd_add(int argc, char **argv)
{
	struct azc_nl nl;
	int mode = AZCONNECT_DEV_MODE_ENDPOINT, ret;

	if (argc != 1 && (argc != 3 || strcmp(argv[1], "mode"))) {
		fprintf(stderr, "%s: usage: add DEV [mode endpoint|relay]\n", prog);
		return 2;
	}
	if (argc == 3 && (mode = parse_mode(argv[2])) < 0)
		return 2;
	if (!*argv[0] || strlen(argv[0]) >= IF_NAMESIZE) {
		fprintf(stderr, "%s: invalid device name '%s' (1 to %d characters)\n",
			prog, argv[0], IF_NAMESIZE - 1);
		return 2;
	}

	ret = azc_nl_open_route(&nl);
	if (ret) {
		report("cannot open an rtnetlink socket", ret, NULL);
		return 1;
	}
	ret = azc_rtdev_add(&nl, argv[0], (uint32_t)mode);
	if (ret)
		report(argv[0], ret, &nl);
	azc_nl_close(&nl);
	return ret ? 1 : 0;
}

/* RTM_DELLINK, once the kernel confirmed that DEV is an azconnect device. */
static int cmd_del(int argc, char **argv)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg;
	struct azc_nl nl;
	int ret;

	if (argc != 1) {
		fprintf(stderr, "%s: usage: del DEV\n", prog);
		return 2;
	}

	if (open_family(&nl))
		return 1;
	msg = azc_nl_msg(&nl, AZCONNECT_CMD_DEV_GET, 0);
	if (!msg) {
		azc_nl_close(&nl);
		return 1;
	}
	ret = put_dev_name(msg, AZCONNECT_A_IFNAME, argv[0]);
	if (ret) {
		nlmsg_free(msg);
		azc_nl_close(&nl);
		return 2;
	}
	ret = azc_nl_request(&nl, msg, NULL, NULL);
	azc_nl_close(&nl);
	if (ret) {
		report(argv[0], ret, &nl);
		return 1;
	}

	ret = azc_nl_open_route(&nl);
	if (ret) {
		report("cannot open an rtnetlink socket", ret, NULL);
		return 1;
	}
	msg = nlmsg_alloc_simple(RTM_DELLINK, 0);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, argv[0])) {
		nlmsg_free(msg);
		azc_nl_close(&nl);
		report(argv[0], -ENOMEM, NULL);
		return 1;
	}
	ret = azc_nl_request(&nl, msg, NULL, NULL);
	if (ret)
		report(argv[0], ret, &nl);
	azc_nl_close(&nl);
	return ret ? 1 : 0;
}

static int cmd_set(int argc, char **argv)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	struct azc_nl nl;
	int mode, ret;

	if (argc != 3 || strcmp(argv[1], "mode")) {
		fprintf(stderr, "%s: usage: set DEV mode endpoint|relay\n", prog);
		return 2;
	}
	mode = parse_mode(argv[2]);
	if (mode < 0)
		return 2;

	if (open_family(&nl))
		return 1;
	msg = azc_nl_msg(&nl, AZCONNECT_CMD_DEV_SET, 0);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	ret = put_dev_name(msg, AZCONNECT_A_IFNAME, argv[0]);
	nest = nla_nest_start(msg, AZCONNECT_A_DEV);
	if (ret || !nest ||
	    nla_put_u32(msg, AZCONNECT_A_DEV_MODE, (uint32_t)mode)) {
		nlmsg_free(msg);
		ret = ret ?: -ENOMEM;
		goto out;
	}
	nla_nest_end(msg, nest);

	ret = azc_nl_request(&nl, msg, NULL, NULL);
	if (ret)
		report(argv[0], ret, &nl);
out:
	azc_nl_close(&nl);
	return ret ? 1 : 0;
}

/*
 * Sessions: "up" connects to a relay and keeps the session in a process
 * of its own (in the background unless --foreground), described by
 * RUN_DIR/NAME.state; "down" signals that process, which ends the
 * session with CALL_DISCONNECT; "status" prints the state files.
 */

#define RUN_DIR	"/run/azconnect"

#define BACKOFF_MIN_MS	1000
#define BACKOFF_MAX_MS	60000

struct up_opts {
	struct azc_client_cfg cfg;
	const char *config;
	const char *run_dir;
	bool foreground, verbose;
	/* The kernel data path: the device, the link, the last end */
	bool kernel;
	struct azc_client_opts co;
	uint32_t ifindex;
	struct azc_eplink link;
	char last_down[AZC_CLIENT_ERR_LEN];
};

static void up_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s up [OPTIONS]\n"
		"\n"
		"Connects to a relay (TLS, SSTP, PPP with MS-CHAPv2, IPV6CP) and keeps\n"
		"the session: in the background, or with --foreground until SIGTERM or\n"
		"SIGINT. 'azconnectctl down NAME' ends it with CALL_DISCONNECT.\n"
		"\n"
		"  -r, --relay HOST[:PORT]   the relay (port 443 by default)\n"
		"  -n, --name NAME           this endpoint's name\n"
		"  -t, --token TOKEN         its token\n"
		"  -p, --fingerprint SHA256:..  pin the relay's certificate\n"
		"  -a, --ca FILE             or trust these CAs (default: system store)\n"
		"  -f, --foreground          keep the session in this process\n"
		"  -D, --device NAME         the endpoint's azconnect device, created\n"
		"                            when missing (default %s)\n"
		"  -c, --config FILE         settings (default %s; keys relay,\n"
		"                            name, token, fingerprint, ca, device,\n"
		"                            echo_interval (s of silence before an\n"
		"                            SSTP echo, and between echoes; 60),\n"
		"                            echo_retries (unanswered echoes before\n"
		"                            the relay counts as dead; 5));\n"
		"                            options win\n"
		"  -d, --run-dir DIR         state files (default %s)\n"
		"  -v, --verbose             print each negotiation step\n"
		"\n"
		"With the azconnect module the connection is handed to the kernel, which\n"
		"carries IPv6 on the device; a lost link is restored with back-off\n"
		"(1 s doubling to 60 s). Without it the session carries no packets.\n",
		prog, AZC_CLIENT_DEVICE, AZC_CLIENT_CONF, RUN_DIR);
}

static int up_set(char *dst, size_t size, const char *v, const char *what)
{
	if (strlen(v) >= size) {
		fprintf(stderr, "%s: up: %s too long\n", prog, what);
		return -EINVAL;
	}
	strcpy(dst, v);
	return 0;
}

static int up_load_config(struct up_opts *o)
{
	char err[AZC_CFG_ERR_LEN];
	const char *path = o->config ? o->config : AZC_CLIENT_CONF;

	if (!o->config && access(path, F_OK))
		return 0;
	if (azc_client_cfg_load(&o->cfg, path, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return -EINVAL;
	}
	return 0;
}

static int up_parse(int argc, char **argv, struct up_opts *o)
{
	static const struct option lo[] = {
		{ "relay", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "token", required_argument, NULL, 't' },
		{ "fingerprint", required_argument, NULL, 'p' },
		{ "ca", required_argument, NULL, 'a' },
		{ "device", required_argument, NULL, 'D' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "run-dir", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct azc_client_cfg cli = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "r:n:t:p:a:D:fc:d:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (up_set(cli.relay, sizeof(cli.relay), optarg, "relay"))
				return 2;
			break;
		case 'n':
			if (up_set(cli.name, sizeof(cli.name), optarg, "name"))
				return 2;
			break;
		case 't':
			if (up_set(cli.token, sizeof(cli.token), optarg, "token"))
				return 2;
			break;
		case 'p':
			if (up_set(cli.fingerprint, sizeof(cli.fingerprint),
				   optarg, "fingerprint"))
				return 2;
			break;
		case 'a':
			if (up_set(cli.ca, sizeof(cli.ca), optarg, "ca"))
				return 2;
			break;
		case 'D':
			if (up_set(cli.device, sizeof(cli.device), optarg,
				   "device"))
				return 2;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'd':
			o->run_dir = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			up_usage(stdout);
			return 0;
		default:
			up_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: up: unexpected argument '%s'\n", prog,
			argv[optind]);
		return 2;
	}
	if (up_load_config(o))
		return 1;
	if (cli.relay[0])
		strcpy(o->cfg.relay, cli.relay);
	if (cli.name[0])
		strcpy(o->cfg.name, cli.name);
	if (cli.token[0])
		strcpy(o->cfg.token, cli.token);
	if (cli.fingerprint[0])
		strcpy(o->cfg.fingerprint, cli.fingerprint);
	if (cli.ca[0])
		strcpy(o->cfg.ca, cli.ca);
	if (cli.device[0])
		strcpy(o->cfg.device, cli.device);
	if (!o->cfg.device[0])
		strcpy(o->cfg.device, AZC_CLIENT_DEVICE);
	return -1;
}

static int up_check(const struct up_opts *o)
{
	const char *missing = !o->cfg.relay[0] ? "--relay" :
			      !o->cfg.name[0] ? "--name" :
			      !o->cfg.token[0] ? "--token" : NULL;

	if (missing) {
		fprintf(stderr, "%s: up: %s is required (or set it in %s)\n",
			prog, missing, o->config ? o->config : AZC_CLIENT_CONF);
		return -EINVAL;
	}
	if (strchr(o->cfg.name, '/') || o->cfg.name[0] == '.') {
		fprintf(stderr, "%s: up: invalid endpoint name '%s'\n", prog,
			o->cfg.name);
		return -EINVAL;
	}
	return 0;
}

static void state_path(const char *dir, const char *name, char *buf,
		       size_t size)
{
	snprintf(buf, size, "%s/%s.state", dir, name);
}

/* "key=value" lines; the session's process id first. */
static void state_print(FILE *f, const struct up_opts *o,
			const struct azc_client *c, pid_t pid)
{
	const struct azc_sess_info *i;
	char a[24], b[24];

	fprintf(f, "pid=%ld\nname=%s\nrelay=%s\n", (long)pid, o->cfg.name,
		o->cfg.relay);
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
	azc_iid_format(i->local_iid, a);
	azc_iid_format(i->peer_iid, b);
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
		i->auth == AZC_SESS_AUTH_PAP ? "PAP" :
		i->auth == AZC_SESS_AUTH_MSCHAPV2 ? "MS-CHAPv2" : "none");
	if (o->kernel)
		fprintf(f, "link_id=%u\n", o->link.link_id);
}

static int state_write(const struct up_opts *o, const struct azc_client *c,
		       pid_t pid)
{
	char path[4200], tmp[4300];
	FILE *f;

	if (mkdir(o->run_dir, 0755) && errno != EEXIST)
		goto fail;
	state_path(o->run_dir, o->cfg.name, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		goto fail;
	state_print(f, o, c, pid);
	if (fclose(f) || rename(tmp, path))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "%s: cannot write the state to %s: %s\n", prog,
		o->run_dir, strerror(errno));
	return -errno;
}

static void up_log(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s: %s\n", prog, msg);
}

static int stop_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

/* Waits @ms, or until a stop signal: true when stopped. */
static bool up_sleep(int sfd, int ms)
{
	struct pollfd p = { .fd = sfd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

/* 1 s doubling to 60 s, each wait within 20 % of it either way */
static int up_backoff(int *delay)
{
	int d = *delay, ms;

	ms = d - d / 5 + (int)((unsigned int)rand() % (unsigned int)(2 * (d / 5) + 1));
	*delay = d * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : d * 2;
	return ms;
}

/* A new connection handed to the kernel: 0, or -errno and @err. */
static int up_connect(struct up_opts *o, struct azc_client *c, char *err,
		      size_t errlen)
{
	int ret = azc_client_connect(c, &o->co, err, errlen);

	if (!ret && o->kernel)
		ret = azc_eplink_attach(&o->link, c, err, errlen);
	if (ret) {
		if (c->sess)
			azc_client_disconnect(c, err);
		azc_client_free(c);
	}
	return ret;
}

/* Until stopped: the link, and a new one whenever it goes down. */
static int up_serve_kernel(struct up_opts *o, struct azc_client *c, int sfd,
			   pid_t pid)
{
	char err[AZC_CLIENT_ERR_LEN];
	int delay = BACKOFF_MIN_MS, ms;

	for (;;) {
		if (!azc_eplink_serve(&o->link, sfd, err, sizeof(err)))
			break;
		fprintf(stderr, "%s: %s: %s\n", prog, c->host, err);
		snprintf(o->last_down, sizeof(o->last_down), "%s", err);
		azc_client_free(c);
		do {
			state_write(o, c, pid);
			ms = up_backoff(&delay);
			fprintf(stderr, "%s: reconnecting in %d.%d s\n", prog,
				ms / 1000, ms % 1000 / 100);
			if (up_sleep(sfd, ms))
				return 0;
			if (up_connect(o, c, err, sizeof(err)))
				fprintf(stderr, "%s: %s\n", prog, err);
		} while (!c->sess);
		fprintf(stderr, "%s: link to %s restored on %s\n", prog,
			c->host, o->cfg.device);
		delay = BACKOFF_MIN_MS;
		state_write(o, c, pid);
	}
	fprintf(stderr, "%s: disconnecting from %s\n", prog, c->host);
	azc_eplink_disconnect(&o->link, "azconnectctl down");
	return 0;
}

/* The session's life after CONNECTED, in this process. */
static int up_serve(struct up_opts *o, struct azc_client *c, int sfd,
		    pid_t pid)
{
	char err[AZC_CLIENT_ERR_LEN], path[4200];
	int ret;

	if (o->kernel) {
		ret = up_serve_kernel(o, c, sfd, pid);
	} else {
		ret = azc_client_serve(c, sfd, err, sizeof(err));
		if (!ret) {
			fprintf(stderr, "%s: disconnecting from %s\n", prog,
				c->host);
			azc_client_disconnect(c, "azconnectctl down");
		} else {
			fprintf(stderr, "%s: %s\n", prog, err);
		}
	}
	state_path(o->run_dir, o->cfg.name, path, sizeof(path));
	unlink(path);
	return ret ? 1 : 0;
}

static pid_t state_pid(const char *path)
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

static bool up_running(const struct up_opts *o)
{
	char path[4200];
	pid_t pid;

	state_path(o->run_dir, o->cfg.name, path, sizeof(path));
	pid = state_pid(path);
	if (pid > 0 && !kill(pid, 0)) {
		fprintf(stderr, "%s: up: endpoint '%s' already has a session (process %ld); 'azconnectctl down %s' first\n",
			prog, o->cfg.name, (long)pid, o->cfg.name);
		return true;
	}
	return false;
}

static int up_detach(struct up_opts *o, struct azc_client *c, int sfd)
{
	pid_t pid;
	int null;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
		return 1;
	}
	if (pid > 0) {
		/* The parent only reports; the child owns the session. */
		state_print(stdout, o, c, pid);
		fflush(stdout);
		_exit(state_write(o, c, pid) ? 1 : 0);
	}
	setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		close(null);
	}
	/* stderr stays: a service manager or a log file may hold it. */
	return up_serve(o, c, sfd, getpid());
}

/* The kernel data path when the module is there; false otherwise. */
static int up_kernel(struct up_opts *o)
{
	char err[AZC_RTDEV_ERR_LEN];
	int ret;

	ret = azc_eplink_device(o->cfg.device, &o->ifindex, err, sizeof(err));
	if (ret == -ENOENT) {
		fprintf(stderr, "%s: warning: no kernel data path (%s): the session will carry no packets\n",
			prog, err);
		return 0;
	}
	if (!ret)
		ret = azc_eplink_open(&o->link, o->ifindex, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: up: device %s: %s\n", prog,
			o->cfg.device, err);
		return ret;
	}
	o->kernel = true;
	o->co.handoff = true;
	return 0;
}

static int up_run(struct up_opts *o, int sfd)
{
	char err[AZC_CLIENT_ERR_LEN];
	struct azc_client c = { .fd = -1 };
	int ret;

	srand((unsigned int)(time(NULL) ^ getpid()));
	if (up_connect(o, &c, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	if (o->foreground) {
		state_print(stdout, o, &c, getpid());
		fflush(stdout);
		ret = state_write(o, &c, getpid()) ? 1 :
		      up_serve(o, &c, sfd, getpid());
	} else {
		ret = up_detach(o, &c, sfd);
	}
	azc_client_free(&c);
	return ret;
}

static int cmd_up(int argc, char **argv)
{
	struct up_opts o = { .run_dir = RUN_DIR };
	int ret, sfd;

	ret = up_parse(argc, argv, &o);
	if (ret >= 0)
		return ret;
	if (up_check(&o) || up_running(&o) || up_kernel(&o))
		return 1;
	signal(SIGPIPE, SIG_IGN);
	sfd = stop_signals();
	o.co.relay = o.cfg.relay;
	o.co.name = o.cfg.name;
	o.co.token = o.cfg.token;
	o.co.fingerprint = o.cfg.fingerprint[0] ? o.cfg.fingerprint : NULL;
	o.co.ca_file = o.cfg.ca[0] ? o.cfg.ca : NULL;
	o.co.echo_ms = o.cfg.echo_ms;
	o.co.echo_max = o.cfg.echo_retries;
	o.co.log = o.verbose ? up_log : NULL;
	ret = up_run(&o, sfd);
	azc_eplink_close(&o.link);
	close(sfd);
	return ret;
}

static int down_usage(void)
{
	fprintf(stderr, "%s: usage: down NAME [--run-dir DIR]\n", prog);
	return 2;
}

static int cmd_down(int argc, char **argv)
{
	const char *dir = RUN_DIR, *name = NULL;
	char path[4200];
	pid_t pid;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--run-dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!name && argv[i][0] != '-')
			name = argv[i];
		else
			return down_usage();
	}
	if (!name)
		return down_usage();
	state_path(dir, name, path, sizeof(path));
	pid = state_pid(path);
	if (pid <= 0 || kill(pid, SIGTERM)) {
		fprintf(stderr, "%s: down: endpoint '%s' has no session (%s)\n",
			prog, name, pid < 0 ? strerror(-pid) :
			pid == 0 ? "bad state file" : "process gone");
		if (pid > 0)
			unlink(path);
		return 1;
	}
	for (i = 0; i < 100 && !kill(pid, 0); i++)
		usleep(100000);
	if (!kill(pid, 0)) {
		fprintf(stderr, "%s: down: process %ld did not stop in 10 s\n",
			prog, (long)pid);
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
	const struct azc_link_info *l;
	struct azc_nl nl;
	uint32_t ifindex = if_nametoindex(dev);
	size_t i, d;

	if (!ifindex || azc_nl_open(&nl))
		return;
	if (!azc_link_dump(&nl, ifindex, &list)) {
		for (i = 0; i < list.n; i++) {
			l = &list.links[i];
			if (l->id != id)
				continue;
			printf("link_state=%s\nrx_packets=%llu\nrx_bytes=%llu\n"
			       "rx_errors=%llu\nrx_dropped=%llu\ntx_packets=%llu\n"
			       "tx_bytes=%llu\ntx_dropped=%llu\n",
			       azc_link_state_name(l->state),
			       (unsigned long long)l->rx_packets,
			       (unsigned long long)l->rx_bytes,
			       (unsigned long long)l->rx_errors,
			       (unsigned long long)l->rx_dropped,
			       (unsigned long long)l->tx_packets,
			       (unsigned long long)l->tx_bytes,
			       (unsigned long long)l->tx_dropped);
			for (d = 0; d < AZC_LINK_DROPS; d++)
				if (l->drops[d])
					printf("drop_%s=%llu\n",
					       azc_link_drop_name(d),
					       (unsigned long long)l->drops[d]);
			if (l->last_error)
				printf("last_error=%s\n",
				       strerror((int)l->last_error));
		}
	}
	azc_link_list_free(&list);
	azc_nl_close(&nl);
}

static void status_one(const char *path)
{
	char line[512], dev[IF_NAMESIZE] = "";
	pid_t pid = state_pid(path);
	FILE *f = fopen(path, "r");
	unsigned int id = 0;
	bool live;

	if (!f)
		return;
	live = pid > 0 && !kill(pid, 0);
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

static int cmd_status(int argc, char **argv)
{
	const char *dir = RUN_DIR, *name = NULL;
	char path[4200];
	struct dirent *de;
	DIR *d;
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--run-dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!name && argv[i][0] != '-')
			name = argv[i];
		else
			return 2;
	}
	if (name) {
		state_path(dir, name, path, sizeof(path));
		if (access(path, F_OK)) {
			fprintf(stderr, "%s: status: endpoint '%s' has no session\n",
				prog, name);
			return 1;
		}
		status_one(path);
		return 0;
	}
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 7 || strcmp(de->d_name + l - 6, ".state"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (n++)
			printf("\n");
		status_one(path);
	}
	if (d)
		closedir(d);
	if (!n)
		printf("no sessions\n");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* The session commands have their own options. */
	if (argc > 1 && !strcmp(argv[1], "up"))
		return cmd_up(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "down"))
		return cmd_down(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "status"))
		return cmd_status(argc - 1, argv + 1);

	while ((c = getopt_long(argc, argv, "jhV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt_json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", prog, AZC_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	if (argc == 0 || !strcmp(argv[0], "show"))
		return cmd_show(argc ? argc - 1 : 0, argv + 1);
	if (!strcmp(argv[0], "set"))
		return cmd_set(argc - 1, argv + 1);
	if (!strcmp(argv[0], "add"))
		return cmd_add(argc - 1, argv + 1);
	if (!strcmp(argv[0], "del"))
		return cmd_del(argc - 1, argv + 1);
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return 0;
	}

	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[0]);
	usage(stderr);
	return 2;
}
