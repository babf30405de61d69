// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_noise: the interference log (core/noise_log.c) fed
 * by hand with the times a CPU's tracepoints would give, and read back
 * as a spike's capture and the noise accounting read it; then the real
 * probes (noise.c) on this kernel's tracepoints, where it has them.
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/velox.h>

#include "../module/core/noise_log.h"
#include "../module/noise.h"

#define IRQ		VELOX_NOISE_IRQ
#define SOFTIRQ		VELOX_NOISE_SOFTIRQ
#define NMI		VELOX_NOISE_NMI
#define PREEMPTED	VELOX_NOISE_PREEMPTED

static struct velox_noise_log *new_log(struct kunit *test)
{
	struct velox_noise_log *log = kunit_kzalloc(test, sizeof(*log),
						    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, log);
	velox_noise_log_reset(log);
	return log;
}

/* What the log says about [@from, @to], into a zeroed @sum. */
static void window(const struct velox_noise_log *log, u64 from, u64 to,
		   struct velox_noise_sum *sum)
{
	memset(sum, 0, sizeof(*sum));
	velox_noise_overlap(log, from, to, sum);
}

/* An IRQ segment [@start, @end] on an otherwise quiet CPU. */
static void irq_at(struct velox_noise_log *log, u64 start, u64 end, u32 id)
{
	velox_noise_enter(log, start, IRQ, id, "irq");
	velox_noise_exit(log, end);
}

/*
 * A softirq inside a preemption, an IRQ inside the softirq: each inner
 * event closes the outer segment and reopens it, so every instant is in
 * one segment and each source gets exactly its own time, once.
 */
static void nesting_sums_exact_for_irq_in_softirq_in_preempted(struct kunit *test)
{
	struct velox_noise_log *log = new_log(test);
	struct velox_noise_sum sum;
	u64 i;

	velox_noise_enter(log, 1000, PREEMPTED, 93, "sh");
	velox_noise_enter(log, 1100, SOFTIRQ, 1, "TIMER");
	velox_noise_enter(log, 1150, IRQ, 4, "ttyS0");
	velox_noise_exit(log, 1170);
	velox_noise_exit(log, 1200);
	velox_noise_exit(log, 1300);

	window(log, 0, 2000, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[PREEMPTED], 200);	/* 1000-1100, 1200-1300 */
	KUNIT_EXPECT_EQ(test, sum.ns[SOFTIRQ], 80);	/* 1100-1150, 1170-1200 */
	KUNIT_EXPECT_EQ(test, sum.ns[IRQ], 20);
	KUNIT_EXPECT_EQ(test, sum.ns[NMI], 0);
	/* One interruption each, however many pieces. */
	KUNIT_EXPECT_EQ(test, sum.count[PREEMPTED], 1);
	KUNIT_EXPECT_EQ(test, sum.count[SOFTIRQ], 1);
	KUNIT_EXPECT_EQ(test, sum.count[IRQ], 1);
	KUNIT_EXPECT_EQ(test, sum.top[PREEMPTED].id, 93);
	KUNIT_EXPECT_EQ(test, sum.top[PREEMPTED].ns, 200);
	KUNIT_EXPECT_STREQ(test, sum.top[PREEMPTED].name, "sh");
	KUNIT_EXPECT_STREQ(test, sum.top[SOFTIRQ].name, "TIMER");
	KUNIT_EXPECT_FALSE(test, sum.partial);

	/* A window inside: each part of it once, the parts fill it. */
	window(log, 1160, 1250, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[IRQ], 10);
	KUNIT_EXPECT_EQ(test, sum.ns[SOFTIRQ], 30);
	KUNIT_EXPECT_EQ(test, sum.ns[PREEMPTED], 50);

	/* Five segments, in order, none overlapping the next. */
	KUNIT_ASSERT_EQ(test, log->head, 5);
	for (i = 0; i + 1 < log->head; i++)
		KUNIT_EXPECT_LE_MSG(test, log->segs[i].end,
				    log->segs[i + 1].start, "segment %llu", i);
	KUNIT_EXPECT_EQ(test, log->depth, 0);
}

/*
 * An NMI inside an IRQ: the NMI's time is the NMI's, and the IRQ's
 * segment gives it up, in a window and in the accounting.
 */
