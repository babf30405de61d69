// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/velox/: text a person reads with cat.
 *
 * The files are read-only so that they still work under lockdown, and,
 * as kernel policy asks, nothing here checks debugfs return values: a
 * missing debugfs must not stop the module from working.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/velox.h>

#include "chardev.h"
#include "debugfs.h"

static struct dentry *velox_debugfs_dir;

/* The same facts VELOX_IOC_GET_INFO reports, one "key: value" per line. */
static int info_show(struct seq_file *m, void *unused)
{
	struct velox_info info = { .size = sizeof(info) };

	velox_info_fill(&info);
	seq_printf(m, "abi_version: %u\n", info.abi_version);
	seq_printf(m, "device: /dev/%s\n", VELOX_DEVICE_NAME);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(info);

void velox_debugfs_init(void)
{
	velox_debugfs_dir = debugfs_create_dir("velox", NULL);
	debugfs_create_file("info", 0444, velox_debugfs_dir, NULL, &info_fops);
}

void velox_debugfs_exit(void)
{
	debugfs_remove(velox_debugfs_dir);
}
