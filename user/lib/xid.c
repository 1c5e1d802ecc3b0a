// SPDX-License-Identifier: GPL-2.0-only
/*
 * xid.c - decoding of NVIDIA driver (NVRM) Xid lines from the kernel log.
 *
 * The driver prints
 *
 *	NVRM: Xid (PCI:DDDD:BB:DD): <xid>, pid=<pid>, name=<name>, <message>
 *
 * with "PCI:DDDD:BB:DD GPU-I:NN" or "... GPU-I:NN GPU-CI:NN" inside the
 * parentheses for MIG instances, pid and name possibly '<unknown>' or
 * <unknown>, and some Xids (79) without pid and name at all. Older
 * drivers print the address without "PCI:". Whatever a log tool put
 * before "NVRM: Xid" (dmesg or journalctl stamps, host names, syslog
 * priority tags) is skipped. "()" without an address is accepted and
 * leaves the device unknown.
 *
 * Inside the message, by code: the NVLink5 tail of 144-150
 * ("UNIT Fatal XC0 i0 Link 08 (w w ...)", older "... XC 1 i 2 Link 01
 * [w]"; format in NVIDIA's Xid catalog, WORKFLOW_NVLINK5_ERR), the link
 * and seven register words of Xid 74 ("link N(w, ...)"), the containment
 * of 94/95 ("Contained: SM (0x1). RST: No, D-RST: No"), the cause an
 * Xid 45 names, and the new recovery action of Xid 154. These are filled
 * when present and never make a line invalid.
 *
 * The parser does not allocate and never reads past @len.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "xid.h"

static const char xid_token[] = "NVRM: Xid";

/* A cursor over [p, end). */
struct cur {
	const char *p;
	const char *end;
};

static bool cur_lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n))
		return false;
	c->p += n;
	return true;
}

static void cur_skip_blanks(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Read 1 to @maxdigits hex digits, value at most @max. False when there
 * are no digits, too many, or the value is too large.
 */
static bool cur_hex(struct cur *c, unsigned int maxdigits, unsigned long max,
		    unsigned int *out)
{
	unsigned long v = 0;
	unsigned int n = 0;
	int d;

	while (c->p < c->end && (d = hexval(*c->p)) >= 0) {
		if (++n > maxdigits)
			return false;
		v = v * 16 + (unsigned int)d;
		c->p++;
	}
	if (!n || v > max)
		return false;
	*out = (unsigned int)v;
	return true;
}

/* Read a decimal number of at most @max (no sign), checking overflow. */
static bool cur_dec(struct cur *c, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	unsigned int n = 0;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		unsigned int d = (unsigned int)(*c->p - '0');

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
		n++;
		c->p++;
	}
	if (!n)
		return false;
	*out = v;
	return true;
}

/*
 * Copy [s, s + n) into @dst of @size bytes, NUL-terminated. When it does
 * not fit, the cut is moved back so that no UTF-8 sequence is left
 * incomplete at the end (other bytes, valid UTF-8 or not, are copied as
 * they are; consumers escape them for their output).
 */
