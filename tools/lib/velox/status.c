// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: a run as people read it (a summary, an aligned status) and as
 * scripts read it (one JSON object), from a snapshot of the stats area
 * (a whole copy: its lanes and CPU set lie behind the fixed part).
 */
#include <stdio.h>
#include <stdlib.h>

#include "libvelox.h"

/* report.h's texts go to a FILE * as they are made. */
void vx_emit_file(void *file, const char *text)
{
	fputs(text, file);
}

/*
 * Signed: while running, the per-CPU sums are taken one after another, so
 * delivered may be counted a moment later than generated.
 */
static long long in_flight(const struct velox_counters *c)
{
	return (long long)(c->generated - c->delivered - c->dropped);
}

static double run_seconds(const struct velox_stats *st)
{
	unsigned long long end = st->stop_ns ? st->stop_ns : st->publish_ns;

	return end > st->start_ns ? (end - st->start_ns) / 1e9 : 0;
}

/* "full 3, timeout 1, drain 1" */
static void print_flushes(FILE *out, const struct velox_counters *c)
{
	unsigned int r;

	for (r = 0; r < VELOX_FLUSH_REASONS; r++)
		fprintf(out, "%s%s %llu", r ? ", " : "", velox_flush_name(r),
			c->flushes[r]);
}

/* The run in a few lines: flow, end-to-end latency, the book. */
void vx_print_summary(FILE *out, const struct velox_stats *st)
{
	const struct velox_counters *c = &st->total;
	double secs = run_seconds(st);
	char b[VELOX_DURATION_LEN];
	struct velox_hist h;

	fprintf(out, "run %llu: %s after %.2f s: %llu generated, %llu"
		" delivered, %llu dropped, %lld in flight",
		st->run, velox_state_name(st->state), secs, c->generated,
		c->delivered, c->dropped, in_flight(c));
	if (secs > 0)
		fprintf(out, " (%.0f/s delivered)", c->delivered / secs);
	fputc('\n', out);
	vx_stats_hist(st, VELOX_STAGE_E2E, &h);
	fprintf(out, "%s latency of %llu sampled:",
		velox_stage_name(VELOX_STAGE_E2E), h.count);
	if (h.count) {
		fprintf(out, "  min %s", velox_fmt_duration(b, sizeof(b), h.min));
		velox_report_percentiles(&h, vx_emit_file, out);
		fprintf(out, "  max %s", velox_fmt_duration(b, sizeof(b), h.max));
	}
	fprintf(out, "\nbundles %llu (", c->bundles);
	print_flushes(out, c);
	fprintf(out, "); book: %llu orders, %llu fills, %llu CAS retries, %llu"
		" resting\n", c->orders, c->fills, c->cas_retries,
		c->resting_qty);
	if (st->config.tail_ns)
		fprintf(out, "tail: %llu spikes >= %s captured, %llu lost"
			" (velox-ctl tail explains them)\n", c->tail_captured,
			velox_fmt_duration(b, sizeof(b), st->config.tail_ns),
			c->tail_lost);
	if (c->seq_errors)
		fprintf(out, "ORDER ERRORS: %llu transactions out of sequence\n",
			c->seq_errors);
}

/* "off", or a duration: a config's tail_ns or snapshot_ns. */
static const char *fmt_off(char *b, size_t len, __u64 ns)
{
	return ns ? velox_fmt_duration(b, len, ns) : "off";
}

/*
 * @c's CPUs as a cpulist, "" for none, in a buffer to free(): those of
 * @cpu_set if given (the stats area's), else of @c's own 64 bits.
 */
static char *config_cpus(const struct velox_config *c, const __u64 *cpu_set,
			 size_t cpu_set_size)
{
	char *list = cpu_set ? vx_cpulist(cpu_set, cpu_set_size) :
			       vx_cpulist(&c->cpus, sizeof(c->cpus));

	if (!list)
		vx_err("cpus", "out of memory");
	return list;
}

/**
 * vx_print_config_json() - a config as the JSON object "config"
 * @out: where to print it
 * @c: the config
 * @cpu_set: its CPU set (the stats area's), or NULL: @c->cpus then says
 * @cpu_set_size: bytes at @cpu_set
 *
 * "cpus" is a cpulist string ("0-3,64"; "": the scheduler places the
 * threads).
 */
void vx_print_config_json(FILE *out, const struct velox_config *c,
			  const __u64 *cpu_set, size_t cpu_set_size)
{
	char *cpus = config_cpus(c, cpu_set, cpu_set_size);

	fprintf(out, "{\"lanes\":%u,\"rate\":%u,\"bundle\":%u,\"flush_us\":%u,"
		"\"ring\":%u,\"sample\":%u,\"spin_us\":%u,\"backoff\":\"%s\","
		"\"policy\":\"%s\",\"threads\":%u,\"seed\":%u,\"cpus\":\"%s\","
		"\"tail_ns\":%llu,\"snapshot_ns\":%llu}", c->lanes, c->rate,
		c->bundle, c->flush_us, c->ring, c->sample, c->spin_us,
		velox_backoff_name(c->backoff), velox_policy_name(c->policy),
		c->threads, c->seed, cpus ? cpus : "", c->tail_ns,
		c->snapshot_ns);
	free(cpus);
}

