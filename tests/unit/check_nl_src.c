// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_nl_src.c - unit tests of the netlink parsers in user/lib/nl_src.c:
 * THERMAL_GET, POWER_GET, STATS_GET and CONFIG_GET replies, thermal
 * events, CONFIG_SET requests and extended acks, built as real generic
 * netlink messages with libnl and parsed as received (or as the kernel
 * would).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "nl_src.h"
#include "check_run.h"

/* Any dynamic family id; the parsers do not look at it. */
#define FAMILY	0x1c

static struct nl_msg *new_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ,
					  FAMILY, 0, NLM_F_MULTI, cmd,
					  GPUMON_GENL_VERSION));
	return msg;
}

/* One THERMAL_TRIPS nest; @type < 0 leaves the type out. */
static void put_trip(struct nl_msg *msg, uint32_t id, int type, int32_t temp,
		     int32_t hyst, uint32_t asserted, uint64_t crossings)
{
	struct nlattr *n = nla_nest_start(msg, GPUMON_A_THERMAL_TRIPS);

	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(nla_put_u32(msg, GPUMON_A_TRIP_ID, id), 0);
	if (type >= 0)
		ck_assert_int_eq(nla_put_u32(msg, GPUMON_A_TRIP_TYPE, type), 0);
	ck_assert_int_eq(nla_put_s32(msg, GPUMON_A_TRIP_TEMP, temp), 0);
	ck_assert_int_eq(nla_put_s32(msg, GPUMON_A_TRIP_HYST, hyst), 0);
	ck_assert_int_eq(nla_put_u32(msg, GPUMON_A_TRIP_ASSERTED, asserted), 0);
	ck_assert_int_eq(nla_put_u64(msg, GPUMON_A_TRIP_CROSSINGS, crossings), 0);
	nla_nest_end(msg, n);
}

START_TEST(test_tzone_full)
{
	struct nl_msg *msg = new_msg(GPUMON_CMD_THERMAL_GET);
	struct gpumon_nl_tzone z;

	nla_put_u32(msg, GPUMON_A_THERMAL_ZONE_ID, 3);
	nla_put_string(msg, GPUMON_A_THERMAL_ZONE, "acpitz");
	nla_put_u32(msg, GPUMON_A_STATE, GPUMON_STATE_PRESENT);
	nla_put_s32(msg, GPUMON_A_THERMAL_TEMP, 45500);
	nla_put_s32(msg, GPUMON_A_THERMAL_TEMP_MAX, 61000);
	nla_put_u64(msg, GPUMON_A_SAMPLES, 100);
	nla_put_u64(msg, GPUMON_A_THERMAL_READ_ERRORS, 2);
	put_trip(msg, 0, GPUMON_TRIP_CRITICAL, 105000, 0, 0, 0);
	put_trip(msg, 1, GPUMON_TRIP_PASSIVE, 60000, 2000, 1, 3);
	/* a trip type from a newer kernel than this build */
	put_trip(msg, 2, 9, -5000, 500, 0, 1);

	ck_assert_int_eq(gpumon_nl_parse_tzone(nlmsg_hdr(msg), &z), 0);
	ck_assert_uint_eq(z.id, 3);
	ck_assert_str_eq(z.type, "acpitz");
	ck_assert_uint_eq(z.valid, GPUMON_NL_TZ_STATE | GPUMON_NL_TZ_TEMP |
			  GPUMON_NL_TZ_TEMP_MAX | GPUMON_NL_TZ_SAMPLES |
			  GPUMON_NL_TZ_READ_ERRORS);
	ck_assert_uint_eq(z.state, GPUMON_STATE_PRESENT);
	ck_assert_int_eq(z.temp_mc, 45500);
	ck_assert_int_eq(z.temp_max_mc, 61000);
	ck_assert_uint_eq(z.samples, 100);
	ck_assert_uint_eq(z.read_errors, 2);
	ck_assert_uint_eq(z.ntrips, 3);
	ck_assert_uint_eq(z.trips_over, 0);

	ck_assert_uint_eq(z.trips[0].id, 0);
	ck_assert_uint_eq(z.trips[0].type, GPUMON_TRIP_CRITICAL);
	ck_assert_str_eq(gpumon_nl_trip_type_name(z.trips[0].type), "critical");
	ck_assert_int_eq(z.trips[0].temp_mc, 105000);
	ck_assert(!z.trips[0].asserted);

	ck_assert_uint_eq(z.trips[1].valid, GPUMON_NL_TRIP_TYPE |
			  GPUMON_NL_TRIP_TEMP | GPUMON_NL_TRIP_HYST |
			  GPUMON_NL_TRIP_ASSERTED | GPUMON_NL_TRIP_CROSSINGS);
	ck_assert_str_eq(gpumon_nl_trip_type_name(z.trips[1].type), "passive");
	ck_assert_int_eq(z.trips[1].temp_mc, 60000);
	ck_assert_int_eq(z.trips[1].hyst_mc, 2000);
	ck_assert(z.trips[1].asserted);
	ck_assert_uint_eq(z.trips[1].crossings, 3);

	/* unknown type: kept as sent, named "unknown", not a parse error */
	ck_assert_uint_eq(z.trips[2].type, 9);
	ck_assert_str_eq(gpumon_nl_trip_type_name(z.trips[2].type), "unknown");
	ck_assert_int_eq(z.trips[2].temp_mc, -5000);
	ck_assert_uint_eq(z.trips[2].crossings, 1);
	nlmsg_free(msg);
}
END_TEST

