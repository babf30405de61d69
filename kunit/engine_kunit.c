// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_engine: the pipeline in real kernel threads, started
 * and stopped; under scripts/kunit.sh --debug it runs on 2 CPUs with
 * KASAN, lockdep and atomic-sleep checking.  Runs are short and nothing
 * here asserts a duration: only what must hold whatever the timing.
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/velox.h>

#include "../module/core/names.h"
#include "../module/core/sink.h"
#include "../module/capture.h"
#include "../module/cpuset.h"
#include "../module/engine.h"

static struct velox_config base_config(void)
{
	return (struct velox_config){
		.size = sizeof(struct velox_config),
		.lanes = 1,
		.rate = 200000,
		.bundle = 16,
		.flush_us = 50,
		.ring = 256,
		.sample = 1,
		.spin_us = 5,
		.backoff = VELOX_BACKOFF_SLEEP,
		.policy = VELOX_POLICY_DROP,
		.seed = 1,
	};
}

static int engine_test_init(struct kunit *test)
{
	struct velox_config def = base_config();
	struct velox_engine *e = kzalloc(sizeof(*e), GFP_KERNEL);

	if (!e)
		return -ENOMEM;
	if (velox_engine_init(e, &def, NULL)) {
		kfree(e);
		return -ENOMEM;
	}
	test->priv = e;
	return 0;
}

static void engine_test_exit(struct kunit *test)
{
	struct velox_engine *e = test->priv;

	/* KUnit calls exit after a failed init too. */
	if (!e)
		return;
	velox_engine_exit(e);
	kfree(e);
}

/* What must hold of a stopped run's final publication. */
static void expect_conserved(struct kunit *test, struct velox_engine *e)
{
	const struct velox_stats *st = e->stats.area;
	const struct velox_counters *c = &st->total;
	u64 gen = 0, del = 0, drop = 0;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, st->state, VELOX_STATE_STOPPED);
	KUNIT_EXPECT_EQ(test, st->seq % 2, 0);
	KUNIT_EXPECT_GT(test, c->generated, 0);
	KUNIT_EXPECT_EQ(test, c->generated, c->delivered + c->dropped);
	KUNIT_EXPECT_EQ(test, c->seq_errors, 0);
	KUNIT_EXPECT_EQ(test, c->orders, c->delivered);
	KUNIT_EXPECT_EQ(test, c->bundles, c->flushes[VELOX_FLUSH_FULL] +
			c->flushes[VELOX_FLUSH_TIMEOUT] +
			c->flushes[VELOX_FLUSH_DRAIN]);
	KUNIT_EXPECT_EQ(test, c->submitted_qty,
			2 * c->filled_qty + c->resting_qty + c->cancelled_qty +
			c->expired_qty + c->rejected_qty);
	for (i = 0; i < st->config.lanes; i++) {
		gen += velox_stats_lanes(st)[i].generated;
		del += velox_stats_lanes(st)[i].delivered;
		drop += velox_stats_lanes(st)[i].dropped;
	}
	KUNIT_EXPECT_EQ(test, gen, c->generated);
	KUNIT_EXPECT_EQ(test, del, c->delivered);
	KUNIT_EXPECT_EQ(test, drop, c->dropped);
	KUNIT_EXPECT_EQ(test, st->hist[VELOX_STAGE_E2E].count, c->sampled);
}

