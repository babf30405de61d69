// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox doctor: the twelve checks, in doctor.h's order.  Each reads
 * what it looks at through doctor.c's helpers (everything under the
 * root, kept until the checks end) and adds its findings, one per CPU
 * where CPUs can differ (dr_add_cpu() merges those set alike).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libvelox.h"
#include "doctor_int.h"

void dr_check_isolated(struct dr_ctx *c)
{
	__u64 *off = dr_set_op(c, c->set, SET_ANDNOT, c->isolated);

	if (!off)
		return;
	if (dr_set_empty(c, off))
		dr_add(c, VX_DOCTOR_OK, "isolated", c->set,
		       dr_fmt(c, "%s isolated: no task runs there unless placed",
			      dr_cpus(c, c->set)), "");
	else
		dr_add(c, VX_DOCTOR_WARN, "isolated", off,
		       dr_fmt(c, "%s not isolated: the scheduler puts any task there%s",
			      dr_cpus(c, off), dr_set_empty(c, c->others) ?
			      " (the set is every online CPU: leave one out)" : ""),
		       dr_fmt(c, "boot with isolcpus=%s, or an isolated cpuset partition (cgroup v2: cpuset.cpus.partition=isolated)",
			      dr_list(c, dr_set_op(c, c->isolated, SET_OR, c->set))));
}

void dr_check_nohz_full(struct dr_ctx *c)
{
	__u64 *off = dr_set_op(c, c->set, SET_ANDNOT, c->nohz);

	if (!off)
		return;
	if (!c->nohz_known)
		dr_add(c, VX_DOCTOR_INFO, "nohz_full", c->set,
		       "this kernel has no nohz_full (CONFIG_NO_HZ_FULL off): the tick runs on every CPU",
		       dr_fmt(c, "a kernel with CONFIG_NO_HZ_FULL=y, booted with nohz_full=%s",
			      dr_list(c, c->set)));
	else if (dr_set_empty(c, off))
		dr_add(c, VX_DOCTOR_OK, "nohz_full", c->set,
		       dr_fmt(c, "%s nohz_full: no tick while one task runs",
			      dr_cpus(c, c->set)), "");
	else
		dr_add(c, VX_DOCTOR_WARN, "nohz_full", off,
		       dr_fmt(c, "%s not nohz_full: the scheduler tick interrupts whatever runs there",
			      dr_cpus(c, off)),
		       dr_fmt(c, "boot with nohz_full=%s",
			      dr_list(c, dr_set_op(c, c->nohz, SET_OR, c->set))));
}

void dr_check_rcu_nocbs(struct dr_ctx *c)
{
	const char *arg = dr_cmdline_param(c, "rcu_nocbs");
	__u64 *given = dr_set_new(c), *nocb, *off;

	if (!given)
		return;
	/* Bare or "all" (Linux 6.0 on): every CPU. */
	if (arg && (!*arg || !strcmp(arg, "all"))) {
		memset(given, 0xff, c->size);
	} else if (arg && dr_parse_list(c, arg, given)) {
		dr_add(c, VX_DOCTOR_INFO, "rcu_nocbs", c->set,
		       dr_fmt(c, "rcu_nocbs=%s: a list doctor cannot read", arg), "");
		return;
	}
	/* nohz_full= offloads its CPUs' callbacks too. */
	nocb = dr_set_op(c, given, SET_OR, c->nohz);
	off = nocb ? dr_set_op(c, c->set, SET_ANDNOT, nocb) : NULL;
	if (!off)
		return;
	if (dr_set_empty(c, off))
		dr_add(c, VX_DOCTOR_OK, "rcu_nocbs", c->set,
		       dr_fmt(c, "%s: RCU callbacks offloaded (rcu_nocbs= or nohz_full=)",
			      dr_cpus(c, c->set)), "");
	else
		dr_add(c, VX_DOCTOR_WARN, "rcu_nocbs", off,
		       dr_fmt(c, "%s: RCU callbacks run there, in softirq", dr_cpus(c, off)),
		       dr_fmt(c, "boot with rcu_nocbs=%s (nohz_full= implies it)",
			      dr_list(c, dr_set_op(c, nocb, SET_OR, c->set))));
}

/*
 * The action names of IRQ @irq in /proc/interrupts: what follows the
 * counts, the chip, the hardware IRQ and the trigger, after the last run
 * of two blanks or more.  NULL if it is not listed (no handler).
 */
