/* SPDX-License-Identifier: GPL-2.0-only */
/* modconf.h - `gpumon config`: gpumon.ko's configuration over netlink. */
#ifndef GPUMON_MODCONF_H
#define GPUMON_MODCONF_H

#include <stdbool.h>
#include <stdio.h>

struct gpumon_nl_config;

void gpumon_modconf_print(FILE *f, const struct gpumon_nl_config *cfg,
			  bool json);
int gpumon_cmd_config(int argc, char **argv);

#endif
