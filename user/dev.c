// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon dev - the module's view, straight from netlink (no gpumond):
 *
 *   gpumon dev [--json] [--all]   devices, topology, link state and
 *                                 counters (--all: removed ones too),
 *                                 then (text only) thermal zones, RAPL
 *                                 domains and the two source states
 *   gpumon dev --json --full [--all]
 *                                 one object: "devices" (as --json),
 *                                 "thermal_zones", "power", "sources"
 *   gpumon dev --watch [--json]   events as they arrive, one per line
 *
 * Plain --json stays an array of devices: scripts index it (.[]).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "dev.h"
#include "nl_src.h"

static const char *const role_names[] = {
	"unspec", "gpu", "nvswitch", "matched", "root-port", "switch-up",
	"switch-down", "bridge",
};
static const char *const state_names[] = {
	"present", "not-responding", "removed",
};
static const char *const kind_names[] = {
	"unspec", "aer", "link-downtrained", "link-restored", "link-down",
	"link-flapping", "dev-not-responding", "dev-removed", "dev-added",
	"driver-unbound", "thermal-trip", "thermal-trip-cleared",
	"thermal-zone-added", "thermal-zone-removed",
};
static const char *const sev_names[] = {
	"info", "warning", "error", "critical",
};
static const char *const aer_sev_names[] = {
	"correctable", "nonfatal", "fatal",
};
/* Correctable Error Status bits, PCIe r6.0 sec 7.8.4.5. */
static const char *const cor_bit_names[32] = {
	[0] = "Receiver Error", [6] = "Bad TLP", [7] = "Bad DLLP",
	[8] = "REPLAY_NUM Rollover", [12] = "Replay Timer Timeout",
	[13] = "Advisory Non-Fatal Error", [14] = "Corrected Internal Error",
	[15] = "Header Log Overflow",
};
/* Uncorrectable Error Status bits, PCIe r6.0 sec 7.8.4.2. */
static const char *const uncor_bit_names[32] = {
	[4] = "Data Link Protocol Error", [5] = "Surprise Down Error",
	[12] = "Poisoned TLP Received", [13] = "Flow Control Protocol Error",
	[14] = "Completion Timeout", [15] = "Completer Abort",
	[16] = "Unexpected Completion", [17] = "Receiver Overflow",
	[18] = "Malformed TLP", [19] = "ECRC Error",
	[20] = "Unsupported Request Error", [21] = "ACS Violation",
	[22] = "Uncorrectable Internal Error", [23] = "MC Blocked TLP",
	[24] = "AtomicOp Egress Blocked", [25] = "TLP Prefix Blocked Error",
	[26] = "Poisoned TLP Egress Blocked",
	[27] = "DMWr Request Egress Blocked", [28] = "IDE Check Failed",
	[29] = "Misrouted IDE TLP", [30] = "PCRC_CHECK_FAILED",
	[31] = "TLP Translation Egress Blocked",
};

#define NAME(tab, i) ((size_t)(i) < sizeof(tab) / sizeof((tab)[0]) && (tab)[i] ? (tab)[i] : "unknown")

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static json_object *link_json(const struct gpumon_nl_link *l)
{
	json_object *o = json_object_new_object();

	if (l->valid) {
		json_object_object_add(o, "cur_speed_mts", json_object_new_int64(l->cur_speed));
		json_object_object_add(o, "cur_width", json_object_new_int64(l->cur_width));
		json_object_object_add(o, "max_speed_mts", json_object_new_int64(l->max_speed));
		json_object_object_add(o, "max_width", json_object_new_int64(l->max_width));
	}
	if (l->dll_active >= 0)
		json_object_object_add(o, "dll_active", json_object_new_boolean(l->dll_active));
	json_object_object_add(o, "downtrained", json_object_new_int64(l->downtrained));
	json_object_object_add(o, "down", json_object_new_int64(l->down));
	json_object_object_add(o, "not_responding", json_object_new_int64(l->not_responding));
	json_object_object_add(o, "flaps", json_object_new_int64(l->flaps));
	json_object_object_add(o, "suppressed", json_object_new_int64(l->suppressed));
	return o;
}

static json_object *bits_json(const uint64_t *counts, const char *const *names)
{
	json_object *o = json_object_new_object();
	char key[64];

	for (int i = 0; i < 32; i++) {
		if (!counts[i])
			continue;
		snprintf(key, sizeof(key), "%s", names[i] ? names[i] : "");
		if (!names[i])
			snprintf(key, sizeof(key), "bit %d", i);
		json_object_object_add(o, key, json_object_new_int64(counts[i]));
	}
	return o;
}

