// SPDX-License-Identifier: GPL-2.0
/*
 * One bundle cycle in TSC cycles, as the seed timed it: fill a bundle of
 * 16 from the matcher's ring, flush it, hand it to the output ring (what
 * bundler_step() in module/core/lane.c does for a full bundle), on one
 * thread, each cycle timed alone.
 *
 *   bundle/cycle/p50, p99      TSC cycles of one cycle (rdtscp before
 *                              and after, the pair's own cost included)
 *   bundle/cycle/p50-ns        the same in ns, by the TSC's rate
 *   bundle/tsc-overhead        cycles of an empty rdtscp pair (p50)
 *   bundle/tsc-ghz             the TSC's rate, calibrated against
 *                              CLOCK_MONOTONIC over 200 ms
 *
 * The input ring is refilled and the output ring emptied outside the
 * timed part, so every cycle finds what the bundler finds in a busy lane.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>
#include <linux/velox.h>

#include "bench.h"
#include "bundle.h"
#include "ring.h"

#define BUNDLE_CYCLES	100000
#define BUNDLE_RING	1024

static inline uint64_t tsc(void)
{
	unsigned int aux;

	/* rdtscp waits for what came before it; the lfence for what follows. */
	uint64_t t = __rdtscp(&aux);

	_mm_lfence();
	return t;
}

/* TSC ticks per ns, over 200 ms of CLOCK_MONOTONIC. */
static double tsc_per_ns(void)
{
	uint64_t n0 = bench_now_ns(), t0 = tsc(), n1;

	do
		n1 = bench_now_ns();
	while (n1 - n0 < 200000000ull);
	return (double)(tsc() - t0) / (n1 - n0);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int bundle_bench(const struct bench_opts *o)
{
	uint32_t *cyc = calloc(BUNDLE_CYCLES, sizeof(*cyc));
	void *in_slots = calloc(BUNDLE_RING, sizeof(struct velox_txn));
	void *out_slots = calloc(4, sizeof(struct velox_bundle));
	struct velox_txn txns[VELOX_BUNDLE_MAX];
	struct velox_ring in, out;
	struct velox_bundler b;
	struct velox_bundle open, got;
	double ghz;
	unsigned int i;
	uint64_t t0;
	int ret = 0;

	(void)o;
	if (!cyc || !in_slots || !out_slots) {
		ret = 1;
		goto out_free;
	}
	memset(txns, 0, sizeof(txns));
	for (i = 0; i < VELOX_BUNDLE_MAX; i++)
		txns[i].id = i + 1;
	velox_ring_init(&in, in_slots, BUNDLE_RING);
	velox_ring_init(&out, out_slots, 4);
	velox_bundler_init(&b, VELOX_BUNDLE_MAX, 100000);
	memset(&open, 0, sizeof(open));

	for (i = 0; i < BUNDLE_CYCLES; i++) {
		uint32_t n;

		velox_ring_push_n(&in, txns, VELOX_BUNDLE_MAX, sizeof(txns[0]));
		t0 = tsc();
		n = velox_ring_pop_n(&in, open.txns, VELOX_BUNDLE_MAX,
				     sizeof(txns[0]));
		if (!velox_bundler_filled(&b, &open, n, t0) ||
		    !velox_ring_push(&out, &open, sizeof(open))) {
			fprintf(stderr, "velox-bench: bundle: cycle %u did not flush\n", i);
			ret = 1;
			break;
		}
		open.count = 0;
		cyc[i] = tsc() - t0;
		velox_ring_pop(&out, &got, sizeof(got));
	}
	if (!ret) {
		ghz = tsc_per_ns();
		qsort(cyc, BUNDLE_CYCLES, sizeof(*cyc), cmp_u32);
		bench_result("bundle/cycle/p50", cyc[BUNDLE_CYCLES / 2], "cycles",
			     false);
		bench_result("bundle/cycle/p99", cyc[BUNDLE_CYCLES / 100 * 99],
			     "cycles", false);
		bench_result("bundle/cycle/p50-ns", cyc[BUNDLE_CYCLES / 2] / ghz,
			     "ns", false);
		for (i = 0; i < BUNDLE_CYCLES; i++) {
			t0 = tsc();
			cyc[i] = tsc() - t0;
		}
		qsort(cyc, BUNDLE_CYCLES, sizeof(*cyc), cmp_u32);
		bench_result("bundle/tsc-overhead", cyc[BUNDLE_CYCLES / 2],
			     "cycles", false);
		bench_result("bundle/tsc-ghz", ghz, "GHz", true);
	}
out_free:
	free(out_slots);
	free(in_slots);
	free(cyc);
	return ret;
}
