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
 * @GPUMON_EVENT_THERMAL_TRIP: a thermal trip point was crossed
 *	(THERMAL_ZONE, THERMAL_TEMP, THERMAL_TRIP)
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

/* Sampling interval bounds and default, GPUMON_A_INTERVAL_MS. */
#define GPUMON_INTERVAL_MIN_MS		10
#define GPUMON_INTERVAL_MAX_MS		60000
#define GPUMON_INTERVAL_DEFAULT_MS	1000
/* Longest match list, GPUMON_A_MATCH, with the NUL. */
#define GPUMON_MATCH_LEN		512

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
	 * GPUMON_CMD_CONFIG_GET: INTERVAL_MS and MATCH.  Open to all.
	 * GPUMON_CMD_CONFIG_SET: set INTERVAL_MS and/or MATCH (the match
	 * list is replaced and the bus rescanned).  CAP_NET_ADMIN.
	 * GPUMON_CMD_COUNTERS_RESET: zero the AER and link counters of the
	 * device named by BDF, or of every device.  CAP_NET_ADMIN.
	 * GPUMON_CMD_STATS_GET: LAST_SEQ, EVENTS_LOST and one DROPS nest per
	 * event kind with losses.  Open to all.
	 */
	GPUMON_CMD_CONFIG_GET,
	GPUMON_CMD_CONFIG_SET,
	GPUMON_CMD_COUNTERS_RESET,
	GPUMON_CMD_STATS_GET,

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

#endif /* _UAPI_LINUX_GPUMON_H */
