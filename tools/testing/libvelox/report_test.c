// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox without velox.ko: the duration parser the tools share,
 * velox-ctl tail's and noise's reports on spikes and noise accounting
 * made up here, whose right answers are worked out by hand below, and
 * status and the check of a stats area's layout on areas made up as the
 * kernel lays one out.
 *
 * The three spikes (threshold 200us; ns in thousands):
 *
 *   id    e2e  causes                                   offenders        CPUs
 *   1001  400  preempted 250, bundle_wait 100, queue 50 big[7]           1/1/1/1
 *   2002  300  preempted 150, bundle_wait 100, irq 50   sh[93], ttyS0    1/1/1/1
 *   3003  200  preempted 150, generator 40, softirq 10  sh[93], TIMER    0/0/1/1
 *
 * Sums: preempted 550, bundle_wait 200, queueing 50, irq 50, generator
 * 40, softirq 10; 900 in all.  big[7] took the most from one spike, but
 * sh[93] took more over all of them (300): it is preempted's top.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "libvelox.h"
#include "stats_area.h"

/*
 * What a printer printed: hand it printing(&p), then printed(&p) is its
 * text, in a buffer to free.
 */
struct printed {
	char *text;
	size_t len;
	FILE *out;
};

static FILE *printing(struct printed *p)
{
	p->text = NULL;
	p->out = open_memstream(&p->text, &p->len);
	return p->out;
}

static char *printed(struct printed *p)
{
	fclose(p->out);
	return p->text;
}

static void offender(struct velox_spike *s, unsigned int source, __u32 id,
		     const char *name, __u64 ns)
{
	struct velox_offender *o = &s->top[source];

	o->id = id;
	o->source = source;
	o->ns = ns;
	o->count = 1;
	strncpy(o->name, name, sizeof(o->name));
}

static void cpus(struct velox_spike *s, __u16 in, __u16 match, __u16 bundle,
		 __u16 output)
{
	s->cpu[0] = in;
	s->cpu[1] = match;
	s->cpu[2] = bundle;
	s->cpu[3] = output;
}

static void three_spikes(struct velox_spike s[3])
{
	memset(s, 0, 3 * sizeof(*s));

	s[0].id = 1001;
	s[0].e2e_ns = 400000;
	s[0].part_ns[VELOX_PART_QUEUE_MATCHER] = 50000;
	s[0].part_ns[VELOX_PART_BUNDLE_WAIT] = 350000;
	s[0].cause_ns[VELOX_CAUSE_QUEUEING] = 50000;
	s[0].cause_ns[VELOX_CAUSE_BUNDLE_WAIT] = 100000;
	s[0].cause_ns[VELOX_CAUSE_PREEMPTED] = 250000;
	s[0].flush_reason = VELOX_FLUSH_TIMEOUT;
	offender(&s[0], VELOX_NOISE_PREEMPTED, 7, "big", 250000);
	cpus(&s[0], 1, 1, 1, 1);

	s[1].id = 2002;
	s[1].e2e_ns = 300000;
	s[1].part_ns[VELOX_PART_MATCHING] = 50000;
	s[1].part_ns[VELOX_PART_BUNDLE_WAIT] = 250000;
	s[1].cause_ns[VELOX_CAUSE_BUNDLE_WAIT] = 100000;
	s[1].cause_ns[VELOX_CAUSE_IRQ] = 50000;
	s[1].cause_ns[VELOX_CAUSE_PREEMPTED] = 150000;
	s[1].flush_reason = VELOX_FLUSH_TIMEOUT;
	s[1].cas_retries = 4;
	offender(&s[1], VELOX_NOISE_IRQ, 4, "ttyS0", 50000);
	offender(&s[1], VELOX_NOISE_PREEMPTED, 93, "sh", 150000);
	cpus(&s[1], 1, 1, 1, 1);

	s[2].id = 3003;
	s[2].lane = 1;
	s[2].e2e_ns = 200000;
	s[2].part_ns[VELOX_PART_GENERATOR] = 50000;
	s[2].part_ns[VELOX_PART_BUNDLE_WAIT] = 150000;
	s[2].cause_ns[VELOX_CAUSE_GENERATOR] = 40000;
	s[2].cause_ns[VELOX_CAUSE_SOFTIRQ] = 10000;
	s[2].cause_ns[VELOX_CAUSE_PREEMPTED] = 150000;
	s[2].flush_reason = VELOX_FLUSH_FULL;
	s[2].flags = VELOX_SPIKE_PARTIAL;
	offender(&s[2], VELOX_NOISE_SOFTIRQ, 1, "TIMER", 10000);
	offender(&s[2], VELOX_NOISE_PREEMPTED, 93, "sh", 150000);
	cpus(&s[2], 0, 0, 1, 1);
}