/* Before the first sample: no temperatures; they are N/A, not 0. */
START_TEST(test_tzone_absent_attributes)
{
	struct nl_msg *msg = new_msg(GPUMON_CMD_THERMAL_GET);
	struct gpumon_nl_tzone z;
	struct nlattr *n;

	nla_put_u32(msg, GPUMON_A_THERMAL_ZONE_ID, 0);
	nla_put_string(msg, GPUMON_A_THERMAL_ZONE, "x86_pkg_temp");
	nla_put_u32(msg, GPUMON_A_STATE, GPUMON_STATE_REMOVED);
	/* a trip with only its id, and one without an id (dropped) */
	n = nla_nest_start(msg, GPUMON_A_THERMAL_TRIPS);
	nla_put_u32(msg, GPUMON_A_TRIP_ID, 4);
	nla_nest_end(msg, n);
	n = nla_nest_start(msg, GPUMON_A_THERMAL_TRIPS);
	nla_put_u32(msg, GPUMON_A_TRIP_TYPE, GPUMON_TRIP_HOT);
	nla_nest_end(msg, n);

	ck_assert_int_eq(gpumon_nl_parse_tzone(nlmsg_hdr(msg), &z), 0);
	ck_assert_uint_eq(z.id, 0);
	ck_assert_str_eq(z.type, "x86_pkg_temp");
	ck_assert_uint_eq(z.valid, GPUMON_NL_TZ_STATE);
	ck_assert_uint_eq(z.state, GPUMON_STATE_REMOVED);
	ck_assert_uint_eq(z.ntrips, 1);
	ck_assert_uint_eq(z.trips[0].id, 4);
	ck_assert_uint_eq(z.trips[0].valid, 0);
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_tzone_rejects)
{
	struct nl_msg *msg = new_msg(GPUMON_CMD_THERMAL_GET);
	struct gpumon_nl_tzone z;

	/* no zone id */
	nla_put_string(msg, GPUMON_A_THERMAL_ZONE, "acpitz");
	nla_put_s32(msg, GPUMON_A_THERMAL_TEMP, 45500);
	ck_assert_int_eq(gpumon_nl_parse_tzone(nlmsg_hdr(msg), &z), -EINVAL);
	nlmsg_free(msg);

	/* a temperature of the wrong size fails the policy */
	msg = new_msg(GPUMON_CMD_THERMAL_GET);
	nla_put_u32(msg, GPUMON_A_THERMAL_ZONE_ID, 1);
	nla_put_u16(msg, GPUMON_A_THERMAL_TEMP, 45);
	ck_assert_int_eq(gpumon_nl_parse_tzone(nlmsg_hdr(msg), &z), -EINVAL);
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_tzone_many_trips)
{
	struct nl_msg *msg = nlmsg_alloc_size(16384);
	struct gpumon_nl_tzone z;

	ck_assert_ptr_nonnull(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ,
					  FAMILY, 0, NLM_F_MULTI,
					  GPUMON_CMD_THERMAL_GET, 1));
	nla_put_u32(msg, GPUMON_A_THERMAL_ZONE_ID, 7);
	for (uint32_t i = 0; i < GPUMON_NL_MAX_TRIPS + 3; i++)
		put_trip(msg, i, GPUMON_TRIP_ACTIVE, 40000 + i, 0, 0, i);
	ck_assert_int_eq(gpumon_nl_parse_tzone(nlmsg_hdr(msg), &z), 0);
	ck_assert_uint_eq(z.ntrips, GPUMON_NL_MAX_TRIPS);
	ck_assert_uint_eq(z.trips_over, 3);
	ck_assert_uint_eq(z.trips[GPUMON_NL_MAX_TRIPS - 1].id,
			  GPUMON_NL_MAX_TRIPS - 1);
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_rapl_full)
{
	struct nl_msg *msg = new_msg(GPUMON_CMD_POWER_GET);
	struct gpumon_nl_rapl r;

	nla_put_u32(msg, GPUMON_A_RAPL_PKG, 1);
	nla_put_u32(msg, GPUMON_A_RAPL_DOMAIN, GPUMON_RAPL_DRAM);
	nla_put_flag(msg, GPUMON_A_RAPL_INJECTED);
	nla_put_u32(msg, GPUMON_A_RAPL_ESU, 14);
	nla_put_u64(msg, GPUMON_A_RAPL_ENERGY_UJ, 123456789012ULL);
	nla_put_u32(msg, GPUMON_A_RAPL_POWER_MIN_MW, 20500);
	nla_put_u32(msg, GPUMON_A_RAPL_POWER_AVG_MW, 31250);
	nla_put_u32(msg, GPUMON_A_RAPL_POWER_MAX_MW, 48000);
	nla_put_u64(msg, GPUMON_A_RAPL_WINDOW_NS, 1000000000ULL);
	nla_put_u32(msg, GPUMON_A_RAPL_WINDOW_SAMPLES, 100);
	nla_put_u64(msg, GPUMON_A_RAPL_WINDOW_END_NS, 5000000000ULL);
	nla_put_u32(msg, GPUMON_A_RAPL_PEAK_MW, 51000);
	nla_put_u64(msg, GPUMON_A_RAPL_SAMPLES, 500);
	nla_put_u64(msg, GPUMON_A_RAPL_WRAPS, 2);

	ck_assert_int_eq(gpumon_nl_parse_rapl(nlmsg_hdr(msg), &r), 0);
	ck_assert_uint_eq(r.pkg, 1);
	ck_assert_uint_eq(r.domain, GPUMON_RAPL_DRAM);
	ck_assert_str_eq(gpumon_nl_rapl_domain_name(r.domain), "dram");
	ck_assert(r.injected);
	ck_assert_uint_eq(r.valid, (GPUMON_NL_RAPL_WRAPS << 1) - 1);
	ck_assert_uint_eq(r.esu, 14);
	ck_assert_uint_eq(r.energy_uj, 123456789012ULL);
	ck_assert_uint_eq(r.min_mw, 20500);
	ck_assert_uint_eq(r.avg_mw, 31250);
	ck_assert_uint_eq(r.max_mw, 48000);
	ck_assert_uint_eq(r.window_ns, 1000000000ULL);
	ck_assert_uint_eq(r.window_samples, 100);
	ck_assert_uint_eq(r.window_end_ns, 5000000000ULL);
	ck_assert_uint_eq(r.peak_mw, 51000);
	ck_assert_uint_eq(r.samples, 500);
	ck_assert_uint_eq(r.wraps, 2);
	nlmsg_free(msg);
}
END_TEST

