// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: generic netlink family "gpumon" (ABI: include/uapi/gpumon.h).
 *
 * GPUMON_CMD_DEV_GET: dump of every watched device, or one device named
 * by GPUMON_A_BDF: identity, topology, state, AER and link counters.
 * GPUMON_CMD_CONFIG_GET / _SET: sampling interval, match list, thermal
 * zone types and hysteresis floor, RAPL sampling period.
 * GPUMON_CMD_COUNTERS_RESET: zero one device's counters, or all.
 * GPUMON_CMD_STATS_GET: last sequence number, events lost per kind,
 * sampling cost, thermal and RAPL source state.
 * GPUMON_CMD_THERMAL_GET: dump of the thermal zones sampled.
 * GPUMON_CMD_POWER_GET: dump of the RAPL energy domains.
 * GPUMON_CMD_EVENT: notification on the "events" group, one per event.
 *
 * Reads are open to all users; _SET and _RESET need CAP_NET_ADMIN
 * (GENL_ADMIN_PERM).  Each command has its own strict policy: an
 * attribute it does not take is refused, with an extack message.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "compat.h"
#include "gpumon.h"

enum gpumon_nl_mcgrp {
	GPUMON_NLGRP_EVENTS,
};

static const struct nla_policy gpumon_bdf_policy[GPUMON_A_BDF + 1] = {
	[GPUMON_A_BDF]		= { .type = NLA_NUL_STRING,
				    .len = GPUMON_BDF_LEN - 1 },
};

static const struct nla_policy gpumon_dev_get_policy[GPUMON_A_MAX + 1] = {
	[GPUMON_A_BDF]		= { .type = NLA_NUL_STRING,
				    .len = GPUMON_BDF_LEN - 1 },
	[GPUMON_A_WITH_REMOVED]	= { .type = NLA_FLAG },
};

/* Commands without attributes: anything past PAD is refused. */
static const struct nla_policy gpumon_none_policy[GPUMON_A_PAD + 1] = {
	[GPUMON_A_PAD]		= { .type = NLA_REJECT },
};

/*
 * Full range: NLA_POLICY_RANGE holds only s16 bounds.  Not const: 6.1's
 * nla_policy points to a mutable one.
 */
static struct netlink_range_validation gpumon_interval_range = {
	.min	= GPUMON_INTERVAL_MIN_MS,
	.max	= GPUMON_INTERVAL_MAX_MS,
};

static struct netlink_range_validation gpumon_hyst_range = {
	.min	= 0,
	.max	= GPUMON_THERMAL_HYST_MAX_MC,
};

static struct netlink_range_validation gpumon_rapl_period_range = {
	.min	= GPUMON_RAPL_PERIOD_MIN_MS,
	.max	= GPUMON_RAPL_PERIOD_MAX_MS,
};

static const struct nla_policy gpumon_config_policy[GPUMON_A_RAPL_PERIOD_MS + 1] = {
	[GPUMON_A_INTERVAL_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
							&gpumon_interval_range),
	[GPUMON_A_MATCH]	= { .type = NLA_NUL_STRING,
				    .len = GPUMON_MATCH_LEN - 1 },
	[GPUMON_A_THERMAL_TYPES] = { .type = NLA_NUL_STRING,
				     .len = GPUMON_THERMAL_TYPES_LEN - 1 },
	[GPUMON_A_THERMAL_HYST_MC] = NLA_POLICY_FULL_RANGE(NLA_U32,
							   &gpumon_hyst_range),
	[GPUMON_A_RAPL_PERIOD_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&gpumon_rapl_period_range),
};

static struct genl_family gpumon_nl_family;

/*
 * Set under genl_mutex once the module is up, cleared the same way when
 * it starts unloading: only in between does a command change anything
 * (our commands run under genl_mutex, the family having no
 * parallel_ops), so none can rescan the bus before the devices are set
 * up or after the notifier is gone, or queue an event after the last
 * flush.
 */
static bool gpumon_nl_live;

