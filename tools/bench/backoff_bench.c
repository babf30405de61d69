// SPDX-License-Identifier: GPL-2.0
/*
 * Optimization log (a): what idle threads burn.  One lane paced at a
 * fixed rate for one second on two threads (ingress+matcher,
 * bundler+output, as the module runs threads=2), whose idle threads do
 * what the module's do (module/core/idle.h: spin for the window, then
 * yield or sleep as far as the policy allows; rig.c yields and sleeps).
 * For each policy and spin window <w> (µs):
 *
 *   backoff/<rate>/<policy>/w<w>/cpu       CPU time of both threads per
 *                                          second of run (2.0: both
 *                                          CPUs busy throughout)
 *   backoff/<rate>/<policy>/w<w>/e2e/p50   end-to-end latency from the
 *   backoff/<rate>/<policy>/w<w>/e2e/p99   intended send time
 *   backoff/<rate>/<policy>/w<w>/yields    yields and sleeps per second
 *   backoff/<rate>/<policy>/w<w>/sleeps    of run, both threads
 *
 * and what the machine charges for the two ways a thread sleeps, which
 * is what the sleeping policies' CPU is made of:
 *
 *   backoff/machine/timer-sleep/cpu        CPU time of one 100 µs
 *                                          clock_nanosleep() (ns)
 *   backoff/machine/timer-sleep/late       how late it returned (ns)
 *   backoff/machine/futex-handoff/cpu      CPU time, both threads, of one
 *                                          futex wake and wait each way (ns)
 *
 * Each repeat runs every configuration once, in turn, so a change of the
 * machine's speed spreads over all of them; each value is the median of
 * the repeats.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/velox.h>

#include "bench.h"
#include "names.h"
#include "rig.h"

#define BACKOFF_RATES	3
#define BACKOFF_CONFIGS	6
#define BACKOFF_VALUES	5
#define BACKOFF_RUNS_MAX 32

static const struct {
	u32 rate;
	const char *name;
} rates[BACKOFF_RATES] = {
	{ 1000000, "1M" },
	{ 100000, "100k" },
	{ 10000, "10k" },
};

/* The module's default is sleep, VELOX_IDLE_SPIN_US_DEFAULT (idle.h). */
static const struct {
	enum velox_backoff_policy policy;
	u32 spin_us;
} configs[BACKOFF_CONFIGS] = {
	{ VELOX_BACKOFF_SPIN, VELOX_IDLE_SPIN_US_DEFAULT },
	{ VELOX_BACKOFF_YIELD, VELOX_IDLE_SPIN_US_DEFAULT },
	{ VELOX_BACKOFF_SLEEP, 1 },
	{ VELOX_BACKOFF_SLEEP, 5 },
	{ VELOX_BACKOFF_SLEEP, 20 },
	{ VELOX_BACKOFF_SLEEP, 100 },
};

enum { V_CPU, V_P50, V_P99, V_YIELDS, V_SLEEPS };

static const struct {
	const char *name;
	const char *unit;
} values[BACKOFF_VALUES] = {
	[V_CPU] = { "cpu", "cores" },
	[V_P50] = { "e2e/p50", "ns" },
	[V_P99] = { "e2e/p99", "ns" },
	[V_YIELDS] = { "yields", "per s" },
	[V_SLEEPS] = { "sleeps", "per s" },
};

/* One second of @rate under configuration @c; its values into @v. */
static int backoff_once(const struct bench_opts *o, u32 rate, unsigned int c,
			double *v)
{
	const struct rig_conf rc = {
		.lanes = 1, .book_cap = 64, .stop_after = rate,
		.lane = rig_params((1000000000ull << 16) / rate, 1),
	};
	struct velox_sink *sinks[2], *sum = rig_alloc(sizeof(*sum));
	struct rig_thread th[2];
	unsigned int i;
	struct rig r;
	double secs;
	int ret = 0;

	if (!sum || rig_init(&r, &rc)) {
		free(sum);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		sinks[i] = rig_alloc(sizeof(*sinks[i]));
		velox_sink_init(sinks[i]);
		rig_thread_init(&th[i], &r, 0,
				i ? VELOX_LANE_BUNDLER | VELOX_LANE_OUTPUT :
				    VELOX_LANE_INGRESS | VELOX_LANE_MATCHER,
				sinks[i], i ? o->cpu_b : o->cpu_a);
		th[i].policy = configs[c].policy;
		th[i].spin_ns = configs[c].spin_us * 1000ull;
	}
	secs = rig_run(&r, th, 2);
	rig_sum(sum, sinks, 2);
	if (!rig_check(&r, sum))
		ret = -1;
	v[V_CPU] = (th[0].cpu_ns + th[1].cpu_ns) / 1e9 / secs;
	v[V_P50] = velox_hist_quantile(&sum->hist[VELOX_STAGE_E2E], 500000);
	v[V_P99] = velox_hist_quantile(&sum->hist[VELOX_STAGE_E2E], 990000);
	v[V_YIELDS] = sum->count.idle_yields / secs;
	v[V_SLEEPS] = sum->count.idle_sleeps / secs;
	for (i = 0; i < 2; i++)
		free(sinks[i]);
	free(sum);
	rig_free(&r);
	return ret;
}

