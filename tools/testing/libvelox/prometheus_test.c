// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl export's text without velox.ko: a stats area made up here,
 * written in Prometheus' format and read back line by line.  The fold of
 * the log-linear buckets onto the fixed bounds is checked at its edges;
 * the file is checked to appear only by a rename of a temporary beside
 * it (inotify), never half written.
 *
 * The e2e histogram (ns): 100, 101, 199, 200, 999, 1000, 1.5 s, 20 s,
 * 100 s.  By the fold rule, 100 counts under 100 ns (its bucket holds 100
 * alone); 101 and 199 under 200 ns; 200 under 500 ns (its bucket holds
 * 200-201, which straddles 200 ns); 999 under 1 us (992-999); 1000 under
 * 2 us (1000-1007); 1.5 s under 2 s; 20 s and 100 s (the overflow
 * bucket) only under +Inf.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libvelox.h"

#define AREA_SLOTS	4

static const __u64 e2e_ns[] = {
	100, 101, 199, 200, 999, 1000, 1500000000, 20000000000ull,
	100000000000ull,
};
#define E2E_VALUES	(sizeof(e2e_ns) / sizeof(e2e_ns[0]))

/* A copy of a stats area: the fixed part, then AREA_SLOTS lanes. */
static struct velox_stats *stats_area(void)
{
	size_t size = sizeof(struct velox_stats) +
		      AREA_SLOTS * sizeof(struct velox_lane_counters);
	struct velox_lane_counters *lane;
	struct velox_stats *st = calloc(1, size);
	struct velox_hist h;
	unsigned int stage;
	size_t i;

	if (!st)
		return NULL;
	st->magic = VELOX_STATS_MAGIC;
	st->abi_version = VELOX_ABI_VERSION;
	st->size = size;
	st->slots = AREA_SLOTS;
	st->lane_offset = sizeof(struct velox_stats);
	st->noise_offset = sizeof(struct velox_stats);
	st->cpu_set_offset = sizeof(struct velox_stats);
	st->run = 3;
	st->state = VELOX_STATE_RUNNING;
	st->start_ns = 1000000000;
	st->publish_ns = 3500000000;
	st->config = (struct velox_config){ .lanes = 2, .rate = 20000,
					    .bundle = 16, .flush_us = 50,
					    .ring = 1024, .sample = 1,
					    .spin_us = 5,
					    .backoff = VELOX_BACKOFF_SLEEP,
					    .policy = VELOX_POLICY_DROP };
	st->total.generated = 1000;
	st->total.delivered = 990;
	st->total.dropped = 8;
	st->total.flushes[VELOX_FLUSH_TIMEOUT] = 7;
	st->total.resting_qty = 42;
	st->total.tail_partial = 5;
	lane = (struct velox_lane_counters *)((char *)st + st->lane_offset);
	lane[0] = (struct velox_lane_counters){ 600, 595, 5 };
	lane[1] = (struct velox_lane_counters){ 400, 395, 3 };
	/* Past config.lanes: not the run's. */
	lane[2] = (struct velox_lane_counters){ 99, 99, 0 };
	for (stage = 0; stage < VELOX_STAGES; stage++) {
		velox_hist_init(&h);
		if (stage == VELOX_STAGE_E2E)
			for (i = 0; i < E2E_VALUES; i++)
				velox_hist_record(&h, e2e_ns[i]);
		if (stage == VELOX_STAGE_MATCH)
			velox_hist_record(&h, 1234);
		memcpy(&st->hist[stage], &h, sizeof(h));
	}
	return st;
}

/* vx_prom_write()'s text, in a buffer to free. */
static char *exposition(const struct velox_stats *st)
{
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	if (vx_prom_write(out, st)) {
		fclose(out);
		free(text);
		return NULL;
	}
	fclose(out);
	return text;
}

/* The value of the sample whose line starts "SERIES ", or NULL. */
static const char *sample(const char *text, const char *series)
{
	size_t len = strlen(series);
	const char *line;

	for (line = text; line && *line; line = strchr(line, '\n'),
	     line = line ? line + 1 : NULL)
		if (!strncmp(line, series, len) && line[len] == ' ')
			return line + len + 1;
	return NULL;
}

