// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite velox_uapi: the userspace ABI of uapi/linux/velox.h as the
 * kernel side dispatches it.  Copies to and from user memory are tested in
 * the VM (tools/testing/selftests/velox); UML cannot reach user memory.
 */
#include <kunit/test.h>
#include <linux/ioctl.h>
#include <linux/stddef.h>
#include <linux/velox.h>

#include "../module/chardev.h"

/* A released struct's layout is ABI: its size and offsets never move. */
static void velox_info_layout_is_fixed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct velox_info), 8);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_info, size), 0);
	KUNIT_EXPECT_EQ(test, offsetof(struct velox_info, abi_version), 4);
}

/* Sizes live in each struct, so the ioctl numbers must not carry one. */
static void get_info_number_carries_no_size(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, _IOC_TYPE(VELOX_IOC_GET_INFO), VELOX_IOC_TYPE);
	KUNIT_EXPECT_EQ(test, _IOC_NR(VELOX_IOC_GET_INFO), VELOX_CMD_GET_INFO);
	KUNIT_EXPECT_EQ(test, _IOC_DIR(VELOX_IOC_GET_INFO), _IOC_NONE);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(VELOX_IOC_GET_INFO), 0);
}

static void lookup_finds_get_info_with_its_sizes(struct kunit *test)
{
	const struct velox_ioctl_op *op = velox_ioctl_lookup(VELOX_IOC_GET_INFO);

	KUNIT_ASSERT_NOT_NULL(test, op);
	KUNIT_EXPECT_EQ(test, op->cmd, VELOX_IOC_GET_INFO);
	KUNIT_EXPECT_EQ(test, op->size, sizeof(struct velox_info));
	KUNIT_EXPECT_EQ(test, op->min_size,
			offsetofend(struct velox_info, abi_version));
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
		KUNIT_EXPECT_GE(test, op->min_size, sizeof(u32));
		KUNIT_EXPECT_LE(test, op->min_size, op->size);
	}
	KUNIT_EXPECT_EQ(test, found, 1);
}

static void info_fill_reports_abi_version_only(struct kunit *test)
{
	struct velox_info info = { .size = 1234, .abi_version = 0 };

	velox_info_fill(&info);
	KUNIT_EXPECT_EQ(test, info.abi_version, VELOX_ABI_VERSION);
	KUNIT_EXPECT_EQ(test, info.size, 1234);
}

static struct kunit_case velox_uapi_cases[] = {
	KUNIT_CASE(velox_info_layout_is_fixed),
	KUNIT_CASE(get_info_number_carries_no_size),
	KUNIT_CASE(lookup_finds_get_info_with_its_sizes),
	KUNIT_CASE(lookup_rejects_foreign_numbers),
	KUNIT_CASE(every_table_row_is_consistent),
	KUNIT_CASE(info_fill_reports_abi_version_only),
	{}
};

static struct kunit_suite velox_uapi_suite = {
	.name = "velox_uapi",
	.test_cases = velox_uapi_cases,
};

kunit_test_suite(velox_uapi_suite);
