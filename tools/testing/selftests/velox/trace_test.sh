#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# velox-trace against the module: attached for a whole run, its BPF
# histograms hold exactly the module's sampled transactions (the same
# counts and percentiles), its flush and drop counts equal the module's;
# and it fails in one line without the module or root.
. ktap.sh	# scripts/ktap.sh, on the guest's PATH (vm.sh)

KO=${VELOX_KO:-/velox.ko}
T=/tmp/trace_test
mkdir -p $T

ktap_plan 7

check() {
	if [ "$2" = 0 ]; then ktap_ok "$1"; else ktap_fail "$1" "$3"; fi
}

# traced_run OUT TRACE-ARGS -- RUN-ARGS: velox-trace -C -x attached before
# "velox-ctl run RUN-ARGS" starts, until the run stops; its output in OUT.
traced_run() {
	_out=$1
	shift
	_targs=
	while [ "$1" != -- ]; do
		_targs="$_targs $1"
		shift
	done
	shift
	# shellcheck disable=SC2086
	velox-trace -C -x $_targs >"$_out" 2>&1 &
	_pid=$!
	_i=0
	until grep -q '^Tracing velox events' "$_out" || [ $_i = 200 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	velox-ctl run "$@" >"$_out.run" 2>&1 || echo "velox-ctl run failed" >>"$_out"
	# Never wait forever for a velox-trace that missed the stop.
	(sleep 30 && kill "$_pid" 2>/dev/null) &
	_dog=$!
	wait "$_pid"
	_rc=$?
	kill "$_dog" 2>/dev/null
	return $_rc
}

# compare_rows FILE: the compare table's stage rows, "stage source count
# min p50 p90 p99 p99.9 p99.99 max".
compare_rows() {
	grep -E '^(match|bundle|egress|e2e) +(velox-trace|velox\.ko) ' "$1"
}

# 1: no module: one line, exit 1.
out=$(velox-trace 2>&1)
rc=$?
[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] &&
	[ "$out" = "velox-trace: velox: module not loaded (insmod velox.ko)" ]
check no_module_one_line_exit_1 $? "exit $rc, output '$out'"

# 2: usage errors exit 2 and name the option.
out=$(velox-trace --stage nope 2>&1)
rc=$?
out2=$(velox-trace --count 3 2>&1)
rc2=$?
[ $rc = 2 ] && [ $rc2 = 2 ] && echo "$out" | grep -q -- '--stage' &&
	echo "$out2" | grep -q -- '--count'
check usage_errors_exit_2_naming_the_option $? "exit $rc '$out'; exit $rc2 '$out2'"

insmod "$KO" || ktap_diag "insmod failed"

# 3: not root: one line naming the missing privilege, exit 1.
# The initramfs root comes from mktemp -d (0700): let nobody in.
chmod 0755 /
mkdir -p /etc
grep -q "^nobody:" /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/tmp:/bin/sh' >>/etc/passwd
out=$(su -s /bin/sh nobody -c 'velox-trace' 2>&1)
rc=$?
[ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ] &&
	echo "$out" | grep -q '^velox-trace: .*permission denied (needs root'
check non_root_refused_in_one_line $? "exit $rc, output '$out'"

# 4, 5: one traced run, sampling 1 in 4, with a ring small enough to drop.
traced_run $T/one -s all -- --duration 2 --rate 100k --sample 4 --ring 16
rc=$?
rows=$(compare_rows $T/one)
why=$(echo "$rows" | awk -v rc=$rc '
	$2 == "velox-trace" { n[$1] = $3 }
	$2 == "velox.ko" { m[$1] = $3 }
	END {
		if (rc != 0) print "velox-trace exit " rc
		for (s in m) {
			k++
			if (n[s] != m[s] || m[s] == 0)
				print s ": velox-trace " n[s] " != module " m[s]
		}
		if (k != 4) print "expected 4 stages, got " k
	}')
f1=$(grep '^flushes velox-trace' $T/one | cut -c21-)
f2=$(grep '^flushes velox.ko' $T/one | cut -c21-)
d1=$(grep '^dropped velox-trace' $T/one | awk '{ print $3 }')
d2=$(grep '^dropped velox.ko' $T/one | awk '{ print $3 }')
[ -z "$why" ] || ktap_diag "$why"
[ -z "$why" ] && [ -n "$f1" ] && [ "$f1" = "$f2" ] && [ -n "$d1" ] &&
	[ "$d1" = "$d2" ] && [ "$d2" -gt 0 ]
check counts_equal_the_modules_exactly $? \
	"flushes '$f1' vs '$f2', drops '$d1' vs '$d2'; $(cat $T/one)"

# Min, percentiles and max.  Agreeing within a bucket's width is all two
# histograms of one geometry can promise in general; these two hold the
# same values in the same buckets, so anything but equality is a bug (a
# bucket index off by one moves a percentile by exactly one width).
why=$(echo "$rows" | awk '
	$2 == "velox-trace" { for (i = 4; i <= 10; i++) t[$1, i] = $i }
	$2 == "velox.ko" { for (i = 4; i <= 10; i++) m[$1, i] = $i; st[$1] = 1 }
	END {
		for (s in st) for (i = 4; i <= 10; i++)
			if (t[s, i] == "" || t[s, i] != m[s, i])
				print s " column " i ": " t[s, i] " vs " m[s, i]
	}')
[ -n "$rows" ] && [ -z "$why" ]
check percentiles_equal_the_modules $? "${why:-no compare rows}"

# 6: per lane (-L): a histogram for each of two lanes; totals still equal.
traced_run $T/lanes -L -- --duration 2 --rate 50k --lanes 2 --sample 8
rc=$?
why=$(compare_rows $T/lanes | awk -v rc=$rc '
	$2 == "velox-trace" { n[$1] = $3 }
	$2 == "velox.ko" { m[$1] = $3 }
	END {
		if (rc != 0) print "velox-trace exit " rc
		for (s in m) if (n[s] != m[s] || !m[s]) print s ": " n[s] " != " m[s]
	}')
grep -q '^lane 0$' $T/lanes && grep -q '^lane 1$' $T/lanes && [ -z "$why" ]
check per_lane_histograms_for_each_lane $? "$why; $(cat $T/lanes)"

# 7: -i/-c: COUNT timestamped reports while the pipeline runs, then exit 0.
velox-ctl start --rate 20k >/dev/null
velox-trace -i 0.5 -c 3 >$T/interval 2>&1
rc=$?
velox-ctl stop >/dev/null
n=$(grep -c -E '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' $T/interval)
[ $rc = 0 ] && [ "$n" = 3 ] && grep -q '^e2e: count [1-9]' $T/interval
check interval_prints_count_reports $? "exit $rc, $n reports: $(cat $T/interval)"

rmmod velox
ktap_finish