static const char *irq_name(struct dr_ctx *c, const char *interrupts, long irq)
{
	const char *line, *p, *eol, *name;
	int cols = 0, i;
	char *end;

	/* The header names one column per online CPU. */
	for (p = interrupts; *p && *p != '\n'; p++)
		cols += !strncmp(p, "CPU", 3) && (p == interrupts || p[-1] == ' ');
	for (line = strchr(interrupts, '\n'); line; line = strchr(line, '\n')) {
		line++;
		p = line + strspn(line, " ");
		if (strtol(p, &end, 10) != irq || end == p || *end != ':')
			continue;
		for (p = end + 1, i = 0; i < cols; i++) {
			p += strspn(p, " ");
			p += strspn(p, "0123456789");
		}
		p += strspn(p, " ");
		eol = p + strcspn(p, "\n");
		while (eol > p && eol[-1] == ' ')
			eol--;
		for (name = p; p + 1 < eol; p++)
			if (p[0] == ' ' && p[1] == ' ')
				name = p + strspn(p, " ");
		return dr_fmt(c, "%.*s", (int)(eol - name), name);
	}
	return NULL;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* The IRQs of /proc/irq/, in order: *@n of them, kept; NULL, errno. */
static long *irq_numbers(struct dr_ctx *c, size_t *n)
{
	char path[PATH_MAX], *end;
	long *irqs = NULL, *more;
	size_t cap = 0;
	struct dirent *e;
	DIR *dir;

	*n = 0;
	snprintf(path, sizeof(path), "%s/proc/irq", c->root);
	dir = opendir(path);
	if (!dir)
		return NULL;
	while ((e = readdir(dir))) {
		long irq = strtol(e->d_name, &end, 10);

		if (end == e->d_name || *end)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			more = realloc(irqs, cap * sizeof(*irqs));
			if (!more)
				break;
			irqs = more;
		}
		irqs[(*n)++] = irq;
	}
	closedir(dir);
	if (irqs)
		qsort(irqs, *n, sizeof(*irqs), cmp_long);
	return dr_keep(c, irqs ? irqs : malloc(sizeof(*irqs)));
}

void dr_check_irq(struct dr_ctx *c)
{
	const char *interrupts = dr_read_text(c, "proc/interrupts");
	__u64 *aff = dr_set_new(c), *want = dr_set_new(c), *hit;
	const char *name, *file, *moving;
	unsigned int handled = 0, hits = 0;
	long *irqs;
	size_t i, n;

	if (!interrupts) {
		dr_add(c, VX_DOCTOR_INFO, "irq_affinity", NULL,
		       dr_fmt(c, "cannot read /proc/interrupts: %s", strerror(errno)), "");
		return;
	}
	irqs = irq_numbers(c, &n);
	if (!irqs) {
		dr_add(c, VX_DOCTOR_INFO, "irq_affinity", NULL,
		       dr_fmt(c, "cannot read /proc/irq: %s", strerror(errno)), "");
		return;
	}
	if (!aff || !want)
		return;
	for (i = 0; i < n; i++) {
		name = irq_name(c, interrupts, irqs[i]);
		if (!name)
			continue;
		handled++;
		/* Where it goes; an IRQ not started yet has none: where it may. */
		file = "effective_affinity_list";
		if (dr_read_list(c, aff, "proc/irq/%ld/%s", irqs[i], file) ||
		    dr_set_empty(c, aff)) {
			file = "smp_affinity_list";
			if (dr_read_list(c, aff, "proc/irq/%ld/%s", irqs[i], file))
				continue;
		}
		hit = dr_set_op(c, aff, SET_AND, c->set);
		if (!hit || dr_set_empty(c, hit))
			continue;
		hits++;
		/*
		 * Moved off already?  An IO-APIC IRQ (x86 without interrupt
		 * remapping) moves when it next fires.
		 */
		moving = "";
		if (*file == 'e' &&
		    !dr_read_list(c, want, "proc/irq/%ld/smp_affinity_list", irqs[i]) &&
		    dr_set_empty(c, dr_set_op(c, want, SET_AND, c->set)))
			moving = dr_fmt(c, "; smp_affinity_list %s: it moves there when it next fires",
					dr_list(c, want));
		dr_add(c, VX_DOCTOR_WARN, "irq_affinity", hit,
		       dr_fmt(c, "IRQ %ld %s %s %s (%s %s%s)", irqs[i], name,
			      *file == 'e' ? "is delivered to" : "may be delivered to",
			      dr_cpus(c, hit), file, dr_list(c, aff), moving),
		       dr_set_empty(c, c->others) ?
		       "no online CPU outside the set to send it to: leave one out of the set" :
		       dr_fmt(c, "echo %s > /proc/irq/%ld/smp_affinity_list (at boot, for every IRQ: irqaffinity=%s)",
			      dr_list(c, c->others), irqs[i], dr_list(c, c->others)));
	}
	if (!hits)
		dr_add(c, VX_DOCTOR_OK, "irq_affinity", c->set,
		       dr_fmt(c, "none of %u IRQs with a handler is delivered to %s",
			      handled, dr_cpus(c, c->set)), "");
}

