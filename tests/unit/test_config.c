// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: configuration files (userspace/lib/config.c).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>

#include "azconnectctl/ctl_cfg.h"
#include "relayd/relayd_cfg.h"

static int relay_parse(const char *text, struct azc_relay_cfg *c, char *err)
{
	azc_relay_cfg_init(c);
	return azc_relay_cfg_parse(c, text, "relayd.conf", err,
				   AZC_CFG_ERR_LEN);
}

static void test_relay_ok(void **state)
{
	static const char text[] =
		"# a comment\n"
		"; another\n"
		"\n"
		"max_sessions = 50   # trailing comment\n"
		"handshake_rate=5\n"
		"tls_timeout = 3\n"
		"echo_interval = 15\n"
		"echo_retries = 3\n"
		"state_dir = \"/var/lib/x y\"\n"
		"[endpoint alpha]\n"
		"token = \"se#cr\\\"et\\\\\"\n"
		"group = web\n"
		"[ endpoint beta ]\n"
		"  token = plain-token  \n";
	struct azc_relay_cfg c;
	const struct azc_relay_endpoint *ep;
	char err[AZC_CFG_ERR_LEN] = "";

	(void)state;
	assert_int_equal(relay_parse(text, &c, err), 0);
	assert_int_equal(c.max_sessions, 50);
	assert_int_equal(c.handshake_rate, 5);
	assert_int_equal(c.handshake_burst, 20);
	assert_int_equal(c.tls_timeout_ms, 3000);
	assert_int_equal(c.echo_ms, 15000);
	assert_int_equal(c.echo_retries, 3);
	assert_string_equal(c.state_dir, "/var/lib/x y");
	assert_int_equal(c.n_ep, 2);
	ep = azc_relay_cfg_find(&c, "alpha");
	assert_non_null(ep);
	assert_string_equal(ep->token, "se#cr\"et\\");
	assert_string_equal(ep->group, "web");
	ep = azc_relay_cfg_find(&c, "beta");
	assert_non_null(ep);
	assert_string_equal(ep->token, "plain-token");
	assert_null(azc_relay_cfg_find(&c, "gamma"));
	azc_relay_cfg_free(&c);
}

static void test_relay_names(void **state)
{
	static const char text[] =
		"zone = Corp.Example.\n"
		"names_grace = 90\n"
		"[endpoint web1]\n"
		"token = t\n"
		"aliases = \"WWW, api  intranet-2\"\n"
		"public_key = hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=\n"
		"[endpoint db]\n"
		"token = t\n";
	struct azc_relay_cfg c;
	const struct azc_relay_endpoint *ep;
	char err[AZC_CFG_ERR_LEN] = "";

	(void)state;
	assert_int_equal(relay_parse(text, &c, err), 0);
	assert_string_equal(c.zone, "corp.example");
	assert_int_equal(c.names_grace_ms, 90000);
	ep = azc_relay_cfg_find(&c, "web1");
	assert_non_null(ep);
	assert_int_equal(ep->n_alias, 3);
	assert_string_equal(ep->alias[0], "www");
	assert_string_equal(ep->alias[1], "api");
	assert_string_equal(ep->alias[2], "intranet-2");
	assert_true(ep->has_public_key);
	assert_int_equal(ep->public_key[0], 0x85);
	assert_int_equal(ep->public_key[31], 0x6a);
	assert_int_equal(azc_relay_cfg_find(&c, "db")->n_alias, 0);
	assert_false(azc_relay_cfg_find(&c, "db")->has_public_key);
	azc_relay_cfg_free(&c);

	assert_true(azc_dns_label_ok("a", 1));
	assert_true(azc_dns_label_ok("x-1", 3));
	assert_false(azc_dns_label_ok("-x", 2));
	assert_false(azc_dns_label_ok("x-", 2));
	assert_false(azc_dns_label_ok("a_b", 3));
	assert_false(azc_dns_label_ok("", 0));
	assert_false(azc_dns_label_ok("a.b", 3));
}

static void test_defaults(void **state)
{
	struct azc_relay_cfg c;
	char err[AZC_CFG_ERR_LEN];

	(void)state;
	assert_int_equal(relay_parse("", &c, err), 0);
	assert_int_equal(c.max_sessions, 1024);
	assert_int_equal(c.handshake_rate, 10);
	assert_int_equal(c.handshake_burst, 20);
	assert_int_equal(c.tls_timeout_ms, 10000);
	assert_int_equal(c.echo_ms, 0);		/* the engine's 60 s */
	assert_int_equal(c.echo_retries, 0);	/* the engine's 5 */
	assert_string_equal(c.state_dir, AZC_RELAY_STATE_DIR);
	assert_string_equal(c.zone, "azconnect.internal");
	assert_int_equal(c.names_grace_ms, 300000);
	assert_int_equal(c.n_ep, 0);
	azc_relay_cfg_free(&c);
}

static void expect_err(const char *text, const char *want)
{
	struct azc_relay_cfg c;
	char err[AZC_CFG_ERR_LEN] = "";

	assert_int_not_equal(relay_parse(text, &c, err), 0);
	if (!strstr(err, want))
		fail_msg("error '%s' lacks '%s'", err, want);
	azc_relay_cfg_free(&c);
}

