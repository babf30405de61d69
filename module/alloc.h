/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How Velox allocates.  Every allocation, at module init, START or
 * read(), is sized by the module's parameters or the caller's config, and
 * its failure is returned to whoever asked (-ENOMEM from insmod, the
 * ioctl or read()), which is where it is reported: the allocator's own
 * warning and stack dump would add a splat to the kernel log for an
 * error the caller already has (and fail the fault-injection tests,
 * which read the log).
 */
#ifndef VELOX_ALLOC_H
#define VELOX_ALLOC_H

#include <linux/gfp.h>

#define VELOX_GFP	(GFP_KERNEL | __GFP_NOWARN)

#endif /* VELOX_ALLOC_H */
