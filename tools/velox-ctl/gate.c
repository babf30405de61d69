// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl compare --fail-if: the CI gate.  An expression names a metric
 * (libvelox's metric.c: "e2e.p99", "dropped", "throughput"), a comparison
 * and a bound: absolute ("e2e.p999>2ms", "dropped>0") or a change from
 * the base file ("e2e.p99>+10%").  Each is tested on every file after the
 * base, on the median of the file's runs.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static const char *const op_names[] = {
	[GATE_GT] = ">", [GATE_GE] = ">=", [GATE_LT] = "<", [GATE_LE] = "<=",
};

/* The operator at @s, longest first; its length, 0 if none. */
static size_t parse_op(const char *s, enum gate_op *op)
{
	if (s[0] == '>' || s[0] == '<') {
		bool eq = s[1] == '=';

		*op = s[0] == '>' ? (eq ? GATE_GE : GATE_GT) :
				    (eq ? GATE_LE : GATE_LT);
		return eq ? 2 : 1;
	}
	return 0;
}

/* A plain non-negative number: digits, a point, digits. */
static int parse_plain(const char *s, double *v)
{
	size_t digits = strspn(s, "0123456789");
	char *end;

	/* No sign, no exponent, no hex: strtod() would take all three. */
	if (!digits || (s[digits] && (s[digits] != '.' ||
	    s[digits + 1 + strspn(s + digits + 1, "0123456789")])))
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	return errno || *end || !isfinite(*v) ? -1 : 0;
}

/**
 * gate_parse() - one --fail-if expression
 * @expr: "METRIC OP BOUND", no blanks: e2e.p99>+10%, dropped>0,
 *	e2e.p999>=2ms
 * @g: set to it
 *
 * Return: 0, or VX_EXIT_USAGE after one line saying what is wrong.
 */
int gate_parse(const char *expr, struct gate *g)
{
	char name[48], bound[48];
	const char *at;
	size_t n, len;
	__u64 ns;

	memset(g, 0, sizeof(*g));
	g->expr = expr;
	for (at = expr; *at && *at != '<' && *at != '>'; at++)
		;
	n = parse_op(at, &g->op);
	if (!n)
		return vx_usage_err("--fail-if", "'%s': expected METRIC>BOUND, METRIC<BOUND, >= or <= (e2e.p99>+10%%, dropped>0)",
				    expr);
	len = at - expr;
	if (len < sizeof(name)) {
		memcpy(name, expr, len);
		name[len] = '\0';
	}
	if (len >= sizeof(name) || vx_metric_parse(name, &g->metric))
		return vx_usage_err("--fail-if", "'%s': '%.*s' is not a metric (STAGE.STAT as e2e.p99 or match.max, a counter as dropped, or throughput)",
				    expr, (int)len, expr);
	at += n;
	if (strlen(at) >= sizeof(bound) || !*at)
		return vx_usage_err("--fail-if", "'%s': no bound after '%s'",
				    expr, op_names[g->op]);
	strcpy(bound, at);
	len = strlen(bound);
	if (bound[len - 1] == '%') {
		/* A change from the base, signed: +10% up, -5% down. */
		bound[len - 1] = '\0';
		if ((bound[0] != '+' && bound[0] != '-') ||
		    parse_plain(bound + 1, &g->bound))
			return vx_usage_err("--fail-if", "'%s': a change is signed, as +10%% or -5%%",
					    expr);
		if (bound[0] == '-')
			g->bound = -g->bound;
		g->relative = true;
		return 0;
	}
	if (vx_metric_is_ns(&g->metric)) {
		if (vx_parse_duration(bound, &ns))
			return vx_usage_err("--fail-if", "'%s': '%s' is not a duration (500ns, 200us, 2ms) or a change (+10%%)",
					    expr, bound);
		g->bound = ns;
		return 0;
	}
	if (parse_plain(bound, &g->bound))
		return vx_usage_err("--fail-if", "'%s': '%s' is not a number or a change (+10%%)",
				    expr, bound);
	return 0;
}

static bool holds(enum gate_op op, double v, double bound)
{
	switch (op) {
	case GATE_GT:
		return v > bound;
	case GATE_GE:
		return v >= bound;
	case GATE_LT:
		return v < bound;
	default:
		return v <= bound;
	}
}

/* The change from @base to @v in percent; from 0, infinite unless 0. */
double gate_change(double base, double v)
{
	if (base == 0)
		return v == 0 ? 0 : v > 0 ? INFINITY : -INFINITY;
	return (v - base) / base * 100;
}

/**
 * gate_test() - does @g hold for @new, against @base?
 * @g: the gate
 * @base: the base file
 * @new: a file after it
 *
 * Return: true if it holds (the gate fails the comparison), after one
 * line on stderr naming the expression, the file and the numbers.
 */
bool gate_test(const struct gate *g, const struct vx_result *base,
	       const struct vx_result *new)
{
	char a[VELOX_DURATION_LEN], b[VELOX_DURATION_LEN], name[48];
	struct vx_spread sb, sn;
	double change;

	vx_metric_spread(new->runs, new->n, &g->metric, &sn);
	vx_metric_name(name, sizeof(name), &g->metric);
	if (!g->relative) {
		if (!holds(g->op, sn.median, g->bound))
			return false;
		fprintf(stderr, "velox-ctl: compare: --fail-if '%s' holds for %s: %s is %s\n",
			g->expr, new->path, name,
			vx_metric_fmt(a, sizeof(a), &g->metric, sn.median));
		return true;
	}
	vx_metric_spread(base->runs, base->n, &g->metric, &sb);
	change = gate_change(sb.median, sn.median);
	if (!holds(g->op, change, g->bound))
		return false;
	fprintf(stderr, "velox-ctl: compare: --fail-if '%s' holds for %s: %s is %s, %+.1f%% from %s in %s\n",
		g->expr, new->path, name,
		vx_metric_fmt(a, sizeof(a), &g->metric, sn.median), change,
		vx_metric_fmt(b, sizeof(b), &g->metric, sb.median), base->path);
	return true;
}
