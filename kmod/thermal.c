// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: thermal zone sampling and trip crossings.
 *
 * Every sampling interval (the link interval, default 1 s, but never
 * under GPUMON_TZ_MIN_MS: each read runs under the genetlink mutex and
 * may evaluate ACPI methods) a delayed work item on a freezable ordered
 * workqueue (no reads while the machine suspends) lists the kernel's
 * thermal zones, reads the trip points and
 * the temperature of each zone whose type is selected (module parameter
 * thermal_types or netlink GPUMON_A_THERMAL_TYPES; all by default) and
 * judges every trip point with hysteresis:
 *
 *   asserted  when the temperature reaches the trip temperature,
 *   cleared   when it falls below the trip temperature less HYST,
 *
 * HYST being the larger of the trip's own hysteresis and a floor
 * (GPUMON_A_THERMAL_HYST_MC, default 2 C), so a zone hovering at a trip
 * whose driver declares no hysteresis does not chatter.  Each assertion
 * and clearing is an event naming the zone (id and type), the trip
 * (index, type, temperature, hysteresis) and the temperature; zones that
 * appear after load or go away (driver unbound or unloaded) are events
 * too, and a zone that went away keeps its counters.
 *
 * How the zones are read: the thermal core exports no iterator over its
 * zones to modules and does not count references on the pointers that
 * thermal_zone_get_zone_by_name() returns, which also fails for types
 * shared by several zones (one "x86_pkg_temp" per CPU package).  Its
 * generic netlink family "thermal" (drivers/thermal/thermal_netlink.c,
 * since 5.10; CONFIG_THERMAL_NETLINK, set in Debian's kernels) is the
 * stable interface that names every zone by id and type and reads trips
 * and temperatures under the core's own locking, so a zone removed
 * meanwhile is an error reply (on 6.12; 6.1's thermal_zone_get_by_id()
 * takes no reference, a window of the kernel's own that the module
 * cannot close).  The family is looked up once; when the kernel has
 * none, again only every GPUMON_TZ_RETRY (each lookup of a missing
 * family asks modprobe for it).  The module talks
 * to it through an in-kernel netlink socket (sock_create_kern()), from
 * the work item only, and never holds its own lock while it does: a
 * gpumon netlink command (run under the genetlink mutex) may take that
 * lock, and the thermal family's commands need the genetlink mutex.
 *
 * Commands used (uapi/linux/thermal.h): TZ_GET_ID (dump: one TZ nest of
 * TZ_ID, TZ_NAME pairs), TZ_GET_TRIP (TZ_ID -> one TZ_TRIP nest of
 * TRIP_ID, TRIP_TYPE, TRIP_TEMP, TRIP_HYST runs) and TZ_GET_TEMP (TZ_ID
 * -> TZ_ID, TZ_TEMP), the same on 6.1 and 6.12.
 *
 * Debugfs inject_thermal replaces the temperature read from a zone, so
 * crossings can be tested on machines whose zones cannot be heated.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/genetlink.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <linux/thermal.h>
#include <linux/uio.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "gpumon.h"

/* Most zones kept; more are counted and left out. */
#define GPUMON_MAX_ZONES	64
/* Receive buffer: a zone list or a trip list fits in one message. */
#define GPUMON_TZ_RXBUF		32768
/* Longest wait for a reply from the thermal family. */
#define GPUMON_TZ_TIMEOUT	HZ
/* Shortest thermal sweep interval, ms. */
#define GPUMON_TZ_MIN_MS	1000
/* Next lookup of a missing "thermal" family. */
#define GPUMON_TZ_RETRY		(300 * HZ)

/**
 * struct gpumon_tz - one thermal zone, in a slot that is reused only
 *	when the zone went away and its id was given to a new zone.
 * @info: what THERMAL_GET reports
 * @own_hyst: each trip's own hysteresis, as the thermal core reports it
 * @listed: seen in the zone list of the current sweep
 * @inj_active: the temperature read is replaced by @inj_temp (debugfs)
 * @inj_temp: the injected temperature, millidegrees Celsius
 */
struct gpumon_tz {
	struct gpumon_tz_info info;
	s32 own_hyst[GPUMON_MAX_TRIPS];
	bool listed;
	bool inj_active;
	s32 inj_temp;
};

/* One selected zone of a TZ_GET_ID reply. */
struct gpumon_tz_id {
	u32 id;
	char type[GPUMON_ZONE_LEN];
};

/* What one sweep read from one zone, before the lock is taken. */
struct gpumon_tz_read {
	int trips_err;
	unsigned int ntrips;
	struct gpumon_trip_info trips[GPUMON_MAX_TRIPS];
	s32 own_hyst[GPUMON_MAX_TRIPS];
	int temp_err;
	s32 temp;
};

/* The zone table, its configuration and state: under gpumon_tz_lock. */
static struct gpumon_tz gpumon_tz[GPUMON_MAX_ZONES];
static unsigned int gpumon_ntz;
static char gpumon_tz_types[GPUMON_THERMAL_TYPES_LEN];
static bool gpumon_tz_quiet;		/* next sweep: no ZONE_ADDED events */
static u32 gpumon_tz_state_val = GPUMON_SOURCE_ABSENT;
static char gpumon_tz_reason[GPUMON_REASON_LEN] = "not started";
static u64 gpumon_tz_sweep_ns;
static bool gpumon_tz_running;
static DEFINE_MUTEX(gpumon_tz_lock);

static u32 gpumon_tz_hyst_floor = GPUMON_THERMAL_HYST_DEFAULT_MC;

/* Used by the work item only. */
static struct socket *gpumon_tz_sock;
static u16 gpumon_tz_family;		/* 0: not resolved */
static u32 gpumon_tz_seq;
static bool gpumon_tz_unread;		/* the last request failed */
static void *gpumon_tz_rx;
static struct gpumon_tz_id *gpumon_tz_ids;
static struct gpumon_tz_read *gpumon_tz_rd;
static char gpumon_tz_sel[GPUMON_THERMAL_TYPES_LEN];	/* copy for a sweep */
static char gpumon_tz_unmatched[GPUMON_THERMAL_TYPES_LEN]; /* types of none */
static char gpumon_tz_warned[GPUMON_THERMAL_TYPES_LEN];	/* said for this */
static unsigned long gpumon_tz_resolve_at;	/* jiffies; 0: now */
static struct workqueue_struct *gpumon_tz_wq;

static void gpumon_tz_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(gpumon_tz_work, gpumon_tz_work_fn);

static int gpumon_hyst_param_set(const char *val, const struct kernel_param *kp)
{
	unsigned int mc;
	int ret;

	ret = gpumon_param_uint(val, 0, GPUMON_THERMAL_HYST_MAX_MC, &mc);
	if (!ret)
		gpumon_thermal_set_hyst(mc);
	return ret;
}

/*
 * thermal_types: checked when written (a malformed list fails the load,
 * naming the value); read back, the list in force, also after a
 * netlink change.
 */
static int gpumon_types_param_set(const char *val,
				  const struct kernel_param *kp)
{
	char buf[GPUMON_THERMAL_TYPES_LEN];

	/* Tolerate the newline of echo into the sysfs file. */
	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;
	strim(buf);
	if (gpumon_thermal_types_check(buf, NULL))
		return -EINVAL;
	mutex_lock(&gpumon_tz_lock);
	strscpy(gpumon_tz_types, buf, sizeof(gpumon_tz_types));
	gpumon_tz_quiet = true;
	mutex_unlock(&gpumon_tz_lock);
	return 0;
}

static int gpumon_types_param_get(char *buffer, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&gpumon_tz_lock);
	n = scnprintf(buffer, PAGE_SIZE, "%s\n", gpumon_tz_types);
	mutex_unlock(&gpumon_tz_lock);
	return n;
}

