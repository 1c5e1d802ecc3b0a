/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * gpumon generic netlink ABI, version 1.
 *
 * Family GPUMON_GENL_NAME, multicast group GPUMON_MCGRP_EVENTS.  The
 * top-level attributes are one set (enum gpumon_attr), with nested sets
 * for per-bit AER counts, link state and drops; requests are validated
 * by a strict policy per command in the module.  Values are only ever
 * appended.  Documented in docs/netlink/gpumon.yaml (YNL format).
 */
#ifndef _UAPI_LINUX_GPUMON_H
#define _UAPI_LINUX_GPUMON_H

#define GPUMON_GENL_NAME	"gpumon"
#define GPUMON_GENL_VERSION	1
#define GPUMON_MCGRP_EVENTS	"events"

/* Longest BDF string, "dddd:bb:dd.f" plus NUL, with room to spare. */
#define GPUMON_BDF_LEN		16

/**
 * enum gpumon_role - what a watched device is in the GPU's PCIe path.
 * @GPUMON_ROLE_GPU: NVIDIA GPU, vendor 0x10de class 0x0300 or 0x0302
 * @GPUMON_ROLE_NVSWITCH: NVIDIA NVSwitch, vendor 0x10de class 0x0680
 * @GPUMON_ROLE_MATCHED: endpoint added by the module parameter "match"
 * @GPUMON_ROLE_ROOT_PORT: PCIe root port above a watched endpoint
 * @GPUMON_ROLE_SWITCH_UP: PCIe switch upstream port
 * @GPUMON_ROLE_SWITCH_DOWN: PCIe switch downstream port
 * @GPUMON_ROLE_BRIDGE: any other bridge on the path
 */
enum gpumon_role {
	GPUMON_ROLE_UNSPEC,
	GPUMON_ROLE_GPU,
	GPUMON_ROLE_NVSWITCH,
	GPUMON_ROLE_MATCHED,
	GPUMON_ROLE_ROOT_PORT,
	GPUMON_ROLE_SWITCH_UP,
	GPUMON_ROLE_SWITCH_DOWN,
	GPUMON_ROLE_BRIDGE,

	__GPUMON_ROLE_MAX,
	GPUMON_ROLE_MAX = __GPUMON_ROLE_MAX - 1
};

/**
 * enum gpumon_aer_severity - AER error severity (PCIe r6.0 sec 6.2.2).
 * @GPUMON_AER_CORRECTABLE: correctable error (ERR_COR)
 * @GPUMON_AER_NONFATAL: uncorrectable non-fatal error (ERR_NONFATAL)
 * @GPUMON_AER_FATAL: uncorrectable fatal error (ERR_FATAL)
 *
 * Note the kernel's own order (include/linux/aer.h) differs:
 * AER_NONFATAL 0, AER_FATAL 1, AER_CORRECTABLE 2.
 */
enum gpumon_aer_severity {
	GPUMON_AER_CORRECTABLE,
	GPUMON_AER_NONFATAL,
	GPUMON_AER_FATAL,

	__GPUMON_AER_SEV_MAX,
	GPUMON_AER_SEV_MAX = __GPUMON_AER_SEV_MAX - 1
};

/**
 * enum gpumon_event_kind - kind of a GPUMON_CMD_EVENT notification.
 * @GPUMON_EVENT_AER: one AER error reported by the kernel (ras:aer_event)
 * @GPUMON_EVENT_LINK_DOWNTRAINED: link speed or width below the device's
 *	maximum (LINK nest: current and maximum; PEER_BDF: the other end)
 * @GPUMON_EVENT_LINK_RESTORED: link back at its maximum, or up again
 * @GPUMON_EVENT_LINK_DOWN: Data Link Layer Link Active went to 0
 * @GPUMON_EVENT_LINK_FLAPPING: link events of one device were rate-limited;
 *	LINK_FLAPS and LINK_SUPPRESSED carry the counts
 * @GPUMON_EVENT_DEV_NOT_RESPONDING: config reads return all ones (the
 *	device fell off the bus)
 * @GPUMON_EVENT_DEV_REMOVED: the device left the PCI bus (hot unplug,
 *	sysfs remove)
 * @GPUMON_EVENT_DEV_ADDED: a watched device appeared (hotplug, rescan)
 * @GPUMON_EVENT_DRIVER_UNBOUND: the device's driver was unbound
 * @GPUMON_EVENT_THERMAL_TRIP: a thermal zone's temperature rose to a trip
 *	point (THERMAL_ZONE_ID, THERMAL_ZONE, THERMAL_TEMP, THERMAL_TRIP,
 *	THERMAL_TRIP_TYPE, THERMAL_TRIP_TEMP, THERMAL_TRIP_HYST)
 * @GPUMON_EVENT_THERMAL_TRIP_CLEARED: it fell below the trip point less
 *	the hysteresis again (same attributes)
 * @GPUMON_EVENT_THERMAL_ZONE_ADDED: a thermal zone appeared after load
 *	(THERMAL_ZONE_ID, THERMAL_ZONE)
 * @GPUMON_EVENT_THERMAL_ZONE_REMOVED: a sampled zone went away (its
 *	driver was unbound or unloaded); its counters are kept
 */
