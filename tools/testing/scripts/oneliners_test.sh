#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The perf and bpftrace one-liners of Documentation/profiling.rst, read from
# that file (between ".. oneliners-begin" and ".. oneliners-end"), each run
# in the VM with the host's tools (scripts/vm.sh --share-host) while the
# pipeline runs.  A line passes if it exits 0 and prints a non-zero count
# (or, for "perf list", the events); and the guest's kernel must stay clean
# while they attach and detach.  KTAP, "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/ktap.sh"
doc=$top/Documentation/profiling.rst

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed -n '/^\.\. oneliners-begin/,/^\.\. oneliners-end/p' "$doc" |
	sed -n 's/^    \(\(perf\|bpftrace\) .*\)$/\1/p' >"$tmp/lines"
n=$(wc -l <"$tmp/lines")

# The guest runs the lines under chroot /host side by side (bpftrace
# takes most of a minute to start in TCG; each line counts its own
# events, whatever the others do), then prints each one's output and
# exit status framed by markers, so that the host can tell them apart.
{
	echo 'insmod /velox.ko || exit 1'
	echo 'velox-ctl start --rate 50k --sample 16 --ring 16 >/dev/null || exit 1'
	i=0
	while IFS= read -r line; do
		i=$((i + 1))
		printf '{ chroot /host sh -c %q >/tmp/line%d.out 2>&1; echo $? >/tmp/line%d.rc; } &\n' \
			"$line" "$i" "$i"
	done <"$tmp/lines"
	echo 'wait'
	i=0
	while [ $i -lt "$n" ]; do
		i=$((i + 1))
		printf 'echo "@@LINE %d"; cat /tmp/line%d.out; echo "@@EXIT $(cat /tmp/line%d.rc)"\n' \
			"$i" "$i" "$i"
	done
	echo 'velox-ctl stop >/dev/null && rmmod velox'
} >"$tmp/guest.sh"

ktap_plan $((n + 2))
if [ "$n" -lt 3 ]; then
	ktap_fail doc_has_oneliners "expected the one-liners block in $doc, found $n lines"
else
	ktap_ok doc_has_oneliners
fi

"$top/scripts/vm.sh" --share-host --timeout 400 --add "$tmp/guest.sh" \
	-- sh /extra/guest.sh >"$tmp/out" 2>&1
vm_rc=$?
# vm.sh fails on any kernel problem in the guest's log, and on a guest
# whose start or stop of the pipeline failed.
if [ $vm_rc = 0 ]; then
	ktap_ok vm_clean_with_tools_attached
else
	ktap_fail vm_clean_with_tools_attached "vm.sh exit $vm_rc: $(grep -v '^@@' "$tmp/out" | tail -n 20)"
fi

i=0
while IFS= read -r line; do
	i=$((i + 1))
	out=$(sed -n "/^@@LINE $i\$/,/^@@EXIT/p" "$tmp/out")
	rc=$(echo "$out" | sed -n 's/^@@EXIT \([0-9]*\)$/\1/p')
	# What the tool printed, without the markers and bpftrace's banner.
	said=$(echo "$out" | grep -v -E '^@@|^Attaching [0-9]+ probe')
	name="oneliner_$i $(echo "$line" | cut -c1-50)"
	if [ "$rc" = 0 ] &&
	   echo "$said" | grep -q -E '(^|[^0-9.])[1-9][0-9]*( |$)|Tracepoint event'; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "exit '${rc:-none}' (vm.sh $vm_rc), output:
$(echo "$out" | head -n 20)
$( [ -n "$out" ] || tail -n 20 "$tmp/out")"
	fi
done <"$tmp/lines"
ktap_finish
