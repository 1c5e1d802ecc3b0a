// SPDX-License-Identifier: GPL-2.0-only
/*
 * nl_src.c - the gpumon.ko generic netlink family from user space:
 * "events" group notifications and the device dump (libnl-genl-3).
 *
 * Two sockets.  The event socket joins the family's "events" group and
 * nlctrl's "notify" group (to see the family unregister); it is
 * non-blocking and read with recvmsg() directly, so that ENOBUFS (the
 * socket overran and the kernel dropped notifications) is seen as such
 * rather than folded into another libnl error.  The sync socket, made
 * on the first dump and kept, carries GPUMON_CMD_DEV_GET requests, so
 * dump replies never mix with notifications.
 *
 * Loss: every notification carries GPUMON_A_SEQ, which the module
 * advances for every event, delivered or not.  A jump from the last
 * sequence number seen to a later one reports the exact number missed
 * through ops->lost(n).  An overrun (ENOBUFS) is reported at once as
 * ops->lost(0), "some events were lost, how many is not known yet": the
 * count itself arrives with the next notification's sequence gap, so
 * nothing is counted twice.  Sequence numbers that go backwards (the
 * module was reloaded) restart the tracking without a report.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl_src.h"

/* Receive buffer of the event socket; the rmem of the socket is larger. */
#define NL_RX_SOCKBUF	(4 << 20)
#define NL_MSGBUF	(64 << 10)
/* Datagrams read per gpumon_nl_process() call, so a storm cannot starve
 * the caller's other sources; the descriptor stays readable.
 */
#define NL_BATCH	1024
/* The sync socket gives up on a silent kernel after this long. */
#define NL_DUMP_TIMEOUT_S	5

struct gpumon_nl {
	struct nl_sock *ev;
	struct nl_sock *sync;
	struct gpumon_nl_ops ops;
	void *ctx;
	int family;
	bool gone;
	uint64_t last_seq;	/* 0 until the first notification */
	uint64_t overruns;
	uint64_t skipped;
	char buf[NL_MSGBUF];
};

static const struct nla_policy gpumon_policy[GPUMON_A_MAX + 1] = {
	[GPUMON_A_BDF]		= { .type = NLA_STRING, .maxlen = GPUMON_BDF_LEN },
	[GPUMON_A_VENDOR]	= { .type = NLA_U16 },
	[GPUMON_A_DEVICE]	= { .type = NLA_U16 },
	[GPUMON_A_CLASS]	= { .type = NLA_U32 },
	[GPUMON_A_ROLE]		= { .type = NLA_U32 },
	[GPUMON_A_PARENT_BDF]	= { .type = NLA_STRING, .maxlen = GPUMON_BDF_LEN },
	[GPUMON_A_AER_COR]	= { .type = NLA_U64 },
	[GPUMON_A_AER_NONFATAL]	= { .type = NLA_U64 },
	[GPUMON_A_AER_FATAL]	= { .type = NLA_U64 },
	[GPUMON_A_SEQ]		= { .type = NLA_U64 },
	[GPUMON_A_TIME_MONO]	= { .type = NLA_U64 },
	[GPUMON_A_TIME_REAL]	= { .type = NLA_U64 },
	[GPUMON_A_EVENT_KIND]	= { .type = NLA_U32 },
	[GPUMON_A_AER_SEVERITY]	= { .type = NLA_U32 },
	[GPUMON_A_AER_STATUS]	= { .type = NLA_U32 },
	[GPUMON_A_AER_TLP]	= { .type = NLA_UNSPEC, .minlen = 16,
				    .maxlen = 16 },
	[GPUMON_A_EVENTS_LOST]	= { .type = NLA_U64 },
	[GPUMON_A_SEVERITY]	= { .type = NLA_U32 },
	[GPUMON_A_STATE]	= { .type = NLA_U32 },
	[GPUMON_A_PEER_BDF]	= { .type = NLA_STRING, .maxlen = GPUMON_BDF_LEN },
	[GPUMON_A_BELOW_BDF]	= { .type = NLA_STRING, .maxlen = GPUMON_BDF_LEN },
	[GPUMON_A_AER_COR_BIT]	= { .type = NLA_NESTED },
	[GPUMON_A_AER_UNCOR_BIT] = { .type = NLA_NESTED },
	[GPUMON_A_AER_FIRST_NS]	= { .type = NLA_U64 },
	[GPUMON_A_AER_LAST_NS]	= { .type = NLA_U64 },
	[GPUMON_A_LINK]		= { .type = NLA_NESTED },
	[GPUMON_A_THERMAL_ZONE]	= { .type = NLA_STRING },
	[GPUMON_A_THERMAL_TEMP]	= { .type = NLA_U32 },
	[GPUMON_A_THERMAL_TRIP]	= { .type = NLA_U32 },
};