static void tail_of(struct vx_tail *t, const struct velox_spike *s, size_t n)
{
	memset(t, 0, sizeof(*t));
	t->threshold_ns = 200000;
	t->captured = n;
	t->lost = 1;
	t->spikes = s;
	t->n = n;
}

/* A stats area whose noise accounting puts sh[93] and TIMER on CPU 1. */
static struct velox_stats *noise_stats(void)
{
	struct velox_noise_cpu *noise;
	struct velox_stats *st;
	struct velox_offender *o;
	size_t size;

	st = stats_area(&size);
	if (!st)
		return NULL;
	noise = noise_of(st);
	st->run = 7;
	st->noise_cpus = 2;
	noise[0].cpu = 0;
	o = &noise[0].top[0];
	*o = (struct velox_offender){ .id = 93, .source = VELOX_NOISE_PREEMPTED,
				      .ns = 5000, .count = 1, .name = "sh" };
	noise[1].cpu = 1;
	noise[1].wall_ns = 1000000000;
	noise[1].ns[VELOX_NOISE_IRQ] = 1000000;
	noise[1].count[VELOX_NOISE_IRQ] = 10;
	noise[1].ns[VELOX_NOISE_SOFTIRQ] = 500000;
	noise[1].count[VELOX_NOISE_SOFTIRQ] = 5;
	noise[1].ns[VELOX_NOISE_PREEMPTED] = 2500000;
	noise[1].count[VELOX_NOISE_PREEMPTED] = 2;
	o = &noise[1].top[0];
	*o = (struct velox_offender){ .id = 93, .source = VELOX_NOISE_PREEMPTED,
				      .ns = 2500000, .count = 2, .name = "sh" };
	o = &noise[1].top[1];
	*o = (struct velox_offender){ .id = 236, .source = VELOX_NOISE_IRQ,
				      .ns = 1000000, .count = 10,
				      .name = "timer" };
	o = &noise[1].top[2];
	*o = (struct velox_offender){ .id = 1, .source = VELOX_NOISE_SOFTIRQ,
				      .ns = 500000, .count = 5, .name = "TIMER" };
	return st;
}

static const struct {
	const char *text;
	__u64 ns;
} durations[] = {
	{ "200us", 200000 },
	{ "1.5ms", 1500000 },
	{ "2s", 2000000000 },
	{ "500ns", 500 },
	{ "0", 0 },
	{ "0us", 0 },
	{ "1.1ms", 1100000 },
	{ "2.50ms", 2500000 },
	{ "1\u00b5s", 1000 },
	{ "0.000000001s", 1 },
	{ "60s", 60000000000ull },
	{ "18446744073709551615ns", 18446744073709551615ull },
};

static const char *const not_durations[] = {
	"", "200", "1.5", "us", "-1us", "+1us", " 1us", "1us ", "200 us",
	"200uss", "1e3us", "1.5ns", "0.0000000001s", ".5ms", "5.ms", "1,5ms",
	"2m", "2min", "18446744073709551616ns", "18446744074s", "0x10us",
};

TEST(durations_parse_to_their_nanoseconds)
{
	size_t i;
	__u64 ns;

	for (i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		ns = 12345;
		EXPECT_EQ(0, vx_parse_duration(durations[i].text, &ns))
			TH_LOG("'%s' refused", durations[i].text);
		EXPECT_EQ(durations[i].ns, ns)
			TH_LOG("'%s': expected %llu ns, got %llu",
			       durations[i].text, durations[i].ns, ns);
	}
}