static void an_nmi_inside_an_irq_is_counted_once(struct kunit *test)
{
	struct velox_noise_log *log = new_log(test);
	struct velox_noise_sum sum;

	velox_noise_enter(log, 1000, IRQ, 236, "timer");
	velox_noise_nmi(log, 1010, 1030);
	/* While the IRQ is still open, too. */
	window(log, 1000, 1050, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[IRQ], 30);
	KUNIT_EXPECT_EQ(test, sum.ns[NMI], 20);
	velox_noise_exit(log, 1100);
	velox_noise_nmi(log, 1200, 1205);	/* an NMI alone */

	window(log, 0, 2000, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[IRQ], 80);
	KUNIT_EXPECT_EQ(test, sum.ns[NMI], 25);
	KUNIT_EXPECT_EQ(test, sum.count[NMI], 2);
	KUNIT_EXPECT_EQ(test, sum.top[NMI].ns, 20);
	KUNIT_EXPECT_EQ(test, sum.count[IRQ], 1);
	KUNIT_EXPECT_FALSE(test, sum.partial);

	KUNIT_EXPECT_EQ(test, log->acct.ns[IRQ], 80);
	KUNIT_EXPECT_EQ(test, log->acct.ns[NMI], 25);
	KUNIT_EXPECT_EQ(test, log->acct.count[NMI], 2);
}

/*
 * A preemption still going on counts up to the end of the window asked
 * about, and not before it began; it is not in the accounting until it
 * closes.
 */
static void an_open_segment_counts_up_to_the_window_end(struct kunit *test)
{
	struct velox_noise_log *log = new_log(test);
	struct velox_noise_sum sum;

	velox_noise_enter(log, 1000, PREEMPTED, 93, "sh");

	window(log, 500, 1600, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[PREEMPTED], 600);
	KUNIT_EXPECT_EQ(test, sum.count[PREEMPTED], 1);
	window(log, 1200, 1300, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[PREEMPTED], 100);
	window(log, 100, 900, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[PREEMPTED], 0);
	KUNIT_EXPECT_EQ(test, sum.count[PREEMPTED], 0);
	KUNIT_EXPECT_FALSE(test, sum.partial);
	KUNIT_EXPECT_EQ(test, log->acct.ns[PREEMPTED], 0);

	velox_noise_close_all(log, 1700);
	KUNIT_EXPECT_EQ(test, log->acct.ns[PREEMPTED], 700);
	window(log, 500, 5000, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[PREEMPTED], 700);
}

/*
 * Once a ring has wrapped, a window reaching back past its oldest entry
 * may have lost segments: partial.  A window the ring still covers is
 * whole.  Both rings.
 */
static void a_window_older_than_the_ring_is_partial(struct kunit *test)
{
	struct velox_noise_log *log = new_log(test);
	struct velox_noise_sum sum;
	u64 i, oldest = 1000 + 10 * 10;

	for (i = 0; i < VELOX_NOISE_LOG + 10; i++)
		irq_at(log, 1000 + 10 * i, 1005 + 10 * i, i);

	window(log, 1000, oldest + 100, &sum);
	KUNIT_EXPECT_TRUE(test, sum.partial);
	window(log, oldest + 100, oldest + 200, &sum);
	KUNIT_EXPECT_FALSE(test, sum.partial);
	KUNIT_EXPECT_EQ(test, sum.ns[IRQ], 50);
	KUNIT_EXPECT_EQ(test, sum.count[IRQ], 10);

	for (i = 0; i < VELOX_NOISE_LOG + 1; i++)
		velox_noise_nmi(log, 100000 + 10 * i, 100001 + 10 * i);
	window(log, 100000, 100050, &sum);
	KUNIT_EXPECT_TRUE(test, sum.partial);
	window(log, 100000 + 10 * VELOX_NOISE_LOG, 100000 + 10 * VELOX_NOISE_LOG + 5,
	       &sum);
	KUNIT_EXPECT_FALSE(test, sum.partial);
	KUNIT_EXPECT_EQ(test, sum.ns[NMI], 1);
}

/*
 * An entry caught mid-write (odd seq) is not used, and the window says
 * it may be short; the entries around it still count.  The same for an
 * entry a later lap overwrote.
 */