static void copy_field(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size) {
		n = size - 1;
		/* s[n] is the first byte left out: is it a continuation? */
		if (((unsigned char)s[n] & 0xc0) == 0x80) {
			size_t k = n;

			/* back to the lead byte of that sequence, if near */
			while (k > 0 && n - k < 3 &&
			       ((unsigned char)s[k] & 0xc0) == 0x80)
				k--;
			if (((unsigned char)s[k] & 0xc0) == 0xc0)
				n = k;
		}
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Find @s in [p, end); NULL when absent. */
static const char *find(const char *p, const char *end, const char *s)
{
	return memmem(p, (size_t)(end - p), s, strlen(s));
}

/* Read "0x"-prefixed or bare hex up to 8 digits. */
static bool cur_word(struct cur *c, uint32_t *out)
{
	unsigned int v;

	if ((size_t)(c->end - c->p) >= 2 && c->p[0] == '0' &&
	    (c->p[1] == 'x' || c->p[1] == 'X'))
		c->p += 2;
	if (!cur_hex(c, 8, 0xffffffffUL, &v))
		return false;
	*out = v;
	return true;
}

/*
 * Register words "(w, w, ...)" or "[w w ...]", separated by commas
 * and/or blanks, at most ARRAY_SIZE(x->words). Nothing is kept unless the
 * list closes: a cut line gives no words rather than some.
 */
static void parse_words(struct cur *c, struct gpumon_xid *x)
{
	char close;
	unsigned int n = 0;
	uint32_t w[8];

	if (c->p == c->end || (*c->p != '(' && *c->p != '['))
		return;
	close = *c->p == '(' ? ')' : ']';
	c->p++;
	for (;;) {
		while (c->p < c->end && (*c->p == ' ' || *c->p == ','))
			c->p++;
		if (c->p == c->end)
			return;
		if (*c->p == close)
			break;
		if (n == 8 || !cur_word(c, &w[n]))
			return;
		n++;
	}
	memcpy(x->words, w, n * sizeof(w[0]));
	x->nwords = n;
}

static bool is_unit_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '/';
}

/* "XC0", "XC 1", "i0", "i 2": @tag then optional blank then digits. */
static int tagged_num(struct cur *c, const char *tag)
{
	struct cur u = *c;
	unsigned long v;

	if (!cur_lit(&u, tag))
		return -1;
	cur_skip_blanks(&u);
	if (!cur_dec(&u, 255, &v))
		return -1;
	*c = u;
	cur_skip_blanks(c);
	return (int)v;
}

/*
 * NVLink5 tail: "UNIT Fatal|Nonfatal|Non-fatal XC<n> i<n> Link <n>
 * (words)" (also "[words]" from older drivers). Only what is there is
 * filled; the unit must be followed by the fatal word to count.
 */
static void parse_nvlink5(struct cur c, struct gpumon_xid *x)
{
	const char *u = c.p;
	unsigned long v;

	while (c.p < c.end && is_unit_char(*c.p))
		c.p++;
	if (c.p == u || c.p == c.end || *c.p != ' ')
		return;
	copy_field(x->unit, sizeof(x->unit), u, (size_t)(c.p - u));
	cur_skip_blanks(&c);
	if (cur_lit(&c, "Fatal"))
		x->fatal = 1;
	else if (cur_lit(&c, "Nonfatal") || cur_lit(&c, "Non-fatal") ||
		 cur_lit(&c, "NonFatal"))
		x->fatal = 0;
	else {
		x->unit[0] = '\0';
		return;
	}
	cur_skip_blanks(&c);
	x->xc = tagged_num(&c, "XC");
	x->injected = tagged_num(&c, "i");
	if (cur_lit(&c, "Link")) {
		cur_skip_blanks(&c);
		if (cur_dec(&c, 1023, &v))
			x->link = (int)v;
		cur_skip_blanks(&c);
		parse_words(&c, x);
	}
}

/* Xid 74: "... link N(w, w, ...)" or "... link N (w ...)". */
static void parse_link_words(struct cur c, struct gpumon_xid *x)
{
	const char *l = find(c.p, c.end, "link ");
	unsigned long v;

	if (!l)
		return;
	c.p = l + 5;
	if (!cur_dec(&c, 1023, &v))
		return;
	x->link = (int)v;
	cur_skip_blanks(&c);
	parse_words(&c, x);
}

/* "RST: Yes" / "RST: No" after @tag; -1 when absent. */
static int yes_no(struct cur c, const char *tag)
{
	const char *t = find(c.p, c.end, tag);

	if (!t)
		return -1;
	c.p = t + strlen(tag);
	cur_skip_blanks(&c);
	if (cur_lit(&c, "Yes"))
		return 1;
	if (cur_lit(&c, "No"))
		return 0;
	return -1;
}

