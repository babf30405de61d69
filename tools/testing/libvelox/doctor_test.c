// SPDX-License-Identifier: GPL-2.0
/* STUB: being written. */
#include "kselftest_harness.h"
#include "libvelox.h"

TEST(stub)
{
}

TEST_HARNESS_MAIN
