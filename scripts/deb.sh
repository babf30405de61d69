#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: build the velox-dkms and velox-tools packages with debhelper
# (debian/) from a copy of the tree's tracked files in
# out/deb/velox-VERSION, and print the two .deb paths.  The changelog is
# written here from VERSION, so the version is said once.
set -euo pipefail

case "${1:-}" in
-h | --help)
	echo "usage: scripts/deb.sh    (packages into out/deb/)"
	exit 0
	;;
"") ;;
*)
	echo "usage: scripts/deb.sh" >&2
	exit 2
	;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
version=$(cat "$top/VERSION")
out=$top/out/deb
stage=$out/velox-$version

command -v dpkg-buildpackage >/dev/null || {
	echo "deb.sh: dpkg-buildpackage missing (apt-get install debhelper dh-dkms)" >&2
	exit 1
}
rm -rf "$out"
mkdir -p "$stage"
# The tree as git sees it: tracked files as they are in the work tree,
# and new files not ignored.
(cd "$top" && git ls-files -z --cached --others --exclude-standard | cpio -0pdm --quiet "$stage")

# One entry: this version, dated by the last commit (same tree, same
# packages), naming the commit it was built from.
commit=$(cd "$top" && git rev-parse --short HEAD)
# The packages hold the work tree: say so when it is not the commit.
if [ -n "$(cd "$top" && git status --porcelain --untracked-files=normal)" ]; then
	commit="$commit with uncommitted changes"
fi
date=$(cd "$top" && git log -1 --format=%cD)
maint=$(sed -n 's/^Maintainer: //p' "$top/debian/control")
cat >"$stage/debian/changelog" <<CHANGELOG
velox ($version) unstable; urgency=medium

  * Velox $version, built from commit $commit.

 -- $maint  $date
CHANGELOG

if ! (cd "$stage" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	echo "deb.sh: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
fi
ls "$out"/velox-dkms_"$version"_all.deb "$out"/velox-tools_"$version"_*.deb
