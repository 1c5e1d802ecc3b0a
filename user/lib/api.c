// SPDX-License-Identifier: GPL-2.0-only
/*
 * api.c - the HTTP API of gpumond on a Unix socket.
 */
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "api.h"

#define EVENTS_MAX	1000
#define API_CONN_MAX	256u
#define API_TIMEOUT_S	5u

struct gpumon_api {
	struct MHD_Daemon *mhd;
	struct gpumon_model *m;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
};

static json_object *hex(unsigned int v, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%0*x", width, v);
	return json_object_new_string(buf);
}

static json_object *str_or_null(const char *s)
{
	return *s ? json_object_new_string(s) : NULL;
}

/* {"79": 2, ...} for the codes seen; "other" for codes past the catalog */
static json_object *xid_codes_json(const struct gpumon_dev *d)
{
	json_object *o = json_object_new_object();
	char key[16];

	for (unsigned int c = 0; c <= GPUMON_XID_CATALOG_MAX; c++) {
		if (!d->xid_by_code[c])
			continue;
		if (c)
			snprintf(key, sizeof(key), "%u", c);
		else
			snprintf(key, sizeof(key), "other");
		json_object_object_add(o, key,
				       json_object_new_uint64(d->xid_by_code[c]));
	}
	return o;
}

static json_object *sxid_json(const struct gpumon_dev *d)
{
	json_object *o;

	if (!d->sxid_count)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "count", json_object_new_uint64(d->sxid_count));
	json_object_object_add(o, "fatal", json_object_new_uint64(d->sxid_fatal));
	json_object_object_add(o, "last", json_object_new_int(d->last_sxid));
	/* the driver does not always say; null then */
	json_object_object_add(o, "last_fatal", d->last_sxid_fatal < 0 ? NULL :
			       json_object_new_boolean(d->last_sxid_fatal));
	json_object_object_add(o, "msg", json_object_new_string(d->last_sxid_msg));
	return o;
}

static json_object *dev_json(const struct gpumon_dev *d)
{
	json_object *o = json_object_new_object();
	json_object *aer = json_object_new_object();
	json_object *xid = NULL;

	json_object_object_add(o, "bdf", json_object_new_string(d->bdf));
	json_object_object_add(o, "role",
			       json_object_new_string(gpumon_role_name(d->role)));
	json_object_object_add(o, "parent", str_or_null(d->parent));
	json_object_object_add(o, "vendor",
			       d->in_module ? hex(d->vendor, 4) : NULL);
	json_object_object_add(o, "device",
			       d->in_module ? hex(d->device, 4) : NULL);
	json_object_object_add(o, "class",
			       d->in_module ? hex(d->class, 6) : NULL);
	json_object_object_add(o, "in_module",
			       json_object_new_boolean(d->in_module));
	for (int s = 0; s < __GPUMON_AER_SEV_MAX; s++)
		json_object_object_add(aer, gpumon_aer_sev_name(s),
				       json_object_new_uint64(d->aer[s]));
	json_object_object_add(o, "aer", aer);
	json_object_object_add(o, "xid_count",
			       json_object_new_uint64(d->xid_count));
	if (d->xid_count) {
		xid = json_object_new_object();
		json_object_object_add(xid, "xid",
				       json_object_new_int(d->last_xid));
		json_object_object_add(xid, "msg",
				       json_object_new_string(d->last_xid_msg));
		json_object_object_add(xid, "time_real_ns",
				       json_object_new_uint64(d->last_xid_real_ns));
		json_object_object_add(xid, "mnemonic",
				       d->last_xid_mnemonic ?
				       json_object_new_string(d->last_xid_mnemonic) :
				       NULL);
		json_object_object_add(xid, "action",
				       d->last_xid_action ?
				       json_object_new_string(d->last_xid_action) :
				       NULL);
	}
	json_object_object_add(o, "last_xid", xid);
	json_object_object_add(o, "xid_by_code", xid_codes_json(d));
	json_object_object_add(o, "sxid", sxid_json(d));
	json_object_object_add(o, "fallen_off",
			       json_object_new_uint64(d->fallen_off));
	json_object_object_add(o, "dpc", json_object_new_uint64(d->dpc));
	return o;
}

