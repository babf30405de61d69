#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/profile.sh end to end: one short run in the VM and natively into
# a temporary directory, then each flame graph checked for what a person
# opening it needs: an HTML page with the profile in it, naming the
# pipeline's stage functions.
#
# How long the VM records: in runs of 3-4 s, each stage held 0.4-3% of
# the guest's samples on its own and 1-21% with its callees, output_step
# least (0.9-1.9%, 22-71 samples).  4 s at 499 Hz on 2 CPUs are ~4000
# samples: output_step's frame then expects tens, and a run with none is
# a real fault, not bad luck.  2 s would leave it a handful.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/scripts/ktap.sh"

profile=$top/scripts/profile.sh
stages=(ingress_step matcher_step bundler_step output_step)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ktap_plan 7

# 1. Usage errors exit 2 before anything runs.
rc1=0 rc2=0
"$profile" --vm-only --native-only --out "$tmp/u" >/dev/null 2>&1 || rc1=$?
"$profile" --duration 0 --out "$tmp/u" >/dev/null 2>&1 || rc2=$?
if [ $rc1 = 2 ] && [ $rc2 = 2 ] && [ ! -e "$tmp/u" ]; then
	ktap_ok usage_errors
else
	ktap_fail usage_errors "want exit 2 and nothing written for" \
		"--vm-only --native-only and --duration 0, got $rc1 and $rc2"
fi

# The real run: both profiles in one call.
rc=0
"$profile" --duration 4 --out "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
ktap_diag "profile.sh exited $rc"

# 2. It succeeded and printed the four paths it wrote, in order.
want=$(printf '%s\n' "$tmp"/out/velox-{vm.html,vm.txt,native.html,native.txt})
if [ $rc = 0 ] && [ "$(cat "$tmp/stdout")" = "$want" ]; then
	ktap_ok paths_printed
else
	ktap_fail paths_printed "want exit 0 and the lines:" "$want" \
		"got exit $rc, stdout:" "$(cat "$tmp/stdout")" \
		"stderr:" "$(tail -n 20 "$tmp/stderr")"
fi

# is_flamegraph FILE: why FILE is not a d3-flame-graph page, or nothing.
is_flamegraph() {
	if [ ! -s "$1" ]; then
		echo "$1 is missing or empty"
	elif ! head -n 1 "$1" | grep -qi '^<!DOCTYPE html>'; then
		echo "$1 does not start with <!DOCTYPE html>: $(head -c 60 "$1")"
	elif ! grep -q '</html>' "$1"; then
		echo "$1 has no </html>: cut short?"
	elif ! grep -qF '{"n": "all"' "$1"; then
		echo "$1 has no flame graph data ({\"n\": \"all\" ...)"
	fi
}

# missing_frames FILE FUNC...: the FUNCs FILE has no frame of, by name
# ("ingress_step", or "ingress_step [velox]" for a module's function).
missing_frames() {
	local f=$1 fn miss=
	shift
	for fn in "$@"; do
		grep -qE "\"n\": \"$fn( \[[a-z0-9_]+\])?\"" "$f" || miss+=" $fn"
	done
	echo "${miss# }"
}

# 3-6. Each flame graph is a page with data, naming every stage (and, in
# the VM, the lane's entry point from the engine's thread).
for where in vm native; do
	f=$tmp/out/velox-$where.html
	why=$(is_flamegraph "$f")
	if [ -z "$why" ]; then
		ktap_ok "${where}_flamegraph_html"
	else
		ktap_fail "${where}_flamegraph_html" "want an HTML flame graph: $why"
	fi

	want_fns=("${stages[@]}" velox_lane_run)
	[ $where = vm ] && want_fns+=(velox_worker_fn)
	miss=$(missing_frames "$f" "${want_fns[@]}" 2>/dev/null)
	if [ -s "$f" ] && [ -z "$miss" ]; then
		ktap_ok "${where}_names_stages"
	else
		ktap_fail "${where}_names_stages" "want frames named ${want_fns[*]};" \
			"missing: ${miss:-the file}; frames seen:" \
			"$(grep -o '"n": "[^"]*"' "$f" 2>/dev/null | sort | uniq -c |
			   sort -rn | head -n 12)"
	fi
done

# 7. The top-functions reports hold sample counts and named functions.
miss=
for where in vm native; do
	t=$tmp/out/velox-$where.txt
	grep -q "^# Samples: .* of event 'cpu-clock'" "$t" 2>/dev/null &&
		grep -qE '^ +[0-9.]+%  \[[k.]\] [a-z_]+_step$' "$t" ||
		miss+=" $t"
done
if [ -z "$miss" ]; then
	ktap_ok top_reports
else
	ktap_fail top_reports "want a sample count and a *_step line with" \
		"its percentage in:$miss"
fi

ktap_finish
