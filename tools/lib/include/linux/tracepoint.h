/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace has no tracepoints: each TRACE_EVENT() of <trace/events/velox.h>
 * becomes an empty inline trace_<event>(), as the kernel's own header does
 * when CONFIG_TRACEPOINTS is off, so module/core compiles unchanged.
 */
#ifndef VELOX_SHIM_LINUX_TRACEPOINT_H
#define VELOX_SHIM_LINUX_TRACEPOINT_H

#include <linux/types.h>

#define PARAMS(args...) args
#define TP_PROTO(args...) args
#define TP_ARGS(args...) args
#define TRACE_DEFINE_ENUM(x)

#define TRACE_EVENT(name, proto, args, tstruct, assign, print)		\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wunused-parameter\"")	\
	static inline void trace_##name(proto) {}			\
	static inline bool trace_##name##_enabled(void) { return false; } \
	_Pragma("GCC diagnostic pop")

#endif /* VELOX_SHIM_LINUX_TRACEPOINT_H */