static void a_torn_entry_is_skipped_and_partial(struct kunit *test)
{
	struct velox_noise_log *log = new_log(test);
	struct velox_noise_sum sum;
	u32 seq;

	irq_at(log, 1000, 1010, 1);
	irq_at(log, 1020, 1030, 2);
	irq_at(log, 1040, 1050, 3);
	seq = log->segs[1].seq;

	log->segs[1].seq = seq - 1;		/* being closed */
	window(log, 0, 2000, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[IRQ], 20);
	KUNIT_EXPECT_EQ(test, sum.count[IRQ], 2);
	KUNIT_EXPECT_TRUE(test, sum.partial);

	log->segs[1].seq = seq + 4 * VELOX_NOISE_LOG;	/* a later lap's */
	window(log, 0, 2000, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[IRQ], 20);
	KUNIT_EXPECT_TRUE(test, sum.partial);

	log->segs[1].seq = seq;
	window(log, 0, 2000, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[IRQ], 30);
	KUNIT_EXPECT_FALSE(test, sum.partial);
}

/*
 * The accounting keeps VELOX_NOISE_TOP offenders by (source, id),
 * largest first; a newcomer larger than the smallest takes its place, a
 * smaller one is left out; time added to one moves it up.
 */
static void top_offenders_are_largest_first_and_the_smallest_evicted(struct kunit *test)
{
	static const u64 took[VELOX_NOISE_TOP] = { 30, 80, 10, 50, 70, 20, 60, 40 };
	struct velox_noise_log *log = new_log(test);
	const struct velox_offender *top = log->acct.top;
	u64 t = 1000;
	unsigned int i;

	for (i = 0; i < VELOX_NOISE_TOP; i++, t += 1000)
		irq_at(log, t, t + took[i], i + 1);
	for (i = 0; i < VELOX_NOISE_TOP; i++)
		KUNIT_EXPECT_EQ_MSG(test, top[i].ns, 80 - 10 * i, "place %u", i);
	KUNIT_EXPECT_EQ(test, top[0].id, 2);
	KUNIT_EXPECT_EQ(test, top[VELOX_NOISE_TOP - 1].id, 3);	/* the 10 */

	irq_at(log, t, t + 15, 100);		/* beats the 10 */
	t += 1000;
	KUNIT_EXPECT_EQ(test, top[VELOX_NOISE_TOP - 1].id, 100);
	KUNIT_EXPECT_EQ(test, top[VELOX_NOISE_TOP - 1].ns, 15);
	for (i = 0; i < VELOX_NOISE_TOP; i++)
		KUNIT_EXPECT_NE(test, top[i].id, 3);

	irq_at(log, t, t + 5, 101);		/* smaller than all: left out */
	t += 1000;
	for (i = 0; i < VELOX_NOISE_TOP; i++)
		KUNIT_EXPECT_NE(test, top[i].id, 101);

	irq_at(log, t, t + 100, 6);		/* the 20 grows to 120: first */
	KUNIT_EXPECT_EQ(test, top[0].id, 6);
	KUNIT_EXPECT_EQ(test, top[0].ns, 120);
	KUNIT_EXPECT_EQ(test, top[0].count, 2);
	for (i = 1; i < VELOX_NOISE_TOP; i++)
		KUNIT_EXPECT_GE_MSG(test, top[i - 1].ns, top[i].ns, "place %u", i);
}

/* A small deterministic generator: the same events on every run. */
static u32 next_rand(u32 *state)
{
	*state = *state * 1664525 + 1013904223;
	return *state >> 8;
}

/*
 * Whatever the events (nesting in any order, NMIs anywhere), the
 * accounting holds what the closed segments hold: time and
 * interruptions per source, as a window over all of it reads them.
 */
