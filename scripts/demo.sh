#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the VM, load velox.ko, show what the pipeline costs at
# 10k, 100k and 1M transactions/s (CPU from /proc/stat, the whole guest),
# run it at 100k/s for a few seconds with live progress, then show the
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
# Busy and total jiffies of all CPUs, from the first line of /proc/stat.
jiffies() {
	read -r _ user nice sys idle iowait irq softirq steal _ < /proc/stat
	echo $((user + nice + sys + irq + softirq + steal)) \
	     $((user + nice + sys + idle + iowait + irq + softirq + steal))
}
ncpu=$(grep -c "^cpu[0-9]" /proc/stat)
echo "# insmod /velox.ko"
insmod /velox.ko
echo "# CPU the guest spent per second of a 2 s run, by rate (default policy)"
for rate in 10k 100k 1M; do
	set -- $(jiffies)
	velox-ctl run --duration 2 --rate $rate --quiet | grep "^run [0-9]*:"
	set -- "$@" $(jiffies)
	busy=$(($3 - $1)) total=$(($4 - $2))
	echo "  $rate/s: $((ncpu * busy * 100 / total)) % of a CPU ($busy of $total jiffies busy on $ncpu CPUs)"
done
echo
echo "# velox-ctl run --duration 4 --rate 100k"
velox-ctl run --duration 4 --rate 100k
echo
echo "# cat /sys/kernel/debug/velox/histogram"
cat /sys/kernel/debug/velox/histogram
echo
echo "# rmmod velox"
rmmod velox
'
