/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpumon kernel module: shared declarations.
 */
#ifndef _GPUMON_H
#define _GPUMON_H

#include <linux/atomic.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <uapi/gpumon.h>

struct dentry;
struct netlink_ext_ack;

/* Most devices watched: GPUs, NVSwitches, matched endpoints and ports. */
#define GPUMON_MAX_DEVS		256
/* Bits of an AER status register. */
#define GPUMON_AER_BITS		32
/* Longest thermal zone type kept (THERMAL_NAME_LENGTH). */
#define GPUMON_ZONE_LEN		20
/* Longest source state reason (THERMAL_REASON, RAPL_REASON). */
#define GPUMON_REASON_LEN	96
/* Most trip points kept per thermal zone. */
#define GPUMON_MAX_TRIPS	16

/**
 * struct gpumon_link - one sample of a device's link registers.
 * @cur_speed: Link Status Current Link Speed, MT/s (0: no link)
 * @cur_width: Link Status Negotiated Link Width, lanes
 * @max_speed: highest speed of Link Capabilities 2 (or 1), MT/s
 * @max_width: Link Capabilities Maximum Link Width, lanes
 * @dll_supported: Link Capabilities DLL Link Active Reporting Capable
 * @dll_active: Link Status Data Link Layer Link Active
 */
struct gpumon_link {
	u32 cur_speed;
	u32 cur_width;
	u32 max_speed;
	u32 max_width;
	bool dll_supported;
	bool dll_active;
};

/* Link condition as the sampler judges it. */
enum gpumon_link_cond {
	GPUMON_LINK_UNKNOWN,	/* not sampled yet, or no link */
	GPUMON_LINK_OK,
	GPUMON_LINK_DOWNTRAINED,
	GPUMON_LINK_DOWN,
};

/**
 * struct gpumon_dev - one watched PCI device (a slot that is never freed).
 * @bdf: "dddd:bb:dd.f"; set before the slot is published, never changed
 * @parent: BDF of the upstream bridge, "" for a device on a root bus
 * @vendor: PCI vendor id
 * @device: PCI device id
 * @class: 24-bit class code
 * @role: what it is in a GPU's PCIe path
 * @pdev: the device, with a reference, or NULL once removed
 * @state: enum gpumon_dev_state
 * @watched: reported and sampled; false when no longer matched
 * @aer: AER errors counted, by enum gpumon_aer_severity
 * @aer_cor: per Correctable Error Status bit (PCIe r6.0 sec 7.8.4.5)
 * @aer_uncor: per Uncorrectable Error Status bit (sec 7.8.4.2)
 * @aer_lock: protects the four fields below
 * @aer_first_ns: CLOCK_REALTIME of the first error counted, 0 if none
 * @aer_last_ns: CLOCK_REALTIME of the last error counted
 * @aer_tlp: header log of the last error that had one (sec 7.8.4.8)
 * @aer_tlp_valid: @aer_tlp holds a header
 * @link: last link sample, under the devices lock
 * @link_valid: @link holds a sample
 * @dll_seen: Data Link Layer Link Active was seen set at least once
 * @cond: enum gpumon_link_cond of the last sample
 * @n_downtrained: times the link was seen downtrained
 * @n_link_down: times the link was seen down
 * @n_not_responding: times config reads returned all ones
 * @n_flaps: link condition changes
 * @n_suppressed: link events not sent because of the rate limit
 * @rl_start: jiffies at the start of the rate-limit window
 * @rl_count: link events sent in the window
 * @rl_missed: link events suppressed in the window
 * @inj_active: the link sample is replaced by @inj_link (debugfs)
 * @inj_gone: config reads are taken as all ones (debugfs)
 * @inj_link: the injected sample
 * @seen: matched by the rescan in progress (match list change)
 *
 * Slots are filled under the devices lock and published by the count
 * (release/acquire), so the AER probe can look them up without a lock
 * by their immutable @bdf.  The counters are atomic; everything else is
 * under the devices lock.
 */