static int dev_json(void *ctx, const struct gpumon_nl_dev *d)
{
	json_object *arr = ctx, *o = json_object_new_object(), *aer, *below;
	char hex[16];

	json_object_object_add(o, "bdf", json_object_new_string(d->bdf));
	json_object_object_add(o, "role", json_object_new_string(NAME(role_names, d->role)));
	json_object_object_add(o, "state", json_object_new_string(NAME(state_names, d->state)));
	json_object_object_add(o, "parent", *d->parent ? json_object_new_string(d->parent) : NULL);
	json_object_object_add(o, "peer", *d->peer ? json_object_new_string(d->peer) : NULL);
	snprintf(hex, sizeof(hex), "0x%04x", d->vendor);
	json_object_object_add(o, "vendor", json_object_new_string(hex));
	snprintf(hex, sizeof(hex), "0x%04x", d->device);
	json_object_object_add(o, "device", json_object_new_string(hex));
	snprintf(hex, sizeof(hex), "0x%06x", d->class);
	json_object_object_add(o, "class", json_object_new_string(hex));
	below = json_object_new_array();
	for (unsigned int i = 0; i < d->nbelow; i++)
		json_object_array_add(below, json_object_new_string(d->below[i]));
	json_object_object_add(o, "below", below);
	aer = json_object_new_object();
	for (int s = 0; s < 3; s++)
		json_object_object_add(aer, aer_sev_names[s], json_object_new_int64(d->aer[s]));
	json_object_object_add(aer, "correctable_bits", bits_json(d->aer_cor_bit, cor_bit_names));
	json_object_object_add(aer, "uncorrectable_bits", bits_json(d->aer_uncor_bit, uncor_bit_names));
	if (d->aer_first_ns) {
		json_object_object_add(aer, "first_ns", json_object_new_int64(d->aer_first_ns));
		json_object_object_add(aer, "last_ns", json_object_new_int64(d->aer_last_ns));
	}
	if (d->tlp_valid) {
		json_object *t = json_object_new_array();

		for (int i = 0; i < 4; i++) {
			snprintf(hex, sizeof(hex), "0x%08x", d->tlp[i]);
			json_object_array_add(t, json_object_new_string(hex));
		}
		json_object_object_add(aer, "last_tlp", t);
	}
	json_object_object_add(o, "aer", aer);
	json_object_object_add(o, "link", link_json(&d->link));
	json_object_array_add(arr, o);
	return 0;
}

static void speed_str(char *buf, size_t size, uint32_t mts)
{
	snprintf(buf, size, "%u.%uGT/s", mts / 1000, mts % 1000 / 100);
}

static void link_str(char *buf, size_t size, const struct gpumon_nl_link *l)
{
	char cur[16], max[16];

	if (!l->valid) {
		snprintf(buf, size, "-");
		return;
	}
	speed_str(cur, sizeof(cur), l->cur_speed);
	speed_str(max, sizeof(max), l->max_speed);
	snprintf(buf, size, "%s x%u/%s x%u%s", cur, l->cur_width, max,
		 l->max_width, l->dll_active == 0 ? " DLL=0" : "");
}

static int dev_text(void *ctx, const struct gpumon_nl_dev *d)
{
	char link[64];

	link_str(link, sizeof(link), &d->link);
	printf("%-13s %-11s %-14s %-13s %-32s %6" PRIu64 " %6" PRIu64 " %6" PRIu64 " %5" PRIu64 "\n",
	       d->bdf, NAME(role_names, d->role), NAME(state_names, d->state),
	       *d->parent ? d->parent : "-", link, d->aer[0], d->aer[1],
	       d->aer[2], d->link.flaps);
	for (unsigned int i = 0; i < d->nbelow; i++)
		printf("  below: %s\n", d->below[i]);
	return 0;
}

/* A json-c integer, or null when @has is false (N/A is not 0). */
static json_object *opt_int(bool has, int64_t v)
{
	return has ? json_object_new_int64(v) : NULL;
}

/* "71.5" from 71500 m degC, "N/A" when absent. */
static const char *mc_str(char *buf, size_t size, bool has, int32_t mc)
{
	if (!has)
		return "N/A";
	snprintf(buf, size, "%s%d.%d", mc < 0 && mc > -1000 ? "-" : "",
		 mc / 1000, abs(mc % 1000) / 100);
	return buf;
}

