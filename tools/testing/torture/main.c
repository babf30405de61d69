// SPDX-License-Identifier: GPL-2.0
/*
 * velox-torture: run the roles side by side for a while, watch that none
 * hangs, then report what they did and which checks broke, as KTAP.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "torture.h"

struct tt_shared *tt;
struct tt_slot *tt_me;
const char *tt_name = "supervisor";
const char *tt_ko = "/velox.ko";

struct role {
	const char *name;
	void (*fn)(void);
	unsigned int count;
};

static struct role roles[] = {
	{ "control", tt_control, 2 },
	{ "reader", tt_reader, 2 },
	{ "debugfs", tt_debugfs_reader, 1 },
	{ "module", tt_module_cycler, 1 },
	{ "hotplug", tt_hotplug, 1 },
};

#define NROLES ARRAY_SIZE(roles)

static void usage(FILE *f)
{
	fprintf(f,
"usage: velox-torture [--duration S] [--seed N] [--ko FILE] [--controls N]\n"
"                     [--readers N] [--no-module] [--no-hotplug]\n"
"                     [--grace S] [--op-timeout S]\n"
"\n"
"Run processes against velox.ko at once for S seconds: START (valid and\n"
"invalid configs), STOP, RESET_STATS, GET_CONFIG, GET_INFO; readers of the\n"
"mmap'd stats area that check its invariants on every snapshot; a reader\n"
"of every debugfs file; rmmod/insmod cycles; CPU offline/online.  Then\n"
"print what each did and one KTAP case per check.  As root, velox.ko\n"
"loaded.  The same seed replays each process's sequence of choices.\n"
"\n"
"  --duration S     seconds of torture (default 60)\n"
"  --seed N         seed of every choice (default: from the clock)\n"
"  --ko FILE        velox.ko for insmod (default /velox.ko)\n"
"  --controls N     processes issuing ioctls (default 2)\n"
"  --readers N      processes reading the stats area (default 2)\n"
"  --no-module      no rmmod/insmod cycles\n"
"  --no-hotplug     no CPU hotplug\n"
"  --grace S        after the duration, how long processes may take to\n"
"                   finish before they count as hung (default 60)\n"
"  --op-timeout S   one operation taking longer is a hang (default 60)\n"
"\n"
"Exit status: 0 if every check held, 1 if one broke, 2 on a usage error.\n");
}

static unsigned long parse_num(const char *opt, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "velox-torture: --%s %s: not a number\n", opt, s);
		exit(2);
	}
	return v;
}

static void dump_stack(pid_t pid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stack", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("#     %s", line);
	fclose(f);
	fflush(stdout);
}

static pid_t spawn(int i, const struct role *r)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid)
		return pid;
	tt_me = &tt->slot[i];
	tt_me->pid = getpid();
	tt_name = r->name;
	tt_rng_seed(tt->seed, i);
	r->fn();
	tt_me->done = 1;
	_exit(0);
}

/* Wait for the children; a stuck op or a late process is a hang. */
static void supervise(uint64_t grace_ns, uint64_t op_timeout_ns)
{
	bool reported[TT_MAX_PROCS] = { false };
	int alive = tt->nprocs, i, status;
	bool killed = false;

	while (alive) {
		uint64_t now = tt_now_ns();
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid > 0) {
			alive--;
			for (i = 0; i < tt->nprocs; i++)
				if (tt->slot[i].pid == pid)
					break;
			if (!killed && (!WIFEXITED(status) || WEXITSTATUS(status)))
				tt_fail(TT_CK_HANG, "process %d (%s) died: %s %d",
					(int)pid, i < tt->nprocs ?
					roles[tt->slot[i].role].name : "?",
					WIFSIGNALED(status) ? "signal" : "exit",
					WIFSIGNALED(status) ? WTERMSIG(status) :
					WEXITSTATUS(status));
			continue;
		}
		for (i = 0; i < tt->nprocs; i++) {
			struct tt_slot *s = &tt->slot[i];
			uint64_t t0 = s->op_start_ns;

			/* t0 may be later than now: an op that just began. */
			if (s->done || reported[i] || !t0 || t0 > now ||
			    now - t0 < op_timeout_ns)
				continue;
			reported[i] = true;
			tt_fail(TT_CK_HANG, "%s[%d] in %s for %llu s; its kernel stack:",
				roles[s->role].name, (int)s->pid,
				tt_op_name(s->op),
				(unsigned long long)((now - t0) / 1000000000ull));
			dump_stack(s->pid);
		}
		if (!killed && now > tt->end_ns + grace_ns) {
			for (i = 0; i < tt->nprocs; i++) {
				struct tt_slot *s = &tt->slot[i];

				if (s->done)
					continue;
				tt_fail(TT_CK_HANG, "%s[%d] not finished %llu s after the end (in %s); its kernel stack:",
					roles[s->role].name, (int)s->pid,
					(unsigned long long)(grace_ns / 1000000000ull),
					s->op_start_ns ? tt_op_name(s->op) : "no op");
				dump_stack(s->pid);
				kill(s->pid, SIGKILL);
			}
			killed = true;
		}
		if (killed && now > tt->end_ns + grace_ns + 10000000000ull) {
			tt_fail(TT_CK_HANG, "%d processes unkillable", alive);
			return;
		}
		tt_sleep_us(100000);
	}
}

