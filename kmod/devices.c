// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: the devices to watch.
 *
 * Every NVIDIA GPU and NVSwitch, every endpoint named by the "match"
 * list, and every bridge on their paths to the root port: found at load,
 * then kept up to date by a PCI bus notifier (hotplug, rescan, removal,
 * driver unbind), each change an event.
 *
 * A device has a slot for the module's lifetime, found by its BDF: a
 * removed device keeps its slot and counters, in state REMOVED, and
 * takes it back if it returns at the same address.  Slots are filled
 * under gpumon_devs_mutex and published by gpumon_ndevs (release), so
 * the AER probe looks them up by BDF without a lock (acquire).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "gpumon.h"

#define GPUMON_MAX_MATCH	32

enum gpumon_match_kind {
	GPUMON_MATCH_ID,	/* vendor:device, device may be any */
	GPUMON_MATCH_CLASS24,	/* base class, subclass, prog-if */
	GPUMON_MATCH_CLASS16,	/* base class, subclass */
	GPUMON_MATCH_BDF,	/* domain:bus:device.function */
};

struct gpumon_match {
	enum gpumon_match_kind kind;
	u32 vendor;
	u32 device;		/* PCI_ANY_ID for "*" */
	u32 class;
	u32 domain;
	u32 bus;
	u32 devfn;
};

/* The match list and its text; under gpumon_devs_mutex. */
static struct gpumon_match gpumon_matches[GPUMON_MAX_MATCH];
static unsigned int gpumon_nmatches;
static char gpumon_match_str[GPUMON_MATCH_LEN];

static struct gpumon_dev gpumon_devs[GPUMON_MAX_DEVS];
static unsigned int gpumon_ndevs;	/* published slots */
static DEFINE_MUTEX(gpumon_devs_mutex);

/*
 * Parse 1 to @max hex digits at *@s, without sign or "0x"; advance *@s.
 * Returns the number of digits, 0 when there are none or too many.
 */
static unsigned int gpumon_parse_hex(const char **s, unsigned int max,
				     u32 *val)
{
	unsigned int n = 0;
	int d;

	*val = 0;
	while ((d = hex_to_bin(**s)) >= 0) {
		if (++n > max)
			return 0;
		*val = (*val << 4) | d;
		(*s)++;
	}
	return n;
}

/* "dddd:bb:dd.f" */
static bool gpumon_parse_bdf(const char *s, struct gpumon_match *m)
{
	u32 dev, fn;

	if (!gpumon_parse_hex(&s, 8, &m->domain) || *s++ != ':')
		return false;
	if (!gpumon_parse_hex(&s, 2, &m->bus) || *s++ != ':')
		return false;
	if (!gpumon_parse_hex(&s, 2, &dev) || dev > 0x1f || *s++ != '.')
		return false;
	if (gpumon_parse_hex(&s, 1, &fn) != 1 || fn > 7 || *s)
		return false;
	m->kind = GPUMON_MATCH_BDF;
	m->devfn = PCI_DEVFN(dev, fn);
	return true;
}

/* "class=0xCCCCCC" or "class=0xCCCC" */
static bool gpumon_parse_class(const char *s, struct gpumon_match *m)
{
	unsigned int n;

	if (strncmp(s, "0x", 2))
		return false;
	s += 2;
	n = gpumon_parse_hex(&s, 6, &m->class);
	if (*s)
		return false;
	if (n == 6)
		m->kind = GPUMON_MATCH_CLASS24;
	else if (n == 4)
		m->kind = GPUMON_MATCH_CLASS16;
	else
		return false;
	return true;
}

/* "vvvv:dddd" or "vvvv:*" */
static bool gpumon_parse_id(const char *s, struct gpumon_match *m)
{
	if (!gpumon_parse_hex(&s, 4, &m->vendor) || *s++ != ':')
		return false;
	m->kind = GPUMON_MATCH_ID;
	if (!strcmp(s, "*")) {
		m->device = PCI_ANY_ID;
		return true;
	}
	return gpumon_parse_hex(&s, 4, &m->device) && !*s;
}

static bool gpumon_parse_item(const char *item, struct gpumon_match *m)
{
	if (str_has_prefix(item, "class="))
		return gpumon_parse_class(item + strlen("class="), m);
	if (strchr(item, '.'))
		return gpumon_parse_bdf(item, m);
	return gpumon_parse_id(item, m);
}

