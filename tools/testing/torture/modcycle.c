// SPDX-License-Identifier: GPL-2.0
/*
 * The module role: rmmod and insmod velox.ko, now and then.  Most tries
 * first ask the other processes to let go of /dev/velox for a moment (a
 * quiet window), so that some succeed; the rest try as things are, and
 * mostly meet a process holding the device.  Every removal is followed by
 * a load, sometimes with autostart=1, so that a run is going when the
 * next rmmod comes.  The load generation is odd while the module is in
 * flux: readers then do not compare what they map with what they mapped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "torture.h"

static void gen_bump(void)
{
	__atomic_add_fetch(&tt->load_gen, 1, __ATOMIC_ACQ_REL);
}

static int rmmod(void)
{
	int ret;

	tt_op_begin(TT_OP_RMMOD);
	ret = syscall(SYS_delete_module, "velox", O_NONBLOCK);
	return tt_op_end(TT_OP_RMMOD, ret ? errno : 0);
}

static int insmod(const char *params)
{
	int fd, ret, err;

	tt_op_begin(TT_OP_INSMOD);
	fd = open(tt_ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tt_op_end(TT_OP_INSMOD, errno);
	ret = syscall(SYS_finit_module, fd, params, 0);
	err = ret ? errno : 0;
	close(fd);
	return tt_op_end(TT_OP_INSMOD, err);
}

static void load(void)
{
	static const char *const backoffs[] = { "spin", "yield", "sleep" };
	static const char *const policies[] = { "drop", "block" };
	char params[160] = "";
	int tries, err;

	if (tt_chance(30))
		snprintf(params, sizeof(params),
			 "autostart=1 rate=%u backoff=%s policy=%s threads=%u",
			 (unsigned int)tt_rand_range(1, 1000000),
			 backoffs[tt_rand_below(3)], policies[tt_rand_below(2)],
			 (unsigned int)(1u << tt_rand_below(3)));
	/* Not giving up on the first failure: the run must end loaded. */
	for (tries = 0; tries < 5; tries++) {
		err = insmod(params);
		if (!err)
			break;
		tt_fail(TT_CK_MODULE, "insmod %s %s: %s, expected success",
			tt_ko, params, strerror(err));
		tt_sleep_us(100000);
	}
	if (!err && access(TT_DEV, F_OK))
		tt_fail(TT_CK_MODULE, "insmod succeeded, yet %s: %s", TT_DEV,
			strerror(errno));
}

static void cycle(void)
{
	bool quiet = tt_chance(60);
	int err;

	if (quiet) {
		/* Holders let go within their loops; wait for them. */
		tt->quiet_until_ns = tt_now_ns() + 2000000000ull;
		tt_event(TT_EV_QUIET_WINDOW);
		tt_sleep_us(tt_rand_range(800000, 1600000));
	}
	gen_bump();
	err = rmmod();
	if (err) {
		if (err != EBUSY && err != EAGAIN)
			tt_fail(TT_CK_MODULE, "rmmod velox: %s, expected success or EBUSY",
				strerror(err));
		gen_bump();
		return;
	}
	if (!access(TT_DEV, F_OK))
		tt_fail(TT_CK_MODULE, "rmmod succeeded, %s still there", TT_DEV);
	/* Absent for a while: the others meet no device. */
	tt_sleep_us(tt_rand_range(0, 300000));
	load();
	gen_bump();
}

void tt_module_cycler(void)
{
	while (tt_running()) {
		tt_sleep_us(tt_rand_range(1000000, 6000000));
		if (tt_running())
			cycle();
	}
}
