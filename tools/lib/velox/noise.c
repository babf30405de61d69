// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: what the machine took from the workers' CPUs during a run
 * with tail capture on (struct velox_noise_cpu in the stats area, at its
 * noise_offset), in osnoise's manner: per CPU its runtime, the share of it
 * the workers had, and the time and count per source (IRQ, softirq, NMI,
 * other tasks), then the largest offenders.
 */
#include <stdio.h>

#include "libvelox.h"

static __u64 noise_ns(const struct velox_noise_cpu *n)
{
	__u64 sum = 0;
	unsigned int s;

	for (s = 0; s < VELOX_NOISES; s++)
		sum += n->ns[s];
	return sum;
}

/* The share of the runtime nothing took, 0..1 (1 with no runtime yet). */
static double available(const struct velox_noise_cpu *n)
{
	__u64 noise = noise_ns(n);

	if (!n->wall_ns)
		return 1;
	return noise >= n->wall_ns ? 0 : 1 - (double)noise / n->wall_ns;
}

/* Entries in use, of those the area holds (vx_stats_check() says so). */
static __u32 noise_cpus(const struct velox_stats *st)
{
	return st->noise_cpus < st->slots ? st->noise_cpus : st->slots;
}

/**
 * vx_print_noise() - velox-ctl noise's text
 * @out: where to print it
 * @st: a snapshot of the stats area
 *
 * One row per worker CPU: runtime (the run's wall time), noise (all
 * sources), % available, then time and count per source; below, each
 * CPU's largest offenders.
 */
void vx_print_noise(FILE *out, const struct velox_stats *st)
{
	const struct velox_noise_cpu *noise = velox_stats_noise(st);
	char d[VELOX_DURATION_LEN], who[VELOX_OFFENDER_LEN];
	__u32 i, n = noise_cpus(st);
	unsigned int s, k;

	if (!n) {
		fprintf(out, "no noise accounting in run %llu: tail capture was off (start a run with --tail DURATION)\n",
			st->run);
		return;
	}
	fprintf(out, "%4s %10s %10s %8s", "CPU", "runtime", "noise",
		"% avail");
	for (s = 0; s < VELOX_NOISES; s++)
		fprintf(out, " %10s %8s", velox_noise_name(s), "count");
	fputc('\n', out);
	for (i = 0; i < n; i++) {
		const struct velox_noise_cpu *c = &noise[i];

		fprintf(out, "%4u %10s", c->cpu,
			velox_fmt_duration(d, sizeof(d), c->wall_ns));
		fprintf(out, " %10s %8.3f",
			velox_fmt_duration(d, sizeof(d), noise_ns(c)),
			available(c) * 100);
		for (s = 0; s < VELOX_NOISES; s++)
			fprintf(out, " %10s %8llu",
				velox_fmt_duration(d, sizeof(d), c->ns[s]),
				c->count[s]);
		fputc('\n', out);
	}
	fprintf(out, "\n%4s %-10s %-24s %10s %8s\n", "CPU", "source",
		"top offenders", "time", "count");
	for (i = 0; i < n; i++)
		for (k = 0; k < VELOX_NOISE_TOP; k++) {
			const struct velox_offender *o = &noise[i].top[k];

			if (!o->ns)
				break;
			fprintf(out, "%4u %-10s %-24s %10s %8llu\n",
				noise[i].cpu, velox_noise_name(o->source),
				velox_offender_name(who, sizeof(who), o->source, o),
				velox_fmt_duration(d, sizeof(d), o->ns),
				o->count);
		}
}

/**
 * vx_print_noise_json() - velox-ctl noise --json: one object, one line
 * @out: where to print it
 * @st: a snapshot of the stats area
 *
 * {"run", "cpus": [{"cpu", "wall_ns", "noise_ns", "available" (0..1),
 * then per source ("irq", "softirq", "nmi", "preempted") {"ns", "count"},
 * "top": [{"source", "id", "name", "offender", "ns", "count"}, ...]
 * largest first}, ...] in CPU order}; "cpus" is empty if the run had
 * tail capture off.
 */
void vx_print_noise_json(FILE *out, const struct velox_stats *st)
{
	const struct velox_noise_cpu *noise = velox_stats_noise(st);
	char who[VELOX_OFFENDER_LEN];
	__u32 i, n = noise_cpus(st);
	unsigned int s, k;

	fprintf(out, "{\"run\":%llu,\"cpus\":[", st->run);
	for (i = 0; i < n; i++) {
		const struct velox_noise_cpu *c = &noise[i];

		fprintf(out, "%s{\"cpu\":%u,\"wall_ns\":%llu,\"noise_ns\":%llu,\"available\":%.6f",
			i ? "," : "", c->cpu, c->wall_ns, noise_ns(c),
			available(c));
		for (s = 0; s < VELOX_NOISES; s++)
			fprintf(out, ",\"%s\":{\"ns\":%llu,\"count\":%llu}",
				velox_noise_name(s), c->ns[s], c->count[s]);
		fputs(",\"top\":[", out);
		for (k = 0; k < VELOX_NOISE_TOP && c->top[k].ns; k++) {
			const struct velox_offender *o = &c->top[k];

			fprintf(out, "%s{\"source\":\"%s\",\"id\":%u,\"name\":",
				k ? "," : "", velox_noise_name(o->source), o->id);
			vx_print_json_string(out, o->name, sizeof(o->name));
			fputs(",\"offender\":", out);
			vx_print_json_string(out, velox_offender_name(who,
					     sizeof(who), o->source, o),
					     sizeof(who));
			fprintf(out, ",\"ns\":%llu,\"count\":%llu}", o->ns,
				o->count);
		}
		fputs("]}", out);
	}
	fputs("]}\n", out);
}
