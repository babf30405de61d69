// SPDX-License-Identifier: GPL-2.0
/*
 * Two threads move sequenced transactions through the SPSC ring: nothing
 * lost, nothing duplicated, order kept, and every byte of each 32-byte
 * element intact.  Under TSan any missing ordering between the slot copies
 * and the index updates is a reported race; under ASan an index error is
 * an out-of-bounds access.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <linux/velox.h>

#include "ring.h"
#include "txn.h"
#include "kselftest.h"

#define CAPACITY 1024
#define BURST_MAX 32

struct run {
	struct velox_ring ring;
	u64 count;	/* elements to move */
	u32 burst;	/* 1: push/pop; more: push_n/pop_n */
	u64 bad;	/* consumer: elements out of sequence or damaged */
};

static struct velox_txn make_txn(u64 id)
{
	return (struct velox_txn){
		.ts_ns = id * 3, .id = id, .price = (u32)id, .qty = (u32)(id >> 32) + 1,
		.side = id & 1, .kind = id % 3, .flags = 0,
		.match_ns = ~(u32)id,
	};
}

static bool txn_ok(const struct velox_txn *t, u64 id)
{
	struct velox_txn want = make_txn(id);

	return !memcmp(t, &want, sizeof(want));
}

static void *producer(void *arg)
{
	struct run *run = arg;
	struct velox_txn batch[BURST_MAX];
	u64 next = 0;
	u32 i, n, done;

	while (next < run->count) {
		n = run->burst;
		if (n > run->count - next)
			n = run->count - next;
		for (i = 0; i < n; i++)
			batch[i] = make_txn(next + i);
		done = 0;
		while (done < n) {
			if (run->burst == 1)
				done += velox_ring_push(&run->ring, batch, sizeof(*batch));
			else
				done += velox_ring_push_n(&run->ring, batch + done,
							  n - done, sizeof(*batch));
		}
		next += n;
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct run *run = arg;
	struct velox_txn batch[BURST_MAX];
	u64 next = 0;
	u32 i, n;

	while (next < run->count) {
		if (run->burst == 1)
			n = velox_ring_pop(&run->ring, batch, sizeof(*batch));
		else
			n = velox_ring_pop_n(&run->ring, batch, run->burst,
					     sizeof(*batch));
		for (i = 0; i < n; i++, next++)
			if (!txn_ok(&batch[i], next))
				run->bad++;
	}
	return NULL;
}

static bool move_through_ring(u64 count, u32 burst, u32 start)
{
	struct velox_txn *slots = calloc(CAPACITY, sizeof(*slots));
	struct run *run = aligned_alloc(64, sizeof(*run));
	pthread_t p, c;
	bool ok;

	if (!slots || !run)
		return false;
	*run = (struct run){ .count = count, .burst = burst };
	velox_ring_init_at(&run->ring, slots, CAPACITY, start);
	pthread_create(&c, NULL, consumer, run);
	pthread_create(&p, NULL, producer, run);
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	ok = !run->bad && velox_ring_count(&run->ring) == 0 &&
	     run->ring.prod.head == start + (u32)count;
	if (!ok)
		ksft_print_msg("%llu of %llu elements out of sequence or damaged\n",
			  (unsigned long long)run->bad, (unsigned long long)count);
	free(slots);
	free(run);
	return ok;
}

/* Element count from the environment, so "make fuzz"-style longer runs can
 * ask for more; the default is what the issue asks of every run. */
static u64 count_from_env(void)
{
	const char *s = getenv("VELOX_STRESS_COUNT");

	return s ? strtoull(s, NULL, 0) : 10000000;
}

int main(void)
{
	u64 n = count_from_env();

	ksft_print_header();
	ksft_set_plan(3);
	ksft_test_result(move_through_ring(n, 1, 0), "ten_million_single_in_order\n");
	ksft_test_result(move_through_ring(n, 32, 0), "ten_million_bursts_of_32_in_order\n");
	/* Start near the top of u32 so the indices wrap early. */
	ksft_test_result(move_through_ring(n / 10, 7, 0xffffff00u),
		    "bursts_of_7_across_index_wrap\n");
	ksft_finished();
}
