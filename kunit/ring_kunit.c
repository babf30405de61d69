// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_ring: the SPSC ring's edges, one thread playing both
 * sides.  Two-thread behaviour is tested in userspace under TSan
 * (tools/testing/core).
 */
#include <kunit/test.h>
#include <linux/limits.h>

#include "../module/core/ring.h"

#define CAP 8

struct ring_fixture {
	struct velox_ring ring;
	u64 slots[CAP];
};

static struct velox_ring *ring_at(struct kunit *test, u32 start)
{
	struct ring_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	velox_ring_init_at(&f->ring, f->slots, CAP, start);
	return &f->ring;
}

static bool push64(struct velox_ring *r, u64 v)
{
	return velox_ring_push(r, &v, sizeof(v));
}

static void push_then_pop_returns_the_element(struct kunit *test)
{
	struct velox_ring *r = ring_at(test, 0);
	u64 out = 0;

	KUNIT_ASSERT_TRUE(test, push64(r, 0x1122334455667788ull));
	KUNIT_ASSERT_TRUE(test, velox_ring_pop(r, &out, sizeof(out)));
	KUNIT_EXPECT_EQ(test, out, 0x1122334455667788ull);
}

static void pop_from_empty_fails_and_leaves_buffer(struct kunit *test)
{
	struct velox_ring *r = ring_at(test, 0);
	u64 out = 42;

	KUNIT_EXPECT_FALSE(test, velox_ring_pop(r, &out, sizeof(out)));
	KUNIT_EXPECT_EQ(test, out, 42);
	KUNIT_EXPECT_EQ(test, velox_ring_count(r), 0);
}

static void push_to_full_fails_until_a_pop(struct kunit *test)
{
	struct velox_ring *r = ring_at(test, 0);
	u64 i, out;

	for (i = 0; i < CAP; i++)
		KUNIT_ASSERT_TRUE(test, push64(r, i));
	KUNIT_EXPECT_FALSE(test, push64(r, 99));
	KUNIT_EXPECT_EQ(test, velox_ring_count(r), CAP);
	KUNIT_ASSERT_TRUE(test, velox_ring_pop(r, &out, sizeof(out)));
	KUNIT_EXPECT_EQ(test, out, 0);
	KUNIT_EXPECT_TRUE(test, push64(r, 99));
	KUNIT_EXPECT_FALSE(test, push64(r, 100));
}

static void order_is_kept_over_many_laps(struct kunit *test)
{
	struct velox_ring *r = ring_at(test, 0);
	u64 next_in = 0, next_out = 0, out;
	int step;

	/* Uneven push and pop runs so the fill level wanders. */
	for (step = 0; step < 1000; step++) {
		int n = step % 7;

		while (n-- && push64(r, next_in))
			next_in++;
		n = step % 5;
		while (n-- && velox_ring_pop(r, &out, sizeof(out))) {
			KUNIT_ASSERT_EQ(test, out, next_out);
			next_out++;
		}
	}
	KUNIT_EXPECT_GT(test, next_out, 10 * CAP);
	KUNIT_EXPECT_EQ(test, velox_ring_count(r), next_in - next_out);
}

static void indices_wrap_past_u32_max(struct kunit *test)
{
	struct velox_ring *r = ring_at(test, U32_MAX - 20);
	u64 i, out;

	for (i = 0; i < 100; i++) {
		KUNIT_ASSERT_TRUE(test, push64(r, i));
		KUNIT_ASSERT_TRUE(test, push64(r, i + 1000));
		KUNIT_ASSERT_TRUE(test, velox_ring_pop(r, &out, sizeof(out)));
		KUNIT_ASSERT_TRUE(test, velox_ring_pop(r, &out, sizeof(out)));
		KUNIT_ASSERT_EQ(test, out, i + 1000);
	}
	/* The head went from U32_MAX - 20 through 0 to 179. */
	KUNIT_EXPECT_EQ(test, r->prod.head, 179);
	KUNIT_EXPECT_EQ(test, velox_ring_count(r), 0);
}

