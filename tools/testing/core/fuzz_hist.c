// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: whatever values are recorded, count/sum/min/max are
 * exact, and every quantile is within 1/128 of the exact nearest-rank
 * quantile and never outside [min, max].  Values are spread over the whole
 * range, overflow bucket included.  Any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"

#define MAX_VALUES 4096

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 ppms[] = { 0, 1, 100000, 500000, 900000, 990000,
				    999000, 999900, 999999, 1000000 };
	static struct velox_hist h;
	static u64 v[MAX_VALUES];
	u64 sum = 0, exact, got, rank;
	size_t n = 0, i;

	velox_hist_init(&h);
	/* Five bytes a value: a shift (0..63) and 32 bits of mantissa. */
	for (i = 0; i + 5 <= size && n < MAX_VALUES; i += 5) {
		u32 m;

		memcpy(&m, data + i + 1, sizeof(m));
		v[n] = (u64)m << (data[i] % 40);
		sum += v[n];
		velox_hist_record(&h, v[n++]);
	}
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	if (h.count != n || h.sum != sum || h.min != v[0] || h.max != v[n - 1])
		abort();
	for (i = 0; i < sizeof(ppms) / sizeof(ppms[0]); i++) {
		rank = ((u64)n * ppms[i] + VELOX_PPM - 1) / VELOX_PPM;
		exact = v[(rank ? rank : 1) - 1];
		got = velox_hist_quantile(&h, ppms[i]);
		if (got < h.min || got > h.max)
			abort();
		/* Overflow-bucket ranks report max, which may be far off. */
		if (exact >= VELOX_HIST_LIMIT)
			continue;
		if ((got > exact ? got - exact : exact - got) * 128 > exact)
			abort();
	}
	return 0;
}
