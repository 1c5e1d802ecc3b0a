// SPDX-License-Identifier: GPL-2.0-only
/*
 * klog.c - stateful decoder of kernel log text.
 *
 * Two stages. The first joins physical lines into one message: dmesg and
 * journalctl print the second and later lines of a multi-line message
 * indented and without a stamp; /dev/kmsg escapes the newlines as \x0a.
 * The second decodes each message and joins the messages that belong to
 * one event although the kernel logged them separately: the Data,
 * description and Severity lines of an NVSwitch SXid, and the three
 * "NVRM:" lines of "The NVIDIA GPU ... has fallen off the bus" where they
 * were printed one by one.
 *
 * Formats (see shared notes and corpus): NVRM Xid (xid.c); NVSwitch
 * "nvidia-nvswitchN: SXid (PCI:DDDD:BB:DD.F): CODE, {Data {..}|Fatal,
 * TEXT|Non-fatal, TEXT|Severity N Engine instance N Sub-engine instance
 * N}" (NVIDIA Fabric Manager user guide); DPC from
 * drivers/pci/pcie/dpc.c, both "containment event, status:%#06x
 * source:%#06x" (to 6.10) and "containment event, status:%#06x, %s
 * received from %04x:%02x:%02x.%d" / "...: unmasked uncorrectable error
 * detected" (later); CPU thermal from arch/x86/kernel/cpu/mce/therm_throt.c
 * ("CPU%d: %s temperature above threshold, cpu clock throttled (total
 * events = %lu)", "CPU%d: %s temperature/speed normal"); AER text from
 * drivers/pci/pcie/aer.c. AER text is context only: since 6.16 the kernel
 * rate-limits it, so counts come from the module and the tracepoint.
 *
 * Nothing here allocates; per line the work is a few memmem() calls.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "klog.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const kind_names[__GPUMON_KLOG_KIND_MAX] = {
	[GPUMON_KLOG_XID] = "xid",
	[GPUMON_KLOG_SXID] = "sxid",
	[GPUMON_KLOG_FALLEN_OFF_BUS] = "fallen-off-bus",
	[GPUMON_KLOG_DPC] = "dpc",
	[GPUMON_KLOG_CPU_THERMAL] = "cpu-thermal",
	[GPUMON_KLOG_AER_TEXT] = "aer-text",
	[GPUMON_KLOG_MALFORMED] = "malformed",
};

/* SXid group parts */
#define PART_DATA	1u
#define PART_DESC	2u
#define PART_SEV	4u
/* a multi-record "fallen off the bus" group */
#define GRP_FALLEN	0x100u

/**
 * gpumon_klog_kind_name() - name of an event kind, as in event fields.
 * @kind: the kind
 *
 * Return: "xid", "sxid", "fallen-off-bus", "dpc", "cpu-thermal",
 * "aer-text", "malformed", or "?" for anything else.
 */
const char *gpumon_klog_kind_name(enum gpumon_klog_kind kind)
{
	return (unsigned int)kind < __GPUMON_KLOG_KIND_MAX ?
	       kind_names[kind] : "?";
}

/**
 * gpumon_klog_init() - an empty decoder.
 * @k: the decoder
 * @cb: called once per event, with the event valid during the call
 * @ctx: passed to @cb
 */
void gpumon_klog_init(struct gpumon_klog *k, gpumon_klog_cb cb, void *ctx)
{
	memset(k, 0, sizeof(*k));
	k->cb = cb;
	k->ctx = ctx;
	k->next_index = 1;
}

/* ---- small scanners over [p, end) ---- */

