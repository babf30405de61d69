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
. "$top/scripts/ktap.sh"

echo "KTAP version 1"
echo "1..$((1 + 2 * ${#kernels[@]}))"

"$top/tools/testing/vm/kernel-log-check_test.sh" >"$tmp/detector.out" 2>&1
ktap_subtest kernel_log_check $? "$tmp/detector.out"

for k in "${kernels[@]}"; do
	log=$tmp/console-$k.log
	"$top/scripts/vm.sh" --kernel "$k" --timeout "$timeout" --log "$log" \
		--no-check -- /selftests/velox/run.sh >"$tmp/guest.out" 2>&1
	ktap_subtest "selftests_$k" $? "$tmp/guest.out"

	if "$top/scripts/kernel-log-check.sh" "$log" >"$tmp/kcheck.out" 2>&1; then
		ktap_ok "kernel_log_clean_$k"
		rc=0
	else
		ktap_fail "kernel_log_clean_$k" "$(cat "$tmp/kcheck.out")"
		rc=1
	fi

	if [ $rc != 0 ] || grep -q 'not ok' "$tmp/guest.out" || ! [ -s "$log" ]; then
		echo "# guest dmesg ($k):"
		sed -n '/^@@VELOX-DMESG-BEGIN/,/^@@VELOX-DMESG-END/p' "$log" 2>/dev/null |
			sed 's/^/# /'
	fi
done

ktap_finish
