// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: forwarding to a primary name server (dns_update, dns_tsig):
 * the TSIG key files, the configuration keys, the UPDATEs built and the
 * answers judged.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "relayd/primary.h"
#include "relayd/relayd_cfg.h"
#include "relayd/tsigkey.h"

#define SECRET	"k0oWNTB/UsaMuTHXyqhhRUW67x0icoSmyY9D5Y/ZqVI="
#define SECRET2	"aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29y"

/* As tsig-keygen writes it. */
static const char bind_key[] =
	"key \"azc-relay\" {\n"
	"\talgorithm hmac-sha256;\n"
	"\tsecret \"" SECRET "\";\n"
	"};\n";

/* As keymgr -t writes it. */
static const char knot_key[] =
	"# hmac-sha256:azc-relay:" SECRET "\n"
	"key:\n"
	"  - id: azc-relay\n"
	"    algorithm: hmac-sha256\n"
	"    secret: " SECRET "\n";

static void key_of(struct azc_tsig_key *k, const char *text)
{
	char err[256] = "";

	if (azc_tsig_key_parse(k, text, "t.key", err, sizeof(err)))
		fail_msg("key not parsed: %s", err);
}

static void test_key_formats(void **state)
{
	struct azc_tsig_key k;

	(void)state;
	key_of(&k, bind_key);
	assert_string_equal(k.name, "azc-relay.");
	assert_string_equal(k.algorithm, "hmac-sha256.");
	assert_string_equal(k.secret, SECRET);
	key_of(&k, knot_key);
	assert_string_equal(k.name, "azc-relay.");
	assert_string_equal(k.algorithm, "hmac-sha256.");
	assert_string_equal(k.secret, SECRET);
	/* comments of every kind, one line, names in any case, a final dot */
	key_of(&k, "# made by hand\n/* a\n comment */ // and this\n"
		   "key Relay.Example. { secret \"" SECRET2 "\"; algorithm HMAC-SHA512; };");
	assert_string_equal(k.name, "relay.example.");
	assert_string_equal(k.algorithm, "hmac-sha512.");
	assert_string_equal(k.secret, SECRET2);
	azc_tsig_key_wipe(&k);
	assert_int_equal(k.secret[0], 0);
}

static void key_err(const char *text, const char *want)
{
	struct azc_tsig_key k;
	char err[256] = "";

	assert_int_not_equal(azc_tsig_key_parse(&k, text, "t.key", err,
						sizeof(err)), 0);
	if (!strstr(err, want))
		fail_msg("error '%s' lacks '%s'", err, want);
	if (strstr(err, SECRET) || strstr(err, "k0oWNTB"))
		fail_msg("error '%s' shows the secret", err);
}

static void test_key_errors(void **state)
{
	(void)state;
	key_err("", "t.key:1: no key in the file");
	key_err("key \"a\" {\n algorithm hmac-sha256\n secret \"" SECRET "\";\n};\n",
		"t.key:3: expected ';' after a value");
	key_err("key \"a\" {\n algorithm hmac-md5;\n secret \"" SECRET "\";\n};\n",
		"t.key:1: algorithm 'hmac-md5' is not supported");
	key_err("key \"a\" {\n algorithm hmac-sha1;\n secret \"" SECRET "\";\n};\n",
		"is not supported");
	key_err("key \"a\" {\n algorithm hmac-sha256;\n secret \"c2hvcnQ=\";\n};\n",
		"the secret is 5 bytes, fewer than 16");
	key_err("key \"a\" {\n algorithm hmac-sha256;\n secret \"not*base64!!\";\n};\n",
		"the secret is not base64");
	key_err("key \"a\" {\n algorithm hmac-sha256;\n};\n",
		"t.key:1: the key lacks its secret");
	key_err("key \"a\" {\n algorithm hmac-sha256;\n secret \"" SECRET "\n};\n",
		"t.key:3: a string is not closed on its line");
	key_err("key \"a\" {\n algorithm hmac-sha256;\n secret \"" SECRET "\";\n};\n"
		"key \"b\" {\n algorithm hmac-sha256;\n secret \"" SECRET "\";\n};\n",
		"t.key:5: more than one key");
	key_err("key \"a\" {\n algorithm hmac-sha256;\n secret \"" SECRET "\";\n"
		" secret \"" SECRET "\";\n};\n", "t.key:4: 'secret' given twice");
	key_err("key \"a\" {\n algorithm hmac-sha256;\n secret \"" SECRET "\";\n"
		" server 1.2.3.4;\n};\n", "t.key:4: unknown statement 'server'");
	key_err("options { };\n", "t.key:1: expected 'key \"NAME\" { ... };'");
	key_err("key \"a\" {\n algorithm hmac-sha256;\n secret \"" SECRET "\";\n}\n",
		"expected ';' after the key's '}'");
	key_err("/* open\nkey", "t.key:1: a comment is not closed");
	key_err("key \"a..b\" { algorithm hmac-sha256; secret \"" SECRET "\"; };",
		"key name 'a..b' is not a domain name");
	key_err("key:\n  - id: a\n    algorithm: hmac-sha256\n    secret: " SECRET "\n"
		"  - id: b\n", "t.key:5: more than one key");
	key_err("key:\n  - id: a\n    algorithm: hmac-sha256\n    colour: blue\n",
		"t.key:4: unknown field 'colour'");
	key_err("key:\n  - id: a\n    secret: " SECRET "\n",
		"t.key:2: the key lacks its algorithm");
	key_err("key:\n  - id: a\n    algorithm: hmac-sha256\n    secret: " SECRET "\n"
		"remote:\n", "t.key:5: expected 'key:'");
	/* a peer's... no: the file's bytes are escaped in messages */
	key_err("key \"a\" { algorithm \"x\x1b[31m\"; secret \"" SECRET "\"; };",
		"algorithm 'x\\x1b[31m' is not supported");
}

