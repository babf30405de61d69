// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl info: what the loaded module reports about itself.
 */
#include <stdio.h>
#include <unistd.h>
#include <linux/velox.h>

#include "ctl.h"

static void info_usage(FILE *out)
{
	fputs("Usage: velox-ctl info [--json]\n"
	      "\n"
	      "Show what the loaded velox.ko reports through VELOX_IOC_GET_INFO:\n"
	      "the ABI version of its interface, beside the one this velox-ctl\n"
	      "was built for; the size of the stats area and its histograms;\n"
	      "the limits of a config on this machine; how many spikes one run\n"
	      "with --tail keeps (0: this velox.ko has no tail capture); and the\n"
	      "bytes of a CPU set that can name every CPU of this machine.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json   print one JSON object instead of aligned text\n"
	      "  -h, --help   show this help\n", out);
}

static int info_run(int argc, char **argv)
{
	struct velox_info info;
	bool json;
	int fd, ret;

	ret = parse_json_only(argc, argv, &cmd_info, &json);
	if (ret >= 0)
		return ret;

	fd = vx_open();
	if (fd < 0)
		return VX_EXIT_FAIL;
	ret = vx_get_info(fd, &info);
	close(fd);
	if (ret)
		return VX_EXIT_FAIL;

	if (json)
		printf("{\"device\":\"/dev/%s\",\"abi_version\":%u,\"ctl_abi_version\":%u,"
		       "\"stats_size\":%u,\"hist_buckets\":%u,\"max_rate\":%u,"
		       "\"max_lanes\":%u,\"max_ring\":%u,\"tail_spikes\":%u,"
		       "\"cpu_set_size\":%u}\n",
		       VELOX_DEVICE_NAME, info.abi_version, VELOX_ABI_VERSION,
		       info.stats_size, info.hist_buckets, info.max_rate,
		       info.max_lanes, info.max_ring, info.tail_spikes,
		       info.cpu_set_size);
	else
		printf("%-16s /dev/%s\n%-16s %u\n%-16s %u\n%-16s %u bytes\n"
		       "%-16s %u\n%-16s %u/s\n%-16s %u\n%-16s %u\n%-16s %u\n"
		       "%-16s %u bytes\n",
		       "device", VELOX_DEVICE_NAME,
		       "abi_version", info.abi_version,
		       "ctl_abi_version", VELOX_ABI_VERSION,
		       "stats_size", info.stats_size,
		       "hist_buckets", info.hist_buckets,
		       "max_rate", info.max_rate,
		       "max_lanes", info.max_lanes,
		       "max_ring", info.max_ring,
		       "tail_spikes", info.tail_spikes,
		       "cpu_set_size", info.cpu_set_size);
	return VX_EXIT_OK;
}

const struct ctl_cmd cmd_info = {
	.name = "info",
	.summary = "show what the loaded module reports (ABI, limits)",
	.run = info_run,
	.usage = info_usage,
};
