// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/velox: the control device.
 *
 * ioctls are dispatched through a table indexed by the command number, in
 * the style of iommufd: each row knows the size of its argument struct;
 * the dispatcher copies the struct in with copy_struct_from_user() into a
 * buffer that holds any of them, and a handler copies its result back with
 * velox_ucmd_respond(), in the size the caller asked for.  So handlers
 * never touch user memory themselves, and one that must answer before it
 * commits (START) can.
 */
#include <linux/build_bug.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>
#include <linux/velox.h>

#include "chardev.h"
#include "compat.h"
#include "config.h"
#include "cpuset.h"
#include "engine.h"
#include "stats.h"

/* Big enough for the argument of any ioctl in the table (checked there). */
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
	info->tail_spikes = VELOX_TAIL_SPIKES;
	info->cpu_set_size = velox_cpu_set_size();
}

/*
 * Copy @ucmd->cmd back to the caller: what the kernel knows, in the
 * caller's size, with the size field saying how much that is.
 */
static int velox_ucmd_respond(struct velox_ucmd *ucmd, u32 size)
{
	u32 n = min(ucmd->user_size, size);

	*(u32 *)ucmd->cmd = n;
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd, n))
		return -EFAULT;
	return 0;
}

static int velox_get_info(struct velox_ucmd *ucmd)
{
	velox_info_fill(ucmd->cmd);
	return velox_ucmd_respond(ucmd, sizeof(struct velox_info));
}

/* Tell the caller what will run before it runs: see velox_start(). */
static int velox_start_accept(void *arg, const struct velox_config *runs)
{
	struct velox_ucmd *ucmd = arg;

	memcpy(ucmd->cmd, runs, sizeof(*runs));
	return velox_ucmd_respond(ucmd, sizeof(*runs));
}

/*
 * START writes back the config that runs (the thread count the module
 * chose for threads = 0), before any thread wakes: if that copy fails,
 * nothing was started, so the caller's error is the whole truth.  The
 * CPU set is read first, from the caller's memory, into a cpumask (a
 * machine's may be too big for the stack).
 */
static int velox_start(struct velox_ucmd *ucmd)
{
	cpumask_var_t cpus;
	int ret;

	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL))
		return -ENOMEM;
	ret = velox_cpu_set_from_user(ucmd->cmd, cpus);
	if (!ret)
		ret = velox_engine_start(ucmd->engine, ucmd->cmd, cpus,
					 velox_start_accept, ucmd);
	free_cpumask_var(cpus);
	return ret;
}

static int velox_stop(struct velox_ucmd *ucmd)
{
	return velox_engine_stop(ucmd->engine);
}

/* The config, and its CPU set where the caller said (see the uapi). */
static int velox_get_config(struct velox_ucmd *ucmd)
{
	struct velox_config *cfg = ucmd->cmd;
	u64 uset = cfg->cpu_set;
	u32 usize = cfg->cpu_set_size;
	cpumask_var_t cpus;
	int ret;

	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL))
		return -ENOMEM;
	ret = velox_engine_get_config(ucmd->engine, cfg, cpus);
	if (ret)
		goto out_free;
	cfg->cpu_set = uset;
	cfg->cpu_set_size = usize;
	ret = velox_cpu_set_to_user(cpus, cfg);
	if (!ret)
		ret = velox_ucmd_respond(ucmd, sizeof(*cfg));
out_free:
	free_cpumask_var(cpus);
	return ret;
}

static int velox_reset_stats(struct velox_ucmd *ucmd)
{
	return velox_engine_reset_stats(ucmd->engine);
}

/*
 * A row at its command's place in the table: VELOX_IOC_<_name>.  @_last is
 * the last field of the struct's first version: a shorter struct is
 * -EINVAL.
 */
