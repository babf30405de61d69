/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Velox: the interface between velox.ko and userspace.
 *
 * Every ioctl argument is a struct whose first member is its own size.  The
 * kernel reads it with copy_struct_from_user() semantics: a caller built
 * against an older header passes a shorter struct and gets the defaults for
 * what it does not know; a caller built against a newer header may pass a
 * longer one as long as the part the kernel does not know is zero
 * (otherwise -E2BIG).  The ioctl numbers therefore carry no size.
 */
#ifndef _UAPI_LINUX_VELOX_H
#define _UAPI_LINUX_VELOX_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped on any incompatible change to what this header describes. */
#define VELOX_ABI_VERSION	1

/* The misc device is /dev/VELOX_DEVICE_NAME. */
#define VELOX_DEVICE_NAME	"velox"

#define VELOX_IOC_TYPE		0xb7

enum {
	VELOX_CMD_BASE = 0x80,
	VELOX_CMD_GET_INFO = VELOX_CMD_BASE,
};

/**
 * struct velox_info - VELOX_IOC_GET_INFO: what the loaded module is
 * @size: sizeof(struct velox_info), set by the caller
 * @abi_version: VELOX_ABI_VERSION of the loaded module, set by the kernel
 *
 * The kernel writes back min(@size, its own size) bytes.
 */
struct velox_info {
	__u32 size;
	__u32 abi_version;
};

#define VELOX_IOC_GET_INFO	_IO(VELOX_IOC_TYPE, VELOX_CMD_GET_INFO)

#endif /* _UAPI_LINUX_VELOX_H */
