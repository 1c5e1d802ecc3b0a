/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check_run.h - the main() tail every Check suite shares.
 */
#ifndef GPUMON_CHECK_RUN_H
#define GPUMON_CHECK_RUN_H

#include <check.h>

/**
 * gpumon_check_run() - run a suite, with CK_FORK etc. from the environment
 * @s: the suite; the runner frees it
 *
 * Return: the exit status, 0 when every test passed, 1 otherwise.
 */
static inline int gpumon_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif /* GPUMON_CHECK_RUN_H */
