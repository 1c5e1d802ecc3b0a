// SPDX-License-Identifier: GPL-2.0-only
/*
 * model.c - gpumond's node model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "model.h"

static const char *const source_names[__GPUMON_SRC_MAX] = {
	[GPUMON_SRC_NETLINK] = "netlink",
	[GPUMON_SRC_BPF] = "bpf",
	[GPUMON_SRC_KMSG] = "kmsg",
};

static const char *const role_names[__GPUMON_ROLE_MAX] = {
	[GPUMON_ROLE_UNSPEC] = "unknown",
	[GPUMON_ROLE_GPU] = "gpu",
	[GPUMON_ROLE_NVSWITCH] = "nvswitch",
	[GPUMON_ROLE_MATCHED] = "matched",
	[GPUMON_ROLE_ROOT_PORT] = "root-port",
	[GPUMON_ROLE_SWITCH_UP] = "switch-up",
	[GPUMON_ROLE_SWITCH_DOWN] = "switch-down",
	[GPUMON_ROLE_BRIDGE] = "bridge",
};

static const char *const sev_names[__GPUMON_AER_SEV_MAX] = {
	[GPUMON_AER_CORRECTABLE] = "correctable",
	[GPUMON_AER_NONFATAL] = "nonfatal",
	[GPUMON_AER_FATAL] = "fatal",
};

const char *gpumon_source_name(enum gpumon_source s)
{
	return (unsigned int)s < __GPUMON_SRC_MAX ? source_names[s] : "?";
}

const char *gpumon_role_name(enum gpumon_role r)
{
	return (unsigned int)r < __GPUMON_ROLE_MAX ? role_names[r] : "unknown";
}

const char *gpumon_aer_sev_name(enum gpumon_aer_severity s)
{
	return (unsigned int)s < __GPUMON_AER_SEV_MAX ? sev_names[s] : "?";
}

const char *gpumon_level_name(int level)
{
	static const char *const names[] = {
		"EMERG", "ALERT", "CRIT", "ERR",
		"WARNING", "NOTICE", "INFO", "DEBUG",
	};

	return level >= 0 && level <= 7 ? names[level] : "?";
}

uint64_t gpumon_now_ns(int clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int gpumon_model_init(struct gpumon_model *m, size_t ring_cap)
{
	memset(m, 0, sizeof(*m));
	m->ring = calloc(ring_cap, sizeof(*m->ring));
	if (!m->ring)
		return -ENOMEM;
	m->ring_cap = ring_cap;
	m->next_seq = 1;
	if (gethostname(m->host, sizeof(m->host) - 1))
		snprintf(m->host, sizeof(m->host), "unknown");
	pthread_mutex_init(&m->lock, NULL);
	for (int i = 0; i < __GPUMON_SRC_MAX; i++)
		snprintf(m->src[i].why, sizeof(m->src[i].why), "not started");
	return 0;
}

void gpumon_model_fini(struct gpumon_model *m)
{
	free(m->ring);
	free(m->devs);
	free(m->cpu_thermal_irqs);
	pthread_mutex_destroy(&m->lock);
	memset(m, 0, sizeof(*m));
}

struct gpumon_dev *gpumon_model_dev(struct gpumon_model *m, const char *bdf,
				    bool create)
{
	struct gpumon_dev *d;

	for (size_t i = 0; i < m->ndevs; i++)
		if (!strcmp(m->devs[i].bdf, bdf))
			return &m->devs[i];
	if (!create)
		return NULL;
	if (m->ndevs == m->devs_cap) {
		size_t cap = m->devs_cap ? m->devs_cap * 2 : 16;

		d = realloc(m->devs, cap * sizeof(*d));
		if (!d)
			return NULL;
		m->devs = d;
		m->devs_cap = cap;
	}
	d = &m->devs[m->ndevs++];
	memset(d, 0, sizeof(*d));
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	return d;
}

struct gpumon_event *gpumon_model_add_event(struct gpumon_model *m,
					    const struct gpumon_event *ev)
{
	struct gpumon_event *e = &m->ring[m->next_seq % m->ring_cap];

	*e = *ev;
	e->seq = m->next_seq++;
	if (!e->time_real_ns)
		e->time_real_ns = gpumon_now_ns(CLOCK_REALTIME);
	if (!e->time_mono_ns)
		e->time_mono_ns = gpumon_now_ns(CLOCK_MONOTONIC);
	return e;
}

static uint64_t oldest_seq(const struct gpumon_model *m)
{
	return m->next_seq > m->ring_cap ? m->next_seq - m->ring_cap : 1;
}

size_t gpumon_model_events_after(const struct gpumon_model *m, uint64_t after,
				 uint64_t *first, uint64_t *lost)
{
	uint64_t oldest = oldest_seq(m);
	uint64_t from = after + 1;

	*lost = 0;
	if (after >= m->next_seq) {	/* nothing after it yet (or ever) */
		*first = m->next_seq;
		return 0;
	}
	if (from < oldest) {
		*lost = oldest - from;
		from = oldest;
	}
	*first = from;
	return from < m->next_seq ? m->next_seq - from : 0;
}

const struct gpumon_event *gpumon_model_event_at(const struct gpumon_model *m,
						 uint64_t seq)
{
	if (seq < oldest_seq(m) || seq >= m->next_seq)
		return NULL;
	return &m->ring[seq % m->ring_cap];
}

