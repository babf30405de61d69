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
 *          threads, let the caller see the config that will run, then,
 *          with CPU hotplug held off, check the configured CPUs are still
 *          online, bind the threads round-robin to them and wake them; a
 *          failure anywhere unwinds what was done.
 *   run    each thread loops: one step of each of its stages, counting
 *          into its CPU's sink.  With nothing to do it spins for the
 *          config's window, then (policy sleep) sleeps until its own
 *          work is due (ingress's next transaction, a bundle's flush
 *          timeout) or the thread upstream rings its doorbell
 *          (core/doorbell.h), so a run costs CPU in proportion to its
 *          rate; policy yield yields instead.  A delayed work
 *          republishes the stats every VELOX_PUBLISH_MS, from a CPU no
 *          thread is bound to when there is one.
 *   STOP   ask every lane's ingress to stop; each stage finishes once its
 *          upstream has and its input ring is empty, so when every thread
 *          reports done, everything generated was delivered or dropped.
 *          The last thread to finish queues the teardown: the threads are
 *          stopped, the stats published once more, the memory freed.  The
 *          caller of STOP only waits for that, killably.
 *
 * A CPU that a bound thread runs on going offline stops the run, as a
 * STOP would: the scheduler moves the thread elsewhere, its binding
 * broken, and rather than go on unbound, unseen, the run drains there.
 * The stats area says why a run stopped.
 *
 * Nothing waits on a condition another thread might never meet: a stage
 * with a full output ring returns and retries, the stage downstream keeps
 * draining, and the last stage never blocks.  So a STOP always finishes,
 * under any policy, as soon as the threads get the CPU; a caller that
 * cannot wait that long may be killed, and rmmod waits.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include <trace/events/velox.h>

#include "alloc.h"
#include "capture.h"
#include "config.h"
#include "cpuset.h"
#include "core/idle.h"
#include "core/lane.h"
#include "core/layout.h"
#include "engine.h"
#include "noise.h"

/* The book: a band of prices around where the order mix starts. */
#define VELOX_BOOK_LEVELS	1024
#define VELOX_BOOK_BASE		100000

/* Stats are republished this often while running (the uapi says <= 100). */
#define VELOX_PUBLISH_MS	50

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
 * @tails: each lane's tail capture setup and timeline; NULL with tail
 *	capture off
 * @nworkers: threads
 * @workers: the threads, lane by lane
 */
struct velox_run {
	struct velox_book book;
	u64 *levels;
	unsigned int nlanes;
	struct velox_lane **lanes;
	void **slots;
	struct velox_tail *tails;
	unsigned int nworkers;
	struct velox_worker workers[];
};

/* The lanes read time through this, so core/ stays free of clocks. */
static u64 velox_clock(void)
{
	return ktime_get_ns();
}

/* A lane's doorbell was taken: its sleeper is a worker's task. */
static void velox_wake(struct velox_doorbell *bell)
{
	wake_up_process(bell->sleeper);
}

/*
 * Sleep until @wake_at (U64_MAX: no time) or the bell of the thread's
 * first stage, with the doorbell protocol of core/lane.h.  The state is
 * set before the last look, so a wake_up_process() after it (the bell, a
 * STOP, kthread_stop()) finds the thread asleep or about to be, and makes
 * schedule() return at once.  TASK_IDLE: an idle pipeline is neither a
 * hung task nor load.
 *
 * Return: whether it slept (the last look may find work).
 */
static bool velox_worker_sleep(struct velox_worker *w, u64 wake_at)
{
	struct velox_doorbell *bell;
	ktime_t at = ns_to_ktime(wake_at);
	bool slept = false;
	u32 want;

	set_current_state(TASK_IDLE);
	bell = velox_lane_arm(w->lane, w->stages, &want);
	if (velox_lane_idle(w->lane, w->stages) && !kthread_should_stop()) {
		schedule_hrtimeout_range(wake_at == U64_MAX ? NULL : &at,
					 VELOX_IDLE_SLACK_NS, HRTIMER_MODE_ABS);
		slept = true;
	}
	__set_current_state(TASK_RUNNING);
	if (bell)
		velox_doorbell_disarm(bell);
	return slept;
}

