// SPDX-License-Identifier: GPL-2.0-only
/*
 * probes.bpf.c - every gpumon eBPF program, one object, one skeleton, one
 * ring buffer:
 *
 *   ras:aer_event                  PCIe AER errors with their TLP header
 *   thermal:thermal_temperature    a thermal zone's temperature update
 *   thermal:thermal_zone_trip      a thermal zone crossing a trip point
 *   thermal:cdev_update            a cooling device set to a new state
 *   irq_vectors:thermal_apic_entry x86 thermal interrupts, counted per CPU
 *   pci:pcie_link_event            PCIe link changes (Linux 7.0 and later)
 *   pci:pci_hp_event               PCI hotplug events (Linux 7.0 and later)
 *   kprobe on the NVIDIA driver's Xid reporting function
 *
 * User space (user/lib/bpf_src.c) turns off, before load, the programs
 * whose tracepoint or symbol the running kernel lacks, so one missing
 * hook never stops the others.  Tracepoint records are read through
 * CO-RE, so field offsets follow the running kernel's BTF; fields that
 * came or moved between versions are in core_fixes.h.
 *
 * Every handler that writes a record: reserve, fill, submit; when the
 * ring buffer is full, count the drop in the program's per-CPU slot.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "core_fixes.h"
#include "events.h"

char LICENSE[] SEC("license") = "GPL";

/* Options, written through the skeleton's rodata before load. */
const volatile bool aer_enabled = true;
const volatile bool thermal_enabled = true;
const volatile bool thermal_irq_enabled = true;
const volatile bool pci_enabled = true;
const volatile bool xid_enabled = true;
/* Argument positions (1-based) of the Xid number and message string of
 * the probed NVIDIA function; 0 = that function has no message string. */
const volatile __u32 xid_arg = 3;
const volatile __u32 xid_msg_arg = 4;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, GPUMON_BPF_RINGBUF_SIZE);
} events SEC(".maps");

/* Records lost because the ring buffer was full, one slot per program. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GPUMON_BPF_PROG_NR);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* Thermal interrupts seen by each CPU since load. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} thermal_irqs SEC(".maps");

static __always_inline void count_drop(__u32 prog)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &prog);

	if (n)
		__sync_fetch_and_add(n, 1);
}

/* Reserve a zeroed record of @size, with its header filled in. */
static __always_inline void *reserve(__u32 prog, __u16 type, __u32 size)
{
	struct gpumon_bpf_hdr *h;

	h = bpf_ringbuf_reserve(&events, size, 0);
	if (!h) {
		count_drop(prog);
		return NULL;
	}
	h->type = type;
	h->len = size;
	h->cpu = bpf_get_smp_processor_id();
	h->ts_ns = bpf_ktime_get_ns();
	return h;
}

/*
 * A __data_loc field holds the string's offset from the start of the
 * record in its low 16 bits and its length (with the NUL) in the high
 * 16 bits.
 */
static __always_inline void read_data_loc(char *dst, __u32 size, void *ctx,
					  __u32 loc)
{
	if (!(loc >> 16)) {
		dst[0] = '\0';
		return;
	}
	bpf_probe_read_kernel_str(dst, size, ctx + (loc & 0xffff));
}

