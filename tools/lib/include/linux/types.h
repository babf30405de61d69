/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: the kernel's integer types over the system's uapi ones,
 * so module/core compiles unchanged outside the kernel.
 */
#ifndef VELOX_SHIM_LINUX_TYPES_H
#define VELOX_SHIM_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#endif /* VELOX_SHIM_LINUX_TYPES_H */
