# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 16-rapl: RAPL energy sampling (kmod/rapl.c).  Under QEMU (TCG) the RAPL
# MSRs fault: STATS_GET says the source is absent, with the reason, the
# kernel log says so once, and the module works on (a real AER error is
# still counted).  The sampling period is a config attribute and a
# module parameter.  Then injected counter readings through debugfs
# inject_rapl, fed through the same sample and window code as the MSRs,
# give exact energy, min/avg/max power, wraps and window samples in
# POWER_GET (nl-test -P): a 10 ms transient at 300 W in a 100 W window,
# the DRAM unit 2^-16 J across a wraparound with the window closing by
# itself after 1 s, a reading with no time elapsed, a whole counter turn
# in 1 us, malformed lines refused.
scenario_begin

# Numbers from include/uapi/gpumon.h.
C_DEV_GET=1 C_CONFIG_GET=3 C_CONFIG_SET=4 C_STATS=6
A_BDF=2 A_AER_COR=8 A_RAPL_PERIOD=63 A_RAPL_STATE=64 A_RAPL_REASON=65
SOURCE_ABSENT=1
D=/sys/kernel/debug/gpumon
INJ=$D/inject_rapl

need gpumon.ko nl-test || { scenario_end; exit 0; }
check "insmod gpumon.ko match=$MATCH" mod_load

# attr CMD TYPE: one u32 attribute of a do command's reply.
attr() { nl-test "$1" | grep '^reply' | grep -o " $2=[0-9]*" | cut -d= -f2; }
stats=$(nl-test $C_STATS | grep '^reply')
state=$(printf '%s\n' "$stats" | grep -o " $A_RAPL_STATE=[0-9]*" | cut -d= -f2)
reason=$(printf '%s\n' "$stats" | sed -n "s/.* $A_RAPL_REASON='\([^']*\)'.*/\1/p")
diag "RAPL state $state: $reason"
if [ "$state" = "$SOURCE_ABSENT" ]; then
	pass "stats: RAPL absent under QEMU"
	case $reason in
	# QEMU's TCG reads 0 for the MSRs it does not emulate; hardware
	# without them faults.
	"no RAPL MSRs: rdmsr 0x"*" reads 0 on CPU 0" | \
	"no RAPL MSRs: rdmsr 0x"*" faulted on CPU 0") pass "stats: the reason names the MSR and the CPU" ;;
	*) fail "stats: the reason names the MSR and the CPU" "got '$reason'" ;;
	esac
	is "kernel log: said once" "$(dmesg | grep -c "gpumon: RAPL: $reason; power is not sampled")" 1
	is "no domains to dump" "$(nl-test -P)" "error=0"
else
	skip "stats: RAPL absent under QEMU" "this guest has RAPL MSRs (state $state: $reason)"
fi

# The module works on without RAPL: a real correctable error is counted.
cor() { nl-test $C_DEV_GET $A_BDF=str:$GPU | grep '^reply' | grep -o " $A_AER_COR=[0-9]*" | cut -d= -f2; }
c0=$(cor)
check "aer_inject: one correctable error at the GPU" inject_cor $GPU 1
counted() { [ "$(cor)" = "$((${c0:-0} + 1))" ]; }
check "the module still counts it (${c0:-?} -> $((${c0:-0} + 1)))" wait_for 10 counted

# The sampling period: config get/set and the module parameter.
is "config get: period 10 ms by default" "$(attr $C_CONFIG_GET $A_RAPL_PERIOD)" 10
is "config set period 5 ms" "$(nl-test $C_CONFIG_SET $A_RAPL_PERIOD=u32:5 | tail -n 1)" "error=0"
is "config get: 5 ms; the parameter too" \
	"$(attr $C_CONFIG_GET $A_RAPL_PERIOD) $(cat /sys/module/gpumon/parameters/rapl_period_ms)" "5 5"
case $(nl-test $C_CONFIG_SET $A_RAPL_PERIOD=u32:0 | tail -n 1) in
*"bad_attr=$A_RAPL_PERIOD"*) pass "config set period 0: refused, attribute named" ;;
*) fail "config set period 0: refused, attribute named" ;;
esac
case $(nl-test $C_CONFIG_SET $A_RAPL_PERIOD=u32:1001 | tail -n 1) in
*"bad_attr=$A_RAPL_PERIOD"*) pass "config set period 1001 ms: refused" ;;
*) fail "config set period 1001 ms: refused" ;;
esac
check "parameter: 0 refused" sh -c '! echo 0 >/sys/module/gpumon/parameters/rapl_period_ms 2>/dev/null'
check "parameter: 10 accepted" sh -c 'echo 10 >/sys/module/gpumon/parameters/rapl_period_ms'
is "config get: 10 ms again" "$(attr $C_CONFIG_GET $A_RAPL_PERIOD)" 10

# ---- injected readings ----
is "inject_rapl is root only (0200)" "$(stat -c %a $INJ)" 200
# dom PKG DOMAIN: the POWER_GET line of an injected domain; f LINE KEY.
dom() { nl-test -P | grep "^pkg=$1 domain=$2 injected=1 "; }
f() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
inj() { printf '%s\n' "$@" >$INJ; }

