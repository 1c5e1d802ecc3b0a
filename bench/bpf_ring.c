// SPDX-License-Identifier: GPL-2.0-only
/*
 * bpf_ring.c - throughput of gpumon's BPF ring buffer on this machine:
 * a BPF program (bpf/bench_ring.bpf.c) writes one AER-sized record per
 * getppid() of this process into a ring buffer of GPUMON_BPF_RINGBUF_SIZE
 * while a second thread consumes them with libbpf's ring_buffer__poll(),
 * as gpumond does (one callback per record, wake-up on every record).
 *
 * Prints the records offered per second, delivered and dropped, the
 * program's own cost per event (kernel BPF statistics) and what it adds
 * to the syscall.  Needs root (or CAP_BPF + CAP_PERFMON) and tracefs;
 * says SKIP and exits 0 without them.
 *
 *   build/bench/bpf_ring [RECORDS]     (default 2,000,000)
 *
 * The per-event cost of gpumon's own programs on the target kernels is
 * measured in the QEMU guests: bench/bpf-vm.sh.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../bpf/events.h"
#include "bench_ring.skel.h"

static atomic_bool stop;
static uint64_t delivered;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int on_record(void *ctx, void *data, size_t size)
{
	const struct gpumon_bpf_hdr *h = data;

	if (size >= sizeof(*h) && h->type == GPUMON_BPF_EV_AER)
		delivered++;
	return 0;
}

static void *consumer(void *arg)
{
	struct ring_buffer *rb = arg;

	while (!atomic_load(&stop))
		ring_buffer__poll(rb, 100);
	while (ring_buffer__consume(rb) > 0)
		;
	return NULL;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

/* ns per getppid() over @n calls. */
static double syscall_ns(long n)
{
	double t0 = now_s();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return (now_s() - t0) * 1e9 / n;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 0) : 2000000;
	struct bench_ring_bpf *skel;
	struct bpf_prog_info info;
	struct ring_buffer *rb;
	uint32_t len = sizeof(info), key = 0;
	uint64_t *pc, drops = 0;
	double base, t0, t1, t2;
	int ncpus, stats_fd, err;
	pthread_t th;

	libbpf_set_print(quiet);
	if (geteuid() != 0) {
		printf("SKIP: bpf_ring needs root (BPF programs and tracepoints)\n");
		return 0;
	}
	skel = bench_ring_bpf__open();
	if (!skel) {
		printf("SKIP: cannot open the BPF object: %s\n", strerror(errno));
		return 0;
	}
	skel->rodata->bench_tgid = getpid();
	err = bench_ring_bpf__load(skel);
	if (!err)
		err = bench_ring_bpf__attach(skel);
	if (err) {
		printf("SKIP: cannot load or attach to syscalls:sys_enter_getppid (BTF, tracefs mounted?): %s\n",
		       strerror(-err));
		bench_ring_bpf__destroy(skel);
		return 0;
	}
	/* run_cnt and run_time_ns, while this descriptor is open */
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_record, NULL,
			      NULL);
	if (!rb) {
		printf("SKIP: cannot set up the ring buffer: %s\n",
		       strerror(errno));
		bench_ring_bpf__destroy(skel);
		return 0;
	}

	/* the syscall alone: detach, time, attach again */
	bpf_link__destroy(skel->links.bench_ring);
	skel->links.bench_ring = NULL;
	base = syscall_ns(n / 4 > 100000 ? n / 4 : n);
	if (bench_ring_bpf__attach(skel)) {
		printf("SKIP: cannot attach again\n");
		return 0;
	}

	pthread_create(&th, NULL, consumer, rb);
	t0 = now_s();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	t1 = now_s();
	atomic_store(&stop, true);
	pthread_join(th, NULL);
	t2 = now_s();

	ncpus = libbpf_num_possible_cpus();
	pc = calloc(ncpus, sizeof(*pc));
	if (pc && !bpf_map__lookup_elem(skel->maps.drops, &key, sizeof(key), pc,
					ncpus * sizeof(*pc), 0))
		for (int c = 0; c < ncpus; c++)
			drops += pc[c];
	memset(&info, 0, sizeof(info));
	bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.bench_ring), &info,
			       &len);

	printf("records of %zu bytes, ring buffer %d KiB, consumer thread with ring_buffer__poll()\n",
	       sizeof(struct gpumon_bpf_aer), GPUMON_BPF_RINGBUF_SIZE / 1024);
	printf("offered   %ld in %.3f s: %.2f M records/s\n", n, t1 - t0,
	       n / (t1 - t0) / 1e6);
	printf("delivered %llu (%.2f M records/s until drained, %.3f s), dropped %llu (%.2f%%)\n",
	       (unsigned long long)delivered, delivered / (t2 - t0) / 1e6,
	       t2 - t0, (unsigned long long)drops, 100.0 * drops / n);
	printf("accounted %s: delivered + dropped = %llu of %ld\n",
	       delivered + drops == (uint64_t)n ? "exactly" : "NOT",
	       (unsigned long long)(delivered + drops), n);
	if (stats_fd >= 0 && info.run_cnt)
		printf("program   %llu runs, %.0f ns/event (kernel BPF stats, includes the runs filtered out)\n",
		       (unsigned long long)info.run_cnt,
		       (double)info.run_time_ns / info.run_cnt);
	else
		printf("program   cost n/a (BPF_ENABLE_STATS refused)\n");
	printf("getppid() %.0f ns alone, %.0f ns with the program and a consumer\n",
	       base, (t1 - t0) * 1e9 / n);

	ring_buffer__free(rb);
	free(pc);
	if (stats_fd >= 0)
		close(stats_fd);
	bench_ring_bpf__destroy(skel);
	return delivered + drops == (uint64_t)n ? 0 : 1;
}
