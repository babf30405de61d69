#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A scratch Debian root to install Velox's packages into: bookworm
# (minbase, from the mirror the host's apt uses) with dkms and the 6.1
# kernel headers the host builds against, made once into
# ${VELOX_CACHE:-/var/cache/velox}/deb-root/<headers version> and reused.
# Prints its path.  Tests mount it as the lower layer of an overlay and
# throw the upper layer away, so the cached root never changes.
set -euo pipefail

case "${1:-}" in
-h | --help)
	echo "usage: scripts/deb-root.sh"
	exit 0
	;;
"") ;;
*)
	echo "usage: scripts/deb-root.sh" >&2
	exit 2
	;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
kver=$("$top/scripts/kver.sh" 6.1)
out=${VELOX_CACHE:-/var/cache/velox}/deb-root/$kver
mkdir -p "${out%/*}"
exec 9>"$out.lock"
flock 9
if [ -f "$out/.ready" ]; then
	echo "$out"
	exit 0
fi

# The host's bookworm mirror (deb822 sources or the one-line list).
mirror=$(sed -n 's/^URIs: *\(.*debian\)\/* *$/\1/p' /etc/apt/sources.list.d/*.sources \
	2>/dev/null | grep -v security | head -n 1)
[ -z "$mirror" ] && mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' \
	/etc/apt/sources.list 2>/dev/null)
mirror=${mirror:-http://deb.debian.org/debian}

rm -rf "$out.tmp"
debootstrap --variant=minbase bookworm "$out.tmp" "$mirror" >"$out.log" 2>&1 || {
	tail -n 20 "$out.log" >&2
	echo "deb-root.sh: debootstrap failed (log: $out.log)" >&2
	exit 1
}
# The host's package sources: its kernel headers may come from an update
# suite (bookworm-security) that debootstrap's one-line list lacks.
rm -f "$out.tmp/etc/apt/sources.list"
cp /etc/apt/sources.list.d/*.sources "$out.tmp/etc/apt/sources.list.d/" 2>/dev/null || true
[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$out.tmp/etc/apt/"
# Enough of a system for apt and dkms: proc for the maintainer scripts.
mount -t proc proc "$out.tmp/proc"
trap 'umount "$out.tmp/proc" 2>/dev/null || true' EXIT
chroot "$out.tmp" env DEBIAN_FRONTEND=noninteractive sh -c "
	apt-get update -qq &&
	apt-get install -y -qq --no-install-recommends dkms linux-headers-$kver &&
	apt-get clean" >>"$out.log" 2>&1 || {
	tail -n 20 "$out.log" >&2
	echo "deb-root.sh: installing dkms and linux-headers-$kver failed (log: $out.log)" >&2
	exit 1
}
umount "$out.tmp/proc"
trap - EXIT
touch "$out.tmp/.ready"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out"
