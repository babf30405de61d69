#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the sanitizer builds and fuzz targets given as arguments, each a KTAP
# subtest.  Any sanitizer report fails its test: the sanitizers halt with
# exit code 66.  A fuzz target is one case, run from a fixed seed for a
# fixed number of inputs unless FUZZ_ARGS says otherwise; a crash leaves
# its input in build/fuzz/ for replay.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../scripts/ktap.sh"

export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
export ASAN_OPTIONS="halt_on_error=1 exitcode=66 detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1 exitcode=66 print_stacktrace=1"

out=$(mktemp)
log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
ktap_plan $#
for bin in "$@"; do
	name=$(basename "$(dirname "$bin")")/$(basename "$bin")
	case $name in
	fuzz/*)
		# Inputs per run: enough to reach every branch, about 10 s each.
		case $name in
		*hist) runs=50000 ;;
		*) runs=200000 ;;
		esac
		"$bin" -seed=1 ${FUZZ_ARGS:--runs=$runs} \
			-artifact_prefix="$(dirname "$bin")/" >"$log" 2>&1
		rc=$?
		{
			grep -E '^(Done|#[0-9]+ +DONE)' "$log" | sed 's/^/# /'
			if [ $rc = 0 ]; then
				echo "ok 1 no_invariant_broken"
			else
				tail -n 30 "$log" | sed 's/^/# /'
				echo "not ok 1 no_invariant_broken"
			fi
		} >"$out"
		;;
	*)
		"$bin" >"$out" 2>&1
		rc=$?
		;;
	esac
	ktap_subtest "$name" $rc "$out"
done
ktap_finish
