// SPDX-License-Identifier: GPL-2.0
/*
 * The run's captured spikes: where the lanes' output stages put them and
 * where read() on /dev/velox finds them.  What a spike holds and how it
 * is cut into parts and causes is core/tail.c's; the interference comes
 * from noise.c.
 */
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "alloc.h"
#include "capture.h"
#include "compat.h"
#include "core/report.h"
#include "noise.h"

/**
 * velox_capture_alloc() - room for a run's spikes
 * @snapshot_ns: velox_config.snapshot_ns
 * @noise: where the interference comes from
 *
 * With @snapshot_ns set, the ftrace snapshot buffer is allocated here,
 * where sleeping is allowed, so that the spike's tracing_snapshot() only
 * swaps (without one, it would turn tracing off).  It stays allocated,
 * as the tracer's own "echo 1 > snapshot" leaves it, for the trace to be
 * read after the run; "echo 0 > snapshot" frees it.
 *
 * Return: the capture; ERR_PTR() of -EOPNOTSUPP for @snapshot_ns on a
 * kernel without CONFIG_TRACER_SNAPSHOT, -ENOMEM, or what allocating the
 * snapshot buffer failed with.
 */
struct velox_capture *velox_capture_alloc(u64 snapshot_ns,
					  struct velox_noise *noise)
{
	struct velox_capture *cap;
	int ret = -ENOMEM;

	if (snapshot_ns && !IS_ENABLED(CONFIG_TRACER_SNAPSHOT))
		return ERR_PTR(-EOPNOTSUPP);
	cap = __vmalloc(struct_size(cap, spikes, VELOX_TAIL_SPIKES),
			VELOX_GFP | __GFP_ZERO);
	if (!cap)
		return ERR_PTR(-ENOMEM);
	cap->ready = bitmap_zalloc(VELOX_TAIL_SPIKES, VELOX_GFP);
	if (!cap->ready)
		goto out_free_cap;
	if (IS_ENABLED(CONFIG_TRACER_SNAPSHOT) && snapshot_ns) {
		ret = velox_alloc_snapshot();
		if (ret)
			goto out_free_ready;
	}
	cap->capacity = VELOX_TAIL_SPIKES;
	cap->snapshot_ns = snapshot_ns;
	cap->noise = noise;
	return cap;

out_free_ready:
	bitmap_free(cap->ready);
out_free_cap:
	vfree(cap);
	return ERR_PTR(ret);
}

void velox_capture_free(struct velox_capture *cap)
{
	if (!cap)
		return;
	bitmap_free(cap->ready);
	vfree(cap);
}

/*
 * A lane's claim(): the first spike at or over snapshot_ns takes the
 * kernel's trace, room or not; then a slot, if one is left.  On the
 * output stage's path, only for spikes; one atomic add a kept spike,
 * which lets every lane append to one array in capture order.  Once the
 * array is full, @next is only read: it stays within capacity plus the
 * lanes that raced for the last slots, and never wraps.
 */
struct velox_spike *velox_capture_claim(void *ctx, u64 e2e_ns)
{
	struct velox_capture *cap = ctx;
	unsigned int i;

	if (cap->snapshot_ns && e2e_ns >= cap->snapshot_ns &&
	    !atomic_read(&cap->snapshot_taken) &&
	    !atomic_xchg(&cap->snapshot_taken, 1))
		tracing_snapshot();
	if (atomic_read(&cap->next) >= cap->capacity)
		return NULL;
	i = atomic_inc_return(&cap->next) - 1;
	if (i >= cap->capacity)
		return NULL;
	return &cap->spikes[i];
}

/* A lane's keep(): the claimed spike is whole; readers may copy it. */
void velox_capture_keep(void *ctx, struct velox_spike *spike)
{
	struct velox_capture *cap = ctx;

	/* The whole spike before its ready bit: pairs with velox_capture_read(). */
	smp_wmb();
	set_bit(spike - cap->spikes, cap->ready);
}

/* A lane's interference(): what the CPU's log says about [@from, @to]. */
void velox_capture_interference(void *ctx, unsigned int cpu, u64 from, u64 to,
				struct velox_noise_sum *sum)
{
	struct velox_capture *cap = ctx;

	velox_noise_window(cap->noise, cpu, from, to, sum);
}

/* Spikes written whole so far, from the first: what a reader may see. */
static unsigned int velox_capture_ready(const struct velox_capture *cap)
{
	unsigned int claimed = min_t(unsigned int, atomic_read(&cap->next),
				     cap->capacity);
	unsigned int n = 0;

	while (n < claimed && test_bit(n, cap->ready))
		n++;
	/* The ready bits before the spikes: pairs with velox_capture_keep(). */
	smp_rmb();
	return n;
}

/**
 * velox_capture_copy() - spikes from number @first on, into @dst
 * @cap: the capture, or NULL if the last run had tail capture off
 * @first: the first to copy, counted from 0 in capture order
 * @dst: room for @max spikes
 * @max: the most to copy
 *
 * Copies the spikes captured so far from @first, stopping at the first
 * one not yet written whole; never removes any, so every reader (and
 * pread()) sees them all.  The caller keeps @cap from being freed.
 *
 * Return: how many were copied; 0: none beyond @first yet.
 */
unsigned int velox_capture_copy(const struct velox_capture *cap, u64 first,
				struct velox_spike *dst, unsigned int max)
{
	unsigned int ready, n;

	if (!cap)
		return 0;
	ready = velox_capture_ready(cap);
	if (first >= ready)
		return 0;
	n = min_t(u64, ready - first, max);
	memcpy(dst, &cap->spikes[first], n * sizeof(*dst));
	return n;
}

/**
 * velox_capture_show() - the spikes as text: their causes summed, then
 *	one line each
 * @cap: the capture, or NULL (nothing to show)
 * @emit: takes the text
 * @ctx: @emit's
 */
void velox_capture_show(struct velox_capture *cap, velox_emit_fn emit,
			void *ctx)
{
	u64 cause_ns[VELOX_CAUSES] = {};
	unsigned int n, i, c;

	if (!cap)
		return;
	n = velox_capture_ready(cap);
	for (i = 0; i < n; i++)
		for (c = 0; c < VELOX_CAUSES; c++)
			cause_ns[c] += cap->spikes[i].cause_ns[c];
	emit(ctx, "causes, all spikes: ");
	velox_report_causes(cause_ns, NULL, VELOX_CAUSES, emit, ctx);
	emit(ctx, "\n\n");
	velox_report_spike_header(emit, ctx);
	for (i = 0; i < n; i++)
		velox_report_spike(&cap->spikes[i], emit, ctx);
}
