# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# 15-concurrency: everything at once.  An AER storm on four devices and
# three severities (debugfs inject_aer with repeat, two writers, and the
# kernel's own AER path through aer_inject.ko), netlink dumps in loops
# (`gpumon dev --json`, nl-test DEV_GET dumps and gets, STATS_GET) and
# CONFIG_SET changes in a loop (interval 10-1000 ms, match lists that
# rescan the bus), with a `gpumon dev --watch` listener.  Then, exactly:
# every per-device per-severity and per-bit counter grew by what was
# injected (debugfs) plus the kernel's own aer_dev_* growth (real path),
# LAST_SEQ by the number of events, and received + dropped per event
# kind is what was emitted.  Then rmmod while all of it still runs (it
# may be refused while busy and is retried; it must not hang), insmod
# while it runs, and a shorter round with the same checks.  The kernel
# log must stay free of splats; the module unloads at the end.
ROUND1=6
ROUND2=3
scenario_begin
gpumond_kill_all

need gpumon.ko nl-test || { scenario_end; exit 0; }
D=/sys/kernel/debug/gpumon
W=/tmp/cc
rm -rf $W
mkdir -p $W
check "insmod gpumon.ko match=$MATCH" mod_load

# nlkv: "T V" per top-level attribute of nl-test -n's reply line, and
# "P:K V" per nest P whose attributes 2 and 3 are K and V (per-bit
# counts, drops per kind).
nlkv() {
	awk '/^reply/ {
		depth = 0
		for (i = 3; i <= NF; i++) {
			f = $i
			if (f ~ /^[0-9]+=\{$/) {
				p = f; sub(/=.*/, "", p); k = ""; v = ""; depth = 1
				continue
			}
			cl = (f ~ /\}$/)
			sub(/\}+$/, "", f)
			split(f, kv, "=")
			if (!depth)
				print kv[1], kv[2]
			else if (kv[1] == 2)
				k = kv[2]
			else if (kv[1] == 3)
				v = kv[2]
			if (cl && depth) {
				print p ":" k, v
				depth = 0
			}
		}
	}'
}
# devcounts BDF: the module's counters of one device, "key value" per
# line: cor, nonfatal, fatal, cBIT and uBIT (correctable and
# uncorrectable status bits).
devcounts() {
	nl-test -n 1 2=str:"$1" | nlkv | awk '
	$1 == 8 { print "cor", $2 } $1 == 9 { print "nonfatal", $2 }
	$1 == 10 { print "fatal", $2 }
	$1 ~ /^23:/ { sub(/^23:/, "c", $1); print }
	$1 ~ /^24:/ { sub(/^24:/, "u", $1); print }'
}
# sysfs_counts BDF: the kernel's aer_dev_* counters in the same keys
# (one line per named status bit, drivers/pci/pcie/aer.c, then TOTAL_).
sysfs_counts() {
	for _f in correctable nonfatal fatal; do
		awk -v f=$_f '
		BEGIN {
			split("RxErr 0 BadTLP 6 BadDLLP 7 Rollover 8 Timeout 12 NonFatalErr 13 CorrIntErr 14 HeaderOF 15", c, " ")
			for (i = 1; i < 16; i += 2) cb[c[i]] = c[i + 1]
			split("Undefined 0 DLP 4 SDES 5 TLP 12 FCP 13 CmpltTO 14 CmpltAbrt 15 UnxCmplt 16 RxOF 17 MalfTLP 18 ECRC 19 UnsupReq 20 ACSViol 21 UncorrIntErr 22 BlockedTLP 23 AtomicOpBlocked 24 TLPBlockedErr 25 PoisonTLPBlocked 26", u, " ")
			for (i = 1; i < 38; i += 2) ub[u[i]] = u[i + 1]
		}
		/^TOTAL_ERR/ { print (f == "correctable" ? "cor" : f), $2; next }
		f == "correctable" { print ($1 in cb ? "c" cb[$1] : "c?" $1), $2; next }
		{ print ($1 in ub ? "u" ub[$1] : "u?" $1), $2 }' \
			/sys/bus/pci/devices/$1/aer_dev_$_f
	done | awk '{ s[$1] += $2 } END { for (k in s) print k, s[k] }'
}
# kv_sub NEW OLD: NEW - OLD per key, non-zero keys only, sorted.
kv_sub() {
	awk 'FNR == NR { o[$1] = $2; next } { n[$1] = $2 }
	END {
		for (k in o) if (!(k in n)) n[k] = 0
		for (k in n) if (n[k] - o[k] != 0) print k "=" n[k] - o[k]
	}' "$2" "$1" | sort | tr '\n' ' '
}
# kv_sum FILES: sum per key, non-zero keys only, sorted.
kv_sum() {
	awk '{ s[$1] += $2 } END { for (k in s) if (s[k]) print k "=" s[k] }' "$@" |
		sort | tr '\n' ' '
}
stats() { nl-test -n 6 | nlkv; }
stat1() { stats | awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }'; }

