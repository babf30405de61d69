// SPDX-License-Identifier: GPL-2.0
/*
 * velox-bench: native benchmarks of module/core.  Prints a table a person
 * reads, or with --json one object a script reads; saves a run as a named
 * baseline and compares a later run with it, case by case, like
 * criterion.  Timing is measured, never asserted: this is not a test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAX_RESULTS 512

static struct {
	char name[96];
	double value;
	const char *unit;
	bool higher;
} results[MAX_RESULTS];
static unsigned int nresults;
static bool quiet;

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void bench_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

void bench_result(const char *name, double value, const char *unit, bool higher)
{
	if (nresults == MAX_RESULTS)
		return;
	snprintf(results[nresults].name, sizeof(results[0].name), "%s", name);
	results[nresults].value = value;
	results[nresults].unit = unit;
	results[nresults].higher = higher;
	nresults++;
	if (!quiet)
		fprintf(stderr, "  %-44s %12.3f %s\n", name, value, unit);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double bench_callgrind_ir(const char *mode, uint64_t n, double *extra)
{
	char self[256], cmd[512], line[256];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	double ir = -1;
	FILE *p;

	if (extra)
		*extra = -1;
	if (len <= 0)
		return -1;
	self[len] = 0;
	snprintf(cmd, sizeof(cmd),
		 "valgrind --tool=callgrind --callgrind-out-file=/dev/null %s --callgrind-loop %s %llu 2>&1",
		 self, mode, (unsigned long long)n);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		char *c = strstr(line, "Collected :");

		if (c)
			ir = strtod(c + strlen("Collected :"), NULL);
		if (extra && !strncmp(line, "extra: ", 7))
			*extra = strtod(line + 7, NULL);
	}
	/* A run that died (say, on an instruction valgrind lacks) counts nothing. */
	if (pclose(p))
		return -1;
	return ir;
}

static const char *baseline_path(const char *name)
{
	static char path[512];
	const char *dir = getenv("VELOX_BENCH_DIR");

	snprintf(path, sizeof(path), "%s/%s.tsv", dir ? dir : "out/bench", name);
	return path;
}

/* mkdir -p of the folders above @path. */
static void make_parents(const char *path)
{
	char dir[512], *p;

	snprintf(dir, sizeof(dir), "%s", path);
	for (p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = 0;
		mkdir(dir, 0755);
		*p = '/';
	}
}

static int save_baseline(const char *name)
{
	const char *path = baseline_path(name);
	unsigned int i;
	FILE *f;

	make_parents(path);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "velox-bench: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (i = 0; i < nresults; i++)
		fprintf(f, "%s\t%.6f\t%s\n", results[i].name, results[i].value,
			results[i].unit);
	fclose(f);
	return 0;
}

/* The baseline's value of case @name, or a negative number. */
static double baseline_value(FILE *f, const char *name)
{
	char line[256], *tab;

	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = 0;
		if (!strcmp(line, name))
			return strtod(tab + 1, NULL);
	}
	return -1;
}

static void print_table(FILE *base)
{
	unsigned int i;

	printf("%-44s %12s %-10s", "case", "value", "unit");
	if (base)
		printf(" %12s %8s", "baseline", "change");
	printf("\n");
	for (i = 0; i < nresults; i++) {
		printf("%-44s %12.3f %-10s", results[i].name, results[i].value,
		       results[i].unit);
		if (base) {
			double old = baseline_value(base, results[i].name);

			if (old > 0) {
				double ratio = results[i].value / old;
				bool better = results[i].higher ? ratio > 1 : ratio < 1;

				printf(" %12.3f %7.2fx%s", old, ratio,
				       ratio == 1 ? "" : better ? " better" : " worse");
			}
		}
		printf("\n");
	}
}

static void print_json(void)
{
	unsigned int i;

	printf("{\"results\":[");
	for (i = 0; i < nresults; i++)
		printf("%s{\"case\":\"%s\",\"value\":%.6f,\"unit\":\"%s\",\"higher_is_better\":%s}",
		       i ? "," : "", results[i].name, results[i].value,
		       results[i].unit, results[i].higher ? "true" : "false");
	printf("]}\n");
}

/* The groups that return nothing: they find no wrong results to report. */
static int run_ring(const struct bench_opts *o)
{
	ring_bench(o);
	return 0;
}

