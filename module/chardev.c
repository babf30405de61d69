// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/velox: the control device.
 *
 * ioctls are dispatched through a table indexed by the command number, in
 * the style of iommufd: each row knows the size of its argument struct, the
 * dispatcher copies the struct in with copy_struct_from_user() and the
 * result back with the size the caller asked for, so the handlers never
 * touch user memory themselves.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <linux/velox.h>

#include "chardev.h"

/* Big enough for the argument of any ioctl in the table. */
union velox_ioctl_buf {
	struct velox_info info;
};

void velox_info_fill(struct velox_info *info)
{
	info->abi_version = VELOX_ABI_VERSION;
}

static int velox_get_info(void *arg)
{
	velox_info_fill(arg);
	return 0;
}

#define VELOX_IOCTL_OP(_cmd, _fn, _struct, _last)			\
	{								\
		.cmd = _cmd,						\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.execute = _fn,						\
	}

/* Indexed by command number - VELOX_CMD_BASE: keep the rows in that order. */
static const struct velox_ioctl_op velox_ioctl_ops[] = {
	VELOX_IOCTL_OP(VELOX_IOC_GET_INFO, velox_get_info,
		       struct velox_info, abi_version),
};

const struct velox_ioctl_op *velox_ioctl_lookup(unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);
	const struct velox_ioctl_op *op;

	if (_IOC_TYPE(cmd) != VELOX_IOC_TYPE || nr < VELOX_CMD_BASE ||
	    nr - VELOX_CMD_BASE >= ARRAY_SIZE(velox_ioctl_ops))
		return NULL;
	op = &velox_ioctl_ops[nr - VELOX_CMD_BASE];
	if (op->cmd != cmd)
		return NULL;
	return op;
}

static long velox_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	const struct velox_ioctl_op *op = velox_ioctl_lookup(cmd);
	void __user *uarg = (void __user *)arg;
	union velox_ioctl_buf buf;
	u32 usize;
	int ret;

	if (!op)
		return -ENOTTY;
	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < op->min_size)
		return -EINVAL;
	ret = copy_struct_from_user(&buf, op->size, uarg, usize);
	if (ret)
		return ret;
	ret = op->execute(&buf);
	if (ret)
		return ret;
	/* The tail beyond op->size was checked to be zero: leave it so. */
	if (copy_to_user(uarg, &buf, min_t(size_t, usize, op->size)))
		return -EFAULT;
	return 0;
}

static const struct file_operations velox_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = velox_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice velox_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VELOX_DEVICE_NAME,
	.fops = &velox_fops,
	.mode = 0600,
};

int velox_chardev_register(void)
{
	return misc_register(&velox_miscdev);
}

void velox_chardev_unregister(void)
{
	misc_deregister(&velox_miscdev);
}
