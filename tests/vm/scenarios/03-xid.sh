# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 03-xid: a real-format NVIDIA Xid 79 line, printed as a kernel record by
# the module's debugfs file, reaches gpumond through /dev/kmsg: syslog
# alert, Xid count and last Xid on the device, the XID column of
# `gpumon top -b`, and the events list.
scenario_begin

need gpumon.ko || { scenario_end; exit 0; }
check "insmod gpumon.ko match=$MATCH" mod_load
check "gpumond starts" gpumond_start
# Give the sources time to settle; the race right at startup has its own
# check at the end.
sleep 3
# The driver prints the address without the function number.
addr=${GPU%.*}
line="NVRM: Xid (PCI:$addr): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus."
check "write the Xid line to /sys/kernel/debug/gpumon/kmsg" \
	sh -c "printf '%s\n' \"\$1\" >/sys/kernel/debug/gpumon/kmsg" _ "$line"
check "kernel log has the line" sh -c "dmesg | grep -qF \"Xid (PCI:$addr): 79\"" ||
	diag "$(dmesg | tail -n 5)"
diag "as logged: $(dmesg -r | grep -F "Xid (PCI:$addr)")"
# dmesg -r prints <facility*8+level>: a kernel record is <0> to <7>.
check "it is a kernel record (facility 0), not a user one" \
	sh -c "dmesg -r | grep -F \"Xid (PCI:$addr): 79\" | grep -q '^<[0-7]>'"

check "syslog: CRIT kind=xid xid=79 on the GPU" \
	wait_for 10 syslog_has CRIT "bdf=$GPU" kind=xid xid=79 ||
	diag "$(grep gpumond /var/log/messages | tail -n 5)"
check "syslog line carries the driver's message" \
	syslog_has kind=xid "fallen off the bus"
is "device xid_count" "$(dev .xid_count $GPU)" 1
is "device last_xid" "$(dev .last_xid.xid $GPU)" 79
is "kmsg source on" "$(status '.sources[] | select(.name == "kmsg") | .on')" true
# the newest events: the ring also holds the boot's older kernel log
after=$(($(status .events.next_seq) - 500))
[ $after -ge 0 ] || after=0
check "events list has the Xid from kmsg" \
	test "$(gpumon events --json --after $after | jq "[.events[] | select(.source == \"kmsg\" and .kind == \"xid\" and .entity == \"$GPU\")] | length")" -ge 1
gpumon top -b -n 1 >/tmp/top.txt 2>&1
xcol=$(awk -v b="$GPU" '$1 == b { print $7 }' /tmp/top.txt)
check "gpumon top -b: XID column of the GPU row shows it ($xcol)" \
	sh -c "case '$xcol' in ''|0|-) exit 1 ;; esac"
check "gpumon top -b: events show Xid 79" grep -q 'xid.*79\|Xid.*79\|79.*fallen' /tmp/top.txt
diag "$(cat /tmp/top.txt)"

# A record logged as soon as gpumond answers on its socket must not be
# missed (its kmsg source is said to be on by then).
gpumond_stop
check "gpumond restarts" gpumond_start
printf "NVRM: Xid (PCI:%s): 48, pid=1234, name=python3, An uncorrectable double bit error (DBE) has been detected on GPU.\n" \
	"$addr" >/sys/kernel/debug/gpumon/kmsg
xid48() { [ "$(dev .last_xid.xid $GPU)" = 48 ]; }
check "an Xid logged right after gpumond answers is seen" wait_for 10 xid48 ||
	diag "kmsg source: $(status '.sources[] | select(.name == "kmsg")' | tr -d '\n')"
scenario_end
