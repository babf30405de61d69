// SPDX-License-Identifier: GPL-2.0
/*
 * The pipeline through /dev/velox with the module loaded: start/stop
 * cycles and what must hold after each, every policy, rings kept full,
 * the bad-input matrix of START, the read-only stats mapping, ioctls from
 * many processes at once, and debugfs agreeing with the mapping.
 * Nothing here asserts a duration: the VM's speed varies.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/velox.h>

#include "ktap.h"

static int fd = -1;
static struct velox_info info;
static const struct velox_stats *area;
static struct velox_stats snap;
static struct velox_config defaults;

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The ioctl's errno, or 0. */
static int xioctl(unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/* A consistent copy of the stats area (the seqcount reader's loop). */
static bool read_stats(void)
{
	for (int tries = 0; tries < 100000; tries++) {
		uint32_t seq = __atomic_load_n(&area->seq, __ATOMIC_ACQUIRE);

		if (seq & 1)
			continue;
		memcpy(&snap, area, sizeof(snap));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&area->seq, __ATOMIC_RELAXED) == seq)
			return true;
	}
	ktap_diag("the stats area never held still");
	return false;
}

/*
 * Everything that must hold once a run has stopped; says what did not.
 * A run stopped at once may not have generated anything yet.
 */
static bool check_run(const char *what, bool need_traffic)
{
	const struct velox_counters *c = &snap.total;
	__u64 gen = 0, del = 0, drop = 0;

	if (!read_stats())
		return false;
	for (uint32_t i = 0; i < snap.config.lanes && i < VELOX_LANES_MAX; i++) {
		gen += snap.lane[i].generated;
		del += snap.lane[i].delivered;
		drop += snap.lane[i].dropped;
	}
	if (snap.state != VELOX_STATE_STOPPED) {
		ktap_diag("%s: state %u after STOP", what, snap.state);
	} else if (need_traffic && !c->generated) {
		ktap_diag("%s: nothing generated", what);
	} else if (c->generated != c->delivered + c->dropped) {
		ktap_diag("%s: generated %llu != delivered %llu + dropped %llu",
			  what, c->generated, c->delivered, c->dropped);
	} else if (c->seq_errors) {
		ktap_diag("%s: %llu transactions out of order", what,
			  c->seq_errors);
	} else if (c->submitted_qty != 2 * c->filled_qty + c->resting_qty +
		   c->cancelled_qty + c->expired_qty + c->rejected_qty) {
		ktap_diag("%s: book quantity not conserved: %llu != 2*%llu + %llu + %llu + %llu + %llu",
			  what, c->submitted_qty, c->filled_qty, c->resting_qty,
			  c->cancelled_qty, c->expired_qty, c->rejected_qty);
	} else if (gen != c->generated || del != c->delivered ||
		   drop != c->dropped) {
		ktap_diag("%s: lanes sum to %llu/%llu/%llu, totals %llu/%llu/%llu",
			  what, (unsigned long long)gen,
			  (unsigned long long)del, (unsigned long long)drop,
			  c->generated, c->delivered, c->dropped);
	} else if (snap.hist[VELOX_STAGE_E2E].count != c->sampled) {
		ktap_diag("%s: e2e histogram holds %llu, sampled %llu", what,
			  snap.hist[VELOX_STAGE_E2E].count, c->sampled);
	} else {
		return true;
	}
	return false;
}

static bool run_for(struct velox_config *cfg, unsigned int ms,
		    const char *what)
{
	int err;

	cfg->size = sizeof(*cfg);
	err = xioctl(VELOX_IOC_START, cfg);
	if (err) {
		ktap_diag("%s: START: %s", what, strerror(err));
		return false;
	}
	sleep_ms(ms);
	err = xioctl(VELOX_IOC_STOP, NULL);
	if (err) {
		ktap_diag("%s: STOP: %s", what, strerror(err));
		return false;
	}
	return check_run(what, ms > 0);
}

