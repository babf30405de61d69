#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build velox.ko against one kernel's headers in a private copy of the
# sources (so 6.1 and 6.12 objects never mix), and print the .ko's path.
# With --check the build is W=1 and sparse (C=1), and any warning fails it.
# With --kunit it builds the KUnit test module velox_kunit.ko instead (the
# suites of kunit/ with the module's code), for the debug kernel.
set -euo pipefail

usage() {
	cat <<USAGE
usage: scripts/kbuild.sh [--kernel 6.1|6.12|latest|latest-rt|debug] [--check] [--kunit]

  --kernel S   headers series to build against (default 6.1; 6.12;
               latest and latest-rt: sid's newest, built in the sid root
               of scripts/latest-kernel.sh), or the debug kernel's tree
               (scripts/debug-kernel.sh)
  --check      W=1 and sparse; print every warning and fail on any
  --kunit      velox_kunit.ko, the KUnit suites as a test module
               (the debug kernel only: Debian's kernels have no KUnit)
USAGE
}

top=$(cd "$(dirname "$0")/.." && pwd)
series=6.1
check=0
kunit=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) series=${2:?}; shift 2 ;;
	--check) check=1; shift ;;
	--kunit) kunit=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

if [ $kunit = 1 ] && [ "$series" != debug ]; then
	echo "kbuild.sh: --kunit needs --kernel debug (a kernel with KUnit)" >&2
	exit 2
fi
# sid's kernels build in the sid root (scripts/latest-kernel.sh), with
# its compiler: paths below are the root's, "run" enters it.
root=
case $series in
debug)
	kdir=$("$top/scripts/debug-kernel.sh")
	kver=debug
	;;
latest | latest-rt)
	kver=$("$top/scripts/kver.sh" "$series")
	root=${VELOX_CACHE:-/var/cache/velox}/sid-root
	kdir=/usr/src/linux-headers-$kver
	;;
*)
	kver=$("$top/scripts/kver.sh" "$series")
	kdir=/usr/src/linux-headers-$kver
	;;
esac
# objtool reads /proc: the root gets its own, in a mount namespace of the
# build's, which goes with it (two builds at once, none left mounted).
run() {
	if [ -n "$root" ]; then
		unshare --mount --propagation private sh -c \
			'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' \
			"$root" env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
	else
		"$@"
	fi
}
# One build dir per checkout: cpio keeps each file's time, so in a dir
# shared with another checkout an older file would never be recompiled.
# (In the sid root, under /velox-build; $out is the host's path to it.)
build=${root:+/velox-build}
build=${build:-${VELOX_CACHE:-/var/cache/velox}/kbuild}/$kver-$(printf %s "$top" | sha1sum | cut -c1-12)

# A check build starts from a fresh copy, so W=1 and sparse see every file;
# a plain build keeps its objects and the copy's times, and is incremental.
[ $check = 1 ] && build=$build-check
[ $kunit = 1 ] && build=$build-kunit
out=$root$build
# One build per output dir at a time (two runs from one checkout).
mkdir -p "${out%/*}"
exec 9>"$out.lock"
flock 9
[ $check = 1 ] && rm -rf "$out"
mkdir -p "$out"
srcs=()
[ $kunit = 1 ] && srcs=(--kunit)
"$top/scripts/module-sources.sh" ${srcs[@]+"${srcs[@]}"} |
	(cd "$top" && cpio -pdmu --quiet "$out")

flags=()
[ $check = 1 ] && flags=(W=1 C=1)
ko=velox.ko
[ $kunit = 1 ] && flags+=(VELOX_KUNIT=1) && ko=velox_kunit.ko
log=$out/build.log
if ! run make -j"$(nproc)" -C "$kdir" M="$build" "${flags[@]}" modules >"$log" 2>&1; then
	cat "$log" >&2
	echo "kbuild.sh: build against $kver failed" >&2
	exit 1
fi
if [ $check = 1 ] && grep -E 'warning:|error:' "$log" >&2; then
	echo "kbuild.sh: warnings building against $kver (W=1 C=1)" >&2
	exit 1
fi
echo "$out/$ko"
