/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: the find-last-set family with the kernel's meaning:
 * fls(0) == 0, fls(1) == 1, fls(0x80000000) == 32; __fls and __ffs (the
 * index of the lowest set bit) are undefined for 0, as in the kernel.
 */
#ifndef VELOX_SHIM_LINUX_BITOPS_H
#define VELOX_SHIM_LINUX_BITOPS_H

#include <linux/compiler.h>
#include <linux/types.h>

static __always_inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static __always_inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static __always_inline unsigned long __fls(unsigned long x)
{
	return 63 - __builtin_clzl(x);
}

static __always_inline unsigned long __ffs(unsigned long x)
{
	return __builtin_ctzl(x);
}

#endif /* VELOX_SHIM_LINUX_BITOPS_H */
