#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs every Velox selftest in the guest as one KTAP stream, each test a
# subtest, and ends with the total "N passed, N failed" over all cases.
#
# Tests named *_test.sh manage the module themselves; *_test programs run
# with velox.ko loaded.
cd "$(dirname "$0")" || exit 1
KO=${VELOX_KO:-/velox.ko}

tests=
for t in *_test.sh *_test; do
	[ -x "$t" ] && tests="$tests $t"
done
set -- $tests

echo "KTAP version 1"
echo "1..$#"
nr=0
passed=0
failed=0
for t in "$@"; do
	nr=$((nr + 1))
	case $t in
	*.sh) ./"$t" > /tmp/ktap.out 2>&1 ;;
	*)
		if insmod "$KO"; then
			./"$t" > /tmp/ktap.out 2>&1
			rc=$?
			rmmod velox || rc=1
			(exit $rc)
		else
			echo "not ok 1 insmod" > /tmp/ktap.out
			false
		fi ;;
	esac
	rc=$?
	sed 's/^/  /' /tmp/ktap.out
	p=$(grep -c '^ok ' /tmp/ktap.out)
	f=$(grep -c '^not ok ' /tmp/ktap.out)
	passed=$((passed + p))
	failed=$((failed + f))
	if [ $rc = 0 ] && [ "$f" = 0 ] && [ "$p" -gt 0 ]; then
		echo "ok $nr ${t%.sh}"
	else
		# A crash or a silent exit counts as a failed case too.
		[ "$f" = 0 ] && failed=$((failed + 1))
		echo "not ok $nr ${t%.sh}"
	fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
