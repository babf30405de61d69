#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The pipeline's threads never trip the soft-lockup, hung-task or RCU-stall
# detectors.  Their thresholds are lowered to a few seconds first, so a run
# of a few seconds is as telling as minutes at the defaults; the VM
# harness then fails on any report in the kernel log, and so does this
# test.
. ktap.sh	# scripts/ktap.sh, on the guest's PATH (vm.sh)

KO=${VELOX_KO:-/velox.ko}

ktap_plan 3

# Soft lockup after 2 * 1 s; hung task after 2 s; RCU stall after 3 s.
# Put back at the end: the tests after this one run in the same guest,
# whose vCPUs a loaded host may stall for seconds.
wt0=$(cat /proc/sys/kernel/watchdog_thresh 2>/dev/null)
ht0=$(cat /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null)
rt0=$(cat /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout 2>/dev/null)
echo 1 > /proc/sys/kernel/watchdog_thresh 2>/dev/null
echo 2 > /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
echo 3 > /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout 2>/dev/null
wt=$(cat /proc/sys/kernel/watchdog_thresh 2>/dev/null)
ht=$(cat /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null)
rt=$(cat /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout 2>/dev/null)
[ "$wt" = 1 ] && [ "$ht" = 2 ] && [ "$rt" = 3 ]
rc=$?
if [ $rc = 0 ]; then
	ktap_ok detector_thresholds_lowered
else
	ktap_fail detector_thresholds_lowered "watchdog_thresh '$wt', hung_task_timeout_secs '$ht', rcu_cpu_stall_timeout '$rt'"
fi

insmod "$KO"
# More busy threads than CPUs, all spinning: the hardest case for the
# detectors.  Then the sleep policy, whose threads sleep in between.
velox-ctl start --rate 10M --lanes 2 --threads 4 --backoff spin >/dev/null
sleep 6
velox-ctl stop >/dev/null
velox-ctl start --rate 10k --backoff sleep >/dev/null
sleep 4
velox-ctl stop >/dev/null
rmmod velox

reports=$(dmesg | grep -E 'soft lockup|blocked for more than|rcu_.* detected stall|self-detected stall')
if [ -z "$reports" ]; then
	ktap_ok no_lockup_hung_task_or_rcu_stall_reports
else
	ktap_fail no_lockup_hung_task_or_rcu_stall_reports "$reports"
fi

# The detectors must still be able to fire: a kernel thread would be
# reported, not this shell, so only check they are armed.
[ "$(cat /proc/sys/kernel/soft_watchdog 2>/dev/null)" = 1 ] &&
	[ "$(cat /proc/sys/kernel/watchdog 2>/dev/null)" = 1 ]
rc=$?
if [ $rc = 0 ]; then
	ktap_ok soft_lockup_watchdog_armed
else
	ktap_fail soft_lockup_watchdog_armed "kernel.watchdog or kernel.soft_watchdog is off"
fi

echo "$wt0" > /proc/sys/kernel/watchdog_thresh 2>/dev/null
echo "$ht0" > /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
echo "$rt0" > /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout 2>/dev/null
ktap_finish
