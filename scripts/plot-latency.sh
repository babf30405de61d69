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
				[--label NAME]... FILE.hgrm...

DESCRIPTION
	Reads each FILE.hgrm, an HdrHistogram percentile distribution as
	printed by `velox-ctl hist --hgrm` (or HdrHistogram's
	outputPercentileDistribution()), and draws one line per file:
	latency against percentile, the x axis on a log scale of
	1/(1-percentile) labelled 0%, 90%, 99%, 99.9%, ... as HdrHistogram's
	own plotter shows it, so each tail "nine" gets the same width.

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
	-h, --help
		Print this help and exit.

	Uses gnuplot's pngcairo terminal where it is built in, else png.

EXIT STATUS
	0 the PNG was written; 1 an input is missing or holds no rows, or
	gnuplot failed (one line on stderr says which); 2 usage error.

EXAMPLES
	velox-ctl hist --stage e2e --hgrm >e2e.hgrm
	scripts/plot-latency.sh -o out/e2e.png --title "e2e, 1M/s" e2e.hgrm

	scripts/plot-latency.sh -o out/ab.png --label before --label after \
		before.hgrm after.hgrm
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

output=out/latency.png
title="Latency by percentile"
size=1024x640
labels=()
files=()

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	-o | --output | -t | --title | -l | --label | -s | --size)
		[ $# -ge 2 ] || usage_err "$1 needs an argument"
		case $1 in
		-o | --output) output=$2 ;;
		-t | --title) title=$2 ;;
		-l | --label) labels+=("$2") ;;
		-s | --size) size=$2 ;;
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

# Each file's rows as "1/(1-p) value" in $tmp/N.dat, checked before
# gnuplot runs so that a bad input is named rather than plotted empty.
plot=""
for i in "${!files[@]}"; do
	f=${files[$i]}
	[ -e "$f" ] || die "$f" "no such file"
	if [ -d "$f" ] || [ ! -r "$f" ]; then
		die "$f" "not a readable file"
	fi
	awk '
		$1 ~ /^[0-9]+(\.[0-9]*)?$/ && $2 ~ /^[0-9]+(\.[0-9]*)?$/ &&
		$2 < 1 { printf "%.6f %s\n", 1 / (1 - $2), $1 }
	' "$f" >"$tmp/$i.dat"
	[ -s "$tmp/$i.dat" ] || die "$f" "no percentile rows (not an .hgrm file?)"
	name=${labels[$i]:-$(basename -- "$f")}
	plot+="${plot:+, }$(gp_str "$tmp/$i.dat") using 1:2 with lines lw 2 title $(gp_str "$name")"
done

mkdir -p -- "$(dirname -- "$output")" 2>/dev/null ||
	die "$output" "cannot create its directory"
w=${size%x*}
h=${size#*x}

# Explicit x tics are format strings in gnuplot, hence "%%".
# gnuplot opens the output before it plots: a failed run leaves a
# truncated PNG, which must not pass for a plot.
gnuplot <<EOF || { rm -f -- "$output"; die gnuplot "failed to write $output"; }
set encoding utf8
if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
	set terminal pngcairo size $w,$h noenhanced
} else {
	set terminal png size $w,$h noenhanced
}
set output $(gp_str "$output")
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
