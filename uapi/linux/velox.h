/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Velox: the interface between velox.ko and userspace.
 *
 * Every ioctl argument is a struct whose first member is its own size.  The
 * kernel reads it with copy_struct_from_user() semantics: a caller built
 * against an older header passes a shorter struct and gets the defaults for
 * what it does not know; a caller built against a newer header may pass a
 * longer one as long as the part the kernel does not know is zero
 * (otherwise -E2BIG).  The ioctl numbers therefore carry no size.  On
 * return, size holds how many bytes the kernel wrote back: the smaller of
 * the caller's size and its own.
 */
#ifndef _UAPI_LINUX_VELOX_H
#define _UAPI_LINUX_VELOX_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Bumped on any incompatible change to what this header describes.
 * 2: struct velox_config's spin_cap (cpu_relax() calls) became spin_us.
 * 3: CPU sets of any size (velox_config.cpu_set); the stats area's per-lane
 *    and per-CPU arrays moved behind its fixed part (struct velox_stats'
 *    *_offset fields), sized for every possible CPU; velox_spike.lane is 16
 *    bits; velox_txn carries its lane in its id only.
 */
#define VELOX_ABI_VERSION	3

/* The misc device is /dev/VELOX_DEVICE_NAME. */
#define VELOX_DEVICE_NAME	"velox"

#define VELOX_IOC_TYPE		0xb7

enum {
	VELOX_CMD_BASE = 0x80,
	VELOX_CMD_GET_INFO = VELOX_CMD_BASE,
	VELOX_CMD_START,
	VELOX_CMD_STOP,
	VELOX_CMD_GET_CONFIG,
	VELOX_CMD_RESET_STATS,
};

/* Histogram geometry: see struct velox_hist_data. */
#define VELOX_HIST_SUB_BITS	6
#define VELOX_HIST_LIMIT_SHIFT	36
#define VELOX_HIST_BUCKETS	1985

/**
 * struct velox_info - VELOX_IOC_GET_INFO: what the loaded module is
 * @size: sizeof(struct velox_info), set by the caller
 * @abi_version: VELOX_ABI_VERSION of the loaded module, set by the kernel
 * @stats_size: bytes to mmap() from /dev/velox for the whole stats area
 * @hist_buckets: buckets per histogram (VELOX_HIST_BUCKETS)
 * @hist_sub_bits: log2 of the sub-buckets per power of two
 * @hist_limit_shift: values from 2^@hist_limit_shift ns up overflow
 * @__reserved: zero
 * @max_rate: largest accepted velox_config.rate
 * @max_lanes: largest accepted velox_config.lanes on this machine: its
 *	online CPUs, when asked
 * @max_ring: largest accepted velox_config.ring
 * @tail_spikes: most spikes one run keeps (VELOX_TAIL_SPIKES); more are
 *	counted as tail_lost
 * @cpu_set_size: bytes of a CPU set on this machine (velox_config.cpu_set):
 *	its possible CPU ids, rounded up to whole __u64 words
 *
 * The kernel writes back min(@size, its own size) bytes.  The first
 * released struct ends at @max_ring.
 */
struct velox_info {
	__u32 size;
	__u32 abi_version;
	__u32 stats_size;
	__u32 hist_buckets;
	__u8 hist_sub_bits;
	__u8 hist_limit_shift;
	__u16 __reserved;
	__u32 max_rate;
	__u32 max_lanes;
	__u32 max_ring;
	__u32 tail_spikes;
	__u32 cpu_set_size;
};

enum velox_backoff_policy {
	VELOX_BACKOFF_SPIN = 0,		/* never give up the CPU */
	VELOX_BACKOFF_YIELD = 1,	/* spin the window, then yield */
	VELOX_BACKOFF_SLEEP = 2,	/* spin the window, then sleep until work */
	VELOX_BACKOFF_POLICIES
};

enum velox_policy {
	VELOX_POLICY_DROP = 0,	/* ingress drops what the ring cannot take */
	VELOX_POLICY_BLOCK = 1,	/* ingress waits for room */
	VELOX_POLICIES
};

/* Limits of struct velox_config, inclusive. */
#define VELOX_RATE_MAX		10000000u
#define VELOX_RING_MIN		4u
#define VELOX_RING_MAX		65536u
#define VELOX_FLUSH_US_MAX	1000000u
#define VELOX_SAMPLE_MAX	1000000u
#define VELOX_SPIN_US_MAX	10000u
#define VELOX_TAIL_NS_MAX	60000000000ull	/* a minute */
/* Largest velox_config.cpu_set_size: 524288 CPU ids. */
#define VELOX_CPU_SET_SIZE_MAX	65536u

