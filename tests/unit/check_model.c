// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_model.c - unit tests of the node model (user/lib/model.c) and
 * the alerts drawn from it (user/lib/alert.c): one error is one event
 * whichever sources see it, the event ring counts what it overwrites,
 * correctable alerts carry exact counts.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "alert.h"
#include "model.h"
#include "check_run.h"

#define SEC	1000000000ull

static struct gpumon_model m;

static void setup(void)
{
	ck_assert_int_eq(gpumon_model_init(&m, 8), 0);
}

static void teardown(void)
{
	gpumon_model_fini(&m);
}

static struct gpumon_aer_rec rec(const char *bdf, enum gpumon_aer_severity s,
				 uint32_t status)
{
	struct gpumon_aer_rec r = { .severity = s, .status = status };

	snprintf(r.bdf, sizeof(r.bdf), "%s", bdf);
	return r;
}

static void module_watches(const char *bdf)
{
	struct gpumon_nl_dev nd = { .role = GPUMON_ROLE_MATCHED };

	snprintf(nd.bdf, sizeof(nd.bdf), "%s", bdf);
	gpumon_model_module_dev(&m, &nd);
	gpumon_model_source(&m, GPUMON_SRC_NETLINK, true, "");
}

START_TEST(test_bpf_alone_counts)
{
	struct gpumon_aer_rec r = rec("0000:03:00.0", GPUMON_AER_FATAL, 0x10);

	ck_assert_ptr_nonnull(gpumon_model_aer(&m, GPUMON_SRC_BPF, &r));
	ck_assert_ptr_nonnull(gpumon_model_aer(&m, GPUMON_SRC_BPF, &r));
	ck_assert_uint_eq(gpumon_model_dev(&m, r.bdf, false)->aer[2], 2);
}
END_TEST

START_TEST(test_bpf_then_module_is_one_error)
{
	struct gpumon_aer_rec b = rec("0000:03:00.0", GPUMON_AER_NONFATAL,
				      0x4000);
	struct gpumon_aer_rec n = b;
	struct gpumon_event *e;

	module_watches(b.bdf);
	b.tlp_valid = true;
	b.tlp[0] = 0x4a000001;
	n.seq = 7;
	ck_assert_ptr_null(gpumon_model_aer(&m, GPUMON_SRC_BPF, &b));
	e = gpumon_model_aer(&m, GPUMON_SRC_NETLINK, &n);
	ck_assert_ptr_nonnull(e);
	ck_assert(e->bpf_seen);
	/* the TLP header came from BPF */
	ck_assert(e->aer.tlp_valid);
	ck_assert_uint_eq(e->aer.tlp[0], 0x4a000001);
	ck_assert_uint_eq(gpumon_model_dev(&m, b.bdf, false)->aer[1], 1);
	ck_assert_uint_eq(m.npending, 0);
	ck_assert_uint_eq(m.bpf_matched, 1);
}
END_TEST

START_TEST(test_module_then_bpf_is_one_error)
{
	struct gpumon_aer_rec r = rec("0000:03:00.0", GPUMON_AER_CORRECTABLE,
				      0x1);
	struct gpumon_event *e;

	module_watches(r.bdf);
	r.seq = 1;
	e = gpumon_model_aer(&m, GPUMON_SRC_NETLINK, &r);
	ck_assert(!e->bpf_seen);
	r.seq = 0;
	ck_assert_ptr_null(gpumon_model_aer(&m, GPUMON_SRC_BPF, &r));
	ck_assert(gpumon_model_event_at(&m, e->seq)->bpf_seen);
	ck_assert_uint_eq(gpumon_model_dev(&m, r.bdf, false)->aer[0], 1);
	ck_assert_uint_eq(m.npending, 0);
}
END_TEST

START_TEST(test_bpf_counts_devices_module_ignores)
{
	struct gpumon_aer_rec r = rec("0000:00:1c.0", GPUMON_AER_FATAL, 0x20);

	module_watches("0000:03:00.0");
	ck_assert_ptr_nonnull(gpumon_model_aer(&m, GPUMON_SRC_BPF, &r));
	ck_assert_uint_eq(gpumon_model_dev(&m, r.bdf, false)->aer[2], 1);
}
END_TEST