static void run_briefly(struct kunit *test, struct velox_engine *e,
			const struct velox_config *cfg, unsigned int ms)
{
	KUNIT_ASSERT_EQ(test, velox_engine_start(e, cfg, NULL, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(e->state), VELOX_STATE_RUNNING);
	msleep(ms);
	KUNIT_ASSERT_EQ(test, velox_engine_stop(e), 0);
	expect_conserved(test, e);
}

static void a_run_conserves_every_transaction(struct kunit *test)
{
	struct velox_config cfg = base_config();
	struct velox_engine *e = test->priv;

	run_briefly(test, e, &cfg, 100);
	KUNIT_EXPECT_EQ(test, e->stats.area->run, 1);
	KUNIT_EXPECT_NE(test, e->stats.area->stop_ns, 0);
	KUNIT_EXPECT_NULL(test, e->run);
}

/* Every lane the CPUs allow, all sharing one book. */
static void lanes_share_the_book(struct kunit *test)
{
	struct velox_config cfg = base_config();
	struct velox_engine *e = test->priv;
	unsigned int i;

	cfg.lanes = min(num_online_cpus(), 4u);
	run_briefly(test, e, &cfg, 100);
	for (i = 0; i < cfg.lanes; i++)
		KUNIT_EXPECT_GT(test, velox_stats_lanes(e->stats.area)[i].delivered, 0);
}

struct policy_case {
	u8 backoff;
	u8 policy;
	u8 threads;
};

static const struct policy_case policy_cases[] = {
	{ VELOX_BACKOFF_SPIN, VELOX_POLICY_DROP, 1 },
	{ VELOX_BACKOFF_SPIN, VELOX_POLICY_BLOCK, 2 },
	{ VELOX_BACKOFF_YIELD, VELOX_POLICY_DROP, 4 },
	{ VELOX_BACKOFF_YIELD, VELOX_POLICY_BLOCK, 1 },
	{ VELOX_BACKOFF_SLEEP, VELOX_POLICY_DROP, 2 },
	{ VELOX_BACKOFF_SLEEP, VELOX_POLICY_BLOCK, 4 },
};

static void policy_case_desc(const struct policy_case *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s/%s/%u threads",
		 velox_backoff_name(p->backoff), velox_policy_name(p->policy),
		 p->threads);
}

KUNIT_ARRAY_PARAM(policy, policy_cases, policy_case_desc);

/*
 * Every backoff and full-ring policy runs and stops, with rings so small
 * and a rate so high that they are full most of the time.
 */
static void every_policy_stops_with_full_rings(struct kunit *test)
{
	const struct policy_case *p = test->param_value;
	struct velox_config cfg = base_config();
	struct velox_engine *e = test->priv;

	cfg.backoff = p->backoff;
	cfg.policy = p->policy;
	cfg.threads = p->threads;
	cfg.ring = VELOX_RING_MIN;
	cfg.rate = VELOX_RATE_MAX;
	run_briefly(test, e, &cfg, 50);
	if (p->policy == VELOX_POLICY_BLOCK)
		KUNIT_EXPECT_EQ(test, e->stats.area->total.dropped, 0);
}

