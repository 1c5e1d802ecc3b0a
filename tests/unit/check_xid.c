// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_xid.c - unit tests of the NVRM Xid line decoder (user/lib/xid.c).
 *
 * Inputs are the fixture files in tests/fixtures/xid/, one line per case:
 *   valid.log      lines from the corpus and the formats the driver and
 *                  log tools produce; expected fields in valid_cases[]
 *   noxid.log      kernel log lines without the token (-ENOENT)
 *   malformed.log  lines with the token but broken fields (-EINVAL)
 * Each line is passed in a heap buffer of exactly its length, so that
 * AddressSanitizer catches any read past @len.
 *
 * Run from the repository root (scripts/run-unit does), or build with
 * -DFIXTURE_DIR=\"...\".
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xid.h"
#include "check_run.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#ifndef FIXTURE_DIR
#define FIXTURE_DIR "tests/fixtures"
#endif

#define MAX_LINES 64

struct fixture {
	char data[65536];
	const char *line[MAX_LINES];
	size_t len[MAX_LINES];
	int n;
};

static struct fixture fx;

/* Load a fixture file and split it into lines (without the '\n'). */
static void load(const char *name)
{
	char path[512];
	size_t sz;
	char *p, *end;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", FIXTURE_DIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f, "cannot open %s (run from the repository root): %s",
		      path, strerror(errno));
	sz = fread(fx.data, 1, sizeof(fx.data), f);
	ck_assert_msg(sz < sizeof(fx.data), "%s too large", path);
	fclose(f);

	fx.n = 0;
	p = fx.data;
	end = fx.data + sz;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		ck_assert_int_lt(fx.n, MAX_LINES);
		fx.line[fx.n] = p;
		fx.len[fx.n] = l;
		fx.n++;
		p += l + 1;
	}
}

/* gpumon_xid_parse() on an exact-size heap copy of [s, s + len). */
static int parse_exact(const char *s, size_t len, struct gpumon_xid *x)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, len);
	rc = gpumon_xid_parse(copy, len, x);
	free(copy);
	return rc;
}

#define D10	"0123456789"
#define D50	D10 D10 D10 D10 D10

struct valid_case {
	unsigned int domain, bus, dev;
	int gi, ci;
	unsigned int xid;
	int pid;
	const char *name;
	const char *msg;
};

