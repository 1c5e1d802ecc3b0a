// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_metrics.c - unit tests of /metrics (user/lib/metrics.c): source
 * health and losses, PCIe AER counts per device, Xids per GPU and code,
 * the module's thermal zones, trip points, RAPL domains and source
 * states as Prometheus text, with absent values left out rather than 0.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "api.h"
#include "model.h"
#include "check_run.h"

static struct gpumon_model m;

static void setup(void)
{
	ck_assert_int_eq(gpumon_model_init(&m, 8), 0);
}

static void teardown(void)
{
	gpumon_model_fini(&m);
}

static char *metrics(void)
{
	size_t len;
	char *text;

	ck_assert_int_eq(gpumon_metrics_text(&m, &text, &len), 0);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(strlen(text), len);
	return text;
}

/* @line is one whole line of @text. */
static void has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
	ck_abort_msg("no line \"%s\" in:\n%s", line, text);
}

/* Samples (lines not comments) in @text that start with @prefix. */
static int samples(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	int count = 0;

	for (const char *p = text; *p; p = strchr(p, '\n') + 1) {
		if (*p != '#' && !strncmp(p, prefix, n))
			count++;
		if (!strchr(p, '\n'))
			break;
	}
	return count;
}

/* Nothing running (the module unloaded, no BPF, no log): not empty. */
START_TEST(test_metrics_empty)
{
	char *text = metrics();

	ck_assert_str_eq(text,
		"# HELP gpumon_source_up 1 while the source delivers (netlink: gpumon.ko, bpf: the BPF programs, kmsg: the kernel log), 0 otherwise.\n"
		"# TYPE gpumon_source_up gauge\n"
		"gpumon_source_up{source=\"netlink\"} 0\n"
		"gpumon_source_up{source=\"bpf\"} 0\n"
		"gpumon_source_up{source=\"kmsg\"} 0\n"
		"# HELP gpumon_events_lost_total Records the source lost (sequence gaps, ring buffer drops, kmsg overwrites) since gpumond started.\n"
		"# TYPE gpumon_events_lost_total counter\n"
		"gpumon_events_lost_total{source=\"netlink\"} 0\n"
		"gpumon_events_lost_total{source=\"bpf\"} 0\n"
		"gpumon_events_lost_total{source=\"kmsg\"} 0\n");
	free(text);
}
END_TEST

START_TEST(test_metrics_sources)
{
	char *text;

	gpumon_model_source(&m, GPUMON_SRC_NETLINK, true, "");
	gpumon_model_source(&m, GPUMON_SRC_KMSG, true, "");
	m.src[GPUMON_SRC_NETLINK].lost = 12;
	m.src[GPUMON_SRC_BPF].lost = 3;
	m.src[GPUMON_SRC_KMSG].lost = 18446744073709551615ULL;
	text = metrics();
	has_line(text, "gpumon_source_up{source=\"netlink\"} 1");
	has_line(text, "gpumon_source_up{source=\"bpf\"} 0");
	has_line(text, "gpumon_source_up{source=\"kmsg\"} 1");
	has_line(text, "gpumon_events_lost_total{source=\"netlink\"} 12");
	has_line(text, "gpumon_events_lost_total{source=\"bpf\"} 3");
	has_line(text, "gpumon_events_lost_total{source=\"kmsg\"} 18446744073709551615");
	ck_assert_int_eq(samples(text, "gpumon_source_up{"), 3);
	ck_assert_int_eq(samples(text, "gpumon_events_lost_total{"), 3);
	free(text);

	/* the module goes: its source reads 0, its losses stay */
	gpumon_model_source(&m, GPUMON_SRC_NETLINK, false, "gpumon.ko unloaded");
	text = metrics();
	has_line(text, "gpumon_source_up{source=\"netlink\"} 0");
	has_line(text, "gpumon_events_lost_total{source=\"netlink\"} 12");
	free(text);
}
END_TEST