# writer ID: until $W/stop, write each line of $W/lines.ID in turn to
# inject_aer; log the line number of every write that succeeded.
writer() {
	: >$W/ok.$1
	while [ ! -e $W/stop ]; do
		_i=0
		while read -r _l; do
			_i=$((_i + 1))
			{ echo "$_l" >$D/inject_aer; } 2>/dev/null && echo $_i >>$W/ok.$1
			# leave the one vCPU to the readers and the config loop too
			sleep 0.02
		done <$W/lines.$1
	done
}
# writer_expect ID: the counts that writer's successful writes add,
# "BDF key value" per line.
writer_expect() {
	awk 'function hex(s,   i, c, n) {
		n = 0; s = tolower(s); sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++)
			n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return n
	}
	FNR == NR { line[FNR] = $0; next }
	{ cnt[$1]++ }
	END {
		for (i in cnt) {
			split(line[i], a, " ")
			n = cnt[i] * a[5]
			print a[1], a[2], n
			# busybox awk may lack "^": powers of two by doubling
			st = hex(a[3])
			for (b = 0, p = 1; b < 32; b++) {
				if (int(st / p) % 2)
					print a[1], (a[2] == "cor" ? "c" : "u") b, n
				p *= 2
			}
		}
	}' $W/lines.$1 $W/ok.$1
}
# dumper TAG g|n: netlink reads in a loop, `gpumon dev --json` (g) or
# nl-test DEV_GET dumps, STATS_GET and a DEV_GET by BDF (n); "OP ok|fail
# [N]" per request in $W/dump.TAG.g|n.
dumper() {
	while [ ! -e $W/stop ]; do
		if [ $2 = g ]; then
			if gpumon dev --json >$W/dj 2>&1; then
				echo "g ok $(jq length $W/dj)"
			else
				echo "g fail $(head -n 1 $W/dj)"
			fi
			continue
		fi
		_o=$(nl-test -d 1)
		case $(echo "$_o" | tail -n 1) in
		error=0) echo "d ok $(echo "$_o" | grep -c '^reply cmd=1')" ;;
		*) echo "d fail $(echo "$_o" | tail -n 1)" ;;
		esac
		_o=$(nl-test -n 6 | tail -n 1)
		[ "$_o" = error=0 ] && echo "s ok" || echo "s fail $_o"
		_o=$(nl-test 1 2=str:$GPU | tail -n 1)
		[ "$_o" = error=0 ] && echo "o ok" || echo "o fail $_o"
	done >$W/dump.$1.$2
}
# configer: CONFIG_SET in a loop: intervals from 10 to 1000 ms, the
# match list widened to the rng (two devices added: it and its root
# port) and back, both at once; "OP RESULT" per request.
configer() {
	while [ ! -e $W/stop ]; do
		for _ms in 10 1000 50 500 10 200; do
			echo "i $(nl-test 4 28=u32:$_ms | tail -n 1)"
		done
		echo "a $(nl-test 4 29=str:$MATCH,1af4:1044 | tail -n 1)"
		echo "i $(nl-test 4 28=u32:20 | tail -n 1)"
		echo "m $(nl-test 4 29=str:$MATCH | tail -n 1)"
		echo "b $(nl-test 4 28=u32:100 29=str:$MATCH | tail -n 1)"
	done >$W/cfg.$1
}
# realpath N_COR N_NONFATAL: the kernel's AER path (aer_inject.ko):
# correctable Receiver Errors at the endpoint, non-fatal Completion
# Timeouts at the downstream port, spread over about 4 s.
realpath() {
	aer-inject -n "$1" -d $((4000000 / $1)) -c 0x1 $GPU >$W/real.cor 2>&1 &
	_r1=$!
	aer-inject -n "$2" -d $((4000000 / $2)) -u 0x4000 $DN >$W/real.nf 2>&1 &
	_r2=$!
}

