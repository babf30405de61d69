// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: reading the stats area velox.ko publishes (mmap of /dev/velox,
 * read-only).  The kernel rewrites it inside a seqcount write section; a
 * reader copies it and keeps the copy only if the count was even and
 * unchanged across the copy.
 */
#include <errno.h>
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

/* A consistent copy of the area; -1 if the kernel kept rewriting it. */
int vx_stats_read(const struct vx_stats *s, struct velox_stats *out)
{
	const struct velox_stats *a = s->area;
	struct timespec pause = { .tv_nsec = 100000 };
	__u32 seq;
	int tries;

	for (tries = 0; tries < 10000; tries++) {
		/* Pairs with the kernel's smp_wmb() after the even count. */
		seq = __atomic_load_n(&a->seq, __ATOMIC_ACQUIRE);
		if (seq & 1) {
			nanosleep(&pause, NULL);
			continue;
		}
		memcpy(out, (const void *)a, sizeof(*out));
		/* The copy's loads complete before the count is read again. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&a->seq, __ATOMIC_RELAXED) == seq)
			break;
	}
	if (tries == 10000) {
		vx_err("stats", "the area never stayed still long enough to read");
		return -1;
	}
	if (out->magic != VELOX_STATS_MAGIC) {
		vx_err("stats", "bad magic %#llx: not a velox stats area",
		       (unsigned long long)out->magic);
		return -1;
	}
	return 0;
}

/* Map, copy once, unmap: for commands that read the stats one time. */
int vx_stats_snapshot(int fd, struct velox_stats *out)
{
	struct vx_stats map;
	int ret;

	if (vx_stats_map(fd, &map))
		return -1;
	ret = vx_stats_read(&map, out);
	vx_stats_unmap(&map);
	return ret;
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
