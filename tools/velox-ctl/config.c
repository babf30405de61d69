// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl: the start options (shared by start and run), parsing their
 * values, and saying which field the kernel refused.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/velox.h>

#include "ctl.h"
#include "config_range.h"

enum {
	SET_RATE = 1 << 0, SET_LANES = 1 << 1, SET_BUNDLE = 1 << 2,
	SET_FLUSH = 1 << 3, SET_RING = 1 << 4, SET_BACKOFF = 1 << 5,
	SET_POLICY = 1 << 6, SET_SAMPLE = 1 << 7, SET_CPUS = 1 << 8,
	SET_THREADS = 1 << 9, SET_SEED = 1 << 10, SET_SPIN_US = 1 << 11,
	SET_TAIL = 1 << 12,
};

const struct option start_long_opts[START_LONG_OPTS] = {
	{ "rate", required_argument, NULL, 'r' },
	{ "lanes", required_argument, NULL, 'l' },
	{ "bundle", required_argument, NULL, 'b' },
	{ "flush-us", required_argument, NULL, 'f' },
	{ "ring", required_argument, NULL, 'R' },
	{ "backoff", required_argument, NULL, 'B' },
	{ "policy", required_argument, NULL, 'p' },
	{ "sample", required_argument, NULL, 's' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "threads", required_argument, NULL, 't' },
	{ "seed", required_argument, NULL, 'S' },
	{ "spin-us", required_argument, NULL, 'C' },
	{ "tail", required_argument, NULL, 'T' },
};

void start_opts_usage(FILE *out)
{
	fputs("Pipeline options (unset ones keep the module's defaults):\n"
	      "  -r, --rate N[k|K|M]   transactions per second, all lanes (1..10M)\n"
	      "  -l, --lanes N         lanes sharing the order book (1..online CPUs)\n"
	      "  -b, --bundle N        transactions per bundle (1..16)\n"
	      "  -f, --flush-us N      flush a bundle whose oldest waited N us\n"
	      "  -R, --ring N          ring capacity, a power of two (4..65536)\n"
	      "  -B, --backoff P       idle threads: spin, yield or sleep\n"
	      "  -p, --policy P        ingress at a full ring: drop or block\n"
	      "  -s, --sample N        record the latency of 1 in N transactions\n"
	      "  -c, --cpus LIST       bind threads round-robin to CPUs (0-1,3)\n"
	      "  -t, --threads N       threads per lane: 1, 2 or 4 (0: auto)\n"
	      "  -S, --seed N          seed of the order mix\n"
	      "  -C, --spin-us N       idle threads spin N us, then yield or sleep\n"
	      "  -T, --tail DURATION   capture every sampled transaction whose\n"
	      "                        end-to-end latency reaches DURATION (500ns,\n"
	      "                        200us, 1.5ms, 2s; at most 60s), with its\n"
	      "                        causes, for 'velox-ctl tail'; 0: off\n", out);
}

int parse_u32(const char *s, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n > UINT32_MAX)
		return -1;
	*v = n;
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * "100000", "100k", "2.5M": decimal digits, optionally a point and more
 * digits, optionally k or K (thousands) or M (millions; m is not taken, it
 * would read as milli), nothing else; the rate must come out whole.
 * Counted in integers, so that "4.1M" is 4100000 and not the double just
 * below it.
 */
int parse_rate(const char *s, uint32_t *rate)
{
	uint64_t whole = 0, frac = 0, scale = 1, mult = 1, v;
	const char *p = s, *f, *last;

	if (!is_digit(*p))
		return -1;
	for (; is_digit(*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > UINT32_MAX)
			return -1;
	}
	if (*p == '.') {
		f = ++p;
		if (!is_digit(*p))
			return -1;
		while (is_digit(*p))
			p++;
		/* Trailing zeros add nothing: "2.50M" is "2.5M". */
		for (last = p; last > f && last[-1] == '0'; last--)
			;
		for (; f < last; f++) {
			/* Finer than one transaction even in millions. */
			if (scale == 1000000)
				return -1;
			frac = frac * 10 + (*f - '0');
			scale *= 10;
		}
	}
	if (*p == 'k' || *p == 'K') {
		mult = 1000;
		p++;
	} else if (*p == 'M') {
		mult = 1000000;
		p++;
	}
	/* Anything after the suffix, or a fraction of a transaction. */
	if (*p || mult % scale)
		return -1;
	v = whole * mult + frac * (mult / scale);
	if (v > UINT32_MAX)
		return -1;
	*rate = (uint32_t)v;
	return 0;
}

/*
 * --cpus: a cpulist ("0-1,3") of one CPU or more.  Which CPUs exist is
 * for start_with() to say, with the module's CPU set at hand.  Prints why
 * not and returns -1.
 */
