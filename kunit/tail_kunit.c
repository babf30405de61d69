// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_tail: tail capture in core/lane.c and core/tail.c on
 * one thread, with a clock the test moves by hand, interference the test
 * plants, and a capture buffer of its own: the parts of a spike add up to
 * its end-to-end time and each lands where its delay was planted,
 * interference counts to its cause only on the CPU that carried the part,
 * and a full buffer counts what it loses.
 */
#include <kunit/test.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/velox.h>

#include "../module/core/lane.h"

#define LEVELS	1024
#define BASE	100000
#define START	1000000ull
#define FLUSH	10000ull
#define KEEP	2

static u64 fake_now, fake_tick;

/* Each read moves the clock @fake_tick on, so a stage's two reads differ. */
static u64 fake_clock(void)
{
	u64 t = fake_now;

	fake_now += fake_tick;
	return t;
}

/* Interference the test plants: a segment on one CPU. */
struct planted {
	unsigned int cpu;
	u8 source;
	u64 start, end;
};

struct tail_fixture {
	struct velox_book book;
	struct velox_lane *lane;
	struct velox_sink *sink[4];	/* one per stage, CPUs 10..13 */
	struct velox_tail tail;
	struct planted plant[2];
	unsigned int nplant;
	struct velox_spike kept[KEEP];
	unsigned int nkept;
};

static void plant_interference(void *ctx, unsigned int cpu, u64 from, u64 to,
			       struct velox_noise_sum *sum)
{
	struct tail_fixture *f = ctx;
	unsigned int i;

	for (i = 0; i < f->nplant; i++) {
		const struct planted *p = &f->plant[i];
		u64 lo = max(from, p->start), hi = min(to, p->end);

		if (p->cpu != cpu || lo >= hi)
			continue;
		sum->ns[p->source] += hi - lo;
		sum->count[p->source]++;
		if (hi - lo > sum->top[p->source].ns) {
			sum->top[p->source].ns = hi - lo;
			sum->top[p->source].id = 100 + i;
		}
	}
}

static struct velox_spike *claim_spike(void *ctx, u64 e2e_ns)
{
	struct tail_fixture *f = ctx;

	return f->nkept == KEEP ? NULL : &f->kept[f->nkept];
}

static void keep_spike(void *ctx, struct velox_spike *spike)
{
	struct tail_fixture *f = ctx;

	f->nkept++;
}

/* One lane, a transaction every @period ns, bundles of @bundle. */
static struct tail_fixture *tail_setup(struct kunit *test, u64 period,
				       u32 bundle, u64 threshold)
{
	struct tail_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	u64 *levels = kunit_kcalloc(test, LEVELS, sizeof(u64), GFP_KERNEL);
	u32 ring = 64, stamps = velox_timeline_slots(ring);
	size_t rb = (size_t)ring * sizeof(struct velox_txn);
	u8 *slots = kunit_kzalloc(test, 2 * rb + velox_lane_bundle_slots(ring) *
				  sizeof(struct velox_bundle), GFP_KERNEL);
	struct velox_lane_params p = {
		.id = 1,
		.policy = VELOX_POLICY_DROP,
		.bundle = bundle,
		.flush_ns = FLUSH,
		.period_fp = period << 16,
		.sample = 1,
		.seed = 5,
		.start_ns = START,
	};
	int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, levels);
	KUNIT_ASSERT_NOT_NULL(test, slots);
	f->tail.timeline.stamps = kunit_kcalloc(test, stamps,
						sizeof(struct velox_stamp),
						GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->tail.timeline.stamps);
	f->tail.timeline.mask = stamps - 1;
	f->tail.threshold_ns = threshold;
	f->tail.interference = plant_interference;
	f->tail.claim = claim_spike;
	f->tail.keep = keep_spike;
	f->tail.ctx = f;
	p.tail = &f->tail;
	f->lane = kunit_kzalloc(test, sizeof(*f->lane), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->lane);
	for (i = 0; i < 4; i++) {
		f->sink[i] = kunit_kzalloc(test, sizeof(*f->sink[i]), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, f->sink[i]);
		velox_sink_init(f->sink[i]);
		f->sink[i]->cpu = 10 + i;
	}
	velox_book_init(&f->book, levels, LEVELS, BASE, 16);
	velox_lane_init(f->lane, &p, &f->book, fake_clock, slots, slots + rb,
			ring, slots + 2 * rb);
	fake_now = START;
	fake_tick = 0;
	return f;
}

