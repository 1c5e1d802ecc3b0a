# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 17-thermal: the module samples thermal zones through the kernel's
# "thermal" netlink family and reports trip crossings with hysteresis.
# The guest's zone is the ACPI one of tests/vm/thermal-zone.asl (type
# acpitz; trip 0 hot at 90 C, trip 1 active at 60 C with the ACPI fan;
# no hysteresis of their own), heated by setting its temperature in CMOS
# RAM: the real kernel path.
scenario_begin
need gpumon.ko nl-test http-get || { scenario_end; exit 0; }

tz=$(tz_path)
if [ -z "$tz" ]; then
	skip "thermal zone scenario" "no ACPI thermal zone in this guest"
	scenario_end
	return 0
fi
zid=${tz##*thermal_zone}
tz_set 40
mod_unload
check "thermal_hyst_mc=20001 (above 20000) is refused at load" eval '! mod_load thermal_hyst_mc=20001 2>/dev/null'
check "a malformed thermal_types fails the load" eval "! mod_load 'thermal_types=acpi,,tz' 2>/dev/null"
check "the kernel log names the parameter and the value" \
	eval 'dmesg | grep "invalid for parameter" | grep -q "acpi,,tz.*thermal_types"'
check "thermal_types naming no zone loads" mod_load thermal_types=nosuchzone
check "STATS_GET says which type has no zone" \
	eval 'nl-test 6 | grep -q "48=.sampling 0 of 1 zones (types nosuchzone); no zone of type nosuchzone"'
check "so does the kernel log" eval 'dmesg | grep -q "thermal_types nosuchzone: no zone of type nosuchzone"'
mod_unload
check "gpumon.ko loads (interval 100 ms)" mod_load interval_ms=100
is "thermal_hyst_mc parameter: 2000 by default" "$(cat /sys/module/gpumon/parameters/thermal_hyst_mc)" 2000
gpumon dev --watch --json >/tmp/tw.out 2>&1 &
watcher=$!
check "gpumon dev --watch starts" wait_for 10 grep -q watching /tmp/tw.out
gpumond_kill_all
if gpumond_start; then pass "gpumond starts"; else fail "gpumond starts"; fi

# zone_dump: THERMAL_GET as nl-test prints it, the acpitz zone's line.
zone_dump() { nl-test -d -n 7 | grep "reply cmd=7.* 38=$zid "; }
stats() { nl-test 6; }

z=$(zone_dump)
diag "$z"
check "THERMAL_GET lists the acpitz zone by id and type" \
	eval 'echo "$z" | grep -q " 32=.acpitz. "'
check "its temperature is sampled: 40 C" eval 'echo "$z" | grep -q " 33=40000 "'
check "its hot trip: index 0, type hot (2), 90000 mC, hysteresis floor 2000" \
	eval 'echo "$z" | grep -q "43={ 2=0 3=2 4=90000 5=2000 6=0 7=0}"'
check "its active trip: index 1, type active (0), 60000 mC" \
	eval 'echo "$z" | grep -q "43={ 2=1 3=0 4=60000 5=2000 6=0 7=0}"'
s=$(stats)
diag "$s"
check "STATS_GET: thermal source on (state 0)" eval 'echo "$s" | grep -q " 47=0 "'

tz_set 91
check "the trip asserts at 91 C" wait_for 10 eval 'zone_dump | grep -q "4=90000 5=2000 6=1 7=1"'
tz_set 89
sleep 2
check "89 C is within the hysteresis: still asserted" eval 'zone_dump | grep -q "4=90000 5=2000 6=1 7=1"'
tz_set 87
check "87 C is below 90 - 2: cleared" wait_for 10 eval 'zone_dump | grep -q "4=90000 5=2000 6=0 7=1"'
tz_set 95
check "95 C: asserted again, 2 crossings" wait_for 10 eval 'zone_dump | grep -q "4=90000 5=2000 6=1 7=2"'
tz_set 40
check "back to 40 C: cleared" wait_for 10 eval 'zone_dump | grep -q "4=90000 5=2000 6=0 7=2"'
check "the active trip (60 C) crossed once: 91 C up, 40 C down" \
	eval 'zone_dump | grep -q "4=60000 5=2000 6=0 7=1"'
check "the highest temperature is kept: 95 C" eval 'zone_dump | grep -q " 42=95000 "'

# The events of those crossings, in order, as gpumon dev --watch got them.
trips() {
	grep '"kind":"thermal-trip' /tmp/tw.out | grep '"trip_temp_mc":90000' |
		jq -r '"\(.kind) \(.severity) \(.zone) \(.zone_id) \(.trip) \(.trip_type) \(.trip_temp_mc) \(.trip_hyst_mc) \(.temp_mc)"'
}
check "four trip events" wait_for 5 eval 'test "$(trips | wc -l)" -eq 4'
is "asserted at 91 C, cleared at 87 C, asserted at 95 C, cleared at 40 C" \
	"$(trips | tr '\n' ';')" \
	"thermal-trip error acpitz $zid 0 hot 90000 2000 91000;thermal-trip-cleared info acpitz $zid 0 hot 90000 2000 87000;thermal-trip error acpitz $zid 0 hot 90000 2000 95000;thermal-trip-cleared info acpitz $zid 0 hot 90000 2000 40000;"
is "the active trip: asserted at 91 C (info), cleared at 40 C" \
	"$(grep '"kind":"thermal-trip' /tmp/tw.out | grep '"trip_temp_mc":60000' | jq -r '"\(.kind) \(.severity) \(.trip) \(.trip_type) \(.temp_mc)"' | tr '\n' ';')" \
	"thermal-trip info 1 active 91000;thermal-trip-cleared info 1 active 40000;"
check "every event carries both timestamps and a sequence number" \
	test "$(grep '"kind":"thermal-trip' /tmp/tw.out | jq -s '[.[] | select(.seq > 0 and .time_mono_ns > 0 and .time_real_ns > 0)] | length')" -eq 6

# gpumon dev --json --full: the same zone for scripts.
full=$(gpumon dev --json --full)
is "gpumon dev --json --full: zone type, temperature, trip crossings" \
	"$(echo "$full" | jq -r ".thermal_zones[] | select(.zone_id == $zid) | \"\(.type) \(.temp_mc) \(.temp_max_mc) \(.trips[0].type) \(.trips[0].crossings)\"")" \
	"acpitz 40000 95000 hot 2"