static void device_event(struct gpumon_model *m, const struct gpumon_dev *d,
			 int level, const char *state, const char *what)
{
	struct gpumon_event ev = {
		.source = GPUMON_SRC_NETLINK,
		.severity = level,
	};

	snprintf(ev.kind, sizeof(ev.kind), "device");
	snprintf(ev.entity, sizeof(ev.entity), "%s", d->bdf);
	snprintf(ev.fields, sizeof(ev.fields), "state=%s role=%s", state,
		 gpumon_role_name(d->role));
	snprintf(ev.message, sizeof(ev.message), "%s %s %s",
		 gpumon_role_name(d->role), d->bdf, what);
	gpumon_model_add_event(m, &ev);
}

void gpumon_model_module_dev(struct gpumon_model *m,
			     const struct gpumon_nl_dev *nd)
{
	struct gpumon_dev *d = gpumon_model_dev(m, nd->bdf, true);

	if (!d)
		return;
	snprintf(d->parent, sizeof(d->parent), "%s", nd->parent);
	d->vendor = nd->vendor;
	d->device = nd->device;
	d->class = nd->class;
	d->role = nd->role;
	/*
	 * Correctable alerts report the module's counter from here on:
	 * what it counted before gpumond first saw it (or, after a reload,
	 * since the reload) is the baseline, not news.
	 */
	if (!d->in_module)
		d->cor_reported = nd->aer[GPUMON_AER_CORRECTABLE];
	if (!d->in_module && m->dump_gen > 1)
		device_event(m, d, LOG_NOTICE, "added",
			     "now watched by gpumon.ko (added or rescanned)");
	d->in_module = true;
	d->dump_gen = m->dump_gen;
	memcpy(d->aer, nd->aer, sizeof(d->aer));
}

void gpumon_model_dump_begin(struct gpumon_model *m)
{
	m->dump_gen++;
}

void gpumon_model_dump_end(struct gpumon_model *m)
{
	for (size_t i = 0; i < m->ndevs; i++) {
		struct gpumon_dev *d = &m->devs[i];

		if (!d->in_module || d->dump_gen == m->dump_gen)
			continue;
		d->in_module = false;
		device_event(m, d, LOG_CRIT, "removed",
			     "no longer on the bus: gpumon.ko stopped watching it (removed, unbound or gone)");
	}
}

static bool aer_same(const struct gpumon_aer_rec *a,
		     const struct gpumon_aer_rec *b)
{
	return a->status == b->status && a->severity == b->severity &&
	       !strcmp(a->bdf, b->bdf);
}

static void tlp_fields(char *buf, size_t len, const struct gpumon_aer_rec *r)
{
	size_t n = snprintf(buf, len, "status=0x%08x", r->status);

	if (r->tlp_valid && n < len)
		snprintf(buf + n, len - n, " tlp=%08x:%08x:%08x:%08x",
			 r->tlp[0], r->tlp[1], r->tlp[2], r->tlp[3]);
}

static struct gpumon_event *aer_event(struct gpumon_model *m,
				      enum gpumon_source src,
				      const struct gpumon_aer_rec *rec,
				      bool bpf_seen)
{
	static const int level[__GPUMON_AER_SEV_MAX] = {
		[GPUMON_AER_CORRECTABLE] = LOG_WARNING,
		[GPUMON_AER_NONFATAL] = LOG_ERR,
		[GPUMON_AER_FATAL] = LOG_CRIT,
	};
	struct gpumon_event ev = {
		.source = src,
		.severity = level[rec->severity],
		.time_mono_ns = rec->time_mono_ns,
		.time_real_ns = rec->time_real_ns,
		.aer = *rec,
		.bpf_seen = bpf_seen,
	};
	struct gpumon_dev *d = gpumon_model_dev(m, rec->bdf, true);

	/*
	 * Status 0 is the kernel's "Inaccessible" report (it could not read
	 * the device's status): an event, but no error counted, as in the
	 * kernel's aer_dev_* totals and the module's counters.
	 */
	if (d && rec->status)
		d->aer[rec->severity]++;
	snprintf(ev.kind, sizeof(ev.kind), "aer");
	snprintf(ev.entity, sizeof(ev.entity), "%s", rec->bdf);
	tlp_fields(ev.fields, sizeof(ev.fields), rec);
	snprintf(ev.message, sizeof(ev.message), "PCIe %s AER error",
		 rec->severity == GPUMON_AER_CORRECTABLE ? "correctable" :
		 rec->severity == GPUMON_AER_FATAL ?
		 "uncorrectable (fatal)" : "uncorrectable (non-fatal)");
	return gpumon_model_add_event(m, &ev);
}

/* Take a pending BPF record of the same error; true when one was there. */
static bool take_pending(struct gpumon_model *m, struct gpumon_aer_rec *rec)
{
	for (size_t i = 0; i < m->npending; i++) {
		if (!aer_same(&m->pending[i], rec))
			continue;
		if (!rec->tlp_valid && m->pending[i].tlp_valid) {
			rec->tlp_valid = true;
			memcpy(rec->tlp, m->pending[i].tlp, sizeof(rec->tlp));
		}
		memmove(&m->pending[i], &m->pending[i + 1],
			(m->npending - i - 1) * sizeof(m->pending[0]));
		m->npending--;
		return true;
	}
	return false;
}

/* Mark the module's event of the same error as seen by BPF. */
static bool match_recent(struct gpumon_model *m,
			 const struct gpumon_aer_rec *rec)
{
	uint64_t oldest = oldest_seq(m);
	uint64_t seq = m->next_seq;

	for (int n = 0; n < GPUMON_BPF_PENDING && seq > oldest; n++) {
		struct gpumon_event *e = &m->ring[--seq % m->ring_cap];

		if (e->source != GPUMON_SRC_NETLINK || e->bpf_seen ||
		    strcmp(e->kind, "aer") || !aer_same(&e->aer, rec))
			continue;
		e->bpf_seen = true;
		if (!e->aer.tlp_valid && rec->tlp_valid) {
			e->aer.tlp_valid = true;
			memcpy(e->aer.tlp, rec->tlp, sizeof(rec->tlp));
			tlp_fields(e->fields, sizeof(e->fields), &e->aer);
		}
		return true;
	}
	return false;
}

