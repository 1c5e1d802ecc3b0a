// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_klog.c - unit tests of the kernel log decoder (user/lib/klog.c).
 *
 * Inputs are the corpus excerpts and real-format lines in
 * tests/fixtures/klog/ (file names carry the corpus id). Every line is
 * passed in a heap buffer of exactly its length so that AddressSanitizer
 * catches reads past it; every event is copied out of the callback and
 * its decoded fields are checked. The "model" case checks what gpumond
 * keeps of the events (gpumon_model_klog()) and the alert lines.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "alert.h"
#include "klog.h"
#include "model.h"
#include "check_run.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_EV	64

static struct gpumon_klog_event ev[MAX_EV];
static int nev;
static struct gpumon_klog k;

static void on_event(void *ctx, const struct gpumon_klog_event *e)
{
	ck_assert_int_lt(nev, MAX_EV);
	ck_assert_uint_eq(e->index, (uint64_t)nev + 1);
	ev[nev++] = *e;
}

static void reset(void)
{
	nev = 0;
	gpumon_klog_init(&k, on_event, NULL);
}

static void feed(const char *s, size_t len)
{
	char *copy = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, len);
	gpumon_klog_feed_line(&k, copy, len);
	free(copy);
}

static void feed_str(const char *s)
{
	feed(s, strlen(s));
}

/* Feed a fixture line by line (without flushing). */
static void feed_file(const char *name)
{
	static char data[16384];
	char path[256];
	size_t sz;
	char *p, *end;
	FILE *f;

	snprintf(path, sizeof(path), "tests/fixtures/klog/%s", name);
	f = fopen(path, "rb");
	ck_assert_msg(f, "cannot open %s (run from the repository root): %s",
		      path, strerror(errno));
	sz = fread(data, 1, sizeof(data), f);
	fclose(f);
	ck_assert_uint_lt(sz, sizeof(data));
	for (p = data, end = data + sz; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		feed(p, l);
		p += l;
	}
}

static void run_file(const char *name)
{
	reset();
	feed_file(name);
	gpumon_klog_flush(&k);
}

START_TEST(test_hc03_fallen_off_three_lines)
{
	run_file("hc03-fallen-off.log");
	ck_assert_int_eq(nev, 1);
	ck_assert_int_eq(ev[0].kind, GPUMON_KLOG_FALLEN_OFF_BUS);
	ck_assert_int_eq(ev[0].level, LOG_CRIT);
	ck_assert(ev[0].has_bdf);
	ck_assert_str_eq(ev[0].bdf, "0000:b3:00.0");
	ck_assert_uint_eq(ev[0].pci_vendor, 0x10de);
	ck_assert_uint_eq(ev[0].pci_device, 0x26b5);
	ck_assert_uint_eq(ev[0].nlines, 3);
	ck_assert(ev[0].has_ts);
	ck_assert_uint_eq(ev[0].ts_us, 1843308145ULL);
	ck_assert_str_eq(ev[0].text, "NVRM: The NVIDIA GPU 0000:b3:00.0 NVRM: "
			 "(PCI ID: 10de:26b5) installed in this system has "
			 "NVRM: fallen off the bus and is not responding to "
			 "commands.");
}
END_TEST

START_TEST(test_hc07_sxid_groups)
{
	run_file("hc07-sxid.log");
	ck_assert_int_eq(nev, 2);
	for (int i = 0; i < 2; i++) {
		const struct gpumon_klog_sxid *s = &ev[i].sxid;

		ck_assert_int_eq(ev[i].kind, GPUMON_KLOG_SXID);
		ck_assert_str_eq(ev[i].bdf, "0000:04:00.0");
		ck_assert_int_eq(ev[i].level, LOG_WARNING);
		ck_assert_uint_eq(ev[i].nlines, 3);
		ck_assert_uint_eq(s->sxid, 22013);
		ck_assert_int_eq(s->nvswitch, 3);
		ck_assert_int_eq(s->fatal, 0);
		ck_assert_int_eq(s->link, 44 + i);
		ck_assert_int_eq(s->severity, 0);
		ck_assert_int_eq(s->engine, 44 + i);
		ck_assert_int_eq(s->subengine, 0);
		ck_assert_uint_eq(s->ndata, 9);
		ck_assert_uint_eq(s->data[0], 0x2bu + (unsigned int)i);
		ck_assert_uint_eq(s->data[4], 0x80005302u);
		ck_assert_str_eq(s->desc, i ? "Link 45 Minion Link DLREQ interrupt" :
				 "Link 44 Minion Link DLREQ interrupt");
	}
	ck_assert_uint_eq(ev[0].ts_us, 38175561ULL);
	ck_assert_uint_eq(ev[1].ts_us, 38183583ULL);
}
END_TEST