enum gpumon_event_kind {
	GPUMON_EVENT_UNSPEC,
	GPUMON_EVENT_AER,
	GPUMON_EVENT_LINK_DOWNTRAINED,
	GPUMON_EVENT_LINK_RESTORED,
	GPUMON_EVENT_LINK_DOWN,
	GPUMON_EVENT_LINK_FLAPPING,
	GPUMON_EVENT_DEV_NOT_RESPONDING,
	GPUMON_EVENT_DEV_REMOVED,
	GPUMON_EVENT_DEV_ADDED,
	GPUMON_EVENT_DRIVER_UNBOUND,
	GPUMON_EVENT_THERMAL_TRIP,
	GPUMON_EVENT_THERMAL_TRIP_CLEARED,
	GPUMON_EVENT_THERMAL_ZONE_ADDED,
	GPUMON_EVENT_THERMAL_ZONE_REMOVED,

	__GPUMON_EVENT_MAX,
	GPUMON_EVENT_MAX = __GPUMON_EVENT_MAX - 1
};

/**
 * enum gpumon_severity - how bad an event is (GPUMON_A_SEVERITY).
 * @GPUMON_SEV_INFO: informational (device added, link restored)
 * @GPUMON_SEV_WARNING: degraded (link downtrained, correctable AER)
 * @GPUMON_SEV_ERROR: error (link down, non-fatal AER, device removed)
 * @GPUMON_SEV_CRITICAL: the device is lost (not responding, fatal AER)
 */
enum gpumon_severity {
	GPUMON_SEV_INFO,
	GPUMON_SEV_WARNING,
	GPUMON_SEV_ERROR,
	GPUMON_SEV_CRITICAL,

	__GPUMON_SEV_MAX,
	GPUMON_SEV_MAX = __GPUMON_SEV_MAX - 1
};

/**
 * enum gpumon_dev_state - presence of a watched device (GPUMON_A_STATE).
 * @GPUMON_STATE_PRESENT: on the bus and answering config reads
 * @GPUMON_STATE_NOT_RESPONDING: config reads return all ones
 * @GPUMON_STATE_REMOVED: gone from the bus; its counters are kept
 */
enum gpumon_dev_state {
	GPUMON_STATE_PRESENT,
	GPUMON_STATE_NOT_RESPONDING,
	GPUMON_STATE_REMOVED,

	__GPUMON_STATE_MAX,
	GPUMON_STATE_MAX = __GPUMON_STATE_MAX - 1
};

/**
 * enum gpumon_trip_type - thermal trip point type (GPUMON_A_THERMAL_TRIP_TYPE).
 * @GPUMON_TRIP_ACTIVE: turn on active cooling (fans)
 * @GPUMON_TRIP_PASSIVE: throttle (passive cooling)
 * @GPUMON_TRIP_HOT: the platform is told the zone is hot
 * @GPUMON_TRIP_CRITICAL: the kernel shuts the machine down
 *
 * The values are the kernel's enum thermal_trip_type
 * (include/linux/thermal.h, uapi/linux/thermal.h in 6.12), as the
 * "thermal" generic netlink family reports them.
 */
enum gpumon_trip_type {
	GPUMON_TRIP_ACTIVE,
	GPUMON_TRIP_PASSIVE,
	GPUMON_TRIP_HOT,
	GPUMON_TRIP_CRITICAL,