static const struct kernel_param_ops gpumon_types_param_ops = {
	.set	= gpumon_types_param_set,
	.get	= gpumon_types_param_get,
};

module_param_cb(thermal_types, &gpumon_types_param_ops, NULL, 0444);
MODULE_PARM_DESC(thermal_types,
		 "Thermal zones to sample, by type, comma-separated (e.g. thermal_types=x86_pkg_temp,acpitz); default all. A malformed list fails the load; CONFIG_SET changes it later");

static const struct kernel_param_ops gpumon_hyst_param_ops = {
	.set	= gpumon_hyst_param_set,
	.get	= param_get_uint,
};

module_param_cb(thermal_hyst_mc, &gpumon_hyst_param_ops,
		&gpumon_tz_hyst_floor, 0644);
MODULE_PARM_DESC(thermal_hyst_mc,
		 "Thermal hysteresis floor in millidegrees C, 0-20000 (default 2000): a trip clears below its temperature less the larger of this and its own hysteresis");

/* ---- the "thermal" generic netlink family, from the work item ---- */

/* Drop what an earlier, failed request left unread (gpumon_tz_unread). */
static void gpumon_tz_drain(void)
{
	struct msghdr msg = {};
	struct kvec iov = {
		.iov_base = gpumon_tz_rx,
		.iov_len = GPUMON_TZ_RXBUF,
	};

	while (kernel_recvmsg(gpumon_tz_sock, &msg, &iov, 1, GPUMON_TZ_RXBUF,
			      MSG_DONTWAIT) > 0)
		memset(&msg, 0, sizeof(msg));
}

/* Build one request: @nla_type/@data an optional attribute. */
static int gpumon_tz_send(u16 family, u8 cmd, u16 flags, u16 nla_type,
			  const void *data, int len)
{
	struct {
		struct nlmsghdr nlh;
		struct genlmsghdr genl;
		u8 attrs[NLA_HDRLEN + NLA_ALIGN(GPUMON_ZONE_LEN)];
	} req = {};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct msghdr msg = {
		.msg_name = &kernel,
		.msg_namelen = sizeof(kernel),
	};
	struct nlattr *nla = (struct nlattr *)req.attrs;
	size_t size = NLMSG_HDRLEN + GENL_HDRLEN;
	struct kvec iov;
	int ret;

	if (nla_type) {
		if (len > GPUMON_ZONE_LEN)
			return -EINVAL;
		nla->nla_type = nla_type;
		nla->nla_len = nla_attr_size(len);
		memcpy(nla_data(nla), data, len);
		size += nla_total_size(len);
	}
	req.nlh.nlmsg_len = size;
	req.nlh.nlmsg_type = family;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	req.nlh.nlmsg_seq = ++gpumon_tz_seq;
	req.genl.cmd = cmd;
	req.genl.version = 1;

	if (gpumon_tz_unread)
		gpumon_tz_drain();
	gpumon_tz_unread = false;
	iov.iov_base = &req;
	iov.iov_len = size;
	ret = kernel_sendmsg(gpumon_tz_sock, &msg, &iov, 1, size);
	return ret < 0 ? ret : 0;
}

