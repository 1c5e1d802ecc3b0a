/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel version differences, in one place.
 *
 * Chosen by LINUX_VERSION_CODE here, never by #ifdef inside function
 * bodies.  Targets: Debian's 6.1 and 6.12 kernels.
 */
#ifndef _GPUMON_COMPAT_H
#define _GPUMON_COMPAT_H

#include <linux/aer.h>
#include <linux/types.h>
#include <linux/version.h>
#include <ras/ras_event.h>

/*
 * ras:aer_event passes the TLP header log as its last argument.
 *
 * Up to 6.9 it is struct aer_header_log_regs { unsigned int dw0..dw3 };
 * since 6.10 (the TLP log consolidation of drivers/pci/pcie/tlp.c) it is
 * struct pcie_tlp_log { u32 dw[4] }.  Checked against the installed
 * 6.1.0 and 6.12.117 headers (include/ras/ras_event.h, linux/aer.h).
 * The probe's prototype must match the tracepoint's TP_PROTO exactly:
 *
 *   void probe(void *data, const char *dev_name, const u32 status,
 *              const u8 severity, const u8 tlp_header_valid,
 *              struct gpumon_tlp_log *tlp);
 *
 * (7.0 adds a trailing "const char *bus_type"; not a target yet.)
 * gpumon_aer_probe_check() makes the compiler hold the probe to the
 * TP_PROTO of the kernel being built, through the check function that
 * DECLARE_TRACE provides (declarations only: the tracepoint itself is
 * not exported and is found by name at load).
 */
#define gpumon_aer_probe_check(probe) check_trace_callback_type_aer_event(probe)

#if KERNEL_VERSION(6, 10, 0) <= LINUX_VERSION_CODE

#define gpumon_tlp_log pcie_tlp_log

static inline void gpumon_tlp_read(const struct pcie_tlp_log *tlp, u32 dw[4])
{
	dw[0] = tlp->dw[0];
	dw[1] = tlp->dw[1];
	dw[2] = tlp->dw[2];
	dw[3] = tlp->dw[3];
}

#else

#define gpumon_tlp_log aer_header_log_regs

static inline void gpumon_tlp_read(const struct aer_header_log_regs *tlp,
				   u32 dw[4])
{
	dw[0] = tlp->dw0;
	dw[1] = tlp->dw1;
	dw[2] = tlp->dw2;
	dw[3] = tlp->dw3;
}

#endif

/*
 * Generic netlink: the family uses small_ops with a family-wide policy,
 * .resv_start_op left at 0 (full validation for every command), which
 * both 6.1 and 6.12 support the same way; nothing to select here yet.
 */

#endif /* _GPUMON_COMPAT_H */
