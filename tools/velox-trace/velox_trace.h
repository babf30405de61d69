/* SPDX-License-Identifier: GPL-2.0 */
/* What velox-trace's BPF programs and its userspace side share. */
#ifndef VELOX_TRACE_SHARED_H
#define VELOX_TRACE_SHARED_H

/* Bundles flushed for one reason (and lane, with -L). */
struct vt_flush {
	__u64 bundles;
	__u64 txns;
	__u64 wait_ns;		/* sum of the first transaction's wait */
};

/* Engine events counted in the "events" map. */
enum vt_event {
	VT_STARTS,
	VT_STOPS,
	VT_EVENTS
};

#endif /* VELOX_TRACE_SHARED_H */