/* A file of @mode holding @text; its path in @path. */
static void write_file(char *path, const char *text, mode_t mode)
{
	int fd;

	strcpy(path, "/tmp/azc-test-key-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void test_key_load(void **state)
{
	struct azc_tsig_key k;
	char path[64], err[512], warn[512];

	(void)state;
	write_file(path, bind_key, 0600);
	assert_int_equal(azc_tsig_key_load(&k, path, warn, sizeof(warn), err,
					   sizeof(err)), 0);
	assert_string_equal(k.secret, SECRET);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(azc_tsig_key_load(&k, path, warn, sizeof(warn), err,
					   sizeof(err)), 1);
	assert_non_null(strstr(warn, "its group may read it"));
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(azc_tsig_key_load(&k, path, warn, sizeof(warn), err,
					   sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "every user of this machine may read it"));
	assert_int_equal(k.secret[0], 0);
	unlink(path);
	assert_true(azc_tsig_key_load(&k, path, warn, sizeof(warn), err,
				      sizeof(err)) < 0);
	/* a line number in the file's own name */
	write_file(path, "key \"a\" {\nalgorithm hmac-sha256\n", 0600);
	assert_int_equal(azc_tsig_key_load(&k, path, warn, sizeof(warn), err,
					   sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, ":3: expected ';'"));
	unlink(path);
}

static int cfg_parse(const char *text, struct azc_relay_cfg *c, char *err)
{
	azc_relay_cfg_init(c);
	return azc_relay_cfg_parse(c, text, "relayd.conf", err,
				   AZC_CFG_ERR_LEN);
}

static void test_config(void **state)
{
	static const struct {
		const char *v;
		int family;
		const char *addr;
		int port;
	} ok[] = {
		{ "192.0.2.53", AF_INET, "192.0.2.53", 53 },
		{ "192.0.2.53:5300", AF_INET, "192.0.2.53", 5300 },
		{ "2001:db8::53", AF_INET6, "2001:db8::53", 53 },
		{ "::1", AF_INET6, "::1", 53 },
		{ "[2001:db8::53]:5353", AF_INET6, "2001:db8::53", 5353 },
		{ "[::1]", AF_INET6, "::1", 53 },
	};
	static const char *const bad[] = {
		"", "ns1.example", "192.0.2.53:", "192.0.2.53:0",
		"192.0.2.53:65536", "[2001:db8::53]53", "[2001:db8::53",
		"192.0.2.53:x", "[192.0.2.1]:53x", "192.0.2.300", "1.2.3.4:-5",
	};
	struct sockaddr_storage ss;
	socklen_t len;
	char a[INET6_ADDRSTRLEN], err[AZC_CFG_ERR_LEN];
	struct azc_relay_cfg c;
	size_t i;

	(void)state;
	for (i = 0; i < AZC_ARRAY_SIZE(ok); i++) {
		assert_int_equal(azc_relay_parse_server(ok[i].v, &ss, &len), 0);
		assert_int_equal(ss.ss_family, ok[i].family);
		if (ok[i].family == AF_INET) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
			assert_int_equal(ntohs(s4->sin_port), ok[i].port);
			assert_int_equal(len, sizeof(*s4));
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
			assert_int_equal(ntohs(s6->sin6_port), ok[i].port);
			assert_int_equal(len, sizeof(*s6));
		}
		assert_string_equal(a, ok[i].addr);
	}
	for (i = 0; i < AZC_ARRAY_SIZE(bad); i++)
		if (!azc_relay_parse_server(bad[i], &ss, &len))
			fail_msg("'%s' taken as a server", bad[i]);

	assert_int_equal(cfg_parse("dns_update = [::1]:5300\ndns_tsig = /k\n",
				   &c, err), 0);
	assert_string_equal(c.dns_update, "[::1]:5300");
	assert_string_equal(c.dns_tsig, "/k");
	azc_relay_cfg_free(&c);
	assert_int_not_equal(cfg_parse("dns_update = 192.0.2.1\n", &c, err), 0);
	assert_non_null(strstr(err, "dns_update needs dns_tsig"));
	azc_relay_cfg_free(&c);
	assert_int_not_equal(cfg_parse("dns_tsig = /k\n", &c, err), 0);
	assert_non_null(strstr(err, "dns_tsig without dns_update"));
	azc_relay_cfg_free(&c);
	assert_int_not_equal(cfg_parse("dns_update = ns1.example\n", &c, err), 0);
	assert_non_null(strstr(err, "relayd.conf:1: dns_update: expected ADDR"));
	azc_relay_cfg_free(&c);
}

/* ---- UPDATE messages ---- */

static ldns_rdf *dname(const char *s)
{
	ldns_rdf *d = NULL;

	assert_int_equal(ldns_str2rdf_dname(&d, s), LDNS_STATUS_OK);
	return d;
}

static ldns_rr *rr(const char *s)
{
	ldns_rr *r = NULL;

	assert_int_equal(ldns_rr_new_frm_str(&r, s, 0, NULL, NULL),
			 LDNS_STATUS_OK);
	return r;
}

static void test_build(void **state)
{
	struct azc_tsig_key k;
	ldns_rdf *zone = dname("azconnect.internal.");
	ldns_rdf *www = dname("www.azconnect.internal.");
	ldns_rdf *ep1 = dname("ep1.azconnect.internal.");
	ldns_rr_list *l = ldns_rr_list_new();
	struct azc_primary_rrset sets[] = {
		{ ep1, LDNS_RR_TYPE_AAAA, l },
		{ www, LDNS_RR_TYPE_AAAA, NULL },	/* withdrawn */
	};
	ldns_rdf *mac;
	ldns_pkt *p;
	uint8_t *wire;
	size_t len;
	char *s;
	const ldns_rr_list *up;

	(void)state;
	key_of(&k, bind_key);
	ldns_rr_list_push_rr(l, rr("ep1.azconnect.internal. 60 IN AAAA fd00::1"));
	assert_int_equal(azc_primary_build(zone, sets, 2, 0x1234, &k, &wire,
					   &len, &mac), 0);
	assert_non_null(mac);
	assert_int_equal(ldns_wire2pkt(&p, wire, len), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_id(p), 0x1234);
	assert_int_equal(ldns_pkt_get_opcode(p), LDNS_PACKET_UPDATE);
	assert_false(ldns_pkt_qr(p));
	/* the zone section */
	assert_int_equal(ldns_pkt_qdcount(p), 1);
	s = ldns_rr2str(ldns_rr_list_rr(ldns_pkt_question(p), 0));
	assert_non_null(strstr(s, "azconnect.internal.\tIN\tSOA"));
	free(s);
	/* no prerequisites; the updates: replace ep1's, delete www's */
	assert_int_equal(ldns_pkt_ancount(p), 0);
	up = ldns_pkt_authority(p);
	assert_int_equal(ldns_rr_list_rr_count(up), 3);
	assert_int_equal(ldns_rr_get_class(ldns_rr_list_rr(up, 0)), LDNS_RR_CLASS_ANY);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(up, 0)), LDNS_RR_TYPE_AAAA);
	assert_int_equal(ldns_rr_rd_count(ldns_rr_list_rr(up, 0)), 0);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(up, 0)), 0);
	assert_int_equal(ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(up, 0)), ep1), 0);
	s = ldns_rr2str(ldns_rr_list_rr(up, 1));
	assert_string_equal(s, "ep1.azconnect.internal.\t60\tIN\tAAAA\tfd00::1\n");
	free(s);
	assert_int_equal(ldns_rr_get_class(ldns_rr_list_rr(up, 2)), LDNS_RR_CLASS_ANY);
	assert_int_equal(ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(up, 2)), www), 0);
	/* signed: the primary verifies it with the same key */
	assert_non_null(ldns_pkt_tsig(p));
	assert_true(ldns_pkt_tsig_verify(p, wire, len, k.name, k.secret, NULL));
	assert_false(ldns_pkt_tsig_verify(p, wire, len, k.name, SECRET2, NULL));
	ldns_pkt_free(p);
	free(wire);
	ldns_rdf_deep_free(mac);

	ldns_rr_list_deep_free(l);
	ldns_rdf_deep_free(zone);
	ldns_rdf_deep_free(www);
	ldns_rdf_deep_free(ep1);
}