struct gpumon_event *gpumon_model_aer(struct gpumon_model *m,
				      enum gpumon_source src,
				      const struct gpumon_aer_rec *rec)
{
	struct gpumon_aer_rec r = *rec;
	struct gpumon_dev *d;

	if ((unsigned int)r.severity >= __GPUMON_AER_SEV_MAX)
		return NULL;
	m->src[src].events++;
	if (src == GPUMON_SRC_NETLINK) {
		bool seen = take_pending(m, &r);

		if (seen)
			m->bpf_matched++;
		return aer_event(m, src, &r, seen);
	}

	/* BPF: the module counts the devices it watches while it is loaded */
	d = gpumon_model_dev(m, r.bdf, false);
	if (!m->src[GPUMON_SRC_NETLINK].on || !d || !d->in_module)
		return aer_event(m, src, &r, true);
	if (match_recent(m, &r)) {
		m->bpf_matched++;
		return NULL;
	}
	if (m->npending == GPUMON_BPF_PENDING) {
		memmove(&m->pending[0], &m->pending[1],
			(m->npending - 1) * sizeof(m->pending[0]));
		m->npending--;
		m->bpf_unmatched_dropped++;
	}
	m->pending[m->npending++] = r;
	return NULL;
}

/* Count one Xid of @code on @d with its catalog row. */
static void xid_account(struct gpumon_dev *d, unsigned int code, int level)
{
	const struct gpumon_xid_info *xi = gpumon_xid_info(code);

	d->xid_count++;
	d->xid_by_code[xi ? code : 0]++;
	d->last_xid = code;
	d->last_xid_mnemonic = xi ? xi->mnemonic : NULL;
	d->last_xid_action = xi ? xi->immediate : NULL;
	d->last_xid_level = level;
	d->last_xid_real_ns = gpumon_now_ns(CLOCK_REALTIME);
}

struct gpumon_event *gpumon_model_xid(struct gpumon_model *m,
				      const struct gpumon_xid *x, int level)
{
	struct gpumon_event ev = {
		.source = GPUMON_SRC_KMSG,
		.severity = level,
	};
	struct gpumon_dev *d = NULL;
	size_t n;

	snprintf(ev.kind, sizeof(ev.kind), "xid");
	if (x->has_bdf) {
		/* The driver prints no function number: a GPU is function 0. */
		snprintf(ev.entity, sizeof(ev.entity), "%04x:%02x:%02x.0",
			 x->domain, x->bus, x->dev);
		d = gpumon_model_dev(m, ev.entity, true);
	}
	if (d) {
		xid_account(d, x->xid, level);
		snprintf(d->last_xid_msg, sizeof(d->last_xid_msg), "%s",
			 x->msg);
	}
	n = snprintf(ev.fields, sizeof(ev.fields), "xid=%u", x->xid);
	if (x->pid >= 0 && n < sizeof(ev.fields))
		n += snprintf(ev.fields + n, sizeof(ev.fields) - n,
			      " pid=%d name=%s", x->pid, x->name);
	if (x->gi >= 0 && n < sizeof(ev.fields))
		n += snprintf(ev.fields + n, sizeof(ev.fields) - n,
			      " gpu_instance=%d", x->gi);
	if (x->ci >= 0 && n < sizeof(ev.fields))
		snprintf(ev.fields + n, sizeof(ev.fields) - n,
			 " compute_instance=%d", x->ci);
	snprintf(ev.message, sizeof(ev.message), "%s", x->msg);
	return gpumon_model_add_event(m, &ev);
}

struct gpumon_event *gpumon_model_klog(struct gpumon_model *m,
				       const struct gpumon_klog_event *ke)
{
	struct gpumon_event ev = {
		.source = GPUMON_SRC_KMSG,
		.severity = ke->level,
	};
	struct gpumon_dev *d = NULL;

	switch (ke->kind) {
	case GPUMON_KLOG_XID:
	case GPUMON_KLOG_SXID:
	case GPUMON_KLOG_FALLEN_OFF_BUS:
	case GPUMON_KLOG_DPC:
		break;
	case GPUMON_KLOG_CPU_THERMAL:
		if (ke->throttled)
			m->cpu_throttle_lines++;
		if (ke->throttled == m->cpu_throttled)
			return NULL;
		m->cpu_throttled = ke->throttled;
		break;
	default:
		return NULL;
	}
	snprintf(ev.kind, sizeof(ev.kind), "%s", gpumon_klog_kind_name(ke->kind));
	if (ke->has_bdf) {
		snprintf(ev.entity, sizeof(ev.entity), "%s", ke->bdf);
		d = gpumon_model_dev(m, ke->bdf, true);
	}
	gpumon_klog_fields(ke, ev.fields, sizeof(ev.fields));
	/* the kernel's text, cut to the event (the fields hold the decode) */
	snprintf(ev.message, sizeof(ev.message), "%.*s",
		 (int)sizeof(ev.message) - 1,
		 ke->kind == GPUMON_KLOG_XID ? ke->xid.msg : ke->text);
	if (d && ke->kind == GPUMON_KLOG_XID) {
		xid_account(d, ke->xid.xid, ke->level);
		snprintf(d->last_xid_msg, sizeof(d->last_xid_msg), "%s",
			 ke->xid.msg);
	} else if (d && ke->kind == GPUMON_KLOG_SXID) {
		if (d->role == GPUMON_ROLE_UNSPEC)
			d->role = GPUMON_ROLE_NVSWITCH;
		d->sxid_count++;
		d->sxid_fatal += ke->sxid.fatal == 1;
		d->last_sxid = ke->sxid.sxid;
		d->last_sxid_fatal = ke->sxid.fatal;
		snprintf(d->last_sxid_msg, sizeof(d->last_sxid_msg), "%.*s",
			 (int)sizeof(d->last_sxid_msg) - 1, ke->sxid.desc);
	} else if (d && ke->kind == GPUMON_KLOG_FALLEN_OFF_BUS) {
		d->fallen_off++;
	} else if (d && ke->kind == GPUMON_KLOG_DPC) {
		d->dpc++;
	}
	return gpumon_model_add_event(m, &ev);
}

