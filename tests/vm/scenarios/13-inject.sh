# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 13-inject: debugfs fault injection into the same pipeline: link
# downtrained (both ends named) and restored, link down, a flapping link
# (events rate-limited to 5 per 10 s, every change still counted, one
# link-flapping summary), device not responding (all ones), a thermal
# trip; an AER storm that overflows the event ring: the sequence numbers
# still advance, the drops are counted per kind, the counters are exact.
# Root only: the files are mode 0200 under a root-only debugfs.
FLIPS=12
STORM=20000
scenario_begin
# A gpumond an earlier scenario leaked would take in the events below
# (storms, hotplug) and be slow to stop for later scenarios: stop it.
gpumond_kill_all

need gpumon.ko || { scenario_end; exit 0; }
check "insmod gpumon.ko match=$MATCH" mod_load
D=/sys/kernel/debug/gpumon
is "inject files are root only (0200)" \
	"$(stat -c %a $D/inject_aer $D/inject_link $D/inject_thermal | tr '\n' ' ')" "200 200 200 "
gpumon dev --watch --json >/tmp/watch.out 2>&1 &
watch=$!
watching() { grep -q '^# watching' /tmp/watch.out; }
check "gpumon dev --watch starts" wait_for 10 watching
ev() { grep '^{' /tmp/watch.out | jq -c "select(.kind == \"$1\" and .bdf == \"$2\")"; }
has_ev() { [ -n "$(ev "$1" "$2")" ]; }
inj() { echo "$1" >$D/inject_link; }
lk() { gpumon dev --json | jq -r ".[] | select(.bdf == \"$1\") | .link.$2"; }
samples() { nl-test 6 | grep '^reply' | grep -o ' 36=[0-9]*' | cut -d= -f2; }
n0=$(samples)
sleep 3
n1=$(samples)
check "sampling every second ($n0 -> $n1 passes in 3 s)" test $((n1 - n0)) -ge 2 -a $((n1 - n0)) -le 4
diag "endpoint before injecting: $(gpumon dev --json | jq -c ".[] | select(.bdf == \"$GPU\") | {state, link}"), sysfs: $(cat /sys/bus/pci/devices/$GPU/current_link_speed /sys/bus/pci/devices/$GPU/max_link_width 2>&1 | tr '\n' ' ')"

check "inject: endpoint link at 8 GT/s x4 of 16 GT/s x16" \
	inj "$GPU speed 8000 width 4 max 16000 16"
check "event: link-downtrained" wait_for 10 has_ev link-downtrained $GPU
e=$(ev link-downtrained $GPU | head -n 1)
is "link-downtrained: warning, peer (other end) the downstream port" \
	"$(echo "$e" | jq -r '"\(.severity) \(.peer) \(.link.cur_speed_mts) \(.link.cur_width)"')" "warning $DN 8000 4"
check "inject: up (at its maximum)" inj "$GPU up"
check "event: link-restored" wait_for 10 has_ev link-restored $GPU
check "inject: down" inj "$GPU down"
check "event: link-down" wait_for 10 has_ev link-down $GPU
is "link-down: error" "$(ev link-down $GPU | head -n 1 | jq -r .severity)" error
inj "$GPU up"
is "counts: downtrained 1, down 1" "$(lk $GPU downtrained) $(lk $GPU down)" "1 1"

# Flapping: every change counted, events capped per window.
f0=$(lk $GPU flaps)
i=0
while [ $i -lt $FLIPS ]; do
	inj "$GPU down"
	inj "$GPU up"
	i=$((i + 1))
done
sleep 0.5
f1=$(lk $GPU flaps)
is "flaps: every change counted ($f0 + $((2 * FLIPS)))" "$f1" $((f0 + 2 * FLIPS))
sup=$(lk $GPU suppressed)
n=$(grep '^{' /tmp/watch.out | jq -c "select(.bdf == \"$GPU\" and (.kind | startswith(\"link\")))" | wc -l)
check "link events rate-limited ($n sent, $sup suppressed)" test "$n" -le 10 -a "$sup" -ge $((2 * FLIPS - 6))
is "sent plus suppressed is every change" "$((n + sup))" "$((4 + 2 * FLIPS))"
inj "$GPU clear"
diag "waiting out the 10 s rate-limit window for the summary"
check "event: link-flapping with the counts" wait_for 20 has_ev link-flapping $GPU
is "link-flapping carries the suppressed count" \
	"$(ev link-flapping $GPU | head -n 1 | jq -r .link.suppressed)" "$sup"

