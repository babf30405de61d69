// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_report: the names of the uapi's numbers and the text
 * debugfs and the tools print from them (durations, percentiles, the
 * histogram report and its bar chart).
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "../module/core/hist.h"
#include "../module/core/names.h"
#include "../module/core/report.h"

/* What a report emitted, gathered into one string. */
struct capture {
	char text[8192];
	size_t len;
};

static void capture_emit(void *ctx, const char *text)
{
	struct capture *c = ctx;
	ssize_t n = strscpy(c->text + c->len, text, sizeof(c->text) - c->len);

	/* Truncated: the expectations then say what came. */
	c->len = n < 0 ? sizeof(c->text) - 1 : c->len + n;
}

static struct capture *new_capture(struct kunit *test)
{
	struct capture *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	return c;
}

static struct velox_hist *new_hist(struct kunit *test)
{
	struct velox_hist *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	velox_hist_init(h);
	return h;
}

#define NO_LINE	"(no such line)"

/* Line @n (from 0) of @text, without its newline, into @line. */
static const char *line_of(const char *text, unsigned int n, char *line,
			   size_t len)
{
	const char *end;

	while (n-- && text)
		text = strchr(text, '\n') ? strchr(text, '\n') + 1 : NULL;
	/* Past the last newline there is no line, not an empty one. */
	if (!text || !*text)
		return NO_LINE;
	end = strchrnul(text, '\n');
	strscpy(line, text, min_t(size_t, len, end - text + 1));
	return line;
}

static void expect_line(struct kunit *test, const char *text, unsigned int n,
			const char *want)
{
	char line[128];

	KUNIT_EXPECT_STREQ_MSG(test, line_of(text, n, line, sizeof(line)), want,
			       "line %u of:\n%s", n, text);
}

/* A histogram that holds @a, @b and @c. */
static struct velox_hist *hist_of(struct kunit *test, u64 a, u64 b, u64 c)
{
	struct velox_hist *h = new_hist(test);

	velox_hist_record(h, a);
	velox_hist_record(h, b);
	velox_hist_record(h, c);
	return h;
}

static const char *dur(u64 ns)
{
	static char buf[VELOX_DURATION_LEN];

	return velox_fmt_duration(buf, sizeof(buf), ns);
}

static void durations_pick_their_unit(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, dur(0), "0ns");
	KUNIT_EXPECT_STREQ(test, dur(812), "812ns");
	KUNIT_EXPECT_STREQ(test, dur(999), "999ns");
	KUNIT_EXPECT_STREQ(test, dur(1000), "1.00us");
	KUNIT_EXPECT_STREQ(test, dur(2410), "2.41us");
	KUNIT_EXPECT_STREQ(test, dur(1200000), "1.20ms");
	KUNIT_EXPECT_STREQ(test, dur(3000000000ull), "3.00s");
	KUNIT_EXPECT_STREQ(test, dur(86400000000000ull), "86400.00s");
}

static void durations_round_to_the_nearest_hundredth(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, dur(2414), "2.41us");
	KUNIT_EXPECT_STREQ(test, dur(2415), "2.42us");
	KUNIT_EXPECT_STREQ(test, dur(1004999), "1.00ms");
	KUNIT_EXPECT_STREQ(test, dur(999994), "999.99us");
	/* Rounding up to 1000.00us carries into the next unit. */
	KUNIT_EXPECT_STREQ(test, dur(999995), "1.00ms");
	KUNIT_EXPECT_STREQ(test, dur(U64_MAX), "18446744073.71s");
}

static void percentiles_rise_and_name_their_rank(struct kunit *test)
{
	const struct velox_percentile *p = velox_percentiles;
	unsigned int i;

	for (i = 1; i < VELOX_PERCENTILES; i++)
		KUNIT_EXPECT_GT(test, p[i].ppm, p[i - 1].ppm);
	KUNIT_EXPECT_EQ(test, p[VELOX_P50].ppm, 500000);
	KUNIT_EXPECT_EQ(test, p[VELOX_P999].ppm, 999000);
	KUNIT_EXPECT_STREQ(test, p[VELOX_P999].label, "p99.9");
	KUNIT_EXPECT_STREQ(test, p[VELOX_P999].json, "p999_ns");
	KUNIT_EXPECT_STREQ(test, p[VELOX_P9999].label, "p99.99");
	KUNIT_EXPECT_STREQ(test, p[VELOX_P9999].json, "p9999_ns");
}

