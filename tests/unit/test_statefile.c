// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: state files (userspace/lib/config/statefile.c). A writer
 * killed in the middle of its write (strace injects SIGKILL at the write
 * system call) must leave no file, or the old one whole: the relay's IID
 * salt and prefix decide every endpoint's address.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/statefile.h"

static const char *self;
static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/azc-statefile.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? -1 : 0;
}

static size_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? (size_t)-1 : (size_t)st.st_size;
}

/* @self --write PATH MODE(0|1) killed by strace at its first write(). */
static int killed_write(const char *path, bool replace)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "exec 2>/dev/null; strace -f -qq -o /dev/null -e trace=write -e inject=write:signal=KILL:when=1 %s --write %s %d",
		 self, path, replace);
	return system(cmd);
}

static void test_write_whole(void **state)
{
	char path[128];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/salt", dir);
	assert_int_equal(azc_state_write(path, "0123456789", 10, 0600, false), 0);
	assert_int_equal(file_size(path), 10);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Never replaced unless asked */
	assert_int_equal(azc_state_write(path, "x", 1, 0600, false), -EEXIST);
	assert_int_equal(file_size(path), 10);
	assert_int_equal(azc_state_write(path, "abc", 3, 0644, true), 0);
	assert_int_equal(file_size(path), 3);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
}

static void test_killed_while_creating(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/new", dir);
	assert_int_not_equal(killed_write(path, false), 0);
	/* No file at all, rather than an empty one */
	assert_int_equal(file_size(path), (size_t)-1);
}

static void test_killed_while_replacing(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/cert", dir);
	assert_int_equal(azc_state_write(path, "old content", 11, 0644, true), 0);
	assert_int_not_equal(killed_write(path, true), 0);
	assert_int_equal(file_size(path), 11);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_whole),
		cmocka_unit_test(test_killed_while_creating),
		cmocka_unit_test(test_killed_while_replacing),
	};

	if (argc == 4 && !strcmp(argv[1], "--write"))
		return azc_state_write(argv[2], "32 bytes of a salt, or a prefix",
				       32, 0600, argv[3][0] == '1') ? 1 : 0;
	self = argv[0];
	return cmocka_run_group_tests(tests, setup, teardown);
}
