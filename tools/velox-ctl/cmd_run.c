// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl run: start, show progress every second, stop, summarize; with
 * --stop-above, stop at the first spike that reaches it and explain it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

/*
 * How often --stop-above reads what the module captured.  The spike and
 * its snapshot are the module's, taken as it happens; this only bounds
 * how long the run goes on after it, and each wakeup may land on a
 * worker's CPU.
 */
#define STOP_POLL_S	0.05

enum { OPT_STOP_ABOVE = 256, OPT_SNAPSHOT };

static void run_usage(FILE *out)
{
	fputs("Usage: velox-ctl run --duration S [--stop-above DURATION [--snapshot]]\n"
	      "                     [OPTIONS]\n"
	      "\n"
	      "Start the pipeline (as 'velox-ctl start'), print one progress line\n"
	      "per second (as 'velox-ctl watch'), and after S seconds, or on\n"
	      "Ctrl-C, stop it (as 'velox-ctl stop') and print the run's summary.\n"
	      "\n"
	      "  -d, --duration S      seconds to run (required)\n"
	      "      --stop-above DURATION\n"
	      "                        stop the run at the first spike whose\n"
	      "                        end-to-end latency reaches DURATION (200us,\n"
	      "                        1.5ms), print its diagnosis and exit 3; tail\n"
	      "                        capture is on from DURATION, or from --tail\n"
	      "                        if that is lower; the capture is read every\n"
	      "                        50 ms; if it fills (4096 spikes) before one\n"
	      "                        reaches DURATION, the run goes on and says\n"
	      "                        how many it could not keep\n"
	      "      --snapshot        with --stop-above: velox.ko also takes an\n"
	      "                        ftrace snapshot at that spike, so the kernel\n"
	      "                        trace around it (the events enabled in\n"
	      "                        /sys/kernel/tracing) is kept in\n"
	      "                        /sys/kernel/tracing/snapshot\n"
	      "\n", out);
	start_opts_usage(out);
	fputs("  -h, --help            show this help\n"
	      "\n"
	      "Exit status: 0 when the run ended; 3 when --stop-above stopped it\n"
	      "at a spike; 1 on failure; 2 on a usage error.\n", out);
}

/* --stop-above: the capture read so far, and the spike that ends the run. */
struct stop_above {
	int fd;
	__u64 ns;
	size_t read;		/* spikes read so far */
	bool found;
	bool failed;
	struct velox_spike hit;
	struct velox_spike buf[64];
};

/* The spikes captured since the last call: is one at or over the limit? */
static bool poll_spikes(void *ctx)
{
	struct stop_above *sa = ctx;
	const size_t max = sizeof(sa->buf) / sizeof(sa->buf[0]);
	size_t got, i;

	do {
		if (vx_read_spikes_at(sa->fd, sa->read, sa->buf, max, &got)) {
			sa->failed = true;
			return true;
		}
		for (i = 0; i < got; i++)
			if (sa->buf[i].e2e_ns >= sa->ns) {
				sa->hit = sa->buf[i];
				sa->found = true;
				return true;
			}
		sa->read += got;
	} while (got == max);
	return false;
}

/* Where tracefs keeps the snapshot, for the line that points there. */
static const char *snapshot_path(void)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/snapshot",
		"/sys/kernel/debug/tracing/snapshot",
	};
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!access(paths[i], F_OK))
			return paths[i];
	return paths[0];
}

/*
 * --snapshot: have the tracer allocate its snapshot buffer through
 * tracefs before START ("1" allocates it and takes a first snapshot,
 * which the one at the spike replaces).  START would allocate it too,
 * but the kernel function it calls WARNs when the allocation fails;
 * tracefs answers with the error alone.  Without tracefs mounted, START
 * does it.
 */
