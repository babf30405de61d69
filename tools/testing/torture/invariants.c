// SPDX-License-Identifier: GPL-2.0
/*
 * What the stats area must satisfy: on every consistent snapshot, and
 * between two snapshots of one mapping (the module cannot have been
 * reloaded under a mapping, which holds it).
 *
 * "Within a run" is: the same run number.  Its counts only grow while it
 * runs and stops; once it is stopped nothing changes any more except
 * RESET_STATS, which only a stopped module takes and which zeroes every
 * count at once (a snapshot that is stopped and all zero).  A new run
 * starts from zero under a new number.
 */
#include <stddef.h>
#include <string.h>

#include "libvelox.h"
#include "names.h"
#include "torture.h"

#define NCOUNTERS VELOX_NR_COUNTERS
#define RESTING (offsetof(struct velox_counters, resting_qty) / sizeof(__u64))
#define HIST_EXACT 128
#define HIST_OVERFLOW (VELOX_HIST_BUCKETS - 1)

static const __u64 *counters(const struct velox_stats *s)
{
	return (const __u64 *)&s->total;
}

static uint64_t bucket_lo(unsigned int i)
{
	unsigned int shift;

	if (i < HIST_EXACT)
		return i;
	shift = (i >> VELOX_HIST_SUB_BITS) - 1;
	return (uint64_t)((i & ((1u << VELOX_HIST_SUB_BITS) - 1)) +
			  (1u << VELOX_HIST_SUB_BITS)) << shift;
}

static uint64_t bucket_hi(unsigned int i)
{
	if (i >= HIST_OVERFLOW)
		return UINT64_MAX;
	if (i < HIST_EXACT)
		return i;
	return bucket_lo(i) + (1ull << ((i >> VELOX_HIST_SUB_BITS) - 1)) - 1;
}

/* Every count of a run zeroed: RESET_STATS, or no run yet. */
bool tt_stats_zeroed(const struct velox_stats *s)
{
	const struct velox_lane_counters *lane = velox_stats_lanes(s);
	const __u64 *c = counters(s);
	unsigned int i;

	for (i = 0; i < NCOUNTERS; i++)
		if (c[i])
			return false;
	for (i = 0; i < s->slots; i++)
		if (lane[i].generated || lane[i].delivered || lane[i].dropped)
			return false;
	for (i = 0; i < VELOX_STAGES; i++)
		if (s->hist[i].count)
			return false;
	return true;
}

/* A CPU of @s's CPU set. */
static bool in_cpu_set(const struct velox_stats *s, unsigned long cpu)
{
	return cpu / 64 < s->cpu_set_size / 8 &&
	       (velox_stats_cpu_set(s)[cpu / 64] & (1ull << (cpu % 64)));
}

/*
 * A worker of @s's run is bound to @cpu: round-robin over the CPUs of its
 * set in id order, so the first lanes * threads of them.
 */
bool tt_cpu_bound(const struct velox_stats *s, unsigned long cpu)
{
	unsigned long workers = (unsigned long)s->config.lanes *
				s->config.threads;
	const __u64 *set = velox_stats_cpu_set(s);
	unsigned long k = 0, w;

	if (!in_cpu_set(s, cpu))
		return false;
	for (w = 0; w < cpu / 64; w++)
		k += __builtin_popcountll(set[w]);
	k += __builtin_popcountll(set[cpu / 64] & ((1ull << (cpu % 64)) - 1));
	return k < workers;
}

