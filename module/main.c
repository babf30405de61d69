// SPDX-License-Identifier: GPL-2.0
/*
 * Velox: a low-latency transaction pipeline in kernel threads.
 *
 * This file only wires the parts together: the module parameters become
 * the engine's default config, then the device and debugfs are set up,
 * and with autostart=1 the pipeline starts.  Each part lives in its own
 * file; the data path starts in engine.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stringify.h>
#include <linux/velox.h>

#include "chardev.h"
#include "config.h"
#include "cpuset.h"
#include "core/idle.h"
#include "core/names.h"
#include "debugfs.h"
#include "engine.h"

/*
 * A module parameter: its variable, its default, and a description that
 * carries the default, so that "modinfo velox.ko" shows it.
 */
#define VELOX_PARAM(ctype, type, name, init, desc)			\
	static ctype name = init;					\
	module_param(name, type, 0444);					\
	MODULE_PARM_DESC(name, desc " (default " __stringify(init) ")")

VELOX_PARAM(unsigned int, uint, rate, 100000,
	    "Transactions per second, all lanes together: 1..10000000");
VELOX_PARAM(unsigned int, uint, lanes, 1,
	    "Lanes sharing the order book: 1..online CPUs");
VELOX_PARAM(unsigned int, uint, bundle, 16, "Transactions per bundle: 1..16");
VELOX_PARAM(unsigned int, uint, flush_us, 100,
	    "Flush a bundle whose oldest member waited this long, in us");
VELOX_PARAM(unsigned int, uint, ring, 1024,
	    "Ring capacity in transactions, a power of two: 4..65536");
VELOX_PARAM(unsigned int, uint, sample, 1,
	    "Record the latency of 1 transaction in this many");
VELOX_PARAM(unsigned int, uint, spin_us, VELOX_IDLE_SPIN_US_DEFAULT,
	    "How long (us) an idle thread spins before it yields or sleeps");
VELOX_PARAM(char *, charp, backoff, "sleep",
	    "What an idle thread does: spin, yield or sleep");
VELOX_PARAM(char *, charp, policy, "drop",
	    "What ingress does at a full ring: drop or block");
VELOX_PARAM(unsigned int, uint, threads, 0,
	    "Threads per lane: 1, 2 or 4; 0 chooses from the CPUs");
VELOX_PARAM(unsigned int, uint, seed, 1, "Seed of the order mix");
VELOX_PARAM(char *, charp, cpus, "",
	    "CPUs to bind threads to, as a list (0-1,3); empty: any");
VELOX_PARAM(unsigned long long, ullong, tail_ns, 0,
	    "Capture sampled transactions this slow (end to end, ns) with their causes; 0: off");
VELOX_PARAM(unsigned long long, ullong, snapshot_ns, 0,
	    "Take an ftrace snapshot at the first spike this slow (ns, at least tail_ns); 0: off");
VELOX_PARAM(bool, bool, autostart, false, "Start the pipeline at load");

static struct velox_engine velox_engine;
static struct velox_chardev velox_chardev;

/*
 * The cpus parameter as a cpumask; -EINVAL (and a line naming the CPU) for
 * a CPU the machine does not have.  Parsed as wide as a uapi CPU set may
 * be, so that an id past the machine's is named, not just refused.
 */
static int velox_params_cpus(struct cpumask *mask)
{
	unsigned int nbits = VELOX_CPU_SET_SIZE_MAX * BITS_PER_BYTE, cpu;
	unsigned long *bits = bitmap_zalloc(nbits, GFP_KERNEL);
	int ret;

	if (!bits)
		return -ENOMEM;
	cpumask_clear(mask);
	ret = bitmap_parselist(cpus, bits, nbits);
	if (ret == -ERANGE) {
		pr_err("invalid module parameter cpus: '%s' names a CPU past %u, the largest CPU set's\n",
		       cpus, nbits - 1);
		goto out_free;
	}
	if (ret) {
		pr_err("invalid module parameter cpus: '%s' is not a list of CPUs (0-1,3)\n",
		       cpus);
		goto out_free;
	}
	for_each_set_bit(cpu, bits, nbits) {
		if (cpu >= nr_cpu_ids) {
			pr_err("invalid module parameter cpus: CPU %u does not exist (possible: %*pbl)\n",
			       cpu, cpumask_pr_args(cpu_possible_mask));
			ret = -EINVAL;
			goto out_free;
		}
		cpumask_set_cpu(cpu, mask);
	}
out_free:
	bitmap_free(bits);
	return ret;
}

/* The parameters as a config; -EINVAL (and a line saying which) if bad. */
static int velox_params_config(struct velox_config *cfg, struct cpumask *mask)
{
	const char *bad;
	unsigned int cpu;
	int b, f, ret;

	ret = velox_params_cpus(mask);
	if (ret)
		return ret;
	b = velox_backoff_parse(backoff);
	f = velox_policy_parse(policy);
	*cfg = (struct velox_config){
		.size = sizeof(*cfg),
		.lanes = lanes,
		.rate = rate,
		.bundle = bundle,
		.flush_us = flush_us,
		.ring = ring,
		.sample = sample,
		.spin_us = spin_us,
		.backoff = b < 0 ? 0 : b,
		.policy = f < 0 ? 0 : f,
		.threads = threads > U8_MAX ? U8_MAX : threads,
		.seed = seed,
		.tail_ns = tail_ns,
		.snapshot_ns = snapshot_ns,
	};

	bad = b < 0 ? "backoff" : f < 0 ? "policy" :
	      velox_config_invalid(cfg, mask);
	if (bad && !strcmp(bad, "cpus")) {
		cpu = velox_cpumask_first_andnot(mask, cpu_online_mask);
		pr_err("invalid module parameter cpus: CPU %u is not online (online: %*pbl)\n",
		       cpu, cpumask_pr_args(cpu_online_mask));
		return -EINVAL;
	}
	if (bad) {
		pr_err("invalid module parameter %s\n", bad);
		return -EINVAL;
	}
	return 0;
}

static int __init velox_init(void)
{
	struct velox_config cfg;
	cpumask_var_t cpus;
	int ret;

	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL))
		return -ENOMEM;
	ret = velox_params_config(&cfg, cpus);
	if (ret)
		goto out_free_cpus;
	ret = velox_engine_init(&velox_engine, &cfg, cpus);
	if (ret)
		goto out_free_cpus;
	/* Before the device exists: a failure then has no user to surprise. */
	if (autostart) {
		ret = velox_engine_start(&velox_engine, &cfg, cpus, NULL, NULL);
		if (ret)
			goto out_engine_exit;
	}
	ret = velox_chardev_register(&velox_chardev, &velox_engine);
	if (ret)
		goto out_engine_exit;
	velox_debugfs_init(&velox_engine);
	free_cpumask_var(cpus);
	return 0;

out_engine_exit:
	velox_engine_exit(&velox_engine);
out_free_cpus:
	free_cpumask_var(cpus);
	return ret;
}

static void __exit velox_exit(void)
{
	velox_debugfs_exit();
	velox_chardev_unregister(&velox_chardev);
	velox_engine_exit(&velox_engine);
}

module_init(velox_init);
module_exit(velox_exit);

MODULE_DESCRIPTION("Velox low-latency transaction pipeline");
MODULE_AUTHOR("The Velox developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(VELOX_VERSION);
