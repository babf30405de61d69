// SPDX-License-Identifier: GPL-2.0
/*
 * The pipeline through /dev/velox with the module loaded: start/stop
 * cycles and what must hold after each, every policy, rings kept full,
 * the bad-input matrix of START, what START writes back, the read-only
 * stats mapping, ioctls from many processes at once, and debugfs agreeing
 * with the mapping.  Nothing here asserts a duration: the VM's speed
 * varies.
 */
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "velox_test.h"

/* Cases that run the pipeline many times: TCG is slow, never hung. */
#define LONG_TIMEOUT 180

FIXTURE(velox_engine) {
	int fd;
	struct velox_info info;
	struct velox_config defaults;	/* the module parameters' */
	const struct velox_stats *area;
	struct velox_stats *snap;	/* the area, as last read */
};

FIXTURE_SETUP(velox_engine)
{
	self->fd = velox_open(_metadata);
	self->info.size = sizeof(self->info);
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_INFO, &self->info));
	self->defaults.size = sizeof(self->defaults);
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_CONFIG,
				    &self->defaults));
	self->area = velox_map_stats(_metadata, self->fd, &self->info);
	self->snap = velox_alloc_stats(_metadata, &self->info);
}

/* Whatever a case did, the next one starts from a stopped pipeline. */
FIXTURE_TEARDOWN(velox_engine)
{
	EXPECT_EQ(0, velox_ioctl(self->fd, VELOX_IOC_STOP, NULL));
	free(self->snap);
	munmap((void *)self->area, self->info.stats_size);
	close(self->fd);
}

/*
 * Everything that must hold once a run has stopped; @what says which run.
 * A run stopped at once may not have generated anything yet.
 */
static void check_run(struct __test_metadata *_metadata,
		      FIXTURE_DATA(velox_engine) *self, const char *what,
		      bool need_traffic)
{
	const struct velox_counters *c = &self->snap->total;
	const struct velox_lane_counters *lane;
	__u64 gen = 0, del = 0, drop = 0;

	read_stats(self);
	ASSERT_EQ(VELOX_STATE_STOPPED, self->snap->state)
		TH_LOG("%s: state after STOP", what);
	if (need_traffic) {
		ASSERT_LT(0u, c->generated) TH_LOG("%s: nothing generated", what);
	}
	ASSERT_EQ(c->generated, c->delivered + c->dropped)
		TH_LOG("%s: generated != delivered %llu + dropped %llu", what,
		       c->delivered, c->dropped);
	ASSERT_EQ(0u, c->seq_errors)
		TH_LOG("%s: transactions delivered out of order", what);
	ASSERT_EQ(c->submitted_qty, 2 * c->filled_qty + c->resting_qty +
		  c->cancelled_qty + c->expired_qty + c->rejected_qty)
		TH_LOG("%s: book quantity not conserved: 2 * filled %llu + resting %llu + cancelled %llu + expired %llu + rejected %llu",
		       what, c->filled_qty, c->resting_qty, c->cancelled_qty,
		       c->expired_qty, c->rejected_qty);
	ASSERT_GE(self->snap->slots, self->snap->config.lanes)
		TH_LOG("%s: %u lanes in %u slots", what, self->snap->config.lanes,
		       self->snap->slots);
	lane = velox_stats_lanes(self->snap);
	for (__u32 i = 0; i < self->snap->config.lanes; i++) {
		gen += lane[i].generated;
		del += lane[i].delivered;
		drop += lane[i].dropped;
	}
	ASSERT_EQ(c->generated, gen) TH_LOG("%s: lanes' generated", what);
	ASSERT_EQ(c->delivered, del) TH_LOG("%s: lanes' delivered", what);
	ASSERT_EQ(c->dropped, drop) TH_LOG("%s: lanes' dropped", what);
	ASSERT_EQ(c->sampled, self->snap->hist[VELOX_STAGE_E2E].count)
		TH_LOG("%s: the e2e histogram holds what was sampled", what);
}

/* debugfs "key: value" for @key, or -1. */
static long long debugfs_value(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, key, n) && p[n] == ':')
			return atoll(p + n + 1);
	}
	return -1;
}

static bool read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
	return n > 0;
}