void dr_check_smt(struct dr_ctx *c)
{
	__u64 *sib = dr_set_new(c), *pair;
	size_t before = c->d->n;
	bool any = false;

	if (!sib)
		return;
	dr_for_each_cpu(cpu, c, c->set) {
		if (dr_read_list(c, sib, CPU_DIR "cpu%ld/topology/thread_siblings_list",
				 cpu))
			continue;
		dr_for_each_cpu(s, c, sib) {
			if (s == cpu)
				continue;
			any = true;
			pair = dr_set_new(c);
			if (!pair)
				return;
			pair[cpu / 64] |= 1ull << (cpu % 64);
			if (dr_has_cpu(c, c->set, s)) {
				/* Said once, by the lower of the two. */
				if (s < cpu)
					continue;
				pair[s / 64] |= 1ull << (s % 64);
				dr_add(c, VX_DOCTOR_WARN, "smt", pair,
				       dr_fmt(c, "CPUs %ld and %ld share a core (SMT siblings), both in the set",
					      cpu, s),
				       dr_fmt(c, "one CPU per core in the set (leave %ld out), or SMT off: echo off > /sys/devices/system/cpu/smt/control (boot: nosmt)",
					      s));
			} else if (dr_has_cpu(c, c->online, s) &&
				   !dr_has_cpu(c, c->isolated, s)) {
				dr_add(c, VX_DOCTOR_WARN, "smt", pair,
				       dr_fmt(c, "CPU %ld's SMT sibling %ld is online and not isolated: other tasks run on its core",
					      cpu, s),
				       dr_fmt(c, "echo 0 > /sys/devices/system/cpu/cpu%ld/online, or isolate it too (isolcpus=), or SMT off (boot: nosmt)",
					      s));
			}
		}
	}
	if (c->d->n == before)
		dr_add(c, VX_DOCTOR_OK, "smt", c->set,
		       dr_fmt(c, any ? "%s: SMT siblings offline or isolated" :
			      "%s: no SMT sibling (one thread per core)",
			      dr_cpus(c, c->set)), "");
}

/* A frequency in kHz as MHz: "3600", or "1234.5" when not whole. */
static const char *mhz(struct dr_ctx *c, long khz)
{
	if (khz % 1000)
		return dr_fmt(c, "%ld.%ld", khz / 1000, khz % 1000 / 100);
	return dr_fmt(c, "%ld", khz / 1000);
}

void dr_check_governor(struct dr_ctx *c)
{
	const char *gov, *range, *fix;
	long min, max, hw;
	bool perf, capped;

	dr_for_each_cpu(cpu, c, c->set) {
		gov = dr_read_text(c, CPU_DIR "cpu%ld/cpufreq/scaling_governor", cpu);
		if (!gov) {
			dr_add_cpu(c, VX_DOCTOR_INFO, "governor", cpu,
				   "no cpufreq on {cpus}: nothing to set (a VM, or no cpufreq driver)",
				   "");
			continue;
		}
		dr_read_long(c, &min, 0, CPU_DIR "cpu%ld/cpufreq/scaling_min_freq", cpu);
		dr_read_long(c, &max, 0, CPU_DIR "cpu%ld/cpufreq/scaling_max_freq", cpu);
		dr_read_long(c, &hw, 0, CPU_DIR "cpu%ld/cpufreq/cpuinfo_max_freq", cpu);
		perf = !strcmp(gov, "performance");
		capped = max > 0 && hw > max;
		range = dr_fmt(c, "%s-%s MHz", mhz(c, min), mhz(c, max));
		if (perf && !capped) {
			dr_add_cpu(c, VX_DOCTOR_OK, "governor", cpu,
				   dr_fmt(c, "{cpus}: governor performance, %s", range), "");
			continue;
		}
		/* cpupower takes kHz, or a unit. */
		fix = dr_fmt(c, "cpupower -c {list} frequency-set%s%s%s%s",
			     perf ? "" : " -g performance", capped ? " -u " : "",
			     capped ? (hw % 1000 ? dr_fmt(c, "%ld", hw) : mhz(c, hw)) : "",
			     capped ? (hw % 1000 ? "kHz" : "MHz") : "");
		dr_add_cpu(c, VX_DOCTOR_WARN, "governor", cpu,
			   dr_fmt(c, "{cpus}: governor %s, %s of the CPU's %s MHz", gov,
				  range, mhz(c, hw)), fix);
	}
}

