#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# velox-ctl without velox.ko: libvelox's duration parser, cause ranking
# and tail/noise printers on spikes made up with known answers
# (tools/testing/libvelox/report_test, kselftest harness), its CPU lists
# (cpuset_test), doctor's checks on machines made of files (doctor_test),
# its JSON reader (json_test) and saved results (result_test), then the
# command lines that must be refused before any device is
# opened: each exits 2 with one line naming the option.  KTAP, "N passed,
# N failed".
set -uo pipefail

case "${1:-}" in
-h | --help)
	echo "usage: tools/testing/scripts/tail_report_test.sh"
	exit 0 ;;
esac

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/ktap.sh"
ctl=$top/tools/velox-ctl/velox-ctl
trace=$top/tools/velox-trace/velox-trace

out=$(mktemp)
trap 'rm -f "$out"' EXIT

ktap_plan 14

if make -s -C "$top/tools/testing/libvelox" >"$out" 2>&1; then
	"$top/tools/testing/libvelox/report_test" >"$out" 2>&1
	ktap_subtest report_test $? "$out"
	"$top/tools/testing/libvelox/cpuset_test" >"$out" 2>&1
	ktap_subtest cpuset_test $? "$out"
	"$top/tools/testing/libvelox/doctor_test" >"$out" 2>&1
	ktap_subtest doctor_test $? "$out"
	"$top/tools/testing/libvelox/json_test" >"$out" 2>&1
	ktap_subtest json_test $? "$out"
	"$top/tools/testing/libvelox/result_test" >"$out" 2>&1
	ktap_subtest result_test $? "$out"
else
	ktap_fail report_test "build failed: $(cat "$out")"
	ktap_fail cpuset_test "build failed"
	ktap_fail doctor_test "build failed"
	ktap_fail json_test "build failed"
	ktap_fail result_test "build failed"
fi
make -s -C "$top" tools >"$out" 2>&1 || ktap_diag "make tools: $(cat "$out")"

# refused NAME WANT CMD...: CMD exits 2 and prints exactly the line WANT.
refused() {
	local name=$1 want=$2 said rc
	shift 2
	said=$("$@" 2>&1)
	rc=$?
	if [ $rc = 2 ] && [ "$said" = "$want" ]; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "expected exit 2 and '$want', got exit $rc and '$said'"
	fi
}

refused cpus_not_a_list_is_refused \
	"velox-ctl: --cpus: '0-' is not a list of CPUs (0-1,3)" \
	"$ctl" start --cpus 0-
refused tail_garbage_is_not_a_duration \
	"velox-ctl: --tail: 'soon' is not a duration (500ns, 200us, 1.5ms, 2s)" \
	"$ctl" start --tail soon
refused tail_without_a_unit_is_refused \
	"velox-ctl: --tail: '200' is not a duration (500ns, 200us, 1.5ms, 2s)" \
	"$ctl" start --tail 200
refused tail_above_a_minute_is_refused \
	"velox-ctl: --tail: '61s': must be at most 60.00s" \
	"$ctl" run --duration 1 --tail 61s
refused stop_above_zero_is_refused \
	"velox-ctl: --stop-above: '0': must be more than 0" \
	"$ctl" run --duration 1 --stop-above 0
refused snapshot_needs_stop_above \
	"velox-ctl: --snapshot: needs --stop-above" \
	"$ctl" run --duration 1 --snapshot
refused tail_top_needs_a_number \
	"velox-ctl: --top: 'all' is not a number of spikes" \
	"$ctl" tail --top all
refused trace_tail_takes_no_histogram_options \
	"velox-trace: --tail: prints spikes, not histograms: no -i, -c, -s, -L or -C with it" \
	"$trace" -T -i 1

# The help names every cause of the JSON contract (DESIGN.md §4).
said=$("$ctl" tail --help 2>&1)
rc=$?
missing=
for c in generator queueing matching bundle_wait output irq softirq nmi preempted; do
	echo "$said" | grep -q -E "(^| )$c(,|$)" || missing="$missing $c"
done
if [ $rc = 0 ] && [ -z "$missing" ]; then
	ktap_ok tail_help_names_every_cause
else
	ktap_fail tail_help_names_every_cause "exit $rc, missing:$missing"
fi
ktap_finish