START_TEST(test_module_gone_drops_pending)
{
	struct gpumon_aer_rec r = rec("0000:03:00.0", GPUMON_AER_FATAL, 0x10);

	module_watches(r.bdf);
	gpumon_model_aer(&m, GPUMON_SRC_BPF, &r);
	ck_assert_uint_eq(m.npending, 1);
	ck_assert_ptr_nonnull(gpumon_model_source(&m, GPUMON_SRC_NETLINK,
						  false, "unloaded"));
	ck_assert_uint_eq(m.npending, 0);
	ck_assert_uint_eq(m.bpf_unmatched_dropped, 1);
	/* unchanged state: no new event */
	ck_assert_ptr_null(gpumon_model_source(&m, GPUMON_SRC_NETLINK,
					       false, "unloaded"));
	/* from now on BPF is the count */
	ck_assert_ptr_nonnull(gpumon_model_aer(&m, GPUMON_SRC_BPF, &r));
}
END_TEST

START_TEST(test_ring_overwrite_is_counted)
{
	struct gpumon_event ev = { .kind = "x" };
	uint64_t first, lost;
	size_t n;

	for (int i = 0; i < 20; i++)
		gpumon_model_add_event(&m, &ev);
	/* ring of 8: seqs 13..20 kept */
	n = gpumon_model_events_after(&m, 0, &first, &lost);
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(first, 13);
	ck_assert_uint_eq(lost, 12);
	n = gpumon_model_events_after(&m, 15, &first, &lost);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(first, 16);
	ck_assert_uint_eq(lost, 0);
	ck_assert_uint_eq(gpumon_model_events_after(&m, 20, &first, &lost), 0);
	ck_assert_ptr_null(gpumon_model_event_at(&m, 12));
	ck_assert_uint_eq(gpumon_model_event_at(&m, 13)->seq, 13);
}
END_TEST

START_TEST(test_xid_function_zero)
{
	struct gpumon_xid x = {
		.has_bdf = true, .domain = 1, .bus = 0x1b, .dev = 0,
		.gi = -1, .ci = -1, .xid = 79, .pid = -1,
		.msg = "GPU has fallen off the bus.",
	};
	struct gpumon_event *e = gpumon_model_xid(&m, &x, LOG_CRIT);
	struct gpumon_dev *d;

	ck_assert_str_eq(e->entity, "0001:1b:00.0");
	ck_assert_str_eq(e->fields, "xid=79");
	d = gpumon_model_dev(&m, "0001:1b:00.0", false);
	ck_assert_uint_eq(d->xid_count, 1);
	ck_assert_uint_eq(d->last_xid, 79);
}
END_TEST

START_TEST(test_dump_tracks_removal_and_addition)
{
	struct gpumon_nl_dev a = { .bdf = "0000:03:00.0",
				   .role = GPUMON_ROLE_MATCHED };
	struct gpumon_nl_dev b = { .bdf = "0000:02:00.0",
				   .role = GPUMON_ROLE_SWITCH_DOWN };
	const struct gpumon_event *e;
	uint64_t seq;

	gpumon_model_dump_begin(&m);
	gpumon_model_module_dev(&m, &a);
	gpumon_model_module_dev(&m, &b);
	gpumon_model_dump_end(&m);
	/* the first dump is the starting state, not a change */
	ck_assert_uint_eq(m.next_seq, 1);

	seq = m.next_seq;
	gpumon_model_dump_begin(&m);
	gpumon_model_module_dev(&m, &b);
	gpumon_model_dump_end(&m);
	ck_assert_uint_eq(m.next_seq, seq + 1);
	e = gpumon_model_event_at(&m, seq);
	ck_assert_str_eq(e->kind, "device");
	ck_assert_str_eq(e->entity, "0000:03:00.0");
	ck_assert_str_eq(e->fields, "state=removed role=matched");
	ck_assert_int_eq(e->severity, LOG_CRIT);
	ck_assert(!gpumon_model_dev(&m, a.bdf, false)->in_module);
	ck_assert(gpumon_model_dev(&m, b.bdf, false)->in_module);

	gpumon_model_dump_begin(&m);
	gpumon_model_module_dev(&m, &a);
	gpumon_model_module_dev(&m, &b);
	gpumon_model_dump_end(&m);
	ck_assert_uint_eq(m.next_seq, seq + 2);
	e = gpumon_model_event_at(&m, seq + 1);
	ck_assert_str_eq(e->fields, "state=added role=matched");
	ck_assert(gpumon_model_dev(&m, a.bdf, false)->in_module);
}
END_TEST

