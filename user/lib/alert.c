// SPDX-License-Identifier: GPL-2.0-only
/*
 * alert.c - syslog alerts: one line per alert, key=value fields first,
 * then a human sentence in msg="...".
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "alert.h"

static void emit(struct gpumon_alerter *a, int level, const char *line)
{
	a->lines++;
	if (a->out)
		a->out(a->ctx, level, line);
	else
		syslog(LOG_DAEMON | level, "%s", line);
}

/* Copy @s for msg="...": double quotes and control bytes become '. */
static void quote(char *dst, size_t len, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < len && s[i]; i++)
		dst[i] = (s[i] == '"' || (unsigned char)s[i] < 0x20) ? '\'' :
			 s[i];
	dst[i] = '\0';
}

static void cor_line(struct gpumon_alerter *a, struct gpumon_dev *d,
		     uint64_t now)
{
	uint64_t n = d->aer[GPUMON_AER_CORRECTABLE] - d->cor_reported;
	char line[512];

	snprintf(line, sizeof(line),
		 "%s bdf=%s kind=aer severity=correctable count=%llu interval_s=%llu msg=\"%llu correctable PCIe AER error%s on %s since the last report\"",
		 gpumon_level_name(LOG_WARNING), d->bdf,
		 (unsigned long long)n,
		 (unsigned long long)(a->cor_interval_ns / 1000000000ull),
		 (unsigned long long)n, n == 1 ? "" : "s", d->bdf);
	d->cor_reported = d->aer[GPUMON_AER_CORRECTABLE];
	d->cor_alert_mono_ns = now;
	emit(a, LOG_WARNING, line);
}

static bool cor_due(const struct gpumon_alerter *a,
		    const struct gpumon_dev *d, uint64_t now)
{
	return !d->cor_alert_mono_ns ||
	       now - d->cor_alert_mono_ns >= a->cor_interval_ns;
}

/*
 * Correctable errors since the last line, by the device's counter, so
 * the count stays exact when events are lost (the module's counter is
 * refreshed from its dump) and when the counter restarts (module reload).
 */
static void cor_check(struct gpumon_alerter *a, struct gpumon_dev *d,
		      uint64_t now)
{
	uint64_t c = d->aer[GPUMON_AER_CORRECTABLE];

	if (c < d->cor_reported)
		d->cor_reported = c;
	if (c > d->cor_reported && cor_due(a, d, now))
		cor_line(a, d, now);
}

void gpumon_alert_event(struct gpumon_alerter *a, struct gpumon_model *m,
			const struct gpumon_event *ev, uint64_t now_mono_ns)
{
	char line[1024], msg[sizeof(ev->message)];
	struct gpumon_dev *d;

	if (!strcmp(ev->kind, "aer") &&
	    ev->aer.severity == GPUMON_AER_CORRECTABLE) {
		d = gpumon_model_dev(m, ev->entity, false);
		if (d)
			cor_check(a, d, now_mono_ns);
		return;
	}
	quote(msg, sizeof(msg), ev->message);
	snprintf(line, sizeof(line), "%s%s%s kind=%s%s%s%s%s msg=\"%s\"",
		 gpumon_level_name(ev->severity),
		 *ev->entity ? " bdf=" : "", ev->entity, ev->kind,
		 !strcmp(ev->kind, "aer") ? " severity=" : "",
		 !strcmp(ev->kind, "aer") ?
			gpumon_aer_sev_name(ev->aer.severity) : "",
		 *ev->fields ? " " : "", ev->fields, msg);
	emit(a, ev->severity, line);
}

void gpumon_alert_tick(struct gpumon_alerter *a, struct gpumon_model *m,
		       uint64_t now_mono_ns)
{
	for (size_t i = 0; i < m->ndevs; i++)
		cor_check(a, &m->devs[i], now_mono_ns);
}
