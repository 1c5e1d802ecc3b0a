/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * client.h - the console's side of gpumond's HTTP API (libcurl), and the
 * view the console draws, decoded from the API's JSON.
 */
#ifndef GPUMON_CLIENT_H
#define GPUMON_CLIENT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * gpumon_client_get() - GET @path from gpumond and parse the JSON body.
 * @sock: gpumond's Unix socket
 * @path: e.g. "/v1/snapshot"
 * @out: the parsed document on success (json_object_put() it)
 * @err: on failure, a sentence saying why
 * Return: 0; -ECONNREFUSED / -ENOENT when gpumond is not there, -EIO on
 * an HTTP error status, -EPROTO on a body that is not JSON.
 */
int gpumon_client_get(const char *sock, const char *path, json_object **out,
		      char *err, size_t errlen);

struct gpumon_view_source {
	char name[16];
	bool on;
	char why[192];
	uint64_t events;
	uint64_t lost;
	uint64_t malformed;
};

struct gpumon_view_dev {
	char bdf[16];
	char role[16];
	char parent[16];
	uint64_t aer[3];	/* correctable, nonfatal, fatal */
	uint64_t xid_count;
	int last_xid;		/* -1: none */
	char last_xid_msg[128];
};

struct gpumon_view_event {
	uint64_t seq;
	uint64_t time_real_ns;
	char source[16];
	char kind[16];
	char level[12];
	char severity[16];
	char entity[16];
	char message[256];
};

#define GPUMON_VIEW_SOURCES	8

/**
 * struct gpumon_view - what the console shows: one snapshot and the
 * latest events.
 */
struct gpumon_view {
	char host[64];
	uint64_t time_real_ns;
	struct gpumon_view_source src[GPUMON_VIEW_SOURCES];
	size_t nsrc;
	struct gpumon_view_dev *devs;
	size_t ndevs;
	struct gpumon_view_event *events;
	size_t nevents;
	uint64_t next_seq;
	uint64_t events_lost;
	/* the node: CPU package power and the module's thermal zones */
	bool cpu_power_valid;
	uint64_t cpu_avg_mw;	/* sum over packages, last window, mW */
	uint64_t cpu_max_mw;
	bool hottest_valid;
	int hottest_zone_id;
	char hottest_type[32];
	int hottest_temp_mc;	/* millidegrees C */
	unsigned int trips_asserted;
};

/**
 * gpumon_view_from_json() - decode /v1/snapshot and /v1/events documents.
 * @events: may be NULL (no events shown)
 * Return: 0, -EPROTO when a document lacks what the view needs, -ENOMEM.
 */
int gpumon_view_from_json(struct gpumon_view *v, json_object *snap,
			  json_object *events);
/**
 * gpumon_view_events_from_json() - a view of a /v1/events document alone.
 * Return: 0, -EPROTO when it has no events array, -ENOMEM.
 */
int gpumon_view_events_from_json(struct gpumon_view *v, json_object *events);
void gpumon_view_free(struct gpumon_view *v);

#endif
