// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_kmsg.c - unit tests of the /dev/kmsg source (user/lib/kmsg.c).
 *
 * Record parsing on record strings in the format of
 * Documentation/ABI/testing/dev-kmsg; the sequence-gap (lost records)
 * logic through gpumon_kmsg_feed(); the read loop through a FIFO standing
 * in for /dev/kmsg (one write per record, so each read() returns one
 * record as /dev/kmsg does); the real /dev/kmsg when it can be read.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmsg.h"
#include "check_run.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* a string literal as (buf, len) arguments */
#define REC(s)	s, sizeof(s) - 1

START_TEST(test_parse_plain)
{
	static const char r[] = "6,339,5140900,-;NET: Registered protocol "
				"family 10\n";
	struct gpumon_kmsg_rec rec;

	ck_assert_int_eq(gpumon_kmsg_parse(REC(r), &rec), 0);
	ck_assert_uint_eq(rec.facility, 0);
	ck_assert_uint_eq(rec.level, 6);
	ck_assert_uint_eq(rec.seq, 339);
	ck_assert_uint_eq(rec.ts_us, 5140900);
	ck_assert_uint_eq(rec.text_len, strlen("NET: Registered protocol "
					       "family 10"));
	ck_assert(!memcmp(rec.text, "NET: Registered protocol family 10",
			  rec.text_len));
	ck_assert_ptr_eq(rec.text, r + 16);
}
END_TEST

START_TEST(test_parse_xid_record)
{
	static const char r[] = "4,1201,1843308145,-;NVRM: Xid "
		"(PCI:0000:44:00): 79, GPU has fallen off the bus.\n";
	static const char t[] = "NVRM: Xid (PCI:0000:44:00): 79, GPU has "
				"fallen off the bus.";
	struct gpumon_kmsg_rec rec;

	ck_assert_int_eq(gpumon_kmsg_parse(REC(r), &rec), 0);
	ck_assert_uint_eq(rec.facility, 0);
	ck_assert_uint_eq(rec.level, 4);
	ck_assert_uint_eq(rec.seq, 1201);
	ck_assert_uint_eq(rec.ts_us, 1843308145ULL);
	ck_assert_uint_eq(rec.text_len, sizeof(t) - 1);
	ck_assert(!memcmp(rec.text, t, rec.text_len));
}
END_TEST

/* Dictionary lines after the text are not part of it. */
START_TEST(test_parse_dict)
{
	static const char r[] = "3,1502,68185875295,-;nvidia 0000:07:00.0: "
		"PCIe Bus Error: severity=Correctable\n"
		" SUBSYSTEM=pci\n DEVICE=+pci:0000:07:00.0\n";
	static const char t[] = "nvidia 0000:07:00.0: PCIe Bus Error: "
				"severity=Correctable";
	struct gpumon_kmsg_rec rec;

	ck_assert_int_eq(gpumon_kmsg_parse(REC(r), &rec), 0);
	ck_assert_uint_eq(rec.level, 3);
	ck_assert_uint_eq(rec.seq, 1502);
	ck_assert_uint_eq(rec.ts_us, 68185875295ULL);
	ck_assert_uint_eq(rec.text_len, sizeof(t) - 1);
	ck_assert(!memcmp(rec.text, t, rec.text_len));
}
END_TEST

/* Fields after FLAGS (CONFIG_PRINTK_CALLER), continuation flag, escapes */
START_TEST(test_parse_extra_fields)
{
	static const char r1[] = "6,1,0,-,caller=T0;Command line: quiet\n";
	static const char r2[] = "4,77,9000,c;line one\\x0aline two\n";
	struct gpumon_kmsg_rec rec;

	ck_assert_int_eq(gpumon_kmsg_parse(REC(r1), &rec), 0);
	ck_assert_uint_eq(rec.seq, 1);
	ck_assert_uint_eq(rec.ts_us, 0);
	ck_assert_uint_eq(rec.text_len, strlen("Command line: quiet"));
	ck_assert(!memcmp(rec.text, "Command line: quiet", rec.text_len));

	ck_assert_int_eq(gpumon_kmsg_parse(REC(r2), &rec), 0);
	ck_assert_uint_eq(rec.seq, 77);
	ck_assert_uint_eq(rec.text_len, strlen("line one\\x0aline two"));
}
END_TEST

