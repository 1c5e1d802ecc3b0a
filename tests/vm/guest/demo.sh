# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# demo.sh - the demo node of `make run` (vmt.mode=demo): gpumon.ko and
# gpumond running, a short fault scenario, and the console.  With a
# terminal on the host (vmt.tty=1) the live `gpumon top` runs on the
# console until q while the faults are played in the background; without
# one, batch snapshots are printed after each step.  Sourced by /init,
# which powers off afterwards.

# Kernel lines would scribble over the console.
echo 1 >/proc/sys/kernel/printk
export TERM=$VMT_TERM

say() { echo "demo: $*"; }

demo_step() {
	case $1 in
	nonfatal)
		say "step: uncorrectable non-fatal Completion Timeout (0x4000) at the GPU $GPU, through the QEMU monitor"
		host_aer gpu0 0x4000 >/dev/null
		aer_settle $GPU nonfatal >/dev/null ;;
	correctable)
		say "step: 25 correctable Receiver Errors at the GPU $GPU, through aer_inject"
		inject_cor $GPU 25 ;;
	xid)
		say "step: NVRM Xid 79 (GPU has fallen off the bus) for the GPU, through the module's debugfs"
		printf "NVRM: Xid (PCI:%s): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.\n" \
			"${GPU%.*}" >/sys/kernel/debug/gpumon/kmsg ;;
	fatal)
		say "step: uncorrectable fatal Data Link Protocol error (0x10) at the root port $RP, through the QEMU monitor"
		host_aer rp1 0x10 >/dev/null
		aer_settle $RP fatal >/dev/null ;;
	hot)
		say "step: the ACPI thermal zone heats to 93 C, past its active (60 C) and hot (90 C) trip points"
		tz_set 93
		sleep 2 ;;
	esac
}
STEPS="nonfatal correctable xid fatal hot"

tz_set 42
if ! insmod $KO match=$MATCH; then
	say "cannot load gpumon.ko; gpumond runs without it"
fi
mkdir -p /etc/gpumon /run/gpumon
printf '[alerts]\ncorrectable_interval_s = 5\n' >$CONF
gpumond -F -c $CONF >/tmp/gpumond.log 2>&1 &
GPUMOND_PID=$!
if ! wait_for 30 gpumon status --json; then
	say "gpumond did not start:"
	cat /tmp/gpumond.log
fi

if [ "$VMT_TTY" = 1 ]; then
	(
		sleep 4
		for s in $STEPS; do
			demo_step $s
			sleep 4
		done
	) >/tmp/demo.log 2>&1 &
	player=$!
	stty -F /dev/ttyS0 rows "$VMT_ROWS" cols "$VMT_COLS" sane 2>/dev/null
	setsid -c sh -c 'exec gpumon top' </dev/ttyS0 >/dev/ttyS0 2>&1
	kill $player 2>/dev/null
	clear
else
	say "gpumon demo node: $(uname -r), GPU stand-in $GPU behind $DN, $UP, $RP"
	gpumon top -b -n 1
	for s in $STEPS; do
		echo
		demo_step $s
		sleep 2
		gpumon top -b -n 1
	done
	echo
	say "syslog alerts:"
	grep gpumond /var/log/messages | grep -v 'kind=source\|kind=daemon'
fi
gpumond_stop
mod_unload
say "powering off"
