// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/velox as the torture processes use it: opened and mapped for a
 * while, then let go, so that rmmod gets its chances; a module that went
 * away is waited for and reopened.  Each open remembers the module's load
 * generation, so a reader knows whether what it mapped now is the module
 * it compared against before.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "torture.h"

#define TT_GEN_UNKNOWN	UINT64_MAX

/* The module cycler asked everyone to let go of the device for now. */
bool tt_quiet(void)
{
	return tt_now_ns() < tt->quiet_until_ns;
}

static uint64_t load_gen(void)
{
	return __atomic_load_n(&tt->load_gen, __ATOMIC_ACQUIRE);
}

/*
 * Open (and with @map, map the stats area of) /dev/velox.  Returns 0, or
 * the errno of what failed (ENOENT: no module), counted per op.
 */
int tt_dev_open(struct tt_dev *d, bool map)
{
	uint64_t g0 = load_gen();
	struct velox_info info = { .size = sizeof(info) };
	void *p;
	int err;

	d->fd = -1;
	d->area = NULL;
	d->gen = TT_GEN_UNKNOWN;
	tt_op_begin(TT_OP_OPEN);
	d->fd = open(TT_DEV, O_RDWR | O_CLOEXEC);
	if (tt_op_end(TT_OP_OPEN, d->fd < 0 ? errno : 0))
		return errno;
	if (map) {
		err = tt_dev_ioctl(d, TT_OP_GET_INFO, VELOX_IOC_GET_INFO, &info);
		if (err) {
			tt_dev_close(d);
			return err;
		}
		if (info.stats_size < sizeof(struct velox_stats)) {
			tt_fail(TT_CK_QUERY, "GET_INFO: stats_size %u, expected at least %zu",
				info.stats_size, sizeof(struct velox_stats));
			tt_dev_close(d);
			return EINVAL;
		}
		tt_op_begin(TT_OP_MMAP);
		p = mmap(NULL, info.stats_size, PROT_READ, MAP_SHARED, d->fd, 0);
		if (tt_op_end(TT_OP_MMAP, p == MAP_FAILED ? errno : 0)) {
			err = errno;
			tt_dev_close(d);
			return err;
		}
		d->area = p;
		d->size = info.stats_size;
	}
	/* Nobody loaded or unloaded the module while we opened it. */
	if (!(g0 & 1) && load_gen() == g0)
		d->gen = g0;
	return 0;
}

void tt_dev_close(struct tt_dev *d)
{
	if (d->area)
		munmap((void *)d->area, d->size);
	if (d->fd >= 0)
		close(d->fd);
	d->area = NULL;
	d->fd = -1;
}

/* An ioctl, timed and counted as @op; returns 0 or the errno. */
int tt_dev_ioctl(struct tt_dev *d, enum tt_op op, unsigned long cmd, void *arg)
{
	int ret;

	tt_op_begin(op);
	ret = ioctl(d->fd, cmd, arg);
	return tt_op_end(op, ret ? errno : 0);
}

/*
 * A consistent copy of the area, as libvelox takes it: the count even and
 * unchanged across the copy, a pause while a publication is being
 * written.  Returns 0, or -1 if the area never held still.
 */
int tt_snapshot(const struct tt_dev *d, struct velox_stats *out)
{
	const struct velox_stats *a = d->area;
	uint32_t seq;
	int tries;

	for (tries = 0; tries < 10000; tries++) {
		/* Pairs with the kernel's smp_wmb() before the even count. */
		seq = __atomic_load_n(&a->seq, __ATOMIC_ACQUIRE);
		if (seq & 1) {
			tt_sleep_us(100);
			continue;
		}
		memcpy(out, (const void *)a, sizeof(*out));
		/* The copy's loads complete before the count is read again. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&a->seq, __ATOMIC_RELAXED) == seq)
			break;
		tt_op_end(TT_OP_SNAPSHOT_RETRY, 0);
	}
	if (tries == 10000) {
		tt_op_end(TT_OP_SNAPSHOT, EAGAIN);
		return -1;
	}
	tt_op_end(TT_OP_SNAPSHOT, 0);
	if (out->seq != seq)
		tt_fail(TT_CK_HEADER, "snapshot: seq %u read around the copy, %u inside it",
			seq, out->seq);
	return 0;
}

/* A CPU list of sysfs ("online", "present") as a mask of CPUs 0-63. */
uint64_t tt_cpu_mask(const char *which)
{
	char buf[256], *p = buf;
	uint64_t mask = 0;
	ssize_t n;
	int fd;

	snprintf(buf, sizeof(buf), "/sys/devices/system/cpu/%s", which);
	fd = open(buf, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = 0;
	while (*p >= '0' && *p <= '9') {
		unsigned long lo, hi;
		char *end;

		lo = strtoul(p, &end, 10);
		hi = lo;
		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		for (; lo <= hi && lo < TT_MAX_CPUS; lo++)
			mask |= 1ull << lo;
		p = *end == ',' ? end + 1 : end;
	}
	return mask;
}