SEC("tp/ras/aer_event")
int handle_aer_event(struct trace_event_raw_aer_event *ctx)
{
	struct trace_event_raw_aer_event___new *nctx = (void *)ctx;
	struct gpumon_bpf_aer *e;
	__u8 flags = 0;

	if (!aer_enabled)
		return 0;

	e = reserve(GPUMON_BPF_PROG_AER, GPUMON_BPF_EV_AER, sizeof(*e));
	if (!e)
		return 0;
	e->status = ctx->status;
	e->severity = ctx->severity;
	if (ctx->tlp_header_valid)
		flags |= GPUMON_BPF_AER_TLP_VALID;
	e->pad[0] = 0;
	e->pad[1] = 0;
	e->tlp[0] = ctx->tlp_header[0];
	e->tlp[1] = ctx->tlp_header[1];
	e->tlp[2] = ctx->tlp_header[2];
	e->tlp[3] = ctx->tlp_header[3];
	__builtin_memset(e->dev_name, 0, sizeof(e->dev_name));
	read_data_loc(e->dev_name, sizeof(e->dev_name), ctx,
		      ctx->__data_loc_dev_name);
	__builtin_memset(e->bus_type, 0, sizeof(e->bus_type));
	if (bpf_core_field_exists(nctx->__data_loc_bus_type)) {
		read_data_loc(e->bus_type, sizeof(e->bus_type), ctx,
			      nctx->__data_loc_bus_type);
		flags |= GPUMON_BPF_AER_HAS_BUS_TYPE;
	}
	e->flags = flags;

	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/thermal/thermal_temperature")
int handle_thermal_temperature(struct trace_event_raw_thermal_temperature *ctx)
{
	struct gpumon_bpf_thermal *e;

	if (!thermal_enabled)
		return 0;
	e = reserve(GPUMON_BPF_PROG_THERMAL_TEMP, GPUMON_BPF_EV_THERMAL_TEMP,
		    sizeof(*e));
	if (!e)
		return 0;
	e->id = ctx->id;
	e->temp_prev = ctx->temp_prev;
	e->temp = ctx->temp;
	e->trip = 0;
	e->trip_type = 0;
	e->pad = 0;
	__builtin_memset(e->zone, 0, sizeof(e->zone));
	read_data_loc(e->zone, sizeof(e->zone), ctx,
		      ctx->__data_loc_thermal_zone);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/thermal/thermal_zone_trip")
int handle_thermal_zone_trip(struct trace_event_raw_thermal_zone_trip *ctx)
{
	struct gpumon_bpf_thermal *e;

	if (!thermal_enabled)
		return 0;
	e = reserve(GPUMON_BPF_PROG_THERMAL_TRIP, GPUMON_BPF_EV_THERMAL_TRIP,
		    sizeof(*e));
	if (!e)
		return 0;
	e->id = ctx->id;
	e->temp_prev = 0;
	e->temp = 0;
	e->trip = ctx->trip;
	e->trip_type = ctx->trip_type;
	e->pad = 0;
	__builtin_memset(e->zone, 0, sizeof(e->zone));
	read_data_loc(e->zone, sizeof(e->zone), ctx,
		      ctx->__data_loc_thermal_zone);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/thermal/cdev_update")
int handle_cdev_update(struct trace_event_raw_cdev_update *ctx)
{
	struct gpumon_bpf_cdev *e;

	if (!thermal_enabled)
		return 0;
	e = reserve(GPUMON_BPF_PROG_CDEV_UPDATE, GPUMON_BPF_EV_CDEV_UPDATE,
		    sizeof(*e));
	if (!e)
		return 0;
	e->target = ctx->target;
	__builtin_memset(e->type, 0, sizeof(e->type));
	read_data_loc(e->type, sizeof(e->type), ctx, ctx->__data_loc_type);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/*
 * Thermal interrupts come per CPU and in bursts while a package
 * throttles: count them where they land; user space reads the counts
 * (and notices growth) once a second.
 */
SEC("tp/irq_vectors/thermal_apic_entry")
int handle_thermal_apic_entry(struct trace_event_raw_x86_irq_vector *ctx)
{
	__u32 key = 0;
	__u64 *n;

	if (!thermal_irq_enabled)
		return 0;
	n = bpf_map_lookup_elem(&thermal_irqs, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

SEC("tp/pci/pcie_link_event")
int handle_pcie_link_event(void *ctx)
{
	struct trace_event_raw_pcie_link_event___gpumon *r = ctx;
	struct gpumon_bpf_pcie_link *e;

	if (!pci_enabled)
		return 0;
	e = reserve(GPUMON_BPF_PROG_PCIE_LINK, GPUMON_BPF_EV_PCIE_LINK,
		    sizeof(*e));
	if (!e)
		return 0;
	e->type = BPF_CORE_READ(r, type);
	e->reason = BPF_CORE_READ(r, reason);
	e->cur_bus_speed = BPF_CORE_READ(r, cur_bus_speed);
	e->max_bus_speed = BPF_CORE_READ(r, max_bus_speed);
	e->width = BPF_CORE_READ(r, width);
	e->flit_mode = BPF_CORE_READ(r, flit_mode);
	e->link_status = BPF_CORE_READ(r, link_status);
	e->pad = 0;
	__builtin_memset(e->port_name, 0, sizeof(e->port_name));
	read_data_loc(e->port_name, sizeof(e->port_name), ctx,
		      BPF_CORE_READ(r, __data_loc_port_name));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/pci/pci_hp_event")
int handle_pci_hp_event(void *ctx)
{
	struct trace_event_raw_pci_hp_event___gpumon *r = ctx;
	struct gpumon_bpf_pci_hp *e;

	if (!pci_enabled)
		return 0;
	e = reserve(GPUMON_BPF_PROG_PCI_HP, GPUMON_BPF_EV_PCI_HP, sizeof(*e));
	if (!e)
		return 0;
	e->event = BPF_CORE_READ(r, event);
	e->pad = 0;
	__builtin_memset(e->port_name, 0, sizeof(e->port_name));
	read_data_loc(e->port_name, sizeof(e->port_name), ctx,
		      BPF_CORE_READ(r, __data_loc_port_name));
	__builtin_memset(e->slot, 0, sizeof(e->slot));
	read_data_loc(e->slot, sizeof(e->slot), ctx,
		      BPF_CORE_READ(r, __data_loc_slot));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/*
 * Argument @n (1-5) of the probed function.  Read through
 * bpf_probe_read_kernel() (the _CORE accessors): a ctx access at an
 * offset chosen at run time is refused by the verifier.
 */
static __always_inline __u64 reg_arg(struct pt_regs *regs, __u32 n)
{
	switch (n) {
	case 1:
		return PT_REGS_PARM1_CORE(regs);
	case 2:
		return PT_REGS_PARM2_CORE(regs);
	case 3:
		return PT_REGS_PARM3_CORE(regs);
	case 4:
		return PT_REGS_PARM4_CORE(regs);
	case 5:
		return PT_REGS_PARM5_CORE(regs);
	}
	return 0;
}

/*
 * The NVIDIA driver's Xid reporting function (user space picks the
 * symbol from /proc/kallsyms and sets xid_arg/xid_msg_arg for it):
 * krcReportXid_IMPL(pGpu, pKernelRc, exceptType, pMsg), which prints
 * "NVRM: Xid ...", or nvErrorLog(pGpu, num, fmt, va_list) that calls it.
 * Attached with bpf_program__attach_kprobe(), hence no target here.
 */
SEC("kprobe")
int handle_nv_xid(struct pt_regs *regs)
{
	struct gpumon_bpf_xid *e;
	const char *msg;

	if (!xid_enabled)
		return 0;
	e = reserve(GPUMON_BPF_PROG_NV_XID, GPUMON_BPF_EV_XID, sizeof(*e));
	if (!e)
		return 0;
	e->xid = (__u32)reg_arg(regs, xid_arg);
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	__builtin_memset(e->msg, 0, sizeof(e->msg));
	msg = (const char *)reg_arg(regs, xid_msg_arg);
	if (xid_msg_arg && msg)
		bpf_probe_read_kernel_str(e->msg, sizeof(e->msg), msg);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
