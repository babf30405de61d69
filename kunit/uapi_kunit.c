// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_uapi: the userspace ABI of uapi/linux/velox.h as the
 * kernel side dispatches it.  Copies to and from user memory are tested in
 * the VM (tools/testing/selftests/velox); UML cannot reach user memory.
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/ioctl.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/stddef.h>
#include <linux/velox.h>

#include "../module/chardev.h"

/* A released struct's layout is ABI: its size and offsets never move. */
static void velox_info_layout_is_fixed(struct kunit *test)
{
	/* Version 1 ended at max_ring (32 bytes); tail_spikes came after. */
	KUNIT_EXPECT_EQ(test, sizeof(struct velox_info), 40);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_info, size), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_info, abi_version), 4);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_info, stats_size), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_info, hist_sub_bits), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_info, max_ring), 28);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_info, tail_spikes), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_info, cpu_set_size), 36);
}

static void velox_config_layout_is_fixed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct velox_config), 80);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_config, size), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_config, backoff), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_config, seed), 36);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_config, cpus), 40);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_config, cpu_set), 64);
	/* tail_ns and snapshot_ns took the place of two reserved words. */
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_config, tail_ns), 48);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_config, snapshot_ns), 56);
}

/* Readers on every ABI find the same fields at the same places. */
static void velox_stats_layout_has_no_holes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_stats, seq), 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_stats, config), 64);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_stats, total), 144);
	KUNIT_EXPECT_EQ(test, sizeof(struct velox_counters), 8 * 32);
	KUNIT_EXPECT_EQ(test, sizeof(struct velox_hist_data),
			8 * (4 + VELOX_HIST_BUCKETS));
	KUNIT_EXPECT_EQ(test, sizeof(struct velox_stats),
			64 + sizeof(struct velox_config) +
			sizeof(struct velox_counters) +
			VELOX_STAGES * sizeof(struct velox_hist_data) + 32);
	KUNIT_EXPECT_EQ(test, sizeof(struct velox_lane_counters), 24);
	KUNIT_EXPECT_EQ(test, sizeof(struct velox_offender), 40);
	KUNIT_EXPECT_EQ(test, sizeof(struct velox_noise_cpu),
			16 + 16 * VELOX_NOISES + 40 * VELOX_NOISE_TOP);
	KUNIT_EXPECT_EQ(test, sizeof(struct velox_spike) % 8, 0);
}

static const unsigned int velox_cmds[] = {
	VELOX_IOC_GET_INFO, VELOX_IOC_START, VELOX_IOC_STOP,
	VELOX_IOC_GET_CONFIG, VELOX_IOC_RESET_STATS,
};

/* Sizes live in each struct, so the ioctl numbers must not carry one. */
static void numbers_carry_no_size(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(velox_cmds); i++) {
		KUNIT_EXPECT_EQ(test, _IOC_TYPE(velox_cmds[i]), VELOX_IOC_TYPE);
		KUNIT_EXPECT_EQ(test, _IOC_NR(velox_cmds[i]), VELOX_CMD_BASE + i);
		KUNIT_EXPECT_EQ(test, _IOC_DIR(velox_cmds[i]), _IOC_NONE);
		KUNIT_EXPECT_EQ(test, _IOC_SIZE(velox_cmds[i]), 0);
	}
}

/* Only what changes the pipeline needs CAP_SYS_ADMIN; reading does not. */
static void only_start_stop_reset_need_admin(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, velox_ioctl_lookup(VELOX_IOC_GET_INFO)->admin);
	KUNIT_EXPECT_TRUE(test, velox_ioctl_lookup(VELOX_IOC_START)->admin);
	KUNIT_EXPECT_TRUE(test, velox_ioctl_lookup(VELOX_IOC_STOP)->admin);
	KUNIT_EXPECT_FALSE(test,
			   velox_ioctl_lookup(VELOX_IOC_GET_CONFIG)->admin);
	KUNIT_EXPECT_TRUE(test,
			  velox_ioctl_lookup(VELOX_IOC_RESET_STATS)->admin);
}

static void start_takes_a_config_stop_takes_nothing(struct kunit *test)
{
	const struct velox_ioctl_op *start = velox_ioctl_lookup(VELOX_IOC_START);
	const struct velox_ioctl_op *stop = velox_ioctl_lookup(VELOX_IOC_STOP);

	KUNIT_ASSERT_NOT_NULL(test, start);
	KUNIT_ASSERT_NOT_NULL(test, stop);
	KUNIT_EXPECT_EQ(test, start->size, sizeof(struct velox_config));
	/* A caller from before cpu_set passes the first version's size. */
	KUNIT_EXPECT_EQ(test, start->min_size,
			offsetofend(struct velox_config, snapshot_ns));
	KUNIT_EXPECT_EQ(test, stop->size, 0);
	KUNIT_EXPECT_EQ(test, stop->min_size, 0);
}