/* START @cfg, let it run @ms, STOP, and check the run. */
static void run_for(struct __test_metadata *_metadata,
		    FIXTURE_DATA(velox_engine) *self, struct velox_config *cfg,
		    unsigned int ms, const char *what)
{
	int err;

	cfg->size = sizeof(*cfg);
	err = velox_ioctl(self->fd, VELOX_IOC_START, cfg);
	ASSERT_EQ(0, err) TH_LOG("%s: START: %s", what, strerror(err));
	velox_sleep_ms(ms);
	err = velox_ioctl(self->fd, VELOX_IOC_STOP, NULL);
	ASSERT_EQ(0, err) TH_LOG("%s: STOP: %s", what, strerror(err));
	check_run(_metadata, self, what, ms > 0);
}

TEST_F_TIMEOUT(velox_engine, fifty_start_stop_cycles_conserve_exactly,
	       LONG_TIMEOUT)
{
	static const __u32 rings[] = { 4, 64, 1024, 65536 };
	static const __u8 threads[] = { 0, 1, 2, 4 };

	for (int i = 0; i < 50; i++) {
		struct velox_config c = self->defaults;
		char what[32];

		c.rate = 1000 + (__u32)i * 199999;
		c.lanes = 1 + (__u32)i % self->info.max_lanes;
		c.bundle = 1 + i % 16;
		c.flush_us = 1 + (__u32)i * 37;
		c.ring = rings[i % 4];
		c.sample = 1 + i % 7;
		c.backoff = i % VELOX_BACKOFF_POLICIES;
		c.policy = (i / 3) % VELOX_POLICIES;
		c.threads = threads[i % 4];
		c.seed = i;
		snprintf(what, sizeof(what), "cycle %d", i + 1);
		run_for(_metadata, self, &c, 20 + i % 5 * 10, what);
		ASSERT_NE(0u, self->snap->run) TH_LOG("%s: run counter", what);
	}
}

TEST_F_TIMEOUT(velox_engine, every_backoff_and_policy_runs_and_stops,
	       LONG_TIMEOUT)
{
	for (int b = 0; b < VELOX_BACKOFF_POLICIES; b++) {
		for (int p = 0; p < VELOX_POLICIES; p++) {
			struct velox_config c = self->defaults;
			char what[32];

			c.backoff = b;
			c.policy = p;
			c.rate = 1000000;
			snprintf(what, sizeof(what), "backoff %d policy %d", b, p);
			run_for(_metadata, self, &c, 100, what);
			if (p == VELOX_POLICY_BLOCK) {
				ASSERT_EQ(0u, self->snap->total.dropped)
					TH_LOG("%s: drops under block", what);
			}
		}
	}
}

TEST_F_TIMEOUT(velox_engine, two_lanes_share_the_book, LONG_TIMEOUT)
{
	struct velox_config c = self->defaults;

	ASSERT_LE(2u, self->info.max_lanes)
		TH_LOG("the VM must have 2 CPUs");
	c.lanes = 2;
	c.rate = 400000;
	run_for(_metadata, self, &c, 300, "two lanes");
	for (int i = 0; i < 2; i++) {
		EXPECT_LT(0u, velox_stats_lanes(self->snap)[i].delivered)
			TH_LOG("lane %d delivered nothing", i);
	}
	EXPECT_EQ(self->snap->total.delivered, self->snap->total.orders)
		TH_LOG("the book took what the lanes delivered");
}

/* Tiny rings at the top rate: STOP arrives while every ring is full. */
TEST_F_TIMEOUT(velox_engine, stop_while_rings_are_full, LONG_TIMEOUT)
{
	for (int p = 0; p < VELOX_POLICIES; p++) {
		struct velox_config c = self->defaults;
		const char *what = p == VELOX_POLICY_BLOCK ?
				   "full rings, block" : "full rings, drop";

		c.ring = VELOX_RING_MIN;
		c.rate = VELOX_RATE_MAX;
		c.policy = p;
		c.backoff = VELOX_BACKOFF_SPIN;
		run_for(_metadata, self, &c, 30, what);
		ASSERT_LT(0u, self->snap->total.full_waits +
			      self->snap->total.dropped)
			TH_LOG("%s: rings never filled (no drop, no wait)", what);
	}
}

TEST_F_TIMEOUT(velox_engine, start_right_after_stop, LONG_TIMEOUT)
{
	struct velox_config c = self->defaults;
	__u64 run0;

	read_stats(self);
	run0 = self->snap->run;
	for (int i = 0; i < 5; i++)
		run_for(_metadata, self, &c, 0, "back to back");
	EXPECT_EQ(run0 + 5, self->snap->run) TH_LOG("the run counter");
}

/*
 * read() of a tail run's spikes: a count below one record or a position
 * off a record's boundary is EINVAL, a bad buffer EFAULT; read() returns
 * whole records, at most 24 a call, and advances the position, until
 * all that were captured are read and it returns 0.
 */