/* The BPF programs: state, why off, records, drops, kernel run stats. */
static json_object *bpf_progs_json(const struct gpumon_model *m)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < m->nbpf_progs; i++) {
		const struct gpumon_bpf_prog_info *p = &m->bpf_progs[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(p->name));
		json_object_object_add(o, "hook", json_object_new_string(p->hook));
		json_object_object_add(o, "on", json_object_new_boolean(p->on));
		json_object_object_add(o, "why", json_object_new_string(p->why));
		json_object_object_add(o, "events",
				       json_object_new_uint64(p->events));
		json_object_object_add(o, "drops",
				       json_object_new_uint64(p->drops));
		/* null unless kernel.bpf_stats_enabled is 1 */
		json_object_object_add(o, "run_cnt", p->stats ?
				       json_object_new_uint64(p->run_cnt) : NULL);
		json_object_object_add(o, "run_time_ns", p->stats ?
				       json_object_new_uint64(p->run_time_ns) :
				       NULL);
		json_object_array_add(a, o);
	}
	return a;
}

/* A json-c integer, or null when @has is false (N/A is not 0). */
static json_object *opt_int(bool has, int64_t v)
{
	return has ? json_object_new_int64(v) : NULL;
}

static json_object *opt_u64(bool has, uint64_t v)
{
	return has ? json_object_new_uint64(v) : NULL;
}

/**
 * gpumon_json_nl_tzone() - one module thermal zone as JSON.
 * @z: the zone as gpumon_nl_parse_tzone() gave it
 *
 * Keys: zone_id, type, state ("present", "removed"), temp_mc and
 * temp_max_mc (millidegrees C), samples, read_errors, and trips: id,
 * type (name, "unknown" past the known ones), type_num, temp_mc,
 * hyst_mc, asserted, crossings.  A field the module did not send is
 * null, never 0.
 *
 * Return: a new object.
 */
json_object *gpumon_json_nl_tzone(const struct gpumon_nl_tzone *z)
{
	json_object *o = json_object_new_object(), *trips = json_object_new_array();
	uint32_t v = z->valid;

	json_object_object_add(o, "zone_id", json_object_new_int64(z->id));
	json_object_object_add(o, "type", json_object_new_string(z->type));
	json_object_object_add(o, "state", v & GPUMON_NL_TZ_STATE ?
			       json_object_new_string(z->state == GPUMON_STATE_REMOVED ? "removed" :
				       z->state == GPUMON_STATE_PRESENT ? "present" : "unknown") : NULL);
	json_object_object_add(o, "temp_mc", opt_int(v & GPUMON_NL_TZ_TEMP, z->temp_mc));
	json_object_object_add(o, "temp_max_mc", opt_int(v & GPUMON_NL_TZ_TEMP_MAX, z->temp_max_mc));
	json_object_object_add(o, "samples", opt_u64(v & GPUMON_NL_TZ_SAMPLES, z->samples));
	json_object_object_add(o, "read_errors", opt_u64(v & GPUMON_NL_TZ_READ_ERRORS, z->read_errors));
	for (unsigned int i = 0; i < z->ntrips; i++) {
		const struct gpumon_nl_trip *t = &z->trips[i];
		json_object *j = json_object_new_object();
		uint32_t tv = t->valid;

		json_object_object_add(j, "id", json_object_new_int64(t->id));
		json_object_object_add(j, "type", tv & GPUMON_NL_TRIP_TYPE ?
				       json_object_new_string(gpumon_nl_trip_type_name(t->type)) : NULL);
		json_object_object_add(j, "type_num", opt_int(tv & GPUMON_NL_TRIP_TYPE, t->type));
		json_object_object_add(j, "temp_mc", opt_int(tv & GPUMON_NL_TRIP_TEMP, t->temp_mc));
		json_object_object_add(j, "hyst_mc", opt_int(tv & GPUMON_NL_TRIP_HYST, t->hyst_mc));
		json_object_object_add(j, "asserted", tv & GPUMON_NL_TRIP_ASSERTED ?
				       json_object_new_boolean(t->asserted) : NULL);
		json_object_object_add(j, "crossings", opt_u64(tv & GPUMON_NL_TRIP_CROSSINGS, t->crossings));
		json_object_array_add(trips, j);
	}
	json_object_object_add(o, "trips", trips);
	if (z->trips_over)
		json_object_object_add(o, "trips_not_shown", json_object_new_int64(z->trips_over));
	return o;
}