TEST(malformed_durations_are_refused)
{
	size_t i;
	__u64 ns;

	for (i = 0; i < sizeof(not_durations) / sizeof(not_durations[0]); i++) {
		ns = 12345;
		EXPECT_EQ(-1, vx_parse_duration(not_durations[i], &ns))
			TH_LOG("'%s' taken as %llu ns", not_durations[i], ns);
		EXPECT_EQ(12345, ns)
			TH_LOG("'%s' refused, but wrote %llu", not_durations[i],
			       ns);
	}
}

TEST(what_velox_fmt_duration_prints_parses_back)
{
	static const __u64 values[] = { 812, 2410, 1200000, 3000000000ull };
	char buf[VELOX_DURATION_LEN];
	size_t i;
	__u64 ns;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		velox_fmt_duration(buf, sizeof(buf), values[i]);
		ASSERT_EQ(0, vx_parse_duration(buf, &ns)) TH_LOG("'%s'", buf);
		EXPECT_EQ(values[i], ns) TH_LOG("'%s'", buf);
	}
}

TEST(causes_rank_by_time_over_all_spikes)
{
	static const unsigned int order[VELOX_CAUSES] = {
		VELOX_CAUSE_PREEMPTED, VELOX_CAUSE_BUNDLE_WAIT,
		/* Equal time: enum order. */
		VELOX_CAUSE_QUEUEING, VELOX_CAUSE_IRQ,
		VELOX_CAUSE_GENERATOR, VELOX_CAUSE_SOFTIRQ,
		VELOX_CAUSE_MATCHING, VELOX_CAUSE_OUTPUT, VELOX_CAUSE_NMI,
	};
	static const __u64 ns[VELOX_CAUSES] = {
		550000, 200000, 50000, 50000, 40000, 10000, 0, 0, 0,
	};
	struct velox_spike s[3];
	struct vx_tail t;
	double shares = 0;
	unsigned int i;

	three_spikes(s);
	tail_of(&t, s, 3);
	ASSERT_EQ(0, vx_tail_rank(&t, NULL));
	EXPECT_EQ(900000, t.total_ns);
	EXPECT_EQ(4, t.cas_retries);
	for (i = 0; i < VELOX_CAUSES; i++) {
		EXPECT_STREQ(velox_cause_name(order[i]),
			     velox_cause_name(t.causes[i].cause))
			TH_LOG("rank %u", i);
		EXPECT_EQ(ns[i], t.causes[i].ns) TH_LOG("rank %u", i);
		shares += t.causes[i].share;
	}
	EXPECT_TRUE(shares > 0.999999 && shares < 1.000001)
		TH_LOG("shares add up to %f", shares);
	EXPECT_EQ(VELOX_FLUSH_TIMEOUT, t.causes[1].flush);
}

TEST(top_offender_is_the_largest_summed_over_spikes)
{
	struct velox_spike s[3];
	struct vx_tail t;

	three_spikes(s);
	tail_of(&t, s, 3);
	ASSERT_EQ(0, vx_tail_rank(&t, NULL));
	/* preempted: sh[93] 300us over two spikes beats big[7]'s 250us. */
	EXPECT_STREQ("sh[93]", t.causes[0].top);
	EXPECT_EQ(300000, t.causes[0].top_ns);
	EXPECT_EQ(2, t.causes[0].top_spikes);
	/* Its spikes ran on CPUs 0 and 1: no noise table, no CPU. */
	EXPECT_EQ(-1, t.causes[0].top_cpu);
	EXPECT_STREQ("", t.causes[1].top);
	EXPECT_STREQ("ttyS0", t.causes[3].top);
	/* Its one spike ran wholly on CPU 1. */
	EXPECT_EQ(1, t.causes[3].top_cpu);
	EXPECT_STREQ("TIMER", t.causes[5].top);
	EXPECT_STREQ("", t.causes[6].top);
}

TEST(noise_accounting_names_the_offenders_cpu)
{
	struct velox_stats *st = noise_stats();
	struct velox_spike s[3];
	struct vx_tail t;

	ASSERT_NE(NULL, st);
	three_spikes(s);
	tail_of(&t, s, 3);
	ASSERT_EQ(0, vx_tail_rank(&t, st));
	/* CPU 1 lost 2.5ms to sh[93], CPU 0 only 5us. */
	EXPECT_EQ(1, t.causes[0].top_cpu);
	EXPECT_EQ(1, t.causes[5].top_cpu);
	free(st);
}

