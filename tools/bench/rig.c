// SPDX-License-Identifier: GPL-2.0
/*
 * The lane rig: book, lanes and threads for the cases that run whole
 * lanes.  See rig.h.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <asm/processor.h>
#include <linux/velox.h>
#include <velox/lane_sleep.h>

#include "bench.h"
#include "layout.h"
#include "rig.h"

void *rig_alloc(size_t size)
{
	return aligned_alloc(64, (size + 63) & ~(size_t)63);
}

static u64 rig_clock(void)
{
	return bench_now_ns();
}

struct velox_lane_params rig_params(u64 period_fp, u32 sample)
{
	return (struct velox_lane_params){
		.policy = VELOX_POLICY_BLOCK,
		.bundle = VELOX_BUNDLE_MAX,
		.flush_ns = 100000,
		.period_fp = period_fp,
		.sample = sample,
		.seed = 1,
	};
}

int rig_init(struct rig *r, const struct rig_conf *c)
{
	size_t rb = RIG_RING * sizeof(struct velox_txn);
	size_t bqb = velox_lane_bundle_slots(RIG_RING) *
		     sizeof(struct velox_bundle);
	struct velox_lane_params lp = c->lane;
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->nlanes = c->lanes;
	r->nbooks = c->book_per_lane ? c->lanes : 1;
	r->stop_after = c->stop_after;
	for (i = 0; i < r->nbooks; i++) {
		r->levels[i] = calloc(RIG_LEVELS, sizeof(*r->levels[i]));
		if (!r->levels[i])
			goto out_free_rig;
		velox_book_init(&r->books[i], r->levels[i], RIG_LEVELS,
				RIG_BASE, c->book_cap);
	}
	lp.start_ns = bench_now_ns();
	for (i = 0; i < r->nlanes; i++) {
		r->lanes[i] = rig_alloc(sizeof(*r->lanes[i]));
		r->slots[i] = rig_alloc(2 * rb + bqb);
		if (!r->lanes[i] || !r->slots[i])
			goto out_free_rig;
		lp.id = i;
		velox_lane_init(r->lanes[i], &lp,
				&r->books[c->book_per_lane ? i : 0],
				c->clock ? c->clock : rig_clock,
				r->slots[i], r->slots[i] + rb, RIG_RING,
				r->slots[i] + 2 * rb);
	}
	return 0;

out_free_rig:
	rig_free(r);
	return -1;
}

void rig_free(struct rig *r)
{
	unsigned int i;

	for (i = 0; i < RIG_LANES_MAX; i++) {
		free(r->lanes[i]);
		free(r->slots[i]);
		free(r->levels[i]);
	}
}

/*
 * velox_book_conserved() checks one book; the invariant is a sum, so for
 * several books take what the others hold off the submitted side.
 */
bool rig_conserved(struct rig *r, const struct velox_counters *sum)
{
	struct velox_counters st = *sum;
	unsigned int i;

	for (i = 1; i < r->nbooks; i++)
		st.submitted_qty -= velox_book_resting(&r->books[i]);
	return velox_book_conserved(&r->books[0], &st);
}

void rig_thread_init(struct rig_thread *t, struct rig *r, unsigned int lane,
		     unsigned int stages, struct velox_sink *sink, int cpu)
{
	memset(t, 0, sizeof(*t));
	t->rig = r;
	t->lane = r->lanes[lane];
	t->stages = stages;
	t->sink = sink;
	t->cpu = cpu;
	t->policy = VELOX_BACKOFF_SPIN;
}

static void rig_idle_init(struct rig_thread *t)
{
	velox_idle_init(&t->idle, t->spin_ns, t->policy);
}

/*
 * What velox_worker_idle() does in the module, with userspace calls.
 * Returns whether the thread slept.
 */
static bool rig_idle(struct rig_thread *t)
{
	u64 now, wake_at;

	if (t->policy == VELOX_BACKOFF_SPIN) {
		cpu_relax();
		return false;
	}
	now = bench_now_ns();
	wake_at = velox_lane_wake_at(t->lane, t->stages, now);
	switch (velox_idle_next(&t->idle, now, wake_at,
				velox_lane_awaits(t->lane, t->stages))) {
	case VELOX_IDLE_SPIN:
		cpu_relax();
		break;
	case VELOX_IDLE_YIELD:
		t->sink->count.idle_yields++;
		sched_yield();
		break;
	case VELOX_IDLE_SLEEP:
		if (velox_user_lane_sleep(t->lane, t->stages, wake_at)) {
			t->sink->count.idle_sleeps++;
			return true;
		}
		break;
	}
	return false;
}

