/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bundler: gathers transactions into a bundle and says when to flush it:
 * when it holds @size transactions, or when its oldest transaction has
 * waited @timeout_ns in it, or when the lane drains.  The caller owns the
 * bundles (a preallocated pool) and supplies the time, so the bundler
 * neither allocates nor reads a clock.  One bundler per lane: no locking.
 */
#ifndef VELOX_CORE_BUNDLE_H
#define VELOX_CORE_BUNDLE_H

#include <linux/types.h>
#include <linux/velox.h>

/**
 * struct velox_bundler - when a lane's open bundle goes out
 * @timeout_ns: flush a bundle whose oldest transaction waited this long
 * @oldest_ns: when the open bundle's first transaction came
 * @size: flush when this many are in, 1..16
 * @seq: sequence number of the next flush
 */
struct velox_bundler {
	u64 timeout_ns;
	u64 oldest_ns;
	u32 size;
	u32 seq;
};

void velox_bundler_init(struct velox_bundler *b, u32 size, u64 timeout_ns);
bool velox_bundler_filled(struct velox_bundler *b, struct velox_bundle *bundle,
			  u32 n, u64 now_ns);
bool velox_bundler_poll(struct velox_bundler *b, struct velox_bundle *bundle,
			u64 now_ns);
bool velox_bundler_drain(struct velox_bundler *b, struct velox_bundle *bundle,
			 u64 now_ns);
u64 velox_bundler_deadline(const struct velox_bundler *b,
			   const struct velox_bundle *bundle);

#endif /* VELOX_CORE_BUNDLE_H */
