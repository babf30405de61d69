// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl hist: latency percentiles and distribution per stage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctl.h"

static void hist_usage(FILE *out)
{
	int stage;

	fputs("Usage: velox-ctl hist [--from FILE] [--stage STAGE]\n"
	      "                      [--json | --hgrm | --intervals]\n"
	      "\n"
	      "Show the latency histograms of the current or last run, read from\n"
	      "the mmap'd stats area, or of the runs saved in a file.  Only\n"
	      "sampled transactions are recorded (start --sample N).  Stages:\n",
	      out);
	for (stage = 0; stage < VELOX_STAGES; stage++)
		fprintf(out, "  %-8s %s\n", velox_stage_name(stage),
			velox_stage_what(stage));
	fputs("\n"
	      "Options:\n"
	      "  -s, --stage STAGE  one stage (default: all for text, e2e for\n"
	      "                     --json and --hgrm)\n"
	      "  -j, --json         one JSON object: stage, count, min_ns, mean_ns,\n"
	      "                     max_ns, p50_ns, p90_ns, p99_ns, p999_ns, p9999_ns\n"
	      "  -g, --hgrm         HdrHistogram's percentile distribution (values\n"
	      "                     in microseconds), for HdrHistogram's plotters\n"
	      "  -F, --from FILE    the runs 'velox-ctl run --save' wrote to FILE,\n"
	      "                     their measured parts merged, instead of the\n"
	      "                     module's; no device is opened\n"
	      "  -I, --intervals    with --from: the stage's saved --interval\n"
	      "                     steps, a line each: run, seconds since the\n"
	      "                     first run's measured part began (the runs\n"
	      "                     one after another), count, then p50 p90 p99\n"
	      "                     p99.9 p99.99 in microseconds\n"
	      "  -h, --help         show this help\n", out);
}

/* "'x': match, bundle, egress, e2e or service", from names.c's table. */
static int stage_err(const char *arg)
{
	char names[128];
	size_t len = 0;
	int stage;

	names[0] = '\0';
	for (stage = 0; stage < VELOX_STAGES && len < sizeof(names); stage++)
		len += snprintf(names + len, sizeof(names) - len, "%s%s",
				!stage ? "" : stage == VELOX_STAGES - 1 ?
				" or " : ", ", velox_stage_name(stage));
	return vx_usage_err("--stage", "'%s': %s", arg, names);
}

/* Every stage's histogram, or @stage's, as the options say. */
static void print_hists(const struct velox_hist *hists, int stage, bool json,
			bool hgrm)
{
	int c;

	if (json || hgrm) {
		if (stage < 0)
			stage = VELOX_STAGE_E2E;
		if (json)
			vx_print_hist_json(stdout, stage, &hists[stage]);
		else
			vx_print_hgrm(stdout, &hists[stage]);
		return;
	}
	for (c = 0; c < VELOX_STAGES; c++) {
		if (stage >= 0 && c != stage)
			continue;
		if (stage < 0 && c)
			putchar('\n');
		vx_print_hist(stdout, c, &hists[c]);
	}
}

/* --intervals: @stage's steps, run after run on one time line. */
static void print_steps(const struct vx_result *r, unsigned int stage)
{
	const struct vx_result_interval *s;
	double t0 = 0;
	size_t i, k;
	int p;

	printf("# run t_s count");
	for (p = 0; p < VELOX_PERCENTILES; p++)
		printf(" %s_us", velox_percentiles[p].label);
	putchar('\n');
	for (i = 0; i < r->n; i++) {
		for (k = 0; k < r->runs[i].niv; k++) {
			s = &r->runs[i].iv[k];
			printf("%zu %.6f %llu", i + 1, t0 + s->t_s,
			       s->count[stage]);
			for (p = 0; p < VELOX_PERCENTILES; p++)
				printf(" %.3f", s->pct[stage][p] / 1e3);
			putchar('\n');
		}
		t0 += r->runs[i].seconds;
	}
}

/* hist --from: the saved runs' measured parts, merged. */
static int hist_from(const char *path, int stage, bool json, bool hgrm,
		     bool intervals)
{
	struct velox_hist hists[VELOX_STAGES];
	struct vx_result *r = vx_result_load(path);
	unsigned int c;
	size_t i;

	/* As compare: a file that is not a saved run is the caller's error. */
	if (!r)
		return VX_EXIT_USAGE;
	if (intervals) {
		print_steps(r, stage < 0 ? VELOX_STAGE_E2E : stage);
	} else {
		for (c = 0; c < VELOX_STAGES; c++) {
			velox_hist_init(&hists[c]);
			for (i = 0; i < r->n; i++)
				velox_hist_merge(&hists[c], &r->runs[i].hist[c]);
		}
		print_hists(hists, stage, json, hgrm);
	}
	vx_result_free(r);
	return VX_EXIT_OK;
}

static int hist_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stage", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "hgrm", no_argument, NULL, 'g' },
		{ "from", required_argument, NULL, 'F' },
		{ "intervals", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c, fd, stage = -1, ret = VX_EXIT_FAIL;
	bool json = false, hgrm = false, intervals = false;
	struct velox_hist hists[VELOX_STAGES];
	const char *from = NULL;
	struct velox_stats *st;

	while ((c = getopt_long(argc, argv, "s:jgF:Ih", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			stage = velox_stage_parse(optarg);
			if (stage < 0)
				return stage_err(optarg);
			break;
		case 'j':
			json = true;
			break;
		case 'g':
			hgrm = true;
			break;
		case 'F':
			from = optarg;
			break;
		case 'I':
			intervals = true;
			break;
		case 'h':
			hist_usage(stdout);
			return VX_EXIT_OK;
		default:
			hist_usage(stderr);
			return VX_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return vx_usage_err("hist", "unexpected argument '%s'",
				    argv[optind]);
	if (json + hgrm + intervals > 1)
		return vx_usage_err("hist", "--json, --hgrm and --intervals exclude each other");
	if (intervals && !from)
		return vx_usage_err("--intervals", "needs --from");
	if (from)
		return hist_from(from, stage, json, hgrm, intervals);

	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	st = vx_stats_snapshot(fd);
	if (st) {
		for (c = 0; c < VELOX_STAGES; c++)
			vx_stats_hist(st, c, &hists[c]);
		print_hists(hists, stage, json, hgrm);
		free(st);
		ret = VX_EXIT_OK;
	}
	close(fd);
	return ret;
}

const struct ctl_cmd cmd_hist = {
	.name = "hist",
	.summary = "show latency percentiles and distribution per stage",
	.run = hist_run,
	.usage = hist_usage,
};
