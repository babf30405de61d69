/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interference: the kernel's own tracepoints tell which IRQs, softirqs,
 * NMIs and other tasks took the CPUs that run the pipeline's workers,
 * osnoise-style.  Each watched CPU writes its core/noise_log.h log; a
 * spike's capture reads what overlapped it, the publication reads the
 * accounting.
 *
 * Probes are registered only while a run with tail capture is on
 * (velox_noise_start() .. velox_noise_stop()): otherwise the kernel runs
 * exactly as without Velox.  Callers serialize start, stop and destroy;
 * the logs stay readable after stop, until the next start resets them.
 * velox_noise_window() adds to its sum as velox_noise_overlap() does;
 * velox_noise_account() leaves the copy's cpu and wall_ns to its caller.
 */
#ifndef VELOX_NOISE_H
#define VELOX_NOISE_H

#include <linux/cpumask.h>
#include <linux/types.h>

#include "core/noise_log.h"

struct velox_noise;

struct velox_noise *velox_noise_create(void);
void velox_noise_destroy(struct velox_noise *n);

int velox_noise_start(struct velox_noise *n, const struct cpumask *cpus,
		      int (*worker_fn)(void *));
void velox_noise_stop(struct velox_noise *n);

void velox_noise_window(struct velox_noise *n, unsigned int cpu, u64 from,
			u64 to, struct velox_noise_sum *sum);
void velox_noise_account(struct velox_noise *n, unsigned int cpu,
			 struct velox_noise_cpu *out);

#endif /* VELOX_NOISE_H */
