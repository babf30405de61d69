// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl run: start, show progress, stop, summarize; a warm-up left
 * out of what is reported, repeats from the same config, and the runs
 * kept in a file (--save) for velox-ctl compare; with --stop-above, stop
 * at the first spike that reaches it and explain it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

/*
 * How often --stop-above reads what the module captured.  The spike and
 * its snapshot are the module's, taken as it happens; this only bounds
 * how long the run goes on after it, and each wakeup may land on a
 * worker's CPU.
 */
#define STOP_POLL_S	0.05

enum { OPT_STOP_ABOVE = 256, OPT_SNAPSHOT };

/* The most runs of one --repeat: a file keeps them all. */
#define RUN_REPEAT_MAX	VX_RESULT_RUNS_MAX

static void run_usage(FILE *out)
{
	fputs("Usage: velox-ctl run --duration S [--warmup DURATION] [--repeat N]\n"
	      "                     [--interval S] [--save FILE] [--quiet]\n"
	      "                     [--stop-above DURATION [--snapshot]] [OPTIONS]\n"
	      "\n"
	      "Start the pipeline (as 'velox-ctl start'), print one progress line\n"
	      "per interval (as 'velox-ctl watch'), and after the warm-up and S\n"
	      "seconds more, or on Ctrl-C, stop it (as 'velox-ctl stop') and print\n"
	      "the run's summary.  Before the first run, 'velox-ctl doctor' checks\n"
	      "the CPUs it uses; a WARN there is one line on stderr.\n"
	      "\n"
	      "  -d, --duration S      seconds to measure (required), after the\n"
	      "                        warm-up\n"
	      "  -w, --warmup DURATION run this long first (500ms, 2s) and leave it\n"
	      "                        out of the counters and histograms reported\n"
	      "                        and saved; the summary still counts the whole\n"
	      "                        run, so generated = delivered + dropped holds\n"
	      "  -n, --repeat N        N runs back to back, each started from the\n"
	      "                        same config (START resets the stats); then\n"
	      "                        the median and min-max of each number over\n"
	      "                        them (at most 1000); Ctrl-C ends them, and\n"
	      "                        a run it cut short after whole ones is\n"
	      "                        left out\n"
	      "  -i, --interval S      seconds between progress lines (default 1,\n"
	      "                        0.1 or more);\n"
	      "                        each line's percentiles go into --save's file\n"
	      "  -o, --save FILE       write the runs to FILE as JSON (schema in\n"
	      "                        velox-ctl(8)): the machine, the config,\n"
	      "                        doctor's findings, every counter and\n"
	      "                        histogram of each run; 'velox-ctl compare'\n"
	      "                        reads it; checked before the first run\n"
	      "  -q, --quiet           no doctor warning (and without --save, no\n"
	      "                        doctor check at all)\n"
	      "      --stop-above DURATION\n"
	      "                        stop the run at the first spike whose\n"
	      "                        end-to-end latency reaches DURATION (200us,\n"
	      "                        1.5ms), print its diagnosis and exit 3; tail\n"
	      "                        capture is on from DURATION, or from --tail\n"
	      "                        if that is lower; the capture is read every\n"
	      "                        50 ms; if it fills (4096 spikes) before one\n"
	      "                        reaches DURATION, the run goes on and says\n"
	      "                        how many it could not keep; with --repeat,\n"
	      "                        no run starts after the one it stopped\n"
	      "      --snapshot        with --stop-above: velox.ko also takes an\n"
	      "                        ftrace snapshot at that spike, so the kernel\n"
	      "                        trace around it (the events enabled in\n"
	      "                        /sys/kernel/tracing) is kept in\n"
	      "                        /sys/kernel/tracing/snapshot\n"
	      "\n", out);
	start_opts_usage(out);
	fputs("  -h, --help            show this help\n"
	      "\n"
	      "Exit status: 0 when the runs ended; 3 when --stop-above stopped one\n"
	      "at a spike; 1 on failure; 2 on a usage error.\n", out);
}

/* --stop-above: the capture read so far, and the spike that ends the run. */
struct stop_above {
	int fd;
	__u64 ns;
	size_t read;		/* spikes read so far */
	bool found;
	bool failed;
	struct velox_spike hit;
	struct velox_spike buf[64];
};