/* The sample's value as an integer; ULLONG_MAX if it has none. */
static unsigned long long count_of(const char *text, const char *series)
{
	const char *v = sample(text, series);

	return v ? strtoull(v, NULL, 10) : ULLONG_MAX;
}

/* "velox_latency_seconds_bucket{stage="e2e",le="LE"}" */
static char *bucket(char *buf, size_t len, const char *stage, const char *le)
{
	snprintf(buf, len, "velox_latency_seconds_bucket{stage=\"%s\",le=\"%s\"}",
		 stage, le);
	return buf;
}

/* The bound of a log-linear bucket: the index of the bound, VX_PROM_BOUNDS for +Inf. */
static unsigned int bound_of_value(__u64 ns)
{
	return vx_prom_fold(velox_hist_index(ns));
}

TEST(bounds_are_a_1_2_5_series_from_100ns_to_10s)
{
	static const unsigned int mantissa[] = { 1, 2, 5 };
	__u64 decade = 100;
	unsigned int b;

	for (b = 0; b < VX_PROM_BOUNDS; b++) {
		EXPECT_EQ(mantissa[b % 3] * decade, vx_prom_bounds_ns[b])
			TH_LOG("bound %u", b);
		if (b % 3 == 2)
			decade *= 10;
	}
	EXPECT_EQ(10000000000ull, vx_prom_bounds_ns[VX_PROM_BOUNDS - 1]);
}

/* The rule, for every bucket: the smallest bound at or above its upper edge. */
TEST(fold_takes_the_smallest_bound_at_or_above_a_buckets_largest_value)
{
	unsigned int i, b;
	__u64 upper;

	for (i = 0; i < VELOX_HIST_BUCKETS; i++) {
		upper = velox_hist_bucket_lo(i) + (velox_hist_bucket_width(i) - 1);
		b = vx_prom_fold(i);
		if (b < VX_PROM_BOUNDS) {
			EXPECT_LE(upper, vx_prom_bounds_ns[b])
				TH_LOG("bucket %u (up to %llu ns) under bound %llu",
				       i, upper, vx_prom_bounds_ns[b]);
		}
		/* And not under a smaller one it would fit under. */
		if (b > 0) {
			EXPECT_LT(vx_prom_bounds_ns[b - 1], upper)
				TH_LOG("bucket %u (up to %llu ns) under bound %u, fits under %llu",
				       i, upper, b, vx_prom_bounds_ns[b - 1]);
		}
	}
}

/* At the edges: a bucket ending on a bound, one straddling it, one past. */
TEST(fold_at_a_bounds_edges)
{
	static const struct {
		__u64 ns;
		unsigned int bound;
	} edges[] = {
		{ 0, 0 }, { 100, 0 }, { 101, 1 }, { 199, 1 },
		/* 200-201: straddles 200 ns. */
		{ 200, 2 }, { 201, 2 }, { 499, 2 }, { 500, 3 },
		{ 999, 3 }, { 1000, 4 }, { 1007, 4 },
		/* Up to 998244351 ns, then 998244352-1006632959: straddles 1 s. */
		{ 998244351, 21 }, { 998244352, 22 }, { 1000000000, 22 },
		/* Up to 9932111871 ns, then 9932111872-10066329599: past 10 s. */
		{ 9932111871ull, 24 }, { 9932111872ull, VX_PROM_BOUNDS },
		{ 10000000000ull, VX_PROM_BOUNDS },
		{ VELOX_HIST_LIMIT, VX_PROM_BOUNDS }, { ULLONG_MAX, VX_PROM_BOUNDS },
	};
	size_t i;

	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		EXPECT_EQ(edges[i].bound, bound_of_value(edges[i].ns))
			TH_LOG("%llu ns: expected bound %u, got %u", edges[i].ns,
			       edges[i].bound, bound_of_value(edges[i].ns));
	}
}