/* Before the first window completes: no window fields, not zeros. */
START_TEST(test_rapl_before_first_window)
{
	struct nl_msg *msg = new_msg(GPUMON_CMD_POWER_GET);
	struct gpumon_nl_rapl r;

	nla_put_u32(msg, GPUMON_A_RAPL_PKG, 0);
	nla_put_u32(msg, GPUMON_A_RAPL_DOMAIN, GPUMON_RAPL_PACKAGE);
	nla_put_u32(msg, GPUMON_A_RAPL_ESU, 16);
	nla_put_u64(msg, GPUMON_A_RAPL_ENERGY_UJ, 0);
	nla_put_u64(msg, GPUMON_A_RAPL_SAMPLES, 3);
	nla_put_u64(msg, GPUMON_A_RAPL_WRAPS, 0);

	ck_assert_int_eq(gpumon_nl_parse_rapl(nlmsg_hdr(msg), &r), 0);
	ck_assert(!r.injected);
	ck_assert_str_eq(gpumon_nl_rapl_domain_name(r.domain), "package");
	ck_assert_uint_eq(r.valid, GPUMON_NL_RAPL_ESU | GPUMON_NL_RAPL_ENERGY |
			  GPUMON_NL_RAPL_SAMPLES | GPUMON_NL_RAPL_WRAPS);
	ck_assert_uint_eq(r.samples, 3);
	nlmsg_free(msg);

	/* without a domain it is not a RAPL reply */
	msg = new_msg(GPUMON_CMD_POWER_GET);
	nla_put_u32(msg, GPUMON_A_RAPL_PKG, 0);
	ck_assert_int_eq(gpumon_nl_parse_rapl(nlmsg_hdr(msg), &r), -EINVAL);
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_stats_sources)
{
	struct nl_msg *msg = new_msg(GPUMON_CMD_STATS_GET);
	struct gpumon_nl_stats st;

	nla_put_u64(msg, GPUMON_A_LAST_SEQ, 42);
	nla_put_u64(msg, GPUMON_A_EVENTS_LOST, 1);
	nla_put_u32(msg, GPUMON_A_THERMAL_STATE, GPUMON_SOURCE_ON);
	nla_put_string(msg, GPUMON_A_THERMAL_REASON, "2 zones (acpitz)");
	nla_put_u32(msg, GPUMON_A_RAPL_STATE, GPUMON_SOURCE_ABSENT);
	nla_put_string(msg, GPUMON_A_RAPL_REASON, "no RAPL MSRs");

	ck_assert_int_eq(gpumon_nl_parse_stats(nlmsg_hdr(msg), &st), 0);
	ck_assert_uint_eq(st.valid, GPUMON_NL_ST_LAST_SEQ |
			  GPUMON_NL_ST_EVENTS_LOST | GPUMON_NL_ST_THERMAL |
			  GPUMON_NL_ST_RAPL);
	ck_assert_uint_eq(st.last_seq, 42);
	ck_assert_str_eq(gpumon_nl_source_state_name(st.thermal_state), "on");
	ck_assert_str_eq(st.thermal_reason, "2 zones (acpitz)");
	ck_assert_str_eq(gpumon_nl_source_state_name(st.rapl_state), "absent");
	ck_assert_str_eq(st.rapl_reason, "no RAPL MSRs");
	ck_assert_str_eq(gpumon_nl_source_state_name(7), "unknown");
	nlmsg_free(msg);

	/* an older module: no source states */
	msg = new_msg(GPUMON_CMD_STATS_GET);
	nla_put_u64(msg, GPUMON_A_LAST_SEQ, 1);
	ck_assert_int_eq(gpumon_nl_parse_stats(nlmsg_hdr(msg), &st), 0);
	ck_assert_uint_eq(st.valid, GPUMON_NL_ST_LAST_SEQ);
	ck_assert_str_eq(st.thermal_reason, "");
	nlmsg_free(msg);
}
END_TEST

