/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nl_src.h - the gpumon.ko generic netlink family, from user space
 * (libnl-genl-3).
 */
#ifndef GPUMON_NL_SRC_H
#define GPUMON_NL_SRC_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/netlink.h>
#include "aer.h"

struct nl_msg;

/* Endpoints listed below one port, at most. */
#define GPUMON_NL_MAX_BELOW	64
/* Trip points kept per thermal zone, at most (ACPI allows 10 active). */
#define GPUMON_NL_MAX_TRIPS	32
/* Longest thermal zone type kept, with the NUL (the kernel's is 20). */
#define GPUMON_NL_ZONE_LEN	32
/* Longest source state reason kept, with the NUL. */
#define GPUMON_NL_REASON_LEN	192

/* struct gpumon_nl_event.valid: thermal attributes present. */
#define GPUMON_NL_EV_ZONE_ID	(1u << 0)
#define GPUMON_NL_EV_TEMP	(1u << 1)
#define GPUMON_NL_EV_TRIP	(1u << 2)
#define GPUMON_NL_EV_TRIP_TYPE	(1u << 3)
#define GPUMON_NL_EV_TRIP_TEMP	(1u << 4)
#define GPUMON_NL_EV_TRIP_HYST	(1u << 5)

/* struct gpumon_nl_trip.valid */
#define GPUMON_NL_TRIP_TYPE	(1u << 0)
#define GPUMON_NL_TRIP_TEMP	(1u << 1)
#define GPUMON_NL_TRIP_HYST	(1u << 2)
#define GPUMON_NL_TRIP_ASSERTED	(1u << 3)
#define GPUMON_NL_TRIP_CROSSINGS (1u << 4)

/* struct gpumon_nl_tzone.valid */
#define GPUMON_NL_TZ_STATE	(1u << 0)
#define GPUMON_NL_TZ_TEMP	(1u << 1)
#define GPUMON_NL_TZ_TEMP_MAX	(1u << 2)
#define GPUMON_NL_TZ_SAMPLES	(1u << 3)
#define GPUMON_NL_TZ_READ_ERRORS (1u << 4)

/* struct gpumon_nl_rapl.valid */
#define GPUMON_NL_RAPL_ESU	(1u << 0)
#define GPUMON_NL_RAPL_ENERGY	(1u << 1)
#define GPUMON_NL_RAPL_MIN	(1u << 2)
#define GPUMON_NL_RAPL_AVG	(1u << 3)
#define GPUMON_NL_RAPL_MAX	(1u << 4)
#define GPUMON_NL_RAPL_WINDOW	(1u << 5)
#define GPUMON_NL_RAPL_WINDOW_SAMPLES (1u << 6)
#define GPUMON_NL_RAPL_WINDOW_END (1u << 7)
#define GPUMON_NL_RAPL_PEAK	(1u << 8)
#define GPUMON_NL_RAPL_SAMPLES	(1u << 9)
#define GPUMON_NL_RAPL_WRAPS	(1u << 10)

/* struct gpumon_nl_config.valid: which settings are held */
#define GPUMON_NL_CFG_INTERVAL	(1u << 0)
#define GPUMON_NL_CFG_MATCH	(1u << 1)
#define GPUMON_NL_CFG_THERMAL_TYPES (1u << 2)
#define GPUMON_NL_CFG_THERMAL_HYST (1u << 3)
#define GPUMON_NL_CFG_RAPL_PERIOD (1u << 4)

/* Longest extended-ack message kept, with the NUL. */
#define GPUMON_NL_EXTACK_LEN	256

/* struct gpumon_nl_stats.valid */
#define GPUMON_NL_ST_LAST_SEQ	(1u << 0)
#define GPUMON_NL_ST_EVENTS_LOST (1u << 1)
#define GPUMON_NL_ST_SAMPLES	(1u << 2)
#define GPUMON_NL_ST_SAMPLE_NS	(1u << 3)
#define GPUMON_NL_ST_THERMAL	(1u << 4)
#define GPUMON_NL_ST_RAPL	(1u << 5)

/**
 * struct gpumon_nl_link - link state and counters (GPUMON_A_LINK).
 * @valid: the current/maximum fields hold a sample
 * @cur_speed: MT/s
 * @cur_width: lanes
 * @max_speed: MT/s
 * @max_width: lanes
 * @dll_active: Data Link Layer Link Active, -1 when not reported
 * @downtrained: times seen downtrained
 * @down: times seen down
 * @not_responding: times seen answering all ones
 * @flaps: link state changes
 * @suppressed: link events rate-limited
 */