TEST(cumulative_buckets_count_what_the_rule_says_and_never_decrease)
{
	static const struct {
		const char *le;
		unsigned long long count;
	} want[] = {
		{ "1e-07", 1 }, { "2e-07", 3 }, { "5e-07", 4 }, { "1e-06", 5 },
		{ "2e-06", 6 }, { "1", 6 }, { "2", 7 }, { "10", 7 },
		{ "+Inf", E2E_VALUES },
	};
	struct velox_stats *st = stats_area();
	unsigned long long prev = 0, n;
	char series[128], le[32];
	unsigned int b;
	size_t i;
	char *text;

	ASSERT_NE(NULL, st);
	text = exposition(st);
	ASSERT_NE(NULL, text);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		EXPECT_EQ(want[i].count,
			  count_of(text, bucket(series, sizeof(series), "e2e", want[i].le)))
			TH_LOG("%s", series);
	}
	for (b = 0; b <= VX_PROM_BOUNDS; b++) {
		if (b < VX_PROM_BOUNDS)
			snprintf(le, sizeof(le), "%g", vx_prom_bounds_ns[b] / 1e9);
		else
			strcpy(le, "+Inf");
		n = count_of(text, bucket(series, sizeof(series), "e2e", le));
		ASSERT_NE(ULLONG_MAX, n) TH_LOG("no %s in:\n%s", series, text);
		EXPECT_LE(prev, n) TH_LOG("%s: %llu after %llu", series, n, prev);
		prev = n;
	}
	free(text);
	free(st);
}

TEST(inf_bucket_equals_count_and_sum_is_exact_seconds)
{
	struct velox_stats *st = stats_area();
	unsigned long long inf, count;
	const char *sum;
	char series[128];
	char *text;

	ASSERT_NE(NULL, st);
	text = exposition(st);
	ASSERT_NE(NULL, text);
	inf = count_of(text, bucket(series, sizeof(series), "e2e", "+Inf"));
	count = count_of(text, "velox_latency_seconds_count{stage=\"e2e\"}");
	EXPECT_EQ(E2E_VALUES, count);
	EXPECT_EQ(count, inf);
	/* 100 + 101 + 199 + 200 + 999 + 1000 ns + 1.5 + 20 + 100 s */
	sum = sample(text, "velox_latency_seconds_sum{stage=\"e2e\"}");
	ASSERT_NE(NULL, sum);
	EXPECT_EQ(0, strncmp(sum, "121.500002599\n", 14)) TH_LOG("sum %.20s", sum);
	/* An empty stage: zero, not NaN; every stage has its histogram. */
	EXPECT_EQ(0, count_of(text, "velox_latency_seconds_count{stage=\"service\"}"));
	sum = sample(text, "velox_latency_seconds_sum{stage=\"bundle\"}");
	ASSERT_NE(NULL, sum);
	EXPECT_EQ(0, strncmp(sum, "0.000000000\n", 12)) TH_LOG("sum %.20s", sum);
	free(text);
	free(st);
}

/* The gauges are velox-ctl hist's numbers (velox_hist_quantile()), in s. */
TEST(percentile_gauges_equal_hists_in_seconds_and_nan_while_empty)
{
	struct velox_stats *st = stats_area();
	char series[128], want[64];
	const char *v;
	struct velox_hist h;
	unsigned int p;
	__u64 ns;
	char *text;

	ASSERT_NE(NULL, st);
	text = exposition(st);
	ASSERT_NE(NULL, text);
	vx_stats_hist(st, VELOX_STAGE_E2E, &h);
	for (p = 0; p < VELOX_PERCENTILES; p++) {
		ns = velox_hist_quantile(&h, velox_percentiles[p].ppm);
		snprintf(series, sizeof(series),
			 "velox_latency_percentile_seconds{stage=\"e2e\",percentile=\"%s\"}",
			 velox_percentiles[p].label);
		snprintf(want, sizeof(want), "%llu.%09llu\n", ns / 1000000000,
			 ns % 1000000000);
		v = sample(text, series);
		ASSERT_NE(NULL, v) TH_LOG("no %s", series);
		EXPECT_EQ(0, strncmp(v, want, strlen(want)))
			TH_LOG("%s: expected %s, got %.20s", series, want, v);
	}
	v = sample(text, "velox_latency_min_seconds{stage=\"e2e\"}");
	ASSERT_NE(NULL, v);
	EXPECT_EQ(0, strncmp(v, "0.000000100\n", 12)) TH_LOG("min %.20s", v);
	v = sample(text, "velox_latency_max_seconds{stage=\"e2e\"}");
	ASSERT_NE(NULL, v);
	EXPECT_EQ(0, strncmp(v, "100.000000000\n", 14)) TH_LOG("max %.20s", v);
	v = sample(text, "velox_latency_percentile_seconds{stage=\"service\",percentile=\"p50\"}");
	ASSERT_NE(NULL, v);
	EXPECT_EQ(0, strncmp(v, "NaN\n", 4)) TH_LOG("empty p50 %.20s", v);
	free(text);
	free(st);
}

