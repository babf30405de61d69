#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install velox.ko's sources as a DKMS module and build it, or take them
# out again: what "make dkms-install" and "make dkms-remove" run.
set -euo pipefail

usage() {
	cat <<USAGE
usage: scripts/dkms.sh install [KERNELRELEASE...]
       scripts/dkms.sh remove

  install  copy the module's sources to /usr/src/velox-VERSION with
           dkms.conf, "dkms add" them, then "dkms install" for each
           KERNELRELEASE (default: the running kernel); an older or
           equal version already added is removed first
  remove   "dkms remove" every version of velox for every kernel and
           delete /usr/src/velox-*

VERSION comes from the tree's VERSION file.  Needs root and dkms.
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
(cd "$top" && scripts/module-sources.sh | cpio -pdm --quiet "$src")
sed "s/#MODULE_VERSION#/$version/" "$top/dkms.conf" >"$src/dkms.conf"
dkms add "velox/$version"
for k in "$@"; do
	t0=$SECONDS
	dkms install "velox/$version" -k "$k"
	echo "dkms.sh: velox $version built and installed for $k in $((SECONDS - t0)) s"
done