/* The spikes captured since the last call: is one at or over the limit? */
static bool poll_spikes(void *ctx)
{
	struct stop_above *sa = ctx;
	const size_t max = sizeof(sa->buf) / sizeof(sa->buf[0]);
	size_t got, i;

	do {
		if (vx_read_spikes_at(sa->fd, sa->read, sa->buf, max, &got)) {
			sa->failed = true;
			return true;
		}
		for (i = 0; i < got; i++)
			if (sa->buf[i].e2e_ns >= sa->ns) {
				sa->hit = sa->buf[i];
				sa->found = true;
				return true;
			}
		sa->read += got;
	} while (got == max);
	return false;
}

/* Where tracefs keeps the snapshot, for the line that points there. */
static const char *snapshot_path(void)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/snapshot",
		"/sys/kernel/debug/tracing/snapshot",
	};
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!access(paths[i], F_OK))
			return paths[i];
	return paths[0];
}

/*
 * --snapshot: have the tracer allocate its snapshot buffer through
 * tracefs before START ("1" allocates it and takes a first snapshot,
 * which the one at the spike replaces).  START would allocate it too,
 * but the kernel function it calls WARNs when the allocation fails;
 * tracefs answers with the error alone.  Without tracefs mounted, START
 * does it.
 */
static int snapshot_prepare(void)
{
	const char *path = snapshot_path();
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, "1\n", 2) != 2) {
		vx_err("--snapshot", "%s: cannot allocate the ftrace snapshot buffer: %s",
		       path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The spike that stopped the run, and why it was slow. */
static void print_hit(const struct stop_above *sa, const struct velox_stats *st,
		      bool snapshot)
{
	struct vx_tail t = {
		.threshold_ns = sa->ns,
		.spikes = &sa->hit,
		.n = 1,
	};

	putchar('\n');
	vx_print_spike_header(stdout);
	vx_print_spike(stdout, &sa->hit);
	if (!vx_tail_rank(&t, st))
		vx_print_tail_diagnosis(stdout, &t);
	if (snapshot)
		printf("the kernel trace at this spike is in %s\n",
		       snapshot_path());
}

/* What run's own options asked, beside start's. */
struct run_opts {
	struct start_opts start;
	double duration;
	double warmup;
	double interval;
	unsigned int repeat;
	const char *save;
	bool quiet;
};

/* The runs so far, and what each one needs while it goes. */
struct runs {
	const struct run_opts *ro;
	int fd;
	struct vx_stats map;
	struct velox_stats *st;
	struct velox_stats *warm;
	struct stop_above sa;
	struct vx_doctor *doctor;
	struct vx_result_run *res;
	size_t n;
};

static bool poll_stop_above(void *ctx)
{
	return poll_spikes(&((struct runs *)ctx)->sa);
}

/* Each --interval line of the measured part goes into the result. */
static int keep_step(void *ctx, double t, const struct velox_stats *now,
		     const struct velox_stats *then)
{
	struct runs *r = ctx;

	return vx_result_run_step(&r->res[r->n], t, now, then);
}

/*
 * doctor, before the first START (its reads stay out of what is
 * measured), for the CPUs that START will bind to: the config's CPU set,
 * or with none every online CPU.  A WARN is one line unless --quiet.
 */
static int check_machine(struct runs *r)
{
	struct velox_config cfg;
	struct velox_info info;
	char warns[256], *list;
	unsigned long beyond;
	__u64 *cpus;
	int ret;

	if (start_prepare(r->fd, &r->ro->start, &cfg, &info, &cpus))
		return -1;
	/* -ERANGE: online CPUs past the set, which no run can use either. */
	ret = vx_cpu_set_count(cpus, info.cpu_set_size) ? 0 :
	      vx_cpu_set_sysfs("online", cpus, info.cpu_set_size, &beyond);
	if (ret && ret != -ERANGE) {
		vx_err("run", "cannot read the online CPUs");
		free(cpus);
		return -1;
	}
	r->doctor = vx_doctor_check(NULL, cpus, info.cpu_set_size);
	list = vx_cpulist(cpus, info.cpu_set_size);
	free(cpus);
	if (!r->doctor || !list) {
		if (!list)
			vx_err("run", "out of memory");
		free(list);
		return -1;
	}
	/* By check, not by finding: seven IRQs are one irq_affinity. */
	if (vx_doctor_count(r->doctor, VX_DOCTOR_WARN) && !r->ro->quiet) {
		vx_doctor_warn_summary(r->doctor, warns, sizeof(warns));
		fprintf(stderr, "velox-ctl: run: doctor warns of %s on CPUs %s: 'velox-ctl doctor --cpus %s' says how to fix it\n",
			warns, list, list);
	}
	free(list);
	return 0;
}

static void print_running(const struct runs *r, const struct velox_config *cfg)
{
	const struct run_opts *ro = r->ro;
	char d[VELOX_DURATION_LEN];

	if (ro->repeat > 1)
		printf("run %zu of %u: ", r->n + 1, ro->repeat);
	printf("running %.1f s", ro->duration);
	if (ro->warmup)
		printf(" after a %.1f s warm-up", ro->warmup);
	printf(": rate %u/s, %u lane%s, bundle %u, backoff %s, policy %s",
	       cfg->rate, cfg->lanes, cfg->lanes == 1 ? "" : "s", cfg->bundle,
	       velox_backoff_name(cfg->backoff), velox_policy_name(cfg->policy));
	if (cfg->tail_ns)
		printf(", tail %s", velox_fmt_duration(d, sizeof(d), cfg->tail_ns));
	if (ro->start.stop_above)
		printf(", stop above %s",
		       velox_fmt_duration(d, sizeof(d), ro->start.stop_above));
	putchar('\n');
}

/* What the warm-up left out, and what the measured part saw. */
static void print_measured(const struct vx_result_run *res)
{
	const unsigned int delivered = offsetof(struct velox_counters,
						delivered) / sizeof(__u64);
	const unsigned int dropped = offsetof(struct velox_counters,
					      dropped) / sizeof(__u64);
	const struct velox_hist *h = &res->hist[VELOX_STAGE_E2E];

	printf("warm-up: the first %.2f s (%llu delivered) left out; measured %.2f s: %llu delivered, %llu dropped\n",
	       res->warmup_s, res->whole[delivered] - res->counters[delivered],
	       res->seconds, res->counters[delivered], res->counters[dropped]);
	printf("%s latency of %llu sampled after the warm-up:",
	       velox_stage_name(VELOX_STAGE_E2E), h->count);
	if (h->count)
		velox_report_percentiles(h, vx_emit_file, stdout);
	putchar('\n');
}

/*
 * One run: start, warm up, measure, stop, summarize, keep.  Returns 0,
 * VX_EXIT_SPIKE when --stop-above stopped it, or -1 on failure (said).
 * *@whole: its measured part ran to its end (no signal, no spike cut
 * it short).
 */
static int run_one(struct runs *r, bool *whole)
{
	const struct run_opts *ro = r->ro;
	struct vx_result_run *res = &r->res[r->n];
	struct progress_hooks hooks = {
		.poll = ro->start.stop_above ? poll_stop_above : NULL,
		.every = STOP_POLL_S,
		.ctx = r,
	};
	const struct velox_stats *warm = NULL;
	struct velox_config cfg;
	char d[VELOX_DURATION_LEN];
	bool failed = false;

	r->sa.read = 0;
	r->sa.found = false;
	*whole = false;
	if (start_with(r->fd, &ro->start, &cfg))
		return -1;
	print_running(r, &cfg);
	/* Stop even if the progress could not be read: never leave it running. */
	if (ro->warmup) {
		failed = progress_loop(&r->map, ro->interval, 0, ro->warmup,
				       &hooks) ||
			 (!progress_interrupted() && !r->sa.found &&
			  vx_stats_read(&r->map, r->warm));
		if (!failed && !progress_interrupted() && !r->sa.found) {
			warm = r->warm;
			printf("warm-up done: measuring %.1f s\n", ro->duration);
		}
	}
	if (!failed && (!ro->warmup || warm)) {
		hooks.step = keep_step;
		failed = progress_loop(&r->map, ro->interval, 0, ro->duration,
				       &hooks);
		*whole = !failed && !progress_interrupted() && !r->sa.found;
	}
	if (r->sa.found)
		printf("spike %llu reached %s: stopping\n", r->sa.hit.id,
		       velox_fmt_duration(d, sizeof(d), r->sa.hit.e2e_ns));
	if (vx_stop(r->fd) || vx_stats_read(&r->map, r->st) || failed)
		return -1;
	/* One that came in the last poll interval, or while draining. */
	if (ro->start.stop_above && !r->sa.found && !r->sa.failed)
		poll_spikes(&r->sa);
	vx_print_summary(stdout, r->st);
	/* A warm-up cut short measured nothing: the end less the end. */
	if (ro->warmup && !warm)
		warm = r->st;
	if (vx_result_run_fill(res, r->st, warm))
		return -1;
	r->n++;
	if (ro->warmup)
		print_measured(res);
	if (r->sa.failed)
		return -1;
	if (r->sa.found) {
		print_hit(&r->sa, r->st, ro->start.snapshot);
		return VX_EXIT_SPIKE;
	}
	if (ro->start.stop_above && r->st->total.tail_lost)
		/* The capture was full: what it could not keep went unseen. */
		fprintf(stderr, "velox-ctl: run: %llu spikes were not kept (the capture keeps the first %u): one may have reached %s\n",
			(unsigned long long)r->st->total.tail_lost,
			VELOX_TAIL_SPIKES, velox_fmt_duration(d, sizeof(d),
							      ro->start.stop_above));
	return 0;
}

/* --repeat: each number's median and range over the runs. */
static void print_spreads(const struct runs *r)
{
	static const char *const names[] = {
		"e2e.p50", "e2e.p90", "e2e.p99", "e2e.p999", "e2e.p9999",
		"e2e.max", "throughput", "dropped",
	};
	char med[VELOX_DURATION_LEN], lo[VELOX_DURATION_LEN];
	char hi[VELOX_DURATION_LEN];
	struct vx_spread s;
	struct vx_metric m;
	size_t i;

	printf("\nover %zu runs: median (min - max)\n", r->n);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (vx_metric_parse(names[i], &m))
			continue;
		vx_metric_spread(r->res, r->n, &m, &s);
		printf("  %-11s %10s (%s - %s)\n", names[i],
		       vx_metric_fmt(med, sizeof(med), &m, s.median),
		       vx_metric_fmt(lo, sizeof(lo), &m, s.min),
		       vx_metric_fmt(hi, sizeof(hi), &m, s.max));
	}
}

static int save_runs(const struct runs *r)
{
	const struct velox_stats *st = r->st;
	struct velox_info info;
	struct vx_result_setup setup = {
		.tool = "velox-ctl " VELOX_VERSION,
		.info = &info,
		.cfg = &st->config,
		.cpu_set = velox_stats_cpu_set(st),
		.cpu_set_size = st->cpu_set_size,
		.doctor = r->doctor,
		.duration_s = r->ro->duration,
		.warmup_s = r->ro->warmup,
		.interval_s = r->ro->interval,
	};

	if (vx_get_info(r->fd, &info))
		return -1;
	return vx_result_save(r->ro->save, &setup, r->res, r->n);
}

/* run's own options; 1 if @c is not one of them, else 0 or an exit. */
static int run_opt_parse(struct run_opts *ro, int c, const char *arg)
{
	__u64 ns;

	switch (c) {
	case 'd':
		if (parse_seconds(arg, &ro->duration))
			return vx_usage_err("--duration", "'%s': seconds, more than 0",
					    arg);
		return 0;
	case 'w':
		if (vx_parse_duration(arg, &ns) || !ns || ns > 1e7 * 1e9)
			return vx_usage_err("--warmup", "'%s' is not a duration (500ms, 2s)",
					    arg);
		ro->warmup = ns / 1e9;
		return 0;
	case 'n':
		if (parse_u32(arg, &ro->repeat) || !ro->repeat ||
		    ro->repeat > RUN_REPEAT_MAX)
			return vx_usage_err("--repeat", "'%s': a number of runs from 1 to %d",
					    arg, RUN_REPEAT_MAX);
		return 0;
	case 'i':
		return parse_interval(arg, &ro->interval);
	case 'o':
		ro->save = arg;
		return 0;
	case 'q':
		ro->quiet = true;
		return 0;
	case OPT_STOP_ABOVE:
		if (parse_tail_duration("--stop-above", arg, false,
					&ro->start.stop_above))
			return VX_EXIT_USAGE;
		return 0;
	case OPT_SNAPSHOT:
		ro->start.snapshot = true;
		return 0;
	}
	return 1;
}

static int run_run(int argc, char **argv)
{
	static const struct option own[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		{ "save", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "stop-above", required_argument, NULL, OPT_STOP_ABOVE },
		{ "snapshot", no_argument, NULL, OPT_SNAPSHOT },
		{ "help", no_argument, NULL, 'h' },
	};
	const size_t nown = sizeof(own) / sizeof(own[0]);
	struct option opts[START_LONG_OPTS + sizeof(own) / sizeof(own[0]) + 1];
	struct run_opts ro = { .interval = 1, .repeat = 1 };
	static struct runs r;
	sigset_t sigs, old;
	bool whole;
	int c, ret;

	opts_build(opts, own, nown);
	while ((c = getopt_long(argc, argv, START_OPTS_SHORT "d:w:n:i:o:qh",
				opts, NULL)) != -1) {
		if (c == 'h') {
			run_usage(stdout);
			return VX_EXIT_OK;
		}
		ret = run_opt_parse(&ro, c, optarg);
		if (ret == 1)
			ret = start_opt_parse(&ro.start, c, optarg);
		else if (ret)
			return ret;
		else
			continue;
		if (ret < 0)
			return VX_EXIT_USAGE;
		if (!ret) {
			run_usage(stderr);
			return VX_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return vx_usage_err("run", "unexpected argument '%s'",
				    argv[optind]);
	if (!ro.duration)
		return vx_usage_err("run", "--duration is required");
	if (ro.start.snapshot && !ro.start.stop_above)
		return vx_usage_err("--snapshot", "needs --stop-above");

	if (ro.save && vx_result_can_save(ro.save))
		return VX_EXIT_FAIL;
	ret = VX_EXIT_FAIL;
	r.ro = &ro;
	r.fd = vx_open();
	if (r.fd < 0)
		return VX_EXIT_FAIL;
	if (vx_stats_map(r.fd, &r.map))
		goto out_close;
	r.st = vx_stats_alloc(&r.map);
	r.warm = vx_stats_alloc(&r.map);
	r.res = calloc(ro.repeat, sizeof(*r.res));
	if (!r.st || !r.warm || !r.res) {
		vx_err("run", "out of memory");
		goto out_free;
	}
	if (ro.start.snapshot && snapshot_prepare())
		goto out_free;
	r.sa.fd = r.fd;
	r.sa.ns = ro.start.stop_above;
	/* Quiet and not saved, doctor's findings would go nowhere. */
	if ((!ro.quiet || ro.save) && check_machine(&r))
		goto out_free;
	/*
	 * Caught once for all the runs: the first Ctrl-C ends the run it
	 * comes in and the repeats, and the runs so far are still saved;
	 * a second one, while a STOP drains, ends velox-ctl.
	 */
	progress_catch_signals();
	while (r.n < ro.repeat) {
		ret = run_one(&r, &whole);
		if (ret < 0) {
			ret = VX_EXIT_FAIL;
			goto out_free;
		}
		/* A run cut short would stretch every range down to it. */
		if (!whole && r.n > 1) {
			printf("run %zu was cut short: left out of the spread%s\n",
			       r.n, ro.save ? " and the file" : "");
			vx_result_run_release(&r.res[--r.n]);
		}
		if (ret == VX_EXIT_SPIKE || progress_interrupted())
			break;
		if (r.n < ro.repeat)
			putchar('\n');
	}
	if (r.n > 1)
		print_spreads(&r);
	/* Whole or not at all: a Ctrl-C now comes once the file is there. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	if (ro.save && r.n && save_runs(&r))
		ret = VX_EXIT_FAIL;
	sigprocmask(SIG_SETMASK, &old, NULL);
out_free:
	/* The slot past the last run too: a run that failed kept steps. */
	for (r.n = 0; r.res && r.n < ro.repeat; r.n++)
		vx_result_run_release(&r.res[r.n]);
	free(r.res);
	vx_doctor_free(r.doctor);
	free(r.warm);
	free(r.st);
	vx_stats_unmap(&r.map);
out_close:
	close(r.fd);
	return ret;
}

const struct ctl_cmd cmd_run = {
	.name = "run",
	.summary = "start, show progress every second, stop, summarize",
	.run = run_run,
	.usage = run_usage,
};