/*
 * Read the replies to the last request: @cb is called with the
 * attributes of each one; a @dump ends with NLMSG_DONE.  The thermal
 * family's dump messages carry sequence number 0 and no NLM_F_MULTI
 * (thermal_genl_cmd_dumpit() puts them with genlmsg_put(skb, 0, 0, ...)),
 * so those are taken too.  Return: 0, a negative errno from the family
 * or the socket, -EPROTO for a reply cut short.
 */
static int __gpumon_tz_recv(bool dump,
			    int (*cb)(const struct nlattr *head, int len,
				      void *data), void *data)
{
	const struct nlmsghdr *nlh;
	struct msghdr msg;
	struct kvec iov;
	int len, ret;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = gpumon_tz_rx;
		iov.iov_len = GPUMON_TZ_RXBUF;
		len = kernel_recvmsg(gpumon_tz_sock, &msg, &iov, 1,
				     GPUMON_TZ_RXBUF, 0);
		if (len < 0)
			return len;
		if (msg.msg_flags & MSG_TRUNC)
			return -EPROTO;

		for (nlh = gpumon_tz_rx; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != gpumon_tz_seq &&
			    !(dump && !nlh->nlmsg_seq))
				continue;	/* late reply to a timed-out request */
			if (nlh->nlmsg_type == NLMSG_DONE) {
				/* netlink_dump() puts the dump's error here */
				if (nlh->nlmsg_len >= nlmsg_msg_size(sizeof(int)))
					return min(*(int *)nlmsg_data(nlh), 0);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = nlmsg_data(nlh);

				if (nlh->nlmsg_len < nlmsg_msg_size(sizeof(*e)))
					return -EPROTO;
				return e->error;
			}
			if (nlh->nlmsg_len < nlmsg_msg_size(GENL_HDRLEN))
				return -EPROTO;
			ret = cb(nlmsg_data(nlh) + GENL_HDRLEN,
				 nlh->nlmsg_len - nlmsg_msg_size(GENL_HDRLEN),
				 data);
			if (ret)
				return ret;
			if (!dump)
				return 0;
		}
	}
}

/* The same; a failed request may leave replies for the next to drain. */
static int gpumon_tz_recv(bool dump,
			  int (*cb)(const struct nlattr *head, int len,
				    void *data), void *data)
{
	int ret = __gpumon_tz_recv(dump, cb, data);

	gpumon_tz_unread = ret != 0;
	return ret;
}

static int gpumon_tz_family_cb(const struct nlattr *head, int len, void *data)
{
	const struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, head, len, rem)
		if (nla_type(nla) == CTRL_ATTR_FAMILY_ID &&
		    nla_len(nla) >= sizeof(u16))
			*(u16 *)data = nla_get_u16(nla);
	return 0;
}

/* The id of the "thermal" family, or an error (-ENOENT: none). */
static int gpumon_tz_resolve(void)
{
	u16 id = 0;
	int ret;

	ret = gpumon_tz_send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0,
			     CTRL_ATTR_FAMILY_NAME, THERMAL_GENL_FAMILY_NAME,
			     sizeof(THERMAL_GENL_FAMILY_NAME));
	if (!ret)
		ret = gpumon_tz_recv(false, gpumon_tz_family_cb, &id);
	if (ret)
		return ret;
	return id ? id : -ENOENT;
}

/* Whether @type is selected by the comma-separated @list (empty: all). */
/* Each item of a comma-separated @list: @p its start, @len its length. */
#define gpumon_for_each_item(p, len, list)				\
	for (p = (list); *p && ((len = strchrnul(p, ',') - p), true);	\
	     p += len + !!p[len])

static bool gpumon_tz_selected(const char *list, const char *type)
{
	size_t len, n = strlen(type);
	const char *p;

	gpumon_for_each_item(p, len, list)
		if (len == n && !strncmp(p, type, n))
			return true;
	return !*list;
}

/*
 * A zone list: @total zones, @n of them selected and kept, @skipped
 * selected past GPUMON_MAX_ZONES.
 */
struct gpumon_tz_list {
	unsigned int total;
	unsigned int n;
	unsigned int skipped;
};

static int gpumon_tz_ids_cb(const struct nlattr *head, int len, void *data)
{
	struct gpumon_tz_list *list = data;
	const struct nlattr *tz, *nla;
	struct gpumon_tz_id *zid;
	bool have_id = false;
	int rem, rem2;
	u32 id = 0;

	nla_for_each_attr(tz, head, len, rem) {
		if (nla_type(tz) != THERMAL_GENL_ATTR_TZ)
			continue;
		nla_for_each_nested(nla, tz, rem2) {
			if (nla_type(nla) == THERMAL_GENL_ATTR_TZ_ID &&
			    nla_len(nla) >= sizeof(u32)) {
				id = nla_get_u32(nla);
				have_id = true;
			} else if (nla_type(nla) == THERMAL_GENL_ATTR_TZ_NAME &&
				   have_id) {
				have_id = false;
				list->total++;
				if (list->n == GPUMON_MAX_ZONES) {
					list->skipped++;
					continue;
				}
				zid = &gpumon_tz_ids[list->n];
				zid->id = id;
				nla_strscpy(zid->type, nla, GPUMON_ZONE_LEN);
				if (gpumon_tz_selected(gpumon_tz_sel, zid->type))
					list->n++;
			}
		}
	}
	return 0;
}