is "gpumon dev --json --full: thermal source on" "$(echo "$full" | jq -r .sources.thermal.state)" on

# gpumond: the same zone in its snapshot, and one syslog alert per
# crossing, at the trip type's level (hot: ERR), cleared at INFO.
check "gpumond's snapshot has the module's view of acpitz: 2 crossings" \
	wait_for 5 eval 'test "$(status ".thermal_zones[] | select(.module != null and .module.zone_id == $zid) | .module.trips[0].crossings")" = 2'
check "syslog: ERR thermal-trip acpitz hot asserted at 91 C" \
	syslog_has ERR kind=thermal-trip type=acpitz trip_type=hot state=asserted temp_mc=91000
check "syslog: INFO thermal-trip acpitz cleared at 87 C" \
	syslog_has INFO kind=thermal-trip type=acpitz state=cleared temp_mc=87000
is "syslog: two assertions, two clearings" \
	"$(grep -c 'gpumond.*kind=thermal-trip.*trip_type=hot state=asserted' /var/log/messages) $(grep -c 'gpumond.*kind=thermal-trip.*trip_type=hot state=cleared' /var/log/messages)" "2 2"

# Hysteresis floor from netlink, zone selection by type.
check "CONFIG_SET thermal_hyst_mc 5000" nl-test 4 46=u32:5000
check "the trip's hysteresis is now 5000" wait_for 10 eval 'zone_dump | grep -q "4=90000 5=5000"'
check "CONFIG_SET thermal_types x86_pkg_temp" nl-test 4 45=str:x86_pkg_temp
check "the acpitz zone is no longer listed" wait_for 10 eval '! zone_dump'
check "CONFIG_SET thermal_types acpitz" nl-test 4 45=str:acpitz
check "it is listed again" wait_for 10 zone_dump
is "the thermal_types parameter shows the list in force" \
	"$(cat /sys/module/gpumon/parameters/thermal_types)" acpitz
o=$(nl-test 4 45=str:acpi,,tz 2>&1)
diag "$o"
check "a malformed type list is refused with a message" eval 'echo "$o" | grep -q "error=-22 .*msg=.thermal type list"'

# Debugfs injection goes through the same judgement.  The zone was
# deselected and selected again, so its counts started over.
check "the reselected zone starts with no crossing" eval 'zone_dump | grep -q "4=90000 5=5000 6=0 7=0"'
echo "$zid 120000" >/sys/kernel/debug/gpumon/inject_thermal
check "injected 120 C asserts the trip" eval 'zone_dump | grep -q "4=90000 5=5000 6=1 7=1"'
echo "$zid clear" >/sys/kernel/debug/gpumon/inject_thermal
check "clearing the injection reads the real 40 C again: cleared" \
	eval 'zone_dump | grep -q "4=90000 5=5000 6=0 7=1"'
check "inject_thermal refuses a third word (\"0 95 C\")" \
	eval "! echo '$zid 95 C' >/sys/kernel/debug/gpumon/inject_thermal"
check "inject_thermal refuses an unknown zone" \
	eval '! echo "999 50000" >/sys/kernel/debug/gpumon/inject_thermal'

check "no zone-added or zone-removed event while the zone stayed" \
	test "$(grep -c '"kind":"thermal-zone' /tmp/tw.out)" -eq 0