#define MACHINE_SLEEPS		2000
#define MACHINE_HANDOFFS	20000

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* 100 µs timer sleeps with the module's slack: CPU and lateness of one. */
static void machine_timer_sleep(const struct bench_opts *o)
{
	uint64_t at = bench_now_ns(), late = 0, cpu0;
	unsigned int i;

	(void)o;
	prctl(PR_SET_TIMERSLACK, VELOX_IDLE_SLACK_NS);
	cpu0 = thread_cpu_ns();
	for (i = 0; i < MACHINE_SLEEPS; i++) {
		struct timespec ts;

		at += 100000;
		ts.tv_sec = at / 1000000000ull;
		ts.tv_nsec = at % 1000000000ull;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		late += bench_now_ns() - at;
		/* A sleep that overran its period starts the next from now. */
		if (bench_now_ns() > at)
			at = bench_now_ns();
	}
	bench_result("backoff/machine/timer-sleep/cpu",
		     (double)(thread_cpu_ns() - cpu0) / MACHINE_SLEEPS, "ns",
		     false);
	bench_result("backoff/machine/timer-sleep/late",
		     (double)late / MACHINE_SLEEPS, "ns", false);
}

struct handoff {
	int word[2];		/* 1: the other side's turn to go */
	uint64_t cpu_ns;
	int cpu;
};

static void handoff_wait(int *w)
{
	while (!__atomic_load_n(w, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	*w = 0;
}

static void handoff_wake(int *w)
{
	__atomic_store_n(w, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *handoff_peer(void *arg)
{
	struct handoff *h = arg;
	uint64_t cpu0;
	unsigned int i;

	bench_pin(h->cpu);
	cpu0 = thread_cpu_ns();
	for (i = 0; i < MACHINE_HANDOFFS; i++) {
		handoff_wait(&h->word[1]);
		handoff_wake(&h->word[0]);
	}
	h->cpu_ns = thread_cpu_ns() - cpu0;
	return NULL;
}

/* Two threads on two CPUs waking each other through futexes. */
static void machine_futex_handoff(const struct bench_opts *o)
{
	struct handoff h = { .cpu = o->cpu_b };
	uint64_t cpu0;
	unsigned int i;
	pthread_t tid;

	/* The peer is pinned; this side is not, so later groups are not. */
	if (pthread_create(&tid, NULL, handoff_peer, &h))
		return;
	cpu0 = thread_cpu_ns();
	for (i = 0; i < MACHINE_HANDOFFS; i++) {
		handoff_wake(&h.word[1]);
		handoff_wait(&h.word[0]);
	}
	cpu0 = thread_cpu_ns() - cpu0;
	pthread_join(tid, NULL);
	bench_result("backoff/machine/futex-handoff/cpu",
		     (double)(cpu0 + h.cpu_ns) / (2 * MACHINE_HANDOFFS), "ns",
		     false);
}

int backoff_bench(const struct bench_opts *o)
{
	static double v[BACKOFF_RATES][BACKOFF_CONFIGS][BACKOFF_VALUES][BACKOFF_RUNS_MAX];
	unsigned int runs = o->repeat < BACKOFF_RUNS_MAX ? o->repeat : BACKOFF_RUNS_MAX;
	unsigned int k, rt, c, x;
	double one[BACKOFF_VALUES];
	char name[96];
	int ret = 0;

	for (k = 0; k < runs; k++) {
		for (rt = 0; rt < BACKOFF_RATES; rt++) {
			for (c = 0; c < BACKOFF_CONFIGS; c++) {
				if (backoff_once(o, rates[rt].rate, c, one))
					ret = 1;
				for (x = 0; x < BACKOFF_VALUES; x++)
					v[rt][c][x][k] = one[x];
			}
		}
	}
	for (rt = 0; rt < BACKOFF_RATES; rt++) {
		for (c = 0; c < BACKOFF_CONFIGS; c++) {
			for (x = 0; x < BACKOFF_VALUES; x++) {
				snprintf(name, sizeof(name), "backoff/%s/%s/w%u/%s",
					 rates[rt].name,
					 velox_backoff_name(configs[c].policy),
					 configs[c].spin_us, values[x].name);
				/* Less is better for all: CPU, latency, calls. */
				bench_result(name, bench_median(v[rt][c][x], runs),
					     values[x].unit, false);
			}
		}
	}
	machine_timer_sleep(o);
	machine_futex_handoff(o);
	return ret;
}
