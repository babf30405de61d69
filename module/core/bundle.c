// SPDX-License-Identifier: GPL-2.0
/*
 * Bundler: fill to size, or flush on timeout or drain.  See bundle.h.
 */
#include <linux/limits.h>
#include <linux/minmax.h>

#include "bundle.h"
#include "txn.h"

void velox_bundler_init(struct velox_bundler *b, u32 size, u64 timeout_ns)
{
	*b = (struct velox_bundler){
		.timeout_ns = timeout_ns,
		/* Validated by the caller; clamped so a bundle never overflows. */
		.size = clamp_t(u32, size, 1, VELOX_BUNDLE_MAX),
	};
}

static void velox_bundler_flush(struct velox_bundler *b,
				struct velox_bundle *bundle, u64 now_ns,
				enum velox_flush_reason reason)
{
	bundle->flush_ns = now_ns;
	bundle->seq = b->seq++;
	bundle->reason = reason;
	bundle->__reserved = 0;
}

/**
 * velox_bundler_filled() - account for transactions put into the bundle
 * @b: the lane's bundler
 * @bundle: the open bundle
 * @n: how many the caller appended at @bundle->txns[@bundle->count], at
 *	most b->size - @bundle->count (a ring pops straight into the bundle)
 * @now_ns: the caller's clock
 *
 * Return: true if that filled it: it is flushed, reason FULL, and the
 * caller sends it on and opens an empty one (count 0).
 */
bool velox_bundler_filled(struct velox_bundler *b, struct velox_bundle *bundle,
			  u32 n, u64 now_ns)
{
	if (!n)
		return false;
	if (!bundle->count)
		b->oldest_ns = now_ns;
	bundle->count += n;
	if (bundle->count < b->size)
		return false;
	velox_bundler_flush(b, bundle, now_ns, VELOX_FLUSH_FULL);
	return true;
}

/* When the open bundle must go out at the latest; U64_MAX if it is empty. */
u64 velox_bundler_deadline(const struct velox_bundler *b,
			   const struct velox_bundle *bundle)
{
	if (!bundle->count)
		return U64_MAX;
	return b->oldest_ns + b->timeout_ns;
}

/**
 * velox_bundler_poll() - flush the open bundle if its oldest txn waited
 * the timeout
 * @b: the lane's bundler
 * @bundle: the open bundle
 * @now_ns: the caller's clock
 *
 * Return: true if flushed (reason TIMEOUT).
 */
bool velox_bundler_poll(struct velox_bundler *b, struct velox_bundle *bundle,
			u64 now_ns)
{
	if (!bundle->count || now_ns < velox_bundler_deadline(b, bundle))
		return false;
	velox_bundler_flush(b, bundle, now_ns, VELOX_FLUSH_TIMEOUT);
	return true;
}

/**
 * velox_bundler_drain() - flush whatever the open bundle holds
 * @b: the lane's bundler
 * @bundle: the open bundle
 * @now_ns: the caller's clock
 *
 * Return: true if it held anything (reason DRAIN); an empty bundle is
 * never sent.
 */
bool velox_bundler_drain(struct velox_bundler *b, struct velox_bundle *bundle,
			 u64 now_ns)
{
	if (!bundle->count)
		return false;
	velox_bundler_flush(b, bundle, now_ns, VELOX_FLUSH_DRAIN);
	return true;
}
