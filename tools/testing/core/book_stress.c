// SPDX-License-Identifier: GPL-2.0
/*
 * Several threads hammer a few price levels of one order book, then the
 * conservation invariant must hold exactly over all their counters, and
 * no level may hold both sides.  Under TSan a non-atomic access to a level
 * or a hint is a reported race.
 */
#include <pthread.h>
#include <stdlib.h>
#include <linux/velox.h>

#include "orderbook.h"
#include "sink.h"
#include "txn.h"
#include "kselftest.h"

#define BASE 5000
#define NLEVELS 16
#define HOT 4		/* every order lands on the middle HOT levels */
#define MAX_THREADS 4

struct worker {
	pthread_t tid;
	struct velox_book *book;
	struct velox_counters st;
	u64 seed;
	u64 ops;
} __attribute__((aligned(64)));

static u64 xorshift(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void *hammer(void *arg)
{
	struct worker *w = arg;
	struct velox_txn t = { 0 };
	u64 i, r;

	for (i = 0; i < w->ops; i++) {
		r = xorshift(&w->seed);
		t.kind = r % 8 == 0 ? VELOX_KIND_MARKET :
			 r % 8 == 1 ? VELOX_KIND_CANCEL : VELOX_KIND_LIMIT;
		t.side = (r >> 8) & 1;
		t.price = BASE + (NLEVELS - HOT) / 2 + (r >> 16) % HOT;
		t.qty = 1 + (r >> 24) % 16;
		t.id = i;
		velox_book_apply(w->book, &t, &w->st);
	}
	return NULL;
}

static bool hammer_book(int nthreads, u64 ops, u32 spin_cap)
{
	static u64 levels[NLEVELS];
	struct velox_book *book = aligned_alloc(64, sizeof(*book));
	struct worker *w = aligned_alloc(64, sizeof(*w) * MAX_THREADS);
	struct velox_counters sum = { 0 };
	bool ok = true;
	int i;

	if (!book || !w)
		return false;
	velox_book_init(book, levels, NLEVELS, BASE, spin_cap);
	for (i = 0; i < nthreads; i++) {
		w[i] = (struct worker){ .book = book, .seed = 0x1234567 + i, .ops = ops };
		pthread_create(&w[i].tid, NULL, hammer, &w[i]);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(w[i].tid, NULL);
		velox_counters_add(&sum, &w[i].st);
	}
	if (!velox_book_conserved(book, &sum)) {
		ksft_print_msg("submitted %llu != 2*filled %llu + resting %llu + cancelled %llu + expired %llu + rejected %llu\n",
			  (unsigned long long)sum.submitted_qty,
			  (unsigned long long)sum.filled_qty,
			  (unsigned long long)velox_book_resting(book),
			  (unsigned long long)sum.cancelled_qty,
			  (unsigned long long)sum.expired_qty,
			  (unsigned long long)sum.rejected_qty);
		ok = false;
	}
	for (i = 0; i < NLEVELS; i++) {
		if (velox_book_bid_qty(book, BASE + i) &&
		    velox_book_ask_qty(book, BASE + i)) {
			ksft_print_msg("level %d holds both sides\n", i);
			ok = false;
		}
	}
	if (sum.orders != (u64)nthreads * ops || !sum.fills) {
		ksft_print_msg("%llu orders, %llu fills\n", (unsigned long long)sum.orders,
			  (unsigned long long)sum.fills);
		ok = false;
	}
	ksft_print_msg("%d threads: %llu fills, %llu CAS retries\n", nthreads,
		  (unsigned long long)sum.fills, (unsigned long long)sum.cas_retries);
	free(book);
	free(w);
	return ok;
}

int main(void)
{
	const char *s = getenv("VELOX_STRESS_COUNT");
	u64 ops = s ? strtoull(s, NULL, 0) / 4 : 1000000;

	ksft_print_header();
	ksft_set_plan(3);
	ksft_test_result(hammer_book(2, ops, 64), "two_threads_conserve_quantity\n");
	ksft_test_result(hammer_book(4, ops, 64), "four_threads_conserve_quantity\n");
	ksft_test_result(hammer_book(4, ops, 1), "four_threads_minimal_backoff_conserve_quantity\n");
	ksft_finished();
}
