# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 01-load-unload: gpumon.ko finds the GPU stand-in and its upstream path
# (endpoint, switch downstream port, switch upstream port, root port, with
# the right parents), ignores the non-matching endpoint, unloads and
# reloads, and loads and unloads repeatedly during an AER storm.
scenario_begin

need gpumon.ko || { scenario_end; exit 0; }
check "insmod gpumon.ko match=$MATCH" mod_load
check "gpumond starts and answers gpumon status --json" gpumond_start
status . >/tmp/status.json 2>&1 || diag "$(cat /tmp/status.json)"

# devrow BDF: "role parent vendor device" of a watched device.
devrow() {
	dev '"\(.role) \(.parent // "null") \(.vendor) \(.device)"' "$1"
}
is "endpoint watched as matched, parent is the downstream port" \
	"$(devrow $GPU)" "matched $DN 0x1af4 0x1041"
is "downstream port watched, parent is the upstream port" \
	"$(devrow $DN | cut -d' ' -f1,2)" "switch-down $UP"
is "upstream port watched, parent is the root port" \
	"$(devrow $UP | cut -d' ' -f1,2)" "switch-up $RP"
is "root port watched, no parent" \
	"$(devrow $RP | cut -d' ' -f1,2)" "root-port null"
is "non-matching endpoint (virtio-rng) not watched" \
	"$(status "[.devices[] | select(.bdf == \"$OTHER\")] | length")" 0
is "exactly four devices watched" "$(status '.devices | length')" 4
is "netlink source on" "$(status '.sources[] | select(.name == "netlink") | .on')" true

check "rmmod gpumon while gpumond runs" rmmod gpumon
sleep 1
check "gpumond survives the module going away" gpumond_alive
check "insmod again" mod_load
gpu_watched() { [ "$(dev .role $GPU)" = matched ]; }
check "gpumond sees the endpoint again" wait_for 15 gpu_watched
gpumond_stop
check "rmmod" rmmod gpumon

# Load and unload during an AER storm (correctable at the endpoint, and
# non-fatal at the downstream port).
aer_inject_on
aer-inject -n 0 -d 1000 -c 0x1 $GPU >/dev/null 2>&1 &
storm1=$!
aer-inject -n 0 -d 20000 -u 0x4000 $DN >/dev/null 2>&1 &
storm2=$!
sleep 1
ok_cycles=0
i=0
while [ $i -lt 10 ]; do
	i=$((i + 1))
	mod_load || { diag "insmod $i failed"; break; }
	sleep 0.3
	if [ $i = 10 ]; then
		# the probe really counts while the storm runs
		gpumond_start
		sleep 1
		counted=$(dev .aer.correctable $GPU)
		gpumond_stop
	fi
	rmmod gpumon || { diag "rmmod $i failed"; break; }
	ok_cycles=$i
done
is "10 load/unload cycles during an AER storm" $ok_cycles 10
check "the storm was running" kill -0 $storm1
check "the module counted storm errors while loaded (${counted:-none})" \
	test "${counted:-0}" -gt 0
kill $storm1 $storm2 2>/dev/null
wait $storm1 $storm2 2>/dev/null
diag "storm: $(aer_total $GPU correctable) correctable at the endpoint, $(aer_total $DN nonfatal) non-fatal at the downstream port"
aer_settle $GPU correctable >/dev/null
aer_inject_off
check "insmod after the storm" mod_load
scenario_end
