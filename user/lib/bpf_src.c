// SPDX-License-Identifier: GPL-2.0-only
/*
 * bpf_src.c - load the eBPF programs of bpf/probes.bpf.c through their
 * one skeleton and read their records from the one ring buffer.
 *
 * Each program is checked before load against the running kernel (its
 * tracepoint's btf_trace_* typedef in the kernel BTF and its tracefs
 * entry; for the NVIDIA kprobe, a known symbol of nvidia.ko in
 * /proc/kallsyms).  One whose hook is absent, that the verifier refuses
 * or that fails to attach is left off with a sentence saying why, and
 * the rest run.
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
#include "probes.skel.h"

/**
 * struct prog_desc - what gpumon needs to know of one program.
 * @name: short name, shown to the operator
 * @tp: tracepoint "system:event", or NULL for the NVIDIA kprobe
 * @absent: why a kernel may lack the tracepoint
 */
struct prog_desc {
	const char *name;
	const char *tp;
	const char *absent;
};

static const struct prog_desc descs[GPUMON_BPF_PROG_NR] = {
	[GPUMON_BPF_PROG_AER] = {
		"aer", "ras:aer_event",
		"kernel built without CONFIG_PCIEAER",
	},
	[GPUMON_BPF_PROG_THERMAL_TEMP] = {
		"thermal_temperature", "thermal:thermal_temperature",
		"kernel built without CONFIG_THERMAL",
	},
	[GPUMON_BPF_PROG_THERMAL_TRIP] = {
		"thermal_zone_trip", "thermal:thermal_zone_trip",
		"kernel built without CONFIG_THERMAL",
	},
	[GPUMON_BPF_PROG_CDEV_UPDATE] = {
		"cdev_update", "thermal:cdev_update",
		"kernel built without CONFIG_THERMAL",
	},
	[GPUMON_BPF_PROG_THERMAL_IRQ] = {
		"thermal_irq", "irq_vectors:thermal_apic_entry",
		"no x86 thermal interrupt vector (CONFIG_X86_THERMAL_VECTOR) or not x86",
	},
	[GPUMON_BPF_PROG_PCIE_LINK] = {
		"pcie_link", "pci:pcie_link_event",
		"the tracepoint came with Linux 7.0",
	},
	[GPUMON_BPF_PROG_PCI_HP] = {
		"pci_hotplug", "pci:pci_hp_event",
		"the tracepoint came with Linux 7.0",
	},
	[GPUMON_BPF_PROG_NV_XID] = {
		"nv_xid", NULL, NULL,
	},
};

/*
 * The NVIDIA driver's Xid reporting functions, in the order tried, from
 * NVIDIA's open-gpu-kernel-modules: krcReportXid_IMPL(pGpu, pKernelRc,
 * exceptType, pMsg) prints "NVRM: Xid (PCI:...): N, pid=..., name=...,
 * msg"; nvErrorLog(pGpu, num, fmt, va_list) formats the message and calls
 * it; nvErrorLog_va(pGpu, num, fmt, ...) is the variadic wrapper most
 * callers use.  Only one is probed, so an Xid is seen once.
 */
static const struct xid_sym {
	const char *sym;
	unsigned int xid_arg;
	unsigned int msg_arg;
} xid_syms[] = {
	{ "krcReportXid_IMPL", 3, 4 },
	{ "nvErrorLog", 2, 0 },
	{ "nvErrorLog_va", 2, 0 },
};

_Static_assert(GPUMON_BPF_NPROGS == GPUMON_BPF_PROG_NR,
	       "bpf_src.h and events.h disagree on the number of programs");

struct prog_state {
	bool want;		/* autoload: the kernel has its hook */
	bool on;		/* attached */
	char why[160];
	char hook[80];
	struct bpf_link *link;
	uint64_t events;
};

struct gpumon_bpf {
	struct probes_bpf *skel;
	struct ring_buffer *rb;
	struct gpumon_bpf_ops ops;
	void *ctx;
	int ncpus;
	uint64_t *percpu;	/* scratch for per-CPU maps, ncpus slots */
	uint64_t skipped;	/* records of unknown type, short or bad */
	struct prog_state prog[GPUMON_BPF_PROG_NR];
	char xid_sym[64];
	unsigned int xid_arg;
	unsigned int xid_msg_arg;
	unsigned int budget;	/* records left in this gpumon_bpf_process() */
};

