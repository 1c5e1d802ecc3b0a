/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * model.h - gpumond's node model: watched devices, their counters, the
 * event ring and the state of every source.  One lock guards it all;
 * the event loop writes, the HTTP threads read.
 */
#ifndef GPUMON_MODEL_H
#define GPUMON_MODEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "aer.h"
#include "bpf_src.h"
#include "klog.h"
#include "nl_src.h"
#include "xid.h"
#include "xid_catalog.h"

enum gpumon_source {
	GPUMON_SRC_NETLINK,
	GPUMON_SRC_BPF,
	GPUMON_SRC_KMSG,
	__GPUMON_SRC_MAX
};

/**
 * struct gpumon_src_state - one source as shown to the operator.
 * @on: the source is delivering
 * @why: when off, why (one sentence)
 * @events: records received from it
 * @lost: records it lost (sequence gaps, ring buffer drops, kmsg
 *	overwrites), exact where the source can tell
 * @malformed: records it could not decode (kept raw as events)
 */
struct gpumon_src_state {
	bool on;
	char why[192];
	uint64_t events;
	uint64_t lost;
	uint64_t malformed;
};

/**
 * struct gpumon_dev - one PCIe device of the node.
 * @bdf: "dddd:bb:dd.f"
 * @parent: upstream bridge BDF, "" when none or unknown
 * @role: enum gpumon_role; GPUMON_ROLE_UNSPEC when known only from a log
 * @in_module: the module watches it; @aer are the module's counters
 * @aer: AER errors per enum gpumon_aer_severity
 * @xid_count: Xid lines decoded for it
 * @last_xid: code of the last Xid, valid when @xid_count > 0
 * @last_xid_msg: its description as the driver printed it
 * @last_xid_real_ns: CLOCK_REALTIME of the last Xid, ns
 * @xid_by_code: Xids per code; [0] counts codes outside the catalog's
 *	1-GPUMON_XID_CATALOG_MAX
 * @last_xid_mnemonic: catalog mnemonic of the last Xid, NULL when the
 *	catalog does not list it (static string)
 * @last_xid_action: catalog immediate action of the last Xid, NULL when
 *	unknown (static string)
 * @last_xid_level: syslog level of the last Xid
 * @sxid_count: NVSwitch SXids decoded for it (one per Data/description/
 *	Severity group)
 * @sxid_fatal: of those, the fatal ones
 * @last_sxid: code of the last SXid, valid when @sxid_count > 0
 * @last_sxid_fatal: 1 fatal, 0 non-fatal, -1 not stated
 * @last_sxid_msg: its description
 * @fallen_off: "fallen off the bus" messages without an Xid (probe
 *	failures)
 * @dpc: DPC containment events at this port
 * @cor_reported: @aer[GPUMON_AER_CORRECTABLE] as of the last correctable
 *	alert line (its baseline when the device was first seen)
 * @cor_alert_mono_ns: CLOCK_MONOTONIC of the last correctable alert line
 * @dump_gen: the module dump that last listed it
 */
struct gpumon_dev {
	char bdf[GPUMON_BDF_LEN];
	char parent[GPUMON_BDF_LEN];
	uint16_t vendor;
	uint16_t device;
	uint32_t class;
	enum gpumon_role role;
	bool in_module;
	uint64_t aer[__GPUMON_AER_SEV_MAX];
	uint64_t xid_count;
	unsigned int last_xid;
	char last_xid_msg[256];
	uint64_t last_xid_real_ns;
	uint64_t xid_by_code[GPUMON_XID_CATALOG_MAX + 1];
	const char *last_xid_mnemonic;
	const char *last_xid_action;
	int last_xid_level;
	uint64_t sxid_count;
	uint64_t sxid_fatal;
	unsigned int last_sxid;
	int last_sxid_fatal;
	char last_sxid_msg[160];
	uint64_t fallen_off;
	uint64_t dpc;
	uint64_t cor_reported;
	uint64_t cor_alert_mono_ns;
	uint64_t dump_gen;
};

