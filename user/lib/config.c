// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.c - gpumond's INI configuration (libinih).
 */
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config.h"

/* Settings, to catch one given twice. */
enum { SET_SOCKET, SET_NETLINK, SET_BPF, SET_KMSG, SET_COR_INTERVAL, SET_MAX };

struct parse_state {
	struct gpumon_config *c;
	const char *path;
	FILE *file;
	FILE *err;
	char *buf;		/* the physical line, getline() */
	size_t cap;
	int line;
	int bad;
	int set_on[SET_MAX];	/* line a setting was given on, 0: not yet */
};

static const char *const sections[] = { "daemon", "sources", "alerts" };

void gpumon_config_defaults(struct gpumon_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->socket, sizeof(c->socket), "%s", GPUMON_DEFAULT_SOCKET);
	c->netlink = true;
	c->bpf = true;
	c->kmsg = true;
	c->cor_interval_s = 60;
}

static void bad(struct parse_state *st, const char *fmt, const char *a,
		const char *b);

/*
 * A line's shape, checked here because inih skips a line it cannot
 * parse without calling the handler, and only returns the first one.
 */
static void check_shape(struct parse_state *st, char *l)
{
	char *end;
	size_t i;

	while (*l == ' ' || *l == '\t')
		l++;
	end = l + strlen(l);
	while (end > l && (end[-1] == '\n' || end[-1] == '\r' ||
			   end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!*l || *l == ';' || *l == '#')
		return;
	if (*l == '[') {
		if (end[-1] != ']') {
			bad(st, "section header '%s' has no closing ']'%s", l, "");
			return;
		}
		for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
			if (strlen(sections[i]) == (size_t)(end - l - 2) &&
			    !strncmp(l + 1, sections[i], end - l - 2))
				return;
		bad(st, "unknown section %s (known: [daemon], [sources], [alerts])%s",
		    l, "");
		return;
	}
	if (!strchr(l, '='))
		bad(st, "'%s' is not 'name = value', '[section]' or a comment%s",
		    l, "");
}

/*
 * inih's reader: one physical line a call, so st->line is the line the
 * handler is called for.  A line longer than inih's buffer is an error
 * of its own rather than being split into several.
 */
static char *read_line(char *buf, int size, void *stream)
{
	struct parse_state *st = stream;
	ssize_t n;

	n = getline(&st->buf, &st->cap, st->file);
	if (n < 0) {
		if (ferror(st->file))
			bad(st, "cannot read: %s%s", strerror(errno), "");
		return NULL;
	}
	st->line++;
	if (n >= size - 1) {
		char max[16];

		snprintf(max, sizeof(max), "%d", size - 2);
		bad(st, "line longer than %s bytes%s", max, "");
		buf[0] = '\0';
		return buf;
	}
	memcpy(buf, st->buf, n + 1);
	check_shape(st, st->buf);
	return buf;
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

	int which = -1;

	if (!name) /* a section header alone */
		return 1;
	if (!strcmp(section, "daemon") && !strcmp(name, "socket"))
		which = SET_SOCKET;
	else if (!strcmp(section, "sources") && !strcmp(name, "netlink"))
		which = SET_NETLINK;
	else if (!strcmp(section, "sources") && !strcmp(name, "bpf"))
		which = SET_BPF;
	else if (!strcmp(section, "sources") && !strcmp(name, "kmsg"))
		which = SET_KMSG;
	else if (!strcmp(section, "alerts") &&
		 !strcmp(name, "correctable_interval_s"))
		which = SET_COR_INTERVAL;
	if (which >= 0 && st->set_on[which]) {
		char first[16];

		snprintf(first, sizeof(first), "%d", st->set_on[which]);
		bad(st, "'%s' given again (first on line %s)", name, first);
		return 1;
	}
	if (which >= 0)
		st->set_on[which] = st->line;
	if (which == SET_SOCKET) {
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
	struct stat sb;
	int ret;

	st.file = fopen(path, "re");
	if (!st.file)
		return missing_ok && errno == ENOENT ? 0 : -errno;
	if (fstat(fileno(st.file), &sb) || !S_ISREG(sb.st_mode)) {
		fprintf(err, "%s: not a regular file\n", path);
		fclose(st.file);
		return -EINVAL;
	}
	ret = ini_parse_stream(read_line, &st, handler, &st);
	free(st.buf);
	fclose(st.file);
	/*
	 * Every line inih could not parse was reported by check_shape();
	 * a non-zero return with nothing reported would be a shape it
	 * rejects that check_shape() accepts: report that line too.
	 */
	if (ret > 0 && !st.bad) {
		st.line = ret;
		bad(&st, "not 'name = value', '[section]' or a comment%s%s",
		    "", "");
	}
	return st.bad || ret ? -EINVAL : 0;
}