TEST_F_TIMEOUT(velox_engine, read_returns_every_spike_in_whole_records,
	       LONG_TIMEOUT)
{
	struct velox_config c = self->defaults;
	const size_t size = sizeof(struct velox_spike);
	static struct velox_spike buf[64];
	void *volatile bad;
	size_t total = 0;
	ssize_t n;

	c.tail_ns = 1;		/* every sampled transaction is a spike */
	c.sample = 1;
	c.rate = 20000;
	run_for(_metadata, self, &c, 100, "tail run");
	ASSERT_LT(0u, self->snap->total.tail_captured);

	EXPECT_EQ(-1, pread(self->fd, buf, size - 1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pread(self->fd, buf, size, 1));
	EXPECT_EQ(EINVAL, errno);
	/* An address no process has mapped: the first page. */
	bad = (void *)(uintptr_t)8;
	EXPECT_EQ(-1, pread(self->fd, bad, size, 0));
	EXPECT_EQ(EFAULT, errno);

	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	while ((n = read(self->fd, buf, sizeof(buf))) > 0) {
		ASSERT_EQ(0, n % size) TH_LOG("read %zd bytes", n);
		ASSERT_GE(24 * size, (size_t)n) TH_LOG("read %zd bytes", n);
		ASSERT_NE(0u, buf[0].e2e_ns) TH_LOG("spike %zu empty", total / size);
		total += n;
	}
	ASSERT_EQ(0, n) TH_LOG("read: %s", strerror(errno));
	EXPECT_EQ(self->snap->total.tail_captured * size, total);
}

/*
 * An overloaded lane under the drop policy: the transactions it drops
 * take no stamp slot, so the spikes of those in flight come out whole,
 * none partial, however many ids the drops use up.
 */
TEST_F_TIMEOUT(velox_engine, drops_leave_no_spike_partial, LONG_TIMEOUT)
{
	struct velox_config c = self->defaults;

	c.ring = VELOX_RING_MIN;
	c.rate = VELOX_RATE_MAX;
	c.policy = VELOX_POLICY_DROP;
	c.backoff = VELOX_BACKOFF_SPIN;
	c.sample = 1;
	c.tail_ns = 1;
	run_for(_metadata, self, &c, 100, "overload, drop, tail");
	ASSERT_LT(0u, self->snap->total.dropped);
	ASSERT_LT(0u, self->snap->total.tail_captured);
	EXPECT_EQ(0u, self->snap->total.tail_partial)
		TH_LOG("%llu of %llu spikes partial",
		       self->snap->total.tail_partial,
		       self->snap->total.tail_captured);
}

/* START writes back what runs: the thread count it chose for 0. */
TEST_F(velox_engine, start_with_threads_0_writes_back_the_count_it_chose)
{
	struct velox_config c = self->defaults;
	struct velox_config running = { .size = sizeof(running) };

	c.size = sizeof(c);
	c.threads = 0;
	c.rate = 10000;
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_START, &c));
	EXPECT_TRUE(c.threads == 1 || c.threads == 2 || c.threads == 4)
		TH_LOG("expected START to write back 1, 2 or 4 threads, got %u",
		       c.threads);
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_CONFIG, &running));
	EXPECT_EQ(running.threads, c.threads)
		TH_LOG("START wrote back %u threads, GET_CONFIG says %u",
		       c.threads, running.threads);
	read_stats(self);
	EXPECT_EQ(VELOX_STATE_RUNNING, self->snap->state);
	EXPECT_EQ(self->snap->config.threads, c.threads)
		TH_LOG("START wrote back %u threads, the stats area says %u",
		       c.threads, self->snap->config.threads);
}

/* A longer caller gets the kernel's size back, and its tail untouched. */
TEST_F(velox_engine, start_writes_back_the_smaller_size)
{
	struct {
		struct velox_config c;
		__u64 future[4];
	} big;

	memset(&big, 0, sizeof(big));
	big.c = self->defaults;
	big.c.size = sizeof(big);
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_START, &big));
	EXPECT_EQ(sizeof(big.c), big.c.size)
		TH_LOG("expected min(caller's %zu, kernel's %zu)", sizeof(big),
		       sizeof(big.c));
	for (size_t i = 0; i < ARRAY_SIZE(big.future); i++) {
		EXPECT_EQ(0u, big.future[i])
			TH_LOG("the kernel wrote tail word %zu", i);
	}
}

/*
 * Of the CPUs this process may run on, which are online, the lowest and
 * the highest into @cpus; returns how many differ (0: none found).
 */
