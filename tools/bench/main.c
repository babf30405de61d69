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
#include <sys/stat.h>
#include <time.h>

#include "bench.h"

#define MAX_RESULTS 256

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

static void usage(FILE *out)
{
	fputs("Usage: velox-bench [OPTIONS] [ring|hist|book|lane]...\n"
	      "\n"
	      "Native benchmarks of module/core: the SPSC ring against DPDK rte_ring\n"
	      "and Concurrency Kit ck_ring, the histogram (time and callgrind\n"
	      "instructions per record, quantile error), the order book.  Runs\n"
	      "every group unless some are named.  Progress goes to stderr.\n"
	      "\n"
	      "Options:\n"
	      "  -n, --count N            elements per ring transfer and book\n"
	      "                           operations per thread (default 10000000)\n"
	      "  -r, --repeat R           best of R runs (default 3)\n"
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
	bool json = false, all;
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
	/* Internal: the loop callgrind counts (see hist_bench.c). */
	if (loop)
		return hist_callgrind_loop(loop, optind < argc ?
					   strtoull(argv[optind], NULL, 0) : 1000000);
	if (!o.count || !o.repeat) {
		fprintf(stderr, "velox-bench: --count and --repeat must be positive\n");
		return 2;
	}
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "ring") && strcmp(argv[i], "hist") &&
		    strcmp(argv[i], "book") && strcmp(argv[i], "lane")) {
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
	all = optind == argc;
	for (i = all ? 0 : optind; all ? i < 4 : i < argc; i++) {
		const char *g = all ? (const char *[]){ "ring", "hist", "book",
							"lane" }[i] : argv[i];

		if (!strcmp(g, "ring"))
			ring_bench(&o);
		else if (!strcmp(g, "hist"))
			hist_bench(&o);
		else if (!strcmp(g, "book"))
			book_bench(&o);
		else if (lane_bench(&o))
			ret = 1;
	}
	if (json)
		print_json();
	else
		print_table(base);
	if (save)
		ret = save_baseline(save);
	if (base)
		fclose(base);
	return ret;
}