/* A round ended at @now, @last after the one before: a lost stretch? */
static void rig_gap(struct rig_gaps *g, uint64_t *last, uint64_t now,
		    bool slept)
{
	if (!slept && now - *last > g->min_ns && g->n < g->max) {
		g->at[g->n][0] = *last;
		g->at[g->n][1] = now;
		g->n++;
	}
	*last = now;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* What velox_worker_fn() does, until the thread's stages are done. */
static void rig_loop(struct rig_thread *t)
{
	bool ingress = t->stages & VELOX_LANE_INGRESS;
	uint64_t last = t->gaps ? bench_now_ns() : 0;
	u32 work;

	while (!velox_lane_done(t->lane, t->stages)) {
		bool slept = false;

		work = t->step ? t->step(t) :
				 velox_lane_run(t->lane, t->stages, t->sink);
		if (work)
			velox_idle_reset(&t->idle);
		else
			slept = rig_idle(t);
		if (t->gaps)
			rig_gap(t->gaps, &last, bench_now_ns(), slept);
		/* in.generated is written by this thread: a plain read. */
		if (ingress && t->lane->ingress.generated >= t->rig->stop_after)
			velox_lane_stop(t->lane);
	}
}

static void *rig_thread_fn(void *arg)
{
	struct rig_thread *t = arg;
	struct rusage ru0, ru1;
	uint64_t cpu0;

	bench_pin(t->cpu);
	prctl(PR_SET_TIMERSLACK, VELOX_IDLE_SLACK_NS);
	rig_idle_init(t);
	__atomic_fetch_add(&t->rig->ready, 1, __ATOMIC_RELEASE);
	while (!t->rig->go)
		;
	getrusage(RUSAGE_THREAD, &ru0);
	cpu0 = thread_cpu_ns();
	rig_loop(t);
	t->cpu_ns = thread_cpu_ns() - cpu0;
	getrusage(RUSAGE_THREAD, &ru1);
	t->preempted = ru1.ru_nivcsw - ru0.ru_nivcsw;
	return NULL;
}

void rig_run_here(struct rig *r, struct rig_thread *t)
{
	rig_idle_init(t);
	r->lanes[0]->ingress.next_ns = bench_now_ns();
	rig_loop(t);
}

int rig_split_lane(struct rig *r, struct rig_thread *th,
		   struct velox_sink **sinks, unsigned int threads,
		   int cpu_a, int cpu_b)
{
	unsigned int i, stages;

	for (i = 0; i < threads; i++) {
		sinks[i] = rig_alloc(sizeof(*sinks[i]));
		if (!sinks[i]) {
			while (i--)
				free(sinks[i]);
			return -1;
		}
		velox_sink_init(sinks[i]);
		stages = velox_layout_stages(threads, i);
		rig_thread_init(&th[i], r, 0, stages, sinks[i],
				i % 2 ? cpu_b : cpu_a);
	}
	return 0;
}

double rig_run(struct rig *r, struct rig_thread *th, unsigned int n)
{
	uint64_t t0;
	unsigned int i;
	int err;

	/*
	 * A thread fed by another that may sleep has a bell, rung by the
	 * stage before it, as in velox.ko (none runs yet; a bell nobody
	 * sleeps on costs no barrier).  The futex is the bell's own word:
	 * the sleeper is only a mark.
	 */
	for (i = 0; i < n; i++) {
		struct velox_doorbell *bell =
			velox_lane_bell(th[i].lane, th[i].stages);

		if (th[i].policy == VELOX_BACKOFF_SLEEP && bell) {
			th[i].lane->wake = velox_user_wake;
			bell->sleeper = &th[i];
		}
	}
	for (i = 0; i < n; i++) {
		err = pthread_create(&th[i].tid, NULL, rig_thread_fn, &th[i]);
		if (err) {
			/* The threads already made wait for a start that won't come. */
			fprintf(stderr, "velox-bench: pthread_create: %s\n",
				strerror(err));
			exit(1);
		}
	}
	/* All start together, or the first would run alone for a while. */
	while (__atomic_load_n(&r->ready, __ATOMIC_ACQUIRE) < (int)n)
		;
	/* Restart the pacing clock now that the threads exist. */
	for (i = 0; i < r->nlanes; i++)
		r->lanes[i]->ingress.next_ns = bench_now_ns();
	t0 = bench_now_ns();
	r->go = 1;
	for (i = 0; i < n; i++)
		pthread_join(th[i].tid, NULL);
	return (bench_now_ns() - t0) / 1e9;
}

bool rig_check(struct rig *r, const struct velox_sink *sum)
{
	uint64_t gen = 0, del = 0, drop = 0;
	bool ok = true;
	unsigned int i;

	for (i = 0; i < r->nlanes; i++) {
		const struct velox_lane *l = r->lanes[i];

		ok &= l->ingress.generated >= r->stop_after &&
		      l->ingress.generated == l->output.delivered;
		gen += l->ingress.generated;
		del += l->output.delivered;
		drop += l->ingress.dropped;
	}
	ok &= !drop;
	if (sum)
		ok &= sum->count.generated == gen &&
		      sum->count.delivered == del && !sum->count.seq_errors &&
		      rig_conserved(r, &sum->count);
	if (!ok)
		fprintf(stderr, "velox-bench: lane: generated %llu, delivered %llu, dropped %llu, order errors %llu\n",
			(unsigned long long)gen, (unsigned long long)del,
			(unsigned long long)drop,
			sum ? (unsigned long long)sum->count.seq_errors : 0ull);
	return ok;
}

void rig_sum(struct velox_sink *sum, struct velox_sink *const *sinks,
	     unsigned int n)
{
	unsigned int i;

	velox_sink_init(sum);
	for (i = 0; i < n; i++)
		velox_sink_merge(sinks[i], &sum->count, sum->hist);
}
