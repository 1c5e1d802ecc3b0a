/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xid.h - decoding of NVIDIA driver (NVRM) Xid lines from the kernel log.
 */
#ifndef GPUMON_XID_H
#define GPUMON_XID_H

#include <stdbool.h>
#include <stddef.h>

/**
 * struct gpumon_xid - one decoded "NVRM: Xid (PCI:...): N, ..." line.
 * @has_bdf: @domain, @bus and @dev were given (the driver prints no
 *	function number; the GPU is function 0)
 * @domain: PCI domain (segment)
 * @bus: PCI bus
 * @dev: PCI device
 * @gi: MIG GPU instance ("GPU-I:NN"), -1 when absent
 * @ci: MIG compute instance ("GPU-CI:NN"), -1 when absent
 * @xid: Xid code (NVIDIA Xid catalog)
 * @pid: process id, -1 when absent or '<unknown>'
 * @name: process name, "" when absent or '<unknown>'
 * @msg: the rest of the line, the driver's description
 *
 * Source of the format: NVIDIA open-gpu-kernel-modules,
 * src/nvidia/src/kernel/diagnostics/nv_debug_dump.c and nvrm_log
 * (see shared notes).
 */
struct gpumon_xid {
	bool has_bdf;
	unsigned int domain;
	unsigned int bus;
	unsigned int dev;
	int gi;
	int ci;
	unsigned int xid;
	int pid;
	char name[64];
	char msg[256];
};

/**
 * gpumon_xid_parse() - decode an NVRM Xid line.
 * @line: one line of kernel log text, with or without whatever prefix a
 *	log tool put before it (dmesg timestamps, journalctl host names);
 *	need not be NUL-terminated
 * @len: length of @line in bytes
 * @x: filled on success
 *
 * Return: 0 on success, -ENOENT when @line is not an Xid line, -EINVAL
 * when it has the "NVRM: Xid" token but its fields are malformed.
 */
int gpumon_xid_parse(const char *line, size_t len, struct gpumon_xid *x);

#endif
