# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 10-topology: `gpumon dev` shows the module's topology (roles, parents,
# peers, the endpoints below each port) and link state equal to sysfs;
# the PCI bus notifier follows sysfs remove and rescan, driver unbind,
# and a surprise removal (QMP device_del) with its link going down and
# back; each change is an event on the "events" group (`gpumon dev
# --watch`), and a removed device keeps its counters.
scenario_begin
# A gpumond an earlier scenario leaked would take in the events below
# (storms, hotplug) and be slow to stop for later scenarios: stop it.
gpumond_kill_all

need gpumon.ko || { scenario_end; exit 0; }
# 04-hotplug may still be plugging the endpoint back on a loaded machine.
gpu_there() { [ -e /sys/bus/pci/devices/$GPU ]; }
wait_for 120 gpu_there || diag "the endpoint is not there: $(ls /sys/bus/pci/devices)"
check "insmod gpumon.ko match=$MATCH interval_ms=100" mod_load interval_ms=100
sleep 0.5
gpumon dev --json >/tmp/dev.json 2>&1 || diag "$(cat /tmp/dev.json)"
d() { jq -r ".[] | select(.bdf == \"$2\") | $1" /tmp/dev.json; }
is "gpumon dev --json: four devices" "$(jq length /tmp/dev.json)" 4
is "endpoint: role, parent, peer, state" \
	"$(d '"\(.role) \(.parent) \(.peer) \(.state)"' $GPU)" "matched $DN $DN present"
is "downstream port: role, parent, peer, endpoints below" \
	"$(d '"\(.role) \(.parent) \(.peer) \(.below | join(","))"' $DN)" "switch-down $UP $GPU $GPU"
is "upstream port: role, parent, endpoints below" \
	"$(d '"\(.role) \(.parent) \(.below | join(","))"' $UP)" "switch-up $RP $GPU"
is "root port: role, no parent, peer, endpoints below" \
	"$(d '"\(.role) \(.parent) \(.peer) \(.below | join(","))"' $RP)" "root-port null $UP $GPU"

# Link registers against the kernel's own sysfs view of them.
mts() { awk '{ printf "%d", $1 * 1000 }' "/sys/bus/pci/devices/$1/$2"; }
# (A hot-added QEMU endpoint, after 04-hotplug, reads Link Capabilities
# as 0: sysfs says width 255, unknown, and the module has no sample.)
for b in $RP $UP $DN $GPU; do
	want="$(mts $b current_link_speed) $(cat /sys/bus/pci/devices/$b/current_link_width) $(mts $b max_link_speed) $(cat /sys/bus/pci/devices/$b/max_link_width)"
	case $want in *" 255") want="null null null null" ;; esac
	is "$b link cur/max speed and width equal sysfs" \
		"$(d '"\(.link.cur_speed_mts) \(.link.cur_width) \(.link.max_speed_mts) \(.link.max_width)"' $b)" \
		"$want"
done
diag "links: $(jq -c '.[] | {bdf, link}' /tmp/dev.json)"
# The rig's root port is 16 GT/s (x16) by capability; what it trains to
# is below that: counted as downtrained at the first sample.  (After
# 04-hotplug QEMU reports its maximum width as 0; sysfs agrees.)
is "root port: link seen downtrained once (max 16.0 GT/s)" \
	"$(d '"\(.link.downtrained) \(.link.max_speed_mts)"' $RP)" "1 16000"
gpumon dev >/tmp/dev.txt 2>&1
check "gpumon dev (text) lists the root port below its maximum" \
	grep -q "^$RP .*root-port .*present .*2.5GT/s x[0-9]*/16.0GT/s x" /tmp/dev.txt
diag "$(cat /tmp/dev.txt)"

gpumon dev --watch --json >/tmp/watch.out 2>&1 &
watch=$!
watching() { grep -q '^# watching' /tmp/watch.out; }
check "gpumon dev --watch starts" wait_for 10 watching
# ev KIND BDF: the events of KIND about BDF seen so far
ev() { grep '^{' /tmp/watch.out | jq -c "select(.kind == \"$1\" and .bdf == \"$2\")"; }
has_ev() { [ -n "$(ev "$1" "$2")" ]; }

# Counters to keep across removal.
echo "$GPU cor 0x1" >/sys/kernel/debug/gpumon/inject_aer
echo "$GPU cor 0x1" >/sys/kernel/debug/gpumon/inject_aer

