// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: resolv.conf taken over for split DNS and given back exactly. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "azconnectctl/resolvconf.h"

#define ZONES	"azconnect.internal, 1.0.0.0.a.9.8.7.6.5.4.3.2.1.d.f.ip6.arpa"

static char out[AZC_RC_MAX + 4096];
static char back[AZC_RC_MAX];
static char link_[256];

/* Built from @orig, read back: the same bytes. */
static void roundtrip(const char *orig, size_t len)
{
	size_t olen;
	int n = azc_rc_build(out, sizeof(out), orig, len, NULL, "ep1", 42,
			     ZONES);

	assert_true(n > 0);
	assert_int_equal(azc_rc_original(out, (size_t)n, back, sizeof(back),
					 &olen, link_, sizeof(link_)), 0);
	assert_int_equal(olen, len);
	assert_memory_equal(back, orig, len);
	assert_string_equal(link_, "");
}

static void test_roundtrip_exact(void **state)
{
	static const char *const cases[] = {
		"nameserver 10.0.0.1\n",
		"nameserver 10.0.0.1",			/* no final newline */
		"",					/* empty */
		"\n\n",
		"# comment\r\nnameserver ::1\r\noptions edns0 trust-ad\n",
		"search corp.example\nnameserver 192.0.2.53\n\n# end",
		"#azc-orig looks like ours\nnameserver 1.1.1.1\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		roundtrip(cases[i], strlen(cases[i]));
}

static void test_managed_content(void **state)
{
	const char *orig = "domain corp\nsearch corp.example lab\n"
			   "nameserver 192.0.2.53\noptions ndots:2 edns0\n"
			   "sortlist 10.0.0.0/8\n";
	struct sockaddr_storage ss[AZC_RC_MAXNS];
	long pid;
	char name[64];
	int n;

	(void)state;
	n = azc_rc_build(out, sizeof(out), orig, strlen(orig), NULL, "ep 1",
			 4242, ZONES);
	assert_true(n > 0);
	/* Only the forwarder is a name server; the rest of the setup stays. */
	assert_int_equal(azc_rc_servers(out, (size_t)n, ss, AZC_RC_MAXNS), 0);
	assert_non_null(strstr(out, "\nnameserver " AZC_RC_STUB "\n"));
	assert_non_null(strstr(out, "\nsearch corp.example lab\n"));
	assert_non_null(strstr(out, "\ndomain corp\n"));
	assert_non_null(strstr(out, "\noptions ndots:2 edns0\n"));
	assert_non_null(strstr(out, "\nsortlist 10.0.0.0/8\n"));
	assert_null(strstr(out, "\nnameserver 192.0.2.53"));
	assert_non_null(strstr(out, ZONES));
	assert_true(azc_rc_owner(out, (size_t)n, &pid, name, sizeof(name)));
	assert_int_equal(pid, 4242);
	assert_string_equal(name, "ep 1");
	assert_false(azc_rc_owner(orig, strlen(orig), &pid, name, sizeof(name)));
}

static void test_link(void **state)
{
	const char *target = "nameserver 127.0.0.53\nsearch x\n";
	size_t olen;
	int n;

	(void)state;
	n = azc_rc_build(out, sizeof(out), target, strlen(target),
			 "../run/resolvconf/resolv.conf", "ep1", 7, ZONES);
	assert_true(n > 0);
	assert_non_null(strstr(out, "\nsearch x\n"));
	assert_int_equal(azc_rc_original(out, (size_t)n, back, sizeof(back),
					 &olen, link_, sizeof(link_)), 0);
	assert_int_equal(olen, 0);
	assert_string_equal(link_, "../run/resolvconf/resolv.conf");
}

static void test_servers(void **state)
{
	const char *t = "nameserver 192.0.2.1\n"
			"  nameserver\t2001:db8::53 # comment\n"
			"nameserver " AZC_RC_STUB "\n"
			"nameserver not-an-address\n"
			"nameservers 192.0.2.9\n"
			"#nameserver 192.0.2.8\n"
			"nameserver fe80::1%lo\n"
			"nameserver 192.0.2.4\n";
	struct sockaddr_storage ss[AZC_RC_MAXNS];
	const struct sockaddr_in *s4 = (const void *)&ss[0];
	const struct sockaddr_in6 *s6 = (const void *)&ss[1];
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(azc_rc_servers(t, strlen(t), ss, AZC_RC_MAXNS), 3);
	assert_int_equal(ss[0].ss_family, AF_INET);
	assert_int_equal(ntohs(s4->sin_port), 53);
	assert_string_equal(inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a)),
			    "192.0.2.1");
	assert_int_equal(ss[1].ss_family, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a)),
			    "2001:db8::53");
	s6 = (const void *)&ss[2];
	assert_int_equal(ss[2].ss_family, AF_INET6);
	assert_int_equal(s6->sin6_scope_id, 1);		/* lo */
	assert_int_equal(azc_rc_servers("", 0, ss, AZC_RC_MAXNS), 0);
}

static void test_refused_and_damaged(void **state)
{
	char orig[] = "nameserver 10.0.0.1\n\0x\n";
	size_t olen;
	int n;

	(void)state;
	/* A NUL byte: not a resolv.conf we could give back exactly. */
	assert_int_equal(azc_rc_build(out, sizeof(out), orig, sizeof(orig) - 1,
				      NULL, "ep1", 1, ZONES), -EINVAL);
	assert_int_equal(azc_rc_build(out, 64, "nameserver 10.0.0.1\n", 20,
				      NULL, "ep1", 1, ZONES), -ENOSPC);
	/* Not ours, or cut short: never taken for an original. */
	assert_int_equal(azc_rc_original("nameserver 1.1.1.1\n", 19, back,
					 sizeof(back), &olen, link_,
					 sizeof(link_)), -ENOENT);
	n = azc_rc_build(out, sizeof(out), "nameserver 10.0.0.1\n", 20, NULL,
			 "ep1", 1, ZONES);
	assert_true(n > 20);
	assert_int_equal(azc_rc_original(out, (size_t)n - 16, back,
					 sizeof(back), &olen, link_,
					 sizeof(link_)), -EINVAL);
	assert_int_equal(azc_rc_original(out, (size_t)n, back, 4, &olen, link_,
					 sizeof(link_)), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_exact),
		cmocka_unit_test(test_managed_content),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_servers),
		cmocka_unit_test(test_refused_and_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
