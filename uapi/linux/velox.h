/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Velox: the interface between velox.ko and userspace.
 *
 * Every ioctl argument is a struct whose first member is its own size.  The
 * kernel reads it with copy_struct_from_user() semantics: a caller built
 * against an older header passes a shorter struct and gets the defaults for
 * what it does not know; a caller built against a newer header may pass a
 * longer one as long as the part the kernel does not know is zero
 * (otherwise -E2BIG).  The ioctl numbers therefore carry no size.
 */
#ifndef _UAPI_LINUX_VELOX_H
#define _UAPI_LINUX_VELOX_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped on any incompatible change to what this header describes. */
#define VELOX_ABI_VERSION	1

/* The misc device is /dev/VELOX_DEVICE_NAME. */
#define VELOX_DEVICE_NAME	"velox"

#define VELOX_IOC_TYPE		0xb7

enum {
	VELOX_CMD_BASE = 0x80,
	VELOX_CMD_GET_INFO = VELOX_CMD_BASE,
};

/**
 * struct velox_info - VELOX_IOC_GET_INFO: what the loaded module is
 * @size: sizeof(struct velox_info), set by the caller
 * @abi_version: VELOX_ABI_VERSION of the loaded module, set by the kernel
 *
 * The kernel writes back min(@size, its own size) bytes.
 */
struct velox_info {
	__u32 size;
	__u32 abi_version;
};

#define VELOX_IOC_GET_INFO	_IO(VELOX_IOC_TYPE, VELOX_CMD_GET_INFO)

enum velox_side {
	VELOX_SIDE_BID = 0,
	VELOX_SIDE_ASK = 1,
};

enum velox_kind {
	VELOX_KIND_LIMIT = 0,	/* match while it crosses, rest the remainder */
	VELOX_KIND_MARKET = 1,	/* match what is there, never rest */
	VELOX_KIND_CANCEL = 2,	/* remove up to qty from own side at price */
};

/**
 * struct velox_txn - one transaction, 32 bytes, as it moves through a lane
 * @ts_ns: intended ingress time (ns, CLOCK_MONOTONIC): when the pacer meant
 *	to send it, so queueing behind a stall counts as latency
 * @id: unique per run, in generation order within a lane
 * @price: in ticks
 * @qty: quantity; never 0 in a valid transaction
 * @side: enum velox_side
 * @kind: enum velox_kind
 * @flags: VELOX_TXN_* bits
 * @lane: the lane that generated it
 * @match_ns: ns from @ts_ns to when the matcher took it (saturating), so
 *	the later stages can split end-to-end latency per hop
 */
struct velox_txn {
	__u64 ts_ns;
	__u64 id;
	__u32 price;
	__u32 qty;
	__u8 side;
	__u8 kind;
	__u8 flags;
	__u8 lane;
	__u32 match_ns;
};

/* Timestamps of this transaction are recorded (1 in N are, by --sample). */
#define VELOX_TXN_SAMPLED	0x1

enum velox_flush_reason {
	VELOX_FLUSH_FULL = 0,		/* reached the bundle size */
	VELOX_FLUSH_TIMEOUT = 1,	/* oldest member waited flush_timeout */
	VELOX_FLUSH_DRAIN = 2,		/* the pipeline is stopping */
	VELOX_FLUSH_REASONS
};

#define VELOX_BUNDLE_MAX	16

/**
 * struct velox_bundle - up to 16 transactions sent on together, 528 bytes
 * @flush_ns: when the bundler flushed it
 * @seq: per-lane bundle sequence number
 * @count: transactions in @txns
 * @reason: enum velox_flush_reason
 * @__reserved: zero
 * @txns: the transactions, oldest first
 */
struct velox_bundle {
	__u64 flush_ns;
	__u32 seq;
	__u8 count;
	__u8 reason;
	__u16 __reserved;
	struct velox_txn txns[VELOX_BUNDLE_MAX];
};

#endif /* _UAPI_LINUX_VELOX_H */
