// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpumon: the devices to watch.
 *
 * At load: every NVIDIA GPU and NVSwitch, every endpoint named by the
 * "match" parameter, and every bridge on their paths to the root port.
 * The list is fixed from then on; references are dropped at unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>

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

static struct gpumon_match gpumon_matches[GPUMON_MAX_MATCH];
static unsigned int gpumon_nmatches;

static struct gpumon_dev gpumon_devs[GPUMON_MAX_DEVS];
static unsigned int gpumon_ndevs;

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

static int gpumon_match_parse(const char *match)
{
	char *copy, *next, *item;
	int ret = 0;

	if (!match || !*match)
		return 0;
	copy = kstrdup(match, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;

	next = copy;
	while ((item = strsep(&next, ","))) {
		if (gpumon_nmatches == GPUMON_MAX_MATCH) {
			pr_err("match: more than %d items, at '%s'\n",
			       GPUMON_MAX_MATCH, item);
			ret = -EINVAL;
			goto out_free_copy;
		}
		if (!gpumon_parse_item(item,
				       &gpumon_matches[gpumon_nmatches])) {
			pr_err("match: malformed item '%s' (want vvvv:dddd, vvvv:*, class=0xCCCCCC, class=0xCCCC or dddd:bb:dd.f)\n",
			       item);
			ret = -EINVAL;
			goto out_free_copy;
		}
		gpumon_nmatches++;
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

static struct gpumon_dev *gpumon_dev_lookup(const struct pci_dev *pdev)
{
	unsigned int i;

	for (i = 0; i < gpumon_ndevs; i++)
		if (gpumon_devs[i].pdev == pdev)
			return &gpumon_devs[i];
	return NULL;
}

/*
 * Watch @pdev with @role.  A device already watched as a bridge that is
 * itself a GPU or matched endpoint takes the endpoint role.
 */
static void gpumon_dev_add(struct pci_dev *pdev, enum gpumon_role role)
{
	struct gpumon_dev *gdev = gpumon_dev_lookup(pdev);

	if (gdev) {
		if (gpumon_role_is_endpoint(role))
			gdev->role = role;
		return;
	}
	if (gpumon_ndevs == GPUMON_MAX_DEVS) {
		pr_warn_once("more than %d devices; %s and later ones not watched\n",
			     GPUMON_MAX_DEVS, pci_name(pdev));
		return;
	}
	gdev = &gpumon_devs[gpumon_ndevs++];
	gdev->pdev = pci_dev_get(pdev);
	gdev->role = role;
}

static void gpumon_dev_add_path(struct pci_dev *pdev, enum gpumon_role role)
{
	struct pci_dev *bridge;

	gpumon_dev_add(pdev, role);
	for (bridge = pci_upstream_bridge(pdev); bridge;
	     bridge = pci_upstream_bridge(bridge))
		gpumon_dev_add(bridge, gpumon_bridge_role(bridge));
}

/**
 * gpumon_devs_init() - find the devices to watch
 * @match: the "match" module parameter, or NULL
 *
 * Return: 0, or -EINVAL for a malformed @match, or -ENOMEM.
 */
int gpumon_devs_init(const char *match)
{
	struct pci_dev *pdev = NULL;
	enum gpumon_role role;
	int ret;

	ret = gpumon_match_parse(match);
	if (ret)
		return ret;

	for_each_pci_dev(pdev) {
		role = gpumon_endpoint_role(pdev);
		if (role != GPUMON_ROLE_UNSPEC)
			gpumon_dev_add_path(pdev, role);
	}
	pr_info("watching %u devices\n", gpumon_ndevs);
	return 0;
}

void gpumon_devs_exit(void)
{
	while (gpumon_ndevs)
		pci_dev_put(gpumon_devs[--gpumon_ndevs].pdev);
}

unsigned int gpumon_dev_count(void)
{
	return gpumon_ndevs;
}

struct gpumon_dev *gpumon_dev_at(unsigned int idx)
{
	return idx < gpumon_ndevs ? &gpumon_devs[idx] : NULL;
}

/**
 * gpumon_dev_find() - the watched device named @bdf
 * @bdf: "dddd:bb:dd.f", as dev_name() gives it
 *
 * Safe in any context: no locks, no sleeping.
 *
 * Return: the device, or NULL when it is not watched.
 */
struct gpumon_dev *gpumon_dev_find(const char *bdf)
{
	unsigned int i;

	for (i = 0; i < gpumon_ndevs; i++)
		if (!strcmp(pci_name(gpumon_devs[i].pdev), bdf))
			return &gpumon_devs[i];
	return NULL;
}

/* The bridge above @gdev, or NULL for a device on a root bus. */
struct pci_dev *gpumon_dev_parent(const struct gpumon_dev *gdev)
{
	return pci_upstream_bridge(gdev->pdev);
}
