#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Read a guest console log (as vm.sh saves it) and fail, naming the lines,
# if the kernel reported a problem: Oops, BUG, WARNING, soft lockup, hung
# task, RCU stall, KASAN/UBSAN/KCSAN report, panic, or a taint other than
# out-of-tree (O) and unsigned module (E); with --test-module, KUnit's
# test-module taint (N) too.
set -euo pipefail

allowed=$(((1 << 12) | (1 << 13)))
if [ "${1:-}" = --test-module ]; then
	allowed=$((allowed | (1 << 18)))
	shift
fi
if [ $# != 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	echo "usage: scripts/kernel-log-check.sh [--test-module] CONSOLE_LOG" >&2
	[ $# = 1 ] && exit 0
	exit 2
fi
log=$1

bad='Oops|BUG:|kernel BUG at|WARNING:|Call Trace:|soft lockup|hung_task|blocked for more than|rcu.*(stall|self-detected)|KASAN:|UBSAN:|KCSAN:|general protection fault|Kernel panic|list_(add|del) corruption|refcount_t:|segfault at'
status=0
hits=$(grep -E -n "$bad" "$log" | head -n 20 || true)
if [ -n "$hits" ]; then
	echo "kernel-log-check: the guest kernel reported a problem:"
	echo "$hits"
	status=1
fi

# TAINT_OOT_MODULE (bit 12) and TAINT_UNSIGNED_MODULE (bit 13) are expected,
# TAINT_TEST (bit 18) once a KUnit test module loaded.
taint=$(sed -n 's/^@@VELOX-TAINT \([0-9]*\).*/\1/p' "$log" | tail -n 1)
if [ -z "$taint" ]; then
	echo "kernel-log-check: no taint line in $log (the guest did not finish)"
	status=1
elif [ $((taint & ~allowed)) != 0 ]; then
	echo "kernel-log-check: kernel tainted: $taint (only $allowed is expected)"
	status=1
fi
exit $status
