// SPDX-License-Identifier: GPL-2.0
/*
 * What tail capture costs a transaction: callgrind's instructions per
 * transaction of the one-thread lane (every transaction sampled), by
 * difference between two run lengths, as the sampling group measures it.
 *
 *   tail/instr/off        tail capture off: the lane as velox.ko runs it
 *                         without --tail
 *   tail/instr/stamped    on, with a threshold no transaction reaches:
 *                         the stages' stamps and the service time
 *   tail/instr/captured   on, with every transaction a spike: its parts,
 *                         the interference asked of a CPU log holding 64
 *                         segments, the copy into a capture buffer
 *   tail/spike            captured - stamped: the instructions of one
 *                         spike's capture
 *
 * The interference log here is core/noise_log.c's, filled once with IRQ
 * segments a microsecond apart, as a CPU under a 1 kHz timer would hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/velox.h>

#include "bench.h"
#include "noise_log.h"
#include "rig.h"
#include "tail.h"

enum { TAIL_OFF, TAIL_STAMPED, TAIL_CAPTURED, TAIL_MODES };

static const char *const tail_modes[TAIL_MODES] = {
	"tail-off", "tail-stamped", "tail-captured",
};

struct tail_bench {
	struct velox_noise_log *log;
	struct velox_spike last;	/* where claim() has each spike written */
	uint64_t kept;
};

static void tail_interference(void *ctx, unsigned int cpu, u64 from, u64 to,
			       struct velox_noise_sum *sum)
{
	struct tail_bench *tb = ctx;

	(void)cpu;
	velox_noise_overlap(tb->log, from, to, sum);
}

static struct velox_spike *tail_claim(void *ctx, u64 e2e_ns)
{
	struct tail_bench *tb = ctx;

	(void)e2e_ns;
	return &tb->last;
}

static void tail_keep(void *ctx, struct velox_spike *spike)
{
	struct tail_bench *tb = ctx;

	(void)spike;
	tb->kept++;
}

/* 64 IRQ segments of 2 us, a microsecond apart, ending now. */
static void fill_log(struct velox_noise_log *log)
{
	u64 t = bench_now_ns() - 64 * 3000;
	int i;

	velox_noise_log_reset(log);
	for (i = 0; i < 64; i++, t += 3000) {
		velox_noise_enter(log, t, VELOX_NOISE_IRQ, 236, "timer");
		velox_noise_exit(log, t + 2000);
	}
}

/*
 * What "velox-bench --callgrind-loop tail-<mode> COUNT" runs under
 * callgrind: the one-thread lane, unpaced, every transaction sampled,
 * COUNT transactions, with tail capture as @mode says.
 */
int tail_callgrind_loop(const char *mode, uint64_t n)
{
	struct rig_conf rc = {
		.lanes = 1, .book_cap = 64, .stop_after = n,
		.lane = rig_params(0, 1),
	};
	struct velox_sink *sink = rig_alloc(sizeof(*sink));
	struct tail_bench tb = { 0 };
	struct velox_tail tail = { 0 };
	struct rig_thread th;
	struct rig r;
	int m, ret = 1;

	for (m = 0; m < TAIL_MODES && strcmp(mode, tail_modes[m]); m++)
		;
	if (m == TAIL_MODES || !sink)
		goto out_free_sink;
	if (m != TAIL_OFF) {
		u32 slots = velox_timeline_slots(RIG_RING);

		tb.log = rig_alloc(sizeof(*tb.log));
		tail.timeline.stamps = rig_alloc(slots * sizeof(struct velox_stamp));
		if (!tb.log || !tail.timeline.stamps)
			goto out_free_tail;
		memset(tail.timeline.stamps, 0, slots * sizeof(struct velox_stamp));
		tail.timeline.mask = slots - 1;
		tail.threshold_ns = m == TAIL_CAPTURED ? 0 : ~0ull;
		tail.interference = tail_interference;
		tail.claim = tail_claim;
		tail.keep = tail_keep;
		tail.ctx = &tb;
		fill_log(tb.log);
		rc.lane.tail = &tail;
	}
	if (rig_init(&r, &rc))
		goto out_free_tail;
	velox_sink_init(sink);
	rig_thread_init(&th, &r, 0, VELOX_LANE_ALL, sink, 0);
	rig_run_here(&r, &th);
	if (rig_check(&r, sink) &&
	    tb.kept == (m == TAIL_CAPTURED ? sink->count.sampled : 0))
		ret = 0;
	rig_free(&r);
out_free_tail:
	free(tail.timeline.stamps);
	free(tb.log);
out_free_sink:
	free(sink);
	return ret;
}

int tail_bench(const struct bench_opts *o)
{
	const uint64_t n1 = 100000, n2 = 600000;
	double ir[TAIL_MODES];
	char name[64];
	int m;

	(void)o;
	for (m = 0; m < TAIL_MODES; m++) {
		double i1 = bench_callgrind_ir(tail_modes[m], n1, NULL);
		double i2 = bench_callgrind_ir(tail_modes[m], n2, NULL);

		if (i1 < 0 || i2 < 0) {
			fprintf(stderr, "velox-bench: tail: callgrind failed (valgrind missing?)\n");
			return -1;
		}
		ir[m] = (i2 - i1) / (n2 - n1);
		snprintf(name, sizeof(name), "tail/instr/%s", tail_modes[m] + 5);
		bench_result(name, ir[m], "instr/txn", false);
	}
	bench_result("tail/spike", ir[TAIL_CAPTURED] - ir[TAIL_STAMPED],
		     "instr", false);
	return 0;
}