static int run_hist(const struct bench_opts *o)
{
	hist_bench(o);
	return 0;
}

static int run_book(const struct bench_opts *o)
{
	book_bench(o);
	return 0;
}

/*
 * The groups; those not run by default are the experiments of
 * Documentation/optimization-log.rst, each a minute or so of comparing
 * alternatives, not numbers of the shipped code.
 */
static const struct group {
	const char *name;
	int (*run)(const struct bench_opts *o);
	bool by_default;
} groups[] = {
	{ "ring", run_ring, true },
	{ "hist", run_hist, true },
	{ "book", run_book, true },
	{ "bundle", bundle_bench, true },
	{ "lane", lane_bench, true },
	{ "lanes", lanes_bench, true },
	{ "publish", publish_bench, true },
	{ "noise", noise_bench, true },
	{ "backoff", backoff_bench, false },
	{ "sharing", sharing_bench, false },
	{ "cas", cas_bench, false },
	{ "sampling", sampling_bench, false },
	{ "tail", tail_bench, false },
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

/*
 * CPU time the whole machine spent busy, and what this process and its
 * children (valgrind) spent, in seconds: the difference over a group is
 * the load of other work that ran alongside it.
 */
static double machine_busy_s(void)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return -1;
	/* user nice system idle iowait irq softirq steal */
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n != 8)
		return -1;
	return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) /
	       sysconf(_SC_CLK_TCK);
}

static double own_cpu_s(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return self.ru_utime.tv_sec + self.ru_stime.tv_sec +
	       kids.ru_utime.tv_sec + kids.ru_stime.tv_sec +
	       (self.ru_utime.tv_usec + self.ru_stime.tv_usec +
		kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) / 1e6;
}

/*
 * Run group @g; an experiment also reports the other work's load during
 * it, in CPUs, so a reader can tell a quiet run from a crowded one.
 */
static int run_group(const struct group *g, const struct bench_opts *o)
{
	double busy = machine_busy_s(), own = own_cpu_s();
	uint64_t t0 = bench_now_ns();
	char name[96];
	int ret;

	ret = g->run(o);
	if (!g->by_default && busy >= 0) {
		double other = machine_busy_s() - busy - (own_cpu_s() - own);

		snprintf(name, sizeof(name), "%s/other-load", g->name);
		bench_result(name, other > 0 ? other / ((bench_now_ns() - t0) / 1e9) : 0,
			     "cores", false);
	}
	return ret;
}

static const struct group *find_group(const char *name)
{
	unsigned int i;

	for (i = 0; i < NGROUPS; i++)
		if (!strcmp(groups[i].name, name))
			return &groups[i];
	return NULL;
}

