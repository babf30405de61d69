// SPDX-License-Identifier: GPL-2.0
/*
 * The interference log of one CPU.  See noise_log.h.
 *
 * The writer appends a segment when a level opens or reopens and closes
 * the newest one when the innermost level ends or an inner one begins, so
 * the main ring is in time order and its segments never overlap; so is
 * the NMI ring.  The reader walks both rings from their newest entry back
 * to the window's start, and the NMI ring a second time alongside the
 * main one, to take NMI time out of the main segments it fell in.
 */
#include <asm/barrier.h>
#include <asm/processor.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/velox.h>

#include "noise_log.h"

#define VELOX_NOISE_MASK	(VELOX_NOISE_LOG - 1)

/* A reader retries an entry being written this many times, then gives up. */
#define VELOX_NOISE_READ_TRIES	64

/* seq = 4 * index + one of these (u32 arithmetic). */
enum {
	SEQ_OPENING = 1,
	SEQ_OPEN = 2,
	SEQ_CLOSING = 3,
	SEQ_CLOSED = 4,
};

/* Nesting order: a level only opens inside levels of lower rank. */
static const u8 velox_noise_rank[VELOX_NOISES] = {
	[VELOX_NOISE_PREEMPTED] = 0,
	[VELOX_NOISE_SOFTIRQ] = 1,
	[VELOX_NOISE_IRQ] = 2,
	[VELOX_NOISE_NMI] = 3,
};

static_assert(!(VELOX_NOISE_LOG & (VELOX_NOISE_LOG - 1)),
	      "VELOX_NOISE_LOG is a power of two");
static_assert(sizeof(((struct velox_offender *)0)->name) == VELOX_NOISE_NAME,
	      "a segment's name fits an offender's");

/* What NMI segments and offenders are called, NUL-padded. */
static const char velox_noise_nmi_name[VELOX_NOISE_NAME] = "nmi";

static inline u32 seg_seq(u64 index, u32 state)
{
	return (u32)index * 4 + state;
}

/* Copy a name, NUL-padded: a torn read of two names still ends in NUL. */
static void name_copy(char *dst, const char *src)
{
	unsigned int i;
	bool ended = !src;

	for (i = 0; i < VELOX_NOISE_NAME - 1; i++) {
		char c = ended ? 0 : src[i];

		ended |= !c;
		dst[i] = c;
	}
	dst[i] = 0;
}

void velox_noise_log_reset(struct velox_noise_log *log)
{
	memset(log, 0, sizeof(*log));
}

/*
 * Copy entry @index of @ring if it still holds that write, finished.
 * False if it was torn (still being written after the retries) or a
 * later lap overwrote it.
 */
static bool seg_read(const struct velox_noise_seg *ring, u64 index,
		     struct velox_noise_seg *out)
{
	const struct velox_noise_seg *s = &ring[index & VELOX_NOISE_MASK];
	u32 base = seg_seq(index, 0), s1, s2;
	unsigned int tries;

	for (tries = 0; tries < VELOX_NOISE_READ_TRIES; tries++) {
		s1 = READ_ONCE(s->seq);
		/* seq before the fields: pairs with seg_finish()'s smp_wmb(). */
		smp_rmb();
		/* Racing with the writer on purpose: seq says if the copy holds. */
		data_race(memcpy(out, s, sizeof(*out)));
		/* The fields before seq again: pairs with seg_begin()'s smp_wmb(). */
		smp_rmb();
		s2 = READ_ONCE(s->seq);
		if (s1 == s2 && (s1 == base + SEQ_OPEN || s1 == base + SEQ_CLOSED)) {
			out->seq = s1;
			return true;
		}
		/* A later lap: what this index held is gone. */
		if ((u32)(s2 - base) > SEQ_CLOSED)
			return false;
		cpu_relax();
	}
	return false;
}

static inline bool seg_open_state(const struct velox_noise_seg *s, u64 index)
{
	return s->seq == seg_seq(index, SEQ_OPEN);
}

/* Mark entry @index of @ring as being written (odd seq). */
static void seg_begin(struct velox_noise_seg *s, u64 index, u32 state)
{
	WRITE_ONCE(s->seq, seg_seq(index, state));
	/* Odd before the fields change: pairs with seg_read()'s second smp_rmb(). */
	smp_wmb();
}

