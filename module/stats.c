// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics: per-CPU sinks on the hot path, a published copy for readers.
 *
 * Stages count into the sink of the CPU they run on.  A publisher sums the
 * sinks into struct velox_stats and copies that into the area users mmap,
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

#include "core/lane.h"
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
	s->sinks = kcalloc(nr_cpu_ids, sizeof(*s->sinks), GFP_KERNEL);
	if (!s->sinks)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		s->sinks[cpu] = kvzalloc_node(sizeof(*s->sinks[cpu]), GFP_KERNEL,
					      cpu_to_node(cpu));
		if (!s->sinks[cpu])
			goto out_free_sinks;
	}
	/* vmalloc_user: zeroed, and marked so remap_vmalloc_range() may map it. */
	s->area = vmalloc_user(s->size);
	if (!s->area)
		goto out_free_sinks;
	s->scratch = vzalloc(sizeof(*s->scratch));
	if (!s->scratch)
		goto out_free_area;

	velox_stats_reset(s);
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

/* Zero every sink.  Only while no stage runs. */
void velox_stats_reset(struct velox_stats_state *s)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		velox_sink_init(s->sinks[cpu]);
}

static void counters_fill(struct velox_counters *c, const struct velox_tally *t)
{
	int i;

	c->generated = t->generated;
	c->delivered = t->delivered;
	c->dropped = t->dropped;
	c->sampled = t->sampled;
	c->seq_errors = t->seq_errors;
	c->bundles = t->bundles;
	for (i = 0; i < VELOX_FLUSH_REASONS; i++)
		c->flushes[i] = t->flushes[i];
	c->orders = t->book.orders;
	c->rejected = t->book.rejected;
	c->submitted_qty = t->book.submitted_qty;
	c->rejected_qty = t->book.rejected_qty;
	c->fills = t->book.fills;
	c->filled_qty = t->book.filled_qty;
	c->rested_qty = t->book.rested_qty;
	c->cancelled_qty = t->book.cancelled_qty;
	c->expired_qty = t->book.expired_qty;
	c->cas_retries = t->book.cas_retries;
	c->full_waits = t->full_waits;
	c->idle_yields = t->idle_yields;
	c->idle_sleeps = t->idle_sleeps;
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
	struct velox_tally sum = {};
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

		velox_tally_add(&sum, &sink->tally);
		for (i = 0; i < VELOX_STAGES; i++)
			velox_hist_merge(&hist[i], &sink->hist[i]);
	}
	counters_fill(&st->total, &sum);
	/*
	 * A sink being written may have a bucket counted but not yet its
	 * count, or the reverse: publish the count its buckets add up to,
	 * so readers never see a count without buckets.
	 */
	for (i = 0; i < VELOX_STAGES; i++)
		hist[i].count = velox_hist_bucket_sum(&hist[i]);
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
