// SPDX-License-Identifier: GPL-2.0
/*
 * libvelox: errors in one line, "<program>: <what>: <why>".  The program
 * is the one that runs (program_invocation_short_name), so velox-trace's
 * errors say velox-trace although the words are shared.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "libvelox.h"

static void report(const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s: ", program_invocation_short_name, what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void vx_err(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(what, fmt, ap);
	va_end(ap);
}

int vx_usage_err(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(what, fmt, ap);
	va_end(ap);
	return VX_EXIT_USAGE;
}
