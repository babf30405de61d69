// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: why the tail is slow.  The captured spikes' causes summed
 * and ranked (each spike's causes add up to its end-to-end latency, so
 * the shares of all spikes' causes add up to 1), the largest offender of
 * each kind of interference named, and the whole said as a diagnosis a
 * person reads, or as the JSON object of velox-ctl tail --json, whose
 * keys are a contract (DESIGN.md §4).
 */
#include <stdlib.h>
#include <string.h>

#include "libvelox.h"

/* The CPU of each step of a spike (struct velox_spike.cpu), as JSON keys. */
static const char *const cpu_keys[] = {
	"ingress", "matcher", "bundler", "output",
};

_Static_assert(sizeof(cpu_keys) / sizeof(cpu_keys[0]) ==
	       sizeof(((struct velox_spike *)0)->cpu) /
	       sizeof(((struct velox_spike *)0)->cpu[0]),
	       "a key for each CPU of a spike");

#define SPIKE_CPUS	(sizeof(cpu_keys) / sizeof(cpu_keys[0]))

/* Interference sources whose offender the ranking names (not NMI). */
static bool named_source(unsigned int source)
{
	return source == VELOX_NOISE_IRQ || source == VELOX_NOISE_SOFTIRQ ||
	       source == VELOX_NOISE_PREEMPTED;
}

/* One spike's largest offender of one source, while they are summed. */
struct offense {
	const struct velox_offender *who;
	const struct velox_spike *spike;
	unsigned int source;
};

static int offender_cmp(const struct velox_offender *a,
			const struct velox_offender *b)
{
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return strncmp(a->name, b->name, sizeof(a->name));
}

/* By source, then offender: equal offenders end up side by side. */
static int offense_cmp(const void *pa, const void *pb)
{
	const struct offense *a = pa, *b = pb;

	if (a->source != b->source)
		return a->source < b->source ? -1 : 1;
	return offender_cmp(a->who, b->who);
}

/*
 * The CPU an offender took its time from.  When every step of every
 * spike it hit ran on one CPU, that one; else the CPU whose noise
 * accounting (the stats area) holds the most of it; else -1.
 */
static int offender_cpu(const struct offense *o, size_t n,
			const struct velox_stats *st)
{
	const struct velox_noise_cpu *noise;
	int cpu = o[0].spike->cpu[0], best = -1;
	bool one_cpu = true;
	__u64 best_ns = 0;
	size_t i, c;
	__u32 k;

	for (i = 0; i < n; i++)
		for (c = 0; c < SPIKE_CPUS; c++)
			one_cpu &= o[i].spike->cpu[c] == cpu;
	if (one_cpu)
		return cpu;
	if (!st)
		return -1;
	noise = velox_stats_noise(st);
	for (k = 0; k < st->noise_cpus && k < st->slots; k++)
		for (c = 0; c < VELOX_NOISE_TOP; c++) {
			const struct velox_offender *t = &noise[k].top[c];

			if (t->ns > best_ns && t->source == o->source &&
			    !offender_cmp(t, o->who)) {
				best_ns = t->ns;
				best = noise[k].cpu;
			}
		}
	return best;
}

/*
 * Per source, the offender that took the most time over all spikes (each
 * spike names its largest of each source), into that source's cause.
 */
static int rank_offenders(struct vx_tail *t, struct vx_cause_rank *by_cause,
			  const struct velox_stats *st)
{
	struct offense *all;
	size_t n = 0, i, j;
	unsigned int src;

	all = calloc(t->n * VELOX_NOISES + 1, sizeof(*all));
	if (!all) {
		vx_err("tail", "out of memory ranking %zu spikes", t->n);
		return -1;
	}
	for (i = 0; i < t->n; i++)
		for (src = 0; src < VELOX_NOISES; src++)
			if (named_source(src) && t->spikes[i].top[src].ns)
				all[n++] = (struct offense){
					.who = &t->spikes[i].top[src],
					.spike = &t->spikes[i],
					.source = src,
				};
	qsort(all, n, sizeof(*all), offense_cmp);
	for (i = 0; i < n; i = j) {
		struct vx_cause_rank *r = &by_cause[VELOX_CAUSE_IRQ + all[i].source];
		__u64 ns = 0;

		for (j = i; j < n && !offense_cmp(&all[i], &all[j]); j++)
			ns += all[j].who->ns;
		if (ns <= r->top_ns)
			continue;
		r->top_ns = ns;
		r->top_spikes = j - i;
		r->top_cpu = offender_cpu(&all[i], j - i, st);
		velox_offender_name(r->top, sizeof(r->top), all[i].source,
				    all[i].who);
	}
	free(all);
	return 0;
}

/**
 * vx_tail_rank() - rank the causes of @t's spikes
 * @t: @spikes and @n set; @causes, @total_ns, @cas_retries are filled in
 * @st: a snapshot of the stats area, whose noise accounting may say on
 *	which CPU an offender struck; or NULL
 *
 * Each cause's time is summed over all spikes; the causes are sorted
 * largest first (equal ones in enum velox_cause order), each with its
 * share of the sum of all causes.
 *
 * Return: 0, or -1 after one line on stderr (out of memory).
 */
int vx_tail_rank(struct vx_tail *t, const struct velox_stats *st)
{
	struct vx_cause_rank by_cause[VELOX_CAUSES], tmp;
	__u64 flush_ns[VELOX_FLUSH_REASONS] = { 0 };
	unsigned int c, r;
	size_t i, j;

	memset(by_cause, 0, sizeof(by_cause));
	t->total_ns = 0;
	t->cas_retries = 0;
	for (c = 0; c < VELOX_CAUSES; c++) {
		by_cause[c].cause = c;
		by_cause[c].top_cpu = -1;
		by_cause[c].flush = -1;
	}
	for (i = 0; i < t->n; i++) {
		const struct velox_spike *s = &t->spikes[i];

		for (c = 0; c < VELOX_CAUSES; c++) {
			by_cause[c].ns += s->cause_ns[c];
			t->total_ns += s->cause_ns[c];
		}
		if (s->flush_reason < VELOX_FLUSH_REASONS)
			flush_ns[s->flush_reason] +=
				s->cause_ns[VELOX_CAUSE_BUNDLE_WAIT];
		t->cas_retries += s->cas_retries;
	}
	for (r = 0; r < VELOX_FLUSH_REASONS; r++)
		if (flush_ns[r] && (by_cause[VELOX_CAUSE_BUNDLE_WAIT].flush < 0 ||
				    flush_ns[r] > flush_ns[by_cause[VELOX_CAUSE_BUNDLE_WAIT].flush]))
			by_cause[VELOX_CAUSE_BUNDLE_WAIT].flush = r;
	if (rank_offenders(t, by_cause, st))
		return -1;
	for (c = 0; c < VELOX_CAUSES; c++)
		by_cause[c].share = t->total_ns ?
				    (double)by_cause[c].ns / t->total_ns : 0;
	/* Insertion sort, stable: nine entries. */
	for (i = 1; i < VELOX_CAUSES; i++) {
		tmp = by_cause[i];
		for (j = i; j > 0 && by_cause[j - 1].ns < tmp.ns; j--)
			by_cause[j] = by_cause[j - 1];
		by_cause[j] = tmp;
	}
	memcpy(t->causes, by_cause, sizeof(by_cause));
	return 0;
}

/* What a cause's part of the diagnosis says besides its share. */
static void print_cause_detail(FILE *out, const struct vx_tail *t,
			       const struct vx_cause_rank *r)
{
	char d[VELOX_DURATION_LEN];

	if (r->top[0]) {
		fprintf(out, " (%s", r->top);
		if (r->top_cpu >= 0)
			fprintf(out, " on CPU %d", r->top_cpu);
		fprintf(out, ", avg %s)", velox_fmt_duration(d, sizeof(d),
			r->top_ns / r->top_spikes));
	} else if (r->cause == VELOX_CAUSE_BUNDLE_WAIT && r->flush >= 0) {
		fprintf(out, " (%s flush)", velox_flush_name(r->flush));
	} else if (r->cause == VELOX_CAUSE_MATCHING && t->cas_retries) {
		fprintf(out, " (%.1f CAS retries per spike)",
			(double)t->cas_retries / t->n);
	}
}

/**
 * vx_print_tail_diagnosis() - the spikes' causes in one line
 * @out: where to print it
 * @t: ranked by vx_tail_rank()
 *
 * "412 spikes >= 200.00us: 71 % preempted (sh[93] on CPU 1, avg
 * 310.00us), 20 % bundle_wait (timeout flush), 9 % queueing": every
 * cause of at least half a percent, largest first; for interference the
 * largest offender, the CPU it struck and its average time per spike it
 * struck; for bundle_wait the flush most of the wait ended in; for
 * matching the order book's CAS retries per spike.
 */
void vx_print_tail_diagnosis(FILE *out, const struct vx_tail *t)
{
	char d[VELOX_DURATION_LEN];
	const char *sep = ": ";
	unsigned int i;

	fprintf(out, "%zu spike%s >= %s", t->n, t->n == 1 ? "" : "s",
		velox_fmt_duration(d, sizeof(d), t->threshold_ns));
	for (i = 0; i < VELOX_CAUSES && t->total_ns; i++) {
		const struct vx_cause_rank *r = &t->causes[i];

		if (!r->ns || (i && r->share < 0.005))
			break;
		fprintf(out, "%s%.0f %% %s", sep, r->share * 100,
			velox_cause_name(r->cause));
		print_cause_detail(out, t, r);
		sep = ", ";
	}
	fputc('\n', out);
}

/* A spike's largest causes, as core/report.c says them (no newline). */
void vx_print_causes(FILE *out, const __u64 cause_ns[VELOX_CAUSES],
		     const struct velox_offender *top, unsigned int most)
{
	velox_report_causes(cause_ns, top, most, vx_emit_file, out);
}

void vx_print_spike_header(FILE *out)
{
	velox_report_spike_header(vx_emit_file, out);
}

/* One spike in one line, as debugfs's tail file prints it (core/report.c). */
void vx_print_spike(FILE *out, const struct velox_spike *s)
{
	velox_report_spike(s, vx_emit_file, out);
}

/* The index of the first of the last @last spikes. */
static size_t first_of_last(const struct vx_tail *t, size_t last)
{
	return t->n > last ? t->n - last : 0;
}

/**
 * vx_print_tail() - velox-ctl tail's text
 * @out: where to print it
 * @t: ranked by vx_tail_rank(), with the stats area's counters
 * @last: how many of the newest spikes to list, one a line
 *
 * The diagnosis line, the counters, then the spikes, newest last.
 */
void vx_print_tail(FILE *out, const struct vx_tail *t, size_t last)
{
	size_t i;

	if (!t->threshold_ns && !t->n) {
		fputs("no spikes: tail capture was off (start a run with --tail DURATION)\n",
		      out);
		return;
	}
	vx_print_tail_diagnosis(out, t);
	fprintf(out, "captured %llu, lost %llu%s, partial %llu%s\n", t->captured,
		t->lost, t->lost ? " (the capture buffer was full)" : "",
		t->partial, t->partial ? " (their interference may be short)" : "");
	if (!t->n || !last)
		return;
	i = first_of_last(t, last);
	fprintf(out, "\n%s %zu of %zu spikes, newest last:\n",
		i ? "the last" : "all", t->n - i, t->n);
	vx_print_spike_header(out);
	for (; i < t->n; i++)
		vx_print_spike(out, &t->spikes[i]);
}

static void print_spike_json(FILE *out, const struct velox_spike *s)
{
	unsigned int i;

	fprintf(out, "{\"id\":%llu,\"lane\":%u,\"e2e_ns\":%llu,\"stages\":{",
		s->id, s->lane, s->e2e_ns);
	for (i = 0; i < VELOX_PARTS; i++)
		fprintf(out, "%s\"%s\":%llu", i ? "," : "", velox_part_name(i),
			s->part_ns[i]);
	fputs("},\"interference\":{", out);
	for (i = 0; i < VELOX_NOISES; i++)
		fprintf(out, "%s\"%s\":%llu", i ? "," : "",
			velox_noise_name(i), s->cause_ns[VELOX_CAUSE_IRQ + i]);
	fputs("},\"cpu\":{", out);
	for (i = 0; i < SPIKE_CPUS; i++)
		fprintf(out, "%s\"%s\":%u", i ? "," : "", cpu_keys[i],
			s->cpu[i]);
	fputs("}}", out);
}

/**
 * vx_print_tail_json() - velox-ctl tail --json: one object, one line
 * @out: where to print it
 * @t: ranked by vx_tail_rank(), with the stats area's counters
 * @last: how many of the newest spikes to list
 *
 * {"threshold_ns", "captured", "lost", "causes": [{"cause", "ns",
 * "share", "top"}, ...] largest first, all nine, "spikes": [{"id",
 * "lane", "e2e_ns", "stages": {part: ns}, "interference": {source: ns},
 * "cpu": {"ingress", "matcher", "bundler", "output"}}, ...] newest last}.
 * The keys are a contract: scripts read them.
 */
void vx_print_tail_json(FILE *out, const struct vx_tail *t, size_t last)
{
	unsigned int c;
	size_t i;

	fprintf(out, "{\"threshold_ns\":%llu,\"captured\":%llu,\"lost\":%llu,\"causes\":[",
		t->threshold_ns, t->captured, t->lost);
	for (c = 0; c < VELOX_CAUSES; c++) {
		const struct vx_cause_rank *r = &t->causes[c];

		fprintf(out, "%s{\"cause\":\"%s\",\"ns\":%llu,\"share\":%.6f,\"top\":",
			c ? "," : "", velox_cause_name(r->cause), r->ns,
			r->share);
		vx_print_json_string(out, r->top, sizeof(r->top));
		fputc('}', out);
	}
	fputs("],\"spikes\":[", out);
	for (i = first_of_last(t, last); i < t->n; i++) {
		if (i != first_of_last(t, last))
			fputc(',', out);
		print_spike_json(out, &t->spikes[i]);
	}
	fputs("]}\n", out);
}
