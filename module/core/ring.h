/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Single-producer, single-consumer ring of fixed-size elements.
 *
 * The producer owns @prod and the consumer owns @cons, each on its own
 * cache line.  Indices run free over all of u32 and wrap naturally; a slot
 * is index & mask, so the capacity is a power of two and full is
 * "head - tail == capacity" with no slot wasted.
 *
 * Each side keeps a private copy of the other side's index and only reads
 * the shared one (one cache miss) when its copy says there is less room
 * (or fewer elements) than the call wants: a producer ahead of its
 * consumer touches the consumer's line about once per lap instead of once
 * per element (the cached-index trick of rigtorp's SPSCQueue; ptr_ring
 * batches for the same reason); a consumer that keeps up reads the
 * producer's line about once per burst, as it must to see new elements.
 * A burst moves as many elements as the ring held room for when it
 * looked: a stale copy never makes it move fewer (ingress drops what a
 * push did not take, so that would drop on a ring that had room).
 *
 * Ordering: the producer fills slots, then publishes @prod.head with a
 * release store; the consumer reads @prod.head with an acquire load before
 * reading the slots.  The same pair in the other direction hands slots
 * back.  Bursts publish once per burst.  No full barrier anywhere.
 *
 * The element size is an argument of every call, as in rte_ring's elem
 * API: callers pass sizeof(their element), a constant, so the copies
 * compile to a few moves.  Every call on one ring passes the same size.
 * The ring allocates nothing: the caller provides the slot memory.
 */
#ifndef VELOX_CORE_RING_H
#define VELOX_CORE_RING_H

#include <asm/barrier.h>
#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/types.h>

struct velox_ring {
	/* Written by nobody after velox_ring_init(). */
	struct {
		u8 *slots;
		u32 mask;
	} ____cacheline_aligned_in_smp;

	struct {
		u32 head;	/* next slot to fill; read by the consumer */
		u32 tail_cache;	/* the consumer's tail, as last read */
	} prod ____cacheline_aligned_in_smp;

	struct {
		u32 tail;	/* next slot to take; read by the producer */
		u32 head_cache;	/* the producer's head, as last read */
	} cons ____cacheline_aligned_in_smp;
};

/* Largest capacity: indices must stay comparable across u32 wraparound. */
#define VELOX_RING_MAX_CAPACITY	BIT(30)

static inline bool velox_ring_capacity_valid(u32 capacity)
{
	return capacity >= 2 && capacity <= VELOX_RING_MAX_CAPACITY &&
	       !(capacity & (capacity - 1));
}

/**
 * velox_ring_init_at() - set up an empty ring whose indices start at @start
 * @r: the ring
 * @slots: capacity times the element size, in bytes, owned by the caller
 * @capacity: number of elements, a power of two (velox_ring_capacity_valid)
 * @start: first index; tests start near U32_MAX to cross the wrap early
 */
static inline void velox_ring_init_at(struct velox_ring *r, void *slots,
				      u32 capacity, u32 start)
{
	r->slots = slots;
	r->mask = capacity - 1;
	r->prod.head = start;
	r->prod.tail_cache = start;
	r->cons.tail = start;
	r->cons.head_cache = start;
}

static inline void velox_ring_init(struct velox_ring *r, void *slots,
				   u32 capacity)
{
	velox_ring_init_at(r, slots, capacity, 0);
}

static inline u32 velox_ring_capacity(const struct velox_ring *r)
{
	return r->mask + 1;
}

static __always_inline void *velox_ring_slot(const struct velox_ring *r,
					     u32 idx, u32 esize)
{
	return r->slots + (size_t)(idx & r->mask) * esize;
}

/*
 * Free slots the producer may fill, for a push of @want.  The consumer's
 * line is read only when the cached tail says there is less room.
 */
static __always_inline u32 velox_ring_prod_room(struct velox_ring *r, u32 want)
{
	u32 cap = r->mask + 1;
	u32 room = cap - (r->prod.head - r->prod.tail_cache);

	if (room < want) {
		/* Pairs with the consumer's release: its reads of slots are done. */
		r->prod.tail_cache = smp_load_acquire(&r->cons.tail);
		room = cap - (r->prod.head - r->prod.tail_cache);
	}
	return room;
}

/*
 * Filled slots the consumer may take, for a pop of @want; read the
 * producer's line only when the cached head says there are fewer.
 */