struct gpumon_event *gpumon_model_source(struct gpumon_model *m,
					 enum gpumon_source s, bool on,
					 const char *why)
{
	struct gpumon_src_state *st = &m->src[s];
	struct gpumon_event ev = {
		.source = s,
		.severity = on ? LOG_INFO : LOG_WARNING,
	};

	struct gpumon_event *e;

	if (st->on == on && !strcmp(st->why, why ? why : ""))
		return NULL;
	st->on = on;
	snprintf(st->why, sizeof(st->why), "%s", why ? why : "");
	snprintf(ev.kind, sizeof(ev.kind), "source");
	snprintf(ev.fields, sizeof(ev.fields), "source=%s state=%s",
		 gpumon_source_name(s), on ? "on" : "off");
	snprintf(ev.message, sizeof(ev.message), "source %s %s%s%s",
		 gpumon_source_name(s), on ? "on" : "off",
		 why && *why ? ": " : "", why ? why : "");
	e = gpumon_model_add_event(m, &ev);

	/*
	 * BPF records still held back for the module's events: the module's
	 * probe counted those errors before it went, so they are not counted
	 * again; they only lose their match.
	 */
	if (s == GPUMON_SRC_NETLINK && !on) {
		m->bpf_unmatched_dropped += m->npending;
		m->npending = 0;
		/* the module's counters stop here; BPF counts from now on */
		for (size_t i = 0; i < m->ndevs; i++)
			m->devs[i].in_module = false;
		/* and its zones, RAPL domains and source states go stale */
		gpumon_model_module_thermal(m, NULL, 0);
		gpumon_model_module_power(m, NULL, 0);
		memset(&m->kstats, 0, sizeof(m->kstats));
	}
	return e;
}

static struct gpumon_tzone *tzone(struct gpumon_model *m, int id,
				  const char *type)
{
	struct gpumon_tzone *z;

	for (size_t i = 0; i < m->ntzones; i++)
		if (m->tzones[i].id == id)
			return &m->tzones[i];
	if (m->ntzones == GPUMON_TZONES_MAX)
		return NULL;
	z = &m->tzones[m->ntzones++];
	memset(z, 0, sizeof(*z));
	z->id = id;
	snprintf(z->type, sizeof(z->type), "%s", type);
	return z;
}

static void mc_str(char *buf, size_t len, int mc);

/* Syslog level of an asserted trip, by type; cleared ones are LOG_INFO. */
static int trip_level(unsigned int type)
{
	static const int level[] = {
		[GPUMON_TRIP_ACTIVE] = LOG_NOTICE,
		[GPUMON_TRIP_PASSIVE] = LOG_WARNING,
		[GPUMON_TRIP_HOT] = LOG_ERR,
		[GPUMON_TRIP_CRITICAL] = LOG_CRIT,
	};

	return type <= GPUMON_TRIP_MAX ? level[type] : LOG_NOTICE;
}

static uint32_t trip_bit(unsigned int trip)
{
	return trip < 32 ? 1u << trip : 0;
}

static const char *trip_type_name(unsigned int t)
{
	static const char *const names[] = {
		"active", "passive", "hot", "critical",
	};

	return t < 4 ? names[t] : "unknown";
}

/*
 * thermal:thermal_zone_trip fires on every update of a zone while it is
 * at or above a trip (drivers/thermal/thermal_core.c
 * handle_critical_trips(), gov_step_wise.c): a level, not a crossing.
 * While gpumon.ko samples the zones, its crossings (with hysteresis) are
 * the alerts and these records are only counted (and their time kept);
 * without it, a trip alerts when it was not seen for
 * GPUMON_TRIP_QUIET_NS, but not the first record after the module went
 * of a trip the module had already reported asserted.
 */
static bool trip_record_alerts(struct gpumon_model *m, struct gpumon_tzone *z,
			       const struct gpumon_thermal_rec *rec)
{
	uint64_t last;
	bool quiet;

	if (!z || rec->trip >= GPUMON_NL_MAX_TRIPS)
		return !((m->kstats.valid & GPUMON_NL_ST_THERMAL) &&
			 m->kstats.thermal_state == GPUMON_SOURCE_ON);
	last = z->trip_seen_ns[rec->trip];
	z->trip_seen_ns[rec->trip] = rec->time_mono_ns;
	if ((m->kstats.valid & GPUMON_NL_ST_THERMAL) &&
	    m->kstats.thermal_state == GPUMON_SOURCE_ON)
		return false;
	quiet = !last || rec->time_mono_ns - last >= GPUMON_TRIP_QUIET_NS;
	if (!quiet || (!last && (z->trip_alerted & trip_bit(rec->trip))))
		return false;
	z->trip_alerted |= trip_bit(rec->trip);
	return true;
}

