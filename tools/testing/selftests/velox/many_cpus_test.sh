#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# CPU ids past 63: lanes bound there run and conserve every transaction,
# the CPU set round-trips through the module parameter, velox-ctl, the
# stats area and debugfs, tail capture watches those CPUs, a bound one
# going offline stops the run, and a CPU offline or absent is refused by
# name.  Needs a guest with CPU ids 64 and up that boots with two online
# (scripts/vmtest.sh: vm.sh --smp 72 --append maxcpus=2); it brings CPUs
# 64 and 65 online itself.  Elsewhere its first case fails, saying so.
. ktap.sh	# scripts/ktap.sh, on the guest's PATH (vm.sh)
PATH=$(cd "$(dirname "$0")" && pwd):$PATH

KO=${VELOX_KO:-/velox.ko}
SYS=/sys/devices/system/cpu

ktap_plan 10

# check NAME CONDITION-EXIT-STATUS WHY
check() {
	if [ "$2" = 0 ]; then ktap_ok "$1"; else ktap_fail "$1" "$3"; fi
}

. "$(dirname "$0")/status.sh"	# jnum, jstr, wait_state

# conserved JSON LANES: stopped with nothing in flight, LANES lanes that
# each generated and whose counts add up to the totals; else says what
# is off.
conserved() {
	gen=$(jnum "$1" generated)
	del=$(jnum "$1" delivered)
	drop=$(jnum "$1" dropped)
	[ "$(jstr "$1" state)" = stopped ] || { echo "state $(jstr "$1" state)"; return 1; }
	[ -n "$gen" ] && [ "$gen" -gt 0 ] && [ "$gen" = $((del + drop)) ] ||
		{ echo "generated $gen != delivered $del + dropped $drop"; return 1; }
	lanes=$(echo "$1" | sed -n 's/.*"lanes":\[\(.*\)\].*/\1/p' |
		tr '}' '\n' | grep -c '"generated":[1-9]')
	sum=$(echo "$1" | sed -n 's/.*"lanes":\[\(.*\)\].*/\1/p' |
		tr '}' '\n' | sed -n 's/.*"generated":\([0-9]*\).*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	[ "$lanes" = "$2" ] && [ "$sum" = "$gen" ] ||
		{ echo "$lanes of $2 lanes generated, their sum $sum of $gen"; return 1; }
}

# threads_on: each Velox thread's name and the CPUs it may run on.
threads_on() {
	for d in /proc/[0-9]*; do
		case $(cat "$d/comm" 2>/dev/null) in
		velox[0-9]*)
			echo "$(cat "$d/comm"):$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$d/status")" ;;
		esac
	done | sort | tr '\n' ' '
}

# 1: the guest has CPU ids past 63, and 64 and 65 come online.
why=
possible=$(cat $SYS/possible)
[ "${possible##*-}" -ge 71 ] 2>/dev/null || why="possible CPUs $possible: boot with vm.sh --smp 72 --append maxcpus=2;"
for c in 64 65; do
	[ "$(cat $SYS/cpu$c/online 2>/dev/null)" = 1 ] ||
		echo 1 > $SYS/cpu$c/online || why="$why CPU $c did not come online;"
done
online=$(cat $SYS/online)
[ -z "$why" ]
check cpus_past_63_come_online $? "$why"

insmod "$KO"

# 2: a lane per online CPU, and a CPU set as wide as the possible ids.
info=$(velox-ctl info --json)
n=$(echo "$online" | tr ',' '\n' |
	awk -F- '{ n += ($2 == "" ? 1 : $2 - $1 + 1) } END { print n }')
