// SPDX-License-Identifier: GPL-2.0
/*
 * velox-trace's BPF side: raw tracepoint programs on the velox events that
 * rebuild, in per-CPU maps (per lane with -L), the same log-linear
 * histograms velox.ko keeps (struct velox_hist_data, the same buckets),
 * and count bundle flushes by reason and drops.
 *
 * Raw tracepoints, because velox.ko has no BTF with Debian's headers: the
 * arguments are read as ctx->args[n] in the order of <trace/events/velox.h>'s
 * TP_PROTO, which that file keeps stable.
 */
#include <linux/bpf.h>
#include <linux/velox.h>
#include <bpf/bpf_helpers.h>

#include "velox_trace.h"

/*
 * Set by velox-trace before load: one slot per lane, or all in slot 0;
 * the slots the maps hold (velox_info.max_lanes with -L, else 1).
 */
const volatile __u32 per_lane;
const volatile __u32 nr_slots = 1;

/* Key: slot * VELOX_STAGES + stage; max_entries set before load. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VELOX_STAGES);
	__type(key, __u32);
	__type(value, struct velox_hist_data);
} hists SEC(".maps");

/* Key: slot * VELOX_FLUSH_REASONS + reason. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VELOX_FLUSH_REASONS);
	__type(key, __u32);
	__type(value, struct vt_flush);
} flushes SEC(".maps");

/* Key: slot. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* -T: each velox_tail event, for velox-trace to print as it comes. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} spikes SEC(".maps");

/* Key: enum vt_event. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VT_EVENTS);
	__type(key, __u32);
	__type(value, __u64);
} events SEC(".maps");


/* Index of the last set bit, 1-based; BPF has no such instruction. */
static __always_inline __u32 fls64(__u64 x)
{
	__u32 r = 1;

	if (!x)
		return 0;
	if (x >> 32) {
		x >>= 32;
		r += 32;
	}
	if (x >> 16) {
		x >>= 16;
		r += 16;
	}
	if (x >> 8) {
		x >>= 8;
		r += 8;
	}
	if (x >> 4) {
		x >>= 4;
		r += 4;
	}
	if (x >> 2) {
		x >>= 2;
		r += 2;
	}
	if (x >> 1)
		r += 1;
	return r;
}

/* The bucket velox_hist_index() (module/core/hist.h) gives @ns. */
static __always_inline __u32 bucket_of(__u64 ns)
{
	const __u64 limit = 1ULL << VELOX_HIST_LIMIT_SHIFT;
	const __u64 exact = 2ULL << VELOX_HIST_SUB_BITS;
	__u64 v = ns < limit ? ns : limit;
	__u32 shift = fls64(v | (exact - 1)) - (VELOX_HIST_SUB_BITS + 1);

	return (shift << VELOX_HIST_SUB_BITS) + (__u32)(v >> shift);
}

static __always_inline void record(__u32 slot, __u32 stage, __u64 ns)
{
	__u32 key = slot * VELOX_STAGES + stage;
	struct velox_hist_data *h = bpf_map_lookup_elem(&hists, &key);
	__u32 b = bucket_of(ns);

	if (!h || b >= VELOX_HIST_BUCKETS)
		return;
	h->buckets[b]++;
	/*
	 * Plain updates suffice: a per-CPU slot is never nested on its CPU,
	 * and a lane's own slot (-L) is written by one thread of the lane.
	 */
	if (!h->count || ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
	h->count++;
	h->sum += ns;
}

static __always_inline void count_event(__u32 ev)
{
	__u64 *n = bpf_map_lookup_elem(&events, &ev);

	if (n)
		(*n)++;
}

/*
 * @lane's slot; nr_slots for a lane past the maps (one that came with a
 * CPU brought online since velox-trace started): counted, not recorded.
 */
static __always_inline __u32 slot_of(__u64 lane)
{
	if (!per_lane)
		return 0;
	if (lane < nr_slots)
		return (__u32)lane;
	count_event(VT_LANE_BEYOND);
	return nr_slots;
}

/* velox_txn_egress(lane, id, match_ns, bundle_ns, egress_ns, e2e_ns) */
SEC("raw_tp/velox_txn_egress")
int vt_txn_egress(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 slot = slot_of(ctx->args[0]);

	if (slot >= nr_slots)
		return 0;
	record(slot, VELOX_STAGE_MATCH, ctx->args[2]);
	record(slot, VELOX_STAGE_BUNDLE, ctx->args[3]);
	record(slot, VELOX_STAGE_EGRESS, ctx->args[4]);
	record(slot, VELOX_STAGE_E2E, ctx->args[5]);
	/* 0 while tail capture is off: velox.ko records no service time then. */
	if (ctx->args[6])
		record(slot, VELOX_STAGE_SERVICE, ctx->args[6]);
	return 0;
}

/* velox_bundle_flush(lane, seq, count, reason, wait_ns) */
SEC("raw_tp/velox_bundle_flush")
int vt_bundle_flush(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 slot = slot_of(ctx->args[0]), key;
	struct vt_flush *f;

	if (slot >= nr_slots || ctx->args[3] >= VELOX_FLUSH_REASONS)
		return 0;
	key = slot * VELOX_FLUSH_REASONS + (__u32)ctx->args[3];
	f = bpf_map_lookup_elem(&flushes, &key);
	if (!f)
		return 0;
	f->bundles++;
	f->txns += ctx->args[2];
	f->wait_ns += ctx->args[4];
	return 0;
}

/* velox_drop(lane, first_id, count) */
SEC("raw_tp/velox_drop")
int vt_drop(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 key = slot_of(ctx->args[0]);
	__u64 *n;

	if (key >= nr_slots)
		return 0;
	n = bpf_map_lookup_elem(&drops, &key);
	if (n)
		*n += ctx->args[2];
	return 0;
}

/*
 * velox_tail(lane, id, e2e_ns, then the ns of each enum velox_cause):
 * loaded only with -T, so velox-trace keeps working on a velox.ko
 * without the event.
 */
SEC("raw_tp/velox_tail")
int vt_tail(struct bpf_raw_tracepoint_args *ctx)
{
	struct vt_spike *s = bpf_ringbuf_reserve(&spikes, sizeof(*s), 0);
	int i;

	if (!s) {
		count_event(VT_SPIKES_LOST);
		return 0;
	}
	s->lane = ctx->args[0];
	s->id = ctx->args[1];
	s->e2e_ns = ctx->args[2];
#pragma unroll
	for (i = 0; i < VELOX_CAUSES; i++)
		s->cause_ns[i] = ctx->args[3 + i];
	s->__pad = 0;
	bpf_ringbuf_submit(s, 0);
	return 0;
}

SEC("raw_tp/velox_engine_start")
int vt_engine_start(struct bpf_raw_tracepoint_args *ctx)
{
	count_event(VT_STARTS);
	return 0;
}

SEC("raw_tp/velox_engine_stop")
int vt_engine_stop(struct bpf_raw_tracepoint_args *ctx)
{
	count_event(VT_STOPS);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
