# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 20-bpf: every eBPF program of bpf/probes.bpf.c is attached or reported
# off with its reason, and fed by a real trigger where the guest allows.
# gpumon.ko stays unloaded, so the BPF records are the count.
#   ras:aer_event                   aer_inject.ko at the GPU stand-in,
#                                   correctable and non-fatal; the
#                                   program's records must equal the
#                                   tracepoint's own count in tracefs and
#                                   the kernel's sysfs totals
#   thermal:thermal_temperature,    the guest's ACPI thermal zone
#   thermal:thermal_zone_trip       (tests/vm/thermal-zone.asl), polled
#                                   every second, heated past its hot trip
#                                   through CMOS RAM
#   thermal:cdev_update             the zone's ACPI fan, switched on by
#                                   the step_wise governor above the
#                                   active trip
#   irq_vectors:thermal_apic_entry  attached but not fed: TCG raises no
#                                   thermal LVT interrupt (SKIP says so)
#   pci:pcie_link_event,            off on 6.1 and 6.12: the tracepoints
#   pci:pci_hp_event                came with Linux 7.0
#   kprobe (NVIDIA Xid)             off without nvidia.ko; then attached to
#                                   the stand-in do_sys_ftruncate (arg 2 =
#                                   the length) through GPUMON_BPF_XID_KPROBE
#                                   and fed by our own truncate -s 79,
#                                   filtered on its comm and that Xid
scenario_begin
tr=/sys/kernel/tracing
N=200

# started here, not under check: check runs its command in a subshell,
# which would lose GPUMOND_PID and leave the daemon to the next start
started() {
	if gpumond_start; then pass "$1"; else fail "$1"; fi
}
# A gpumond an earlier scenario started under check (a subshell, so its
# pid was lost) still answers on the socket and a new one would refuse
# it: stop every gpumond first, by pid.
gpumond_kill_all
mod_unload
started "gpumond starts (no gpumon.ko)"
src() { status ".sources[] | select(.name == \"$1\") | $2"; }
prog() { status ".bpf_programs[] | select(.name == \"$1\") | $2"; }
is "bpf source on" "$(src bpf .on)" true
status '.bpf_programs[] | "\(.name) \(.hook) on=\(.on) \(.why)"' >/tmp/progs.txt
diag "$(cat /tmp/progs.txt)"
is "eight programs reported" "$(status '.bpf_programs | length')" 8
for p in aer thermal_temperature thermal_zone_trip cdev_update thermal_irq; do
	is "program $p attached" "$(prog $p .on)" true
done
for p in pcie_link pci_hotplug; do
	is "program $p off on $(uname -r)" "$(prog $p .on)" false
	check "program $p: reason names the missing tracepoint" \
		sh -c "gpumon status --json | jq -r '.bpf_programs[] | select(.name == \"$p\") | .why' | grep -q 'not in this kernel'"
done
is "program nv_xid off without nvidia.ko" "$(prog nv_xid .on)" false
check "program nv_xid: reason says nvidia.ko is not loaded" \
	sh -c "gpumon status --json | jq -r '.bpf_programs[] | select(.name == \"nv_xid\") | .why' | grep -q 'nvidia.ko is not loaded'"
check "syslog: one line per program" \
	test "$(grep -c 'gpumond.*kind=bpf-program' /var/log/messages)" -eq 8

# ---- ras:aer_event: exact counts against tracefs and sysfs ----
echo 1 >/proc/sys/kernel/bpf_stats_enabled
echo 16384 >$tr/buffer_size_kb
echo >$tr/trace
echo 1 >$tr/events/ras/aer_event/enable
aer_settle $GPU correctable >/dev/null
aer_snap
ev0=$(prog aer .events)
check "aer_inject: $N correctable at the endpoint" inject_cor $GPU $N
# aer_inject, not QEMU: after 04's and 10's unplug and replug of gpu0,
# QEMU's pcie_aer_inject_error at it no longer reaches the guest kernel
inject_nf() {
	aer_inject_on || return 1
	aer-inject -u 0x4000 $GPU >/dev/null || { aer_inject_off; return 1; }
	aer_settle $GPU nonfatal >/dev/null
	aer_inject_off
}
check "aer_inject: non-fatal 0x4000 at the endpoint" inject_nf
sleep 1
echo 0 >$tr/events/ras/aer_event/enable
ntp=$(grep -c 'aer_event:' $tr/trace)
cor=$(aer_delta $GPU correctable)
nf=$(aer_delta $GPU nonfatal)
enough() { [ "$(prog aer .events)" -ge $((ev0 + ntp)) ]; }
wait_for 10 enough
ev=$(($(prog aer .events) - ev0))
diag "tracefs ras:aer_event $ntp, sysfs $cor correctable + $nf non-fatal, program records $ev"
is "aer program records equal the tracepoint's count ($ntp)" "$ev" "$ntp"
is "tracepoint count equals the sysfs totals" "$ntp" "$((cor + nf))"
is "aer program drops" "$(prog aer .drops)" 0
is "GPU correctable count in gpumond equals sysfs" "$(dev .aer.correctable $GPU)" "$cor"
is "GPU non-fatal count in gpumond equals sysfs" "$(dev .aer.nonfatal $GPU)" "$nf"
check "aer program run_cnt covers its records (bpf_stats)" \
	test "$(prog aer .run_cnt)" -ge "$ev"
