#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Loading and unloading velox.ko: the device and debugfs come and go with it,
# and velox-ctl reports the module, or its absence, as documented.
. ktap.sh	# scripts/ktap.sh, on the guest's PATH (vm.sh)

KO=${VELOX_KO:-/velox.ko}
DBG=/sys/kernel/debug/velox
CYCLES=20

ktap_plan 5

# 1: every cycle loads, shows /dev/velox and debugfs, and unloads cleanly.
why=
i=0
while [ $i -lt $CYCLES ] && [ -z "$why" ]; do
	i=$((i + 1))
	if ! out=$(insmod "$KO" 2>&1); then
		why="cycle $i: insmod: $out"
	elif [ ! -c /dev/velox ]; then
		why="cycle $i: /dev/velox missing after insmod"
	elif [ ! -d $DBG ]; then
		why="cycle $i: $DBG missing after insmod"
	elif ! out=$(rmmod velox 2>&1); then
		why="cycle $i: rmmod: $out"
	elif [ -e /dev/velox ] || [ -e $DBG ]; then
		why="cycle $i: /dev/velox or $DBG left behind by rmmod"
	fi
done
if [ -z "$why" ]; then ktap_ok "insmod_rmmod_${CYCLES}_cycles"; else ktap_fail "insmod_rmmod_${CYCLES}_cycles" "$why"; fi

# 2: without the module, velox-ctl says so in one line and exits 1.
err=$(velox-ctl info 2>&1 >/dev/null)
rc=$?
want="velox-ctl: /dev/velox: module not loaded (insmod velox.ko)"
if [ $rc = 1 ] && [ "$err" = "$want" ]; then
	ktap_ok ctl_info_without_module_fails_with_one_line
else
	ktap_fail ctl_info_without_module_fails_with_one_line "expected exit 1 and '$want', got exit $rc and '$err'"
fi

insmod "$KO"

# 3: velox-ctl info reports the module's ABI version.
out=$(velox-ctl info)
rc=$?
if [ $rc = 0 ] && echo "$out" | grep -qx 'abi_version *3'; then
	ktap_ok ctl_info_reports_abi_version
else
	ktap_fail ctl_info_reports_abi_version "expected exit 0 and 'abi_version 3', got exit $rc: $out"
fi

# 4: debugfs info is read-only and says the same.
mode=$(stat -c %a $DBG/info 2>&1)
out=$(cat $DBG/info 2>&1)
if [ "$mode" = 444 ] && echo "$out" | grep -qx 'abi_version: 3'; then
	ktap_ok debugfs_info_read_only_with_abi_version
else
	ktap_fail debugfs_info_read_only_with_abi_version "expected mode 444 and 'abi_version: 3', got mode $mode: $out"
fi

rmmod velox

# 5: usage errors exit 2.
velox-ctl no-such-verb 2>/dev/null
rc1=$?
velox-ctl info --no-such-option 2>/dev/null
rc2=$?
if [ $rc1 = 2 ] && [ $rc2 = 2 ]; then
	ktap_ok ctl_usage_errors_exit_2
else
	ktap_fail ctl_usage_errors_exit_2 "expected exit 2 twice, got $rc1 and $rc2"
fi

ktap_finish
