#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel once and print its build directory: the cached
# linux-source-6.1 (scripts/ksrc.sh), allnoconfig plus
# scripts/debug-kernel.config, in ${VELOX_CACHE}/kernel-debug.  velox.ko
# builds against that directory (scripts/kbuild.sh --kernel debug) and
# scripts/vm.sh --kernel debug boots its bzImage.  A changed fragment
# configures and builds again; an unchanged one only lets make find
# nothing to do.
set -euo pipefail

case "${1:-}" in
-h | --help)
	echo "usage: scripts/debug-kernel.sh    builds the debug kernel, prints its build directory"
	exit 0 ;;
"") ;;
*)
	echo "usage: scripts/debug-kernel.sh" >&2
	exit 2 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${VELOX_CACHE:-/var/cache/velox}
ksrc=$("$top/scripts/ksrc.sh")
frag=$top/scripts/debug-kernel.config
out=$cache/kernel-debug

mkdir -p "$out"
exec 9>"$out.lock"
flock 9
sum=$(sha1sum <"$frag" | cut -c1-40)
if [ "$(cat "$out/.velox-config" 2>/dev/null)" != "$sum" ]; then
	rm -f "$out/.velox-config"
	KCONFIG_ALLCONFIG=$frag make -s -C "$ksrc" O="$out" allnoconfig >&2
	# Every line of the fragment must have held: a symbol that needs
	# another it lacks is dropped silently by Kconfig.
	missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" |
		while IFS= read -r line; do
			grep -qxF "$line" "$out/.config" || echo "$line"
		done)
	if [ -n "$missing" ]; then
		echo "debug-kernel.sh: not in the configured kernel: $(echo "$missing" | tr "\n" " ")" >&2
		exit 1
	fi
fi
if ! make -s -C "$ksrc" O="$out" -j"$(nproc)" bzImage modules >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	echo "debug-kernel.sh: the debug kernel failed to build" >&2
	exit 1
fi
echo "$sum" >"$out/.velox-config"
echo "$out"
