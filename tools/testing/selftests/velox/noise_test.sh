#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The interference hooks (module/noise.c) through the real module: with
# tail capture on, a hog pinned to the worker's CPU is the top preempted
# offender of "velox-ctl noise", the tick's IRQs and softirqs are counted
# there, and the noise fits in the run's wall time; with tail capture off
# nothing is counted; rmmod during a run with the hooks on is clean, and
# the CPUs keep taking interrupts afterwards (a probe left behind would
# call into freed module text: vm.sh's kernel-log check sees the Oops).
# No duration is asserted: the VM's speed varies.
. ktap.sh	# scripts/ktap.sh, on the guest's PATH (vm.sh)
PATH=$(cd "$(dirname "$0")" && pwd):$PATH

KO=${VELOX_KO:-/velox.ko}
RUN="--rate 2k --lanes 1 --cpus 1 --backoff sleep"

ktap_plan 5

# check NAME CONDITION-EXIT-STATUS WHY
check() {
	if [ "$2" = 0 ]; then ktap_ok "$1"; else ktap_fail "$1" "$3"; fi
}

# src_field JSON SOURCE N: field N (1 ns, 2 count) of a source's totals.
src_field() {
	echo "$1" | sed -n "s/.*\"$2\":{\"ns\":\([0-9]*\),\"count\":\([0-9]*\)}.*/\\$3/p"
}

# num JSON KEY: the first number under KEY.
num() {
	echo "$1" | grep -o "\"$2\":[0-9.]*" | head -n 1 | cut -d: -f2
}

insmod "$KO" || ktap_diag "insmod failed"

# 1-3: one run with tail capture on and a hog on the worker's CPU.
# shellcheck disable=SC2086
velox-ctl start $RUN --tail 200us >/dev/null || ktap_diag "start failed"
taskset -c 1 yes >/dev/null &
hog=$!
sleep 2
kill $hog
wait $hog 2>/dev/null
velox-ctl stop >/dev/null
json=$(velox-ctl noise --json)
echo "$json" | json_valid run cpus >/dev/null
valid=$?
top=$(echo "$json" | grep -o '{"source":"preempted","id":[0-9]*,"name":"[^"]*"' |
      head -n 1 | sed 's/.*"id":\([0-9]*\),"name":"\(.*\)"/\2[\1]/')
[ $valid = 0 ] && [ "$top" = "yes[$hog]" ] &&
	[ "$(src_field "$json" preempted 1)" -gt 0 ]
check a_hog_on_the_worker_cpu_is_the_top_preempted_offender $? \
	"top preempted '$top', hog yes[$hog]: $json"

irqs=$(src_field "$json" irq 2)
softirqs=$(src_field "$json" softirq 2)
[ "$(num "$json" cpu)" = 1 ] && [ "${irqs:-0}" -gt 0 ] && [ "${softirqs:-0}" -gt 0 ]
check irqs_and_softirqs_are_counted_on_the_watched_cpu $? \
	"cpu $(num "$json" cpu), $irqs IRQs, $softirqs softirqs: $json"

# A CPU's segments never overlap and lie between the hooks' start and
# stop, which the run's wall time spans but for the microseconds between
# the hooks' start and the run's start_ns: with the hog taking about half
# the CPU, the noise (the sum of the sources) fits in the wall time.
wall=$(num "$json" wall_ns)
noise=$(num "$json" noise_ns)
[ "${noise:-0}" -gt 0 ] && [ "$noise" -le "${wall:-0}" ]
check noise_fits_in_the_wall_time $? "noise $noise, wall $wall"

# 4: tail capture off: no hooks, no accounting.
# shellcheck disable=SC2086
velox-ctl start $RUN >/dev/null
rc=$?
sleep 0.5
velox-ctl stop >/dev/null
json=$(velox-ctl noise --json)
[ $rc = 0 ] && echo "$json" | grep -q '"cpus":\[\]'
check tail_off_counts_nothing $? "start exit $rc: $json"

# 5: a fresh module, rmmod during its first run with the hooks on, then
# the CPUs kept busy with interrupts and switches without the module.
rmmod velox
insmod "$KO" || ktap_diag "insmod failed"
# shellcheck disable=SC2086
velox-ctl start $RUN --tail 200us >/dev/null
started=$?
taskset -c 1 yes >/dev/null &
hog=$!
sleep 1
rmmod velox
rc=$?
sleep 2
kill $hog
wait $hog 2>/dev/null
oops=$(dmesg | grep -E 'Oops|BUG:|unable to handle|general protection' | head -n 3)
[ $started = 0 ] && [ $rc = 0 ] && [ ! -e /dev/velox ] && [ -z "$oops" ]
check rmmod_during_a_tail_run_leaves_no_probe $? \
	"start exit $started, rmmod exit $rc, dmesg: $oops"

ktap_finish
