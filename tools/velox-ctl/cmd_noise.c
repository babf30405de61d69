// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl noise: what the machine took from each worker CPU during a
 * run with tail capture on, osnoise-style, from the stats area.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctl.h"

static void noise_usage(FILE *out)
{
	fputs("Usage: velox-ctl noise [--json]\n"
	      "\n"
	      "Show, for each CPU that ran the current or last run's workers,\n"
	      "what the machine took from it, in the manner of osnoise: the run's\n"
	      "time on it (runtime), how much of it went to noise, the share left\n"
	      "to the workers (% avail), then time and count per source: hard\n"
	      "IRQs (APIC vectors too), softirqs, NMIs, and other tasks running\n"
	      "while a worker was runnable (preempted); below, each CPU's largest\n"
	      "offenders by time.  Counted only while a run has tail capture on\n"
	      "(start or run --tail DURATION), read from the stats area.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json   one JSON object: run, cpus (cpu, wall_ns, noise_ns,\n"
	      "               available, irq/softirq/nmi/preempted {ns, count},\n"
	      "               top (source, id, name, offender, ns, count))\n"
	      "  -h, --help   show this help\n", out);
}

static int noise_run(int argc, char **argv)
{
	struct velox_info info;
	struct velox_stats *st = NULL;
	bool json;
	int fd, ret;

	ret = parse_json_only(argc, argv, &cmd_noise, &json);
	if (ret >= 0)
		return ret;
	ret = VX_EXIT_FAIL;

	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	if (!vx_get_info(fd, &info) && !vx_tail_check(&info, "noise"))
		st = vx_stats_snapshot(fd);
	if (st) {
		if (json)
			vx_print_noise_json(stdout, st);
		else
			vx_print_noise(stdout, st);
		ret = VX_EXIT_OK;
	}
	free(st);
	close(fd);
	return ret;
}

const struct ctl_cmd cmd_noise = {
	.name = "noise",
	.summary = "show per worker CPU what IRQs, softirqs, NMIs, tasks took",
	.run = noise_run,
	.usage = noise_usage,
};
