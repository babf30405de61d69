// SPDX-License-Identifier: GPL-2.0
/*
 * The control role: a random mix of START (valid and invalid configs),
 * STOP, RESET_STATS, GET_CONFIG and GET_INFO on /dev/velox, each outcome
 * checked against what the state allows.  Other control processes race
 * it, so -EBUSY is an answer, not a failure; a START whose CPUs went
 * offline or came back meanwhile may be -EINVAL either way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "libvelox.h"
#include "torture.h"

/* Lanes a config can name at most: a lane's number has 16 bits of an id. */
#define TT_LANES_LIMIT	(1u << (64 - VELOX_TXN_ID_LANE_SHIFT))

/* A session's two snapshots, of its mapping's size. */
struct tt_pair {
	struct velox_stats *before;
	struct velox_stats *after;
};

static uint64_t hotplug_gen(void)
{
	return __atomic_load_n(&tt->hotplug_gen, __ATOMIC_ACQUIRE);
}

/* No CPU changed state from @h0 to now. */
static bool hotplug_still(uint64_t h0)
{
	return !(h0 & 1) && hotplug_gen() == h0;
}

static int do_get_info(struct tt_dev *d, struct velox_info *info)
{
	struct tt_cpus present, possible;
	int err;

	tt_cpus_read("present", &present);
	tt_cpus_read("possible", &possible);
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	err = tt_dev_ioctl(d, TT_OP_GET_INFO, VELOX_IOC_GET_INFO, info);
	if (err) {
		tt_fail(TT_CK_QUERY, "GET_INFO: %s", strerror(err));
		return err;
	}
	if (info->size != sizeof(*info) ||
	    info->abi_version != VELOX_ABI_VERSION ||
	    info->stats_size < sizeof(struct velox_stats) ||
	    info->hist_buckets != VELOX_HIST_BUCKETS ||
	    info->hist_sub_bits != VELOX_HIST_SUB_BITS ||
	    info->hist_limit_shift != VELOX_HIST_LIMIT_SHIFT ||
	    info->max_rate != VELOX_RATE_MAX || info->max_ring != VELOX_RING_MAX ||
	    info->max_lanes < 1 || info->max_lanes > tt_cpus_count(&present) ||
	    info->tail_spikes != VELOX_TAIL_SPIKES ||
	    info->cpu_set_size != vx_cpu_set_size(tt_cpus_last(&possible) + 1))
		tt_fail(TT_CK_QUERY, "GET_INFO: size %u abi %u stats_size %u buckets %u max_lanes %u (%lu CPUs present) cpu_set_size %u (CPUs 0-%ld possible): not what uapi/linux/velox.h says",
			info->size, info->abi_version, info->stats_size,
			info->hist_buckets, info->max_lanes,
			tt_cpus_count(&present), info->cpu_set_size,
			tt_cpus_last(&possible));
	return 0;
}

/*
 * START wrote back what runs: what we asked, with the threads resolved.
 * How it names the CPUs (cpus, or the caller's cpu_set) the uapi leaves
 * open: GET_CONFIG and the stats area say which they are.
 */
static void check_started(const struct velox_config *asked,
			  const struct velox_config *runs)
{
	struct velox_config want = *asked;

	want.size = sizeof(want);
	if (!want.threads)
		want.threads = runs->threads;
	want.cpus = runs->cpus;
	want.cpu_set = runs->cpu_set;
	want.cpu_set_size = runs->cpu_set_size;
	if (runs->size != sizeof(*runs) ||
	    (runs->threads != 1 && runs->threads != 2 && runs->threads != 4) ||
	    memcmp(&want, runs, sizeof(want)))
		tt_fail(TT_CK_START_VALID, "START wrote back size %u threads %u lanes %u rate %u, expected size %zu, threads %u (asked), lanes %u, rate %u",
			runs->size, runs->threads, runs->lanes, runs->rate,
			sizeof(*runs), asked->threads, want.lanes, want.rate);
}

/*
 * START a valid or invalid config.  GET_INFO is asked again first: its
 * max_lanes follows the online CPUs, so the session's answer may be from
 * before a hotplug that @h0 would not see.
 */