/* One entry per line of valid.log, in order. */
static const struct valid_case valid_cases[] = {
	/* HC-17, dmesg -T */
	{ 0x0000, 0x00, 0x05, -1, -1, 43, 1045242, "pt_main_thread",
	  "Ch 00000008" },
	{ 0x0000, 0x00, 0x07, -1, -1, 31, 2512125, "python3.10",
	  "Ch 00000008, intr 00000000. MMU Fault: ENGINE GRAPHICS "
	  "GPCCLIENT_T1_8 faulted @ 0x73ac_1c000000. Fault is of type "
	  "FAULT_PDE ACCESS_TYPE_VIRT_WRITE" },
	{ 0x0000, 0x00, 0x08, -1, -1, 94, -1, "",
	  "Contained: SM (0x1). RST: No, D-RST: No" },
	/* HC-25, non-zero domain, 7-digit uptime */
	{ 0x0009, 0x01, 0x00, -1, -1, 43, 3188489, "trigger_xid",
	  "channel 0x0b00000a" },
	/* plain, no pid/name (HC-03 maintainers' remark) */
	{ 0x0000, 0x44, 0x00, -1, -1, 79, -1, "",
	  "GPU has fallen off the bus." },
	/* dmesg timestamp, '<unknown>' */
	{ 0x0000, 0xb3, 0x00, -1, -1, 79, -1, "",
	  "GPU has fallen off the bus." },
	/* journalctl -k with host */
	{ 0x0000, 0x1b, 0x00, -1, -1, 48, 2210, "python3",
	  "An uncorrectable double bit error (DBE) has been detected on GPU "
	  "in the framebuffer at partition 6, subpartition 0." },
	/* journalctl with uptime too; pid=<unknown> without quotes */
	{ 0x0000, 0x07, 0x00, -1, -1, 79, -1, "",
	  "GPU has fallen off the bus." },
	/* MIG GPU-I */
	{ 0x0000, 0x3b, 0x00, 5, -1, 13, 48213, "python",
	  "Graphics SM Warp Exception on (GPC 1, TPC 0, SM 0): "
	  "Out Of Range Address" },
	/* MIG GPU-I and GPU-CI */
	{ 0x0000, 0x3b, 0x00, 5, 1, 43, 48213, "python",
	  "channel 0x00000012" },
	/* dmesg --decode --time-format iso (HC-08 prefix) */
	{ 0x0000, 0x84, 0x00, -1, -1, 45, 91223, "pt_main_thread",
	  "Ch 00000010" },
	/* syslog priority tag */
	{ 0x0000, 0xc1, 0x00, -1, -1, 119, 1523, "nvidia-smi",
	  "Timeout after 6s of waiting for RPC response from GPU1 GSP! "
	  "Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4)." },
	/* older drivers: no "PCI:" */
	{ 0x0000, 0x44, 0x00, -1, -1, 79, -1, "",
	  "GPU has fallen off the bus." },
	/* Blackwell NVLink5 Xid, domain 0x18 */
	{ 0x0018, 0x01, 0x00, -1, -1, 145, -1, "",
	  "NETIR_LINK_EVT Fatal XC0 i0 Link 08 (0x004505c6 0x00000000 "
	  "0x00000000 0x00000000 0x00000000 0x00000000)" },
	/* upper-case hex */
	{ 0x0000, 0xcb, 0x00, -1, -1, 13, -1, "",
	  "Graphics SM Warp Exception on (GPC 7, TPC 1, SM 0): "
	  "Out Of Range Address" },
	/* pid without name (older drivers) */
	{ 0x0000, 0x3b, 0x00, -1, -1, 31, 12345, "",
	  "Ch 00000010, intr 10000000." },
	/* VMD domain (5 hex digits), device 0x1f, dmesg -T */
	{ 0x10000, 0xe1, 0x1f, -1, -1, 74, 777, "all_reduce_perf",
	  "NVLink: fatal error detected on link 3(0x0, 0x0, 0x10000, 0x0, "
	  "0x0, 0x0, 0x0)" },
	/* overlong message: cut to 255 bytes */
	{ 0x0000, 0x45, 0x00, -1, -1, 13, 4242, "longmsg",
	  D50 D50 D50 D50 D50 "01234" },
	/* non-UTF-8 bytes are kept as they are */
	{ 0x0000, 0x46, 0x00, -1, -1, 31, 4243, "py\xff\xfe",
	  "bad \xc3\x28 utf8 \x80 here" },
};

#define N_VALID ((int)ARRAY_SIZE(valid_cases))

START_TEST(test_valid_fixture_count)
{
	load("xid/valid.log");
	ck_assert_int_eq(fx.n, N_VALID);
}
END_TEST

START_TEST(test_valid_fields)
{
	const struct valid_case *e = &valid_cases[_i];
	struct gpumon_xid x;
	int rc;

	load("xid/valid.log");
	ck_assert_int_lt(_i, fx.n);
	rc = parse_exact(fx.line[_i], fx.len[_i], &x);
	ck_assert_msg(rc == 0, "line %d: rc %d: %.*s", _i + 1, rc,
		      (int)fx.len[_i], fx.line[_i]);
	ck_assert(x.has_bdf);
	ck_assert_uint_eq(x.domain, e->domain);
	ck_assert_uint_eq(x.bus, e->bus);
	ck_assert_uint_eq(x.dev, e->dev);
	ck_assert_int_eq(x.gi, e->gi);
	ck_assert_int_eq(x.ci, e->ci);
	ck_assert_uint_eq(x.xid, e->xid);
	ck_assert_int_eq(x.pid, e->pid);
	ck_assert_str_eq(x.name, e->name);
	ck_assert_str_eq(x.msg, e->msg);
}
END_TEST

