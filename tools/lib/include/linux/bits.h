/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: BIT() and BIT_ULL() with the kernel's meaning. */
#ifndef VELOX_SHIM_LINUX_BITS_H
#define VELOX_SHIM_LINUX_BITS_H

#define BIT(nr)		(1ul << (nr))
#define BIT_ULL(nr)	(1ull << (nr))

#endif /* VELOX_SHIM_LINUX_BITS_H */
