// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: RAPL energy sampling.
 *
 * What is read: per physical package (topology_physical_package_id()),
 * the package energy counter and, on Intel, the DRAM one:
 *   Intel (SDM vol. 3B sec 15.10.1 and 15.10.3): MSR_RAPL_POWER_UNIT
 *     0x606 (energy status unit, ESU, bits 12:8: one count is 1/2^ESU J),
 *     MSR_PKG_ENERGY_STATUS 0x611, MSR_DRAM_ENERGY_STATUS 0x619;
 *   AMD and Hygon (PPR for family 17h/19h, MSRs C001_0299 RAPL_PWR_UNIT
 *     and C001_029B PKG_ENERGY_STAT, same layout): no DRAM domain.
 * Bits 31:0 of a status MSR count energy and wrap.  A domain whose
 * counter faults or reads 0 at load is taken as absent, as
 * drivers/powercap/intel_rapl_common.c (rapl_check_domain()) does.
 * Intel server parts count DRAM energy in a fixed unit whatever 0x606
 * says: the Xeon E5 v3 and later datasheets give 15.3 uJ, which
 * intel_rapl_common.c applies (dram_domain_energy_unit, the
 * rapl_defaults_hsw_server models: Haswell-X, Broadwell-X, Skylake-X,
 * Ice Lake-X/D, Xeon Phi KNL/KNM); it is 2^-16 J (15.26 uJ), reported
 * here as ESU 16.  Sapphire Rapids and later use 0x606's unit.
 *
 * How: one kernel thread, "gpumon_rapl", wakes every rapl_period_ms
 * (module parameter or netlink GPUMON_A_RAPL_PERIOD_MS; default 10 ms)
 * on an absolute hrtimer deadline and, for each package, sends one IPI
 * (smp_call_function_single()) to its reader CPU, whose handler reads
 * the package's status MSRs with rdmsrl_safe() and takes ktime_get_ns()
 * right there.  Why this mechanism:
 *   - a delayed work item sleeps in whole jiffies (10 ms is 12 ms at
 *     HZ=250) and cannot go below one; the thread's hrtimer sleep keeps
 *     the period and takes 1 ms;
 *   - pinned hrtimers reading in hard interrupt context would need CPU
 *     hotplug callbacks to follow each package's CPUs; an IPI to an
 *     offline CPU simply fails with -ENXIO, and the thread then picks
 *     another online CPU of the package (the counters are per package);
 *   - the time is taken on the reader CPU next to the read, so IPI and
 *     scheduling latency do not enter the elapsed time; power is always
 *     energy over the measured time between two reads, never over the
 *     nominal period, so a late wakeup does not bias it;
 *   - the IPI handler only reads MSRs and the clock: nothing sleeps in
 *     it, and nothing on the sample path allocates (the tables are
 *     static).
 * A read that fails on every CPU of a package drops that pass's reading
 * and the next one is a new base (the energy between is not counted).
 * The thread runs only when some domain was found.  Packages are those
 * with an online CPU at load, at most GPUMON_RAPL_MAX_PKGS.
 *
 * The counters tick about every millisecond (Intel: 1/1024 s), so one
 * 10 ms sample's energy can be off by one tick, about +-10%: the
 * window's min and max carry that; its average does not.
 *
 * Per domain, with the arithmetic of rapl_math.h: energy since load
 * (uJ), wraparounds, samples, the highest one-sample power since load,
 * and windows of gpumon_link_interval() ms (the module's sampling
 * interval, default 1 s): lowest and highest one-sample power, and
 * energy over time.  gpumon_rapl_domain_at() gives the last complete
 * window.
 *
 * Without the MSRs (rdmsr faults; QEMU's TCG reads 0 for MSRs it does
 * not emulate, and a unit register or energy counter of 0 is no RAPL
 * either) the source says it is absent, with the reason ("no RAPL MSRs:
 * rdmsr 0x606 faulted on CPU 0"), once in the kernel log and in
 * STATS_GET, and the rest of the module runs on.
 *
 * /sys/kernel/debug/gpumon/inject_rapl (root, write only): injected
 * domains, listed beside the real ones with GPUMON_A_RAPL_INJECTED, fed
 * through the same sample and window code.  One command per line:
 *   PKG DOMAIN esu N            create an injected domain, or reset it
 *                               (counts of 1/2^N J, N 0-31)
 *   PKG DOMAIN COUNTER ELAPSED_US
 *                               one raw 32-bit counter reading, taken
 *                               ELAPSED_US after the previous one (the
 *                               first reading after "esu" is the base)
 *   PKG DOMAIN close            close the open window now
 *   PKG DOMAIN remove           remove the injected domain
 * PKG is a package number, DOMAIN "package" or "dram"; numbers are
 * decimal or 0x hex.  The window also closes by itself when the
 * injected time in it reaches the window length.  A malformed line
 * fails the write with -EINVAL, a domain not created with -ENOENT, no
 * room with -ENOSPC; the lines before it have been applied.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/topology.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "gpumon.h"
#include "rapl_math.h"

#define GPUMON_RAPL_MAX_PKGS	32
#define GPUMON_RAPL_MAX_INJ	16
#define GPUMON_RAPL_MAX_DOMS	(2 * GPUMON_RAPL_MAX_PKGS + GPUMON_RAPL_MAX_INJ)
/* Energy Status Units, MSR_RAPL_POWER_UNIT (and AMD's) bits 12:8. */
#define GPUMON_RAPL_ESU_SHIFT	8
#define GPUMON_RAPL_ESU_MASK	0x1f
/* Fixed DRAM unit of Intel servers, 2^-16 J (see above). */
#define GPUMON_RAPL_DRAM_SERVER_ESU	16
/* Largest inject_rapl write, bytes. */
#define GPUMON_RAPL_INJECT_MAX	4096
/*
 * A power above this from one MSR reading is no power but a counter that
 * started over (after a suspend, a package reset): a new base.
 */
#define GPUMON_RAPL_PLAUSIBLE_MW	(100U * 1000 * 1000)

/* Slots of the two domains of a package. */
enum {
	GPUMON_RAPL_SLOT_PKG,
	GPUMON_RAPL_SLOT_DRAM,
	GPUMON_RAPL_SLOTS,
};

/**
 * struct gpumon_rapl_dom - one energy domain, real or injected.
 * @used: the slot holds a domain
 * @injected: fed from debugfs
 * @pkg: physical package id (injected: as given)
 * @domain: enum gpumon_rapl_domain
 * @last_ns: CLOCK_MONOTONIC of the last reading, ns (real domains)
 * @acc: the sums, see rapl_math.h
 *
 * Under gpumon_rapl_lock.
 */
struct gpumon_rapl_dom {
	bool used;
	bool injected;
	u32 pkg;
	u32 domain;
	u64 last_ns;
	struct gpumon_rapl_acc acc;
};

/**
 * struct gpumon_rapl_pkg - one physical package and who reads it.
 * @id: topology_physical_package_id()
 * @cpu: the CPU its MSRs are read on; the sampler thread only
 * @n: status MSRs read
 * @msr: their numbers, in slot order
 * @dom: their domains
 */
struct gpumon_rapl_pkg {
	u32 id;
	int cpu;
	unsigned int n;
	u32 msr[GPUMON_RAPL_SLOTS];
	struct gpumon_rapl_dom *dom[GPUMON_RAPL_SLOTS];
};

/* One read on the reader CPU: the IPI's argument and result. */
struct gpumon_rapl_read {
	unsigned int n;
	const u32 *msr;
	u64 val[GPUMON_RAPL_SLOTS];
	u64 ns;
	int err;
};

static unsigned int gpumon_rapl_period_ms = GPUMON_RAPL_PERIOD_DEFAULT_MS;
static bool gpumon_rapl_kick;

/*
 * Set at init, read-only after; gpumon_rapl_ready (release/acquire)
 * publishes them to gpumon_rapl_state(), which netlink may call while
 * init runs.
 */
static struct gpumon_rapl_pkg gpumon_rapl_pkgs[GPUMON_RAPL_MAX_PKGS];
static unsigned int gpumon_rapl_npkgs;
static const char *gpumon_rapl_vendor;
static u32 gpumon_rapl_src = GPUMON_SOURCE_ABSENT;
static char gpumon_rapl_why[GPUMON_REASON_LEN];
static bool gpumon_rapl_ready;

/* Sampler statistics: passes, their time, failed reads. */
static u64 gpumon_rapl_passes;
static u64 gpumon_rapl_pass_ns;
static u64 gpumon_rapl_read_errors;

static DEFINE_SPINLOCK(gpumon_rapl_lock);	/* the domain table */
static struct gpumon_rapl_dom gpumon_rapl_doms[GPUMON_RAPL_MAX_DOMS];

static DEFINE_SPINLOCK(gpumon_rapl_task_lock);	/* the pointer only */
static struct task_struct *gpumon_rapl_task;

static int gpumon_rapl_period_param_set(const char *val,
					const struct kernel_param *kp)
{
	unsigned int ms;
	int ret;

	ret = gpumon_param_uint(val, GPUMON_RAPL_PERIOD_MIN_MS,
				GPUMON_RAPL_PERIOD_MAX_MS, &ms);
	if (!ret)
		gpumon_rapl_set_period(ms);
	return ret;
}

static const struct kernel_param_ops gpumon_rapl_period_param_ops = {
	.set	= gpumon_rapl_period_param_set,
	.get	= param_get_uint,
};

module_param_cb(rapl_period_ms, &gpumon_rapl_period_param_ops,
		&gpumon_rapl_period_ms, 0644);
MODULE_PARM_DESC(rapl_period_ms,
		 "RAPL energy sampling period in ms, 1-1000 (default 10)");

/* Intel server models with the fixed DRAM energy unit (family 6). */
static const u8 gpumon_rapl_dram_server_models[] = {
	0x3f,	/* Haswell-X */
	0x4f,	/* Broadwell-X */
	0x55,	/* Skylake-X, Cascade Lake, Cooper Lake */
	0x57,	/* Xeon Phi Knights Landing */
	0x6a,	/* Ice Lake-X */
	0x6c,	/* Ice Lake-D */
	0x85,	/* Xeon Phi Knights Mill */
};

static bool gpumon_rapl_dram_fixed_unit(void)
{
	unsigned int i;

	if (boot_cpu_data.x86_vendor != X86_VENDOR_INTEL ||
	    boot_cpu_data.x86 != 6)
		return false;
	for (i = 0; i < ARRAY_SIZE(gpumon_rapl_dram_server_models); i++)
		if (boot_cpu_data.x86_model ==
		    gpumon_rapl_dram_server_models[i])
			return true;
	return false;
}

/* Window length: the module's sampling interval, ns. */
static u64 gpumon_rapl_window_ns(void)
{
	return (u64)gpumon_link_interval() * NSEC_PER_MSEC;
}

/*
 * One reading into a domain, the same for the MSR and debugfs; closes
 * the window when its time is up.  gpumon_rapl_lock held.
 */
static void gpumon_rapl_feed(struct gpumon_rapl_dom *d, u32 raw,
			     u64 elapsed_ns, u64 now_ns)
{
	gpumon_rapl_acc_sample(&d->acc, raw, elapsed_ns);
	if (gpumon_rapl_acc_due(&d->acc, gpumon_rapl_window_ns()))
		gpumon_rapl_acc_close(&d->acc, now_ns);
}

/* IPI handler on the reader CPU: interrupts off, nothing sleeps. */
static void gpumon_rapl_read_fn(void *info)
{
	struct gpumon_rapl_read *r = info;
	unsigned int i;

	for (i = 0; i < r->n; i++) {
		r->err = rdmsrl_safe(r->msr[i], &r->val[i]);
		if (r->err)
			return;
	}
	r->ns = ktime_get_ns();
}

/* Another online CPU of package @id than @not, or nr_cpu_ids. */
static int gpumon_rapl_other_cpu(u32 id, int not)
{
	int cpu;

	for_each_online_cpu(cpu)
		if (cpu != not && topology_physical_package_id(cpu) == id)
			return cpu;
	return nr_cpu_ids;
}

/* Read package @p's counters, on another of its CPUs if need be. */
static int gpumon_rapl_read_pkg(struct gpumon_rapl_pkg *p,
				struct gpumon_rapl_read *r)
{
	int ret, cpu;

	r->n = p->n;
	r->msr = p->msr;
	r->err = 0;
	ret = smp_call_function_single(p->cpu, gpumon_rapl_read_fn, r, 1);
	if (!ret && !r->err)
		return 0;
	WRITE_ONCE(gpumon_rapl_read_errors, gpumon_rapl_read_errors + 1);
	/* Offline (-ENXIO) or faulting there: try another CPU once. */
	cpu = gpumon_rapl_other_cpu(p->id, p->cpu);
	if (cpu >= nr_cpu_ids)
		return ret ? ret : r->err;
	p->cpu = cpu;
	r->err = 0;
	ret = smp_call_function_single(p->cpu, gpumon_rapl_read_fn, r, 1);
	if (!ret && r->err)
		ret = r->err;
	if (ret)
		WRITE_ONCE(gpumon_rapl_read_errors,
			   gpumon_rapl_read_errors + 1);
	return ret;
}

/*
 * Whether an MSR reading @elapsed_ns after the last one is taken: the
 * counters update about once a millisecond, so a reading much closer to
 * the last than the period (right after a period change, or after a late
 * pass) would make a one-sample power of 0 or several times the truth.
 * It is skipped, and the next reading covers its time and energy.
 */
static bool gpumon_rapl_reading_due(u64 elapsed_ns)
{
	u64 min_ns = (u64)READ_ONCE(gpumon_rapl_period_ms) * NSEC_PER_MSEC / 2;

	return elapsed_ns >= max_t(u64, min_ns, NSEC_PER_MSEC);
}

/* Whether a reading is a believable power, else a counter reset. */
static bool gpumon_rapl_plausible(const struct gpumon_rapl_acc *acc, u32 raw,
				  u64 elapsed_ns)
{
	bool wrapped;
	u64 uj;

	uj = gpumon_rapl_counts_to_uj(gpumon_rapl_delta(acc->last, raw,
							&wrapped), acc->esu);
	return gpumon_rapl_mw(uj, elapsed_ns) <= GPUMON_RAPL_PLAUSIBLE_MW;
}

static void gpumon_rapl_sample_pkg(struct gpumon_rapl_pkg *p)
{
	struct gpumon_rapl_read r;
	struct gpumon_rapl_dom *d;
	unsigned int i;
	bool ok;
	u64 el;

	ok = !gpumon_rapl_read_pkg(p, &r);
	spin_lock(&gpumon_rapl_lock);
	for (i = 0; i < p->n; i++) {
		d = p->dom[i];
		if (!ok) {
			/* The next reading is a new base. */
			d->acc.primed = false;
			continue;
		}
		el = r.ns - d->last_ns;
		if (d->acc.primed && !gpumon_rapl_reading_due(el))
			continue;
		if (d->acc.primed &&
		    !gpumon_rapl_plausible(&d->acc, (u32)r.val[i], el))
			d->acc.primed = false;
		gpumon_rapl_feed(d, (u32)r.val[i], el, r.ns);
		d->last_ns = r.ns;
	}
	spin_unlock(&gpumon_rapl_lock);
}

static int gpumon_rapl_thread_fn(void *data)
{
	ktime_t next = ktime_get();
	unsigned int i, ms;
	u64 t0;

	while (!kthread_should_stop()) {
		t0 = ktime_get_ns();
		for (i = 0; i < gpumon_rapl_npkgs; i++)
			gpumon_rapl_sample_pkg(&gpumon_rapl_pkgs[i]);
		WRITE_ONCE(gpumon_rapl_pass_ns,
			   gpumon_rapl_pass_ns + ktime_get_ns() - t0);
		WRITE_ONCE(gpumon_rapl_passes, gpumon_rapl_passes + 1);

		/* The next deadline; anew after a period change or when
		 * late (no burst of catch-up passes).
		 */
		ms = READ_ONCE(gpumon_rapl_period_ms);
		next = ktime_add_ms(next, ms);
		if (xchg(&gpumon_rapl_kick, false) ||
		    ktime_before(next, ktime_get()))
			next = ktime_add_ms(ktime_get(), ms);

		/* TASK_IDLE: a sleeper that is not load. */
		set_current_state(TASK_IDLE);
		if (!kthread_should_stop() && !READ_ONCE(gpumon_rapl_kick))
			schedule_hrtimeout_range(&next,
						 (u64)ms * NSEC_PER_MSEC / 64,
						 HRTIMER_MODE_ABS);
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/* Take a free slot for a domain; gpumon_rapl_lock held. */
static struct gpumon_rapl_dom *gpumon_rapl_dom_new(u32 pkg, u32 domain,
						   bool injected, u32 esu)
{
	struct gpumon_rapl_dom *d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gpumon_rapl_doms); i++) {
		d = &gpumon_rapl_doms[i];
		if (d->used)
			continue;
		*d = (struct gpumon_rapl_dom){
			.used = true,
			.injected = injected,
			.pkg = pkg,
			.domain = domain,
		};
		gpumon_rapl_acc_init(&d->acc, esu);
		return d;
	}
	return NULL;
}

/*
 * Read @msr on @cpu for the probe: it must not fault and must not read
 * 0.  QEMU's TCG returns 0 for MSRs it does not emulate (0x606 among
 * them) where hardware would fault, and no RAPL unit register or busy
 * energy counter reads 0.  Says why not in @why.
 */
static int gpumon_rapl_probe_msr(int cpu, u32 msr, u64 *v, char *why,
				 size_t size)
{
	int ret = rdmsrl_safe_on_cpu(cpu, msr, v);

	if (!ret && !(u32)*v)
		ret = -ENODEV;
	if (ret)
		snprintf(why, size, "no RAPL MSRs: rdmsr %#x %s on CPU %d",
			 msr, ret == -ENODEV ? "reads 0" : "faulted", cpu);
	return ret;
}

/*
 * Probe package @p on its reader CPU: the unit, then each status MSR.
 * When it has no domain, says why in @why (the unit register, else the
 * package counter).
 */
static int gpumon_rapl_probe_pkg(struct gpumon_rapl_pkg *p, u32 unit_msr,
				 const u32 *status, unsigned int nstatus,
				 char *why, size_t size)
{
	char dwhy[GPUMON_REASON_LEN];
	u32 esu, dom_esu;
	unsigned int i;
	u64 v;
	int ret;

	ret = gpumon_rapl_probe_msr(p->cpu, unit_msr, &v, why, size);
	if (ret)
		return ret;
	esu = (v >> GPUMON_RAPL_ESU_SHIFT) & GPUMON_RAPL_ESU_MASK;
	for (i = 0; i < nstatus; i++) {
		if (gpumon_rapl_probe_msr(p->cpu, status[i], &v,
					  i ? dwhy : why,
					  i ? sizeof(dwhy) : size))
			continue;
		dom_esu = esu;
		if (i == GPUMON_RAPL_SLOT_DRAM && gpumon_rapl_dram_fixed_unit())
			dom_esu = GPUMON_RAPL_DRAM_SERVER_ESU;
		spin_lock(&gpumon_rapl_lock);
		p->dom[p->n] = gpumon_rapl_dom_new(p->id,
						   i == GPUMON_RAPL_SLOT_DRAM ?
						   GPUMON_RAPL_DRAM :
						   GPUMON_RAPL_PACKAGE,
						   false, dom_esu);
		spin_unlock(&gpumon_rapl_lock);
		if (!p->dom[p->n])
			break;
		p->msr[p->n++] = status[i];
		pr_info("RAPL package %u %s: energy unit 2^-%u J, read on CPU %d\n",
			p->id, i == GPUMON_RAPL_SLOT_DRAM ? "dram" : "package",
			dom_esu, p->cpu);
	}
	return p->n ? 0 : -ENODEV;
}

/* Set the source state, once, after everything it describes. */
static void gpumon_rapl_publish(u32 src)
{
	gpumon_rapl_src = src;
	/* Pairs with gpumon_rapl_state(): the fields above are seen. */
	smp_store_release(&gpumon_rapl_ready, true);
}

/*
 * The packages with an online CPU, each with its first CPU; under
 * cpus_read_lock(), held on until they are probed so no CPU found here
 * goes away before.
 */
static void gpumon_rapl_find_pkgs(void)
{
	unsigned int i;
	int cpu;
	u32 id;

	for_each_online_cpu(cpu) {
		id = topology_physical_package_id(cpu);
		for (i = 0; i < gpumon_rapl_npkgs; i++)
			if (gpumon_rapl_pkgs[i].id == id)
				break;
		if (i < gpumon_rapl_npkgs)
			continue;
		if (i == GPUMON_RAPL_MAX_PKGS) {
			pr_warn("RAPL: more than %d packages, the rest not sampled\n",
				GPUMON_RAPL_MAX_PKGS);
			break;
		}
		gpumon_rapl_pkgs[i].id = id;
		gpumon_rapl_pkgs[i].cpu = cpu;
		gpumon_rapl_npkgs++;
	}
}

/**
 * gpumon_rapl_init() - find the RAPL energy domains and start sampling
 *
 * Reads MSR_RAPL_POWER_UNIT (Intel, 0x606) or MSR_AMD_RAPL_POWER_UNIT
 * (AMD and Hygon, 0xc0010299) and the status MSRs of each package (see
 * the top of this file).  Where they are absent the source reports
 * GPUMON_SOURCE_ABSENT with the reason, printed once.
 *
 * Return: 0, or -ENODEV (no RAPL), or the error of starting the
 * sampler thread; the module carries on in every case.
 */
int gpumon_rapl_init(void)
{
	u32 status[GPUMON_RAPL_SLOTS], unit_msr;
	char why[GPUMON_REASON_LEN] = "", pwhy[GPUMON_REASON_LEN];
	struct task_struct *t;
	unsigned int i, nstatus, ndoms = 0;
	int ret = -ENODEV;

	switch (boot_cpu_data.x86_vendor) {
	case X86_VENDOR_INTEL:
		gpumon_rapl_vendor = "Intel";
		unit_msr = MSR_RAPL_POWER_UNIT;
		status[GPUMON_RAPL_SLOT_PKG] = MSR_PKG_ENERGY_STATUS;
		status[GPUMON_RAPL_SLOT_DRAM] = MSR_DRAM_ENERGY_STATUS;
		nstatus = 2;
		break;
	case X86_VENDOR_AMD:
	case X86_VENDOR_HYGON:
		gpumon_rapl_vendor = boot_cpu_data.x86_vendor ==
				     X86_VENDOR_AMD ? "AMD" : "Hygon";
		unit_msr = MSR_AMD_RAPL_POWER_UNIT;
		status[GPUMON_RAPL_SLOT_PKG] = MSR_AMD_PKG_ENERGY_STATUS;
		nstatus = 1;
		break;
	default:
		snprintf(gpumon_rapl_why, sizeof(gpumon_rapl_why),
			 "no RAPL MSRs: CPU vendor %u has none",
			 boot_cpu_data.x86_vendor);
		goto out_absent;
	}

	cpus_read_lock();
	gpumon_rapl_find_pkgs();
	for (i = 0; i < gpumon_rapl_npkgs; i++) {
		struct gpumon_rapl_pkg *p = &gpumon_rapl_pkgs[i];

		if (gpumon_rapl_probe_pkg(p, unit_msr, status, nstatus,
					  pwhy, sizeof(pwhy))) {
			/* The first package's reason stands for all. */
			if (!*why)
				strscpy(why, pwhy, sizeof(why));
			continue;
		}
		ndoms += p->n;
	}
	cpus_read_unlock();
	if (!ndoms) {
		strscpy(gpumon_rapl_why, *why ? why : "no RAPL MSRs: no package",
			sizeof(gpumon_rapl_why));
		goto out_absent;
	}

	t = kthread_run(gpumon_rapl_thread_fn, NULL, "gpumon_rapl");
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
		snprintf(gpumon_rapl_why, sizeof(gpumon_rapl_why),
			 "cannot start the sampler thread: %d", ret);
		gpumon_rapl_publish(GPUMON_SOURCE_ERROR);
		pr_err("RAPL: %s\n", gpumon_rapl_why);
		return ret;
	}
	spin_lock(&gpumon_rapl_task_lock);
	gpumon_rapl_task = t;
	spin_unlock(&gpumon_rapl_task_lock);
	gpumon_rapl_publish(GPUMON_SOURCE_ON);
	pr_info("RAPL: %u domains in %u packages, every %u ms\n", ndoms,
		gpumon_rapl_npkgs, gpumon_rapl_period());
	return 0;

out_absent:
	gpumon_rapl_publish(GPUMON_SOURCE_ABSENT);
	pr_info("RAPL: %s; power is not sampled\n", gpumon_rapl_why);
	return ret;
}

