#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks: velox.ko with W=1 and sparse against the 6.1 and the 6.12
# headers, checkpatch --strict, and the userspace tools and the selftests
# with -Werror.  Prints KTAP and "N passed, N failed".
set -uo pipefail

case "${1:-}" in
-h | --help)
	echo "usage: scripts/static.sh"
	exit 0 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/ktap.sh"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# check NAME CMD...: one case, passing when CMD succeeds; its output is
# shown as diagnostics when it fails.
check() {
	local name=$1
	shift
	if "$@" >"$out" 2>&1; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "$(tail -n 40 "$out")"
	fi
}

ktap_plan 6
check module_w1_sparse_6.1 "$top/scripts/kbuild.sh" --kernel 6.1 --check
check module_w1_sparse_6.12 "$top/scripts/kbuild.sh" --kernel 6.12 --check
check checkpatch_strict "$top/scripts/checkpatch.sh"
check userspace_werror make -s -B -C "$top" tools
# Not among "make tools": built on the kernel source's kselftest_harness.h.
check selftests_werror make -s -B -C "$top/tools/testing/selftests/velox"
# The benchmark is no test, but it must keep building.
check bench_builds make -s -B -C "$top/tools/bench"
ktap_finish