static int gpumon_match_parse(const char *match, struct gpumon_match *tab,
			      unsigned int *ntab)
{
	char *copy, *next, *item;
	int ret = 0;

	*ntab = 0;
	if (!match || !*match)
		return 0;
	copy = kstrdup(match, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;

	next = copy;
	while ((item = strsep(&next, ","))) {
		if (*ntab == GPUMON_MAX_MATCH) {
			pr_err("match: more than %d items, at '%s'\n",
			       GPUMON_MAX_MATCH, item);
			ret = -EINVAL;
			goto out_free_copy;
		}
		if (!gpumon_parse_item(item, &tab[*ntab])) {
			pr_err("match: malformed item '%s' (want vvvv:dddd, vvvv:*, class=0xCCCCCC, class=0xCCCC or dddd:bb:dd.f)\n",
			       item);
			ret = -EINVAL;
			goto out_free_copy;
		}
		(*ntab)++;
	}

out_free_copy:
	kfree(copy);
	return ret;
}

static bool gpumon_match_one(const struct gpumon_match *m,
			     const struct pci_dev *pdev)
{
	switch (m->kind) {
	case GPUMON_MATCH_ID:
		return pdev->vendor == m->vendor &&
		       (m->device == PCI_ANY_ID || pdev->device == m->device);
	case GPUMON_MATCH_CLASS24:
		return pdev->class == m->class;
	case GPUMON_MATCH_CLASS16:
		return pdev->class >> 8 == m->class;
	case GPUMON_MATCH_BDF:
		return pci_domain_nr(pdev->bus) == m->domain &&
		       pdev->bus->number == m->bus && pdev->devfn == m->devfn;
	}
	return false;
}

static enum gpumon_role gpumon_endpoint_role(const struct pci_dev *pdev)
{
	unsigned int i;

	if (pdev->vendor == PCI_VENDOR_ID_NVIDIA) {
		switch (pdev->class >> 8) {
		case PCI_CLASS_DISPLAY_VGA:
		case PCI_CLASS_DISPLAY_3D:
			return GPUMON_ROLE_GPU;
		case PCI_CLASS_BRIDGE_OTHER:
			return GPUMON_ROLE_NVSWITCH;
		}
	}
	for (i = 0; i < gpumon_nmatches; i++)
		if (gpumon_match_one(&gpumon_matches[i], pdev))
			return GPUMON_ROLE_MATCHED;
	return GPUMON_ROLE_UNSPEC;
}

static enum gpumon_role gpumon_bridge_role(struct pci_dev *pdev)
{
	if (!pci_is_pcie(pdev))
		return GPUMON_ROLE_BRIDGE;
	switch (pci_pcie_type(pdev)) {
	case PCI_EXP_TYPE_ROOT_PORT:
		return GPUMON_ROLE_ROOT_PORT;
	case PCI_EXP_TYPE_UPSTREAM:
		return GPUMON_ROLE_SWITCH_UP;
	case PCI_EXP_TYPE_DOWNSTREAM:
		return GPUMON_ROLE_SWITCH_DOWN;
	default:
		return GPUMON_ROLE_BRIDGE;
	}
}

static bool gpumon_role_is_endpoint(enum gpumon_role role)
{
	return role == GPUMON_ROLE_GPU || role == GPUMON_ROLE_NVSWITCH ||
	       role == GPUMON_ROLE_MATCHED;
}


static bool gpumon_role_is_downstream_port(enum gpumon_role role)
{
	return role == GPUMON_ROLE_ROOT_PORT ||
	       role == GPUMON_ROLE_SWITCH_DOWN;
}

/* The slot of @bdf, published or not yet; under the mutex. */
static struct gpumon_dev *gpumon_dev_lookup(const char *bdf)
{
	unsigned int i;

	for (i = 0; i < gpumon_ndevs; i++)
		if (!strcmp(gpumon_devs[i].bdf, bdf))
			return &gpumon_devs[i];
	return NULL;
}

static void gpumon_dev_event(struct gpumon_dev *gdev, u32 kind, u32 severity)
{
	struct gpumon_event ev;

	gpumon_event_init(&ev, kind, severity, gdev);
	strscpy(ev.peer, gdev->parent, sizeof(ev.peer));
	gpumon_event_emit(&ev);
}

/* (Re)fill the slot's identity from @pdev, taking a reference. */
static void gpumon_dev_attach(struct gpumon_dev *gdev, struct pci_dev *pdev,
			      enum gpumon_role role)
{
	struct pci_dev *up = pci_upstream_bridge(pdev);

	gdev->pdev = pci_dev_get(pdev);
	gdev->vendor = pdev->vendor;
	gdev->device = pdev->device;
	gdev->class = pdev->class;
	strscpy(gdev->parent, up ? pci_name(up) : "", sizeof(gdev->parent));
	gdev->role = role;
	gdev->state = GPUMON_STATE_PRESENT;
	gdev->link_valid = false;
	gdev->dll_seen = false;
	gdev->cond = GPUMON_LINK_UNKNOWN;
	gdev->inj_active = false;
	gdev->inj_gone = false;
	WRITE_ONCE(gdev->watched, true);
}

/*
 * Watch @pdev with @role; under the mutex.  A device already watched as
 * a bridge that is itself a GPU or matched endpoint takes the endpoint
 * role.  Returns true when the device was not watched before.
 */
static bool gpumon_dev_add(struct pci_dev *pdev, enum gpumon_role role)
{
	struct gpumon_dev *gdev = gpumon_dev_lookup(pci_name(pdev));
	bool was;

	if (gdev && gdev->pdev == pdev) {
		gdev->seen = true;
		was = gdev->watched;
		if (gpumon_role_is_endpoint(role))
			gdev->role = role;
		WRITE_ONCE(gdev->watched, true);
		return !was;
	}
	if (gdev) {
		/* Back at the same address: same slot, counters kept. */
		pci_dev_put(gdev->pdev);
		gpumon_dev_attach(gdev, pdev, role);
		gdev->seen = true;
		return true;
	}
	if (gpumon_ndevs == GPUMON_MAX_DEVS) {
		pr_warn_once("more than %d devices; %s and later ones not watched\n",
			     GPUMON_MAX_DEVS, pci_name(pdev));
		return false;
	}
	gdev = &gpumon_devs[gpumon_ndevs];
	strscpy(gdev->bdf, pci_name(pdev), sizeof(gdev->bdf));
	spin_lock_init(&gdev->aer_lock);
	gpumon_dev_attach(gdev, pdev, role);
	gdev->seen = true;
	/* The probe may look at the slot as soon as the count includes it. */
	smp_store_release(&gpumon_ndevs, gpumon_ndevs + 1);
	return true;
}

static void gpumon_dev_add_path(struct pci_dev *pdev, enum gpumon_role role,
				bool notify)
{
	struct pci_dev *bridge;

	if (gpumon_dev_add(pdev, role) && notify)
		gpumon_dev_event(gpumon_dev_lookup(pci_name(pdev)),
				 GPUMON_EVENT_DEV_ADDED, GPUMON_SEV_INFO);
	for (bridge = pci_upstream_bridge(pdev); bridge;
	     bridge = pci_upstream_bridge(bridge))
		if (gpumon_dev_add(bridge, gpumon_bridge_role(bridge)) &&
		    notify)
			gpumon_dev_event(gpumon_dev_lookup(pci_name(bridge)),
					 GPUMON_EVENT_DEV_ADDED,
					 GPUMON_SEV_INFO);
}

/* Every device that matches now; under the mutex. */
static void gpumon_devs_scan(bool notify)
{
	struct pci_dev *pdev = NULL;
	enum gpumon_role role;

	for_each_pci_dev(pdev) {
		role = gpumon_endpoint_role(pdev);
		if (role != GPUMON_ROLE_UNSPEC)
			gpumon_dev_add_path(pdev, role, notify);
	}
}

/* @pdev is leaving the bus; under the mutex. */
static void gpumon_dev_removed(struct pci_dev *pdev)
{
	struct gpumon_dev *gdev = gpumon_dev_lookup(pci_name(pdev));

	if (!gdev || gdev->pdev != pdev)
		return;
	gdev->state = GPUMON_STATE_REMOVED;
	gdev->pdev = NULL;
	gdev->link_valid = false;
	gdev->cond = GPUMON_LINK_UNKNOWN;
	pci_dev_put(pdev);
	if (gdev->watched)
		gpumon_dev_event(gdev, GPUMON_EVENT_DEV_REMOVED,
				 gpumon_role_is_endpoint(gdev->role) ?
				 GPUMON_SEV_ERROR : GPUMON_SEV_WARNING);
}

/*
 * PCI bus notifier: process context, with the device's bus notifier
 * chain held for reading; takes the devices mutex (never held while
 * registering or unregistering the notifier).
 */
static int gpumon_pci_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);
	struct gpumon_dev *gdev;
	enum gpumon_role role;

	mutex_lock(&gpumon_devs_mutex);
	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		role = gpumon_endpoint_role(pdev);
		if (role != GPUMON_ROLE_UNSPEC)
			gpumon_dev_add_path(pdev, role, true);
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		gpumon_dev_removed(pdev);
		break;
	case BUS_NOTIFY_UNBOUND_DRIVER:
		gdev = gpumon_dev_lookup(pci_name(pdev));
		if (gdev && gdev->pdev == pdev && gdev->watched)
			gpumon_dev_event(gdev, GPUMON_EVENT_DRIVER_UNBOUND,
					 GPUMON_SEV_WARNING);
		break;
	}
	mutex_unlock(&gpumon_devs_mutex);
	return NOTIFY_DONE;
}

