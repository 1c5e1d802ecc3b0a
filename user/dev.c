// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon dev - the module's view, straight from netlink (no gpumond):
 *
 *   gpumon dev [--json] [--all]   devices, topology, link state and
 *                                 counters (--all: removed ones too)
 *   gpumon dev --watch [--json]   events as they arrive, one per line
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "dev.h"
#include "nl_src.h"

static const char *const role_names[] = {
	"unspec", "gpu", "nvswitch", "matched", "root-port", "switch-up",
	"switch-down", "bridge",
};
static const char *const state_names[] = {
	"present", "not-responding", "removed",
};
static const char *const kind_names[] = {
	"unspec", "aer", "link-downtrained", "link-restored", "link-down",
	"link-flapping", "dev-not-responding", "dev-removed", "dev-added",
	"driver-unbound", "thermal-trip",
};
static const char *const sev_names[] = {
	"info", "warning", "error", "critical",
};
static const char *const aer_sev_names[] = {
	"correctable", "nonfatal", "fatal",
};
/* Correctable Error Status bits, PCIe r6.0 sec 7.8.4.5. */
static const char *const cor_bit_names[32] = {
	[0] = "Receiver Error", [6] = "Bad TLP", [7] = "Bad DLLP",
	[8] = "REPLAY_NUM Rollover", [12] = "Replay Timer Timeout",
	[13] = "Advisory Non-Fatal Error", [14] = "Corrected Internal Error",
	[15] = "Header Log Overflow",
};
/* Uncorrectable Error Status bits, PCIe r6.0 sec 7.8.4.2. */
static const char *const uncor_bit_names[32] = {
	[4] = "Data Link Protocol Error", [5] = "Surprise Down Error",
	[12] = "Poisoned TLP Received", [13] = "Flow Control Protocol Error",
	[14] = "Completion Timeout", [15] = "Completer Abort",
	[16] = "Unexpected Completion", [17] = "Receiver Overflow",
	[18] = "Malformed TLP", [19] = "ECRC Error",
	[20] = "Unsupported Request Error", [21] = "ACS Violation",
	[22] = "Uncorrectable Internal Error", [23] = "MC Blocked TLP",
	[24] = "AtomicOp Egress Blocked", [25] = "TLP Prefix Blocked Error",
	[26] = "Poisoned TLP Egress Blocked",
	[27] = "DMWr Request Egress Blocked", [28] = "IDE Check Failed",
	[29] = "Misrouted IDE TLP", [30] = "PCRC_CHECK_FAILED",
	[31] = "TLP Translation Egress Blocked",
};

#define NAME(tab, i) ((size_t)(i) < sizeof(tab) / sizeof((tab)[0]) && (tab)[i] ? (tab)[i] : "unknown")

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static json_object *link_json(const struct gpumon_nl_link *l)
{
	json_object *o = json_object_new_object();

	if (l->valid) {
		json_object_object_add(o, "cur_speed_mts", json_object_new_int64(l->cur_speed));
		json_object_object_add(o, "cur_width", json_object_new_int64(l->cur_width));
		json_object_object_add(o, "max_speed_mts", json_object_new_int64(l->max_speed));
		json_object_object_add(o, "max_width", json_object_new_int64(l->max_width));
	}
	if (l->dll_active >= 0)
		json_object_object_add(o, "dll_active", json_object_new_boolean(l->dll_active));
	json_object_object_add(o, "downtrained", json_object_new_int64(l->downtrained));
	json_object_object_add(o, "down", json_object_new_int64(l->down));
	json_object_object_add(o, "not_responding", json_object_new_int64(l->not_responding));
	json_object_object_add(o, "flaps", json_object_new_int64(l->flaps));
	json_object_object_add(o, "suppressed", json_object_new_int64(l->suppressed));
	return o;
}

static json_object *bits_json(const uint64_t *counts, const char *const *names)
{
	json_object *o = json_object_new_object();
	char key[64];

	for (int i = 0; i < 32; i++) {
		if (!counts[i])
			continue;
		snprintf(key, sizeof(key), "%s", names[i] ? names[i] : "");
		if (!names[i])
			snprintf(key, sizeof(key), "bit %d", i);
		json_object_object_add(o, key, json_object_new_int64(counts[i]));
	}
	return o;
}