TEST(diagnosis_reads_as_the_issue_shows)
{
	struct velox_spike s[3];
	struct vx_tail t;
	struct printed p;
	char *text;

	three_spikes(s);
	tail_of(&t, s, 3);
	ASSERT_EQ(0, vx_tail_rank(&t, NULL));
	vx_print_tail_diagnosis(printing(&p), &t);
	text = printed(&p);
	EXPECT_STREQ("3 spikes >= 200.00us: 61 % preempted (sh[93], avg 150.00us), "
		     "22 % bundle_wait (timeout flush), 6 % queueing, "
		     "6 % irq (ttyS0 on CPU 1, avg 50.00us), 4 % generator, "
		     "1 % softirq (TIMER, avg 10.00us)\n", text);
	free(text);
}

TEST(one_spike_diagnosis_names_its_causes)
{
	struct velox_spike s[3];
	struct vx_tail t;
	struct printed p;
	char *text;

	three_spikes(s);
	tail_of(&t, s, 1);
	ASSERT_EQ(0, vx_tail_rank(&t, NULL));
	vx_print_tail_diagnosis(printing(&p), &t);
	text = printed(&p);
	EXPECT_STREQ("1 spike >= 200.00us: 62 % preempted (big[7] on CPU 1, avg 250.00us), "
		     "25 % bundle_wait (timeout flush), 12 % queueing\n", text);
	free(text);
}

TEST(spike_causes_largest_first_with_their_offender)
{
	struct velox_spike s[3];
	struct printed p;
	char *text;

	three_spikes(s);
	vx_print_causes(printing(&p), s[1].cause_ns, s[1].top, 3);
	text = printed(&p);
	EXPECT_STREQ("preempted 150.00us sh[93], bundle_wait 100.00us, irq 50.00us ttyS0",
		     text);
	free(text);
	vx_print_causes(printing(&p), s[2].cause_ns, NULL, 2);
	text = printed(&p);
	EXPECT_STREQ("preempted 150.00us, generator 40.00us", text);
	free(text);
}

TEST(text_lists_the_last_n_spikes_newest_last)
{
	struct velox_spike s[3];
	struct vx_tail t;
	struct printed p;
	char *text, *a, *b;

	three_spikes(s);
	tail_of(&t, s, 3);
	ASSERT_EQ(0, vx_tail_rank(&t, NULL));
	vx_print_tail(printing(&p), &t, 2);
	text = printed(&p);
	EXPECT_NE(NULL, strstr(text, "captured 3, lost 1 (the capture buffer was full), partial 0\n"));
	EXPECT_NE(NULL, strstr(text, "the last 2 of 3 spikes, newest last:\n"));
	EXPECT_EQ(NULL, strstr(text, "1001"));
	a = strstr(text, "        2002    0   300.00us  1/1/1/1          preempted 150.00us sh[93], ");
	b = strstr(text, "        3003    1   200.00us  0/0/1/1          preempted 150.00us sh[93], generator 40.00us, softirq 10.00us TIMER (partial)\n");
	EXPECT_NE(NULL, a) TH_LOG("%s", text);
	EXPECT_NE(NULL, b) TH_LOG("%s", text);
	EXPECT_TRUE(a && b && a < b);
	free(text);
}

TEST(text_without_spikes_says_why)
{
	struct vx_tail t;
	struct printed p;
	char *text;

	tail_of(&t, NULL, 0);
	t.lost = 0;
	ASSERT_EQ(0, vx_tail_rank(&t, NULL));
	vx_print_tail(printing(&p), &t, 10);
	text = printed(&p);
	EXPECT_STREQ("0 spikes >= 200.00us\ncaptured 0, lost 0, partial 0\n",
		     text);
	free(text);
	t.threshold_ns = 0;
	vx_print_tail(printing(&p), &t, 10);
	text = printed(&p);
	EXPECT_STREQ("no spikes: tail capture was off (start a run with --tail DURATION)\n",
		     text);
	free(text);
}