static int gpumon_nl_check_live(struct genl_info *info)
{
	if (gpumon_nl_live)
		return 0;
	NL_SET_ERR_MSG(info->extack, "gpumon is loading or unloading");
	return -EAGAIN;
}

static int gpumon_nl_put_bits(struct sk_buff *skb, int attr,
			      atomic64_t *bits)
{
	struct nlattr *nest;
	unsigned int i;
	u64 n;

	for (i = 0; i < GPUMON_AER_BITS; i++) {
		n = atomic64_read(&bits[i]);
		if (!n)
			continue;
		nest = nla_nest_start(skb, attr);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_u32(skb, GPUMON_A_BIT_NUM, i) ||
		    nla_put_u64_64bit(skb, GPUMON_A_BIT_COUNT, n,
				      GPUMON_A_BIT_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
	}
	return 0;
}

/*
 * The LINK nest: @l when @valid; the counters of @gdev if given (device
 * replies), else @ev's flap and suppressed counts (events).
 */
static int gpumon_nl_put_link(struct sk_buff *skb, const struct gpumon_link *l,
			      bool valid, const struct gpumon_dev *gdev,
			      const struct gpumon_event *ev)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, GPUMON_A_LINK);
	if (!nest)
		return -EMSGSIZE;
	if (valid &&
	    (nla_put_u32(skb, GPUMON_A_LINK_CUR_SPEED, l->cur_speed) ||
	     nla_put_u32(skb, GPUMON_A_LINK_CUR_WIDTH, l->cur_width) ||
	     nla_put_u32(skb, GPUMON_A_LINK_MAX_SPEED, l->max_speed) ||
	     nla_put_u32(skb, GPUMON_A_LINK_MAX_WIDTH, l->max_width) ||
	     (l->dll_supported &&
	      nla_put_u32(skb, GPUMON_A_LINK_DLL_ACTIVE, l->dll_active))))
		goto err_cancel_nest;
	if (gdev &&
	    (nla_put_u64_64bit(skb, GPUMON_A_LINK_DOWNTRAINED,
			       gdev->n_downtrained, GPUMON_A_LINK_PAD) ||
	     nla_put_u64_64bit(skb, GPUMON_A_LINK_DOWN, gdev->n_link_down,
			       GPUMON_A_LINK_PAD) ||
	     nla_put_u64_64bit(skb, GPUMON_A_LINK_NOT_RESPONDING,
			       gdev->n_not_responding, GPUMON_A_LINK_PAD) ||
	     nla_put_u64_64bit(skb, GPUMON_A_LINK_FLAPS, gdev->n_flaps,
			       GPUMON_A_LINK_PAD) ||
	     nla_put_u64_64bit(skb, GPUMON_A_LINK_SUPPRESSED,
			       gdev->n_suppressed, GPUMON_A_LINK_PAD)))
		goto err_cancel_nest;
	if (ev && (ev->flaps || ev->suppressed) &&
	    (nla_put_u64_64bit(skb, GPUMON_A_LINK_FLAPS, ev->flaps,
			       GPUMON_A_LINK_PAD) ||
	     nla_put_u64_64bit(skb, GPUMON_A_LINK_SUPPRESSED, ev->suppressed,
			       GPUMON_A_LINK_PAD)))
		goto err_cancel_nest;
	nla_nest_end(skb, nest);
	return 0;

err_cancel_nest:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* BELOW_BDF: the present endpoints whose path goes through @port. */
static int gpumon_nl_put_below(struct sk_buff *skb,
			       const struct gpumon_dev *port)
{
	const struct gpumon_dev *ep, *up;
	unsigned int i, hops;

	for (i = 0; (ep = gpumon_dev_at(i)); i++) {
		if (!ep->watched || !ep->pdev || ep == port ||
		    ep->role == GPUMON_ROLE_ROOT_PORT ||
		    ep->role == GPUMON_ROLE_SWITCH_UP ||
		    ep->role == GPUMON_ROLE_SWITCH_DOWN ||
		    ep->role == GPUMON_ROLE_BRIDGE)
			continue;
		/* Walk up the cached parents; paths are short. */
		for (up = ep, hops = 0; up && *up->parent && hops < 32;
		     hops++) {
			if (!strcmp(up->parent, port->bdf)) {
				if (nla_put_string(skb, GPUMON_A_BELOW_BDF,
						   ep->bdf))
					return -EMSGSIZE;
				break;
			}
			up = gpumon_dev_find(up->parent);
		}
	}
	return 0;
}

