# SPDX-License-Identifier: GPL-2.0
#
# DKMS's build command (dkms.conf): "make -f dkms.mk KDIR=<headers>".
# One make, so that what DKMS adds to the command line (-j, KERNELRELEASE,
# CC=clang for a clang-built kernel) reaches the kernel's make, then the
# module's BTF where it can have it (scripts/btf.sh), before DKMS signs.
modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	bash scripts/btf.sh $(KDIR) velox.ko

.PHONY: modules
