// SPDX-License-Identifier: GPL-2.0-only
/*
 * nl-test - send one raw request to the gpumon generic netlink family
 * and print the kernel's answer, inside the test guests (static, no
 * libnl, so that malformed requests can be built on purpose).
 *
 *   nl-test [-u UID] [-d] [-n] CMD [ATTR...]
 *
 *   -u UID   drop to this user (and no capabilities) before sending
 *   -d       NLM_F_DUMP
 *   -n       print nested attributes as T={ T=value ...} (by default a
 *            nest prints as its size, "(N bytes)")
 *
 *   nl-test -P
 *
 *   -P       dump GPUMON_CMD_POWER_GET: one line per RAPL domain,
 *            "pkg=P domain=package|dram injected=0|1 esu=N energy_uj=N
 *            [min_mw=N avg_mw=N max_mw=N window_ns=N window_samples=N
 *            window_end_ns=N] peak_mw=N samples=N wraps=N" (the window
 *            fields only once a window has closed), then "error=0".
 *   CMD      command number (include/uapi/gpumon.h enum gpumon_cmd)
 *   ATTR     TYPE=u32:N | TYPE=u64:N | TYPE=str:TEXT (NUL-terminated) |
 *            TYPE=raw:TEXT (no NUL) | TYPE=flag
 *
 * Prints one line per reply message, "reply cmd=C" and its top-level
 * attributes as "T=value" (u32, u64, or a string), then the final
 * "error=0" or "error=-ERRNO msg='extack message' bad_attr=T" (T is the
 * type of the attribute the kernel pointed at) or "miss=T" (a missing
 * attribute).  Exits 0 when the kernel answered at all.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../include/uapi/gpumon.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static char buf[65536];
static int show_nests;

static int sock_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC), one = 1;

	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

static struct nlattr *put_attr(struct nlmsghdr *nlh, int type,
			       const void *data, int len)
{
	struct nlattr *a = (void *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static void start(struct nlmsghdr *nlh, int family, int cmd, int flags)
{
	struct genlmsghdr *g;

	memset(nlh, 0, 4096);
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = 1;
	g = NLMSG_DATA(nlh);
	g->cmd = cmd;
	g->version = 1;
}

static void print_attrs(struct nlattr *a, int len)
{
	char *p;
	int l;

	for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len))) {
		p = (char *)a + NLA_HDRLEN;
		l = a->nla_len - NLA_HDRLEN;
		printf(" %d=", a->nla_type & NLA_TYPE_MASK);
		if (show_nests && (a->nla_type & NLA_F_NESTED)) {
			printf("{");
			print_attrs((void *)p, l);
			printf("}");
		} else if (l == 4)
			printf("%u", *(uint32_t *)p);
		else if (l == 8)
			printf("%llu", (unsigned long long)*(uint64_t *)p);
		else if (l > 0 && p[l - 1] == '\0')
			printf("'%s'", p);
		else
			printf("(%d bytes)", l);
	}
}

/* Receive until the ACK; returns the error code. */
static int answer(int fd, struct nlmsghdr *req, int verbose)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	struct nlattr *a;
	int len, alen, off;

	for (;;) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0) {
			perror("recv");
			exit(1);
		}
		for (nlh = (void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_DONE) {
				if (verbose)
					printf("error=0\n");
				return 0;
			}
			if (nlh->nlmsg_type != NLMSG_ERROR) {
				if (verbose) {
					printf("reply cmd=%d",
					       ((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd);
					print_attrs((void *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN),
						    nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
					printf("\n");
				}
				continue;
			}
			e = NLMSG_DATA(nlh);
			if (!verbose)
				return e->error;
			printf("error=%d", e->error);
			if (e->error && strerror(-e->error))
				printf(" (%s)", strerror(-e->error));
			off = sizeof(*e);
			if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
				off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
			a = (void *)((char *)e + off);
			alen = (int)nlh->nlmsg_len - NLMSG_HDRLEN - off;
			for (; alen >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN;
			     alen -= NLA_ALIGN(a->nla_len),
			     a = (void *)((char *)a + NLA_ALIGN(a->nla_len))) {
				char *p = (char *)a + NLA_HDRLEN;

				switch (a->nla_type) {
				case NLMSGERR_ATTR_MSG:
					printf(" msg='%s'", p);
					break;
				case NLMSGERR_ATTR_OFFS: {
					uint32_t o = *(uint32_t *)p;
					struct nlattr *bad = (void *)((char *)req + o);

					if (o >= NLMSG_LENGTH(GENL_HDRLEN) &&
					    o < req->nlmsg_len)
						printf(" bad_attr=%d", bad->nla_type);
					break;
				}
				case 5: /* NLMSGERR_ATTR_MISS_TYPE, 6.1+ */
					printf(" miss=%u", *(uint32_t *)p);
					break;
				}
			}
			printf("\n");
			return e->error;
		}
	}
}

static int resolve(int fd)
{
	struct nlmsghdr *nlh = (void *)buf;
	struct nlattr *a;
	int len, alen;

	start(nlh, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	nlh->nlmsg_flags = NLM_F_REQUEST;
	put_attr(nlh, CTRL_ATTR_FAMILY_NAME, "gpumon", 7);
	if (send(fd, nlh, nlh->nlmsg_len, 0) < 0) {
		perror("send");
		exit(1);
	}
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < 0 || nlh->nlmsg_type == NLMSG_ERROR) {
		fprintf(stderr, "nl-test: family gpumon not found\n");
		exit(1);
	}
	a = (void *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	alen = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (; alen >= NLA_HDRLEN; alen -= NLA_ALIGN(a->nla_len),
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)((char *)a + NLA_HDRLEN);
	exit(1);
}

/* -P: GPUMON_CMD_POWER_GET, one key=value line per RAPL domain. */
static const struct {
	int type;
	const char *name;
} power_keys[] = {
	{ GPUMON_A_RAPL_PKG, "pkg" },
	{ GPUMON_A_RAPL_DOMAIN, "domain" },
	{ GPUMON_A_RAPL_INJECTED, "injected" },
	{ GPUMON_A_RAPL_ESU, "esu" },
	{ GPUMON_A_RAPL_ENERGY_UJ, "energy_uj" },
	{ GPUMON_A_RAPL_POWER_MIN_MW, "min_mw" },
	{ GPUMON_A_RAPL_POWER_AVG_MW, "avg_mw" },
	{ GPUMON_A_RAPL_POWER_MAX_MW, "max_mw" },
	{ GPUMON_A_RAPL_WINDOW_NS, "window_ns" },
	{ GPUMON_A_RAPL_WINDOW_SAMPLES, "window_samples" },
	{ GPUMON_A_RAPL_WINDOW_END_NS, "window_end_ns" },
	{ GPUMON_A_RAPL_PEAK_MW, "peak_mw" },
	{ GPUMON_A_RAPL_SAMPLES, "samples" },
	{ GPUMON_A_RAPL_WRAPS, "wraps" },
};

static void power_line(struct nlmsghdr *nlh)
{
	struct nlattr *tb[GPUMON_A_MAX + 1] = { 0 }, *a;
	int len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	unsigned int i;
	const char *sep = "";

	for (a = (void *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	     len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	     a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len),
	     a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) <= GPUMON_A_MAX)
			tb[a->nla_type & NLA_TYPE_MASK] = a;
	for (i = 0; i < sizeof(power_keys) / sizeof(power_keys[0]); i++) {
		int t = power_keys[i].type;
		char *p;
		int l;

		if (t == GPUMON_A_RAPL_INJECTED) {
			printf("%sinjected=%d", sep, !!tb[t]);
			sep = " ";
			continue;
		}
		if (!tb[t])
			continue;
		p = (char *)tb[t] + NLA_HDRLEN;
		l = tb[t]->nla_len - NLA_HDRLEN;
		printf("%s%s=", sep, power_keys[i].name);
		sep = " ";
		if (t == GPUMON_A_RAPL_DOMAIN && l == 4)
			printf("%s", *(uint32_t *)p == GPUMON_RAPL_PACKAGE ?
			       "package" : *(uint32_t *)p == GPUMON_RAPL_DRAM ?
			       "dram" : "unknown");
		else if (l == 4)
			printf("%u", *(uint32_t *)p);
		else if (l == 8)
			printf("%llu", (unsigned long long)*(uint64_t *)p);
		else
			printf("(%d bytes)", l);
	}
	printf("\n");
}

static int power_dump(int fd, int family)
{
	static char req[4096];	/* start() clears 4096 */
	struct nlmsghdr *nlh = (void *)req;
	int len;

	start(nlh, family, GPUMON_CMD_POWER_GET, NLM_F_DUMP);
	if (send(fd, nlh, nlh->nlmsg_len, 0) < 0) {
		perror("send");
		return 1;
	}
	for (;;) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0) {
			perror("recv");
			return 1;
		}
		for (nlh = (void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_DONE) {
				printf("error=0\n");
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				printf("error=%d\n",
				       ((struct nlmsgerr *)NLMSG_DATA(nlh))->error);
				return 1;
			}
			power_line(nlh);
		}
	}
}

