// SPDX-License-Identifier: GPL-2.0
/*
 * One step of each stage of a lane.  See lane.h for the model; read the
 * steps in pipeline order: ingress, matcher, bundler, output.
 */
#include <asm/barrier.h>
#include <linux/compiler.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "../trace.h"
#include "lane.h"
#include "txn.h"

#define TXN_SIZE	sizeof(struct velox_txn)
#define BUNDLE_SIZE	sizeof(struct velox_bundle)

/* Bit n of enum velox_lane_stage is done[n]. */
enum { IDX_INGRESS, IDX_MATCHER, IDX_BUNDLER, IDX_OUTPUT };

static inline bool stage_done(const struct velox_lane *l, int idx)
{
	/* Pairs with finish(): the stage's last push is visible. */
	return smp_load_acquire(&l->done[idx]);
}

static inline void finish(struct velox_lane *l, int idx)
{
	/* Everything this stage pushed happens before "done". */
	smp_store_release(&l->done[idx], true);
}

static inline u64 sub_sat(u64 a, u64 b)
{
	return a > b ? a - b : 0;
}

/* splitmix64: tiny, fast, and every seed gives a full-period stream. */
static inline u64 gen_rand(struct velox_gen *g)
{
	u64 z = (g->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void velox_gen_init(struct velox_gen *g, u64 seed, u8 lane, u32 sample,
		    const struct velox_book *book)
{
	u32 margin = book->nlevels >= 66 ? 32 : book->nlevels / 2;

	*g = (struct velox_gen){
		.rng = seed ^ ((u64)lane * 0xd1b54a32d192ed03ull),
		.next_id = ((u64)lane << VELOX_ID_LANE_SHIFT) + 1,
		.mid = book->base + book->nlevels / 2,
		.mid_lo = book->base + margin,
		.mid_hi = book->base + book->nlevels - 1 - margin,
		.lane = lane,
		.sample = sample ? sample : 1,
		.sample_left = sample ? sample : 1,
	};
}

/*
 * The order mix, from one 64-bit random number: 60 % limit orders priced
 * around the mid (a few cross the spread), 25 % cancels near the mid, 15 %
 * market orders; sides even; quantity 1..64; the mid takes a random walk
 * inside the band.  Only masks and shifts: no division on this path.
 */
void velox_gen_next(struct velox_gen *g, struct velox_txn *t, u64 ts_ns)
{
	u64 r = gen_rand(g);
	u32 pick = r & 0xff;
	bool ask = r & 0x100;
	u32 off = (r >> 24) & 15;
	u32 walk = (r >> 32) & 7;

	t->ts_ns = ts_ns;
	t->id = g->next_id++;
	t->qty = 1 + ((r >> 16) & 63);
	t->side = ask ? VELOX_SIDE_ASK : VELOX_SIDE_BID;
	t->flags = 0;
	t->lane = g->lane;
	t->match_ns = 0;
	if (pick < 154) {
		t->kind = VELOX_KIND_LIMIT;
		t->price = ask ? g->mid + off - 2 : g->mid + 2 - off;
	} else if (pick < 218) {
		t->kind = VELOX_KIND_CANCEL;
		t->price = ask ? g->mid + off : g->mid - off;
	} else {
		t->kind = VELOX_KIND_MARKET;
		t->price = g->mid;
	}
	if (walk == 0 && g->mid > g->mid_lo)
		g->mid--;
	else if (walk == 1 && g->mid < g->mid_hi)
		g->mid++;
	if (!--g->sample_left) {
		t->flags |= VELOX_TXN_SAMPLED;
		g->sample_left = g->sample;
	}
}

void velox_lane_init(struct velox_lane *l, const struct velox_lane_params *p,
		     struct velox_book *book, velox_clock_fn clock,
		     void *txq_slots, void *mq_slots, u32 ring,
		     void *bq_slots)
{
	memset(l, 0, sizeof(*l));
	l->book = book;
	l->clock = clock;
	l->id = p->id;
	l->policy = p->policy;
	velox_gen_init(&l->in.gen, p->seed, p->id, p->sample, book);
	l->in.next_ns = p->start_ns;
	l->in.period_ns = p->period_fp >> 16;
	l->in.period_frac = p->period_fp & 0xffff;
	velox_bundler_init(&l->bun.bundler, p->bundle, p->flush_ns);
	velox_ring_init(&l->txq, txq_slots, ring, TXN_SIZE);
	velox_ring_init(&l->mq, mq_slots, ring, TXN_SIZE);
	velox_ring_init(&l->bq, bq_slots, velox_lane_bq_capacity(ring),
			BUNDLE_SIZE);
}

void velox_lane_stop(struct velox_lane *l)
{
	WRITE_ONCE(l->stop, true);
}

/*
 * Ingress: generate every transaction whose intended time has come (up to
 * a burst), stamped with that intended time, not with now: a late pacer
 * shows up as latency instead of hiding it (no coordinated omission).
 * What the ring cannot take is dropped, or kept and retried (policy).
 *
 * The four steps are noinline so that profiles name each stage; a call
 * per step is nothing next to the burst a step moves.
 */
static noinline u32 ingress_step(struct velox_lane *l, struct velox_tally *t)
{
	u32 n, pushed, work = 0;
	u64 now;

	if (l->in.npend) {
		pushed = velox_ring_push_n(&l->txq, &l->in.pend[l->in.pend_off],
					   l->in.npend, TXN_SIZE);
		l->in.pend_off += pushed;
		l->in.npend -= pushed;
		if (l->in.npend) {
			t->full_waits++;
			return pushed;
		}
		work = pushed;
	}
	if (READ_ONCE(l->stop)) {
		finish(l, IDX_INGRESS);
		return work;
	}

	now = l->clock();
	for (n = 0; n < VELOX_LANE_BURST && l->in.next_ns <= now; n++) {
		velox_gen_next(&l->in.gen, &l->in.pend[n], l->in.next_ns);
		/* The period in whole ns plus a carried fraction: no drift. */
		l->in.frac += l->in.period_frac;
		l->in.next_ns += l->in.period_ns + (l->in.frac >> 16);
		l->in.frac &= 0xffff;
	}
	if (!n)
		return work;
	t->generated += n;
	WRITE_ONCE(l->in.generated, l->in.generated + n);

	pushed = velox_ring_push_n(&l->txq, l->in.pend, n, TXN_SIZE);
	if (pushed < n) {
		if (l->policy == VELOX_POLICY_DROP) {
			trace_velox_drop(l->id, l->in.pend[pushed].id,
					 n - pushed);
			t->dropped += n - pushed;
			WRITE_ONCE(l->in.dropped, l->in.dropped + n - pushed);
		} else {
			l->in.pend_off = pushed;
			l->in.npend = n - pushed;
			t->full_waits++;
		}
	}
	return work + n;
}

/* Matcher: apply a burst to the shared book, stamp when it was taken. */
static noinline u32 matcher_step(struct velox_lane *l, struct velox_tally *t)
{
	u32 n = 0, i, pushed;
	u64 now;

	if (!l->match.npend) {
		bool upstream_done = stage_done(l, IDX_INGRESS);

		n = velox_ring_pop_n(&l->txq, l->match.pend, VELOX_LANE_BURST,
				     TXN_SIZE);
		if (!n) {
			if (upstream_done)
				finish(l, IDX_MATCHER);
			return 0;
		}
		now = l->clock();
		for (i = 0; i < n; i++) {
			struct velox_txn *txn = &l->match.pend[i];

			velox_book_apply(l->book, txn, &t->book);
			if (txn->flags & VELOX_TXN_SAMPLED)
				txn->match_ns = min_t(u64, sub_sat(now, txn->ts_ns),
						      U32_MAX);
		}
		l->match.npend = n;
		l->match.pend_off = 0;
	}
	pushed = velox_ring_push_n(&l->mq, &l->match.pend[l->match.pend_off],
				   l->match.npend, TXN_SIZE);
	l->match.pend_off += pushed;
	l->match.npend -= pushed;
	return n + pushed;
}

/* Hand the flushed bundle on; if the ring is full, keep it for later. */
static bool bundler_send(struct velox_lane *l)
{
	if (!velox_ring_push(&l->bq, &l->bun.open, BUNDLE_SIZE)) {
		l->bun.ready = true;
		return false;
	}
	l->bun.ready = false;
	l->bun.open.count = 0;
	return true;
}

/* A bundle was just flushed: trace it once, then send it. */
static bool bundler_flushed(struct velox_lane *l)
{
	const struct velox_bundle *open = &l->bun.open;

	trace_velox_bundle_flush(l->id, open->seq, open->count, open->reason,
				 open->flush_ns - l->bun.bundler.oldest_ns);
	return bundler_send(l);
}

/*
 * Bundler: pop straight into the open bundle, up to what it has room for;
 * flush when full, or when its oldest member waited the timeout.
 */
static noinline u32 bundler_step(struct velox_lane *l)
{
	struct velox_bundler *b = &l->bun.bundler;
	struct velox_bundle *open = &l->bun.open;
	bool upstream_done;
	u32 n;

	if (l->bun.ready && !bundler_send(l))
		return 0;

	upstream_done = stage_done(l, IDX_MATCHER);
	n = velox_ring_pop_n(&l->mq, &open->txns[open->count],
			     b->size - open->count, TXN_SIZE);
	if (n) {
		if (velox_bundler_filled(b, open, n, l->clock()))
			bundler_flushed(l);
		return n;
	}
	if (!open->count) {
		if (upstream_done)
			finish(l, IDX_BUNDLER);
		return 0;
	}
	/* Idle with a partial bundle: only now is the clock worth reading. */
	if (upstream_done ? velox_bundler_drain(b, open, l->clock()) :
			    velox_bundler_poll(b, open, l->clock()))
		return bundler_flushed(l);
	return 0;
}

static void output_record(struct velox_lane *l, struct velox_sink *s,
			  const struct velox_bundle *b,
			  const struct velox_txn *txn, u64 now)
{
	u64 flushed = sub_sat(b->flush_ns, txn->ts_ns);
	u64 bundle = sub_sat(flushed, txn->match_ns);
	u64 egress = sub_sat(now, b->flush_ns);
	u64 e2e = sub_sat(now, txn->ts_ns);

	velox_hist_record(&s->hist[VELOX_STAGE_MATCH], txn->match_ns);
	velox_hist_record(&s->hist[VELOX_STAGE_BUNDLE], bundle);
	velox_hist_record(&s->hist[VELOX_STAGE_EGRESS], egress);
	velox_hist_record(&s->hist[VELOX_STAGE_E2E], e2e);
	trace_velox_txn_egress(l->id, txn->id, txn->match_ns, bundle, egress,
			       e2e);
}

/*
 * Output: take bundles, check each transaction comes after the last one
 * of this lane (a lost order or a duplicate would not), record latency of
 * the sampled ones.
 */
static noinline u32 output_step(struct velox_lane *l, struct velox_sink *s)
{
	struct velox_tally *t = &s->tally;
	bool upstream_done = stage_done(l, IDX_BUNDLER);
	u32 n, i, k, work = 0;
	u64 now;

	n = velox_ring_pop_n(&l->bq, l->out.buf, VELOX_LANE_BUNDLE_BURST,
			     BUNDLE_SIZE);
	if (!n) {
		if (upstream_done)
			finish(l, IDX_OUTPUT);
		return 0;
	}
	now = l->clock();
	for (i = 0; i < n; i++) {
		const struct velox_bundle *b = &l->out.buf[i];

		for (k = 0; k < b->count; k++) {
			const struct velox_txn *txn = &b->txns[k];

			if (unlikely(txn->id <= l->out.last_id))
				t->seq_errors++;
			l->out.last_id = txn->id;
			if (txn->flags & VELOX_TXN_SAMPLED) {
				output_record(l, s, b, txn, now);
				t->sampled++;
			}
		}
		t->delivered += b->count;
		t->bundles++;
		t->flushes[b->reason]++;
		work += b->count;
	}
	WRITE_ONCE(l->out.delivered, l->out.delivered + work);
	return work;
}

/**
 * velox_lane_run() - one step of each of the given stages, in order
 * @l: the lane
 * @stages: enum velox_lane_stage bits: the stages this thread runs
 * @sink: where to count; owned by the caller's CPU or thread
 *
 * Return: how much work was done (0: the caller may back off).
 */
u32 velox_lane_run(struct velox_lane *l, unsigned int stages,
		   struct velox_sink *sink)
{
	u32 work = 0;

	if ((stages & VELOX_LANE_INGRESS) && !l->done[IDX_INGRESS])
		work += ingress_step(l, &sink->tally);
	if ((stages & VELOX_LANE_MATCHER) && !l->done[IDX_MATCHER])
		work += matcher_step(l, &sink->tally);
	if ((stages & VELOX_LANE_BUNDLER) && !l->done[IDX_BUNDLER])
		work += bundler_step(l);
	if ((stages & VELOX_LANE_OUTPUT) && !l->done[IDX_OUTPUT])
		work += output_step(l, sink);
	return work;
}

/* Have all of @stages finished?  (After velox_lane_stop() they will.) */
bool velox_lane_done(const struct velox_lane *l, unsigned int stages)
{
	int i;

	for (i = 0; i < 4; i++)
		if ((stages & BIT(i)) && !stage_done(l, i))
			return false;
	return true;
}

void velox_sink_init(struct velox_sink *s)
{
	int i;

	memset(&s->tally, 0, sizeof(s->tally));
	for (i = 0; i < VELOX_STAGES; i++)
		velox_hist_init(&s->hist[i]);
}

void velox_tally_add(struct velox_tally *sum, const struct velox_tally *t)
{
	int i;

	sum->generated += t->generated;
	sum->dropped += t->dropped;
	sum->full_waits += t->full_waits;
	sum->delivered += t->delivered;
	sum->sampled += t->sampled;
	sum->seq_errors += t->seq_errors;
	sum->bundles += t->bundles;
	for (i = 0; i < VELOX_FLUSH_REASONS; i++)
		sum->flushes[i] += t->flushes[i];
	sum->idle_yields += t->idle_yields;
	sum->idle_sleeps += t->idle_sleeps;
	velox_book_stats_add(&sum->book, &t->book);
}
