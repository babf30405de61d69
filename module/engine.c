// SPDX-License-Identifier: GPL-2.0
/*
 * The engine: lanes of kernel threads running the pipeline.
 *
 *  ingress --ring--> matcher --ring--> bundler --ring--> output
 *  (paced at rate,   (the order book,  (16 per bundle    (latency into
 *   stamps intended   shared by every   or flush on       this CPU's
 *   time)             lane)             timeout)          histograms)
 *
 * What one step of a stage does is in core/lane.c; this file owns the
 * threads that run the steps, and the life of a run:
 *
 *   START  check the config, allocate every ring and the book, create the
 *          threads (bound round-robin to the configured CPUs), then wake
 *          them; a failure anywhere unwinds what was done.
 *   run    each thread loops: one step of each of its stages, counting
 *          into its CPU's sink; with nothing to do it backs off (spin,
 *          then yield, then sleep, as configured).  A delayed work
 *          republishes the stats every VELOX_PUBLISH_MS.
 *   STOP   ask every lane's ingress to stop; each stage finishes once its
 *          upstream has and its input ring is empty, so when every thread
 *          reports done, everything generated was delivered or dropped.
 *          Then the threads are stopped, the stats published once more,
 *          and the memory freed.
 *
 * Nothing waits on a condition another thread might never meet: a stage
 * with a full output ring returns and retries, the stage downstream keeps
 * draining, and the last stage never blocks.  So STOP and rmmod always
 * finish, under any policy.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "config.h"
#include "core/backoff.h"
#include "core/lane.h"
#include "engine.h"
#include "trace.h"

/* The book: a band of prices around where the order mix starts. */
#define VELOX_BOOK_LEVELS	1024
#define VELOX_BOOK_BASE		100000

/* Stats are republished this often while running (the uapi says <= 100). */
#define VELOX_PUBLISH_MS	50

/* An idle thread under the sleep policy sleeps this long (µs). */
#define VELOX_IDLE_SLEEP_MIN_US	20
#define VELOX_IDLE_SLEEP_MAX_US	50

/**
 * struct velox_worker - one kernel thread
 * @eng: its engine
 * @lane: the lane it works on
 * @task: the thread
 * @stages: enum velox_lane_stage bits it runs
 * @done: its stages have all finished (written by the thread only)
 */
struct velox_worker {
	struct velox_engine *eng;
	struct velox_lane *lane;
	struct task_struct *task;
	unsigned int stages;
	bool done;
};

/**
 * struct velox_run - what exists only while the pipeline runs
 * @book: the order book every lane's matcher shares
 * @levels: its price levels
 * @nlanes: lanes
 * @lanes: each lane, allocated on its own
 * @slots: each lane's ring memory
 * @nworkers: threads
 * @workers: the threads, lane by lane
 */
struct velox_run {
	struct velox_book book;
	u64 *levels;
	unsigned int nlanes;
	struct velox_lane **lanes;
	void **slots;
	unsigned int nworkers;
	struct velox_worker workers[];
};

/* The lanes read time through this, so core/ stays free of clocks. */
static u64 velox_clock(void)
{
	return ktime_get_ns();
}

/*
 * Nothing to do: back off as the policy says.  Counted into this CPU's
 * sink like everything else (preemption is off only around the count).
 */
static void velox_worker_idle(struct velox_worker *w, struct velox_backoff *bo)
{
	struct velox_stats_state *stats = &w->eng->stats;

	switch (velox_backoff_wait(bo)) {
	case VELOX_BACKOFF_SPUN:
		break;
	case VELOX_BACKOFF_DO_YIELD:
		preempt_disable();
		velox_stats_sink(stats)->tally.idle_yields++;
		preempt_enable();
		/*
		 * Into the scheduler even if the tick has not asked
		 * (cond_resched() would not): a task that is owed CPU
		 * time runs now.
		 */
		schedule();
		break;
	case VELOX_BACKOFF_DO_SLEEP:
		preempt_disable();
		velox_stats_sink(stats)->tally.idle_sleeps++;
		preempt_enable();
		usleep_range(VELOX_IDLE_SLEEP_MIN_US, VELOX_IDLE_SLEEP_MAX_US);
		break;
	}
}

