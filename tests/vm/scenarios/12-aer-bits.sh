# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 12-aer-bits: per status bit AER counts, through the real kernel path,
# equal the kernel's own per-bit sysfs counters (aer_dev_correctable,
# aer_dev_nonfatal): Receiver Error + Bad TLP together (0x41) N times at
# the endpoint and a Completion Timeout, through aer_inject.ko (after
# 04-hotplug the endpoint is a hot-added device whose errors QEMU's
# monitor no longer gets signalled); first/last time seen; the last TLP header, from an
# injected error that carries one.
N=25
scenario_begin

need gpumon.ko || { scenario_end; exit 0; }
# sysfs_bit BDF correctable|nonfatal NAME
sysfs_bit() { awk -v k="$3" '$1 == k { print $2 }' "/sys/bus/pci/devices/$1/aer_dev_$2"; }
aer_settle $GPU correctable >/dev/null
rx0=$(sysfs_bit $GPU correctable RxErr)
bt0=$(sysfs_bit $GPU correctable BadTLP)
to0=$(sysfs_bit $GPU nonfatal CmpltTO)
check "insmod gpumon.ko match=$MATCH" mod_load
t0=$(date +%s)

aer_inject_on
check "aer_inject: $N x Receiver Error + Bad TLP (0x41) at the endpoint" \
	sh -c "aer-inject -n $N -d 2000 -c 0x41 $GPU >/dev/null"
aer_settle $GPU correctable >/dev/null
check "aer_inject: Completion Timeout (0x4000) at the endpoint" \
	sh -c "aer-inject -u 0x4000 $GPU >/dev/null"
to_seen() { [ "$(sysfs_bit $GPU nonfatal CmpltTO)" -gt "$to0" ]; }
check "the kernel counts it" wait_for 15 to_seen
aer_inject_off
sleep 0.5

gpumon dev --json >/tmp/dev.json
a() { jq -r ".[] | select(.bdf == \"$GPU\") | .aer.$1" /tmp/dev.json; }
rx=$(($(sysfs_bit $GPU correctable RxErr) - rx0))
bt=$(($(sysfs_bit $GPU correctable BadTLP) - bt0))
to=$(($(sysfs_bit $GPU nonfatal CmpltTO) - to0))
check "some of the $N reached the kernel ($rx)" test "$rx" -ge 1 -a "$rx" -le $N
is "Receiver Error (bit 0) equals sysfs RxErr" "$(a 'correctable_bits["Receiver Error"]')" "$rx"
is "Bad TLP (bit 6) equals sysfs BadTLP" "$(a 'correctable_bits["Bad TLP"]')" "$bt"
is "no other correctable bit" "$(a 'correctable_bits | keys | join(",")')" "Bad TLP,Receiver Error"
is "Completion Timeout (bit 14) equals sysfs CmpltTO ($to)" "$(a 'uncorrectable_bits["Completion Timeout"]')" "$to"
is "per severity: nonfatal equals it" "$(a nonfatal)" "$to"
is "per severity: correctable equals sysfs total" "$(a correctable)" "$rx"
now=$(date +%s)
first=$(($(a .first_ns) / 1000000000))
last=$(($(a .last_ns) / 1000000000))
check "first and last seen, CLOCK_REALTIME, in order ($t0 <= $first <= $last <= $now)" \
	test "$t0" -le "$first" -a "$first" -le "$last" -a "$last" -le "$now"

# A TLP header comes with an injected uncorrectable error.
echo "$GPU nonfatal 0x100000 4a000001 0300000f deadbeef 00000000" >/sys/kernel/debug/gpumon/inject_aer
is "last TLP header kept" \
	"$(gpumon dev --json | jq -r ".[] | select(.bdf == \"$GPU\") | .aer.last_tlp | join(\" \")")" \
	"0x4a000001 0x0300000f 0xdeadbeef 0x00000000"
is "Unsupported Request (bit 20) counted" \
	"$(gpumon dev --json | jq -r ".[] | select(.bdf == \"$GPU\") | .aer.uncorrectable_bits[\"Unsupported Request Error\"]")" 1
scenario_end