/**
 * gpumon_json_nl_rapl() - one module RAPL domain as JSON.
 * @r: the domain as gpumon_nl_parse_rapl() gave it
 *
 * Keys: pkg, domain ("package", "dram"), injected, esu, energy_uj (uJ),
 * min_mw, avg_mw, max_mw (mW, the last window), window_ns,
 * window_samples, window_end_ns (CLOCK_MONOTONIC ns), peak_mw, samples,
 * wraps.  The window fields are null before the first window completes.
 *
 * Return: a new object.
 */
json_object *gpumon_json_nl_rapl(const struct gpumon_nl_rapl *r)
{
	json_object *o = json_object_new_object();
	uint32_t v = r->valid;

	json_object_object_add(o, "pkg", json_object_new_int64(r->pkg));
	json_object_object_add(o, "domain", json_object_new_string(gpumon_nl_rapl_domain_name(r->domain)));
	json_object_object_add(o, "injected", json_object_new_boolean(r->injected));
	json_object_object_add(o, "esu", opt_int(v & GPUMON_NL_RAPL_ESU, r->esu));
	json_object_object_add(o, "energy_uj", opt_u64(v & GPUMON_NL_RAPL_ENERGY, r->energy_uj));
	json_object_object_add(o, "min_mw", opt_int(v & GPUMON_NL_RAPL_MIN, r->min_mw));
	json_object_object_add(o, "avg_mw", opt_int(v & GPUMON_NL_RAPL_AVG, r->avg_mw));
	json_object_object_add(o, "max_mw", opt_int(v & GPUMON_NL_RAPL_MAX, r->max_mw));
	json_object_object_add(o, "window_ns", opt_u64(v & GPUMON_NL_RAPL_WINDOW, r->window_ns));
	json_object_object_add(o, "window_samples", opt_int(v & GPUMON_NL_RAPL_WINDOW_SAMPLES, r->window_samples));
	json_object_object_add(o, "window_end_ns", opt_u64(v & GPUMON_NL_RAPL_WINDOW_END, r->window_end_ns));
	json_object_object_add(o, "peak_mw", opt_int(v & GPUMON_NL_RAPL_PEAK, r->peak_mw));
	json_object_object_add(o, "samples", opt_u64(v & GPUMON_NL_RAPL_SAMPLES, r->samples));
	json_object_object_add(o, "wraps", opt_u64(v & GPUMON_NL_RAPL_WRAPS, r->wraps));
	return o;
}

static json_object *tzones_json(const struct gpumon_model *m)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < m->ntzones; i++) {
		const struct gpumon_tzone *z = &m->tzones[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_int(z->id));
		json_object_object_add(o, "type", json_object_new_string(z->type));
		json_object_object_add(o, "temp_mc", z->temp_valid ?
				       json_object_new_int(z->temp_mc) : NULL);
		json_object_object_add(o, "updates",
				       json_object_new_uint64(z->updates));
		json_object_object_add(o, "trips",
				       json_object_new_uint64(z->trips));
		/* the module's view of it: null when it does not sample it */
		json_object_object_add(o, "module", z->in_module ?
				       gpumon_json_nl_tzone(&z->mod) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *power_json(const struct gpumon_model *m)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < m->nrapl; i++)
		json_object_array_add(a, gpumon_json_nl_rapl(&m->rapl[i]));
	return a;
}

/* Sum of the package domains' last windows; null before the first. */
static json_object *cpu_power_json(const struct gpumon_model *m)
{
	struct gpumon_cpu_power p;
	json_object *o;

	gpumon_model_cpu_power(m, &p);
	if (!p.valid)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "avg_mw", json_object_new_uint64(p.avg_mw));
	json_object_object_add(o, "max_mw", json_object_new_uint64(p.max_mw));
	json_object_object_add(o, "packages", json_object_new_int(p.packages));
	return o;
}