static int check_cpus(const char *list)
{
	/* No room: every CPU named is beyond it, -ERANGE. */
	if (vx_cpulist_parse(list, NULL, 0, NULL) != -ERANGE) {
		vx_usage_err("--cpus", "'%s' is not a list of CPUs (0-1,3)", list);
		return -1;
	}
	return 0;
}

/*
 * A duration option's value: vx_parse_duration()'s, up to what tail_ns
 * takes; 0 only if @zero_ok.  Prints why not and returns -1.
 */
int parse_tail_duration(const char *opt, const char *s, bool zero_ok,
			__u64 *ns)
{
	char max[VELOX_DURATION_LEN];

	if (vx_parse_duration(s, ns))
		vx_usage_err(opt, "'%s' is not a duration (500ns, 200us, 1.5ms, 2s)",
			     s);
	else if (!*ns && !zero_ok)
		vx_usage_err(opt, "'%s': must be more than 0", s);
	else if (*ns > VELOX_TAIL_NS_MAX)
		vx_usage_err(opt, "'%s': must be at most %s", s,
			     velox_fmt_duration(max, sizeof(max),
						VELOX_TAIL_NS_MAX));
	else
		return 0;
	return -1;
}

/*
 * --interval of watch, run and export: seconds, 0.1 or more (shorter,
 * the tool itself would be the load).  0, or VX_EXIT_USAGE after saying
 * why.
 */
int parse_interval(const char *s, double *sec)
{
	if (parse_seconds(s, sec) || *sec < 0.1)
		return vx_usage_err("--interval", "'%s': seconds, 0.1 or more", s);
	return 0;
}

int parse_seconds(const char *s, double *sec)
{
	char *end;

	errno = 0;
	*sec = strtod(s, &end);
	if (errno || end == s || *end || !(*sec > 0) || *sec > 1e7)
		return -1;
	return 0;
}

/*
 * One start option; 0 if @opt is not one (the caller handles it), 1 if
 * taken, or VX_EXIT_USAGE's negative after printing why the value is bad.
 */
int start_opt_parse(struct start_opts *o, int opt, const char *arg)
{
	struct velox_config *c = &o->cfg;
	uint32_t v;
	int n;

	switch (opt) {
	case 'r':
		if (parse_rate(arg, &c->rate))
			return -vx_usage_err("--rate", "'%s' is not a rate (100000, 100k, 2.5M)", arg);
		o->set |= SET_RATE;
		return 1;
	case 'B':
		n = velox_backoff_parse(arg);
		if (n < 0)
			return -vx_usage_err("--backoff", "'%s': spin, yield or sleep", arg);
		c->backoff = n;
		o->set |= SET_BACKOFF;
		return 1;
	case 'p':
		n = velox_policy_parse(arg);
		if (n < 0)
			return -vx_usage_err("--policy", "'%s': drop or block", arg);
		c->policy = n;
		o->set |= SET_POLICY;
		return 1;
	case 'c':
		if (check_cpus(arg))
			return -VX_EXIT_USAGE;
		o->cpus = arg;
		o->set |= SET_CPUS;
		return 1;
	case 'T':
		if (parse_tail_duration("--tail", arg, true, &c->tail_ns))
			return -VX_EXIT_USAGE;
		o->set |= SET_TAIL;
		return 1;
	case 'l': case 'b': case 'f': case 'R': case 's': case 't': case 'S':
	case 'C':
		break;
	default:
		return 0;
	}
	if (parse_u32(arg, &v))
		return -vx_usage_err("option", "'%s' is not a number", arg);
	switch (opt) {
	case 'l':
		c->lanes = v;
		o->set |= SET_LANES;
		break;
	case 'b':
		c->bundle = v;
		o->set |= SET_BUNDLE;
		break;
	case 'f':
		c->flush_us = v;
		o->set |= SET_FLUSH;
		break;
	case 'R':
		c->ring = v;
		o->set |= SET_RING;
		break;
	case 's':
		c->sample = v;
		o->set |= SET_SAMPLE;
		break;
	case 't':
		if (v > 255)
			return -vx_usage_err("--threads", "%u: 1, 2 or 4 (0: auto)", v);
		c->threads = v;
		o->set |= SET_THREADS;
		break;
	case 'S':
		c->seed = v;
		o->set |= SET_SEED;
		break;
	case 'C':
		c->spin_us = v;
		o->set |= SET_SPIN_US;
		break;
	}
	return 1;
}

/*
 * The module's defaults (in @cfg) with what the options set, but for
 * --cpus, which needs a CPU set of the module's size: see apply_cpus().
 */