/**
 * struct gpumon_event - one event kept in the ring.
 * @seq: gpumond's sequence number, from 1, no gaps
 * @time_real_ns: CLOCK_REALTIME, ns
 * @time_mono_ns: CLOCK_MONOTONIC, ns
 * @source: where it came from
 * @kind: "aer", "xid", "sxid", "fallen-off-bus", "dpc", "cpu-thermal",
 *	"log-malformed", "source", "lost"
 * @severity: syslog level (LOG_CRIT ... LOG_INFO)
 * @entity: BDF, or "" for the node
 * @fields: key=value pairs, space separated
 * @message: a sentence, or the raw log text for a malformed line
 * @aer: for kind "aer", the record (to match BPF detail to it)
 * @bpf_seen: the BPF program saw this error too
 */
struct gpumon_event {
	uint64_t seq;
	uint64_t time_real_ns;
	uint64_t time_mono_ns;
	enum gpumon_source source;
	char kind[16];
	int severity;
	char entity[GPUMON_BDF_LEN];
	char fields[384];
	char message[320];
	struct gpumon_aer_rec aer;
	bool bpf_seen;
};

#define GPUMON_EVENT_RING	4096
#define GPUMON_BPF_PENDING	256
#define GPUMON_TZONES_MAX	64
/* A BPF trip record alerts again after the trip was quiet this long. */
#define GPUMON_TRIP_QUIET_NS	(30ULL * 1000000000ULL)
/* RAPL domains kept: packages x (package, dram). */
#define GPUMON_RAPL_DOMAINS_MAX	32

/**
 * struct gpumon_tzone - a thermal zone, from the BPF thermal programs
 * and from the module's THERMAL_GET dump (the same zone id in both).
 * @type: the zone's type ("x86_pkg_temp", "acpitz")
 * @id: N of /sys/class/thermal/thermal_zoneN
 * @temp_valid: @temp_mc holds a reading
 * @temp_mc: last temperature, millidegrees C (the newer of BPF's and the
 *	module's)
 * @updates: temperature updates seen by BPF
 * @trips: trip point crossings seen by BPF
 * @last_trip: index of the last trip point crossed, valid when @trips
 * @last_trip_type: 0 active, 1 passive, 2 hot, 3 critical
 * @in_module: the module samples it; the fields below are its, as of
 *	the last dump
 * @mod: the module's zone (its valid bits say which fields it sent);
 *	@mod.trips hold the trip points with their crossings
 */
struct gpumon_tzone {
	char type[GPUMON_NL_ZONE_LEN];
	int id;
	bool temp_valid;
	int temp_mc;
	uint64_t updates;
	uint64_t trips;
	unsigned int last_trip;
	unsigned int last_trip_type;
	uint64_t trip_seen_ns[GPUMON_NL_MAX_TRIPS];
	uint32_t trip_alerted;	/* per trip id < 32: syslog was told it is asserted */
	uint64_t trip_event_ns[GPUMON_NL_MAX_TRIPS];	/* last module event */
	bool in_module;
	struct gpumon_nl_tzone mod;
};

struct gpumon_model {
	pthread_mutex_t lock;
	char host[64];
	struct gpumon_src_state src[__GPUMON_SRC_MAX];
	struct gpumon_dev *devs;
	size_t ndevs;
	size_t devs_cap;
	struct gpumon_event *ring;
	size_t ring_cap;
	uint64_t next_seq;
	/* BPF records waiting for the module's event of the same error */
	struct gpumon_aer_rec pending[GPUMON_BPF_PENDING];
	size_t npending;
	uint64_t bpf_matched;
	uint64_t bpf_unmatched_dropped;
	uint64_t dump_gen;
	/* CPU thermal throttling from the kernel log, node-wide */
	uint64_t cpu_throttle_lines;
	bool cpu_throttled;
	/* BPF: thermal zones, thermal interrupts per CPU, Xids, programs */
	struct gpumon_tzone tzones[GPUMON_TZONES_MAX];
	size_t ntzones;
	uint64_t *cpu_thermal_irqs;	/* per possible CPU, since load */
	int ncpus;
	bool cpu_irq_active;		/* interrupts since the last read */
	uint64_t bpf_xids;
	struct gpumon_bpf_prog_info bpf_progs[GPUMON_BPF_NPROGS];
	size_t nbpf_progs;
	/* the module: RAPL domains and its thermal/RAPL source states */
	struct gpumon_nl_rapl rapl[GPUMON_RAPL_DOMAINS_MAX];
	size_t nrapl;
	struct gpumon_nl_stats kstats;	/* valid 0 until the first reply */
};

