#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict, from the unpacked linux-source tree, on every
# kernel-side file: module/, kunit/ and the uapi header.  Any ERROR,
# WARNING or CHECK fails.
set -euo pipefail

case "${1:-}" in
-h | --help)
	echo "usage: scripts/checkpatch.sh [FILE...]   (default: all kernel-side files)"
	exit 0 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$("$top/scripts/ksrc.sh")
cd "$top"
if [ $# = 0 ]; then
	set -- $(git ls-files -co --exclude-standard 'module/*.[ch]' 'kunit/*.[ch]' \
		'kunit/Kconfig' 'uapi/*.h' | sort -u)
fi
check() {
	perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --show-types \
		--terse --no-summary "$@"
}

# module/main.c's VELOX_PARAM passes a parameter's name three times:
# MACRO_ARG_REUSE cannot tell that identifier from an expression with
# side effects, so it is ignored there, and only there.
rest=() main=()
for f in "$@"; do
	case $f in
	module/main.c) main+=("$f") ;;
	*) rest+=("$f") ;;
	esac
done
rc=0
[ ${#rest[@]} = 0 ] || check -f "${rest[@]}" || rc=1
[ ${#main[@]} = 0 ] || check --ignore MACRO_ARG_REUSE -f "${main[@]}" || rc=1
exit $rc