/**
 * gpumon_rapl_exit() - stop sampling and wait for the thread to end
 *
 * The thread is not woken by gpumon_rapl_set_period() after this.
 */
void gpumon_rapl_exit(void)
{
	struct task_struct *t;

	spin_lock(&gpumon_rapl_task_lock);
	t = gpumon_rapl_task;
	gpumon_rapl_task = NULL;
	spin_unlock(&gpumon_rapl_task_lock);
	if (t)
		kthread_stop(t);
}

/**
 * gpumon_rapl_period() - the energy sampling period
 *
 * Return: the period, ms.
 */
unsigned int gpumon_rapl_period(void)
{
	return READ_ONCE(gpumon_rapl_period_ms);
}

/**
 * gpumon_rapl_set_period() - change the energy sampling period
 * @ms: GPUMON_RAPL_PERIOD_MIN_MS to GPUMON_RAPL_PERIOD_MAX_MS, checked
 *	by the caller
 *
 * Wakes the sampler, which takes one sample at once and the next @ms
 * later.  Never waits for the sampler: it may be called under the genl
 * mutex and from the module parameter before gpumon_rapl_init().
 */
void gpumon_rapl_set_period(unsigned int ms)
{
	WRITE_ONCE(gpumon_rapl_period_ms, ms);
	/* Seen by the thread after set_current_state() (wake_up_process
	 * orders it before its test of the task state).
	 */
	WRITE_ONCE(gpumon_rapl_kick, true);
	spin_lock(&gpumon_rapl_task_lock);
	if (gpumon_rapl_task)
		wake_up_process(gpumon_rapl_task);
	spin_unlock(&gpumon_rapl_task_lock);
}

