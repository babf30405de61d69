// SPDX-License-Identifier: GPL-2.0
/*
 * One writer drives a CPU's interference log (core/noise_log.c) the way
 * module/noise.c does, with pseudo-random IRQs, softirqs, waits, task
 * switches and NMIs at increasing times, while two readers ask what
 * overlapped random windows of the time written so far.  Both rings wrap
 * hundreds of times, so readers lose entries to later laps and many
 * windows come back partial.
 *
 * Segments never overlap and a reader keeps no torn copy, so no window's
 * sums may exceed its length, and each top offender's name must be the
 * one written with its id (a torn copy can pair one write's id with
 * another's name).  A window that came back whole must be exactly what
 * a single-threaded replay of the same events answers.  Last, on logs
 * too short to wrap, a window over the whole log must equal the
 * accounting.
 *
 * These checks are what catch a broken seqcount: TSan is told that
 * seg_read()'s copy races on purpose (noise_log.tsan-ignore), as KCSAN
 * is in the kernel, so it checks everything else.  Under ASan a ring
 * index out of bounds is caught.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <asm/barrier.h>
#include <linux/minmax.h>
#include <linux/velox.h>

#include "noise_log.h"
#include "kselftest.h"

#define IRQ		VELOX_NOISE_IRQ
#define SOFTIRQ		VELOX_NOISE_SOFTIRQ
#define NMI		VELOX_NOISE_NMI
#define PREEMPTED	VELOX_NOISE_PREEMPTED

#define READERS		2
#define T0		1000		/* the first event comes after it */
/* ~1100 laps of the main ring, ~290 of the NMI ring: 0.47 segment an event. */
#define EVENTS		600000
#define MIN_LAPS	1000
#define MIN_NMI_LAPS	250
#define SEED		0xc0ffee
/* Whole (not partial) windows each reader keeps for the replay. */
#define WHOLE_MAX	32768
/* Logs that never wrap: fewer events than entries (a segment each at most). */
#define SHORT_LOGS	50
#define SHORT_EVENTS	150

