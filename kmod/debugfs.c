// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: debugfs, for tests.
 *
 * /sys/kernel/debug/gpumon/kmsg (root, write only): every line written
 * is printed to the kernel log as a kernel record, exactly as written,
 * at the level of an optional leading "<N>" (0-7, default 4, warning).
 * Tests replay real driver lines (NVRM Xid, SXid) with it: lines written
 * to /dev/kmsg would be user-space records instead.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stdarg.h>
#include <linux/uaccess.h>

#include "gpumon.h"

/* Largest write accepted, in bytes. */
#define GPUMON_KMSG_MAX		4096
#define GPUMON_KMSG_LEVEL	LOGLEVEL_WARNING

static struct dentry *gpumon_debugfs_dir;

/* A kernel record (facility 0) at @level; no pr_fmt prefix. */
static __printf(2, 3) void gpumon_kmsg_emit(int level, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vprintk_emit(0, level, NULL, fmt, args);
	va_end(args);
}

static void gpumon_kmsg_line(const char *line)
{
	int level = GPUMON_KMSG_LEVEL;

	if (line[0] == '<' && line[1] >= '0' && line[1] <= '7' &&
	    line[2] == '>') {
		level = line[1] - '0';
		line += 3;
	}
	gpumon_kmsg_emit(level, "%s\n", line);
}

static ssize_t gpumon_kmsg_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char *buf, *next, *line;

	if (count > GPUMON_KMSG_MAX)
		return -EINVAL;

	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	/* One printk per line; empty lines are skipped. */
	next = buf;
	while ((line = strsep(&next, "\n")))
		if (*line)
			gpumon_kmsg_line(line);

	kfree(buf);
	return count;
}

static const struct file_operations gpumon_kmsg_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= gpumon_kmsg_write,
	.llseek	= noop_llseek,
};

/* debugfs is a debugging aid: failures are not checked (see debugfs.h). */
void gpumon_debugfs_init(void)
{
	gpumon_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("kmsg", 0200, gpumon_debugfs_dir, NULL,
			    &gpumon_kmsg_fops);
}

void gpumon_debugfs_exit(void)
{
	debugfs_remove(gpumon_debugfs_dir);
	gpumon_debugfs_dir = NULL;
}
