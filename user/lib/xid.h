/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xid.h - decoding of NVIDIA driver (NVRM) Xid lines from the kernel log.
 */
#ifndef GPUMON_XID_H
#define GPUMON_XID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
 * @link: NVLink link number (Xid 74 "link N(...)", NVLink5 "Link NN"),
 *	-1 when absent
 * @nwords: number of register words in @words
 * @words: register words in the parentheses or brackets after the link
 *	(Xid 74: seven; NVLink5: IntrInfo, error status, debug data)
 * @unit: NVLink5 (144-150) sub-component as printed ("NETIR_LINK_EVT"),
 *	"" when absent
 * @fatal: NVLink5 "Fatal" 1, "Nonfatal"/"Non-fatal" 0, -1 when absent
 * @xc: NVLink5 cross-containment ("XC0", "XC 1"), -1 when absent
 * @injected: NVLink5 injected-error flag ("i0", "i 2"), -1 when absent
 * @contained: Xid 94/95 "Contained:" 1, "Uncontained:" 0, -1 absent
 * @contained_unit: the unit after "Contained:" ("SM"), "" when absent
 * @rst: "RST: Yes" 1, "RST: No" 0 (GPU reset required), -1 absent
 * @drst: "D-RST: Yes" 1, "D-RST: No" 0 (drain and reset), -1 absent
 * @cause_xid: the Xid named as the cause ("caused by previous Xid N",
 *	"due to Xid N"), 0 when the message names none
 * @recovery: Xid 154 "... to 0xN (TEXT)": the new recovery action TEXT,
 *	"" when absent
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
	int link;
	unsigned int nwords;
	uint32_t words[8];
	char unit[32];
	int fatal;
	int xc;
	int injected;
	int contained;
	char contained_unit[16];
	int rst;
	int drst;
	unsigned int cause_xid;
	char recovery[32];
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