static int gpumon_tz_trips_cb(const struct nlattr *head, int len, void *data)
{
	struct gpumon_tz_read *rd = data;
	struct gpumon_trip_info *t = NULL;
	const struct nlattr *trip, *nla;
	int rem, rem2;

	nla_for_each_attr(trip, head, len, rem) {
		if (nla_type(trip) != THERMAL_GENL_ATTR_TZ_TRIP)
			continue;
		nla_for_each_nested(nla, trip, rem2) {
			if (nla_len(nla) < sizeof(u32))
				continue;
			switch (nla_type(nla)) {
			case THERMAL_GENL_ATTR_TZ_TRIP_ID:
				t = NULL;
				if (rd->ntrips == GPUMON_MAX_TRIPS)
					break;
				t = &rd->trips[rd->ntrips++];
				memset(t, 0, sizeof(*t));
				t->id = nla_get_u32(nla);
				break;
			case THERMAL_GENL_ATTR_TZ_TRIP_TYPE:
				if (t)
					t->type = nla_get_u32(nla);
				break;
			case THERMAL_GENL_ATTR_TZ_TRIP_TEMP:
				if (t)
					t->temp = (s32)nla_get_u32(nla);
				break;
			case THERMAL_GENL_ATTR_TZ_TRIP_HYST:
				if (t)
					rd->own_hyst[t - rd->trips] =
						(s32)nla_get_u32(nla);
				break;
			}
		}
	}
	return 0;
}

static int gpumon_tz_temp_cb(const struct nlattr *head, int len, void *data)
{
	const struct nlattr *nla;
	int rem, ret = -EPROTO;

	nla_for_each_attr(nla, head, len, rem)
		if (nla_type(nla) == THERMAL_GENL_ATTR_TZ_TEMP &&
		    nla_len(nla) >= sizeof(u32)) {
			*(s32 *)data = (s32)nla_get_u32(nla);
			ret = 0;
		}
	return ret;
}

static void gpumon_tz_read_zone(u32 id, struct gpumon_tz_read *rd)
{
	memset(rd, 0, sizeof(*rd));
	rd->trips_err = gpumon_tz_send(gpumon_tz_family,
				       THERMAL_GENL_CMD_TZ_GET_TRIP, 0,
				       THERMAL_GENL_ATTR_TZ_ID, &id,
				       sizeof(id));
	if (!rd->trips_err)
		rd->trips_err = gpumon_tz_recv(false, gpumon_tz_trips_cb,
					       rd);
	rd->temp_err = gpumon_tz_send(gpumon_tz_family,
				      THERMAL_GENL_CMD_TZ_GET_TEMP, 0,
				      THERMAL_GENL_ATTR_TZ_ID, &id, sizeof(id));
	if (!rd->temp_err)
		rd->temp_err = gpumon_tz_recv(false, gpumon_tz_temp_cb,
					      &rd->temp);
}

/* ---- the zone table, under gpumon_tz_lock ---- */

static u32 gpumon_trip_severity(u32 type)
{
	switch (type) {
	case GPUMON_TRIP_CRITICAL:
		return GPUMON_SEV_CRITICAL;
	case GPUMON_TRIP_HOT:
		return GPUMON_SEV_ERROR;
	case GPUMON_TRIP_PASSIVE:
		return GPUMON_SEV_WARNING;
	default:
		return GPUMON_SEV_INFO;
	}
}

static void gpumon_tz_event(const struct gpumon_tz *tz, u32 kind,
			    u32 severity, const struct gpumon_trip_info *t)
{
	struct gpumon_event ev;

	gpumon_event_init(&ev, kind, severity, NULL);
	strscpy(ev.zone, tz->info.type, sizeof(ev.zone));
	ev.zone_id = tz->info.id;
	if (t) {
		ev.temp_mc = tz->info.temp;
		ev.trip = t->id;
		ev.trip_type = t->type;
		ev.trip_temp = t->temp;
		ev.trip_hyst = t->hyst;
	}
	gpumon_event_emit(&ev);
}

static struct gpumon_tz *gpumon_tz_find(u32 id)
{
	unsigned int i;

	for (i = 0; i < gpumon_ntz; i++)
		if (gpumon_tz[i].info.id == id)
			return &gpumon_tz[i];
	return NULL;
}

/* (Re)start a slot for zone @zid; NULL when the table is full. */
static struct gpumon_tz *gpumon_tz_add(struct gpumon_tz *tz,
				       const struct gpumon_tz_id *zid,
				       bool quiet)
{
	if (!tz) {
		if (gpumon_ntz == GPUMON_MAX_ZONES)
			return NULL;
		tz = &gpumon_tz[gpumon_ntz++];
	}
	memset(tz, 0, sizeof(*tz));
	tz->info.id = zid->id;
	strscpy(tz->info.type, zid->type, sizeof(tz->info.type));
	tz->info.state = GPUMON_STATE_PRESENT;
	if (!quiet)
		gpumon_tz_event(tz, GPUMON_EVENT_THERMAL_ZONE_ADDED,
				GPUMON_SEV_INFO, NULL);
	return tz;
}

