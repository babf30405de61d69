# SPDX-License-Identifier: GPL-2.0
#
# Velox.  "make" builds velox.ko and the user tools (velox-ctl, velox-trace)
# and installs nothing.  The module is built against KDIR: the running
# kernel's headers when they are installed, else Debian's newest 6.1
# headers; KDIR=<headers dir> builds elsewhere.  "make install" installs
# both, "make dkms-install" the module through DKMS, "make deb" packages
# them (Documentation/install.rst).  "make deps" installs what building
# and testing need (scripts/deps.sh, as root); "make check" runs it, then
# every test harness, "make check-debug" the debug kernel's; "make demo"
# runs it, then boots a VM and shows the module at work.

# The first of these that holds a kernel Makefile is KDIR.
KDIR_RUNNING ?= /lib/modules/$(shell uname -r)/build
KDIR_DEBIAN ?= $(addprefix /usr/src/linux-headers-,$(shell scripts/kver.sh 6.1 2>/dev/null))
ifndef KDIR
KDIR := $(patsubst %/Makefile,%,$(firstword $(wildcard \
	$(addsuffix /Makefile,$(KDIR_RUNNING) $(KDIR_DEBIAN)))))
endif
# The release of KDIR's kernel (uname -r), when KDIR is set.  Not
# include/config/kernel.release: Debian's headers have the upstream
# version there (6.1.192 for 6.1.0-57-amd64).
KVER = $(if $(KDIR),$(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h))
VERSION := $(file <VERSION)
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
COMPLETIONSDIR ?= $(PREFIX)/share/bash-completion/completions
MANPAGES := out/man/velox-ctl.8 out/man/velox-trace.8
DKMS_KERNELS ?= $(KVER)
INSTALL_MOD_PATH ?= $(DESTDIR)
MOD_ROOT = $(if $(INSTALL_MOD_PATH),$(abspath $(INSTALL_MOD_PATH)))
CORE_CFLAGS := -I$(CURDIR)/tools/lib/include -I$(CURDIR)/uapi \
	       -I$(CURDIR)/module/include -I$(CURDIR)/module/core

all: module tools

deps:
	@scripts/deps.sh

# BTF_BASE=<vmlinux>: encode the module's BTF against it (scripts/btf.sh;
# by default the running kernel's, when KDIR is its).
module:
	$(if $(KDIR),,$(error no kernel headers: apt-get install linux-headers-amd64 (or set KDIR=)))
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@scripts/btf.sh $(KDIR) velox.ko $(BTF_BASE)

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

# The Debian packages, built, linted and installed into a scratch root:
# a harness of its own, beside make check's budget.
check-packages: deps
	@scripts/check.sh packages

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

# Installing.  The tools go under DESTDIR + PREFIX; the module, for the
# kernel of KDIR, into INSTALL_MOD_PATH/lib/modules/<release>/updates
# (INSTALL_MOD_PATH defaults to DESTDIR, so one variable stages both),
# where it takes precedence over a module of the same name, then depmod
# (Debian's headers have no System.map, so modules_install skips it).
# Unsigned: a distribution's signing key is not in its headers, so
# modules_install's signing could only fail (Documentation/install.rst,
# "Secure Boot", says how to sign it).
install: install-module install-tools

# velox-ctl's and velox-trace's makes each build libvelox first: one at a
# time.  (GNU make 4.3 takes no prerequisites here: all of this file's
# targets run one after the other; the makes they call still use -j.)
.NOTPARALLEL:

install-module: module
	$(if $(KVER),,$(error no kernel release in $(KDIR)/include/generated/utsrelease.h))
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates \
		INSTALL_MOD_PATH=$(MOD_ROOT) CONFIG_MODULE_SIG_ALL= modules_install
	depmod -a $(if $(MOD_ROOT),-b $(MOD_ROOT)) $(KVER)

install-tools: install-ctl install-trace

install-ctl: man
	$(MAKE) -C tools/velox-ctl
	install -D -m 0755 tools/velox-ctl/velox-ctl $(DESTDIR)$(SBINDIR)/velox-ctl
	install -D -m 0644 out/man/velox-ctl.8 $(DESTDIR)$(MANDIR)/man8/velox-ctl.8
	install -D -m 0644 tools/velox-ctl/velox-ctl.bash-completion \
		$(DESTDIR)$(COMPLETIONSDIR)/velox-ctl

install-trace: man
	$(MAKE) -C tools/velox-trace
	install -D -m 0755 tools/velox-trace/velox-trace $(DESTDIR)$(SBINDIR)/velox-trace
	install -D -m 0644 out/man/velox-trace.8 $(DESTDIR)$(MANDIR)/man8/velox-trace.8

uninstall: uninstall-tools uninstall-module

uninstall-tools:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,velox-ctl velox-trace)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,velox-ctl.8 velox-trace.8)
	rm -f $(DESTDIR)$(COMPLETIONSDIR)/velox-ctl

uninstall-module:
	$(if $(KVER),,$(error no kernel release in $(KDIR)/include/generated/utsrelease.h))
	rm -f $(MOD_ROOT)/lib/modules/$(KVER)/updates/velox.ko*
	depmod -a $(if $(MOD_ROOT),-b $(MOD_ROOT)) $(KVER)

# velox-ctl(8) and velox-trace(8) from their rst, stamped with VERSION.
man: $(MANPAGES)

out/man/%.8: Documentation/%.rst VERSION
	@mkdir -p $(@D)
	sed 's/^:Manual section: 8$$/&\n:Version: $(VERSION)/' $< | \
		rst2man --strict --exit-status=2 >$@.tmp
	mv $@.tmp $@

# DKMS (dkms.conf): the sources into /usr/src/velox-VERSION, built and
# installed for DKMS_KERNELS (default: KDIR's kernel), and out again.
dkms-install:
	scripts/dkms.sh install $(DKMS_KERNELS)

dkms-remove:
	scripts/dkms.sh remove

# The Debian packages velox-dkms and velox-tools, into out/deb/.
deb:
	@scripts/deb.sh

clean:
	$(if $(KDIR),$(MAKE) -C $(KDIR) M=$(CURDIR) clean)
	$(MAKE) -C tools/velox-ctl clean
	$(MAKE) -C tools/velox-trace clean
	$(MAKE) -C tools/testing/selftests/velox clean
	$(MAKE) -C tools/testing/core clean
	$(MAKE) -C tools/bench clean
	rm -rf out/man

.PHONY: all deps module tools print-core-cflags check check-debug check-packages static kunit core-test fuzz bench \
	vmtest demo install install-module install-tools install-ctl install-trace uninstall \
	uninstall-tools uninstall-module man \
	dkms-install dkms-remove deb clean
