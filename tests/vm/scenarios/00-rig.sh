# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 00-rig: the test rig itself, before gpumon is involved: the GPU-like
# PCIe path is there, and every injection path reaches the kernel's AER
# counters (uncorrectable through the QEMU monitor, correctable through
# aer_inject.ko), and the ACPI thermal zone follows the temperature set
# in CMOS RAM.  Later scenarios rely on this.
scenario_begin

is "endpoint is 1af4:1041" \
	"$(cat /sys/bus/pci/devices/$GPU/vendor):$(cat /sys/bus/pci/devices/$GPU/device)" \
	"0x1af4:0x1041"
path=$(readlink -f /sys/bus/pci/devices/$GPU |
	grep -o '[0-9a-f]\{4\}:[0-9a-f]\{2\}:[0-9a-f]\{2\}\.[0-7]' | tr '\n' ' ')
is "endpoint sits below downstream, upstream and root port" \
	"$path" "$RP $UP $DN $GPU "
is "root port max link 16GT/s x16" \
	"$(cut -d' ' -f1 /sys/bus/pci/devices/$RP/max_link_speed) x$(cat /sys/bus/pci/devices/$RP/max_link_width)" \
	"16.0 x16"

n0=$(aer_total $GPU nonfatal)
check "QEMU monitor: pcie_aer_inject_error gpu0 0x4000" host_aer gpu0 0x4000
is "sysfs counts the nonfatal error at the endpoint" \
	"$(wait_for 15 test "\$(aer_total $GPU nonfatal)" -gt "$n0"; aer_total $GPU nonfatal)" $((n0 + 1))

c0=$(aer_total $GPU correctable)
check "aer_inject: 5 correctable at the endpoint" inject_cor $GPU 5
c1=$(aer_total $GPU correctable)
check "sysfs counts the correctable errors ($c0 -> $c1)" \
	test "$c1" -gt "$c0" -a "$c1" -le $((c0 + 5))

# After aer_inject is unloaded, QEMU's errors reach the kernel again.
check "QEMU monitor: pcie_aer_inject_error gpu0 0x4000 again" host_aer gpu0 0x4000
is "sysfs counts it" \
	"$(wait_for 15 test "\$(aer_total $GPU nonfatal)" -gt $((n0 + 1)); aer_total $GPU nonfatal)" $((n0 + 2))
# The ACPI thermal zone of tests/vm/thermal-zone.asl.
tz=$(tz_path)
check "ACPI thermal zone acpitz registered" test -n "$tz"
if [ -n "$tz" ]; then
	is "its trip point 0 is hot at 90 C" \
		"$(cat $tz/trip_point_0_type) $(cat $tz/trip_point_0_temp)" "hot 90000"
	is "its trip point 1 is active at 60 C" \
		"$(cat $tz/trip_point_1_type) $(cat $tz/trip_point_1_temp)" "active 60000"
	tz_set 47
	is "it reads the temperature set in CMOS RAM" "$(cat $tz/temp)" 47000
	fan=$(grep -l '^Fan$' /sys/class/thermal/cooling_device*/type 2>/dev/null | head -n 1 | xargs -r dirname)
	check "the ACPI fan is a cooling device" test -n "$fan"
	if [ -n "$fan" ]; then
		is "the fan is off at 47 C" "$(cat $fan/cur_state)" 0
		tz_set 65
		check "the governor turns the fan on above the active trip (65 C)" \
			wait_for 10 eval "test \"\$(cat $fan/cur_state)\" = 1"
	fi
	tz_set 35
	is "and follows it" "$(cat $tz/temp)" 35000
	[ -n "$fan" ] && check "the fan goes off again at 35 C" \
		wait_for 10 eval "test \"\$(cat $fan/cur_state)\" = 0"
fi
scenario_end