static void gpumon_tz_remove(struct gpumon_tz *tz)
{
	unsigned int i;

	tz->info.state = GPUMON_STATE_REMOVED;
	tz->inj_active = false;
	for (i = 0; i < tz->info.ntrips; i++)
		tz->info.trips[i].asserted = false;
	gpumon_tz_event(tz, GPUMON_EVENT_THERMAL_ZONE_REMOVED,
			GPUMON_SEV_WARNING, NULL);
}

/*
 * Take in the trips read (keeping each one's state and count when the
 * trip is the same), then judge each against the temperature.
 */
static void gpumon_tz_update(struct gpumon_tz *tz,
			     const struct gpumon_tz_read *rd)
{
	struct gpumon_tz_info *in = &tz->info;
	struct gpumon_trip_info *t;
	unsigned int i, j;
	s32 temp;

	if (!rd->trips_err) {
		struct gpumon_trip_info old[GPUMON_MAX_TRIPS];
		unsigned int nold = in->ntrips;

		memcpy(old, in->trips, sizeof(old));
		in->ntrips = rd->ntrips;
		for (i = 0; i < rd->ntrips; i++) {
			t = &in->trips[i];
			*t = rd->trips[i];
			tz->own_hyst[i] = rd->own_hyst[i];
			for (j = 0; j < nold; j++) {
				if (old[j].id == t->id &&
				    old[j].type == t->type) {
					t->asserted = old[j].asserted;
					t->crossings = old[j].crossings;
					break;
				}
			}
		}
	}
	for (i = 0; i < in->ntrips; i++)
		in->trips[i].hyst = max_t(s32, tz->own_hyst[i],
					  READ_ONCE(gpumon_tz_hyst_floor));

	if (!tz->inj_active && rd->temp_err) {
		in->read_errors++;
		return;
	}
	temp = tz->inj_active ? tz->inj_temp : rd->temp;
	in->samples++;
	in->temp = temp;
	in->temp_max = in->temp_valid ? max(in->temp_max, temp) : temp;
	in->temp_valid = true;

	for (i = 0; i < in->ntrips; i++) {
		t = &in->trips[i];
		if (t->temp <= THERMAL_TEMP_INVALID) {
			t->asserted = false;	/* disabled: nothing to clear */
			continue;
		}
		if (!t->asserted && temp >= t->temp) {
			t->asserted = true;
			t->crossings++;
			gpumon_tz_event(tz, GPUMON_EVENT_THERMAL_TRIP,
					gpumon_trip_severity(t->type), t);
		} else if (t->asserted && (s64)temp < (s64)t->temp - t->hyst) {
			t->asserted = false;
			gpumon_tz_event(tz, GPUMON_EVENT_THERMAL_TRIP_CLEARED,
					GPUMON_SEV_INFO, t);
		}
	}
}

static __printf(2, 3) void gpumon_tz_set_state(u32 state, const char *fmt,
						...)
{
	va_list args;

	gpumon_tz_state_val = state;
	va_start(args, fmt);
	vsnprintf(gpumon_tz_reason, sizeof(gpumon_tz_reason), fmt, args);
	va_end(args);
}

/*
 * The selected types no zone of the @n listed has, comma-separated,
 * into gpumon_tz_unmatched (a typo in thermal_types shows there).
 */
static void gpumon_tz_find_unmatched(unsigned int n)
{
	char *out = gpumon_tz_unmatched, *end = out + sizeof(gpumon_tz_unmatched);
	unsigned int i;
	const char *p;
	size_t len;

	*out = '\0';
	gpumon_for_each_item(p, len, gpumon_tz_sel) {
		for (i = 0; i < n; i++)
			if (strlen(gpumon_tz_ids[i].type) == len &&
			    !strncmp(gpumon_tz_ids[i].type, p, len))
				break;
		if (i == n && out + len + 2 < end) {
			if (out != gpumon_tz_unmatched)
				*out++ = ',';
			memcpy(out, p, len);
			out += len;
			*out = '\0';
		}
	}
}

/* Look the family up, unless the kernel had none a moment ago. */
static int gpumon_tz_family_get(void)
{
	int ret;

	if (gpumon_tz_family)
		return 0;
	if (gpumon_tz_resolve_at && time_before(jiffies, gpumon_tz_resolve_at))
		return -ENOENT;
	ret = gpumon_tz_resolve();
	gpumon_tz_resolve_at = ret == -ENOENT ? jiffies + GPUMON_TZ_RETRY : 0;
	if (ret < 0) {
		mutex_lock(&gpumon_tz_lock);
		if (ret == -ENOENT)
			gpumon_tz_set_state(GPUMON_SOURCE_ABSENT,
					    "no \"thermal\" generic netlink family (CONFIG_THERMAL_NETLINK off)");
		else
			gpumon_tz_set_state(GPUMON_SOURCE_ERROR,
					    "cannot resolve the \"thermal\" netlink family: %d",
					    ret);
		mutex_unlock(&gpumon_tz_lock);
		return ret;
	}
	gpumon_tz_family = ret;
	return 0;
}

