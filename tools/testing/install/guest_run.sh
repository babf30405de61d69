#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In the guest (scripts/vm.sh): load velox.ko with LOAD, print its
# version, run it for a second at 20 k/s under policy block with CTL
# (default: velox-ctl on the PATH), check that everything generated was
# delivered, unload it with UNLOAD and say whether it is gone.  Prints
# "version V", "btf velox_engine" (its BTF is loaded), "ctl V", "run ok"
# and "unloaded" when each step held;
# the *_test.sh here look for those lines.
set -e
load=$1 unload=$2 ctl=${3:-velox-ctl}

$load
echo "version $(cat /sys/module/velox/version)"
grep -qs velox_engine /sys/kernel/btf/velox && echo "btf velox_engine"
echo "ctl $("$ctl" --version | sed 's/^velox-ctl //')"
"$ctl" run --duration 1 --rate 20k --policy block >/dev/null
s=$("$ctl" status --json)
gen=$(echo "$s" | sed -n 's/.*"generated":\([0-9]*\).*/\1/p')
del=$(echo "$s" | sed -n 's/.*"delivered":\([0-9]*\).*/\1/p')
[ "${gen:-0}" -gt 0 ] && [ "$gen" = "$del" ] && echo "run ok"
$unload
if lsmod | grep -q '^velox '; then echo "still loaded"; else echo "unloaded"; fi