/* DESIGN.md §4's keys, exactly, in one object on one line. */
TEST(json_has_the_contracts_keys_exactly)
{
	struct velox_spike s[3];
	struct vx_tail t;
	struct printed p;
	char *text;

	three_spikes(s);
	tail_of(&t, s, 3);
	ASSERT_EQ(0, vx_tail_rank(&t, NULL));
	vx_print_tail_json(printing(&p), &t, 1);
	text = printed(&p);
	EXPECT_STREQ("{\"threshold_ns\":200000,\"captured\":3,\"lost\":1,\"causes\":["
		"{\"cause\":\"preempted\",\"ns\":550000,\"share\":0.611111,\"top\":\"sh[93]\"},"
		"{\"cause\":\"bundle_wait\",\"ns\":200000,\"share\":0.222222,\"top\":\"\"},"
		"{\"cause\":\"queueing\",\"ns\":50000,\"share\":0.055556,\"top\":\"\"},"
		"{\"cause\":\"irq\",\"ns\":50000,\"share\":0.055556,\"top\":\"ttyS0\"},"
		"{\"cause\":\"generator\",\"ns\":40000,\"share\":0.044444,\"top\":\"\"},"
		"{\"cause\":\"softirq\",\"ns\":10000,\"share\":0.011111,\"top\":\"TIMER\"},"
		"{\"cause\":\"matching\",\"ns\":0,\"share\":0.000000,\"top\":\"\"},"
		"{\"cause\":\"output\",\"ns\":0,\"share\":0.000000,\"top\":\"\"},"
		"{\"cause\":\"nmi\",\"ns\":0,\"share\":0.000000,\"top\":\"\"}],"
		"\"spikes\":[{\"id\":3003,\"lane\":1,\"e2e_ns\":200000,"
		"\"stages\":{\"generator\":50000,\"queue_matcher\":0,\"matching\":0,"
		"\"queue_bundler\":0,\"bundle_wait\":150000,\"output\":0},"
		"\"interference\":{\"irq\":0,\"softirq\":10000,\"nmi\":0,\"preempted\":150000},"
		"\"cpu\":{\"ingress\":0,\"matcher\":0,\"bundler\":1,\"output\":1}}]}\n",
		text);
	free(text);
}

TEST(json_lists_every_spike_oldest_first)
{
	struct velox_spike s[3];
	struct vx_tail t;
	struct printed p;
	char *text, *a, *b, *c;

	three_spikes(s);
	tail_of(&t, s, 3);
	ASSERT_EQ(0, vx_tail_rank(&t, NULL));
	vx_print_tail_json(printing(&p), &t, SIZE_MAX);
	text = printed(&p);
	a = strstr(text, "{\"id\":1001,");
	b = strstr(text, "},{\"id\":2002,");
	c = strstr(text, "},{\"id\":3003,");
	EXPECT_TRUE(a && b && c && a < b && b < c) TH_LOG("%s", text);
	free(text);
}

TEST(json_strings_escape_what_json_cannot_hold)
{
	static const char comm[16] = "0123456789abcdef";	/* no NUL */
	struct printed p;
	char *text;

	vx_print_json_string(printing(&p), "a\"b\\c\x01\xc3/", 64);
	text = printed(&p);
	EXPECT_STREQ("\"a\\\"b\\\\c\\u0001\\u00c3/\"", text);
	free(text);
	vx_print_json_string(printing(&p), comm, sizeof(comm));
	text = printed(&p);
	EXPECT_STREQ("\"0123456789abcdef\"", text);
	free(text);
}

TEST(offenders_are_named_by_kind)
{
	struct velox_offender o = { .id = 93, .name = "sh" };
	struct velox_offender anon = { .id = 11 };
	char buf[VELOX_OFFENDER_LEN];

	EXPECT_STREQ("sh[93]", velox_offender_name(buf, sizeof(buf),
						VELOX_NOISE_PREEMPTED, &o));
	EXPECT_STREQ("sh", velox_offender_name(buf, sizeof(buf),
					    VELOX_NOISE_IRQ, &o));
	EXPECT_STREQ("irq 11", velox_offender_name(buf, sizeof(buf),
						VELOX_NOISE_IRQ, &anon));
	EXPECT_STREQ("softirq 11", velox_offender_name(buf, sizeof(buf),
						    VELOX_NOISE_SOFTIRQ, &anon));
}

