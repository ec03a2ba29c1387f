// SPDX-License-Identifier: GPL-2.0-only
/*
 * "up": connect to a relay (client.c), hand the connection to the kernel
 * (eplink.c) and keep the session, in the background or the foreground,
 * restoring a lost link with back-off; its run-state file is written by
 * runstate.c.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
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

#include <openssl/crypto.h>

#include "uapi/azconnect.h"
#include "base/util.h"
#include "kernel/dev.h"
#include "kernel/nl.h"
#include "kernel/rtdev.h"
#include "ctl.h"
#include "client.h"
#include "eplink.h"
#include "noise/noise.h"

#define BACKOFF_MIN_MS	1000
#define BACKOFF_MAX_MS	60000

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
		"  -T, --token-file FILE     its token, read from FILE (mode 0600)\n"
		"  -t, --token TOKEN         its token, on the command line: any user\n"
		"                            can read it there (ps); prefer the above\n"
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
		"                            the relay counts as dead; 5), zone\n"
		"                            (the name service's: azconnect.internal));\n"
		"                            options win\n"
		"  -d, --run-dir DIR         state files (default %s)\n"
		"  -K, --key-file FILE       the endpoint's X25519 private key, made\n"
		"                            at the first start (mode 0600; refused\n"
		"                            when others may read it; default\n"
		"                            " AZC_CLIENT_KEY_DIR "/NAME.key; config\n"
		"                            key key_file)\n"
		"      --dns MODE            split DNS: auto (the default), resolved,\n"
		"                            resolv.conf or off (config key dns)\n"
		"      --esp MODE            ESP between endpoints: required (the\n"
		"                            default: keyed end to end, the relay\n"
		"                            reads none of it) or off (clear text,\n"
		"                            for peers that cannot do ESP, such as\n"
		"                            SSTP clients of other makers; config\n"
		"                            key esp)\n"
		"      --esp-rekey SECONDS   new ESP keys this often (default %d;\n"
		"                            config key esp_rekey)\n"
		"  -v, --verbose             print each negotiation step\n"
		"\n"
		"With the azconnect module the connection is handed to the kernel, which\n"
		"carries IPv6 on the device; a lost link is restored with back-off\n"
		"(1 s doubling to 60 s). Each link registers NAME.ZONE (AAAA, PTR)\n"
		"with the relay's name service, for the overlay address only, and\n"
		"publishes the endpoint's public key there (TXT at the reverse name);\n"
		"names in the overlay's zones go to that service: through\n"
		"systemd-resolved where it runs, or through a forwarder named in\n"
		"/etc/resolv.conf, which is put back at the end. Without the module\n"
		"the session carries no packets.\n",
		ctl_prog, AZC_CLIENT_DEVICE, AZC_CLIENT_CONF, CTL_RUN_DIR,
		AZC_KEYD_REKEY_DEFAULT);
}

static int up_set(char *dst, size_t size, const char *v, const char *what)
{
	if (strlen(v) >= size) {
		fprintf(stderr, "%s: up: %s too long\n", ctl_prog, what);
		return -EINVAL;
	}
	strcpy(dst, v);
	return 0;
}

/* The token alone in @path, trailing newline aside; 0600 or refused. */
static int up_token_file(char *dst, size_t size, const char *path)
{
	char err[AZC_CFG_ERR_LEN];
	size_t n = 0;
	FILE *f;
	int ret;

	ret = azc_cfg_secret_mode(path, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "%s: up: --token-file %s\n", ctl_prog, err);
		return ret;
	}
	if (ret)
		fprintf(stderr, "%s: %s\n", ctl_prog, err);
	f = fopen(path, "r");
	if (f) {
		n = fread(dst, 1, size, f);
		fclose(f);
	}
	while (n && (dst[n - 1] == '\n' || dst[n - 1] == '\r'))
		n--;
	if (!f || !n || n >= size || memchr(dst, '\0', n)) {
		fprintf(stderr, "%s: up: --token-file %s: %s\n", ctl_prog, path,
			!f ? strerror(errno) : !n ? "empty" :
			n >= size ? "too long" : "not text");
		OPENSSL_cleanse(dst, size);
		return -EINVAL;
	}
	dst[n] = '\0';
	return 0;
}

