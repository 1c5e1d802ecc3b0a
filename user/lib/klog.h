/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * klog.h - a stateful decoder of kernel log text: NVIDIA Xid and SXid
 * lines, "fallen off the bus", PCIe DPC containment, CPU thermal
 * throttling, and kernel AER text (context only).
 *
 * Feed it lines of any log tool's output (dmesg, dmesg -T/-H, dmesg
 * --decode, journalctl -k, syslog files with host names) or /dev/kmsg
 * records; it joins multi-line messages and calls back once per event.
 */
#ifndef GPUMON_KLOG_H
#define GPUMON_KLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kmsg.h"
#include "xid.h"
#include "xid_catalog.h"

enum gpumon_klog_kind {
	GPUMON_KLOG_XID,
	GPUMON_KLOG_SXID,
	GPUMON_KLOG_FALLEN_OFF_BUS,
	GPUMON_KLOG_DPC,
	GPUMON_KLOG_CPU_THERMAL,
	GPUMON_KLOG_AER_TEXT,
	GPUMON_KLOG_MALFORMED,
	__GPUMON_KLOG_KIND_MAX
};

#define GPUMON_KLOG_TEXT	1024

/**
 * struct gpumon_klog_sxid - an NVSwitch SXid, joined from its Data,
 * description and Severity lines.
 * @sxid: the SXid code
 * @nvswitch: N of "nvidia-nvswitchN", -1 when absent
 * @fatal: "Fatal" 1, "Non-fatal" 0, -1 when no description line came
 * @link: "Link N" in the description, -1 when absent
 * @severity: "Severity N", -1 when absent
 * @engine: "Engine instance N", -1 when absent
 * @subengine: "Sub-engine instance N", -1 when absent
 * @ndata: words in @data
 * @data: "Data {...}" words
 * @desc: the description after "Fatal, "/"Non-fatal, "
 */
struct gpumon_klog_sxid {
	unsigned int sxid;
	int nvswitch;
	int fatal;
	int link;
	int severity;
	int engine;
	int subengine;
	unsigned int ndata;
	uint32_t data[16];
	char desc[160];
};

/**
 * struct gpumon_klog_event - one decoded event.
 * @kind: what it is
 * @index: decoder's event number, from 1
 * @seq: /dev/kmsg sequence number of its first record; valid if @has_seq
 * @has_seq: see @seq
 * @ts_us: kernel timestamp (µs since boot) of its first line, from the
 *	kmsg record or a "[ SSSS.UUUUUU]" stamp; valid if @has_ts
 * @has_ts: see @ts_us
 * @level: syslog level (LOG_CRIT ... LOG_INFO): from the Xid catalog for
 *	Xids, Fatal/Non-fatal for SXid and NVLink5, fixed per kind otherwise
 * @has_bdf: @bdf is known; when false the event's device is unknown and
 *	nothing is guessed
 * @bdf: "dddd:bb:dd.f" (Xid: function 0, which the driver omits)
 * @nlines: physical lines joined into this event
 * @truncated: the joined text was longer than GPUMON_KLOG_TEXT
 * @text: the kernel text, continuation lines joined by one space, log
 *	tool prefixes removed
 * @xid: kind xid: the decoded line
 * @info: kind xid: the catalog's row, NULL for a code it does not list
 * @nvl: kind xid 144-150: the catalog's decode of the registers, or NULL
 * @nvl_version: layout of IntrInfo that matched (1: before R575, 2: R575
 *	and later), 0 when none
 * @cause_xid: kind xid 45: the Xid it follows from; 0 when none known
 * @cause_index: @index of that Xid's event, 0 when not seen
 * @cause_inferred: the message names no cause; @cause_xid is the last
 *	other Xid seen on the same GPU
 * @sxid: kind sxid
 * @pci_vendor: kind fallen-off-bus: from "(PCI ID: vvvv:dddd)", 0 absent
 * @pci_device: see @pci_vendor
 * @dpc_status: kind dpc: DPC Status register
 * @dpc_reason: kind dpc: trigger reason decoded from @dpc_status
 * @dpc_source: kind dpc: error source BDF, "" when not given or zero
 * @cpu: kind cpu-thermal: N of "CPUN:"
 * @package: kind cpu-thermal: package (true) or core (false)
 * @throttled: kind cpu-thermal: above threshold (true) or back to normal
 * @total_events: kind cpu-thermal: "(total events = N)", 0 when absent
 */
struct gpumon_klog_event {
	enum gpumon_klog_kind kind;
	uint64_t index;
	uint64_t seq;
	bool has_seq;
	uint64_t ts_us;
	bool has_ts;
	int level;
	bool has_bdf;
	char bdf[16];
	unsigned int nlines;
	bool truncated;
	char text[GPUMON_KLOG_TEXT];

