#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the VM's initramfs: busybox, velox.ko, the Velox tools and selftests
# with the shared libraries they need, extra files under /extra/, kernel
# modules to load first, and an /init that mounts the usual file systems
# (and the host's tree, if asked), runs /cmd.sh with its output on the
# second serial port, reports its exit status, taint and dmesg on the
# console, and powers off.
set -euo pipefail

usage() {
	cat <<USAGE
usage: scripts/mkinitramfs.sh --out FILE --ko VELOX_KO --cmd CMD_FILE
                              [--bin FILE]... [--test FILE]... [--add FILE]...
                              [--mod FILE]... [--share-host DIR]

  --out FILE     the gzip'd cpio archive to write
  --ko FILE      velox.ko, installed as /velox.ko
  --cmd FILE     shell script the guest runs as root, installed as /cmd.sh
  --bin FILE     program or script for /usr/bin (with its shared libraries)
  --test FILE    selftest file for /selftests/velox/ (with its libraries)
  --add FILE     any file, copied to /extra/
  --mod FILE     kernel module (.ko, .ko.xz or .ko.zst) that /init loads
                 before CMD, in the order given: dependencies first
  --share-host DIR
                 mount the virtio-9p share tagged "host" read-only at DIR,
                 with proc, sysfs, devtmpfs, debugfs and a tmpfs /tmp
                 mounted inside it, so "chroot DIR PROG" runs the host's
                 programs (QEMU's -virtfs ...,mount_tag=host; the 9p and
                 virtio modules must be loaded with --mod)

A failing --mod or --share-host step fails CMD with status 1; its error
is in CMD's output.
USAGE
}

out='' ko='' cmd='' share=''
bins=() tests=() adds=() mods=()
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=${2:?}; shift 2 ;;
	--ko) ko=${2:?}; shift 2 ;;
	--cmd) cmd=${2:?}; shift 2 ;;
	--bin) bins+=("${2:?}"); shift 2 ;;
	--test) tests+=("${2:?}"); shift 2 ;;
	--add) adds+=("${2:?}"); shift 2 ;;
	--mod) mods+=("${2:?}"); shift 2 ;;
	--share-host) share=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ -z "$out" ] || [ -z "$ko" ] || [ -z "$cmd" ]; then
	usage >&2
	exit 2
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,proc,sys,dev,tmp,extra,selftests/velox,modules}

cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

# Copy an ELF file's shared libraries (and the loader) to the same paths.
copy_libs() {
	local lib
	# ldd fails on scripts and static programs: nothing to copy then.
	for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

cp "$ko" "$root/velox.ko"
cp "$cmd" "$root/cmd.sh"
for f in ${bins[@]+"${bins[@]}"}; do
	cp "$f" "$root/usr/bin/"
	copy_libs "$f"
done
for f in ${tests[@]+"${tests[@]}"}; do
	cp "$f" "$root/selftests/velox/"
	copy_libs "$f"
done
for f in ${adds[@]+"${adds[@]}"}; do
	cp -r "$f" "$root/extra/"
done

# /setup.sh runs before CMD, its output with CMD's: modules are loaded
# from /modules/ in the order given (busybox insmod wants them
# uncompressed), then the host's tree is mounted.
{
	echo "set -e"
	for f in ${mods[@]+"${mods[@]}"}; do
		name=$(basename "$f")
		case $name in
		*.ko.xz) name=${name%.xz}; xz -dc "$f" >"$root/modules/$name" ;;
		*.ko.zst) name=${name%.zst}; zstd -qdc "$f" >"$root/modules/$name" ;;
		*.ko) cp "$f" "$root/modules/$name" ;;
		*) echo "mkinitramfs.sh: --mod $f: not a .ko, .ko.xz or .ko.zst" >&2
		   exit 2 ;;
		esac
		echo "insmod /modules/$name"
	done
	if [ -n "$share" ]; then
		# msize: 9p's default of 8 KiB makes every read a round trip.
		# cache=loose: the guest keeps what it read in its page cache
		# (python's modules, perf's libraries; under TCG python3 then
		# started in 2 s, not 8); the share is read-only and the guest
		# short-lived, so nothing it caches goes stale in a way that
		# matters.
		cat <<SHARE
mkdir -p $share
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose host $share
mount -t proc proc $share/proc
mount -t sysfs sysfs $share/sys
mount -t devtmpfs devtmpfs $share/dev
mount -t debugfs debugfs $share/sys/kernel/debug
mount -t tmpfs tmpfs $share/tmp
SHARE
	fi
} >"$root/setup.sh"

cat >"$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
export PATH=/usr/bin:/bin:/sbin HOME=/tmp
# Flag a task blocked for 30 s: the tests never wait that long on purpose.
echo 30 > /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
cd /
if sh /setup.sh > /dev/ttyS1 2>&1 < /dev/null; then
	sh /cmd.sh > /dev/ttyS1 2>&1 < /dev/null
else
	echo "init: /setup.sh failed: modules or the host share" > /dev/ttyS1
	false
fi
echo "@@VELOX-EXIT $?"
echo "@@VELOX-TAINT $(cat /proc/sys/kernel/tainted)"
echo "@@VELOX-DMESG-BEGIN"
dmesg
echo "@@VELOX-DMESG-END"
poweroff -f
INIT
chmod +x "$root/init" "$root/cmd.sh"

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
