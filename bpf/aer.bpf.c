// SPDX-License-Identifier: GPL-2.0-only
/*
 * aer.bpf.c - PCIe AER errors, with their TLP header log, from the
 * ras:aer_event tracepoint, into the shared ring buffer.
 *
 * The trace record layout (dev_name, status, severity, tlp_header_valid,
 * tlp_header[4]) is the same on 6.1 and 6.12; fields are read through
 * CO-RE, so offsets follow the running kernel's BTF.  Kernels with the
 * bus_type field (core_fixes.h) also give "PCIe" or "CXL".
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "core_fixes.h"
#include "events.h"

char LICENSE[] SEC("license") = "GPL";

/* Options, written through the skeleton's rodata before load. */
const volatile bool aer_enabled = true;

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

static __always_inline void count_drop(__u32 prog)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &prog);

	if (n)
		__sync_fetch_and_add(n, 1);
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

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(GPUMON_BPF_PROG_AER);
		return 0;
	}

	e->hdr.type = GPUMON_BPF_EV_AER;
	e->hdr.len = sizeof(*e);
	e->hdr.cpu = bpf_get_smp_processor_id();
	e->hdr.ts_ns = bpf_ktime_get_ns();
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