struct gpumon_dev {
	char bdf[GPUMON_BDF_LEN];
	char parent[GPUMON_BDF_LEN];
	u16 vendor;
	u16 device;
	u32 class;
	enum gpumon_role role;
	struct pci_dev *pdev;
	enum gpumon_dev_state state;
	bool watched;
	atomic64_t aer[__GPUMON_AER_SEV_MAX];
	atomic64_t aer_cor[GPUMON_AER_BITS];
	atomic64_t aer_uncor[GPUMON_AER_BITS];
	spinlock_t aer_lock;
	u64 aer_first_ns;
	u64 aer_last_ns;
	u32 aer_tlp[4];
	bool aer_tlp_valid;
	struct gpumon_link link;
	bool link_valid;
	bool dll_seen;
	enum gpumon_link_cond cond;
	u64 n_downtrained;
	u64 n_link_down;
	u64 n_not_responding;
	u64 n_flaps;
	u64 n_suppressed;
	unsigned long rl_start;
	unsigned int rl_count;
	unsigned int rl_missed;
	bool inj_active;
	bool inj_gone;
	struct gpumon_link inj_link;
	bool seen;
};

/**
 * struct gpumon_event - one event, queued for the "events" group.
 * @seq: sequence number, from 1, given when queued
 * @time_mono: CLOCK_MONOTONIC when queued, ns
 * @time_real: CLOCK_REALTIME when queued, ns
 * @kind: enum gpumon_event_kind
 * @severity: enum gpumon_severity
 * @role: enum gpumon_role of the device, if any
 * @bdf: the device, "" for none
 * @peer: the other end of its link, "" for none
 * @aer_severity: enum gpumon_aer_severity (AER)
 * @aer_status: AER status register bits (AER)
 * @tlp: TLP header log, valid when @tlp_valid (AER)
 * @tlp_valid: whether @tlp holds a header
 * @link_valid: @link holds a sample (link events)
 * @link: the link sample
 * @flaps: link state changes of the device so far
 * @suppressed: link events of the device rate-limited so far
 * @zone: thermal zone type (thermal)
 * @zone_id: thermal zone id (thermal)
 * @temp_mc: temperature, millidegrees Celsius (thermal)
 * @trip: trip point index (thermal trips)
 * @trip_type: enum gpumon_trip_type (thermal trips)
 * @trip_temp: trip temperature, millidegrees Celsius (thermal trips)
 * @trip_hyst: hysteresis applied, millidegrees Celsius (thermal trips)
 */
struct gpumon_event {
	u64 seq;
	u64 time_mono;
	u64 time_real;
	u32 kind;
	u32 severity;
	u32 role;
	char bdf[GPUMON_BDF_LEN];
	char peer[GPUMON_BDF_LEN];
	u32 aer_severity;
	u32 aer_status;
	u32 tlp[4];
	bool tlp_valid;
	bool link_valid;
	struct gpumon_link link;
	u64 flaps;
	u64 suppressed;
	char zone[GPUMON_ZONE_LEN];
	u32 zone_id;
	s32 temp_mc;
	u32 trip;
	u32 trip_type;
	s32 trip_temp;
	s32 trip_hyst;
};

/**
 * struct gpumon_trip_info - one trip point of a zone, as last read.
 * @id: trip index in the zone
 * @type: enum gpumon_trip_type
 * @temp: trip temperature, millidegrees Celsius
 * @hyst: hysteresis applied (the larger of the trip's and the floor), m C
 * @asserted: the zone is at or above the trip (not yet cleared)
 * @crossings: upward crossings since load
 */
struct gpumon_trip_info {
	u32 id;
	u32 type;
	s32 temp;
	s32 hyst;
	bool asserted;
	u64 crossings;
};

/**
 * struct gpumon_tz_info - a copy of one sampled thermal zone.
 * @id: zone id, the N of /sys/class/thermal/thermal_zoneN
 * @type: zone type ("acpitz", "x86_pkg_temp", ...)
 * @state: enum gpumon_dev_state (PRESENT or REMOVED)
 * @temp_valid: @temp and @temp_max hold a sample
 * @temp: last temperature sampled, millidegrees Celsius
 * @temp_max: highest temperature sampled since load, m C
 * @samples: temperature reads since load
 * @read_errors: temperature reads that failed
 * @ntrips: entries of @trips used
 * @trips: its trip points
 */
struct gpumon_tz_info {
	u32 id;
	char type[GPUMON_ZONE_LEN];
	u32 state;
	bool temp_valid;
	s32 temp;
	s32 temp_max;
	u64 samples;
	u64 read_errors;
	unsigned int ntrips;
	struct gpumon_trip_info trips[GPUMON_MAX_TRIPS];
};

