// SPDX-License-Identifier: GPL-2.0
/*
 * One step of each stage of a lane.  See lane.h for the model; read the
 * steps in pipeline order: ingress, matcher, bundler, output.
 *
 * The tracepoints come from <trace/events/velox.h>, the kernel's place for
 * a subsystem's events; in userspace the shim's linux/tracepoint.h turns
 * each into an empty inline, so this file compiles unchanged there.
 */
#include <asm/barrier.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <trace/events/velox.h>

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

/*
 * Stage @idx has new input (or its upstream finished): wake the thread
 * running it if it sleeps.  A bell nobody sleeps on (no wake function, or
 * no sleeper: the stage runs on the same thread as the one before it)
 * costs the push no barrier.
 */
static inline void ring_bell(struct velox_lane *l, int idx,
			     const struct velox_ring *in)
{
	if (l->wake && l->bell[idx].sleeper)
		velox_doorbell_ring(&l->bell[idx], in, l->wake);
}

static inline void finish(struct velox_lane *l, int idx)
{
	/* Everything this stage pushed happens before "done". */
	smp_store_release(&l->done[idx], true);
	/* The stage after it must see "done" to finish in turn. */
	if (idx < IDX_OUTPUT)
		ring_bell(l, idx + 1, NULL);
}

static inline u64 sub_sat(u64 a, u64 b)
{
	return a > b ? a - b : 0;
}

/**
 * velox_lane_init() - set up a lane, ready to run from @p->start_ns
 * @l: the lane
 * @p: what the config asks of it
 * @book: the order book every lane shares
 * @clock: the time source of every step (ns, monotonic)
 * @to_matcher_slots: @ring transactions' worth of memory
 * @to_bundler_slots: the same again
 * @ring: capacity of the two transaction rings, a power of two
 * @to_output_slots: velox_lane_bundle_slots(@ring) bundles' worth
 */
