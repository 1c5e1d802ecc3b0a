# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 30-klog-replay: real-format NVIDIA lines (from tests/fixtures/klog/:
# xid-fields.log, hc07-sxid.log, hc03-fallen-off.log, without their log
# tool prefixes; tests/fixtures is not in the guest, so they are embedded
# here) are printed as kernel records by the module's debugfs file while
# gpumond runs.  gpumond's kmsg events since the replay must be exactly
# the expected ones: ten Xids with their codes and devices, one SXid per
# Data/description/Severity group, one fallen-off-bus for the three-record
# message, nothing else of those kinds; and the same list as
# `gpumon decode --json` gives for the same text.
scenario_begin

need gpumon.ko || { scenario_end; exit 0; }
KMSG_W=/sys/kernel/debug/gpumon/kmsg
check "insmod gpumon.ko match=$MATCH" mod_load
check "gpumond starts" gpumond_start
sleep 2

cat >/tmp/replay.txt <<'EOF'
NVRM: Xid (PCI:0018:01:00): 149, pid='<unknown>', name=<unknown>, NETIR_LINK_EVT Fatal XC0 i0 Link 08 (0x004505c6 0x00000000 0x00000000 0x00000000 0x00000000 0x00000000)
NVRM: Xid (PCI:0000:41:00): 146, pid=1234, name=nccl, TLW_RX_PIPE0 Fatal XC 1 i 2 Link 01 [0x0000000a]
NVRM: Xid (PCI:0000:41:00): 145, RLW_REMAP Non-fatal XC0 i0 Link 17 (0x00000004 0x00000004 0x00000000 0x00000000 0x00000000 0x00000000)
NVRM: Xid (PCI:10000:e1:1f): 74, pid=777, name=all_reduce_perf, NVLink: fatal error detected on link 3(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)
NVRM: Xid (PCI:0000:00:08): 94, pid='<unknown>', name=<unknown>, Contained: SM (0x1). RST: No, D-RST: No
NVRM: Xid (PCI:0000:3b:00): 95, pid=2024, name=python, Uncontained: FBHUB. RST: Yes, D-RST: No
NVRM: Xid (PCI:0000:1b:00): 45, pid=2210, name=python3, Ch 00000010, caused by previous Xid 48
NVRM: Xid (PCI:0000:1b:00): 154, GPU recovery action changed from 0x0 (None) to 0x2 (Node Reboot Required)
NVRM: Xid (): 79, GPU has fallen off the bus.
NVRM: Xid (PCI:0000:44:00): 79, GPU has fallen off the bus.
nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Data {0x0000002b, 0x0000002b, 0x00000000, 0x0000002b, 0x80005302, 0x00000000, 0x00000000, 0x00000000, 0x00000000}
nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Non-fatal, Link 44 Minion Link DLREQ interrupt
nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Severity 0 Engine instance 44 Sub-engine instance 00
nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Data {0x0000002c, 0x0000002c, 0x00000000, 0x0000002c, 0x80005302, 0x00000000, 0x00000000, 0x00000000, 0x00000000}
nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Non-fatal, Link 45 Minion Link DLREQ interrupt
nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Severity 0 Engine instance 45 Sub-engine instance 00
NVRM: The NVIDIA GPU 0000:b3:00.0
NVRM: (PCI ID: 10de:26b5) installed in this system has
NVRM: fallen off the bus and is not responding to commands.
NVRM: The NVIDIA probe routine failed for 1 device(s).
NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  570.195.03  Release Build  (dvs-builder@U22-I3-H04-03-1)  Sat Sep 20 00:47:16 UTC 2025
EOF
# kind entity code, in order ("-": none)
cat >/tmp/replay.want <<'EOF'
xid 0018:01:00.0 149
xid 0000:41:00.0 146
xid 0000:41:00.0 145
xid 10000:e1:1f.0 74
xid 0000:00:08.0 94
xid 0000:3b:00.0 95
xid 0000:1b:00.0 45
xid 0000:1b:00.0 154
xid - 79
xid 0000:44:00.0 79
sxid 0000:04:00.0 22013
sxid 0000:04:00.0 22013
fallen-off-bus 0000:b3:00.0 -
EOF
nwant=$(wc -l </tmp/replay.want)

# the kinds decoded from kernel log text
KINDS='["xid","sxid","fallen-off-bus","dpc","cpu-thermal","malformed"]'
daemon_list() {
	gpumon events --json --after "$after" |
	jq -r --argjson k "$KINDS" '.events[] | select(.source == "kmsg" and (.kind as $x | $k | index($x))) |
		"\(.kind) \(.entity // "-") \(.fields.xid // .fields.sxid // "-")"' >/tmp/replay.got
}
enough() { daemon_list && [ "$(wc -l </tmp/replay.got)" -ge "$nwant" ]; }

# --after is exclusive and next_seq is the number the next event gets
after=$(($(status .events.next_seq) - 1))
kev0=$(status '.sources[] | select(.name == "kmsg") | .events')
# one write(): the module prints one record per line
check "write $(wc -l </tmp/replay.txt) lines ($(wc -c </tmp/replay.txt) bytes) in one write to $KMSG_W" \
	sh -c "cat /tmp/replay.txt >$KMSG_W"
check "dmesg has the last replayed line as a kernel record" \
	sh -c "dmesg -r | grep -F 'loading NVIDIA UNIX Open Kernel Module' | grep -q '^<[0-7]>'"
wait_for 20 enough
# late extras (a group flushed at the next tick) would come within a tick
sleep 3
daemon_list
kev1=$(status '.sources[] | select(.name == "kmsg") | .events')
diag "kmsg records gpumond received during the replay: $((kev1 - kev0))"
check "gpumond's decoded kmsg events are exactly the $nwant expected (kind entity code, in order)" \
	cmp -s /tmp/replay.got /tmp/replay.want ||
	diag "got:
$(cat /tmp/replay.got)
want:
$(cat /tmp/replay.want)"
is "xid events" "$(grep -c '^xid ' /tmp/replay.got)" 10
is "sxid events (one per Data/description/Severity group)" "$(grep -c '^sxid ' /tmp/replay.got)" 2
is "fallen-off-bus events (one for the three-record message)" "$(grep -c '^fallen-off-bus ' /tmp/replay.got)" 1

# the SXid groups carry their parts
sx=$(gpumon events --json --after "$after" | jq -r '[.events[] | select(.source == "kmsg" and .kind == "sxid") | "\(.fields.link // "-")/\(.fields.severity // "-")/\(.fields.engine // "-")"] | join(" ")')
diag "sxid link/severity/engine: $sx"
check "sxid groups joined (links 44 and 45)" sh -c "case '$sx' in *44*45*) exit 0 ;; esac; exit 1"

# the same text through `gpumon decode --json` gives the same list
gpumon decode --json </tmp/replay.txt >/tmp/replay.dec 2>&1
jq -r --argjson k "$KINDS" 'select(.kind as $x | $k | index($x)) |
	"\(.kind) \(if .bdf == "unknown" then "-" else .bdf end) \((.xid // .sxid // "-") | tostring)"' \
	/tmp/replay.dec >/tmp/replay.declist 2>&1
check "gpumon decode --json of the same text gives the same events" \
	cmp -s /tmp/replay.declist /tmp/replay.got ||
	diag "decode:
$(cat /tmp/replay.declist)"
check "gpumond still runs" gpumond_alive
scenario_end