struct gpumon_nl_link {
	bool valid;
	uint32_t cur_speed;
	uint32_t cur_width;
	uint32_t max_speed;
	uint32_t max_width;
	int dll_active;
	uint64_t downtrained;
	uint64_t down;
	uint64_t not_responding;
	uint64_t flaps;
	uint64_t suppressed;
};

/**
 * struct gpumon_nl_event - any "events" notification.
 * @seq: module sequence number
 * @time_mono_ns: CLOCK_MONOTONIC, ns
 * @time_real_ns: CLOCK_REALTIME, ns
 * @kind: enum gpumon_event_kind
 * @severity: enum gpumon_severity
 * @role: enum gpumon_role of @bdf
 * @bdf: the device, "" for none
 * @peer: the other end of its link, "" for none
 * @aer: the AER fields, for GPUMON_EVENT_AER
 * @link: link sample and flap counts, for link events
 * @zone: thermal zone type, for the GPUMON_EVENT_THERMAL_* kinds
 * @temp_mc: millidegrees Celsius
 * @trip: trip index
 * @valid: which of the thermal fields the event carried, GPUMON_NL_EV_*
 *	bits (an older module sends only zone, temp and trip)
 * @zone_id: the N of /sys/class/thermal/thermal_zoneN
 * @trip_type: enum gpumon_trip_type, as sent (may be past GPUMON_TRIP_MAX)
 * @trip_temp_mc: the trip point, millidegrees Celsius
 * @trip_hyst_mc: hysteresis applied, millidegrees Celsius
 */
struct gpumon_nl_event {
	uint64_t seq;
	uint64_t time_mono_ns;
	uint64_t time_real_ns;
	uint32_t kind;
	uint32_t severity;
	uint32_t role;
	char bdf[GPUMON_BDF_LEN];
	char peer[GPUMON_BDF_LEN];
	struct gpumon_aer_rec aer;
	struct gpumon_nl_link link;
	char zone[GPUMON_NL_ZONE_LEN];
	int32_t temp_mc;
	uint32_t trip;
	uint32_t valid;
	uint32_t zone_id;
	uint32_t trip_type;
	int32_t trip_temp_mc;
	int32_t trip_hyst_mc;
};

/**
 * struct gpumon_nl_trip - one trip point of a thermal zone
 * (GPUMON_A_THERMAL_TRIPS nest).
 * @valid: GPUMON_NL_TRIP_* bits: which fields were sent
 * @id: trip index in the zone
 * @type: enum gpumon_trip_type, as sent (may be past GPUMON_TRIP_MAX)
 * @temp_mc: trip temperature, millidegrees Celsius
 * @hyst_mc: hysteresis applied, millidegrees Celsius
 * @asserted: the zone is at or above it now
 * @crossings: upward crossings since the module loaded
 */
struct gpumon_nl_trip {
	uint32_t valid;
	uint32_t id;
	uint32_t type;
	int32_t temp_mc;
	int32_t hyst_mc;
	bool asserted;
	uint64_t crossings;
};

/**
 * struct gpumon_nl_tzone - one thermal zone (GPUMON_CMD_THERMAL_GET).
 * @valid: GPUMON_NL_TZ_* bits: which fields were sent
 * @id: the N of /sys/class/thermal/thermal_zoneN (always sent)
 * @type: the zone's type ("x86_pkg_temp", "acpitz"), "" when not sent
 * @state: enum gpumon_dev_state: present or removed
 * @temp_mc: last sample, millidegrees Celsius (absent before the first)
 * @temp_max_mc: highest sample since load, millidegrees Celsius
 * @samples: temperature samples since load
 * @read_errors: failed temperature reads since load
 * @ntrips: entries used in @trips
 * @trips_over: trip nests past GPUMON_NL_MAX_TRIPS, not kept
 * @trips: the trip points, in the order sent
 */
struct gpumon_nl_tzone {
	uint32_t valid;
	uint32_t id;
	char type[GPUMON_NL_ZONE_LEN];
	uint32_t state;
	int32_t temp_mc;
	int32_t temp_max_mc;
	uint64_t samples;
	uint64_t read_errors;
	unsigned int ntrips;
	unsigned int trips_over;
	struct gpumon_nl_trip trips[GPUMON_NL_MAX_TRIPS];
};

