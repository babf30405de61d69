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
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stringify.h>
#include <linux/velox.h>

#include "chardev.h"
#include "config.h"
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

/* The parameters as a config; -EINVAL (and a line saying which) if bad. */
static int velox_params_config(struct velox_config *cfg)
{
	DECLARE_BITMAP(mask, 64) = {};
	const char *bad;
	int b, f, ret;

	b = velox_backoff_parse(backoff);
	f = velox_policy_parse(policy);
	ret = bitmap_parselist(cpus, mask, 64);
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
	bitmap_to_arr64(&cfg->cpus, mask, 64);

	bad = b < 0 ? "backoff" : f < 0 ? "policy" : ret ? "cpus" :
	      velox_config_invalid(cfg);
	if (bad) {
		pr_err("invalid module parameter %s\n", bad);
		return -EINVAL;
	}
	return 0;
}

static int __init velox_init(void)
{
	struct velox_config cfg;
	int ret;

	ret = velox_params_config(&cfg);
	if (ret)
		return ret;
	ret = velox_engine_init(&velox_engine, &cfg);
	if (ret)
		return ret;
	/* Before the device exists: a failure then has no user to surprise. */
	if (autostart) {
		ret = velox_engine_start(&velox_engine, &cfg, NULL, NULL);
		if (ret)
			goto out_engine_exit;
	}
	ret = velox_chardev_register(&velox_chardev, &velox_engine);
	if (ret)
		goto out_engine_exit;
	velox_debugfs_init(&velox_engine);
	return 0;

out_engine_exit:
	velox_engine_exit(&velox_engine);
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