	__GPUMON_TRIP_MAX,
	GPUMON_TRIP_MAX = __GPUMON_TRIP_MAX - 1
};

/**
 * enum gpumon_source_state - whether a module source runs (STATS_GET).
 * @GPUMON_SOURCE_ON: sampling
 * @GPUMON_SOURCE_ABSENT: the kernel or the machine lacks what it reads
 *	(no thermal netlink, no RAPL MSRs); the reason says which
 * @GPUMON_SOURCE_ERROR: it failed; the reason gives the error
 */
enum gpumon_source_state {
	GPUMON_SOURCE_ON,
	GPUMON_SOURCE_ABSENT,
	GPUMON_SOURCE_ERROR,

	__GPUMON_SOURCE_MAX,
	GPUMON_SOURCE_MAX = __GPUMON_SOURCE_MAX - 1
};

/**
 * enum gpumon_rapl_domain - RAPL energy domain (GPUMON_A_RAPL_DOMAIN).
 * @GPUMON_RAPL_PACKAGE: the CPU package (Intel MSR_PKG_ENERGY_STATUS
 *	0x611, AMD MSR_AMD_PKG_ENERGY_STATUS 0xc001029b)
 * @GPUMON_RAPL_DRAM: the memory attached to it (Intel
 *	MSR_DRAM_ENERGY_STATUS 0x619; AMD has none)
 *
 * Intel SDM vol. 3B sec 15.10 "Platform Specific Power Management
 * Support"; AMD PPR for family 19h, MSRC001_029B.
 */
enum gpumon_rapl_domain {
	GPUMON_RAPL_UNSPEC,
	GPUMON_RAPL_PACKAGE,
	GPUMON_RAPL_DRAM,

	__GPUMON_RAPL_MAX,
	GPUMON_RAPL_MAX = __GPUMON_RAPL_MAX - 1
};

/* Sampling interval bounds and default, GPUMON_A_INTERVAL_MS. */
#define GPUMON_INTERVAL_MIN_MS		10
#define GPUMON_INTERVAL_MAX_MS		60000
#define GPUMON_INTERVAL_DEFAULT_MS	1000
/* Longest match list, GPUMON_A_MATCH, with the NUL. */
#define GPUMON_MATCH_LEN		512
/* Longest thermal zone type list, GPUMON_A_THERMAL_TYPES, with the NUL. */
#define GPUMON_THERMAL_TYPES_LEN	256
/* Thermal hysteresis floor, GPUMON_A_THERMAL_HYST_MC: bounds, default. */
#define GPUMON_THERMAL_HYST_MAX_MC	20000
#define GPUMON_THERMAL_HYST_DEFAULT_MC	2000
/* RAPL energy sampling period, GPUMON_A_RAPL_PERIOD_MS. */
#define GPUMON_RAPL_PERIOD_MIN_MS	1
#define GPUMON_RAPL_PERIOD_MAX_MS	1000
#define GPUMON_RAPL_PERIOD_DEFAULT_MS	10