static int up_load_config(struct up_opts *o)
{
	char err[AZC_CFG_ERR_LEN];
	const char *path = o->config ? o->config : AZC_CLIENT_CONF;

	if (!o->config && access(path, F_OK))
		return 0;
	if (azc_client_cfg_load(&o->cfg, path, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", ctl_prog, err);
		return -EINVAL;
	}
	if (o->cfg.warning[0])
		fprintf(stderr, "%s: %s\n", ctl_prog, o->cfg.warning);
	return 0;
}

static int up_parse(int argc, char **argv, struct up_opts *o)
{
	static const struct option lo[] = {
		{ "relay", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "token", required_argument, NULL, 't' },
		{ "token-file", required_argument, NULL, 'T' },
		{ "fingerprint", required_argument, NULL, 'p' },
		{ "ca", required_argument, NULL, 'a' },
		{ "device", required_argument, NULL, 'D' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "run-dir", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "dns", required_argument, NULL, 'N' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "esp", required_argument, NULL, 'E' },
		{ "esp-rekey", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct azc_client_cfg cli = { 0 };
	const char *dns = NULL, *esp = NULL, *rekey = NULL;
	char *end;
	unsigned long r;
	int c;

	while ((c = getopt_long(argc, argv, "r:n:t:T:p:a:D:fc:d:K:vh", lo,
				NULL)) != -1) {
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
			/* Out of /proc/PID/cmdline from now on, at least. */
			memset(optarg, 'x', strlen(optarg));
			fprintf(stderr, "%s: warning: --token puts the token where every user of this machine can read it (ps, /proc/PID/cmdline); use --token-file or the config file\n",
				ctl_prog);
			break;
		case 'T':
			if (up_token_file(cli.token, sizeof(cli.token), optarg))
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
		case 'N':
			dns = optarg;
			break;
		case 'E':
			esp = optarg;
			break;
		case 'R':
			rekey = optarg;
			break;
		case 'K':
			if (up_set(cli.key_file, sizeof(cli.key_file), optarg,
				   "key file"))
				return 2;
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
		fprintf(stderr, "%s: up: unexpected argument '%s'\n", ctl_prog,
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
	if (cli.key_file[0])
		strcpy(o->cfg.key_file, cli.key_file);
	if (!o->cfg.device[0])
		strcpy(o->cfg.device, AZC_CLIENT_DEVICE);
	if (!dns)
		dns = o->cfg.dns[0] ? o->cfg.dns : "auto";
	if (azc_dns_mode_parse(dns, &o->dns_want)) {
		fprintf(stderr, "%s: up: --dns: '%s' is not auto, resolved, resolv.conf or off\n",
			ctl_prog, dns);
		return 2;
	}
	if (!esp)
		esp = o->cfg.esp[0] ? o->cfg.esp : "required";
	if (strcmp(esp, "required") && strcmp(esp, "off")) {
		fprintf(stderr, "%s: up: --esp: '%s' is not required or off\n",
			ctl_prog, esp);
		return 2;
	}
	o->esp.on = !strcmp(esp, "required");
	o->esp.rekey = o->cfg.esp_rekey ?: AZC_KEYD_REKEY_DEFAULT;
	if (rekey) {
		errno = 0;
		r = strtoul(rekey, &end, 10);
		if (errno || *end || end == rekey || r < AZC_KEYD_REKEY_MIN ||
		    r > AZC_KEYD_REKEY_MAX) {
			fprintf(stderr, "%s: up: --esp-rekey: '%s' is not a number of seconds from %d to %d\n",
				ctl_prog, rekey, AZC_KEYD_REKEY_MIN,
				AZC_KEYD_REKEY_MAX);
			return 2;
		}
		o->esp.rekey = (unsigned int)r;
	}
	return -1;
}

static int up_check(const struct up_opts *o)
{
	const char *missing = !o->cfg.relay[0] ? "--relay" :
			      !o->cfg.name[0] ? "--name" :
			      !o->cfg.token[0] ? "--token" : NULL;

	if (missing) {
		fprintf(stderr, "%s: up: %s is required (or set it in %s)\n",
			ctl_prog, missing, o->config ? o->config : AZC_CLIENT_CONF);
		return -EINVAL;
	}
	if (!ctl_name_ok(o->cfg.name)) {
		fprintf(stderr, "%s: up: invalid endpoint name '%s'\n", ctl_prog,
			o->cfg.name);
		return -EINVAL;
	}
	return 0;
}

/*
 * The endpoint's key pair (issue 11): its private key read from its file,
 * or made and saved there (0600, in a 0700 directory made when missing)
 * at the first start; only the public key is kept. A file that others
 * may read is refused. 0 or -errno, said.
 */
static int up_key(struct up_opts *o)
{
	char err[AZC_CFG_PATH_MAX + 400], b64[AZC_NOISE_KEY_B64LEN], *dir;
	uint8_t priv[AZC_NOISE_KEYLEN];
	int ret;

	if (o->cfg.key_file[0])
		snprintf(o->key_path, sizeof(o->key_path), "%s",
			 o->cfg.key_file);
	else
		snprintf(o->key_path, sizeof(o->key_path), "%s/%s.key",
			 AZC_CLIENT_KEY_DIR, o->cfg.name);
	ret = azc_noise_key_load(o->key_path, priv, err, sizeof(err));
	if (ret == -ENOENT) {
		/* its directory, private, when it is not there yet */
		dir = strdup(o->key_path);
		if (dir && mkdir(dirname(dir), 0700) && errno != EEXIST) {
			ret = -errno;
			fprintf(stderr, "%s: up: the endpoint's key: %s: %s\n",
				ctl_prog, dir, strerror(-ret));
			free(dir);
			return ret;
		}
		free(dir);
		ret = azc_noise_keygen(priv, o->pub);
		if (!ret)
			ret = azc_noise_key_save(o->key_path, priv, false, err,
						 sizeof(err));
		else
			snprintf(err, sizeof(err), "cannot make a key pair: %s",
				 strerror(-ret));
		if (!ret) {
			azc_noise_key_to_b64(o->pub, b64);
			fprintf(stderr, "%s: a new key pair for endpoint %s: private key in %s, public key %s\n",
				ctl_prog, o->cfg.name, o->key_path, b64);
		}
	} else if (!ret) {
		ret = azc_noise_pubkey(priv, o->pub);
		if (ret)
			snprintf(err, sizeof(err), "%s: %s", o->key_path,
				 strerror(-ret));
	}
	if (!ret)
		memcpy(o->priv, priv, sizeof(priv));
	OPENSSL_cleanse(priv, sizeof(priv));
	if (ret) {
		fprintf(stderr, "%s: up: the endpoint's key: %s\n", ctl_prog,
			err);
		return ret;
	}
	o->has_key = true;
	return 0;
}

static void up_log(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s: %s\n", ctl_prog, msg);
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

/*
 * The device may have gone while the link was down (deleted, or the
 * module unloaded and loaded again): it is made again and the owner
 * socket reopened, the family's numbers being new. Not while the module
 * is missing: no point in a session that could carry nothing.
 */
/* The name registration moved on: status shows it. */
static void up_names_changed(void *ctx)
{
	struct up_opts *o = ctx;
	const struct azc_reg *g = &o->link.reg;

	/* The overlay address is there: so is the name service. */
	if (g->state != AZC_REG_OFF && g->state != AZC_REG_WAIT_ADDR &&
	    !IN6_IS_ADDR_UNSPECIFIED(&g->ns)) {
		azc_sdns_set(&o->dns, o->link.ifindex, &g->ns);
		azc_keyd_set(&o->esp, o->link.ifindex, &g->addr, &g->ns);
	}
	ctl_state_write(o, o->cur, o->pid);
}

/* The keying's counters moved: status shows them. */
static void up_esp_news(void *ctx)
{
	struct up_opts *o = ctx;
	uint64_t v;

	(void)!read(o->esp.news, &v, sizeof(v));
	ctl_state_write(o, o->cur, o->pid);
}

/* What the session hears from the link: registrations, the keying. */
static void up_link_hooks(struct up_opts *o)
{
	o->link.reg_changed = up_names_changed;
	o->link.reg_ctx = o;
	o->link.key = o->has_key ? o->pub : NULL;
	o->link.aux_fd = o->esp.news;
	o->link.aux = up_esp_news;
}

static bool up_live(const char *name, void *ctx)
{
	const struct up_opts *o = ctx;

	return ctl_state_live(o->run_dir, name);
}

static const char *up_zone(const struct up_opts *o)
{
	return o->cfg.zone[0] ? o->cfg.zone : NULL;
}

static int up_device(struct up_opts *o, char *err, size_t errlen)
{
	char name[IF_NAMESIZE];
	uint32_t ifindex;
	int ret;

	if (if_indextoname(o->ifindex, name) && !strcmp(name, o->cfg.device))
		return 0;
	if (!azc_module_live()) {
		snprintf(err, errlen, "device %s is gone and the azconnect module is not loaded",
			 o->cfg.device);
		return -ENODEV;
	}
	ret = azc_eplink_device(o->cfg.device, &ifindex, err, errlen);
	if (ret)
		return ret;
	azc_eplink_close(&o->link);
	ret = azc_eplink_open(&o->link, ifindex, o->cfg.name, up_zone(o), err,
			      errlen);
	if (ret)
		return ret;
	up_link_hooks(o);
	o->ifindex = ifindex;
	fprintf(stderr, "%s: device %s made again (index %u)\n", ctl_prog,
		o->cfg.device, ifindex);
	return 0;
}

/* A new connection handed to the kernel: 0, or -errno and @err. */
static int up_connect(struct up_opts *o, struct azc_client *c, char *err,
		      size_t errlen)
{
	int ret = o->kernel ? up_device(o, err, errlen) : 0;

	if (ret)
		return ret;
	ret = azc_client_connect(c, &o->co, err, errlen);

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

	o->cur = c;
	o->pid = pid;

	for (;;) {
		if (!azc_eplink_serve(&o->link, sfd, err, sizeof(err)))
			break;
		fprintf(stderr, "%s: %s: %s\n", ctl_prog, c->host, err);
		snprintf(o->last_down, sizeof(o->last_down), "%s", err);
		azc_client_free(c);
		do {
			ctl_state_write(o, c, pid);
			ms = up_backoff(&delay);
			fprintf(stderr, "%s: reconnecting in %d.%d s\n", ctl_prog,
				ms / 1000, ms % 1000 / 100);
			if (up_sleep(sfd, ms))
				return 0;
			if (up_connect(o, c, err, sizeof(err)) == -EINTR)
				return 0;
			if (!c->sess)
				fprintf(stderr, "%s: %s\n", ctl_prog, err);
		} while (!c->sess);
		fprintf(stderr, "%s: link to %s restored on %s\n", ctl_prog,
			c->host, o->cfg.device);
		delay = BACKOFF_MIN_MS;
		ctl_state_write(o, c, pid);
	}
	fprintf(stderr, "%s: disconnecting from %s\n", ctl_prog, c->host);
	azc_eplink_disconnect(&o->link, "azconnectctl down");
	return 0;
}

/* The session's life after CONNECTED, in this process. */
static int up_serve(struct up_opts *o, struct azc_client *c, int sfd,
		    pid_t pid)
{
	char err[AZC_CLIENT_ERR_LEN];
	int ret;

	if (o->kernel) {
		azc_sdns_start(&o->dns, o->dns_want, o->cfg.name, up_zone(o),
			       up_live, o);
		azc_keyd_start(&o->esp, o->priv);
		OPENSSL_cleanse(o->priv, sizeof(o->priv));
		up_link_hooks(o);
		o->cur = c;
		o->pid = pid;
		up_names_changed(o);
		ret = up_serve_kernel(o, c, sfd, pid);
		azc_keyd_stop(&o->esp);
		azc_sdns_stop(&o->dns);
	} else {
		ret = azc_client_serve(c, sfd, err, sizeof(err));
		if (!ret) {
			fprintf(stderr, "%s: disconnecting from %s\n", ctl_prog,
				c->host);
			azc_client_disconnect(c, "azconnectctl down");
		} else {
			fprintf(stderr, "%s: %s\n", ctl_prog, err);
		}
	}
	ctl_state_remove(o->run_dir, o->cfg.name);
	return ret ? 1 : 0;
}

/* The session's lock, held for its life: a second "up" is refused. */
static int up_lock(struct up_opts *o)
{
	o->lock_fd = ctl_state_lock(o->run_dir, o->cfg.name);
	if (o->lock_fd == -EBUSY)
		fprintf(stderr, "%s: up: endpoint '%s' already has a session; 'azconnectctl down %s' first\n",
			ctl_prog, o->cfg.name, o->cfg.name);
	else if (o->lock_fd < 0)
		fprintf(stderr, "%s: up: %s: %s\n", ctl_prog, o->run_dir,
			strerror(-o->lock_fd));
	return o->lock_fd < 0 ? o->lock_fd : 0;
}

static int up_detach(struct up_opts *o, struct azc_client *c, int sfd)
{
	pid_t pid;
	int null;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", ctl_prog, strerror(errno));
		return 1;
	}
	if (pid > 0) {
		/* The parent only reports; the child owns the session. */
		ctl_state_print(stdout, o, c, pid);
		fflush(stdout);
		_exit(ctl_state_write(o, c, pid) ? 1 : 0);
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
			ctl_prog, err);
		return 0;
	}
	if (!ret)
		ret = azc_eplink_open(&o->link, o->ifindex, o->cfg.name,
				      up_zone(o), err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: up: device %s: %s\n", ctl_prog,
			o->cfg.device, err);
		return ret;
	}
	up_link_hooks(o);
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
	ret = up_connect(o, &c, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", ctl_prog, err);
		ctl_state_remove(o->run_dir, o->cfg.name);
		return ret == -EINTR ? 0 : 1;
	}
	if (o->foreground) {
		ctl_state_print(stdout, o, &c, getpid());
		fflush(stdout);
		ret = ctl_state_write(o, &c, getpid()) ? 1 :
		      up_serve(o, &c, sfd, getpid());
	} else {
		ret = up_detach(o, &c, sfd);
	}
	azc_client_free(&c);
	return ret;
}

int cmd_up(int argc, char **argv)
{
	struct up_opts o = {
		.run_dir = CTL_RUN_DIR,
		.lock_fd = -1,
		.dns = { .mode = AZC_DNS_OFF, .mu = PTHREAD_MUTEX_INITIALIZER },
		.esp = { .kick = -1, .news = -1, .mu = PTHREAD_MUTEX_INITIALIZER },
	};
	int ret, sfd;

	ret = up_parse(argc, argv, &o);
	if (ret >= 0)
		return ret;
	if (up_check(&o) || up_key(&o) || up_lock(&o) || up_kernel(&o))
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
	o.co.stop_fd = sfd;
	ret = up_run(&o, sfd);
	OPENSSL_cleanse(o.priv, sizeof(o.priv));
	azc_eplink_close(&o.link);
	close(sfd);
	close(o.lock_fd);
	return ret;
}