/*
 * Records handled per gpumon_bpf_process() call at most, so that a storm
 * (or a record whose handling makes the next one) cannot keep the
 * daemon's loop from its timer; the rest wait for the next call.
 */
#define PROCESS_BUDGET	4096

/*
 * The most telling warning libbpf printed during gpumon_bpf_open():
 * a CO-RE relocation it could not resolve or the verifier's complaint
 * when there is one, else its last warning that is not a mere "failed
 * to load" summary.  Single-threaded use, like libbpf's print hook.
 */
static char libbpf_best[256];
static char libbpf_last[256];
static char libbpf_prog[64];	/* program named in the last failure */

static void keep(char *dst, const char *line, size_t n)
{
	if (n >= sizeof(libbpf_last))
		n = sizeof(libbpf_last) - 1;
	memcpy(dst, line, n);
	dst[n] = '\0';
}

/* "prog 'handle_x': BPF program load failed": remember handle_x. */
static void keep_prog(const char *line, size_t n)
{
	const char *p = memmem(line, n, "prog '", 6), *q;

	if (!p)
		return;
	p += 6;
	q = memchr(p, '\'', n - (p - line));
	if (!q || (size_t)(q - p) >= sizeof(libbpf_prog))
		return;
	memcpy(libbpf_prog, p, q - p);
	libbpf_prog[q - p] = '\0';
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
		keep_prog(line, n);
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

/* Copy a NUL-terminated string of at most @srclen into @dst of @dstlen. */
static void copy_str(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t n = strnlen(src, srclen);

	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void handle_thermal(struct gpumon_bpf *b,
			   const struct gpumon_bpf_thermal *e)
{
	struct gpumon_thermal_rec rec;

	memset(&rec, 0, sizeof(rec));
	rec.kind = e->hdr.type == GPUMON_BPF_EV_THERMAL_TEMP ?
		   GPUMON_THERMAL_TEMP : GPUMON_THERMAL_TRIP;
	copy_str(rec.name, sizeof(rec.name), e->zone, sizeof(e->zone));
	rec.zone_id = e->id;
	rec.temp_mc = e->temp;
	rec.temp_prev_mc = e->temp_prev;
	rec.trip = e->trip;
	rec.trip_type = e->trip_type;
	rec.time_mono_ns = e->hdr.ts_ns;
	if (b->ops.thermal)
		b->ops.thermal(b->ctx, &rec);
}

static void handle_cdev(struct gpumon_bpf *b, const struct gpumon_bpf_cdev *e)
{
	struct gpumon_thermal_rec rec;

	memset(&rec, 0, sizeof(rec));
	rec.kind = GPUMON_THERMAL_CDEV;
	copy_str(rec.name, sizeof(rec.name), e->type, sizeof(e->type));
	rec.zone_id = -1;
	rec.cdev_state = e->target;
	rec.time_mono_ns = e->hdr.ts_ns;
	if (b->ops.thermal)
		b->ops.thermal(b->ctx, &rec);
}

static void handle_pcie_link(struct gpumon_bpf *b,
			     const struct gpumon_bpf_pcie_link *e)
{
	struct gpumon_pcie_link_rec rec;

	memset(&rec, 0, sizeof(rec));
	copy_str(rec.port, sizeof(rec.port), e->port_name,
		 sizeof(e->port_name));
	rec.type = e->type;
	rec.reason = e->reason;
	rec.cur_speed = e->cur_bus_speed;
	rec.max_speed = e->max_bus_speed;
	rec.width = e->width;
	rec.flit_mode = e->flit_mode;
	rec.link_status = e->link_status;
	rec.time_mono_ns = e->hdr.ts_ns;
	if (b->ops.pcie_link)
		b->ops.pcie_link(b->ctx, &rec);
}

static void handle_pci_hp(struct gpumon_bpf *b,
			  const struct gpumon_bpf_pci_hp *e)
{
	struct gpumon_pci_hp_rec rec;

	memset(&rec, 0, sizeof(rec));
	copy_str(rec.port, sizeof(rec.port), e->port_name,
		 sizeof(e->port_name));
	copy_str(rec.slot, sizeof(rec.slot), e->slot, sizeof(e->slot));
	rec.event = e->event;
	rec.time_mono_ns = e->hdr.ts_ns;
	if (b->ops.pci_hp)
		b->ops.pci_hp(b->ctx, &rec);
}

static void handle_xid(struct gpumon_bpf *b, const struct gpumon_bpf_xid *e)
{
	struct gpumon_bpf_xid_rec rec;

	memset(&rec, 0, sizeof(rec));
	rec.xid = e->xid;
	rec.pid = e->pid;
	copy_str(rec.comm, sizeof(rec.comm), e->comm, sizeof(e->comm));
	copy_str(rec.msg, sizeof(rec.msg), e->msg, sizeof(e->msg));
	rec.time_mono_ns = e->hdr.ts_ns;
	if (b->ops.xid)
		b->ops.xid(b->ctx, &rec);
}

/* Record type -> the program that writes it, and the size it needs. */
static const struct {
	int prog;
	size_t size;
} rec_types[] = {
	[GPUMON_BPF_EV_AER] = {
		GPUMON_BPF_PROG_AER, sizeof(struct gpumon_bpf_aer) },
	[GPUMON_BPF_EV_THERMAL_TEMP] = {
		GPUMON_BPF_PROG_THERMAL_TEMP, sizeof(struct gpumon_bpf_thermal) },
	[GPUMON_BPF_EV_THERMAL_TRIP] = {
		GPUMON_BPF_PROG_THERMAL_TRIP, sizeof(struct gpumon_bpf_thermal) },
	[GPUMON_BPF_EV_CDEV_UPDATE] = {
		GPUMON_BPF_PROG_CDEV_UPDATE, sizeof(struct gpumon_bpf_cdev) },
	[GPUMON_BPF_EV_PCIE_LINK] = {
		GPUMON_BPF_PROG_PCIE_LINK, sizeof(struct gpumon_bpf_pcie_link) },
	[GPUMON_BPF_EV_PCI_HP] = {
		GPUMON_BPF_PROG_PCI_HP, sizeof(struct gpumon_bpf_pci_hp) },
	[GPUMON_BPF_EV_XID] = {
		GPUMON_BPF_PROG_NV_XID, sizeof(struct gpumon_bpf_xid) },
};

static int handle_record(void *ctx, void *data, size_t size)
{
	struct gpumon_bpf *b = ctx;
	const struct gpumon_bpf_hdr *h = data;
	size_t ntypes = sizeof(rec_types) / sizeof(rec_types[0]);

	if (size < sizeof(*h) || h->len > size || !h->type ||
	    h->type >= ntypes || h->len < rec_types[h->type].size) {
		b->skipped++;
		return 0;
	}
	b->prog[rec_types[h->type].prog].events++;
	switch (h->type) {
	case GPUMON_BPF_EV_AER:
		handle_aer(b, data);
		break;
	case GPUMON_BPF_EV_THERMAL_TEMP:
	case GPUMON_BPF_EV_THERMAL_TRIP:
		handle_thermal(b, data);
		break;
	case GPUMON_BPF_EV_CDEV_UPDATE:
		handle_cdev(b, data);
		break;
	case GPUMON_BPF_EV_PCIE_LINK:
		handle_pcie_link(b, data);
		break;
	case GPUMON_BPF_EV_PCI_HP:
		handle_pci_hp(b, data);
		break;
	case GPUMON_BPF_EV_XID:
		handle_xid(b, data);
		break;
	}
	/* this record is consumed; a negative return stops libbpf here */
	return --b->budget ? 0 : -EAGAIN;
}

static struct bpf_program *prog_of(struct probes_bpf *s, int id)
{
	switch (id) {
	case GPUMON_BPF_PROG_AER:
		return s->progs.handle_aer_event;
	case GPUMON_BPF_PROG_THERMAL_TEMP:
		return s->progs.handle_thermal_temperature;
	case GPUMON_BPF_PROG_THERMAL_TRIP:
		return s->progs.handle_thermal_zone_trip;
	case GPUMON_BPF_PROG_CDEV_UPDATE:
		return s->progs.handle_cdev_update;
	case GPUMON_BPF_PROG_THERMAL_IRQ:
		return s->progs.handle_thermal_apic_entry;
	case GPUMON_BPF_PROG_PCIE_LINK:
		return s->progs.handle_pcie_link_event;
	case GPUMON_BPF_PROG_PCI_HP:
		return s->progs.handle_pci_hp_event;
	case GPUMON_BPF_PROG_NV_XID:
		return s->progs.handle_nv_xid;
	}
	return NULL;
}

/* The tracepoint's directory in tracefs exists (libbpf reads its id). */
static bool tracefs_has(const char *tp)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[160], sys[32];
	const char *colon = strchr(tp, ':');
	size_t i;

	if (!colon || (size_t)(colon - tp) >= sizeof(sys))
		return false;
	memcpy(sys, tp, colon - tp);
	sys[colon - tp] = '\0';
	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i],
			 sys, colon + 1);
		if (access(path, R_OK) == 0)
			return true;
	}
	return false;
}