TEST(noise_json_per_cpu_with_its_offenders)
{
	struct velox_stats *st = noise_stats();
	struct printed p;
	char *text;

	ASSERT_NE(NULL, st);
	st->noise_cpus = 1;
	noise_of(st)[0] = noise_of(st)[1];
	noise_of(st)[0].top[2] = (struct velox_offender){ 0 };
	vx_print_noise_json(printing(&p), st);
	text = printed(&p);
	EXPECT_STREQ("{\"run\":7,\"cpus\":[{\"cpu\":1,\"wall_ns\":1000000000,"
		"\"noise_ns\":4000000,\"available\":0.996000,"
		"\"irq\":{\"ns\":1000000,\"count\":10},"
		"\"softirq\":{\"ns\":500000,\"count\":5},"
		"\"nmi\":{\"ns\":0,\"count\":0},"
		"\"preempted\":{\"ns\":2500000,\"count\":2},"
		"\"top\":[{\"source\":\"preempted\",\"id\":93,\"name\":\"sh\","
		"\"offender\":\"sh[93]\",\"ns\":2500000,\"count\":2},"
		"{\"source\":\"irq\",\"id\":236,\"name\":\"timer\","
		"\"offender\":\"timer\",\"ns\":1000000,\"count\":10}]}]}\n", text);
	free(text);
	st->noise_cpus = 0;
	vx_print_noise_json(printing(&p), st);
	text = printed(&p);
	EXPECT_STREQ("{\"run\":7,\"cpus\":[]}\n", text);
	free(text);
	free(st);
}

TEST(noise_text_has_a_row_per_cpu_and_the_offenders)
{
	struct velox_stats *st = noise_stats();
	struct printed p;
	char *text;

	ASSERT_NE(NULL, st);
	vx_print_noise(printing(&p), st);
	text = printed(&p);
	EXPECT_NE(NULL, strstr(text, "\n   1      1.00s     4.00ms   99.600     1.00ms       10   500.00us        5        0ns        0     2.50ms        2\n"))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "\n   1 preempted  sh[93]                       2.50ms        2\n"))
		TH_LOG("%s", text);
	free(text);
	st->noise_cpus = 0;
	vx_print_noise(printing(&p), st);
	text = printed(&p);
	EXPECT_STREQ("no noise accounting in run 7: tail capture was off (start a run with --tail DURATION)\n",
		     text);
	free(text);
	free(st);
}

/* A run on CPUs 0-3 and 64 of the 72, two lanes, as status shows it. */
static struct velox_stats *bound_stats(size_t *size)
{
	struct velox_stats *st = stats_area(size);

	if (!st)
		return NULL;
	st->run = 3;
	st->config.lanes = 2;
	st->config.threads = 1;
	cpu_set_of(st)[0] = 0xf;
	cpu_set_of(st)[1] = 1;
	lanes_of(st)[0].generated = 10;
	lanes_of(st)[0].delivered = 9;
	lanes_of(st)[0].dropped = 1;
	lanes_of(st)[1].generated = 20;
	lanes_of(st)[1].delivered = 20;
	/* Past config.lanes: not the run's, never shown. */
	lanes_of(st)[2].generated = 99;
	return st;
}

TEST(status_names_the_runs_cpus_as_a_cpulist)
{
	struct printed p;
	struct velox_stats *st;
	size_t size;
	char *text;

	st = bound_stats(&size);
	ASSERT_NE(NULL, st);
	vx_print_status(printing(&p), st);
	text = printed(&p);
	EXPECT_NE(NULL, strstr(text, ", cpus 0-3,64,\n")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "\nlane 1         generated 20, delivered 20, dropped 0\n"))
		TH_LOG("%s", text);
	EXPECT_EQ(NULL, strstr(text, "lane 2 ")) TH_LOG("%s", text);
	free(text);
	memset(cpu_set_of(st), 0, st->cpu_set_size);
	vx_print_status(printing(&p), st);
	text = printed(&p);
	EXPECT_NE(NULL, strstr(text, ", cpus any,\n")) TH_LOG("%s", text);
	free(text);
	free(st);
}

