// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox's doctor on machines made of files: each test builds, in a
 * temporary directory, the proc/, sys/, dev/ and boot/ of a machine set
 * up for measuring on CPU 1 of CPUs 0-3 (every check OK), changes one
 * setting, and checks the finding it makes (level, CPUs, what, fix), and
 * that it goes when the setting is put back.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libvelox.h"

#define CPU	"sys/devices/system/cpu/"
#define KERNEL	"proc/sys/kernel/"
#define CHECKS	12

static const char *const checks[CHECKS] = {
	"isolated", "nohz_full", "rcu_nocbs", "irq_affinity", "smt",
	"governor", "idle_states", "cpu_dma_latency", "rt_throttling",
	"watchdog", "timer_migration", "debug_kernel",
};

/* Write @text to @root/@path, making its directories. */
static void put(const char *root, const char *path, const char *text,
		size_t len)
{
	char full[PATH_MAX], *slash;
	FILE *f;

	snprintf(full, sizeof(full), "%s/%s", root, path);
	for (slash = strchr(full + strlen(root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(full, 0755);
		*slash = '/';
	}
	f = fopen(full, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "cannot write %s: %s\n", full, strerror(errno));
		exit(1);
	}
}

static void set(const char *root, const char *path, const char *text)
{
	put(root, path, text, strlen(text));
}

static void rm(const char *root, const char *path)
{
	char full[PATH_MAX];

	snprintf(full, sizeof(full), "%s/%s", root, path);
	unlink(full);
}

static void qos(const char *root, __s32 value)
{
	put(root, "dev/cpu_dma_latency", (const char *)&value, sizeof(value));
}

static void idle_state(const char *root, int cpu, int k, const char *name,
		       const char *latency, const char *disable)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), CPU "cpu%d/cpuidle/state%d/name", cpu, k);
	set(root, path, name);
	snprintf(path, sizeof(path), CPU "cpu%d/cpuidle/state%d/latency", cpu, k);
	set(root, path, latency);
	snprintf(path, sizeof(path), CPU "cpu%d/cpuidle/state%d/disable", cpu, k);
	set(root, path, disable);
}

static void cpufreq(const char *root, int cpu, const char *gov,
		    const char *min, const char *max, const char *hwmax)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), CPU "cpu%d/cpufreq/scaling_governor", cpu);
	set(root, path, gov);
	snprintf(path, sizeof(path), CPU "cpu%d/cpufreq/scaling_min_freq", cpu);
	set(root, path, min);
	snprintf(path, sizeof(path), CPU "cpu%d/cpufreq/scaling_max_freq", cpu);
	set(root, path, max);
	snprintf(path, sizeof(path), CPU "cpu%d/cpufreq/cpuinfo_max_freq", cpu);
	set(root, path, hwmax);
}

/*
 * CPUs 0-3, CPU 1 isolated, nohz_full, its callbacks offloaded, no IRQ
 * on it, no SMT, performance at full speed, only POLL enabled,
 * cpu_dma_latency held at 0, no RT throttling, the watchdog off CPU 1,
 * timers not migrating, a distribution's kernel.
 */
