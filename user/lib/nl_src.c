// SPDX-License-Identifier: GPL-2.0-only
/*
 * nl_src.c - the gpumon.ko generic netlink family from user space:
 * "events" group notifications, the device, thermal zone and RAPL
 * dumps, the module's stats and its configuration (libnl-genl-3).
 *
 * Two sockets.  The event socket joins the family's "events" group and
 * nlctrl's "notify" group (to see the family unregister); it is
 * non-blocking and read with recvmsg() directly, so that ENOBUFS (the
 * socket overran and the kernel dropped notifications) is seen as such
 * rather than folded into another libnl error.  The sync socket, made
 * on the first request and kept, carries the DEV_GET, THERMAL_GET,
 * POWER_GET, STATS_GET, CONFIG_GET and CONFIG_SET requests, so replies
 * never mix with notifications.  It asks for extended acks
 * (NETLINK_EXT_ACK): a refused request comes back with the kernel's
 * message and the offset of the attribute at fault.
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
#include <linux/netlink.h>
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

/*
 * The s32 attributes (temperatures) are checked as NLA_U32: libnl 3.7
 * has NLA_S32 but no minimum length for it, so a short one would pass.
 */
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
	[GPUMON_A_INTERVAL_MS]	= { .type = NLA_U32 },
	[GPUMON_A_MATCH]	= { .type = NLA_STRING, .maxlen = GPUMON_MATCH_LEN },
	[GPUMON_A_THERMAL_ZONE]	= { .type = NLA_STRING },
	[GPUMON_A_THERMAL_TEMP]	= { .type = NLA_U32 },
	[GPUMON_A_THERMAL_TRIP]	= { .type = NLA_U32 },
	[GPUMON_A_LAST_SEQ]	= { .type = NLA_U64 },
	[GPUMON_A_SAMPLES]	= { .type = NLA_U64 },
	[GPUMON_A_SAMPLE_NS]	= { .type = NLA_U64 },
	[GPUMON_A_THERMAL_ZONE_ID]	= { .type = NLA_U32 },
	[GPUMON_A_THERMAL_TRIP_TYPE]	= { .type = NLA_U32 },
	[GPUMON_A_THERMAL_TRIP_TEMP]	= { .type = NLA_U32 },
	[GPUMON_A_THERMAL_TRIP_HYST]	= { .type = NLA_U32 },
	[GPUMON_A_THERMAL_TEMP_MAX]	= { .type = NLA_U32 },
	[GPUMON_A_THERMAL_TRIPS]	= { .type = NLA_NESTED },
	[GPUMON_A_THERMAL_READ_ERRORS]	= { .type = NLA_U64 },
	[GPUMON_A_THERMAL_TYPES]	= { .type = NLA_STRING,
					    .maxlen = GPUMON_THERMAL_TYPES_LEN },
	[GPUMON_A_THERMAL_HYST_MC]	= { .type = NLA_U32 },
	[GPUMON_A_THERMAL_STATE]	= { .type = NLA_U32 },
	[GPUMON_A_THERMAL_REASON]	= { .type = NLA_STRING },
	[GPUMON_A_RAPL_PKG]		= { .type = NLA_U32 },
	[GPUMON_A_RAPL_DOMAIN]		= { .type = NLA_U32 },
	[GPUMON_A_RAPL_INJECTED]	= { .type = NLA_FLAG },
	[GPUMON_A_RAPL_ESU]		= { .type = NLA_U32 },
	[GPUMON_A_RAPL_ENERGY_UJ]	= { .type = NLA_U64 },
	[GPUMON_A_RAPL_POWER_MIN_MW]	= { .type = NLA_U32 },
	[GPUMON_A_RAPL_POWER_AVG_MW]	= { .type = NLA_U32 },
	[GPUMON_A_RAPL_POWER_MAX_MW]	= { .type = NLA_U32 },
	[GPUMON_A_RAPL_WINDOW_NS]	= { .type = NLA_U64 },
	[GPUMON_A_RAPL_WINDOW_SAMPLES]	= { .type = NLA_U32 },
	[GPUMON_A_RAPL_WINDOW_END_NS]	= { .type = NLA_U64 },
	[GPUMON_A_RAPL_PEAK_MW]		= { .type = NLA_U32 },
	[GPUMON_A_RAPL_SAMPLES]		= { .type = NLA_U64 },
	[GPUMON_A_RAPL_WRAPS]		= { .type = NLA_U64 },
	[GPUMON_A_RAPL_PERIOD_MS]	= { .type = NLA_U32 },
	[GPUMON_A_RAPL_STATE]		= { .type = NLA_U32 },
	[GPUMON_A_RAPL_REASON]		= { .type = NLA_STRING },
};

