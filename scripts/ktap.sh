# SPDX-License-Identifier: GPL-2.0
# KTAP (Documentation/dev-tools/ktap.rst) for shell tests and harnesses,
# in POSIX sh so the guest's busybox runs it too.  Source it, print the
# plan with ktap_plan, then one result per case (ktap_ok, ktap_fail) or per
# child test (ktap_subtest), and ktap_finish last.  The host's harnesses
# source it from here; scripts/vm.sh puts it on the guest's PATH, where
# the guest-side tests source it with ". ktap.sh".

KTAP_NR=0	# results printed at this level
KTAP_PASSED=0	# cases passed, nested ones included
KTAP_FAILED=0	# cases failed, nested ones included

ktap_plan() {
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

ktap_ok() {
	KTAP_NR=$((KTAP_NR + 1))
	KTAP_PASSED=$((KTAP_PASSED + 1))
	echo "ok $KTAP_NR $1"
}

# ktap_fail NAME WHY...: the case failed; WHY says what was expected.
ktap_fail() {
	_name=$1
	shift
	KTAP_NR=$((KTAP_NR + 1))
	KTAP_FAILED=$((KTAP_FAILED + 1))
	ktap_diag "$_name: $*"
	echo "not ok $KTAP_NR $_name"
}

# ktap_subtest NAME STATUS FILE: print FILE, a child's KTAP, indented as
# subtest NAME, and add its cases to the totals.  The child's closing
# "N passed, N failed" line gives its count of nested cases; a kselftest
# program's (kselftest_harness.h) "# Totals: pass:N fail:N xfail:N
# xpass:N skip:N error:N" line gives it otherwise; without either, its
# top-level results count, checked against its plan if it printed one.
# A skip counts as a failure, with a
# diagnostic: the harnesses run where every case can run, so a case that
# skips is broken.  A child that exited non-zero without a failed case
# counts one failure: a crash is not a pass.
ktap_subtest() {
	_total=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$3" | tail -n 1)
	_kself=$(grep '^# Totals: pass:' "$3" | tail -n 1)
	grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$3" | sed 's/^/  /'
	if [ -n "$_total" ]; then
		_p=${_total%% *}
		_f=${_total#*, }
		_f=${_f%% *}
	elif [ -n "$_kself" ]; then
		# "#" "Totals" pass N fail N xfail N xpass N skip N error N
		_p=$(echo "$_kself" | awk -F '[: ]+' '{ print $4 + $8 }')
		_f=$(echo "$_kself" | awk -F '[: ]+' '{ print $6 + $10 + $12 + $14 }')
		_s=$(echo "$_kself" | awk -F '[: ]+' '{ print $12 }')
		[ "$_s" = 0 ] ||
			ktap_diag "$1: $_s skipped, counted as failed: a case that cannot run here is broken"
		if grep -q '^# Planned tests != run tests' "$3"; then
			ktap_diag "$1: ran a different number of cases than it planned"
			_f=$((_f + 1))
		fi
	else
		_p=$(grep '^ok ' "$3" | grep -vc '# SKIP')
		_s=$(grep '^ok ' "$3" | grep -c '# SKIP')
		_f=$(($(grep -c '^not ok ' "$3") + _s))
		[ "$_s" = 0 ] ||
			ktap_diag "$1: $_s skipped, counted as failed: a case that cannot run here is broken"
		_plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$3" | head -n 1)
		if [ -n "$_plan" ] && [ "$_plan" != $((_p + _f)) ]; then
			ktap_diag "$1: planned $_plan cases, $((_p + _f)) reported"
			_f=$((_f + 1))
		fi
	fi
	KTAP_NR=$((KTAP_NR + 1))
	KTAP_PASSED=$((KTAP_PASSED + _p))
	KTAP_FAILED=$((KTAP_FAILED + _f))
	if [ "$2" = 0 ] && [ "$_f" = 0 ] && [ "$_p" -gt 0 ]; then
		echo "ok $KTAP_NR $1"
	else
		[ "$_f" = 0 ] && KTAP_FAILED=$((KTAP_FAILED + 1))
		echo "not ok $KTAP_NR $1"
	fi
}

# The closing line; returns non-zero if anything failed.
ktap_finish() {
	echo "$KTAP_PASSED passed, $KTAP_FAILED failed"
	[ "$KTAP_FAILED" = 0 ]
}
