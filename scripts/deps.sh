#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing Velox needs, and nothing that is
# already there.  Safe to run again: a second run changes nothing.
#
# Kernel versions are discovered from Debian's package lists, never
# written down here: the 6.1 ABI that linux-headers-amd64 points at, and
# the newest 6.12 build in bookworm.  The matching kernel images are
# unpacked with dpkg -x into the cache (nothing is installed in /boot).
set -euo pipefail

usage() {
	cat <<USAGE
usage: scripts/deps.sh [--help]

Installs with apt-get the packages Velox needs that are missing, and
unpacks Debian's 6.1 and 6.12 kernel images into
\${VELOX_CACHE:-/var/cache/velox}/kernels/<version>/ for the VM tests,
with sid's newest kernel and its -rt flavour (their headers in a sid
root beside them: scripts/latest-kernel.sh).
Must run as root.  Idempotent.
USAGE
}

case "${1:-}" in
-h | --help) usage; exit 0 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

CACHE=${VELOX_CACHE:-/var/cache/velox}
export DEBIAN_FRONTEND=noninteractive

# What each harness uses: kernel builds and kunit.py (gcc, make, bc,
# bison, flex, libelf, libssl, python3), static checks (sparse, perl),
# the VM (qemu, busybox, cpio, kmod), BPF (clang, llvm, libbpf, bpftool),
# sanitizers and libFuzzer (clang's runtime), the peers tools/bench measures
# against (DPDK's rte_ring, Concurrency Kit's ck_ring), valgrind, and for
# profiling perf and bpftrace (run in the guest from the shared host tree)
# and gnuplot; installing: rst2man (docutils) for the man pages, man and
# groff to check them, dkms; packaging: debhelper with dh-dkms, lintian,
# and debootstrap for the scratch root the packages are installed into;
# pahole (dwarves) for the module's BTF (scripts/btf.sh).
PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev python3 perl
	kmod cpio xz-utils zstd busybox-static qemu-system-x86
	sparse clang llvm libclang-rt-14-dev libbpf-dev bpftool
	libdpdk-dev libck-dev valgrind pkg-config linux-perf bpftrace gnuplot-nox
	linux-headers-amd64 linux-source-6.1
	python3-docutils man-db groff-base dkms
	debhelper dh-dkms lintian debootstrap dwarves
)

updated=0
apt_update() {
	if [ "$updated" = 0 ]; then
		apt-get update -qq
		updated=1
	fi
}

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

install_missing() {
	local want
	want=$(missing "$@")
	[ -z "$want" ] && return 0
	apt_update
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $want >/dev/null
}

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: must run as root (apt-get)" >&2
	exit 1
fi

install_missing "${PKGS[@]}"

# velox-ctl export's test (tools/testing/scripts/export_test.sh) checks
# its file with promtool and scrapes it with node_exporter and a
# Prometheus server of its own (curl asks it), on 127.0.0.1 for the
# test's length.  The packages' postinsts would start both as services
# (invoke-rc.d, deb-systemd-invoke; both ask policy-rc.d first) and enable
# them for the next boot: a policy-rc.d that refuses, on a machine without
# one of its own, keeps them from starting, and a fresh install is then
# disabled.
PROM_PKGS=(prometheus prometheus-node-exporter curl)
mapfile -t prom_want < <(missing "${PROM_PKGS[@]}")
if [ ${#prom_want[@]} -gt 0 ]; then
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		trap 'rm -f "$policy"' EXIT
		printf '#!/bin/sh\n# scripts/deps.sh: start no service while it installs\nexit 101\n' >"$policy"
		chmod 755 "$policy"
	fi
	install_missing "${prom_want[@]}"
	if grep -qs 'scripts/deps.sh' "$policy"; then
		rm -f "$policy"
		trap - EXIT
	fi
	for p in "${prom_want[@]}"; do
		deb-systemd-helper disable "$p.service" >/dev/null 2>&1 || true
		update-rc.d "$p" disable >/dev/null 2>&1 || true
	done
fi

# Newest 6.12 header package of bookworm (linux-headers-6.12.N+deb12-amd64).
newest_612() {
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{ print $1 }' | sort -V | tail -n 1
}
hdr612=$(newest_612)
if [ -z "$hdr612" ]; then
	apt_update
	hdr612=$(newest_612)
fi
if [ -z "$hdr612" ]; then
	echo "deps.sh: no linux-headers-6.12.*-amd64 in the package lists" >&2
	exit 1
fi
install_missing "$hdr612"

# Unpack the image whose ABI matches each installed header package.
unpack_image() {
	local kver=$1 pkg=$2 dest="$CACHE/kernels/$1" tmp
	[ -f "$dest/boot/vmlinuz-$kver" ] && return 0
	apt_update
	tmp=$(mktemp -d)
	# Root downloads into root's temporary folder: no _apt sandbox.
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >/dev/null)
	mkdir -p "$dest.tmp"
	dpkg -x "$tmp"/*.deb "$dest.tmp"
	rm -rf "$tmp" "$dest"
	mv "$dest.tmp" "$dest"
}

kver61=$(apt-cache depends linux-headers-amd64 |
	sed -n 's/.*Depends: linux-headers-\(6\.1\..*-amd64\)$/\1/p' | head -n 1)
kver612=${hdr612#linux-headers-}
unpack_image "$kver61" "linux-image-$kver61-unsigned"
unpack_image "$kver612" "linux-image-$kver612-unsigned"

# sid's newest kernel and its PREEMPT_RT flavour: a sid root with their
# headers, their images unpacked into the cache (scripts/latest-kernel.sh;
# which release is newest is looked up once, then kept).
"$(dirname "$0")/latest-kernel.sh" >/dev/null
"$(dirname "$0")/latest-kernel.sh" --rt >/dev/null

# Profiling: scripts/profile.sh renders perf samples into d3-flame-graph's
# HTML template, filled the way perf's own flamegraph.py does ("perf script
# report flamegraph --template").  Debian does not package d3-flame-graph:
# it comes from npm, at the version whose template perf 6.1's script fills
# (the /** @flamegraph_json **/ placeholder), into the cache.  Debian's npm
# only if the machine has no npm of its own.
D3FG_VERSION=4.1.3
d3fg=$CACHE/npm/node_modules/d3-flame-graph
if ! grep -qs "\"version\": \"$D3FG_VERSION\"" "$d3fg/package.json" ||
   [ ! -f "$d3fg/dist/templates/d3-flamegraph-base.html" ]; then
	command -v npm >/dev/null || install_missing npm
	mkdir -p "$CACHE/npm"
	npm install --prefix "$CACHE/npm" --no-audit --no-fund \
		--loglevel=error "d3-flame-graph@$D3FG_VERSION" >/dev/null
fi
