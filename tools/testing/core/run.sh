#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the sanitizer builds given as arguments, each a KTAP subtest.  Any
# sanitizer report fails its test: the sanitizers halt with exit code 66.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../selftests/velox/ktap.sh"

export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
export ASAN_OPTIONS="halt_on_error=1 exitcode=66 detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1 exitcode=66 print_stacktrace=1"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
ktap_plan $#
for bin in "$@"; do
	"$bin" >"$out" 2>&1
	ktap_subtest "$(basename "$(dirname "$bin")")/$(basename "$bin")" $? "$out"
done
ktap_finish
