// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl compare: saved runs side by side (velox-ctl run --save), each
 * number's change from the first file, marked where it is larger than
 * the runs of each file vary; --fail-if makes it a CI gate.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

/* The most files, and --fail-if expressions, one comparison takes. */
#define COMPARE_FILES_MAX	8
#define COMPARE_GATES_MAX	32

/* A value column, "12.3us (12.1us-12.5us)", and its change, "+3.2% *". */
#define VALUE_W	32
#define CHANGE_W	10

static void compare_usage(FILE *out)
{
	fputs("Usage: velox-ctl compare [--fail-if EXPR]... [--stage STAGE]...\n"
	      "                         BASE.json NEW.json [NEW.json...]\n"
	      "\n"
	      "Show runs saved by 'velox-ctl run --save' side by side: per stage\n"
	      "the count, p50, p90, p99, p99.9, p99.99 and max of the sampled\n"
	      "latencies, and the throughput, deliveries and drops of the runs,\n"
	      "each file's median over its runs with their min-max, and each\n"
	      "NEW file's change from BASE in percent.\n"
	      "\n"
	      "A change is marked * when it is larger than the noise: when the\n"
	      "min-max ranges of the two files' runs do not overlap, so that no\n"
	      "run of one lies within the other's.  With one run in each file\n"
	      "there is no range to judge by, and nothing is marked: save with\n"
	      "'run --repeat N'.\n"
	      "\n"
	      "  -f, --fail-if EXPR  exit 1 if EXPR holds for a NEW file, with a\n"
	      "                      line naming it and the numbers; EXPR is\n"
	      "                      METRIC OP BOUND, OP one of > >= < <=:\n"
	      "                        e2e.p99>+10%   the median p99 rose more than\n"
	      "                                       10% from BASE's\n"
	      "                        e2e.p999>2ms   the median p99.9 is over 2 ms\n"
	      "                        dropped>0      a run's median drops exceed 0\n"
	      "                        throughput<-5% the throughput fell over 5%\n"
	      "                      METRIC is STAGE.STAT (STAT: count, min, mean,\n"
	      "                      max, p50, p90, p99, p999, p9999), a counter\n"
	      "                      of 'velox-ctl status --json', or throughput;\n"
	      "                      repeat for more (at most 32)\n"
	      "  -s, --stage STAGE   show this stage (default: all); repeatable\n"
	      "  -h, --help          show this help\n"
	      "\n"
	      "Exit status: 0 when no --fail-if holds; 1 when one does; 2 on a\n"
	      "usage error or a file that cannot be read as a saved run (missing,\n"
	      "not JSON, another schema version).\n", out);
}

struct compare {
	struct vx_result *files[COMPARE_FILES_MAX];
	size_t nfiles;
	bool stages[VELOX_STAGES];
};

/* "12.3us (12.1us-12.5us)", or the value alone for one run. */
static void fmt_spread(char *buf, size_t len, const struct vx_metric *m,
		       const struct vx_spread *s)
{
	char med[VELOX_DURATION_LEN], lo[VELOX_DURATION_LEN];
	char hi[VELOX_DURATION_LEN];

	vx_metric_fmt(med, sizeof(med), m, s->median);
	if (s->n < 2 || s->min == s->max) {
		snprintf(buf, len, "%s", med);
		return;
	}
	snprintf(buf, len, "%s (%s-%s)", med,
		 vx_metric_fmt(lo, sizeof(lo), m, s->min),
		 vx_metric_fmt(hi, sizeof(hi), m, s->max));
}

/*
 * Noise, as the usage says: the ranges of the runs do not overlap, and
 * at least one file has more than one run to have a range at all.
 */
static bool beyond_noise(const struct vx_spread *base,
			 const struct vx_spread *s)
{
	if (base->n < 2 && s->n < 2)
		return false;
	return s->min > base->max || s->max < base->min;
}