static const struct nla_policy trip_policy[GPUMON_A_TRIP_MAX + 1] = {
	[GPUMON_A_TRIP_ID]		= { .type = NLA_U32 },
	[GPUMON_A_TRIP_TYPE]		= { .type = NLA_U32 },
	[GPUMON_A_TRIP_TEMP]		= { .type = NLA_U32 },
	[GPUMON_A_TRIP_HYST]		= { .type = NLA_U32 },
	[GPUMON_A_TRIP_ASSERTED]	= { .type = NLA_U32 },
	[GPUMON_A_TRIP_CROSSINGS]	= { .type = NLA_U64 },
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

/* Store attribute @a into @dst and set @bit in @valid, when present. */
#define GET_OPT(valid, bit, dst, a, getter)		\
	do {						\
		if (a) {				\
			(dst) = getter(a);		\
			(valid) |= (bit);		\
		}					\
	} while (0)

/* Any notification, for ops->event. */
static void parse_event(struct nlattr **tb, struct gpumon_nl_event *ev)
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
	GET_OPT(ev->valid, GPUMON_NL_EV_TEMP, ev->temp_mc,
		tb[GPUMON_A_THERMAL_TEMP], nla_get_s32);
	GET_OPT(ev->valid, GPUMON_NL_EV_TRIP, ev->trip,
		tb[GPUMON_A_THERMAL_TRIP], nla_get_u32);
	GET_OPT(ev->valid, GPUMON_NL_EV_ZONE_ID, ev->zone_id,
		tb[GPUMON_A_THERMAL_ZONE_ID], nla_get_u32);
	GET_OPT(ev->valid, GPUMON_NL_EV_TRIP_TYPE, ev->trip_type,
		tb[GPUMON_A_THERMAL_TRIP_TYPE], nla_get_u32);
	GET_OPT(ev->valid, GPUMON_NL_EV_TRIP_TEMP, ev->trip_temp_mc,
		tb[GPUMON_A_THERMAL_TRIP_TEMP], nla_get_s32);
	GET_OPT(ev->valid, GPUMON_NL_EV_TRIP_HYST, ev->trip_hyst_mc,
		tb[GPUMON_A_THERMAL_TRIP_HYST], nla_get_s32);
}

/* The AER fields of a notification; false when it lacks one. */
static bool parse_aer(struct nlattr **tb, struct gpumon_aer_rec *rec)
{
	uint32_t sev;

	memset(rec, 0, sizeof(*rec));
	if (!tb[GPUMON_A_BDF] || !tb[GPUMON_A_AER_SEVERITY] ||
	    !tb[GPUMON_A_AER_STATUS] || !tb[GPUMON_A_SEQ])
		return false;
	sev = nla_get_u32(tb[GPUMON_A_AER_SEVERITY]);
	if (sev > GPUMON_AER_SEV_MAX)
		return false;
	copy_str(rec->bdf, sizeof(rec->bdf), tb[GPUMON_A_BDF]);
	rec->status = nla_get_u32(tb[GPUMON_A_AER_STATUS]);
	rec->severity = sev;
	if (tb[GPUMON_A_AER_TLP]) {
		rec->tlp_valid = true;
		memcpy(rec->tlp, nla_data(tb[GPUMON_A_AER_TLP]),
		       sizeof(rec->tlp));
	}
	rec->seq = nla_get_u64(tb[GPUMON_A_SEQ]);
	rec->time_mono_ns = get_u64(tb[GPUMON_A_TIME_MONO]);
	rec->time_real_ns = get_u64(tb[GPUMON_A_TIME_REAL]);
	return true;
}

/**
 * gpumon_nl_parse_event() - one "events" notification into @ev.
 * @nlh: a GPUMON_CMD_EVENT message of the family
 * @ev: filled in; @ev->aer too for a complete AER event
 *
 * Thermal attributes an older module does not send are left out of
 * @ev->valid.
 *
 * Return: 0; -EINVAL when it fails the policy or lacks SEQ or EVENT_KIND.
 */