[ "$(jnum "$info" max_lanes)" = "$n" ] &&
	[ "$(jnum "$info" cpu_set_size)" = $(((${possible##*-} + 64) / 64 * 8)) ]
check info_counts_every_online_cpu $? "online $online ($n), possible $possible: $info"

# 3: two lanes bound to CPUs 64 and 65: each thread where it was put, the
# set the same in velox-ctl, debugfs and the stats area; conserved.
why=
velox-ctl start --lanes 2 --threads 1 --cpus 64-65 --rate 20k >/dev/null ||
	why="start failed;"
sleep 0.5
on=$(threads_on)
[ "$on" = "velox0:64 velox1:65 " ] || why="$why threads on '$on';"
json=$(velox-ctl status --json)
[ "$(jstr "$json" cpus)" = 64-65 ] || why="$why status cpus '$(jstr "$json" cpus)';"
dbg=$(grep '^cpus:' /sys/kernel/debug/velox/config)
[ "$dbg" = "cpus: 64-65" ] || why="$why debugfs '$dbg';"
velox-ctl stop >/dev/null || why="$why stop failed;"
off=$(conserved "$(velox-ctl status --json)" 2) || why="$why $off;"
[ -z "$why" ]
check lanes_bound_past_63_run_and_conserve $? "$why"

# 4: four lanes over both ends of the ids, one per CPU.
why=
out=$(velox-ctl run --duration 1 --lanes 4 --threads 1 --cpus 0-1,64-65 \
	--rate 40k 2>&1) || why="run failed: $out;"
off=$(conserved "$(velox-ctl status --json)" 4) || why="$why $off;"
[ -z "$why" ]
check four_lanes_across_low_and_high_ids $? "$why"

# 5, 6: a CPU present but offline, and one the machine lacks: refused,
# the one line naming it.
err=$(velox-ctl start --cpus 64,70 2>&1 >/dev/null)
rc=$?
[ $rc = 1 ] && [ "$err" = "velox-ctl: start: --cpus: CPU 70 is not online (online: $online)" ]
check an_offline_cpu_past_63_is_refused_by_name $? "exit $rc: $err"
why=
for c in $((${possible##*-} + 1)) 4000; do
	err=$(velox-ctl start --cpus "0,$c" 2>&1 >/dev/null)
	rc=$?
	[ $rc = 1 ] && [ "$err" = "velox-ctl: start: --cpus: CPU $c does not exist (possible: $possible)" ] ||
		why="$why exit $rc: $err;"
done
[ -z "$why" ]
check an_absent_cpu_is_refused_by_name $? "$why"

# 7: the module parameter names CPUs past 63 too, and names what it
# refuses.
why=
rmmod velox
insmod "$KO" cpus=64-65 lanes=2 threads=1 autostart=1 rate=20000 ||
	why="insmod cpus=64-65 failed;"
json=$(velox-ctl status --json)
[ "$(jstr "$json" state)" = running ] && [ "$(jstr "$json" cpus)" = 64-65 ] ||
	why="$why state '$(jstr "$json" state)', cpus '$(jstr "$json" cpus)';"
velox-ctl stop >/dev/null || why="$why stop failed;"
# 8 (below) asks GET_CONFIG for these defaults the old way.
legacy=$(legacy_get_config)
rmmod velox || why="$why rmmod failed;"
for bad in "70:CPU 70 is not online (online: $online)" \
	   "100:CPU 100 does not exist (possible: $possible)"; do
	dmesg -c >/dev/null
	insmod "$KO" cpus=${bad%%:*} 2>/dev/null && { rmmod velox; why="$why cpus=${bad%%:*} loaded;"; }
	dmesg | grep -qF "velox: invalid module parameter cpus: ${bad#*:}" ||
		why="$why no dmesg line '${bad#*:}';"
done
insmod "$KO" cpus=0-1
legacy_low=$(legacy_get_config)
rmmod velox
insmod "$KO"
[ -z "$why" ]
check module_parameter_names_cpus_past_63 $? "$why"

# 8: a caller from before CPU sets (no cpu_set in its GET_CONFIG) gets
# CPUs 0-63 as bits, and EOVERFLOW for a set past them, which it could
# only START again bound elsewhere.
[ "$legacy_low" = "cpus 0x3" ] && [ "$legacy" = EOVERFLOW ]
check get_config_without_a_set_refuses_cpus_past_63 $? "cpus=0-1: '$legacy_low', cpus=64-65: '$legacy'"

# 9: tail capture watches the CPUs of the set, by their ids.
why=
velox-ctl run --duration 1 --lanes 2 --threads 1 --cpus 64-65 --rate 10k \
	--tail 1s >/dev/null 2>&1 || why="run failed;"
cpus=$(velox-ctl noise --json | grep -o '"cpu":[0-9]*' | tr '\n' ' ')
[ "$cpus" = '"cpu":64 "cpu":65 ' ] || why="$why noise for '$cpus';"
[ -z "$why" ]
check tail_capture_watches_cpus_past_63 $? "$why"

# 10: a bound CPU past 63 going offline stops the run, drained.
why=
dmesg -c >/dev/null
velox-ctl start --lanes 2 --threads 1 --cpus 64-65 --rate 20k >/dev/null ||
	why="start failed;"
sleep 0.3
echo 0 > $SYS/cpu65/online || why="$why CPU 65 did not go offline;"
wait_state stopped || why="$why the run did not stop itself;"
json=$(velox-ctl status --json)
[ "$(jstr "$json" stop_reason)" = cpu-offline ] ||
	why="$why stop_reason '$(jstr "$json" stop_reason)';"
off=$(conserved "$json" 2) || why="$why $off;"
dmesg | grep -q "velox: run [0-9]* stops: CPU 65, which a worker was bound to, went offline" ||
	why="$why no dmesg line naming CPU 65;"
echo 1 > $SYS/cpu65/online || why="$why CPU 65 did not come back;"
[ -z "$why" ]
check a_bound_cpu_past_63_going_offline_stops_the_run $? "$why"

rmmod velox
ktap_finish
