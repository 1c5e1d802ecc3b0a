# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 02-aer: AER errors on the GPU's path reach every layer with exact counts.
#   - non-fatal Completion Timeout (0x4000) at the endpoint, via QEMU
#   - N correctable Receiver Errors at the endpoint, via aer_inject.ko
#   - fatal Data Link Protocol error (0x10) at the root port, via QEMU
#     (last: the kernel resets the link below the port)
# The module's counters must equal the kernel's sysfs totals; gpumond's
# netlink and BPF sources must have seen the events; the syslog alerts
# and `gpumon top -b` must show them.
N=40
scenario_begin

need gpumon.ko || { scenario_end; exit 0; }
aer_settle $GPU correctable >/dev/null
aer_snap
check "insmod gpumon.ko match=$MATCH" mod_load
check "gpumond starts" gpumond_start

# The tracepoint's own count, from tracefs, as a reference for the sources.
tr=/sys/kernel/tracing
if [ -e $tr/events/ras/aer_event/enable ]; then
	echo 16384 >$tr/buffer_size_kb
	echo >$tr/trace
	echo 1 >$tr/events/ras/aer_event/enable
fi
check "QEMU: non-fatal 0x4000 at the endpoint" host_aer gpu0 0x4000
aer_settle $GPU nonfatal >/dev/null
check "aer_inject: $N correctable at the endpoint" inject_cor $GPU $N
# A Poisoned TLP (0x1000, non-fatal by default severity) logs its TLP
# header: the one error that carries a header through every layer.
TLP=4a000001,0100000f,12345678,9abcdef0
poison() {
	aer_inject_on || return 1
	aer-inject -u 0x1000 -H $TLP $GPU >/dev/null || { aer_inject_off; return 1; }
	aer_settle $GPU nonfatal >/dev/null
	aer_inject_off
}
check "aer_inject: Poisoned TLP with header $TLP at the endpoint" poison
check "QEMU: fatal 0x10 at the root port" host_aer rp1 0x10
aer_settle $RP fatal >/dev/null
sleep 1

# The module's counters against the kernel's, for every device on the
# path (both counted since the module was loaded).
total=0
for b in $GPU $DN $UP $RP; do
	for sev in correctable nonfatal fatal; do
		k=$(aer_delta $b $sev)
		total=$((total + k))
		is "$b $sev: module count equals sysfs ($k)" "$(dev ".aer.$sev" $b)" "$k"
	done
done
cor=$(aer_delta $GPU correctable)
check "endpoint: $cor of $N correctable errors reached the kernel" \
	test "$cor" -ge 1 -a "$cor" -le $N
is "endpoint: two non-fatal errors (QEMU, poisoned TLP)" "$(aer_delta $GPU nonfatal)" 2
is "root port: one fatal error" "$(aer_delta $RP fatal)" 1

# Sources: each AER error is one netlink event and one BPF event.
src() { status ".sources[] | select(.name == \"$1\") | $2"; }
gpumon events --json >/tmp/events.json 2>&1
srcfail=0
for s in netlink bpf; do
	if [ "$(src $s .on)" != true ]; then
		fail "$s source on" "why: $(src $s .why)"
		srcfail=1
		continue
	fi
	pass "$s source on"
	enough() { [ "$(src $s .events)" -ge "$total" ]; }
	wait_for 5 enough
	ev=$(src $s .events)
	check "$s source: $total AER events (events=$ev, lost=$(src $s .lost))" \
		test "$ev" -ge "$total" || srcfail=1
done
# One error is one event, never two: the AER events gpumond lists
# (status 0, the kernel's "could not read the status" report, is an
# event but no error) number exactly the errors the kernel counted.
is "one event per AER error: $total" \
	"$(jq '[.events[] | select(.kind == "aer" and .fields.status != "0x00000000")] | length' /tmp/events.json)" "$total" ||
	srcfail=1
# With the module loaded its events are the count; BPF saw each of them.
is "no AER event from BPF alone while the module is loaded" \
	"$(jq '[.events[] | select(.kind == "aer" and .source == "bpf")] | length' /tmp/events.json)" 0
all_seen() {
	gpumon events --json >/tmp/events.json 2>&1
	[ "$(jq '[.events[] | select(.kind == "aer" and .bpf_seen != true)] | length' /tmp/events.json)" = 0 ]
}
check "BPF saw every AER error the module reported" wait_for 5 all_seen
tlp=$(echo $TLP | tr , :)
is "the poisoned TLP's header reached the event" \
	"$(jq -r "[.events[] | select(.kind == \"aer\" and .fields.status == \"0x00001000\")][0].fields.tlp" /tmp/events.json)" "$tlp"
check "syslog: the poisoned TLP line carries its header" \
	syslog_has ERR "bdf=$GPU" kind=aer severity=nonfatal status=0x00001000 "tlp=$tlp"
# gpumond lists an error once, under the source that reported it first.
check "events list has the endpoint's AER events" \
	test "$(jq "[.events[] | select(.kind == \"aer\" and .entity == \"$GPU\")] | length" /tmp/events.json)" -ge 1 ||
	srcfail=1
if [ -e $tr/events/ras/aer_event/enable ]; then
	echo 0 >$tr/events/ras/aer_event/enable
	diag "ras:aer_event fired $(grep -c 'aer_event:' $tr/trace) times (tracefs)"
fi
if [ $srcfail = 1 ]; then
	diag "events by source/kind/entity/severity:"
	diag "$(jq -r '.events[] | "\(.source) \(.kind) \(.entity) \(.severity)"' /tmp/events.json | sort | uniq -c)"
fi

# Syslog: one line per uncorrectable error, correctable ones rate-limited
# (5 s here) with the exact count since the last line.
logfail=0
check "syslog: CRIT fatal AER at the root port" \
	wait_for 10 syslog_has CRIT "bdf=$RP" kind=aer severity=fatal status=0x00000010 ||
	logfail=1
check "syslog: ERR non-fatal AER at the endpoint" \
	syslog_has ERR "bdf=$GPU" kind=aer severity=nonfatal || logfail=1
cor_logged() { [ "$(syslog_sum WARNING "bdf=$GPU" kind=aer severity=correctable)" = "$cor" ]; }
wait_for 15 cor_logged
is "syslog: WARNING correctable lines at the endpoint add up to sysfs" \
	"$(syslog_sum WARNING "bdf=$GPU" kind=aer severity=correctable)" "$cor" ||
	logfail=1
nl=$(grep -c "gpumond.*bdf=$GPU.*severity=correctable" /var/log/messages)
check "syslog: correctable alerts rate-limited ($nl lines for $cor errors)" \
	test "$nl" -ge 1 -a "$nl" -le 4 || logfail=1
[ $logfail = 0 ] || diag "$(grep gpumond /var/log/messages | tail -n 12)"

# Console, batch mode: the device rows carry the counts.
gpumon top -b -n 1 >/tmp/top.txt 2>&1
row() { awk -v b="$1" '$1 == b { print $4, $5, $6 }' /tmp/top.txt; }
is "gpumon top -b: endpoint row CORR NONFATAL FATAL" \
	"$(row $GPU)" "$cor 2 0"
is "gpumon top -b: root port row CORR NONFATAL FATAL" \
	"$(row $RP)" "$(aer_delta $RP correctable) $(aer_delta $RP nonfatal) 1"
check "gpumon top -b: has a sources: line" grep -q '^ *sources:' /tmp/top.txt
diag "$(cat /tmp/top.txt)"
scenario_end