static void check_hist(const struct velox_stats *s, unsigned int stage)
{
	const struct velox_hist_data *h = &s->hist[stage];
	uint64_t sum = 0, rank, seen = 0, p50;
	int lo = -1, hi = -1, mid = -1;
	unsigned int i;

	for (i = 0; i < VELOX_HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		if (lo < 0)
			lo = i;
		hi = i;
		sum += h->buckets[i];
	}
	if (h->count != sum) {
		tt_fail(TT_CK_HIST_COUNT, "run %llu state %u hist[%u]: count %llu, buckets sum to %llu",
			(unsigned long long)s->run, s->state, stage,
			(unsigned long long)h->count, (unsigned long long)sum);
		return;
	}
	if (!h->count) {
		if (h->min != UINT64_MAX || h->max || h->sum)
			tt_fail(TT_CK_HIST_COUNT, "run %llu hist[%u] empty: expected min ~0, max 0, sum 0, got %llu %llu %llu",
				(unsigned long long)s->run, stage,
				(unsigned long long)h->min,
				(unsigned long long)h->max,
				(unsigned long long)h->sum);
		return;
	}
	/* p50 as the kernel reports it, before its clamp into [min, max]. */
	rank = (h->count + 1) / 2;
	for (i = 0; i < VELOX_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			mid = i;
			break;
		}
	}
	p50 = bucket_lo(mid) + (bucket_hi(mid) - bucket_lo(mid)) / 2;
	if (mid >= HIST_OVERFLOW)
		p50 = h->max;
	if (h->min > h->max || bucket_hi(mid) < h->min ||
	    bucket_lo(mid) > h->max ||
	    h->min < bucket_lo(lo) || h->min > bucket_hi(lo) ||
	    h->max < bucket_lo(hi) || h->max > bucket_hi(hi))
		tt_fail(TT_CK_HIST_ORDER, "run %llu state %u hist[%u]: min %llu, p50 ~%llu (bucket %d), max %llu; lowest bucket %d [%llu, %llu], highest %d [%llu, %llu]",
			(unsigned long long)s->run, s->state, stage,
			(unsigned long long)h->min, (unsigned long long)p50,
			mid, (unsigned long long)h->max, lo,
			(unsigned long long)bucket_lo(lo),
			(unsigned long long)bucket_hi(lo), hi,
			(unsigned long long)bucket_lo(hi),
			(unsigned long long)bucket_hi(hi));
	/* Stopped, the sum is exact too: the mean lies between the two. */
	if (s->state == VELOX_STATE_STOPPED &&
	    (h->sum / h->count < h->min || h->sum / h->count > h->max))
		tt_fail(TT_CK_HIST_ORDER, "run %llu stopped hist[%u]: mean %llu outside [%llu, %llu]",
			(unsigned long long)s->run, stage,
			(unsigned long long)(h->sum / h->count),
			(unsigned long long)h->min, (unsigned long long)h->max);
}

/* Why a run that is stopping or stopped stopped (uapi: from STOPPING on). */
static void check_stop_reason(const struct velox_stats *s)
{
	if (s->stop_reason != VELOX_STOP_NONE)
		tt->stop_reason_seen = 1;
	if (s->stop_reason == VELOX_STOP_CPU_OFFLINE &&
	    !vx_cpu_set_count(velox_stats_cpu_set(s), s->cpu_set_size))
		tt_fail(TT_CK_STOP_REASON, "run %llu stopped for a CPU going offline, but its threads were bound to none",
			(unsigned long long)s->run);
	if (s->stop_reason == VELOX_STOP_NONE && tt->stop_reason_seen)
		tt_fail(TT_CK_STOP_REASON, "run %llu %s with stop_reason none, expected user or cpu-offline",
			(unsigned long long)s->run,
			s->state == VELOX_STATE_STOPPING ? "stopping" : "stopped");
}

