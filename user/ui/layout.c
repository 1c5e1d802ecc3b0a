// SPDX-License-Identifier: GPL-2.0-only
/*
 * layout.c - the console's screen as text, without a terminal.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ui.h"

void gpumon_ui_layout(size_t rows, size_t ndevs, size_t nevents,
		      struct gpumon_layout *l)
{
	size_t avail, keep;

	memset(l, 0, sizeof(*l));
	if (!rows) {
		l->dev_rows = ndevs;
		l->event_rows = nevents;
		return;
	}
	avail = rows > GPUMON_UI_FIXED_ROWS ? rows - GPUMON_UI_FIXED_ROWS : 0;
	keep = nevents < GPUMON_UI_MIN_EVENT_ROWS ? nevents :
	       GPUMON_UI_MIN_EVENT_ROWS;
	if (keep > avail)
		keep = avail;
	l->dev_rows = ndevs < avail - keep ? ndevs : avail - keep;
	if (l->dev_rows < ndevs && l->dev_rows) {
		/* the last device row becomes "+N more" */
		l->dev_rows--;
		l->more_row = true;
	}
	l->dev_hidden = ndevs - l->dev_rows;
	avail -= l->dev_rows + l->more_row;
	l->event_rows = nevents < avail ? nevents : avail;
}

static size_t fit(char *buf, size_t len, size_t cols, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!len)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	if ((size_t)n >= len)
		n = len - 1;
	if (cols && (size_t)n > cols)
		n = cols;
	buf[n] = '\0';
	return n;
}