static void an_empty_histogram_reports_its_count_alone(struct kunit *test)
{
	struct velox_hist *h = new_hist(test);
	struct capture *c = new_capture(test);

	velox_report_hist(h, "  ", capture_emit, c);
	KUNIT_EXPECT_STREQ(test, c->text, "  count 0\n");
}

static void report_gives_numbers_then_percentiles_then_chart(struct kunit *test)
{
	struct capture *c = new_capture(test);

	velox_report_hist(hist_of(test, 100, 100, 400), "e2e: ", capture_emit, c);
	expect_line(test, c->text, 0,
		    "e2e: count 3  min 100ns  mean 200ns  max 400ns");
	expect_line(test, c->text, 1,
		    "  p50 100ns  p90 400ns  p99 400ns  p99.9 400ns  p99.99 400ns");
	expect_line(test, c->text, 2, "");
	expect_line(test, c->text, 3,
		    "                          ns : count      distribution");
	/* 100 in [64, 128), 400 in [256, 512); the empty row between stays. */
	expect_line(test, c->text, 4,
		    "           64 -> 127         : 2          |****************************************|");
	expect_line(test, c->text, 5,
		    "          128 -> 255         : 0          |                                        |");
	expect_line(test, c->text, 6,
		    "          256 -> 511         : 1          |********************                    |");
	expect_line(test, c->text, 7, NO_LINE);
}

static void chart_starts_at_zero_for_values_below_two(struct kunit *test)
{
	struct capture *c = new_capture(test);

	velox_report_chart(hist_of(test, 0, 1, 2), capture_emit, c);
	expect_line(test, c->text, 1,
		    "            0 -> 1           : 2          |****************************************|");
	expect_line(test, c->text, 2,
		    "            2 -> 3           : 1          |********************                    |");
}

static void chart_puts_the_overflow_bucket_on_an_inf_row(struct kunit *test)
{
	struct capture *c = new_capture(test);

	velox_report_chart(hist_of(test, VELOX_HIST_LIMIT - 1, VELOX_HIST_LIMIT,
				   U64_MAX), capture_emit, c);
	expect_line(test, c->text, 1,
		    "  34359738368 -> 68719476735 : 1          |********************                    |");
	expect_line(test, c->text, 2,
		    "  68719476736 -> inf         : 2          |****************************************|");
	expect_line(test, c->text, 3, NO_LINE);
}

static void every_counter_has_a_name(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < VELOX_NR_COUNTERS; i++) {
		const char *name = velox_counter_name(i);

		KUNIT_EXPECT_STRNEQ_MSG(test, name, "?", "counter word %u", i);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_STRNEQ(test, name, velox_counter_name(j));
	}
	KUNIT_EXPECT_STREQ(test, velox_counter_name(VELOX_NR_COUNTERS), "?");
}

/* The name of a word is the field it reads. */
static void counter_names_read_their_own_field(struct kunit *test)
{
	struct velox_counters c = {
		.generated = 1,
		.flushes[VELOX_FLUSH_TIMEOUT] = 2,
		.idle_sleeps = 3,
	};
	unsigned int i;
	u64 sum = 0;

	for (i = 0; i < VELOX_NR_COUNTERS; i++) {
		const char *name = velox_counter_name(i);
		u64 v = velox_counter_value(&c, i);

		sum += v;
		if (!strcmp(name, "generated"))
			KUNIT_EXPECT_EQ_MSG(test, v, 1, "generated is word %u", i);
		else if (!strcmp(name, "flush_timeout"))
			KUNIT_EXPECT_EQ_MSG(test, v, 2, "flush_timeout is word %u", i);
		else if (!strcmp(name, "idle_sleeps"))
			KUNIT_EXPECT_EQ_MSG(test, v, 3, "idle_sleeps is word %u", i);
	}
	KUNIT_EXPECT_EQ(test, sum, 6);
}