struct gpumon_event *gpumon_model_thermal(struct gpumon_model *m,
					  const struct gpumon_thermal_rec *rec)
{
	struct gpumon_event ev = {
		.source = GPUMON_SRC_BPF,
		.time_mono_ns = rec->time_mono_ns,
	};
	struct gpumon_tzone *z = NULL;
	char t[16];

	m->src[GPUMON_SRC_BPF].events++;
	if (rec->kind != GPUMON_THERMAL_CDEV)
		z = tzone(m, rec->zone_id, rec->name);
	switch (rec->kind) {
	case GPUMON_THERMAL_TEMP:
		if (z) {
			z->temp_valid = true;
			z->temp_mc = rec->temp_mc;
			z->updates++;
		}
		return NULL;
	case GPUMON_THERMAL_TRIP:
		if (z) {
			z->trips++;
			z->last_trip = rec->trip;
			z->last_trip_type = rec->trip_type;
		}
		if (!trip_record_alerts(m, z, rec))
			return NULL;
		/* The module's shape and levels, with what BPF knows. */
		ev.severity = trip_level(rec->trip_type);
		snprintf(ev.kind, sizeof(ev.kind), "thermal-trip");
		if (z && z->temp_valid)
			mc_str(t, sizeof(t), z->temp_mc);
		else
			snprintf(t, sizeof(t), "?");
		if (z && z->temp_valid)
			snprintf(ev.fields, sizeof(ev.fields),
				 "zone=%d type=%s trip=%u trip_type=%s state=asserted temp_mc=%d",
				 rec->zone_id, rec->name, rec->trip,
				 trip_type_name(rec->trip_type), z->temp_mc);
		else
			snprintf(ev.fields, sizeof(ev.fields),
				 "zone=%d type=%s trip=%u trip_type=%s state=asserted",
				 rec->zone_id, rec->name, rec->trip,
				 trip_type_name(rec->trip_type));
		snprintf(ev.message, sizeof(ev.message),
			 "thermal zone %s reached its %s trip point %u: %s C",
			 rec->name, trip_type_name(rec->trip_type), rec->trip,
			 t);
		break;
	case GPUMON_THERMAL_CDEV:
		ev.severity = rec->cdev_state ? LOG_NOTICE : LOG_INFO;
		snprintf(ev.kind, sizeof(ev.kind), "cooling");
		snprintf(ev.fields, sizeof(ev.fields), "cdev=%s state=%llu",
			 rec->name, (unsigned long long)rec->cdev_state);
		snprintf(ev.message, sizeof(ev.message),
			 "cooling device %s set to state %llu", rec->name,
			 (unsigned long long)rec->cdev_state);
		break;
	default:
		return NULL;
	}
	return gpumon_model_add_event(m, &ev);
}

/*
 * A trip the dump shows asserted (or cleared) that syslog was not told
 * of: asserted before gpumond started, or its event was lost.  It is
 * reported as the module's event would have been.
 */
static void dump_trip_alerts(struct gpumon_model *m, struct gpumon_tzone *z,
			     uint64_t read_ns)
{
	struct gpumon_nl_tzone *mz = &z->mod;
	struct gpumon_nl_event ne;
	bool asserted;

	if (mz->state != GPUMON_STATE_PRESENT)
		return;
	for (unsigned int i = 0; i < mz->ntrips; i++) {
		struct gpumon_nl_trip *t = &mz->trips[i];

		if (!(t->valid & GPUMON_NL_TRIP_ASSERTED) || !trip_bit(t->id))
			continue;
		/* An event came after the dump was read: it is newer. */
		if (t->id < GPUMON_NL_MAX_TRIPS &&
		    z->trip_event_ns[t->id] >= read_ns) {
			t->asserted = !!(z->trip_alerted & trip_bit(t->id));
			continue;
		}
		asserted = t->asserted;
		if (!!(z->trip_alerted & trip_bit(t->id)) == asserted)
			continue;
		memset(&ne, 0, sizeof(ne));
		ne.kind = asserted ? GPUMON_EVENT_THERMAL_TRIP :
				     GPUMON_EVENT_THERMAL_TRIP_CLEARED;
		ne.time_mono_ns = gpumon_now_ns(CLOCK_MONOTONIC);
		ne.time_real_ns = gpumon_now_ns(CLOCK_REALTIME);
		snprintf(ne.zone, sizeof(ne.zone), "%s", z->type);
		ne.zone_id = (uint32_t)z->id;
		ne.trip = t->id;
		ne.valid = GPUMON_NL_EV_ZONE_ID | GPUMON_NL_EV_TRIP;
		if (mz->valid & GPUMON_NL_TZ_TEMP) {
			ne.temp_mc = mz->temp_mc;
			ne.valid |= GPUMON_NL_EV_TEMP;
		}
		if (t->valid & GPUMON_NL_TRIP_TYPE) {
			ne.trip_type = t->type;
			ne.valid |= GPUMON_NL_EV_TRIP_TYPE;
		}
		if (t->valid & GPUMON_NL_TRIP_TEMP) {
			ne.trip_temp_mc = t->temp_mc;
			ne.valid |= GPUMON_NL_EV_TRIP_TEMP;
		}
		if (t->valid & GPUMON_NL_TRIP_HYST) {
			ne.trip_hyst_mc = t->hyst_mc;
			ne.valid |= GPUMON_NL_EV_TRIP_HYST;
		}
		gpumon_model_module_thermal_event(m, &ne);
	}
}

void gpumon_model_module_thermal(struct gpumon_model *m,
				 const struct gpumon_nl_tzone *zones, size_t n)
{
	gpumon_model_module_thermal_at(m, zones, n,
				       gpumon_now_ns(CLOCK_MONOTONIC));
}