static int allowed_cpus(int cpus[2])
{
	const int max = VELOX_CPU_SET_SIZE_MAX * 8;
	size_t size = CPU_ALLOC_SIZE(max);
	cpu_set_t *set = CPU_ALLOC(max);
	int n = 0;

	if (set && !sched_getaffinity(0, size, set))
		for (int c = 0; c < max; c++)
			if (CPU_ISSET_S(c, size, set)) {
				cpus[n ? 1 : 0] = c;
				n = n ? 2 : 1;
			}
	CPU_FREE(set);
	return n;
}

static void set_cpu(__u64 *set, int cpu)
{
	set[cpu / 64] |= 1ull << (cpu % 64);
}

/* A CPU set of @words words naming @n of @cpus, in @c. */
static void use_cpu_set(struct velox_config *c, __u64 *set, size_t words,
			const int *cpus, int n)
{
	memset(set, 0, words * sizeof(*set));
	for (int i = 0; i < n; i++)
		set_cpu(set, cpus[i]);
	c->cpus = 0;
	c->cpu_set = (uintptr_t)set;
	c->cpu_set_size = words * sizeof(*set);
}

/*
 * Where the arrays behind the fixed part lie: 8-aligned, inside the area,
 * a slot for every lane; the fixed part's own CPU fields 0.
 */
TEST_F(velox_engine, stats_area_arrays_lie_inside_it)
{
	const struct velox_stats *st = self->snap;
	const __u64 size = self->info.stats_size;

	read_stats(self);
	EXPECT_LE(self->info.max_lanes, st->slots);
	EXPECT_EQ(self->info.cpu_set_size, st->cpu_set_size);
	EXPECT_EQ(0, st->lane_offset % 8);
	EXPECT_EQ(0, st->noise_offset % 8);
	EXPECT_EQ(0, st->cpu_set_offset % 8);
	EXPECT_LE(sizeof(*st), st->lane_offset);
	EXPECT_LE(sizeof(*st), st->noise_offset);
	EXPECT_LE(sizeof(*st), st->cpu_set_offset);
	EXPECT_GE(size, st->lane_offset +
		  (__u64)st->slots * sizeof(struct velox_lane_counters))
		TH_LOG("%u lane slots at %u in %llu bytes", st->slots,
		       st->lane_offset, size);
	EXPECT_GE(size, st->noise_offset +
		  (__u64)st->slots * sizeof(struct velox_noise_cpu))
		TH_LOG("%u noise slots at %u in %llu bytes", st->slots,
		       st->noise_offset, size);
	EXPECT_GE(size, (__u64)st->cpu_set_offset + st->cpu_set_size)
		TH_LOG("a CPU set of %u bytes at %u in %llu bytes",
		       st->cpu_set_size, st->cpu_set_offset, size);
	EXPECT_EQ(0u, st->config.cpus);
	EXPECT_EQ(0u, st->config.cpu_set);
	EXPECT_EQ(0u, st->config.cpu_set_size);
}

/* A set longer than the machine needs, zero past its CPUs: it runs. */
TEST_F(velox_engine, start_takes_a_longer_cpu_set_whose_rest_is_zero)
{
	static __u64 set[VELOX_CPU_SET_SIZE_MAX / 8];
	struct velox_config c = self->defaults;
	int cpus[2];

	ASSERT_LE(1, allowed_cpus(cpus));
	c.size = sizeof(c);
	c.threads = 1;
	c.lanes = 1;
	use_cpu_set(&c, set, self->info.cpu_set_size / 8 + 2, cpus, 1);
	EXPECT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_START, &c));
}

/*
 * GET_CONFIG hands back the set START was given, into a set as long as
 * the caller says: cpus 0, the words past the machine's zeroed.  The
 * stats area holds the same set.
 */
