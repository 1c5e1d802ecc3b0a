// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmsg.c - kernel log records from /dev/kmsg.
 *
 * Format and semantics: Documentation/ABI/testing/dev-kmsg. Each read()
 * returns exactly one record,
 *
 *	PRI,SEQ,TS_USEC,FLAGS[,MORE...];TEXT\n
 *	 KEY=VALUE\n			(optional dictionary lines)
 *
 * with PRI = facility << 3 | level. When the kernel overwrote records
 * this reader had not read yet, read() fails once with EPIPE and the next
 * read() returns the oldest record still in the buffer; the jump in SEQ
 * tells how many were lost.
 *
 * Resuming across daemon restarts (gpumon_kmsg_open_resume()): the state
 * file holds one line, "BOOT_ID SEQ\n", the boot (from
 * /proc/sys/kernel/random/boot_id) and the sequence number of the last
 * record whose callbacks have run. On open the source seeks to the
 * oldest record still in the kernel's buffer (SEEK_SET 0; not SEEK_DATA,
 * which starts after the last "dmesg -c" and would skip records this
 * daemon never saw) and then:
 *
 *  - same boot: records with SEQ <= the saved one are read and dropped
 *    (counted as skipped, no callbacks); when the first newer record is
 *    more than one past the saved number, the difference is reported
 *    through @ops->lost: the kernel overwrote them while the daemon was
 *    down. Nothing is delivered twice, nothing missed silently.
 *  - another boot, no state file, or a state file that does not parse:
 *    every record in the buffer is delivered, and a first record with a
 *    SEQ above 0 reports the SEQ records of this boot already overwritten
 *    as lost.
 *
 * The state is written (to STATE.tmp, then rename(), so a reader never
 * sees half a file) after each gpumon_kmsg_process() batch whose records
 * moved the position, and on close. Delivery is therefore at least once:
 * a crash between a record's callback and the next write delivers that
 * record again at the next start; a record is never marked handled
 * before its callback ran. The file is not fsync()ed: after a power loss
 * the previous position may come back, with the same at-least-once
 * result.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmsg.h"
#include "util.h"

/*
 * A record is at most CONSOLE_EXT_LOG_MAX (8192) bytes; read() with a
 * smaller buffer fails with EINVAL. Twice that leaves room to spare.
 */
#define KMSG_BUF_SIZE	16384

struct gpumon_kmsg {
	int fd;
	const struct gpumon_kmsg_ops *ops;
	void *ctx;
	bool have_seq;
	uint64_t last_seq;
	/* resume: records with seq <= skip_to are dropped */
	bool skipping;
	uint64_t skip_to;
	/* state file: path, this boot, position last written */
	char *state;
	char boot_id[64];
	bool saved_valid;
	uint64_t saved_seq;
	struct gpumon_kmsg_stats st;
	char buf[KMSG_BUF_SIZE];
};

/* Decimal number up to ';' or ','; false on no digits or overflow. */
static bool parse_u64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p == end || *p < '0' || *p > '9')
		return false;
	while (p < end && *p >= '0' && *p <= '9') {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		p++;
	}
	*pp = p;
	*out = v;
	return true;
}

/**
 * gpumon_kmsg_parse() - split one record as read() from /dev/kmsg returns it.
 * @buf: the record, "PRI,SEQ,TS,FLAGS[,...];TEXT\n" followed by
 *	optional " KEY=VALUE\n" dictionary lines; need not be NUL-terminated
 * @len: bytes in @buf
 * @rec: filled on success; @rec->text points into @buf
 *
 * The text ends at the first newline (the kernel escapes newlines inside
 * a message as \x0a), or at @len when there is none. Fields after FLAGS
 * (such as "caller=T123") are skipped.
 *
 * Return: 0 on success, -EINVAL when the header is malformed: PRI, SEQ or
 * TS_USEC missing, not decimal or overflowing, FLAGS missing, or no ';'
 * before the end of the first line.
 */
int gpumon_kmsg_parse(const char *buf, size_t len,
		      struct gpumon_kmsg_rec *rec)
{
	const char *p = buf, *end = buf + len, *nl;
	uint64_t pri, seq, ts;

	if (!parse_u64(&p, end, &pri) || pri > UINT32_MAX ||
	    p == end || *p++ != ',')
		return -EINVAL;
	if (!parse_u64(&p, end, &seq) || p == end || *p++ != ',')
		return -EINVAL;
	if (!parse_u64(&p, end, &ts) || p == end || *p++ != ',')
		return -EINVAL;
	/* FLAGS: '-', 'c' or '+' today; one or more characters. */
	if (p == end || *p == ';' || *p == ',' || *p == '\n')
		return -EINVAL;
	while (p < end && *p != ';' && *p != '\n')
		p++;
	if (p == end || *p != ';')
		return -EINVAL;
	p++;

	nl = memchr(p, '\n', (size_t)(end - p));
	rec->facility = (unsigned int)(pri >> 3);
	rec->level = (unsigned int)(pri & 7);
	rec->seq = seq;
	rec->ts_us = ts;
	rec->text = p;
	rec->text_len = (size_t)((nl ? nl : end) - p);
	return 0;
}