/* "12.345" W from mW, "N/A" when absent. */
static const char *mw_str(char *buf, size_t size, bool has, uint32_t mw)
{
	if (!has)
		return "N/A";
	snprintf(buf, size, "%u.%03u", mw / 1000, mw % 1000);
	return buf;
}

static bool is_trip_event(uint32_t kind)
{
	return kind == GPUMON_EVENT_THERMAL_TRIP ||
	       kind == GPUMON_EVENT_THERMAL_TRIP_CLEARED;
}

static bool is_thermal_event(uint32_t kind)
{
	return is_trip_event(kind) ||
	       kind == GPUMON_EVENT_THERMAL_ZONE_ADDED ||
	       kind == GPUMON_EVENT_THERMAL_ZONE_REMOVED;
}

static void thermal_event_json(json_object *o, const struct gpumon_nl_event *ev)
{
	uint32_t v = ev->valid;

	json_object_object_add(o, "zone", json_object_new_string(ev->zone));
	json_object_object_add(o, "zone_id", opt_int(v & GPUMON_NL_EV_ZONE_ID, ev->zone_id));
	if (!is_trip_event(ev->kind))
		return;
	json_object_object_add(o, "temp_mc", opt_int(v & GPUMON_NL_EV_TEMP, ev->temp_mc));
	json_object_object_add(o, "trip", opt_int(v & GPUMON_NL_EV_TRIP, ev->trip));
	json_object_object_add(o, "trip_type", v & GPUMON_NL_EV_TRIP_TYPE ?
			       json_object_new_string(gpumon_nl_trip_type_name(ev->trip_type)) : NULL);
	json_object_object_add(o, "trip_temp_mc", opt_int(v & GPUMON_NL_EV_TRIP_TEMP, ev->trip_temp_mc));
	json_object_object_add(o, "trip_hyst_mc", opt_int(v & GPUMON_NL_EV_TRIP_HYST, ev->trip_hyst_mc));
	json_object_object_add(o, "asserted",
			       json_object_new_boolean(ev->kind == GPUMON_EVENT_THERMAL_TRIP));
}

/* key=value fields, then a sentence. */
static void thermal_event_text(const struct gpumon_nl_event *ev)
{
	char t[16], tt[16], h[16], clr[16];
	uint32_t v = ev->valid;
	bool asserted = ev->kind == GPUMON_EVENT_THERMAL_TRIP;

	printf(" zone=%s zone_id=", *ev->zone ? ev->zone : "-");
	if (v & GPUMON_NL_EV_ZONE_ID)
		printf("%u", ev->zone_id);
	else
		printf("N/A");
	if (!is_trip_event(ev->kind)) {
		printf(" msg=\"thermal zone %s%s%s\"", *ev->zone ? ev->zone : "?",
		       ev->kind == GPUMON_EVENT_THERMAL_ZONE_ADDED ? " appeared" : " went away",
		       ev->kind == GPUMON_EVENT_THERMAL_ZONE_REMOVED ? " (counters kept)" : "");
		return;
	}
	mc_str(t, sizeof(t), v & GPUMON_NL_EV_TEMP, ev->temp_mc);
	mc_str(tt, sizeof(tt), v & GPUMON_NL_EV_TRIP_TEMP, ev->trip_temp_mc);
	mc_str(h, sizeof(h), v & GPUMON_NL_EV_TRIP_HYST, ev->trip_hyst_mc);
	mc_str(clr, sizeof(clr),
	       (v & GPUMON_NL_EV_TRIP_TEMP) && (v & GPUMON_NL_EV_TRIP_HYST),
	       ev->trip_temp_mc - ev->trip_hyst_mc);
	printf(" trip=");
	if (v & GPUMON_NL_EV_TRIP)
		printf("%u", ev->trip);
	else
		printf("N/A");
	printf(" trip_type=%s temp_c=%s trip_temp_c=%s hyst_c=%s %s",
	       v & GPUMON_NL_EV_TRIP_TYPE ? gpumon_nl_trip_type_name(ev->trip_type) : "N/A",
	       t, tt, h, asserted ? "asserted" : "cleared");
	if (asserted)
		printf(" msg=\"%s trip %s at %s C (trip point %s C, clears below %s C)\"",
		       *ev->zone ? ev->zone : "zone",
		       v & GPUMON_NL_EV_TRIP_TYPE ? gpumon_nl_trip_type_name(ev->trip_type) : "?",
		       t, tt, clr);
	else
		printf(" msg=\"%s trip %s cleared at %s C (below %s C)\"",
		       *ev->zone ? ev->zone : "zone",
		       v & GPUMON_NL_EV_TRIP_TYPE ? gpumon_nl_trip_type_name(ev->trip_type) : "?",
		       t, clr);
}