START_TEST(test_noxid)
{
	struct gpumon_xid x;
	int i, rc;

	load("xid/noxid.log");
	ck_assert_int_ge(fx.n, 10);
	for (i = 0; i < fx.n; i++) {
		rc = parse_exact(fx.line[i], fx.len[i], &x);
		ck_assert_msg(rc == -ENOENT, "noxid.log:%d: rc %d", i + 1, rc);
	}
}
END_TEST

START_TEST(test_malformed)
{
	struct gpumon_xid x;
	int rc;

	load("xid/malformed.log");
	ck_assert_int_eq(fx.n, 27);
	ck_assert_int_lt(_i, fx.n);
	rc = parse_exact(fx.line[_i], fx.len[_i], &x);
	ck_assert_msg(rc == -EINVAL, "malformed.log:%d: rc %d: %.*s",
		      _i + 1, rc, (int)fx.len[_i], fx.line[_i]);
}
END_TEST

/*
 * Every prefix of every valid line: no read past the end (ASan), and a
 * cut before the comma that follows the code is never accepted.
 */
START_TEST(test_truncations)
{
	static const char tok[] = "NVRM: Xid";
	struct gpumon_xid x;
	int i;

	load("xid/valid.log");
	for (i = 0; i < fx.n; i++) {
		const char *s = fx.line[i];
		const char *t = memmem(s, fx.len[i], tok, sizeof(tok) - 1);
		size_t tok_end, comma, l;

		ck_assert_ptr_nonnull(t);
		tok_end = (size_t)(t - s) + sizeof(tok) - 1;
		comma = (size_t)((const char *)memchr(t, ')', fx.len[i] -
					(size_t)(t - s)) - s);
		comma = (size_t)((const char *)memchr(s + comma, ',',
					fx.len[i] - comma) - s);
		for (l = 0; l <= fx.len[i]; l++) {
			int rc = parse_exact(s, l, &x);

			if (l < tok_end)
				ck_assert_int_eq(rc, -ENOENT);
			else if (l <= comma)
				ck_assert_msg(rc == -EINVAL,
					      "line %d cut at %zu: rc %d",
					      i + 1, l, rc);
			else
				ck_assert_msg(rc == 0 || rc == -EINVAL,
					      "line %d cut at %zu: rc %d",
					      i + 1, l, rc);
		}
	}
}
END_TEST

START_TEST(test_len_not_nul)
{
	static const char s[] =
		"NVRM: Xid (PCI:0000:44:00): 79, GPU has fallen off the bus."
		"TRAILING GARBAGE";
	struct gpumon_xid x;

	ck_assert_int_eq(parse_exact(s, sizeof(s) - 1 - 16, &x), 0);
	ck_assert_str_eq(x.msg, "GPU has fallen off the bus.");
	/* len cuts the address: the rest of the buffer must not be used */
	ck_assert_int_eq(parse_exact(s, 22, &x), -EINVAL);
}
END_TEST

START_TEST(test_newline_stripped)
{
	static const char *const lines[] = {
		"NVRM: Xid (PCI:0000:44:00): 79, GPU has fallen off the bus.\n",
		"NVRM: Xid (PCI:0000:44:00): 79, GPU has fallen off the bus.\r\n",
		"NVRM: Xid (PCI:0000:44:00): 79, GPU has fallen off the bus.\r",
	};
	struct gpumon_xid x;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		ck_assert_int_eq(parse_exact(lines[i], strlen(lines[i]), &x),
				 0);
		ck_assert_str_eq(x.msg, "GPU has fallen off the bus.");
	}
}
END_TEST

/* A cut through a UTF-8 sequence drops the whole sequence. */
START_TEST(test_utf8_cut)
{
	char line[512];
	struct gpumon_xid x;
	int n;

	n = snprintf(line, sizeof(line), "NVRM: Xid (PCI:0000:44:00): 13, "
		     "pid=1, name=%s, ", "caf\xc3\xa9");
	/* 254 ASCII bytes, then U+00E9 on bytes 254-255: one too many */
	memset(line + n, 'a', 254);
	memcpy(line + n + 254, "\xc3\xa9tail", 6);
	ck_assert_int_eq(parse_exact(line, (size_t)n + 260, &x), 0);
	ck_assert_str_eq(x.name, "caf\xc3\xa9");
	ck_assert_uint_eq(strlen(x.msg), 254);
	ck_assert_int_eq(x.msg[253], 'a');

	/* 253 ASCII bytes: the 2-byte sequence fits exactly */
	memset(line + n, 'a', 253);
	memcpy(line + n + 253, "\xc3\xa9tail", 6);
	ck_assert_int_eq(parse_exact(line, (size_t)n + 259, &x), 0);
	ck_assert_uint_eq(strlen(x.msg), 255);
	ck_assert_str_eq(x.msg + 253, "\xc3\xa9");
}
END_TEST

