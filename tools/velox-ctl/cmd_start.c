// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl start: start the pipeline with the module's defaults and
 * whatever the options change.
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "ctl.h"

static void start_usage(FILE *out)
{
	fputs("Usage: velox-ctl start [OPTIONS]\n"
	      "\n"
	      "Start the pipeline in velox.ko and return.  Each option changes one\n"
	      "field of the module's default config (its module parameters); see\n"
	      "'velox-ctl status' for what runs, 'velox-ctl stop' to drain and stop.\n"
	      "\n", out);
	start_opts_usage(out);
	fputs("  -h, --help            show this help\n"
	      "\n"
	      "Fails if the pipeline runs already, naming the field the module\n"
	      "refused when a value is out of range.\n", out);
}

static int start_run(int argc, char **argv)
{
	static const struct option own[] = {
		{ "help", no_argument, NULL, 'h' },
	};
	struct option opts[START_LONG_OPTS + 2];
	struct start_opts o = { 0 };
	char d[VELOX_DURATION_LEN];
	struct velox_config cfg;
	int c, fd, ret;

	opts_build(opts, own, 1);
	while ((c = getopt_long(argc, argv, START_OPTS_SHORT "h", opts,
				NULL)) != -1) {
		if (c == 'h') {
			start_usage(stdout);
			return VX_EXIT_OK;
		}
		ret = start_opt_parse(&o, c, optarg);
		if (ret < 0)
			return VX_EXIT_USAGE;
		if (!ret) {
			start_usage(stderr);
			return VX_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return vx_usage_err("start", "unexpected argument '%s'",
				    argv[optind]);

	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	ret = start_with(fd, &o, &cfg);
	close(fd);
	if (ret)
		return VX_EXIT_FAIL;
	printf("started: rate %u/s, %u lane%s, bundle %u, flush %u us, ring %u, "
	       "sample 1/%u, backoff %s, policy %s", cfg.rate, cfg.lanes,
	       cfg.lanes == 1 ? "" : "s", cfg.bundle, cfg.flush_us, cfg.ring,
	       cfg.sample, velox_backoff_name(cfg.backoff),
	       velox_policy_name(cfg.policy));
	if (cfg.tail_ns)
		printf(", tail %s", velox_fmt_duration(d, sizeof(d), cfg.tail_ns));
	putchar('\n');
	return VX_EXIT_OK;
}

const struct ctl_cmd cmd_start = {
	.name = "start",
	.summary = "start the pipeline",
	.run = start_run,
	.usage = start_usage,
};
