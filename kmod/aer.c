// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: AER errors from the ras:aer_event tracepoint.
 *
 * The tracepoint is not exported to modules, so it is found by name and
 * a probe is attached to it.  The probe runs in whatever context the AER
 * core reports from: it only counts, stamps and queues the event into a
 * fixed ring under a spinlock, then kicks a work item that sends the
 * netlink notifications.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "gpumon.h"

/* Events waiting for the work item; a power of two. */
#define GPUMON_RING_SIZE	1024

static struct gpumon_aer_event gpumon_ring[GPUMON_RING_SIZE];
static unsigned int gpumon_ring_head;	/* next to write */
static unsigned int gpumon_ring_tail;	/* next to read */
static u64 gpumon_seq;			/* last sequence number given */
static DEFINE_SPINLOCK(gpumon_ring_lock);

static atomic64_t gpumon_lost = ATOMIC64_INIT(0);

static struct tracepoint *gpumon_aer_tp;

static void gpumon_aer_work_fn(struct work_struct *work);
static DECLARE_WORK(gpumon_aer_work, gpumon_aer_work_fn);

/* Events counted but not delivered: ring overflow, no memory. */
u64 gpumon_events_lost(void)
{
	return atomic64_read(&gpumon_lost);
}

void gpumon_event_lost(void)
{
	atomic64_inc(&gpumon_lost);
}

/*
 * Give @ev the next sequence number and queue it.  The number advances
 * even when the ring is full, so listeners see the gap.
 */
static void gpumon_ring_push(struct gpumon_aer_event *ev)
{
	unsigned long flags;

	spin_lock_irqsave(&gpumon_ring_lock, flags);
	ev->seq = ++gpumon_seq;
	if (gpumon_ring_head - gpumon_ring_tail < GPUMON_RING_SIZE) {
		gpumon_ring[gpumon_ring_head % GPUMON_RING_SIZE] = *ev;
		gpumon_ring_head++;
	} else {
		atomic64_inc(&gpumon_lost);
	}
	spin_unlock_irqrestore(&gpumon_ring_lock, flags);
}

static bool gpumon_ring_pop(struct gpumon_aer_event *ev)
{
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&gpumon_ring_lock, flags);
	if (gpumon_ring_tail != gpumon_ring_head) {
		*ev = gpumon_ring[gpumon_ring_tail % GPUMON_RING_SIZE];
		gpumon_ring_tail++;
		found = true;
	}
	spin_unlock_irqrestore(&gpumon_ring_lock, flags);
	return found;
}

static void gpumon_aer_work_fn(struct work_struct *work)
{
	struct gpumon_aer_event ev;

	while (gpumon_ring_pop(&ev)) {
		gpumon_nl_notify_aer(&ev);
		cond_resched();
	}
}

/* Kernel order (linux/aer.h) to enum gpumon_aer_severity. */
static u8 gpumon_aer_severity(u8 severity)
{
	switch (severity) {
	case AER_CORRECTABLE:
		return GPUMON_AER_CORRECTABLE;
	case AER_NONFATAL:
		return GPUMON_AER_NONFATAL;
	default:
		/* AER_FATAL, and DPC_FATAL (3) where the kernel has it. */
		return GPUMON_AER_FATAL;
	}
}

/*
 * The probe: called for every AER error the kernel reports, in any
 * context.  No sleeping, no allocation: look up, count, queue, kick.
 */
static void gpumon_aer_probe(void *data, const char *dev_name,
			     const u32 status, const u8 severity,
			     const u8 tlp_header_valid,
			     struct gpumon_tlp_log *tlp)
{
	struct gpumon_aer_event ev = { };
	struct gpumon_dev *gdev;

	gdev = gpumon_dev_find(dev_name);
	if (!gdev)
		return;

	ev.time_mono = ktime_get_ns();
	ev.time_real = ktime_get_real_ns();
	ev.dev = gdev;
	ev.status = status;
	ev.severity = gpumon_aer_severity(severity);
	if (tlp_header_valid && tlp) {
		ev.tlp_valid = 1;
		gpumon_tlp_read(tlp, ev.tlp);
	}
	/*
	 * Status 0 is the AER core saying it could not read the device's
	 * error status ("type=Inaccessible", e.g. a device gone from the
	 * bus).  It leaves that out of the device's aer_dev_* totals, and
	 * so do the counters here; the event itself is still sent.
	 */
	if (status)
		atomic64_inc(&gdev->aer[ev.severity]);

	gpumon_ring_push(&ev);
	schedule_work(&gpumon_aer_work);
}

static void gpumon_find_tp(struct tracepoint *tp, void *priv)
{
	struct tracepoint **found = priv;

	if (!strcmp(tp->name, "aer_event"))
		*found = tp;
}

/**
 * gpumon_aer_init() - attach to ras:aer_event
 *
 * A kernel without the tracepoint (no CONFIG_PCIEAER) is not an error:
 * the module loads with AER counting off.
 *
 * Return: 0, or the error from tracepoint_probe_register().
 */
int gpumon_aer_init(void)
{
	struct tracepoint *tp = NULL;
	int ret;

	gpumon_aer_probe_check(gpumon_aer_probe);
	for_each_kernel_tracepoint(gpumon_find_tp, &tp);
	if (!tp) {
		pr_warn("tracepoint ras:aer_event not found (kernel without CONFIG_PCIEAER?); AER counting off\n");
		return 0;
	}

	ret = tracepoint_probe_register(tp, (void *)gpumon_aer_probe, NULL);
	if (ret) {
		pr_err("cannot attach to ras:aer_event: %d\n", ret);
		return ret;
	}
	gpumon_aer_tp = tp;
	return 0;
}

/*
 * Detach, wait for probes still running on other CPUs, then send what
 * they queued.  The work is not queued again after this.
 */
void gpumon_aer_exit(void)
{
	if (!gpumon_aer_tp)
		return;
	tracepoint_probe_unregister(gpumon_aer_tp, (void *)gpumon_aer_probe,
				    NULL);
	tracepoint_synchronize_unregister();
	gpumon_aer_tp = NULL;
	flush_work(&gpumon_aer_work);
}