void gpumon_model_module_thermal_at(struct gpumon_model *m,
				    const struct gpumon_nl_tzone *zones,
				    size_t n, uint64_t read_mono_ns)
{
	struct gpumon_tzone *z;

	for (size_t i = 0; i < m->ntzones; i++)
		m->tzones[i].in_module = false;
	for (size_t i = 0; i < n; i++) {
		z = tzone(m, (int)zones[i].id, zones[i].type);
		if (!z)
			continue;
		if (*zones[i].type)
			snprintf(z->type, sizeof(z->type), "%s", zones[i].type);
		z->in_module = true;
		z->mod = zones[i];
		if (zones[i].valid & GPUMON_NL_TZ_TEMP) {
			z->temp_valid = true;
			z->temp_mc = zones[i].temp_mc;
		}
		dump_trip_alerts(m, z, read_mono_ns);
	}
}

void gpumon_model_module_power(struct gpumon_model *m,
			       const struct gpumon_nl_rapl *r, size_t n)
{
	if (n > GPUMON_RAPL_DOMAINS_MAX)
		n = GPUMON_RAPL_DOMAINS_MAX;
	if (n)
		memcpy(m->rapl, r, n * sizeof(*r));
	m->nrapl = n;
}

static struct gpumon_event *kstate_event(struct gpumon_model *m,
					 const char *name, uint32_t state,
					 const char *reason)
{
	struct gpumon_event ev = {
		.source = GPUMON_SRC_NETLINK,
		.severity = state == GPUMON_SOURCE_ON ? LOG_INFO : LOG_WARNING,
	};
	const char *st = gpumon_nl_source_state_name(state);

	snprintf(ev.kind, sizeof(ev.kind), "source");
	snprintf(ev.fields, sizeof(ev.fields), "source=%s state=%s", name, st);
	snprintf(ev.message, sizeof(ev.message), "source %s %s%s%.200s", name,
		 st, *reason ? ": " : "", reason);
	return gpumon_model_add_event(m, &ev);
}

struct gpumon_event *gpumon_model_module_stats(struct gpumon_model *m,
					       const struct gpumon_nl_stats *st)
{
	const struct gpumon_nl_stats *old = &m->kstats;
	struct gpumon_event *e = NULL;

	if ((st->valid & GPUMON_NL_ST_THERMAL) &&
	    (!(old->valid & GPUMON_NL_ST_THERMAL) ||
	     old->thermal_state != st->thermal_state))
		e = kstate_event(m, "kmod-thermal", st->thermal_state,
				 st->thermal_reason);
	if ((st->valid & GPUMON_NL_ST_RAPL) &&
	    (!(old->valid & GPUMON_NL_ST_RAPL) ||
	     old->rapl_state != st->rapl_state))
		e = kstate_event(m, "kmod-rapl", st->rapl_state,
				 st->rapl_reason);
	m->kstats = *st;
	return e;
}

/* "71.5" from 71500 m degC. */
static void mc_str(char *buf, size_t len, int mc)
{
	snprintf(buf, len, "%s%d.%d", mc < 0 && mc > -1000 ? "-" : "",
		 mc / 1000, (mc < 0 ? -mc : mc) % 1000 / 100);
}

static void trip_event_text(struct gpumon_event *ev,
			    const struct gpumon_nl_event *ne, bool asserted)
{
	const char *tt = ne->valid & GPUMON_NL_EV_TRIP_TYPE ?
			 gpumon_nl_trip_type_name(ne->trip_type) : "unknown";
	char t[16] = "?", trip[16] = "?", clr[16] = "?", id[16];
	size_t n;

	if (ne->valid & GPUMON_NL_EV_TEMP)
		mc_str(t, sizeof(t), ne->temp_mc);
	if (ne->valid & GPUMON_NL_EV_TRIP_TEMP)
		mc_str(trip, sizeof(trip), ne->trip_temp_mc);
	if ((ne->valid & GPUMON_NL_EV_TRIP_TEMP) &&
	    (ne->valid & GPUMON_NL_EV_TRIP_HYST))
		mc_str(clr, sizeof(clr), ne->trip_temp_mc - ne->trip_hyst_mc);

	snprintf(id, sizeof(id), "%u", ne->zone_id);
	n = snprintf(ev->fields, sizeof(ev->fields),
		     "zone=%s type=%s trip=%u trip_type=%s state=%s",
		     ne->valid & GPUMON_NL_EV_ZONE_ID ? id : "unknown",
		     *ne->zone ? ne->zone : "unknown", ne->trip, tt,
		     asserted ? "asserted" : "cleared");
	if ((ne->valid & GPUMON_NL_EV_TEMP) && n < sizeof(ev->fields))
		n += snprintf(ev->fields + n, sizeof(ev->fields) - n,
			      " temp_mc=%d", ne->temp_mc);
	if ((ne->valid & GPUMON_NL_EV_TRIP_TEMP) && n < sizeof(ev->fields))
		n += snprintf(ev->fields + n, sizeof(ev->fields) - n,
			      " trip_temp_mc=%d", ne->trip_temp_mc);
	if ((ne->valid & GPUMON_NL_EV_TRIP_HYST) && n < sizeof(ev->fields))
		snprintf(ev->fields + n, sizeof(ev->fields) - n,
			 " hyst_mc=%d", ne->trip_hyst_mc);
	if (asserted)
		snprintf(ev->message, sizeof(ev->message),
			 "thermal zone %s reached its %s trip point %u: %s C (trip %s C)",
			 *ne->zone ? ne->zone : "?", tt, ne->trip, t, trip);
	else
		snprintf(ev->message, sizeof(ev->message),
			 "thermal zone %s back below its %s trip point %u: %s C (clears below %s C)",
			 *ne->zone ? ne->zone : "?", tt, ne->trip, t, clr);
}

