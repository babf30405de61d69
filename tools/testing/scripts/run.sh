#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests: each *_test.sh in DIR (default: this folder, the
# scripts a person runs by hand, plotting and profiling; make check's
# "install" harness names tools/testing/install) is one KTAP subtest;
# the total "N passed, N failed" is over all their cases.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../scripts/ktap.sh"
dir=$(cd "${1:-$here}" && pwd)

tests=("$dir"/*_test.sh)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# One after another: two of them boot a VM, and side by side the
# profile's guest (perf sampling while the pipeline runs) outlived its
# timeout on a cold cache.
ktap_plan ${#tests[@]}
for t in "${tests[@]}"; do
	"$t" >"$out" 2>&1
	ktap_subtest "$(basename "$t" .sh)" $? "$out"
done
ktap_finish