static int dev_json(void *ctx, const struct gpumon_nl_dev *d)
{
	json_object *arr = ctx, *o = json_object_new_object(), *aer, *below;
	char hex[16];

	json_object_object_add(o, "bdf", json_object_new_string(d->bdf));
	json_object_object_add(o, "role", json_object_new_string(NAME(role_names, d->role)));
	json_object_object_add(o, "state", json_object_new_string(NAME(state_names, d->state)));
	json_object_object_add(o, "parent", *d->parent ? json_object_new_string(d->parent) : NULL);
	json_object_object_add(o, "peer", *d->peer ? json_object_new_string(d->peer) : NULL);
	snprintf(hex, sizeof(hex), "0x%04x", d->vendor);
	json_object_object_add(o, "vendor", json_object_new_string(hex));
	snprintf(hex, sizeof(hex), "0x%04x", d->device);
	json_object_object_add(o, "device", json_object_new_string(hex));
	snprintf(hex, sizeof(hex), "0x%06x", d->class);
	json_object_object_add(o, "class", json_object_new_string(hex));
	below = json_object_new_array();
	for (unsigned int i = 0; i < d->nbelow; i++)
		json_object_array_add(below, json_object_new_string(d->below[i]));
	json_object_object_add(o, "below", below);
	aer = json_object_new_object();
	for (int s = 0; s < 3; s++)
		json_object_object_add(aer, aer_sev_names[s], json_object_new_int64(d->aer[s]));
	json_object_object_add(aer, "correctable_bits", bits_json(d->aer_cor_bit, cor_bit_names));
	json_object_object_add(aer, "uncorrectable_bits", bits_json(d->aer_uncor_bit, uncor_bit_names));
	if (d->aer_first_ns) {
		json_object_object_add(aer, "first_ns", json_object_new_int64(d->aer_first_ns));
		json_object_object_add(aer, "last_ns", json_object_new_int64(d->aer_last_ns));
	}
	if (d->tlp_valid) {
		json_object *t = json_object_new_array();

		for (int i = 0; i < 4; i++) {
			snprintf(hex, sizeof(hex), "0x%08x", d->tlp[i]);
			json_object_array_add(t, json_object_new_string(hex));
		}
		json_object_object_add(aer, "last_tlp", t);
	}
	json_object_object_add(o, "aer", aer);
	json_object_object_add(o, "link", link_json(&d->link));
	json_object_array_add(arr, o);
	return 0;
}

static void speed_str(char *buf, size_t size, uint32_t mts)
{
	snprintf(buf, size, "%u.%uGT/s", mts / 1000, mts % 1000 / 100);
}

static void link_str(char *buf, size_t size, const struct gpumon_nl_link *l)
{
	char cur[16], max[16];

	if (!l->valid) {
		snprintf(buf, size, "-");
		return;
	}
	speed_str(cur, sizeof(cur), l->cur_speed);
	speed_str(max, sizeof(max), l->max_speed);
	snprintf(buf, size, "%s x%u/%s x%u%s", cur, l->cur_width, max,
		 l->max_width, l->dll_active == 0 ? " DLL=0" : "");
}

static int dev_text(void *ctx, const struct gpumon_nl_dev *d)
{
	char link[64];

	link_str(link, sizeof(link), &d->link);
	printf("%-13s %-11s %-14s %-13s %-32s %6" PRIu64 " %6" PRIu64 " %6" PRIu64 " %5" PRIu64 "\n",
	       d->bdf, NAME(role_names, d->role), NAME(state_names, d->state),
	       *d->parent ? d->parent : "-", link, d->aer[0], d->aer[1],
	       d->aer[2], d->link.flaps);
	for (unsigned int i = 0; i < d->nbelow; i++)
		printf("  below: %s\n", d->below[i]);
	return 0;
}

