#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Plot HdrHistogram percentile distributions (.hgrm, as `velox-ctl hist
# --hgrm` prints them) into one PNG with gnuplot.  See --help.
set -euo pipefail

me='plot-latency.sh'

usage() {
	cat <<'EOF'
NAME
	plot-latency.sh - plot latency percentile distributions into a PNG

SYNOPSIS
	scripts/plot-latency.sh [-o FILE.png] [--title TEXT] [--size WxH]
				[--label NAME]... [--stage STAGE]
				[--over-time FILE.png] FILE.hgrm|FILE.json...

DESCRIPTION
	Reads each FILE.hgrm, an HdrHistogram percentile distribution as
	printed by `velox-ctl hist --hgrm` (or HdrHistogram's
	outputPercentileDistribution()), and draws one line per file:
	latency against percentile, the x axis on a log scale of
	1/(1-percentile) labelled 0%, 90%, 99%, 99.9%, ... as HdrHistogram's
	own plotter shows it, so each tail "nine" gets the same width.

	A FILE.json is a result `velox-ctl run --save` wrote: its runs'
	measured parts, merged, give its line (`velox-ctl hist --from FILE
	--stage STAGE --hgrm`), so before/after files plot on one chart.
	With --over-time, a second PNG shows each such file's p50, p99 and
	p99.9 of every --interval step against time, the runs one after
	another (`velox-ctl hist --from FILE --intervals`).

	Values are plotted in microseconds as they stand: velox-ctl prints
	its nanosecond samples divided by 1000, so an .hgrm from it is in
	µs already.  An .hgrm from another tool must be in µs too.

	Rows are lines of numbers "Value Percentile TotalCount
	1/(1-Percentile)"; the header, blank lines and "#[...]" footer are
	skipped.  The final 100% row (1/(1-p) infinite) has no place on a
	log axis and is left out; the maximum is in the file's footer.

OPTIONS
	-o, --output FILE.png
		Where to write the plot (default out/latency.png, relative
		to the current directory); its directory is created.
	-t, --title TEXT
		Title above the plot (default "Latency by percentile").
	-l, --label NAME
		Legend entry for the next input file, in order: the first
		--label names the first file, and so on.  Files without one
		are named by their file name.
	-s, --size WxH
		Image size in pixels (default 1024x640).
	-S, --stage STAGE
		For FILE.json inputs: the stage to plot (default e2e).
	-T, --over-time FILE.png
		Also plot percentiles over time from the FILE.json inputs'
		--interval steps into FILE.png (at least one such input,
		saved with steps, is needed).
	-h, --help
		Print this help and exit.

	Uses gnuplot's pngcairo terminal where it is built in, else png.
	FILE.json inputs need velox-ctl: $VELOX_CTL, else the one built in
	this tree (tools/velox-ctl/velox-ctl), else velox-ctl on the PATH.

EXIT STATUS
	0 the PNG was written; 1 an input is missing or holds no rows, or
	gnuplot failed (one line on stderr says which); 2 usage error.

EXAMPLES
	velox-ctl hist --stage e2e --hgrm >e2e.hgrm
	scripts/plot-latency.sh -o out/e2e.png --title "e2e, 1M/s" e2e.hgrm

	scripts/plot-latency.sh -o out/ab.png --label before --label after \
		before.hgrm after.hgrm

	velox-ctl run -d 10 --repeat 3 --interval 0.5 --save spin.json
	velox-ctl run -d 10 --repeat 3 --interval 0.5 --backoff sleep \
		--save sleep.json
	scripts/plot-latency.sh -o out/ab.png --over-time out/ab-time.png \
		spin.json sleep.json
EOF
}

die() {
	echo "$me: $1: $2" >&2
	exit 1
}

usage_err() {
	echo "$me: $1 (see $me --help)" >&2
	exit 2
}

# A gnuplot string literal: single quotes, which gnuplot doubles to escape.
gp_str() {
	printf "'%s'" "${1//\'/\'\'}"
}

# gp_png FILE: gnuplot's lines that send a plot to FILE, a PNG of
# $w x $h, with pngcairo where gnuplot has it.
gp_png() {
	cat <<EOF
set encoding utf8
if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
	set terminal pngcairo size $w,$h noenhanced
} else {
	set terminal png size $w,$h noenhanced
}
set output $(gp_str "$1")
EOF
}

output=out/latency.png
title="Latency by percentile"
size=1024x640
stage=e2e
over_time=
labels=()
files=()

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	-o | --output | -t | --title | -l | --label | -s | --size | \
	-S | --stage | -T | --over-time)
		[ $# -ge 2 ] || usage_err "$1 needs an argument"
		case $1 in
		-o | --output) output=$2 ;;
		-t | --title) title=$2 ;;
		-l | --label) labels+=("$2") ;;
		-s | --size) size=$2 ;;
		-S | --stage) stage=$2 ;;
		-T | --over-time) over_time=$2 ;;
		esac
		shift 2
		;;
	--)
		shift
		files+=("$@")
		break
		;;
	-?*)
		usage_err "unknown option $1"
		;;
	*)
		files+=("$1")
		shift
		;;
	esac
done

