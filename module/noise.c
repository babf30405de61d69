// SPDX-License-Identifier: GPL-2.0
/*
 * Interference, osnoise-style: probes on the kernel's own tracepoints
 * write each watched CPU's core/noise_log.h log.  See noise.h.
 *
 * The tracepoints are found by name with for_each_kernel_tracepoint()
 * (a module cannot use register_trace_*(): the kernel does not export
 * them) and attached with tracepoint_probe_register().  Each probe
 * returns at once on a CPU that is not watched.  What each one writes:
 *
 *   irq_handler_entry/exit     irq, id = IRQ number, name = action's
 *   local_timer, reschedule,   irq, id = APIC vector, name "timer",
 *   call_function(_single),    "resched", "callfn", "callfn1",
 *   irq_work _entry/_exit      "irq_work" (x86; osnoise hooks them too)
 *   softirq_entry/exit         softirq, id = vector, name "TIMER"...
 *   nmi_handler                an NMI segment, [now - delta_ns, now]
 *   sched_switch, sched_wakeup preempted (below)
 *
 * Preempted: a worker (a kthread running the engine's thread function)
 * is runnable but another task has its CPU: from when it is switched out
 * runnable, or woken while another task runs, until a worker is switched
 * in, the CPU goes idle, or the waiting worker leaves the CPU.  The
 * segment names the task that ran, and is closed and reopened when the
 * CPU switches to yet another task while the worker still waits there.
 * A wakeup may happen on another CPU, which must not write this CPU's
 * log: it leaves the time and the worker in this CPU's @woken and
 * @woken_task, and this CPU's next probe opens the segment from then
 * (nothing was logged here meanwhile, or that probe would have been the
 * next).  A worker pulled to another CPU while it waits stops being
 * waited for at this CPU's next switch or next event (the tick's IRQ at
 * the latest, as the task that runs here keeps running; on a nohz_full
 * CPU left with that one task, its next switch), whichever comes first.
 * One waiting worker is remembered: a second one woken here meanwhile
 * is waited for from this CPU's next switch on.  So a worker waiting for
 * its CPU is in the log from the CPU's next event on; the stamps a
 * spike's parts end on are taken by running workers, after their CPU's
 * switch closed the segment.
 *
 * The workers outlive the probes (the engine stops the probes first),
 * so a probe may look at a worker it remembers.
 *
 * The log's writer is the CPU itself, with IRQs off: the IRQ and
 * scheduler probes have them off already, the softirq ones turn them
 * off around the write, and the NMI probe writes only the NMI ring.
 */
#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/irqflags.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <trace/events/irq.h>
#include <trace/events/nmi.h>
#include <trace/events/sched.h>
#ifdef CONFIG_X86_LOCAL_APIC
#include <asm/trace/irq_vectors.h>
#endif

#include "alloc.h"
#include "compat.h"
#include "noise.h"

/* What a CPU runs, as its probes last saw (struct velox_noise_pcpu.running). */
enum velox_noise_task {
	VELOX_TASK_UNKNOWN = 0,
	VELOX_TASK_IDLE,
	VELOX_TASK_WORKER,
	VELOX_TASK_OTHER,
};

/**
 * struct velox_noise_pcpu - one CPU's interference
 * @log: its log, written by its probes
 * @woken: when a worker was woken while another task ran here and this
 *	CPU has not yet logged it (0: none); set by the waker, which may be
 *	another CPU, under this CPU's runqueue lock
 * @woken_task: that worker (or another woken here since: it waits too)
 * @waiter: the worker the log's preempted level waits for, NULL when
 *	none is open; this CPU's own
 * @running: enum velox_noise_task of the task running here, kept by
 *	this CPU's sched_switch probe (read by wakers under the same lock)
 */
struct velox_noise_pcpu {
	struct velox_noise_log log;
	u64 woken;
	struct task_struct *woken_task;
	struct task_struct *waiter;
	u8 running;
};

/**
 * struct velox_noise_hook - what a probe is registered with
 * @n: the instance
 * @name: the APIC vector's name, for the vector entry probe
 */
struct velox_noise_hook {
	struct velox_noise *n;
	const char *name;
};