TEST_F(velox_engine, get_config_returns_the_cpu_set_start_was_given)
{
	static __u64 set[VELOX_CPU_SET_SIZE_MAX / 8], got[VELOX_CPU_SET_SIZE_MAX / 8];
	const size_t words = self->info.cpu_set_size / 8;
	struct velox_config c = self->defaults;
	struct velox_config running = { .size = sizeof(running) };
	int cpus[2], n;

	/* The lowest and the highest: across words on a big machine. */
	n = allowed_cpus(cpus);
	ASSERT_LE(1, n);
	c.size = sizeof(c);
	c.lanes = 1;
	use_cpu_set(&c, set, words, cpus, n);
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_START, &c));

	memset(got, 0xff, (words + 1) * sizeof(*got));
	running.cpu_set = (uintptr_t)got;
	running.cpu_set_size = (words + 1) * sizeof(*got);
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_CONFIG, &running));
	EXPECT_EQ(0u, running.cpus)
		TH_LOG("GET_CONFIG with a set returned cpus %#llx",
		       running.cpus);
	for (size_t w = 0; w < words; w++) {
		EXPECT_EQ(set[w], got[w]) TH_LOG("word %zu of the set", w);
	}
	EXPECT_EQ(0u, got[words])
		TH_LOG("the word past the machine's set was not zeroed");
	read_stats(self);
	EXPECT_EQ(0, memcmp(set, velox_stats_cpu_set(self->snap),
			    self->info.cpu_set_size))
		TH_LOG("the stats area's set is not the one START was given");
}

/* A caller that knows nothing of sets gets CPUs 0-63 in cpus. */
TEST_F(velox_engine, get_config_without_a_cpu_set_returns_cpus_0_to_63)
{
	static __u64 set[VELOX_CPU_SET_SIZE_MAX / 8];
	struct velox_config c = self->defaults;
	struct velox_config running = { .size = sizeof(running) };
	int cpus[2], n;

	n = allowed_cpus(cpus);
	ASSERT_LE(1, n);
	c.size = sizeof(c);
	c.lanes = 1;
	use_cpu_set(&c, set, self->info.cpu_set_size / 8, cpus, n);
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_START, &c));
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_CONFIG, &running));
	EXPECT_EQ(set[0], running.cpus);
	EXPECT_EQ(0u, running.cpu_set);
	EXPECT_EQ(0u, running.cpu_set_size);
}

/*
 * Too small a set for this machine's CPU ids, as sched_getaffinity(2)
 * refuses one: a word less, or (a machine of 64 CPU ids or fewer) half a
 * word, which is also not whole words.
 */
TEST_F(velox_engine, get_config_into_a_cpu_set_smaller_than_the_machines_is_einval)
{
	static __u64 set[VELOX_CPU_SET_SIZE_MAX / 8];
	struct velox_config c = { .size = sizeof(c) };

	c.cpu_set = (uintptr_t)set;
	c.cpu_set_size = self->info.cpu_set_size > 8 ?
			 self->info.cpu_set_size - 8 : 4;
	EXPECT_ERRNO(EINVAL, velox_ioctl(self->fd, VELOX_IOC_GET_CONFIG, &c));
}

/* The bad-input matrix of START: each bad field alone, nothing started. */
FIXTURE(velox_bad_start) {
	int fd;
	struct velox_info info;
	struct velox_config config;	/* the defaults, one field spoilt */
};

FIXTURE_VARIANT(velox_bad_start) {
	void (*spoil)(struct velox_config *c, const struct velox_info *info);
};

#define BAD_START(name, stmt)						\
	static void spoil_##name(struct velox_config *c,		\
				 const struct velox_info *info)		\
	{								\
		(void)info;						\
		stmt;							\
	}								\
	FIXTURE_VARIANT_ADD(velox_bad_start, name) {			\
		.spoil = spoil_##name,					\
	}

/*
 * The CPU set of the variants that pass one: room for the largest a
 * caller may pass.  It names the CPU the setup runs on (online), and
 * @size bytes of it go with the config.
 */
static __u64 bad_set[VELOX_CPU_SET_SIZE_MAX / 8 + 1];

static void bad_set_use(struct velox_config *c, __u32 size)
{
	int cpu = sched_getcpu();

	memset(bad_set, 0, sizeof(bad_set));
	set_cpu(bad_set, cpu < 0 ? 0 : cpu);
	c->cpus = 0;
	c->cpu_set = (uintptr_t)bad_set;
	c->cpu_set_size = size;
}

BAD_START(rate_0, c->rate = 0);
BAD_START(rate_over_10M, c->rate = VELOX_RATE_MAX + 1);
BAD_START(lanes_0, c->lanes = 0);
BAD_START(lanes_over_online_cpus, c->lanes = info->max_lanes + 1);
BAD_START(bundle_0, c->bundle = 0);
BAD_START(bundle_17, c->bundle = 17);
BAD_START(flush_0, c->flush_us = 0);
BAD_START(ring_not_power_of_two, c->ring = 1000);
BAD_START(ring_too_big, c->ring = VELOX_RING_MAX * 2);
BAD_START(sample_0, c->sample = 0);
BAD_START(spin_us_0, c->spin_us = 0);
BAD_START(unknown_backoff, c->backoff = VELOX_BACKOFF_POLICIES);
BAD_START(unknown_policy, c->policy = VELOX_POLICIES);
BAD_START(threads_3, c->threads = 3);
BAD_START(cpu_not_online, c->cpus = 1ull << 63);
/* CPU 63 alone: on a machine of 64 CPU ids or fewer, no such CPU. */
BAD_START(cpu_set_names_cpu_63,
	  (bad_set_use(c, info->cpu_set_size), bad_set[0] = 1ull << 63));
