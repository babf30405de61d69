// SPDX-License-Identifier: GPL-2.0
/*
 * The reader role: map the stats area for a while, snapshot it as fast as
 * it can (now and then pausing), check every consistent snapshot and
 * every pair of successive ones, then let go.  Pairs are compared across
 * a reopen only if the module was not reloaded (or removed) in between.
 */
#include <stdlib.h>

#include "torture.h"

/*
 * The snapshot being taken is snap[cur], the one before snap[cur ^ 1];
 * both of the size of the area last mapped.
 */
static struct velox_stats *snap[2];
static size_t snap_size;
static unsigned int cur;

/* Room for @d's area in both snapshots; false if out of memory. */
static bool snap_fit(const struct tt_dev *d, struct tt_history *h)
{
	unsigned int i;

	if (d->size == snap_size)
		return true;
	/* Another area than the last one: nothing to compare with. */
	h->have = false;
	for (i = 0; i < 2; i++) {
		free(snap[i]);
		snap[i] = tt_stats_alloc(d);
	}
	snap_size = snap[0] && snap[1] ? d->size : 0;
	return snap_size;
}

static void hold(struct tt_dev *d, struct tt_history *h)
{
	uint64_t until = tt_now_ns() + tt_rand_range(10, 500) * 1000000ull;

	if (!snap_fit(d, h))
		return;
	if (d->gen != h->gen || d->gen == UINT64_MAX) {
		if (h->have)
			tt_event(TT_EV_RELOAD_SEEN);
		h->have = false;
	}
	while (tt_now_ns() < until && tt_running() && !tt_quiet()) {
		if (tt_snapshot(d, snap[cur]))
			continue;
		tt_check_snapshot(snap[cur]);
		if (h->have)
			tt_check_pair(snap[cur ^ 1], snap[cur]);
		h->have = true;
		cur ^= 1;
		if (tt_chance(20))
			tt_sleep_us(tt_rand_range(1, 5000));
	}
	/* The last one stays, for the next mapping of the same module. */
	h->gen = d->gen;
}

void tt_reader(void)
{
	struct tt_history h = { .have = false, .gen = UINT64_MAX };
	struct tt_dev d;

	while (tt_running()) {
		if (tt_quiet() || tt_dev_open(&d, true)) {
			tt_sleep_us(tt_rand_range(1000, 20000));
			continue;
		}
		hold(&d, &h);
		tt_dev_close(&d);
		tt_sleep_us(tt_rand_range(0, 30000));
	}
}