/**
 * struct velox_noise_tp - a tracepoint Velox hooks
 * @tp: its name
 * @probe: the probe, taking struct velox_noise_hook as its data
 * @name: the name its segments get, for the APIC vectors
 */
struct velox_noise_tp {
	const char *tp;
	void *probe;
	const char *name;
};

static void velox_probe_switch(void *data, bool preempt,
			       struct task_struct *prev,
			       struct task_struct *next,
			       unsigned int prev_state);
static void velox_probe_wakeup(void *data, struct task_struct *p);
static void velox_probe_irq_entry(void *data, int irq,
				  struct irqaction *action);
static void velox_probe_irq_exit(void *data, int irq,
				 struct irqaction *action, int ret);
static void velox_probe_softirq_entry(void *data, unsigned int vec_nr);
static void velox_probe_softirq_exit(void *data, unsigned int vec_nr);
static void velox_probe_vector_entry(void *data, int vector);
static void velox_probe_vector_exit(void *data, int vector);
static void velox_probe_nmi(void *data, void *handler, s64 delta_ns,
			    int handled);

/*
 * Registered in this order, unregistered in the reverse: the scheduler's
 * view first, each exit before its entry (an exit without its entry is
 * ignored, an entry without its exit would stay open), wakeups last.
 */
static const struct velox_noise_tp velox_noise_tps[] = {
	{ "sched_switch", velox_probe_switch },
	{ "irq_handler_exit", velox_probe_irq_exit },
	{ "irq_handler_entry", velox_probe_irq_entry },
	{ "softirq_exit", velox_probe_softirq_exit },
	{ "softirq_entry", velox_probe_softirq_entry },
	{ "local_timer_exit", velox_probe_vector_exit },
	{ "local_timer_entry", velox_probe_vector_entry, "timer" },
	{ "reschedule_exit", velox_probe_vector_exit },
	{ "reschedule_entry", velox_probe_vector_entry, "resched" },
	{ "call_function_exit", velox_probe_vector_exit },
	{ "call_function_entry", velox_probe_vector_entry, "callfn" },
	{ "call_function_single_exit", velox_probe_vector_exit },
	{ "call_function_single_entry", velox_probe_vector_entry, "callfn1" },
	{ "irq_work_exit", velox_probe_vector_exit },
	{ "irq_work_entry", velox_probe_vector_entry, "irq_work" },
	{ "nmi_handler", velox_probe_nmi },
	{ "sched_wakeup", velox_probe_wakeup },
};

#define VELOX_NOISE_TPS	ARRAY_SIZE(velox_noise_tps)

/**
 * struct velox_noise - the probes and every CPU's log
 * @cpu: per possible CPU
 * @watched: the CPUs the probes count on (kept after stop, for readers)
 * @worker_fn: the engine's thread function, as kthread_func() returns it
 * @started: the probes are registered
 * @tp: each tracepoint of velox_noise_tps found, or NULL
 * @registered: which of them have our probe
 * @said_missing: which missing ones were reported already
 * @hook: each probe's data
 */
struct velox_noise {
	struct velox_noise_pcpu **cpu;
	struct cpumask watched;
	void *worker_fn;
	bool started;
	struct tracepoint *tp[VELOX_NOISE_TPS];
	bool registered[VELOX_NOISE_TPS];
	bool said_missing[VELOX_NOISE_TPS];
	struct velox_noise_hook hook[VELOX_NOISE_TPS];
};

static const char *const velox_softirq_names[NR_SOFTIRQS] = {
	[HI_SOFTIRQ] = "HI",
	[TIMER_SOFTIRQ] = "TIMER",
	[NET_TX_SOFTIRQ] = "NET_TX",
	[NET_RX_SOFTIRQ] = "NET_RX",
	[BLOCK_SOFTIRQ] = "BLOCK",
	[IRQ_POLL_SOFTIRQ] = "IRQ_POLL",
	[TASKLET_SOFTIRQ] = "TASKLET",
	[SCHED_SOFTIRQ] = "SCHED",
	[HRTIMER_SOFTIRQ] = "HRTIMER",
	[RCU_SOFTIRQ] = "RCU",
};

