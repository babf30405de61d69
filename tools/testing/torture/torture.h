/* SPDX-License-Identifier: GPL-2.0 */
/*
 * velox-torture: several processes hammer /dev/velox, the stats area,
 * debugfs, the module's loading and CPU hotplug at once, and check what
 * the kernel publishes on the way.
 *
 * The processes share one anonymous MAP_SHARED block (struct tt_shared):
 * each writes only its own slot (counts of what it did and of the checks
 * that failed), the parent reads them all to report, and a few words
 * coordinate the processes: the module's load generation, the hotplug
 * sequence, a quiet window during which nobody holds the device open.
 */
#ifndef VELOX_TORTURE_H
#define VELOX_TORTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/velox.h>

#define TT_DEV		"/dev/" VELOX_DEVICE_NAME
#define TT_DEBUGFS	"/sys/kernel/debug/velox"
#define TT_MAX_PROCS	16
#define TT_MAX_ERRNO	134	/* errno values counted one by one */
/* CPU sets the torture draws from: CPUs 0-8191 (x86's NR_CPUS at most). */
#define TT_CPU_SET_SIZE	1024
#define TT_CPU_SET_WORDS (TT_CPU_SET_SIZE / 8)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* What a process does, counted with the errno it ended in (0: success). */
enum tt_op {
	TT_OP_OPEN,
	TT_OP_MMAP,
	TT_OP_SNAPSHOT,		/* a consistent copy of the stats area */
	TT_OP_SNAPSHOT_RETRY,	/* a copy torn by a publication: retried */
	TT_OP_START_VALID,
	TT_OP_START_INVALID,
	TT_OP_START_BAD_SIZE,
	TT_OP_STOP,
	TT_OP_RESET_STATS,
	TT_OP_GET_CONFIG,
	TT_OP_GET_INFO,
	TT_OP_DEBUGFS_READ,
	TT_OP_RMMOD,
	TT_OP_INSMOD,
	TT_OP_CPU_OFFLINE,
	TT_OP_CPU_ONLINE,
	TT_OPS
};

/* What a process saw happen: counts only, never a failure by itself. */
enum tt_event {
	TT_EV_RUN_SEEN,			/* a reader saw a new run */
	TT_EV_STOPPED_CHECKED,		/* conservation checked on a stopped run */
	TT_EV_RESET_SEEN,		/* a reader saw a run's counts zeroed */
	TT_EV_RELOAD_SEEN,		/* a reader reopened a reloaded module */
	TT_EV_EINVAL_HOTPLUG_RACE,	/* a START's CPUs changed under it */
	TT_EV_QUIET_WINDOW,		/* rmmod asked everyone to let go */
	TT_EV_STOP_USER,		/* a run stopped with stop_reason user */
	TT_EV_STOP_CPU_OFFLINE,		/* ... with stop_reason cpu-offline */
	TT_EV_STOP_NO_REASON,		/* ... with none (before the feature) */
	TT_EV_OFFLINE_BOUND_RUN,	/* a CPU a running run was bound to went */
	TT_EV_OFFLINE_RUN_STOPPED,	/* ... and the run stopped for it */
	TT_EV_OFFLINE_RUN_KEPT,		/* ... and it kept running */
	TT_EV_OFFLINE_RUN_RACED,	/* ... and something else ended it */
	TT_EVENTS
};

/* The checks; each is one KTAP case, failed by any break of it. */
enum tt_check {
	TT_CK_HEADER,		/* magic, ABI, size, seq, state, enums */
	TT_CK_HIST_COUNT,	/* count == sum of buckets; empty is empty */
	TT_CK_HIST_ORDER,	/* min <= p50 <= max, each in its bucket */
	TT_CK_MONOTONIC,	/* counters never go back within a run */
	TT_CK_STATE_ORDER,	/* running -> stopping -> stopped, runs grow */
	TT_CK_CONSERVATION,	/* stopped: generated == delivered + dropped */
	TT_CK_BOOK,		/* stopped: the book's conservation law */
	TT_CK_STOPPED_FROZEN,	/* stopped: nothing moves but a reset */
	TT_CK_STOP_REASON,	/* why a run stopped, as the uapi says */
	TT_CK_START_VALID,	/* a valid config starts, or -EBUSY */
	TT_CK_START_INVALID,	/* an invalid one is -EINVAL (-E2BIG) */
	TT_CK_STOP,		/* STOP returns 0 and leaves it stopped */
	TT_CK_RESET,		/* RESET_STATS: 0 stopped, -EBUSY running */
	TT_CK_QUERY,		/* GET_INFO, GET_CONFIG answer sanely */
	TT_CK_MODULE,		/* insmod after rmmod works, device comes back */
	TT_CK_HOTPLUG,		/* CPUs go and come back */
	TT_CK_OFFLINE_STOP,	/* a bound run stops when its CPU goes */
	TT_CK_HANG,		/* every op and process finishes in time */
	TT_CHECKS
};

/**
 * struct tt_slot - one process's part of the shared block
 * @pid: the process
 * @role: index into the role table (main.c)
 * @done: it finished its loop
 * @op_start_ns: CLOCK_MONOTONIC start of the op it is in, 0 if none
 * @op: enum tt_op of that op
 * @max_op_ns: the longest op it did, per enum tt_op
 * @ops: per op, per errno (TT_MAX_ERRNO - 1 counts every larger one)
 * @events: per enum tt_event
 * @failed: per enum tt_check
 */
