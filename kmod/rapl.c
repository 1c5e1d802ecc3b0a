// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: RAPL energy sampling (not written yet: reports itself absent).
 */
#include <linux/string.h>

#include "gpumon.h"

int gpumon_rapl_init(void)
{
	return 0;
}

void gpumon_rapl_exit(void)
{
}

unsigned int gpumon_rapl_period(void)
{
	return GPUMON_RAPL_PERIOD_DEFAULT_MS;
}

void gpumon_rapl_set_period(unsigned int ms)
{
}

int gpumon_rapl_domain_at(unsigned int idx, struct gpumon_rapl_info *out)
{
	return -ENOENT;
}

u32 gpumon_rapl_state(char *reason, size_t size)
{
	strscpy(reason, "not implemented", size);
	return GPUMON_SOURCE_ABSENT;
}

void gpumon_rapl_debugfs_init(struct dentry *dir)
{
}
