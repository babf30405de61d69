// SPDX-License-Identifier: GPL-2.0
/*
 * Optimization log (b): where the stage counters live.  Two lanes on two
 * threads (each thread runs all four stages of its lane), unpaced, -n
 * transactions per lane; the lanes share one order book, as lanes=2
 * threads=1 in the module (one-book), or have a book each, so that the
 * counters are all the threads share (own-books).  The counters of
 * struct velox_sink are kept:
 *
 *   percpu         in a sink per thread: what velox.ko does (a sink per
 *                  CPU, module/stats.c)
 *   shared         in one sink both threads pass to velox_lane_run():
 *                  plain adds from two CPUs to the same lines (counters and
 *                  histograms); updates get lost, and that is measured
 *   atomic-own     steps count into a private sink; after each step the
 *                  counters' changes are added with atomic adds to a
 *                  struct of the thread's own (control: the cost of the
 *                  per-step publication without any sharing)
 *   atomic-shared  the same, into one struct both threads add to
 *
 * The atomic modes publish once per step (a burst of up to 32), not once
 * per counter update, so they are a lower bound of what atomics per
 * update would cost; histograms stay per thread in both.
 *
 *   sharing/lane/<books>/<mode>         Mops/s of both lanes together
 *   sharing/lane/<books>/shared/lost/.. % of counts lost by plain adds
 *
 * A second part is the mechanism alone: two threads adding 1 to a
 * counter, -n times each, on separate lines or the same line, plain
 * (a load and a store) or atomic (lock add), or both on the same word:
 *
 *   sharing/counter/<placement>         ns per add per thread
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/velox.h>

#include "bench.h"
#include "rig.h"

#define SHARING_RUNS_MAX	32
#define COUNTER_WORDS		(sizeof(struct velox_counters) / sizeof(u64))

static_assert(sizeof(struct velox_counters) % sizeof(u64) == 0,
	      "the flush below treats the counters as an array of u64");

enum { PERCPU, SHARED, ATOMIC_OWN, ATOMIC_SHARED, LANE_MODES };

static const char *const lane_modes[LANE_MODES] = {
	"percpu", "shared", "atomic-own", "atomic-shared",
};

/* What a thread of the atomic modes keeps for its per-step flush. */
struct flush {
	u64 last[COUNTER_WORDS];	/* the private counters at the last flush */
	u64 *dst;		/* a struct velox_counters, as u64s */
};

/* Run the step into the private sink, then publish what changed. */
static u32 flush_step(struct rig_thread *t)
{
	const u64 *cur = (const u64 *)&t->sink->count;
	struct flush *f = t->priv;
	u32 work = velox_lane_run(t->lane, t->stages, t->sink);
	unsigned int i;

	for (i = 0; i < COUNTER_WORDS; i++) {
		if (cur[i] != f->last[i]) {
			__atomic_fetch_add(&f->dst[i], cur[i] - f->last[i],
					   __ATOMIC_RELAXED);
			f->last[i] = cur[i];
		}
	}
	return work;
}

/* Percentage of @want that @got is short of. */
static double lost_pct(u64 want, u64 got)
{
	return want ? 100.0 * ((double)want - got) / want : 0;
}

/*
 * One run in @mode: Mops/s of both lanes into *mops; for the shared mode
 * the % of generated counts and e2e histogram records lost into @lost.
 */
static int lane_once(const struct bench_opts *o, bool own_books, int mode,
		     double *mops, double *lost)
{
	const struct rig_conf rc = {
		.lanes = 2, .book_per_lane = own_books, .book_cap = 64,
		.stop_after = o->count, .lane = rig_params(0, 1),
	};
	struct velox_sink *sinks[2], *sum = rig_alloc(sizeof(*sum));
	struct velox_counters *dst[2] = { 0 };
	struct flush fl[2] = { 0 };
	struct rig_thread th[2];
	bool ok = true;
	unsigned int i;
	struct rig r;
	double secs;

	if (!sum || rig_init(&r, &rc)) {
		free(sum);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		sinks[i] = rig_alloc(sizeof(*sinks[i]));
		velox_sink_init(sinks[i]);
		/* Separate allocations: the own tallies share no line. */
		dst[i] = rig_alloc(sizeof(*dst[i]));
		memset(dst[i], 0, sizeof(*dst[i]));
	}
	for (i = 0; i < 2; i++) {
		rig_thread_init(&th[i], &r, i, VELOX_LANE_ALL,
				mode == SHARED ? sinks[0] : sinks[i],
				i ? o->cpu_b : o->cpu_a);
		if (mode == ATOMIC_OWN || mode == ATOMIC_SHARED) {
			fl[i].dst = (u64 *)(mode == ATOMIC_OWN ? dst[i] : dst[0]);
			th[i].step = flush_step;
			th[i].priv = &fl[i];
		}
	}
	secs = rig_run(&r, th, 2);
	*mops = (r.lanes[0]->ingress.generated + r.lanes[1]->ingress.generated) /
		secs / 1e6;
	if (mode == SHARED) {
		u64 gen = r.lanes[0]->ingress.generated + r.lanes[1]->ingress.generated;
		const struct velox_sink *s = sinks[0];

		/* Racy by design: only the lanes' own counters can be checked. */
		ok = rig_check(&r, NULL) && !s->count.seq_errors;
		lost[0] = lost_pct(gen, s->count.generated);
		lost[1] = lost_pct(gen, velox_hist_count(&s->hist[VELOX_STAGE_E2E]));
	} else {
		rig_sum(sum, sinks, 2);
		ok = rig_check(&r, sum);
		/* Atomics lose nothing: the published sum is the exact one. */
		if (mode == ATOMIC_SHARED)
			ok &= !memcmp(dst[0], &sum->count, sizeof(*dst[0]));
		if (mode == ATOMIC_OWN) {
			velox_counters_add(dst[0], dst[1]);
			ok &= !memcmp(dst[0], &sum->count, sizeof(*dst[0]));
		}
		if (!ok)
			fprintf(stderr, "velox-bench: sharing: %s counted wrong\n",
				lane_modes[mode]);
	}
	for (i = 0; i < 2; i++) {
		free(sinks[i]);
		free(dst[i]);
	}
	free(sum);
	rig_free(&r);
	return ok ? 0 : -1;
}

