// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: the numbers of a run by name, "e2e.p99", "dropped",
 * "throughput", and one number over a file's runs (median, min, max):
 * what velox-ctl compare tabulates and --fail-if tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvelox.h"

/* A stage's statistics past its percentiles, after velox_percentiles[]. */
static const char *const stat_names[VX_STATS - VELOX_PERCENTILES] = {
	[VX_STAT_COUNT - VELOX_PERCENTILES] = "count",
	[VX_STAT_MIN - VELOX_PERCENTILES] = "min",
	[VX_STAT_MEAN - VELOX_PERCENTILES] = "mean",
	[VX_STAT_MAX - VELOX_PERCENTILES] = "max",
};

/* "p99" for p99, as JSON names it less "_ns"; "count", "max" and so on. */
static size_t stat_name(char *buf, size_t len, unsigned int stat)
{
	const char *json;

	if (stat >= VELOX_PERCENTILES)
		return snprintf(buf, len, "%s",
				stat_names[stat - VELOX_PERCENTILES]);
	json = velox_percentiles[stat].json;
	return snprintf(buf, len, "%.*s", (int)(strcspn(json, "_")), json);
}

/**
 * vx_metric_parse() - a metric from its name
 * @name: "STAGE.STAT" (e2e.p99, match.max), a counter's name, or
 *	"throughput"
 * @m: set to it
 *
 * Return: 0, or -1 if @name names none (nothing printed).
 */
int vx_metric_parse(const char *name, struct vx_metric *m)
{
	const char *dot = strchr(name, '.');
	char buf[32];
	unsigned int i;

	memset(m, 0, sizeof(*m));
	if (!strcmp(name, "throughput")) {
		m->kind = VX_METRIC_THROUGHPUT;
		return 0;
	}
	if (!dot) {
		for (i = 0; i < VELOX_NR_COUNTERS; i++)
			if (!strcmp(name, velox_counter_name(i))) {
				m->kind = VX_METRIC_COUNTER;
				m->counter = i;
				return 0;
			}
		return -1;
	}
	m->kind = VX_METRIC_STAGE;
	for (m->stage = 0; m->stage < VELOX_STAGES; m->stage++) {
		const char *s = velox_stage_name(m->stage);

		if ((size_t)(dot - name) == strlen(s) &&
		    !strncmp(name, s, dot - name))
			break;
	}
	if (m->stage == VELOX_STAGES)
		return -1;
	for (m->stat = 0; m->stat < VX_STATS; m->stat++) {
		stat_name(buf, sizeof(buf), m->stat);
		if (!strcmp(dot + 1, buf))
			return 0;
	}
	return -1;
}

/* @m's name, as vx_metric_parse() reads it. */
size_t vx_metric_name(char *buf, size_t len, const struct vx_metric *m)
{
	size_t n;

	switch (m->kind) {
	case VX_METRIC_THROUGHPUT:
		return snprintf(buf, len, "throughput");
	case VX_METRIC_COUNTER:
		return snprintf(buf, len, "%s", velox_counter_name(m->counter));
	default:
		n = snprintf(buf, len, "%s.", velox_stage_name(m->stage));
		return n + stat_name(n < len ? buf + n : NULL,
				     n < len ? len - n : 0, m->stat);
	}
}

/* The metric is a latency, in nanoseconds (not a count, not a rate). */
bool vx_metric_is_ns(const struct vx_metric *m)
{
	return m->kind == VX_METRIC_STAGE && m->stat != VX_STAT_COUNT;
}

/* @m of one run (its measured part). */
double vx_metric_value(const struct vx_result_run *r, const struct vx_metric *m)
{
	const struct velox_hist *h = &r->hist[m->stage];
	const unsigned int delivered = offsetof(struct velox_counters,
						delivered) / sizeof(__u64);

	switch (m->kind) {
	case VX_METRIC_THROUGHPUT:
		return r->seconds > 0 ? r->counters[delivered] / r->seconds : 0;
	case VX_METRIC_COUNTER:
		return r->counters[m->counter];
	default:
		break;
	}
	if (m->stat < VELOX_PERCENTILES)
		return velox_hist_quantile(h, velox_percentiles[m->stat].ppm);
	switch (m->stat) {
	case VX_STAT_COUNT:
		return h->count;
	case VX_STAT_MIN:
		return h->count ? h->min : 0;
	case VX_STAT_MEAN:
		return velox_hist_mean(h);
	default:
		return h->max;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* @m over @n runs (at most VX_RESULT_RUNS_MAX): median, least, most. */
void vx_metric_spread(const struct vx_result_run *runs, size_t n,
		      const struct vx_metric *m, struct vx_spread *s)
{
	double v[VX_RESULT_RUNS_MAX];
	size_t i;

	memset(s, 0, sizeof(*s));
	if (n > VX_RESULT_RUNS_MAX)
		n = VX_RESULT_RUNS_MAX;
	if (!n)
		return;
	for (i = 0; i < n; i++)
		v[i] = vx_metric_value(&runs[i], m);
	qsort(v, n, sizeof(*v), cmp_double);
	s->n = n;
	s->min = v[0];
	s->max = v[n - 1];
	s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* @v as @m is read: "12.3us", "10000/s", "42". */
const char *vx_metric_fmt(char *buf, size_t len, const struct vx_metric *m,
			  double v)
{
	if (vx_metric_is_ns(m))
		return velox_fmt_duration(buf, len, (__u64)(v + 0.5));
	if (m->kind == VX_METRIC_THROUGHPUT)
		snprintf(buf, len, "%.0f/s", v);
	else
		snprintf(buf, len, "%.0f", v);
	return buf;
}
