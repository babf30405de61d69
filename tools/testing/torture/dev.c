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

#include "libvelox.h"
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

/* A buffer for a snapshot of @d's whole area; NULL if out of memory. */
struct velox_stats *tt_stats_alloc(const struct tt_dev *d)
{
	return calloc(1, d->size);
}

/*
 * A consistent copy of the whole area into @out (tt_stats_alloc()'s), as
 * libvelox takes it: the count even and unchanged across the copy, a
 * pause while a publication is being written; then its arrays checked to
 * lie inside it.  Returns 0, or -1 if the area never held still or does
 * not hold together.
 */
int tt_snapshot(const struct tt_dev *d, struct velox_stats *out)
{
	const struct velox_stats *a = d->area;
	char why[160];
	uint32_t seq;
	int tries;

	for (tries = 0; tries < 10000; tries++) {
		/* Pairs with the kernel's smp_wmb() before the even count. */
		seq = __atomic_load_n(&a->seq, __ATOMIC_ACQUIRE);
		if (seq & 1) {
			tt_sleep_us(100);
			continue;
		}
		memcpy(out, (const void *)a, d->size);
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
	if (vx_stats_check(out, d->size, why, sizeof(why))) {
		tt_fail(TT_CK_HEADER, "snapshot of %zu bytes: %s", d->size, why);
		return -1;
	}
	return 0;
}

/*
 * A CPU list of sysfs ("online", "present") as a set; CPUs from 8192 up
 * are left out, and an unreadable list is CPU 0 alone.
 */
void tt_cpus_read(const char *which, struct tt_cpus *c)
{
	int ret = vx_cpu_set_sysfs(which, c->w, sizeof(c->w), NULL);

	if (ret && ret != -ERANGE) {
		memset(c, 0, sizeof(*c));
		c->w[0] = 1;
	}
}

bool tt_cpus_has(const struct tt_cpus *c, unsigned long cpu)
{
	return cpu < TT_CPU_SET_WORDS * 64 &&
	       (c->w[cpu / 64] & (1ull << (cpu % 64)));
}

unsigned long tt_cpus_count(const struct tt_cpus *c)
{
	return vx_cpu_set_count(c->w, sizeof(c->w));
}

/* The highest CPU of @c, -1 if none. */
long tt_cpus_last(const struct tt_cpus *c)
{
	int i;

	for (i = TT_CPU_SET_WORDS - 1; i >= 0; i--)
		if (c->w[i])
			return i * 64 + 63 - __builtin_clzll(c->w[i]);
	return -1;
}