void velox_lane_init(struct velox_lane *l, const struct velox_lane_params *p,
		     struct velox_book *book, velox_clock_fn clock,
		     void *to_matcher_slots, void *to_bundler_slots, u32 ring,
		     void *to_output_slots)
{
	memset(l, 0, sizeof(*l));
	l->book = book;
	l->clock = clock;
	l->tail = p->tail;
	l->wake = p->wake;
	l->id = p->id;
	l->policy = p->policy;
	velox_ordergen_init(&l->ingress.gen, p->seed, p->id, p->sample, book);
	l->ingress.next_ns = p->start_ns;
	l->ingress.period_ns = p->period_fp >> 16;
	l->ingress.period_frac = p->period_fp & 0xffff;
	velox_bundler_init(&l->bundler.state, p->bundle, p->flush_ns);
	velox_ring_init(&l->to_matcher, to_matcher_slots, ring);
	velox_ring_init(&l->to_bundler, to_bundler_slots, ring);
	velox_ring_init(&l->to_output, to_output_slots,
			velox_lane_bundle_slots(ring));
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
/* Tail capture on: the stamp of the lane's @seq-th sampled transaction. */
static inline struct velox_stamp *lane_stamp(const struct velox_lane *l,
					     u64 seq)
{
	return velox_timeline_at(&l->tail->timeline, seq);
}

/*
 * Tail capture on: when ingress generated the sampled transactions of the
 * burst it just made, and how late that was (the matcher moves it to
 * gen_ns, where the output stage finds it for the service time).  They
 * are stamped before the push, into the slots that follow the ones
 * pushed; ingress_stamped() counts those the ring took.
 */
static void ingress_stamp(struct velox_lane *l, const struct velox_sink *s,
			  u32 n, u64 now)
{
	u64 seq = l->ingress.tail_seq;
	u32 i;

	for (i = 0; i < n; i++) {
		struct velox_txn *t = &l->ingress.pend[i];
		struct velox_stamp *st;

		if (!(t->flags & VELOX_TXN_SAMPLED))
			continue;
		t->match_ns = min_t(u64, now - t->ts_ns, U32_MAX);
		st = lane_stamp(l, seq++);
		WRITE_ONCE(st->id, t->id);
		WRITE_ONCE(st->gen, now);
		WRITE_ONCE(st->cpu[VELOX_STAMP_INGRESS], s->cpu);
	}
}

/* The first @n of the burst go on (pushed, or kept to push): count them. */
static void ingress_stamped(struct velox_lane *l, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		l->ingress.tail_seq += !!(l->ingress.pend[i].flags &
					  VELOX_TXN_SAMPLED);
}

static noinline u32 ingress_step(struct velox_lane *l, struct velox_sink *s)
{
	struct velox_counters *c = &s->count;
	u32 n, pushed, work = 0;
	u64 now;

	if (l->ingress.npend) {
		pushed = velox_ring_push_n(&l->to_matcher,
					   &l->ingress.pend[l->ingress.pend_off],
					   l->ingress.npend, TXN_SIZE);
		l->ingress.pend_off += pushed;
		l->ingress.npend -= pushed;
		if (pushed)
			ring_bell(l, IDX_MATCHER, &l->to_matcher);
		if (l->ingress.npend) {
			c->full_waits++;
			return pushed;
		}
		work = pushed;
	}
	if (READ_ONCE(l->stop)) {
		finish(l, IDX_INGRESS);
		return work;
	}

	now = l->clock();
	for (n = 0; n < VELOX_LANE_BURST && l->ingress.next_ns <= now; n++) {
		struct velox_txn *t = &l->ingress.pend[n];

		velox_ordergen_next(&l->ingress.gen, t, l->ingress.next_ns);
		/* The period in whole ns plus a carried fraction: no drift. */
		l->ingress.frac += l->ingress.period_frac;
		l->ingress.next_ns += l->ingress.period_ns +
				      (l->ingress.frac >> 16);
		l->ingress.frac &= 0xffff;
	}
	if (!n)
		return work;
	if (unlikely(l->tail))
		ingress_stamp(l, s, n, now);
	c->generated += n;
	WRITE_ONCE(l->ingress.generated, l->ingress.generated + n);

	pushed = velox_ring_push_n(&l->to_matcher, l->ingress.pend, n, TXN_SIZE);
	if (pushed)
		ring_bell(l, IDX_MATCHER, &l->to_matcher);
	if (unlikely(l->tail))
		ingress_stamped(l, l->policy == VELOX_POLICY_DROP ? pushed : n);
	if (pushed < n) {
		if (l->policy == VELOX_POLICY_DROP) {
			trace_velox_drop(l->id, l->ingress.pend[pushed].id,
					 n - pushed);
			c->dropped += n - pushed;
			WRITE_ONCE(l->ingress.dropped,
				   l->ingress.dropped + n - pushed);
		} else {
			l->ingress.pend_off = pushed;
			l->ingress.npend = n - pushed;
			c->full_waits++;
		}
	}
	return work + n;
}

/* Apply the burst of @n to the book; stamp the sampled ones' match time. */
static void matcher_apply(struct velox_lane *l, struct velox_counters *c,
			  u32 n, u64 now)
{
	u32 i;

	for (i = 0; i < n; i++) {
		struct velox_txn *txn = &l->matcher.pend[i];

		velox_book_apply(l->book, txn, c);
		if (txn->flags & VELOX_TXN_SAMPLED)
			txn->match_ns = min_t(u64, sub_sat(now, txn->ts_ns),
					      U32_MAX);
	}
}

/*
 * The same with tail capture on: for each sampled transaction also when
 * the matcher took it, how many exchanges it lost, and (one clock read a
 * burst) when the burst was applied; its price and qty are spent then,
 * and gen_ns takes their place.
 */
static void matcher_apply_stamped(struct velox_lane *l, struct velox_sink *s,
				  u32 n, u64 now)
{
	struct velox_counters *c = &s->count;
	u64 seq = l->matcher.tail_seq;
	struct velox_stamp *st;
	u64 retries, done;
	u32 i, gen;

	for (i = 0; i < n; i++) {
		struct velox_txn *txn = &l->matcher.pend[i];

		retries = c->cas_retries;
		velox_book_apply(l->book, txn, c);
		if (!(txn->flags & VELOX_TXN_SAMPLED))
			continue;
		gen = txn->match_ns;
		txn->gen_ns = gen;
		txn->__spent = 0;
		txn->match_ns = min_t(u64, sub_sat(now, txn->ts_ns), U32_MAX);
		st = lane_stamp(l, l->matcher.tail_seq++);
		WRITE_ONCE(st->taken, now);
		WRITE_ONCE(st->cas_retries,
			   min_t(u64, c->cas_retries - retries, U32_MAX));
		WRITE_ONCE(st->cpu[VELOX_STAMP_MATCHER], s->cpu);
	}
	done = l->clock();
	for (i = 0; i < n; i++) {
		const struct velox_txn *txn = &l->matcher.pend[i];

		if (txn->flags & VELOX_TXN_SAMPLED)
			WRITE_ONCE(lane_stamp(l, seq++)->matched, done);
	}
}

/* Matcher: apply a burst to the shared book, stamp when it was taken. */
static noinline u32 matcher_step(struct velox_lane *l, struct velox_sink *s)
{
	struct velox_counters *c = &s->count;
	u32 n = 0, pushed;
	u64 now;

	if (!l->matcher.npend) {
		bool upstream_done = stage_done(l, IDX_INGRESS);

		n = velox_ring_pop_n(&l->to_matcher, l->matcher.pend,
				     VELOX_LANE_BURST, TXN_SIZE);
		if (!n) {
			if (upstream_done)
				finish(l, IDX_MATCHER);
			return 0;
		}
		now = l->clock();
		if (unlikely(l->tail))
			matcher_apply_stamped(l, s, n, now);
		else
			matcher_apply(l, c, n, now);
		l->matcher.npend = n;
		l->matcher.pend_off = 0;
	}
	pushed = velox_ring_push_n(&l->to_bundler,
				   &l->matcher.pend[l->matcher.pend_off],
				   l->matcher.npend, TXN_SIZE);
	l->matcher.pend_off += pushed;
	l->matcher.npend -= pushed;
	if (pushed)
		ring_bell(l, IDX_BUNDLER, &l->to_bundler);
	return n + pushed;
}

/* Hand the flushed bundle on; if the ring is full, keep it for later. */
static bool bundler_send(struct velox_lane *l)
{
	if (!velox_ring_push(&l->to_output, &l->bundler.open, BUNDLE_SIZE)) {
		l->bundler.ready = true;
		return false;
	}
	l->bundler.ready = false;
	l->bundler.open.count = 0;
	return true;
}

/* A bundle was just flushed: trace it once, then send it. */
static bool bundler_flushed(struct velox_lane *l)
{
	const struct velox_bundle *open = &l->bundler.open;

	trace_velox_bundle_flush(l->id, open->seq, open->count, open->reason,
				 open->flush_ns - l->bundler.state.oldest_ns);
	return bundler_send(l);
}

/*
 * Bundler: pop straight into the open bundle, up to what it has room for;
 * flush when full, or when its oldest member waited the timeout; and go
 * on with the next bundle, up to a burst, on the same clock read (a
 * clock read per bundle was a sixth of a lane's time natively).  Later
 * bundles of a step take only what the first pop already saw in the
 * ring, published before the clock was read, so no transaction is
 * bundled before the time it was matched.  The output stage's bell is
 * rung once a step, for every bundle sent.  The
 * timeout is checked on every step that finds the bundle open, busy or
 * not: a trickle that never fills it must not keep it open past the
 * timeout.  Once the matcher has finished and its ring is empty, what is
 * open goes out as a drain.  A step with no bundle open reads no clock.
 */
/* Tail capture on: when the bundler took @n sampled-or-not transactions. */
static void bundler_stamp(struct velox_lane *l, const struct velox_sink *s,
			  const struct velox_txn *txns, u32 n, u64 now)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (txns[i].flags & VELOX_TXN_SAMPLED) {
			struct velox_stamp *st =
				lane_stamp(l, l->bundler.tail_seq++);

			WRITE_ONCE(st->bundled, now);
			WRITE_ONCE(st->cpu[VELOX_STAMP_BUNDLER], s->cpu);
		}
	}
}

