// SPDX-License-Identifier: GPL-2.0
/*
 * velox-trace: what it prints.  Histograms use libvelox's printer (the
 * same text as "velox-ctl hist" and debugfs), so the tools read alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "vt.h"

static void print_flushes(const struct vt_flush f[VELOX_FLUSH_REASONS],
			  __u64 drops)
{
	char b[VELOX_DURATION_LEN];
	int r;

	printf("flushes:");
	for (r = 0; r < VELOX_FLUSH_REASONS; r++) {
		printf("  %s %llu", velox_flush_name(r),
		       (unsigned long long)f[r].bundles);
		if (f[r].bundles)
			printf(" (%.1f txns, waited %s)",
			       (double)f[r].txns / f[r].bundles,
			       velox_fmt_duration(b, sizeof(b),
						  f[r].wait_ns / f[r].bundles));
	}
	printf("\ndropped: %llu\n", (unsigned long long)drops);
}

/* Has lane slot @slot seen anything?  (-L prints only those.) */
static bool slot_used(const struct vt_flush f[VELOX_FLUSH_REASONS],
		      __u64 drops)
{
	int r;

	for (r = 0; r < VELOX_FLUSH_REASONS; r++)
		if (f[r].bundles)
			return true;
	return drops;
}

int vt_print(const struct velox_trace *skel, const struct vt_opts *o,
	     __u32 slots, bool clear)
{
	struct vt_flush f[VELOX_FLUSH_REASONS];
	struct velox_hist h;
	__u64 drops, beyond;
	__u32 slot;
	int s;

	if (o->interval) {
		time_t now = time(NULL);
		char when[16];

		strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
		printf("\n%s\n", when);
	}
	for (slot = 0; slot < slots; slot++) {
		if (vt_flushes(skel, slot, f) || vt_drops(skel, slot, &drops))
			return -1;
		if (o->per_lane) {
			if (!slot_used(f, drops))
				continue;
			printf("\nlane %u\n", slot);
		}
		for (s = 0; s < VELOX_STAGES; s++) {
			if (o->stage != VT_ALL_STAGES && s != o->stage)
				continue;
			if (vt_hist(skel, slot, s, &h))
				return -1;
			vx_print_hist(stdout, s, &h);
			putchar('\n');
		}
		print_flushes(f, drops);
	}
	beyond = o->per_lane ? vt_events(skel, VT_LANE_BEYOND) : 0;
	if (beyond)
		printf("\nlanes %u and up: %llu events not shown (more lanes than CPUs were online when velox-trace started)\n",
		       slots, (unsigned long long)beyond);
	fflush(stdout);
	return clear ? vt_clear(skel, slots) : 0;
}

static void compare_row(int stage, const char *source,
			const struct velox_hist *h)
{
	size_t i;

	printf("%-7s %-12s %10llu %10llu", velox_stage_name(stage), source,
	       (unsigned long long)h->count,
	       (unsigned long long)(h->count ? h->min : 0));
	for (i = 0; i < VELOX_PERCENTILES; i++)
		printf(" %10llu", (unsigned long long)
		       velox_hist_quantile(h, velox_percentiles[i].ppm));
	printf(" %10llu\n", (unsigned long long)h->max);
}

/*
 * velox-trace's numbers beside velox.ko's.  Both count the same sampled
 * transactions into the same buckets, so attached for a whole run, the
 * counts are equal and each percentile within a bucket's width (1/64).
 */
int vt_compare(const struct velox_trace *skel, __u32 slots)
{
	__u32 slot;
	struct vt_flush f[VELOX_FLUSH_REASONS], sum[VELOX_FLUSH_REASONS] = { 0 };
	struct velox_hist h, part;
	struct velox_stats *st;
	__u64 drops = 0, d;
	int fd, s, r, i, ret = -1;

	fd = vx_open();
	if (fd < 0)
		return -1;
	st = vx_stats_snapshot(fd);
	close(fd);
	if (!st)
		return -1;

	printf("\nvelox-trace (velox_txn_egress) vs velox.ko (stats area), run %llu, %s; values in ns\n",
	       (unsigned long long)st->run, velox_state_name(st->state));
	printf("%-7s %-12s %10s %10s", "stage", "source", "count", "min");
	for (i = 0; i < VELOX_PERCENTILES; i++)
		printf(" %10s", velox_percentiles[i].label);
	printf(" %10s\n", "max");
	for (s = 0; s < VELOX_STAGES; s++) {
		velox_hist_init(&h);
		for (slot = 0; slot < slots; slot++) {
			if (vt_hist(skel, slot, s, &part))
				goto out_free;
			velox_hist_merge(&h, &part);
		}
		compare_row(s, "velox-trace", &h);
		vx_stats_hist(st, s, &h);
		compare_row(s, "velox.ko", &h);
	}

	for (slot = 0; slot < slots; slot++) {
		if (vt_flushes(skel, slot, f) || vt_drops(skel, slot, &d))
			goto out_free;
		for (r = 0; r < VELOX_FLUSH_REASONS; r++)
			sum[r].bundles += f[r].bundles;
		drops += d;
	}
	printf("%-7s %-12s", "flushes", "velox-trace");
	for (r = 0; r < VELOX_FLUSH_REASONS; r++)
		printf(" %s %llu", velox_flush_name(r),
		       (unsigned long long)sum[r].bundles);
	printf("\n%-7s %-12s", "flushes", "velox.ko");
	for (r = 0; r < VELOX_FLUSH_REASONS; r++)
		printf(" %s %llu", velox_flush_name(r),
		       (unsigned long long)st->total.flushes[r]);
	printf("\n%-7s %-12s %llu\n", "dropped", "velox-trace",
	       (unsigned long long)drops);
	printf("%-7s %-12s %llu\n", "dropped", "velox.ko",
	       (unsigned long long)st->total.dropped);
	fflush(stdout);
	ret = 0;
out_free:
	free(st);
	return ret;
}
