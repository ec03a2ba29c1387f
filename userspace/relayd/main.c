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
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "config/statefile.h"
#include "relayd.h"


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
		"  -s, --state-dir DIR   self-signed certificate, IID salt, ULA prefix,\n"
		"                        the endpoints' pinned public keys\n"
		"                        (default: the config's state_dir, else %s)\n"
		"  -d, --device NAME     the relay device, created when missing\n"
		"                        (default: the config's device, else %s)\n"
		"      --control PATH    the control socket (default: the config's\n"
		"                        control, else %s)\n"
		"  -f, --foreground      stay in the foreground (the default; a service\n"
		"                        manager runs it; the daemon never forks)\n"
		"      --syslog          log to syslog as well as to stderr\n"
		"  -t, --check           check the configuration, print the certificate\n"
		"                        fingerprint and exit\n"
		"      --gen-token       print a new random token (256 bits) and exit\n"
		"  -h, --help            this help\n"
		"  -V, --version         print the version\n"
		"\n"
		"Configuration file (\"key = value\" lines, '#' or ';' comments,\n"
		"values may be \"double-quoted\" with \\\" and \\\\ escapes):\n"
		"  cert = FILE           certificate (PEM); with key. Without both, a\n"
		"  key = FILE            self-signed pair is kept in the state dir\n"
		"  state_dir = DIR       state directory\n"
		"  cert_names = NAMES    the self-signed certificate's DNS names and\n"
		"                        addresses, blank-separated (default: the\n"
		"                        host name, else \"azconnect-relay\")\n"
		"  max_sessions = N      concurrent sessions (1024); when full, the\n"
		"                        oldest unauthenticated connection goes first\n"
		"  handshake_rate = N    new connections per second per source\n"
		"                        prefix (10)\n"
		"  handshake_burst = N   ... with this burst (20)\n"
		"  source_prefix_v4 = N  what counts as one source: an IPv4 /N (32)\n"
		"  source_prefix_v6 = N  ... an IPv6 /N (64)\n"
		"  tls_timeout = S       TLS handshake deadline, seconds (10)\n"
		"  auth_timeout = S      from the connection to the endpoint's\n"
		"                        authentication, seconds, whatever the stage (30)\n"
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
		"  control = PATH        the control socket, for 'azconnectctl relay'\n"
		"                        (%s)\n"
		"  zone = DOMAIN         the name service's zone (azconnect.internal);\n"
		"                        with the reverse zone of the overlay /64, on\n"
		"                        the relay's overlay address, port 53\n"
		"  names_grace = S       an ended session's names stay this long (300)\n"
		"  dns_update = SERVER[:PORT]  also send every change of the names to\n"
		"                        this primary name server (ADDR, [V6ADDR]:PORT;\n"
		"                        port 53) as DNS UPDATEs, signed with\n"
		"  dns_tsig = FILE       this TSIG key (tsig-keygen or keymgr -t; only\n"
		"                        its owner may read it); see docs/names-primary.md\n"
		"  [endpoint NAME]       one section per endpoint:\n"
		"  token = SECRET        its token (the PPP secret), required\n"
		"  group = GROUP         its group (informational for now)\n"
		"  aliases = \"A, B\"     more names it may register in the zone\n"
		"  public_key = BASE64   the only public key it may publish in the\n"
		"                        name service (else the first one it\n"
		"                        publishes is pinned, in the state dir, until\n"
		"                        'azconnectctl relay reset-key NAME')\n"
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
		AZC_RELAY_CONTROL, AZC_RELAY_DEVICE, AZC_RELAY_CONTROL);
}

struct opts {
	const char *listen[RELAYD_MAX_LISTEN];
	size_t n_listen;
	const char *state_dir;
	const char *device;
	const char *control;
	bool check;
};

