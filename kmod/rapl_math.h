/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpumon: RAPL energy arithmetic, free of any kernel state.
 *
 * Energy counters (Intel SDM vol. 3B sec 15.10.3 "Package RAPL Domain",
 * MSR_PKG_ENERGY_STATUS 0x611 and MSR_DRAM_ENERGY_STATUS 0x619; AMD PPR
 * for family 17h/19h, MSR C001_029B Package Energy Status) are 32-bit
 * counts of 1/2^ESU J that wrap.  Everything here works on u32/u64 with
 * div64_u64(), so that tests/unit/check_rapl.c can run it in user space
 * through a small shim (tests/unit/rapl_shim.h) with injected readings.
 *
 * One sample is two successive readings and the time between them, as
 * measured (never the nominal period).  A window collects samples until
 * the caller closes it: the lowest and highest one-sample power, and the
 * average, window energy over window time (the sum of its samples'
 * times).  The last closed window is kept for readers.
 */
#ifndef _GPUMON_RAPL_MATH_H
#define _GPUMON_RAPL_MATH_H

#ifdef __KERNEL__
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/types.h>
#endif

#define GPUMON_RAPL_UJ_PER_J	1000000ULL
#define GPUMON_RAPL_NS_PER_MS	1000000ULL
/* Largest energy status unit: MSR_RAPL_POWER_UNIT bits 12:8, 5 bits. */
#define GPUMON_RAPL_ESU_MAX	31

/**
 * gpumon_rapl_counts_to_uj() - energy counts to microjoules
 * @counts: energy counts, each 1/2^@esu J
 * @esu: energy status unit, 0 to GPUMON_RAPL_ESU_MAX
 *
 * Exact (rounded down): whole joules and the fraction are converted
 * apart, so the fraction's product stays under 2^51 and the whole part
 * overflows only past 1.8 * 10^13 J (a 1 kW package for 500 years).
 *
 * Return: the energy, uJ.
 */
static inline u64 gpumon_rapl_counts_to_uj(u64 counts, u32 esu)
{
	u64 frac = counts & ((1ULL << esu) - 1);

	return (counts >> esu) * GPUMON_RAPL_UJ_PER_J +
	       ((frac * GPUMON_RAPL_UJ_PER_J) >> esu);
}

/**
 * gpumon_rapl_delta() - counts between two readings of a 32-bit counter
 * @old: the earlier reading
 * @new: the later reading
 * @wrapped: set when the counter wrapped between them
 *
 * (new - old) mod 2^32: right across one wraparound.  Readings further
 * apart than the counter takes to wrap (at 200 W: about 1,300 s with
 * ESU 14, 330 s with ESU 16) lose whole turns; the sampler reads every
 * few milliseconds.
 *
 * Return: the counts.
 */
static inline u32 gpumon_rapl_delta(u32 old, u32 new, bool *wrapped)
{
	*wrapped = new < old;
	return new - old;
}

/**
 * gpumon_rapl_mw() - power from energy and time
 * @uj: energy, uJ
 * @ns: time, ns
 *
 * mW = uJ * 10^6 / ns; for energies too large for that product
 * (over 1.8 * 10^7 J), uJ / ms.
 *
 * Return: the power, mW, at most U32_MAX (4.29 MW); 0 when @ns is 0.
 */
static inline u32 gpumon_rapl_mw(u64 uj, u64 ns)
{
	u64 mw, ms;

	if (!ns)
		return 0;
	if (uj <= U64_MAX / GPUMON_RAPL_NS_PER_MS) {
		mw = div64_u64(uj * GPUMON_RAPL_NS_PER_MS, ns);
	} else {
		ms = div64_u64(ns, GPUMON_RAPL_NS_PER_MS);
		mw = div64_u64(uj, ms ? ms : 1);
	}
	return mw > U32_MAX ? U32_MAX : (u32)mw;
}

/**
 * struct gpumon_rapl_acc - one energy domain's running sums.
 * @esu: energy status unit: one count is 1/2^@esu J
 * @last: the last raw counter reading
 * @primed: @last holds a reading (the first one only sets it)
 * @counts: counts since the first reading
 * @samples: samples since load (readings with time elapsed)
 * @wraps: counter wraparounds seen
 * @peak_mw: highest one-sample power since load, mW
 * @win_counts: counts in the open window
 * @win_ns: time in the open window, ns (sum of its samples' times)
 * @win_min_mw: lowest one-sample power in it, mW
 * @win_max_mw: highest one-sample power in it, mW
 * @win_samples: samples in it
 * @done: the fields below hold a closed window
 * @done_min_mw: lowest one-sample power of the last closed window, mW
 * @done_avg_mw: its energy over its time, mW
 * @done_max_mw: its highest one-sample power, mW
 * @done_ns: its length, ns
 * @done_samples: its samples
 * @done_end_ns: when it was closed (the caller's clock), ns
 */