static void report_ops(void)
{
	int op, e, i;

	printf("# operations (count: outcomes; longest)\n");
	for (op = 0; op < TT_OPS; op++) {
		uint64_t total = 0, longest = 0;
		char line[1024];
		int n = 0;

		for (i = 0; i < tt->nprocs; i++) {
			for (e = 0; e < TT_MAX_ERRNO; e++)
				total += tt->slot[i].ops[op][e];
			if (tt->slot[i].max_op_ns[op] > longest)
				longest = tt->slot[i].max_op_ns[op];
		}
		if (!total)
			continue;
		for (e = 0; e < TT_MAX_ERRNO; e++) {
			uint64_t c = 0;
			const char *name;

			for (i = 0; i < tt->nprocs; i++)
				c += tt->slot[i].ops[op][e];
			if (!c)
				continue;
			name = !e ? "ok" : e == TT_MAX_ERRNO - 1 ? "other" :
			       strerrorname_np(e);
			n += snprintf(line + n, sizeof(line) - n, "%s%s %llu",
				      n ? ", " : "", name ? name : "?",
				      (unsigned long long)c);
		}
		printf("#   %-16s %8llu: %s", tt_op_name(op),
		       (unsigned long long)total, line);
		if (longest)
			printf("; longest %.3f s", longest / 1e9);
		printf("\n");
	}
	printf("# events\n");
	for (e = 0; e < TT_EVENTS; e++) {
		uint64_t c = 0;

		for (i = 0; i <= tt->nprocs; i++)
			c += tt->slot[i].events[e];
		printf("#   %-34s %llu\n", tt_event_name(e), (unsigned long long)c);
	}
	printf("# stop_reason in the module: %s\n",
	       tt->stop_reason_seen ? "yes" : "not seen");
}

/* One KTAP case per check; returns the number that failed. */
static int report_checks(void)
{
	int ck, i, failed = 0;

	printf("KTAP version 1\n1..%d\n", TT_CHECKS);
	for (ck = 0; ck < TT_CHECKS; ck++) {
		uint64_t c = 0;

		for (i = 0; i <= tt->nprocs; i++)
			c += tt->slot[i].failed[ck];
		if (c) {
			printf("# %s: broke %llu times (first ones above)\n",
			       tt_check_name(ck), (unsigned long long)c);
			printf("not ok %d %s\n", ck + 1, tt_check_name(ck));
			failed++;
		} else {
			printf("ok %d %s\n", ck + 1, tt_check_name(ck));
		}
	}
	printf("%d passed, %d failed\n", TT_CHECKS - failed, failed);
	return failed;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "ko", required_argument, NULL, 'k' },
		{ "controls", required_argument, NULL, 'c' },
		{ "readers", required_argument, NULL, 'r' },
		{ "no-module", no_argument, NULL, 'M' },
		{ "no-hotplug", no_argument, NULL, 'H' },
		{ "grace", required_argument, NULL, 'g' },
		{ "op-timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned long duration = 60, grace = 60, op_timeout = 60;
	uint64_t seed = tt_now_ns() % 1000000000ull;
	unsigned int r, k;
	int c, n = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			duration = parse_num("duration", optarg);
			break;
		case 's':
			seed = parse_num("seed", optarg);
			break;
		case 'k':
			tt_ko = optarg;
			break;
		case 'c':
			roles[0].count = parse_num("controls", optarg);
			break;
		case 'r':
			roles[1].count = parse_num("readers", optarg);
			break;
		case 'M':
			roles[3].count = 0;
			break;
		case 'H':
			roles[4].count = 0;
			break;
		case 'g':
			grace = parse_num("grace", optarg);
			break;
		case 't':
			op_timeout = parse_num("op-timeout", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	tt = mmap(NULL, sizeof(*tt), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tt == MAP_FAILED) {
		fprintf(stderr, "velox-torture: mmap: %s\n", strerror(errno));
		return 1;
	}
	tt->seed = seed;
	for (r = 0; r < NROLES; r++)
		n += roles[r].count;
	if (n >= TT_MAX_PROCS) {
		fprintf(stderr, "velox-torture: %d processes, at most %d\n", n,
			TT_MAX_PROCS - 1);
		return 2;
	}
	/* The supervisor counts into the slot after the children's. */
	tt_me = &tt->slot[n];
	printf("# velox-torture: seed %llu, %lu s, %d processes:",
	       (unsigned long long)seed, duration, n);
	for (r = 0; r < NROLES; r++)
		if (roles[r].count)
			printf(" %s x%u", roles[r].name, roles[r].count);
	printf("\n");
	setvbuf(stdout, NULL, _IOLBF, 0);

	tt->end_ns = tt_now_ns() + duration * 1000000000ull;
	for (r = 0; r < NROLES; r++) {
		for (k = 0; k < roles[r].count; k++) {
			tt->slot[tt->nprocs].role = r;
			tt->slot[tt->nprocs].pid = spawn(tt->nprocs, &roles[r]);
			tt->nprocs++;
		}
	}
	supervise(grace * 1000000000ull, op_timeout * 1000000000ull);
	report_ops();
	return report_checks() ? 1 : 0;
}