struct gpumon_event *gpumon_model_module_thermal_event(struct gpumon_model *m,
						       const struct gpumon_nl_event *ne)
{
	struct gpumon_event ev = {
		.source = GPUMON_SRC_NETLINK,
		.time_mono_ns = ne->time_mono_ns,
		.time_real_ns = ne->time_real_ns,
	};
	bool asserted = ne->kind == GPUMON_EVENT_THERMAL_TRIP;
	struct gpumon_tzone *z = NULL;
	char id[16];

	switch (ne->kind) {
	case GPUMON_EVENT_THERMAL_TRIP:
	case GPUMON_EVENT_THERMAL_TRIP_CLEARED:
		break;
	case GPUMON_EVENT_THERMAL_ZONE_ADDED:
	case GPUMON_EVENT_THERMAL_ZONE_REMOVED:
		m->src[GPUMON_SRC_NETLINK].events++;
		asserted = ne->kind == GPUMON_EVENT_THERMAL_ZONE_ADDED;
		ev.severity = asserted ? LOG_NOTICE : LOG_WARNING;
		snprintf(ev.kind, sizeof(ev.kind), "thermal-zone");
		snprintf(id, sizeof(id), "%u", ne->zone_id);
		snprintf(ev.fields, sizeof(ev.fields),
			 "zone=%s type=%s state=%s",
			 ne->valid & GPUMON_NL_EV_ZONE_ID ? id : "unknown",
			 *ne->zone ? ne->zone : "unknown",
			 asserted ? "added" : "removed");
		snprintf(ev.message, sizeof(ev.message), asserted ?
			 "thermal zone %s appeared; gpumon.ko samples it" :
			 "thermal zone %s went away; gpumon.ko keeps its counters",
			 *ne->zone ? ne->zone : "?");
		return gpumon_model_add_event(m, &ev);
	default:
		return NULL;
	}
	m->src[GPUMON_SRC_NETLINK].events++;
	if (ne->valid & GPUMON_NL_EV_ZONE_ID)
		z = tzone(m, (int)ne->zone_id, ne->zone);
	for (unsigned int i = 0; z && i < z->mod.ntrips; i++)
		if (z->mod.trips[i].id == ne->trip) {
			z->mod.trips[i].asserted = asserted;
			z->mod.trips[i].valid |= GPUMON_NL_TRIP_ASSERTED;
		}
	/*
	 * Syslog hears of each assertion and clearing once: a dump may
	 * have told it first (gpumond started with the trip asserted), or
	 * the module reports a trip again when it samples the zone anew
	 * (reload, zone selected again).
	 */
	if (z && (ne->valid & GPUMON_NL_EV_TRIP) && trip_bit(ne->trip)) {
		z->trip_event_ns[ne->trip] = ne->time_mono_ns ? ne->time_mono_ns :
					     gpumon_now_ns(CLOCK_MONOTONIC);
		if (!!(z->trip_alerted & trip_bit(ne->trip)) == asserted)
			return NULL;
		if (asserted)
			z->trip_alerted |= trip_bit(ne->trip);
		else
			z->trip_alerted &= ~trip_bit(ne->trip);
	}
	if (!asserted)
		ev.severity = LOG_INFO;
	else if (ne->valid & GPUMON_NL_EV_TRIP_TYPE)
		ev.severity = trip_level(ne->trip_type);
	else
		ev.severity = LOG_NOTICE;
	snprintf(ev.kind, sizeof(ev.kind), "thermal-trip");
	trip_event_text(&ev, ne, asserted);
	return gpumon_model_add_event(m, &ev);
}

void gpumon_model_cpu_power(const struct gpumon_model *m,
			    struct gpumon_cpu_power *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < m->nrapl; i++) {
		const struct gpumon_nl_rapl *r = &m->rapl[i];

		if (r->domain != GPUMON_RAPL_PACKAGE ||
		    !(r->valid & GPUMON_NL_RAPL_AVG))
			continue;
		p->valid = true;
		p->packages++;
		p->avg_mw += r->avg_mw;
		p->max_mw += r->valid & GPUMON_NL_RAPL_MAX ? r->max_mw :
			     r->avg_mw;
	}
}

const struct gpumon_tzone *gpumon_model_hottest(const struct gpumon_model *m)
{
	const struct gpumon_tzone *best = NULL;

	for (size_t i = 0; i < m->ntzones; i++) {
		const struct gpumon_tzone *z = &m->tzones[i];

		if (!z->in_module || !(z->mod.valid & GPUMON_NL_TZ_TEMP) ||
		    z->mod.state == GPUMON_STATE_REMOVED)
			continue;
		if (!best || z->mod.temp_mc > best->mod.temp_mc)
			best = z;
	}
	return best;
}

unsigned int gpumon_model_trips_asserted(const struct gpumon_model *m)
{
	unsigned int n = 0;

	for (size_t i = 0; i < m->ntzones; i++) {
		const struct gpumon_tzone *z = &m->tzones[i];

		for (unsigned int t = 0; z->in_module && t < z->mod.ntrips; t++)
			n += z->mod.trips[t].asserted;
	}
	return n;
}

