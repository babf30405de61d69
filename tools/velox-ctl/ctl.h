/* SPDX-License-Identifier: GPL-2.0 */
/*
 * velox-ctl: what the command files share.  The device, the stats area
 * and the reports are libvelox's (tools/lib/velox), shared with
 * velox-trace; what is here is velox-ctl's own: verbs and their options.
 */
#ifndef VELOX_CTL_H
#define VELOX_CTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/velox.h>

#include "libvelox.h"

struct ctl_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *out);
};

extern const struct ctl_cmd cmd_info, cmd_start, cmd_stop, cmd_run,
	cmd_status, cmd_hist, cmd_watch, cmd_reset, cmd_tail, cmd_noise;

int parse_json_only(int argc, char **argv, const struct ctl_cmd *cmd,
		    bool *json);

/* config.c: start options, shared by start and run. */
struct start_opts {
	struct velox_config cfg;
	unsigned int set;	/* which fields the options gave */
	const char *cpus;	/* --cpus: a cpulist (start_with() checks its CPUs) */
	__u64 stop_above;	/* run --stop-above, 0 if not given */
	bool snapshot;		/* run --snapshot */
};
int start_opt_parse(struct start_opts *o, int opt, const char *arg);
void start_opts_usage(FILE *out);
void start_opts_apply(const struct start_opts *o, struct velox_config *cfg);
int start_with(int fd, const struct start_opts *o, struct velox_config *cfg);
int parse_rate(const char *s, uint32_t *rate);
int parse_u32(const char *s, uint32_t *v);
int parse_seconds(const char *s, double *sec);
int parse_tail_duration(const char *opt, const char *s, bool zero_ok,
			__u64 *ns);
/* The start options of getopt_long, and their short-option string. */
#define START_OPTS_SHORT "r:l:b:f:R:B:p:s:c:t:S:C:T:"
#define START_LONG_OPTS 13
extern const struct option start_long_opts[START_LONG_OPTS];
struct option;
void opts_build(struct option *dst, const struct option *own, size_t nown);

/*
 * progress.c: watch and run, one line per interval.  A poll, if given, is
 * called every @every seconds between the lines; when it returns true the
 * loop ends, as on Ctrl-C.
 */
struct progress_poll {
	bool (*fn)(void *ctx);
	void *ctx;
	double every;
};
void progress_catch_signals(void);
void progress_release_signals(void);
int progress_loop(const struct vx_stats *map, double interval, long count,
		  double duration, const struct progress_poll *poll);

#endif /* VELOX_CTL_H */