/* ---- alerts ---- */

static char lines[16][512];
static int nlines;

static void capture(void *ctx, int level, const char *line)
{
	if (nlines < 16)
		snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
}

static struct gpumon_alerter al = {
	.cor_interval_ns = 60 * SEC,
	.out = capture,
};

static void alert_setup(void)
{
	setup();
	nlines = 0;
	al.lines = 0;
}

static void feed(const struct gpumon_aer_rec *r, uint64_t now)
{
	struct gpumon_event *e = gpumon_model_aer(&m, GPUMON_SRC_BPF, r);

	gpumon_alert_event(&al, &m, e, now);
}

START_TEST(test_alert_correctable_rate_limit)
{
	struct gpumon_aer_rec r = rec("0000:03:00.0", GPUMON_AER_CORRECTABLE,
				      0x40);
	int i;

	feed(&r, 100 * SEC);			/* first: at once */
	ck_assert_int_eq(nlines, 1);
	ck_assert_ptr_nonnull(strstr(lines[0], " count=1 "));
	for (i = 0; i < 99; i++)
		feed(&r, 101 * SEC + i);	/* within the minute */
	gpumon_alert_tick(&al, &m, 159 * SEC);
	ck_assert_int_eq(nlines, 1);
	gpumon_alert_tick(&al, &m, 160 * SEC);	/* a minute on */
	ck_assert_int_eq(nlines, 2);
	ck_assert_ptr_nonnull(strstr(lines[1], " count=99 "));
	ck_assert_ptr_nonnull(strstr(lines[1], "bdf=0000:03:00.0"));
	ck_assert(!strncmp(lines[1], "WARNING ", 8));
	gpumon_alert_tick(&al, &m, 500 * SEC);	/* nothing new */
	ck_assert_int_eq(nlines, 2);
}
END_TEST

START_TEST(test_alert_uncorrectable_each)
{
	struct gpumon_aer_rec r = rec("0000:00:01.0", GPUMON_AER_FATAL, 0x10);

	feed(&r, SEC);
	feed(&r, SEC + 1);
	ck_assert_int_eq(nlines, 2);
	ck_assert_str_eq(lines[0],
			 "CRIT bdf=0000:00:01.0 kind=aer severity=fatal status=0x00000010 msg=\"PCIe uncorrectable (fatal) AER error\"");
}
END_TEST

START_TEST(test_alert_xid_quotes)
{
	struct gpumon_xid x = {
		.has_bdf = true, .bus = 3, .gi = -1, .ci = -1, .xid = 79,
		.pid = -1, .msg = "say \"hi\"",
	};

	gpumon_alert_event(&al, &m, gpumon_model_xid(&m, &x, LOG_CRIT), SEC);
	ck_assert_int_eq(nlines, 1);
	ck_assert_str_eq(lines[0],
			 "CRIT bdf=0000:03:00.0 kind=xid xid=79 msg=\"say 'hi'\"");
}
END_TEST

START_TEST(test_alert_correctable_counts_module_counter)
{
	struct gpumon_nl_dev nd = { .bdf = "0000:03:00.0",
				    .role = GPUMON_ROLE_MATCHED };
	struct gpumon_dev *d;

	/* 7 counted before gpumond saw the device: the baseline */
	nd.aer[GPUMON_AER_CORRECTABLE] = 7;
	gpumon_model_dump_begin(&m);
	gpumon_model_module_dev(&m, &nd);
	gpumon_model_dump_end(&m);
	gpumon_alert_tick(&al, &m, 10 * SEC);
	ck_assert_int_eq(nlines, 0);

	/* 5 more whose events were lost: the next dump says 12 */
	nd.aer[GPUMON_AER_CORRECTABLE] = 12;
	gpumon_model_dump_begin(&m);
	gpumon_model_module_dev(&m, &nd);
	gpumon_model_dump_end(&m);
	gpumon_alert_tick(&al, &m, 11 * SEC);
	ck_assert_int_eq(nlines, 1);
	ck_assert_ptr_nonnull(strstr(lines[0], " count=5 "));

	/* the module reloads: its counter restarts at 2 */
	d = gpumon_model_dev(&m, nd.bdf, false);
	d->in_module = false;
	nd.aer[GPUMON_AER_CORRECTABLE] = 2;
	gpumon_model_dump_begin(&m);
	gpumon_model_module_dev(&m, &nd);
	gpumon_model_dump_end(&m);
	nd.aer[GPUMON_AER_CORRECTABLE] = 3;
	gpumon_model_module_dev(&m, &nd);
	gpumon_alert_tick(&al, &m, 200 * SEC);
	ck_assert_int_eq(nlines, 2);
	ck_assert_ptr_nonnull(strstr(lines[1], " count=1 "));
}
END_TEST