static void full_and_empty_hold_across_the_wrap(struct kunit *test)
{
	struct velox_ring *r = ring_at(test, U32_MAX - 2);
	u64 i, out;

	for (i = 0; i < CAP; i++)
		KUNIT_ASSERT_TRUE(test, push64(r, i));
	/* head has wrapped to 5 while tail is U32_MAX - 2: still full. */
	KUNIT_EXPECT_EQ(test, r->prod.head, 5);
	KUNIT_EXPECT_FALSE(test, push64(r, 99));
	KUNIT_EXPECT_EQ(test, velox_ring_count(r), CAP);
	for (i = 0; i < CAP; i++) {
		KUNIT_ASSERT_TRUE(test, velox_ring_pop(r, &out, sizeof(out)));
		KUNIT_EXPECT_EQ(test, out, i);
	}
	KUNIT_EXPECT_FALSE(test, velox_ring_pop(r, &out, sizeof(out)));
}

static void push_n_is_partial_when_nearly_full(struct kunit *test)
{
	struct velox_ring *r = ring_at(test, U32_MAX);
	u64 in[10] = { 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 }, out[CAP];
	u32 i;

	KUNIT_ASSERT_EQ(test, velox_ring_push_n(r, in, 5, sizeof(u64)), 5);
	KUNIT_EXPECT_EQ(test, velox_ring_push_n(r, in + 5, 5, sizeof(u64)), 3);
	KUNIT_EXPECT_EQ(test, velox_ring_push_n(r, in, 1, sizeof(u64)), 0);
	KUNIT_ASSERT_EQ(test, velox_ring_pop_n(r, out, CAP, sizeof(u64)), CAP);
	for (i = 0; i < CAP; i++)
		KUNIT_EXPECT_EQ(test, out[i], in[i]);
}

static void pop_n_is_partial_when_nearly_empty(struct kunit *test)
{
	struct velox_ring *r = ring_at(test, 0);
	u64 out[CAP] = { 0 };

	KUNIT_ASSERT_TRUE(test, push64(r, 7));
	KUNIT_ASSERT_TRUE(test, push64(r, 8));
	KUNIT_EXPECT_EQ(test, velox_ring_pop_n(r, out, CAP, sizeof(u64)), 2);
	KUNIT_EXPECT_EQ(test, out[0], 7);
	KUNIT_EXPECT_EQ(test, out[1], 8);
	KUNIT_EXPECT_EQ(test, out[2], 0);
	KUNIT_EXPECT_EQ(test, velox_ring_pop_n(r, out, CAP, sizeof(u64)), 0);
}

/* A burst becomes visible to the consumer all at once, by one index store. */
static void burst_publishes_once(struct kunit *test)
{
	struct velox_ring *r = ring_at(test, 0);
	u64 in[4] = { 1, 2, 3, 4 };

	KUNIT_ASSERT_EQ(test, velox_ring_push_n(r, in, 4, sizeof(u64)), 4);
	KUNIT_EXPECT_EQ(test, r->prod.head, 4);
	KUNIT_EXPECT_EQ(test, velox_ring_pop_n(r, in, 3, sizeof(u64)), 3);
	KUNIT_EXPECT_EQ(test, r->cons.tail, 3);
}

/* The consumer reads the producer's index only when its copy runs short. */
static void consumer_rereads_head_only_when_empty(struct kunit *test)
{
	struct velox_ring *r = ring_at(test, 0);
	u64 out;

	KUNIT_ASSERT_TRUE(test, push64(r, 1));
	KUNIT_ASSERT_TRUE(test, push64(r, 2));
	KUNIT_ASSERT_TRUE(test, velox_ring_pop(r, &out, sizeof(out)));
	KUNIT_EXPECT_EQ(test, r->cons.head_cache, 2);
	KUNIT_ASSERT_TRUE(test, push64(r, 3));
	/* One is still cached: no reason to look at the producer's line. */
	KUNIT_ASSERT_TRUE(test, velox_ring_pop(r, &out, sizeof(out)));
	KUNIT_EXPECT_EQ(test, r->cons.head_cache, 2);
	KUNIT_ASSERT_TRUE(test, velox_ring_pop(r, &out, sizeof(out)));
	KUNIT_EXPECT_EQ(test, out, 3);
	KUNIT_EXPECT_EQ(test, r->cons.head_cache, 3);
}

static void producer_rereads_tail_only_when_full(struct kunit *test)
{
	struct velox_ring *r = ring_at(test, 0);
	u64 i, out;

	for (i = 0; i < CAP; i++)
		KUNIT_ASSERT_TRUE(test, push64(r, i));
	KUNIT_ASSERT_TRUE(test, velox_ring_pop(r, &out, sizeof(out)));
	KUNIT_EXPECT_EQ(test, r->prod.tail_cache, 0);
	KUNIT_ASSERT_TRUE(test, push64(r, 8));
	KUNIT_EXPECT_EQ(test, r->prod.tail_cache, 1);
}

