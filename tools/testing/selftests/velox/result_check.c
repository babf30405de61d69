// SPDX-License-Identifier: GPL-2.0
/*
 * result_check FILE RUNS WARMUP INTERVALS: check a file velox-ctl run
 * --save wrote against its schema (Documentation/velox-ctl.rst, SAVED
 * RESULTS) and its numbers against each other.  libvelox reads it as
 * compare does (schema, version, histogram layout, every counter, every
 * stage's buckets adding up to its count); then here: the members a
 * reader relies on, RUNS runs each stopped and conserved over the whole
 * run, a measured part inside it (WARMUP 1: a warm-up that delivered
 * something left out), INTERVALS 1: steps that stay within it, and the
 * summary's medians those of the runs.  Exit 0, or 1 with each failure on
 * stderr.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvelox.h"

static int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("result_check: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

/* @obj has every member of @keys, of type @type. */
static void has(const struct vx_json *obj, const char *what,
		const char *const *keys, enum vx_json_type type)
{
	const struct vx_json *j;

	for (; *keys; keys++) {
		j = vx_json_get(obj, *keys);
		if (!j || j->type != type)
			fail("%s.%s: %s", what, *keys, j ? "of another type" :
							   "missing");
	}
}

static unsigned int word(size_t offset)
{
	return offset / sizeof(__u64);
}

static void check_top(const struct vx_json *doc)
{
	static const char *const strings[] = { "schema", "tool", "created", NULL };
	static const char *const numbers[] = {
		"version", "duration_s", "warmup_s", "interval_s", NULL
	};
	static const char *const objects[] = {
		"machine", "config", "doctor", "histogram", "summary", NULL
	};
	static const char *const machine_str[] = {
		"kernel", "host", "module_version", "cpu_model", NULL
	};
	static const char *const machine_num[] = {
		"abi_version", "cpus_online", "cpus_possible", NULL
	};
	static const char *const doctor_num[] = { "warn", "info", "ok", NULL };
	static const char *const config_str[] = { "backoff", "policy", "cpus", NULL };
	const struct vx_json *doctor = vx_json_get(doc, "doctor");
	const struct vx_json *findings = vx_json_get(doctor, "findings");
	const struct vx_json *machine = vx_json_get(doc, "machine");
	const struct vx_json *abi = vx_json_get(machine, "abi_version");

	has(doc, "", strings, VX_JSON_STRING);
	has(doc, "", numbers, VX_JSON_NUMBER);
	has(doc, "", objects, VX_JSON_OBJECT);
	has(machine, "machine", machine_str, VX_JSON_STRING);
	has(machine, "machine", machine_num, VX_JSON_NUMBER);
	has(vx_json_get(doc, "config"), "config", config_str, VX_JSON_STRING);
	has(doctor, "doctor", doctor_num, VX_JSON_NUMBER);
	if (!findings || findings->type != VX_JSON_ARRAY || !findings->n)
		fail("doctor.findings: not a non-empty array");
	if (abi && abi->u64 != VELOX_ABI_VERSION)
		fail("machine.abi_version: not %d", VELOX_ABI_VERSION);
}

static void check_run(const struct vx_result_run *r, size_t i, bool warmup)
{
	const unsigned int gen = word(offsetof(struct velox_counters, generated));
	const unsigned int del = word(offsetof(struct velox_counters, delivered));
	const unsigned int drop = word(offsetof(struct velox_counters, dropped));

	if (strcmp(r->state, "stopped"))
		fail("runs[%zu]: state %s, not stopped", i, r->state);
	if (r->whole[gen] != r->whole[del] + r->whole[drop])
		fail("runs[%zu]: whole run: generated %llu != delivered %llu + dropped %llu",
		     i, r->whole[gen], r->whole[del], r->whole[drop]);
	if (r->counters[del] > r->whole[del] || r->counters[gen] > r->whole[gen])
		fail("runs[%zu]: the measured part delivered %llu of %llu, generated %llu of %llu",
		     i, r->counters[del], r->whole[del], r->counters[gen],
		     r->whole[gen]);
	if (!r->counters[del] || !(r->seconds > 0))
		fail("runs[%zu]: measured %.3f s, %llu delivered", i,
		     r->seconds, r->counters[del]);
	if (warmup && (!(r->warmup_s > 0) || r->counters[del] == r->whole[del]))
		fail("runs[%zu]: warm-up %.3f s left out %llu delivered", i,
		     r->warmup_s, r->whole[del] - r->counters[del]);
	if (!warmup && (r->warmup_s != 0 || r->counters[del] != r->whole[del]))
		fail("runs[%zu]: no warm-up asked, yet %.3f s left out", i,
		     r->warmup_s);
	if (fabs(r->seconds + r->warmup_s - r->whole_s) > 1e-5)
		fail("runs[%zu]: measured %.6f s + warm-up %.6f s != whole %.6f s",
		     i, r->seconds, r->warmup_s, r->whole_s);
}