/* Every counter of the stats area, by its names.h name, ends in _total. */
TEST(counters_are_every_stats_counter_and_end_in_total)
{
	struct velox_stats *st = stats_area();
	char series[64], type[256];
	const char *line;
	unsigned int i;
	char *text;

	ASSERT_NE(NULL, st);
	text = exposition(st);
	ASSERT_NE(NULL, text);
	for (i = 0; i < VELOX_NR_COUNTERS; i++) {
		const char *name = velox_counter_name(i);

		if (!strncmp(name, "flush_", 6) || !strcmp(name, "resting_qty"))
			continue;
		snprintf(series, sizeof(series), "velox_%s_total", name);
		snprintf(type, sizeof(type), "\n# TYPE %s counter\n%s %llu\n",
			 series, series, velox_counter_value(&st->total, i));
		EXPECT_NE(NULL, strstr(text, type)) TH_LOG("no%s", type);
	}
	EXPECT_EQ(5, count_of(text, "velox_tail_partial_total"));
	EXPECT_EQ(7, count_of(text, "velox_flushes_total{reason=\"timeout\"}"));
	EXPECT_EQ(0, count_of(text, "velox_flushes_total{reason=\"drain\"}"));
	EXPECT_NE(NULL, strstr(text, "\n# TYPE velox_resting_qty gauge\nvelox_resting_qty 42\n"));
	/* Every counter family's name ends in _total. */
	for (line = strstr(text, "# TYPE "); line; line = strstr(line + 1, "# TYPE ")) {
		const char *end = strchr(line, '\n');

		if (end - line > 8 && !strncmp(end - 8, " counter", 8)) {
			EXPECT_EQ(0, strncmp(end - 14, "_total counter", 14))
				TH_LOG("%.*s", (int)(end - line), line);
		}
	}
	free(text);
	free(st);
}

/*
 * Each sample's family has HELP then TYPE before it, once; a sample is
 * "name{labels} value": no timestamp, which the textfile collector refuses.
 */