/* A Data line alone stays open until the next message or a flush. */
START_TEST(test_hc08_sxid_iso_prefix)
{
	reset();
	feed_file("hc08-sxid-iso.log");
	ck_assert_int_eq(nev, 0);
	gpumon_klog_flush(&k);
	ck_assert_int_eq(nev, 1);
	ck_assert_int_eq(ev[0].kind, GPUMON_KLOG_SXID);
	ck_assert_str_eq(ev[0].bdf, "0000:84:00.0");
	ck_assert_uint_eq(ev[0].sxid.sxid, 12028);
	ck_assert_int_eq(ev[0].sxid.nvswitch, 1);
	ck_assert_int_eq(ev[0].sxid.fatal, -1);
	ck_assert_int_eq(ev[0].level, LOG_ERR);
	ck_assert_uint_eq(ev[0].sxid.ndata, 9);
	ck_assert_uint_eq(ev[0].sxid.data[1], 0x00bd5c8a);
	ck_assert_uint_eq(ev[0].sxid.data[6], 0x5a001100);
	/* prefix removed: facility, level and ISO stamp */
	ck_assert(!strncmp(ev[0].text, "nvidia-nvswitch1: SXid", 22));
	ck_assert(!ev[0].has_ts);
}
END_TEST

START_TEST(test_hc17_xids)
{
	static const struct {
		const char *bdf;
		unsigned int xid;
		int level;
	} t[] = {
		{ "0000:00:05.0", 43, LOG_INFO },
		{ "0000:00:07.0", 31, LOG_WARNING },
		{ "0000:00:08.0", 94, LOG_WARNING },
		{ "0009:01:00.0", 43, LOG_INFO },
	};

	run_file("hc17-dmesg-T.log");
	ck_assert_int_eq(nev, (int)ARRAY_SIZE(t));
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_int_eq(ev[i].kind, GPUMON_KLOG_XID);
		ck_assert_str_eq(ev[i].bdf, t[i].bdf);
		ck_assert_uint_eq(ev[i].xid.xid, t[i].xid);
		ck_assert_int_eq(ev[i].level, t[i].level);
		ck_assert_ptr_nonnull(ev[i].info);
		ck_assert_uint_eq(ev[i].info->code, t[i].xid);
	}
	ck_assert_str_eq(ev[0].xid.name, "pt_main_thread");
	ck_assert_int_eq(ev[2].xid.contained, 1);
	ck_assert_str_eq(ev[2].xid.contained_unit, "SM");
	ck_assert_int_eq(ev[2].xid.rst, 0);
	ck_assert_int_eq(ev[2].xid.drst, 0);
	ck_assert_str_eq(ev[2].info->immediate, "RESTART_APP");
	/* "[Wed Jul 31 ...]" is no uptime; "[1231741.378609]" is */
	ck_assert(!ev[0].has_ts);
	ck_assert(ev[3].has_ts);
	ck_assert_uint_eq(ev[3].ts_us, 1231741378609ULL);
}
END_TEST