/* Steps within the measured part: their deliveries add up to no more. */
static void check_steps(const struct vx_json *run, const struct vx_result_run *r,
			size_t i)
{
	const unsigned int del = word(offsetof(struct velox_counters, delivered));
	const struct vx_json *iv = vx_json_get(run, "intervals");
	unsigned long long sum = 0;
	size_t k;

	if (!iv || iv->type != VX_JSON_ARRAY || !iv->n) {
		fail("runs[%zu].intervals: none", i);
		return;
	}
	for (k = 0; k < iv->n; k++) {
		const struct vx_json *d = vx_json_get(&iv->items[k], "delivered");
		const struct vx_json *t = vx_json_get(&iv->items[k], "t_s");
		const struct vx_json *e2e = vx_json_get(vx_json_get(&iv->items[k],
							"stages"), "e2e");

		if (!d || !d->is_u64 || !vx_json_get(e2e, "p99_ns")) {
			fail("runs[%zu].intervals[%zu]: no delivered or e2e.p99_ns",
			     i, k);
			return;
		}
		/* A step ends within the measured part (to the microsecond). */
		if (!t || t->num <= 0 || t->num > r->seconds + 1e-6)
			fail("runs[%zu].intervals[%zu]: ends at %.6f s, the measured part at %.6f s",
			     i, k, t ? t->num : -1, r->seconds);
		sum += d->u64;
	}
	if (sum > r->counters[del])
		fail("runs[%zu]: its steps delivered %llu, more than the measured %llu",
		     i, sum, r->counters[del]);
}

/* The summary's median of e2e.p99 is the median of the runs' own. */
static void check_summary(const struct vx_json *doc, const struct vx_result *res)
{
	const struct vx_json *sum = vx_json_get(doc, "summary");
	const struct vx_json *p99 = vx_json_get(vx_json_get(vx_json_get(
		vx_json_get(sum, "stages"), "e2e"), "p99"), "median");
	const struct vx_json *runs = vx_json_get(sum, "runs");
	struct vx_metric m;
	struct vx_spread s;

	if (!runs || !runs->is_u64 || runs->u64 != res->n)
		fail("summary.runs: not %zu", res->n);
	vx_metric_parse("e2e.p99", &m);
	vx_metric_spread(res->runs, res->n, &m, &s);
	if (!p99 || p99->num != s.median)
		fail("summary.stages.e2e.p99.median: %g, the runs' median is %g",
		     p99 ? p99->num : -1, s.median);
}

int main(int argc, char **argv)
{
	struct vx_result *res;
	const struct vx_json *runs;
	size_t i;

	if (argc != 5) {
		fputs("usage: result_check FILE RUNS WARMUP(0|1) INTERVALS(0|1)\n",
		      stderr);
		return 2;
	}
	res = vx_result_load(argv[1]);
	if (!res)
		return 1;
	check_top(res->doc);
	if (res->n != strtoul(argv[2], NULL, 10))
		fail("%zu runs, expected %s", res->n, argv[2]);
	runs = vx_json_get(res->doc, "runs");
	for (i = 0; i < res->n; i++) {
		check_run(&res->runs[i], i, !strcmp(argv[3], "1"));
		if (!strcmp(argv[4], "1"))
			check_steps(&runs->items[i], &res->runs[i], i);
	}
	check_summary(res->doc, res);
	vx_result_free(res);
	return failures ? 1 : 0;
}
