// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon - the console and command line of gpumon.
 *
 *   gpumon top [-b] [-n N] [-d SECONDS]   live console, or batch text
 *   gpumon status [--json]                one snapshot
 *   gpumon events [--json] [--after SEQ]  events after a sequence number
 *   gpumon decode [--json]                kernel log on stdin, decoded
 *   gpumon dev [--json [--full]] [--all] [--watch] gpumon.ko's devices,
 *                                 thermal zones, RAPL power, events
 *   gpumon config [--json] [--interval-ms N] [--match LIST]
 *                 [--thermal-types LIST] [--thermal-hyst-mc N]
 *                 [--rapl-period-ms N]
 *                                 gpumon.ko's configuration, or change it
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "dev.h"
#include "klog.h"
#include "modconf.h"
#include "ui/ui.h"

#define BATCH_EVENTS	20

static const char *sock = GPUMON_DEFAULT_SOCKET;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gpumon [-S SOCKET] COMMAND [OPTIONS]\n"
		"  top [-b] [-n N] [-d SECONDS]  live console (q quits); -b prints\n"
		"                                N plain-text snapshots instead\n"
		"  status [--json]               the node's devices and sources\n"
		"  events [--json] [--after SEQ] events with a sequence number\n"
		"                                above SEQ\n"
		"  decode [--json]               decode kernel log text on stdin\n"
		"  dev [--json] [--all] [--watch] gpumon.ko's devices, topology\n"
		"                                and counters, thermal zones and\n"
		"                                RAPL power, or its events;\n"
		"                                --json --full: one object with\n"
		"                                devices, thermal_zones, power,\n"
		"                                sources\n"
		"  config [--json] [--interval-ms N] [--match LIST]\n"
		"         [--thermal-types LIST] [--thermal-hyst-mc N]\n"
		"         [--rapl-period-ms N]   gpumon.ko's configuration; with\n"
		"                                a setting, change it (root)\n"
		"  -S, --socket PATH             gpumond's socket (default %s)\n",
		GPUMON_DEFAULT_SOCKET);
}

/* A subcommand's arguments after its options: none are taken. */
static bool extra_args(const char *cmd, int argc, char **argv)
{
	if (optind >= argc)
		return false;
	fprintf(stderr, "gpumon %s: unexpected argument '%s'\n", cmd,
		argv[optind]);
	return true;
}

static bool parse_num(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return !errno && end != s && !*end && *v >= 0;
}

static int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{}
	};
	double delay = 1, iters = 0;
	bool batch = false;
	struct gpumon_view v;
	char err[256];
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "bn:d:", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			batch = true;
			break;
		case 'n':
			if (!parse_num(optarg, &iters) || iters < 1) {
				fprintf(stderr, "gpumon top: -n: '%s' is not a count\n",
					optarg);
				return 2;
			}
			break;
		case 'd':
			if (!parse_num(optarg, &delay) || delay < 0.1) {
				fprintf(stderr, "gpumon top: -d: '%s' is not a number of seconds (>= 0.1)\n",
					optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (extra_args("top", argc, argv))
		return 2;
	if (!batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "gpumon top: not a terminal; use -b for batch output\n");
		return 2;
	}
	if (!batch) {
		ret = gpumon_ui_top(sock, delay * 1000);
		if (ret)
			fprintf(stderr, "gpumon top: no terminal; use -b\n");
		return ret ? 1 : 0;
	}
	for (unsigned long i = 0; !iters || i < iters; i++) {
		if (i) {
			usleep(delay * 1e6);
			printf("\n");
		}
		ret = gpumon_ui_fetch(sock, &v, BATCH_EVENTS, err,
				      sizeof(err));
		if (ret) {
			fprintf(stderr, "gpumon: %s\n", err);
			return 1;
		}
		gpumon_ui_print(stdout, &v, 0, 0);
		gpumon_view_free(&v);
		fflush(stdout);
	}
	return 0;
}

static int print_json(const char *path)
{
	json_object *o;
	char err[256];

	if (gpumon_client_get(sock, path, &o, err, sizeof(err))) {
		fprintf(stderr, "gpumon: %s\n", err);
		return 1;
	}
	printf("%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
	json_object_put(o);
	return 0;
}

static int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{}
	};
	struct gpumon_view v;
	char err[256];
	int c;

	bool json = false;

	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c != 'j')
			return 2;
		json = true;
	}
	if (extra_args("status", argc, argv))
		return 2;
	if (json)
		return print_json("/v1/snapshot");
	if (gpumon_ui_fetch(sock, &v, 0, err, sizeof(err))) {
		fprintf(stderr, "gpumon: %s\n", err);
		return 1;
	}
	gpumon_ui_print(stdout, &v, 0, 0);
	gpumon_view_free(&v);
	return 0;
}

static int cmd_events(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "after", required_argument, NULL, 'a' },
		{}
	};
	json_object *o;
	struct gpumon_view v = { 0 };
	unsigned long long after = 0;
	bool json = false;
	char path[80], err[256], *end;
	int c;

	while ((c = getopt_long(argc, argv, "ja:", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'a':
			errno = 0;
			after = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-') {
				fprintf(stderr, "gpumon events: --after: '%s' is not a sequence number\n",
					optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (extra_args("events", argc, argv))
		return 2;
	snprintf(path, sizeof(path), "/v1/events?after=%llu", after);
	if (json)
		return print_json(path);
	if (gpumon_client_get(sock, path, &o, err, sizeof(err))) {
		fprintf(stderr, "gpumon: %s\n", err);
		return 1;
	}
	c = gpumon_view_events_from_json(&v, o);
	json_object_put(o);
	if (c) {
		fprintf(stderr, "gpumon: gpumond's answer lacks fields\n");
		return 1;
	}
	if (v.events_lost)
		printf("%" PRIu64 " events after %llu are no longer kept\n",
		       v.events_lost, after);
	for (size_t i = 0; i < v.nevents; i++) {
		gpumon_ui_event_row(err, sizeof(err), 0, &v.events[i]);
		printf("%s\n", err);
	}
	gpumon_view_free(&v);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+S:h", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			sock = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 1;
	if (!strcmp(cmd, "top"))
		return cmd_top(argc, argv);
	if (!strcmp(cmd, "status"))
		return cmd_status(argc, argv);
	if (!strcmp(cmd, "events"))
		return cmd_events(argc, argv);
	if (!strcmp(cmd, "decode"))
		return gpumon_decode_main(argc, argv);
	if (!strcmp(cmd, "dev"))
		return gpumon_cmd_dev(argc, argv);
	if (!strcmp(cmd, "config"))
		return gpumon_cmd_config(argc, argv);
	fprintf(stderr, "gpumon: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