/* A stopped run's counts are final: the conservation laws hold exactly. */
static void check_stopped(const struct velox_stats *s)
{
	const struct velox_lane_counters *lane = velox_stats_lanes(s);
	const struct velox_counters *t = &s->total;
	unsigned long long run = s->run;
	__u64 gen = 0, del = 0, drop = 0, flushes = 0;
	unsigned int i;

	for (i = 0; i < s->slots; i++) {
		const struct velox_lane_counters *l = &lane[i];

		if (l->generated != l->delivered + l->dropped)
			tt_fail(TT_CK_CONSERVATION, "run %llu stopped, lane %u: generated %llu != delivered %llu + dropped %llu",
				run, i, (unsigned long long)l->generated,
				(unsigned long long)l->delivered,
				(unsigned long long)l->dropped);
		gen += l->generated;
		del += l->delivered;
		drop += l->dropped;
	}
	if (t->generated != t->delivered + t->dropped)
		tt_fail(TT_CK_CONSERVATION, "run %llu stopped: generated %llu != delivered %llu + dropped %llu",
			run, (unsigned long long)t->generated,
			(unsigned long long)t->delivered,
			(unsigned long long)t->dropped);
	if (gen != t->generated || del != t->delivered || drop != t->dropped)
		tt_fail(TT_CK_CONSERVATION, "run %llu stopped: lanes sum to %llu/%llu/%llu generated/delivered/dropped, total says %llu/%llu/%llu",
			run, (unsigned long long)gen, (unsigned long long)del,
			(unsigned long long)drop,
			(unsigned long long)t->generated,
			(unsigned long long)t->delivered,
			(unsigned long long)t->dropped);
	for (i = 0; i < VELOX_FLUSH_REASONS; i++)
		flushes += t->flushes[i];
	if (flushes != t->bundles)
		tt_fail(TT_CK_CONSERVATION, "run %llu stopped: flushes sum to %llu, bundles %llu",
			run, (unsigned long long)flushes,
			(unsigned long long)t->bundles);
	if (t->orders != t->delivered)
		tt_fail(TT_CK_CONSERVATION, "run %llu stopped: the book took %llu orders, %llu were delivered",
			run, (unsigned long long)t->orders,
			(unsigned long long)t->delivered);
	for (i = 0; i <= VELOX_STAGE_E2E; i++)
		if (s->hist[i].count != t->sampled)
			tt_fail(TT_CK_CONSERVATION, "run %llu stopped: hist[%u] holds %llu, sampled %llu",
				run, i, (unsigned long long)s->hist[i].count,
				(unsigned long long)t->sampled);
	if (s->hist[VELOX_STAGE_SERVICE].count != (s->config.tail_ns ? t->sampled : 0))
		tt_fail(TT_CK_CONSERVATION, "run %llu stopped (tail_ns %llu): hist[service] holds %llu, sampled %llu",
			run, (unsigned long long)s->config.tail_ns,
			(unsigned long long)s->hist[VELOX_STAGE_SERVICE].count,
			(unsigned long long)t->sampled);
	if (t->submitted_qty != 2 * t->filled_qty + t->resting_qty +
	    t->cancelled_qty + t->expired_qty + t->rejected_qty)
		tt_fail(TT_CK_BOOK, "run %llu stopped: submitted_qty %llu != 2 * filled %llu + resting %llu + cancelled %llu + expired %llu + rejected %llu",
			run, (unsigned long long)t->submitted_qty,
			(unsigned long long)t->filled_qty,
			(unsigned long long)t->resting_qty,
			(unsigned long long)t->cancelled_qty,
			(unsigned long long)t->expired_qty,
			(unsigned long long)t->rejected_qty);
	if (!s->stop_ns || s->stop_ns < s->start_ns)
		tt_fail(TT_CK_HEADER, "run %llu stopped: stop_ns %llu, start_ns %llu",
			run, (unsigned long long)s->stop_ns,
			(unsigned long long)s->start_ns);
}

/*
 * The run's CPU set, as the uapi lays the area out: behind the fixed part,
 * the machine's size, naming CPUs that have a slot (a possible CPU id),
 * the fixed part's own fields for it zero.
 */
static void check_cpu_set(const struct velox_stats *s)
{
	const struct velox_config *c = &s->config;
	long last = -1, w;

	for (w = s->cpu_set_size / 8 - 1; w >= 0 && last < 0; w--)
		if (velox_stats_cpu_set(s)[w])
			last = w * 64 + 63 -
			       __builtin_clzll(velox_stats_cpu_set(s)[w]);
	if (c->cpus || c->cpu_set || c->cpu_set_size || c->__reserved1 ||
	    s->__reserved || !s->cpu_set_size || last >= (long)s->slots)
		tt_fail(TT_CK_HEADER, "run %llu: config cpus %#llx cpu_set %#llx cpu_set_size %u __reserved1 %u, expected 0; area __reserved %u; its CPU set %u bytes, up to CPU %ld of %u slots",
			(unsigned long long)s->run,
			(unsigned long long)c->cpus,
			(unsigned long long)c->cpu_set, c->cpu_set_size,
			c->__reserved1, s->__reserved, s->cpu_set_size, last,
			s->slots);
}