/* Xid 94/95: "Contained: SM (0x1). RST: No, D-RST: No" */
static void parse_containment(struct cur c, struct gpumon_xid *x)
{
	const char *u;

	if (cur_lit(&c, "Contained:"))
		x->contained = 1;
	else if (cur_lit(&c, "Uncontained:"))
		x->contained = 0;
	else
		return;
	cur_skip_blanks(&c);
	u = c.p;
	while (c.p < c.end && is_unit_char(*c.p))
		c.p++;
	copy_field(x->contained_unit, sizeof(x->contained_unit), u,
		   (size_t)(c.p - u));
	/* "D-RST" first: "RST:" is inside it */
	x->drst = yes_no(c, "D-RST:");
	{
		const char *r = c.p;

		/* the first "RST:" not preceded by "D-" */
		while ((r = find(r, c.end, "RST:"))) {
			if (r - c.p < 2 || memcmp(r - 2, "D-", 2))
				break;
			r += 4;
		}
		if (r) {
			struct cur d = { r, c.end };

			x->rst = yes_no(d, "RST:");
		}
	}
}

/* "caused by previous Xid N", "due to Xid N", "previous Xid N" */
static void parse_cause(struct cur c, struct gpumon_xid *x)
{
	static const char *const pats[] = { "previous Xid ", "due to Xid ",
					    "caused by Xid " };
	unsigned long v;

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		const char *t = find(c.p, c.end, pats[i]);
		struct cur d;

		if (!t)
			continue;
		d.p = t + strlen(pats[i]);
		d.end = c.end;
		if (cur_dec(&d, UINT_MAX, &v) && v) {
			x->cause_xid = (unsigned int)v;
			return;
		}
	}
}

/* Xid 154: "GPU recovery action changed from 0x0 (None) to 0x2 (TEXT)" */
static void parse_recovery(struct cur c, struct gpumon_xid *x)
{
	const char *t = find(c.p, c.end, " to 0x");
	const char *open, *close;

	if (!t)
		return;
	open = memchr(t, '(', (size_t)(c.end - t));
	if (!open)
		return;
	close = memchr(open, ')', (size_t)(c.end - open));
	if (!close)
		return;
	copy_field(x->recovery, sizeof(x->recovery), open + 1,
		   (size_t)(close - open - 1));
}

/* Fields inside the message that depend on the code. */
static void decode_msg(struct cur c, struct gpumon_xid *x)
{
	if (x->xid >= 144 && x->xid <= 150)
		parse_nvlink5(c, x);
	else if (x->xid == 74)
		parse_link_words(c, x);
	else if (x->xid == 94 || x->xid == 95)
		parse_containment(c, x);
	else if (x->xid == 154)
		parse_recovery(c, x);
	if (x->xid == 45 || x->xid == 154)
		parse_cause(c, x);
}

/* "<unknown>" or "'<unknown>'" */
static bool cur_unknown(struct cur *c)
{
	return cur_lit(c, "'<unknown>'") || cur_lit(c, "<unknown>");
}

/* Address: [PCI:]DDDD:BB:DD[.F] then optional " GPU-I:N[ GPU-CI:N]". */
static int parse_addr(struct cur *c, struct gpumon_xid *x)
{
	unsigned long v;
	unsigned int fn;

	cur_lit(c, "PCI:");
	/* 8 digits: VMD domains (0x10000 and up) print with 5. */
	if (!cur_hex(c, 8, 0xffffffffUL, &x->domain) || !cur_lit(c, ":") ||
	    !cur_hex(c, 2, 0xff, &x->bus) || !cur_lit(c, ":") ||
	    !cur_hex(c, 2, 0x1f, &x->dev))
		return -EINVAL;
	/* The driver prints no function; tolerate one rather than lose it. */
	if (cur_lit(c, ".") && !cur_hex(c, 1, 7, &fn))
		return -EINVAL;
	x->has_bdf = true;

	cur_skip_blanks(c);
	if (cur_lit(c, "GPU-I:")) {
		if (!cur_dec(c, INT_MAX, &v))
			return -EINVAL;
		x->gi = (int)v;
		cur_skip_blanks(c);
		if (cur_lit(c, "GPU-CI:")) {
			if (!cur_dec(c, INT_MAX, &v))
				return -EINVAL;
			x->ci = (int)v;
			cur_skip_blanks(c);
		}
	}
	return cur_lit(c, ")") ? 0 : -EINVAL;
}