void dr_check_idle_states(struct dr_ctx *c)
{
	long lat, off, deepest;
	const char *name, *best;
	int k;

	dr_for_each_cpu(cpu, c, c->set) {
		best = NULL;
		deepest = -1;
		/* The deepest state cpuidle may pick: enabled, within the QoS limit. */
		for (k = 0; (name = dr_read_text(c, CPU_DIR "cpu%ld/cpuidle/state%d/name",
						 cpu, k)); k++) {
			if (dr_read_long(c, &lat, -1, CPU_DIR "cpu%ld/cpuidle/state%d/latency",
					 cpu, k) ||
			    dr_read_long(c, &off, 1, CPU_DIR "cpu%ld/cpuidle/state%d/disable",
					 cpu, k) ||
			    off || (c->qos >= 0 && lat > c->qos) || lat < deepest)
				continue;
			best = name;
			deepest = lat;
		}
		if (!k)
			dr_add_cpu(c, VX_DOCTOR_INFO, "idle_states", cpu,
				   "no cpuidle on {cpus}: idle is the architecture's default (HLT on x86)",
				   "boot with idle=poll to keep idle CPUs polling (costs power)");
		else if (!best)
			dr_add_cpu(c, VX_DOCTOR_OK, "idle_states", cpu,
				   "{cpus}: every idle state disabled", "");
		else if (!deepest)
			dr_add_cpu(c, VX_DOCTOR_OK, "idle_states", cpu,
				   dr_fmt(c, "{cpus}: the deepest idle state allowed is %s (exit latency 0 us)",
					  best), "");
		else
			dr_add_cpu(c, VX_DOCTOR_WARN, "idle_states", cpu,
				   dr_fmt(c, "{cpus}: may enter idle state %s (exit latency %ld us)%s",
					  best, deepest, c->qos >= 0 && c->qos < QOS_NONE ?
					  ", within cpu_dma_latency's limit" : ""),
				   "cpupower -c {list} idle-set -D 1, or hold /dev/cpu_dma_latency at 0 (see cpu_dma_latency)");
	}
}

void dr_check_cpu_dma_latency(struct dr_ctx *c)
{
	static const char hold[] = "exec 3<>/dev/cpu_dma_latency; printf '\\000\\000\\000\\000' >&3 (in the shell that measures: held while fd 3 is open), or tuned-adm profile latency-performance";

	if (c->qos < 0)
		dr_add(c, VX_DOCTOR_INFO, "cpu_dma_latency", NULL,
		       dr_fmt(c, "cannot read /dev/cpu_dma_latency: %s%s",
			      strerror(c->qos_err), c->qos_err == EACCES ||
			      c->qos_err == EPERM ? " (run doctor as root)" : ""), "");
	else if (!c->qos)
		dr_add(c, VX_DOCTOR_OK, "cpu_dma_latency", NULL,
		       "held at 0 us: no CPU enters an idle state with an exit latency above 0 us",
		       "");
	else if (c->qos >= QOS_NONE)
		dr_add(c, VX_DOCTOR_INFO, "cpu_dma_latency", NULL,
		       "no request: how deep CPUs idle is cpuidle's choice (see idle_states)",
		       hold);
	else
		dr_add(c, VX_DOCTOR_INFO, "cpu_dma_latency", NULL,
		       dr_fmt(c, "held at %ld us: idle states with exit latencies up to %ld us may be entered",
			      c->qos, c->qos), hold);
}

