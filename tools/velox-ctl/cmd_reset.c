// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl reset: zero the statistics of the last run.
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "ctl.h"

static void reset_usage(FILE *out)
{
	fputs("Usage: velox-ctl reset\n"
	      "\n"
	      "Zero the counters, histograms and noise accounting of the last\n"
	      "run and drop its captured spikes (every start begins from zero\n"
	      "anyway).  Refused while the pipeline runs: stop\n"
	      "it first, so that no count is lost half-way.\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help   show this help\n", out);
}

static int reset_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			reset_usage(stdout);
			return VX_EXIT_OK;
		}
		reset_usage(stderr);
		return VX_EXIT_USAGE;
	}
	if (optind != argc)
		return vx_usage_err("reset", "unexpected argument '%s'",
				    argv[optind]);
	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	ret = vx_reset(fd);
	close(fd);
	return ret ? VX_EXIT_FAIL : VX_EXIT_OK;
}

const struct ctl_cmd cmd_reset = {
	.name = "reset",
	.summary = "zero the statistics (while stopped)",
	.run = reset_run,
	.usage = reset_usage,
};