static void test_fifty_cycles_conserve(void)
{
	static const uint32_t rings[] = { 4, 64, 1024, 65536 };
	bool ok = true;

	for (int i = 0; i < 50 && ok; i++) {
		struct velox_config c = defaults;
		char what[32];

		c.rate = 1000 + (uint32_t)i * 199999;
		c.lanes = 1 + (uint32_t)i % info.max_lanes;
		c.bundle = 1 + i % 16;
		c.flush_us = 1 + (uint32_t)i * 37;
		c.ring = rings[i % 4];
		c.sample = 1 + i % 7;
		c.backoff = i % VELOX_BACKOFF_POLICIES;
		c.policy = (i / 3) % VELOX_POLICIES;
		c.threads = (const uint8_t[]){ 0, 1, 2, 4 }[i % 4];
		c.seed = i;
		snprintf(what, sizeof(what), "cycle %d", i + 1);
		ok = run_for(&c, 20 + i % 5 * 10, what);
		if (ok && snap.run == 0)
			ok = false;
	}
	ktap_result(ok, "fifty_start_stop_cycles_conserve_exactly");
}

static void test_every_policy_runs_and_stops(void)
{
	bool ok = true;

	for (int b = 0; b < VELOX_BACKOFF_POLICIES && ok; b++) {
		for (int f = 0; f < VELOX_POLICIES && ok; f++) {
			struct velox_config c = defaults;
			char what[32];

			c.backoff = b;
			c.policy = f;
			c.rate = 1000000;
			snprintf(what, sizeof(what), "backoff %d policy %d", b, f);
			ok = run_for(&c, 100, what);
			if (ok && f == VELOX_POLICY_BLOCK && snap.total.dropped) {
				ktap_diag("%s: %llu dropped under block", what,
					  snap.total.dropped);
				ok = false;
			}
		}
	}
	ktap_result(ok, "every_backoff_and_policy_runs_and_stops");
}

static void test_two_lanes_share_the_book(void)
{
	struct velox_config c = defaults;
	bool ok;

	if (info.max_lanes < 2) {
		ktap_diag("the VM must have 2 CPUs; max_lanes is %u",
			  info.max_lanes);
		ktap_result(false, "two_lanes_share_the_book");
		return;
	}
	c.lanes = 2;
	c.rate = 400000;
	ok = run_for(&c, 300, "two lanes");
	for (int i = 0; ok && i < 2; i++) {
		if (!snap.lane[i].delivered) {
			ktap_diag("lane %d delivered nothing", i);
			ok = false;
		}
	}
	if (ok && snap.total.orders != snap.total.delivered) {
		ktap_diag("book took %llu orders, lanes delivered %llu",
			  snap.total.orders, snap.total.delivered);
		ok = false;
	}
	ktap_result(ok, "two_lanes_share_the_book");
}

/* Tiny rings at the top rate: STOP arrives while every ring is full. */
static void test_stop_with_full_rings(void)
{
	bool ok = true;

	for (int f = 0; f < VELOX_POLICIES && ok; f++) {
		struct velox_config c = defaults;

		c.ring = VELOX_RING_MIN;
		c.rate = VELOX_RATE_MAX;
		c.policy = f;
		c.backoff = VELOX_BACKOFF_SPIN;
		ok = run_for(&c, 30, f ? "full rings, block" : "full rings, drop");
		if (ok && !snap.total.full_waits && !snap.total.dropped) {
			ktap_diag("rings never filled (no drop, no wait)");
			ok = false;
		}
	}
	ktap_result(ok, "stop_while_rings_are_full");
}

static void test_start_right_after_stop(void)
{
	struct velox_config c = defaults;
	bool ok = true;
	uint64_t run0;

	if (!read_stats())
		ok = false;
	run0 = snap.run;
	for (int i = 0; ok && i < 5; i++)
		ok = run_for(&c, 0, "back to back");
	if (ok && snap.run != run0 + 5) {
		ktap_diag("run counter %llu, expected %llu",
			  (unsigned long long)snap.run,
			  (unsigned long long)run0 + 5);
		ok = false;
	}
	ktap_result(ok, "start_right_after_stop");
}

struct bad_start {
	const char *name;
	int err;
	void (*spoil)(struct velox_config *c);
};