START_TEST(test_metrics_aer)
{
	struct gpumon_nl_dev gpu = {
		.bdf = "0000:03:00.0", .parent = "0000:02:00.0",
		.role = GPUMON_ROLE_GPU,
		.aer = { [GPUMON_AER_CORRECTABLE] = 5,
			 [GPUMON_AER_NONFATAL] = 1 },
	};
	struct gpumon_nl_dev dn = {
		.bdf = "0000:02:00.0", .role = GPUMON_ROLE_SWITCH_DOWN,
		.aer = { [GPUMON_AER_FATAL] = 2 },
	};
	/* a GPU only the kernel log knows (no module, no BPF) */
	struct gpumon_xid x = {
		.has_bdf = true, .bus = 0x5a, .gi = -1, .ci = -1, .xid = 79,
		.pid = -1, .msg = "GPU has fallen off the bus.",
	};
	struct gpumon_aer_rec rec = {
		.bdf = "0000:03:00.0", .severity = GPUMON_AER_CORRECTABLE,
		.status = 0x1,
	};
	char *text;

	gpumon_model_source(&m, GPUMON_SRC_NETLINK, true, "");
	gpumon_model_dump_begin(&m);
	gpumon_model_module_dev(&m, &gpu);
	gpumon_model_module_dev(&m, &dn);
	gpumon_model_dump_end(&m);
	gpumon_model_xid(&m, &x, LOG_CRIT);
	text = metrics();
	has_line(text, "# TYPE gpumon_pcie_aer_errors_total counter");
	has_line(text, "gpumon_pcie_aer_errors_total{bdf=\"0000:03:00.0\",role=\"gpu\",severity=\"correctable\"} 5");
	has_line(text, "gpumon_pcie_aer_errors_total{bdf=\"0000:03:00.0\",role=\"gpu\",severity=\"nonfatal\"} 1");
	has_line(text, "gpumon_pcie_aer_errors_total{bdf=\"0000:03:00.0\",role=\"gpu\",severity=\"fatal\"} 0");
	has_line(text, "gpumon_pcie_aer_errors_total{bdf=\"0000:02:00.0\",role=\"switch-down\",severity=\"correctable\"} 0");
	has_line(text, "gpumon_pcie_aer_errors_total{bdf=\"0000:02:00.0\",role=\"switch-down\",severity=\"nonfatal\"} 0");
	has_line(text, "gpumon_pcie_aer_errors_total{bdf=\"0000:02:00.0\",role=\"switch-down\",severity=\"fatal\"} 2");
	/* the log-only GPU: nobody counted its AER errors */
	ck_assert_int_eq(samples(text, "gpumon_pcie_aer_errors_total{"), 6);
	ck_assert_ptr_null(strstr(text, "gpumon_pcie_aer_errors_total{bdf=\"0000:5a:00.0\""));
	free(text);

	/* module gone, BPF on: BPF counts for every device, the log-only one too */
	gpumon_model_source(&m, GPUMON_SRC_NETLINK, false, "gpumon.ko unloaded");
	gpumon_model_source(&m, GPUMON_SRC_BPF, true, "");
	gpumon_model_aer(&m, GPUMON_SRC_BPF, &rec);
	text = metrics();
	has_line(text, "gpumon_pcie_aer_errors_total{bdf=\"0000:03:00.0\",role=\"gpu\",severity=\"correctable\"} 6");
	has_line(text, "gpumon_pcie_aer_errors_total{bdf=\"0000:5a:00.0\",role=\"unknown\",severity=\"correctable\"} 0");
	ck_assert_int_eq(samples(text, "gpumon_pcie_aer_errors_total{"), 9);
	free(text);

	/* BPF off too: only the devices with errors counted stay */
	gpumon_model_source(&m, GPUMON_SRC_BPF, false, "detached");
	text = metrics();
	ck_assert_int_eq(samples(text, "gpumon_pcie_aer_errors_total{"), 6);
	has_line(text, "gpumon_pcie_aer_errors_total{bdf=\"0000:02:00.0\",role=\"switch-down\",severity=\"fatal\"} 2");
	ck_assert_ptr_null(strstr(text, "gpumon_pcie_aer_errors_total{bdf=\"0000:5a:00.0\""));
	free(text);
}
END_TEST