int gpumon_nl_parse_event(struct nlmsghdr *nlh, struct gpumon_nl_event *ev)
{
	struct nlattr *tb[GPUMON_A_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	if (genlmsg_parse(nlh, 0, tb, GPUMON_A_MAX, gpumon_policy) < 0 ||
	    !tb[GPUMON_A_SEQ] || !tb[GPUMON_A_EVENT_KIND])
		return -EINVAL;
	parse_event(tb, ev);
	if (ev->kind == GPUMON_EVENT_AER)
		parse_aer(tb, &ev->aer);
	return 0;
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

	if (genlmsg_parse(nlh, 0, tb, GPUMON_A_MAX, gpumon_policy) < 0 ||
	    !tb[GPUMON_A_SEQ]) {
		nl->skipped++;
		return;
	}
	track_seq(nl, nla_get_u64(tb[GPUMON_A_SEQ]));

	if (!tb[GPUMON_A_EVENT_KIND] ||
	    nla_get_u32(tb[GPUMON_A_EVENT_KIND]) != GPUMON_EVENT_AER) {
		if (nl->ops.event && tb[GPUMON_A_EVENT_KIND]) {
			parse_event(tb, &ev);
			nl->ops.event(nl->ctx, &ev);
			return;
		}
		/* A kind this build does not know: counted, not lost. */
		nl->skipped++;
		return;
	}
	if (!parse_aer(tb, &rec)) {
		nl->skipped++;
		return;
	}
	if (nl->ops.aer)
		nl->ops.aer(nl->ctx, &rec);
	if (nl->ops.event) {
		parse_event(tb, &ev);
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

static int sync_socket(struct gpumon_nl *nl);

static void overrun(struct gpumon_nl *nl)
{
	int id;

	nl->overruns++;
	if (nl->ops.lost)
		nl->ops.lost(nl->ctx, 0);
	/*
	 * The overrun may have dropped nlctrl's DELFAMILY notice: ask
	 * whether the family is still the one we joined.
	 */
	if (sync_socket(nl))
		return;
	id = genl_ctrl_resolve(nl->sync, GPUMON_GENL_NAME);
	if (id == -NLE_OBJ_NOTFOUND || (id >= 0 && id != nl->family))
		nl->gone = true;
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
 * gpumon_nl_open() - resolve the family, join its "events" group
 * (only when @ops is given: without, the handle is for requests).
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
	int err, grp, ctrl_grp, one;

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
	/*
	 * Without ops the caller only makes requests: joining the group
	 * would fill a socket nobody reads, and its overruns would count
	 * in the module's drops (NETLINK_BROADCAST_ERROR, below).
	 */
	if (ops) {
		err = nl_socket_add_membership(nl->ev, grp);
		if (err < 0)
			goto err_nlerr;
	}
	/* Optional: without it a vanished family shows only on a dump. */
	ctrl_grp = genl_ctrl_resolve_grp(nl->ev, "nlctrl", "notify");
	if (ctrl_grp >= 0)
		nl_socket_add_membership(nl->ev, ctrl_grp);

	set_rcvbuf(nl);
	/*
	 * A notification this socket has no room for makes the module's
	 * send fail, so the module counts it in its drops per kind.
	 */
	one = 1;
	setsockopt(nl_socket_get_fd(nl->ev), SOL_NETLINK,
		   NETLINK_BROADCAST_ERROR, &one, sizeof(one));
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

struct dump_state;
typedef int (*dump_one_fn)(struct dump_state *st, struct nlmsghdr *nlh);

/*
 * One request on the sync socket: a dump (done at NLMSG_DONE) or a "do"
 * (done at the ACK that follows its reply).  @one parses each reply and
 * calls the caller's callback; -EINVAL from it counts as skipped.
 */
struct dump_state {
	struct gpumon_nl *nl;
	dump_one_fn one;
	union {
		int (*dev)(void *ctx, const struct gpumon_nl_dev *dev);
		int (*tzone)(void *ctx, const struct gpumon_nl_tzone *z);
		int (*rapl)(void *ctx, const struct gpumon_nl_rapl *r);
	} cb;
	void *ctx;
	struct gpumon_nl_stats *stats;
	struct gpumon_nl_config *config;
	/* CONFIG_SET: the attributes to send */
	const struct gpumon_nl_config *set;
	/* the request as sent, to name the attribute an extack points at */
	struct nl_msg *req;
	struct gpumon_nl_extack *ext;
	int error;		/* the kernel's NLMSG_ERROR, -errno */
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

static int dev_one(struct dump_state *st, struct nlmsghdr *nlh)
{
	struct nlattr *tb[GPUMON_A_MAX + 1];
	struct gpumon_nl_dev dev;

	if (genlmsg_parse(nlh, 0, tb, GPUMON_A_MAX, gpumon_policy) < 0 ||
	    !tb[GPUMON_A_BDF])
		return -EINVAL;

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

	return st->cb.dev(st->ctx, &dev);
}

/* One THERMAL_TRIPS nest; false when it fails the policy or has no id. */
static bool parse_trip(struct nlattr *a, struct gpumon_nl_trip *t)
{
	struct nlattr *tb[GPUMON_A_TRIP_MAX + 1];

	memset(t, 0, sizeof(*t));
	if (nla_parse_nested(tb, GPUMON_A_TRIP_MAX, a, trip_policy) < 0 ||
	    !tb[GPUMON_A_TRIP_ID])
		return false;
	t->id = nla_get_u32(tb[GPUMON_A_TRIP_ID]);
	GET_OPT(t->valid, GPUMON_NL_TRIP_TYPE, t->type,
		tb[GPUMON_A_TRIP_TYPE], nla_get_u32);
	GET_OPT(t->valid, GPUMON_NL_TRIP_TEMP, t->temp_mc,
		tb[GPUMON_A_TRIP_TEMP], nla_get_s32);
	GET_OPT(t->valid, GPUMON_NL_TRIP_HYST, t->hyst_mc,
		tb[GPUMON_A_TRIP_HYST], nla_get_s32);
	GET_OPT(t->valid, GPUMON_NL_TRIP_ASSERTED, t->asserted,
		tb[GPUMON_A_TRIP_ASSERTED], !!nla_get_u32);
	GET_OPT(t->valid, GPUMON_NL_TRIP_CROSSINGS, t->crossings,
		tb[GPUMON_A_TRIP_CROSSINGS], nla_get_u64);
	return true;
}

/**
 * gpumon_nl_parse_tzone() - one THERMAL_GET reply into @z.
 * @nlh: a GPUMON_CMD_THERMAL_GET reply of the family
 * @z: filled in; fields not sent are left out of @z->valid
 *
 * Trip nests without a trip id are dropped; past GPUMON_NL_MAX_TRIPS
 * they are counted in @z->trips_over.  A trip type past GPUMON_TRIP_MAX
 * (a newer kernel's) is kept as sent.
 *
 * Return: 0; -EINVAL when it fails the policy or lacks THERMAL_ZONE_ID.
 */
int gpumon_nl_parse_tzone(struct nlmsghdr *nlh, struct gpumon_nl_tzone *z)
{
	struct nlattr *tb[GPUMON_A_MAX + 1];
	struct nlattr *a;
	int rem;

	memset(z, 0, sizeof(*z));
	if (genlmsg_parse(nlh, 0, tb, GPUMON_A_MAX, gpumon_policy) < 0 ||
	    !tb[GPUMON_A_THERMAL_ZONE_ID])
		return -EINVAL;
	z->id = nla_get_u32(tb[GPUMON_A_THERMAL_ZONE_ID]);
	copy_str(z->type, sizeof(z->type), tb[GPUMON_A_THERMAL_ZONE]);
	GET_OPT(z->valid, GPUMON_NL_TZ_STATE, z->state,
		tb[GPUMON_A_STATE], nla_get_u32);
	GET_OPT(z->valid, GPUMON_NL_TZ_TEMP, z->temp_mc,
		tb[GPUMON_A_THERMAL_TEMP], nla_get_s32);
	GET_OPT(z->valid, GPUMON_NL_TZ_TEMP_MAX, z->temp_max_mc,
		tb[GPUMON_A_THERMAL_TEMP_MAX], nla_get_s32);
	GET_OPT(z->valid, GPUMON_NL_TZ_SAMPLES, z->samples,
		tb[GPUMON_A_SAMPLES], nla_get_u64);
	GET_OPT(z->valid, GPUMON_NL_TZ_READ_ERRORS, z->read_errors,
		tb[GPUMON_A_THERMAL_READ_ERRORS], nla_get_u64);
	/* Multi attribute: walk the whole message. */
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(a) != GPUMON_A_THERMAL_TRIPS)
			continue;
		if (z->ntrips == GPUMON_NL_MAX_TRIPS) {
			z->trips_over++;
			continue;
		}
		if (parse_trip(a, &z->trips[z->ntrips]))
			z->ntrips++;
	}
	return 0;
}

static int tzone_one(struct dump_state *st, struct nlmsghdr *nlh)
{
	struct gpumon_nl_tzone z;

	if (gpumon_nl_parse_tzone(nlh, &z))
		return -EINVAL;
	return st->cb.tzone(st->ctx, &z);
}

/**
 * gpumon_nl_parse_rapl() - one POWER_GET reply into @r.
 * @nlh: a GPUMON_CMD_POWER_GET reply of the family
 * @r: filled in; fields not sent (the window ones before the module's
 *	first complete window) are left out of @r->valid
 *
 * Return: 0; -EINVAL when it fails the policy or lacks RAPL_PKG or
 * RAPL_DOMAIN.
 */
int gpumon_nl_parse_rapl(struct nlmsghdr *nlh, struct gpumon_nl_rapl *r)
{
	struct nlattr *tb[GPUMON_A_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (genlmsg_parse(nlh, 0, tb, GPUMON_A_MAX, gpumon_policy) < 0 ||
	    !tb[GPUMON_A_RAPL_PKG] || !tb[GPUMON_A_RAPL_DOMAIN])
		return -EINVAL;
	r->pkg = nla_get_u32(tb[GPUMON_A_RAPL_PKG]);
	r->domain = nla_get_u32(tb[GPUMON_A_RAPL_DOMAIN]);
	r->injected = !!tb[GPUMON_A_RAPL_INJECTED];
	GET_OPT(r->valid, GPUMON_NL_RAPL_ESU, r->esu,
		tb[GPUMON_A_RAPL_ESU], nla_get_u32);
	GET_OPT(r->valid, GPUMON_NL_RAPL_ENERGY, r->energy_uj,
		tb[GPUMON_A_RAPL_ENERGY_UJ], nla_get_u64);
	GET_OPT(r->valid, GPUMON_NL_RAPL_MIN, r->min_mw,
		tb[GPUMON_A_RAPL_POWER_MIN_MW], nla_get_u32);
	GET_OPT(r->valid, GPUMON_NL_RAPL_AVG, r->avg_mw,
		tb[GPUMON_A_RAPL_POWER_AVG_MW], nla_get_u32);
	GET_OPT(r->valid, GPUMON_NL_RAPL_MAX, r->max_mw,
		tb[GPUMON_A_RAPL_POWER_MAX_MW], nla_get_u32);
	GET_OPT(r->valid, GPUMON_NL_RAPL_WINDOW, r->window_ns,
		tb[GPUMON_A_RAPL_WINDOW_NS], nla_get_u64);
	GET_OPT(r->valid, GPUMON_NL_RAPL_WINDOW_SAMPLES, r->window_samples,
		tb[GPUMON_A_RAPL_WINDOW_SAMPLES], nla_get_u32);
	GET_OPT(r->valid, GPUMON_NL_RAPL_WINDOW_END, r->window_end_ns,
		tb[GPUMON_A_RAPL_WINDOW_END_NS], nla_get_u64);
	GET_OPT(r->valid, GPUMON_NL_RAPL_PEAK, r->peak_mw,
		tb[GPUMON_A_RAPL_PEAK_MW], nla_get_u32);
	GET_OPT(r->valid, GPUMON_NL_RAPL_SAMPLES, r->samples,
		tb[GPUMON_A_RAPL_SAMPLES], nla_get_u64);
	GET_OPT(r->valid, GPUMON_NL_RAPL_WRAPS, r->wraps,
		tb[GPUMON_A_RAPL_WRAPS], nla_get_u64);
	return 0;
}

static int rapl_one(struct dump_state *st, struct nlmsghdr *nlh)
{
	struct gpumon_nl_rapl r;

	if (gpumon_nl_parse_rapl(nlh, &r))
		return -EINVAL;
	return st->cb.rapl(st->ctx, &r);
}

/**
 * gpumon_nl_parse_stats() - one STATS_GET reply into @st.
 * @nlh: a GPUMON_CMD_STATS_GET reply of the family
 * @st: filled in; an older module sends no source states (their bits
 *	are then left out of @st->valid)
 *
 * Return: 0; -EINVAL when it fails the policy.
 */
int gpumon_nl_parse_stats(struct nlmsghdr *nlh, struct gpumon_nl_stats *st)
{
	struct nlattr *tb[GPUMON_A_MAX + 1];

	memset(st, 0, sizeof(*st));
	if (genlmsg_parse(nlh, 0, tb, GPUMON_A_MAX, gpumon_policy) < 0)
		return -EINVAL;
	GET_OPT(st->valid, GPUMON_NL_ST_LAST_SEQ, st->last_seq,
		tb[GPUMON_A_LAST_SEQ], nla_get_u64);
	GET_OPT(st->valid, GPUMON_NL_ST_EVENTS_LOST, st->events_lost,
		tb[GPUMON_A_EVENTS_LOST], nla_get_u64);
	GET_OPT(st->valid, GPUMON_NL_ST_SAMPLES, st->samples,
		tb[GPUMON_A_SAMPLES], nla_get_u64);
	GET_OPT(st->valid, GPUMON_NL_ST_SAMPLE_NS, st->sample_ns,
		tb[GPUMON_A_SAMPLE_NS], nla_get_u64);
	GET_OPT(st->valid, GPUMON_NL_ST_THERMAL, st->thermal_state,
		tb[GPUMON_A_THERMAL_STATE], nla_get_u32);
	copy_str(st->thermal_reason, sizeof(st->thermal_reason),
		 tb[GPUMON_A_THERMAL_REASON]);
	GET_OPT(st->valid, GPUMON_NL_ST_RAPL, st->rapl_state,
		tb[GPUMON_A_RAPL_STATE], nla_get_u32);
	copy_str(st->rapl_reason, sizeof(st->rapl_reason),
		 tb[GPUMON_A_RAPL_REASON]);
	return 0;
}

static int stats_one(struct dump_state *st, struct nlmsghdr *nlh)
{
	if (gpumon_nl_parse_stats(nlh, st->stats))
		return -EINVAL;
	return 1;	/* one reply is the whole answer */
}

/**
 * gpumon_nl_parse_config() - one CONFIG_GET reply into @cfg.
 * @nlh: a GPUMON_CMD_CONFIG_GET reply of the family
 * @cfg: filled in; settings an older module does not send (thermal
 *	types, hysteresis, RAPL period) are left out of @cfg->valid
 *
 * Return: 0; -EINVAL when it fails the policy.
 */
int gpumon_nl_parse_config(struct nlmsghdr *nlh, struct gpumon_nl_config *cfg)
{
	struct nlattr *tb[GPUMON_A_MAX + 1];

	memset(cfg, 0, sizeof(*cfg));
	if (genlmsg_parse(nlh, 0, tb, GPUMON_A_MAX, gpumon_policy) < 0)
		return -EINVAL;
	GET_OPT(cfg->valid, GPUMON_NL_CFG_INTERVAL, cfg->interval_ms,
		tb[GPUMON_A_INTERVAL_MS], nla_get_u32);
	if (tb[GPUMON_A_MATCH]) {
		copy_str(cfg->match, sizeof(cfg->match), tb[GPUMON_A_MATCH]);
		cfg->valid |= GPUMON_NL_CFG_MATCH;
	}
	if (tb[GPUMON_A_THERMAL_TYPES]) {
		copy_str(cfg->thermal_types, sizeof(cfg->thermal_types),
			 tb[GPUMON_A_THERMAL_TYPES]);
		cfg->valid |= GPUMON_NL_CFG_THERMAL_TYPES;
	}
	GET_OPT(cfg->valid, GPUMON_NL_CFG_THERMAL_HYST, cfg->thermal_hyst_mc,
		tb[GPUMON_A_THERMAL_HYST_MC], nla_get_u32);
	GET_OPT(cfg->valid, GPUMON_NL_CFG_RAPL_PERIOD, cfg->rapl_period_ms,
		tb[GPUMON_A_RAPL_PERIOD_MS], nla_get_u32);
	return 0;
}

static int config_one(struct dump_state *st, struct nlmsghdr *nlh)
{
	if (gpumon_nl_parse_config(nlh, st->config))
		return -EINVAL;
	return 1;	/* one reply is the whole answer */
}

/**
 * gpumon_nl_config_put() - the CONFIG_SET attributes of @cfg into @msg.
 * @msg: a message with its generic netlink header already put
 * @cfg: the settings in @cfg->valid are put, in enum gpumon_attr order:
 *	INTERVAL_MS, MATCH, THERMAL_TYPES (u32 or NUL-terminated string,
 *	as the module's policy wants), THERMAL_HYST_MC, RAPL_PERIOD_MS
 *
 * Return: 0; -EINVAL when @cfg->valid holds none of them (the module
 * would refuse an empty CONFIG_SET); -EMSGSIZE when @msg is full.
 */
int gpumon_nl_config_put(struct nl_msg *msg,
			 const struct gpumon_nl_config *cfg)
{
	uint32_t v = cfg->valid;

	if (!(v & (GPUMON_NL_CFG_INTERVAL | GPUMON_NL_CFG_MATCH |
		   GPUMON_NL_CFG_THERMAL_TYPES | GPUMON_NL_CFG_THERMAL_HYST |
		   GPUMON_NL_CFG_RAPL_PERIOD)))
		return -EINVAL;
	if (((v & GPUMON_NL_CFG_INTERVAL) &&
	     nla_put_u32(msg, GPUMON_A_INTERVAL_MS, cfg->interval_ms)) ||
	    ((v & GPUMON_NL_CFG_MATCH) &&
	     nla_put_string(msg, GPUMON_A_MATCH, cfg->match)) ||
	    ((v & GPUMON_NL_CFG_THERMAL_TYPES) &&
	     nla_put_string(msg, GPUMON_A_THERMAL_TYPES,
			    cfg->thermal_types)) ||
	    ((v & GPUMON_NL_CFG_THERMAL_HYST) &&
	     nla_put_u32(msg, GPUMON_A_THERMAL_HYST_MC,
			 cfg->thermal_hyst_mc)) ||
	    ((v & GPUMON_NL_CFG_RAPL_PERIOD) &&
	     nla_put_u32(msg, GPUMON_A_RAPL_PERIOD_MS, cfg->rapl_period_ms)))
		return -EMSGSIZE;
	return 0;
}

/* The type of the top-level attribute of @req at byte @offs, or 0. */
static uint32_t attr_at(const struct nlmsghdr *req, uint32_t offs)
{
	struct nlmsghdr *h = (struct nlmsghdr *)req;
	struct nlattr *a;
	size_t start;
	int rem;

	if (!genlmsg_valid_hdr(h, 0))
		return 0;
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(h), 0),
			  genlmsg_attrlen(nlmsg_data(h), 0), rem) {
		start = (const char *)a - (const char *)req;
		/* The kernel points at the attribute's header. */
		if (offs >= start && offs < start + a->nla_len)
			return nla_type(a);
	}
	return 0;
}

#ifndef NLMSGERR_ATTR_MISS_TYPE
#define NLMSGERR_ATTR_MISS_TYPE	5
#endif

/**
 * gpumon_nl_parse_extack() - the extended ack of an NLMSG_ERROR message.
 * @nlh: the NLMSG_ERROR message, as received
 * @req: the request it answers, as sent, to name the attribute
 *	NLMSGERR_ATTR_OFFS points at; or NULL
 * @ext: filled in: the message, the attribute at fault, the missing one
 *
 * The TLVs follow the error and the request it echoes: only the request's
 * header when the kernel capped it (NLM_F_CAPPED), the whole request
 * otherwise; they are there only with NLM_F_ACK_TLVS.
 *
 * Return: the error the message carries (0 for an ACK, or -errno);
 * -EBADMSG when it is not a whole NLMSG_ERROR message.
 */
int gpumon_nl_parse_extack(struct nlmsghdr *nlh, const struct nlmsghdr *req,
			   struct gpumon_nl_extack *ext)
{
	struct nlattr *tb[NLMSGERR_ATTR_MISS_TYPE + 1];
	const struct nlmsgerr *e;
	size_t ack_len;

	memset(ext, 0, sizeof(*ext));
	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EBADMSG;
	e = nlmsg_data(nlh);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return e->error;
	ack_len = NLMSG_HDRLEN + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return e->error;
		ack_len += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	ack_len = NLMSG_ALIGN(ack_len);
	if (nlh->nlmsg_len <= ack_len ||
	    nla_parse(tb, NLMSGERR_ATTR_MISS_TYPE,
		      (struct nlattr *)((char *)nlh + ack_len),
		      nlh->nlmsg_len - ack_len, NULL) < 0)
		return e->error;
	copy_str(ext->msg, sizeof(ext->msg), tb[NLMSGERR_ATTR_MSG]);
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4 &&
	    req)
		ext->bad_attr = attr_at(req,
					nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= 4)
		ext->miss_attr = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	return e->error;
}

static int dump_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct dump_state *st = arg;
	int ret;

	/* Once the caller said stop, read the rest of the dump unseen. */
	if (st->stopped || nlh->nlmsg_type != st->nl->family)
		return NL_OK;
	ret = st->one(st, nlh);
	if (ret == -EINVAL)
		st->nl->skipped++;
	else if (ret)
		st->stopped = true;
	return NL_OK;
}