static void test_errors(void **state)
{
	(void)state;
	expect_err("max_sessions = 1\nbogus = 2\n",
		   "relayd.conf:2: unknown key 'bogus'");
	expect_err("max_sessions = 1\nmax_sessions = 2\n",
		   "relayd.conf:2: duplicate key 'max_sessions'");
	expect_err("[endpoint a]\ntoken = x\n[endpoint a]\n",
		   "relayd.conf:3: duplicate endpoint 'a'");
	expect_err("[endpoint a]\ntoken = x\ntoken = y\n",
		   "relayd.conf:3: duplicate key 'token'");
	expect_err("[endpoint a]\ncolour = red\n",
		   "relayd.conf:2: unknown key 'colour'");
	expect_err("\n\n[server]\n", "relayd.conf:3: unknown section");
	expect_err("[endpoint a\n", "relayd.conf:1: section header");
	expect_err("just words\n", "relayd.conf:1: expected 'key = value'");
	expect_err("state_dir = \"open\n", "relayd.conf:1: unterminated");
	expect_err("state_dir = \"a\" b\n", "relayd.conf:1: text after");
	expect_err("max_sessions = -1\n", "relayd.conf:1: max_sessions");
	expect_err("max_sessions = 12x\n", "relayd.conf:1: max_sessions");
	expect_err("[endpoint a]\n", "endpoint 'a' has no token");
	expect_err("[endpoint]\n", "relayd.conf:1: unknown section");
	expect_err("cert = /a\n", "'cert' and 'key' go together");
	expect_err("zone = a..b\n", "zone: 'a..b' is not a domain name");
	expect_err("zone = a_b.example\n", "is not a domain name");
	expect_err("zone = .\n", "is not a domain name");
	expect_err("[endpoint a]\ntoken = x\naliases = ok bad_one\n",
		   "relayd.conf:3: aliases: 'bad_one' is not a DNS label");
	expect_err("[endpoint a]\ntoken = x\naliases = a b c d e f g h i\n",
		   "aliases: at most 8");
	expect_err("[endpoint a]\ntoken = x\npublic_key = hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTm==\n",
		   "relayd.conf:3: public_key: expected an X25519 public key in base64");
	expect_err("[endpoint a]\ntoken = x\npublic_key = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		   "relayd.conf:3: public_key: a low-order X25519 point");
	expect_err("[endpoint a]\ntoken = x\npublic_key = hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=\n"
		   "public_key = hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=\n",
		   "relayd.conf:4: duplicate key 'public_key'");
	expect_err(" = x\n", "relayd.conf:1: missing key");
	expect_err("echo_interval = 0\n", "relayd.conf:1: echo_interval");
	expect_err("echo_retries = 101\n", "relayd.conf:1: echo_retries");
	expect_err("echo_retries = 2\necho_retries = 2\n",
		   "relayd.conf:2: duplicate key 'echo_retries'");
}

static void test_client(void **state)
{
	static const char text[] =
		"relay = relay.example.com:443\n"
		"name = web1\n"
		"token = \"t o k\"\n"
		"fingerprint = SHA256:AB\n"
		"echo_interval = 2\n"
		"echo_retries = 4\n";
	struct azc_client_cfg c = { 0 };
	char err[AZC_CFG_ERR_LEN] = "";

	(void)state;
	assert_int_equal(azc_client_cfg_parse(&c, text, "a.conf", err,
					      sizeof(err)), 0);
	assert_string_equal(c.relay, "relay.example.com:443");
	assert_string_equal(c.name, "web1");
	assert_string_equal(c.token, "t o k");
	assert_string_equal(c.fingerprint, "SHA256:AB");
	assert_string_equal(c.ca, "");
	assert_int_equal(c.echo_ms, 2000);
	assert_int_equal(c.echo_retries, 4);
	memset(&c, 0, sizeof(c));
	assert_int_not_equal(azc_client_cfg_parse(&c, "echo_interval=1\necho_interval=2\n",
						  "a.conf", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "a.conf:2: duplicate key 'echo_interval'"));
	assert_int_not_equal(azc_client_cfg_parse(&c, "echo_retries = 0\n",
						  "a.conf", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "a.conf:1: echo_retries"));
	memset(&c, 0, sizeof(c));
	assert_int_not_equal(azc_client_cfg_parse(&c, "name=a\nname=b\n",
						  "a.conf", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "a.conf:2: duplicate key 'name'"));
	assert_int_not_equal(azc_client_cfg_parse(&c, "port = 1\n", "a.conf",
						  err, sizeof(err)), 0);
	assert_non_null(strstr(err, "a.conf:1: unknown key 'port'"));
}

static void test_file(void **state)
{
	char path[] = "/tmp/azc-test-config-XXXXXX", err[AZC_CFG_ERR_LEN];
	struct azc_relay_cfg c;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("[endpoint x]\ntoken = y\n", f);
	fclose(f);
	azc_relay_cfg_init(&c);
	assert_int_equal(azc_relay_cfg_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.n_ep, 1);
	azc_relay_cfg_free(&c);
	unlink(path);
	azc_relay_cfg_init(&c);
	assert_int_not_equal(azc_relay_cfg_load(&c, path, err, sizeof(err)),
			     0);
	assert_non_null(strstr(err, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay_ok),
		cmocka_unit_test(test_relay_names),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_client),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