struct gpumon_rapl_acc {
	u32 esu;
	u32 last;
	bool primed;
	u64 counts;
	u64 samples;
	u64 wraps;
	u32 peak_mw;
	u64 win_counts;
	u64 win_ns;
	u32 win_min_mw;
	u32 win_max_mw;
	u32 win_samples;
	bool done;
	u32 done_min_mw;
	u32 done_avg_mw;
	u32 done_max_mw;
	u64 done_ns;
	u32 done_samples;
	u64 done_end_ns;
};

/**
 * gpumon_rapl_acc_init() - start a domain from nothing
 * @acc: the sums
 * @esu: its energy status unit, 0 to GPUMON_RAPL_ESU_MAX
 */
static inline void gpumon_rapl_acc_init(struct gpumon_rapl_acc *acc, u32 esu)
{
	*acc = (struct gpumon_rapl_acc){ .esu = esu };
}

/**
 * gpumon_rapl_acc_sample() - take one raw counter reading
 * @acc: the sums
 * @raw: the counter (the low 32 bits of the energy status MSR)
 * @elapsed_ns: time since the previous reading, ns, as measured
 *
 * The first reading is only the base of the next.  A reading with no
 * time elapsed adds its energy (energy is never dropped) but gives no
 * power and no sample.
 *
 * Return: true when a sample (a power) was taken.
 */
static inline bool gpumon_rapl_acc_sample(struct gpumon_rapl_acc *acc,
					  u32 raw, u64 elapsed_ns)
{
	bool wrapped;
	u32 delta, mw;

	if (!acc->primed) {
		acc->last = raw;
		acc->primed = true;
		return false;
	}
	delta = gpumon_rapl_delta(acc->last, raw, &wrapped);
	acc->last = raw;
	acc->wraps += wrapped;
	acc->counts += delta;
	acc->win_counts += delta;
	if (!elapsed_ns)
		return false;

	mw = gpumon_rapl_mw(gpumon_rapl_counts_to_uj(delta, acc->esu),
			    elapsed_ns);
	acc->samples++;
	acc->win_ns += elapsed_ns;
	if (!acc->win_samples || mw < acc->win_min_mw)
		acc->win_min_mw = mw;
	if (!acc->win_samples || mw > acc->win_max_mw)
		acc->win_max_mw = mw;
	acc->win_samples++;
	if (mw > acc->peak_mw)
		acc->peak_mw = mw;
	return true;
}

/**
 * gpumon_rapl_acc_close() - close the open window, open the next
 * @acc: the sums
 * @now_ns: the time to record as its end, ns
 *
 * A window without samples is not closed (the last closed one stays).
 *
 * Return: true when a window was closed.
 */
static inline bool gpumon_rapl_acc_close(struct gpumon_rapl_acc *acc,
					 u64 now_ns)
{
	if (!acc->win_samples)
		return false;
	acc->done_min_mw = acc->win_min_mw;
	acc->done_max_mw = acc->win_max_mw;
	acc->done_avg_mw =
		gpumon_rapl_mw(gpumon_rapl_counts_to_uj(acc->win_counts,
							acc->esu),
			       acc->win_ns);
	acc->done_ns = acc->win_ns;
	acc->done_samples = acc->win_samples;
	acc->done_end_ns = now_ns;
	acc->done = true;
	acc->win_counts = 0;
	acc->win_ns = 0;
	acc->win_samples = 0;
	return true;
}

/**
 * gpumon_rapl_acc_due() - whether the open window has run its length
 * @acc: the sums
 * @window_ns: the window length, ns
 *
 * Return: true when its samples' time reaches @window_ns.
 */
static inline bool gpumon_rapl_acc_due(const struct gpumon_rapl_acc *acc,
				       u64 window_ns)
{
	return acc->win_samples && acc->win_ns >= window_ns;
}

/**
 * gpumon_rapl_acc_uj() - energy since the first reading
 * @acc: the sums
 *
 * Return: the energy, uJ.
 */
static inline u64 gpumon_rapl_acc_uj(const struct gpumon_rapl_acc *acc)
{
	return gpumon_rapl_counts_to_uj(acc->counts, acc->esu);
}

#endif /* _GPUMON_RAPL_MATH_H */