static json_object *kstate_json(bool has, uint32_t state, const char *reason)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "state", has ?
			       json_object_new_string(gpumon_nl_source_state_name(state)) :
			       NULL);
	json_object_object_add(o, "reason", has ?
			       json_object_new_string(reason) : NULL);
	return o;
}

/**
 * gpumon_json_module_sources() - {"thermal": {"state", "reason"},
 * "rapl": {...}} from a STATS_GET reply; null members when not sent.
 * @st: the reply
 *
 * Return: a new object.
 */
json_object *gpumon_json_module_sources(const struct gpumon_nl_stats *st)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "thermal",
			       kstate_json(st->valid & GPUMON_NL_ST_THERMAL,
					   st->thermal_state,
					   st->thermal_reason));
	json_object_object_add(o, "rapl",
			       kstate_json(st->valid & GPUMON_NL_ST_RAPL,
					   st->rapl_state, st->rapl_reason));
	return o;
}

/* The hottest zone and the asserted trips, for the console's node line. */
static json_object *thermal_summary_json(const struct gpumon_model *m)
{
	const struct gpumon_tzone *z = gpumon_model_hottest(m);
	json_object *o = json_object_new_object();

	json_object_object_add(o, "hottest_zone_id",
			       z ? json_object_new_int(z->id) : NULL);
	json_object_object_add(o, "hottest_type",
			       z ? json_object_new_string(z->type) : NULL);
	json_object_object_add(o, "hottest_temp_mc",
			       z ? json_object_new_int(z->mod.temp_mc) : NULL);
	json_object_object_add(o, "trips_asserted",
			       json_object_new_int(gpumon_model_trips_asserted(m)));
	return o;
}

/* Thermal interrupts per CPU since the BPF program loaded; null if off. */
static json_object *cpu_irqs_json(const struct gpumon_model *m)
{
	json_object *a;

	if (!m->ncpus)
		return NULL;
	a = json_object_new_array();
	for (int i = 0; i < m->ncpus; i++)
		json_object_array_add(a,
			json_object_new_uint64(m->cpu_thermal_irqs[i]));
	return a;
}

json_object *gpumon_json_snapshot(struct gpumon_model *m)
{
	json_object *o = json_object_new_object();
	json_object *srcs = json_object_new_array();
	json_object *devs = json_object_new_array();
	json_object *ev = json_object_new_object();
	uint64_t first, lost;

	if (!o || !srcs || !devs || !ev) {
		json_object_put(o);
		json_object_put(srcs);
		json_object_put(devs);
		json_object_put(ev);
		return NULL;
	}
	pthread_mutex_lock(&m->lock);
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "host", json_object_new_string(m->host));
	json_object_object_add(o, "time_real_ns",
			       json_object_new_uint64(gpumon_now_ns(CLOCK_REALTIME)));
	for (int i = 0; i < __GPUMON_SRC_MAX; i++) {
		const struct gpumon_src_state *s = &m->src[i];
		json_object *so = json_object_new_object();

		json_object_object_add(so, "name",
				       json_object_new_string(gpumon_source_name(i)));
		json_object_object_add(so, "on", json_object_new_boolean(s->on));
		json_object_object_add(so, "why", json_object_new_string(s->why));
		json_object_object_add(so, "events",
				       json_object_new_uint64(s->events));
		json_object_object_add(so, "lost",
				       json_object_new_uint64(s->lost));
		json_object_object_add(so, "malformed",
				       json_object_new_uint64(s->malformed));
		json_object_array_add(srcs, so);
	}
	json_object_object_add(o, "sources", srcs);
	json_object_object_add(o, "cpu_throttle_lines",
			       json_object_new_uint64(m->cpu_throttle_lines));
	json_object_object_add(o, "cpu_throttled",
			       json_object_new_boolean(m->cpu_throttled));
	json_object_object_add(o, "cpu_thermal_irqs", cpu_irqs_json(m));
	json_object_object_add(o, "thermal_zones", tzones_json(m));
	json_object_object_add(o, "thermal", thermal_summary_json(m));
	json_object_object_add(o, "power", power_json(m));
	json_object_object_add(o, "cpu_power", cpu_power_json(m));
	json_object_object_add(o, "module_sources",
			       gpumon_json_module_sources(&m->kstats));
	json_object_object_add(o, "bpf_programs", bpf_progs_json(m));
	json_object_object_add(o, "bpf_xids", json_object_new_uint64(m->bpf_xids));
	for (size_t i = 0; i < m->ndevs; i++)
		json_object_array_add(devs, dev_json(&m->devs[i]));
	json_object_object_add(o, "devices", devs);
	json_object_object_add(ev, "next_seq",
			       json_object_new_uint64(m->next_seq));
	gpumon_model_events_after(m, 0, &first, &lost);
	json_object_object_add(ev, "overwritten", json_object_new_uint64(lost));
	json_object_object_add(ev, "bpf_matched",
			       json_object_new_uint64(m->bpf_matched));
	json_object_object_add(ev, "bpf_pending",
			       json_object_new_uint64(m->npending));
	json_object_object_add(ev, "bpf_unmatched",
			       json_object_new_uint64(m->bpf_unmatched_dropped));
	json_object_object_add(o, "events", ev);
	pthread_mutex_unlock(&m->lock);
	return o;
}

