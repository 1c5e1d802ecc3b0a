#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# kmod-vm.sh - what gpumon.ko costs, measured inside the QEMU guests (the
# build machines' own kernel cannot load modules) by the VM scenario
# tests/vm/scenarios/14-kmod-cost.sh.
#
#   bench/kmod-vm.sh [-k KVER]...     (after make user, as root)
#
# Prints the scenario's "bench:" lines: for each kernel, the cost of one
# link sampling sweep over the watched devices (at 100 ms and 10 ms
# intervals, and the median of single sweeps), and of the AER record
# path (per event, with and without a listener).  The guests get the
# HGX-like PCIe tree of tests/vm/lib/vm.sh (VM_TOPOLOGY=hgx: four more
# root ports, each with a switch, two "GPUs" and two "NICs": 44 watched
# devices with the default path); VM_TOPOLOGY=default for the plain rig.
# Times are under TCG emulation: compare them with each other.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
VM_TOPOLOGY=${VM_TOPOLOGY:-hgx} "$top/tests/vm/run" -s 14-kmod-cost "$@" >"$out" 2>&1
rc=$?
tr -d '\r' <"$out" | sed -n 's/^# bench: //p' | sort -u
grep -E '^not ok' "$out"
tail -n 1 "$out"
exit $rc