static void print_event(const struct gpumon_nl_event *ev, bool json)
{
	char link[64];

	if (json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "seq", json_object_new_int64(ev->seq));
		json_object_object_add(o, "time_mono_ns", json_object_new_int64(ev->time_mono_ns));
		json_object_object_add(o, "time_real_ns", json_object_new_int64(ev->time_real_ns));
		json_object_object_add(o, "kind", json_object_new_string(NAME(kind_names, ev->kind)));
		json_object_object_add(o, "severity", json_object_new_string(NAME(sev_names, ev->severity)));
		if (*ev->bdf) {
			json_object_object_add(o, "bdf", json_object_new_string(ev->bdf));
			json_object_object_add(o, "role", json_object_new_string(NAME(role_names, ev->role)));
		}
		if (*ev->peer)
			json_object_object_add(o, "peer", json_object_new_string(ev->peer));
		if (ev->kind == GPUMON_EVENT_AER) {
			snprintf(link, sizeof(link), "0x%08x", ev->aer.status);
			json_object_object_add(o, "aer_severity", json_object_new_string(NAME(aer_sev_names, ev->aer.severity)));
			json_object_object_add(o, "aer_status", json_object_new_string(link));
		} else if (ev->kind == GPUMON_EVENT_THERMAL_TRIP) {
			json_object_object_add(o, "zone", json_object_new_string(ev->zone));
			json_object_object_add(o, "temp_mc", json_object_new_int(ev->temp_mc));
			json_object_object_add(o, "trip", json_object_new_int64(ev->trip));
		} else {
			json_object_object_add(o, "link", link_json(&ev->link));
		}
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		link_str(link, sizeof(link), &ev->link);
		printf("seq=%" PRIu64 " kind=%s severity=%s bdf=%s peer=%s",
		       ev->seq, NAME(kind_names, ev->kind),
		       NAME(sev_names, ev->severity), *ev->bdf ? ev->bdf : "-",
		       *ev->peer ? ev->peer : "-");
		if (ev->kind == GPUMON_EVENT_AER)
			printf(" aer=%s status=0x%08x",
			       NAME(aer_sev_names, ev->aer.severity),
			       ev->aer.status);
		else if (ev->kind == GPUMON_EVENT_THERMAL_TRIP)
			printf(" zone=%s temp_mc=%d trip=%u", ev->zone,
			       ev->temp_mc, ev->trip);
		else if (ev->link.valid || ev->link.flaps)
			printf(" link=\"%s\" flaps=%" PRIu64 " suppressed=%" PRIu64,
			       link, ev->link.flaps, ev->link.suppressed);
		printf("\n");
	}
	fflush(stdout);
}

struct watch_ctx {
	bool json;
};

static void on_event(void *ctx, const struct gpumon_nl_event *ev)
{
	print_event(ev, ((struct watch_ctx *)ctx)->json);
}

static void on_lost(void *ctx, uint64_t n)
{
	printf(n ? "# %" PRIu64 " events lost\n" : "# events lost (overrun)\n", n);
	fflush(stdout);
}

static int watch(bool json)
{
	struct watch_ctx w = { .json = json };
	struct gpumon_nl_ops ops = { .event = on_event, .lost = on_lost };
	struct gpumon_nl *nl;
	struct pollfd pfd;
	int err;

	err = gpumon_nl_open(&nl, &ops, &w);
	if (err) {
		fprintf(stderr, "gpumon dev: netlink family gpumon: %s\n", strerror(-err));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("# watching\n");
	fflush(stdout);
	pfd.fd = gpumon_nl_fd(nl);
	pfd.events = POLLIN;
	while (!stop) {
		if (poll(&pfd, 1, 500) < 0 && errno != EINTR)
			break;
		err = gpumon_nl_process(nl);
		if (err) {
			fprintf(stderr, "gpumon dev: %s\n", strerror(-err));
			break;
		}
	}
	gpumon_nl_close(nl);
	return err ? 1 : 0;
}

/**
 * gpumon_cmd_dev() - the "dev" command
 * @argc: arguments after the command name, with it as argv[0]
 * @argv: same
 *
 * Return: the process exit status.
 */
int gpumon_cmd_dev(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "watch", no_argument, NULL, 'w' },
		{}
	};
	bool json = false, all = false, watching = false;
	struct gpumon_nl *nl;
	json_object *arr;
	int c, err;

	while ((c = getopt_long(argc, argv, "jaw", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'a':
			all = true;
			break;
		case 'w':
			watching = true;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "gpumon dev: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	if (watching)
		return watch(json);

	err = gpumon_nl_open(&nl, NULL, NULL);
	if (err) {
		fprintf(stderr, "gpumon dev: netlink family gpumon: %s%s\n",
			strerror(-err), err == -ENOENT ? " (gpumon.ko not loaded)" : "");
		return 1;
	}
	if (json) {
		arr = json_object_new_array();
		err = gpumon_nl_dump_ex(nl, all, dev_json, arr);
		if (!err)
			printf("%s\n", json_object_to_json_string_ext(arr,
				JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
		json_object_put(arr);
	} else {
		printf("%-13s %-11s %-14s %-13s %-32s %6s %6s %6s %5s\n", "BDF",
		       "ROLE", "STATE", "PARENT", "LINK cur/max", "CORR",
		       "NONFAT", "FATAL", "FLAPS");
		err = gpumon_nl_dump_ex(nl, all, dev_text, NULL);
	}
	gpumon_nl_close(nl);
	if (err) {
		fprintf(stderr, "gpumon dev: dump: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}