/* Mark it written (even seq). */
static void seg_finish(struct velox_noise_seg *s, u64 index, u32 state)
{
	/* The fields before the even seq: pairs with seg_read()'s first smp_rmb(). */
	smp_wmb();
	WRITE_ONCE(s->seq, seg_seq(index, state));
}

/*
 * Add @ns and @count of offender (@source, @id) to @top, kept largest
 * first.  A new offender takes the last place if it is larger than the
 * one there: the smallest of the nine is the one left out.  @name (whole,
 * NUL-padded) is its latest: a task's comm changes at exec.
 */
static void top_add(struct velox_offender *top, u8 source, u32 id,
		    const char name[VELOX_NOISE_NAME], u64 ns, u64 count)
{
	struct velox_offender *o, tmp;
	unsigned int i;

	if (!ns && !count)
		return;
	for (i = 0; i < VELOX_NOISE_TOP; i++) {
		o = &top[i];
		if (!o->ns && !o->count)
			break;		/* the used entries come first */
		if (o->source == source && o->id == id)
			goto add;
	}
	if (i == VELOX_NOISE_TOP) {
		i = VELOX_NOISE_TOP - 1;
		if (top[i].ns >= ns)
			return;
	}
	o = &top[i];
	o->id = id;
	o->source = source;
	o->ns = 0;
	o->count = 0;
add:
	o->ns += ns;
	o->count += count;
	memcpy(o->name, name, sizeof(o->name));
	for (; i > 0 && top[i].ns > top[i - 1].ns; i--) {
		tmp = top[i - 1];
		top[i - 1] = top[i];
		top[i] = tmp;
	}
}

/* NMIs the NMI writer counted since the last fold, into the top table. */
static void nmi_fold(struct velox_noise_log *log)
{
	u64 ns = READ_ONCE(log->acct.ns[VELOX_NOISE_NMI]);
	u64 count = READ_ONCE(log->acct.count[VELOX_NOISE_NMI]);

	if (ns == log->nmi_folded_ns && count == log->nmi_folded_count)
		return;
	top_add(log->acct.top, VELOX_NOISE_NMI, 0, velox_noise_nmi_name,
		ns - log->nmi_folded_ns, count - log->nmi_folded_count);
	log->nmi_folded_ns = ns;
	log->nmi_folded_count = count;
}

/*
 * NMI time in [@a, @b] (@a < @b), walking @log's NMI ring back from the
 * entry below *@cur.  The windows asked for come newest first and do not
 * overlap, so *@cur is left at the newest entry an older window may
 * still need.  An entry that cannot be read (torn, or overwritten by a
 * later lap since the caller's NMI pass read it) sets *@lost: what it
 * held is unknown, here and in every older window.
 */
static u64 nmi_within(const struct velox_noise_log *log, u64 lo, u64 *cur,
		      u64 a, u64 b, bool *lost)
{
	struct velox_noise_seg n;
	u64 i = *cur, ns = 0;

	while (i > lo) {
		if (!seg_read(log->nmis, i - 1, &n)) {
			*lost = true;
			break;
		}
		if (n.start >= b) {
			i--;		/* after this window, so after the older ones */
			continue;
		}
		if (n.end <= a)
			break;		/* before it: for an older window */
		ns += min(n.end, b) - max(n.start, a);
		if (n.start < a)
			break;		/* also in the next older window */
		i--;
	}
	*cur = i;
	return ns;
}

/* The writer's NMI time in [@start, @end]: all of it on this CPU. */
static u64 nmi_in_segment(const struct velox_noise_log *log, u64 start,
			  u64 end)
{
	u64 head = READ_ONCE(log->nmi_head);
	u64 lo = head > VELOX_NOISE_LOG ? head - VELOX_NOISE_LOG : 0;
	bool lost = false;	/* only if 256 NMIs came during this call */

	if (READ_ONCE(log->nmi_last_ns) <= start || end <= start)
		return 0;
	return nmi_within(log, lo, &head, start, end, &lost);
}