/* One sweep; returns 0, or the error that stopped it (state set). */
static int gpumon_tz_sweep(void)
{
	struct gpumon_tz_list list = {};
	unsigned int i, sampled, full;
	struct gpumon_tz *tz;
	bool quiet;
	int ret;

	ret = gpumon_tz_family_get();
	if (ret)
		return ret;

	/* The selection this sweep works with; the list keeps only it. */
	mutex_lock(&gpumon_tz_lock);
	strscpy(gpumon_tz_sel, gpumon_tz_types, sizeof(gpumon_tz_sel));
	quiet = gpumon_tz_quiet;
	mutex_unlock(&gpumon_tz_lock);

	ret = gpumon_tz_send(gpumon_tz_family, THERMAL_GENL_CMD_TZ_GET_ID,
			     NLM_F_DUMP, 0, NULL, 0);
	if (!ret)
		ret = gpumon_tz_recv(true, gpumon_tz_ids_cb, &list);
	if (ret) {
		mutex_lock(&gpumon_tz_lock);
		gpumon_tz_set_state(GPUMON_SOURCE_ERROR,
				    "thermal zone list failed: %d", ret);
		mutex_unlock(&gpumon_tz_lock);
		/* The family may have gone and come back with a new id. */
		gpumon_tz_family = 0;
		return ret;
	}

	/* Read outside the lock: the thermal family needs genl_mutex. */
	for (i = 0; i < list.n; i++)
		gpumon_tz_read_zone(gpumon_tz_ids[i].id, &gpumon_tz_rd[i]);
	gpumon_tz_find_unmatched(list.n);

	mutex_lock(&gpumon_tz_lock);
	/* A selection changed meanwhile is applied by the next sweep. */
	if (!strcmp(gpumon_tz_sel, gpumon_tz_types))
		gpumon_tz_quiet = false;	/* else set again meanwhile */
	for (i = 0; i < gpumon_ntz; i++)
		gpumon_tz[i].listed = false;
	sampled = 0;
	full = 0;
	for (i = 0; i < list.n; i++) {
		struct gpumon_tz_id *zid = &gpumon_tz_ids[i];

		tz = gpumon_tz_find(zid->id);
		if (tz && tz->info.state == GPUMON_STATE_PRESENT &&
		    strcmp(tz->info.type, zid->type))
			gpumon_tz_remove(tz);	/* the id was reused */
		if (!tz || tz->info.state == GPUMON_STATE_REMOVED)
			tz = gpumon_tz_add(tz, zid, quiet);
		if (!tz) {
			full++;
			continue;
		}
		sampled++;
		tz->listed = true;
		gpumon_tz_update(tz, &gpumon_tz_rd[i]);
	}
	for (i = 0; i < gpumon_ntz; i++) {
		tz = &gpumon_tz[i];
		if (!tz->listed && tz->info.state == GPUMON_STATE_PRESENT) {
			if (gpumon_tz_selected(gpumon_tz_sel, tz->info.type))
				gpumon_tz_remove(tz);
			else	/* deselected: forget it, no event */
				gpumon_tz[i--] = gpumon_tz[--gpumon_ntz];
		}
	}
	gpumon_tz_set_state(GPUMON_SOURCE_ON, "%u of %u zones%s%s%s%s%s",
			    sampled, list.total,
			    *gpumon_tz_sel ? " (types " : "",
			    gpumon_tz_sel, *gpumon_tz_sel ? ")" : "",
			    *gpumon_tz_unmatched ? "; no zone of type " : "",
			    gpumon_tz_unmatched);
	if (*gpumon_tz_unmatched && strcmp(gpumon_tz_warned, gpumon_tz_sel)) {
		pr_warn("thermal_types %s: no zone of type %s\n",
			gpumon_tz_sel, gpumon_tz_unmatched);
		strscpy(gpumon_tz_warned, gpumon_tz_sel,
			sizeof(gpumon_tz_warned));
	}
	if (list.skipped || full)
		pr_warn_once("more than %d thermal zones selected: %u not sampled\n",
			     GPUMON_MAX_ZONES, list.skipped + full);
	mutex_unlock(&gpumon_tz_lock);
	return 0;
}

static unsigned int gpumon_tz_interval(void)
{
	return max_t(unsigned int, gpumon_link_interval(), GPUMON_TZ_MIN_MS);
}

static void gpumon_tz_work_fn(struct work_struct *work)
{
	u64 t0 = ktime_get_ns();
	bool running;

	gpumon_tz_sweep();

	mutex_lock(&gpumon_tz_lock);
	gpumon_tz_sweep_ns = ktime_get_ns() - t0;
	running = gpumon_tz_running;
	mutex_unlock(&gpumon_tz_lock);
	if (running)
		queue_delayed_work(gpumon_tz_wq, &gpumon_tz_work,
				   msecs_to_jiffies(gpumon_tz_interval()));
}

/**
 * gpumon_thermal_types_check() - check a zone type list, change nothing
 * @types: zone types, comma-separated; "" for all
 * @extack: where to say what is wrong, or NULL
 *
 * Return: 0, or -EINVAL.
 */
int gpumon_thermal_types_check(const char *types,
			       struct netlink_ext_ack *extack)
{
	const char *p;
	size_t len, i;