/* PRI = facility << 3 | level */
START_TEST(test_parse_facility)
{
	static const struct {
		const char *r;
		unsigned int fac, lvl;
	} t[] = {
		{ "0,1,2,-;emerg\n", 0, 0 },
		{ "7,1,2,-;debug\n", 0, 7 },
		{ "12,1,2,-;user warning\n", 1, 4 },
		{ "14,1,2,-;user info\n", 1, 6 },
		{ "30,1,2,-;daemon info\n", 3, 6 },
		{ "191,1,2,-;local7 debug\n", 23, 7 },
	};
	struct gpumon_kmsg_rec rec;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_int_eq(gpumon_kmsg_parse(t[i].r, strlen(t[i].r),
						   &rec), 0);
		ck_assert_uint_eq(rec.facility, t[i].fac);
		ck_assert_uint_eq(rec.level, t[i].lvl);
	}
}
END_TEST

/* Largest sequence number and timestamp; empty text; no newline. */
START_TEST(test_parse_edges)
{
	static const char r1[] = "6,18446744073709551615,"
				 "18446744073709551615,-;\n";
	static const char r2[] = "6,5,6,-;no newline";
	struct gpumon_kmsg_rec rec;

	ck_assert_int_eq(gpumon_kmsg_parse(REC(r1), &rec), 0);
	ck_assert_uint_eq(rec.seq, UINT64_MAX);
	ck_assert_uint_eq(rec.ts_us, UINT64_MAX);
	ck_assert_uint_eq(rec.text_len, 0);

	ck_assert_int_eq(gpumon_kmsg_parse(REC(r2), &rec), 0);
	ck_assert_uint_eq(rec.text_len, strlen("no newline"));
}
END_TEST

static const char *const bad_records[] = {
	"",
	"6",
	"6,",
	"6,339",
	"6,339,",
	"6,339,5140900",
	"6,339,5140900,",
	"6,339,5140900,-",
	"6,339,5140900,-\n;text after the newline\n",
	"6,339,5140900;no flags\n",
	"6,339,5140900,;empty flags\n",
	"a,339,5140900,-;pri not a number\n",
	"-6,339,5140900,-;negative pri\n",
	"6,,5140900,-;no seq\n",
	"6,0x10,5140900,-;hex seq\n",
	"6,339,5.1,-;fraction\n",
	"6,18446744073709551616,0,-;seq overflow\n",
	"6,1,18446744073709551616,-;ts overflow\n",
	"4294967296,1,2,-;pri overflow\n",
	" 6,1,2,-;leading blank\n",
	"NVRM: Xid (PCI:0000:44:00): 79, GPU has fallen off the bus.\n",
};

#define N_BAD ((int)ARRAY_SIZE(bad_records))

START_TEST(test_parse_malformed)
{
	const char *r = bad_records[_i];
	size_t len = strlen(r);
	struct gpumon_kmsg_rec rec;
	char *copy = malloc(len ? len : 1);

	/* exact-size copy: ASan catches reads past len */
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, r, len);
	ck_assert_msg(gpumon_kmsg_parse(copy, len, &rec) == -EINVAL,
		      "accepted: \"%s\"", r);
	free(copy);
}
END_TEST

/* ---- the source: callbacks record what they get ---- */

struct seen {
	int records;
	uint64_t seqs[16];
	int lost_calls;
	uint64_t lost;
	int malformed;
	char last_text[128];
};

static void on_record(void *ctx, const struct gpumon_kmsg_rec *rec)
{
	struct seen *s = ctx;
	size_t n = rec->text_len < sizeof(s->last_text) - 1 ?
		   rec->text_len : sizeof(s->last_text) - 1;

	ck_assert_uint_eq(rec->facility, 0);
	if (s->records < 16)
		s->seqs[s->records] = rec->seq;
	s->records++;
	memcpy(s->last_text, rec->text, n);
	s->last_text[n] = '\0';
}

static void on_lost(void *ctx, uint64_t n)
{
	struct seen *s = ctx;

	s->lost_calls++;
	s->lost += n;
}