void vx_print_status(FILE *out, const struct velox_stats *st)
{
	const struct velox_lane_counters *lane = velox_stats_lanes(st);
	const struct velox_counters *c = &st->total;
	const struct velox_config *g = &st->config;
	char t[VELOX_DURATION_LEN], sn[VELOX_DURATION_LEN];
	char *cpus = config_cpus(g, velox_stats_cpu_set(st), st->cpu_set_size);
	__u32 i;

	fprintf(out, "%-14s %s\n", "state", velox_state_name(st->state));
	fprintf(out, "%-14s %s\n", "stop_reason",
		velox_stop_reason_name(st->stop_reason));
	fprintf(out, "%-14s %llu (%.2f s)\n", "run", st->run,
		run_seconds(st));
	fprintf(out, "%-14s %llu\n", "generated", c->generated);
	fprintf(out, "%-14s %llu\n", "delivered", c->delivered);
	fprintf(out, "%-14s %llu\n", "dropped", c->dropped);
	fprintf(out, "%-14s %lld\n", "in_flight", in_flight(c));
	fprintf(out, "%-14s %llu\n", "sampled", c->sampled);
	fprintf(out, "%-14s %llu\n", "seq_errors", c->seq_errors);
	fprintf(out, "%-14s %llu (", "bundles", c->bundles);
	print_flushes(out, c);
	fputs(")\n", out);
	fprintf(out, "%-14s %llu (%llu rejected), %llu"
		" fills, %llu CAS retries\n", "orders", c->orders,
		c->rejected, c->fills, c->cas_retries);
	fprintf(out, "%-14s submitted %llu = 2 x filled %llu"
		" + resting %llu + cancelled %llu + expired %llu"
		" + rejected %llu\n", "quantity",
		c->submitted_qty, c->filled_qty, c->resting_qty,
		c->cancelled_qty, c->expired_qty, c->rejected_qty);
	fprintf(out, "%-14s full waits %llu, yields %llu"
		", sleeps %llu\n", "backoff", c->full_waits,
		c->idle_yields, c->idle_sleeps);
	fprintf(out, "%-14s captured %llu, lost %llu, partial %llu\n",
		"tail", c->tail_captured, c->tail_lost, c->tail_partial);
	fprintf(out, "%-14s rate %u/s, lanes %u, bundle %u, flush %u us, ring %u, "
		"sample 1/%u,\n%-14s backoff %s, policy %s, threads %u, seed %u, "
		"cpus %s,\n%-14s tail %s, snapshot %s\n", "config", g->rate,
		g->lanes, g->bundle, g->flush_us, g->ring, g->sample, "",
		velox_backoff_name(g->backoff), velox_policy_name(g->policy),
		g->threads, g->seed, cpus && *cpus ? cpus : "any", "",
		fmt_off(t, sizeof(t), g->tail_ns),
		fmt_off(sn, sizeof(sn), g->snapshot_ns));
	free(cpus);
	for (i = 0; i < g->lanes && i < st->slots; i++)
		fprintf(out, "lane %-9u generated %llu, delivered %llu"
			", dropped %llu\n", i, lane[i].generated,
			lane[i].delivered, lane[i].dropped);
}

/* Every counter under its name (names.h), so a new one shows up here. */
void vx_print_status_json(FILE *out, const struct velox_stats *st)
{
	const struct velox_lane_counters *lane = velox_stats_lanes(st);
	const struct velox_counters *c = &st->total;
	unsigned int i;

	fprintf(out, "{\"state\":\"%s\",\"stop_reason\":\"%s\",\"run\":%llu,"
		"\"seconds\":%.6f", velox_state_name(st->state),
		velox_stop_reason_name(st->stop_reason), st->run,
		run_seconds(st));
	for (i = 0; i < VELOX_NR_COUNTERS; i++)
		fprintf(out, ",\"%s\":%llu", velox_counter_name(i),
			velox_counter_value(c, i));
	fprintf(out, ",\"in_flight\":%lld,\"config\":", in_flight(c));
	vx_print_config_json(out, &st->config, velox_stats_cpu_set(st),
			     st->cpu_set_size);
	fputs(",\"lanes\":[", out);
	for (i = 0; i < st->config.lanes && i < st->slots; i++)
		fprintf(out, "%s{\"generated\":%llu,\"delivered\":%llu"
			",\"dropped\":%llu}", i ? "," : "", lane[i].generated,
			lane[i].delivered, lane[i].dropped);
	fputs("]}\n", out);
}
