#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of scripts/torture.sh, run by scripts/vm.sh from /extra/:
# load velox.ko, run velox-torture with the arguments given, then unload
# the module and, on a kernel with kmemleak, scan for leaks.  One KTAP
# stream: velox-torture's cases as a subtest, then the unload and the
# leak scan.
. ktap.sh	# scripts/ktap.sh, on the guest's PATH (vm.sh)

KO=${VELOX_KO:-/velox.ko}
KMEMLEAK=/sys/kernel/debug/kmemleak
HERE=$(dirname "$0")

plan=2
[ -e $KMEMLEAK ] && plan=3
ktap_plan $plan

# Suspects from before (boot) are not ours.
/selftests/velox/kmemleak.sh clear

if insmod "$KO" > /tmp/torture.out 2>&1; then
	"$HERE/velox-torture" --ko "$KO" "$@" >> /tmp/torture.out 2>&1
	rc=$?
else
	rc=1
fi
ktap_subtest velox-torture $rc /tmp/torture.out

# Whatever state the torture left: a run stops with the module, every CPU
# is back (velox-torture brought them back), and nothing holds it now.
for f in /sys/devices/system/cpu/cpu*/online; do
	[ "$(cat "$f")" = 1 ] || echo 1 > "$f"
done
lsmod | grep -q '^velox ' || insmod "$KO"
if out=$(rmmod velox 2>&1); then
	ktap_ok module_unloads_after_torture
else
	ktap_fail module_unloads_after_torture "expected rmmod velox to succeed, got: $out"
fi

# kmemleak reports objects at least 5 s old, seen unreferenced by a scan.
if [ -e $KMEMLEAK ]; then
	sleep 6
	# A scan that fails (kmemleak turned itself off) fails too.
	if leaks=$(/selftests/velox/kmemleak.sh check); then
		ktap_ok kmemleak_reports_nothing
	else
		ktap_fail kmemleak_reports_nothing "expected no leak and a working kmemleak, got:
$(echo "$leaks" | head -n 80)"
	fi
fi
ktap_finish
