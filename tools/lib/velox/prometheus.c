// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: a copy of the stats area in Prometheus' text format, and
 * written atomically for node_exporter's textfile collector.  The
 * families and the histogram's fold are described in prometheus.h.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libvelox.h"

#define NSEC_PER_SEC	1000000000ull

/* A 1-2-5 series, 100 ns to 10 s. */
const __u64 vx_prom_bounds_ns[VX_PROM_BOUNDS] = {
	100, 200, 500,
	1000, 2000, 5000,
	10000, 20000, 50000,
	100000, 200000, 500000,
	1000000, 2000000, 5000000,
	10000000, 20000000, 50000000,
	100000000, 200000000, 500000000,
	1000000000, 2000000000, 5000000000,
	10000000000,
};

unsigned int vx_prom_fold(unsigned int index)
{
	/* The overflow bucket's width makes its upper edge U64_MAX. */
	__u64 upper = velox_hist_bucket_lo(index) +
		      (velox_hist_bucket_width(index) - 1);
	unsigned int b;

	for (b = 0; b < VX_PROM_BOUNDS; b++)
		if (vx_prom_bounds_ns[b] >= upper)
			break;
	return b;
}

void vx_prom_cumulative(const struct velox_hist *h,
			__u64 cum[VX_PROM_BOUNDS + 1])
{
	unsigned int i;

	memset(cum, 0, (VX_PROM_BOUNDS + 1) * sizeof(*cum));
	for (i = 0; i < VELOX_HIST_BUCKETS; i++)
		if (h->buckets[i])
			cum[vx_prom_fold(i)] += h->buckets[i];
	for (i = 1; i <= VX_PROM_BOUNDS; i++)
		cum[i] += cum[i - 1];
}