# A: package 0, ESU 14 (one count 2^-14 J), read every 10 ms at 100 W
# (16384 counts, 1 J) but once at 300 W: 50 samples, 0.5 s, 52 J.
raw=$((0x12345678))
{
	echo "0 package esu 14"
	echo "0 package $raw 0"
	i=0
	while [ $i -lt 50 ]; do
		if [ $i -eq 20 ]; then raw=$((raw + 3 * 16384)); else raw=$((raw + 16384)); fi
		echo "0 package $raw 10000"
		i=$((i + 1))
	done
} >/tmp/rapl.a
check "inject: 51 readings in one write" sh -c "cat /tmp/rapl.a >$INJ"
l=$(dom 0 package)
diag "before close: $l"
is "before close: energy 52 J, 50 samples, peak 300 W, no window yet" \
	"$(f "$l" esu) $(f "$l" energy_uj) $(f "$l" samples) $(f "$l" peak_mw) $(f "$l" min_mw)" \
	"14 52000000 50 300000 "
check "inject: close the window" inj "0 package close"
l=$(dom 0 package)
diag "after close: $l"
is "window: min 100 W, max 300 W (the transient), avg 104 W" \
	"$(f "$l" min_mw) $(f "$l" max_mw) $(f "$l" avg_mw)" "100000 300000 104000"
is "window: 0.5 s, 50 samples, no wrap" \
	"$(f "$l" window_ns) $(f "$l" window_samples) $(f "$l" wraps)" "500000000 50 0"
now=$(awk '{ printf "%.0f", $1 * 1000000000 }' /proc/uptime)
end=$(f "$l" window_end_ns)
check "window end is CLOCK_MONOTONIC now ($end vs $now)" \
	test "${end:-0}" -gt 0 -a $((now - ${end:-0})) -lt 5000000000 -a $((${end:-0} - now)) -lt 5000000000

# Zero elapsed time: energy counted, no power, no sample.
check "inject: a reading with no time elapsed" inj "0 package $((raw + 16384)) 0"
l=$(dom 0 package)
is "zero elapsed: +1 J, samples unchanged, last window kept" \
	"$(f "$l" energy_uj) $(f "$l" samples) $(f "$l" max_mw)" "53000000 50 300000"
check "inject: an empty window does not close" inj "0 package close"
is "empty close: the last window stays" "$(f "$(dom 0 package)" window_samples)" 50

# B: package 1 DRAM, ESU 16 (2^-16 J), 50 W (32768 counts per 10 ms)
# from 2^32 - 65536: wraps after two readings; the window closes by
# itself when its time reaches the interval (1 s): 100 samples, 50 J.
raw=$((0x100000000 - 65536))
{
	echo "1 dram esu 16"
	echo "1 dram $raw 0"
	i=0
	while [ $i -lt 100 ]; do
		raw=$(((raw + 32768) % 0x100000000))
		echo "1 dram $raw 10000"
		i=$((i + 1))
	done
} >/tmp/rapl.b
check "inject: DRAM across a wraparound" sh -c "cat /tmp/rapl.b >$INJ"
l=$(dom 1 dram)
diag "dram: $l"
is "dram: ESU 16, 50 J, 1 wrap, 100 samples" \
	"$(f "$l" esu) $(f "$l" energy_uj) $(f "$l" wraps) $(f "$l" samples)" "16 50000000 1 100"
is "dram: the window closed by itself at 1 s: 50 W min, avg, max" \
	"$(f "$l" window_ns) $(f "$l" window_samples) $(f "$l" min_mw) $(f "$l" avg_mw) $(f "$l" max_mw)" \
	"1000000000 100 50000 50000 50000"

# C: a whole counter turn (less one count) of 1 J counts in 1 us.
check "inject: a huge delta" inj "2 package esu 0" "2 package 1 0" "2 package 0 1" "2 package close"
l=$(dom 2 package)
is "huge delta: 4294967295 J, one wrap, power saturates at U32_MAX mW" \
	"$(f "$l" energy_uj) $(f "$l" wraps) $(f "$l" max_mw) $(f "$l" peak_mw)" \
	"4294967295000000 1 4294967295 4294967295"

# Re-creating with esu resets the domain.
check "inject: esu again resets" inj "2 package esu 15"
l=$(dom 2 package)
is "reset: nothing counted, no window" \
	"$(f "$l" esu) $(f "$l" energy_uj) $(f "$l" samples) $(f "$l" window_ns)" "15 0 0 "

# Malformed lines, unknown domains.
for bad in "0 package" "0 cpu esu 14" "0 package esu 32" "0 package esu" \
	"0 package 12 x" "x package esu 1" "0 package close now" \
	"0 package 1 2 3" "0 package -1 10" "0 package 0x100000000 10"; do
	check "refused: '$bad'" sh -c "! echo '$bad' >$INJ 2>/dev/null"
done
check "refused: a reading for a domain not created" sh -c "! echo '7 package 1 10' >$INJ 2>/dev/null"
check "refused: close of a domain not created" sh -c "! echo '7 dram close' >$INJ 2>/dev/null"
is "the refused lines changed nothing" "$(f "$(dom 0 package)" energy_uj)" 53000000

n=$(nl-test -P | grep -c '^pkg=.* injected=1 ')
is "three injected domains listed" "$n" 3
check "inject: remove package 0" inj "0 package remove"
is "removed: two left" "$(nl-test -P | grep -c '^pkg=.* injected=1 ')" 2
is "the others untouched" "$(f "$(dom 1 dram)" energy_uj)" 50000000
diag "$(nl-test -P)"
scenario_end