static void print_event(const struct gpumon_nl_event *ev, bool json)
{
	char link[64];

	if (json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "seq", json_object_new_int64(ev->seq));
		json_object_object_add(o, "time_mono_ns", json_object_new_int64(ev->time_mono_ns));
		json_object_object_add(o, "time_real_ns", json_object_new_int64(ev->time_real_ns));
		json_object_object_add(o, "kind", json_object_new_string(NAME(kind_names, ev->kind)));
		json_object_object_add(o, "severity", json_object_new_string(NAME(sev_names, ev->severity)));
		if (*ev->bdf) {
			json_object_object_add(o, "bdf", json_object_new_string(ev->bdf));
			json_object_object_add(o, "role", json_object_new_string(NAME(role_names, ev->role)));
		}
		if (*ev->peer)
			json_object_object_add(o, "peer", json_object_new_string(ev->peer));
		if (ev->kind == GPUMON_EVENT_AER) {
			snprintf(link, sizeof(link), "0x%08x", ev->aer.status);
			json_object_object_add(o, "aer_severity", json_object_new_string(NAME(aer_sev_names, ev->aer.severity)));
			json_object_object_add(o, "aer_status", json_object_new_string(link));
		} else if (is_thermal_event(ev->kind)) {
			thermal_event_json(o, ev);
		} else {
			json_object_object_add(o, "link", link_json(&ev->link));
		}
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		link_str(link, sizeof(link), &ev->link);
		printf("seq=%" PRIu64 " kind=%s severity=%s bdf=%s peer=%s",
		       ev->seq, NAME(kind_names, ev->kind),
		       NAME(sev_names, ev->severity), *ev->bdf ? ev->bdf : "-",
		       *ev->peer ? ev->peer : "-");
		if (ev->kind == GPUMON_EVENT_AER)
			printf(" aer=%s status=0x%08x",
			       NAME(aer_sev_names, ev->aer.severity),
			       ev->aer.status);
		else if (is_thermal_event(ev->kind))
			thermal_event_text(ev);
		else if (ev->link.valid || ev->link.flaps)
			printf(" link=\"%s\" flaps=%" PRIu64 " suppressed=%" PRIu64,
			       link, ev->link.flaps, ev->link.suppressed);
		printf("\n");
	}
	fflush(stdout);
}

static int tzone_add(void *ctx, const struct gpumon_nl_tzone *z)
{
	json_object_array_add(ctx, gpumon_json_nl_tzone(z));
	return 0;
}

static int rapl_add(void *ctx, const struct gpumon_nl_rapl *r)
{
	json_object_array_add(ctx, gpumon_json_nl_rapl(r));
	return 0;
}

static int tzone_text(void *ctx, const struct gpumon_nl_tzone *z)
{
	char t[16], m[16], tt[16], h[16], n[24], e[24];
	uint32_t v = z->valid;

	snprintf(n, sizeof(n), "%" PRIu64, z->samples);
	snprintf(e, sizeof(e), "%" PRIu64, z->read_errors);
	printf("%-5u %-20s %-8s %7s %7s %10s %6s\n", z->id, *z->type ? z->type : "-",
	       v & GPUMON_NL_TZ_STATE ? NAME(state_names, z->state) : "N/A",
	       mc_str(t, sizeof(t), v & GPUMON_NL_TZ_TEMP, z->temp_mc),
	       mc_str(m, sizeof(m), v & GPUMON_NL_TZ_TEMP_MAX, z->temp_max_mc),
	       v & GPUMON_NL_TZ_SAMPLES ? n : "N/A",
	       v & GPUMON_NL_TZ_READ_ERRORS ? e : "N/A");
	for (unsigned int i = 0; i < z->ntrips; i++) {
		const struct gpumon_nl_trip *p = &z->trips[i];
		uint32_t tv = p->valid;

		snprintf(n, sizeof(n), "%" PRIu64, p->crossings);
		printf("  trip %-2u %-8s %7s C hyst %5s C  %-8s crossings %s\n", p->id,
		       tv & GPUMON_NL_TRIP_TYPE ? gpumon_nl_trip_type_name(p->type) : "N/A",
		       mc_str(tt, sizeof(tt), tv & GPUMON_NL_TRIP_TEMP, p->temp_mc),
		       mc_str(h, sizeof(h), tv & GPUMON_NL_TRIP_HYST, p->hyst_mc),
		       !(tv & GPUMON_NL_TRIP_ASSERTED) ? "N/A" :
		       p->asserted ? "ASSERTED" : "clear",
		       tv & GPUMON_NL_TRIP_CROSSINGS ? n : "N/A");
	}
	if (z->trips_over)
		printf("  (%u more trip points not shown)\n", z->trips_over);
	return 0;
}

