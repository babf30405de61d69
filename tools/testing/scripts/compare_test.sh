#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# velox-ctl compare on the host, no VM: fixtures/result-spin.json and
# result-sleep.json are what `velox-ctl run -d 1 --warmup 300ms --repeat 3
# --interval 0.25 --rate 20k --backoff spin|sleep --save FILE` wrote in the
# 6.1 guest.  The table, the noise marker, every --fail-if kind, and the
# files and expressions that must be refused (exit 2, one line).  KTAP,
# "N passed, N failed".
set -uo pipefail

case "${1:-}" in
-h | --help)
	echo "usage: tools/testing/scripts/compare_test.sh"
	exit 0 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/scripts/ktap.sh"
ctl=$top/tools/velox-ctl/velox-ctl
spin=$here/fixtures/result-spin.json
sleep=$here/fixtures/result-sleep.json

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ktap_plan 14
make -s -C "$top/tools/velox-ctl" >"$tmp/make" 2>&1 ||
	ktap_diag "make velox-ctl: $(cat "$tmp/make")"

# cmp_run ARGS...: compare's exit status in $rc, stdout in $tmp/out, stderr
# in $tmp/err.
cmp_run() {
	"$ctl" compare "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# expect NAME WANT_RC CHECK: compare exited WANT_RC and CHECK (a command
# line) holds.
expect() {
	local name=$1 want=$2
	shift 2
	if [ "$rc" = "$want" ] && eval "$*"; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "exit $rc (expected $want), check: $*
stdout: $(head -n 30 "$tmp/out")
stderr: $(cat "$tmp/err")"
	fi
}

# A row's change column: the last field, or "+0.0% *" when marked.
row() {
	awk -v s="$1" -v r="$2" '
		/^[a-z0-9]+$/ { stage = $1; next }
		stage == s && $1 == r { print; exit }
	' "$tmp/out"
}

# The same file twice: nothing changed, nothing marked.
cmp_run "$spin" "$spin"
expect file_against_itself_shows_no_change 0 \
	'[ "$(grep -cE "^  [a-z0-9]+ .* \+0\.0%$" "$tmp/out")" -ge 31 ] &&
	 [ -z "$(grep -E "^  [a-z0-9]+ " "$tmp/out" | grep -v "+0.0%")" ] &&
	 ! grep -q " \*" "$tmp/out" && [ ! -s "$tmp/err" ]'

# Spin against sleep: the config line, and sleep's p50 (about 2.8 times
# spin's in every run) marked as beyond the noise.
cmp_run "$spin" "$sleep"
expect spin_against_sleep_names_the_config_change 0 \
	'grep -q "^config of .*result-sleep.json: backoff spin -> sleep$" "$tmp/out"'
expect p50_change_is_marked_beyond_noise 0 \
	'row e2e p50 | grep -q "+[0-9.]*% \*$"'
# spin's p99.9 ranges 725us-1.65ms over its runs, sleep's 1.25-6.46ms.
expect overlapping_ranges_are_not_marked 0 \
	'row e2e p999 | grep -q "+[0-9.]*%$"'

# One run per file (a run is a line: the first kept): no range, no marker.
first_run_only() {
	awk '/^\{"run":/ { if (!seen++) { sub(/,$/, ""); print } next } { print }' "$1"
}
first_run_only "$spin" >"$tmp/one-spin.json"
first_run_only "$sleep" >"$tmp/one-sleep.json"
cmp_run "$tmp/one-spin.json" "$tmp/one-sleep.json"
expect one_run_each_marks_nothing 0 \
	'! grep -q "% \*" "$tmp/out" && grep -q "^one run in each file" "$tmp/out" &&
	 grep -q "1 run of" "$tmp/out"'

# Gates: a relative rise that holds, one that does not, absolute bounds.
cmp_run "$spin" "$sleep" --fail-if 'e2e.p50>+10%' --fail-if 'dropped>0'
expect relative_gate_that_holds_exits_1_naming_it 1 \
	'[ "$(wc -l <"$tmp/err")" = 1 ] &&
	 grep -q "^velox-ctl: compare: --fail-if .e2e.p50>+10%. holds for .*result-sleep.json: e2e.p50 is .*, +[0-9.]*% from .* in .*result-spin.json$" "$tmp/err"'
cmp_run "$spin" "$sleep" --fail-if 'dropped>0' --fail-if 'throughput<-5%' \
	--fail-if 'e2e.p50>1ms' --fail-if 'e2e.p50>=+200%'
expect gates_that_do_not_hold_exit_0 0 '[ ! -s "$tmp/err" ]'
cmp_run "$spin" "$sleep" --fail-if 'e2e.p50>100us'
expect absolute_latency_gate_exits_1 1 \
	'grep -q "^velox-ctl: compare: --fail-if .e2e.p50>100us. holds for .*result-sleep.json: e2e.p50 is [0-9.]*us$" "$tmp/err"'
cmp_run "$spin" "$sleep" --fail-if 'delivered<=100000'
expect absolute_count_gate_exits_1 1 '[ "$(wc -l <"$tmp/err")" = 1 ]'

# --stage: only the stages asked for.
cmp_run --stage e2e "$spin" "$sleep"
expect stage_option_shows_only_that_stage 0 \
	'grep -q "^e2e$" "$tmp/out" && ! grep -q "^match$" "$tmp/out"'

# Refused: each exits 2 with one line on stderr, before any table.
bad_exprs=('e2e.p99' 'e2e.p99>' 'nope>1' 'e2e.p99>10%' 'e2e.p99>abc'
	   'dropped>1ms' 'e2e.p98>1ms' 'e2e.p99=1ms' 'e2e.p99>+x%')
n=0
for e in "${bad_exprs[@]}"; do
	cmp_run "$spin" "$sleep" --fail-if "$e"
	if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
	   grep -q "^velox-ctl: --fail-if: " "$tmp/err" && [ ! -s "$tmp/out" ]; then
		n=$((n + 1))
	else
		ktap_diag "--fail-if '$e': exit $rc, stderr: $(cat "$tmp/err")"
	fi
done
rc=$n
expect bad_expressions_exit_2_with_one_line "${#bad_exprs[@]}" true

sed 's/"version":1,/"version":2,/' "$spin" >"$tmp/v2.json"
echo 'not json' >"$tmp/text.json"
sed 's/"schema":"velox-result"/"schema":"other"/' "$spin" >"$tmp/other.json"
# A count its buckets no longer add up to.
sed '0,/^{"run":/s/"match":{"count":\([0-9]*\)/"match":{"count":1\1/' "$spin" >"$tmp/sum.json"
n=0
for f in /nonexistent/run.json "$tmp/v2.json" "$tmp/text.json" \
	 "$tmp/other.json" "$tmp/sum.json"; do
	cmp_run "$spin" "$f"
	if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
	   grep -q "^velox-ctl: $f: " "$tmp/err" && [ ! -s "$tmp/out" ]; then
		n=$((n + 1))
	else
		ktap_diag "$f: exit $rc, stderr: $(cat "$tmp/err")"
	fi
done
rc=$n
expect unreadable_files_exit_2_naming_them 5 true
grep -q "schema version 2; this velox-ctl reads version 1" <(
	"$ctl" compare "$spin" "$tmp/v2.json" 2>&1)
rc=$?
expect wrong_version_is_named 0 true

cmp_run "$spin"
expect one_file_is_a_usage_error 2 \
	'grep -q "^velox-ctl: compare: needs a base file" "$tmp/err"'

ktap_finish