/* One device; the devices lock held. */
static int gpumon_nl_fill_dev(struct sk_buff *skb, struct gpumon_dev *gdev,
			      u32 portid, u32 seq, int flags)
{
	unsigned long irqflags;
	u64 first, last;
	u32 tlp[4];
	bool tlp_valid;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &gpumon_nl_family, flags,
			  GPUMON_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;

	spin_lock_irqsave(&gdev->aer_lock, irqflags);
	first = gdev->aer_first_ns;
	last = gdev->aer_last_ns;
	tlp_valid = gdev->aer_tlp_valid;
	memcpy(tlp, gdev->aer_tlp, sizeof(tlp));
	spin_unlock_irqrestore(&gdev->aer_lock, irqflags);

	if (nla_put_string(skb, GPUMON_A_BDF, gdev->bdf) ||
	    nla_put_u16(skb, GPUMON_A_VENDOR, gdev->vendor) ||
	    nla_put_u16(skb, GPUMON_A_DEVICE, gdev->device) ||
	    nla_put_u32(skb, GPUMON_A_CLASS, gdev->class) ||
	    nla_put_u32(skb, GPUMON_A_ROLE, gdev->role) ||
	    nla_put_u32(skb, GPUMON_A_STATE, gdev->state) ||
	    (*gdev->parent &&
	     nla_put_string(skb, GPUMON_A_PARENT_BDF, gdev->parent)) ||
	    nla_put_u64_64bit(skb, GPUMON_A_AER_COR,
			      atomic64_read(&gdev->aer[GPUMON_AER_CORRECTABLE]),
			      GPUMON_A_PAD) ||
	    nla_put_u64_64bit(skb, GPUMON_A_AER_NONFATAL,
			      atomic64_read(&gdev->aer[GPUMON_AER_NONFATAL]),
			      GPUMON_A_PAD) ||
	    nla_put_u64_64bit(skb, GPUMON_A_AER_FATAL,
			      atomic64_read(&gdev->aer[GPUMON_AER_FATAL]),
			      GPUMON_A_PAD) ||
	    nla_put_u64_64bit(skb, GPUMON_A_EVENTS_LOST, gpumon_events_lost(),
			      GPUMON_A_PAD) ||
	    gpumon_nl_put_bits(skb, GPUMON_A_AER_COR_BIT, gdev->aer_cor) ||
	    gpumon_nl_put_bits(skb, GPUMON_A_AER_UNCOR_BIT, gdev->aer_uncor) ||
	    (first &&
	     (nla_put_u64_64bit(skb, GPUMON_A_AER_FIRST_NS, first,
				GPUMON_A_PAD) ||
	      nla_put_u64_64bit(skb, GPUMON_A_AER_LAST_NS, last,
				GPUMON_A_PAD))) ||
	    (tlp_valid && nla_put(skb, GPUMON_A_AER_TLP, sizeof(tlp), tlp)) ||
	    (*gpumon_dev_peer(gdev) &&
	     nla_put_string(skb, GPUMON_A_PEER_BDF, gpumon_dev_peer(gdev))) ||
	    gpumon_nl_put_link(skb, &gdev->link, gdev->link_valid, gdev,
			       NULL) ||
	    gpumon_nl_put_below(skb, gdev))
		goto err_cancel_msg;

	genlmsg_end(skb, hdr);
	return 0;

err_cancel_msg:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static struct gpumon_dev *gpumon_nl_dev(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[GPUMON_A_BDF];
	struct gpumon_dev *gdev = gpumon_dev_find(nla_data(attr));

	if (!gdev || !gdev->watched) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "device not watched");
		return NULL;
	}
	return gdev;
}