/*
 * Nothing to do: spin, yield or sleep as core/idle.h decides.  Counted
 * into this CPU's sink like everything else (preemption is off only
 * around the count).
 */
static void velox_worker_idle(struct velox_worker *w, struct velox_idle *idle)
{
	struct velox_stats_state *stats = &w->eng->stats;
	u64 now, wake_at;

	if (idle->policy == VELOX_BACKOFF_SPIN) {
		cpu_relax();
		return;
	}
	now = velox_clock();
	wake_at = velox_lane_wake_at(w->lane, w->stages, now);
	switch (velox_idle_next(idle, now, wake_at,
				velox_lane_awaits(w->lane, w->stages))) {
	case VELOX_IDLE_SPIN:
		cpu_relax();
		break;
	case VELOX_IDLE_YIELD:
		preempt_disable();
		velox_stats_sink(stats)->count.idle_yields++;
		preempt_enable();
		/*
		 * Into the scheduler even if the tick has not asked
		 * (cond_resched() would not): a task that is owed CPU
		 * time runs now.
		 */
		schedule();
		break;
	case VELOX_IDLE_SLEEP:
		if (velox_worker_sleep(w, wake_at)) {
			preempt_disable();
			velox_stats_sink(stats)->count.idle_sleeps++;
			preempt_enable();
		}
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
	struct velox_idle idle;
	u32 work;

	velox_idle_init(&idle, (u64)e->cfg.spin_us * NSEC_PER_USEC,
			e->cfg.backoff);
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
			velox_idle_reset(&idle);
		} else if (velox_lane_done(w->lane, w->stages)) {
			w->done = true;
			/* The last thread to drain hands the run to teardown. */
			if (atomic_dec_and_test(&e->busy))
				queue_work(system_unbound_wq, &e->halt_work);
		} else {
			velox_worker_idle(w, &idle);
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
		if (run->tails)
			kvfree(run->tails[i].timeline.stamps);
	}
	kfree(run->tails);
	kfree(run->slots);
	kfree(run->lanes);
	kvfree(run->levels);
	kfree(run);
}

static struct velox_run *velox_run_alloc(const struct velox_config *cfg,
					 unsigned int threads)
{
	size_t ring_bytes = (size_t)cfg->ring * sizeof(struct velox_txn);
	size_t bundle_bytes = (size_t)velox_lane_bundle_slots(cfg->ring) *
			      sizeof(struct velox_bundle);
	unsigned int nworkers = cfg->lanes * threads;
	struct velox_run *run;
	unsigned int i;

	run = kzalloc(struct_size(run, workers, nworkers), VELOX_GFP);
	if (!run)
		return NULL;
	run->nlanes = cfg->lanes;
	run->nworkers = nworkers;
	run->levels = kvcalloc(VELOX_BOOK_LEVELS, sizeof(u64), VELOX_GFP);
	run->lanes = kcalloc(cfg->lanes, sizeof(*run->lanes), VELOX_GFP);
	run->slots = kcalloc(cfg->lanes, sizeof(*run->slots), VELOX_GFP);
	if (!run->levels || !run->lanes || !run->slots)
		goto out_free_run;
	for (i = 0; i < cfg->lanes; i++) {
		run->lanes[i] = kvzalloc(sizeof(*run->lanes[i]), VELOX_GFP);
		run->slots[i] = kvmalloc(2 * ring_bytes + bundle_bytes, VELOX_GFP);
		if (!run->lanes[i] || !run->slots[i])
			goto out_free_run;
	}
	if (cfg->tail_ns) {
		u32 stamps = velox_timeline_slots(cfg->ring);

		run->tails = kcalloc(cfg->lanes, sizeof(*run->tails), VELOX_GFP);
		if (!run->tails)
			goto out_free_run;
		for (i = 0; i < cfg->lanes; i++) {
			struct velox_timeline *tl = &run->tails[i].timeline;

			tl->stamps = kvcalloc(stamps, sizeof(*tl->stamps),
					      VELOX_GFP);
			if (!tl->stamps)
				goto out_free_run;
			tl->mask = stamps - 1;
		}
	}
	return run;

out_free_run:
	velox_run_free(run);
	return NULL;
}