/**
 * gpumon_rapl_domain_at() - a copy of one energy domain
 * @idx: 0 to the number of domains - 1, in table order (the real ones
 *	by package, then the injected ones, unless injected before load
 *	ended)
 * @out: filled in
 *
 * Energy in uJ, powers in mW, times in ns (struct gpumon_rapl_info);
 * @out->window_valid is false until a first window has closed.
 *
 * Return: 0, or -ENOENT past the last domain.
 */
int gpumon_rapl_domain_at(unsigned int idx, struct gpumon_rapl_info *out)
{
	const struct gpumon_rapl_dom *d;
	const struct gpumon_rapl_acc *a;
	unsigned int i;
	int ret = -ENOENT;

	spin_lock(&gpumon_rapl_lock);
	for (i = 0; i < ARRAY_SIZE(gpumon_rapl_doms); i++) {
		d = &gpumon_rapl_doms[i];
		if (!d->used)
			continue;
		if (idx) {
			idx--;
			continue;
		}
		a = &d->acc;
		*out = (struct gpumon_rapl_info){
			.pkg		= d->pkg,
			.domain		= d->domain,
			.injected	= d->injected,
			.esu		= a->esu,
			.energy_uj	= gpumon_rapl_acc_uj(a),
			.window_valid	= a->done,
			.min_mw		= a->done_min_mw,
			.avg_mw		= a->done_avg_mw,
			.max_mw		= a->done_max_mw,
			.window_ns	= a->done_ns,
			.window_samples	= a->done_samples,
			.window_end_ns	= a->done_end_ns,
			.peak_mw	= a->peak_mw,
			.samples	= a->samples,
			.wraps		= a->wraps,
		};
		ret = 0;
		break;
	}
	spin_unlock(&gpumon_rapl_lock);
	return ret;
}