static int gpumon_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gpumon_dev *gdev;
	struct sk_buff *msg;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, GPUMON_A_BDF))
		return -EINVAL;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	gpumon_devs_lock();
	gdev = gpumon_nl_dev(info);
	if (!gdev) {
		ret = -ENODEV;
		goto err_unlock;
	}
	ret = gpumon_nl_fill_dev(msg, gdev, info->snd_portid, info->snd_seq, 0);
	if (ret)
		goto err_unlock;
	gpumon_devs_unlock();

	return genlmsg_reply(msg, info);

err_unlock:
	gpumon_devs_unlock();
	nlmsg_free(msg);
	return ret;
}

static int gpumon_nl_dev_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	struct nlattr **attrs = gpumon_dump_attrs(cb);
	bool removed = attrs && attrs[GPUMON_A_WITH_REMOVED];
	unsigned int idx = cb->args[0];
	struct gpumon_dev *gdev;

	gpumon_devs_lock();
	for (; (gdev = gpumon_dev_at(idx)); idx++) {
		if (!gdev->watched ||
		    (gdev->state == GPUMON_STATE_REMOVED && !removed))
			continue;
		if (gpumon_nl_fill_dev(skb, gdev, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI))
			break;
	}
	gpumon_devs_unlock();

	cb->args[0] = idx;
	return skb->len;
}

static int gpumon_nl_config_get_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	char *match, *types;
	struct sk_buff *msg;
	void *hdr;
	int ret = -EMSGSIZE;

	match = kmalloc(GPUMON_MATCH_LEN + GPUMON_THERMAL_TYPES_LEN,
			GFP_KERNEL);
	if (!match)
		return -ENOMEM;
	types = match + GPUMON_MATCH_LEN;
	gpumon_match_get(match, GPUMON_MATCH_LEN);
	gpumon_thermal_types_get(types, GPUMON_THERMAL_TYPES_LEN);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto err_free_match;
	}
	hdr = genlmsg_put_reply(msg, info, &gpumon_nl_family, 0,
				GPUMON_CMD_CONFIG_GET);
	if (!hdr)
		goto err_free_msg;
	if (nla_put_u32(msg, GPUMON_A_INTERVAL_MS, gpumon_link_interval()) ||
	    nla_put_string(msg, GPUMON_A_MATCH, match) ||
	    nla_put_string(msg, GPUMON_A_THERMAL_TYPES, types) ||
	    nla_put_u32(msg, GPUMON_A_THERMAL_HYST_MC, gpumon_thermal_hyst()) ||
	    nla_put_u32(msg, GPUMON_A_RAPL_PERIOD_MS, gpumon_rapl_period()))
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	kfree(match);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
err_free_match:
	kfree(match);
	return ret;
}

static int gpumon_nl_config_set_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct nlattr *interval = info->attrs[GPUMON_A_INTERVAL_MS];
	struct nlattr *match = info->attrs[GPUMON_A_MATCH];
	struct nlattr *types = info->attrs[GPUMON_A_THERMAL_TYPES];
	struct nlattr *hyst = info->attrs[GPUMON_A_THERMAL_HYST_MC];
	struct nlattr *period = info->attrs[GPUMON_A_RAPL_PERIOD_MS];
	int ret;

	ret = gpumon_nl_check_live(info);
	if (ret)
		return ret;
	if (!interval && !match && !types && !hyst && !period) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give INTERVAL_MS, MATCH, THERMAL_TYPES, THERMAL_HYST_MC or RAPL_PERIOD_MS");
		return -EINVAL;
	}
	/* Both lists are checked before anything changes. */
	if (types) {
		ret = gpumon_thermal_types_check(nla_data(types), info->extack);
		if (ret) {
			NL_SET_BAD_ATTR(info->extack, types);
			return ret;
		}
	}
	if (match) {
		ret = gpumon_match_set(nla_data(match), info->extack);
		if (ret) {
			NL_SET_BAD_ATTR(info->extack, match);
			return ret;
		}
	}
	if (types) {
		ret = gpumon_thermal_set_types(nla_data(types), info->extack);
		if (ret) {
			NL_SET_BAD_ATTR(info->extack, types);
			return ret;
		}
	}
	if (hyst)
		gpumon_thermal_set_hyst(nla_get_u32(hyst));
	if (period)
		gpumon_rapl_set_period(nla_get_u32(period));
	if (interval) {
		gpumon_link_set_interval(nla_get_u32(interval));
		gpumon_thermal_kick();
	}
	return 0;
}