BAD_START(cpu_set_size_not_whole_words,
	  bad_set_use(c, info->cpu_set_size + 4));
BAD_START(cpus_beside_a_cpu_set,
	  (bad_set_use(c, info->cpu_set_size), c->cpus = bad_set[0] | 1));
BAD_START(cpu_set_size_over_the_limit,
	  bad_set_use(c, VELOX_CPU_SET_SIZE_MAX + 8));
/* A longer set with a CPU past the machine's words: none has that id. */
BAD_START(cpu_set_names_a_cpu_past_the_machines,
	  (bad_set_use(c, info->cpu_set_size + 8),
	   bad_set[info->cpu_set_size / 8] = 1));
BAD_START(reserved_byte_set, c->__reserved0 = 1);
BAD_START(tail_over_a_minute, c->tail_ns = VELOX_TAIL_NS_MAX + 1);
BAD_START(snapshot_without_tail, (c->tail_ns = 0, c->snapshot_ns = 1000));
BAD_START(snapshot_below_tail, (c->tail_ns = 2000, c->snapshot_ns = 1000));
/* Version 1 ends at snapshot_ns: the CPU set came later. */
BAD_START(size_shorter_than_v1,
	  c->size = offsetof(struct velox_config, snapshot_ns));
BAD_START(size_2, c->size = 2);

FIXTURE_SETUP(velox_bad_start)
{
	self->fd = velox_open(_metadata);
	self->info.size = sizeof(self->info);
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_INFO, &self->info));
	self->config.size = sizeof(self->config);
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_CONFIG,
				    &self->config));
	variant->spoil(&self->config, &self->info);
}

FIXTURE_TEARDOWN(velox_bad_start)
{
	velox_ioctl(self->fd, VELOX_IOC_STOP, NULL);
	close(self->fd);
}

TEST_F(velox_bad_start, start_is_einval)
{
	EXPECT_ERRNO(EINVAL, velox_ioctl(self->fd, VELOX_IOC_START,
					 &self->config));
}

TEST_F(velox_engine, start_unknown_nonzero_tail_is_e2big)
{
	struct {
		struct velox_config c;
		__u64 future;
	} big = { .c = self->defaults, .future = 1 };

	big.c.size = sizeof(big);
	EXPECT_ERRNO(E2BIG, velox_ioctl(self->fd, VELOX_IOC_START, &big));
}

/* A zero tail beyond what the kernel knows is fine. */
TEST_F(velox_engine, start_zero_tail_is_accepted)
{
	struct {
		struct velox_config c;
		__u64 future;
	} big = { .c = self->defaults, .future = 0 };

	big.c.size = sizeof(big);
	EXPECT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_START, &big));
}

TEST_F(velox_engine, start_bad_pointer_is_efault)
{
	EXPECT_ERRNO(EFAULT, velox_ioctl(self->fd, VELOX_IOC_START, (void *)16));
}

/*
 * A config the kernel can read but not write back: START must fail with
 * EFAULT before anything runs, not start and then say it failed.
 */
TEST_F(velox_engine, start_that_cannot_write_back_starts_nothing)
{
	long page = sysconf(_SC_PAGESIZE);
	struct velox_config *c;
	__u64 runs;

	c = mmap(NULL, page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, c);
	*c = self->defaults;
	c->size = sizeof(*c);
	ASSERT_EQ(0, mprotect(c, page, PROT_READ));
	read_stats(self);
	runs = self->snap->run;
	EXPECT_ERRNO(EFAULT, velox_ioctl(self->fd, VELOX_IOC_START, c));
	read_stats(self);
	EXPECT_EQ(VELOX_STATE_STOPPED, self->snap->state)
		TH_LOG("START failed with EFAULT, but the pipeline is %u",
		       self->snap->state);
	EXPECT_EQ(runs, self->snap->run)
		TH_LOG("START failed with EFAULT, but a run was counted");
	munmap(c, page);
}

TEST_F(velox_engine, get_config_bad_pointer_is_efault)
{
	EXPECT_ERRNO(EFAULT, velox_ioctl(self->fd, VELOX_IOC_GET_CONFIG,
					 (void *)16));
}

