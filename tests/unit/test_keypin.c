// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: the relay's pinned endpoint keys (relayd/keypin.c). */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "relayd/keypin.h"

#define K1 "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo="
#define K2 "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08="

static void key(const char *b64, uint8_t *k)
{
	assert_int_equal(azc_noise_key_from_b64(b64, k), 0);
}

static int parse(struct azc_keypins *p, const char *text, char *err)
{
	memset(p, 0, sizeof(*p));
	strcpy(p->path, "pins");
	return azc_keypins_parse(p, text, strlen(text), err, 256);
}

static void test_parse(void **state)
{
	struct azc_keypins p;
	uint8_t k1[32], k2[32];
	char err[256] = "";

	(void)state;
	key(K1, k1);
	key(K2, k2);
	assert_int_equal(parse(&p, "# comment\n\n" K1 " web1\n" K2
			 " name with blanks", err), 0);
	assert_int_equal(p.n, 2);
	assert_memory_equal(azc_keypins_find(&p, "web1"), k1, 32);
	assert_memory_equal(azc_keypins_find(&p, "name with blanks"), k2, 32);
	assert_null(azc_keypins_find(&p, "name"));
	assert_null(azc_keypins_find(&p, "WEB1"));
	azc_keypins_free(&p);
	assert_int_equal(parse(&p, "", err), 0);
	assert_int_equal(p.n, 0);

	assert_int_equal(parse(&p, K1 " a\n" K1 "x b\n", err), -EINVAL);
	assert_string_equal(err, "pins: line 2: expected 'BASE64-KEY ENDPOINT-NAME'");
	assert_int_equal(p.n, 0);
	assert_int_equal(parse(&p, K1 "\n", err), -EINVAL);
	assert_int_equal(parse(&p, K1 " \n", err), -EINVAL);
	assert_int_equal(parse(&p, "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTm== a\n",
			       err), -EINVAL);
	assert_string_equal(err, "pins: line 1: not a public key in base64");
	assert_int_equal(parse(&p, K1 " a\n" K2 " a\n", err), -EINVAL);
	assert_string_equal(err, "pins: line 2: a second key for one endpoint");
	memset(err, 0, sizeof(err));
	assert_int_equal(azc_keypins_parse(&p, K1 " a\0b", 47, err, 256), -EINVAL);
	assert_int_equal(p.n, 0);
}

static void test_file(void **state)
{
	char dir[] = "/tmp/test_keypin.XXXXXX", path[64], err[256] = "";
	struct azc_keypins p = { 0 }, q = { 0 };
	uint8_t k1[32], k2[32], old[32];
	struct stat st;
	mode_t um;

	(void)state;
	key(K1, k1);
	key(K2, k2);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, AZC_KEYPIN_FILE);
	/* no file yet: no pins */
	assert_int_equal(azc_keypins_load(&p, path, err, sizeof(err)), 0);
	assert_int_equal(p.n, 0);
	um = umask(077);
	assert_int_equal(azc_keypins_set(&p, "web1", k1, err, sizeof(err)), 0);
	umask(um);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(azc_keypins_set(&p, "db 2", k2, err, sizeof(err)), 0);
	/* replacing a pin */
	assert_int_equal(azc_keypins_set(&p, "web1", k2, err, sizeof(err)), 0);
	assert_int_equal(p.n, 2);

	/* read back, as after a restart */
	assert_int_equal(azc_keypins_load(&q, path, err, sizeof(err)), 0);
	assert_int_equal(q.n, 2);
	assert_memory_equal(azc_keypins_find(&q, "web1"), k2, 32);
	assert_memory_equal(azc_keypins_find(&q, "db 2"), k2, 32);

	/* reset */
	assert_int_equal(azc_keypins_reset(&q, "web1", old, err, sizeof(err)), 1);
	assert_memory_equal(old, k2, 32);
	assert_null(azc_keypins_find(&q, "web1"));
	assert_int_equal(azc_keypins_reset(&q, "web1", old, err, sizeof(err)), 0);
	assert_int_equal(azc_keypins_load(&p, path, err, sizeof(err)), 0);
	assert_int_equal(p.n, 1);
	assert_null(azc_keypins_find(&p, "web1"));
	assert_non_null(azc_keypins_find(&p, "db 2"));

	/* a file that does not parse is an error, not an empty list */
	assert_int_equal(azc_keypins_reset(&p, "db 2", old, err, sizeof(err)), 1);
	assert_int_equal(p.n, 0);
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs("garbage\n", f);
		fclose(f);
	}
	assert_int_equal(azc_keypins_load(&p, path, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "line 1"));
	/* a directory */
	assert_int_not_equal(azc_keypins_load(&p, dir, err, sizeof(err)), 0);

	azc_keypins_free(&p);
	azc_keypins_free(&q);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
