/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xid_catalog.h - NVIDIA's Xid catalog as a table: mnemonic, description,
 * immediate and investigatory actions for every Xid 1-172, and the
 * decoding of the NVLink5 Xids 144-150 by unit (sub-code) and error
 * status. The data and its source: data/xid-catalog.psv.
 */
#ifndef GPUMON_XID_CATALOG_H
#define GPUMON_XID_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

/* The catalog this table was built from (see data/xid-catalog.psv). */
#define GPUMON_XID_CATALOG_SOURCE \
	"https://docs.nvidia.com/deploy/xid-errors/analyzing-xid-catalog.html"
#define GPUMON_XID_CATALOG_VERSION	"entries up to R575/CUDA 12.9, read 2026-11-30"
#define GPUMON_XID_CATALOG_MAX		172

/**
 * struct gpumon_xid_info - one row of the catalog's "Xids" sheet.
 * @code: the Xid
 * @mnemonic: the catalog's mnemonic (NVIDIA's nverror.h name)
 * @description: the catalog's short description ("Unused": deprecated
 *	or Volta and older only)
 * @immediate: resolution bucket of the immediate action (RESET_GPU,
 *	RESTART_BM, ...), NULL when the catalog gives none
 * @investigatory: resolution bucket of the investigatory action, NULL
 *	when the catalog gives none
 */
struct gpumon_xid_info {
	unsigned int code;
	const char *mnemonic;
	const char *description;
	const char *immediate;
	const char *investigatory;
};

/**
 * gpumon_xid_info() - the catalog's row for an Xid.
 * @code: Xid code
 *
 * Return: the row, or NULL for a code the catalog does not list (such
 * codes are still decoded and shown raw).
 */
const struct gpumon_xid_info *gpumon_xid_info(unsigned int code);

/**
 * gpumon_xid_severity() - syslog level for an Xid, from its catalog action.
 * @code: Xid code
 *
 * RESTART_BM, RESET_GPU, WORKFLOW_XID_48 and WORKFLOW_NVLINK_ERR (the GPU
 * or node must be reset) give LOG_CRIT; RESTART_VM, CHECK_MECHANICALS and
 * UPDATE_SWFW LOG_ERR; RESTART_APP, CHECK_UVM, CONTACT_SUPPORT (listed
 * "Unused" codes), WORKFLOW_NVLINK5_ERR (refined by
 * gpumon_xid_nvlink5_decode()) and codes with no action or not in the
 * catalog LOG_WARNING; WORKFLOW_XID_45 and XID_154 (reports about another
 * Xid) LOG_NOTICE; IGNORE LOG_INFO.
 *
 * Return: LOG_CRIT ... LOG_INFO.
 */
int gpumon_xid_severity(unsigned int code);

/**
 * struct gpumon_nvlink5_info - one row of the catalog's "XID 144-150
 * Decode" sheet, keyed by Xid, sub-code and error status.
 * @xid: 144-150
 * @sub_v1: sub-code in IntrInfo[9:5] as drivers before R575 print it
 * @sub_v2: sub-code in IntrInfo[6:0] as R575 and later print it
 * @unit: the sub-component name (also printed in the message)
 * @status: the error status (second register); @any_status when the row
 *	applies to every status
 * @any_status: see @status
 * @fatal: the catalog's severity is fatal (GPU or link fatal)
 * @immediate: resolution bucket of the immediate action
 * @investigatory: resolution bucket of the investigatory action
 */
struct gpumon_nvlink5_info {
	unsigned int xid;
	unsigned int sub_v1;
	unsigned int sub_v2;
	const char *unit;
	uint32_t status;
	bool any_status;
	bool fatal;
	const char *immediate;
	const char *investigatory;
};

/**
 * gpumon_xid_nvlink5_decode() - decode an NVLink5 Xid's registers.
 * @xid: 144-150
 * @intr: IntrInfo, the first register in the parentheses
 * @status: error status, the second register
 * @version: set to 1 (before R575) or 2 (R575 and later), the layout
 *	of @intr that matched; 0 when none did
 *
 * Drivers before R575 put the Xid's offset from 143 in IntrInfo[4:0] and
 * the sub-code in [9:5]; later ones the sub-code in [6:0]. The first
 * layout whose sub-code is listed for @xid wins.
 *
 * Return: the catalog row for (@xid, sub-code, @status); when the sub-code
 * is known but not the status, a row of that unit with @any_status set if
 * there is one, else NULL.
 */
const struct gpumon_nvlink5_info *
gpumon_xid_nvlink5_decode(unsigned int xid, uint32_t intr, uint32_t status,
			  int *version);

/**
 * gpumon_xid_nvlink5_unit() - unit name for an NVLink5 sub-code.
 * @xid: 144-150
 * @intr: IntrInfo
 *
 * Return: the unit name decoded from @intr alone, or NULL.
 */
const char *gpumon_xid_nvlink5_unit(unsigned int xid, uint32_t intr);

#endif
