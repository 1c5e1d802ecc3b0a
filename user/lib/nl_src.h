/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nl_src.h - the gpumon.ko generic netlink family, from user space
 * (libnl-genl-3).
 */
#ifndef GPUMON_NL_SRC_H
#define GPUMON_NL_SRC_H

#include <stdbool.h>
#include <stdint.h>
#include "aer.h"

/* Endpoints listed below one port, at most. */
#define GPUMON_NL_MAX_BELOW	64

/**
 * struct gpumon_nl_link - link state and counters (GPUMON_A_LINK).
 * @valid: the current/maximum fields hold a sample
 * @cur_speed: MT/s
 * @cur_width: lanes
 * @max_speed: MT/s
 * @max_width: lanes
 * @dll_active: Data Link Layer Link Active, -1 when not reported
 * @downtrained: times seen downtrained
 * @down: times seen down
 * @not_responding: times seen answering all ones
 * @flaps: link state changes
 * @suppressed: link events rate-limited
 */
struct gpumon_nl_link {
	bool valid;
	uint32_t cur_speed;
	uint32_t cur_width;
	uint32_t max_speed;
	uint32_t max_width;
	int dll_active;
	uint64_t downtrained;
	uint64_t down;
	uint64_t not_responding;
	uint64_t flaps;
	uint64_t suppressed;
};

/**
 * struct gpumon_nl_event - any "events" notification.
 * @seq: module sequence number
 * @time_mono_ns: CLOCK_MONOTONIC, ns
 * @time_real_ns: CLOCK_REALTIME, ns
 * @kind: enum gpumon_event_kind
 * @severity: enum gpumon_severity
 * @role: enum gpumon_role of @bdf
 * @bdf: the device, "" for none
 * @peer: the other end of its link, "" for none
 * @aer: the AER fields, for GPUMON_EVENT_AER
 * @link: link sample and flap counts, for link events
 * @zone: thermal zone, for GPUMON_EVENT_THERMAL_TRIP
 * @temp_mc: millidegrees Celsius
 * @trip: trip index
 */
struct gpumon_nl_event {
	uint64_t seq;
	uint64_t time_mono_ns;
	uint64_t time_real_ns;
	uint32_t kind;
	uint32_t severity;
	uint32_t role;
	char bdf[GPUMON_BDF_LEN];
	char peer[GPUMON_BDF_LEN];
	struct gpumon_aer_rec aer;
	struct gpumon_nl_link link;
	char zone[32];
	int32_t temp_mc;
	uint32_t trip;
};

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
	/* Since the topology/link additions; zero from an older module. */
	enum gpumon_dev_state state;
	char peer[GPUMON_BDF_LEN];
	unsigned int nbelow;
	char below[GPUMON_NL_MAX_BELOW][GPUMON_BDF_LEN];
	uint64_t aer_cor_bit[32];
	uint64_t aer_uncor_bit[32];
	uint64_t aer_first_ns;
	uint64_t aer_last_ns;
	bool tlp_valid;
	uint32_t tlp[4];
	struct gpumon_nl_link link;
};

/**
 * struct gpumon_nl_ops - callbacks for "events" group notifications.
 * @aer: one AER error event, with the module's sequence number
 * @lost: @n events between the last one seen and this one never arrived
 *	(sequence gap, or the socket overran: ENOBUFS).  @n is 0 for an
 *	overrun: events were lost, their number is not known yet; it comes
 *	with the next event's sequence gap, as a second call with n > 0.
 * @event: every notification of any kind (AER ones too, after @aer);
 *	when set, kinds other than AER are no longer counted as skipped
 */
struct gpumon_nl_ops {
	void (*aer)(void *ctx, const struct gpumon_aer_rec *rec);
	void (*lost)(void *ctx, uint64_t n);
	void (*event)(void *ctx, const struct gpumon_nl_event *ev);
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
/**
 * gpumon_nl_dump_ex() - gpumon_nl_dump(), with removed devices too when
 * @with_removed (GPUMON_A_WITH_REMOVED).
 */
int gpumon_nl_dump_ex(struct gpumon_nl *nl, bool with_removed,
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
