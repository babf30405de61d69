#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS on the host, with Debian's dkms: "make dkms-install" for both
# installed header versions (6.1 and 6.12) builds and installs velox.ko
# for each, the module DKMS built loads and runs in the matching VM
# kernel, a kernel without headers is refused by name, and "make
# dkms-remove" leaves nothing behind.  This changes the host's DKMS tree
# (/usr/src, /var/lib/dkms, /lib/modules/*/updates/dkms): it removes
# any velox there first and at the end.  KTAP, "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
here=$(cd "$(dirname "$0")" && pwd)
. "$top/scripts/ktap.sh"

version=$(cat "$top/VERSION")
k61=$("$top/scripts/kver.sh" 6.1) || exit 1
k612=$("$top/scripts/kver.sh" 6.12) || exit 1
# One run at a time on a host (two checkouts' make check).
exec 8>/run/lock/velox-dkms-test.lock
flock 8

# What DKMS's depmod adds to the kernels' module dirs (modules.dep and
# its kin, where only the headers' "build" link was) goes at the end.
tmp=$(mktemp -d)
ls -d /lib/modules/"$k61"/* /lib/modules/"$k612"/* 2>/dev/null | sort >"$tmp/before"
cleanup() {
	make -s -C "$top" dkms-remove >/dev/null 2>&1
	ls -d /lib/modules/"$k61"/* /lib/modules/"$k612"/* 2>/dev/null | sort |
		comm -13 "$tmp/before" - | xargs -r rm -rf
	rm -rf "$tmp"
}
trap cleanup EXIT

# Every trace of velox in DKMS's trees and the kernels' module dirs.
traces() {
	find /usr/src /var/lib/dkms /lib/modules -name '*velox*' 2>/dev/null
	dkms status velox 2>/dev/null | grep .
	grep -ls velox /lib/modules/*/modules.dep
}

ktap_plan 9
make -s -C "$top" dkms-remove >/dev/null 2>&1

# BTF: Debian's 6.12 headers hold a vmlinux, so Kbuild gives that module
# its BTF; 6.1's do not, and 6.1's vmlinux as BTF_BASE goes through DKMS
# to scripts/btf.sh (which leaves 6.12's module as Kbuild made it).
"$here/vmlinux.sh" "$k61" "$tmp/vmlinux-6.1" || exit 1
BTF_BASE=$tmp/vmlinux-6.1 make -s -C "$top" dkms-install DKMS_KERNELS="$k61 $k612" \
	>"$tmp/install.log" 2>&1
rc=$?
for s in 6.1 6.12; do
	k=$("$top/scripts/kver.sh" "$s")
	name=dkms_builds_for_$s
	line=$(grep "^dkms.sh: velox $version built and installed for $k in" "$tmp/install.log")
	if [ $rc = 0 ] && [ -n "$line" ] &&
		dkms status "velox/$version" -k "$k" 2>/dev/null | grep -q ': installed$'; then
		ktap_diag "${line#dkms.sh: }"
		ktap_ok "$name"
	else
		ktap_fail "$name" "make dkms-install exited $rc: $(tail -n 5 "$tmp/install.log")"
	fi
done

# What DKMS installed, in the VM of its kernel (6.12's is xz'd), both
# guests side by side once what vm.sh builds for them is built.
make -s -C "$top" tools >/dev/null 2>&1
make -s -C "$top/tools/testing/selftests/velox" >/dev/null 2>&1
declare -A pid
for s in 6.1 6.12; do
	k=$("$top/scripts/kver.sh" "$s")
	ko=$(find "/lib/modules/$k/updates/dkms" -name 'velox.ko*' 2>/dev/null | head -n 1)
	case $ko in
	'') continue ;;
	*.xz) xz -dc "$ko" >"$tmp/velox-$s.ko" ;;
	*.zst) zstd -qdc "$ko" >"$tmp/velox-$s.ko" ;;
	*) cp "$ko" "$tmp/velox-$s.ko" ;;
	esac
	"$top/scripts/kbuild.sh" --kernel "$s" >/dev/null
	"$top/scripts/vm.sh" --kernel "$s" --timeout 240 --add "$tmp/velox-$s.ko" \
		--add "$here/guest_run.sh" -- sh /extra/guest_run.sh \
		"insmod /extra/velox-$s.ko" "rmmod velox" >"$tmp/vm-$s.out" 2>&1 &
	pid[$s]=$!
done
for s in 6.1 6.12; do
	name=dkms_module_runs_in_$s
	if [ -z "${pid[$s]-}" ]; then
		ktap_fail "$name" "no velox.ko in /lib/modules/$("$top/scripts/kver.sh" "$s")/updates/dkms"
		continue
	fi
	wait "${pid[$s]}"
	rc=$?
	if [ $rc = 0 ] && grep -q "^version $version\$" "$tmp/vm-$s.out" &&
		grep -q "^run ok\$" "$tmp/vm-$s.out" && grep -q "^unloaded\$" "$tmp/vm-$s.out"; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "vm.sh exited $rc: $(tail -n 5 "$tmp/vm-$s.out")"
	fi
done
if grep -q "^btf velox_engine\$" "$tmp/vm-6.1.out" 2>/dev/null &&
	grep -q "^btf velox_engine\$" "$tmp/vm-6.12.out" 2>/dev/null; then
	ktap_ok dkms_modules_have_btf
else
	ktap_fail dkms_modules_have_btf "no /sys/kernel/btf/velox naming velox_engine in the guest of: $(grep -L '^btf velox_engine$' "$tmp/vm-6.1.out" "$tmp/vm-6.12.out" 2>&1 | tr '\n' ' ')"
fi

# DKMS signs what it builds with its own key (Documentation/install.rst,
# "Secure Boot").
if modinfo -F signer "$(find /lib/modules/"$k61"/updates/dkms -name 'velox.ko*' | head -n 1)" 2>/dev/null |
	grep -q .; then
	ktap_ok dkms_signs_the_module
else
	ktap_fail dkms_signs_the_module "modinfo shows no signer"
fi

# A kernel without headers: refused, by name, before anything changes.
before=$(traces | sort)
out=$("$top/scripts/dkms.sh" install 0.0.0-none 2>&1)
rc=$?
after=$(traces | sort)
if [ $rc = 1 ] && grep -q "no headers for 0.0.0-none" <<<"$out" && [ "$before" = "$after" ]; then
	ktap_ok a_kernel_without_headers_is_refused
else
	ktap_fail a_kernel_without_headers_is_refused "exit $rc: $out"
fi

make -s -C "$top" dkms-remove >"$tmp/remove.log" 2>&1
rc=$?
left=$(traces | tr '\n' ' ')
if [ $rc = 0 ] && [ -z "$left" ]; then
	ktap_ok dkms_remove_leaves_nothing
else
	ktap_fail dkms_remove_leaves_nothing "exit $rc; left: $left"
fi

# dkms-remove takes out velox only: DKMS's signing key, which every
# other DKMS module on the machine is signed with, stays.
if [ -d /var/lib/dkms ] && [ -f /var/lib/dkms/mok.key ]; then
	ktap_ok dkms_keeps_its_signing_key
else
	ktap_fail dkms_keeps_its_signing_key "/var/lib/dkms/mok.key is gone"
fi
ktap_finish