/* The kernel's declarations of the probes' tracepoints agree with ours. */
static void __maybe_unused velox_noise_check_prototypes(void)
{
	VELOX_TP_PROBE_CHECK(sched_switch, velox_probe_switch);
	VELOX_TP_PROBE_CHECK(sched_wakeup, velox_probe_wakeup);
	VELOX_TP_PROBE_CHECK(irq_handler_entry, velox_probe_irq_entry);
	VELOX_TP_PROBE_CHECK(irq_handler_exit, velox_probe_irq_exit);
	VELOX_TP_PROBE_CHECK(softirq_entry, velox_probe_softirq_entry);
	VELOX_TP_PROBE_CHECK(softirq_exit, velox_probe_softirq_exit);
	VELOX_TP_PROBE_CHECK(nmi_handler, velox_probe_nmi);
	VELOX_TP_VECTOR_CHECK(local_timer, velox_probe_vector_entry,
			      velox_probe_vector_exit);
	VELOX_TP_VECTOR_CHECK(reschedule, velox_probe_vector_entry,
			      velox_probe_vector_exit);
	VELOX_TP_VECTOR_CHECK(call_function, velox_probe_vector_entry,
			      velox_probe_vector_exit);
	VELOX_TP_VECTOR_CHECK(call_function_single, velox_probe_vector_entry,
			      velox_probe_vector_exit);
	VELOX_TP_VECTOR_CHECK(irq_work, velox_probe_vector_entry,
			      velox_probe_vector_exit);
}

/* This CPU's state if it is watched, else NULL.  Preemption is off. */
static __always_inline struct velox_noise_pcpu *
velox_noise_here(const struct velox_noise_hook *h)
{
	unsigned int cpu = smp_processor_id();

	if (!cpumask_test_cpu(cpu, &h->n->watched))
		return NULL;
	return h->n->cpu[cpu];
}

static u8 velox_noise_task(const struct velox_noise *n, struct task_struct *p)
{
	if (is_idle_task(p))
		return VELOX_TASK_IDLE;
	if ((p->flags & PF_KTHREAD) && kthread_func(p) == n->worker_fn)
		return VELOX_TASK_WORKER;
	return VELOX_TASK_OTHER;
}

/*
 * Every probe on this CPU starts here: learn what runs if the
 * scheduler probe has not told yet, stop waiting for a worker that was
 * pulled to another CPU, and log a worker's wakeup left by a waker since
 * this CPU's last event.  @ran is the task that has been running here
 * (current, or prev in sched_switch).
 */
static void velox_noise_catch_up(const struct velox_noise *n,
				 struct velox_noise_pcpu *pc,
				 struct task_struct *ran, u64 now)
{
	struct task_struct *woken_task;
	u64 woken;

	if (unlikely(pc->running == VELOX_TASK_UNKNOWN))
		WRITE_ONCE(pc->running, velox_noise_task(n, ran));
	if (pc->waiter && task_cpu(pc->waiter) != smp_processor_id()) {
		velox_noise_leave(&pc->log, now, VELOX_NOISE_PREEMPTED);
		pc->waiter = NULL;
	}
	if (likely(!READ_ONCE(pc->woken)))
		return;
	/* Ordered after the waker's @woken_task by the atomics. */
	woken = xchg(&pc->woken, 0);
	woken_task = READ_ONCE(pc->woken_task);
	if (!woken || pc->running != VELOX_TASK_OTHER || pc->waiter ||
	    task_cpu(woken_task) != smp_processor_id())
		return;		/* already waiting here, or pulled away since */
	velox_noise_enter(&pc->log, woken, VELOX_NOISE_PREEMPTED,
			  task_pid_nr(ran), ran->comm);
	pc->waiter = woken_task;
}

/* End the innermost level if it is of @source (see velox_noise_top()). */
static void velox_noise_end(struct velox_noise_pcpu *pc, u64 now, u8 source)
{
	if (velox_noise_top(&pc->log) == source)
		velox_noise_exit(&pc->log, now);
}

