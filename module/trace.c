// SPDX-License-Identifier: GPL-2.0
/*
 * The one place the velox tracepoints are defined (module/include/trace/
 * events/velox.h says what they are); everywhere else only calls them.
 */
#define CREATE_TRACE_POINTS
#include <trace/events/velox.h>