/*
 * Whether the kernel has a tracepoint: its BTF has the btf_trace_<event>
 * typedef for every tracepoint built in, and libbpf finds its id in
 * tracefs.
 */
static void check_tracepoint(struct prog_state *ps, const struct btf *btf,
			     const struct prog_desc *d)
{
	char name[80];

	snprintf(ps->hook, sizeof(ps->hook), "%s", d->tp);
	snprintf(name, sizeof(name), "btf_trace_%s", strchr(d->tp, ':') + 1);
	if (btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) < 0) {
		snprintf(ps->why, sizeof(ps->why),
			 "tracepoint %s not in this kernel: %s", d->tp,
			 d->absent);
		return;
	}
	if (!tracefs_has(d->tp)) {
		snprintf(ps->why, sizeof(ps->why),
			 "tracepoint %s not found in tracefs: mount tracefs on /sys/kernel/tracing",
			 d->tp);
		return;
	}
	ps->want = true;
}

/* Is @sym a function of module @mod ("" for any) in /proc/kallsyms? */
static bool kallsyms_has(const char *sym, const char *mod)
{
	char line[512], name[256], owner[64];
	bool found = false;
	FILE *f;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		owner[0] = '\0';
		if (sscanf(line, "%*s %*c %255s [%63[^]]]", name, owner) < 1)
			continue;
		found = !strcmp(name, sym) && (!*mod || !strcmp(owner, mod));
	}
	fclose(f);
	return found;
}

