// SPDX-License-Identifier: GPL-2.0-only
/*
 * xid_catalog.c - NVIDIA's Xid catalog as a table.
 *
 * The "Xids" sheet comes from data/xid-catalog.psv through the generated
 * xid_catalog_table.h. The "XID 144-150 Decode" sheet is below, from the
 * same page (GPUMON_XID_CATALOG_SOURCE): one row per (Xid, unit, error
 * status). Not decoded: the link-down reason bits of Xid 149
 * NETIR_LINK_DOWN, whose bit positions the published sheet does not make
 * unambiguous; and the "action 2" promotion of RLW_RXPIPE errors.
 */
#include <stddef.h>
#include <syslog.h>
#include <string.h>

#include "xid_catalog.h"

static const struct gpumon_xid_info xid_table[] = {
#include "xid_catalog_table.h"
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

_Static_assert(ARRAY_SIZE(xid_table) == GPUMON_XID_CATALOG_MAX,
	       "the catalog lists every Xid 1-172");

/* status rows; CS = CONTACT_SUPPORT */
#define NF(x, s1, s2, u, st, imm, inv) \
	{ x, s1, s2, u, st, false, false, imm, inv }
#define F(x, s1, s2, u, st, imm, inv) \
	{ x, s1, s2, u, st, false, true, imm, inv }
#define ANY(x, s1, s2, u, fatal, imm, inv) \
	{ x, s1, s2, u, 0, true, fatal, imm, inv }
#define CS "CONTACT_SUPPORT"

/* TLW_RX/TX pipes share one V1 sub-code (10 RX, 11 TX) */
#define TLW_PIPE(s1, s2, u)					\
	NF(146, s1, s2, u, 0x1, "IGNORE", "IGNORE"),		\
	NF(146, s1, s2, u, 0x2, "IGNORE", CS),			\
	F(146, s1, s2, u, 0x4, "RESET_GPU", CS),		\
	NF(146, s1, s2, u, 0x80000000, "IGNORE", CS)

static const struct gpumon_nvlink5_info nvlink5_table[] = {
	NF(144, 1, 1, "SAW_MVB", 0x1, "IGNORE", CS),
	F(144, 1, 1, "SAW_MVB", 0x2, "RESET_GPU", CS),
	NF(144, 1, 1, "SAW_MVB", 0x4, "IGNORE", "IGNORE"),
	NF(144, 1, 1, "SAW_MVB", 0x8, "IGNORE", CS),
	F(144, 1, 1, "SAW_MVB", 0x10, "RESET_GPU", CS),
	NF(144, 1, 1, "SAW_MVB", 0x20, "IGNORE", "IGNORE"),

	NF(145, 3, 3, "RLW_CTRL", 0x80000000, "IGNORE", CS),
	NF(145, 4, 4, "RLW_REMAP", 0x1, "XID_154_EVAL", CS),
	NF(145, 4, 4, "RLW_REMAP", 0x2, "XID_154_EVAL", CS),
	NF(145, 4, 4, "RLW_REMAP", 0x4, "XID_154_EVAL",
	   "CHECK_NVLINK_FAILURE_FLOW"),
	NF(145, 4, 4, "RLW_REMAP", 0x8, "XID_154_EVAL",
	   "CHECK_NVLINK_FAILURE_FLOW"),
	NF(145, 4, 4, "RLW_REMAP", 0x10, "XID_154_EVAL",
	   "CHECK_NVLINK_FAILURE_FLOW"),
	NF(145, 4, 4, "RLW_REMAP", 0x20, "XID_154_EVAL",
	   "CHECK_NVLINK_FAILURE_FLOW"),
	F(145, 4, 4, "RLW_REMAP", 0x40, "RESET_GPU", CS),
	F(145, 4, 4, "RLW_REMAP", 0x80, "RESET_GPU", CS),
	NF(145, 4, 4, "RLW_REMAP", 0x100, "IGNORE", "IGNORE"),
	NF(145, 4, 4, "RLW_REMAP", 0x200, "IGNORE", "IGNORE"),
	NF(145, 4, 4, "RLW_REMAP", 0x80000000, "IGNORE", CS),
	NF(145, 5, 5, "RLW_RSPCOL", 0x1, "IGNORE", "IGNORE"),
	F(145, 5, 5, "RLW_RSPCOL", 0x2, "RESET_GPU", CS),
	NF(145, 5, 5, "RLW_RSPCOL", 0x80000000, "IGNORE", CS),
	NF(145, 6, 6, "RLW_RXPIPE", 0x1, "IGNORE", CS),
	NF(145, 6, 6, "RLW_RXPIPE", 0x2, "IGNORE", CS),
	NF(145, 6, 6, "RLW_RXPIPE", 0x4, "IGNORE", CS),
	NF(145, 6, 6, "RLW_RXPIPE", 0x8, "IGNORE", CS),
	NF(145, 6, 6, "RLW_RXPIPE", 0x80000000, "IGNORE", CS),
	F(145, 7, 7, "RLW_SRC_TRACK", 0x1, "RESET_GPU", CS),
	NF(145, 7, 7, "RLW_SRC_TRACK", 0x2, "IGNORE", "IGNORE"),
	NF(145, 7, 7, "RLW_SRC_TRACK", 0x4, "XID_154_EVAL", "IGNORE"),
	NF(145, 7, 7, "RLW_SRC_TRACK", 0x8, "XID_154_EVAL", "IGNORE"),
	F(145, 7, 7, "RLW_SRC_TRACK", 0x10, "RESET_GPU", CS),
	F(145, 7, 7, "RLW_SRC_TRACK", 0x20, "RESET_GPU", CS),
	NF(145, 7, 7, "RLW_SRC_TRACK", 0x80000000, "IGNORE", CS),
	NF(145, 8, 8, "RLW_TAGSTATE", 0x1, "IGNORE", "IGNORE"),
	F(145, 8, 8, "RLW_TAGSTATE", 0x2, "RESET_GPU", CS),
	NF(145, 8, 8, "RLW_TAGSTATE", 0x10000, "IGNORE", "IGNORE"),
	F(145, 8, 8, "RLW_TAGSTATE", 0x20000, "RESET_GPU", CS),
	F(145, 8, 8, "RLW_TAGSTATE", 0x100000, "RESET_GPU", CS),
	NF(145, 8, 8, "RLW_TAGSTATE", 0x80000000, "IGNORE", CS),

	TLW_PIPE(9, 9, "TLW_CTRL"),
	TLW_PIPE(10, 10, "TLW_RX_PIPE0"),
	TLW_PIPE(10, 11, "TLW_RX_PIPE1"),
	TLW_PIPE(11, 12, "TLW_TX_PIPE0"),
	TLW_PIPE(11, 13, "TLW_TX_PIPE1"),

	NF(147, 12, 14, "TREX", 0x1, "IGNORE", CS),
	NF(147, 12, 14, "TREX", 0x80000000, "IGNORE", CS),
	NF(148, 0, 15, "NVLPW_CTRL", 0x80000000, "IGNORE", CS),

	ANY(149, 0, 24, "NETIR_INT", true, "RESET_GPU",
	    "SYMPATHETIC_REPORT_SOLO"),
	/* investigatory action depends on the link-down reason */
	ANY(149, 14, 17, "NETIR_LINK_EVT", true, "RESET_GPU", NULL),
	NF(149, 17, 19, "NETIR_BER_EVENT", 0x0, "IGNORE",
	   "INVESTIGATE_LINK_SI_AND_CABLES"),
	NF(149, 17, 19, "NETIR_BER_EVENT", 0x1, "IGNORE",
	   "INVESTIGATE_LINK_SI_AND_CABLES"),
	NF(149, 17, 19, "NETIR_BER_EVENT", 0x2, "IGNORE",
	   "INVESTIGATE_LINK_SI_AND_CABLES"),
	NF(149, 17, 19, "NETIR_BER_EVENT", 0x3, "IGNORE",
	   "INVESTIGATE_LINK_SI_AND_CABLES"),
	F(149, 18, 20, "NETIR_MFDE_EVENT", 0x1, "RESET_GPU", CS),
	NF(149, 18, 20, "NETIR_MFDE_EVENT", 0x3, "IGNORE", "IGNORE"),
	F(149, 18, 20, "NETIR_MFDE_EVENT", 0x4, "RESET_GPU", CS),
	F(149, 18, 20, "NETIR_MFDE_EVENT", 0x5, "RESET_GPU", CS),
	F(149, 18, 20, "NETIR_MFDE_EVENT", 0x7, "RESET_GPU", CS),

	ANY(150, 0, 0, "MSE", true, "RESET_GPU", CS),
};

/**
 * gpumon_xid_info() - the catalog's row for an Xid.
 * @code: Xid code
 *
 * Return: the row, or NULL for a code the catalog does not list.
 */
const struct gpumon_xid_info *gpumon_xid_info(unsigned int code)
{
	if (code < 1 || code > ARRAY_SIZE(xid_table))
		return NULL;
	return &xid_table[code - 1];
}

/**
 * gpumon_xid_severity() - syslog level for an Xid, from its catalog action.
 * @code: Xid code
 *
 * See xid_catalog.h for the mapping from resolution buckets.
 *
 * Return: LOG_CRIT ... LOG_INFO.
 */
int gpumon_xid_severity(unsigned int code)
{
	static const struct {
		const char *bucket;
		int level;
	} map[] = {
		{ "RESTART_BM", LOG_CRIT },
		{ "RESET_GPU", LOG_CRIT },
		{ "WORKFLOW_XID_48", LOG_CRIT },
		{ "WORKFLOW_NVLINK_ERR", LOG_CRIT },
		{ "RESTART_VM", LOG_ERR },
		{ "CHECK_MECHANICALS", LOG_ERR },
		{ "UPDATE_SWFW", LOG_ERR },
		{ "WORKFLOW_XID_45", LOG_NOTICE },
		{ "XID_154", LOG_NOTICE },
		{ "IGNORE", LOG_INFO },
	};
	const struct gpumon_xid_info *xi = gpumon_xid_info(code);

	if (!xi || !xi->immediate)
		return LOG_WARNING;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(xi->immediate, map[i].bucket))
			return map[i].level;
	return LOG_WARNING;
}