/*
 * The thread: steps until its stages are done, then parks until
 * kthread_stop().  Preemption is off for one round of steps, so the
 * round counts into one CPU's sink; a round is bounded (a burst per
 * stage), and cond_resched() between rounds keeps the soft-lockup and
 * RCU-stall detectors quiet even under the spin policy.
 */
static int velox_worker_fn(void *arg)
{
	struct velox_worker *w = arg;
	struct velox_engine *e = w->eng;
	struct velox_backoff bo;
	u32 work;

	velox_backoff_init(&bo, e->cfg.spin_cap, e->cfg.backoff);
	while (!kthread_should_stop()) {
		if (w->done) {
			/* TASK_IDLE: a parked thread is not a hung task. */
			set_current_state(TASK_IDLE);
			if (!kthread_should_stop())
				schedule();
			__set_current_state(TASK_RUNNING);
			continue;
		}

		preempt_disable();
		work = velox_lane_run(w->lane, w->stages,
				      velox_stats_sink(&e->stats));
		preempt_enable();

		if (work) {
			velox_backoff_reset(&bo);
		} else if (velox_lane_done(w->lane, w->stages)) {
			w->done = true;
			if (atomic_dec_and_test(&e->busy))
				wake_up(&e->idle_wq);
		} else {
			velox_worker_idle(w, &bo);
		}
		cond_resched();
	}
	return 0;
}

static void velox_run_free(struct velox_run *run)
{
	unsigned int i;

	for (i = 0; i < run->nlanes; i++) {
		if (run->slots)
			kvfree(run->slots[i]);
		if (run->lanes)
			kvfree(run->lanes[i]);
	}
	kfree(run->slots);
	kfree(run->lanes);
	kvfree(run->levels);
	kfree(run);
}

static struct velox_run *velox_run_alloc(const struct velox_config *cfg,
					 unsigned int threads)
{
	size_t ring_bytes = (size_t)cfg->ring * sizeof(struct velox_txn);
	size_t bq_bytes = (size_t)velox_lane_bq_capacity(cfg->ring) *
			  sizeof(struct velox_bundle);
	unsigned int nworkers = cfg->lanes * threads;
	struct velox_run *run;
	unsigned int i;

	run = kzalloc(struct_size(run, workers, nworkers), GFP_KERNEL);
	if (!run)
		return NULL;
	run->nlanes = cfg->lanes;
	run->nworkers = nworkers;
	run->levels = kvcalloc(VELOX_BOOK_LEVELS, sizeof(u64), GFP_KERNEL);
	run->lanes = kcalloc(cfg->lanes, sizeof(*run->lanes), GFP_KERNEL);
	run->slots = kcalloc(cfg->lanes, sizeof(*run->slots), GFP_KERNEL);
	if (!run->levels || !run->lanes || !run->slots)
		goto out_free_run;
	for (i = 0; i < cfg->lanes; i++) {
		run->lanes[i] = kvzalloc(sizeof(*run->lanes[i]), GFP_KERNEL);
		run->slots[i] = kvmalloc(2 * ring_bytes + bq_bytes, GFP_KERNEL);
		if (!run->lanes[i] || !run->slots[i])
			goto out_free_run;
	}
	return run;

out_free_run:
	velox_run_free(run);
	return NULL;
}

/* Book and lanes, ready to go; every lane paces from the same instant. */
static void velox_run_setup(struct velox_run *run,
			    const struct velox_config *cfg, u64 now)
{
	size_t ring_bytes = (size_t)cfg->ring * sizeof(struct velox_txn);
	struct velox_lane_params p = {
		.policy = cfg->policy,
		.bundle = cfg->bundle,
		.flush_ns = (u64)cfg->flush_us * NSEC_PER_USEC,
		/* ns between one lane's transactions, in 1/65536 ns. */
		.period_fp = div_u64((u64)cfg->lanes * NSEC_PER_SEC << 16,
				     cfg->rate),
		.sample = cfg->sample,
		.seed = cfg->seed,
		.start_ns = now,
	};
	unsigned int i;

	velox_book_init(&run->book, run->levels, VELOX_BOOK_LEVELS,
			VELOX_BOOK_BASE, cfg->spin_cap);
	for (i = 0; i < run->nlanes; i++) {
		u8 *slots = run->slots[i];

		p.id = i;
		velox_lane_init(run->lanes[i], &p, &run->book, velox_clock,
				slots, slots + ring_bytes, cfg->ring,
				slots + 2 * ring_bytes);
	}
}

