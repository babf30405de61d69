#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Torture velox.ko in a VM: for S seconds, processes at once
# START (valid and invalid configs), STOP, RESET_STATS and query it, read
# the mmap'd stats area and check its invariants on every snapshot, read
# every debugfs file, rmmod/insmod it and take CPUs offline and back
# (tools/testing/torture/).  Then the module is unloaded and, on the debug
# kernel, kmemleak scanned.  A broken invariant, a hang, a leak or any
# kernel problem in the guest's log fails the run.  Prints the seed (the
# same seed replays each process's choices), what was done, and KTAP
# ending in "N passed, N failed".
set -euo pipefail

usage() {
	cat <<USAGE
usage: scripts/torture.sh [--kernel debug|6.1|6.12] [--duration S] [--seed N]
                          [--smp N] [--log FILE]

  --kernel K        the guest's kernel (scripts/vm.sh; default debug:
                    KASAN, lockdep, kmemleak)
  --duration S      seconds of torture (default 60)
  --seed N          seed of the processes' choices (default: from the clock)
  --smp N           the guest's CPUs (default 4: hotplug takes 1-3)
  --log FILE        keep the guest's console log, dmesg included

Exit status: 0 if every case passed, 1 otherwise, 2 on a usage error.
USAGE
}

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=debug
duration=60
seed=$(($(date +%s%N) % 1000000000))
smp=4
log=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=${2:?}; shift 2 ;;
	--duration) duration=${2:?}; shift 2 ;;
	--seed) seed=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--log) log=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for n in "$duration" "$seed" "$smp"; do
	case $n in
	'' | *[!0-9]*) usage >&2; exit 2 ;;
	esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

dir=$top/tools/testing/torture
make -s -C "$dir" >&2

# The guest boots (~10 s, more under load), tortures, waits out a grace
# of 60 s at most, then scans for leaks (slow under TCG with KASAN).
timeout=$((duration + 420))
echo "# torture: seed $seed, $duration s on the $kernel kernel, $smp CPUs" \
	"(replay: scripts/torture.sh --kernel $kernel --duration $duration --seed $seed)"
t0=$(date +%s)
rc=0
"$top/scripts/vm.sh" --kernel "$kernel" --smp "$smp" --timeout "$timeout" \
	--no-check --log "$tmp/console.log" \
	--add "$dir/velox-torture" --add "$dir/torture-guest.sh" \
	-- sh /extra/torture-guest.sh --duration "$duration" --seed "$seed" \
	>"$tmp/guest.out" || rc=$?
echo "# wall time $(($(date +%s) - t0)) s"
if [ -n "$log" ]; then
	cp "$tmp/console.log" "$log"
fi

# ktap.sh is POSIX sh: its greps may find nothing.
set +e +o pipefail
. "$top/scripts/ktap.sh"
ktap_plan 3
ktap_subtest guest "$rc" "$tmp/guest.out"
if [ "$rc" = 124 ]; then
	ktap_fail guest_finished_in_time "expected the guest done within ${timeout} s: a hang"
else
	ktap_ok guest_finished_in_time
fi
if why=$("$top/scripts/kernel-log-check.sh" "$tmp/console.log" 2>&1); then
	ktap_ok guest_kernel_log_clean
else
	ktap_fail guest_kernel_log_clean "$why"
fi
ktap_finish