/* AER text is context: reported, at INFO, and nothing else. */
START_TEST(test_hc27_aer_text_context_only)
{
	run_file("hc27-aer-relative.log");
	ck_assert_int_eq(nev, 6);
	for (int i = 0; i < nev; i++) {
		ck_assert_int_eq(ev[i].kind, GPUMON_KLOG_AER_TEXT);
		ck_assert_int_eq(ev[i].level, LOG_INFO);
		ck_assert(!ev[i].has_ts);	/* dmesg -H: relative */
	}
	ck_assert_str_eq(ev[0].bdf, "0000:03:00.0");
	ck_assert_str_eq(ev[4].bdf, "0000:00:03.0");
	ck_assert_str_eq(ev[4].text, "pcieport 0000:00:03.0:    [ 5] SDES");
	ck_assert_uint_eq(k.events[GPUMON_KLOG_XID], 0);
}
END_TEST

START_TEST(test_hc30_journal_host_prefix)
{
	run_file("hc30-journal.log");
	ck_assert_int_eq(nev, 5);
	ck_assert_int_eq(ev[0].kind, GPUMON_KLOG_AER_TEXT);
	ck_assert_uint_eq(ev[0].ts_us, 68185875052ULL);
	ck_assert(!strncmp(ev[0].text, "pcieport 0000:00:03.1: AER:", 27));
	ck_assert_int_eq(ev[2].kind, GPUMON_KLOG_AER_TEXT);
	ck_assert_str_eq(ev[2].bdf, "0000:07:00.0");
	ck_assert_int_eq(ev[3].kind, GPUMON_KLOG_XID);
	ck_assert_uint_eq(ev[3].xid.xid, 79);
	ck_assert_int_eq(ev[3].level, LOG_CRIT);
	ck_assert_str_eq(ev[3].info->immediate, "RESTART_BM");
	ck_assert_str_eq(ev[3].bdf, "0000:07:00.0");
	ck_assert_int_eq(ev[4].kind, GPUMON_KLOG_FALLEN_OFF_BUS);
	ck_assert_str_eq(ev[4].bdf, "0000:07:00.0");
	ck_assert_uint_eq(ev[4].pci_vendor, 0);
}
END_TEST

START_TEST(test_hc41_cpu_thermal)
{
	static const struct {
		int cpu;
		bool package, throttled;
		uint64_t total;
	} t[] = {
		{ 4, true, true, 740 },
		{ 7, false, false, 0 },
		{ 0, true, false, 0 },
		{ 5, false, true, 2081 },
		{ 0, true, true, 2263 },
	};

	run_file("hc41-cpu-thermal.log");
	ck_assert_int_eq(nev, (int)ARRAY_SIZE(t));
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_int_eq(ev[i].kind, GPUMON_KLOG_CPU_THERMAL);
		ck_assert_int_eq(ev[i].cpu, t[i].cpu);
		ck_assert_int_eq(ev[i].package, t[i].package);
		ck_assert_int_eq(ev[i].throttled, t[i].throttled);
		ck_assert_uint_eq(ev[i].total_events, t[i].total);
		ck_assert_int_eq(ev[i].level,
				 t[i].throttled ? LOG_WARNING : LOG_INFO);
		ck_assert(!ev[i].has_bdf);
	}
}
END_TEST

START_TEST(test_dpc)
{
	run_file("dpc.log");
	/* the separate "ERR_FATAL detected" line is not a second event */
	ck_assert_int_eq(nev, 3);
	ck_assert_int_eq(ev[0].kind, GPUMON_KLOG_DPC);
	ck_assert_str_eq(ev[0].bdf, "0000:00:01.1");
	ck_assert_uint_eq(ev[0].dpc_status, 0x1f05);
	ck_assert_str_eq(ev[0].dpc_reason, "ERR_FATAL");
	ck_assert_str_eq(ev[0].dpc_source, "0000:03:00.0");
	ck_assert_int_eq(ev[0].level, LOG_CRIT);
	ck_assert_str_eq(ev[1].bdf, "0001:80:03.0");
	ck_assert_str_eq(ev[1].dpc_reason, "ERR_NONFATAL");
	ck_assert_str_eq(ev[1].dpc_source, "0001:81:00.0");
	ck_assert_str_eq(ev[2].dpc_reason, "unmasked uncorrectable error");
	ck_assert_str_eq(ev[2].dpc_source, "");
}
END_TEST

