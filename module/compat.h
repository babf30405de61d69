/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels Velox builds against (6.1, 6.12 and
 * sid's newest), in one place, so the rest of the code reads as for one
 * kernel.
 */
#ifndef VELOX_COMPAT_H
#define VELOX_COMPAT_H

#include <linux/kernel.h>
#include <linux/mm.h>

/*
 * 6.3 made vm_flags read-only outside the mm helpers.  Kbuild defines
 * VELOX_HAVE_VM_FLAGS_MOD when the headers have them, so this follows
 * what the kernel has rather than its version number.
 */
static inline void velox_vm_flags_mod(struct vm_area_struct *vma,
				      vm_flags_t set, vm_flags_t clear)
{
#ifdef VELOX_HAVE_VM_FLAGS_MOD
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

/*
 * The kernel tracepoints module/noise.c hooks pass the same arguments in
 * 6.1 and 6.12 (include/trace/events/{sched,irq,nmi}.h and x86's
 * asm/trace/irq_vectors.h, read in both):
 *
 *   sched_switch       (bool preempt, struct task_struct *prev,
 *                       struct task_struct *next, unsigned int prev_state)
 *   sched_wakeup       (struct task_struct *p)
 *   irq_handler_entry  (int irq, struct irqaction *action)
 *   irq_handler_exit   (int irq, struct irqaction *action, int ret)
 *   softirq_entry/exit (unsigned int vec_nr)
 *   nmi_handler        (void *handler, s64 delta_ns, int handled)
 *   <vector>_entry/exit (int vector): local_timer, reschedule,
 *                       call_function, call_function_single, irq_work
 *
 * A probe takes a void *data before them.  VELOX_TP_PROBE_CHECK() makes
 * the build fail if @probe does not take what tracepoint @tp passes in the
 * kernel built against (the file includes the tracepoint's header, and
 * never defines CREATE_TRACE_POINTS); nothing is called or referenced.
 * Should a kernel change one, its adapter goes here.
 */
#define VELOX_TP_PROBE_CHECK(tp, probe) \
	((void)sizeof(register_trace_##tp(probe, NULL)))

/* The APIC vectors' tracepoints exist on x86 only (not on UML's KUnit). */
#ifdef CONFIG_X86_LOCAL_APIC
#define VELOX_TP_VECTOR_CHECK(tp, entry, exit) do {		\
	VELOX_TP_PROBE_CHECK(tp##_entry, entry);		\
	VELOX_TP_PROBE_CHECK(tp##_exit, exit);			\
} while (0)
#else
#define VELOX_TP_VECTOR_CHECK(tp, entry, exit) do { } while (0)
#endif

/*
 * Allocating the ftrace snapshot buffer without taking a snapshot, and
 * learning whether it worked: kernel/trace/trace.c exports
 * tracing_alloc_snapshot() (GPL) in 6.1 and 6.12, but declares it only
 * in its private trace.h; later kernels (sid's 7.2) no longer export it.
 * Kbuild defines VELOX_HAVE_TRACING_ALLOC_SNAPSHOT when the headers'
 * Module.symvers lists it.  Without it the public tracing_snapshot_alloc()
 * stands in: it allocates and takes one snapshot at once (swapping the
 * buffers, so events from before START may come back into the live one)
 * and cannot say whether the allocation failed; if it did, the spike's
 * tracing_snapshot() writes "SNAPSHOT NOT ALLOCATED" into the trace and
 * turns tracing off (design.rst, "The snapshot").
 */
#ifdef VELOX_HAVE_TRACING_ALLOC_SNAPSHOT
int tracing_alloc_snapshot(void);

static inline int velox_alloc_snapshot(void)
{
	return tracing_alloc_snapshot();
}
#else
static inline int velox_alloc_snapshot(void)
{
	tracing_snapshot_alloc();
	return 0;
}
#endif

#endif /* VELOX_COMPAT_H */