/* A refused request: keep its exact errno and the kernel's extack. */
static int request_err(struct sockaddr_nl *who, struct nlmsgerr *e,
		       void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct gpumon_nl_extack ext;
	struct dump_state *st = arg;

	st->error = gpumon_nl_parse_extack(nlh, st->req ?
					   nlmsg_hdr(st->req) : NULL, &ext);
	if (st->error >= 0)
		st->error = e->error;
	if (st->ext)
		*st->ext = ext;
	return NL_STOP;
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
	int err, one = 1;

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
	/* Best effort: a kernel before 4.12 refuses it, errors stay bare. */
	setsockopt(nl_socket_get_fd(nl->sync), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	return 0;
}

/*
 * Send @cmd (a dump when @dump, else a "do" with an ACK) and read its
 * replies through @st->one until NLMSG_DONE or the ACK.
 */
static int request(struct gpumon_nl *nl, uint8_t cmd, bool dump,
		   bool with_removed, struct dump_state *st)
{
	struct nl_msg *msg;
	struct nl_cb *cb;
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
			 dump ? NLM_F_DUMP : 0, cmd, GPUMON_GENL_VERSION) ||
	    (with_removed && nla_put_flag(msg, GPUMON_A_WITH_REMOVED))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	if (st->set) {
		err = gpumon_nl_config_put(msg, st->set);
		if (err) {
			nlmsg_free(msg);
			return err;
		}
	}
	err = nl_send_auto(nl->sync, msg);
	if (err < 0) {
		nlmsg_free(msg);
		return nlerr(err);
	}
	/* Kept until the answer: an extack names its attributes by offset. */
	st->req = msg;

	nl_socket_modify_err_cb(nl->sync, NL_CB_CUSTOM, request_err, st);
	nl_socket_modify_cb(nl->sync, NL_CB_VALID, NL_CB_CUSTOM, dump_valid,
			    st);
	nl_socket_modify_cb(nl->sync, NL_CB_FINISH, NL_CB_CUSTOM, dump_finish,
			    st);
	nl_socket_modify_cb(nl->sync, NL_CB_ACK, NL_CB_CUSTOM, dump_finish,
			    st);
	cb = nl_socket_get_cb(nl->sync);
	if (!cb) {
		err = -ENOMEM;
		goto out;
	}
	while (!st->done) {
		/* Messages handled, 0 when the receive timed out (libnl
		 * turns EAGAIN into 0), or -NLE_*.  A "do" reply and its
		 * ACK come in two datagrams.
		 */
		err = nl_recvmsgs_report(nl->sync, cb);
		if (err == -NLE_AGAIN || (!err && !st->done)) {
			nl_cb_put(cb);
			/* Timed out: drop the socket, a late reply would
			 * confuse the next dump.
			 */
			nl_socket_free(nl->sync);
			nl->sync = NULL;
			err = -ETIMEDOUT;
			goto out;
		}
		if (err < 0)
			break;
	}
	nl_cb_put(cb);
	if (err > 0)
		err = 0;
	if (err == -NLE_OBJ_NOTFOUND)
		nl->gone = true;
	if (err < 0 && nl->sync) {
		/* Drop the socket: part of a failed dump may be queued. */
		nl_socket_free(nl->sync);
		nl->sync = NULL;
	}
	/* The kernel's own errno when it refused the request. */
	err = err < 0 && st->error < 0 ? st->error : nlerr(err);
out:
	nlmsg_free(msg);
	st->req = NULL;
	return err;
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
	struct dump_state st = {
		.nl = nl, .one = dev_one, .cb.dev = cb, .ctx = ctx,
	};

	return request(nl, GPUMON_CMD_DEV_GET, true, with_removed, &st);
}

