// SPDX-License-Identifier: GPL-2.0-only
/*
 * decode.c - `gpumon decode [--json]`: decode kernel log text after the
 * fact (the log of a failed node): dmesg, dmesg -T/-H/--decode,
 * journalctl -k (with host names), syslog files or raw /dev/kmsg records
 * on stdin; every decoded event on stdout, one per line.
 *
 *   text:  LEVEL key=value ... msg="kernel text"
 *   --json: one JSON object per line (JSON Lines) with the same keys
 *
 * Exit status 0 when the input was read, 1 on a read error, 2 on usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "klog.h"
#include "model.h"

struct decode_ctx {
	bool json;
	char fields[2048];
	char clean[4 * GPUMON_KLOG_TEXT + 8];
};

/* key=value pairs (as gpumon_klog_fields() writes them) into @o */
static void fields_to_json(json_object *o, const char *s)
{
	char key[64], val[1024];

	while (*s) {
		size_t k = 0, v = 0;

		while (*s == ' ')
			s++;
		while (*s && *s != '=' && k < sizeof(key) - 1)
			key[k++] = *s++;
		key[k] = '\0';
		if (*s++ != '=')
			break;
		if (*s == '"') {
			s++;
			while (*s && *s != '"' && v < sizeof(val) - 1)
				val[v++] = *s++;
			if (*s == '"')
				s++;
		} else {
			while (*s && *s != ' ' && v < sizeof(val) - 1)
				val[v++] = *s++;
		}
		val[v] = '\0';
		/* counts, codes and indexes as numbers, the rest as strings */
		if (v && v < 19 && strspn(val, "0123456789") == v &&
		    (val[0] != '0' || v == 1))
			json_object_object_add(o, key, json_object_new_uint64(
					strtoull(val, NULL, 10)));
		else
			json_object_object_add(o, key,
					       json_object_new_string(val));
	}
}

/*
 * @s with every byte that is not part of a valid UTF-8 sequence written
 * as the text "\xNN", so that the JSON output is valid UTF-8.
 */
static const char *utf8_clean(const char *s, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p && n + 5 < size) {
		int len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 :
			  (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		int i;

		for (i = 1; i < len; i++)
			if ((p[i] & 0xc0) != 0x80)
				break;
		if (len && i == len && (len == 1 || *p >= 0xc2)) {
			memcpy(out + n, p, (size_t)len);
			n += (size_t)len;
			p += len;
		} else {
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", *p);
			p++;
		}
	}
	out[n] = '\0';
	return out;
}

static void on_event(void *ctx, const struct gpumon_klog_event *ev)
{
	struct decode_ctx *d = ctx;
	json_object *o;

	gpumon_klog_fields(ev, d->fields, sizeof(d->fields));
	if (!d->json) {
		printf("%-7s kind=%s bdf=%s%s%s msg=\"",
		       gpumon_level_name(ev->level),
		       gpumon_klog_kind_name(ev->kind),
		       ev->has_bdf ? ev->bdf : "unknown",
		       d->fields[0] ? " " : "", d->fields);
		for (const unsigned char *c = (const unsigned char *)ev->text;
		     *c; c++) {
			if (*c < 0x20 || *c >= 0x7f || *c == '"' || *c == '\\')
				printf("\\x%02x", *c);
			else
				putchar(*c);
		}
		printf("\"\n");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "event", json_object_new_uint64(ev->index));
	json_object_object_add(o, "level",
			       json_object_new_string(gpumon_level_name(ev->level)));
	json_object_object_add(o, "kind", json_object_new_string(
			gpumon_klog_kind_name(ev->kind)));
	json_object_object_add(o, "bdf", json_object_new_string(
			ev->has_bdf ? ev->bdf : "unknown"));
	fields_to_json(o, d->fields);
	json_object_object_add(o, "msg", json_object_new_string(
			utf8_clean(ev->text, d->clean, sizeof(d->clean))));
	printf("%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int gpumon_decode_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static struct decode_ctx d;
	static struct gpumon_klog k;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int c;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			d.json = true;
			break;
		case 'h':
			printf("usage: gpumon decode [--json] < kernel.log\n");
			return 0;
		default:
			fprintf(stderr, "usage: gpumon decode [--json] < kernel.log\n");
			return 2;
		}
	}
	gpumon_klog_init(&k, on_event, &d);
	while ((n = getline(&line, &cap, stdin)) > 0)
		gpumon_klog_feed_line(&k, line, (size_t)n);
	gpumon_klog_flush(&k);
	free(line);
	if (ferror(stdin)) {
		perror("gpumon decode: stdin");
		return 1;
	}
	return 0;
}