/**
 * struct gpumon_nl_rapl - one RAPL energy domain (GPUMON_CMD_POWER_GET).
 * @valid: GPUMON_NL_RAPL_* bits: which fields were sent; the window
 *	fields are absent until the module completes its first window
 * @pkg: physical package id (always sent)
 * @domain: enum gpumon_rapl_domain (always sent; may be past the max)
 * @injected: the readings come from debugfs fault injection, not MSRs
 * @esu: energy status unit: one count is 1/2^@esu J
 * @energy_uj: energy since the module loaded, microjoules
 * @min_mw: last window's lowest one-sample power, milliwatts
 * @avg_mw: last window's energy over its length, milliwatts
 * @max_mw: last window's highest one-sample power, milliwatts
 * @window_ns: last window's length, ns
 * @window_samples: samples in it
 * @window_end_ns: CLOCK_MONOTONIC of its end, ns
 * @peak_mw: highest one-sample power since load, milliwatts
 * @samples: samples since load
 * @wraps: 32-bit energy counter wraparounds since load
 */
struct gpumon_nl_rapl {
	uint32_t valid;
	uint32_t pkg;
	uint32_t domain;
	bool injected;
	uint32_t esu;
	uint64_t energy_uj;
	uint32_t min_mw;
	uint32_t avg_mw;
	uint32_t max_mw;
	uint64_t window_ns;
	uint32_t window_samples;
	uint64_t window_end_ns;
	uint32_t peak_mw;
	uint64_t samples;
	uint64_t wraps;
};

/**
 * struct gpumon_nl_stats - the module's counters (GPUMON_CMD_STATS_GET).
 * @valid: GPUMON_NL_ST_* bits: which fields were sent
 * @last_seq: last event sequence number given
 * @events_lost: events not delivered since load
 * @samples: link sampling passes since load
 * @sample_ns: time spent in them, ns
 * @thermal_state: enum gpumon_source_state of the thermal sampler
 * @thermal_reason: why it is off, or what it samples
 * @rapl_state: enum gpumon_source_state of RAPL sampling
 * @rapl_reason: why it is off, or what it samples
 */
struct gpumon_nl_stats {
	uint32_t valid;
	uint64_t last_seq;
	uint64_t events_lost;
	uint64_t samples;
	uint64_t sample_ns;
	uint32_t thermal_state;
	char thermal_reason[GPUMON_NL_REASON_LEN];
	uint32_t rapl_state;
	char rapl_reason[GPUMON_NL_REASON_LEN];
};

/**
 * struct gpumon_nl_config - the module's settings (GPUMON_CMD_CONFIG_GET
 * reply, or what one GPUMON_CMD_CONFIG_SET changes).
 * @valid: GPUMON_NL_CFG_* bits: the fields sent by the module, or to be
 *	sent to it
 * @interval_ms: link sampling interval, ms
 * @match: extra endpoints to watch (module parameter "match" syntax)
 * @thermal_types: thermal zone types sampled, comma-separated; "" for all
 * @thermal_hyst_mc: hysteresis floor of the thermal trips, m degC
 * @rapl_period_ms: RAPL energy sampling period, ms
 */
struct gpumon_nl_config {
	uint32_t valid;
	uint32_t interval_ms;
	char match[GPUMON_MATCH_LEN];
	char thermal_types[GPUMON_THERMAL_TYPES_LEN];
	uint32_t thermal_hyst_mc;
	uint32_t rapl_period_ms;
};

/**
 * struct gpumon_nl_extack - the kernel's extended acknowledgement of a
 * failed request (NETLINK_EXT_ACK).
 * @msg: NLMSGERR_ATTR_MSG, "" when none came
 * @bad_attr: type of the request attribute NLMSGERR_ATTR_OFFS points at
 *	(enum gpumon_attr), 0 when none was named
 * @miss_attr: NLMSGERR_ATTR_MISS_TYPE (Linux 6.1+): the attribute the
 *	request lacks, 0 when none was named
 */
struct gpumon_nl_extack {
	char msg[GPUMON_NL_EXTACK_LEN];
	uint32_t bad_attr;
	uint32_t miss_attr;
};

