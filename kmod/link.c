// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: link health sampling.
 *
 * Every interval (module parameter interval_ms, or netlink
 * GPUMON_CMD_CONFIG_SET; default 1 s) a delayed work item reads, for
 * every watched device that is present, the Vendor ID (all ones: the
 * device no longer answers), Link Capabilities, Link Capabilities 2 and
 * Link Status.  Four config reads per device, no allocation.
 *
 * A link is judged against the device's own maximum: down when the port
 * reports Data Link Layer Link Active = 0 after having reported 1 (some
 * ports, QEMU's pcie-root-port among them, claim the capability and
 * never set the bit), downtrained when the current speed or width is
 * below the maximum.  Each change of that condition is
 * an event naming both ends; at most GPUMON_LINK_BURST link events per
 * device are sent per GPUMON_LINK_WINDOW, the rest are counted and
 * summed up in one LINK_FLAPPING event when the window ends.  The counts
 * themselves are never rate-limited.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "gpumon.h"

#define GPUMON_LINK_BURST	5
#define GPUMON_LINK_WINDOW	(10 * HZ)

static unsigned int gpumon_interval_ms = GPUMON_INTERVAL_DEFAULT_MS;
static bool gpumon_link_running;		/* under gpumon_link_mutex */
static u64 gpumon_samples;		/* passes, and their time in ns, */
static u64 gpumon_sample_ns;		/* read together under the lock */
static DEFINE_SPINLOCK(gpumon_stats_lock);
static DEFINE_MUTEX(gpumon_link_mutex);

static void gpumon_link_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(gpumon_link_work, gpumon_link_work_fn);

static int gpumon_interval_param_set(const char *val,
				     const struct kernel_param *kp)
{
	unsigned int ms;
	int ret;

	ret = gpumon_param_uint(val, GPUMON_INTERVAL_MIN_MS,
				GPUMON_INTERVAL_MAX_MS, &ms);
	if (!ret)
		gpumon_link_set_interval(ms);
	return ret;
}

static const struct kernel_param_ops gpumon_interval_param_ops = {
	.set	= gpumon_interval_param_set,
	.get	= param_get_uint,
};

module_param_cb(interval_ms, &gpumon_interval_param_ops, &gpumon_interval_ms,
		0644);
MODULE_PARM_DESC(interval_ms,
		 "Link sampling interval in ms, 10-60000 (default 1000)");

/* Link Speed encoding (PCIe r6.0 sec 7.5.3.18, Supported Link Speeds
 * Vector bit n = encoding n) to MT/s.
 */
static const u32 gpumon_speed_mts[] = {
	0, 2500, 5000, 8000, 16000, 32000, 64000,
};

static u32 gpumon_speed(unsigned int code)
{
	return code < ARRAY_SIZE(gpumon_speed_mts) ? gpumon_speed_mts[code] : 0;
}

/*
 * Read the link registers of @pdev into @l.  Returns false when the
 * device has no link registers.
 */
static bool gpumon_link_read(struct pci_dev *pdev, struct gpumon_link *l)
{
	u32 cap = 0, cap2 = 0;
	u16 sta = 0;

	if (!pci_is_pcie(pdev))
		return false;
	pcie_capability_read_dword(pdev, PCI_EXP_LNKCAP, &cap);
	pcie_capability_read_dword(pdev, PCI_EXP_LNKCAP2, &cap2);
	pcie_capability_read_word(pdev, PCI_EXP_LNKSTA, &sta);
	if (!cap)
		return false;

	/*
	 * Max speed: the highest bit of the Supported Link Speeds Vector
	 * (LnkCap2 bits 7:1) when there is one, else LnkCap Max Link Speed
	 * (bits 3:0, sec 7.5.3.6).  As pcie_get_speed_cap() does.
	 */
	if (cap2 & PCI_EXP_LNKCAP2_SLS)
		l->max_speed = gpumon_speed(fls(cap2 & PCI_EXP_LNKCAP2_SLS) - 1);
	else
		l->max_speed = gpumon_speed(cap & PCI_EXP_LNKCAP_SLS);
	l->max_width = FIELD_GET(PCI_EXP_LNKCAP_MLW, cap);
	/* Link Status Current Link Speed 3:0, Negotiated Width 9:4. */
	l->cur_speed = gpumon_speed(sta & PCI_EXP_LNKSTA_CLS);
	l->cur_width = FIELD_GET(PCI_EXP_LNKSTA_NLW, sta);
	/* DLL Link Active (sta bit 13), valid when LnkCap bit 20 is set. */
	l->dll_supported = cap & PCI_EXP_LNKCAP_DLLLARC;
	l->dll_active = sta & PCI_EXP_LNKSTA_DLLLA;
	return true;
}

