// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_ring.bpf.c - load generator for bench/bpf_ring.c only (gpumond
 * never loads it): on every getppid() of the benchmark's own process,
 * write one record the size of the AER record into a ring buffer of
 * gpumon's size, the way probes.bpf.c does (reserve, fill, submit; count
 * the drop when full).  The build machines' kernels lack ras:aer_event
 * and kprobes, so this stands in to measure the ring buffer itself.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "events.h"

char LICENSE[] SEC("license") = "GPL";

/* The benchmark's process; other processes' getppid() are ignored. */
const volatile __u32 bench_tgid;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, GPUMON_BPF_RINGBUF_SIZE);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

SEC("tp/syscalls/sys_enter_getppid")
int bench_ring(void *ctx)
{
	struct gpumon_bpf_aer *e;
	__u32 key = 0;
	__u64 *n;

	if ((bpf_get_current_pid_tgid() >> 32) != bench_tgid)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		n = bpf_map_lookup_elem(&drops, &key);
		if (n)
			__sync_fetch_and_add(n, 1);
		return 0;
	}
	e->hdr.type = GPUMON_BPF_EV_AER;
	e->hdr.len = sizeof(*e);
	e->hdr.cpu = bpf_get_smp_processor_id();
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->status = 1;
	e->severity = 2;
	e->flags = 0;
	e->pad[0] = 0;
	e->pad[1] = 0;
	__builtin_memset(e->tlp, 0, sizeof(e->tlp));
	__builtin_memset(e->dev_name, 0, sizeof(e->dev_name));
	bpf_get_current_comm(e->dev_name, sizeof(e->dev_name));
	__builtin_memset(e->bus_type, 0, sizeof(e->bus_type));
	bpf_ringbuf_submit(e, 0);
	return 0;
}
