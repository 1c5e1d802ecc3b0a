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

struct netlink_ext_ack;

/* Most devices watched: GPUs, NVSwitches, matched endpoints and ports. */
#define GPUMON_MAX_DEVS		256
/* Bits of an AER status register. */
#define GPUMON_AER_BITS		32
/* Longest thermal zone type kept in an event. */
#define GPUMON_ZONE_LEN		20

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
 * @temp_mc: temperature, millidegrees Celsius (thermal)
 * @trip: trip point index (thermal)
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
	s32 temp_mc;
	u32 trip;
};

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

/* netlink.c */
int gpumon_nl_init(void);
void gpumon_nl_exit(void);
void gpumon_nl_notify(const struct gpumon_event *ev);

/* debugfs.c */
void gpumon_debugfs_init(void);
void gpumon_debugfs_exit(void);

#endif /* _GPUMON_H */
