// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl: one progress line per interval (watch, run), until a count,
 * a duration, or Ctrl-C.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

static volatile sig_atomic_t interrupted;

/* SIGINT's and SIGTERM's action (sigaction() is async-signal-safe). */
static void set_action(void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * The first signal ends the loop; the defaults are back for the next,
 * which ends the process: run's STOP, which the kernel lets a fatal
 * signal interrupt (the pipeline then finishes stopping by itself), does
 * not swallow a second Ctrl-C while the lanes drain.
 */
static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
	set_action(SIG_DFL);
}

/* SIGINT and SIGTERM end the loop instead of the process, once. */
void progress_catch_signals(void)
{
	interrupted = 0;
	set_action(on_signal);
}

/* The watch line's percentiles, of those every report shows. */
static const unsigned int watch_pcts[] = { VELOX_P50, VELOX_P99, VELOX_P999 };
#define WATCH_PCTS (sizeof(watch_pcts) / sizeof(watch_pcts[0]))

static void print_header(FILE *out)
{
	size_t i;

	fprintf(out, "%8s %12s %12s %10s", "time", "delivered/s", "delivered",
		"dropped");
	for (i = 0; i < WATCH_PCTS; i++)
		fprintf(out, " %10s", velox_percentiles[watch_pcts[i]].label);
	fputc('\n', out);
}

/* One line for the interval between two snapshots of the same run. */
static void print_line(FILE *out, double secs, const struct velox_stats *now,
		       const struct velox_stats *then)
{
	/* Only the fixed part is read here: no arrays behind it needed. */
	static const struct velox_stats zero;
	struct velox_hist a, b, d;
	unsigned long long delivered;
	char p[VELOX_DURATION_LEN];
	double dt;
	size_t i;

	/* A new run, or a reset, since @then: count from zero. */
	if (now->run != then->run ||
	    now->total.delivered < then->total.delivered)
		then = &zero;
	delivered = now->total.delivered - then->total.delivered;
	dt = then->publish_ns ? (now->publish_ns - then->publish_ns) / 1e9 : 0;
	vx_stats_hist(now, VELOX_STAGE_E2E, &a);
	vx_stats_hist(then, VELOX_STAGE_E2E, &b);
	vx_hist_sub(&d, &a, &b);
	fprintf(out, "%7.1fs %12.0f %12llu %10llu", secs,
		dt > 0 ? delivered / dt : 0, now->total.delivered,
		now->total.dropped);
	for (i = 0; i < WATCH_PCTS; i++) {
		__u32 ppm = velox_percentiles[watch_pcts[i]].ppm;

		fprintf(out, " %10s", d.count ?
			velox_fmt_duration(p, sizeof(p),
					   velox_hist_quantile(&d, ppm)) : "-");
	}
	fputc('\n', out);
	fflush(out);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Sleep until @t (CLOCK_MONOTONIC seconds); false if interrupted.  The
 * loop keeps SIGINT and SIGTERM blocked but here, where ppoll() lets them
 * in and sleeps in one step: a signal between the check of the flag and
 * the sleep would otherwise wait out the whole interval, and a second
 * Ctrl-C meanwhile end velox-ctl before its STOP.
 */
static bool sleep_until_abs(double t, const sigset_t *unblocked)
{
	struct timespec ts;
	double left;

	while (!interrupted) {
		left = t - now_s();
		if (left <= 0)
			return true;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (time_t)left) * 1e9);
		if (ppoll(NULL, 0, &ts, unblocked) < 0 && errno != EINTR)
			return false;
	}
	return false;
}

/*
 * Sleep until @t (CLOCK_MONOTONIC seconds), calling @hooks' poll every
 * hooks->every seconds meanwhile; false if interrupted or the poll said
 * to end.
 */
static bool sleep_until(double t, const struct progress_hooks *hooks,
			const sigset_t *unblocked)
{
	double step;

	if (!hooks || !hooks->poll)
		return sleep_until_abs(t, unblocked);
	for (;;) {
		step = now_s() + hooks->every;
		if (!sleep_until_abs(step < t ? step : t, unblocked) ||
		    hooks->poll(hooks->ctx))
			return false;
		if (step >= t)
			return true;
	}
}

/* A signal ended a loop since progress_catch_signals(). */
bool progress_interrupted(void)
{
	return interrupted;
}

/*
 * Print a line every @interval seconds until @count lines (0: no limit)
 * or @duration seconds (0: no limit) have passed, a signal came, or
 * @hooks' poll said to end; @hooks' step sees each line's snapshots.
 * Returns 0, or -1 if the stats could not be read or a step failed.
 */
int progress_loop(const struct vx_stats *map, double interval, long count,
		  double duration, const struct progress_hooks *hooks)
{
	struct velox_stats *then, *now, *tmp;
	double start = now_s(), next = start;
	sigset_t stop, unblocked;
	long lines = 0;
	int ret = -1;

	/* Let in only while sleeping (sleep_until_abs()). */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &unblocked);

	then = vx_stats_alloc(map);
	now = vx_stats_alloc(map);
	if (!then || !now || vx_stats_read(map, then))
		goto out_free;
	print_header(stdout);
	while (!count || lines < count) {
		next += interval;
		if (duration && next > start + duration)
			next = start + duration;
		if (!sleep_until(next, hooks, &unblocked))
			break;
		if (vx_stats_read(map, now))
			goto out_free;
		print_line(stdout, next - start, now, then);
		if (hooks && hooks->step &&
		    hooks->step(hooks->ctx, next - start, now, then))
			goto out_free;
		lines++;
		tmp = then;
		then = now;
		now = tmp;
		if (duration && next >= start + duration)
			break;
	}
	ret = 0;
out_free:
	/* A signal that came since is delivered here, as it would have been. */
	sigprocmask(SIG_SETMASK, &unblocked, NULL);
	free(now);
	free(then);
	return ret;
}
