# SPDX-License-Identifier: GPL-2.0
# KTAP for shell tests (busybox ash): source it, ktap_plan N, then one
# ktap_ok/ktap_fail per case, and ktap_finish last.

KTAP_NR=0
KTAP_FAILED=0

ktap_plan() {
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_diag() {
	echo "# $*"
}

ktap_ok() {
	KTAP_NR=$((KTAP_NR + 1))
	echo "ok $KTAP_NR $1"
}

# ktap_fail NAME WHY...: the case failed; WHY says what was expected.
ktap_fail() {
	name=$1
	shift
	KTAP_NR=$((KTAP_NR + 1))
	KTAP_FAILED=$((KTAP_FAILED + 1))
	ktap_diag "$name: $*"
	echo "not ok $KTAP_NR $name"
}

ktap_finish() {
	echo "# $((KTAP_NR - KTAP_FAILED)) passed, $KTAP_FAILED failed"
	[ "$KTAP_FAILED" = 0 ]
}
