/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core_fixes.h - shadow ("___flavor") structs for kernel types whose
 * fields changed between kernel versions, read with CO-RE.  Each names
 * the kernel change.  Include after vmlinux.h.
 */
#ifndef GPUMON_CORE_FIXES_H
#define GPUMON_CORE_FIXES_H

/*
 * Linux 7.0, "PCI/AER: Report CXL or PCIe bus type in AER trace
 * logging": ras:aer_event gains a __string(bus_type) field ("PCIe" or
 * "CXL"), stored as __data_loc like dev_name.  Absent on 6.1 and 6.12;
 * test with bpf_core_field_exists() before reading.
 */
struct trace_event_raw_aer_event___new {
	u32 __data_loc_bus_type;
} __attribute__((preserve_access_index));

/*
 * Linux 7.0, "PCI: trace: Add a RAS tracepoint to monitor link speed
 * changes" and "PCI: trace: Add a generic RAS tracepoint for hotplug
 * event": pci:pcie_link_event and pci:pci_hp_event.  Absent from the
 * 6.12 BTF that vmlinux.h is made from, so declared here in full under a
 * ___gpumon flavor (CO-RE drops the suffix when it matches the running
 * kernel's trace_event_raw_pcie_link_event); the programs are loaded only
 * where the kernel's BTF has the btf_trace_* typedef of the tracepoint.
 */
struct trace_event_raw_pcie_link_event___gpumon {
	u32 __data_loc_port_name;
	unsigned int type;
	unsigned int reason;
	unsigned int cur_bus_speed;
	unsigned int max_bus_speed;
	unsigned int width;
	unsigned int flit_mode;
	unsigned int link_status;
} __attribute__((preserve_access_index));

struct trace_event_raw_pci_hp_event___gpumon {
	u32 __data_loc_port_name;
	u32 __data_loc_slot;
	int event;
} __attribute__((preserve_access_index));

#endif /* GPUMON_CORE_FIXES_H */
