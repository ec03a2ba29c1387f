// SPDX-License-Identifier: GPL-2.0-only
/*
 * azconnect-relayd: the relay. Accepts endpoints' TLS connections and
 * negotiates SSTP/PPP/IPV6CP with them (server role of the session
 * engine), assigning each endpoint a stable interface identifier.
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "relayd.h"

static bool use_syslog;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: azconnect-relayd [OPTIONS]\n"
		"\n"
		"The azconnect relay: endpoints connect with TLS on TCP 443 and speak\n"
		"SSTP, PPP and IPV6CP; each endpoint authenticates with its token.\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE     configuration (default %s)\n"
		"  -l, --listen ADDR:PORT\n"
		"                        listen there (repeatable; default [::]:443,\n"
		"                        dual-stack); [V6ADDR]:PORT, *:PORT or PORT too\n"
		"  -s, --state-dir DIR   self-signed certificate, IID salt, ULA prefix\n"
		"                        (default: the config's state_dir, else %s)\n"
		"  -d, --device NAME     the relay device, created when missing\n"
		"                        (default: the config's device, else %s)\n"
		"  -f, --foreground      stay in the foreground (the default; a service\n"
		"                        manager runs it; the daemon never forks)\n"
		"      --syslog          log to syslog as well as to stderr\n"
		"  -t, --check           check the configuration, print the certificate\n"
		"                        fingerprint and exit\n"
		"  -h, --help            this help\n"
		"  -V, --version         print the version\n"
		"\n"
		"Configuration file (\"key = value\" lines, '#' or ';' comments,\n"
		"values may be \"double-quoted\" with \\\" and \\\\ escapes):\n"
		"  cert = FILE           certificate (PEM); with key. Without both, a\n"
		"  key = FILE            self-signed pair is kept in the state dir\n"
		"  state_dir = DIR       state directory\n"
		"  max_sessions = N      concurrent connections (1024)\n"
		"  handshake_rate = N    new connections per second per source\n"
		"                        address (10)\n"
		"  handshake_burst = N   ... with this burst (20)\n"
		"  tls_timeout = S       TLS handshake deadline, seconds (10)\n"
		"  negotiation_timeout = S  SSTP/PPP negotiation deadline (60)\n"
		"  device = NAME         the relay's azconnect device (%s)\n"
		"  prefix = PREFIX       the private network: a /48 (its subnet\n"
		"                        subnet_id is the overlay /64) or the /64;\n"
		"                        default: a unique local /48 (RFC 4193) made\n"
		"                        on first start and kept in the state dir\n"
		"  subnet_id = N         the overlay's subnet of the /48 (0)\n"
		"  echo_interval = S     silence before an SSTP ECHO_REQUEST, and\n"
		"                        between unanswered ones, seconds (60)\n"
		"  echo_retries = N      unanswered ECHO_REQUESTs before a session\n"
		"                        counts as dead and is dropped (5)\n"
		"  [endpoint NAME]       one section per endpoint:\n"
		"  token = SECRET        its token (the PPP secret), required\n"
		"  group = GROUP         its group (informational for now)\n"
		"\n"
		"Signals: SIGTERM/SIGINT disconnect every session (CALL_DISCONNECT) and\n"
		"exit; SIGHUP reloads the endpoints and limits from the config file.\n"
		"The certificate's SHA-256 fingerprint, printed at start, is what\n"
		"endpoints pin (azconnectctl up --fingerprint).\n"
		"\n"
		"With the azconnect module, each connected endpoint's socket is handed\n"
		"to the kernel, which forwards IPv6 between endpoints on the relay\n"
		"device; endpoints learn the overlay prefix from its router\n"
		"advertisements. Without it, sessions carry no packets.\n",
		AZC_RELAY_CONF, AZC_RELAY_STATE_DIR, AZC_RELAY_DEVICE,
		AZC_RELAY_DEVICE);
}

void relayd_log(const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "azconnect-relayd: %s\n", msg);
	if (use_syslog)
		syslog(LOG_INFO, "%s", msg);
}

struct opts {
	const char *listen[RELAYD_MAX_LISTEN];
	size_t n_listen;
	const char *state_dir;
	const char *device;
	bool check;
};

static int parse_args(int argc, char **argv, struct relayd *r,
		      struct opts *o)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "device", required_argument, NULL, 'd' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "check", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:l:s:d:ftShV", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			r->config_path = optarg;
			break;
		case 'l':
			if (o->n_listen == RELAYD_MAX_LISTEN) {
				fprintf(stderr, "azconnect-relayd: at most %d --listen\n",
					RELAYD_MAX_LISTEN);
				return 2;
			}
			o->listen[o->n_listen++] = optarg;
			break;
		case 's':
			o->state_dir = optarg;
			break;
		case 'd':
			o->device = optarg;
			break;
		case 'f':
			break;
		case 'S':
			use_syslog = true;
			break;
		case 't':
			o->check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("azconnect-relayd %s\n", AZC_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "azconnect-relayd: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	return -1;
}

static int setup(struct relayd *r, struct opts *o)
{
	struct azc_tls_server_opts to = { 0 };
	uint8_t salt[AZC_IID_SALT_LEN];
	char err[AZC_TLS_ERR_LEN];

	if (azc_relay_cfg_load(&r->cfg, r->config_path, err, sizeof(err))) {
		fprintf(stderr, "azconnect-relayd: %s\n", err);
		return 1;
	}
	if (o->state_dir)
		snprintf(r->cfg.state_dir, sizeof(r->cfg.state_dir), "%s",
			 o->state_dir);
	if (o->device && strlen(o->device) >= sizeof(r->cfg.device)) {
		fprintf(stderr, "azconnect-relayd: --device %s: too long\n",
			o->device);
		return 1;
	}
	if (o->device)
		strcpy(r->cfg.device, o->device);
	to.cert_file = r->cfg.cert[0] ? r->cfg.cert : NULL;
	to.key_file = r->cfg.key[0] ? r->cfg.key : NULL;
	to.state_dir = r->cfg.state_dir;
	r->tls = azc_tls_ctx_server(&to, err, sizeof(err));
	if (!r->tls) {
		fprintf(stderr, "azconnect-relayd: %s\n", err);
		return 1;
	}
	if (azc_iid_salt_load(r->cfg.state_dir, salt, err, sizeof(err))) {
		fprintf(stderr, "azconnect-relayd: %s\n", err);
		return 1;
	}
	azc_iid_init(&r->iids, salt);
	relayd_log("certificate fingerprint %s",
		   azc_tls_ctx_fingerprint(r->tls));
	relayd_log("%zu endpoints from %s", r->cfg.n_ep, r->config_path);
	return 0;
}

static int start(struct relayd *r, struct opts *o)
{
	size_t i;

	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	r->rl = calloc(RELAYD_RL_SLOTS, sizeof(*r->rl));
	if (r->epfd < 0 || !r->rl)
		return 1;
	if (kern_setup(r))
		return 1;
	if (!o->n_listen)
		o->listen[o->n_listen++] = "[::]:443";
	for (i = 0; i < o->n_listen; i++) {
		if (relayd_listen(r, o->listen[i]))
			return 1;
		relayd_log("listening on %s", o->listen[i]);
	}
	return relayd_run(r) ? 1 : 0;
}

static void cleanup(struct relayd *r)
{
	size_t i;

	for (i = 0; i < r->n_lfd; i++)
		close(r->lfd[i]);
	if (r->epfd >= 0)
		close(r->epfd);
	if (r->sigfd >= 0)
		close(r->sigfd);
	free(r->rl);
	kern_free(r);
	azc_iid_free(&r->iids);
	azc_tls_ctx_free(r->tls);
	azc_relay_cfg_free(&r->cfg);
}

int main(int argc, char **argv)
{
	struct relayd r = { .config_path = AZC_RELAY_CONF, .epfd = -1,
			    .sigfd = -1, .k = { .nlfd = -1, .rafd = -1 } };
	struct opts o = { 0 };
	int ret;

	azc_relay_cfg_init(&r.cfg);
	ret = parse_args(argc, argv, &r, &o);
	if (ret >= 0)
		return ret;
	if (use_syslog)
		openlog("azconnect-relayd", LOG_PID, LOG_DAEMON);
	ret = setup(&r, &o);
	if (!ret && o.check)
		printf("%s\n", azc_tls_ctx_fingerprint(r.tls));
	else if (!ret)
		ret = start(&r, &o);
	if (!ret)
		relayd_log("stopped");
	cleanup(&r);
	return ret;
}
