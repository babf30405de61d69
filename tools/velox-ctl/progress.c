// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl: one progress line per interval (watch, run), until a count,
 * a duration, or Ctrl-C.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* SIGINT and SIGTERM end the loop instead of the process. */
void progress_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep until @t (CLOCK_MONOTONIC seconds); false if interrupted. */
static bool sleep_until(double t)
{
	struct timespec ts = {
		.tv_sec = (time_t)t,
		.tv_nsec = (long)((t - (time_t)t) * 1e9),
	};

	while (!interrupted) {
		int err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
					  NULL);

		if (!err)
			return !interrupted;
		if (err != EINTR)
			return false;
	}
	return false;
}

/*
 * Print a line every @interval seconds until @count lines (0: no limit)
 * or @duration seconds (0: no limit) have passed, or a signal came.
 * Returns 0, or -1 if the stats could not be read.
 */
int progress_loop(const struct ctl_stats *map, double interval, long count,
		  double duration)
{
	struct velox_stats *then, *now, *tmp;
	static struct velox_stats a, b;
	double start = now_s(), next = start;
	long lines = 0;

	then = &a;
	now = &b;
	if (stats_read(map, then))
		return -1;
	print_progress_header(stdout);
	while (!count || lines < count) {
		next += interval;
		if (duration && next > start + duration)
			next = start + duration;
		if (!sleep_until(next))
			break;
		if (stats_read(map, now))
			return -1;
		print_progress(stdout, next - start, now, then);
		lines++;
		tmp = then;
		then = now;
		now = tmp;
		if (duration && next >= start + duration)
			break;
	}
	return 0;
}