static void do_start(struct tt_dev *d, struct velox_info *info, bool valid)
{
	uint64_t h0 = hotplug_gen();
	char cpus[256], *on;
	struct velox_config asked;
	struct tt_cpus online;
	struct tt_start s;
	enum tt_op op;
	int err;

	if (do_get_info(d, info))
		return;
	tt_cpus_read("online", &online);
	if (valid)
		tt_config_valid(&s, info, &online);
	else
		tt_config_invalid(&s, info, &online);
	op = s.size < sizeof(s.cfg) || s.want == E2BIG ? TT_OP_START_BAD_SIZE :
	     valid ? TT_OP_START_VALID : TT_OP_START_INVALID;
	asked = s.cfg;
	err = tt_dev_ioctl(d, op, VELOX_IOC_START, s.raw);
	if (s.want == 0) {
		if (err == 0)
			check_started(&asked, &s.cfg);
		if (err == 0 || err == EBUSY)
			return;
		if (err == EINVAL && s.cpus_sensitive && !hotplug_still(h0)) {
			tt_event(TT_EV_EINVAL_HOTPLUG_RACE);
			return;
		}
		tt_config_cpus(&s, cpus, sizeof(cpus));
		on = vx_cpulist(online.w, sizeof(online.w));
		tt_fail(TT_CK_START_VALID, "START lanes %u threads %u %s rate %u ring %u (online %s): %s, expected success or EBUSY",
			s.cfg.lanes, s.cfg.threads, cpus, s.cfg.rate,
			s.cfg.ring, on ? on : "?", strerror(err));
		free(on);
		return;
	}
	if (err == s.want)
		return;
	if (s.cpus_sensitive && !hotplug_still(h0) && (err == 0 || err == EBUSY)) {
		tt_event(TT_EV_EINVAL_HOTPLUG_RACE);
		return;
	}
	tt_config_cpus(&s, cpus, sizeof(cpus));
	on = vx_cpulist(online.w, sizeof(online.w));
	tt_fail(TT_CK_START_INVALID, "START with %s (size %zu, lanes %u, %s, online %s): %s, expected %s",
		s.why, s.size, s.cfg.lanes, cpus, on ? on : "?",
		err ? strerror(err) : "success", strerror(s.want));
	free(on);
}

/* STOP returns once the run is stopped and its final counts published. */
static void do_stop(struct tt_dev *d, const struct tt_pair *snap)
{
	const struct velox_stats *before = snap->before, *after = snap->after;
	int err;

	if (tt_snapshot(d, snap->before))
		return;
	err = tt_dev_ioctl(d, TT_OP_STOP, VELOX_IOC_STOP, NULL);
	if (err) {
		tt_fail(TT_CK_STOP, "STOP: %s, expected success", strerror(err));
		return;
	}
	if (tt_snapshot(d, snap->after))
		return;
	/* No START since: the run we saw is the run that is now stopped. */
	if (after->run == before->run && after->state != VELOX_STATE_STOPPED)
		tt_fail(TT_CK_STOP, "STOP returned, run %llu still in state %u",
			(unsigned long long)after->run, after->state);
}

static void do_reset(struct tt_dev *d, const struct tt_pair *snap)
{
	const struct velox_stats *before = snap->before, *after = snap->after;
	int err;

	if (tt_snapshot(d, snap->before))
		return;
	err = tt_dev_ioctl(d, TT_OP_RESET_STATS, VELOX_IOC_RESET_STATS, NULL);
	if (tt_snapshot(d, snap->after))
		return;
	if (err && err != EBUSY) {
		tt_fail(TT_CK_RESET, "RESET_STATS: %s, expected success or EBUSY",
			strerror(err));
		return;
	}
	if (after->run != before->run)
		return;	/* a START came in between: nothing to say */
	if (!err && (after->state != VELOX_STATE_STOPPED || !tt_stats_zeroed(after)))
		tt_fail(TT_CK_RESET, "RESET_STATS succeeded, yet run %llu is in state %u, counts %s",
			(unsigned long long)after->run, after->state,
			tt_stats_zeroed(after) ? "zero" : "not zero");
	if (err == EBUSY && before->state == VELOX_STATE_STOPPED &&
	    after->state == VELOX_STATE_STOPPED)
		tt_fail(TT_CK_RESET, "RESET_STATS: EBUSY, yet run %llu was stopped before and after",
			(unsigned long long)after->run);
}