static void velox_probe_switch(void *data, bool preempt,
			       struct task_struct *prev,
			       struct task_struct *next,
			       unsigned int prev_state)
{
	const struct velox_noise_hook *h = data;
	struct velox_noise_pcpu *pc = velox_noise_here(h);
	struct task_struct *waiter;
	u8 was, is;
	u64 now;

	if (!pc)
		return;
	now = ktime_get_ns();
	velox_noise_catch_up(h->n, pc, prev, now);
	was = pc->running;
	is = velox_noise_task(h->n, next);
	WRITE_ONCE(pc->running, is);

	/*
	 * Who waits while @next runs: @prev, a worker switched out still
	 * runnable; else the worker that was waiting, if it is still queued
	 * here (this runqueue's lock is held: it cannot leave meanwhile).
	 * Nobody when a worker runs, or nothing is runnable.
	 */
	waiter = pc->waiter;
	if (is != VELOX_TASK_OTHER)
		waiter = NULL;
	else if (was == VELOX_TASK_WORKER &&
		 (preempt || prev_state == TASK_RUNNING))
		waiter = prev;
	else if (waiter && (task_cpu(waiter) != smp_processor_id() ||
			    !READ_ONCE(waiter->on_rq)))
		waiter = NULL;
	pc->waiter = waiter;
	velox_noise_switch(&pc->log, now, waiter, task_pid_nr(next),
			   next->comm);
}

/*
 * On the waker's CPU, with @p's runqueue locked: a worker woken while
 * another task runs on its CPU waits from now.  That CPU logs it.
 */
static void velox_probe_wakeup(void *data, struct task_struct *p)
{
	const struct velox_noise_hook *h = data;
	unsigned int cpu = task_cpu(p);
	struct velox_noise_pcpu *pc;

	if (!cpumask_test_cpu(cpu, &h->n->watched))
		return;
	pc = h->n->cpu[cpu];
	if (READ_ONCE(pc->running) != VELOX_TASK_OTHER ||
	    velox_noise_task(h->n, p) != VELOX_TASK_WORKER)
		return;
	/*
	 * The first wakeup's time counts until that CPU has logged it; the
	 * worker may be a later one's, which waits there as well.
	 */
	WRITE_ONCE(pc->woken_task, p);
	cmpxchg(&pc->woken, 0, ktime_get_ns());
}

static void velox_probe_irq_entry(void *data, int irq,
				  struct irqaction *action)
{
	const struct velox_noise_hook *h = data;
	struct velox_noise_pcpu *pc = velox_noise_here(h);
	u64 now;

	if (!pc)
		return;
	now = ktime_get_ns();
	velox_noise_catch_up(h->n, pc, current, now);
	velox_noise_enter(&pc->log, now, VELOX_NOISE_IRQ, irq,
			  action ? action->name : NULL);
}

static void velox_probe_irq_exit(void *data, int irq,
				 struct irqaction *action, int ret)
{
	const struct velox_noise_hook *h = data;
	struct velox_noise_pcpu *pc = velox_noise_here(h);
	u64 now;

	if (!pc)
		return;
	now = ktime_get_ns();
	velox_noise_catch_up(h->n, pc, current, now);
	velox_noise_end(pc, now, VELOX_NOISE_IRQ);
}

static void velox_probe_vector_entry(void *data, int vector)
{
	const struct velox_noise_hook *h = data;
	struct velox_noise_pcpu *pc = velox_noise_here(h);
	u64 now;

	if (!pc)
		return;
	now = ktime_get_ns();
	velox_noise_catch_up(h->n, pc, current, now);
	velox_noise_enter(&pc->log, now, VELOX_NOISE_IRQ, vector, h->name);
}

static void velox_probe_vector_exit(void *data, int vector)
{
	velox_probe_irq_exit(data, vector, NULL, 0);
}

/* Softirqs run with IRQs on: off around the write, so it is not cut. */
static void velox_probe_softirq_entry(void *data, unsigned int vec_nr)
{
	const struct velox_noise_hook *h = data;
	struct velox_noise_pcpu *pc = velox_noise_here(h);
	unsigned long flags;
	u64 now;

	if (!pc)
		return;
	local_irq_save(flags);
	now = ktime_get_ns();
	velox_noise_catch_up(h->n, pc, current, now);
	velox_noise_enter(&pc->log, now, VELOX_NOISE_SOFTIRQ,
			  vec_nr, vec_nr < NR_SOFTIRQS ?
			  velox_softirq_names[vec_nr] : NULL);
	local_irq_restore(flags);
}