static int snapshot_prepare(void)
{
	const char *path = snapshot_path();
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, "1\n", 2) != 2) {
		vx_err("--snapshot", "%s: cannot allocate the ftrace snapshot buffer: %s",
		       path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The spike that stopped the run, and why it was slow. */
static void print_hit(const struct stop_above *sa, const struct velox_stats *st,
		      bool snapshot)
{
	struct vx_tail t = {
		.threshold_ns = sa->ns,
		.spikes = &sa->hit,
		.n = 1,
	};

	putchar('\n');
	vx_print_spike_header(stdout);
	vx_print_spike(stdout, &sa->hit);
	if (!vx_tail_rank(&t, st))
		vx_print_tail_diagnosis(stdout, &t);
	if (snapshot)
		printf("the kernel trace at this spike is in %s\n",
		       snapshot_path());
}

static int run_run(int argc, char **argv)
{
	static const struct option own[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "stop-above", required_argument, NULL, OPT_STOP_ABOVE },
		{ "snapshot", no_argument, NULL, OPT_SNAPSHOT },
		{ "help", no_argument, NULL, 'h' },
	};
	struct option opts[START_LONG_OPTS + 5];
	static struct stop_above sa;
	struct progress_poll poll = {
		.fn = poll_spikes,
		.ctx = &sa,
		.every = STOP_POLL_S,
	};
	struct start_opts o = { 0 };
	char d[VELOX_DURATION_LEN];
	struct velox_config cfg;
	struct velox_stats *st = NULL;
	struct vx_stats map;
	double duration = 0;
	int c, fd, ret = VX_EXIT_FAIL;

	opts_build(opts, own, 4);
	while ((c = getopt_long(argc, argv, START_OPTS_SHORT "d:h", opts,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			run_usage(stdout);
			return VX_EXIT_OK;
		case 'd':
			if (parse_seconds(optarg, &duration))
				return vx_usage_err("--duration", "'%s': seconds, more than 0",
						    optarg);
			continue;
		case OPT_STOP_ABOVE:
			if (parse_tail_duration("--stop-above", optarg, false,
						&o.stop_above))
				return VX_EXIT_USAGE;
			continue;
		case OPT_SNAPSHOT:
			o.snapshot = true;
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
	if (o.snapshot && !o.stop_above)
		return vx_usage_err("--snapshot", "needs --stop-above");

	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	if (vx_stats_map(fd, &map))
		goto out_close;
	st = vx_stats_alloc(&map);
	if (!st)
		goto out_unmap;
	if (o.snapshot && snapshot_prepare())
		goto out_unmap;
	progress_catch_signals();
	if (start_with(fd, &o, &cfg))
		goto out_unmap;
	printf("running %.1f s: rate %u/s, %u lane%s, bundle %u, backoff %s, policy %s",
	       duration, cfg.rate, cfg.lanes, cfg.lanes == 1 ? "" : "s",
	       cfg.bundle, velox_backoff_name(cfg.backoff),
	       velox_policy_name(cfg.policy));
	if (cfg.tail_ns)
		printf(", tail %s", velox_fmt_duration(d, sizeof(d), cfg.tail_ns));
	if (o.stop_above)
		printf(", stop above %s",
		       velox_fmt_duration(d, sizeof(d), o.stop_above));
	putchar('\n');
	sa.fd = fd;
	sa.ns = o.stop_above;
	/* Stop even if the progress could not be read: never leave it running. */
	progress_loop(&map, 1, 0, duration, o.stop_above ? &poll : NULL);
	progress_release_signals();
	if (sa.found)
		printf("spike %llu reached %s: stopping\n", sa.hit.id,
		       velox_fmt_duration(d, sizeof(d), sa.hit.e2e_ns));
	if (vx_stop(fd) || vx_stats_read(&map, st))
		goto out_unmap;
	/* One that came in the last poll interval, or while draining. */
	if (o.stop_above && !sa.found && !sa.failed)
		poll_spikes(&sa);
	vx_print_summary(stdout, st);
	if (sa.failed)
		goto out_unmap;
	ret = VX_EXIT_OK;
	if (sa.found) {
		print_hit(&sa, st, o.snapshot);
		ret = VX_EXIT_SPIKE;
	} else if (o.stop_above && st->total.tail_lost) {
		/* The capture was full: what it could not keep went unseen. */
		fprintf(stderr, "velox-ctl: run: %llu spikes were not kept (the capture keeps the first %u): one may have reached %s\n",
			(unsigned long long)st->total.tail_lost,
			VELOX_TAIL_SPIKES,
			velox_fmt_duration(d, sizeof(d), o.stop_above));
	}
out_unmap:
	free(st);
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