/* The n-th CPU of @cpus, counting round-robin over its set bits. */
static unsigned int velox_nth_cpu(u64 cpus, unsigned int n)
{
	unsigned int cpu;

	n %= hweight64(cpus);
	for (cpu = 0; cpu < 64; cpu++)
		if ((cpus & BIT_ULL(cpu)) && !n--)
			break;
	return cpu;
}

static const char *const velox_thread_names[VELOX_THREADS_MAX + 1][4] = {
	[1] = { "" },
	[2] = { "-in", "-out" },
	[4] = { "-ingress", "-matcher", "-bundler", "-output" },
};

/*
 * Create every thread, bound if the config names CPUs, but wake none: a
 * failure then only has to stop threads that never ran.
 */
static int velox_workers_create(struct velox_engine *e, struct velox_run *run,
				unsigned int threads, u64 cpus)
{
	unsigned int i, k = 0;
	int ret;

	for (i = 0; i < run->nlanes; i++) {
		unsigned int t;

		for (t = 0; t < threads; t++, k++) {
			struct velox_worker *w = &run->workers[k];

			w->eng = e;
			w->lane = run->lanes[i];
			w->stages = velox_config_stages(threads, t);
			w->task = kthread_create(velox_worker_fn, w, "velox%u%s",
						 i, velox_thread_names[threads][t]);
			if (IS_ERR(w->task)) {
				ret = PTR_ERR(w->task);
				w->task = NULL;
				goto out_stop_workers;
			}
			if (cpus)
				kthread_bind(w->task, velox_nth_cpu(cpus, k));
		}
	}
	return 0;

out_stop_workers:
	while (k--)
		kthread_stop(run->workers[k].task);
	return ret;
}

/* Sum the sinks, add what only the engine knows, publish. */
static void velox_engine_publish(struct velox_engine *e)
{
	struct velox_run *run = e->run;
	struct velox_stats *st;
	unsigned int i;

	mutex_lock(&e->stats.lock);
	st = velox_stats_prepare(&e->stats);
	st->state = READ_ONCE(e->state);
	st->run = e->runs;
	st->publish_ns = ktime_get_ns();
	st->start_ns = e->start_ns;
	st->stop_ns = e->stop_ns;
	st->config = e->cfg;
	if (run) {
		for (i = 0; i < run->nlanes; i++) {
			const struct velox_lane *l = run->lanes[i];

			st->lane[i].generated = READ_ONCE(l->in.generated);
			st->lane[i].dropped = READ_ONCE(l->in.dropped);
			st->lane[i].delivered = READ_ONCE(l->out.delivered);
		}
		st->total.resting_qty = velox_book_resting(&run->book);
	}
	velox_stats_commit(&e->stats);
	mutex_unlock(&e->stats.lock);
}

static void velox_publish_work(struct work_struct *work)
{
	struct velox_engine *e = container_of(to_delayed_work(work),
					      struct velox_engine,
					      publish_work);

	velox_engine_publish(e);
	queue_delayed_work(system_unbound_wq, &e->publish_work,
			   msecs_to_jiffies(VELOX_PUBLISH_MS));
}

/**
 * velox_engine_start() - run the pipeline with @cfg
 * @e: the engine
 * @cfg: the config, not yet checked
 *
 * Return: 0; -EINVAL for a bad config, -EBUSY if running, -ENOMEM, or
 * what creating a thread failed with.
 */
int velox_engine_start(struct velox_engine *e, const struct velox_config *cfg)
{
	unsigned int threads, i;
	struct velox_run *run;
	int ret;

	ret = velox_config_check(cfg);
	if (ret)
		return ret;
	threads = velox_config_threads(cfg);

	/* Killable: a caller must not hang behind a long drain. */
	if (mutex_lock_killable(&e->lock))
		return -EINTR;
	if (e->state != VELOX_STATE_STOPPED) {
		ret = -EBUSY;
		goto out_unlock;
	}
	run = velox_run_alloc(cfg, threads);
	if (!run) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = velox_workers_create(e, run, threads, cfg->cpus);
	if (ret)
		goto out_free_run;

	/* What runs, with the thread count it resolved to; read by threads. */
	e->cfg = *cfg;
	e->cfg.size = sizeof(e->cfg);
	e->cfg.threads = threads;

	/* A run starts from zero; no thread of this run is awake yet. */
	velox_stats_reset(&e->stats);
	e->start_ns = ktime_get_ns();
	e->stop_ns = 0;
	velox_run_setup(run, cfg, e->start_ns);
	e->run = run;
	e->runs++;
	atomic_set(&e->busy, run->nworkers);
	WRITE_ONCE(e->state, VELOX_STATE_RUNNING);
	velox_engine_publish(e);
	trace_velox_engine_start(e->runs, cfg->lanes, threads, cfg->rate,
				 cfg->sample);
	for (i = 0; i < run->nworkers; i++)
		wake_up_process(run->workers[i].task);
	queue_delayed_work(system_unbound_wq, &e->publish_work,
			   msecs_to_jiffies(VELOX_PUBLISH_MS));
	mutex_unlock(&e->lock);
	return 0;

out_free_run:
	velox_run_free(run);
out_unlock:
	mutex_unlock(&e->lock);
	return ret;
}