void start_opts_apply(const struct start_opts *o, struct velox_config *cfg)
{
	const struct velox_config *c = &o->cfg;

	if (o->set & SET_RATE)
		cfg->rate = c->rate;
	if (o->set & SET_LANES)
		cfg->lanes = c->lanes;
	if (o->set & SET_BUNDLE)
		cfg->bundle = c->bundle;
	if (o->set & SET_FLUSH)
		cfg->flush_us = c->flush_us;
	if (o->set & SET_RING)
		cfg->ring = c->ring;
	if (o->set & SET_BACKOFF)
		cfg->backoff = c->backoff;
	if (o->set & SET_POLICY)
		cfg->policy = c->policy;
	if (o->set & SET_SAMPLE)
		cfg->sample = c->sample;
	if (o->set & SET_THREADS)
		cfg->threads = c->threads;
	if (o->set & SET_SEED)
		cfg->seed = c->seed;
	if (o->set & SET_SPIN_US)
		cfg->spin_us = c->spin_us;
	if (o->set & SET_TAIL) {
		cfg->tail_ns = c->tail_ns;
		/* Tail capture off turns its snapshot off too. */
		if (!c->tail_ns)
			cfg->snapshot_ns = 0;
	}
	/* run --stop-above needs the spikes it stops at captured. */
	if (o->stop_above) {
		if (!cfg->tail_ns || cfg->tail_ns > o->stop_above)
			cfg->tail_ns = o->stop_above;
		if (o->snapshot)
			cfg->snapshot_ns = o->stop_above;
	}
}

/*
 * The lowest CPU of @set (@size bytes) that is not online, and in @online
 * sysfs's list of the online ones, which the caller frees; -1 if every
 * one is, or the list cannot be read.
 */
static long first_offline(const __u64 *set, size_t size, char **online)
{
	__u64 *on = calloc(1, size);
	long cpu = -1;
	int ret;

	*online = NULL;
	if (!on)
		return -1;
	/* -ERANGE: online CPUs past the set's end, which it cannot name. */
	ret = vx_cpu_set_sysfs("online", on, size, NULL);
	if (!ret || ret == -ERANGE) {
		cpu = vx_cpu_set_first_not_in(set, size, on, size);
		*online = vx_cpulist(on, size);
		if (!*online)
			cpu = -1;
	}
	free(on);
	return cpu;
}

/*
 * The kernel said EINVAL: name the field, with its range, in one line.
 * Which field is out is core's check, the one the module makes; only
 * whether a CPU is online is the module's alone.
 */
static void explain_einval(const struct velox_config *c,
			   const struct velox_info *info, const __u64 *set)
{
	const char *bad = velox_config_out_of_range(c, info->max_lanes);
	char a[VELOX_DURATION_LEN], b[VELOX_DURATION_LEN], m[VELOX_DURATION_LEN];
	bool bound = vx_cpu_set_count(set, info->cpu_set_size);
	const char *w = "start";
	char *online = NULL;
	long off = bound ? first_offline(set, info->cpu_set_size, &online) : -1;

	if (!bad && off >= 0)
		vx_err(w, "--cpus: CPU %ld is not online (online: %s)", off,
		       online);
	else if (!bad && bound)
		vx_err(w, "--cpus: a CPU is not online (%ld online)",
		       sysconf(_SC_NPROCESSORS_ONLN));
	else if (!bad)
		vx_err(w, "the module refused the config (EINVAL)");
	else if (!strcmp(bad, "lanes"))
		vx_err(w, "--lanes %u: must be 1..%u (online CPUs)", c->lanes,
		       info->max_lanes);
	else if (!strcmp(bad, "rate"))
		vx_err(w, "--rate %u: must be 1..%u", c->rate, info->max_rate);
	else if (!strcmp(bad, "bundle"))
		vx_err(w, "--bundle %u: must be 1..%u", c->bundle,
		       VELOX_BUNDLE_MAX);
	else if (!strcmp(bad, "flush_us"))
		vx_err(w, "--flush-us %u: must be 1..%u", c->flush_us,
		       VELOX_FLUSH_US_MAX);
	else if (!strcmp(bad, "ring"))
		vx_err(w, "--ring %u: must be a power of two, %u..%u", c->ring,
		       VELOX_RING_MIN, info->max_ring);
	else if (!strcmp(bad, "sample"))
		vx_err(w, "--sample %u: must be 1..%u", c->sample,
		       VELOX_SAMPLE_MAX);
	else if (!strcmp(bad, "spin_us"))
		vx_err(w, "--spin-us %u: must be 1..%u", c->spin_us,
		       VELOX_SPIN_US_MAX);
	else if (!strcmp(bad, "threads"))
		vx_err(w, "--threads %u: must be 1, 2 or 4 (0: auto)",
		       c->threads);
	else if (!strcmp(bad, "tail_ns"))
		vx_err(w, "--tail %s: must be 0 (off) or at most %s",
		       velox_fmt_duration(a, sizeof(a), c->tail_ns),
		       velox_fmt_duration(m, sizeof(m), VELOX_TAIL_NS_MAX));
	else if (!strcmp(bad, "snapshot_ns") && !c->tail_ns)
		vx_err(w, "snapshot_ns %s (the module's default): needs --tail on",
		       velox_fmt_duration(a, sizeof(a), c->snapshot_ns));
	else if (!strcmp(bad, "snapshot_ns"))
		vx_err(w, "snapshot_ns %s (the module's default): must be at least --tail %s and at most %s",
		       velox_fmt_duration(a, sizeof(a), c->snapshot_ns),
		       velox_fmt_duration(b, sizeof(b), c->tail_ns),
		       velox_fmt_duration(m, sizeof(m), VELOX_TAIL_NS_MAX));
	else
		vx_err(w, "the module refused %s (EINVAL)", bad);
	free(online);
}

