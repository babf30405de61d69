#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# CPU hotplug while the pipeline runs.  A run whose threads are bound to a
# CPU that goes offline stops itself, as a STOP would: drained, with
# nothing lost, and the stats area says why (stop_reason cpu-offline).  A
# START naming an offline CPU is refused; an unbound run rides through.
# And a START racing a CPU going offline never leaves a running thread
# unbound (START holds hotplug off from checking the CPUs to waking the
# threads).  The CPU taken away is the last one: CPU 0 often cannot go.
# Under the debug kernel, lockdep and the kernel-log check watch it all.
. ktap.sh	# scripts/ktap.sh, on the guest's PATH (vm.sh)

KO=${VELOX_KO:-/velox.ko}

# The present CPUs, online or not ("0-3"): one left offline by an earlier
# test still counts.
present=$(cat /sys/devices/system/cpu/present)
last=${present##*-}
ncpus=$((last + 1))
online=/sys/devices/system/cpu/cpu$last/online

ktap_plan 7

# check NAME CONDITION-EXIT-STATUS WHY
check() {
	if [ "$2" = 0 ]; then ktap_ok "$1"; else ktap_fail "$1" "$3"; fi
}

. "$(dirname "$0")/status.sh"	# jnum, jstr, wait_state

# conserved JSON: nothing in flight, the book's quantities add up; else
# says what is off.
conserved() {
	gen=$(jnum "$1" generated)
	del=$(jnum "$1" delivered)
	drop=$(jnum "$1" dropped)
	sub=$(jnum "$1" submitted_qty)
	fil=$(jnum "$1" filled_qty)
	res=$(jnum "$1" resting_qty)
	can=$(jnum "$1" cancelled_qty)
	exp=$(jnum "$1" expired_qty)
	rej=$(jnum "$1" rejected_qty)
	[ "$gen" -gt 0 ] && [ "$gen" = $((del + drop)) ] &&
		[ "$sub" = $((2 * fil + res + can + exp + rej)) ] && return 0
	echo "generated $gen, delivered $del, dropped $drop; submitted $sub, filled $fil, resting $res, cancelled $can, expired $exp, rejected $rej"
	return 1
}

# velox_threads: "pid:allowed-CPUs" of each of the pipeline's threads.
velox_threads() {
	for p in /proc/[0-9]*; do
		case $(cat "$p/comm" 2>/dev/null) in
		velox[0-9]*)
			echo "${p#/proc/}:$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$p/status" 2>/dev/null)" ;;
		esac
	done
}

if [ "$ncpus" -lt 2 ] || [ ! -w "$online" ]; then
	for t in bound_run_stops_itself_under_spin bound_run_stops_itself_under_yield \
		 bound_run_stops_itself_under_sleep start_refuses_an_offline_cpu \
		 unbound_run_rides_through start_racing_offline_leaves_no_thread_unbound \
		 a_named_cpu_no_thread_is_bound_to_may_go; do
		ktap_fail "$t" "needs a second CPU that can go offline ($ncpus CPUs, $online)"
	done
	ktap_finish
	exit
fi

insmod "$KO" || exit 1

# With four CPUs or more, a lane's two threads on the last two CPUs (one
# of them stays); with fewer, one thread on the last.
if [ "$ncpus" -ge 4 ]; then
	bind="--cpus $((last - 1))-$last --threads 2"
else
	bind="--cpus $last"
fi

# 1-3: under each backoff policy, the CPU going away stops the run.
for b in spin yield sleep; do
	why=
	dmesg -c >/dev/null
	velox-ctl start $bind --rate 20k --backoff $b >/dev/null || why="start failed;"
	sleep 0.5
	echo 0 > "$online" || why="$why CPU $last did not go offline;"
	wait_state stopped || why="$why the run did not stop itself;"
	json=$(velox-ctl status --json)
	reason=$(jstr "$json" stop_reason)
	[ "$reason" = cpu-offline ] || why="$why stop_reason '$reason';"
	off=$(conserved "$json") || why="$why $off;"
	left=$(velox_threads)
	[ -z "$left" ] || why="$why threads left: $left;"
	dmesg | grep -q "velox: run [0-9]* stops: CPU $last, which a worker was bound to, went offline" ||
		why="$why no dmesg line naming CPU $last;"
	echo 1 > "$online" || why="$why CPU $last did not come back;"
	velox-ctl stop >/dev/null 2>&1
	[ -z "$why" ]
	check "bound_run_stops_itself_under_$b" $? "$why"
