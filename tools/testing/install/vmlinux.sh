#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vmlinux.sh KERNELRELEASE OUT: the vmlinux of a kernel whose image
# scripts/deps.sh unpacked, out of its vmlinuz (the kernel source's
# scripts/extract-vmlinux), for BTF_BASE: the base the tests encode the
# module's BTF against (distribution headers hold no vmlinux).
set -euo pipefail
[ $# = 2 ] || { echo "usage: vmlinux.sh KERNELRELEASE OUT" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../../.." && pwd)
"$("$top/scripts/ksrc.sh")/scripts/extract-vmlinux" \
	"${VELOX_CACHE:-/var/cache/velox}/kernels/$1/boot/vmlinuz-$1" >"$2"
