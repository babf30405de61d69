// SPDX-License-Identifier: GPL-2.0
/*
 * debug_init_fault_test's BPF side: fail the N-th allocation velox.ko's
 * module init makes, and count them.
 *
 * fail-nth cannot do this: it counts every site the insmod thread
 * reaches, the module loader's first, and a fault there is the loader's
 * to report (a WARN in the trace-event setup, a vmalloc warning), not
 * Velox's.  Here the window is the module's init function alone: from
 * do_one_initcall() to its return, in the one thread that loads the
 * module.  Inside it, each call of the two functions the kernel's fault
 * injection fails through (should_failslab, should_fail_alloc_page, both
 * marked ALLOW_ERROR_INJECTION) is a site; the N-th is made to fail with
 * bpf_override_return(), exactly as failslab and fail_page_alloc would.
 *
 * An allocation that may not fail (__GFP_NOFAIL) is no site, as for
 * failslab.  Unlike failslab with ignore-gfp-wait off, only sleeping
 * allocations (__GFP_DIRECT_RECLAIM) are sites: an interrupt taken in
 * the window runs in this thread's context, and its atomic allocations
 * are not init's.  Module init runs in process context, and Velox's
 * allocates only with GFP_KERNEL (VELOX_GFP).  Nested allocations count
 * too (a slab refill's page, kmemleak's metadata): what the kernel does
 * for init is failed as well.
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* include/linux/gfp_types.h, the same in 6.1 and 6.12. */
#define VX_GFP_DIRECT_RECLAIM	0x400u
#define VX_GFP_NOFAIL		0x8000u
#define VX_ENOMEM		12

/* Set before load: the loading thread (its pid_tgid). */
const volatile __u64 loader;

/* Set before each load: the site to fail, from 1 (0: none). */
__u32 fail_at;
/* Sites seen in the last init window, and whether fail_at's was failed. */
__u32 seen;
__u32 fired;
/* Inside the init window now. */
__u32 in_init;

SEC("kprobe/do_one_initcall")
int BPF_KPROBE(init_enter)
{
	if (bpf_get_current_pid_tgid() == loader)
		in_init = 1;
	return 0;
}

SEC("kretprobe/do_one_initcall")
int BPF_KRETPROBE(init_exit)
{
	if (bpf_get_current_pid_tgid() == loader)
		in_init = 0;
	return 0;
}

/* True when this call is the site to fail. */
static __always_inline int site(__u32 gfp)
{
	if (!in_init || bpf_get_current_pid_tgid() != loader)
		return 0;
	if ((gfp & VX_GFP_NOFAIL) || !(gfp & VX_GFP_DIRECT_RECLAIM))
		return 0;
	if (++seen != fail_at)
		return 0;
	fired = 1;
	return 1;
}

SEC("kprobe/should_failslab")
int BPF_KPROBE(slab_site, void *cache, __u32 gfp)
{
	if (site(gfp))
		bpf_override_return(ctx, -VX_ENOMEM);
	return 0;
}

SEC("kprobe/should_fail_alloc_page")
int BPF_KPROBE(page_site, __u32 gfp, __u32 order)
{
	if (site(gfp))
		bpf_override_return(ctx, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