/**
 * struct velox_config - VELOX_IOC_START's argument, VELOX_IOC_GET_CONFIG's
 * result: how the pipeline runs
 * @size: sizeof(struct velox_config), set by the caller
 * @lanes: lanes side by side, sharing one order book: 1 .. online CPUs
 * @rate: transactions per second, all lanes together: 1 .. VELOX_RATE_MAX
 * @bundle: transactions per bundle: 1 .. 16
 * @flush_us: flush a bundle whose oldest member waited this long (µs):
 *	1 .. VELOX_FLUSH_US_MAX
 * @ring: ring capacity in elements, a power of two, VELOX_RING_MIN ..
 *	VELOX_RING_MAX; the ring of bundles holds @ring / 16 (at least 4)
 * @sample: record the latency of 1 transaction in @sample: 1 ..
 *	VELOX_SAMPLE_MAX
 * @spin_us: how long (µs) a thread that finds no work spins, waiting for
 *	another thread to hand it work (its input, or room at a full ring),
 *	before it yields or sleeps as @backoff says: 1 .. VELOX_SPIN_US_MAX.
 *	(A thread that runs ingress and waits only for its next transaction
 *	sleeps at once when that is due later than this.)
 * @backoff: enum velox_backoff_policy, for threads that find no work
 * @policy: enum velox_policy: what ingress does at a full ring
 * @threads: kernel threads per lane: 1 (one runs all four stages), 2
 *	(ingress and matcher, bundler and output), 4 (one per stage), or 0
 *	to let the module choose from @rate, @lanes and the CPUs of the CPU
 *	set (else the online ones): 1 at up to 100k/s per lane, else as many as
 *	the CPUs allow (what it chose is what GET_CONFIG and the stats area
 *	then report)
 * @__reserved0: zero
 * @seed: seed of the order mix; equal seeds give equal transactions
 * @cpus: the CPUs 0-63 of the set, as bits, for callers that know
 *	nothing of @cpu_set: while @cpu_set_size is 0, bit n set: threads may
 *	run on CPU n.  Must be 0 when @cpu_set_size is not.
 * @tail_ns: capture every sampled transaction whose end-to-end latency
 *	reaches this many ns, with where its time went (struct velox_spike,
 *	read() from /dev/velox): 0 (off) or 1 .. VELOX_TAIL_NS_MAX.  While a
 *	run with tail capture is on, the module hooks the kernel's IRQ,
 *	softirq, NMI and scheduler tracepoints on the workers' CPUs.
 * @snapshot_ns: 0 (off), or at least @tail_ns (which must be on): the
 *	first spike that reaches it makes the module take an ftrace
 *	snapshot (tracing_snapshot()), once per run
 * @cpu_set: a pointer to the CPU set, as sched_setaffinity(2) takes one
 *	but in __u64 words: bit n % 64 of word n / 64 is CPU n.  Threads are
 *	bound round-robin over its CPUs in id order; an empty set (or none,
 *	and @cpus 0) lets the scheduler place them.  Every CPU named must be
 *	online.  GET_CONFIG writes the set here when @cpu_set_size is not 0
 *	(and returns @cpus 0); otherwise it returns the set in @cpus, or
 *	-EOVERFLOW if it names a CPU past 63.
 * @cpu_set_size: bytes at @cpu_set: 0 (no set, and @cpu_set must be 0:
 *	@cpus says), or a multiple
 *	of 8 up to VELOX_CPU_SET_SIZE_MAX.  START accepts any size if the
 *	bits beyond velox_info.cpu_set_size are 0; GET_CONFIG needs at least
 *	velox_info.cpu_set_size (-EINVAL) and zeroes the rest.
 * @__reserved1: zero
 *
 * Every field above is required (0 is invalid where the range says so):
 * a caller starts from VELOX_IOC_GET_CONFIG, which returns the module
 * parameters' defaults while stopped, and changes what it wants.  Fields
 * added later take 0 to mean "default", so older callers keep working.
 */
struct velox_config {
	__u32 size;
	__u32 lanes;
	__u32 rate;
	__u32 bundle;
	__u32 flush_us;
	__u32 ring;
	__u32 sample;
	__u32 spin_us;
	__u8 backoff;
	__u8 policy;
	__u8 threads;
	__u8 __reserved0;
	__u32 seed;
	__u64 cpus;
	__u64 tail_ns;
	__u64 snapshot_ns;
	__aligned_u64 cpu_set;
	__u32 cpu_set_size;
	__u32 __reserved1;
};

