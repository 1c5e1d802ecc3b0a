// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_config.c - unit tests of gpumond's INI configuration
 * (user/lib/config.c): values read, every bad line named file:line.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "check_run.h"

static char path[64];
static char errbuf[4096];

static int load(const char *text, struct gpumon_config *c)
{
	FILE *f, *err;
	int fd, ret;

	snprintf(path, sizeof(path), "/tmp/check_config.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	err = fmemopen(errbuf, sizeof(errbuf), "w");
	memset(errbuf, 0, sizeof(errbuf));
	gpumon_config_defaults(c);
	ret = gpumon_config_load(c, path, false, err);
	fclose(err);
	unlink(path);
	return ret;
}

START_TEST(test_defaults)
{
	struct gpumon_config c;

	gpumon_config_defaults(&c);
	ck_assert_str_eq(c.socket, "/run/gpumon/gpumond.sock");
	ck_assert_uint_eq(c.cor_interval_s, 60);
	ck_assert(c.netlink && c.bpf && c.kmsg);
}
END_TEST

START_TEST(test_values)
{
	struct gpumon_config c;

	ck_assert_int_eq(load("; comment\n[daemon]\nsocket = /tmp/x.sock\n"
			      "[sources]\nbpf = no\nkmsg = off\n"
			      "[alerts]\ncorrectable_interval_s = 5\n", &c),
			 0);
	ck_assert_str_eq(c.socket, "/tmp/x.sock");
	ck_assert(!c.bpf && !c.kmsg && c.netlink);
	ck_assert_uint_eq(c.cor_interval_s, 5);
	ck_assert_str_eq(errbuf, "");
}
END_TEST

START_TEST(test_every_bad_line_named)
{
	struct gpumon_config c;
	char want[256];

	ck_assert_int_eq(load("[alerts]\ncorrectable_interval_s = -3\n"
			      "[sources]\nbpf = maybe\n"
			      "[daemon]\nsokcet = /x\n", &c), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: correctable_interval_s:", path);
	ck_assert_ptr_nonnull(strstr(errbuf, want));
	snprintf(want, sizeof(want), "%s:4: bpf: 'maybe'", path);
	ck_assert_ptr_nonnull(strstr(errbuf, want));
	snprintf(want, sizeof(want), "%s:6: unknown setting 'sokcet'", path);
	ck_assert_ptr_nonnull(strstr(errbuf, want));
	/* the default stays where the line was bad */
	ck_assert_uint_eq(c.cor_interval_s, 60);
}
END_TEST

START_TEST(test_syntax_error_line)
{
	struct gpumon_config c;
	char want[128];

	ck_assert_int_eq(load("[alerts]\n\nthis is not ini\n", &c), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3: 'this is not ini' is not 'name = value'", path);
	ck_assert_ptr_nonnull(strstr(errbuf, want));
}
END_TEST

START_TEST(test_all_syntax_errors_named)
{
	struct gpumon_config c;
	char want[128];

	ck_assert_int_eq(load("[sources]\nnetlink yes\nkmsg\n[bogus]\n"
			      "[alerts\nbpf = no\n", &c), -EINVAL);
	for (int line = 2; line <= 5; line++) {
		snprintf(want, sizeof(want), "%s:%d: ", path, line);
		ck_assert_msg(strstr(errbuf, want), "line %d not reported in: %s",
			      line, errbuf);
	}
}
END_TEST

START_TEST(test_long_line_keeps_numbers)
{
	struct gpumon_config c;
	char text[512], want[128];

	snprintf(text, sizeof(text), "[daemon]\n;%0300d\n[sources]\nkmsg = nope\n",
		 0);
	ck_assert_int_eq(load(text, &c), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: line longer than", path);
	ck_assert_ptr_nonnull(strstr(errbuf, want));
	snprintf(want, sizeof(want), "%s:4: kmsg: 'nope'", path);
	ck_assert_msg(strstr(errbuf, want), "got: %s", errbuf);
	snprintf(want, sizeof(want), "%s:3:", path);
	ck_assert_ptr_null(strstr(errbuf, want));
}
END_TEST

START_TEST(test_duplicate_setting)
{
	struct gpumon_config c;
	char want[128];

	ck_assert_int_eq(load("[sources]\nbpf = no\nbpf = yes\n", &c),
			 -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3: 'bpf' given again (first on line 2)", path);
	ck_assert_ptr_nonnull(strstr(errbuf, want));
}
END_TEST

START_TEST(test_directory_refused)
{
	struct gpumon_config c;
	FILE *err = fmemopen(errbuf, sizeof(errbuf), "w");

	gpumon_config_defaults(&c);
	ck_assert_int_eq(gpumon_config_load(&c, "/tmp", false, err), -EINVAL);
	fclose(err);
	ck_assert_ptr_nonnull(strstr(errbuf, "/tmp: not a regular file"));
}
END_TEST

START_TEST(test_missing_file)
{
	struct gpumon_config c;

	gpumon_config_defaults(&c);
	ck_assert_int_eq(gpumon_config_load(&c, "/nonexistent/gpumon.conf",
					    true, stderr), 0);
	ck_assert_int_eq(gpumon_config_load(&c, "/nonexistent/gpumon.conf",
					    false, stderr), -ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("ini");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_every_bad_line_named);
	tcase_add_test(tc, test_syntax_error_line);
	tcase_add_test(tc, test_all_syntax_errors_named);
	tcase_add_test(tc, test_long_line_keeps_numbers);
	tcase_add_test(tc, test_duplicate_setting);
	tcase_add_test(tc, test_directory_refused);
	tcase_add_test(tc, test_missing_file);
	suite_add_tcase(s, tc);
	return gpumon_check_run(s);
}