/**
 * gpumon_nl_dump_thermal() - dump the thermal zones the module samples.
 * @nl: handle from gpumon_nl_open()
 * @cb: called once per zone (GPUMON_CMD_THERMAL_GET reply; removed
 *	zones too, with state GPUMON_STATE_REMOVED); a non-zero return
 *	stops the callbacks (the rest of the dump is read and dropped)
 * @ctx: passed to @cb
 *
 * Replies without a zone id, or failing the policy, are skipped and
 * counted (gpumon_nl_skipped()).
 *
 * Return: 0, -ENOENT when the family is gone, -EOPNOTSUPP when the
 * module predates the command, -ETIMEDOUT when the kernel did not finish
 * the dump, other -errno.
 */
int gpumon_nl_dump_thermal(struct gpumon_nl *nl,
			   int (*cb)(void *ctx,
				     const struct gpumon_nl_tzone *z),
			   void *ctx)
{
	struct dump_state st = {
		.nl = nl, .one = tzone_one, .cb.tzone = cb, .ctx = ctx,
	};

	return request(nl, GPUMON_CMD_THERMAL_GET, true, false, &st);
}

/**
 * gpumon_nl_dump_power() - dump the module's RAPL energy domains.
 * @nl: handle from gpumon_nl_open()
 * @cb: called once per domain (GPUMON_CMD_POWER_GET reply); a non-zero
 *	return stops the callbacks
 * @ctx: passed to @cb
 *
 * An empty dump means the module samples no domain (see the RAPL state
 * in gpumon_nl_stats()).
 *
 * Return: as gpumon_nl_dump_thermal().
 */
