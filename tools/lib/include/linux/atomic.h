/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: the compare-and-exchange the order book uses, and the
 * exchange a doorbell is taken with (core/doorbell.h).
 *
 * The kernel's try_cmpxchg() is fully ordered when it succeeds and gives no
 * ordering when it fails; a sequentially consistent C11 exchange with a
 * relaxed failure order means the same, and on x86 both are one locked
 * cmpxchg, itself a full barrier.  On failure *oldp gets the current value.
 */
#ifndef VELOX_SHIM_LINUX_ATOMIC_H
#define VELOX_SHIM_LINUX_ATOMIC_H

#include <asm/barrier.h>
#include <linux/compiler.h>
#include <linux/types.h>

/*
 * A test may lose a race on purpose, on one thread: with
 * VELOX_SHIM_CAS_HOOK defined, every exchange first calls
 * velox_shim_cas_hook(ptr), which may change *ptr so that the exchange
 * fails (tools/testing/core/book_backoff_test.c).
 */
#ifdef VELOX_SHIM_CAS_HOOK
void velox_shim_cas_hook(void *ptr);
#else
#define velox_shim_cas_hook(ptr)	do { } while (0)
#endif

#define try_cmpxchg(ptr, oldp, new)					\
({									\
	velox_shim_cas_hook(ptr);					\
	__atomic_compare_exchange_n((ptr), (oldp), (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);	\
})
#define try_cmpxchg64(ptr, oldp, new)	try_cmpxchg(ptr, oldp, new)

/* The kernel's xchg() is fully ordered: a sequentially consistent exchange. */
#define xchg(ptr, v)	__atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)

#endif /* VELOX_SHIM_LINUX_ATOMIC_H */
