// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_ui.c - unit tests of the console's layout and row text
 * (user/ui/layout.c) and of the view decoded from the API's JSON
 * (user/lib/client.c), without a terminal.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "ui/ui.h"
#include "check_run.h"

START_TEST(test_layout_batch_shows_all)
{
	struct gpumon_layout l;

	gpumon_ui_layout(0, 40, 300, &l);
	ck_assert_uint_eq(l.dev_rows, 40);
	ck_assert_uint_eq(l.event_rows, 300);
	ck_assert(!l.more_row);
}
END_TEST

START_TEST(test_layout_fits)
{
	struct gpumon_layout l;

	/* 24 rows: 4 fixed, 8 devices, the rest events */
	gpumon_ui_layout(24, 8, 100, &l);
	ck_assert_uint_eq(l.dev_rows, 8);
	ck_assert_uint_eq(l.event_rows, 12);
	ck_assert_uint_eq(l.dev_hidden, 0);
}
END_TEST

START_TEST(test_layout_too_many_devices)
{
	struct gpumon_layout l;

	/* 24 rows: 20 free, 5 kept for events, 14 devices + "+N more" */
	gpumon_ui_layout(24, 40, 100, &l);
	ck_assert_uint_eq(l.event_rows, 5);
	ck_assert(l.more_row);
	ck_assert_uint_eq(l.dev_rows, 14);
	ck_assert_uint_eq(l.dev_hidden, 26);
	ck_assert_uint_eq(4 + l.dev_rows + l.more_row + l.event_rows, 24);
}
END_TEST

START_TEST(test_layout_tiny)
{
	struct gpumon_layout l;

	gpumon_ui_layout(3, 8, 10, &l);
	ck_assert_uint_eq(l.dev_rows + l.more_row + l.event_rows, 0);
	gpumon_ui_layout(6, 8, 0, &l);
	ck_assert_uint_eq(l.dev_rows + l.more_row, 2);
	ck_assert_uint_eq(l.dev_hidden, 7);
}
END_TEST

static const char snap_json[] =
	"{\"host\":\"node7\",\"time_real_ns\":0,"
	"\"sources\":[{\"name\":\"netlink\",\"on\":true,\"why\":\"\","
	"\"events\":3,\"lost\":1},{\"name\":\"bpf\",\"on\":false,"
	"\"why\":\"no BTF\",\"events\":0,\"lost\":0}],"
	"\"devices\":[{\"bdf\":\"0000:1b:00.0\",\"role\":\"gpu\","
	"\"parent\":\"0000:1a:00.0\",\"aer\":{\"correctable\":12,"
	"\"nonfatal\":1,\"fatal\":0},\"xid_count\":2,\"last_xid\":"
	"{\"xid\":79,\"msg\":\"GPU has fallen off the bus.\"}},"
	"{\"bdf\":\"0000:00:01.0\",\"role\":\"root-port\",\"parent\":null,"
	"\"aer\":{\"correctable\":0,\"nonfatal\":0,\"fatal\":1},"
	"\"xid_count\":0,\"last_xid\":null}],"
	"\"events\":{\"next_seq\":9}}";

static const char events_json[] =
	"{\"events\":[{\"seq\":8,\"time_real_ns\":0,\"source\":\"kmsg\","
	"\"kind\":\"xid\",\"level\":\"crit\",\"severity\":\"crit\","
	"\"entity\":\"0000:1b:00.0\",\"message\":\"GPU has fallen off "
	"the bus.\"}],\"next_seq\":9,\"lost\":0}";

START_TEST(test_view_and_rows)
{
	json_object *snap = json_tokener_parse(snap_json);
	json_object *ev = json_tokener_parse(events_json);
	struct gpumon_view v;
	char line[256];

	ck_assert_int_eq(gpumon_view_from_json(&v, snap, ev), 0);
	ck_assert_uint_eq(v.ndevs, 2);
	ck_assert_uint_eq(v.nevents, 1);
	ck_assert_uint_eq(v.devs[0].aer[0], 12);
	ck_assert_int_eq(v.devs[0].last_xid, 79);
	ck_assert_int_eq(v.devs[1].last_xid, -1);
	ck_assert_str_eq(v.devs[1].parent, "");

	gpumon_ui_dev_row(line, sizeof(line), 0, &v.devs[0]);
	ck_assert_str_eq(line,
			 "0000:1b:00.0  gpu         0000:1a:00.0         12         1       0  79 (2x) GPU has fallen off the bus.");
	gpumon_ui_dev_row(line, sizeof(line), 0, &v.devs[1]);
	ck_assert_str_eq(line,
			 "0000:00:01.0  root-port   -                     0         0       1  -");
	/* cut to the terminal's width */
	ck_assert_uint_eq(gpumon_ui_dev_row(line, sizeof(line), 20,
					    &v.devs[0]), 20);
	ck_assert_uint_eq(strlen(line), 20);
	gpumon_ui_sources(line, sizeof(line), 0, &v);
	ck_assert_str_eq(line,
			 "sources: netlink=on(3 events, 1 lost) bpf=off(no BTF)");
	gpumon_ui_event_row(line, sizeof(line), 0, &v.events[0]);
	ck_assert_ptr_nonnull(strstr(line, "     8 -        kmsg    xid     crit        0000:1b:00.0 GPU has fallen"));
	gpumon_view_free(&v);
	json_object_put(snap);
	json_object_put(ev);
}
END_TEST

