// SPDX-License-Identifier: GPL-2.0-only
/*
 * bpf_src.c - load the eBPF programs of bpf/ through their skeleton and
 * read their records from the one ring buffer.
 *
 * libbpf's own log goes to a quiet handler that keeps the last warning,
 * so a failure is reported once, as a sentence, by the caller.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf_src.h"
#include "../../bpf/events.h"
#include "aer.skel.h"

struct gpumon_bpf {
	struct aer_bpf *skel;
	struct ring_buffer *rb;
	struct gpumon_bpf_ops ops;
	void *ctx;
	int ncpus;
	uint64_t *percpu;	/* scratch for the drops map, ncpus slots */
	uint64_t skipped;	/* records of unknown type, short or bad */
};

/*
 * The most telling warning libbpf printed during gpumon_bpf_open():
 * a CO-RE relocation it could not resolve or the verifier's complaint
 * when there is one, else its last warning that is not a mere "failed
 * to load" summary.  Single-threaded use, like libbpf's print hook.
 */
static char libbpf_best[256];
static char libbpf_last[256];

static void keep(char *dst, const char *line, size_t n)
{
	if (n >= sizeof(libbpf_last))
		n = sizeof(libbpf_last) - 1;
	memcpy(dst, line, n);
	dst[n] = '\0';
}

static bool is_summary(const char *line, size_t n)
{
	static const char *const noise[] = {
		"failed to load object", "failed to load BPF skeleton",
		"PROG LOAD LOG --", "': failed to load:",
		"BPF program load failed",
	};
	size_t i;

	for (i = 0; i < sizeof(noise) / sizeof(noise[0]); i++)
		if (memmem(line, n, noise[i], strlen(noise[i])))
			return true;
	return false;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt,
		       va_list ap)
{
	size_t pos, n, len, prev = 0, prevn = 0;
	const char *line, *nl;
	char *msg;

	if (level != LIBBPF_WARN || vasprintf(&msg, fmt, ap) < 0)
		return 0;
	/* A verifier log comes as one message of many lines. */
	len = strlen(msg);
	for (pos = 0; pos < len; pos += n + 1) {
		line = msg + pos;
		nl = strchr(line, '\n');
		n = nl ? (size_t)(nl - line) : len - pos;
		if (!n)
			continue;
		if (n > 6 && strncmp(line, "failed", 6) == 0 &&
		    memmem(line, n, "CO-RE relocation", 16))
			keep(libbpf_best, line, n);
		else if (strncmp(line, "processed ", 10) == 0 && prevn &&
			 !libbpf_best[0])
			keep(libbpf_best, msg + prev, prevn);
		if (!is_summary(line, n))
			keep(libbpf_last, line, n);
		prev = pos;
		prevn = n;
	}
	free(msg);
	return 0;
}

