/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transactions and bundles: the types are uapi (uapi/linux/velox.h) so
 * that tools read them too; this header pins their layout and holds the
 * helpers the stages share.
 */
#ifndef VELOX_CORE_TXN_H
#define VELOX_CORE_TXN_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/velox.h>

static_assert(sizeof(struct velox_txn) == 32, "a txn is 32 bytes");
static_assert(sizeof(struct velox_bundle) == 528, "a bundle is 528 bytes");
static_assert(offsetof(struct velox_bundle, txns) == 16,
	      "a bundle's header is 16 bytes");
static_assert(__alignof__(struct velox_txn) == 8, "txns are 8-byte aligned");

/* Two txns per cache line, never one across two. */
static_assert(64 % sizeof(struct velox_txn) == 0, "txns tile a cache line");

#endif /* VELOX_CORE_TXN_H */