	if (strlen(types) >= GPUMON_THERMAL_TYPES_LEN) {
		NL_SET_ERR_MSG(extack, "thermal type list too long");
		return -EINVAL;
	}
	gpumon_for_each_item(p, len, types) {
		if (!len || len >= GPUMON_ZONE_LEN) {
			NL_SET_ERR_MSG(extack,
				       "thermal type list: empty item, or one longer than 19 characters");
			return -EINVAL;
		}
		for (i = 0; i < len; i++) {
			if (!isalnum(p[i]) && !strchr("_-. ", p[i])) {
				NL_SET_ERR_MSG(extack,
					       "thermal type list: types are letters, digits, '_', '-', '.' and spaces, separated by ','");
				return -EINVAL;
			}
		}
	}
	/* The loop stops at the end, so a trailing ',' is an empty item. */
	if (*types && types[strlen(types) - 1] == ',') {
		NL_SET_ERR_MSG(extack,
			       "thermal type list: empty item, or one longer than 19 characters");
		return -EINVAL;
	}
	return 0;
}

/**
 * gpumon_thermal_set_types() - choose the thermal zones sampled
 * @types: zone types, comma-separated ("acpitz,x86_pkg_temp"); "" for all
 * @extack: where to say what is wrong, or NULL
 *
 * Zones no longer selected are forgotten (no event); newly selected
 * ones are sampled at the next sweep, which is started now.  Never
 * waits for the sampler: safe under the genetlink mutex.
 *
 * Return: 0, or -EINVAL for a malformed list (nothing changed).
 */
int gpumon_thermal_set_types(const char *types, struct netlink_ext_ack *extack)
{
	int ret;

	ret = gpumon_thermal_types_check(types, extack);
	if (ret)
		return ret;
	mutex_lock(&gpumon_tz_lock);
	strscpy(gpumon_tz_types, types, sizeof(gpumon_tz_types));
	gpumon_tz_quiet = true;
	mutex_unlock(&gpumon_tz_lock);
	gpumon_thermal_kick();
	return 0;
}

/**
 * gpumon_thermal_types_get() - the zone types sampled, "" for all
 * @buf: where to copy the list
 * @size: its size, at least GPUMON_THERMAL_TYPES_LEN to hold any list
 *
 * Return: as strscpy().
 */
size_t gpumon_thermal_types_get(char *buf, size_t size)
{
	ssize_t n;

	mutex_lock(&gpumon_tz_lock);
	n = strscpy(buf, gpumon_tz_types, size);
	mutex_unlock(&gpumon_tz_lock);
	return n;
}

/**
 * gpumon_thermal_set_hyst() - set the hysteresis floor
 * @mc: millidegrees Celsius, at most GPUMON_THERMAL_HYST_MAX_MC
 *
 * Applies from the next sweep on.
 */
void gpumon_thermal_set_hyst(u32 mc)
{
	WRITE_ONCE(gpumon_tz_hyst_floor, min_t(u32, mc,
					       GPUMON_THERMAL_HYST_MAX_MC));
}

/**
 * gpumon_thermal_hyst() - the hysteresis floor
 *
 * Return: millidegrees Celsius.
 */
u32 gpumon_thermal_hyst(void)
{
	return READ_ONCE(gpumon_tz_hyst_floor);
}

/**
 * gpumon_thermal_kick() - sweep now, then every interval again
 *
 * Used when the interval or the zone selection changes.  Never waits.
 */
void gpumon_thermal_kick(void)
{
	mutex_lock(&gpumon_tz_lock);
	if (gpumon_tz_running)
		mod_delayed_work(gpumon_tz_wq, &gpumon_tz_work, 0);
	mutex_unlock(&gpumon_tz_lock);
}

/**
 * gpumon_thermal_zone_at() - copy one zone of the table
 * @idx: 0 up
 * @out: the copy
 *
 * Process context.
 *
 * Return: 0, or -ENOENT past the last zone.
 */
int gpumon_thermal_zone_at(unsigned int idx, struct gpumon_tz_info *out)
{
	int ret = -ENOENT;

	mutex_lock(&gpumon_tz_lock);
	if (idx < gpumon_ntz) {
		*out = gpumon_tz[idx].info;
		ret = 0;
	}
	mutex_unlock(&gpumon_tz_lock);
	return ret;
}

/**
 * gpumon_thermal_state() - whether zones are sampled, and why not
 * @reason: filled with a sentence: what is sampled, or what is missing
 * @size: its size
 *
 * Return: enum gpumon_source_state.
 */
u32 gpumon_thermal_state(char *reason, size_t size)
{
	u32 state;

	mutex_lock(&gpumon_tz_lock);
	state = gpumon_tz_state_val;
	if (state == GPUMON_SOURCE_ON)
		snprintf(reason, size, "sampling %s every %u ms, last sweep %llu us",
			 gpumon_tz_reason, gpumon_tz_interval(),
			 gpumon_tz_sweep_ns / NSEC_PER_USEC);
	else
		strscpy(reason, gpumon_tz_reason, size);
	mutex_unlock(&gpumon_tz_lock);
	return state;
}

/**
 * gpumon_thermal_inject() - replace the temperature read from a zone
 * @id: zone id (the N of thermal_zoneN)
 * @clear: go back to the real temperature
 * @temp_mc: the temperature to report, millidegrees Celsius
 *
 * The zone is swept at once, before this returns, so its trip crossings
 * are queued as events by then.  Process context; debugfs only.
 *
 * Return: 0, or -ENODEV when the zone is not sampled.
 */