static u32 bundler_fill(struct velox_lane *l, struct velox_sink *s,
			u32 *sent)
{
	struct velox_bundler *b = &l->bundler.state;
	struct velox_bundle *open = &l->bundler.open;
	u32 n, ok, budget = U32_MAX, work = 0;
	bool upstream_done;
	u64 now = 0;

	upstream_done = stage_done(l, IDX_MATCHER);
	for (;;) {
		n = velox_ring_pop_n(&l->to_bundler, &open->txns[open->count],
				     min(b->size - open->count, budget),
				     TXN_SIZE);
		if (!n && !open->count) {
			if (upstream_done && !work)
				finish(l, IDX_BUNDLER);
			return work;
		}
		if (budget == U32_MAX) {
			now = l->clock();
			budget = velox_ring_cons_known(&l->to_bundler);
		} else {
			budget -= n;
		}
		if (unlikely(l->tail) && n)
			bundler_stamp(l, s, &open->txns[open->count], n, now);
		work += n;
		if (!velox_bundler_filled(b, open, n, now) &&
		    !(!n && upstream_done ? velox_bundler_drain(b, open, now) :
					    velox_bundler_poll(b, open, now)))
			return work;
		/* A flush counts as work: a drain may move nothing else. */
		ok = bundler_flushed(l);
		*sent += ok;
		if (!ok || !n || work >= VELOX_LANE_BURST)
			return work + ok;
	}
}

