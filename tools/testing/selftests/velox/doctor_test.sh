#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# velox-ctl doctor against a real kernel: each condition set up on purpose,
# its finding seen to appear, then to go once fixed (by the fix doctor
# prints, where it is a command).  Boot parameters cannot change at run
# time, so those compare CPU 1, which the boot isolates, with CPU 0,
# which it does not: scripts/vmtest.sh's 6.1_cpus72 boot (vm.sh --smp 72
# --append "maxcpus=2 isolcpus=1 nohz_full=1 rcu_nocbs=1,64"); CPU 64 is
# offline there, and rcu_nocbs= alone names it.  Elsewhere the first case
# fails, saying so.  On the debug kernel (KASAN in /proc/config.gz) it
# checks that debug_kernel says so instead, that boot's only case.
. ktap.sh	# scripts/ktap.sh, on the guest's PATH (vm.sh)
PATH=$(cd "$(dirname "$0")" && pwd):$PATH

KO=${VELOX_KO:-/velox.ko}
PARAMS="isolcpus=1 nohz_full=1 rcu_nocbs=1,64"

# check NAME CONDITION-EXIT-STATUS WHY
check() {
	if [ "$2" = 0 ]; then ktap_ok "$1"; else ktap_fail "$1" "$3"; fi
}

# findings CPUS CHECK: CHECK's findings for CPUS, one JSON object a line.
findings() {
	velox-ctl doctor --cpus "$1" --json | sed 's/},{/}\
{/g' | grep "\"check\":\"$2\""
}

# level CPUS CHECK: its findings' levels ("WARN", "OK", "WARN WARN").
level() {
	findings "$1" "$2" | sed -n 's/.*"level":"\([A-Z]*\)".*/\1/p' |
		tr '\n' ' ' | sed 's/ $//'
}

# field NAME: the string field NAME of the finding on stdin.
field() {
	sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}

# fix CPUS CHECK: the command of CHECK's first fix, without its "(...)".
fix() {
	f=$(findings "$1" "$2" | head -n 1 | field fix)
	echo "${f%% (*}"
}

# expect CPUS CHECK LEVEL: LEVEL, or false with $got saying what came.
expect() {
	got=$(level "$1" "$2")
	[ "$got" = "$3" ] && return 0
	got="CPUs $1 $2: expected $3, got '$got' ($(findings "$1" "$2" | field what));"
	return 1
}

# until_level CPUS CHECK LEVEL: wait up to 10 s for it (a process that
# holds or lets go of /dev/cpu_dma_latency does so when it gets to run).
until_level() {
	i=0
	while [ $i -lt 100 ]; do
		[ "$(level "$1" "$2")" = "$3" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	expect "$@"
}

if zcat /proc/config.gz 2>/dev/null | grep -qx CONFIG_KASAN=y; then
	ktap_plan 1
	# 1: the debug kernel is named, from its own config.
	f=$(findings 0 debug_kernel)
	what=$(echo "$f" | field what)
	[ "$(echo "$f" | field level)" = WARN ] &&
		case $what in *KASAN*PROVE_LOCKING*"(/proc/config.gz)"*) true ;; *) false ;; esac
	check debug_kernel_warns_on_the_debug_kernel $? "$f"
	ktap_finish
	exit
fi

ktap_plan 14

# 1: the boot this needs.
why=
for p in maxcpus=2 $PARAMS; do
	grep -qw "$p" /proc/cmdline || why="$why no $p on the command line;"
done
possible=$(cat /sys/devices/system/cpu/possible)
[ "${possible##*-}" -ge 71 ] 2>/dev/null || why="$why possible CPUs $possible;"
[ -z "$why" ]
check boot_isolates_cpu_1 $? "$why boot with vm.sh --smp 72 --append \"maxcpus=2 $PARAMS\""

# 2-4: what the boot parameters give CPU 1 and not CPU 0.
why=
expect 1 isolated OK || why="$why $got"
expect 0 isolated WARN || why="$why $got"
fix 0 isolated | grep -q "^boot with isolcpus=0-1," || why="$why fix '$(fix 0 isolated)';"
[ -z "$why" ]
check isolated_warns_on_cpu_0_not_on_isolated_cpu_1 $? "$why"
why=
expect 1 nohz_full OK || why="$why $got"
expect 0 nohz_full WARN || why="$why $got"
[ "$(fix 0 nohz_full)" = "boot with nohz_full=0-1" ] || why="$why fix '$(fix 0 nohz_full)';"
[ -z "$why" ]
check nohz_full_warns_on_cpu_0_not_on_cpu_1 $? "$why"
why=
expect 1 rcu_nocbs OK || why="$why $got"
expect 64 rcu_nocbs OK || why="$why $got"
expect 0 rcu_nocbs WARN || why="$why $got"
expect 65 rcu_nocbs WARN || why="$why $got"
[ -z "$why" ]
check rcu_nocbs_warns_on_cpu_0_not_on_cpus_1_and_64 $? "$why"