	struct gpumon_xid xid;
	const struct gpumon_xid_info *info;
	const struct gpumon_nvlink5_info *nvl;
	int nvl_version;
	unsigned int cause_xid;
	uint64_t cause_index;
	bool cause_inferred;

	struct gpumon_klog_sxid sxid;

	uint16_t pci_vendor;
	uint16_t pci_device;

	uint16_t dpc_status;
	const char *dpc_reason;
	char dpc_source[16];

	int cpu;
	bool package;
	bool throttled;
	uint64_t total_events;
};

/**
 * gpumon_klog_cb - called once per event.
 * @ctx: the decoder's @ctx
 * @ev: the event, valid during the call only
 */
typedef void (*gpumon_klog_cb)(void *ctx, const struct gpumon_klog_event *ev);

/* Xid history kept per GPU for Xid 45 links */
#define GPUMON_KLOG_GPUS	64

struct gpumon_klog_gpu {
	char bdf[16];
	unsigned int last_xid;
	uint64_t last_index;
};

/**
 * struct gpumon_klog - decoder state. Initialise with gpumon_klog_init();
 * no allocation, no other resources.
 */
struct gpumon_klog {
	gpumon_klog_cb cb;
	void *ctx;
	uint64_t next_index;
	/* the logical record being joined (continuation lines) */
	bool rec_open;
	struct gpumon_klog_event rec;
	/* an SXid group or a multi-record "fallen off the bus" */
	bool grp_open;
	struct gpumon_klog_event grp;
	unsigned int grp_parts;
	struct gpumon_klog_gpu gpus[GPUMON_KLOG_GPUS];
	unsigned int ngpus;
	bool after_record;
	uint64_t lines;
	uint64_t events[__GPUMON_KLOG_KIND_MAX];
};

/** gpumon_klog_init() - an empty decoder calling @cb(@ctx, event). */
void gpumon_klog_init(struct gpumon_klog *k, gpumon_klog_cb cb, void *ctx);

/**
 * gpumon_klog_feed_line() - one line of log text.
 * @k: decoder
 * @line: the line, without or with its newline; need not be
 *	NUL-terminated; any bytes (not UTF-8 is kept as is)
 * @len: its length
 *
 * A line that is indented after its prefix (as dmesg and journalctl print
 * the second and later lines of one message) continues the previous one.
 * A line in /dev/kmsg record format ("PRI,SEQ,TS,FLAGS;TEXT") is handled
 * as gpumon_klog_feed_record() would, and " KEY=VALUE" lines after it
 * are skipped. Events of a line come out when the next line shows the
 * message is complete, or at gpumon_klog_flush().
 */
void gpumon_klog_feed_line(struct gpumon_klog *k, const char *line,
			   size_t len);

/**
 * gpumon_klog_feed_record() - one /dev/kmsg record.
 * @k: decoder
 * @rec: the record (gpumon_kmsg_parse())
 *
 * "\x0a" in the text separates the lines of a multi-line message. A
 * record is complete: its event comes out at once, unless it is part of a
 * group that spans records (an SXid's Data/description/Severity lines,
 * "The NVIDIA GPU ... fallen off the bus" printed as separate records),
 * which ends with its last part, another message, or
 * gpumon_klog_flush().
 */
void gpumon_klog_feed_record(struct gpumon_klog *k,
			     const struct gpumon_kmsg_rec *rec);

/**
 * gpumon_klog_flush() - emit whatever is still being joined.
 * @k: decoder
 *
 * Call at end of input, or when the log has been quiet for a while.
 */
void gpumon_klog_flush(struct gpumon_klog *k);

/**
 * gpumon_klog_fields() - an event's decoded fields as "key=value" pairs.
 * @ev: the event
 * @buf: filled, NUL-terminated, cut to @size
 * @size: bytes in @buf
 *
 * Return: @buf.
 */
char *gpumon_klog_fields(const struct gpumon_klog_event *ev, char *buf,
			 size_t size);

/**
 * gpumon_decode_main() - the `gpumon decode [--json]` command
 *	(user/decode.c): kernel log text on stdin, one decoded event per
 *	line on stdout.
 * @argc: arguments after "decode", argv[0] being "decode"
 * @argv: see @argc
 *
 * Return: exit status.
 */
int gpumon_decode_main(int argc, char **argv);

/** gpumon_klog_kind_name() - "xid", "sxid", "fallen-off-bus", "dpc",
 * "cpu-thermal", "aer-text", "malformed". */
const char *gpumon_klog_kind_name(enum gpumon_klog_kind kind);

#endif