/* One row: @label, then each file's value and, after the base, change. */
static void print_row(const struct compare *c, const char *label,
		      const struct vx_metric *m)
{
	char buf[64], change[24];
	struct vx_spread base, s;
	size_t i;
	double pct;

	printf("  %-12s", label);
	for (i = 0; i < c->nfiles; i++) {
		vx_metric_spread(c->files[i]->runs, c->files[i]->n, m, &s);
		fmt_spread(buf, sizeof(buf), m, &s);
		printf(" %-*s", VALUE_W, buf);
		if (!i) {
			base = s;
			continue;
		}
		pct = gate_change(base.median, s.median);
		if (isinf(pct))
			snprintf(change, sizeof(change), "from 0");
		else
			snprintf(change, sizeof(change), "%+.1f%%%s", pct,
				 beyond_noise(&base, &s) ? " *" : "");
		/* No blanks at the end of a line: pad all but the last. */
		printf(" %-*s", i + 1 < c->nfiles ? CHANGE_W : 0, change);
	}
	putchar('\n');
}

/* The header: each file's name, and "change" after each but the base. */
static void print_header(const struct compare *c)
{
	const char *name;
	size_t i;

	printf("  %-12s", "");
	for (i = 0; i < c->nfiles; i++) {
		name = strrchr(c->files[i]->path, '/');
		name = name ? name + 1 : c->files[i]->path;
		printf(" %-*.*s", VALUE_W, VALUE_W, name);
		if (i)
			printf(" %-*s", i + 1 < c->nfiles ? CHANGE_W : 0,
			       "change");
	}
	putchar('\n');
}

/* A member of a file's object @obj as text, for the "how" lines. */
static void member_text(char *buf, size_t len, const struct vx_json *obj,
			const char *key)
{
	const struct vx_json *j = vx_json_get(obj, key);

	if (!j)
		snprintf(buf, len, "-");
	else if (j->type == VX_JSON_STRING)
		snprintf(buf, len, "%s", *j->str ? j->str : "\"\"");
	else if (j->type == VX_JSON_NUMBER)
		snprintf(buf, len, "%.15g", j->num);
	else
		snprintf(buf, len, "?");
}

/*
 * What differs in how the files' runs ran: each member of @section
 * ("config", "machine") that is not the base's, "key base -> new".
 */
static void print_differences(const struct compare *c, const char *section)
{
	const struct vx_json *base = vx_json_get(c->files[0]->doc, section);
	char a[96], b[96], line[512];
	size_t i, k, n;

	for (i = 1; i < c->nfiles; i++) {
		const struct vx_json *o = vx_json_get(c->files[i]->doc, section);

		if (!o || o->type != VX_JSON_OBJECT)
			continue;
		for (k = 0, n = 0; k < o->n && n < sizeof(line); k++) {
			member_text(a, sizeof(a), base, o->keys[k]);
			member_text(b, sizeof(b), o, o->keys[k]);
			if (strcmp(a, b))
				n += snprintf(line + n, sizeof(line) - n,
					      "%s%s %s -> %s", n ? ", " : "",
					      o->keys[k], a, b);
		}
		if (n)
			printf("%s of %s: %s\n", section, c->files[i]->path,
			       line);
	}
}

/* Runs and warm-up per file, then what differs between them. */
static void print_setup(const struct compare *c)
{
	const struct vx_result *r;
	double warm;
	size_t i;

	for (i = 0; i < c->nfiles; i++) {
		r = c->files[i];
		warm = r->runs[0].warmup_s;
		printf("%s: %zu run%s of %.1f s", r->path, r->n,
		       r->n == 1 ? "" : "s", r->runs[0].seconds);
		if (warm > 0)
			printf(" after a %.1f s warm-up", warm);
		putchar('\n');
	}
	print_differences(c, "config");
	print_differences(c, "machine");
}

/* A stage that no run of any file recorded (service without a source). */
static bool sampled(const struct compare *c, unsigned int stage)
{
	size_t i, k;

	for (i = 0; i < c->nfiles; i++)
		for (k = 0; k < c->files[i]->n; k++)
			if (c->files[i]->runs[k].hist[stage].count)
				return true;
	return false;
}

