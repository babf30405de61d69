// SPDX-License-Identifier: GPL-2.0
/*
 * Tail capture: a slow transaction's parts and causes.  See tail.h.
 */
#include <linux/compiler.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/velox.h>
#include <trace/events/velox.h>

#include "tail.h"

/* Each part's own cause, when no interference covers its time. */
static const u8 part_cause[VELOX_PARTS] = {
	[VELOX_PART_GENERATOR] = VELOX_CAUSE_GENERATOR,
	[VELOX_PART_QUEUE_MATCHER] = VELOX_CAUSE_QUEUEING,
	[VELOX_PART_MATCHING] = VELOX_CAUSE_MATCHING,
	[VELOX_PART_QUEUE_BUNDLER] = VELOX_CAUSE_QUEUEING,
	[VELOX_PART_BUNDLE_WAIT] = VELOX_CAUSE_BUNDLE_WAIT,
	[VELOX_PART_OUTPUT] = VELOX_CAUSE_OUTPUT,
};

/* Which stage's CPU carries each part (the index into struct velox_spike.cpu). */
static const u8 part_cpu[VELOX_PARTS] = {
	[VELOX_PART_GENERATOR] = 0,		/* ingress */
	[VELOX_PART_QUEUE_MATCHER] = 1,		/* matcher: it should take it */
	[VELOX_PART_MATCHING] = 1,
	[VELOX_PART_QUEUE_BUNDLER] = 2,		/* bundler: it should take it */
	[VELOX_PART_BUNDLE_WAIT] = 2,
	[VELOX_PART_OUTPUT] = 3,
};

/*
 * Part @p, the interval [@from, @to] on its CPU: the interference in it
 * to its causes, the rest to the part's own.  The interference callback
 * clips segments to the window and a CPU's segments never overlap, so
 * what it returns fits in the part; the clamp only guards that promise.
 */
static void tail_part(const struct velox_tail *t, struct velox_spike *s,
		      unsigned int p, u64 from, u64 to)
{
	struct velox_noise_sum sum;
	u64 part = to - from, left = part, ns;
	unsigned int n;

	s->part_ns[p] = part;
	memset(&sum, 0, sizeof(sum));
	if (part && t->interference)
		t->interference(t->ctx, s->cpu[part_cpu[p]], from, to, &sum);
	for (n = 0; n < VELOX_NOISES; n++) {
		ns = min(sum.ns[n], left);
		left -= ns;
		s->cause_ns[VELOX_CAUSE_IRQ + n] += ns;
		s->noise_count[n] += sum.count[n];
		if (sum.top[n].ns > s->top[n].ns)
			s->top[n] = sum.top[n];
	}
	s->cause_ns[part_cause[p]] += left;
	if (sum.partial)
		s->flags |= VELOX_SPIKE_PARTIAL;
}

/* A stamp no earlier than @floor (the one before it) and no later than @ceil. */
static u64 stamp_between(u64 stamp, u64 floor, u64 ceil)
{
	return clamp(stamp, floor, ceil);
}

/**
 * velox_tail_split() - a spike's parts, causes, CPUs and offenders
 * @t: the lane's capture setup
 * @st: its stamp in the lane's timeline
 * @txn: the sampled transaction, as the output stage took it
 * @b: its bundle
 * @now: when the output stage took the bundle
 * @out_cpu: the output stage's CPU
 * @lane: the lane
 * @s: filled in whole
 *
 * The parts telescope from the intended time to @now.  A stamp the
 * timeline no longer holds for @txn (its slot reused: more in flight than
 * it was sized for) makes the spike partial; its parts are then cut from
 * what the transaction itself carries (the pacer's delay and when the
 * matcher took it), the time from then to its flush counts as bundle
 * wait, and every part's CPU is the output's.
 */
void velox_tail_split(const struct velox_tail *t, const struct velox_stamp *st,
		      const struct velox_txn *txn, const struct velox_bundle *b,
		      u64 now, unsigned int out_cpu, u16 lane,
		      struct velox_spike *s)
{
	u64 t0 = txn->ts_ns, gen, taken, matched, bundled, flush;

