#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks: velox.ko with W=1 and sparse against the 6.1 and the 6.12
# headers and sid's newest (generic and PREEMPT_RT, built in the sid root
# with its compiler and sparse), checkpatch --strict, kernel-doc over the module and the uapi,
# and the userspace tools and the selftests with -Werror.  Prints KTAP and
# "N passed, N failed".
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

# kernel-doc -none over every .c and .h of module/ and uapi/, with the
# checks "make htmldocs" leaves out (-Wall; 6.1's kernel-doc has no
# -Wall, its -v turns on the same checks and adds "info:" lines).  Prints
# what it found; fails on any finding, or if kernel-doc itself failed.
kernel_doc() {
	local ksrc kdoc wall files out
	ksrc=$("$top/scripts/ksrc.sh") || return 1
	kdoc=$ksrc/scripts/kernel-doc
	wall=-v
	grep -q -- '-Wall' "$kdoc" && wall=-Wall
	mapfile -t files < <(cd "$top" && find module uapi -name '*.[ch]' | sort)
	out=$(cd "$top" && "$kdoc" -none "$wall" "${files[@]}" 2>&1) || {
		echo "$out"
		return 1
	}
	out=$(grep -v -E '(^|: )info: ' <<<"$out" || true)
	[ -z "$out" ] || {
		echo "$out"
		return 1
	}
}

ktap_plan 10
check module_w1_sparse_6.1 "$top/scripts/kbuild.sh" --kernel 6.1 --check
check module_w1_sparse_6.12 "$top/scripts/kbuild.sh" --kernel 6.12 --check
check module_w1_sparse_latest "$top/scripts/kbuild.sh" --kernel latest --check
check module_w1_sparse_latest-rt "$top/scripts/kbuild.sh" --kernel latest-rt --check
check checkpatch_strict "$top/scripts/checkpatch.sh"
check kernel_doc kernel_doc
check userspace_werror make -s -B -C "$top" tools
# Not among "make tools": built on the kernel source's kselftest_harness.h.
check selftests_werror make -s -B -C "$top/tools/testing/selftests/velox"
check torture_werror make -s -B -C "$top/tools/testing/torture"
# The benchmark is no test, but it must keep building.
check bench_builds make -s -B -C "$top/tools/bench"
ktap_finish
