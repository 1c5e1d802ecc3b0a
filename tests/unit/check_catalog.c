// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_catalog.c - unit tests of the Xid catalog (user/lib/xid_catalog.c).
 *
 * The compiled table must agree, row by row, with its data file
 * data/xid-catalog.psv (so an edit of one without regenerating the other
 * fails here), cover every Xid 1-172, and give the catalog's actions for
 * the Xids an operator acts on. The NVLink5 (144-150) decoding is checked
 * in both IntrInfo layouts against rows of the catalog's decode sheet.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "xid_catalog.h"
#include "check_run.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static void ck_field(unsigned int code, const char *what, const char *got,
		     const char *want)
{
	if (!*want) {
		ck_assert_msg(got == NULL, "Xid %u %s: \"%s\", data file empty",
			      code, what, got);
		return;
	}
	ck_assert_msg(got && !strcmp(got, want),
		      "Xid %u %s: \"%s\", data file \"%s\"", code, what,
		      got ? got : "(null)", want);
}

START_TEST(test_matches_data_file)
{
	FILE *f = fopen("data/xid-catalog.psv", "r");
	char line[1024];
	unsigned int rows = 0;

	ck_assert_msg(f, "data/xid-catalog.psv: %s (run from the repository "
		      "root)", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *field[5], *p = line;
		const struct gpumon_xid_info *xi;
		unsigned int code;
		int n;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (n = 0; n < 5; n++) {
			field[n] = p;
			p = strchr(p, '|');
			if (!p)
				break;
			*p++ = '\0';
		}
		ck_assert_msg(n == 4, "bad line: %s", line);
		code = (unsigned int)strtoul(field[0], NULL, 10);
		rows++;
		ck_assert_uint_eq(code, rows);
		xi = gpumon_xid_info(code);
		ck_assert_ptr_nonnull(xi);
		ck_assert_uint_eq(xi->code, code);
		ck_field(code, "mnemonic", xi->mnemonic, field[1]);
		ck_field(code, "description", xi->description, field[2]);
		ck_field(code, "immediate", xi->immediate, field[3]);
		ck_field(code, "investigatory", xi->investigatory, field[4]);
	}
	fclose(f);
	ck_assert_uint_eq(rows, GPUMON_XID_CATALOG_MAX);
}
END_TEST

START_TEST(test_every_code)
{
	unsigned int code, no_imm = 0;

	for (code = 1; code <= 172; code++) {
		const struct gpumon_xid_info *xi = gpumon_xid_info(code);

		ck_assert_ptr_nonnull(xi);
		ck_assert_uint_eq(xi->code, code);
		ck_assert_ptr_nonnull(xi->mnemonic);
		ck_assert_ptr_nonnull(xi->description);
		if (!xi->immediate)
			no_imm++;
	}
	/* 162-172: the catalog names no resolution bucket */
	ck_assert_uint_eq(no_imm, 11);
	ck_assert_ptr_null(gpumon_xid_info(0));
	ck_assert_ptr_null(gpumon_xid_info(173));
	ck_assert_ptr_null(gpumon_xid_info(UINT_MAX));
}
END_TEST

/* Facts from the catalog that alerts depend on. */
START_TEST(test_known_rows)
{
	static const struct {
		unsigned int code;
		const char *mnemonic, *imm, *inv;
		int level;
	} t[] = {
		{ 79, "ROBUST_CHANNEL_GPU_HAS_FALLEN_OFF_THE_BUS", "RESTART_BM",
		  "CONTACT_SUPPORT", LOG_CRIT },
		{ 48, "ROBUST_CHANNEL_GPU_ECC_DBE", "WORKFLOW_XID_48",
		  "WORKFLOW_XID_48", LOG_CRIT },
		{ 74, "NVLINK_ERROR", "WORKFLOW_NVLINK_ERR", "CONTACT_SUPPORT",
		  LOG_CRIT },
		{ 95, "ROBUST_CHANNEL_UNCONTAINED_ERROR", "RESET_GPU",
		  "IGNORE (sympathetic)", LOG_CRIT },
		{ 119, "GSP_RPC_TIMEOUT", "RESET_GPU", "INVESTIGATE_SW",
		  LOG_CRIT },
		{ 94, "ROBUST_CHANNEL_CONTAINED_ERROR", "RESTART_APP",
		  "IGNORE (sympathetic)", LOG_WARNING },
		{ 13, "ROBUST_CHANNEL_GR_EXCEPTION / "
		  "ROBUST_CHANNEL_GR_ERROR_SW_NOTIFY", "RESTART_APP",
		  "WORKFLOW_XID_13", LOG_WARNING },
		{ 31, "ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT", "RESTART_APP",
		  "WORKFLOW_XID_31", LOG_WARNING },
		{ 43, "ROBUST_CHANNEL_RESETCHANNEL_VERIF_ERROR", "IGNORE",
		  "CONTACT_SUPPORT", LOG_INFO },
		{ 63, "INFOROM_DRAM_RETIREMENT_EVENT", "IGNORE", "IGNORE",
		  LOG_INFO },
		{ 45, "ROBUST_CHANNEL_PREEMPTIVE_REMOVAL", "WORKFLOW_XID_45",
		  NULL, LOG_NOTICE },
		{ 154, "GPU_RECOVERY_ACTION_CHANGED", "XID_154", NULL,
		  LOG_NOTICE },
		{ 54, "SILENT_RUNNING_PWR_REDUCED_CLOCKING", "CHECK_MECHANICALS",
		  "CONTACT_SUPPORT", LOG_ERR },
		{ 151, "ROBUST_CHANNEL_KEY_ROTATION_ERROR", "RESTART_VM",
		  "CONTACT_SUPPORT", LOG_ERR },
		{ 145, "NVLINK_RLW_ERROR", "WORKFLOW_NVLINK5_ERR",
		  "WORKFLOW_NVLINK5_ERR", LOG_WARNING },
		{ 1, "ROBUST_CHANNEL_FIFO_ERROR_FIFO_METHOD", "CONTACT_SUPPORT",
		  "N/A; Unused", LOG_WARNING },
		{ 167, "PCIE_FATAL_TIMEOUT", NULL, NULL, LOG_WARNING },
		{ 172, "UNCORRECTABLE_SRAM_ERROR", NULL, NULL, LOG_WARNING },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		const struct gpumon_xid_info *xi = gpumon_xid_info(t[i].code);

		ck_assert_str_eq(xi->mnemonic, t[i].mnemonic);
		if (t[i].imm)
			ck_assert_str_eq(xi->immediate, t[i].imm);
		else
			ck_assert_ptr_null(xi->immediate);
		if (t[i].inv)
			ck_assert_str_eq(xi->investigatory, t[i].inv);
		ck_assert_msg(gpumon_xid_severity(t[i].code) == t[i].level,
			      "Xid %u: level %d, want %d", t[i].code,
			      gpumon_xid_severity(t[i].code), t[i].level);
	}
	/* not in the catalog: kept, shown raw, warning */
	ck_assert_int_eq(gpumon_xid_severity(173), LOG_WARNING);
	ck_assert_int_eq(gpumon_xid_severity(0), LOG_WARNING);
}
END_TEST

