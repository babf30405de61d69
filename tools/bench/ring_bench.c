// SPDX-License-Identifier: GPL-2.0
/*
 * Rings: velox's SPSC ring against DPDK's rte_ring (single-producer,
 * single-consumer, elem API) and Concurrency Kit's ck_ring (SPSC, typed),
 * all carrying the same 32-byte struct velox_txn.
 *
 *   single   one thread pushes a burst and pops it back: ns per element
 *   xfer     producer and consumer on two CPUs move N elements: Mops/s
 *   rtt      a burst goes to the other CPU and comes back on a second
 *            ring: round-trip time, p50 and p99 (velox's own histogram)
 *
 * Each implementation is stamped out from one template (RING_IMPL) so the
 * loops around the calls are identical; bursts use each ring's own burst
 * call where it has one (ck_ring has none: a burst is a loop of singles).
 */
#include <ck_ring.h>
#include <pthread.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "hist.h"
#include "ring.h"
#include "txn.h"

#define RING_SIZE 1024
#define BURST_MAX 32
#define RTT_ROUNDS 100000

/* ---- velox ---- */
static void *velox_create(void)
{
	struct velox_ring *r = aligned_alloc(64, sizeof(*r));
	void *slots = aligned_alloc(64, RING_SIZE * sizeof(struct velox_txn));

	velox_ring_init(r, slots, RING_SIZE);
	return r;
}

static inline unsigned int velox_push(void *r, const struct velox_txn *t,
				      unsigned int n)
{
	if (n == 1)
		return velox_ring_push(r, t, sizeof(*t));
	return velox_ring_push_n(r, t, n, sizeof(*t));
}

static inline unsigned int velox_pop(void *r, struct velox_txn *t,
				     unsigned int n)
{
	if (n == 1)
		return velox_ring_pop(r, t, sizeof(*t));
	return velox_ring_pop_n(r, t, n, sizeof(*t));
}

/* ---- DPDK rte_ring, initialised in our memory: no EAL needed ---- */
static void *rte_create(void)
{
	ssize_t sz = rte_ring_get_memsize_elem(sizeof(struct velox_txn), RING_SIZE);
	struct rte_ring *r = aligned_alloc(128, (sz + 127) & ~127);

	if (rte_ring_init(r, "bench", RING_SIZE, RING_F_SP_ENQ | RING_F_SC_DEQ))
		abort();
	return r;
}

static inline unsigned int rte_push(void *r, const struct velox_txn *t,
				    unsigned int n)
{
	if (n == 1)
		return rte_ring_sp_enqueue_elem(r, (void *)t, sizeof(*t)) == 0;
	return rte_ring_sp_enqueue_burst_elem(r, t, sizeof(*t), n, NULL);
}

static inline unsigned int rte_pop(void *r, struct velox_txn *t, unsigned int n)
{
	if (n == 1)
		return rte_ring_sc_dequeue_elem(r, t, sizeof(*t)) == 0;
	return rte_ring_sc_dequeue_burst_elem(r, t, sizeof(*t), n, NULL);
}

/* ---- Concurrency Kit ck_ring, typed SPSC ---- */
CK_RING_PROTOTYPE(txn, velox_txn)

struct ck_txn_ring {
	struct ck_ring ring;
	struct velox_txn *buf;
};

static void *ck_create(void)
{
	struct ck_txn_ring *r = aligned_alloc(64, sizeof(*r));

	r->buf = aligned_alloc(64, RING_SIZE * sizeof(struct velox_txn));
	ck_ring_init(&r->ring, RING_SIZE);
	return r;
}

static inline unsigned int ck_push(void *p, const struct velox_txn *t,
				   unsigned int n)
{
	struct ck_txn_ring *r = p;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!ck_ring_enqueue_spsc_txn(&r->ring, r->buf, (struct velox_txn *)&t[i]))
			break;
	return i;
}

static inline unsigned int ck_pop(void *p, struct velox_txn *t, unsigned int n)
{
	struct ck_txn_ring *r = p;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!ck_ring_dequeue_spsc_txn(&r->ring, r->buf, &t[i]))
			break;
	return i;
}

/* ---- the template ---- */
struct xfer {
	void *ring, *back;	/* back: the return ring of rtt */
	uint64_t count;
	unsigned int burst;
	int cpu;
	uint64_t bad;		/* consumer: elements out of sequence */
	struct velox_hist *rtt;
	volatile int *go;
};

struct ring_impl {
	const char *name;
	void *(*create)(void);
	void *(*producer)(void *);
	void *(*consumer)(void *);
	void *(*pong)(void *);
	double (*single)(unsigned int burst, uint64_t count);
	void (*ping)(struct xfer *x);
};

#define RING_IMPL(NAME)							\
static void *NAME##_producer(void *arg)					\
{									\
	struct xfer *x = arg;						\
	struct velox_txn buf[BURST_MAX] = { 0 };			\
	uint64_t next = 0;						\
	unsigned int i, done;						\
									\
	bench_pin(x->cpu);						\
	while (!*x->go)							\
		;							\
	while (next < x->count) {					\
		for (i = 0; i < x->burst; i++)				\
			buf[i].id = next + i;				\
		for (done = 0; done < x->burst;)			\
			done += NAME##_push(x->ring, buf + done,	\
					    x->burst - done);		\
		next += x->burst;					\
	}								\
	return NULL;							\
}									\
									\
static void *NAME##_consumer(void *arg)					\
{									\
	struct xfer *x = arg;						\
	struct velox_txn buf[BURST_MAX];				\
	uint64_t next = 0;						\
	unsigned int i, n;						\
									\
	bench_pin(x->cpu);						\
	while (next < x->count) {					\
		n = NAME##_pop(x->ring, buf, x->burst);			\
		for (i = 0; i < n; i++, next++)				\
			x->bad += buf[i].id != next;			\
	}								\
	return NULL;							\
}									\
									\