/* Run stage @stage (its bit) at time @t, on its own sink (CPU 10 + stage). */
static void step(struct tail_fixture *f, unsigned int stage, u64 t, u64 tick)
{
	fake_now = t;
	fake_tick = tick;
	velox_lane_run(f->lane, BIT(stage), f->sink[stage]);
	fake_tick = 0;
}

static u64 sum_of(const u64 *v, unsigned int n)
{
	u64 sum = 0;

	while (n--)
		sum += v[n];
	return sum;
}

/*
 * One transaction, each delay planted by hand: ingress 7 us late, 3 us in
 * the first ring, 2 us applying the burst, 5 us in the second ring, the
 * 10 us flush timeout, 4 us to the output stage.
 */
static struct tail_fixture *one_slow_transaction(struct kunit *test)
{
	struct tail_fixture *f = tail_setup(test, 1000000000, 2, 1);

	step(f, 0, START + 7000, 0);		/* generated */
	step(f, 1, START + 10000, 2000);	/* taken; applied 2 us later */
	step(f, 2, START + 17000, 0);		/* bundled */
	step(f, 2, START + 27000, 0);		/* the timeout flush */
	step(f, 3, START + 31000, 0);		/* output */
	KUNIT_ASSERT_EQ(test, f->nkept, 1);
	return f;
}

static void each_part_lands_where_its_delay_was(struct kunit *test)
{
	struct tail_fixture *f = one_slow_transaction(test);
	const struct velox_spike *s = &f->kept[0];
	static const u64 want[VELOX_PARTS] = {
		[VELOX_PART_GENERATOR] = 7000,
		[VELOX_PART_QUEUE_MATCHER] = 3000,
		[VELOX_PART_MATCHING] = 2000,
		[VELOX_PART_QUEUE_BUNDLER] = 5000,
		[VELOX_PART_BUNDLE_WAIT] = 10000,
		[VELOX_PART_OUTPUT] = 4000,
	};
	int i;

	KUNIT_EXPECT_EQ(test, s->e2e_ns, 31000);
	for (i = 0; i < VELOX_PARTS; i++)
		KUNIT_EXPECT_EQ_MSG(test, s->part_ns[i], want[i], "part %d", i);
	KUNIT_EXPECT_EQ(test, s->flush_reason, VELOX_FLUSH_TIMEOUT);
	KUNIT_EXPECT_EQ(test, s->flags, 0);
	KUNIT_EXPECT_EQ(test, s->lane, 1);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, s->cpu[i], 10 + i);
}

static void parts_and_causes_add_up_to_end_to_end(struct kunit *test)
{
	struct tail_fixture *f = one_slow_transaction(test);
	const struct velox_spike *s = &f->kept[0];

	KUNIT_EXPECT_EQ(test, sum_of(s->part_ns, VELOX_PARTS), s->e2e_ns);
	KUNIT_EXPECT_EQ(test, sum_of(s->cause_ns, VELOX_CAUSES), s->e2e_ns);
	/* No interference planted: each part's time is its stage's. */
	KUNIT_EXPECT_EQ(test, s->cause_ns[VELOX_CAUSE_GENERATOR], 7000);
	KUNIT_EXPECT_EQ(test, s->cause_ns[VELOX_CAUSE_QUEUEING], 8000);
	KUNIT_EXPECT_EQ(test, s->cause_ns[VELOX_CAUSE_MATCHING], 2000);
	KUNIT_EXPECT_EQ(test, s->cause_ns[VELOX_CAUSE_BUNDLE_WAIT], 10000);
	KUNIT_EXPECT_EQ(test, s->cause_ns[VELOX_CAUSE_OUTPUT], 4000);
	KUNIT_EXPECT_EQ(test, f->sink[3]->count.tail_captured, 1);
}