static int rapl_text(void *ctx, const struct gpumon_nl_rapl *r)
{
	char j[32], mn[16], av[16], mx[16], pk[16], win[32], ws[16], sm[24], wr[24];
	uint32_t v = r->valid;

	snprintf(j, sizeof(j), "%" PRIu64 ".%06" PRIu64, r->energy_uj / 1000000,
		 r->energy_uj % 1000000);
	snprintf(win, sizeof(win), "%" PRIu64 ".%03" PRIu64, r->window_ns / 1000000,
		 r->window_ns / 1000 % 1000);
	snprintf(ws, sizeof(ws), "%u", r->window_samples);
	snprintf(sm, sizeof(sm), "%" PRIu64, r->samples);
	snprintf(wr, sizeof(wr), "%" PRIu64, r->wraps);
	printf("%-3u %-8s %-3s %16s %9s %9s %9s %10s %6s %9s %8s %5s\n", r->pkg,
	       gpumon_nl_rapl_domain_name(r->domain), r->injected ? "yes" : "no",
	       v & GPUMON_NL_RAPL_ENERGY ? j : "N/A",
	       mw_str(mn, sizeof(mn), v & GPUMON_NL_RAPL_MIN, r->min_mw),
	       mw_str(av, sizeof(av), v & GPUMON_NL_RAPL_AVG, r->avg_mw),
	       mw_str(mx, sizeof(mx), v & GPUMON_NL_RAPL_MAX, r->max_mw),
	       v & GPUMON_NL_RAPL_WINDOW ? win : "N/A",
	       v & GPUMON_NL_RAPL_WINDOW_SAMPLES ? ws : "N/A",
	       mw_str(pk, sizeof(pk), v & GPUMON_NL_RAPL_PEAK, r->peak_mw),
	       v & GPUMON_NL_RAPL_SAMPLES ? sm : "N/A",
	       v & GPUMON_NL_RAPL_WRAPS ? wr : "N/A");
	return 0;
}

static void source_text(const char *name, bool has, uint32_t state,
			const char *reason)
{
	if (has)
		printf("%s source: %s%s%s\n", name, gpumon_nl_source_state_name(state),
		       *reason ? ": " : "", reason);
	else
		printf("%s source: N/A (the module does not report it)\n", name);
}

/*
 * A dump the module may not have (an older gpumon.ko answers
 * EOPNOTSUPP): said once on stderr; other errors are failures.
 */
static int part_err(const char *what, int err)
{
	if (!err)
		return 0;
	fprintf(stderr, "gpumon dev: %s: %s%s\n", what, strerror(-err),
		err == -EOPNOTSUPP ? " (the module predates it)" : "");
	return err == -EOPNOTSUPP ? 0 : err;
}

/* Text: thermal zones, RAPL domains and source states after the devices. */
static int module_text(struct gpumon_nl *nl)
{
	struct gpumon_nl_stats st;
	int err, ret, st_err;

	st_err = gpumon_nl_stats(nl, &st);
	ret = part_err("stats", st_err);
	printf("\n");
	source_text("thermal", !st_err && (st.valid & GPUMON_NL_ST_THERMAL),
		    st.thermal_state, st.thermal_reason);
	printf("%-5s %-20s %-8s %7s %7s %10s %6s\n", "ZONE", "TYPE", "STATE",
	       "TEMP C", "MAX C", "SAMPLES", "ERRORS");
	err = part_err("thermal zones", gpumon_nl_dump_thermal(nl, tzone_text, NULL));
	ret = ret ? ret : err;
	printf("\n");
	source_text("rapl", !st_err && (st.valid & GPUMON_NL_ST_RAPL), st.rapl_state,
		    st.rapl_reason);
	printf("%-3s %-8s %-3s %16s %9s %9s %9s %10s %6s %9s %8s %5s\n", "PKG",
	       "DOMAIN", "INJ", "ENERGY J", "MIN W", "AVG W", "MAX W",
	       "WINDOW ms", "SAMPL", "PEAK W", "SAMPLES", "WRAPS");
	err = part_err("power", gpumon_nl_dump_power(nl, rapl_text, NULL));
	return ret ? ret : err;
}