/* Echo every burst back on the return ring. */			\
static void *NAME##_pong(void *arg)					\
{									\
	struct xfer *x = arg;						\
	struct velox_txn buf[BURST_MAX];				\
	uint64_t moved = 0;						\
	unsigned int got, done;						\
									\
	bench_pin(x->cpu);						\
	while (moved < x->count) {					\
		for (got = 0; got < x->burst;)				\
			got += NAME##_pop(x->ring, buf + got,		\
					  x->burst - got);		\
		for (done = 0; done < x->burst;)			\
			done += NAME##_push(x->back, buf + done,	\
					    x->burst - done);		\
		moved += x->burst;					\
	}								\
	return NULL;							\
}									\
									\
static void NAME##_ping(struct xfer *x)					\
{									\
	struct velox_txn buf[BURST_MAX] = { 0 };			\
	unsigned int got, done, round;					\
	uint64_t t0;							\
									\
	for (round = 0; round < RTT_ROUNDS; round++) {			\
		t0 = bench_now_ns();					\
		for (done = 0; done < x->burst;)			\
			done += NAME##_push(x->ring, buf + done,	\
					    x->burst - done);		\
		for (got = 0; got < x->burst;)				\
			got += NAME##_pop(x->back, buf + got,		\
					  x->burst - got);		\
		velox_hist_record(x->rtt, bench_now_ns() - t0);		\
	}								\
}									\
									\
static double NAME##_single(unsigned int burst, uint64_t count)		\
{									\
	void *r = NAME##_create();					\
	struct velox_txn in[BURST_MAX] = { 0 }, out[BURST_MAX];		\
	uint64_t i, t0, sum = 0;					\
									\
	t0 = bench_now_ns();						\
	for (i = 0; i < count; i += burst) {				\
		in[0].id = i;						\
		NAME##_push(r, in, burst);				\
		NAME##_pop(r, out, burst);				\
		sum += out[0].id;					\
	}								\
	bench_keep(sum);						\
	return (double)(bench_now_ns() - t0) / count;			\
}									\
									\
static const struct ring_impl NAME##_impl = {				\
	#NAME, NAME##_create, NAME##_producer, NAME##_consumer,		\
	NAME##_pong, NAME##_single, NAME##_ping,			\
}

RING_IMPL(velox);
RING_IMPL(rte);
RING_IMPL(ck);

static const struct ring_impl *const impls[] = { &velox_impl, &rte_impl, &ck_impl };

/* Producer on one CPU, consumer on the other: seconds for x->count. */
static double xfer_once(const struct ring_impl *im, const struct bench_opts *o,
			unsigned int burst, uint64_t count)
{
	volatile int go = 0;
	struct xfer p = { .ring = im->create(), .count = count, .burst = burst,
			  .cpu = o->cpu_a, .go = &go };
	struct xfer c = p;
	pthread_t pt, ct;
	uint64_t t0;

	c.cpu = o->cpu_b;
	pthread_create(&ct, NULL, im->consumer, &c);
	pthread_create(&pt, NULL, im->producer, &p);
	t0 = bench_now_ns();
	go = 1;
	pthread_join(pt, NULL);
	pthread_join(ct, NULL);
	if (c.bad) {
		fprintf(stderr, "bench: %s lost order: %llu elements\n", im->name,
			(unsigned long long)c.bad);
		exit(1);
	}
	return (bench_now_ns() - t0) / 1e9;
}

static void rtt_once(const struct ring_impl *im, const struct bench_opts *o,
		     unsigned int burst, struct velox_hist *h)
{
	struct xfer x = { .ring = im->create(), .back = im->create(),
			  .count = (uint64_t)RTT_ROUNDS * burst, .burst = burst,
			  .cpu = o->cpu_b, .rtt = h };
	pthread_t t;

	pthread_create(&t, NULL, im->pong, &x);
	bench_pin(o->cpu_a);
	im->ping(&x);
	pthread_join(t, NULL);
}

void ring_bench(const struct bench_opts *o)
{
	static const unsigned int bursts[] = { 1, 32 };
	const uint64_t counts[] = { 1000000, o->count };
	struct velox_hist *h = malloc(sizeof(*h));
	char name[96];
	unsigned int i, b, c, k;

	for (i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
		const struct ring_impl *im = impls[i];

		for (b = 0; b < 2; b++) {
			double best = 1e30, t;

			for (k = 0; k < o->repeat; k++) {
				t = im->single(bursts[b], 10000000);
				best = t < best ? t : best;
			}
			snprintf(name, sizeof(name), "ring/%s/single/burst%u", im->name, bursts[b]);
			bench_result(name, best, "ns/elem", false);

			for (c = 0; c < 2; c++) {
				best = 1e30;
				for (k = 0; k < o->repeat; k++) {
					t = xfer_once(im, o, bursts[b], counts[c]);
					best = t < best ? t : best;
				}
				snprintf(name, sizeof(name), "ring/%s/xfer/burst%u/%lluM",
					 im->name, bursts[b],
					 (unsigned long long)(counts[c] / 1000000));
				bench_result(name, counts[c] / best / 1e6, "Mops/s", true);
			}

			velox_hist_init(h);
			rtt_once(im, o, bursts[b], h);
			snprintf(name, sizeof(name), "ring/%s/rtt/burst%u/p50", im->name, bursts[b]);
			bench_result(name, velox_hist_quantile(h, 500000), "ns", false);
			snprintf(name, sizeof(name), "ring/%s/rtt/burst%u/p99", im->name, bursts[b]);
			bench_result(name, velox_hist_quantile(h, 990000), "ns", false);
		}
	}
	free(h);
}
