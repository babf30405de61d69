// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl run: start, show progress every second, stop, summarize.
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "ctl.h"

static void run_usage(FILE *out)
{
	fputs("Usage: velox-ctl run --duration S [OPTIONS]\n"
	      "\n"
	      "Start the pipeline (as 'velox-ctl start'), print one progress line\n"
	      "per second (as 'velox-ctl watch'), and after S seconds, or on\n"
	      "Ctrl-C, stop it (as 'velox-ctl stop') and print the run's summary.\n"
	      "\n"
	      "  -d, --duration S      seconds to run (required)\n", out);
	start_opts_usage(out);
	fputs("  -h, --help            show this help\n", out);
}

static int run_run(int argc, char **argv)
{
	static const struct option own[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
	};
	struct option opts[START_LONG_OPTS + 3];
	struct start_opts o = { 0 };
	struct velox_config cfg;
	struct velox_stats st;
	struct vx_stats map;
	double duration = 0;
	int c, fd, ret = VX_EXIT_FAIL;

	opts_build(opts, own, 2);
	while ((c = getopt_long(argc, argv, START_OPTS_SHORT "d:h", opts,
				NULL)) != -1) {
		if (c == 'h') {
			run_usage(stdout);
			return VX_EXIT_OK;
		}
		if (c == 'd') {
			if (parse_seconds(optarg, &duration))
				return vx_usage_err("--duration", "'%s': seconds, more than 0",
						    optarg);
			continue;
		}
		ret = start_opt_parse(&o, c, optarg);
		if (ret < 0)
			return VX_EXIT_USAGE;
		if (!ret) {
			run_usage(stderr);
			return VX_EXIT_USAGE;
		}
		ret = VX_EXIT_FAIL;
	}
	if (optind != argc)
		return vx_usage_err("run", "unexpected argument '%s'",
				    argv[optind]);
	if (!duration)
		return vx_usage_err("run", "--duration is required");

	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	if (vx_stats_map(fd, &map))
		goto out_close;
	progress_catch_signals();
	if (start_with(fd, &o, &cfg))
		goto out_unmap;
	printf("running %.1f s: rate %u/s, %u lane%s, bundle %u, backoff %s, policy %s\n",
	       duration, cfg.rate, cfg.lanes, cfg.lanes == 1 ? "" : "s",
	       cfg.bundle, velox_backoff_name(cfg.backoff),
	       velox_policy_name(cfg.policy));
	/* Stop even if the progress could not be read: never leave it running. */
	progress_loop(&map, 1, 0, duration);
	progress_release_signals();
	if (vx_stop(fd) || vx_stats_read(&map, &st))
		goto out_unmap;
	vx_print_summary(stdout, &st);
	ret = VX_EXIT_OK;
out_unmap:
	vx_stats_unmap(&map);
out_close:
	close(fd);
	return ret;
}

const struct ctl_cmd cmd_run = {
	.name = "run",
	.summary = "start, show progress every second, stop, summarize",
	.run = run_run,
	.usage = run_usage,
};
