// SPDX-License-Identifier: GPL-2.0
/*
 * Lanes on real threads, as the module's kthreads run them: every stage
 * of a lane on its own thread (the most cross-thread hand-offs), two lanes
 * sharing one book, and one lane with its stages paired on two threads,
 * small rings so they are full and empty all the time, stopped while
 * busy.  After the drain everything generated must have been delivered in
 * order, every ring empty and the book's quantity conserved.  Under TSan
 * a missing acquire/release between stages (the done flags, the rings) is
 * a reported race; under ASan an overrun of a bundle or ring is caught.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/velox.h>

#include "lane.h"
#include "kselftest.h"

#define NLEVELS 256
#define BASE 5000
#define RING 16
#define STOP_AFTER 100000
#define MAX_THREADS 8

/* C11 aligned_alloc wants the size a multiple of the alignment. */
static void *alloc64(size_t size)
{
	return aligned_alloc(64, (size + 63) & ~(size_t)63);
}

struct stage_thread {
	pthread_t tid;
	struct velox_lane *lane;
	struct velox_sink *sink;
	unsigned int stages;
};

static u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void *stage_fn(void *arg)
{
	struct stage_thread *t = arg;

	while (!velox_lane_done(t->lane, t->stages)) {
		/* More threads than CPUs: let the others run, as kthreads do. */
		if (!velox_lane_run(t->lane, t->stages, t->sink))
			sched_yield();
		/* Only ingress's own thread reads its own count. */
		if ((t->stages & VELOX_LANE_INGRESS) &&
		    t->sink->count.generated >= STOP_AFTER)
			velox_lane_stop(t->lane);
	}
	return NULL;
}

/* @lanes lanes, each on @threads threads (4: a stage each; 2: paired). */
static bool run_lanes(int lanes, int threads, u8 policy)
{
	static u64 levels[NLEVELS];
	size_t rb = RING * sizeof(struct velox_txn);
	size_t slot_bytes = 2 * rb + velox_lane_bundle_slots(RING) *
			    sizeof(struct velox_bundle);
	struct stage_thread th[MAX_THREADS];
	struct velox_lane *lane[2];
	struct velox_book book;
	struct velox_sink *sum = alloc64(sizeof(*sum));
	u8 *slots[2];
	bool ok = true;
	int i, k, n = 0;

	velox_book_init(&book, levels, NLEVELS, BASE, 16);
	for (i = 0; i < lanes; i++) {
		struct velox_lane_params p = {
			.id = i,
			.policy = policy,
			.bundle = 1 + 5 * i + 7,	/* 8 and 13: partial bundles */
			.flush_ns = 2000,
			.period_fp = 0,			/* all due at once */
			.sample = 3,
			.seed = 11 + i,
			.start_ns = mono_ns(),
		};

		lane[i] = alloc64(sizeof(*lane[i]));
		slots[i] = alloc64(slot_bytes);
		velox_lane_init(lane[i], &p, &book, mono_ns, slots[i],
				slots[i] + rb, RING, slots[i] + 2 * rb);
		for (k = 0; k < threads; k++, n++) {
			th[n].lane = lane[i];
			th[n].sink = alloc64(sizeof(*th[n].sink));
			velox_sink_init(th[n].sink);
			th[n].stages = threads == 4 ? BIT(k) :
				       k ? VELOX_LANE_BUNDLER | VELOX_LANE_OUTPUT :
					   VELOX_LANE_INGRESS | VELOX_LANE_MATCHER;
		}
	}
	for (i = 0; i < n; i++)
		pthread_create(&th[i].tid, NULL, stage_fn, &th[i]);
	velox_sink_init(sum);
	for (i = 0; i < n; i++) {
		pthread_join(th[i].tid, NULL);
		velox_counters_add(&sum->count, &th[i].sink->count);
		velox_hist_merge(&sum->hist[VELOX_STAGE_E2E],
				 &th[i].sink->hist[VELOX_STAGE_E2E]);
		free(th[i].sink);
	}

	if (sum->count.generated != sum->count.delivered + sum->count.dropped) {
		ksft_print_msg("generated %llu != delivered %llu + dropped %llu\n",
			  sum->count.generated, sum->count.delivered,
			  sum->count.dropped);
		ok = false;
	}
	if (policy == VELOX_POLICY_BLOCK && sum->count.dropped) {
		ksft_print_msg("%llu dropped under policy block\n", sum->count.dropped);
		ok = false;
	}
	if (sum->count.seq_errors) {
		ksft_print_msg("%llu delivered out of order\n", sum->count.seq_errors);
		ok = false;
	}
	/* 1 in 3 generated is sampled; without drops, 1 in 3 delivered. */
	if (sum->hist[VELOX_STAGE_E2E].count != sum->count.sampled ||
	    (policy == VELOX_POLICY_BLOCK &&
	     (3 * sum->count.sampled > sum->count.delivered ||
	      3 * sum->count.sampled + 2 * lanes < sum->count.delivered))) {
		ksft_print_msg("sampled %llu of %llu delivered, histogram %llu\n",
			  sum->count.sampled, sum->count.delivered,
			  sum->hist[VELOX_STAGE_E2E].count);
		ok = false;
	}
	if (!velox_book_conserved(&book, &sum->count)) {
		ksft_print_msg("book quantity not conserved\n");
		ok = false;
	}
	for (i = 0; i < lanes; i++) {
		if (velox_ring_count(&lane[i]->to_matcher) ||
		    velox_ring_count(&lane[i]->to_bundler) ||
		    velox_ring_count(&lane[i]->to_output)) {
			ksft_print_msg("lane %d: a ring is not empty after the drain\n", i);
			ok = false;
		}
		free(lane[i]);
		free(slots[i]);
	}
	free(sum);
	return ok;
}

int main(void)
{
	/* A stage that never finishes must fail the test, not hang it. */
	alarm(120);
	ksft_print_header();
	ksft_set_plan(3);
	ksft_test_result(run_lanes(2, 4, VELOX_POLICY_BLOCK),
		    "two_lanes_a_thread_per_stage_block_conserve\n");
	ksft_test_result(run_lanes(2, 4, VELOX_POLICY_DROP),
		    "two_lanes_a_thread_per_stage_drop_conserve\n");
	ksft_test_result(run_lanes(1, 2, VELOX_POLICY_BLOCK),
		    "one_lane_paired_stages_conserve\n");
	ksft_finished();
}
