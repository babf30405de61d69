// SPDX-License-Identifier: GPL-2.0
/*
 * A config's CPU set, between the uapi's __u64 words (velox_config.cpu_set,
 * or the 64 bits of velox_config.cpus that callers from before it pass)
 * and the cpumask the engine binds threads with.  A set may name any CPU
 * id the machine has (nr_cpu_ids), not only 0-63.
 */
#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/velox.h>

#include "cpuset.h"

/* Bytes of a set that can name every possible CPU id: velox_info's. */
u32 velox_cpu_set_size(void)
{
	return DIV_ROUND_UP(nr_cpu_ids, 64) * sizeof(u64);
}

/**
 * velox_cpu_set_from_words() - a CPU set's words as a cpumask
 * @mask: set to exactly the CPUs of @words
 * @words: bit n % 64 of word n / 64 is CPU n
 * @nwords: words at @words
 *
 * Return: 0, or -EINVAL if a CPU id is not below nr_cpu_ids (@mask is
 * then partly filled).
 */
int velox_cpu_set_from_words(struct cpumask *mask, const u64 *words,
			     u32 nwords)
{
	u32 i;

	cpumask_clear(mask);
	for (i = 0; i < nwords; i++) {
		u64 w = words[i];

		while (w) {
			unsigned int cpu = i * 64 + __ffs64(w);

			if (cpu >= nr_cpu_ids)
				return -EINVAL;
			cpumask_set_cpu(cpu, mask);
			w &= w - 1;
		}
	}
	return 0;
}

/* @mask as @nwords words; CPUs past them are left out. */
void velox_cpu_set_to_words(const struct cpumask *mask, u64 *words,
			    u32 nwords)
{
	unsigned int cpu;

	memset(words, 0, nwords * sizeof(*words));
	for_each_cpu(cpu, mask) {
		if (cpu / 64 >= nwords)
			break;
		words[cpu / 64] |= BIT_ULL(cpu % 64);
	}
}

/**
 * velox_cpu_set_from_user() - the CPU set a START names
 * @cfg: the caller's config: @cfg->cpu_set and @cfg->cpu_set_size, or
 *	while that is 0, @cfg->cpus
 * @mask: set to the CPUs named
 *
 * Only the words that can name a CPU of this machine are copied; the rest
 * of a longer set must be zero, as copy_struct_from_user() treats a
 * longer struct.
 *
 * Return: 0; -EINVAL for a size that is not whole words or is over
 * VELOX_CPU_SET_SIZE_MAX, for a pointer without a size, for @cfg->cpus
 * beside a set, or for a CPU id the machine does not have; -EFAULT;
 * -ENOMEM.
 */
int velox_cpu_set_from_user(const struct velox_config *cfg,
			    struct cpumask *mask)
{
	const char __user *uset = u64_to_user_ptr(cfg->cpu_set);
	u32 size = cfg->cpu_set_size, have = velox_cpu_set_size();
	u64 *words;
	int ret;

	if (!size)
		return cfg->cpu_set ? -EINVAL :
		       velox_cpu_set_from_words(mask, &cfg->cpus, 1);
	if (cfg->cpus || size % sizeof(u64) || size > VELOX_CPU_SET_SIZE_MAX)
		return -EINVAL;
	if (size > have) {
		ret = check_zeroed_user(uset + have, size - have);
		if (ret <= 0)
			return ret ?: -EINVAL;
		size = have;
	}
	words = memdup_user(uset, size);
	if (IS_ERR(words))
		return PTR_ERR(words);
	ret = velox_cpu_set_from_words(mask, words, size / sizeof(u64));
	kfree(words);
	return ret;
}

/**
 * velox_cpu_set_to_user() - answer GET_CONFIG's CPU set
 * @mask: the CPUs of the config asked for
 * @cfg: the caller's config, filled in but for the set: the set goes to
 *	@cfg->cpu_set if it has room (@cfg->cpus is then 0), else, with no
 *	set given, to @cfg->cpus if it names no CPU past 63
 *
 * A caller from before cpu_set that got a part of the set would START a
 * config bound elsewhere, or unbound: it gets -EOVERFLOW instead.
 *
 * Return: 0, -EINVAL for a set too small for this machine's CPU ids (as
 * sched_getaffinity(2)) or not whole words, -EOVERFLOW for CPUs past 63
 * and no set to write them to, -EFAULT, -ENOMEM.
 */
int velox_cpu_set_to_user(const struct cpumask *mask, struct velox_config *cfg)
{
	char __user *uset = u64_to_user_ptr(cfg->cpu_set);
	u32 size = cfg->cpu_set_size, have = velox_cpu_set_size();
	u64 *words;
	int ret = 0;

	if (!size) {
		if (cpumask_next(63, mask) < nr_cpu_ids)
			return -EOVERFLOW;
		velox_cpu_set_to_words(mask, &cfg->cpus, 1);
		return 0;
	}
	if (size < have || size % sizeof(u64) || size > VELOX_CPU_SET_SIZE_MAX)
		return -EINVAL;
	cfg->cpus = 0;
	words = kmalloc(have, GFP_KERNEL);
	if (!words)
		return -ENOMEM;
	velox_cpu_set_to_words(mask, words, have / sizeof(u64));
	if (copy_to_user(uset, words, have) ||
	    clear_user(uset + have, size - have))
		ret = -EFAULT;
	kfree(words);
	return ret;
}

/*
 * The first CPU of @a that is not in @b; nr_cpu_ids or more if none.
 * (cpumask_first_andnot() is 6.2 on.)
 */
unsigned int velox_cpumask_first_andnot(const struct cpumask *a,
					const struct cpumask *b)
{
	unsigned int cpu;

	for_each_cpu(cpu, a)
		if (!cpumask_test_cpu(cpu, b))
			break;
	return cpu;
}