static struct notifier_block gpumon_pci_nb = {
	.notifier_call = gpumon_pci_notify,
};

/**
 * gpumon_devs_init() - find the devices to watch, follow the bus
 * @match: the "match" module parameter, or NULL
 *
 * The notifier goes first, so that no device added during the scan is
 * missed; adding a device twice is harmless.
 *
 * Return: 0, or -EINVAL for a malformed @match, or -ENOMEM, or the
 * error of bus_register_notifier().
 */
int gpumon_devs_init(const char *match)
{
	int ret;

	if (match && strlen(match) >= sizeof(gpumon_match_str)) {
		pr_err("match: longer than %zu characters\n",
		       sizeof(gpumon_match_str) - 1);
		return -EINVAL;
	}
	ret = gpumon_match_parse(match, gpumon_matches, &gpumon_nmatches);
	if (ret)
		return ret;
	strscpy(gpumon_match_str, match ? match : "", sizeof(gpumon_match_str));

	ret = bus_register_notifier(&pci_bus_type, &gpumon_pci_nb);
	if (ret)
		return ret;

	mutex_lock(&gpumon_devs_mutex);
	gpumon_devs_scan(false);
	pr_info("watching %u devices\n", gpumon_ndevs);
	mutex_unlock(&gpumon_devs_mutex);
	return 0;
}