int gpumon_nl_dump_power(struct gpumon_nl *nl,
			 int (*cb)(void *ctx, const struct gpumon_nl_rapl *r),
			 void *ctx)
{
	struct dump_state st = {
		.nl = nl, .one = rapl_one, .cb.rapl = cb, .ctx = ctx,
	};

	return request(nl, GPUMON_CMD_POWER_GET, true, false, &st);
}

/**
 * gpumon_nl_stats() - the module's counters and source states.
 * @nl: handle from gpumon_nl_open()
 * @st: filled in from the GPUMON_CMD_STATS_GET reply; zeroed (valid 0)
 *	when none came
 *
 * Return: 0, -ENOENT when the family is gone, -ETIMEDOUT when the kernel
 * did not answer, other -errno.
 */
int gpumon_nl_stats(struct gpumon_nl *nl, struct gpumon_nl_stats *st)
{
	struct dump_state ds = { .nl = nl, .one = stats_one, .stats = st };

	memset(st, 0, sizeof(*st));
	return request(nl, GPUMON_CMD_STATS_GET, false, false, &ds);
}

/**
 * gpumon_nl_config_get() - the module's settings.
 * @nl: handle from gpumon_nl_open()
 * @cfg: filled in from the GPUMON_CMD_CONFIG_GET reply; zeroed (valid 0)
 *	when none came
 * @ext: the kernel's extended ack when it refused the request; may be
 *	NULL
 *
 * Return: 0, -ENOENT when the family is gone, -ETIMEDOUT when the kernel
 * did not answer, other -errno.
 */