/**
 * struct gpumon_rapl_info - a copy of one RAPL energy domain.
 * @pkg: physical package id
 * @domain: enum gpumon_rapl_domain
 * @injected: readings come from debugfs, not the MSR
 * @esu: energy status unit: one count is 1/2^@esu J
 * @energy_uj: energy counted since load, uJ
 * @window_valid: the fields below up to @window_end_ns hold a window
 * @min_mw: lowest power of one sample in the last window, mW
 * @avg_mw: energy over time in the last window, mW
 * @max_mw: highest power of one sample in the last window, mW
 * @window_ns: length of the last window, ns
 * @window_samples: samples in it
 * @window_end_ns: CLOCK_MONOTONIC of its end, ns
 * @peak_mw: highest power of one sample since load, mW
 * @samples: samples since load
 * @wraps: wraparounds of the 32-bit energy counter
 */
struct gpumon_rapl_info {
	u32 pkg;
	u32 domain;
	bool injected;
	u32 esu;
	u64 energy_uj;
	bool window_valid;
	u32 min_mw;
	u32 avg_mw;
	u32 max_mw;
	u64 window_ns;
	u32 window_samples;
	u64 window_end_ns;
	u32 peak_mw;
	u64 samples;
	u64 wraps;
};

/* main.c */
int gpumon_param_uint(const char *val, unsigned int min, unsigned int max,
		      unsigned int *out);

/* devices.c */
int gpumon_devs_init(const char *match);
void gpumon_devs_exit(void);
void gpumon_devs_lock(void);
void gpumon_devs_unlock(void);
unsigned int gpumon_dev_count(void);
struct gpumon_dev *gpumon_dev_at(unsigned int idx);
struct gpumon_dev *gpumon_dev_find(const char *bdf);
int gpumon_match_set(const char *match, struct netlink_ext_ack *extack);
size_t gpumon_match_get(char *buf, size_t size);
void gpumon_dev_reset(struct gpumon_dev *gdev);
const char *gpumon_dev_peer(const struct gpumon_dev *gdev);

/* events.c */
void gpumon_event_emit(struct gpumon_event *ev);
void gpumon_event_init(struct gpumon_event *ev, u32 kind, u32 severity,
		       const struct gpumon_dev *gdev);
u64 gpumon_events_lost(void);
u64 gpumon_event_lost_kind(unsigned int kind);
void gpumon_event_lost(unsigned int kind);
u64 gpumon_event_last_seq(void);
void gpumon_events_flush(void);

/* aer.c */
int gpumon_aer_init(void);
void gpumon_aer_exit(void);
void gpumon_aer_record(struct gpumon_dev *gdev, u32 status, u32 aer_sev,
		       bool tlp_valid, const u32 tlp[4]);

/* link.c */
void gpumon_link_init(void);
void gpumon_link_exit(void);
unsigned int gpumon_link_interval(void);
void gpumon_link_set_interval(unsigned int ms);
void gpumon_link_sample(struct gpumon_dev *gdev);
void gpumon_link_stats(u64 *samples, u64 *ns);

/* thermal.c */
int gpumon_thermal_init(void);
void gpumon_thermal_exit(void);
void gpumon_thermal_kick(void);
int gpumon_thermal_types_check(const char *types,
			       struct netlink_ext_ack *extack);
int gpumon_thermal_set_types(const char *types,
			     struct netlink_ext_ack *extack);
size_t gpumon_thermal_types_get(char *buf, size_t size);
void gpumon_thermal_set_hyst(u32 mc);
u32 gpumon_thermal_hyst(void);
int gpumon_thermal_zone_at(unsigned int idx, struct gpumon_tz_info *out);
u32 gpumon_thermal_state(char *reason, size_t size);
int gpumon_thermal_inject(u32 id, bool clear, s32 temp_mc);

/* rapl.c */
int gpumon_rapl_init(void);
void gpumon_rapl_exit(void);
unsigned int gpumon_rapl_period(void);
void gpumon_rapl_set_period(unsigned int ms);
int gpumon_rapl_domain_at(unsigned int idx, struct gpumon_rapl_info *out);
u32 gpumon_rapl_state(char *reason, size_t size);
void gpumon_rapl_debugfs_init(struct dentry *dir);

/* netlink.c */
int gpumon_nl_init(void);
void gpumon_nl_ready(void);
void gpumon_nl_quiesce(void);
void gpumon_nl_exit(void);
void gpumon_nl_notify(const struct gpumon_event *ev);

/* debugfs.c */
void gpumon_debugfs_init(void);
void gpumon_debugfs_exit(void);

#endif /* _GPUMON_H */