static u64 next_rand(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * The name an interruption of @source with @id is logged under, as the
 * log keeps it: cut to 15 characters, NUL-padded.  Some are longer, so
 * the cut is exercised.
 */
static void name_of(u8 source, u32 id, char name[VELOX_NOISE_NAME])
{
	static const char *const prefix[VELOX_NOISES] = {
		[IRQ] = "irq", [SOFTIRQ] = "softirq", [NMI] = "nmi",
		[PREEMPTED] = "task",
	};
	char full[64];
	int len;

	if (source == NMI)
		len = snprintf(full, sizeof(full), "nmi");
	else
		len = snprintf(full, sizeof(full), "%s%u%.*s", prefix[source],
			       id, (int)(id % 16), "----------------");
	memset(name, 0, VELOX_NOISE_NAME);
	memcpy(name, full, len < VELOX_NOISE_NAME ? len : VELOX_NOISE_NAME - 1);
}

static void enter(struct velox_noise_log *log, u64 t, u8 source, u32 id)
{
	char name[VELOX_NOISE_NAME];

	name_of(source, id, name);
	velox_noise_enter(log, t, source, id, name);
}

/* One writer's events: @t is the latest one's time. */
struct gen {
	struct velox_noise_log *log;
	u64 seed;
	u64 t;
	bool nmi_heavy;	/* three events in four are NMIs */
};

/*
 * The next event, as the probes would log it: IRQs do not nest, a
 * softirq begins in task context, a worker's wakeup may come inside an
 * IRQ (it goes under it), a switch happens in task context, and an NMI
 * lies between the previous event and this one (no probe reads the clock
 * while an NMI runs, and it is logged when it ends).
 */
static void gen_step(struct gen *g)
{
	struct velox_noise_log *log = g->log;
	u64 r = next_rand(&g->seed);
	u64 delta = 1 + r % 200;
	u8 top = velox_noise_top(log);
	bool in_task = top == VELOX_NOISES || top == PREEMPTED;

	g->t += delta;
	r >>= 8;
	/*
	 * NMIs lap their ring four times as fast as the main one: a reader
	 * then meets NMI entries gone between its NMI pass and its main walk.
	 */
	if (g->nmi_heavy && (r & 3)) {
		velox_noise_nmi(log, g->t - 1 - (r >> 3) % delta, g->t);
		return;
	}
	switch (r % 8) {
	case 0:
	case 1:
		if (top == IRQ)
			velox_noise_exit(log, g->t);
		else
			enter(log, g->t, IRQ, (r >> 3) % 48);
		break;
	case 2:
		if (in_task)
			enter(log, g->t, SOFTIRQ, (r >> 3) % 10);
		else
			velox_noise_exit(log, g->t);
		break;
	case 3:
		if (!velox_noise_waiting(log))
			enter(log, g->t, PREEMPTED, 1000 + (r >> 3) % 64);
		else
			velox_noise_leave(log, g->t, PREEMPTED);	/* pulled away */
		break;
	case 4:
		if (in_task) {
			char name[VELOX_NOISE_NAME];
			u32 pid = 1000 + (r >> 4) % 64;

			name_of(PREEMPTED, pid, name);
			velox_noise_switch(log, g->t, (r >> 3) & 1, pid, name);
		} else {
			velox_noise_exit(log, g->t);
		}
		break;
	case 5:
		velox_noise_nmi(log, g->t - 1 - (r >> 3) % delta, g->t);
		break;
	default:
		velox_noise_exit(log, g->t);
		break;
	}
}

/* A window that came back whole, for the replay to check. */
struct whole_read {
	u64 from;
	u64 to;
	struct velox_noise_sum sum;
};

struct run {
	struct gen gen;
	u64 now_ns;	/* gen.t, published after each event */
	bool done;	/* the writer is finished */
};

/* What the readers saw, all together. */
struct outcome {
	u64 reads;
	u64 partial;
	u64 bad;	/* windows window_sane() refused */
	struct whole_read *whole;
	u32 nr_whole;
};

struct reader {
	pthread_t tid;
	struct run *run;
	u64 seed;
	u64 reads;
	u64 partial;
	u64 bad;
	struct whole_read *whole;
	u32 nr_whole;
	char why[192];	/* the first bad window */
} __aligned(64);

static void *writer(void *arg)
{
	struct run *run = arg;
	unsigned int i;

	for (i = 0; i < EVENTS; i++) {
		gen_step(&run->gen);
		/* The readers' windows end here: pairs with reader()'s acquire. */
		smp_store_release(&run->now_ns, run->gen.t);
	}
	/* Its last event before: pairs with reader()'s acquire of done. */
	smp_store_release(&run->done, true);
	return NULL;
}

/* What must hold of any window, partial or not. */
static bool window_sane(struct reader *rd, u64 from, u64 to,
			const struct velox_noise_sum *sum)
{
	u64 len = to - from, total = 0;
	char want[VELOX_NOISE_NAME];
	const struct velox_offender *top;
	unsigned int n;

	for (n = 0; n < VELOX_NOISES; n++) {
		top = &sum->top[n];
		if (sum->ns[n] > len) {
			snprintf(rd->why, sizeof(rd->why),
				 "source %u: %llu ns in the %llu ns window [%llu, %llu]",
				 n, sum->ns[n], len, from, to);
			return false;
		}
		total += sum->ns[n];
		if (!memchr(top->name, 0, sizeof(top->name))) {
			snprintf(rd->why, sizeof(rd->why),
				 "source %u: top offender %u's name has no NUL in %zu bytes",
				 n, top->id, sizeof(top->name));
			return false;
		}
		if (!top->ns)
			continue;
		name_of(n, top->id, want);
		if (top->source != n || top->ns > sum->ns[n] ||
		    memcmp(top->name, want, sizeof(want))) {
			snprintf(rd->why, sizeof(rd->why),
				 "source %u: top is source %u id %u \"%s\" %llu ns of %llu, expected \"%s\" at most the sum",
				 n, top->source, top->id, top->name, top->ns,
				 sum->ns[n], want);
			return false;
		}
	}
	if (total > len) {
		snprintf(rd->why, sizeof(rd->why),
			 "sources sum to %llu ns in the %llu ns window [%llu, %llu]",
			 total, len, from, to);
		return false;
	}
	return true;
}

/*
 * Windows of four kinds: the latest few µs (what a spike's capture asks);
 * one up to two laps of the main ring back (a lap is ~54 µs here), often
 * among its oldest entries, which the writer is overwriting; one anywhere
 * since the start; and the whole written range (these two partial once
 * the rings have wrapped).  A window ends no later than the writer's
 * time, so what a replay logs after that time cannot overlap it.
 */
static void *reader(void *arg)
{
	struct reader *rd = arg;
	struct velox_noise_sum sum;
	u64 now, from, to, r;

	/* The writer's end: pairs with writer()'s release of done. */
	while (!smp_load_acquire(&rd->run->done)) {
		/* The writer's time: pairs with writer()'s release. */
		now = smp_load_acquire(&rd->run->now_ns);
		if (now <= T0)
			continue;
		r = next_rand(&rd->seed);
		switch (r % 4) {
		case 0:
			to = now;
			from = to - min(now - T0, 1 + (r >> 2) % 4096);
			break;
		case 1:
			to = now - min(now - T0 - 1, (r >> 2) % 65536);
			from = to - min(to - T0, 1 + (r >> 18) % 32768);
			break;
		case 2:
			from = T0 + (r >> 2) % (now - T0);
			to = from + 1 + (r >> 34) % (now - from);
			break;
		default:
			from = T0;
			to = now;
			break;
		}
		memset(&sum, 0, sizeof(sum));
		velox_noise_overlap(rd->run->gen.log, from, to, &sum);
		rd->reads++;
		rd->partial += sum.partial;
		if (!window_sane(rd, from, to, &sum) && !rd->bad++)
			ksft_print_msg("%s\n", rd->why);
		if (!sum.partial && rd->nr_whole < WHOLE_MAX)
			rd->whole[rd->nr_whole++] = (struct whole_read){
				.from = from, .to = to, .sum = sum };
	}
	return NULL;
}

static int by_end(const void *a, const void *b)
{
	const struct whole_read *x = a, *y = b;

	return x->to < y->to ? -1 : x->to > y->to;
}

static void print_sum(const char *who, const struct velox_noise_sum *sum)
{
	unsigned int n;

	for (n = 0; n < VELOX_NOISES; n++)
		ksft_print_msg("  %s source %u: %llu ns in %u, top id %u \"%.16s\" %llu ns%s\n",
			       who, n, sum->ns[n], sum->count[n], sum->top[n].id,
			       sum->top[n].name, sum->top[n].ns,
			       sum->partial ? " (partial)" : "");
}

/*
 * The same events again on one thread, each whole window read back as
 * soon as the writer's time has reached its end: the entries it needs are
 * all there then and what comes later starts after it, so the answer is
 * the one a reader must have got.  A torn copy kept, or an entry of a
 * later lap taken for the one wanted, makes a whole window differ.
 */
static bool whole_windows_match_a_replay(struct whole_read *rec, u32 nr,
					 u64 seed, bool nmi_heavy)
{
	struct velox_noise_log *log = malloc(sizeof(*log));
	struct velox_noise_sum sum;
	struct gen g = { .log = log, .seed = seed, .t = T0,
			 .nmi_heavy = nmi_heavy };
	u32 j = 0, bad = 0;
	unsigned int k;

	if (!log)
		return false;
	velox_noise_log_reset(log);
	qsort(rec, nr, sizeof(*rec), by_end);
	for (k = 0; k < EVENTS && j < nr; k++) {
		gen_step(&g);
		for (; j < nr && rec[j].to <= g.t; j++) {
			memset(&sum, 0, sizeof(sum));
			velox_noise_overlap(log, rec[j].from, rec[j].to, &sum);
			if (!memcmp(&sum, &rec[j].sum, sizeof(sum)))
				continue;
			if (!bad++) {
				ksft_print_msg("window [%llu, %llu] after event %u:\n",
					       rec[j].from, rec[j].to, k);
				print_sum("read", &rec[j].sum);
				print_sum("replay", &sum);
			}
		}
	}
	ksft_print_msg("%u whole windows replayed, %u differ\n", j, bad);
	free(log);
	return !bad && j == nr;
}

/* The writer's run with the readers beside it, until it is done. */
static bool run_writer_and_readers(struct run *run, struct outcome *out)
{
	struct reader *rd = aligned_alloc(64, sizeof(*rd) * READERS);
	pthread_t w;
	unsigned int i;

	out->whole = calloc(READERS * WHOLE_MAX, sizeof(*out->whole));
	if (!rd || !out->whole)
		return false;
	for (i = 0; i < READERS; i++) {
		rd[i] = (struct reader){ .run = run, .seed = 0x9e3779b9 + i,
					 .whole = out->whole + i * WHOLE_MAX };
		pthread_create(&rd[i].tid, NULL, reader, &rd[i]);
	}
	pthread_create(&w, NULL, writer, run);
	pthread_join(w, NULL);
	for (i = 0; i < READERS; i++) {
		pthread_join(rd[i].tid, NULL);
		out->reads += rd[i].reads;
		out->partial += rd[i].partial;
		out->bad += rd[i].bad;
		/* The readers' whole windows, packed together. */
		memmove(out->whole + out->nr_whole, rd[i].whole,
			rd[i].nr_whole * sizeof(*out->whole));
		out->nr_whole += rd[i].nr_whole;
	}
	/* Scheduling decides these: said, never asserted. */
	ksft_print_msg("%d readers: %llu windows read, %llu partial, %llu bad\n",
		       READERS, out->reads, out->partial, out->bad);
	free(rd);
	return true;
}

static bool writer_wrapped_both_rings(const struct velox_noise_log *log)
{
	u64 laps = log->head / VELOX_NOISE_LOG;
	u64 nmi_laps = log->nmi_head / VELOX_NOISE_LOG;

	ksft_print_msg("the writer wrapped the main ring %llu times, the NMI ring %llu\n",
		       laps, nmi_laps);
	return laps >= MIN_LAPS && nmi_laps >= MIN_NMI_LAPS;
}

/*
 * As accounting_equals_the_sum_of_closed_segments in kunit/noise_kunit.c,
 * over the stress's own events: with nothing lost to a later lap, a
 * window over the whole log finds every closed segment the accounting
 * added up, NMI time taken out of the same segments.
 */
static bool whole_short_log_equals_the_accounting(struct velox_noise_log *log)
{
	struct velox_noise_sum sum;
	struct gen g;
	bool ok = true;
	unsigned int i, n;

	for (i = 0; i < SHORT_LOGS; i++) {
		velox_noise_log_reset(log);
		g = (struct gen){ .log = log, .seed = 0x5eed + i, .t = T0 };
		for (n = 0; n < SHORT_EVENTS; n++)
			gen_step(&g);
		velox_noise_close_all(log, g.t + 1);
		if (log->head >= VELOX_NOISE_LOG ||
		    log->nmi_head >= VELOX_NOISE_LOG) {
			ksft_print_msg("log %u wrapped: %llu segments, %llu NMIs\n",
				       i, log->head, log->nmi_head);
			return false;
		}
		memset(&sum, 0, sizeof(sum));
		velox_noise_overlap(log, 0, g.t + 2, &sum);
		if (sum.partial) {
			ksft_print_msg("log %u: the whole window is partial\n", i);
			ok = false;
		}
		for (n = 0; n < VELOX_NOISES; n++) {
			if (sum.ns[n] == log->acct.ns[n] &&
			    sum.count[n] == log->acct.count[n])
				continue;
			ksft_print_msg("log %u source %u: accounted %llu ns in %llu, found %llu in %u\n",
				       i, n, log->acct.ns[n], log->acct.count[n],
				       sum.ns[n], sum.count[n]);
			ok = false;
		}
	}
	return ok;
}

int main(void)
{
	struct run *run = malloc(sizeof(*run));
	struct velox_noise_log *log = malloc(sizeof(*log));
	struct outcome out = { 0 };

	/* A reader that never sees the writer finish must fail, not hang. */
	alarm(120);
	ksft_print_header();
	ksft_set_plan(6);
	if (!run || !log)
		ksft_exit_fail_msg("out of memory\n");
	velox_noise_log_reset(log);
	*run = (struct run){ .gen = { .log = log, .seed = SEED, .t = T0 },
			     .now_ns = T0 };
	if (!run_writer_and_readers(run, &out))
		ksft_exit_fail_msg("out of memory\n");
	ksft_test_result(!out.bad,
			 "no_window_sums_past_its_length_or_mixes_two_writes\n");
	ksft_test_result(whole_windows_match_a_replay(out.whole, out.nr_whole,
						      SEED, false),
			 "every_whole_window_matches_a_replay\n");
	ksft_test_result(writer_wrapped_both_rings(log),
			 "writer_wrapped_both_rings_hundreds_of_times\n");
	free(out.whole);

	/* Again with mostly NMIs: their ring laps under the readers' walks. */
	memset(&out, 0, sizeof(out));
	velox_noise_log_reset(log);
	*run = (struct run){ .gen = { .log = log, .seed = SEED + 1, .t = T0,
				      .nmi_heavy = true },
			     .now_ns = T0 };
	if (!run_writer_and_readers(run, &out))
		ksft_exit_fail_msg("out of memory\n");
	ksft_test_result(!out.bad,
			 "nmi_heavy_no_window_sums_past_its_length\n");
	ksft_test_result(whole_windows_match_a_replay(out.whole, out.nr_whole,
						      SEED + 1, true),
			 "nmi_heavy_every_whole_window_matches_a_replay\n");
	free(out.whole);

	ksft_test_result(whole_short_log_equals_the_accounting(log),
			 "whole_short_log_equals_the_accounting\n");
	free(log);
	free(run);
	ksft_finished();
}