TEST(every_family_has_help_and_type_before_its_samples)
{
	static const char *const suffixes[] = { "_bucket", "_sum", "_count" };
	struct velox_stats *st = stats_area();
	char family[128], seen_help[128] = "", seen_type[128] = "";
	const char *line, *end, *sp;
	size_t len, s;
	char *text;
	int samples = 0;

	ASSERT_NE(NULL, st);
	text = exposition(st);
	ASSERT_NE(NULL, text);
	ASSERT_EQ('\n', text[strlen(text) - 1]);
	for (line = text; *line; line = end + 1) {
		end = strchr(line, '\n');
		len = end - line;
		if (!strncmp(line, "# HELP ", 7)) {
			sp = memchr(line + 7, ' ', len - 7);
			ASSERT_NE(NULL, sp);
			snprintf(seen_help, sizeof(seen_help), "%.*s",
				 (int)(sp - line - 7), line + 7);
			snprintf(family, sizeof(family), "\n# HELP %s ", seen_help);
			EXPECT_EQ(NULL, strstr(end, family)) TH_LOG("%s twice", seen_help);
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			sp = memchr(line + 7, ' ', len - 7);
			ASSERT_NE(NULL, sp);
			snprintf(seen_type, sizeof(seen_type), "%.*s",
				 (int)(sp - line - 7), line + 7);
			EXPECT_STREQ(seen_help, seen_type);
			continue;
		}
		ASSERT_NE('#', line[0]) TH_LOG("%.*s", (int)len, line);
		/* The name, up to its labels or its value. */
		snprintf(family, sizeof(family), "%.*s",
			 (int)strcspn(line, "{ "), line);
		if (strcmp(family, seen_type))
			for (s = 0; s < 3; s++) {
				size_t fl = strlen(family), sl = strlen(suffixes[s]);

				if (fl > sl && !strcmp(family + fl - sl, suffixes[s]))
					family[fl - sl] = '\0';
			}
		EXPECT_STREQ(seen_type, family) TH_LOG("%.*s", (int)len, line);
		/* One blank: between the labels (or name) and the value. */
		sp = memchr(line, '}', len);
		sp = sp ? sp + 1 : line + strcspn(line, " ");
		EXPECT_EQ(' ', *sp) TH_LOG("%.*s", (int)len, line);
		EXPECT_EQ(NULL, memchr(sp + 1, ' ', end - sp - 1))
			TH_LOG("a timestamp? %.*s", (int)len, line);
		samples++;
	}
	EXPECT_LT(100, samples);
	free(text);
	free(st);
}

TEST(label_values_escape_backslash_quote_and_newline)
{
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	ASSERT_NE(NULL, out);
	vx_prom_label_value(out, "a\\b\"c\nd");
	vx_prom_label_value(out, "");
	fclose(out);
	EXPECT_STREQ("\"a\\\\b\\\"c\\nd\"\"\"", text);
	free(text);
}

TEST(lanes_are_labelled_up_to_the_runs_lanes)
{
	struct velox_stats *st = stats_area();
	char *text;

	ASSERT_NE(NULL, st);
	text = exposition(st);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(600, count_of(text, "velox_lane_generated_total{lane=\"0\"}"));
	EXPECT_EQ(395, count_of(text, "velox_lane_delivered_total{lane=\"1\"}"));
	EXPECT_EQ(3, count_of(text, "velox_lane_dropped_total{lane=\"1\"}"));
	EXPECT_EQ(NULL, strstr(text, "lane=\"2\"")) TH_LOG("%s", text);
	free(text);
	/* Before the first run: no lanes, no lane families. */
	st->config.lanes = 0;
	text = exposition(st);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(NULL, strstr(text, "velox_lane_")) TH_LOG("%s", text);
	free(text);
	free(st);
}

TEST(run_state_and_config_are_gauges)
{
	struct velox_stats *st = stats_area();
	const char *v;
	char *text;

	ASSERT_NE(NULL, st);
	text = exposition(st);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(3, count_of(text, "velox_run"));
	v = sample(text, "velox_run_seconds");
	ASSERT_NE(NULL, v);
	EXPECT_EQ(0, strncmp(v, "2.500000000\n", 12)) TH_LOG("%.20s", v);
	EXPECT_EQ(1, count_of(text, "velox_state{state=\"running\"}"));
	EXPECT_EQ(0, count_of(text, "velox_state{state=\"stopped\"}"));
	EXPECT_EQ(0, count_of(text, "velox_state{state=\"stopping\"}"));
	EXPECT_EQ(1, count_of(text, "velox_stop_reason{reason=\"none\"}"));
	EXPECT_EQ(2, count_of(text, "velox_in_flight"));
	EXPECT_NE(NULL, strstr(text, "\nvelox_config_info{lanes=\"2\",rate=\"20000\","))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, ",backoff=\"sleep\",policy=\"drop\"} 1\n"));
	free(text);
	free(st);
}

/* The names in @dir but . and .., one a line, sorted; to free. */
static char *listing(const char *dir)
{
	struct dirent **names;
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);
	int n, i;

	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, ".."))
			fprintf(out, "%s\n", names[i]->d_name);
		free(names[i]);
	}
	free(names);
	fclose(out);
	return text;
}