/* Process names longer than the field are cut, not rejected. */
START_TEST(test_long_name)
{
	char line[256];
	struct gpumon_xid x;
	int n;

	n = snprintf(line, sizeof(line), "NVRM: Xid (PCI:0000:44:00): 13, "
		     "pid=1, name=%s%s, m", D50, D50);
	ck_assert_int_eq(parse_exact(line, (size_t)n, &x), 0);
	ck_assert_uint_eq(strlen(x.name), sizeof(x.name) - 1);
	ck_assert_str_eq(x.msg, "m");
}
END_TEST

/* Limits: the largest values accepted, one past them rejected. */
START_TEST(test_limits)
{
	static const char ok[] = "NVRM: Xid (PCI:ffffffff:ff:1f): 4294967295, "
				 "pid=2147483647, name=a, b";
	static const char pid_over[] = "NVRM: Xid (PCI:0000:44:00): 13, "
				       "pid=2147483648, name=a, b";
	struct gpumon_xid x;

	ck_assert_int_eq(parse_exact(ok, sizeof(ok) - 1, &x), 0);
	ck_assert_uint_eq(x.domain, 0xffffffffu);
	ck_assert_uint_eq(x.bus, 0xff);
	ck_assert_uint_eq(x.dev, 0x1f);
	ck_assert_uint_eq(x.xid, 4294967295u);
	ck_assert_int_eq(x.pid, 2147483647);
	ck_assert_int_eq(parse_exact(pid_over, sizeof(pid_over) - 1, &x),
			 -EINVAL);
}
END_TEST

START_TEST(test_empty)
{
	struct gpumon_xid x;

	ck_assert_int_eq(gpumon_xid_parse("", 0, &x), -ENOENT);
	ck_assert_int_eq(gpumon_xid_parse("\n", 1, &x), -ENOENT);
}
END_TEST

/* ---- fields decoded inside the message (tests/fixtures/klog/xid-fields.log) ---- */

struct field_case {
	bool has_bdf;
	unsigned int xid;
	const char *unit;
	int fatal, xc, injected, link;
	unsigned int nwords;
	uint32_t w0, wlast;
	int contained;
	const char *cunit;
	int rst, drst;
	unsigned int cause;
	const char *recovery;
};

static const struct field_case field_cases[] = {
	/* NVLink5, R570+ tail: unit, fatal, XC, injected, link, six words */
	{ true, 149, "NETIR_LINK_EVT", 1, 0, 0, 8, 6, 0x004505c6, 0,
	  -1, "", -1, -1, 0, "" },
	/* older drivers: "XC 1 i 2" and one word in brackets */
	{ true, 146, "TLW_RX_PIPE0", 1, 1, 2, 1, 1, 0xa, 0xa,
	  -1, "", -1, -1, 0, "" },
	{ true, 145, "RLW_REMAP", 0, 0, 0, 17, 6, 0x4, 0,
	  -1, "", -1, -1, 0, "" },
	/* cut inside the words: the words are dropped, not half kept */
	{ true, 149, "NETIR_LINK_EVT", 1, 0, 0, 8, 0, 0, 0,
	  -1, "", -1, -1, 0, "" },
	/* Xid 74: link number and seven register words */
	{ true, 74, "", -1, -1, -1, 3, 7, 0x0, 0x0,
	  -1, "", -1, -1, 0, "" },
	/* Xid 94/95 containment */
	{ true, 94, "", -1, -1, -1, -1, 0, 0, 0, 1, "SM", 0, 0, 0, "" },
	{ true, 95, "", -1, -1, -1, -1, 0, 0, 0, 0, "FBHUB", 1, 0, 0, "" },
	/* Xid 45 naming its cause */
	{ true, 45, "", -1, -1, -1, -1, 0, 0, 0, -1, "", -1, -1, 48, "" },
	/* Xid 154: the new recovery action */
	{ true, 154, "", -1, -1, -1, -1, 0, 0, 0, -1, "", -1, -1, 0,
	  "Node Reboot Required" },
	/* no address: unknown, not guessed */
	{ false, 79, "", -1, -1, -1, -1, 0, 0, 0, -1, "", -1, -1, 0, "" },
	{ true, 79, "", -1, -1, -1, -1, 0, 0, 0, -1, "", -1, -1, 0, "" },
};