static void start_while_running_is_busy(struct kunit *test)
{
	struct velox_config cfg = base_config();
	struct velox_engine *e = test->priv;

	KUNIT_ASSERT_EQ(test, velox_engine_start(e, &cfg, NULL, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, velox_engine_start(e, &cfg, NULL, NULL, NULL),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, velox_engine_reset_stats(e), -EBUSY);
	msleep(20);
	KUNIT_EXPECT_EQ(test, velox_engine_stop(e), 0);
	expect_conserved(test, e);
}

static void a_bad_config_starts_nothing(struct kunit *test)
{
	struct velox_config cfg = base_config();
	struct velox_engine *e = test->priv;

	cfg.ring = 1000;
	KUNIT_EXPECT_EQ(test, velox_engine_start(e, &cfg, NULL, NULL, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, e->state, VELOX_STATE_STOPPED);
	KUNIT_EXPECT_NULL(test, e->run);
	KUNIT_EXPECT_EQ(test, e->runs, 0);
}

struct accept_seen {
	struct velox_engine *e;
	struct velox_config runs;
	u32 state;
	int ret;
};

static int record_accept(void *arg, const struct velox_config *runs)
{
	struct accept_seen *seen = arg;

	seen->runs = *runs;
	seen->state = READ_ONCE(seen->e->state);
	return seen->ret;
}

/*
 * START asks the caller to accept the config that will run, thread count
 * resolved, before anything runs (so /dev/velox can copy it back first).
 */
static void start_shows_accept_what_runs_before_it_runs(struct kunit *test)
{
	struct cpumask *cpus = kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);
	struct velox_config cfg = base_config(), got;
	struct velox_engine *e = test->priv;
	struct accept_seen seen = { .e = e };

	KUNIT_ASSERT_NOT_NULL(test, cpus);
	cfg.threads = 0;
	KUNIT_ASSERT_EQ(test,
			velox_engine_start(e, &cfg, NULL, record_accept, &seen),
			0);
	KUNIT_EXPECT_EQ(test, seen.state, VELOX_STATE_STOPPED);
	KUNIT_EXPECT_NE(test, seen.runs.threads, 0);
	KUNIT_EXPECT_EQ(test, seen.runs.size, sizeof(seen.runs));
	velox_engine_get_config(e, &got, cpus);
	KUNIT_EXPECT_EQ(test, got.threads, seen.runs.threads);
	KUNIT_EXPECT_EQ(test, memcmp(&got, &seen.runs, sizeof(got)), 0);
	msleep(20);
	KUNIT_EXPECT_EQ(test, velox_engine_stop(e), 0);
	expect_conserved(test, e);
}

/* A refusal (the copy back failed) leaves nothing running. */
static void start_refused_by_accept_starts_nothing(struct kunit *test)
{
	struct velox_config cfg = base_config();
	struct velox_engine *e = test->priv;
	struct accept_seen seen = { .e = e, .ret = -EFAULT };

	KUNIT_EXPECT_EQ(test,
			velox_engine_start(e, &cfg, NULL, record_accept, &seen),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, e->state, VELOX_STATE_STOPPED);
	KUNIT_EXPECT_NULL(test, e->run);
	KUNIT_EXPECT_EQ(test, e->runs, 0);
	KUNIT_EXPECT_EQ(test, e->stats.area->run, 0);
	/* And the engine still starts afterwards. */
	run_briefly(test, e, &cfg, 20);
}

/*
 * A publication merges the sinks of the CPUs that ran workers, not of
 * every possible CPU: threads bound to CPU 0 mark CPU 0 alone, and a count
 * left in another CPU's sink (planted after START zeroed it) is not
 * published.  (UML has one CPU: there, only the mask is checked; the
 * x86_64 run has two.)
 */
static void only_cpus_that_ran_workers_are_merged(struct kunit *test)
{
	struct velox_config cfg = base_config();
	struct velox_engine *e = test->priv;
	unsigned int other = cpumask_next(0, cpu_possible_mask);

	cfg.threads = 2;
	KUNIT_ASSERT_EQ(test, velox_engine_start(e, &cfg, cpumask_of(0), NULL,
						 NULL), 0);
	if (other < nr_cpu_ids)
		e->stats.sinks[other]->count.generated = 1000000;
	msleep(50);
	KUNIT_ASSERT_EQ(test, velox_engine_stop(e), 0);
	/* Its lanes' counts are the total: the planted million is not in. */
	expect_conserved(test, e);
	KUNIT_EXPECT_TRUE(test, cpumask_test_cpu(0, &e->stats.used));
	KUNIT_EXPECT_EQ(test, cpumask_weight(&e->stats.used), 1);
	KUNIT_EXPECT_EQ(test, velox_engine_reset_stats(e), 0);
	KUNIT_EXPECT_TRUE(test, cpumask_empty(&e->stats.used));
	if (other < nr_cpu_ids)
		velox_sink_init(e->stats.sinks[other]);
}

/*
 * A run with tail capture at 1 ns keeps every sampled transaction until
 * the buffer is full and counts the rest lost; each kept spike's parts
 * and causes add up to its end-to-end time.
 */
static void a_tail_run_keeps_spikes_that_add_up(struct kunit *test)
{
	struct velox_config cfg = base_config();
	struct velox_engine *e = test->priv;
	const struct velox_counters *c = &e->stats.area->total;
	unsigned int i, k, n;
	u64 parts, causes;

	/* Every sampled transaction a spike: run until the buffer is full. */
	cfg.tail_ns = 1;
	KUNIT_ASSERT_EQ(test, velox_engine_start(e, &cfg, NULL, NULL, NULL), 0);
	KUNIT_ASSERT_NOT_NULL(test, e->capture);
	for (i = 0; i < 250 &&
	     atomic_read(&e->capture->next) < VELOX_TAIL_SPIKES; i++)
		msleep(20);
	msleep(50);		/* and then some: those are lost */
	KUNIT_ASSERT_EQ(test, velox_engine_stop(e), 0);
	expect_conserved(test, e);
	KUNIT_EXPECT_EQ(test, c->tail_captured, VELOX_TAIL_SPIKES);
	KUNIT_EXPECT_GT(test, c->tail_lost, 0);
	/*
	 * Every sampled transaction reached 1 ns but those the clock saw
	 * reach output at their intended time: UML's clock moves in steps
	 * of 256 ns (TIMER_MULTIPLIER), and ingress, woken at a
	 * transaction's time, may read that very step (2 of 21724 once).
	 * 0 ns is below the threshold; it is the end-to-end histogram's
	 * bucket 0.
	 */
	KUNIT_EXPECT_EQ(test, c->tail_captured + c->tail_lost,
			c->sampled -
			e->stats.area->hist[VELOX_STAGE_E2E].buckets[0]);
	n = min_t(u64, c->tail_captured, VELOX_TAIL_SPIKES);
	for (i = 0; i < n; i++) {
		const struct velox_spike *s = &e->capture->spikes[i];

		parts = 0;
		causes = 0;
		for (k = 0; k < VELOX_PARTS; k++)
			parts += s->part_ns[k];
		for (k = 0; k < VELOX_CAUSES; k++)
			causes += s->cause_ns[k];
		KUNIT_ASSERT_EQ_MSG(test, parts, s->e2e_ns, "spike %u", i);
		KUNIT_ASSERT_EQ_MSG(test, causes, s->e2e_ns, "spike %u", i);
		KUNIT_ASSERT_GE(test, s->e2e_ns, cfg.tail_ns);
	}
	/* Service time is recorded while tail capture is on. */
	KUNIT_EXPECT_EQ(test, e->stats.area->hist[VELOX_STAGE_SERVICE].count,
			c->sampled);
}

/*
 * The area holds a slot per possible CPU id behind its fixed part, each
 * array where its offset says and inside the area, and (as
 * velox_stats_commit() keeps them) zero past the lanes in use.
 */
static void the_area_has_a_slot_per_possible_cpu(struct kunit *test)
{
	struct velox_config cfg = base_config();
	struct velox_engine *e = test->priv;
	const struct velox_stats *st = e->stats.area;
	const struct velox_lane_counters *lc = velox_stats_lanes(st);
	unsigned int i;

	run_briefly(test, e, &cfg, 20);
	KUNIT_EXPECT_EQ(test, st->slots, nr_cpu_ids);
	KUNIT_EXPECT_GE(test, st->lane_offset, sizeof(*st));
	KUNIT_EXPECT_EQ(test, st->noise_offset, st->lane_offset +
			st->slots * sizeof(struct velox_lane_counters));
	KUNIT_EXPECT_EQ(test, st->cpu_set_offset, st->noise_offset +
			st->slots * sizeof(struct velox_noise_cpu));
	KUNIT_EXPECT_EQ(test, st->lane_offset % 8, 0);
	KUNIT_EXPECT_EQ(test, st->cpu_set_size, velox_cpu_set_size());
	KUNIT_EXPECT_LE(test, st->cpu_set_offset + st->cpu_set_size, st->size);
	KUNIT_EXPECT_EQ(test, st->size, e->stats.size);
	KUNIT_EXPECT_GT(test, lc[0].generated, 0);
	for (i = cfg.lanes; i < st->slots; i++)
		KUNIT_EXPECT_EQ(test, lc[i].generated, 0);
}

static void stop_when_stopped_changes_nothing(struct kunit *test)
{
	struct velox_engine *e = test->priv;
	u64 publishes = e->stats.area->publishes;

	KUNIT_EXPECT_EQ(test, velox_engine_stop(e), 0);
	KUNIT_EXPECT_EQ(test, e->stats.area->publishes, publishes);
	KUNIT_EXPECT_EQ(test, e->state, VELOX_STATE_STOPPED);
}

/* Stopped: the defaults; running: what runs. */
static void get_config_shows_defaults_or_the_run(struct kunit *test)
{
	struct cpumask *cpus = kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);
	struct velox_config cfg = base_config(), got;
	struct velox_engine *e = test->priv;

	KUNIT_ASSERT_NOT_NULL(test, cpus);
	velox_engine_get_config(e, &got, cpus);
	KUNIT_EXPECT_EQ(test, got.rate, 200000);
	KUNIT_EXPECT_TRUE(test, cpumask_empty(cpus));
	cfg.rate = 12345;
	KUNIT_ASSERT_EQ(test, velox_engine_start(e, &cfg, cpumask_of(0), NULL,
						 NULL), 0);
	velox_engine_get_config(e, &got, cpus);
	KUNIT_EXPECT_EQ(test, got.rate, 12345);
	KUNIT_EXPECT_EQ(test, got.size, sizeof(got));
	KUNIT_EXPECT_TRUE(test, cpumask_equal(cpus, cpumask_of(0)));
	/* Inside the module a config's CPUs are only ever its cpumask. */
	KUNIT_EXPECT_EQ(test, got.cpus, 0);
	KUNIT_EXPECT_EQ(test, got.cpu_set_size, 0);
	velox_engine_stop(e);
	velox_engine_get_config(e, &got, cpus);
	KUNIT_EXPECT_EQ(test, got.rate, 200000);
	KUNIT_EXPECT_TRUE(test, cpumask_empty(cpus));
	KUNIT_EXPECT_EQ(test, e->stats.area->config.rate, 12345);
	/* The area keeps the last run's CPUs as its set: CPU 0 alone. */
	KUNIT_EXPECT_EQ(test, velox_stats_cpu_set(e->stats.area)[0], 1);
}

