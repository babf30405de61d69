// SPDX-License-Identifier: GPL-2.0
/*
 * STOP is killable: a STOP that cannot finish, because the pipeline's only
 * worker is bound to a CPU that a SCHED_FIFO 99 busy loop keeps to itself,
 * ends when its caller gets SIGKILL.  Once the hog is gone the run still
 * drains to a stopped state with every transaction accounted for.  No
 * duration is asserted: each wait is a bounded poll.
 *
 * For the hog to leave the worker nothing, RT throttling is off and, from
 * 6.12 on, so is the CPU's fair server (a deadline server that otherwise
 * gives fair tasks 50 ms a second beside a real-time hog); both come back
 * afterwards.
 */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>

#include "velox_test.h"

#define RT_RUNTIME "/proc/sys/kernel/sched_rt_runtime_us"
#define FAIR_SERVER "/sys/kernel/debug/sched/fair_server/cpu%d/runtime"
/* Bounds of the polls: generous, TCG is slow. */
#define POLL_MS 50
#define BLOCKED_WAIT_MS 20000
#define KILL_WAIT_MS 10000
#define RUN_WAIT_MS 20000
/* A starved worker counts nothing over a window longer than a period. */
#define STARVED_MS 2500

FIXTURE(velox_stop) {
	int fd;
	struct velox_info info;
	const struct velox_stats *area;
	struct velox_stats *snap;
	char rt_runtime[32];	/* sched_rt_runtime_us before, to restore */
	char fair_server[128];	/* the hog CPU's fair server runtime file */
	char fair_runtime[32];	/* its value before, to restore; "" if none */
	int cpu;		/* the worker's and the hog's */
	pid_t hog;
	pid_t stopper;
};

/* The first line of @path into @buf; false if it cannot be read. */
static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	return ok;
}

/* Write @text to @path: 0, or the errno. */
static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return errno;
	if (fputs(text, f) < 0)
		err = errno;
	if (fclose(f) && !err)
		err = errno;
	return err;
}

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

FIXTURE_SETUP(velox_stop)
{
	self->fd = velox_open(_metadata);
	self->info.size = sizeof(self->info);
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_INFO, &self->info));
	self->area = velox_map_stats(_metadata, self->fd, &self->info);
	self->snap = velox_alloc_stats(_metadata, &self->info);
	ASSERT_LE(2, sysconf(_SC_NPROCESSORS_ONLN))
		TH_LOG("needs 2 CPUs: one to starve, one to run the test");
	self->cpu = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	/* This process and its children (the stopper) stay off the hog's CPU. */
	pin_to(0);

	ASSERT_TRUE(read_line(RT_RUNTIME, self->rt_runtime,
			      sizeof(self->rt_runtime)))
		TH_LOG("%s: %s", RT_RUNTIME, strerror(errno));
	/* RT throttling off. */
	ASSERT_ERRNO(0, write_text(RT_RUNTIME, "-1"));
	snprintf(self->fair_server, sizeof(self->fair_server), FAIR_SERVER,
		 self->cpu);
	if (read_line(self->fair_server, self->fair_runtime,
		      sizeof(self->fair_runtime))) {
		/* The fair server (6.12 on) of the hog's CPU off. */
		int err = write_text(self->fair_server, "0");

		/* No teardown after a failed setup: put RT back here. */
		if (err)
			write_text(RT_RUNTIME, self->rt_runtime);
		ASSERT_ERRNO(0, err);
	}
}

static void end_child(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
		*pid = 0;
	}
}

/*
 * The hog first: the worker must run again for the STOP to finish.  Then
 * the scheduler's settings as they were.
 */
FIXTURE_TEARDOWN(velox_stop)
{
	end_child(&self->hog);
	end_child(&self->stopper);
	EXPECT_EQ(0, velox_ioctl(self->fd, VELOX_IOC_STOP, NULL));
	/* The fair server first: 6.12 keeps RT throttling off without it. */
	if (self->fair_runtime[0]) {
		EXPECT_EQ(0, write_text(self->fair_server, self->fair_runtime));
	}
	EXPECT_EQ(0, write_text(RT_RUNTIME, self->rt_runtime));
	free(self->snap);
	munmap((void *)self->area, self->info.stats_size);
	close(self->fd);
}

/* Wait (bounded) until the stats area was republished @n more times. */
static void wait_publishes(struct __test_metadata *_metadata,
			   FIXTURE_DATA(velox_stop) *self, unsigned int n)
{
	__u64 first;

	read_stats(self);
	first = self->snap->publishes;
	for (unsigned int ms = 0; ms < RUN_WAIT_MS; ms += POLL_MS) {
		velox_sleep_ms(POLL_MS);
		read_stats(self);
		if (self->snap->publishes >= first + n)
			return;
	}
	ASSERT_LE(first + n, self->snap->publishes)
		TH_LOG("the stats area is not republished while running");
}

