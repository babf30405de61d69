// SPDX-License-Identifier: GPL-2.0
/*
 * The control role: a random mix of START (valid and invalid configs),
 * STOP, RESET_STATS, GET_CONFIG and GET_INFO on /dev/velox, each outcome
 * checked against what the state allows.  Other control processes race
 * it, so -EBUSY is an answer, not a failure; a START whose CPUs went
 * offline or came back meanwhile may be -EINVAL either way.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "torture.h"

static struct velox_stats before, after;

static uint64_t hotplug_gen(void)
{
	return __atomic_load_n(&tt->hotplug_gen, __ATOMIC_ACQUIRE);
}

/* No CPU changed state from @h0 to now. */
static bool hotplug_still(uint64_t h0)
{
	return !(h0 & 1) && hotplug_gen() == h0;
}

/* START wrote back what runs: what we asked, with the threads resolved. */
static void check_started(const struct velox_config *asked,
			  const struct velox_config *runs)
{
	struct velox_config want = *asked;

	want.size = sizeof(want);
	if (!want.threads)
		want.threads = runs->threads;
	if (runs->size != sizeof(*runs) ||
	    (runs->threads != 1 && runs->threads != 2 && runs->threads != 4) ||
	    memcmp(&want, runs, sizeof(want)))
		tt_fail(TT_CK_START_VALID, "START wrote back size %u threads %u lanes %u rate %u, expected size %zu, threads %u (asked), lanes %u, rate %u",
			runs->size, runs->threads, runs->lanes, runs->rate,
			sizeof(*runs), asked->threads, want.lanes, want.rate);
}

static void do_start(struct tt_dev *d, const struct velox_info *info, bool valid)
{
	uint64_t h0 = hotplug_gen();
	uint64_t online = tt_cpu_mask("online");
	struct velox_config asked;
	struct tt_start s;
	enum tt_op op;
	int err;

	if (valid)
		tt_config_valid(&s, info, online);
	else
		tt_config_invalid(&s, info, online);
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
		tt_fail(TT_CK_START_VALID, "START lanes %u threads %u cpus %#llx rate %u ring %u (online %#llx): %s, expected success or EBUSY",
			s.cfg.lanes, s.cfg.threads, (unsigned long long)s.cfg.cpus,
			s.cfg.rate, s.cfg.ring, (unsigned long long)online,
			strerror(err));
		return;
	}
	if (err == s.want)
		return;
	if (s.cpus_sensitive && !hotplug_still(h0) && (err == 0 || err == EBUSY)) {
		tt_event(TT_EV_EINVAL_HOTPLUG_RACE);
		return;
	}
	tt_fail(TT_CK_START_INVALID, "START with %s (size %zu, lanes %u, cpus %#llx, online %#llx): %s, expected %s",
		s.why, s.size, s.cfg.lanes, (unsigned long long)s.cfg.cpus,
		(unsigned long long)online, err ? strerror(err) : "success",
		strerror(s.want));
}

/* STOP returns once the run is stopped and its final counts published. */
static void do_stop(struct tt_dev *d)
{
	int err;

	if (tt_snapshot(d, &before))
		return;
	err = tt_dev_ioctl(d, TT_OP_STOP, VELOX_IOC_STOP, NULL);
	if (err) {
		tt_fail(TT_CK_STOP, "STOP: %s, expected success", strerror(err));
		return;
	}
	if (tt_snapshot(d, &after))
		return;
	/* No START since: the run we saw is the run that is now stopped. */
	if (after.run == before.run && after.state != VELOX_STATE_STOPPED)
		tt_fail(TT_CK_STOP, "STOP returned, run %llu still in state %u",
			(unsigned long long)after.run, after.state);
}

static void do_reset(struct tt_dev *d)
{
	int err;

	if (tt_snapshot(d, &before))
		return;
	err = tt_dev_ioctl(d, TT_OP_RESET_STATS, VELOX_IOC_RESET_STATS, NULL);
	if (tt_snapshot(d, &after))
		return;
	if (err && err != EBUSY) {
		tt_fail(TT_CK_RESET, "RESET_STATS: %s, expected success or EBUSY",
			strerror(err));
		return;
	}
	if (after.run != before.run)
		return;	/* a START came in between: nothing to say */
	if (!err && (after.state != VELOX_STATE_STOPPED || !tt_stats_zeroed(&after)))
		tt_fail(TT_CK_RESET, "RESET_STATS succeeded, yet run %llu is in state %u, counts %s",
			(unsigned long long)after.run, after.state,
			tt_stats_zeroed(&after) ? "zero" : "not zero");
	if (err == EBUSY && before.state == VELOX_STATE_STOPPED &&
	    after.state == VELOX_STATE_STOPPED)
		tt_fail(TT_CK_RESET, "RESET_STATS: EBUSY, yet run %llu was stopped before and after",
			(unsigned long long)after.run);
}

static void do_get_config(struct tt_dev *d)
{
	struct velox_config c = { .size = sizeof(c) };
	int err = tt_dev_ioctl(d, TT_OP_GET_CONFIG, VELOX_IOC_GET_CONFIG, &c);

	if (err) {
		tt_fail(TT_CK_QUERY, "GET_CONFIG: %s", strerror(err));
		return;
	}
	if (c.size != sizeof(c) || c.lanes < 1 || c.lanes > VELOX_LANES_MAX ||
	    c.rate < 1 || c.rate > VELOX_RATE_MAX || c.ring < VELOX_RING_MIN ||
	    (c.ring & (c.ring - 1)) || c.bundle < 1 ||
	    c.bundle > VELOX_BUNDLE_MAX || c.threads == 3 || c.threads > 4)
		tt_fail(TT_CK_QUERY, "GET_CONFIG: size %u lanes %u rate %u ring %u bundle %u threads %u: not a config that runs",
			c.size, c.lanes, c.rate, c.ring, c.bundle, c.threads);
}

static int do_get_info(struct tt_dev *d, struct velox_info *info)
{
	uint64_t present = tt_cpu_mask("present");
	int err;

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
	    info->max_lanes < 1 ||
	    info->max_lanes > (unsigned int)__builtin_popcountll(present) ||
	    info->tail_spikes != VELOX_TAIL_SPIKES)
		tt_fail(TT_CK_QUERY, "GET_INFO: size %u abi %u stats_size %u buckets %u max_lanes %u (present %#llx): not what uapi/linux/velox.h says",
			info->size, info->abi_version, info->stats_size,
			info->hist_buckets, info->max_lanes,
			(unsigned long long)present);
	return 0;
}

/* Hold the device for a few ops, then let go (rmmod's chance). */
static void session(void)
{
	unsigned int ops = tt_rand_range(1, 20);
	struct velox_info info;
	struct tt_dev d;

	if (tt_dev_open(&d, true)) {
		tt_sleep_us(tt_rand_range(1000, 50000));
		return;
	}
	if (do_get_info(&d, &info))
		goto out_close;
	while (ops-- && tt_running() && !tt_quiet()) {
		unsigned int pick = tt_rand_below(100);

		if (pick < 30)
			do_start(&d, &info, true);
		else if (pick < 45)
			do_start(&d, &info, false);
		else if (pick < 67)
			do_stop(&d);
		else if (pick < 77)
			do_reset(&d);
		else if (pick < 90)
			do_get_config(&d);
		else
			do_get_info(&d, &info);
		/* Mostly let a run run a while; now and then race hard. */
		if (tt_chance(80))
			tt_sleep_us(tt_rand_range(1000, 300000));
	}
out_close:
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
