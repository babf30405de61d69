# SPDX-License-Identifier: GPL-2.0
#
# What velox.ko is made of, said once.  The top-level Kbuild links these
# objects with module/main.o (module init and exit) into velox.ko;
# the suites (kunit/kunit.mk) are linked with them into velox_kunit.ko.
# Paths are relative to the folder that holds module/ and uapi/.

VELOX_OBJS := module/engine.o module/stats.o module/config.o module/cpuset.o
VELOX_OBJS += module/chardev.o module/debugfs.o module/trace.o
VELOX_OBJS += module/core/lane.o module/core/ordergen.o module/core/sink.o
VELOX_OBJS += module/core/bundle.o module/core/hist.o module/core/orderbook.o
VELOX_OBJS += module/core/tail.o module/capture.o
VELOX_OBJS += module/core/config_range.o module/core/names.o module/core/report.o
VELOX_OBJS += module/core/noise_log.o module/noise.o module/core/layout.o

# Kernel API differences are detected in the headers built against, not
# inferred from the version (module/compat.h uses these).
VELOX_CCFLAGS := $(shell grep -qs 'void vm_flags_mod' \
	$(srctree)/include/linux/mm.h && echo -DVELOX_HAVE_VM_FLAGS_MOD)
VELOX_CCFLAGS += $(shell grep -qsw tracing_alloc_snapshot \
	$(objtree)/Module.symvers && echo -DVELOX_HAVE_TRACING_ALLOC_SNAPSHOT)