/*
 * Pick the NVIDIA function to probe: GPUMON_BPF_XID_ENV when set, else
 * the first of xid_syms in nvidia.ko.
 */
static void check_xid(struct gpumon_bpf *b)
{
	struct prog_state *ps = &b->prog[GPUMON_BPF_PROG_NV_XID];
	const char *env = getenv(GPUMON_BPF_XID_ENV);
	unsigned int xa = 0, ma = 0;
	char sym[64];
	size_t i;

	snprintf(ps->hook, sizeof(ps->hook), "kprobe:%s", xid_syms[0].sym);
	if (env && *env) {
		if (sscanf(env, "%63[^:]:%u:%u", sym, &xa, &ma) < 2 ||
		    xa < 1 || xa > 5 || ma > 5) {
			snprintf(ps->why, sizeof(ps->why),
				 "%s=\"%.60s\" is not SYMBOL:XID_ARG[:MSG_ARG] with arguments 1-5",
				 GPUMON_BPF_XID_ENV, env);
			return;
		}
		snprintf(ps->hook, sizeof(ps->hook), "kprobe:%s", sym);
		if (!kallsyms_has(sym, "")) {
			snprintf(ps->why, sizeof(ps->why),
				 "%s names %s, which is not in /proc/kallsyms",
				 GPUMON_BPF_XID_ENV, sym);
			return;
		}
		goto found;
	}
	if (access("/sys/module/nvidia", F_OK)) {
		snprintf(ps->why, sizeof(ps->why),
			 "nvidia.ko is not loaded (the kmsg source still reads the Xids it logs)");
		return;
	}
	for (i = 0; i < sizeof(xid_syms) / sizeof(xid_syms[0]); i++) {
		if (kallsyms_has(xid_syms[i].sym, "nvidia")) {
			snprintf(sym, sizeof(sym), "%s", xid_syms[i].sym);
			xa = xid_syms[i].xid_arg;
			ma = xid_syms[i].msg_arg;
			goto found;
		}
	}
	snprintf(ps->why, sizeof(ps->why),
		 "nvidia.ko has none of krcReportXid_IMPL, nvErrorLog, nvErrorLog_va in /proc/kallsyms (closed driver with hidden symbols?)");
	return;
found:
	snprintf(b->xid_sym, sizeof(b->xid_sym), "%s", sym);
	snprintf(ps->hook, sizeof(ps->hook), "kprobe:%s", sym);
	b->xid_arg = xa;
	b->xid_msg_arg = ma;
	ps->want = true;
}

