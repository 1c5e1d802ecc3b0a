/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bpf_src.h - the eBPF programs (bpf/) loaded through their libbpf
 * skeleton, read through one ring buffer.
 */
#ifndef GPUMON_BPF_SRC_H
#define GPUMON_BPF_SRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "aer.h"

/**
 * enum gpumon_thermal_kind - what a struct gpumon_thermal_rec reports.
 * @GPUMON_THERMAL_TEMP: a zone's temperature update
 * @GPUMON_THERMAL_TRIP: a zone crossed a trip point
 * @GPUMON_THERMAL_CDEV: a cooling device was set to a new state
 */
enum gpumon_thermal_kind {
	GPUMON_THERMAL_TEMP,
	GPUMON_THERMAL_TRIP,
	GPUMON_THERMAL_CDEV,
};

/**
 * struct gpumon_thermal_rec - one thermal tracepoint record.
 * @kind: which tracepoint
 * @name: thermal zone type, or cooling device type for CDEV
 * @zone_id: thermal zone id; -1 for CDEV
 * @temp_mc: temperature, millidegrees C (TEMP)
 * @temp_prev_mc: previous temperature, millidegrees C (TEMP)
 * @trip: trip point index (TRIP)
 * @trip_type: 0 active, 1 passive, 2 hot, 3 critical (TRIP)
 * @cdev_state: the cooling device's new state (CDEV)
 * @time_mono_ns: CLOCK_MONOTONIC of the event
 */
struct gpumon_thermal_rec {
	enum gpumon_thermal_kind kind;
	char name[24];
	int zone_id;
	int temp_mc;
	int temp_prev_mc;
	unsigned int trip;
	unsigned int trip_type;
	uint64_t cdev_state;
	uint64_t time_mono_ns;
};

/**
 * struct gpumon_pcie_link_rec - one pci:pcie_link_event (Linux 7.0+).
 * @port: BDF of the port whose link changed
 * @type: PCIe port type (PCI_EXP_TYPE_*)
 * @reason: the kernel's reason for re-reading the link
 * @cur_speed: enum pci_bus_speed now (0x14 2.5 GT/s ... 0x19 64 GT/s)
 * @max_speed: enum pci_bus_speed the link can do
 * @width: negotiated width, lanes
 * @flit_mode: the link runs in Flit mode
 * @link_status: Link Status register bits
 * @time_mono_ns: CLOCK_MONOTONIC of the event
 */
struct gpumon_pcie_link_rec {
	char port[32];
	unsigned int type;
	unsigned int reason;
	unsigned int cur_speed;
	unsigned int max_speed;
	unsigned int width;
	unsigned int flit_mode;
	unsigned int link_status;
	uint64_t time_mono_ns;
};

/**
 * struct gpumon_pci_hp_rec - one pci:pci_hp_event (Linux 7.0+).
 * @port: BDF of the hotplug port
 * @slot: the slot's name
 * @event: 0 LINK_UP, 1 LINK_DOWN, 2 CARD_PRESENT, 3 CARD_NOT_PRESENT
 * @time_mono_ns: CLOCK_MONOTONIC of the event
 */
struct gpumon_pci_hp_rec {
	char port[32];
	char slot[16];
	int event;
	uint64_t time_mono_ns;
};

/**
 * struct gpumon_bpf_xid_rec - an Xid seen by the kprobe on nvidia.ko.
 * @xid: the Xid number, from the probed function's arguments
 * @pid: process current when the driver reported it
 * @comm: its name
 * @msg: the driver's message when the probed function has it, else ""
 * @time_mono_ns: CLOCK_MONOTONIC of the event
 */
struct gpumon_bpf_xid_rec {
	unsigned int xid;
	unsigned int pid;
	char comm[16];
	char msg[96];
	uint64_t time_mono_ns;
};

/**
 * struct gpumon_bpf_ops - callbacks for ring buffer records.
 * @aer: one ras:aer_event; @rec->seq is 0 and @rec->time_real_ns 0
 * @thermal: one thermal tracepoint record
 * @pcie_link: one pci:pcie_link_event
 * @pci_hp: one pci:pci_hp_event
 * @xid: one Xid from the NVIDIA driver's kprobe
 *
 * Any callback may be NULL: its records are then read and dropped.
 */
struct gpumon_bpf_ops {
	void (*aer)(void *ctx, const struct gpumon_aer_rec *rec);
	void (*thermal)(void *ctx, const struct gpumon_thermal_rec *rec);
	void (*pcie_link)(void *ctx, const struct gpumon_pcie_link_rec *rec);
	void (*pci_hp)(void *ctx, const struct gpumon_pci_hp_rec *rec);
	void (*xid)(void *ctx, const struct gpumon_bpf_xid_rec *rec);
};

/**
 * struct gpumon_bpf_prog_info - one program as shown to the operator.
 * @name: short name ("aer", "thermal_temperature", "nv_xid")
 * @hook: where it attaches ("ras:aer_event", "kprobe:krcReportXid_IMPL")
 * @on: attached and running
 * @why: when off, why (one sentence)
 * @events: records (for thermal_apic_entry: interrupts) it delivered
 * @drops: records it lost because the ring buffer was full
 * @stats: @run_cnt and @run_time_ns are valid (kernel.bpf_stats_enabled)
 * @run_cnt: runs of the program, from the kernel's BPF statistics
 * @run_time_ns: time spent in it, ns
 */
struct gpumon_bpf_prog_info {
	char name[24];
	char hook[80];
	bool on;
	char why[160];
	uint64_t events;
	uint64_t drops;
	bool stats;
	uint64_t run_cnt;
	uint64_t run_time_ns;
};

/* Number of programs gpumon_bpf_progs() reports. */
#define GPUMON_BPF_NPROGS	8

/*
 * Environment variable naming the NVIDIA function to probe for Xids, as
 * SYMBOL:XID_ARG[:MSG_ARG] (1-based argument positions), for drivers
 * that renamed it; without it the known names are tried in order.
 */
#define GPUMON_BPF_XID_ENV	"GPUMON_BPF_XID_KPROBE"

struct gpumon_bpf;

/**
 * gpumon_bpf_open() - load and attach the programs.
 * @why: on failure, a sentence saying why (no BTF, no tracepoint,
 *	no permission)
 * @whylen: size of @why
 * Return: 0 or -errno.
 */
int gpumon_bpf_open(struct gpumon_bpf **out, const struct gpumon_bpf_ops *ops,
		    void *ctx, char *why, size_t whylen);
/** gpumon_bpf_fd() - epoll fd of the ring buffer, to poll for POLLIN. */
int gpumon_bpf_fd(struct gpumon_bpf *b);
/** gpumon_bpf_process() - consume every record. Return: count or -errno. */
int gpumon_bpf_process(struct gpumon_bpf *b);
/** gpumon_bpf_drops() - records lost because the ring buffer was full. */
uint64_t gpumon_bpf_drops(struct gpumon_bpf *b);
/**
 * gpumon_bpf_skipped() - records read but not passed on (unknown type,
 * too short, undefined severity); none are expected.
 */
uint64_t gpumon_bpf_skipped(struct gpumon_bpf *b);
size_t gpumon_bpf_progs(struct gpumon_bpf *b, struct gpumon_bpf_prog_info *out,
			size_t n);
int gpumon_bpf_thermal_irqs(struct gpumon_bpf *b, uint64_t *out, int n);
void gpumon_bpf_close(struct gpumon_bpf *b);

#endif
