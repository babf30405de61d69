#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The newest kernel of Debian's unstable suite (sid), generic or its
# PREEMPT_RT flavour, ready for Velox: a sid root (debootstrap minbase,
# with make) in ${VELOX_CACHE:-/var/cache/velox}/sid-root holding the
# kernel's headers, where velox.ko is built with sid's compiler
# (scripts/kbuild.sh), and the kernel's image unpacked into
# ${VELOX_CACHE}/kernels/<release>/ (scripts/vm.sh boots it).  Prints the
# release.  Which kernel is newest is looked up in sid's package lists
# the first time, then kept (sid-root/.latest-<flavour>) until --update.
set -euo pipefail

usage() {
	cat <<USAGE
usage: scripts/latest-kernel.sh [--rt] [--update]

  --rt      the PREEMPT_RT flavour (linux-headers-<version>-rt-amd64)
  --update  refresh sid's package lists and take its newest kernel (or
            a new revision of the same) now; without it, the release
            found the first time is kept
USAGE
}

flavour=amd64
update=0
while [ $# -gt 0 ]; do
	case $1 in
	--rt) flavour=rt-amd64; shift ;;
	--update) update=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

cache=${VELOX_CACHE:-/var/cache/velox}
root=$cache/sid-root
mkdir -p "$cache"
exec 9>"$root.lock"
flock 9

log=$cache/sid-root.log
fail() {
	tail -n 20 "$log" >&2
	echo "latest-kernel.sh: $* (log: $log)" >&2
	exit 1
}
# in_root CMD...: run CMD in the sid root, with /proc for dpkg's scripts
# mounted in a mount namespace of its own (gone when CMD is).
in_root() {
	unshare --mount --propagation private sh -c \
		'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' \
		"$root" env DEBIAN_FRONTEND=noninteractive \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@" >>"$log" 2>&1
}
# Tools the sid root gets besides the headers: make, and sparse for
# scripts/static.sh's C=1 build (the host's is too old for sid's headers).
# The mirror these machines reach serves sid as of a fixed day, whose
# Release file is past its Valid-Until date: apt must not refuse it.
apt_opts=(-o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root)

if [ ! -f "$root/.ready" ]; then
	: >"$log"
	rm -rf --one-file-system "$root"
	# debootstrap mounts proc and sys in the root itself: in a mount
	# namespace of its own, so that a killed run leaves no mount behind.
	unshare --mount --propagation private \
		debootstrap --variant=minbase sid "$root" http://deb.debian.org/debian \
		>>"$log" 2>&1 || fail "debootstrap sid failed"
	in_root apt-get "${apt_opts[@]}" -qq update || fail "apt-get update failed"
	in_root apt-get "${apt_opts[@]}" -y -qq --no-install-recommends install make sparse ||
		fail "installing make and sparse failed"
	touch "$root/.ready"
fi

record=$root/.latest-$flavour
if [ $update = 1 ] || [ ! -s "$record" ]; then
	[ $update = 1 ] && { in_root apt-get "${apt_opts[@]}" -qq update || fail "apt-get update failed"; }
	# linux-headers-7.2.13+deb14-amd64, -rt-amd64: the flavour exactly
	# (not -cloud-amd64), the newest version.
	{ chroot "$root" apt-cache search --names-only "^linux-headers-[0-9][^ ]*-$flavour\$" |
		awk '{ print $1 }' | sed 's/^linux-headers-//' |
		grep -E -- "^[0-9.]+[^-]*-$flavour\$" || true; } | sort -V | tail -n 1 >"$record.tmp"
	[ -s "$record.tmp" ] || { rm -f "$record.tmp"; fail "no linux-headers-*-$flavour in sid"; }
	mv "$record.tmp" "$record"
fi
rel=$(cat "$record")

# --update also takes a new revision of the same release (7.2.13-2 after
# -1): the headers are upgraded in place.
if [ ! -f "$root/usr/src/linux-headers-$rel/Makefile" ] || [ $update = 1 ]; then
	in_root apt-get "${apt_opts[@]}" -y -qq --no-install-recommends \
		install "linux-headers-$rel" || fail "installing linux-headers-$rel failed"
fi
hdr_version=$(chroot "$root" dpkg-query -W -f '${Version}' "linux-headers-$rel")

# The image: linux-binary-<release> holds the kernel (later sid kernels),
# linux-image-<release> did; vm.sh boots kernels/<release>/boot/vmlinuz-*.
# It must be the headers' revision (both flavours share one -common
# headers package, so installing one can move the other's): the
# revision unpacked is kept in .version and compared.
dest=$cache/kernels/$rel
if [ ! -f "$dest/boot/vmlinuz-$rel" ] ||
	[ "$(cat "$dest/.version" 2>/dev/null)" != "$hdr_version" ]; then
	rm -rf "$root/tmp/image" && mkdir -p "$root/tmp/image"
	for pkg in "linux-binary-$rel" "linux-image-$rel-unsigned" "linux-image-$rel"; do
		in_root sh -c "cd /tmp/image && apt-get ${apt_opts[*]} -qq download $pkg=$hdr_version" &&
			break
	done
	deb=$(find "$root/tmp/image" -name '*.deb' | head -n 1)
	[ -n "$deb" ] || fail "no image package for $rel"
	rm -rf "$dest.tmp"
	mkdir -p "$dest.tmp"
	dpkg -x "$deb" "$dest.tmp"
	img=$(find "$dest.tmp" \( -name "vmlinuz-$rel" -o -path "*/modules/$rel/vmlinuz" \) | head -n 1)
	[ -n "$img" ] || fail "no vmlinuz in $(basename "$deb")"
	mkdir -p "$dest.tmp/boot"
	[ -e "$dest.tmp/boot/vmlinuz-$rel" ] || ln -s "../${img#"$dest.tmp/"}" "$dest.tmp/boot/vmlinuz-$rel"
	echo "$hdr_version" >"$dest.tmp/.version"
	rm -rf "$dest" "$root/tmp/image"
	mv "$dest.tmp" "$dest"
fi
echo "$rel"