/*
 * Say why the programs cannot run here before libbpf tries: no kernel
 * BTF stops them all; a tracepoint or symbol the kernel lacks turns its
 * program off (bpf_program__set_autoload(false)) and the rest still run.
 */
static int precheck(struct gpumon_bpf *b, char *why, size_t whylen)
{
	struct btf *btf;
	int err, i;

	btf = btf__load_vmlinux_btf();
	if (!btf) {
		err = errno ? -errno : -ENOENT;
		set_why(why, whylen,
			"BTF not available: kernel built without CONFIG_DEBUG_INFO_BTF (no /sys/kernel/btf/vmlinux): %s",
			strerror(-err));
		return -EOPNOTSUPP;
	}
	for (i = 0; i < GPUMON_BPF_PROG_NR; i++)
		if (descs[i].tp)
			check_tracepoint(&b->prog[i], btf, &descs[i]);
	btf__free(btf);
	check_xid(b);
	for (i = 0; i < GPUMON_BPF_PROG_NR; i++)
		if (b->prog[i].want)
			return 0;
	set_why(why, whylen, "no program can attach on this kernel: %s",
		b->prog[GPUMON_BPF_PROG_AER].why);
	return -ENOENT;
}

static bool is_perm(int err)
{
	return err == -EPERM || err == -EACCES;
}

static int load_error(int err, char *why, size_t whylen)
{
	if (is_perm(err))
		set_why(why, whylen,
			"permission denied: needs CAP_BPF/CAP_PERFMON or root");
	else
		set_why(why, whylen, "cannot load the BPF programs: %s: %s",
			strerror(-err), detail());
	return err;
}

/* The program libbpf named in its last failure, or -1. */
static int failed_prog(struct probes_bpf *s)
{
	int i;

	for (i = 0; i < GPUMON_BPF_PROG_NR; i++)
		if (!strcmp(bpf_program__name(prog_of(s, i)), libbpf_prog))
			return i;
	return -1;
}

/*
 * Open and load the skeleton with the wanted programs.  A program the
 * verifier rejects on this kernel is turned off, with the verifier's
 * word, and the rest are loaded again without it.
 */