/**
 * gpumon_devs_exit() - stop following the bus, drop the references
 *
 * After the AER probe is detached and the sampler stopped.
 */
void gpumon_devs_exit(void)
{
	unsigned int i;

	bus_unregister_notifier(&pci_bus_type, &gpumon_pci_nb);
	mutex_lock(&gpumon_devs_mutex);
	for (i = 0; i < gpumon_ndevs; i++) {
		pci_dev_put(gpumon_devs[i].pdev);
		gpumon_devs[i].pdev = NULL;
	}
	mutex_unlock(&gpumon_devs_mutex);
}

/**
 * gpumon_devs_lock() - take the devices mutex
 *
 * Needed for every field of a slot except its BDF and counters.
 * Process context; the bus notifier takes it too.
 */
void gpumon_devs_lock(void)
{
	mutex_lock(&gpumon_devs_mutex);
}

/**
 * gpumon_devs_unlock() - release the devices mutex
 */
void gpumon_devs_unlock(void)
{
	mutex_unlock(&gpumon_devs_mutex);
}

/**
 * gpumon_dev_count() - slots published so far
 *
 * Any context.  Slots are never freed before unload.
 *
 * Return: the count.
 */
unsigned int gpumon_dev_count(void)
{
	/* Pairs with the release in gpumon_dev_add(): slots are filled. */
	return smp_load_acquire(&gpumon_ndevs);
}

/**
 * gpumon_dev_at() - slot number @idx
 * @idx: from 0
 *
 * Return: the slot, NULL past the last published one.
 */
struct gpumon_dev *gpumon_dev_at(unsigned int idx)
{
	return idx < gpumon_dev_count() ? &gpumon_devs[idx] : NULL;
}

/**
 * gpumon_dev_find() - the slot of the device named @bdf
 * @bdf: "dddd:bb:dd.f", as dev_name() gives it
 *
 * Safe in any context: no locks, no sleeping.  Only the slot's BDF and
 * counters may be used without the devices lock.
 *
 * Return: the slot, or NULL when the device was never watched.
 */
struct gpumon_dev *gpumon_dev_find(const char *bdf)
{
	unsigned int i, n = gpumon_dev_count();

