#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM harness: prove the kernel-log detector on captured logs, then for
# each kernel boot the VM (scripts/vm.sh), run the selftests in it, and
# check the guest kernel's log.  Prints KTAP and "N passed, N failed".
set -uo pipefail

usage() {
	cat <<USAGE
usage: scripts/vmtest.sh [--kernel 6.1|6.12|latest|latest-rt|debug]... [--timeout S]

Runs tools/testing/selftests/velox/run.sh in the VM for each kernel
(default: 6.1, 6.12, latest and latest-rt; on sid's two kernels the
smoke subset only: $SMOKE; with 6.1 a second boot with CPU ids 0-71,
two of them online and CPU 1 isolated, for $PARAM_TESTS;
on the debug kernel with its debug_* tests and doctor_test.sh, and a
second boot with 4 CPUs for hotplug_test.sh), the VMs side by side,
with a hard timeout per boot (default 300 s; 4 times that for the
debug kernel's selftests, twice for its hotplug boot).
On any failure the guest's whole dmesg is printed.
USAGE
}

top=$(cd "$(dirname "$0")/.." && pwd)
# On sid's kernels (latest, latest-rt), beside the whole suite on 6.1 and
# 6.12: what shows the module works on a kernel it was not written on
# (load and unload, a run with every stage and its counters, the stop
# paths, the device's ioctls and mmap, the tracepoints through BPF), in
# about 30 s a boot; the rest (tail capture, hotplug, lockup, noise, the
# ioctl fuzzer: 70 s more) would take make check past its budget.
SMOKE="module_test.sh pipeline_test.sh stop_test dev_test trace_test.sh"
# The tests that need the 6.1_cpus72 boot's parameters.  many_cpus_test.sh
# needs CPU ids past 63: 72 possible CPUs, of which maxcpus=2 brings up
# two at boot (the test brings up 64 and 65), so it boots as fast as the
# others, its vCPUs on one host thread (vm.sh).  doctor_test.sh compares
# CPU 1, isolated by isolcpus=, nohz_full= and rcu_nocbs=, with CPU 0;
# rcu_nocbs= alone names CPU 64.  On the debug kernel doctor_test.sh
# checks its debug_kernel finding instead.
PARAM_TESTS="many_cpus_test.sh doctor_test.sh"
PARAMS="maxcpus=2 isolcpus=1 nohz_full=1 rcu_nocbs=1,64"
kernels=()
timeout=300
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernels+=("${2:?}"); shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ ${#kernels[@]} = 0 ] && kernels=(6.1 6.12 latest latest-rt)

tmp=$(mktemp -d)
pids=()
# A harness stopped early stops its VMs too (vm.sh's own timeout would).
trap 'kill ${pids[@]+"${pids[@]}"} 2>/dev/null; rm -rf "$tmp"' EXIT
. "$top/scripts/ktap.sh"

# The boots: NAME of each, and its vm.sh options and command.
boots=()
for k in "${kernels[@]}"; do
	boots+=("$k")
	[ "$k" = debug ] && boots+=(debug_smp4)
	[ "$k" = 6.1 ] && boots+=(6.1_cpus72)
done
# boot_args NAME: the vm.sh options and command of boot NAME, into args.
boot_args() {
	local t skip=()

	for t in $PARAM_TESTS; do
		[ "$1" = debug ] && [ "$t" = doctor_test.sh ] && continue
		skip+=(--skip "$t")
	done
	# shellcheck disable=SC2206 # $PARAM_TESTS, $SMOKE: test names, no blanks
	case $1 in
	# hotplug_test.sh runs in the 4-CPU boot.
	debug) args=(--kernel debug --timeout $((timeout * 4)) -- /selftests/velox/run.sh --debug --skip hotplug_test.sh "${skip[@]}") ;;
	debug_smp4) args=(--kernel debug --smp 4 --timeout $((timeout * 2)) -- /selftests/velox/run.sh --debug hotplug_test.sh) ;;
	6.1_cpus72) args=(--kernel 6.1 --smp 72 --append "$PARAMS" --timeout "$timeout" -- /selftests/velox/run.sh $PARAM_TESTS) ;;
	latest | latest-rt) args=(--kernel "$1" --timeout "$timeout" -- /selftests/velox/run.sh $SMOKE) ;;
	*) args=(--kernel "$1" --timeout "$timeout" -- /selftests/velox/run.sh "${skip[@]}") ;;
	esac
}

