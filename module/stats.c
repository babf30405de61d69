// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics: per-CPU sinks on the hot path, a published copy for readers.
 *
 * Stages count into the sink of the CPU they run on.  A publisher sums the
 * sinks of the CPUs that counted into struct velox_stats and copies that
 * into the area users mmap,
 * inside a seqcount write section, as the vDSO publishes its data
 * (include/vdso/helpers.h): readers copy, then retry if the count was odd
 * or changed.  Sums taken while stages run are a moment's view, each
 * counter exact but not all from the same instant; once the lanes have
 * stopped, the sums are exact.
 */
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/velox.h>

#include "alloc.h"
#include "compat.h"
#include "cpuset.h"
#include "core/sink.h"
#include "stats.h"

/*
 * The area: struct velox_stats, then a lane counter and a noise entry per
 * possible CPU id (a run has at most a lane per online CPU, and watches
 * online CPUs), then a CPU set.  Sized once, at load, for the machine.
 */
static u32 velox_stats_lane_offset(void)
{
	return ALIGN(sizeof(struct velox_stats), 8);
}

static u32 velox_stats_noise_offset(void)
{
	return velox_stats_lane_offset() +
	       nr_cpu_ids * sizeof(struct velox_lane_counters);
}

static u32 velox_stats_cpu_set_offset(void)
{
	return velox_stats_noise_offset() +
	       nr_cpu_ids * sizeof(struct velox_noise_cpu);
}

size_t velox_stats_size(void)
{
	return PAGE_ALIGN(velox_stats_cpu_set_offset() + velox_cpu_set_size());
}

int velox_stats_init(struct velox_stats_state *s)
{
	unsigned int cpu;

	mutex_init(&s->lock);
	s->size = velox_stats_size();
	s->sinks = kcalloc(nr_cpu_ids, sizeof(*s->sinks), VELOX_GFP);
	if (!s->sinks)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		s->sinks[cpu] = kvzalloc_node(sizeof(*s->sinks[cpu]), VELOX_GFP,
					      cpu_to_node(cpu));
		if (!s->sinks[cpu])
			goto out_free_sinks;
	}
	/*
	 * Zeroed, whole pages: what users map holds nothing but the stats.
	 * Not vmalloc_user(), which has no __GFP_NOWARN: velox_stats_mmap()
	 * maps the pages itself.
	 */
	s->area = __vmalloc(s->size, VELOX_GFP | __GFP_ZERO);
	if (!s->area)
		goto out_free_sinks;
	s->scratch = __vmalloc(s->size, VELOX_GFP | __GFP_ZERO);
	if (!s->scratch)
		goto out_free_area;

	/* Every sink starts empty (an empty histogram's min is ~0, not 0). */
	for_each_possible_cpu(cpu) {
		velox_sink_init(s->sinks[cpu]);
		s->sinks[cpu]->cpu = cpu;
	}
	cpumask_clear(&s->used);
	s->shown_lanes = 0;
	s->shown_noise = 0;
	mutex_lock(&s->lock);
	velox_stats_prepare(s);
	velox_stats_commit(s);
	mutex_unlock(&s->lock);
	return 0;

out_free_area:
	vfree(s->area);
out_free_sinks:
	for_each_possible_cpu(cpu)
		kvfree(s->sinks[cpu]);
	kfree(s->sinks);
	return -ENOMEM;
}

/**
 * velox_stats_mmap() - map the stats area into @vma, read-only
 * @s: the stats
 * @vma: the caller's mapping, already without write or exec permission
 *
 * Page by page, as remap_vmalloc_range() would for an area allocated
 * with vmalloc_user().  The mapping may not grow with mremap() (the area
 * does not) and is left out of core dumps.
 *
 * Return: 0, -EINVAL for an offset or a length beyond the area, or
 * vm_insert_page()'s error.
 */
int velox_stats_mmap(struct velox_stats_state *s, struct vm_area_struct *vma)
{
	unsigned long pages = s->size >> PAGE_SHIFT, i;
	int ret;

	if (vma->vm_pgoff > pages || vma_pages(vma) > pages - vma->vm_pgoff)
		return -EINVAL;
	for (i = 0; i < vma_pages(vma); i++) {
		void *kaddr = (char *)s->area +
			      ((vma->vm_pgoff + i) << PAGE_SHIFT);

		ret = vm_insert_page(vma, vma->vm_start + (i << PAGE_SHIFT),
				     vmalloc_to_page(kaddr));
		if (ret)
			return ret;
	}
	velox_vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, 0);
	return 0;
}