#define SPOIL(n, stmt) static void n(struct velox_config *c) { stmt; }
SPOIL(rate_0, c->rate = 0)
SPOIL(rate_over, c->rate = VELOX_RATE_MAX + 1)
SPOIL(lanes_0, c->lanes = 0)
SPOIL(lanes_over, c->lanes = info.max_lanes + 1)
SPOIL(bundle_0, c->bundle = 0)
SPOIL(bundle_17, c->bundle = 17)
SPOIL(flush_0, c->flush_us = 0)
SPOIL(ring_npow2, c->ring = 1000)
SPOIL(ring_big, c->ring = VELOX_RING_MAX * 2)
SPOIL(sample_0, c->sample = 0)
SPOIL(spin_0, c->spin_cap = 0)
SPOIL(backoff_bad, c->backoff = VELOX_BACKOFF_POLICIES)
SPOIL(policy_bad, c->policy = VELOX_POLICIES)
SPOIL(threads_3, c->threads = 3)
SPOIL(cpu_offline, c->cpus = 1ull << 63)
SPOIL(reserved0, c->__reserved0 = 1)
SPOIL(reserved1, c->__reserved[1] = 7)
SPOIL(size_short, c->size = sizeof(*c) - 8)
SPOIL(size_tiny, c->size = 2)
#undef SPOIL

static const struct bad_start bad_starts[] = {
	{ "rate_0", EINVAL, rate_0 },
	{ "rate_over_10M", EINVAL, rate_over },
	{ "lanes_0", EINVAL, lanes_0 },
	{ "lanes_over_online_cpus", EINVAL, lanes_over },
	{ "bundle_0", EINVAL, bundle_0 },
	{ "bundle_17", EINVAL, bundle_17 },
	{ "flush_0", EINVAL, flush_0 },
	{ "ring_not_power_of_two", EINVAL, ring_npow2 },
	{ "ring_too_big", EINVAL, ring_big },
	{ "sample_0", EINVAL, sample_0 },
	{ "spin_cap_0", EINVAL, spin_0 },
	{ "unknown_backoff", EINVAL, backoff_bad },
	{ "unknown_policy", EINVAL, policy_bad },
	{ "threads_3", EINVAL, threads_3 },
	{ "cpu_not_online", EINVAL, cpu_offline },
	{ "reserved_byte_set", EINVAL, reserved0 },
	{ "reserved_tail_set", EINVAL, reserved1 },
	{ "size_shorter_than_v1", EINVAL, size_short },
	{ "size_2", EINVAL, size_tiny },
};

/* Each bad config alone: its errno, and nothing started. */
static void test_bad_start_matrix(void)
{
	for (size_t i = 0; i < sizeof(bad_starts) / sizeof(bad_starts[0]); i++) {
		const struct bad_start *b = &bad_starts[i];
		struct velox_config c = defaults;
		char name[64];
		int err;

		c.size = sizeof(c);
		b->spoil(&c);
		err = xioctl(VELOX_IOC_START, &c);
		snprintf(name, sizeof(name), "start_%s_is_%s", b->name,
			 b->err == EINVAL ? "einval" : "refused");
		if (err != b->err)
			ktap_diag("expected %s, got %s", strerror(b->err),
				  err ? strerror(err) : "success");
		if (!err)
			xioctl(VELOX_IOC_STOP, NULL);
		ktap_result(err == b->err, name);
	}
}

static void test_start_tail_and_pointer_errors(void)
{
	struct {
		struct velox_config c;
		uint64_t future;
	} big = { .c = defaults, .future = 1 };
	int err;

	big.c.size = sizeof(big);
	err = xioctl(VELOX_IOC_START, &big);
	ktap_result(err == E2BIG, "start_unknown_nonzero_tail_is_e2big");
	if (err == 0)
		xioctl(VELOX_IOC_STOP, NULL);

	/* A zero tail beyond what the kernel knows is fine. */
	big.future = 0;
	err = xioctl(VELOX_IOC_START, &big);
	ktap_result(err == 0, "start_zero_tail_is_accepted");
	xioctl(VELOX_IOC_STOP, NULL);

	err = xioctl(VELOX_IOC_START, (void *)16);
	ktap_result(err == EFAULT, "start_bad_pointer_is_efault");
	err = xioctl(VELOX_IOC_GET_CONFIG, (void *)16);
	ktap_result(err == EFAULT, "get_config_bad_pointer_is_efault");
}

