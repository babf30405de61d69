// SPDX-License-Identifier: GPL-2.0
/*
 * What a process did and what broke, counted into its slot of the shared
 * block; failures are also printed, one line each, as they happen.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "torture.h"

static const char *const op_names[TT_OPS] = {
	[TT_OP_OPEN] = "open",
	[TT_OP_MMAP] = "mmap",
	[TT_OP_SNAPSHOT] = "snapshot",
	[TT_OP_SNAPSHOT_RETRY] = "snapshot_retry",
	[TT_OP_START_VALID] = "start_valid",
	[TT_OP_START_INVALID] = "start_invalid",
	[TT_OP_START_BAD_SIZE] = "start_bad_size",
	[TT_OP_STOP] = "stop",
	[TT_OP_RESET_STATS] = "reset_stats",
	[TT_OP_GET_CONFIG] = "get_config",
	[TT_OP_GET_INFO] = "get_info",
	[TT_OP_DEBUGFS_READ] = "debugfs_read",
	[TT_OP_RMMOD] = "rmmod",
	[TT_OP_INSMOD] = "insmod",
	[TT_OP_CPU_OFFLINE] = "cpu_offline",
	[TT_OP_CPU_ONLINE] = "cpu_online",
};

static const char *const event_names[TT_EVENTS] = {
	[TT_EV_RUN_SEEN] = "runs_seen_by_readers",
	[TT_EV_STOPPED_CHECKED] = "stopped_runs_checked",
	[TT_EV_RESET_SEEN] = "resets_seen_by_readers",
	[TT_EV_RELOAD_SEEN] = "reloads_seen_by_readers",
	[TT_EV_EINVAL_HOTPLUG_RACE] = "start_einval_cpu_went_meanwhile",
	[TT_EV_QUIET_WINDOW] = "quiet_windows",
	[TT_EV_STOP_USER] = "stop_reason_user",
	[TT_EV_STOP_CPU_OFFLINE] = "stop_reason_cpu_offline",
	[TT_EV_STOP_NO_REASON] = "stop_reason_none",
	[TT_EV_OFFLINE_BOUND_RUN] = "offline_of_a_bound_run_cpu",
	[TT_EV_OFFLINE_RUN_STOPPED] = "offline_run_stopped",
	[TT_EV_OFFLINE_RUN_KEPT] = "offline_run_kept_running",
	[TT_EV_OFFLINE_RUN_RACED] = "offline_run_ended_otherwise",
};

static const char *const check_names[TT_CHECKS] = {
	[TT_CK_HEADER] = "stats_header_consistent",
	[TT_CK_HIST_COUNT] = "hist_count_is_sum_of_buckets",
	[TT_CK_HIST_ORDER] = "hist_min_p50_max_ordered",
	[TT_CK_MONOTONIC] = "counters_never_go_back_within_a_run",
	[TT_CK_STATE_ORDER] = "state_and_run_only_go_forward",
	[TT_CK_CONSERVATION] = "stopped_generated_is_delivered_plus_dropped",
	[TT_CK_BOOK] = "stopped_book_conserves_quantity",
	[TT_CK_STOPPED_FROZEN] = "stopped_counts_change_only_by_reset",
	[TT_CK_STOP_REASON] = "stop_reason_says_why",
	[TT_CK_START_VALID] = "start_valid_config_runs_or_busy",
	[TT_CK_START_INVALID] = "start_invalid_config_is_einval",
	[TT_CK_STOP] = "stop_returns_with_run_stopped",
	[TT_CK_RESET] = "reset_stats_zeroes_when_stopped_busy_when_running",
	[TT_CK_QUERY] = "get_info_get_config_answer",
	[TT_CK_MODULE] = "module_reloads_and_device_comes_back",
	[TT_CK_HOTPLUG] = "cpus_go_offline_and_come_back",
	[TT_CK_OFFLINE_STOP] = "bound_run_stops_when_its_cpu_goes",
	[TT_CK_HANG] = "every_op_and_process_finishes_in_time",
};

const char *tt_op_name(enum tt_op op)
{
	return op_names[op];
}

const char *tt_event_name(enum tt_event ev)
{
	return event_names[ev];
}

const char *tt_check_name(enum tt_check ck)
{
	return check_names[ck];
}

uint64_t tt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void tt_sleep_us(uint64_t us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

bool tt_running(void)
{
	return tt_now_ns() < tt->end_ns;
}

void tt_op_begin(enum tt_op op)
{
	tt_me->op = op;
	__atomic_store_n(&tt_me->op_start_ns, tt_now_ns(), __ATOMIC_RELEASE);
}

/* Count @op's outcome; returns @err (an errno, 0 for success). */
int tt_op_end(enum tt_op op, int err)
{
	uint64_t t0 = tt_me->op_start_ns;
	int idx = err < 0 || err >= TT_MAX_ERRNO ? TT_MAX_ERRNO - 1 : err;

	if (t0) {
		uint64_t ns = tt_now_ns() - t0;

		if (ns > tt_me->max_op_ns[op])
			tt_me->max_op_ns[op] = ns;
	}
	__atomic_store_n(&tt_me->op_start_ns, 0, __ATOMIC_RELEASE);
	tt_me->ops[op][idx]++;
	return err;
}

void tt_event(enum tt_event ev)
{
	tt_me->events[ev]++;
}

/* One line, one write(): lines of processes do not interleave. */
static void emit(const char *prefix, const char *fmt, va_list ap)
{
	char line[512];
	int n;

	n = snprintf(line, sizeof(line), "# %s%s[%d]: ", prefix, tt_name,
		     (int)getpid());
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDOUT_FILENO, line, n) < 0)
		return;
}

/* A check broke: count it; print the first few of each kind. */
void tt_fail(enum tt_check ck, const char *fmt, ...)
{
	char prefix[96];
	va_list ap;

	if (tt_me->failed[ck]++ >= 5)
		return;
	snprintf(prefix, sizeof(prefix), "FAIL %s: ", check_names[ck]);
	va_start(ap, fmt);
	emit(prefix, fmt, ap);
	va_end(ap);
}

void tt_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}
