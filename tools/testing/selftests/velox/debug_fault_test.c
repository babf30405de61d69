// SPDX-License-Identifier: GPL-2.0
/*
 * Every allocation START makes, failed one at a time.
 *
 * The kernel's fail-nth (/proc/thread-self/fail-nth, CONFIG_FAULT_INJECTION)
 * makes the N-th fault-injection site this thread reaches fail: failslab
 * for slab allocations, fail_page_alloc for pages (vmalloc too).  For N =
 * 1, 2, ... a START runs with the N-th site failing, until one finishes with the fault still pending: it
 * reached fewer than N sites, so every site it has was failed once, in
 * order.  That count is printed.  A thread created by kthread_create()
 * counts too: its request is allocated in this thread.  The sites are
 * all of START's, the kernel's own it calls included (hooking a
 * tracepoint, creating a thread), with no hook in the module.
 *
 * Each failed START must fail with -ENOMEM and leave the engine stopped,
 * and the next START, without a fault, must run.  run.sh's kmemleak scan after this program fails
 * it on anything an error path leaked; the kernel-log check on any WARN.
 *
 * Only on a kernel with fault injection (the debug kernel): run.sh runs
 * debug_* tests there alone.
 */
#include <stdio.h>
#include <stdlib.h>

#include "velox_test.h"

#define FAIL_NTH "/proc/thread-self/fail-nth"
#define FAILSLAB "/sys/kernel/debug/failslab/"
#define FAILPAGE "/sys/kernel/debug/fail_page_alloc/"
#define SNAPSHOT "/sys/kernel/debug/tracing/snapshot"
/* VELOX_FAULT_VERBOSE=1 in the environment: a line per site. */
static bool verbose;

/* More sites than any START could have: a loop that never ends. */
#define SITES_MAX 5000

/* The fault-injection knobs set for the test, and their values before. */
static const char *const knobs[][2] = {
	/* GFP_KERNEL allocations are skipped by default: not here. */
	{ FAILSLAB "ignore-gfp-wait", "N" },
	{ FAILPAGE "ignore-gfp-wait", "N" },
	{ FAILPAGE "ignore-gfp-highmem", "N" },
	{ FAILPAGE "min-order", "0" },
	/* A stack dump per fault would read as a splat in the kernel log. */
	{ FAILSLAB "verbose", "0" },
	{ FAILPAGE "verbose", "0" },
};
#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? errno : 0;
}

static bool read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

/* Arm fail-nth: the @nth site from now fails (0: disarm). */
static int fail_nth_set(unsigned int nth)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", nth);
	return write_text(FAIL_NTH, buf);
}

/* True if the armed fault was injected (fail-nth reads 0); disarms. */
static bool fail_nth_fired(void)
{
	char buf[16] = "";
	bool fired = read_text(FAIL_NTH, buf, sizeof(buf)) && !strcmp(buf, "0");

	fail_nth_set(0);
	return fired;
}

FIXTURE(velox_fault) {
	char saved[NKNOBS][32];
};

FIXTURE_SETUP(velox_fault)
{
	unsigned int i;

	verbose = getenv("VELOX_FAULT_VERBOSE") != NULL;
	ASSERT_EQ(0, access(FAIL_NTH, W_OK))
		TH_LOG("%s: %s: a kernel without CONFIG_FAULT_INJECTION",
		       FAIL_NTH, strerror(errno));
	for (i = 0; i < NKNOBS; i++) {
		ASSERT_TRUE(read_text(knobs[i][0], self->saved[i],
				      sizeof(self->saved[i])))
			TH_LOG("%s: %s", knobs[i][0], strerror(errno));
		ASSERT_EQ(0, write_text(knobs[i][0], knobs[i][1]))
			TH_LOG("%s: %s", knobs[i][0], strerror(errno));
	}
}

FIXTURE_TEARDOWN(velox_fault)
{
	unsigned int i;

	fail_nth_set(0);
	for (i = 0; i < NKNOBS; i++)
		write_text(knobs[i][0], self->saved[i]);
}

/* The engine's state as the stats area has it, or -1 if unreadable. */
static int engine_state(int fd)
{
	struct velox_info info = { .size = sizeof(info) };
	const struct velox_stats *area;
	struct velox_stats *snap;
	int state = -1;

	if (velox_ioctl(fd, VELOX_IOC_GET_INFO, &info))
		return -1;
	snap = malloc(info.stats_size);
	if (!snap)
		return -1;
	area = mmap(NULL, info.stats_size, PROT_READ, MAP_SHARED, fd, 0);
	if (area != MAP_FAILED) {
		if (velox_read_stats(area, snap, info.stats_size))
			state = snap->state;
		munmap((void *)area, info.stats_size);
	}
	free(snap);
	return state;
}