static void lookup_finds_get_info_with_its_sizes(struct kunit *test)
{
	const struct velox_ioctl_op *op = velox_ioctl_lookup(VELOX_IOC_GET_INFO);

	KUNIT_ASSERT_NOT_NULL(test, op);
	KUNIT_EXPECT_EQ(test, op->cmd, VELOX_IOC_GET_INFO);
	KUNIT_EXPECT_EQ(test, op->size, sizeof(struct velox_info));
	/* The first released struct is the whole of version 1. */
	KUNIT_EXPECT_EQ(test, op->min_size,
			offsetofend(struct velox_info, max_ring));
	KUNIT_EXPECT_NOT_NULL(test, op->execute);
}

static void lookup_rejects_foreign_numbers(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, velox_ioctl_lookup(0));
	KUNIT_EXPECT_NULL(test, velox_ioctl_lookup(_IO(VELOX_IOC_TYPE + 1,
						       VELOX_CMD_GET_INFO)));
	KUNIT_EXPECT_NULL(test, velox_ioctl_lookup(_IO(VELOX_IOC_TYPE,
						       VELOX_CMD_BASE - 1)));
	KUNIT_EXPECT_NULL(test, velox_ioctl_lookup(_IO(VELOX_IOC_TYPE, 0xff)));
	KUNIT_EXPECT_NULL(test, velox_ioctl_lookup(_IOWR(VELOX_IOC_TYPE,
							 VELOX_CMD_GET_INFO,
							 struct velox_info)));
}

/*
 * Every command number the table answers for is its own, and its sizes
 * leave room for the leading size field: the dispatcher relies on both.
 */
static void every_table_row_is_consistent(struct kunit *test)
{
	unsigned int nr, found = 0;

	for (nr = 0; nr <= _IOC_NRMASK; nr++) {
		unsigned int cmd = _IO(VELOX_IOC_TYPE, nr);
		const struct velox_ioctl_op *op = velox_ioctl_lookup(cmd);

		if (!op)
			continue;
		found++;
		KUNIT_EXPECT_EQ(test, op->cmd, cmd);
		KUNIT_EXPECT_NOT_NULL(test, op->execute);
		KUNIT_EXPECT_LE(test, op->min_size, op->size);
		/* A row with an argument has room for its size field. */
		if (op->size)
			KUNIT_EXPECT_GE(test, op->min_size, sizeof(u32));
		else
			KUNIT_EXPECT_EQ(test, op->min_size, 0);
	}
	KUNIT_EXPECT_EQ(test, found, ARRAY_SIZE(velox_cmds));
}

/* GET_INFO says what a reader of the stats area needs; size is the caller's. */
static void info_fill_reports_geometry_and_limits(struct kunit *test)
{
	struct velox_info info = { .size = 1234, .abi_version = 0 };

	velox_info_fill(&info);
	KUNIT_EXPECT_EQ(test, info.abi_version, VELOX_ABI_VERSION);
	KUNIT_EXPECT_EQ(test, info.size, 1234);
	KUNIT_EXPECT_GE(test, info.stats_size, sizeof(struct velox_stats));
	KUNIT_EXPECT_EQ(test, info.stats_size % PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, info.hist_buckets, VELOX_HIST_BUCKETS);
	KUNIT_EXPECT_EQ(test, info.hist_sub_bits, VELOX_HIST_SUB_BITS);
	KUNIT_EXPECT_EQ(test, info.hist_limit_shift, VELOX_HIST_LIMIT_SHIFT);
	KUNIT_EXPECT_EQ(test, info.max_rate, VELOX_RATE_MAX);
	KUNIT_EXPECT_EQ(test, info.max_lanes, num_online_cpus());
	KUNIT_EXPECT_EQ(test, info.max_ring, VELOX_RING_MAX);
	KUNIT_EXPECT_EQ(test, info.cpu_set_size, DIV_ROUND_UP(nr_cpu_ids, 64) * 8);
	/* Room for a lane and a watched CPU per possible CPU id, and a set. */
	KUNIT_EXPECT_GE(test, info.stats_size, sizeof(struct velox_stats) +
			nr_cpu_ids * (sizeof(struct velox_lane_counters) +
				      sizeof(struct velox_noise_cpu)) +
			info.cpu_set_size);
}

static struct kunit_case velox_uapi_cases[] = {
	KUNIT_CASE(velox_info_layout_is_fixed),
	KUNIT_CASE(velox_config_layout_is_fixed),
	KUNIT_CASE(velox_stats_layout_has_no_holes),
	KUNIT_CASE(numbers_carry_no_size),
	KUNIT_CASE(only_start_stop_reset_need_admin),
	KUNIT_CASE(start_takes_a_config_stop_takes_nothing),
	KUNIT_CASE(lookup_finds_get_info_with_its_sizes),
	KUNIT_CASE(lookup_rejects_foreign_numbers),
	KUNIT_CASE(every_table_row_is_consistent),
	KUNIT_CASE(info_fill_reports_geometry_and_limits),
	{}
};

static struct kunit_suite velox_uapi_suite = {
	.name = "velox_uapi",
	.test_cases = velox_uapi_cases,
};

kunit_test_suite(velox_uapi_suite);
