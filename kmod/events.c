// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: the event pipeline.
 *
 * Every event (AER, link, device, thermal, injected or real) is given a
 * sequence number and both timestamps and queued into a fixed ring under
 * a spinlock, from any context; a work item sends the queued events to
 * the "events" group.  The sequence number advances even when the ring
 * is full or sending fails, and every such loss is counted per kind.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "gpumon.h"

/* Events waiting for the work item; a power of two. */
#define GPUMON_RING_SIZE	1024

static struct gpumon_event gpumon_ring[GPUMON_RING_SIZE];
static unsigned int gpumon_ring_head;	/* next to write */
static unsigned int gpumon_ring_tail;	/* next to read */
static u64 gpumon_seq;			/* last sequence number given */
static DEFINE_SPINLOCK(gpumon_ring_lock);

static atomic64_t gpumon_lost[__GPUMON_EVENT_MAX];

static void gpumon_event_work_fn(struct work_struct *work);
static DECLARE_WORK(gpumon_event_work, gpumon_event_work_fn);

/**
 * gpumon_events_lost() - events lost since load, all kinds
 *
 * Lost: the ring was full, or the notification could not be allocated
 * or sent.  Any context.
 *
 * Return: the count.
 */
u64 gpumon_events_lost(void)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < __GPUMON_EVENT_MAX; i++)
		n += atomic64_read(&gpumon_lost[i]);
	return n;
}

/**
 * gpumon_event_lost_kind() - events of one kind lost since load
 * @kind: enum gpumon_event_kind
 *
 * Return: the count, 0 for an unknown kind.
 */
u64 gpumon_event_lost_kind(unsigned int kind)
{
	return kind < __GPUMON_EVENT_MAX ? atomic64_read(&gpumon_lost[kind]) : 0;
}

/**
 * gpumon_event_lost() - count one lost event
 * @kind: enum gpumon_event_kind (out of range counts as UNSPEC)
 *
 * Any context.
 */
void gpumon_event_lost(unsigned int kind)
{
	if (kind >= __GPUMON_EVENT_MAX)
		kind = GPUMON_EVENT_UNSPEC;
	atomic64_inc(&gpumon_lost[kind]);
}

/**
 * gpumon_event_last_seq() - the last sequence number given
 *
 * Any context.
 *
 * Return: the number, 0 before the first event.
 */
u64 gpumon_event_last_seq(void)
{
	unsigned long flags;
	u64 seq;

	spin_lock_irqsave(&gpumon_ring_lock, flags);
	seq = gpumon_seq;
	spin_unlock_irqrestore(&gpumon_ring_lock, flags);
	return seq;
}

/**
 * gpumon_event_init() - start an event about @gdev
 * @ev: the event to fill
 * @kind: enum gpumon_event_kind
 * @severity: enum gpumon_severity
 * @gdev: the device, or NULL
 *
 * Safe in any context: copies the device's immutable fields only.
 */
void gpumon_event_init(struct gpumon_event *ev, u32 kind, u32 severity,
		       const struct gpumon_dev *gdev)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->severity = severity;
	if (gdev) {
		strscpy(ev->bdf, gdev->bdf, sizeof(ev->bdf));
		ev->role = gdev->role;
	}
}

/**
 * gpumon_event_emit() - stamp, number and queue @ev
 * @ev: the event; its seq and times are set here
 *
 * Any context: no sleeping, no allocation.  The sequence number advances
 * even when the ring is full (the event is then counted as lost), so
 * listeners see the gap.
 */
void gpumon_event_emit(struct gpumon_event *ev)
{
	unsigned long flags;
	bool queued = false;

	ev->time_mono = ktime_get_ns();
	ev->time_real = ktime_get_real_ns();

	spin_lock_irqsave(&gpumon_ring_lock, flags);
	ev->seq = ++gpumon_seq;
	if (gpumon_ring_head - gpumon_ring_tail < GPUMON_RING_SIZE) {
		gpumon_ring[gpumon_ring_head % GPUMON_RING_SIZE] = *ev;
		gpumon_ring_head++;
		queued = true;
	}
	spin_unlock_irqrestore(&gpumon_ring_lock, flags);

	if (queued)
		schedule_work(&gpumon_event_work);
	else
		gpumon_event_lost(ev->kind);
}

static bool gpumon_ring_pop(struct gpumon_event *ev)
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

static void gpumon_event_work_fn(struct work_struct *work)
{
	struct gpumon_event ev;

	while (gpumon_ring_pop(&ev)) {
		gpumon_nl_notify(&ev);
		cond_resched();
	}
}

/**
 * gpumon_events_flush() - send what is queued, and wait for it
 *
 * Called after the last producer of events stopped, so the work is not
 * queued again.  Process context.
 */
void gpumon_events_flush(void)
{
	flush_work(&gpumon_event_work);
}
