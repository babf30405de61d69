# SPDX-License-Identifier: GPL-2.0
#
# The KUnit suites, said once.  velox_kunit.ko is the module's code (all
# but its init and exit, module/velox.mk) linked with these: in a kernel
# tree by kunit/Makefile (scripts/kunit.sh, UML), and out of tree by the
# top-level Kbuild (scripts/kbuild.sh --kunit, the debug kernel).
# Paths are relative to the folder that holds module/ and kunit/.

VELOX_KUNIT_OBJS := kunit/velox_kunit.o kunit/uapi_kunit.o kunit/ring_kunit.o
VELOX_KUNIT_OBJS += kunit/hist_kunit.o kunit/bundle_kunit.o kunit/book_kunit.o
VELOX_KUNIT_OBJS += kunit/backoff_kunit.o kunit/idle_kunit.o kunit/config_kunit.o
VELOX_KUNIT_OBJS += kunit/lane_kunit.o kunit/ordergen_kunit.o kunit/sink_kunit.o
VELOX_KUNIT_OBJS += kunit/engine_kunit.o kunit/tail_kunit.o
VELOX_KUNIT_OBJS += kunit/report_kunit.o kunit/noise_kunit.o kunit/cpuset_kunit.o