/* A SCHED_FIFO 99 busy loop on @cpu; returns once it spins there. */
static pid_t start_hog(struct __test_metadata *_metadata, int cpu)
{
	struct sched_param sp = { .sched_priority = 99 };
	int ready[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (pid == 0) {
		/* Never outlive the test, whatever ends it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pin_to(cpu);
		if (sched_setscheduler(0, SCHED_FIFO, &sp))
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			;
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1))
		TH_LOG("the hog did not get SCHED_FIFO 99 on CPU %d", cpu);
	close(ready[0]);
	return pid;
}

/* @pid's state letter from /proc/PID/stat, '?' if gone. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* Where @pid sleeps in the kernel, for a diagnostic. */
static const char *proc_wchan(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	f = fopen(path, "r");
	buf[0] = 0;
	if (f) {
		if (!fgets(buf, len, f))
			buf[0] = 0;
		fclose(f);
	}
	return buf;
}

/* Reap @pid if it has exited, polling up to @ms; true if it did. */
static bool reaped_within(pid_t pid, unsigned int ms, int *status)
{
	for (unsigned int t = 0; t <= ms; t += POLL_MS) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return true;
		velox_sleep_ms(POLL_MS);
	}
	return false;
}

TEST_F_TIMEOUT(velox_stop, sigkill_ends_a_stop_whose_worker_is_starved, 180)
{
	static __u64 set[VELOX_CPU_SET_SIZE_MAX / 8];
	struct velox_config c = { .size = sizeof(c) };
	const struct velox_counters *t = &self->snap->total;
	__u64 publishes, generated;
	char wchan[64];
	unsigned int ms;
	int status;
	bool gone;

	/* One lane, one thread, bound to the CPU the hog will take. */
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_GET_CONFIG, &c));
	c.size = sizeof(c);
	c.lanes = 1;
	c.threads = 1;
	set[self->cpu / 64] = 1ull << (self->cpu % 64);
	c.cpus = 0;
	c.cpu_set = (uintptr_t)set;
	c.cpu_set_size = self->info.cpu_set_size;
	c.rate = 100000;
	c.policy = VELOX_POLICY_DROP;
	ASSERT_ERRNO(0, velox_ioctl(self->fd, VELOX_IOC_START, &c));
	for (ms = 0; ms < RUN_WAIT_MS; ms += POLL_MS) {
		read_stats(self);
		if (t->generated)
			break;
		velox_sleep_ms(POLL_MS);
	}
	ASSERT_LT(0u, t->generated) TH_LOG("the pipeline never ran");

	self->hog = start_hog(_metadata, self->cpu);
	/*
	 * The worker is starved: once the area was republished since the
	 * hog took the CPU, it goes on being republished and counts nothing
	 * more.
	 */
	wait_publishes(_metadata, self, 2);
	generated = t->generated;
	publishes = self->snap->publishes;
	velox_sleep_ms(STARVED_MS);
	read_stats(self);
	ASSERT_LT(publishes, self->snap->publishes)
		TH_LOG("the stats area was not republished");
	ASSERT_EQ(generated, t->generated)
		TH_LOG("the worker still runs beside the hog: nothing here makes a STOP that cannot finish");

	self->stopper = fork();
	ASSERT_LE(0, self->stopper) TH_LOG("fork: %s", strerror(errno));
	if (self->stopper == 0) {
		prctl(PR_SET_NAME, "velox-stopper");
		_exit(velox_ioctl(self->fd, VELOX_IOC_STOP, NULL));
	}
	/* The STOP cannot finish: the stopper sleeps in the kernel. */
	for (ms = 0; ms < BLOCKED_WAIT_MS; ms += POLL_MS) {
		if (proc_state(self->stopper) == 'D')
			break;
		velox_sleep_ms(POLL_MS);
	}
	ASSERT_EQ('D', proc_state(self->stopper))
		TH_LOG("expected the STOP to block while its worker is starved (state D), got state %c",
		       proc_state(self->stopper));

	kill(self->stopper, SIGKILL);
	gone = reaped_within(self->stopper, KILL_WAIT_MS, &status);
	EXPECT_TRUE(gone)
		TH_LOG("STOP ignored SIGKILL: the stopper still in state %c at %s, %d s after the kill",
		       proc_state(self->stopper),
		       proc_wchan(self->stopper, wchan, sizeof(wchan)),
		       KILL_WAIT_MS / 1000);
	if (gone) {
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			TH_LOG("the stopper ended by status %#x, not SIGKILL",
			       status);
		self->stopper = 0;
	}

	/*
	 * The worker runs again: the run drains and stops by itself (its
	 * last thread queues the teardown), with no second STOP.
	 */
	end_child(&self->hog);
	end_child(&self->stopper);
	for (ms = 0; ms < RUN_WAIT_MS; ms += POLL_MS) {
		read_stats(self);
		if (self->snap->state == VELOX_STATE_STOPPED)
			break;
		velox_sleep_ms(POLL_MS);
	}
	ASSERT_EQ(VELOX_STATE_STOPPED, self->snap->state)
		TH_LOG("the run did not stop by itself within %d s of the hog's end",
		       RUN_WAIT_MS / 1000);
	EXPECT_EQ(t->generated, t->delivered + t->dropped)
		TH_LOG("generated != delivered %llu + dropped %llu",
		       t->delivered, t->dropped);
	EXPECT_EQ(0u, t->seq_errors)
		TH_LOG("transactions delivered out of order");
}

TEST_HARNESS_MAIN
