/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmsg.h - kernel log records from /dev/kmsg.
 */
#ifndef GPUMON_KMSG_H
#define GPUMON_KMSG_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct gpumon_kmsg_rec - one /dev/kmsg record
 *	(Documentation/ABI/testing/dev-kmsg).
 * @facility: syslog facility; 0 for kernel records, 1 for lines
 *	user space wrote to /dev/kmsg
 * @level: syslog level 0-7
 * @seq: record sequence number
 * @ts_us: CLOCK_MONOTONIC at the record, microseconds
 * @text: message text, not NUL-terminated, escapes (\xNN) kept as is
 * @text_len: length of @text
 */
struct gpumon_kmsg_rec {
	unsigned int facility;
	unsigned int level;
	uint64_t seq;
	uint64_t ts_us;
	const char *text;
	size_t text_len;
};

/**
 * gpumon_kmsg_parse() - split one record as read() from /dev/kmsg returns it.
 * @buf: the record, "PRI,SEQ,TS,FLAGS[,...];TEXT\n" followed by
 *	optional " KEY=VALUE\n" dictionary lines
 * @len: bytes in @buf
 * @rec: filled on success; @rec->text points into @buf
 *
 * Return: 0 on success, -EINVAL when the header is malformed.
 */
int gpumon_kmsg_parse(const char *buf, size_t len,
		      struct gpumon_kmsg_rec *rec);

struct gpumon_kmsg;

/**
 * struct gpumon_kmsg_ops - callbacks of the /dev/kmsg source.
 * @record: called for every kernel record (facility 0)
 * @lost: called with the number of records the kernel overwrote before
 *	they were read (read() returned EPIPE)
 * @malformed: called with a record whose header could not be parsed
 */
struct gpumon_kmsg_ops {
	void (*record)(void *ctx, const struct gpumon_kmsg_rec *rec);
	void (*lost)(void *ctx, uint64_t n);
	void (*malformed)(void *ctx, const char *buf, size_t len);
};

/**
 * gpumon_kmsg_open() - open /dev/kmsg, positioned after the last record.
 * @out: the new source
 * @path: file to read, NULL for "/dev/kmsg"
 * @ops: callbacks
 * @ctx: passed to the callbacks
 *
 * Return: 0 or -errno from open().
 */
int gpumon_kmsg_open(struct gpumon_kmsg **out, const char *path,
		     const struct gpumon_kmsg_ops *ops, void *ctx);
/* Where the last sequence number handled is kept across restarts. */
#define GPUMON_KMSG_STATE	"/var/lib/gpumon/kmsg.seq"

/**
 * enum gpumon_kmsg_resume - where gpumon_kmsg_open_resume() started.
 * @GPUMON_KMSG_AT_END: at the newest record (gpumon_kmsg_open())
 * @GPUMON_KMSG_SAME_BOOT: after the record in the state file
 * @GPUMON_KMSG_NEW_BOOT: at the oldest record: the state file is from
 *	another boot, whose sequence numbers mean nothing now
 * @GPUMON_KMSG_NO_STATE: at the oldest record: no state file yet
 * @GPUMON_KMSG_BAD_STATE: at the oldest record: the state file could
 *	not be read or parsed
 */
enum gpumon_kmsg_resume {
	GPUMON_KMSG_AT_END,
	GPUMON_KMSG_SAME_BOOT,
	GPUMON_KMSG_NEW_BOOT,
	GPUMON_KMSG_NO_STATE,
	GPUMON_KMSG_BAD_STATE,
};

/**
 * gpumon_kmsg_open_resume() - open /dev/kmsg after the last record that
 *	a previous run handled, and keep that position in a state file.
 * @out: the new source
 * @path: file to read, NULL for "/dev/kmsg"
 * @state: state file, NULL for GPUMON_KMSG_STATE
 * @boot_id: this boot's id, NULL to read /proc/sys/kernel/random/boot_id
 * @ops: callbacks
 * @ctx: passed to the callbacks
 *
 * See kmsg.c for the exact semantics. Return: 0 or -errno.
 */
int gpumon_kmsg_open_resume(struct gpumon_kmsg **out, const char *path,
			    const char *state, const char *boot_id,
			    const struct gpumon_kmsg_ops *ops, void *ctx);

/**
 * gpumon_kmsg_save() - write the state file now, if the position moved.
 * Return: 0, or -errno of the write (the state file is left as it was).
 */
int gpumon_kmsg_save(struct gpumon_kmsg *k);

/** gpumon_kmsg_fd() - file descriptor to poll for POLLIN. */
int gpumon_kmsg_fd(struct gpumon_kmsg *k);
/**
 * gpumon_kmsg_process() - read every record available without blocking.
 * Return: number of records read, or -errno other than EAGAIN.
 */
int gpumon_kmsg_process(struct gpumon_kmsg *k);
void gpumon_kmsg_close(struct gpumon_kmsg *k);

/**
 * struct gpumon_kmsg_stats - counters of a /dev/kmsg source since open.
 * @records: records read, of any facility, malformed ones included
 * @lost: records the kernel overwrote before they were read
 * @malformed: records whose header could not be parsed
 * @overruns: times read() returned EPIPE
 * @skipped: records at or before the saved position, read again after a
 *	restart and not delivered
 * @resume: where the source started
 * @save_errors: state file writes that failed
 */
struct gpumon_kmsg_stats {
	uint64_t records;
	uint64_t lost;
	uint64_t malformed;
	uint64_t overruns;
	uint64_t skipped;
	enum gpumon_kmsg_resume resume;
	uint64_t save_errors;
};

/** gpumon_kmsg_get_stats() - copy the counters of @k into @st. */
void gpumon_kmsg_get_stats(const struct gpumon_kmsg *k,
			   struct gpumon_kmsg_stats *st);

/**
 * gpumon_kmsg_feed() - handle one record as if read() had returned it.
 * @k: the source
 * @buf: one record
 * @len: bytes in @buf
 *
 * What gpumon_kmsg_process() does with each record: parse it, report a
 * gap in sequence numbers through @ops->lost, then call @ops->record
 * (facility 0) or @ops->malformed. Exposed for tests and for replaying
 * captured records.
 */
void gpumon_kmsg_feed(struct gpumon_kmsg *k, const char *buf, size_t len);

#endif
