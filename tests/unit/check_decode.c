// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_decode.c - unit tests of `gpumon decode [--json]` (user/decode.c).
 *
 * user/decode.c is not part of the library the unit tests link
 * (user/lib/), so it is compiled into this test by #include. Each case
 * runs gpumon_decode_main() in a child process with stdin read from a
 * fixture of tests/fixtures/klog/ (or a temporary file) and stdout
 * written to a temporary file, then checks the exit status and every
 * event printed: with --json each line is parsed and its fields checked.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>

#include "../../user/decode.c"
#include "check_run.h"

#define MAX_LINES	32

static char out[65536];
static char *lines[MAX_LINES];
static int nlines;
static json_object *ev[MAX_LINES];

/*
 * Run `gpumon decode ARGS` (argv[0] "decode") with stdin from @in_path;
 * its stdout goes to out[], split into lines[]. Returns the exit status.
 */
static int run_decode(const char *in_path, int argc, char **argv)
{
	char tmpl[] = "/tmp/check_decode.XXXXXX";
	int ofd = mkstemp(tmpl);
	ssize_t n;
	int status;
	pid_t pid;

	ck_assert_int_ge(ofd, 0);
	unlink(tmpl);
	fflush(stdout);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int ifd = open(in_path, O_RDONLY);

		if (ifd < 0 || dup2(ifd, 0) < 0 || dup2(ofd, 1) < 0)
			_exit(99);
		optind = 0;	/* getopt: start over */
		status = gpumon_decode_main(argc, argv);
		fflush(stdout);
		_exit(status);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "decode did not exit (status %#x)",
		      status);
	n = pread(ofd, out, sizeof(out) - 1, 0);
	close(ofd);
	ck_assert_int_ge(n, 0);
	ck_assert_int_lt(n, (ssize_t)sizeof(out) - 1);
	out[n] = '\0';
	nlines = 0;
	for (char *p = out, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		ck_assert_msg(nl, "output does not end with a newline: %s", p);
		*nl = '\0';
		ck_assert_int_lt(nlines, MAX_LINES);
		lines[nlines++] = p;
	}
	return WEXITSTATUS(status);
}

static const char *fixture(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "tests/fixtures/klog/%s", name);
	ck_assert_msg(access(path, R_OK) == 0,
		      "cannot read %s (run from the repository root): %s",
		      path, strerror(errno));
	return path;
}

/* `gpumon decode --json < fixture`: parse every line into ev[] */
static int decode_json(const char *path)
{
	char *argv[] = { "decode", "--json", NULL };
	int rc = run_decode(path, 2, argv);

	for (int i = 0; i < nlines; i++) {
		ev[i] = json_tokener_parse(lines[i]);
		ck_assert_msg(ev[i] && json_object_is_type(ev[i], json_type_object),
			      "line %d is not a JSON object: %s", i + 1, lines[i]);
	}
	return rc;
}

static void put_events(void)
{
	for (int i = 0; i < nlines; i++) {
		json_object_put(ev[i]);
		ev[i] = NULL;
	}
}

static json_object *field(int i, const char *key)
{
	json_object *v;

	ck_assert_msg(json_object_object_get_ex(ev[i], key, &v),
		      "event %d has no \"%s\": %s", i + 1, key, lines[i]);
	return v;
}

static void str_is(int i, const char *key, const char *want)
{
	json_object *v = field(i, key);

	ck_assert_msg(json_object_is_type(v, json_type_string),
		      "event %d: \"%s\" is not a string", i + 1, key);
	ck_assert_str_eq(json_object_get_string(v), want);
}

static void num_is(int i, const char *key, uint64_t want)
{
	json_object *v = field(i, key);

	ck_assert_msg(json_object_is_type(v, json_type_int),
		      "event %d: \"%s\" is not a number: %s", i + 1, key,
		      lines[i]);
	ck_assert_uint_eq(json_object_get_uint64(v), want);
}

