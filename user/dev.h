/* SPDX-License-Identifier: GPL-2.0-only */
/* dev.h - `gpumon dev`: the module's devices and events over netlink. */
#ifndef GPUMON_DEV_H
#define GPUMON_DEV_H

int gpumon_cmd_dev(int argc, char **argv);

#endif
