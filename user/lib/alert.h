/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * alert.h - syslog alerts from model events.
 */
#ifndef GPUMON_ALERT_H
#define GPUMON_ALERT_H

#include <stdint.h>
#include "model.h"

/**
 * struct gpumon_alerter - turns events into alert lines.
 * @cor_interval_ns: correctable AER errors of one device are reported at
 *	most once per interval, with the exact count since the last line
 * @out: where a line goes; syslog(3) when NULL
 * @ctx: passed to @out
 * @lines: lines written
 */
struct gpumon_alerter {
	uint64_t cor_interval_ns;
	void (*out)(void *ctx, int level, const char *line);
	void *ctx;
	uint64_t lines;
};

/**
 * gpumon_alert_event() - alert on one new event.  Caller holds @m->lock.
 * @now_mono_ns: CLOCK_MONOTONIC now, ns
 *
 * Uncorrectable AER errors, Xids, lost records and source changes give
 * one line each, at once.  Correctable AER errors give a line at once when the
 * device had none reported within the interval, else wait for
 * gpumon_alert_tick().  Line shape: "LEVEL bdf=... kind=... k=v ...
 * msg=\"...\"".
 */
void gpumon_alert_event(struct gpumon_alerter *a, struct gpumon_model *m,
			const struct gpumon_event *ev, uint64_t now_mono_ns);

/**
 * gpumon_alert_tick() - write the correctable-error lines now due.
 * Caller holds @m->lock.  Call about once a second.
 */
void gpumon_alert_tick(struct gpumon_alerter *a, struct gpumon_model *m,
		       uint64_t now_mono_ns);

#endif
