/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/string.h> is the C library's <string.h>. */
#ifndef VELOX_SHIM_LINUX_STRING_H
#define VELOX_SHIM_LINUX_STRING_H

#include <string.h>

#endif /* VELOX_SHIM_LINUX_STRING_H */