void dr_check_rt_throttling(struct dr_ctx *c)
{
	long runtime, period;

	if (dr_read_long(c, &runtime, 0, SYSCTL "sched_rt_runtime_us") ||
	    dr_read_long(c, &period, 0, SYSCTL "sched_rt_period_us"))
		dr_add(c, VX_DOCTOR_INFO, "rt_throttling", NULL,
		       "cannot read /proc/sys/kernel/sched_rt_runtime_us and sched_rt_period_us",
		       "");
	else if (runtime < 0 || runtime >= period)
		dr_add(c, VX_DOCTOR_OK, "rt_throttling", NULL,
		       dr_fmt(c, "off (sched_rt_runtime_us %ld)", runtime), "");
	else
		dr_add(c, VX_DOCTOR_INFO, "rt_throttling", NULL,
		       dr_fmt(c, "on: real-time tasks may run %ld us of every %ld us, then wait (SCHED_FIFO/RR ones, as chrt makes; velox's workers are SCHED_OTHER)",
			      runtime, period),
		       "sysctl -w kernel.sched_rt_runtime_us=-1");
}

void dr_check_watchdog(struct dr_ctx *c)
{
	__u64 *mask = dr_set_new(c), *on, *rest;
	long wd, soft, nmi, thresh;
	const char *which;

	if (!mask)
		return;
	/*
	 * "watchdog" turns both off.  Reading soft_watchdog or nmi_watchdog
	 * sets it to what runs (the kernel's "racy snapshot"): while
	 * watchdog is 0 that would forget that the soft one was wanted, so
	 * they are read only while it is 1, where the read changes nothing.
	 */
	dr_read_long(c, &wd, 1, SYSCTL "watchdog");
	soft = nmi = 0;
	if (wd) {
		dr_read_long(c, &soft, 0, SYSCTL "soft_watchdog");
		dr_read_long(c, &nmi, 0, SYSCTL "nmi_watchdog");
	}
	dr_read_long(c, &thresh, 10, SYSCTL "watchdog_thresh");
	if (dr_read_list(c, mask, SYSCTL "watchdog_cpumask"))
		memcpy(mask, c->online, c->size);
	on = dr_set_op(c, c->set, SET_AND, mask);
	rest = dr_set_op(c, mask, SET_ANDNOT, c->set);
	if (!on || !rest)
		return;
	if (!soft && !nmi) {
		dr_add(c, VX_DOCTOR_OK, "watchdog", c->set, "lockup detectors off", "");
		return;
	}
	if (dr_set_empty(c, on)) {
		dr_add(c, VX_DOCTOR_OK, "watchdog", c->set,
		       dr_fmt(c, "lockup detectors on, but not on %s (watchdog_cpumask %s)",
			      dr_cpus(c, c->set), dr_list(c, mask)), "");
		return;
	}
	/* The soft one's timer fires every 2/5 of the threshold. */
	which = dr_fmt(c, "%s%s%s", soft ?
		       dr_fmt(c, "soft lockup detector (a timer and the stopper thread every %ld.%ld s)",
			      thresh * 2 / 5, thresh * 2 % 5 * 2) : "",
		       soft && nmi ? " and " : "",
		       nmi ? dr_fmt(c, "NMI watchdog (an NMI about every %ld s)", thresh) : "");
	dr_add(c, VX_DOCTOR_WARN, "watchdog", on,
	       dr_fmt(c, "%s on %s", which, dr_cpus(c, on)),
	       dr_fmt(c, "sysctl -w kernel.%s=0 (boot: %s)%s%s",
		      soft ? "watchdog" : "nmi_watchdog",
		      soft ? "nowatchdog" : "nmi_watchdog=0",
		      dr_set_empty(c, rest) ? "" : "; or off these CPUs only: sysctl -w kernel.watchdog_cpumask=",
		      dr_set_empty(c, rest) ? "" : dr_list(c, rest)));
}

void dr_check_timer_migration(struct dr_ctx *c)
{
	__u64 *moved;
	long on;

	if (dr_read_long(c, &on, 0, SYSCTL "timer_migration")) {
		dr_add(c, VX_DOCTOR_OK, "timer_migration", NULL,
		       "no /proc/sys/kernel/timer_migration: this kernel does not move timers",
		       "");
		return;
	}
	if (!on) {
		dr_add(c, VX_DOCTOR_OK, "timer_migration", NULL,
		       "off: timers stay on the CPU that armed them", "");
		return;
	}
	/* Timers move only to housekeeping CPUs: not nohz_full ones. */
	moved = dr_set_op(c, c->set, SET_ANDNOT, c->nohz);
	if (!moved)
		return;
	if (dr_set_empty(c, moved))
		dr_add(c, VX_DOCTOR_OK, "timer_migration", c->set,
		       dr_fmt(c, "on, but %s nohz_full: no timer is moved there",
			      dr_cpus(c, c->set)), "");
	else
		dr_add(c, VX_DOCTOR_INFO, "timer_migration", moved,
		       dr_fmt(c, "on: timers armed on idle CPUs may be moved to %s while busy",
			      dr_cpus(c, moved)),
		       "sysctl -w kernel.timer_migration=0");
}

