// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon config - read or change gpumon.ko's configuration over netlink
 * (no gpumond):
 *
 *   gpumon config [--json]        the settings (GPUMON_CMD_CONFIG_GET)
 *   gpumon config [--interval-ms N] [--match LIST] [--thermal-types LIST]
 *                 [--thermal-hyst-mc N] [--rapl-period-ms N] [--json]
 *                                 one GPUMON_CMD_CONFIG_SET with the
 *                                 options given (CAP_NET_ADMIN), then
 *                                 the settings as they are now
 *
 * The values are checked by the module, not here: a refused one is
 * reported with the module's own message (extended ack) and the option
 * it came from.  Exit status: 0; 1 when the module is not loaded or
 * refused the request; 2 for a usage error.
 */
#include <errno.h>
#include <stddef.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "modconf.h"
#include "nl_src.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gpumon config [--json]\n"
		"       gpumon config [--interval-ms N] [--match LIST]\n"
		"                     [--thermal-types LIST] [--thermal-hyst-mc N]\n"
		"                     [--rapl-period-ms N] [--json]\n"
		"  --interval-ms N       link sampling interval, ms (%d-%d)\n"
		"  --match LIST          extra endpoints to watch, the module\n"
		"                        parameter's syntax (replaces the list)\n"
		"  --thermal-types LIST  thermal zone types to sample,\n"
		"                        comma-separated; \"\" for all\n"
		"  --thermal-hyst-mc N   thermal trip hysteresis floor, m degC\n"
		"                        (0-%d)\n"
		"  --rapl-period-ms N    RAPL energy sampling period, ms (%d-%d)\n"
		"Without a setting: print the configuration.  Changing it needs\n"
		"CAP_NET_ADMIN.\n",
		GPUMON_INTERVAL_MIN_MS, GPUMON_INTERVAL_MAX_MS,
		GPUMON_THERMAL_HYST_MAX_MC, GPUMON_RAPL_PERIOD_MIN_MS,
		GPUMON_RAPL_PERIOD_MAX_MS);
}

/* A u32 in decimal; the module checks the range. */
static int parse_u32(const char *opt, const char *s, uint32_t *v)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || n > UINT32_MAX) {
		fprintf(stderr, "gpumon config: --%s: '%s' is not a number\n",
			opt, s);
		return -1;
	}
	*v = n;
	return 0;
}

static int copy_list(const char *opt, const char *s, char *dst, size_t size)
{
	if (strlen(s) >= size) {
		fprintf(stderr, "gpumon config: --%s: longer than %zu characters\n",
			opt, size - 1);
		return -1;
	}
	strcpy(dst, s);
	return 0;
}

/**
 * gpumon_modconf_print() - print a configuration as text or JSON.
 * @f: where to
 * @cfg: the settings; those not in @cfg->valid (an older module) are
 *	left out of the JSON object and shown as "n/a" in the text
 * @json: one JSON object instead of "name value" lines
 */
