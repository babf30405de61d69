// SPDX-License-Identifier: GPL-2.0
/*
 * velox-trace: watch velox.ko through its tracepoints with BPF, in the
 * manner of libbpf-tools' runqlat: open the skeleton, size the maps, load,
 * attach, then print what the maps hold every interval or at the end.
 *
 * The histograms are built from the velox_txn_egress events alone, with
 * the module's own bucket geometry, so --compare can set them beside the
 * module's published ones: the same sampled transactions, the same counts.
 * With -T it prints each velox_tail event (a spike) instead, as it comes.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>

#include "vt.h"
#include "velox_trace.skel.h"

static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

static void usage(FILE *out)
{
	fputs(
"usage: velox-trace [-i SECONDS] [-c COUNT] [-s STAGE] [-L] [-C] [-x] [-v]\n"
"       velox-trace -T [-x] [-v]\n"
"\n"
"Trace the velox tracepoints of velox.ko with BPF and print latency\n"
"histograms of the sampled transactions (the velox_txn_egress event), bundle\n"
"flushes by reason and drops, like runqlat.  Needs root and the module.\n"
"With -T, print each spike of a run with tail capture on (velox-ctl start\n"
"--tail DURATION) as it is captured: the velox_tail event, one line each,\n"
"with its lane, id, end-to-end latency and its three largest causes.\n"
"\n"
"  -T, --tail          print spikes live instead of histograms\n"
"  -i, --interval S    print every S seconds (default: once, at the end)\n"
"  -c, --count N       stop after N intervals\n"
"  -s, --stage STAGE   match, bundle, egress, e2e (default), service or all\n"
"  -L, --lanes         one histogram per lane\n"
"  -C, --compare       at the end, set velox-trace's percentiles (ns) beside\n"
"                      the module's own, read from the mmap'd stats area;\n"
"                      start velox-trace before the run for equal counts\n"
"  -x, --exit-on-stop  end when the pipeline stops (after its last event)\n"
"  -v, --verbose       show libbpf's debug messages too (its warnings\n"
"                      and errors always show)\n"
"  -h, --help          this text\n"
"  -V, --version       print velox-trace's version\n"
"\n"
"Without -i, velox-trace prints when interrupted (Ctrl-C), after -c\n"
"intervals, or with -x when the pipeline stops.  Interval histograms start\n"
"empty each interval, except with -C, which counts from the start.\n"
"\n"
"Exit status: 0 on success, 1 on failure (one line on stderr naming the\n"
"cause), 2 on a usage error.\n"
"\n"
"Examples: velox-trace -C -x & velox-ctl run --duration 5 --rate 100k\n"
"          velox-trace -T -x & velox-ctl run --duration 5 --tail 200us\n",
	      out);
}

static bool verbose;

/*
 * libbpf's warnings and errors say why a load or an attach failed (a
 * verifier log, a missing tracepoint), so they always show; its debug
 * chatter only with -v.
 */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static bool has_cap(const struct __user_cap_data_struct *caps, int cap)
{
	return caps[cap >> 5].effective & (1u << (cap & 31));
}

/*
 * Loading the programs needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN,
 * which implies both).  Without them, say so in one line before libbpf
 * tries and fails with several.  Unknown (capget failed): let libbpf try.
 */
static bool may_trace(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &hdr, caps))
		return true;
	return has_cap(caps, CAP_SYS_ADMIN) ||
	       (has_cap(caps, CAP_BPF) && has_cap(caps, CAP_PERFMON));
}

