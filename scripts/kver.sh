#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the full version of the newest installed Debian kernel headers of a
# series, e.g. "6.1" -> "6.1.0-56-amd64", "6.12" -> "6.12.117+deb12-amd64";
# "latest" and "latest-rt": sid's newest kernel and its PREEMPT_RT flavour
# (scripts/latest-kernel.sh sets them up the first time).  Versions are
# discovered, so a new Debian ABI needs no change here.
set -euo pipefail

case "${1:-}" in
6.1 | 6.12) series=$1 ;;
latest) exec "$(dirname "$0")/latest-kernel.sh" ;;
latest-rt) exec "$(dirname "$0")/latest-kernel.sh" --rt ;;
-h | --help)
	echo "usage: scripts/kver.sh 6.1|6.12|latest|latest-rt"
	exit 0 ;;
*)
	echo "usage: scripts/kver.sh 6.1|6.12|latest|latest-rt" >&2
	exit 2 ;;
esac

kver=$(cd /usr/src && ls -d "linux-headers-$series".[0-9]*-amd64 2>/dev/null |
	sed 's/^linux-headers-//' | sort -V | tail -n 1)
if [ -z "$kver" ]; then
	echo "kver.sh: no linux-headers-$series.*-amd64 in /usr/src (run scripts/deps.sh)" >&2
	exit 1
fi
echo "$kver"