#define VELOX_IOC_GET_INFO	_IO(VELOX_IOC_TYPE, VELOX_CMD_GET_INFO)
/* Needs CAP_SYS_ADMIN; -EBUSY while running. */
#define VELOX_IOC_START		_IO(VELOX_IOC_TYPE, VELOX_CMD_START)
/* Needs CAP_SYS_ADMIN; no argument.  Returns once every lane drained. */
#define VELOX_IOC_STOP		_IO(VELOX_IOC_TYPE, VELOX_CMD_STOP)
/* The running config, or while stopped the defaults. */
#define VELOX_IOC_GET_CONFIG	_IO(VELOX_IOC_TYPE, VELOX_CMD_GET_CONFIG)
/* Needs CAP_SYS_ADMIN; no argument; -EBUSY while running. */
#define VELOX_IOC_RESET_STATS	_IO(VELOX_IOC_TYPE, VELOX_CMD_RESET_STATS)

enum velox_side {
	VELOX_SIDE_BID = 0,
	VELOX_SIDE_ASK = 1,
};

enum velox_kind {
	VELOX_KIND_LIMIT = 0,	/* match while it crosses, rest the remainder */
	VELOX_KIND_MARKET = 1,	/* match what is there, never rest */
	VELOX_KIND_CANCEL = 2,	/* remove up to qty from own side at price */
};

/**
 * struct velox_txn - one transaction, 32 bytes, as it moves through a lane
 * @ts_ns: intended ingress time (ns, CLOCK_MONOTONIC): when the pacer meant
 *	to send it, so queueing behind a stall counts as latency
 * @id: unique per run: the lane that generated it in the bits from
 *	VELOX_TXN_ID_LANE_SHIFT up, its place in that lane's sequence (from 1)
 *	below (48 bits: 326 days of one lane at VELOX_RATE_MAX)
 * @price: in ticks
 * @qty: quantity; never 0 in a valid transaction
 * @gen_ns: once the matcher applied the order, @price and @qty are spent
 *	and this takes their place: ns from @ts_ns to when ingress generated
 *	it (a late pacer's delay), for sampled transactions while tail
 *	capture is on (otherwise @price and @qty stay)
 * @__spent: zero
 * @side: enum velox_side
 * @kind: enum velox_kind
 * @flags: VELOX_TXN_* bits
 * @__reserved: zero
 * @match_ns: ns from @ts_ns to when the matcher took it (saturating), so
 *	the later stages can split end-to-end latency per hop.  Before the
 *	matcher, for a sampled transaction: what @gen_ns will hold.
 */
struct velox_txn {
	__u64 ts_ns;
	__u64 id;
	union {
		struct {
			__u32 price;
			__u32 qty;
		};
		struct {
			__u32 gen_ns;
			__u32 __spent;
		};
	};
	__u8 side;
	__u8 kind;
	__u8 flags;
	__u8 __reserved;
	__u32 match_ns;
};

/* velox_txn.id: the lane (at most 65536 of them), then its sequence. */
#define VELOX_TXN_ID_LANE_SHIFT	48
#define VELOX_TXN_LANE(id)	((__u32)((id) >> VELOX_TXN_ID_LANE_SHIFT))

/* Timestamps of this transaction are recorded (1 in N are, by --sample). */
#define VELOX_TXN_SAMPLED	0x1

enum velox_flush_reason {
	VELOX_FLUSH_FULL = 0,		/* reached the bundle size */
	VELOX_FLUSH_TIMEOUT = 1,	/* oldest member waited flush_timeout */
	VELOX_FLUSH_DRAIN = 2,		/* the pipeline is stopping */
	VELOX_FLUSH_REASONS
};

#define VELOX_BUNDLE_MAX	16

/**
 * struct velox_bundle - up to 16 transactions sent on together, 528 bytes
 * @flush_ns: when the bundler flushed it
 * @seq: per-lane bundle sequence number
 * @count: transactions in @txns
 * @reason: enum velox_flush_reason
 * @__reserved: zero
 * @txns: the transactions, oldest first
 */
struct velox_bundle {
	__u64 flush_ns;
	__u32 seq;
	__u8 count;
	__u8 reason;
	__u16 __reserved;
	struct velox_txn txns[VELOX_BUNDLE_MAX];
};

