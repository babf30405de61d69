#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install velox.ko's sources as a DKMS module and build it, or take them
# out again: what "make dkms-install" and "make dkms-remove" run.  It
# touches only what a source tree put there: if the velox-dkms package
# owns /usr/src/velox-*, both refuse (use apt to change a packaged one).
set -euo pipefail

usage() {
	cat <<USAGE
usage: scripts/dkms.sh install [KERNELRELEASE...]
       scripts/dkms.sh remove

  install  copy the module's sources to /usr/src/velox-VERSION (owned by
           root) with dkms.conf, "dkms add" them, then "dkms install" for
           each KERNELRELEASE (default: the running kernel); any velox
           a source tree added before, of any version, is removed first
  remove   "dkms remove" every version of velox a source tree added, for
           every kernel, and delete its /usr/src/velox-*

VERSION comes from the tree's VERSION file.  Needs root and dkms.  One
run at a time (a lock in /run/lock).
USAGE
}

top=$(cd "$(dirname "$0")/.." && pwd)
version=$(cat "$top/VERSION")

die() {
	echo "dkms.sh: $*" >&2
	exit 1
}

# The versions of velox DKMS knows, one per line.
added() {
	dkms status velox 2>/dev/null |
		sed -n 's|^velox/\([^,:]*\)[,:].*|\1|p' | sort -u
}

# Refuse to touch a velox that dpkg installed.
not_packaged() {
	local d
	for d in /usr/src/velox-*; do
		[ -e "$d" ] || continue
		if dpkg-query -S "$d" >/dev/null 2>&1; then
			die "$d belongs to a package ($(dpkg-query -S "$d" 2>/dev/null | cut -d: -f1)): remove it with apt first"
		fi
	done
}

remove_all() {
	local v
	for v in $(added); do
		dkms remove "velox/$v" --all >/dev/null
	done
	rm -rf /usr/src/velox-*
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
install) ;;
remove)
	[ $# = 0 ] || { usage >&2; exit 2; }
	;;
-h | --help) usage; exit 0 ;;
*) usage >&2; exit 2 ;;
esac
command -v dkms >/dev/null || die "dkms is not installed (apt-get install dkms)"
[ "$(id -u)" = 0 ] || die "must run as root"
exec 9>/run/lock/velox-dkms.lock
flock 9
not_packaged

if [ "$cmd" = remove ]; then
	remove_all
	exit 0
fi

[ $# = 0 ] && set -- "$(uname -r)"
for k in "$@"; do
	[ -e "/lib/modules/$k/build/Makefile" ] ||
		die "no headers for $k (/lib/modules/$k/build): apt-get install linux-headers-$k"
done
remove_all
src=/usr/src/velox-$version
mkdir -p "$src"
# Root's files: DKMS rebuilds and loads them at every kernel upgrade.
(cd "$top" && scripts/module-sources.sh | cpio -pdm --quiet --no-preserve-owner "$src")
sed "s/#MODULE_VERSION#/$version/" "$top/dkms.conf" >"$src/dkms.conf"
dkms add "velox/$version"
for k in "$@"; do
	t0=$SECONDS
	dkms install "velox/$version" -k "$k"
	echo "dkms.sh: velox $version built and installed for $k in $((SECONDS - t0)) s"
done
