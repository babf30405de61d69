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

/* The order books of the book and cas cases, and their orders. */
#define BENCH_BOOK_LEVELS	1024
#define BENCH_BOOK_BASE		100000
#define BENCH_ORDERS		4096	/* a power of two: loops mask, not divide */

struct velox_txn;
struct velox_txn *bench_make_orders(uint64_t seed, unsigned int spread);

/* Keep a value alive without a memory access the loop would not do. */
#define bench_keep(x) __asm__ __volatile__("" : : "r"(x) : "memory")

/* The median of @n values (sorts @v). */
double bench_median(double *v, unsigned int n);

/*
 * Instructions callgrind counts for "velox-bench --callgrind-loop MODE N";
 * -1 if valgrind is missing or the run failed.  If @extra is not NULL,
 * it gets the number of the child's line "extra: <number>" (a count the
 * loop reports about itself), or -1.
 */
double bench_callgrind_ir(const char *mode, uint64_t n, double *extra);

void ring_bench(const struct bench_opts *o);
void hist_bench(const struct bench_opts *o);
void book_bench(const struct bench_opts *o);
int lane_bench(const struct bench_opts *o);
int lanes_bench(const struct bench_opts *o);
int bundle_bench(const struct bench_opts *o);
int publish_bench(const struct bench_opts *o);
int noise_bench(const struct bench_opts *o);
int hist_callgrind_loop(const char *mode, uint64_t n);

/* The experiments of Documentation/optimization-log.rst. */
int backoff_bench(const struct bench_opts *o);
int sharing_bench(const struct bench_opts *o);
int cas_bench(const struct bench_opts *o);
int sampling_bench(const struct bench_opts *o);
int sampling_callgrind_loop(unsigned int sample, uint64_t n);
int tail_bench(const struct bench_opts *o);
int tail_callgrind_loop(const char *mode, uint64_t n);

#endif /* VELOX_BENCH_H */