/*
 * Fail START's sites one at a time with config @cfg; say how many there
 * were.  Returns the number of sites, or -1 after logging a failure.
 */
static int start_every_fault(struct __test_metadata *_metadata, int fd,
			     const struct velox_config *cfg, const char *what)
{
	unsigned int nth, sites = 0, tolerated = 0;

	for (nth = 1; nth <= SITES_MAX; nth++) {
		struct velox_config c = *cfg;
		bool fired;
		int err;

		ASSERT_EQ(0, fail_nth_set(nth));
		err = velox_ioctl(fd, VELOX_IOC_START, &c);
		fired = fail_nth_fired();
		if (!fired) {
			/* Fewer than @nth sites: each was failed once. */
			EXPECT_EQ(0, err)
				TH_LOG("%s: START with no fault left: %s", what,
				       velox_errstr(err));
			EXPECT_ERRNO(0, velox_ioctl(fd, VELOX_IOC_STOP, NULL));
			break;
		}
		sites++;
		if (verbose)
			printf("# %s: site %u: %s\n", what, nth, velox_errstr(err));
		if (!err) {
			/* A failure the kernel works around (kvmalloc). */
			tolerated++;
			EXPECT_ERRNO(0, velox_ioctl(fd, VELOX_IOC_STOP, NULL));
			continue;
		}
		EXPECT_ERRNO(ENOMEM, err);
		EXPECT_EQ(VELOX_STATE_STOPPED, engine_state(fd))
			TH_LOG("%s: site %u: engine not stopped after -%s", what,
			       nth, strerror(err));
		/* The failure left nothing behind that stops the next START. */
		c = *cfg;
		err = velox_ioctl(fd, VELOX_IOC_START, &c);
		EXPECT_EQ(0, err)
			TH_LOG("%s: START after the fault at site %u: %s", what,
			       nth, velox_errstr(err));
		EXPECT_ERRNO(0, velox_ioctl(fd, VELOX_IOC_STOP, NULL));
		if (!_metadata->passed)
			return -1;
	}
	EXPECT_GT(SITES_MAX, nth) TH_LOG("%s: more than %u sites?", what,
					 SITES_MAX);
	printf("# %s: %u fault sites, each failed START with ENOMEM and left it stopped (%u worked around)\n",
	       what, sites - tolerated, tolerated);
	return sites;
}

static void get_config(struct __test_metadata *_metadata, int fd,
		       struct velox_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
	ASSERT_ERRNO(0, velox_ioctl(fd, VELOX_IOC_GET_CONFIG, cfg));
}

/*
 * Two lanes of two threads each, bound to CPUs 0-1 by a CPU set: START's
 * plain allocations, the copy of the set among them.
 */
TEST_F_TIMEOUT(velox_fault, start_unwinds_every_allocation_failure, 600)
{
	static __u64 set[VELOX_CPU_SET_SIZE_MAX / 8] = { 0x3 };
	struct velox_info info = { .size = sizeof(info) };
	struct velox_config cfg;
	int fd = velox_open(_metadata);

	ASSERT_ERRNO(0, velox_ioctl(fd, VELOX_IOC_GET_INFO, &info));
	get_config(_metadata, fd, &cfg);
	cfg.lanes = 2;
	cfg.threads = 2;
	cfg.cpus = 0;
	cfg.cpu_set = (uintptr_t)set;
	cfg.cpu_set_size = info.cpu_set_size;
	cfg.rate = 1000;
	EXPECT_LT(0, start_every_fault(_metadata, fd, &cfg, "START"));
	close(fd);
}

/*
 * Tail capture and a snapshot: the capture, the timelines, the probes on
 * the kernel's tracepoints.  The snapshot buffer is allocated first, as
 * velox-ctl run --snapshot does: the kernel WARNs when allocating it
 * fails (uapi.rst), which is the kernel's report, not the module's.
 */
TEST_F_TIMEOUT(velox_fault, tail_start_unwinds_every_allocation_failure, 600)
{
	struct velox_config cfg;
	int fd = velox_open(_metadata);

	ASSERT_EQ(0, write_text(SNAPSHOT, "1")) TH_LOG("%s: %s", SNAPSHOT,
						     strerror(errno));
	get_config(_metadata, fd, &cfg);
	cfg.lanes = 2;
	cfg.rate = 1000;
	cfg.tail_ns = 1000000;
	cfg.snapshot_ns = 2000000;
	EXPECT_LT(0, start_every_fault(_metadata, fd, &cfg, "START with tail capture"));
	close(fd);
	write_text(SNAPSHOT, "0");
}

TEST_HARNESS_MAIN