/*
 * GET_CONFIG answers a config that could run.  Half the time it is asked
 * for the CPU set too, into a set a word longer than the machine's, all
 * ones: the set comes with cpus 0 and the word past it zeroed.
 */
static void do_get_config(struct tt_dev *d, const struct velox_info *info)
{
	struct velox_config c = { .size = sizeof(c) };
	__u64 set[TT_CPU_SET_WORDS + 1];
	bool with_set = info->cpu_set_size && !(info->cpu_set_size % 8) &&
			info->cpu_set_size <= TT_CPU_SET_SIZE && tt_chance(50);
	int err;

	if (with_set) {
		memset(set, 0xff, sizeof(set));
		c.cpu_set = (uintptr_t)set;
		c.cpu_set_size = info->cpu_set_size + 8;
	}
	err = tt_dev_ioctl(d, TT_OP_GET_CONFIG, VELOX_IOC_GET_CONFIG, &c);
	if (err) {
		tt_fail(TT_CK_QUERY, "GET_CONFIG%s: %s",
			with_set ? " with a CPU set" : "", strerror(err));
		return;
	}
	if (with_set && (c.cpus || set[info->cpu_set_size / 8]))
		tt_fail(TT_CK_QUERY, "GET_CONFIG with a CPU set of %u bytes: cpus %#llx, the word past the machine's %#llx: expected both 0",
			info->cpu_set_size + 8, (unsigned long long)c.cpus,
			(unsigned long long)set[info->cpu_set_size / 8]);
	if (c.size != sizeof(c) || c.lanes < 1 || c.lanes > TT_LANES_LIMIT ||
	    c.rate < 1 || c.rate > VELOX_RATE_MAX || c.ring < VELOX_RING_MIN ||
	    (c.ring & (c.ring - 1)) || c.bundle < 1 ||
	    c.bundle > VELOX_BUNDLE_MAX || c.threads == 3 || c.threads > 4)
		tt_fail(TT_CK_QUERY, "GET_CONFIG: size %u lanes %u rate %u ring %u bundle %u threads %u: not a config that runs",
			c.size, c.lanes, c.rate, c.ring, c.bundle, c.threads);
}

/* Hold the device for a few ops, then let go (rmmod's chance). */
static void session(void)
{
	unsigned int ops = tt_rand_range(1, 20);
	struct tt_pair snap = { NULL, NULL };
	struct velox_info info;
	struct tt_dev d;

	if (tt_dev_open(&d, true)) {
		tt_sleep_us(tt_rand_range(1000, 50000));
		return;
	}
	snap.before = tt_stats_alloc(&d);
	snap.after = tt_stats_alloc(&d);
	if (!snap.before || !snap.after || do_get_info(&d, &info))
		goto out_close;
	while (ops-- && tt_running() && !tt_quiet()) {
		unsigned int pick = tt_rand_below(100);

		if (pick < 30)
			do_start(&d, &info, true);
		else if (pick < 45)
			do_start(&d, &info, false);
		else if (pick < 67)
			do_stop(&d, &snap);
		else if (pick < 77)
			do_reset(&d, &snap);
		else if (pick < 90)
			do_get_config(&d, &info);
		else
			do_get_info(&d, &info);
		/* Mostly let a run run a while; now and then race hard. */
		if (tt_chance(80))
			tt_sleep_us(tt_rand_range(1000, 300000));
	}
out_close:
	free(snap.after);
	free(snap.before);
	tt_dev_close(&d);
}

void tt_control(void)
{
	while (tt_running()) {
		if (tt_quiet()) {
			tt_sleep_us(10000);
			continue;
		}
		session();
	}
}