/* Raw /dev/kmsg records as lines: sequence numbers, \x0a, dictionaries. */
START_TEST(test_kmsg_record_lines)
{
	reset();
	feed_file("kmsg-records.log");
	/* each record is complete; the SXid group ends at Severity */
	ck_assert_int_eq(nev, 3);
	ck_assert_int_eq(ev[0].kind, GPUMON_KLOG_FALLEN_OFF_BUS);
	ck_assert(ev[0].has_seq);
	ck_assert_uint_eq(ev[0].seq, 1201);
	ck_assert_uint_eq(ev[0].nlines, 3);
	ck_assert_str_eq(ev[0].bdf, "0000:b3:00.0");
	ck_assert_uint_eq(ev[0].pci_device, 0x26b5);
	ck_assert_int_eq(ev[1].kind, GPUMON_KLOG_XID);
	ck_assert_uint_eq(ev[1].seq, 1202);
	ck_assert_uint_eq(ev[1].ts_us, 1843308200ULL);
	ck_assert_int_eq(ev[2].kind, GPUMON_KLOG_SXID);
	ck_assert_uint_eq(ev[2].seq, 1203);
	ck_assert_int_eq(ev[2].sxid.link, 44);
	gpumon_klog_flush(&k);
	ck_assert_int_eq(nev, 3);
}
END_TEST

/* The same through gpumon_klog_feed_record(), one record per call. */
START_TEST(test_feed_record)
{
	static const char *const recs[] = {
		"4,7,100,-;NVRM: Xid (PCI:0000:1b:00): 48, pid=1, name=a, DBE",
		"4,8,101,-;nvidia-nvswitch0: SXid (PCI:0000:05:00.0): 20034, "
		"Fatal, Link 30 LTSSM Fault Up",
		"4,9,102,-;nvidia-nvswitch0: SXid (PCI:0000:05:00.0): 20034, "
		"Severity 5 Engine instance 30 Sub-engine instance 00",
	};
	struct gpumon_kmsg_rec rec;

	reset();
	for (size_t i = 0; i < ARRAY_SIZE(recs); i++) {
		ck_assert_int_eq(gpumon_kmsg_parse(recs[i], strlen(recs[i]),
						   &rec), 0);
		gpumon_klog_feed_record(&k, &rec);
	}
	ck_assert_int_eq(nev, 2);
	ck_assert_uint_eq(ev[0].seq, 7);
	ck_assert_int_eq(ev[1].sxid.fatal, 1);
	ck_assert_int_eq(ev[1].level, LOG_CRIT);
	ck_assert_int_eq(ev[1].sxid.severity, 5);
	ck_assert_int_eq(ev[1].sxid.link, 30);
	ck_assert_uint_eq(ev[1].sxid.ndata, 0);
	ck_assert_uint_eq(ev[1].seq, 8);
	ck_assert_uint_eq(ev[1].nlines, 2);
}
END_TEST

/* Overlong, non-UTF-8, continuation, truncated and unknown-code lines. */
START_TEST(test_edge_lines)
{
	run_file("edge.log");
	ck_assert_int_eq(nev, 7);
	/* overlong continuation: joined, cut, flagged */
	ck_assert_int_eq(ev[0].kind, GPUMON_KLOG_XID);
	ck_assert_uint_eq(ev[0].xid.xid, 13);
	ck_assert_uint_eq(ev[0].nlines, 2);
	ck_assert(ev[0].truncated);
	ck_assert_uint_eq(strlen(ev[0].text), GPUMON_KLOG_TEXT - 1);
	/* bytes that are not UTF-8 are kept as they are */
	ck_assert_str_eq(ev[1].xid.name, "py\xff\xfe");
	/* an indented continuation line belongs to its message */
	ck_assert_uint_eq(ev[2].xid.xid, 48);
	ck_assert_uint_eq(ev[2].nlines, 2);
	ck_assert(!ev[2].truncated);
	ck_assert_ptr_nonnull(strstr(ev[2].text, "at partition 6, "
					     "subpartition 0."));
	/* cut lines are kept raw as malformed, not dropped */
	ck_assert_int_eq(ev[3].kind, GPUMON_KLOG_MALFORMED);
	ck_assert_str_eq(ev[3].text, "NVRM: Xid (PCI:0000:47:");
	ck_assert_int_eq(ev[4].kind, GPUMON_KLOG_MALFORMED);
	/* a code the catalog does not list: kept, shown raw */
	ck_assert_int_eq(ev[5].kind, GPUMON_KLOG_XID);
	ck_assert_uint_eq(ev[5].xid.xid, 9999);
	ck_assert_ptr_null(ev[5].info);
	ck_assert_int_eq(ev[5].level, LOG_WARNING);
	/* syslog priority tag */
	ck_assert_uint_eq(ev[6].xid.xid, 119);
	ck_assert_int_eq(ev[6].level, LOG_CRIT);
}
END_TEST