static void on_malformed(void *ctx, const char *buf, size_t len)
{
	struct seen *s = ctx;

	s->malformed++;
}

static const struct gpumon_kmsg_ops ops = {
	.record = on_record,
	.lost = on_lost,
	.malformed = on_malformed,
};

static void feed(struct gpumon_kmsg *k, const char *r)
{
	gpumon_kmsg_feed(k, r, strlen(r));
}

/* Gap arithmetic: seq jumps report exactly the records in between. */
START_TEST(test_gap)
{
	struct gpumon_kmsg *k;
	struct gpumon_kmsg_stats st;
	struct seen s = { 0 };

	/* /dev/null: a file that can be opened and seeked anywhere */
	ck_assert_int_eq(gpumon_kmsg_open(&k, "/dev/null", &ops, &s), 0);

	/* first record after open: no loss reported whatever its number */
	feed(k, "6,1000,5,-;first\n");
	ck_assert_int_eq(s.lost_calls, 0);
	feed(k, "6,1001,6,-;next\n");
	ck_assert_int_eq(s.lost_calls, 0);
	/* 1002..1004 overwritten */
	feed(k, "4,1005,7,-;after gap\n");
	ck_assert_int_eq(s.lost_calls, 1);
	ck_assert_uint_eq(s.lost, 3);
	/* user-space record: not delivered, but its number counts */
	feed(k, "14,1006,8,-;from user space\n");
	feed(k, "6,1007,9,-;kernel again\n");
	ck_assert_int_eq(s.lost_calls, 1);
	/* a gap of exactly one */
	feed(k, "6,1009,10,-;one lost\n");
	ck_assert_int_eq(s.lost_calls, 2);
	ck_assert_uint_eq(s.lost, 4);
	/* malformed: reported, does not move the sequence */
	feed(k, "garbage without a header\n");
	ck_assert_int_eq(s.malformed, 1);
	feed(k, "6,1010,11,-;after garbage\n");
	ck_assert_int_eq(s.lost_calls, 2);
	/* a big jump, as after a long EPIPE overrun: 1011..2000009 */
	feed(k, "3,2000010,12,-;far later\n");
	ck_assert_int_eq(s.lost_calls, 3);
	ck_assert_uint_eq(s.lost, 4 + 1998999);

	ck_assert_int_eq(s.records, 7);
	ck_assert_uint_eq(s.seqs[0], 1000);
	ck_assert_uint_eq(s.seqs[2], 1005);
	ck_assert_uint_eq(s.seqs[3], 1007);
	ck_assert_str_eq(s.last_text, "far later");

	gpumon_kmsg_get_stats(k, &st);
	ck_assert_uint_eq(st.records, 9);
	ck_assert_uint_eq(st.lost, 4 + 1998999);
	ck_assert_uint_eq(st.malformed, 1);
	ck_assert_uint_eq(st.overruns, 0);
	gpumon_kmsg_close(k);
}
END_TEST

/* A record that goes back (should not happen) reports nothing. */
START_TEST(test_gap_backwards)
{
	struct gpumon_kmsg *k;
	struct seen s = { 0 };

	ck_assert_int_eq(gpumon_kmsg_open(&k, "/dev/null", &ops, &s), 0);
	feed(k, "6,50,1,-;a\n");
	feed(k, "6,40,2,-;b\n");
	feed(k, "6,41,3,-;c\n");
	ck_assert_int_eq(s.lost_calls, 0);
	feed(k, "6,43,4,-;d\n");
	ck_assert_uint_eq(s.lost, 1);
	gpumon_kmsg_close(k);
}
END_TEST

/* NULL callbacks are allowed. */
START_TEST(test_null_ops)
{
	struct gpumon_kmsg *k;
	struct gpumon_kmsg_stats st;

	ck_assert_int_eq(gpumon_kmsg_open(&k, "/dev/null", NULL, NULL), 0);
	feed(k, "6,1,1,-;a\n");
	feed(k, "6,5,1,-;b\n");
	feed(k, "bad\n");
	gpumon_kmsg_get_stats(k, &st);
	ck_assert_uint_eq(st.records, 3);
	ck_assert_uint_eq(st.lost, 3);
	ck_assert_uint_eq(st.malformed, 1);
	gpumon_kmsg_close(k);
}
END_TEST

