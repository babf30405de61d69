#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# CPU flame graphs of the pipeline: velox.ko's kthreads in the VM, and the
# same stage code on pthreads natively (velox-bench lane).  See --help.
set -euo pipefail

me='profile.sh'

usage() {
	cat <<'EOF'
NAME
	profile.sh - CPU flame graphs of Velox, in the VM and natively

SYNOPSIS
	scripts/profile.sh [--vm-only | --native-only] [--duration S]
			   [--rate R] [--kernel 6.1|6.12] [--freq HZ]
			   [--count N] [--out DIR]

DESCRIPTION
	Samples where the CPUs spend their time with perf's cpu-clock
	event and call graphs, and renders each profile as a flame graph:
	one HTML page, opened in any browser, no server needed (click a
	frame to zoom, type in the search box to highlight a function).

	In the VM (scripts/vm.sh --share-host): boots the guest, loads
	velox.ko, starts the pipeline with `velox-ctl start --rate R`,
	runs the host's perf, chrooted into the host tree the guest sees
	at /host, as `perf record -e cpu-clock -a -g` for S seconds over
	both guest CPUs, then stops the pipeline.  Symbols come from the
	guest's /proc/kallsyms, velox.ko's included, so the stage
	functions (ingress_step, matcher_step, bundler_step, output_step)
	and the engine (velox_worker_fn, velox_lane_run) appear by name.
	The guest is QEMU TCG: absolute costs are emulated ones, and
	clock reads (read_hpet) weigh far more than on hardware.

	Natively: runs `tools/bench/velox-bench -n N -r 1 lane` (whole
	lanes on pthreads, then paced at 1 M/s) under `perf record -e
	cpu-clock --call-graph dwarf`.  DWARF unwinding, not frame
	pointers: velox-bench is built without them, and DWARF also names
	the functions the compiler inlined.

	Rendering is perf's own flamegraph script (scripts/python/
	flamegraph.py under `perf --exec-path`, what `perf script report
	flamegraph` runs) filling d3-flame-graph's HTML template, which
	scripts/deps.sh installs from npm into
	${VELOX_CACHE:-/var/cache/velox}/npm.  Beside each flame graph, a
	.txt file holds `perf report --no-children --sort sym`: the
	functions with the most samples of their own, in percent.

OPTIONS
	--vm-only
		Profile in the VM only.
	--native-only
		Profile natively only (no VM, no module build).
	-d, --duration S
		Seconds perf records in the VM (default 4).  The stages
		are each about 1% of the guest's samples: at the default
		rate and frequency 4 s give each of them tens of samples.
	-r, --rate R
		Rate of the pipeline in the VM, as velox-ctl takes it:
		N, Nk or NM transactions per second (default 200k).
	-k, --kernel 6.1|6.12
		Debian kernel the VM boots (default 6.1).
	-F, --freq HZ
		Samples per second per CPU (default 499).
	-n, --count N
		Transactions per unpaced velox-bench lane run (default
		2000000); the paced run is always 1 s.
	-o, --out DIR
		Where to write (default out/ at the top of the tree); the
		directory is created.
	-h, --help
		Print this help and exit.

FILES
	DIR/velox-vm.html, DIR/velox-vm.txt
		flame graph and top functions of the VM run
	DIR/velox-native.html, DIR/velox-native.txt
		the same of the native run
	The paths written are printed on stdout, one a line.

EXIT STATUS
	0 every flame graph asked for was written; 1 a step failed (a line
	on stderr says which); 2 usage error.

EXAMPLES
	scripts/profile.sh
	scripts/profile.sh --vm-only --kernel 6.12 --duration 10 --rate 1M
	scripts/profile.sh --native-only --count 10000000 --out /tmp/prof
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

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${VELOX_CACHE:-/var/cache/velox}
template=$cache/npm/node_modules/d3-flame-graph/dist/templates/d3-flamegraph-base.html

vm=1
native=1
duration=4
rate=200k
kernel=6.1
freq=499
count=2000000
out=$top/out

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--vm-only) native=0; shift ;;
	--native-only) vm=0; shift ;;
	-d | --duration | -r | --rate | -k | --kernel | -F | --freq | \
	-n | --count | -o | --out)
		[ $# -ge 2 ] || usage_err "$1 needs an argument"
		case $1 in
		-d | --duration) duration=$2 ;;
		-r | --rate) rate=$2 ;;
		-k | --kernel) kernel=$2 ;;
		-F | --freq) freq=$2 ;;
		-n | --count) count=$2 ;;
		-o | --out) out=$2 ;;
		esac
		shift 2
		;;
	*)
		usage_err "unknown argument $1"
		;;
	esac
done

[ $vm = 1 ] || [ $native = 1 ] ||
	usage_err "--vm-only and --native-only exclude each other"
[[ $duration =~ ^[1-9][0-9]*$ ]] ||
	usage_err "--duration $duration is not a whole number of seconds"
[[ $rate =~ ^[1-9][0-9]*[kM]?$ ]] ||
	usage_err "--rate $rate is not N, Nk or NM"
