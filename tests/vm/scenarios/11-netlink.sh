# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 11-netlink: the netlink API with raw requests (tests/vm/nl-test.c):
# device get by BDF, strict per-command policies with extack messages
# for malformed requests, CAP_NET_ADMIN for config set and counters
# reset (refused to an unprivileged user), config get/set of the
# interval and match list, counters reset, stats; then the same through
# `gpumon config` (defaults, a change, a refusal with the kernel's
# extack, EPERM as nobody, module not loaded).
scenario_begin

# Numbers from include/uapi/gpumon.h.
C_DEV_GET=1 C_CONFIG_GET=3 C_CONFIG_SET=4 C_RESET=5 C_STATS=6
A_BDF=2 A_VENDOR=3 A_STATE=20 A_INTERVAL=28 A_MATCH=29 A_LAST_SEQ=30
A_AER_COR=8 A_WITH_REMOVED=35 A_SAMPLES=36 A_SAMPLE_NS=37

need gpumon.ko nl-test || { scenario_end; exit 0; }
check "insmod gpumon.ko match=$MATCH" mod_load
# req DESC WANT ARGS...: nl-test's last line must contain WANT.
req() {
	_d=$1 _w=$2
	shift 2
	_o=$(nl-test "$@" 2>&1)
	case $(printf '%s\n' "$_o" | tail -n 1) in
	*"$_w"*) pass "$_d" ;;
	*) fail "$_d" "nl-test $* -> $_o (want '$_w')" ;;
	esac
}

# Device get.
out=$(nl-test $C_DEV_GET $A_BDF=str:$GPU)
is "get by BDF: one reply, then no error" \
	"$(printf '%s\n' "$out" | grep -c '^reply cmd=1 2=.'"$GPU"'.')$(printf '%s\n' "$out" | tail -n 1)" "1error=0"
req "get without BDF: EINVAL, missing attribute named" "error=-22 (Invalid argument) miss=$A_BDF" $C_DEV_GET
req "get of a device not watched: ENODEV, extack" \
	"error=-19 (No such device) msg='device not watched' bad_attr=$A_BDF" $C_DEV_GET $A_BDF=str:$OTHER
req "get with a BDF without NUL: EINVAL, attribute named" \
	"bad_attr=$A_BDF" $C_DEV_GET $A_BDF=raw:$GPU
req "get with an over-long BDF: ERANGE/EINVAL, attribute named" \
	"bad_attr=$A_BDF" $C_DEV_GET $A_BDF=str:0000:03:00.0.0.0.0.0.0
req "get with an attribute the command does not take: refused" \
	"bad_attr=$A_VENDOR" $C_DEV_GET $A_BDF=str:$GPU $A_VENDOR=u32:1
req "get with an unknown attribute type (200): refused" \
	"error=-22" $C_DEV_GET $A_BDF=str:$GPU 200=u32:1
req "unknown command (99): EOPNOTSUPP" "error=-95" 99
dump=$(nl-test -d $C_DEV_GET)
is "dump: four devices" "$(printf '%s\n' "$dump" | grep -c '^reply cmd=1')" 4
req "dump with WITH_REMOVED: accepted" "error=0" -d $C_DEV_GET $A_WITH_REMOVED=flag

# Config and stats: readable by anyone.
req "config get as nobody: allowed, default interval 1000 ms" \
	"error=0" -u 65534 $C_CONFIG_GET
is "config get: interval, match, thermal types (all), hysteresis floor 2000 mC, RAPL period 10 ms" \
	"$(nl-test $C_CONFIG_GET | grep '^reply' | sed 's/^reply cmd=3 //')" "$A_INTERVAL=1000 $A_MATCH='$MATCH' 45='' 46=2000 63=10"
req "config get with an attribute: refused" "error=-22" $C_CONFIG_GET $A_BDF=str:$GPU
req "stats get as nobody: allowed" "error=0" -u 65534 $C_STATS

# Changes need CAP_NET_ADMIN.
req "config set as nobody: EPERM" "error=-1 " -u 65534 $C_CONFIG_SET $A_INTERVAL=u32:100
req "counters reset as nobody: EPERM" "error=-1 " -u 65534 $C_RESET
req "config set without attributes: EINVAL, extack" \
	"msg='nothing to set: give INTERVAL_MS, MATCH, THERMAL_TYPES, THERMAL_HYST_MC or RAPL_PERIOD_MS'" $C_CONFIG_SET
req "config set thermal hysteresis 20001 mC (above 20000): refused, attribute named" \
	"bad_attr=46" $C_CONFIG_SET 46=u32:20001
req "config set RAPL period 0 ms: refused, attribute named" \
	"bad_attr=63" $C_CONFIG_SET 63=u32:0
req "config set thermal types with a bad character: EINVAL, extack" \
	"msg='thermal type list: types are letters" $C_CONFIG_SET 45=str:acpitz\;x
req "config set interval 5 ms (below 10): ERANGE, attribute named" \
	"bad_attr=$A_INTERVAL" $C_CONFIG_SET $A_INTERVAL=u32:5
req "config set interval 60001 ms (above 60000): refused" \
	"bad_attr=$A_INTERVAL" $C_CONFIG_SET $A_INTERVAL=u32:60001
req "config set interval as u64: refused (wrong length)" \
	"bad_attr=$A_INTERVAL" $C_CONFIG_SET $A_INTERVAL=u64:100
req "config set malformed match: EINVAL, extack, attribute named" \
	"bad_attr=$A_MATCH" $C_CONFIG_SET $A_MATCH=str:zz:zz:zz
req "config set with BDF (not taken): refused" "bad_attr=$A_BDF" \
	$C_CONFIG_SET $A_BDF=str:$GPU