static int load(struct gpumon_bpf *b, char *why, size_t whylen)
{
	int err, i, bad, tries;

	for (tries = 0; tries <= GPUMON_BPF_PROG_NR; tries++) {
		libbpf_best[0] = '\0';
		libbpf_last[0] = '\0';
		libbpf_prog[0] = '\0';
		b->skel = probes_bpf__open();
		if (!b->skel) {
			err = errno ? -errno : -EINVAL;
			set_why(why, whylen,
				"cannot open the BPF object: %s: %s",
				strerror(-err), detail());
			return err;
		}
		b->skel->rodata->aer_enabled = true;
		b->skel->rodata->thermal_enabled = true;
		b->skel->rodata->thermal_irq_enabled = true;
		b->skel->rodata->pci_enabled = true;
		b->skel->rodata->xid_enabled = true;
		b->skel->rodata->xid_arg = b->xid_arg;
		b->skel->rodata->xid_msg_arg = b->xid_msg_arg;
		for (i = 0; i < GPUMON_BPF_PROG_NR; i++)
			bpf_program__set_autoload(prog_of(b->skel, i),
						  b->prog[i].want);
		err = probes_bpf__load(b->skel);
		if (!err)
			return 0;
		bad = failed_prog(b->skel);
		if (bad < 0 || !b->prog[bad].want) {
			load_error(err, why, whylen);
			probes_bpf__destroy(b->skel);
			b->skel = NULL;
			return err;
		}
		b->prog[bad].want = false;
		snprintf(b->prog[bad].why, sizeof(b->prog[bad].why),
			 "cannot load on this kernel: %s: %s",
			 strerror(-err), detail());
		probes_bpf__destroy(b->skel);
		b->skel = NULL;
	}
	set_why(why, whylen, "cannot load any BPF program");
	return -ENOENT;
}