[[ $freq =~ ^[1-9][0-9]*$ ]] || usage_err "--freq $freq is not a number"
[[ $count =~ ^[1-9][0-9]*$ ]] || usage_err "--count $count is not a number"
case $kernel in
6.1 | 6.12) ;;
*) usage_err "--kernel $kernel is not 6.1 or 6.12" ;;
esac
[ -n "$out" ] || usage_err "--out is empty"

command -v perf >/dev/null || die perf "not found (scripts/deps.sh installs linux-perf)"
[ -f "$template" ] ||
	die "$template" "missing (scripts/deps.sh installs d3-flame-graph)"
mkdir -p -- "$out" 2>/dev/null || die "$out" "cannot create it"
out=$(cd -- "$out" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# In the VM: this script runs in the guest's busybox; perf, python (for
# perf's flamegraph script), gzip and base64 are the host's, under
# /host.  /host/tmp is the guest's tmpfs, the one writable place there.
# The results come back on CMD's output, gzip'd and base64'd between
# "@@PROFILE NAME" and "@@PROFILE-END" lines.
vm_profile() {
	cat >"$tmp/guest.sh" <<EOF
set -e
insmod /velox.ko
cp /extra/d3-flamegraph-base.html /host/tmp/
# The host's /lib/modules is not the guest kernel's: perf would walk a
# module tree there over 9p (seconds per run) and take a vmlinux found
# there (6.12's headers ship one) for the guest's.  With it hidden, and
# --kallsyms, every kernel and module symbol comes from the guest itself.
mount -t tmpfs tmpfs /host/lib/modules
velox-ctl start --rate $rate
rc=0
# nice: the pipeline's kthreads must not starve perf of the CPU time it
# needs to start, drain its buffers and stop.
chroot /host nice -n -10 perf record -q -B -N -e cpu-clock -F $freq -a -g \\
	-o /tmp/perf.data -- sleep $duration || rc=\$?
velox-ctl stop
[ \$rc = 0 ]
chroot /host sh -c 'cd /tmp &&
	perf report --kallsyms /proc/kallsyms --stdio --no-children \\
		--sort sym -g none --percent-limit 0.1 >top.txt &&
	perf script --kallsyms /proc/kallsyms \\
		-s "\$(perf --exec-path)/scripts/python/flamegraph.py" -- \\
		-o flamegraph.html --template d3-flamegraph-base.html >/dev/null'
for f in flamegraph.html top.txt; do
	echo "@@PROFILE \$f"
	chroot /host sh -c "gzip -c /tmp/\$f | base64"
	echo "@@PROFILE-END"
done
EOF
	local rc=0
	"$top/scripts/vm.sh" --kernel "$kernel" --share-host \
		--timeout $((duration + 120)) --add "$template" \
		--add "$tmp/guest.sh" -- sh /extra/guest.sh >"$tmp/vm.out" || rc=$?
	# What the guest said besides the results: velox-ctl's summary.
	sed '/^@@PROFILE /,/^@@PROFILE-END$/d' "$tmp/vm.out" | sed 's/^/vm: /' >&2
	[ $rc = 0 ] || die vm.sh "the guest's profile failed (exit $rc)"
	unpack flamegraph.html "$out/velox-vm.html"
	# perf 6.1 names a module's functions from kallsyms as
	# "NAME\0[MODULE]", and its script passes the NUL on: the page would
	# show "ingress_step" and "[velox]" glued by an invisible character.
	sed -i 's/\\u0000\[/ [/g' "$out/velox-vm.html"
	unpack top.txt "$out/velox-vm.txt"
	echo "$out/velox-vm.html"
	echo "$out/velox-vm.txt"
}

# unpack NAME FILE: the guest's result NAME into FILE.
unpack() {
	sed -n "/^@@PROFILE $1\$/,/^@@PROFILE-END\$/{//!p}" "$tmp/vm.out" |
		base64 -d | gunzip >"$2" 2>/dev/null ||
		die "$2" "the guest's $1 did not come back whole"
	[ -s "$2" ] || die "$2" "the guest's $1 is empty"
}

native_profile() {
	make -s -C "$top/tools/bench" >&2 || die velox-bench "build failed"
	mkdir "$tmp/native"
	# perf's flamegraph script reads the header of ./perf.data.
	(
		cd "$tmp/native"
		perf record -q -N -e cpu-clock -F "$freq" --call-graph dwarf \
			-o perf.data -- "$top/tools/bench/velox-bench" \
			-n "$count" -r 1 lane >bench.log 2>&1
	) || { cat "$tmp/native/bench.log" >&2; die velox-bench "failed under perf"; }
	(
		cd "$tmp/native"
		perf report --stdio --no-children --sort sym -g none \
			--percent-limit 0.1 2>/dev/null >"$out/velox-native.txt" &&
		perf script -s "$(perf --exec-path)/scripts/python/flamegraph.py" \
			-- -o "$out/velox-native.html" --template "$template" \
			>/dev/null 2>"$tmp/native/script.err"
	) || { cat "$tmp/native/script.err" >&2; die perf "flame graph failed"; }
	[ -s "$out/velox-native.html" ] || die "$out/velox-native.html" "empty"
	echo "$out/velox-native.html"
	echo "$out/velox-native.txt"
}

[ $vm = 1 ] && vm_profile
[ $native = 1 ] && native_profile
exit 0
