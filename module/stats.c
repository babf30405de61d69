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
#include "core/sink.h"
#include "stats.h"

size_t velox_stats_size(void)
{
	return PAGE_ALIGN(sizeof(struct velox_stats));
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
	s->scratch = __vmalloc(sizeof(*s->scratch), VELOX_GFP | __GFP_ZERO);
	if (!s->scratch)
		goto out_free_area;

	/* Every sink starts empty (an empty histogram's min is ~0, not 0). */
	for_each_possible_cpu(cpu) {
		velox_sink_init(s->sinks[cpu]);
		s->sinks[cpu]->cpu = cpu;
	}
	cpumask_clear(&s->used);
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
 * (state, config, lanes, resting quantity) and calls velox_stats_commit().
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

/* Copy the prepared publication into the mmap'd area, seqcount-protected. */
void velox_stats_commit(struct velox_stats_state *s)
{
	struct velox_stats *area = s->area;
	u32 seq = area->seq;

	lockdep_assert_held(&s->lock);
	WRITE_ONCE(area->seq, seq + 1);
	/* Readers that see the new data see the odd count first. */
	smp_wmb();
	s->scratch->seq = seq + 1;
	memcpy(area, s->scratch, sizeof(*area));
	/* The data is complete before the count goes even again. */
	smp_wmb();
	WRITE_ONCE(area->seq, seq + 2);
}