printf '%s\n' "$GPU cor 0x40 repeat 200" "$DN fatal 0x10 repeat 20" \
	"$UP cor 0x1001 repeat 100" "$RP nonfatal 0x100000 repeat 50" >$W/lines.1
printf '%s\n' "$GPU nonfatal 0x4000 repeat 50" "$GPU cor 0x40 repeat 150" \
	"$DN cor 0x80 repeat 100" "$RP fatal 0x40000 repeat 10" >$W/lines.2

# start_load TAG: the storm, the dumps, the config changes.
start_load() {
	rm -f $W/stop
	writer 1 & _w1=$!
	writer 2 & _w2=$!
	dumper "$1" g & _d1=$!
	dumper "$1" n & _d2=$!
	configer "$1" & _c1=$!
	realpath "$2" "$3"
}
stop_load() {
	: >$W/stop
	wait $_w1 $_w2 $_d1 $_d2 $_c1 $_r1 $_r2 2>/dev/null
}

# round NAME SECONDS N_COR N_NONFATAL: one round of everything at once,
# then the exact checks.
round() {
	rn=$1
	gpumon dev --watch --json >$W/watch 2>&1 &
	_wp=$!
	wait_for 10 grep -q '^# watching' $W/watch || diag "$rn: watcher did not start: $(cat $W/watch)"
	# A first event opens the listener's view: every loss after it is
	# reported as a sequence gap.
	seen() { grep -q "\"seq\": *$1[,}]" $W/watch; }
	_try=0
	while [ $_try -lt 3 ]; do
		echo "$RP cor 0x2000 repeat 1" >$D/inject_aer
		seq0=$(stat1 30)
		wait_for 5 seen $seq0 && break
		_try=$((_try + 1))
	done
	check "$rn: the listener received a first event (seq $seq0, $_try retries)" seen $seq0
	for b in $GPU $DN $UP $RP; do
		devcounts $b >$W/mod0.$b
		sysfs_counts $b >$W/sys0.$b
	done
	stats >$W/st0
	start_load "$rn" "$3" "$4"
	sleep "$2"
	stop_load
	aer_settle $GPU correctable >/dev/null
	aer_settle $DN nonfatal >/dev/null
	nl-test 4 28=u32:1000 >/dev/null
	# Let the listener drain, then one last event closes its view.
	sleep 1
	echo "$RP cor 0x2000 repeat 1" >$D/inject_aer
	seq1=$(stat1 30)
	check "$rn: the listener received the last event (seq $seq1)" wait_for 20 seen $seq1
	stats >$W/st1
	kill $_wp 2>/dev/null
	wait $_wp 2>/dev/null

	# Counters: debugfs writes + the kernel's own growth, exactly.
	writer_expect 1 >$W/exp
	writer_expect 2 >>$W/exp
	echo "$RP cor 1" >>$W/exp
	echo "$RP c13 1" >>$W/exp
	aer_events=0
	for b in $GPU $DN $UP $RP; do
		devcounts $b >$W/mod1.$b
		sysfs_counts $b >$W/sys1.$b
		kv_sub $W/sys1.$b $W/sys0.$b | tr ' ' '\n' | sed '/^$/d; s/=/ /' >$W/sysd.$b
		awk -v b=$b '$1 == b { print $2, $3 }' $W/exp >$W/exp.$b
		want=$(kv_sum $W/exp.$b $W/sysd.$b)
		got=$(kv_sub $W/mod1.$b $W/mod0.$b)
		is "$rn: $b counters per severity and bit: debugfs + aer_dev_* growth" "$got" "$want"
		aer_events=$((aer_events + $(awk '$1 == "cor" || $1 == "nonfatal" || $1 == "fatal" { s += $2 } END { print s + 0 }' $W/exp.$b $W/sysd.$b)))
	done
	diag "$rn: real path: $(cat $W/sysd.$GPU $W/sysd.$DN | tr '\n' ' ') ($(cat $W/real.cor $W/real.nf | tr '\n' ' ') injected)"

	# Requests made meanwhile: all answered, none failed.
	cat $W/dump.$rn.g $W/dump.$rn.n >$W/dump.$rn
	_dl=$W/dump.$rn _cl=$W/cfg.$rn
	diag "$rn: $(grep -c '^g ok' $_dl) gpumon dev --json, $(grep -c '^d ok' $_dl) DEV_GET dumps, $(grep -c '^s ok' $_dl) STATS_GET, $(wc -l <$_cl) CONFIG_SET, $(wc -l <$W/ok.1) + $(wc -l <$W/ok.2) inject_aer writes, $aer_events AER events"
	is "$rn: every netlink read succeeded" "$(grep -v ' ok' $_dl | head -n 3)" ""
	is "$rn: every CONFIG_SET succeeded" "$(grep -v ' error=0$' $_cl | head -n 3)" ""
	check "$rn: dumps saw 4 or 6 devices, nothing torn" \
		test -z "$(grep -E '^[gd] ok' $_dl | grep -Ev ' (4|6)$' | head -n 3)"
	adds=$(grep -c '^a error=0' $_cl)
	check "$rn: the match list was widened and narrowed ($adds times)" test "$adds" -ge 2

	# Events: LAST_SEQ, what the listener got, drops per kind.
	nev=$((seq1 - seq0))
	grep '^{' $W/watch | jq -r "select(.seq > $seq0 and .seq <= $seq1) | .kind" |
		sort | uniq -c | awk '{ print $2, $1 }' >$W/recv
	recv() { awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' $W/recv; }
	drop() { echo $(($(awk -v k="31:$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' $W/st1) - \
		$(awk -v k="31:$1" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' $W/st0))); }
	sed -n "/\"seq\": *$seq0[,}]/,\$p" $W/watch >$W/watch.r
	lost=$(grep '^# [0-9]* events lost' $W/watch.r | awk '{ s += $2 } END { print s + 0 }')
	overruns=$(grep -c '^# events lost (overrun)' $W/watch.r)
	nrecv=$(awk '{ s += $2 } END { print s + 0 }' $W/recv)
	diag "$rn: events: LAST_SEQ +$nev, listener received $nrecv ($(tr '\n' ' ' <$W/recv)), reported lost $lost; module drops: aer $(drop 1), dev-added $(drop 8), all $(($(stat1 18) - $(awk '$1 == 18 { print $2 }' $W/st0)))"
	is "$rn: listener: received + reported lost = LAST_SEQ growth" "$((nrecv + lost))" "$nev"
	nall=$(($(awk '$1 == 18 { print $2 }' $W/st1) - $(awk '$1 == 18 { print $2 }' $W/st0)))
	oth=$((nrecv - $(recv aer) - $(recv dev-added) + nall - $(drop 1) - $(drop 8)))
	diag "$rn: drops per kind: $(awk '$1 ~ /^31:/' $W/st1 | tr '\n' ' '); listener socket overruns: $overruns; dev-added received per device: $(grep '^{' $W/watch | jq -r "select(.seq > $seq0 and .kind == \"dev-added\") | .bdf" | sort | uniq -c | tr -s ' \n' ' ')"
	# The module counts an event lost when its ring is full or sending
	# fails, and the listener asks for delivery errors
	# (NETLINK_BROADCAST_ERROR), so its own overruns count there too:
	# exact, overrun ($overruns times) or not.
	is "$rn: AER events received + dropped = AER errors counted" "$(($(recv aer) + $(drop 1)))" "$aer_events"
	is "$rn: LAST_SEQ grew by the AER errors counted + the other events (received + dropped)" \
		"$nev" "$((aer_events + $(recv dev-added) + $(drop 8) + oth))"
	is "$rn: dev-added events received + dropped = 2 per widening (the rng and its root port)" \
		"$(($(recv dev-added) + $(drop 8)))" "$((2 * adds))"
}

aer_inject_on || fail "aer_inject.ko loads"
round round1 $ROUND1 2000 30

# Unload while everything runs; then load again while it still runs.
gpumon dev --watch --json >$W/watch.u 2>&1 &
wu=$!
start_load unload 1000 20
sleep 2
tries=0 t0=$(date +%s)
while :; do
	rmmod gpumon 2>$W/rmmod.err &
	rp=$!
	if ! wait_for 20 sh -c "! kill -0 $rp 2>/dev/null"; then
		fail "rmmod while busy returns (no hang)" \
			"rmmod still running after 20 s: $(cat /proc/$rp/stack 2>/dev/null | head -n 20)"
		: >$W/stop
		break
	fi
	wait $rp && break
	tries=$((tries + 1))
	[ $tries -ge 100 ] && break
	sleep 0.1
done
if mod_loaded; then
	fail "rmmod while storm, dumps and config changes run" \
		"still loaded after $tries refusals: $(cat $W/rmmod.err)"
else
	pass "rmmod while storm, dumps and config changes run ($tries refusals while busy, $(($(date +%s) - t0)) s)"
fi
# The listener learns of the unload from nlctrl's notice or, if its
# socket overran and dropped that, by looking the family up again.
if wait_for 10 sh -c "! kill -0 $wu 2>/dev/null"; then
	wait $wu
	is "the listener exits when the family goes away, status 1 (not a crash)" "$?" 1
else
	fail "the listener notices the unload within 10 s" \
		"still running ($(grep -c '(overrun)' $W/watch.u) overruns)"
	kill $wu 2>/dev/null
	wait $wu 2>/dev/null
fi
sleep 1
check "insmod again while the load still runs" mod_load
sleep 2
stop_load
cat $W/dump.unload.g $W/dump.unload.n >$W/dump.unload
diag "unload: $(grep -c ' ok' $W/dump.unload) reads answered, $(grep -c ' fail' $W/dump.unload) refused (module away), $(grep -c 'error=0' $W/cfg.unload) of $(wc -l <$W/cfg.unload) CONFIG_SET answered"
aer_settle $GPU correctable >/dev/null
aer_settle $DN nonfatal >/dev/null

round round2 $ROUND2 1000 15
aer_inject_off

check "rmmod at the end" rmmod gpumon
dmesg >$W/dmesg
if grep -E 'WARNING|BUG|Oops|sleeping function called|scheduling while atomic|list_add corruption|list_del corruption|list corruption|refcount_t|Unable to handle|general protection|Call Trace' \
	$W/dmesg >$W/dmesg.bad; then
	fail "kernel log: no WARNING, BUG, Oops, sleeping in atomic, list corruption, refcount, bad access" \
		"$(head -n 40 $W/dmesg.bad)"
else
	pass "kernel log: no WARNING, BUG, Oops, sleeping in atomic, list corruption, refcount, bad access"
fi
scenario_end
