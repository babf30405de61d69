#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages: "make deb" builds velox-dkms and velox-tools,
# lintian finds no error in them, and "apt-get install ./velox-dkms_*.deb
# ./velox-tools_*.deb" in a scratch bookworm root (scripts/deb-root.sh,
# behind a throwaway overlay) makes DKMS build the module for the root's
# 6.1 headers; that module runs in the 6.1 VM, the installed velox-ctl
# runs, and purging the packages takes the module out again.  Needs the
# package mirror the host's apt uses (the tools' libraries come from it).
# KTAP, "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/ktap.sh"
version=$(cat "$top/VERSION")
kver=$("$top/scripts/kver.sh" 6.1) || exit 1

tmp=$(mktemp -d)
mnt=$tmp/root
cleanup() {
	for m in proc; do umount "$mnt/$m" 2>/dev/null; done
	umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ktap_plan 6

# 1. Two packages, each holding what it should.
debs=$(make -s -C "$top" deb 2>"$tmp/deb.err")
rc=$?
dkms_deb=$(grep '/velox-dkms_.*_all\.deb$' <<<"$debs")
tools_deb=$(grep '/velox-tools_.*\.deb$' <<<"$debs")
if [ $rc != 0 ] || [ -z "$dkms_deb" ] || [ -z "$tools_deb" ]; then
	ktap_fail make_deb_builds_both "exit $rc: $(tail -n 5 "$tmp/deb.err")"
	ktap_finish
	exit 1
fi
# Listed first: "dpkg -c | grep -q" under pipefail fails when grep stops
# reading early.
dpkg -c "$dkms_deb" | awk '{ print $6 }' >"$tmp/dkms.list"
dpkg -c "$tools_deb" | awk '{ print $6 }' >"$tmp/tools.list"
missing=
for f in "usr/src/velox-$version/dkms.conf" "usr/src/velox-$version/module/engine.c"; do
	grep -qx "./$f" "$tmp/dkms.list" || missing+=" velox-dkms:$f"
done
for f in usr/sbin/velox-ctl usr/sbin/velox-trace usr/share/man/man8/velox-ctl.8.gz \
	usr/share/man/man8/velox-trace.8.gz usr/share/bash-completion/completions/velox-ctl; do
	grep -qx "./$f" "$tmp/tools.list" || missing+=" velox-tools:$f"
done
# Each file in one package only.
both=$(sort "$tmp/dkms.list" "$tmp/tools.list" | uniq -d | grep -v '/$' | tr '\n' ' ')
[ -n "$both" ] && missing+=" (in both packages: $both)"
if [ -n "$missing" ]; then
	ktap_fail make_deb_builds_both "missing:$missing"
else
	ktap_diag "velox-dkms $(stat -c %s "$dkms_deb") bytes, velox-tools $(stat -c %s "$tools_deb") bytes"
	ktap_ok make_deb_builds_both
fi

# 2. lintian: no error; its warnings, if any, are printed.
lintian --pedantic "$dkms_deb" "$tools_deb" >"$tmp/lintian" 2>&1
grep -v 'running with root privileges' "$tmp/lintian" | while read -r l; do ktap_diag "lintian: $l"; done
if grep -q '^E:' "$tmp/lintian"; then
	ktap_fail lintian_finds_no_error "$(grep '^E:' "$tmp/lintian" | head -n 3)"
else
	ktap_ok lintian_finds_no_error
fi

# 3. Installed into a scratch Debian root, as a user would.
lower=$("$top/scripts/deb-root.sh") || exit 1
mkdir -p "$mnt" "$tmp/upper" "$tmp/work"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$tmp/upper,workdir=$tmp/work" "$mnt" &&
	mount -t proc proc "$mnt/proc" || exit 1
cp "$dkms_deb" "$tools_deb" "$mnt/tmp/"
in_root() {
	chroot "$mnt" env DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
t0=$SECONDS
in_root sh -c "apt-get update -qq && apt-get install -y -q --no-install-recommends \
	/tmp/$(basename "$dkms_deb") /tmp/$(basename "$tools_deb")" >"$tmp/apt.log" 2>&1
rc=$?
ko=$mnt/lib/modules/$kver/updates/dkms/velox.ko
if [ $rc = 0 ] && [ -f "$ko" ] &&
	in_root dkms status "velox/$version" -k "$kver" 2>/dev/null | grep -q ': installed$'; then
	ktap_diag "apt-get install with the DKMS build for $kver: $((SECONDS - t0)) s"
	ktap_ok install_builds_the_module_for_the_headers
else
	ktap_fail install_builds_the_module_for_the_headers "apt-get exited $rc: $(tail -n 8 "$tmp/apt.log")"
fi

# 4. The installed tools run there.
v=$(in_root velox-ctl --version 2>&1)
t=$(in_root velox-trace --version 2>&1)
if [ "$v" = "velox-ctl $version" ] && [ "$t" = "velox-trace $version" ]; then
	ktap_ok installed_tools_run
else
	ktap_fail installed_tools_run "velox-ctl: '$v', velox-trace: '$t'"
fi

# 5. The module the package's DKMS hook built runs in the 6.1 VM.
if [ -f "$ko" ]; then
	cp "$ko" "$tmp/velox.ko"
	"$top/scripts/vm.sh" --kernel 6.1 --timeout 180 --add "$tmp/velox.ko" \
		--add "$top/tools/testing/install/guest_run.sh" -- sh /extra/guest_run.sh \
		"insmod /extra/velox.ko" "rmmod velox" >"$tmp/vm.out" 2>&1
	rc=$?
fi
if [ -f "$ko" ] && [ $rc = 0 ] && grep -q "^version $version\$" "$tmp/vm.out" &&
	grep -q "^run ok\$" "$tmp/vm.out"; then
	ktap_ok packaged_module_runs_in_6.1
else
	ktap_fail packaged_module_runs_in_6.1 "$(tail -n 5 "$tmp/vm.out" 2>/dev/null)"
fi

# 6. Purged: DKMS forgets the module and nothing of it stays.
in_root apt-get purge -y -q velox-dkms velox-tools >"$tmp/purge.log" 2>&1
rc=$?
left=$(cd "$mnt" && find usr/src var/lib/dkms lib/modules usr/sbin usr/share \
	etc -name '*velox*' 2>/dev/null | tr '\n' ' ')
if [ $rc = 0 ] && [ -z "$left" ]; then
	ktap_ok purge_leaves_nothing
else
	ktap_fail purge_leaves_nothing "apt-get exited $rc; left: $left"
fi

ktap_finish
