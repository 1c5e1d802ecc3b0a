# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# lib.sh - guest side helpers for the gpumon VM scenarios (busybox ash).
# fd 7 is the results channel (ttyS2), fd 8 the host control channel
# (ttyS1); both are opened by /init.
#
# Topology, as tests/vm/lib/vm.sh builds it:
RP=0000:00:01.0		# rp1, root port
UP=0000:01:00.0		# up1, switch upstream port
DN=0000:02:00.0		# dn1, switch downstream port
GPU=0000:03:00.0	# gpu0, virtio-net 1af4:1041, the GPU stand-in
OTHER=0000:04:00.0	# rng0, virtio-rng 1af4:1044, must not be watched
MATCH=1af4:1041
KO=/gpumon/gpumon.ko
SOCK=/run/gpumon/gpumond.sock
CONF=/etc/gpumon/gpumon.conf
SCEN=${SCEN:-init}

# ---- TAP ----
_tap() {
	_n=$(($(cat /tmp/tap.n 2>/dev/null || echo 0) + 1))
	echo "$_n" >/tmp/tap.n
	echo "$1 $_n - $SCEN: $2" >&7
	echo "$1 $_n - $SCEN: $2"
	[ "$1" = "not ok" ] && echo "$_n" >>/tmp/tap.failed
	return 0
}
diag() {
	echo "$*" | sed 's/^/# /' >&7
	echo "$*" | sed 's/^/# /'
}
pass() { _tap ok "$1"; }
fail() { _tap "not ok" "$1"; shift; [ $# -gt 0 ] && diag "$*"; return 1; }
skip() { _tap ok "$1 # SKIP $2"; }

# check DESC CMD...: pass when CMD succeeds; its output is shown on failure.
check() {
	_d=$1; shift
	if _out=$("$@" 2>&1); then
		pass "$_d"
	else
		fail "$_d" "$* -> ${_out:-(no output)}"
	fi
}
# is DESC GOT WANT
is() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "got '$2', want '$3'"
	fi
}
# wait_for SECONDS CMD...: poll CMD every 0.2 s.
wait_for() {
	_t=$(($1 * 5)); shift
	while [ $_t -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
		_t=$((_t - 1))
	done
	"$@" >/dev/null 2>&1
}

# ---- the host: QMP and HMP commands on the control channel ----
# host hmp|qmp ARGS...: sets HOST_REPLY; returns the host's rc.
host() {
	_id=$(($(cat /tmp/host.id 2>/dev/null || echo 0) + 1))
	echo "$_id" >/tmp/host.id
	echo "REQ $_id $*" >&8
	HOST_REPLY=
	while read -r -t 60 _l <&8; do
		case $_l in
		"ACK $_id "*)
			_l=${_l#ACK $_id }
			HOST_REPLY=${_l#* }
			return "${_l%% *}"
			;;
		esac
	done
	HOST_REPLY="(no answer from the host)"
	return 1
}
# host_aer [-c] QEMU_ID STATUS: pcie_aer_inject_error through the monitor.
host_aer() {
	host hmp "pcie_aer_inject_error $*" || { diag "host: $HOST_REPLY"; return 1; }
	case $HOST_REPLY in
	*'"return": ""'*|*'OK id'*) return 0 ;;
	esac
	diag "pcie_aer_inject_error $*: $HOST_REPLY"
	return 1
}

# ---- sysfs AER totals ----
# aer_total BDF correctable|nonfatal|fatal
aer_total() {
	case $2 in
	correctable) _k=TOTAL_ERR_COR ;;
	nonfatal) _k=TOTAL_ERR_NONFATAL ;;
	fatal) _k=TOTAL_ERR_FATAL ;;
	esac
	awk -v k=$_k '$1 == k { print $2 }' "/sys/bus/pci/devices/$1/aer_dev_$2"
}

# aer_snap: remember the sysfs totals of the GPU's path; aer_delta BDF SEV
# prints the growth since.  The module counts from its load, the kernel
# from boot.
aer_snap() {
	for _b in $GPU $DN $UP $RP; do
		for _s in correctable nonfatal fatal; do
			echo "$_b $_s $(aer_total $_b $_s)"
		done
	done >/tmp/aer.snap
}
aer_delta() {
	_b0=$(awk -v b="$1" -v s="$2" '$1 == b && $2 == s { print $3 }' /tmp/aer.snap)
	echo $(($(aer_total "$1" "$2") - ${_b0:-0}))
}

