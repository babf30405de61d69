#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian's kernel under QEMU (TCG, 2 CPUs unless --smp) with a busybox initramfs
# holding velox.ko, velox-ctl, velox-trace, the selftests and
# scripts/ktap.sh (on the PATH, for the tests to source), run CMD as root
# in the guest, print its output and exit with its status.  In the guest,
# "insmod /velox.ko" loads the module, debugfs is mounted and each --add
# file is in /extra/.  With --share-host the host's whole tree is mounted
# read-only at /host over virtio-9p, so "chroot /host perf ..." runs the
# host's programs in the guest (as virtme does).
#
# The guest's kernel log is checked afterwards (scripts/kernel-log-check.sh):
# a kernel problem makes vm.sh fail even when CMD succeeded.
set -euo pipefail

usage() {
	cat <<USAGE
usage: scripts/vm.sh [--kernel 6.1|6.12|latest|latest-rt|debug] [--add FILE]...
                     [--timeout S] [--smp N] [--append ARGS] [--log FILE]
                     [--no-check] [--share-host] -- CMD...

  --kernel S   Debian kernel series to boot (default 6.1); "latest" and
               "latest-rt": the newest kernel of Debian's unstable suite
               and its PREEMPT_RT flavour (scripts/latest-kernel.sh sets
               them up once in the cache); or "debug": linux-source-6.1
               with KASAN, lockdep, kmemleak, fault injection and CPU
               hotplug (scripts/debug-kernel.sh, built once into the
               cache); velox.ko is built against the kernel booted
  --add FILE   copy FILE into the guest's /extra/ (repeatable)
  --timeout S  kill the VM after S seconds (default 120)
  --smp N      the guest's CPUs (default 2)
  --append ARGS
               more kernel command line (module.sig_enforce=1, isolcpus=1)
  --log FILE   keep the guest's whole console log, dmesg included, in FILE
  --no-check   do not fail on kernel problems in the guest's log
  --share-host mount the host's / read-only at /host in the guest
               (virtio-9p; the 9p and virtio modules come from the
               kernel image's /lib/modules), with proc, sys, dev,
               debugfs and a writable tmpfs /tmp mounted inside it:
               "chroot /host perf record ..." runs the host's perf

Exit status: CMD's; 1 if the guest kernel reported a problem; 124 if the
guest did not finish in time.
USAGE
}

top=$(cd "$(dirname "$0")/.." && pwd)
series=6.1
timeout=120
smp=2
append=
log=
check=1
share=0
adds=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) series=${2:?}; shift 2 ;;
	--add) adds+=(--add "${2:?}"); shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--append) append=${2:?}; shift 2 ;;
	--log) log=${2:?}; shift 2 ;;
	--no-check) check=0; shift ;;
	--share-host) share=1; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $smp in
'' | 0 | *[!0-9]*) usage >&2; exit 2 ;;
esac
if [ $# = 0 ]; then
	usage >&2
	exit 2
fi

case $series in
debug | latest | latest-rt)
	# The debug kernel has no modules dir; sid's kernel package carries
	# only vmlinuz (its modules are another package, not fetched).
	if [ $share = 1 ]; then
		echo "vm.sh: --share-host needs Debian 12's 6.1 or 6.12 (their 9p modules)" >&2
		exit 2
	fi ;;
esac
if [ "$series" = debug ]; then
	kdir=$("$top/scripts/debug-kernel.sh")
	kver=$(cat "$kdir/include/config/kernel.release")
	vmlinuz=$kdir/arch/x86/boot/bzImage
else
	kver=$("$top/scripts/kver.sh" "$series")
	vmlinuz=${VELOX_CACHE:-/var/cache/velox}/kernels/$kver/boot/vmlinuz-$kver
fi
if [ ! -f "$vmlinuz" ]; then
	echo "vm.sh: $vmlinuz missing (run scripts/deps.sh)" >&2
	exit 1
fi

# mod_with_deps MODDIR NAME: the files of module NAME and of the modules
# it depends on, dependencies first, each once; none for a built-in one.
# (The image is unpacked, not installed: it has no modules.dep.)
mod_seen=
mod_with_deps() {
	local moddir=$1 name=$2 file dep
	case " $mod_seen " in *" $name "*) return 0 ;; esac
	mod_seen="$mod_seen $name"
	file=$(find "$moddir/kernel" \( -name "$name.ko" -o -name "$name.ko.xz" \
		-o -name "$name.ko.zst" \) -print | head -n 1)
	if [ -z "$file" ]; then
		grep -q "/$name\.ko\$" "$moddir/modules.builtin" && return 0
		echo "vm.sh: module $name: not in $moddir, not built in" >&2
		return 1
	fi
	for dep in $(modinfo -F depends "$file" | tr , ' '); do
		mod_with_deps "$moddir" "$dep" || return 1
	done
	echo "$file"
}

