// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl stop: drain and stop the pipeline, then summarize the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctl.h"

static void stop_usage(FILE *out)
{
	fputs("Usage: velox-ctl stop [--json]\n"
	      "\n"
	      "Stop the pipeline: ingress stops generating, every lane drains,\n"
	      "then the threads end.  Prints the run's summary, read from the\n"
	      "stats area after the final publication.  Stopping a stopped\n"
	      "pipeline only prints the last run's summary.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json   print the status as one JSON object (as status --json)\n"
	      "  -h, --help   show this help\n", out);
}

static int stop_run(int argc, char **argv)
{
	struct velox_stats *st = NULL;
	bool json;
	int fd, ret;

	ret = parse_json_only(argc, argv, &cmd_stop, &json);
	if (ret >= 0)
		return ret;
	ret = VX_EXIT_FAIL;

	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	if (!vx_stop(fd))
		st = vx_stats_snapshot(fd);
	if (st) {
		if (json)
			vx_print_status_json(stdout, st);
		else
			vx_print_summary(stdout, st);
		ret = VX_EXIT_OK;
	}
	free(st);
	close(fd);
	return ret;
}

const struct ctl_cmd cmd_stop = {
	.name = "stop",
	.summary = "drain and stop the pipeline, print the run's summary",
	.run = stop_run,
	.usage = stop_usage,
};
