/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * api.h - gpumond's read-only HTTP API (libmicrohttpd, JSON by json-c).
 *
 *   GET /v1/snapshot           node, sources, devices, event counters
 *   GET /v1/events?after=SEQ   events with seq > SEQ (limit=N, default
 *                              and maximum 1000), oldest first
 *   GET /metrics               Prometheus text format: source health
 *                              and losses, PCIe AER and Xid counts per
 *                              device, the module's thermal zones,
 *                              trips and RAPL power
 */
#ifndef GPUMON_API_H
#define GPUMON_API_H

#include <json-c/json.h>
#include "model.h"

struct gpumon_api;

/**
 * gpumon_api_start() - serve @m on a Unix socket.
 * @path: socket path; a socket a previous gpumond left there is
 *	replaced; mode 0666, the API being read-only
 * Return: 0; -EEXIST when @path exists and is not a socket (it is left
 * alone), -EADDRINUSE when another gpumond answers on it, other -errno
 * from socket/bind/listen, -EIO when libmicrohttpd fails to start.
 */
int gpumon_api_start(struct gpumon_api **out, struct gpumon_model *m,
		     const char *path);
void gpumon_api_stop(struct gpumon_api *api);

/**
 * gpumon_json_snapshot() - the /v1/snapshot document.  Takes @m->lock.
 * Return: a new object (json_object_put() it), NULL on no memory.
 */
json_object *gpumon_json_snapshot(struct gpumon_model *m);

/**
 * gpumon_json_events() - the /v1/events document.  Takes @m->lock.
 * @after: return events with seq > @after
 * @limit: at most this many, oldest first
 */
json_object *gpumon_json_events(struct gpumon_model *m, uint64_t after,
				size_t limit);

/* JSON of the module's thermal zones, RAPL domains and source states
 * (shared by /v1/snapshot and `gpumon dev --json --full`); see api.c.
 */
json_object *gpumon_json_nl_tzone(const struct gpumon_nl_tzone *z);
json_object *gpumon_json_nl_rapl(const struct gpumon_nl_rapl *r);
json_object *gpumon_json_module_sources(const struct gpumon_nl_stats *st);

/**
 * gpumon_metrics_text() - the /metrics document (Prometheus text format
 * 0.0.4).  Takes @m->lock.
 * @out: a malloc'ed NUL-terminated text, free() it
 * @len: its length, bytes
 * Return: 0 or -ENOMEM.
 */
int gpumon_metrics_text(struct gpumon_model *m, char **out, size_t *len);

#endif