/*
 * Book and lanes, ready to go, for the threads already created; every
 * lane paces from the same instant.  With tail capture on, each lane
 * captures into @cap.
 */
static void velox_run_setup(struct velox_run *run,
			    const struct velox_config *cfg, u64 now,
			    struct velox_capture *cap)
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
		/* Bells exist only for threads fed by another (sleepers below). */
		.wake = cfg->backoff == VELOX_BACKOFF_SLEEP ? velox_wake : NULL,
	};
	unsigned int i;

	velox_book_init(&run->book, run->levels, VELOX_BOOK_LEVELS,
			VELOX_BOOK_BASE, VELOX_BOOK_SPIN_CAP);
	for (i = 0; i < run->nlanes; i++) {
		u8 *slots = run->slots[i];

		p.id = i;
		p.tail = NULL;
		if (run->tails) {
			struct velox_tail *t = &run->tails[i];

			t->threshold_ns = cfg->tail_ns;
			t->interference = velox_capture_interference;
			t->claim = velox_capture_claim;
			t->keep = velox_capture_keep;
			t->ctx = cap;
			p.tail = t;
		}
		velox_lane_init(run->lanes[i], &p, &run->book, velox_clock,
				slots, slots + ring_bytes, cfg->ring,
				slots + 2 * ring_bytes);
	}
	/* A bell's sleeper: the thread that runs the stage it feeds. */
	for (i = 0; i < run->nworkers; i++) {
		struct velox_worker *w = &run->workers[i];
		struct velox_doorbell *bell = velox_lane_bell(w->lane, w->stages);

		if (bell)
			bell->sleeper = w->task;
	}
}

static const char *const velox_thread_names[VELOX_THREADS_MAX + 1][4] = {
	[1] = { "" },
	[2] = { "-in", "-out" },
	[4] = { "-ingress", "-matcher", "-bundler", "-output" },
};

/* Stop the first @n threads of @run (created, awake or not). */
static void velox_workers_stop(struct velox_run *run, unsigned int n)
{
	while (n--)
		kthread_stop(run->workers[n].task);
}

/*
 * Create every thread but wake none: a failure then only has to stop
 * threads that never ran.
 */
static int velox_workers_create(struct velox_engine *e, struct velox_run *run,
				unsigned int threads)
{
	unsigned int i, k = 0;
	int ret;

	for (i = 0; i < run->nlanes; i++) {
		unsigned int t;

		for (t = 0; t < threads; t++, k++) {
			struct velox_worker *w = &run->workers[k];

			w->eng = e;
			w->lane = run->lanes[i];
			w->stages = velox_layout_stages(threads, t);
			w->task = kthread_create(velox_worker_fn, w, "velox%u%s",
						 i, velox_thread_names[threads][t]);
			if (IS_ERR(w->task)) {
				ret = PTR_ERR(w->task);
				w->task = NULL;
				goto out_stop_workers;
			}
		}
	}
	return 0;

out_stop_workers:
	velox_workers_stop(run, k);
	return ret;
}

/*
 * Bind each thread, round-robin in CPU id order, to the CPUs of @cpus;
 * none if it is empty.  Call with cpus_read_lock() held, kept until the
 * threads wake, so that a CPU going down later finds the run running
 * (velox_engine_cpu_offline()).  (lockdep_assert_cpus_held() is not
 * exported to modules.)  @bound: set to the CPUs a thread was bound to
 * (fewer threads than CPUs leave some of @cpus out).
 */
static void velox_workers_bind(struct velox_run *run,
			       const struct cpumask *cpus,
			       struct cpumask *bound)
{
	unsigned int k;
	int cpu = -1;

	cpumask_clear(bound);
	if (cpumask_empty(cpus))
		return;
	for (k = 0; k < run->nworkers; k++) {
		cpu = cpumask_next(cpu, cpus);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpus);
		kthread_bind(run->workers[k].task, cpu);
		cpumask_set_cpu(cpu, bound);
	}
}

/*
 * What the machine took from each CPU the last run with tail capture
 * watched, in CPU order (as many as the area has room for).
 */
static void velox_engine_publish_noise(struct velox_engine *e,
				       struct velox_stats *st)
{
	u64 end = e->stop_ns ? e->stop_ns : ktime_get_ns();
	unsigned int cpu, k = 0;

