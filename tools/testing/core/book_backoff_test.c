// SPDX-License-Identifier: GPL-2.0
/*
 * The order book's backoff, on one thread, with races lost on purpose: the
 * shim calls velox_shim_cas_hook() before every compare-and-exchange, and
 * this test's hook changes a level's word there, so that the exchange
 * fails exactly as often as the test says.  The shim also counts
 * cpu_relax() calls, so the spin of every backoff round is known exactly.
 *
 * What must hold: the rounds of one race double up to the book's cap and
 * no further, and an exchange that wins starts the wait over, so that the
 * next race the same order loses, on the next level, spins 1 cpu_relax(),
 * not what the last level's losses had doubled it to.
 */
#include <linux/velox.h>

#include "kselftest.h"
#include "orderbook.h"
#include "sink.h"
#include "txn.h"

#define NLEVELS		16
#define BASE		1000
#define CAP		64
#define MAX_TRIES	64

/* Counted by the shim's cpu_relax() (VELOX_COUNT_CPU_RELAX). */
__thread unsigned long long velox_cpu_relax_calls;

static u64 levels[NLEVELS];

/* Exchanges to lose, per level, and every exchange tried on a level. */
static struct {
	unsigned int lose[NLEVELS];
	unsigned int ntries;
	struct {
		unsigned int level;
		unsigned long long relaxed;	/* cpu_relax() calls so far */
	} tries[MAX_TRIES];
} hook;

void velox_shim_cas_hook(void *ptr)
{
	u64 *w = ptr;
	unsigned int level;

	if (w < levels || w >= levels + NLEVELS)
		return;		/* a hint, not a level */
	level = w - levels;
	if (hook.ntries < MAX_TRIES) {
		hook.tries[hook.ntries].level = level;
		hook.tries[hook.ntries].relaxed = velox_cpu_relax_calls;
		hook.ntries++;
	}
	if (hook.lose[level]) {
		hook.lose[level]--;
		/* One more unit on the ask side: the word the caller read is stale. */
		*w += 1ull << 32;
	}
}

static void apply(struct velox_book *book, struct velox_counters *c, u8 side,
		  u32 price, u32 qty)
{
	struct velox_txn t = {
		.kind = VELOX_KIND_LIMIT, .side = side, .price = price, .qty = qty,
	};

	velox_book_apply(book, &t, c);
}

/*
 * The cpu_relax() calls between try @i and the next one on the same
 * level: the backoff round after try @i lost.
 */
static unsigned long long round_after(unsigned int i)
{
	unsigned int j;

	for (j = i + 1; j < hook.ntries; j++)
		if (hook.tries[j].level == hook.tries[i].level)
			return hook.tries[j].relaxed - hook.tries[i].relaxed;
	return ~0ull;
}

/* The index of the @n-th try (from 0) on @level, or -1. */
static int nth_try(unsigned int level, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < hook.ntries; i++)
		if (hook.tries[i].level == level && !n--)
			return i;
	return -1;
}

/*
 * A buy sweeps level A = 5, losing 10 races there before it wins, then
 * level B = 6, where it loses one more.
 */
static void sweep_two_levels(void)
{
	struct velox_counters c = {};
	struct velox_book book;

	velox_book_init(&book, levels, NLEVELS, BASE, CAP);
	apply(&book, &c, VELOX_SIDE_ASK, BASE + 5, 10);
	apply(&book, &c, VELOX_SIDE_ASK, BASE + 6, 10);
	hook.ntries = 0;
	hook.lose[5] = 10;
	hook.lose[6] = 1;
	apply(&book, &c, VELOX_SIDE_BID, BASE + 6, 100);
}

static bool rounds_double_up_to_the_cap(void)
{
	unsigned int k;
	bool ok = true;

	for (k = 0; k < 10; k++) {
		int i = nth_try(5, k);
		unsigned long long want = 1ull << k < CAP ? 1ull << k : CAP;

		if (i < 0 || round_after(i) != want) {
			ksft_print_msg("level A: round %u spun %llu, expected %llu\n",
				       k, i < 0 ? 0 : round_after(i), want);
			ok = false;
		}
	}
	return ok;
}

static bool won_exchange_restarts_the_wait(void)
{
	int i = nth_try(6, 0);

	if (i < 0 || round_after(i) != 1) {
		ksft_print_msg("level B: the round after its lost race spun %llu, expected 1 (the wait restarts after the win on A)\n",
			       i < 0 ? 0 : round_after(i));
		return false;
	}
	return true;
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(2);
	sweep_two_levels();
	ksft_test_result(rounds_double_up_to_the_cap(),
			 "rounds_double_up_to_the_cap\n");
	ksft_test_result(won_exchange_restarts_the_wait(),
			 "won_exchange_restarts_the_wait\n");
	ksft_finished();
}