# aer_settle BDF SEVERITY: wait until the sysfs total holds still for 1 s
# (the kernel handles AER messages in a thread); prints it.
aer_settle() {
	_p=-1 _same=0 _t=60
	while [ $_t -gt 0 ]; do
		_c=$(aer_total "$1" "$2")
		if [ "$_c" = "$_p" ]; then
			_same=$((_same + 1))
			[ $_same -ge 4 ] && break
		else
			_same=0
		fi
		_p=$_c
		sleep 0.25
		_t=$((_t - 1))
	done
	echo "$_c"
}

# aer_inject.ko is loaded only while in use: once it has injected under a
# root port it fakes that port's AER registers until it is unloaded, so
# the errors QEMU injects there would not be seen.
aer_inject_on() {
	grep -q '^aer_inject ' /proc/modules || insmod /lib/modules/aer_inject.ko
	wait_for 5 test -c /dev/aer_inject
}
aer_inject_off() {
	! grep -q '^aer_inject ' /proc/modules || rmmod aer_inject
}
# inject_cor BDF N: N correctable errors (Receiver Error) at BDF; waits
# until the kernel has handled them and unloads aer_inject.
inject_cor() {
	aer_inject_on || return 1
	aer-inject -n "$2" -d 2000 -c 0x1 "$1" >/dev/null || { aer_inject_off; return 1; }
	aer_settle "$1" correctable >/dev/null
	aer_inject_off
}

# ---- module and daemon ----
# tz_set C: the temperature of the guest's ACPI thermal zone ("acpitz",
# tests/vm/thermal-zone.asl), in degrees Celsius 0-255: CMOS RAM byte
# 0x78, which its _TMP method reads.  tz_path: its sysfs folder.
tz_set() {
	printf '\170' | dd of=/dev/port bs=1 seek=112 count=1 conv=notrunc 2>/dev/null &&
	printf "\\$(printf %o "$1")" |
		dd of=/dev/port bs=1 seek=113 count=1 conv=notrunc 2>/dev/null
}
tz_path() { grep -l '^acpitz$' /sys/class/thermal/thermal_zone*/type 2>/dev/null | head -n 1 | xargs -r dirname; }

# need gpumon.ko|TOOL...: fail one test for each thing missing from the
# guest (the module, or a static helper built from tests/vm/TOOL.c) and
# return 1, for "need ... || { scenario_end; exit 0; }".
need() {
	_ok=0
	for _n in "$@"; do
		if [ "$_n" = gpumon.ko ]; then
			[ -f "$KO" ] && continue
			fail "gpumon.ko is in the guest" "the module did not build"
		else
			command -v "$_n" >/dev/null && continue
			fail "$_n is in the guest" "tests/vm/$_n.c did not build"
		fi
		_ok=1
	done
	return $_ok
}
# gpumond_kill_all: stop every gpumond, by pid (one an earlier scenario
# started under check, in a subshell, is not in the pid file).
gpumond_kill_all() {
	for _p in $(pidof gpumond); do kill "$_p"; done
	wait_for 10 sh -c '! pidof gpumond'
}

mod_loaded() { grep -q '^gpumon ' /proc/modules; }
mod_load() { insmod $KO match=$MATCH "$@"; }
mod_unload() { ! mod_loaded || rmmod gpumon; }

gpumond_start() {
	gpumond_stop
	mkdir -p /etc/gpumon /run/gpumon
	[ -f $CONF ] || printf '[alerts]\ncorrectable_interval_s = 5\n' >$CONF
	gpumond -F -c $CONF >>/tmp/gpumond.log 2>&1 &
	GPUMOND_PID=$!
	echo $GPUMOND_PID >/tmp/gpumond.pid
	wait_for 30 gpumon status --json
}
# gpumond_start often runs under check, in a subshell: the pid file, not
# the variable, is what the other helpers can rely on.
gpumond_stop() {
	[ -n "${GPUMOND_PID:-}" ] || GPUMOND_PID=$(cat /tmp/gpumond.pid 2>/dev/null)
	rm -f /tmp/gpumond.pid
	[ -n "${GPUMOND_PID:-}" ] || return 0
	kill "$GPUMOND_PID" 2>/dev/null
	_t=50
	while kill -0 "$GPUMOND_PID" 2>/dev/null && [ $_t -gt 0 ]; do
		sleep 0.1
		_t=$((_t - 1))
	done
	kill -9 "$GPUMOND_PID" 2>/dev/null
	GPUMOND_PID=
}
# gpumond_alive: the daemon gpumond_start started still runs.
gpumond_alive() { kill -0 "$(cat /tmp/gpumond.pid 2>/dev/null)" 2>/dev/null; }
# status JQ-FILTER: query gpumon status --json.
status() { gpumon status --json | jq -r "$1"; }
# dev JQ-EXPR BDF: one field of one watched device.
dev() { status ".devices[] | select(.bdf == \"$2\") | $1"; }

