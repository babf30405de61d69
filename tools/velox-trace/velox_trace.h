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
	VT_SPIKES_LOST,		/* -T: the "spikes" ring buffer was full */
	VT_LANE_BEYOND,		/* -L: an event of a lane past the maps' slots */
	VT_EVENTS
};

/*
 * -T: one velox_tail event, as the "spikes" ring buffer carries it.
 * @cause_ns is indexed by enum velox_cause, the tracepoint's order.
 */
struct vt_spike {
	__u64 id;
	__u64 e2e_ns;
	__u64 cause_ns[VELOX_CAUSES];
	__u32 lane;
	__u32 __pad;
};

#endif /* VELOX_TRACE_SHARED_H */