static bool has(int i, const char *key)
{
	return json_object_object_get_ex(ev[i], key, NULL);
}

/* /dev/kmsg records: a multi-line record, dictionary lines, an SXid group */
START_TEST(test_json_kmsg_records)
{
	ck_assert_int_eq(decode_json(fixture("kmsg-records.log")), 0);
	ck_assert_int_eq(nlines, 3);

	num_is(0, "event", 1);
	str_is(0, "level", "CRIT");
	str_is(0, "kind", "fallen-off-bus");
	str_is(0, "bdf", "0000:b3:00.0");
	num_is(0, "kmsg_seq", 1201);
	str_is(0, "pci_id", "10de:26b5");
	num_is(0, "lines", 3);
	str_is(0, "msg", "NVRM: The NVIDIA GPU 0000:b3:00.0 NVRM: (PCI ID: 10de:26b5) installed in this system has NVRM: fallen off the bus and is not responding to commands.");

	num_is(1, "event", 2);
	str_is(1, "level", "CRIT");
	str_is(1, "kind", "xid");
	str_is(1, "bdf", "0000:b3:00.0");
	num_is(1, "kmsg_seq", 1202);
	num_is(1, "xid", 79);
	str_is(1, "mnemonic", "ROBUST_CHANNEL_GPU_HAS_FALLEN_OFF_THE_BUS");
	/* the dictionary lines are not events and not in the text */
	ck_assert_ptr_null(strstr(lines[1], "SUBSYSTEM"));

	num_is(2, "event", 3);
	str_is(2, "level", "WARNING");
	str_is(2, "kind", "sxid");
	str_is(2, "bdf", "0000:04:00.0");
	num_is(2, "kmsg_seq", 1203);
	num_is(2, "sxid", 22013);
	num_is(2, "nvswitch", 3);
	str_is(2, "fatal", "no");
	num_is(2, "link", 44);
	num_is(2, "severity", 0);
	num_is(2, "engine", 44);
	num_is(2, "subengine", 0);
	num_is(2, "lines", 3);
	str_is(2, "desc", "Link 44 Minion Link DLREQ interrupt");
	str_is(2, "data", "0x0000002b,0x0000002b,0x00000000,0x0000002b,0x80005302,0x00000000,0x00000000,0x00000000,0x00000000");
	put_events();
}
END_TEST

/* dmesg text: one SXid event per Data/description/Severity group */
START_TEST(test_json_sxid_groups)
{
	ck_assert_int_eq(decode_json(fixture("hc07-sxid.log")), 0);
	ck_assert_int_eq(nlines, 2);
	for (int i = 0; i < 2; i++) {
		num_is(i, "event", (uint64_t)i + 1);
		str_is(i, "kind", "sxid");
		str_is(i, "bdf", "0000:04:00.0");
		num_is(i, "sxid", 22013);
		num_is(i, "link", 44 + (uint64_t)i);
		num_is(i, "engine", 44 + (uint64_t)i);
		num_is(i, "lines", 3);
		ck_assert(!has(i, "kmsg_seq"));	/* text, not records */
	}
	str_is(0, "uptime", "38.175561");
	str_is(1, "uptime", "38.183583");
	put_events();
}
END_TEST

START_TEST(test_json_dpc)
{
	ck_assert_int_eq(decode_json(fixture("dpc.log")), 0);
	ck_assert_int_eq(nlines, 3);
	str_is(0, "kind", "dpc");
	str_is(0, "bdf", "0000:00:01.1");
	str_is(0, "status", "0x1f05");
	str_is(0, "reason", "ERR_FATAL");
	str_is(0, "source", "0000:03:00.0");
	str_is(1, "bdf", "0001:80:03.0");
	str_is(1, "reason", "ERR_NONFATAL");
	str_is(1, "source", "0001:81:00.0");
	str_is(2, "reason", "unmasked uncorrectable error");
	ck_assert(!has(2, "source"));
	put_events();
}
END_TEST