echo "KTAP version 1"
echo "1..$((1 + 2 * ${#boots[@]}))"

"$top/tools/testing/vm/kernel-log-check_test.sh" >"$tmp/detector.out" 2>&1
ktap_subtest kernel_log_check $? "$tmp/detector.out"

# The kernels boot side by side: the guests mostly wait (paced runs,
# sleeps), so two of them on the 2-CPU host took about the time of one
# (93 s for both against 164 s one after the other); sid's two smoke
# runs follow each other in a third slot (below).  What they share is
# built first, so that the two vm.sh find nothing to build.
for k in "${kernels[@]}"; do
	"$top/scripts/kbuild.sh" --kernel "$k" >/dev/null || exit 1
done
make -s -C "$top" tools >&2 || exit 1
make -s -C "$top/tools/testing/selftests/velox" >&2 || exit 1
declare -A pid_of
# boot NAME...: the boots NAME... one after the other, in the background;
# each one's exit status goes to $tmp/rc-NAME.  A harness stopped early
# stops the VM running (vm.sh's own timeout would).
boot() {
	(
		vm=
		trap 'kill $vm 2>/dev/null' TERM
		for k in "$@"; do
			boot_args "$k"
			start=$SECONDS
			"$top/scripts/vm.sh" --log "$tmp/console-$k.log" --no-check \
				"${args[@]}" >"$tmp/guest-$k.out" 2>&1 &
			vm=$!
			wait $vm
			echo $? >"$tmp/rc-$k"
			echo $((SECONDS - start)) >"$tmp/time-$k"
		done
	) &
	for k in "$@"; do
		pid_of[$k]=$!
	done
	pids+=($!)
}

# collect NAME: wait for boot NAME, report its selftests and kernel log.
collect() {
	local k=$1 log=$tmp/console-$1.log rc

	# (The second of two chained boots: already waited for.)
	wait "${pid_of[$k]}" 2>/dev/null
	ktap_subtest "selftests_$k" "$(cat "$tmp/rc-$k" 2>/dev/null || echo 1)" \
		"$tmp/guest-$k.out"
	# Which boot is the long pole of the harness's time.
	ktap_diag "boot $k took $(cat "$tmp/time-$k" 2>/dev/null || echo '?') s"
	if "$top/scripts/kernel-log-check.sh" "$log" >"$tmp/kcheck.out" 2>&1; then
		ktap_ok "kernel_log_clean_$k"
		rc=0
	else
		ktap_fail "kernel_log_clean_$k" "$(cat "$tmp/kcheck.out")"
		rc=1
	fi
	if [ $rc != 0 ] || grep -q 'not ok' "$tmp/guest-$k.out" || ! [ -s "$log" ]; then
		echo "# guest dmesg ($k):"
		sed -n '/^@@VELOX-DMESG-BEGIN/,/^@@VELOX-DMESG-END/p' "$log" 2>/dev/null |
			sed 's/^/# /'
	fi
}

# The 4-CPU boot goes alone, after the others: 4 vCPUs beside them on 2
# host CPUs starve guests enough for their lockup detectors to fire.
#
# sid's two kernels (smoke subsets, one host thread each) share one slot,
# one after the other: all four at once (five busy threads on two CPUs,
# when 6.1 had a thread per vCPU) once left the 6.1 guest in soft lockups
# on both its vCPUs (in the fifth make check with four kernels).  The
# many-CPU boot (two tests, 4 CPUs online at most) takes its turn in that
# slot too.
sid=()
for k in "${boots[@]}"; do
	case $k in
	debug_smp4) ;;
	latest | latest-rt | 6.1_cpus72) sid+=("$k") ;;
	*) boot "$k" ;;
	esac
done
[ ${#sid[@]} = 0 ] || boot "${sid[@]}"
for k in "${boots[@]}"; do
	[ "$k" = debug_smp4 ] || collect "$k"
done
for k in "${boots[@]}"; do
	if [ "$k" = debug_smp4 ]; then
		boot "$k"
		collect "$k"
	fi
done

ktap_finish
