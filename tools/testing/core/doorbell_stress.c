// SPDX-License-Identifier: GPL-2.0
/*
 * Idle stage threads that really sleep: on their lane's doorbells
 * (core/doorbell.h) with futexes (velox/lane_sleep.h, as the bench rig
 * sleeps; velox.ko sleeps in schedule()).  Rings are tiny and ingress blocks at a full one,
 * so one lost wake-up stops the lane for good: the thread that should
 * have woken sleeps with no timeout (the bundler's flush timeout is an
 * hour), ingress waits for room that never comes, and the alarm fails
 * the test.  Under TSan a missing barrier or exchange in the protocol is
 * also a reported race.  Every run must deliver everything in order, and
 * its threads must have slept (a run that never sleeps tests nothing).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/velox.h>
#include <velox/lane_sleep.h>

#include "idle.h"
#include "lane.h"
#include "kselftest.h"

#define NLEVELS 256
#define BASE 5000
#define STOP_AFTER 20000
#define PERIOD_NS 5000		/* 200k/s: idle between most transactions */
#define SPIN_NS 1000
#define FLUSH_NS 3600000000000ull

static void *alloc64(size_t size)
{
	return aligned_alloc(64, (size + 63) & ~(size_t)63);
}

static u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

struct sleeper {
	pthread_t tid;
	struct velox_lane *lane;
	struct velox_sink *sink;
	unsigned int stages;
	u64 sleeps;
};

static void *sleeper_fn(void *arg)
{
	struct sleeper *t = arg;
	struct velox_idle idle;

	velox_idle_init(&idle, SPIN_NS, VELOX_BACKOFF_SLEEP);
	while (!velox_lane_done(t->lane, t->stages)) {
		u64 now, wake_at;

		if (velox_lane_run(t->lane, t->stages, t->sink)) {
			velox_idle_reset(&idle);
		} else {
			now = mono_ns();
			wake_at = velox_lane_wake_at(t->lane, t->stages, now);
			if (velox_idle_next(&idle, now, wake_at,
					    velox_lane_awaits(t->lane, t->stages)) ==
			    VELOX_IDLE_SLEEP &&
			    velox_user_lane_sleep(t->lane, t->stages, wake_at))
				t->sleeps++;
		}
		if ((t->stages & VELOX_LANE_INGRESS) &&
		    t->sink->count.generated >= STOP_AFTER)
			velox_lane_stop(t->lane);
	}
	return NULL;
}

/* One lane on @threads threads (4: a stage each; 2: paired). */
static bool run_lane(int threads, u32 ring, u32 bundle)
{
	static u64 levels[NLEVELS];
	size_t rb = ring * sizeof(struct velox_txn);
	size_t slot_bytes = 2 * rb + velox_lane_bundle_slots(ring) *
			    sizeof(struct velox_bundle);
	struct velox_lane_params p = {
		.policy = VELOX_POLICY_BLOCK,
		.bundle = bundle,
		.flush_ns = FLUSH_NS,
		.period_fp = (u64)PERIOD_NS << 16,
		.sample = 1,
		.seed = 7,
		.start_ns = mono_ns(),
		.wake = velox_user_wake,
	};
	struct velox_lane *lane = alloc64(sizeof(*lane));
	u8 *slots = alloc64(slot_bytes);
	struct velox_doorbell *bell;
	struct sleeper th[4];
	struct velox_book book;
	u64 gen = 0, del = 0, seq = 0;
	u64 sleeps[4] = { 0 };
	bool ok = true;
	int k;

	velox_book_init(&book, levels, NLEVELS, BASE, 16);
	velox_lane_init(lane, &p, &book, mono_ns, slots, slots + rb, ring,
			slots + 2 * rb);
	for (k = 0; k < threads; k++) {
		memset(&th[k], 0, sizeof(th[k]));
		th[k].lane = lane;
		th[k].sink = alloc64(sizeof(*th[k].sink));
		velox_sink_init(th[k].sink);
		th[k].stages = threads == 4 ? BIT(k) :
			       k ? VELOX_LANE_BUNDLER | VELOX_LANE_OUTPUT :
				   VELOX_LANE_INGRESS | VELOX_LANE_MATCHER;
		/* A bell's producer rings it only if somebody sleeps on it. */
		bell = velox_lane_bell(lane, th[k].stages);
		if (bell)
			bell->sleeper = &th[k];
	}
	for (k = 0; k < threads; k++)
		pthread_create(&th[k].tid, NULL, sleeper_fn, &th[k]);
	for (k = 0; k < threads; k++) {
		pthread_join(th[k].tid, NULL);
		gen += th[k].sink->count.generated;
		del += th[k].sink->count.delivered;
		seq += th[k].sink->count.seq_errors;
		sleeps[k] = th[k].sleeps;
		free(th[k].sink);
	}
	if (gen < STOP_AFTER || gen != del || seq) {
		ksft_print_msg("generated %llu, delivered %llu, %llu out of order\n",
			       (unsigned long long)gen, (unsigned long long)del,
			       (unsigned long long)seq);
		ok = false;
	}
	/* Every thread fed by another must have slept on its bell. */
	for (k = 1; k < threads; k++) {
		if (!sleeps[k]) {
			ksft_print_msg("thread %d never slept\n", k);
			ok = false;
		}
	}
	ksft_print_msg("%d threads, ring %u, bundle %u: slept %llu %llu %llu %llu times\n",
		       threads, ring, bundle, (unsigned long long)sleeps[0],
		       (unsigned long long)sleeps[1],
		       (unsigned long long)sleeps[2],
		       (unsigned long long)sleeps[3]);
	free(lane);
	free(slots);
	return ok;
}

int main(void)
{
	/* A lost wake-up stalls a lane for good: fail, do not hang. */
	alarm(120);
	/* What ran before the alarm is seen. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_header();
	ksft_set_plan(3);
	ksft_test_result(run_lane(4, 16, 16),
			 "a_thread_per_stage_sleeping_on_bells_delivers_all\n");
	ksft_test_result(run_lane(2, 16, 16),
			 "paired_stages_sleeping_on_bells_deliver_all\n");
	/* The bundler cannot want more than a ring of 4 holds. */
	ksft_test_result(run_lane(4, 4, 16),
			 "a_ring_smaller_than_a_bundle_still_wakes_the_bundler\n");
	ksft_finished();
}