/* Xids: codes and devices, a line without a device is "unknown" */
START_TEST(test_json_xids)
{
	static const struct { const char *bdf; unsigned int xid; } want[] = {
		{ "0018:01:00.0", 149 }, { "0000:41:00.0", 146 },
		{ "0000:41:00.0", 145 }, { "0000:41:00.0", 149 },
		{ "10000:e1:1f.0", 74 }, { "0000:00:08.0", 94 },
		{ "0000:3b:00.0", 95 }, { "0000:1b:00.0", 45 },
		{ "0000:1b:00.0", 154 }, { "unknown", 79 },
		{ "0000:44:00.0", 79 },
	};

	ck_assert_int_eq(decode_json(fixture("xid-fields.log")), 0);
	ck_assert_int_eq(nlines, (int)(sizeof(want) / sizeof(want[0])));
	for (int i = 0; i < nlines; i++) {
		str_is(i, "kind", "xid");
		str_is(i, "bdf", want[i].bdf);
		num_is(i, "xid", want[i].xid);
	}
	num_is(7, "cause_xid", 48);
	put_events();
}
END_TEST

/* the text form: LEVEL kind= bdf= fields msg="..." */
START_TEST(test_text)
{
	char *argv[] = { "decode", NULL };

	ck_assert_int_eq(run_decode(fixture("hc03-fallen-off.log"), 1, argv), 0);
	ck_assert_int_eq(nlines, 1);
	ck_assert_str_eq(lines[0], "CRIT    kind=fallen-off-bus bdf=0000:b3:00.0 uptime=1843.308145 pci_id=10de:26b5 lines=3 msg=\"NVRM: The NVIDIA GPU 0000:b3:00.0 NVRM: (PCI ID: 10de:26b5) installed in this system has NVRM: fallen off the bus and is not responding to commands.\"");
}
END_TEST

/* bytes that are not UTF-8 come out as the text \xNN: valid JSON */
START_TEST(test_json_not_utf8)
{
	char tmpl[] = "/tmp/check_decode_in.XXXXXX";
	static const char in[] =
		"NVRM: Xid (PCI:0000:41:00): 13, Graphics \xff\xfe Exception \xc3\xa9\n";
	int fd = mkstemp(tmpl);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, in, sizeof(in) - 1), (ssize_t)sizeof(in) - 1);
	close(fd);
	ck_assert_int_eq(decode_json(tmpl), 0);
	unlink(tmpl);
	ck_assert_int_eq(nlines, 1);
	str_is(0, "kind", "xid");
	num_is(0, "xid", 13);
	ck_assert_msg(strstr(json_object_get_string(field(0, "msg")),
			     "Graphics \\xff\\xfe Exception \xc3\xa9"),
		      "msg: %s", json_object_get_string(field(0, "msg")));
	put_events();
}
END_TEST

START_TEST(test_empty_and_usage)
{
	char *bad[] = { "decode", "--bogus", NULL };
	char *help[] = { "decode", "--help", NULL };

	ck_assert_int_eq(decode_json("/dev/null"), 0);
	ck_assert_int_eq(nlines, 0);
	ck_assert_int_eq(run_decode("/dev/null", 2, bad), 2);
	ck_assert_int_eq(nlines, 0);
	ck_assert_int_eq(run_decode("/dev/null", 2, help), 0);
	ck_assert_int_eq(nlines, 1);
	ck_assert_ptr_nonnull(strstr(lines[0], "usage: gpumon decode"));
}
END_TEST

static Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, test_json_kmsg_records);
	tcase_add_test(tc, test_json_sxid_groups);
	tcase_add_test(tc, test_json_dpc);
	tcase_add_test(tc, test_json_xids);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_json_not_utf8);
	tcase_add_test(tc, test_empty_and_usage);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return gpumon_check_run(decode_suite());
}