static int parse_opts(int argc, char **argv, struct vt_opts *o)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "stage", required_argument, NULL, 's' },
		{ "lanes", no_argument, NULL, 'L' },
		{ "compare", no_argument, NULL, 'C' },
		{ "exit-on-stop", no_argument, NULL, 'x' },
		{ "tail", no_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool hist_opts = false;
	char *end;
	int opt;

	*o = (struct vt_opts){ .stage = VELOX_STAGE_E2E, .count = -1 };
	while ((opt = getopt_long(argc, argv, "i:c:s:LCxTvhV", longopts,
				  NULL)) != -1) {
		hist_opts |= opt == 'i' || opt == 'c' || opt == 's' ||
			     opt == 'L' || opt == 'C';
		switch (opt) {
		case 'i':
			errno = 0;
			o->interval = strtod(optarg, &end);
			if (errno || *end || !(o->interval >= 0.01) ||
			    o->interval > 86400)
				return vx_usage_err("--interval", "%s: must be 0.01..86400 seconds",
						    optarg);
			break;
		case 'c':
			errno = 0;
			o->count = strtol(optarg, &end, 10);
			if (errno || *end || o->count < 1)
				return vx_usage_err("--count", "%s: must be a positive integer",
						    optarg);
			break;
		case 's':
			o->stage = strcmp(optarg, "all") ?
				   velox_stage_parse(optarg) : VT_ALL_STAGES;
			if (o->stage < 0)
				return vx_usage_err("--stage", "%s: must be match, bundle, egress, e2e, service or all",
						    optarg);
			break;
		case 'L':
			o->per_lane = true;
			break;
		case 'C':
			o->compare = true;
			break;
		case 'x':
			o->exit_on_stop = true;
			break;
		case 'T':
			o->tail = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(VX_EXIT_OK);
		case 'V':
			printf("velox-trace %s\n", VELOX_VERSION);
			exit(VX_EXIT_OK);
		default:
			usage(stderr);
			return VX_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return vx_usage_err(argv[optind], "unexpected argument");
	if (o->count > 0 && !o->interval)
		return vx_usage_err("--count", "needs --interval");
	if (o->tail && hist_opts)
		return vx_usage_err("--tail", "prints spikes, not histograms: no -i, -c, -s, -L or -C with it");
	return 0;
}

/* Say in one line why the BPF side could not be set up. */
static int setup_err(const char *what, int err)
{
	if (err == -EPERM || err == -EACCES)
		vx_err(what, "permission denied (needs root: CAP_BPF and CAP_PERFMON)");
	else if (err == -ENOENT && access("/sys/module/velox", F_OK))
		vx_err("velox", "module not loaded (insmod velox.ko)");
	else
		vx_err(what, "%s", strerror(-err));
	return VX_EXIT_FAIL;
}

/*
 * -L: one slot per lane the module allows now (a lane per online CPU, no
 * other limit); a lane past them, if CPUs come online later, is counted.
 */
static int lane_slots(__u32 *slots)
{
	struct velox_info info;
	int fd = vx_open();

	if (fd < 0)
		return -1;
	if (vx_get_info(fd, &info)) {
		close(fd);
		return -1;
	}
	close(fd);
	*slots = info.max_lanes ? info.max_lanes : 1;
	return 0;
}

/* Sleep up to @sec, waking early for a signal or (with -x) a stop. */
static void wait_interval(const struct velox_trace *skel,
			  const struct vt_opts *o, double sec, __u64 stops0)
{
	struct timespec tick = { .tv_nsec = 50 * 1000 * 1000 };
	double left = sec;

	while (!exiting && left > 0) {
		nanosleep(&tick, NULL);
		left -= 0.05;
		if (o->exit_on_stop &&
		    vt_events(skel, VT_STOPS) != stops0)
			exiting = 1;
	}
}

int main(int argc, char **argv)
{
	struct velox_trace *skel;
	struct vt_opts o;
	__u32 slots = 1;
	__u64 stops0;
	long n = 0;
	int err;

	err = parse_opts(argc, argv, &o);
	if (err)
		return err;
	libbpf_set_print(libbpf_print);

	if (access("/sys/module/velox", F_OK)) {
		vx_err("velox", "module not loaded (insmod velox.ko)");
		return VX_EXIT_FAIL;
	}
	if (!may_trace())
		return setup_err("BPF", -EPERM);
	if (o.per_lane && lane_slots(&slots))
		return VX_EXIT_FAIL;
	skel = velox_trace__open();
	if (!skel)
		return setup_err("BPF open", -errno);

	skel->rodata->per_lane = o.per_lane;
	skel->rodata->nr_slots = slots;
	/*
	 * One slot for every lane is written by every lane's threads at
	 * once, so each CPU keeps its own copy.  A lane's slot is written by
	 * one thread of that lane (its output, bundler or ingress), never
	 * two at once: one shared copy, so memory grows with the lanes, not
	 * with lanes times CPUs (5 GB of histograms for 256 lanes on 256
	 * CPUs).
	 */
	if (o.per_lane) {
		bpf_map__set_type(skel->maps.hists, BPF_MAP_TYPE_ARRAY);
		bpf_map__set_type(skel->maps.flushes, BPF_MAP_TYPE_ARRAY);
		bpf_map__set_type(skel->maps.drops, BPF_MAP_TYPE_ARRAY);
	}
	bpf_map__set_max_entries(skel->maps.hists, slots * VELOX_STAGES);
	bpf_map__set_max_entries(skel->maps.flushes,
				 slots * VELOX_FLUSH_REASONS);
	bpf_map__set_max_entries(skel->maps.drops, slots);
	/*
	 * -T needs velox_tail, which an older velox.ko lacks, and nothing
	 * of the histograms; without -T, the reverse.
	 */
	bpf_program__set_autoload(skel->progs.vt_tail, o.tail);
	bpf_program__set_autoload(skel->progs.vt_txn_egress, !o.tail);
	bpf_program__set_autoload(skel->progs.vt_bundle_flush, !o.tail);
	bpf_program__set_autoload(skel->progs.vt_drop, !o.tail);
	if (!o.tail)
		bpf_map__set_max_entries(skel->maps.spikes, getpagesize());

	err = velox_trace__load(skel);
	if (err) {
		err = setup_err("BPF load", err);
		goto out_destroy;
	}
	err = velox_trace__attach(skel);
	if (err) {
		err = setup_err(o.tail ? "attach to velox_tail" :
				"attach to velox tracepoints", err);
		goto out_destroy;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (o.tail) {
		err = vt_print_spikes(skel, &o, &exiting);
		goto out_destroy;
	}
	stops0 = vt_events(skel, VT_STOPS);
	printf("Tracing velox events... Hit Ctrl-C to end.\n");
	fflush(stdout);

	err = VX_EXIT_OK;
	while (!exiting) {
		wait_interval(skel, &o, o.interval ? o.interval : 1e9, stops0);
		if (!o.interval)
			break;
		if (vt_print(skel, &o, slots, !o.compare))
			err = VX_EXIT_FAIL;
		if (o.count > 0 && ++n >= o.count)
			break;
	}
	if (!o.interval && vt_print(skel, &o, slots, false))
		err = VX_EXIT_FAIL;
	if (o.compare && vt_compare(skel, slots))
		err = VX_EXIT_FAIL;

out_destroy:
	velox_trace__destroy(skel);
	return err;
}