static __always_inline u32 velox_ring_cons_avail(struct velox_ring *r,
						 u32 want)
{
	u32 avail = r->cons.head_cache - r->cons.tail;

	if (avail < want) {
		/* Pairs with the producer's release: its slot writes are visible. */
		r->cons.head_cache = smp_load_acquire(&r->prod.head);
		avail = r->cons.head_cache - r->cons.tail;
	}
	return avail;
}

/*
 * Elements the consumer already knows are in the ring, from its cached
 * copy of the head: a pop of at most this many reads nothing shared.
 */
static __always_inline u32 velox_ring_cons_known(const struct velox_ring *r)
{
	return r->cons.head_cache - r->cons.tail;
}

/**
 * velox_ring_push() - producer: append one element
 * @r: the ring
 * @elem: the element, copied in
 * @esize: its size, the same on every call for @r
 *
 * Return: true, or false if the ring is full (nothing written).
 */
static __always_inline bool velox_ring_push(struct velox_ring *r,
					    const void *elem, u32 esize)
{
	u32 head = r->prod.head;

	if (unlikely(!velox_ring_prod_room(r, 1)))
		return false;
	__builtin_memcpy(velox_ring_slot(r, head, esize), elem, esize);
	/* Publish the slot: pairs with the acquire in velox_ring_cons_avail(). */
	smp_store_release(&r->prod.head, head + 1);
	return true;
}

/**
 * velox_ring_pop() - consumer: take the oldest element
 * @r: the ring
 * @elem: where the element is copied to
 * @esize: its size, the same on every call for @r
 *
 * Return: true, or false if the ring is empty (@elem untouched).
 */
static __always_inline bool velox_ring_pop(struct velox_ring *r, void *elem,
					   u32 esize)
{
	u32 tail = r->cons.tail;

	if (unlikely(!velox_ring_cons_avail(r, 1)))
		return false;
	__builtin_memcpy(elem, velox_ring_slot(r, tail, esize), esize);
	/* Hand the slot back: pairs with the acquire in velox_ring_prod_room(). */
	smp_store_release(&r->cons.tail, tail + 1);
	return true;
}

/**
 * velox_ring_push_n() - producer: append up to @n elements, publish once
 * @r: the ring
 * @elems: @n elements, one after another
 * @n: how many to append at most
 * @esize: the size of one, the same on every call for @r
 *
 * Return: how many were appended, from the start of @elems (0 if full).
 */
static __always_inline u32 velox_ring_push_n(struct velox_ring *r,
					     const void *elems, u32 n,
					     u32 esize)
{
	u32 head = r->prod.head;
	u32 room = velox_ring_prod_room(r, n);
	const u8 *src = elems;
	u32 i;

	if (n > room)
		n = room;
	for (i = 0; i < n; i++)
		__builtin_memcpy(velox_ring_slot(r, head + i, esize),
				 src + (size_t)i * esize, esize);
	if (!n)
		return 0;
	/* One release for the whole burst; pairs as in velox_ring_push(). */
	smp_store_release(&r->prod.head, head + n);
	return n;
}

/**
 * velox_ring_pop_n() - consumer: take up to @n elements, release once
 * @r: the ring
 * @elems: room for @n elements
 * @n: how many to take at most
 * @esize: the size of one, the same on every call for @r
 *
 * Return: how many were taken into @elems (0 if empty).
 */
static __always_inline u32 velox_ring_pop_n(struct velox_ring *r, void *elems,
					    u32 n, u32 esize)
{
	u32 tail = r->cons.tail;
	u32 avail = velox_ring_cons_avail(r, n);
	u8 *dst = elems;
	u32 i;

	if (n > avail)
		n = avail;
	for (i = 0; i < n; i++)
		__builtin_memcpy(dst + (size_t)i * esize,
				 velox_ring_slot(r, tail + i, esize), esize);
	if (!n)
		return 0;
	/* One release for the whole burst; pairs as in velox_ring_pop(). */
	smp_store_release(&r->cons.tail, tail + n);
	return n;
}

/*
 * Elements in the ring as seen from outside both sides (stats, drain
 * checks): a snapshot that may be stale by the time it is used.  The tail
 * is read first: the head only grows, so it cannot be behind it.
 */
static inline u32 velox_ring_count(const struct velox_ring *r)
{
	/* Acquire both: keeps the head read after the tail read. */
	u32 tail = smp_load_acquire(&r->cons.tail);

	/* See above. */
	return smp_load_acquire(&r->prod.head) - tail;
}

#endif /* VELOX_CORE_RING_H */
