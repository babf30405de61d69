// SPDX-License-Identifier: GPL-2.0
/*
 * The hotplug role: take CPUs other than 0 offline and bring them back.
 * When one that a running run's thread is bound to goes, the run must
 * stop by itself (stop_reason cpu-offline), drained like any stop: one
 * that keeps going fails.  Every CPU is back online at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libvelox.h"
#include "torture.h"

/* Poll this long for a run whose CPU went to stop. */
#define TT_OFFLINE_STOP_WAIT_NS	(15 * 1000000000ull)

static int set_online(unsigned int cpu, bool online)
{
	enum tt_op op = online ? TT_OP_CPU_ONLINE : TT_OP_CPU_OFFLINE;
	char path[96];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/online", cpu);
	__atomic_add_fetch(&tt->hotplug_gen, 1, __ATOMIC_ACQ_REL);
	tt_op_begin(op);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, online ? "1" : "0", 1) != 1)
		err = errno;
	if (fd >= 0)
		close(fd);
	tt_op_end(op, err);
	__atomic_add_fetch(&tt->hotplug_gen, 1, __ATOMIC_ACQ_REL);
	if (err && err != EBUSY)
		tt_fail(TT_CK_HOTPLUG, "cpu%u online=%d: %s", cpu, online,
			strerror(err));
	return err;
}

/*
 * @cpu went offline under the run in @before: did the run stop for it?
 * @now is a buffer for the snapshots meanwhile.
 */
static void follow_run(struct tt_dev *d, unsigned int cpu,
		       const struct velox_stats *before, struct velox_stats *now)
{
	uint64_t deadline = tt_now_ns() + TT_OFFLINE_STOP_WAIT_NS;
	char *cpus;

	tt_event(TT_EV_OFFLINE_BOUND_RUN);
	while (tt_now_ns() < deadline && !tt_quiet()) {
		if (tt_snapshot(d, now)) {
			tt_sleep_us(10000);
			continue;
		}
		tt_check_snapshot(now);
		if (now->run != before->run) {
			tt_event(TT_EV_OFFLINE_RUN_RACED);
			return;
		}
		if (now->state == VELOX_STATE_STOPPED) {
			if (now->stop_reason == VELOX_STOP_CPU_OFFLINE) {
				tt_event(TT_EV_OFFLINE_RUN_STOPPED);
			} else if (now->stop_reason == VELOX_STOP_USER) {
				tt_event(TT_EV_OFFLINE_RUN_RACED);
			} else {
				/* A STOP from a module without stop reasons. */
				tt_event(TT_EV_OFFLINE_RUN_RACED);
			}
			return;
		}
		tt_sleep_us(20000);
	}
	if (tt_quiet()) {
		tt_event(TT_EV_OFFLINE_RUN_RACED);
		return;
	}
	tt_event(TT_EV_OFFLINE_RUN_KEPT);
	cpus = vx_cpulist(velox_stats_cpu_set(before), before->cpu_set_size);
	tt_fail(TT_CK_OFFLINE_STOP, "cpu%u went offline, run %llu bound to it (cpus %s, %u lanes x %u threads) still running %llu s later",
		cpu, (unsigned long long)before->run, cpus ? cpus : "?",
		before->config.lanes, before->config.threads,
		TT_OFFLINE_STOP_WAIT_NS / 1000000000ull);
	free(cpus);
}

/* @cpu is online and @s binds a worker to it. */
static bool bound_online(const struct velox_stats *s,
			 const struct tt_cpus *online, unsigned int cpu)
{
	return tt_cpus_has(online, cpu) && tt_cpu_bound(s, cpu);
}

/* Of those CPUs below @ncpus, the @n-th (from 0). */
static unsigned int nth_bound(const struct velox_stats *s,
			      const struct tt_cpus *online, unsigned int ncpus,
			      unsigned long n)
{
	unsigned int c;

	for (c = 1; c < ncpus; c++)
		if (bound_online(s, online, c) && !n--)
			break;
	return c;
}

/*
 * Take a CPU offline or bring one back: mostly any CPU but 0, sometimes
 * one that the running run's threads are bound to, to see the run stop.
 * The random draws are the same whatever the state, so a seed replays.
 */
static void toggle(unsigned int ncpus)
{
	unsigned int cpu = tt_rand_range(1, ncpus - 1);
	uint64_t pick = tt_rand();
	bool prefer_bound = tt_chance(60), running = false, watch;
	struct velox_stats *before = NULL, *now = NULL;
	struct tt_dev d = { .fd = -1 };
	unsigned long nbound = 0;
	struct tt_cpus online;
	unsigned int c;

	tt_cpus_read("online", &online);
	if (!tt_quiet() && !tt_dev_open(&d, true)) {
		before = tt_stats_alloc(&d);
		now = tt_stats_alloc(&d);
		running = before && now && !tt_snapshot(&d, before) &&
			  before->state == VELOX_STATE_RUNNING;
	}
	if (running && prefer_bound) {
		for (c = 1; c < ncpus; c++)
			nbound += bound_online(before, &online, c);
		if (nbound)
			cpu = nth_bound(before, &online, ncpus, pick % nbound);
	}
	watch = running && tt_cpus_has(&online, cpu) &&
		tt_cpu_bound(before, cpu);
	if (!watch)
		tt_dev_close(&d);
	if (!tt_cpus_has(&online, cpu))
		set_online(cpu, true);
	else if (!set_online(cpu, false) && watch)
		follow_run(&d, cpu, before, now);
	tt_dev_close(&d);
	free(now);
	free(before);
}

void tt_hotplug(void)
{
	struct tt_cpus present, online;
	unsigned int ncpus, cpu;

	tt_cpus_read("present", &present);
	ncpus = tt_cpus_last(&present) + 1;
	if (ncpus < 2)
		return;
	while (tt_running()) {
		tt_sleep_us(tt_rand_range(100000, 2000000));
		if (tt_running())
			toggle(ncpus);
	}
	for (cpu = 1; cpu < ncpus; cpu++) {
		tt_cpus_read("online", &online);
		if (!tt_cpus_has(&online, cpu) && set_online(cpu, true))
			tt_fail(TT_CK_HOTPLUG, "cpu%u stays offline at the end", cpu);
	}
}
