/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * events.h - records the eBPF programs write to their one ring buffer,
 * shared by bpf/ and user/lib/bpf_src.c.
 *
 * Fixed-width plain types, no pointers, every field explicitly placed
 * (no implicit padding), so the two sides agree whatever the compiler.
 * Every record starts with struct gpumon_bpf_hdr; user space switches on
 * @type and checks @len before reading the rest.
 */
#ifndef GPUMON_BPF_EVENTS_H
#define GPUMON_BPF_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/**
 * enum gpumon_bpf_type - kind of a ring buffer record.
 * @GPUMON_BPF_EV_AER: struct gpumon_bpf_aer, from ras:aer_event
 * @GPUMON_BPF_EV_THERMAL_TEMP: struct gpumon_bpf_thermal, from
 *	thermal:thermal_temperature
 * @GPUMON_BPF_EV_THERMAL_TRIP: struct gpumon_bpf_thermal, from
 *	thermal:thermal_zone_trip
 * @GPUMON_BPF_EV_CDEV_UPDATE: struct gpumon_bpf_cdev, from
 *	thermal:cdev_update
 * @GPUMON_BPF_EV_PCIE_LINK: struct gpumon_bpf_pcie_link, from
 *	pci:pcie_link_event (Linux 7.0 and later)
 * @GPUMON_BPF_EV_PCI_HP: struct gpumon_bpf_pci_hp, from pci:pci_hp_event
 *	(Linux 7.0 and later)
 * @GPUMON_BPF_EV_XID: struct gpumon_bpf_xid, from the kprobe on the
 *	NVIDIA driver's Xid reporting function
 *
 * Thermal interrupts (irq_vectors:thermal_apic_entry) write no records:
 * they are counted per CPU in the thermal_irqs map, which user space
 * reads, so an interrupt storm cannot crowd the ring buffer.
 */
enum gpumon_bpf_type {
	GPUMON_BPF_EV_UNSPEC,
	GPUMON_BPF_EV_AER,
	GPUMON_BPF_EV_THERMAL_TEMP,
	GPUMON_BPF_EV_THERMAL_TRIP,
	GPUMON_BPF_EV_CDEV_UPDATE,
	GPUMON_BPF_EV_PCIE_LINK,
	GPUMON_BPF_EV_PCI_HP,
	GPUMON_BPF_EV_XID,
};

/**
 * enum gpumon_bpf_prog - one slot per program in the drops map.
 * @GPUMON_BPF_PROG_AER: ras:aer_event
 * @GPUMON_BPF_PROG_THERMAL_TEMP: thermal:thermal_temperature
 * @GPUMON_BPF_PROG_THERMAL_TRIP: thermal:thermal_zone_trip
 * @GPUMON_BPF_PROG_CDEV_UPDATE: thermal:cdev_update
 * @GPUMON_BPF_PROG_THERMAL_IRQ: irq_vectors:thermal_apic_entry (never
 *	drops: it only counts)
 * @GPUMON_BPF_PROG_PCIE_LINK: pci:pcie_link_event
 * @GPUMON_BPF_PROG_PCI_HP: pci:pci_hp_event
 * @GPUMON_BPF_PROG_NV_XID: kprobe on the NVIDIA driver's Xid reporting
 * @GPUMON_BPF_PROG_NR: number of slots
 */
enum gpumon_bpf_prog {
	GPUMON_BPF_PROG_AER,
	GPUMON_BPF_PROG_THERMAL_TEMP,
	GPUMON_BPF_PROG_THERMAL_TRIP,
	GPUMON_BPF_PROG_CDEV_UPDATE,
	GPUMON_BPF_PROG_THERMAL_IRQ,
	GPUMON_BPF_PROG_PCIE_LINK,
	GPUMON_BPF_PROG_PCI_HP,
	GPUMON_BPF_PROG_NV_XID,
	GPUMON_BPF_PROG_NR,
};

/* Ring buffer size; a power of two and a multiple of the page size. */
#define GPUMON_BPF_RINGBUF_SIZE	(256 * 1024)

#define GPUMON_BPF_DEV_NAME_LEN	32
#define GPUMON_BPF_BUS_TYPE_LEN	16
#define GPUMON_BPF_NAME_LEN	24	/* thermal zone, cooling device type */
#define GPUMON_BPF_SLOT_LEN	16
#define GPUMON_BPF_COMM_LEN	16
#define GPUMON_BPF_XID_MSG_LEN	96

/**
 * struct gpumon_bpf_hdr - common head of every record.
 * @type: enum gpumon_bpf_type
 * @len: size of the whole record, bytes
 * @cpu: CPU the program ran on
 * @ts_ns: bpf_ktime_get_ns(), i.e. CLOCK_MONOTONIC, ns
 */
struct gpumon_bpf_hdr {
	__u16 type;
	__u16 len;
	__u32 cpu;
	__u64 ts_ns;
};

/* Flags of struct gpumon_bpf_aer. */
#define GPUMON_BPF_AER_TLP_VALID	0x01	/* @tlp holds the header log */
#define GPUMON_BPF_AER_HAS_BUS_TYPE	0x02	/* kernel gave @bus_type */