static void usage(FILE *out)
{
	fputs("Usage: velox-bench [OPTIONS] [GROUP]...\n"
	      "\n"
	      "Native benchmarks of module/core.  Without a GROUP, runs ring, hist,\n"
	      "book, bundle, lane, lanes, publish and noise.  Progress goes to\n"
	      "stderr.\n"
	      "\n"
	      "Groups:\n"
	      "  ring      the SPSC ring against DPDK rte_ring and ck_ring\n"
	      "  hist      histogram: time and callgrind instructions per record,\n"
	      "            quantile error\n"
	      "  book      order book on 1, 2, 4 and 8 threads (more threads than\n"
	      "            CPUs: oversubscribed), and 2 threads on one level\n"
	      "  bundle    TSC cycles of one bundle cycle: fill 16, flush, hand over\n"
	      "  lane      whole lanes on 1, 2 and 4 threads: throughput, paced\n"
	      "            latency end to end and per hop, CPU per second at 10k,\n"
	      "            100k and 1M/s\n"
	      "  lanes     1..online CPUs lanes sharing one book: throughput,\n"
	      "            retries per order, scaling efficiency\n"
	      "  publish   one publication of the stats area, merging 1, 2 and 256\n"
	      "            CPUs' sinks\n"
	      "  noise     interference log: one IRQ's entry and exit, alone and\n"
	      "            inside a preemption; reading a 32-segment window\n"
	      "Experiments of Documentation/optimization-log.rst (only when named;\n"
	      "configurations interleaved, each value the median of --repeat runs):\n"
	      "  backoff   idle policy spin|yield|sleep and spin window on a paced lane\n"
	      "            (1M/s, 100k/s, 10k/s): CPU time per second, e2e p50/p99;\n"
	      "            what one timer sleep and one futex hand-off cost here\n"
	      "  sharing   stage counters per thread vs one shared struct (plain or\n"
	      "            atomic adds): 2 lanes on 2 threads; counters on the same\n"
	      "            vs separate cache lines\n"
	      "  cas       order book on 2 threads, one level vs spread, book spin\n"
	      "            caps 1..1024: ops/s, CAS retries per op, per-op latency\n"
	      "  sampling  latency sampled 1 in 1, 16, 64, 1024: unpaced throughput,\n"
	      "            callgrind instructions per transaction, quantile error\n"
	      "            against every transaction of the same run\n"
	      "  tail      tail capture's callgrind instructions per transaction: off,\n"
	      "            on with no spike (stamps), on with every one a spike\n"
	      "\n"
	      "Options:\n"
	      "  -n, --count N            elements per ring transfer, book operations\n"
	      "                           per thread, transactions per unpaced lane\n"
	      "                           run (default 10000000)\n"
	      "  -r, --repeat R           best (median for the experiments) of R runs\n"
	      "                           (default 3)\n"
	      "      --cpus A,B           the two CPUs of cross-core cases (default 0,1)\n"
	      "  -j, --json               one JSON object on stdout\n"
	      "      --save-baseline NAME save this run as out/bench/NAME.tsv\n"
	      "      --baseline NAME      compare with a saved run, case by case\n"
	      "  -h, --help               show this help\n"
	      "\n"
	      "VELOX_BENCH_DIR replaces out/bench.  Exit status 0, or 1 if a\n"
	      "benchmark found wrong results, 2 on a usage error.\n", out);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "save-baseline", required_argument, NULL, 's' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "callgrind-loop", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct bench_opts o = { .count = 10000000, .repeat = 3, .cpu_a = 0, .cpu_b = 1 };
	const char *save = NULL, *base_name = NULL, *loop = NULL;
	const struct group *g;
	bool json = false;
	FILE *base = NULL;
	int c, i, ret = 0;

	while ((c = getopt_long(argc, argv, "n:r:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.count = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			o.repeat = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			if (sscanf(optarg, "%d,%d", &o.cpu_a, &o.cpu_b) != 2) {
				fprintf(stderr, "velox-bench: --cpus takes A,B\n");
				return 2;
			}
			break;
		case 'j':
			json = true;
			break;
		case 's':
			save = optarg;
			break;
		case 'b':
			base_name = optarg;
			break;
		case 'L':
			loop = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	/* Internal: the loops callgrind counts (hist_bench.c, sampling_bench.c). */
	if (loop) {
		uint64_t n = optind < argc ? strtoull(argv[optind], NULL, 0) :
					     1000000;

		if (!strncmp(loop, "lane-s", 6))
			return sampling_callgrind_loop(strtoul(loop + 6, NULL, 0), n);
		if (!strncmp(loop, "tail-", 5))
			return tail_callgrind_loop(loop, n);
		return hist_callgrind_loop(loop, n);
	}
	if (!o.count || !o.repeat) {
		fprintf(stderr, "velox-bench: --count and --repeat must be positive\n");
		return 2;
	}
	for (i = optind; i < argc; i++) {
		if (!find_group(argv[i])) {
			fprintf(stderr, "velox-bench: unknown group '%s'\n", argv[i]);
			return 2;
		}
	}
	if (base_name) {
		base = fopen(baseline_path(base_name), "r");
		if (!base) {
			fprintf(stderr, "velox-bench: baseline %s: %s\n",
				baseline_path(base_name), strerror(errno));
			return 1;
		}
	}
	quiet = json;
	if (optind == argc) {
		for (g = groups; g < groups + NGROUPS; g++)
			if (g->by_default && run_group(g, &o))
				ret = 1;
	} else {
		for (i = optind; i < argc; i++)
			if (run_group(find_group(argv[i]), &o))
				ret = 1;
	}
	if (json)
		print_json();
	else
		print_table(base);
	if (save && save_baseline(save))
		ret = 1;
	if (base)
		fclose(base);
	return ret;
}