static void test_build_too_big(void **state)
{
	struct azc_tsig_key k;
	ldns_rdf *zone = dname("azconnect.internal.");
	struct azc_primary_rrset sets[64];
	ldns_rdf *names[64], *mac;
	uint8_t *wire;
	size_t len, i;
	char n[64];

	(void)state;
	key_of(&k, bind_key);
	for (i = 0; i < 64; i++) {
		snprintf(n, sizeof(n), "a-rather-long-name-%02zu.azconnect.internal.", i);
		names[i] = dname(n);
		sets[i] = (struct azc_primary_rrset){ names[i], LDNS_RR_TYPE_AAAA, NULL };
	}
	assert_int_equal(azc_primary_build(zone, sets, 64, 1, &k, &wire, &len,
					   &mac), -E2BIG);
	assert_null(wire);
	assert_null(mac);
	for (i = 0; i < 64; i++)
		ldns_rdf_deep_free(names[i]);
	ldns_rdf_deep_free(zone);
}

/* An answer to update @id, signed with @key (NULL: not) over @mac. */
static size_t answer(uint8_t *out, uint16_t id, ldns_pkt_rcode rc,
		     const char *key, const ldns_rdf *mac, int tsig_error)
{
	ldns_pkt *p = ldns_pkt_new();
	ldns_rr *z = NULL;
	uint8_t *wire, t[6];
	time_t now = time(NULL);
	size_t len, i;

	ldns_pkt_set_id(p, id);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_opcode(p, LDNS_PACKET_UPDATE);
	ldns_pkt_set_rcode(p, rc);
	assert_int_equal(ldns_rr_new_question_frm_str(&z, "azconnect.internal. IN SOA",
						      NULL, NULL), LDNS_STATUS_OK);
	ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, z);
	if (key)
		assert_int_equal(ldns_pkt_tsig_sign(p, "azc-relay.", key, 300,
						    "hmac-sha256.", mac),
				 LDNS_STATUS_OK);
	if (tsig_error) {
		/* RFC 8945 5.3.2: unsigned, the error in the TSIG */
		ldns_rr *ts = ldns_rr_new();

		for (i = 0; i < 6; i++)
			t[i] = (uint8_t)((uint64_t)now >> (40 - 8 * i));
		ldns_rr_set_owner(ts, dname("azc-relay."));
		ldns_rr_set_type(ts, LDNS_RR_TYPE_TSIG);
		ldns_rr_set_class(ts, LDNS_RR_CLASS_ANY);
		ldns_rr_push_rdf(ts, dname("hmac-sha256."));
		ldns_rr_push_rdf(ts, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_TSIGTIME, 6, t));
		ldns_rr_push_rdf(ts, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 300));
		ldns_rr_push_rdf(ts, ldns_native2rdf_int16_data(0, NULL));
		ldns_rr_push_rdf(ts, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, id));
		ldns_rr_push_rdf(ts, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16,
							   (uint16_t)tsig_error));
		ldns_rr_push_rdf(ts, ldns_native2rdf_int16_data(0, NULL));
		ldns_pkt_set_tsig(p, ts);
	}
	assert_int_equal(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	memcpy(out, wire, len);
	free(wire);
	ldns_pkt_free(p);
	return len;
}