#define VELOX_IOCTL_OP(_name, _fn, _struct, _last, _admin)		\
	[_IOC_NR(VELOX_IOC_##_name) - VELOX_CMD_BASE] = {		\
		.cmd = VELOX_IOC_##_name,				\
		.size = sizeof(_struct) +				\
			BUILD_BUG_ON_ZERO(sizeof(union velox_ioctl_buf) < \
					  sizeof(_struct)),		\
		.min_size = offsetofend(_struct, _last),		\
		.admin = _admin,					\
		.execute = _fn,						\
	}

/* An ioctl that takes no argument. */
#define VELOX_IOCTL_OP_NOARG(_name, _fn, _admin)			\
	[_IOC_NR(VELOX_IOC_##_name) - VELOX_CMD_BASE] = {		\
		.cmd = VELOX_IOC_##_name,				\
		.admin = _admin,					\
		.execute = _fn,						\
	}

static const struct velox_ioctl_op velox_ioctl_ops[] = {
	VELOX_IOCTL_OP(GET_INFO, velox_get_info, struct velox_info, max_ring,
		       false),
	VELOX_IOCTL_OP(START, velox_start, struct velox_config, snapshot_ns,
		       true),
	VELOX_IOCTL_OP_NOARG(STOP, velox_stop, true),
	VELOX_IOCTL_OP(GET_CONFIG, velox_get_config, struct velox_config,
		       snapshot_ns, false),
	VELOX_IOCTL_OP_NOARG(RESET_STATS, velox_reset_stats, true),
};

/**
 * velox_ioctl_lookup() - the table's row for @cmd
 * @cmd: an ioctl number from anywhere
 *
 * Return: the row, or NULL if @cmd is not exactly one of Velox's.
 */
const struct velox_ioctl_op *velox_ioctl_lookup(unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);
	const struct velox_ioctl_op *op;

	if (_IOC_TYPE(cmd) != VELOX_IOC_TYPE || nr < VELOX_CMD_BASE ||
	    nr - VELOX_CMD_BASE >= ARRAY_SIZE(velox_ioctl_ops))
		return NULL;
	/* The index came from userspace: no speculating past the table. */
	nr = array_index_nospec(nr - VELOX_CMD_BASE,
				ARRAY_SIZE(velox_ioctl_ops));
	op = &velox_ioctl_ops[nr];
	/* A hole in the table has cmd 0, which matches no Velox ioctl. */
	if (op->cmd != cmd)
		return NULL;
	return op;
}

static struct velox_chardev *velox_chardev_of(struct file *file)
{
	/* misc_open() points private_data at the miscdevice. */
	return container_of(file->private_data, struct velox_chardev, misc);
}

static long velox_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	const struct velox_ioctl_op *op = velox_ioctl_lookup(cmd);
	struct velox_ucmd ucmd = {
		.engine = velox_chardev_of(file)->engine,
		.ubuffer = (void __user *)arg,
	};
	union velox_ioctl_buf buf;
	int ret;

	if (!op)
		return -ENOTTY;
	if (op->admin && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!op->size)
		return op->execute(&ucmd);
	if (get_user(ucmd.user_size, (u32 __user *)ucmd.ubuffer))
		return -EFAULT;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	/* As clone3() and openat2(): no scanning of megabytes for zeroes. */
	if (ucmd.user_size > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(&buf, op->size, ucmd.ubuffer,
				    ucmd.user_size);
	if (ret)
		return ret;
	ucmd.cmd = &buf;
	return op->execute(&ucmd);
}

/*
 * The stats area, read-only and not executable: refuse such a mapping,
 * and take away VM_MAYWRITE and VM_MAYEXEC so mprotect() cannot add
 * either later.  Not copied into a child, not dumped.
 */
static int velox_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct velox_engine *e = velox_chardev_of(file)->engine;

	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		return -EPERM;
	velox_vm_flags_mod(vma, VM_DONTCOPY, VM_MAYWRITE | VM_MAYEXEC);
	return velox_stats_mmap(&e->stats, vma);
}

/* The run's captured spikes, struct velox_spike by struct velox_spike. */
static ssize_t velox_read(struct file *file, char __user *buf, size_t count,
			  loff_t *pos)
{
	return velox_engine_read_spikes(velox_chardev_of(file)->engine, buf,
					count, pos);
}

static const struct file_operations velox_fops = {
	.owner = THIS_MODULE,
	.read = velox_read,
	.unlocked_ioctl = velox_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = velox_mmap,
	.llseek = default_llseek,
};

int velox_chardev_register(struct velox_chardev *cd, struct velox_engine *e)
{
	cd->engine = e;
	cd->misc = (struct miscdevice){
		.minor = MISC_DYNAMIC_MINOR,
		.name = VELOX_DEVICE_NAME,
		.fops = &velox_fops,
		.mode = 0600,
	};
	return misc_register(&cd->misc);
}

void velox_chardev_unregister(struct velox_chardev *cd)
{
	misc_deregister(&cd->misc);
}
