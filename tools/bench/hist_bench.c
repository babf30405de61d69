// SPDX-License-Identifier: GPL-2.0
/*
 * Histogram: cost of one record (wall time here; instructions through
 * callgrind, see hist_callgrind_loop()) and quantile error against exact
 * nearest-rank quantiles for three distributions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "hist.h"
#include "report.h"

#define NVALUES 4096		/* a power of two: the loops mask, not divide */

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double uniform01(uint64_t *s)
{
	return (rng(s) >> 11) * (1.0 / 9007199254740992.0);
}

enum dist { UNIFORM, LOGNORMAL, BIMODAL, NDIST };
static const char *const dist_names[] = { "uniform", "lognormal", "bimodal" };

static uint64_t sample(enum dist d, uint64_t *s)
{
	double z;

	switch (d) {
	case UNIFORM:
		return 1 + rng(s) % 10000000;
	case LOGNORMAL:		/* median 100 us, sigma 1 (natural log) */
		z = sqrt(-2 * log(uniform01(s) + 1e-300)) * cos(2 * M_PI * uniform01(s));
		return (uint64_t)(100000 * exp(z));
	default:		/* 70 % near 20 us, 30 % near 800 us */
		if (rng(s) % 10 < 7)
			return 18000 + rng(s) % 4000;
		return 700000 + rng(s) % 200000;
	}
}

static uint64_t values[NVALUES];

static void fill_values(void)
{
	uint64_t s = 88172645463325252ull;
	int i;

	for (i = 0; i < NVALUES; i++)
		values[i] = sample(LOGNORMAL, &s);
}

/* The loops callgrind counts: the same walk over values, with and without
 * the record, so the difference is the record alone. */
static noinline uint64_t loop_record(struct velox_hist *h, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		velox_hist_record(h, values[i & (NVALUES - 1)]);
	return h->count;
}

static noinline uint64_t loop_empty(struct velox_hist *h, uint64_t n)
{
	uint64_t i, sum = 0;

	for (i = 0; i < n; i++) {
		sum += values[i & (NVALUES - 1)];
		bench_keep(sum);
	}
	return sum + h->count;
}

int hist_callgrind_loop(const char *mode, uint64_t n)
{
	static struct velox_hist h;

	velox_hist_init(&h);
	fill_values();
	if (!strcmp(mode, "record"))
		bench_keep(loop_record(&h, n));
	else if (!strcmp(mode, "empty"))
		bench_keep(loop_empty(&h, n));
	else
		return 2;
	return 0;
}

static double hist_instructions_per_record(void)
{
	const uint64_t n1 = 100000, n2 = 1100000;
	double r1, r2, e1, e2;

	r1 = bench_callgrind_ir("record", n1, NULL);
	r2 = bench_callgrind_ir("record", n2, NULL);
	e1 = bench_callgrind_ir("empty", n1, NULL);
	e2 = bench_callgrind_ir("empty", n2, NULL);
	if (r1 < 0 || r2 < 0 || e1 < 0 || e2 < 0)
		return -1;
	return ((r2 - r1) - (e2 - e1)) / (n2 - n1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void quantile_error(enum dist d)
{
	const size_t n = 1000000;
	uint64_t *v = malloc(n * sizeof(*v)), s = 12345 + d;
	struct velox_hist *h = malloc(sizeof(*h));
	double worst = 0;
	char name[64];
	size_t i;

	velox_hist_init(h);
	for (i = 0; i < n; i++) {
		v[i] = sample(d, &s);
		velox_hist_record(h, v[i]);
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < VELOX_PERCENTILES; i++) {
		const struct velox_percentile *p = &velox_percentiles[i];
		uint64_t rank = (n * p->ppm + 999999) / 1000000;
		double exact = v[rank - 1], got = velox_hist_quantile(h, p->ppm);
		double err = fabs(got - exact) / exact * 100;

		snprintf(name, sizeof(name), "hist/error/%s/%s", dist_names[d], p->label);
		bench_result(name, err, "%", false);
		worst = err > worst ? err : worst;
	}
	snprintf(name, sizeof(name), "hist/error/%s/worst", dist_names[d]);
	bench_result(name, worst, "%", false);
	free(v);
	free(h);
}

void hist_bench(const struct bench_opts *o)
{
	struct velox_hist *h = malloc(sizeof(*h));
	const uint64_t n = 100000000;
	double best_rec = 1e30, best_empty = 1e30, t, ir;
	uint64_t t0;
	unsigned int k;
	int d;

	fill_values();
	for (k = 0; k < o->repeat; k++) {
		velox_hist_init(h);
		t0 = bench_now_ns();
		bench_keep(loop_record(h, n));
		t = (double)(bench_now_ns() - t0) / n;
		best_rec = t < best_rec ? t : best_rec;
		t0 = bench_now_ns();
		bench_keep(loop_empty(h, n));
		t = (double)(bench_now_ns() - t0) / n;
		best_empty = t < best_empty ? t : best_empty;
	}
	bench_result("hist/record/hot", best_rec, "ns/op", false);
	bench_result("hist/record/loop-only", best_empty, "ns/op", false);
	ir = hist_instructions_per_record();
	if (ir >= 0)
		bench_result("hist/record/instructions", ir, "instr/op", false);
	else
		fprintf(stderr, "bench: valgrind not usable, no instruction count\n");
	for (d = 0; d < NDIST; d++)
		quantile_error(d);
	free(h);
}