	for_each_cpu(cpu, &e->noise_cpus) {
		struct velox_noise_cpu *n = &velox_stats_noise_of(st)[k];

		if (k == st->slots)
			break;
		velox_noise_account(e->noise, cpu, n);
		n->cpu = cpu;
		n->wall_ns = end - e->start_ns;
		k++;
	}
	st->noise_cpus = k;
}

/* Sum the sinks, add what only the engine knows, publish as @state. */
static void velox_engine_publish(struct velox_engine *e, u32 state)
{
	struct velox_run *run = e->run;
	struct velox_stats *st;
	unsigned int i;

	mutex_lock(&e->stats.lock);
	st = velox_stats_prepare(&e->stats);
	st->state = state;
	st->run = e->runs;
	st->publish_ns = ktime_get_ns();
	st->start_ns = e->start_ns;
	st->stop_ns = e->stop_ns;
	st->config = e->cfg;
	velox_stats_set_cpus(st, &e->cpus);
	/*
	 * A stop's reason goes with its state, never with a running one:
	 * the publish work may have read RUNNING just before a stop began.
	 */
	st->stop_reason = state == VELOX_STATE_RUNNING ? VELOX_STOP_NONE :
			  READ_ONCE(e->stop_reason);
	if (run) {
		struct velox_lane_counters *lc = velox_stats_lanes_of(st);

		for (i = 0; i < run->nlanes; i++) {
			const struct velox_lane *l = run->lanes[i];

			lc[i].generated = READ_ONCE(l->ingress.generated);
			lc[i].dropped = READ_ONCE(l->ingress.dropped);
			lc[i].delivered = READ_ONCE(l->output.delivered);
		}
		st->total.resting_qty = velox_book_resting(&run->book);
	}
	if (e->noise_on)
		velox_engine_publish_noise(e, st);
	velox_stats_commit(&e->stats);
	mutex_unlock(&e->stats.lock);
}

/*
 * The next publication, on an online CPU no thread of the run is bound
 * to: summing the sinks and copying the area is a few microseconds on a
 * production kernel but a millisecond or more under KASAN, and a worker
 * it ran beside would wait that long (tail_test saw the unbound
 * workqueue's kworker take 44 % of the spikes' time on the debug kernel,
 * more than the IRQ its case is about).  When every online CPU has a
 * thread, or the threads are not bound (they may run anywhere), anywhere.
 * Under the hotplug lock, so the CPU chosen is online when its timer is
 * armed; one that goes later hands the timer and the work on as it goes
 * (that one publication may then run anywhere).  @e->bound_cpus was
 * written by START before it queued the first publication, and not since.
 */
static void velox_publish_later(struct velox_engine *e)
{
	unsigned long delay = msecs_to_jiffies(VELOX_PUBLISH_MS);
	unsigned int cpu;

	cpus_read_lock();
	cpu = nr_cpu_ids;
	if (!cpumask_empty(&e->bound_cpus))
		cpu = velox_cpumask_first_andnot(cpu_online_mask,
						 &e->bound_cpus);
	if (cpu < nr_cpu_ids)
		queue_delayed_work_on(cpu, system_wq, &e->publish_work, delay);
	else
		queue_delayed_work(system_unbound_wq, &e->publish_work, delay);
	cpus_read_unlock();
}

static void velox_publish_work(struct work_struct *work)
{
	struct velox_engine *e = container_of(to_delayed_work(work),
					      struct velox_engine,
					      publish_work);

	/* Pairs with velox_engine_begin_stop(): STOPPING comes with its reason. */
	velox_engine_publish(e, smp_load_acquire(&e->state));
	velox_publish_later(e);
}

/*
 * Tail capture on: hook the kernel's tracepoints for the CPUs the workers
 * may run on (the config's, or every online CPU).
 */
static int velox_engine_watch(struct velox_engine *e,
			      const struct cpumask *cpus)
{
	cpumask_copy(&e->noise_cpus,
		     cpumask_empty(cpus) ? cpu_online_mask : cpus);
	return velox_noise_start(e->noise, &e->noise_cpus, velox_worker_fn);
}

