#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the scripts a person runs by hand (plotting,
# profiling): each *_test.sh here is one KTAP subtest; the total
# "N passed, N failed" is over all their cases.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../scripts/ktap.sh"

top=$(cd "$here/../../.." && pwd)
tests=("$here"/*_test.sh)
out=$(mktemp -d)
pids=()
trap 'kill ${pids[@]+"${pids[@]}"} 2>/dev/null; rm -rf "$out"' EXIT

# The tests run side by side: two of them boot a VM, whose guest mostly
# waits, so together they take about the time of the longest.  What their vm.sh and profile.sh
# would build is built first, so that none of them builds at once with
# another.
"$top/scripts/kbuild.sh" --kernel 6.1 >/dev/null || exit 1
make -s -C "$top" tools >&2 || exit 1
make -s -C "$top/tools/testing/selftests/velox" >&2 || exit 1
make -s -C "$top/tools/bench" >&2 || exit 1

ktap_plan ${#tests[@]}
for t in "${tests[@]}"; do
	"$t" >"$out/$(basename "$t")" 2>&1 &
	pids+=($!)
done
i=0
for t in "${tests[@]}"; do
	wait "${pids[$i]}"
	ktap_subtest "$(basename "$t" .sh)" $? "$out/$(basename "$t")"
	i=$((i + 1))
done
ktap_finish