/*
 * The kernel's config: /boot/config-<release> as distributions install
 * it, else /proc/config.gz (CONFIG_IKCONFIG_PROC) through gzip -dc; @from
 * says which.  NULL if neither can be read.
 */
static const char *kernel_config(struct dr_ctx *c, const char **from)
{
	static char *const argv[] = { "gzip", "-dc", NULL };
	const char *release = dr_read_text(c, SYSCTL "osrelease"), *text;
	posix_spawn_file_actions_t acts;
	char path[PATH_MAX];
	int pipefd[2], status;
	char *out = NULL;
	pid_t pid;

	if (release) {
		*from = dr_fmt(c, "/boot/config-%s", release);
		text = dr_read_text(c, "%s", *from + 1);
		if (text)
			return text;
	}
	*from = "/proc/config.gz";
	snprintf(path, sizeof(path), "%s%s", c->root, *from);
	if (access(path, R_OK) || pipe2(pipefd, O_CLOEXEC))
		return NULL;
	posix_spawn_file_actions_init(&acts);
	posix_spawn_file_actions_addopen(&acts, 0, path, O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&acts, pipefd[1], 1);
	posix_spawn_file_actions_addopen(&acts, 2, "/dev/null", O_WRONLY, 0);
	status = posix_spawnp(&pid, "gzip", &acts, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&acts);
	close(pipefd[1]);
	if (!status) {
		out = dr_read_fd(pipefd[0]);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			free(out);
			out = NULL;
		}
	}
	close(pipefd[0]);
	return out ? dr_keep(c, out) : NULL;
}

/* "CONFIG_@opt=y" is a line of @config. */
static bool config_on(const char *config, const char *opt)
{
	size_t len = strlen(opt);
	const char *p;

	for (p = config; (p = strstr(p, "CONFIG_")); p += 7)
		if ((p == config || p[-1] == '\n') && !strncmp(p + 7, opt, len) &&
		    !strncmp(p + 7 + len, "=y", 2) &&
		    (p[9 + len] == '\n' || !p[9 + len]))
			return true;
	return false;
}

void dr_check_debug_kernel(struct dr_ctx *c)
{
	/* What makes a kernel's latencies another kernel's. */
	static const char *const debug[] = {
		"KASAN", "KCSAN", "KMSAN", "PROVE_LOCKING", "LOCK_STAT",
		"DEBUG_KMEMLEAK", "DEBUG_OBJECTS", "DEBUG_PAGEALLOC_ENABLE_DEFAULT",
	};
	const char *from, *config = kernel_config(c, &from), *found = "";
	char path[PATH_MAX];
	size_t i;

	for (i = 0; config && i < sizeof(debug) / sizeof(debug[0]); i++)
		if (config_on(config, debug[i]))
			found = dr_fmt(c, "%s%s%s", found, *found ? ", " : "", debug[i]);
	/* Lockdep shows itself, config or not (PROVE_LOCKING, LOCK_STAT). */
	snprintf(path, sizeof(path), "%s/proc/lockdep", c->root);
	if (!access(path, F_OK) && !strstr(found, "LOCK"))
		found = dr_fmt(c, "%s%slockdep (/proc/lockdep)", found,
			       *found ? ", " : "");
	if (*found)
		dr_add(c, VX_DOCTOR_WARN, "debug_kernel", NULL,
		       dr_fmt(c, "a debug kernel: %s%s%s%s: its latencies are not the machine's",
			      found, config ? " (" : "", config ? from : "",
			      config ? ")" : ""),
		       "boot a kernel built without them (the distribution's)");
	else if (config)
		dr_add(c, VX_DOCTOR_OK, "debug_kernel", NULL,
		       dr_fmt(c, "no KASAN, KCSAN, lockdep or other costly debugging (%s)",
			      from), "");
	else
		dr_add(c, VX_DOCTOR_INFO, "debug_kernel", NULL,
		       "no lockdep; no kernel config to read (/boot/config-<release>, /proc/config.gz), so KASAN and the like cannot be ruled out",
		       "");
}
