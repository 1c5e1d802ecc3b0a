// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: generic netlink family "gpumon" (ABI: include/uapi/gpumon.h).
 *
 * GPUMON_CMD_DEV_GET: dump of every watched device, or one device named
 * by GPUMON_A_BDF.  Open to all users.
 * GPUMON_CMD_EVENT: notification on the "events" group, one per event.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "gpumon.h"

enum gpumon_nl_mcgrp {
	GPUMON_NLGRP_EVENTS,
};

/* The one attribute set; strict validation, unknown attributes refused. */
static const struct nla_policy gpumon_nl_policy[GPUMON_A_MAX + 1] = {
	[GPUMON_A_BDF]		= { .type = NLA_NUL_STRING,
				    .len = GPUMON_BDF_LEN - 1 },
	[GPUMON_A_VENDOR]	= { .type = NLA_U16 },
	[GPUMON_A_DEVICE]	= { .type = NLA_U16 },
	[GPUMON_A_CLASS]	= { .type = NLA_U32 },
	[GPUMON_A_ROLE]		= NLA_POLICY_MAX(NLA_U32, GPUMON_ROLE_MAX),
	[GPUMON_A_PARENT_BDF]	= { .type = NLA_NUL_STRING,
				    .len = GPUMON_BDF_LEN - 1 },
	[GPUMON_A_AER_COR]	= { .type = NLA_U64 },
	[GPUMON_A_AER_NONFATAL]	= { .type = NLA_U64 },
	[GPUMON_A_AER_FATAL]	= { .type = NLA_U64 },
	[GPUMON_A_SEQ]		= { .type = NLA_U64 },
	[GPUMON_A_TIME_MONO]	= { .type = NLA_U64 },
	[GPUMON_A_TIME_REAL]	= { .type = NLA_U64 },
	[GPUMON_A_EVENT_KIND]	= NLA_POLICY_MAX(NLA_U32, GPUMON_EVENT_MAX),
	[GPUMON_A_AER_SEVERITY]	= NLA_POLICY_MAX(NLA_U32, GPUMON_AER_SEV_MAX),
	[GPUMON_A_AER_STATUS]	= { .type = NLA_U32 },
	[GPUMON_A_AER_TLP]	= NLA_POLICY_EXACT_LEN(4 * sizeof(u32)),
	[GPUMON_A_EVENTS_LOST]	= { .type = NLA_U64 },
};

static struct genl_family gpumon_nl_family;

static int gpumon_nl_fill_dev(struct sk_buff *skb, struct gpumon_dev *gdev,
			      u32 portid, u32 seq, int flags)
{
	struct pci_dev *pdev = gdev->pdev;
	struct pci_dev *parent = gpumon_dev_parent(gdev);
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &gpumon_nl_family, flags,
			  GPUMON_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_string(skb, GPUMON_A_BDF, pci_name(pdev)) ||
	    nla_put_u16(skb, GPUMON_A_VENDOR, pdev->vendor) ||
	    nla_put_u16(skb, GPUMON_A_DEVICE, pdev->device) ||
	    nla_put_u32(skb, GPUMON_A_CLASS, pdev->class) ||
	    nla_put_u32(skb, GPUMON_A_ROLE, gdev->role) ||
	    (parent &&
	     nla_put_string(skb, GPUMON_A_PARENT_BDF, pci_name(parent))) ||
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
			      GPUMON_A_PAD))
		goto err_cancel_msg;

	genlmsg_end(skb, hdr);
	return 0;

err_cancel_msg:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int gpumon_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gpumon_dev *gdev;
	struct sk_buff *msg;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, GPUMON_A_BDF))
		return -EINVAL;

	gdev = gpumon_dev_find(nla_data(info->attrs[GPUMON_A_BDF]));
	if (!gdev) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[GPUMON_A_BDF],
				    "device not watched");
		return -ENODEV;
	}

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	ret = gpumon_nl_fill_dev(msg, gdev, info->snd_portid, info->snd_seq, 0);
	if (ret)
		goto err_free_msg;

	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return ret;
}