int gpumon_thermal_inject(u32 id, bool clear, s32 temp_mc)
{
	struct gpumon_tz *tz;
	int ret = -ENODEV;

	mutex_lock(&gpumon_tz_lock);
	tz = gpumon_tz_find(id);
	if (tz && tz->info.state == GPUMON_STATE_PRESENT) {
		tz->inj_active = !clear;
		tz->inj_temp = temp_mc;
		ret = 0;
	}
	mutex_unlock(&gpumon_tz_lock);
	if (!ret) {
		gpumon_thermal_kick();
		flush_delayed_work(&gpumon_tz_work);
	}
	return ret;
}

/* The workqueue and buffers; the work is not queued any more. */
static void gpumon_tz_free(void)
{
	if (gpumon_tz_wq)
		destroy_workqueue(gpumon_tz_wq);
	gpumon_tz_wq = NULL;
	kfree(gpumon_tz_rd);
	kfree(gpumon_tz_ids);
	kfree(gpumon_tz_rx);
	gpumon_tz_rd = NULL;
	gpumon_tz_ids = NULL;
	gpumon_tz_rx = NULL;
}

/**
 * gpumon_thermal_init() - start sampling thermal zones
 *
 * The zone types are those of the thermal_types parameter (all by
 * default).  A kernel without thermal netlink is reported
 * (THERMAL_STATE) and the rest of the module runs on.  Zones present
 * now raise no ZONE_ADDED events.
 *
 * Return: 0, or -ENOMEM.
 */
int gpumon_thermal_init(void)
{
	int ret;

	/* The ABI passes the kernel's trip types through unchanged. */
	BUILD_BUG_ON(GPUMON_TRIP_ACTIVE - (int)THERMAL_TRIP_ACTIVE);
	BUILD_BUG_ON(GPUMON_TRIP_PASSIVE - (int)THERMAL_TRIP_PASSIVE);
	BUILD_BUG_ON(GPUMON_TRIP_HOT - (int)THERMAL_TRIP_HOT);
	BUILD_BUG_ON(GPUMON_TRIP_CRITICAL - (int)THERMAL_TRIP_CRITICAL);

	mutex_lock(&gpumon_tz_lock);
	gpumon_tz_quiet = true;
	mutex_unlock(&gpumon_tz_lock);

	gpumon_tz_wq = alloc_ordered_workqueue("gpumon_thermal", WQ_FREEZABLE);
	gpumon_tz_rx = kmalloc(GPUMON_TZ_RXBUF, GFP_KERNEL);
	gpumon_tz_ids = kcalloc(GPUMON_MAX_ZONES, sizeof(*gpumon_tz_ids),
				GFP_KERNEL);
	gpumon_tz_rd = kcalloc(GPUMON_MAX_ZONES, sizeof(*gpumon_tz_rd),
			       GFP_KERNEL);
	if (!gpumon_tz_wq || !gpumon_tz_rx || !gpumon_tz_ids || !gpumon_tz_rd) {
		ret = -ENOMEM;
		goto err_free;
	}

	ret = sock_create_kern(&init_net, PF_NETLINK, SOCK_RAW,
			       NETLINK_GENERIC, &gpumon_tz_sock);
	if (ret) {
		mutex_lock(&gpumon_tz_lock);
		gpumon_tz_set_state(GPUMON_SOURCE_ERROR,
				    "cannot open a netlink socket: %d", ret);
		mutex_unlock(&gpumon_tz_lock);
		pr_warn("thermal zones not sampled: cannot open a netlink socket: %d\n",
			ret);
		gpumon_tz_sock = NULL;
		goto err_free;
	}
	gpumon_tz_sock->sk->sk_rcvtimeo = GPUMON_TZ_TIMEOUT;
	gpumon_tz_sock->sk->sk_sndtimeo = GPUMON_TZ_TIMEOUT;

	/*
	 * The first sweep here, while nothing can queue the work (kicks
	 * wait for "running"), so the zones are known when init returns.
	 */
	gpumon_tz_work_fn(&gpumon_tz_work.work);
	mutex_lock(&gpumon_tz_lock);
	if (gpumon_tz_state_val != GPUMON_SOURCE_ON)
		pr_info("thermal zones not sampled: %s\n", gpumon_tz_reason);
	gpumon_tz_running = true;
	queue_delayed_work(gpumon_tz_wq, &gpumon_tz_work,
			   msecs_to_jiffies(gpumon_tz_interval()));
	mutex_unlock(&gpumon_tz_lock);
	return 0;

err_free:
	gpumon_tz_free();
	return ret;
}

/**
 * gpumon_thermal_exit() - stop sampling; no event is queued after this
 */
void gpumon_thermal_exit(void)
{
	mutex_lock(&gpumon_tz_lock);
	gpumon_tz_running = false;
	mutex_unlock(&gpumon_tz_lock);
	if (gpumon_tz_wq)
		cancel_delayed_work_sync(&gpumon_tz_work);
	if (gpumon_tz_sock)
		sock_release(gpumon_tz_sock);
	gpumon_tz_sock = NULL;
	gpumon_tz_free();
}