static void machine(const char *root)
{
	int cpu;

	set(root, CPU "possible", "0-3\n");
	set(root, CPU "online", "0-3\n");
	set(root, CPU "isolated", "1\n");
	set(root, CPU "nohz_full", "1\n");
	set(root, "proc/cmdline",
	    "BOOT_IMAGE=/vmlinuz root=/dev/sda1 isolcpus=1 nohz_full=1 rcu_nocbs=1 quiet -- rcu_nocbs=3\n");
	set(root, "proc/interrupts",
	    "           CPU0       CPU1       CPU2       CPU3       \n"
	    "  0:         44          0          0          0   IO-APIC   2-edge      timer\n"
	    "  4:          0          0        312          0   IO-APIC   4-edge      ttyS0\n"
	    " 12:          0          0          0          0   IO-APIC  12-edge      i8042, serio\n"
	    " 24:       1234          0          0          0  PCI-MSI 512000-edge      ahci[0000:00:1f.2]\n"
	    "NMI:          0          0          0          0   Non-maskable interrupts\n"
	    "LOC:       5023       4011       3993       4102   Local timer interrupts\n");
	set(root, "proc/irq/0/effective_affinity_list", "0\n");
	set(root, "proc/irq/0/smp_affinity_list", "0\n");
	set(root, "proc/irq/4/effective_affinity_list", "2\n");
	set(root, "proc/irq/4/smp_affinity_list", "0,2-3\n");
	set(root, "proc/irq/12/effective_affinity_list", "3\n");
	set(root, "proc/irq/12/smp_affinity_list", "3\n");
	set(root, "proc/irq/24/effective_affinity_list", "0\n");
	set(root, "proc/irq/24/smp_affinity_list", "0,2-3\n");
	/* No handler, so not in /proc/interrupts: it never fires. */
	set(root, "proc/irq/7/effective_affinity_list", "1\n");
	set(root, "proc/irq/7/smp_affinity_list", "0-3\n");
	set(root, "proc/irq/default_smp_affinity", "f\n");
	for (cpu = 0; cpu < 4; cpu++) {
		char path[PATH_MAX], list[8];

		snprintf(path, sizeof(path), CPU "cpu%d/topology/thread_siblings_list",
			 cpu);
		snprintf(list, sizeof(list), "%d\n", cpu);
		set(root, path, list);
		cpufreq(root, cpu, "performance\n", "800000\n", "3600000\n",
			"3600000\n");
		idle_state(root, cpu, 0, "POLL\n", "0\n", "0\n");
		idle_state(root, cpu, 1, "C1\n", "2\n", "1\n");
		idle_state(root, cpu, 2, "C6\n", "133\n", "1\n");
	}
	qos(root, 0);
	set(root, KERNEL "sched_rt_runtime_us", "-1\n");
	set(root, KERNEL "sched_rt_period_us", "1000000\n");
	set(root, KERNEL "watchdog", "1\n");
	set(root, KERNEL "soft_watchdog", "1\n");
	set(root, KERNEL "nmi_watchdog", "0\n");
	set(root, KERNEL "watchdog_thresh", "10\n");
	set(root, KERNEL "watchdog_cpumask", "0,2-3\n");
	set(root, KERNEL "timer_migration", "0\n");
	set(root, KERNEL "osrelease", "6.1.0-test-amd64\n");
	/* Names that start like a debug option's but are not it. */
	set(root, "boot/config-6.1.0-test-amd64",
	    "CONFIG_SMP=y\n# CONFIG_KASAN is not set\n"
	    "CONFIG_KASAN_SHADOW_OFFSET=0xdffffc0000000000\n"
	    "CONFIG_HAVE_ARCH_KASAN=y\nCONFIG_PROVE_LOCKING_LIGHT=y\n"
	    "CONFIG_DEBUG_KMEMLEAK=n\n");
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

FIXTURE(doctor) {
	char root[64];
	__u64 set;
	struct vx_doctor *d;
};

FIXTURE_SETUP(doctor)
{
	strcpy(self->root, "/tmp/doctor_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	machine(self->root);
	self->d = NULL;
}

FIXTURE_TEARDOWN(doctor)
{
	vx_doctor_free(self->d);
	nftw(self->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The doctor of CPUs @cpus of the machine at @root, kept in @self. */
static struct vx_doctor *check(FIXTURE_DATA(doctor) *self, const char *cpus)
{
	vx_doctor_free(self->d);
	if (vx_cpulist_parse(cpus, &self->set, sizeof(self->set), NULL))
		return self->d = NULL;
	return self->d = vx_doctor_check(self->root, &self->set,
					 sizeof(self->set));
}

/* The @nth finding of @name, or NULL. */
static const struct vx_doctor_finding *find(const struct vx_doctor *d,
					    const char *name, size_t nth)
{
	const struct vx_doctor_finding *f;
	size_t i, n = d ? vx_doctor_findings(d, &f) : 0;

	for (i = 0; i < n; i++)
		if (!strcmp(f[i].check, name) && !nth--)
			return &f[i];
	return NULL;
}

/*
 * The one finding of @name: @level, about @cpus, its what and fix holding
 * @what and @fix; a @fix of "" expects none.
 */
#define EXPECT_FINDING(name, lvl, cpu_list, what_has, fix_has) do {		\
	const struct vx_doctor_finding *_f = find(self->d, name, 0);		\
	ASSERT_NE(NULL, _f) TH_LOG("no %s finding", name);			\
	EXPECT_EQ(NULL, find(self->d, name, 1))					\
		TH_LOG("%s: more than one finding", name);			\
	EXPECT_STREQ(vx_doctor_level_name(lvl), vx_doctor_level_name(_f->level)) \
		TH_LOG("%s: %s", name, _f->what);				\
	EXPECT_STREQ(cpu_list, _f->cpus) TH_LOG("%s: %s", name, _f->what);	\
	EXPECT_NE(NULL, strstr(_f->what, what_has))				\
		TH_LOG("%s: expected '%s' in '%s'", name, what_has, _f->what);	\
	/* The harness's checks are two statements: braces. */		\
	if (*(fix_has)) {							\
		EXPECT_NE(NULL, strstr(_f->fix, fix_has))			\
			TH_LOG("%s: expected '%s' in fix '%s'", name, fix_has,	\
			       _f->fix);					\
	} else {								\
		EXPECT_STREQ("", _f->fix) TH_LOG("%s: fix '%s'", name, _f->fix); \
	}									\
} while (0)

TEST_F(doctor, a_machine_set_for_measuring_is_ok_in_every_check)
{
	const struct vx_doctor_finding *f;
	size_t i, n;

	ASSERT_NE(NULL, check(self, "1"));
	n = vx_doctor_findings(self->d, &f);
	ASSERT_EQ(CHECKS, n);
	for (i = 0; i < n; i++) {
		EXPECT_STREQ(checks[i], f[i].check);
		EXPECT_EQ(VX_DOCTOR_OK, f[i].level)
			TH_LOG("%s: %s %s", f[i].check,
			       vx_doctor_level_name(f[i].level), f[i].what);
	}
	EXPECT_EQ(CHECKS, vx_doctor_count(self->d, VX_DOCTOR_OK));
	EXPECT_STREQ("1", vx_doctor_cpus(self->d));
}

TEST_F(doctor, a_cpu_not_isolated_warns_with_isolcpus_of_both)
{
	check(self, "1-2");
	EXPECT_FINDING("isolated", VX_DOCTOR_WARN, "2", "CPU 2 not isolated",
		       "isolcpus=1-2");
	check(self, "0-3");
	EXPECT_FINDING("isolated", VX_DOCTOR_WARN, "0,2-3", "leave one out",
		       "isolcpus=0-3");
	check(self, "1");
	EXPECT_FINDING("isolated", VX_DOCTOR_OK, "1", "CPU 1 isolated", "");
}

TEST_F(doctor, an_isolated_cpuset_partition_counts_as_isolated)
{
	set(self->root, "sys/fs/cgroup/cpuset.cpus.isolated", "2\n");
	check(self, "1-2");
	EXPECT_FINDING("isolated", VX_DOCTOR_OK, "1-2", "isolated", "");
}

TEST_F(doctor, a_cpu_not_nohz_full_warns)
{
	check(self, "2");
	EXPECT_FINDING("nohz_full", VX_DOCTOR_WARN, "2", "CPU 2 not nohz_full",
		       "nohz_full=1-2");
	/* What sysfs says with no nohz_full= on some kernels. */
	set(self->root, CPU "nohz_full", "(null)\n");
	check(self, "1");
	EXPECT_FINDING("nohz_full", VX_DOCTOR_WARN, "1", "not nohz_full",
		       "nohz_full=1");
	rm(self->root, CPU "nohz_full");
	check(self, "1");
	EXPECT_FINDING("nohz_full", VX_DOCTOR_INFO, "1", "CONFIG_NO_HZ_FULL",
		       "nohz_full=1");
}

TEST_F(doctor, rcu_nocbs_comes_from_the_command_line_or_nohz_full)
{
	/* CPU 1 by nohz_full alone. */
	set(self->root, "proc/cmdline", "quiet rcu_nocbs=2 -- rcu_nocbs=3\n");
	check(self, "1-2");
	EXPECT_FINDING("rcu_nocbs", VX_DOCTOR_OK, "1-2", "offloaded", "");
	/* Init's arguments (after --) are not the kernel's. */
	check(self, "3");
	EXPECT_FINDING("rcu_nocbs", VX_DOCTOR_WARN, "3", "CPU 3: RCU callbacks run there",
		       "rcu_nocbs=1-3");
	/* The last one counts, as in the kernel. */
	set(self->root, "proc/cmdline", "rcu_nocbs=3 rcu_nocbs=2\n");
	check(self, "3");
	EXPECT_FINDING("rcu_nocbs", VX_DOCTOR_WARN, "3", "callbacks run",
		       "rcu_nocbs=1-3");
	set(self->root, "proc/cmdline", "rcu_nocbs\n");
	check(self, "0-3");
	EXPECT_FINDING("rcu_nocbs", VX_DOCTOR_OK, "0-3", "offloaded", "");
	set(self->root, "proc/cmdline", "rcu_nocbs=all\n");
	check(self, "0-3");
	EXPECT_FINDING("rcu_nocbs", VX_DOCTOR_OK, "0-3", "offloaded", "");
	set(self->root, "proc/cmdline", "rcu_nocbs=0-3:1/2\n");
	check(self, "2");
	EXPECT_FINDING("rcu_nocbs", VX_DOCTOR_INFO, "2", "0-3:1/2", "");
}

TEST_F(doctor, an_irq_delivered_to_a_cpu_warns_by_name_until_moved)
{
	set(self->root, "proc/irq/4/effective_affinity_list", "1\n");
	set(self->root, "proc/irq/4/smp_affinity_list", "0-3\n");
	check(self, "1");
	EXPECT_FINDING("irq_affinity", VX_DOCTOR_WARN, "1",
		       "IRQ 4 ttyS0 is delivered to CPU 1 (effective_affinity_list 1)",
		       "echo 0,2-3 > /proc/irq/4/smp_affinity_list");
	EXPECT_NE(NULL, strstr(find(self->d, "irq_affinity", 0)->fix,
			       "irqaffinity=0,2-3"));
	set(self->root, "proc/irq/4/effective_affinity_list", "2\n");
	set(self->root, "proc/irq/4/smp_affinity_list", "0,2-3\n");
	check(self, "1");
	EXPECT_FINDING("irq_affinity", VX_DOCTOR_OK, "1",
		       "none of 4 IRQs with a handler", "");
}

/* x86's IO-APIC moves an IRQ when it next fires: until then, say so. */
TEST_F(doctor, an_irq_moved_off_but_not_yet_fired_says_it_moves)
{
	set(self->root, "proc/irq/4/effective_affinity_list", "1\n");
	set(self->root, "proc/irq/4/smp_affinity_list", "0\n");
	check(self, "1");
	EXPECT_FINDING("irq_affinity", VX_DOCTOR_WARN, "1",
		       "IRQ 4 ttyS0 is delivered to CPU 1 (effective_affinity_list 1; smp_affinity_list 0: it moves there when it next fires)",
		       "echo 0,2-3 > /proc/irq/4/smp_affinity_list");
}

TEST_F(doctor, irq_names_are_the_actions_of_proc_interrupts)
{
	set(self->root, "proc/irq/12/effective_affinity_list", "1\n");
	set(self->root, "proc/irq/24/effective_affinity_list", "1\n");
	check(self, "1");
	ASSERT_NE(NULL, find(self->d, "irq_affinity", 1));
	EXPECT_NE(NULL, strstr(find(self->d, "irq_affinity", 0)->what,
			       "IRQ 12 i8042, serio is"))
		TH_LOG("%s", find(self->d, "irq_affinity", 0)->what);
	EXPECT_NE(NULL, strstr(find(self->d, "irq_affinity", 1)->what,
			       "IRQ 24 ahci[0000:00:1f.2] is"))
		TH_LOG("%s", find(self->d, "irq_affinity", 1)->what);
	EXPECT_EQ(NULL, find(self->d, "irq_affinity", 2));
}

TEST_F(doctor, without_an_effective_affinity_the_allowed_one_counts)
{
	rm(self->root, "proc/irq/4/effective_affinity_list");
	set(self->root, "proc/irq/4/smp_affinity_list", "0-3\n");
	check(self, "1");
	EXPECT_FINDING("irq_affinity", VX_DOCTOR_WARN, "1",
		       "IRQ 4 ttyS0 may be delivered to CPU 1 (smp_affinity_list 0-3)",
		       "echo 0,2-3 > ");
	/* Not started yet: no effective CPU. */
	set(self->root, "proc/irq/4/effective_affinity_list", "\n");
	check(self, "1");
	EXPECT_FINDING("irq_affinity", VX_DOCTOR_WARN, "1", "smp_affinity_list",
		       "/proc/irq/4/smp_affinity_list");
}

TEST_F(doctor, an_irq_with_nowhere_else_to_go_says_so)
{
	set(self->root, CPU "online", "0-1\n");
	set(self->root, "proc/irq/24/effective_affinity_list", "1\n");
	check(self, "0-1");
	ASSERT_NE(NULL, find(self->d, "irq_affinity", 1));
	EXPECT_NE(NULL, strstr(find(self->d, "irq_affinity", 1)->fix,
			       "no online CPU outside the set"));
}

TEST_F(doctor, an_smt_sibling_busy_or_in_the_set_warns)
{
	set(self->root, CPU "cpu1/topology/thread_siblings_list", "1,3\n");
	set(self->root, CPU "cpu3/topology/thread_siblings_list", "1,3\n");
	check(self, "1");
	EXPECT_FINDING("smt", VX_DOCTOR_WARN, "1", "CPU 1's SMT sibling 3",
		       "echo 0 > /sys/devices/system/cpu/cpu3/online");
	/* Both in the set: one finding about the pair. */
	check(self, "1,3");
	EXPECT_FINDING("smt", VX_DOCTOR_WARN, "1,3", "CPUs 1 and 3 share a core",
		       "leave 3 out");
	set(self->root, CPU "isolated", "1,3\n");
	check(self, "1");
	EXPECT_FINDING("smt", VX_DOCTOR_OK, "1", "offline or isolated", "");
	set(self->root, CPU "isolated", "1\n");
	set(self->root, CPU "online", "0-2\n");
	check(self, "1");
	EXPECT_FINDING("smt", VX_DOCTOR_OK, "1", "offline or isolated", "");
}

TEST_F(doctor, a_governor_not_performance_warns_for_its_cpus_together)
{
	cpufreq(self->root, 1, "powersave\n", "800000\n", "3600000\n", "3600000\n");
	cpufreq(self->root, 2, "powersave\n", "800000\n", "3600000\n", "3600000\n");
	check(self, "1-3");
	ASSERT_NE(NULL, find(self->d, "governor", 1));
	EXPECT_EQ(NULL, find(self->d, "governor", 2));
	/* Equal CPUs share a line, and the command names them all. */
	EXPECT_STREQ("1-2", find(self->d, "governor", 0)->cpus);
	EXPECT_STREQ("CPUs 1-2: governor powersave, 800-3600 MHz of the CPU's 3600 MHz",
		     find(self->d, "governor", 0)->what);
	EXPECT_STREQ("cpupower -c 1-2 frequency-set -g performance",
		     find(self->d, "governor", 0)->fix);
	EXPECT_STREQ("3", find(self->d, "governor", 1)->cpus);
	EXPECT_EQ(VX_DOCTOR_OK, find(self->d, "governor", 1)->level);
}

TEST_F(doctor, a_max_frequency_below_the_cpus_warns)
{
	cpufreq(self->root, 1, "performance\n", "800000\n", "3000000\n",
		"3600000\n");
	check(self, "1");
	EXPECT_FINDING("governor", VX_DOCTOR_WARN, "1",
		       "governor performance, 800-3000 MHz of the CPU's 3600 MHz",
		       "cpupower -c 1 frequency-set -u 3600MHz");
	cpufreq(self->root, 1, "schedutil\n", "800000\n", "3000000\n",
		"3600500\n");
	check(self, "1");
	EXPECT_FINDING("governor", VX_DOCTOR_WARN, "1", "3600.5 MHz",
		       "frequency-set -g performance -u 3600500kHz");
}

TEST_F(doctor, no_cpufreq_is_nothing_to_set)
{
	rm(self->root, CPU "cpu1/cpufreq/scaling_governor");
	check(self, "1");
	EXPECT_FINDING("governor", VX_DOCTOR_INFO, "1",
		       "no cpufreq on CPU 1: nothing to set", "");
}

TEST_F(doctor, an_enabled_deep_idle_state_warns_unless_qos_forbids_it)
{
	idle_state(self->root, 1, 2, "C6\n", "133\n", "0\n");
	qos(self->root, 2000000000);
	check(self, "1");
	EXPECT_FINDING("idle_states", VX_DOCTOR_WARN, "1",
		       "CPU 1: may enter idle state C6 (exit latency 133 us)",
		       "cpupower -c 1 idle-set -D 1");
	/* Held at 20 us: C6 is out, C1 (disabled) too. */
	qos(self->root, 20);
	check(self, "1");
	EXPECT_FINDING("idle_states", VX_DOCTOR_OK, "1", "POLL (exit latency 0 us)",
		       "");
	idle_state(self->root, 1, 1, "C1\n", "2\n", "0\n");
	check(self, "1");
	EXPECT_FINDING("idle_states", VX_DOCTOR_WARN, "1",
		       "C1 (exit latency 2 us), within cpu_dma_latency's limit",
		       "idle-set -D 1");
	qos(self->root, 0);
	check(self, "1");
	EXPECT_FINDING("idle_states", VX_DOCTOR_OK, "1", "POLL", "");
}

TEST_F(doctor, idle_states_without_cpuidle_or_all_disabled)
{
	idle_state(self->root, 1, 0, "POLL\n", "0\n", "1\n");
	check(self, "1");
	EXPECT_FINDING("idle_states", VX_DOCTOR_OK, "1", "every idle state disabled",
		       "");
	rm(self->root, CPU "cpu1/cpuidle/state0/name");
	check(self, "1");
	EXPECT_FINDING("idle_states", VX_DOCTOR_INFO, "1", "no cpuidle on CPU 1",
		       "idle=poll");
}

TEST_F(doctor, cpu_dma_latency_says_what_is_held)
{
	check(self, "1");
	EXPECT_FINDING("cpu_dma_latency", VX_DOCTOR_OK, "", "held at 0 us", "");
	qos(self->root, 2000000000);
	check(self, "1");
	EXPECT_FINDING("cpu_dma_latency", VX_DOCTOR_INFO, "", "no request",
		       "exec 3<>/dev/cpu_dma_latency; printf '\\000\\000\\000\\000' >&3");
	qos(self->root, 50);
	check(self, "1");
	EXPECT_FINDING("cpu_dma_latency", VX_DOCTOR_INFO, "", "held at 50 us",
		       "exec 3<>");
	rm(self->root, "dev/cpu_dma_latency");
	check(self, "1");
	EXPECT_FINDING("cpu_dma_latency", VX_DOCTOR_INFO, "",
		       "cannot read /dev/cpu_dma_latency: No such file", "");
}

TEST_F(doctor, rt_throttling_on_is_info)
{
	set(self->root, KERNEL "sched_rt_runtime_us", "950000\n");
	check(self, "1");
	EXPECT_FINDING("rt_throttling", VX_DOCTOR_INFO, "",
		       "950000 us of every 1000000 us",
		       "sysctl -w kernel.sched_rt_runtime_us=-1");
	set(self->root, KERNEL "sched_rt_runtime_us", "1000000\n");
	check(self, "1");
	EXPECT_FINDING("rt_throttling", VX_DOCTOR_OK, "", "off", "");
}

TEST_F(doctor, a_lockup_detector_on_the_cpus_warns)
{
	set(self->root, KERNEL "watchdog_cpumask", "0-3\n");
	check(self, "1");
	EXPECT_FINDING("watchdog", VX_DOCTOR_WARN, "1",
		       "soft lockup detector (a timer and the stopper thread every 4.0 s) on CPU 1",
		       "sysctl -w kernel.watchdog=0 (boot: nowatchdog); or off these CPUs only: sysctl -w kernel.watchdog_cpumask=0,2-3");
	set(self->root, KERNEL "soft_watchdog", "0\n");
	set(self->root, KERNEL "nmi_watchdog", "1\n");
	check(self, "1");
	EXPECT_FINDING("watchdog", VX_DOCTOR_WARN, "1", "NMI watchdog (an NMI about every 10 s) on CPU 1",
		       "sysctl -w kernel.nmi_watchdog=0");
	/* The master switch turns both off. */
	set(self->root, KERNEL "watchdog", "0\n");
	check(self, "1");
	EXPECT_FINDING("watchdog", VX_DOCTOR_OK, "1", "lockup detectors off", "");
	set(self->root, KERNEL "watchdog", "1\n");
	set(self->root, KERNEL "watchdog_cpumask", "0,2-3\n");
	check(self, "1");
	EXPECT_FINDING("watchdog", VX_DOCTOR_OK, "1", "not on CPU 1", "");
}

/*
 * Reading soft_watchdog or nmi_watchdog sets it to what runs: while
 * watchdog is 0, doctor must not open them.  Here they are FIFOs, whose
 * open would wait for a writer that never comes.
 */
TEST_F_TIMEOUT(doctor, the_watchdog_off_its_other_knobs_are_not_read, 5)
{
	char path[PATH_MAX];

	set(self->root, KERNEL "watchdog", "0\n");
	snprintf(path, sizeof(path), "%s/" KERNEL "soft_watchdog", self->root);
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, mkfifo(path, 0600));
	snprintf(path, sizeof(path), "%s/" KERNEL "nmi_watchdog", self->root);
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, mkfifo(path, 0600));
	check(self, "1");
	EXPECT_FINDING("watchdog", VX_DOCTOR_OK, "1", "lockup detectors off", "");
}

TEST_F(doctor, timer_migration_matters_off_nohz_full_cpus)
{
	set(self->root, KERNEL "timer_migration", "1\n");
	check(self, "1");
	EXPECT_FINDING("timer_migration", VX_DOCTOR_OK, "1", "on, but CPU 1 nohz_full",
		       "");
	check(self, "1-2");
	EXPECT_FINDING("timer_migration", VX_DOCTOR_INFO, "2",
		       "may be moved to CPU 2", "sysctl -w kernel.timer_migration=0");
	set(self->root, KERNEL "timer_migration", "0\n");
	check(self, "1-2");
	EXPECT_FINDING("timer_migration", VX_DOCTOR_OK, "", "off", "");
}

TEST_F(doctor, a_debug_kernel_warns_from_its_config)
{
	set(self->root, "boot/config-6.1.0-test-amd64",
	    "CONFIG_SMP=y\nCONFIG_KASAN=y\nCONFIG_KASAN_INLINE=y\n"
	    "CONFIG_PROVE_LOCKING=y\n");
	check(self, "1");
	EXPECT_FINDING("debug_kernel", VX_DOCTOR_WARN, "",
		       "a debug kernel: KASAN, PROVE_LOCKING (/boot/config-6.1.0-test-amd64)",
		       "boot a kernel built without them");
}

TEST_F(doctor, a_debug_kernel_warns_from_proc_lockdep_or_config_gz)
{
	char path[PATH_MAX], cmd[PATH_MAX + 64];

	rm(self->root, "boot/config-6.1.0-test-amd64");
	check(self, "1");
	EXPECT_FINDING("debug_kernel", VX_DOCTOR_INFO, "",
		       "no kernel config to read", "");
	set(self->root, "proc/lockdep", "all lock classes:\n");
	check(self, "1");
	EXPECT_FINDING("debug_kernel", VX_DOCTOR_WARN, "", "lockdep (/proc/lockdep)",
		       "boot a kernel");
	rm(self->root, "proc/lockdep");
	snprintf(path, sizeof(path), "%s/proc/config.gz", self->root);
	snprintf(cmd, sizeof(cmd), "printf 'CONFIG_SMP=y\\nCONFIG_DEBUG_KMEMLEAK=y\\n' | gzip > %s",
		 path);
	ASSERT_EQ(0, system(cmd));
	check(self, "1");
	EXPECT_FINDING("debug_kernel", VX_DOCTOR_WARN, "",
		       "DEBUG_KMEMLEAK (/proc/config.gz)", "boot a kernel");
	snprintf(cmd, sizeof(cmd), "printf 'CONFIG_SMP=y\\n' | gzip > %s", path);
	ASSERT_EQ(0, system(cmd));
	check(self, "1");
	EXPECT_FINDING("debug_kernel", VX_DOCTOR_OK, "", "(/proc/config.gz)", "");
}

/* Run's one-line warning: each WARN check once, in the checks' order. */
TEST_F(doctor, the_warn_summary_names_each_warn_check_once)
{
	char buf[64], tiny[8];

	check(self, "1");
	EXPECT_EQ(0, vx_doctor_warn_summary(self->d, buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	set(self->root, "proc/irq/4/effective_affinity_list", "1\n");
	set(self->root, "proc/irq/24/effective_affinity_list", "1\n");
	set(self->root, CPU "isolated", "\n");
	check(self, "1");
	EXPECT_EQ(strlen("isolated, irq_affinity"),
		  vx_doctor_warn_summary(self->d, buf, sizeof(buf)));
	EXPECT_STREQ("isolated, irq_affinity", buf);
	EXPECT_EQ(strlen("isolated, irq_affinity"),
		  vx_doctor_warn_summary(self->d, tiny, sizeof(tiny)));
	EXPECT_STREQ("isolate", tiny);
	EXPECT_EQ(3, vx_doctor_count(self->d, VX_DOCTOR_WARN));
}

static char *print(const struct vx_doctor *d, bool json)
{
	size_t len;
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	if (json)
		vx_doctor_print_json(f, d);
	else
		vx_doctor_print(f, d);
	fclose(f);
	return text;
}

TEST_F(doctor, text_is_a_line_per_finding_and_its_fix_below)
{
	char *text;

	set(self->root, KERNEL "timer_migration", "1\n");
	check(self, "1-2");
	text = print(self->d, false);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text,
		"\nINFO  timer_migration  on: timers armed on idle CPUs may be moved to CPU 2 while busy\n"
		"      fix: sysctl -w kernel.timer_migration=0\n"))
		TH_LOG("%s", text);
	EXPECT_EQ(0, strncmp(text, "WARN  isolated         CPU 2 not isolated", 41))
		TH_LOG("%s", text);
	free(text);
}

TEST_F(doctor, json_has_the_counts_and_escapes_names)
{
	char *json;

	set(self->root, "proc/interrupts",
	    "           CPU0       CPU1       CPU2       CPU3\n"
	    "  4:          0          0          0          0   IO-APIC   4-edge      tty\"S0\\\n");
	set(self->root, "proc/irq/4/effective_affinity_list", "1\n");
	check(self, "1");
	json = print(self->d, true);
	ASSERT_NE(NULL, json);
	EXPECT_EQ(0, strncmp(json, "{\"cpus\":\"1\",\"warn\":1,\"info\":0,\"ok\":11,\"findings\":[{\"level\":\"OK\",\"check\":\"isolated\",\"cpus\":\"1\",\"what\":",
			     strlen("{\"cpus\":\"1\",\"warn\":1,\"info\":0,\"ok\":11,\"findings\":[{\"level\":\"OK\",\"check\":\"isolated\",\"cpus\":\"1\",\"what\":")))
		TH_LOG("%s", json);
	EXPECT_NE(NULL, strstr(json, "{\"level\":\"WARN\",\"check\":\"irq_affinity\",\"cpus\":\"1\",\"what\":\"IRQ 4 tty\\\"S0\\\\ is delivered"))
		TH_LOG("%s", json);
	/* No newline: a saved result holds the object inside its own. */
	EXPECT_STREQ("\"}]}", json + strlen(json) - 4);
	free(json);
}

/* Every file's bytes, to compare before and after. */
static FILE *snap;

static int snap_one(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	char buf[4096];
	size_t n;
	FILE *f;

	(void)ftw;
	if (flag != FTW_F)
		return 0;
	fprintf(snap, "%s %ld %ld:", path, (long)st->st_size,
		(long)st->st_mtim.tv_nsec);
	f = fopen(path, "r");
	while (f && (n = fread(buf, 1, sizeof(buf), f)))
		fwrite(buf, 1, n, snap);
	if (f)
		fclose(f);
	return 0;
}

static char *snapshot(const char *root)
{
	char *text = NULL;
	size_t len;

	snap = open_memstream(&text, &len);
	nftw(root, snap_one, 16, FTW_PHYS);
	fclose(snap);
	return text;
}

TEST_F(doctor, doctor_changes_nothing)
{
	char *before, *after;

	set(self->root, KERNEL "timer_migration", "1\n");
	set(self->root, "proc/irq/4/effective_affinity_list", "1\n");
	qos(self->root, 2000000000);
	before = snapshot(self->root);
	check(self, "0-3");
	ASSERT_NE(NULL, self->d);
	after = snapshot(self->root);
	EXPECT_STREQ(before, after);
	free(before);
	free(after);
}

TEST_HARNESS_MAIN