static int gpumon_nl_dev_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	unsigned int idx = cb->args[0];
	struct gpumon_dev *gdev;

	for (; (gdev = gpumon_dev_at(idx)); idx++)
		if (gpumon_nl_fill_dev(skb, gdev, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI))
			break;

	cb->args[0] = idx;
	return skb->len;
}

static size_t gpumon_nl_event_size(void)
{
	return nla_total_size_64bit(sizeof(u64)) * 3 +	/* SEQ, TIMEs */
	       nla_total_size(sizeof(u32)) * 4 +	/* KIND, ROLE, SEV, STATUS */
	       nla_total_size(GPUMON_BDF_LEN) +		/* BDF */
	       nla_total_size(4 * sizeof(u32));		/* TLP */
}

/**
 * gpumon_nl_notify_aer() - send one AER event to the "events" group
 * @ev: the event
 *
 * Called from the work item only (process context).  An event that
 * cannot be built or sent is counted as lost; with no listener at all
 * nothing is built and nothing is lost.
 */
void gpumon_nl_notify_aer(const struct gpumon_aer_event *ev)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (!genl_has_listeners(&gpumon_nl_family, &init_net,
				GPUMON_NLGRP_EVENTS))
		return;

	msg = genlmsg_new(gpumon_nl_event_size(), GFP_KERNEL);
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
	    nla_put_u32(msg, GPUMON_A_EVENT_KIND, GPUMON_EVENT_AER) ||
	    nla_put_string(msg, GPUMON_A_BDF, pci_name(ev->dev->pdev)) ||
	    nla_put_u32(msg, GPUMON_A_ROLE, ev->dev->role) ||
	    nla_put_u32(msg, GPUMON_A_AER_SEVERITY, ev->severity) ||
	    nla_put_u32(msg, GPUMON_A_AER_STATUS, ev->status) ||
	    (ev->tlp_valid &&
	     nla_put(msg, GPUMON_A_AER_TLP, sizeof(ev->tlp), ev->tlp)))
		goto err_free_msg;

	genlmsg_end(msg, hdr);
	/* -ESRCH: the last listener left meanwhile; nobody missed it. */
	ret = genlmsg_multicast(&gpumon_nl_family, msg, 0, GPUMON_NLGRP_EVENTS,
				GFP_KERNEL);
	if (ret && ret != -ESRCH)
		gpumon_event_lost();
	return;

err_free_msg:
	nlmsg_free(msg);
err_count_lost:
	gpumon_event_lost();
}

static const struct genl_small_ops gpumon_nl_ops[] = {
	{
		.cmd	= GPUMON_CMD_DEV_GET,
		.doit	= gpumon_nl_dev_get_doit,
		.dumpit	= gpumon_nl_dev_get_dumpit,
	},
};

static const struct genl_multicast_group gpumon_nl_mcgrps[] = {
	[GPUMON_NLGRP_EVENTS] = { .name = GPUMON_MCGRP_EVENTS },
};

static struct genl_family gpumon_nl_family __ro_after_init = {
	.name		= GPUMON_GENL_NAME,
	.version	= GPUMON_GENL_VERSION,
	.maxattr	= GPUMON_A_MAX,
	.policy		= gpumon_nl_policy,
	.module		= THIS_MODULE,
	.small_ops	= gpumon_nl_ops,
	.n_small_ops	= ARRAY_SIZE(gpumon_nl_ops),
	.mcgrps		= gpumon_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(gpumon_nl_mcgrps),
};

int gpumon_nl_init(void)
{
	int ret;

	ret = genl_register_family(&gpumon_nl_family);
	if (ret)
		pr_err("cannot register generic netlink family: %d\n", ret);
	return ret;
}

void gpumon_nl_exit(void)
{
	genl_unregister_family(&gpumon_nl_family);
}
