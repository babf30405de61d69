// SPDX-License-Identifier: GPL-2.0
/*
 * Interference log (core/noise_log.c): what the kernel's tracepoint
 * probes add per event once tail capture hooks them, without the clock
 * read and the tracepoint call around it, and what a spike's capture
 * pays to read a window back.  Times are fed from a counter.
 *
 *   noise/irq-pair      an IRQ's entry and exit on a quiet CPU: ns per
 *                       pair (two probe calls)
 *   noise/nested-pair   the same inside a preemption, which each entry
 *                       closes and each exit reopens
 *   noise/window32      velox_noise_overlap() of a window over 32
 *                       segments (16 IRQs, 16 pieces of a preemption)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/compiler.h>

#include "bench.h"
#include "noise_log.h"

/* An IRQ every 100 ns, 50 ns long; eight IRQs take turns. */
static noinline void irq_pairs(struct velox_noise_log *log, uint64_t n,
			       uint64_t *t)
{
	uint64_t i;

	for (i = 0; i < n; i++, *t += 100) {
		velox_noise_enter(log, *t, VELOX_NOISE_IRQ, i & 7, "ttyS0");
		velox_noise_exit(log, *t + 50);
	}
}

static double pair_ns(struct velox_noise_log *log, uint64_t n, bool nested)
{
	uint64_t t = 1000, t0;

	velox_noise_log_reset(log);
	if (nested)
		velox_noise_enter(log, t++, VELOX_NOISE_PREEMPTED, 93, "sh");
	t0 = bench_now_ns();
	irq_pairs(log, n, &t);
	return (double)(bench_now_ns() - t0) / n;
}

/* Windows of 1600 ns ending near the newest segment. */
static double window_ns(const struct velox_noise_log *log, uint64_t n)
{
	uint64_t end = log->segs[(log->head - 1) % VELOX_NOISE_LOG].start;
	struct velox_noise_sum sum;
	uint64_t i, t0, covered = 0;

	t0 = bench_now_ns();
	for (i = 0; i < n; i++) {
		memset(&sum, 0, sizeof(sum));
		velox_noise_overlap(log, end - 1600 - (i & 63), end - (i & 63),
				    &sum);
		covered += sum.ns[VELOX_NOISE_IRQ];
	}
	bench_keep(covered);
	return (double)(bench_now_ns() - t0) / n;
}

int noise_bench(const struct bench_opts *o)
{
	struct velox_noise_log *log = malloc(sizeof(*log));
	double best[3] = { 1e300, 1e300, 1e300 }, v;
	uint64_t n = o->count;
	unsigned int r;

	if (!log)
		return 1;
	bench_pin(o->cpu_a);
	for (r = 0; r < o->repeat; r++) {
		fprintf(stderr, "noise: run %u of %u\n", r + 1, o->repeat);
		v = pair_ns(log, n, false);
		best[0] = v < best[0] ? v : best[0];
		v = pair_ns(log, n, true);
		best[1] = v < best[1] ? v : best[1];
		v = window_ns(log, n / 10 ? n / 10 : 1);
		best[2] = v < best[2] ? v : best[2];
	}
	free(log);
	bench_result("noise/irq-pair", best[0], "ns/pair", false);
	bench_result("noise/nested-pair", best[1], "ns/pair", false);
	bench_result("noise/window32", best[2], "ns/window", false);
	return 0;
}
