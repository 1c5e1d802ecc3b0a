/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * gpumon generic netlink ABI, version 1.
 *
 * Family GPUMON_GENL_NAME, multicast group GPUMON_MCGRP_EVENTS.  All
 * attributes live in one attribute set (enum gpumon_attr) and are
 * validated by a strict policy in the module.  Documented in
 * docs/netlink/gpumon.yaml (YNL format).
 */
#ifndef _UAPI_LINUX_GPUMON_H
#define _UAPI_LINUX_GPUMON_H

#define GPUMON_GENL_NAME	"gpumon"
#define GPUMON_GENL_VERSION	1
#define GPUMON_MCGRP_EVENTS	"events"

/* Longest BDF string, "dddd:bb:dd.f" plus NUL, with room to spare. */
#define GPUMON_BDF_LEN		16

/**
 * enum gpumon_role - what a watched device is in the GPU's PCIe path.
 * @GPUMON_ROLE_GPU: NVIDIA GPU, vendor 0x10de class 0x0300 or 0x0302
 * @GPUMON_ROLE_NVSWITCH: NVIDIA NVSwitch, vendor 0x10de class 0x0680
 * @GPUMON_ROLE_MATCHED: endpoint added by the module parameter "match"
 * @GPUMON_ROLE_ROOT_PORT: PCIe root port above a watched endpoint
 * @GPUMON_ROLE_SWITCH_UP: PCIe switch upstream port
 * @GPUMON_ROLE_SWITCH_DOWN: PCIe switch downstream port
 * @GPUMON_ROLE_BRIDGE: any other bridge on the path
 */
enum gpumon_role {
	GPUMON_ROLE_UNSPEC,
	GPUMON_ROLE_GPU,
	GPUMON_ROLE_NVSWITCH,
	GPUMON_ROLE_MATCHED,
	GPUMON_ROLE_ROOT_PORT,
	GPUMON_ROLE_SWITCH_UP,
	GPUMON_ROLE_SWITCH_DOWN,
	GPUMON_ROLE_BRIDGE,

	__GPUMON_ROLE_MAX,
	GPUMON_ROLE_MAX = __GPUMON_ROLE_MAX - 1
};

/**
 * enum gpumon_aer_severity - AER error severity (PCIe r6.0 sec 6.2.2).
 * @GPUMON_AER_CORRECTABLE: correctable error (ERR_COR)
 * @GPUMON_AER_NONFATAL: uncorrectable non-fatal error (ERR_NONFATAL)
 * @GPUMON_AER_FATAL: uncorrectable fatal error (ERR_FATAL)
 *
 * Note the kernel's own order (include/linux/aer.h) differs:
 * AER_NONFATAL 0, AER_FATAL 1, AER_CORRECTABLE 2.
 */
enum gpumon_aer_severity {
	GPUMON_AER_CORRECTABLE,
	GPUMON_AER_NONFATAL,
	GPUMON_AER_FATAL,

	__GPUMON_AER_SEV_MAX,
	GPUMON_AER_SEV_MAX = __GPUMON_AER_SEV_MAX - 1
};

/**
 * enum gpumon_event_kind - kind of a GPUMON_CMD_EVENT notification.
 * @GPUMON_EVENT_AER: one AER error reported by the kernel (ras:aer_event)
 */
enum gpumon_event_kind {
	GPUMON_EVENT_UNSPEC,
	GPUMON_EVENT_AER,

	__GPUMON_EVENT_MAX,
	GPUMON_EVENT_MAX = __GPUMON_EVENT_MAX - 1
};

enum gpumon_cmd {
	GPUMON_CMD_UNSPEC,
	/*
	 * GPUMON_CMD_DEV_GET: with NLM_F_DUMP, one reply per watched
	 * device: BDF, vendor, device, class, role, parent BDF and the
	 * AER counters.  Open to all users.
	 */
	GPUMON_CMD_DEV_GET,
	/*
	 * GPUMON_CMD_EVENT: notification on the "events" group: SEQ,
	 * TIME_MONO, TIME_REAL, EVENT_KIND, BDF, ROLE and, for AER,
	 * AER_SEVERITY, AER_STATUS and AER_TLP (when the header is valid).
	 * SEQ advances for every event, delivered or not, so a listener
	 * sees a gap as lost events.
	 */
	GPUMON_CMD_EVENT,

	__GPUMON_CMD_MAX,
	GPUMON_CMD_MAX = __GPUMON_CMD_MAX - 1
};

enum gpumon_attr {
	GPUMON_A_UNSPEC,
	GPUMON_A_PAD,
	GPUMON_A_BDF,		/* string, "dddd:bb:dd.f" */
	GPUMON_A_VENDOR,	/* u16 */
	GPUMON_A_DEVICE,	/* u16 */
	GPUMON_A_CLASS,		/* u32, 24-bit class code */
	GPUMON_A_ROLE,		/* u32, enum gpumon_role */
	GPUMON_A_PARENT_BDF,	/* string, absent for a root port */
	GPUMON_A_AER_COR,	/* u64, correctable errors counted */
	GPUMON_A_AER_NONFATAL,	/* u64, uncorrectable non-fatal */
	GPUMON_A_AER_FATAL,	/* u64, uncorrectable fatal */
	GPUMON_A_SEQ,		/* u64, event sequence number, from 1 */
	GPUMON_A_TIME_MONO,	/* u64, CLOCK_MONOTONIC, ns */
	GPUMON_A_TIME_REAL,	/* u64, CLOCK_REALTIME, ns */
	GPUMON_A_EVENT_KIND,	/* u32, enum gpumon_event_kind */
	GPUMON_A_AER_SEVERITY,	/* u32, enum gpumon_aer_severity */
	GPUMON_A_AER_STATUS,	/* u32, AER status register bits */
	GPUMON_A_AER_TLP,	/* binary, 4 x u32 TLP header log */
	GPUMON_A_EVENTS_LOST,	/* u64, events not delivered (dump) */

	__GPUMON_A_MAX,
	GPUMON_A_MAX = __GPUMON_A_MAX - 1
};

#endif /* _UAPI_LINUX_GPUMON_H */
