#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# "make install" and "make uninstall" into a scratch root (DESTDIR, which
# stages the module too), for the 6.1 kernel: every file lands where the
# README says, the man pages and the bash completion work, the installed
# tree boots in the 6.1 VM where "modprobe velox" loads the module and
# the installed velox-ctl runs it, and uninstall leaves no Velox file.
# KTAP, "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/ktap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
kver=$("$top/scripts/kver.sh" 6.1) || exit 1
kdir=/usr/src/linux-headers-$kver
version=$(cat "$top/VERSION")
# The guest kernel's vmlinux, out of its image: the base the module's BTF
# is encoded against (scripts/btf.sh; the headers hold no vmlinux).
"$(dirname "$0")/vmlinux.sh" "$kver" "$tmp/vmlinux" || exit 1
# DESTDIR alone: the module is staged there too (INSTALL_MOD_PATH).
vars=(KDIR="$kdir" DESTDIR="$root" PREFIX=/usr BTF_BASE="$tmp/vmlinux")

ktap_plan 9

# 1. Every file, where it belongs.
make -s -j"$(nproc)" -C "$top" "${vars[@]}" install >"$tmp/install.log" 2>&1
rc=$?
want=(
	"lib/modules/$kver/updates/velox.ko"
	usr/sbin/velox-ctl usr/sbin/velox-trace
	usr/share/man/man8/velox-ctl.8 usr/share/man/man8/velox-trace.8
	usr/share/bash-completion/completions/velox-ctl
)
missing=()
for f in "${want[@]}"; do
	[ -f "$root/$f" ] || missing+=("$f")
done
if [ $rc != 0 ]; then
	ktap_fail install_puts_every_file "make install exited $rc: $(tail -n 5 "$tmp/install.log")"
