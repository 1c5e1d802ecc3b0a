// SPDX-License-Identifier: GPL-2.0-only
/*
 * metrics.c - gpumond's /metrics in the Prometheus text format (0.0.4),
 * node_exporter naming: base units (celsius, joules, watts, seconds),
 * counters end in _total.  A value the module did not send has no
 * sample: N/A is not 0.
 *
 * Series (labels):
 *   gpumon_source_up                        gauge   source=netlink|bpf|kmsg
 *                                                   (always there: 0 when
 *                                                   the source is off, so
 *                                                   "module gone" is not
 *                                                   an empty page)
 *   gpumon_events_lost_total                counter source (always there)
 *   gpumon_pcie_aer_errors_total            counter bdf, role, severity=
 *                                                   correctable|nonfatal|
 *                                                   fatal (devices whose
 *                                                   counts are known)
 *   gpumon_gpu_xid_total                    counter bdf, xid (codes seen;
 *                                                   "other" for codes
 *                                                   the catalog lacks)
 *   gpumon_thermal_zone_temp_celsius        gauge   zone_id, type
 *   gpumon_thermal_zone_temp_max_celsius    gauge   zone_id, type
 *   gpumon_thermal_zone_present             gauge   zone_id, type
 *   gpumon_thermal_zone_samples_total       counter zone_id, type
 *   gpumon_thermal_zone_read_errors_total   counter zone_id, type
 *   gpumon_thermal_trip_temp_celsius        gauge   zone_id, type, trip,
 *                                                   trip_type
 *   gpumon_thermal_trip_hysteresis_celsius  gauge   same
 *   gpumon_thermal_trip_asserted            gauge   same
 *   gpumon_thermal_trip_crossings_total     counter same
 *   gpumon_rapl_energy_joules_total         counter package, domain
 *   gpumon_rapl_power_watts                 gauge   package, domain,
 *                                                   stat=min|avg|max
 *   gpumon_rapl_window_seconds              gauge   package, domain
 *   gpumon_rapl_peak_power_watts            gauge   package, domain
 *   gpumon_rapl_samples_total               counter package, domain
 *   gpumon_rapl_wraps_total                 counter package, domain
 *   gpumon_rapl_injected                    gauge   package, domain
 *   gpumon_kmod_source_state                gauge   source, state
 *                                                   (1 for the state it
 *                                                   is in, 0 otherwise)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "api.h"

/* A label value with \, " and newline escaped. */
static void label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
}