static const struct gpumon_nvlink5_info *
nvlink5_find(unsigned int xid, int version, unsigned int sub, uint32_t status,
	     bool match_status)
{
	for (size_t i = 0; i < ARRAY_SIZE(nvlink5_table); i++) {
		const struct gpumon_nvlink5_info *r = &nvlink5_table[i];

		if (r->xid != xid ||
		    (version == 1 ? r->sub_v1 : r->sub_v2) != sub)
			continue;
		if (!match_status || r->any_status || r->status == status)
			return r;
	}
	return NULL;
}

/* The layout of @intr: 1 or 2, 0 when no listed sub-code matches. */
static int nvlink5_layout(unsigned int xid, uint32_t intr, unsigned int *sub)
{
	/* V1: IntrInfo[4:0] is the Xid's offset from 143 (MSE prints 0) */
	if ((intr & 0x1f) == (xid == 150 ? 0 : xid - 143)) {
		*sub = (intr >> 5) & 0x1f;
		if (nvlink5_find(xid, 1, *sub, 0, false))
			return 1;
	}
	*sub = intr & 0x7f;
	if (nvlink5_find(xid, 2, *sub, 0, false))
		return 2;
	return 0;
}

/**
 * gpumon_xid_nvlink5_decode() - decode an NVLink5 Xid's registers.
 * @xid: 144-150
 * @intr: IntrInfo, the first register in the parentheses
 * @status: error status, the second register
 * @version: set to the layout of @intr that matched (1, 2), 0 for none
 *
 * Return: the catalog row, or NULL; see xid_catalog.h.
 */
const struct gpumon_nvlink5_info *
gpumon_xid_nvlink5_decode(unsigned int xid, uint32_t intr, uint32_t status,
			  int *version)
{
	const struct gpumon_nvlink5_info *r;
	unsigned int sub;
	int v;

	*version = 0;
	if (xid < 144 || xid > 150)
		return NULL;
	v = nvlink5_layout(xid, intr, &sub);
	if (!v)
		return NULL;
	*version = v;
	r = nvlink5_find(xid, v, sub, status, true);
	return r;
}

/**
 * gpumon_xid_nvlink5_unit() - unit name for an NVLink5 sub-code.
 * @xid: 144-150
 * @intr: IntrInfo
 *
 * Return: the unit name decoded from @intr alone, or NULL.
 */
const char *gpumon_xid_nvlink5_unit(unsigned int xid, uint32_t intr)
{
	const struct gpumon_nvlink5_info *r;
	unsigned int sub;
	int v;

	if (xid < 144 || xid > 150)
		return NULL;
	v = nvlink5_layout(xid, intr, &sub);
	if (!v)
		return NULL;
	r = nvlink5_find(xid, v, sub, 0, false);
	return r ? r->unit : NULL;
}