/**
 * gpumon_rapl_state() - whether the MSRs are sampled, and why not
 * @reason: filled with the reason, or what it does when on
 * @size: its size, GPUMON_REASON_LEN is enough
 *
 * Return: enum gpumon_source_state.
 */
u32 gpumon_rapl_state(char *reason, size_t size)
{
	u64 passes = READ_ONCE(gpumon_rapl_passes);
	u32 src;

	/* Pairs with gpumon_rapl_publish(): the fields are set. */
	if (!smp_load_acquire(&gpumon_rapl_ready)) {
		strscpy(reason, "not started", size);
		return GPUMON_SOURCE_ABSENT;
	}
	src = gpumon_rapl_src;
	if (src != GPUMON_SOURCE_ON) {
		strscpy(reason, gpumon_rapl_why, size);
		return src;
	}
	snprintf(reason, size,
		 "%s, %u packages, every %u ms, %llu ns a pass, %llu read errors",
		 gpumon_rapl_vendor, gpumon_rapl_npkgs, gpumon_rapl_period(),
		 passes ? div64_u64(READ_ONCE(gpumon_rapl_pass_ns), passes) : 0,
		 READ_ONCE(gpumon_rapl_read_errors));
	return src;
}

/* The injected domain @pkg @domain; gpumon_rapl_lock held. */
static struct gpumon_rapl_dom *gpumon_rapl_inj_find(u32 pkg, u32 domain)
{
	struct gpumon_rapl_dom *d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gpumon_rapl_doms); i++) {
		d = &gpumon_rapl_doms[i];
		if (d->used && d->injected && d->pkg == pkg &&
		    d->domain == domain)
			return d;
	}
	return NULL;
}

