# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# vm.sh - host side of the gpumon QEMU guests, shared by tests/vm/run
# (TAP scenarios) and scripts/run (the demo node of `make run`).
#
#   vm_build_module KVER           build/kmod-KVER/kmod/gpumon.ko (W=1,
#                                  fails on any compiler/kbuild warning)
#   vm_build_initramfs KVER OUT    busybox, modules, gpumon binaries and
#                                  libraries, jq, terminfo, guest scripts
#   vm_args KVER INITRD DIR APPEND CONSOLE
#                                  the QEMU command line (TCG, q35, GPU-like
#                                  PCIe path) in the array VM_ARGS
#   vm_start ...                   the same, booted in the background;
#                                  sets VM_PID
#   vm_serve DIR                   answer the guest's host requests (QMP)
#                                  until QEMU exits
#
# Channels, each a serial port of the guest:
#   ttyS0  console (a file, or the user's terminal for the demo)
#   ttyS1  control: guest writes "REQ <n> hmp <command line>" or
#          "REQ <n> qmp <json>", the host answers "ACK <n> <rc> <text>"
#   ttyS2  results: TAP lines and the final "STATUS <rc>" (a file)
#
# Topology (bus numbers as the guest kernel assigns them):
#   00:01.0 rp1  pcie-root-port x16 16GT/s
#   01:00.0 up1  x3130-upstream
#   02:00.0 dn1  xio3130-downstream
#   03:00.0 gpu0 virtio-net-pci aer=on (1af4:1041, the GPU stand-in)
#   00:02.0 rp2  pcie-root-port
#   04:00.0 rng0 virtio-rng-pci (1af4:1044, must not be matched)
# plus one ACPI thermal zone, "acpitz" (tests/vm/thermal-zone.asl), whose
# temperature the guest sets in CMOS RAM.

VM_TOP=${VM_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
VM_O=${O:-build}
case $VM_O in /*) ;; *) VM_O=$VM_TOP/$VM_O ;; esac
VM_CACHE=${GPUMON_KCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gpumon/kernels}
VM_QEMU=${QEMU:-qemu-system-x86_64}
VM_MEM=${VM_MEM:-512}
# Modules loaded at boot, with their dependencies, in this order.
VM_BASE_MODS="virtio_pci virtio_net virtio_rng aer_inject fan"

vm_log() { printf '%s\n' "$*" >&2; }
vm_die() { vm_log "vm: $*"; exit 1; }

vm_kernels() {
	local d
	for d in "$VM_CACHE"/*/; do
		[ -e "$d/vmlinuz" ] && basename "$d"
	done
}

# vm_lock FILE: hold an exclusive lock on FILE until the shell exits or
# vm_unlock; other engineers' runs in the same checkout wait for it.
vm_lock() {
	exec {VM_LOCK_FD}>"$1"
	if ! flock -n "$VM_LOCK_FD"; then
		vm_log "vm: waiting for another run holding $1"
		flock "$VM_LOCK_FD"
	fi
}
vm_unlock() { exec {VM_LOCK_FD}>&-; }

# vm_build_module KVER: build the module for one guest kernel in its own
# folder (kbuild before 6.13 writes objects into M=).  Quiet unless V=1;
# any line with "warning" fails the build.  Serialized per kernel.
vm_build_module() {
	local rc fd
	mkdir -p "$VM_O"
	exec {fd}>"$VM_O/kmod-$1.lock"
	flock "$fd"
	_vm_build_module "$@"
	rc=$?
	exec {fd}>&-
	return $rc
}
_vm_build_module() {
	local kver=$1 kdir=/usr/src/linux-headers-$1
	local mdir=$VM_O/kmod-$kver log
	[ -d "$kdir" ] || { vm_log "vm: no headers at $kdir"; return 1; }
	[ -f "$VM_TOP/Kbuild" ] && [ -d "$VM_TOP/kmod" ] ||
		{ vm_log "vm: no Kbuild or kmod/ in $VM_TOP"; return 1; }
	mkdir -p "$mdir"
	# Keep objects of unchanged sources: copy only what changed.
	rm -rf "$mdir/include"
	cp -a "$VM_TOP/include" "$mdir/"
	cp -p "$VM_TOP/Kbuild" "$mdir/"
	mkdir -p "$mdir/kmod"
	find "$mdir/kmod" -maxdepth 1 -type f \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) |
	while read -r f; do
		[ -e "$VM_TOP/kmod/${f##*/}" ] || rm -f "$f"
	done
	find "$VM_TOP/kmod" -maxdepth 1 -type f \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) \
		-exec cp -pu {} "$mdir/kmod/" \;
	log=$mdir/build.log
	if ! make -C "$kdir" M="$mdir" W=1 ${V:+V=$V} modules >"$log" 2>&1; then
		cat "$log" >&2
		vm_log "vm: module build failed for $kver"
		return 1
	fi
	[ "${V:-0}" = 1 ] && cat "$log" >&2
	if grep -i 'warning' "$log" >&2; then
		vm_log "vm: module build for $kver printed warnings"
		return 1
	fi
	[ -f "$mdir/kmod/gpumon.ko" ] ||
		{ vm_log "vm: $mdir/kmod/gpumon.ko not built"; return 1; }
}