# 5: an IRQ moved onto CPU 1 is named there, and its fix moves it off.
# An IO-APIC IRQ moves when it next fires, and doctor says so meanwhile:
# the IRQ is the console UART's (ttyS0), which a write makes fire.
irq=$(sed -n 's/^ *\([0-9][0-9]*\):.*  ttyS0$/\1/p' /proc/interrupts)
# fire CPU: until ttyS0's IRQ is on CPU (up to 5 s), make it fire.
fire() {
	i=0
	while [ $i -lt 50 ]; do
		[ "$(cat "/proc/irq/$irq/effective_affinity_list")" = "$1" ] && return 0
		echo "doctor_test: an interrupt from ttyS0" > /dev/ttyS0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
why=
if [ -z "$irq" ]; then
	why="no ttyS0 in /proc/interrupts: $(cat /proc/interrupts)"
else
	orig=$(cat "/proc/irq/$irq/smp_affinity_list")
	echo 0 > "/proc/irq/$irq/smp_affinity_list"
	fire 0 || why="IRQ $irq did not move to CPU 0;"
	[ -z "$(findings 1 irq_affinity | grep "IRQ $irq ")" ] ||
		why="$why on CPU 1 before it was sent there;"
	echo 1 > "/proc/irq/$irq/smp_affinity_list"
	fire 1 || why="$why IRQ $irq did not move to CPU 1;"
	f=$(findings 1 irq_affinity | grep "IRQ $irq ")
	[ "$(echo "$f" | field what)" = "IRQ $irq ttyS0 is delivered to CPU 1 (effective_affinity_list 1)" ] &&
		[ "$(echo "$f" | field level)" = WARN ] ||
		why="$why sent to CPU 1: '$f';"
	cmd=$(echo "$f" | field fix)
	cmd=${cmd%% (*}
	[ "$cmd" = "echo 0 > /proc/irq/$irq/smp_affinity_list" ] ||
		why="$why fix '$cmd';"
	sh -c "$cmd" || why="$why '$cmd' failed;"
	# Until it fires, it is still on CPU 1, moving.
	if [ "$(cat "/proc/irq/$irq/effective_affinity_list")" = 1 ]; then
		ktap_diag "IRQ $irq stays on CPU 1 until it fires"
		findings 1 irq_affinity | grep "IRQ $irq " | field what |
			grep -q "; smp_affinity_list 0: it moves there when it next fires)$" ||
			why="$why moving: $(findings 1 irq_affinity | grep "IRQ $irq ");"
	fi
	fire 0 || why="$why IRQ $irq did not move back to CPU 0;"
	f=$(findings 1 irq_affinity | grep "IRQ $irq ")
	[ -z "$f" ] || why="$why still on CPU 1 after the fix: $f;"
	findings 0 irq_affinity | grep -q "IRQ $irq ttyS0 is delivered to CPU 0" ||
		why="$why not on CPU 0 after the fix;"
	echo "$orig" > "/proc/irq/$irq/smp_affinity_list"
fi
[ -z "$why" ]
check an_irq_moved_to_cpu_1_warns_by_name_until_its_fix $? "$why"

# 6: cpu_dma_latency held at 0 by a process, then let go.
why=
expect 0-1 cpu_dma_latency INFO || why="$why $got"
(exec 3<>/dev/cpu_dma_latency; printf '\000\000\000\000' >&3; exec sleep 300) &
holder=$!
until_level 0-1 cpu_dma_latency OK || why="$why held: $got"
findings 0-1 cpu_dma_latency | field what | grep -q "^held at 0 us" ||
	why="$why held: $(findings 0-1 cpu_dma_latency | field what);"
kill $holder
wait $holder 2>/dev/null
until_level 0-1 cpu_dma_latency INFO || why="$why let go: $got"
findings 0-1 cpu_dma_latency | field what | grep -q "^no request" ||
	why="$why let go: $(findings 0-1 cpu_dma_latency | field what);"
[ -z "$why" ]
check cpu_dma_latency_is_ok_while_held_at_0 $? "$why"

# 7: RT throttling, off by the fix, then back on.
why=
orig=$(cat /proc/sys/kernel/sched_rt_runtime_us)
expect 0 rt_throttling INFO || why="$why $got"
cmd=$(fix 0 rt_throttling)
[ "$cmd" = "sysctl -w kernel.sched_rt_runtime_us=-1" ] || why="$why fix '$cmd';"
sh -c "$cmd" >/dev/null || why="$why '$cmd' failed;"
expect 0 rt_throttling OK || why="$why off: $got"
echo "$orig" > /proc/sys/kernel/sched_rt_runtime_us
expect 0 rt_throttling INFO || why="$why back on: $got"
[ -z "$why" ]
check rt_throttling_is_info_until_off $? "$why"

# 8: nohz_full keeps the lockup detector off CPU 1 (watchdog_cpumask);
# on CPU 0 it warns until the fix turns it off.
why=
expect 1 watchdog OK || why="$why $got"
expect 0 watchdog WARN || why="$why $got"
cmd=$(fix 0 watchdog)
[ "$cmd" = "sysctl -w kernel.watchdog=0" ] || why="$why fix '$cmd';"
sh -c "$cmd" >/dev/null || why="$why '$cmd' failed;"
expect 0 watchdog OK || why="$why off: $got"
echo 1 > /proc/sys/kernel/watchdog
expect 0 watchdog WARN || why="$why back on: $got"
[ -z "$why" ]
check watchdog_warns_where_it_runs_until_off $? "$why"

# 9: timers may move to CPU 0, not to nohz_full CPU 1; none once off.
why=
expect 1 timer_migration OK || why="$why $got"
expect 0 timer_migration INFO || why="$why $got"
cmd=$(fix 0 timer_migration)
sh -c "$cmd" >/dev/null || why="$why '$cmd' failed;"
expect 0 timer_migration OK || why="$why off: $got"
echo 1 > /proc/sys/kernel/timer_migration
expect 0 timer_migration INFO || why="$why back on: $got"
[ -z "$why" ]
check timer_migration_is_info_off_nohz_full_cpus $? "$why"

# 10: the guest's kernel has no config to read; one planted where the
# distributions put it is read, debug options and all.
why=
config=/boot/config-$(cat /proc/sys/kernel/osrelease)
expect 0 debug_kernel INFO || why="$why $got"
mkdir -p /boot
echo '# CONFIG_KASAN is not set' > "$config"
expect 0 debug_kernel OK || why="$why clean config: $got"
printf 'CONFIG_KASAN=y\nCONFIG_PROVE_LOCKING=y\n' > "$config"
expect 0 debug_kernel WARN || why="$why KASAN config: $got"
findings 0 debug_kernel | field what | grep -q "KASAN, PROVE_LOCKING ($config)" ||
	why="$why what '$(findings 0 debug_kernel | field what)';"
rm -f "$config"
expect 0 debug_kernel INFO || why="$why removed: $got"
[ -z "$why" ]
check debug_kernel_follows_the_kernel_config $? "$why"

# 11: what a TCG guest lacks is said, not guessed: no cpufreq, no
# cpuidle driver, no SMT sibling.
why=
expect 0-1 governor INFO || why="$why $got"
expect 0-1 idle_states INFO || why="$why $got"
expect 0-1 smt OK || why="$why $got"
[ -z "$why" ]
check a_guest_without_cpufreq_cpuidle_or_smt_says_so $? "$why"

# 12: without --cpus, the config's CPUs, else the online ones.
why=
first() { velox-ctl doctor | head -n 1; }
[ "$(first)" = "CPUs 0-1 (online: velox.ko is not loaded)" ] || why="$why '$(first)';"
insmod "$KO" cpus=1 || why="$why insmod cpus=1 failed;"
[ "$(first)" = "CPUs 1 (the config's)" ] || why="$why '$(first)';"
rmmod velox
insmod "$KO" || why="$why insmod failed;"
[ "$(first)" = "CPUs 0-1 (online: the config names none)" ] || why="$why '$(first)';"
rmmod velox
[ -z "$why" ]
check without_cpus_the_configs_or_the_online_cpus $? "$why"

# 13: JSON that parses, its counts those of its findings; and doctor
# leaves every setting it reads as it was.
why=
state() {
	cat /proc/irq/*/smp_affinity_list /proc/sys/kernel/watchdog \
	    /proc/sys/kernel/timer_migration /proc/sys/kernel/sched_rt_runtime_us
	od -An -td4 /dev/cpu_dma_latency
}
before=$(state)
json=$(velox-ctl doctor --cpus 0-1 --json)
echo "$json" | json_valid cpus warn info ok findings || why="$why invalid JSON;"
for l in WARN INFO OK; do
	n=$(echo "$json" | grep -o "\"level\":\"$l\"" | grep -c .)
	key=$(echo "$l" | tr '[:upper:]' '[:lower:]')
	[ "$(echo "$json" | sed -n "s/.*\"$key\":\([0-9]*\).*/\1/p")" = "$n" ] ||
		why="$why $key is not the $n $l findings;"
done
[ "$(state)" = "$before" ] || why="$why settings changed;"
[ -z "$why" ]
check json_counts_its_findings_and_nothing_changes $? "$why"

# 14: usage errors exit 2, CPUs the machine lacks 1; offline ones are
# checked, and named.
why=
err=$(velox-ctl doctor --cpus x 2>&1)
[ $? = 2 ] && [ "$err" = "velox-ctl: --cpus: 'x' is not a list of CPUs (0-1,3)" ] ||
	why="$why --cpus x: '$err';"
err=$(velox-ctl doctor --cpus 100 2>&1)
[ $? = 1 ] && [ "$err" = "velox-ctl: doctor: --cpus: CPU 100 does not exist (possible: $possible)" ] ||
	why="$why --cpus 100: '$err';"
out=$(velox-ctl doctor --cpus 70 | head -n 1)
[ "$out" = "CPUs 70 (--cpus; not online: 70)" ] || why="$why --cpus 70: '$out';"
[ -z "$why" ]
check bad_cpus_are_refused_and_offline_ones_named $? "$why"

ktap_finish
