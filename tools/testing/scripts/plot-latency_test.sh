#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/plot-latency.sh on the host, no VM: fixtures/e2e.hgrm is what
# `velox-ctl hist --stage e2e --hgrm` prints, fixtures/result-*.json what
# `velox-ctl run --save` wrote (compare_test.sh says how); the other inputs
# are made here.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/scripts/ktap.sh"

plot=$top/scripts/plot-latency.sh
fixture=$here/fixtures/e2e.hgrm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run ARGS...: plot-latency.sh's exit status in $rc, its stderr in $tmp/err.
run() {
	"$plot" "$@" >/dev/null 2>"$tmp/err"
	rc=$?
}

# The 8 bytes every PNG starts with, as hex.
png_sig() {
	head -c 8 "$1" | od -An -tx1 | tr -d ' \n'
}

# "WxH" from the IHDR chunk, which a PNG must have first: its type at
# bytes 12-15, then width and height as 32-bit big-endian numbers.
png_size() {
	[ "$(head -c 16 "$1" | tail -c 4)" = IHDR ] || return 1
	od -An -tu1 -j16 -N8 "$1" |
		awk '{ printf "%dx%d", (($1 * 256 + $2) * 256 + $3) * 256 + $4,
				       (($5 * 256 + $6) * 256 + $7) * 256 + $8 }'
}