struct tt_slot {
	pid_t pid;
	int role;
	volatile int done;
	volatile uint64_t op_start_ns;
	volatile int op;
	uint64_t max_op_ns[TT_OPS];
	uint64_t ops[TT_OPS][TT_MAX_ERRNO];
	uint64_t events[TT_EVENTS];
	uint64_t failed[TT_CHECKS];
};

/**
 * struct tt_shared - what every process of a run sees
 * @seed: the run's seed
 * @end_ns: when the processes stop starting new work
 * @load_gen: even while the module stays as it is; odd while the module
 *	cycler is removing or inserting it (a seqcount for readers that
 *	want to know the area they mapped is the one they mapped before)
 * @hotplug_gen: the same for CPU hotplug: odd while a CPU changes state
 * @quiet_until_ns: nobody opens or holds /dev/velox before this time
 * @stop_reason_seen: some snapshot had a stop_reason: the module has it
 * @nprocs: slots in use
 * @slot: one per process
 */
struct tt_shared {
	uint64_t seed;
	uint64_t end_ns;
	volatile uint64_t load_gen;
	volatile uint64_t hotplug_gen;
	volatile uint64_t quiet_until_ns;
	volatile int stop_reason_seen;
	int nprocs;
	struct tt_slot slot[TT_MAX_PROCS];
};

/* This process: set once after fork. */
extern struct tt_shared *tt;
extern struct tt_slot *tt_me;
extern const char *tt_name;
extern const char *tt_ko;

/* rng.c: per-process deterministic choices */
void tt_rng_seed(uint64_t seed, unsigned int stream);
uint64_t tt_rand(void);
uint64_t tt_rand_below(uint64_t n);	/* 0 .. n - 1 */
uint64_t tt_rand_range(uint64_t lo, uint64_t hi);	/* lo .. hi */
bool tt_chance(unsigned int percent);

/* counts.c: what happened, and what broke */
uint64_t tt_now_ns(void);
void tt_sleep_us(uint64_t us);
bool tt_running(void);
void tt_op_begin(enum tt_op op);
int tt_op_end(enum tt_op op, int err);
void tt_event(enum tt_event ev);
void tt_fail(enum tt_check ck, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tt_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *tt_op_name(enum tt_op op);
const char *tt_event_name(enum tt_event ev);
const char *tt_check_name(enum tt_check ck);

/* A CPU set of sysfs's, in the uapi's layout. */
struct tt_cpus {
	__u64 w[TT_CPU_SET_WORDS];
};

/*
 * dev.c: the device, its stats area (a snapshot is a copy of all of it,
 * @size bytes), coping with the module coming and going
 */
struct tt_dev {
	int fd;
	const struct velox_stats *area;
	size_t size;
	uint64_t gen;	/* tt->load_gen when opened, odd if unknown */
};
bool tt_quiet(void);
int tt_dev_open(struct tt_dev *d, bool map);
void tt_dev_close(struct tt_dev *d);
int tt_dev_ioctl(struct tt_dev *d, enum tt_op op, unsigned long cmd,
		 void *arg);
struct velox_stats *tt_stats_alloc(const struct tt_dev *d);
int tt_snapshot(const struct tt_dev *d, struct velox_stats *out);
void tt_cpus_read(const char *which, struct tt_cpus *c);
bool tt_cpus_has(const struct tt_cpus *c, unsigned long cpu);
unsigned long tt_cpus_count(const struct tt_cpus *c);
long tt_cpus_last(const struct tt_cpus *c);

/*
 * config_gen.c: configs to START with; cfg.cpu_set, when set, points to
 * @set (so a struct tt_start stays where it was filled in).  @set has
 * room past a CPU set of TT_CPU_SET_SIZE for a longer one, zero there.
 */
#define TT_START_BUF	4200	/* beyond PAGE_SIZE, for -E2BIG */
struct tt_start {
	union {
		struct velox_config cfg;
		unsigned char raw[TT_START_BUF];
	};
	__u64 set[TT_CPU_SET_WORDS + 4];
	size_t size;		/* bytes to pass (may differ from sizeof) */
	int want;		/* errno a STOPPED module answers */
	const char *why;	/* what makes it invalid, or "valid" */
	bool cpus_sensitive;	/* validity depends on which CPUs are online */
};
void tt_config_valid(struct tt_start *s, const struct velox_info *info,
		     const struct tt_cpus *online);
void tt_config_invalid(struct tt_start *s, const struct velox_info *info,
		       const struct tt_cpus *online);
void tt_config_cpus(const struct tt_start *s, char *buf, size_t len);

/* invariants.c: what every snapshot, and every pair of them, must satisfy */
struct tt_history {
	bool have;
	uint64_t gen;
	struct velox_stats *prev;
};
void tt_check_snapshot(const struct velox_stats *s);
void tt_check_pair(const struct velox_stats *p, const struct velox_stats *s);
bool tt_stats_zeroed(const struct velox_stats *s);
bool tt_cpu_bound(const struct velox_stats *s, unsigned long cpu);

/* The roles, each a loop until tt->end_ns. */
void tt_control(void);
void tt_reader(void);
void tt_debugfs_reader(void);
void tt_module_cycler(void);
void tt_hotplug(void);

#endif /* VELOX_TORTURE_H */