static struct nl_msg *thermal_event(uint32_t kind)
{
	struct nl_msg *msg = new_msg(GPUMON_CMD_EVENT);

	nla_put_u64(msg, GPUMON_A_SEQ, 17);
	nla_put_u32(msg, GPUMON_A_EVENT_KIND, kind);
	nla_put_u32(msg, GPUMON_A_SEVERITY, GPUMON_SEV_INFO);
	nla_put_u32(msg, GPUMON_A_THERMAL_ZONE_ID, 2);
	nla_put_string(msg, GPUMON_A_THERMAL_ZONE, "acpitz");
	return msg;
}

START_TEST(test_event_trip_cleared)
{
	struct nl_msg *msg = thermal_event(GPUMON_EVENT_THERMAL_TRIP_CLEARED);
	struct gpumon_nl_event ev;

	nla_put_s32(msg, GPUMON_A_THERMAL_TEMP, -1500);
	nla_put_u32(msg, GPUMON_A_THERMAL_TRIP, 1);
	nla_put_u32(msg, GPUMON_A_THERMAL_TRIP_TYPE, GPUMON_TRIP_PASSIVE);
	nla_put_s32(msg, GPUMON_A_THERMAL_TRIP_TEMP, 60000);
	nla_put_s32(msg, GPUMON_A_THERMAL_TRIP_HYST, 2000);

	ck_assert_int_eq(gpumon_nl_parse_event(nlmsg_hdr(msg), &ev), 0);
	ck_assert_uint_eq(ev.seq, 17);
	ck_assert_uint_eq(ev.kind, GPUMON_EVENT_THERMAL_TRIP_CLEARED);
	ck_assert_str_eq(ev.zone, "acpitz");
	ck_assert_uint_eq(ev.valid, GPUMON_NL_EV_ZONE_ID | GPUMON_NL_EV_TEMP |
			  GPUMON_NL_EV_TRIP | GPUMON_NL_EV_TRIP_TYPE |
			  GPUMON_NL_EV_TRIP_TEMP | GPUMON_NL_EV_TRIP_HYST);
	ck_assert_uint_eq(ev.zone_id, 2);
	ck_assert_int_eq(ev.temp_mc, -1500);
	ck_assert_uint_eq(ev.trip, 1);
	ck_assert_uint_eq(ev.trip_type, GPUMON_TRIP_PASSIVE);
	ck_assert_int_eq(ev.trip_temp_mc, 60000);
	ck_assert_int_eq(ev.trip_hyst_mc, 2000);
	nlmsg_free(msg);
}
END_TEST

