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

	fputs("Usage: velox-ctl hist [--stage STAGE] [--json | --hgrm]\n"
	      "\n"
	      "Show the latency histograms of the current or last run, read from\n"
	      "the mmap'd stats area.  Only sampled transactions are recorded\n"
	      "(start --sample N).  Stages:\n", out);
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

static int hist_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stage", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "hgrm", no_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c, fd, stage = -1, ret = VX_EXIT_FAIL;
	bool json = false, hgrm = false;
	struct velox_stats *st;
	struct velox_hist h;

	while ((c = getopt_long(argc, argv, "s:jgh", opts, NULL)) != -1) {
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
	if (json && hgrm)
		return vx_usage_err("hist", "--json and --hgrm exclude each other");

	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	st = vx_stats_snapshot(fd);
	if (!st)
		goto out_close;
	if (json || hgrm) {
		if (stage < 0)
			stage = VELOX_STAGE_E2E;
		vx_stats_hist(st, stage, &h);
		if (json)
			vx_print_hist_json(stdout, stage, &h);
		else
			vx_print_hgrm(stdout, &h);
	} else {
		for (c = 0; c < VELOX_STAGES; c++) {
			if (stage >= 0 && c != stage)
				continue;
			vx_stats_hist(st, c, &h);
			if (stage < 0 && c)
				putchar('\n');
			vx_print_hist(stdout, c, &h);
		}
	}
	free(st);
	ret = VX_EXIT_OK;
out_close:
	close(fd);
	return ret;
}

const struct ctl_cmd cmd_hist = {
	.name = "hist",
	.summary = "show latency percentiles and distribution per stage",
	.run = hist_run,
	.usage = hist_usage,
};
