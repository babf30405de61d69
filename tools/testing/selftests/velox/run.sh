#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs every Velox selftest in the guest as one KTAP stream, each test a
# subtest, and ends with the total "N passed, N failed" over all cases.
#
# Tests named *_test.sh manage the module themselves; *_test programs
# (kselftest_harness.h) run with velox.ko loaded, and their closing
# "# Totals:" line gives their count, a skip counting as a failure: here,
# as root with the module loaded, every case must run.
cd "$(dirname "$0")" || exit 1
. ktap.sh	# scripts/ktap.sh, on the guest's PATH (vm.sh)
KO=${VELOX_KO:-/velox.ko}

tests=
for t in *_test.sh *_test; do
	[ -x "$t" ] && tests="$tests $t"
done
set -- $tests

ktap_plan $#
for t in "$@"; do
	t0=$(cut -d' ' -f1 /proc/uptime)
	case $t in
	*.sh)
		./"$t" > /tmp/ktap.out 2>&1 ;;
	*)
		if insmod "$KO" 2> /tmp/ktap.out; then
			./"$t" >> /tmp/ktap.out 2>&1
			rc=$?
			rmmod velox 2>> /tmp/ktap.out || rc=1
			(exit $rc)
		else
			false
		fi ;;
	esac
	rc=$?
	# How long each test ran, in the guest's own clock (TCG varies):
	# where the selftests' time goes, never asserted.
	echo "# ${t%.sh} took $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s" >> /tmp/ktap.out
	ktap_subtest "${t%.sh}" $rc /tmp/ktap.out
done
ktap_finish
