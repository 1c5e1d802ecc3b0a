// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: GPU node health monitor, kernel side.
 *
 * Watches NVIDIA GPUs, NVSwitches, endpoints named by the "match"
 * parameter and the PCIe ports above them; counts their AER errors and
 * samples their links; reports devices, topology, counters and events
 * over generic netlink "gpumon".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "gpumon.h"

static char *match;
module_param(match, charp, 0444);
MODULE_PARM_DESC(match,
		 "Extra endpoints to watch besides NVIDIA GPUs and NVSwitches: comma-separated items, each VVVV:DDDD (vendor:device, hex), VVVV:* (any device of a vendor), class=0xCCCCCC (24-bit class code), class=0xCCCC (base class and subclass) or DDDD:BB:DD.F (PCI address, hex); e.g. match=1af4:1041,class=0x020000,0000:03:00.0");

/**
 * gpumon_param_uint() - parse a numeric module parameter within bounds
 * @val: the text written to the parameter
 * @min: lowest value accepted
 * @max: highest value accepted
 * @out: the value, set only on success
 *
 * Return: 0, -EINVAL (not a number) or -ERANGE (out of bounds).
 */
int gpumon_param_uint(const char *val, unsigned int min, unsigned int max,
		      unsigned int *out)
{
	unsigned int v;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}


static int __init gpumon_init(void)
{
	int ret;

	ret = gpumon_nl_init();
	if (ret)
		goto err_out;

	ret = gpumon_devs_init(match);
	if (ret)
		goto err_unregister_family;

	gpumon_link_init();
	gpumon_debugfs_init();
	/* Both report, and carry on, when what they read is absent. */
	gpumon_thermal_init();
	gpumon_rapl_init();

	ret = gpumon_aer_init();
	if (ret)
		goto err_stop_sources;

	gpumon_nl_ready();
	return 0;

err_stop_sources:
	gpumon_rapl_exit();
	gpumon_thermal_exit();
	gpumon_debugfs_exit();
	gpumon_link_exit();
	gpumon_devs_exit();
	gpumon_events_flush();
err_unregister_family:
	gpumon_nl_exit();
err_out:
	return ret;
}

/*
 * Refuse netlink changes first (a match list change rescans the bus and
 * queues events), then in reverse order stop every producer of events
 * (the AER probe, debugfs injection, the RAPL and thermal samplers, the
 * link sampler, the bus notifier, which also drops the device
 * references), send what they queued, and unregister the family
 * (listeners still attached are simply dropped from the group).
 */
static void __exit gpumon_exit(void)
{
	gpumon_nl_quiesce();
	gpumon_aer_exit();
	gpumon_debugfs_exit();
	gpumon_rapl_exit();
	gpumon_thermal_exit();
	gpumon_link_exit();
	gpumon_devs_exit();
	gpumon_events_flush();
	gpumon_nl_exit();
}

module_init(gpumon_init);
module_exit(gpumon_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("GPU node health monitor: PCIe topology, AER counts and link health over netlink");
MODULE_AUTHOR("The gpumon authors");
