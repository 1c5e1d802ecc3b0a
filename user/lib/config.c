// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.c - gpumond's INI configuration (libinih).
 */
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

struct parse_state {
	struct gpumon_config *c;
	const char *path;
	FILE *file;
	FILE *err;
	int line;
	int bad;
};

void gpumon_config_defaults(struct gpumon_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket, sizeof(c->socket), "%s", GPUMON_DEFAULT_SOCKET);
	c->netlink = true;
	c->bpf = true;
	c->kmsg = true;
	c->cor_interval_s = 60;
}

/* inih reads line by line through this, so the line number is known. */
static char *read_line(char *buf, int size, void *stream)
{
	struct parse_state *st = stream;

	st->line++;
	return fgets(buf, size, st->file);
}

static void bad(struct parse_state *st, const char *fmt, const char *a,
		const char *b)
{
	fprintf(st->err, "%s:%d: ", st->path, st->line);
	fprintf(st->err, fmt, a, b);
	fputc('\n', st->err);
	st->bad++;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
	    !strcmp(v, "1") || !strcasecmp(v, "on"))
		*out = true;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
		 !strcmp(v, "0") || !strcasecmp(v, "off"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse_state *st = user;
	struct gpumon_config *c = st->c;
	unsigned long v;
	char *end;

	if (!name) /* a section header alone */
		return 1;
	if (!strcmp(section, "daemon") && !strcmp(name, "socket")) {
		if (*value != '/' || strlen(value) >= sizeof(c->socket))
			bad(st, "socket: '%s' is not an absolute path of at most 107 bytes%s",
			    value, "");
		else
			snprintf(c->socket, sizeof(c->socket), "%s", value);
	} else if (!strcmp(section, "sources") &&
		   (!strcmp(name, "netlink") || !strcmp(name, "bpf") ||
		    !strcmp(name, "kmsg"))) {
		bool *b = !strcmp(name, "netlink") ? &c->netlink :
			  !strcmp(name, "bpf") ? &c->bpf : &c->kmsg;

		if (parse_bool(value, b))
			bad(st, "%s: '%s' is not yes or no", name, value);
	} else if (!strcmp(section, "alerts") &&
		   !strcmp(name, "correctable_interval_s")) {
		errno = 0;
		v = strtoul(value, &end, 10);
		if (errno || end == value || *end || !v || v > 86400 ||
		    *value == '-')
			bad(st, "%s: '%s' is not a number of seconds from 1 to 86400",
			    name, value);
		else
			c->cor_interval_s = v;
	} else {
		bad(st, "unknown setting '%s' in section [%s]", name, section);
	}
	return 1;
}

int gpumon_config_load(struct gpumon_config *c, const char *path,
		       bool missing_ok, FILE *err)
{
	struct parse_state st = { .c = c, .path = path, .err = err };
	int ret;

	st.file = fopen(path, "re");
	if (!st.file)
		return missing_ok && errno == ENOENT ? 0 : -errno;
	ret = ini_parse_stream(read_line, &st, handler, &st);
	fclose(st.file);
	/*
	 * inih skips a line it cannot parse and returns the first such
	 * line's number (later ones are not known to us).
	 */
	if (ret > 0) {
		st.line = ret;
		bad(&st, "not 'name = value', '[section]' or a comment%s%s",
		    "", "");
	}
	return st.bad || ret ? -EINVAL : 0;
}