/**
 * struct gpumon_cpu_power - the node's CPU package power, summed over
 * the packages' RAPL "package" domains of the module's last windows.
 * @valid: some package had a complete window
 * @avg_mw: sum of the window averages, milliwatts
 * @max_mw: sum of the window maxima, milliwatts (an upper bound of the
 *	node's highest one-sample power)
 * @packages: packages summed
 */
struct gpumon_cpu_power {
	bool valid;
	uint64_t avg_mw;
	uint64_t max_mw;
	unsigned int packages;
};

const char *gpumon_source_name(enum gpumon_source s);
const char *gpumon_role_name(enum gpumon_role r);
const char *gpumon_aer_sev_name(enum gpumon_aer_severity s);
const char *gpumon_level_name(int level);

/**
 * gpumon_model_init() - an empty model.
 * @ring_cap: events kept; older ones are overwritten and counted as lost
 *	to a reader that asks for them
 * Return: 0 or -ENOMEM.
 */
int gpumon_model_init(struct gpumon_model *m, size_t ring_cap);
void gpumon_model_fini(struct gpumon_model *m);

/**
 * gpumon_model_dev() - find a device by BDF, optionally adding it.
 * Caller holds @m->lock.
 * Return: the device, or NULL when absent and !@create (or no memory).
 */
struct gpumon_dev *gpumon_model_dev(struct gpumon_model *m, const char *bdf,
				    bool create);

/**
 * gpumon_model_add_event() - append an event, assigning its sequence
 * number and, when zero, its times.  Caller holds @m->lock.
 * Return: the stored event (valid until the ring wraps).
 */
struct gpumon_event *gpumon_model_add_event(struct gpumon_model *m,
					    const struct gpumon_event *ev);

/**
 * gpumon_model_events_after() - events with seq > @after, oldest first.
 * Caller holds @m->lock.
 * @first: index of the first such event in ring order (pass to
 *	gpumon_model_event_at())
 * @lost: set to events after @after already overwritten in the ring
 * Return: number of such events still in the ring.
 */
size_t gpumon_model_events_after(const struct gpumon_model *m, uint64_t after,
				 uint64_t *first, uint64_t *lost);
const struct gpumon_event *gpumon_model_event_at(const struct gpumon_model *m,
						 uint64_t seq);

/**
 * gpumon_model_module_dev() - merge one device of the module's dump.
 * Caller holds @m->lock.  The module's counters replace ours.
 */
void gpumon_model_module_dev(struct gpumon_model *m,
			     const struct gpumon_nl_dev *nd);

/**
 * gpumon_model_aer() - account one AER error from @src.
 * Caller holds @m->lock.  With the module's netlink source on, the module
 * is the count and a BPF record only adds detail to the module's event
 * of the same error; without it, each BPF record is one error.
 * Return: the event that carries the error, or NULL when the record was
 * merged into an existing event or held back to be merged.
 */
struct gpumon_event *gpumon_model_aer(struct gpumon_model *m,
				      enum gpumon_source src,
				      const struct gpumon_aer_rec *rec);

/**
 * gpumon_model_xid() - account one decoded Xid line.  Caller holds the lock.
 * @level: syslog level of the event
 * Return: the new event.
 */
struct gpumon_event *gpumon_model_xid(struct gpumon_model *m,
				      const struct gpumon_xid *x,
				      int level);

