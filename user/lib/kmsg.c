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
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmsg.h"

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
	close(k->fd);
	free(k);
}