/* Zone added: no trip fields, and none reported as present. */
START_TEST(test_event_zone_added)
{
	struct nl_msg *msg = thermal_event(GPUMON_EVENT_THERMAL_ZONE_ADDED);
	struct gpumon_nl_event ev;

	ck_assert_int_eq(gpumon_nl_parse_event(nlmsg_hdr(msg), &ev), 0);
	ck_assert_uint_eq(ev.kind, GPUMON_EVENT_THERMAL_ZONE_ADDED);
	ck_assert_uint_eq(ev.valid, GPUMON_NL_EV_ZONE_ID);
	ck_assert_uint_eq(ev.zone_id, 2);
	nlmsg_free(msg);

	/* no kind: not an event */
	msg = new_msg(GPUMON_CMD_EVENT);
	nla_put_u64(msg, GPUMON_A_SEQ, 18);
	ck_assert_int_eq(gpumon_nl_parse_event(nlmsg_hdr(msg), &ev), -EINVAL);
	nlmsg_free(msg);
}
END_TEST

/* CONFIG_SET request with the settings in cfg->valid, as sent. */
static struct nl_msg *config_set_msg(const struct gpumon_nl_config *cfg,
				     int want)
{
	struct nl_msg *msg = nlmsg_alloc();

	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ,
					  FAMILY, 0, 0, GPUMON_CMD_CONFIG_SET,
					  GPUMON_GENL_VERSION));
	ck_assert_int_eq(gpumon_nl_config_put(msg, cfg), want);
	return msg;
}

/* The top-level attributes of @msg, in order, as "type:len" words. */
static void attr_list(struct nl_msg *msg, char *buf, size_t size)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *a;
	size_t n = 0;
	int rem;

	buf[0] = '\0';
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem)
		n += snprintf(buf + n, size - n, "%s%d:%d", n ? " " : "",
			      nla_type(a), nla_len(a));
	ck_assert_int_eq(rem, 0);
}

