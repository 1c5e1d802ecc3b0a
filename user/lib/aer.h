/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * aer.h - one AER error as user space sees it, from whichever source.
 */
#ifndef GPUMON_AER_H
#define GPUMON_AER_H

#include <stdbool.h>
#include <stdint.h>
#include "../../include/uapi/gpumon.h"

/**
 * struct gpumon_aer_rec - one AER error reported by the kernel.
 * @bdf: device that logged it, "dddd:bb:dd.f" (kernel's dev_name())
 * @status: AER correctable or uncorrectable status register bits
 *	(PCIe r6.0 sec 7.8.4.2 and 7.8.4.5), by @severity
 * @severity: enum gpumon_aer_severity
 * @tlp_valid: @tlp holds the TLP header log
 * @tlp: TLP header log, four DWs (PCIe r6.0 sec 7.8.4.8)
 * @seq: module's event sequence number; 0 when the record came from BPF
 * @time_mono_ns: CLOCK_MONOTONIC of the error, ns
 * @time_real_ns: CLOCK_REALTIME of the error, ns; 0 when unknown
 */
struct gpumon_aer_rec {
	char bdf[GPUMON_BDF_LEN];
	uint32_t status;
	enum gpumon_aer_severity severity;
	bool tlp_valid;
	uint32_t tlp[4];
	uint64_t seq;
	uint64_t time_mono_ns;
	uint64_t time_real_ns;
};

#endif
