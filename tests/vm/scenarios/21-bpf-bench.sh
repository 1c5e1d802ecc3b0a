# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 21-bpf-bench: what the eBPF programs cost per event, and how many
# records the one ring buffer carries to gpumond, from the kernel's own
# BPF statistics (kernel.bpf_stats_enabled=1: run_cnt, run_time_ns per
# program, as gpumond reads them).  Prints "# bench:" lines, which
# bench/bpf-vm.sh collects.  Under TCG the times are emulated: compare
# them with each other, not with hardware.
#   per-event cost  ras:aer_event fed by $N correctable aer_inject errors
#   ring throughput the Xid kprobe on the stand-in read_zero (only
#                   /dev/zero readers call it, so gpumond's own syslog
#                   lines cannot feed it) by dd reading a byte at a time:
#                   far more records than gpumond can take, so the ring
#                   fills and drops are counted.  Checked: every run of
#                   the program either delivered its record or counted a
#                   drop, or is still in the ring (run_cnt - records -
#                   drops, read in that order, is 0 to a few).
N=${BENCH_AER:-1000}
R=${BENCH_READS:-50000}
scenario_begin
started() {
	if gpumond_start; then pass "$1"; else fail "$1"; fi
}
prog() { status ".bpf_programs[] | select(.name == \"$1\") | $2"; }
# centiseconds since boot
now_cs() { awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime; }
per() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f", a / b; else print "n/a" }'; }

# A gpumond an earlier scenario started under check (a subshell, so its
# pid was lost) still answers on the socket and a new one would refuse
# it: stop every gpumond first, by pid.
gpumond_kill_all
mod_unload
echo 1 >/proc/sys/kernel/bpf_stats_enabled
started "gpumond starts"

# ---- per-event cost: ras:aer_event ----
aer_settle $GPU correctable >/dev/null
c0=$(prog aer .run_cnt) t0=$(prog aer .run_time_ns)
check "aer_inject: $N correctable at the endpoint" inject_cor $GPU $N
sleep 1
c1=$(prog aer .run_cnt) t1=$(prog aer .run_time_ns)
runs=$((c1 - c0))
check "aer program ran for the injected errors ($runs runs)" test "$runs" -ge 1
diag "bench: $(uname -r) aer: $runs runs, $((t1 - t0)) ns, $(per $((t1 - t0)) $runs) ns/event (TCG)"
gpumond_stop

# ---- ring throughput: the Xid kprobe on read_zero ----
export GPUMON_BPF_XID_KPROBE=read_zero:3:0
started "gpumond starts with $GPUMON_BPF_XID_KPROBE"
unset GPUMON_BPF_XID_KPROBE
is "program nv_xid attached to the stand-in" "$(prog nv_xid .on)" true
s0=$(now_cs)
dd if=/dev/zero of=/dev/null bs=1 count=$R 2>/dev/null
s1=$(now_cs)
# wait until gpumond has taken what the ring holds
last=-1
for i in $(seq 1 60); do
	e=$(prog nv_xid .events)
	[ "$e" = "$last" ] && break
	last=$e
	sleep 1
done
s2=$(now_cs)
cnt=$(prog nv_xid .run_cnt) ns=$(prog nv_xid .run_time_ns)
ev=$(prog nv_xid .events) dr=$(prog nv_xid .drops)
left=$((cnt - ev - dr))
check "every run delivered a record or counted a drop (run_cnt $cnt, records $ev, drops $dr, in flight $left)" \
	test "$left" -ge 0 -a "$left" -le 64
check "the reads overflowed the ring and drops were counted ($dr)" \
	test "$dr" -gt 0
check "gpumond's bpf source counts the drops as lost" \
	test "$(status '.sources[] | select(.name == "bpf") | .lost')" -ge "$dr"
diag "bench: $(uname -r) nv_xid kprobe: $cnt runs, $(per $ns $cnt) ns/event (TCG)"
diag "bench: $(uname -r) ring: $cnt records offered in $(((s1 - s0) * 10)) ms ($(per $((cnt * 100)) $((s1 - s0))) /s), $ev delivered to gpumond in $(((s2 - s0) * 10)) ms ($(per $((ev * 100)) $((s2 - s0))) /s), $dr dropped"
echo 0 >/proc/sys/kernel/bpf_stats_enabled
scenario_end