# The zone goes away for real: its ACPI driver is unbound.  The module
# reports it, keeps its counts, and takes the zone back when it returns.
adev=$(basename "$(readlink -f "$tz/device")")
diag "ACPI device of the zone: $adev"
tz_set 95
check "heated again: asserted" wait_for 10 eval 'zone_dump | grep -q "4=90000 5=5000 6=1 7=2"'
check "unbind $adev from the ACPI thermal driver" \
	eval "echo $adev >/sys/bus/acpi/drivers/thermal/unbind"
check "thermal-zone-removed event for acpitz" \
	wait_for 10 eval "grep '\"kind\":\"thermal-zone-removed\"' /tmp/tw.out | grep -q '\"zone_id\":$zid'"
check "THERMAL_GET keeps the removed zone (state 2) with its counts" \
	eval 'zone_dump | grep " 20=2 " | grep -q "7=2"'
check "no trip clearing is reported for a zone that went away" \
	test "$(grep '"kind":"thermal-trip-cleared"' /tmp/tw.out | grep -c '"trip_temp_mc":90000')" -eq 3
check "the module goes on: STATS_GET thermal on, 0 zones" \
	eval 'stats | grep -q "47=0 48=.sampling 0 of 0 zones"'
tz_set 40
check "bind $adev again" eval "echo $adev >/sys/bus/acpi/drivers/thermal/bind"
check "syslog: WARNING thermal-zone acpitz removed" \
	syslog_has WARNING kind=thermal-zone type=acpitz state=removed
check "thermal-zone-added event" \
	wait_for 10 eval "grep -q '\"kind\":\"thermal-zone-added\"' /tmp/tw.out"
tz=$(tz_path)
zid=${tz##*thermal_zone}
check "the zone is sampled again, present, counts new" \
	wait_for 10 eval 'zone_dump | grep " 20=0 " | grep -q "33=40000 .*4=90000 5=5000 6=0 7=0"'
# gpumond (re)started while a trip is asserted: it says so once.
gpumond_stop
tz_set 95
check "heated with gpumond stopped: the module asserts the hot trip" \
	wait_for 10 eval 'zone_dump | grep -q "4=90000 5=5000 6=1"'
n0=$(grep -c 'gpumond.*type=acpitz.*trip_type=hot state=asserted' /var/log/messages)
if gpumond_start; then pass "gpumond starts again"; else fail "gpumond starts again"; fi
check "syslog: the hot trip found asserted at start" \
	wait_for 10 eval 'test "$(grep -c "gpumond.*type=acpitz.*trip_type=hot state=asserted temp_mc=95000" /var/log/messages)" -gt 0'
sleep 3
is "syslog: told once" "$(grep -c 'gpumond.*type=acpitz.*trip_type=hot state=asserted' /var/log/messages)" $((n0 + 1))
c0=$(grep -c 'gpumond.*type=acpitz.*trip_type=hot state=cleared' /var/log/messages)
tz_set 40
check "syslog: then its clearing" \
	wait_for 10 eval 'test "$(grep -c "gpumond.*type=acpitz.*trip_type=hot state=cleared temp_mc=40000" /var/log/messages)" -gt 0 -a "$(grep -c "gpumond.*type=acpitz.*trip_type=hot state=cleared" /var/log/messages)" -eq $((c0 + 1))'
# /metrics, as Prometheus scrapes it.
metrics() { http-get $SOCK /metrics 2>/dev/null; }
check "GET /metrics answers" eval 'metrics >/tmp/metrics.txt'
check "/metrics: the module is up" grep -qx 'gpumon_source_up{source="netlink"} 1' /tmp/metrics.txt
check "/metrics: acpitz's hot trip (90 C, 5 C hysteresis) is not asserted at 40 C" \
	eval "grep -q '^gpumon_thermal_trip_asserted{zone_id=\"$zid\",type=\"acpitz\",trip=\"0\",trip_type=\"hot\"} 0\$' /tmp/metrics.txt"
check "/metrics: its temperature, in degrees Celsius" \
	wait_for 5 eval "metrics | grep -q '^gpumon_thermal_zone_temp_celsius{zone_id=\"$zid\",type=\"acpitz\"} 40'"
diag "$(grep -E '^gpumon_(thermal_trip_(asserted|crossings_total|temp_celsius)|source_up)' /tmp/metrics.txt | tr '\n' ';')"

kill "$watcher" 2>/dev/null
mod_unload
check "gpumon.ko unloads" eval '! mod_loaded'
check "/metrics after the unload: the module is down, not silent" \
	wait_for 10 eval "metrics | grep -qx 'gpumon_source_up{source=\"netlink\"} 0'"
gpumond_stop
check "no warning in the kernel log" eval '! dmesg | grep -qE "WARNING|BUG|Oops|sleeping function"'
scenario_end