static int gpumon_nl_counters_reset_doit(struct sk_buff *skb,
					 struct genl_info *info)
{
	struct gpumon_dev *gdev;
	unsigned int i;
	int ret;

	ret = gpumon_nl_check_live(info);
	if (ret)
		return ret;
	gpumon_devs_lock();
	if (info->attrs[GPUMON_A_BDF]) {
		gdev = gpumon_nl_dev(info);
		if (gdev)
			gpumon_dev_reset(gdev);
		else
			ret = -ENODEV;
	} else {
		for (i = 0; (gdev = gpumon_dev_at(i)); i++)
			gpumon_dev_reset(gdev);
	}
	gpumon_devs_unlock();
	return ret;
}

static int gpumon_nl_stats_get_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	char reason[GPUMON_REASON_LEN];
	u64 n, samples, sample_ns;
	struct nlattr *nest;
	struct sk_buff *msg;
	unsigned int kind;
	u32 state;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &gpumon_nl_family, 0,
				GPUMON_CMD_STATS_GET);
	if (!hdr)
		goto err_free_msg;
	if (nla_put_u64_64bit(msg, GPUMON_A_LAST_SEQ, gpumon_event_last_seq(),
			      GPUMON_A_PAD) ||
	    nla_put_u64_64bit(msg, GPUMON_A_EVENTS_LOST, gpumon_events_lost(),
			      GPUMON_A_PAD))
		goto err_free_msg;
	gpumon_link_stats(&samples, &sample_ns);
	if (nla_put_u64_64bit(msg, GPUMON_A_SAMPLES, samples, GPUMON_A_PAD) ||
	    nla_put_u64_64bit(msg, GPUMON_A_SAMPLE_NS, sample_ns, GPUMON_A_PAD))
		goto err_free_msg;
	state = gpumon_thermal_state(reason, sizeof(reason));
	if (nla_put_u32(msg, GPUMON_A_THERMAL_STATE, state) ||
	    nla_put_string(msg, GPUMON_A_THERMAL_REASON, reason))
		goto err_free_msg;
	state = gpumon_rapl_state(reason, sizeof(reason));
	if (nla_put_u32(msg, GPUMON_A_RAPL_STATE, state) ||
	    nla_put_string(msg, GPUMON_A_RAPL_REASON, reason))
		goto err_free_msg;
	for (kind = 0; kind < __GPUMON_EVENT_MAX; kind++) {
		n = gpumon_event_lost_kind(kind);
		if (!n)
			continue;
		nest = nla_nest_start(msg, GPUMON_A_DROPS);
		if (!nest ||
		    nla_put_u32(msg, GPUMON_A_DROP_KIND, kind) ||
		    nla_put_u64_64bit(msg, GPUMON_A_DROP_COUNT, n,
				      GPUMON_A_DROP_PAD))
			goto err_free_msg;
		nla_nest_end(msg, nest);
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int gpumon_nl_put_trip(struct sk_buff *skb,
			      const struct gpumon_trip_info *t)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, GPUMON_A_THERMAL_TRIPS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, GPUMON_A_TRIP_ID, t->id) ||
	    nla_put_u32(skb, GPUMON_A_TRIP_TYPE, t->type) ||
	    nla_put_s32(skb, GPUMON_A_TRIP_TEMP, t->temp) ||
	    nla_put_s32(skb, GPUMON_A_TRIP_HYST, t->hyst) ||
	    nla_put_u32(skb, GPUMON_A_TRIP_ASSERTED, t->asserted) ||
	    nla_put_u64_64bit(skb, GPUMON_A_TRIP_CROSSINGS, t->crossings,
			      GPUMON_A_TRIP_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int gpumon_nl_fill_zone(struct sk_buff *skb,
			       const struct gpumon_tz_info *tz,
			       u32 portid, u32 seq)
{
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &gpumon_nl_family, NLM_F_MULTI,
			  GPUMON_CMD_THERMAL_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, GPUMON_A_THERMAL_ZONE_ID, tz->id) ||
	    nla_put_string(skb, GPUMON_A_THERMAL_ZONE, tz->type) ||
	    nla_put_u32(skb, GPUMON_A_STATE, tz->state) ||
	    (tz->temp_valid &&
	     (nla_put_s32(skb, GPUMON_A_THERMAL_TEMP, tz->temp) ||
	      nla_put_s32(skb, GPUMON_A_THERMAL_TEMP_MAX, tz->temp_max))) ||
	    nla_put_u64_64bit(skb, GPUMON_A_SAMPLES, tz->samples,
			      GPUMON_A_PAD) ||
	    nla_put_u64_64bit(skb, GPUMON_A_THERMAL_READ_ERRORS,
			      tz->read_errors, GPUMON_A_PAD))
		goto err_cancel_msg;
	for (i = 0; i < tz->ntrips; i++)
		if (gpumon_nl_put_trip(skb, &tz->trips[i]))
			goto err_cancel_msg;
	genlmsg_end(skb, hdr);
	return 0;