/* JSON --full: {"devices", "thermal_zones", "power", "sources"}. */
static int module_json(struct gpumon_nl *nl, json_object *o)
{
	json_object *zones = json_object_new_array(), *power = json_object_new_array();
	struct gpumon_nl_stats st;
	int err, ret;

	json_object_object_add(o, "thermal_zones", zones);
	json_object_object_add(o, "power", power);
	ret = part_err("thermal zones", gpumon_nl_dump_thermal(nl, tzone_add, zones));
	err = part_err("power", gpumon_nl_dump_power(nl, rapl_add, power));
	ret = ret ? ret : err;
	err = gpumon_nl_stats(nl, &st);
	if (err)
		memset(&st, 0, sizeof(st));
	json_object_object_add(o, "sources", gpumon_json_module_sources(&st));
	err = part_err("stats", err);
	return ret ? ret : err;
}

struct watch_ctx {
	bool json;
};

static void on_event(void *ctx, const struct gpumon_nl_event *ev)
{
	print_event(ev, ((struct watch_ctx *)ctx)->json);
}

static void on_lost(void *ctx, uint64_t n)
{
	printf(n ? "# %" PRIu64 " events lost\n" : "# events lost (overrun)\n", n);
	fflush(stdout);
}

static int watch(bool json)
{
	struct watch_ctx w = { .json = json };
	struct gpumon_nl_ops ops = { .event = on_event, .lost = on_lost };
	struct gpumon_nl *nl;
	struct pollfd pfd;
	int err;

	err = gpumon_nl_open(&nl, &ops, &w);
	if (err) {
		fprintf(stderr, "gpumon dev: netlink family gpumon: %s\n", strerror(-err));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("# watching\n");
	fflush(stdout);
	pfd.fd = gpumon_nl_fd(nl);
	pfd.events = POLLIN;
	while (!stop) {
		if (poll(&pfd, 1, 500) < 0 && errno != EINTR)
			break;
		err = gpumon_nl_process(nl);
		if (err) {
			fprintf(stderr, "gpumon dev: %s\n", strerror(-err));
			break;
		}
	}
	gpumon_nl_close(nl);
	return err ? 1 : 0;
}

/**
 * gpumon_cmd_dev() - the "dev" command
 * @argc: arguments after the command name, with it as argv[0]
 * @argv: same
 *
 * Return: the process exit status.
 */
int gpumon_cmd_dev(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "watch", no_argument, NULL, 'w' },
		{ "full", no_argument, NULL, 'f' },
		{}
	};
	bool json = false, all = false, watching = false, full = false;
	struct gpumon_nl *nl;
	json_object *arr, *top;
	int c, err;

	while ((c = getopt_long(argc, argv, "jawf", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'f':
			full = true;
			break;
		case 'a':
			all = true;
			break;
		case 'w':
			watching = true;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "gpumon dev: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	if (watching)
		return watch(json);

	err = gpumon_nl_open(&nl, NULL, NULL);
	if (err) {
		fprintf(stderr, "gpumon dev: netlink family gpumon: %s%s\n",
			strerror(-err), err == -ENOENT ? " (gpumon.ko not loaded)" : "");
		return 1;
	}
	if (json) {
		arr = json_object_new_array();
		err = gpumon_nl_dump_ex(nl, all, dev_json, arr);
		top = arr;
		if (!err && full) {
			top = json_object_new_object();
			json_object_object_add(top, "devices", arr);
			err = module_json(nl, top);
		}
		if (!err)
			printf("%s\n", json_object_to_json_string_ext(top,
				JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
		json_object_put(top);
	} else {
		printf("%-13s %-11s %-14s %-13s %-32s %6s %6s %6s %5s\n", "BDF",
		       "ROLE", "STATE", "PARENT", "LINK cur/max", "CORR",
		       "NONFAT", "FATAL", "FLAPS");
		err = gpumon_nl_dump_ex(nl, all, dev_text, NULL);
		if (!err)
			err = module_text(nl);
	}
	gpumon_nl_close(nl);
	if (err) {
		fprintf(stderr, "gpumon dev: dump: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}