START_TEST(test_status_zero_not_counted)
{
	struct gpumon_aer_rec r = rec("0000:03:00.0", GPUMON_AER_FATAL, 0);
	struct gpumon_event *e = gpumon_model_aer(&m, GPUMON_SRC_BPF, &r);

	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->fields, "status=0x00000000");
	ck_assert_uint_eq(gpumon_model_dev(&m, r.bdf, false)->aer[2], 0);
}
END_TEST

/* ---- the module's thermal zones, RAPL domains and thermal events ---- */

static struct gpumon_nl_tzone zone(uint32_t id, const char *type, int temp)
{
	struct gpumon_nl_tzone z = {
		.id = id, .valid = GPUMON_NL_TZ_STATE | GPUMON_NL_TZ_TEMP,
		.state = GPUMON_STATE_PRESENT, .temp_mc = temp, .ntrips = 1,
	};

	snprintf(z.type, sizeof(z.type), "%s", type);
	z.trips[0] = (struct gpumon_nl_trip){
		.valid = GPUMON_NL_TRIP_TYPE | GPUMON_NL_TRIP_TEMP |
			 GPUMON_NL_TRIP_ASSERTED | GPUMON_NL_TRIP_CROSSINGS,
		.id = 1, .type = GPUMON_TRIP_PASSIVE, .temp_mc = 60000,
	};
	return z;
}

static struct gpumon_nl_event trip_ev(uint32_t kind, uint32_t type)
{
	struct gpumon_nl_event ev = {
		.kind = kind, .zone_id = 2, .trip = 1, .trip_type = type,
		.temp_mc = 61500, .trip_temp_mc = 60000, .trip_hyst_mc = 2000,
		.valid = GPUMON_NL_EV_ZONE_ID | GPUMON_NL_EV_TEMP |
			 GPUMON_NL_EV_TRIP | GPUMON_NL_EV_TRIP_TYPE |
			 GPUMON_NL_EV_TRIP_TEMP | GPUMON_NL_EV_TRIP_HYST,
	};

	snprintf(ev.zone, sizeof(ev.zone), "acpitz");
	return ev;
}

