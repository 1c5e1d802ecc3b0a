# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 04-hotplug: the GPU stand-in is unplugged (QMP device_del: attention
# button, pciehp removes it) and plugged back (device_add) while gpumon.ko
# and gpumond run: both must follow the change, nothing may warn, and the
# module must still unload.  Last, because it changes the topology.
scenario_begin

if [ ! -f $KO ]; then
	fail "gpumon.ko is in the guest" "the module did not build"
	scenario_end
	exit 0
fi
check "insmod gpumon.ko match=$MATCH" mod_load
check "gpumond starts" gpumond_start
sleep 1
is "endpoint watched" "$(dev .role $GPU)" matched
before=$(dev 'del(.aer, .xid_count, .last_xid)' $GPU | tr -d ' \n')

gone() { [ ! -e /sys/bus/pci/devices/$GPU ]; }
there() { [ -e /sys/bus/pci/devices/$GPU ]; }
check "QMP device_del gpu0" host qmp '{"execute":"device_del","arguments":{"id":"gpu0"}}'
check "the kernel removes the endpoint (pciehp)" wait_for 60 gone
sleep 1
check "gpumond still runs" kill -0 "$GPUMOND_PID"
# A removed GPU must not look like a present, healthy one: gone from the
# list, or its entry changed (state, presence).
changed() { [ "$(dev 'del(.aer, .xid_count, .last_xid)' $GPU | tr -d ' \n')" != "$before" ]; }
check "the removal shows: endpoint unlisted or marked" wait_for 10 changed ||
	diag "still: $(dev . $GPU | tr -d '\n')"
diag "events: $(gpumon events --json | jq -c '[.events[] | select(.kind != "aer") | {source, kind, severity, entity}] | .[-4:]')"

check "QMP device_add gpu0 back" host qmp '{"execute":"device_add","arguments":{"driver":"virtio-net-pci","id":"gpu0","bus":"dn1","aer":"on","disable-legacy":"on","romfile":""}}'
check "the kernel adds the endpoint again" wait_for 60 there
watched() { [ "$(dev .role $GPU)" = matched ] && [ "$(dev .parent $GPU)" = $DN ]; }
check "the endpoint is watched again below the downstream port" wait_for 10 watched
scenario_end