void gpumon_modconf_print(FILE *f, const struct gpumon_nl_config *cfg,
			  bool json)
{
	static const struct {
		const char *name;
		uint32_t bit;
		size_t off;
	} u32s[] = {
		{ "interval_ms", GPUMON_NL_CFG_INTERVAL,
		  offsetof(struct gpumon_nl_config, interval_ms) },
		{ "thermal_hyst_mc", GPUMON_NL_CFG_THERMAL_HYST,
		  offsetof(struct gpumon_nl_config, thermal_hyst_mc) },
		{ "rapl_period_ms", GPUMON_NL_CFG_RAPL_PERIOD,
		  offsetof(struct gpumon_nl_config, rapl_period_ms) },
	};
	bool has_match = cfg->valid & GPUMON_NL_CFG_MATCH;
	bool has_types = cfg->valid & GPUMON_NL_CFG_THERMAL_TYPES;
	json_object *o;
	uint32_t v;
	size_t i;

	if (json) {
		/* The order of the text, and of the spec. */
		o = json_object_new_object();
		for (i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
			if (i == 1 && has_match)
				json_object_object_add(o, "match",
						       json_object_new_string(cfg->match));
			if (i == 1 && has_types)
				json_object_object_add(o, "thermal_types",
						       json_object_new_string(cfg->thermal_types));
			if (!(cfg->valid & u32s[i].bit))
				continue;
			memcpy(&v, (const char *)cfg + u32s[i].off, sizeof(v));
			json_object_object_add(o, u32s[i].name,
					       json_object_new_int64(v));
		}
		fprintf(f, "%s\n", json_object_to_json_string_ext(o,
				JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
		json_object_put(o);
		return;
	}
	for (i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
		if (i == 1) {
			fprintf(f, "%-16s %s\n", "match",
				has_match ? cfg->match : "n/a");
			if (!has_types)
				fprintf(f, "%-16s n/a\n", "thermal_types");
			else if (*cfg->thermal_types)
				fprintf(f, "%-16s %s\n", "thermal_types",
					cfg->thermal_types);
			else
				fprintf(f, "%-16s \"\" (all)\n", "thermal_types");
		}
		memcpy(&v, (const char *)cfg + u32s[i].off, sizeof(v));
		if (cfg->valid & u32s[i].bit)
			fprintf(f, "%-16s %u\n", u32s[i].name, v);
		else
			fprintf(f, "%-16s n/a\n", u32s[i].name);
	}
}

/* The module refused the CONFIG_SET: say why, and which option. */
static void report_refusal(int err, const struct gpumon_nl_extack *ext,
			   char *const argv_opts[])
{
	if (err == -EPERM) {
		fprintf(stderr, "gpumon config: changing the configuration needs CAP_NET_ADMIN (run as root)\n");
		return;
	}
	fprintf(stderr, "gpumon config: gpumon.ko refused the change: %s",
		*ext->msg ? ext->msg : strerror(-err));
	if (ext->bad_attr) {
		const char *name = gpumon_nl_attr_name(ext->bad_attr);
		const char *val = ext->bad_attr < GPUMON_A_MAX + 1 ?
				  argv_opts[ext->bad_attr] : NULL;

		fprintf(stderr, " (attribute %s", name);
		if (val)
			fprintf(stderr, ": --%s '%s'", name, val);
		fprintf(stderr, ")");
	}
	if (ext->miss_attr)
		fprintf(stderr, " (missing attribute %s)",
			gpumon_nl_attr_name(ext->miss_attr));
	if (*ext->msg)
		fprintf(stderr, ": %s", strerror(-err));
	fprintf(stderr, "\n");
}

/**
 * gpumon_cmd_config() - `gpumon config`: print or change gpumon.ko's
 * configuration.
 * @argc: arguments after "gpumon", the first being "config"
 * @argv: them
 *
 * Return: the exit status: 0; 1 when the module is not loaded, refused
 * the change, or did not answer; 2 for a usage error.
 */
int gpumon_cmd_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "interval-ms", required_argument, NULL, 'i' },
		{ "match", required_argument, NULL, 'm' },
		{ "thermal-types", required_argument, NULL, 't' },
		{ "thermal-hyst-mc", required_argument, NULL, 'y' },
		{ "rapl-period-ms", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	/* The option text per attribute, for the refusal message. */
	char *given[GPUMON_A_MAX + 1] = { NULL };
	struct gpumon_nl_config set = { 0 }, cfg;
	struct gpumon_nl_extack ext;
	struct gpumon_nl *nl;
	bool json = false;
	int c, err;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'i':
			if (parse_u32("interval-ms", optarg, &set.interval_ms))
				return 2;
			set.valid |= GPUMON_NL_CFG_INTERVAL;
			given[GPUMON_A_INTERVAL_MS] = optarg;
			break;
		case 'm':
			if (copy_list("match", optarg, set.match,
				      sizeof(set.match)))
				return 2;
			set.valid |= GPUMON_NL_CFG_MATCH;
			given[GPUMON_A_MATCH] = optarg;
			break;
		case 't':
			if (copy_list("thermal-types", optarg,
				      set.thermal_types,
				      sizeof(set.thermal_types)))
				return 2;
			set.valid |= GPUMON_NL_CFG_THERMAL_TYPES;
			given[GPUMON_A_THERMAL_TYPES] = optarg;
			break;
		case 'y':
			if (parse_u32("thermal-hyst-mc", optarg,
				      &set.thermal_hyst_mc))
				return 2;
			set.valid |= GPUMON_NL_CFG_THERMAL_HYST;
			given[GPUMON_A_THERMAL_HYST_MC] = optarg;
			break;
		case 'r':
			if (parse_u32("rapl-period-ms", optarg,
				      &set.rapl_period_ms))
				return 2;
			set.valid |= GPUMON_NL_CFG_RAPL_PERIOD;
			given[GPUMON_A_RAPL_PERIOD_MS] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "gpumon config: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}

	err = gpumon_nl_open(&nl, NULL, NULL);
	if (err) {
		if (err == -ENOENT)
			fprintf(stderr, "gpumon config: gpumon.ko is not loaded (no netlink family \"%s\")\n",
				GPUMON_GENL_NAME);
		else
			fprintf(stderr, "gpumon config: netlink family %s: %s\n",
				GPUMON_GENL_NAME, strerror(-err));
		return 1;
	}
	if (set.valid) {
		err = gpumon_nl_config_set(nl, &set, &ext);
		if (err) {
			report_refusal(err, &ext, given);
			gpumon_nl_close(nl);
			return 1;
		}
	}
	err = gpumon_nl_config_get(nl, &cfg, &ext);
	gpumon_nl_close(nl);
	if (err) {
		fprintf(stderr, "gpumon config: reading the configuration: %s%s%s\n",
			*ext.msg ? ext.msg : "", *ext.msg ? ": " : "",
			err == -ENOENT ? "gpumon.ko is not loaded" :
			strerror(-err));
		return 1;
	}
	gpumon_modconf_print(stdout, &cfg, json);
	return 0;
}