static void set_why(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why || !whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/* The libbpf detail, when it printed one, after a sentence of ours. */
static const char *detail(void)
{
	if (libbpf_best[0])
		return libbpf_best;
	return libbpf_last[0] ? libbpf_last : "no detail from libbpf";
}

static int severity_from_kernel(uint8_t sev, enum gpumon_aer_severity *out)
{
	/* include/linux/aer.h: AER_NONFATAL 0, AER_FATAL 1, AER_CORRECTABLE 2 */
	switch (sev) {
	case 0:
		*out = GPUMON_AER_NONFATAL;
		return 0;
	case 1:
		*out = GPUMON_AER_FATAL;
		return 0;
	case 2:
		*out = GPUMON_AER_CORRECTABLE;
		return 0;
	}
	return -EINVAL;
}

static void handle_aer(struct gpumon_bpf *b, const struct gpumon_bpf_aer *e)
{
	struct gpumon_aer_rec rec;
	size_t n;

	memset(&rec, 0, sizeof(rec));
	if (severity_from_kernel(e->severity, &rec.severity)) {
		b->skipped++;
		return;
	}
	n = strnlen(e->dev_name, sizeof(e->dev_name));
	if (n >= sizeof(rec.bdf))
		n = sizeof(rec.bdf) - 1;
	memcpy(rec.bdf, e->dev_name, n);
	rec.bdf[n] = '\0';
	rec.status = e->status;
	rec.tlp_valid = e->flags & GPUMON_BPF_AER_TLP_VALID;
	if (rec.tlp_valid)
		memcpy(rec.tlp, e->tlp, sizeof(rec.tlp));
	rec.seq = 0;
	rec.time_mono_ns = e->hdr.ts_ns;
	rec.time_real_ns = 0;
	if (b->ops.aer)
		b->ops.aer(b->ctx, &rec);
}

static int handle_record(void *ctx, void *data, size_t size)
{
	struct gpumon_bpf *b = ctx;
	const struct gpumon_bpf_hdr *h = data;

	if (size < sizeof(*h) || h->len > size) {
		b->skipped++;
		return 0;
	}
	switch (h->type) {
	case GPUMON_BPF_EV_AER:
		if (h->len < sizeof(struct gpumon_bpf_aer)) {
			b->skipped++;
			break;
		}
		handle_aer(b, data);
		break;
	default:
		b->skipped++;
		break;
	}
	return 0;
}

/*
 * Say why the programs cannot run here before libbpf tries, for the
 * two usual reasons: no kernel BTF, or a kernel without PCIe AER (no
 * ras:aer_event, so no trace_event_raw_aer_event type in its BTF).
 */
static int precheck(char *why, size_t whylen)
{
	struct btf *btf;
	int err = 0;

	btf = btf__load_vmlinux_btf();
	if (!btf) {
		err = errno ? -errno : -ENOENT;
		set_why(why, whylen,
			"BTF not available: kernel built without CONFIG_DEBUG_INFO_BTF (no /sys/kernel/btf/vmlinux): %s",
			strerror(-err));
		return -EOPNOTSUPP;
	}
	if (btf__find_by_name_kind(btf, "trace_event_raw_aer_event",
				   BTF_KIND_STRUCT) < 0) {
		set_why(why, whylen,
			"tracepoint ras:aer_event not found: kernel built without CONFIG_PCIEAER");
		err = -ENOENT;
	}
	btf__free(btf);
	return err;
}

static int load_error(int err, char *why, size_t whylen)
{
	if (err == -EPERM || err == -EACCES)
		set_why(why, whylen,
			"permission denied: needs CAP_BPF/CAP_PERFMON or root");
	else
		set_why(why, whylen, "cannot load the BPF programs: %s: %s",
			strerror(-err), detail());
	return err;
}

static int attach_error(int err, char *why, size_t whylen)
{
	if (err == -ENOENT)
		set_why(why, whylen,
			"tracepoint ras:aer_event not found: kernel built without CONFIG_PCIEAER");
	else if (err == -EPERM || err == -EACCES)
		set_why(why, whylen,
			"permission denied: needs CAP_BPF/CAP_PERFMON or root");
	else
		set_why(why, whylen, "cannot attach to ras:aer_event: %s: %s",
			strerror(-err), detail());
	return err;
}

/**
 * gpumon_bpf_open() - load and attach the programs, set up the ring buffer.
 * @out: the new handle, on success
 * @ops: record callbacks, copied
 * @ctx: passed to the callbacks
 * @why: on failure, a sentence saying why
 * @whylen: size of @why
 *
 * Return: 0; -EOPNOTSUPP without kernel BTF; -ENOENT without the
 * ras:aer_event tracepoint; -EPERM or -EACCES without privilege; other
 * -errno.  Nothing is left loaded on failure.
 */
int gpumon_bpf_open(struct gpumon_bpf **out, const struct gpumon_bpf_ops *ops,
		    void *ctx, char *why, size_t whylen)
{
	struct gpumon_bpf *b;
	int err;

	*out = NULL;
	set_why(why, whylen, "%s", "");
	libbpf_best[0] = '\0';
	libbpf_last[0] = '\0';
	libbpf_set_print(quiet_print);

	err = precheck(why, whylen);
	if (err)
		return err;

	b = calloc(1, sizeof(*b));
	if (!b) {
		set_why(why, whylen, "out of memory");
		return -ENOMEM;
	}
	if (ops)
		b->ops = *ops;
	b->ctx = ctx;

	b->ncpus = libbpf_num_possible_cpus();
	if (b->ncpus <= 0) {
		err = b->ncpus ? b->ncpus : -EINVAL;
		set_why(why, whylen, "cannot count the possible CPUs: %s",
			strerror(-err));
		goto err_free;
	}
	b->percpu = calloc(b->ncpus, sizeof(*b->percpu));
	if (!b->percpu) {
		err = -ENOMEM;
		set_why(why, whylen, "out of memory");
		goto err_free;
	}

	b->skel = aer_bpf__open();
	if (!b->skel) {
		err = errno ? -errno : -EINVAL;
		set_why(why, whylen, "cannot open the BPF object: %s: %s",
			strerror(-err), detail());
		goto err_free;
	}
	b->skel->rodata->aer_enabled = true;

	err = aer_bpf__load(b->skel);
	if (err) {
		load_error(err, why, whylen);
		goto err_destroy;
	}
	err = aer_bpf__attach(b->skel);
	if (err) {
		attach_error(err, why, whylen);
		goto err_destroy;
	}

	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.events),
				 handle_record, b, NULL);
	if (!b->rb) {
		err = errno ? -errno : -EINVAL;
		set_why(why, whylen, "cannot set up the BPF ring buffer: %s: %s",
			strerror(-err), detail());
		goto err_destroy;
	}

	*out = b;
	return 0;