[ ${#files[@]} -gt 0 ] || usage_err "no input files"
[ ${#labels[@]} -le ${#files[@]} ] ||
	usage_err "${#labels[@]} labels for ${#files[@]} files"
[[ $size =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] ||
	usage_err "--size $size is not WIDTHxHEIGHT"
[ -n "$output" ] || usage_err "--output is empty"
command -v gnuplot >/dev/null ||
	die gnuplot "not found (scripts/deps.sh installs gnuplot-nox)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# velox-ctl, for the saved results: the caller's, this tree's, the PATH's.
ctl=${VELOX_CTL:-}
if [ -z "$ctl" ]; then
	ctl=$(cd "$(dirname -- "$0")/.." && pwd)/tools/velox-ctl/velox-ctl
	[ -x "$ctl" ] || ctl=velox-ctl
fi

# A saved result (velox-ctl run --save) rather than an .hgrm.
is_result() {
	head -c 40 -- "$1" | grep -q '^{"schema":"velox-result"'
}

# Each file's rows as "1/(1-p) value" in $tmp/N.dat, checked before
# gnuplot runs so that a bad input is named rather than plotted empty.
plot=""
results=()
for i in "${!files[@]}"; do
	f=${files[$i]}
	[ -e "$f" ] || die "$f" "no such file"
	if [ -d "$f" ] || [ ! -r "$f" ]; then
		die "$f" "not a readable file"
	fi
	src=$f
	if is_result "$f"; then
		src=$tmp/$i.hgrm
		"$ctl" hist --from "$f" --stage "$stage" --hgrm >"$src" \
			2>"$tmp/err" || die "$f" "$(head -n 1 "$tmp/err")"
		results+=("$i")
	fi
	awk '
		$1 ~ /^[0-9]+(\.[0-9]*)?$/ && $2 ~ /^[0-9]+(\.[0-9]*)?$/ &&
		$2 < 1 { printf "%.6f %s\n", 1 / (1 - $2), $1 }
	' "$src" >"$tmp/$i.dat"
	[ -s "$tmp/$i.dat" ] || die "$f" "no percentile rows (not an .hgrm file?)"
	name=${labels[$i]:-$(basename -- "$f")}
	plot+="${plot:+, }$(gp_str "$tmp/$i.dat") using 1:2 with lines lw 2 title $(gp_str "$name")"
done

[ -z "$over_time" ] || [ ${#results[@]} -gt 0 ] ||
	usage_err "--over-time needs a FILE.json input"
mkdir -p -- "$(dirname -- "$output")" 2>/dev/null ||
	die "$output" "cannot create its directory"
w=${size%x*}
h=${size#*x}

# Explicit x tics are format strings in gnuplot, hence "%%".
# gnuplot opens the output before it plots: a failed run leaves a
# truncated PNG, which must not pass for a plot.
gnuplot <<EOF || { rm -f -- "$output"; die gnuplot "failed to write $output"; }
$(gp_png "$output")
set title $(gp_str "$title")
set logscale x
set xrange [1:*]
set yrange [0:*]
set xtics ("0%%" 1, "90%%" 10, "99%%" 100, "99.9%%" 1e3, "99.99%%" 1e4, \
	   "99.999%%" 1e5, "99.9999%%" 1e6)
set xlabel 'percentile'
set ylabel 'latency (µs)'
set grid
set key top left
set rmargin 6	# room for the last tic label, "99.9999%"
plot $plot
EOF
[ -s "$output" ] || die "$output" "gnuplot wrote nothing"

[ -n "$over_time" ] || exit 0
# Percentiles over time: each result's steps, p50, p99 and p99.9 (columns
# 4, 6 and 7 of `hist --intervals`), a color per file, a dash per
# percentile.
plot=""
for i in ${results[@]+"${results[@]}"}; do
	f=${files[$i]}
	"$ctl" hist --from "$f" --stage "$stage" --intervals >"$tmp/$i.steps" \
		2>"$tmp/err" || die "$f" "$(head -n 1 "$tmp/err")"
	grep -qv '^#' "$tmp/$i.steps" ||
		die "$f" "no --interval steps saved (velox-ctl run --interval)"
	# A step without samples has no percentiles to draw (not 0 us).
	awk '!/^#/ && $3 > 0' "$tmp/$i.steps" >"$tmp/$i.time"
	name=${labels[$i]:-$(basename -- "$f")}
	for col in 4:p50:1 6:p99:2 7:p99.9:3; do
		IFS=: read -r c pct dash <<<"$col"
		plot+="${plot:+, }$(gp_str "$tmp/$i.time") using 2:$c with lines lw 2 lc $((i + 1)) dt $dash title $(gp_str "$name $pct")"
	done
done
mkdir -p -- "$(dirname -- "$over_time")" 2>/dev/null ||
	die "$over_time" "cannot create its directory"
gnuplot <<EOF || { rm -f -- "$over_time"; die gnuplot "failed to write $over_time"; }
$(gp_png "$over_time")
set title $(gp_str "$title, over time")
set xrange [0:*]
set yrange [0:*]
set xlabel 'seconds measured (runs one after another)'
set ylabel 'latency (µs)'
set grid
set key top left
plot $plot
EOF
[ -s "$over_time" ] || die "$over_time" "gnuplot wrote nothing"