/**
 * gpumon_kmsg_open() - open /dev/kmsg, positioned after the last record.
 * @out: the new source
 * @path: file to read, NULL for "/dev/kmsg"
 * @ops: callbacks; any of them may be NULL
 * @ctx: passed to the callbacks
 *
 * Return: 0, -ENOMEM, or -errno from open() or lseek().
 */
int gpumon_kmsg_open(struct gpumon_kmsg **out, const char *path,
		     const struct gpumon_kmsg_ops *ops, void *ctx)
{
	struct gpumon_kmsg *k;
	int err;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->ops = ops;
	k->ctx = ctx;
	k->fd = open(path ? path : "/dev/kmsg",
		     O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0) {
		err = -errno;
		goto err_free;
	}
	/*
	 * Start after the newest record: what is already in the buffer was
	 * seen by the previous run of the daemon (or happened before it), and
	 * a restart must not raise the same Xid alerts again. Reading the
	 * records missed while the daemon was down needs the last sequence
	 * number persisted across runs; that is later work.
	 *
	 * ESPIPE is allowed so that a FIFO can stand in for /dev/kmsg in
	 * tests.
	 */
	if (lseek(k->fd, 0, SEEK_END) < 0 && errno != ESPIPE) {
		err = -errno;
		goto err_close;
	}
	*out = k;
	return 0;

err_close:
	close(k->fd);
err_free:
	free(k);
	return err;
}

/**
 * gpumon_kmsg_fd() - file descriptor to poll for POLLIN.
 * @k: the source
 *
 * Return: the descriptor, owned by @k.
 */
int gpumon_kmsg_fd(struct gpumon_kmsg *k)
{
	return k->fd;
}

/**
 * gpumon_kmsg_feed() - handle one record as if read() had returned it.
 * @k: the source
 * @buf: one record
 * @len: bytes in @buf
 *
 * A record whose sequence number is more than one past the previous one
 * means the records between were overwritten before they were read;
 * their number goes to @ops->lost. Nothing is reported for the first
 * record after open, since the position open() took has no number.
 * A malformed record carries no usable number: it leaves the last one
 * unchanged, so if the kernel ever wrote one it would also be counted
 * once as lost.
 */
void gpumon_kmsg_feed(struct gpumon_kmsg *k, const char *buf, size_t len)
{
	const struct gpumon_kmsg_ops *ops = k->ops;
	struct gpumon_kmsg_rec rec;

	k->st.records++;
	if (gpumon_kmsg_parse(buf, len, &rec)) {
		k->st.malformed++;
		if (ops && ops->malformed)
			ops->malformed(k->ctx, buf, len);
		return;
	}
	if (k->skipping && rec.seq <= k->skip_to) {
		k->st.skipped++;
		return;
	}
	k->skipping = false;
	if (k->have_seq && rec.seq > k->last_seq + 1) {
		uint64_t n = rec.seq - k->last_seq - 1;

		k->st.lost += n;
		if (ops && ops->lost)
			ops->lost(k->ctx, n);
	}
	k->have_seq = true;
	k->last_seq = rec.seq;
	if (rec.facility == 0 && ops && ops->record)
		ops->record(k->ctx, &rec);
}

/**
 * gpumon_kmsg_process() - read every record available without blocking.
 * @k: the source
 *
 * Stops at EAGAIN (nothing more now) or end of file. EPIPE (records
 * overwritten) is counted and reading goes on: the next record's
 * sequence number gives the exact loss, see gpumon_kmsg_feed().
 *
 * Return: number of records read, or -errno other than EAGAIN.
 */
int gpumon_kmsg_process(struct gpumon_kmsg *k)
{
	int n = 0;
	ssize_t r;

	for (;;) {
		r = read(k->fd, k->buf, sizeof(k->buf));
		if (r > 0) {
			gpumon_kmsg_feed(k, k->buf, (size_t)r);
			n++;
			continue;
		}
		if (r == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EPIPE) {
			k->st.overruns++;
			continue;
		}
		if (errno == EAGAIN)
			break;
		return -errno;
	}
	if (k->state)
		gpumon_kmsg_save(k);
	return n;
}

/**
 * gpumon_kmsg_get_stats() - copy the counters of @k into @st.
 * @k: the source
 * @st: filled
 */
void gpumon_kmsg_get_stats(const struct gpumon_kmsg *k,
			   struct gpumon_kmsg_stats *st)
{
	*st = k->st;
}

/**
 * gpumon_kmsg_close() - close the source and free it.
 * @k: the source, or NULL
 */
void gpumon_kmsg_close(struct gpumon_kmsg *k)
{
	if (!k)
		return;
	if (k->state)
		gpumon_kmsg_save(k);
	close(k->fd);
	free(k->state);
	free(k);
}

/* "36-char-uuid" of this boot into @buf; false when unreadable. */
static bool read_boot_id(char *buf, size_t size)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok && buf[0];
}