static const struct nla_policy link_policy[GPUMON_A_LINK_MAX + 1] = {
	[GPUMON_A_LINK_CUR_SPEED]	= { .type = NLA_U32 },
	[GPUMON_A_LINK_CUR_WIDTH]	= { .type = NLA_U32 },
	[GPUMON_A_LINK_MAX_SPEED]	= { .type = NLA_U32 },
	[GPUMON_A_LINK_MAX_WIDTH]	= { .type = NLA_U32 },
	[GPUMON_A_LINK_DLL_ACTIVE]	= { .type = NLA_U32 },
	[GPUMON_A_LINK_DOWNTRAINED]	= { .type = NLA_U64 },
	[GPUMON_A_LINK_DOWN]		= { .type = NLA_U64 },
	[GPUMON_A_LINK_NOT_RESPONDING]	= { .type = NLA_U64 },
	[GPUMON_A_LINK_FLAPS]		= { .type = NLA_U64 },
	[GPUMON_A_LINK_SUPPRESSED]	= { .type = NLA_U64 },
};

static const struct nla_policy bit_policy[GPUMON_A_BIT_MAX + 1] = {
	[GPUMON_A_BIT_NUM]	= { .type = NLA_U32 },
	[GPUMON_A_BIT_COUNT]	= { .type = NLA_U64 },
};

static const struct nla_policy ctrl_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID]	= { .type = NLA_U16 },
	[CTRL_ATTR_FAMILY_NAME]	= { .type = NLA_STRING,
				    .maxlen = GENL_NAMSIZ },
};

/* libnl's -NLE_* codes back to -errno. */
static int nlerr(int err)
{
	switch (err < 0 ? -err : err) {
	case NLE_SUCCESS:
		return 0;
	case NLE_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
	case NLE_MISSING_ATTR:
	case NLE_NOATTR:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
	case NLE_MSG_TRUNC:
	case NLE_ATTRSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
	case NLE_MSGTYPE_NOSUPPORT:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_PERM:
		return -EPERM;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_DUMP_INTR:
		return -EAGAIN;
	case NLE_SEQ_MISMATCH:
	case NLE_MSG_OVERFLOW:
	case NLE_MSG_TOOSHORT:
	case NLE_PARSE_ERR:
		return -EBADMSG;
	default:
		return -EIO;
	}
}

static void copy_str(char *dst, size_t size, const struct nlattr *a)
{
	size_t n = 0;

	if (a) {
		n = strnlen(nla_data(a), nla_len(a));
		if (n >= size)
			n = size - 1;
		memcpy(dst, nla_data(a), n);
	}
	dst[n] = '\0';
}

