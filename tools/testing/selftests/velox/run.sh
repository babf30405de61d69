#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs every Velox selftest in the guest as one KTAP stream, each test a
# subtest, and ends with the total "N passed, N failed" over all cases.
#
# Tests named *_test.sh manage the module themselves; *_test programs
# (kselftest_harness.h) run with velox.ko loaded, and their closing
# "# Totals:" line gives their count, a skip counting as a failure: here,
# as root with the module loaded, every case must run.
#
# On a kernel with kmemleak (the debug kernel), each test also fails if
# kmemleak finds an unreferenced object after it, and a last case checks
# once more after the 5 s an object must be unreferenced to show.
cd "$(dirname "$0")" || exit 1
. ktap.sh	# scripts/ktap.sh, on the guest's PATH (vm.sh)
KO=${VELOX_KO:-/velox.ko}

# --debug: this is the debug kernel (scripts/vmtest.sh says so), whose
# checks the debug_* tests need (fault injection); they run there alone.
# --skip T: leave test T out (one that another boot runs).  TEST...:
# only those.
debug=0
skip=
only=
while [ $# -gt 0 ]; do
	case $1 in
	--debug) debug=1; shift ;;
	--skip) skip="$skip $2"; shift 2 ;;
	-*) echo "usage: run.sh [--debug] [--skip TEST]... [TEST...]" >&2; exit 2 ;;
	*) only="$only $1"; shift ;;
	esac
done
tests=
for t in *_test.sh *_test; do
	case $t in debug_*) [ $debug = 1 ] || continue ;; esac
	case " $skip " in *" $t "*) continue ;; esac
	[ -z "$only" ] || case " $only " in *" $t "*) ;; *) continue ;; esac
	[ -x "$t" ] && tests="$tests $t"
done
# A TEST named that is not here (renamed, mistyped) is an error, not a
# shorter run.
for t in $only $skip; do
	[ -x "$t" ] || { echo "run.sh: no selftest $t" >&2; exit 2; }
done
set -- $tests

leakcheck=0
[ -e /sys/kernel/debug/kmemleak ] && leakcheck=1
ktap_plan $(($# + leakcheck))
[ $leakcheck = 1 ] && ./kmemleak.sh clear
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
	if [ $leakcheck = 1 ] && ! ./kmemleak.sh check >> /tmp/ktap.out; then
		echo "# kmemleak found unreferenced objects after ${t%.sh}" >> /tmp/ktap.out
		rc=1
	fi
	# How long each test ran, in the guest's own clock (TCG varies):
	# where the selftests' time goes, never asserted.
	echo "# ${t%.sh} took $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s" >> /tmp/ktap.out
	ktap_subtest "${t%.sh}" $rc /tmp/ktap.out
done
if [ $leakcheck = 1 ]; then
	sleep 5
	if ./kmemleak.sh check > /tmp/ktap.out; then
		ktap_ok kmemleak_after_all
	else
		ktap_fail kmemleak_after_all "$(cat /tmp/ktap.out)"
	fi
fi
ktap_finish