/* The stats area: mmap(NULL, info.stats_size, PROT_READ, MAP_SHARED, fd, 0). */
#define VELOX_STATS_MAGIC	0x315453584f4c4556ull	/* "VELOXST1" */

enum velox_state {
	VELOX_STATE_STOPPED = 0,
	VELOX_STATE_RUNNING = 1,
	VELOX_STATE_STOPPING = 2,	/* draining the lanes */
};

/* Why the current or last run stopped (struct velox_stats.stop_reason). */
enum velox_stop_reason {
	VELOX_STOP_NONE = 0,		/* running, or no run yet */
	VELOX_STOP_USER = 1,		/* VELOX_IOC_STOP, or the module unloading */
	VELOX_STOP_CPU_OFFLINE = 2,	/* a CPU a bound worker ran on went offline */
	VELOX_STOP_REASONS
};

/* The latency each histogram measures, for sampled transactions. */
enum velox_stage {
	VELOX_STAGE_MATCH = 0,	/* intended ingress time -> matched */
	VELOX_STAGE_BUNDLE = 1,	/* matched -> its bundle flushed */
	VELOX_STAGE_EGRESS = 2,	/* bundle flushed -> output took it */
	VELOX_STAGE_E2E = 3,	/* intended ingress time -> output */
	VELOX_STAGE_SERVICE = 4,	/* generated -> output (tail capture on) */
	VELOX_STAGES
};

/**
 * struct velox_hist_data - one log-linear latency histogram, in ns
 * @count: values recorded
 * @sum: their sum
 * @min: smallest (~0 while @count is 0)
 * @max: largest
 * @buckets: counts per bucket.  Bucket i < 128 holds the value i; above,
 *	with shift = (i >> 6) - 1, bucket i holds the values from
 *	((i & 63) + 64) << shift, 2^shift of them.  The last bucket holds
 *	every value from 2^VELOX_HIST_LIMIT_SHIFT up.
 */
struct velox_hist_data {
	__u64 count;
	__u64 sum;
	__u64 min;
	__u64 max;
	__u64 buckets[VELOX_HIST_BUCKETS];
};

/**
 * struct velox_counters - what the pipeline did, summed over CPUs
 * @generated: transactions ingress made
 * @delivered: transactions the output stage took
 * @dropped: transactions ingress dropped at a full ring (policy drop)
 * @sampled: delivered transactions whose latency was recorded
 * @seq_errors: transactions delivered out of generation order within
 *	their lane (a duplicate would be one); always 0
 * @bundles: bundles delivered
 * @flushes: bundles by enum velox_flush_reason
 * @orders: transactions the order book took (limit, market, cancel)
 * @rejected: of those, refused in whole or in part: out of the price
 *	band, zero quantity, or more than a full level could hold; every
 *	order that added to @rejected_qty is one
 * @submitted_qty: quantity of limit and market orders
 * @rejected_qty: of that, in rejected orders
 * @fills: level matches
 * @filled_qty: units traded
 * @rested_qty: units put on the book
 * @cancelled_qty: units cancels took off the book
 * @expired_qty: market order remainders with nothing left to match
 * @resting_qty: units on the book when published; conservation:
 *	submitted_qty == 2 * filled_qty + resting_qty + cancelled_qty +
 *	expired_qty + rejected_qty once stopped
 * @cas_retries: order-book compare-and-exchange attempts that lost
 * @full_waits: times ingress found the ring full under policy block
 * @idle_yields: times an idle thread yielded the CPU
 * @idle_sleeps: times an idle thread slept
 * @tail_captured: spikes captured (velox_config.tail_ns)
 * @tail_lost: spikes not kept: the run's capture buffer was full
 * @tail_partial: captured spikes whose interference may be short
 *	(VELOX_SPIKE_PARTIAL)
 * @__reserved: zero, room for more counters
 */
struct velox_counters {
	__u64 generated;
	__u64 delivered;
	__u64 dropped;
	__u64 sampled;
	__u64 seq_errors;
	__u64 bundles;
	__u64 flushes[VELOX_FLUSH_REASONS];
	__u64 orders;
	__u64 rejected;
	__u64 submitted_qty;
	__u64 rejected_qty;
	__u64 fills;
	__u64 filled_qty;
	__u64 rested_qty;
	__u64 cancelled_qty;
	__u64 expired_qty;
	__u64 resting_qty;
	__u64 cas_retries;
	__u64 full_waits;
	__u64 idle_yields;
	__u64 idle_sleeps;
	__u64 tail_captured;
	__u64 tail_lost;
	__u64 tail_partial;
	__u64 __reserved[6];
};

