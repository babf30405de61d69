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
#include <linux/velox.h>

#include "chardev.h"
#include "config.h"
#include "core/names.h"
#include "debugfs.h"
#include "engine.h"

static unsigned int rate = 100000;
module_param(rate, uint, 0444);
MODULE_PARM_DESC(rate, "Transactions per second, all lanes together (1..10000000)");

static unsigned int lanes = 1;
module_param(lanes, uint, 0444);
MODULE_PARM_DESC(lanes, "Lanes sharing the order book (1..online CPUs)");

static unsigned int bundle = VELOX_BUNDLE_MAX;
module_param(bundle, uint, 0444);
MODULE_PARM_DESC(bundle, "Transactions per bundle (1..16)");

static unsigned int flush_us = 100;
module_param(flush_us, uint, 0444);
MODULE_PARM_DESC(flush_us, "Flush a bundle whose oldest member waited this long, in us");

static unsigned int ring = 1024;
module_param(ring, uint, 0444);
MODULE_PARM_DESC(ring, "Ring capacity in transactions, a power of two (4..65536)");

static unsigned int sample = 1;
module_param(sample, uint, 0444);
MODULE_PARM_DESC(sample, "Record the latency of 1 transaction in this many");

static unsigned int spin_cap = 64;
module_param(spin_cap, uint, 0444);
MODULE_PARM_DESC(spin_cap, "Most cpu_relax() calls in one backoff round");

static char *backoff = "sleep";
module_param(backoff, charp, 0444);
MODULE_PARM_DESC(backoff, "What an idle thread does: spin, yield or sleep");

static char *policy = "drop";
module_param(policy, charp, 0444);
MODULE_PARM_DESC(policy, "Ingress facing a full ring: drop or block");

static unsigned int threads;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "Threads per lane: 1, 2 or 4; 0 chooses from the CPUs");

static unsigned int seed = 1;
module_param(seed, uint, 0444);
MODULE_PARM_DESC(seed, "Seed of the order mix");

static char *cpus = "";
module_param(cpus, charp, 0444);
MODULE_PARM_DESC(cpus, "CPUs to bind threads to, as a list (0-1,3); empty: any");

static bool autostart;
module_param(autostart, bool, 0444);
MODULE_PARM_DESC(autostart, "Start the pipeline at load");

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
		.spin_cap = spin_cap,
		.backoff = b < 0 ? 0 : b,
		.policy = f < 0 ? 0 : f,
		.threads = threads > U8_MAX ? U8_MAX : threads,
		.seed = seed,
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