# expect_bad NAME FILE: the script must exit 1 with one stderr line naming FILE.
expect_bad() {
	run -o "$tmp/bad.png" "$2"
	if [ "$rc" = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
	   grep -qF "plot-latency.sh: $2: " "$tmp/err" && [ ! -e "$tmp/bad.png" ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "want exit 1 and one line naming $2, got exit $rc:" \
			"$(cat "$tmp/err")"
	fi
}

sig=89504e470d0a1a0a

ktap_plan 11
make -s -C "$top/tools/velox-ctl" >"$tmp/make" 2>&1 ||
	ktap_diag "make velox-ctl: $(cat "$tmp/make")"
spin=$here/fixtures/result-spin.json
sleep=$here/fixtures/result-sleep.json

# 1. The fixture plots into a real PNG, in a directory that did not exist.
run -o "$tmp/new/one.png" --title e2e "$fixture"
if [ "$rc" = 0 ] && [ -s "$tmp/new/one.png" ] &&
   [ "$(png_sig "$tmp/new/one.png")" = $sig ]; then
	ktap_ok png_written
else
	ktap_fail png_written "want exit 0 and a PNG, got exit $rc," \
		"signature '$(png_sig "$tmp/new/one.png" 2>/dev/null)':" \
		"$(cat "$tmp/err")"
fi

# 2. The image is the size asked for, not gnuplot's default.
run -o "$tmp/sized.png" --size 640x400 "$fixture"
got=$(png_size "$tmp/sized.png" 2>/dev/null)
if [ "$rc" = 0 ] && [ "$got" = 640x400 ]; then
	ktap_ok png_size
else
	ktap_fail png_size "want 640x400, got exit $rc, size '$got':" \
		"$(cat "$tmp/err")"
fi

# 3. Two inputs, the second a slower copy of the first: a PNG unlike the
# one whose second input is the first again, with the same labels and
# size, so the second line was drawn from the second file's data.
awk '$1 ~ /^[0-9.]+$/ { $1 = sprintf("%12.3f", $1 * 1.5) } 1' \
	"$fixture" >"$tmp/slow.hgrm"
run -o "$tmp/a.png" --size 640x400 -l fast -l slow "$fixture" "$fixture"
run -o "$tmp/ab.png" --size 640x400 -l fast -l slow "$fixture" "$tmp/slow.hgrm"
if [ "$rc" = 0 ] && [ "$(png_sig "$tmp/ab.png")" = $sig ] &&
   ! cmp -s "$tmp/a.png" "$tmp/ab.png"; then
	ktap_ok two_inputs
else
	ktap_fail two_inputs "want exit 0 and a PNG unlike the same-input" \
		"plot, got exit $rc:" "$(cat "$tmp/err")"
fi

# 4. A 100% row spelling 1/(1-p) "inf", as HdrHistogram_c prints it.
sed 's/^\( *[0-9.]* 1\.0* *[0-9]*\)$/\1            inf/' \
	"$fixture" >"$tmp/inf.hgrm"
run -o "$tmp/inf.png" "$tmp/inf.hgrm"
if ! grep -q ' inf$' "$tmp/inf.hgrm"; then
	ktap_fail inf_row "the fixture has no 100% row to rewrite"
elif [ "$rc" = 0 ] && [ "$(png_sig "$tmp/inf.png")" = $sig ]; then
	ktap_ok inf_row
else
	ktap_fail inf_row "want exit 0 and a PNG, got exit $rc:" \
		"$(cat "$tmp/err")"
fi

# 5, 6. Inputs without a single percentile row.
: >"$tmp/empty.hgrm"
expect_bad empty_input "$tmp/empty.hgrm"
printf 'Value Percentile\nnot a histogram\n\x89PNG\x00\x01\n#[Mean = 1]\n' \
	>"$tmp/garbage.hgrm"
expect_bad garbage_input "$tmp/garbage.hgrm"

# 7. No arguments is a usage error.
run
if [ "$rc" = 2 ]; then
	ktap_ok no_arguments
else
	ktap_fail no_arguments "want exit 2, got $rc"
fi

# 8. A saved result plots as the .hgrm velox-ctl makes of it: the same
# PNG, byte for byte, under the same label.
"$top/tools/velox-ctl/velox-ctl" hist --from "$spin" --stage e2e --hgrm \
	>"$tmp/spin.hgrm"
run -o "$tmp/json.png" --size 640x400 -l spin "$spin"
run -o "$tmp/hgrm.png" --size 640x400 -l spin "$tmp/spin.hgrm"
if [ "$rc" = 0 ] && [ "$(png_sig "$tmp/json.png")" = $sig ] &&
   cmp -s "$tmp/json.png" "$tmp/hgrm.png"; then
	ktap_ok saved_result_plots_as_its_hgrm
else
	ktap_fail saved_result_plots_as_its_hgrm "want two equal PNGs, got" \
		"exit $rc:" "$(cat "$tmp/err")"
fi

# 9. Before and after on one chart, and over time in a second PNG, whose
# lines come from the second file's steps (unlike spin against itself).
run -o "$tmp/ab.png" -T "$tmp/t-ss.png" --size 640x400 -l a -l b "$spin" "$spin"
run -o "$tmp/ab.png" -T "$tmp/t-ab.png" --size 640x400 -l a -l b "$spin" "$sleep"
if [ "$rc" = 0 ] && [ "$(png_sig "$tmp/t-ab.png")" = $sig ] &&
   [ "$(png_size "$tmp/t-ab.png")" = 640x400 ] &&
   ! cmp -s "$tmp/t-ss.png" "$tmp/t-ab.png"; then
	ktap_ok over_time_png_of_two_results
else
	ktap_fail over_time_png_of_two_results "want exit 0 and a PNG" \
		"unlike spin's against itself, got exit $rc:" "$(cat "$tmp/err")"
fi

# 10. Over time needs a saved result among the inputs: refused before
# either PNG is written.
run -o "$tmp/h.png" -T "$tmp/t.png" "$fixture"
if [ "$rc" = 2 ] && grep -q -- "--over-time needs a FILE.json input" "$tmp/err" &&
   [ ! -e "$tmp/h.png" ]; then
	ktap_ok over_time_without_a_result
else
	ktap_fail over_time_without_a_result "want exit 2, got $rc:" "$(cat "$tmp/err")"
fi

# 11. A result saved without --interval steps cannot be plotted over time.
sed 's/"intervals":\[[^]]*\]/"intervals":[]/g' "$spin" >"$tmp/nosteps.json"
run -o "$tmp/n.png" -T "$tmp/tn.png" "$tmp/nosteps.json"
if [ "$rc" = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
   grep -qF "plot-latency.sh: $tmp/nosteps.json: no --interval steps saved" "$tmp/err" &&
   [ ! -e "$tmp/tn.png" ]; then
	ktap_ok result_without_steps
else
	ktap_fail result_without_steps "want exit 1 naming the file, got" \
		"exit $rc:" "$(cat "$tmp/err")"
fi

ktap_finish