/* Xid 45 is linked to the Xid that caused it. */
START_TEST(test_xid45_link)
{
	reset();
	feed_str("[ 10.0] NVRM: Xid (PCI:0000:1b:00): 48, pid=1, name=a, DBE");
	feed_str("[ 10.1] NVRM: Xid (PCI:0000:1b:00): 45, pid=1, name=a, "
		 "Ch 00000010");
	feed_str("[ 10.2] NVRM: Xid (PCI:0000:1b:00): 45, pid=2, name=b, "
		 "Ch 00000011, caused by previous Xid 48");
	feed_str("[ 10.3] NVRM: Xid (PCI:0000:2b:00): 45, pid=3, name=c, "
		 "Ch 00000012");
	feed_str("[ 10.4] NVRM: Xid (PCI:0000:1b:00): 45, pid=4, name=d, "
		 "Ch 00000013, caused by previous Xid 13");
	gpumon_klog_flush(&k);
	ck_assert_int_eq(nev, 5);
	ck_assert_uint_eq(ev[1].cause_xid, 48);
	ck_assert_uint_eq(ev[1].cause_index, ev[0].index);
	ck_assert(ev[1].cause_inferred);
	ck_assert_uint_eq(ev[2].cause_xid, 48);
	ck_assert_uint_eq(ev[2].cause_index, ev[0].index);
	ck_assert(!ev[2].cause_inferred);
	/* other GPU, no Xid before it */
	ck_assert_uint_eq(ev[3].cause_xid, 0);
	ck_assert_uint_eq(ev[3].cause_index, 0);
	/* named cause not seen on this GPU: no event to link to */
	ck_assert_uint_eq(ev[4].cause_xid, 13);
	ck_assert_uint_eq(ev[4].cause_index, 0);
}
END_TEST

/* NVLink5: catalog row from the registers, level from "Fatal". */
START_TEST(test_nvlink5_event)
{
	reset();
	feed_str("[ 9811.101010] NVRM: Xid (PCI:0018:01:00): 149, "
		 "pid='<unknown>', name=<unknown>, NETIR_LINK_EVT Fatal XC0 "
		 "i0 Link 08 (0x004505c6 0x00000000 0x00000000 0x00000000 "
		 "0x00000000 0x00000000)");
	feed_str("NVRM: Xid (PCI:0000:41:00): 145, RLW_REMAP Non-fatal XC0 "
		 "i0 Link 17 (0x00000004 0x00000004 0x0 0x0 0x0 0x0)");
	gpumon_klog_flush(&k);
	ck_assert_int_eq(nev, 2);
	ck_assert_str_eq(ev[0].bdf, "0018:01:00.0");
	ck_assert_int_eq(ev[0].level, LOG_CRIT);
	ck_assert_ptr_nonnull(ev[0].nvl);
	ck_assert_str_eq(ev[0].nvl->unit, "NETIR_LINK_EVT");
	ck_assert_int_eq(ev[0].nvl_version, 1);
	ck_assert_str_eq(ev[0].nvl->immediate, "RESET_GPU");
	ck_assert_int_eq(ev[1].level, LOG_WARNING);
	ck_assert_str_eq(ev[1].nvl->unit, "RLW_REMAP");
	ck_assert_int_eq(ev[1].nvl_version, 2);
	ck_assert_str_eq(ev[1].nvl->immediate, "XID_154_EVAL");
}
END_TEST

