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

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("dedup");
	TCase *ta = tcase_create("alerts");

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
	suite_add_tcase(s, ta);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(model_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
