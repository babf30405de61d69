#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The files velox.ko is built from, one path per line, relative to the
# top of the tree: what scripts/kbuild.sh copies into a build dir, what
# "make dkms-install" puts in /usr/src/velox-VERSION and what the
# velox-dkms package ships (with dkms.mk and scripts/btf.sh, DKMS's build
# command).  With --kunit, the KUnit suites' files too.
set -euo pipefail

case "${1:-}" in
--kunit) dirs=(module uapi kunit) ;;
"") dirs=(module uapi) ;;
-h | --help)
	echo "usage: scripts/module-sources.sh [--kunit]"
	exit 0
	;;
*)
	echo "usage: scripts/module-sources.sh [--kunit]" >&2
	exit 2
	;;
esac

cd "$(dirname "$0")/.."
printf '%s\n' Kbuild VERSION dkms.mk scripts/btf.sh
find "${dirs[@]}" \( -name Kbuild -o -name '*.mk' -o -name '*.[ch]' \) -print |
	LC_ALL=C sort