static enum gpumon_link_cond gpumon_link_judge(struct gpumon_dev *gdev,
					       const struct gpumon_link *l)
{
	if (l->dll_supported && l->dll_active)
		gdev->dll_seen = true;
	if (l->dll_supported && !l->dll_active && gdev->dll_seen)
		return GPUMON_LINK_DOWN;
	if (!l->cur_width || !l->cur_speed)
		return GPUMON_LINK_UNKNOWN;
	if (l->cur_speed < l->max_speed || l->cur_width < l->max_width)
		return GPUMON_LINK_DOWNTRAINED;
	return GPUMON_LINK_OK;
}

/* Whether a link event of @gdev may be sent now; counts it if not. */
static bool gpumon_link_ratelimit(struct gpumon_dev *gdev)
{
	if (time_after(jiffies, gdev->rl_start + GPUMON_LINK_WINDOW)) {
		gdev->rl_start = jiffies;
		gdev->rl_count = 0;
	}
	if (gdev->rl_count < GPUMON_LINK_BURST) {
		gdev->rl_count++;
		return true;
	}
	gdev->rl_missed++;
	gdev->n_suppressed++;
	return false;
}

static void gpumon_link_event(struct gpumon_dev *gdev, u32 kind, u32 severity)
{
	struct gpumon_event ev;

	gpumon_event_init(&ev, kind, severity, gdev);
	strscpy(ev.peer, gpumon_dev_peer(gdev), sizeof(ev.peer));
	ev.link_valid = gdev->link_valid;
	ev.link = gdev->link;
	ev.flaps = gdev->n_flaps;
	ev.suppressed = gdev->n_suppressed;
	gpumon_event_emit(&ev);
}

/* The window of suppressed events is over: one summary event. */
static void gpumon_link_summary(struct gpumon_dev *gdev)
{
	if (!gdev->rl_missed ||
	    !time_after(jiffies, gdev->rl_start + GPUMON_LINK_WINDOW))
		return;
	gdev->rl_missed = 0;
	gdev->rl_start = jiffies;
	gdev->rl_count = 1;
	gpumon_link_event(gdev, GPUMON_EVENT_LINK_FLAPPING, GPUMON_SEV_WARNING);
}

static void gpumon_link_change(struct gpumon_dev *gdev,
			       enum gpumon_link_cond cond)
{
	enum gpumon_link_cond old = gdev->cond;
	bool first = old == GPUMON_LINK_UNKNOWN;
	u32 kind, sev;

	gdev->cond = cond;
	switch (cond) {
	case GPUMON_LINK_DOWN:
		gdev->n_link_down++;
		kind = GPUMON_EVENT_LINK_DOWN;
		sev = GPUMON_SEV_ERROR;
		break;
	case GPUMON_LINK_DOWNTRAINED:
		gdev->n_downtrained++;
		kind = GPUMON_EVENT_LINK_DOWNTRAINED;
		sev = GPUMON_SEV_WARNING;
		break;
	case GPUMON_LINK_OK:
		/* A healthy link at the first sample is no news. */
		if (first)
			return;
		kind = GPUMON_EVENT_LINK_RESTORED;
		sev = GPUMON_SEV_INFO;
		break;
	default:
		return;
	}
	if (!first)
		gdev->n_flaps++;
	if (gpumon_link_ratelimit(gdev))
		gpumon_link_event(gdev, kind, sev);
}

/**
 * gpumon_link_sample() - sample one device now, judge, send events
 * @gdev: a watched, present device; the devices lock held
 *
 * From the sampler, and from debugfs right after an injection, so that
 * every injected change is seen.
 */
