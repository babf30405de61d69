/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels Velox builds against (6.1 and 6.12),
 * in one place, so the rest of the code reads as for one kernel.
 */
#ifndef VELOX_COMPAT_H
#define VELOX_COMPAT_H

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

#endif /* VELOX_COMPAT_H */
