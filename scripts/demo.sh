#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the VM, load velox.ko, run the pipeline at 100k
# transactions/s for a few seconds with live progress, then show the
# latency histograms from debugfs.
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
echo "# velox-ctl run --duration 4 --rate 100k"
velox-ctl run --duration 4 --rate 100k
echo
echo "# cat /sys/kernel/debug/velox/histogram"
cat /sys/kernel/debug/velox/histogram
echo
echo "# rmmod velox"
rmmod velox
'
