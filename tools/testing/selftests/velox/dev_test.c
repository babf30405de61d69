// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/velox with the module loaded: the node, GET_INFO and its size rules,
 * and the errors every other use must get.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "velox_test.h"

#define NOBODY 65534

FIXTURE(velox_dev) {
	int fd;
};

FIXTURE_SETUP(velox_dev)
{
	self->fd = velox_open(_metadata);
}

FIXTURE_TEARDOWN(velox_dev)
{
	close(self->fd);
}

TEST_F(velox_dev, node_is_char_device_mode_0600)
{
	struct stat st;

	ASSERT_EQ(0, stat(VELOX_DEV, &st))
		TH_LOG("stat %s: %s", VELOX_DEV, strerror(errno));
	EXPECT_TRUE(S_ISCHR(st.st_mode))
		TH_LOG("expected a char device, got mode %o", st.st_mode);
	EXPECT_EQ(0600, st.st_mode & 07777)
		TH_LOG("expected mode 0600, got %o", st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid)
		TH_LOG("expected owner root, got uid %u", st.st_uid);
}

TEST_F(velox_dev, get_info_reports_abi_version)
{
	struct velox_info info = { .size = sizeof(info) };

	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_INFO, &info));
	EXPECT_EQ(VELOX_ABI_VERSION, info.abi_version);
	EXPECT_EQ(sizeof(info), info.size)
		TH_LOG("the size written back is min(caller's, kernel's)");
}

/* The highest CPU id of sysfs's possible list ("0-71": 71), or -1. */
static long last_possible_cpu(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	char text[4096];
	long cpu = -1;
	size_t n;

	if (!f)
		return -1;
	if (fgets(text, sizeof(text), f)) {
		/* The number after the last '-' or ',', or the only one. */
		n = strcspn(text, "\n");
		while (n > 0 && text[n - 1] != '-' && text[n - 1] != ',')
			n--;
		cpu = strtol(text + n, NULL, 10);
	}
	fclose(f);
	return cpu;
}

/*
 * A lane per online CPU, however many; a CPU set as long as the possible
 * CPU ids need, in whole 64-bit words.
 */
TEST_F(velox_dev, get_info_sizes_lanes_and_cpu_sets_for_this_machine)
{
	struct velox_info info = { .size = sizeof(info) };
	long last = last_possible_cpu();

	ASSERT_LE(0, last) TH_LOG("/sys/devices/system/cpu/possible unreadable");
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_INFO, &info));
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), info.max_lanes);
	EXPECT_EQ((last + 64) / 64 * 8, info.cpu_set_size)
		TH_LOG("CPUs 0-%ld possible", last);
}

TEST_F(velox_dev, get_info_shorter_than_v1_is_einval)
{
	struct velox_info info = { .size = sizeof(__u32) };

	EXPECT_ERRNO(EINVAL, velox_ioctl(self->fd, VELOX_IOC_GET_INFO, &info));
}

/* A newer caller's longer struct is fine while the unknown tail is zero. */
TEST_F(velox_dev, get_info_longer_with_zero_tail_succeeds)
{
	struct {
		struct velox_info info;
		__u64 future[64];
	} big;

	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big);
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_INFO, &big));
	EXPECT_EQ(VELOX_ABI_VERSION, big.info.abi_version);
	for (size_t i = 0; i < 64; i++) {
		EXPECT_EQ(0, big.future[i])
			TH_LOG("tail word %zu was written", i);
	}
}

TEST_F(velox_dev, get_info_nonzero_unknown_tail_is_e2big)
{
	struct {
		struct velox_info info;
		__u32 future;
	} big = { .info.size = sizeof(big), .future = 1 };

	EXPECT_ERRNO(E2BIG, velox_ioctl(self->fd, VELOX_IOC_GET_INFO, &big));
}

TEST_F(velox_dev, get_info_bad_pointer_is_efault)
{
	EXPECT_ERRNO(EFAULT, velox_ioctl(self->fd, VELOX_IOC_GET_INFO, NULL));
}

TEST_F(velox_dev, unknown_ioctls_are_enotty)
{
	static const unsigned long cmds[] = {
		_IO(VELOX_IOC_TYPE, VELOX_CMD_BASE - 1),
		_IO(VELOX_IOC_TYPE, 0xff),
		_IO(VELOX_IOC_TYPE + 1, VELOX_CMD_GET_INFO),
		/* The right number with a size encoded is another ioctl. */
		_IOWR(VELOX_IOC_TYPE, VELOX_CMD_GET_INFO, struct velox_info),
		0,
	};
	struct velox_info info = { .size = sizeof(info) };

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		int err = velox_ioctl(self->fd, cmds[i], &info);

		EXPECT_EQ(ENOTTY, err)
			TH_LOG("ioctl %#lx: expected %s, got %s", cmds[i],
			       strerror(ENOTTY), velox_errstr(err));
	}
}

/* The harness runs each case in a child of its own: drop to nobody here. */
TEST_F(velox_dev, non_root_cannot_open)
{
	int fd, err;

	ASSERT_EQ(0, setgroups(0, NULL));
	ASSERT_EQ(0, setresgid(NOBODY, NOBODY, NOBODY));
	ASSERT_EQ(0, setresuid(NOBODY, NOBODY, NOBODY));
	fd = open(VELOX_DEV, O_RDWR);
	err = fd < 0 ? errno : 0;
	EXPECT_EQ(EACCES, err)
		TH_LOG("open as uid %d: expected %s, got %s", NOBODY,
		       strerror(EACCES), velox_errstr(err));
}

TEST_HARNESS_MAIN