elif [ ${#missing[@]} != 0 ]; then
	ktap_fail install_puts_every_file "missing: ${missing[*]}"
elif ! grep -qs "^updates/velox.ko:" "$root/lib/modules/$kver/modules.dep"; then
	ktap_fail install_puts_every_file "modules.dep does not list updates/velox.ko"
else
	ktap_ok install_puts_every_file
fi

# 2. The man pages: NAME and SYNOPSIS, stamped with VERSION, and groff
# finds nothing wrong in them.
bad=
for p in velox-ctl velox-trace; do
	f=$root/usr/share/man/man8/$p.8
	grep -q "^\.TH \"${p^^}\" 8 \"\" \"$version\"" "$f" 2>/dev/null ||
		bad+=" $p: no .TH with version $version;"
	text=$(MANWIDTH=80 man -l "$f" 2>"$tmp/man.err") || bad+=" $p: man -l failed;"
	grep -q "^NAME" <<<"$text" && grep -q "^SYNOPSIS" <<<"$text" ||
		bad+=" $p: no NAME or SYNOPSIS;"
	groff -man -Tutf8 -ww -z "$f" 2>"$tmp/groff.err"
	[ -s "$tmp/groff.err" ] && bad+=" $p: groff: $(head -n 1 "$tmp/groff.err");"
done
if [ -n "$bad" ]; then
	ktap_fail man_pages_render "$bad"
else
	ktap_ok man_pages_render
fi

# 3. Completion, from the installed script and program: commands, a
# command's options, an option's values from its help text.
complete_words() {
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_velox_ctl
		echo "${COMPREPLY[*]}"' _ \
		"$root/usr/share/bash-completion/completions/velox-ctl" \
		"$root/usr/sbin/velox-ctl" "$@"
}
got1=$(complete_words st)
got2=$(complete_words start --ba)
got3=$(complete_words start --backoff "")
got4=$(complete_words hist --stage e)
got5=$(complete_words help wa)
got6=$(complete_words run -d "")
got7=$(complete_words hist --j)
if [ "$got1" != "start stop status" ] || [ "$got2" != "--backoff" ] ||
	[ "$got3" != "spin yield sleep" ] || [ "$got4" != "egress e2e" ] ||
	[ "$got5" != "watch" ] || [ -n "$got6" ] || [ "$got7" != "--json" ]; then
	ktap_fail completion_reads_the_help "st -> '$got1', start --ba -> '$got2', --backoff -> '$got3', --stage e -> '$got4', help wa -> '$got5', run -d -> '$got6', hist --j -> '$got7'"
else
	ktap_ok completion_reads_the_help
fi

# 4. The installed tree in the 6.1 guest: modprobe finds the module
# through the installed modules.dep, and the installed velox-ctl runs it.
tar -C "$root" -czf "$tmp/root.tgz" lib usr/sbin
"$top/scripts/vm.sh" --kernel 6.1 --timeout 180 --add "$tmp/root.tgz" \
	--add "$(dirname "$0")/guest_run.sh" -- sh -c \
	'tar -C / -xzf /extra/root.tgz &&
	 sh /extra/guest_run.sh "modprobe velox" "modprobe -r velox" /usr/sbin/velox-ctl' \
	>"$tmp/vm.out" 2>&1
rc=$?
if [ $rc != 0 ] || ! grep -q "^version $version\$" "$tmp/vm.out"; then
	ktap_fail modprobe_loads_the_installed_module "vm.sh exited $rc: $(tail -n 5 "$tmp/vm.out")"
else
	ktap_ok modprobe_loads_the_installed_module
fi
if grep -q "^ctl $version\$" "$tmp/vm.out" && grep -q "^run ok\$" "$tmp/vm.out"; then
	ktap_ok installed_velox_ctl_runs_it
else
	ktap_fail installed_velox_ctl_runs_it "$(tail -n 5 "$tmp/vm.out")"
fi
# bpftool and bpftrace see the module's types: its BTF loaded.
if grep -q "^btf velox_engine\$" "$tmp/vm.out"; then
	ktap_ok the_module_has_btf
else
	ktap_fail the_module_has_btf "no /sys/kernel/btf/velox naming velox_engine: $(grep -i btf "$tmp/vm.out" "$tmp/install.log" | head -n 3)"
fi
if grep -q "^unloaded\$" "$tmp/vm.out"; then
	ktap_ok modprobe_r_unloads_it
else
	ktap_fail modprobe_r_unloads_it "$(tail -n 5 "$tmp/vm.out")"
fi

# A BTF base of another kernel is refused, by name, and changes nothing
# (its BTF would be refused at load).
ko=$("$top/scripts/kbuild.sh" --kernel 6.1) && cp "$ko" "$tmp/nobtf.ko"
k612=$("$top/scripts/kver.sh" 6.12)
out=$(BTF_BASE=$tmp/vmlinux "$top/scripts/btf.sh" "/usr/src/linux-headers-$k612" "$tmp/nobtf.ko" 2>&1)
if [ -s "$tmp/nobtf.ko" ] && grep -q "is not $k612's vmlinux" <<<"$out" &&
	! readelf -S "$tmp/nobtf.ko" | grep -q ' \.BTF '; then
	ktap_ok btf_base_of_another_kernel_refused
else
	ktap_fail btf_base_of_another_kernel_refused "btf.sh said: $out"
fi

# 5. Uninstall: no Velox file left, and modules.dep forgets it.
make -s -C "$top" "${vars[@]}" uninstall >"$tmp/uninstall.log" 2>&1
rc=$?
left=$(cd "$root" && find . -name '*velox*' | tr '\n' ' ')
if [ $rc != 0 ]; then
	ktap_fail uninstall_leaves_nothing "make uninstall exited $rc: $(tail -n 5 "$tmp/uninstall.log")"
elif [ -n "$left" ] || grep -qs velox "$root/lib/modules/$kver/modules.dep"; then
	ktap_fail uninstall_leaves_nothing "left: $left"
else
	ktap_ok uninstall_leaves_nothing
fi
ktap_finish
