// SPDX-License-Identifier: GPL-2.0
/*
 * The one test module that holds every Velox KUnit suite; each suite is in
 * its own <name>_kunit.c and registers itself.
 */
#include <linux/module.h>

MODULE_DESCRIPTION("KUnit tests for Velox");
MODULE_LICENSE("GPL");
