// SPDX-License-Identifier: GPL-2.0
/*
 * velox-ctl: control the Velox pipeline in velox.ko through /dev/velox.
 *
 * Each verb lives in its own cmd_<verb>.c; this file only finds it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static const struct ctl_cmd *const cmds[] = {
	&cmd_start, &cmd_stop, &cmd_run, &cmd_status, &cmd_hist, &cmd_watch,
	&cmd_tail, &cmd_noise, &cmd_reset, &cmd_info, &cmd_compare, &cmd_doctor,
	&cmd_export,
};

#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *out)
{
	size_t i;

	fputs("Usage: velox-ctl [--help | --version] COMMAND [OPTIONS]\n"
	      "       velox-ctl help COMMAND\n"
	      "\n"
	      "Control the Velox transaction pipeline of velox.ko through\n"
	      "/dev/velox (needs root).\n"
	      "\n"
	      "Commands:\n", out);
	for (i = 0; i < NR_CMDS; i++)
		fprintf(out, "  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
	fputs("  help       show the help of one command\n"
	      "\n"
	      "--version prints velox-ctl's version; the loaded module's is in\n"
	      "/sys/module/velox/version.\n"
	      "\n"
	      "Exit status: 0 on success; 1 on failure, with one line on stderr\n"
	      "naming the cause; 2 on a usage error; 3 when 'run --stop-above'\n"
	      "stopped at a spike.  'compare' exits 1 when a --fail-if holds,\n"
	      "and 2 for a file it cannot read as a saved run.\n", out);
}

/*
 * The options of a command that takes only --json and --help, and no
 * argument.  Returns -1 to go on, or the exit status to return with.
 */
int parse_json_only(int argc, char **argv, const struct ctl_cmd *cmd,
		    bool *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	*json = false;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			break;
		case 'h':
			cmd->usage(stdout);
			return VX_EXIT_OK;
		default:
			cmd->usage(stderr);
			return VX_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return vx_usage_err(cmd->name, "unexpected argument '%s'",
				    argv[optind]);
	return -1;
}

static const struct ctl_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CMDS; i++)
		if (!strcmp(cmds[i]->name, name))
			return cmds[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct ctl_cmd *cmd;

	if (argc < 2) {
		usage(stderr);
		return VX_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return VX_EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("velox-ctl %s\n", VELOX_VERSION);
		return VX_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc == 2) {
			usage(stdout);
			return VX_EXIT_OK;
		}
		cmd = find_cmd(argv[2]);
		if (!cmd) {
			fprintf(stderr, "velox-ctl: help: unknown command '%s'\n",
				argv[2]);
			return VX_EXIT_USAGE;
		}
		cmd->usage(stdout);
		return VX_EXIT_OK;
	}
	cmd = find_cmd(argv[1]);
	if (!cmd) {
		fprintf(stderr, "velox-ctl: unknown command '%s' (see velox-ctl --help)\n",
			argv[1]);
		return VX_EXIT_USAGE;
	}
	/* The verb parses its own options from argv[1] on. */
	return cmd->run(argc - 1, argv + 1);
}