static void fmt_time(char *buf, size_t len, uint64_t ns)
{
	time_t t = ns / 1000000000ull;
	struct tm tm;

	if (!ns || !gmtime_r(&t, &tm)) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "71.5" from millidegrees or milliwatts, one decimal. */
static void milli1(char *buf, size_t len, int64_t v)
{
	snprintf(buf, len, "%s%lld.%lld", v < 0 && v > -1000 ? "-" : "",
		 (long long)(v / 1000),
		 (long long)((v < 0 ? -v : v) % 1000 / 100));
}

/* Append @part to the line when it still fits in @cols (0: always). */
static size_t add_part(char *buf, size_t len, size_t cols, size_t n,
		       const char *part)
{
	size_t p = strlen(part);

	if ((cols && n + p > cols) || n + p + 1 > len)
		return n;
	memcpy(buf + n, part, p + 1);
	return n + p;
}

size_t gpumon_ui_header(char *buf, size_t len, size_t cols,
			const struct gpumon_view *v)
{
	char t[32], a[24], b[24], part[112];
	size_t n;

	fmt_time(t, sizeof(t), v->time_real_ns);
	n = fit(buf, len, cols, "gpumon - %s - %s - %zu devices",
		v->host, t, v->ndevs);
	/* then what fits: CPU power, hottest zone, trips asserted */
	if (v->cpu_power_valid) {
		milli1(a, sizeof(a), v->cpu_avg_mw);
		milli1(b, sizeof(b), v->cpu_max_mw);
		snprintf(part, sizeof(part), " - CPU %s W avg %s W max", a, b);
		n = add_part(buf, len, cols, n, part);
	}
	if (v->hottest_valid) {
		milli1(a, sizeof(a), v->hottest_temp_mc);
		snprintf(part, sizeof(part), " - hottest %.20s/%d %s C",
			 v->hottest_type, v->hottest_zone_id, a);
		n = add_part(buf, len, cols, n, part);
	}
	if (v->trips_asserted) {
		snprintf(part, sizeof(part), " - %u trip%s ASSERTED",
			 v->trips_asserted, v->trips_asserted == 1 ? "" : "s");
		n = add_part(buf, len, cols, n, part);
	}
	return n;
}

size_t gpumon_ui_sources(char *buf, size_t len, size_t cols,
			 const struct gpumon_view *v)
{
	size_t n = fit(buf, len, 0, "sources:");

	for (size_t i = 0; i < v->nsrc && n + 1 < len; i++) {
		const struct gpumon_view_source *s = &v->src[i];

		if (s->on)
			n += fit(buf + n, len - n, 0,
				 " %s=on(%" PRIu64 " events, %" PRIu64 " lost)",
				 s->name, s->events, s->lost);
		else
			n += fit(buf + n, len - n, 0, " %s=off(%s)", s->name,
				 s->why);
	}
	if (cols && n > cols) {
		n = cols;
		buf[n] = '\0';
	}
	return n;
}

#define DEV_FMT "%-13s %-11s %-13s %9s %9s %7s  %s"

size_t gpumon_ui_dev_header(char *buf, size_t len, size_t cols)
{
	return fit(buf, len, cols, DEV_FMT, "DEVICE", "ROLE", "PARENT",
		   "CORR", "NONFATAL", "FATAL", "XID");
}

size_t gpumon_ui_dev_row(char *buf, size_t len, size_t cols,
			 const struct gpumon_view_dev *d)
{
	char c[24], nf[24], f[24], x[160];

	snprintf(c, sizeof(c), "%" PRIu64, d->aer[0]);
	snprintf(nf, sizeof(nf), "%" PRIu64, d->aer[1]);
	snprintf(f, sizeof(f), "%" PRIu64, d->aer[2]);
	if (d->last_xid >= 0)
		snprintf(x, sizeof(x), "%d (%" PRIu64 "x) %s", d->last_xid,
			 d->xid_count, d->last_xid_msg);
	else
		snprintf(x, sizeof(x), "-");
	return fit(buf, len, cols, DEV_FMT, d->bdf, d->role,
		   *d->parent ? d->parent : "-", c, nf, f, x);
}

size_t gpumon_ui_event_header(char *buf, size_t len, size_t cols,
			      const struct gpumon_view *v)
{
	char lost[48] = "";

	if (v->events_lost)
		snprintf(lost, sizeof(lost), ", %" PRIu64 " lost",
			 v->events_lost);
	return fit(buf, len, cols,
		   "%6s %-8s %-7s %-7s %-11s %-12s MESSAGE (events: last %zu%s)",
		   "SEQ", "TIME", "SOURCE", "KIND", "SEVERITY", "ENTITY",
		   v->nevents, lost);
}

size_t gpumon_ui_event_row(char *buf, size_t len, size_t cols,
			   const struct gpumon_view_event *e)
{
	time_t t = e->time_real_ns / 1000000000ull;
	char ts[16] = "-";
	struct tm tm;

	if (e->time_real_ns && gmtime_r(&t, &tm))
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	return fit(buf, len, cols, "%6" PRIu64 " %-8s %-7s %-7s %-11s %-12s %s",
		   e->seq, ts, e->source, e->kind, e->severity,
		   *e->entity ? e->entity : "-", e->message);
}

void gpumon_ui_print(FILE *f, const struct gpumon_view *v, size_t rows,
		     size_t cols)
{
	struct gpumon_layout l;
	char line[1024];
	size_t i;

	gpumon_ui_layout(rows, v->ndevs, v->nevents, &l);
	gpumon_ui_header(line, sizeof(line), cols, v);
	fprintf(f, "%s\n", line);
	gpumon_ui_sources(line, sizeof(line), cols, v);
	fprintf(f, "%s\n", line);
	gpumon_ui_dev_header(line, sizeof(line), cols);
	fprintf(f, "%s\n", line);
	for (i = 0; i < l.dev_rows; i++) {
		gpumon_ui_dev_row(line, sizeof(line), cols, &v->devs[i]);
		fprintf(f, "%s\n", line);
	}
	if (l.more_row)
		fprintf(f, "+%zu more\n", l.dev_hidden);
	gpumon_ui_event_header(line, sizeof(line), cols, v);
	fprintf(f, "%s\n", line);
	for (i = v->nevents - l.event_rows; i < v->nevents; i++) {
		gpumon_ui_event_row(line, sizeof(line), cols, &v->events[i]);
		fprintf(f, "%s\n", line);
	}
}
