// SPDX-License-Identifier: GPL-2.0
/*
 * Every allocation velox.ko's module init makes, failed one at a time.
 *
 * debug_init_fault.bpf.c counts the sites of velox_init() (a slab or
 * page allocation that may fail, from do_one_initcall() to its return in
 * this thread) and fails the N-th through the kernel's own fault-
 * injection points, as failslab and fail_page_alloc do.  For N = 1, 2,
 * ... the module is loaded with the N-th site failing, until a load
 * finishes with the fault still pending: it reached fewer than N sites,
 * so every site was failed once, in order.  That count is printed, with
 * what the last, clean load reached: the two may differ by the pages a
 * slab refill or kmemleak's pool takes inside the window, which depend on
 * what earlier loads left in the caches.
 *
 * Each failed load must fail with ENOMEM and leave nothing behind (no
 * /sys/module/velox, no /dev/velox), and the next load, without a fault,
 * must give a device that answers.  run.sh's kmemleak scan after this
 * program fails it on anything an error path leaked; the kernel-log check
 * on any WARN.  The module is not loaded in between by anything else:
 * run.sh loads it before the program and unloads it after, so the
 * program unloads it first and leaves it loaded.
 *
 * Only on a kernel whose BPF programs may override an error-injectable
 * function (CONFIG_BPF_KPROBE_OVERRIDE: the debug kernel): run.sh runs
 * debug_* tests there alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include <bpf/libbpf.h>

#include "velox_test.h"
#include "debug_init_fault.skel.h"

/* More sites than any init could have: a loop that never ends. */
#define SITES_MAX 2000

static int load_module(int ko)
{
	return syscall(SYS_finit_module, ko, "", 0) ? errno : 0;
}

static int unload_module(void)
{
	return syscall(SYS_delete_module, "velox", O_NONBLOCK) ? errno : 0;
}

/* The loaded module's device answers GET_INFO. */
static int device_answers(void)
{
	struct velox_info info = { .size = sizeof(info) };
	int fd = open(VELOX_DEV, O_RDWR | O_CLOEXEC);
	int err;

	if (fd < 0)
		return errno;
	err = velox_ioctl(fd, VELOX_IOC_GET_INFO, &info);
	close(fd);
	return err;
}

FIXTURE(velox_init_fault) {
	struct debug_init_fault *skel;
	int ko;
};

FIXTURE_SETUP(velox_init_fault)
{
	const char *path = getenv("VELOX_KO") ?: "/velox.ko";

	self->ko = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->ko) TH_LOG("%s: %s", path, strerror(errno));
	self->skel = debug_init_fault__open();
	ASSERT_NE(NULL, self->skel) TH_LOG("BPF skeleton: %s", strerror(errno));
	self->skel->rodata->loader = ((__u64)getpid() << 32) | gettid();
	ASSERT_EQ(0, debug_init_fault__load(self->skel))
		TH_LOG("BPF load: a kernel without CONFIG_BPF_KPROBE_OVERRIDE?");
	ASSERT_EQ(0, debug_init_fault__attach(self->skel))
		TH_LOG("BPF attach: %s", strerror(errno));
}

FIXTURE_TEARDOWN(velox_init_fault)
{
	debug_init_fault__destroy(self->skel);
	close(self->ko);
}

/* Each site takes two loads and an unload: seconds on the debug kernel. */
TEST_F_TIMEOUT(velox_init_fault, every_init_allocation_fails_cleanly, 900)
{
	struct debug_init_fault__bss *bss = self->skel->bss;
	unsigned int nth, sites = 0, tolerated = 0, clean = 0;
	bool done = false;

	ASSERT_ERRNO(0, unload_module());
	for (nth = 1; nth <= SITES_MAX; nth++) {
		int err;

		bss->fail_at = nth;
		bss->seen = 0;
		bss->fired = 0;
		err = load_module(self->ko);
		if (!bss->fired) {
			/* Fewer than @nth sites: each was failed once. */
			ASSERT_ERRNO(0, err);
			EXPECT_ERRNO(0, device_answers());
			clean = bss->seen;
			done = true;
			break;
		}
		sites++;
		if (getenv("VELOX_FAULT_VERBOSE"))
			printf("# site %u: %s\n", nth, velox_errstr(err));
		if (!err) {
			/*
			 * A failure worked around (kvmalloc's fallback,
			 * kmemleak's pool, a debugfs entry): the module
			 * must work all the same.
			 */
			tolerated++;
			EXPECT_ERRNO(0, device_answers());
			ASSERT_ERRNO(0, unload_module());
			continue;
		}
		EXPECT_ERRNO(ENOMEM, err);
		EXPECT_NE(0, access("/sys/module/velox", F_OK))
			TH_LOG("site %u: /sys/module/velox after a failed init", nth);
		EXPECT_NE(0, access(VELOX_DEV, F_OK))
			TH_LOG("site %u: %s after a failed init", nth, VELOX_DEV);
		/* The failure left nothing behind that stops the next load. */
		bss->fail_at = 0;
		err = load_module(self->ko);
		ASSERT_EQ(0, err)
			TH_LOG("load after the fault at site %u: %s", nth,
			       velox_errstr(err));
		EXPECT_ERRNO(0, device_answers());
		ASSERT_ERRNO(0, unload_module());
		if (!_metadata->passed)
			return;
	}
	ASSERT_TRUE(done) TH_LOG("more than %u sites?", SITES_MAX);
	EXPECT_LT(0, sites) TH_LOG("no site in the init window: not counted?");
	printf("# module init: %u fault sites, each failed the load with ENOMEM and left nothing behind (%u worked around; the clean load reached %u)\n",
	       sites - tolerated, tolerated, clean);
}

TEST_HARNESS_MAIN
