#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run Velox's KUnit suites.  By default with the kernel's own kunit.py
# on UML, in Debian's linux-source-6.1 tree (unpacked once into the
# cache) into which this script links kunit/ as drivers/velox; build dirs
# stay in the cache, so a second run only rebuilds what changed.  With
# --debug, as a test module (velox_kunit.ko, scripts/kbuild.sh --kunit)
# loaded into the debug kernel (scripts/debug-kernel.sh) under QEMU: KUnit
# prints KTAP to the kernel log, kunit.py parses it; the kernel log must
# stay clean and kmemleak find nothing once the module is gone.
#
# kunit.py succeeds when no suite ran at all; this script fails unless
# every KUNIT_CASE declared in kunit/*.c ran and passed.
set -euo pipefail

usage() {
	cat <<USAGE
usage: scripts/kunit.sh [--debug]

  (default)  UML
  --debug    velox_kunit.ko in the debug kernel under QEMU with 2 CPUs
             (KASAN, lockdep, kmemleak: scripts/vm.sh --kernel debug)

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
declared=$(cat "$top"/kunit/*_kunit.c | grep -c -E '^\s*KUNIT_CASE(_PARAM)?\(' || true)

# summarize LOG: kunit.py's "Ran N tests" line against the declared
# cases, then "N passed, N failed"; fails unless all ran and passed.
# Extra failures (a dirty kernel log) come in $failed_too.
failed_too=0
summarize() {
	local summary ran passed failed crashed
	summary=$(sed -n 's/.*Ran \([0-9]*\) tests: \(.*\)/\1 \2/p' "$1" | tail -n 1)
	ran=${summary%% *}
	passed=$(grep -o 'passed: [0-9]*' <<<"$summary" | grep -o '[0-9]*' || echo 0)
	failed=$(grep -o 'failed: [0-9]*' <<<"$summary" | grep -o '[0-9]*' || echo 0)
	crashed=$(grep -o 'crashed: [0-9]*' <<<"$summary" | grep -o '[0-9]*' || echo 0)
	failed=$((failed + crashed + failed_too))
	if [ -z "$summary" ]; then
		echo "kunit.sh: kunit.py printed no results (build or boot failed?)"
		failed=$((failed + 1))
		ran=0
	fi
	if [ "${ran:-0}" -lt "$declared" ]; then
		echo "kunit.sh: only ${ran:-0} of the $declared declared KUnit cases ran"
		failed=$((failed + declared - ${ran:-0}))
	fi
	echo "${passed:-0} passed, $failed failed"
	[ "$failed" = 0 ]
}

if [ $debug = 1 ]; then
	ko=$("$top/scripts/kbuild.sh" --kernel debug --kunit)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# The log is cleared first: the kernel's own KUnit printed an empty
	# plan at boot.  The suites run as insmod loads the module.
	"$top/scripts/vm.sh" --kernel debug --timeout 600 --no-check \
		--log "$tmp/console.log" --add "$ko" -- sh -c '
		echo "# guest CPUs: $(nproc)"
		/selftests/velox/kmemleak.sh clear
		dmesg -c >/dev/null
		insmod /extra/velox_kunit.ko || echo "# insmod failed: $?"
		rmmod velox_kunit
		dmesg
		sleep 5
		/selftests/velox/kmemleak.sh check' >"$tmp/guest.out" 2>&1 ||
		failed_too=$((failed_too + 1))
	grep -q '^# guest CPUs: 2$' "$tmp/guest.out" || {
		echo "kunit.sh: the debug guest did not come up with 2 CPUs"
		failed_too=$((failed_too + 1))
	}
	grep '^# kmemleak' "$tmp/guest.out" && failed_too=$((failed_too + 1))
	"$top/scripts/kernel-log-check.sh" --test-module "$tmp/console.log" ||
		failed_too=$((failed_too + 1))
	# The module's suites print as a KTAP document without its header.
	suites=$(cat "$top"/kunit/*_kunit.c | grep -c '^kunit_test_suite' || true)
	{
		echo "KTAP version 1"
		echo "1..$suites"
		sed -n '/^velox_kunit: /,$p' "$tmp/guest.out"
	} >"$tmp/ktap"
	# kunit.py parse exits 1 on a failed case: summarize counts it.
	python3 "$ksrc/tools/testing/kunit/kunit.py" parse "$tmp/ktap" 2>&1 |
		tee "$tmp/parsed" || true
	summarize "$tmp/parsed"
	exit
fi

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

# The kernel is allnoconfig plus a fragment of what the suites and kunit.py
# need (kunit/uml.config), not kunit.py's
# defaults: a fraction of the objects, so cold builds take minutes less.
# The full config is generated once per fragment and Kconfig, into the
# cache, and given to kunit.py after kunit/.kunitconfig, then the fragment
# itself, whose "is not set" lines override kunit.py's own arch options.
variant=uml
karch=um
bdir=$cache/kunit-uml
args=(--build_dir="$bdir")
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
if [ $rc != 0 ]; then
	echo "kunit.sh: kunit.py exited $rc"
	failed_too=1
fi
summarize "$log"
