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
if readelf -S "$ko" 2>/dev/null | grep -q ' \.BTF '; then
	exit 0		# Kbuild found vmlinux and made it
fi
kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h")
# A vmlinux names its release in its banner: one of another kernel would
# give BTF the kernel refuses.
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
pahole -J --btf_base "$base" "$ko"
say "BTF encoded against $base"
