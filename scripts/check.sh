#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test harness in turn, each a KTAP subtest, then the
# total "N passed, N failed" over all their cases.  Exits non-zero if any
# case failed; a failing harness's own output says which and why.
set -uo pipefail

usage() {
	cat <<USAGE
usage: scripts/check.sh [HARNESS...]

Harnesses (default: make check's, the first six, in this order; make
check-packages runs "packages"; make check-debug the last three, on the
debug kernel):
  static       W=1 + sparse for 6.1 and 6.12, checkpatch --strict, -Werror
  kunit        KUnit on UML
  core         module/core under TSan and ASan+UBSan
  vm           selftests in the VM on 6.1 and 6.12
  scripts      the plotting and profiling scripts, end to end
  install      make install/uninstall into a scratch root, modprobe in
               the 6.1 VM; DKMS for 6.1 and 6.12 on the host, each
               module run in its VM (changes the host's DKMS tree)
  packages     make deb, lintian, both packages installed into a scratch
               Debian root (DKMS builds there), purged again
  kunit-debug  KUnit as a module in the debug kernel (KASAN, lockdep,
               kmemleak) under QEMU, 2 CPUs
  vm-debug     selftests in the VM on the debug kernel (KASAN, lockdep,
               kmemleak, fault injection), and CPU hotplug with 4 CPUs
  torture      scripts/torture.sh: 60 s on the debug kernel
USAGE
}

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/ktap.sh"

harness_cmd() {
	case $1 in
	static) echo "$top/scripts/static.sh" ;;
	kunit) echo "$top/scripts/kunit.sh" ;;
	kunit-debug) echo "$top/scripts/kunit.sh --debug" ;;
	core) echo "make -s --no-print-directory -C $top core-test" ;;
	vm) echo "$top/scripts/vmtest.sh" ;;
	vm-debug) echo "$top/scripts/vmtest.sh --kernel debug" ;;
	torture) echo "$top/scripts/torture.sh --kernel debug --duration 60" ;;
	scripts) echo "$top/tools/testing/scripts/run.sh" ;;
	install) echo "$top/tools/testing/scripts/run.sh $top/tools/testing/install" ;;
	packages) echo "$top/tools/testing/scripts/run.sh $top/tools/testing/packages" ;;
	*) return 1 ;;
	esac
}

case "${1:-}" in
-h | --help) usage; exit 0 ;;
esac
[ $# = 0 ] && set -- static kunit core vm scripts install
for h in "$@"; do
	harness_cmd "$h" >/dev/null || { usage >&2; exit 2; }
done

out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$SECONDS
ktap_plan $#
for h in "$@"; do
	t0=$SECONDS
	$(harness_cmd "$h") >"$out" 2>&1
	rc=$?
	ktap_subtest "$h" $rc "$out"
	ktap_diag "$h took $((SECONDS - t0)) s"
done
ktap_diag "make check took $((SECONDS - start)) s"
ktap_finish
