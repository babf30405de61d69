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
#include <string.h>
#include <unistd.h>

#include "torture.h"

/* Poll this long for a run whose CPU went to stop. */
#define TT_OFFLINE_STOP_WAIT_NS	(15 * 1000000000ull)

static struct velox_stats before, now;

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

/* @cpu went offline under the run in @before: did the run stop for it? */
static void follow_run(struct tt_dev *d, unsigned int cpu)
{
	uint64_t deadline = tt_now_ns() + TT_OFFLINE_STOP_WAIT_NS;

	tt_event(TT_EV_OFFLINE_BOUND_RUN);
	while (tt_now_ns() < deadline && !tt_quiet()) {
		if (tt_snapshot(d, &now)) {
			tt_sleep_us(10000);
			continue;
		}
		tt_check_snapshot(&now);
		if (now.run != before.run) {
			tt_event(TT_EV_OFFLINE_RUN_RACED);
			return;
		}
		if (now.state == VELOX_STATE_STOPPED) {
			if (now.stop_reason == VELOX_STOP_CPU_OFFLINE) {
				tt_event(TT_EV_OFFLINE_RUN_STOPPED);
			} else if (now.stop_reason == VELOX_STOP_USER) {
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
	tt_fail(TT_CK_OFFLINE_STOP, "cpu%u went offline, run %llu bound to it (cpus %#llx, %u lanes x %u threads) still running %llu s later",
		cpu, (unsigned long long)before.run,
		(unsigned long long)before.config.cpus,
		before.config.lanes, before.config.threads,
		TT_OFFLINE_STOP_WAIT_NS / 1000000000ull);
}

/*
 * Take a CPU offline or bring one back: mostly any CPU but 0, sometimes
 * one that the running run's threads are bound to, to see the run stop.
 * The random draws are the same whatever the state, so a seed replays.
 */
static void toggle(unsigned int ncpus)
{
	unsigned int cpu = tt_rand_range(1, ncpus - 1), c, nbound = 0;
	uint64_t pick = tt_rand(), online = tt_cpu_mask("online");
	bool prefer_bound = tt_chance(60), running = false, watch;
	unsigned int bound[TT_MAX_CPUS];
	struct tt_dev d = { .fd = -1 };

	if (!tt_quiet() && !tt_dev_open(&d, true))
		running = !tt_snapshot(&d, &before) &&
			  before.state == VELOX_STATE_RUNNING;
	if (running && prefer_bound) {
		for (c = 1; c < ncpus; c++)
			if ((online & (1ull << c)) && tt_cpu_bound(&before.config, c))
				bound[nbound++] = c;
		if (nbound)
			cpu = bound[pick % nbound];
	}
	watch = running && (online & (1ull << cpu)) &&
		tt_cpu_bound(&before.config, cpu);
	if (!watch)
		tt_dev_close(&d);
	if (!(online & (1ull << cpu))) {
		set_online(cpu, true);
		return;
	}
	if (!set_online(cpu, false) && watch)
		follow_run(&d, cpu);
	tt_dev_close(&d);
}

void tt_hotplug(void)
{
	uint64_t present = tt_cpu_mask("present");
	unsigned int ncpus = 64 - __builtin_clzll(present), cpu;

	if (ncpus < 2)
		return;
	while (tt_running()) {
		tt_sleep_us(tt_rand_range(100000, 2000000));
		if (tt_running())
			toggle(ncpus);
	}
	for (cpu = 1; cpu < ncpus; cpu++)
		if (!(tt_cpu_mask("online") & (1ull << cpu)) &&
		    set_online(cpu, true))
			tt_fail(TT_CK_HOTPLUG, "cpu%u stays offline at the end", cpu);
}
