// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: thermal zone sampling (being written).
 */
#include <linux/string.h>

#include "gpumon.h"

int gpumon_thermal_init(const char *types)
{
	return 0;
}

void gpumon_thermal_exit(void)
{
}

void gpumon_thermal_kick(void)
{
}

int gpumon_thermal_set_types(const char *types,
			     struct netlink_ext_ack *extack)
{
	return 0;
}

size_t gpumon_thermal_types_get(char *buf, size_t size)
{
	return strscpy(buf, "", size);
}

void gpumon_thermal_set_hyst(u32 mc)
{
}

u32 gpumon_thermal_hyst(void)
{
	return GPUMON_THERMAL_HYST_DEFAULT_MC;
}

int gpumon_thermal_zone_at(unsigned int idx, struct gpumon_tz_info *out)
{
	return -ENOENT;
}

u32 gpumon_thermal_state(char *reason, size_t size)
{
	strscpy(reason, "not implemented", size);
	return GPUMON_SOURCE_ABSENT;
}

int gpumon_thermal_inject(u32 id, bool clear, s32 temp_mc)
{
	return -ENODEV;
}
