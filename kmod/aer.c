// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: AER errors from the ras:aer_event tracepoint.
 *
 * The tracepoint is not exported to modules, so it is found by name and
 * a probe is attached to it.  The probe runs in whatever context the AER
 * core reports from: it only looks the device up without a lock, counts
 * per severity and per status bit, and queues the event (events.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>

#include "compat.h"
#include "gpumon.h"

static struct tracepoint *gpumon_aer_tp;

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

static const u32 gpumon_aer_event_sev[] = {
	[GPUMON_AER_CORRECTABLE]	= GPUMON_SEV_WARNING,
	[GPUMON_AER_NONFATAL]		= GPUMON_SEV_ERROR,
	[GPUMON_AER_FATAL]		= GPUMON_SEV_CRITICAL,
};

/**
 * gpumon_aer_record() - count one AER error of @gdev and queue its event
 * @gdev: the watched device
 * @status: AER Correctable or Uncorrectable Error Status bits, as the
 *	AER core reports them (PCIe r6.0 sec 7.8.4.5, 7.8.4.2); 0 means
 *	the core could not read them
 * @aer_sev: enum gpumon_aer_severity
 * @tlp_valid: @tlp holds the Header Log (sec 7.8.4.8)
 * @tlp: the Header Log, 4 dwords, or NULL
 *
 * Any context (the ras:aer_event probe, debugfs injection): no sleeping,
 * no allocation.  Status 0 is the AER core saying it could not read the
 * device's error status ("type=Inaccessible", e.g. a device gone from
 * the bus): it leaves that out of the device's aer_dev_* totals, and so
 * do the counters here; the event itself is still sent.
 */
void gpumon_aer_record(struct gpumon_dev *gdev, u32 status, u32 aer_sev,
		       bool tlp_valid, const u32 tlp[4])
{
	atomic64_t *bits = aer_sev == GPUMON_AER_CORRECTABLE ?
			   gdev->aer_cor : gdev->aer_uncor;
	struct gpumon_event ev;
	unsigned long flags, st = status;
	unsigned int bit;

	if (aer_sev > GPUMON_AER_SEV_MAX)
		aer_sev = GPUMON_AER_FATAL;
	gpumon_event_init(&ev, GPUMON_EVENT_AER, gpumon_aer_event_sev[aer_sev],
			  gdev);
	ev.aer_severity = aer_sev;
	ev.aer_status = status;
	if (tlp_valid && tlp) {
		ev.tlp_valid = true;
		memcpy(ev.tlp, tlp, sizeof(ev.tlp));
	}

	if (status && READ_ONCE(gdev->watched)) {
		atomic64_inc(&gdev->aer[aer_sev]);
		for_each_set_bit(bit, &st, GPUMON_AER_BITS)
			atomic64_inc(&bits[bit]);
		spin_lock_irqsave(&gdev->aer_lock, flags);
		gdev->aer_last_ns = ktime_get_real_ns();
		if (!gdev->aer_first_ns)
			gdev->aer_first_ns = gdev->aer_last_ns;
		if (ev.tlp_valid) {
			memcpy(gdev->aer_tlp, ev.tlp, sizeof(gdev->aer_tlp));
			gdev->aer_tlp_valid = true;
		}
		spin_unlock_irqrestore(&gdev->aer_lock, flags);
	}
	gpumon_event_emit(&ev);
}

/*
 * The probe: called for every AER error the kernel reports, in any
 * context.  No sleeping, no allocation: look up, count, queue.
 */
static void gpumon_aer_probe(void *data, const char *dev_name,
			     const u32 status, const u8 severity,
			     const u8 tlp_header_valid,
			     struct gpumon_tlp_log *tlp)
{
	struct gpumon_dev *gdev;
	u32 dw[4] = { };

	gdev = gpumon_dev_find(dev_name);
	if (!gdev)
		return;
	if (tlp_header_valid && tlp)
		gpumon_tlp_read(tlp, dw);
	gpumon_aer_record(gdev, status, gpumon_aer_severity(severity),
			  tlp_header_valid && tlp, dw);
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

/**
 * gpumon_aer_exit() - detach from ras:aer_event
 *
 * Waits for probes still running on other CPUs; the events they queued
 * are sent by gpumon_events_flush().
 */
void gpumon_aer_exit(void)
{
	if (!gpumon_aer_tp)
		return;
	tracepoint_probe_unregister(gpumon_aer_tp, (void *)gpumon_aer_probe,
				    NULL);
	tracepoint_synchronize_unregister();
	gpumon_aer_tp = NULL;
}
