/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VELOX_CHARDEV_H
#define VELOX_CHARDEV_H

#include <linux/types.h>

struct velox_engine;
struct velox_info;

/**
 * struct velox_ioctl_op - one row of the ioctl table
 * @cmd: the full ioctl number, checked so a stray type or direction fails
 * @size: the size of the struct the kernel knows
 * @min_size: the size of the first version of that struct
 * @admin: needs CAP_SYS_ADMIN
 * @execute: does the work on a kernel copy of the argument (NULL for an
 *	ioctl that takes none: those rows have @size 0)
 */
struct velox_ioctl_op {
	unsigned int cmd;
	u32 size;
	u32 min_size;
	bool admin;
	int (*execute)(struct velox_engine *e, void *arg);
};

const struct velox_ioctl_op *velox_ioctl_lookup(unsigned int cmd);
void velox_info_fill(struct velox_info *info);

int velox_chardev_register(struct velox_engine *e);
void velox_chardev_unregister(void);

#endif /* VELOX_CHARDEV_H */