START_TEST(test_module_thermal_merge)
{
	struct gpumon_nl_tzone z[2] = { zone(2, "acpitz", 45000),
					zone(5, "x86_pkg_temp", 71500) };
	struct gpumon_thermal_rec bpf = {
		.kind = GPUMON_THERMAL_TEMP, .zone_id = 2, .temp_mc = 44000,
	};
	const struct gpumon_tzone *h;
	uint64_t seq = m.next_seq;

	/* BPF saw zone 2 first: the module's dump joins it by id */
	snprintf(bpf.name, sizeof(bpf.name), "acpitz");
	gpumon_model_thermal(&m, &bpf);
	ck_assert_uint_eq(m.ntzones, 1);
	z[1].trips[0].asserted = true;
	gpumon_model_module_thermal(&m, z, 2);
	ck_assert_uint_eq(m.ntzones, 2);
	ck_assert(m.tzones[0].in_module);
	ck_assert_uint_eq(m.tzones[0].updates, 1);	/* BPF's count kept */
	ck_assert_int_eq(m.tzones[0].temp_mc, 45000);	/* module's sample */
	ck_assert_str_eq(m.tzones[1].type, "x86_pkg_temp");
	/* zone 5's trip was asserted before gpumond knew: one event */
	ck_assert_uint_eq(m.next_seq, seq + 1);
	ck_assert_str_eq(gpumon_model_event_at(&m, seq)->kind, "thermal-trip");
	ck_assert_int_eq(gpumon_model_event_at(&m, seq)->severity, LOG_WARNING);
	ck_assert_ptr_nonnull(strstr(gpumon_model_event_at(&m, seq)->fields,
				     "zone=5 type=x86_pkg_temp trip=1 trip_type=passive state=asserted temp_mc=71500"));
	gpumon_model_module_thermal(&m, z, 2);		/* told once */
	ck_assert_uint_eq(m.next_seq, seq + 1);
	h = gpumon_model_hottest(&m);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(h->id, 5);
	ck_assert_uint_eq(gpumon_model_trips_asserted(&m), 1);

	/* a zone without a sample is not the hottest; absent is not 0 */
	z[1].valid &= ~GPUMON_NL_TZ_TEMP;
	z[0].temp_mc = -5000;
	gpumon_model_module_thermal(&m, z, 2);
	ck_assert_int_eq(gpumon_model_hottest(&m)->id, 2);

	/* the module goes: its zones lose their module part */
	gpumon_model_source(&m, GPUMON_SRC_NETLINK, false, "unloaded");
	ck_assert(!m.tzones[0].in_module && !m.tzones[1].in_module);
	ck_assert_ptr_null(gpumon_model_hottest(&m));
}
END_TEST

/*
 * The BPF trip tracepoint fires on every poll while a zone is above a
 * trip: one alert per trip until it is quiet, none while the module's
 * sampler (with hysteresis) is on.
 */
START_TEST(test_bpf_trip_level_not_flood)
{
	struct gpumon_thermal_rec r = {
		.kind = GPUMON_THERMAL_TRIP, .zone_id = 0, .trip = 0,
		.trip_type = GPUMON_TRIP_HOT,
	};
	struct gpumon_nl_stats st = {
		.valid = GPUMON_NL_ST_THERMAL,
		.thermal_state = GPUMON_SOURCE_ON,
	};
	unsigned int i, events = 0;

	snprintf(r.name, sizeof(r.name), "acpitz");
	for (i = 0; i < 10; i++) {		/* 10 polls, 1 s apart */
		r.time_mono_ns = (1 + i) * 1000000000ULL;
		events += gpumon_model_thermal(&m, &r) != NULL;
	}
	ck_assert_uint_eq(events, 1);
	ck_assert_uint_eq(m.tzones[0].trips, 10);	/* all counted */
	r.trip = 1;				/* another trip alerts */
	ck_assert_ptr_nonnull(gpumon_model_thermal(&m, &r));
	r.trip = 0;				/* quiet 30 s: alerts again */
	r.time_mono_ns += GPUMON_TRIP_QUIET_NS;
	ck_assert_ptr_nonnull(gpumon_model_thermal(&m, &r));
	r.time_mono_ns += GPUMON_TRIP_QUIET_NS - 1;
	ck_assert_ptr_null(gpumon_model_thermal(&m, &r));

	/* with the module's thermal sampler on, its crossings alert */
	gpumon_model_module_stats(&m, &st);
	r.time_mono_ns += 10 * GPUMON_TRIP_QUIET_NS;
	ck_assert_ptr_null(gpumon_model_thermal(&m, &r));
	ck_assert_uint_eq(m.tzones[0].trips, 14);
}
END_TEST

START_TEST(test_module_cpu_power)
{
	struct gpumon_nl_rapl r[3] = {
		{ .pkg = 0, .domain = GPUMON_RAPL_PACKAGE, .avg_mw = 100500,
		  .max_mw = 150000,
		  .valid = GPUMON_NL_RAPL_AVG | GPUMON_NL_RAPL_MAX },
		{ .pkg = 0, .domain = GPUMON_RAPL_DRAM, .avg_mw = 9000,
		  .valid = GPUMON_NL_RAPL_AVG },
		/* before its first window: not summed */
		{ .pkg = 1, .domain = GPUMON_RAPL_PACKAGE,
		  .valid = GPUMON_NL_RAPL_ENERGY },
	};
	struct gpumon_cpu_power p;

	gpumon_model_cpu_power(&m, &p);
	ck_assert(!p.valid);
	gpumon_model_module_power(&m, r, 3);
	ck_assert_uint_eq(m.nrapl, 3);
	gpumon_model_cpu_power(&m, &p);
	ck_assert(p.valid);
	ck_assert_uint_eq(p.packages, 1);
	ck_assert_uint_eq(p.avg_mw, 100500);
	ck_assert_uint_eq(p.max_mw, 150000);
}
END_TEST

