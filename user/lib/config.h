/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * config.h - gpumond's configuration, an INI file read with libinih.
 *
 *   [daemon]
 *   socket = /run/gpumon/gpumond.sock   ; HTTP API, Unix socket
 *   [sources]
 *   netlink = yes                       ; gpumon.ko events and counters
 *   bpf = yes                           ; eBPF tracepoint programs
 *   kmsg = yes                          ; /dev/kmsg (NVRM Xid lines)
 *   [alerts]
 *   correctable_interval_s = 60         ; one line per device at most
 */
#ifndef GPUMON_CONFIG_H
#define GPUMON_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#define GPUMON_DEFAULT_CONFIG	"/etc/gpumon/gpumon.conf"
#define GPUMON_DEFAULT_SOCKET	"/run/gpumon/gpumond.sock"

struct gpumon_config {
	char socket[108];
	bool netlink;
	bool bpf;
	bool kmsg;
	unsigned int cor_interval_s;
};

/** gpumon_config_defaults() - the values used when no file sets them. */
void gpumon_config_defaults(struct gpumon_config *c);

/**
 * gpumon_config_load() - read an INI file over @c.
 * @path: the file
 * @missing_ok: a file that does not exist is no error
 * @err: every bad line is reported here as "path:line: what is wrong"
 *
 * Return: 0; -errno when the file cannot be opened; -EINVAL when any line
 * is bad (all of them reported, not only the first).
 */
int gpumon_config_load(struct gpumon_config *c, const char *path,
		       bool missing_ok, FILE *err);

#endif