static void head(FILE *f, const char *name, const char *type,
		 const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Millidegrees, milliwatts: exact decimal of the base unit. */
static void milli(FILE *f, int64_t v)
{
	fprintf(f, "%s%" PRId64 ".%03" PRId64 "\n", v < 0 ? "-" : "",
		(v < 0 ? -v : v) / 1000, (v < 0 ? -v : v) % 1000);
}

/* Every source, on or off: a scrape tells "module gone" from "quiet". */
static void sources(FILE *f, const struct gpumon_model *m)
{
	head(f, "gpumon_source_up", "gauge",
	     "1 while the source delivers (netlink: gpumon.ko, bpf: the BPF programs, kmsg: the kernel log), 0 otherwise.");
	for (int s = 0; s < __GPUMON_SRC_MAX; s++)
		fprintf(f, "gpumon_source_up{source=\"%s\"} %d\n",
			gpumon_source_name(s), m->src[s].on);
	head(f, "gpumon_events_lost_total", "counter",
	     "Records the source lost (sequence gaps, ring buffer drops, kmsg overwrites) since gpumond started.");
	for (int s = 0; s < __GPUMON_SRC_MAX; s++)
		fprintf(f, "gpumon_events_lost_total{source=\"%s\"} %" PRIu64 "\n",
			gpumon_source_name(s), m->src[s].lost);
}

/*
 * A device's AER counts are known when the module watches it (its
 * counters), when the BPF programs run (they see every AER error of the
 * node), or once some error was counted on it; a device known only from
 * a kernel log line is left out rather than shown with zeros nobody
 * measured.
 */
static bool aer_known(const struct gpumon_model *m, const struct gpumon_dev *d)
{
	if (d->in_module || m->src[GPUMON_SRC_BPF].on)
		return true;
	for (int s = 0; s < __GPUMON_AER_SEV_MAX; s++)
		if (d->aer[s])
			return true;
	return false;
}

static void pcie_aer(FILE *f, const struct gpumon_model *m)
{
	const char *name = "gpumon_pcie_aer_errors_total";
	bool any = false;

	for (size_t i = 0; i < m->ndevs; i++) {
		const struct gpumon_dev *d = &m->devs[i];

		if (!aer_known(m, d))
			continue;
		if (!any)
			head(f, name, "counter",
			     "PCIe AER errors reported for the device, per severity (gpumon.ko's counters, or the BPF programs' without it).");
		any = true;
		for (int s = 0; s < __GPUMON_AER_SEV_MAX; s++) {
			fprintf(f, "%s{bdf=\"", name);
			label(f, d->bdf);
			fprintf(f, "\",role=\"%s\",severity=\"%s\"} %" PRIu64 "\n",
				gpumon_role_name(d->role),
				gpumon_aer_sev_name(s), d->aer[s]);
		}
	}
}

static void gpu_xids(FILE *f, const struct gpumon_model *m)
{
	const char *name = "gpumon_gpu_xid_total";
	bool any = false;

	for (size_t i = 0; i < m->ndevs; i++) {
		const struct gpumon_dev *d = &m->devs[i];

		for (unsigned int c = 0; c <= GPUMON_XID_CATALOG_MAX; c++) {
			if (!d->xid_by_code[c])
				continue;
			if (!any)
				head(f, name, "counter",
				     "NVIDIA Xid errors of the GPU from the kernel log, per code (\"other\": codes the catalog lacks).");
			any = true;
			fprintf(f, "%s{bdf=\"", name);
			label(f, d->bdf);
			if (c)
				fprintf(f, "\",xid=\"%u\"} ", c);
			else
				fputs("\",xid=\"other\"} ", f);
			fprintf(f, "%" PRIu64 "\n", d->xid_by_code[c]);
		}
	}
}

static void zone_labels(FILE *f, const char *name,
			const struct gpumon_tzone *z)
{
	fprintf(f, "%s{zone_id=\"%d\",type=\"", name, z->id);
	label(f, z->type);
	fputs("\"} ", f);
}

static void trip_labels(FILE *f, const char *name,
			const struct gpumon_tzone *z,
			const struct gpumon_nl_trip *t)
{
	fprintf(f, "%s{zone_id=\"%d\",type=\"", name, z->id);
	label(f, z->type);
	fprintf(f, "\",trip=\"%u\",trip_type=\"%s\"} ", t->id,
		t->valid & GPUMON_NL_TRIP_TYPE ?
		gpumon_nl_trip_type_name(t->type) : "unknown");
}

/* One zone series: @bit of the zone's valid bits, @val of it. */
static void zone_series(FILE *f, const struct gpumon_model *m,
			const char *name, const char *type, const char *help,
			uint32_t bit, int kind)
{
	bool any = false;

	for (size_t i = 0; i < m->ntzones; i++) {
		const struct gpumon_tzone *z = &m->tzones[i];
		const struct gpumon_nl_tzone *mz = &z->mod;

		if (!z->in_module || (bit && !(mz->valid & bit)))
			continue;
		if (!any)
			head(f, name, type, help);
		any = true;
		zone_labels(f, name, z);
		switch (kind) {
		case 0:
			milli(f, mz->temp_mc);
			break;
		case 1:
			milli(f, mz->temp_max_mc);
			break;
		case 2:
			fprintf(f, "%d\n", mz->state != GPUMON_STATE_REMOVED);
			break;
		case 3:
			fprintf(f, "%" PRIu64 "\n", mz->samples);
			break;
		case 4:
			fprintf(f, "%" PRIu64 "\n", mz->read_errors);
			break;
		}
	}
}

static void trip_series(FILE *f, const struct gpumon_model *m,
			const char *name, const char *type, const char *help,
			uint32_t bit, int kind)
{
	bool any = false;

	for (size_t i = 0; i < m->ntzones; i++) {
		const struct gpumon_tzone *z = &m->tzones[i];

		for (unsigned int j = 0; z->in_module && j < z->mod.ntrips;
		     j++) {
			const struct gpumon_nl_trip *t = &z->mod.trips[j];

			if (!(t->valid & bit))
				continue;
			if (!any)
				head(f, name, type, help);
			any = true;
			trip_labels(f, name, z, t);
			switch (kind) {
			case 0:
				milli(f, t->temp_mc);
				break;
			case 1:
				milli(f, t->hyst_mc);
				break;
			case 2:
				fprintf(f, "%d\n", t->asserted);
				break;
			case 3:
				fprintf(f, "%" PRIu64 "\n", t->crossings);
				break;
			}
		}
	}
}

static void rapl_labels(FILE *f, const char *name,
			const struct gpumon_nl_rapl *r, const char *stat)
{
	fprintf(f, "%s{package=\"%u\",domain=\"%s\"%s%s%s} ", name, r->pkg,
		gpumon_nl_rapl_domain_name(r->domain),
		stat ? ",stat=\"" : "", stat ? stat : "", stat ? "\"" : "");
}

static void rapl_series(FILE *f, const struct gpumon_model *m,
			const char *name, const char *type, const char *help,
			uint32_t bit, int kind)
{
	bool any = false;

	for (size_t i = 0; i < m->nrapl; i++) {
		const struct gpumon_nl_rapl *r = &m->rapl[i];

		if (bit && !(r->valid & bit))
			continue;
		if (!any)
			head(f, name, type, help);
		any = true;
		rapl_labels(f, name, r, NULL);
		switch (kind) {
		case 0:
			fprintf(f, "%" PRIu64 ".%06" PRIu64 "\n",
				r->energy_uj / 1000000, r->energy_uj % 1000000);
			break;
		case 1:
			fprintf(f, "%" PRIu64 ".%09" PRIu64 "\n",
				r->window_ns / 1000000000,
				r->window_ns % 1000000000);
			break;
		case 2:
			milli(f, r->peak_mw);
			break;
		case 3:
			fprintf(f, "%" PRIu64 "\n", r->samples);
			break;
		case 4:
			fprintf(f, "%" PRIu64 "\n", r->wraps);
			break;
		case 5:
			fprintf(f, "%d\n", r->injected);
			break;
		}
	}
}

static void rapl_power(FILE *f, const struct gpumon_model *m)
{
	static const struct {
		const char *stat;
		uint32_t bit;
	} stats[] = {
		{ "min", GPUMON_NL_RAPL_MIN },
		{ "avg", GPUMON_NL_RAPL_AVG },
		{ "max", GPUMON_NL_RAPL_MAX },
	};
	const char *name = "gpumon_rapl_power_watts";
	bool any = false;

	for (size_t i = 0; i < m->nrapl; i++) {
		const struct gpumon_nl_rapl *r = &m->rapl[i];
		const uint32_t v[] = { r->min_mw, r->avg_mw, r->max_mw };

		for (size_t s = 0; s < 3; s++) {
			if (!(r->valid & stats[s].bit))
				continue;
			if (!any)
				head(f, name, "gauge",
				     "RAPL power over the module's last complete window: lowest and highest one-sample power, and energy over time (avg).");
			any = true;
			rapl_labels(f, name, r, stats[s].stat);
			milli(f, v[s]);
		}
	}
}

static void kmod_sources(FILE *f, const struct gpumon_nl_stats *st)
{
	const char *name = "gpumon_kmod_source_state";
	const struct {
		const char *src;
		uint32_t bit;
		uint32_t state;
	} srcs[] = {
		{ "thermal", GPUMON_NL_ST_THERMAL, st->thermal_state },
		{ "rapl", GPUMON_NL_ST_RAPL, st->rapl_state },
	};

	if (!(st->valid & (GPUMON_NL_ST_THERMAL | GPUMON_NL_ST_RAPL)))
		return;
	head(f, name, "gauge",
	     "State of a gpumon.ko source: 1 for the state it is in (on, absent, error).");
	for (size_t i = 0; i < 2; i++) {
		if (!(st->valid & srcs[i].bit))
			continue;
		for (uint32_t s = 0; s <= GPUMON_SOURCE_MAX; s++)
			fprintf(f, "%s{source=\"%s\",state=\"%s\"} %d\n", name,
				srcs[i].src, gpumon_nl_source_state_name(s),
				s == srcs[i].state);
	}
}

/*
 * The per-zone, per-trip and per-RAPL-domain series: each is one field
 * of the module's dump, picked by @kind in zone_series(), trip_series()
 * and rapl_series(), sent when @bit is valid.
 */
struct series {
	const char *name;
	const char *type;
	const char *help;
	uint32_t bit;
	int kind;
};

static const struct series zone_tab[] = {
	{ "gpumon_thermal_zone_temp_celsius", "gauge",
	  "Last temperature sample of the thermal zone (gpumon.ko).",
	  GPUMON_NL_TZ_TEMP, 0 },
	{ "gpumon_thermal_zone_temp_max_celsius", "gauge",
	  "Highest temperature sampled since gpumon.ko loaded.",
	  GPUMON_NL_TZ_TEMP_MAX, 1 },
	{ "gpumon_thermal_zone_present", "gauge",
	  "1 while the zone exists, 0 once it went away (counters kept).",
	  GPUMON_NL_TZ_STATE, 2 },
	{ "gpumon_thermal_zone_samples_total", "counter",
	  "Temperature samples taken since gpumon.ko loaded.",
	  GPUMON_NL_TZ_SAMPLES, 3 },
	{ "gpumon_thermal_zone_read_errors_total", "counter",
	  "Failed temperature reads since gpumon.ko loaded.",
	  GPUMON_NL_TZ_READ_ERRORS, 4 },
};

static const struct series trip_tab[] = {
	{ "gpumon_thermal_trip_temp_celsius", "gauge",
	  "Temperature of the trip point.", GPUMON_NL_TRIP_TEMP, 0 },
	{ "gpumon_thermal_trip_hysteresis_celsius", "gauge",
	  "Hysteresis applied: the trip clears below temp - hysteresis.",
	  GPUMON_NL_TRIP_HYST, 1 },
	{ "gpumon_thermal_trip_asserted", "gauge",
	  "1 while the zone is at or above the trip point.",
	  GPUMON_NL_TRIP_ASSERTED, 2 },
	{ "gpumon_thermal_trip_crossings_total", "counter",
	  "Upward crossings of the trip point since gpumon.ko loaded.",
	  GPUMON_NL_TRIP_CROSSINGS, 3 },
};

/* After the energy, gpumon_rapl_power_watts (rapl_power()). */
static const struct series rapl_tab[] = {
	{ "gpumon_rapl_energy_joules_total", "counter",
	  "RAPL energy since gpumon.ko loaded.", GPUMON_NL_RAPL_ENERGY, 0 },
	{ "gpumon_rapl_window_seconds", "gauge",
	  "Length of the module's last complete power window.",
	  GPUMON_NL_RAPL_WINDOW, 1 },
	{ "gpumon_rapl_peak_power_watts", "gauge",
	  "Highest one-sample power since gpumon.ko loaded.",
	  GPUMON_NL_RAPL_PEAK, 2 },
	{ "gpumon_rapl_samples_total", "counter",
	  "RAPL energy samples since gpumon.ko loaded.",
	  GPUMON_NL_RAPL_SAMPLES, 3 },
	{ "gpumon_rapl_wraps_total", "counter",
	  "Wraparounds of the 32-bit RAPL energy counter.",
	  GPUMON_NL_RAPL_WRAPS, 4 },
	{ "gpumon_rapl_injected", "gauge",
	  "1 when the readings come from debugfs fault injection, not the MSRs.",
	  0, 5 },
};

#define FOR_EACH(tab, s) \
	for (const struct series *s = tab; s < tab + sizeof(tab) / sizeof(tab[0]); s++)

static void write_all(FILE *f, const struct gpumon_model *m)
{
	sources(f, m);
	pcie_aer(f, m);
	gpu_xids(f, m);
	FOR_EACH(zone_tab, s)
		zone_series(f, m, s->name, s->type, s->help, s->bit, s->kind);
	FOR_EACH(trip_tab, s)
		trip_series(f, m, s->name, s->type, s->help, s->bit, s->kind);
	FOR_EACH(rapl_tab, s) {
		rapl_series(f, m, s->name, s->type, s->help, s->bit, s->kind);
		if (s == rapl_tab)
			rapl_power(f, m);
	}
	kmod_sources(f, &m->kstats);
}

/**
 * gpumon_metrics_text() - the /metrics document (Prometheus text 0.0.4).
 * @m: the model; its lock is taken
 * @out: set to a malloc'ed NUL-terminated text; free() it
 * @len: set to its length in bytes
 *
 * The series are listed at the top of this file; a series without any
 * sample (no zone, no RAPL domain, a value not sent) is left out whole,
 * but for gpumon_source_up and gpumon_events_lost_total, always there.
 *
 * Return: 0, or -ENOMEM.
 */
int gpumon_metrics_text(struct gpumon_model *m, char **out, size_t *len)
{
	FILE *f;

	*out = NULL;
	*len = 0;
	f = open_memstream(out, len);
	if (!f)
		return -ENOMEM;
	pthread_mutex_lock(&m->lock);
	write_all(f, m);
	pthread_mutex_unlock(&m->lock);
	if (fclose(f)) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}