static void accounting_equals_the_sum_of_closed_segments(struct kunit *test)
{
	struct velox_noise_log *log = new_log(test);
	struct velox_noise_sum sum;
	u64 t = 1000, prev, total = 0, in_top = 0;
	u32 state = 11, r;
	unsigned int i, n;

	for (i = 0; i < 100; i++) {
		prev = t;
		t += 1 + next_rand(&state) % 100;
		r = next_rand(&state) % 6;
		if (r == 0 && log->depth < 3)
			velox_noise_enter(log, t, PREEMPTED, r, "task");
		else if (r == 1 && log->depth < 3)
			velox_noise_enter(log, t, SOFTIRQ, r, "TIMER");
		else if (r == 2 && log->depth < 3)
			velox_noise_enter(log, t, IRQ, next_rand(&state) % 4, "irq");
		else if (r == 3)	/* after the last event, as a real NMI */
			velox_noise_nmi(log, t - next_rand(&state) % (t - prev), t);
		else
			velox_noise_exit(log, t);
	}
	velox_noise_close_all(log, t + 1);
	KUNIT_ASSERT_LT(test, log->head, VELOX_NOISE_LOG);

	window(log, 0, t + 2, &sum);
	KUNIT_EXPECT_FALSE(test, sum.partial);
	for (n = 0; n < VELOX_NOISES; n++) {
		KUNIT_EXPECT_EQ_MSG(test, log->acct.ns[n], sum.ns[n], "source %u", n);
		KUNIT_EXPECT_EQ_MSG(test, log->acct.count[n], sum.count[n],
				    "source %u", n);
		total += sum.ns[n];
	}
	KUNIT_EXPECT_GT(test, total, 0);
	KUNIT_EXPECT_LE(test, total, t + 2);
	/* The top table holds no more than the sums. */
	for (i = 0; i < VELOX_NOISE_TOP; i++)
		in_top += log->acct.top[i].ns;
	KUNIT_EXPECT_LE(test, in_top, total);
}

/*
 * As the probes log a worker preempted by a hog, then woken while it
 * waits (the sleep backoff's timer, between set_current_state() and
 * schedule()): the wakeup's catch-up is no second wait, and once the
 * worker runs, nothing counts as preempted.
 */
static void a_worker_woken_while_it_waits_waits_once(struct kunit *test)
{
	struct velox_noise_log *log = new_log(test);
	struct velox_noise_sum sum;

	velox_noise_switch(log, 1000, true, 42, "yes");	/* worker -> hog */
	velox_noise_enter(log, 1500, IRQ, 236, "timer");
	velox_noise_enter(log, 1500, PREEMPTED, 42, "yes");	/* the wakeup */
	velox_noise_exit(log, 1510);
	velox_noise_switch(log, 2000, false, 7, "velox0");	/* hog -> worker */
	KUNIT_EXPECT_EQ(test, log->depth, 0);

	window(log, 2000, 10000, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[PREEMPTED], 0);
	window(log, 0, 10000, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[PREEMPTED], 990);
	KUNIT_EXPECT_EQ(test, sum.count[PREEMPTED], 1);
	KUNIT_EXPECT_EQ(test, sum.ns[IRQ], 10);
	KUNIT_EXPECT_EQ(test, log->acct.ns[PREEMPTED], 990);
}

/*
 * A switch ends every level, a softirq a PREEMPT_RT task was running
 * included (it goes on when that task runs again, not meanwhile), and
 * a worker that still waits is waited for under the next task's name.
 */
static void a_switch_ends_every_level_and_reopens_a_wait(struct kunit *test)
{
	struct velox_noise_log *log = new_log(test);
	struct velox_noise_sum sum;

	velox_noise_switch(log, 1000, true, 42, "yes");
	velox_noise_enter(log, 1100, SOFTIRQ, 1, "TIMER");
	velox_noise_switch(log, 1200, true, 43, "sh");
	KUNIT_EXPECT_EQ(test, log->depth, 1);
	KUNIT_EXPECT_TRUE(test, velox_noise_waiting(log));
	velox_noise_exit(log, 1300);	/* the softirq's exit: not its level */
	velox_noise_switch(log, 1400, false, 0, "swapper/1");

	window(log, 0, 2000, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[SOFTIRQ], 100);
	KUNIT_EXPECT_EQ(test, sum.ns[PREEMPTED], 100 + 100);
	/* Two interruptions: one per task that ran while it waited. */
	KUNIT_EXPECT_EQ(test, sum.count[PREEMPTED], 2);
	KUNIT_EXPECT_EQ(test, log->depth, 0);
}

/*
 * A waiting worker pulled to another CPU while an IRQ runs here: its
 * wait ends then, and the IRQ's end reopens nothing.
 */