/**
 * struct velox_lane_counters - one lane's share of the flow
 * @generated: as in struct velox_counters
 * @delivered: as in struct velox_counters
 * @dropped: as in struct velox_counters
 */
struct velox_lane_counters {
	__u64 generated;
	__u64 delivered;
	__u64 dropped;
};

/* Spikes one run keeps (velox_info.tail_spikes). */
#define VELOX_TAIL_SPIKES	4096

/*
 * Where a spike's end-to-end time went, part by part: each part is an
 * interval between two stamps, carried by one stage's CPU, and the parts
 * add up to the end-to-end latency exactly.
 */
enum velox_part {
	VELOX_PART_GENERATOR = 0,	/* intended -> generated (ingress) */
	VELOX_PART_QUEUE_MATCHER = 1,	/* generated -> matcher took it */
	VELOX_PART_MATCHING = 2,	/* matcher took it -> burst applied */
	VELOX_PART_QUEUE_BUNDLER = 3,	/* burst applied -> bundler took it */
	VELOX_PART_BUNDLE_WAIT = 4,	/* bundler took it -> bundle flushed */
	VELOX_PART_OUTPUT = 5,		/* flushed -> output took it */
	VELOX_PARTS
};

/* What the machine did to the CPUs that carried a transaction. */
enum velox_noise_source {
	VELOX_NOISE_IRQ = 0,		/* hard interrupts, APIC vectors too */
	VELOX_NOISE_SOFTIRQ = 1,
	VELOX_NOISE_NMI = 2,
	VELOX_NOISE_PREEMPTED = 3,	/* the worker runnable, another task ran */
	VELOX_NOISES
};

/*
 * Why a spike took its time: each part's time minus the interference in
 * it counts to the part's stage cause (both queue parts to QUEUEING), the
 * interference to its own cause.  The causes add up to end-to-end.
 */
enum velox_cause {
	VELOX_CAUSE_GENERATOR = 0,
	VELOX_CAUSE_QUEUEING = 1,
	VELOX_CAUSE_MATCHING = 2,
	VELOX_CAUSE_BUNDLE_WAIT = 3,
	VELOX_CAUSE_OUTPUT = 4,
	VELOX_CAUSE_IRQ = 5,		/* VELOX_CAUSE_IRQ + enum velox_noise_source */
	VELOX_CAUSE_SOFTIRQ = 6,
	VELOX_CAUSE_NMI = 7,
	VELOX_CAUSE_PREEMPTED = 8,
	VELOX_CAUSES
};

/**
 * struct velox_offender - who took a CPU from the pipeline
 * @id: the IRQ number or APIC vector, the softirq vector, or the pid
 * @source: enum velox_noise_source
 * @__reserved: zero
 * @ns: how long
 * @count: how many times (interruptions)
 * @name: the IRQ action's name, the softirq's, or the task's comm
 */
struct velox_offender {
	__u32 id;
	__u8 source;
	__u8 __reserved[3];
	__u64 ns;
	__u64 count;
	char name[16];
};

/* A stamp or an interference log no longer reached back: may be short. */
#define VELOX_SPIKE_PARTIAL	0x1

/**
 * struct velox_spike - one captured transaction and where its time went
 * @id: the transaction
 * @ts_ns: its intended ingress time
 * @e2e_ns: intended ingress time -> output, at least velox_config.tail_ns
 * @part_ns: ns per enum velox_part; they add up to @e2e_ns
 * @cause_ns: ns per enum velox_cause; they add up to @e2e_ns
 * @noise_count: interruptions that overlapped its parts, per enum
 *	velox_noise_source (one overlapping two parts counts in each)
 * @cas_retries: compare-and-exchanges it lost in the order book
 * @lane: its lane
 * @flush_reason: enum velox_flush_reason of its bundle
 * @flags: VELOX_SPIKE_* bits
 * @cpu: the CPU of its ingress, matcher, bundler and output step
 * @top: per enum velox_noise_source, its single largest interruption
 *	(its @ns the overlap, @count 1; @top[n].ns 0: none)
 */
struct velox_spike {
	__u64 id;
	__u64 ts_ns;
	__u64 e2e_ns;
	__u64 part_ns[VELOX_PARTS];
	__u64 cause_ns[VELOX_CAUSES];
	__u32 noise_count[VELOX_NOISES];
	__u32 cas_retries;
	__u16 lane;
	__u8 flush_reason;
	__u8 flags;
	__u16 cpu[4];
	struct velox_offender top[VELOX_NOISES];
};

