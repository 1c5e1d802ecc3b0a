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

#endif /* GPUMON_CORE_FIXES_H */