/*
 * An IRQ on the bundler's CPU during the bundle wait counts to irq; a
 * preemption at the same instants on the ingress CPU, which carries none
 * of the transaction then, counts to nothing: each instant once.
 */
static void interference_counts_only_on_the_carrying_cpu(struct kunit *test)
{
	struct tail_fixture *f = tail_setup(test, 1000000000, 2, 1);
	const struct velox_spike *s;

	f->plant[0] = (struct planted){ .cpu = 12, .source = VELOX_NOISE_IRQ,
					.start = START + 20000,
					.end = START + 24000 };
	f->plant[1] = (struct planted){ .cpu = 10,
					.source = VELOX_NOISE_PREEMPTED,
					.start = START + 20000,
					.end = START + 24000 };
	f->nplant = 2;
	step(f, 0, START + 7000, 0);
	step(f, 1, START + 10000, 2000);
	step(f, 2, START + 17000, 0);
	step(f, 2, START + 27000, 0);
	step(f, 3, START + 31000, 0);
	KUNIT_ASSERT_EQ(test, f->nkept, 1);
	s = &f->kept[0];
	KUNIT_EXPECT_EQ(test, s->cause_ns[VELOX_CAUSE_IRQ], 4000);
	KUNIT_EXPECT_EQ(test, s->cause_ns[VELOX_CAUSE_BUNDLE_WAIT], 6000);
	KUNIT_EXPECT_EQ(test, s->cause_ns[VELOX_CAUSE_PREEMPTED], 0);
	KUNIT_EXPECT_EQ(test, s->noise_count[VELOX_NOISE_IRQ], 1);
	KUNIT_EXPECT_EQ(test, s->top[VELOX_NOISE_IRQ].ns, 4000);
	KUNIT_EXPECT_EQ(test, sum_of(s->cause_ns, VELOX_CAUSES), s->e2e_ns);
}

/* Below the threshold nothing is captured. */
static void a_fast_transaction_is_not_captured(struct kunit *test)
{
	struct tail_fixture *f = tail_setup(test, 1000000000, 1, 31001);

	step(f, 0, START + 7000, 0);
	step(f, 1, START + 10000, 2000);
	step(f, 2, START + 17000, 0);
	step(f, 3, START + 31000, 0);
	KUNIT_EXPECT_EQ(test, f->nkept, 0);
	KUNIT_EXPECT_EQ(test, f->sink[3]->count.sampled, 1);
	KUNIT_EXPECT_EQ(test, f->sink[3]->count.tail_captured, 0);
}

/* A full buffer keeps the first spikes and counts the rest as lost. */
static void a_full_buffer_counts_lost_and_keeps_the_first(struct kunit *test)
{
	struct tail_fixture *f = tail_setup(test, 1000, 1, 1);
	const struct velox_counters *c = &f->sink[3]->count;
	int i;

	for (i = 0; i < 5; i++) {
		step(f, 0, START + 1000 * i + 500, 0);
		step(f, 1, START + 1000 * i + 600, 0);
		step(f, 2, START + 1000 * i + 700, 0);
		step(f, 3, START + 1000 * i + 800, 0);
	}
	KUNIT_EXPECT_EQ(test, c->sampled, 5);
	KUNIT_EXPECT_EQ(test, c->tail_captured, KEEP);
	KUNIT_EXPECT_EQ(test, c->tail_lost, 5 - KEEP);
	KUNIT_EXPECT_EQ(test, f->kept[0].id, ((u64)1 << VELOX_TXN_ID_LANE_SHIFT) + 1);
	KUNIT_EXPECT_EQ(test, f->kept[1].id, ((u64)1 << VELOX_TXN_ID_LANE_SHIFT) + 2);
}