	memset(s, 0, sizeof(*s));
	s->id = txn->id;
	s->ts_ns = t0;
	s->e2e_ns = now - t0;
	s->lane = lane;
	s->flush_reason = b->reason;
	s->cpu[3] = out_cpu;

	/*
	 * Each stamp is clamped between its neighbours, so the parts are
	 * never negative and always add up to the end-to-end time.
	 */
	flush = stamp_between(b->flush_ns, t0, now);
	if (READ_ONCE(st->id) == txn->id) {
		gen = stamp_between(READ_ONCE(st->gen), t0, flush);
		taken = stamp_between(READ_ONCE(st->taken), gen, flush);
		matched = stamp_between(READ_ONCE(st->matched), taken, flush);
		bundled = stamp_between(READ_ONCE(st->bundled), matched, flush);
		s->cas_retries = READ_ONCE(st->cas_retries);
		s->cpu[0] = READ_ONCE(st->cpu[VELOX_STAMP_INGRESS]);
		s->cpu[1] = READ_ONCE(st->cpu[VELOX_STAMP_MATCHER]);
		s->cpu[2] = READ_ONCE(st->cpu[VELOX_STAMP_BUNDLER]);
		/* The slot may have been reused while we read it. */
		if (READ_ONCE(st->id) != txn->id)
			s->flags |= VELOX_SPIKE_PARTIAL;
	} else {
		/* What the transaction carries itself (saturated at 4.29 s). */
		gen = stamp_between(t0 + txn->gen_ns, t0, flush);
		taken = stamp_between(t0 + txn->match_ns, gen, flush);
		matched = taken;
		bundled = taken;
		s->cpu[0] = out_cpu;
		s->cpu[1] = out_cpu;
		s->cpu[2] = out_cpu;
		s->flags |= VELOX_SPIKE_PARTIAL;
	}

	tail_part(t, s, VELOX_PART_GENERATOR, t0, gen);
	tail_part(t, s, VELOX_PART_QUEUE_MATCHER, gen, taken);
	tail_part(t, s, VELOX_PART_MATCHING, taken, matched);
	tail_part(t, s, VELOX_PART_QUEUE_BUNDLER, matched, bundled);
	tail_part(t, s, VELOX_PART_BUNDLE_WAIT, bundled, flush);
	tail_part(t, s, VELOX_PART_OUTPUT, flush, now);
}

/**
 * velox_tail_capture() - capture a spike, count it, trace it
 * @t: the lane's capture setup
 * @st: its stamp in the lane's timeline
 * @txn: a sampled transaction at or over @t->threshold_ns
 * @b: its bundle
 * @now: when the output stage took the bundle
 * @out_cpu: the output stage's CPU
 * @lane: the lane
 * @c: the output stage's counters
 *
 * Runs on the output stage's path, but only for spikes: the ones a tail
 * threshold is set to find.  A spike without room is only counted: it
 * costs no split.
 */
void velox_tail_capture(const struct velox_tail *t,
			const struct velox_stamp *st,
			const struct velox_txn *txn,
			const struct velox_bundle *b, u64 now,
			unsigned int out_cpu, u16 lane,
			struct velox_counters *c)
{
	struct velox_spike *s = t->claim(t->ctx, now - txn->ts_ns);
	const u64 *cause;

	if (!s) {
		c->tail_lost++;
		return;
	}
	velox_tail_split(t, st, txn, b, now, out_cpu, lane, s);
	t->keep(t->ctx, s);
	c->tail_captured++;
	if (s->flags & VELOX_SPIKE_PARTIAL)
		c->tail_partial++;
	cause = s->cause_ns;
	trace_velox_tail(lane, s->id, s->e2e_ns, cause[VELOX_CAUSE_GENERATOR],
			 cause[VELOX_CAUSE_QUEUEING], cause[VELOX_CAUSE_MATCHING],
			 cause[VELOX_CAUSE_BUNDLE_WAIT], cause[VELOX_CAUSE_OUTPUT],
			 cause[VELOX_CAUSE_IRQ], cause[VELOX_CAUSE_SOFTIRQ],
			 cause[VELOX_CAUSE_NMI], cause[VELOX_CAUSE_PREEMPTED]);
}