static const char node_json[] =
	"{\"host\":\"node7\",\"time_real_ns\":0,\"sources\":[],\"devices\":[],"
	"\"cpu_power\":{\"avg_mw\":212340,\"max_mw\":301000,\"packages\":2},"
	"\"thermal\":{\"hottest_zone_id\":5,\"hottest_type\":\"x86_pkg_temp\","
	"\"hottest_temp_mc\":71500,\"trips_asserted\":2}}";

START_TEST(test_header_node_power_and_thermal)
{
	json_object *snap = json_tokener_parse(node_json);
	json_object *old = json_tokener_parse(snap_json);
	const char *base = "gpumon - node7 - - - 0 devices";
	struct gpumon_view v;
	char line[256];

	ck_assert_int_eq(gpumon_view_from_json(&v, snap, NULL), 0);
	ck_assert(v.cpu_power_valid);
	ck_assert_uint_eq(v.cpu_avg_mw, 212340);
	ck_assert(v.hottest_valid);
	ck_assert_int_eq(v.hottest_temp_mc, 71500);
	ck_assert_uint_eq(v.trips_asserted, 2);
	gpumon_ui_header(line, sizeof(line), 0, &v);
	ck_assert_str_eq(line, "gpumon - node7 - - - 0 devices - CPU 212.3 W avg 301.0 W max - hottest x86_pkg_temp/5 71.5 C - 2 trips ASSERTED");
	/* 80 columns: whole parts that fit; the hottest zone does not */
	ck_assert_uint_eq(gpumon_ui_header(line, sizeof(line), 80, &v), 79);
	ck_assert_str_eq(line, "gpumon - node7 - - - 0 devices - CPU 212.3 W avg 301.0 W max - 2 trips ASSERTED");
	ck_assert_uint_eq(gpumon_ui_header(line, sizeof(line), 60, &v), 60);
	ck_assert_str_eq(line, "gpumon - node7 - - - 0 devices - CPU 212.3 W avg 301.0 W max");
	ck_assert_uint_eq(gpumon_ui_header(line, sizeof(line), 40, &v),
			  strlen(base));
	/* narrower than the base line: cut as before */
	ck_assert_uint_eq(gpumon_ui_header(line, sizeof(line), 10, &v), 10);
	gpumon_view_free(&v);

	/* a snapshot without them (older gpumond): the line as before */
	ck_assert_int_eq(gpumon_view_from_json(&v, old, NULL), 0);
	ck_assert(!v.cpu_power_valid && !v.hottest_valid);
	gpumon_ui_header(line, sizeof(line), 0, &v);
	ck_assert_str_eq(line, "gpumon - node7 - - - 2 devices");
	gpumon_view_free(&v);
	json_object_put(snap);
	json_object_put(old);
}
END_TEST

START_TEST(test_view_events_alone)
{
	json_object *ev = json_tokener_parse(events_json);
	json_object *bad = json_tokener_parse("{\"events\":7}");
	struct gpumon_view v;

	ck_assert_int_eq(gpumon_view_events_from_json(&v, ev), 0);
	ck_assert_uint_eq(v.ndevs, 0);
	ck_assert_uint_eq(v.nevents, 1);
	ck_assert_uint_eq(v.events[0].seq, 8);
	ck_assert_str_eq(v.events[0].kind, "xid");
	gpumon_view_free(&v);
	ck_assert_int_eq(gpumon_view_events_from_json(&v, bad), -EPROTO);
	json_object_put(ev);
	json_object_put(bad);
}
END_TEST

START_TEST(test_view_rejects_bad_document)
{
	json_object *bad = json_tokener_parse("{\"devices\":3}");
	struct gpumon_view v;

	ck_assert_int_ne(gpumon_view_from_json(&v, bad, NULL), 0);
	json_object_put(bad);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ui");
	TCase *tc = tcase_create("layout");

	tcase_add_test(tc, test_layout_batch_shows_all);
	tcase_add_test(tc, test_layout_fits);
	tcase_add_test(tc, test_layout_too_many_devices);
	tcase_add_test(tc, test_layout_tiny);
	tcase_add_test(tc, test_view_and_rows);
	tcase_add_test(tc, test_view_events_alone);
	tcase_add_test(tc, test_header_node_power_and_thermal);
	tcase_add_test(tc, test_view_rejects_bad_document);
	suite_add_tcase(s, tc);
	return gpumon_check_run(s);
}