/**
 * struct gpumon_nl_dev - one watched device as the module reports it.
 * @bdf: "dddd:bb:dd.f"
 * @parent: BDF of the upstream bridge, "" for a root port
 * @vendor: PCI vendor id
 * @device: PCI device id
 * @class: 24-bit PCI class code
 * @role: enum gpumon_role
 * @aer: errors counted per enum gpumon_aer_severity
 */
struct gpumon_nl_dev {
	char bdf[GPUMON_BDF_LEN];
	char parent[GPUMON_BDF_LEN];
	uint16_t vendor;
	uint16_t device;
	uint32_t class;
	enum gpumon_role role;
	uint64_t aer[__GPUMON_AER_SEV_MAX];
	/* Since the topology/link additions; zero from an older module. */
	enum gpumon_dev_state state;
	char peer[GPUMON_BDF_LEN];
	unsigned int nbelow;
	char below[GPUMON_NL_MAX_BELOW][GPUMON_BDF_LEN];
	uint64_t aer_cor_bit[32];
	uint64_t aer_uncor_bit[32];
	uint64_t aer_first_ns;
	uint64_t aer_last_ns;
	bool tlp_valid;
	uint32_t tlp[4];
	struct gpumon_nl_link link;
};

/**
 * struct gpumon_nl_ops - callbacks for "events" group notifications.
 * @aer: one AER error event, with the module's sequence number
 * @lost: @n events between the last one seen and this one never arrived
 *	(sequence gap, or the socket overran: ENOBUFS).  @n is 0 for an
 *	overrun: events were lost, their number is not known yet; it comes
 *	with the next event's sequence gap, as a second call with n > 0.
 * @event: every notification of any kind (AER ones too, after @aer);
 *	when set, kinds other than AER are no longer counted as skipped
 */
struct gpumon_nl_ops {
	void (*aer)(void *ctx, const struct gpumon_aer_rec *rec);
	void (*lost)(void *ctx, uint64_t n);
	void (*event)(void *ctx, const struct gpumon_nl_event *ev);
};

struct gpumon_nl;

/**
 * gpumon_nl_open() - resolve the family, join its "events" group
 * (only when @ops is given: without, the handle is for requests).
 * Return: 0; -ENOENT when the family is not registered (module not
 * loaded); other -errno.
 */
int gpumon_nl_open(struct gpumon_nl **out, const struct gpumon_nl_ops *ops,
		   void *ctx);
/** gpumon_nl_fd() - the event socket's descriptor, to poll for POLLIN. */
int gpumon_nl_fd(struct gpumon_nl *nl);
/**
 * gpumon_nl_process() - receive pending notifications without blocking.
 * Return: 0, or -errno (-ENOENT once the family is gone).
 */
int gpumon_nl_process(struct gpumon_nl *nl);
/**
 * gpumon_nl_dump() - dump the watched devices (GPUMON_CMD_DEV_GET, DUMP).
 * @cb: called once per device; a non-zero return stops the dump
 * Return: 0, -ENOENT when the family is gone, other -errno.
 */
int gpumon_nl_dump(struct gpumon_nl *nl,
		   int (*cb)(void *ctx, const struct gpumon_nl_dev *dev),
		   void *ctx);
/**
 * gpumon_nl_dump_ex() - gpumon_nl_dump(), with removed devices too when
 * @with_removed (GPUMON_A_WITH_REMOVED).
 */
int gpumon_nl_dump_ex(struct gpumon_nl *nl, bool with_removed,
		      int (*cb)(void *ctx, const struct gpumon_nl_dev *dev),
		      void *ctx);
/**
 * gpumon_nl_dump_thermal() - dump the thermal zones the module samples
 * (GPUMON_CMD_THERMAL_GET), removed ones included.
 * @cb: called once per zone; a non-zero return stops the callbacks
 * Return: as gpumon_nl_dump(); -EOPNOTSUPP from a module without it.
 */
int gpumon_nl_dump_thermal(struct gpumon_nl *nl,
			   int (*cb)(void *ctx,
				     const struct gpumon_nl_tzone *z),
			   void *ctx);
/**
 * gpumon_nl_dump_power() - dump the RAPL energy domains
 * (GPUMON_CMD_POWER_GET).
 * @cb: called once per domain; a non-zero return stops the callbacks
 * Return: as gpumon_nl_dump(); -EOPNOTSUPP from a module without it.
 */
int gpumon_nl_dump_power(struct gpumon_nl *nl,
			 int (*cb)(void *ctx, const struct gpumon_nl_rapl *r),
			 void *ctx);
