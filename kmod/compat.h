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
#include <net/genetlink.h>
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

/*
 * The parsed attributes of a dump request: struct genl_dumpit_info
 * holds a struct genl_info since 6.2 (genl_info_dump()), an attrs
 * array before.
 */
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
static inline struct nlattr **gpumon_dump_attrs(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs;
}
#else
static inline struct nlattr **gpumon_dump_attrs(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->attrs;
}
#endif

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
 * Link Capabilities 2 Supported Link Speeds Vector, bits 7:1 (PCIe r6.0
 * sec 7.5.3.18): a mask in the 6.12 uapi pci_regs.h; 6.1 has
 * only the per-speed bits.
 */
#ifndef PCI_EXP_LNKCAP2_SLS
#define PCI_EXP_LNKCAP2_SLS	0x000000fe
#endif

/*
 * Generic netlink: the family uses genl_ops with a policy per command
 * (.policy/.maxattr, since 5.10) and .resv_start_op left at 0 (strict
 * validation for every command), which 6.1 and 6.12 support the same
 * way; nothing to select here.
 */

#endif /* _GPUMON_COMPAT_H */