START_TEST(test_open_missing)
{
	struct gpumon_kmsg *k = NULL;

	ck_assert_int_eq(gpumon_kmsg_open(&k, "/nonexistent/kmsg", &ops, NULL),
			 -ENOENT);
	gpumon_kmsg_close(NULL);
}
END_TEST

/* open() starts at the end: what the file already holds is not read. */
START_TEST(test_open_at_end)
{
	char path[] = "/tmp/check_kmsg.XXXXXX";
	static const char old[] = "3,1,1,-;NVRM: Xid (PCI:0000:44:00): 79, "
				  "GPU has fallen off the bus.\n";
	struct gpumon_kmsg *k;
	struct seen s = { 0 };
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, old, sizeof(old) - 1), sizeof(old) - 1);
	close(fd);

	ck_assert_int_eq(gpumon_kmsg_open(&k, path, &ops, &s), 0);
	ck_assert_int_eq(gpumon_kmsg_process(k), 0);
	ck_assert_int_eq(s.records, 0);
	gpumon_kmsg_close(k);
	unlink(path);
}
END_TEST

static void write_rec(int wfd, const char *r)
{
	ssize_t n = write(wfd, r, strlen(r));

	ck_assert_int_eq(n, (ssize_t)strlen(r));
}

/* The read loop, one record per read(), through a FIFO. */
START_TEST(test_process_fifo)
{
	char dir[] = "/tmp/check_kmsg.XXXXXX";
	char path[64];
	struct gpumon_kmsg *k;
	struct gpumon_kmsg_stats st;
	struct seen s = { 0 };
	int wfd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kmsg", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);

	ck_assert_int_eq(gpumon_kmsg_open(&k, path, &ops, &s), 0);
	ck_assert_int_ge(gpumon_kmsg_fd(k), 0);
	wfd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(wfd, 0);

	/* nothing there: EAGAIN ends the loop with 0 records */
	ck_assert_int_eq(gpumon_kmsg_process(k), 0);

	write_rec(wfd, "4,20,100,-;NVRM: Xid (PCI:0000:44:00): 79, GPU "
		  "has fallen off the bus.\n");
	ck_assert_int_eq(gpumon_kmsg_process(k), 1);
	ck_assert_int_eq(s.records, 1);
	ck_assert_uint_eq(s.seqs[0], 20);
	ck_assert_str_eq(s.last_text, "NVRM: Xid (PCI:0000:44:00): 79, GPU "
			 "has fallen off the bus.");

	write_rec(wfd, "6,24,200,-;after three lost\n SUBSYSTEM=pci\n");
	ck_assert_int_eq(gpumon_kmsg_process(k), 1);
	ck_assert_int_eq(s.lost_calls, 1);
	ck_assert_uint_eq(s.lost, 3);
	ck_assert_str_eq(s.last_text, "after three lost");

	write_rec(wfd, "14,25,300,-;user space\n");
	ck_assert_int_eq(gpumon_kmsg_process(k), 1);
	ck_assert_int_eq(s.records, 2);

	write_rec(wfd, "not a record\n");
	ck_assert_int_eq(gpumon_kmsg_process(k), 1);
	ck_assert_int_eq(s.malformed, 1);

	gpumon_kmsg_get_stats(k, &st);
	ck_assert_uint_eq(st.records, 4);
	ck_assert_uint_eq(st.lost, 3);
	ck_assert_uint_eq(st.malformed, 1);

	close(wfd);
	gpumon_kmsg_close(k);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* ---- resuming across restarts (state file) ---- */

static char state_dir[64];
static char state_path[128];

static void state_setup(void)
{
	snprintf(state_dir, sizeof(state_dir), "/tmp/check_kmsg_st.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(state_dir));
	/* a folder that does not exist yet: save creates it */
	snprintf(state_path, sizeof(state_path), "%s/lib/kmsg.seq",
		 state_dir);
}

static void state_write(const char *content)
{
	char dir[128];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/lib", state_dir);
	mkdir(dir, 0755);
	f = fopen(state_path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
}

static void state_read(char *buf, size_t size)
{
	FILE *f = fopen(state_path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void state_teardown(void)
{
	char p[160];

	unlink(state_path);
	snprintf(p, sizeof(p), "%s.tmp", state_path);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lib", state_dir);
	rmdir(p);
	rmdir(state_dir);
}

/* Same boot: what was handled is skipped, the rest delivered once. */
START_TEST(test_resume_same_boot)
{
	struct gpumon_kmsg *k;
	struct gpumon_kmsg_stats st;
	struct seen s = { 0 };
	char buf[128];

	state_setup();
	state_write("b00t 1003\n");
	ck_assert_int_eq(gpumon_kmsg_open_resume(&k, "/dev/null", state_path,
						 "b00t", &ops, &s), 0);
	feed(k, "6,1001,1,-;old\n");
	feed(k, "6,1002,2,-;old\n");
	feed(k, "4,1003,3,-;NVRM: Xid (PCI:0000:44:00): 79, old\n");
	ck_assert_int_eq(s.records, 0);
	feed(k, "4,1004,4,-;new\n");
	ck_assert_int_eq(s.records, 1);
	ck_assert_uint_eq(s.seqs[0], 1004);
	ck_assert_int_eq(s.lost_calls, 0);
	gpumon_kmsg_get_stats(k, &st);
	ck_assert_int_eq(st.resume, GPUMON_KMSG_SAME_BOOT);
	ck_assert_uint_eq(st.skipped, 3);
	ck_assert_int_eq(gpumon_kmsg_save(k), 0);
	state_read(buf, sizeof(buf));
	ck_assert_str_eq(buf, "b00t 1004\n");
	gpumon_kmsg_close(k);
	state_teardown();
}
END_TEST

/* Records overwritten while the daemon was down: the exact count. */
START_TEST(test_resume_gap_while_down)
{
	struct gpumon_kmsg *k;
	struct seen s = { 0 };

	state_setup();
	state_write("b00t 1003\n");
	ck_assert_int_eq(gpumon_kmsg_open_resume(&k, "/dev/null", state_path,
						 "b00t", &ops, &s), 0);
	feed(k, "6,1010,1,-;oldest still there\n");
	ck_assert_int_eq(s.lost_calls, 1);
	ck_assert_uint_eq(s.lost, 6);	/* 1004..1009 */
	ck_assert_int_eq(s.records, 1);
	gpumon_kmsg_close(k);
	state_teardown();
}
END_TEST

/* Another boot: sequence numbers restart, everything is new. */
START_TEST(test_resume_new_boot)
{
	struct gpumon_kmsg *k;
	struct gpumon_kmsg_stats st;
	struct seen s = { 0 };
	char buf[128];

	state_setup();
	state_write("0ld-b00t 5000\n");
	ck_assert_int_eq(gpumon_kmsg_open_resume(&k, "/dev/null", state_path,
						 "new-b00t", &ops, &s), 0);
	feed(k, "6,0,1,-;first of this boot\n");
	feed(k, "6,1,2,-;second\n");
	ck_assert_int_eq(s.records, 2);
	ck_assert_int_eq(s.lost_calls, 0);
	gpumon_kmsg_get_stats(k, &st);
	ck_assert_int_eq(st.resume, GPUMON_KMSG_NEW_BOOT);
	ck_assert_uint_eq(st.skipped, 0);
	gpumon_kmsg_close(k);	/* close saves */
	state_read(buf, sizeof(buf));
	ck_assert_str_eq(buf, "new-b00t 1\n");
	state_teardown();
}
END_TEST

/* No state file, or a bad one: from the oldest record; early loss counted. */
START_TEST(test_resume_no_or_bad_state)
{
	static const char *const bad[] = { "", "b00t\n", "b00t x\n",
					   "b00t 12", " 12\n", "b00t 1 2\n" };
	struct gpumon_kmsg *k;
	struct gpumon_kmsg_stats st;
	struct seen s = { 0 };

	state_setup();
	ck_assert_int_eq(gpumon_kmsg_open_resume(&k, "/dev/null", state_path,
						 "b00t", &ops, &s), 0);
	gpumon_kmsg_get_stats(k, &st);
	ck_assert_int_eq(st.resume, GPUMON_KMSG_NO_STATE);
	/* 0..6 of this boot already overwritten */
	feed(k, "6,7,1,-;oldest\n");
	ck_assert_uint_eq(s.lost, 7);
	ck_assert_int_eq(s.records, 1);
	gpumon_kmsg_close(k);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		state_write(bad[i]);
		ck_assert_int_eq(gpumon_kmsg_open_resume(&k, "/dev/null",
				 state_path, "b00t", &ops, &s), 0);
		gpumon_kmsg_get_stats(k, &st);
		ck_assert_msg(st.resume == GPUMON_KMSG_BAD_STATE,
			      "state \"%s\" accepted", bad[i]);
		gpumon_kmsg_close(k);
	}
	state_teardown();
}
END_TEST

/* Through the read loop: process() saves, a restart resumes after it. */
START_TEST(test_resume_restart_fifo)
{
	char dir[] = "/tmp/check_kmsg.XXXXXX";
	char path[64], buf[128];
	struct gpumon_kmsg *k;
	struct gpumon_kmsg_stats st;
	struct seen s = { 0 }, s2 = { 0 };
	int wfd;

	state_setup();
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kmsg", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);

	ck_assert_int_eq(gpumon_kmsg_open_resume(&k, path, state_path, "b",
						 &ops, &s), 0);
	wfd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(wfd, 0);
	write_rec(wfd, "4,0,100,-;NVRM: Xid (PCI:0000:44:00): 79, a\n");
	ck_assert_int_eq(gpumon_kmsg_process(k), 1);
	write_rec(wfd, "4,1,101,-;NVRM: Xid (PCI:0000:44:00): 79, b\n");
	ck_assert_int_eq(gpumon_kmsg_process(k), 1);
	ck_assert_int_eq(s.records, 2);
	state_read(buf, sizeof(buf));
	ck_assert_str_eq(buf, "b 1\n");
	close(wfd);
	gpumon_kmsg_close(k);

	/* the restart reads the same records again, plus a new one */
	ck_assert_int_eq(gpumon_kmsg_open_resume(&k, path, state_path, "b",
						 &ops, &s2), 0);
	wfd = open(path, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(wfd, 0);
	write_rec(wfd, "4,0,100,-;NVRM: Xid (PCI:0000:44:00): 79, a\n");
	ck_assert_int_eq(gpumon_kmsg_process(k), 1);
	write_rec(wfd, "4,1,101,-;NVRM: Xid (PCI:0000:44:00): 79, b\n");
	ck_assert_int_eq(gpumon_kmsg_process(k), 1);
	write_rec(wfd, "4,2,102,-;NVRM: Xid (PCI:0000:44:00): 79, c\n");
	ck_assert_int_eq(gpumon_kmsg_process(k), 1);
	ck_assert_int_eq(s2.records, 1);
	ck_assert_str_eq(s2.last_text, "NVRM: Xid (PCI:0000:44:00): 79, c");
	gpumon_kmsg_get_stats(k, &st);
	ck_assert_uint_eq(st.skipped, 2);
	state_read(buf, sizeof(buf));
	ck_assert_str_eq(buf, "b 2\n");
	close(wfd);
	gpumon_kmsg_close(k);
	unlink(path);
	rmdir(dir);
	state_teardown();
}
END_TEST

/* A state file that cannot be written: counted, never fatal. */
START_TEST(test_resume_save_error)
{
	struct gpumon_kmsg *k;
	struct gpumon_kmsg_stats st;
	struct seen s = { 0 };

	ck_assert_int_eq(gpumon_kmsg_open_resume(&k, "/dev/null",
			 "/proc/gpumon-none/kmsg.seq", "b", &ops, &s), 0);
	feed(k, "6,0,1,-;a\n");
	ck_assert_int_lt(gpumon_kmsg_save(k), 0);
	gpumon_kmsg_get_stats(k, &st);
	ck_assert_uint_eq(st.save_errors, 1);
	ck_assert_int_eq(s.records, 1);
	gpumon_kmsg_close(k);
}
END_TEST

/*
 * The real /dev/kmsg: every record in the kernel's buffer parses, and
 * the source opens and reads to EAGAIN. Added only when /dev/kmsg can be
 * read (see main()).
 */
START_TEST(test_real_kmsg)
{
	static char buf[16384];
	struct gpumon_kmsg_rec rec;
	struct gpumon_kmsg *k;
	struct seen s = { 0 };
	int fd, n = 0, rc;
	ssize_t r;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EPIPE)
			continue;
		if (r < 0)
			break;
		rc = gpumon_kmsg_parse(buf, (size_t)r, &rec);
		ck_assert_msg(rc == 0, "real record not parsed: %.*s",
			      (int)r, buf);
		n++;
	}
	ck_assert_int_eq(errno, EAGAIN);
	close(fd);
	ck_assert_int_gt(n, 0);

	ck_assert_int_eq(gpumon_kmsg_open(&k, NULL, &ops, &s), 0);
	ck_assert_int_ge(gpumon_kmsg_process(k), 0);
	ck_assert_int_eq(s.malformed, 0);
	gpumon_kmsg_close(k);
}
END_TEST

/* The real /dev/kmsg and this boot's id: a restart re-delivers nothing. */
START_TEST(test_real_kmsg_resume)
{
	struct gpumon_kmsg *k;
	struct gpumon_kmsg_stats st;
	struct seen s = { 0 }, s2 = { 0 };

	state_setup();
	ck_assert_int_eq(gpumon_kmsg_open_resume(&k, NULL, state_path, NULL,
						 &ops, &s), 0);
	ck_assert_int_ge(gpumon_kmsg_process(k), 0);
	gpumon_kmsg_get_stats(k, &st);
	ck_assert_int_eq(st.resume, GPUMON_KMSG_NO_STATE);
	gpumon_kmsg_close(k);

	ck_assert_int_eq(gpumon_kmsg_open_resume(&k, NULL, state_path, NULL,
						 &ops, &s2), 0);
	ck_assert_int_ge(gpumon_kmsg_process(k), 0);
	gpumon_kmsg_get_stats(k, &st);
	ck_assert_int_eq(st.resume, GPUMON_KMSG_SAME_BOOT);
	ck_assert_uint_gt(st.skipped, 0);
	ck_assert_uint_eq(st.lost, 0);
	/* only kernel records logged between the two opens, if any */
	ck_assert_int_le(s2.records, 2);
	gpumon_kmsg_close(k);
	state_teardown();
}
END_TEST

static Suite *kmsg_suite(bool real)
{
	Suite *su = suite_create("kmsg");
	TCase *tp = tcase_create("parse");
	TCase *ts = tcase_create("source");

	tcase_add_test(tp, test_parse_plain);
	tcase_add_test(tp, test_parse_xid_record);
	tcase_add_test(tp, test_parse_dict);
	tcase_add_test(tp, test_parse_extra_fields);
	tcase_add_test(tp, test_parse_facility);
	tcase_add_test(tp, test_parse_edges);
	tcase_add_loop_test(tp, test_parse_malformed, 0, N_BAD);
	suite_add_tcase(su, tp);

	tcase_add_test(ts, test_gap);
	tcase_add_test(ts, test_gap_backwards);
	tcase_add_test(ts, test_null_ops);
	tcase_add_test(ts, test_open_missing);
	tcase_add_test(ts, test_open_at_end);
	tcase_add_test(ts, test_process_fifo);
	tcase_add_test(ts, test_resume_same_boot);
	tcase_add_test(ts, test_resume_gap_while_down);
	tcase_add_test(ts, test_resume_new_boot);
	tcase_add_test(ts, test_resume_no_or_bad_state);
	tcase_add_test(ts, test_resume_restart_fifo);
	tcase_add_test(ts, test_resume_save_error);
	if (real) {
		tcase_add_test(ts, test_real_kmsg);
		tcase_add_test(ts, test_real_kmsg_resume);
	}
	suite_add_tcase(su, ts);
	return su;
}

int main(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	bool real = fd >= 0;

	if (real)
		close(fd);
	else
		printf("SKIP: kmsg:test_real_kmsg: /dev/kmsg not readable "
		       "(%s)\n", strerror(errno));
	return gpumon_check_run(kmsg_suite(real));
}