enum gpumon_cmd {
	GPUMON_CMD_UNSPEC,
	/*
	 * GPUMON_CMD_DEV_GET: with NLM_F_DUMP, one reply per watched
	 * device (present ones; removed ones too with WITH_REMOVED), or
	 * the one named by BDF: BDF, vendor, device, class, role, state,
	 * parent and peer BDF, BELOW_BDF (ports), the AER counters per
	 * severity and per status bit, first/last seen, last TLP header,
	 * and the LINK nest.  Open to all users.
	 */
	GPUMON_CMD_DEV_GET,
	/*
	 * GPUMON_CMD_EVENT: notification on the "events" group: SEQ,
	 * TIME_MONO, TIME_REAL, EVENT_KIND, SEVERITY, BDF, ROLE, PEER_BDF
	 * and, for AER, AER_SEVERITY, AER_STATUS and AER_TLP (when the
	 * header is valid); for link and device events the LINK nest
	 * (sample, FLAPS, SUPPRESSED); for thermal trips THERMAL_*.
	 * SEQ advances for every event, delivered or not, so a listener
	 * sees a gap as lost events.
	 */
	GPUMON_CMD_EVENT,
	/*
	 * GPUMON_CMD_CONFIG_GET: INTERVAL_MS, MATCH, THERMAL_TYPES,
	 * THERMAL_HYST_MC and RAPL_PERIOD_MS.  Open to all.
	 * GPUMON_CMD_CONFIG_SET: set any of them (the match list is
	 * replaced and the bus rescanned; the thermal zones are chosen
	 * again).  CAP_NET_ADMIN.
	 * GPUMON_CMD_COUNTERS_RESET: zero the AER and link counters of the
	 * device named by BDF, or of every device.  CAP_NET_ADMIN.
	 * GPUMON_CMD_STATS_GET: LAST_SEQ, EVENTS_LOST and one DROPS nest per
	 * event kind with losses; SAMPLES and SAMPLE_NS; THERMAL_STATE and
	 * THERMAL_REASON, RAPL_STATE and RAPL_REASON.  Open to all.
	 */
	GPUMON_CMD_CONFIG_GET,
	GPUMON_CMD_CONFIG_SET,
	GPUMON_CMD_COUNTERS_RESET,
	GPUMON_CMD_STATS_GET,
	/*
	 * GPUMON_CMD_THERMAL_GET: dump, one reply per thermal zone sampled
	 * (removed ones too, with STATE REMOVED): THERMAL_ZONE_ID,
	 * THERMAL_ZONE, STATE, THERMAL_TEMP (last sample), THERMAL_TEMP_MAX,
	 * THERMAL_READ_ERRORS, SAMPLES and one THERMAL_TRIPS nest per trip
	 * point.  Open to all.
	 */
	GPUMON_CMD_THERMAL_GET,
	/*
	 * GPUMON_CMD_POWER_GET: dump, one reply per RAPL domain: RAPL_PKG,
	 * RAPL_DOMAIN, RAPL_INJECTED, RAPL_ESU, RAPL_ENERGY_UJ, the last
	 * complete window (RAPL_POWER_MIN_MW, _AVG_MW, _MAX_MW,
	 * RAPL_WINDOW_NS, RAPL_WINDOW_SAMPLES, RAPL_WINDOW_END_NS),
	 * RAPL_PEAK_MW, RAPL_SAMPLES and RAPL_WRAPS.  Open to all.
	 */
	GPUMON_CMD_POWER_GET,

	__GPUMON_CMD_MAX,
	GPUMON_CMD_MAX = __GPUMON_CMD_MAX - 1
};