static void velox_probe_softirq_exit(void *data, unsigned int vec_nr)
{
	const struct velox_noise_hook *h = data;
	struct velox_noise_pcpu *pc = velox_noise_here(h);
	unsigned long flags;
	u64 now;

	if (!pc)
		return;
	local_irq_save(flags);
	now = ktime_get_ns();
	velox_noise_catch_up(h->n, pc, current, now);
	velox_noise_end(pc, now, VELOX_NOISE_SOFTIRQ);
	local_irq_restore(flags);
}

/*
 * After each NMI handler, with the time it took.  NMI context: the
 * NMI-safe clock, and only the NMI ring.
 */
static void velox_probe_nmi(void *data, void *handler, s64 delta_ns,
			    int handled)
{
	struct velox_noise_pcpu *pc = velox_noise_here(data);
	u64 now, took;

	if (!pc)
		return;
	now = ktime_get_mono_fast_ns();
	took = delta_ns > 0 ? min_t(u64, delta_ns, now) : 0;
	velox_noise_nmi(&pc->log, now - took, now);
}

/**
 * velox_noise_create() - allocate every possible CPU's log, at module init
 *
 * Return: the instance, or NULL without memory.  The logs are large (two
 * rings of VELOX_NOISE_LOG segments each), so no run allocates them.
 */
struct velox_noise *velox_noise_create(void)
{
	struct velox_noise *n;
	unsigned int cpu, i;

	n = kzalloc(sizeof(*n), VELOX_GFP);
	if (!n)
		return NULL;
	n->cpu = kcalloc(nr_cpu_ids, sizeof(*n->cpu), VELOX_GFP);
	if (!n->cpu)
		goto out_free_noise;
	for_each_possible_cpu(cpu) {
		n->cpu[cpu] = kvzalloc_node(sizeof(*n->cpu[cpu]), VELOX_GFP,
					    cpu_to_node(cpu));
		if (!n->cpu[cpu])
			goto out_free_logs;
	}
	for (i = 0; i < VELOX_NOISE_TPS; i++) {
		n->hook[i].n = n;
		n->hook[i].name = velox_noise_tps[i].name;
	}
	return n;

out_free_logs:
	for_each_possible_cpu(cpu)
		kvfree(n->cpu[cpu]);
	kfree(n->cpu);
out_free_noise:
	kfree(n);
	return NULL;
}

/**
 * velox_noise_destroy() - free what velox_noise_create() allocated
 * @n: the instance, or NULL; its probes are unregistered first if a
 *	caller left them on
 */
void velox_noise_destroy(struct velox_noise *n)
{
	unsigned int cpu;

	if (!n)
		return;
	velox_noise_stop(n);
	for_each_possible_cpu(cpu)
		kvfree(n->cpu[cpu]);
	kfree(n->cpu);
	kfree(n);
}

static void velox_noise_find(struct tracepoint *tp, void *priv)
{
	struct velox_noise *n = priv;
	unsigned int i;

	for (i = 0; i < VELOX_NOISE_TPS; i++)
		if (!strcmp(tp->name, velox_noise_tps[i].tp))
			n->tp[i] = tp;
}

/*
 * A kernel without tracepoints (UML's KUnit) declares these but has no
 * code for them: it finds nothing, and the calls compile away.
 */
static int velox_noise_register(struct velox_noise *n, unsigned int i)
{
	if (!IS_ENABLED(CONFIG_TRACEPOINTS))
		return -EOPNOTSUPP;
	return tracepoint_probe_register(n->tp[i], velox_noise_tps[i].probe,
					 &n->hook[i]);
}

/* Unregister every probe, then wait until none can still be running. */
static void velox_noise_unregister(struct velox_noise *n)
{
	unsigned int i = VELOX_NOISE_TPS;

	if (!IS_ENABLED(CONFIG_TRACEPOINTS))
		return;
	while (i--) {
		if (!n->registered[i])
			continue;
		WARN_ON_ONCE(tracepoint_probe_unregister(n->tp[i],
							 velox_noise_tps[i].probe,
							 &n->hook[i]));
		n->registered[i] = false;
	}
	tracepoint_synchronize_unregister();
}