static uint64_t get_u64(const struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static void parse_link(const struct nlattr *a, struct gpumon_nl_link *l)
{
	struct nlattr *tb[GPUMON_A_LINK_MAX + 1];

	memset(l, 0, sizeof(*l));
	l->dll_active = -1;
	if (!a || nla_parse_nested(tb, GPUMON_A_LINK_MAX, (struct nlattr *)a,
				   link_policy) < 0)
		return;
	l->valid = tb[GPUMON_A_LINK_CUR_SPEED] && tb[GPUMON_A_LINK_MAX_SPEED];
	l->cur_speed = get_u32(tb[GPUMON_A_LINK_CUR_SPEED]);
	l->cur_width = get_u32(tb[GPUMON_A_LINK_CUR_WIDTH]);
	l->max_speed = get_u32(tb[GPUMON_A_LINK_MAX_SPEED]);
	l->max_width = get_u32(tb[GPUMON_A_LINK_MAX_WIDTH]);
	if (tb[GPUMON_A_LINK_DLL_ACTIVE])
		l->dll_active = !!nla_get_u32(tb[GPUMON_A_LINK_DLL_ACTIVE]);
	l->downtrained = get_u64(tb[GPUMON_A_LINK_DOWNTRAINED]);
	l->down = get_u64(tb[GPUMON_A_LINK_DOWN]);
	l->not_responding = get_u64(tb[GPUMON_A_LINK_NOT_RESPONDING]);
	l->flaps = get_u64(tb[GPUMON_A_LINK_FLAPS]);
	l->suppressed = get_u64(tb[GPUMON_A_LINK_SUPPRESSED]);
}

/* One AER_*_BIT nest into counts[32]. */
static void parse_bit(const struct nlattr *a, uint64_t *counts)
{
	struct nlattr *tb[GPUMON_A_BIT_MAX + 1];
	uint32_t bit;

	if (nla_parse_nested(tb, GPUMON_A_BIT_MAX, (struct nlattr *)a,
			     bit_policy) < 0 ||
	    !tb[GPUMON_A_BIT_NUM] || !tb[GPUMON_A_BIT_COUNT])
		return;
	bit = nla_get_u32(tb[GPUMON_A_BIT_NUM]);
	if (bit < 32)
		counts[bit] = nla_get_u64(tb[GPUMON_A_BIT_COUNT]);
}

/* Any notification, for ops->event. */
static void parse_event(const struct nlattr *const *tb,
			struct gpumon_nl_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->seq = get_u64(tb[GPUMON_A_SEQ]);
	ev->time_mono_ns = get_u64(tb[GPUMON_A_TIME_MONO]);
	ev->time_real_ns = get_u64(tb[GPUMON_A_TIME_REAL]);
	ev->kind = get_u32(tb[GPUMON_A_EVENT_KIND]);
	ev->severity = get_u32(tb[GPUMON_A_SEVERITY]);
	ev->role = get_u32(tb[GPUMON_A_ROLE]);
	copy_str(ev->bdf, sizeof(ev->bdf), tb[GPUMON_A_BDF]);
	copy_str(ev->peer, sizeof(ev->peer), tb[GPUMON_A_PEER_BDF]);
	parse_link(tb[GPUMON_A_LINK], &ev->link);
	copy_str(ev->zone, sizeof(ev->zone), tb[GPUMON_A_THERMAL_ZONE]);
	ev->temp_mc = (int32_t)get_u32(tb[GPUMON_A_THERMAL_TEMP]);
	ev->trip = get_u32(tb[GPUMON_A_THERMAL_TRIP]);
}

static void track_seq(struct gpumon_nl *nl, uint64_t seq)
{
	if (nl->last_seq && seq > nl->last_seq + 1 && nl->ops.lost)
		nl->ops.lost(nl->ctx, seq - nl->last_seq - 1);
	nl->last_seq = seq;
}

static void handle_event(struct gpumon_nl *nl, struct nlmsghdr *nlh)
{
	struct nlattr *tb[GPUMON_A_MAX + 1];
	struct gpumon_aer_rec rec;
	struct gpumon_nl_event ev;
	uint32_t sev;

	if (genlmsg_parse(nlh, 0, tb, GPUMON_A_MAX, gpumon_policy) < 0 ||
	    !tb[GPUMON_A_SEQ]) {
		nl->skipped++;
		return;
	}
	track_seq(nl, nla_get_u64(tb[GPUMON_A_SEQ]));

	if (!tb[GPUMON_A_EVENT_KIND] ||
	    nla_get_u32(tb[GPUMON_A_EVENT_KIND]) != GPUMON_EVENT_AER) {
		if (nl->ops.event && tb[GPUMON_A_EVENT_KIND]) {
			parse_event((const struct nlattr *const *)tb, &ev);
			nl->ops.event(nl->ctx, &ev);
			return;
		}
		/* A kind this build does not know: counted, not lost. */
		nl->skipped++;
		return;
	}
	if (!tb[GPUMON_A_BDF] || !tb[GPUMON_A_AER_SEVERITY] ||
	    !tb[GPUMON_A_AER_STATUS]) {
		nl->skipped++;
		return;
	}
	sev = nla_get_u32(tb[GPUMON_A_AER_SEVERITY]);
	if (sev > GPUMON_AER_SEV_MAX) {
		nl->skipped++;
		return;
	}

	memset(&rec, 0, sizeof(rec));
	copy_str(rec.bdf, sizeof(rec.bdf), tb[GPUMON_A_BDF]);
	rec.status = nla_get_u32(tb[GPUMON_A_AER_STATUS]);
	rec.severity = sev;
	if (tb[GPUMON_A_AER_TLP]) {
		rec.tlp_valid = true;
		memcpy(rec.tlp, nla_data(tb[GPUMON_A_AER_TLP]),
		       sizeof(rec.tlp));
	}
	rec.seq = nla_get_u64(tb[GPUMON_A_SEQ]);
	rec.time_mono_ns = get_u64(tb[GPUMON_A_TIME_MONO]);
	rec.time_real_ns = get_u64(tb[GPUMON_A_TIME_REAL]);
	if (nl->ops.aer)
		nl->ops.aer(nl->ctx, &rec);
	if (nl->ops.event) {
		parse_event((const struct nlattr *const *)tb, &ev);
		ev.aer = rec;
		nl->ops.event(nl->ctx, &ev);
	}
}

/* nlctrl "notify": notice our family being unregistered. */
static void handle_ctrl(struct gpumon_nl *nl, struct nlmsghdr *nlh)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct genlmsghdr *gh;

	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, ctrl_policy) < 0)
		return;
	gh = genlmsg_hdr(nlh);
	if (gh->cmd != CTRL_CMD_DELFAMILY || !tb[CTRL_ATTR_FAMILY_ID])
		return;
	if (tb[CTRL_ATTR_FAMILY_NAME] &&
	    strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]),
		   GPUMON_GENL_NAME) != 0)
		return;
	if (nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == nl->family)
		nl->gone = true;
}