static unsigned int gpumon_rapl_inj_count(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(gpumon_rapl_doms); i++)
		n += gpumon_rapl_doms[i].used && gpumon_rapl_doms[i].injected;
	return n;
}

/* Apply one parsed command; gpumon_rapl_lock held. */
static int gpumon_rapl_inject_cmd(u32 pkg, u32 domain, const char *cmd,
				  const char *arg)
{
	struct gpumon_rapl_dom *d = gpumon_rapl_inj_find(pkg, domain);
	u32 esu, raw;
	u64 us;

	if (!strcmp(cmd, "esu")) {
		if (!arg || kstrtou32(arg, 0, &esu) ||
		    esu > GPUMON_RAPL_ESU_MAX)
			return -EINVAL;
		if (d) {
			gpumon_rapl_acc_init(&d->acc, esu);
			return 0;
		}
		if (gpumon_rapl_inj_count() >= GPUMON_RAPL_MAX_INJ)
			return -ENOSPC;
		d = gpumon_rapl_dom_new(pkg, domain, true, esu);
		return d ? 0 : -ENOSPC;
	}
	if (!strcmp(cmd, "close") || !strcmp(cmd, "remove")) {
		if (arg)
			return -EINVAL;
		if (!d)
			return -ENOENT;
		if (*cmd == 'c')
			gpumon_rapl_acc_close(&d->acc, ktime_get_ns());
		else
			d->used = false;
		return 0;
	}
	if (!arg || kstrtou32(cmd, 0, &raw) || kstrtou64(arg, 0, &us) ||
	    us > U64_MAX / NSEC_PER_USEC)
		return -EINVAL;
	if (!d)
		return -ENOENT;
	gpumon_rapl_feed(d, raw, us * NSEC_PER_USEC, ktime_get_ns());
	return 0;
}