# syslog_has TOKEN...: a gpumond line in /var/log/messages with every token.
syslog_has() {
	awk -v toks="$*" '
	BEGIN { n = split(toks, t, " ") }
	/gpumond/ { for (i = 1; i <= n; i++) if (index($0, t[i]) == 0) next; found = 1 }
	END { exit !found }' /var/log/messages
}
# syslog_sum TOKEN...: sum of count=N over gpumond lines with every token.
syslog_sum() {
	awk -v toks="$*" '
	BEGIN { n = split(toks, t, " "); s = 0 }
	/gpumond/ {
		for (i = 1; i <= n; i++) if (index($0, t[i]) == 0) next
		if (match($0, /count=[0-9]+/)) s += substr($0, RSTART + 6, RLENGTH - 6)
	}
	END { print s }' /var/log/messages
}

# ---- scenario frame ----
# Every scenario starts with a clean kernel log and ends with rmmod and a
# scan of the kernel log for WARNING:, BUG: and Call Trace.
scenario_begin() {
	dmesg -c >>/tmp/dmesg.log 2>/dev/null
	# syslogd appends (O_APPEND), so the log can be emptied under it.
	cat /var/log/messages >>/tmp/messages.all 2>/dev/null
	: >/var/log/messages
	diag "---- $SCEN ----"
}
scenario_end() {
	gpumond_stop
	if mod_loaded; then
		check "rmmod gpumon" rmmod gpumon
	fi
	dmesg -c >/tmp/dmesg.scen
	cat /tmp/dmesg.scen >>/tmp/dmesg.log
	if grep -E 'WARNING:|BUG:|Call Trace' /tmp/dmesg.scen >/tmp/dmesg.bad; then
		fail "kernel log clean (no WARNING:, BUG:, Call Trace)" \
			"$(head -n 40 /tmp/dmesg.bad)"
	else
		pass "kernel log clean (no WARNING:, BUG:, Call Trace)"
	fi
	if [ -s /tmp/gpumond.log ] && [ "$(cat /tmp/tap.failed 2>/dev/null | wc -l)" != "${_fails0:-0}" ]; then
		diag "gpumond log:"
		diag "$(tail -n 30 /tmp/gpumond.log)"
	fi
	: >/tmp/gpumond.log
}

run_scenarios() {
	echo 0 >/tmp/tap.n
	: >/tmp/tap.failed
	dmesg >/tmp/dmesg.boot
	if grep -qE 'WARNING:|BUG:|Call Trace' /tmp/dmesg.boot; then
		diag "boot log has warnings:"
		diag "$(grep -E -A5 'WARNING:|BUG:|Call Trace' /tmp/dmesg.boot | head -n 30)"
	fi
	for s in /tests/scenarios/*.sh; do
		case ${s##*/} in
		*${VMT_ONLY}*) ;;
		*) continue ;;
		esac
		SCEN=${s##*/}
		SCEN=${SCEN%.sh}
		_fails0=$(wc -l </tmp/tap.failed)
		( . "$s" )
		echo "scenario $SCEN done (rc $?)"
		# A scenario that died must not leave state to the next one.
		[ -f /tmp/gpumond.pid ] && kill "$(cat /tmp/gpumond.pid)" 2>/dev/null
		rm -f /tmp/gpumond.pid
		mod_unload 2>/dev/null
	done
	n=$(cat /tmp/tap.n)
	echo "1..$n" >&7
	f=$(wc -l </tmp/tap.failed)
	echo "STATUS $f" >&7
	echo "STATUS $f"
}