START_TEST(test_alert_thermal_trip_levels)
{
	static const struct {
		uint32_t kind, type;
		int level;
		const char *prefix;
	} cases[] = {
		{ GPUMON_EVENT_THERMAL_TRIP, GPUMON_TRIP_CRITICAL, LOG_CRIT, "CRIT " },
		{ GPUMON_EVENT_THERMAL_TRIP, GPUMON_TRIP_HOT, LOG_ERR, "ERR " },
		{ GPUMON_EVENT_THERMAL_TRIP, GPUMON_TRIP_PASSIVE, LOG_WARNING, "WARNING " },
		{ GPUMON_EVENT_THERMAL_TRIP, GPUMON_TRIP_ACTIVE, LOG_NOTICE, "NOTICE " },
		{ GPUMON_EVENT_THERMAL_TRIP, 9, LOG_NOTICE, "NOTICE " },
		{ GPUMON_EVENT_THERMAL_TRIP_CLEARED, GPUMON_TRIP_CRITICAL, LOG_INFO, "INFO " },
	};
	struct gpumon_nl_event ev;
	struct gpumon_event *e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev = trip_ev(cases[i].kind, cases[i].type);
		/* one trip each; the clearing is of the first one */
		ev.trip = cases[i].kind == GPUMON_EVENT_THERMAL_TRIP ? 1 + i : 1;
		e = gpumon_model_module_thermal_event(&m, &ev);
		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(e->severity, cases[i].level);
		ck_assert_str_eq(e->kind, "thermal-trip");
		gpumon_alert_event(&al, &m, e, 0);
		ck_assert_int_eq(nlines, (int)i + 1);
		ck_assert_msg(!strncmp(lines[i], cases[i].prefix,
				       strlen(cases[i].prefix)), "%s", lines[i]);
	}
	ck_assert_str_eq(lines[0],
			 "CRIT kind=thermal-trip zone=2 type=acpitz trip=1 trip_type=critical state=asserted temp_mc=61500 trip_temp_mc=60000 hyst_mc=2000 msg=\"thermal zone acpitz reached its critical trip point 1: 61.5 C (trip 60.0 C)\"");
	ck_assert_ptr_nonnull(strstr(lines[4], " trip_type=unknown "));
	ck_assert_str_eq(lines[5],
			 "INFO kind=thermal-trip zone=2 type=acpitz trip=1 trip_type=critical state=cleared temp_mc=61500 trip_temp_mc=60000 hyst_mc=2000 msg=\"thermal zone acpitz back below its critical trip point 1: 61.5 C (clears below 58.0 C)\"");
}
END_TEST

/*
 * Syslog hears of an assertion once, whoever tells first: the dump or
 * the event; the module reporting it again (reload) changes nothing.
 */