enum gpumon_attr {
	GPUMON_A_UNSPEC,
	GPUMON_A_PAD,
	GPUMON_A_BDF,		/* string, "dddd:bb:dd.f" */
	GPUMON_A_VENDOR,	/* u16 */
	GPUMON_A_DEVICE,	/* u16 */
	GPUMON_A_CLASS,		/* u32, 24-bit class code */
	GPUMON_A_ROLE,		/* u32, enum gpumon_role */
	GPUMON_A_PARENT_BDF,	/* string, absent for a root port */
	GPUMON_A_AER_COR,	/* u64, correctable errors counted */
	GPUMON_A_AER_NONFATAL,	/* u64, uncorrectable non-fatal */
	GPUMON_A_AER_FATAL,	/* u64, uncorrectable fatal */
	GPUMON_A_SEQ,		/* u64, event sequence number, from 1 */
	GPUMON_A_TIME_MONO,	/* u64, CLOCK_MONOTONIC, ns */
	GPUMON_A_TIME_REAL,	/* u64, CLOCK_REALTIME, ns */
	GPUMON_A_EVENT_KIND,	/* u32, enum gpumon_event_kind */
	GPUMON_A_AER_SEVERITY,	/* u32, enum gpumon_aer_severity */
	GPUMON_A_AER_STATUS,	/* u32, AER status register bits */
	GPUMON_A_AER_TLP,	/* binary, 4 x u32 TLP header log */
	GPUMON_A_EVENTS_LOST,	/* u64, events not delivered (dump) */
	GPUMON_A_SEVERITY,	/* u32, enum gpumon_severity (events) */
	GPUMON_A_STATE,		/* u32, enum gpumon_dev_state */
	GPUMON_A_PEER_BDF,	/* string, other end of the link */
	GPUMON_A_BELOW_BDF,	/* string, multi: watched endpoints below
				 * a port
				 */
	GPUMON_A_AER_COR_BIT,	/* nest, multi: enum gpumon_bit_attr, one
				 * per correctable status bit seen
				 */
	GPUMON_A_AER_UNCOR_BIT,	/* nest, multi: same, uncorrectable bits */
	GPUMON_A_AER_FIRST_NS,	/* u64, CLOCK_REALTIME of the first error */
	GPUMON_A_AER_LAST_NS,	/* u64, CLOCK_REALTIME of the last error */
	GPUMON_A_LINK,		/* nest: enum gpumon_link_attr */
	GPUMON_A_INTERVAL_MS,	/* u32, link sampling interval, ms */
	GPUMON_A_MATCH,		/* string, match list (module parameter
				 * syntax)
				 */
	GPUMON_A_LAST_SEQ,	/* u64, last event sequence number given */
	GPUMON_A_DROPS,		/* nest, multi: enum gpumon_drop_attr */
	GPUMON_A_THERMAL_ZONE,	/* string, thermal zone type */
	GPUMON_A_THERMAL_TEMP,	/* s32, millidegrees Celsius */
	GPUMON_A_THERMAL_TRIP,	/* u32, trip point index */
	GPUMON_A_WITH_REMOVED,	/* flag, DEV_GET dump request: list removed
				 * devices too (by default a dump lists the
				 * present ones; a get by BDF finds both)
				 */
	GPUMON_A_SAMPLES,	/* u64, link sampling passes since load */
	GPUMON_A_SAMPLE_NS,	/* u64, time spent in them, ns */
	GPUMON_A_THERMAL_ZONE_ID,	/* u32, thermal zone id (the N of
					 * /sys/class/thermal/thermal_zoneN)
					 */
	GPUMON_A_THERMAL_TRIP_TYPE,	/* u32, enum gpumon_trip_type */
	GPUMON_A_THERMAL_TRIP_TEMP,	/* s32, millidegrees Celsius */
	GPUMON_A_THERMAL_TRIP_HYST,	/* s32, hysteresis applied, m degC */
	GPUMON_A_THERMAL_TEMP_MAX,	/* s32, highest sampled since load */
	GPUMON_A_THERMAL_TRIPS,		/* nest, multi: enum
					 * gpumon_trip_attr, one per trip
					 */
	GPUMON_A_THERMAL_READ_ERRORS,	/* u64, failed temperature reads */
	GPUMON_A_THERMAL_TYPES,		/* string, zone types to sample,
					 * comma-separated; "" for all
					 */
	GPUMON_A_THERMAL_HYST_MC,	/* u32, hysteresis floor, m degC: used
					 * when a trip's own is smaller
					 */
	GPUMON_A_THERMAL_STATE,		/* u32, enum gpumon_source_state */
	GPUMON_A_THERMAL_REASON,	/* string, why off, or what it does */
	GPUMON_A_RAPL_PKG,		/* u32, physical package id */
	GPUMON_A_RAPL_DOMAIN,		/* u32, enum gpumon_rapl_domain */
	GPUMON_A_RAPL_INJECTED,		/* flag, readings come from debugfs */
	GPUMON_A_RAPL_ESU,		/* u32, energy status unit: one count
					 * is 1/2^ESU J
					 */
	GPUMON_A_RAPL_ENERGY_UJ,	/* u64, energy since load, uJ */
	GPUMON_A_RAPL_POWER_MIN_MW,	/* u32, last window: lowest sample */
	GPUMON_A_RAPL_POWER_AVG_MW,	/* u32, energy / time over it */
	GPUMON_A_RAPL_POWER_MAX_MW,	/* u32, highest sample */
	GPUMON_A_RAPL_WINDOW_NS,	/* u64, its length, ns */
	GPUMON_A_RAPL_WINDOW_SAMPLES,	/* u32, samples in it */
	GPUMON_A_RAPL_WINDOW_END_NS,	/* u64, CLOCK_MONOTONIC of its end */
	GPUMON_A_RAPL_PEAK_MW,		/* u32, highest sample since load */
	GPUMON_A_RAPL_SAMPLES,		/* u64, samples since load */
	GPUMON_A_RAPL_WRAPS,		/* u64, 32-bit counter wraparounds */
	GPUMON_A_RAPL_PERIOD_MS,	/* u32, energy sampling period, ms */
	GPUMON_A_RAPL_STATE,		/* u32, enum gpumon_source_state */
	GPUMON_A_RAPL_REASON,		/* string, why off, or what it does */