check "inject: endpoint gone (all ones)" sh -c "echo '$GPU gone' >$D/inject_link"
check "event: dev-not-responding" wait_for 10 has_ev dev-not-responding $GPU
is "dev-not-responding: critical; state not-responding" \
	"$(ev dev-not-responding $GPU | head -n 1 | jq -r .severity) $(gpumon dev --json | jq -r ".[] | select(.bdf == \"$GPU\") | .state")" \
	"critical not-responding"
inj "$GPU clear"
present() { [ "$(gpumon dev --json | jq -r ".[] | select(.bdf == \"$GPU\") | .state")" = present ]; }
check "answers again after clear" wait_for 5 present

# Thermal: replace the ACPI zone's temperature (tests/vm/thermal-zone.asl,
# hot trip 0 at 90 C).
tz=$(tz_path)
zid=${tz##*thermal_zone}
tz_set 40
check "inject: acpitz (zone $zid) at 91.5 C" sh -c "echo '$zid 91500' >$D/inject_thermal"
# (jq -e judges by the last input only: count the matches instead.)
thermal() { [ -n "$(grep '^{' /tmp/watch.out | jq -c 'select(.kind == "thermal-trip" and .trip == 0)')" ]; }
check "event: thermal-trip" wait_for 10 thermal
is "thermal-trip: zone, temperature, trip, type" \
	"$(grep '^{' /tmp/watch.out | jq -r 'select(.kind == "thermal-trip" and .trip == 0) | "\(.zone) \(.zone_id) \(.temp_mc) \(.trip) \(.trip_type)"')" "acpitz $zid 91500 0 hot"
check "inject: clear (the real 40 C again)" sh -c "echo '$zid clear' >$D/inject_thermal"
cleared() { [ -n "$(grep '^{' /tmp/watch.out | jq -c 'select(.kind == "thermal-trip-cleared" and .trip == 0 and .temp_mc == 40000)')" ]; }
check "event: thermal-trip-cleared" wait_for 10 cleared
check "malformed injection refused" sh -c "! echo '$GPU bogus' >$D/inject_link 2>/dev/null"
check "injection at an unwatched device refused" sh -c "! echo '$OTHER cor 0x1' >$D/inject_aer 2>/dev/null"

# Storm: more events at once than the ring holds.
seq0=$(nl-test 6 | grep '^reply' | sed -n 's/.* 30=\([0-9]*\).*/\1/p')
c0=$(gpumon dev --json | jq -r ".[] | select(.bdf == \"$GPU\") | .aer.correctable")
check "inject: $STORM correctable errors in one write" \
	sh -c "echo '$GPU cor 0x1 repeat $STORM' >$D/inject_aer"
sleep 2
seq1=$(nl-test 6 | grep '^reply' | sed -n 's/.* 30=\([0-9]*\).*/\1/p')
# One more event closes the listener's view of the gap at the end.
echo "$zid 97000" >$D/inject_thermal
after() { [ -n "$(grep '^{' /tmp/watch.out | jq -c 'select(.kind == "thermal-trip" and .temp_mc == 97000)')" ]; }
check "an event after the storm arrives" wait_for 20 after
is "sequence advanced by every event" "$((seq1 - seq0))" $STORM
is "counter exact" "$(gpumon dev --json | jq -r ".[] | select(.bdf == \"$GPU\") | .aer.correctable")" $((c0 + STORM))
drops=$(nl-test 6 | grep '^reply' | grep -o ' 18=[0-9]*' | cut -d= -f2)
check "events lost counted ($drops)" test "${drops:-0}" -gt 0
diag "stats: $(nl-test 6 | head -n 1)"
lost=$(grep '^# [0-9]* events lost' /tmp/watch.out | awk '{ s += $2 } END { print s + 0 }')
got=$(grep '^{' /tmp/watch.out | jq -c 'select(.kind == "aer")' | wc -l)
is "listener: received plus reported lost is the storm" "$((got + lost))" $STORM
# The listener asks for delivery errors (NETLINK_BROADCAST_ERROR), so
# its own overruns are in the module's drops too.
is "listener's loss equals the module's drop count" "$lost" "$drops"
echo "$zid clear" >$D/inject_thermal
kill $watch 2>/dev/null
wait $watch 2>/dev/null
scenario_end