err_cancel_msg:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int gpumon_nl_thermal_get_dumpit(struct sk_buff *skb,
					struct netlink_callback *cb)
{
	unsigned int idx = cb->args[0];
	struct gpumon_tz_info *tz;

	tz = kmalloc(sizeof(*tz), GFP_KERNEL);
	if (!tz)
		return -ENOMEM;
	for (; !gpumon_thermal_zone_at(idx, tz); idx++)
		if (gpumon_nl_fill_zone(skb, tz, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq))
			break;
	kfree(tz);
	cb->args[0] = idx;
	return skb->len;
}

static int gpumon_nl_fill_rapl(struct sk_buff *skb,
			       const struct gpumon_rapl_info *r,
			       u32 portid, u32 seq)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &gpumon_nl_family, NLM_F_MULTI,
			  GPUMON_CMD_POWER_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, GPUMON_A_RAPL_PKG, r->pkg) ||
	    nla_put_u32(skb, GPUMON_A_RAPL_DOMAIN, r->domain) ||
	    (r->injected && nla_put_flag(skb, GPUMON_A_RAPL_INJECTED)) ||
	    nla_put_u32(skb, GPUMON_A_RAPL_ESU, r->esu) ||
	    nla_put_u64_64bit(skb, GPUMON_A_RAPL_ENERGY_UJ, r->energy_uj,
			      GPUMON_A_PAD) ||
	    (r->window_valid &&
	     (nla_put_u32(skb, GPUMON_A_RAPL_POWER_MIN_MW, r->min_mw) ||
	      nla_put_u32(skb, GPUMON_A_RAPL_POWER_AVG_MW, r->avg_mw) ||
	      nla_put_u32(skb, GPUMON_A_RAPL_POWER_MAX_MW, r->max_mw) ||
	      nla_put_u64_64bit(skb, GPUMON_A_RAPL_WINDOW_NS, r->window_ns,
				GPUMON_A_PAD) ||
	      nla_put_u32(skb, GPUMON_A_RAPL_WINDOW_SAMPLES,
			  r->window_samples) ||
	      nla_put_u64_64bit(skb, GPUMON_A_RAPL_WINDOW_END_NS,
				r->window_end_ns, GPUMON_A_PAD))) ||
	    nla_put_u32(skb, GPUMON_A_RAPL_PEAK_MW, r->peak_mw) ||
	    nla_put_u64_64bit(skb, GPUMON_A_RAPL_SAMPLES, r->samples,
			      GPUMON_A_PAD) ||
	    nla_put_u64_64bit(skb, GPUMON_A_RAPL_WRAPS, r->wraps,
			      GPUMON_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int gpumon_nl_power_get_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	unsigned int idx = cb->args[0];
	struct gpumon_rapl_info r;

	for (; !gpumon_rapl_domain_at(idx, &r); idx++)
		if (gpumon_nl_fill_rapl(skb, &r, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq))
			break;
	cb->args[0] = idx;
	return skb->len;
}