/*
 * Under the drop policy, an overloaded lane's dropped transactions take
 * no stamp slot: the first 64 wait in the ring while 576 more are made
 * and dropped, more ids than the timeline's 512 slots, and the first
 * ones still come out whole (not partial), each part on its stage's CPU.
 */
static void drops_leave_the_stamps_in_flight_alone(struct kunit *test)
{
	struct tail_fixture *f = tail_setup(test, 1000, 1, 1);
	const struct velox_counters *c = &f->sink[3]->count;
	u64 t = START + 31000;
	int i, k;

	KUNIT_ASSERT_EQ(test, f->lane->tail->timeline.mask + 1, 512);
	for (i = 0; i < 20; i++, t += 32000)
		step(f, 0, t, 0);
	KUNIT_ASSERT_EQ(test, f->sink[0]->count.generated, 640);
	KUNIT_ASSERT_EQ(test, f->sink[0]->count.dropped, 640 - 64);
	for (i = 0; i < 200; i++, t += 10)
		for (k = 1; k < 4; k++)
			step(f, k, t, 0);
	KUNIT_ASSERT_EQ(test, c->delivered, 64);
	KUNIT_ASSERT_EQ(test, f->nkept, KEEP);
	for (i = 0; i < KEEP; i++) {
		KUNIT_EXPECT_EQ_MSG(test, f->kept[i].flags, 0, "spike %d", i);
		for (k = 0; k < 4; k++)
			KUNIT_EXPECT_EQ_MSG(test, f->kept[i].cpu[k], 10 + k,
					    "spike %d, stage %d", i, k);
	}
	KUNIT_EXPECT_EQ(test, c->tail_partial, 0);
}

/*
 * Service time leaves out how late the pacer was: ingress comes 5 us late
 * to six transactions due 1 us apart (5, 4, 3, 2, 1 and 0 us late), so
 * service time sums to end-to-end time less 15 us, exactly.
 */
static void service_time_leaves_out_a_late_generator(struct kunit *test)
{
	struct tail_fixture *f = tail_setup(test, 1000, 16, 1ull << 40);
	const struct velox_hist *h = f->sink[3]->hist;

	step(f, 0, START + 5000, 0);
	KUNIT_ASSERT_EQ(test, f->sink[0]->count.generated, 6);
	step(f, 1, START + 6000, 0);
	step(f, 2, START + 7000, 0);
	step(f, 2, START + 7000 + FLUSH, 0);
	step(f, 3, START + 8000 + FLUSH, 0);
	KUNIT_ASSERT_EQ(test, f->sink[3]->count.delivered, 6);
	KUNIT_EXPECT_EQ(test, h[VELOX_STAGE_SERVICE].count, 6);
	KUNIT_EXPECT_EQ(test, h[VELOX_STAGE_E2E].sum -
			h[VELOX_STAGE_SERVICE].sum, 15000);
}

static struct kunit_case velox_tail_cases[] = {
	KUNIT_CASE(each_part_lands_where_its_delay_was),
	KUNIT_CASE(parts_and_causes_add_up_to_end_to_end),
	KUNIT_CASE(interference_counts_only_on_the_carrying_cpu),
	KUNIT_CASE(a_fast_transaction_is_not_captured),
	KUNIT_CASE(a_full_buffer_counts_lost_and_keeps_the_first),
	KUNIT_CASE(drops_leave_the_stamps_in_flight_alone),
	KUNIT_CASE(service_time_leaves_out_a_late_generator),
	{}
};

static struct kunit_suite velox_tail_suite = {
	.name = "velox_tail",
	.test_cases = velox_tail_cases,
};

kunit_test_suite(velox_tail_suite);