/* "The NVIDIA GPU ..." that never says "fallen off the bus" is not one. */
START_TEST(test_not_fallen_off)
{
	reset();
	feed_str("[ 5.1] NVRM: The NVIDIA GPU 0000:b3:00.0 (PCI ID: 10de:26b5)");
	feed_str("[ 5.2] NVRM: installed in this system is not supported by "
		 "the NVIDIA 570.158.01 driver release.");
	feed_str("[ 5.3] NVRM: Please see 'Appendix A' in this release's "
		 "README.");
	feed_str("[ 5.4] NVRM: The NVIDIA probe routine failed for 1 "
		 "device(s).");
	gpumon_klog_flush(&k);
	ck_assert_int_eq(nev, 0);
	/* and one whose lines came as separate records */
	reset();
	feed_str("[ 6.1] NVRM: The NVIDIA GPU 0000:44:00.0");
	feed_str("[ 6.1] NVRM: (PCI ID: 10de:2330) installed in this system has");
	feed_str("[ 6.1] NVRM: fallen off the bus and is not responding to "
		 "commands.");
	/* text: a line is known complete when the next one comes */
	ck_assert_int_eq(nev, 0);
	gpumon_klog_flush(&k);
	ck_assert_int_eq(nev, 1);
	ck_assert_int_eq(ev[0].kind, GPUMON_KLOG_FALLEN_OFF_BUS);
	ck_assert_str_eq(ev[0].bdf, "0000:44:00.0");
	ck_assert_uint_eq(ev[0].pci_device, 0x2330);
}
END_TEST

/* Every prefix of every fixture line: no read past it, no crash. */
START_TEST(test_all_prefixes)
{
	static const char *const files[] = {
		"hc03-fallen-off.log", "hc07-sxid.log", "hc08-sxid-iso.log",
		"hc17-dmesg-T.log", "hc27-aer-relative.log",
		"hc30-journal.log", "hc41-cpu-thermal.log", "dpc.log",
		"kmsg-records.log", "edge.log", "xid-fields.log",
	};
	static char data[16384];

	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		char path[256];
		FILE *fp;
		size_t sz;

		snprintf(path, sizeof(path), "tests/fixtures/klog/%s",
			 files[f]);
		fp = fopen(path, "rb");
		ck_assert_ptr_nonnull(fp);
		sz = fread(data, 1, sizeof(data), fp);
		fclose(fp);
		for (char *p = data, *end = data + sz; p < end;) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

			for (size_t n = 0; n <= l; n++) {
				reset();
				feed(p, n);
				gpumon_klog_flush(&k);
				ck_assert_int_le(nev, 1);
			}
			p += l + 1;
		}
	}
}
END_TEST

START_TEST(test_fields_text)
{
	char buf[512];

	run_file("hc30-journal.log");
	gpumon_klog_fields(&ev[3], buf, sizeof(buf));
	ck_assert_str_eq(buf, "uptime=68190.101010 "
			 "xid=79 mnemonic=ROBUST_CHANNEL_GPU_HAS_FALLEN_OFF_THE_BUS "
			 "action=RESTART_BM investigate=CONTACT_SUPPORT");
	/* cut to the buffer: a prefix of the whole */
	run_file("hc07-sxid.log");
	gpumon_klog_fields(&ev[0], buf, sizeof(buf));
	{
		char small[64];

		gpumon_klog_fields(&ev[0], small, sizeof(small));
		ck_assert_uint_ge(strlen(small), 60);
		ck_assert(!strncmp(buf, small, strlen(small)));
	}
}
END_TEST

/* ---- into the node model (user/lib/model.c gpumon_model_klog()) ---- */

