#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the VM, load velox.ko and show what it offers so far.
set -euo pipefail

case "${1:-}" in
-h | --help)
	echo "usage: scripts/demo.sh [--kernel 6.1|6.12]"
	exit 0 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
exec "$top/scripts/vm.sh" "$@" -- sh -c '
set -e
echo "# insmod /velox.ko"
insmod /velox.ko
echo "# ls -l /dev/velox"
ls -l /dev/velox
echo "# velox-ctl info"
velox-ctl info
echo "# cat /sys/kernel/debug/velox/info"
cat /sys/kernel/debug/velox/info
echo "# rmmod velox"
rmmod velox
'
