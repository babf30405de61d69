#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of Debian's linux-source-6.1 tree, unpacking
# /usr/src/linux-source-6.1.tar.xz into the cache the first time.
# kunit.sh builds in it; checkpatch.sh runs its checkpatch.pl.
set -euo pipefail

case "${1:-}" in
-h | --help)
	echo "usage: scripts/ksrc.sh    prints the unpacked linux-source-6.1 path"
	exit 0 ;;
esac

CACHE=${VELOX_CACHE:-/var/cache/velox}
tarball=/usr/src/linux-source-6.1.tar.xz
dest=$CACHE/linux-source-6.1

if [ ! -f "$dest/.velox-unpacked" ]; then
	if [ ! -f "$tarball" ]; then
		echo "ksrc.sh: $tarball missing (run scripts/deps.sh)" >&2
		exit 1
	fi
	mkdir -p "$CACHE"
	rm -rf "$dest" "$dest.tmp"
	mkdir "$dest.tmp"
	tar -xf "$tarball" -C "$dest.tmp" --strip-components=1
	touch "$dest.tmp/.velox-unpacked"
	mv "$dest.tmp" "$dest"
fi
echo "$dest"