void vx_prom_label_value(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void family(FILE *out, const char *name, const char *type,
		   const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Exact: the format takes any decimal, and ns have nine places. */
static void seconds(FILE *out, __u64 ns)
{
	fprintf(out, "%llu.%09llu", ns / NSEC_PER_SEC, ns % NSEC_PER_SEC);
}

/* "NAME{stage="STAGE"": a sample's start, for the caller to finish. */
static void stage_sample(FILE *out, const char *name, unsigned int stage)
{
	fprintf(out, "%s{stage=", name);
	vx_prom_label_value(out, velox_stage_name(stage));
}

/* An enum as a gauge per value, 1 for @now: "NAME{LABEL="value"} 0|1". */
static void enum_gauge(FILE *out, const char *name, const char *label,
		       const char *(*value_name)(unsigned int),
		       unsigned int values, unsigned int now)
{
	unsigned int v;

	for (v = 0; v < values; v++) {
		fprintf(out, "%s{%s=", name, label);
		vx_prom_label_value(out, value_name(v));
		fprintf(out, "} %d\n", v == now);
	}
}

static void print_run(FILE *out, const struct velox_stats *st)
{
	const struct velox_counters *c = &st->total;
	const struct velox_config *g = &st->config;
	__u64 end = st->stop_ns ? st->stop_ns : st->publish_ns;

	family(out, "velox_run", "gauge",
	       "Number of the run these metrics are of: runs started since velox.ko loaded.");
	fprintf(out, "velox_run %llu\n", st->run);
	family(out, "velox_run_seconds", "gauge",
	       "Seconds the run has been running, or ran until it stopped.");
	fputs("velox_run_seconds ", out);
	seconds(out, end > st->start_ns ? end - st->start_ns : 0);
	fputc('\n', out);
	family(out, "velox_state", "gauge",
	       "1 for the pipeline's state, 0 for the others.");
	enum_gauge(out, "velox_state", "state", velox_state_name,
		   VELOX_STATE_STOPPING + 1, st->state);
	family(out, "velox_stop_reason", "gauge",
	       "1 for why the run stopped (none while it runs), 0 for the others.");
	enum_gauge(out, "velox_stop_reason", "reason", velox_stop_reason_name,
		   VELOX_STOP_REASONS, st->stop_reason);
	family(out, "velox_config_info", "gauge",
	       "The run's config (velox-ctl start's options) as labels; always 1.");
	fprintf(out, "velox_config_info{lanes=\"%u\",rate=\"%u\",threads=\"%u\","
		"bundle=\"%u\",flush_us=\"%u\",ring=\"%u\",sample=\"%u\","
		"spin_us=\"%u\",tail_ns=\"%llu\",backoff=", g->lanes, g->rate,
		g->threads, g->bundle, g->flush_us, g->ring, g->sample,
		g->spin_us, g->tail_ns);
	vx_prom_label_value(out, velox_backoff_name(g->backoff));
	fputs(",policy=", out);
	vx_prom_label_value(out, velox_policy_name(g->policy));
	fputs("} 1\n", out);
	family(out, "velox_in_flight", "gauge",
	       "Transactions generated and neither delivered nor dropped yet.");
	fprintf(out, "velox_in_flight %lld\n",
		(long long)(c->generated - c->delivered - c->dropped));
}

#define WORD(field)	(offsetof(struct velox_counters, field) / sizeof(__u64))

/*
 * Every counter of the stats area under its names.h name, so a new one
 * shows up by itself; but the flush reasons as one family with a label,
 * and resting_qty, a level, as a gauge.
 */
static void print_counters(FILE *out, const struct velox_counters *c)
{
	char name[64], help[160];
	unsigned int i, r;

	for (i = 0; i < VELOX_NR_COUNTERS; i++) {
		const char *what = velox_counter_name(i);
		__u64 v = velox_counter_value(c, i);

		if (i == WORD(flushes)) {
			family(out, "velox_flushes_total", "counter",
			       "Bundles flushed this run, by reason.");
			for (r = 0; r < VELOX_FLUSH_REASONS; r++) {
				fputs("velox_flushes_total{reason=", out);
				vx_prom_label_value(out, velox_flush_name(r));
				fprintf(out, "} %llu\n", c->flushes[r]);
			}
		}
		if (i >= WORD(flushes) && i < WORD(flushes) + VELOX_FLUSH_REASONS)
			continue;
		if (i == WORD(resting_qty)) {
			family(out, "velox_resting_qty", "gauge",
			       "Units resting on the order book.");
			fprintf(out, "velox_resting_qty %llu\n", v);
			continue;
		}
		snprintf(name, sizeof(name), "velox_%s_total", what);
		snprintf(help, sizeof(help),
			 "Counter %s of the stats area this run (velox-ctl status --json).",
			 what);
		family(out, name, "counter", help);
		fprintf(out, "%s %llu\n", name, v);
	}
}

static void print_lanes(FILE *out, const struct velox_stats *st)
{
	static const struct {
		const char *name;
		size_t offset;
	} words[] = {
		{ "generated", offsetof(struct velox_lane_counters, generated) },
		{ "delivered", offsetof(struct velox_lane_counters, delivered) },
		{ "dropped", offsetof(struct velox_lane_counters, dropped) },
	};
	const struct velox_lane_counters *lane = velox_stats_lanes(st);
	char name[64], help[160];
	unsigned int l;
	size_t w;

	if (!st->config.lanes || !st->slots)
		return;
	for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		snprintf(name, sizeof(name), "velox_lane_%s_total", words[w].name);
		snprintf(help, sizeof(help),
			 "Counter %s of one lane this run; the lanes add up to velox_%s_total.",
			 words[w].name, words[w].name);
		family(out, name, "counter", help);
		for (l = 0; l < st->config.lanes && l < st->slots; l++)
			fprintf(out, "%s{lane=\"%u\"} %llu\n", name, l,
				*(const __u64 *)((const char *)&lane[l] +
						 words[w].offset));
	}
}

static void print_histograms(FILE *out, const struct velox_hist *h)
{
	__u64 cum[VX_PROM_BOUNDS + 1];
	unsigned int stage, b;

	family(out, "velox_latency_seconds", "histogram",
	       "Latency of the sampled transactions by stage (velox-ctl hist), folded onto fixed bounds.");
	for (stage = 0; stage < VELOX_STAGES; stage++) {
		vx_prom_cumulative(&h[stage], cum);
		for (b = 0; b < VX_PROM_BOUNDS; b++) {
			stage_sample(out, "velox_latency_seconds_bucket", stage);
			fprintf(out, ",le=\"%g\"} %llu\n",
				vx_prom_bounds_ns[b] / 1e9, cum[b]);
		}
		stage_sample(out, "velox_latency_seconds_bucket", stage);
		fprintf(out, ",le=\"+Inf\"} %llu\n", cum[VX_PROM_BOUNDS]);
		stage_sample(out, "velox_latency_seconds_sum", stage);
		fputs("} ", out);
		seconds(out, h[stage].sum);
		fputc('\n', out);
		stage_sample(out, "velox_latency_seconds_count", stage);
		fprintf(out, "} %llu\n", cum[VX_PROM_BOUNDS]);
	}
}

/* A stage's latency gauge: @ns in seconds, NaN while nothing was recorded. */
static void latency_gauge(FILE *out, const char *name, unsigned int stage,
			  const char *more, const struct velox_hist *h, __u64 ns)
{
	stage_sample(out, name, stage);
	fprintf(out, "%s} ", more);
	if (h->count)
		seconds(out, ns);
	else
		fputs("NaN", out);
	fputc('\n', out);
}

static void print_latency_gauges(FILE *out, const struct velox_hist *h)
{
	char percentile[32];
	unsigned int stage, p;

	/* "percentile": promtool takes a "quantile" label only on a summary. */
	family(out, "velox_latency_percentile_seconds", "gauge",
	       "Latency percentiles by stage, as velox-ctl hist computes and names them; NaN while empty.");
	for (stage = 0; stage < VELOX_STAGES; stage++)
		for (p = 0; p < VELOX_PERCENTILES; p++) {
			snprintf(percentile, sizeof(percentile),
				 ",percentile=\"%s\"", velox_percentiles[p].label);
			latency_gauge(out, "velox_latency_percentile_seconds",
				      stage, percentile, &h[stage],
				      velox_hist_quantile(&h[stage],
							  velox_percentiles[p].ppm));
		}
	family(out, "velox_latency_min_seconds", "gauge",
	       "Smallest latency recorded by stage, exact; NaN while empty.");
	for (stage = 0; stage < VELOX_STAGES; stage++)
		latency_gauge(out, "velox_latency_min_seconds", stage, "",
			      &h[stage], h[stage].min);
	family(out, "velox_latency_max_seconds", "gauge",
	       "Largest latency recorded by stage, exact; NaN while empty.");
	for (stage = 0; stage < VELOX_STAGES; stage++)
		latency_gauge(out, "velox_latency_max_seconds", stage, "",
			      &h[stage], h[stage].max);
}

int vx_prom_write(FILE *out, const struct velox_stats *st)
{
	struct velox_hist *h = malloc(VELOX_STAGES * sizeof(*h));
	unsigned int stage;

	if (!h)
		return -1;
	for (stage = 0; stage < VELOX_STAGES; stage++)
		vx_stats_hist(st, stage, &h[stage]);
	print_run(out, st);
	print_counters(out, &st->total);
	print_lanes(out, st);
	print_histograms(out, h);
	print_latency_gauges(out, h);
	free(h);
	return fflush(out) || ferror(out) ? -1 : 0;
}

int vx_prom_write_file(const char *path, const struct velox_stats *st)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	const char *step = "create";
	char *tmp;
	FILE *f;
	int fd, err;

	if (!*base) {
		vx_err(path, "names a directory; give a file, like %svelox.prom",
		       path);
		return -1;
	}
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", (int)(base - path), path,
		     base) < 0) {
		vx_err(path, "out of memory");
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		vx_err(path, "create a temporary file beside it: %s",
		       strerror(errno));
		free(tmp);
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		close(fd);
		goto out_unlink;
	}
	step = "write";
	/* mkstemp() makes it 0600: node_exporter runs as another user. */
	if (fchmod(fd, 0644) || vx_prom_write(f, st) || fsync(fd)) {
		err = errno;
		fclose(f);
		goto out_unlink;
	}
	if (fclose(f)) {
		err = errno;
		goto out_unlink;
	}
	step = "rename";
	if (rename(tmp, path)) {
		err = errno;
		goto out_unlink;
	}
	free(tmp);
	return 0;

out_unlink:
	unlink(tmp);
	vx_err(path, "%s %s: %s", step, tmp, strerror(err));
	free(tmp);
	return -1;
}