/**
 * velox_noise_start() - log the interference on @cpus
 * @n: the instance
 * @cpus: the CPUs to watch (those that run workers)
 * @worker_fn: the workers' thread function: a kthread running it that
 *	waits for its CPU is preempted
 *
 * Resets the logs of @cpus, then registers the probes.  A tracepoint this
 * kernel lacks is skipped (said once, at debug level).  Callers
 * serialize start and stop.
 *
 * Return: 0, -EBUSY if already started, or the error of a registration
 * that failed (what was registered is undone).
 */
int velox_noise_start(struct velox_noise *n, const struct cpumask *cpus,
		      int (*worker_fn)(void *))
{
	unsigned int cpu, i;
	int ret;

	if (n->started)
		return -EBUSY;
	cpumask_and(&n->watched, cpus, cpu_possible_mask);
	for_each_cpu(cpu, &n->watched) {
		struct velox_noise_pcpu *pc = n->cpu[cpu];

		velox_noise_log_reset(&pc->log);
		pc->woken = 0;
		pc->woken_task = NULL;
		pc->waiter = NULL;
		pc->running = VELOX_TASK_UNKNOWN;
	}
	n->worker_fn = (void *)worker_fn;

	memset(n->tp, 0, sizeof(n->tp));
	if (IS_ENABLED(CONFIG_TRACEPOINTS))
		for_each_kernel_tracepoint(velox_noise_find, n);
	for (i = 0; i < VELOX_NOISE_TPS; i++) {
		if (!n->tp[i]) {
			if (!n->said_missing[i])
				pr_debug("no tracepoint %s: not hooked\n",
					 velox_noise_tps[i].tp);
			n->said_missing[i] = true;
			continue;
		}
		ret = velox_noise_register(n, i);
		if (ret)
			goto out_unregister;
		n->registered[i] = true;
	}
	n->started = true;
	return 0;

out_unregister:
	pr_warn("cannot hook tracepoint %s: %d\n", velox_noise_tps[i].tp, ret);
	velox_noise_unregister(n);
	cpumask_clear(&n->watched);
	return ret;
}

/**
 * velox_noise_stop() - unregister every probe
 * @n: the instance
 *
 * Returns once no probe can run any more (tracepoint_synchronize_unregister()),
 * so the module may go.  The levels still open are closed now, into the
 * accounting; the logs stay readable until the next start.
 */
void velox_noise_stop(struct velox_noise *n)
{
	unsigned int cpu;
	u64 now;

	if (!n->started)
		return;
	velox_noise_unregister(n);
	n->started = false;
	now = ktime_get_ns();
	for_each_cpu(cpu, &n->watched) {
		velox_noise_close_all(&n->cpu[cpu]->log, now);
		n->cpu[cpu]->woken = 0;
		n->cpu[cpu]->waiter = NULL;
	}
}

/**
 * velox_noise_window() - what took @cpu from the pipeline in [@from, @to]
 * @n: the instance
 * @cpu: the CPU
 * @from: ns (ktime_get_ns())
 * @to: ns
 * @sum: added to, as velox_noise_overlap() does; partial if @cpu was not
 *	watched (nothing is known of it)
 */
void velox_noise_window(struct velox_noise *n, unsigned int cpu, u64 from,
			u64 to, struct velox_noise_sum *sum)
{
	if (cpu >= nr_cpu_ids || !cpumask_test_cpu(cpu, &n->watched)) {
		sum->partial = true;
		return;
	}
	velox_noise_overlap(&n->cpu[cpu]->log, from, to, sum);
}

/**
 * velox_noise_account() - copy what @cpu's log accounted since start
 * @n: the instance
 * @cpu: a watched CPU (zeros for another)
 * @out: ns, count and top offenders of the closed segments; @out->cpu
 *	and @out->wall_ns are left 0 for the caller
 *
 * A racy copy by design, as the writer may be adding to it: each word is
 * a moment's value, the top table may be caught mid-reorder.
 */
void velox_noise_account(struct velox_noise *n, unsigned int cpu,
			 struct velox_noise_cpu *out)
{
	if (cpu >= nr_cpu_ids || !cpumask_test_cpu(cpu, &n->watched)) {
		memset(out, 0, sizeof(*out));
		return;
	}
	/* Racing with the CPU's probes on purpose: a moment's values. */
	data_race(memcpy(out, &n->cpu[cpu]->log.acct, sizeof(*out)));
}
