// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl watch: one line per interval while the pipeline runs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctl.h"

static void watch_usage(FILE *out)
{
	fputs("Usage: velox-ctl watch [--interval S] [--count N]\n"
	      "\n"
	      "Print one line per interval: delivered per second, totals of\n"
	      "delivered and dropped, and the end-to-end p50, p99 and p99.9 of\n"
	      "the transactions delivered in that interval.  Ends after N lines\n"
	      "or on Ctrl-C; the pipeline keeps running.\n"
	      "\n"
	      "Options:\n"
	      "  -i, --interval S   seconds between lines (default 1; 0.1 and up)\n"
	      "  -c, --count N      stop after N lines (default: until Ctrl-C)\n"
	      "  -h, --help         show this help\n", out);
}

static int watch_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	double interval = 1;
	struct vx_stats map;
	uint32_t count = 0;
	int c, fd, ret = VX_EXIT_FAIL;

	while ((c = getopt_long(argc, argv, "i:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (parse_interval(optarg, &interval))
				return VX_EXIT_USAGE;
			break;
		case 'c':
			if (parse_u32(optarg, &count) || !count)
				return vx_usage_err("--count", "'%s': a number of lines, 1 or more",
						    optarg);
			break;
		case 'h':
			watch_usage(stdout);
			return VX_EXIT_OK;
		default:
			watch_usage(stderr);
			return VX_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return vx_usage_err("watch", "unexpected argument '%s'",
				    argv[optind]);

	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	if (!vx_stats_map(fd, &map)) {
		progress_catch_signals();
		if (!progress_loop(&map, interval, count, 0, NULL))
			ret = VX_EXIT_OK;
		vx_stats_unmap(&map);
	}
	close(fd);
	return ret;
}

const struct ctl_cmd cmd_watch = {
	.name = "watch",
	.summary = "print rate, drops and percentiles every interval",
	.run = watch_run,
	.usage = watch_usage,
};
