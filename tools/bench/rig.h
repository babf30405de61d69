/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/bench: a rig of whole lanes on pthreads, shared by the cases that
 * drive module/core/lane.c (lane, backoff, sharing, sampling).
 *
 * The rig owns what the module's engine owns: one order book shared by
 * every lane, each lane's rings, and the threads.  A thread runs one step
 * of its stages at a time, as velox_worker_fn() does, and when a step
 * found nothing to do it spins, yields or sleeps as module/core/idle.h
 * decides, the way userspace can: sched_yield(), a futex on the lane's
 * doorbell (core/doorbell.h) where velox.ko sleeps in schedule(), and
 * clock_nanosleep() until ingress's next transaction, with the module's
 * timer slack.  Cases that need more than a plain step (a second sink, a
 * tap on the bundle ring) give the thread a step function of their own.
 */
#ifndef VELOX_BENCH_RIG_H
#define VELOX_BENCH_RIG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "idle.h"
#include "lane.h"

#define RIG_LANES_MAX	8
#define RIG_LEVELS	1024
#define RIG_BASE	100000
#define RIG_RING	1024

/* What a rig is set up with. */
struct rig_conf {
	unsigned int lanes;		/* 1 .. RIG_LANES_MAX */
	bool book_per_lane;		/* false: one book for all, as the module */
	u32 book_cap;			/* the book's CAS backoff cap */
	uint64_t stop_after;		/* transactions each lane generates */
	velox_clock_fn clock;		/* NULL: CLOCK_MONOTONIC */
	struct velox_lane_params lane;	/* id and start_ns are the rig's */
};

struct rig {
	struct velox_book books[RIG_LANES_MAX];
	u64 *levels[RIG_LANES_MAX];
	unsigned int nbooks;
	unsigned int nlanes;
	struct velox_lane *lanes[RIG_LANES_MAX];
	u8 *slots[RIG_LANES_MAX];
	uint64_t stop_after;
	int ready;			/* threads pinned and waiting */
	volatile int go;
};

/*
 * A thread's lost stretches: between two rounds of its loop more than
 * @min_ns passed while it did not sleep, so something else had its CPU (a
 * task, an interrupt, the hypervisor).  Kept only where a case asks: it
 * costs a clock read a round.
 */
struct rig_gaps {
	uint64_t min_ns;
	unsigned int n, max;
	uint64_t (*at)[2];		/* [from, to), CLOCK_MONOTONIC ns */
};

struct rig_thread {
	struct rig *rig;
	struct velox_lane *lane;
	struct velox_sink *sink;
	unsigned int stages;		/* enum velox_lane_stage bits */
	int cpu;
	/* One step; NULL: velox_lane_run(lane, stages, sink). */
	u32 (*step)(struct rig_thread *t);
	void *priv;			/* for @step */
	uint64_t spin_ns;		/* the idle spin window */
	enum velox_backoff_policy policy;
	struct velox_idle idle;
	struct rig_gaps *gaps;		/* NULL: not kept */
	uint64_t cpu_ns;		/* CPU time of this thread in the run */
	uint64_t preempted;		/* involuntary context switches in it */
	pthread_t tid;
};

/*
 * The lane parameters every case starts from (lane_bench's): policy
 * block, bundles of 16, 100 µs flush; @period_fp as in struct
 * velox_lane_params (0: unpaced), 1 in @sample marked.
 */
struct velox_lane_params rig_params(u64 period_fp, u32 sample);

/* Is quantity conserved over all the books?  Once the lanes are done. */
bool rig_conserved(struct rig *r, const struct velox_counters *sum);

/* Returns 0, or -1 if out of memory. */
int rig_init(struct rig *r, const struct rig_conf *c);
void rig_free(struct rig *r);

/* A thread of @r on lane @lane, with defaults (policy spin). */
void rig_thread_init(struct rig_thread *t, struct rig *r, unsigned int lane,
		     unsigned int stages, struct velox_sink *sink, int cpu);

/*
 * Lane 0 of @r on @threads threads: 1 runs every stage; 2 run ingress and
 * matcher on @cpu_a, bundler and output on @cpu_b; 4 run a stage each,
 * alternating between @cpu_a and @cpu_b.  Each thread counts into a sink
 * of its own, returned in @sinks (free them).  0, or -1 if out of memory.
 */
int rig_split_lane(struct rig *r, struct rig_thread *th,
		   struct velox_sink **sinks, unsigned int threads,
		   int cpu_a, int cpu_b);

/* Start @n threads, release them at once, wait: the seconds it took. */
double rig_run(struct rig *r, struct rig_thread *th, unsigned int n);

/*
 * Run the one thread @t of a one-lane rig on the calling thread: no
 * thread to start, no spinning for it to be ready, nothing but the steps
 * (for callgrind, whose counts then repeat).
 */
void rig_run_here(struct rig *r, struct rig_thread *t);

/*
 * Did every lane deliver what it generated, in order, with the book's
 * quantity conserved?  @sum: every sink summed (NULL: skip the sink
 * checks, for sinks the case shares on purpose).  Prints what was wrong.
 */
bool rig_check(struct rig *r, const struct velox_sink *sum);

/* @sum = the sum of @n distinct sinks. */
void rig_sum(struct velox_sink *sum, struct velox_sink *const *sinks,
	     unsigned int n);

/* C11 aligned_alloc wants the size a multiple of the alignment. */
void *rig_alloc(size_t size);

#endif /* VELOX_BENCH_RIG_H */
