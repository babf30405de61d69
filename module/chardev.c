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
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/velox.h>

#include "chardev.h"
#include "compat.h"
#include "config.h"
#include "engine.h"
#include "stats.h"

/* The one engine this device controls (set at register). */
static struct velox_engine *velox_engine;

/* Big enough for the argument of any ioctl in the table. */
union velox_ioctl_buf {
	struct velox_info info;
	struct velox_config config;
};

void velox_info_fill(struct velox_info *info)
{
	info->abi_version = VELOX_ABI_VERSION;
	info->stats_size = velox_stats_size();
	info->hist_buckets = VELOX_HIST_BUCKETS;
	info->hist_sub_bits = VELOX_HIST_SUB_BITS;
	info->hist_limit_shift = VELOX_HIST_LIMIT_SHIFT;
	info->__reserved = 0;
	info->max_rate = VELOX_RATE_MAX;
	info->max_lanes = velox_max_lanes();
	info->max_ring = VELOX_RING_MAX;
}

static int velox_get_info(struct velox_engine *e, void *arg)
{
	velox_info_fill(arg);
	return 0;
}

static int velox_start(struct velox_engine *e, void *arg)
{
	return velox_engine_start(e, arg);
}

static int velox_stop(struct velox_engine *e, void *arg)
{
	return velox_engine_stop(e);
}

static int velox_get_config(struct velox_engine *e, void *arg)
{
	return velox_engine_get_config(e, arg);
}

static int velox_reset_stats(struct velox_engine *e, void *arg)
{
	return velox_engine_reset_stats(e);
}

#define VELOX_IOCTL_OP(_cmd, _fn, _struct, _last, _admin)		\
	{								\
		.cmd = _cmd,						\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.admin = _admin,					\
		.execute = _fn,						\
	}

/* An ioctl that takes no argument. */
#define VELOX_IOCTL_OP_NOARG(_cmd, _fn, _admin)				\
	{								\
		.cmd = _cmd,						\
		.admin = _admin,					\
		.execute = _fn,						\
	}

/* Indexed by command number - VELOX_CMD_BASE: keep the rows in that order. */
static const struct velox_ioctl_op velox_ioctl_ops[] = {
	VELOX_IOCTL_OP(VELOX_IOC_GET_INFO, velox_get_info,
		       struct velox_info, abi_version, false),
	VELOX_IOCTL_OP(VELOX_IOC_START, velox_start,
		       struct velox_config, __reserved, true),
	VELOX_IOCTL_OP_NOARG(VELOX_IOC_STOP, velox_stop, true),
	VELOX_IOCTL_OP(VELOX_IOC_GET_CONFIG, velox_get_config,
		       struct velox_config, __reserved, false),
	VELOX_IOCTL_OP_NOARG(VELOX_IOC_RESET_STATS, velox_reset_stats, true),
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
	if (op->admin && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!op->size)
		return op->execute(velox_engine, NULL);
	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < op->min_size)
		return -EINVAL;
	/* As clone3() and openat2(): no scanning of megabytes for zeroes. */
	if (usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(&buf, op->size, uarg, usize);
	if (ret)
		return ret;
	ret = op->execute(velox_engine, &buf);
	if (ret)
		return ret;
	/* What the kernel knows, in the caller's size; the size stays ours. */
	if (op->size >= sizeof(u32))
		*(u32 *)&buf = min_t(u32, usize, op->size);
	if (copy_to_user(uarg, &buf, min_t(size_t, usize, op->size)))
		return -EFAULT;
	return 0;
}

/*
 * The stats area, read-only: refuse a writable mapping, and take away
 * VM_MAYWRITE so mprotect() cannot make it writable later.  Not copied
 * into a child, not dumped.  remap_vmalloc_range() refuses a length or
 * offset beyond the area.
 */
static int velox_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	velox_vm_flags_mod(vma, VM_DONTCOPY | VM_DONTDUMP, VM_MAYWRITE);
	return remap_vmalloc_range(vma, velox_engine->stats.area,
				   vma->vm_pgoff);
}

static const struct file_operations velox_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = velox_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = velox_mmap,
	.llseek = noop_llseek,
};

static struct miscdevice velox_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VELOX_DEVICE_NAME,
	.fops = &velox_fops,
	.mode = 0600,
};

int velox_chardev_register(struct velox_engine *e)
{
	velox_engine = e;
	return misc_register(&velox_miscdev);
}

void velox_chardev_unregister(void)
{
	misc_deregister(&velox_miscdev);
}
