// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_util.c - unit tests of user/lib/util.c.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "check_run.h"

START_TEST(test_mkdir_parent_creates_every_level)
{
	char base[] = "/tmp/check_util.XXXXXX", path[256], dir[256];
	struct stat sb;

	ck_assert_ptr_nonnull(mkdtemp(base));
	/* like /var/lib/gpumon/kmsg.seq on a system without /var/lib */
	snprintf(path, sizeof(path), "%s/var/lib/gpumon/kmsg.seq", base);
	ck_assert_int_eq(gpumon_mkdir_parent(path, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/var/lib/gpumon", base);
	ck_assert_int_eq(stat(dir, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	/* the file itself is not created */
	ck_assert_int_ne(access(path, F_OK), 0);
	/* again: already there is no error */
	ck_assert_int_eq(gpumon_mkdir_parent(path, 0755), 0);
	/* a file in the way is */
	snprintf(path, sizeof(path), "touch %s/var/lib/gpumon/f", base);
	ck_assert_int_eq(system(path), 0);
	snprintf(path, sizeof(path), "%s/var/lib/gpumon/f/sub/x", base);
	ck_assert_int_eq(gpumon_mkdir_parent(path, 0755), -ENOTDIR);
	snprintf(path, sizeof(path), "rm -rf %s", base);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_mkdir_parent_bare_names)
{
	ck_assert_int_eq(gpumon_mkdir_parent("kmsg.seq", 0755), 0);
	ck_assert_int_eq(gpumon_mkdir_parent("/kmsg.seq", 0755), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("mkdir");

	tcase_add_test(tc, test_mkdir_parent_creates_every_level);
	tcase_add_test(tc, test_mkdir_parent_bare_names);
	suite_add_tcase(s, tc);
	return gpumon_check_run(s);
}
