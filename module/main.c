// SPDX-License-Identifier: GPL-2.0
/*
 * Velox: a low-latency transaction pipeline in kernel threads.
 *
 * This file only wires the parts together; each part lives in its own file.
 */
#include <linux/module.h>

#include "chardev.h"
#include "debugfs.h"

static int __init velox_init(void)
{
	int ret;

	ret = velox_chardev_register();
	if (ret)
		return ret;
	velox_debugfs_init();
	return 0;
}

static void __exit velox_exit(void)
{
	velox_debugfs_exit();
	velox_chardev_unregister();
}

module_init(velox_init);
module_exit(velox_exit);

MODULE_DESCRIPTION("Velox low-latency transaction pipeline");
MODULE_AUTHOR("The Velox developers");
MODULE_LICENSE("GPL");
