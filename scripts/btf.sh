#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Give velox.ko its BTF, so that bpftool and bpftrace see its types
# (/sys/kernel/btf/velox once loaded).  Kbuild does that itself only when
# the headers hold vmlinux, which distribution headers do not; BTF of a
# module is encoded against its kernel's BTF (split BTF), and here that
# base is BTF_BASE, or the running kernel's /sys/kernel/btf/vmlinux when
# KDIR is the running kernel's.  Without one, or without pahole (Debian's
# dwarves), the module stays as Kbuild made it and this says why in one
# line.  Run by "make module" and by DKMS as part of its build command
# (dkms.conf), before DKMS signs the module.
set -euo pipefail

usage() {
	echo "usage: scripts/btf.sh KDIR MODULE.ko [BTF_BASE] [VAR=VALUE]..."
}
case "${1:-}" in
-h | --help) usage; exit 0 ;;
esac
[ $# -ge 2 ] || { usage >&2; exit 2; }
kdir=$1 ko=$2
# BTF_BASE from the command line or the environment (make dkms-install
# passes it through DKMS); VAR=VALUE words DKMS may append to its build
# command (CC=clang) are not ours.
base=${BTF_BASE:-}
case ${3:-} in
*=* | '') ;;
*) base=$3 ;;
esac

say() {
	echo "btf.sh: $(basename "$ko"): $*"
}
grep -qs '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$kdir/include/config/auto.conf" || {
	say "no BTF: the kernel has no module BTF (CONFIG_DEBUG_INFO_BTF_MODULES)"
	exit 0
}
# (Read whole first: grep -q stopping early would fail the pipe.)
sections=$(readelf -S "$ko" 2>/dev/null || true)
if grep -q ' \.BTF ' <<<"$sections"; then
	exit 0		# Kbuild found vmlinux and made it
fi
kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h")
# A vmlinux names its release in its banner: one of another kernel would
# give BTF the kernel refuses.  (A raw BTF file has no banner: it is
# taken only as the running kernel's, below.)
if [ -n "$base" ] && ! grep -aqF "Linux version $kver " "$base"; then
	say "no BTF: $base is not $kver's vmlinux"
	exit 0
fi
if [ -z "$base" ]; then
	if [ "$kver" = "$(uname -r)" ] && [ -r /sys/kernel/btf/vmlinux ]; then
		base=/sys/kernel/btf/vmlinux
	else
		say "no BTF: no vmlinux in the headers, and they are not the running kernel's (BTF_BASE=<its vmlinux> gives one)"
		exit 0
	fi
fi
command -v pahole >/dev/null || {
	say "no BTF: pahole is not installed (apt-get install dwarves)"
	exit 0
}
# As Kbuild runs it (Makefile.modfinal): the kernel's own pahole flags
# where its scripts say them (6.1's pahole-flags.sh), GNU objcopy for
# pahole's section work, and on a copy: BTF is a bonus, so a pahole that
# fails leaves the module as it was and the build goes on.
flags=
[ -x "$kdir/scripts/pahole-flags.sh" ] &&
	flags=$(PAHOLE=pahole "$kdir/scripts/pahole-flags.sh" 2>/dev/null || true)
tmp=$(mktemp "$ko.btf.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp -p "$ko" "$tmp"
# shellcheck disable=SC2086 # the kernel's flags, one word each
if ! LLVM_OBJCOPY=${OBJCOPY:-objcopy} pahole -J $flags --btf_base "$base" "$tmp" \
	>"$tmp.log" 2>&1; then
	say "no BTF: pahole failed: $(head -n 1 "$tmp.log")"
	rm -f "$tmp.log"
	exit 0
fi
rm -f "$tmp.log"
mv "$tmp" "$ko"
say "BTF encoded against $base"
