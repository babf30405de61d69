/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the Velox selftest programs share, on top of the kernel's
 * kselftest_harness.h: opening /dev/velox in a FIXTURE_SETUP (a skip when
 * it cannot be), ioctls that return the errno, and consistent copies of
 * the mmap'd stats area.
 */
#ifndef VELOX_TEST_H
#define VELOX_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/velox.h>

#include "kselftest_harness.h"

#define VELOX_DEV "/dev/" VELOX_DEVICE_NAME

/*
 * SKIP() from a FIXTURE_SETUP.  6.1's harness runs the case anyway after
 * SKIP(return, ...) in a setup; leaving through the harness's own bail-out
 * (the jump a failed ASSERT takes) reports the skip and runs neither the
 * case nor the teardown.
 */
#define SETUP_SKIP(fmt, ...) \
	SKIP(longjmp(_metadata->env, 1), fmt, ##__VA_ARGS__)

/*
 * A case runs in a child that leaves through _exit(), which drops what
 * stdio still holds: with stdout a file (run.sh's), every "# ..." line a
 * case printed would be lost.  Line by line, they all reach the log.
 */
static void __attribute__((constructor)) velox_test_line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* An errno as words, 0 as "success", for what a case expected and got. */
static inline const char *velox_errstr(int err)
{
	return err ? strerror(err) : "success";
}

/*
 * The harness's EXPECT_*() and ASSERT_*() are two statements each (the
 * second runs the TH_LOG() that follows, on failure): under an if or a
 * for they take braces.  A FIXTURE_TEARDOWN uses them without TH_LOG():
 * after a failed ASSERT, 6.1's harness runs the teardown's first TH_LOG()
 * even when its check holds.
 */

/* EXPECT/ASSERT that @call's errno (0 for success) is @want, in words. */
#define EXPECT_ERRNO(want, call) do {				\
	int errno_seen = (call);				\
	EXPECT_EQ(want, errno_seen)				\
		TH_LOG("%s: expected %s, got %s", #call,	\
		       velox_errstr(want), velox_errstr(errno_seen)); \
} while (0)
#define ASSERT_ERRNO(want, call) do {				\
	int errno_seen = (call);				\
	ASSERT_EQ(want, errno_seen)				\
		TH_LOG("%s: expected %s, got %s", #call,	\
		       velox_errstr(want), velox_errstr(errno_seen)); \
} while (0)

/* ioctl() on @fd: 0, or the errno it failed with. */
static inline int velox_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/*
 * /dev/velox opened for a FIXTURE_SETUP: the case is skipped when not
 * root or when the module is not loaded.
 */
static inline int velox_open(struct __test_metadata *_metadata)
{
	int fd;

	if (geteuid() != 0)
		SETUP_SKIP("needs root: %s is root's, mode 0600", VELOX_DEV);
	fd = open(VELOX_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		SETUP_SKIP("%s missing: velox.ko is not loaded", VELOX_DEV);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", VELOX_DEV, strerror(errno));
	return fd;
}

/* The whole stats area, mapped read-only. */
static inline const struct velox_stats *
velox_map_stats(struct __test_metadata *_metadata, int fd,
		const struct velox_info *info)
{
	void *p = mmap(NULL, info->stats_size, PROT_READ, MAP_SHARED, fd, 0);

	ASSERT_NE(MAP_FAILED, p)
		TH_LOG("mmap %u bytes read-only: %s", info->stats_size,
		       strerror(errno));
	return p;
}

/*
 * A consistent copy of the whole stats area, @size bytes (its arrays lie
 * behind struct velox_stats), in @snap (the seqcount reader's loop); false
 * if the kernel never left it still long enough.  While a publication is
 * being written it sleeps 100 us, as libvelox does: a reader that spun
 * instead could keep a publisher it had preempted on its own CPU from
 * finishing, and give up (seen in the VM once the area grew to 107 KB).
 */
static inline bool velox_read_stats(const struct velox_stats *area,
				    struct velox_stats *snap, size_t size)
{
	const struct timespec pause = { .tv_nsec = 100000 };

	for (int tries = 0; tries < 10000; tries++) {
		uint32_t seq = __atomic_load_n(&area->seq, __ATOMIC_ACQUIRE);

		if (seq & 1) {
			nanosleep(&pause, NULL);
			continue;
		}
		memcpy(snap, area, size);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&area->seq, __ATOMIC_RELAXED) == seq)
			return true;
	}
	return false;
}

/* A buffer for a copy of the whole area (velox_info.stats_size bytes). */
static inline struct velox_stats *
velox_alloc_stats(struct __test_metadata *_metadata,
		  const struct velox_info *info)
{
	struct velox_stats *snap = calloc(1, info->stats_size);

	ASSERT_NE(NULL, snap) TH_LOG("%u bytes for a copy of the stats area",
				     info->stats_size);
	return snap;
}

/*
 * In a case or a helper that has its _metadata: a consistent copy of
 * @self->area into @self->snap (velox_alloc_stats()'s, of
 * @self->info.stats_size bytes), or the case fails.  The arrays it then
 * reads lie where the area says (stats_area_arrays_lie_inside_it).
 */
#define read_stats(self)						\
	ASSERT_TRUE(velox_read_stats((self)->area, (self)->snap,	\
				     (self)->info.stats_size))		\
		TH_LOG("the stats area never held still")

static inline void velox_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

#endif /* VELOX_TEST_H */
