#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM harness is only as good as its detector of kernel problems: feed
# scripts/kernel-log-check.sh guest console logs and check its verdict.
# logs/clean.log and logs/warning.log were captured from real runs (the
# second with a WARN_ON(1) added to velox_init); the other cases put one
# line, in the kernel's own wording, into the clean log.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
check=$here/../../../scripts/kernel-log-check.sh
clean=$here/logs/clean.log
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$here/../../../scripts/ktap.sh"

# expect_fail NAME LOG NEEDLE: the check must fail and quote NEEDLE.
expect_fail() {
	local out rc
	out=$("$check" "$2" 2>&1)
	rc=$?
	if [ $rc = 1 ] && grep -qF -- "$3" <<<"$out"; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "expected exit 1 naming '$3', got exit $rc: $out"
	fi
}

# inject NAME LINE: the clean log with LINE in the guest's dmesg.
inject() {
	sed "/^@@VELOX-DMESG-END/i [   12.345678] $2" "$clean" >"$tmp/$1.log"
	echo "$tmp/$1.log"
}

cases=(
	"oops|BUG: kernel NULL pointer dereference, address: 0000000000000008"
	"gpf|general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI"
	"soft_lockup|watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [velox-ingress:123]"
	"hung_task|INFO: task velox-ctl:120 blocked for more than 30 seconds."
	"rcu_stall|rcu: INFO: rcu_preempt self-detected stall on CPU"
	"kasan|BUG: KASAN: slab-out-of-bounds in velox_ring_push+0x1d/0x40 [velox]"
	"ubsan|UBSAN: shift-out-of-bounds in module/core/hist.c:42:17"
	"list_corruption|list_del corruption. prev->next should be ffff888003c1e0c8, but was dead000000000100"
)

# expect_pass NAME LOG
expect_pass() {
	local out rc
	out=$("$check" "$2" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "expected exit 0, got $rc: $out"
	fi
}

ktap_plan $((${#cases[@]} + 5))
expect_pass clean_log_passes "$clean"

expect_fail real_warn_on_in_init_fails "$here/logs/warning.log" "WARNING: CPU"

for c in "${cases[@]}"; do
	name=${c%%|*}
	line=${c#*|}
	expect_fail "${name}_fails" "$(inject "$name" "$line")" "$line"
done

sed 's/^@@VELOX-TAINT .*/@@VELOX-TAINT 12289/' "$clean" >"$tmp/taint.log"
expect_fail proprietary_taint_fails "$tmp/taint.log" "tainted: 12289"

sed '/^@@VELOX-TAINT/,$d' "$clean" >"$tmp/unfinished.log"
expect_fail unfinished_guest_fails "$tmp/unfinished.log" "did not finish"

# The allowed taints alone (O and E) must not fail a run.
sed 's/^@@VELOX-TAINT .*/@@VELOX-TAINT 4096/' "$clean" >"$tmp/oot.log"
expect_pass out_of_tree_taint_alone_passes "$tmp/oot.log"

ktap_finish