static void reset_zeroes_the_last_run(struct kunit *test)
{
	struct velox_config cfg = base_config();
	struct velox_engine *e = test->priv;

	run_briefly(test, e, &cfg, 30);
	KUNIT_EXPECT_EQ(test, velox_engine_reset_stats(e), 0);
	KUNIT_EXPECT_EQ(test, e->stats.area->total.generated, 0);
	KUNIT_EXPECT_EQ(test, e->stats.area->hist[VELOX_STAGE_E2E].count, 0);
	KUNIT_EXPECT_EQ(test, e->stats.area->hist[VELOX_STAGE_E2E].min,
			U64_MAX);
}

/* Runs back to back: each starts from zero and ends conserved. */
static void start_right_after_stop_many_times(struct kunit *test)
{
	struct velox_config cfg = base_config();
	struct velox_engine *e = test->priv;
	int i;

	for (i = 0; i < 10; i++) {
		cfg.seed = i;
		cfg.bundle = 1 + i;
		cfg.threads = (i % 3 == 2) ? 4 : 1 + i % 3;
		run_briefly(test, e, &cfg, 5 + i);
	}
	KUNIT_EXPECT_EQ(test, e->stats.area->run, 10);
}

/* While running, the area is republished on its own. */
static void stats_are_republished_while_running(struct kunit *test)
{
	struct velox_config cfg = base_config();
	struct velox_engine *e = test->priv;
	u64 before;

	KUNIT_ASSERT_EQ(test, velox_engine_start(e, &cfg, NULL, NULL, NULL), 0);
	before = READ_ONCE(e->stats.area->publishes);
	msleep(400);
	KUNIT_EXPECT_GT(test, READ_ONCE(e->stats.area->publishes), before);
	KUNIT_EXPECT_EQ(test, READ_ONCE(e->stats.area->state),
			VELOX_STATE_RUNNING);
	velox_engine_stop(e);
}

