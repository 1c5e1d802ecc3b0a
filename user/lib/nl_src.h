/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nl_src.h - the gpumon.ko generic netlink family, from user space
 * (libnl-genl-3).
 */
#ifndef GPUMON_NL_SRC_H
#define GPUMON_NL_SRC_H

#include <stdint.h>
#include "aer.h"

/**
 * struct gpumon_nl_dev - one watched device as the module reports it.
 * @bdf: "dddd:bb:dd.f"
 * @parent: BDF of the upstream bridge, "" for a root port
 * @vendor: PCI vendor id
 * @device: PCI device id
 * @class: 24-bit PCI class code
 * @role: enum gpumon_role
 * @aer: errors counted per enum gpumon_aer_severity
 */
struct gpumon_nl_dev {
	char bdf[GPUMON_BDF_LEN];
	char parent[GPUMON_BDF_LEN];
	uint16_t vendor;
	uint16_t device;
	uint32_t class;
	enum gpumon_role role;
	uint64_t aer[__GPUMON_AER_SEV_MAX];
};

/**
 * struct gpumon_nl_ops - callbacks for "events" group notifications.
 * @aer: one AER error event, with the module's sequence number
 * @lost: @n events between the last one seen and this one never arrived
 *	(sequence gap, or the socket overran: ENOBUFS).  @n is 0 for an
 *	overrun: events were lost, their number is not known yet; it comes
 *	with the next event's sequence gap, as a second call with n > 0.
 */
struct gpumon_nl_ops {
	void (*aer)(void *ctx, const struct gpumon_aer_rec *rec);
	void (*lost)(void *ctx, uint64_t n);
};

struct gpumon_nl;

/**
 * gpumon_nl_open() - resolve the family, join its "events" group.
 * Return: 0; -ENOENT when the family is not registered (module not
 * loaded); other -errno.
 */
int gpumon_nl_open(struct gpumon_nl **out, const struct gpumon_nl_ops *ops,
		   void *ctx);
/** gpumon_nl_fd() - the event socket's descriptor, to poll for POLLIN. */
int gpumon_nl_fd(struct gpumon_nl *nl);
/**
 * gpumon_nl_process() - receive pending notifications without blocking.
 * Return: 0, or -errno (-ENOENT once the family is gone).
 */
int gpumon_nl_process(struct gpumon_nl *nl);
/**
 * gpumon_nl_dump() - dump the watched devices (GPUMON_CMD_DEV_GET, DUMP).
 * @cb: called once per device; a non-zero return stops the dump
 * Return: 0, -ENOENT when the family is gone, other -errno.
 */
int gpumon_nl_dump(struct gpumon_nl *nl,
		   int (*cb)(void *ctx, const struct gpumon_nl_dev *dev),
		   void *ctx);
/** gpumon_nl_overruns() - times the event socket overran (ENOBUFS). */
uint64_t gpumon_nl_overruns(struct gpumon_nl *nl);
/**
 * gpumon_nl_skipped() - messages received but not passed on: unknown
 * event kinds, policy failures, missing attributes.  Not counted as lost.
 */
uint64_t gpumon_nl_skipped(struct gpumon_nl *nl);
void gpumon_nl_close(struct gpumon_nl *nl);

#endif
