#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# bpf-vm.sh - per-event cost of the eBPF programs and the ring buffer's
# throughput, measured inside the QEMU guests (the build machines' own
# kernel has no ras:aer_event and no kprobes) by the VM scenario
# tests/vm/scenarios/21-bpf-bench.sh.
#
#   bench/bpf-vm.sh [-k KVER]...     (after make user bpf, as root)
#
# Prints the scenario's "bench:" lines: for each kernel, the AER
# program's and the Xid kprobe's ns per event from the kernel's BPF
# statistics (kernel.bpf_stats_enabled=1), and the records offered to,
# delivered through and dropped from the ring buffer by a dd storm.
# Times are under TCG emulation: compare them with each other.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top/tests/vm/run" -s 21-bpf-bench "$@" >"$out" 2>&1
rc=$?
sed -n 's/^#.*bench: //p' "$out" | sort -u
grep -E '^not ok' "$out"
tail -n 1 "$out"
exit $rc