/* Offenders a CPU's noise accounting keeps, largest first. */
#define VELOX_NOISE_TOP		8

/**
 * struct velox_noise_cpu - what the machine took from one worker CPU
 * @cpu: the CPU
 * @__reserved: zero
 * @wall_ns: time since the run started (or until it stopped)
 * @ns: time taken, per enum velox_noise_source
 * @count: times taken, per enum velox_noise_source
 * @top: the largest offenders of any source, largest first
 */
struct velox_noise_cpu {
	__u32 cpu;
	__u32 __reserved;
	__u64 wall_ns;
	__u64 ns[VELOX_NOISES];
	__u64 count[VELOX_NOISES];
	struct velox_offender top[VELOX_NOISE_TOP];
};

/**
 * struct velox_stats - the read-only stats area mmap'd from /dev/velox
 * @magic: VELOX_STATS_MAGIC
 * @abi_version: VELOX_ABI_VERSION
 * @size: bytes in the area
 * @seq: even while stable, odd while the kernel rewrites the area.  Read
 *	it (acquire), copy what you need, read it again (after a read
 *	barrier): the copy is good if both reads are equal and even.
 * @state: enum velox_state
 * @run: runs started since the module loaded; 0 before the first
 * @publish_ns: CLOCK_MONOTONIC time of this publication
 * @start_ns: CLOCK_MONOTONIC time the current or last run started
 * @stop_ns: when it stopped; 0 while running
 * @publishes: publications since the module loaded
 * @config: the config of the current or last run, with @config.cpus,
 *	@config.cpu_set and @config.cpu_set_size 0: its CPU set is at
 *	@cpu_set_offset
 * @total: the counters
 * @hist: latency histograms by enum velox_stage
 * @noise_cpus: entries at @noise_offset in use: the CPUs the last run with
 *	tail capture watched (its CPU set, or every online CPU), 0 otherwise
 * @stop_reason: enum velox_stop_reason: once the run stops (from
 *	STOPPING on), why
 * @slots: entries at @lane_offset and at @noise_offset: one per possible
 *	CPU id, as a run has at most a lane per online CPU
 * @lane_offset: from the start of the area, struct velox_lane_counters per
 *	lane: the first @config.lanes entries are the run's, the rest zero
 * @noise_offset: struct velox_noise_cpu per CPU the last run with tail
 *	capture watched, in CPU order: what the machine took from it
 * @cpu_set_offset: the run's CPU set, in velox_config.cpu_set's layout
 *	(all zero: the scheduler placed the threads)
 * @cpu_set_size: its bytes (velox_info.cpu_set_size)
 * @__reserved: zero
 *
 * The area is velox_info.stats_size bytes: this struct, then the arrays,
 * each at its offset (velox_stats_lanes() and the like find them).
 * While running, the kernel republishes at least every 100 ms; at stop it
 * publishes once more after every lane drained, so then
 * generated == delivered + dropped exactly.
 */
struct velox_stats {
	__u64 magic;
	__u32 abi_version;
	__u32 size;
	__u32 seq;
	__u32 state;
	__u64 run;
	__u64 publish_ns;
	__u64 start_ns;
	__u64 stop_ns;
	__u64 publishes;
	struct velox_config config;
	struct velox_counters total;
	struct velox_hist_data hist[VELOX_STAGES];
	__u32 noise_cpus;
	__u32 stop_reason;
	__u32 slots;
	__u32 lane_offset;
	__u32 noise_offset;
	__u32 cpu_set_offset;
	__u32 cpu_set_size;
	__u32 __reserved;
};

/* The arrays behind the fixed part of a stats area (or a whole copy of it). */
static inline const struct velox_lane_counters *
velox_stats_lanes(const struct velox_stats *st)
{
	return (const struct velox_lane_counters *)
		((const char *)st + st->lane_offset);
}

static inline const struct velox_noise_cpu *
velox_stats_noise(const struct velox_stats *st)
{
	return (const struct velox_noise_cpu *)
		((const char *)st + st->noise_offset);
}

static inline const __u64 *velox_stats_cpu_set(const struct velox_stats *st)
{
	return (const __u64 *)((const char *)st + st->cpu_set_offset);
}

#endif /* _UAPI_LINUX_VELOX_H */
