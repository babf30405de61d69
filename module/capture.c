// SPDX-License-Identifier: GPL-2.0
/*
 * The run's captured spikes: where the lanes' output stages put them and
 * where read() on /dev/velox finds them.  What a spike holds and how it
 * is cut into parts and causes is core/tail.c's; the interference comes
 * from noise.c.
 */
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "capture.h"
#include "core/report.h"
#include "noise.h"

/**
 * velox_capture_alloc() - room for a run's spikes
 * @snapshot_ns: velox_config.snapshot_ns
 * @noise: where the interference comes from
 *
 * With @snapshot_ns set, the ftrace snapshot buffer is allocated here,
 * where sleeping is allowed (tracing_snapshot_alloc() takes a first
 * snapshot as it does), so that the spike's tracing_snapshot() only swaps.
 *
 * Return: the capture, or NULL without memory.
 */
struct velox_capture *velox_capture_alloc(u64 snapshot_ns,
					  struct velox_noise *noise)
{
	struct velox_capture *cap;

	cap = vzalloc(struct_size(cap, spikes, VELOX_TAIL_SPIKES));
	if (!cap)
		return NULL;
	cap->ready = bitmap_zalloc(VELOX_TAIL_SPIKES, GFP_KERNEL);
	if (!cap->ready) {
		vfree(cap);
		return NULL;
	}
	cap->capacity = VELOX_TAIL_SPIKES;
	cap->snapshot_ns = snapshot_ns;
	cap->noise = noise;
	if (snapshot_ns)
		tracing_snapshot_alloc();
	return cap;
}

void velox_capture_free(struct velox_capture *cap)
{
	if (!cap)
		return;
	bitmap_free(cap->ready);
	vfree(cap);
}

/*
 * A lane's keep(): claim a slot, copy the spike, mark it ready.  On the
 * output stage's path, only for spikes; one atomic add a spike, which
 * lets every lane append to one array in capture order.
 */
bool velox_capture_keep(void *ctx, const struct velox_spike *spike)
{
	struct velox_capture *cap = ctx;
	unsigned int i = atomic_inc_return(&cap->next) - 1;

	if (i >= cap->capacity)
		return false;
	cap->spikes[i] = *spike;
	/* The whole spike before its ready bit: pairs with velox_capture_read(). */
	smp_wmb();
	set_bit(i, cap->ready);
	if (cap->snapshot_ns && spike->e2e_ns >= cap->snapshot_ns &&
	    !atomic_xchg(&cap->snapshot_taken, 1))
		tracing_snapshot();
	return true;
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
 * velox_capture_read() - read() on /dev/velox: spikes from *@pos on
 * @cap: the capture, or NULL if the last run had tail capture off
 * @buf: the caller's buffer
 * @count: its size: whole spikes are copied, at least one must fit
 * @pos: a byte offset into the spikes, on a spike's boundary
 *
 * Copies the spikes captured so far from *@pos, stopping at the first
 * one not yet written whole; never removes any, so every reader (and
 * pread()) sees them all.
 *
 * Return: bytes copied (0: none more yet), -EINVAL for a count below one
 * spike or a position off a boundary, -EFAULT.
 */
ssize_t velox_capture_read(struct velox_capture *cap, char __user *buf,
			   size_t count, loff_t *pos)
{
	const u32 size = sizeof(struct velox_spike);
	unsigned int n, i, ready;
	u32 off;
	u64 first;

	if (count < size || *pos < 0)
		return -EINVAL;
	first = div_u64_rem(*pos, size, &off);
	if (off)
		return -EINVAL;
	if (!cap)
		return 0;
	ready = velox_capture_ready(cap);
	if (first >= ready)
		return 0;
	n = min_t(u64, ready - first, count / size);
	for (i = 0; i < n; i++)
		if (copy_to_user(buf + i * size, &cap->spikes[first + i], size))
			break;
	if (!i)
		return -EFAULT;
	/* What was copied counts, a fault part-way included: read() semantics. */
	*pos += i * size;
	return i * size;
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