static void a_wait_left_under_an_irq_does_not_reopen(struct kunit *test)
{
	struct velox_noise_log *log = new_log(test);
	struct velox_noise_sum sum;

	velox_noise_switch(log, 1000, true, 42, "yes");
	velox_noise_enter(log, 1500, IRQ, 236, "timer");
	velox_noise_leave(log, 1550, PREEMPTED);
	KUNIT_EXPECT_EQ(test, log->depth, 1);
	velox_noise_exit(log, 1600);
	KUNIT_EXPECT_EQ(test, log->depth, 0);
	velox_noise_leave(log, 1700, PREEMPTED);	/* none: nothing */

	window(log, 0, 5000, &sum);
	KUNIT_EXPECT_EQ(test, sum.ns[PREEMPTED], 500);
	KUNIT_EXPECT_EQ(test, sum.ns[IRQ], 100);
	KUNIT_EXPECT_FALSE(test, velox_noise_waiting(log));
}

static int noise_kunit_worker(void *arg)
{
	return 0;
}

/*
 * The real probes: on this kernel's tracepoints, a busy CPU's timer
 * interrupts are logged while they are registered, and nothing is once
 * velox_noise_stop() has returned.
 */
static void probes_log_a_watched_cpu_and_nothing_after_stop(struct kunit *test)
{
	struct velox_noise_cpu *before, *after;
	struct velox_noise *n;
	struct velox_noise_sum sum;
	unsigned int cpu, irqs = 0;
	u64 from;

	if (!IS_ENABLED(CONFIG_TRACEPOINTS) || !IS_ENABLED(CONFIG_X86_LOCAL_APIC))
		kunit_skip(test, "this kernel has no timer tracepoint to hook");
	before = kunit_kcalloc(test, nr_cpu_ids, sizeof(*before), GFP_KERNEL);
	after = kunit_kcalloc(test, nr_cpu_ids, sizeof(*after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);
	n = velox_noise_create();
	KUNIT_ASSERT_NOT_NULL(test, n);

	KUNIT_ASSERT_EQ(test, velox_noise_start(n, cpu_online_mask,
						noise_kunit_worker), 0);
	KUNIT_EXPECT_EQ(test, velox_noise_start(n, cpu_online_mask,
						noise_kunit_worker), -EBUSY);
	from = ktime_get_ns();
	mdelay(100);		/* busy: the tick keeps coming */
	cpu = get_cpu();
	memset(&sum, 0, sizeof(sum));
	velox_noise_window(n, cpu, from, ktime_get_ns(), &sum);
	put_cpu();
	velox_noise_stop(n);

	for_each_online_cpu(cpu) {
		velox_noise_account(n, cpu, &before[cpu]);
		irqs += before[cpu].count[VELOX_NOISE_IRQ];
	}
	/* Counts, not times: a guest's clock may tick in jiffies. */
	KUNIT_EXPECT_GT(test, irqs, 0);
	KUNIT_EXPECT_GT(test, sum.count[VELOX_NOISE_IRQ], 0);

	mdelay(50);
	for_each_online_cpu(cpu) {
		velox_noise_account(n, cpu, &after[cpu]);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&before[cpu], &after[cpu],
						 sizeof(after[cpu])), 0,
				    "CPU %u was written after stop", cpu);
	}
	velox_noise_destroy(n);
}

static struct kunit_case velox_noise_cases[] = {
	KUNIT_CASE(nesting_sums_exact_for_irq_in_softirq_in_preempted),
	KUNIT_CASE(an_nmi_inside_an_irq_is_counted_once),
	KUNIT_CASE(an_open_segment_counts_up_to_the_window_end),
	KUNIT_CASE(a_window_older_than_the_ring_is_partial),
	KUNIT_CASE(a_torn_entry_is_skipped_and_partial),
	KUNIT_CASE(top_offenders_are_largest_first_and_the_smallest_evicted),
	KUNIT_CASE(accounting_equals_the_sum_of_closed_segments),
	KUNIT_CASE(a_worker_woken_while_it_waits_waits_once),
	KUNIT_CASE(a_switch_ends_every_level_and_reopens_a_wait),
	KUNIT_CASE(a_wait_left_under_an_irq_does_not_reopen),
	KUNIT_CASE(probes_log_a_watched_cpu_and_nothing_after_stop),
	{}
};

static struct kunit_suite velox_noise_suite = {
	.name = "velox_noise",
	.test_cases = velox_noise_cases,
};

kunit_test_suite(velox_noise_suite);
