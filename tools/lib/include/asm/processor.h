/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: cpu_relax(), the pause in a spin-wait loop. */
#ifndef VELOX_SHIM_ASM_PROCESSOR_H
#define VELOX_SHIM_ASM_PROCESSOR_H

#if defined(__x86_64__) || defined(__i386__)
#define velox_shim_pause()	__builtin_ia32_pause()
#elif defined(__aarch64__)
#define velox_shim_pause()	__asm__ __volatile__("yield" ::: "memory")
#else
#define velox_shim_pause()	__asm__ __volatile__("" ::: "memory")
#endif

/*
 * velox-bench counts the calls of its own thread, to say how long one
 * order-book operation spun (its cas case); one add beside a pause that
 * takes tens of nanoseconds.  Elsewhere cpu_relax() is the pause alone.
 */
#ifdef VELOX_COUNT_CPU_RELAX
extern __thread unsigned long long velox_cpu_relax_calls;
#define cpu_relax()	do { velox_cpu_relax_calls++; velox_shim_pause(); } while (0)
#else
#define cpu_relax()	velox_shim_pause()
#endif

#endif /* VELOX_SHIM_ASM_PROCESSOR_H */