	__GPUMON_A_MAX,
	GPUMON_A_MAX = __GPUMON_A_MAX - 1
};

/*
 * Per status bit AER count, in GPUMON_A_AER_COR_BIT / _UNCOR_BIT; only
 * bits with a non-zero count are sent.  Bit numbers as in the AER
 * Correctable / Uncorrectable Error Status registers (PCIe r6.0 sec
 * 7.8.4.5 and 7.8.4.2).
 */
enum gpumon_bit_attr {
	GPUMON_A_BIT_UNSPEC,
	GPUMON_A_BIT_PAD,
	GPUMON_A_BIT_NUM,	/* u32, 0-31 */
	GPUMON_A_BIT_COUNT,	/* u64 */

	__GPUMON_A_BIT_MAX,
	GPUMON_A_BIT_MAX = __GPUMON_A_BIT_MAX - 1
};

/*
 * Link state and counters, in GPUMON_A_LINK.  Speeds in MT/s (2500,
 * 5000, 8000, 16000, 32000, 64000), widths in lanes.  Maximum from Link
 * Capabilities / Link Capabilities 2 (PCIe r6.0 sec 7.5.3.6, 7.5.3.18),
 * current from Link Status (sec 7.5.3.8).
 */
enum gpumon_link_attr {
	GPUMON_A_LINK_UNSPEC,
	GPUMON_A_LINK_PAD,
	GPUMON_A_LINK_CUR_SPEED,	/* u32, MT/s */
	GPUMON_A_LINK_CUR_WIDTH,	/* u32, lanes */
	GPUMON_A_LINK_MAX_SPEED,	/* u32, MT/s */
	GPUMON_A_LINK_MAX_WIDTH,	/* u32, lanes */
	GPUMON_A_LINK_DLL_ACTIVE,	/* u32, 0/1; absent when the port
					 * cannot report it
					 */
	GPUMON_A_LINK_DOWNTRAINED,	/* u64, times seen downtrained */
	GPUMON_A_LINK_DOWN,		/* u64, times seen down */
	GPUMON_A_LINK_NOT_RESPONDING,	/* u64, times seen all ones */
	GPUMON_A_LINK_FLAPS,		/* u64, link state changes */
	GPUMON_A_LINK_SUPPRESSED,	/* u64, link events rate-limited */

	__GPUMON_A_LINK_MAX,
	GPUMON_A_LINK_MAX = __GPUMON_A_LINK_MAX - 1
};

/* Events lost per kind, in GPUMON_A_DROPS. */
enum gpumon_drop_attr {
	GPUMON_A_DROP_UNSPEC,
	GPUMON_A_DROP_PAD,
	GPUMON_A_DROP_KIND,	/* u32, enum gpumon_event_kind */
	GPUMON_A_DROP_COUNT,	/* u64 */

	__GPUMON_A_DROP_MAX,
	GPUMON_A_DROP_MAX = __GPUMON_A_DROP_MAX - 1
};

/*
 * One trip point of a thermal zone, in GPUMON_A_THERMAL_TRIPS.  A trip
 * is asserted when the temperature reaches TEMP and cleared when it falls
 * below TEMP - HYST, HYST being the larger of the trip's own hysteresis
 * and GPUMON_A_THERMAL_HYST_MC.
 */
enum gpumon_trip_attr {
	GPUMON_A_TRIP_UNSPEC,
	GPUMON_A_TRIP_PAD,
	GPUMON_A_TRIP_ID,	/* u32, trip index in the zone */
	GPUMON_A_TRIP_TYPE,	/* u32, enum gpumon_trip_type */
	GPUMON_A_TRIP_TEMP,	/* s32, millidegrees Celsius */
	GPUMON_A_TRIP_HYST,	/* s32, hysteresis applied, m degC */
	GPUMON_A_TRIP_ASSERTED,	/* u32, 0/1: at or above it now */
	GPUMON_A_TRIP_CROSSINGS, /* u64, upward crossings since load */

	__GPUMON_A_TRIP_MAX,
	GPUMON_A_TRIP_MAX = __GPUMON_A_TRIP_MAX - 1
};

#endif /* _UAPI_LINUX_GPUMON_H */