/* Only the options given are sent, each with the module's type. */
START_TEST(test_config_set_some)
{
	struct gpumon_nl_config cfg = {
		.valid = GPUMON_NL_CFG_THERMAL_HYST | GPUMON_NL_CFG_RAPL_PERIOD,
		.thermal_hyst_mc = 3000, .rapl_period_ms = 20,
		/* not in valid: must not be sent */
		.interval_ms = 100, .match = "10de:*",
	};
	struct nl_msg *msg = config_set_msg(&cfg, 0);
	struct nlattr *tb[GPUMON_A_MAX + 1];
	char list[256];

	ck_assert_uint_eq(genlmsg_hdr(nlmsg_hdr(msg))->cmd,
			  GPUMON_CMD_CONFIG_SET);
	attr_list(msg, list, sizeof(list));
	/* THERMAL_HYST_MC 46, RAPL_PERIOD_MS 63, both u32 */
	ck_assert_str_eq(list, "46:4 63:4");
	ck_assert_int_eq(genlmsg_parse(nlmsg_hdr(msg), 0, tb, GPUMON_A_MAX,
				       NULL), 0);
	ck_assert_uint_eq(nla_get_u32(tb[GPUMON_A_THERMAL_HYST_MC]), 3000);
	ck_assert_uint_eq(nla_get_u32(tb[GPUMON_A_RAPL_PERIOD_MS]), 20);
	nlmsg_free(msg);
}
END_TEST

/* All five; the strings NUL-terminated (NLA_NUL_STRING), "" kept. */
START_TEST(test_config_set_all)
{
	struct gpumon_nl_config cfg = {
		.valid = GPUMON_NL_CFG_INTERVAL | GPUMON_NL_CFG_MATCH |
			 GPUMON_NL_CFG_THERMAL_TYPES |
			 GPUMON_NL_CFG_THERMAL_HYST | GPUMON_NL_CFG_RAPL_PERIOD,
		.interval_ms = 250, .match = "10de:*,1af4:1044",
		.thermal_types = "", .thermal_hyst_mc = 0,
		.rapl_period_ms = 1000,
	};
	struct nl_msg *msg = config_set_msg(&cfg, 0);
	struct nlattr *tb[GPUMON_A_MAX + 1];
	char list[256];

	attr_list(msg, list, sizeof(list));
	ck_assert_str_eq(list, "28:4 29:17 45:1 46:4 63:4");
	ck_assert_int_eq(genlmsg_parse(nlmsg_hdr(msg), 0, tb, GPUMON_A_MAX,
				       NULL), 0);
	ck_assert_uint_eq(nla_get_u32(tb[GPUMON_A_INTERVAL_MS]), 250);
	ck_assert_str_eq(nla_data(tb[GPUMON_A_MATCH]), "10de:*,1af4:1044");
	ck_assert_int_eq(((char *)nla_data(tb[GPUMON_A_THERMAL_TYPES]))[0], 0);
	ck_assert_uint_eq(nla_get_u32(tb[GPUMON_A_THERMAL_HYST_MC]), 0);
	ck_assert_uint_eq(nla_get_u32(tb[GPUMON_A_RAPL_PERIOD_MS]), 1000);
	nlmsg_free(msg);

	/* nothing to set: refused, nothing put */
	memset(&cfg, 0, sizeof(cfg));
	cfg.interval_ms = 100;
	msg = config_set_msg(&cfg, -EINVAL);
	attr_list(msg, list, sizeof(list));
	ck_assert_str_eq(list, "");
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_config_get_full)
{
	struct nl_msg *msg = new_msg(GPUMON_CMD_CONFIG_GET);
	struct gpumon_nl_config cfg;

	nla_put_u32(msg, GPUMON_A_INTERVAL_MS, 1000);
	nla_put_string(msg, GPUMON_A_MATCH, "10de:*");
	nla_put_string(msg, GPUMON_A_THERMAL_TYPES, "");
	nla_put_u32(msg, GPUMON_A_THERMAL_HYST_MC, 2000);
	nla_put_u32(msg, GPUMON_A_RAPL_PERIOD_MS, 10);
	ck_assert_int_eq(gpumon_nl_parse_config(nlmsg_hdr(msg), &cfg), 0);
	ck_assert_uint_eq(cfg.valid, GPUMON_NL_CFG_INTERVAL |
			  GPUMON_NL_CFG_MATCH | GPUMON_NL_CFG_THERMAL_TYPES |
			  GPUMON_NL_CFG_THERMAL_HYST |
			  GPUMON_NL_CFG_RAPL_PERIOD);
	ck_assert_uint_eq(cfg.interval_ms, 1000);
	ck_assert_str_eq(cfg.match, "10de:*");
	ck_assert_str_eq(cfg.thermal_types, "");
	ck_assert_uint_eq(cfg.thermal_hyst_mc, 2000);
	ck_assert_uint_eq(cfg.rapl_period_ms, 10);
	nlmsg_free(msg);
}
END_TEST

