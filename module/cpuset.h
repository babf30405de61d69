/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VELOX_CPUSET_H
#define VELOX_CPUSET_H

#include <linux/cpumask.h>
#include <linux/types.h>

struct velox_config;

u32 velox_cpu_set_size(void);
int velox_cpu_set_from_words(struct cpumask *mask, const u64 *words,
			     u32 nwords);
void velox_cpu_set_to_words(const struct cpumask *mask, u64 *words,
			    u32 nwords);
int velox_cpu_set_from_user(const struct velox_config *cfg,
			    struct cpumask *mask);
int velox_cpu_set_to_user(const struct cpumask *mask,
			  struct velox_config *cfg);
unsigned int velox_cpumask_first_andnot(const struct cpumask *a,
					const struct cpumask *b);

#endif /* VELOX_CPUSET_H */
