// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: debugfs, for tests.
 *
 * /sys/kernel/debug/gpumon/kmsg (root, write only): every line written
 * is printed to the kernel log as a kernel record, exactly as written,
 * at the level of an optional leading "<N>" (0-7, default 4, warning).
 * Tests replay real driver lines (NVRM Xid, SXid) with it: lines written
 * to /dev/kmsg would be user-space records instead.
 *
 * Fault injection (root, write only), one command per line, into the
 * same counters and event pipeline as the real sources:
 *   inject_aer      BDF cor|nonfatal|fatal STATUS [DW0 DW1 DW2 DW3]
 *                   BDF cor|nonfatal|fatal STATUS repeat N
 *                   (hex; as if ras:aer_event reported it, N times in
 *                   a row: a storm that can overflow the event ring)
 *   inject_link     BDF down | BDF up | BDF gone | BDF clear |
 *                   BDF speed MTS width LANES [max MTS LANES]
 *                   (replaces what the sampler reads, until "clear";
 *                   the device is sampled at once)
 *   inject_thermal  ZONE_ID TEMP_MC | ZONE_ID clear
 *                   (replaces the temperature the thermal sampler
 *                   reads from that zone, until "clear"; the zone is
 *                   sampled at once, so trip crossings follow)
 *   inject_rapl     PKG DOMAIN esu N|COUNTER ELAPSED_US|close|remove (rapl.c)
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stdarg.h>
#include <linux/uaccess.h>

#include "gpumon.h"

/* Largest write accepted, in bytes. */
#define GPUMON_KMSG_MAX		4096
#define GPUMON_KMSG_LEVEL	LOGLEVEL_WARNING
/* Most AER errors one inject_aer line may ask for. */
#define GPUMON_INJECT_MAX_REPEAT	100000

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

/* Copy a user write of at most one line of command, NUL-terminated. */
static char *gpumon_cmd_get(const char __user *ubuf, size_t count)
{
	char *buf;

	if (count > 256)
		return ERR_PTR(-EINVAL);
	buf = memdup_user_nul(ubuf, count);
	if (!IS_ERR(buf))
		strim(buf);
	return buf;
}

static const char * const gpumon_sev_names[] = {
	[GPUMON_AER_CORRECTABLE]	= "cor",
	[GPUMON_AER_NONFATAL]		= "nonfatal",
	[GPUMON_AER_FATAL]		= "fatal",
};

static ssize_t gpumon_inject_aer_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	char bdf[GPUMON_BDF_LEN], sev[16];
	struct gpumon_dev *gdev;
	u32 status, tlp[4], repeat = 1;
	int n, s, ret = -EINVAL;
	char *buf;

	buf = gpumon_cmd_get(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	n = sscanf(buf, "%15s %15s %x %x %x %x %x", bdf, sev, &status,
		   &tlp[0], &tlp[1], &tlp[2], &tlp[3]);
	if (n == 3 &&
	    sscanf(buf, "%*s %*s %*x repeat %u", &repeat) == 1 &&
	    (!repeat || repeat > GPUMON_INJECT_MAX_REPEAT))
		goto out_free_buf;
	if (n != 3 && n != 7)
		goto out_free_buf;
	s = match_string(gpumon_sev_names, ARRAY_SIZE(gpumon_sev_names), sev);
	if (s < 0)
		goto out_free_buf;
	gdev = gpumon_dev_find(bdf);
	if (!gdev) {
		ret = -ENODEV;
		goto out_free_buf;
	}
	while (repeat--) {
		gpumon_aer_record(gdev, status, s, n == 7, tlp);
		cond_resched();
	}
	ret = count;

out_free_buf:
	kfree(buf);
	return ret;
}