/**
 * velox_engine_start() - run the pipeline with @cfg
 * @e: the engine
 * @cfg: the config, not yet checked; its cpus, cpu_set and cpu_set_size
 *	are the uapi's way to name @cpus, and not read here
 * @cpus: the CPUs to bind the threads to, round-robin; NULL or empty: the
 *	scheduler places them
 * @accept: if not NULL, called with the config that is about to run (its
 *	thread count resolved) once everything is ready but before any
 *	thread wakes; if it fails, nothing starts and its error is returned
 * @arg: @accept's argument
 *
 * /dev/velox's START copies the config back to the caller in @accept, so
 * that a caller is never told it failed about a pipeline that runs.
 *
 * A CPU of @cpus going offline before the threads are bound fails the
 * START with -EINVAL, after @accept was called (it is asked again then).
 *
 * Return: 0; -EINVAL for a bad config, -EBUSY if not stopped, -EINTR if
 * killed while waiting for the lock, -ENOMEM, what creating a thread
 * failed with, what velox_capture_alloc() or velox_noise_start() failed
 * with (tail capture), or what @accept returned.
 */
int velox_engine_start(struct velox_engine *e, const struct velox_config *cfg,
		       const struct cpumask *cpus,
		       int (*accept)(void *arg, const struct velox_config *runs),
		       void *arg)
{
	struct velox_capture *cap = NULL;
	struct velox_config runs;
	struct velox_run *run;
	unsigned int i;
	int ret;

	if (!cpus)
		cpus = cpu_none_mask;
	/* A bad config is -EINVAL whatever the state. */
	if (velox_config_invalid(cfg, cpus))
		return -EINVAL;
	runs = *cfg;
	runs.size = sizeof(runs);
	runs.threads = velox_config_threads(cfg, velox_config_ncpus(cpus));

	if (mutex_lock_killable(&e->lock))
		return -EINTR;
	if (e->state != VELOX_STATE_STOPPED) {
		ret = -EBUSY;
		goto out_unlock;
	}
	run = velox_run_alloc(&runs, runs.threads);
	if (!run) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = velox_workers_create(e, run, runs.threads);
	if (ret)
		goto out_free_run;
	if (runs.tail_ns) {
		cap = velox_capture_alloc(runs.snapshot_ns, e->noise);
		if (IS_ERR(cap)) {
			ret = PTR_ERR(cap);
			cap = NULL;
			goto out_stop_workers;
		}
		ret = velox_engine_watch(e, cpus);
		if (ret)
			goto out_free_capture;
	}
	if (accept) {
		ret = accept(arg, &runs);
		if (ret)
			goto out_unwatch;
	}

	/*
	 * From the check of the CPUs to the threads running on them, none
	 * goes offline; one that does later finds the run running.  (Not
	 * held earlier: hooking tracepoints flips static keys, which takes
	 * this lock itself.)
	 */
	cpus_read_lock();
	if (!velox_config_cpus_online(cpus)) {
		ret = -EINVAL;
		goto out_unlock_cpus;
	}
	velox_workers_bind(run, cpus, &e->bound_cpus);

	/* What runs; read by the threads once they wake. */
	e->cfg = runs;
	velox_config_clear_cpus(&e->cfg);
	cpumask_copy(&e->cpus, cpus);
	/* The last run's spikes go; this one's, if it captures, come. */
	velox_capture_free(e->capture);
	e->capture = cap;
	e->noise_on = !!cap;
	/* A run starts from zero; no thread of this run is awake yet. */
	velox_stats_reset(&e->stats);
	e->start_ns = ktime_get_ns();
	e->stop_ns = 0;
	velox_run_setup(run, &runs, e->start_ns, cap);
	e->run = run;
	e->runs++;
	e->stop_reason = VELOX_STOP_NONE;
	atomic_set(&e->busy, run->nworkers);
	WRITE_ONCE(e->state, VELOX_STATE_RUNNING);
	velox_engine_publish(e, VELOX_STATE_RUNNING);
	trace_velox_engine_start(e->runs, runs.lanes, runs.threads, runs.rate,
				 runs.sample);
	for (i = 0; i < run->nworkers; i++)
		wake_up_process(run->workers[i].task);
	cpus_read_unlock();
	velox_publish_later(e);
	mutex_unlock(&e->lock);
	return 0;

out_unlock_cpus:
	cpus_read_unlock();
out_unwatch:
	if (cap)
		velox_noise_stop(e->noise);
out_free_capture:
	velox_capture_free(cap);
out_stop_workers:
	velox_workers_stop(run, run->nworkers);
out_free_run:
	velox_run_free(run);
out_unlock:
	mutex_unlock(&e->lock);
	return ret;
}

