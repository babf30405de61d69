/* SPDX-License-Identifier: GPL-2.0 */
/* tools/bench: what the benchmark groups share. */
#ifndef VELOX_BENCH_H
#define VELOX_BENCH_H

#include <stdbool.h>
#include <stdint.h>

struct bench_opts {
	uint64_t count;		/* elements per throughput run */
	unsigned int repeat;	/* best of this many runs */
	int cpu_a, cpu_b;	/* the two CPUs of cross-core cases */
};

/* Record one result row; "higher" says whether more is better. */
void bench_result(const char *name, double value, const char *unit, bool higher);

uint64_t bench_now_ns(void);
void bench_pin(int cpu);

/* Keep a value alive without a memory access the loop would not do. */
#define bench_keep(x) __asm__ __volatile__("" : : "r"(x) : "memory")

void ring_bench(const struct bench_opts *o);
void hist_bench(const struct bench_opts *o);
void book_bench(const struct bench_opts *o);
int lane_bench(const struct bench_opts *o);
int hist_callgrind_loop(const char *mode, uint64_t n);

#endif /* VELOX_BENCH_H */