void tt_check_snapshot(const struct velox_stats *s)
{
	const struct velox_lane_counters *lane = velox_stats_lanes(s);
	unsigned int i;

	if (s->magic != VELOX_STATS_MAGIC || s->abi_version != VELOX_ABI_VERSION ||
	    s->size < sizeof(*s) || (s->seq & 1) ||
	    s->state > VELOX_STATE_STOPPING ||
	    s->stop_reason >= VELOX_STOP_REASONS) {
		tt_fail(TT_CK_HEADER, "magic %#llx abi %u size %u seq %u state %u stop_reason %u",
			(unsigned long long)s->magic, s->abi_version, s->size,
			s->seq, s->state, s->stop_reason);
		return;
	}
	check_cpu_set(s);
	for (i = 0; i < VELOX_STAGES; i++)
		check_hist(s, i);
	if (s->total.seq_errors)
		tt_fail(TT_CK_CONSERVATION, "run %llu: seq_errors %llu, expected 0 (a transaction lost, duplicated or reordered)",
			(unsigned long long)s->run,
			(unsigned long long)s->total.seq_errors);
	for (i = 0; i < 6; i++)
		if (s->total.__reserved[i])
			tt_fail(TT_CK_HEADER, "total.__reserved[%u] = %llu", i,
				(unsigned long long)s->total.__reserved[i]);
	/* vx_stats_check() saw to config.lanes <= slots. */
	for (i = s->config.lanes; i < s->slots; i++)
		if (lane[i].generated || lane[i].delivered || lane[i].dropped) {
			tt_fail(TT_CK_HEADER, "run %llu has %u lanes, lane %u of %u slots counts",
				(unsigned long long)s->run, s->config.lanes, i,
				s->slots);
			break;
		}
	if (s->run == 0) {
		if (s->state != VELOX_STATE_STOPPED || !tt_stats_zeroed(s) ||
		    s->stop_reason != VELOX_STOP_NONE)
			tt_fail(TT_CK_HEADER, "no run yet, but state %u stop_reason %u, counts %s",
				s->state, s->stop_reason,
				tt_stats_zeroed(s) ? "zero" : "not zero");
		return;
	}
	if (s->state == VELOX_STATE_RUNNING) {
		if (s->stop_ns || !s->start_ns)
			tt_fail(TT_CK_HEADER, "run %llu running: stop_ns %llu start_ns %llu",
				(unsigned long long)s->run,
				(unsigned long long)s->stop_ns,
				(unsigned long long)s->start_ns);
		if (s->stop_reason != VELOX_STOP_NONE)
			tt_fail(TT_CK_STOP_REASON, "run %llu running with stop_reason %u, expected none",
				(unsigned long long)s->run, s->stop_reason);
		return;
	}
	if (s->state == VELOX_STATE_STOPPING) {
		check_stop_reason(s);
		return;
	}
	if (tt_stats_zeroed(s))
		return;
	check_stop_reason(s);
	check_stopped(s);
}

static int state_rank(__u32 state)
{
	return state == VELOX_STATE_RUNNING ? 0 :
	       state == VELOX_STATE_STOPPING ? 1 : 2;
}

