// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl info: what the loaded module reports about itself.
 */
#include <getopt.h>
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
	      "was built for.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json   print one JSON object instead of aligned text\n"
	      "  -h, --help   show this help\n", out);
}

static int info_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct velox_info info;
	bool json = false;
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			info_usage(stdout);
			return EXIT_OK;
		default:
			info_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "velox-ctl: info: unexpected argument '%s'\n",
			argv[optind]);
		return EXIT_USAGE;
	}

	fd = dev_open();
	if (fd < 0)
		return EXIT_FAIL;
	ret = dev_get_info(fd, &info);
	close(fd);
	if (ret)
		return EXIT_FAIL;

	if (json)
		printf("{\"device\":\"/dev/%s\",\"abi_version\":%u,\"ctl_abi_version\":%u}\n",
		       VELOX_DEVICE_NAME, info.abi_version, VELOX_ABI_VERSION);
	else
		printf("%-16s /dev/%s\n%-16s %u\n%-16s %u\n",
		       "device", VELOX_DEVICE_NAME,
		       "abi_version", info.abi_version,
		       "ctl_abi_version", VELOX_ABI_VERSION);
	return EXIT_OK;
}

const struct ctl_cmd cmd_info = {
	.name = "info",
	.summary = "show what the loaded module reports (ABI version)",
	.run = info_run,
	.usage = info_usage,
};