TEST_F(velox_engine, start_or_reset_while_running_is_ebusy)
{
	struct velox_config c = self->defaults;

	c.size = sizeof(c);
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_START, &c));
	EXPECT_ERRNO(EBUSY, velox_ioctl(self->fd, VELOX_IOC_START, &c));
	EXPECT_ERRNO(EBUSY, velox_ioctl(self->fd, VELOX_IOC_RESET_STATS, NULL));
}

/* The defaults are the module parameters: rate, for one. */
TEST_F(velox_engine, get_config_while_stopped_returns_the_defaults)
{
	struct velox_config c = { .size = sizeof(c) };
	char text[32];

	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_CONFIG, &c));
	EXPECT_EQ(sizeof(c), c.size);
	ASSERT_TRUE(read_text("/sys/module/velox/parameters/rate", text,
			      sizeof(text)))
		TH_LOG("read the module parameter rate: %s", strerror(errno));
	EXPECT_EQ(strtoul(text, NULL, 10), c.rate)
		TH_LOG("GET_CONFIG's rate is not the module parameter's");
}

TEST_F(velox_engine, reset_while_stopped_zeroes_the_stats)
{
	struct velox_config c = self->defaults;

	run_for(_metadata, self, &c, 50, "before the reset");
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_RESET_STATS, NULL));
	read_stats(self);
	EXPECT_EQ(0u, self->snap->total.generated);
	EXPECT_EQ(0u, self->snap->hist[VELOX_STAGE_E2E].count);
}

/* Without CAP_SYS_ADMIN (root, the capability dropped): EPERM; reading works. */
TEST_F(velox_engine, start_stop_reset_without_cap_sys_admin_are_eperm)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	struct velox_config c = self->defaults;
	struct velox_config got = { .size = sizeof(got) };

	ASSERT_EQ(0, syscall(SYS_capget, &h, d));
	d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	ASSERT_EQ(0, syscall(SYS_capset, &h, d));
	c.size = sizeof(c);
	EXPECT_ERRNO(EPERM, velox_ioctl(self->fd, VELOX_IOC_START, &c));
	EXPECT_ERRNO(EPERM, velox_ioctl(self->fd, VELOX_IOC_STOP, NULL));
	EXPECT_ERRNO(EPERM, velox_ioctl(self->fd, VELOX_IOC_RESET_STATS, NULL));
	EXPECT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_CONFIG, &got));
	/* Back, for the teardown's STOP. */
	d[CAP_SYS_ADMIN / 32].effective |= 1u << (CAP_SYS_ADMIN % 32);
	ASSERT_EQ(0, syscall(SYS_capset, &h, d));
}

/* mmap(@prot) of @len bytes at @off: 0, or the errno it failed with. */
static int try_mmap(int fd, size_t len, int prot, off_t off)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, off);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, len);
	return 0;
}

/* mprotect(@prot) on a read-only mapping of its own: 0, or the errno. */
static int try_mprotect(struct __test_metadata *_metadata,
			FIXTURE_DATA(velox_engine) *self, int prot)
{
	const struct velox_stats *p;
	int err;

	p = velox_map_stats(_metadata, self->fd, &self->info);
	err = mprotect((void *)p, self->info.stats_size, prot) ? errno : 0;
	munmap((void *)p, self->info.stats_size);
	return err;
}

TEST_F(velox_engine, mmap_writable_is_refused)
{
	EXPECT_ERRNO(EPERM, try_mmap(self->fd, self->info.stats_size,
				     PROT_READ | PROT_WRITE, 0));
}

TEST_F(velox_engine, mprotect_to_write_is_refused)
{
	EXPECT_ERRNO(EACCES, try_mprotect(_metadata, self,
					  PROT_READ | PROT_WRITE));
}

/*
 * On a noexec mount the VFS refuses PROT_EXEC before the module is asked,
 * and the exec cases would pass whatever the module does.
 */
static bool dev_is_noexec(void)
{
	struct statvfs sv;

	return !statvfs(VELOX_DEV, &sv) && (sv.f_flag & ST_NOEXEC);
}

TEST_F(velox_engine, mmap_exec_is_refused)
{
	if (dev_is_noexec())
		SKIP(return, "%s is on a noexec mount", VELOX_DEV);
	EXPECT_ERRNO(EPERM, try_mmap(self->fd, self->info.stats_size,
				     PROT_READ | PROT_EXEC, 0));
}