START_TEST(test_nvlink5)
{
	static const struct {
		unsigned int xid;
		uint32_t intr, status;
		int version;
		const char *unit;	/* NULL: no row */
		bool fatal;
		const char *imm;
	} t[] = {
		/* the notes' example: V1, IntrInfo[9:5] = 14, [4:0] = 6 */
		{ 149, 0x004505c6, 0x0, 1, "NETIR_LINK_EVT", true,
		  "RESET_GPU" },
		/* R575 and later: sub-code 17 in [6:0] */
		{ 149, 0x00000011, 0x0, 2, "NETIR_LINK_EVT", true,
		  "RESET_GPU" },
		{ 149, (17u << 5) | 6, 0x2, 1, "NETIR_BER_EVENT", false,
		  "IGNORE" },
		{ 149, 20, 0x3, 2, "NETIR_MFDE_EVENT", false, "IGNORE" },
		{ 149, 20, 0x5, 2, "NETIR_MFDE_EVENT", true, "RESET_GPU" },
		{ 144, (1u << 5) | 1, 0x2, 1, "SAW_MVB", true, "RESET_GPU" },
		{ 144, 1, 0x4, 2, "SAW_MVB", false, "IGNORE" },
		{ 145, (4u << 5) | 2, 0x4, 1, "RLW_REMAP", false,
		  "XID_154_EVAL" },
		{ 145, 8, 0x20000, 2, "RLW_TAGSTATE", true, "RESET_GPU" },
		{ 146, (10u << 5) | 3, 0x4, 1, "TLW_RX_PIPE0", true,
		  "RESET_GPU" },
		{ 146, 11, 0x1, 2, "TLW_RX_PIPE1", false, "IGNORE" },
		{ 147, 14, 0x80000000, 2, "TREX", false, "IGNORE" },
		{ 148, 15, 0x80000000, 2, "NVLPW_CTRL", false, "IGNORE" },
		{ 150, 0, 0xffffffff, 1, "MSE", true, "RESET_GPU" },
		/* known unit, status the catalog does not list */
		{ 144, 1, 0x40, 2, NULL, false, NULL },
		/* sub-code listed for neither layout */
		{ 145, 0x7f, 0x1, 0, NULL, false, NULL },
		/* not an NVLink5 Xid */
		{ 74, 0x1, 0x1, 0, NULL, false, NULL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		const struct gpumon_nvlink5_info *r;
		int v = -1;

		r = gpumon_xid_nvlink5_decode(t[i].xid, t[i].intr,
					      t[i].status, &v);
		ck_assert_msg(v == t[i].version, "row %zu: layout %d", i, v);
		if (!t[i].unit) {
			ck_assert_msg(r == NULL, "row %zu: matched %s", i,
				      r ? r->unit : "");
			continue;
		}
		ck_assert_msg(r != NULL, "row %zu: no match", i);
		ck_assert_str_eq(r->unit, t[i].unit);
		ck_assert_int_eq(r->fatal, t[i].fatal);
		ck_assert_str_eq(r->immediate, t[i].imm);
		ck_assert_str_eq(gpumon_xid_nvlink5_unit(t[i].xid, t[i].intr),
				 t[i].unit);
	}
	ck_assert_str_eq(gpumon_xid_nvlink5_unit(144, 1), "SAW_MVB");
	ck_assert_ptr_null(gpumon_xid_nvlink5_unit(143, 1));
}
END_TEST

static Suite *catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("xid");

	tcase_add_test(tc, test_matches_data_file);
	tcase_add_test(tc, test_every_code);
	tcase_add_test(tc, test_known_rows);
	tcase_add_test(tc, test_nvlink5);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return gpumon_check_run(catalog_suite());
}