int gpumon_nl_config_get(struct gpumon_nl *nl, struct gpumon_nl_config *cfg,
			 struct gpumon_nl_extack *ext)
{
	struct dump_state ds = {
		.nl = nl, .one = config_one, .config = cfg, .ext = ext,
	};

	memset(cfg, 0, sizeof(*cfg));
	if (ext)
		memset(ext, 0, sizeof(*ext));
	return request(nl, GPUMON_CMD_CONFIG_GET, false, false, &ds);
}

/**
 * gpumon_nl_config_set() - change the module's settings in one request.
 * @nl: handle from gpumon_nl_open()
 * @cfg: the settings named in @cfg->valid are sent
 *	(gpumon_nl_config_put()); the module changes all of them or, when
 *	it refuses one, none of the lists
 * @ext: the kernel's extended ack when it refused the request: its
 *	message and the attribute at fault; may be NULL
 *
 * Needs CAP_NET_ADMIN (the command is GENL_ADMIN_PERM).
 *
 * Return: 0; -EPERM without CAP_NET_ADMIN; -EINVAL, -ERANGE or another
 * -errno of the module for a value it refused (see @ext); -EINVAL too
 * when @cfg->valid is empty; -ENOENT when the family is gone;
 * -ETIMEDOUT when the kernel did not answer.
 */