/* "k=v k=v" into an object; a token without '=' is kept under "raw". */
static json_object *fields_json(const char *fields)
{
	json_object *o = json_object_new_object();
	char buf[sizeof(((struct gpumon_event *)0)->fields)];
	char *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", fields);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			json_object_object_add(o, "raw",
					       json_object_new_string(tok));
			continue;
		}
		*eq = '\0';
		json_object_object_add(o, tok, json_object_new_string(eq + 1));
	}
	return o;
}

static json_object *event_json(const struct gpumon_event *e)
{
	json_object *o = json_object_new_object();
	bool aer = !strcmp(e->kind, "aer");
	char lvl[16];
	size_t i;

	for (i = 0; i + 1 < sizeof(lvl) && gpumon_level_name(e->severity)[i];
	     i++)
		lvl[i] = gpumon_level_name(e->severity)[i] | 0x20;
	lvl[i] = '\0';
	json_object_object_add(o, "seq", json_object_new_uint64(e->seq));
	json_object_object_add(o, "time_real_ns",
			       json_object_new_uint64(e->time_real_ns));
	json_object_object_add(o, "time_mono_ns",
			       json_object_new_uint64(e->time_mono_ns));
	json_object_object_add(o, "source",
			       json_object_new_string(gpumon_source_name(e->source)));
	json_object_object_add(o, "kind", json_object_new_string(e->kind));
	json_object_object_add(o, "level", json_object_new_string(lvl));
	/* For AER the severity is the PCIe one, else the syslog level. */
	json_object_object_add(o, "severity",
			       json_object_new_string(aer ?
				       gpumon_aer_sev_name(e->aer.severity) :
				       lvl));
	json_object_object_add(o, "entity", str_or_null(e->entity));
	json_object_object_add(o, "fields", fields_json(e->fields));
	if (aer) {
		json_object_object_add(o, "module_seq",
				       e->aer.seq ?
				       json_object_new_uint64(e->aer.seq) : NULL);
		json_object_object_add(o, "bpf_seen",
				       json_object_new_boolean(e->bpf_seen));
	}
	json_object_object_add(o, "message", json_object_new_string(e->message));
	return o;
}

json_object *gpumon_json_events(struct gpumon_model *m, uint64_t after,
				size_t limit)
{
	json_object *o = json_object_new_object();
	json_object *arr = json_object_new_array();
	uint64_t first, lost, seq;
	size_t n;

	if (!o || !arr) {
		json_object_put(o);
		json_object_put(arr);
		return NULL;
	}
	pthread_mutex_lock(&m->lock);
	n = gpumon_model_events_after(m, after, &first, &lost);
	if (n > limit)
		n = limit;
	for (seq = first; seq < first + n; seq++)
		json_object_array_add(arr,
				      event_json(gpumon_model_event_at(m, seq)));
	json_object_object_add(o, "events", arr);
	json_object_object_add(o, "next_seq",
			       json_object_new_uint64(m->next_seq));
	json_object_object_add(o, "lost", json_object_new_uint64(lost));
	pthread_mutex_unlock(&m->lock);
	return o;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     json_object *o)
{
	const char *text;
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!o)
		return MHD_NO;
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
					    MHD_RESPMEM_MUST_COPY);
	json_object_put(o);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result error_reply(struct MHD_Connection *c,
				   unsigned int status, const char *msg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(msg));
	return reply(c, status, o);
}