/* 32 random bytes, base64url without padding: 43 characters. */
static int gen_token(void)
{
	unsigned char raw[32], b64[48];
	int n, i;

	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		fprintf(stderr, "azconnect-relayd: no random bytes\n");
		return 1;
	}
	n = EVP_EncodeBlock(b64, raw, sizeof(raw));
	OPENSSL_cleanse(raw, sizeof(raw));
	for (i = 0; i < n; i++) {
		if (b64[i] == '+')
			b64[i] = '-';
		else if (b64[i] == '/')
			b64[i] = '_';
		else if (b64[i] == '=')
			b64[i] = '\0';
	}
	printf("%s\n", b64);
	OPENSSL_cleanse(b64, sizeof(b64));
	return 0;
}

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
		{ "gen-token", no_argument, NULL, 'G' },
		{ "control", required_argument, NULL, 'C' },
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
			relayd_use_syslog = true;
			break;
		case 't':
			o->check = true;
			break;
		case 'G':
			return gen_token();
		case 'C':
			o->control = optarg;
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
	char names_buf[AZC_CFG_PATH_MAX], *tok, *save = NULL;
	const char *names[RELAYD_MAX_CERT_NAMES];
	struct azc_tls_server_opts to = { 0 };
	size_t n_names = 0;
	uint8_t salt[AZC_IID_SALT_LEN];
	char path[AZC_CFG_PATH_MAX + 32];
	char err[AZC_TLS_ERR_LEN];

	if (azc_relay_cfg_load(&r->cfg, r->config_path, err, sizeof(err)) ||
	    relayd_check_limits(&r->cfg, err, sizeof(err))) {
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
	if (o->control && strlen(o->control) >= sizeof(r->cfg.control)) {
		fprintf(stderr, "azconnect-relayd: --control %s: too long\n",
			o->control);
		return 1;
	}
	if (o->control)
		strcpy(r->cfg.control, o->control);
	to.cert_file = r->cfg.cert[0] ? r->cfg.cert : NULL;
	to.key_file = r->cfg.key[0] ? r->cfg.key : NULL;
	to.state_dir = r->cfg.state_dir;
	/* cert_names: blank-separated, into names[] (pointers into a copy) */
	snprintf(names_buf, sizeof(names_buf), "%s", r->cfg.cert_names);
	for (tok = strtok_r(names_buf, " \t,", &save);
	     tok && n_names < RELAYD_MAX_CERT_NAMES;
	     tok = strtok_r(NULL, " \t,", &save))
		names[n_names++] = tok;
	to.names = names;
	to.n_names = n_names;
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
	if (azc_state_path(r->cfg.state_dir, AZC_KEYPIN_FILE, path,
			   sizeof(path), err, sizeof(err)) ||
	    azc_keypins_load(&r->pins, path, err, sizeof(err))) {
		fprintf(stderr, "azconnect-relayd: %s\n", err);
		return 1;
	}
	relayd_log_warnings(&r->cfg);
	relayd_log("certificate fingerprint %s",
		   azc_tls_ctx_fingerprint(r->tls));
	relayd_log("%zu endpoints from %s", r->cfg.n_ep, r->config_path);
	return 0;
}

int relayd_check_limits(const struct azc_relay_cfg *c, char *err,
			size_t errlen)
{
	rlim_t need = (rlim_t)c->max_sessions + RELAYD_FD_RESERVE;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl)) {
		snprintf(err, errlen, "RLIMIT_NOFILE: %s", strerror(errno));
		return -errno;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_cur == RLIM_INFINITY)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		snprintf(err, errlen,
			 "max_sessions %u needs %llu file descriptors, but the limit is %llu (ulimit -Hn): lower max_sessions or raise the limit (LimitNOFILE= in a systemd unit)",
			 c->max_sessions, (unsigned long long)need,
			 (unsigned long long)rl.rlim_max);
		return -EMFILE;
	}
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		snprintf(err, errlen, "RLIMIT_NOFILE to %llu: %s",
			 (unsigned long long)need, strerror(errno));
		return -errno;
	}
	return 0;
}

static int start(struct relayd *r, struct opts *o)
{
	size_t i;

	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	r->rl = calloc(RELAYD_RL_SLOTS, sizeof(*r->rl));
	if (r->epfd < 0 || !r->rl || relayd_rl_init(r))
		return 1;
	if (kern_setup(r) || dns_init(r) || primary_init(r))
		return 1;
	/* Without it the relay still serves; "azconnectctl relay" says why. */
	control_open(r);
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
	control_close(r);
	free(r->rl);
	relayd_rl_free(r);
	kern_free(r);
	primary_free(r);
	dns_free(r);
	azc_iid_free(&r->iids);
	azc_keypins_free(&r->pins);
	azc_tls_ctx_free(r->tls);
	azc_relay_cfg_free(&r->cfg);
}

int main(int argc, char **argv)
{
	struct relayd r = { .config_path = AZC_RELAY_CONF, .epfd = -1,
			    .dns = { .udpfd = -1, .tcpfd = -1 },
			    .sigfd = -1, .ctlfd = -1,
			    .k = { .nlfd = -1, .rafd = -1 } };
	struct opts o = { 0 };
	int ret;

	azc_relay_cfg_init(&r.cfg);
	ret = parse_args(argc, argv, &r, &o);
	if (ret >= 0)
		return ret;
	if (relayd_use_syslog)
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