static void test_start_while_running_is_ebusy(void)
{
	struct velox_config c = defaults;
	int err, err2, err3;

	c.size = sizeof(c);
	err = xioctl(VELOX_IOC_START, &c);
	err2 = xioctl(VELOX_IOC_START, &c);
	err3 = xioctl(VELOX_IOC_RESET_STATS, NULL);
	xioctl(VELOX_IOC_STOP, NULL);
	if (err || err2 != EBUSY || err3 != EBUSY)
		ktap_diag("START %s, START again %s, RESET %s",
			  strerror(err), strerror(err2), strerror(err3));
	ktap_result(!err && err2 == EBUSY && err3 == EBUSY,
		    "start_or_reset_while_running_is_ebusy");
}

static void test_get_config_and_reset(void)
{
	struct velox_config c = { .size = sizeof(c) };
	bool ok;
	int err;

	err = xioctl(VELOX_IOC_GET_CONFIG, &c);
	ok = !err && c.rate == defaults.rate && c.size == sizeof(c);
	ktap_result(ok, "get_config_while_stopped_returns_the_defaults");

	err = xioctl(VELOX_IOC_RESET_STATS, NULL);
	ok = !err && read_stats() && snap.total.generated == 0 &&
	     snap.hist[VELOX_STAGE_E2E].count == 0;
	ktap_result(ok, "reset_while_stopped_zeroes_the_stats");
}

/* Without CAP_SYS_ADMIN (root, but the capability dropped): EPERM. */
static void test_needs_cap_sys_admin(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct d[2];
		struct velox_config c = defaults;
		struct velox_config got = { .size = sizeof(got) };

		if (syscall(SYS_capget, &h, d))
			_exit(10);
		d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
		if (syscall(SYS_capset, &h, d))
			_exit(11);
		c.size = sizeof(c);
		if (xioctl(VELOX_IOC_START, &c) != EPERM)
			_exit(1);
		if (xioctl(VELOX_IOC_STOP, NULL) != EPERM)
			_exit(2);
		if (xioctl(VELOX_IOC_RESET_STATS, NULL) != EPERM)
			_exit(3);
		/* Reading is allowed. */
		if (xioctl(VELOX_IOC_GET_CONFIG, &got))
			_exit(4);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		ktap_diag("child failed at step %d", WEXITSTATUS(status));
	ktap_result(WIFEXITED(status) && !WEXITSTATUS(status),
		    "start_stop_reset_without_cap_sys_admin_are_eperm");
}

static void test_mapping_is_read_only(void)
{
	void *p;
	int err;

	p = mmap(NULL, info.stats_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	err = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED)
		munmap(p, info.stats_size);
	ktap_result(err == EPERM, "mmap_writable_is_refused");

	p = mmap(NULL, info.stats_size, PROT_READ, MAP_SHARED, fd, 0);
	err = p == MAP_FAILED ? errno :
	      mprotect(p, info.stats_size, PROT_READ | PROT_WRITE) ? errno : 0;
	if (p != MAP_FAILED)
		munmap(p, info.stats_size);
	ktap_result(err == EACCES, "mprotect_to_write_is_refused");

	p = mmap(NULL, info.stats_size + 4096, PROT_READ, MAP_SHARED, fd, 0);
	err = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED)
		munmap(p, info.stats_size + 4096);
	ktap_result(err == EINVAL, "mmap_longer_than_the_area_is_refused");

	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, info.stats_size);
	err = p == MAP_FAILED ? errno : 0;
	if (p != MAP_FAILED)
		munmap(p, 4096);
	ktap_result(err == EINVAL, "mmap_offset_past_the_area_is_refused");

	ktap_result(area->magic == VELOX_STATS_MAGIC &&
		    area->abi_version == VELOX_ABI_VERSION &&
		    area->size == info.stats_size,
		    "mapped_area_has_magic_abi_and_size");
}