static enum MHD_Result not_allowed(struct MHD_Connection *c)
{
	const char *text = "{\"error\":\"the API is read-only: GET only\"}";
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Allow", "GET, HEAD");
	ret = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
	MHD_destroy_response(r);
	return ret;
}

/* Plain decimal digits only: no sign, spaces or base prefixes. */
static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

static enum MHD_Result metrics_reply(struct MHD_Connection *c,
				     struct gpumon_model *m)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len;
	char *text;

	if (gpumon_metrics_text(m, &text, &len))
		return MHD_NO;
	r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type",
				"text/plain; version=0.0.4; charset=utf-8");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct gpumon_api *api = cls;
	const char *s;
	uint64_t after = 0, limit = EVENTS_MAX;

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return not_allowed(c);
	if (!strcmp(url, "/metrics"))
		return metrics_reply(c, api->m);
	if (!strcmp(url, "/v1/snapshot"))
		return reply(c, MHD_HTTP_OK, gpumon_json_snapshot(api->m));
	if (!strcmp(url, "/v1/events")) {
		s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
						"after");
		if (s && !parse_u64(s, &after))
			return error_reply(c, MHD_HTTP_BAD_REQUEST,
					   "after: expected a sequence number");
		s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
						"limit");
		if (s && (!parse_u64(s, &limit) || !limit))
			return error_reply(c, MHD_HTTP_BAD_REQUEST,
					   "limit: expected a positive number");
		if (limit > EVENTS_MAX)
			limit = EVENTS_MAX;
		return reply(c, MHD_HTTP_OK,
			     gpumon_json_events(api->m, after, limit));
	}
	return error_reply(c, MHD_HTTP_NOT_FOUND, "no such resource");
}

/*
 * Remove what a previous gpumond left at @path, and nothing else: a
 * file that is not a socket is never deleted (-EEXIST), and a socket
 * another gpumond still answers on is left to it (-EADDRINUSE).
 */
static int clear_stale_socket(const char *path, const struct sockaddr_un *sa)
{
	struct stat sb;
	int fd, ret = 0;

	if (lstat(path, &sb))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(sb.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (!connect(fd, (const struct sockaddr *)sa, sizeof(*sa)))
		ret = -EADDRINUSE;
	else if (unlink(path))
		ret = -errno;
	close(fd);
	return ret;
}

int gpumon_api_start(struct gpumon_api **out, struct gpumon_model *m,
		     const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct gpumon_api *api;
	int err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	api = calloc(1, sizeof(*api));
	if (!api)
		return -ENOMEM;
	api->m = m;
	snprintf(api->path, sizeof(api->path), "%s", path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	api->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (api->fd < 0) {
		err = -errno;
		goto err_free;
	}
	err = clear_stale_socket(path, &sa);
	if (err)
		goto err_close;
	if (bind(api->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(path, 0666) || listen(api->fd, 64)) {
		err = -errno;
		goto err_close;
	}
	/*
	 * epoll rather than select(): no FD_SETSIZE ceiling a local user
	 * could fill; a bounded number of connections, each timed out, so
	 * idle ones cannot hold the API for long.
	 */
	api->mhd = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD |
				    MHD_USE_ERROR_LOG, 0, NULL, NULL,
				    handle, api,
				    MHD_OPTION_LISTEN_SOCKET, api->fd,
				    MHD_OPTION_CONNECTION_LIMIT, API_CONN_MAX,
				    MHD_OPTION_CONNECTION_TIMEOUT, API_TIMEOUT_S,
				    MHD_OPTION_END);
	if (!api->mhd) {
		err = -EIO;
		goto err_unlink;
	}
	*out = api;
	return 0;

err_unlink:
	unlink(path);
err_close:
	close(api->fd);
err_free:
	free(api);
	return err;
}

void gpumon_api_stop(struct gpumon_api *api)
{
	if (!api)
		return;
	/* MHD_stop_daemon() closes the listening socket it was given. */
	MHD_stop_daemon(api->mhd);
	unlink(api->path);
	free(api);
}