/* Append an open segment for level @f at @now. */
static void seg_open(struct velox_noise_log *log, u64 now,
		     const struct velox_noise_frame *f, u8 flags)
{
	u64 i = log->head;
	struct velox_noise_seg *s = &log->segs[i & VELOX_NOISE_MASK];

	seg_begin(s, i, SEQ_OPENING);
	s->source = f->source;
	s->flags = flags;
	s->id = f->id;
	s->start = now;
	s->end = 0;
	memcpy(s->name, f->name, sizeof(s->name));
	seg_finish(s, i, SEQ_OPEN);
	/* Whole before readers see it: pairs with velox_noise_overlap()'s acquire. */
	smp_store_release(&log->head, i + 1);
}

/* Close the open (newest) segment at @now and account it. */
static void seg_close(struct velox_noise_log *log, u64 now)
{
	u64 i = log->head - 1, ns;
	struct velox_noise_seg *s = &log->segs[i & VELOX_NOISE_MASK];
	struct velox_noise_cpu *acct = &log->acct;

	seg_begin(s, i, SEQ_CLOSING);
	WRITE_ONCE(s->end, now);
	seg_finish(s, i, SEQ_CLOSED);

	ns = now - s->start;
	ns -= min(ns, nmi_in_segment(log, s->start, now));
	acct->ns[s->source] += ns;
	acct->count[s->source] += !(s->flags & VELOX_NOISE_SEG_CONT);
	top_add(acct->top, s->source, s->id, s->name, ns,
		!(s->flags & VELOX_NOISE_SEG_CONT));
}

/* Times never go back: segments stay in order if a clock read was early. */
static u64 writer_now(struct velox_noise_log *log, u64 now)
{
	now = max(now, log->last_ns);
	log->last_ns = now;
	nmi_fold(log);
	return now;
}

/**
 * velox_noise_enter() - a level of interference begins
 * @log: the CPU's log
 * @now: when
 * @source: enum velox_noise_source, not VELOX_NOISE_NMI (see
 *	velox_noise_nmi())
 * @id: IRQ number or vector, softirq vector, pid
 * @name: copied (15 characters at most); NULL for none
 *
 * If the new level nests inside the innermost open one (a softirq in a
 * preemption, an IRQ in either), that one's segment closes at @now and
 * the new one opens.  If it ranks below it (a worker woken inside an IRQ:
 * preempted from when the IRQ ends), it takes its place under it and
 * opens when the levels above it have ended.  Levels past
 * VELOX_NOISE_DEPTH are not tracked: their time stays with the innermost.
 * A CPU waits for its workers once: a preempted level while one is open
 * is not a second one (it would outlive the first, into the workers' own
 * run).
 */
void velox_noise_enter(struct velox_noise_log *log, u64 now, u8 source,
		       u32 id, const char *name)
{
	unsigned int d = log->depth, p;
	struct velox_noise_frame *f;

	if (source >= VELOX_NOISES || source == VELOX_NOISE_NMI ||
	    d == VELOX_NOISE_DEPTH)
		return;
	if (source == VELOX_NOISE_PREEMPTED && velox_noise_waiting(log))
		return;
	now = writer_now(log, now);
	for (p = d; p > 0; p--)
		if (velox_noise_rank[log->stack[p - 1].source] <=
		    velox_noise_rank[source])
			break;
	memmove(&log->stack[p + 1], &log->stack[p], (d - p) * sizeof(*f));
	f = &log->stack[p];
	f->id = id;
	f->source = source;
	f->started = false;
	name_copy(f->name, name);
	log->depth = d + 1;
	if (p < d)
		return;
	if (d)
		seg_close(log, now);
	seg_open(log, now, f, 0);
	f->started = true;
}

/**
 * velox_noise_exit() - the innermost level ends
 * @log: the CPU's log
 * @now: when
 *
 * Its segment closes and the level under it, if any, reopens at @now.
 * Callers check velox_noise_top() first (see there).
 */
void velox_noise_exit(struct velox_noise_log *log, u64 now)
{
	struct velox_noise_frame *f;

	if (!log->depth)
		return;
	now = writer_now(log, now);
	seg_close(log, now);
	if (!--log->depth)
		return;
	f = &log->stack[log->depth - 1];
	seg_open(log, now, f, f->started ? VELOX_NOISE_SEG_CONT : 0);
	f->started = true;
}

/**
 * velox_noise_leave() - the level of @source ends, wherever it is
 * @log: the CPU's log
 * @now: when
 * @source: enum velox_noise_source
 *
 * The innermost ends as velox_noise_exit() ends it; one under others
 * (a worker that left the CPU while an IRQ was open here) is dropped
 * from the nesting: its time until the inner levels began is logged
 * already, and it does not reopen.  Nothing happens if none is open.
 */
