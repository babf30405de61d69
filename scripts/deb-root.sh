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

# The host's Debian mirror: the first "debian" URI of its apt sources,
# deb822 or one-line (nothing found is not an error: the default then).
mirror=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
	awk '($1 == "URIs:" || $1 == "deb") {
		for (i = 2; i <= NF; i++)
			if ($i ~ /^https?:\/\/.*\/debian\/?$/) { sub(/\/$/, "", $i); print $i; exit }
	}' || true)
mirror=${mirror:-http://deb.debian.org/debian}
security=${mirror%/debian}/debian-security

# A run killed inside debootstrap may have left a mount in the old tree.
umount -R "$out.tmp" 2>/dev/null || true
rm -rf --one-file-system "$out.tmp"
debootstrap --variant=minbase bookworm "$out.tmp" "$mirror" >"$out.log" 2>&1 || {
	tail -n 20 "$out.log" >&2
	echo "deb-root.sh: debootstrap failed (log: $out.log)" >&2
	exit 1
}
# bookworm with its updates and security suites: the host's headers may
# come from one of those, which debootstrap's own list lacks.  Written
# here rather than copied from the host, whose other repositories may
# need keys or proxies the root does not have.
rm -f "$out.tmp/etc/apt/sources.list"
cat >"$out.tmp/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
# Enough of a system for apt and dkms: proc for the maintainer scripts.
mount -t proc proc "$out.tmp/proc"
trap 'umount "$out.tmp/proc" 2>/dev/null || true' EXIT
chroot "$out.tmp" env DEBIAN_FRONTEND=noninteractive sh -c "
	apt-get update -qq &&
	apt-get install -y -qq --no-install-recommends dkms linux-headers-$kver &&
	apt-get clean" >>"$out.log" 2>&1 || {
	tail -n 20 "$out.log" >&2
	echo "deb-root.sh: installing dkms and linux-headers-$kver failed (log: $out.log);" \
		"if the mirror has moved to a newer ABI, apt-get upgrade the host's headers" >&2
	exit 1
}
umount "$out.tmp/proc"
trap - EXIT
touch "$out.tmp/.ready"
rm -rf --one-file-system "$out"
mv "$out.tmp" "$out"
echo "$out"