	for (i = 0; i < n; i++)
		if (!strcmp(gpumon_devs[i].bdf, bdf))
			return &gpumon_devs[i];
	return NULL;
}

/**
 * gpumon_dev_peer() - the BDF at the other end of @gdev's link
 * @gdev: a watched device; the devices lock held
 *
 * For a root port or switch downstream port, the first present device
 * watched below it; for anything else, its parent.
 *
 * Return: the BDF, "" when not known.
 */
const char *gpumon_dev_peer(const struct gpumon_dev *gdev)
{
	unsigned int i;

	if (!gpumon_role_is_downstream_port(gdev->role))
		return gdev->parent;
	for (i = 0; i < gpumon_ndevs; i++)
		if (gpumon_devs[i].pdev &&
		    !strcmp(gpumon_devs[i].parent, gdev->bdf))
			return gpumon_devs[i].bdf;
	return "";
}

/**
 * gpumon_match_set() - replace the match list and rescan the bus
 * @match: the new list, module parameter syntax; "" for none
 * @extack: for the error message
 *
 * Devices that no longer match stop being reported and sampled (their
 * slots and counters stay); newly matched ones are added, each with a
 * DEV_ADDED event.  Devices matched before and after stay watched all
 * along (no event, no error missed while the bus is rescanned).
 * Process context.
 *
 * Return: 0, -EINVAL for a malformed list, -ENOMEM.
 */
int gpumon_match_set(const char *match, struct netlink_ext_ack *extack)
{
	struct gpumon_match *tab;
	unsigned int n, i;
	int ret;

	tab = kcalloc(GPUMON_MAX_MATCH, sizeof(*tab), GFP_KERNEL);
	if (!tab)
		return -ENOMEM;
	ret = gpumon_match_parse(match, tab, &n);
	if (ret) {
		NL_SET_ERR_MSG(extack,
			       "malformed match list (items: vvvv:dddd, vvvv:*, class=0xCCCCCC, class=0xCCCC, dddd:bb:dd.f; at most 32)");
		goto out_free_tab;
	}

	mutex_lock(&gpumon_devs_mutex);
	memcpy(gpumon_matches, tab, sizeof(*tab) * n);
	gpumon_nmatches = n;
	strscpy(gpumon_match_str, match, sizeof(gpumon_match_str));
	for (i = 0; i < gpumon_ndevs; i++)
		gpumon_devs[i].seen = false;
	gpumon_devs_scan(true);
	for (i = 0; i < gpumon_ndevs; i++)
		if (gpumon_devs[i].pdev && !gpumon_devs[i].seen)
			WRITE_ONCE(gpumon_devs[i].watched, false);
	mutex_unlock(&gpumon_devs_mutex);

out_free_tab:
	kfree(tab);
	return ret;
}

/**
 * gpumon_match_get() - the match list as text
 * @buf: where to copy it, NUL-terminated
 * @size: size of @buf, bytes
 *
 * Process context.
 *
 * Return: its length, truncated to @size - 1.
 */
size_t gpumon_match_get(char *buf, size_t size)
{
	ssize_t n;

	mutex_lock(&gpumon_devs_mutex);
	n = strscpy(buf, gpumon_match_str, size);
	mutex_unlock(&gpumon_devs_mutex);
	return n < 0 ? size - 1 : n;
}

/**
 * gpumon_dev_reset() - zero the AER and link counters of @gdev
 * @gdev: the device; the devices lock held
 *
 * Counting continues; an error racing with the reset is counted either
 * before it (and zeroed) or after it.
 */
void gpumon_dev_reset(struct gpumon_dev *gdev)
{
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < __GPUMON_AER_SEV_MAX; i++)
		atomic64_set(&gdev->aer[i], 0);
	for (i = 0; i < GPUMON_AER_BITS; i++) {
		atomic64_set(&gdev->aer_cor[i], 0);
		atomic64_set(&gdev->aer_uncor[i], 0);
	}
	spin_lock_irqsave(&gdev->aer_lock, flags);
	gdev->aer_first_ns = 0;
	gdev->aer_last_ns = 0;
	gdev->aer_tlp_valid = false;
	spin_unlock_irqrestore(&gdev->aer_lock, flags);
	gdev->n_downtrained = 0;
	gdev->n_link_down = 0;
	gdev->n_not_responding = 0;
	gdev->n_flaps = 0;
	gdev->n_suppressed = 0;
}