enum {
	SEP_PLAIN, SAME_LINE_PLAIN, SEP_ATOMIC, SAME_LINE_ATOMIC,
	SAME_WORD_ATOMIC, COUNTER_MODES
};

static const char *const counter_modes[COUNTER_MODES] = {
	"separate-lines/plain", "same-line/plain", "separate-lines/atomic",
	"same-line/atomic", "same-word/atomic",
};

struct adder {
	u64 *word;
	bool atomic;
	uint64_t n;
	int cpu;
	int *ready;
	volatile int *go;
	pthread_t tid;
};

static void *adder_fn(void *arg)
{
	struct adder *a = arg;
	uint64_t i;

	bench_pin(a->cpu);
	__atomic_fetch_add(a->ready, 1, __ATOMIC_RELEASE);
	while (!*a->go)
		;
	if (a->atomic) {
		for (i = 0; i < a->n; i++)
			__atomic_fetch_add(a->word, 1, __ATOMIC_RELAXED);
	} else {
		/* The barrier makes every add a load and a store, as in a sink. */
		for (i = 0; i < a->n; i++) {
			(*a->word)++;
			__asm__ __volatile__("" ::: "memory");
		}
	}
	return NULL;
}

/* ns per add per thread, two threads adding in @mode. */
static double counter_once(const struct bench_opts *o, int mode)
{
	/* Four lines: words 0 and 1 share line 0, word 16 is on line 2. */
	u64 *words = rig_alloc(4 * 64);
	struct adder a[2];
	volatile int go = 0;
	int ready = 0;
	uint64_t t0;
	double secs;
	int i;

	memset(words, 0, 4 * 64);
	for (i = 0; i < 2; i++) {
		a[i] = (struct adder){
			.word = &words[i == 0 || mode == SAME_WORD_ATOMIC ? 0 :
				       mode == SAME_LINE_PLAIN ||
				       mode == SAME_LINE_ATOMIC ? 1 : 16],
			.atomic = mode >= SEP_ATOMIC,
			.n = o->count,
			.cpu = i ? o->cpu_b : o->cpu_a,
			.ready = &ready,
			.go = &go,
		};
		pthread_create(&a[i].tid, NULL, adder_fn, &a[i]);
	}
	/* Both pinned and waiting, or the first would add alone for a while. */
	while (__atomic_load_n(&ready, __ATOMIC_ACQUIRE) < 2)
		;
	t0 = bench_now_ns();
	go = 1;
	for (i = 0; i < 2; i++)
		pthread_join(a[i].tid, NULL);
	secs = (bench_now_ns() - t0) / 1e9;
	free(words);
	return secs * 1e9 / o->count;
}

int sharing_bench(const struct bench_opts *o)
{
	static const char *const books[2] = { "one-book", "own-books" };
	static double mops[2][LANE_MODES][SHARING_RUNS_MAX];
	static double lost[2][2][SHARING_RUNS_MAX];
	static double ns[COUNTER_MODES][SHARING_RUNS_MAX];
	unsigned int runs = o->repeat < SHARING_RUNS_MAX ? o->repeat :
							 SHARING_RUNS_MAX;
	double l[2] = { 0 };
	unsigned int k, b;
	char name[96];
	int m, ret = 0;

	for (k = 0; k < runs; k++) {
		for (b = 0; b < 2; b++) {
			for (m = 0; m < LANE_MODES; m++) {
				if (lane_once(o, b, m, &mops[b][m][k], l))
					ret = 1;
				if (m == SHARED) {
					lost[b][0][k] = l[0];
					lost[b][1][k] = l[1];
				}
			}
		}
		for (m = 0; m < COUNTER_MODES; m++)
			ns[m][k] = counter_once(o, m);
	}
	for (b = 0; b < 2; b++) {
		for (m = 0; m < LANE_MODES; m++) {
			snprintf(name, sizeof(name), "sharing/lane/%s/%s",
				 books[b], lane_modes[m]);
			bench_result(name, bench_median(mops[b][m], runs),
				     "Mops/s", true);
		}
		snprintf(name, sizeof(name), "sharing/lane/%s/shared/lost/generated",
			 books[b]);
		bench_result(name, bench_median(lost[b][0], runs), "%", false);
		snprintf(name, sizeof(name), "sharing/lane/%s/shared/lost/e2e-records",
			 books[b]);
		bench_result(name, bench_median(lost[b][1], runs), "%", false);
	}
	for (m = 0; m < COUNTER_MODES; m++) {
		snprintf(name, sizeof(name), "sharing/counter/%s", counter_modes[m]);
		bench_result(name, bench_median(ns[m], runs), "ns/add", false);
	}
	return ret;
}