START_TEST(test_metrics_xid)
{
	struct gpumon_xid x = {
		.has_bdf = true, .bus = 0x1b, .gi = -1, .ci = -1, .pid = -1,
		.msg = "test",
	};
	static const unsigned int codes[] = { 79, 13, 79, 999, 79 };
	char *text;

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		x.xid = codes[i];
		gpumon_model_xid(&m, &x, LOG_ERR);
	}
	x.domain = 1;
	x.bus = 0x9c;
	x.xid = 48;
	gpumon_model_xid(&m, &x, LOG_ERR);
	text = metrics();
	has_line(text, "# TYPE gpumon_gpu_xid_total counter");
	has_line(text, "gpumon_gpu_xid_total{bdf=\"0000:1b:00.0\",xid=\"13\"} 1");
	has_line(text, "gpumon_gpu_xid_total{bdf=\"0000:1b:00.0\",xid=\"79\"} 3");
	has_line(text, "gpumon_gpu_xid_total{bdf=\"0000:1b:00.0\",xid=\"other\"} 1");
	has_line(text, "gpumon_gpu_xid_total{bdf=\"0001:9c:00.0\",xid=\"48\"} 1");
	/* only the codes seen */
	ck_assert_int_eq(samples(text, "gpumon_gpu_xid_total{"), 4);
	ck_assert_ptr_null(strstr(strstr(text, "# TYPE gpumon_gpu_xid_total") + 1,
				  "# TYPE gpumon_gpu_xid_total"));
	free(text);
}
END_TEST

START_TEST(test_metrics_thermal)
{
	struct gpumon_nl_tzone z[2] = {
		{ .id = 0, .type = "acpitz", .state = GPUMON_STATE_PRESENT,
		  .temp_mc = 45500, .temp_max_mc = 61000, .samples = 100,
		  .read_errors = 2, .ntrips = 2,
		  .valid = GPUMON_NL_TZ_STATE | GPUMON_NL_TZ_TEMP |
			   GPUMON_NL_TZ_TEMP_MAX | GPUMON_NL_TZ_SAMPLES |
			   GPUMON_NL_TZ_READ_ERRORS },
		/* removed before its first sample: no temperature series */
		{ .id = 3, .type = "we\"ird", .state = GPUMON_STATE_REMOVED,
		  .valid = GPUMON_NL_TZ_STATE },
	};
	char *text;

	z[0].trips[0] = (struct gpumon_nl_trip){
		.id = 0, .type = GPUMON_TRIP_CRITICAL, .temp_mc = 105000,
		.hyst_mc = 0, .asserted = false, .crossings = 0,
		.valid = GPUMON_NL_TRIP_TYPE | GPUMON_NL_TRIP_TEMP |
			 GPUMON_NL_TRIP_HYST | GPUMON_NL_TRIP_ASSERTED |
			 GPUMON_NL_TRIP_CROSSINGS,
	};
	z[0].trips[1] = (struct gpumon_nl_trip){
		.id = 1, .type = 9, .temp_mc = -1500, .hyst_mc = 2000,
		.asserted = true, .crossings = 3,
		.valid = GPUMON_NL_TRIP_TYPE | GPUMON_NL_TRIP_TEMP |
			 GPUMON_NL_TRIP_HYST | GPUMON_NL_TRIP_ASSERTED |
			 GPUMON_NL_TRIP_CROSSINGS,
	};
	gpumon_model_module_thermal(&m, z, 2);
	text = metrics();
	has_line(text, "# TYPE gpumon_thermal_zone_temp_celsius gauge");
	has_line(text, "gpumon_thermal_zone_temp_celsius{zone_id=\"0\",type=\"acpitz\"} 45.500");
	has_line(text, "gpumon_thermal_zone_temp_max_celsius{zone_id=\"0\",type=\"acpitz\"} 61.000");
	has_line(text, "# TYPE gpumon_thermal_zone_samples_total counter");
	has_line(text, "gpumon_thermal_zone_samples_total{zone_id=\"0\",type=\"acpitz\"} 100");
	has_line(text, "gpumon_thermal_zone_read_errors_total{zone_id=\"0\",type=\"acpitz\"} 2");
	has_line(text, "gpumon_thermal_zone_present{zone_id=\"3\",type=\"we\\\"ird\"} 0");
	ck_assert_ptr_null(strstr(text, "gpumon_thermal_zone_temp_celsius{zone_id=\"3\""));
	has_line(text, "gpumon_thermal_trip_temp_celsius{zone_id=\"0\",type=\"acpitz\",trip=\"0\",trip_type=\"critical\"} 105.000");
	has_line(text, "gpumon_thermal_trip_temp_celsius{zone_id=\"0\",type=\"acpitz\",trip=\"1\",trip_type=\"unknown\"} -1.500");
	has_line(text, "gpumon_thermal_trip_hysteresis_celsius{zone_id=\"0\",type=\"acpitz\",trip=\"1\",trip_type=\"unknown\"} 2.000");
	has_line(text, "gpumon_thermal_trip_asserted{zone_id=\"0\",type=\"acpitz\",trip=\"1\",trip_type=\"unknown\"} 1");
	has_line(text, "# TYPE gpumon_thermal_trip_crossings_total counter");
	has_line(text, "gpumon_thermal_trip_crossings_total{zone_id=\"0\",type=\"acpitz\",trip=\"1\",trip_type=\"unknown\"} 3");
	/* one HELP/TYPE per family */
	ck_assert_ptr_null(strstr(strstr(text, "# TYPE gpumon_thermal_trip_temp_celsius") + 1,
				  "# TYPE gpumon_thermal_trip_temp_celsius"));
	free(text);
}
END_TEST

