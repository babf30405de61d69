/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: what module/core takes from the kernel's <linux/kernel.h>,
 * ARRAY_SIZE() and snprintf().  (From 6.7 the kernel declares snprintf()
 * in <linux/sprintf.h>, which its kernel.h includes, so core includes
 * kernel.h for both versions.)
 */
#ifndef VELOX_SHIM_LINUX_KERNEL_H
#define VELOX_SHIM_LINUX_KERNEL_H

#include_next <linux/kernel.h>
#include <stdio.h>

#define ARRAY_SIZE(arr)	(sizeof(arr) / sizeof((arr)[0]))

#endif /* VELOX_SHIM_LINUX_KERNEL_H */
