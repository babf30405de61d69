/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvelox doctor, inside: what doctor.c (the machinery: reading a
 * machine under its root, sets of CPUs, findings merged by CPU, the
 * output) gives doctor_checks.c (the twelve checks, in doctor.h's
 * order).  Not for the tools: doctor.h is the interface.
 */
#ifndef VELOX_DOCTOR_INT_H
#define VELOX_DOCTOR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "doctor.h"

#define CPU_DIR		"sys/devices/system/cpu/"
#define SYSCTL		"proc/sys/kernel/"
/* PM_QOS_CPU_LATENCY_DEFAULT_VALUE: nobody asks for a limit. */
#define QOS_NONE	2000000000L

struct dr_item {
	struct vx_doctor_finding f;	/* its strings are the ones below */
	char *what;
	char *fix;
	char *cpus;
	__u64 *set;	/* its CPUs; NULL: the machine's */
	bool per_cpu;	/* by dr_add_cpu(): "{cpus}" and "{list}" in its text */
};

struct vx_doctor {
	char *cpus;
	struct dr_item *items;
	struct vx_doctor_finding *findings;
	size_t n, cap;
};

/* What the checks share while they run. */
struct dr_ctx {
	const char *root;
	size_t size;		/* bytes of every set */
	__u64 *set;		/* the CPUs checked */
	__u64 *online;
	__u64 *others;		/* online, not in the set */
	__u64 *isolated;	/* isolcpus= and isolated cpuset partitions */
	__u64 *nohz;		/* nohz_full (empty without) */
	bool nohz_known;	/* this kernel has nohz_full */
	const char *cmdline;
	long qos;		/* /dev/cpu_dma_latency's value, -1 unread */
	int qos_err;		/* why it was not read */
	struct vx_doctor *d;
	void **kept;		/* freed when the checks end */
	size_t nkept, kept_cap;
	bool oom;
};

#define dr_for_each_cpu(cpu, c, s) \
	for (long cpu = dr_next_cpu(c, s, 0); cpu >= 0; cpu = dr_next_cpu(c, s, cpu + 1))

enum dr_set_op { SET_AND, SET_OR, SET_ANDNOT };

/* doctor.c: what lives until the checks end, sets, files, findings. */
void *dr_keep(struct dr_ctx *c, void *p);
const char *dr_fmt(struct dr_ctx *c, const char *f, ...)
	__attribute__((format(printf, 2, 3)));
__u64 *dr_set_new(struct dr_ctx *c);
bool dr_has_cpu(const struct dr_ctx *c, const __u64 *s, long cpu);
long dr_next_cpu(const struct dr_ctx *c, const __u64 *s, long from);
bool dr_set_empty(const struct dr_ctx *c, const __u64 *s);
__u64 *dr_set_op(struct dr_ctx *c, const __u64 *a, enum dr_set_op op,
		 const __u64 *b);
const char *dr_list(struct dr_ctx *c, const __u64 *s);
const char *dr_cpus(struct dr_ctx *c, const __u64 *s);
const char *dr_read_text(struct dr_ctx *c, const char *f, ...)
	__attribute__((format(printf, 2, 3)));
int dr_read_list(struct dr_ctx *c, __u64 *s, const char *f, ...)
	__attribute__((format(printf, 3, 4)));
int dr_read_long(struct dr_ctx *c, long *v, long missing, const char *f, ...)
	__attribute__((format(printf, 4, 5)));
const char *dr_cmdline_param(struct dr_ctx *c, const char *name);
struct dr_item *dr_add(struct dr_ctx *c, enum vx_doctor_level level,
		       const char *check, const __u64 *set, const char *what,
		       const char *fix);
void dr_add_cpu(struct dr_ctx *c, enum vx_doctor_level level,
		const char *check, long cpu, const char *what,
		const char *fix);
int dr_parse_list(struct dr_ctx *c, const char *text, __u64 *s);
char *dr_read_fd(int fd);

/* doctor_checks.c: each adds its findings. */
void dr_check_isolated(struct dr_ctx *c);
void dr_check_nohz_full(struct dr_ctx *c);
void dr_check_rcu_nocbs(struct dr_ctx *c);
void dr_check_irq(struct dr_ctx *c);
void dr_check_smt(struct dr_ctx *c);
void dr_check_governor(struct dr_ctx *c);
void dr_check_idle_states(struct dr_ctx *c);
void dr_check_cpu_dma_latency(struct dr_ctx *c);
void dr_check_rt_throttling(struct dr_ctx *c);
void dr_check_watchdog(struct dr_ctx *c);
void dr_check_timer_migration(struct dr_ctx *c);
void dr_check_debug_kernel(struct dr_ctx *c);

#endif /* VELOX_DOCTOR_INT_H */