/* Drain and tear down the current run.  Called with @e->lock held. */
static void velox_engine_halt(struct velox_engine *e)
{
	struct velox_run *run = e->run;
	unsigned int i;

	lockdep_assert_held(&e->lock);
	WRITE_ONCE(e->state, VELOX_STATE_STOPPING);
	for (i = 0; i < run->nlanes; i++)
		velox_lane_stop(run->lanes[i]);
	wait_event(e->idle_wq, !atomic_read(&e->busy));
	for (i = 0; i < run->nworkers; i++)
		kthread_stop(run->workers[i].task);
	cancel_delayed_work_sync(&e->publish_work);

	e->stop_ns = ktime_get_ns();
	WRITE_ONCE(e->state, VELOX_STATE_STOPPED);
	velox_engine_publish(e);
	if (trace_velox_engine_stop_enabled()) {
		u64 gen = 0, del = 0, drop = 0;

		for (i = 0; i < run->nlanes; i++) {
			gen += run->lanes[i]->in.generated;
			drop += run->lanes[i]->in.dropped;
			del += run->lanes[i]->out.delivered;
		}
		trace_velox_engine_stop(e->runs, gen, del, drop,
					e->stop_ns - e->start_ns);
	}
	e->run = NULL;
	velox_run_free(run);
}

/**
 * velox_engine_stop() - drain the lanes and stop; nothing if stopped
 * @e: the engine
 *
 * Return: 0.  When it returns, every thread is gone and the stats area
 * holds the run's final counts.
 */
int velox_engine_stop(struct velox_engine *e)
{
	mutex_lock(&e->lock);
	if (e->state == VELOX_STATE_RUNNING)
		velox_engine_halt(e);
	mutex_unlock(&e->lock);
	return 0;
}

int velox_engine_get_config(struct velox_engine *e, struct velox_config *cfg)
{
	if (mutex_lock_killable(&e->lock))
		return -EINTR;
	*cfg = e->state == VELOX_STATE_STOPPED ? e->defaults : e->cfg;
	mutex_unlock(&e->lock);
	return 0;
}

/* Zero the stats of the last run.  -EBUSY while running. */
int velox_engine_reset_stats(struct velox_engine *e)
{
	int ret = 0;

	if (mutex_lock_killable(&e->lock))
		return -EINTR;
	if (e->state != VELOX_STATE_STOPPED) {
		ret = -EBUSY;
	} else {
		velox_stats_reset(&e->stats);
		velox_engine_publish(e);
	}
	mutex_unlock(&e->lock);
	return ret;
}

int velox_engine_init(struct velox_engine *e,
		      const struct velox_config *defaults)
{
	int ret;

	mutex_init(&e->lock);
	init_waitqueue_head(&e->idle_wq);
	INIT_DELAYED_WORK(&e->publish_work, velox_publish_work);
	e->state = VELOX_STATE_STOPPED;
	e->defaults = *defaults;
	e->defaults.size = sizeof(e->defaults);
	e->cfg = e->defaults;
	e->run = NULL;
	e->runs = 0;
	ret = velox_stats_init(&e->stats);
	if (ret)
		return ret;
	velox_engine_publish(e);
	return 0;
}

/* Stop if running and free everything.  Safe after a failed start. */
void velox_engine_exit(struct velox_engine *e)
{
	velox_engine_stop(e);
	velox_stats_exit(&e->stats);
	mutex_destroy(&e->lock);
}
