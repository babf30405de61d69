#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kmemleak.sh clear|check, in the guest: what kmemleak found since the
# last clear.  "clear" forgets what it reports now (the boot's own);
# "check" scans, prints each unreferenced object as a KTAP diagnostic,
# clears them and fails if there was any.  An object is reported once
# it went unreferenced for 5 s (a check right after a leak misses it, the
# next one finds it) and its contents held still from one scan to the
# next: so a check scans twice.  On a kernel without kmemleak (Debian's) there is
# nothing to scan and both succeed: run.sh then adds no kmemleak case.
K=/sys/kernel/debug/kmemleak
[ -e "$K" ] || exit 0

case $1 in
clear)
	echo scan > "$K" && echo clear > "$K" ;;
check)
	echo scan > "$K" && echo scan > "$K" || exit 1
	leaks=$(cat "$K")
	[ -z "$leaks" ] && exit 0
	echo "$leaks" | sed 's/^/# kmemleak: /'
	echo clear > "$K"
	exit 1 ;;
*)
	echo "usage: kmemleak.sh clear|check" >&2
	exit 2 ;;
esac