static void handle_msg(struct gpumon_nl *nl, struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		handle_ctrl(nl, nlh);
		return;
	}
	if (nlh->nlmsg_type != nl->family)
		return;
	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_hdr(nlh)->cmd != GPUMON_CMD_EVENT) {
		nl->skipped++;
		return;
	}
	handle_event(nl, nlh);
}

static void overrun(struct gpumon_nl *nl)
{
	nl->overruns++;
	if (nl->ops.lost)
		nl->ops.lost(nl->ctx, 0);
}

static void set_rcvbuf(struct gpumon_nl *nl)
{
	int fd = nl_socket_get_fd(nl->ev);
	int size = NL_RX_SOCKBUF;

	/* Past net.core.rmem_max when privileged; else up to it. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		nl_socket_set_buffer_size(nl->ev, size, 0);
}

/**
 * gpumon_nl_open() - resolve the family, join its "events" group.
 * @out: the new handle, on success
 * @ops: notification callbacks, copied
 * @ctx: passed to the callbacks
 *
 * Return: 0; -ENOENT when the family is not registered (module not
 * loaded); other -errno.
 */
int gpumon_nl_open(struct gpumon_nl **out, const struct gpumon_nl_ops *ops,
		   void *ctx)
{
	struct gpumon_nl *nl;
	int err, grp, ctrl_grp;

	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	if (ops)
		nl->ops = *ops;
	nl->ctx = ctx;

	nl->ev = nl_socket_alloc();
	if (!nl->ev) {
		err = -ENOMEM;
		goto err_free;
	}
	err = genl_connect(nl->ev);
	if (err < 0)
		goto err_nlerr;

	nl->family = genl_ctrl_resolve(nl->ev, GPUMON_GENL_NAME);
	if (nl->family < 0) {
		err = nl->family;
		goto err_nlerr;
	}
	grp = genl_ctrl_resolve_grp(nl->ev, GPUMON_GENL_NAME,
				    GPUMON_MCGRP_EVENTS);
	if (grp < 0) {
		err = grp;
		goto err_nlerr;
	}

	nl_socket_disable_seq_check(nl->ev);
	err = nl_socket_add_membership(nl->ev, grp);
	if (err < 0)
		goto err_nlerr;
	/* Optional: without it a vanished family shows only on a dump. */
	ctrl_grp = genl_ctrl_resolve_grp(nl->ev, "nlctrl", "notify");
	if (ctrl_grp >= 0)
		nl_socket_add_membership(nl->ev, ctrl_grp);

	set_rcvbuf(nl);
	err = nl_socket_set_nonblocking(nl->ev);
	if (err < 0)
		goto err_nlerr;

	*out = nl;
	return 0;

err_nlerr:
	err = nlerr(err);
	nl_socket_free(nl->ev);
err_free:
	free(nl);
	return err;
}

/**
 * gpumon_nl_fd() - the event socket's descriptor, to poll for POLLIN.
 * @nl: handle from gpumon_nl_open()
 *
 * Return: a descriptor owned by @nl.
 */
int gpumon_nl_fd(struct gpumon_nl *nl)
{
	return nl_socket_get_fd(nl->ev);
}

/**
 * gpumon_nl_process() - receive pending notifications without blocking.
 * @nl: handle from gpumon_nl_open()
 *
 * Calls ops->aer for every AER notification and ops->lost for every
 * sequence gap or overrun (see the top of this file).  Reads at most
 * NL_BATCH datagrams; the descriptor stays readable if more are queued.
 *
 * Return: 0, or -errno (-ENOENT once the family is gone).
 */
int gpumon_nl_process(struct gpumon_nl *nl)
{
	int fd = nl_socket_get_fd(nl->ev);
	struct nlmsghdr *nlh;
	struct sockaddr_nl sa;
	struct iovec iov;
	struct msghdr mh;
	ssize_t len;
	int i, rem;

	for (i = 0; i < NL_BATCH && !nl->gone; i++) {
		iov.iov_base = nl->buf;
		iov.iov_len = sizeof(nl->buf);
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &sa;
		mh.msg_namelen = sizeof(sa);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;

		len = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == ENOBUFS) {
				overrun(nl);
				continue;
			}
			return -errno;
		}
		if (len == 0)
			return 0;
		if (mh.msg_flags & MSG_TRUNC) {
			/* Cannot happen with NL_MSGBUF; treat as a loss. */
			overrun(nl);
			continue;
		}
		if (sa.nl_pid != 0)
			continue;	/* not from the kernel */

		nlh = (struct nlmsghdr *)nl->buf;
		for (rem = (int)len; nlmsg_ok(nlh, rem);
		     nlh = nlmsg_next(nlh, &rem))
			handle_msg(nl, nlh);
	}
	return nl->gone ? -ENOENT : 0;
}