done

# 4: an offline CPU in the config is refused, naming the field; once it
# is back, the same START runs.
echo 0 > "$online"
out=$(velox-ctl start --cpus $last 2>&1)
rc=$?
echo 1 > "$online"
out2=$(velox-ctl start --cpus $last 2>&1)
rc2=$?
velox-ctl stop >/dev/null
[ $rc != 0 ] && echo "$out" | grep -q cpus && [ $rc2 = 0 ]
check start_refuses_an_offline_cpu $? "offline: exit $rc ($out); online again: exit $rc2 ($out2)"

# 5: threads bound nowhere move; the run goes on, and a STOP says so.
why=
velox-ctl start --rate 20k >/dev/null || why="start failed;"
sleep 0.3
echo 0 > "$online"
sleep 0.5
json=$(velox-ctl status --json)
[ "$(jstr "$json" state)" = running ] || why="$why state '$(jstr "$json" state)' with CPU $last offline;"
echo 1 > "$online"
velox-ctl stop >/dev/null || why="$why stop failed;"
json=$(velox-ctl status --json)
[ "$(jstr "$json" stop_reason)" = user ] || why="$why stop_reason '$(jstr "$json" stop_reason)';"
off=$(conserved "$json") || why="$why $off;"
[ -z "$why" ]
check unbound_run_rides_through $? "$why"

# 7 (first): a CPU of the config that no thread is bound to (one thread,
# on CPU 0, the first of the list) may go; the run goes on.
why=
velox-ctl start --cpus 0-$last --lanes 1 --threads 1 --rate 20k >/dev/null || why="start failed;"
sleep 0.3
echo 0 > "$online"
sleep 1
json=$(velox-ctl status --json)
[ "$(jstr "$json" state)" = running ] && [ "$(jstr "$json" stop_reason)" = none ] ||
	why="$why state '$(jstr "$json" state)', stop_reason '$(jstr "$json" stop_reason)' once CPU $last went;"
echo 1 > "$online"
velox-ctl stop >/dev/null || why="$why stop failed;"
[ -z "$why" ]
a_named_cpu_rc=$?
a_named_cpu_why=$why

# 6: START races the CPU going and coming.  Each START either fails
# (-EINVAL: offline when checked) or runs bound, and a CPU going offline
# after the check stops the run.  So once the CPU has gone and come back
# (and a second more, for the queued stop), a run still running with no
# stop_reason must have every thread on the CPU it names: a thread the
# scheduler moved off, unseen by the run, would show here for good.
why=
started=0
refused=0
i=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	(
		sleep 0.$((i % 4))
		echo 0 > "$online"
		echo 1 > "$online"
	) &
	toggler=$!
	velox-ctl start --cpus $last --rate 5k >/dev/null 2>&1
	rc=$?
	wait $toggler
	if [ $rc != 0 ]; then
		echo "# START $i refused"
		refused=$((refused + 1))
		continue
	fi
	echo "# START $i ran"
	started=$((started + 1))
	for look in 1 2; do
		json=$(velox-ctl status --json)
		[ "$(jstr "$json" state)" = running ] &&
			[ "$(jstr "$json" stop_reason)" = none ] || break
		stray=$(velox_threads | grep -v ":$last\$")
		[ -z "$stray" ] && break
		if [ $look = 2 ]; then
			why="$why run $(jnum "$json" run) runs with threads unbound: $stray;"
		fi
		sleep 1
	done
	velox-ctl stop >/dev/null 2>&1 || why="$why stop failed;"
done
echo 1 > "$online"
echo "# $started STARTs ran, $refused refused, CPU $last going and coming"
[ -z "$why" ] && [ "$started" -gt 0 ]
check start_racing_offline_leaves_no_thread_unbound $? "$why ($started started)"
check a_named_cpu_no_thread_is_bound_to_may_go $a_named_cpu_rc "$a_named_cpu_why"

rmmod velox
ktap_finish
