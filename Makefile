# SPDX-License-Identifier: GPL-2.0
#
# Velox.  "make" builds velox.ko and the user tools (velox-ctl, velox-trace)
# and installs nothing.  The module is built against KDIR: the running
# kernel's headers when they are installed, else Debian's newest 6.1
# headers; KDIR=<headers dir> builds elsewhere.  "make deps" installs what
# building and testing need (scripts/deps.sh, as root); "make check" runs
# it, then every test harness, "make check-debug" the debug kernel's; "make demo" runs it, then boots a VM and
# shows the module at work.

# The first of these that holds a kernel Makefile is KDIR.
KDIR_RUNNING ?= /lib/modules/$(shell uname -r)/build
KDIR_DEBIAN ?= $(addprefix /usr/src/linux-headers-,$(shell scripts/kver.sh 6.1 2>/dev/null))
ifndef KDIR
KDIR := $(patsubst %/Makefile,%,$(firstword $(wildcard \
	$(addsuffix /Makefile,$(KDIR_RUNNING) $(KDIR_DEBIAN)))))
endif
CORE_CFLAGS := -I$(CURDIR)/tools/lib/include -I$(CURDIR)/uapi \
	       -I$(CURDIR)/module/include -I$(CURDIR)/module/core

all: module tools

deps:
	@scripts/deps.sh

module:
	$(if $(KDIR),,$(error no kernel headers: apt-get install linux-headers-amd64 (or set KDIR=)))
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# The selftests are not among them: scripts/vm.sh and scripts/static.sh
# build them, on the kernel source's kselftest_harness.h.
tools:
	$(MAKE) -C tools/velox-ctl
	$(MAKE) -C tools/velox-trace

# The flags a userspace program needs to compile module/core (DESIGN.md,
# "module/core in userspace").
print-core-cflags:
	@echo $(CORE_CFLAGS)

check: deps
	@scripts/check.sh

# What runs in the debug kernel (KUnit, the VM selftests, the torture
# run): longer than make check's budget allows (Documentation/testing.rst,
# "Timings").
check-debug: deps
	@scripts/check.sh kunit-debug vm-debug torture

static:
	@scripts/static.sh

kunit:
	@scripts/kunit.sh
	@scripts/kunit.sh --debug

core-test:
	@$(MAKE) -s -C tools/testing/core run

# Native benchmarks of module/core (never a test: timing is not asserted).
bench:
	@$(MAKE) -s -C tools/bench
	@tools/bench/velox-bench $(BENCH_ARGS)

# Longer fuzz runs of module/core than make check does (FUZZ_SECONDS each).
fuzz:
	@$(MAKE) -s -C tools/testing/core fuzz

vmtest:
	@scripts/vmtest.sh

demo: deps
	@scripts/demo.sh

install: module tools
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	install -D -m 0755 tools/velox-ctl/velox-ctl $(DESTDIR)/usr/local/sbin/velox-ctl
	install -D -m 0755 tools/velox-trace/velox-trace $(DESTDIR)/usr/local/sbin/velox-trace

clean:
	$(if $(KDIR),$(MAKE) -C $(KDIR) M=$(CURDIR) clean)
	$(MAKE) -C tools/velox-ctl clean
	$(MAKE) -C tools/velox-trace clean
	$(MAKE) -C tools/testing/selftests/velox clean
	$(MAKE) -C tools/testing/core clean
	$(MAKE) -C tools/bench clean

.PHONY: all deps module tools print-core-cflags check check-debug static kunit core-test fuzz bench \
	vmtest demo install clean
