/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: min/max/clamp with the kernel's names.  Like the
 * kernel's, each argument is evaluated once; the type check of min() and
 * max() is left to the kernel build.
 */
#ifndef VELOX_SHIM_LINUX_MINMAX_H
#define VELOX_SHIM_LINUX_MINMAX_H

#define min(x, y) ({ __typeof__(x) _x = (x); __typeof__(y) _y = (y); \
		     _x < _y ? _x : _y; })
#define max(x, y) ({ __typeof__(x) _x = (x); __typeof__(y) _y = (y); \
		     _x > _y ? _x : _y; })
#define min_t(type, x, y)	min((type)(x), (type)(y))
#define max_t(type, x, y)	max((type)(x), (type)(y))
#define clamp(val, lo, hi)	min(max(val, lo), hi)
#define clamp_t(type, val, lo, hi) \
	clamp((type)(val), (type)(lo), (type)(hi))

#endif /* VELOX_SHIM_LINUX_MINMAX_H */