gpumon events --json >/tmp/events.json
check "non-fatal event from BPF carries status 0x00004000" \
	test "$(jq "[.events[] | select(.source == \"bpf\" and .kind == \"aer\" and .entity == \"$GPU\" and .fields.status == \"0x00004000\")] | length" /tmp/events.json)" -ge 1

# ---- thermal: the guest's ACPI zone, real polls and a real hot trip ----
diag "thermal class: $(ls /sys/class/thermal 2>/dev/null | tr '\n' ' ')"
zone=$(tz_path)
if [ -n "$zone" ]; then
	tz_set 40
	t0=$(prog thermal_temperature .events)
	check "thermal_temperature fed by the kernel's polls of ${zone##*/}" \
		wait_for 10 eval 'test "$(prog thermal_temperature .events)" -gt "$t0"'
	p0=$(prog thermal_zone_trip .events)
	c0=$(prog cdev_update .events)
	tz_set 95
	check "thermal_zone_trip fed when ${zone##*/} passes its hot trip (95 C > 90 C)" \
		wait_for 10 eval 'test "$(prog thermal_zone_trip .events)" -gt "$p0"'
	check "cdev_update fed when the governor turns the ACPI fan on" \
		wait_for 10 eval 'test "$(prog cdev_update .events)" -gt "$c0"'
	tz_set 40
	gpumon events --json >/tmp/events.json
	check "gpumond has a thermal-trip event from BPF naming acpitz" \
		test "$(jq '[.events[] | select(.source == "bpf" and .kind == "thermal-trip")] | length' /tmp/events.json)" -ge 1
	diag "$(jq -c '[.events[] | select(.source == "bpf" and .kind == "thermal-trip")][0]' /tmp/events.json)"
else
	skip "thermal_temperature/thermal_zone_trip fed by a real zone" \
		"no ACPI thermal zone in this guest (thermal-zone.aml not built?); the programs are attached (checked above)"
fi
skip "thermal_apic_entry fed" \
	"QEMU TCG raises no thermal LVT interrupt; attached, run_cnt $(prog thermal_irq .run_cnt)"
is "cpu_thermal_irqs has one count per CPU" \
	"$(status '.cpu_thermal_irqs | length')" "$(grep -c '^processor' /proc/cpuinfo)"
gpumond_stop

# ---- the Xid kprobe, on a stand-in symbol fed by our own truncate ----
export GPUMON_BPF_XID_KPROBE=do_sys_ftruncate:2
started "gpumond starts with $GPUMON_BPF_XID_KPROBE"
unset GPUMON_BPF_XID_KPROBE
is "program nv_xid attached to the stand-in" "$(prog nv_xid '"\(.on) \(.hook)"')" "true kprobe:do_sys_ftruncate"
seq0=$(status .events.next_seq)
for i in 1 2 3; do
	truncate -s 79 /tmp/xid.$i
done
ours() {
	gpumon events --json --after $((seq0 - 1)) >/tmp/xid.json
	jq '[.events[] | select(.kind == "xid-probe" and .fields.comm == "truncate" and .fields.xid == "79")] | length' /tmp/xid.json
}
three() { [ "$(ours)" -ge 3 ]; }
wait_for 10 three
is "three Xid 79 records from our truncate" "$(ours)" 3 ||
	diag "xid-probe events since seq $seq0 by comm, xid: $(jq -r '.events[] | select(.kind == "xid-probe") | "\(.fields.comm) \(.fields.xid)"' /tmp/xid.json | sort | uniq -c | head -n 20)"
check "Xid 79 events have the catalog's level (crit) and the source bpf" \
	test "$(jq '[.events[] | select(.kind == "xid-probe" and .fields.comm == "truncate" and .fields.xid == "79" and .source == "bpf" and .level == "crit")] | length' /tmp/xid.json)" = 3
is "nv_xid drops" "$(prog nv_xid .drops)" 0
echo 0 >/proc/sys/kernel/bpf_stats_enabled
scenario_end
