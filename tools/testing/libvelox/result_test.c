// SPDX-License-Identifier: GPL-2.0
/*
 * Saved runs without velox.ko: a run made up as two snapshots of a stats
 * area (the end of its warm-up, and its stop), written by vx_result_save()
 * and read back by vx_result_load() number for number; files that are
 * not saved runs refused; metrics named and spread over runs as compare
 * and --fail-if read them.
 *
 * The made-up run (ns in thousands):
 *
 *            generated delivered dropped  e2e samples            published
 *   warm-up        100        90       5  10 x 1                 at 2 s
 *   stop          1100      1090      10  + 990 x 5, 1 x 3000    stop at 7 s
 *
 * started at 1 s: 6 s in all, 5 s measured, 1000 delivered in them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libvelox.h"
#include "stats_area.h"

static struct velox_hist *hist_of(struct velox_stats *st, unsigned int stage)
{
	return (struct velox_hist *)&st->hist[stage];
}

static struct velox_stats *area_at(__u64 generated, __u64 delivered,
				   __u64 dropped)
{
	size_t size;
	struct velox_stats *st = stats_area(&size);
	unsigned int i;

	if (!st)
		return NULL;
	for (i = 0; i < VELOX_STAGES; i++)
		velox_hist_init(hist_of(st, i));
	st->run = 7;
	st->config.lanes = 1;
	st->start_ns = 1000000000ull;
	st->total.generated = generated;
	st->total.delivered = delivered;
	st->total.dropped = dropped;
	lanes_of(st)[0].generated = generated;
	lanes_of(st)[0].delivered = delivered;
	lanes_of(st)[0].dropped = dropped;
	return st;
}

static void record(struct velox_stats *st, __u64 ns, unsigned int times)
{
	while (times--)
		velox_hist_record(hist_of(st, VELOX_STAGE_E2E), ns);
}

/* The run above: its warm-up's end and its stop. */
struct made_up {
	struct velox_stats *warm;
	struct velox_stats *end;
	struct vx_result_run run;
};

static void make_run(struct made_up *m)
{
	memset(m, 0, sizeof(*m));
	m->warm = area_at(100, 90, 5);
	m->end = area_at(1100, 1090, 10);
	if (!m->warm || !m->end)
		return;
	m->warm->publish_ns = 2000000000ull;
	record(m->warm, 1000, 10);
	m->end->state = VELOX_STATE_STOPPED;
	m->end->stop_ns = 7000000000ull;
	m->end->publish_ns = m->end->stop_ns;
	record(m->end, 1000, 10);
	record(m->end, 5000, 990);
	record(m->end, 3000000, 1);
}

static void free_run(struct made_up *m)
{
	vx_result_run_release(&m->run);
	free(m->warm);
	free(m->end);
}

static const struct velox_info info = {
	.size = sizeof(info),
	.abi_version = VELOX_ABI_VERSION,
};

static int save(const char *path, const struct vx_result_run *runs, size_t n,
		const struct velox_stats *st)
{
	struct vx_result_setup setup = {
		.tool = "result_test",
		.info = &info,
		.cfg = &st->config,
		.cpu_set = cpu_set_of((struct velox_stats *)st),
		.cpu_set_size = st->cpu_set_size,
		.duration_s = 5,
		.warmup_s = 1,
		.interval_s = 1,
	};

	return vx_result_save(path, &setup, runs, n);
}

static unsigned int word(size_t offset)
{
	return offset / sizeof(__u64);
}

TEST(warm_up_is_left_out_and_the_whole_run_kept)
{
	const unsigned int delivered = word(offsetof(struct velox_counters, delivered));
	const unsigned int generated = word(offsetof(struct velox_counters, generated));
	struct made_up m;
	const struct velox_hist *e2e;

	make_run(&m);
	ASSERT_NE(NULL, m.end);
	ASSERT_EQ(0, vx_result_run_fill(&m.run, m.end, m.warm));
	EXPECT_EQ(1000, m.run.counters[delivered]);
	EXPECT_EQ(1000, m.run.counters[generated]);
	EXPECT_EQ(1090, m.run.whole[delivered]);
	EXPECT_EQ(1100, m.run.whole[generated]);
	EXPECT_EQ(5.0, m.run.seconds);
	EXPECT_EQ(6.0, m.run.whole_s);
	EXPECT_EQ(1.0, m.run.warmup_s);
	e2e = &m.run.hist[VELOX_STAGE_E2E];
	EXPECT_EQ(991, e2e->count);
	EXPECT_EQ(0, e2e->buckets[velox_hist_index(1000)]);
	EXPECT_EQ(990, e2e->buckets[velox_hist_index(5000)]);
	EXPECT_EQ(990 * 5000ull + 3000000, e2e->sum);
	EXPECT_EQ(1, m.run.nlanes);
	EXPECT_EQ(1090, m.run.lanes[0].delivered);
	free_run(&m);
}