START_TEST(test_metrics_rapl)
{
	struct gpumon_nl_rapl r[2] = {
		{ .pkg = 0, .domain = GPUMON_RAPL_PACKAGE, .esu = 14,
		  .energy_uj = 123456789012ULL, .min_mw = 20500,
		  .avg_mw = 31250, .max_mw = 48000,
		  .window_ns = 1000000000ULL, .window_samples = 100,
		  .peak_mw = 51000, .samples = 500, .wraps = 2,
		  .valid = (GPUMON_NL_RAPL_WRAPS << 1) - 1 },
		/* before its first window */
		{ .pkg = 1, .domain = GPUMON_RAPL_DRAM, .injected = true,
		  .energy_uj = 5, .samples = 3,
		  .valid = GPUMON_NL_RAPL_ENERGY | GPUMON_NL_RAPL_SAMPLES },
	};
	struct gpumon_nl_stats st = {
		.valid = GPUMON_NL_ST_THERMAL | GPUMON_NL_ST_RAPL,
		.thermal_state = GPUMON_SOURCE_ABSENT,
		.rapl_state = GPUMON_SOURCE_ON,
	};
	char *text;

	gpumon_model_module_power(&m, r, 2);
	gpumon_model_module_stats(&m, &st);
	text = metrics();
	has_line(text, "# TYPE gpumon_rapl_energy_joules_total counter");
	has_line(text, "gpumon_rapl_energy_joules_total{package=\"0\",domain=\"package\"} 123456.789012");
	has_line(text, "gpumon_rapl_energy_joules_total{package=\"1\",domain=\"dram\"} 0.000005");
	has_line(text, "# TYPE gpumon_rapl_power_watts gauge");
	has_line(text, "gpumon_rapl_power_watts{package=\"0\",domain=\"package\",stat=\"min\"} 20.500");
	has_line(text, "gpumon_rapl_power_watts{package=\"0\",domain=\"package\",stat=\"avg\"} 31.250");
	has_line(text, "gpumon_rapl_power_watts{package=\"0\",domain=\"package\",stat=\"max\"} 48.000");
	ck_assert_ptr_null(strstr(text, "gpumon_rapl_power_watts{package=\"1\""));
	has_line(text, "gpumon_rapl_window_seconds{package=\"0\",domain=\"package\"} 1.000000000");
	has_line(text, "gpumon_rapl_peak_power_watts{package=\"0\",domain=\"package\"} 51.000");
	has_line(text, "gpumon_rapl_samples_total{package=\"1\",domain=\"dram\"} 3");
	has_line(text, "gpumon_rapl_wraps_total{package=\"0\",domain=\"package\"} 2");
	ck_assert_ptr_null(strstr(text, "gpumon_rapl_wraps_total{package=\"1\""));
	has_line(text, "gpumon_rapl_injected{package=\"1\",domain=\"dram\"} 1");
	has_line(text, "gpumon_kmod_source_state{source=\"thermal\",state=\"absent\"} 1");
	has_line(text, "gpumon_kmod_source_state{source=\"thermal\",state=\"on\"} 0");
	has_line(text, "gpumon_kmod_source_state{source=\"rapl\",state=\"on\"} 1");
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("text");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_metrics_empty);
	tcase_add_test(tc, test_metrics_sources);
	tcase_add_test(tc, test_metrics_aer);
	tcase_add_test(tc, test_metrics_xid);
	tcase_add_test(tc, test_metrics_thermal);
	tcase_add_test(tc, test_metrics_rapl);
	suite_add_tcase(s, tc);
	return gpumon_check_run(s);
}
