#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run Velox's KUnit suites with the kernel's own kunit.py, in Debian's
# linux-source-6.1 tree (unpacked once into the cache) into which this
# script links kunit/ as drivers/velox.  Build dirs stay in the cache, so
# a second run only rebuilds what changed.
#
# kunit.py succeeds when no suite ran at all; this script fails unless
# every KUNIT_CASE declared in kunit/*.c ran and passed.
set -euo pipefail

usage() {
	cat <<USAGE
usage: scripts/kunit.sh [--debug]

  (default)  UML
  --debug    x86_64 under QEMU with 2 CPUs, KASAN, lockdep
             (PROVE_LOCKING) and DEBUG_ATOMIC_SLEEP

Prints kunit.py's results, then "N passed, N failed".
USAGE
}

top=$(cd "$(dirname "$0")/.." && pwd)
debug=0
case "${1:-}" in
--debug) debug=1 ;;
-h | --help) usage; exit 0 ;;
"") ;;
*) usage >&2; exit 2 ;;
esac

cache=${VELOX_CACHE:-/var/cache/velox}
ksrc=$("$top/scripts/ksrc.sh")

# One kunit.py at a time per cache: the kernel tree's drivers/velox links
# and the build dirs are shared by every checkout that uses this cache.
exec 9>"$cache/kunit.lock"
flock 9

# drivers/velox: links to this checkout, re-pointed on every run.
vdir=$ksrc/drivers/velox
mkdir -p "$vdir"
ln -sfn "$top/kunit/Makefile" "$vdir/Makefile"
for d in kunit module uapi; do
	ln -sfn "$top/$d" "$vdir/$d"
done
# The tree is shared (scripts/debug-kernel.sh builds it too) and the links
# may outlive the checkout they point to: Kconfig reads a copy, which
# stays, and make enters the folder only for the suites.
cmp -s "$top/kunit/Kconfig" "$vdir/Kconfig" || {
	rm -f "$vdir/Kconfig"
	cp "$top/kunit/Kconfig" "$vdir/Kconfig"
}
kline='source "drivers/velox/Kconfig"'
mline='obj-$(CONFIG_VELOX_KUNIT_TEST) += velox/'
if ! grep -qxF "$kline" "$ksrc/drivers/Kconfig"; then
	sed -i '\|drivers/velox/Kconfig|d' "$ksrc/drivers/Kconfig"
	sed -i "\$i $kline" "$ksrc/drivers/Kconfig"
fi
if ! grep -qxF "$mline" "$ksrc/drivers/Makefile"; then
	sed -i '\|velox/|d' "$ksrc/drivers/Makefile"
	echo "$mline" >>"$ksrc/drivers/Makefile"
fi

# Each kernel is allnoconfig plus a fragment of what the suites and kunit.py
# need (kunit/uml.config, kunit/x86_64-debug.config), not kunit.py's
# defaults: a fraction of the objects, so cold builds take minutes less.
# The full config is generated once per fragment and Kconfig, into the
# cache, and given to kunit.py after kunit/.kunitconfig, then the fragment
# itself, whose "is not set" lines override kunit.py's own arch options.
if [ $debug = 1 ]; then
	variant=x86_64-debug
	karch=x86_64
	bdir=$cache/kunit-x86_64-debug
	args=(--build_dir="$bdir" --arch=x86_64 --qemu_args="-smp 2"
	      --timeout=600)
else
	variant=uml
	karch=um
	bdir=$cache/kunit-uml
	args=(--build_dir="$bdir")
fi
# drivers/velox's objects were built from the checkout the links pointed
# to then.  make cannot see that a file of another checkout is older than
# its object, so when the checkout changes, those objects start afresh.
if [ "$(cat "$bdir/.velox-checkout" 2>/dev/null)" != "$top" ]; then
	rm -rf "$bdir/drivers/velox"
	mkdir -p "$bdir"
	echo "$top" >"$bdir/.velox-checkout"
fi
frag=$top/kunit/$variant.config
mindir=$cache/kunit-$variant-config
key=$(cat "$frag" "$top/kunit/Kconfig" | sha1sum | cut -d' ' -f1)
if [ "$(cat "$mindir/key" 2>/dev/null)" != "$key" ]; then
	mkdir -p "$mindir/conf"
	make -s -C "$ksrc" O="$mindir/conf" ARCH=$karch \
		KCONFIG_ALLCONFIG="$frag" allnoconfig
	grep -E '^CONFIG_|is not set' "$mindir/conf/.config" >"$mindir/.kunitconfig"
	echo "$key" >"$mindir/key"
fi
args=(run --kunitconfig="$top/kunit" --kunitconfig="$mindir"
      --kunitconfig="$frag" --jobs="$(nproc)" "${args[@]}")

log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
python3 "$ksrc/tools/testing/kunit/kunit.py" "${args[@]}" 2>&1 | tee "$log" || rc=$?

declared=$(cat "$top"/kunit/*_kunit.c | grep -c -E '^\s*KUNIT_CASE(_PARAM)?\(' || true)
summary=$(sed -n 's/.*Ran \([0-9]*\) tests: \(.*\)/\1 \2/p' "$log" | tail -n 1)
ran=${summary%% *}
passed=$(grep -o 'passed: [0-9]*' <<<"$summary" | grep -o '[0-9]*' || echo 0)
failed=$(grep -o 'failed: [0-9]*' <<<"$summary" | grep -o '[0-9]*' || echo 0)
crashed=$(grep -o 'crashed: [0-9]*' <<<"$summary" | grep -o '[0-9]*' || echo 0)
failed=$((failed + crashed))

if [ -z "$summary" ]; then
	echo "kunit.sh: kunit.py printed no results (build or boot failed?)"
	failed=$((failed + 1))
	ran=0
fi
if [ "${ran:-0}" -lt "$declared" ]; then
	echo "kunit.sh: only ${ran:-0} of the $declared declared KUnit cases ran"
	failed=$((failed + declared - ${ran:-0}))
fi
# The engine suites need two CPUs under lockdep: make sure there were.
if [ $debug = 1 ] &&
   ! grep -q 'nr_cpu_ids:2 ' "$cache/kunit-x86_64-debug/test.log" 2>/dev/null; then
	echo "kunit.sh: the debug guest did not come up with 2 CPUs"
	failed=$((failed + 1))
fi
if [ $rc != 0 ] && [ "$failed" = 0 ]; then
	echo "kunit.sh: kunit.py exited $rc"
	failed=1
fi
echo "${passed:-0} passed, $failed failed"
[ "$failed" = 0 ]
