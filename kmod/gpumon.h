/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gpumon kernel module: shared declarations.
 */
#ifndef _GPUMON_H
#define _GPUMON_H

#include <linux/atomic.h>
#include <linux/pci.h>
#include <linux/types.h>

#include <uapi/gpumon.h>

/* Most devices watched: GPUs, NVSwitches, matched endpoints and ports. */
#define GPUMON_MAX_DEVS		256

/**
 * struct gpumon_dev - one watched PCI device.
 * @pdev: the device, with a reference held until unload
 * @role: what it is in a GPU's PCIe path
 * @aer: AER errors seen by ras:aer_event, by enum gpumon_aer_severity
 *
 * The list is built at load and never changes until unload, so readers
 * need no lock; the counters are atomic.
 */
struct gpumon_dev {
	struct pci_dev *pdev;
	enum gpumon_role role;
	atomic64_t aer[__GPUMON_AER_SEV_MAX];
};

/**
 * struct gpumon_aer_event - one AER error, queued from the probe.
 * @seq: sequence number, from 1
 * @time_mono: CLOCK_MONOTONIC at the probe, ns
 * @time_real: CLOCK_REALTIME at the probe, ns
 * @dev: the watched device
 * @status: AER status register bits
 * @tlp: TLP header log, valid when @tlp_valid
 * @severity: enum gpumon_aer_severity
 * @tlp_valid: whether @tlp holds a header
 */
struct gpumon_aer_event {
	u64 seq;
	u64 time_mono;
	u64 time_real;
	struct gpumon_dev *dev;
	u32 status;
	u32 tlp[4];
	u8 severity;
	u8 tlp_valid;
};

/* devices.c */
int gpumon_devs_init(const char *match);
void gpumon_devs_exit(void);
unsigned int gpumon_dev_count(void);
struct gpumon_dev *gpumon_dev_at(unsigned int idx);
struct gpumon_dev *gpumon_dev_find(const char *bdf);
struct pci_dev *gpumon_dev_parent(const struct gpumon_dev *gdev);

/* aer.c */
int gpumon_aer_init(void);
void gpumon_aer_exit(void);
u64 gpumon_events_lost(void);
void gpumon_event_lost(void);

/* netlink.c */
int gpumon_nl_init(void);
void gpumon_nl_exit(void);
void gpumon_nl_notify_aer(const struct gpumon_aer_event *ev);

/* debugfs.c */
void gpumon_debugfs_init(void);
void gpumon_debugfs_exit(void);

#endif /* _GPUMON_H */