struct dump_state {
	struct gpumon_nl *nl;
	int (*cb)(void *ctx, const struct gpumon_nl_dev *dev);
	void *ctx;
	bool stopped;
	bool done;
};

/* The attributes added with topology and link health. */
static void dev_extra(struct nlmsghdr *nlh, struct nlattr **tb,
		      struct gpumon_nl_dev *dev)
{
	struct nlattr *a;
	int rem;

	dev->state = get_u32(tb[GPUMON_A_STATE]);
	copy_str(dev->peer, sizeof(dev->peer), tb[GPUMON_A_PEER_BDF]);
	dev->aer_first_ns = get_u64(tb[GPUMON_A_AER_FIRST_NS]);
	dev->aer_last_ns = get_u64(tb[GPUMON_A_AER_LAST_NS]);
	if (tb[GPUMON_A_AER_TLP]) {
		dev->tlp_valid = true;
		memcpy(dev->tlp, nla_data(tb[GPUMON_A_AER_TLP]),
		       sizeof(dev->tlp));
	}
	parse_link(tb[GPUMON_A_LINK], &dev->link);
	/* Multi attributes: walk the whole message. */
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		switch (nla_type(a)) {
		case GPUMON_A_BELOW_BDF:
			if (dev->nbelow < GPUMON_NL_MAX_BELOW)
				copy_str(dev->below[dev->nbelow++],
					 GPUMON_BDF_LEN, a);
			break;
		case GPUMON_A_AER_COR_BIT:
			parse_bit(a, dev->aer_cor_bit);
			break;
		case GPUMON_A_AER_UNCOR_BIT:
			parse_bit(a, dev->aer_uncor_bit);
			break;
		}
	}
}