void velox_noise_leave(struct velox_noise_log *log, u64 now, u8 source)
{
	unsigned int p;

	for (p = 0; p < log->depth; p++)
		if (log->stack[p].source == source)
			break;
	if (p == log->depth)
		return;
	if (p == log->depth - 1) {
		velox_noise_exit(log, now);
		return;
	}
	memmove(&log->stack[p], &log->stack[p + 1],
		(log->depth - p - 1) * sizeof(log->stack[0]));
	log->depth--;
}

/**
 * velox_noise_switch() - the CPU switches to another task at @now
 * @log: the CPU's log
 * @now: when
 * @waits: a worker waits for the CPU while the task switched in runs
 * @id: that task's pid
 * @name: its comm
 *
 * Every open level ends: each belonged to the task switched out (the
 * time a worker waited for it; on PREEMPT_RT, a softirq that it ran and
 * that will go on when it runs again).  If @waits, a preempted level
 * opens, named after the task switched in: a waiting worker's time is
 * split by the tasks that ran while it waited.
 */
void velox_noise_switch(struct velox_noise_log *log, u64 now, bool waits,
			u32 id, const char *name)
{
	velox_noise_close_all(log, now);
	if (waits)
		velox_noise_enter(log, now, VELOX_NOISE_PREEMPTED, id, name);
}

/**
 * velox_noise_close_all() - end every open level at @now
 * @log: the CPU's log
 * @now: when
 *
 * At a task switch, and once the probes are gone: so the accounting
 * holds all of a run's interference once it stopped.
 */
void velox_noise_close_all(struct velox_noise_log *log, u64 now)
{
	if (!log->depth)
		return;
	now = writer_now(log, now);
	seg_close(log, now);
	log->depth = 0;
}

/**
 * velox_noise_nmi() - an NMI handler took [@start, @end]
 * @log: the CPU's log
 * @start: when it began (kept from going back past the previous NMI)
 * @end: when it ended
 *
 * In NMI context: writes only the NMI ring and the NMI words of the
 * accounting, which the main writer never writes.
 */
void velox_noise_nmi(struct velox_noise_log *log, u64 start, u64 end)
{
	u64 i = log->nmi_head;
	struct velox_noise_seg *s = &log->nmis[i & VELOX_NOISE_MASK];
	struct velox_noise_cpu *acct = &log->acct;

	start = max(start, log->nmi_last_ns);
	end = max(end, start);
	seg_begin(s, i, SEQ_OPENING);
	s->source = VELOX_NOISE_NMI;
	s->flags = 0;
	s->id = 0;
	s->start = start;
	s->end = end;
	memcpy(s->name, velox_noise_nmi_name, sizeof(s->name));
	seg_finish(s, i, SEQ_CLOSED);
	/* Whole before readers see it: pairs with velox_noise_overlap()'s acquire. */
	smp_store_release(&log->nmi_head, i + 1);
	WRITE_ONCE(log->nmi_last_ns, end);
	WRITE_ONCE(acct->ns[VELOX_NOISE_NMI],
		   acct->ns[VELOX_NOISE_NMI] + end - start);
	WRITE_ONCE(acct->count[VELOX_NOISE_NMI],
		   acct->count[VELOX_NOISE_NMI] + 1);
}

/* One interruption's overlap, gathered from its pieces, newest first. */
struct velox_noise_occ {
	u64 ns;
	u32 id;
	bool seen;
	char name[VELOX_NOISE_NAME];
};

/* An interruption's pieces are all in: add it to @sum. */
static void occ_end(struct velox_noise_sum *sum, u8 source,
		    struct velox_noise_occ *o)
{
	struct velox_offender *top = &sum->top[source];

	if (!o->seen)
		return;
	sum->ns[source] += o->ns;
	sum->count[source]++;
	if (o->ns > top->ns) {
		memset(top, 0, sizeof(*top));
		top->id = o->id;
		top->source = source;
		top->ns = o->ns;
		top->count = 1;
		memcpy(top->name, o->name, sizeof(top->name));
	}
	memset(o, 0, sizeof(*o));
}