/* After "pid=": a number or '<unknown>', then ",". */
static int parse_pid(struct cur *c, struct gpumon_xid *x)
{
	unsigned long v;

	if (cur_unknown(c)) {
		x->pid = -1;
	} else {
		if (!cur_dec(c, INT_MAX, &v))
			return -EINVAL;
		x->pid = (int)v;
	}
	return cur_lit(c, ",") ? 0 : -EINVAL;
}

/*
 * After "name=": up to the next ",". A process name (comm) may itself
 * hold a comma; the driver gives no way to tell, so the first one ends it.
 */
static int parse_name(struct cur *c, struct gpumon_xid *x)
{
	const char *comma;
	struct cur u = *c;

	comma = memchr(c->p, ',', (size_t)(c->end - c->p));
	if (!comma)
		return -EINVAL;
	u.end = comma;
	if (cur_unknown(&u) && u.p == comma)
		x->name[0] = '\0';
	else
		copy_field(x->name, sizeof(x->name), c->p,
			   (size_t)(comma - c->p));
	c->p = comma + 1;
	return 0;
}

/**
 * gpumon_xid_parse() - decode an NVRM Xid line.
 * @line: one line of kernel log text, with or without whatever prefix a
 *	log tool put before it; need not be NUL-terminated
 * @len: length of @line in bytes
 * @x: filled on success; left in an unspecified state on error
 *
 * A trailing newline or carriage return is ignored. @x->name and
 * @x->msg are truncated to their size, never in the middle of a UTF-8
 * sequence.
 *
 * Return: 0 on success, -ENOENT when @line has no "NVRM: Xid" token,
 * -EINVAL when it has the token but a bad address, a missing,
 * non-numeric or overflowing code, pid or instance, or is truncated.
 */
int gpumon_xid_parse(const char *line, size_t len, struct gpumon_xid *x)
{
	struct cur c;
	unsigned long v;
	const char *tok;
	int err;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	tok = memmem(line, len, xid_token, sizeof(xid_token) - 1);
	if (!tok)
		return -ENOENT;

	memset(x, 0, sizeof(*x));
	x->gi = -1;
	x->ci = -1;
	x->pid = -1;
	x->link = -1;
	x->fatal = -1;
	x->xc = -1;
	x->injected = -1;
	x->contained = -1;
	x->rst = -1;
	x->drst = -1;

	c.p = tok + sizeof(xid_token) - 1;
	c.end = line + len;

	cur_skip_blanks(&c);
	if (!cur_lit(&c, "("))
		return -EINVAL;
	/* "()": the driver had no address to print; kept as unknown */
	if (!cur_lit(&c, ")")) {
		err = parse_addr(&c, x);
		if (err)
			return err;
	}
	if (!cur_lit(&c, ":"))
		return -EINVAL;
	cur_skip_blanks(&c);
	if (!cur_dec(&c, UINT_MAX, &v))
		return -EINVAL;
	x->xid = (unsigned int)v;
	/* The driver always prints "<xid>, ": without the comma it was cut. */
	if (!cur_lit(&c, ","))
		return -EINVAL;
	cur_skip_blanks(&c);

	if (cur_lit(&c, "pid=")) {
		err = parse_pid(&c, x);
		if (err)
			return err;
		cur_skip_blanks(&c);
		if (cur_lit(&c, "name=")) {
			err = parse_name(&c, x);
			if (err)
				return err;
			cur_skip_blanks(&c);
		}
	}

	copy_field(x->msg, sizeof(x->msg), c.p, (size_t)(c.end - c.p));
	decode_msg(c, x);
	return 0;
}