/*
 * The file appears only by a rename from ".velox.prom.XXXXXX" in its own
 * directory: inotify sees the temporary created and moved, and
 * "velox.prom" only moved to, never created or written.
 */
TEST(write_file_renames_a_temporary_beside_it)
{
	char dir[] = "/tmp/prometheus_test.XXXXXX", path[64], buf[4096];
	char tmpname[NAME_MAX + 1] = "";
	struct velox_stats *st = stats_area();
	int fd, created = 0, moved_from = 0, moved_to = 0;
	char *want, *got, *names;
	struct stat sb;
	FILE *f;
	ssize_t n;
	size_t len;

	ASSERT_NE(NULL, st);
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/velox.prom", dir);
	fd = inotify_init1(IN_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, inotify_add_watch(fd, dir, IN_CREATE | IN_MODIFY |
				       IN_MOVED_FROM | IN_MOVED_TO));
	ASSERT_EQ(0, vx_prom_write_file(path, st));
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		const struct inotify_event *e;
		char *p;

		for (p = buf; p < buf + n; p += sizeof(*e) + e->len) {
			e = (const struct inotify_event *)p;
			if (!strcmp(e->name, "velox.prom")) {
				EXPECT_EQ(IN_MOVED_TO, e->mask & ~IN_ISDIR)
					TH_LOG("velox.prom: event %#x, not a rename", e->mask);
				moved_to++;
				continue;
			}
			EXPECT_EQ(0, strncmp(e->name, ".velox.prom.", 12))
				TH_LOG("event %#x on %s", e->mask, e->name);
			if (e->mask & IN_CREATE) {
				created++;
				strcpy(tmpname, e->name);
			}
			if (e->mask & IN_MOVED_FROM) {
				moved_from++;
				EXPECT_STREQ(tmpname, e->name);
			}
		}
	}
	close(fd);
	EXPECT_EQ(1, created);
	EXPECT_EQ(1, moved_from);
	EXPECT_EQ(1, moved_to);
	names = listing(dir);
	EXPECT_STREQ("velox.prom\n", names);
	free(names);
	ASSERT_EQ(0, stat(path, &sb));
	EXPECT_EQ(0644, sb.st_mode & 0777);
	/* Whole: what vx_prom_write() prints. */
	want = exposition(st);
	ASSERT_NE(NULL, want);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	got = calloc(1, strlen(want) + 2);
	len = fread(got, 1, strlen(want) + 1, f);
	fclose(f);
	EXPECT_EQ(strlen(want), len);
	EXPECT_STREQ(want, got);
	free(got);
	free(want);
	/* A rewrite replaces it. */
	st->total.delivered = 991;
	ASSERT_EQ(0, vx_prom_write_file(path, st));
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	got = calloc(1, 1 << 20);
	fread(got, 1, (1 << 20) - 1, f);
	fclose(f);
	EXPECT_EQ(991, count_of(got, "velox_delivered_total"));
	free(got);
	unlink(path);
	rmdir(dir);
	free(st);
}

/* A rename that fails (onto a directory) leaves no temporary behind. */
TEST(write_file_that_fails_leaves_nothing_behind)
{
	char dir[] = "/tmp/prometheus_test.XXXXXX", path[64], missing[80];
	struct velox_stats *st = stats_area();
	char *names;

	ASSERT_NE(NULL, st);
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/velox.prom", dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	EXPECT_EQ(-1, vx_prom_write_file(path, st));
	names = listing(dir);
	EXPECT_STREQ("velox.prom\n", names) TH_LOG("left behind:\n%s", names);
	free(names);
	snprintf(missing, sizeof(missing), "%s/no/velox.prom", dir);
	EXPECT_EQ(-1, vx_prom_write_file(missing, st));
	snprintf(missing, sizeof(missing), "%s/", dir);
	EXPECT_EQ(-1, vx_prom_write_file(missing, st));
	names = listing(dir);
	EXPECT_STREQ("velox.prom\n", names) TH_LOG("left behind:\n%s", names);
	free(names);
	rmdir(path);
	rmdir(dir);
	free(st);
}

TEST_HARNESS_MAIN
