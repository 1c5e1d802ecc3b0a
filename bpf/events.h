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
 */
enum gpumon_bpf_type {
	GPUMON_BPF_EV_UNSPEC,
	GPUMON_BPF_EV_AER,
};

/**
 * enum gpumon_bpf_prog - one slot per program in the drops map.
 * @GPUMON_BPF_PROG_AER: the ras:aer_event handler
 * @GPUMON_BPF_PROG_NR: number of slots
 */
enum gpumon_bpf_prog {
	GPUMON_BPF_PROG_AER,
	GPUMON_BPF_PROG_NR,
};

/* Ring buffer size; a power of two and a multiple of the page size. */
#define GPUMON_BPF_RINGBUF_SIZE	(256 * 1024)

#define GPUMON_BPF_DEV_NAME_LEN	32
#define GPUMON_BPF_BUS_TYPE_LEN	16

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

#endif /* GPUMON_BPF_EVENTS_H */