/* An older module: interval and match only; the rest not valid, zero. */
START_TEST(test_config_get_absent)
{
	struct nl_msg *msg = new_msg(GPUMON_CMD_CONFIG_GET);
	struct gpumon_nl_config cfg;

	nla_put_u32(msg, GPUMON_A_INTERVAL_MS, 500);
	nla_put_string(msg, GPUMON_A_MATCH, "");
	ck_assert_int_eq(gpumon_nl_parse_config(nlmsg_hdr(msg), &cfg), 0);
	ck_assert_uint_eq(cfg.valid, GPUMON_NL_CFG_INTERVAL |
			  GPUMON_NL_CFG_MATCH);
	ck_assert_uint_eq(cfg.interval_ms, 500);
	ck_assert_str_eq(cfg.match, "");
	ck_assert_str_eq(cfg.thermal_types, "");
	ck_assert_uint_eq(cfg.thermal_hyst_mc, 0);
	ck_assert_uint_eq(cfg.rapl_period_ms, 0);
	nlmsg_free(msg);

	/* nothing at all */
	msg = new_msg(GPUMON_CMD_CONFIG_GET);
	ck_assert_int_eq(gpumon_nl_parse_config(nlmsg_hdr(msg), &cfg), 0);
	ck_assert_uint_eq(cfg.valid, 0);
	nlmsg_free(msg);

	/* a u16 where a u32 belongs: fails the policy */
	msg = new_msg(GPUMON_CMD_CONFIG_GET);
	nla_put_u16(msg, GPUMON_A_INTERVAL_MS, 500);
	ck_assert_int_eq(gpumon_nl_parse_config(nlmsg_hdr(msg), &cfg), -EINVAL);
	nlmsg_free(msg);
}
END_TEST

/*
 * The NLMSG_ERROR the kernel sends for @req (netlink_ack()): the error,
 * the request whole or only its header (@capped), then the TLVs.
 */
static struct nl_msg *ext_ack(struct nl_msg *req, int error, bool capped,
			      const char *text, int offs, int miss)
{
	struct nlmsghdr *rh = nlmsg_hdr(req);
	size_t payload = sizeof(struct nlmsgerr);
	struct nl_msg *msg = nlmsg_alloc();
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	int flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0);

	if (!capped)
		payload += rh->nlmsg_len - NLMSG_HDRLEN;
	nlh = nlmsg_put(msg, 0, 1, NLMSG_ERROR, payload, flags);
	ck_assert_ptr_nonnull(nlh);
	e = nlmsg_data(nlh);
	e->error = error;
	memcpy(&e->msg, rh, capped ? NLMSG_HDRLEN : rh->nlmsg_len);
	if (text)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	if (offs >= 0)
		nla_put_u32(msg, NLMSGERR_ATTR_OFFS, offs);
	if (miss >= 0)
		nla_put_u32(msg, 5 /* NLMSGERR_ATTR_MISS_TYPE */, miss);
	return msg;
}

/* Byte offset of attribute @type in @req, as the kernel gives it. */
static int offset_of(struct nl_msg *req, int type)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req);
	struct nlattr *a = nlmsg_find_attr(nlh, GENL_HDRLEN, type);

	ck_assert_ptr_nonnull(a);
	return (char *)a - (char *)nlh;
}