/**
 * struct gpumon_bpf_aer - one ras:aer_event.
 * @hdr: @hdr.type is GPUMON_BPF_EV_AER
 * @status: AER correctable or uncorrectable status bits
 * @severity: the kernel's raw value (include/linux/aer.h):
 *	AER_NONFATAL 0, AER_FATAL 1, AER_CORRECTABLE 2; user space maps
 *	it to enum gpumon_aer_severity
 * @flags: GPUMON_BPF_AER_*
 * @pad: zero
 * @tlp: TLP header log, four DWs, when GPUMON_BPF_AER_TLP_VALID
 * @dev_name: dev_name() of the reporting device, NUL-terminated
 * @bus_type: "PCIe" or "CXL" on kernels whose tracepoint carries it
 *	(GPUMON_BPF_AER_HAS_BUS_TYPE), else ""
 */
struct gpumon_bpf_aer {
	struct gpumon_bpf_hdr hdr;
	__u32 status;
	__u8 severity;
	__u8 flags;
	__u8 pad[2];
	__u32 tlp[4];
	char dev_name[GPUMON_BPF_DEV_NAME_LEN];
	char bus_type[GPUMON_BPF_BUS_TYPE_LEN];
};

/**
 * struct gpumon_bpf_thermal - a thermal zone's temperature or trip crossing.
 * @hdr: @hdr.type is GPUMON_BPF_EV_THERMAL_TEMP or _THERMAL_TRIP
 * @id: thermal zone id (the N of /sys/class/thermal/thermal_zoneN)
 * @temp_prev: previous temperature, millidegrees C (TEMP only, else 0)
 * @temp: temperature, millidegrees C (TEMP only, else 0)
 * @trip: trip point index (TRIP only, else 0)
 * @trip_type: enum thermal_trip_type: 0 active, 1 passive, 2 hot,
 *	3 critical (TRIP only, else 0)
 * @zone: the zone's type ("x86_pkg_temp", "acpitz"), NUL-terminated
 */
struct gpumon_bpf_thermal {
	struct gpumon_bpf_hdr hdr;
	__u32 id;
	__s32 temp_prev;
	__s32 temp;
	__u32 trip;
	__u32 trip_type;
	__u32 pad;
	char zone[GPUMON_BPF_NAME_LEN];
};

/**
 * struct gpumon_bpf_cdev - a cooling device set to a new state.
 * @hdr: @hdr.type is GPUMON_BPF_EV_CDEV_UPDATE
 * @target: the new cooling state (0 = no cooling)
 * @type: the cooling device's type ("Processor", "intel_powerclamp")
 */
struct gpumon_bpf_cdev {
	struct gpumon_bpf_hdr hdr;
	__u64 target;
	char type[GPUMON_BPF_NAME_LEN];
};

/**
 * struct gpumon_bpf_pcie_link - a PCIe link changed (pci:pcie_link_event).
 * @hdr: @hdr.type is GPUMON_BPF_EV_PCIE_LINK
 * @type: PCIe port type of the port (PCI_EXP_TYPE_*)
 * @reason: why the kernel re-read the link (enum pcie_link_change_reason)
 * @cur_bus_speed: enum pci_bus_speed after the change
 * @max_bus_speed: enum pci_bus_speed the link can do
 * @width: negotiated link width, lanes
 * @flit_mode: 1 when the link runs in Flit mode
 * @link_status: Link Status register bits (LT, DLLLA, LBMS, LABS)
 * @port_name: pci_name() of the port, NUL-terminated
 */
struct gpumon_bpf_pcie_link {
	struct gpumon_bpf_hdr hdr;
	__u32 type;
	__u32 reason;
	__u32 cur_bus_speed;
	__u32 max_bus_speed;
	__u32 width;
	__u32 flit_mode;
	__u32 link_status;
	__u32 pad;
	char port_name[GPUMON_BPF_DEV_NAME_LEN];
};

/**
 * struct gpumon_bpf_pci_hp - a PCI hotplug event (pci:pci_hp_event).
 * @hdr: @hdr.type is GPUMON_BPF_EV_PCI_HP
 * @event: 0 LINK_UP, 1 LINK_DOWN, 2 CARD_PRESENT, 3 CARD_NOT_PRESENT
 * @pad: zero
 * @port_name: pci_name() of the hotplug port, NUL-terminated
 * @slot: the slot's name, NUL-terminated
 */
struct gpumon_bpf_pci_hp {
	struct gpumon_bpf_hdr hdr;
	__s32 event;
	__u32 pad;
	char port_name[GPUMON_BPF_DEV_NAME_LEN];
	char slot[GPUMON_BPF_SLOT_LEN];
};

/**
 * struct gpumon_bpf_xid - the NVIDIA driver reported an Xid.
 * @hdr: @hdr.type is GPUMON_BPF_EV_XID
 * @xid: the Xid number, from the function's arguments
 * @pid: thread group of the current task when the driver reported it
 * @comm: that task's name
 * @msg: the driver's message when the probed function takes one as a
 *	string (else ""), NUL-terminated, cut to fit
 */
struct gpumon_bpf_xid {
	struct gpumon_bpf_hdr hdr;
	__u32 xid;
	__u32 pid;
	char comm[GPUMON_BPF_COMM_LEN];
	char msg[GPUMON_BPF_XID_MSG_LEN];
};

#endif /* GPUMON_BPF_EVENTS_H */