int main(int argc, char **argv)
{
	static char req[4096];
	struct nlmsghdr *nlh = (void *)req;
	int fd, family, c, flags = 0, uid = -1;

	while ((c = getopt(argc, argv, "u:dnP")) != -1) {
		switch (c) {
		case 'P':
			fd = sock_open();
			return power_dump(fd, resolve(fd));
		case 'u':
			uid = atoi(optarg);
			break;
		case 'd':
			flags |= NLM_F_DUMP;
			break;
		case 'n':
			show_nests = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc)
		return 2;
	fd = sock_open();
	family = resolve(fd);
	if (uid >= 0 && (setgid(uid) || setuid(uid))) {
		perror("setuid");
		return 1;
	}
	start(nlh, family, atoi(argv[optind]), flags);
	for (c = optind + 1; c < argc; c++) {
		char *eq = strchr(argv[c], '='), *v;
		int type = atoi(argv[c]);

		if (!eq) {
			fprintf(stderr, "nl-test: bad attribute '%s'\n", argv[c]);
			return 2;
		}
		v = strchr(eq + 1, ':');
		if (!strcmp(eq + 1, "flag")) {
			put_attr(nlh, type, NULL, 0);
		} else if (v && !strncmp(eq + 1, "u32:", 4)) {
			uint32_t x = strtoul(v + 1, NULL, 0);

			put_attr(nlh, type, &x, 4);
		} else if (v && !strncmp(eq + 1, "u64:", 4)) {
			uint64_t x = strtoull(v + 1, NULL, 0);

			put_attr(nlh, type, &x, 8);
		} else if (v && !strncmp(eq + 1, "str:", 4)) {
			put_attr(nlh, type, v + 1, strlen(v + 1) + 1);
		} else if (v && !strncmp(eq + 1, "raw:", 4)) {
			put_attr(nlh, type, v + 1, strlen(v + 1));
		} else {
			fprintf(stderr, "nl-test: bad attribute '%s'\n", argv[c]);
			return 2;
		}
	}
	if (send(fd, nlh, nlh->nlmsg_len, 0) < 0) {
		perror("send");
		return 1;
	}
	answer(fd, nlh, 1);
	return 0;
}
