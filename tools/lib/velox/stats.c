// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: reading the stats area velox.ko publishes (mmap of /dev/velox,
 * read-only).  The kernel rewrites it inside a seqcount write section; a
 * reader copies it and keeps the copy only if the count was even and
 * unchanged across the copy.  A copy is of the whole area (its arrays lie
 * behind struct velox_stats, at offsets it gives), in a buffer of the
 * mapping's size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "libvelox.h"

int vx_stats_map(int fd, struct vx_stats *s)
{
	struct velox_info info;
	void *p;

	if (vx_get_info(fd, &info))
		return -1;
	if (info.abi_version != VELOX_ABI_VERSION) {
		vx_err("stats", "module ABI %u, tools ABI %u: rebuild the tools",
		       info.abi_version, VELOX_ABI_VERSION);
		return -1;
	}
	if (info.stats_size < sizeof(struct velox_stats)) {
		vx_err("stats", "the module's area has %u bytes, the tools read %zu: build both from one tree",
		       info.stats_size, sizeof(struct velox_stats));
		return -1;
	}
	p = mmap(NULL, info.stats_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		vx_err("stats", "mmap: %s", strerror(errno));
		return -1;
	}
	s->area = p;
	s->size = info.stats_size;
	return 0;
}

void vx_stats_unmap(struct vx_stats *s)
{
	munmap((void *)s->area, s->size);
	s->area = NULL;
}

/* A buffer for a whole copy of the area @s maps; NULL after saying why. */
struct velox_stats *vx_stats_alloc(const struct vx_stats *s)
{
	struct velox_stats *st = calloc(1, s->size);

	if (!st)
		vx_err("stats", "out of memory for a copy of %zu bytes", s->size);
	return st;
}

/* Array @what of @n entries of @size bytes at @offset lies in @area_size. */
static int check_array(char *why, size_t len, const char *what, __u64 offset,
		       __u64 n, __u64 size, size_t area_size)
{
	if (offset % 8 == 0 && offset >= sizeof(struct velox_stats) &&
	    offset + n * size <= area_size)
		return 0;
	snprintf(why, len, "%s at offset %llu, %llu bytes: not 8-aligned, behind the %zu-byte fixed part and inside the %zu-byte copy",
		 what, (unsigned long long)offset,
		 (unsigned long long)(n * size), sizeof(struct velox_stats),
		 area_size);
	return -1;
}

/**
 * vx_stats_check() - whether a copy of the area holds what it says it does
 * @st: the copy
 * @size: its bytes
 * @why: where to say why not, one line without the newline
 * @len: bytes at @why
 *
 * The arrays behind the fixed part lie at offsets the kernel gives: each
 * must be 8-aligned and inside @size, and the entries in use no more than
 * the slots, before velox_stats_lanes() and the like may be followed.
 *
 * Return: 0, or -1 with @why set.
 */
int vx_stats_check(const struct velox_stats *st, size_t size, char *why,
		   size_t len)
{
	if (size < sizeof(*st)) {
		snprintf(why, len, "%zu bytes, less than the fixed part's %zu",
			 size, sizeof(*st));
		return -1;
	}
	if (st->magic != VELOX_STATS_MAGIC) {
		snprintf(why, len, "bad magic %#llx: not a velox stats area",
			 (unsigned long long)st->magic);
		return -1;
	}
	if (st->config.lanes > st->slots || st->noise_cpus > st->slots) {
		snprintf(why, len, "%u lanes and %u noise CPUs in %u slots",
			 st->config.lanes, st->noise_cpus, st->slots);
		return -1;
	}
	if (st->cpu_set_size % 8) {
		snprintf(why, len, "a CPU set of %u bytes, not whole words",
			 st->cpu_set_size);
		return -1;
	}
	if (check_array(why, len, "lanes", st->lane_offset, st->slots,
			sizeof(struct velox_lane_counters), size) ||
	    check_array(why, len, "noise", st->noise_offset, st->slots,
			sizeof(struct velox_noise_cpu), size) ||
	    check_array(why, len, "cpu set", st->cpu_set_offset,
			st->cpu_set_size, 1, size))
		return -1;
	return 0;
}

/*
 * A consistent copy of the whole area into @out (vx_stats_alloc()'s), its
 * arrays checked; -1 after saying why if the kernel kept rewriting it or
 * it does not hold together.
 */
int vx_stats_read(const struct vx_stats *s, struct velox_stats *out)
{
	const struct velox_stats *a = s->area;
	struct timespec pause = { .tv_nsec = 100000 };
	char why[160];
	__u32 seq;
	int tries;

	for (tries = 0; tries < 10000; tries++) {
		/* Pairs with the kernel's smp_wmb() after the even count. */
		seq = __atomic_load_n(&a->seq, __ATOMIC_ACQUIRE);
		if (seq & 1) {
			nanosleep(&pause, NULL);
			continue;
		}
		memcpy(out, (const void *)a, s->size);
		/* The copy's loads complete before the count is read again. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&a->seq, __ATOMIC_RELAXED) == seq)
			break;
	}
	if (tries == 10000) {
		vx_err("stats", "the area never stayed still long enough to read");
		return -1;
	}
	if (vx_stats_check(out, s->size, why, sizeof(why))) {
		vx_err("stats", "%s", why);
		return -1;
	}
	return 0;
}

/*
 * Map, copy once, unmap: for commands that read the stats one time.  The
 * copy is the caller's to free(); NULL after saying why.
 */
struct velox_stats *vx_stats_snapshot(int fd)
{
	struct velox_stats *st;
	struct vx_stats map;

	if (vx_stats_map(fd, &map))
		return NULL;
	st = vx_stats_alloc(&map);
	if (st && vx_stats_read(&map, st)) {
		free(st);
		st = NULL;
	}
	vx_stats_unmap(&map);
	return st;
}

/* Stage @stage's histogram out of a snapshot (laid out alike). */
void vx_stats_hist(const struct velox_stats *st, unsigned int stage,
		   struct velox_hist *h)
{
	_Static_assert(sizeof(*h) == sizeof(st->hist[0]),
		       "velox_hist is laid out as velox_hist_data");
	memcpy(h, &st->hist[stage], sizeof(*h));
}

/*
 * What was recorded between two snapshots of one run.  The interval's
 * min and max are not known exactly: they become the edges of its lowest
 * and highest buckets, which keeps quantiles within a bucket's width.
 */
void vx_hist_sub(struct velox_hist *d, const struct velox_hist *now,
		 const struct velox_hist *then)
{
	int i, lo = -1, hi = -1;

	velox_hist_init(d);
	for (i = 0; i < VELOX_HIST_BUCKETS; i++) {
		d->buckets[i] = now->buckets[i] - then->buckets[i];
		if (d->buckets[i]) {
			if (lo < 0)
				lo = i;
			hi = i;
		}
	}
	d->count = now->count - then->count;
	d->sum = now->sum - then->sum;
	if (lo < 0) {
		d->count = 0;
		return;
	}
	d->min = velox_hist_bucket_lo(lo);
	d->max = hi == VELOX_HIST_BUCKETS - 1 ? now->max :
		 velox_hist_bucket_lo(hi) + velox_hist_bucket_width(hi) - 1;
}
