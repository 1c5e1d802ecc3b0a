# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 31-kmsg-flood: 100,000 lines through the module's debugfs writer (one
# kernel record per line, 128 lines per write()) as fast as the guest
# can, while gpumond reads /dev/kmsg.  Whether or not gpumond keeps up,
# every record must be accounted for: received or reported lost, exactly.
#
# S0, S1: the last /dev/kmsg sequence number gpumond handled (its state
# file /var/lib/gpumon/kmsg.seq) before and after the flood, each taken
# once gpumond has caught up (it equals the newest record's number in
# /dev/kmsg).  With the kmsg source's counters from `gpumon status
# --json` (events: kernel records received; lost: records overwritten
# before they were read, from sequence gaps; malformed) and U the
# user-space (facility != 0) records in the window, which gpumond reads
# but does not count as events, the exact equality tested is
#
#	d(events) + d(lost) + d(malformed) + U == S1 - S0
#
# and, while the kernel's buffer still holds the whole window (the guest
# boots with log_buf_len=8M), that the window holds exactly the 100,000
# flood records plus the others counted there:
#
#	S1 - S0 == 100000 + (records in (S0, S1] without the flood marker)
#	flood records in (S0, S1] == 100000, numbered 1..100000 once each
#
# Then the same with gpumond stopped during a flood larger than the
# kernel's buffer, so that records are lost for certain (see "overflow").
scenario_begin

need gpumon.ko || { scenario_end; exit 0; }
KMSG_W=/sys/kernel/debug/gpumon/kmsg
STATE=/var/lib/gpumon/kmsg.seq
N=100000
check "insmod gpumon.ko match=$MATCH" mod_load
# the state file's folder: gpumond creates only the last level
mkdir -p /var/lib/gpumon
check "gpumond starts" gpumond_start

# 32 bytes a line, so that 4096-byte writes hold 128 whole lines
awk -v n=$N 'BEGIN { for (i = 1; i <= n; i++) printf "gpumon-flood %06d padpadpadpa\n", i }' >/tmp/flood.txt
is "flood file: $N lines of 32 bytes" "$(wc -c </tmp/flood.txt)" $((N * 32))

state_seq() { awk '{ print $2 }' $STATE 2>/dev/null; }
kc() { status ".sources[] | select(.name == \"kmsg\") | .$1"; }
# kmsg_dump FILE: every record in the kernel's buffer now (cat blocks at
# the end; it is stopped after 8 s)
kmsg_dump() { timeout 8 cat /dev/kmsg >"$1" 2>/dev/null; true; }
newest_seq() { awk -F'[,;]' '/^[0-9]+,[0-9]+,/ { s = $2 } END { print s }' "$1"; }
# caught_up: gpumond's position held still for 2 s and is the newest
# record's number
caught_up() {
	_a=$(state_seq)
	sleep 2
	[ -n "$_a" ] && [ "$_a" = "$(state_seq)" ] || return 1
	kmsg_dump /tmp/kmsg.now
	[ "$_a" = "$(newest_seq /tmp/kmsg.now)" ]
}
check "gpumond's kmsg source has caught up before the flood" wait_for 60 caught_up ||
	diag "state $(cat $STATE 2>/dev/null), newest $(newest_seq /tmp/kmsg.now), gpumond: $(tail -n 3 /tmp/gpumond.log)"
s0=$(state_seq)
ev0=$(kc events) lost0=$(kc lost) mal0=$(kc malformed)
[ "$(state_seq)" = "$s0" ] || diag "a record came while the counters were read"

t0=$(awk '{ print $1 }' /proc/uptime)
check "write $N lines to $KMSG_W, 4096 bytes a write" \
	dd if=/tmp/flood.txt of=$KMSG_W bs=4096
t1=$(awk '{ print $1 }' /proc/uptime)

check "gpumond's kmsg source catches up after the flood" wait_for 300 caught_up ||
	diag "state $(cat $STATE 2>/dev/null), newest $(newest_seq /tmp/kmsg.now)"
t2=$(awk '{ print $1 }' /proc/uptime)
s1=$(state_seq)
ev1=$(kc events) lost1=$(kc lost) mal1=$(kc malformed)
[ "$(state_seq)" = "$s1" ] || diag "a record came while the counters were read"
kmsg_dump /tmp/kmsg.after

# the window (S0, S1] as the kernel's buffer still holds it
awk -F'[,;]' -v s0="$s0" -v s1="$s1" '
/^[0-9]+,[0-9]+,/ {
	seq = $2 + 0
	if (first == "") first = seq
	if (seq <= s0 || seq > s1) next
	n++
	if (int($1 / 8) != 0) user++
	if (match($0, /;gpumon-flood [0-9]+ /)) {
		# as a string: busybox awk may read "0..." as octal
		id = substr($0, RSTART + 14, 6)
		if (!(id in seen) && id != "000000" && (id == "100000" || id ~ /^0/)) uniq++
		seen[id] = 1
		flood++
	} else other++
}
END { printf "%s %d %d %d %d %d\n", first, n, user, flood, uniq, other }' /tmp/kmsg.after >/tmp/flood.win
read -r first inwin user flood uniq other </tmp/flood.win