/* Many processes hammer the ioctls at once: only 0 or EBUSY, no harm. */
static void test_concurrent_ioctls(void)
{
	enum { PROCS = 8, ROUNDS = 25 };
	pid_t pids[PROCS];
	bool ok = true;

	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		if (pids[p])
			continue;
		for (int r = 0; r < ROUNDS; r++) {
			struct velox_config c = defaults;
			int err;

			c.size = sizeof(c);
			c.seed = p * ROUNDS + r;
			switch ((p + r) % 4) {
			case 0:
				err = xioctl(VELOX_IOC_START, &c);
				break;
			case 1:
				err = xioctl(VELOX_IOC_STOP, NULL);
				break;
			case 2:
				err = xioctl(VELOX_IOC_GET_CONFIG, &c);
				break;
			default:
				err = xioctl(VELOX_IOC_RESET_STATS, NULL);
			}
			if (err && err != EBUSY)
				_exit(1);
		}
		_exit(0);
	}
	for (int p = 0; p < PROCS; p++) {
		int status;

		waitpid(pids[p], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			ok = false;
	}
	if (!ok)
		ktap_diag("an ioctl failed with something other than EBUSY");
	ok = !xioctl(VELOX_IOC_STOP, NULL) && ok;
	/* The last run, if any ran last, ended conserved. */
	if (ok && read_stats() && snap.total.generated)
		ok = check_run("after the storm", true);
	ktap_result(ok, "concurrent_ioctls_from_8_processes");
}

/* debugfs "key: value" for @key, or -1. */
static long long debugfs_value(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, key, n) && p[n] == ':')
			return atoll(p + n + 1);
	}
	return -1;
}

static bool read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
	return n > 0;
}

static void test_debugfs_agrees_with_mapping(void)
{
	static const char *const keys[] = {
		"generated", "delivered", "dropped", "sampled", "bundles",
		"orders", "fills", "filled_qty", "resting_qty", "cas_retries",
	};
	static char text[16384];
	struct velox_config c = defaults;
	const __u64 *vals[] = {
		&snap.total.generated, &snap.total.delivered,
		&snap.total.dropped, &snap.total.sampled, &snap.total.bundles,
		&snap.total.orders, &snap.total.fills, &snap.total.filled_qty,
		&snap.total.resting_qty, &snap.total.cas_retries,
	};
	bool ok = run_for(&c, 200, "debugfs run");

	if (ok && !read_file("/sys/kernel/debug/velox/stats", text, sizeof(text)))
		ok = false;
	for (size_t i = 0; ok && i < sizeof(keys) / sizeof(keys[0]); i++) {
		long long v = debugfs_value(text, keys[i]);

		if (v < 0 || (uint64_t)v != *vals[i]) {
			ktap_diag("%s: debugfs %lld, mapping %llu", keys[i], v,
				  (unsigned long long)*vals[i]);
			ok = false;
		}
	}
	if (ok && !read_file("/sys/kernel/debug/velox/histogram", text,
			     sizeof(text)))
		ok = false;
	if (ok) {
		char want[64];

		snprintf(want, sizeof(want), "e2e: intended ingress time -> output\n  count %llu",
			 (unsigned long long)snap.hist[VELOX_STAGE_E2E].count);
		if (!strstr(text, want)) {
			ktap_diag("histogram lacks '%s'", want);
			ok = false;
		}
	}
	ktap_result(ok, "debugfs_stats_and_histogram_agree_with_mapping");
}

int main(void)
{
	fd = open("/dev/velox", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("Bail out! /dev/velox: %s\n", strerror(errno));
		return 1;
	}
	info.size = sizeof(info);
	defaults.size = sizeof(defaults);
	if (xioctl(VELOX_IOC_GET_INFO, &info) ||
	    xioctl(VELOX_IOC_GET_CONFIG, &defaults)) {
		printf("Bail out! GET_INFO/GET_CONFIG: %s\n", strerror(errno));
		return 1;
	}
	area = mmap(NULL, info.stats_size, PROT_READ, MAP_SHARED, fd, 0);
	if (area == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		return 1;
	}

	ktap_plan(20 + sizeof(bad_starts) / sizeof(bad_starts[0]));
	test_fifty_cycles_conserve();
	test_every_policy_runs_and_stops();
	test_two_lanes_share_the_book();
	test_stop_with_full_rings();
	test_start_right_after_stop();
	test_bad_start_matrix();
	test_start_tail_and_pointer_errors();
	test_start_while_running_is_ebusy();
	test_get_config_and_reset();
	test_needs_cap_sys_admin();
	test_mapping_is_read_only();
	test_concurrent_ioctls();
	test_debugfs_agrees_with_mapping();
	return ktap_finish();
}