#define N_FIELDS ((int)ARRAY_SIZE(field_cases))

START_TEST(test_msg_fields)
{
	const struct field_case *e = &field_cases[_i];
	struct gpumon_xid x;
	int rc;

	load("klog/xid-fields.log");
	ck_assert_int_eq(fx.n, N_FIELDS);
	rc = parse_exact(fx.line[_i], fx.len[_i], &x);
	ck_assert_msg(rc == 0, "line %d: rc %d", _i + 1, rc);
	ck_assert_int_eq(x.has_bdf, e->has_bdf);
	ck_assert_uint_eq(x.xid, e->xid);
	ck_assert_str_eq(x.unit, e->unit);
	ck_assert_int_eq(x.fatal, e->fatal);
	ck_assert_int_eq(x.xc, e->xc);
	ck_assert_int_eq(x.injected, e->injected);
	ck_assert_int_eq(x.link, e->link);
	ck_assert_uint_eq(x.nwords, e->nwords);
	if (e->nwords) {
		ck_assert_uint_eq(x.words[0], e->w0);
		ck_assert_uint_eq(x.words[e->nwords - 1], e->wlast);
	}
	ck_assert_int_eq(x.contained, e->contained);
	ck_assert_str_eq(x.contained_unit, e->cunit);
	ck_assert_int_eq(x.rst, e->rst);
	ck_assert_int_eq(x.drst, e->drst);
	ck_assert_uint_eq(x.cause_xid, e->cause);
	ck_assert_str_eq(x.recovery, e->recovery);
}
END_TEST

/* Xid 74's third register word, and more words than fit. */
START_TEST(test_words_limits)
{
	static const char w9[] = "NVRM: Xid (PCI:0000:44:00): 74, NVLink: "
		"fatal error detected on link 2(1, 2, 3, 4, 5, 6, 7, 8, 9)";
	static const char big[] = "NVRM: Xid (PCI:0000:44:00): 74, NVLink: "
		"fatal error detected on link 2(0x123456789)";
	struct gpumon_xid x;

	load("klog/xid-fields.log");
	ck_assert_int_eq(parse_exact(fx.line[4], fx.len[4], &x), 0);
	ck_assert_uint_eq(x.words[2], 0x10000);
	/* nine words do not fit in eight: none are kept */
	ck_assert_int_eq(parse_exact(w9, sizeof(w9) - 1, &x), 0);
	ck_assert_int_eq(x.link, 2);
	ck_assert_uint_eq(x.nwords, 0);
	ck_assert_int_eq(parse_exact(big, sizeof(big) - 1, &x), 0);
	ck_assert_uint_eq(x.nwords, 0);
}
END_TEST

static Suite *xid_suite(void)
{
	Suite *s = suite_create("xid");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_valid_fixture_count);
	tcase_add_loop_test(tc, test_valid_fields, 0, N_VALID);
	tcase_add_test(tc, test_noxid);
	tcase_add_loop_test(tc, test_malformed, 0, 27);
	tcase_add_test(tc, test_truncations);
	tcase_add_test(tc, test_len_not_nul);
	tcase_add_test(tc, test_newline_stripped);
	tcase_add_test(tc, test_utf8_cut);
	tcase_add_test(tc, test_long_name);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_empty);
	tcase_add_loop_test(tc, test_msg_fields, 0, N_FIELDS);
	tcase_add_test(tc, test_words_limits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return gpumon_check_run(xid_suite());
}