/**
 * gpumon_nl_notify() - send one event to the "events" group
 * @ev: the event
 *
 * Called from the event work item only (process context).  An event
 * that cannot be built or sent is counted as lost for its kind; with no
 * listener at all nothing is built and nothing is lost.
 */
void gpumon_nl_notify(const struct gpumon_event *ev)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (!genl_has_listeners(&gpumon_nl_family, &init_net,
				GPUMON_NLGRP_EVENTS))
		return;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		goto err_count_lost;

	hdr = genlmsg_put(msg, 0, 0, &gpumon_nl_family, 0, GPUMON_CMD_EVENT);
	if (!hdr)
		goto err_free_msg;

	if (nla_put_u64_64bit(msg, GPUMON_A_SEQ, ev->seq, GPUMON_A_PAD) ||
	    nla_put_u64_64bit(msg, GPUMON_A_TIME_MONO, ev->time_mono,
			      GPUMON_A_PAD) ||
	    nla_put_u64_64bit(msg, GPUMON_A_TIME_REAL, ev->time_real,
			      GPUMON_A_PAD) ||
	    nla_put_u32(msg, GPUMON_A_EVENT_KIND, ev->kind) ||
	    nla_put_u32(msg, GPUMON_A_SEVERITY, ev->severity) ||
	    (*ev->bdf &&
	     (nla_put_string(msg, GPUMON_A_BDF, ev->bdf) ||
	      nla_put_u32(msg, GPUMON_A_ROLE, ev->role))) ||
	    (*ev->peer && nla_put_string(msg, GPUMON_A_PEER_BDF, ev->peer)))
		goto err_free_msg;

	switch (ev->kind) {
	case GPUMON_EVENT_AER:
		if (nla_put_u32(msg, GPUMON_A_AER_SEVERITY, ev->aer_severity) ||
		    nla_put_u32(msg, GPUMON_A_AER_STATUS, ev->aer_status) ||
		    (ev->tlp_valid &&
		     nla_put(msg, GPUMON_A_AER_TLP, sizeof(ev->tlp), ev->tlp)))
			goto err_free_msg;
		break;
	case GPUMON_EVENT_THERMAL_TRIP:
	case GPUMON_EVENT_THERMAL_TRIP_CLEARED:
		if (nla_put_u32(msg, GPUMON_A_THERMAL_TRIP, ev->trip) ||
		    nla_put_u32(msg, GPUMON_A_THERMAL_TRIP_TYPE,
				ev->trip_type) ||
		    nla_put_s32(msg, GPUMON_A_THERMAL_TRIP_TEMP,
				ev->trip_temp) ||
		    nla_put_s32(msg, GPUMON_A_THERMAL_TRIP_HYST,
				ev->trip_hyst) ||
		    nla_put_s32(msg, GPUMON_A_THERMAL_TEMP, ev->temp_mc))
			goto err_free_msg;
		fallthrough;
	case GPUMON_EVENT_THERMAL_ZONE_ADDED:
	case GPUMON_EVENT_THERMAL_ZONE_REMOVED:
		if (nla_put_u32(msg, GPUMON_A_THERMAL_ZONE_ID, ev->zone_id) ||
		    nla_put_string(msg, GPUMON_A_THERMAL_ZONE, ev->zone))
			goto err_free_msg;
		break;
	default:
		if ((ev->link_valid || ev->flaps || ev->suppressed) &&
		    gpumon_nl_put_link(msg, &ev->link, ev->link_valid, NULL,
				       ev))
			goto err_free_msg;
		break;
	}

	genlmsg_end(msg, hdr);
	/* -ESRCH: the last listener left meanwhile; nobody missed it. */
	ret = genlmsg_multicast(&gpumon_nl_family, msg, 0, GPUMON_NLGRP_EVENTS,
				GFP_KERNEL);
	if (ret && ret != -ESRCH)
		gpumon_event_lost(ev->kind);
	return;

