// SPDX-License-Identifier: GPL-2.0-only
/*
 * client.c - HTTP over gpumond's Unix socket, and the console's view.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

struct body {
	char *buf;
	size_t len;
};

static size_t collect(char *p, size_t size, size_t n, void *user)
{
	struct body *b = user;
	char *nb = realloc(b->buf, b->len + size * n + 1);

	if (!nb)
		return 0;
	memcpy(nb + b->len, p, size * n);
	b->buf = nb;
	b->len += size * n;
	b->buf[b->len] = '\0';
	return size * n;
}

int gpumon_client_get(const char *sock, const char *path, json_object **out,
		      char *err, size_t errlen)
{
	struct body b = { 0 };
	char url[512];
	long status = 0;
	CURLcode rc;
	CURL *c;
	int ret = 0;

	c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "libcurl failed to start");
		return -ENOMEM;
	}
	snprintf(url, sizeof(url), "http://localhost%s", path);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "gpumond is not answering on %s: %s",
			 sock, curl_easy_strerror(rc));
		ret = rc == CURLE_COULDNT_CONNECT ? -ECONNREFUSED : -EIO;
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	*out = b.buf ? json_tokener_parse(b.buf) : NULL;
	if (status != 200) {
		json_object *e = NULL;

		if (*out)
			json_object_object_get_ex(*out, "error", &e);
		snprintf(err, errlen, "gpumond answered %ld for %s: %s",
			 status, path, e ? json_object_get_string(e) : "");
		json_object_put(*out);
		*out = NULL;
		ret = -EIO;
	} else if (!*out) {
		snprintf(err, errlen, "gpumond's answer to %s is not JSON",
			 path);
		ret = -EPROTO;
	}
out:
	free(b.buf);
	curl_easy_cleanup(c);
	return ret;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static uint64_t get_u64(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_get_uint64(v);
}

static void copy(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s);
}

/* Present and not null. */
static bool has(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && v;
}

/* CPU power and thermal summary; absent in an older gpumond's snapshot. */
static void decode_node(struct gpumon_view *v, json_object *snap)
{
	json_object *o;

	if (json_object_object_get_ex(snap, "cpu_power", &o) && o &&
	    has(o, "avg_mw")) {
		v->cpu_power_valid = true;
		v->cpu_avg_mw = get_u64(o, "avg_mw");
		v->cpu_max_mw = get_u64(o, "max_mw");
	}
	if (!json_object_object_get_ex(snap, "thermal", &o) || !o)
		return;
	v->trips_asserted = get_u64(o, "trips_asserted");
	if (has(o, "hottest_temp_mc")) {
		json_object *t;

		v->hottest_valid = true;
		v->hottest_zone_id = (int)get_u64(o, "hottest_zone_id");
		copy(v->hottest_type, sizeof(v->hottest_type),
		     get_str(o, "hottest_type"));
		json_object_object_get_ex(o, "hottest_temp_mc", &t);
		v->hottest_temp_mc = json_object_get_int(t);
	}
}

static int decode_devs(struct gpumon_view *v, json_object *arr)
{
	size_t n = json_object_array_length(arr);

	v->devs = calloc(n ? n : 1, sizeof(*v->devs));
	if (!v->devs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i), *aer, *x;
		struct gpumon_view_dev *d = &v->devs[v->ndevs++];

		copy(d->bdf, sizeof(d->bdf), get_str(o, "bdf"));
		copy(d->role, sizeof(d->role), get_str(o, "role"));
		copy(d->parent, sizeof(d->parent), get_str(o, "parent"));
		if (json_object_object_get_ex(o, "aer", &aer)) {
			d->aer[0] = get_u64(aer, "correctable");
			d->aer[1] = get_u64(aer, "nonfatal");
			d->aer[2] = get_u64(aer, "fatal");
		}
		d->xid_count = get_u64(o, "xid_count");
		d->last_xid = -1;
		if (json_object_object_get_ex(o, "last_xid", &x) &&
		    json_object_is_type(x, json_type_object)) {
			d->last_xid = (int)get_u64(x, "xid");
			copy(d->last_xid_msg, sizeof(d->last_xid_msg),
			     get_str(x, "msg"));
		}
	}
	return 0;
}

static int decode_events(struct gpumon_view *v, json_object *doc)
{
	json_object *arr;
	size_t n;

	if (!json_object_object_get_ex(doc, "events", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return -EPROTO;
	n = json_object_array_length(arr);
	v->events = calloc(n ? n : 1, sizeof(*v->events));
	if (!v->events)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		struct gpumon_view_event *e = &v->events[v->nevents++];

		e->seq = get_u64(o, "seq");
		e->time_real_ns = get_u64(o, "time_real_ns");
		copy(e->source, sizeof(e->source), get_str(o, "source"));
		copy(e->kind, sizeof(e->kind), get_str(o, "kind"));
		copy(e->level, sizeof(e->level), get_str(o, "level"));
		copy(e->severity, sizeof(e->severity), get_str(o, "severity"));
		copy(e->entity, sizeof(e->entity), get_str(o, "entity"));
		copy(e->message, sizeof(e->message), get_str(o, "message"));
	}
	v->events_lost = get_u64(doc, "lost");
	return 0;
}

int gpumon_view_from_json(struct gpumon_view *v, json_object *snap,
			  json_object *events)
{
	json_object *srcs, *devs, *ev;
	int ret;

	memset(v, 0, sizeof(*v));
	if (!json_object_object_get_ex(snap, "sources", &srcs) ||
	    !json_object_is_type(srcs, json_type_array) ||
	    !json_object_object_get_ex(snap, "devices", &devs) ||
	    !json_object_is_type(devs, json_type_array))
		return -EPROTO;
	copy(v->host, sizeof(v->host), get_str(snap, "host"));
	v->time_real_ns = get_u64(snap, "time_real_ns");
	for (size_t i = 0; i < json_object_array_length(srcs) &&
	     v->nsrc < GPUMON_VIEW_SOURCES; i++) {
		json_object *o = json_object_array_get_idx(srcs, i), *on;
		struct gpumon_view_source *s = &v->src[v->nsrc++];

		copy(s->name, sizeof(s->name), get_str(o, "name"));
		copy(s->why, sizeof(s->why), get_str(o, "why"));
		s->on = json_object_object_get_ex(o, "on", &on) &&
			json_object_get_boolean(on);
		s->events = get_u64(o, "events");
		s->lost = get_u64(o, "lost");
		s->malformed = get_u64(o, "malformed");
	}
	if (json_object_object_get_ex(snap, "events", &ev))
		v->next_seq = get_u64(ev, "next_seq");
	decode_node(v, snap);
	ret = decode_devs(v, devs);
	if (!ret && events)
		ret = decode_events(v, events);
	if (ret)
		gpumon_view_free(v);
	return ret;
}

int gpumon_view_events_from_json(struct gpumon_view *v, json_object *events)
{
	int ret;

	memset(v, 0, sizeof(*v));
	ret = decode_events(v, events);
	if (ret)
		gpumon_view_free(v);
	return ret;
}

void gpumon_view_free(struct gpumon_view *v)
{
	free(v->devs);
	free(v->events);
	v->devs = NULL;
	v->events = NULL;
	v->ndevs = 0;
	v->nevents = 0;
}