static enum azc_primary_verdict judge(const uint8_t *m, size_t len,
				      const struct azc_tsig_key *k,
				      const ldns_rdf *mac, const char *want)
{
	char why[256];
	enum azc_primary_verdict v;

	v = azc_primary_answer(m, len, 0x1234, k, mac, time(NULL), why,
			       sizeof(why));
	if (!strstr(why, want))
		fail_msg("'%s' lacks '%s'", why, want);
	return v;
}

static void test_answer(void **state)
{
	struct azc_tsig_key k;
	ldns_rdf *zone = dname("azconnect.internal.");
	struct azc_primary_rrset set = { zone, LDNS_RR_TYPE_AAAA, NULL };
	ldns_rdf *mac;
	uint8_t *wire, m[1024];
	size_t len, n;

	(void)state;
	key_of(&k, bind_key);
	assert_int_equal(azc_primary_build(zone, &set, 1, 0x1234, &k, &wire,
					   &len, &mac), 0);
	free(wire);

	n = answer(m, 0x1234, LDNS_RCODE_NOERROR, SECRET, mac, 0);
	assert_int_equal(judge(m, n, &k, mac, "NOERROR"), AZC_PRIMARY_OK);
	/* every byte matters */
	m[n - 7] ^= 1;		/* the MAC's last byte */
	assert_int_equal(judge(m, n, &k, mac, "does not verify"), AZC_PRIMARY_IGNORED);
	/* signed over another request's MAC */
	n = answer(m, 0x1234, LDNS_RCODE_NOERROR, SECRET, NULL, 0);
	assert_int_equal(judge(m, n, &k, mac, "does not verify"), AZC_PRIMARY_IGNORED);
	n = answer(m, 0x1234, LDNS_RCODE_NOERROR, SECRET2, mac, 0);
	assert_int_equal(judge(m, n, &k, mac, "does not verify"), AZC_PRIMARY_IGNORED);
	n = answer(m, 0x1234, LDNS_RCODE_NOERROR, NULL, NULL, 0);
	assert_int_equal(judge(m, n, &k, mac, "unsigned: not trusted"), AZC_PRIMARY_IGNORED);
	n = answer(m, 0x4321, LDNS_RCODE_NOERROR, SECRET, mac, 0);
	assert_int_equal(judge(m, n, &k, mac, "not the answer to update"), AZC_PRIMARY_IGNORED);
	assert_int_equal(judge(m, 5, &k, mac, "a message of 5 bytes"), AZC_PRIMARY_IGNORED);
	n = answer(m, 0x1234, LDNS_RCODE_NOERROR, SECRET, mac, 0);
	assert_int_equal(judge(m, n - 3, &k, mac, "malformed"), AZC_PRIMARY_IGNORED);

	n = answer(m, 0x1234, LDNS_RCODE_REFUSED, SECRET, mac, 0);
	assert_int_equal(judge(m, n, &k, mac, "REFUSED"), AZC_PRIMARY_REFUSED);
	n = answer(m, 0x1234, LDNS_RCODE_REFUSED, NULL, NULL, 0);
	assert_int_equal(judge(m, n, &k, mac, "REFUSED (unsigned)"), AZC_PRIMARY_REFUSED);
	n = answer(m, 0x1234, LDNS_RCODE_NOTAUTH, NULL, NULL, 17);
	assert_int_equal(judge(m, n, &k, mac, "NOTAUTH, TSIG error BADKEY"),
			 AZC_PRIMARY_REFUSED);
	n = answer(m, 0x1234, LDNS_RCODE_NOTAUTH, NULL, NULL, 16);
	assert_int_equal(judge(m, n, &k, mac, "TSIG error BADSIG"), AZC_PRIMARY_REFUSED);
	n = answer(m, 0x1234, LDNS_RCODE_NOTAUTH, NULL, NULL, 18);
	assert_int_equal(judge(m, n, &k, mac, "BADTIME: are the clocks right?"),
			 AZC_PRIMARY_REFUSED);

	ldns_rdf_deep_free(mac);
	ldns_rdf_deep_free(zone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_formats),
		cmocka_unit_test(test_key_errors),
		cmocka_unit_test(test_key_load),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_build_too_big),
		cmocka_unit_test(test_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