err_destroy:
	aer_bpf__destroy(b->skel);
err_free:
	free(b->percpu);
	free(b);
	return err;
}

/**
 * gpumon_bpf_fd() - epoll fd of the ring buffer, to poll for POLLIN.
 * @b: handle from gpumon_bpf_open()
 *
 * Return: a descriptor owned by @b.
 */
int gpumon_bpf_fd(struct gpumon_bpf *b)
{
	return ring_buffer__epoll_fd(b->rb);
}

/**
 * gpumon_bpf_process() - consume every record without blocking.
 * @b: handle from gpumon_bpf_open()
 *
 * Return: the number of records consumed, or -errno.
 */
int gpumon_bpf_process(struct gpumon_bpf *b)
{
	return ring_buffer__consume(b->rb);
}

/**
 * gpumon_bpf_drops() - records lost because the ring buffer was full.
 * @b: handle from gpumon_bpf_open()
 *
 * Sums the per-CPU drop counters of every program.
 *
 * Return: the total since the programs were loaded.
 */
uint64_t gpumon_bpf_drops(struct gpumon_bpf *b)
{
	size_t vsz = (size_t)b->ncpus * sizeof(*b->percpu);
	uint64_t sum = 0;
	uint32_t key;
	int cpu;

	for (key = 0; key < GPUMON_BPF_PROG_NR; key++) {
		if (bpf_map__lookup_elem(b->skel->maps.drops, &key,
					 sizeof(key), b->percpu, vsz, 0))
			continue;
		for (cpu = 0; cpu < b->ncpus; cpu++)
			sum += b->percpu[cpu];
	}
	return sum;
}

/**
 * gpumon_bpf_skipped() - records read but not passed on.
 * @b: handle from gpumon_bpf_open()
 *
 * Records of an unknown type, shorter than their type needs, or with a
 * severity the kernel does not define; none are expected.
 *
 * Return: the total since gpumon_bpf_open().
 */
uint64_t gpumon_bpf_skipped(struct gpumon_bpf *b)
{
	return b->skipped;
}

/**
 * gpumon_bpf_close() - detach and unload the programs, free @b.
 * @b: handle from gpumon_bpf_open(), or NULL
 */
void gpumon_bpf_close(struct gpumon_bpf *b)
{
	if (!b)
		return;
	ring_buffer__free(b->rb);
	aer_bpf__destroy(b->skel);
	free(b->percpu);
	free(b);
}
