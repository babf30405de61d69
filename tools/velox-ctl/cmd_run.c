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
	struct ctl_stats map;
	double duration = 0;
	int c, fd, ret = EXIT_FAIL;

	opts_build(opts, own, 2);
	while ((c = getopt_long(argc, argv, START_OPTS_SHORT "d:h", opts,
				NULL)) != -1) {
		if (c == 'h') {
			run_usage(stdout);
			return EXIT_OK;
		}
		if (c == 'd') {
			if (parse_seconds(optarg, &duration))
				return ctl_usage_err("--duration", "'%s': seconds, more than 0",
						     optarg);
			continue;
		}
		ret = start_opt_parse(&o, c, optarg);
		if (ret < 0)
			return EXIT_USAGE;
		if (!ret) {
			run_usage(stderr);
			return EXIT_USAGE;
		}
		ret = EXIT_FAIL;
	}
	if (optind != argc)
		return ctl_usage_err("run", "unexpected argument '%s'",
				     argv[optind]);
	if (!duration)
		return ctl_usage_err("run", "--duration is required");

	fd = dev_open();
	if (fd < 0)
		return EXIT_FAIL;
	if (stats_map(fd, &map))
		goto out_close;
	progress_catch_signals();
	if (start_with(fd, &o, &cfg))
		goto out_unmap;
	printf("running %.1f s: rate %u/s, %u lane%s, bundle %u, backoff %s, policy %s\n",
	       duration, cfg.rate, cfg.lanes, cfg.lanes == 1 ? "" : "s",
	       cfg.bundle, backoff_name(cfg.backoff), policy_name(cfg.policy));
	/* Stop even if the progress could not be read: never leave it running. */
	progress_loop(&map, 1, 0, duration);
	if (dev_stop(fd) || stats_read(&map, &st))
		goto out_unmap;
	print_summary(stdout, &st);
	ret = EXIT_OK;
out_unmap:
	stats_unmap(&map);
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