void velox_stats_exit(struct velox_stats_state *s)
{
	unsigned int cpu;

	vfree(s->scratch);
	vfree(s->area);
	for_each_possible_cpu(cpu)
		kvfree(s->sinks[cpu]);
	kfree(s->sinks);
	mutex_destroy(&s->lock);
}

/* Zero every sink written since the last reset.  Only while no stage runs. */
void velox_stats_reset(struct velox_stats_state *s)
{
	unsigned int cpu;

	for_each_cpu(cpu, &s->used)
		velox_sink_init(s->sinks[cpu]);
	cpumask_clear(&s->used);
}

/**
 * velox_stats_prepare() - sum the sinks into the next publication
 * @s: the stats
 *
 * Call with @s->lock held.  The caller then fills in what only it knows
 * (state, config and its CPUs, lanes, resting quantity, noise) and calls
 * velox_stats_commit().  The arrays come zeroed as far as the area may
 * hold entries, so that entries past the new counts are 0 there.
 *
 * Return: the publication being built.
 */
struct velox_stats *velox_stats_prepare(struct velox_stats_state *s)
{
	struct velox_stats *st = s->scratch;
	struct velox_hist *hist;
	unsigned int cpu;
	int i;

	lockdep_assert_held(&s->lock);
	memset(st, 0, sizeof(*st));
	st->magic = VELOX_STATS_MAGIC;
	st->abi_version = VELOX_ABI_VERSION;
	st->size = s->size;
	st->publishes = s->area->publishes + 1;
	st->slots = nr_cpu_ids;
	st->lane_offset = velox_stats_lane_offset();
	st->noise_offset = velox_stats_noise_offset();
	st->cpu_set_offset = velox_stats_cpu_set_offset();
	st->cpu_set_size = velox_cpu_set_size();
	memset(velox_stats_lanes_of(st), 0,
	       s->shown_lanes * sizeof(struct velox_lane_counters));
	memset(velox_stats_noise_of(st), 0,
	       s->shown_noise * sizeof(struct velox_noise_cpu));
	/* Same layout (hist.c asserts it); the kernel has no strict aliasing. */
	hist = (struct velox_hist *)st->hist;
	for (i = 0; i < VELOX_STAGES; i++)
		velox_hist_init(&hist[i]);
	for_each_possible_cpu(cpu) {
		const struct velox_sink *sink = s->sinks[cpu];

		/* test_bit: workers may be marking CPUs meanwhile. */
		if (!cpumask_test_cpu(cpu, &s->used))
			continue;
		velox_sink_merge(sink, &st->total, hist);
	}
	/* Sinks being written were caught mid-record: let the buckets decide. */
	for (i = 0; i < VELOX_STAGES; i++)
		velox_hist_settle(&hist[i]);
	return st;
}

/* The CPUs of the published config, into its CPU set. */
void velox_stats_set_cpus(struct velox_stats *st, const struct cpumask *cpus)
{
	velox_cpu_set_to_words(cpus, (void *)st + st->cpu_set_offset,
			       st->cpu_set_size / sizeof(u64));
}

/* Bytes @n entries of @size take from @offset: what a copy must cover. */
static void velox_stats_copy(struct velox_stats_state *s, u32 offset, u32 n,
			     size_t size)
{
	memcpy((void *)s->area + offset, (void *)s->scratch + offset, n * size);
}

/*
 * Copy the prepared publication into the mmap'd area, seqcount-protected:
 * the fixed part, the CPU set, and of each array the entries in use now
 * or at the last publication (to zero those no longer in use).  So its
 * cost follows the run's lanes and watched CPUs, not the possible CPUs.
 */
void velox_stats_commit(struct velox_stats_state *s)
{
	struct velox_stats *area = s->area, *st = s->scratch;
	u32 lanes = min(st->config.lanes, st->slots);
	u32 noise = min(st->noise_cpus, st->slots);
	u32 seq = area->seq;

	lockdep_assert_held(&s->lock);
	WRITE_ONCE(area->seq, seq + 1);
	/* Readers that see the new data see the odd count first. */
	smp_wmb();
	st->seq = seq + 1;
	memcpy(area, st, sizeof(*area));
	velox_stats_copy(s, st->lane_offset, max(lanes, s->shown_lanes),
			 sizeof(struct velox_lane_counters));
	velox_stats_copy(s, st->noise_offset, max(noise, s->shown_noise),
			 sizeof(struct velox_noise_cpu));
	velox_stats_copy(s, st->cpu_set_offset, st->cpu_set_size, 1);
	/* The data is complete before the count goes even again. */
	smp_wmb();
	WRITE_ONCE(area->seq, seq + 2);
	s->shown_lanes = lanes;
	s->shown_noise = noise;
}
