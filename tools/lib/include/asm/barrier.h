/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: the kernel's SMP barriers as C11 atomics with the same
 * ordering meaning (Documentation/memory-barriers.txt), in the way
 * liburing's barrier.h maps them.  On x86 acquire and release cost
 * nothing but a compiler barrier, as in the kernel.
 */
#ifndef VELOX_SHIM_ASM_BARRIER_H
#define VELOX_SHIM_ASM_BARRIER_H

#include <linux/compiler.h>

#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)

#define smp_load_acquire(p)	 __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

#endif /* VELOX_SHIM_ASM_BARRIER_H */