static struct gpumon_model mdl;
static struct gpumon_klog mk;
static char alert_lines[8][768];
static int nalerts;

static void alert_out(void *ctx, int level, const char *line)
{
	if (nalerts < 8)
		snprintf(alert_lines[nalerts++], sizeof(alert_lines[0]), "%s",
			 line);
}

static struct gpumon_alerter al = { .cor_interval_ns = 60000000000ull,
				    .out = alert_out };

static void to_model(void *ctx, const struct gpumon_klog_event *e)
{
	struct gpumon_event *me = gpumon_model_klog(&mdl, e);

	if (me)
		gpumon_alert_event(&al, &mdl, me, 1);
}

static void model_setup(void)
{
	ck_assert_int_eq(gpumon_model_init(&mdl, 64), 0);
	gpumon_klog_init(&mk, to_model, NULL);
	nalerts = 0;
}

static void model_teardown(void)
{
	gpumon_model_fini(&mdl);
}

static void model_feed(const char *s)
{
	gpumon_klog_feed_line(&mk, s, strlen(s));
}

START_TEST(test_model_xid_per_code)
{
	struct gpumon_dev *d;

	model_feed("[ 1.0] NVRM: Xid (PCI:0000:44:00): 13, pid=1, name=a, x");
	model_feed("[ 1.1] NVRM: Xid (PCI:0000:44:00): 13, pid=1, name=a, y");
	model_feed("[ 1.2] NVRM: Xid (PCI:0000:44:00): 9999, pid=1, name=a, z");
	model_feed("[ 1.3] NVRM: Xid (PCI:0000:44:00): 79, pid='<unknown>', "
		   "name=<unknown>, GPU has fallen off the bus.");
	gpumon_klog_flush(&mk);
	d = gpumon_model_dev(&mdl, "0000:44:00.0", false);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->xid_count, 4);
	ck_assert_uint_eq(d->xid_by_code[13], 2);
	ck_assert_uint_eq(d->xid_by_code[79], 1);
	ck_assert_uint_eq(d->xid_by_code[0], 1);	/* 9999: not listed */
	ck_assert_uint_eq(d->last_xid, 79);
	ck_assert_str_eq(d->last_xid_mnemonic,
			 "ROBUST_CHANNEL_GPU_HAS_FALLEN_OFF_THE_BUS");
	ck_assert_str_eq(d->last_xid_action, "RESTART_BM");
	ck_assert_int_eq(d->last_xid_level, LOG_CRIT);
	ck_assert_str_eq(d->last_xid_msg, "GPU has fallen off the bus.");
	ck_assert_int_eq(nalerts, 4);
	ck_assert_str_eq(alert_lines[3], "CRIT bdf=0000:44:00.0 kind=xid "
			 "uptime=1.300000 xid=79 "
			 "mnemonic=ROBUST_CHANNEL_GPU_HAS_FALLEN_OFF_THE_BUS "
			 "action=RESTART_BM investigate=CONTACT_SUPPORT "
			 "msg=\"GPU has fallen off the bus.\"");
	ck_assert(!strncmp(alert_lines[2], "WARNING ", 8));
	ck_assert_ptr_nonnull(strstr(alert_lines[2], " catalog=unknown"));
}
END_TEST

START_TEST(test_model_sxid_on_nvswitch)
{
	struct gpumon_dev *d;
	FILE *f = fopen("tests/fixtures/klog/hc07-sxid.log", "r");
	char line[512];

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		model_feed(line);
	fclose(f);
	gpumon_klog_flush(&mk);
	d = gpumon_model_dev(&mdl, "0000:04:00.0", false);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->role, GPUMON_ROLE_NVSWITCH);
	ck_assert_uint_eq(d->sxid_count, 2);
	ck_assert_uint_eq(d->sxid_fatal, 0);
	ck_assert_uint_eq(d->last_sxid, 22013);
	ck_assert_int_eq(d->last_sxid_fatal, 0);
	ck_assert_str_eq(d->last_sxid_msg, "Link 45 Minion Link DLREQ interrupt");
	ck_assert_uint_eq(d->xid_count, 0);
	ck_assert_int_eq(nalerts, 2);
	ck_assert(!strncmp(alert_lines[0], "WARNING bdf=0000:04:00.0 kind=sxid "
			   "uptime=38.175561 sxid=22013 nvswitch=3 fatal=no "
			   "link=44 ", 86));
}
END_TEST

