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
# MACRO_ARG_REUSE is ignored: it cannot tell an identifier argument (a
# module parameter's name in main.c's VELOX_PARAM) from an expression
# with side effects, and only identifiers are passed twice here.
perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --show-types \
	--ignore MACRO_ARG_REUSE --terse --no-summary -f "$@"