static struct kunit_case velox_engine_cases[] = {
	KUNIT_CASE(a_run_conserves_every_transaction),
	KUNIT_CASE(lanes_share_the_book),
	KUNIT_CASE_PARAM(every_policy_stops_with_full_rings, policy_gen_params),
	KUNIT_CASE(start_while_running_is_busy),
	KUNIT_CASE(a_bad_config_starts_nothing),
	KUNIT_CASE(start_shows_accept_what_runs_before_it_runs),
	KUNIT_CASE(start_refused_by_accept_starts_nothing),
	KUNIT_CASE(only_cpus_that_ran_workers_are_merged),
	KUNIT_CASE(a_tail_run_keeps_spikes_that_add_up),
	KUNIT_CASE(the_area_has_a_slot_per_possible_cpu),
	KUNIT_CASE(stop_when_stopped_changes_nothing),
	KUNIT_CASE(get_config_shows_defaults_or_the_run),
	KUNIT_CASE(reset_zeroes_the_last_run),
	KUNIT_CASE(start_right_after_stop_many_times),
	KUNIT_CASE(stats_are_republished_while_running),
	{}
};

static struct kunit_suite velox_engine_suite = {
	.name = "velox_engine",
	.init = engine_test_init,
	.exit = engine_test_exit,
	.test_cases = velox_engine_cases,
};

kunit_test_suite(velox_engine_suite);
