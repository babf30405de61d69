/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VELOX_CHARDEV_H
#define VELOX_CHARDEV_H

#include <linux/miscdevice.h>
#include <linux/types.h>

struct velox_engine;
struct velox_info;

/**
 * struct velox_ucmd - one ioctl call on its way through the table
 * @engine: the engine the device controls
 * @ubuffer: the caller's argument struct
 * @user_size: its size, as the caller gave it in its first field
 * @cmd: the kernel's copy of the argument, @op's size, zero-extended
 */
struct velox_ucmd {
	struct velox_engine *engine;
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
};

/**
 * struct velox_ioctl_op - one row of the ioctl table
 * @cmd: the full ioctl number, checked so a stray type or direction fails
 * @size: the size of the struct the kernel knows (0: no argument)
 * @min_size: the size of the first version of that struct
 * @admin: needs CAP_SYS_ADMIN
 * @execute: does the work on @ucmd->cmd, and copies a result back with
 *	velox_ucmd_respond() where it has one
 */
struct velox_ioctl_op {
	unsigned int cmd;
	u32 size;
	u32 min_size;
	bool admin;
	int (*execute)(struct velox_ucmd *ucmd);
};

/**
 * struct velox_chardev - /dev/velox
 * @misc: the misc device; file->private_data points here once opened
 * @engine: the engine it controls
 */
struct velox_chardev {
	struct miscdevice misc;
	struct velox_engine *engine;
};

const struct velox_ioctl_op *velox_ioctl_lookup(unsigned int cmd);
void velox_info_fill(struct velox_info *info);

int velox_chardev_register(struct velox_chardev *cd, struct velox_engine *e);
void velox_chardev_unregister(struct velox_chardev *cd);

#endif /* VELOX_CHARDEV_H */
