# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 14-kmod-cost: what gpumon.ko costs, printed as "bench:" lines for
# bench/kmod-vm.sh: one link sampling pass over the watched devices
# (the module's own SAMPLES/SAMPLE_NS, at 100 ms and 10 ms intervals;
# four devices on the default rig, about 40 with VM_TOPOLOGY=hgx, which
# bench/kmod-vm.sh sets), the median cost of one sweep,
# and the AER record path the probe uses (count per severity and bit,
# stamp, queue) per event, through debugfs inject_aer with and without
# a listener.  Times are under TCG emulation: compare them with each
# other, not with hardware.
N=100000
scenario_begin
# A gpumond an earlier scenario leaked would take in the events below
# (storms, hotplug) and be slow to stop for later scenarios: stop it.
gpumond_kill_all

need gpumon.ko || { scenario_end; exit 0; }
check "insmod gpumon.ko match=$MATCH" mod_load
stat() { nl-test 6 | grep '^reply' | grep -o " $1=[0-9]*" | cut -d= -f2; }
# CLOCK_MONOTONIC in ns (busybox date has no %N).
now_ns() { awk '/^now at/ { print $3; exit }' /proc/timer_list; }
bench() { diag "bench: $(uname -r): $*"; }
ndev=$(nl-test -d 1 | grep -c '^reply cmd=1')
check "devices watched: $ndev" test "$ndev" -ge 4

for ms in 100 10; do
	nl-test 4 28=u32:$ms >/dev/null
	s0=$(stat 36) n0=$(stat 37)
	sleep 3
	s1=$(stat 36) n1=$(stat 37)
	check "sampling at $ms ms: passes counted ($((s1 - s0)) in 3 s)" test $((s1 - s0)) -ge 3
	bench "link sampling every $ms ms: $((s1 - s0)) passes in 3 s, $(((n1 - n0) / (s1 - s0 + (s1 == s0)))) ns per pass ($ndev devices)"
done

# One sweep at a time: at 200 ms, STATS_GET polled as fast as it
# answers; a window between two polls holding exactly one pass gives
# that pass's cost.
stat2() { nl-test 6 | grep '^reply' | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } print v[36], v[37] }'; }
nl-test 4 28=u32:200 >/dev/null
sleep 0.5
: >/tmp/sweeps
end=$(($(date +%s) + 8))
prev=$(stat2)
while [ "$(date +%s)" -lt $end ]; do
	cur=$(stat2)
	echo "$prev $cur" >>/tmp/sweeps
	prev=$cur
done
awk '$3 - $1 == 1 { print $4 - $2 }' /tmp/sweeps | sort -n >/tmp/sweeps.one
m=$(wc -l </tmp/sweeps.one)
check "single sweeps timed: $m (at least 10)" test "$m" -ge 10
if [ "$m" -gt 0 ]; then
	med=$(sed -n "$(((m + 1) / 2))p" /tmp/sweeps.one)
	bench "sweep over $ndev devices: $(awk -v n=$med 'BEGIN { printf "%.1f", n / 1000 }') us (median of $m), $(awk -v n=$med -v d=$ndev 'BEGIN { printf "%.2f", n / 1000 / d }') us per device"
	diag "sweep costs (ns): min $(head -n 1 /tmp/sweeps.one), max $(tail -n 1 /tmp/sweeps.one)"
fi
nl-test 4 28=u32:1000 >/dev/null

done_n=0
case $(now_ns) in
''|*[!0-9]*) skip "AER record cost" "no /proc/timer_list" ;;
*)
	for mode in "no listener" "one listener"; do
		if [ "$mode" = "one listener" ]; then
			gpumon dev --watch >/dev/null 2>&1 &
			w=$!
			sleep 1
		fi
		t0=$(now_ns)
		echo "$GPU cor 0x1 repeat $N" >/sys/kernel/debug/gpumon/inject_aer
		t1=$(now_ns)
		done_n=$((done_n + N))
		check "$N records ($mode)" test $((t1 - t0)) -gt 0
		bench "AER record path, $mode: $(((t1 - t0) / N)) ns per event ($N in one write)"
		[ "$mode" = "one listener" ] && { kill $w; wait $w 2>/dev/null; }
	done
	bench "events lost in all (ring of 1024, sent by a work item): $(stat 18) of $(stat 30)"
	;;
esac
is "counts exact after $done_n records" \
	"$(gpumon dev --json | jq -r ".[] | select(.bdf == \"$GPU\") | .aer.correctable")" $done_n
scenario_end