/*
 * Ask every lane to stop, for @reason (enum velox_stop_reason); the
 * threads drain, the last one calls halt.
 */
static void velox_engine_begin_stop(struct velox_engine *e, u32 reason)
{
	unsigned int i;

	lockdep_assert_held(&e->lock);
	WRITE_ONCE(e->stop_reason, reason);
	/* Pairs with velox_publish_work(): the reason is there first. */
	smp_store_release(&e->state, VELOX_STATE_STOPPING);
	for (i = 0; i < e->run->nlanes; i++)
		velox_lane_stop(e->run->lanes[i]);
	/* Ingress may sleep until its next transaction: it must see it now. */
	for (i = 0; i < e->run->nworkers; i++)
		wake_up_process(e->run->workers[i].task);
}

/*
 * Tear down a run whose threads have all drained: queued by the last of
 * them, so no caller has to stay to finish a stop.  A STOP that was
 * killed while the lanes drained therefore still ends in a stopped
 * pipeline, with its final counts published and its memory freed.
 */
static void velox_halt_work(struct work_struct *work)
{
	struct velox_engine *e = container_of(work, struct velox_engine,
					      halt_work);
	struct velox_run *run;
	unsigned int i;

	mutex_lock(&e->lock);
	run = e->run;
	if (WARN_ON_ONCE(e->state != VELOX_STATE_STOPPING || !run))
		goto out_unlock;
	/*
	 * No probe left behind, and none once a worker is gone (the probes
	 * remember waiting workers); the logs stay for the final
	 * publication.  The lanes have drained: no spike is still to come.
	 */
	if (run->tails)
		velox_noise_stop(e->noise);
	velox_workers_stop(run, run->nworkers);
	cancel_delayed_work_sync(&e->publish_work);

	e->stop_ns = ktime_get_ns();
	velox_engine_publish(e, VELOX_STATE_STOPPED);
	/*
	 * Only now may a STOP waiter return (pairs with the acquire in
	 * velox_engine_stopping()): the area holds the final counts.
	 */
	smp_store_release(&e->state, VELOX_STATE_STOPPED);
	if (trace_velox_engine_stop_enabled()) {
		u64 gen = 0, del = 0, drop = 0;

		for (i = 0; i < run->nlanes; i++) {
			gen += run->lanes[i]->ingress.generated;
			drop += run->lanes[i]->ingress.dropped;
			del += run->lanes[i]->output.delivered;
		}
		trace_velox_engine_stop(e->runs, gen, del, drop,
					e->stop_ns - e->start_ns);
	}
	e->run = NULL;
	velox_run_free(run);
out_unlock:
	mutex_unlock(&e->lock);
	wake_up_all(&e->stopped_wq);
}

static bool velox_engine_stopping(struct velox_engine *e)
{
	/* Pairs with velox_halt_work(): stopped means published. */
	return smp_load_acquire(&e->state) == VELOX_STATE_STOPPING;
}

/**
 * velox_engine_stop() - drain the lanes and stop; nothing if stopped
 * @e: the engine
 *
 * Killable: a fatal signal ends the wait (for the lock, or for the drain)
 * with -EINTR, and the lanes go on draining; the last thread to finish
 * tears the run down (velox_halt_work()).  A STOP while stopping waits
 * for that stop.
 *
 * Return: 0 once every thread is gone and the stats area holds the run's
 * final counts, or -EINTR.
 */
int velox_engine_stop(struct velox_engine *e)
{
	if (mutex_lock_killable(&e->lock))
		return -EINTR;
	if (e->state == VELOX_STATE_RUNNING)
		velox_engine_begin_stop(e, VELOX_STOP_USER);
	mutex_unlock(&e->lock);
	if (wait_event_killable(e->stopped_wq, !velox_engine_stopping(e)))
		return -EINTR;
	return 0;
}