# stat ATTR: one attribute of the stats reply
stat() { nl-test $C_STATS | grep '^reply' | grep -o " $1=[0-9]*" | cut -d= -f2; }
req "config set interval 100 ms" "error=0" $C_CONFIG_SET $A_INTERVAL=u32:100
is "module parameter follows" "$(cat /sys/module/gpumon/parameters/interval_ms)" 100
s0=$(stat $A_SAMPLES) ns0=$(stat $A_SAMPLE_NS)
sleep 2
s1=$(stat $A_SAMPLES) ns1=$(stat $A_SAMPLE_NS)
check "sampling every 100 ms: $((s1 - s0)) passes in 2 s" test $((s1 - s0)) -ge 8 -a $((s1 - s0)) -le 25
diag "sampling cost (TCG guest, 4 devices): $(( (ns1 - ns0) / (s1 - s0 + (s1 == s0)) )) ns per pass"
req "config set interval back to 1000 ms" "error=0" $C_CONFIG_SET $A_INTERVAL=u32:1000
req "config set match: also the rng" "error=0" $C_CONFIG_SET $A_MATCH=str:$MATCH,1af4:1044
is "dump: six devices (rng and its root port added)" \
	"$(nl-test -d $C_DEV_GET | grep -c '^reply cmd=1')" 6
req "config set match back" "error=0" $C_CONFIG_SET $A_MATCH=str:$MATCH
is "dump: four devices again" "$(nl-test -d $C_DEV_GET | grep -c '^reply cmd=1')" 4
req "get of the no longer matched rng: ENODEV" "error=-19" $C_DEV_GET $A_BDF=str:$OTHER

# Counters reset.
echo "$GPU cor 0x41" >/sys/kernel/debug/gpumon/inject_aer
echo "$DN nonfatal 0x4000" >/sys/kernel/debug/gpumon/inject_aer
cor() { gpumon dev --json | jq -r ".[] | select(.bdf == \"$1\") | .aer.$2"; }
is "before reset: endpoint correctable 1" "$(cor $GPU correctable)" 1
req "reset of a device not watched: ENODEV" "error=-19" $C_RESET $A_BDF=str:$OTHER
req "reset the endpoint" "error=0" $C_RESET $A_BDF=str:$GPU
is "endpoint: counters zero, bits gone" \
	"$(cor $GPU correctable) $(cor $GPU correctable_bits | jq -c .)" "0 {}"
is "downstream port untouched" "$(cor $DN nonfatal)" 1
req "reset all" "error=0" $C_RESET
is "downstream port zero" "$(cor $DN nonfatal)" 0
seq=$(stat $A_LAST_SEQ)
check "stats: last sequence number counts the events ($seq >= 2)" test "${seq:-0}" -ge 2

# gpumon config: the same requests through the operator's command.
is "gpumon config --json: the defaults" "$(gpumon config --json | jq -c .)" \
	"{\"interval_ms\":1000,\"match\":\"$MATCH\",\"thermal_types\":\"\",\"thermal_hyst_mc\":2000,\"rapl_period_ms\":10}"
cfg() { gpumon config --json | jq -r "$1"; }
out=$(gpumon config --thermal-hyst-mc 3000 --rapl-period-ms 20 2>&1)
is "gpumon config --thermal-hyst-mc 3000 --rapl-period-ms 20: prints the new config" \
	"$(printf '%s\n' "$out" | grep -E '^(thermal_hyst_mc|rapl_period_ms) ' | tr -s ' ' | tr '\n' ';')" \
	"thermal_hyst_mc 3000;rapl_period_ms 20;"
is "config get: both changed, the rest kept" \
	"$(cfg '[.interval_ms, .thermal_hyst_mc, .rapl_period_ms] | join(" ")')" "1000 3000 20"
out=$(gpumon config --thermal-hyst-mc 99999 2>&1 >/dev/null); rc=$?
is "gpumon config --thermal-hyst-mc 99999: exit status 1" "$rc" 1
diag "stderr: $out"
case $out in
*"integer out of range"*"attribute thermal-hyst-mc"*"99999"*) pass "... the kernel's message and the attribute on stderr" ;;
*) fail "... the kernel's message and the attribute on stderr" "got: $out" ;;
esac
is "refused: hysteresis unchanged" "$(cfg .thermal_hyst_mc)" 3000
# busybox su drops to nobody (uid 65534, no capabilities).
if command -v su >/dev/null &&
   [ "$(su -s /bin/sh nobody -c 'id -u' 2>/dev/null)" = 65534 ]; then
	out=$(su -s /bin/sh nobody -c 'gpumon config --interval-ms 100' 2>&1); rc=$?
	case "$rc $out" in
	"1 "*"needs CAP_NET_ADMIN (run as root)"*) pass "gpumon config set as nobody: EPERM, says root is needed" ;;
	*) fail "gpumon config set as nobody: EPERM, says root is needed" "rc=$rc: $out" ;;
	esac
	is "gpumon config get as nobody: allowed" \
		"$(su -s /bin/sh nobody -c 'gpumon config --json' | jq -r .interval_ms)" 1000
else
	skip "gpumon config set as nobody: EPERM" "no su in the guest that can drop to nobody"
fi
check "gpumon config: back to the defaults" \
	gpumon config --thermal-hyst-mc 2000 --rapl-period-ms 10
check "rmmod gpumon" rmmod gpumon
out=$(gpumon config 2>&1); rc=$?
case "$rc $out" in
"1 "*"gpumon.ko is not loaded"*) pass "gpumon config without the module: says so, exit status 1" ;;
*) fail "gpumon config without the module: says so, exit status 1" "rc=$rc: $out" ;;
esac
scenario_end