struct gpumon_event *gpumon_model_cpu_thermal_irqs(struct gpumon_model *m,
						   const uint64_t *counts,
						   int n)
{
	struct gpumon_event ev = {
		.source = GPUMON_SRC_BPF,
	};
	uint64_t delta, total = 0;
	size_t len = 0;
	bool had = m->ncpus > 0;
	uint64_t *p;
	int cpu;

	if (n <= 0)
		return NULL;
	if (n != m->ncpus) {
		p = realloc(m->cpu_thermal_irqs, n * sizeof(*p));
		if (!p)
			return NULL;
		memset(p, 0, n * sizeof(*p));
		m->cpu_thermal_irqs = p;
		m->ncpus = n;
		had = false;
	}
	ev.fields[0] = '\0';
	for (cpu = 0; cpu < n; cpu++) {
		delta = counts[cpu] - m->cpu_thermal_irqs[cpu];
		if (delta && len < sizeof(ev.fields) - 16)
			len += snprintf(ev.fields + len, sizeof(ev.fields) - len,
					"%s%d", len ? "," : "cpus=", cpu);
		total += delta;
		m->cpu_thermal_irqs[cpu] = counts[cpu];
	}
	/* the first read only sets the baseline of this load */
	if (!had || (total > 0) == m->cpu_irq_active)
		return NULL;
	m->cpu_irq_active = total > 0;
	snprintf(ev.kind, sizeof(ev.kind), "cpu-thermal-irq");
	if (total) {
		ev.severity = LOG_WARNING;
		snprintf(ev.fields + len, sizeof(ev.fields) - len, " count=%llu",
			 (unsigned long long)total);
		snprintf(ev.message, sizeof(ev.message),
			 "%llu CPU thermal interrupts (throttling or thermal threshold)",
			 (unsigned long long)total);
	} else {
		ev.severity = LOG_INFO;
		snprintf(ev.fields, sizeof(ev.fields), "count=0");
		snprintf(ev.message, sizeof(ev.message),
			 "CPU thermal interrupts stopped");
	}
	return gpumon_model_add_event(m, &ev);
}

/* enum pci_bus_speed of a PCIe link, in GT/s; NULL when not PCIe. */
static const char *pcie_speed(unsigned int s)
{
	static const char *const gts[] = {
		"2.5", "5.0", "8.0", "16.0", "32.0", "64.0",
	};

	return s >= 0x14 && s <= 0x19 ? gts[s - 0x14] : NULL;
}

struct gpumon_event *gpumon_model_pcie_link(struct gpumon_model *m,
					    const struct gpumon_pcie_link_rec *rec)
{
	const char *cur = pcie_speed(rec->cur_speed);
	const char *max = pcie_speed(rec->max_speed);
	struct gpumon_event ev = {
		.source = GPUMON_SRC_BPF,
		.time_mono_ns = rec->time_mono_ns,
		.severity = rec->cur_speed < rec->max_speed ?
			    LOG_WARNING : LOG_NOTICE,
	};

	m->src[GPUMON_SRC_BPF].events++;
	snprintf(ev.kind, sizeof(ev.kind), "pcie-link");
	snprintf(ev.entity, sizeof(ev.entity), "%.*s",
		 (int)sizeof(ev.entity) - 1, rec->port);
	snprintf(ev.fields, sizeof(ev.fields),
		 "reason=%u speed=%s max_speed=%s width=%u flit=%u link_status=0x%04x",
		 rec->reason, cur ? cur : "unknown", max ? max : "unknown",
		 rec->width, rec->flit_mode, rec->link_status);
	snprintf(ev.message, sizeof(ev.message),
		 "PCIe link of %s now %s GT/s x%u (max %s GT/s)", rec->port,
		 cur ? cur : "?", rec->width, max ? max : "?");
	return gpumon_model_add_event(m, &ev);
}

struct gpumon_event *gpumon_model_pci_hp(struct gpumon_model *m,
					 const struct gpumon_pci_hp_rec *rec)
{
	static const char *const names[] = {
		"link-up", "link-down", "card-present", "card-not-present",
	};
	const char *what = (unsigned int)rec->event < 4 ?
			   names[rec->event] : "unknown";
	struct gpumon_event ev = {
		.source = GPUMON_SRC_BPF,
		.time_mono_ns = rec->time_mono_ns,
		.severity = rec->event == 1 || rec->event == 3 ?
			    LOG_CRIT : LOG_NOTICE,
	};

	m->src[GPUMON_SRC_BPF].events++;
	snprintf(ev.kind, sizeof(ev.kind), "pci-hotplug");
	snprintf(ev.entity, sizeof(ev.entity), "%.*s",
		 (int)sizeof(ev.entity) - 1, rec->port);
	snprintf(ev.fields, sizeof(ev.fields), "slot=%s event=%s",
		 *rec->slot ? rec->slot : "-", what);
	snprintf(ev.message, sizeof(ev.message), "PCI hotplug slot %s at %s: %s",
		 rec->slot, rec->port, what);
	return gpumon_model_add_event(m, &ev);
}

struct gpumon_event *gpumon_model_bpf_xid(struct gpumon_model *m,
					  const struct gpumon_bpf_xid_rec *rec)
{
	struct gpumon_event ev = {
		.source = GPUMON_SRC_BPF,
		.time_mono_ns = rec->time_mono_ns,
		.severity = gpumon_xid_severity(rec->xid),
	};

	m->src[GPUMON_SRC_BPF].events++;
	m->bpf_xids++;
	snprintf(ev.kind, sizeof(ev.kind), "xid-probe");
	snprintf(ev.fields, sizeof(ev.fields), "xid=%u pid=%u comm=%s",
		 rec->xid, rec->pid, *rec->comm ? rec->comm : "-");
	if (*rec->msg)
		snprintf(ev.message, sizeof(ev.message), "%s", rec->msg);
	else
		snprintf(ev.message, sizeof(ev.message),
			 "the NVIDIA driver reported Xid %u", rec->xid);
	return gpumon_model_add_event(m, &ev);
}

void gpumon_model_bpf_progs(struct gpumon_model *m,
			    const struct gpumon_bpf_prog_info *progs, size_t n)
{
	if (n > GPUMON_BPF_NPROGS)
		n = GPUMON_BPF_NPROGS;
	memcpy(m->bpf_progs, progs, n * sizeof(*progs));
	m->nbpf_progs = n;
}
