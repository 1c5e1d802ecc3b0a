// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_rapl.c - unit tests of kmod/rapl_math.h, the RAPL energy
 * arithmetic of the module, with injected counter readings.
 */
#include <check.h>

#include "rapl_shim.h"
#include "../../kmod/rapl_math.h"
#include "check_run.h"

#define MS	1000000ULL	/* ns */
#define SEC	1000000000ULL	/* ns */

START_TEST(test_counts_to_uj_esu14)
{
	/* 2^-14 J = 61.03515625 uJ */
	ck_assert_uint_eq(gpumon_rapl_counts_to_uj(0, 14), 0);
	ck_assert_uint_eq(gpumon_rapl_counts_to_uj(1, 14), 61);
	ck_assert_uint_eq(gpumon_rapl_counts_to_uj(16384, 14), 1000000);
	ck_assert_uint_eq(gpumon_rapl_counts_to_uj(16385, 14), 1000061);
	/* a whole 32-bit turn: 262144 J */
	ck_assert_uint_eq(gpumon_rapl_counts_to_uj(1ULL << 32, 14),
			  262144000000ULL);
}
END_TEST

START_TEST(test_counts_to_uj_esu16)
{
	/* 2^-16 J = 15.2587890625 uJ, the DRAM unit of Intel servers */
	ck_assert_uint_eq(gpumon_rapl_counts_to_uj(1, 16), 15);
	ck_assert_uint_eq(gpumon_rapl_counts_to_uj(65536, 16), 1000000);
	ck_assert_uint_eq(gpumon_rapl_counts_to_uj(3 * 65536 + 32768, 16),
			  3500000);
}
END_TEST

START_TEST(test_counts_to_uj_huge)
{
	/* No overflow where counts * 10^6 would: 2^50 counts at ESU 14
	 * (2^36 J), 2^63 counts at ESU 31 (2^32 J).
	 */
	ck_assert_uint_eq(gpumon_rapl_counts_to_uj(1ULL << 50, 14),
			  (1ULL << 36) * 1000000);
	ck_assert_uint_eq(gpumon_rapl_counts_to_uj(1ULL << 63, 31),
			  (1ULL << 32) * 1000000);
	/* the fraction of the largest unit: 2^31 - 1 counts of 2^-31 J */
	ck_assert_uint_eq(gpumon_rapl_counts_to_uj((1ULL << 31) - 1, 31),
			  999999);
	/* ESU 0: one count is 1 J */
	ck_assert_uint_eq(gpumon_rapl_counts_to_uj(0xffffffffULL, 0),
			  0xffffffffULL * 1000000);
}
END_TEST

START_TEST(test_delta_wrap)
{
	bool w;

	ck_assert_uint_eq(gpumon_rapl_delta(100, 250, &w), 150);
	ck_assert(!w);
	ck_assert_uint_eq(gpumon_rapl_delta(7, 7, &w), 0);
	ck_assert(!w);
	ck_assert_uint_eq(gpumon_rapl_delta(0xffffff00, 0x100, &w), 0x200);
	ck_assert(w);
	ck_assert_uint_eq(gpumon_rapl_delta(1, 0, &w), 0xffffffff);
	ck_assert(w);
}
END_TEST

START_TEST(test_mw)
{
	ck_assert_uint_eq(gpumon_rapl_mw(1000000, SEC), 1000);
	ck_assert_uint_eq(gpumon_rapl_mw(1000000, 10 * MS), 100000);
	ck_assert_uint_eq(gpumon_rapl_mw(61, 10 * MS), 6);
	/* zero elapsed time: no power, no division by zero */
	ck_assert_uint_eq(gpumon_rapl_mw(1000000, 0), 0);
	ck_assert_uint_eq(gpumon_rapl_mw(0, SEC), 0);
	/* energies too large for uJ * 10^6: uJ / ms */
	ck_assert_uint_eq(gpumon_rapl_mw(20000000000000ULL, 10000 * SEC),
			  2000000);
	ck_assert_uint_eq(gpumon_rapl_mw(U64_MAX, 1), U32_MAX);
	ck_assert_uint_eq(gpumon_rapl_mw(U64_MAX, 500000), U32_MAX);
	/* 5 MW saturates at 4.29 MW */
	ck_assert_uint_eq(gpumon_rapl_mw(5000000000000ULL, SEC), U32_MAX);
}
END_TEST