int gpumon_nl_config_set(struct gpumon_nl *nl,
			 const struct gpumon_nl_config *cfg,
			 struct gpumon_nl_extack *ext)
{
	struct dump_state ds = {
		.nl = nl, .one = config_one, .set = cfg, .ext = ext,
	};
	struct gpumon_nl_config reply;

	/* No reply is expected; one would land in @reply, unused. */
	ds.config = &reply;
	if (ext)
		memset(ext, 0, sizeof(*ext));
	return request(nl, GPUMON_CMD_CONFIG_SET, false, false, &ds);
}

static const char *const attr_names[] = {
	[GPUMON_A_BDF] = "bdf",
	[GPUMON_A_INTERVAL_MS] = "interval-ms",
	[GPUMON_A_MATCH] = "match",
	[GPUMON_A_THERMAL_TYPES] = "thermal-types",
	[GPUMON_A_THERMAL_HYST_MC] = "thermal-hyst-mc",
	[GPUMON_A_RAPL_PERIOD_MS] = "rapl-period-ms",
};

static const char *const trip_type_names[] = {
	[GPUMON_TRIP_ACTIVE] = "active",
	[GPUMON_TRIP_PASSIVE] = "passive",
	[GPUMON_TRIP_HOT] = "hot",
	[GPUMON_TRIP_CRITICAL] = "critical",
};
static const char *const rapl_domain_names[] = {
	[GPUMON_RAPL_UNSPEC] = "unspec",
	[GPUMON_RAPL_PACKAGE] = "package",
	[GPUMON_RAPL_DRAM] = "dram",
};
static const char *const source_state_names[] = {
	[GPUMON_SOURCE_ON] = "on",
	[GPUMON_SOURCE_ABSENT] = "absent",
	[GPUMON_SOURCE_ERROR] = "error",
};

#define NAME_OR_UNKNOWN(tab, i)						\
	((i) < sizeof(tab) / sizeof((tab)[0]) && (tab)[i] ? (tab)[i] :	\
	 "unknown")

/**
 * gpumon_nl_trip_type_name() - "active", "passive", "hot", "critical".
 * @type: enum gpumon_trip_type
 *
 * Return: a static string; "unknown" for a type this build lacks.
 */
const char *gpumon_nl_trip_type_name(uint32_t type)
{
	return NAME_OR_UNKNOWN(trip_type_names, type);
}

/**
 * gpumon_nl_rapl_domain_name() - "package", "dram".
 * @domain: enum gpumon_rapl_domain
 *
 * Return: a static string; "unknown" for a domain this build lacks.
 */
const char *gpumon_nl_rapl_domain_name(uint32_t domain)
{
	return NAME_OR_UNKNOWN(rapl_domain_names, domain);
}

/**
 * gpumon_nl_source_state_name() - "on", "absent", "error".
 * @state: enum gpumon_source_state
 *
 * Return: a static string; "unknown" for a state this build lacks.
 */
const char *gpumon_nl_source_state_name(uint32_t state)
{
	return NAME_OR_UNKNOWN(source_state_names, state);
}

/**
 * gpumon_nl_attr_name() - the name docs/netlink/gpumon.yaml gives an
 * attribute, for messages: "interval-ms", "match", "thermal-types",
 * "thermal-hyst-mc", "rapl-period-ms", "bdf".
 * @attr: enum gpumon_attr
 *
 * Return: a static string; "unknown" for the attributes no request
 * carries.
 */
const char *gpumon_nl_attr_name(uint32_t attr)
{
	return NAME_OR_UNKNOWN(attr_names, attr);
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