static int gpumon_inject_link_cmd(struct gpumon_dev *gdev, const char *cmd)
{
	struct gpumon_link *l = &gdev->inj_link;
	u32 speed, width, max_speed, max_width;
	int n;

	if (!gdev->pdev)
		return -ENODEV;
	if (!strcmp(cmd, "clear")) {
		gdev->inj_active = false;
		gdev->inj_gone = false;
		return 0;
	}
	if (!strcmp(cmd, "gone")) {
		gdev->inj_gone = true;
		return 0;
	}
	/* Start from the last real sample. */
	if (!gdev->inj_active)
		*l = gdev->link;
	n = sscanf(cmd, "speed %u width %u max %u %u", &speed, &width,
		   &max_speed, &max_width);
	if (!strcmp(cmd, "down")) {
		/* As a port that reported the link active before. */
		gdev->dll_seen = true;
		l->dll_supported = true;
		l->dll_active = false;
	} else if (!strcmp(cmd, "up")) {
		l->dll_active = true;
		l->cur_speed = l->max_speed;
		l->cur_width = l->max_width;
	} else if (n >= 2 && n != 3 && speed && width) {
		l->dll_active = true;
		l->cur_speed = speed;
		l->cur_width = width;
		if (n == 4) {
			l->max_speed = max_speed;
			l->max_width = max_width;
		}
	} else {
		return -EINVAL;
	}
	gdev->inj_active = true;
	return 0;
}

static ssize_t gpumon_inject_link_write(struct file *file,
					const char __user *ubuf, size_t count,
					loff_t *ppos)
{
	char bdf[GPUMON_BDF_LEN];
	struct gpumon_dev *gdev;
	int n = 0, ret = -EINVAL;
	char *buf;

	buf = gpumon_cmd_get(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (sscanf(buf, "%15s %n", bdf, &n) != 1 || !n)
		goto out_free_buf;

	gpumon_devs_lock();
	gdev = gpumon_dev_find(bdf);
	ret = gdev && gdev->watched ?
	      gpumon_inject_link_cmd(gdev, buf + n) : -ENODEV;
	if (!ret) {
		gpumon_link_sample(gdev);
		ret = count;
	}
	gpumon_devs_unlock();

out_free_buf:
	kfree(buf);
	return ret;
}

static ssize_t gpumon_inject_thermal_write(struct file *file,
					   const char __user *ubuf,
					   size_t count, loff_t *ppos)
{
	int ret = -EINVAL, n = 0;
	char word[16];
	s32 temp;
	char *buf;
	u32 id;

	buf = gpumon_cmd_get(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	/* Exactly two words: "0 95 C" is refused, not read as 95 mC. */
	if (sscanf(buf, "%u %15s %n", &id, word, &n) != 2 || buf[n])
		goto out_free_buf;
	if (!strcmp(word, "clear"))
		ret = gpumon_thermal_inject(id, true, 0);
	else if (!kstrtos32(word, 0, &temp))
		ret = gpumon_thermal_inject(id, false, temp);
	if (!ret)
		ret = count;

out_free_buf:
	kfree(buf);
	return ret;
}

static const struct file_operations gpumon_inject_aer_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= gpumon_inject_aer_write,
	.llseek	= noop_llseek,
};

static const struct file_operations gpumon_inject_link_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= gpumon_inject_link_write,
	.llseek	= noop_llseek,
};

static const struct file_operations gpumon_inject_thermal_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= gpumon_inject_thermal_write,
	.llseek	= noop_llseek,
};

static const struct file_operations gpumon_kmsg_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= gpumon_kmsg_write,
	.llseek	= noop_llseek,
};

/**
 * gpumon_debugfs_init() - create /sys/kernel/debug/gpumon/
 *
 * debugfs is a debugging aid: failures are not checked (see debugfs.h).
 */
void gpumon_debugfs_init(void)
{
	gpumon_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("kmsg", 0200, gpumon_debugfs_dir, NULL,
			    &gpumon_kmsg_fops);
	debugfs_create_file("inject_aer", 0200, gpumon_debugfs_dir, NULL,
			    &gpumon_inject_aer_fops);
	debugfs_create_file("inject_link", 0200, gpumon_debugfs_dir, NULL,
			    &gpumon_inject_link_fops);
	debugfs_create_file("inject_thermal", 0200, gpumon_debugfs_dir, NULL,
			    &gpumon_inject_thermal_fops);
	gpumon_rapl_debugfs_init(gpumon_debugfs_dir);
}

/**
 * gpumon_debugfs_exit() - remove it; waits for writers in progress
 */
void gpumon_debugfs_exit(void)
{
	debugfs_remove_recursive(gpumon_debugfs_dir);
	gpumon_debugfs_dir = NULL;
}