/**
 * gpumon_model_klog() - account one event of the kernel log decoder.
 * Caller holds the lock.
 * @ev: the decoded event (kinds xid, sxid, fallen-off-bus, dpc,
 *	cpu-thermal; aer-text and malformed are not taken here)
 *
 * Xids count per code on their GPU with the catalog's mnemonic, action
 * and level; SXids on their NVSwitch (marked as one when the module does
 * not know the device). CPU thermal lines, printed once per logical CPU,
 * are counted on the node and make an event only when the node goes
 * from normal to throttled or back. The event's fields are
 * gpumon_klog_fields(); its message the driver's text.
 *
 * Return: the new event, or NULL when none was added.
 */
struct gpumon_event *gpumon_model_klog(struct gpumon_model *m,
				       const struct gpumon_klog_event *ev);

/**
 * gpumon_model_source() - mark a source on or off, with the reason.
 * Caller holds the lock.  A change is recorded as an event.
 * Return: that event, or NULL when nothing changed.
 */
struct gpumon_event *gpumon_model_source(struct gpumon_model *m, enum gpumon_source s,
			 bool on, const char *why);

/** gpumon_now_ns() - the clock @clk (CLOCK_MONOTONIC, CLOCK_REALTIME), ns. */
uint64_t gpumon_now_ns(int clk);

/**
 * gpumon_model_dump_begin() - a dump of the module's devices starts.
 * Caller holds the lock; call gpumon_model_module_dev() per device, then
 * gpumon_model_dump_end().
 */
void gpumon_model_dump_begin(struct gpumon_model *m);

/**
 * gpumon_model_dump_end() - the dump is complete: a device the module
 * listed before and no longer lists was removed (an event); one it lists
 * for the first time after the first dump was added (an event).
 */
void gpumon_model_dump_end(struct gpumon_model *m);

/**
 * gpumon_model_thermal() - account one thermal tracepoint record.
 * Caller holds the lock.
 *
 * A temperature update only refreshes its zone; a trip crossing
 * (critical and hot: LOG_CRIT, passive: LOG_WARNING, active: LOG_NOTICE)
 * and a cooling device state change (LOG_NOTICE when cooling, LOG_INFO
 * back to 0) are events.
 *
 * Return: the new event, or NULL when none was added.
 */
struct gpumon_event *gpumon_model_thermal(struct gpumon_model *m,
					  const struct gpumon_thermal_rec *rec);

/**
 * gpumon_model_module_thermal() - merge the module's thermal zone dump.
 * Caller holds the lock.
 * @zones: every zone of one complete THERMAL_GET dump
 * @n: entries in @zones
 *
 * Zones are matched by id with those the BPF programs saw; a zone the
 * module no longer lists (reloaded) loses its module fields.  The
 * module's last sample becomes the zone's temperature.  A trip whose
 * asserted state differs from what syslog was told, with no event
 * about it since the dump was read, is reported as the module's event
 * would have been (asserted before gpumond started, or its event lost).
 * gpumon_model_module_thermal() takes the dump as read now.
 */
void gpumon_model_module_thermal(struct gpumon_model *m,
				 const struct gpumon_nl_tzone *zones, size_t n);
/**
 * gpumon_model_module_thermal_at() - the same, for a dump whose request
 * was sent at @read_mono_ns (CLOCK_MONOTONIC): a module event at or
 * after that time is newer than the dump, which then says nothing
 * about that trip.
 */
void gpumon_model_module_thermal_at(struct gpumon_model *m,
				    const struct gpumon_nl_tzone *zones,
				    size_t n, uint64_t read_mono_ns);

/**
 * gpumon_model_module_power() - replace the RAPL domains with the
 * module's POWER_GET dump.  Caller holds the lock.
 * @n: entries in @r; past GPUMON_RAPL_DOMAINS_MAX they are dropped
 */
void gpumon_model_module_power(struct gpumon_model *m,
			       const struct gpumon_nl_rapl *r, size_t n);

/**
 * gpumon_model_module_stats() - the module's STATS_GET reply.  Caller
 * holds the lock.  A change of its thermal or RAPL source state is an
 * event (LOG_INFO when on, LOG_WARNING otherwise).
 * Return: the last event added, or NULL when nothing changed.
 */