static const char *find(const char *p, const char *end, const char *s)
{
	return p < end ? memmem(p, (size_t)(end - p), s, strlen(s)) : NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* up to @max digits of hex; false when none or too many */
static bool hexn(const char **pp, const char *end, unsigned int max,
		 uint32_t *out)
{
	const char *p = *pp;
	uint32_t v = 0;
	unsigned int n = 0;

	if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	while (p < end && hexv(*p) >= 0) {
		if (++n > max)
			return false;
		v = v << 4 | (uint32_t)hexv(*p++);
	}
	if (!n)
		return false;
	*pp = p;
	*out = v;
	return true;
}

static bool decn(const char **pp, const char *end, uint64_t max, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p == end || !is_digit(*p))
		return false;
	while (p < end && is_digit(*p)) {
		unsigned int d = (unsigned int)(*p++ - '0');

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*pp = p;
	*out = v;
	return true;
}

/* "N" after @tag anywhere in [p, end); -1 when absent. */
static int num_after(const char *p, const char *end, const char *tag)
{
	const char *t = find(p, end, tag);
	uint64_t v;

	if (!t)
		return -1;
	t += strlen(tag);
	return decn(&t, end, 0x7fffffff, &v) ? (int)v : -1;
}

/*
 * A PCI address "DDDD:BB:DD.F" at *pp (domain 4-8 hex digits, or none
 * with @need_domain false), written to @bdf as "%04x:%02x:%02x.%x".
 * @need_fn: the ".F" must be there; otherwise function 0.
 */
static bool bdf_at(const char **pp, const char *end, bool need_fn,
		   char bdf[16])
{
	const char *p = *pp;
	uint32_t dom, bus, dev, fn = 0;

	if (!hexn(&p, end, 8, &dom) || p == end || *p++ != ':' ||
	    !hexn(&p, end, 2, &bus) || p == end || *p++ != ':' ||
	    !hexn(&p, end, 2, &dev) || dev > 0x1f)
		return false;
	if (p < end && *p == '.') {
		p++;
		if (!hexn(&p, end, 1, &fn) || fn > 7)
			return false;
	} else if (need_fn) {
		return false;
	}
	snprintf(bdf, 16, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	*pp = p;
	return true;
}

/* The first full BDF (with function) anywhere in [p, end). */
static bool find_bdf(const char *p, const char *end, char bdf[16])
{
	const char *start = p;

	for (; p < end; p++) {
		const char *q = p;

		if (hexv(*p) < 0 || (p > start && hexv(p[-1]) >= 0))
			continue;
		if (bdf_at(&q, end, true, bdf))
			return true;
	}
	return false;
}

/* ---- prefixes put before the kernel text by log tools ---- */

/* "[ 1843.308145]" -> µs; false for other bracket contents */
static bool stamp_us(const char *p, const char *end, uint64_t *us)
{
	uint64_t s, f = 0;
	const char *q;
	int n;

	while (p < end && *p == ' ')
		p++;
	if (!decn(&p, end, UINT64_MAX / 1000000, &s) || p == end || *p++ != '.')
		return false;
	q = p;
	if (!decn(&p, end, 999999999, &f))
		return false;
	for (n = (int)(p - q); n < 6; n++)
		f *= 10;
	for (; n > 6; n--)
		f /= 10;
	if (p != end)
		return false;
	*us = s * 1000000 + f;
	return true;
}

static bool is_stamp_char(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c == ' ' || c == '.' || c == ':' ||
	       c == '+' || c == '-' || c == ',';
}

/*
 * Skip what log tools put before the kernel's text: "<N>", "[stamp]",
 * "kern  :err   : ", ISO 8601 stamps, and everything up to "kernel: " in
 * syslog and journalctl lines. One blank after a prefix belongs to it;
 * further blanks are the message's own indentation and are kept.
 */
static const char *strip_prefix(const char *p, const char *end,
				struct gpumon_klog_event *ev)
{
	const char *k;
	int guard;

	k = find(p, end - p > 160 ? p + 160 : end, "kernel: ");
	if (k && !find(p, k, "NVRM"))
		p = k + 8;
	for (guard = 0; guard < 6 && p < end; guard++) {
		const char *q = p;

		if (*q == '<') {
			q++;
			while (q < end && is_digit(*q))
				q++;
			if (q == p + 1 || q == end || *q != '>')
				break;
			p = q + 1;
			continue;
		}
		if (*q == '[') {
			const char *close = memchr(q, ']', (size_t)(end - q));
			uint64_t us;
			bool digit = false;

			if (!close || close - q > 48)
				break;
			for (const char *c = q + 1; c < close; c++) {
				if (!is_stamp_char(*c))
					return p;
				digit |= is_digit(*c);
			}
			if (!digit)
				break;
			if (stamp_us(q + 1, close, &us) && !ev->has_ts) {
				ev->ts_us = us;
				ev->has_ts = true;
			}
			p = close + 1;
			if (p < end && *p == ' ')
				p++;
			continue;
		}
		/* dmesg --decode: "kern  :err   : " */
		if (*q >= 'a' && *q <= 'z') {
			int colons = 0;

			while (q < end && colons < 2 &&
			       ((*q >= 'a' && *q <= 'z') || *q == ' ' ||
				*q == ':')) {
				if (*q == ':')
					colons++;
				q++;
			}
			if (colons == 2 && q < end && q[-1] == ':' &&
			    *q == ' ' && q - p <= 16) {
				p = q + 1;
				continue;
			}
			break;
		}
		/* ISO 8601: "2025-01-25T10:34:54,859532+00:00 " */
		if (end - q > 19 && is_digit(q[0]) && is_digit(q[3]) &&
		    q[4] == '-' && q[7] == '-' && (q[10] == 'T' || q[10] == ' ') &&
		    q[13] == ':') {
			q += 11;
			while (q < end && *q != ' ')
				q++;
			p = q < end ? q + 1 : q;
			continue;
		}
		break;
	}
	return p;
}

/* ---- emitting ---- */

static void emit(struct gpumon_klog *k, struct gpumon_klog_event *ev)
{
	ev->index = k->next_index++;
	k->events[ev->kind]++;
	if (k->cb)
		k->cb(k->ctx, ev);
}

/* Append " " + [p, end) to @ev->text, marking truncation. */
static void text_append(struct gpumon_klog_event *ev, const char *p,
			const char *end)
{
	size_t have = strlen(ev->text), n = (size_t)(end - p);

	if (have && have < sizeof(ev->text) - 1)
		ev->text[have++] = ' ';
	if (have + n > sizeof(ev->text) - 1) {
		n = sizeof(ev->text) - 1 - have;
		/* do not leave half a UTF-8 sequence at the end */
		while (n && ((unsigned char)p[n] & 0xc0) == 0x80)
			n--;
		ev->truncated = true;
	}
	memcpy(ev->text + have, p, n);
	ev->text[have + n] = '\0';
}

/* ---- Xid ---- */

static struct gpumon_klog_gpu *gpu_slot(struct gpumon_klog *k,
					const char *bdf)
{
	struct gpumon_klog_gpu *g;

	for (unsigned int i = 0; i < k->ngpus; i++)
		if (!strcmp(k->gpus[i].bdf, bdf))
			return &k->gpus[i];
	if (k->ngpus < GPUMON_KLOG_GPUS)
		g = &k->gpus[k->ngpus++];
	else	/* more GPUs than any node has: reuse the first slot */
		g = &k->gpus[0];
	memset(g, 0, sizeof(*g));
	snprintf(g->bdf, sizeof(g->bdf), "%s", bdf);
	return g;
}

static void decode_xid(struct gpumon_klog *k, struct gpumon_klog_event *ev)
{
	struct gpumon_xid *x = &ev->xid;
	const char *end = ev->text + strlen(ev->text);
	struct gpumon_klog_gpu *g = NULL;

	if (gpumon_xid_parse(ev->text, (size_t)(end - ev->text), x)) {
		ev->kind = GPUMON_KLOG_MALFORMED;
		ev->level = LOG_NOTICE;
		emit(k, ev);
		return;
	}
	ev->kind = GPUMON_KLOG_XID;
	ev->has_bdf = x->has_bdf;
	if (x->has_bdf)
		snprintf(ev->bdf, sizeof(ev->bdf), "%04x:%02x:%02x.0",
			 x->domain, x->bus, x->dev);
	ev->info = gpumon_xid_info(x->xid);
	ev->level = gpumon_xid_severity(x->xid);
	if (x->xid >= 144 && x->xid <= 150) {
		if (x->nwords >= 2)
			ev->nvl = gpumon_xid_nvlink5_decode(x->xid,
					x->words[0], x->words[1],
					&ev->nvl_version);
		if (x->fatal == 1 || (x->fatal < 0 && ev->nvl && ev->nvl->fatal))
			ev->level = LOG_CRIT;
		else if (x->fatal == 0 || ev->nvl)
			ev->level = LOG_WARNING;
	}

	if (ev->has_bdf)
		g = gpu_slot(k, ev->bdf);
	if (x->xid == 45) {
		ev->cause_xid = x->cause_xid;
		if (!ev->cause_xid && g && g->last_xid) {
			ev->cause_xid = g->last_xid;
			ev->cause_inferred = true;
		}
		if (g && ev->cause_xid && g->last_xid == ev->cause_xid)
			ev->cause_index = g->last_index;
	}
	ev->index = k->next_index;
	if (g && x->xid != 45 && x->xid != 154) {
		g->last_xid = x->xid;
		g->last_index = ev->index;
	}
	emit(k, ev);
}

/* ---- SXid ---- */

/* Parse an SXid line into @ev; return its part bit, 0 when malformed. */
static unsigned int parse_sxid(struct gpumon_klog_event *ev)
{
	struct gpumon_klog_sxid *s = &ev->sxid;
	const char *end = ev->text + strlen(ev->text);
	const char *p = find(ev->text, end, "SXid (");
	uint64_t v;
	int n;

	s->nvswitch = num_after(ev->text, p, "nvidia-nvswitch");
	s->fatal = s->link = s->severity = s->engine = s->subengine = -1;
	p += 6;
	if (end - p >= 4 && !memcmp(p, "PCI:", 4))
		p += 4;
	if (bdf_at(&p, end, false, ev->bdf))
		ev->has_bdf = true;
	if (p == end || *p++ != ')' || p == end || *p++ != ':')
		return 0;
	while (p < end && *p == ' ')
		p++;
	if (!decn(&p, end, 0xffffffff, &v) || p == end || *p++ != ',')
		return 0;
	s->sxid = (unsigned int)v;
	while (p < end && *p == ' ')
		p++;

	if (end - p >= 6 && !memcmp(p, "Data {", 6)) {
		p += 6;
		for (;;) {
			uint32_t w;

			while (p < end && (*p == ' ' || *p == ','))
				p++;
			if (p == end)
				return 0;	/* cut: no closing brace */
			if (*p == '}')
				break;
			if (s->ndata == ARRAY_SIZE(s->data) ||
			    !hexn(&p, end, 8, &w))
				return 0;
			s->data[s->ndata++] = w;
		}
		return PART_DATA;
	}
	if (end - p >= 9 && !memcmp(p, "Severity ", 9)) {
		s->severity = num_after(p, end, "Severity ");
		s->subengine = num_after(p, end, "Sub-engine instance ");
		n = num_after(p, end, " Engine instance ");
		s->engine = n;
		return PART_SEV;
	}
	if (end - p >= 6 && !memcmp(p, "Fatal,", 6)) {
		s->fatal = 1;
		p += 6;
	} else if (end - p >= 10 && !memcmp(p, "Non-fatal,", 10)) {
		s->fatal = 0;
		p += 10;
	}
	while (p < end && *p == ' ')
		p++;
	snprintf(s->desc, sizeof(s->desc), "%.*s", (int)(end - p), p);
	s->link = num_after(p, end, "Link ");
	return PART_DESC;
}

static int sxid_level(const struct gpumon_klog_sxid *s)
{
	if (s->fatal == 1)
		return LOG_CRIT;
	if (s->fatal == 0)
		return LOG_WARNING;
	return LOG_ERR;	/* no description line: severity not known */
}

static void group_emit(struct gpumon_klog *k)
{
	if (!k->grp_open)
		return;
	k->grp_open = false;
	if (k->grp_parts & GRP_FALLEN)
		return;	/* never reached "fallen off the bus": not that event */
	k->grp.level = sxid_level(&k->grp.sxid);
	emit(k, &k->grp);
}

/* Merge the parsed SXid line @ev into the open group, or start one. */
static void sxid_line(struct gpumon_klog *k, struct gpumon_klog_event *ev)
{
	struct gpumon_klog_event *g = &k->grp;
	unsigned int part = parse_sxid(ev);

	if (!part) {
		group_emit(k);
		ev->kind = GPUMON_KLOG_MALFORMED;
		ev->level = LOG_NOTICE;
		emit(k, ev);
		return;
	}
	if (k->grp_open && (!(k->grp_parts & GRP_FALLEN)) &&
	    g->sxid.sxid == ev->sxid.sxid && !strcmp(g->bdf, ev->bdf) &&
	    g->sxid.nvswitch == ev->sxid.nvswitch && !(k->grp_parts & part)) {
		struct gpumon_klog_sxid *s = &g->sxid;

		if (part == PART_DATA) {
			memcpy(s->data, ev->sxid.data, sizeof(s->data));
			s->ndata = ev->sxid.ndata;
		} else if (part == PART_DESC) {
			s->fatal = ev->sxid.fatal;
			s->link = ev->sxid.link;
			memcpy(s->desc, ev->sxid.desc, sizeof(s->desc));
		} else {
			s->severity = ev->sxid.severity;
			s->engine = ev->sxid.engine;
			s->subengine = ev->sxid.subengine;
		}
		text_append(g, ev->text, ev->text + strlen(ev->text));
		g->nlines += ev->nlines;
		g->truncated |= ev->truncated;
		k->grp_parts |= part;
	} else {
		group_emit(k);
		*g = *ev;
		g->kind = GPUMON_KLOG_SXID;
		k->grp_open = true;
		k->grp_parts = part;
	}
	/* Severity is the last line the driver prints for one SXid. */
	if (k->grp_parts & PART_SEV)
		group_emit(k);
}

/* ---- fallen off the bus (without an Xid) ---- */

static void fallen_fill(struct gpumon_klog_event *ev)
{
	const char *end = ev->text + strlen(ev->text);
	const char *p = find(ev->text, end, "PCI ID: ");
	uint32_t v, d;

	ev->kind = GPUMON_KLOG_FALLEN_OFF_BUS;
	ev->level = LOG_CRIT;
	ev->has_bdf = find_bdf(ev->text, end, ev->bdf);
	if (p) {
		p += 8;
		if (hexn(&p, end, 4, &v) && p < end && *p++ == ':' &&
		    hexn(&p, end, 4, &d)) {
			ev->pci_vendor = (uint16_t)v;
			ev->pci_device = (uint16_t)d;
		}
	}
}

/* ---- DPC ---- */

static void decode_dpc(struct gpumon_klog *k, struct gpumon_klog_event *ev,
		       const char *t)
{
	const char *end = ev->text + strlen(ev->text);
	const char *p = t + strlen("containment event, status:");
	const char *dev = ev->text;
	uint32_t st, src;
	unsigned int reason, ext;

	ev->kind = GPUMON_KLOG_DPC;
	ev->level = LOG_CRIT;
	/* the port: "pcieport 0000:00:03.0: DPC: ..." */
	while (dev < t && *dev != ' ')
		dev++;
	if (dev < t) {
		dev++;
		ev->has_bdf = bdf_at(&dev, t, true, ev->bdf);
	}
	if (!hexn(&p, end, 4, &st)) {
		ev->kind = GPUMON_KLOG_MALFORMED;
		ev->level = LOG_NOTICE;
		emit(k, ev);
		return;
	}
	ev->dpc_status = (uint16_t)st;
	/* PCIe r6.0 7.9.14.5: Trigger Reason [2:1], extension [6:5] */
	reason = (st >> 1) & 3;
	ext = (st >> 5) & 3;
	ev->dpc_reason = reason == 0 ? "unmasked uncorrectable error" :
			 reason == 1 ? "ERR_NONFATAL" :
			 reason == 2 ? "ERR_FATAL" :
			 ext == 0 ? "RP PIO error" :
			 ext == 1 ? "software trigger" : "reserved";
	if ((t = find(p, end, "source:")) != NULL) {
		t += 7;
		/* Source ID is bus/devfn in the port's domain */
		if (hexn(&t, end, 4, &src) && src && ev->has_bdf)
			snprintf(ev->dpc_source, sizeof(ev->dpc_source),
				 "%.*s:%02x:%02x.%x",
				 (int)(strchr(ev->bdf, ':') - ev->bdf),
				 ev->bdf, (src >> 8) & 0xff,
				 (src >> 3) & 0x1f, src & 7);
	} else if ((t = find(p, end, "received from ")) != NULL) {
		t += 14;
		bdf_at(&t, end, true, ev->dpc_source);
	}
	emit(k, ev);
}

/* ---- CPU thermal ---- */

static bool decode_cpu_thermal(struct gpumon_klog *k,
			       struct gpumon_klog_event *ev)
{
	const char *end = ev->text + strlen(ev->text);
	const char *t = find(ev->text, end, "CPU");
	uint64_t v;

	while (t) {
		const char *p = t + 3;

		if (decn(&p, end, 1u << 30, &v) && p < end && *p == ':') {
			p++;
			while (p < end && *p == ' ')
				p++;
			if (end - p > 8 && (!memcmp(p, "Package ", 8) ||
					    !memcmp(p, "Core ", 5))) {
				ev->cpu = (int)v;
				ev->package = p[0] == 'P';
				break;
			}
		}
		t = find(t + 3, end, "CPU");
	}
	if (!t)
		return false;
	ev->throttled = find(t, end, "above threshold") != NULL;
	t = find(t, end, "total events = ");
	if (t) {
		t += 15;
		decn(&t, end, UINT64_MAX, &ev->total_events);
	}
	ev->kind = GPUMON_KLOG_CPU_THERMAL;
	ev->level = ev->throttled ? LOG_WARNING : LOG_INFO;
	emit(k, ev);
	return true;
}

/* ---- AER text (context only) ---- */

static bool is_aer_text(const char *p, const char *end)
{
	const char *b;

	if (find(p, end, "PCIe Bus Error:") || find(p, end, " AER: ") ||
	    find(p, end, "error status/mask="))
		return true;
	/* "pcieport 0000:00:03.0:    [ 5] SDES" */
	b = find(p, end, ":    [");
	return b && find(b, end, "] ");
}

/* ---- the second stage: one complete message ---- */

static void decode_message(struct gpumon_klog *k,
			   struct gpumon_klog_event *ev)
{
	const char *t = ev->text, *end = t + strlen(t);
	const char *c;

	if (find(t, end, "NVRM: Xid")) {
		group_emit(k);
		decode_xid(k, ev);
		return;
	}
	if (find(t, end, "SXid (")) {
		sxid_line(k, ev);
		return;
	}
	if (k->grp_open && (k->grp_parts & GRP_FALLEN) &&
	    find(t, end, "NVRM:") && !find(t, end, "NVRM: The NVIDIA GPU ")) {
		struct gpumon_klog_event *g = &k->grp;

		text_append(g, t, end);
		g->nlines += ev->nlines;
		if (find(g->text, g->text + strlen(g->text),
			 "fallen off the bus")) {
			k->grp_open = false;
			fallen_fill(g);
			emit(k, g);
		} else if (++k->grp_parts > (GRP_FALLEN | 3)) {
			k->grp_open = false;	/* some other message */
		}
		return;
	}
	group_emit(k);
	if (find(t, end, "NVRM:") && find(t, end, "fallen off the bus")) {
		fallen_fill(ev);
		emit(k, ev);
		return;
	}
	if (find(t, end, "NVRM: The NVIDIA GPU ")) {
		k->grp = *ev;
		k->grp_open = true;
		k->grp_parts = GRP_FALLEN | 1;
		return;
	}
	if ((c = find(t, end, "containment event, status:")) != NULL) {
		decode_dpc(k, ev, c);
		return;
	}
	if ((find(t, end, "temperature above threshold") ||
	     find(t, end, "temperature/speed normal")) &&
	    decode_cpu_thermal(k, ev))
		return;
	if (is_aer_text(t, end)) {
		ev->kind = GPUMON_KLOG_AER_TEXT;
		ev->level = LOG_INFO;
		ev->has_bdf = find_bdf(t, end, ev->bdf);
		emit(k, ev);
	}
}

/* ---- the first stage: joining lines into messages ---- */

static void rec_close(struct gpumon_klog *k)
{
	if (!k->rec_open)
		return;
	k->rec_open = false;
	decode_message(k, &k->rec);
}

static void rec_start(struct gpumon_klog *k)
{
	struct gpumon_klog_event *ev = &k->rec;

	rec_close(k);
	/* only the fields a message sets are cleared, not the whole text */
	memset(ev, 0, offsetof(struct gpumon_klog_event, text));
	ev->text[0] = '\0';
	memset(&ev->xid, 0, sizeof(*ev) - offsetof(struct gpumon_klog_event,
						   xid));
	k->rec_open = true;
}

/* Trim blanks and CR/LF at both ends. */
static void trim(const char **p, const char **end)
{
	while (*p < *end && (**p == ' ' || **p == '\t'))
		(*p)++;
	while (*end > *p && ((*end)[-1] == ' ' || (*end)[-1] == '\t' ||
			     (*end)[-1] == '\n' || (*end)[-1] == '\r'))
		(*end)--;
}

/**
 * gpumon_klog_feed_record() - one /dev/kmsg record.
 * @k: decoder
 * @rec: the record (gpumon_kmsg_parse()); its \x0a escapes separate the
 *	lines of one message
 *
 * The record is one complete message and is decoded at once; only an
 * SXid group or a "fallen off the bus" printed as separate records stays
 * open until its last part, another message, or gpumon_klog_flush().
 */
void gpumon_klog_feed_record(struct gpumon_klog *k,
			     const struct gpumon_kmsg_rec *rec)
{
	const char *p = rec->text, *end = rec->text + rec->text_len;

	rec_start(k);
	k->rec.seq = rec->seq;
	k->rec.has_seq = true;
	k->rec.ts_us = rec->ts_us;
	k->rec.has_ts = true;
	/* lines of one message are separated by the escaped newline */
	while (p <= end) {
		const char *nl = find(p, end, "\\x0a");
		const char *e = nl ? nl : end;
		const char *s = p;

		trim(&s, &e);
		k->lines++;
		if (s < e || !nl) {
			text_append(&k->rec, s, e);
			k->rec.nlines++;
		}
		if (!nl)
			break;
		p = nl + 4;
	}
	rec_close(k);
}

/**
 * gpumon_klog_feed_line() - one line of log text.
 * @k: decoder
 * @line: the line, with or without its newline; need not be
 *	NUL-terminated; bytes that are not UTF-8 are kept as they are
 * @len: its length
 *
 * Prefixes of log tools are skipped (see strip_prefix()); a line that is
 * still indented after them continues the previous message. A line in
 * /dev/kmsg record format goes to gpumon_klog_feed_record(), and the
 * " KEY=VALUE" dictionary lines after it are skipped. A message is
 * decoded when the next non-continuation line arrives or at
 * gpumon_klog_flush().
 */
void gpumon_klog_feed_line(struct gpumon_klog *k, const char *line,
			   size_t len)
{
	const char *end = line + len, *body;
	struct gpumon_kmsg_rec rec;
	struct gpumon_klog_event pre;
	bool cont;

	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	/* a raw /dev/kmsg record, and its " KEY=VALUE" dictionary lines */
	if (end > line && is_digit(*line) &&
	    !gpumon_kmsg_parse(line, (size_t)(end - line), &rec)) {
		gpumon_klog_feed_record(k, &rec);
		k->after_record = true;
		return;
	}
	if (k->after_record && end > line && *line == ' ')
		return;
	k->after_record = false;

	pre.has_ts = false;
	pre.ts_us = 0;
	body = strip_prefix(line, end, &pre);
	cont = body < end && (*body == ' ' || *body == '\t') && k->rec_open;
	trim(&body, &end);
	k->lines++;
	if (body == end)
		return;	/* blank: ends nothing, adds nothing */
	if (!cont) {
		rec_start(k);
		k->rec.ts_us = pre.ts_us;
		k->rec.has_ts = pre.has_ts;
	}
	text_append(&k->rec, body, end);
	k->rec.nlines++;
}

/**
 * gpumon_klog_flush() - decode and emit whatever is still open.
 * @k: decoder
 *
 * The message being joined is decoded; an SXid group without its
 * Severity line is emitted as it is; a "The NVIDIA GPU ..." group that
 * never said "fallen off the bus" is dropped (it was another message).
 */
void gpumon_klog_flush(struct gpumon_klog *k)
{
	rec_close(k);
	group_emit(k);
}

/* ---- formatting ---- */

struct outbuf {
	char *p;
	size_t size;
	size_t n;
};

static void out_raw(struct outbuf *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && o->n + 1 < o->size; i++)
		o->p[o->n++] = s[i];
	o->p[o->n < o->size ? o->n : o->size - 1] = '\0';
}

static void __attribute__((format(printf, 2, 3)))
out_fmt(struct outbuf *o, const char *fmt, ...)
{
	char tmp[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_raw(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n :
			sizeof(tmp) - 1);
}

/*
 * " key=value", the value quoted when it holds a blank, quote or '=',
 * with bytes outside printable ASCII, '"' and '\\' escaped as \xNN.
 */
static void out_kv(struct outbuf *o, const char *key, const char *v)
{
	bool q = !*v || strpbrk(v, " \"=") != NULL;

	out_fmt(o, " %s=", key);
	if (q)
		out_raw(o, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
		if (*c < 0x20 || *c >= 0x7f || *c == '"' || *c == '\\')
			out_fmt(o, "\\x%02x", *c);
		else
			out_raw(o, (const char *)c, 1);
	}
	if (q)
		out_raw(o, "\"", 1);
}

static const char *yes_no_unknown(int v)
{
	return v < 0 ? "unknown" : v ? "yes" : "no";
}

static void out_words(struct outbuf *o, const char *key, const uint32_t *w,
		      unsigned int n)
{
	if (!n)
		return;
	out_fmt(o, " %s=", key);
	for (unsigned int i = 0; i < n; i++)
		out_fmt(o, "%s0x%08x", i ? "," : "", w[i]);
}

static void xid_fields(struct outbuf *o, const struct gpumon_klog_event *ev)
{
	const struct gpumon_xid *x = &ev->xid;
	const struct gpumon_xid_info *xi = ev->info;

	out_fmt(o, " xid=%u", x->xid);
	if (xi) {
		out_kv(o, "mnemonic", xi->mnemonic);
		out_kv(o, "action", xi->immediate ? xi->immediate : "unknown");
		out_kv(o, "investigate",
		       xi->investigatory ? xi->investigatory : "unknown");
	} else {
		out_raw(o, " catalog=unknown", 16);
	}
	if (x->pid >= 0) {
		out_fmt(o, " pid=%d", x->pid);
		if (x->name[0])
			out_kv(o, "name", x->name);
	}
	if (x->gi >= 0)
		out_fmt(o, " gpu_instance=%d", x->gi);
	if (x->ci >= 0)
		out_fmt(o, " compute_instance=%d", x->ci);
	if (x->unit[0])
		out_kv(o, "unit", x->unit);
	if (x->fatal >= 0)
		out_fmt(o, " fatal=%s", yes_no_unknown(x->fatal));
	if (x->xc >= 0)
		out_fmt(o, " xc=%d", x->xc);
	if (x->injected >= 0)
		out_fmt(o, " injected=%d", x->injected);
	if (x->link >= 0)
		out_fmt(o, " link=%d", x->link);
	out_words(o, "words", x->words, x->nwords);
	if (ev->nvl) {
		out_kv(o, "nvl_unit", ev->nvl->unit);
		out_fmt(o, " nvl_layout=v%d nvl_fatal=%s", ev->nvl_version,
			yes_no_unknown(ev->nvl->fatal));
		out_kv(o, "nvl_action", ev->nvl->immediate);
		out_kv(o, "nvl_investigate", ev->nvl->investigatory ?
		       ev->nvl->investigatory : "unknown");
	}
	if (x->contained >= 0) {
		out_fmt(o, " contained=%s", yes_no_unknown(x->contained));
		if (x->contained_unit[0])
			out_kv(o, "contained_unit", x->contained_unit);
		out_fmt(o, " rst=%s drst=%s", yes_no_unknown(x->rst), yes_no_unknown(x->drst));
	}
	if (ev->cause_xid) {
		out_fmt(o, " cause_xid=%u", ev->cause_xid);
		if (ev->cause_index)
			out_fmt(o, " cause_event=%llu",
				(unsigned long long)ev->cause_index);
		if (ev->cause_inferred)
			out_raw(o, " cause=inferred", 15);
	}
	if (x->recovery[0])
		out_kv(o, "recovery", x->recovery);
}

/**
 * gpumon_klog_fields() - an event's decoded fields as "key=value" pairs.
 * @ev: the event
 * @buf: filled, NUL-terminated, cut to @size
 * @size: bytes in @buf (at least 1)
 *
 * The same pairs gpumond puts in its events and `gpumon decode` prints
 * (kind and device are not among them: both carry those separately);
 * values with blanks are quoted, bytes outside printable ASCII escaped.
 *
 * Return: @buf.
 */
char *gpumon_klog_fields(const struct gpumon_klog_event *ev, char *buf,
			 size_t size)
{
	struct outbuf o = { buf, size, 0 };
	const struct gpumon_klog_sxid *s = &ev->sxid;

	buf[0] = '\0';
	if (ev->has_seq)
		out_fmt(&o, " kmsg_seq=%llu", (unsigned long long)ev->seq);
	if (ev->has_ts)
		out_fmt(&o, " uptime=%llu.%06llu",
			(unsigned long long)(ev->ts_us / 1000000),
			(unsigned long long)(ev->ts_us % 1000000));
	switch (ev->kind) {
	case GPUMON_KLOG_XID:
		xid_fields(&o, ev);
		break;
	case GPUMON_KLOG_SXID:
		out_fmt(&o, " sxid=%u", s->sxid);
		if (s->nvswitch >= 0)
			out_fmt(&o, " nvswitch=%d", s->nvswitch);
		out_fmt(&o, " fatal=%s", yes_no_unknown(s->fatal));
		if (s->link >= 0)
			out_fmt(&o, " link=%d", s->link);
		if (s->severity >= 0)
			out_fmt(&o, " severity=%d", s->severity);
		if (s->engine >= 0)
			out_fmt(&o, " engine=%d", s->engine);
		if (s->subengine >= 0)
			out_fmt(&o, " subengine=%d", s->subengine);
		out_words(&o, "data", s->data, s->ndata);
		if (s->desc[0])
			out_kv(&o, "desc", s->desc);
		break;
	case GPUMON_KLOG_FALLEN_OFF_BUS:
		if (ev->pci_vendor)
			out_fmt(&o, " pci_id=%04x:%04x", ev->pci_vendor,
				ev->pci_device);
		break;
	case GPUMON_KLOG_DPC:
		out_fmt(&o, " status=0x%04x", ev->dpc_status);
		out_kv(&o, "reason", ev->dpc_reason);
		if (ev->dpc_source[0])
			out_kv(&o, "source", ev->dpc_source);
		break;
	case GPUMON_KLOG_CPU_THERMAL:
		out_fmt(&o, " cpu=%d scope=%s state=%s", ev->cpu,
			ev->package ? "package" : "core",
			ev->throttled ? "throttled" : "normal");
		if (ev->total_events)
			out_fmt(&o, " total_events=%llu",
				(unsigned long long)ev->total_events);
		break;
	case GPUMON_KLOG_AER_TEXT:
		out_raw(&o, " context=only", 13);
		break;
	default:
		break;
	}
	if (ev->nlines > 1)
		out_fmt(&o, " lines=%u", ev->nlines);
	if (ev->truncated)
		out_raw(&o, " truncated=yes", 14);
	/* pairs are written with a leading blank: drop the first */
	if (buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
	return buf;
}