TEST_F(velox_engine, mprotect_to_exec_is_refused)
{
	if (dev_is_noexec())
		SKIP(return, "%s is on a noexec mount", VELOX_DEV);
	EXPECT_ERRNO(EACCES, try_mprotect(_metadata, self,
					  PROT_READ | PROT_EXEC));
}

TEST_F(velox_engine, mmap_longer_than_the_area_is_refused)
{
	EXPECT_ERRNO(EINVAL, try_mmap(self->fd, self->info.stats_size + 4096,
				      PROT_READ, 0));
}

TEST_F(velox_engine, mmap_offset_past_the_area_is_refused)
{
	EXPECT_ERRNO(EINVAL, try_mmap(self->fd, 4096, PROT_READ,
				      self->info.stats_size));
}

TEST_F(velox_engine, mapped_area_has_magic_abi_and_size)
{
	EXPECT_EQ(VELOX_STATS_MAGIC, self->area->magic);
	EXPECT_EQ(VELOX_ABI_VERSION, self->area->abi_version);
	EXPECT_EQ(self->info.stats_size, self->area->size);
}

/* Many processes hammer the ioctls at once: only 0 or EBUSY, no harm. */
TEST_F_TIMEOUT(velox_engine, concurrent_ioctls_from_8_processes, LONG_TIMEOUT)
{
	enum { PROCS = 8, ROUNDS = 25 };
	pid_t pids[PROCS];

	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		ASSERT_LE(0, pids[p]) TH_LOG("fork: %s", strerror(errno));
		if (pids[p])
			continue;
		for (int r = 0; r < ROUNDS; r++) {
			struct velox_config c = self->defaults;
			int err;

			c.size = sizeof(c);
			c.seed = p * ROUNDS + r;
			switch ((p + r) % 4) {
			case 0:
				err = velox_ioctl(self->fd, VELOX_IOC_START, &c);
				break;
			case 1:
				err = velox_ioctl(self->fd, VELOX_IOC_STOP, NULL);
				break;
			case 2:
				err = velox_ioctl(self->fd, VELOX_IOC_GET_CONFIG, &c);
				break;
			default:
				err = velox_ioctl(self->fd, VELOX_IOC_RESET_STATS, NULL);
			}
			/* The failing ioctl's errno says which, and why. */
			if (err && err != EBUSY)
				_exit(err);
		}
		_exit(0);
	}
	for (int p = 0; p < PROCS; p++) {
		int status;

		ASSERT_EQ(pids[p], waitpid(pids[p], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("process %d: an ioctl failed with %s, not EBUSY",
			       p, WIFEXITED(status) ?
			       strerror(WEXITSTATUS(status)) : "a signal");
	}
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_STOP, NULL));
	/* The last run, if any ran last, ended conserved. */
	read_stats(self);
	if (self->snap->total.generated)
		check_run(_metadata, self, "after the storm", true);
}

TEST_F_TIMEOUT(velox_engine, debugfs_stats_and_histogram_agree_with_mapping,
	       LONG_TIMEOUT)
{
	static const char *const keys[] = {
		"generated", "delivered", "dropped", "sampled", "bundles",
		"orders", "fills", "filled_qty", "resting_qty", "cas_retries",
	};
	const struct velox_counters *t = &self->snap->total;
	const __u64 *vals[] = {
		&t->generated, &t->delivered, &t->dropped, &t->sampled,
		&t->bundles, &t->orders, &t->fills, &t->filled_qty,
		&t->resting_qty, &t->cas_retries,
	};
	struct velox_config c = self->defaults;
	static char text[16384];
	char want[64];

	run_for(_metadata, self, &c, 200, "debugfs run");
	ASSERT_TRUE(read_text("/sys/kernel/debug/velox/stats", text,
			      sizeof(text)))
		TH_LOG("read debugfs velox/stats: %s", strerror(errno));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		long long v = debugfs_value(text, keys[i]);

		EXPECT_EQ((long long)*vals[i], v)
			TH_LOG("%s: debugfs %lld, mapping %llu", keys[i], v,
			       *vals[i]);
	}
	ASSERT_TRUE(read_text("/sys/kernel/debug/velox/histogram", text,
			      sizeof(text)))
		TH_LOG("read debugfs velox/histogram: %s", strerror(errno));
	snprintf(want, sizeof(want),
		 "e2e: intended ingress time -> output\n  count %llu",
		 self->snap->hist[VELOX_STAGE_E2E].count);
	EXPECT_NE(NULL, strstr(text, want))
		TH_LOG("the histogram lacks '%s'", want);
}

TEST_HARNESS_MAIN