static int dump_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[GPUMON_A_MAX + 1];
	struct dump_state *st = arg;
	struct gpumon_nl_dev dev;

	/* Once the caller said stop, read the rest of the dump unseen. */
	if (st->stopped || nlh->nlmsg_type != st->nl->family)
		return NL_OK;
	if (genlmsg_parse(nlh, 0, tb, GPUMON_A_MAX, gpumon_policy) < 0 ||
	    !tb[GPUMON_A_BDF]) {
		st->nl->skipped++;
		return NL_OK;
	}

	memset(&dev, 0, sizeof(dev));
	copy_str(dev.bdf, sizeof(dev.bdf), tb[GPUMON_A_BDF]);
	copy_str(dev.parent, sizeof(dev.parent), tb[GPUMON_A_PARENT_BDF]);
	if (tb[GPUMON_A_VENDOR])
		dev.vendor = nla_get_u16(tb[GPUMON_A_VENDOR]);
	if (tb[GPUMON_A_DEVICE])
		dev.device = nla_get_u16(tb[GPUMON_A_DEVICE]);
	if (tb[GPUMON_A_CLASS])
		dev.class = nla_get_u32(tb[GPUMON_A_CLASS]);
	dev.role = GPUMON_ROLE_UNSPEC;
	if (tb[GPUMON_A_ROLE] &&
	    nla_get_u32(tb[GPUMON_A_ROLE]) <= GPUMON_ROLE_MAX)
		dev.role = nla_get_u32(tb[GPUMON_A_ROLE]);
	dev.aer[GPUMON_AER_CORRECTABLE] = get_u64(tb[GPUMON_A_AER_COR]);
	dev.aer[GPUMON_AER_NONFATAL] = get_u64(tb[GPUMON_A_AER_NONFATAL]);
	dev.aer[GPUMON_AER_FATAL] = get_u64(tb[GPUMON_A_AER_FATAL]);
	dev_extra(nlh, tb, &dev);

	if (st->cb(st->ctx, &dev))
		st->stopped = true;
	return NL_OK;
}

static int dump_finish(struct nl_msg *msg, void *arg)
{
	struct dump_state *st = arg;

	st->done = true;
	return NL_STOP;
}

