#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM harness: prove the kernel-log detector on captured logs, then for
# each kernel boot the VM (scripts/vm.sh), run the selftests in it, and
# check the guest kernel's log.  Prints KTAP and "N passed, N failed".
set -uo pipefail

usage() {
	cat <<USAGE
usage: scripts/vmtest.sh [--kernel 6.1|6.12]... [--timeout S]

Runs tools/testing/selftests/velox/run.sh in the VM for each kernel
(default: 6.1 and 6.12), with a hard timeout per boot (default 300 s).
On any failure the guest's whole dmesg is printed.
USAGE
}

top=$(cd "$(dirname "$0")/.." && pwd)
kernels=()
timeout=300
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernels+=("${2:?}"); shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ ${#kernels[@]} = 0 ] && kernels=(6.1 6.12)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
nr=0

# subtest NAME STATUS OUTPUT_FILE: fold a KTAP child into the totals.  A
# child's own "N passed, N failed" line counts its nested cases; without
# one, its top-level results count.
subtest() {
	local p f total
	nr=$((nr + 1))
	total=$(grep -E '^(# )?[0-9]+ passed, [0-9]+ failed$' "$3" | tail -n 1)
	grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$3" | sed 's/^/  /'
	if [ -n "$total" ]; then
		total=${total#\# }
		p=${total%% *}
		f=${total#*, }
		f=${f%% *}
	else
		p=$(grep -c '^ok ' "$3")
		f=$(grep -c '^not ok ' "$3")
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$2" = 0 ] && [ "$f" = 0 ] && [ "$p" -gt 0 ]; then
		echo "ok $nr $1"
	else
		[ "$f" = 0 ] && failed=$((failed + 1))
		echo "not ok $nr $1"
	fi
}

echo "KTAP version 1"
echo "1..$((1 + 2 * ${#kernels[@]}))"

"$top/tools/testing/vm/kernel-log-check_test.sh" >"$tmp/detector.out" 2>&1
subtest kernel_log_check $? "$tmp/detector.out"

for k in "${kernels[@]}"; do
	log=$tmp/console-$k.log
	"$top/scripts/vm.sh" --kernel "$k" --timeout "$timeout" --log "$log" \
		--no-check -- /selftests/velox/run.sh >"$tmp/guest.out" 2>&1
	rc=$?
	cp "$tmp/guest.out" "$tmp/guest.ktap"
	subtest "selftests_$k" $rc "$tmp/guest.ktap"

	"$top/scripts/kernel-log-check.sh" "$log" >"$tmp/kcheck.out" 2>&1
	rc=$?
	{
		sed 's/^/# /' "$tmp/kcheck.out"
		if [ $rc = 0 ]; then echo "ok 1 kernel_log_clean"; else echo "not ok 1 kernel_log_clean"; fi
	} >"$tmp/kcheck.ktap"
	subtest "kernel_log_$k" $rc "$tmp/kcheck.ktap"

	if [ $rc != 0 ] || grep -q '^not ok' "$tmp/guest.ktap" || ! [ -s "$log" ]; then
		echo "# guest dmesg ($k):"
		sed -n '/^@@VELOX-DMESG-BEGIN/,/^@@VELOX-DMESG-END/p' "$log" 2>/dev/null |
			sed 's/^/# /'
	fi
done

echo "$passed passed, $failed failed"
[ $failed = 0 ]