START_TEST(test_trip_told_once)
{
	struct gpumon_nl_tzone z = zone(2, "acpitz", 65000);
	struct gpumon_nl_event ev = trip_ev(GPUMON_EVENT_THERMAL_TRIP,
					    GPUMON_TRIP_PASSIVE);
	uint64_t seq = m.next_seq;

	ck_assert_ptr_nonnull(gpumon_model_module_thermal_event(&m, &ev));
	z.trips[0].asserted = true;
	gpumon_model_module_thermal(&m, &z, 1);		/* dump agrees */
	ck_assert_ptr_null(gpumon_model_module_thermal_event(&m, &ev));
	ck_assert_uint_eq(m.next_seq, seq + 1);
	/* the clearing event was lost: the dump tells it */
	z.trips[0].asserted = false;
	gpumon_model_module_thermal(&m, &z, 1);
	ck_assert_uint_eq(m.next_seq, seq + 2);
	ck_assert_int_eq(gpumon_model_event_at(&m, seq + 1)->severity, LOG_INFO);
	ck_assert_ptr_nonnull(strstr(gpumon_model_event_at(&m, seq + 1)->fields,
				     "state=cleared"));
	ev.kind = GPUMON_EVENT_THERMAL_TRIP_CLEARED;	/* late: nothing */
	ck_assert_ptr_null(gpumon_model_module_thermal_event(&m, &ev));

	/*
	 * A dump read before an event but merged after it is stale for
	 * that trip: no alert, and the event's state stands.
	 */
	ev.kind = GPUMON_EVENT_THERMAL_TRIP;
	ev.time_mono_ns = 2000;
	ck_assert_ptr_nonnull(gpumon_model_module_thermal_event(&m, &ev));
	ev.kind = GPUMON_EVENT_THERMAL_TRIP_CLEARED;
	ev.time_mono_ns = 3000;
	ck_assert_ptr_nonnull(gpumon_model_module_thermal_event(&m, &ev));
	z.trips[0].asserted = true;			/* read at 2500 */
	seq = m.next_seq;
	gpumon_model_module_thermal_at(&m, &z, 1, 2500);
	ck_assert_uint_eq(m.next_seq, seq);
	ck_assert_uint_eq(gpumon_model_trips_asserted(&m), 0);
	gpumon_model_module_thermal_at(&m, &z, 1, 3500);	/* newer: believed */
	ck_assert_uint_eq(m.next_seq, seq + 1);
}
END_TEST

/*
 * After the module goes, BPF takes over alerting: not for a trip the
 * module reported and that stayed asserted, in the module's shape.
 */
START_TEST(test_bpf_after_module_no_realert)
{
	struct gpumon_nl_stats st = {
		.valid = GPUMON_NL_ST_THERMAL,
		.thermal_state = GPUMON_SOURCE_ON,
	};
	struct gpumon_nl_event ev = trip_ev(GPUMON_EVENT_THERMAL_TRIP,
					    GPUMON_TRIP_HOT);
	struct gpumon_thermal_rec r = {
		.kind = GPUMON_THERMAL_TRIP, .zone_id = 2, .trip = 1,
		.trip_type = GPUMON_TRIP_HOT, .time_mono_ns = 1000000000ULL,
	};
	struct gpumon_thermal_rec t = {
		.kind = GPUMON_THERMAL_TEMP, .zone_id = 2, .temp_mc = 95000,
	};
	struct gpumon_event *e;

	snprintf(r.name, sizeof(r.name), "acpitz");
	snprintf(t.name, sizeof(t.name), "acpitz");
	gpumon_model_module_stats(&m, &st);
	ck_assert_ptr_nonnull(gpumon_model_module_thermal_event(&m, &ev));
	ck_assert_ptr_null(gpumon_model_thermal(&m, &r));	/* module on */
	gpumon_model_source(&m, GPUMON_SRC_NETLINK, false, "unloaded");
	r.time_mono_ns += 1000000000ULL;
	ck_assert_ptr_null(gpumon_model_thermal(&m, &r));	/* still the same */
	/* quiet for 30 s, then back: a new assertion, shaped as the module's */
	gpumon_model_thermal(&m, &t);
	r.time_mono_ns += GPUMON_TRIP_QUIET_NS;
	e = gpumon_model_thermal(&m, &r);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->severity, LOG_ERR);
	ck_assert_str_eq(e->fields,
			 "zone=2 type=acpitz trip=1 trip_type=hot state=asserted temp_mc=95000");
	ck_assert_str_eq(e->message,
			 "thermal zone acpitz reached its hot trip point 1: 95.0 C");
}
END_TEST