/* A package at 100 W read every 10 ms with ESU 14: 16384 counts each. */
START_TEST(test_window_spike)
{
	struct gpumon_rapl_acc a;
	u32 raw = 0x12345678;
	int i;

	gpumon_rapl_acc_init(&a, 14);
	ck_assert(!gpumon_rapl_acc_sample(&a, raw, 0));	/* the base */
	for (i = 0; i < 100; i++) {
		/* one 10 ms transient at 300 W */
		raw += i == 42 ? 3 * 16384 : 16384;
		ck_assert(gpumon_rapl_acc_sample(&a, raw, 10 * MS));
		ck_assert(!gpumon_rapl_acc_due(&a, SEC) || i == 99);
	}
	ck_assert(gpumon_rapl_acc_due(&a, SEC));
	ck_assert(!a.done);
	ck_assert(gpumon_rapl_acc_close(&a, 5 * SEC));
	ck_assert(a.done);
	ck_assert_uint_eq(a.done_min_mw, 100000);
	ck_assert_uint_eq(a.done_max_mw, 300000);
	/* 102 J in 1 s: the average hardly sees the transient */
	ck_assert_uint_eq(a.done_avg_mw, 102000);
	ck_assert_uint_eq(a.done_ns, SEC);
	ck_assert_uint_eq(a.done_samples, 100);
	ck_assert_uint_eq(a.done_end_ns, 5 * SEC);
	ck_assert_uint_eq(a.peak_mw, 300000);
	ck_assert_uint_eq(a.samples, 100);
	ck_assert_uint_eq(gpumon_rapl_acc_uj(&a), 102000000);
	ck_assert_uint_eq(a.wraps, 0);
	/* the next window starts empty; closing it empty keeps the last */
	ck_assert_uint_eq(a.win_samples, 0);
	ck_assert(!gpumon_rapl_acc_close(&a, 6 * SEC));
	ck_assert_uint_eq(a.done_end_ns, 5 * SEC);
	ck_assert_uint_eq(a.done_max_mw, 300000);
}
END_TEST

/* Jitter: the power comes from each sample's own time. */
START_TEST(test_window_jitter)
{
	struct gpumon_rapl_acc a;

	gpumon_rapl_acc_init(&a, 14);
	gpumon_rapl_acc_sample(&a, 0, 0);
	/* 50 W for 8 ms, then for 12 ms, then 50 W for 30 ms (a late timer) */
	gpumon_rapl_acc_sample(&a, 6554, 8 * MS);		/* 0.4 J */
	gpumon_rapl_acc_sample(&a, 6554 + 9830, 12 * MS);	/* 0.6 J */
	gpumon_rapl_acc_sample(&a, 6554 + 9830 + 24576, 30 * MS); /* 1.5 J */
	ck_assert(gpumon_rapl_acc_close(&a, 1));
	ck_assert_uint_ge(a.done_min_mw, 49990);
	ck_assert_uint_le(a.done_max_mw, 50010);
	ck_assert_uint_ge(a.done_avg_mw, 49990);
	ck_assert_uint_le(a.done_avg_mw, 50010);
	ck_assert_uint_eq(a.done_ns, 50 * MS);
}
END_TEST

START_TEST(test_wraparound)
{
	struct gpumon_rapl_acc a;

	gpumon_rapl_acc_init(&a, 14);
	gpumon_rapl_acc_sample(&a, 0xffffc000, 0);
	/* 2 J across the wrap in 10 ms: 200 W */
	ck_assert(gpumon_rapl_acc_sample(&a, 0x4000, 10 * MS));
	ck_assert_uint_eq(a.wraps, 1);
	ck_assert_uint_eq(gpumon_rapl_acc_uj(&a), 2000000);
	ck_assert_uint_eq(a.win_max_mw, 200000);
	/* and on, past the first reading, without another wrap */
	ck_assert(gpumon_rapl_acc_sample(&a, 0x8000, 10 * MS));
	ck_assert_uint_eq(a.wraps, 1);
	ck_assert_uint_eq(gpumon_rapl_acc_uj(&a), 3000000);
	ck_assert(gpumon_rapl_acc_close(&a, 1));
	ck_assert_uint_eq(a.done_min_mw, 100000);
	ck_assert_uint_eq(a.done_max_mw, 200000);
	ck_assert_uint_eq(a.done_avg_mw, 150000);
}
END_TEST

/* Many turns of the counter: energy since load is a u64 of counts. */
START_TEST(test_many_wraps)
{
	struct gpumon_rapl_acc a;
	u32 raw = 0;
	int i;

	gpumon_rapl_acc_init(&a, 16);
	gpumon_rapl_acc_sample(&a, raw, 0);
	for (i = 0; i < 40; i++) {
		/* three quarters of a turn each time: 49152 J */
		raw += 0xc0000000;
		gpumon_rapl_acc_sample(&a, raw, 100 * SEC);
	}
	ck_assert_uint_eq(a.wraps, 30);
	ck_assert_uint_eq(gpumon_rapl_acc_uj(&a), 40ULL * 49152 * 1000000);
	ck_assert_uint_eq(a.win_max_mw, 491520);
}
END_TEST

