# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 04-hotplug: topology changes under gpumon.ko and gpumond.
#   - the switch is removed and the bus rescanned (sysfs remove/rescan),
#     which also recovers the path after 02-aer's fatal error (the kernel's
#     recovery fails there: virtio has no error handlers, the link below
#     the root port is reset and the switch's hotplug slot stays silent)
#   - the GPU stand-in is unplugged (QMP device_del: attention button,
#     pciehp) and plugged back (device_add)
# The module must follow, nothing may warn, rmmod must work, and a removed
# GPU must not look like a present one.
scenario_begin

need gpumon.ko || { scenario_end; exit 0; }
check "insmod gpumon.ko match=$MATCH" mod_load
check "gpumond starts" gpumond_start
sleep 1
is "endpoint watched" "$(dev .role $GPU)" matched

check "remove the switch (sysfs)" sh -c "echo 1 >/sys/bus/pci/devices/$UP/remove"
gone_up() { [ ! -e /sys/bus/pci/devices/$UP ] && [ ! -e /sys/bus/pci/devices/$GPU ]; }
check "switch and endpoint are gone" wait_for 10 gone_up
sleep 1
check "gpumond still runs" gpumond_alive
check "rescan the bus" sh -c "echo 1 >/sys/bus/pci/rescan"
back() { [ -e /sys/bus/pci/devices/$GPU ]; }
check "the endpoint is back" wait_for 20 back
watched() { [ "$(dev .role $GPU)" = matched ] && [ "$(dev .parent $GPU)" = $DN ] &&
	[ "$(dev .parent $DN)" = $UP ] && [ "$(dev .parent $UP)" = $RP ]; }
check "the whole path is watched again" wait_for 10 watched ||
	diag "$(gpumon status --json | jq -c '.devices[] | {bdf, role, parent}')"
sleep 1
before=$(dev 'del(.aer, .xid_count, .last_xid)' $GPU | tr -d ' \n')

gone() { [ ! -e /sys/bus/pci/devices/$GPU ]; }
there() { [ -e /sys/bus/pci/devices/$GPU ]; }
check "QMP device_del gpu0" host qmp '{"execute":"device_del","arguments":{"id":"gpu0"}}'
check "the kernel removes the endpoint (pciehp)" wait_for 60 gone
sleep 1
check "gpumond still runs" gpumond_alive
# A removed GPU must not look like a present, healthy one: gone from the
# list, or its entry changed (state, presence).
changed() { [ "$(dev 'del(.aer, .xid_count, .last_xid)' $GPU | tr -d ' \n')" != "$before" ]; }
check "the removal shows: endpoint unlisted or marked" wait_for 10 changed ||
	diag "still: $(dev . $GPU | tr -d '\n')"
diag "events: $(gpumon events --json | jq -c '[.events[] | select(.kind != "aer") | {source, kind, severity, entity}] | .[-4:]')"

check "QMP device_add gpu0 back" host qmp '{"execute":"device_add","arguments":{"driver":"virtio-net-pci","id":"gpu0","bus":"dn1","aer":"on","disable-legacy":"on","romfile":""}}'
check "the kernel adds the endpoint again" wait_for 60 there ||
	diag "$(dmesg | tail -n 25)"
check "the endpoint is watched again below the downstream port" wait_for 10 watched
scenario_end