void gpumon_link_sample(struct gpumon_dev *gdev)
{
	struct gpumon_link l = { };
	enum gpumon_link_cond cond;
	bool changed;
	u32 id = 0;

	if (gdev->inj_gone)
		id = ~0U;
	else
		pci_read_config_dword(gdev->pdev, PCI_VENDOR_ID, &id);
	if (PCI_POSSIBLE_ERROR(id)) {
		if (gdev->state == GPUMON_STATE_PRESENT) {
			gdev->state = GPUMON_STATE_NOT_RESPONDING;
			gdev->n_not_responding++;
			gpumon_link_event(gdev, GPUMON_EVENT_DEV_NOT_RESPONDING,
					  GPUMON_SEV_CRITICAL);
		}
		return;
	}
	if (gdev->state == GPUMON_STATE_NOT_RESPONDING) {
		gdev->state = GPUMON_STATE_PRESENT;
		gdev->cond = GPUMON_LINK_UNKNOWN;
	}

	if (gdev->inj_active) {
		l = gdev->inj_link;
	} else if (!gpumon_link_read(gdev->pdev, &l)) {
		gdev->link_valid = false;
		goto out_summary;
	}
	cond = gpumon_link_judge(gdev, &l);
	changed = cond != gdev->cond ||
		  (cond == GPUMON_LINK_DOWNTRAINED &&
		   (l.cur_speed != gdev->link.cur_speed ||
		    l.cur_width != gdev->link.cur_width));
	gdev->link = l;
	gdev->link_valid = true;
	if (changed)
		gpumon_link_change(gdev, cond);
out_summary:
	gpumon_link_summary(gdev);
}

/* Sample every watched, present device; takes the devices lock. */
static void gpumon_link_sample_all(void)
{
	struct gpumon_dev *gdev;
	unsigned int i;

	gpumon_devs_lock();
	for (i = 0; (gdev = gpumon_dev_at(i)); i++)
		if (gdev->watched && gdev->pdev)
			gpumon_link_sample(gdev);
	gpumon_devs_unlock();
}

static void gpumon_link_work_fn(struct work_struct *work)
{
	u64 t0 = ktime_get_ns();

	gpumon_link_sample_all();
	spin_lock(&gpumon_stats_lock);
	gpumon_sample_ns += ktime_get_ns() - t0;
	gpumon_samples++;
	spin_unlock(&gpumon_stats_lock);
	if (READ_ONCE(gpumon_link_running))
		queue_delayed_work(system_wq, &gpumon_link_work,
				   msecs_to_jiffies(READ_ONCE(gpumon_interval_ms)));
}

/**
 * gpumon_link_stats() - sampling passes so far and their cost
 * @samples: passes of the periodic sampler since load
 * @ns: time spent in them, CLOCK_MONOTONIC ns
 */
void gpumon_link_stats(u64 *samples, u64 *ns)
{
	spin_lock(&gpumon_stats_lock);
	*samples = gpumon_samples;
	*ns = gpumon_sample_ns;
	spin_unlock(&gpumon_stats_lock);
}

/**
 * gpumon_link_interval() - the sampling interval
 *
 * Return: the interval, ms.
 */
unsigned int gpumon_link_interval(void)
{
	return READ_ONCE(gpumon_interval_ms);
}

/**
 * gpumon_link_set_interval() - change the sampling interval
 * @ms: GPUMON_INTERVAL_MIN_MS to GPUMON_INTERVAL_MAX_MS, checked by the
 *	caller
 *
 * Takes effect at once: the next sample is due @ms from now.
 */
void gpumon_link_set_interval(unsigned int ms)
{
	mutex_lock(&gpumon_link_mutex);
	WRITE_ONCE(gpumon_interval_ms, ms);
	if (gpumon_link_running)
		mod_delayed_work(system_wq, &gpumon_link_work,
				 msecs_to_jiffies(ms));
	mutex_unlock(&gpumon_link_mutex);
}

/**
 * gpumon_link_init() - start sampling
 *
 * The first pass runs at once, so that links already degraded at load
 * are reported (to listeners already there) and counted.
 */
void gpumon_link_init(void)
{
	mutex_lock(&gpumon_link_mutex);
	WRITE_ONCE(gpumon_link_running, true);
	queue_delayed_work(system_wq, &gpumon_link_work, 0);
	mutex_unlock(&gpumon_link_mutex);
}

/**
 * gpumon_link_exit() - stop sampling and wait for a pass in progress
 *
 * No interval change queues the work after this, and
 * cancel_delayed_work_sync() copes with the work requeueing itself.
 */
void gpumon_link_exit(void)
{
	mutex_lock(&gpumon_link_mutex);
	WRITE_ONCE(gpumon_link_running, false);
	mutex_unlock(&gpumon_link_mutex);
	cancel_delayed_work_sync(&gpumon_link_work);
}