/* @p, then @s, from one mapping of one module. */
void tt_check_pair(const struct velox_stats *p, const struct velox_stats *s)
{
	const struct velox_lane_counters *pl = velox_stats_lanes(p);
	const struct velox_lane_counters *sl = velox_stats_lanes(s);
	const __u64 *pc = counters(p), *sc = counters(s);
	unsigned long long run = s->run;
	unsigned int i, k;

	/* One mapping of one module: its layout never changes. */
	if (s->slots != p->slots || s->lane_offset != p->lane_offset ||
	    s->noise_offset != p->noise_offset ||
	    s->cpu_set_offset != p->cpu_set_offset ||
	    s->cpu_set_size != p->cpu_set_size) {
		tt_fail(TT_CK_HEADER, "one mapping's layout changed: slots %u -> %u, offsets %u/%u/%u -> %u/%u/%u, CPU set %u -> %u bytes",
			p->slots, s->slots, p->lane_offset, p->noise_offset,
			p->cpu_set_offset, s->lane_offset, s->noise_offset,
			s->cpu_set_offset, p->cpu_set_size, s->cpu_set_size);
		return;
	}

	if (s->publishes < p->publishes || s->run < p->run) {
		tt_fail(TT_CK_STATE_ORDER, "went back: publication %llu run %llu after publication %llu run %llu",
			(unsigned long long)s->publishes, run,
			(unsigned long long)p->publishes,
			(unsigned long long)p->run);
		return;
	}
	if (s->run != p->run) {
		tt_event(TT_EV_RUN_SEEN);
		return;
	}
	if (state_rank(s->state) < state_rank(p->state))
		tt_fail(TT_CK_STATE_ORDER, "run %llu went from state %u back to %u",
			run, p->state, s->state);
	if (s->start_ns != p->start_ns ||
	    memcmp(&s->config, &p->config, sizeof(s->config)) ||
	    memcmp(velox_stats_cpu_set(s), velox_stats_cpu_set(p),
		   s->cpu_set_size))
		tt_fail(TT_CK_STATE_ORDER, "run %llu: its start time or config changed",
			run);
	if (s->state == VELOX_STATE_STOPPED && tt_stats_zeroed(s)) {
		if (!tt_stats_zeroed(p))
			tt_event(TT_EV_RESET_SEEN);
		return;
	}
	if (p->state == VELOX_STATE_STOPPED) {
		if (memcmp(&s->total, &p->total, sizeof(s->total)) ||
		    memcmp(sl, pl, s->slots * sizeof(*sl)) ||
		    memcmp(s->hist, p->hist, sizeof(s->hist)))
			tt_fail(TT_CK_STOPPED_FROZEN, "run %llu stopped, yet its counts changed (generated %llu -> %llu, delivered %llu -> %llu) and are not zero",
				run, (unsigned long long)p->total.generated,
				(unsigned long long)s->total.generated,
				(unsigned long long)p->total.delivered,
				(unsigned long long)s->total.delivered);
		return;
	}
	if (s->state == VELOX_STATE_STOPPED && p->state != VELOX_STATE_STOPPED) {
		tt_event(TT_EV_STOPPED_CHECKED);
		tt_event(s->stop_reason == VELOX_STOP_USER ? TT_EV_STOP_USER :
			 s->stop_reason == VELOX_STOP_CPU_OFFLINE ?
			 TT_EV_STOP_CPU_OFFLINE : TT_EV_STOP_NO_REASON);
	}
	for (i = 0; i < NCOUNTERS; i++)
		if (i != RESTING && sc[i] < pc[i])
			tt_fail(TT_CK_MONOTONIC, "run %llu (state %u -> %u): %s went back from %llu to %llu",
				run, p->state, s->state, velox_counter_name(i),
				(unsigned long long)pc[i],
				(unsigned long long)sc[i]);
	for (i = 0; i < s->slots; i++)
		if (sl[i].generated < pl[i].generated ||
		    sl[i].delivered < pl[i].delivered ||
		    sl[i].dropped < pl[i].dropped)
			tt_fail(TT_CK_MONOTONIC, "run %llu lane %u went back: %llu/%llu/%llu -> %llu/%llu/%llu generated/delivered/dropped",
				run, i, (unsigned long long)pl[i].generated,
				(unsigned long long)pl[i].delivered,
				(unsigned long long)pl[i].dropped,
				(unsigned long long)sl[i].generated,
				(unsigned long long)sl[i].delivered,
				(unsigned long long)sl[i].dropped);
	for (i = 0; i < VELOX_STAGES; i++) {
		if (s->hist[i].count < p->hist[i].count)
			tt_fail(TT_CK_MONOTONIC, "run %llu hist[%u] count went back from %llu to %llu",
				run, i, (unsigned long long)p->hist[i].count,
				(unsigned long long)s->hist[i].count);
		for (k = 0; k < VELOX_HIST_BUCKETS; k++)
			if (s->hist[i].buckets[k] < p->hist[i].buckets[k]) {
				tt_fail(TT_CK_MONOTONIC, "run %llu hist[%u] bucket %u went back from %llu to %llu",
					run, i, k,
					(unsigned long long)p->hist[i].buckets[k],
					(unsigned long long)s->hist[i].buckets[k]);
				break;
			}
	}
}
