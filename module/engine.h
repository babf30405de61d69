/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VELOX_ENGINE_H
#define VELOX_ENGINE_H

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/velox.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "core/orderbook.h"
#include "stats.h"

struct velox_capture;
struct velox_noise;
struct velox_run;

/**
 * struct velox_engine - the pipeline: its state, its config, its stats
 * @lock: serializes start, stop, reset and config reads (ioctls from any
 *	number of processes, module exit)
 * @state: enum velox_state; written under @lock, read anywhere
 * @cfg: config of the current or last run; the defaults before any run.
 *	Its cpus, cpu_set and cpu_set_size are 0: @cpus holds its CPUs
 * @cpus: the CPUs of @cfg: its threads' binding, empty if none
 * @defaults: what GET_CONFIG reports while stopped (module parameters),
 *	its CPUs in @default_cpus
 * @run: lanes, threads and memory of the current run; NULL while stopped
 * @runs: runs started so far
 * @start_ns: when the current or last run started
 * @stop_ns: when it stopped; 0 while running
 * @busy: threads of the current run that have not finished draining;
 *	the one that takes it to 0 queues @halt_work
 * @halt_work: tears the run down once every thread has drained
 * @stopped_wq: where STOP and module exit wait for @halt_work
 * @publish_work: republishes the stats while running
 * @stats: per-CPU sinks and the published area
 * @noise: the kernel's tracepoints on the workers' CPUs (tail capture)
 * @noise_cpus: the CPUs the last run with tail capture watched
 * @noise_on: the publication carries their accounting
 * @capture: the spikes of the last run with tail capture, or NULL
 * @stop_reason: enum velox_stop_reason of the current or last run
 * @cpuhp_state: the CPU-hotplug state this engine's @cpuhp_node is on
 * @cpuhp_node: tells it of CPUs going offline
 * @offline_work: stops a run whose bound worker's CPU went offline
 * @offline_run: the run (@runs) @offline_work is to stop
 * @offline_cpu: the CPU that went
 * @bound_cpus: the CPUs the current or last run's threads were bound to
 * @default_cpus: the CPUs of @defaults
 */
struct velox_engine {
	struct mutex lock;	/* see above */
	u32 state;
	struct velox_config cfg;
	struct cpumask cpus;
	struct velox_config defaults;
	struct velox_run *run;
	u64 runs;
	u64 start_ns;
	u64 stop_ns;
	atomic_t busy;
	struct work_struct halt_work;
	wait_queue_head_t stopped_wq;
	struct delayed_work publish_work;
	struct velox_stats_state stats;
	struct velox_noise *noise;
	struct cpumask noise_cpus;
	bool noise_on;
	struct velox_capture *capture;
	u32 stop_reason;
	int cpuhp_state;
	struct hlist_node cpuhp_node;
	struct work_struct offline_work;
	u64 offline_run;
	unsigned int offline_cpu;
	struct cpumask bound_cpus;
	struct cpumask default_cpus;
};

int velox_engine_init(struct velox_engine *e,
		      const struct velox_config *defaults,
		      const struct cpumask *default_cpus);
void velox_engine_exit(struct velox_engine *e);
int velox_engine_start(struct velox_engine *e, const struct velox_config *cfg,
		       const struct cpumask *cpus,
		       int (*accept)(void *arg, const struct velox_config *runs),
		       void *arg);
int velox_engine_stop(struct velox_engine *e);
int velox_engine_get_config(struct velox_engine *e, struct velox_config *cfg,
			    struct cpumask *cpus);
int velox_engine_reset_stats(struct velox_engine *e);
ssize_t velox_engine_read_spikes(struct velox_engine *e, char __user *buf,
				 size_t count, loff_t *pos);

#endif /* VELOX_ENGINE_H */