check "sysfs remove of the endpoint" sh -c "echo 1 >/sys/bus/pci/devices/$GPU/remove"
check "event: driver-unbound on the endpoint" wait_for 10 has_ev driver-unbound $GPU
check "event: dev-removed on the endpoint" wait_for 10 has_ev dev-removed $GPU
is "dev-removed: severity error, peer the downstream port" \
	"$(ev dev-removed $GPU | head -n 1 | jq -r '"\(.severity) \(.peer) \(.role)"')" "error $DN matched"
is "gpumon dev: the removed endpoint is not listed" \
	"$(gpumon dev --json | jq "[.[] | select(.bdf == \"$GPU\")] | length")" 0
is "gpumon dev --all: listed as removed, counters kept" \
	"$(gpumon dev --json --all | jq -r ".[] | select(.bdf == \"$GPU\") | \"\(.state) \(.aer.correctable)\"")" "removed 2"
is "downstream port: nothing below now" \
	"$(gpumon dev --json | jq -r ".[] | select(.bdf == \"$DN\") | .below | length")" 0

check "sysfs rescan" sh -c "echo 1 >/sys/bus/pci/rescan"
check "event: dev-added on the endpoint" wait_for 10 has_ev dev-added $GPU
is "back: present, same parent, counters kept" \
	"$(gpumon dev --json | jq -r ".[] | select(.bdf == \"$GPU\") | \"\(.state) \(.parent) \(.aer.correctable)\"")" "present $DN 2"

drv=$(basename "$(readlink /sys/bus/pci/devices/$GPU/driver)")
n0=$(ev driver-unbound $GPU | wc -l)
check "unbind the endpoint's driver ($drv)" sh -c "echo $GPU >/sys/bus/pci/drivers/$drv/unbind"
more_unbound() { [ "$(ev driver-unbound $GPU | wc -l)" -gt "$n0" ]; }
check "event: driver-unbound again" wait_for 10 more_unbound
is "still present after unbind" \
	"$(gpumon dev --json | jq -r ".[] | select(.bdf == \"$GPU\") | .state")" present
check "bind it again" sh -c "echo $GPU >/sys/bus/pci/drivers/$drv/bind"

# Surprise removal through the hotplug slot.  (QEMU's xio3130 downstream
# port reports no link capabilities, so its link going down is not
# visible here: 13-inject covers link down.)
gone() { [ ! -e /sys/bus/pci/devices/$GPU ]; }
there() { [ -e /sys/bus/pci/devices/$GPU ]; }
n0=$(ev dev-removed $GPU | wc -l)
check "QMP device_del gpu0" host qmp '{"execute":"device_del","arguments":{"id":"gpu0"}}'
check "the kernel removes the endpoint (pciehp)" wait_for 90 gone
more_removed() { [ "$(ev dev-removed $GPU | wc -l)" -gt "$n0" ]; }
check "event: dev-removed after device_del" wait_for 10 more_removed
a0=$(ev dev-added $GPU | wc -l)
check "QMP device_add gpu0 back" host qmp '{"execute":"device_add","arguments":{"driver":"virtio-net-pci","id":"gpu0","bus":"dn1","aer":"on","disable-legacy":"on","romfile":""}}'
check "the kernel adds the endpoint again" wait_for 90 there
more_added() { [ "$(ev dev-added $GPU | wc -l)" -gt "$a0" ]; }
check "event: dev-added after device_add" wait_for 10 more_added
back() { [ "$(gpumon dev --json | jq -r ".[] | select(.bdf == \"$GPU\") | .state")" = present ]; }
check "endpoint present again" wait_for 10 back
is "downstream port: below it again" \
	"$(gpumon dev --json | jq -r ".[] | select(.bdf == \"$DN\") | .below | join(\",\")")" $GPU
check "every event has seq, both clocks, kind and severity" \
	sh -c "grep '^{' /tmp/watch.out | jq -e 'select(.seq < 1 or .time_mono_ns < 1 or .time_real_ns < 1000000000000000000 or .kind == null or .severity == null)' | grep -q . && exit 1 || exit 0"
seqs=$(grep '^{' /tmp/watch.out | jq -r .seq | tr '\n' ' ')
check "sequence numbers increase by one ($seqs)" \
	sh -c "grep '^{' /tmp/watch.out | jq -r .seq | awk 'NR > 1 && \$1 != p + 1 { exit 1 } { p = \$1 }'"
check "no events lost" sh -c "! grep -q 'lost' /tmp/watch.out"
kill $watch 2>/dev/null
wait $watch 2>/dev/null
diag "events: $(grep '^{' /tmp/watch.out | jq -r '"\(.seq) \(.kind) \(.bdf) \(.peer // "-")"' | tr '\n' ';')"
scenario_end
