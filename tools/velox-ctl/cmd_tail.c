// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl tail: the spikes a run with --tail captured, and their causes
 * ranked, as a diagnosis or as JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctl.h"

/* Spikes the text lists without --top. */
#define TEXT_SPIKES	10

static void tail_usage(FILE *out)
{
	unsigned int i;

	fputs("Usage: velox-ctl tail [--json] [--top N]\n"
	      "\n"
	      "Explain the spikes of the current or last run: every sampled\n"
	      "transaction whose end-to-end latency reached the run's --tail\n"
	      "threshold was captured with where its time went.  First a\n"
	      "diagnosis: the causes, summed over all spikes, largest first, e.g.\n"
	      "\n"
	      "  412 spikes >= 200.00us: 71 % preempted (sh[93] on CPU 1, avg\n"
	      "  310.00us), 20 % bundle_wait (timeout flush), 9 % queueing\n"
	      "\n"
	      "then the counts (captured, lost to a full capture buffer, partial)\n"
	      "and the newest spikes, one a line: id, lane, end-to-end latency,\n"
	      "the CPUs of its ingress/matcher/bundler/output steps, its largest\n"
	      "causes.  The causes of a spike add up to its latency:\n", out);
	for (i = 0; i < VELOX_CAUSES; i++)
		fprintf(out, "%s%s", i ? (i % 5 ? ", " : ",\n  ") : "  ",
			velox_cause_name(i));
	fputs("\n"
	      "\n"
	      "Options:\n"
	      "  -n, --top N   list the last N spikes (default: 10 in text, all\n"
	      "                in JSON); the diagnosis is over all of them anyway\n"
	      "  -j, --json    one JSON object: threshold_ns, captured, lost, causes\n"
	      "                (cause, ns, share, top), spikes (id, lane, e2e_ns,\n"
	      "                stages, interference, cpu)\n"
	      "  -h, --help    show this help\n"
	      "\n"
	      "Spikes are kept until the next start: 'velox-ctl run --duration 5\n"
	      "--tail 200us', then 'velox-ctl tail'.\n", out);
}

static int tail_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "top", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct velox_spike *spikes = NULL;
	struct velox_info info;
	struct velox_stats *st = NULL;
	struct vx_tail t = { 0 };
	int c, fd, ret = VX_EXIT_FAIL;
	bool json = false, top_set = false;
	uint32_t top = 0;

	while ((c = getopt_long(argc, argv, "n:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_u32(optarg, &top))
				return vx_usage_err("--top", "'%s' is not a number of spikes",
						    optarg);
			top_set = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			tail_usage(stdout);
			return VX_EXIT_OK;
		default:
			tail_usage(stderr);
			return VX_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return vx_usage_err("tail", "unexpected argument '%s'",
				    argv[optind]);

	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	if (vx_get_info(fd, &info) || vx_tail_check(&info, "tail") ||
	    vx_read_spikes(fd, &spikes, &t.n))
		goto out_close;
	st = vx_stats_snapshot(fd);
	if (!st)
		goto out_close;
	t.spikes = spikes;
	t.threshold_ns = st->config.tail_ns;
	t.captured = st->total.tail_captured;
	t.lost = st->total.tail_lost;
	t.partial = st->total.tail_partial;
	if (vx_tail_rank(&t, st))
		goto out_close;
	if (!top_set)
		top = json ? UINT32_MAX : TEXT_SPIKES;
	if (json)
		vx_print_tail_json(stdout, &t, top);
	else
		vx_print_tail(stdout, &t, top);
	ret = VX_EXIT_OK;
out_close:
	free(st);
	free(spikes);
	close(fd);
	return ret;
}

const struct ctl_cmd cmd_tail = {
	.name = "tail",
	.summary = "explain the captured spikes: causes ranked, newest spikes",
	.run = tail_run,
	.usage = tail_usage,
};
