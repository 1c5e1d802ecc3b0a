// SPDX-License-Identifier: GPL-2.0-only
/*
 * decode.c - kernel log decode rate: lines per second through
 * gpumon_klog_feed_line() (log text, as `gpumon decode` reads it) and
 * through gpumon_kmsg_parse() + gpumon_klog_feed_record() (records, as
 * gpumond reads /dev/kmsg).
 *
 * The input cycles over real-format lines: mostly ordinary kernel lines
 * that decode to nothing (as on a healthy node), plus Xids, an SXid
 * group, AER text, DPC and CPU thermal lines.
 *
 *   build/bench/decode [SECONDS]     (default 2 s per measurement)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "klog.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const lines[] = {
	"[   12.345678] usb 1-1: new high-speed USB device number 2 using xhci_hcd",
	"[   12.456789] EXT4-fs (nvme0n1p2): mounted filesystem with ordered data mode. Quota mode: none.",
	"[   13.000001] systemd[1]: Started Journal Service.",
	"[   14.100000] mlx5_core 0000:3b:00.0: E-Switch: Total vports 2, per vport: max uc(128) max mc(2048)",
	"[   15.200000] IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready",
	"[   16.300000] audit: type=1400 audit(1700000000.000:2): apparmor=\"STATUS\" operation=\"profile_load\"",
	"[Wed Jul 31 23:14:18 2024] NVRM: Xid (PCI:0000:00:05): 43, pid=1045242, name=pt_main_thread, Ch 00000008",
	"Sep 19 16:18:04 host01 kernel: [68185.875295] nvidia 0000:07:00.0: PCIe Bus Error: severity=Correctable, type=Data Link Layer, (Transmitter ID)",
	"[   38.175561] nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Data {0x0000002b, 0x0000002b, 0x00000000, 0x0000002b, 0x80005302, 0x00000000, 0x00000000, 0x00000000, 0x00000000}",
	"[   38.178720] nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Non-fatal, Link 44 Minion Link DLREQ interrupt",
	"[   38.180708] nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Severity 0 Engine instance 44 Sub-engine instance 00",
	"[ 9811.101010] NVRM: Xid (PCI:0018:01:00): 149, pid='<unknown>', name=<unknown>, NETIR_LINK_EVT Fatal XC0 i0 Link 08 (0x004505c6 0x00000000 0x00000000 0x00000000 0x00000000 0x00000000)",
	"[ 1907.289481] mce: CPU4: Package temperature above threshold, cpu clock throttled (total events = 740)",
	"[ 5120.100001] pcieport 0000:00:01.1: DPC: containment event, status:0x1f05 source:0x0300",
	"[   17.400000] nvme nvme0: 64/0/0 default/read/poll queues",
	"[   18.500000] bond0: (slave eth1): Enslaving as a backup interface with an up link",
};

static uint64_t events;

static void count(void *ctx, const struct gpumon_klog_event *ev)
{
	events++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(const char *what, uint64_t n, double secs)
{
	printf("%-28s %10.0f lines/s  (%llu lines, %llu events, %.2f s)\n",
	       what, n / secs, (unsigned long long)n,
	       (unsigned long long)events, secs);
}

int main(int argc, char **argv)
{
	static struct gpumon_klog k;
	static char recs[ARRAY_SIZE(lines)][512];
	size_t len[ARRAY_SIZE(lines)], rlen[ARRAY_SIZE(lines)];
	double secs = argc > 1 ? atof(argv[1]) : 2.0, t0, t;
	uint64_t n;

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		const char *text = strchr(lines[i], ']');

		len[i] = strlen(lines[i]);
		text = text ? text + 2 : lines[i];
		rlen[i] = (size_t)snprintf(recs[i], sizeof(recs[i]),
					   "4,%zu,123456789,-;%s\n", i, text);
	}

	gpumon_klog_init(&k, count, NULL);
	n = 0;
	t0 = now();
	do {
		for (int r = 0; r < 1000; r++)
			for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
				gpumon_klog_feed_line(&k, lines[i], len[i]);
		n += 1000 * ARRAY_SIZE(lines);
		t = now() - t0;
	} while (t < secs);
	gpumon_klog_flush(&k);
	report("text lines (feed_line)", n, t);

	events = 0;
	gpumon_klog_init(&k, count, NULL);
	n = 0;
	t0 = now();
	do {
		for (int r = 0; r < 1000; r++) {
			for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
				struct gpumon_kmsg_rec rec;

				if (!gpumon_kmsg_parse(recs[i], rlen[i], &rec))
					gpumon_klog_feed_record(&k, &rec);
			}
		}
		n += 1000 * ARRAY_SIZE(lines);
		t = now() - t0;
	} while (t < secs);
	gpumon_klog_flush(&k);
	report("kmsg records (feed_record)", n, t);
	return 0;
}