START_TEST(test_zero_elapsed)
{
	struct gpumon_rapl_acc a;

	gpumon_rapl_acc_init(&a, 14);
	gpumon_rapl_acc_sample(&a, 0, 0);
	ck_assert(gpumon_rapl_acc_sample(&a, 16384, 10 * MS));
	/* same instant: energy kept, no power, no sample */
	ck_assert(!gpumon_rapl_acc_sample(&a, 32768, 0));
	ck_assert_uint_eq(a.samples, 1);
	ck_assert_uint_eq(a.win_samples, 1);
	ck_assert_uint_eq(gpumon_rapl_acc_uj(&a), 2000000);
	ck_assert(gpumon_rapl_acc_sample(&a, 49152, 10 * MS));
	ck_assert(gpumon_rapl_acc_close(&a, 1));
	ck_assert_uint_eq(a.done_samples, 2);
	ck_assert_uint_eq(a.done_min_mw, 100000);
	ck_assert_uint_eq(a.done_max_mw, 100000);
	/* 3 J over 20 ms */
	ck_assert_uint_eq(a.done_avg_mw, 150000);
	/* a window of zero-elapsed readings only is not closed */
	ck_assert(!gpumon_rapl_acc_sample(&a, 50000, 0));
	ck_assert(!gpumon_rapl_acc_due(&a, 0));
	ck_assert(!gpumon_rapl_acc_close(&a, 2));
	ck_assert_uint_eq(a.done_end_ns, 1);
}
END_TEST

START_TEST(test_huge_delta)
{
	struct gpumon_rapl_acc a;

	/* ESU 0, a whole turn less one count in 1 ns */
	gpumon_rapl_acc_init(&a, 0);
	gpumon_rapl_acc_sample(&a, 1, 0);
	ck_assert(gpumon_rapl_acc_sample(&a, 0, 1));
	ck_assert_uint_eq(a.wraps, 1);
	ck_assert_uint_eq(gpumon_rapl_acc_uj(&a), 0xffffffffULL * 1000000);
	ck_assert_uint_eq(a.win_max_mw, U32_MAX);
	ck_assert_uint_eq(a.peak_mw, U32_MAX);
	/* then an idle hour: 1 count in 3600 s */
	ck_assert(gpumon_rapl_acc_sample(&a, 1, 3600 * SEC));
	ck_assert(gpumon_rapl_acc_close(&a, 1));
	ck_assert_uint_eq(a.done_min_mw, 0);
	ck_assert_uint_eq(a.done_max_mw, U32_MAX);
	/* 2^32 J over 3600 s: 1.19 MW */
	ck_assert_uint_eq(a.done_avg_mw, 4294967296000ULL / 3600);
}
END_TEST

START_TEST(test_init_resets)
{
	struct gpumon_rapl_acc a;

	gpumon_rapl_acc_init(&a, 14);
	gpumon_rapl_acc_sample(&a, 0, 0);
	gpumon_rapl_acc_sample(&a, 16384, 10 * MS);
	gpumon_rapl_acc_close(&a, 1);
	gpumon_rapl_acc_init(&a, 16);
	ck_assert_uint_eq(a.esu, 16);
	ck_assert(!a.primed);
	ck_assert(!a.done);
	ck_assert_uint_eq(a.samples, 0);
	ck_assert_uint_eq(a.counts, 0);
	ck_assert_uint_eq(a.peak_mw, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rapl");
	TCase *units = tcase_create("units");
	TCase *window = tcase_create("window");

	tcase_add_test(units, test_counts_to_uj_esu14);
	tcase_add_test(units, test_counts_to_uj_esu16);
	tcase_add_test(units, test_counts_to_uj_huge);
	tcase_add_test(units, test_delta_wrap);
	tcase_add_test(units, test_mw);
	suite_add_tcase(s, units);
	tcase_add_test(window, test_window_spike);
	tcase_add_test(window, test_window_jitter);
	tcase_add_test(window, test_wraparound);
	tcase_add_test(window, test_many_wraps);
	tcase_add_test(window, test_zero_elapsed);
	tcase_add_test(window, test_huge_delta);
	tcase_add_test(window, test_init_resets);
	suite_add_tcase(s, window);
	return gpumon_check_run(s);
}