/* The event marks the zone's trip at once; AER kinds are not taken. */
START_TEST(test_thermal_event_marks_trip)
{
	struct gpumon_nl_tzone z = zone(2, "acpitz", 45000);
	struct gpumon_nl_event ev = trip_ev(GPUMON_EVENT_THERMAL_TRIP,
					    GPUMON_TRIP_PASSIVE);
	struct gpumon_event *e;

	gpumon_model_module_thermal(&m, &z, 1);
	ck_assert_uint_eq(gpumon_model_trips_asserted(&m), 0);
	gpumon_model_module_thermal_event(&m, &ev);
	ck_assert_uint_eq(gpumon_model_trips_asserted(&m), 1);
	ev.kind = GPUMON_EVENT_THERMAL_TRIP_CLEARED;
	gpumon_model_module_thermal_event(&m, &ev);
	ck_assert_uint_eq(gpumon_model_trips_asserted(&m), 0);

	ev.kind = GPUMON_EVENT_THERMAL_ZONE_REMOVED;
	e = gpumon_model_module_thermal_event(&m, &ev);
	ck_assert_int_eq(e->severity, LOG_WARNING);
	ck_assert_str_eq(e->kind, "thermal-zone");
	ck_assert_str_eq(e->fields, "zone=2 type=acpitz state=removed");
	/* an older module's trip event: no zone id, no type */
	ev = trip_ev(GPUMON_EVENT_THERMAL_TRIP, 0);
	ev.valid = GPUMON_NL_EV_TEMP | GPUMON_NL_EV_TRIP;
	e = gpumon_model_module_thermal_event(&m, &ev);
	ck_assert_int_eq(e->severity, LOG_NOTICE);
	ck_assert_str_eq(e->fields,
			 "zone=unknown type=acpitz trip=1 trip_type=unknown state=asserted temp_mc=61500");
	ev.kind = GPUMON_EVENT_AER;
	ck_assert_ptr_null(gpumon_model_module_thermal_event(&m, &ev));
}
END_TEST

START_TEST(test_module_stats_source_events)
{
	struct gpumon_nl_stats st = {
		.valid = GPUMON_NL_ST_THERMAL | GPUMON_NL_ST_RAPL,
		.thermal_state = GPUMON_SOURCE_ON,
		.rapl_state = GPUMON_SOURCE_ABSENT,
	};
	uint64_t seq = m.next_seq;

	snprintf(st.rapl_reason, sizeof(st.rapl_reason), "no RAPL MSRs");
	gpumon_model_module_stats(&m, &st);
	ck_assert_uint_eq(m.next_seq, seq + 2);
	ck_assert_str_eq(gpumon_model_event_at(&m, seq + 1)->message,
			 "source kmod-rapl absent: no RAPL MSRs");
	ck_assert_int_eq(gpumon_model_event_at(&m, seq + 1)->severity,
			 LOG_WARNING);
	/* the same states again: nothing */
	ck_assert_ptr_null(gpumon_model_module_stats(&m, &st));
	st.thermal_state = GPUMON_SOURCE_ERROR;
	ck_assert_str_eq(gpumon_model_module_stats(&m, &st)->fields,
			 "source=kmod-thermal state=error");
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("dedup");
	TCase *ta = tcase_create("alerts");
	TCase *tt;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bpf_alone_counts);
	tcase_add_test(tc, test_bpf_then_module_is_one_error);
	tcase_add_test(tc, test_module_then_bpf_is_one_error);
	tcase_add_test(tc, test_bpf_counts_devices_module_ignores);
	tcase_add_test(tc, test_module_gone_drops_pending);
	tcase_add_test(tc, test_ring_overwrite_is_counted);
	tcase_add_test(tc, test_xid_function_zero);
	tcase_add_test(tc, test_dump_tracks_removal_and_addition);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(ta, alert_setup, teardown);
	tcase_add_test(ta, test_alert_correctable_rate_limit);
	tcase_add_test(ta, test_alert_uncorrectable_each);
	tcase_add_test(ta, test_alert_xid_quotes);
	tcase_add_test(ta, test_alert_correctable_counts_module_counter);
	tcase_add_test(ta, test_status_zero_not_counted);
	tcase_add_test(ta, test_alert_thermal_trip_levels);
	suite_add_tcase(s, ta);
	tt = tcase_create("module-thermal");
	tcase_add_checked_fixture(tt, setup, teardown);
	tcase_add_test(tt, test_module_thermal_merge);
	tcase_add_test(tt, test_bpf_trip_level_not_flood);
	tcase_add_test(tt, test_trip_told_once);
	tcase_add_test(tt, test_bpf_after_module_no_realert);
	tcase_add_test(tt, test_module_cpu_power);
	tcase_add_test(tt, test_thermal_event_marks_trip);
	tcase_add_test(tt, test_module_stats_source_events);
	suite_add_tcase(s, tt);
	return s;
}

int main(void)
{
	return gpumon_check_run(model_suite());
}
