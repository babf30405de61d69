/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: offsetof and the kernel's offsetofend. */
#ifndef VELOX_SHIM_LINUX_STDDEF_H
#define VELOX_SHIM_LINUX_STDDEF_H

#include_next <linux/stddef.h>
#include <stddef.h>

#define offsetofend(TYPE, MEMBER) \
	(offsetof(TYPE, MEMBER) + sizeof(((TYPE *)0)->MEMBER))

#endif /* VELOX_SHIM_LINUX_STDDEF_H */
