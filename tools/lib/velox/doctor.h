/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvelox doctor: the machine's settings that make or break a latency
 * measurement on a set of CPUs, each found OK, INFO or WARN, with the
 * command or boot parameter that fixes it.  Read-only: nothing here
 * writes a file, and /dev/cpu_dma_latency is only read.
 *
 * The checks, by their stable names (velox-ctl doctor --json's "check"):
 *
 *   isolated         WARN: a CPU of the set is in neither isolcpus= (sysfs
 *                    "isolated") nor an isolated cpuset partition
 *   nohz_full        WARN: a CPU is not nohz_full; INFO: no NO_HZ_FULL
 *   rcu_nocbs        WARN: a CPU's RCU callbacks are not offloaded
 *                    (rcu_nocbs=, or nohz_full= which implies it)
 *   irq_affinity     WARN, one per IRQ with a handler whose effective
 *                    affinity (else smp_affinity) holds a CPU of the set
 *   smt              WARN: a CPU's SMT sibling is in the set too, or
 *                    online and not isolated
 *   governor         WARN: governor not performance, or scaling_max_freq
 *                    below cpuinfo_max_freq; INFO: no cpufreq
 *   idle_states      WARN: an idle state with an exit latency above 0 us
 *                    is enabled and allowed by the PM QoS limit; INFO: no
 *                    cpuidle
 *   cpu_dma_latency  OK: held at 0; INFO: not held, held above 0, or
 *                    unreadable (not root)
 *   rt_throttling    INFO: on (it throttles SCHED_FIFO/RR tasks only)
 *   watchdog         WARN: soft or NMI lockup detector on these CPUs
 *   timer_migration  INFO: on, for CPUs that are not nohz_full
 *   debug_kernel     WARN: KASAN, lockdep and the like; INFO: no kernel
 *                    config to tell from
 *
 * Every path is read under a root directory, so that tests can build a
 * machine of their own out of files.
 */
#ifndef VELOX_DOCTOR_H
#define VELOX_DOCTOR_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

enum vx_doctor_level { VX_DOCTOR_OK, VX_DOCTOR_INFO, VX_DOCTOR_WARN };

/**
 * struct vx_doctor_finding - one thing found, as printed
 * @level: OK, INFO or WARN
 * @check: the check's stable name ("irq_affinity")
 * @cpus: the CPUs of the set it is about, a cpulist; "" for the machine
 * @what: what was found, one line
 * @fix: the command or boot parameter that fixes it; "" for none
 */
struct vx_doctor_finding {
	enum vx_doctor_level level;
	const char *check;
	const char *cpus;
	const char *what;
	const char *fix;
};

struct vx_doctor;	/* opaque: the findings for one CPU set */

/*
 * Check the machine under @root ("/" or NULL for the real one; a directory
 * tree with proc/, sys/, dev/, boot/ for tests) for the CPUs of @set
 * (@size bytes, uapi layout: bit n % 64 of word n / 64 is CPU n).  NULL
 * only when out of memory (after vx_err).  Never changes anything.
 */
struct vx_doctor *vx_doctor_check(const char *root, const __u64 *set,
				  size_t size);
void vx_doctor_free(struct vx_doctor *d);
size_t vx_doctor_count(const struct vx_doctor *d, enum vx_doctor_level level);
/* The findings, in the order of the checks above; returns how many. */
size_t vx_doctor_findings(const struct vx_doctor *d,
			  const struct vx_doctor_finding **findings);
/* "OK", "INFO", "WARN". */
const char *vx_doctor_level_name(enum vx_doctor_level level);
/* The set checked, a cpulist ("0-1"). */
const char *vx_doctor_cpus(const struct vx_doctor *d);
/*
 * Text: one line per finding, "WARN  <check>  <what>", then
 * "      fix: <command or boot parameter>" when it has one.
 */
void vx_doctor_print(FILE *out, const struct vx_doctor *d);
/*
 * One JSON object: {"cpus":"0-1","warn":N,"info":N,"ok":N,"findings":
 * [{"level":"WARN","check":"irq_affinity","cpus":"1","what":"...",
 * "fix":"..."}, ...]}
 */
void vx_doctor_print_json(FILE *out, const struct vx_doctor *d);
/*
 * The WARN checks' names, each once, comma separated, into @buf
 * ("isolated, governor"; "" if none), cut short to fit: for run's
 * one-line warning.  Returns the length of the whole list, as snprintf().
 */
size_t vx_doctor_warn_summary(const struct vx_doctor *d, char *buf,
			      size_t len);
/*
 * One of sysfs's CPU lists under @root (@which: "online", "possible"), as
 * a set of @size bytes, enough for every possible CPU, to free(); NULL
 * after vx_err.
 */
__u64 *vx_doctor_sysfs_set(const char *root, const char *which,
			   size_t *size);

#endif /* VELOX_DOCTOR_H */