/* The NMI ring's part of velox_noise_overlap(). */
static void nmi_overlap(const struct velox_noise_log *log, u64 head, u64 from,
			u64 to, struct velox_noise_sum *sum)
{
	u64 lo = head > VELOX_NOISE_LOG ? head - VELOX_NOISE_LOG : 0, i;
	struct velox_noise_occ o = { 0 };
	struct velox_noise_seg n;
	bool reached = false;

	for (i = head; i-- > lo;) {
		if (!seg_read(log->nmis, i, &n)) {
			sum->partial = true;
			continue;
		}
		if (n.end <= from) {
			reached = true;
			break;
		}
		if (n.start >= to)
			continue;
		o.ns = min(n.end, to) - max(n.start, from);
		o.seen = true;
		memcpy(o.name, n.name, sizeof(o.name));
		occ_end(sum, VELOX_NOISE_NMI, &o);
		if (n.start <= from) {
			reached = true;
			break;
		}
	}
	if (!reached && head > VELOX_NOISE_LOG)
		sum->partial = true;
}

/**
 * velox_noise_overlap() - add to @sum what took the CPU in [@from, @to]
 * @log: the CPU's log
 * @from: the window's start (ns, ktime_get_ns())
 * @to: its end
 * @sum: added to: per source the covered ns and the interruptions that
 *	overlap; the top offender per source is replaced by a larger one
 *
 * Each instant counts once: segments never overlap, and NMI time counts
 * to the NMI, not to the segment it interrupted.  An open segment counts
 * up to @to.  @sum->partial is set if a ring no longer reaches back to
 * @from (it has wrapped and its oldest entry starts after @from) or an
 * entry could not be read whole; what could be read is still added.
 *
 * Any CPU, any context but NMI; no lock, no allocation.  It walks the
 * rings only as far back as @from: a few entries for a recent window.
 */
void velox_noise_overlap(const struct velox_noise_log *log, u64 from, u64 to,
			 struct velox_noise_sum *sum)
{
	struct velox_noise_occ occ[VELOX_NOISES] = { 0 };
	u64 head, nmi_head, lo, nmi_lo, nmi_cur, i, a, b, ns;
	struct velox_noise_seg s;
	struct velox_noise_occ *o;
	bool reached = false, lost = false;
	unsigned int n;

	if (to <= from)
		return;
	/* The entries below head are written: pairs with seg_open()'s release. */
	head = smp_load_acquire(&log->head);
	/* The same for the NMI ring: pairs with velox_noise_nmi()'s release. */
	nmi_head = smp_load_acquire(&log->nmi_head);
	nmi_overlap(log, nmi_head, from, to, sum);

	lo = head > VELOX_NOISE_LOG ? head - VELOX_NOISE_LOG : 0;
	nmi_lo = nmi_head > VELOX_NOISE_LOG ? nmi_head - VELOX_NOISE_LOG : 0;
	nmi_cur = nmi_head;
	for (i = head; i-- > lo;) {
		if (!seg_read(log->segs, i, &s) || s.source >= VELOX_NOISES ||
		    s.source == VELOX_NOISE_NMI) {
			sum->partial = true;
			continue;
		}
		if (seg_open_state(&s, i)) {
			s.end = to;
		} else if (s.end <= from) {
			reached = true;		/* so do all older ones */
			break;
		}
		if (s.start < to) {
			a = max(s.start, from);
			b = min(s.end, to);
			ns = b - a;
			if (ns)
				ns -= min(ns, nmi_within(log, nmi_lo, &nmi_cur,
							 a, b, &lost));
			/*
			 * An NMI entry lapped since the NMI pass: its time
			 * may lie in this segment or an older one, counted
			 * there and as NMI.  Stop short rather than twice.
			 */
			if (lost) {
				sum->partial = true;
				break;
			}
			o = &occ[s.source];
			o->ns += ns;
			o->id = s.id;
			o->seen = true;
			memcpy(o->name, s.name, sizeof(o->name));
			if (!(s.flags & VELOX_NOISE_SEG_CONT))
				occ_end(sum, s.source, o);
		}
		if (s.start <= from) {
			reached = true;
			break;
		}
	}
	if (!reached && head > VELOX_NOISE_LOG)
		sum->partial = true;
	/* Interruptions that began before the window (or whose start is gone). */
	for (n = 0; n < VELOX_NOISES; n++)
		occ_end(sum, n, &occ[n]);
}