static int sync_socket(struct gpumon_nl *nl)
{
	struct timeval tv = { .tv_sec = NL_DUMP_TIMEOUT_S };
	int err;

	if (nl->sync)
		return 0;
	nl->sync = nl_socket_alloc();
	if (!nl->sync)
		return -ENOMEM;
	err = genl_connect(nl->sync);
	if (err < 0) {
		nl_socket_free(nl->sync);
		nl->sync = NULL;
		return nlerr(err);
	}
	setsockopt(nl_socket_get_fd(nl->sync), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	return 0;
}

/**
 * gpumon_nl_dump() - dump the watched devices (GPUMON_CMD_DEV_GET, DUMP).
 * @nl: handle from gpumon_nl_open()
 * @cb: called once per device; a non-zero return stops the callbacks
 *	(the rest of the dump is read and dropped)
 * @ctx: passed to @cb
 *
 * The family is resolved again first: if it is gone, or registered anew
 * under another id (module reloaded), the event socket is stale and this
 * returns -ENOENT; reopen.
 *
 * Return: 0, -ENOENT when the family is gone, -EAGAIN when the device
 * list changed during the dump (retry), -ETIMEDOUT when the kernel did
 * not finish it, other -errno.
 */
int gpumon_nl_dump(struct gpumon_nl *nl,
		   int (*cb)(void *ctx, const struct gpumon_nl_dev *dev),
		   void *ctx)
{
	return gpumon_nl_dump_ex(nl, false, cb, ctx);
}

/**
 * gpumon_nl_dump_ex() - gpumon_nl_dump(), removed devices included on ask
 * @nl: handle from gpumon_nl_open()
 * @with_removed: ask for devices that left the bus too (their state is
 *	GPUMON_STATE_REMOVED, their counters kept)
 * @cb: as for gpumon_nl_dump()
 * @ctx: passed to @cb
 *
 * Return: as gpumon_nl_dump().
 */
int gpumon_nl_dump_ex(struct gpumon_nl *nl, bool with_removed,
		      int (*cb)(void *ctx, const struct gpumon_nl_dev *dev),
		      void *ctx)
{
	struct dump_state st = { .nl = nl, .cb = cb, .ctx = ctx };
	struct nl_msg *msg;
	int err, family;

	if (nl->gone)
		return -ENOENT;
	err = sync_socket(nl);
	if (err)
		return err;

	family = genl_ctrl_resolve(nl->sync, GPUMON_GENL_NAME);
	if (family < 0 && family != -NLE_OBJ_NOTFOUND)
		return nlerr(family);
	if (family < 0 || family != nl->family) {
		nl->gone = true;
		return -ENOENT;
	}

	msg = nlmsg_alloc();
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 NLM_F_DUMP, GPUMON_CMD_DEV_GET,
			 GPUMON_GENL_VERSION) ||
	    (with_removed && nla_put_flag(msg, GPUMON_A_WITH_REMOVED))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = nl_send_auto(nl->sync, msg);
	nlmsg_free(msg);
	if (err < 0)
		return nlerr(err);

	nl_socket_modify_cb(nl->sync, NL_CB_VALID, NL_CB_CUSTOM, dump_valid,
			    &st);
	nl_socket_modify_cb(nl->sync, NL_CB_FINISH, NL_CB_CUSTOM, dump_finish,
			    &st);
	while (!st.done) {
		err = nl_recvmsgs_default(nl->sync);
		if (err == -NLE_AGAIN || (!err && !st.done)) {
			/* Timed out: drop the socket, a late reply would
			 * confuse the next dump.
			 */
			nl_socket_free(nl->sync);
			nl->sync = NULL;
			return -ETIMEDOUT;
		}
		if (err < 0)
			break;
	}
	if (err == -NLE_OBJ_NOTFOUND)
		nl->gone = true;
	if (err < 0 && nl->sync) {
		/* Drop the socket: part of a failed dump may be queued. */
		nl_socket_free(nl->sync);
		nl->sync = NULL;
	}
	return nlerr(err);
}

/**
 * gpumon_nl_overruns() - times the event socket overran (ENOBUFS).
 * @nl: handle from gpumon_nl_open()
 *
 * Return: the count since gpumon_nl_open().
 */
uint64_t gpumon_nl_overruns(struct gpumon_nl *nl)
{
	return nl->overruns;
}

/**
 * gpumon_nl_skipped() - messages received but not passed on.
 * @nl: handle from gpumon_nl_open()
 *
 * Notifications of an event kind this build does not know, and
 * messages that failed the attribute policy or lacked a required
 * attribute.  Their sequence numbers still count, so they are never
 * reported as lost.
 *
 * Return: the count since gpumon_nl_open().
 */
uint64_t gpumon_nl_skipped(struct gpumon_nl *nl)
{
	return nl->skipped;
}

/**
 * gpumon_nl_close() - close both sockets and free @nl.
 * @nl: handle from gpumon_nl_open(), or NULL
 */
void gpumon_nl_close(struct gpumon_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sync);
	nl_socket_free(nl->ev);
	free(nl);
}