struct gpumon_event *gpumon_model_module_stats(struct gpumon_model *m,
					       const struct gpumon_nl_stats *st);

/**
 * gpumon_model_module_thermal_event() - one thermal notification of the
 * module.  Caller holds the lock.
 * @ev: GPUMON_EVENT_THERMAL_TRIP, _TRIP_CLEARED, _ZONE_ADDED or
 *	_ZONE_REMOVED; other kinds are ignored
 *
 * Kind "thermal-trip" with state=asserted (critical: LOG_CRIT, hot:
 * LOG_ERR, passive: LOG_WARNING, active and unknown types: LOG_NOTICE)
 * or state=cleared (LOG_INFO); kind "thermal-zone" with state=added
 * (LOG_NOTICE) or removed (LOG_WARNING).  The zone's trip is marked
 * asserted or clear at once; the next dump brings the counts.
 *
 * Return: the new event, or NULL for other kinds.
 */
struct gpumon_event *gpumon_model_module_thermal_event(struct gpumon_model *m,
						       const struct gpumon_nl_event *ev);

/**
 * gpumon_model_cpu_power() - CPU package power of the node.  Caller
 * holds the lock.
 * @p: filled in; @p->valid false when no package domain has a window
 */
void gpumon_model_cpu_power(const struct gpumon_model *m,
			    struct gpumon_cpu_power *p);

/**
 * gpumon_model_hottest() - the module zone with the highest last sample.
 * Caller holds the lock.
 * Return: the zone, or NULL when none has a temperature.
 */
const struct gpumon_tzone *gpumon_model_hottest(const struct gpumon_model *m);

/**
 * gpumon_model_trips_asserted() - trip points the module has asserted now,
 * over all zones.  Caller holds the lock.
 */
unsigned int gpumon_model_trips_asserted(const struct gpumon_model *m);

/**
 * gpumon_model_cpu_thermal_irqs() - the BPF thermal interrupt counts.
 * Caller holds the lock.
 * @counts: thermal interrupts per possible CPU since the program loaded
 * @n: number of CPUs in @counts
 *
 * One event when CPUs start taking thermal interrupts (LOG_WARNING,
 * naming the CPUs and the count since the last read) and one when a
 * read finds none again (LOG_INFO).
 *
 * Return: the new event, or NULL when none was added.
 */
struct gpumon_event *gpumon_model_cpu_thermal_irqs(struct gpumon_model *m,
						   const uint64_t *counts,
						   int n);

/**
 * gpumon_model_pcie_link() - account one pci:pcie_link_event.
 * Caller holds the lock.  LOG_WARNING when the link runs below its
 * maximum speed, else LOG_NOTICE.
 * Return: the new event.
 */
struct gpumon_event *gpumon_model_pcie_link(struct gpumon_model *m,
					    const struct gpumon_pcie_link_rec *rec);

/**
 * gpumon_model_pci_hp() - account one pci:pci_hp_event.
 * Caller holds the lock.  LOG_CRIT for link down and card gone,
 * LOG_NOTICE for link up and card present.
 * Return: the new event.
 */
struct gpumon_event *gpumon_model_pci_hp(struct gpumon_model *m,
					 const struct gpumon_pci_hp_rec *rec);

/**
 * gpumon_model_bpf_xid() - account one Xid from the kprobe on nvidia.ko.
 * Caller holds the lock.  The probe does not know the GPU, so the Xid is
 * counted on the node (the kmsg source counts it on its GPU); the event,
 * kind "xid-probe", has the catalog's level.
 * Return: the new event.
 */
struct gpumon_event *gpumon_model_bpf_xid(struct gpumon_model *m,
					  const struct gpumon_bpf_xid_rec *rec);

/**
 * gpumon_model_bpf_progs() - replace the per-program BPF state.
 * Caller holds the lock.
 */
void gpumon_model_bpf_progs(struct gpumon_model *m,
			    const struct gpumon_bpf_prog_info *progs, size_t n);

#endif