err_free_msg:
	nlmsg_free(msg);
err_count_lost:
	gpumon_event_lost(ev->kind);
}

static const struct genl_ops gpumon_nl_ops[] = {
	{
		.cmd	= GPUMON_CMD_DEV_GET,
		.doit	= gpumon_nl_dev_get_doit,
		.dumpit	= gpumon_nl_dev_get_dumpit,
		.policy	= gpumon_dev_get_policy,
		.maxattr = GPUMON_A_MAX,
	},
	{
		.cmd	= GPUMON_CMD_CONFIG_GET,
		.doit	= gpumon_nl_config_get_doit,
		.policy	= gpumon_none_policy,
		.maxattr = GPUMON_A_PAD,
	},
	{
		.cmd	= GPUMON_CMD_CONFIG_SET,
		.doit	= gpumon_nl_config_set_doit,
		.policy	= gpumon_config_policy,
		.maxattr = GPUMON_A_RAPL_PERIOD_MS,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= GPUMON_CMD_COUNTERS_RESET,
		.doit	= gpumon_nl_counters_reset_doit,
		.policy	= gpumon_bdf_policy,
		.maxattr = GPUMON_A_BDF,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= GPUMON_CMD_STATS_GET,
		.doit	= gpumon_nl_stats_get_doit,
		.policy	= gpumon_none_policy,
		.maxattr = GPUMON_A_PAD,
	},
	{
		.cmd	= GPUMON_CMD_THERMAL_GET,
		.dumpit	= gpumon_nl_thermal_get_dumpit,
		.policy	= gpumon_none_policy,
		.maxattr = GPUMON_A_PAD,
	},
	{
		.cmd	= GPUMON_CMD_POWER_GET,
		.dumpit	= gpumon_nl_power_get_dumpit,
		.policy	= gpumon_none_policy,
		.maxattr = GPUMON_A_PAD,
	},
};

static const struct genl_multicast_group gpumon_nl_mcgrps[] = {
	[GPUMON_NLGRP_EVENTS] = { .name = GPUMON_MCGRP_EVENTS },
};

static struct genl_family gpumon_nl_family __ro_after_init = {
	.name		= GPUMON_GENL_NAME,
	.version	= GPUMON_GENL_VERSION,
	.maxattr	= GPUMON_A_MAX,
	.module		= THIS_MODULE,
	.ops		= gpumon_nl_ops,
	.n_ops		= ARRAY_SIZE(gpumon_nl_ops),
	.mcgrps		= gpumon_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(gpumon_nl_mcgrps),
};

/**
 * gpumon_nl_init() - register the "gpumon" family
 *
 * Return: 0, or the error of genl_register_family().
 */
int gpumon_nl_init(void)
{
	int ret;

	ret = genl_register_family(&gpumon_nl_family);
	if (ret)
		pr_err("cannot register generic netlink family: %d\n", ret);
	return ret;
}

/**
 * gpumon_nl_ready() - accept changes from now on
 *
 * Called last at load, once everything a change touches is set up.
 */
void gpumon_nl_ready(void)
{
	genl_lock();
	gpumon_nl_live = true;
	genl_unlock();
}

/**
 * gpumon_nl_quiesce() - refuse every change from now on
 *
 * Waits for a command in progress (genl_mutex).  Called first at unload,
 * before the producers of events stop.
 */
void gpumon_nl_quiesce(void)
{
	genl_lock();
	gpumon_nl_live = false;
	genl_unlock();
}

/**
 * gpumon_nl_exit() - unregister it; listeners are dropped from the group
 */
void gpumon_nl_exit(void)
{
	genl_unregister_family(&gpumon_nl_family);
}