static void print_table(const struct compare *c)
{
	static const char *const run_rows[] = {
		"throughput", "delivered", "dropped",
	};
	static const char *const stage_stats[] = {
		"count", "p50", "p90", "p99", "p999", "p9999", "max",
	};
	char name[48];
	struct vx_metric m;
	bool counted = false;
	unsigned int stage;
	size_t i;

	putchar('\n');
	print_header(c);
	printf("run\n");
	for (i = 0; i < sizeof(run_rows) / sizeof(run_rows[0]); i++)
		if (!vx_metric_parse(run_rows[i], &m))
			print_row(c, run_rows[i], &m);
	for (stage = 0; stage < VELOX_STAGES; stage++) {
		if (!c->stages[stage])
			continue;
		if (!sampled(c, stage)) {
			printf("%s: no samples in any file\n",
			       velox_stage_name(stage));
			continue;
		}
		printf("%s\n", velox_stage_name(stage));
		for (i = 0; i < sizeof(stage_stats) / sizeof(stage_stats[0]);
		     i++) {
			snprintf(name, sizeof(name), "%s.%s",
				 velox_stage_name(stage), stage_stats[i]);
			if (!vx_metric_parse(name, &m))
				print_row(c, stage_stats[i], &m);
		}
	}
	for (i = 0; i < c->nfiles; i++)
		counted |= c->files[i]->n > 1;
	printf("\n%s\n", counted ?
	       "*: beyond the noise (the min-max ranges of the runs do not overlap)" :
	       "one run in each file: no range to tell a change from noise (run --repeat N)");
}

static int parse_stage(const char *arg, bool *stages)
{
	unsigned int s;

	for (s = 0; s < VELOX_STAGES; s++)
		if (!strcmp(arg, velox_stage_name(s))) {
			stages[s] = true;
			return 0;
		}
	return vx_usage_err("--stage", "'%s' is not a stage (velox-ctl hist --help lists them)",
			    arg);
}

static int compare_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fail-if", required_argument, NULL, 'f' },
		{ "stage", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct gate gates[COMPARE_GATES_MAX];
	struct compare c = { .nfiles = 0 };
	size_t ngates = 0, i, g;
	bool any_stage = false, failed = false;
	int opt, ret = VX_EXIT_USAGE;

	while ((opt = getopt_long(argc, argv, "f:s:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (ngates == COMPARE_GATES_MAX)
				return vx_usage_err("--fail-if", "at most %d",
						    COMPARE_GATES_MAX);
			if (gate_parse(optarg, &gates[ngates]))
				return VX_EXIT_USAGE;
			ngates++;
			break;
		case 's':
			if (parse_stage(optarg, c.stages))
				return VX_EXIT_USAGE;
			any_stage = true;
			break;
		case 'h':
			compare_usage(stdout);
			return VX_EXIT_OK;
		default:
			compare_usage(stderr);
			return VX_EXIT_USAGE;
		}
	}
	if (argc - optind < 2)
		return vx_usage_err("compare", "needs a base file and at least one more (velox-ctl run --save writes them)");
	if (argc - optind > COMPARE_FILES_MAX)
		return vx_usage_err("compare", "at most %d files",
				    COMPARE_FILES_MAX);
	if (!any_stage)
		for (i = 0; i < VELOX_STAGES; i++)
			c.stages[i] = true;
	for (i = optind; i < (size_t)argc; i++) {
		c.files[c.nfiles] = vx_result_load(argv[i]);
		if (!c.files[c.nfiles])
			goto out;
		c.nfiles++;
	}
	print_setup(&c);
	print_table(&c);
	for (g = 0; g < ngates; g++)
		for (i = 1; i < c.nfiles; i++)
			failed |= gate_test(&gates[g], c.files[0], c.files[i]);
	ret = failed ? VX_EXIT_FAIL : VX_EXIT_OK;
out:
	for (i = 0; i < c.nfiles; i++)
		vx_result_free(c.files[i]);
	return ret;
}

const struct ctl_cmd cmd_compare = {
	.name = "compare",
	.summary = "show saved runs side by side; gate on their change",
	.run = compare_run,
	.usage = compare_usage,
};