START_TEST(test_extack)
{
	struct gpumon_nl_config cfg = {
		.valid = GPUMON_NL_CFG_INTERVAL | GPUMON_NL_CFG_THERMAL_HYST,
		.interval_ms = 100, .thermal_hyst_mc = 99999,
	};
	struct nl_msg *req = config_set_msg(&cfg, 0), *err;
	struct gpumon_nl_extack ext;
	int offs = offset_of(req, GPUMON_A_THERMAL_HYST_MC);

	/* capped (the usual case when TLVs are sent) */
	err = ext_ack(req, -ERANGE, true, "integer out of range", offs, -1);
	ck_assert_int_eq(gpumon_nl_parse_extack(nlmsg_hdr(err),
						nlmsg_hdr(req), &ext), -ERANGE);
	ck_assert_str_eq(ext.msg, "integer out of range");
	ck_assert_uint_eq(ext.bad_attr, GPUMON_A_THERMAL_HYST_MC);
	ck_assert_str_eq(gpumon_nl_attr_name(ext.bad_attr), "thermal-hyst-mc");
	ck_assert_uint_eq(ext.miss_attr, 0);
	nlmsg_free(err);

	/* the whole request echoed; the first attribute named */
	err = ext_ack(req, -EINVAL, false, "bad interval",
		      offset_of(req, GPUMON_A_INTERVAL_MS), -1);
	ck_assert_int_eq(gpumon_nl_parse_extack(nlmsg_hdr(err),
						nlmsg_hdr(req), &ext), -EINVAL);
	ck_assert_str_eq(ext.msg, "bad interval");
	ck_assert_uint_eq(ext.bad_attr, GPUMON_A_INTERVAL_MS);
	nlmsg_free(err);

	/* no request to look in, or an offset outside it: none named */
	err = ext_ack(req, -EINVAL, true, NULL, 4096, GPUMON_A_BDF);
	ck_assert_int_eq(gpumon_nl_parse_extack(nlmsg_hdr(err),
						nlmsg_hdr(req), &ext), -EINVAL);
	ck_assert_str_eq(ext.msg, "");
	ck_assert_uint_eq(ext.bad_attr, 0);
	ck_assert_uint_eq(ext.miss_attr, GPUMON_A_BDF);
	ck_assert_int_eq(gpumon_nl_parse_extack(nlmsg_hdr(err), NULL, &ext),
			 -EINVAL);
	nlmsg_free(err);
	nlmsg_free(req);
}
END_TEST

/* EPERM from genetlink (GENL_ADMIN_PERM): no TLVs at all. */
START_TEST(test_extack_bare)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct gpumon_nl_extack ext;
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	nlh = nlmsg_put(msg, 0, 1, NLMSG_ERROR, sizeof(*e), 0);
	e = nlmsg_data(nlh);
	e->error = -EPERM;
	e->msg.nlmsg_len = NLMSG_HDRLEN;
	ck_assert_int_eq(gpumon_nl_parse_extack(nlh, NULL, &ext), -EPERM);
	ck_assert_str_eq(ext.msg, "");
	ck_assert_uint_eq(ext.bad_attr, 0);
	nlmsg_free(msg);

	/* not an error message */
	msg = new_msg(GPUMON_CMD_CONFIG_GET);
	ck_assert_int_eq(gpumon_nl_parse_extack(nlmsg_hdr(msg), NULL, &ext),
			 -EBADMSG);
	nlmsg_free(msg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nl_src");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_tzone_full);
	tcase_add_test(tc, test_tzone_absent_attributes);
	tcase_add_test(tc, test_tzone_rejects);
	tcase_add_test(tc, test_tzone_many_trips);
	tcase_add_test(tc, test_rapl_full);
	tcase_add_test(tc, test_rapl_before_first_window);
	tcase_add_test(tc, test_stats_sources);
	tcase_add_test(tc, test_event_trip_cleared);
	tcase_add_test(tc, test_event_zone_added);
	tcase_add_test(tc, test_config_set_some);
	tcase_add_test(tc, test_config_set_all);
	tcase_add_test(tc, test_config_get_full);
	tcase_add_test(tc, test_config_get_absent);
	tcase_add_test(tc, test_extack);
	tcase_add_test(tc, test_extack_bare);
	suite_add_tcase(s, tc);
	return gpumon_check_run(s);
}