# Dependency closure of kernel modules, deepest first, from modules.dep
# (made by depmod here: the unpacked packages have none).
_vm_mod_order() {
	local mdir=$1 tmp; shift
	if [ ! -s "$mdir/modules.dep" ]; then
		tmp=$(mktemp -d)
		mkdir -p "$tmp/lib/modules"
		ln -s "$mdir" "$tmp/lib/modules/$(basename "$(dirname "$mdir")")"
		depmod -b "$tmp" "$(basename "$(dirname "$mdir")")" || { rm -rf "$tmp"; return 1; }
		rm -rf "$tmp"
	fi
	awk -v want="$*" '
	function base(p) { sub(/.*\//, "", p); sub(/\.ko(\.xz|\.zst|\.gz)?$/, "", p); gsub(/-/, "_", p); return p }
	function visit(m,   i, n, d) {
		if (m in seen) return
		seen[m] = 1
		n = split(deps[m], d, " ")
		for (i = 1; i <= n; i++) visit(d[i])
		print path[m]
	}
	{
		sub(/:$/, "", $1); m = base($1); path[m] = $1
		for (i = 2; i <= NF; i++) deps[m] = deps[m] " " base($i)
	}
	END {
		n = split(want, w, " ")
		for (i = 1; i <= n; i++) {
			if (!(w[i] in path)) continue	# built in
			visit(w[i])
		}
	}' FS='[: ]+' "$mdir/modules.dep"
}

# Copy a program and the shared libraries it needs into root $1.
_vm_copy_elf() {
	local root=$1 bin=$2 dest=${3:-$2} lib
	mkdir -p "$root$(dirname "$dest")"
	cp -L "$bin" "$root$dest"
	ldd "$bin" 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}' |
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# vm_build_initramfs KVER OUT: a gzip'd cpio for one kernel.
vm_build_initramfs() {
	local kver=$1 out=$2 kc=$VM_CACHE/$1 root m f t
	root=$(dirname "$out")/root-$kver
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,var/log,lib/modules,gpumon,usr/bin,usr/sbin,root}
	cp /bin/busybox "$root/bin/busybox"
	# Base modules (virtio, aer_inject) with their dependencies.
	_vm_mod_order "$kc/modules" $VM_BASE_MODS >"$root/lib/modules/order.tmp" || return 1
	: >"$root/lib/modules/load-order"
	while read -r m; do
		f=${m##*/}
		case $f in
		*.xz) xz -dc "$kc/modules/$m" >"$root/lib/modules/${f%.xz}"; f=${f%.xz} ;;
		*.zst) zstd -qdc "$kc/modules/$m" >"$root/lib/modules/${f%.zst}"; f=${f%.zst} ;;
		*) cp "$kc/modules/$m" "$root/lib/modules/$f" ;;
		esac
		echo "$f" >>"$root/lib/modules/load-order"
	done <"$root/lib/modules/order.tmp"
	rm -f "$root/lib/modules/order.tmp"
	# The module under test, built for this kernel.
	if [ -f "$VM_O/kmod-$kver/kmod/gpumon.ko" ]; then
		cp "$VM_O/kmod-$kver/kmod/gpumon.ko" "$root/gpumon/"
	fi
	# gpumon user space, jq, the AER injection helper.
	for f in gpumond gpumon; do
		[ -x "$VM_O/$f" ] && _vm_copy_elf "$root" "$VM_O/$f" "/usr/bin/$f"
	done
	_vm_copy_elf "$root" "$(command -v jq)" /usr/bin/jq
	cp "$VM_O/vm/aer-inject" "$root/usr/bin/aer-inject"
	# The raw netlink request helper (malformed and unprivileged requests).
	[ -x "$VM_O/vm/nl-test" ] && cp "$VM_O/vm/nl-test" "$root/usr/bin/nl-test"
	# The HTTP client for gpumond's Unix socket (/metrics, /v1/...).
	[ -x "$VM_O/vm/http-get" ] && cp "$VM_O/vm/http-get" "$root/usr/bin/http-get"
	# Terminfo: the common entries plus the host terminal's.
	mkdir -p "$root/usr/share/terminfo"
	cp -a /lib/terminfo/. "$root/usr/share/terminfo/"
	t=${VM_TERM:-${TERM:-}}
	if [ -n "$t" ]; then
		for f in /lib/terminfo /usr/share/terminfo /etc/terminfo; do
			if [ -e "$f/${t:0:1}/$t" ]; then
				mkdir -p "$root/usr/share/terminfo/${t:0:1}"
				cp -L "$f/${t:0:1}/$t" "$root/usr/share/terminfo/${t:0:1}/"
				break
			fi
		done
	fi
	# Guest scripts.
	cp "$VM_TOP/tests/vm/guest/init" "$root/init"
	chmod 755 "$root/init"
	mkdir -p "$root/tests/scenarios"
	cp "$VM_TOP"/tests/vm/guest/*.sh "$root/tests/"
	cp "$VM_TOP"/tests/vm/scenarios/*.sh "$root/tests/scenarios/"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	echo "gpunode-$kver" | tr -c 'a-z0-9\n' - >"$root/etc/hostname"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

# vm_helper_static SRC OUT: build one static guest helper when out of date.
vm_helper_static() {
	[ "$2" -nt "$1" ] && return 0
	${CC:-gcc} -static -O2 -Wall -Wextra -o "$2" "$1"
}

# vm_helpers: the static helpers run in the guest (AER injection, raw
# netlink requests) and the ACPI table of its thermal zone.
vm_helpers() {
	local src=$VM_TOP/tests/vm/aer-inject.c out=$VM_O/vm/aer-inject
	local asl=$VM_TOP/tests/vm/thermal-zone.asl aml=$VM_O/vm/thermal-zone.aml
	mkdir -p "$VM_O/vm"
	if ! [ "$aml" -nt "$asl" ]; then
		iasl -p "${aml%.aml}" "$asl" >"$VM_O/vm/iasl.log" 2>&1 ||
			{ cat "$VM_O/vm/iasl.log" >&2; return 1; }
	fi
	vm_helper_static "$VM_TOP/tests/vm/nl-test.c" "$VM_O/vm/nl-test" || return 1
	vm_helper_static "$VM_TOP/tests/vm/http-get.c" "$VM_O/vm/http-get" || return 1
	[ "$out" -nt "$src" ] && return 0
	${CC:-gcc} -static -O2 -Wall -Wextra -o "$out" "$src"
}

# vm_args KVER INITRD DIR APPEND CONSOLE: the QEMU command line in the
# array VM_ARGS.  CONSOLE is a file, or "stdio" (the user's terminal,
# multiplexed with the QEMU monitor: Ctrl-A x quits, Ctrl-A c monitor).
vm_args() {
	local kver=$1 initrd=$2 dir=$3 append=$4 console=$5
	rm -f "$dir"/qmp.sock "$dir"/ctl.in "$dir"/ctl.out "$dir"/result.tap
	mkfifo "$dir/ctl.in" "$dir/ctl.out"
	: >"$dir/result.tap"
	VM_ARGS=("$VM_QEMU" -machine q35 -accel tcg -m "$VM_MEM" -smp 1
		-nodefaults -no-user-config -display none -no-reboot -net none
		-kernel "$VM_CACHE/$kver/vmlinuz" -initrd "$initrd"
		-append "console=ttyS0 panic=-1 $append")
	if [ "$console" = stdio ]; then
		VM_ARGS+=(-chardev stdio,id=con,mux=on,signal=off
			-serial chardev:con -mon chardev=con,mode=readline)
	else
		VM_ARGS+=(-chardev file,id=con,path="$console" -serial chardev:con)
	fi
	VM_ARGS+=(-chardev pipe,id=ctl,path="$dir/ctl" -serial chardev:ctl
		-chardev file,id=res,path="$dir/result.tap" -serial chardev:res
		-qmp unix:"$dir/qmp.sock",server=on,wait=off
		-device pcie-root-port,id=rp1,bus=pcie.0,addr=0x1,chassis=1,slot=1,x-speed=16,x-width=16
		-device x3130-upstream,id=up1,bus=rp1
		-device xio3130-downstream,id=dn1,bus=up1,chassis=2,slot=1
		-device virtio-net-pci,id=gpu0,bus=dn1,aer=on,disable-legacy=on,romfile=
		-device pcie-root-port,id=rp2,bus=pcie.0,addr=0x2,chassis=3,slot=2
		-device virtio-rng-pci,id=rng0,bus=rp2,disable-legacy=on)
	[ -f "$VM_O/vm/thermal-zone.aml" ] &&
		VM_ARGS+=(-acpitable file="$VM_O/vm/thermal-zone.aml")
	# Opt-in, for bench/kmod-vm.sh: VM_TOPOLOGY=hgx appends an HGX-like
	# tree after the default one (whose addresses do not change): four
	# more root ports (00:10.0-00:13.0), each with a switch whose four
	# downstream ports hold two "GPUs" and two "NICs", all
	# virtio-net-pci 1af4:1041: 40 more watched devices.
	if [ "${VM_TOPOLOGY:-}" = hgx ]; then
		local r p
		for r in 0 1 2 3; do
			VM_ARGS+=(-device pcie-root-port,id=hrp$r,bus=pcie.0,addr=0x1$r,chassis=$((10 + r)),slot=1,x-speed=16,x-width=16
				-device x3130-upstream,id=hup$r,bus=hrp$r)
			for p in 0 1 2 3; do
				VM_ARGS+=(-device xio3130-downstream,id=hdn$r$p,bus=hup$r,chassis=$((20 + r)),slot=$((p + 1))
					-device virtio-net-pci,id=$([ $p -lt 2 ] && echo hgpu || echo hnic)$r$p,bus=hdn$r$p,aer=on,disable-legacy=on,romfile=)
			done
		done
	fi
	return 0
}

# vm_start KVER INITRD DIR APPEND CONSOLE: vm_args, then QEMU in the
# background with its own messages in DIR/qemu.log; sets VM_PID.
vm_start() {
	vm_args "$@"
	"${VM_ARGS[@]}" 2>"$3/qemu.log" &
	VM_PID=$!
}

# One QMP command on the coprocess; prints the reply line.
_vm_qmp() {
	local line
	printf '%s\n' "$1" >&"${QMP[1]}"
	while IFS= read -r -t 30 line <&"${QMP[0]}"; do
		case $line in
		*'"return"'*|*'"error"'*) printf '%s\n' "$line"; return 0 ;;
		esac
	done
	return 1
}

_vm_json_str() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$s"
}

# vm_serve DIR: answer the guest's requests until process VM_PID exits.  Requests
# are only QMP or HMP commands: the guest cannot run anything on the host.
vm_serve() {
	local dir=$1 line n verb arg reply rc text i
	for ((i = 0; i < 100; i++)); do
		[ -S "$dir/qmp.sock" ] && break
		kill -0 "$VM_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	coproc QMP { exec socat - UNIX-CONNECT:"$dir/qmp.sock"; }
	_vm_qmp '{"execute":"qmp_capabilities"}' >/dev/null || return 1
	exec 3<>"$dir/ctl.out" 4<>"$dir/ctl.in"
	while kill -0 "$VM_PID" 2>/dev/null; do
		IFS= read -r -t 1 line <&3 || continue
		line=${line%$'\r'}
		case $line in
		"REQ "*) ;;
		*) continue ;;
		esac
		read -r _ n verb arg <<<"$line"
		case $verb in
		hmp) reply=$(_vm_qmp "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":$(_vm_json_str "$arg")}}") ;;
		qmp) reply=$(_vm_qmp "$arg") ;;
		*) reply='{"error":{"desc":"unknown verb"}}' ;;
		esac
		rc=0
		# HMP errors come back as text in a successful return: the
		# guest judges that text.
		case $reply in
		*'"error"'*|'') rc=1 ;;
		esac
		text=$(printf '%s' "$reply" | tr -d '\r\n' | cut -c1-200)
		[ -n "${VM_SERVE_LOG:-}" ] && printf '%s -> %s\n' "$line" "$text" >>"$VM_SERVE_LOG"
		printf 'ACK %s %s %s\n' "$n" "$rc" "$text" >&4
	done
	exec 3<&- 4>&-
	[ -n "${QMP_PID:-}" ] && kill "$QMP_PID" 2>/dev/null
	return 0
}

# vm_wait PID SECONDS: wait for QEMU, kill it after SECONDS; 124 on timeout.
vm_wait() {
	local pid=$1 t=$2 i
	for ((i = 0; i < t * 5; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid"; return $?; }
		sleep 0.2
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 124
}