static noinline u32 bundler_step(struct velox_lane *l, struct velox_sink *s)
{
	u32 work, sent = 0;

	if (l->bundler.ready) {
		if (!bundler_send(l))
			return 0;
		sent = 1;
	}
	work = bundler_fill(l, s, &sent);
	if (sent)
		ring_bell(l, IDX_OUTPUT, &l->to_output);
	return work;
}

static void output_record(struct velox_lane *l, struct velox_sink *s,
			  const struct velox_bundle *b,
			  const struct velox_txn *txn, u64 now)
{
	u64 flushed = sub_sat(b->flush_ns, txn->ts_ns);
	u64 bundle = sub_sat(flushed, txn->match_ns);
	u64 egress = sub_sat(now, b->flush_ns);
	u64 e2e = sub_sat(now, txn->ts_ns);
	u64 service = 0;

	velox_hist_record(&s->hist[VELOX_STAGE_MATCH], txn->match_ns);
	velox_hist_record(&s->hist[VELOX_STAGE_BUNDLE], bundle);
	velox_hist_record(&s->hist[VELOX_STAGE_EGRESS], egress);
	velox_hist_record(&s->hist[VELOX_STAGE_E2E], e2e);
	if (unlikely(l->tail)) {
		/* Response time (from the intended time) less the pacer's delay. */
		u64 seq = l->output.tail_seq++;

		service = sub_sat(e2e, txn->gen_ns);
		velox_hist_record(&s->hist[VELOX_STAGE_SERVICE], service);
		if (e2e >= l->tail->threshold_ns)
			velox_tail_capture(l->tail, lane_stamp(l, seq), txn, b,
					   now, s->cpu, l->id, &s->count);
	}
	trace_velox_txn_egress(l->id, txn->id, txn->match_ns, bundle, egress,
			       e2e, service);
}

/*
 * Output: take bundles, check each transaction comes after the last one
 * of this lane (a lost order or a duplicate would not), record latency of
 * the sampled ones.
 */
