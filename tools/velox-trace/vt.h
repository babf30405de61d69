/* SPDX-License-Identifier: GPL-2.0 */
/* velox-trace: what its files share. */
#ifndef VELOX_VT_H
#define VELOX_VT_H

#include <signal.h>
#include <stdbool.h>
#include <linux/types.h>

#include "libvelox.h"
#include "velox_trace.h"

struct velox_trace;

/* --stage all */
#define VT_ALL_STAGES	VELOX_STAGES

struct vt_opts {
	double interval;	/* seconds; 0: print once at the end */
	long count;		/* intervals; -1: no limit */
	int stage;		/* enum velox_stage, or VT_ALL_STAGES */
	bool per_lane;
	bool compare;
	bool exit_on_stop;
	bool tail;		/* -T: print spikes, no histograms */
};

/* maps.c: the BPF maps, summed over CPUs. */
__u64 vt_events(const struct velox_trace *skel, enum vt_event ev);
int vt_hist(const struct velox_trace *skel, __u32 slot, int stage,
	    struct velox_hist *h);
int vt_flushes(const struct velox_trace *skel, __u32 slot,
	       struct vt_flush f[VELOX_FLUSH_REASONS]);
int vt_drops(const struct velox_trace *skel, __u32 slot, __u64 *drops);
int vt_clear(const struct velox_trace *skel, __u32 slots);

/* tail.c: -T */
int vt_print_spikes(struct velox_trace *skel, const struct vt_opts *o,
		    volatile sig_atomic_t *exiting);

/* print.c */
int vt_print(const struct velox_trace *skel, const struct vt_opts *o,
	     __u32 slots, bool clear);
int vt_compare(const struct velox_trace *skel, __u32 slots);

#endif /* VELOX_VT_H */
