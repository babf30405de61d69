/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interference log of one CPU: what took the CPU from the pipeline,
 * as a ring of segments that never overlap.  One writer, the CPU itself
 * (the kernel's IRQ, softirq, NMI and scheduler tracepoints, through
 * module/noise.c); readers on any CPU (a spike's capture asks what
 * overlapped its parts; the publication copies the accounting).
 *
 * Nesting: a preempted worker may see a softirq, which an IRQ may
 * interrupt, which an NMI may interrupt.  An inner event closes the outer
 * segment when it begins and reopens it when it ends, so each instant is
 * in at most one segment, and a window's sums never count it twice.  The
 * pieces of one interruption after the first are marked
 * VELOX_NOISE_SEG_CONT, so counts are of interruptions, not of pieces.
 * The open levels are kept in the nesting order preempted < softirq <
 * irq whatever order they arrive in: a worker woken inside an IRQ is
 * preempted from the moment that IRQ (and any softirq under it) ends.
 *
 * NMIs are logged in a ring of their own (an NMI can arrive in the
 * middle of a write to the main ring) and never split the main ring's
 * segments there: the reader and the accounting subtract the NMI time
 * from whatever main segment it fell in (the NMI wins).
 *
 * Each segment's seq says which write of the ring it holds and whether
 * that write is finished: 4 * index + 1 while it is opened, + 2 open,
 * + 3 while it is closed, + 4 closed; odd while written.  A reader copies
 * the segment between two reads of seq and keeps the copy only if both
 * reads are equal, even and of the index it wanted; otherwise the entry
 * is torn or was overwritten by a later lap, and the window is partial.
 */
#ifndef VELOX_CORE_NOISE_LOG_H
#define VELOX_CORE_NOISE_LOG_H

#include <linux/types.h>
#include <linux/velox.h>

/* Segments per ring, a power of two. */
#define VELOX_NOISE_LOG		256
/* Nesting depth the writer tracks: preempted < softirq < irq (NMIs apart). */
#define VELOX_NOISE_DEPTH	4
/* A name's bytes, with its NUL: a task's comm, as in struct velox_offender. */
#define VELOX_NOISE_NAME	16

/* struct velox_noise_seg.flags: a piece of an interruption after its first. */
#define VELOX_NOISE_SEG_CONT	0x1

/**
 * struct velox_noise_seg - one stretch of time the CPU was taken
 * @seq: which write of the ring this is and how far it got (see above);
 *	odd while being written
 * @source: enum velox_noise_source
 * @flags: VELOX_NOISE_SEG_* bits
 * @id: IRQ number or vector, softirq vector, or pid
 * @start: ns (ktime_get_ns())
 * @end: ns; 0 while the segment is open
 * @name: IRQ action, softirq or task name
 */
struct velox_noise_seg {
	u32 seq;
	u8 source;
	u8 flags;
	u32 id;
	u64 start;
	u64 end;
	char name[VELOX_NOISE_NAME];
};

/**
 * struct velox_noise_sum - what overlapped a window
 * @ns: covered time per enum velox_noise_source
 * @count: interruptions per enum velox_noise_source that overlap the
 *	window (one, however many pieces nesting cut it into)
 * @top: per enum velox_noise_source, the interruption with the most
 *	overlap (its @ns the overlap, @count 1); @top[n].ns 0: none
 * @partial: a ring did not reach back to the window's start, or a
 *	segment was torn: the sums may be short
 */
struct velox_noise_sum {
	u64 ns[VELOX_NOISES];
	u32 count[VELOX_NOISES];
	struct velox_offender top[VELOX_NOISES];
	bool partial;
};

/**
 * struct velox_noise_frame - one open nesting level
 * @id: as the segments it writes
 * @source: enum velox_noise_source
 * @started: it has written a segment (the next one continues it)
 * @name: as the segments it writes
 */
struct velox_noise_frame {
	u32 id;
	u8 source;
	bool started;
	char name[VELOX_NOISE_NAME];
};

/**
 * struct velox_noise_log - one CPU's log and accounting
 * @head: segments written to @segs so far (the next index, unmasked)
 * @nmi_head: the same for @nmis
 * @depth: open nesting levels in @stack
 * @stack: the open levels, outermost first; only the innermost has an
 *	open segment (the newest in @segs), the others reopen as it ends
 * @last_ns: the latest time the writer was given (times are kept from
 *	going back, so segments stay in order)
 * @nmi_last_ns: where the newest NMI segment ends
 * @nmi_folded_ns: NMI time already added to @acct.top
 * @nmi_folded_count: NMIs already added to @acct.top
 * @segs: the main ring
 * @nmis: NMI segments
 * @acct: time, count and top offenders since velox_noise_log_reset(),
 *	of closed segments (@acct.cpu and @acct.wall_ns are the reader's
 *	to fill).  The NMI writer adds to @acct.ns and @acct.count of
 *	VELOX_NOISE_NMI only; the main writer adds NMIs to @acct.top at its
 *	next event.
 */
struct velox_noise_log {
	u64 head;
	u64 nmi_head;
	u32 depth;
	struct velox_noise_frame stack[VELOX_NOISE_DEPTH];
	u64 last_ns;
	u64 nmi_last_ns;
	u64 nmi_folded_ns;
	u64 nmi_folded_count;
	struct velox_noise_seg segs[VELOX_NOISE_LOG];
	struct velox_noise_seg nmis[VELOX_NOISE_LOG];
	struct velox_noise_cpu acct;
};

void velox_noise_log_reset(struct velox_noise_log *log);

/*
 * Writer side: only the log's CPU, with IRQs off around each call (the
 * NMI writer apart: it is an NMI).  Never allocates, locks or divides.
 */
void velox_noise_enter(struct velox_noise_log *log, u64 now, u8 source,
		       u32 id, const char *name);
void velox_noise_exit(struct velox_noise_log *log, u64 now);
void velox_noise_leave(struct velox_noise_log *log, u64 now, u8 source);
void velox_noise_switch(struct velox_noise_log *log, u64 now, bool waits,
			u32 id, const char *name);
void velox_noise_close_all(struct velox_noise_log *log, u64 now);
void velox_noise_nmi(struct velox_noise_log *log, u64 start, u64 end);

/**
 * velox_noise_top() - the innermost open level's source
 * @log: the log, on its writer's CPU
 *
 * Return: enum velox_noise_source, or VELOX_NOISES when nothing is
 * open.  An exit event ends a level only if it is of the exit's source:
 * an exit whose entry came before the probes were registered is not one
 * to take.
 */
static inline u8 velox_noise_top(const struct velox_noise_log *log)
{
	return log->depth ? log->stack[log->depth - 1].source : VELOX_NOISES;
}

/**
 * velox_noise_waiting() - a worker waits for this CPU
 * @log: the log, on its writer's CPU
 *
 * Return: a preempted level is open (it is the outermost, when it is).
 */
static inline bool velox_noise_waiting(const struct velox_noise_log *log)
{
	return log->depth && log->stack[0].source == VELOX_NOISE_PREEMPTED;
}

/* Reader side: any CPU. */
void velox_noise_overlap(const struct velox_noise_log *log, u64 from, u64 to,
			 struct velox_noise_sum *sum);

#endif /* VELOX_CORE_NOISE_LOG_H */
