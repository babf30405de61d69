// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl export: the current or last run in Prometheus' text format
 * (libvelox's prometheus.c), once or every interval, for node_exporter's
 * textfile collector.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

static void export_usage(FILE *out)
{
	fputs("Usage: velox-ctl export [--textfile FILE [--interval S [--count N]]]\n"
	      "\n"
	      "Write the current or last run in Prometheus' text format: every\n"
	      "counter of the stats area (velox_<name>_total), per lane, the state,\n"
	      "and each stage's latency as a histogram (velox_latency_seconds, on\n"
	      "fixed bounds from 100 ns to 10 s) and as the percentiles velox-ctl\n"
	      "hist prints (velox_latency_percentile_seconds).  velox-ctl(8)\n"
	      "lists the metrics.\n"
	      "\n"
	      "With --textfile, FILE is for node_exporter's textfile collector (put\n"
	      "it in --collector.textfile.directory, named *.prom): it is written\n"
	      "beside FILE under a temporary name (.FILE.XXXXXX), synced and\n"
	      "renamed over FILE, so a scrape never reads half of it.  With\n"
	      "--interval it is rewritten every S seconds until Ctrl-C, SIGTERM or\n"
	      "N writes, and left in place with the last numbers (node_exporter's\n"
	      "node_textfile_mtime_seconds tells how old they are).\n"
	      "\n"
	      "Options:\n"
	      "  -t, --textfile FILE  write to FILE atomically (default: stdout,\n"
	      "                       once)\n"
	      "  -i, --interval S     rewrite FILE every S seconds (0.1 and up;\n"
	      "                       default: write once and exit)\n"
	      "  -c, --count N        with --interval: stop after N writes\n"
	      "                       (default: until Ctrl-C or SIGTERM)\n"
	      "  -h, --help           show this help\n", out);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Wait until @t (CLOCK_MONOTONIC seconds) for a signal of @stop, which the
 * caller blocked; false if one came.
 */
static bool wait_until(double t, const sigset_t *stop)
{
	for (;;) {
		double left = t - now_s();
		struct timespec ts;

		if (left < 0)
			left = 0;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
		if (sigtimedwait(stop, NULL, &ts) >= 0)
			return false;
		if (errno == EAGAIN)
			return true;
	}
}

/*
 * Write @path now, then every @interval seconds until @count writes (0: no
 * limit) or SIGINT or SIGTERM.  Returns 0, or -1 after saying why.
 */
static int export_loop(const struct vx_stats *map, const char *path,
		       double interval, uint32_t count)
{
	struct velox_stats *st = vx_stats_alloc(map);
	double next = now_s();
	sigset_t stop;
	uint32_t n;
	int ret = -1;

	if (!st)
		return -1;
	/* Taken by sigtimedwait() between writes, never during one. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	for (n = 0; !count || n < count; n++) {
		if (n) {
			next += interval;
			if (!wait_until(next, &stop))
				break;
		}
		if (vx_stats_read(map, st) || vx_prom_write_file(path, st))
			goto out_free;
	}
	ret = 0;
out_free:
	free(st);
	return ret;
}

static int export_stdout(int fd)
{
	struct velox_stats *st = vx_stats_snapshot(fd);
	int ret = -1;

	if (!st)
		return -1;
	if (vx_prom_write(stdout, st))
		vx_err("export", "stdout: %s", strerror(errno));
	else
		ret = 0;
	free(st);
	return ret;
}

static int export_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "textfile", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *path = NULL;
	double interval = 0;
	struct vx_stats map;
	uint32_t count = 0;
	int c, fd, ret = VX_EXIT_FAIL;

	while ((c = getopt_long(argc, argv, "t:i:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!*optarg)
				return vx_usage_err("--textfile", "'': a file name");
			path = optarg;
			break;
		case 'i':
			if (parse_interval(optarg, &interval))
				return VX_EXIT_USAGE;
			break;
		case 'c':
			if (parse_u32(optarg, &count) || !count)
				return vx_usage_err("--count", "'%s': writes, 1 or more",
						    optarg);
			break;
		case 'h':
			export_usage(stdout);
			return VX_EXIT_OK;
		default:
			export_usage(stderr);
			return VX_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return vx_usage_err("export", "unexpected argument '%s'",
				    argv[optind]);
	if (interval && !path)
		return vx_usage_err("--interval", "rewrites a file: give --textfile FILE");
	if (count && !interval)
		return vx_usage_err("--count", "counts the writes of --interval: give it");

	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	if (!path) {
		if (!export_stdout(fd))
			ret = VX_EXIT_OK;
	} else if (!vx_stats_map(fd, &map)) {
		if (!export_loop(&map, path, interval, interval ? count : 1))
			ret = VX_EXIT_OK;
		vx_stats_unmap(&map);
	}
	close(fd);
	return ret;
}

const struct ctl_cmd cmd_export = {
	.name = "export",
	.summary = "write the run in Prometheus' text format (textfile collector)",
	.run = export_run,
	.usage = export_usage,
};