shares=() qshare=()
if [ $share = 1 ]; then
	moddir=${vmlinuz%/boot/*}/lib/modules/$kver
	list=$(for m in virtio_pci 9pnet_virtio 9p; do
		mod_with_deps "$moddir" "$m" || exit 1
	done)
	# One path per line, so a cache path with spaces stays whole.
	mapfile -t mods <<<"$list"
	for m in "${mods[@]}"; do
		shares+=(--mod "$m")
	done
	shares+=(--share-host /host)
	qshare=(-virtfs "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap")
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# What goes into the guest is built here: "make" does not build the
# selftests.
sel=$top/tools/testing/selftests/velox
ko=$("$top/scripts/kbuild.sh" --kernel "$series")
make -s -C "$top" tools >&2
make -s -C "$sel" >&2
printf '%q ' "$@" >"$tmp/cmd.sh"
echo >>"$tmp/cmd.sh"

tests=()
# The tests, and the helpers they call (json_valid, legacy_get_config,
# result_check); the tests source scripts/ktap.sh from the PATH.
for t in "$sel"/{*.sh,*_test,json_valid,legacy_get_config,result_check}; do
	[ -x "$t" ] || [ "${t##*.}" = sh ] && tests+=(--test "$t")
done
bins=(--bin "$top/tools/velox-ctl/velox-ctl")
bins+=(--bin "$top/tools/velox-trace/velox-trace")
bins+=(--bin "$top/scripts/ktap.sh")
# util-linux's chrt, which busybox lacks: tail_test runs a worker
# SCHED_FIFO.
bins+=(--bin "$(command -v chrt)")
"$top/scripts/mkinitramfs.sh" --out "$tmp/initrd.gz" --ko "$ko" \
	--cmd "$tmp/cmd.sh" "${bins[@]}" "${tests[@]}" ${adds[@]+"${adds[@]}"} \
	${shares[@]+"${shares[@]}"}

# Two serial ports: the kernel's console (and the exit status, taint and
# dmesg that /init prints there) on ttyS0, CMD's output alone on ttyS1.
#
# tsc=reliable: TCG's TSC comes from the host's clock, the same on every
# vCPU, but on a loaded host the clocksource watchdog can find it off
# against the emulated HPET and mark it unstable.  The kernel then flips
# sched_clock's static key while the other vCPU runs through it, and TCG
# has been seen to take the text poke's int3 as an Oops (6.12, in
# sched_clock_cpu): a guest crash that says nothing about Velox.
#
# One host thread for both vCPUs: text poking (static keys and static
# calls flipped while the other vCPU runs through the site, as switching
# tracepoint probes on and off does) goes wrong under multi-threaded TCG.
# On 6.12 it hit stale code in 4 of 9 boots of tail_test (an int3 Oops at
# a hooked tracepoint's site, right after the probes went off), in 0 of 8
# with one thread.  6.1 did not in 25 boots, but did in 3 of 5 with the
# host loaded (make check's other guests, or two busy loops): unhooking
# call_function_single_entry, text_poke_bp()'s sync IPI kept landing on
# the int3 it had just placed, and the poking CPU waited for it for good
# (soft lockups in velox_halt_work, the guest never finished).  With one
# thread the 6.1 selftests take 94 s instead of 88.  The debug kernel
# (6.1 too) keeps a thread per vCPU: make check-debug boots it with
# nothing beside it, where it has not hung (torture clean on
# 2026-12-03), and how slow one thread makes its 4 vCPUs under KASAN is
# not measured.
accel=tcg,thread=single
[ "$series" = debug ] && accel=tcg
rc=0
timeout --kill-after=5 "$timeout" \
	qemu-system-x86_64 -accel "$accel" -m 1024 -smp "$smp" -nodefaults -no-reboot \
	-display none -bios qboot.rom \
	-kernel "$vmlinuz" -initrd "$tmp/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1 tsc=reliable${append:+ $append}" \
	${qshare[@]+"${qshare[@]}"} \
	-serial "file:$tmp/console.log" -serial "file:$tmp/out.log" \
	</dev/null >"$tmp/qemu.log" 2>&1 || rc=$?

# The guest tty turns \n into \r\n.
tr -d '\r' <"$tmp/out.log"
[ -n "$log" ] && cp "$tmp/console.log" "$log"

if [ $rc = 124 ] || [ $rc = 137 ]; then
	echo "vm.sh: the guest did not finish in ${timeout}s; its console:" >&2
	cat "$tmp/console.log" >&2
	exit 124
fi
status=$(sed -n 's/^@@VELOX-EXIT \([0-9]*\).*/\1/p' "$tmp/console.log" | tail -n 1)
if [ -z "$status" ]; then
	echo "vm.sh: the guest stopped before CMD finished; its console:" >&2
	cat "$tmp/qemu.log" "$tmp/console.log" >&2
	exit 1
fi
if [ $check = 1 ] && ! "$top/scripts/kernel-log-check.sh" "$tmp/console.log" >&2; then
	[ "$status" = 0 ] && status=1
fi
exit "$status"