/* Written and read back: every counter and bucket as it was. */
TEST(a_saved_run_reads_back_the_same)
{
	char dir[] = "/tmp/result_test.XXXXXX", path[64];
	const struct vx_result_run *back;
	struct vx_result *r;
	struct made_up m;
	unsigned int i;

	make_run(&m);
	ASSERT_NE(NULL, m.end);
	ASSERT_EQ(0, vx_result_run_fill(&m.run, m.end, m.warm));
	ASSERT_EQ(0, vx_result_run_step(&m.run, 1.0, m.end, m.warm));
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/run.json", dir);
	ASSERT_EQ(0, save(path, &m.run, 1, m.end));
	r = vx_result_load(path);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(1, r->n);
	back = &r->runs[0];
	EXPECT_EQ(7, back->run);
	EXPECT_STREQ("stopped", back->state);
	EXPECT_EQ(0, memcmp(m.run.counters, back->counters,
			    sizeof(back->counters)));
	EXPECT_EQ(0, memcmp(m.run.whole, back->whole, sizeof(back->whole)));
	for (i = 0; i < VELOX_STAGES; i++) {
		EXPECT_EQ(0, memcmp(&m.run.hist[i], &back->hist[i],
				    sizeof(back->hist[i])))
			TH_LOG("stage %s differs", velox_stage_name(i));
	}
	EXPECT_EQ(m.run.seconds, back->seconds);
	EXPECT_EQ(m.run.warmup_s, back->warmup_s);
	ASSERT_EQ(1, back->niv);
	EXPECT_EQ(0, memcmp(m.run.iv, back->iv, sizeof(*back->iv)));
	EXPECT_EQ(1000, back->iv[0].delivered);
	vx_result_free(r);
	/* Renamed into place: no temporary file is left beside it. */
	snprintf(path, sizeof(path), "%s/run.json", dir);
	unlink(path);
	EXPECT_EQ(0, rmdir(dir));
	free_run(&m);
}

/* @text with its first @from replaced by @to, in a buffer to free. */
static char *replaced(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t len = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out;

	if (!at)
		return NULL;
	out = malloc(len);
	if (out)
		snprintf(out, len, "%.*s%s%s", (int)(at - text), text, to,
			 at + strlen(from));
	return out;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = calloc(1, 1 << 20);

	if (f && text)
		fread(text, 1, (1 << 20) - 1, f);
	if (f)
		fclose(f);
	return text;
}

static bool loads(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	struct vx_result *r;

	if (!f)
		return true;
	fputs(text, f);
	fclose(f);
	r = vx_result_load(path);
	vx_result_free(r);
	return r != NULL;
}

/* Not one of ours, another version, or numbers that do not hold. */
TEST(what_is_not_a_saved_run_is_refused)
{
	char dir[] = "/tmp/result_test.XXXXXX", good[64], bad[64], edge[64];
	char count[64], fewer[64], twice[96], wrap[160], *text, *t;
	struct made_up m;
	unsigned int b = velox_hist_index(5000);
	size_t i;
	struct {
		const char *from, *to;
	} tamper[] = {
		{ "\"version\":1", "\"version\":2" },
		{ "\"version\":1", "\"version\":\"1\"" },
		{ "\"schema\":\"velox-result\"", "\"schema\":\"other\"" },
		{ "\"runs\":[", "\"runz\":[" },
		{ count, fewer },
		{ count, edge },
		{ count, twice },
		{ count, wrap },
		{ "\"sub_bits\":6", "\"sub_bits\":7" },
		{ "\"delivered\":1000", "\"delivered\":-1" },
		{ "\"seconds\":5.000000", "\"seconds\":\"5\"" },
	};

	make_run(&m);
	ASSERT_NE(NULL, m.end);
	ASSERT_EQ(0, vx_result_run_fill(&m.run, m.end, m.warm));
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(good, sizeof(good), "%s/good.json", dir);
	snprintf(bad, sizeof(bad), "%s/bad.json", dir);
	ASSERT_EQ(0, save(good, &m.run, 1, m.end));
	text = read_all(good);
	ASSERT_NE(NULL, text);
	/*
	 * 990 in 5us's bucket: one less, and the buckets miss the count;
	 * a bucket at an edge no bucket has.
	 */
	snprintf(count, sizeof(count), "[%llu,990]", velox_hist_bucket_lo(b));
	snprintf(fewer, sizeof(fewer), "[%llu,989]", velox_hist_bucket_lo(b));
	snprintf(edge, sizeof(edge), "[%llu,990]", velox_hist_bucket_lo(b) + 1);
	/* The same bucket twice, its count split: not as written. */
	snprintf(twice, sizeof(twice), "[%llu,989],[%llu,1]",
		 velox_hist_bucket_lo(b), velox_hist_bucket_lo(b));
	/* Two more buckets whose counts wrap the sum back to the count. */
	snprintf(wrap, sizeof(wrap), "[%llu,990],[%llu,18446744073709551615],[%llu,1]",
		 velox_hist_bucket_lo(b), velox_hist_bucket_lo(b + 1),
		 velox_hist_bucket_lo(b + 2));
	EXPECT_TRUE(loads(bad, text));
	for (i = 0; i < sizeof(tamper) / sizeof(tamper[0]); i++) {
		t = replaced(text, tamper[i].from, tamper[i].to);
		ASSERT_NE(NULL, t) TH_LOG("no '%s' in the file", tamper[i].from);
		EXPECT_FALSE(loads(bad, t)) TH_LOG("'%s' -> '%s' loaded",
						   tamper[i].from, tamper[i].to);
		free(t);
	}
	EXPECT_FALSE(loads(bad, "{\"schema\":\"velox-result\""));
	EXPECT_FALSE(loads(bad, "not json"));
	EXPECT_FALSE(loads(bad, ""));
	EXPECT_EQ(NULL, vx_result_load("/nonexistent/velox.json"));
	free(text);
	unlink(good);
	unlink(bad);
	rmdir(dir);
	free_run(&m);
}