/*
 * A CPU is going offline (called on it, under the hotplug lock, after the
 * scheduler has stopped placing tasks there and moved a bound worker off
 * it, its binding broken).  Such a worker would go on unbound, unseen:
 * the run stops, and drains wherever its threads now are.  The stop is
 * queued: START holds @e->lock while it takes the hotplug lock, so this
 * cannot take @e->lock.  What it reads START wrote under the hotplug
 * lock, before the threads woke.
 */
static int velox_engine_cpu_offline(unsigned int cpu, struct hlist_node *node)
{
	struct velox_engine *e = hlist_entry(node, struct velox_engine,
					     cpuhp_node);

	if (READ_ONCE(e->state) == VELOX_STATE_RUNNING &&
	    cpumask_test_cpu(cpu, &e->bound_cpus)) {
		WRITE_ONCE(e->offline_run, e->runs);
		WRITE_ONCE(e->offline_cpu, cpu);
		queue_work(system_unbound_wq, &e->offline_work);
	}
	return 0;
}

/* Stop the run a CPU went from, unless it stopped already. */
static void velox_offline_work(struct work_struct *work)
{
	struct velox_engine *e = container_of(work, struct velox_engine,
					      offline_work);

	mutex_lock(&e->lock);
	if (e->state == VELOX_STATE_RUNNING &&
	    e->runs == READ_ONCE(e->offline_run)) {
		pr_info("run %llu stops: CPU %u, which a worker was bound to, went offline\n",
			e->runs, READ_ONCE(e->offline_cpu));
		velox_engine_begin_stop(e, VELOX_STOP_CPU_OFFLINE);
	}
	mutex_unlock(&e->lock);
}

/*
 * The running config, or while stopped the defaults: into @cfg, with its
 * CPU fields 0, and its CPUs into @cpus.
 */
int velox_engine_get_config(struct velox_engine *e, struct velox_config *cfg,
			    struct cpumask *cpus)
{
	bool stopped;

	if (mutex_lock_killable(&e->lock))
		return -EINTR;
	stopped = e->state == VELOX_STATE_STOPPED;
	*cfg = stopped ? e->defaults : e->cfg;
	cpumask_copy(cpus, stopped ? &e->default_cpus : &e->cpus);
	mutex_unlock(&e->lock);
	return 0;
}

/*
 * Zero the stats of the last run: its counters, histograms, noise
 * accounting and captured spikes.  -EBUSY while running.
 */
int velox_engine_reset_stats(struct velox_engine *e)
{
	int ret = 0;

	if (mutex_lock_killable(&e->lock))
		return -EINTR;
	if (e->state != VELOX_STATE_STOPPED) {
		ret = -EBUSY;
	} else {
		velox_stats_reset(&e->stats);
		e->noise_on = false;
		velox_capture_free(e->capture);
		e->capture = NULL;
		velox_engine_publish(e, VELOX_STATE_STOPPED);
	}
	mutex_unlock(&e->lock);
	return ret;
}

int velox_engine_init(struct velox_engine *e,
		      const struct velox_config *defaults,
		      const struct cpumask *default_cpus)
{
	int ret;

	mutex_init(&e->lock);
	init_waitqueue_head(&e->stopped_wq);
	INIT_WORK(&e->halt_work, velox_halt_work);
	INIT_DELAYED_WORK(&e->publish_work, velox_publish_work);
	INIT_WORK(&e->offline_work, velox_offline_work);
	e->state = VELOX_STATE_STOPPED;
	e->stop_reason = VELOX_STOP_NONE;
	cpumask_clear(&e->bound_cpus);
	e->defaults = *defaults;
	e->defaults.size = sizeof(e->defaults);
	velox_config_clear_cpus(&e->defaults);
	cpumask_copy(&e->default_cpus, default_cpus ?: cpu_none_mask);
	e->cfg = e->defaults;
	cpumask_copy(&e->cpus, &e->default_cpus);
	e->run = NULL;
	e->runs = 0;
	e->capture = NULL;
	e->noise_on = false;
	e->noise = velox_noise_create();
	if (!e->noise)
		return -ENOMEM;
	ret = velox_stats_init(&e->stats);
	if (ret)
		goto out_destroy_noise;
	/* A state of its own: KUnit makes engines beside the module's. */
	ret = cpuhp_setup_state_multi(CPUHP_AP_ONLINE_DYN, "velox/engine:online",
				      NULL, velox_engine_cpu_offline);
	if (ret < 0)
		goto out_exit_stats;
	e->cpuhp_state = ret;
	ret = cpuhp_state_add_instance_nocalls(e->cpuhp_state, &e->cpuhp_node);
	if (ret)
		goto out_remove_state;
	velox_engine_publish(e, VELOX_STATE_STOPPED);
	return 0;

out_remove_state:
	cpuhp_remove_multi_state(e->cpuhp_state);
out_exit_stats:
	velox_stats_exit(&e->stats);
out_destroy_noise:
	velox_noise_destroy(e->noise);
	return ret;
}