/* CPU thermal: one line per logical CPU, one event per state change. */
START_TEST(test_model_cpu_thermal_dedup)
{
	char line[160];
	int i;

	for (i = 0; i < 64; i++) {
		snprintf(line, sizeof(line), "[ 1907.2894%02d] mce: CPU%d: "
			 "Package temperature above threshold, cpu clock "
			 "throttled (total events = 740)", i, i);
		model_feed(line);
	}
	model_feed("[ 1907.3] mce: CPU0: Package temperature/speed normal");
	model_feed("[ 1907.4] mce: CPU1: Package temperature/speed normal");
	gpumon_klog_flush(&mk);
	ck_assert_uint_eq(mdl.cpu_throttle_lines, 64);
	ck_assert(!mdl.cpu_throttled);
	ck_assert_int_eq(nalerts, 2);
	ck_assert(!strncmp(alert_lines[0], "WARNING kind=cpu-thermal ", 25));
	ck_assert(!strncmp(alert_lines[1], "INFO kind=cpu-thermal ", 22));
}
END_TEST

/* AER text and DPC: context is not taken, DPC is counted on the port. */
START_TEST(test_model_dpc_and_aer_text)
{
	struct gpumon_dev *d;

	model_feed("[ 5.0] pcieport 0000:00:03.0: PCIe Bus Error: "
		   "severity=Uncorrected (Fatal), type=Transaction Layer, "
		   "(Requester ID)");
	model_feed("[ 5.1] pcieport 0000:00:01.1: DPC: containment event, "
		   "status:0x1f05 source:0x0300");
	gpumon_klog_flush(&mk);
	ck_assert_ptr_null(gpumon_model_dev(&mdl, "0000:00:03.0", false));
	d = gpumon_model_dev(&mdl, "0000:00:01.1", false);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(d->dpc, 1);
	ck_assert_uint_eq(d->aer[0] + d->aer[1] + d->aer[2], 0);
	ck_assert_int_eq(nalerts, 1);
	ck_assert(!strncmp(alert_lines[0], "CRIT bdf=0000:00:01.1 kind=dpc ",
			   31));
}
END_TEST

static Suite *klog_suite(void)
{
	Suite *s = suite_create("klog");
	TCase *tc = tcase_create("decode");
	TCase *tm = tcase_create("model");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_hc03_fallen_off_three_lines);
	tcase_add_test(tc, test_hc07_sxid_groups);
	tcase_add_test(tc, test_hc08_sxid_iso_prefix);
	tcase_add_test(tc, test_hc17_xids);
	tcase_add_test(tc, test_hc27_aer_text_context_only);
	tcase_add_test(tc, test_hc30_journal_host_prefix);
	tcase_add_test(tc, test_hc41_cpu_thermal);
	tcase_add_test(tc, test_dpc);
	tcase_add_test(tc, test_kmsg_record_lines);
	tcase_add_test(tc, test_feed_record);
	tcase_add_test(tc, test_edge_lines);
	tcase_add_test(tc, test_xid45_link);
	tcase_add_test(tc, test_nvlink5_event);
	tcase_add_test(tc, test_not_fallen_off);
	tcase_add_test(tc, test_all_prefixes);
	tcase_add_test(tc, test_fields_text);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tm, model_setup, model_teardown);
	tcase_add_test(tm, test_model_xid_per_code);
	tcase_add_test(tm, test_model_sxid_on_nvswitch);
	tcase_add_test(tm, test_model_cpu_thermal_dedup);
	tcase_add_test(tm, test_model_dpc_and_aer_text);
	suite_add_tcase(s, tm);
	return s;
}

int main(void)
{
	return gpumon_check_run(klog_suite());
}
