/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: the kernel's compiler helpers.
 *
 * READ_ONCE/WRITE_ONCE are relaxed C11 atomics rather than volatile
 * accesses: the generated code is the same plain load or store on x86, and
 * ThreadSanitizer then knows that the racy access is intended, as KCSAN
 * does in the kernel.
 */
#ifndef VELOX_SHIM_LINUX_COMPILER_H
#define VELOX_SHIM_LINUX_COMPILER_H

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define noinline		__attribute__((__noinline__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __packed		__attribute__((__packed__))
#define __maybe_unused		__attribute__((__unused__))
#define __must_check		__attribute__((__warn_unused_result__))

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

/*
 * A read that races with a writer on purpose (a per-CPU counter summed by
 * another CPU): the kernel tells KCSAN so; here it is the plain access.
 */
#define data_race(expr)		(expr)

#define barrier()		__asm__ __volatile__("" : : : "memory")

#endif /* VELOX_SHIM_LINUX_COMPILER_H */