/*
 * Most spikes one read() copies: 8064 bytes through the kernel's hands,
 * within kmalloc's slab caches (more would take 4 pages from the page
 * allocator on every read, a poll that finds nothing new included).
 */
#define VELOX_READ_SPIKES	24

/**
 * velox_engine_read_spikes() - read() on /dev/velox: spikes from *@pos on
 * @e: the engine
 * @buf: the caller's buffer
 * @count: its size: whole spikes are copied, at least one must fit
 * @pos: a byte offset into the spikes, on a spike's boundary
 *
 * Up to VELOX_READ_SPIKES a call, copied out of the capture under the
 * lock (which a START holds while it replaces the capture), then to the
 * caller without it: a caller's buffer that faults slowly (userfaultfd,
 * a file on NFS) holds up no STOP.
 *
 * Return: bytes copied (0: none more yet), -EINVAL for a count below one
 * spike or a position off a boundary, -ENOMEM, -EINTR if killed waiting
 * for the lock, -EFAULT if not even one spike could be copied.
 */
ssize_t velox_engine_read_spikes(struct velox_engine *e, char __user *buf,
				 size_t count, loff_t *pos)
{
	const u32 size = sizeof(struct velox_spike);
	struct velox_spike *bounce;
	unsigned int max, n;
	size_t copied;
	ssize_t ret;
	u64 first;
	u32 off;

	if (count < size || *pos < 0)
		return -EINVAL;
	first = div_u64_rem(*pos, size, &off);
	if (off)
		return -EINVAL;
	max = min_t(size_t, count / size, VELOX_READ_SPIKES);
	bounce = kmalloc_array(max, size, VELOX_GFP);
	if (!bounce)
		return -ENOMEM;
	if (mutex_lock_killable(&e->lock)) {
		ret = -EINTR;
		goto out_free;
	}
	n = velox_capture_copy(e->capture, first, bounce, max);
	mutex_unlock(&e->lock);

	/* What was copied counts, a fault part-way included: read() semantics. */
	copied = (size_t)n * size - copy_to_user(buf, bounce, (size_t)n * size);
	copied -= copied % size;
	if (n && !copied) {
		ret = -EFAULT;
	} else {
		ret = copied;
		*pos += copied;
	}
out_free:
	kfree(bounce);
	return ret;
}

/*
 * Stop if running and free everything.  Safe after a failed start.  Not
 * killable: module exit waits for the drain.
 */
void velox_engine_exit(struct velox_engine *e)
{
	/* No CPU going offline queues a stop from here on. */
	cpuhp_state_remove_instance_nocalls(e->cpuhp_state, &e->cpuhp_node);
	cpuhp_remove_multi_state(e->cpuhp_state);
	cancel_work_sync(&e->offline_work);

	mutex_lock(&e->lock);
	if (e->state == VELOX_STATE_RUNNING)
		velox_engine_begin_stop(e, VELOX_STOP_USER);
	mutex_unlock(&e->lock);
	wait_event(e->stopped_wq, !velox_engine_stopping(e));
	/* The teardown may still be on its way out of the lock. */
	flush_work(&e->halt_work);
	velox_capture_free(e->capture);
	velox_stats_exit(&e->stats);
	velox_noise_destroy(e->noise);
	mutex_destroy(&e->lock);
}
