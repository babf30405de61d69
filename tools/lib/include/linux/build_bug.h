/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: compile-time assertions with the kernel's names. */
#ifndef VELOX_SHIM_LINUX_BUILD_BUG_H
#define VELOX_SHIM_LINUX_BUILD_BUG_H

#include <assert.h>

#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")

#endif /* VELOX_SHIM_LINUX_BUILD_BUG_H */