/*
 * A burst bigger than the room the cached tail shows looks again: the
 * consumer may have made room since, and a push that took less than the
 * ring had room for would make ingress drop for nothing (it did: 0.1 % of
 * a 100 k/s run on one thread, where the ring never held more than a
 * burst).
 */
static void a_burst_takes_all_the_room_there_is(struct kunit *test)
{
	struct velox_ring *r = ring_at(test, 0);
	u64 in[CAP], out[CAP], i;

	for (i = 0; i < CAP; i++)
		in[i] = i;
	KUNIT_ASSERT_EQ(test, velox_ring_push_n(r, in, CAP - 1, sizeof(u64)),
			CAP - 1);
	KUNIT_ASSERT_EQ(test, velox_ring_pop_n(r, out, CAP - 1, sizeof(u64)),
			CAP - 1);
	/* The cached tail still says one slot is free; there are CAP. */
	KUNIT_EXPECT_EQ(test, velox_ring_push_n(r, in, CAP, sizeof(u64)), CAP);
	/* And the consumer's cached head says none are there; all CAP are. */
	KUNIT_EXPECT_EQ(test, velox_ring_pop_n(r, out, CAP, sizeof(u64)), CAP);
	KUNIT_EXPECT_EQ(test, out[CAP - 1], CAP - 1);
}

static void capacity_must_be_a_power_of_two(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, velox_ring_capacity_valid(0));
	KUNIT_EXPECT_FALSE(test, velox_ring_capacity_valid(1));
	KUNIT_EXPECT_FALSE(test, velox_ring_capacity_valid(3));
	KUNIT_EXPECT_FALSE(test, velox_ring_capacity_valid(1000));
	KUNIT_EXPECT_FALSE(test, velox_ring_capacity_valid(1u << 31));
	KUNIT_EXPECT_TRUE(test, velox_ring_capacity_valid(2));
	KUNIT_EXPECT_TRUE(test, velox_ring_capacity_valid(1024));
	KUNIT_EXPECT_TRUE(test, velox_ring_capacity_valid(VELOX_RING_MAX_CAPACITY));
}

struct big_elem {
	u64 w[4];
};

static void elements_of_32_bytes_are_copied_whole(struct kunit *test)
{
	struct big_elem *slots = kunit_kcalloc(test, 4, sizeof(*slots), GFP_KERNEL);
	struct velox_ring *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct big_elem in = { { 1, 2, 3, 4 } }, out = { { 0 } };

	KUNIT_ASSERT_NOT_NULL(test, slots);
	KUNIT_ASSERT_NOT_NULL(test, r);
	velox_ring_init(r, slots, 4);
	KUNIT_ASSERT_TRUE(test, velox_ring_push(r, &in, sizeof(in)));
	KUNIT_ASSERT_TRUE(test, velox_ring_pop(r, &out, sizeof(out)));
	KUNIT_EXPECT_EQ(test, memcmp(&in, &out, sizeof(in)), 0);
}

static struct kunit_case velox_ring_cases[] = {
	KUNIT_CASE(push_then_pop_returns_the_element),
	KUNIT_CASE(pop_from_empty_fails_and_leaves_buffer),
	KUNIT_CASE(push_to_full_fails_until_a_pop),
	KUNIT_CASE(order_is_kept_over_many_laps),
	KUNIT_CASE(indices_wrap_past_u32_max),
	KUNIT_CASE(full_and_empty_hold_across_the_wrap),
	KUNIT_CASE(push_n_is_partial_when_nearly_full),
	KUNIT_CASE(pop_n_is_partial_when_nearly_empty),
	KUNIT_CASE(burst_publishes_once),
	KUNIT_CASE(consumer_rereads_head_only_when_empty),
	KUNIT_CASE(producer_rereads_tail_only_when_full),
	KUNIT_CASE(a_burst_takes_all_the_room_there_is),
	KUNIT_CASE(capacity_must_be_a_power_of_two),
	KUNIT_CASE(elements_of_32_bytes_are_copied_whole),
	{}
};

static struct kunit_suite velox_ring_suite = {
	.name = "velox_ring",
	.test_cases = velox_ring_cases,
};

kunit_test_suite(velox_ring_suite);