TEST(metrics_by_name)
{
	static const char *const bad[] = {
		"", "e2e", "e2e.", "e2e.p98", "foo.p99", "nonsense", "e2e.p99x",
		".p99", "throughput.p99", "dropped.count", "E2E.p99",
	};
	char name[48];
	struct vx_metric m;
	unsigned int stat, stage, counter;
	size_t i;

	ASSERT_EQ(0, vx_metric_parse("e2e.p99", &m));
	EXPECT_EQ(VX_METRIC_STAGE, m.kind);
	EXPECT_EQ(VELOX_STAGE_E2E, m.stage);
	EXPECT_EQ(VELOX_P99, m.stat);
	ASSERT_EQ(0, vx_metric_parse("e2e.p999", &m));
	EXPECT_EQ(VELOX_P999, m.stat);
	ASSERT_EQ(0, vx_metric_parse("dropped", &m));
	EXPECT_EQ(VX_METRIC_COUNTER, m.kind);
	EXPECT_STREQ("dropped", velox_counter_name(m.counter));
	ASSERT_EQ(0, vx_metric_parse("throughput", &m));
	EXPECT_EQ(VX_METRIC_THROUGHPUT, m.kind);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-1, vx_metric_parse(bad[i], &m)) TH_LOG("bad[%zu] accepted", i);
	/* Every name a metric is printed under reads back as that metric. */
	m.kind = VX_METRIC_STAGE;
	for (stage = 0; stage < VELOX_STAGES; stage++)
		for (stat = 0; stat < VX_STATS; stat++) {
			struct vx_metric back;

			m.stage = stage;
			m.stat = stat;
			vx_metric_name(name, sizeof(name), &m);
			ASSERT_EQ(0, vx_metric_parse(name, &back)) TH_LOG("%s", name);
			EXPECT_EQ(stage, back.stage);
			EXPECT_EQ(stat, back.stat);
		}
	m.kind = VX_METRIC_COUNTER;
	for (counter = 0; counter < VELOX_NR_COUNTERS; counter++) {
		struct vx_metric back;

		m.counter = counter;
		vx_metric_name(name, sizeof(name), &m);
		ASSERT_EQ(0, vx_metric_parse(name, &back)) TH_LOG("%s", name);
		EXPECT_EQ(counter, back.counter);
	}
}

/* Median, min and max over runs: odd counts take the middle one. */
TEST(spread_over_runs)
{
	const unsigned int dropped = word(offsetof(struct velox_counters, dropped));
	static const double values[] = { 7, 1, 4, 10 };
	struct vx_result_run runs[4];
	struct vx_spread s;
	struct vx_metric m;
	size_t i;

	memset(runs, 0, sizeof(runs));
	for (i = 0; i < 4; i++)
		runs[i].counters[dropped] = values[i];
	ASSERT_EQ(0, vx_metric_parse("dropped", &m));
	vx_metric_spread(runs, 3, &m, &s);
	EXPECT_EQ(4, s.median);
	EXPECT_EQ(1, s.min);
	EXPECT_EQ(7, s.max);
	EXPECT_EQ(3, s.n);
	vx_metric_spread(runs, 4, &m, &s);
	EXPECT_EQ(5.5, s.median);
	EXPECT_EQ(10, s.max);
}

TEST_HARNESS_MAIN