static void names_parse_back_to_their_value(struct kunit *test)
{
	int i;

	for (i = 0; i < VELOX_STAGES; i++)
		KUNIT_EXPECT_EQ(test, velox_stage_parse(velox_stage_name(i)), i);
	for (i = 0; i < VELOX_BACKOFF_POLICIES; i++)
		KUNIT_EXPECT_EQ(test, velox_backoff_parse(velox_backoff_name(i)),
				i);
	for (i = 0; i < VELOX_POLICIES; i++)
		KUNIT_EXPECT_EQ(test, velox_policy_parse(velox_policy_name(i)), i);
	KUNIT_EXPECT_STREQ(test, velox_stage_name(VELOX_STAGE_E2E), "e2e");
	KUNIT_EXPECT_STREQ(test, velox_backoff_name(VELOX_BACKOFF_YIELD),
			   "yield");
	KUNIT_EXPECT_STREQ(test, velox_policy_name(VELOX_POLICY_BLOCK), "block");
	KUNIT_EXPECT_STREQ(test, velox_state_name(VELOX_STATE_STOPPING),
			   "stopping");
	KUNIT_EXPECT_STREQ(test, velox_flush_name(VELOX_FLUSH_DRAIN), "drain");
	KUNIT_EXPECT_STREQ(test, velox_stop_reason_name(VELOX_STOP_CPU_OFFLINE),
			   "cpu-offline");
}

static void unknown_names_and_numbers_are_refused(struct kunit *test)
{
	KUNIT_EXPECT_LT(test, velox_stage_parse("e2e "), 0);
	KUNIT_EXPECT_LT(test, velox_backoff_parse("nap"), 0);
	KUNIT_EXPECT_LT(test, velox_policy_parse("DROP"), 0);
	KUNIT_EXPECT_STREQ(test, velox_stage_name(VELOX_STAGES), "?");
	KUNIT_EXPECT_STREQ(test, velox_stage_what(VELOX_STAGES), "?");
	KUNIT_EXPECT_STREQ(test, velox_flush_name(VELOX_FLUSH_REASONS), "?");
	KUNIT_EXPECT_STREQ(test, velox_state_name(VELOX_STATE_STOPPING + 1),
			   "?");
	KUNIT_EXPECT_STREQ(test, velox_backoff_name(VELOX_BACKOFF_POLICIES),
			   "?");
	KUNIT_EXPECT_STREQ(test, velox_policy_name(U32_MAX), "?");
	KUNIT_EXPECT_STREQ(test, velox_stop_reason_name(VELOX_STOP_REASONS), "?");
}

static void stages_say_what_they_measure(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, velox_stage_what(VELOX_STAGE_E2E),
			   "intended ingress time -> output");
	KUNIT_EXPECT_STREQ(test, velox_stage_what(VELOX_STAGE_MATCH),
			   "intended ingress time -> matched");
}

static struct kunit_case velox_report_cases[] = {
	KUNIT_CASE(durations_pick_their_unit),
	KUNIT_CASE(durations_round_to_the_nearest_hundredth),
	KUNIT_CASE(percentiles_rise_and_name_their_rank),
	KUNIT_CASE(an_empty_histogram_reports_its_count_alone),
	KUNIT_CASE(report_gives_numbers_then_percentiles_then_chart),
	KUNIT_CASE(chart_starts_at_zero_for_values_below_two),
	KUNIT_CASE(chart_puts_the_overflow_bucket_on_an_inf_row),
	KUNIT_CASE(every_counter_has_a_name),
	KUNIT_CASE(counter_names_read_their_own_field),
	KUNIT_CASE(names_parse_back_to_their_value),
	KUNIT_CASE(unknown_names_and_numbers_are_refused),
	KUNIT_CASE(stages_say_what_they_measure),
	{}
};

static struct kunit_suite velox_report_suite = {
	.name = "velox_report",
	.test_cases = velox_report_cases,
};

kunit_test_suite(velox_report_suite);