/**
 * gpumon_nl_stats() - the module's counters and source states
 * (GPUMON_CMD_STATS_GET).
 * Return: 0, -ENOENT when the family is gone, other -errno.
 */
int gpumon_nl_stats(struct gpumon_nl *nl, struct gpumon_nl_stats *st);

/**
 * gpumon_nl_config_get() - the module's settings (GPUMON_CMD_CONFIG_GET).
 * Return: 0, -ENOENT when the family is gone, other -errno; @ext (may
 * be NULL) holds the kernel's extended ack of a failure.
 */
int gpumon_nl_config_get(struct gpumon_nl *nl, struct gpumon_nl_config *cfg,
			 struct gpumon_nl_extack *ext);
/**
 * gpumon_nl_config_set() - one GPUMON_CMD_CONFIG_SET with the settings
 * in @cfg->valid (CAP_NET_ADMIN).
 * Return: 0, -EPERM without CAP_NET_ADMIN, -EINVAL or -ERANGE for a
 * value the module refused (see @ext, which may be NULL), -ENOENT when
 * the family is gone, other -errno.
 */
int gpumon_nl_config_set(struct gpumon_nl *nl,
			 const struct gpumon_nl_config *cfg,
			 struct gpumon_nl_extack *ext);
/**
 * gpumon_nl_config_put() - the CONFIG_SET attributes of @cfg into @msg.
 * Return: 0; -EINVAL when @cfg->valid is empty; -EMSGSIZE.
 */
int gpumon_nl_config_put(struct nl_msg *msg,
			 const struct gpumon_nl_config *cfg);
/** gpumon_nl_attr_name() - the spec's name of an enum gpumon_attr. */
const char *gpumon_nl_attr_name(uint32_t attr);

/*
 * Parsers of single messages, exposed for the unit tests: each takes a
 * whole generic netlink message of the family.
 */
/**
 * gpumon_nl_parse_tzone() - one THERMAL_GET reply into @z.
 * Return: 0; -EINVAL when it fails the policy or lacks THERMAL_ZONE_ID.
 */
int gpumon_nl_parse_tzone(struct nlmsghdr *nlh, struct gpumon_nl_tzone *z);
/**
 * gpumon_nl_parse_rapl() - one POWER_GET reply into @r.
 * Return: 0; -EINVAL when it fails the policy or lacks RAPL_PKG or
 * RAPL_DOMAIN.
 */
int gpumon_nl_parse_rapl(struct nlmsghdr *nlh, struct gpumon_nl_rapl *r);
/**
 * gpumon_nl_parse_stats() - one STATS_GET reply into @st.
 * Return: 0; -EINVAL when it fails the policy.
 */
int gpumon_nl_parse_stats(struct nlmsghdr *nlh, struct gpumon_nl_stats *st);
/**
 * gpumon_nl_parse_config() - one CONFIG_GET reply into @cfg.
 * Return: 0; -EINVAL when it fails the policy.
 */
int gpumon_nl_parse_config(struct nlmsghdr *nlh, struct gpumon_nl_config *cfg);
/**
 * gpumon_nl_parse_extack() - the extended ack of an NLMSG_ERROR message.
 * Return: the error it carries (0 or -errno).
 */
int gpumon_nl_parse_extack(struct nlmsghdr *nlh, const struct nlmsghdr *req,
			   struct gpumon_nl_extack *ext);
/**
 * gpumon_nl_parse_event() - one "events" notification into @ev (AER
 * fields included).
 * Return: 0; -EINVAL when it fails the policy or lacks SEQ or EVENT_KIND.
 */
int gpumon_nl_parse_event(struct nlmsghdr *nlh, struct gpumon_nl_event *ev);

/* Names for display; "unknown" past the end. */
const char *gpumon_nl_trip_type_name(uint32_t type);
const char *gpumon_nl_rapl_domain_name(uint32_t domain);
const char *gpumon_nl_source_state_name(uint32_t state);

/** gpumon_nl_overruns() - times the event socket overran (ENOBUFS). */
uint64_t gpumon_nl_overruns(struct gpumon_nl *nl);
/**
 * gpumon_nl_skipped() - messages received but not passed on: unknown
 * event kinds, policy failures, missing attributes.  Not counted as lost.
 */
uint64_t gpumon_nl_skipped(struct gpumon_nl *nl);
void gpumon_nl_close(struct gpumon_nl *nl);

#endif