/* Attach every loaded program on its own; a failure turns one off. */
static int attach(struct gpumon_bpf *b, char *why, size_t whylen)
{
	struct bpf_program *p;
	struct prog_state *ps;
	int i, err = -ENOENT, on = 0;

	for (i = 0; i < GPUMON_BPF_PROG_NR; i++) {
		ps = &b->prog[i];
		if (!ps->want)
			continue;
		p = prog_of(b->skel, i);
		libbpf_best[0] = '\0';
		libbpf_last[0] = '\0';
		if (i == GPUMON_BPF_PROG_NV_XID)
			ps->link = bpf_program__attach_kprobe(p, false,
							      b->xid_sym);
		else
			ps->link = bpf_program__attach(p);
		if (!ps->link) {
			err = errno ? -errno : -EINVAL;
			snprintf(ps->why, sizeof(ps->why),
				 "cannot attach to %s: %s: %s", ps->hook,
				 strerror(-err), detail());
			continue;
		}
		ps->on = true;
		ps->why[0] = '\0';
		on++;
	}
	if (on)
		return 0;
	ps = &b->prog[GPUMON_BPF_PROG_AER];
	if (is_perm(err))
		set_why(why, whylen,
			"permission denied: needs CAP_BPF/CAP_PERFMON or root");
	else
		set_why(why, whylen, "no program attached: %s",
			ps->why);
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
 * Programs whose tracepoint or symbol this kernel lacks are not loaded,
 * and one that fails to load or attach is left off; each says why in
 * gpumon_bpf_progs().  The handle is returned while at least one runs.
 *
 * Return: 0; -EOPNOTSUPP without kernel BTF; -ENOENT when no program's
 * hook exists; -EPERM or -EACCES without privilege; other -errno.
 * Nothing is left loaded on failure.
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

	b = calloc(1, sizeof(*b));
	if (!b) {
		set_why(why, whylen, "out of memory");
		return -ENOMEM;
	}
	if (ops)
		b->ops = *ops;
	b->ctx = ctx;

	err = precheck(b, why, whylen);
	if (err)
		goto err_free;

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

	err = load(b, why, whylen);
	if (err)
		goto err_free;
	err = attach(b, why, whylen);
	if (err)
		goto err_destroy;

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
	for (int i = 0; i < GPUMON_BPF_PROG_NR; i++)
		bpf_link__destroy(b->prog[i].link);
	probes_bpf__destroy(b->skel);
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
 * gpumon_bpf_process() - consume the records waiting, without blocking.
 * @b: handle from gpumon_bpf_open()
 *
 * Takes at most PROCESS_BUDGET records; when more wait, the ring
 * buffer's descriptor stays readable and the next call goes on.
 *
 * Return: the number of records consumed, or -errno.
 */
int gpumon_bpf_process(struct gpumon_bpf *b)
{
	int ret;

	b->budget = PROCESS_BUDGET;
	ret = ring_buffer__consume(b->rb);
	if (ret == -EAGAIN && !b->budget)
		return PROCESS_BUDGET;
	return ret;
}

/* Sum over the CPUs of slot @key of the per-CPU map @map. */
static uint64_t percpu_sum(struct gpumon_bpf *b, struct bpf_map *map,
			   uint32_t key)
{
	size_t vsz = (size_t)b->ncpus * sizeof(*b->percpu);
	uint64_t sum = 0;
	int cpu;

	if (bpf_map__lookup_elem(map, &key, sizeof(key), b->percpu, vsz, 0))
		return 0;
	for (cpu = 0; cpu < b->ncpus; cpu++)
		sum += b->percpu[cpu];
	return sum;
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
	uint64_t sum = 0;
	uint32_t key;

	for (key = 0; key < GPUMON_BPF_PROG_NR; key++)
		sum += percpu_sum(b, b->skel->maps.drops, key);
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

static bool bpf_stats_on(void)
{
	char c = '0';
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "re");

	if (f) {
		if (fread(&c, 1, 1, f) != 1)
			c = '0';
		fclose(f);
	}
	return c == '1';
}

/**
 * gpumon_bpf_progs() - the state of every program.
 * @b: handle from gpumon_bpf_open()
 * @out: filled with up to @n programs, in a fixed order
 * @n: room in @out; GPUMON_BPF_NPROGS is enough
 *
 * Each says whether it runs and, when not, why; how many records it
 * delivered and lost; and, while kernel.bpf_stats_enabled is 1, the
 * kernel's count of its runs and the time spent in them.
 *
 * Return: the number of entries filled.
 */
size_t gpumon_bpf_progs(struct gpumon_bpf *b, struct gpumon_bpf_prog_info *out,
			size_t n)
{
	struct bpf_prog_info info;
	bool stats = bpf_stats_on();
	uint32_t len;
	size_t i;

	for (i = 0; i < n && i < GPUMON_BPF_PROG_NR; i++) {
		const struct prog_state *ps = &b->prog[i];
		struct gpumon_bpf_prog_info *o = &out[i];

		memset(o, 0, sizeof(*o));
		snprintf(o->name, sizeof(o->name), "%s", descs[i].name);
		snprintf(o->hook, sizeof(o->hook), "%s", ps->hook);
		o->on = ps->on;
		snprintf(o->why, sizeof(o->why), "%s", ps->why);
		o->events = ps->events;
		if (!ps->on)
			continue;
		o->drops = percpu_sum(b, b->skel->maps.drops, i);
		if (i == GPUMON_BPF_PROG_THERMAL_IRQ)
			o->events = percpu_sum(b, b->skel->maps.thermal_irqs, 0);
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (stats && !bpf_obj_get_info_by_fd(
				bpf_program__fd(prog_of(b->skel, i)), &info,
				&len)) {
			o->stats = true;
			o->run_cnt = info.run_cnt;
			o->run_time_ns = info.run_time_ns;
		}
	}
	return i;
}

/**
 * gpumon_bpf_thermal_irqs() - thermal interrupts per CPU since load.
 * @b: handle from gpumon_bpf_open()
 * @out: filled with one count per possible CPU, up to @n
 * @n: room in @out
 *
 * Return: the number of CPUs filled; 0 when the thermal_apic_entry
 * program is off; -errno when the map cannot be read.
 */
int gpumon_bpf_thermal_irqs(struct gpumon_bpf *b, uint64_t *out, int n)
{
	size_t vsz = (size_t)b->ncpus * sizeof(*b->percpu);
	uint32_t key = 0;
	int cpu;

	if (!b->prog[GPUMON_BPF_PROG_THERMAL_IRQ].on)
		return 0;
	if (bpf_map__lookup_elem(b->skel->maps.thermal_irqs, &key, sizeof(key),
				 b->percpu, vsz, 0))
		return -errno;
	for (cpu = 0; cpu < b->ncpus && cpu < n; cpu++)
		out[cpu] = b->percpu[cpu];
	return cpu;
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
	for (int i = 0; i < GPUMON_BPF_PROG_NR; i++)
		bpf_link__destroy(b->prog[i].link);
	probes_bpf__destroy(b->skel);
	free(b->percpu);
	free(b);
}
