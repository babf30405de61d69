// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl doctor: the machine's settings that spoil a measurement on
 * the CPUs a run would use, each with its fix (libvelox's doctor.c).
 * Read-only, and the module need not be loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

static void doctor_usage(FILE *out)
{
	fputs("Usage: velox-ctl doctor [--cpus LIST] [--json]\n"
	      "\n"
	      "Check the machine before measuring: for each CPU a run would use,\n"
	      "what would make its latencies the machine's noise rather than the\n"
	      "pipeline's, each finding OK, INFO or WARN with the command or boot\n"
	      "parameter that fixes it.  Changes nothing; needs root only to read\n"
	      "/dev/cpu_dma_latency.  The checks:\n"
	      "  isolated         WARN: not in isolcpus= or an isolated cpuset partition\n"
	      "  nohz_full        WARN: the tick runs (INFO: no CONFIG_NO_HZ_FULL)\n"
	      "  rcu_nocbs        WARN: RCU callbacks run there (rcu_nocbs=, nohz_full=)\n"
	      "  irq_affinity     WARN, per IRQ whose effective affinity holds a CPU\n"
	      "  smt              WARN: an SMT sibling in the set, or online and busy\n"
	      "  governor         WARN: not performance, or capped below the CPU's max\n"
	      "                   (INFO: no cpufreq)\n"
	      "  idle_states      WARN: an idle state with exit latency above 0 us may\n"
	      "                   be entered (INFO: no cpuidle)\n"
	      "  cpu_dma_latency  OK: held at 0; INFO: not held, held higher\n"
	      "  rt_throttling    INFO: on (it throttles SCHED_FIFO/RR tasks)\n"
	      "  watchdog         WARN: soft or NMI lockup detector on these CPUs\n"
	      "  timer_migration  INFO: on, for CPUs that are not nohz_full\n"
	      "  debug_kernel     WARN: KASAN, lockdep...; INFO: no config to tell\n"
	      "\n"
	      "The first line names the CPUs and why those: --cpus; else the CPU set\n"
	      "of the module's config (velox-ctl start --cpus, or its cpus=\n"
	      "parameter); else every online CPU, where the scheduler may put the\n"
	      "threads.  'velox-ctl run' says in one line which checks find a WARN\n"
	      "for its CPUs (run --quiet: not).\n"
	      "\n"
	      "Options:\n"
	      "  -c, --cpus LIST  check these CPUs (0-1,3)\n"
	      "  -j, --json       one JSON object: cpus, warn, info, ok, findings\n"
	      "                   (level, check, cpus, what, fix)\n"
	      "  -h, --help       show this help\n"
	      "\n"
	      "Exit status: 0 whatever it finds; 1 if it cannot check; 2 on a\n"
	      "usage error.\n", out);
}

/* --cpus's CPUs, if each is one of the possible CPUs. */
static __u64 *cpus_of_list(const char *list, size_t *size)
{
	__u64 *possible = vx_doctor_sysfs_set(NULL, "possible", size), *set;
	unsigned long beyond;
	char *names;
	long absent;

	if (!possible)
		return NULL;
	set = calloc(1, *size);
	if (!set) {
		vx_err("doctor", "out of memory");
		goto out_free;
	}
	absent = vx_cpulist_parse(list, set, *size, &beyond) == -ERANGE ?
		 (long)beyond : vx_cpu_set_first_not_in(set, *size, possible,
							 *size);
	if (absent >= 0) {
		names = vx_cpulist(possible, *size);
		vx_err("doctor", "--cpus: CPU %ld does not exist (possible: %s)",
		       absent, names ? names : "?");
		free(names);
		free(set);
		set = NULL;
	}
out_free:
	free(possible);
	return set;
}

/*
 * The CPUs a run would use: the module's config's set, if it is loaded
 * and names one, else the online ones; into @why, which.  The module not
 * loaded is no failure: doctor is for before it is.
 */
static __u64 *cpus_of_run(size_t *size, char *why, size_t len)
{
	int fd = open("/dev/" VELOX_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	struct velox_config cfg;
	struct velox_info info;
	__u64 *set = NULL;

	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			snprintf(why, len, "online: velox.ko is not loaded");
		else
			snprintf(why, len, "online: /dev/%s: %s",
				 VELOX_DEVICE_NAME, strerror(errno));
		return vx_doctor_sysfs_set(NULL, "online", size);
	}
	if (vx_get_info(fd, &info))
		goto out_close;
	set = vx_cpu_set_alloc(&info);
	if (set && vx_get_config(fd, &cfg, set, info.cpu_set_size)) {
		free(set);
		set = NULL;
	} else if (set && vx_cpu_set_count(set, info.cpu_set_size)) {
		snprintf(why, len, "the config's");
		*size = info.cpu_set_size;
	} else if (set) {
		free(set);
		snprintf(why, len, "online: the config names none");
		set = vx_doctor_sysfs_set(NULL, "online", size);
	}
out_close:
	close(fd);
	return set;
}

/* The CPUs of @set (@size bytes) that are not online, a cpulist, or NULL. */
static char *not_online(const __u64 *set, size_t size)
{
	__u64 *off = calloc(1, size);
	char *list = NULL;
	size_t i;
	int ret;

	if (!off)
		return NULL;
	/* -ERANGE: online CPUs past the set, which it does not name. */
	ret = vx_cpu_set_sysfs("online", off, size, NULL);
	for (i = 0; (!ret || ret == -ERANGE) && i < size / sizeof(__u64); i++)
		off[i] = set[i] & ~off[i];
	if ((!ret || ret == -ERANGE) && vx_cpu_set_count(off, size))
		list = vx_cpulist(off, size);
	free(off);
	return list;
}

static int doctor_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char why[96] = "--cpus", *off;
	const char *cpus = NULL;
	struct vx_doctor *d;
	bool json = false;
	__u64 *set;
	size_t size;
	int c;

	while ((c = getopt_long(argc, argv, "c:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			/* No room: every CPU named is beyond it, -ERANGE. */
			if (vx_cpulist_parse(optarg, NULL, 0, NULL) != -ERANGE)
				return vx_usage_err("--cpus", "'%s' is not a list of CPUs (0-1,3)",
						    optarg);
			cpus = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			doctor_usage(stdout);
			return VX_EXIT_OK;
		default:
			doctor_usage(stderr);
			return VX_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return vx_usage_err("doctor", "unexpected argument '%s'",
				    argv[optind]);

	set = cpus ? cpus_of_list(cpus, &size) :
		     cpus_of_run(&size, why, sizeof(why));
	if (!set)
		return VX_EXIT_FAIL;
	d = vx_doctor_check(NULL, set, size);
	if (!d) {
		free(set);
		return VX_EXIT_FAIL;
	}
	if (json) {
		vx_doctor_print_json(stdout, d);
		putchar('\n');
	} else {
		off = not_online(set, size);
		printf("CPUs %s (%s%s%s)\n", vx_doctor_cpus(d), why,
		       off ? "; not online: " : "", off ? off : "");
		free(off);
		vx_doctor_print(stdout, d);
		printf("%zu WARN, %zu INFO, %zu OK\n",
		       vx_doctor_count(d, VX_DOCTOR_WARN),
		       vx_doctor_count(d, VX_DOCTOR_INFO),
		       vx_doctor_count(d, VX_DOCTOR_OK));
	}
	vx_doctor_free(d);
	free(set);
	return VX_EXIT_OK;
}

const struct ctl_cmd cmd_doctor = {
	.name = "doctor",
	.summary = "check the machine's settings that spoil measurements, with fixes",
	.run = doctor_run,
	.usage = doctor_usage,
};