/* "PKG DOMAIN CMD [ARG]" */
static int gpumon_rapl_inject_line(char *line)
{
	char *tok[5], *t;
	unsigned int n = 0;
	u32 pkg, domain;
	int ret;

	while ((t = strsep(&line, " \t"))) {
		if (!*t)
			continue;
		if (n == ARRAY_SIZE(tok))
			return -EINVAL;
		tok[n++] = t;
	}
	if (n < 3 || n > 4 || kstrtou32(tok[0], 0, &pkg))
		return -EINVAL;
	if (!strcmp(tok[1], "package"))
		domain = GPUMON_RAPL_PACKAGE;
	else if (!strcmp(tok[1], "dram"))
		domain = GPUMON_RAPL_DRAM;
	else
		return -EINVAL;

	spin_lock(&gpumon_rapl_lock);
	ret = gpumon_rapl_inject_cmd(pkg, domain, tok[2],
				     n == 4 ? tok[3] : NULL);
	spin_unlock(&gpumon_rapl_lock);
	return ret;
}

static ssize_t gpumon_rapl_inject_write(struct file *file,
					const char __user *ubuf, size_t count,
					loff_t *ppos)
{
	char *buf, *next, *line;
	int ret = 0;

	if (count > GPUMON_RAPL_INJECT_MAX)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	next = buf;
	while (!ret && (line = strsep(&next, "\n"))) {
		line = strim(line);
		if (*line)
			ret = gpumon_rapl_inject_line(line);
	}
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations gpumon_rapl_inject_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= gpumon_rapl_inject_write,
	.llseek	= noop_llseek,
};

/**
 * gpumon_rapl_debugfs_init() - create inject_rapl in the module's folder
 * @dir: /sys/kernel/debug/gpumon
 *
 * Root only (0200); syntax at the top of this file.  debugfs failures
 * are not checked (see debugfs.h).
 */
void gpumon_rapl_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("inject_rapl", 0200, dir, NULL,
			    &gpumon_rapl_inject_fops);
}