/* Parse "BOOT_ID SEQ\n"; false when the file is not that. */
static bool parse_state(const char *buf, char *boot, size_t bsize,
			uint64_t *seq)
{
	const char *sp = strchr(buf, ' ');
	const char *p;

	if (!sp || sp == buf || (size_t)(sp - buf) >= bsize)
		return false;
	memcpy(boot, buf, (size_t)(sp - buf));
	boot[sp - buf] = '\0';
	p = sp + 1;
	if (!parse_u64(&p, p + strlen(p), seq))
		return false;
	return *p == '\n' && p[1] == '\0';
}

static enum gpumon_kmsg_resume load_state(struct gpumon_kmsg *k,
					  uint64_t *seq)
{
	char buf[160], boot[64];
	ssize_t n;
	int fd;

	fd = open(k->state, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? GPUMON_KMSG_NO_STATE :
		       GPUMON_KMSG_BAD_STATE;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return GPUMON_KMSG_BAD_STATE;
	buf[n] = '\0';
	if (!parse_state(buf, boot, sizeof(boot), seq))
		return GPUMON_KMSG_BAD_STATE;
	return strcmp(boot, k->boot_id) ? GPUMON_KMSG_NEW_BOOT :
	       GPUMON_KMSG_SAME_BOOT;
}

/**
 * gpumon_kmsg_save() - write the state file now, if the position moved.
 * @k: the source, opened with gpumon_kmsg_open_resume()
 *
 * Written as STATE.tmp and renamed over STATE; the folder is created
 * (mode 0755) when missing.
 *
 * Return: 0 (also when there is nothing to write), or -errno; on error
 * the previous state file is left as it was and @k->st.save_errors
 * counts the failure.
 */
int gpumon_kmsg_save(struct gpumon_kmsg *k)
{
	char tmp[4096], line[128];
	int fd, n, err = 0;

	if (!k->state || !k->have_seq ||
	    (k->saved_valid && k->saved_seq == k->last_seq))
		return 0;
	/* the UINT64_MAX "expect 0" marker is no position yet */
	if (k->last_seq == UINT64_MAX)
		return 0;
	n = snprintf(line, sizeof(line), "%s %" PRIu64 "\n", k->boot_id,
		     k->last_seq);
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", k->state) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT && !gpumon_mkdir_parent(k->state, 0755))
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0644);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (write(fd, line, (size_t)n) != n)
		err = errno ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, k->state))
		err = -errno;
	if (err)
		unlink(tmp);
out:
	if (err) {
		k->st.save_errors++;
		return err;
	}
	k->saved_valid = true;
	k->saved_seq = k->last_seq;
	return 0;
}

/**
 * gpumon_kmsg_open_resume() - open /dev/kmsg after the last record that
 *	a previous run handled, and keep that position in a state file.
 * @out: the new source
 * @path: file to read, NULL for "/dev/kmsg"
 * @state: state file, NULL for GPUMON_KMSG_STATE
 * @boot_id: this boot's id, NULL to read /proc/sys/kernel/random/boot_id
 * @ops: callbacks; any of them may be NULL
 * @ctx: passed to the callbacks
 *
 * Semantics at the top of this file. Where it started is in
 * gpumon_kmsg_get_stats()'s @resume.
 *
 * Return: 0, -ENOMEM, -ENOENT when no boot id can be read, or -errno
 * from open() or lseek().
 */
int gpumon_kmsg_open_resume(struct gpumon_kmsg **out, const char *path,
			    const char *state, const char *boot_id,
			    const struct gpumon_kmsg_ops *ops, void *ctx)
{
	struct gpumon_kmsg *k;
	uint64_t seq = 0;
	int err;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->ops = ops;
	k->ctx = ctx;
	k->state = strdup(state ? state : GPUMON_KMSG_STATE);
	if (!k->state) {
		err = -ENOMEM;
		goto err_free;
	}
	if (boot_id)
		snprintf(k->boot_id, sizeof(k->boot_id), "%s", boot_id);
	else if (!read_boot_id(k->boot_id, sizeof(k->boot_id))) {
		err = -ENOENT;
		goto err_free;
	}
	k->fd = open(path ? path : "/dev/kmsg",
		     O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0) {
		err = -errno;
		goto err_free;
	}
	/* the oldest record still in the buffer; ESPIPE: a FIFO in tests */
	if (lseek(k->fd, 0, SEEK_SET) < 0 && errno != ESPIPE) {
		err = -errno;
		goto err_close;
	}
	k->st.resume = load_state(k, &seq);
	k->have_seq = true;
	if (k->st.resume == GPUMON_KMSG_SAME_BOOT) {
		k->skipping = true;
		k->skip_to = seq;
		k->last_seq = seq;
		k->saved_valid = true;
		k->saved_seq = seq;
	} else {
		/* expect seq 0: last_seq + 1 wraps to 0 */
		k->last_seq = UINT64_MAX;
	}
	*out = k;
	return 0;

err_close:
	close(k->fd);
err_free:
	free(k->state);
	free(k);
	return err;
}
