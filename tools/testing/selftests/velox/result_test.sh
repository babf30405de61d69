#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Saved runs through the real module: run --repeat 3 --warmup --interval
# --save writes a file that reads back against its schema, with each run
# conserved over the whole run and its measured part inside it
# (result_check); compare of a file with itself changes nothing; a
# --fail-if that is breached exits 1 naming it; a bad expression, a
# missing file or another schema version exits 2 in one line; a --save
# that cannot be written fails without leaving the pipeline running; the
# doctor line comes unless --quiet.  No timing is asserted: rates are
# compared where the pacing sets them (20k/s against 5k/s).
. ktap.sh	# scripts/ktap.sh, on the guest's PATH (vm.sh)
PATH=$(cd "$(dirname "$0")" && pwd):$PATH
. status.sh

KO=${VELOX_KO:-/velox.ko}
T=/tmp/result_test
mkdir -p $T

ktap_plan 10

# check NAME CONDITION-EXIT-STATUS WHY
check() {
	if [ "$2" = 0 ]; then ktap_ok "$1"; else ktap_fail "$1" "$3"; fi
}

insmod "$KO" || ktap_diag "insmod failed"

# 1-2: three runs with a warm-up, each interval kept.
velox-ctl run -d 0.6 --warmup 200ms --repeat 3 --interval 0.2 --rate 20k \
	--save $T/fast.json >$T/fast.out 2>$T/fast.err
rc=$?
json_valid schema version tool created machine config doctor duration_s \
	warmup_s interval_s histogram runs summary <$T/fast.json >$T/check 2>&1 &&
	result_check $T/fast.json 3 1 1 >>$T/check 2>&1
check saved_repeats_with_warmup_read_back_conserved $(( rc || $? )) \
	"run exit $rc; $(cat $T/check $T/fast.err)"
n=$(grep -c '^warm-up: the first .* left out; measured' $T/fast.out)
grep -q '^over 3 runs: median (min - max)$' $T/fast.out
check each_run_says_what_its_warmup_left_out $(( n != 3 || $? )) \
	"$n warm-up lines; $(tail -n 12 $T/fast.out)"

# 3: the doctor's line: on stderr without --quiet (the guest's CPUs are
# not isolated: a WARN), not with it.
velox-ctl run -d 0.4 --rate 5k --save $T/slow.json --quiet \
	>$T/slow.out 2>$T/slow.err
rc=$?
grep -q "^velox-ctl: run: doctor warns of [a-z_, ]* on CPUs [0-9,-]*: 'velox-ctl doctor --cpus [0-9,-]*' says how to fix it$" \
	$T/fast.err && [ ! -s $T/slow.err ] && result_check $T/slow.json 1 0 0 \
	>$T/check 2>&1
check doctor_line_unless_quiet $(( rc || $? )) \
	"run exit $rc; with: $(cat $T/fast.err); quiet: $(cat $T/slow.err $T/check)"

# 4: a file against itself.
velox-ctl compare $T/fast.json $T/fast.json >$T/cmp.out 2>$T/cmp.err
rc=$?
changed=$(grep -E '^  [a-z0-9]+ ' $T/cmp.out | grep -cv '+0.0%')
# 3 run rows and 7 per stage that has samples: match, bundle, egress, e2e.
rows=$(grep -cE '^  [a-z0-9]+ .* \+0\.0%$' $T/cmp.out)
check compare_with_itself_shows_no_change $(( rc || changed || rows < 31 || $(wc -c <$T/cmp.err) )) \
	"exit $rc, $changed rows changed: $(cat $T/cmp.out $T/cmp.err)"

# 5: 5k/s against 20k/s: the throughput fell by three quarters.
velox-ctl compare $T/fast.json $T/slow.json --fail-if 'throughput<-50%' \
	--fail-if 'dropped>0' >$T/cmp.out 2>$T/cmp.err
rc=$?
grep -q "^velox-ctl: compare: --fail-if 'throughput<-50%' holds for $T/slow.json: throughput is [0-9]*/s, -[0-9.]*% from [0-9]*/s in $T/fast.json$" \
	$T/cmp.err
check breached_fail_if_exits_1_naming_it $(( rc != 1 || $? || $(wc -l <$T/cmp.err) != 1 )) \
	"exit $rc: $(cat $T/cmp.err)"

# 6-8: what compare cannot read or parse: exit 2, one line.
# bad2 NAME WANT-IN-LINE ARGS...
bad2() {
	name=$1
	want=$2
	shift 2
	velox-ctl compare "$@" >$T/cmp.out 2>$T/cmp.err
	rc=$?
	grep -q -- "$want" $T/cmp.err
	check "$name" $(( rc != 2 || $? || $(wc -l <$T/cmp.err) != 1 || $(wc -c <$T/cmp.out) )) \
		"exit $rc: $(cat $T/cmp.err $T/cmp.out | head -n 5)"
}
bad2 bad_fail_if_expression_exits_2 "^velox-ctl: --fail-if: 'e2e.p99>10%': a change is signed" \
	$T/fast.json $T/slow.json --fail-if 'e2e.p99>10%'
bad2 missing_file_exits_2 "^velox-ctl: $T/none.json: No such file or directory$" \
	$T/fast.json $T/none.json
sed 's/"version":1,/"version":9,/' $T/fast.json >$T/v9.json
bad2 other_schema_version_exits_2 "^velox-ctl: $T/v9.json: schema version 9; this velox-ctl reads version 1$" \
	$T/fast.json $T/v9.json

# 9: --save into a directory that does not exist: refused before any run
# starts (the run number stays), exit 1, one line.
before=$(jnum "$(velox-ctl status --json)" run)
velox-ctl run -d 0.2 --rate 5k --quiet --save /nonexistent/r.json \
	>/dev/null 2>$T/save.err
rc=$?
after=$(jnum "$(velox-ctl status --json)" run)
grep -q '^velox-ctl: --save: /nonexistent/r.json: cannot create a file there: No such file or directory$' \
	$T/save.err
check unwritable_save_fails_before_any_run $(( rc != 1 || $? || $(wc -l <$T/save.err) != 1 || before != after )) \
	"exit $rc, run $before -> $after: $(cat $T/save.err)"

# 10: Ctrl-C in the first of three long runs: it ends that run and the
# repeats, exit 0, the pipeline stopped, and the run so far saved (its
# measured part cut short, 0 steps of 10 s).  The 60 s bound only says
# it ended at all: a run left waiting out its interval would too, later.
velox-ctl run -d 60 --interval 10 --repeat 3 --rate 5k --quiet \
	--save $T/int.json >$T/int.out 2>&1 &
pid=$!
sleep 1.5
kill -INT $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 $pid 2>/dev/null && kill -KILL $pid
wait $pid
rc=$?
state=$(jstr "$(velox-ctl status --json)" state)
[ "$state" = stopped ]
stopped=$?
result_check $T/int.json 1 0 0 >$T/check 2>&1
check ctrl_c_ends_the_repeats_and_saves_the_run_so_far \
	$(( rc || stopped || $? )) "exit $rc, state $state: $(cat $T/check $T/int.out | tail -n 5)"

rmmod velox || ktap_diag "rmmod failed"
rm -rf $T
ktap_finish