/*
 * --cpus into @set, the CPU set @cfg starts with (@size bytes, this
 * module's), if every CPU it names exists: is one of sysfs's possible
 * CPUs, and fits the set.  Prints why not, naming the lowest that does
 * not, and returns -1.
 */
static int apply_cpus(const struct start_opts *o, struct velox_config *cfg,
		      __u64 *set, __u32 size)
{
	unsigned long beyond;
	long missing = -1;
	char *names = NULL;
	__u64 *possible;
	int ret;

	if (!(o->set & SET_CPUS))
		return 0;
	possible = calloc(1, size);
	if (vx_cpulist_parse(o->cpus, set, size, &beyond) == -ERANGE)
		missing = beyond;
	/* -ERANGE: possible CPUs past what the module's set can name. */
	ret = possible ? vx_cpu_set_sysfs("possible", possible, size, NULL) :
			 -ENOMEM;
	if (!ret || ret == -ERANGE) {
		long absent = vx_cpu_set_first_not_in(set, size, possible,
						       size);

		if (absent >= 0 && (missing < 0 || absent < missing))
			missing = absent;
		names = vx_cpulist(possible, size);
	}
	ret = 0;
	if (missing >= 0) {
		if (names)
			vx_err("start", "--cpus: CPU %ld does not exist (possible: %s)",
			       missing, names);
		else
			vx_err("start", "--cpus: CPU %ld does not exist (CPU ids end at %u)",
			       missing, size * 8 - 1);
		ret = -1;
	}
	cfg->cpus = 0;
	free(names);
	free(possible);
	return ret;
}

/*
 * The config a START with @o would run: the module's defaults (its last
 * config) changed by @o, its CPU set in *@set (a buffer to free(),
 * @info->cpu_set_size bytes, which @cfg points to).  0, or -1 after
 * saying why.
 */
int start_prepare(int fd, const struct start_opts *o, struct velox_config *cfg,
		  struct velox_info *info, __u64 **set)
{
	if (vx_get_info(fd, info))
		return -1;
	*set = vx_cpu_set_alloc(info);
	if (!*set)
		return -1;
	/* The defaults' CPU set comes into @set, and goes back with START. */
	if (vx_get_config(fd, cfg, *set, info->cpu_set_size))
		goto fail;
	start_opts_apply(o, cfg);
	cfg->size = sizeof(*cfg);
	if (apply_cpus(o, cfg, *set, info->cpu_set_size))
		goto fail;
	if (cfg->tail_ns && vx_tail_check(info, o->stop_above ?
					  "--stop-above" : "--tail"))
		goto fail;
	return 0;
fail:
	free(*set);
	*set = NULL;
	return -1;
}

/*
 * Start from the module's defaults, apply the options, START; @cfg gets
 * the config that ran (its CPU set not kept: cpu_set 0).  Prints why on
 * failure.
 */
int start_with(int fd, const struct start_opts *o, struct velox_config *cfg)
{
	struct velox_info info;
	__u64 *set;
	int ret;

	if (start_prepare(fd, o, cfg, &info, &set))
		return -1;
	ret = vx_start(fd, cfg);
	if (ret && errno == EINVAL)
		explain_einval(cfg, &info, set);
	cfg->cpu_set = 0;
	cfg->cpu_set_size = 0;
	free(set);
	return ret;
}

/* @own's options after the start options, then the terminating zero. */
void opts_build(struct option *dst, const struct option *own, size_t nown)
{
	memcpy(dst, start_long_opts, sizeof(start_long_opts));
	memcpy(dst + START_LONG_OPTS, own, nown * sizeof(*own));
	memset(dst + START_LONG_OPTS + nown, 0, sizeof(*dst));
}