TEST(status_json_has_cpus_as_a_cpulist_string_and_the_runs_lanes)
{
	struct printed p;
	struct velox_stats *st;
	size_t size;
	char *text;

	st = bound_stats(&size);
	ASSERT_NE(NULL, st);
	vx_print_status_json(printing(&p), st);
	text = printed(&p);
	EXPECT_NE(NULL, strstr(text, ",\"cpus\":\"0-3,64\",")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, ",\"lanes\":[{\"generated\":10,\"delivered\":9,\"dropped\":1},"
			       "{\"generated\":20,\"delivered\":20,\"dropped\":0}]}\n"))
		TH_LOG("%s", text);
	free(text);
	memset(cpu_set_of(st), 0, st->cpu_set_size);
	vx_print_status_json(printing(&p), st);
	text = printed(&p);
	EXPECT_NE(NULL, strstr(text, ",\"cpus\":\"\",")) TH_LOG("%s", text);
	free(text);
	free(st);
}

/* A config without a set (GET_CONFIG's legacy answer): its 64 bits. */
TEST(config_json_without_a_set_names_cpus_0_to_63)
{
	struct velox_config c = { .cpus = 0x8000000000000003ull };
	struct printed p;
	char *text;

	vx_print_config_json(printing(&p), &c, NULL, 0);
	text = printed(&p);
	EXPECT_NE(NULL, strstr(text, ",\"cpus\":\"0-1,63\",")) TH_LOG("%s", text);
	free(text);
}

TEST(stats_check_takes_the_kernels_layout)
{
	struct velox_stats *st;
	char why[160];
	size_t size;

	st = bound_stats(&size);
	ASSERT_NE(NULL, st);
	EXPECT_EQ(0, vx_stats_check(st, size, why, sizeof(why))) TH_LOG("%s", why);
	free(st);
}

/* Each array out of the copy, or off a word: refused, saying which. */
TEST(stats_check_refuses_arrays_outside_the_copy)
{
	static const struct {
		const char *what;
		size_t field;
		__u32 value;
		const char *says;
	} bad[] = {
		{ "lanes past the end", offsetof(struct velox_stats, lane_offset),
		  0x7fffff00, "lanes at offset" },
		{ "lanes off a word", offsetof(struct velox_stats, lane_offset),
		  sizeof(struct velox_stats) + 4, "lanes at offset" },
		{ "lanes in the fixed part", offsetof(struct velox_stats, lane_offset),
		  8, "lanes at offset" },
		{ "noise past the end", offsetof(struct velox_stats, noise_offset),
		  0xfffffff8, "noise at offset" },
		{ "set past the end", offsetof(struct velox_stats, cpu_set_size),
		  4096, "cpu set at offset" },
		{ "set not whole words", offsetof(struct velox_stats, cpu_set_size),
		  12, "not whole words" },
		{ "more slots than room", offsetof(struct velox_stats, slots),
		  100000, "lanes at offset" },
		{ "more lanes than slots", offsetof(struct velox_stats, config.lanes),
		  AREA_SLOTS + 1, "lanes and" },
		{ "more noise CPUs than slots", offsetof(struct velox_stats, noise_cpus),
		  AREA_SLOTS + 1, "noise CPUs in" },
	};
	struct velox_stats *st;
	char why[160];
	size_t size, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st = bound_stats(&size);
		ASSERT_NE(NULL, st);
		memcpy((char *)st + bad[i].field, &bad[i].value, sizeof(__u32));
		why[0] = '\0';
		EXPECT_EQ(-1, vx_stats_check(st, size, why, sizeof(why)))
			TH_LOG("%s: taken", bad[i].what);
		EXPECT_NE(NULL, strstr(why, bad[i].says))
			TH_LOG("%s: said '%s'", bad[i].what, why);
		free(st);
	}
	st = bound_stats(&size);
	ASSERT_NE(NULL, st);
	EXPECT_EQ(-1, vx_stats_check(st, size - 8, why, sizeof(why)))
		TH_LOG("a copy 8 bytes short of the set taken");
	st->magic = 0;
	EXPECT_EQ(-1, vx_stats_check(st, size, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "bad magic")) TH_LOG("%s", why);
	free(st);
}

TEST_HARNESS_MAIN