static noinline u32 output_step(struct velox_lane *l, struct velox_sink *s)
{
	struct velox_counters *c = &s->count;
	bool upstream_done = stage_done(l, IDX_BUNDLER);
	u32 n, i, k, work = 0;
	u64 now;

	n = velox_ring_pop_n(&l->to_output, l->output.buf,
			     VELOX_LANE_BUNDLE_BURST, BUNDLE_SIZE);
	if (!n) {
		if (upstream_done)
			finish(l, IDX_OUTPUT);
		return 0;
	}
	now = l->clock();
	for (i = 0; i < n; i++) {
		const struct velox_bundle *b = &l->output.buf[i];

		for (k = 0; k < b->count; k++) {
			const struct velox_txn *txn = &b->txns[k];

			if (unlikely(txn->id <= l->output.last_id))
				c->seq_errors++;
			l->output.last_id = txn->id;
			if (txn->flags & VELOX_TXN_SAMPLED) {
				output_record(l, s, b, txn, now);
				c->sampled++;
			}
		}
		c->delivered += b->count;
		c->bundles++;
		c->flushes[b->reason]++;
		work += b->count;
	}
	WRITE_ONCE(l->output.delivered, l->output.delivered + work);
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
		work += ingress_step(l, sink);
	if ((stages & VELOX_LANE_MATCHER) && !l->done[IDX_MATCHER])
		work += matcher_step(l, sink);
	if ((stages & VELOX_LANE_BUNDLER) && !l->done[IDX_BUNDLER])
		work += bundler_step(l, sink);
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

/**
 * velox_lane_wake_at() - when the thread running @stages next has work
 * that no other thread will hand it
 * @l: the lane
 * @stages: enum velox_lane_stage bits, as given to velox_lane_run()
 * @now: the lane's clock, read after the step that found nothing
 *
 * Ingress's next transaction, the open bundle's flush timeout, or a retry
 * at a full ring.  A stop still to act on is due now.
 *
 * Return: the time (lane clock, ns), or U64_MAX if there is none.
 */
u64 velox_lane_wake_at(const struct velox_lane *l, unsigned int stages,
		       u64 now)
{
	u64 at = U64_MAX;

	if ((stages & VELOX_LANE_INGRESS) && !l->done[IDX_INGRESS]) {
		if (l->ingress.npend)
			at = now + VELOX_LANE_RETRY_NS;
		else if (READ_ONCE(l->stop))
			at = now;
		else
			at = l->ingress.next_ns;
	}
	if ((stages & VELOX_LANE_MATCHER) && l->matcher.npend)
		at = min(at, now + VELOX_LANE_RETRY_NS);
	if (stages & VELOX_LANE_BUNDLER) {
		if (l->bundler.ready)
			at = min(at, now + VELOX_LANE_RETRY_NS);
		else if (l->bundler.open.count)
			at = min(at, velox_bundler_deadline(&l->bundler.state,
							    &l->bundler.open));
	}
	return at;
}

/* The stage a contiguous run of stages starts with (its done[] index). */
static int first_stage(unsigned int stages)
{
	return __ffs(stages);
}

/**
 * velox_lane_bell() - the doorbell the thread running @stages sleeps on
 * @l: the lane
 * @stages: enum velox_lane_stage bits, contiguous (velox_layout_stages())
 *
 * Only the first of a thread's stages is fed by another thread; the rest
 * are fed by the thread itself.
 *
 * Return: the bell of the first stage's input, or NULL if that is ingress
 * (which has no input: it sleeps until velox_lane_wake_at() only).
 */
struct velox_doorbell *velox_lane_bell(struct velox_lane *l,
				       unsigned int stages)
{
	int idx = first_stage(stages);

	return idx == IDX_INGRESS ? NULL : &l->bell[idx];
}

/* Is one of @stages held up at a full ring, waiting for room? */
static bool held(const struct velox_lane *l, unsigned int stages)
{
	return ((stages & VELOX_LANE_INGRESS) && l->ingress.npend) ||
	       ((stages & VELOX_LANE_MATCHER) && l->matcher.npend) ||
	       ((stages & VELOX_LANE_BUNDLER) && l->bundler.ready);
}

/**
 * velox_lane_awaits() - may another thread hand this one work any moment?
 * @l: the lane
 * @stages: as for velox_lane_bell()
 *
 * Return: true if its first stage is fed by another thread, or one of its
 * stages waits for room that the thread downstream makes: worth spinning
 * for (idle.h).
 */
bool velox_lane_awaits(const struct velox_lane *l, unsigned int stages)
{
	return first_stage(stages) != IDX_INGRESS || held(l, stages);
}

/*
 * What the first of @stages waits for: its input ring, and how much of it
 * is worth waking for (doorbell.h): what fills the open bundle, for the
 * bundler; anything, for the others.
 */
static const struct velox_ring *awaited(const struct velox_lane *l, int idx,
					u32 *want)
{
	*want = 1;
	if (idx == IDX_MATCHER)
		return &l->to_matcher;
	if (idx == IDX_OUTPUT)
		return &l->to_output;
	/* No more than the ring holds: a ring of 4 never holds 15. */
	if (l->bundler.open.count && !l->bundler.ready)
		*want = min(l->bundler.state.size - l->bundler.open.count,
			    velox_ring_capacity(&l->to_bundler));
	return &l->to_bundler;
}

/**
 * velox_lane_arm() - arm the bell of the thread running @stages
 * @l: the lane
 * @stages: as for velox_lane_bell()
 * @want: set to the mark the bell is armed with (doorbell.h)
 *
 * A thread held up at a full ring does not arm: new input is no use to it
 * until there is room, and that it looks for at velox_lane_wake_at().
 *
 * Return: the bell armed, or NULL if none was.
 */
struct velox_doorbell *velox_lane_arm(struct velox_lane *l,
				      unsigned int stages, u32 *want)
{
	struct velox_doorbell *bell = velox_lane_bell(l, stages);

	if (!bell || held(l, stages))
		return NULL;
	awaited(l, first_stage(stages), want);
	velox_doorbell_arm(bell, *want);
	return bell;
}

/**
 * velox_lane_idle() - after arming the bell: is there still nothing to do?
 * @l: the lane
 * @stages: as for velox_lane_bell()
 *
 * The last look before sleeping, ordered after velox_lane_arm(): if the
 * upstream thread pushed what the bell wants, or finished, before it
 * looked at the bell, this sees it.  Ingress's own due time is
 * velox_lane_wake_at()'s, and so is the retry of a stage held up at a
 * full ring, which may sleep whatever its input holds.
 *
 * Return: true if the thread may sleep.
 */
bool velox_lane_idle(const struct velox_lane *l, unsigned int stages)
{
	int idx = first_stage(stages);
	const struct velox_ring *in;
	u32 want;

	if (held(l, stages))
		return true;
	/* Finished: its thread has its own stages to finish, or to exit. */
	if (l->done[idx])
		return false;
	if (idx == IDX_INGRESS)
		return !READ_ONCE(l->stop);
	in = awaited(l, idx, &want);
	return velox_ring_count(in) < want && !stage_done(l, idx - 1);
}