dev=$((ev1 - ev0)) dlost=$((lost1 - lost0)) dmal=$((mal1 - mal0)) dseq=$((s1 - s0))
diag "S0=$s0 S1=$s1 S1-S0=$dseq; d(events)=$dev d(lost)=$dlost d(malformed)=$dmal U=$user"
diag "buffer: oldest seq $first, $inwin records of the window, $flood flood ($uniq distinct), $other others"
diag "$(awk -v a="$t0" -v b="$t1" -v c="$t2" -v n=$N 'BEGIN {
	w = b - a; printf "write: %.2f s, %d lines/s; gpumond seen caught up %.2f s after the last write (polled every 5 s or so)", w, (w > 0 ? n / w : 0), c - b }')"
is "d(events) + d(lost) + d(malformed) + U == S1 - S0" $((dev + dlost + dmal + user)) $dseq
if [ -n "$first" ] && [ "$first" -le $((s0 + 1)) ]; then
	is "the window holds all $N flood records" "$flood" $N
	is "each flood line once" "$uniq" $N
	is "S1 - S0 == $N + other records in the window" $dseq $((N + other))
else
	diag "the kernel overwrote part of the window: only S1 - S0 >= $N checked"
	check "S1 - S0 >= $N" test $dseq -ge $N
fi
is "no malformed records" $dmal 0
check "gpumond still runs" gpumond_alive

# ---- overflow: gpumond stopped (SIGSTOP) while N2 lines are written,
# more than the kernel's 8 MiB buffer holds, so that the kernel
# overwrites records gpumond has not read.  After SIGCONT its read()
# fails with EPIPE and the jump in sequence numbers is the loss.  With
# F the oldest record still in the buffer afterwards (nothing is logged
# once the flood ends), the exact equalities tested are
#
#	d(events) + d(lost) + d(malformed) + U == S1 - S0
#	d(lost) == F - S0 - 1		(every overwritten record, no more)
#
# (U counted over the part of the window the buffer still holds:
# nothing in the guest writes to /dev/kmsg.)
N2=300000
awk -v n=$N2 'BEGIN { for (i = 1; i <= n; i++) printf "gpumon-flood %06d padpadpadpa\n", i }' >/tmp/flood.txt
check "gpumond's kmsg source has caught up before the overflow" wait_for 60 caught_up
s0=$(state_seq)
ev0=$(kc events) lost0=$(kc lost) mal0=$(kc malformed)
pid=$(cat /tmp/gpumond.pid)
kill -STOP "$pid"
t0=$(awk '{ print $1 }' /proc/uptime)
check "write $N2 lines with gpumond stopped" \
	dd if=/tmp/flood.txt of=$KMSG_W bs=4096
t1=$(awk '{ print $1 }' /proc/uptime)
rm -f /tmp/flood.txt
kmsg_dump /tmp/kmsg.after
kill -CONT "$pid"
check "gpumond's kmsg source catches up after the overflow" wait_for 300 caught_up ||
	diag "state $(cat $STATE 2>/dev/null), newest $(newest_seq /tmp/kmsg.now)"
s1=$(state_seq)
ev1=$(kc events) lost1=$(kc lost) mal1=$(kc malformed)
awk -F'[,;]' -v s0="$s0" -v s1="$s1" '
/^[0-9]+,[0-9]+,/ {
	seq = $2 + 0
	if (first == "") first = seq
	if (seq <= s0 || seq > s1) next
	n++
	if (int($1 / 8) != 0) user++
}
END { printf "%s %d %d\n", first, n, user }' /tmp/kmsg.after >/tmp/flood.win
read -r first inwin user </tmp/flood.win
dev=$((ev1 - ev0)) dlost=$((lost1 - lost0)) dmal=$((mal1 - mal0)) dseq=$((s1 - s0))
diag "S0=$s0 S1=$s1 S1-S0=$dseq; d(events)=$dev d(lost)=$dlost d(malformed)=$dmal U=$user; oldest in buffer F=$first, $inwin records of the window still there"
diag "$(awk -v a="$t0" -v b="$t1" -v n=$N2 'BEGIN { w = b - a; printf "write: %.2f s, %d lines/s", w, (w > 0 ? n / w : 0) }')"
is "overflow: d(events) + d(lost) + d(malformed) + U == S1 - S0" $((dev + dlost + dmal + user)) $dseq
check "overflow: records were lost (d(lost) > 0)" test "$dlost" -gt 0
is "overflow: d(lost) == F - S0 - 1" $dlost $((first - s0 - 1))
is "overflow: S1 - S0 >= $N2" $((dseq >= N2)) 1
check "gpumond still runs after the overflow" gpumond_alive
rm -f /tmp/flood.txt /tmp/kmsg.now /tmp/kmsg.after
scenario_end
