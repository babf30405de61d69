// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl status: state, counters and config, from the stats area.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctl.h"

static void status_usage(FILE *out)
{
	fputs("Usage: velox-ctl status [--json]\n"
	      "\n"
	      "Show the pipeline's state, its counters (generated, delivered,\n"
	      "dropped, in flight, bundles, order book), each lane's share and\n"
	      "the config of the current or last run.  Read from the mmap'd stats\n"
	      "area, which the module republishes at least every 100 ms.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json   print one JSON object: state, generated, delivered,\n"
	      "               dropped, in_flight, config, lanes and every counter\n"
	      "  -h, --help   show this help\n", out);
}

static int status_run(int argc, char **argv)
{
	struct velox_stats *st;
	bool json;
	int fd, ret;

	ret = parse_json_only(argc, argv, &cmd_status, &json);
	if (ret >= 0)
		return ret;
	ret = VX_EXIT_FAIL;

	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	st = vx_stats_snapshot(fd);
	if (st) {
		if (json)
			vx_print_status_json(stdout, st);
		else
			vx_print_status(stdout, st);
		ret = VX_EXIT_OK;
	}
	free(st);
	close(fd);
	return ret;
}

const struct ctl_cmd cmd_status = {
	.name = "status",
	.summary = "show state, counters and config",
	.run = status_run,
	.usage = status_usage,
};
